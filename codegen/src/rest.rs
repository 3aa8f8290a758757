//! HTTP routes of every operation, for both vAPI REST protocols.
//!
//! The rules follow the vAPI REST handler (`vmware/vapi/rest/rules.py` and
//! `handler.py`) and, where vCenter's own handler differs from that Python
//! reference, what vCenter serves (checked against VMware's OpenAPI
//! description of vCenter 7.0.3). Each rule has a unit test below.
//!
//! # `/api` (vSphere 7.0 U2 and later)
//! From the verb annotation: `GET`, `POST`, `PUT`, `PATCH` or `DELETE`
//! operation metadata (the first present, in that order, as the handler
//! reads them) with elements
//! - `path`: the template below `/api` (`/vcenter/vm/{vm}/tools`);
//! - `params`: dispatch query parameters. `k=v` is sent as is; `!k` (must
//!   be absent) sends nothing; a bare `k` (must be present) sends nothing
//!   when an operation parameter travels as query parameter `k` (`name` of
//!   `content.library.item.file.get`), else `k` with an empty value
//!   (`with-removed-components`);
//! - `headers`: dispatch headers. No vSphere operation uses them and the
//!   runtime cannot send fixed headers, so such an operation gets no `/api`
//!   route (with the reason) rather than a route that reaches another
//!   operation.
//!
//! Parameters bind by their metadata: `PathVariable(value)` (or a parameter
//! named like a `{placeholder}`) → path; `Query(name)` → query;
//! `Header(name)` → header; `Body` → the whole body; `BodyField(name)` → a
//! body field. A `PathVariable` naming a variable the path lacks belongs to
//! the operation's `/rest` route and is ignored. An unannotated parameter
//! is a query parameter of a `GET` or `DELETE` and a body field under its
//! own name otherwise, as the handler merges the JSON body's fields into
//! the operation input.
//!
//! An operation with only a `RequestMapping` (older services, whose
//! metamodel predates verb annotations) gets the `/api` route vCenter
//! serves for it: the `RequestMapping` route below `/api`, except that a
//! `POST` whose path ends in the operation's own name and has no `action`
//! dispatch is addressed as an action of the parent path
//! (`/vcenter/vm/{vm}/power/start` → `POST /api/vcenter/vm/{vm}/power?action=start`).
//! Against VMware's OpenAPI description of vCenter 7.0.3 this reproduces
//! every `/api` route of such operations but 13 (of 357) that VMware moved
//! irregularly (`/vcenter/vm/{vm}/hardware/action/upgrade` →
//! `/vcenter/vm/{vm}/hardware?action=upgrade`); those need a verb
//! annotation in the snapshot. Without any annotation there is no `/api`
//! route.
//!
//! # `/rest` (the legacy protocol)
//! A `RequestMapping` annotation (elements `value`, `method`, `params`)
//! gives the route below `/rest`; a `?k=v` in `value` and `k=v` entries of
//! `params` are dispatch query parameters. `PathVariable` parameters go in
//! the path; the others are query parameters of a `GET` or `DELETE` and
//! body fields under their own names otherwise.
//!
//! Without one, the default convention applies. `<svc>` is
//! `/rest/` + the service id with `.` → `/` and `_` → `-`; "the id" is the
//! first parameter of builtin type `ID` (rules.py `_get_id_suffix`), in the
//! path as `id:{param}`:
//!
//! | operation | route |
//! |-----------|-------|
//! | `list`    | `GET <svc>`, every parameter in the query |
//! | `create`  | `POST <svc>[/id:{id}]` |
//! | `get`     | `GET <svc>/id:{id}` when the id is its only parameter, else `POST <svc>[/id:{id}]?~action=get` |
//! | `delete`  | `DELETE <svc>/id:{id}` when the id is its only parameter, `DELETE <svc>` without parameters, else `POST <svc>[/id:{id}]?~action=delete` |
//! | `update`  | `PATCH <svc>[/id:{id}]` |
//! | `set`     | `PUT <svc>[/id:{id}]` |
//! | other `op`| `POST <svc>[/id:{id}]?~action=op` (`_` → `-`) |
//!
//! Parameters not in the path are body fields under their own names.
//! vCenter does not serve every service on `/rest`: services that came with
//! `/api` (verb annotations only, such as `com.vmware.esx.*`) are absent
//! from its 7.0.3 `/rest` description although the convention gives them a
//! route, so `/api` is the route to prefer. (The
//! Python handler answers `POST` for a `delete`/`update`/`set` without an
//! id and ignores a `create`'s id; vCenter answers as in the table.)
//!
//! # Task variants
//! `op$task` routes like `op` (its own metadata, or `op`'s when it has no
//! REST metadata of its own) plus the query pair `vmw-task=true`.

