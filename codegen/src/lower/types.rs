//! Type references and constant values: wire form → IR, checked against the
//! model.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Problem;
use crate::ir::{Builtin, ConstantValue, Owner, TypeRef};
use crate::wire::{
    self, BuiltinType, ConstantCategory, ElementValue, ElementValueType, GenericType,
    PrimitiveType, TypeCategory,
};

pub const STRUCTURE_RESOURCE: &str = "com.vmware.vapi.structure";
pub const ENUMERATION_RESOURCE: &str = "com.vmware.vapi.enumeration";

/// Output metadata of an `op$task` operation naming the type of the task's
/// result. The metamodel has no place for it; snapshots reconstructed from
/// the Python bindings carry it as an extension (`metamodel-snapshots/README.md`,
/// "Task results"), live dumps do not.
pub const TASK_RESULT: &str = "TaskResult";

/// The type a `TaskResult` element map stands for, in wire form: exactly one
/// of `builtin` (STRING), `structure` (STRUCTURE_REFERENCE) or `enumeration`
/// (STRING), wrapped in the generic types of `generic` (STRING_LIST,
/// outermost first; `OPTIONAL`, `LIST` or `SET`). `Err` says what is wrong.
pub fn task_result_type(map: &wire::ElementMap) -> Result<wire::Type, String> {
    let mut leaf: Option<(&str, wire::Type)> = None;
    let mut generics: &[String] = &[];
    for (name, value) in map.elements.iter() {
        let ty = match name {
            "generic" => {
                generics = element_payload(name, value, ElementValueType::StringList)?
                    .list_value
                    .as_deref()
                    .ok_or_else(|| format!("element `{name}` without `list_value`"))?;
                continue;
            }
            "builtin" => wire::Type {
                category: TypeCategory::Builtin,
                builtin_type: Some(BuiltinType::from(string_payload(name, value)?.to_owned())),
                user_defined_type: None,
                generic_instantiation: None,
            },
            "structure" => {
                let id = element_payload(name, value, ElementValueType::StructureReference)?
                    .structure_id
                    .as_deref()
                    .ok_or_else(|| format!("element `{name}` without `structure_id`"))?;
                user_defined(STRUCTURE_RESOURCE, id)
            }
            "enumeration" => user_defined(ENUMERATION_RESOURCE, string_payload(name, value)?),
            other => return Err(format!("unknown element `{other}`")),
        };
        if let Some((first, _)) = leaf {
            return Err(format!(
                "both `{first}` and `{name}`; a result has one type"
            ));
        }
        leaf = Some((name, ty));
    }
    let (_, mut ty) = leaf
        .ok_or_else(|| "none of the elements `builtin`, `structure`, `enumeration`".to_owned())?;
    for generic in generics.iter().rev() {
        let generic_type = match GenericType::from(generic.clone()) {
            GenericType::Map | GenericType::Unknown(_) => {
                return Err(format!(
                    "generic type `{generic}` in `generic` (expected OPTIONAL, LIST or SET)"
                ));
            }
            known => known,
        };
        ty = wire::Type {
            category: TypeCategory::Generic,
            builtin_type: None,
            user_defined_type: None,
            generic_instantiation: Some(Box::new(wire::GenericInstantiation {
                generic_type,
                element_type: Some(ty),
                map_key_type: None,
                map_value_type: None,
            })),
        };
    }
    Ok(ty)
}

fn element_payload<'v>(
    name: &str,
    value: &'v ElementValue,
    expected: ElementValueType,
) -> Result<&'v ElementValue, String> {
    if value.kind == expected {
        Ok(value)
    } else {
        Err(format!(
            "element `{name}` is a {}, expected {expected}",
            value.kind
        ))
    }
}

fn string_payload<'v>(name: &str, value: &'v ElementValue) -> Result<&'v str, String> {
    element_payload(name, value, ElementValueType::String)?
        .string_value
        .as_deref()
        .ok_or_else(|| format!("element `{name}` without `string_value`"))
}

