//! Lenient, visible deserialization helpers used by generated structures.
//!
//! Servers encoding with Go's `omitempty` (govmomi's simulator among them)
//! leave `0`, `false`, `""` and empty collections out of responses even
//! where the metamodel declares the field required, and vCenter sends some
//! empty collections as `null`. Failing a whole response over that helps
//! nobody, so the generator decides per field (`lower::zeros` in the
//! codegen crate):
//!
//! * a required field whose type has a natural zero (numbers, booleans,
//!   strings, collections, structures whose required fields all have one)
//!   decodes a missing member as that zero through [`missing`], which logs a
//!   `tracing` warning naming the type and field once per process and
//!   records the pair for [`omitted_fields`];
//! * a required collection also decodes `null` as empty
//!   ([`null_as_default`]), silently: `null` is a value the server sent;
//! * every other missing required field (identifiers, enumerations, dates,
//!   binary data, secrets, dynamic structures) is a `missing field` error.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Deserializer};

/// Reads `null` as `T::default()`; any other value is read as `T`.
///
/// Works for any `T: Default` (`Vec`, `BTreeSet`, [`VapiMap`](crate::types::VapiMap)
/// in either wire form, ...). Together with `#[serde(default)]` a missing
/// field reads as the default too.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The value a missing member with a natural zero decodes as. Implemented
/// for the scalar and collection types and by generated structures that
/// some field needs a zero of; it is not `Default`, which generated
/// structures with required fields deliberately lack.
#[doc(hidden)]
pub trait Zero {
    fn zero() -> Self;
}

macro_rules! zero_via_default {
    ($($ty:ty),*) => {
        $(impl Zero for $ty {
            fn zero() -> Self {
                <$ty>::default()
            }
        })*
    };
}

zero_via_default!(bool, i64, f64, String);

impl<T> Zero for Vec<T> {
    fn zero() -> Self {
        Vec::new()
    }
}

impl<T> Zero for Option<T> {
    fn zero() -> Self {
        None
    }
}

impl<T: Zero> Zero for Box<T> {
    fn zero() -> Self {
        Box::new(T::zero())
    }
}

impl<K: Ord, V> Zero for crate::types::VapiMap<K, V> {
    fn zero() -> Self {
        Self::default()
    }
}

fn omitted() -> &'static Mutex<BTreeSet<(&'static str, &'static str)>> {
    static OMITTED: OnceLock<Mutex<BTreeSet<(&'static str, &'static str)>>> = OnceLock::new();
    OMITTED.get_or_init(|| Mutex::new(BTreeSet::new()))
}

/// The zero of a required member the response left out: `type_name` is
/// the Rust path of the structure below the crate root
/// (`content::library::item::updatesession::file::Info`), `field` the wire
/// name. The first omission of each (type, field) in the process is logged
/// as a `tracing` warning (target `vsphere_vapi_runtime::de`, fields
/// `type_name` and `field`); later ones are not, so a list of a thousand
/// such structures logs once.
pub fn missing<T: Zero>(type_name: &'static str, field: &'static str) -> T {
    let first = omitted()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((type_name, field));
    if first {
        tracing::warn!(
            type_name,
            field,
            "response leaves out required field `{field}` of `{type_name}`; decoded as its zero \
             value (reported once per field)"
        );
    }
    T::zero()
}

/// The value of a required member read into `slot`, or serde's "missing
/// field" error when the member was absent.
///
/// Generated deserializers call this (and [`or_zero`]) instead of
/// `ok_or_else` with a closure: one plain function call per field keeps the
/// crate's type and borrow checking measurably cheaper than a closure body
/// per field.
#[doc(hidden)]
#[inline]
pub fn required<T, E: serde::de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(field)),
    }
}

/// The value of a lenient required member read into `slot`, or its zero
/// through [`missing`] when the member was absent.
#[doc(hidden)]
#[inline]
pub fn or_zero<T: Zero>(slot: Option<T>, type_name: &'static str, field: &'static str) -> T {
    match slot {
        Some(value) => value,
        None => missing(type_name, field),
    }
}

/// Reads the value of an optional member (`null` is `None`) into `slot`.
///
/// Generated deserializers call these helpers, one per member, and apply
/// `?` once to the result of the member `match`: a plain call per member
/// instead of an inline `next_value()?` keeps each structure's body, and with
/// it the crate's type and borrow checking, small.
#[doc(hidden)]
#[inline]
pub fn put<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = map.next_value()?;
    Ok(())
}

