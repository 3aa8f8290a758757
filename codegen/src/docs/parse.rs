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
            _ => out.text(&c.to_string()),
        }
        i += 1;
    }
    out.nodes
}

/// Accumulates nodes, merging adjacent text.
#[derive(Default)]
struct Nodes {
    nodes: Vec<DocNode>,
}

impl Nodes {
    fn text(&mut self, text: &str) {
        let text = restore(text);
        if let Some(DocNode::Text(last)) = self.nodes.last_mut() {
            last.push_str(&text);
        } else {
            self.nodes.push(DocNode::Text(text));
        }
    }

    fn markdown(&mut self, text: &str) {
        let text = restore(text);
        if let Some(DocNode::Markdown(last)) = self.nodes.last_mut() {
            last.push_str(&text);
        } else {
            self.nodes.push(DocNode::Markdown(text));
        }
    }

    fn code(&mut self, code: &str) {
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

    fn paragraph(&mut self) {
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
    } else if chars.get(i).is_some_and(|c| !c.is_whitespace() && *c != '}') && !hash_form {
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
        let end = (i..chars.len().min(i + 60)).find(|&j| matches!(chars[j], '}' | ')' | '\n' | '{'));
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

/// An HTML tag: its lowercase name with a leading `/` for closing tags
/// (`p`, `/ul`) and its raw text. Only tags with a known name are
/// recognized; anything else is text.
struct HtmlTag {
    name: String,
    raw: String,
}

const KNOWN_HTML: &[&str] = &[
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "b",
    "strong",
    "i",
    "em",
    "code",
    "tt",
    "pre",
    "a",
    "dl",
    "dt",
    "dd",
    "div",
    "span",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "u",
    "sup",
    "sub",
    "blockquote",
    "var",
    "kbd",
    "samp",
    "cite",
];

fn html_tag(chars: &[char], at: usize) -> Option<(HtmlTag, usize)> {
    let close = (at + 1..chars.len().min(at + 400)).find(|&i| chars[i] == '>')?;
    let raw: String = chars[at + 1..close].iter().collect();
    let trimmed = raw.trim().trim_end_matches('/').trim();
    let (slash, rest) = match trimmed.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => ("", trimmed),
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if !KNOWN_HTML.contains(&name.as_str())
        || rest.len() > name.len() && !rest[name.len()..].starts_with(char::is_whitespace)
    {
        return None;
    }
    Some((
        HtmlTag {
            name: format!("{slash}{name}"),
            raw,
        },
        close + 1,
    ))
}

/// Adds the nodes for an HTML tag; returns where scanning continues.
fn html(out: &mut Nodes, tag: &HtmlTag, chars: &[char], next: usize) -> usize {
    match tag.name.as_str() {
        "code" | "tt" | "var" | "kbd" | "samp" => {
            let closing = format!("</{}>", &tag.name);
            match find_ci(chars, next, &closing) {
                Some(end) => {
                    let inner: String = chars[next..end].iter().collect();
                    out.code(&strip_tags(&inner));
                    end + closing.chars().count()
                }
                None => next,
            }
        }
        "pre" => {
            let end = find_ci(chars, next, "</pre>");
            let stop = end.unwrap_or(chars.len());
            let inner: String = chars[next..stop].iter().collect();
            let body = strip_tags(&inner);
            let body = body.trim_matches('\n');
            out.paragraph();
            out.markdown("```text\n");
            out.markdown(&body.replace("```", "` ` `"));
            out.markdown("\n```");
            out.paragraph();
            end.map_or(stop, |end| end + "</pre>".len())
        }
        "a" => {
            let href = attribute(&tag.raw, "href");
            let closing = "</a>";
            match find_ci(chars, next, closing) {
                Some(end) => {
                    let label: String = chars[next..end].iter().collect();
                    let label = strip_tags(&label);
                    let label = label.trim();
                    let href =
                        href.filter(|h| h.starts_with("http://") || h.starts_with("https://"));
                    match href {
                        Some(href) if label.is_empty() => out.markdown(&format!("<{href}>")),
                        Some(href) => {
                            out.text(label);
                            out.markdown(&format!(" (<{href}>)"));
                        }
                        None => out.text(label),
                    }
                    end + closing.len()
                }
                None => next,
            }
        }
        "p" | "/p" | "br" | "ul" | "/ul" | "ol" | "/ol" | "dl" | "/dl" | "table" | "/table"
        | "tr" | "div" | "/div" | "hr" | "blockquote" | "/blockquote" | "h1" | "h2" | "h3"
        | "h4" | "/h1" | "/h2" | "/h3" | "/h4" => {
            out.paragraph();
            next
        }
        "li" | "dt" => {
            out.markdown("\n- ");
            next
        }
        "dd" => {
            out.markdown("\n  ");
            next
        }
        "b" | "/b" | "strong" | "/strong" => {
            out.markdown("**");
            next
        }
        "i" | "/i" | "em" | "/em" | "cite" | "/cite" => {
            out.markdown("*");
            next
        }
        "td" | "th" => {
            out.text(" ");
            next
        }
        // Closing tags of list items and everything else carry no text.
        _ => next,
    }
}

fn find_ci(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().map(|c| c.to_ascii_lowercase()).collect();
    (from..chars.len()).find(|&i| {
        chars.len() - i >= needle.len()
            && chars[i..i + needle.len()]
                .iter()
                .zip(&needle)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

fn attribute(raw: &str, name: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &raw[at..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = rest[1..].find(quote)?;
        Some(rest[1..1 + end].to_owned())
    } else {
        Some(rest.split_whitespace().next()?.to_owned())
    }
}

/// Drops `<...>` tags (used inside code and links, where markup is noise).
fn strip_tags(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes HTML entities; `&lt;`/`&gt;` become stand-ins (see [`LT`]).
fn decode_entities_outside_code(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let entity = tail
            .find(';')
            .filter(|&end| end <= 8)
            .map(|end| &tail[..=end]);
        let decoded = entity.and_then(|entity| match entity {
            "&quot;" => Some("\"".to_owned()),
            "&#39;" | "&apos;" => Some("'".to_owned()),
            "&nbsp;" => Some(" ".to_owned()),
            "&lt;" => Some(LT.to_string()),
            "&gt;" => Some(GT.to_string()),
            "&amp;" => Some("&".to_owned()),
            _ => entity
                .strip_prefix("&#")
                .and_then(|n| n.strip_suffix(';'))
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32)
                .map(|c| c.to_string()),
        });
        match (entity, decoded) {
            (Some(entity), Some(decoded)) => {
                out.push_str(&decoded);
                rest = &tail[entity.len()..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `&lt;`/`&gt;` stand in as private-use characters while tags are parsed
/// (so escaped text never becomes a tag) and become `<`/`>` in the nodes.
const LT: char = '\u{E000}';
const GT: char = '\u{E001}';

fn restore(text: &str) -> String {
    text.replace(LT, "<").replace(GT, ">")
}
