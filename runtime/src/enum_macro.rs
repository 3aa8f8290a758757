//! The `vapi_enum!` macro used by generated code for vAPI enumerations.

/// The value of an enumeration's catch-all variant: a wire string this
/// version of the client does not know.
///
/// It has no public constructor, so a value the client knows can never be
/// spelled as the catch-all (`PowerState::Unknown` holding `"POWERED_ON"`):
/// matching on the known variants is then exhaustive for every known value.
/// Parse a wire string instead (`"POWERED_ON".parse()`), which yields the
/// known variant whenever there is one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownVariant(String);

impl UnknownVariant {
    /// Used by [`vapi_enum!`](crate::vapi_enum) only, for strings that match
    /// no known value. Not public API.
    #[doc(hidden)]
    pub fn __from_wire(value: String) -> Self {
        UnknownVariant(value)
    }

    /// The wire string as sent by the server.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Shows the bare string, so `PowerState::Unknown("HIBERNATING")` reads like
// the wire value it stands for.
impl std::fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a vAPI enumeration.
///
/// vAPI enumerations are open: a newer server may send a value this client
/// does not know. The generated enum is therefore `#[non_exhaustive]` and has
/// a catch-all variant (named after `@unknown`) holding an
/// [`UnknownVariant`], so such values deserialize, compare and serialize back
/// unchanged. Parsing never yields the catch-all for a known wire string.
///
/// ```
/// vsphere_vapi_runtime::vapi_enum! {
///     /// Power state of a virtual machine.
///     pub enum PowerState {
///         /// The virtual machine is powered off.
///         PoweredOff = "POWERED_OFF",
///         PoweredOn = "POWERED_ON",
///         @unknown Unknown
///     }
/// }
///
/// assert_eq!(PowerState::PoweredOn.as_str(), "POWERED_ON");
/// let newer: PowerState = "SUSPENDED".parse().unwrap();
/// assert!(newer.is_unknown());
/// assert_eq!(newer.to_string(), "SUSPENDED");
/// assert_eq!("POWERED_ON".parse::<PowerState>().unwrap(), PowerState::PoweredOn);
/// ```
///
/// The expansion derives `Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord`
/// and implements `as_str`, `is_unknown`, `Display`, `FromStr` (with
/// `Err = Infallible`), `From<&str>`, `From<String>`, `AsRef<str>` and serde
/// `Serialize`/`Deserialize` as the wire string. `Default` is intentionally
/// not implemented: no value is a safe default for every enumeration.
#[macro_export]
macro_rules! vapi_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $wire:literal
            ),* $(,)?
            @unknown $unknown:ident $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this version of the client does not know.
            $unknown($crate::UnknownVariant),
        }

        // Helpers are part of every enumeration's API; a crate that uses only
        // some of them (or a private enumeration) must not get warnings.
        #[allow(dead_code)]
        impl $name {
            /// Every value known to this version of the client, in
            /// declaration order.
            pub const KNOWN_VALUES: &'static [$name] = &[$($name::$variant),*];

            /// The wire string of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::$unknown(value) => value.as_str(),
                }
            }

            /// True for a value this version of the client does not know.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, $name::$unknown(_))
            }

            // The one place that maps wire strings to values; `From` and
            // `Deserialize` both go through it.
            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $($wire => ::std::option::Option::Some($name::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            // Takes the string by value so an unknown value keeps it without
            // copying.
            fn from_wire_string(value: ::std::string::String) -> Self {
                match $name::known(&value) {
                    ::std::option::Option::Some(known) => known,
                    ::std::option::Option::None => {
                        $name::$unknown($crate::UnknownVariant::__from_wire(value))
                    }
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(::std::convert::From::from(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match $name::known(value) {
                    ::std::option::Option::Some(known) => known,
                    ::std::option::Option::None => $name::$unknown(
                        $crate::UnknownVariant::__from_wire(::std::borrow::ToOwned::to_owned(value)),
                    ),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name::from_wire_string(value)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::serde::Deserializer<'de>,
            {
                let value = <::std::string::String as $crate::serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )?;
                ::std::result::Result::Ok($name::from_wire_string(value))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    crate::vapi_enum! {
        /// Power state.
        pub enum PowerState {
            /// Off.
            PoweredOff = "POWERED_OFF",
            PoweredOn = "POWERED_ON",
            @unknown Unknown
        }
    }

    crate::vapi_enum! {
        pub(crate) enum Empty {
            @unknown Other
        }
    }

    crate::vapi_enum! {
        enum Trailing {
            A = "A",
            @unknown Unknown,
        }
    }

    #[test]
    fn known_and_unknown_values() {
        assert_eq!(PowerState::PoweredOff.as_str(), "POWERED_OFF");
        assert_eq!(PowerState::PoweredOn.to_string(), "POWERED_ON");
        assert_eq!(
            "POWERED_ON".parse::<PowerState>(),
            Ok(PowerState::PoweredOn)
        );
        let unknown: PowerState = serde_json::from_value(json!("SUSPENDED")).unwrap();
        assert!(unknown.is_unknown());
        assert_eq!(unknown.as_str(), "SUSPENDED");
        assert_eq!(format!("{unknown:?}"), r#"Unknown("SUSPENDED")"#);
        match &unknown {
            PowerState::Unknown(value) => assert_eq!(value.as_str(), "SUSPENDED"),
            other => panic!("expected the catch-all, got {other:?}"),
        }
        assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("SUSPENDED"));
        assert_eq!(
            serde_json::to_value(PowerState::PoweredOn).unwrap(),
            json!("POWERED_ON")
        );
        assert_eq!(
            PowerState::KNOWN_VALUES,
            &[PowerState::PoweredOff, PowerState::PoweredOn]
        );
        assert!(serde_json::from_value::<PowerState>(json!(3)).is_err());
    }

    #[test]
    fn known_wire_values_never_parse_to_the_catch_all() {
        for value in PowerState::KNOWN_VALUES {
            let wire = value.as_str();
            let parsed: PowerState = wire.parse().unwrap();
            assert_eq!(&parsed, value);
            assert!(!parsed.is_unknown());
            assert_eq!(&PowerState::from(wire.to_owned()), value);
            let json: PowerState = serde_json::from_value(json!(wire)).unwrap();
            assert_eq!(&json, value);
        }
        assert_ne!(
            "POWERED_ON".parse::<PowerState>().unwrap(),
            PowerState::from("powered_on")
        );
        // Wire strings are case sensitive, as on the server.
        assert!(PowerState::from("powered_on").is_unknown());
    }

    #[test]
    fn enum_without_values() {
        let value: Empty = serde_json::from_str("\"X\"").unwrap();
        assert!(matches!(&value, Empty::Other(raw) if raw.as_str() == "X"));
        assert!(Empty::KNOWN_VALUES.is_empty());
        assert_eq!(Trailing::from("A"), Trailing::A);
        assert_eq!(Trailing::from("B").as_str(), "B");
        assert!(Trailing::from(String::from("B")).is_unknown());
    }
}