/// Reads the value of a required member into `slot`.
#[doc(hidden)]
#[inline]
pub fn put_some<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a required collection member into `slot`, `null` as
/// empty (see [`null_as_default`]).
#[doc(hidden)]
#[inline]
pub fn put_or_empty<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de> + Default,
{
    *slot = Some(map.next_value::<Option<T>>()?.unwrap_or_default());
    Ok(())
}

/// Skips the value of a member the structure does not declare.
#[doc(hidden)]
#[inline]
pub fn skip<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(drop)
}

/// Keeps the value of a member the structure does not declare in
/// `unknown`, for a union's catch-all variant.
#[doc(hidden)]
#[inline]
pub fn keep<'de, A: serde::de::MapAccess<'de>>(
    map: &mut A,
    key: String,
    unknown: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    let value: serde_json::Value = map.next_value()?;
    unknown.insert(key, value);
    Ok(())
}

/// Puts a case member read for a union's known cases back among the
/// `fields` of its catch-all variant, when it was present.
#[doc(hidden)]
pub fn keep_member<T: serde::Serialize, E: serde::de::Error>(
    fields: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    value: Option<T>,
) -> Result<(), E> {
    if let Some(value) = value {
        let value = serde_json::to_value(value).map_err(E::custom)?;
        fields.insert(name.to_owned(), value);
    }
    Ok(())
}

/// A generated structure read from a map: its `Deserialize` impl is
/// [`deserialize_map`], and the structure only writes the loop over the
/// members. One shared visitor instead of a visitor type per structure
/// keeps the generated crate smaller to check.
#[doc(hidden)]
pub trait VisitMap<'de>: Sized {
    /// The structure's path below the crate root, for messages.
    const NAME: &'static str;

    /// Reads the structure from the members of a map.
    fn visit_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `deserializer.deserialize_map` with the visitor of a [`VisitMap`]
/// structure.
#[doc(hidden)]
pub fn deserialize_map<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: VisitMap<'de>,
{
    deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
}