fn user_defined(resource_type: &str, id: &str) -> wire::Type {
    wire::Type {
        category: TypeCategory::UserDefined,
        builtin_type: None,
        user_defined_type: Some(wire::UserDefinedType {
            resource_type: resource_type.to_owned(),
            resource_id: id.to_owned(),
        }),
        generic_instantiation: None,
    }
}

/// The identifiers type references may point at, from one element's view.
pub struct Known<'a> {
    pub structures: &'a BTreeSet<String>,
    pub enumerations: &'a BTreeSet<String>,
    /// Identifiers declared more than once: id → (model key, owner).
    pub ambiguous_structures: &'a BTreeMap<String, Vec<(String, Owner)>>,
    pub ambiguous_enumerations: &'a BTreeMap<String, Vec<(String, Owner)>>,
    /// The referencing element's enclosing scopes, innermost first: a
    /// reference to an identifier declared more than once means the
    /// declaration owned by the innermost of them (else the first one).
    pub scope: &'a [Owner],
}

fn pick(id: &str, ambiguous: &BTreeMap<String, Vec<(String, Owner)>>, scope: &[Owner]) -> String {
    let Some(declarations) = ambiguous.get(id) else {
        return id.to_owned();
    };
    scope
        .iter()
        .find_map(|s| declarations.iter().find(|(_, owner)| owner == s))
        .map_or_else(|| id.to_owned(), |(key, _)| key.clone())
}

/// Resolves a wire type; `Err` says what is wrong (the caller adds where).
pub fn resolve(ty: &wire::Type, known: &Known<'_>) -> Result<TypeRef, String> {
    match &ty.category {
        TypeCategory::Builtin => {
            let builtin = ty
                .builtin_type
                .as_ref()
                .ok_or_else(|| "BUILTIN type without `builtin_type`".to_owned())?;
            Ok(TypeRef::Builtin(builtin_of(builtin)?))
        }
        TypeCategory::UserDefined => {
            let user = ty
                .user_defined_type
                .as_ref()
                .ok_or_else(|| "USER_DEFINED type without `user_defined_type`".to_owned())?;
            let id = &user.resource_id;
            match user.resource_type.as_str() {
                STRUCTURE_RESOURCE if known.structures.contains(id) => Ok(TypeRef::Structure(
                    pick(id, known.ambiguous_structures, known.scope),
                )),
                ENUMERATION_RESOURCE if known.enumerations.contains(id) => Ok(
                    TypeRef::Enumeration(pick(id, known.ambiguous_enumerations, known.scope)),
                ),
                STRUCTURE_RESOURCE => Err(format!("unknown type {id} (no such structure)")),
                ENUMERATION_RESOURCE => Err(format!("unknown type {id} (no such enumeration)")),
                other => Err(format!("type {id} has unsupported resource type `{other}`")),
            }
        }
        TypeCategory::Generic => {
            let generic = ty
                .generic_instantiation
                .as_deref()
                .ok_or_else(|| "GENERIC type without `generic_instantiation`".to_owned())?;
            let element = || -> Result<Box<TypeRef>, String> {
                let element = generic
                    .element_type
                    .as_ref()
                    .ok_or_else(|| format!("{} without `element_type`", generic.generic_type))?;
                Ok(Box::new(resolve(element, known)?))
            };
            match &generic.generic_type {
                GenericType::Optional => Ok(TypeRef::Optional(element()?)),
                GenericType::List => Ok(TypeRef::List(element()?)),
                GenericType::Set => Ok(TypeRef::Set(element()?)),
                GenericType::Map => {
                    let key = generic
                        .map_key_type
                        .as_ref()
                        .ok_or_else(|| "MAP without `map_key_type`".to_owned())?;
                    let value = generic
                        .map_value_type
                        .as_ref()
                        .ok_or_else(|| "MAP without `map_value_type`".to_owned())?;
                    Ok(TypeRef::Map(
                        Box::new(resolve(key, known)?),
                        Box::new(resolve(value, known)?),
                    ))
                }
                GenericType::Unknown(other) => Err(format!("unknown generic type `{other}`")),
            }
        }
        TypeCategory::Unknown(other) => Err(format!("unknown type category `{other}`")),
    }
}

