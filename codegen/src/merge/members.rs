//! The merge rules of [`super`] for the contents of one element: fields and
//! parameters, enumeration values and constants (services and operations:
//! `operations`).

use std::collections::{BTreeMap, BTreeSet};

use super::report::{ConflictKind, Definition};
use super::{Gathered, Merger, Versions};
use crate::wire::{
    ConstantInfo, ConstantValue, ElementMap, EnumerationInfo, EnumerationValueInfo, FieldInfo,
    GenericInstantiation, GenericType, Metadata, PrimitiveType, PrimitiveValue, StructureInfo,
    Type, TypeCategory, WireMap,
};

/// Metadata of a field or parameter that decides its Rust type: typed
/// identifiers and unions. A difference is a conflict (rule 4); REST
/// binding annotations show in the route comparison instead.
const TYPE_METADATA: &[&str] = &["Resource", "UnionTag", "UnionCase"];

/// Why rule 3 makes a member optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OptionalBy {
    /// Some release of the owner lacks it.
    Absent,
    /// Some release declares it optional.
    Declared,
}

/// A merged field or parameter: the newest declaration, and whether rule 3
/// asks for it to be optional (not applied yet).
pub(super) struct Member {
    pub(super) info: FieldInfo,
    pub(super) optional_by: Option<OptionalBy>,
}

/// `OPTIONAL<T>` → `T`.
pub(super) fn optional_inner(ty: &Type) -> Option<&Type> {
    let generic = ty.generic_instantiation.as_deref()?;
    (ty.category == TypeCategory::Generic && generic.generic_type == GenericType::Optional)
        .then_some(generic.element_type.as_ref())
        .flatten()
}

pub(super) fn without_optional(ty: &Type) -> &Type {
    optional_inner(ty).unwrap_or(ty)
}

pub(super) fn make_optional(ty: Type) -> Type {
    if optional_inner(&ty).is_some() {
        return ty;
    }
    Type {
        category: TypeCategory::Generic,
        builtin_type: None,
        user_defined_type: None,
        generic_instantiation: Some(Box::new(GenericInstantiation {
            generic_type: GenericType::Optional,
            element_type: Some(ty),
            map_key_type: None,
            map_value_type: None,
        })),
    }
}

/// A wire type as the metamodel names it: `OPTIONAL<LIST<com.vmware.x>>`.
pub(super) fn describe(ty: &Type) -> String {
    let inner = |t: &Option<Type>| t.as_ref().map(describe).unwrap_or_else(|| "?".to_owned());
    match ty.category {
        TypeCategory::Builtin => ty
            .builtin_type
            .as_ref()
            .map(|b| b.as_str().to_owned())
            .unwrap_or_else(|| "BUILTIN?".to_owned()),
        TypeCategory::UserDefined => ty
            .user_defined_type
            .as_ref()
            .map(|u| u.resource_id.clone())
            .unwrap_or_else(|| "USER_DEFINED?".to_owned()),
        _ => match ty.generic_instantiation.as_deref() {
            Some(g) if g.generic_type == GenericType::Map => {
                format!(
                    "MAP<{}, {}>",
                    inner(&g.map_key_type),
                    inner(&g.map_value_type)
                )
            }
            Some(g) => format!("{}<{}>", g.generic_type, inner(&g.element_type)),
            None => ty.category.as_str().to_owned(),
        },
    }
}

/// The type-deciding metadata of a member, for the report.
fn describe_metadata(metadata: &Metadata) -> String {
    let parts: Vec<String> = TYPE_METADATA
        .iter()
        .filter_map(|key| {
            let map = metadata.get(key)?;
            let elements: Vec<String> = map
                .elements
                .iter()
                .map(|(name, _)| format!("{name}={}", map.strings(name).join("|")))
                .collect();
            Some(format!("{key}({})", elements.join(", ")))
        })
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" ")
    }
}

fn type_metadata(metadata: &Metadata) -> Vec<Option<&ElementMap>> {
    TYPE_METADATA.iter().map(|key| metadata.get(key)).collect()
}

