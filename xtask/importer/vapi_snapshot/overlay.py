"""REST facts from VMware's OpenAPI documents (``--rest-overlay DIR``).

VMware generated these Swagger 2.0 documents from a live vCenter 7.0.3's vAPI
metadata. Each operation appears with its ``/api`` route (verb annotation) and,
where it has one, its legacy ``/rest`` route; the service is named by the
operation's tag (``vm/tools`` in ``vcenter.json`` is
``com.vmware.vcenter.vm.tools``) and the operation by its ``operationId``
(``upgrade``, ``clone$task``).

What the overlay adds, matched by service and operation name only:

* for operations the bindings describe with ``@RequestMapping`` (their
  ``/rest`` route; the bindings lost the ``action=`` dispatch parameter, see
  the README): the ``params`` of that mapping from the spec's ``/rest`` route,
  and a verb annotation from the ``/api`` route -- provided the ``/rest`` route
  has the bindings' method and path shape, which shows the operation did not
  change since 7.0.3 (without a ``/rest`` route the ``/api`` route itself must
  have that shape);
* for verb-annotated operations whose ``/api`` route agrees with the
  bindings: a ``RequestMapping`` from the ``/rest`` route when that route is
  not the REST handler's default convention (``/rest/com/vmware/...``), which
  needs no annotation.

Anything unclear is skipped and counted: a service or operation name that
matches nothing or several elements, a route whose shape disagrees with the
bindings, a path variable that cannot be tied to a parameter.
"""

import json
import os
import re

from . import rest

_VAR_RE = re.compile(r"\{([^}]+)\}")
# The task dispatch parameter the vAPI runtime adds for every ``$task``
# operation (``vmware.vapi.lib.constants.TASK_REST_QUERY_PARAM``); it is not
# part of any annotation.
_TASK_PARAM = "vmw-task"
_METHODS = ("get", "post", "put", "patch", "delete")


class OverlayResult:
    """Mappings the overlay adds, with statistics and skipped cases."""

    def __init__(self):
        self.mappings = {}  # (service, operation) -> [RestMapping]
        self.filled_params = {}  # (service, operation) -> params added to a RequestMapping
        self.counts = {}
        self.skipped = []  # (reason, element, detail)

    def count(self, key, amount=1):
        """Increment a statistic."""
        self.counts[key] = self.counts.get(key, 0) + amount

    def skip(self, reason, element, detail):
        """Record a case the overlay deliberately left alone."""
        self.skipped.append((reason, element, detail))
        self.count("skipped: " + reason)


class SpecOperation:
    """One operation of an OpenAPI document."""

    def __init__(self, document, method, url, operation):
        self.document = document
        self.method = method.upper()
        self.prefix = "/api" if url.startswith("/api/") else "/rest" if url.startswith("/rest/") else None
        path, _, query = url.partition("?")
        self.path = path[len(self.prefix):] if self.prefix else path
        self.query = [item for item in query.split("&") if item]
        self.tags = operation.get("tags") or []
        self.operation_id = operation.get("operationId") or ""
        self.parameters = operation.get("parameters") or []

    def dispatch_params(self):
        """Query items of the route that select the operation (task flag excluded)."""
        return [item for item in self.query if item.split("=")[0] != _TASK_PARAM]

    def route(self):
        """Readable ``METHOD /prefix/path?query``."""
        query = ("?" + "&".join(self.query)) if self.query else ""
        return "%s %s%s%s" % (self.method, self.prefix or "", self.path, query)


def load(overlay_dir):
    """``(operations, definitions by document)`` of every JSON document."""
    operations = []
    definitions = {}
    for name in sorted(os.listdir(overlay_dir)):
        path = os.path.join(overlay_dir, name)
        if not name.endswith(".json") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            spec = json.load(handle)
        if "paths" not in spec:
            continue  # index document
        document = name[: -len(".json")]
        definitions[document] = spec.get("definitions") or {}
        for url in sorted(spec["paths"]):
            for method in _METHODS:
                operation = spec["paths"][url].get(method)
                if operation is not None:
                    operations.append(SpecOperation(document, method, url, operation))
    return operations, definitions


