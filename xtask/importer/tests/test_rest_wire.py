"""REST metadata conversion, wire encoding and REST attachment."""

import json
import sys
import types
import unittest

from vmware.vapi.lib.rest import QueryRestMetadata

from vapi_snapshot import rest, snapshot, wire
from vapi_snapshot.rest import RecordedRestMetadata as OperationRestMetadata
from vapi_snapshot.wire import WireMap


def verb_metadata():
    """What the generator writes for ``@POST(path=..., params="action=upgrade")``."""
    return OperationRestMetadata(
        http_method="POST",
        url_template="/vcenter/vm/{vm}/tools?action=upgrade",
        request_body_parameter="spec",
        path_variables={"vm": "vm"},
        query_parameters=QueryRestMetadata({}, **{"names": "filter_names"}),
        dispatch_parameters={"action": "upgrade"},
        header_parameters={"Client-Token": "client_token"},
        dispatch_header_parameters={"Accept": "application/json"},
        use_status_to_std_err_map=False)


class FromBindingsTest(unittest.TestCase):
    def test_verb_form(self):
        mapping, notes = rest.from_bindings(verb_metadata(), ["vm", "spec", "names", "client_token"])
        self.assertEqual(notes, [])
        self.assertEqual(mapping.kind, rest.VERB)
        self.assertEqual((mapping.method, mapping.path), ("POST", "/vcenter/vm/{vm}/tools"))
        self.assertEqual(mapping.params, ["action=upgrade"])
        self.assertEqual(mapping.headers, ["Accept:application/json"])
        self.assertEqual(mapping.bindings, {
            "vm": ("PathVariable", "vm"), "names": ("Query", "filter_names"),
            "client_token": ("Header", "Client-Token"), "spec": ("Body", None)})
        key, value = mapping.operation_metadata()
        self.assertEqual(key, "POST")
        self.assertEqual(wire.encode(value), {"elements": [
            {"key": "headers", "value": {"type": "STRING_LIST", "list_value": ["Accept:application/json"]}},
            {"key": "params", "value": {"type": "STRING_LIST", "list_value": ["action=upgrade"]}},
            {"key": "path", "value": {"type": "STRING", "string_value": "/vcenter/vm/{vm}/tools"}},
        ]})
        self.assertEqual(wire.encode(mapping.parameter_metadata("client_token")[1]), {"elements": [
            {"key": "name", "value": {"type": "STRING", "string_value": "Client-Token"}}]})
        self.assertEqual(mapping.parameter_metadata("spec")[0], "Body")
        self.assertIsNone(mapping.parameter_metadata("other"))

    def test_legacy_form_keeps_url_query_as_params(self):
        legacy = OperationRestMetadata(
            http_method="POST", url_template="/vcenter/vm/{vm}/tools/installer?action=connect",
            path_variables={"vm": "vm"}, header_parameters={}, query_parameters={})
        mapping, notes = rest.from_bindings(legacy, ["vm"])
        self.assertEqual(notes, [])
        self.assertEqual(mapping.kind, rest.REQUEST_MAPPING)
        key, value = mapping.operation_metadata()
        self.assertEqual(key, "RequestMapping")
        self.assertEqual(wire.encode(value)["elements"], [
            {"key": "method", "value": {"type": "STRING", "string_value": "POST"}},
            {"key": "params", "value": {"type": "STRING_LIST", "list_value": ["action=connect"]}},
            {"key": "value", "value": {"type": "STRING", "string_value": "/vcenter/vm/{vm}/tools/installer"}},
        ])

    def test_valueless_dispatch_parameter_and_disagreement(self):
        metadata = OperationRestMetadata(
            http_method="GET", url_template="/esx/software?other=1", path_variables={},
            query_parameters=QueryRestMetadata({}), dispatch_parameters={"with-removed-components": "null"},
            header_parameters={}, dispatch_header_parameters={}, use_status_to_std_err_map=False)
        mapping, notes = rest.from_bindings(metadata, ["ghost"])
        self.assertEqual(mapping.params, ["with-removed-components"])
        self.assertEqual([category for category, _ in notes], ["rest-metadata"])


