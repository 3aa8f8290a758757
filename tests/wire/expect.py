"""Wire suite oracle: what VMware's Python vAPI runtime puts on the wire.

Run by ``tests/tests/wire_suite.rs`` in the pinned virtual environment that
``cargo xtask import-bindings`` creates (``target/import-bindings-venv``,
vmware-vapi-runtime 9.1.1.0 and the vSphere bindings, hash-pinned in
``xtask/importer/requirements.txt``)::

    python tests/wire/expect.py expect CASES.json OUT.json
    python tests/wire/expect.py handler CASES.json OUT.json

``expect`` reads sample values in the ``/api`` ("clean JSON") shape, turns
them into binding values with the operation's own input type
(``TypeConverter.convert_to_python``, SWAGGER_REST mode, as the bindings do
when reading ``/api`` JSON), back into vAPI DataValues for each protocol
(``TypeConverter.convert_to_vapi``: SWAGGER_REST for ``/api``, VAPI_REST for
``/rest``) and runs ``vmware/vapi/data/serializers/rest.py``
``RestSerializer.serialize_request`` on them. It writes, per case and
protocol, the URL, headers and body that serializer produces, plus response
bodies for the operation's output and the ``/rest`` shape of every structure
sample.

``handler`` reads requests the Rust client actually sent and parses their
query strings with the vAPI REST handler's own reader
(``vmware/vapi/rest/handler.py`` ``URLValueDeserializer.deserialize``), for
the cases where the Python client cannot serialize the parameters at all.
"""

import base64
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "xtask", "importer"))

# pylint: disable=wrong-import-position,protected-access
import importlib

from vapi_snapshot.bindings import (
    _NoConnector, _defined_classes, _is_service, _is_structure, module_names)
from vapi_snapshot.rest import install_recorder, is_verb_form
from vmware.vapi.bindings import type as bt
from vmware.vapi.bindings.converter import RestConverter, TypeConverter
from vmware.vapi.bindings.stub import StubConfiguration
from vmware.vapi.data.serializers.cleanjson import DataValueConverter
from vmware.vapi.data.serializers.rest import RequestSerializer, RestSerializer
from vmware.vapi.data.value import OptionalValue, StructValue
from vmware.vapi.lib.rest import OperationRestMetadata

SWAGGER = RestConverter.SWAGGER_REST
VAPI = RestConverter.VAPI_REST


def load_stubs():
    """Service id -> stub (``ApiInterfaceStub``) of every binding service."""
    config = StubConfiguration(_NoConnector())
    stubs = {}
    # is_verb_form reads the arguments the bindings built their REST metadata with.
    install_recorder()

    def index(cls, name):
        if _is_structure(cls):
            _STRUCTURE_TYPES.setdefault(cls.get_binding_type().name, []).append(
                cls.get_binding_type())
        for nested in _defined_classes(vars(cls), name):
            index(nested, name)

    for name in module_names():
        module = importlib.import_module(name)
        for cls in _defined_classes(vars(module), name):
            if _is_service(cls):
                stubs[cls._VAPI_SERVICE_ID] = cls(config)._api_interface
            index(cls, name)
    return config, stubs


RULE_COUNTS = {"LongMapKeys": 0}


def long_map_keys(value, binding_type):
    """Rule LongMapKeys (see the suite): a map with LONG keys handed over as
    its list of ``{"key", "value"}`` entries with integer keys.

    JSON object keys are strings; the SWAGGER_REST reader keeps them as
    strings (``SwaggerRestDataValueToPythonVisitor.visit_map``) and the
    writer then rejects them for an ``IntegerType`` key ("Invalid Type,
    expected Integer"), so VMware's converter cannot take a LONG-keyed map
    in the object form at all. The same reader accepts the entry-list form
    (it falls back to ``visit_map`` of the JSON-RPC reader), which is used
    for exactly these maps.
    """
    if isinstance(binding_type, bt.ReferenceType):
        binding_type = binding_type.resolved_type
    if value is None:
        return value
    if isinstance(binding_type, bt.OptionalType):
        return long_map_keys(value, binding_type.element_type)
    if isinstance(binding_type, (bt.ListType, bt.SetType)):
        return [long_map_keys(item, binding_type.element_type) for item in value]
    if isinstance(binding_type, bt.MapType):
        key_type = binding_type.key_type
        if isinstance(key_type, bt.ReferenceType):
            key_type = key_type.resolved_type
        entries = {k: long_map_keys(v, binding_type.value_type) for k, v in value.items()}
        if isinstance(key_type, bt.IntegerType) and isinstance(value, dict):
            RULE_COUNTS["LongMapKeys"] += 1
            return [{"key": int(k), "value": v} for k, v in entries.items()]
        return entries
    if isinstance(binding_type, bt.StructType) and isinstance(value, dict):
        names = set(binding_type.get_field_names())
        return {k: long_map_keys(v, binding_type.get_field(k)) if k in names else v
                for k, v in value.items()}
    return value


