//! Reading parameters back from the text parts of a request: path segments,
//! query strings and headers.
//!
//! The client flattens a parameter into text without saying what type it
//! had (`names=a&names=b`, `filter.power_states=POWERED_ON`, `/vm/vm-42`),
//! so the text is kept as a tree of values ([`TextNode`]) and read back by a
//! deserializer that lets the requested type decide: a sequence reads every
//! repetition of a key, a scalar the single value, a number parses the text,
//! a structure reads the keys below it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, Error as DeError};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// Values of one key and the keys below it (`filter` holds `filter.names`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TextNode {
    /// Every value of the key, in request order (a list repeats the key).
    pub(crate) values: Vec<String>,
    /// The keys one level down, by their last segment (`names` of
    /// `filter.names`; list items by index, `1`, `2`, ...).
    pub(crate) fields: BTreeMap<String, TextNode>,
}

impl TextNode {
    /// A node holding one value.
    pub(crate) fn text(value: impl Into<String>) -> TextNode {
        TextNode {
            values: vec![value.into()],
            fields: BTreeMap::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty() && self.fields.is_empty()
    }

    /// Adds `value` under the dotted `key` below this node.
    pub(crate) fn insert(&mut self, key: &str, value: String) {
        let mut node = self;
        for segment in key.split('.') {
            node = node.fields.entry(segment.to_owned()).or_default();
        }
        node.values.push(value);
    }

    /// The node as JSON, for messages: one value is a string, several a
    /// list, keys below an object.
    pub(crate) fn to_json(&self) -> Value {
        if !self.fields.is_empty() {
            let mut object: serde_json::Map<String, Value> = self
                .fields
                .iter()
                .map(|(key, node)| (key.clone(), node.to_json()))
                .collect();
            if !self.values.is_empty() {
                object.insert(String::new(), self.values_json());
            }
            return Value::Object(object);
        }
        self.values_json()
    }

    fn values_json(&self) -> Value {
        match self.values.as_slice() {
            [] => Value::Null,
            [one] => Value::String(one.clone()),
            many => Value::Array(many.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// Deserializes a [`TextNode`] (or one of its values) as whatever type asks
/// for it.
#[derive(Clone, Copy)]
pub(crate) struct TextDeserializer<'a>(Source<'a>);

#[derive(Clone, Copy)]
enum Source<'a> {
    Node(&'a TextNode),
    /// One value of a list.
    Value(&'a str),
}

impl<'a> TextDeserializer<'a> {
    pub(crate) fn new(node: &'a TextNode) -> Self {
        TextDeserializer(Source::Node(node))
    }

    fn fields(&self) -> Option<&'a BTreeMap<String, TextNode>> {
        match self.0 {
            Source::Node(node) if !node.fields.is_empty() => Some(&node.fields),
            _ => None,
        }
    }

    fn values(&self) -> &'a [String] {
        match self.0 {
            Source::Node(node) => &node.values,
            Source::Value(_) => &[],
        }
    }

    fn shown(&self) -> String {
        match self.0 {
            Source::Node(node) => node.to_json().to_string(),
            Source::Value(text) => Value::String(text.to_owned()).to_string(),
        }
    }

    fn single(&self, what: &str) -> Result<&'a str, DeError> {
        if let Source::Value(text) = self.0 {
            return Ok(text);
        }
        match (self.fields(), self.values()) {
            (None, [one]) => Ok(one),
            (None, []) => Err(de::Error::custom(format!(
                "expected {what}, found no value"
            ))),
            _ => Err(de::Error::custom(format!(
                "expected {what}, found {}",
                self.shown()
            ))),
        }
    }

    fn is_empty(&self) -> bool {
        match self.0 {
            Source::Node(node) => node.is_empty(),
            Source::Value(_) => false,
        }
    }

    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, DeError>
    where
        T::Err: fmt::Display,
    {
        let text = self.single(what)?;
        text.trim()
            .parse()
            .map_err(|err| de::Error::custom(format!("`{text}` is not {what}: {err}")))
    }
}

macro_rules! parsed {
    ($($method:ident => $visit:ident, $ty:ty, $what:literal;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                visitor.$visit(self.parse::<$ty>($what)?)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for TextDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Source::Value(text) = self.0 {
            return visitor.visit_borrowed_str(text);
        }
        if self.fields().is_some() {
            return self.deserialize_map(visitor);
        }
        match self.values() {
            [] => visitor.visit_unit(),
            [one] => visitor.visit_borrowed_str(one),
            _ => self.deserialize_seq(visitor),
        }
    }

    parsed! {
        deserialize_bool => visit_bool, bool, "a boolean";
        deserialize_i8 => visit_i8, i8, "an integer";
        deserialize_i16 => visit_i16, i16, "an integer";
        deserialize_i32 => visit_i32, i32, "an integer";
        deserialize_i64 => visit_i64, i64, "an integer";
        deserialize_u8 => visit_u8, u8, "an integer";
        deserialize_u16 => visit_u16, u16, "an integer";
        deserialize_u32 => visit_u32, u32, "an integer";
        deserialize_u64 => visit_u64, u64, "an integer";
        deserialize_f32 => visit_f32, f32, "a number";
        deserialize_f64 => visit_f64, f64, "a number";
        deserialize_char => visit_char, char, "a character";
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_borrowed_str(self.single("a string")?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Some(fields) = self.fields() {
            // Items of a list of structures, flattened as `key.1.field`.
            let mut items: Vec<(u64, &'de TextNode)> = Vec::with_capacity(fields.len());
            for (key, node) in fields {
                let index = key.parse().map_err(|_| {
                    de::Error::custom(format!("expected a list, found {}", self.shown()))
                })?;
                items.push((index, node));
            }
            items.sort_by_key(|(index, _)| *index);
            return visitor.visit_seq(Items {
                items: items
                    .into_iter()
                    .map(|(_, node)| Source::Node(node))
                    .collect(),
            });
        }
        let items = match self.0 {
            Source::Value(text) => vec![Source::Value(text)],
            Source::Node(node) => node
                .values
                .iter()
                .map(|v| Source::Value(v.as_str()))
                .collect(),
        };
        visitor.visit_seq(Items { items })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Source::Node(node) if node.values.is_empty() => visitor.visit_map(Fields {
                fields: node.fields.iter(),
                value: None,
            }),
            _ => Err(de::Error::custom(format!(
                "expected a structure, found {}",
                self.shown()
            ))),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let text: &'de str = self.single("an enumeration value")?;
        visitor.visit_enum(text.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

struct Items<'a> {
    items: Vec<Source<'a>>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.items.is_empty() {
            return Ok(None);
        }
        let source = self.items.remove(0);
        seed.deserialize(TextDeserializer(source)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Fields<'a> {
    fields: std::collections::btree_map::Iter<'a, String, TextNode>,
    value: Option<&'a TextNode>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, node)) = self.fields.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let node = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value was asked for before its key"))?;
        seed.deserialize(TextDeserializer::new(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeSet;

    fn read<T: Deserialize<'static>>(node: &'static TextNode) -> Result<T, DeError> {
        T::deserialize(TextDeserializer::new(node))
    }

    fn leak(node: TextNode) -> &'static TextNode {
        Box::leak(Box::new(node))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Filter {
        #[serde(default)]
        names: Option<Vec<String>>,
        #[serde(default)]
        states: Option<BTreeSet<String>>,
        #[serde(default)]
        limit: Option<i64>,
        #[serde(default)]
        deep: Option<bool>,
        #[serde(default)]
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        key: String,
        size: u32,
    }

    #[test]
    fn the_requested_type_decides_how_text_is_read() {
        let mut node = TextNode::default();
        node.insert("names", "a".into());
        node.insert("limit", "10".into());
        node.insert("deep", "true".into());
        node.insert("states", "ON".into());
        node.insert("states", "OFF".into());
        node.insert("items.2.key", "y".into());
        node.insert("items.2.size", "2".into());
        node.insert("items.1.key", "x".into());
        node.insert("items.1.size", "1".into());
        let filter: Filter = read(leak(node)).unwrap();
        assert_eq!(
            filter,
            Filter {
                names: Some(vec!["a".into()]),
                states: Some(["OFF".to_owned(), "ON".to_owned()].into()),
                limit: Some(10),
                deep: Some(true),
                items: Some(vec![
                    Item {
                        key: "x".into(),
                        size: 1
                    },
                    Item {
                        key: "y".into(),
                        size: 2
                    },
                ]),
            }
        );
    }

    #[test]
    fn scalars_options_and_mistakes() {
        let one = leak(TextNode::text("vm-42"));
        assert_eq!(read::<String>(one).unwrap(), "vm-42");
        assert_eq!(
            read::<Option<String>>(one).unwrap().as_deref(),
            Some("vm-42")
        );
        assert_eq!(read::<Vec<String>>(one).unwrap(), vec!["vm-42".to_owned()]);
        let error = read::<i64>(one).unwrap_err().to_string();
        assert!(error.contains("`vm-42` is not an integer"), "{error}");
        let none = leak(TextNode::default());
        assert_eq!(read::<Option<String>>(none).unwrap(), None);
        assert!(read::<String>(none).is_err());
        let mut two = TextNode::text("a");
        two.values.push("b".into());
        let error = read::<String>(leak(two)).unwrap_err().to_string();
        assert!(error.contains(r#"["a","b"]"#), "{error}");
        let any: serde_json::Value = read(one).unwrap();
        assert_eq!(any, Value::String("vm-42".into()));
    }
}