class OlderGeneratorsTest(unittest.TestCase):
    """The 8.0 and 9.0 bindings: no ``QueryRestMetadata``; 8.0 also no status flag."""

    def test_verb_form_with_plain_query_dict(self):
        metadata = OperationRestMetadata(
            http_method="GET", url_template="/vcenter/vm/{vm}/hardware", path_variables={"vm": "vm"},
            query_parameters={"names": "filter_names"}, dispatch_parameters={}, header_parameters={},
            dispatch_header_parameters={})
        mapping, notes = rest.from_bindings(metadata, ["vm", "names"])
        self.assertEqual(notes, [])
        self.assertEqual(mapping.kind, rest.VERB)
        self.assertEqual(mapping.bindings, {"vm": ("PathVariable", "vm"), "names": ("Query", "filter_names")})

    def test_request_mapping_with_content_type(self):
        metadata = OperationRestMetadata(
            http_method="POST", url_template="/hvc/links", path_variables={}, header_parameters={},
            query_parameters={}, content_type="application/json")
        mapping, _ = rest.from_bindings(metadata, ["spec"])
        self.assertEqual((mapping.kind, mapping.method, mapping.path), (rest.REQUEST_MAPPING, "POST", "/hvc/links"))

    def test_positional_arguments_are_recorded_by_name(self):
        metadata = OperationRestMetadata("DELETE", "/a/{b}", None, {"b": "b"}, {}, {})
        self.assertEqual(rest.from_bindings(metadata, ["b"])[0].kind, rest.VERB)

    def test_query_metadata_without_dispatch_parameters_is_neither_form(self):
        metadata = OperationRestMetadata(http_method="GET", url_template="/a",
                                         query_parameters=QueryRestMetadata({}))
        with self.assertRaisesRegex(ValueError, "neither REST form"):
            rest.from_bindings(metadata, [])

    def test_metadata_built_before_the_recorder_is_refused(self):
        plain = rest._RUNTIME_CLASS(http_method="GET", url_template="/a")  # pylint: disable=protected-access
        with self.assertRaisesRegex(ValueError, "without the recorder"):
            rest.from_bindings(plain, [])

    def test_recorder_refuses_binding_modules_imported_before_it(self):
        sys.modules["com.vmware.fake_client"] = types.ModuleType("com.vmware.fake_client")
        try:
            with self.assertRaisesRegex(RuntimeError, "com.vmware.fake_client"):
                rest.install_recorder()
        finally:
            del sys.modules["com.vmware.fake_client"]


class WireTest(unittest.TestCase):
    def test_maps_are_sorted_key_value_lists_and_output_is_stable(self):
        value = {"b": WireMap({"z": 1, "a": {"x": WireMap()}}), "a": [WireMap({"k": "v"})]}
        encoded = wire.encode(value)
        self.assertEqual(encoded["b"], [{"key": "a", "value": {"x": []}}, {"key": "z", "value": 1}])
        text = wire.dumps(encoded)
        self.assertTrue(text.endswith("}\n"))
        self.assertLess(text.index('"a"'), text.index('"b"'))
        self.assertEqual(json.loads(text), encoded)

    def test_fingerprint_depends_on_content_only(self):
        first = wire.fingerprint({"a": 1, "b": [1, 2]})
        self.assertEqual(first, wire.fingerprint({"b": [1, 2], "a": 1}))
        self.assertNotEqual(first, wire.fingerprint({"a": 1, "b": [2, 1]}))
        self.assertEqual(len(first), 64)


def package_with_operation(params):
    operation = {"name": "op", "params": [{"name": p, "metadata": WireMap()} for p in params],
                 "metadata": WireMap()}
    service = {"operations": WireMap({"op": operation}), "enumerations": WireMap(),
               "structures": WireMap()}
    return {"p": {"services": WireMap({"s": service}), "structures": WireMap(),
                  "enumerations": WireMap()}}, operation


class AttachTest(unittest.TestCase):
    def test_both_forms_share_one_path_variable(self):
        packages, operation = package_with_operation(["service", "spec"])
        legacy = rest.RestMapping(rest.REQUEST_MAPPING, "POST", "/services/{id}/start",
                                  bindings={"service": ("PathVariable", "id")})
        verb = rest.RestMapping(rest.VERB, "POST", "/services/{service}", ["action=start"],
                                bindings={"service": ("PathVariable", "service"), "spec": ("Body", None)})
        notes = snapshot.attach_rest(packages, {("s", "op"): [legacy, verb]})
        self.assertEqual([category for category, _, _ in notes], ["path-variable-renamed"])
        self.assertEqual(verb.path, "/services/{id}")
        self.assertEqual(set(operation["metadata"]), {"RequestMapping", "POST"})
        params = {p["name"]: p["metadata"] for p in operation["params"]}
        self.assertEqual(wire.encode(params["service"]["PathVariable"])["elements"][0]["value"]["string_value"], "id")
        self.assertIn("Body", params["spec"])


if __name__ == "__main__":
    unittest.main()
