//! What a merge did: every conflict with the definitions it chose between,
//! the members rule 3 made optional, and how many elements each release
//! has. Rendered as Markdown by [`MergeReport::to_markdown`]; everything is
//! sorted, so the text is deterministic.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::wire::{ComponentData, FieldInfo};

/// What kind of disagreement between releases a [`Conflict`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum ConflictKind {
    /// A field or parameter of another type (optionality aside).
    FieldType,
    /// An operation result of another type (optionality aside).
    OutputType,
    /// Another `/api` or `/rest` route (method, path, dispatch query, or
    /// where a parameter every release has travels).
    Route,
    /// A structure that is an error in some releases only.
    StructureKind,
    /// A constant of another type or value.
    Constant,
    /// An element declared by another owner (package, service, structure;
    /// a package in another component).
    Moved,
    /// Other `Resource`, `UnionTag` or `UnionCase` metadata on a field or
    /// parameter (typed identifiers, unions).
    FieldMetadata,
    /// A parameter rule 3 would make optional, kept required because the
    /// route needs it.
    KeptRequired,
}

impl ConflictKind {
    pub fn title(self) -> &'static str {
        match self {
            ConflictKind::FieldType => "Field and parameter types",
            ConflictKind::OutputType => "Operation results",
            ConflictKind::Route => "Routes",
            ConflictKind::StructureKind => "Structure kinds",
            ConflictKind::Constant => "Constants",
            ConflictKind::Moved => "Owners",
            ConflictKind::FieldMetadata => "Identifier and union metadata",
            ConflictKind::KeptRequired => "Parameters kept required",
        }
    }

    /// Lower-case words for counts: "3 routes".
    fn noun(self) -> &'static str {
        match self {
            ConflictKind::FieldType => "types",
            ConflictKind::OutputType => "results",
            ConflictKind::Route => "routes",
            ConflictKind::StructureKind => "structure kinds",
            ConflictKind::Constant => "constants",
            ConflictKind::Moved => "owners",
            ConflictKind::FieldMetadata => "metadata",
            ConflictKind::KeptRequired => "kept required",
        }
    }
}

/// One definition of a conflicting element and the releases that have it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Definition {
    /// Oldest first; empty for a note that is not any release's.
    pub releases: Vec<String>,
    pub text: String,
}

/// An element that releases declare differently, and how it was settled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// `structure com.vmware.x.info field size`.
    pub element: String,
    /// `the newest declaration (9.1.1.0) is used`.
    pub settled: String,
    /// Every distinct definition, the chosen (newest) one first.
    pub definitions: Vec<Definition>,
}

/// How many elements of one kind the union has, and in which releases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ElementCounts {
    pub total: usize,
    /// In every release.
    pub in_every: usize,
    /// Not in the oldest release (added later).
    pub not_in_oldest: usize,
    /// Not in the newest release (removed).
    pub not_in_newest: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    /// The merged releases, oldest first.
    pub releases: Vec<String>,
    /// Sorted by kind, then element.
    pub conflicts: Vec<Conflict>,
    /// Fields, parameters made optional because a release of their owner
    /// lacks them (rule 3), sorted.
    pub optional_absent: Vec<String>,
    /// Fields, parameters and results made optional because a release
    /// declares them optional (rule 3), sorted.
    pub optional_declared: Vec<String>,
    /// Element kind (`services`, `operations`, …) → counts.
    pub counts: BTreeMap<String, ElementCounts>,
}

impl MergeReport {
    pub(super) fn conflict(
        &mut self,
        kind: ConflictKind,
        element: String,
        settled: String,
        definitions: Vec<Definition>,
    ) {
        self.conflicts.push(Conflict {
            kind,
            element,
            settled,
            definitions,
        });
    }

    /// Adds what another merger of the same releases recorded, before
    /// [`finish`](Self::finish) sorts the lists and counts the elements.
    pub(super) fn absorb(&mut self, other: MergeReport) {
        // Every field named, so a new one cannot be dropped here unnoticed.
        let MergeReport {
            releases: _,
            mut conflicts,
            mut optional_absent,
            mut optional_declared,
            counts: _,
        } = other;
        self.conflicts.append(&mut conflicts);
        self.optional_absent.append(&mut optional_absent);
        self.optional_declared.append(&mut optional_declared);
    }

    /// Sorts everything and counts the union's elements.
    pub(super) fn finish(&mut self, components: &[ComponentData]) {
        self.conflicts.sort();
        self.optional_absent.sort();
        self.optional_declared.sort();
        let mut count = |kind: &str, present: &[String]| {
            let entry = self.counts.entry(kind.to_owned()).or_default();
            entry.total += 1;
            let has = |release: Option<&String>| release.is_some_and(|r| present.contains(r));
            if self.releases.iter().all(|r| present.contains(r)) {
                entry.in_every += 1;
            }
            if !has(self.releases.first()) {
                entry.not_in_oldest += 1;
            }
            if !has(self.releases.last()) {
                entry.not_in_newest += 1;
            }
        };
        let fields = |count: &mut dyn FnMut(&str, &[String]), kind: &str, list: &[FieldInfo]| {
            for field in list {
                count(kind, &field.releases);
            }
        };
        for component in components {
            for package in component.info.packages.values() {
                let structures = package.structures.values().chain(
                    package
                        .services
                        .values()
                        .flat_map(|s| s.structures.values()),
                );
                let mut enumerations: Vec<_> = package
                    .enumerations
                    .values()
                    .chain(
                        package
                            .services
                            .values()
                            .flat_map(|s| s.enumerations.values()),
                    )
                    .collect();
                for structure in structures {
                    count("structures", &structure.releases);
                    fields(&mut count, "fields", &structure.fields);
                    enumerations.extend(structure.enumerations.values());
                }
                for service in package.services.values() {
                    count("services", &service.releases);
                    for operation in service.operations.values() {
                        count("operations", &operation.releases);
                        fields(&mut count, "parameters", &operation.params);
                    }
                }
                for enumeration in enumerations {
                    count("enumerations", &enumeration.releases);
                    for value in &enumeration.values {
                        count("enumeration values", &value.releases);
                    }
                }
            }
        }
    }

