//! Metamodel documentation text → [`DocNode`]s.
//!
//! Both styles the generator reads end up as the same nodes:
//!
//! | input                                                  | node |
//! |--------------------------------------------------------|------|
//! | `{@code x}`, `{@literal x}`, `<code>x</code>`, ` ``x`` `, `:class:`x`` | `Code` |
//! | `{@link Foo#bar}`, `{@link #bar}`, `{#member bar}`, Javadoc `Foo#bar` in prose | `Link` (target as written) |
//! | `{@link Foo label}`                                    | `Link` with a label |
//! | `{@name Foo}`                                          | `Code` (lowering links it when it names an element) |
//! | `{@term unset}`, `{@term.unset}`                       | `Term` |
//! | `{@param.name vm}`                                     | `Param` |
//! | `<p>`, `<br>`, `</ul>`                                 | `Markdown` paragraph break |
//! | `<li>`                                                 | `Markdown` `- ` list item |
//! | `<b>`/`<strong>`, `<i>`/`<em>`                         | `Markdown` `**`, `*` |
//! | `<pre>…</pre>`                                         | `Markdown` ` ```text ` block (never a doctest) |
//! | `<a href="u">t</a>`, bare `http(s)://` URLs            | `Text` and a `Markdown` autolink |
//! | HTML entities (`&lt;`)                                 | the character, in `Text` |
//!
//! VMware's text has malformed tags too (`{@term error)`, `(@term set)`,
//! `{link X}`, `@name Tags`, `@name{result}`, `{ #cpuCount}`): they are
//! read as the tag they were meant to be, never left as markup.

use super::html::{decode_entities_outside_code, html, html_tag, restore, restore_char};
use crate::ir::DocNode;

/// Parses documentation text into nodes.
pub fn parse(text: &str) -> Vec<DocNode> {
    let text = decode_entities_outside_code(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Nodes::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some((tag, next)) = tag_at(&chars, i) {
            out.tag(tag);
            i = next;
            continue;
        }
        match c {
            '<' => {
                if let Some((tag, next)) = html_tag(&chars, i) {
                    i = html(&mut out, &tag, &chars, next);
                    continue;
                }
                out.text("<");
            }
            '`' => {
                // reStructuredText literal ``x`` or interpreted text `x`.
                let ticks = if chars.get(i + 1) == Some(&'`') { 2 } else { 1 };
                if let Some(end) = find_seq(&chars, i + ticks, &vec!['`'; ticks]) {
                    let body: String = chars[i + ticks..end].iter().collect();
                    if !body.trim().is_empty() && !body.contains('\n') {
                        out.code(&body);
                        i = end + ticks;
                        continue;
                    }
                }
                out.text("`");
            }
            ':' if rst_role_at(&chars, i).is_some() => {
                if let Some((body, next)) = rst_role_at(&chars, i) {
                    out.code(&body);
                    i = next;
                    continue;
                }
            }
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let end = url_end(&chars, i);
                let url: String = chars[i..end].iter().collect();
                out.markdown(&format!("<{url}>"));
                i = end;
                continue;
            }
            _ if javadoc_member_at(&chars, i).is_some() => {
                if let Some((target, next)) = javadoc_member_at(&chars, i) {
                    out.link(target, None);
                    i = next;
                    continue;
                }
            }
            _ => out.char(c),
        }
        i += 1;
    }
    out.nodes
}

/// Accumulates nodes, merging adjacent text.
#[derive(Default)]
pub(super) struct Nodes {
    nodes: Vec<DocNode>,
}

impl Nodes {
    pub(super) fn text(&mut self, text: &str) {
        let text = restore(text);
        if let Some(DocNode::Text(last)) = self.nodes.last_mut() {
            last.push_str(&text);
        } else {
            self.nodes.push(DocNode::Text(text));
        }
    }

