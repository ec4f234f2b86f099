//! The canonical serialisation: what tcfg stores in etcd and prints.
//!
//! One form per meaning, so that text comparisons, diffs and etcd values stay
//! stable: items ordered most specific first (stable for equal constraint
//! sets, whose order matters to Temporal), `value` before `constraints`,
//! constraint fields in Temporal's order, empty constraints omitted, map keys
//! sorted. Scalars are written so that yaml.v3 reads back the same value and
//! type, and quoted wherever a YAML 1.1 reader would see a bool or number.

use crate::constraints::{ConstraintField, Constraints};
use crate::document::{ConstrainedValue, Document};
use crate::value::Value;
use crate::yaml::plain_reads_as_string;

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
fn push_string(out: &mut String, s: &str) {
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
fn push_scalar(out: &mut String, v: &Value) -> bool {
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
fn push_flow(out: &mut String, v: &Value) {
    crate::stack::deep(|| match v {
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

/// How many levels of a value are written in block style; deeper levels
/// are written in flow style on one line, so that the text stays linear in
/// the value's size (block style indents every level further).
const BLOCK_LEVELS: usize = 32;

/// The deepest value the canonical form writes within yaml.v3's limits
/// (its flow levels count against the 10,000 levels yaml.v3 accepts).
pub const MAX_WRITABLE_DEPTH: usize = BLOCK_LEVELS + crate::yaml::MAX_DEPTH;

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Write `v` after a `key:` already on the line whose indentation is `at`.
fn after_key(out: &mut String, v: &Value, at: usize) {
    out.push(' ');
    if push_scalar(out, v) {
        out.push('\n');
        return;
    }
    if at > 2 * BLOCK_LEVELS {
        push_flow(out, v);
        out.push('\n');
        return;
    }
    out.pop();
    out.push('\n');
    match v {
        Value::Map(m) => map_entries(out, m.iter().map(|(k, v)| (k.as_str(), v)), at + 2, false),
        Value::List(l) => list_entries(out, l, at + 2, false),
        _ => unreachable!("scalars are written inline"),
    }
}

fn map_entries<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
    at: usize,
    first_inline: bool,
) {
    for (i, (k, v)) in entries.enumerate() {
        if !(first_inline && i == 0) {
            indent(out, at);
        }
        push_string(out, k);
        out.push(':');
        crate::stack::deep(|| after_key(out, v, at));
    }
}

fn list_entries(out: &mut String, l: &[Value], at: usize, first_inline: bool) {
    for (i, v) in l.iter().enumerate() {
        if !(first_inline && i == 0) {
            indent(out, at);
        }
        out.push_str("- ");
        if push_scalar(out, v) {
            out.push('\n');
            continue;
        }
        if at > 2 * BLOCK_LEVELS {
            push_flow(out, v);
            out.push('\n');
            continue;
        }
        crate::stack::deep(|| match v {
            Value::Map(m) => map_entries(out, m.iter().map(|(k, v)| (k.as_str(), v)), at + 2, true),
            Value::List(inner) => list_entries(out, inner, at + 2, true),
            _ => unreachable!("scalars are written inline"),
        });
    }
}

/// A mapping written in the given key order (for reports such as an
/// effective value), each value as the canonical form writes values.
pub fn mapping_to_yaml(entries: &[(&str, &Value)]) -> String {
    let mut out = String::new();
    for (k, v) in entries {
        push_string(&mut out, k);
        out.push(':');
        after_key(&mut out, v, 0);
    }
    out
}

/// Items in canonical order: most specific constraint sets first, equal
/// sets kept in their given order (Temporal uses the first of them).
pub fn canonical_order(items: &[ConstrainedValue]) -> Vec<&ConstrainedValue> {
    let mut sorted: Vec<&ConstrainedValue> = items.iter().collect();
    sorted.sort_by(|a, b| canonical_cmp(a, b));
    sorted
}

fn canonical_cmp(a: &ConstrainedValue, b: &ConstrainedValue) -> std::cmp::Ordering {
    b.constraints
        .fields()
        .len()
        .cmp(&a.constraints.fields().len())
        .then_with(|| a.constraints.cmp(&b.constraints))
}

fn write_constraints(out: &mut String, c: &Constraints, at: usize) {
    if c.is_empty() {
        return;
    }
    indent(out, at);
    out.push_str("constraints:\n");
    use ConstraintField as F;
    let c = c.view();
    for field in ConstraintField::ALL {
        let text = match field {
            F::Namespace => c.namespace,
            F::NamespaceId => c.namespace_id,
            F::TaskQueueName => c.task_queue_name,
            F::Destination => c.destination,
            F::ChasmTaskType => c.chasm_task_type,
            _ => None,
        };
        let named = match field {
            // Temporal takes only a positive int here, then keeps 32 bits:
            // a negative type is written as the positive number that wraps to it.
            F::TaskType => c.task_type.map(|t| match t.name() {
                Some(n) => n.to_string(),
                None => (t.0 as u32).to_string(),
            }),
            F::HistoryTaskType => c.history_task_type.map(|t| t.portable()),
            F::ShardId => c.shard_id.map(|n| n.to_string()),
            _ => None,
        };
        if text.is_none() && named.is_none() {
            continue;
        }
        indent(out, at + 2);
        out.push_str(field.name());
        out.push_str(": ");
        match (text, named) {
            (Some(t), _) => push_string(out, t),
            (None, Some(n)) => out.push_str(&n),
            (None, None) => {}
        }
        out.push('\n');
    }
}

fn write_items(out: &mut String, items: &[ConstrainedValue], at: usize) {
    let write = |item: &ConstrainedValue| {
        indent(out, at);
        out.push_str("- value:");
        after_key(out, &item.value, at + 2);
        write_constraints(out, &item.constraints, at + 2);
    };
    // Stored lists are mostly in canonical order already: no sorted copy then.
    if items.is_sorted_by(|a, b| canonical_cmp(a, b).is_le()) {
        items.iter().for_each(write);
    } else {
        canonical_order(items).into_iter().for_each(write);
    }
}

/// The canonical YAML of one key's list: the value tcfg stores in etcd.
pub fn items_to_yaml(items: &[ConstrainedValue]) -> String {
    if items.is_empty() {
        return "[]\n".into();
    }
    let mut out = String::new();
    write_items(&mut out, items, 0);
    out
}

/// Whether `text` is exactly [`items_to_yaml`] of `items`, without a new
/// String per call (reading a prefix checks every stored value).
pub fn is_canonical_text(items: &[ConstrainedValue], text: &str) -> bool {
    thread_local! {
        static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        if items.is_empty() {
            buf.push_str("[]\n");
        } else {
            write_items(buf, items, 0);
        }
        buf == text
    })
}

/// The canonical YAML of a whole document: keys sorted case-insensitively,
/// each written with the spelling it has in the document.
pub fn document_to_yaml(doc: &Document) -> String {
    let mut entries: Vec<_> = doc.entries.iter().collect();
    entries.sort_by(|a, b| crate::key::document_order(&a.key, &b.key));
    let mut out = String::new();
    for e in entries {
        push_entry(&mut out, e.key.as_str(), &e.items, None);
    }
    if out.is_empty() {
        out.push_str("{}\n");
    }
    out
}

/// One key of a document, as [`document_to_yaml`] writes it: the key and
/// its list, taken from `canonical` when given (the exact text
/// [`items_to_yaml`] gives for `items`).
pub fn push_entry(out: &mut String, key: &str, items: &[ConstrainedValue], canonical: Option<&str>) {
    push_string(out, key);
    if items.is_empty() {
        out.push_str(": []\n");
        return;
    }
    out.push_str(":\n");
    match canonical {
        // The list at the document's indentation: every line of the
        // canonical form starts with `-` or spaces (no block scalars).
        Some(text) => {
            for line in text.split_inclusive('\n') {
                if line != "\n" {
                    out.push_str("  ");
                }
                out.push_str(line);
            }
        }
        None => write_items(out, items, 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

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
            crate::yaml::resolve_plain(&float_text(1e300)),
            crate::yaml::NodeKind::Float(_)
        ));
    }

    #[test]
    fn nested_values_are_block_style() {
        let mut inner = BTreeMap::new();
        inner.insert("Pattern".to_string(), Value::String("*".into()));
        inner.insert("AllowInsecure".to_string(), Value::Bool(true));
        let items = vec![ConstrainedValue::new(
            Value::List(vec![Value::Map(inner)]),
            Constraints::default(),
        )];
        assert_eq!(
            items_to_yaml(&items),
            "- value:\n    - AllowInsecure: true\n      Pattern: \"*\"\n"
        );
    }

    #[test]
    fn flow_form() {
        let v = Value::List(vec![
            Value::Int(1),
            Value::String("a,b".into()),
            Value::String("true".into()),
        ]);
        assert_eq!(flow(&v), "[1, \"a,b\", \"true\"]");
    }

    #[test]
    fn deep_values_turn_to_flow_style_and_read_back() {
        let mut v = Value::String("a,b".into());
        for i in 0..200 {
            v = if i % 2 == 0 {
                Value::List(vec![v, Value::Int(i)])
            } else {
                Value::Map(BTreeMap::from([("k".to_string(), v)]))
            };
        }
        let items = vec![ConstrainedValue::new(v, Constraints::default())];
        let text = items_to_yaml(&items);
        // Linear: no line is indented past the block levels.
        assert!(text.len() < 10_000, "{} bytes", text.len());
        let back = crate::document::parse_items("t", "k", &text);
        assert!(back.findings.is_empty(), "{:?}", back.findings);
        assert_eq!(back.value, items);
    }
}
