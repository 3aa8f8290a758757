//! Union tags become enums: decides, for every [`Union`] of every
//! structure, whether it is printed as an enum ([`UnionEnum`]), the enum's
//! name (see `names`, "Union enums"), its variants and its catch-all.
//!
//! # What is converted
//! A tag field whose type is an enumeration (or an optional one) and whose
//! cases name at least one field. A tag whose values carry no fields (eight
//! in vSphere 9.1) stays a plain enumeration field: its enum would only
//! repeat the enumeration. Every other union of the metamodel qualifies.
//!
//! # Variants
//! One per value of the tag enumeration, in its declaration order and with
//! its variant name, carrying exactly the case fields listed for that value
//! (a field listed for several values appears in each of those variants);
//! values without case fields are unit variants. Case values the
//! enumeration does not declare get variants of their own after those.
//!
//! # Case field types
//! Case fields keep their declared type, which is `Option<T>` for every
//! case field of vSphere 9.1. The metamodel has no data saying a case field
//! is required for its case (`UnionCase` only lists tag values; only the
//! documentation prose says "this field is required when..."), so a
//! variant does not claim more than the wire type promises.
//!
//! # Unknown tag values
//! Servers newer than the crate may send tag values it does not know. The
//! enum's catch-all variant (`Unknown`, named like an enumeration catch-all)
//! holds the wire tag as a `String` and the members the crate cannot place
//! as raw JSON, so the value round-trips. The enum matches the tag as a
//! string, so this does not depend on how the tag enumeration represents
//! unknown values (`tag()` converts with the enumeration's `From<&str>`).
//! Members in the catch-all are plain JSON: a `SECRET` case field of an
//! unknown tag value shows in `Debug` output, unlike a typed one.
//!
//! # Nested unions
//! A tag field that is itself a case field of another union of the
//! structure (`esx.settings.clusters.vms.ovf_resource`: `location_type`
//! selects `ssl_certificate_validation`, which selects `certificate`) gets
//! [`UnionEnum::parent`]: its enum is a field of the outer enum's variants.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, RustPath, TypeRef, UnionEnum, UnionVariant};
use crate::names;

/// Fills [`crate::ir::Union::rust`] for every union of `model`.
pub fn lower(model: &mut Model) {
    let mut taken = super::placed_type_names(model);
    // Request builders and argument structures, named before unions.
    let call_types = model.services.values().flat_map(|s| {
        s.operations.iter().flat_map(|op| {
            op.call
                .args
                .iter()
                .chain(op.call.builder.iter().map(|builder| &builder.path))
        })
    });
    for path in call_types {
        taken
            .entry(path.module.clone())
            .or_default()
            .insert(path.name.clone());
    }
    let ids: Vec<String> = model.structures.keys().cloned().collect();
    for id in ids {
        let decided = decide(model, &id, &mut taken);
        if let Some(structure) = model.structures.get_mut(&id) {
            for (union, rust) in structure.unions.iter_mut().zip(decided) {
                union.rust = rust;
            }
        }
    }
}