def shape(path):
    """A path with variable names erased: ``/vm/{vm}/tools`` -> ``/vm/{}/tools``."""
    return _VAR_RE.sub("{}", path)


def variables(path):
    """Variable names of a path template in order."""
    return _VAR_RE.findall(path)


def default_rest_path(service_id):
    """Base of the REST handler's default ``/rest`` convention for a service."""
    return "/" + service_id.replace("_", "-").replace(".", "/").lower()


# Documents named after their routes' first segment rather than after the
# package holding their services: ``hvc.json`` (``/api/hvc/links``, tag
# ``hvc/links``) describes ``com.vmware.vcenter.hvc.links``, ``stats.json``
# (``/api/stats/acq-specs``, tag ``acq_specs``) ``com.vmware.vstats.acq_specs``
# and ``session.json`` (``/api/session``, tag ``session``)
# ``com.vmware.cis.session``. Every other document is named after its package
# below ``com.vmware``.
DOCUMENT_PACKAGES = {
    "hvc": "com.vmware.vcenter",
    "session": "com.vmware.cis",
    "stats": "com.vmware.vstats",
}


def document_package(document):
    """Package the services of a document's tags are below."""
    return DOCUMENT_PACKAGES.get(document, "com.vmware." + document)


class Catalog:
    """Services and operations of the snapshot, for name matching."""

    def __init__(self, packages):
        self.services = {}  # id -> {operation id: OperationInfo}
        for package in packages.values():
            for service_id, service in package["services"].items():
                self.services[service_id] = service["operations"]
        self._lower = {}
        for service_id in self.services:
            self._lower.setdefault(service_id.lower(), []).append(service_id)

    def service(self, document, tag):
        """``(service id, None)`` or ``(None, reason)`` for a document tag."""
        tail = tag.replace("/", ".")
        exact = "%s.%s" % (document_package(document), tail)
        if exact in self.services:
            return exact, None
        folded = self._lower.get(exact.lower(), [])
        if len(folded) == 1:
            return folded[0], None
        return None, "ambiguous service" if folded else "unknown service"

    def operation(self, service_id, operation_id):
        """``(operation id, None)`` or ``(None, reason)``."""
        operations = self.services[service_id]
        if operation_id in operations:
            return operation_id, None
        folded = [op for op in operations if op.lower() == operation_id.lower()]
        if len(folded) == 1:
            return folded[0], None
        return None, "ambiguous operation" if folded else "unknown operation"


def apply(overlay_dir, packages, binding_mappings):
    """Compute the overlay's additions; does not modify ``packages``."""
    result = OverlayResult()
    operations, definitions = load(overlay_dir)
    catalog = Catalog(packages)
    grouped = {}
    for spec_op in operations:
        result.count("spec operations")
        element = "%s.json %s (%s)" % (spec_op.document, spec_op.route(), spec_op.operation_id)
        if spec_op.prefix is None or len(spec_op.tags) != 1:
            result.skip("no prefix or tag", element, "route has no /api or /rest prefix or not one tag")
            continue
        service_id, reason = catalog.service(spec_op.document, spec_op.tags[0])
        if service_id is None:
            result.skip(reason, element, "tag %s" % spec_op.tags[0])
            continue
        operation_id, reason = catalog.operation(service_id, spec_op.operation_id)
        if operation_id is None:
            result.skip(reason, element, "in %s" % service_id)
            continue
        grouped.setdefault((service_id, operation_id, spec_op.prefix), []).append(spec_op)

    routes = {}
    for (service_id, operation_id, prefix), spec_ops in sorted(grouped.items()):
        key = (service_id, operation_id)
        if len(spec_ops) != 1:
            result.skip("ambiguous route", "%s#%s" % key, "; ".join(op.route() for op in spec_ops))
            continue
        routes.setdefault(key, {})[prefix] = spec_ops[0]

    for key, found in sorted(routes.items()):
        service_id, operation_id = key
        info = catalog.services[service_id][operation_id]
        binding = binding_mappings.get(key)
        element = "%s#%s" % key
        if binding is None:
            result.skip("no binding route", element, "operation has no REST metadata in the bindings")
            continue
        api, legacy = found.get("/api"), found.get("/rest")
        if binding.kind == rest.VERB:
            if api is None:
                result.skip("no /api route", element, "cannot confirm the bindings verb annotation")
                continue
            if not _same_route(binding, api):
                result.skip("/api route differs from bindings", element, "%s vs bindings %s %s"
                            % (api.route(), binding.method, binding.path))
                continue
            result.count("/api routes confirming a bindings verb annotation")
            if legacy is not None:
                _request_mapping(result, key, legacy, info, binding)
            continue
        # The bindings have the operation's @RequestMapping (its /rest route).
        if legacy is not None:
            if not _same_route(binding, legacy):
                result.skip("/rest route differs from bindings", element,
                            "%s vs bindings RequestMapping %s %s"
                            % (legacy.route(), binding.method, binding.path))
                continue
            if not _fill_params(result, key, legacy, binding):
                continue
        elif api is None or not _same_route(binding, api):
            result.skip("unconfirmed /api route", element,
                        "no /rest route confirms the operation is unchanged")
            continue
        if api is not None:
            _verb(result, key, api, info, binding, definitions.get(api.document, {}))
    return result


