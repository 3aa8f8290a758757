//! Which required fields decode as a zero value when a response leaves them out.
//!
//! Servers written in Go (govmomi's simulator, and services built like it)
//! encode with `omitempty`: `0`, `false`, `""` and empty collections are
//! left out of responses even where the metamodel declares the field
//! required. Failing the whole response for that loses everything else it
//! carried (an upload session's file list, a deploy result's error), so a
//! missing required field is decoded as its zero when its type has a
//! *natural zero*, one that means the same as what the server left out:
//!
//! | type                                   | natural zero |
//! |----------------------------------------|--------------|
//! | `BOOLEAN`, `LONG`, `DOUBLE`, `STRING`  | `false`, `0`, `0.0`, `""` |
//! | `LIST`, `SET`, `MAP`                   | empty |
//! | `OPTIONAL<T>` (inside a structure)     | `None` |
//! | structure                              | every field its zero, when every *required* field has a natural zero (recursively) |
//! | `ID` (typed or not), `URI`             | none: an empty identifier or address names nothing, and a wrong one must not travel on into the next request |
//! | enumeration (a union tag too)          | none: there is no neutral value |
//! | `BINARY`, `SECRET`, `DATE_TIME`        | none: an empty blob, password or epoch timestamp would pass for real data |
//! | `DYNAMIC_STRUCTURE`, `ANY_ERROR`, `OPAQUE` | none: their shape is only known at run time |
//!
//! A structure that contains itself through required fields has no zero
//! (the recursion would not end); through optional fields and collections
//! it is fine, their zero is empty.
//!
//! A required field with a natural zero gets [`Field::zero_if_missing`]: the
//! generated deserializer decodes a missing member as the zero and reports
//! it through `vsphere_vapi_runtime::de::missing` (a `tracing` warning once
//! per type and field, and `de::omitted_fields()`), so the leniency is
//! visible. Required collections were already lenient; they now report a
//! missing member the same way, while `null` (which Go sends for a nil
//! slice, and which is an explicit value rather than an omission) still
//! decodes as empty silently. Every other missing required field stays a
//! `missing field` decode error. Structures used as the type of such a field
//! get [`Structure::zero`](crate::ir::Structure::zero): they implement `vsphere_vapi_runtime::de::Zero`.
//!
//! Only decoding is affected: requests always carry every required field.
//!
//! In the vSphere 9.1 snapshot (counted by `tests/missing_fields.rs`), 2600
//! required structure fields get zeros (1555 scalars, 719 collections, 326
//! structures; 116 structures implement `Zero`) and 1510 stay strict (625
//! enumerations, 481 identifiers, 187 structures, 119 date-times, 54 URIs,
//! 38 binary or secret, 6 dynamic).

use std::collections::BTreeMap;

use crate::ir::{Builtin, Field, Model, TypeRef};

/// Sets `Field::zero_if_missing` on every structure field and
/// `Structure::zero` on the structures those fields need zeros of.
pub fn decide(model: &mut Model) {
    let mut memo = BTreeMap::new();
    let ids: Vec<String> = model.structures.keys().cloned().collect();
    let mut decisions = Vec::new();
    for id in &ids {
        let structure = &model.structures[id];
        let fields: Vec<bool> = structure
            .fields
            .iter()
            .map(|field| required_with_zero(model, field, &mut memo))
            .collect();
        decisions.push(fields);
    }
    let mut needs_zero = std::collections::BTreeSet::new();
    for (id, fields) in ids.iter().zip(decisions) {
        let structure = model
            .structures
            .get_mut(id)
            .unwrap_or_else(|| unreachable!("ids come from the map"));
        for (field, lenient) in structure.fields.iter_mut().zip(fields) {
            field.zero_if_missing = lenient;
            if lenient && let TypeRef::Structure(target) = &field.ty {
                needs_zero.insert(target.clone());
            }
        }
    }
    for id in needs_zero {
        if let Some(structure) = model.structures.get_mut(&id) {
            structure.zero = true;
        }
    }
}

fn required_with_zero(
    model: &Model,
    field: &Field,
    memo: &mut BTreeMap<String, Option<bool>>,
) -> bool {
    !matches!(field.ty, TypeRef::Optional(_)) && has_zero(model, &field.ty, memo)
}

