//! A value as YAML text: scalars written so that yaml.v3 reads back the same
//! value and type (quoted wherever a YAML 1.1 reader would see a bool,
//! number, time or null), and whole values in flow style on one line.

use crate::model::value::Value;
use crate::model::yaml::plain_reads_as_string;

/// A float as YAML text that reads back as the same float.
pub fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        // Debug keeps a `.0` or an exponent, so the text never reads as an int.
        format!("{f:?}")
    }
}

const YAML11_WORDS: [&str; 22] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<",
    "null", "Null", "NULL", "~",
];

fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    // Dotted names (every key name, most identifiers): no YAML reader takes
    // a word that starts with a letter and has a dot for anything but a string.
    if first.is_ascii_alphabetic()
        && s.contains('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return false;
    }
    if !plain_reads_as_string(s) || YAML11_WORDS.contains(&s) {
        return true;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() || s.ends_with(char::is_whitespace) {
        return true;
    }
    // YAML 1.1 readers see sexagesimal numbers (1:30) and timestamps in these.
    if first.is_ascii_digit() && (s.contains(':') || s.contains('-')) {
        return true;
    }
    s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars()
            .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// A string as a YAML scalar: plain when that reads back as the same string.
pub fn string_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// [`string_text`], written into `out`.
pub(crate) fn push_string(out: &mut String, s: &str) {
    if needs_quotes(s) {
        push_quoted(out, s);
    } else {
        out.push_str(s);
    }
}

/// `s` as a double-quoted YAML scalar.
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Write `v` if it is written inline (a scalar or an empty collection).
pub(crate) fn push_scalar(out: &mut String, v: &Value) -> bool {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => push_int(out, *i),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&float_text(*f)),
        // Plain, it reads back as the same timestamp.
        Value::Time(t) => out.push_str(t),
        Value::String(s) => push_string(out, s),
        Value::List(l) if l.is_empty() => out.push_str("[]"),
        Value::Map(m) if m.is_empty() => out.push_str("{}"),
        _ => return false,
    }
    true
}

/// An integer in decimal: without the formatting machinery, which costs
/// more than the rest of writing a small stored value.
fn push_int(out: &mut String, i: i64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut n = i.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    for &b in &buf[at..] {
        out.push(char::from(b));
    }
}

/// One-line flow form (`{a: 1, b: [x, y]}`), for messages and tables.
pub fn flow(v: &Value) -> String {
    let mut out = String::new();
    push_flow(&mut out, v);
    out
}

/// A string inside a flow collection, where `,[]{}` are indicators too (and
/// YAML 1.1 readers treat `:` and `#` warily).
fn push_flow_string(out: &mut String, s: &str) {
    if s.contains([',', '[', ']', '{', '}', ':', '#']) && !needs_quotes(s) {
        push_quoted(out, s);
    } else {
        push_string(out, s);
    }
}

/// `v` in flow style, written into `out`.
pub(crate) fn push_flow(out: &mut String, v: &Value) {
    crate::model::stack::deep(|| match v {
        Value::List(l) if !l.is_empty() => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_flow(out, item);
            }
            out.push(']');
        }
        Value::Map(m) if !m.is_empty() => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_flow_string(out, k);
                out.push_str(": ");
                push_flow(out, item);
            }
            out.push('}');
        }
        Value::String(s) => push_flow_string(out, s),
        other => {
            push_scalar(out, other);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_as_display_writes_them() {
        for i in [0, 7, -7, 10, 1_000_000, -45_678, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, i);
            assert_eq!(out, i.to_string());
        }
    }

    #[test]
    fn strings_that_look_like_other_types_are_quoted() {
        for s in [
            "true",
            "yes",
            "on",
            "Off",
            "10",
            "0777",
            "1e3",
            "",
            " x",
            "null",
            "~",
            "1:30",
            "2001-12-14",
            "-5",
            "a: b",
            "#x",
            "*",
            "<<",
        ] {
            assert!(string_text(s).starts_with('"'), "{s:?} should be quoted");
        }
        for s in [
            "10s",
            "1m30s",
            "off-ish",
            "http://localhost:7243/namespaces/{{.NamespaceName}}/nexus/callback",
            "temporal-sys-per-ns-tq",
        ] {
            assert_eq!(string_text(s), s, "{s:?} should stay plain");
        }
        assert_eq!(string_text("a\"b\n"), "\"a\\\"b\\n\"");
    }

    #[test]
    fn floats_keep_their_type() {
        assert_eq!(float_text(1.0), "1.0");
        assert_eq!(float_text(0.5), "0.5");
        assert_eq!(float_text(f64::INFINITY), ".inf");
        assert!(matches!(
            crate::model::yaml::resolve_plain(&float_text(1e300)),
            crate::model::yaml::NodeKind::Float(_)
        ));
    }
}
