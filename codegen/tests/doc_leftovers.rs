//! The rendered documentation of `generated/` is free of what the
//! metamodel's text carried over from VMware's Javadoc and Python SDKs:
//! markup, Javadoc member references, reStructuredText directives, HTML
//! entities, Python framing ("class", "attribute", "exception", `True`),
//! lifecycle prose and sentences run into each other. Each pattern is
//! counted over the doc comments of every generated file, and any
//! occurrence fails the test with examples.

use std::path::{Path, PathBuf};

use regex::Regex;

struct Leftover {
    name: &'static str,
    pattern: &'static str,
    /// Matches of this pattern around a hit make the hit a domain use.
    allowed: Option<&'static str>,
}

const LEFTOVERS: &[Leftover] = &[
    Leftover {
        name: "Javadoc/IDL markup ({@…}, (@term, @link, @name)",
        pattern: r"[{(]@\w|@(?:link|term|name|code|param)\b",
        allowed: None,
    },
    Leftover {
        name: "{#member …}",
        pattern: r"\{ ?#\w",
        allowed: None,
    },
    Leftover {
        name: "Javadoc member reference Foo#bar",
        pattern: r"(?:^|[^\w/.#-])[A-Za-z_][\w.]*#[A-Za-z_]\w*",
        allowed: None,
    },
    Leftover {
        name: ".. deprecated::",
        pattern: r"\.\. deprecated::",
        allowed: None,
    },
    Leftover {
        name: "HTML entity",
        pattern: r"&(?:[a-z]+|#\d+);",
        allowed: None,
    },
    Leftover {
        name: "\"class\" framing",
        pattern: r"\b(?:[Tt]his|[Tt]he|[Ee]ach) class\b|`\]?(?:\([^)]*\))? class(?:es)?\b|\b[Aa]n? (?:aggregated )?class (?:that|which)\b|\bclass attributes?\b|\b[A-Z][a-z]\w* class (?:provides|contains|defines|describes|represents|encapsulates|specifies|holds|lists)\b",
        allowed: None,
    },
    Leftover {
        name: "\"attribute\" framing",
        pattern: r"\b[Aa]ttributes?\b",
        allowed: Some(
            r"(?i)\b(?:file|windows|extended|ldap|saml|user|group|xml|html|dos|posix|vmx|hardware|device|ovf|certificate|x\.?509|object|schema|directory|filesystem|unix|security) attributes?\b",
        ),
    },
    Leftover {
        name: "\"exception\" framing",
        pattern: r"\b[Ee]xceptions?\b",
        allowed: None,
    },
    Leftover {
        name: "Python True/False",
        pattern: r"\b(?:True|False)\b",
        allowed: None,
    },
    Leftover {
        name: "lifecycle prose (was added in / is deprecated as of)",
        pattern: r"was added in vSphere API|is deprecated as of vSphere API|Deprecated as of vSphere API",
        allowed: None,
    },
    Leftover {
        name: "run-on join (…enabled This attribute …)",
        pattern: r"[a-z0-9)] (?:This|It) (?:\w+ ){0,2}(?:was added|is deprecated)",
        allowed: None,
    },
];

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("generated")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Doc comment text with link destinations and URLs removed (`#` in a
/// rustdoc fragment or a URL is not Javadoc).
fn doc_lines(text: &str, destinations: &Regex) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let line = line.trim_start();
            let doc = line
                .strip_prefix("///")
                .or_else(|| line.strip_prefix("//!"))?;
            Some((index + 1, destinations.replace_all(doc, "").into_owned()))
        })
        .collect()
}

#[test]
fn rendered_docs_have_no_leftovers() {
    let mut files = Vec::new();
    rust_files(&generated_dir(), &mut files);
    assert!(files.len() > 100, "generated/ has {} files", files.len());
    let destinations = Regex::new(r"\]\([^)]*\)|<https?://[^>]*>|\(https?://[^)]*\)").unwrap();
    let compiled: Vec<(Regex, Option<Regex>)> = LEFTOVERS
        .iter()
        .map(|l| {
            (
                Regex::new(l.pattern).unwrap(),
                l.allowed.map(|a| Regex::new(a).unwrap()),
            )
        })
        .collect();
    let mut counts = vec![0usize; LEFTOVERS.len()];
    let mut examples: Vec<Vec<String>> = vec![Vec::new(); LEFTOVERS.len()];
    let mut doc_line_count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in doc_lines(&text, &destinations) {
            doc_line_count += 1;
            for (index, (pattern, allowed)) in compiled.iter().enumerate() {
                let kept: Vec<_> = allowed
                    .as_ref()
                    .map(|a| a.find_iter(&line).map(|m| m.range()).collect())
                    .unwrap_or_default();
                let hits = pattern
                    .find_iter(&line)
                    .filter(|m| {
                        !kept.iter().any(|k: &std::ops::Range<usize>| {
                            k.start <= m.start() && m.end() <= k.end
                        })
                    })
                    .count();
                if hits > 0 {
                    counts[index] += hits;
                    if examples[index].len() < 5 {
                        examples[index].push(format!(
                            "{}:{number}: {}",
                            file.strip_prefix(generated_dir()).unwrap_or(file).display(),
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(doc_line_count > 10_000, "only {doc_line_count} doc lines");
    let mut report = String::new();
    for (index, leftover) in LEFTOVERS.iter().enumerate() {
        if counts[index] > 0 {
            report.push_str(&format!("{} × {}\n", counts[index], leftover.name));
            for example in &examples[index] {
                report.push_str(&format!("    {example}\n"));
            }
        }
    }
    assert!(report.is_empty(), "leftovers in generated docs:\n{report}");
}

#[test]
fn the_patterns_find_what_they_describe() {
    let samples = [
        "The {@name Tools} service",
        "see {#member cpuCount}",
        "is ValueSelectorOperator#IS_IN or",
        ".. deprecated:: vSphere API 9.0.0.0",
        "values are &lt; -1",
        "The `Tools` class provides methods",
        "This attribute is optional",
        "reports an exception",
        "defaults to True",
        "This method was added in vSphere API 7.0.0.0.",
        "is enabled This attribute was added",
    ];
    for (leftover, sample) in LEFTOVERS.iter().zip(samples) {
        let pattern = Regex::new(leftover.pattern).unwrap();
        assert!(
            pattern.is_match(sample),
            "{} misses {sample:?}",
            leftover.name
        );
    }
    let attribute = &LEFTOVERS[6];
    let allowed = Regex::new(attribute.allowed.unwrap()).unwrap();
    assert!(allowed.is_match("the Windows file attributes"));
    // Domain uses of "class" are not framing.
    let class = Regex::new(LEFTOVERS[5].pattern).unwrap();
    assert!(!class.is_match("the VM class of the virtual machine, device classes"));
}
