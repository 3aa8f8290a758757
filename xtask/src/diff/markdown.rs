//! The change log as Markdown: the full log a reviewer pastes into a release pull request,
//! and the summary (counts and removed services) the snapshots README carries.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::changes::{AddedRemoved, Changes, Deprecation};

/// Lists longer than this are folded into `<details>`.
const FOLD_AFTER: usize = 20;

/// The counts table: one row per kind of element or member.
fn counts(out: &mut String, changes: &Changes) {
    out.push_str("| change | added | removed |\n|---|---|---|\n");
    for (label, list) in lists(changes) {
        let _ = writeln!(
            out,
            "| {label} | {} | {} |",
            list.added.len(),
            list.removed.len()
        );
    }
    out.push('\n');
    let optionality = changes
        .types
        .iter()
        .filter(|change| change.change != "type")
        .count();
    let _ = writeln!(
        out,
        "Changed: {} types of fields, parameters and results ({optionality} of them only \
         optional/required), {} routes, {} elements newly deprecated, {} no longer deprecated.",
        changes.types.len(),
        changes.routes.len(),
        changes.deprecated.len(),
        changes.undeprecated.len()
    );
    out.push('\n');
}

fn lists(changes: &Changes) -> [(&'static str, &AddedRemoved); 7] {
    [
        ("services", &changes.services),
        ("operations", &changes.operations),
        ("structures", &changes.structures),
        ("enumerations", &changes.enumerations),
        ("fields", &changes.fields),
        ("parameters", &changes.parameters),
        ("enumeration values", &changes.enumeration_values),
    ]
}

/// The summary: counts and the removed services, under a `##` heading.
pub fn summary(changes: &Changes, command: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Changes from {} to {}\n", changes.old, changes.new);
    let _ = writeln!(
        out,
        "Elements added and removed from {} to {}, and changes to the elements both have; \
         `{command}` prints the whole change log (`--json` for JSON).",
        changes.old, changes.new
    );
    out.push('\n');
    counts(&mut out, changes);
    let _ = writeln!(
        out,
        "Services of {} that {} no longer has ({}):\n",
        changes.old,
        changes.new,
        changes.services.removed.len()
    );
    let mut operations: BTreeMap<&str, usize> = BTreeMap::new();
    for operation in &changes.operations.removed {
        let service = operation
            .rsplit_once('#')
            .map_or(operation.as_str(), |(s, _)| s);
        *operations.entry(service).or_default() += 1;
    }
    let lines: Vec<String> = changes
        .services
        .removed
        .iter()
        .map(|service| {
            let count = operations.get(service.as_str()).copied().unwrap_or(0);
            let plural = if count == 1 { "" } else { "s" };
            format!("- `{service}` ({count} operation{plural})")
        })
        .collect();
    // Not folded: the README shows the whole list.
    out.push_str(&lines.join("\n"));
    out.push('\n');
    out
}

/// The full change log, under a `##` heading.
pub fn full(changes: &Changes) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## API changes from {} to {}\n",
        changes.old, changes.new
    );
    counts(&mut out, changes);

    for (label, list) in lists(changes) {
        for (verb, entries) in [("removed", &list.removed), ("added", &list.added)] {
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "### {} {verb} ({})\n",
                capitalized(label),
                entries.len()
            );
            match label {
                "operations" | "fields" | "enumeration values" => grouped(&mut out, entries, '#'),
                "parameters" => grouped(&mut out, entries, '('),
                _ => bullets(&mut out, entries),
            }
        }
    }

    if !changes.types.is_empty() {
        let _ = writeln!(out, "### Types changed ({})\n", changes.types.len());
        let rows: Vec<String> = changes
            .types
            .iter()
            .map(|c| {
                format!(
                    "| `{}` | {} | {} | `{}` | `{}` |",
                    c.element, c.kind, c.change, c.old, c.new
                )
            })
            .collect();
        table(
            &mut out,
            "| element | kind | change | old | new |\n|---|---|---|---|---|",
            &rows,
        );
    }
    if !changes.routes.is_empty() {
        let _ = writeln!(out, "### Routes changed ({})\n", changes.routes.len());
        let route = |r: &Option<String>, protocol: &str| match r {
            Some(route) => format!("`{route}`"),
            None if protocol == "api" => "none".to_owned(),
            None => "default convention".to_owned(),
        };
        let rows: Vec<String> = changes
            .routes
            .iter()
            .map(|c| {
                format!(
                    "| `{}` | /{} | {} | {} |",
                    c.operation,
                    c.protocol,
                    route(&c.old, c.protocol),
                    route(&c.new, c.protocol)
                )
            })
            .collect();
        table(
            &mut out,
            "| operation | protocol | old | new |\n|---|---|---|---|",
            &rows,
        );
    }
    for (title, marks) in [
        ("Newly deprecated", &changes.deprecated),
        ("No longer deprecated", &changes.undeprecated),
    ] {
        if marks.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title} ({})\n", marks.len());
        let lines: Vec<String> = marks.iter().map(deprecation).collect();
        folded(&mut out, &lines, lines.len());
    }
    out.trim_end().to_owned() + "\n"
}

fn deprecation(mark: &Deprecation) -> String {
    format!("- `{}` ({})", mark.element, mark.kind)
}

fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// One bullet per entry, in backticks, folded when long.
fn bullets(out: &mut String, entries: &[String]) {
    let lines: Vec<String> = entries.iter().map(|entry| format!("- `{entry}`")).collect();
    folded(out, &lines, entries.len());
}

/// Entries `owner<separator>member...` grouped by owner: one bullet per owner.
fn grouped(out: &mut String, entries: &[String], separator: char) {
    let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for entry in entries {
        let (owner, member) = match separator {
            '(' => entry
                .strip_suffix(')')
                .and_then(|e| e.rsplit_once('('))
                .unwrap_or((entry, "")),
            _ => entry.rsplit_once(separator).unwrap_or((entry, "")),
        };
        owners.entry(owner).or_default().push(member);
    }
    let lines: Vec<String> = owners
        .iter()
        .map(|(owner, members)| {
            let members: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
            format!("- `{owner}`: {}", members.join(", "))
        })
        .collect();
    folded(out, &lines, entries.len());
}

fn table(out: &mut String, header: &str, rows: &[String]) {
    let mut lines = vec![header.to_owned()];
    lines.extend(rows.iter().cloned());
    if rows.len() > FOLD_AFTER {
        let _ = writeln!(out, "<details><summary>{} entries</summary>\n", rows.len());
        out.push_str(&lines.join("\n"));
        out.push_str("\n\n</details>\n\n");
    } else {
        out.push_str(&lines.join("\n"));
        out.push_str("\n\n");
    }
}

fn folded(out: &mut String, lines: &[String], count: usize) {
    if lines.len() > FOLD_AFTER {
        let _ = writeln!(out, "<details><summary>{count} entries</summary>\n");
        out.push_str(&lines.join("\n"));
        out.push_str("\n\n</details>\n\n");
    } else {
        out.push_str(&lines.join("\n"));
        out.push_str("\n\n");
    }
}
