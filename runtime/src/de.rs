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
