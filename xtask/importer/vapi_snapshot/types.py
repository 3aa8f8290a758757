"""Binding types (``vmware.vapi.bindings.type``) to metamodel ``Type`` values."""

from vmware.vapi.bindings import type as bt

from . import wire

# Order matters: DynamicStructType and ErrorType are StructType subclasses.
_BUILTINS = (
    (bt.VoidType, "VOID"),
    (bt.BooleanType, "BOOLEAN"),
    (bt.IntegerType, "LONG"),
    (bt.DoubleType, "DOUBLE"),
    (bt.StringType, "STRING"),
    (bt.BlobType, "BINARY"),
    (bt.SecretType, "SECRET"),
    (bt.DateTimeType, "DATE_TIME"),
    (bt.IdType, "ID"),
    (bt.URIType, "URI"),
    (bt.AnyErrorType, "ANY_ERROR"),
    (bt.DynamicStructType, "DYNAMIC_STRUCTURE"),
    (bt.OpaqueType, "OPAQUE"),
)


class UnsupportedType(Exception):
    """A binding type the metamodel cannot express (should never happen)."""


def resolve(binding_type):
    """Follow ``ReferenceType`` indirections to the referenced type."""
    while isinstance(binding_type, bt.ReferenceType):
        binding_type = binding_type.resolved_type
    return binding_type


def to_metamodel(binding_type, where):
    """Metamodel ``Type`` for a binding type; ``where`` names it in errors."""
    binding_type = resolve(binding_type)
    for cls, name in _BUILTINS:
        if isinstance(binding_type, cls):
            return wire.builtin_type(name)
    if isinstance(binding_type, bt.OptionalType):
        return wire.generic_type("OPTIONAL", element=to_metamodel(binding_type.element_type, where))
    if isinstance(binding_type, bt.ListType):
        return wire.generic_type("LIST", element=to_metamodel(binding_type.element_type, where))
    if isinstance(binding_type, bt.SetType):
        return wire.generic_type("SET", element=to_metamodel(binding_type.element_type, where))
    if isinstance(binding_type, bt.MapType):
        return wire.generic_type(
            "MAP",
            key=to_metamodel(binding_type.key_type, where),
            value=to_metamodel(binding_type.value_type, where),
        )
    if isinstance(binding_type, bt.StructType):  # ErrorType included
        return wire.user_defined_type(wire.STRUCTURE_RESOURCE, binding_type.name)
    if isinstance(binding_type, bt.EnumType):
        return wire.user_defined_type(wire.ENUMERATION_RESOURCE, binding_type.name)
    raise UnsupportedType("%s: unsupported binding type %r" % (where, binding_type))


def id_types(binding_type):
    """Every ``IdType`` inside a (generic) binding type, outermost first."""
    binding_type = resolve(binding_type)
    if isinstance(binding_type, bt.IdType):
        return [binding_type]
    if isinstance(binding_type, (bt.OptionalType, bt.ListType, bt.SetType)):
        return id_types(binding_type.element_type)
    if isinstance(binding_type, bt.MapType):
        return id_types(binding_type.key_type) + id_types(binding_type.value_type)
    return []


def dynamic_struct(binding_type):
    """The ``DynamicStructType`` inside a (generic) binding type, if any."""
    binding_type = resolve(binding_type)
    if isinstance(binding_type, bt.DynamicStructType):
        return binding_type
    if isinstance(binding_type, (bt.OptionalType, bt.ListType, bt.SetType)):
        return dynamic_struct(binding_type.element_type)
    if isinstance(binding_type, bt.MapType):
        return dynamic_struct(binding_type.value_type)
    return None


def resource_types_of(id_type):
    """Resource types of an ``IdType`` as a sorted-as-declared list."""
    types = id_type.resource_types
    if types is None:
        return []
    if isinstance(types, str):
        return [types]
    return list(types)


def describe(metamodel_type):
    """Compact text of a metamodel ``Type``: ``LIST<com.vmware.x.info>``."""
    category = metamodel_type["category"]
    if category == "BUILTIN":
        return metamodel_type["builtin_type"]
    if category == "USER_DEFINED":
        return metamodel_type["user_defined_type"]["resource_id"]
    inst = metamodel_type["generic_instantiation"]
    if inst["generic_type"] == "MAP":
        return "MAP<%s, %s>" % (describe(inst["map_key_type"]), describe(inst["map_value_type"]))
    return "%s<%s>" % (inst["generic_type"], describe(inst["element_type"]))