    /// [`Nodes::text`] of one character; most of a doc arrives this way.
    fn char(&mut self, c: char) {
        let c = restore_char(c);
        if let Some(DocNode::Text(last)) = self.nodes.last_mut() {
            last.push(c);
        } else {
            self.nodes.push(DocNode::Text(c.to_string()));
        }
    }

    pub(super) fn markdown(&mut self, text: &str) {
        let text = restore(text);
        if let Some(DocNode::Markdown(last)) = self.nodes.last_mut() {
            last.push_str(&text);
        } else {
            self.nodes.push(DocNode::Markdown(text));
        }
    }

    pub(super) fn code(&mut self, code: &str) {
        let code = restore(code);
        let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
        if !code.is_empty() {
            self.nodes.push(DocNode::Code(code));
        }
    }

    fn link(&mut self, target: String, label: Option<String>) {
        let target = restore(&target);
        let label = label.map(|label| restore(&label));
        self.nodes.push(DocNode::Link { target, label });
    }

    pub(super) fn paragraph(&mut self) {
        self.markdown("\n\n");
    }

    fn tag(&mut self, tag: Tag) {
        let Tag { name, target, rest } = tag;
        match name.as_str() {
            "link" | "linkplain" | "member" => {
                let target = if name == "member" && !target.starts_with('#') {
                    format!("#{target}")
                } else {
                    target
                };
                let label = Some(rest.trim().to_owned()).filter(|label| !label.is_empty());
                if target.is_empty() {
                    if let Some(label) = label {
                        self.text(&label);
                    }
                } else {
                    self.link(target, label);
                }
            }
            "term" => {
                let term = format!("{target} {rest}");
                let term = term.trim();
                if !term.is_empty() {
                    self.nodes.push(DocNode::Term(term.to_owned()));
                }
            }
            "param.name" => {
                if !target.is_empty() {
                    self.nodes.push(DocNode::Param(target));
                }
                if !rest.trim().is_empty() {
                    self.text(&format!(" {}", rest.trim()));
                }
            }
            // code, literal, name and tags this crate does not know: the
            // body names something, so show it as code.
            _ => self.code(format!("{target} {rest}").trim()),
        }
    }
}

/// A Javadoc-style inline tag.
struct Tag {
    /// `link`, `term`, `code`, `param.name`, `member` (for `{#member x}`).
    name: String,
    /// The first word of the body.
    target: String,
    /// The rest of the body (a link label, more code).
    rest: String,
}

/// Tags whose body is one word, optionally followed by a label.
const WORD_TAGS: &[&str] = &["link", "linkplain", "name", "member", "param.name"];
/// Tags recognized without their `@` (`{link X}`) or their braces (`@name X`).
const KNOWN_TAGS: &[&str] = &[
    "link",
    "linkplain",
    "name",
    "term",
    "code",
    "literal",
    "param.name",
];

