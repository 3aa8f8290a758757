"""Metamodel wire encoding.

Values are built as plain dicts and lists shaped like the vAPI ``/rest`` JSON
encoding of the ``com.vmware.vapi.metadata.metamodel`` structures. The one
thing plain dicts cannot say is which dicts are vAPI *maps* (encoded as a list
of ``{"key", "value"}`` entries) and which are structures; :class:`WireMap`
marks the former. Unset optional fields are simply left out of the dict.
"""

import hashlib
import json

STRUCTURE_RESOURCE = "com.vmware.vapi.structure"
ENUMERATION_RESOURCE = "com.vmware.vapi.enumeration"


class WireMap(dict):
    """A vAPI map: encoded as a list of key/value entries sorted by key."""


def encode(value):
    """Turn a value tree (dicts, WireMaps, lists, scalars) into JSON data."""
    if isinstance(value, WireMap):
        return [
            {"key": key, "value": encode(value[key])} for key in sorted(value)
        ]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value


def dumps(data):
    """Pretty-printed, key-sorted JSON text with a trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def fingerprint(info_json):
    """Deterministic content hash of an encoded ``ComponentInfo``.

    This is *not* the fingerprint a vCenter server reports for the component
    (that value is opaque and server-computed); it only changes when the
    snapshot content changes.
    """
    canonical = json.dumps(info_json, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- ElementMap / ElementValue ------------------------------------------------

def string_value(text):
    """``ElementValue`` of type STRING."""
    return {"type": "STRING", "string_value": text}


def string_list_value(items):
    """``ElementValue`` of type STRING_LIST."""
    return {"type": "STRING_LIST", "list_value": list(items)}


def structure_reference_value(structure_id):
    """``ElementValue`` of type STRUCTURE_REFERENCE."""
    return {"type": "STRUCTURE_REFERENCE", "structure_id": structure_id}


def structure_reference_list_value(structure_ids):
    """``ElementValue`` of type STRUCTURE_REFERENCE_LIST."""
    return {"type": "STRUCTURE_REFERENCE_LIST", "structure_ids": list(structure_ids)}


def element_map(**elements):
    """``ElementMap`` from keyword arguments (``None`` values are skipped)."""
    return {"elements": WireMap({k: v for k, v in elements.items() if v is not None})}


def element_map_from(elements):
    """``ElementMap`` from a dict of element name to ``ElementValue``."""
    return {"elements": WireMap(elements)}


# --- Types ---------------------------------------------------------------------

def builtin_type(name):
    """``Type`` of category BUILTIN."""
    return {"category": "BUILTIN", "builtin_type": name}


def user_defined_type(resource_type, resource_id):
    """``Type`` of category USER_DEFINED."""
    return {
        "category": "USER_DEFINED",
        "user_defined_type": {"resource_type": resource_type, "resource_id": resource_id},
    }


def generic_type(generic, element=None, key=None, value=None):
    """``Type`` of category GENERIC (OPTIONAL, LIST, SET or MAP)."""
    inst = {"generic_type": generic}
    if element is not None:
        inst["element_type"] = element
    if key is not None:
        inst["map_key_type"] = key
    if value is not None:
        inst["map_value_type"] = value
    return {"category": "GENERIC", "generic_instantiation": inst}


def lifecycle(deprecated):
    """``LifecycleInfo`` or ``None`` when nothing is known."""
    return {"deprecated": True} if deprecated else None


def put_optional(target, key, value):
    """Set ``target[key]`` unless ``value`` is ``None`` (unset optional)."""
    if value is not None:
        target[key] = value
