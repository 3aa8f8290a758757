"""Walk the installed binding modules and build metamodel elements.

Every ``com/vmware/**/<name>_client.py`` module holds one vAPI package
(``com.vmware.vcenter.vm_client`` is package ``com.vmware.vcenter.vm``). In a
module:

* a ``VapiInterface`` subclass with ``_VAPI_SERVICE_ID`` is a service; its
  stub class ``_<Name>Stub``, instantiated over a connector that never
  connects, holds every operation's input structure, output type, errors,
  task kind, validators and REST metadata;
* a ``VapiStruct`` (``VapiError``) subclass with a binding type is a structure
  (error), an ``Enum`` subclass an enumeration; both may be nested in a
  service class, enumerations also in a structure class;
* documentation comes from docstrings (:mod:`vapi_snapshot.docs`) and, for
  enumeration values and constants, from the source (:mod:`vapi_snapshot.source`).
"""

import importlib
import os

from vmware.vapi.bindings import type as bt
from vmware.vapi.bindings.enum import Enum
from vmware.vapi.bindings.error import VapiError
from vmware.vapi.bindings.struct import VapiStruct
from vmware.vapi.bindings.stub import StubConfiguration, VapiInterface
from vmware.vapi.data.validator import HasFieldsOfValidator, UnionValidator
from vmware.vapi.lib.constants import TaskType

from . import docs, rest, source, tasks, types, wire
from .wire import WireMap


class _NoProvider:
    """Stands in for an API provider; the walk never invokes an operation."""


class _NoConnector:
    """Connector whose provider is not a REST client, so stubs stay inert."""

    @staticmethod
    def get_api_provider():
        return _NoProvider()


class Problem(Exception):
    """The bindings contain something the importer cannot represent."""


class Findings:
    """What the walk noticed besides the metamodel itself (for the README)."""

    def __init__(self):
        self.lost = []  # (category, element, detail)

    def lose(self, category, element, detail):
        """Record information the snapshot cannot carry."""
        self.lost.append((category, element, detail))


def module_names(root_package="com.vmware"):
    """Names of all ``*_client`` modules below ``root_package``, sorted."""
    package = importlib.import_module(root_package)
    names = []
    for base in sorted(package.__path__):
        top = os.path.dirname(os.path.dirname(base))
        for directory, subdirs, files in os.walk(base):
            subdirs.sort()
            for filename in sorted(files):
                if filename.endswith("_client.py"):
                    relative = os.path.relpath(os.path.join(directory, filename), top)
                    names.append(relative[: -len(".py")].replace(os.sep, "."))
    return sorted(names)


def package_id(module_name):
    """vAPI package id of a binding module name."""
    return module_name[: -len("_client")]


def _defined_classes(namespace, module_name):
    """Classes defined in ``namespace`` (module or class dict), in order."""
    return [
        value for value in list(namespace.values())
        if isinstance(value, type) and value.__module__ == module_name
    ]


def _is_service(cls):
    return issubclass(cls, VapiInterface) and "_VAPI_SERVICE_ID" in vars(cls)


def _is_structure(cls):
    return issubclass(cls, VapiStruct) and isinstance(vars(cls).get("_binding_type"), bt.StructType)


def _is_enumeration(cls):
    return issubclass(cls, Enum) and isinstance(vars(cls).get("_binding_type"), bt.EnumType)


class Element:
    """A definition found in the bindings, for cross-reference resolution."""

    def __init__(self, kind, vapi_id, cls, members=None):
        self.kind = kind  # "service", "structure", "enumeration", "package"
        self.vapi_id = vapi_id
        self.cls = cls
        # Python member name -> canonical member name (field, operation, value).
        self.members = members or {}