/// The inline tag starting at `at`, if any: the tag and the index after it.
fn tag_at(chars: &[char], at: usize) -> Option<(Tag, usize)> {
    let c = chars[at];
    let next = chars.get(at + 1).copied();
    // Where the tag name starts, and the bracket that opened the tag.
    let (name_start, open) = match (c, next) {
        ('{', Some('@')) => (at + 2, Some('{')),
        ('(', Some('@')) => (at + 2, Some('(')),
        ('{', Some('#')) => (at + 1, Some('{')),
        ('{', Some(' ')) if chars.get(at + 2) == Some(&'#') => (at + 2, Some('{')),
        ('{', Some(c)) if c.is_ascii_lowercase() => (at + 1, Some('{')),
        ('@', Some('{')) => (at + 2, None),
        ('@', Some(c)) if c.is_ascii_lowercase() => {
            // A bare `@name X` only after a word boundary.
            if at > 0 && chars[at - 1].is_alphanumeric() {
                return None;
            }
            (at + 1, None)
        }
        _ => return None,
    };
    let mut i = name_start;
    let mut name = String::new();
    let hash_form = chars.get(i) == Some(&'#');
    if hash_form {
        // `{#member x}`, `{#x}`, `{ #x}`, `{#link x}`.
        i += 1;
        name.push_str("member");
        for tag in ["member", "link", "term", "code"] {
            if starts_with(chars, i, &format!("{tag} ")) {
                i += tag.len() + 1;
                name = tag.to_owned();
                break;
            }
        }
    } else {
        while let Some(&c) = chars.get(i) {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                name.push(c);
                i += 1;
            } else {
                break;
            }
        }
        // `{@term.unset}`: the term is part of the name.
        if let Some(term) = name.strip_prefix("term.") {
            let term = term.to_owned();
            let end = skip_close(chars, i);
            return Some((
                Tag {
                    name: "term".to_owned(),
                    target: term,
                    rest: String::new(),
                },
                end,
            ));
        }
        let known = KNOWN_TAGS.contains(&name.as_str());
        let explicit = c != '@' && next == Some('@');
        if name.is_empty() || (!known && !explicit) || (open == Some('(') && !known) {
            return None;
        }
    }
    // `@name{result}`: braces after the name.
    let braced_after = chars.get(i) == Some(&'{');
    if braced_after {
        i += 1;
    } else if chars
        .get(i)
        .is_some_and(|c| !c.is_whitespace() && *c != '}')
        && !hash_form
    {
        return None;
    }
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
        i += 1;
    }
    let closed_by_brace = open == Some('{') || braced_after;
    if WORD_TAGS.contains(&name.as_str()) {
        let mut target = String::new();
        while let Some(&c) = chars.get(i) {
            if c.is_whitespace() || c == '}' || c == ')' {
                break;
            }
            target.push(c);
            i += 1;
        }
        if chars.get(i).is_some_and(|c| *c == '}' || *c == ')') {
            return Some((
                Tag {
                    name,
                    target,
                    rest: String::new(),
                },
                i + 1,
            ));
        }
        if !closed_by_brace {
            return Some((
                Tag {
                    name,
                    target,
                    rest: String::new(),
                },
                i,
            ));
        }
        // A label up to the closing brace, on the same line.
        let end = (i..chars.len().min(i + 200)).find(|&j| matches!(chars[j], '}' | '{' | '\n'));
        return match end {
            Some(end) if chars[end] == '}' => Some((
                Tag {
                    name,
                    target,
                    rest: chars[i..end].iter().collect(),
                },
                end + 1,
            )),
            _ => Some((
                Tag {
                    name,
                    target,
                    rest: String::new(),
                },
                i,
            )),
        };
    }
    if name == "term" {
        // Up to `}` or `)` on the same line (VMware mixes them up), else one word.
        let end =
            (i..chars.len().min(i + 60)).find(|&j| matches!(chars[j], '}' | ')' | '\n' | '{'));
        return match end {
            Some(end) if matches!(chars[end], '}' | ')') => Some((
                Tag {
                    name,
                    target: chars[i..end].iter().collect::<String>().trim().to_owned(),
                    rest: String::new(),
                },
                end + 1,
            )),
            _ => {
                let start = i;
                while chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                    i += 1;
                }
                Some((
                    Tag {
                        name,
                        target: chars[start..i].iter().collect(),
                        rest: String::new(),
                    },
                    i,
                ))
            }
        };
    }
    // code, literal and unknown tags: nested braces up to the matching one.
    let mut depth = 1;
    let mut body = String::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((
                        Tag {
                            name,
                            target: body.trim().to_owned(),
                            rest: String::new(),
                        },
                        i + 1,
                    ));
                }
            }
            ')' if open == Some('(') && depth == 1 => {
                return Some((
                    Tag {
                        name,
                        target: body.trim().to_owned(),
                        rest: String::new(),
                    },
                    i + 1,
                ));
            }
            _ => {}
        }
        body.push(c);
        i += 1;
    }
    // Unclosed: keep the tag's text as code.
    Some((
        Tag {
            name,
            target: body.trim().to_owned(),
            rest: String::new(),
        },
        i,
    ))
}