def _same_route(binding, spec_op):
    """Same method and path shape (variable names aside)."""
    return binding.method == spec_op.method and shape(binding.path) == shape(spec_op.path)


def _known_variables(binding):
    """Path variable name -> parameter, from the bindings' mapping."""
    return {value: param for param, (annotation, value) in binding.bindings.items()
            if annotation == "PathVariable"}


def _fill_params(result, key, spec_op, binding):
    """Compare and fill the dispatch ``params`` of a bindings RequestMapping."""
    params = spec_op.dispatch_params()
    if sorted(binding.params) == sorted(params):
        result.count("/rest routes confirming a bindings RequestMapping")
        return True
    if binding.params:
        result.skip("/rest dispatch differs from bindings", "%s#%s" % key,
                    "%s vs bindings params %s" % (spec_op.route(), binding.params))
        return False
    result.filled_params[key] = params
    result.count("RequestMapping params added from /rest routes")
    return True


def _path_variables(result, key, spec_op, info, binding):
    """PathVariable bindings for a spec route, or ``None`` (skipped)."""
    param_names = [param["name"] for param in info["params"]]
    known = _known_variables(binding)
    bindings = {}
    binding_vars = variables(binding.path)
    spec_vars = variables(spec_op.path)
    same_shape = shape(binding.path) == shape(spec_op.path)
    for position, variable in enumerate(spec_vars):
        if variable in param_names:
            param = variable
        elif variable in known:
            param = known[variable]
        elif same_shape and binding_vars[position] in known:
            # Equal shapes: the i-th variable of one is the i-th of the other.
            param = known[binding_vars[position]]
        else:
            param = _match_name(variable, param_names)
        if param is None or param in bindings:
            result.skip("unmatched path variable", "%s#%s" % key,
                        "%s in %s" % (variable, spec_op.route()))
            return None
        bindings[param] = ("PathVariable", variable)
    return bindings


def _request_mapping(result, key, spec_op, info, binding):
    """``RequestMapping`` from a ``/rest`` route (verb-annotated operations)."""
    if spec_op.path == default_rest_path(key[0]) or \
            spec_op.path.startswith(default_rest_path(key[0]) + "/"):
        result.count("/rest routes following the default convention")
        return
    bindings = _path_variables(result, key, spec_op, info, binding)
    if bindings is None:
        return
    mapping = rest.RestMapping(rest.REQUEST_MAPPING, spec_op.method, spec_op.path,
                               spec_op.dispatch_params(), (), bindings)
    result.mappings.setdefault(key, []).append(mapping)
    result.count("RequestMappings added from /rest routes")