def to_python(value, binding_type, resolver):
    """Binding value of clean (``/api``) JSON, read with the binding type."""
    value = long_map_keys(value, binding_type)
    data_value = DataValueConverter.convert_to_data_value(json.dumps(value))
    return TypeConverter.convert_to_python(data_value, binding_type, resolver, SWAGGER)


def metadata_from_route(route):
    """``OperationRestMetadata`` for a route of the Rust route table."""
    path_variables, query, headers = {}, {}, {}
    body_param = None
    for binding in route["params"]:
        kind, name = binding["kind"], binding["name"]
        if kind == "Path":
            path_variables[binding["param"]] = name
        elif kind == "Query":
            query[binding["param"]] = name
        elif kind == "Header":
            headers[name] = binding["param"]
        elif kind == "Body":
            body_param = binding["param"]
    template = route["path"]
    if route["query"]:
        template += "?" + "&".join(k + "=" + v if v else k for k, v in route["query"])
    return OperationRestMetadata(
        http_method=route["method"], url_template=template,
        request_body_parameter=body_param, path_variables=path_variables,
        query_parameters=query, header_parameters=headers)


def serialize(py_input, input_type, mode, metadata, is_vapi_rest):
    """What ``RestSerializer.serialize_request`` makes of one input."""
    data_value = TypeConverter.convert_to_vapi(py_input, input_type, mode)
    # The header rule (see the suite): every parameter bound to a header is
    # also reported as the handler expects it, so the suite can check it.
    header_values = {}
    for header, param in metadata._header_parameters.items():
        if data_value.has_field(param):
            text = RequestSerializer._convert_to_string(data_value.get_field(param))
            if text is not None:
                header_values[header] = text
    url, headers, body, _cookies = RestSerializer.serialize_request(
        data_value, None, metadata, is_vapi_rest)
    params = {}
    for name, field in data_value.get_fields():
        params[name] = json.loads(DataValueConverter.convert_to_json(field))
    return {
        "method": metadata.http_method,
        "url": url,
        "headers": {str(k): v.decode() if isinstance(v, bytes) else str(v)
                    for k, v in headers.items()},
        "handler_headers": header_values,
        "body": body if body is None or isinstance(body, str) else repr(body),
        "request_body_parameter": metadata.request_body_parameter,
        "dispatch": [[str(k), str(v)] for k, v in metadata._dispatch_parameters.items()],
        "params": params,
    }


def params_of(py_input, input_type, mode):
    """Each parameter's JSON in the protocol's shape (unset ones as null)."""
    data_value = TypeConverter.convert_to_vapi(py_input, input_type, mode)
    return {name: json.loads(DataValueConverter.convert_to_json(field))
            for name, field in data_value.get_fields()}


def response_body(value, output_type, mode, wrap):
    """Response body text for the output ``value`` (clean JSON sample)."""
    if isinstance(output_type, bt.VoidType):
        return ""
    py_value = to_python(value, output_type, None)
    data_value = TypeConverter.convert_to_vapi(py_value, output_type, mode)
    if wrap:
        data_value = StructValue(name="output", values={"value": data_value})
    return DataValueConverter.convert_to_json(data_value)


def guarded(function, *args):
    try:
        return function(*args)
    except Exception as error:  # pylint: disable=broad-except
        return {"error": "%s: %s" % (type(error).__name__, error)}


