//! HTML in metamodel documentation → nodes, and HTML entities.

use super::parse::Nodes;

/// An HTML tag: its lowercase name with a leading `/` for closing tags
/// (`p`, `/ul`) and its raw text. Only tags with a known name are
/// recognized; anything else is text.
pub(super) struct HtmlTag {
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

pub(super) fn html_tag(chars: &[char], at: usize) -> Option<(HtmlTag, usize)> {
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
pub(super) fn html(out: &mut Nodes, tag: &HtmlTag, chars: &[char], next: usize) -> usize {
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
pub(super) fn decode_entities_outside_code(text: &str) -> String {
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

pub(super) fn restore(text: &str) -> String {
    if text.contains([LT, GT]) {
        text.replace(LT, "<").replace(GT, ">")
    } else {
        text.to_owned()
    }
}

/// [`restore`] of one character.
pub(super) fn restore_char(c: char) -> char {
    match c {
        LT => '<',
        GT => '>',
        c => c,
    }
}
