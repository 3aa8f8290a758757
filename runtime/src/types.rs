//! Wire types used by generated code for vAPI built-in types that have no
//! direct Rust/serde counterpart: `SECRET`, `BINARY`, `DATE_TIME` and `MAP`.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Encoding mode
// ---------------------------------------------------------------------------

thread_local! {
    /// Set while the runtime serializes parameters of a `/rest` request, so
    /// that [`VapiMap`] picks the legacy list encoding. Serialization through
    /// serde is synchronous, so a thread-local cannot leak across requests.
    static REST_ENCODING: Cell<bool> = const { Cell::new(false) };
}

/// Restores the previous encoding mode on drop, so nesting and panics inside
/// the serializer leave the thread in a clean state.
struct EncodingGuard(bool);

impl Drop for EncodingGuard {
    fn drop(&mut self) {
        REST_ENCODING.with(|mode| mode.set(self.0));
    }
}

fn with_encoding<R>(rest: bool, f: impl FnOnce() -> R) -> R {
    let previous = REST_ENCODING.with(|mode| mode.replace(rest));
    let _guard = EncodingGuard(previous);
    f()
}

/// Serializes `value` the way a legacy `/rest` request carries it: maps become
/// lists of `{"key": k, "value": v}` objects.
pub fn to_rest_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<serde_json::Value> {
    with_encoding(true, || serde_json::to_value(value))
}

/// Serializes `value` the way an `/api` request carries it: maps are JSON
/// objects.
pub fn to_api_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<serde_json::Value> {
    with_encoding(false, || serde_json::to_value(value))
}

fn rest_encoding_active() -> bool {
    REST_ENCODING.with(Cell::get)
}

// ---------------------------------------------------------------------------
// Secret
// ---------------------------------------------------------------------------

/// A vAPI `SECRET` value (passwords, tokens).
///
/// It serializes as a plain string because the server needs it, but `Debug`
/// never shows the content and there is deliberately no `Display`, so a secret
/// cannot end up in logs or error messages by accident. Use
/// [`Secret::expose`] where the raw value is really needed.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret in clear text.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper and returns the clear text.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret(value.clone())
    }
}

impl From<&Secret> for Secret {
    fn from(value: &Secret) -> Self {
        value.clone()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

// ---------------------------------------------------------------------------
// Binary
// ---------------------------------------------------------------------------

/// Standard alphabet; padding is optional on input because not every server
/// component pads its output.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// A vAPI `BINARY` value: bytes carried as a base64 string.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Binary(bytes.into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Consumes the wrapper and returns the bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// The base64 text used on the wire.
    pub fn to_base64(&self) -> String {
        BASE64.encode(&self.0)
    }

    /// Decodes base64 text (standard alphabet, padding optional); `None`
    /// when the text is not base64.
    pub fn from_base64(text: &str) -> Option<Self> {
        BASE64.decode(text.trim()).ok().map(Binary)
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Binary payloads can be large (certificates, files); their length is
        // what matters when debugging.
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Binary {
    fn from(value: Vec<u8>) -> Self {
        Binary(value)
    }
}

impl From<&[u8]> for Binary {
    fn from(value: &[u8]) -> Self {
        Binary(value.to_vec())
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Binary::from_base64(&text)
            .ok_or_else(|| de::Error::custom("invalid base64 in binary value"))
    }
}

// ---------------------------------------------------------------------------
// DateTime
// ---------------------------------------------------------------------------

/// A vAPI `DATE_TIME` value, e.g. `2024-03-01T12:30:00.000Z`.
///
/// The wire text is kept exactly as received so that a value read from the
/// server round-trips unchanged; [`DateTime::unix_millis`] interprets it.
/// Values this client creates use the canonical vAPI form (UTC, milliseconds,
/// `Z` suffix).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(String);

impl DateTime {
    /// Wraps wire text without checking it (servers are not always strict).
    pub fn from_wire(text: impl Into<String>) -> Self {
        DateTime(text.into())
    }

    /// Parses RFC 3339 text (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`), keeping it.
    pub fn parse(text: &str) -> Option<Self> {
        parse_rfc3339_millis(text).map(|_| DateTime(text.to_owned()))
    }

    /// The canonical vAPI text for a point in time given in milliseconds since
    /// the Unix epoch.
    pub fn from_unix_millis(millis: i64) -> Self {
        let days = millis.div_euclid(86_400_000);
        let in_day = millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (hour, rest) = (in_day / 3_600_000, in_day % 3_600_000);
        let (minute, rest) = (rest / 60_000, rest % 60_000);
        let (second, milli) = (rest / 1000, rest % 1000);
        DateTime(format!(
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z"
        ))
    }

    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Milliseconds since the Unix epoch, or `None` when the text is not
    /// RFC 3339.
    pub fn unix_millis(&self) -> Option<i64> {
        parse_rfc3339_millis(&self.0)
    }

    /// The point in time, or `None` when the text is not RFC 3339.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let millis = self.unix_millis()?;
        if millis >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_millis(millis.unsigned_abs()))
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_millis(millis.unsigned_abs()))
        }
    }
}

