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

fn read_items(origin: &str, key: &str, node: Node, findings: &mut Vec<Finding>) -> Vec<ConstrainedValue> {
    let pos = node.pos;
    let list = match node.into_kind() {
        NodeKind::Seq(list) => list,
        // yaml.v3 decodes null into an empty list.
        NodeKind::Null => return Vec::new(),
        other => {
            findings.push(
                Finding::new(
                    Code::NotAList,
                    origin,
                    pos,
                    Some(key),
                    rejected(format!(
                        "the value of a key must be a list of items, found {}",
                        other.describe()
                    )),
                )
                .with_hint(format!("write it as a list: `{key}:` then `  - value: ...`")),
            );
            return Vec::new();
        }
    };
    list.into_iter()
        .filter_map(|item| read_item(origin, key, item, findings))
        .collect()
}

fn read_item(origin: &str, key: &str, node: Node, findings: &mut Vec<Finding>) -> Option<ConstrainedValue> {
    let item_pos = node.pos;
    if matches!(node.kind, NodeKind::Null) {
        // yaml.v3 cannot set a struct to null, so it leaves the item out.
        findings.push(
            Finding::new(
                Code::NullItem,
                origin,
                node.pos,
                Some(key),
                "a null item (`-` with nothing after it, or `~`): Temporal leaves it out of the list",
            )
            .with_hint("remove it, or write `- value: ...`"),
        );
        return None;
    }
    if !matches!(node.kind, NodeKind::Map(_)) {
        findings.push(
            Finding::new(
                Code::NotAMap,
                origin,
                node.pos,
                Some(key),
                rejected(format!(
                    "an item must be a map with `value` and optional `constraints`, found {}",
                    node.kind.describe()
                )),
            )
            .with_hint("write `- value: ...`"),
        );
        return None;
    }
    let NodeKind::Map(fields) = node.into_kind() else {
        unreachable!("checked above");
    };
    let mut ok = true;
    let mut value = Value::Null;
    let mut pos = ItemPos {
        item: item_pos,
        value: item_pos,
        constraints: item_pos,
        ..ItemPos::default()
    };
    let mut constraints = Constraints::default();
    // yaml.v3 decodes an item into a struct and refuses a field set twice
    // ("field value already set"), which YAML's own duplicate check misses
    // when the two keys are written differently (`? !!binary dmFsdWU=`, an
    // alias).
    let mut set: Vec<(&'static str, Pos)> = Vec::new();
    for (k, v) in fields {
        if let NodeKind::Str(s) = &k.kind {
            if let Some(field) = ["value", "constraints"].into_iter().find(|f| s == f) {
                if let Some((_, first)) = set.iter().find(|(f, _)| *f == field) {
                    findings.push(
                        Finding::new(
                            Code::DuplicateKey,
                            origin,
                            k.pos,
                            Some(key),
                            rejected(format!(
                                "the item's `{field}` is set twice (first at line {}), once written another way",
                                first.line
                            )),
                        )
                        .with_hint("keep one of them"),
                    );
                    ok = false;
                    continue;
                }
                set.push((field, k.pos));
            }
        }
        match &k.kind {
            NodeKind::Str(s) if s == "value" => {
                pos.value = v.pos;
                let mut loose = Vec::new();
                match Value::from_owned_node(v, &mut loose) {
                    Ok(val) => {
                        value = val;
                        findings.extend(loose.into_iter().map(|(p, msg)| {
                            Finding::new(Code::NestedNonStringKey, origin, p, Some(key), msg)
                                .with_hint("quote the key, such as `\"1\": 10`")
                        }));
                    }
                    Err((p, msg)) => {
                        findings.push(
                            Finding::new(Code::NonStringKey, origin, p, Some(key), msg)
                                .with_hint("quote the key, such as `\"1\": 10`"),
                        );
                        ok = false;
                    }
                }
            }
            NodeKind::Str(s) if s == "constraints" => {
                pos.constraints = k.pos;
                match read_constraints(origin, key, &v, &mut pos, findings) {
                    Some(c) => constraints = c,
                    None => ok = false,
                }
            }
            other => {
                let name = key_text(&k);
                let mut f = Finding::new(
                    Code::UnknownItemField,
                    origin,
                    k.pos,
                    Some(key),
                    format!("unknown item field {name:?}: Temporal reads only `value` and `constraints`, and silently ignores this one"),
                );
                let lower = name.to_ascii_lowercase();
                if matches!(other, NodeKind::Str(_)) && lower == "value" {
                    f = f.with_hint(
                        "field names are case-sensitive: write `value`; as written, the item's value is null",
                    );
                } else if strsim::levenshtein(&lower, "constraints") <= 3 {
                    f = f.with_hint("did you mean `constraints`? As written, the item has no constraints and becomes a value for every scope");
                } else if strsim::levenshtein(&lower, "value") <= 2 {
                    f = f.with_hint("did you mean `value`? As written, the item's value is null");
                } else {
                    f = f.with_hint("remove it, or move what it says into `value` or `constraints`");
                }
                findings.push(f);
            }
        }
    }
    ok.then_some(ConstrainedValue {
        value,
        constraints,
        pos,
    })
}

fn read_constraints(
    origin: &str,
    key: &str,
    node: &Node,
    pos: &mut ItemPos,
    findings: &mut Vec<Finding>,
) -> Option<Constraints> {
    let pairs = match &node.kind {
        NodeKind::Null => return Some(Constraints::default()),
        NodeKind::Map(pairs) => pairs,
        other => {
            findings.push(
                Finding::new(
                    Code::NotAMap,
                    origin,
                    node.pos,
                    Some(key),
                    rejected(format!(
                        "`constraints` must be a map such as `{{namespace: my-ns}}`, found {}",
                        other.describe()
                    )),
                )
                .with_hint("write `constraints:` followed by `name: value` lines, or omit it for a global value"),
            );
            return None;
        }
    };
    let mut ok = true;
    let mut c = Constraints::default();
    let mut seen: Vec<(ConstraintField, &Node)> = Vec::new();
    for (k, v) in pairs {
        if matches!(k.kind, NodeKind::Null) {
            // yaml.v3 cannot decode null into the string key of the
            // constraints map, so it leaves the entry out.
            findings.push(
                Finding::new(
                    Code::ZeroConstraint,
                    origin,
                    k.pos,
                    Some(key),
                    "a constraint with a null name: Temporal leaves it out, so the item is constrained by the others only",
                )
                .with_hint("remove it, or name the constraint"),
            );
            continue;
        }
        let name = key_text(k);
        let Some(field) = ConstraintField::from_name(&name) else {
            let known: Vec<&str> = ConstraintField::ALL.iter().map(|f| f.name()).collect();
            let mut f = Finding::new(
                Code::UnknownConstraint,
                origin,
                k.pos,
                Some(key),
                rejected(format!("unknown constraint {name:?}")),
            );
            f = match crate::model::suggest::closest(&name, known.iter().copied()) {
                Some(best) => f.with_hint(format!(
                    "did you mean `{best}`? Known constraints: {}",
                    known.join(", ")
                )),
                None => f.with_hint(format!("known constraints: {}", known.join(", "))),
            };
            findings.push(f);
            ok = false;
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field) {
            let first = key_text(first);
            findings.push(Finding::new(
                Code::CaseDuplicateConstraint,
                origin,
                k.pos,
                Some(key),
                format!("constraint {} is given twice (as {first:?} and {name:?}); constraint names ignore case, and which one Temporal uses is random", field.name()),
            ).with_hint("keep one of them"));
            // Temporal keeps the item: so does the document, with the first.
            continue;
        }
        seen.push((field, k));
        match field {
            ConstraintField::HistoryTaskType if matches!(v.kind, NodeKind::Str(_)) => {
                pos.history_task_name = Some(v.pos)
            }
            ConstraintField::ChasmTaskType => pos.chasm_task_type = Some(k.pos),
            _ => {}
        }
        // Temporal keeps 32 bits of an int constraint (`int32(v)`).
        let wrapped;
        let mut was_wrapped = false;
        let v = match (&v.kind, field) {
            (
                NodeKind::Int(i),
                ConstraintField::ShardId | ConstraintField::HistoryTaskType | ConstraintField::TaskType,
            ) if i32::try_from(*i).is_err() && !(field == ConstraintField::TaskType && *i <= 0) => {
                let read = *i as i32;
                findings.push(
                    Finding::new(
                        Code::NumberWraps,
                        origin,
                        v.pos,
                        Some(key),
                        format!("Temporal keeps 32 bits of `{name}: {i}` and reads {read}"),
                    )
                    .with_hint(format!("{name} is a 32-bit int: write a value up to 2147483647")),
                );
                wrapped = Node {
                    kind: NodeKind::Int(i64::from(read)),
                    pos: v.pos,
                };
                was_wrapped = true;
                &wrapped
            }
            _ => v,
        };
        let taken = match constraint_value(field, v) {
            // A task queue type Temporal checked as positive, then wrapped.
            Err(_)
                if field == ConstraintField::TaskType && matches!(v.kind, NodeKind::Int(i) if i < 1 && was_wrapped) =>
            {
                Ok(match v.kind {
                    NodeKind::Int(0) => None,
                    NodeKind::Int(i) => Some(ConstraintValue::TaskType(TaskQueueType(i as i32))),
                    _ => None,
                })
            }
            other => other,
        };
        match taken {
            Ok(Some(val)) => {
                c.set(field, Some(val));
            }
            Ok(None) => findings.push(
                Finding::new(
                    Code::ZeroConstraint,
                    origin,
                    v.pos,
                    Some(key),
                    format!(
                        "`{name}: {}` is a zero value, which Temporal reads as unset",
                        preview(v)
                    ),
                )
                .with_hint(format!(
                    "remove `{name}` (the item then applies to every {}) or give it a real value",
                    scope_word(field)
                )),
            ),
            Err((code, msg, hint)) => {
                let mut f = Finding::new(code, origin, v.pos, Some(key), rejected(msg));
                if let Some(h) = hint {
                    f = f.with_hint(h);
                }
                findings.push(f);
                ok = false;
            }
        }
    }
    ok.then_some(c)
}

fn scope_word(field: ConstraintField) -> &'static str {
    match field {
        ConstraintField::Namespace => "namespace",
        ConstraintField::NamespaceId => "namespace",
        ConstraintField::TaskQueueName => "task queue",
        ConstraintField::TaskType => "task type",
        ConstraintField::HistoryTaskType => "history task type",
        ConstraintField::ShardId => "shard",
        ConstraintField::Destination => "destination",
        ConstraintField::ChasmTaskType => "CHASM task type",
    }
}

