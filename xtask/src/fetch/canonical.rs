//! The canonical text of every JSON file under `metamodel-snapshots/`.
//!
//! Snapshots are committed, so the same data must always produce the same bytes, whoever writes
//! them. The format is the one Python's `json.dumps(value, indent=2, sort_keys=True,
//! ensure_ascii=False)` produces, followed by a newline:
//!
//! - two-space indentation, `", "`-free item separator (`,` at line end) and `": "` after keys;
//! - empty arrays and objects written as `[]` and `{}`;
//! - object keys sorted by code point (which is also UTF-8 byte order);
//! - strings as UTF-8, escaping only `"` and `\` (as `\"`, `\\`) and control characters below
//!   U+0020 (`\b`, `\f`, `\n`, `\r`, `\t`, otherwise a lowercase `\u00XX`); everything else,
//!   U+007F and non-ASCII text included, is written as is;
//! - integers in decimal; floats as Python's `repr` writes them (shortest round-trip digits,
//!   scientific notation with a signed two-digit exponent outside `1e-5 <= |x| < 1e16`).
//!
//! The writer sorts keys itself instead of relying on `serde_json::Map` iteration order, which
//! changes if any crate in the build turns on serde_json's `preserve_order` feature.

use serde_json::Value;
use std::fmt::Write as _;

/// The canonical file contents for `value`, including the trailing newline.
pub(crate) fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_and_indent(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            newline_and_indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_and_indent(out, depth + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, depth + 1);
            }
            newline_and_indent(out, depth);
            out.push('}');
        }
    }
}

fn newline_and_indent(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{0}'..='\u{1f}' => {
                // Writing into a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, number: &serde_json::Number) {
    if let Some(unsigned) = number.as_u64() {
        let _ = write!(out, "{unsigned}");
    } else if let Some(signed) = number.as_i64() {
        let _ = write!(out, "{signed}");
    } else if let Some(float) = number.as_f64() {
        out.push_str(&python_float_repr(float));
    } else {
        // Only reachable with serde_json's `arbitrary_precision`, where the number keeps its
        // original text; that text is already valid JSON.
        out.push_str(&number.to_string());
    }
}

/// `repr(x)` of a finite Python float.
fn python_float_repr(x: f64) -> String {
    // Rust's `{:e}` writes the shortest digits that round-trip, like Python's repr, just in a
    // different layout: `d[.ddd]e<exp>`.
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // Python's notion: x = 0.DIGITS * 10^point.
    let point = exponent + 1;

    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.unsigned_abs());
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let point = point as usize;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Expected texts below were produced by CPython 3:
    // json.dumps(v, indent=2, sort_keys=True, ensure_ascii=False) + "\n".

    #[test]
    fn layout_matches_python() {
        let value = json!({"b": [1, {}, [], {"y": null, "x": true}], "a": "z", "c": {}});
        let expected = "{\n  \"a\": \"z\",\n  \"b\": [\n    1,\n    {},\n    [],\n    {\n      \"x\": true,\n      \"y\": null\n    }\n  ],\n  \"c\": {}\n}\n";
        assert_eq!(to_canonical_string(&value), expected);
    }

    #[test]
    fn scalars_at_top_level() {
        assert_eq!(to_canonical_string(&json!(null)), "null\n");
        assert_eq!(to_canonical_string(&json!([])), "[]\n");
        assert_eq!(to_canonical_string(&json!(-7)), "-7\n");
        assert_eq!(
            to_canonical_string(&json!(u64::MAX)),
            "18446744073709551615\n"
        );
    }

    #[test]
    fn strings_escape_like_python() {
        let value = json!("é\u{7f}\u{1}\u{1f}\n😀/\"\\\t\u{8}\u{c}\r\u{2028}~ ");
        assert_eq!(
            to_canonical_string(&value),
            "\"é\u{7f}\\u0001\\u001f\\n😀/\\\"\\\\\\t\\b\\f\\r\u{2028}~ \"\n"
        );
    }

    #[test]
    fn keys_sort_by_code_point() {
        let value =
            json!({"é": 1, "z": 2, "Z": 3, "a_b": 4, "ab": 5, "\u{1F600}": 6, "\u{FF21}": 7});
        assert_eq!(
            to_canonical_string(&value),
            "{\n  \"Z\": 3,\n  \"a_b\": 4,\n  \"ab\": 5,\n  \"z\": 2,\n  \"é\": 1,\n  \"\u{FF21}\": 7,\n  \"\u{1F600}\": 6\n}\n"
        );
    }

    #[test]
    fn floats_match_python_repr() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-05, "1e-05"),
            (1.25e-05, "1.25e-05"),
            (2.5e-300, "2.5e-300"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (std::f64::consts::PI, "3.141592653589793"),
            (1234.5678, "1234.5678"),
        ];
        for (value, expected) in cases {
            assert_eq!(python_float_repr(*value), *expected, "repr of {value:e}");
        }
    }

    #[test]
    fn parsed_numbers_keep_their_python_form() {
        let value: Value = serde_json::from_str(r#"[1.0, 1e2, -3, 0.30000000000000004, 1E-7]"#)
            .expect("valid JSON");
        assert_eq!(
            to_canonical_string(&value),
            "[\n  1.0,\n  100.0,\n  -3,\n  0.30000000000000004,\n  1e-07\n]\n"
        );
    }
}