fn builtin_of(builtin: &BuiltinType) -> Result<Builtin, String> {
    Ok(match builtin {
        BuiltinType::Void => Builtin::Void,
        BuiltinType::Boolean => Builtin::Boolean,
        BuiltinType::Long => Builtin::Long,
        BuiltinType::Double => Builtin::Double,
        BuiltinType::String => Builtin::String,
        BuiltinType::Binary => Builtin::Binary,
        BuiltinType::Secret => Builtin::Secret,
        BuiltinType::DateTime => Builtin::DateTime,
        BuiltinType::Id => Builtin::Id,
        BuiltinType::Uri => Builtin::Uri,
        BuiltinType::AnyError => Builtin::AnyError,
        BuiltinType::DynamicStructure => Builtin::DynamicStructure,
        BuiltinType::Opaque => Builtin::Opaque,
        BuiltinType::Unknown(other) => return Err(format!("unknown builtin type `{other}`")),
    })
}

/// Compact text of a type for messages: `OPTIONAL<LIST<com.vmware.x.info>>`.
pub fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Builtin(builtin) => builtin_name(*builtin).to_owned(),
        TypeRef::Structure(id) | TypeRef::Enumeration(id) => id.clone(),
        TypeRef::Resource(key) => format!("ID<{key}>"),
        TypeRef::AnyResource => "ID<*>".to_owned(),
        TypeRef::Optional(inner) => format!("OPTIONAL<{}>", describe(inner)),
        TypeRef::List(inner) => format!("LIST<{}>", describe(inner)),
        TypeRef::Set(inner) => format!("SET<{}>", describe(inner)),
        TypeRef::Map(key, value) => format!("MAP<{}, {}>", describe(key), describe(value)),
    }
}

/// The metamodel's name of a builtin type (`DATE_TIME`).
fn builtin_name(builtin: Builtin) -> &'static str {
    match builtin {
        Builtin::Void => "VOID",
        Builtin::Boolean => "BOOLEAN",
        Builtin::Long => "LONG",
        Builtin::Double => "DOUBLE",
        Builtin::String => "STRING",
        Builtin::Binary => "BINARY",
        Builtin::Secret => "SECRET",
        Builtin::DateTime => "DATE_TIME",
        Builtin::Id => "ID",
        Builtin::Uri => "URI",
        Builtin::AnyError => "ANY_ERROR",
        Builtin::DynamicStructure => "DYNAMIC_STRUCTURE",
        Builtin::Opaque => "OPAQUE",
    }
}

/// Every structure and enumeration a type mentions.
pub fn referenced_ids<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Builtin(_) | TypeRef::Resource(_) | TypeRef::AnyResource => {}
        TypeRef::Structure(id) | TypeRef::Enumeration(id) => out.push(id),
        TypeRef::Optional(inner) | TypeRef::List(inner) | TypeRef::Set(inner) => {
            referenced_ids(inner, out)
        }
        TypeRef::Map(key, value) => {
            referenced_ids(key, out);
            referenced_ids(value, out);
        }
    }
}

/// A constant's value, checked against its primitive types.
pub fn constant_value(value: &wire::ConstantValue) -> Result<ConstantValue, String> {
    match &value.category {
        ConstantCategory::Primitive => {
            let primitive = value
                .primitive_value
                .as_ref()
                .ok_or_else(|| "PRIMITIVE constant without `primitive_value`".to_owned())?;
            primitive_value(primitive)
        }
        ConstantCategory::List => {
            let list = value
                .list_value
                .as_ref()
                .ok_or_else(|| "LIST constant without `list_value`".to_owned())?;
            Ok(ConstantValue::List(
                list.iter().map(primitive_value).collect::<Result<_, _>>()?,
            ))
        }
        ConstantCategory::Unknown(other) => Err(format!("unknown constant category `{other}`")),
    }
}

