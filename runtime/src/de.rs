//! Lenient deserialization helpers used by generated structures.
//!
//! vCenter and compatible servers leave out empty collections or send them as
//! `null` even where the metamodel declares a required list, set or map.
//! Failing a whole response over an empty collection helps nobody, so
//! generated collection fields use `#[serde(default, deserialize_with =
//! "vsphere_vapi_runtime::de::null_as_default")]`, on required lists, sets
//! and maps at every depth (a field of a structure inside a list inside an
//! optional field is read the same way).

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
}