use crate::ir::{HttpMethod, ParamBinding, ParamLocation, Route, RouteSource};
use crate::names::TASK_SUFFIX;
use crate::wire::{BuiltinType, ElementMap, FieldInfo, Metadata, TypeCategory};

/// Verb annotations, in the order the handler looks for them.
const VERBS: &[(&str, HttpMethod)] = &[
    ("GET", HttpMethod::Get),
    ("POST", HttpMethod::Post),
    ("PUT", HttpMethod::Put),
    ("PATCH", HttpMethod::Patch),
    ("DELETE", HttpMethod::Delete),
];

const REQUEST_MAPPING: &str = "RequestMapping";

/// What route computation needs to know about one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    pub service_id: &'a str,
    /// Wire id, `$task` suffix included.
    pub operation_id: &'a str,
    pub metadata: &'a Metadata,
    pub params: &'a [FieldInfo],
    /// For `op$task`: the metadata of `op`, used when the task variant has
    /// no REST metadata of its own.
    pub sync_metadata: Option<&'a Metadata>,
}

impl OperationRef<'_> {
    fn is_task(&self) -> bool {
        self.operation_id.ends_with(TASK_SUFFIX)
    }

    fn sync_name(&self) -> &str {
        self.operation_id
            .strip_suffix(TASK_SUFFIX)
            .unwrap_or(self.operation_id)
    }

    /// The metadata REST rules read: the operation's own if it has any REST
    /// annotation, else the synchronous operation's.
    fn rest_metadata(&self) -> &Metadata {
        let has_rest = |m: &Metadata| {
            m.contains_key(REQUEST_MAPPING) || VERBS.iter().any(|(v, _)| m.contains_key(v))
        };
        match self.sync_metadata {
            Some(sync) if !has_rest(self.metadata) && has_rest(sync) => sync,
            _ => self.metadata,
        }
    }
}

/// The `/api` and `/rest` routes of an operation, or why it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routes {
    pub api: Result<Route, String>,
    pub rest: Result<Route, String>,
}

pub fn routes(op: &OperationRef<'_>) -> Routes {
    Routes {
        api: api_route(op),
        rest: rest_route(op),
    }
}

/// The `/api` route, from the verb annotation.
pub fn api_route(op: &OperationRef<'_>) -> Result<Route, String> {
    let metadata = op.rest_metadata();
    let Some((verb, method, annotation)) = VERBS
        .iter()
        .find_map(|(verb, method)| metadata.get(verb).map(|a| (*verb, *method, a)))
    else {
        return match metadata.get(REQUEST_MAPPING) {
            Some(mapping) => api_route_from_request_mapping(op, mapping),
            None => Err(
                "no verb or RequestMapping annotation: /api serves annotated operations only"
                    .to_owned(),
            ),
        };
    };
    let template = annotation
        .string("path")
        .ok_or_else(|| format!("the {verb} annotation has no `path` element"))?;
    let headers = annotation.strings("headers");
    if !headers.is_empty() {
        return Err(format!(
            "the {verb} annotation dispatches on request headers ({}), which the runtime cannot send",
            headers.join(", ")
        ));
    }
    let (path, query) = split_template(template, verb)?;
    let params = bind_annotated(op.params, &path, default_location(method), true)?;
    let query = dispatch_query(query, annotation.strings("params"), &params);
    finish(
        op,
        method,
        format!("/api{path}"),
        query,
        params,
        RouteSource::Verb,
    )
}

/// The `/api` route of an operation that only has a `RequestMapping`: its
/// `/rest` route below `/api`, except that a `POST` whose path ends in the
/// operation's own name (`/vcenter/vm/{vm}/power/start`) and that has no
/// `action` dispatch becomes `POST <parent>?action=<name>`
/// (`/api/vcenter/vm/{vm}/power?action=start`), the form `/api` gives
/// actions. All annotations count, as for verb routes.
fn api_route_from_request_mapping(
    op: &OperationRef<'_>,
    mapping: &ElementMap,
) -> Result<Route, String> {
    let (method, template) = request_mapping(mapping)?;
    let (mut path, query) = split_template(template, "RequestMapping")?;
    let from_params = mapping.strings("params");
    let action = op.sync_name().replace('_', "-");
    let has_action = query
        .iter()
        .chain(&from_params)
        .any(|p| p.split('=').next() == Some("action"));
    let mut action_from_path = false;
    if method == HttpMethod::Post && !has_action {
        if let Some((parent, last)) = path.rsplit_once('/') {
            if !parent.is_empty() && (last == action || last == op.sync_name()) {
                path = parent.to_owned();
                action_from_path = true;
            }
        }
    }
    let params = bind_annotated(op.params, &path, default_location(method), true)?;
    let mut query = dispatch_query(query, from_params, &params);
    if action_from_path {
        query.insert(0, ("action".to_owned(), action));
    }
    finish(
        op,
        method,
        format!("/api{path}"),
        query,
        params,
        RouteSource::RequestMapping,
    )
}

