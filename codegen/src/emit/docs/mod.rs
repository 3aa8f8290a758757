//! Composing rustdoc text from IR documentation and facts the emitter adds.
//!
//! [`render`] prints IR doc nodes (links become intra-doc links to the
//! Rust items, see [`links`]); [`DocBuilder`] puts an item's doc comment
//! together: its own text, its lifecycle line, the emitter's sections.

mod links;
mod render;

pub use links::{DocReport, Links, Unresolved};
pub use render::{deprecated_attr, lifecycle_line, render, summary};

use super::Ctx;
use crate::ir::{Doc, Field, HttpMethod, Lifecycle, ParamLocation, Releases, Route};

/// Builds a doc comment paragraph by paragraph.
#[derive(Debug, Default)]
pub struct DocBuilder {
    paragraphs: Vec<String>,
}

impl DocBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a paragraph (or several, separated by blank lines); empty text is skipped.
    pub fn paragraph(&mut self, text: impl AsRef<str>) -> &mut Self {
        let text = text.as_ref().trim_matches('\n');
        if !text.trim().is_empty() {
            self.paragraphs.push(text.to_owned());
        }
        self
    }

    /// Adds a paragraph of the emitter's own prose, wrapped at
    /// [`WRAP_WIDTH`] columns (IR docs keep the front end's line breaks).
    pub fn prose(&mut self, text: impl AsRef<str>) -> &mut Self {
        self.paragraph(wrap(text.as_ref()))
    }

    /// The element's own documentation; `at` names the element in reports
    /// of references that cannot be linked.
    pub fn doc(&mut self, ctx: &Ctx<'_>, doc: &Doc, at: &str) -> &mut Self {
        let text = render(ctx, doc, at);
        self.paragraph(text)
    }

    /// The element's documentation followed by its lifecycle line.
    pub fn item(&mut self, ctx: &Ctx<'_>, doc: &Doc, lifecycle: &Lifecycle, at: &str) -> &mut Self {
        self.doc(ctx, doc, at);
        if let Some(line) = lifecycle_line(ctx, lifecycle, at) {
            self.paragraph(line);
        }
        self
    }

    /// The note on an element that some of the model's releases lack (see
    /// [`releases_note`]).
    pub fn releases(&mut self, releases: &Releases, scope: ReleaseScope<'_>) -> &mut Self {
        self.paragraph(releases_note(releases, scope))
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    pub fn build(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// Documentation of a structure field or operation parameter: its own docs,
/// the resource types an identifier refers to, the union case it belongs
/// to, and its lifecycle.
pub fn field_doc(ctx: &Ctx<'_>, field: &Field, at: &str, scope: ReleaseScope<'_>) -> String {
    let mut doc = DocBuilder::new();
    doc.doc(ctx, &field.doc, at);
    doc.paragraph(field_notes(field, scope));
    if doc.is_empty() {
        // Every item has docs, even where the metamodel has none.
        doc.paragraph(format!("The `{}` member.", field.name));
    }
    if let Some(line) = lifecycle_line(ctx, &field.lifecycle, at) {
        doc.paragraph(line);
    }
    doc.build()
}

/// `field_doc` as doc attributes, plus `#[deprecated]` when the field is.
pub fn field_attrs(
    ctx: &Ctx<'_>,
    field: &Field,
    at: &str,
    scope: ReleaseScope<'_>,
) -> proc_macro2::TokenStream {
    let mut tokens = super::tokens::doc_attrs(&field_doc(ctx, field, at, scope));
    tokens.extend(deprecated_attr(ctx, &field.lifecycle));
    tokens
}

/// Joins an element's own text and a note of the emitter as sentences:
/// "Virtual machine ID" + "Identifier of…" gets the full stop it lacked.
pub fn join_sentences(text: &str, note: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() {
        return note.to_owned();
    }
    if note.is_empty() {
        return text.to_owned();
    }
    let stop = if text.ends_with(['.', '!', '?', ':']) {
        ""
    } else {
        "."
    };
    format!("{text}{stop} {note}")
}

/// What a release note is relative to: the model's releases, and for a
/// member (operation, field, parameter, enumeration value) the releases of
/// its owner, whose own docs already say what they lack.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseScope<'a> {
    pub all: &'a [String],
    pub owner: Option<&'a Releases>,
}

impl<'a> ReleaseScope<'a> {
    /// For a service, structure or enumeration.
    pub fn item(all: &'a [String]) -> Self {
        ReleaseScope { all, owner: None }
    }

    /// For a member of `owner`.
    pub fn member(all: &'a [String], owner: &'a Releases) -> Self {
        ReleaseScope {
            all,
            owner: Some(owner),
        }
    }
}

/// Which of the model's releases (`all`) lack an element, in one or two
/// sentences: "Not in vSphere API releases before 9.0.0.0." (added after
/// the oldest release), "**Removed** in vSphere API release 9.0.0.0 (last
/// in 8.0.3.0)." (not in the newest), "Missing from vSphere API release
/// 9.0.0.0." (dropped and brought back). Empty when every release has it,
/// when it is a member its owner's releases all have (the owner's note
/// covers it) or when nothing is known about releases.
pub fn releases_note(releases: &Releases, scope: ReleaseScope<'_>) -> String {
    let all = scope.all;
    let as_owner = scope.owner.is_some_and(|owner| owner == releases);
    if releases.present.is_empty() || releases.in_all(all) || as_owner {
        return String::new();
    }
    let mut sentences = Vec::new();
    if let Some(first) = releases
        .first()
        .filter(|_| !releases.missing_before(all).is_empty())
    {
        sentences.push(format!("Not in vSphere API releases before {first}."));
    }
    if let (Some(removed), Some(last)) = (releases.removed_in(all), releases.last()) {
        sentences.push(format!(
            "**Removed** in vSphere API release {removed} (last in {last})."
        ));
    }
    match releases.gaps(all).as_slice() {
        [] => {}
        [one] => sentences.push(format!("Missing from vSphere API release {one}.")),
        many => sentences.push(format!(
            "Missing from vSphere API releases {}.",
            many.join(", ")
        )),
    }
    sentences.join(" ")
}

/// The emitter's own notes on a field, one sentence each.
pub fn field_notes(field: &Field, scope: ReleaseScope<'_>) -> String {
    let mut notes = Vec::new();
    match field.resource_types.as_slice() {
        [] => {}
        [single] => notes.push(format!("Identifier of a `{single}` resource.")),
        many => notes.push(format!(
            "Identifier of a resource of one of the types {}.",
            code_list(many, "or")
        )),
    }
    if let Some((tag, values)) = &field.union_case {
        notes.push(match values.as_slice() {
            [single] => format!("Only relevant when `{tag}` is `{single}`."),
            many => format!("Only relevant when `{tag}` is {}.", code_list(many, "or")),
        });
    }
    let releases = releases_note(&field.releases, scope);
    if !releases.is_empty() {
        notes.push(releases);
    }
    notes.join(" ")
}

/// `` `a`, `b` or `c` ``.
pub fn code_list(items: &[String], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

pub fn method_str(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Delete => "DELETE",
    }
}

/// `POST /api/vcenter/vm/{vm}/tools?action=upgrade`
pub fn route_line(route: &Route) -> String {
    let mut line = format!("{} {}", method_str(route.method), route.path);
    for (index, (key, value)) in route.query.iter().enumerate() {
        line.push(if index == 0 { '?' } else { '&' });
        line.push_str(key);
        line.push('=');
        line.push_str(value);
    }
    line
}

/// Where the non-path parameters travel: ``query `a`, body `spec` ``.
pub fn route_bindings(route: &Route) -> String {
    let mut parts = Vec::new();
    for binding in &route.params {
        let part = match &binding.location {
            // Path variables are visible in the template already.
            ParamLocation::Path(_) => continue,
            ParamLocation::Query(name) if *name == binding.param => {
                format!("`{name}` in the query")
            }
            ParamLocation::Query(name) => format!("`{}` as query `{name}`", binding.param),
            ParamLocation::Body => format!("`{}` as the body", binding.param),
            ParamLocation::BodyField(name) if *name == binding.param => {
                format!("`{name}` in the body")
            }
            ParamLocation::BodyField(name) => format!("`{}` as body field `{name}`", binding.param),
            ParamLocation::Header(name) => format!("`{}` as header `{name}`", binding.param),
        };
        parts.push(part);
    }
    parts.join(", ")
}

/// Indents every line after the first by `width` spaces, so multi-paragraph
/// text stays inside a Markdown list item.
pub fn indent_continuation(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let mut out = String::new();
    for (index, line) in text.trim_matches('\n').lines().enumerate() {
        if index > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
    }
    out
}

/// Line width of the emitter's own doc prose.
pub const WRAP_WIDTH: usize = 80;

/// Re-flows each paragraph of `text` to at most [`WRAP_WIDTH`] columns
/// (longer words stay whole). Markdown is safe to wrap at spaces: a line
/// break inside a code span or link text renders as a space.
pub fn wrap(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            let mut lines: Vec<String> = Vec::new();
            let mut current = String::new();
            for word in paragraph.split_whitespace() {
                if !current.is_empty() && current.len() + 1 + word.len() > WRAP_WIDTH {
                    lines.push(std::mem::take(&mut current));
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
            }
            if !current.is_empty() {
                lines.push(current);
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