impl Default for DateTime {
    /// The Unix epoch.
    fn default() -> Self {
        DateTime::from_unix_millis(0)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({})", self.0)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<SystemTime> for DateTime {
    fn from(value: SystemTime) -> Self {
        let millis = match value.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        DateTime::from_unix_millis(millis)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(DateTime)
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (H. Hinnant's civil-from-days algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_rfc3339_millis(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut pos = 19;
    let mut millis = 0;
    if bytes.get(pos) == Some(&b'.') {
        let start = pos + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        // Only the first three fraction digits matter at millisecond precision.
        let digits = text.get(start..end.min(start + 3))?;
        millis = digits.parse::<i64>().ok()? * 10_i64.pow(3 - u32::try_from(digits.len()).ok()?);
        pos = end;
    }
    let offset_minutes = match text.get(pos..)? {
        "Z" | "z" => 0,
        zone if zone.len() == 6 && zone.as_bytes()[3] == b':' => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (number(pos + 1..pos + 3)? * 60 + number(pos + 4..pos + 6)?)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

// ---------------------------------------------------------------------------
// VapiMap
// ---------------------------------------------------------------------------

/// A vAPI `MAP` value.
///
/// Ordered (a `BTreeMap` inside) so that serialized output is deterministic.
/// It deserializes from a JSON object (`/api`) or from a list of
/// `{"key": k, "value": v}` entries (`/rest`), and serializes as a list while
/// the runtime encodes a `/rest` request (see [`to_rest_value`]) and as an
/// object otherwise.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VapiMap<K: Ord, V>(pub BTreeMap<K, V>);

impl<K: Ord, V> VapiMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        VapiMap(BTreeMap::new())
    }

    /// Consumes the wrapper and returns the map.
    pub fn into_inner(self) -> BTreeMap<K, V> {
        self.0
    }
}

impl<K: Ord, V> Default for VapiMap<K, V> {
    fn default() -> Self {
        VapiMap(BTreeMap::new())
    }
}

impl<K: Ord + fmt::Debug, V: fmt::Debug> fmt::Debug for VapiMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<K: Ord, V> Deref for VapiMap<K, V> {
    type Target = BTreeMap<K, V>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K: Ord, V> DerefMut for VapiMap<K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Ord, V> From<BTreeMap<K, V>> for VapiMap<K, V> {
    fn from(value: BTreeMap<K, V>) -> Self {
        VapiMap(value)
    }
}

impl<K: Ord, V> From<VapiMap<K, V>> for BTreeMap<K, V> {
    fn from(value: VapiMap<K, V>) -> Self {
        value.0
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VapiMap<K, V> {
    fn from(value: [(K, V); N]) -> Self {
        VapiMap(BTreeMap::from(value))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VapiMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        VapiMap(iter.into_iter().collect())
    }
}

impl<K: Ord, V> Extend<(K, V)> for VapiMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl<K: Ord, V> IntoIterator for VapiMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::collections::btree_map::IntoIter<K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a VapiMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One entry of the `/rest` list encoding of a map.
struct Entry<'a, K, V> {
    key: &'a K,
    value: &'a V,
}

impl<K: Serialize, V: Serialize> Serialize for Entry<'_, K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entry = serializer.serialize_struct("MapEntry", 2)?;
        entry.serialize_field("key", self.key)?;
        entry.serialize_field("value", self.value)?;
        entry.end()
    }
}

impl<K: Ord + Serialize, V: Serialize> Serialize for VapiMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if rest_encoding_active() {
            let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
            for (key, value) in &self.0 {
                seq.serialize_element(&Entry { key, value })?;
            }
            seq.end()
        } else {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (key, value) in &self.0 {
                map.serialize_entry(key, value)?;
            }
            map.end()
        }
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "K: Deserialize<'de>, V: Deserialize<'de>"))]
struct OwnedEntry<K, V> {
    key: K,
    value: V,
}