class Walker:
    """Builds ``PackageInfo`` values for every binding module."""

    def __init__(self):
        self.findings = Findings()
        self.config = StubConfiguration(_NoConnector())
        self.modules = {}
        self.sources = {}
        self.elements = {}  # "module.Qual.Name" -> Element
        self.converter = docs.Converter(self._resolve_reference)
        self.rest_mappings = {}  # (service id, operation id) -> RestMapping
        self._instances = {}

    # --- loading and indexing ---------------------------------------------------

    def load(self):
        """Import every binding module and index its definitions."""
        rest.install_recorder()
        for name in module_names():
            module = importlib.import_module(name)
            self.modules[name] = module
            self.sources[name] = source.ModuleSource(module.__file__)
            self.elements[name] = Element("package", package_id(name), module)
        for name, module in self.modules.items():
            for cls in _defined_classes(vars(module), name):
                self._index_class(name, cls)

    def _index_class(self, module_name, cls):
        path = "%s.%s" % (module_name, cls.__qualname__)
        if _is_service(cls):
            self.elements[path] = Element("service", cls._VAPI_SERVICE_ID, cls)
        elif _is_structure(cls):
            binding = cls.get_binding_type()
            members = {}
            pep = getattr(cls, "_canonical_to_pep_names", {}) or {}
            for field in binding.get_field_names():
                members[pep.get(field, field)] = field
            self.elements[path] = Element("structure", binding.name, cls, members)
        elif _is_enumeration(cls):
            members = {str(value): str(value) for value in cls.get_values()}
            self.elements[path] = Element("enumeration", cls.get_binding_type().name, cls, members)
        else:
            return
        for nested in _defined_classes(vars(cls), module_name):
            self._index_class(module_name, nested)

    # --- cross references -----------------------------------------------------------

    def _resolve_reference(self, target, module_name, scope):
        """``{@link ...}`` text for a docstring cross reference, or ``None``."""
        candidates = [target]
        parts = scope.split(".") if scope else []
        for depth in range(len(parts), -1, -1):
            prefix = ".".join([module_name] + parts[:depth])
            candidates.append("%s.%s" % (prefix, target))
        for candidate in candidates:
            element = self.elements.get(candidate)
            if element is not None:
                return "{@link %s}" % element.vapi_id
            head, _, member = candidate.rpartition(".")
            element = self.elements.get(head)
            if element is not None and element.kind != "package":
                canonical = self._member(element, member)
                if canonical is not None:
                    return "{@link %s#%s}" % (element.vapi_id, canonical)
        return None

    def _member(self, element, member):
        if element.kind == "service":
            operation_ids = self._operation_ids(element.cls)
            return operation_ids.get(member)
        return element.members.get(member)

    def _operation_ids(self, service_cls):
        """Python method name -> operation id for a service class."""
        instance = self._service_instance(service_cls)
        ids = {}
        for name in instance._api_interface._operations:  # pylint: disable=protected-access
            for alias in _python_names(name.replace("$task", "_task")):
                ids.setdefault(alias, name)
        # Docs of task-only operations refer to them by their base name.
        for name in list(ids.values()):
            if name.endswith("$task"):
                for alias in _python_names(name[: -len("$task")]):
                    ids.setdefault(alias, name)
        for method, operation in getattr(instance, "_VAPI_OPERATION_IDS", {}).items():
            ids[method] = operation
        return ids

    def _service_instance(self, service_cls):
        instance = self._instances.get(service_cls)
        if instance is None:
            instance = service_cls(self.config)
            self._instances[service_cls] = instance
        return instance

    # --- packages -------------------------------------------------------------------

    def packages(self):
        """``{package id: PackageInfo}`` for every module with definitions."""
        result = {}
        for name, module in sorted(self.modules.items()):
            # Packages that only group sub-packages are kept for their
            # documentation.
            result[package_id(name)] = self._package(name, module)
        return result

    def _package(self, module_name, module):
        info = {
            "name": package_id(module_name),
            "services": WireMap(),
            "structures": WireMap(),
            "enumerations": WireMap(),
            "metadata": WireMap(),
            "documentation": self.converter.convert(docs.parse(module.__doc__).description, module_name),
        }
        for cls in _defined_classes(vars(module), module_name):
            if _is_service(cls):
                service = self._service(module_name, cls)
                info["services"][service["name"]] = service
            elif _is_structure(cls):
                structure = self._structure(module_name, cls)
                info["structures"][structure["name"]] = structure
            elif _is_enumeration(cls):
                enumeration = self._enumeration(module_name, cls)
                info["enumerations"][enumeration["name"]] = enumeration
        return info

    # --- services -------------------------------------------------------------------

    def _service(self, module_name, cls):
        service_id = cls._VAPI_SERVICE_ID
        parsed = docs.parse(cls.__doc__)
        info = {
            "name": service_id,
            "operations": WireMap(),
            "structures": WireMap(),
            "enumerations": WireMap(),
            "constants": self._constants(module_name, cls),
            "metadata": WireMap(),
            "documentation": self._description(parsed, module_name, cls.__qualname__),
        }
        wire.put_optional(info, "lifecycle", wire.lifecycle(parsed.deprecated))
        for nested in _defined_classes(vars(cls), module_name):
            if _is_structure(nested):
                structure = self._structure(module_name, nested)
                info["structures"][structure["name"]] = structure
            elif _is_enumeration(nested):
                enumeration = self._enumeration(module_name, nested)
                info["enumerations"][enumeration["name"]] = enumeration

        instance = self._service_instance(cls)
        stub = instance._api_interface  # pylint: disable=protected-access
        if stub._iface_id.get_name() != service_id:  # pylint: disable=protected-access
            raise Problem("%s: stub interface id %s differs" % (service_id, stub._iface_id.get_name()))
        methods = {operation: method
                   for method, operation in getattr(instance, "_VAPI_OPERATION_IDS", {}).items()}
        for operation_id, operation in stub._operations.items():  # pylint: disable=protected-access
            method = _method(cls, methods.get(operation_id, operation_id.replace("$task", "_task")))
            info["operations"][operation_id] = self._operation(
                module_name, cls, service_id, operation_id, operation, method, stub)
        self._check_task_results(service_id, info["operations"])
        rest_only = sorted(
            set(stub._rest_metadata)  # pylint: disable=protected-access
            - {name[: -len("$task")] if name.endswith("$task") else name for name in stub._operations})  # pylint: disable=protected-access
        for name in rest_only:
            self.findings.lose("rest-without-operation", "%s#%s" % (service_id, name),
                               "REST metadata for an operation the stub does not declare; ignored")
        return info

    def _operation(self, module_name, service_cls, service_id, operation_id, operation, method, stub):
        where = "%s#%s" % (service_id, operation_id)
        parsed = docs.parse(method.__doc__ if method is not None else "")
        if method is None:
            self.findings.lose("missing-method", where, "no Python method; documentation unavailable")
        scope = service_cls.__qualname__
        input_type = operation["input_type"]
        unions = self._union_metadata(operation.get("input_value_validator_list", []), where)
        params = []
        for name in input_type.get_field_names():
            field_type = input_type.get_field(name)
            text = parsed.param(*_python_names(name))
            field = self._field(name, field_type, text, module_name, scope, "%s(%s)" % (where, name))
            for key, value in unions.get(name, {}).items():
                field["metadata"][key] = value
            params.append(field)

        output_type = operation["output_type"]
        output = {
            "type": types.to_metamodel(output_type, where + " output"),
            "metadata": self._type_metadata(output_type, where + " output"),
            "documentation": self.converter.convert(parsed.returns, module_name, scope),
        }
        for validator in operation.get("output_validator_list", []):
            if not isinstance(validator, HasFieldsOfValidator):
                self.findings.lose("validator", where, "output validator %s not representable"
                                   % type(validator).__name__)

        errors = []
        raise_docs = {}
        for target, text in parsed.raises:
            error_id = self._error_id(target, module_name, scope)
            if error_id is None:
                self.findings.lose("error-doc", where, "cannot resolve :raise: target %s" % target)
                continue
            raise_docs.setdefault(error_id, []).append(self.converter.convert(text, module_name, scope))
        for error_id, reference in operation["errors"].items():
            resolved = types.resolve(reference)
            if resolved.name != error_id:
                raise Problem("%s: error %s resolves to %s" % (where, error_id, resolved.name))
            errors.append({
                "structure_id": error_id,
                "documentation": "\n\n".join(raise_docs.get(error_id, [])),
            })

        info = {
            "name": operation_id,
            "params": params,
            "output": output,
            "errors": errors,
            "metadata": WireMap(),
            "documentation": self._description(parsed, module_name, scope),
        }
        wire.put_optional(info, "lifecycle", wire.lifecycle(parsed.deprecated))

        task_type = operation.get("task_type", TaskType.NONE)
        if operation_id.endswith("$task"):
            if task_type == TaskType.NONE:
                raise Problem("%s: task operation without task type" % where)
            self._task_result(module_name, service_cls, service_id, operation_id, method, output)

        base_name = operation_id[: -len("$task")] if operation_id.endswith("$task") else operation_id
        rest_metadata = stub._rest_metadata.get(base_name)  # pylint: disable=protected-access
        if rest_metadata is not None:
            try:
                mapping, notes = rest.from_bindings(rest_metadata, input_type.get_field_names())
            except ValueError as err:
                raise Problem("%s: %s" % (where, err)) from err
            for category, note in notes:
                self.findings.lose(category, where, note)
            self.rest_mappings[(service_id, operation_id)] = mapping
        return info

    def _task_result(self, module_name, service_cls, service_id, operation_id, method, output):
        """Record ``op$task``'s result type as ``TaskResult`` output metadata.

        The type comes from the method body's ``Task(task_id, task_svc,
        <type>)`` (see :mod:`vapi_snapshot.tasks`); when the body does not
        say it unambiguously, nothing is recorded and the README lists why.
        """
        where = "%s#%s" % (service_id, operation_id)
        try:
            if method is None:
                raise tasks.NotRecorded("no Python method")
            facts = self.sources[module_name].get(service_cls.__qualname__)
            call = facts.task_calls.get(methods_name(method))
            if call is None:
                raise tasks.NotRecorded("no Task(...) call in the body of %s" % methods_name(method))
            if call.operation != operation_id:
                raise tasks.NotRecorded("the body of %s invokes %s, not %s"
                                        % (methods_name(method), call.operation, operation_id))
            if len(call.result_types) != 1 or call.result_types[0] is None:
                raise tasks.NotRecorded("the body of %s has %d Task(...) calls, not one of shape "
                                        "Task(task_id, task_svc, <type>)"
                                        % (methods_name(method), len(call.result_types)))
            binding_type = tasks.evaluate(call.result_types[0], vars(self.modules[module_name]), where)
            element_map = tasks.encode(types.to_metamodel(binding_type, where + " task result"))
        except tasks.NotRecorded as reason:
            self.findings.lose("task-result", where, str(reason))
            return
        output["metadata"][tasks.METADATA_KEY] = element_map

    @staticmethod
    def _check_task_results(service_id, operations):
        """A recorded task result must be the synchronous twin's output type."""
        for operation_id, info in operations.items():
            recorded = info["output"]["metadata"].get(tasks.METADATA_KEY)
            twin = operations.get(operation_id[: -len("$task")]) \
                if operation_id.endswith("$task") else None
            if recorded is None or twin is None:
                continue
            result = tasks.decode(recorded)
            if result != twin["output"]["type"]:
                raise Problem("%s#%s: task result %s differs from the output %s of %s"
                              % (service_id, operation_id, types.describe(result),
                                 types.describe(twin["output"]["type"]), twin["name"]))

    def _error_id(self, target, module_name, scope):
        link = self._resolve_reference(target, module_name, scope)
        if link and link.startswith("{@link ") and "#" not in link:
            return link[len("{@link "):-1]
        return None

    # --- fields and metadata --------------------------------------------------------

    def _field(self, name, binding_type, text, module_name, scope, where):
        field = {
            "name": name,
            "type": types.to_metamodel(binding_type, where),
            "metadata": self._type_metadata(binding_type, where),
            "documentation": self.converter.convert(text, module_name, scope),
        }
        wire.put_optional(field, "lifecycle", wire.lifecycle(docs.is_deprecated_text(text)))
        return field

    def _type_metadata(self, binding_type, where):
        """``Resource`` and ``HasFieldsOf`` metadata implied by a binding type."""
        metadata = WireMap()
        ids = [i for i in types.id_types(binding_type)
               if i.resource_types is not None or i.resource_type_field_name is not None]
        descriptions = {(tuple(types.resource_types_of(i)), i.resource_type_field_name) for i in ids}
        if len(descriptions) > 1:
            self.findings.lose("resource", where, "several ID types with different resource types %s"
                               % sorted(descriptions))
        elif descriptions:
            resource_types, holder = descriptions.pop()
            elements = {}
            if len(resource_types) == 1:
                elements["value"] = wire.string_value(resource_types[0])
            elif resource_types:
                elements["value"] = wire.string_list_value(resource_types)
            if holder is not None:
                elements["typeHolder"] = wire.string_value(holder)
            metadata["Resource"] = wire.element_map_from(elements)
        dynamic = types.dynamic_struct(binding_type)
        if dynamic is not None and dynamic.has_fields_of_type:
            ids = [types.resolve(reference).name for reference in dynamic.has_fields_of_type]
            value = (wire.structure_reference_value(ids[0]) if len(ids) == 1
                     else wire.structure_reference_list_value(ids))
            metadata["HasFieldsOf"] = wire.element_map(value=value)
        return metadata

    def _union_metadata(self, validators, where):
        """``{field: {"UnionTag"|"UnionCase": ElementMap}}`` from validators."""
        result = {}
        for validator in validators:
            if isinstance(validator, HasFieldsOfValidator):
                continue  # expressed by HasFieldsOf metadata on the field type
            if not isinstance(validator, UnionValidator):
                self.findings.lose("validator", where, "validator %s not representable"
                                   % type(validator).__name__)
                continue
            tag = validator._discriminant_name  # pylint: disable=protected-access
            cases = {}
            required_for = {}
            for value, fields in validator._case_map.items():  # pylint: disable=protected-access
                for field_name, required in fields:
                    cases.setdefault(field_name, []).append(value)
                    if required:
                        required_for.setdefault(field_name, []).append(value)
            if "UnionTag" in result.get(tag, {}):
                self.findings.lose("union", "%s.%s" % (where, tag), "field is the tag of two unions")
            result.setdefault(tag, {})["UnionTag"] = wire.element_map()
            for field_name, values in cases.items():
                entry = result.setdefault(field_name, {})
                if "UnionCase" in entry:
                    self.findings.lose("union", "%s.%s" % (where, field_name),
                                       "field is a case of two unions; only the first is kept")
                    continue
                entry["UnionCase"] = wire.element_map(
                    tag=wire.string_value(tag), value=wire.string_list_value(values))
            for field_name, values in sorted(required_for.items()):
                self.findings.lose("union-required", "%s.%s" % (where, field_name),
                                   "required when %s is %s" % (tag, ", ".join(values)))
        return result

    # --- structures, enumerations, constants -----------------------------------

    def _structure(self, module_name, cls):
        binding = cls.get_binding_type()
        structure_id = binding.name
        parsed = docs.parse(cls.__doc__)
        init_doc = docs.parse(vars(cls)["__init__"].__doc__ if "__init__" in vars(cls) else "")
        scope = cls.__qualname__
        unions = self._union_metadata(getattr(cls, "_validator_list", []) or [], structure_id)
        pep = getattr(cls, "_canonical_to_pep_names", {}) or {}
        fields = []
        for name in binding.get_field_names():
            text = init_doc.param(pep.get(name, name), *_python_names(name))
            field = self._field(name, binding.get_field(name), text, module_name, scope,
                                "%s.%s" % (structure_id, name))
            for key, value in unions.get(name, {}).items():
                field["metadata"][key] = value
            fields.append(field)
        is_error = isinstance(binding, bt.ErrorType) or issubclass(cls, VapiError)
        info = {
            "name": structure_id,
            "type": "ERROR" if is_error else "STRUCTURE",
            "enumerations": WireMap(),
            "constants": self._constants(module_name, cls),
            "fields": fields,
            "metadata": WireMap(),
            "documentation": self._description(parsed, module_name, scope),
        }
        if getattr(binding, "is_model", False):
            info["metadata"]["Model"] = wire.element_map()
            if binding.model_keys:
                self.findings.lose("model-keys", structure_id, "model key fields %s"
                                   % ", ".join(binding.model_keys))
        wire.put_optional(info, "lifecycle", wire.lifecycle(parsed.deprecated))
        for nested in _defined_classes(vars(cls), module_name):
            if _is_enumeration(nested):
                enumeration = self._enumeration(module_name, nested)
                info["enumerations"][enumeration["name"]] = enumeration
            elif _is_structure(nested) or _is_service(nested):
                self.findings.lose("nesting", structure_id, "nested %s not representable" % nested.__name__)
        return info

    def _enumeration(self, module_name, cls):
        enumeration_id = cls.get_binding_type().name
        parsed = docs.parse(cls.__doc__)
        scope = cls.__qualname__
        facts = self.sources[module_name].get(scope)
        runtime_values = [str(value) for value in cls.get_values()]
        declared = [name for name in facts.attributes if facts.literals.get(name, 0) is None]
        if sorted(declared) != sorted(runtime_values):
            self.findings.lose("enum-order", enumeration_id,
                               "source order unavailable; runtime order used")
            declared = runtime_values
        values = []
        for value in declared:
            text = facts.attribute_docs.get(value, "")
            value_doc = docs.parse(text)
            entry = {
                "value": value,
                "metadata": WireMap(),
                "documentation": self._description(value_doc, module_name, scope),
            }
            wire.put_optional(entry, "lifecycle", wire.lifecycle(value_doc.deprecated))
            values.append(entry)
        info = {
            "name": enumeration_id,
            "values": values,
            "metadata": WireMap(),
            "documentation": self._description(parsed, module_name, scope),
        }
        wire.put_optional(info, "lifecycle", wire.lifecycle(parsed.deprecated))
        return info

    def _constants(self, module_name, cls):
        """``ConstantInfo`` map from upper-case literal class attributes."""
        facts = self.sources[module_name].get(cls.__qualname__)
        constants = WireMap()
        for name in facts.attributes:
            if not name.isupper() or name.startswith("_") or name not in facts.literals:
                continue
            literal = facts.literals[name]
            if literal is None:
                continue
            where = "%s.%s" % (cls.__qualname__, name)
            constant_type, value = _constant(literal, where)
            parsed = docs.parse(facts.attribute_docs.get(name, ""))
            info = {
                "type": constant_type,
                "value": value,
                "documentation": self._description(parsed, module_name, cls.__qualname__),
            }
            wire.put_optional(info, "lifecycle", wire.lifecycle(parsed.deprecated))
            constants[name] = info
        return constants

    def _description(self, parsed, module_name, scope):
        """Converted description plus any ``.. deprecated::`` notes."""
        text = self.converter.convert(parsed.description, module_name, scope)
        for version, note in parsed.deprecation_notes:
            note = self.converter.convert(note, module_name, scope)
            if not note:
                note = "Deprecated as of %s." % version if version else "Deprecated."
            text = (text + "\n\n" + note).strip()
        return text


