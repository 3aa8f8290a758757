"""Result types of task operations: the ``TaskResult`` metadata.

The metamodel describes ``op$task`` as returning the task's ``ID`` (resource
type ``com.vmware.cis.TASK``); what the finished task yields is nowhere in it.
A live vCenter's metamodel service does not report it either. The bindings do
know it: each task method ends with
``Task(task_id, task_svc, <binding type>)``, the type the Python client
deserializes the task's result with. This module reads that expression from
the method's syntax tree and records it on the operation's
``OperationResultInfo.metadata`` under ``TaskResult``, an extension of this
reconstruction (see the snapshot README).

Encoding (ElementMap elements, only metamodel vocabulary, no new syntax):

* ``generic``: STRING_LIST of ``GenericInstantiation.GenericType`` values
  (``OPTIONAL``, ``LIST``, ``SET``), the wrappers outermost first; absent when
  the result is not generic;
* exactly one of ``builtin`` (STRING, a ``Type.BuiltinType`` value such as
  ``VOID`` or ``ID``), ``structure`` (STRUCTURE_REFERENCE, a structure or
  error id) or ``enumeration`` (STRING, an enumeration id).

A ``MAP`` result has no encoding (it would need two element types); none
occurs, and one would be left out and reported rather than approximated.
"""

import ast

from . import wire

METADATA_KEY = "TaskResult"
GENERICS = ("OPTIONAL", "LIST", "SET")
LEAVES = ("builtin", "structure", "enumeration")


class NotRecorded(Exception):
    """The result type cannot be read or encoded; the message says why."""


# --- reading the binding expression ------------------------------------------

def check_expression(node):
    """Raise :class:`NotRecorded` unless ``node`` only builds a binding type.

    Accepted: calls of ``type.<Name>(...)`` whose arguments (positional or
    keyword) are string literals, lists or tuples of them, ``__name__``, or
    such calls again -- the shape the Python generator writes, e.g.
    ``type.ListType(type.ReferenceType(__name__, 'Info'))`` or
    ``type.IdType(resource_types='VirtualMachine')``. Anything else is not
    evaluated: the importer records nothing it has to guess about.
    """
    if isinstance(node, ast.Call):
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "type"):
            raise NotRecorded("call of %s, not of a binding type" % ast.unparse(func))
        for argument in list(node.args) + [keyword.value for keyword in node.keywords]:
            check_expression(argument)
        if any(keyword.arg is None for keyword in node.keywords):
            raise NotRecorded("** arguments in %s" % ast.unparse(node))
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                raise NotRecorded("non-literal list item %s" % ast.unparse(item))
        return
    if isinstance(node, ast.Name) and node.id == "__name__":
        return
    raise NotRecorded("unexpected expression %s" % ast.unparse(node))


def evaluate(expression, namespace, where):
    """The binding type an accepted ``Task(...)`` argument builds.

    ``namespace`` is the binding module's globals, so ``type`` and
    ``__name__`` mean what they mean in the method body.
    """
    check_expression(expression)
    code = compile(ast.Expression(expression), "<%s task result>" % where, "eval")
    try:
        return eval(code, namespace)  # pylint: disable=eval-used
    except Exception as error:  # pylint: disable=broad-except
        raise NotRecorded("%s fails: %s" % (ast.unparse(expression), error)) from error


# --- encoding ------------------------------------------------------------------

def encode(metamodel_type):
    """``TaskResult`` ElementMap for a metamodel ``Type``."""
    generics = []
    current = metamodel_type
    while current["category"] == "GENERIC":
        inst = current["generic_instantiation"]
        if inst["generic_type"] not in GENERICS:
            raise NotRecorded("%s result has no TaskResult encoding" % inst["generic_type"])
        generics.append(inst["generic_type"])
        current = inst["element_type"]
    elements = {}
    if generics:
        elements["generic"] = wire.string_list_value(generics)
    if current["category"] == "BUILTIN":
        elements["builtin"] = wire.string_value(current["builtin_type"])
    else:
        user = current["user_defined_type"]
        if user["resource_type"] == wire.STRUCTURE_RESOURCE:
            elements["structure"] = wire.structure_reference_value(user["resource_id"])
        else:
            elements["enumeration"] = wire.string_value(user["resource_id"])
    return wire.element_map_from(elements)


def decode(element_map):
    """The metamodel ``Type`` a ``TaskResult`` ElementMap (as built by
    :func:`encode`, before wire encoding) stands for."""
    elements = element_map["elements"]
    leaves = [name for name in LEAVES if name in elements]
    if len(leaves) != 1 or set(elements) - set(LEAVES) - {"generic"}:
        raise ValueError("TaskResult elements %s" % sorted(elements))
    leaf = elements[leaves[0]]
    if leaves[0] == "builtin":
        result = wire.builtin_type(leaf["string_value"])
    elif leaves[0] == "structure":
        result = wire.user_defined_type(wire.STRUCTURE_RESOURCE, leaf["structure_id"])
    else:
        result = wire.user_defined_type(wire.ENUMERATION_RESOURCE, leaf["string_value"])
    generics = elements["generic"]["list_value"] if "generic" in elements else []
    for generic in reversed(generics):
        result = wire.generic_type(generic, element=result)
    return result


def kind(element_map):
    """Shape of a recorded result for the README: ``LIST<structure>``, ``VOID``."""
    elements = element_map["elements"]
    if "builtin" in elements:
        text = elements["builtin"]["string_value"]
    else:
        text = "structure" if "structure" in elements else "enumeration"
    generics = elements["generic"]["list_value"] if "generic" in elements else []
    for generic in reversed(generics):
        text = "%s<%s>" % (generic, text)
    return text
