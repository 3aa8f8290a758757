//! Typed identifiers of vAPI resources.
//!
//! vAPI identifies resources by opaque strings (`vm-42`, a task's
//! `52a1...:com.vmware.vcenter.vm`) tagged in the metamodel with a resource
//! type. The generated crate gives each resource type its own newtype through
//! [`vapi_id!`](crate::vapi_id), so a datastore identifier cannot be passed
//! where a virtual machine is expected; [`ResourceId`] covers parameters that
//! accept resources of several types.

/// Declares a typed resource identifier: a newtype over `String` for the
/// resource type given after `=`.
///
/// ```
/// vsphere_vapi_runtime::vapi_id! {
///     /// Identifier of a `VirtualMachine` resource.
///     pub struct VirtualMachineId = "VirtualMachine";
/// }
///
/// let vm = VirtualMachineId::new("vm-42");
/// assert_eq!(VirtualMachineId::RESOURCE_TYPE, "VirtualMachine");
/// assert_eq!(vm.to_string(), "vm-42");
/// assert_eq!(format!("{vm:?}"), r#"VirtualMachineId("vm-42")"#);
/// assert_eq!(vm, "vm-42");
/// // On the wire an identifier is a plain JSON string.
/// assert_eq!(serde_json::to_string(&vm).unwrap(), r#""vm-42""#);
/// let any: vsphere_vapi_runtime::ResourceId = vm.into();
/// assert_eq!(any.as_str(), "vm-42");
/// ```
///
/// Attributes before the struct (doc comments, `#[cfg(...)]`) apply to it;
/// `#[cfg]` and `#[cfg_attr]` attributes also gate the trait implementations,
/// so a feature-gated identifier compiles away entirely. The implementations
/// are written out rather than derived: the generated crate declares many
/// identifiers and derive expansion is a noticeable share of its build time.
#[macro_export]
macro_rules! vapi_id {
    (
        $(#[$($attr:tt)*])*
        $vis:vis struct $name:ident = $resource_type:literal $(;)?
    ) => {
        $crate::__vapi_id_split! {
            cfgs: []
            all: []
            rest: [$(#[$($attr)*])*]
            item: [$vis struct $name = $resource_type]
        }
    };
}

/// Separates `#[cfg]`-like attributes (which must also gate the impls) from
/// the others (which only belong on the struct). Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __vapi_id_split {
    (
        cfgs: [$($cfgs:tt)*]
        all: [$($all:tt)*]
        rest: [#[cfg $($args:tt)*] $($rest:tt)*]
        item: $item:tt
    ) => {
        $crate::__vapi_id_split! {
            cfgs: [$($cfgs)* #[cfg $($args)*]]
            all: [$($all)* #[cfg $($args)*]]
            rest: [$($rest)*]
            item: $item
        }
    };
    (
        cfgs: [$($cfgs:tt)*]
        all: [$($all:tt)*]
        rest: [#[cfg_attr $($args:tt)*] $($rest:tt)*]
        item: $item:tt
    ) => {
        $crate::__vapi_id_split! {
            cfgs: [$($cfgs)* #[cfg_attr $($args)*]]
            all: [$($all)* #[cfg_attr $($args)*]]
            rest: [$($rest)*]
            item: $item
        }
    };
    (
        cfgs: [$($cfgs:tt)*]
        all: [$($all:tt)*]
        rest: [#[$($attr:tt)*] $($rest:tt)*]
        item: $item:tt
    ) => {
        $crate::__vapi_id_split! {
            cfgs: [$($cfgs)*]
            all: [$($all)* #[$($attr)*]]
            rest: [$($rest)*]
            item: $item
        }
    };
    (
        cfgs: [$($cfgs:tt)*]
        all: [$($all:tt)*]
        rest: []
        item: [$vis:vis struct $name:ident = $resource_type:literal]
    ) => {
        $($all)*
        $vis struct $name(::std::string::String);

        $($cfgs)*
        const _: () = {
            $crate::__vapi_id_impls!($name);

            // Helpers are part of every identifier's API; a crate that uses
            // only some of them (or a private identifier) gets no warnings.
            #[allow(dead_code)]
            impl $name {
                /// The vAPI resource type this identifier names.
                pub const RESOURCE_TYPE: &'static str = $resource_type;
            }

            impl ::std::convert::From<$name> for $crate::ResourceId {
                fn from(id: $name) -> Self {
                    $crate::ResourceId::new(id.into_string())
                }
            }
        };
    };
}

/// The API shared by typed identifiers and [`ResourceId`]. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __vapi_id_impls {
    ($name:ident) => {
        #[allow(dead_code)]
        impl $name {
            /// Wraps an identifier string.
            pub fn new(id: impl ::std::convert::Into<::std::string::String>) -> Self {
                $name(id.into())
            }

            /// The identifier string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the identifier string.
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::clone::Clone for $name {
            fn clone(&self) -> Self {
                $name(::std::clone::Clone::clone(&self.0))
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(::std::stringify!($name))
                    .field(&self.0)
                    .finish()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(&self.0, state);
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }

        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                ::std::cmp::Ord::cmp(&self.0, &other.0)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(id: ::std::string::String) -> Self {
                $name(id)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(::std::borrow::ToOwned::to_owned(id))
            }
        }

        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(id: &::std::string::String) -> Self {
                $name(::std::clone::Clone::clone(id))
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Hash and Eq agree with those of the string, so maps keyed by
        // identifiers can be looked up with a `&str`.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::serde::Serializer,
            {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::serde::Deserializer<'de>,
            {
                <::std::string::String as $crate::serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )
                .map($name)
            }
        }
    };
}

/// An identifier of a resource of one of several types (a parameter or field
/// whose metamodel lists more than one resource type, or none).
///
/// Every typed identifier declared with [`vapi_id!`](crate::vapi_id) converts
/// into it with `From`.
pub struct ResourceId(String);

crate::__vapi_id_impls!(ResourceId);

crate::vapi_id! {
    /// Identifier of a vAPI task (`com.vmware.cis.task`), as returned by the
    /// `$task` variant of an operation.
    pub struct TaskId = "com.vmware.cis.task";
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use serde_json::json;

    use super::{ResourceId, TaskId};

    crate::vapi_id! {
        /// Identifier of a virtual machine.
        #[doc(alias = "vm")]
        pub struct VirtualMachineId = "VirtualMachine";
    }

    crate::vapi_id! {
        #[cfg(any())]
        /// Compiled away: neither the struct nor its impls exist.
        pub struct Gated = "Gated";
    }

    // A `Gated` that exists would make this a duplicate definition.
    #[allow(dead_code)]
    struct Gated;

    #[test]
    fn serde_is_a_plain_string() {
        let vm = VirtualMachineId::new("vm-42");
        assert_eq!(serde_json::to_value(&vm).unwrap(), json!("vm-42"));
        let back: VirtualMachineId = serde_json::from_value(json!("vm-42")).unwrap();
        assert_eq!(back, vm);
        assert!(serde_json::from_value::<VirtualMachineId>(json!(42)).is_err());
        assert!(serde_json::from_value::<VirtualMachineId>(json!({"id": "vm-42"})).is_err());
        let task: TaskId = serde_json::from_str(r#""52a1:com.vmware.vcenter.vm""#).unwrap();
        assert_eq!(task.as_str(), "52a1:com.vmware.vcenter.vm");
    }

    #[test]
    fn display_and_debug_show_the_id() {
        let vm = VirtualMachineId::from("vm-42");
        assert_eq!(vm.to_string(), "vm-42");
        assert_eq!(format!("{vm:?}"), r#"VirtualMachineId("vm-42")"#);
        let any = ResourceId::new("datastore-1");
        assert_eq!(any.to_string(), "datastore-1");
        assert_eq!(format!("{any:?}"), r#"ResourceId("datastore-1")"#);
        assert_eq!(format!("{:?}", TaskId::new("t")), r#"TaskId("t")"#);
    }

    #[test]
    fn conversions() {
        let owned = String::from("vm-1");
        assert_eq!(
            VirtualMachineId::from(&owned),
            VirtualMachineId::from("vm-1")
        );
        assert_eq!(VirtualMachineId::from(owned.clone()).into_string(), owned);
        let as_string: String = VirtualMachineId::new("vm-2").into();
        assert_eq!(as_string, "vm-2");
        let vm = VirtualMachineId::new("vm-3");
        assert_eq!(vm.as_ref(), "vm-3");
        assert!(vm == *"vm-3");
        assert!(vm != "vm-4");
        let any: ResourceId = vm.clone().into();
        assert_eq!(any, "vm-3");
        let any: ResourceId = TaskId::new("t-1").into();
        assert_eq!(any.into_string(), "t-1");
        assert_eq!(VirtualMachineId::RESOURCE_TYPE, "VirtualMachine");
        assert_eq!(TaskId::RESOURCE_TYPE, "com.vmware.cis.task");
    }

    #[test]
    fn ordering_hashing_and_lookup_by_str() {
        let set: BTreeSet<VirtualMachineId> = ["vm-2", "vm-10", "vm-1"]
            .into_iter()
            .map(VirtualMachineId::from)
            .collect();
        let order: Vec<&str> = set.iter().map(VirtualMachineId::as_str).collect();
        assert_eq!(order, ["vm-1", "vm-10", "vm-2"]);
        let mut names = HashMap::new();
        names.insert(VirtualMachineId::new("vm-1"), "web");
        assert_eq!(names.get("vm-1"), Some(&"web"));
        assert_eq!(names.get("vm-9"), None);
    }
}