/// Whether `ty` has a natural zero. `memo` holds finished structures
/// (`Some`) and those being examined (`None`: a cycle, no zero).
fn has_zero(model: &Model, ty: &TypeRef, memo: &mut BTreeMap<String, Option<bool>>) -> bool {
    match ty {
        TypeRef::Builtin(builtin) => matches!(
            builtin,
            Builtin::Boolean | Builtin::Long | Builtin::Double | Builtin::String
        ),
        TypeRef::Optional(_) | TypeRef::List(_) | TypeRef::Set(_) | TypeRef::Map(..) => true,
        TypeRef::Enumeration(_) | TypeRef::Resource(_) | TypeRef::AnyResource => false,
        TypeRef::Structure(id) => {
            match memo.get(id) {
                Some(Some(known)) => return *known,
                Some(None) => return false,
                None => {}
            }
            let Some(structure) = model.structures.get(id) else {
                return false;
            };
            memo.insert(id.clone(), None);
            let zero = structure.fields.iter().all(|field| {
                matches!(field.ty, TypeRef::Optional(_)) || has_zero(model, &field.ty, memo)
            });
            memo.insert(id.clone(), Some(zero));
            zero
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Doc, Owner, RustPath, Structure, StructureKind};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            lifecycle: Default::default(),
            name: name.to_owned(),
            rust_name: name.to_owned(),
            ty,
            doc: Doc::default(),
            resource_types: Vec::new(),
            union_case: None,
            zero_if_missing: false,
            releases: Default::default(),
        }
    }

    fn structure(id: &str, fields: Vec<Field>) -> Structure {
        Structure {
            lifecycle: Default::default(),
            id: id.to_owned(),
            kind: StructureKind::Structure,
            owner: Owner::Package("p".to_owned()),
            doc: Doc::default(),
            path: RustPath::default(),
            fields,
            unions: Vec::new(),
            constants: Vec::new(),
            enumerations: Vec::new(),
            feature: String::new(),
            zero: false,
            releases: Default::default(),
        }
    }

    fn b(builtin: Builtin) -> TypeRef {
        TypeRef::Builtin(builtin)
    }

    fn s(id: &str) -> TypeRef {
        TypeRef::Structure(id.to_owned())
    }

    fn opt(ty: TypeRef) -> TypeRef {
        TypeRef::Optional(Box::new(ty))
    }

    #[test]
    fn per_type_and_through_structures() {
        let mut model = Model::default();
        let add = |model: &mut Model, id: &str, fields: Vec<Field>| {
            model
                .structures
                .insert(id.to_owned(), structure(id, fields));
        };
        add(
            &mut model,
            "leaf",
            vec![
                field("n", b(Builtin::Long)),
                field("id", opt(b(Builtin::Id))),
            ],
        );
        add(
            &mut model,
            "strict_leaf",
            vec![field("state", TypeRef::Enumeration("e".into()))],
        );
        add(&mut model, "cycle", vec![field("next", s("cycle"))]);
        add(
            &mut model,
            "optional_cycle",
            vec![
                field("next", opt(s("optional_cycle"))),
                field("all", TypeRef::List(Box::new(s("optional_cycle")))),
            ],
        );
        add(
            &mut model,
            "top",
            vec![
                field("flag", b(Builtin::Boolean)),
                field("ratio", b(Builtin::Double)),
                field("text", b(Builtin::String)),
                field("id", b(Builtin::Id)),
                field("uri", b(Builtin::Uri)),
                field("blob", b(Builtin::Binary)),
                field("secret", b(Builtin::Secret)),
                field("time", b(Builtin::DateTime)),
                field("dynamic", b(Builtin::DynamicStructure)),
                field("vm", TypeRef::Resource("vm".into())),
                field("any", TypeRef::AnyResource),
                field("strict_list", TypeRef::List(Box::new(b(Builtin::Id)))),
                field("leaf", s("leaf")),
                field("strict", s("strict_leaf")),
                field("cycle", s("cycle")),
                field("optional_cycle", s("optional_cycle")),
                field("maybe", opt(b(Builtin::Long))),
            ],
        );
        decide(&mut model);
        let lenient: Vec<&str> = model.structures["top"]
            .fields
            .iter()
            .filter(|f| f.zero_if_missing)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(
            lenient,
            [
                "flag",
                "ratio",
                "text",
                "strict_list",
                "leaf",
                "optional_cycle"
            ]
        );
        let zero: Vec<&str> = model
            .structures
            .values()
            .filter(|s| s.zero)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(zero, ["leaf", "optional_cycle"]);
        assert!(!model.structures["cycle"].fields[0].zero_if_missing);
    }
}
