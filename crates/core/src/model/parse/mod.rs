//! Reading documents from YAML or JSON as Temporal's file client does, with
//! every problem Temporal would reject (or read otherwise than written)
//! reported at its position.

use std::borrow::Cow;

use crate::model::constraints::{ConstraintField, ConstraintValue, Constraints, HistoryTaskType, TaskQueueType};
use crate::model::document::{ConstrainedValue, Document, Entry, ItemPos, Parsed};
use crate::model::finding::{Code, Finding};
use crate::model::key::Key;
use crate::model::value::Value;
use crate::model::yaml::{self, LoadError, Node, NodeKind, Pos, Shape};

mod item;
use item::read_items;

fn load_error(origin: &str, e: &LoadError) -> Finding {
    match e {
        LoadError::Syntax { pos, message } => Finding::new(
            Code::YamlSyntax,
            origin,
            *pos,
            None,
            format!("not valid YAML: {message}"),
        )
        .with_hint(
            "the mistake may be earlier (an unclosed bracket or quote); Temporal rejects the whole file and keeps its old values",
        ),
        LoadError::Limit { pos, message } => Finding::new(Code::YamlLimit, origin, *pos, None, message.clone())
            .with_hint("Temporal rejects the whole file and keeps its old values; tcfg refuses it too"),
        LoadError::DuplicateKey { key, pos, first } => Finding::new(
            Code::DuplicateKey,
            origin,
            *pos,
            None,
            format!("key {key:?} is defined twice (first at line {})", first.line),
        )
        .with_hint("YAML forbids duplicate keys and Temporal rejects the file: merge the two"),
    }
}

/// A finding's message with what Temporal does about it: the whole file is
/// refused, and the server keeps the values it had.
fn rejected(msg: impl Into<String>) -> String {
    let msg = msg.into();
    if msg.contains("rejects") {
        msg
    } else {
        format!("{msg}; Temporal rejects the whole file and keeps its old values")
    }
}

fn is_empty(root: &Option<Node>) -> bool {
    root.as_ref().is_none_or(|r| matches!(r.kind, NodeKind::Null))
}

/// yaml.v3 reads the first document and never looks further.
fn second_document(origin: &str, key: Option<&str>, rest: yaml::Rest, first_empty: bool) -> Finding {
    let f = |message: &str| Finding::new(Code::SecondDocument, origin, rest.pos, key, message);
    if !rest.has_content {
        return f("a `---` starts a second, empty YAML document; Temporal reads only the first and ignores it")
            .with_hint("remove the `---` line");
    }
    let f = if first_empty && key.is_some() {
        f("the first YAML document is empty and Temporal reads only that one: the key has no items, and everything from here is ignored")
    } else if first_empty {
        f("the first YAML document is empty and Temporal reads only that one: it loads an empty config, which drops every override, and ignores everything from here")
    } else {
        f("Temporal reads only the first YAML document and ignores everything from here: nothing below takes effect")
    };
    f.with_level(crate::model::finding::Level::Error)
        .with_hint("remove the `---` line so the file is one document")
}

fn key_text(node: &Node) -> Cow<'_, str> {
    match &node.kind {
        NodeKind::Str(s) => Cow::Borrowed(s),
        NodeKind::Int(i) => i.to_string().into(),
        NodeKind::Uint(u) => u.to_string().into(),
        NodeKind::Float(f) => f.to_string().into(),
        NodeKind::Bool(b) => b.to_string().into(),
        NodeKind::Time(t) => Cow::Borrowed(t),
        NodeKind::Null => Cow::Borrowed(""),
        NodeKind::Seq(_) | NodeKind::Map(_) => Cow::Borrowed("<complex key>"),
    }
}