fn primitive_value(value: &wire::PrimitiveValue) -> Result<ConstantValue, String> {
    let missing = |field: &str| format!("{} constant without `{field}`", value.kind);
    Ok(match &value.kind {
        PrimitiveType::Boolean => ConstantValue::Boolean(
            value
                .boolean_value
                .ok_or_else(|| missing("boolean_value"))?,
        ),
        PrimitiveType::Long => {
            ConstantValue::Long(value.long_value.ok_or_else(|| missing("long_value"))?)
        }
        PrimitiveType::Double => {
            ConstantValue::Double(value.double_value.ok_or_else(|| missing("double_value"))?)
        }
        PrimitiveType::String => ConstantValue::String(
            value
                .string_value
                .clone()
                .ok_or_else(|| missing("string_value"))?,
        ),
        PrimitiveType::Unknown(other) => return Err(format!("unknown primitive type `{other}`")),
    })
}

/// Records a failed resolution as a problem at `location`.
pub fn resolve_or_record(
    ty: &wire::Type,
    known: &Known<'_>,
    location: impl FnOnce() -> String,
    problems: &mut Vec<Problem>,
) -> TypeRef {
    resolve(ty, known).unwrap_or_else(|message| {
        problems.push(Problem::new(location(), message));
        TypeRef::Builtin(Builtin::Opaque)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element_map(json: serde_json::Value) -> wire::ElementMap {
        serde_json::from_value(serde_json::json!({ "elements": json })).unwrap()
    }

    fn string(value: &str) -> serde_json::Value {
        serde_json::json!({"type": "STRING", "string_value": value})
    }

    #[test]
    fn task_result_builds_the_wrapped_wire_type() {
        let map = element_map(serde_json::json!([
            {"key": "generic", "value": {"type": "STRING_LIST", "list_value": ["SET", "OPTIONAL"]}},
            {"key": "enumeration", "value": string("com.vmware.x.kind")}
        ]));
        let ty = task_result_type(&map).unwrap();
        let outer = ty.generic_instantiation.as_deref().unwrap();
        assert_eq!(outer.generic_type, GenericType::Set);
        let inner = outer.element_type.as_ref().unwrap();
        let inner = inner.generic_instantiation.as_deref().unwrap();
        assert_eq!(inner.generic_type, GenericType::Optional);
        let leaf = inner.element_type.as_ref().unwrap();
        assert_eq!(leaf.category, TypeCategory::UserDefined);
        let user = leaf.user_defined_type.as_ref().unwrap();
        assert_eq!(
            (user.resource_type.as_str(), user.resource_id.as_str()),
            (ENUMERATION_RESOURCE, "com.vmware.x.kind")
        );
    }

    #[test]
    fn malformed_task_results_say_what_is_wrong() {
        let cases = [
            (
                serde_json::json!([
                    {"key": "builtin", "value": string("VOID")},
                    {"key": "enumeration", "value": string("com.vmware.x.kind")}
                ]),
                "both `builtin` and `enumeration`; a result has one type",
            ),
            (
                serde_json::json!([
                    {"key": "builtin", "value": string("STRING")},
                    {"key": "generic", "value": {"type": "STRING_LIST", "list_value": ["MAP"]}}
                ]),
                "generic type `MAP` in `generic` (expected OPTIONAL, LIST or SET)",
            ),
            (
                serde_json::json!([{"key": "type", "value": string("VOID")}]),
                "unknown element `type`",
            ),
            (
                serde_json::json!([
                    {"key": "builtin", "value": string("VOID")},
                    {"key": "generic", "value": string("LIST")}
                ]),
                "element `generic` is a STRING, expected STRING_LIST",
            ),
            (
                serde_json::json!([{"key": "builtin", "value": {"type": "STRING"}}]),
                "element `builtin` without `string_value`",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(task_result_type(&element_map(json)).unwrap_err(), expected);
        }
    }

    #[test]
    fn describe_uses_metamodel_names() {
        let ty = TypeRef::Optional(Box::new(TypeRef::Map(
            Box::new(TypeRef::Builtin(Builtin::DateTime)),
            Box::new(TypeRef::List(Box::new(TypeRef::Structure(
                "com.vmware.x.info".to_owned(),
            )))),
        )));
        assert_eq!(
            describe(&ty),
            "OPTIONAL<MAP<DATE_TIME, LIST<com.vmware.x.info>>>"
        );
    }
}