/// The enums of one structure's unions, in declaration order.
fn decide(
    model: &Model,
    id: &str,
    taken: &mut BTreeMap<Vec<String>, BTreeSet<String>>,
) -> Vec<Option<UnionEnum>> {
    let Some(structure) = model.structures.get(id) else {
        return Vec::new();
    };
    let module_taken = taken.entry(structure.path.module.clone()).or_default();
    let mut decided: Vec<Option<UnionEnum>> = structure
        .unions
        .iter()
        .map(|union| {
            if union.cases.values().all(Vec::is_empty) {
                return None;
            }
            let tag = structure
                .fields
                .iter()
                .find(|field| field.name == union.tag_field)?;
            let (enumeration_id, optional) = match &tag.ty {
                TypeRef::Enumeration(e) => (e, false),
                TypeRef::Optional(inner) => match inner.as_ref() {
                    TypeRef::Enumeration(e) => (e, true),
                    _ => return None,
                },
                _ => return None,
            };
            let enumeration = model.enumerations.get(enumeration_id)?;
            let case_fields = |value: &str| -> Vec<String> {
                let listed = union.cases.get(value);
                structure
                    .fields
                    .iter()
                    .filter(|field| listed.is_some_and(|names| names.contains(&field.name)))
                    .map(|field| field.name.clone())
                    .collect()
            };
            let mut variants: Vec<UnionVariant> = enumeration
                .values
                .iter()
                .map(|value| UnionVariant {
                    wire: value.wire.clone(),
                    rust_name: value.rust_name.clone(),
                    doc: value.doc.clone(),
                    fields: case_fields(&value.wire),
                })
                .collect();
            let declared: BTreeSet<&str> =
                enumeration.values.iter().map(|v| v.wire.as_str()).collect();
            let extra: Vec<&String> = union
                .cases
                .keys()
                .filter(|value| !declared.contains(value.as_str()))
                .collect();
            let mut variant_names: BTreeSet<String> =
                variants.iter().map(|v| v.rust_name.clone()).collect();
            variant_names.insert(names::UNKNOWN_VARIANT.to_owned());
            let candidates: Vec<String> = names::variant_names(extra.iter().map(|v| v.as_str()));
            for (value, rust_name) in
                extra
                    .iter()
                    .zip(names::dedupe(&candidates, &mut variant_names, false))
            {
                variants.push(UnionVariant {
                    wire: (*value).clone(),
                    rust_name,
                    doc: Default::default(),
                    fields: case_fields(value),
                });
            }
            let unknown_variant = names::UNKNOWN_VARIANT.to_owned();
            let preferred = names::union_enum_name(&structure.path.name, &union.tag_field);
            let name = names::union_enum_candidates(&preferred)
                .find(|candidate| {
                    !module_taken.contains(candidate)
                        && !names::RESERVED
                            .shadowing_types
                            .contains(&candidate.as_str())
                })
                .unwrap_or_default();
            module_taken.insert(name.clone());
            Some(UnionEnum {
                path: RustPath {
                    module: structure.path.module.clone(),
                    name,
                },
                tag_enumeration: enumeration_id.clone(),
                optional,
                variants,
                unknown_variant,
                parent: None,
            })
        })
        .collect();
    // Nesting: a converted tag that is a case field of another converted
    // union. Chains that loop back are left flat (none exist).
    let converted: BTreeSet<&str> = structure
        .unions
        .iter()
        .zip(&decided)
        .filter(|(_, rust)| rust.is_some())
        .map(|(union, _)| union.tag_field.as_str())
        .collect();
    let parent_of = |tag: &str| -> Option<String> {
        let field = structure.fields.iter().find(|f| f.name == tag)?;
        let (parent, _) = field.union_case.as_ref()?;
        converted.contains(parent.as_str()).then(|| parent.clone())
    };
    for (union, rust) in structure.unions.iter().zip(decided.iter_mut()) {
        let Some(rust) = rust else { continue };
        let mut seen = BTreeSet::from([union.tag_field.clone()]);
        let mut current = union.tag_field.clone();
        let mut looped = false;
        while let Some(parent) = parent_of(&current) {
            if !seen.insert(parent.clone()) {
                looped = true;
                break;
            }
            current = parent;
        }
        if !looped {
            rust.parent = parent_of(&union.tag_field);
        }
    }
    decided
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::ir::{Doc, EnumValue, Enumeration, Field, Owner, Structure, StructureKind, Union};

    fn path(name: &str) -> RustPath {
        RustPath {
            module: vec!["demo".to_owned()],
            name: name.to_owned(),
        }
    }

    fn field(name: &str, ty: TypeRef, case: Option<(&str, &[&str])>) -> Field {
        Field {
            lifecycle: Default::default(),
            name: name.to_owned(),
            rust_name: names::field_name(name),
            ty,
            doc: Doc::default(),
            resource_types: Vec::new(),
            zero_if_missing: false,
            releases: Default::default(),
            union_case: case.map(|(tag, values)| {
                (
                    tag.to_owned(),
                    values.iter().map(|v| (*v).to_owned()).collect(),
                )
            }),
        }
    }

    fn optional(ty: TypeRef) -> TypeRef {
        TypeRef::Optional(Box::new(ty))
    }

    fn enumeration(id: &str, name: &str, values: &[&str]) -> Enumeration {
        Enumeration {
            lifecycle: Default::default(),
            id: id.to_owned(),
            owner: Owner::Package("demo".to_owned()),
            doc: Doc::default(),
            path: path(name),
            values: values
                .iter()
                .zip(names::variant_names(values.iter().copied()))
                .map(|(v, rust_name)| EnumValue {
                    lifecycle: Default::default(),
                    wire: (*v).to_owned(),
                    rust_name,
                    doc: Doc::default(),
                    releases: Default::default(),
                })
                .collect(),
            unknown_variant: "Unknown".to_owned(),
            feature: String::new(),
            releases: Default::default(),
        }
    }

    fn union(tag: &str, cases: &[(&str, &[&str])]) -> Union {
        Union {
            tag_field: tag.to_owned(),
            cases: cases
                .iter()
                .map(|(value, fields)| {
                    (
                        (*value).to_owned(),
                        fields.iter().map(|f| (*f).to_owned()).collect(),
                    )
                })
                .collect::<BTreeMap<_, _>>(),
            rust: None,
        }
    }

    /// `backing` has a `type` tag (colliding with the enumeration
    /// `BackingType`), a nested optional `state` tag selected by `type`,
    /// and a `mode` tag without case fields.
    fn model() -> Model {
        let mut model = Model::default();
        let kind = TypeRef::Enumeration("demo.kind".to_owned());
        let state = TypeRef::Enumeration("demo.state".to_owned());
        let mode = TypeRef::Enumeration("demo.mode".to_owned());
        for e in [
            enumeration("demo.kind", "BackingType", &["FILE", "HOST", "UNKNOWN"]),
            enumeration("demo.state", "State", &["ON", "OFF"]),
            enumeration("demo.mode", "Mode", &["A", "B"]),
        ] {
            model.enumerations.insert(e.id.clone(), e);
        }
        let fields = vec![
            field("type", kind, None),
            field(
                "file",
                optional(TypeRef::Builtin(crate::ir::Builtin::String)),
                Some(("type", &["FILE"])),
            ),
            field("state", optional(state), Some(("type", &["HOST"]))),
            field(
                "detail",
                optional(TypeRef::Builtin(crate::ir::Builtin::Long)),
                Some(("state", &["ON"])),
            ),
            field("mode", mode, None),
        ];
        model.structures.insert(
            "demo.backing".to_owned(),
            Structure {
                lifecycle: Default::default(),
                id: "demo.backing".to_owned(),
                kind: StructureKind::Structure,
                owner: Owner::Package("demo".to_owned()),
                doc: Doc::default(),
                path: path("Backing"),
                fields,
                unions: vec![
                    union("type", &[("FILE", &["file"]), ("HOST", &["state"])]),
                    union("state", &[("ON", &["detail"])]),
                    union("mode", &[]),
                ],
                constants: Vec::new(),
                enumerations: Vec::new(),
                feature: String::new(),
                zero: false,
                releases: Default::default(),
            },
        );
        model
    }

    #[test]
    fn unions_get_names_variants_and_nesting() {
        let mut model = model();
        lower(&mut model);
        let unions = &model.structures["demo.backing"].unions;
        let kind = unions[0].rust.as_ref().expect("`type` is converted");
        // `BackingType` is the enumeration: the union enum takes `Union`.
        assert_eq!(kind.path.name, "BackingTypeUnion");
        assert!(!kind.optional);
        let variants: Vec<(&str, &[String])> = kind
            .variants
            .iter()
            .map(|v| (v.rust_name.as_str(), v.fields.as_slice()))
            .collect();
        assert_eq!(
            variants,
            [
                ("File", &["file".to_owned()][..]),
                ("Host", &["state".to_owned()][..]),
                ("UnknownValue", &[][..]),
            ]
        );
        // The catch-all is always `Unknown`; the real `UNKNOWN` is `UnknownValue`.
        assert_eq!(kind.unknown_variant, "Unknown");
        assert_eq!(kind.parent, None);

        let state = unions[1].rust.as_ref().expect("`state` is converted");
        assert_eq!(state.path.name, "BackingState");
        assert!(state.optional);
        assert_eq!(state.parent.as_deref(), Some("type"));
        // A tag without case fields stays a plain enumeration field.
        assert_eq!(unions[2].rust, None);
    }
}
