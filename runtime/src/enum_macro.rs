//! The `vapi_enum!` macro used by generated code for vAPI enumerations.

/// Declares a vAPI enumeration.
///
/// vAPI enumerations are open: a newer server may send a value this client
/// does not know. The generated enum is therefore `#[non_exhaustive]` and has
/// a catch-all variant (named after `@unknown`) holding the wire string, so
/// such values deserialize, compare and serialize back unchanged.
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
/// assert_eq!("SUSPENDED".parse::<PowerState>().unwrap(), PowerState::Unknown("SUSPENDED".into()));
/// ```
///
/// The expansion derives `Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord`
/// and implements `as_str`, `Display`, `FromStr` (with `Err = Infallible`),
/// `From<&str>`, `From<String>`, `AsRef<str>` and serde `Serialize`/`Deserialize`
/// as the wire string. `Default` is intentionally not implemented: no value is
/// a safe default for every enumeration.
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
            /// A value not known to this version of the client; holds the
            /// wire string as sent by the server.
            $unknown(::std::string::String),
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

            /// Maps a wire string to a value; strings not known to this
            /// client become the catch-all variant.
            pub fn from_wire(value: &str) -> Self {
                $(
                    if value == $wire {
                        return $name::$variant;
                    }
                )*
                $name::$unknown(::std::borrow::ToOwned::to_owned(value))
            }

            /// True for the catch-all variant.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, $name::$unknown(_))
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
                ::std::result::Result::Ok($name::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name::from_wire(&value)
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
                ::std::result::Result::Ok($name::from_wire(&value))
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
        assert_eq!(unknown, PowerState::Unknown("SUSPENDED".to_owned()));
        assert!(unknown.is_unknown());
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
    fn enum_without_values() {
        let value: Empty = serde_json::from_str("\"X\"").unwrap();
        assert_eq!(value, Empty::Other("X".to_owned()));
        assert!(Empty::KNOWN_VALUES.is_empty());
        assert_eq!(Trailing::from("A"), Trailing::A);
        assert_eq!(Trailing::Unknown("B".into()).as_str(), "B");
    }
}
