"""Task result types: reading ``Task(...)`` calls and the ``TaskResult`` encoding."""

import ast
import textwrap
import unittest

from vmware.vapi.bindings import type as bt

from vapi_snapshot import bindings, source, tasks, types, wire
from vapi_snapshot.wire import WireMap

METHOD = '''
def clone_task(self, spec=None):
    """Creates a virtual machine from an existing one."""
    task_id = self._invoke('clone$task',
                            {
                            'spec': spec,
                            })
    task_svc = Tasks(self._config)
    task_instance = Task(task_id, task_svc, type.IdType(resource_types='VirtualMachine'))
    return task_instance
'''

INFO = "com.vmware.x.info"


def function(text):
    return ast.parse(textwrap.dedent(text)).body[0]


def expression(text):
    return ast.parse(text, mode="eval").body


def optional_list_of_info():
    return wire.generic_type("OPTIONAL", element=wire.generic_type(
        "LIST", element=wire.user_defined_type(wire.STRUCTURE_RESOURCE, INFO)))


class TaskCallTest(unittest.TestCase):
    def test_reads_invoked_operation_and_result_expression(self):
        call = source.task_call(function(METHOD))
        self.assertEqual(call.operation, "clone$task")
        self.assertEqual(len(call.result_types), 1)
        self.assertEqual(ast.unparse(call.result_types[0]),
                         "type.IdType(resource_types='VirtualMachine')")

    def test_method_without_task_is_not_a_task_method(self):
        self.assertIsNone(source.task_call(function(
            "def get(self, vm):\n    return self._invoke('get', {'vm': vm})\n")))

    def test_oddly_shaped_task_call_is_kept_without_expression(self):
        call = source.task_call(function(
            "def f(self):\n    t = self._invoke('f$task', {})\n"
            "    return Task(t, result_type=type.VoidType())\n"))
        self.assertEqual(call.result_types, [None])


class EvaluateTest(unittest.TestCase):
    namespace = {"type": bt, "__name__": "vapi_snapshot_test"}

    def test_binding_type_expressions_evaluate(self):
        value = tasks.evaluate(expression("type.ListType(type.StringType())"), self.namespace, "w")
        self.assertEqual(types.to_metamodel(value, "w"),
                         wire.generic_type("LIST", element=wire.builtin_type("STRING")))
        value = tasks.evaluate(expression("type.IdType(resource_types=['A', 'B'])"),
                               self.namespace, "w")
        self.assertEqual(types.resource_types_of(value), ["A", "B"])

    def test_anything_else_is_refused(self):
        for text in ("open('x')", "type.VoidType(*args)", "type.IdType(**kw)",
                     "type.ReferenceType(mod, 'X')", "type.VoidType().x()", "[f()]"):
            with self.subTest(text=text), self.assertRaises(tasks.NotRecorded):
                tasks.evaluate(expression(text), self.namespace, "w")

    def test_failing_evaluation_is_not_recorded(self):
        with self.assertRaisesRegex(tasks.NotRecorded, "NoSuchType"):
            tasks.evaluate(expression("type.NoSuchType()"), self.namespace, "w")


class EncodingTest(unittest.TestCase):
    def test_generic_structure(self):
        element_map = tasks.encode(optional_list_of_info())
        self.assertEqual(wire.encode(element_map), {"elements": [
            {"key": "generic", "value": {"type": "STRING_LIST", "list_value": ["OPTIONAL", "LIST"]}},
            {"key": "structure", "value": {"type": "STRUCTURE_REFERENCE", "structure_id": INFO}},
        ]})
        self.assertEqual(tasks.decode(element_map), optional_list_of_info())
        self.assertEqual(tasks.kind(element_map), "OPTIONAL<LIST<structure>>")

    def test_builtin_and_enumeration(self):
        void = tasks.encode(wire.builtin_type("VOID"))
        self.assertEqual(wire.encode(void), {"elements": [
            {"key": "builtin", "value": {"type": "STRING", "string_value": "VOID"}}]})
        self.assertEqual(tasks.kind(void), "VOID")
        enum_type = wire.generic_type(
            "SET", element=wire.user_defined_type(wire.ENUMERATION_RESOURCE, "com.vmware.x.kind"))
        element_map = tasks.encode(enum_type)
        self.assertEqual(tasks.decode(element_map), enum_type)
        self.assertEqual(tasks.kind(element_map), "SET<enumeration>")

    def test_map_has_no_encoding(self):
        map_type = wire.generic_type("MAP", key=wire.builtin_type("STRING"),
                                     value=wire.builtin_type("LONG"))
        with self.assertRaisesRegex(tasks.NotRecorded, "MAP"):
            tasks.encode(map_type)

    def test_decode_rejects_two_leaves(self):
        element_map = wire.element_map(builtin=wire.string_value("VOID"),
                                       enumeration=wire.string_value("com.vmware.x.kind"))
        with self.assertRaises(ValueError):
            tasks.decode(element_map)


class TwinCheckTest(unittest.TestCase):
    @staticmethod
    def operations(task_result, twin_output):
        return WireMap({
            "clone": {"name": "clone", "output": {"type": twin_output, "metadata": WireMap()}},
            "clone$task": {"name": "clone$task", "output": {
                "type": wire.builtin_type("ID"),
                "metadata": WireMap({tasks.METADATA_KEY: tasks.encode(task_result)})}},
        })

    def test_equal_to_the_twin_passes(self):
        bindings.Walker._check_task_results(  # pylint: disable=protected-access
            "com.vmware.x", self.operations(wire.builtin_type("ID"), wire.builtin_type("ID")))

    def test_different_from_the_twin_fails(self):
        with self.assertRaisesRegex(bindings.Problem, "clone\\$task: task result VOID differs"):
            bindings.Walker._check_task_results(  # pylint: disable=protected-access
                "com.vmware.x", self.operations(wire.builtin_type("VOID"), wire.builtin_type("ID")))


if __name__ == "__main__":
    unittest.main()
