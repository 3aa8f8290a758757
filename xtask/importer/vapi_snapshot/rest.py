"""``OperationRestMetadata`` of the bindings to REST annotation metadata.

The metamodel carries an operation's REST mapping as annotation metadata, read
by the vAPI REST handler (``vmware/vapi/rest/rules.py`` and ``handler.py``;
element names from ``vmware.vapi.lib.constants.RestAnnotations``):

* verb form, ``@GET/@POST/@PUT/@PATCH/@DELETE``: operation metadata keyed by
  the HTTP method with elements ``path`` (STRING), ``params`` (STRING_LIST of
  ``name=value`` or bare ``name`` dispatch query parameters) and ``headers``
  (STRING_LIST of ``Name:value`` dispatch headers);
* legacy form, ``@RequestMapping``: operation metadata ``RequestMapping`` with
  elements ``value`` (path), ``method`` and ``params``;
* on parameters: ``PathVariable`` (``value``), ``Query`` (``name``),
  ``Header`` (``name``), ``Body`` (no elements) and ``BodyField`` (``name``).

The bindings' generator emits the two forms differently, and that difference
is what tells them apart at run time: for verb-annotated operations it passes
``query_parameters`` as a ``QueryRestMetadata`` together with dispatch
parameters, dispatch headers and ``use_status_to_std_err_map=False``; for
``@RequestMapping`` operations it passes a plain dict and none of the others.
Older generators (the 8.0 and 9.0 bindings, whose runtimes have no
``QueryRestMetadata`` and, for 8.0, no ``use_status_to_std_err_map``) pass
``dispatch_parameters`` and ``dispatch_header_parameters`` for verb
annotations only, like every later one. Which arguments were passed is not
visible on the constructed object (the constructor defaults every map to
``{}``), so :func:`install_recorder` replaces the runtime's class, before any
binding module imports it, by a subclass that remembers the argument names.
"""

import inspect
import sys

from vmware.vapi.lib import rest as _runtime_rest

from . import wire

# ``None`` on runtimes before 9.1 (vmware-vapi-runtime 2.x).
QueryRestMetadata = getattr(_runtime_rest, "QueryRestMetadata", None)
_RUNTIME_CLASS = _runtime_rest.OperationRestMetadata
_SIGNATURE = inspect.signature(_RUNTIME_CLASS.__init__)


class RecordedRestMetadata(_RUNTIME_CLASS):
    """The runtime's ``OperationRestMetadata``, remembering its argument names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vapi_snapshot_arguments = frozenset(
            _SIGNATURE.bind(self, *args, **kwargs).arguments) - {"self"}


def install_recorder():
    """Make binding modules imported from now on build :class:`RecordedRestMetadata`.

    Fails when a binding module was imported before: its metadata would carry
    no record of the arguments.
    """
    early = sorted(name for name in sys.modules if name.startswith("com.vmware.") and name.endswith("_client"))
    if early:
        raise RuntimeError("binding modules imported before the REST recorder: %s" % ", ".join(early[:3]))
    _runtime_rest.OperationRestMetadata = RecordedRestMetadata

VERB = "verb"
REQUEST_MAPPING = "request-mapping"


class RestMapping:
    """One operation's REST mapping, independent of where it came from.

    ``kind`` is :data:`VERB` or :data:`REQUEST_MAPPING`; ``params`` are the
    dispatch query parameters (``name=value`` or bare ``name``), ``headers``
    the dispatch headers (``Name:value``); ``bindings`` maps a parameter's
    wire name to ``(annotation, element value)``, e.g. ``("PathVariable",
    "vm")``, ``("Query", "names")``, ``("Body", None)``.
    """

    def __init__(self, kind, method, path, params=(), headers=(), bindings=None):
        self.kind = kind
        self.method = method
        self.path = path
        self.params = list(params)
        self.headers = list(headers)
        self.bindings = dict(bindings or {})

    def operation_metadata(self):
        """``(key, ElementMap)`` for the operation's metadata map."""
        if self.kind == VERB:
            return self.method, wire.element_map(
                path=wire.string_value(self.path),
                params=wire.string_list_value(self.params) if self.params else None,
                headers=wire.string_list_value(self.headers) if self.headers else None,
            )
        return "RequestMapping", wire.element_map(
            value=wire.string_value(self.path),
            method=wire.string_value(self.method),
            params=wire.string_list_value(self.params) if self.params else None,
        )

    def parameter_metadata(self, name):
        """``(key, ElementMap)`` for a parameter's metadata map, or ``None``."""
        binding = self.bindings.get(name)
        if binding is None:
            return None
        annotation, value = binding
        if annotation == "PathVariable":
            return annotation, wire.element_map(value=wire.string_value(value))
        if annotation in ("Query", "Header", "BodyField"):
            return annotation, wire.element_map(name=wire.string_value(value))
        return annotation, wire.element_map()


