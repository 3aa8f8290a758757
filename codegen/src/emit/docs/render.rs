//! IR doc nodes → rustdoc Markdown.
//!
//! | node       | Markdown |
//! |------------|----------|
//! | `Text`     | the text, with `[`, `]`, `<`, `>` and `` ` `` backslash-escaped (no stray HTML, no broken links) and leading indentation removed (four spaces would start a doctest) |
//! | `Code`     | a code span whose fence is longer than any backtick run inside |
//! | `Link`     | ``[`Info::state`](crate::vcenter::vm::tools::Info::state)``, or `[label](…)`; an element this crate does not print becomes a code span of the reference (`#` written `.`) and is reported |
//! | `Term`     | Rust's word for it (`None`, method, enumeration) |
//! | `Param`    | a code span of the parameter's Rust name |
//! | `Markdown` | as is |

use proc_macro2::TokenStream;
use quote::quote;

use super::links::Unresolved;
use crate::docs::vocabulary;
use crate::emit::Ctx;
use crate::ir::{Doc, DocNode, Lifecycle};
use crate::names::unraw;

/// Rustdoc Markdown of `doc`; references that cannot be linked are
/// reported at `at`.
pub fn render(ctx: &Ctx<'_>, doc: &Doc, at: &str) -> String {
    render_counted(ctx, doc, Some(at))
}

/// The first sentence of `doc` on one line, for lists of items; printing
/// it again does not count or report its references a second time.
pub fn summary(ctx: &Ctx<'_>, doc: &Doc) -> String {
    let text = render_counted(ctx, doc, None);
    let first = text.split("\n\n").next().unwrap_or_default();
    let first = first.split_whitespace().collect::<Vec<_>>().join(" ");
    // The first ". " outside code spans and links ends the sentence.
    let mut depth_code = false;
    let mut depth_link = 0usize;
    let chars: Vec<char> = first.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '`' => depth_code = !depth_code,
            '[' if !depth_code => depth_link += 1,
            ']' if !depth_code => depth_link = depth_link.saturating_sub(1),
            '.' if !depth_code && depth_link == 0 && chars.get(i + 1) == Some(&' ') => {
                return chars[..=i].iter().collect();
            }
            _ => {}
        }
    }
    first
}

fn render_counted(ctx: &Ctx<'_>, doc: &Doc, at: Option<&str>) -> String {
    let mut out = String::new();
    for node in &doc.nodes {
        match node {
            DocNode::Text(text) => escape_into(&mut out, text),
            DocNode::Code(code) => code_span(&mut out, code),
            DocNode::Markdown(markdown) => out.push_str(markdown),
            DocNode::Param(name) => code_span(&mut out, unraw(name)),
            DocNode::Term(term) => match vocabulary::term(term) {
                Ok(word) => escape_into(&mut out, &word),
                Err(code) => code_span(&mut out, &code),
            },
            DocNode::Link { target, label } => match ctx.links.get(target) {
                Some(found) if !ctx.crates.reaches(&found.feature) => {
                    // The target is in a crate this file's crate does not
                    // depend on, where rustdoc cannot resolve it.
                    if let Some(at) = at {
                        ctx.report
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .unresolved
                            .push(Unresolved {
                                location: at.to_owned(),
                                target: target.clone(),
                                reason: "in a package group the crate of the documented element does not depend on".to_owned(),
                            });
                    }
                    match label {
                        Some(label) => escape_into(&mut out, label),
                        None => code_span(&mut out, &found.display),
                    }
                }
                Some(found) => {
                    if at.is_some() {
                        ctx.report
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .links += 1;
                    }
                    out.push('[');
                    match label {
                        Some(label) => escape_into(&mut out, label),
                        None => code_span(&mut out, &found.display),
                    }
                    out.push_str("](");
                    out.push_str(&found.path);
                    out.push(')');
                }
                None => {
                    if let Some(at) = at {
                        ctx.report
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .unresolved
                            .push(Unresolved {
                                location: at.to_owned(),
                                target: target.clone(),
                                reason: ctx.links.reason(target),
                            });
                    }
                    if let Some(label) = label {
                        escape_into(&mut out, label);
                        out.push(' ');
                        out.push('(');
                        code_span(&mut out, &shown(target));
                        out.push(')');
                    } else {
                        code_span(&mut out, &shown(target));
                    }
                }
            },
        }
    }
    normalize(&out)
}

