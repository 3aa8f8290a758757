//! Metamodel documentation → rustdoc Markdown.
//!
//! Metamodel documentation is "English with HTML markup and Javadoc tags".
//! Rustdoc reads doc comments as Markdown and warns about (or misreads)
//! several things that text contains, so [`clean`] rewrites it:
//!
//! | input                                   | output |
//! |-----------------------------------------|--------|
//! | `{@code x}`, `{@literal x}`, `<code>x</code>`, ` ``x`` `, `:class:`X`` | `` `x` `` |
//! | `{@link Foo#bar}`, `{@link #bar}`       | `` `Foo.bar` ``, `` `bar` `` (the metamodel names no Rust items) |
//! | `{@link Foo label}`                     | `label` |
//! | `{@term unset}`                          | `unset` |
//! | `{@param.name vm}`                       | `` `vm` `` |
//! | `<p>`, `<br>`, `</ul>`                   | paragraph break |
//! | `<li>`                                   | `- ` list item |
//! | `<b>`/`<strong>`, `<i>`/`<em>`           | `**`, `*` |
//! | `<pre>…</pre>`                           | a ` ```text ` block (never a doctest) |
//! | `<a href="u">t</a>`                      | `t (<u>)` |
//! | other `<`, `>`                           | `&lt;`, `&gt;` (no stray HTML) |
//! | `[`, `]`                                 | `\[`, `\]` (no broken intra-doc links) |
//! | bare `http(s)://` URLs                   | `<url>` (rustdoc's `bare_urls`) |
//! | leading indentation                      | removed (four spaces would start a doctest) |
//!
//! Text such as "This structure was added in vSphere API 8.0.0.1." is kept
//! as it is.

/// Cleans metamodel documentation for rustdoc.
pub fn clean(text: &str) -> String {
    let mut out = Writer::default();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' if chars.get(i + 1) == Some(&'@') => {
                if let Some((tag, body, next)) = javadoc_tag(&chars, i) {
                    inline_tag(&mut out, &tag, &body);
                    i = next;
                    continue;
                }
                // An unclosed tag (`{@term error)` occurs in VMware's docs):
                // drop the tag's opening and keep its text.
                let mut next = i + 2;
                while chars.get(next).is_some_and(|c| !c.is_whitespace()) {
                    next += 1;
                }
                while chars.get(next).is_some_and(|c| c.is_whitespace()) {
                    next += 1;
                }
                i = next;
                continue;
            }
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
                out.raw(&format!("<{url}>"));
                i = end;
                continue;
            }
            _ => out.text(&c.to_string()),
        }
        i += 1;
    }
    out.finish()
}

/// Accumulates Markdown, escaping plain text.
#[derive(Default)]
struct Writer {
    buf: String,
}

impl Writer {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '[' => self.buf.push_str("\\["),
                ']' => self.buf.push_str("\\]"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                '`' => self.buf.push_str("\\`"),
                '\t' => self.buf.push(' '),
                _ => self.buf.push(c),
            }
        }
    }

    fn raw(&mut self, text: &str) {
        self.buf.push_str(text);
    }

    /// A code span; entities are decoded because code spans show text
    /// literally, and the fence is longer than any backtick run inside.
    fn code(&mut self, code: &str) {
        let code = decode_entities(code)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
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
        self.buf
            .push_str(&format!("{fence}{pad}{code}{pad}{fence}"));
    }

    fn paragraph(&mut self) {
        self.buf.push_str("\n\n");
    }

    /// Normalizes lines: no leading indentation (outside ```text blocks),
    /// no trailing spaces, at most one blank line in a row, no blank lines
    /// at either end.
    fn finish(self) -> String {
        let mut lines: Vec<String> = Vec::new();
        let mut in_fence = false;
        for line in self.buf.lines() {
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
            lines.push(trimmed.to_owned());
        }
        while lines.last().is_some_and(|last| last.is_empty()) {
            lines.pop();
        }
        lines.join("\n")
    }
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

/// `{@tag body}` at `at`: (tag, body, index after the closing brace).
fn javadoc_tag(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let mut i = at + 2;
    let mut tag = String::new();
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() || c == '}' {
            break;
        }
        tag.push(c);
        i += 1;
    }
    if tag.is_empty() {
        return None;
    }
    let mut depth = 1;
    let mut body = String::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((tag, body.trim().to_owned(), i + 1));
                }
            }
            _ => {}
        }
        body.push(c);
        i += 1;
    }
    None
}

