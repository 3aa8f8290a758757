//! Rust's vocabulary for the framing of documentation.
//!
//! The snapshot's text says what VMware's Python SDK calls things ("The
//! `Tools` class provides methods", "This attribute may be None", "raises
//! the NotFound exception", `True`); live dumps say what the IDL calls
//! them ("{@term structure}", "{@term fields}", "{@term unset}"). A Rust
//! reader sees structures, fields, enumerations, variants, services,
//! methods, errors, `None`, `true` and `false`. Only framing words change:
//!
//! | text                                   | becomes |
//! |----------------------------------------|---------|
//! | "class" after a reference              | what the reference is: service, structure, enumeration, error |
//! | "This class", "The class"              | what the documented element is |
//! | "class attribute(s)"                   | constant(s) |
//! | "attribute(s)"                         | field(s) |
//! | "exception(s)"                         | error(s) |
//! | "classes" in a package's docs          | services |
//! | `None`, `True`, `False` in prose       | `` `None` ``, `` `true` ``, `` `false` `` |
//! | {@term unset}, {@term operation}, {@term enumerated type}, {@term enumeration value} | `None`, method, enumeration, variant (printed by the emitter) |
//!
//! Domain uses of the words stay (a VM class, device classes, file
//! attributes are what the API manages, not framing).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::ir::DocNode;

/// What a documented or referenced element is, in Rust's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Package,
    Service,
    Structure,
    Error,
    Enumeration,
    Field,
    Operation,
    Parameter,
    Value,
    Constant,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Package => "package",
            Kind::Service => "service",
            Kind::Structure => "structure",
            Kind::Error => "error",
            Kind::Enumeration => "enumeration",
            Kind::Field => "field",
            Kind::Operation => "method",
            Kind::Parameter => "parameter",
            Kind::Value => "variant",
            Kind::Constant => "constant",
        }
    }

    fn plural(self) -> String {
        format!("{}s", self.noun())
    }
}

/// A term (`{@term unset}`) in Rust's words: `Ok(word)` prose or
/// `Err(code)` a code span.
pub fn term(term: &str) -> Result<String, String> {
    let lower = term.to_ascii_lowercase();
    let capital = term.starts_with(|c: char| c.is_uppercase());
    let word = match lower.as_str() {
        "unset" => return Err("None".to_owned()),
        "true" => return Err("true".to_owned()),
        "false" => return Err("false".to_owned()),
        "boolean" => return Err("bool".to_owned()),
        "long" => return Err("i64".to_owned()),
        "double" => return Err("f64".to_owned()),
        "string" => return Err("String".to_owned()),
        "operation" => "method",
        "operations" => "methods",
        "enumerated type" => "enumeration",
        "enumerated types" => "enumerations",
        "enumeration value" => "variant",
        "enumeration values" => "variants",
        "class" => "structure",
        "classes" => "structures",
        _ => return Ok(term.to_owned()),
    };
    Ok(if capital {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        word.to_owned()
    })
}

static THIS_CLASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(This|this|The|the|Each|each) class\b").expect("valid regex"));
static CLASS_ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([Cc])lass attribute(s?)\b").expect("valid regex"));
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([Aa])ttribute(s?)\b").expect("valid regex"));
static EXCEPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([Ee])xception(s?)\b").expect("valid regex"));
static CLASSES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bclasses\b").expect("valid regex"));
static A_CLASS_THAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([Aa]n?) (aggregated )?class (that|which)\b").expect("valid regex")
});
/// A type name in prose followed by "class" (`The Datastore class provides`).
static NAMED_CLASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([A-Z][a-z][A-Za-z0-9]*) class\b").expect("valid regex"));
static LEADING_CLASS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)class(es)?\b").expect("valid regex"));
static PY_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(None|True|False)\b").expect("valid regex"));
/// Domain uses of "attribute" that are not framing.
static DOMAIN_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(file|windows|extended|ldap|saml|user|group|xml|html|dos|posix|vmx|hardware|device|ovf|certificate|x\.?509|object|schema|directory|filesystem|unix|security) attributes?\b")
        .expect("valid regex")
});