struct MapVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: VisitMap<'de>> serde::de::Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "a map of the members of `{}`", T::NAME)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// Every (type, field) that some response left out and that was decoded as
/// its zero so far in this process, sorted.
pub fn omitted_fields() -> Vec<(&'static str, &'static str)> {
    omitted()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Category {
        name: String,
        #[serde(default, deserialize_with = "super::null_as_default")]
        used_by: Vec<String>,
    }

    use crate::types::VapiMap;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Disk {
        label: String,
        #[serde(default, deserialize_with = "super::null_as_default")]
        tags: Vec<String>,
        #[serde(default, deserialize_with = "super::null_as_default")]
        properties: VapiMap<String, Vec<String>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Vm {
        #[serde(default, deserialize_with = "super::null_as_default")]
        disks: Vec<Disk>,
        #[serde(default)]
        boot_disk: Option<Disk>,
        #[serde(default, deserialize_with = "super::null_as_default")]
        by_label: VapiMap<String, Disk>,
    }

    #[test]
    fn nested_collections_at_every_depth() {
        let vm: Vm = serde_json::from_str(
            r#"{
                "disks": [
                    {"label": "a", "tags": null, "properties": null},
                    {"label": "b", "properties": {}},
                    {"label": "c", "tags": ["t"], "properties": [{"key": "k", "value": ["v"]}]}
                ],
                "boot_disk": {"label": "boot", "tags": null},
                "by_label": {"x": {"label": "x", "properties": null}}
            }"#,
        )
        .unwrap();
        assert_eq!(vm.disks.len(), 3);
        assert!(vm.disks[0].tags.is_empty() && vm.disks[0].properties.is_empty());
        assert!(vm.disks[1].tags.is_empty());
        assert_eq!(vm.disks[2].tags, ["t"]);
        assert_eq!(vm.disks[2].properties.get("k").unwrap(), &["v"]);
        let boot = vm.boot_disk.as_ref().unwrap();
        assert_eq!(boot.label, "boot");
        assert!(boot.tags.is_empty() && boot.properties.is_empty());
        assert!(vm.by_label.get("x").unwrap().properties.is_empty());

        let empty: Vm =
            serde_json::from_str(r#"{"disks": null, "boot_disk": null, "by_label": null}"#)
                .unwrap();
        assert_eq!(
            empty,
            Vm {
                disks: Vec::new(),
                boot_disk: None,
                by_label: VapiMap::new(),
            }
        );
        // Leniency is per annotated field: a null map value (or list element)
        // of a collection type is still an error.
        assert!(
            serde_json::from_str::<Disk>(r#"{"label": "a", "properties": {"k": null}}"#).is_err()
        );
        // A nested structure missing its own required field is still an error.
        assert!(serde_json::from_str::<Vm>(r#"{"disks": [{"tags": []}]}"#).is_err());
    }

    #[test]
    fn optional_collections_keep_null_as_none() {
        #[derive(Debug, Deserialize)]
        struct Filter {
            #[serde(default, deserialize_with = "super::null_as_default")]
            names: Option<Vec<String>>,
        }
        let null: Filter = serde_json::from_str(r#"{"names": null}"#).unwrap();
        assert_eq!(null.names, None);
        let empty: Filter = serde_json::from_str(r#"{"names": []}"#).unwrap();
        assert_eq!(empty.names, Some(Vec::new()));
    }

    #[test]
    fn missing_null_and_present_collections() {
        let missing: Category = serde_json::from_str(r#"{"name": "a"}"#).unwrap();
        assert!(missing.used_by.is_empty());
        let null: Category = serde_json::from_str(r#"{"name": "a", "used_by": null}"#).unwrap();
        assert!(null.used_by.is_empty());
        let present: Category = serde_json::from_str(r#"{"name": "a", "used_by": ["x"]}"#).unwrap();
        assert_eq!(present.used_by, vec!["x".to_owned()]);
        let wrong = serde_json::from_str::<Category>(r#"{"name": "a", "used_by": 3}"#);
        assert!(wrong.is_err());
        let no_name = serde_json::from_str::<Category>(r#"{"used_by": []}"#);
        assert!(no_name.is_err());
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Progress {
        #[serde(default = "Progress::missing_bytes")]
        bytes: i64,
        #[serde(
            default = "Progress::missing_names",
            deserialize_with = "super::null_as_default"
        )]
        names: Vec<String>,
        id: String,
    }

    impl Progress {
        fn missing_bytes() -> i64 {
            super::missing("test::Progress", "bytes")
        }
        fn missing_names() -> Vec<String> {
            super::missing("test::Progress", "names")
        }
    }

    #[test]
    fn missing_members_decode_as_zero_and_are_recorded() {
        let full: Progress =
            serde_json::from_str(r#"{"bytes": 3, "names": ["a"], "id": "x"}"#).unwrap();
        assert_eq!(full.bytes, 3);
        assert!(!super::omitted_fields().contains(&("test::Progress", "bytes")));
        let null: Progress =
            serde_json::from_str(r#"{"bytes": 3, "names": null, "id": "x"}"#).unwrap();
        assert!(null.names.is_empty());
        assert!(!super::omitted_fields().contains(&("test::Progress", "names")));
        for _ in 0..3 {
            let sparse: Progress = serde_json::from_str(r#"{"id": "x"}"#).unwrap();
            assert_eq!(
                sparse,
                Progress {
                    bytes: 0,
                    names: Vec::new(),
                    id: "x".to_owned()
                }
            );
        }
        let omitted = super::omitted_fields();
        assert!(
            omitted.contains(&("test::Progress", "bytes")),
            "{omitted:?}"
        );
        assert!(
            omitted.contains(&("test::Progress", "names")),
            "{omitted:?}"
        );
        let error = serde_json::from_str::<Progress>(r#"{"bytes": 1}"#).unwrap_err();
        assert!(error.to_string().contains("missing field `id`"), "{error}");
    }

    #[test]
    fn warns_once_per_field() {
        use std::io::Write;
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..3 {
                let _: i64 = super::missing("test::Once", "count");
            }
            let _: String = super::missing("test::Once", "name");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("WARN").count(), 2, "{text}");
        assert_eq!(text.matches("`count` of `test::Once`").count(), 1, "{text}");
        assert!(text.contains("`name` of `test::Once`"), "{text}");
    }
}
