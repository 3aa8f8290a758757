"""What only the module source has: attribute docstrings and literal values.

Python keeps no docstring for a class attribute, so the documentation of
enumeration values and constants (the string literal that follows the
assignment) is read from the module's syntax tree, as are the declaration order
of enumeration values and the literal values of constants. The result type of
a task operation appears only in the method body
(``Task(task_id, task_svc, <binding type>)``).
"""

import ast


class ClassSource:
    """Facts about one class body, keyed by attribute name."""

    def __init__(self):
        self.attributes = []  # names in declaration order
        self.attribute_docs = {}
        self.literals = {}  # name -> literal value (None for ``X = None``)
        self.task_calls = {}  # method name -> TaskCall


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
                call = task_call(statement)
                if call is not None:
                    info.task_calls[statement.name] = call
        return info


class TaskCall:
    """What a task method body says: the operation it invokes and the result type."""

    def __init__(self, operation, result_types):
        # First argument of ``self._invoke(...)`` when it is a string literal.
        self.operation = operation
        # Third arguments of every ``Task(task_id, task_svc, <type>)`` call.
        self.result_types = result_types


def task_call(function):
    """The :class:`TaskCall` of a method body, or ``None`` without ``Task(...)``."""
    invoked = []
    results = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "Task":
            if len(node.args) == 3 and not node.keywords:
                results.append(node.args[2])
            else:
                # A differently shaped call still marks a task method; with
                # no usable argument its result stays unknown.
                results.append(None)
        elif isinstance(func, ast.Attribute) and func.attr == "_invoke" and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            invoked.append(node.args[0].value)
    if not results:
        return None
    return TaskCall(invoked[0] if len(invoked) == 1 else None, results)