fn preview(node: &Node) -> String {
    match &node.kind {
        NodeKind::Str(s) => format!("{s:?}"),
        _ => key_text(node).into_owned(),
    }
}

type ConstraintError = (Code, String, Option<String>);

/// A constraint's value by Temporal's rules; `Ok(None)` for a zero value.
fn constraint_value(field: ConstraintField, node: &Node) -> Result<Option<ConstraintValue>, ConstraintError> {
    let name = field.name();
    let wrong_type = |expected: &str, hint: Option<String>| -> ConstraintError {
        (
            Code::BadConstraintType,
            format!("constraint {name} must be {expected}, found {}", node.kind.describe()),
            hint,
        )
    };
    match field {
        ConstraintField::Namespace
        | ConstraintField::NamespaceId
        | ConstraintField::TaskQueueName
        | ConstraintField::Destination
        | ConstraintField::ChasmTaskType => match &node.kind {
            NodeKind::Str(s) if s.is_empty() => Ok(None),
            NodeKind::Str(s) => Ok(Some(ConstraintValue::Str(s.clone()))),
            NodeKind::Seq(_) | NodeKind::Map(_) => Err(wrong_type(
                "a string",
                Some("a constraint takes one value: write one item per value".into()),
            )),
            _ => Err(wrong_type(
                "a string",
                Some(format!("quote it: {name}: \"{}\"", preview(node))),
            )),
        },
        ConstraintField::ShardId => match &node.kind {
            NodeKind::Int(0) => Ok(None),
            NodeKind::Int(i) => i32::try_from(*i)
                .map(|n| Some(ConstraintValue::ShardId(n)))
                .map_err(|_| wrong_type("an int that fits 32 bits", Some("shard ids are 32-bit ints".into()))),
            NodeKind::Str(s) if s.parse::<i32>().is_ok() => {
                Err(wrong_type("an int", Some(format!("remove the quotes: shardId: {s}"))))
            }
            _ => Err(wrong_type(
                "an int",
                Some("write a shard id such as `shardId: 3`".into()),
            )),
        },
        ConstraintField::TaskType => {
            let names = || TaskQueueType::names().collect::<Vec<_>>().join(", ");
            match &node.kind {
                NodeKind::Str(s) => match TaskQueueType::from_name(s) {
                    Some(t) => Ok(Some(ConstraintValue::TaskType(t))),
                    None => {
                        let hint = match TaskQueueType::names().find(|n| n.eq_ignore_ascii_case(s)) {
                            Some(n) => format!("names are case-sensitive: write `{n}`"),
                            None => format!("use one of {} (or TASK_QUEUE_TYPE_WORKFLOW, ...)", names()),
                        };
                        Err((Code::BadEnum, format!("unknown task queue type {s:?}"), Some(hint)))
                    }
                },
                NodeKind::Int(i) if *i > 0 && *i <= i64::from(i32::MAX) => {
                    Ok(Some(ConstraintValue::TaskType(TaskQueueType(*i as i32))))
                }
                NodeKind::Int(i) => Err((
                    Code::BadEnum,
                    format!("task queue type {i} is not valid: Temporal rejects unspecified (0) and negative types"),
                    Some(format!("use one of {}", names())),
                )),
                _ => Err(wrong_type(
                    "a task queue type name or number",
                    Some(format!("use one of {}", names())),
                )),
            }
        }
        ConstraintField::HistoryTaskType => match &node.kind {
            NodeKind::Str(s) if s == "Unspecified" || s == "TASK_TYPE_UNSPECIFIED" => Err((
                Code::BadEnum,
                format!("historyTaskType {s} is not a task type Temporal supports: it rejects the whole file"),
                Some("remove the constraint (the item then applies to every history task type)".into()),
            )),
            NodeKind::Str(s) => match HistoryTaskType::from_name(s) {
                Some(t) => Ok(Some(ConstraintValue::HistoryTaskType(t))),
                None => {
                    let hint = match HistoryTaskType::names().find(|n| n.eq_ignore_ascii_case(s)) {
                        Some(n) => format!("names are case-sensitive: write `{n}`"),
                        None => match crate::model::suggest::closest(s, HistoryTaskType::names()) {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => "use a name such as TransferActivityTask, ActivityRetryTimer or UserTimer (or its TASK_TYPE_* form)".into(),
                        },
                    };
                    Err((Code::BadEnum, format!("unknown history task type {s:?}"), Some(hint)))
                }
            },
            NodeKind::Int(0) => Ok(None),
            NodeKind::Int(i) => i32::try_from(*i)
                .map(|n| Some(ConstraintValue::HistoryTaskType(HistoryTaskType(n))))
                .map_err(|_| {
                    wrong_type(
                        "a history task type name or a 32-bit int",
                        Some("use a name such as UserTimer".into()),
                    )
                }),
            _ => Err(wrong_type(
                "a history task type name or number",
                Some("use a name such as TransferActivityTask, ActivityRetryTimer or UserTimer".into()),
            )),
        },
    }
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