fn inline_tag(out: &mut Writer, tag: &str, body: &str) {
    match tag {
        "link" | "linkplain" => {
            let mut parts = body.splitn(2, char::is_whitespace);
            let target = parts.next().unwrap_or_default();
            match parts
                .next()
                .map(str::trim)
                .filter(|label| !label.is_empty())
            {
                Some(label) => out.text(label),
                None => out.code(target.trim_start_matches('#').replace('#', ".").as_str()),
            }
        }
        "term" => out.text(body),
        _ if body.is_empty() => {}
        // code, literal, param.name, name and tags this crate does not know:
        // the body names something, so show it as code.
        _ => out.code(body),
    }
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

/// An HTML tag at `at`: its lowercase name with a leading `/` for closing
/// tags (`p`, `/ul`), its raw text, and the index after `>`. Only tags
/// with a known name are recognized; anything else is text.
struct HtmlTag {
    name: String,
    raw: String,
}

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
    const KNOWN: &[&str] = &[
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
    if !KNOWN.contains(&name.as_str())
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

/// Emits the Markdown for an HTML tag; returns where scanning continues.
fn html(out: &mut Writer, tag: &HtmlTag, chars: &[char], next: usize) -> usize {
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
            let body = decode_entities(&strip_tags(&inner));
            let body = body.trim_matches('\n');
            out.paragraph();
            out.raw("```text\n");
            out.raw(&body.replace("```", "` ` `"));
            out.raw("\n```");
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
                    out.text(label.trim());
                    if let Some(href) =
                        href.filter(|h| h.starts_with("http://") || h.starts_with("https://"))
                    {
                        out.raw(&format!(" (<{href}>)"));
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
            out.raw("\n- ");
            next
        }
        "dd" => {
            out.raw("\n  ");
            next
        }
        "b" | "/b" | "strong" | "/strong" => {
            out.raw("**");
            next
        }
        "i" | "/i" | "em" | "/em" | "cite" | "/cite" => {
            out.raw("*");
            next
        }
        "td" | "th" => {
            out.raw(" ");
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

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn javadoc_inline_tags() {
        assert_eq!(clean("Use {@code vm} here."), "Use `vm` here.");
        assert_eq!(clean("See {@link Tools#upgrade}."), "See `Tools.upgrade`.");
        assert_eq!(clean("See {@link #get}."), "See `get`.");
        assert_eq!(clean("See {@link Info the info}."), "See the info.");
        assert_eq!(clean("If {@term unset}, nothing."), "If unset, nothing.");
        assert_eq!(clean("The {@param.name vm} param."), "The `vm` param.");
        assert_eq!(
            clean("Nested {@code Map<String, {x}>}."),
            "Nested `Map<String, {x}>`."
        );
        assert_eq!(clean("this {@term error) is"), "this error) is");
    }

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(clean("One.<p>Two."), "One.\n\nTwo.");
        assert_eq!(
            clean("<ul><li>a</li><li>b</li></ul>After"),
            "- a\n- b\n\nAfter"
        );
        assert_eq!(clean("<b>bold</b> <i>it</i>"), "**bold** *it*");
        assert_eq!(clean("x <code>a &lt; b</code>"), "x `a < b`");
        assert_eq!(
            clean("<pre>\n  fn main() {}\n</pre>"),
            "```text\n  fn main() {}\n```"
        );
        assert_eq!(
            clean(r#"see <a href="https://example.com/x">the docs</a>"#),
            "see the docs (<https://example.com/x>)"
        );
    }

    #[test]
    fn stray_markup_is_escaped() {
        assert_eq!(clean("a list<String> [1]"), "a list&lt;String&gt; \\[1\\]");
        assert_eq!(clean("x > y"), "x &gt; y");
        assert_eq!(clean("one ` tick"), "one \\` tick");
    }

    #[test]
    fn rst_remnants() {
        assert_eq!(clean("The ``Tools.Info`` class"), "The `Tools.Info` class");
        assert_eq!(clean("a :class:`Tools.Info` b"), "a `Tools.Info` b");
        assert_eq!(clean(":ref:`text <target>`"), "`text`");
    }

    #[test]
    fn bare_urls_are_autolinked() {
        assert_eq!(
            clean("Go to https://vmware.com/x."),
            "Go to <https://vmware.com/x>."
        );
    }

    #[test]
    fn indentation_and_blank_lines_are_normalized() {
        assert_eq!(
            clean("  first\n        second\n\n\n\n  third  \n"),
            "first\nsecond\n\nthird"
        );
        assert_eq!(clean(""), "");
    }

    #[test]
    fn added_in_text_is_kept() {
        assert_eq!(
            clean("Reboot status. This attribute was added in vSphere API 9.1.0.0."),
            "Reboot status. This attribute was added in vSphere API 9.1.0.0."
        );
    }
}
