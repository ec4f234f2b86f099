//! One key's list read from its YAML node: each item's `value` and
//! `constraints`, with every problem Temporal would reject (or read
//! otherwise than written) reported at its position.

use crate::model::constraints::{ConstraintField, ConstraintValue, Constraints, HistoryTaskType, TaskQueueType};
use crate::model::document::{ConstrainedValue, ItemPos};
use crate::model::finding::{Code, Finding};
use crate::model::value::Value;
use crate::model::yaml::{Node, NodeKind, Pos};

use super::{key_text, rejected};

pub(super) fn read_items(origin: &str, key: &str, node: Node, findings: &mut Vec<Finding>) -> Vec<ConstrainedValue> {
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