/// The method and `value` of a `RequestMapping` annotation.
fn request_mapping(mapping: &ElementMap) -> Result<(HttpMethod, &str), String> {
    let value = mapping
        .string("value")
        .ok_or_else(|| "the RequestMapping annotation has no `value` element".to_owned())?;
    let method_name = mapping
        .string("method")
        .ok_or_else(|| "the RequestMapping annotation has no `method` element".to_owned())?;
    // Java spells it `RequestMethod.POST`; the metamodel may keep the prefix.
    let bare = method_name.rsplit('.').next().unwrap_or(method_name);
    let method = VERBS
        .iter()
        .find(|(verb, _)| verb.eq_ignore_ascii_case(bare))
        .map(|(_, method)| *method)
        .ok_or_else(|| {
            format!(
                "the RequestMapping method `{method_name}` is not an HTTP method the runtime sends"
            )
        })?;
    Ok((method, value))
}

/// Unannotated parameters: query parameters of a `GET` or `DELETE` (no
/// body), body fields otherwise.
fn default_location(method: HttpMethod) -> Default {
    if matches!(method, HttpMethod::Get | HttpMethod::Delete) {
        Default::Query
    } else {
        Default::BodyField
    }
}

/// The `/rest` route: `RequestMapping`, else the default convention.
pub fn rest_route(op: &OperationRef<'_>) -> Result<Route, String> {
    match op.rest_metadata().get(REQUEST_MAPPING) {
        Some(mapping) => request_mapping_route(op, mapping),
        None => default_route(op),
    }
}

fn request_mapping_route(op: &OperationRef<'_>, mapping: &ElementMap) -> Result<Route, String> {
    let (method, value) = request_mapping(mapping)?;
    let (path, query) = split_template(value, "RequestMapping")?;
    let params = bind_annotated(op.params, &path, default_location(method), false)?;
    let query = dispatch_query(query, mapping.strings("params"), &params);
    finish(
        op,
        method,
        format!("/rest{path}"),
        query,
        params,
        RouteSource::RequestMapping,
    )
}

fn default_route(op: &OperationRef<'_>) -> Result<Route, String> {
    let base = format!(
        "/rest/{}",
        op.service_id
            .replace('.', "/")
            .replace('_', "-")
            .to_ascii_lowercase()
    );
    let id = op.params.iter().find(|p| is_id(p)).map(|p| p.name.as_str());
    let only_id = id.is_some() && op.params.len() == 1;
    let with_id = |base: &str| match id {
        Some(id) => format!("{base}/id:{{{id}}}"),
        None => base.to_owned(),
    };
    let action = |name: &str| vec![("~action".to_owned(), name.replace('_', "-"))];
    let (method, path, query) = match op.sync_name() {
        "list" => (HttpMethod::Get, base, Vec::new()),
        "create" => (HttpMethod::Post, with_id(&base), Vec::new()),
        "get" if only_id => (HttpMethod::Get, with_id(&base), Vec::new()),
        "delete" if only_id => (HttpMethod::Delete, with_id(&base), Vec::new()),
        "delete" if op.params.is_empty() => (HttpMethod::Delete, base, Vec::new()),
        "update" => (HttpMethod::Patch, with_id(&base), Vec::new()),
        "set" => (HttpMethod::Put, with_id(&base), Vec::new()),
        other => (HttpMethod::Post, with_id(&base), action(other)),
    };
    // Parameters outside the path: the query of a `list`, the body otherwise.
    let in_query = op.sync_name() == "list";
    let in_path = if path.contains("/id:{") { id } else { None };
    let params = op
        .params
        .iter()
        .map(|p| ParamBinding {
            param: p.name.clone(),
            location: if Some(p.name.as_str()) == in_path {
                ParamLocation::Path(p.name.clone())
            } else if in_query {
                ParamLocation::Query(p.name.clone())
            } else {
                ParamLocation::BodyField(p.name.clone())
            },
        })
        .collect();
    finish(
        op,
        method,
        path,
        query,
        params,
        RouteSource::DefaultConvention,
    )
}

fn is_id(param: &FieldInfo) -> bool {
    param.ty.category == TypeCategory::Builtin && param.ty.builtin_type == Some(BuiltinType::Id)
}