/// `doc` as plain text (for `#[deprecated(note = …)]`): links show the
/// Rust name of their target.
pub fn render_plain(ctx: &Ctx<'_>, doc: &Doc) -> String {
    let mut out = String::new();
    for node in &doc.nodes {
        match node {
            DocNode::Text(text) | DocNode::Markdown(text) => out.push_str(text),
            DocNode::Code(code) => out.push_str(code),
            DocNode::Param(name) => out.push_str(unraw(name)),
            DocNode::Term(term) => match vocabulary::term(term) {
                Ok(word) | Err(word) => out.push_str(&word),
            },
            DocNode::Link { target, label } => match (label, ctx.links.get(target)) {
                (Some(label), _) => out.push_str(label),
                (None, Some(found)) => out.push_str(&found.display),
                (None, None) => out.push_str(&shown(target)),
            },
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How an unlinked reference is shown: Javadoc's `Foo#bar` as `Foo.bar`.
fn shown(target: &str) -> String {
    let shown = target.trim_start_matches('#').replace('#', ".");
    shown.split('#').next().unwrap_or_default().to_owned()
}

/// The lifecycle line of an element: "Since vSphere API 7.0.0.0." and/or
/// "**Deprecated** since vSphere API 9.1.0.0: use … instead."
pub fn lifecycle_line(ctx: &Ctx<'_>, lifecycle: &Lifecycle, at: &str) -> Option<String> {
    let mut line = String::new();
    if let Some(since) = &lifecycle.since {
        line.push_str(&format!("Since vSphere API {since}."));
    }
    if let Some(deprecated) = &lifecycle.deprecated {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str("**Deprecated**");
        if let Some(since) = &deprecated.since {
            line.push_str(&format!(" since vSphere API {since}"));
        }
        let note = render(ctx, &deprecated.note_doc, at);
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() {
            line.push('.');
        } else {
            line.push_str(": ");
            line.push_str(&note);
            if !note.ends_with(['.', '!', '?']) {
                line.push('.');
            }
        }
    }
    (!line.is_empty()).then_some(line)
}

/// `#[deprecated(note = "Deprecated since vSphere API 9.1.0.0: …")]` for a
/// deprecated element, else nothing. The release goes into the note:
/// `since` must be a semver version of this crate.
pub fn deprecated_attr(ctx: &Ctx<'_>, lifecycle: &Lifecycle) -> TokenStream {
    let Some(deprecated) = &lifecycle.deprecated else {
        return TokenStream::new();
    };
    let note = render_plain(ctx, &deprecated.note_doc);
    let note = match (&deprecated.since, note.is_empty()) {
        (Some(since), false) => format!("since vSphere API {since}: {note}"),
        (Some(since), true) => format!("since vSphere API {since}"),
        (None, false) => note,
        (None, true) => return quote! { #[deprecated] },
    };
    quote! { #[deprecated(note = #note)] }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// A code span; the fence is longer than any backtick run inside.
fn code_span(out: &mut String, code: &str) {
    let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if code.is_empty() {
        return;
    }
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    out.push_str(&format!("{fence}{pad}{code}{pad}{fence}"));
}

/// No leading indentation (outside ```text blocks), no trailing spaces, at
/// most one blank line in a row, no blank lines at either end.
fn normalize(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            lines.push(trimmed.to_owned());
            continue;
        }
        if in_fence {
            lines.push(line.trim_end().to_owned());
            continue;
        }
        if trimmed.is_empty() && lines.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        // A line of its own starting with `#` would be a heading.
        if trimmed.starts_with('#') {
            lines.push(format!("\\{trimmed}"));
            continue;
        }
        lines.push(trimmed.to_owned());
    }
    while lines.last().is_some_and(|last| last.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}
