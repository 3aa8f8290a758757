//! Lifecycle sentences → data.
//!
//! VMware states versions in prose: "This class was added in vSphere API
//! 7.0.0.0.", ".. deprecated:: vSphere API 9.0.0.0 This attribute is
//! deprecated as of vSphere API 9.0.0.0. Use {@link …} instead.",
//! "Deprecated as of vSphere API 7.0.2.0.", "@deprecated Use … instead"
//! (live dumps: "This {@term structure} was added in …"). [`extract`] takes
//! those sentences out of the text and returns what they say, so the
//! emitter prints them as one consistent line and as `#[deprecated]`.

use std::sync::LazyLock;

use regex::Regex;

/// What the lifecycle sentences of a text say, and the text without them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    pub since: Option<String>,
    pub deprecated: bool,
    pub deprecated_since: Option<String>,
    /// Raw note text (still with metamodel markup).
    pub note: Option<String>,
}

const KIND: &str = r"(?:\{@term )?(?:class attribute|class|attribute|method|enumeration|enumerated type|parameter|exception|field|structure|operation|service|constant|package|module|error|interface)\}?";
const VERSION: &str = r"([0-9]+(?:\.[0-9]+)*)";

static ADDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:This|this|The) {KIND} (?:was|were) added in vSphere API {VERSION}\.?"
    ))
    .expect("valid regex")
});

static RST_DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\.\. deprecated::\s*(?:vSphere API {VERSION})?[ \t]*((?s:.*?))(?:\n\s*\n|\z)"
    ))
    .expect("valid regex")
});

static IS_DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:This|this|The) {KIND} is deprecated(?: as of vSphere API {VERSION})?\.?"
    ))
    .expect("valid regex")
});

static DEPRECATED_AS_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\bDeprecated as of vSphere API {VERSION}\.?")).expect("valid regex")
});

static AT_DEPRECATED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@deprecated\s+((?s:.*?))(?:\n\s*\n|\z)").expect("valid regex"));

/// Sentences after a deprecation that say what to use instead.
static REPLACEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:Use|Instead|Please use|Replaced by|See)\b(?s:.*?))(?:\n\s*\n|\z)")
        .expect("valid regex")
});

/// Takes the lifecycle sentences out of `text`.
pub fn extract(text: &str) -> Extracted {
    let mut out = Extracted::default();
    let mut text = text.to_owned();

    // Each pattern needs a literal most texts lack (see `find`); the
    // patterns were a tenth of lowering's time.
    if let Some(found) = find(&text, ".. deprecated::", &RST_DEPRECATED) {
        out.deprecated = true;
        out.deprecated_since = found.get(1).map(|m| m.as_str().to_owned());
        let note = found.get(2).map_or("", |m| m.as_str());
        let note = strip_is_deprecated(note, &mut out);
        out.note = Some(note).filter(|note| !note.is_empty());
        let range = found.get(0).map(|m| m.range()).unwrap_or_default();
        text.replace_range(range, "\n\n");
    }
    if let Some(found) = find(&text, "@deprecated", &AT_DEPRECATED) {
        out.deprecated = true;
        let note = found.get(1).map_or("", |m| m.as_str()).trim();
        let note = strip_is_deprecated(note, &mut out);
        if out.note.is_none() && !note.is_empty() {
            out.note = Some(note);
        }
        let range = found.get(0).map(|m| m.range()).unwrap_or_default();
        text.replace_range(range, "\n\n");
    }
    for (literal, pattern) in [
        (" is deprecated", &*IS_DEPRECATED),
        ("Deprecated as of vSphere API ", &*DEPRECATED_AS_OF),
    ] {
        while let Some(found) = find(&text, literal, pattern) {
            out.deprecated = true;
            if out.deprecated_since.is_none() {
                out.deprecated_since = found.get(1).map(|m| m.as_str().to_owned());
            }
            let range = found.get(0).map(|m| m.range()).unwrap_or_default();
            let mut end = range.end;
            if let Some(replacement) = REPLACEMENT.captures(&text[end..]) {
                if out.note.is_none() {
                    out.note = replacement.get(1).map(|m| m.as_str().trim().to_owned());
                }
                end += replacement.get(0).map_or(0, |m| m.end());
            }
            cut(&mut text, range.start, end);
        }
    }
    while let Some(found) = find(&text, ADDED_LITERAL, &ADDED) {
        if out.since.is_none() {
            out.since = found.get(1).map(|m| m.as_str().to_owned());
        }
        let range = found.get(0).map(|m| m.range()).unwrap_or_default();
        cut(&mut text, range.start, range.end);
    }
    if let Some(note) = &mut out.note {
        while let Some(found) = find(note, ADDED_LITERAL, &ADDED) {
            if out.since.is_none() {
                out.since = found.get(1).map(|m| m.as_str().to_owned());
            }
            let range = found.get(0).map(|m| m.range()).unwrap_or_default();
            cut(note, range.start, range.end);
        }
        *note = note.trim().to_owned();
    }
    out.text = text.trim().to_owned();
    out
}