/// Read a whole dynamic config file (YAML or JSON).
pub fn parse_document(origin: &str, text: &str) -> Parsed<Document> {
    let mut doc = Document::new(origin);
    let mut findings = Vec::new();
    let root = match yaml::load_first(text, Shape::Document) {
        Ok(first) => {
            if let Some(rest) = first.rest {
                findings.push(second_document(origin, None, rest, is_empty(&first.root)));
            }
            match first.root {
                Some(root) => root,
                None => return Parsed { value: doc, findings },
            }
        }
        Err(e) => {
            findings.push(load_error(origin, &e));
            return Parsed { value: doc, findings };
        }
    };
    let root_pos = root.pos;
    match root.into_kind() {
        NodeKind::Null => {}
        NodeKind::Map(pairs) => {
            // A key named again (only an alias can: two equal scalars are a
            // duplicate-key error) replaces the earlier list, as assigning
            // into Go's map does. yaml.v3 still decoded the earlier one, so
            // its decoding errors reject the file; Temporal's own checks of
            // constraints and values never see it.
            let mut last: std::collections::HashMap<Cow<'_, str>, usize> = std::collections::HashMap::new();
            for (i, (k, _)) in pairs.iter().enumerate() {
                last.insert(key_text(k), i);
            }
            let replaced: Vec<bool> = pairs
                .iter()
                .enumerate()
                .map(|(i, (k, _))| last[&key_text(k)] != i)
                .collect();
            drop(last);
            for ((k, v), replaced) in pairs.into_iter().zip(replaced) {
                let name = key_text(&k).into_owned();
                if replaced {
                    let mut decoding = Vec::new();
                    read_items(origin, &name, v, &mut decoding);
                    findings.extend(decoding.into_iter().filter(|f| is_decoding_error(f.code)));
                    continue;
                }
                let items = read_items(origin, &name, v, &mut findings);
                doc.entries.push(Entry {
                    key: Key::new(name),
                    items,
                    key_pos: k.pos,
                });
            }
        }
        other => findings.push(
            Finding::new(
                Code::NotAMap,
                origin,
                root_pos,
                None,
                rejected(format!(
                    "a dynamic config file must be a map of key names to lists, found {}",
                    other.describe()
                )),
            )
            .with_hint("write `frontend.rps:` on its own line, then its items as `- value: ...`"),
        ),
    }
    Parsed { value: doc, findings }
}

/// A finding yaml.v3 itself reports while decoding into Temporal's types
/// (a list that is not one, an item or constraints that are no map, an
/// item field set twice), as opposed to the loader's checks after it.
fn is_decoding_error(code: Code) -> bool {
    matches!(code, Code::NotAList | Code::NotAMap | Code::DuplicateKey)
}

/// Read one key's list as stored in etcd (the list alone, no key name).
pub fn parse_items(origin: &str, key: &str, text: &str) -> Parsed<Vec<ConstrainedValue>> {
    parse_stored(origin, key, text).0
}

/// [`parse_items`], also telling whether the text is exactly the canonical
/// serialisation of its items (so it can be printed as is).
pub fn parse_stored(origin: &str, key: &str, text: &str) -> (Parsed<Vec<ConstrainedValue>>, bool) {
    if let Some(items) = parse_canonical(text) {
        let parsed = Parsed {
            value: items,
            findings: Vec::new(),
        };
        return (parsed, true);
    }
    (parse_items_fully(origin, key, text), false)
}

fn parse_items_fully(origin: &str, key: &str, text: &str) -> Parsed<Vec<ConstrainedValue>> {
    let mut findings = Vec::new();
    let items = match yaml::load_first(text, Shape::Items) {
        Ok(first) => {
            if let Some(rest) = first.rest {
                findings.push(second_document(origin, Some(key), rest, is_empty(&first.root)));
            }
            match first.root {
                Some(root) => read_items(origin, key, root, &mut findings),
                None => Vec::new(),
            }
        }
        Err(e) => {
            let mut f = load_error(origin, &e);
            f.key = Some(key.to_string());
            findings.push(f);
            Vec::new()
        }
    };
    Parsed { value: items, findings }
}

