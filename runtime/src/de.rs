//! Lenient deserialization helpers used by generated structures.
//!
//! vCenter and compatible servers leave out empty collections or send them as
//! `null` even where the metamodel declares a required list, set or map.
//! Failing a whole response over an empty collection helps nobody, so
//! generated collection fields use `#[serde(default, deserialize_with =
//! "::vsphere_vapi_runtime::de::null_as_default")]`.

use serde::{Deserialize, Deserializer};

/// Reads `null` as `T::default()`; any other value is read as `T`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
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
}