def _verb(result, key, spec_op, info, binding, definitions):
    """Verb annotation from an ``/api`` route (RequestMapping operations)."""
    element = "%s#%s" % key
    bindings = _path_variables(result, key, spec_op, info, binding)
    if bindings is None:
        return
    param_names = [param["name"] for param in info["params"]]
    placed = set(bindings)
    for parameter in spec_op.parameters:
        where = parameter.get("in")
        name = parameter.get("name")
        if where == "query":
            if name in param_names:
                bindings[name] = ("Query", name)
                placed.add(name)
            # Otherwise a field of a structure parameter: the /api handler
            # reads those from the query by field name, exactly like verb
            # operations whose bindings leave such parameters unannotated.
        elif where == "header":
            param = _match_name(name, param_names)
            if param is None:
                result.skip("unmatched header", element, name)
                return
            bindings[param] = ("Header", name)
            placed.add(param)
    for parameter in spec_op.parameters:
        if parameter.get("in") == "body":
            remaining = [(param["name"], _body_type(param)) for param in info["params"]
                         if param["name"] not in placed]
            body = _body_param(parameter, remaining, definitions)
            if body is _AMBIGUOUS:
                result.skip("ambiguous body", element, "%s: body schema %s, unplaced parameters %s"
                            % (spec_op.route(), (parameter.get("schema") or {}).get("$ref"),
                               ", ".join(name for name, _ in remaining)))
                return
            if body is not None:
                bindings[body] = ("Body", None)
        elif parameter.get("in") == "formData":
            result.count("/api routes with form data (file upload)")
    mapping = rest.RestMapping(rest.VERB, spec_op.method, spec_op.path, spec_op.dispatch_params(),
                               (), bindings)
    result.mappings.setdefault(key, []).append(mapping)
    result.count("verb annotations added from /api routes")


def _normalize(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _match_name(name, param_names):
    """The one parameter whose name equals ``name`` up to case and separators."""
    matches = [param for param in param_names if _normalize(param) == _normalize(name)]
    return matches[0] if len(matches) == 1 else None


_AMBIGUOUS = object()


def _body_param(parameter, remaining, definitions):
    """Which parameter is the whole body (``@Body``), if any.

    ``remaining`` are ``(name, type)`` of the parameters not in the path,
    query or headers. The ``/api`` body schema is either a wrapper object
    whose properties are all parameter names (each parameter is a body field:
    no annotation needed) or the definition of one parameter's structure
    type, named after it (``com.vmware.vcenter.vm.tools.update_spec`` ->
    ``VcenterVmToolsUpdateSpec``): that parameter is the body.
    """
    schema = parameter.get("schema") or {}
    name, definition = None, None
    seen = set()
    # Operation-named definitions may just refer to the parameter's type.
    while "$ref" in schema and schema["$ref"].startswith("#/definitions/") and len(seen) < 16:
        name = schema["$ref"][len("#/definitions/"):]
        seen.add(name)
        definition = schema = definitions.get(name) or {}
    if not definition:
        return _AMBIGUOUS
    names = {param for param, _ in remaining}
    properties = set(definition.get("properties") or {})
    if properties and properties <= names:
        return None
    if len(remaining) == 1:
        param, param_type = remaining[0]
        structure = _structure_id(param_type)
        if structure is not None and _definition_name(structure) == name.lower():
            return param
    return _AMBIGUOUS


def _body_type(param):
    """A parameter's type; a dynamic structure stands for its ``HasFieldsOf`` type."""
    has_fields_of = param["metadata"].get("HasFieldsOf")
    if has_fields_of is not None:
        value = has_fields_of["elements"].get("value", {})
        if value.get("type") == "STRUCTURE_REFERENCE":
            return {"category": "USER_DEFINED", "user_defined_type": {
                "resource_type": "com.vmware.vapi.structure", "resource_id": value["structure_id"]}}
    return param["type"]


def _structure_id(metamodel_type):
    """Structure id of a (possibly optional) user-defined type."""
    if metamodel_type.get("category") == "GENERIC" and \
            metamodel_type["generic_instantiation"]["generic_type"] == "OPTIONAL":
        metamodel_type = metamodel_type["generic_instantiation"]["element_type"]
    if metamodel_type.get("category") == "USER_DEFINED":
        return metamodel_type["user_defined_type"]["resource_id"]
    return None


def _definition_name(structure_id):
    """Lower-cased OpenAPI definition name of a structure."""
    tail = structure_id[len("com.vmware."):] if structure_id.startswith("com.vmware.") else structure_id
    return tail.replace(".", "").replace("_", "").lower()