/// A fast reader for the canonical form tcfg itself stores (scalar values,
/// plain scalars only), which is most of what a prefix holds. It accepts a
/// text only when serialising its result gives back exactly that text; the
/// round-trip property of the canonical form then guarantees the full parser
/// would read the same items. Anything else goes to the full parser.
fn parse_canonical(text: &str) -> Option<Vec<ConstrainedValue>> {
    if text == "[]\n" {
        return Some(Vec::new());
    }
    if !text.ends_with('\n') {
        return None;
    }
    // Sized exactly: a grown Vec would hold 4 items of 200 bytes each, and a
    // prefix has thousands of one-item lists.
    let bytes = text.as_bytes();
    let count = (0..bytes.len())
        .filter(|&i| bytes[i] == b'-' && (i == 0 || bytes[i - 1] == b'\n'))
        .count();
    let mut items: Vec<ConstrainedValue> = Vec::with_capacity(count);
    let mut in_constraints = false;
    for (i, line) in text[..text.len() - 1].split('\n').enumerate() {
        let n = i as u32 + 1;
        if let Some(v) = line.strip_prefix("- value: ") {
            items.push(ConstrainedValue {
                value: plain_value(v)?,
                constraints: Constraints::default(),
                pos: ItemPos {
                    item: Pos::new(n, 3),
                    value: Pos::new(n, 10),
                    constraints: Pos::new(n, 3),
                    ..ItemPos::default()
                },
            });
            in_constraints = false;
        } else if line == "  constraints:" {
            let item = items.last_mut()?;
            item.pos.constraints = Pos::new(n, 3);
            in_constraints = true;
        } else if let Some(rest) = line.strip_prefix("    ").filter(|_| in_constraints) {
            let (name, v) = rest.split_once(": ")?;
            let field = ConstraintField::ALL.into_iter().find(|f| f.name() == name)?;
            let value = match field {
                ConstraintField::ShardId => ConstraintValue::ShardId(v.parse().ok()?),
                ConstraintField::TaskType => ConstraintValue::TaskType(
                    TaskQueueType::from_name(v).or_else(|| v.parse().ok().map(TaskQueueType))?,
                ),
                ConstraintField::HistoryTaskType => ConstraintValue::HistoryTaskType(
                    HistoryTaskType::from_name(v).or_else(|| v.parse().ok().map(HistoryTaskType))?,
                ),
                _ => ConstraintValue::Str(plain_value(v)?.into_string()?),
            };
            items.last_mut()?.constraints.set(field, Some(value));
        } else {
            return None;
        }
    }
    (!items.is_empty() && crate::model::serialize::is_canonical_text(&items, text)).then_some(items)
}