/// What [`ADDED`] cannot match without.
const ADDED_LITERAL: &str = " added in vSphere API ";

/// The first match of `pattern` in `text`, which holds none without
/// `literal`: looking for the literal first spares most texts the pattern.
fn find<'t>(text: &'t str, literal: &str, pattern: &Regex) -> Option<regex::Captures<'t>> {
    if text.contains(literal) {
        pattern.captures(text)
    } else {
        None
    }
}

/// Removes `text[start..end]`; text run into the sentence ("…enabled This
/// attribute was added…") gets the full stop it lacked.
fn cut(text: &mut String, start: usize, end: usize) {
    let before = text[..start].trim_end_matches([' ', '\t']);
    let after = &text[end..];
    let needs_stop = before
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == ')' || c == '`' || c == '}')
        && after
            .trim_start_matches([' ', '\t'])
            .starts_with(|c: char| {
                c.is_uppercase() || c == '\n' || c == '{' || c == '<' || c == '*'
            })
        || before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == ')' || c == '`' || c == '}')
            && after.trim().is_empty();
    let mut joined = before.to_owned();
    if needs_stop {
        joined.push('.');
    }
    let after = after.trim_start_matches([' ', '\t']);
    if !joined.is_empty()
        && !joined.ends_with('\n')
        && !after.is_empty()
        && !after.starts_with('\n')
    {
        joined.push(' ');
    }
    joined.push_str(after);
    *text = joined;
}

/// The note without its "This attribute is deprecated as of …" sentence
/// (whose version is recorded).
fn strip_is_deprecated(note: &str, out: &mut Extracted) -> String {
    let mut note = note.to_owned();
    for pattern in [&*IS_DEPRECATED, &*DEPRECATED_AS_OF] {
        while let Some(found) = pattern.captures(&note) {
            if out.deprecated_since.is_none() {
                out.deprecated_since = found.get(1).map(|m| m.as_str().to_owned());
            }
            let range = found.get(0).map(|m| m.range()).unwrap_or_default();
            note.replace_range(range, "");
        }
    }
    note.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::extract;

    #[test]
    fn added_in_becomes_since() {
        let found = extract("Reboot status. This attribute was added in vSphere API 9.1.0.0.");
        assert_eq!(found.text, "Reboot status.");
        assert_eq!(found.since.as_deref(), Some("9.1.0.0"));
        assert!(!found.deprecated);
    }

    #[test]
    fn run_on_sentences_get_a_full_stop() {
        let found = extract(
            "Status of current hash mode This attribute was added in vSphere API 9.0.0.0. If None, unknown.",
        );
        assert_eq!(found.text, "Status of current hash mode. If None, unknown.");
        let found = extract("Server status This attribute was added in vSphere API 6.7.");
        assert_eq!(found.text, "Server status.");
        assert_eq!(found.since.as_deref(), Some("6.7"));
    }

    #[test]
    fn live_style_added_in() {
        let found = extract(
            "The {@name Foo} {@term structure} describes. This {@term structure} was added in vSphere API 7.0.0.0.",
        );
        assert_eq!(found.text, "The {@name Foo} {@term structure} describes.");
        assert_eq!(found.since.as_deref(), Some("7.0.0.0"));
    }

    #[test]
    fn rst_deprecation_with_replacement() {
        let found = extract(
            "Library. This attribute was added in vSphere API 7.0.0.0.\n\nIf None, generated.\n\n.. deprecated:: vSphere API 9.0.0.0 This attribute is deprecated as of vSphere API 9.0.0.0. Use {@link com.vmware.x#y} instead.",
        );
        assert_eq!(found.text, "Library.\n\nIf None, generated.");
        assert_eq!(found.since.as_deref(), Some("7.0.0.0"));
        assert!(found.deprecated);
        assert_eq!(found.deprecated_since.as_deref(), Some("9.0.0.0"));
        assert_eq!(
            found.note.as_deref(),
            Some("Use {@link com.vmware.x#y} instead.")
        );
    }

    #[test]
    fn sentence_deprecations() {
        let found = extract(
            "Gets it. This method was added in vSphere API 7.0.0.0.\n\nThis method is deprecated as of vSphere API 9.1.0.0.",
        );
        assert_eq!(found.text, "Gets it.");
        assert_eq!(found.deprecated_since.as_deref(), Some("9.1.0.0"));
        assert_eq!(found.note, None);
        let found = extract("Token type.\n\nDeprecated as of vSphere API 7.0.2.0.");
        assert_eq!(found.text, "Token type.");
        assert!(found.deprecated);
        let found = extract("Entity.\n\n@deprecated Use {#member entityName} instead");
        assert_eq!(found.text, "Entity.");
        assert_eq!(
            found.note.as_deref(),
            Some("Use {#member entityName} instead")
        );
    }
}