struct VapiMapVisitor<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for VapiMapVisitor<K, V>
where
    K: Ord + Deserialize<'de>,
    V: Deserialize<'de>,
{
    type Value = VapiMap<K, V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or a list of {\"key\", \"value\"} entries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = BTreeMap::new();
        while let Some((key, value)) = access.next_entry()? {
            map.insert(key, value);
        }
        Ok(VapiMap(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = BTreeMap::new();
        while let Some(OwnedEntry { key, value }) = access.next_element::<OwnedEntry<K, V>>()? {
            map.insert(key, value);
        }
        Ok(VapiMap(map))
    }
}

impl<'de, K, V> Deserialize<'de> for VapiMap<K, V>
where
    K: Ord + Deserialize<'de>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VapiMapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_debug_hides_value_and_serializes_clear() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(serde_json::to_value(&secret).unwrap(), json!("hunter2"));
        let back: Secret = serde_json::from_value(json!("x")).unwrap();
        assert_eq!(back.expose(), "x");
    }

    #[test]
    fn binary_round_trips_base64() {
        let value = Binary::new(b"hello".to_vec());
        assert_eq!(serde_json::to_value(&value).unwrap(), json!("aGVsbG8="));
        let back: Binary = serde_json::from_value(json!("aGVsbG8")).unwrap();
        assert_eq!(back.as_bytes(), b"hello");
        assert!(serde_json::from_value::<Binary>(json!("!!")).is_err());
    }

    #[test]
    fn map_encodings() {
        let map: VapiMap<String, i64> = [("b".to_owned(), 2), ("a".to_owned(), 1)].into();
        assert_eq!(to_api_value(&map).unwrap(), json!({"a": 1, "b": 2}));
        assert_eq!(
            to_rest_value(&map).unwrap(),
            json!([{"key": "a", "value": 1}, {"key": "b", "value": 2}])
        );
        // The mode is scoped to the call.
        assert_eq!(serde_json::to_value(&map).unwrap(), json!({"a": 1, "b": 2}));
        let from_list: VapiMap<String, i64> =
            serde_json::from_value(json!([{"key": "a", "value": 1}])).unwrap();
        let from_object: VapiMap<String, i64> = serde_json::from_str(r#"{"a": 1}"#).unwrap();
        assert_eq!(from_list, from_object);
        let numeric_keys: VapiMap<i64, String> = serde_json::from_str(r#"{"7": "x"}"#).unwrap();
        assert_eq!(numeric_keys.get(&7).map(String::as_str), Some("x"));
    }

    #[test]
    fn nested_maps_follow_the_mode() {
        let inner: VapiMap<String, String> = [("k".to_owned(), "v".to_owned())].into();
        let outer: VapiMap<String, VapiMap<String, String>> = [("o".to_owned(), inner)].into();
        assert_eq!(
            to_rest_value(&outer).unwrap(),
            json!([{"key": "o", "value": [{"key": "k", "value": "v"}]}])
        );
    }

    #[test]
    fn date_time_parsing_and_formatting() {
        let dt = DateTime::from_unix_millis(1_709_296_200_123);
        assert_eq!(dt.as_str(), "2024-03-01T12:30:00.123Z");
        assert_eq!(dt.unix_millis(), Some(1_709_296_200_123));
        assert_eq!(
            DateTime::from_wire("1969-12-31T23:59:59.999Z").unix_millis(),
            Some(-1)
        );
        assert_eq!(
            DateTime::from_wire("2024-03-01T14:30:00+02:00").unix_millis(),
            Some(1_709_296_200_000)
        );
        assert_eq!(
            DateTime::from_wire("2024-03-01T12:30:00.1234567Z").unix_millis(),
            Some(1_709_296_200_123)
        );
        assert_eq!(DateTime::from_wire("yesterday").unix_millis(), None);
        assert_eq!(
            DateTime::from_wire("2024-13-01T00:00:00Z").unix_millis(),
            None
        );
        assert_eq!(DateTime::default().as_str(), "1970-01-01T00:00:00.000Z");
        let now = DateTime::now();
        assert!(now.to_system_time().is_some());
        let wire: DateTime = serde_json::from_value(json!("2015-10-06T21:24:05.000Z")).unwrap();
        assert_eq!(
            serde_json::to_value(&wire).unwrap(),
            json!("2015-10-06T21:24:05.000Z")
        );
    }
}