    /// Conflicts by kind.
    pub fn conflict_counts(&self) -> BTreeMap<ConflictKind, usize> {
        let mut counts = BTreeMap::new();
        for conflict in &self.conflicts {
            *counts.entry(conflict.kind).or_default() += 1;
        }
        counts
    }

    /// One line for a command's output: `12 conflicts (3 types, 9 routes);
    /// 40 members optional by rule 3`.
    pub fn summary(&self) -> String {
        let kinds: Vec<String> = self
            .conflict_counts()
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.noun()))
            .collect();
        let conflicts = if kinds.is_empty() {
            "no conflicts".to_owned()
        } else {
            format!("{} conflicts ({})", self.conflicts.len(), kinds.join(", "))
        };
        format!(
            "{conflicts}; {} members optional because a release lacks them, {} because a release declares them optional",
            self.optional_absent.len(),
            self.optional_declared.len()
        )
    }

    /// The report as a Markdown document, `header` its first line (an HTML
    /// comment saying what wrote it).
    pub fn to_markdown(&self, header: &str) -> String {
        let mut out = String::new();
        let releases = self.releases.join(", ");
        let (oldest, newest) = match (self.releases.first(), self.releases.last()) {
            (Some(oldest), Some(newest)) => (oldest.as_str(), newest.as_str()),
            _ => ("-", "-"),
        };
        // `write!` into a String cannot fail; results are ignored for that reason.
        let _ = writeln!(out, "{header}");
        let _ = writeln!(out, "# vSphere API releases\n");
        let _ = writeln!(
            out,
            "The crate is generated from the union of the vAPI metamodel snapshots of the \
             releases {releases}. Every service, operation, structure, field, enumeration and \
             enumeration value knows the releases that have it; the docs say when one was \
             added after {oldest} or removed before {newest}, and the client refuses an \
             operation the server's release lacks before sending it.\n"
        );
        out.push_str(
            "How releases are merged (`codegen/src/merge`):\n\n\
             1. Whatever any release declares is in the union.\n\
             2. The newest release that declares an element defines it (docs, metadata, type, \
             owner).\n\
             3. A field or parameter that some release of its owner lacks or declares optional \
             is optional; so is a result some release declares optional. A parameter the route \
             binds to a path variable stays required.\n\
             4. Other differences are conflicts: the newest definition is used, and each is \
             listed below with every definition and the releases that have it.\n\n",
        );
        let _ = writeln!(out, "## Elements\n");
        let _ = writeln!(
            out,
            "| element | in the union | in every release | not in {oldest} | not in {newest} |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for (kind, counts) in &self.counts {
            let _ = writeln!(
                out,
                "| {kind} | {} | {} | {} | {} |",
                counts.total, counts.in_every, counts.not_in_oldest, counts.not_in_newest
            );
        }
        let _ = writeln!(out, "\n## Conflicts\n");
        if self.conflicts.is_empty() {
            out.push_str("None: every element is declared alike by every release that has it.\n");
        } else {
            let _ = writeln!(out, "| kind | count |");
            let _ = writeln!(out, "|---|---:|");
            for (kind, n) in self.conflict_counts() {
                let _ = writeln!(out, "| {} | {n} |", kind.title());
            }
        }
        let mut current = None;
        for conflict in &self.conflicts {
            if current != Some(conflict.kind) {
                current = Some(conflict.kind);
                let _ = writeln!(out, "\n### {}\n", conflict.kind.title());
            }
            let _ = writeln!(out, "- `{}`: {}", conflict.element, conflict.settled);
            for definition in &conflict.definitions {
                if definition.releases.is_empty() {
                    let _ = writeln!(out, "  - {}", definition.text);
                } else {
                    let _ = writeln!(
                        out,
                        "  - {}: `{}`",
                        definition.releases.join(", "),
                        definition.text
                    );
                }
            }
        }
        let _ = writeln!(out, "\n## Optional by rule 3\n");
        for (title, list) in [
            ("lacked by a release of their owner", &self.optional_absent),
            ("declared optional by a release", &self.optional_declared),
        ] {
            let _ = writeln!(out, "{} {title}:\n", list.len());
            if !list.is_empty() {
                let _ = writeln!(out, "<details><summary>the list</summary>\n");
                for element in list {
                    let _ = writeln!(out, "- `{element}`");
                }
                let _ = writeln!(out, "\n</details>\n");
            }
        }
        out
    }
}
