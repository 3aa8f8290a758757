"""Independent counts of the bindings' definitions, for the self-check.

The walk in :mod:`vapi_snapshot.bindings` works on imported Python objects.
This census reads the module *text* instead, relying only on the fixed layout
the generator writes:

* a package per ``*_client.py`` module;
* a service per ``ApiInterfaceStub.__init__(... iface_name='<id>'`` call;
* an operation per key of a stub's ``operations = {`` literal;
* a structure, error or enumeration per ``_set_binding_type(type.StructType(``,
  ``type.ErrorType(`` or ``type.EnumType(`` call.

If both methods do not agree, one of them missed something.

The same pass finds the vSphere API release the modules' documentation names
last (:func:`vapi_snapshot.provenance.api_release`).
"""

import os
import re

from . import bindings, provenance

_SERVICE_RE = re.compile(r"^\s*self, iface_name='([^']+)',", re.M)
_OPERATIONS_BLOCK_RE = re.compile(r"^        operations = \{\n(.*?)^        \}\n", re.M | re.S)
_OPERATION_KEY_RE = re.compile(r"^            '([^']+)': \{$", re.M)
_BINDING_RE = re.compile(r"_set_binding_type\(type\.(StructType|ErrorType|EnumType)\(")


def count(module_names, module_file):
    """Counts by definition kind; ``module_file(name)`` gives a module's path.

    Returns ``(counts, api release)``.
    """
    totals = {"packages": 0, "services": 0, "operations": 0, "structures": 0,
              "enumerations": 0, "errors": 0}
    api_releases = set()
    for name in module_names:
        with open(module_file(name), encoding="utf-8") as handle:
            text = handle.read()
        api_releases.update(provenance.api_releases(text))
        totals["packages"] += 1
        totals["services"] += len(_SERVICE_RE.findall(text))
        for block in _OPERATIONS_BLOCK_RE.findall(text):
            totals["operations"] += len(_OPERATION_KEY_RE.findall(block))
        for kind in _BINDING_RE.findall(text):
            key = {"StructType": "structures", "ErrorType": "errors", "EnumType": "enumerations"}[kind]
            totals[key] += 1
    return totals, provenance.newest(api_releases)


def count_installed():
    """Census of the installed binding modules: ``(counts, api release)``."""
    import importlib.util  # pylint: disable=import-outside-toplevel

    def module_file(name):
        spec = importlib.util.find_spec(name)
        return os.fspath(spec.origin)

    return count(bindings.module_names(), module_file)
