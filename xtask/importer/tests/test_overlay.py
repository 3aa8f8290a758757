"""OpenAPI overlay: matching, route checks and body placement."""

import json
import os
import shutil
import tempfile
import unittest

from vapi_snapshot import overlay, rest
from vapi_snapshot.wire import WireMap


def struct_type(structure_id):
    return {"category": "USER_DEFINED",
            "user_defined_type": {"resource_type": "com.vmware.vapi.structure", "resource_id": structure_id}}


def param(name, metamodel_type=None):
    return {"name": name, "type": metamodel_type or {"category": "BUILTIN", "builtin_type": "STRING"},
            "metadata": WireMap()}


def packages(operations):
    """One package with service ``com.vmware.vcenter.vm.tools``."""
    service = {"operations": WireMap(operations), "structures": WireMap(), "enumerations": WireMap()}
    return {"com.vmware.vcenter.vm": {"services": WireMap({"com.vmware.vcenter.vm.tools": service}),
                                      "structures": WireMap(), "enumerations": WireMap()}}


SPEC = {
    "swagger": "2.0",
    "paths": {
        "/api/vcenter/vm/{vm}/tools?action=upgrade": {"post": {
            "tags": ["vm/tools"], "operationId": "upgrade",
            "parameters": [{"in": "path", "name": "vm"},
                           {"in": "body", "name": "request_body",
                            "schema": {"$ref": "#/definitions/VcenterVmToolsUpgrade"}}]}},
        "/rest/vcenter/vm/{vm}/tools?action=upgrade": {"post": {
            "tags": ["vm/tools"], "operationId": "upgrade", "parameters": [{"in": "path", "name": "vm"}]}},
        "/api/vcenter/vm/{vm}/tools": {"patch": {
            "tags": ["vm/tools"], "operationId": "update",
            "parameters": [{"in": "path", "name": "vm"},
                           {"in": "body", "name": "request_body",
                            "schema": {"$ref": "#/definitions/VcenterVmToolsUpdate"}}]}},
        "/rest/vcenter/vm/{vm}/tools": {"patch": {
            "tags": ["vm/tools"], "operationId": "update", "parameters": [{"in": "path", "name": "vm"}]}},
        "/api/vcenter/vm/{vm}/tools/{other}": {"get": {
            "tags": ["vm/tools"], "operationId": "get", "parameters": []}},
        "/api/vcenter/elsewhere": {"get": {"tags": ["no/such"], "operationId": "get"}},
    },
    "definitions": {
        "VcenterVmToolsUpgrade": {"type": "object", "properties": {"command_line_options": {}}},
        "VcenterVmToolsUpdate": {"$ref": "#/definitions/VcenterVmToolsUpdateSpec"},
        "VcenterVmToolsUpdateSpec": {"type": "object", "properties": {"upgrade_policy": {}}},
    },
}


class OverlayTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        with open(os.path.join(self.dir, "vcenter.json"), "w", encoding="utf-8") as handle:
            json.dump(SPEC, handle)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_fills_dispatch_and_verb_for_request_mapping_operations(self):
        ops = {
            "upgrade": {"params": [param("vm"), param("command_line_options")]},
            "update": {"params": [param("vm"), param("spec", struct_type("com.vmware.vcenter.vm.tools.update_spec"))]},
            "get": {"params": [param("vm")]},
        }
        bindings = {
            ("com.vmware.vcenter.vm.tools", name): rest.RestMapping(
                rest.REQUEST_MAPPING, method, "/vcenter/vm/{vm}/tools",
                bindings={"vm": ("PathVariable", "vm")})
            for name, method in (("upgrade", "POST"), ("update", "PATCH"), ("get", "GET"))
        }
        result = overlay.apply(self.dir, packages(ops), bindings)

        self.assertEqual(result.filled_params, {("com.vmware.vcenter.vm.tools", "upgrade"): ["action=upgrade"]})
        upgrade = result.mappings[("com.vmware.vcenter.vm.tools", "upgrade")][0]
        self.assertEqual((upgrade.kind, upgrade.method, upgrade.path, upgrade.params),
                         (rest.VERB, "POST", "/vcenter/vm/{vm}/tools", ["action=upgrade"]))
        self.assertEqual(upgrade.bindings, {"vm": ("PathVariable", "vm")})
        update = result.mappings[("com.vmware.vcenter.vm.tools", "update")][0]
        self.assertEqual(update.bindings["spec"], ("Body", None))
        # get has only an /api route of a different shape: nothing confirms it.
        self.assertNotIn(("com.vmware.vcenter.vm.tools", "get"), result.mappings)
        reasons = sorted(reason for reason, _, _ in result.skipped)
        self.assertEqual(reasons, ["unconfirmed /api route", "unknown service"])

    def test_verb_operation_route_must_agree(self):
        ops = {"update": {"params": [param("vm"), param("spec")]}}
        bindings = {("com.vmware.vcenter.vm.tools", "update"): rest.RestMapping(
            rest.VERB, "PUT", "/vcenter/vm/{vm}/tools", bindings={"vm": ("PathVariable", "vm")})}
        result = overlay.apply(self.dir, packages(ops), bindings)
        self.assertEqual(result.mappings, {})
        self.assertIn("/api route differs from bindings", [reason for reason, _, _ in result.skipped])


class DocumentPackageTest(unittest.TestCase):
    def test_documents_named_after_routes_find_their_services(self):
        catalog = overlay.Catalog({"p": {"services": WireMap({
            "com.vmware.vcenter.hvc.links": {"operations": WireMap()},
            "com.vmware.vstats.acq_specs": {"operations": WireMap()},
            "com.vmware.cis.session": {"operations": WireMap()},
            "com.vmware.vcenter.vm.tools": {"operations": WireMap()},
        })}})
        self.assertEqual(catalog.service("hvc", "hvc/links"), ("com.vmware.vcenter.hvc.links", None))
        self.assertEqual(catalog.service("vcenter", "hvc/links"), ("com.vmware.vcenter.hvc.links", None))
        self.assertEqual(catalog.service("stats", "acq_specs"), ("com.vmware.vstats.acq_specs", None))
        self.assertEqual(catalog.service("session", "session"), ("com.vmware.cis.session", None))
        self.assertEqual(catalog.service("vcenter", "vm/tools"), ("com.vmware.vcenter.vm.tools", None))
        self.assertEqual(catalog.service("stats", "vm/tools"), (None, "unknown service"))


class HelpersTest(unittest.TestCase):
    def test_shape_and_default_path(self):
        self.assertEqual(overlay.shape("/a/{x}/b/{y}"), "/a/{}/b/{}")
        self.assertEqual(overlay.variables("/a/{x}/b/{y}"), ["x", "y"])
        self.assertEqual(overlay.default_rest_path("com.vmware.cis.tagging.tag_association"),
                         "/com/vmware/cis/tagging/tag-association")

    def test_body_placement(self):
        definitions = {"Wrapper": {"properties": {"a": {}, "b": {}}},
                       "VcenterFooSpec": {"properties": {"x": {}}},
                       "Other": {"properties": {"x": {}}}}
        body = {"schema": {"$ref": "#/definitions/Wrapper"}}
        self.assertIsNone(overlay._body_param(body, [("a", {}), ("b", {}), ("c", {})], definitions))
        spec = [("spec", struct_type("com.vmware.vcenter.foo_spec"))]
        self.assertEqual(overlay._body_param({"schema": {"$ref": "#/definitions/VcenterFooSpec"}}, spec,
                                             definitions), "spec")
        self.assertIs(overlay._body_param({"schema": {"$ref": "#/definitions/Other"}}, spec, definitions),
                      overlay._AMBIGUOUS)


if __name__ == "__main__":
    unittest.main()
