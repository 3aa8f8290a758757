//! Serde model of the vAPI metamodel JSON.
//!
//! One snapshot file holds what
//! `GET /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}` returns:
//! `{"value": ComponentData}`. Type and field names follow
//! `com.vmware.vapi.metadata.metamodel` exactly (`ComponentInfo`,
//! `PackageInfo`, `ServiceInfo`, ...), in the vAPI `/rest` JSON encoding:
//!
//! - maps are lists of `{"key": k, "value": v}` ([`WireMap`]); a plain JSON
//!   object is accepted too, as other vAPI JSON encodings use it;
//! - enumerations are their string values; values this crate does not know
//!   are kept (`Unknown(String)`) so a newer server's metamodel still parses,
//!   and the IR builder decides whether it can use them;
//! - unset optional fields are omitted; unknown fields are ignored.
//!
//! Leniency: the structural fields every element needs (names, types,
//! categories, identifiers) are required, so a truncated or malformed file
//! fails with a located error. Collections, documentation and metadata
//! default to empty when absent: a missing list carries no information the
//! builder could get wrong.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The envelope of one snapshot file: `{"value": ComponentData}`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ComponentEnvelope {
    pub value: ComponentData,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ComponentData {
    pub info: ComponentInfo,
    #[serde(default)]
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ComponentInfo {
    /// Dot-separated component name: `com.vmware.vcenter`.
    pub name: String,
    #[serde(default)]
    pub packages: WireMap<PackageInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct PackageInfo {
    pub name: String,
    #[serde(default)]
    pub structures: WireMap<StructureInfo>,
    #[serde(default)]
    pub enumerations: WireMap<EnumerationInfo>,
    #[serde(default)]
    pub services: WireMap<ServiceInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ServiceInfo {
    pub name: String,
    #[serde(default)]
    pub operations: WireMap<OperationInfo>,
    #[serde(default)]
    pub structures: WireMap<StructureInfo>,
    #[serde(default)]
    pub enumerations: WireMap<EnumerationInfo>,
    #[serde(default)]
    pub constants: WireMap<ConstantInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct OperationInfo {
    pub name: String,
    #[serde(default)]
    pub params: Vec<FieldInfo>,
    pub output: OperationResultInfo,
    #[serde(default)]
    pub errors: Vec<ErrorInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct OperationResultInfo {
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ErrorInfo {
    pub structure_id: String,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct FieldInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct StructureInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: StructureType,
    #[serde(default)]
    pub enumerations: WireMap<EnumerationInfo>,
    #[serde(default)]
    pub constants: WireMap<ConstantInfo>,
    #[serde(default)]
    pub fields: Vec<FieldInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct EnumerationInfo {
    pub name: String,
    #[serde(default)]
    pub values: Vec<EnumerationValueInfo>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct EnumerationValueInfo {
    pub value: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
    /// Not part of the JSON: the releases (oldest first) of the snapshots
    /// that declare this element, set when `merge` unites several
    /// snapshots; empty for a single snapshot read as is.
    #[serde(skip)]
    pub releases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ConstantInfo {
    #[serde(rename = "type")]
    pub ty: Type,
    pub value: ConstantValue,
    #[serde(default)]
    pub documentation: String,
    #[serde(default)]
    pub lifecycle: Option<LifecycleInfo>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ConstantValue {
    pub category: ConstantCategory,
    #[serde(default)]
    pub primitive_value: Option<PrimitiveValue>,
    #[serde(default)]
    pub list_value: Option<Vec<PrimitiveValue>>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct PrimitiveValue {
    #[serde(rename = "type")]
    pub kind: PrimitiveType,
    #[serde(default)]
    pub boolean_value: Option<bool>,
    #[serde(default)]
    pub double_value: Option<f64>,
    #[serde(default)]
    pub long_value: Option<i64>,
    #[serde(default)]
    pub string_value: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub struct LifecycleInfo {
    #[serde(default)]
    pub deprecated: bool,
}

/// Metadata of an element: annotation name → its elements.
pub type Metadata = WireMap<ElementMap>;

#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
pub struct ElementMap {
    #[serde(default)]
    pub elements: WireMap<ElementValue>,
}

impl ElementMap {
    /// The element's value as one string: a `STRING` value, or the single
    /// entry of a one-element `STRING_LIST`.
    pub fn string(&self, element: &str) -> Option<&str> {
        let value = self.elements.get(element)?;
        match (&value.string_value, &value.list_value) {
            (Some(s), _) => Some(s),
            (None, Some(list)) if list.len() == 1 => Some(&list[0]),
            _ => None,
        }
    }

    /// The element's value as a list of strings: a `STRING_LIST` value, or
    /// a `STRING` value as a one-element list. Empty when absent.
    pub fn strings(&self, element: &str) -> Vec<&str> {
        let Some(value) = self.elements.get(element) else {
            return Vec::new();
        };
        match (&value.list_value, &value.string_value) {
            (Some(list), _) => list.iter().map(String::as_str).collect(),
            (None, Some(s)) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ElementValue {
    #[serde(rename = "type")]
    pub kind: ElementValueType,
    #[serde(default)]
    pub long_value: Option<i64>,
    #[serde(default)]
    pub string_value: Option<String>,
    #[serde(default)]
    pub list_value: Option<Vec<String>>,
    #[serde(default)]
    pub structure_id: Option<String>,
    #[serde(default)]
    pub structure_ids: Option<Vec<String>>,
}

/// A type reference as the metamodel spells it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Type {
    pub category: TypeCategory,
    #[serde(default)]
    pub builtin_type: Option<BuiltinType>,
    #[serde(default)]
    pub user_defined_type: Option<UserDefinedType>,
    #[serde(default)]
    pub generic_instantiation: Option<Box<GenericInstantiation>>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct UserDefinedType {
    /// `com.vmware.vapi.structure` or `com.vmware.vapi.enumeration`.
    pub resource_type: String,
    pub resource_id: String,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct GenericInstantiation {
    pub generic_type: GenericType,
    #[serde(default)]
    pub element_type: Option<Type>,
    #[serde(default)]
    pub map_key_type: Option<Type>,
    #[serde(default)]
    pub map_value_type: Option<Type>,
}

/// Declares a metamodel enumeration: known values plus `Unknown(String)`
/// for values a newer server may send.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
        #[serde(from = "String")]
        pub enum $name {
            $($variant,)*
            /// A value this crate does not know, kept verbatim.
            Unknown(String),
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => $name::$variant,)*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(value) => value,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// `Type.Category`.
    TypeCategory {
        Builtin = "BUILTIN",
        UserDefined = "USER_DEFINED",
        Generic = "GENERIC",
    }
);

wire_enum!(
    /// `Type.BuiltinType`.
    BuiltinType {
        Void = "VOID",
        Boolean = "BOOLEAN",
        Long = "LONG",
        Double = "DOUBLE",
        String = "STRING",
        Binary = "BINARY",
        Secret = "SECRET",
        DateTime = "DATE_TIME",
        Id = "ID",
        Uri = "URI",
        AnyError = "ANY_ERROR",
        DynamicStructure = "DYNAMIC_STRUCTURE",
        Opaque = "OPAQUE",
    }
);

wire_enum!(
    /// `GenericInstantiation.GenericType`.
    GenericType {
        List = "LIST",
        Map = "MAP",
        Optional = "OPTIONAL",
        Set = "SET",
    }
);

wire_enum!(
    /// `StructureInfo.Type`.
    StructureType {
        Structure = "STRUCTURE",
        Error = "ERROR",
    }
);

wire_enum!(
    /// `ElementValue.Type`.
    ElementValueType {
        Long = "LONG",
        String = "STRING",
        StringList = "STRING_LIST",
        StructureReference = "STRUCTURE_REFERENCE",
        StructureReferenceList = "STRUCTURE_REFERENCE_LIST",
    }
);

wire_enum!(
    /// `ConstantValue.Category`.
    ConstantCategory {
        Primitive = "PRIMITIVE",
        List = "LIST",
    }
);

wire_enum!(
    /// `PrimitiveValue.Type`.
    PrimitiveType {
        Boolean = "BOOLEAN",
        Double = "DOUBLE",
        Long = "LONG",
        String = "STRING",
    }
);

/// A vAPI map in declaration order.
///
/// Deserializes from the `/rest` list form `[{"key": k, "value": v}, ...]`
/// or from a JSON object. A key that appears twice is an error: the
/// metamodel keys maps by identifier, so a repeated key means two elements
/// claim one identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct WireMap<V>(pub Vec<(String, V)>);

impl<V> Default for WireMap<V> {
    fn default() -> Self {
        WireMap(Vec::new())
    }
}

impl<V> WireMap<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V> FromIterator<(String, V)> for WireMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        WireMap(iter.into_iter().collect())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for WireMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WireMapVisitor(PhantomData))
    }
}

struct WireMapVisitor<V>(PhantomData<V>);

/// Entries in declaration order, and their indices sorted by key: the
/// duplicate check is a binary search (a linear scan was quadratic in the
/// few-hundred-entry maps of the large components, a tenth of parsing).
struct Entries<V> {
    entries: Vec<(String, V)>,
    by_key: Vec<usize>,
}

impl<V> Entries<V> {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            by_key: Vec::with_capacity(capacity),
        }
    }

    fn push<E: de::Error>(&mut self, key: String, value: V) -> Result<(), E> {
        let entries = &self.entries;
        match self
            .by_key
            .binary_search_by(|&index| entries[index].0.as_str().cmp(&key))
        {
            Ok(_) => Err(E::custom(format!("duplicate map key `{key}`"))),
            Err(position) => {
                self.by_key.insert(position, self.entries.len());
                self.entries.push((key, value));
                Ok(())
            }
        }
    }
}

impl<'de, V: Deserialize<'de>> Visitor<'de> for WireMapVisitor<V> {
    type Value = WireMap<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of {\"key\", \"value\"} entries or a JSON object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Entries::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(entry) = seq.next_element::<MapEntry<V>>()? {
            entries.push(entry.key, entry.value)?;
        }
        Ok(WireMap(entries.entries))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Entries::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((key, value)) = map.next_entry::<String, V>()? {
            entries.push(key, value)?;
        }
        Ok(WireMap(entries.entries))
    }
}

#[derive(serde::Deserialize)]
struct MapEntry<V> {
    key: String,
    value: V,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_map_accepts_list_and_object_forms() {
        let list: WireMap<i64> =
            serde_json::from_str(r#"[{"key":"b","value":2},{"key":"a","value":1}]"#).unwrap();
        assert_eq!(list.0, vec![("b".to_owned(), 2), ("a".to_owned(), 1)]);
        let object: WireMap<i64> = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!(object, list);
    }

    #[test]
    fn wire_map_rejects_duplicate_keys() {
        let err = serde_json::from_str::<WireMap<i64>>(
            r#"[{"key":"a","value":1},{"key":"a","value":2}]"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("duplicate map key `a`"), "{err}");
    }

    #[test]
    fn large_wire_maps_keep_declaration_order_and_find_late_duplicates() {
        let entries: Vec<String> = (0..300)
            .rev()
            .map(|i| format!(r#"{{"key":"k{i:03}","value":{i}}}"#))
            .collect();
        let map: WireMap<i64> = serde_json::from_str(&format!("[{}]", entries.join(","))).unwrap();
        assert_eq!(map.len(), 300);
        assert_eq!(map.0[0], ("k299".to_owned(), 299));
        assert_eq!(map.0[299], ("k000".to_owned(), 0));

        let mut with_duplicate = entries.clone();
        with_duplicate.push(r#"{"key":"k150","value":-1}"#.to_owned());
        let err = serde_json::from_str::<WireMap<i64>>(&format!("[{}]", with_duplicate.join(",")))
            .unwrap_err();
        assert!(
            err.to_string().contains("duplicate map key `k150`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let ty: BuiltinType = serde_json::from_str(r#""QUANTUM""#).unwrap();
        assert_eq!(ty, BuiltinType::Unknown("QUANTUM".to_owned()));
        assert_eq!(ty.as_str(), "QUANTUM");
        let ty: BuiltinType = serde_json::from_str(r#""DATE_TIME""#).unwrap();
        assert_eq!(ty, BuiltinType::DateTime);
    }

    #[test]
    fn element_map_reads_strings_and_lists() {
        let map: ElementMap = serde_json::from_str(
            r#"{"elements":[
                {"key":"one","value":{"type":"STRING_LIST","list_value":["x"]}},
                {"key":"path","value":{"type":"STRING","string_value":"/a"}},
                {"key":"params","value":{"type":"STRING_LIST","list_value":["a=1","b=2"]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(map.string("path"), Some("/a"));
        assert_eq!(map.string("one"), Some("x"));
        assert_eq!(map.string("params"), None);
        assert_eq!(map.strings("params"), vec!["a=1", "b=2"]);
        assert_eq!(map.strings("path"), vec!["/a"]);
        assert!(map.strings("absent").is_empty());
    }
}