def expect(cases):
    config, stubs = load_stubs()
    resolver = config.resolver
    out = {"operations": {}, "structures": {}}
    for case in cases["operations"]:
        result = {}
        stub = stubs.get(case["service"])
        operation = stub._operations.get(case["operation"]) if stub else None
        if operation is None:
            out["operations"][case["key"]] = {"error": "no such operation in the bindings"}
            continue
        input_type = operation["input_type"]
        output_type = operation["output_type"]
        base = case["operation"].split("$")[0]
        try:
            py_input = to_python(case["params"], input_type, resolver)
        except Exception as error:  # pylint: disable=broad-except
            out["operations"][case["key"]] = {"error": "input: %s: %s" % (type(error).__name__, error)}
            continue
        # An operation's binding REST metadata describes one protocol: a verb
        # annotation (query parameters as QueryRestMetadata) the `/api`
        # route, a legacy @RequestMapping the `/rest` route (as the importer
        # reads them, vapi_snapshot/rest.py). The other protocol's route
        # comes from the route table.
        binding_metadata = stub._rest_metadata.get(base)
        binding_protocol = "api" if binding_metadata is not None and is_verb_form(
            binding_metadata) else "rest"
        for protocol, mode, is_vapi_rest in (("api", SWAGGER, False), ("rest", VAPI, True)):
            route = case.get(protocol + "_route")
            if route is None:
                continue
            if binding_protocol == protocol and binding_metadata is not None:
                metadata = binding_metadata
                result[protocol + "_metadata_from"] = "bindings"
            else:
                metadata = metadata_from_route(route)
                result[protocol + "_metadata_from"] = "route table"
            result[protocol] = guarded(serialize, py_input, input_type, mode, metadata, is_vapi_rest)
        if case.get("rest_route") is not None:
            result["rest_params"] = guarded(params_of, py_input, input_type, VAPI)
        if case.get("output") is not None or isinstance(output_type, bt.VoidType):
            output = case.get("output")
            result["response_api"] = guarded(response_body, output, output_type, SWAGGER, False)
            result["response_rest"] = guarded(response_body, output, output_type, VAPI, True)
            result["output_rest"] = guarded(
                lambda: None if isinstance(output_type, bt.VoidType) else json.loads(
                    DataValueConverter.convert_to_json(TypeConverter.convert_to_vapi(
                        to_python(output, output_type, resolver), output_type, VAPI))))
        out["operations"][case["key"]] = result
    for entry in cases["structures"]:
        out["structures"][entry["id"]] = guarded(structure_rest, entry, resolver)
    out["rules"] = RULE_COUNTS
    return out


_STRUCTURE_TYPES = {}


def structure_type(structure_id, resolver):
    """Binding type of a structure id; ``id#2`` is the second declaration."""
    name, _, ordinal = structure_id.partition("#")
    found = _STRUCTURE_TYPES.get(name, [])
    index = int(ordinal) - 1 if ordinal else 0
    if index >= len(found):
        raise LookupError("structure %s not known to the bindings" % structure_id)
    return found[index]


def structure_rest(entry, resolver):
    # An id declared twice (`id#2`): the bindings may list the two
    # declarations in the other order; the one that reads the sample is it.
    name = entry["id"].partition("#")[0]
    candidates = _STRUCTURE_TYPES.get(name, [])
    if not candidates:
        raise LookupError("structure %s not known to the bindings" % entry["id"])
    preferred = structure_type(entry["id"], resolver)
    ordered = [preferred] + [c for c in candidates if c is not preferred]
    for index, binding_type in enumerate(ordered):
        try:
            py_value = to_python(entry["value"], binding_type, resolver)
            break
        except Exception:  # pylint: disable=broad-except
            if index + 1 == len(ordered):
                raise
    api = json.loads(DataValueConverter.convert_to_json(
        TypeConverter.convert_to_vapi(py_value, binding_type, SWAGGER)))
    rest = json.loads(DataValueConverter.convert_to_json(
        TypeConverter.convert_to_vapi(py_value, binding_type, VAPI)))
    return {"api": api, "rest": rest}


def url_value_deserializer():
    """The handler's ``URLValueDeserializer`` class, taken from its source.

    ``vmware/vapi/rest/handler.py`` imports werkzeug at module level, which
    the pinned environment deliberately lacks (``--no-deps``); the class
    itself needs only ``collections`` and the runtime's constants, so its
    source is compiled on its own.
    """
    import ast
    import collections
    from vmware.vapi.lib import constants
    import vmware.vapi.rest as rest_package
    path = os.path.join(os.path.dirname(rest_package.__file__), "handler.py")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    node = next(n for n in tree.body
                if isinstance(n, ast.ClassDef) and n.name == "URLValueDeserializer")
    namespace = {"collections": collections, "RestAnnotationType": constants.RestAnnotationType}
    exec(compile(ast.Module(body=[node], type_ignores=[]), path, "exec"), namespace)  # pylint: disable=exec-used
    return namespace["URLValueDeserializer"]


def handler(cases):
    """Handler-side reading of captured query strings."""
    from vmware.vapi.lib.constants import RestAnnotationType
    URLValueDeserializer = url_value_deserializer()  # pylint: disable=invalid-name
    out = {}
    for case in cases["requests"]:
        query = case["query_string"].encode()
        # /api routes are verb routes (dotted keys kept whole, then mapped by
        # the @Query aliases); /rest routes are not (dotted keys nest).
        mapping = RestAnnotationType.VERB if case["verb"] else RestAnnotationType.REQUEST
        out[case["key"]] = guarded(
            lambda q=query, m=mapping: URLValueDeserializer.deserialize(q, m))
    return out


def main(argv):
    mode, source, target = argv[1:4]
    with open(source, encoding="utf-8") as handle:
        cases = json.load(handle)
    result = expect(cases) if mode == "expect" else handler(cases)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(result, handle, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv)
