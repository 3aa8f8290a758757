"""Rebuild vAPI metamodel snapshots from VMware's official Python bindings.

The vSphere Automation SDK for Python ships one ``*_client.py`` module per
vAPI package. Every module carries, as Python objects, what the server's
metamodel service would report: binding types of structures, enumerations and
operation inputs, each operation's errors and task kind, its REST mapping
(``OperationRestMetadata``), and the interface documentation as docstrings.

This package walks those objects and writes them back in the wire format of
``GET /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}``.

Modules:

* :mod:`vapi_snapshot.bindings` -- discovers modules, services, structures,
  enumerations and constants in the installed bindings.
* :mod:`vapi_snapshot.types` -- binding types to metamodel ``Type`` values and
  the field metadata they imply (``Resource``).
* :mod:`vapi_snapshot.docs` -- docstring parsing and reST to metamodel text.
* :mod:`vapi_snapshot.rest` -- ``OperationRestMetadata`` to REST annotations.
* :mod:`vapi_snapshot.tasks` -- result types of task operations (``TaskResult``).
* :mod:`vapi_snapshot.overlay` -- REST facts from VMware's OpenAPI documents.
* :mod:`vapi_snapshot.wire` -- metamodel wire encoding and output files.
* :mod:`vapi_snapshot.census` -- independent counts for the self-check.
* :mod:`vapi_snapshot.report` -- ``manifest.json`` and the README.
"""