/// The index after a closing `}` or `)` at `at`, else `at`.
fn skip_close(chars: &[char], at: usize) -> usize {
    if chars.get(at).is_some_and(|c| *c == '}' || *c == ')') {
        at + 1
    } else {
        at
    }
}

/// A Javadoc member reference in prose (`CheckSpec#vmHome`,
/// `#SolutionPrecheckResult#driftReviews`) starting at `at`: its target and
/// the index after it. `PKCS#8` (a digit after `#`) is not one.
fn javadoc_member_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '#' | '$');
    if at > 0 && (word(chars[at - 1]) || matches!(chars[at - 1], '/' | '&' | '-')) {
        return None;
    }
    if !(chars[at].is_ascii_alphabetic() || chars[at] == '#') {
        return None;
    }
    let mut end = at;
    while end < chars.len() && word(chars[end]) {
        end += 1;
    }
    while end > at && matches!(chars[end - 1], '.' | '#') {
        end -= 1;
    }
    let token: String = chars[at..end].iter().collect();
    let hash = token.rfind('#')?;
    let member = &token[hash + 1..];
    if !member.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    // `#Foo#bar`: the leading `#` is noise.
    let token = match token.strip_prefix('#') {
        Some(rest) if rest.contains('#') => rest.to_owned(),
        _ => token,
    };
    Some((token, end))
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(offset, p)| chars.get(at + offset) == Some(&p))
}

fn find_seq(chars: &[char], from: usize, seq: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&i| chars[i..].starts_with(seq))
}

fn url_end(chars: &[char], from: usize) -> usize {
    let mut end = from;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '<' | '>' | '"' | '\'' | '{' | '}')
    {
        end += 1;
    }
    // Sentence punctuation after a URL is not part of it.
    while end > from && matches!(chars[end - 1], '.' | ',' | ';' | ':' | ')' | ']') {
        end -= 1;
    }
    end
}