def is_verb_form(rest_metadata):
    """Whether the generator emitted this metadata for a verb annotation.

    Every generator passes ``dispatch_parameters`` for a verb annotation and
    never for ``@RequestMapping``; since 9.1 the query parameters of a verb
    annotation are also a ``QueryRestMetadata``, which must agree.
    """
    arguments = getattr(rest_metadata, "vapi_snapshot_arguments", None)
    if arguments is None:
        raise ValueError("REST metadata built without the recorder (see install_recorder)")
    verb = "dispatch_parameters" in arguments
    # pylint: disable=protected-access
    if QueryRestMetadata is not None and isinstance(rest_metadata._query_parameters, QueryRestMetadata) \
            and not verb:
        raise ValueError("QueryRestMetadata without dispatch parameters: neither REST form")
    return verb


def split_query(url_template):
    """``(path, [query items])`` of a URL template such as ``/a/{b}?action=x``."""
    path, _, query = url_template.partition("?")
    return path, [item for item in query.split("&") if item]


def dispatch_item(name, value):
    """A dispatch parameter as the annotation spells it.

    The generator writes a dispatch parameter given without a value
    (``params="with-removed-components"``) as the string ``'null'``.
    """
    return name if value == "null" else "%s=%s" % (name, value)


def from_bindings(rest_metadata, param_names):
    """:class:`RestMapping` for an ``OperationRestMetadata``.

    Returns ``(mapping, notes)``; ``notes`` are ``(category, detail)`` pairs
    for what the metamodel cannot carry or the bindings contradict (for
    example dispatch parameters in the URL template that disagree with the
    ``dispatch_parameters`` argument).
    """
    notes = []
    # pylint: disable=protected-access
    path, url_query = split_query(rest_metadata._url_template)
    bindings = {}
    for param, variable in rest_metadata._path_variables.items():
        bindings[param] = ("PathVariable", variable)
    for param, query_name in dict(rest_metadata._query_parameters).items():
        bindings[param] = ("Query", query_name)
    for header_name, param in rest_metadata._header_parameters.items():
        bindings[param] = ("Header", header_name)
    if rest_metadata.request_body_parameter:
        bindings[rest_metadata.request_body_parameter] = ("Body", None)
    unknown = sorted(set(bindings) - set(param_names))
    if unknown:
        notes.append(("rest-metadata", "REST metadata names unknown parameters %s" % ", ".join(unknown)))

    styles = getattr(rest_metadata._query_parameters, "_serialization_style_dict", None) or {}
    for query_name, style in sorted(styles.items()):
        notes.append(("query-style", "query parameter %s: serialization style %r" % (query_name, style)))
    if is_verb_form(rest_metadata):
        params = [dispatch_item(k, v) for k, v in rest_metadata._dispatch_parameters.items()]
        if url_query and sorted(url_query) != sorted(params):
            notes.append(("rest-metadata", "URL template query %r disagrees with dispatch parameters %r"
                          % (url_query, params)))
        headers = ["%s:%s" % (k, v) for k, v in rest_metadata._dispatch_header_parameters.items()]
        return RestMapping(VERB, rest_metadata.http_method, path, params, headers, bindings), notes
    return RestMapping(REQUEST_MAPPING, rest_metadata.http_method, path, url_query, (), bindings), notes
