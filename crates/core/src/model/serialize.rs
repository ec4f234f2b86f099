//! The canonical serialisation: what tcfg stores in etcd and prints.
//!
//! One form per meaning, so that text comparisons, diffs and etcd values stay
//! stable: items ordered most specific first (stable for equal constraint
//! sets, whose order matters to Temporal), `value` before `constraints`,
//! constraint fields in Temporal's order, empty constraints omitted, map keys
//! sorted. Scalars are written so that yaml.v3 reads back the same value and
//! type, and quoted wherever a YAML 1.1 reader would see a bool or number.

use crate::model::constraints::{ConstraintField, Constraints};
use crate::model::document::{ConstrainedValue, Document};
use crate::model::value::text::{push_flow, push_scalar, push_string};
use crate::model::value::Value;

/// How many levels of a value are written in block style; deeper levels
/// are written in flow style on one line, so that the text stays linear in
/// the value's size (block style indents every level further).
const BLOCK_LEVELS: usize = 32;

/// The deepest value the canonical form writes within yaml.v3's limits
/// (its flow levels count against the 10,000 levels yaml.v3 accepts).
pub const MAX_WRITABLE_DEPTH: usize = BLOCK_LEVELS + crate::model::yaml::MAX_DEPTH;

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
        crate::model::stack::deep(|| after_key(out, v, at));
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
        crate::model::stack::deep(|| match v {
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
    entries.sort_by(|a, b| crate::model::key::document_order(&a.key, &b.key));
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

impl Document {
    /// The canonical YAML text.
    pub fn to_yaml(&self) -> String {
        document_to_yaml(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::text::flow;
    use std::collections::BTreeMap;

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
        let back = crate::model::parse::parse_items("t", "k", &text);
        assert!(back.findings.is_empty(), "{:?}", back.findings);
        assert_eq!(back.value, items);
    }
}