/// Rewrites the framing of `nodes` (documentation of an element of kind
/// `own`); `kind_of` says what a link target is.
/// `name_kind` says what a name in prose names in the element's scope.
pub fn rewrite(
    nodes: &mut Vec<DocNode>,
    own: Kind,
    kind_of: &dyn Fn(&str) -> Option<Kind>,
    name_kind: &dyn Fn(&str) -> Option<Kind>,
) {
    let mut out: Vec<DocNode> = Vec::with_capacity(nodes.len());
    for node in std::mem::take(nodes) {
        let text = match node {
            DocNode::Text(text) => text,
            // `{@code True}`: Python's spelling in a code span.
            DocNode::Code(code) if code == "True" || code == "False" => {
                out.push(DocNode::Code(code.to_ascii_lowercase()));
                continue;
            }
            other => {
                out.push(other);
                continue;
            }
        };
        // Each pattern below holds one of these words; most texts hold
        // none of them, and are left alone without running the patterns.
        let class = text.contains("lass");
        // "class" right after a reference names what the reference is.
        let after = match out.last() {
            Some(DocNode::Link { target, .. }) => Some(kind_of(target).unwrap_or(own)),
            Some(DocNode::Code(_)) => Some(own),
            _ => None,
        };
        let mut text = match after {
            Some(kind) if class => replaced(text, |text| {
                LEADING_CLASS.replace(text, |c: &regex::Captures<'_>| {
                    let noun = if c.get(2).is_some() {
                        kind.plural()
                    } else {
                        kind.noun().to_owned()
                    };
                    format!("{}{noun}", &c[1])
                })
            }),
            _ => text,
        };
        if class {
            text = replaced(text, |text| {
                CLASS_ATTRIBUTE.replace_all(text, |c: &regex::Captures<'_>| {
                    let c0 = if &c[1] == "C" { "C" } else { "c" };
                    format!("{c0}onstant{}", &c[2])
                })
            });
            text = replaced(text, |text| {
                THIS_CLASS.replace_all(text, |c: &regex::Captures<'_>| {
                    format!("{} {}", &c[1], own.noun())
                })
            });
            text = replaced(text, |text| {
                A_CLASS_THAT.replace_all(text, |c: &regex::Captures<'_>| {
                    let article = if &c[1] == "A" || &c[1] == "An" {
                        "A"
                    } else {
                        "a"
                    };
                    let aggregated = c.get(2).map_or("", |m| m.as_str());
                    format!("{article} {aggregated}structure {}", &c[3])
                })
            });
            text = replaced(text, |text| {
                NAMED_CLASS.replace_all(text, |c: &regex::Captures<'_>| match name_kind(&c[1]) {
                    Some(kind) => format!("{} {}", &c[1], kind.noun()),
                    None => c[0].to_owned(),
                })
            });
        }
        if text.contains("ttribute") {
            text = replace_outside(&text, &ATTRIBUTE, &DOMAIN_ATTRIBUTE, |c| {
                let f = if &c[1] == "A" { "F" } else { "f" };
                format!("{f}ield{}", &c[2])
            });
        }
        if text.contains("xception") {
            text = replaced(text, |text| {
                EXCEPTION.replace_all(text, |c: &regex::Captures<'_>| {
                    let e = if &c[1] == "E" { "E" } else { "e" };
                    format!("{e}rror{}", &c[2])
                })
            });
        }
        if own == Kind::Package && class {
            text = replaced(text, |text| CLASSES.replace_all(text, "services"));
        }
        split_literals(text, &mut out);
    }
    *nodes = out;
}

/// `text` after `replace`, which borrows it back when nothing matched (no
/// copy then).
fn replaced(text: String, replace: impl FnOnce(&str) -> Cow<'_, str>) -> String {
    let owned = match replace(&text) {
        Cow::Owned(new) => Some(new),
        Cow::Borrowed(_) => None,
    };
    owned.unwrap_or(text)
}

/// Replaces matches of `pattern` that are not inside a match of `keep`.
fn replace_outside(
    text: &str,
    pattern: &Regex,
    keep: &Regex,
    with: impl Fn(&regex::Captures<'_>) -> String,
) -> String {
    let kept: Vec<std::ops::Range<usize>> = keep.find_iter(text).map(|m| m.range()).collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in pattern.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if kept
            .iter()
            .any(|k| k.start <= m.start() && m.end() <= k.end)
        {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&with(&c));
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Pushes `text`, with Python's `None`/`True`/`False` as Rust code spans.
fn split_literals(text: String, out: &mut Vec<DocNode>) {
    if !(text.contains("None") || text.contains("True") || text.contains("False")) {
        match out.last_mut() {
            Some(DocNode::Text(last)) => last.push_str(&text),
            _ if text.is_empty() => {}
            _ => out.push(DocNode::Text(text)),
        }
        return;
    }
    let mut last = 0;
    for m in PY_LITERAL.find_iter(&text) {
        push_text(out, &text[last..m.start()]);
        let code = match m.as_str() {
            "True" => "true",
            "False" => "false",
            other => other,
        };
        out.push(DocNode::Code(code.to_owned()));
        last = m.end();
    }
    push_text(out, &text[last..]);
}

fn push_text(out: &mut Vec<DocNode>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(DocNode::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(DocNode::Text(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(nodes: &[DocNode]) -> String {
        nodes
            .iter()
            .map(|node| match node {
                DocNode::Text(text) => text.clone(),
                DocNode::Code(code) => format!("`{code}`"),
                DocNode::Link { target, .. } => format!("[{target}]"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn framing_follows_what_is_referenced() {
        let mut nodes = vec![
            DocNode::Text("The ".to_owned()),
            DocNode::Link {
                target: "x.tools".to_owned(),
                label: None,
            },
            DocNode::Text(" class provides methods. This class attribute is True; attributes may be None. Raises an exception.".to_owned()),
        ];
        let kinds = |target: &str| (target == "x.tools").then_some(Kind::Service);
        rewrite(&mut nodes, Kind::Structure, &kinds, &|_| None);
        assert_eq!(
            text(&nodes),
            "The [x.tools] service provides methods. This constant is `true`; fields may be `None`. Raises an error."
        );
    }

    #[test]
    fn domain_words_stay() {
        let mut nodes = vec![DocNode::Text(
            "Windows file attributes of the VM class. This class holds attributes. The Datastore class is a class that works; the Virtual Machine class.".to_owned(),
        )];
        rewrite(&mut nodes, Kind::Structure, &|_| None, &|name| {
            (name == "Datastore").then_some(Kind::Service)
        });
        assert_eq!(
            text(&nodes),
            "Windows file attributes of the VM class. This structure holds fields. The Datastore service is a structure that works; the Virtual Machine class."
        );
    }

    #[test]
    fn terms() {
        assert_eq!(term("unset"), Err("None".to_owned()));
        assert_eq!(term("Operations"), Ok("Methods".to_owned()));
        assert_eq!(term("structure"), Ok("structure".to_owned()));
        assert_eq!(term("enumerated type"), Ok("enumeration".to_owned()));
    }
}