fn finish(
    op: &OperationRef<'_>,
    method: HttpMethod,
    path: String,
    mut query: Vec<(String, String)>,
    params: Vec<ParamBinding>,
    source: RouteSource,
) -> Result<Route, String> {
    if op.is_task() && !query.iter().any(|(k, _)| k == "vmw-task") {
        query.push(("vmw-task".to_owned(), "true".to_owned()));
    }
    Ok(Route {
        method,
        path,
        query,
        params,
        source,
    })
}

/// Splits `/a/{b}?action=c` into the path and the raw dispatch parameters
/// of its query string.
fn split_template<'t>(
    template: &'t str,
    annotation: &str,
) -> Result<(String, Vec<&'t str>), String> {
    if !template.starts_with('/') {
        return Err(format!(
            "the {annotation} path `{template}` does not start with `/`"
        ));
    }
    let (path, query) = template.split_once('?').unwrap_or((template, ""));
    Ok((
        path.to_owned(),
        query.split('&').filter(|p| !p.is_empty()).collect(),
    ))
}

/// The fixed query pairs of a route from its dispatch parameters (from the
/// path template's query string, then the `params` element):
/// - `k=v` is sent as is;
/// - `!k` (the parameter must be absent) sends nothing;
/// - a bare `k` (the parameter must be present) sends nothing when an
///   operation parameter travels as query parameter `k` (`library_id` of
///   `content.library.item.list`), and `k` with an empty value otherwise
///   (`with-removed-components`);
/// - a key already present keeps its first value.
fn dispatch_query<'t>(
    from_template: Vec<&'t str>,
    from_params: Vec<&'t str>,
    bindings: &[ParamBinding],
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for param in from_template.into_iter().chain(from_params) {
        let param = param.trim();
        if param.is_empty() || param.starts_with('!') {
            continue;
        }
        let (key, value) = match param.split_once('=') {
            Some((key, value)) => (key.trim(), value.trim()),
            None => {
                let supplied = bindings
                    .iter()
                    .any(|b| b.location == ParamLocation::Query(param.to_owned()));
                if supplied {
                    continue;
                }
                (param, "")
            }
        };
        if !pairs.iter().any(|(k, _)| k == key) {
            pairs.push((key.to_owned(), value.to_owned()));
        }
    }
    pairs
}

/// The `{placeholders}` of a path template, in order.
fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

#[derive(Clone, Copy)]
enum Default {
    Query,
    BodyField,
}

