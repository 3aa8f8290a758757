//! Which operation a request is for, and its parameters read back through
//! the operation's bindings: the reverse of `encode::prepare`.

use http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::query::TextNode;
use crate::encode::Wire;
use crate::spec::{HttpMethod, HttpRoute, OperationSpec, ParamLocation};

/// A parameter as it arrived: JSON from the body, or text from the path,
/// the query string or a header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawParam {
    Json(Value),
    Text(TextNode),
}

impl RawParam {
    /// The value as JSON, for messages.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            RawParam::Json(value) => value.clone(),
            RawParam::Text(node) => node.to_json(),
        }
    }
}

/// The parts of a request the routes are matched against.
pub(crate) struct Incoming<'a> {
    pub(crate) method: Option<HttpMethod>,
    /// Path segments, still percent-encoded.
    pub(crate) segments: Vec<&'a str>,
    /// Query pairs, decoded; `None` for a bare key.
    pub(crate) query: Vec<(String, Option<String>)>,
    /// The body as JSON (`None` when empty or not JSON).
    pub(crate) body: Option<Value>,
    pub(crate) headers: &'a HeaderMap,
}

impl<'a> Incoming<'a> {
    pub(crate) fn new(request: &'a http::Request<Vec<u8>>) -> Incoming<'a> {
        let method = match *request.method() {
            http::Method::GET => Some(HttpMethod::Get),
            http::Method::POST => Some(HttpMethod::Post),
            http::Method::PUT => Some(HttpMethod::Put),
            http::Method::PATCH => Some(HttpMethod::Patch),
            http::Method::DELETE => Some(HttpMethod::Delete),
            _ => None,
        };
        let uri = request.uri();
        let segments = uri.path().split('/').filter(|s| !s.is_empty()).collect();
        let query = uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => (decode(key), Some(decode(value))),
                None => (decode(pair), None),
            })
            .collect();
        let body = request.body();
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice(body).ok()
        };
        Incoming {
            method,
            segments,
            query,
            body,
            headers: request.headers(),
        }
    }

    fn has_pair(&self, key: &str, value: &str) -> bool {
        self.query.iter().any(|(k, v)| {
            k == key
                && match v {
                    Some(v) => v == value,
                    None => value.is_empty(),
                }
        })
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The operation a request is for.
pub(crate) struct Identified {
    pub(crate) spec: &'static OperationSpec,
    pub(crate) wire: Wire,
    pub(crate) params: Vec<(&'static str, RawParam)>,
}

/// How well a route fits, compared in this order: literal path segments,
/// fixed query pairs, query parameters of the route that the request
/// carries, and fewest query parameters of the route that it lacks. The
/// most specific fitting route wins, so `?action=clone&vmw-task=true` is
/// `clone$task`, not `clone`; `POST /api/vcenter/vm` without an action is
/// `create`; and of `file.get` and `file.list`, which share
/// `GET …/{item}/file`, a request with `?name=` is `get` and one without is
/// `list`.
type Score = (usize, usize, usize, std::cmp::Reverse<usize>);

/// Path variables and their decoded values.
type PathValues = Vec<(&'static str, String)>;

/// Finds the operation among `specs` whose route fits the request best; the
/// first of equally fitting ones wins.
pub(crate) fn identify<'s>(
    incoming: &Incoming<'_>,
    specs: impl IntoIterator<Item = &'s &'static OperationSpec>,
) -> Option<Identified> {
    let mut best: Option<(Score, Identified)> = None;
    for spec in specs {
        let spec: &'static OperationSpec = spec;
        for (wire, route) in [(Wire::Api, &spec.api), (Wire::Rest, &spec.rest)] {
            let Some(route) = route else { continue };
            let Some(((literals, fixed), variables)) = fit(route, incoming) else {
                continue;
            };
            let params = read_params(route, wire, incoming, &variables);
            let queries = route
                .params
                .iter()
                .filter(|binding| matches!(binding.location, ParamLocation::Query(_)));
            let present = queries
                .clone()
                .filter(|binding| params.iter().any(|(name, _)| *name == binding.param))
                .count();
            let absent = queries.count() - present;
            let score = (literals, fixed, present, std::cmp::Reverse(absent));
            if best.as_ref().is_none_or(|(best, _)| score > *best) {
                best = Some((score, Identified { spec, wire, params }));
            }
        }
    }
    best.map(|(_, identified)| identified)
}

/// The route's fit and its path variables' values, when it fits. The path
/// is compared from its end, so a base URL with a path prefix
/// (`https://host/prefix`) works too.
fn fit(route: &HttpRoute, incoming: &Incoming<'_>) -> Option<((usize, usize), PathValues)> {
    if incoming.method != Some(route.method) {
        return None;
    }
    let template = || route.path.split('/').filter(|s| !s.is_empty());
    let offset = incoming.segments.len().checked_sub(template().count())?;
    let mut literals = 0;
    let mut variables = Vec::new();
    for (pattern, actual) in template().zip(&incoming.segments[offset..]) {
        match pattern.find('{') {
            None => {
                if pattern != *actual {
                    return None;
                }
                literals += 1;
            }
            Some(open) => {
                let close = open + pattern[open..].find('}')?;
                let (prefix, name, suffix) = (
                    &pattern[..open],
                    &pattern[open + 1..close],
                    &pattern[close + 1..],
                );
                let value = actual.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                variables.push((name, decode(value)));
            }
        }
    }
    for (key, value) in route.query {
        if !incoming.has_pair(key, value) {
            return None;
        }
    }
    Some(((literals, route.query.len()), variables))
}

/// Every parameter the request carries, read through the route's bindings.
fn read_params(
    route: &HttpRoute,
    wire: Wire,
    incoming: &Incoming<'_>,
    variables: &[(&'static str, String)],
) -> Vec<(&'static str, RawParam)> {
    let dispatch = |key: &str| route.query.iter().any(|(fixed, _)| *fixed == key);
    // Query keys that belong to one parameter by name: `names` for a list
    // parameter, `filter.names` for a structure on /rest.
    let owner = |key: &str, name: &str| {
        key == name
            || (wire == Wire::Rest
                && key
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('.')))
    };
    let query_names: Vec<&str> = route
        .params
        .iter()
        .filter_map(|binding| match binding.location {
            ParamLocation::Query(name) => Some(name),
            _ => None,
        })
        .collect();
    let mut params = Vec::new();
    for binding in route.params {
        let raw = match binding.location {
            ParamLocation::Path(variable) => variables
                .iter()
                .find(|(name, _)| *name == variable)
                .map(|(_, value)| RawParam::Text(TextNode::text(value.clone()))),
            ParamLocation::Query(name) => {
                let mut node = TextNode::default();
                let named = incoming.query.iter().any(|(key, _)| owner(key, name));
                for (key, value) in &incoming.query {
                    let value = value.clone().unwrap_or_default();
                    if named {
                        if let Some(rest) = key.strip_prefix(name).and_then(|r| r.strip_prefix('.'))
                        {
                            if wire == Wire::Rest {
                                node.insert(rest, value);
                            }
                        } else if key == name {
                            node.values.push(value);
                        }
                    } else if wire == Wire::Api
                        && !dispatch(key)
                        && !query_names.iter().any(|other| owner(key, other))
                    {
                        // /api flattens a structure into its fields, under
                        // their own names.
                        node.insert(key, value);
                    }
                }
                (!node.is_empty()).then_some(RawParam::Text(node))
            }
            ParamLocation::Body => incoming
                .body
                .clone()
                .filter(|body| !body.is_null())
                .map(RawParam::Json),
            ParamLocation::BodyField(name) => incoming
                .body
                .as_ref()
                .and_then(|body| body.get(name))
                .filter(|value| !value.is_null())
                .cloned()
                .map(RawParam::Json),
            ParamLocation::Header(name) => incoming
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(|text| RawParam::Text(TextNode::text(text))),
        };
        if let Some(raw) = raw {
            params.push((binding.param, raw));
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ParamBinding;

    static CLONE: OperationSpec = OperationSpec {
        service_id: "com.vmware.vcenter.VM",
        operation_id: "clone",
        task: false,
        api: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/api/vcenter/vm",
            query: &[("action", "clone")],
            params: &[ParamBinding {
                param: "spec",
                location: ParamLocation::Body,
            }],
        }),
        rest: None,
        releases: crate::spec::Releases::UNKNOWN,
        idempotency: crate::spec::Idempotency::None,
    };
    static CLONE_TASK: OperationSpec = OperationSpec {
        operation_id: "clone$task",
        task: true,
        api: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/api/vcenter/vm",
            query: &[("action", "clone"), ("vmw-task", "true")],
            params: &[ParamBinding {
                param: "spec",
                location: ParamLocation::Body,
            }],
        }),
        ..CLONE
    };
    static CREATE: OperationSpec = OperationSpec {
        operation_id: "create",
        api: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/api/vcenter/vm",
            query: &[],
            params: &[ParamBinding {
                param: "spec",
                location: ParamLocation::Body,
            }],
        }),
        ..CLONE
    };
    static LIST_ATTACHED: OperationSpec = OperationSpec {
        service_id: "com.vmware.cis.tagging.tag_association",
        operation_id: "list_attached_objects",
        task: false,
        api: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/api/cis/tagging/tag-association/{tagId}",
            query: &[("action", "list-attached-objects")],
            params: &[ParamBinding {
                param: "tag_id",
                location: ParamLocation::Path("tagId"),
            }],
        }),
        rest: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/rest/com/vmware/cis/tagging/tag-association/id:{tag_id}",
            query: &[("~action", "list-attached-objects")],
            params: &[ParamBinding {
                param: "tag_id",
                location: ParamLocation::Path("tag_id"),
            }],
        }),
        releases: crate::spec::Releases::UNKNOWN,
        idempotency: crate::spec::Idempotency::None,
    };

    static FILE_GET: OperationSpec = OperationSpec {
        service_id: "com.vmware.content.library.item.file",
        operation_id: "get",
        task: false,
        api: Some(HttpRoute {
            method: HttpMethod::Get,
            path: "/api/content/library/item/{item}/file",
            query: &[],
            params: &[
                ParamBinding {
                    param: "library_item_id",
                    location: ParamLocation::Path("item"),
                },
                ParamBinding {
                    param: "name",
                    location: ParamLocation::Query("name"),
                },
            ],
        }),
        rest: None,
        releases: crate::spec::Releases::UNKNOWN,
        idempotency: crate::spec::Idempotency::None,
    };
    static FILE_LIST: OperationSpec = OperationSpec {
        operation_id: "list",
        api: Some(HttpRoute {
            method: HttpMethod::Get,
            path: "/api/content/library/item/{item}/file",
            query: &[],
            params: &[ParamBinding {
                param: "library_item_id",
                location: ParamLocation::Path("item"),
            }],
        }),
        ..FILE_GET
    };

    #[test]
    fn query_parameters_tell_routes_with_one_path_apart() {
        for specs in [[&FILE_GET, &FILE_LIST], [&FILE_LIST, &FILE_GET]] {
            let find = |target: &str| {
                let request = request(http::Method::GET, target, "");
                identify(&Incoming::new(&request), &specs)
                    .unwrap()
                    .spec
                    .operation_id
            };
            assert_eq!(find("/api/content/library/item/i-1/file?name=a.ovf"), "get");
            assert_eq!(find("/api/content/library/item/i-1/file"), "list");
        }
    }

    fn request(method: http::Method, target: &str, body: &str) -> http::Request<Vec<u8>> {
        http::Request::builder()
            .method(method)
            .uri(format!("https://vc{target}"))
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    fn find(request: &http::Request<Vec<u8>>) -> Option<Identified> {
        identify(
            &Incoming::new(request),
            &[&CREATE, &CLONE, &CLONE_TASK, &LIST_ATTACHED],
        )
    }

    #[test]
    fn the_most_specific_route_wins() {
        let body = r#"{"source": "vm-1"}"#;
        for (target, operation) in [
            ("/api/vcenter/vm", "create"),
            ("/api/vcenter/vm?action=clone", "clone"),
            ("/api/vcenter/vm?action=clone&vmw-task=true", "clone$task"),
            (
                "/prefix/api/vcenter/vm?vmw-task=true&action=clone",
                "clone$task",
            ),
        ] {
            let found = find(&request(http::Method::POST, target, body)).expect(target);
            assert_eq!(found.spec.operation_id, operation, "{target}");
            assert_eq!(
                found.params,
                vec![(
                    "spec",
                    RawParam::Json(serde_json::json!({"source": "vm-1"}))
                )]
            );
        }
        assert!(find(&request(http::Method::GET, "/api/vcenter/vm", "")).is_none());
    }

    #[test]
    fn path_variables_are_decoded_on_both_protocols() {
        let api = find(&request(
            http::Method::POST,
            "/api/cis/tagging/tag-association/urn%3Avmomi%3AInventoryServiceTag%3A1?action=list-attached-objects",
            "",
        ))
        .unwrap();
        assert_eq!(api.wire, Wire::Api);
        let rest = find(&request(
            http::Method::POST,
            "/rest/com/vmware/cis/tagging/tag-association/id:urn%3Avmomi%3AInventoryServiceTag%3A1?~action=list-attached-objects",
            "{}",
        ))
        .unwrap();
        assert_eq!(rest.wire, Wire::Rest);
        for found in [api, rest] {
            assert_eq!(
                found.params,
                vec![(
                    "tag_id",
                    RawParam::Text(TextNode::text("urn:vmomi:InventoryServiceTag:1"))
                )]
            );
        }
        // The literal part of a segment must be there.
        assert!(
            find(&request(
                http::Method::POST,
                "/rest/com/vmware/cis/tagging/tag-association/t-1?~action=list-attached-objects",
                "{}",
            ))
            .is_none()
        );
    }
}
