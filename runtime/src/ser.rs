//! Helpers the generated `Serialize` impls call.
//!
//! A generated structure writes its members through [`Members`]: one plain
//! method call per member, with no `?` and no `if let` in the structure's
//! own body. The first error is kept and returned by [`Members::end`]; the
//! members after it are not written. Bodies without a branch per member are
//! what keeps the generated crate's type and borrow checking cheap (see the
//! generator's "Compile cost" notes).

use serde::Serialize;
use serde::ser::SerializeMap;

/// The members of one structure being written into a map.
#[doc(hidden)]
pub struct Members<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Members<M> {
    /// Starts writing into `map`.
    #[inline]
    pub fn new(map: M) -> Self {
        Members { map, error: None }
    }

    /// Writes a member that always has a value.
    #[inline]
    pub fn entry<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(name, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes an optional member when it is set; an unset one is left out
    /// of the map, as vAPI encodes it.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(name, value);
        }
    }

    /// Ends the map, or returns the first error a member gave.
    #[inline]
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Members;
    use serde::Serialize;

    struct Pair {
        name: String,
        size: Option<u32>,
        note: Option<String>,
    }

    impl Serialize for Pair {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut members = Members::new(serializer.serialize_map(None)?);
            members.entry("name", &self.name);
            members.optional("size", &self.size);
            members.optional("note", &self.note);
            members.end()
        }
    }

    #[test]
    fn unset_members_are_left_out() {
        let pair = Pair {
            name: "vm-1".into(),
            size: Some(4),
            note: None,
        };
        assert_eq!(
            serde_json::to_string(&pair).unwrap(),
            r#"{"name":"vm-1","size":4}"#
        );
    }

    /// A value that cannot be written.
    struct Broken;

    impl Serialize for Broken {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("broken member"))
        }
    }

    #[test]
    fn the_first_error_is_returned_and_later_members_are_not_written() {
        struct Holder;
        impl Serialize for Holder {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut members = Members::new(serializer.serialize_map(None)?);
                members.entry("first", &1);
                members.entry("broken", &Broken);
                members.entry("after", &2);
                members.end()
            }
        }
        let mut out = Vec::new();
        let error = Holder
            .serialize(&mut serde_json::Serializer::new(&mut out))
            .unwrap_err();
        assert_eq!(error.to_string(), "broken member");
        let written = String::from_utf8(out).unwrap();
        assert!(!written.contains("after"), "{written}");
    }
}