impl Merger<'_> {
    /// Groups (release, definition text) pairs, newest first, into the
    /// distinct definitions with their releases (oldest first).
    pub(super) fn definitions(
        &self,
        pairs: impl Iterator<Item = (usize, String)>,
    ) -> Vec<Definition> {
        let mut order: Vec<String> = Vec::new();
        let mut releases: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (release, text) in pairs {
            if !releases.contains_key(&text) {
                order.push(text.clone());
            }
            releases.entry(text).or_default().insert(release);
        }
        order
            .into_iter()
            .map(|text| Definition {
                releases: releases[&text]
                    .iter()
                    .map(|&i| self.releases[i].clone())
                    .collect(),
                text,
            })
            .collect()
    }

    pub(super) fn newest_wins(&self, release: Option<usize>) -> String {
        match release {
            Some(release) => format!(
                "the newest declaration ({}) is used",
                self.releases[release]
            ),
            None => "the newest declaration is used".to_owned(),
        }
    }

    pub(super) fn enumeration(&mut self, versions: &Versions<&EnumerationInfo>) -> EnumerationInfo {
        let newest = versions[0].1;
        let values = Gathered::new(versions.iter().map(|(r, e)| {
            let list: Vec<(&String, &EnumerationValueInfo)> =
                e.values.iter().map(|v| (&v.value, v)).collect();
            (*r, list)
        }));
        let values = values
            .iter()
            .map(|(_, value_versions)| EnumerationValueInfo {
                releases: self.present(value_versions),
                ..value_versions[0].1.clone()
            })
            .collect();
        EnumerationInfo {
            values,
            releases: self.present(versions),
            ..newest.clone()
        }
    }

    pub(super) fn structure(
        &mut self,
        id: &str,
        versions: &Versions<&StructureInfo>,
    ) -> StructureInfo {
        let newest = versions[0].1;
        let kinds: BTreeSet<&str> = versions.iter().map(|(_, s)| s.kind.as_str()).collect();
        if kinds.len() > 1 {
            let definitions =
                self.definitions(versions.iter().map(|(r, s)| (*r, s.kind.to_string())));
            self.report.conflict(
                ConflictKind::StructureKind,
                format!("structure {id}"),
                self.newest_wins(Some(versions[0].0)),
                definitions,
            );
        }
        let owner_releases: Vec<usize> = versions.iter().map(|(r, _)| *r).collect();
        let lists: Versions<&[FieldInfo]> = versions
            .iter()
            .map(|(r, s)| (*r, s.fields.as_slice()))
            .collect();
        let fields = self
            .members(&format!("structure {id}"), "field", &owner_releases, &lists)
            .into_iter()
            .map(|member| self.apply_optional(&format!("structure {id}"), "field", member))
            .collect();
        let constants: Versions<&WireMap<ConstantInfo>> =
            versions.iter().map(|(r, s)| (*r, &s.constants)).collect();
        StructureInfo {
            name: newest.name.clone(),
            kind: newest.kind.clone(),
            enumerations: WireMap::default(),
            constants: self.constants(&format!("structure {id}"), &constants),
            fields,
            metadata: newest.metadata.clone(),
            documentation: newest.documentation.clone(),
            lifecycle: newest.lifecycle,
            releases: self.present(versions),
        }
    }

    /// Applies rule 3 to a merged member and counts it.
    pub(super) fn apply_optional(
        &mut self,
        location: &str,
        what: &str,
        member: Member,
    ) -> FieldInfo {
        let Member {
            mut info,
            optional_by,
        } = member;
        let Some(by) = optional_by else {
            return info;
        };
        let element = format!("{location} {what} {}", info.name);
        match by {
            OptionalBy::Absent => self.report.optional_absent.push(element),
            OptionalBy::Declared => self.report.optional_declared.push(element),
        }
        info.ty = make_optional(info.ty);
        info
    }

    /// Fields or parameters of one owner across its releases
    /// (`owner_releases`): the newest declaration of each (rule 2), type
    /// and metadata conflicts reported (rule 4), rule 3 decided.
    pub(super) fn members(
        &mut self,
        location: &str,
        what: &str,
        owner_releases: &[usize],
        lists: &Versions<&[FieldInfo]>,
    ) -> Vec<Member> {
        let gathered = Gathered::new(lists.iter().map(|(r, fields)| {
            let list: Vec<(&String, &FieldInfo)> = fields.iter().map(|f| (&f.name, f)).collect();
            (*r, list)
        }));
        let mut members = Vec::new();
        for (name, versions) in gathered.iter() {
            let newest = versions[0].1;
            let element = format!("{location} {what} {name}");
            let bases: BTreeSet<String> = versions
                .iter()
                .map(|(_, f)| describe(without_optional(&f.ty)))
                .collect();
            if bases.len() > 1 {
                let definitions =
                    self.definitions(versions.iter().map(|(r, f)| (*r, describe(&f.ty))));
                self.report.conflict(
                    ConflictKind::FieldType,
                    element.clone(),
                    self.newest_wins(Some(versions[0].0)),
                    definitions,
                );
            }
            let metadata: BTreeSet<String> = versions
                .iter()
                .map(|(_, f)| format!("{:?}", type_metadata(&f.metadata)))
                .collect();
            if metadata.len() > 1 {
                let definitions = self.definitions(
                    versions
                        .iter()
                        .map(|(r, f)| (*r, describe_metadata(&f.metadata))),
                );
                self.report.conflict(
                    ConflictKind::FieldMetadata,
                    element.clone(),
                    self.newest_wins(Some(versions[0].0)),
                    definitions,
                );
            }
            let newest_optional = optional_inner(&newest.ty).is_some();
            let optional_by = if newest_optional {
                None
            } else if versions.len() < owner_releases.len() {
                Some(OptionalBy::Absent)
            } else if versions
                .iter()
                .any(|(_, f)| optional_inner(&f.ty).is_some())
            {
                Some(OptionalBy::Declared)
            } else {
                None
            };
            members.push(Member {
                info: FieldInfo {
                    releases: self.present(versions),
                    ..newest.clone()
                },
                optional_by,
            });
        }
        members
    }

    /// Constants by name; another type or value is a conflict (rule 4).
    pub(super) fn constants(
        &mut self,
        location: &str,
        versions: &Versions<&WireMap<ConstantInfo>>,
    ) -> WireMap<ConstantInfo> {
        let gathered = Gathered::new(versions.iter().map(|(r, constants)| {
            let list: Vec<(&String, &ConstantInfo)> =
                constants.0.iter().map(|(name, c)| (name, c)).collect();
            (*r, list)
        }));
        let mut out = Vec::new();
        for (name, constant_versions) in gathered.iter() {
            let texts: Vec<(usize, String)> = constant_versions
                .iter()
                .map(|(r, c)| {
                    (
                        *r,
                        format!("{} {}", describe(&c.ty), constant_text(&c.value)),
                    )
                })
                .collect();
            let distinct: BTreeSet<&String> = texts.iter().map(|(_, t)| t).collect();
            if distinct.len() > 1 {
                let definitions = self.definitions(texts.clone().into_iter());
                self.report.conflict(
                    ConflictKind::Constant,
                    format!("{location} constant {name}"),
                    self.newest_wins(Some(constant_versions[0].0)),
                    definitions,
                );
            }
            out.push((name.clone(), constant_versions[0].1.clone()));
        }
        WireMap(out)
    }
}

/// A constant's value as JSON-like text: `["Import", "Export"]`, `10`.
fn constant_text(value: &ConstantValue) -> String {
    let primitive = |p: &PrimitiveValue| match p.kind {
        PrimitiveType::Boolean => format!("{:?}", p.boolean_value.unwrap_or_default()),
        PrimitiveType::Double => format!("{:?}", p.double_value.unwrap_or_default()),
        PrimitiveType::Long => format!("{}", p.long_value.unwrap_or_default()),
        _ => format!("{:?}", p.string_value.as_deref().unwrap_or_default()),
    };
    match (&value.primitive_value, &value.list_value) {
        (Some(p), _) => primitive(p),
        (None, Some(list)) => {
            let items: Vec<String> = list.iter().map(primitive).collect();
            format!("[{}]", items.join(", "))
        }
        (None, None) => "none".to_owned(),
    }
}