/// Binds parameters by their REST annotations. `verb` enables the
/// annotations only verb routes honour (`Query`, `Header`, `Body`,
/// `BodyField`).
fn bind_annotated(
    params: &[FieldInfo],
    path: &str,
    default: Default,
    verb: bool,
) -> Result<Vec<ParamBinding>, String> {
    let holes = placeholders(path);
    let mut bindings = Vec::with_capacity(params.len());
    for param in params {
        let meta = &param.metadata;
        let annotated = |key: &str| meta.get(key);
        let named = |key: &str, element: &str| {
            annotated(key).map(|a| a.string(element).unwrap_or(&param.name).to_owned())
        };
        // A `PathVariable` whose variable this path lacks belongs to the
        // operation's other route (`appliance.local_accounts.create` has
        // `{username}` in its `/rest` path only); the parameter then binds
        // like an unannotated one.
        let location =
            if let Some(var) = named("PathVariable", "value").filter(|var| holes.contains(var)) {
                ParamLocation::Path(var)
            } else if holes.contains(&param.name) {
                ParamLocation::Path(param.name.clone())
            } else if let (true, Some(name)) = (verb, named("Query", "name")) {
                ParamLocation::Query(name)
            } else if let (true, Some(name)) = (verb, named("Header", "name")) {
                ParamLocation::Header(name)
            } else if verb && annotated("Body").is_some() {
                ParamLocation::Body
            } else if let (true, Some(name)) = (verb, named("BodyField", "name")) {
                ParamLocation::BodyField(name)
            } else {
                match default {
                    Default::Query => ParamLocation::Query(param.name.clone()),
                    Default::BodyField => ParamLocation::BodyField(param.name.clone()),
                }
            };
        bindings.push(ParamBinding {
            param: param.name.clone(),
            location,
        });
    }
    for hole in &holes {
        if !bindings
            .iter()
            .any(|b| b.location == ParamLocation::Path(hole.clone()))
        {
            return Err(format!(
                "path variable `{hole}` of `{path}` matches no parameter"
            ));
        }
    }
    let whole_body = bindings
        .iter()
        .filter(|b| b.location == ParamLocation::Body)
        .count();
    let body_fields = bindings
        .iter()
        .filter(|b| matches!(b.location, ParamLocation::BodyField(_)))
        .count();
    if whole_body > 1 || (whole_body == 1 && body_fields > 0) {
        return Err(
            "parameters claim both the whole body (Body) and body fields or another Body"
                .to_owned(),
        );
    }
    Ok(bindings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{ElementValue, ElementValueType, Type, WireMap};

    fn string(s: &str) -> ElementValue {
        ElementValue {
            kind: ElementValueType::String,
            long_value: None,
            string_value: Some(s.to_owned()),
            list_value: None,
            structure_id: None,
            structure_ids: None,
        }
    }

    fn list(items: &[&str]) -> ElementValue {
        ElementValue {
            kind: ElementValueType::StringList,
            long_value: None,
            string_value: None,
            list_value: Some(items.iter().map(|s| (*s).to_owned()).collect()),
            structure_id: None,
            structure_ids: None,
        }
    }

    fn annotation(elements: Vec<(&str, ElementValue)>) -> ElementMap {
        ElementMap {
            elements: elements
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }

    fn meta(entries: Vec<(&str, ElementMap)>) -> Metadata {
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }

    fn builtin(name: &str) -> Type {
        Type {
            category: TypeCategory::Builtin,
            builtin_type: Some(BuiltinType::from(name.to_owned())),
            user_defined_type: None,
            generic_instantiation: None,
        }
    }

    fn param(name: &str, ty: &str, metadata: Metadata) -> FieldInfo {
        FieldInfo {
            name: name.to_owned(),
            ty: builtin(ty),
            metadata,
            documentation: String::new(),
            lifecycle: None,
            releases: Vec::new(),
        }
    }

    fn id(name: &str) -> FieldInfo {
        param(name, "ID", WireMap::default())
    }

    fn plain(name: &str) -> FieldInfo {
        param(name, "STRING", WireMap::default())
    }

    fn op<'a>(
        service: &'a str,
        operation: &'a str,
        metadata: &'a Metadata,
        params: &'a [FieldInfo],
    ) -> OperationRef<'a> {
        OperationRef {
            service_id: service,
            operation_id: operation,
            metadata,
            params,
            sync_metadata: None,
        }
    }

    /// `METHOD path?query` plus `param=location` for a compact assertion.
    fn show(route: &Route) -> String {
        let method = format!("{:?}", route.method).to_ascii_uppercase();
        let query: Vec<String> = route
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let params: Vec<String> = route
            .params
            .iter()
            .map(|b| {
                let loc = match &b.location {
                    ParamLocation::Path(n) => format!("path:{n}"),
                    ParamLocation::Query(n) => format!("query:{n}"),
                    ParamLocation::Body => "body".to_owned(),
                    ParamLocation::BodyField(n) => format!("field:{n}"),
                    ParamLocation::Header(n) => format!("header:{n}"),
                };
                format!("{}={loc}", b.param)
            })
            .collect();
        let q = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        format!("{method} {}{q} [{}]", route.path, params.join(", "))
    }

    fn rest(service: &str, operation: &str, params: &[FieldInfo]) -> String {
        let metadata = Metadata::default();
        show(&rest_route(&op(service, operation, &metadata, params)).unwrap())
    }

    fn path_var(name: &str) -> Metadata {
        meta(vec![(
            "PathVariable",
            annotation(vec![("value", string(name))]),
        )])
    }

    #[test]
    fn verb_route_with_dispatch_param_and_body_field() {
        let metadata = meta(vec![(
            "POST",
            annotation(vec![
                ("path", string("/vcenter/vm/{vm}/tools")),
                ("params", list(&["action=upgrade"])),
            ]),
        )]);
        let params = [
            param("vm", "ID", path_var("vm")),
            plain("command_line_options"),
        ];
        let route = api_route(&op(
            "com.vmware.vcenter.vm.tools",
            "upgrade",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /api/vcenter/vm/{vm}/tools?action=upgrade [vm=path:vm, command_line_options=field:command_line_options]"
        );
        assert_eq!(route.source, RouteSource::Verb);
    }

    #[test]
    fn verb_route_honours_every_annotation() {
        let metadata = meta(vec![(
            "POST",
            annotation(vec![(
                "path",
                string("/cis/tagging/category/{categoryId}?action=add-to-used-by"),
            )]),
        )]);
        let params = [
            param("category_id", "ID", path_var("categoryId")),
            param(
                "client_token",
                "STRING",
                meta(vec![(
                    "Header",
                    annotation(vec![("name", string("Client-Token"))]),
                )]),
            ),
            param(
                "filter",
                "STRING",
                meta(vec![("Query", annotation(vec![("name", string("f"))]))]),
            ),
            param(
                "used_by_entity",
                "STRING",
                meta(vec![(
                    "BodyField",
                    annotation(vec![("name", string("entity"))]),
                )]),
            ),
        ];
        let route = api_route(&op(
            "com.vmware.cis.tagging.category",
            "add_to_used_by",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /api/cis/tagging/category/{categoryId}?action=add-to-used-by \
             [category_id=path:categoryId, client_token=header:Client-Token, filter=query:f, used_by_entity=field:entity]"
        );
    }

    #[test]
    fn verb_route_whole_body_and_get_query_defaults() {
        let post = meta(vec![(
            "POST",
            annotation(vec![("path", string("/vcenter/vm"))]),
        )]);
        let params = [param(
            "spec",
            "STRING",
            meta(vec![("Body", annotation(vec![]))]),
        )];
        let route = api_route(&op("com.vmware.vcenter.vm", "create", &post, &params)).unwrap();
        assert_eq!(show(&route), "POST /api/vcenter/vm [spec=body]");

        let get = meta(vec![(
            "GET",
            annotation(vec![("path", string("/appliance/update/pending"))]),
        )]);
        let params = [plain("source_type"), plain("url")];
        let route = api_route(&op(
            "com.vmware.appliance.update.pending",
            "list",
            &get,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "GET /api/appliance/update/pending [source_type=query:source_type, url=query:url]"
        );

        let delete = meta(vec![(
            "DELETE",
            annotation(vec![("path", string("/vcenter/datacenter/{datacenter}"))]),
        )]);
        let params = [
            id("datacenter"),
            param("force", "BOOLEAN", WireMap::default()),
        ];
        let route = api_route(&op(
            "com.vmware.vcenter.datacenter",
            "delete",
            &delete,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "DELETE /api/vcenter/datacenter/{datacenter} [datacenter=path:datacenter, force=query:force]"
        );
    }

    #[test]
    fn verb_route_errors_are_reasons() {
        let none = Metadata::default();
        let reason = api_route(&op("s", "o", &none, &[])).unwrap_err();
        assert!(
            reason.contains("no verb or RequestMapping annotation"),
            "{reason}"
        );

        let headers = meta(vec![(
            "GET",
            annotation(vec![
                ("path", string("/x")),
                ("headers", list(&["accept:application/octet-stream"])),
            ]),
        )]);
        let reason = api_route(&op("s", "o", &headers, &[])).unwrap_err();
        assert!(reason.contains("request headers"), "{reason}");

        let missing_var = meta(vec![("GET", annotation(vec![("path", string("/x/{y}"))]))]);
        let reason = api_route(&op("s", "o", &missing_var, &[])).unwrap_err();
        assert_eq!(reason, "path variable `y` of `/x/{y}` matches no parameter");

        let no_path = meta(vec![("GET", annotation(vec![]))]);
        assert_eq!(
            api_route(&op("s", "o", &no_path, &[])).unwrap_err(),
            "the GET annotation has no `path` element"
        );
    }

    #[test]
    fn api_route_derived_from_request_mapping() {
        let mapping = |value: &str, method: &str, params: &[&str]| {
            meta(vec![(
                "RequestMapping",
                annotation(vec![
                    ("value", string(value)),
                    ("method", string(method)),
                    ("params", list(params)),
                ]),
            )])
        };
        let vm = [param("vm", "ID", path_var("vm"))];
        // An action named like the last path segment becomes `?action=`.
        let start = mapping("/vcenter/vm/{vm}/power/start", "POST", &[]);
        let route = api_route(&op("com.vmware.vcenter.vm.power", "start", &start, &vm)).unwrap();
        assert_eq!(
            show(&route),
            "POST /api/vcenter/vm/{vm}/power?action=start [vm=path:vm]"
        );
        assert_eq!(route.source, RouteSource::RequestMapping);
        // Dashes, as in `/api` action values.
        let params = [plain("spec")];
        let route = api_route(&op(
            "com.vmware.vcenter.vm_template.library_items",
            "check_out",
            &mapping("/vcenter/vm-template/library-items/check-out", "POST", &[]),
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /api/vcenter/vm-template/library-items?action=check-out [spec=field:spec]"
        );
        // An explicit action, a GET, or a last segment that is not the
        // operation keep the path.
        let get = mapping("/vcenter/vm/{vm}/power", "GET", &[]);
        let route = api_route(&op("com.vmware.vcenter.vm.power", "get", &get, &vm)).unwrap();
        assert_eq!(show(&route), "GET /api/vcenter/vm/{vm}/power [vm=path:vm]");
        let upgrade = mapping("/vcenter/vm/{vm}/tools", "POST", &["action=upgrade"]);
        let route =
            api_route(&op("com.vmware.vcenter.vm.tools", "upgrade", &upgrade, &vm)).unwrap();
        assert_eq!(
            show(&route),
            "POST /api/vcenter/vm/{vm}/tools?action=upgrade [vm=path:vm]"
        );
        let messages = mapping("/appliance/health/{item}/messages", "GET", &[]);
        let item = [param("item", "ID", path_var("item"))];
        let route = api_route(&op(
            "com.vmware.appliance.health",
            "messages",
            &messages,
            &item,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "GET /api/appliance/health/{item}/messages [item=path:item]"
        );
    }

    #[test]
    fn path_variable_of_the_other_route_is_ignored() {
        // `username` is a path variable of the /rest route only.
        let metadata = meta(vec![(
            "POST",
            annotation(vec![("path", string("/appliance/local-accounts"))]),
        )]);
        let params = [
            param("username", "STRING", path_var("username")),
            plain("config"),
        ];
        let route = api_route(&op(
            "com.vmware.appliance.local_accounts",
            "create",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /api/appliance/local-accounts [username=field:username, config=field:config]"
        );
    }

    #[test]
    fn request_mapping_route() {
        let metadata = meta(vec![(
            "RequestMapping",
            annotation(vec![
                ("value", string("/appliance/update/pending/{version}")),
                ("method", string("POST")),
                ("params", list(&["action=validate"])),
            ]),
        )]);
        let params = [
            param("version", "STRING", path_var("version")),
            plain("user_data"),
        ];
        let route = rest_route(&op(
            "com.vmware.appliance.update.pending",
            "validate",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /rest/appliance/update/pending/{version}?action=validate [version=path:version, user_data=field:user_data]"
        );
        assert_eq!(route.source, RouteSource::RequestMapping);

        // `?action=` inside `value`, and the Java enum spelling of the method.
        let metadata = meta(vec![(
            "RequestMapping",
            annotation(vec![
                ("value", string("/vcenter/vm/{vm}/power/start")),
                ("method", string("RequestMethod.POST")),
            ]),
        )]);
        let params = [id("vm")];
        let route = rest_route(&op(
            "com.vmware.vcenter.vm.power",
            "start",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /rest/vcenter/vm/{vm}/power/start [vm=path:vm]"
        );

        let metadata = meta(vec![(
            "RequestMapping",
            annotation(vec![
                ("value", string("/vcenter/vm/{vm}/tools?action=upgrade")),
                ("method", string("POST")),
            ]),
        )]);
        let params = [id("vm"), plain("command_line_options")];
        let route = rest_route(&op(
            "com.vmware.vcenter.vm.tools",
            "upgrade",
            &metadata,
            &params,
        ))
        .unwrap();
        assert_eq!(
            show(&route),
            "POST /rest/vcenter/vm/{vm}/tools?action=upgrade [vm=path:vm, command_line_options=field:command_line_options]"
        );

        // GET: the other parameters travel in the query.
        let metadata = meta(vec![(
            "RequestMapping",
            annotation(vec![
                ("value", string("/vcenter/vm")),
                ("method", string("GET")),
            ]),
        )]);
        let params = [plain("filter")];
        let route = rest_route(&op("com.vmware.vcenter.vm", "list", &metadata, &params)).unwrap();
        assert_eq!(show(&route), "GET /rest/vcenter/vm [filter=query:filter]");
    }

    #[test]
    fn default_convention_list_and_create() {
        assert_eq!(
            rest("com.vmware.cis.tagging.category", "list", &[]),
            "GET /rest/com/vmware/cis/tagging/category []"
        );
        assert_eq!(
            rest(
                "com.vmware.content.library.item",
                "list",
                &[id("library_id")]
            ),
            "GET /rest/com/vmware/content/library/item [library_id=query:library_id]"
        );
        assert_eq!(
            rest(
                "com.vmware.content.subscribed_library",
                "create",
                &[plain("client_token"), plain("create_spec")]
            ),
            "POST /rest/com/vmware/content/subscribed-library \
             [client_token=field:client_token, create_spec=field:create_spec]"
        );
        assert_eq!(
            rest(
                "com.vmware.content.library.subscriptions",
                "create",
                &[id("library"), plain("spec")]
            ),
            "POST /rest/com/vmware/content/library/subscriptions/id:{library} [library=path:library, spec=field:spec]"
        );
    }

    #[test]
    fn default_convention_get_and_delete() {
        assert_eq!(
            rest(
                "com.vmware.cis.tagging.category",
                "get",
                &[id("category_id")]
            ),
            "GET /rest/com/vmware/cis/tagging/category/id:{category_id} [category_id=path:category_id]"
        );
        assert_eq!(
            rest(
                "com.vmware.content.library.item.file",
                "get",
                &[id("library_item_id"), plain("name")]
            ),
            "POST /rest/com/vmware/content/library/item/file/id:{library_item_id}?~action=get \
             [library_item_id=path:library_item_id, name=field:name]"
        );
        assert_eq!(
            rest("com.vmware.cis.session", "get", &[]),
            "POST /rest/com/vmware/cis/session?~action=get []"
        );
        assert_eq!(
            rest(
                "com.vmware.cis.tagging.category",
                "delete",
                &[id("category_id")]
            ),
            "DELETE /rest/com/vmware/cis/tagging/category/id:{category_id} [category_id=path:category_id]"
        );
        assert_eq!(
            rest("com.vmware.cis.session", "delete", &[]),
            "DELETE /rest/com/vmware/cis/session []"
        );
        assert_eq!(
            rest(
                "com.vmware.content.library.subscriptions",
                "delete",
                &[id("library"), id("subscription")]
            ),
            "POST /rest/com/vmware/content/library/subscriptions/id:{library}?~action=delete \
             [library=path:library, subscription=field:subscription]"
        );
    }

    #[test]
    fn default_convention_update_set_and_actions() {
        assert_eq!(
            rest(
                "com.vmware.content.subscribed_library",
                "update",
                &[id("library_id"), plain("update_spec")]
            ),
            "PATCH /rest/com/vmware/content/subscribed-library/id:{library_id} \
             [library_id=path:library_id, update_spec=field:update_spec]"
        );
        assert_eq!(
            rest(
                "com.vmware.content.configuration",
                "update",
                &[plain("model")]
            ),
            "PATCH /rest/com/vmware/content/configuration [model=field:model]"
        );
        assert_eq!(
            rest(
                "com.vmware.contentinternal.cls_configuration_service",
                "set",
                &[plain("spec")]
            ),
            "PUT /rest/com/vmware/contentinternal/cls-configuration-service [spec=field:spec]"
        );
        assert_eq!(
            rest(
                "com.vmware.cis.tagging.category",
                "add_to_used_by",
                &[id("category_id"), plain("used_by_entity")]
            ),
            "POST /rest/com/vmware/cis/tagging/category/id:{category_id}?~action=add-to-used-by \
             [category_id=path:category_id, used_by_entity=field:used_by_entity]"
        );
        assert_eq!(
            rest(
                "com.vmware.cis.tagging.category",
                "list_used_categories",
                &[plain("used_by_entity")]
            ),
            "POST /rest/com/vmware/cis/tagging/category?~action=list-used-categories \
             [used_by_entity=field:used_by_entity]"
        );
    }

    #[test]
    fn the_id_is_the_first_non_optional_id_parameter() {
        let optional_id = FieldInfo {
            ty: Type {
                category: TypeCategory::Generic,
                builtin_type: None,
                user_defined_type: None,
                generic_instantiation: None,
            },
            ..plain("maybe")
        };
        assert_eq!(
            rest(
                "com.vmware.a.b",
                "act",
                &[optional_id, plain("s"), id("first"), id("second")]
            ),
            "POST /rest/com/vmware/a/b/id:{first}?~action=act [maybe=field:maybe, s=field:s, first=path:first, second=field:second]"
        );
    }

    #[test]
    fn task_variants_add_vmw_task_and_inherit_sync_metadata() {
        let metadata = Metadata::default();
        assert_eq!(
            show(
                &rest_route(&op(
                    "com.vmware.esx.x",
                    "create$task",
                    &metadata,
                    &[plain("spec")]
                ))
                .unwrap()
            ),
            "POST /rest/com/vmware/esx/x?vmw-task=true [spec=field:spec]"
        );
        let sync = meta(vec![(
            "POST",
            annotation(vec![
                ("path", string("/vcenter/vm")),
                ("params", list(&["action=clone"])),
            ]),
        )]);
        let own = Metadata::default();
        let operation = OperationRef {
            sync_metadata: Some(&sync),
            ..op("com.vmware.vcenter.vm", "clone$task", &own, &[])
        };
        assert_eq!(
            show(&api_route(&operation).unwrap()),
            "POST /api/vcenter/vm?action=clone&vmw-task=true []"
        );
    }

    #[test]
    fn dispatch_params_parse() {
        let bindings = [ParamBinding {
            param: "library_id".to_owned(),
            location: ParamLocation::Query("library_id".to_owned()),
        }];
        let pairs = dispatch_query(
            vec!["action=a"],
            vec![
                "flag",
                "!absent",
                "action=duplicate",
                " k = v ",
                "library_id",
            ],
            &bindings,
        );
        let expected: Vec<(String, String)> = [("action", "a"), ("flag", ""), ("k", "v")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs, expected);
        assert_eq!(placeholders("/a/{b}/c/{d}"), ["b", "d"]);
    }
}