fn plain_value(v: &str) -> Option<Value> {
    if v.is_empty() || v.starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>']) {
        return None;
    }
    Some(match yaml::resolve_plain(v) {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(b),
        NodeKind::Int(i) => Value::Int(i),
        NodeKind::Uint(u) => Value::Uint(u),
        NodeKind::Float(f) => Value::Float(f),
        NodeKind::Str(s) => Value::String(s),
        NodeKind::Time(t) => Value::Time(t),
        NodeKind::Seq(_) | NodeKind::Map(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        parse_document("t.yaml", text)
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn reads_items_and_constraints() {
        let p = parse_document(
            "t.yaml",
            "frontend.rps:\n  - value: 500\n    constraints: {namespace: hot, TaskQueueName: q, taskType: Activity}\n  - value: 1200\n",
        );
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let e = &p.value.entries[0];
        assert_eq!(e.key.as_str(), "frontend.rps");
        assert_eq!(e.items.len(), 2);
        assert_eq!(e.items[0].constraints.namespace.as_deref(), Some("hot"));
        assert_eq!(e.items[0].constraints.task_type, Some(TaskQueueType(2)));
        assert_eq!(e.items[0].pos.item, Pos::new(2, 5));
        assert!(e.items[1].constraints.is_empty());
    }

    #[test]
    fn constraints_omitted_null_or_empty_mean_none() {
        let p = parse_document(
            "t",
            "a:\n- value: 1\n- value: 2\n  constraints:\n- value: 3\n  constraints: {}\n",
        );
        assert!(p.findings.is_empty());
        assert!(p.value.entries[0].items.iter().all(|i| i.constraints.is_empty()));
    }

    #[test]
    fn structural_errors() {
        assert_eq!(codes("a: [1, 2"), ["yaml-syntax"]);
        assert_eq!(codes("a:\n- value: 1\na:\n- value: 2\n"), ["duplicate-key"]);
        assert_eq!(codes("- value: 1\n"), ["not-a-map"]);
        assert_eq!(codes("a: 5\n"), ["not-a-list"]);
        assert_eq!(codes("a:\n- 5\n"), ["not-a-map"]);
        assert_eq!(codes("a:\n- value: {1: x}\n"), ["non-string-key"]);
        assert_eq!(codes("a:\n- value: 1\n  constraints: [x]\n"), ["not-a-map"]);
    }

    #[test]
    fn constraint_errors() {
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {namespce: x}\n"),
            ["unknown-constraint"]
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {shardId: \"3\"}\n"),
            ["bad-constraint-type"]
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {namespace: 5}\n"),
            ["bad-constraint-type"]
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {taskType: workflow}\n"),
            ["bad-enum"]
        );
        assert_eq!(codes("a:\n- value: 1\n  constraints: {taskType: 0}\n"), ["bad-enum"]);
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {taskType: 7}\n"),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {historyTaskType: Bogus}\n"),
            ["bad-enum"]
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {historyTaskType: 99}\n"),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes("a:\n- value: 1\n  constraints: {namespace: x, Namespace: y}\n"),
            ["case-duplicate-constraint"]
        );
        // Bad items are left out of the document.
        let p = parse_document("t", "a:\n- value: 1\n  constraints: {shardId: x}\n- value: 2\n");
        assert_eq!(p.value.entries[0].items.len(), 1);
    }

    #[test]
    fn zero_constraints_warn_and_mean_unset() {
        let p = parse_document("t", "a:\n- value: 1\n  constraints: {shardId: 0, namespace: \"\"}\n");
        let codes: Vec<_> = p.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::ZeroConstraint, Code::ZeroConstraint]);
        assert!(p.value.entries[0].items[0].constraints.is_empty());
    }

    #[test]
    fn unknown_item_fields() {
        let p = parse_document("t", "a:\n- value: 1\n  constraint: {namespace: x}\n");
        assert_eq!(p.findings[0].code, Code::UnknownItemField);
        assert!(p.findings[0].hint.as_deref().unwrap().contains("every scope"));
        // Temporal still reads the item, as a global value.
        assert!(p.value.entries[0].items[0].constraints.is_empty());
        let p = parse_document("t", "a:\n- Value: 1\n");
        assert!(p.findings[0].hint.as_deref().unwrap().contains("case-sensitive"));
        assert_eq!(p.value.entries[0].items[0].value, Value::Null);
    }

    #[test]
    fn json_is_read_too() {
        let p = parse_document(
            "t.json",
            r#"{"frontend.rps": [{"value": 5, "constraints": {"namespace": "a"}}]}"#,
        );
        assert!(p.findings.is_empty());
        assert_eq!(p.value.entries[0].items[0].value, Value::Int(5));
    }

    #[test]
    fn canonical_stored_values_take_the_fast_path_and_agree() {
        for text in [
            "- value: 5\n",
            "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
            "- value: 10s\n  constraints:\n    namespace: a\n    taskQueueName: q\n    taskType: Activity\n",
            "- value: 1\n  constraints:\n    historyTaskType: UserTimer\n    shardId: 3\n",
            "[]\n",
        ] {
            let fast = parse_canonical(text).unwrap_or_else(|| panic!("{text:?} is canonical"));
            let node = yaml::load(text).unwrap().unwrap();
            let mut f = Vec::new();
            assert_eq!(fast, read_items("t", "k", node, &mut f), "{text:?}");
        }
        // Not canonical: the full parser reads these.
        for text in [
            "- value: 5\n  constraints: {}\n",
            "- value: \"5\"\n",
            "- value: 1200\n- value: 4000\n  constraints:\n    namespace: payments\n",
            "- value: 5",
            "- value: yes\n",
            "- value: 5 # five\n",
            "- value: 1\n  constraints:\n    namespace: \"\"\n",
        ] {
            assert_eq!(parse_canonical(text), None, "{text:?}");
        }
    }

    #[test]
    fn stored_values_parse_alone() {
        let p = parse_items("etcd", "frontend.rps", "- value: 5\n");
        assert_eq!(p.value.len(), 1);
        let p = parse_items("etcd", "frontend.rps", "value: 5\n");
        assert_eq!(p.findings[0].code, Code::NotAList);
    }
}