def _method(cls, name):
    """The Python method of an operation (the generator lower-cases names)."""
    for candidate in _python_names(name):
        method = vars(cls).get(candidate)
        if callable(method):
            return method
    return None


def methods_name(method):
    """Name of a method object (``None`` when missing)."""
    return getattr(method, "__name__", None)


def _python_names(name):
    """Names the generator may have used for a canonical name in Python."""
    lower = name.lower()
    return [name, lower, name + "_", lower + "_"]


_PRIMITIVES = ((bool, "BOOLEAN", "boolean_value"), (int, "LONG", "long_value"),
               (float, "DOUBLE", "double_value"), (str, "STRING", "string_value"))


def _primitive(literal, where):
    for python_type, name, key in _PRIMITIVES:
        if isinstance(literal, python_type):
            return name, {"type": name, key: literal}
    raise Problem("%s: constant of unsupported type %r" % (where, literal))


def _constant(literal, where):
    """``(Type, ConstantValue)`` for a literal constant value."""
    if isinstance(literal, list):
        items = [_primitive(item, where) for item in literal]
        names = {name for name, _ in items}
        if len(names) > 1:
            raise Problem("%s: mixed list constant" % where)
        element = names.pop() if names else "STRING"
        return (wire.generic_type("LIST", element=wire.builtin_type(element)),
                {"category": "LIST", "list_value": [value for _, value in items]})
    name, value = _primitive(literal, where)
    return wire.builtin_type(name), {"category": "PRIMITIVE", "primitive_value": value}
