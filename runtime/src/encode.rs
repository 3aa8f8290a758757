//! Turns an operation route plus serialized parameters into an HTTP request
//! description. Pure functions, so every mapping rule is unit-testable without
//! a server.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::spec::{HttpMethod, HttpRoute, ParamLocation};

/// Everything except RFC 3986 unreserved characters is escaped, both in path
/// segments and in query components, so values can never change the URL
/// structure (`/`, `?`, `&`, `=`, `#`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Which wire protocol a request uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    Api,
    Rest,
}

/// A request ready to be sent, minus authentication.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prepared {
    pub method: HttpMethod,
    /// Path plus query string, to be appended to the base URL.
    pub path_and_query: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

/// Builds the request for `route` from parameters already serialized for
/// `wire` (parameters that serialized to `null` are absent).
pub(crate) fn prepare(
    route: &HttpRoute,
    wire: Wire,
    params: &[(&'static str, Value)],
) -> Result<Prepared, String> {
    for (name, _) in params {
        if !route.params.iter().any(|binding| binding.param == *name) {
            return Err(format!(
                "parameter `{name}` is not part of the route {} {}",
                route.method, route.path
            ));
        }
    }

    let mut path = route.path.to_owned();
    let mut query: Vec<(String, String)> = route
        .query
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    let mut headers = Vec::new();
    let mut body: Option<Value> = None;
    let mut unset_body = false;
    let mut body_fields: Option<Map<String, Value>> = None;

    for binding in route.params {
        let value = params
            .iter()
            .find(|(name, _)| *name == binding.param)
            .map(|(_, value)| value);
        match binding.location {
            ParamLocation::Path(variable) => {
                let placeholder = format!("{{{variable}}}");
                if !path.contains(&placeholder) {
                    return Err(format!(
                        "path template {} has no variable {{{variable}}}",
                        route.path
                    ));
                }
                let value = value
                    .ok_or_else(|| format!("path parameter `{}` has no value", binding.param))?;
                let text = scalar_text(value).ok_or_else(|| {
                    format!(
                        "path parameter `{}` is not a string or number",
                        binding.param
                    )
                })?;
                check_segment_value(binding.param, &text)?;
                path = path.replace(
                    &placeholder,
                    &utf8_percent_encode(&text, COMPONENT).to_string(),
                );
            }
            ParamLocation::Query(name) => {
                if let Some(value) = value {
                    match (wire, value) {
                        // /api flattens a structure into one query parameter
                        // per field, under the field's own name
                        // (`GET /api/vcenter/vm?names=a&power_states=POWERED_ON`).
                        (Wire::Api, Value::Object(fields)) => {
                            for (field, field_value) in fields {
                                flatten(field, field_value, &mut query);
                            }
                        }
                        // /rest keeps the parameter name as prefix
                        // (`filter.names=a`); scalars and lists are the same
                        // on both protocols.
                        _ => flatten(name, value, &mut query),
                    }
                }
            }
            ParamLocation::Body => match value {
                Some(value) => body = Some(value.clone()),
                // An unset optional body parameter travels as the JSON
                // `null`, as VMware's own client sends it (the handler
                // expects a body on these operations).
                None if wire == Wire::Api => unset_body = true,
                None => {}
            },
            ParamLocation::BodyField(name) => {
                // An operation whose parameters are all body fields still
                // sends an (empty) object when every one of them is unset.
                let fields = body_fields.get_or_insert_with(Map::new);
                if let Some(value) = value {
                    fields.insert(name.to_owned(), value.clone());
                }
            }
            ParamLocation::Header(name) => {
                if let Some(value) = value {
                    let text = match value {
                        Value::Array(items) => items
                            .iter()
                            .filter_map(scalar_text)
                            .collect::<Vec<_>>()
                            .join(","),
                        other => scalar_text(other).unwrap_or_else(|| other.to_string()),
                    };
                    headers.push((name, text));
                }
            }
        }
    }

    if let Some(start) = path.find('{') {
        let rest = &path[start..];
        let end = rest.find('}').map_or(rest.len(), |end| end + 1);
        return Err(format!(
            "path variable {} is not bound to any parameter",
            &rest[..end]
        ));
    }

    let body = match (body, body_fields) {
        (None, None) if unset_body => Some(Value::Null),
        (None, fields) => fields.map(Value::Object),
        (Some(whole), None) => Some(whole),
        (Some(Value::Object(mut whole)), Some(fields)) => {
            whole.extend(fields);
            Some(Value::Object(whole))
        }
        (Some(_), Some(_)) => {
            return Err("a non-object body cannot be combined with body fields".to_owned());
        }
    };
    // On /rest every parameter outside path and query is a field of one JSON
    // object, so a POST, PUT or PATCH without such parameters (`~action=...`
    // on an `id:` path) sends that object empty. vCenter reads an empty body
    // the same way, but servers that always decode the body as JSON (govmomi's
    // vCenter simulator) reject one with 400.
    let body = match (body, wire, route.method) {
        (None, Wire::Rest, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch) => {
            Some(Value::Object(Map::new()))
        }
        (body, _, _) => body,
    };

    let mut path_and_query = path;
    for (index, (key, value)) in query.iter().enumerate() {
        path_and_query.push(if index == 0 { '?' } else { '&' });
        path_and_query.extend(utf8_percent_encode(key, COMPONENT));
        // A dispatch parameter without a value (`?with-removed-components`)
        // is a bare key on the wire; the fixed pairs come first in `query`.
        if index < route.query.len() && value.is_empty() {
            continue;
        }
        path_and_query.push('=');
        path_and_query.extend(utf8_percent_encode(value, COMPONENT));
    }

    Ok(Prepared {
        method: route.method,
        path_and_query,
        headers,
        body,
    })
}

/// Rejects path parameter values that would change the structure of the
/// path even when percent-encoded: the empty value (`/api/x//y`, or a
/// trailing slash that addresses the collection) and the dot segments `.` and
/// `..`, which URL parsers remove together with the segment before them
/// (`DELETE /api/cis/tagging/tag/..` would become `DELETE /api/cis/tagging/`).
/// URL parsers also read `%2e` as a dot, and servers or proxies may decode a
/// value once more, so the value is checked after percent-decoding too.
///
/// Every other character is safe: [`COMPONENT`] escapes `/`, `?`, `#`, `%`,
/// `\`, control characters and everything outside ASCII.
fn check_segment_value(param: &str, text: &str) -> Result<(), String> {
    let decoded = percent_decode_str(text).decode_utf8_lossy();
    for candidate in [text, decoded.as_ref()] {
        let reason = match candidate {
            "" => "is empty",
            "." | ".." => "is a dot segment (`.` or `..`)",
            _ => continue,
        };
        let shown = if candidate == text {
            String::new()
        } else {
            format!(" after percent-decoding `{text}`")
        };
        return Err(format!(
            "path parameter `{param}` {reason}{shown}; it would change which resource the request addresses"
        ));
    }
    Ok(())
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Query encoding of one value, as the vAPI REST handler reads it back:
/// lists of scalars repeat the key, structure fields extend the key with
/// `.field`, and lists of structures (including `/rest` maps, which are lists
/// of `{"key","value"}`) use 1-based indices `key.1.field`.
fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        flatten(&format!("{key}.{}", index + 1), item, out)
                    }
                    scalar => flatten(key, scalar, out),
                }
            }
        }
        Value::Object(fields) => {
            for (field, field_value) in fields {
                flatten(&format!("{key}.{field}"), field_value, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((key.to_owned(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{HttpMethod, ParamBinding};
    use serde_json::json;

    macro_rules! binding {
        ($param:literal, $location:expr) => {
            ParamBinding {
                param: $param,
                location: $location,
            }
        };
    }

    #[test]
    fn path_values_are_escaped() {
        let route = HttpRoute {
            method: HttpMethod::Get,
            path: "/rest/com/vmware/cis/tagging/tag/id:{tag_id}",
            query: &[],
            params: &[binding!("tag_id", ParamLocation::Path("tag_id"))],
        };
        let prepared = prepare(
            &route,
            Wire::Rest,
            &[("tag_id", json!("urn:vmomi:Tag:a/b c"))],
        )
        .unwrap();
        assert_eq!(
            prepared.path_and_query,
            "/rest/com/vmware/cis/tagging/tag/id:urn%3Avmomi%3ATag%3Aa%2Fb%20c"
        );
        assert_eq!(prepared.body, None);
    }

    #[test]
    fn empty_and_dot_segment_values_are_rejected() {
        let route = HttpRoute {
            method: HttpMethod::Delete,
            path: "/api/cis/tagging/tag/{tag_id}",
            query: &[],
            params: &[binding!("tag_id", ParamLocation::Path("tag_id"))],
        };
        for value in ["", ".", "..", "%2e", "%2E%2e", ".%2e", "%2e."] {
            let error = prepare(&route, Wire::Api, &[("tag_id", json!(value))]).unwrap_err();
            assert!(error.contains("`tag_id`"), "{value:?}: {error}");
        }
        // Values that merely contain dots or encode to something else are fine.
        for (value, encoded) in [
            ("...", "..."),
            (".a", ".a"),
            ("a..b", "a..b"),
            ("%2e%2", "%252e%252"),
            ("a/../b", "a%2F..%2Fb"),
        ] {
            let prepared = prepare(&route, Wire::Api, &[("tag_id", json!(value))]).unwrap();
            assert_eq!(
                prepared.path_and_query,
                format!("/api/cis/tagging/tag/{encoded}")
            );
        }
    }

    #[test]
    fn missing_and_unknown_parameters_are_errors() {
        let route = HttpRoute {
            method: HttpMethod::Get,
            path: "/api/vcenter/vm/{vm}",
            query: &[],
            params: &[binding!("vm", ParamLocation::Path("vm"))],
        };
        assert!(
            prepare(&route, Wire::Api, &[])
                .unwrap_err()
                .contains("`vm`")
        );
        assert!(
            prepare(&route, Wire::Api, &[("vm", json!("vm-1")), ("x", json!(1))])
                .unwrap_err()
                .contains("`x`")
        );
        assert!(prepare(&route, Wire::Api, &[("vm", json!({"a": 1}))]).is_err());
        let unbound = HttpRoute {
            params: &[],
            ..route
        };
        assert!(
            prepare(&unbound, Wire::Api, &[])
                .unwrap_err()
                .contains("{vm}")
        );
    }

    #[test]
    fn query_flattening() {
        let route = HttpRoute {
            method: HttpMethod::Get,
            path: "/api/vcenter/vm",
            query: &[],
            params: &[binding!("filter", ParamLocation::Query("filter"))],
        };
        let filter =
            json!({"names": ["a b", "c&d"], "power_states": ["POWERED_ON"], "folders": null});
        let api = prepare(&route, Wire::Api, &[("filter", filter.clone())]).unwrap();
        assert_eq!(
            api.path_and_query,
            "/api/vcenter/vm?names=a%20b&names=c%26d&power_states=POWERED_ON"
        );
        let rest = prepare(&route, Wire::Rest, &[("filter", filter)]).unwrap();
        assert_eq!(
            rest.path_and_query,
            "/api/vcenter/vm?filter.names=a%20b&filter.names=c%26d&filter.power_states=POWERED_ON"
        );
        let maps = json!({"m": [{"key": "k", "value": {"x": 1}}]});
        let rest = prepare(&route, Wire::Rest, &[("filter", maps)]).unwrap();
        assert_eq!(
            rest.path_and_query,
            "/api/vcenter/vm?filter.m.1.key=k&filter.m.1.value.x=1"
        );
    }

    #[test]
    fn body_fields_compose_and_default_to_empty_object() {
        let route = HttpRoute {
            method: HttpMethod::Post,
            path: "/api/vcenter/vm/{vm}/tools",
            query: &[("action", "upgrade")],
            params: &[
                binding!("vm", ParamLocation::Path("vm")),
                binding!(
                    "command_line_options",
                    ParamLocation::BodyField("command_line_options")
                ),
            ],
        };
        let bare = HttpRoute {
            query: &[("with-removed-components", ""), ("action", "upgrade")],
            ..route
        };
        let prepared = prepare(
            &bare,
            Wire::Api,
            &[("vm", json!("vm-1")), ("command_line_options", json!(""))],
        )
        .unwrap();
        assert_eq!(
            prepared.path_and_query,
            "/api/vcenter/vm/vm-1/tools?with-removed-components&action=upgrade"
        );
        let empty = prepare(&route, Wire::Api, &[("vm", json!("vm-1"))]).unwrap();
        assert_eq!(
            empty.path_and_query,
            "/api/vcenter/vm/vm-1/tools?action=upgrade"
        );
        assert_eq!(empty.body, Some(json!({})));
        let full = prepare(
            &route,
            Wire::Api,
            &[("vm", json!("vm-1")), ("command_line_options", json!("-q"))],
        )
        .unwrap();
        assert_eq!(full.body, Some(json!({"command_line_options": "-q"})));
    }

    #[test]
    fn whole_body_and_headers() {
        let route = HttpRoute {
            method: HttpMethod::Put,
            path: "/api/x",
            query: &[],
            params: &[
                binding!("spec", ParamLocation::Body),
                binding!("token", ParamLocation::Header("x-token")),
                binding!("ids", ParamLocation::Header("x-ids")),
            ],
        };
        let prepared = prepare(
            &route,
            Wire::Api,
            &[
                ("spec", json!({"a": 1})),
                ("token", json!("t")),
                ("ids", json!(["a", "b"])),
            ],
        )
        .unwrap();
        assert_eq!(prepared.body, Some(json!({"a": 1})));
        assert_eq!(
            prepared.headers,
            vec![("x-token", "t".to_owned()), ("x-ids", "a,b".to_owned())]
        );
        let absent = prepare(&route, Wire::Api, &[]).unwrap();
        assert_eq!(absent.body, Some(Value::Null));
        assert!(absent.headers.is_empty());
    }

    #[test]
    fn unset_optional_body_parameter_is_json_null_on_api() {
        // esx.settings.clusters.configuration.drafts.apply
        let route = HttpRoute {
            method: HttpMethod::Post,
            path: "/api/esx/settings/clusters/{cluster}/configuration/drafts/{draft}",
            query: &[("action", "apply")],
            params: &[
                binding!("cluster", ParamLocation::Path("cluster")),
                binding!("draft", ParamLocation::Path("draft")),
                binding!("spec", ParamLocation::Body),
            ],
        };
        let ids = [("cluster", json!("domain-c8")), ("draft", json!("1"))];
        let unset = prepare(&route, Wire::Api, &ids).unwrap();
        assert_eq!(unset.body, Some(Value::Null));
        let mut with_spec = ids.to_vec();
        with_spec.push(("spec", json!({"commit_message": "x"})));
        let set = prepare(&route, Wire::Api, &with_spec).unwrap();
        assert_eq!(set.body, Some(json!({"commit_message": "x"})));
        // /rest has no whole-body parameters; its POSTs keep sending `{}`.
        let rest = prepare(&route, Wire::Rest, &ids).unwrap();
        assert_eq!(rest.body, Some(json!({})));
        // Body fields present next to an unset whole body still form the
        // object.
        let mixed = HttpRoute {
            params: &[
                binding!("cluster", ParamLocation::Path("cluster")),
                binding!("draft", ParamLocation::Path("draft")),
                binding!("spec", ParamLocation::Body),
                binding!("note", ParamLocation::BodyField("note")),
            ],
            ..route
        };
        let mut with_note = ids.to_vec();
        with_note.push(("note", json!("n")));
        let fields = prepare(&mixed, Wire::Api, &with_note).unwrap();
        assert_eq!(fields.body, Some(json!({"note": "n"})));
    }

    #[test]
    fn rest_actions_without_body_parameters_send_an_empty_object() {
        let route = |method| HttpRoute {
            method,
            path: "/rest/com/vmware/cis/tagging/tag-association/id:{tag_id}",
            query: &[("~action", "list-attached-objects")],
            params: &[binding!("tag_id", ParamLocation::Path("tag_id"))],
        };
        let tag = [("tag_id", json!("t-1"))];
        for method in [HttpMethod::Post, HttpMethod::Put, HttpMethod::Patch] {
            let prepared = prepare(&route(method), Wire::Rest, &tag).unwrap();
            assert_eq!(prepared.body, Some(json!({})), "{method}");
        }
        // Bodiless methods stay bodiless, and /api keeps an absent body absent.
        for method in [HttpMethod::Get, HttpMethod::Delete] {
            let prepared = prepare(&route(method), Wire::Rest, &tag).unwrap();
            assert_eq!(prepared.body, None, "{method}");
        }
        let api = prepare(&route(HttpMethod::Post), Wire::Api, &tag).unwrap();
        assert_eq!(api.body, None);
    }
}
