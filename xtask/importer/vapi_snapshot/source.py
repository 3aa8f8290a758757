"""What only the module source has: attribute docstrings and literal values.

Python keeps no docstring for a class attribute, so the documentation of
enumeration values and constants (the string literal that follows the
assignment) is read from the module's syntax tree, as are the declaration order
of enumeration values and the literal values of constants. The result type of
a task-only operation appears only in the method body
(``Task(task_id, task_svc, <binding type>)``).
"""

import ast


class ClassSource:
    """Facts about one class body, keyed by attribute name."""

    def __init__(self):
        self.attributes = []  # names in declaration order
        self.attribute_docs = {}
        self.literals = {}  # name -> literal value (None for ``X = None``)
        self.task_result_types = {}  # method name -> ast expression


class ModuleSource:
    """Syntax-tree facts of one binding module, keyed by class qualname."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), filename=path)
        self.classes = {}
        self._walk(tree.body, "")

    def get(self, qualname):
        """Facts of a class (empty when the class is unknown)."""
        return self.classes.get(qualname) or ClassSource()

    def _walk(self, body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef):
                qualname = prefix + node.name
                self.classes[qualname] = self._class(node)
                self._walk(node.body, qualname + ".")

    @staticmethod
    def _class(node):
        info = ClassSource()
        statements = node.body
        for index, statement in enumerate(statements):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                name = statement.targets[0].id
                info.attributes.append(name)
                try:
                    info.literals[name] = ast.literal_eval(statement.value)
                except ValueError:
                    pass
                following = statements[index + 1] if index + 1 < len(statements) else None
                if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) \
                        and isinstance(following.value.value, str):
                    info.attribute_docs[name] = following.value.value
            elif isinstance(statement, ast.FunctionDef):
                result = _task_result_expression(statement)
                if result is not None:
                    info.task_result_types[statement.name] = result
        return info


def _task_result_expression(function):
    """The third argument of ``Task(...)`` in a method body, if any."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "Task" and len(node.args) == 3:
            return node.args[2]
    return None