/// `:role:`text`` at `at`: (text, index after it).
fn rst_role_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    let mut i = at + 1;
    let mut role = String::new();
    while let Some(&c) = chars.get(i) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            role.push(c);
            i += 1;
        } else {
            break;
        }
    }
    if role.is_empty() || chars.get(i) != Some(&':') || chars.get(i + 1) != Some(&'`') {
        return None;
    }
    let start = i + 2;
    let end = find_seq(chars, start, &['`'])?;
    let body: String = chars[start..end].iter().collect();
    // :ref:`text <target>` shows its text.
    let body = match body.find('<') {
        Some(lt) if body.ends_with('>') => body[..lt].trim().to_owned(),
        _ => body,
    };
    Some((body, end + 1))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::ir::DocNode::{self, Code, Link, Markdown, Param, Term, Text};

    fn text(t: &str) -> DocNode {
        Text(t.to_owned())
    }
    fn code(t: &str) -> DocNode {
        Code(t.to_owned())
    }
    fn link(t: &str, label: Option<&str>) -> DocNode {
        Link {
            target: t.to_owned(),
            label: label.map(str::to_owned),
        }
    }
    fn md(t: &str) -> DocNode {
        Markdown(t.to_owned())
    }

    #[test]
    fn javadoc_inline_tags() {
        assert_eq!(
            parse("Use {@code vm} here."),
            [text("Use "), code("vm"), text(" here.")]
        );
        assert_eq!(
            parse("See {@link Tools#upgrade}."),
            [text("See "), link("Tools#upgrade", None), text(".")]
        );
        assert_eq!(
            parse("See {@link Info the info}."),
            [text("See "), link("Info", Some("the info")), text(".")]
        );
        assert_eq!(
            parse("If {@term unset}, no."),
            [text("If "), Term("unset".into()), text(", no.")]
        );
        assert_eq!(
            parse("The {@param.name vm} p."),
            [text("The "), Param("vm".into()), text(" p.")]
        );
        assert_eq!(
            parse("Nested {@code Map<String, {x}>}."),
            [text("Nested "), code("Map<String, {x}>"), text(".")]
        );
    }

    #[test]
    fn malformed_tags_are_read_as_meant() {
        assert_eq!(
            parse("this {@term error) is"),
            [text("this "), Term("error".into()), text(" is")]
        );
        assert_eq!(
            parse("The {@code Installer} (@term service} provides"),
            [
                text("The "),
                code("Installer"),
                text(" "),
                Term("service".into()),
                text(" provides")
            ]
        );
        assert_eq!(
            parse("with {@link #omit) {@term set}"),
            [
                text("with "),
                link("#omit", None),
                text(" "),
                Term("set".into())
            ]
        );
        assert_eq!(
            parse("values of {#member cpuCount}, { #memory}"),
            [
                text("values of "),
                link("#cpuCount", None),
                text(", "),
                link("#memory", None)
            ]
        );
        assert_eq!(
            parse("on {#link cluster}."),
            [text("on "), link("cluster", None), text(".")]
        );
        assert_eq!(
            parse("if {link CreateSpec#networks} is"),
            [text("if "), link("CreateSpec#networks", None), text(" is")]
        );
        assert_eq!(
            parse("The @name Tags @term service provides"),
            [
                text("The "),
                code("Tags"),
                text(" "),
                Term("service".into()),
                text(" provides")
            ]
        );
        assert_eq!(
            parse("Empty @name{result} @term{string}"),
            [
                text("Empty "),
                code("result"),
                text(" "),
                Term("string".into())
            ]
        );
        assert_eq!(
            parse("If {@term.unset} return"),
            [text("If "), Term("unset".into()), text(" return")]
        );
        assert_eq!(parse("mail@name.com"), [text("mail@name.com")]);
    }

    #[test]
    fn javadoc_members_in_prose_are_links() {
        assert_eq!(
            parse("If ValueSelectorOperator#IS_IN or"),
            [
                text("If "),
                link("ValueSelectorOperator#IS_IN", None),
                text(" or")
            ]
        );
        assert_eq!(
            parse("in #SolutionPrecheckResult#driftReviews."),
            [
                text("in "),
                link("SolutionPrecheckResult#driftReviews", None),
                text(".")
            ]
        );
        assert_eq!(parse("PKCS#8 key"), [text("PKCS#8 key")]);
        assert_eq!(
            parse("see https://x.org/a#b"),
            [text("see "), md("<https://x.org/a#b>")]
        );
    }

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(
            parse("One.<p>Two."),
            [text("One."), md("\n\n"), text("Two.")]
        );
        assert_eq!(
            parse("<ul><li>a</li><li>b</li></ul>After"),
            [
                md("\n\n\n- "),
                text("a"),
                md("\n- "),
                text("b"),
                md("\n\n"),
                text("After")
            ]
        );
        assert_eq!(parse("<b>bold</b>"), [md("**"), text("bold"), md("**")]);
        assert_eq!(
            parse("x <code>a &lt; b</code>"),
            [text("x "), code("a < b")]
        );
        assert_eq!(
            parse("<pre>\n  fn main() {}\n</pre>"),
            [md("\n\n```text\n  fn main() {}\n```\n\n")]
        );
        assert_eq!(
            parse(r#"see <a href="https://example.com/x">the docs</a>"#),
            [text("see the docs"), md(" (<https://example.com/x>)")]
        );
    }

    #[test]
    fn entities_are_characters() {
        assert_eq!(parse("a &lt; b &amp;&amp; c &#42;"), [text("a < b && c *")]);
        // An escaped tag stays text.
        assert_eq!(parse("&lt;p&gt;"), [text("<p>")]);
    }

    #[test]
    fn rst_remnants() {
        assert_eq!(
            parse("The ``Tools.Info`` class"),
            [text("The "), code("Tools.Info"), text(" class")]
        );
        assert_eq!(
            parse("a :class:`Tools.Info` b"),
            [text("a "), code("Tools.Info"), text(" b")]
        );
        assert_eq!(parse(":ref:`text <target>`"), [code("text")]);
    }
}
