//! Precedence resolution: which item a Temporal lookup returns for a scope.

use crate::model::constraints::{Constraints, ConstraintsRef, FieldSet};
use crate::model::document::{ConstrainedValue, Document};
use crate::model::key::Key;
use crate::model::value::{check_bool, check_duration, check_float, check_int, check_map, check_string, Value};
use crate::temporal::registry::{KeyDef, Registry, ValueType};

/// Where a resolved value came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The item at this index of the key's list.
    Item {
        /// The index, from 0.
        index: usize,
    },
    /// A built-in constrained default of the key.
    BuiltinDefault {
        /// Its scope.
        constraints: Constraints,
    },
    /// The key's registered default: nothing stored matched the scope, or the
    /// matching item could not be converted to the key's type.
    RegisteredDefault,
}

/// The value a lookup returns, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The value.
    pub value: Value,
    /// Where it came from.
    pub source: Source,
    /// The precedence level that matched (none for the registered default).
    pub level: Option<FieldSet>,
    /// Set when the matching item did not convert, so the default was used.
    pub conversion_error: Option<String>,
}

/// Why a key cannot be resolved.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ResolveError {
    #[error("unknown key {name}{}", did_you_mean(.suggestions))]
    /// The registry does not know the key.
    UnknownKey {
        /// The key.
        name: String,
        /// Registered names close to it.
        suggestions: Vec<String>,
    },
}

fn did_you_mean(s: &[String]) -> String {
    match s {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        many => format!(" (did you mean one of {}?)", many.join(", ")),
    }
}

/// Task queue constraints match the base name: `/_sys/orders/3` is partition
/// 3 of `orders`.
pub fn base_task_queue(name: &str) -> &str {
    match name.strip_prefix("/_sys/") {
        Some(rest) => match rest.rsplit_once('/') {
            Some((base, partition)) if partition.bytes().all(|b| b.is_ascii_digit()) && !partition.is_empty() => base,
            _ => name,
        },
        None => name,
    }
}

/// The value a lookup returns for an item, through Temporal's converter for
/// the key's type: plain values as written, structured ones as decoded (merged
/// over the default); `Err` when the converter fails.
pub fn convert(value: Value, def: &KeyDef) -> Result<Value, String> {
    let r = match &def.value_type {
        ValueType::Bool => check_bool(&value).map(|_| ()),
        ValueType::Int => check_int(&value).map(|_| ()),
        ValueType::Float => check_float(&value).map(|_| ()),
        ValueType::String => check_string(&value),
        ValueType::Duration => check_duration(&value).map(|_| ()),
        ValueType::Map => check_map(&value),
        ValueType::Typed(_) => {
            return match &def.typed {
                Some(t) => crate::temporal::typed::decode(&value, t)
                    .value
                    .map_err(|m| match m.path.as_str() {
                        "" => m.message,
                        path => format!("`value{path}`: {}", m.message),
                    }),
                None => Ok(value),
            }
        }
    };
    r.map(|()| value).map_err(|m| m.message)
}

/// Resolve one key's items for a scope, as Temporal's lookup does: try each
/// precedence level, most specific first; at each level the first item whose
/// whole constraint set equals the scope projected onto the level wins, then
/// a built-in constrained default of that level.
pub fn resolve_items(items: &[ConstrainedValue], def: &KeyDef, scope: &Constraints) -> Resolution {
    resolve_with(def, scope, |scope, level| {
        let index = items
            .iter()
            .position(|i| i.constraints.view().equals_projection(scope, level))?;
        Some((index, items[index].value.clone()))
    })
}

/// One key's items indexed by constraint set, for many lookups over long
/// lists (each lookup then costs a hash per level, not a scan).
pub struct ItemIndex<'a> {
    items: &'a [ConstrainedValue],
    first: std::collections::HashMap<&'a Constraints, usize, foldhash::fast::RandomState>,
}

impl<'a> ItemIndex<'a> {
    /// An index of `items` by constraint set.
    pub fn new(items: &'a [ConstrainedValue]) -> Self {
        let mut first = std::collections::HashMap::with_capacity_and_hasher(items.len(), Default::default());
        for (i, item) in items.iter().enumerate() {
            first.entry(&item.constraints).or_insert(i);
        }
        ItemIndex { items, first }
    }

    /// The first item with exactly these constraints.
    pub fn first(&self, c: &Constraints) -> Option<&'a ConstrainedValue> {
        self.first.get(c).map(|&i| &self.items[i])
    }

    /// [`resolve_items`], by lookups in the index.
    pub fn resolve(&self, def: &KeyDef, scope: &Constraints) -> Resolution {
        resolve_with(def, scope, |scope, level| {
            let index = *self.first.get(&scope.project_owned(level))?;
            Some((index, self.items[index].value.clone()))
        })
    }
}

/// [`resolve_items`] over any item storage: `find(scope, level)` returns the
/// index and value of the first item whose constraints equal the scope
/// projected onto `level`.
pub fn resolve_with(
    def: &KeyDef,
    scope: &Constraints,
    find: impl Fn(&ConstraintsRef<'_>, FieldSet) -> Option<(usize, Value)>,
) -> Resolution {
    let mut scope = scope.view();
    scope.task_queue_name = scope.task_queue_name.map(base_task_queue);
    let levels = def.precedence.levels();
    let builtin_at = |level: &FieldSet| {
        def.constrained_defaults
            .iter()
            .find(|b| b.constraints.view().equals_projection(&scope, *level))
    };
    for (at, level) in levels.iter().enumerate() {
        if let Some((index, value)) = find(&scope, *level) {
            return match convert(value, def) {
                Ok(value) => Resolution {
                    value,
                    source: Source::Item { index },
                    level: Some(*level),
                    conversion_error: None,
                },
                // findAndResolveWithConstrainedDefaults: the built-in default
                // of this level or the next less specific one that has one.
                Err(err) => match levels[at..].iter().find_map(|l| builtin_at(l).map(|b| (l, b))) {
                    Some((l, b)) => Resolution {
                        value: b.value.clone(),
                        source: Source::BuiltinDefault {
                            constraints: b.constraints.clone(),
                        },
                        level: Some(*l),
                        conversion_error: Some(err),
                    },
                    None => Resolution {
                        value: def.default_value(),
                        source: Source::RegisteredDefault,
                        level: None,
                        conversion_error: Some(err),
                    },
                },
            };
        }
        if let Some(b) = builtin_at(level) {
            return Resolution {
                value: b.value.clone(),
                source: Source::BuiltinDefault {
                    constraints: b.constraints.clone(),
                },
                level: Some(*level),
                conversion_error: None,
            };
        }
    }
    Resolution {
        value: def.default_value(),
        source: Source::RegisteredDefault,
        level: None,
        conversion_error: None,
    }
}

/// Resolve `key` in a document for a scope. The key may be spelled in any
/// case; when the document spells it several ways, the first entry counts.
pub fn resolve(
    doc: &Document,
    registry: &Registry,
    key: &Key,
    scope: &Constraints,
) -> Result<Resolution, ResolveError> {
    let def = registry.get(key.as_str()).ok_or_else(|| ResolveError::UnknownKey {
        name: key.to_string(),
        suggestions: registry.suggest(key.as_str()).into_iter().map(String::from).collect(),
    })?;
    let items = doc.get(key).map(|e| e.items.as_slice()).unwrap_or(&[]);
    Ok(resolve_items(items, def, scope))
}

/// One key as a scope gets it: a stored item gives it a value other than
/// what the key would give with nothing stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeValue {
    /// The key's registered name.
    pub name: String,
    /// The value the lookup returns, and the item it comes from.
    pub resolution: Resolution,
    /// The constraints of that item.
    pub item_constraints: Constraints,
    /// What the lookup would return with nothing stored (the registered or a
    /// built-in default).
    pub default: Value,
}

/// What a scope gets ("what does namespace payments get?"): every key of
/// `doc` the registry knows whose lookup for `scope` returns a stored
/// item's value, when that differs from the key's default for the scope,
/// in key order. Keys of the document not registered are left out (their
/// lookups are not Temporal's).
pub fn scope_values(doc: &Document, registry: &Registry, scope: &Constraints) -> Vec<ScopeValue> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for entry in &doc.entries {
        let Some(def) = registry.get(entry.key.as_str()) else {
            continue;
        };
        // The first spelling counts, as in `resolve`.
        if !seen.insert(def.name.as_str()) {
            continue;
        }
        let r = resolve_items(&entry.items, def, scope);
        let Source::Item { index } = r.source else {
            continue;
        };
        let default = resolve_items(&[], def, scope).value;
        if r.value == default {
            continue;
        }
        out.push(ScopeValue {
            name: def.name.clone(),
            item_constraints: entry.items[index].constraints.clone(),
            resolution: r,
            default,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::constraints::{HistoryTaskType, TaskQueueType};
    use crate::model::parse::parse_document;

    fn doc(text: &str) -> Document {
        let p = parse_document("t.yaml", text);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        p.value
    }

    fn scope(pairs: &[(&str, &str)]) -> Constraints {
        let mut c = Constraints::default();
        for (k, v) in pairs {
            match *k {
                "namespace" => c.namespace = Some(v.to_string()),
                "namespaceId" => c.namespace_id = Some(v.to_string()),
                "taskQueueName" => c.task_queue_name = Some(v.to_string()),
                "taskType" => c.task_type = TaskQueueType::from_name(v),
                "historyTaskType" => c.history_task_type = HistoryTaskType::from_name(v),
                "shardId" => c.shard_id = v.parse().ok(),
                "destination" => c.destination = Some(v.to_string()),
                "chasmTaskType" => c.chasm_task_type = Some(v.to_string()),
                _ => panic!("{k}"),
            }
        }
        c
    }

    fn get(d: &Document, key: &str, s: &[(&str, &str)]) -> Resolution {
        let r = Registry::for_version(None).unwrap();
        resolve(d, &r, &Key::new(key), &scope(s)).unwrap()
    }

    #[test]
    fn global_keys_ignore_scope() {
        let d = doc("frontend.rps:\n- value: 1200\n");
        let r = get(&d, "frontend.rps", &[("namespace", "x")]);
        assert_eq!((r.value, r.source), (Value::Int(1200), Source::Item { index: 0 }));
        let r = get(&Document::default(), "frontend.rps", &[]);
        assert_eq!((r.value, r.source), (Value::Int(2400), Source::RegisteredDefault));
    }

    #[test]
    fn namespace_precedence() {
        let d = doc("frontend.namespaceRPS:\n- value: 1\n- value: 2\n  constraints: {namespace: hot}\n");
        assert_eq!(
            get(&d, "frontend.namespaceRPS", &[("namespace", "hot")]).value,
            Value::Int(2)
        );
        assert_eq!(
            get(&d, "frontend.namespaceRPS", &[("namespace", "cold")]).value,
            Value::Int(1)
        );
        assert_eq!(get(&d, "frontend.namespaceRPS", &[]).value, Value::Int(1));
    }

    #[test]
    fn namespace_id_precedence() {
        let key = "history.standbyTaskReReplicationContextTimeout";
        let d = doc(&format!(
            "{key}:\n- value: 1s\n- value: 2s\n  constraints: {{namespaceId: abc}}\n"
        ));
        assert_eq!(
            get(&d, key, &[("namespaceId", "abc")]).source,
            Source::Item { index: 1 }
        );
        assert_eq!(
            get(&d, key, &[("namespaceId", "zzz")]).source,
            Source::Item { index: 0 }
        );
        assert_eq!(get(&d, key, &[("namespace", "abc")]).source, Source::Item { index: 0 });
    }

    #[test]
    fn task_queue_precedence_walks_all_five_levels() {
        let d = doc(concat!(
            "matching.numTaskqueueReadPartitions:\n",
            "- value: 1\n",
            "- value: 2\n  constraints: {namespace: ns}\n",
            "- value: 3\n  constraints: {taskQueueName: q}\n",
            "- value: 4\n  constraints: {namespace: ns, taskQueueName: q}\n",
            "- value: 5\n  constraints: {namespace: ns, taskQueueName: q, taskType: Activity}\n",
            "- value: 99\n  constraints: {namespace: ns, taskType: Activity}\n",
        ));
        let k = "matching.numTaskqueueReadPartitions";
        let full = [("namespace", "ns"), ("taskQueueName", "q"), ("taskType", "Activity")];
        assert_eq!(get(&d, k, &full).value, Value::Int(5));
        assert_eq!(
            get(
                &d,
                k,
                &[("namespace", "ns"), ("taskQueueName", "q"), ("taskType", "Workflow")]
            )
            .value,
            Value::Int(4)
        );
        assert_eq!(
            get(&d, k, &[("namespace", "other"), ("taskQueueName", "q")]).value,
            Value::Int(3)
        );
        assert_eq!(
            get(&d, k, &[("namespace", "ns"), ("taskQueueName", "other")]).value,
            Value::Int(2)
        );
        assert_eq!(
            get(&d, k, &[("namespace", "x"), ("taskQueueName", "y")]).value,
            Value::Int(1)
        );
        // Partitions match their base task queue.
        assert_eq!(
            get(
                &d,
                k,
                &[
                    ("namespace", "ns"),
                    ("taskQueueName", "/_sys/q/3"),
                    ("taskType", "Activity")
                ]
            )
            .value,
            Value::Int(5)
        );
    }

    #[test]
    fn builtin_constrained_defaults_beat_less_specific_user_values() {
        let d = doc("matching.numTaskqueueReadPartitions:\n- value: 8\n");
        let k = "matching.numTaskqueueReadPartitions";
        let r = get(
            &d,
            k,
            &[("namespace", "any"), ("taskQueueName", "temporal-sys-per-ns-tq")],
        );
        assert_eq!(r.value, Value::Int(1));
        assert!(matches!(r.source, Source::BuiltinDefault { .. }));
        assert_eq!(
            get(&d, k, &[("namespace", "any"), ("taskQueueName", "orders")]).value,
            Value::Int(8)
        );
        // A user value at the built-in's own level wins over it.
        let d = doc("matching.numTaskqueueReadPartitions:\n- value: 8\n  constraints: {taskQueueName: temporal-sys-per-ns-tq}\n");
        assert_eq!(
            get(&d, k, &[("taskQueueName", "temporal-sys-per-ns-tq")]).value,
            Value::Int(8)
        );
        // With nothing stored the built-in defaults still apply.
        let r = get(
            &Document::default(),
            "matching.updateAckInterval",
            &[("taskQueueName", "temporal-sys-per-ns-tq")],
        );
        assert_eq!(r.value, Value::String("5m0s".into()));
    }

    #[test]
    fn shard_history_task_type_destination_and_chasm_precedence() {
        let r = Registry::for_version(None).unwrap();
        let find = |p| {
            r.keys()
                .iter()
                .find(|k| {
                    k.precedence == p
                        && matches!(
                            k.value_type,
                            ValueType::Int | ValueType::Float | ValueType::Duration | ValueType::Bool
                        )
                })
                .unwrap()
                .name
                .clone()
        };
        for (p, field, a, b) in [
            (crate::Precedence::ShardId, "shardId", "3", "4"),
            (
                crate::Precedence::HistoryTaskType,
                "historyTaskType",
                "UserTimer",
                "ActivityRetryTimer",
            ),
            (crate::Precedence::ChasmTaskType, "chasmTaskType", "scheduler", "other"),
        ] {
            let key = find(p);
            let def = r.get(&key).unwrap();
            let lit = |v: &Value| crate::model::value::text::flow(v);
            let specific = Value::Bool(true);
            let global = Value::Bool(false);
            let (sv, gv) = match def.value_type {
                ValueType::Bool => (specific.clone(), global.clone()),
                ValueType::Duration => (Value::String("7s".into()), Value::String("9s".into())),
                _ => (Value::Int(7), Value::Int(9)),
            };
            let d = doc(&format!(
                "{key}:\n- value: {}\n- value: {}\n  constraints: {{{field}: {a}}}\n",
                lit(&gv),
                lit(&sv)
            ));
            assert_eq!(get(&d, &key, &[(field, a)]).value, sv, "{key}");
            assert_eq!(get(&d, &key, &[(field, b)]).value, gv, "{key}");
        }
        let dest = find(crate::Precedence::Destination);
        let d = doc(&format!(
            "{dest}:\n- value: 1s\n- value: 2s\n  constraints: {{namespace: ns}}\n- value: 3s\n  constraints: {{destination: d}}\n- value: 4s\n  constraints: {{namespace: ns, destination: d}}\n"
        ));
        let s = |v: &str| Value::String(v.into());
        assert_eq!(
            get(&d, &dest, &[("namespace", "ns"), ("destination", "d")]).value,
            s("4s")
        );
        assert_eq!(
            get(&d, &dest, &[("namespace", "x"), ("destination", "d")]).value,
            s("3s")
        );
        assert_eq!(
            get(&d, &dest, &[("namespace", "ns"), ("destination", "x")]).value,
            s("2s")
        );
        assert_eq!(
            get(&d, &dest, &[("namespace", "x"), ("destination", "x")]).value,
            s("1s")
        );
    }

    #[test]
    fn first_of_equal_items_wins_and_order_is_irrelevant_otherwise() {
        let d = doc("frontend.namespaceRPS:\n- value: 2\n  constraints: {namespace: a}\n- value: 1\n- value: 3\n  constraints: {namespace: a}\n");
        assert_eq!(
            get(&d, "frontend.namespaceRPS", &[("namespace", "a")]).source,
            Source::Item { index: 0 }
        );
    }

    #[test]
    fn unconvertible_values_fall_back_to_the_default_not_a_less_specific_item() {
        let d = doc("frontend.namespaceRPS:\n- value: 5\n- value: \"lots\"\n  constraints: {namespace: a}\n");
        let r = get(&d, "frontend.namespaceRPS", &[("namespace", "a")]);
        assert_eq!(r.source, Source::RegisteredDefault);
        assert!(r.conversion_error.is_some());
        assert_ne!(r.value, Value::Int(5));
    }

    #[test]
    fn items_that_never_match_are_never_returned() {
        let d = doc("frontend.rps:\n- value: 5\n  constraints: {namespace: a}\n");
        assert_eq!(
            get(&d, "frontend.rps", &[("namespace", "a")]).source,
            Source::RegisteredDefault
        );
        let d = doc("matching.numTaskqueueReadPartitions:\n- value: 5\n  constraints: {taskType: Activity}\n");
        let r = get(
            &d,
            "matching.numTaskqueueReadPartitions",
            &[("namespace", "n"), ("taskQueueName", "q"), ("taskType", "Activity")],
        );
        assert_ne!(r.value, Value::Int(5));
    }

    #[test]
    fn keys_resolve_in_any_case_and_unknown_keys_suggest() {
        let d = doc("Frontend.RPS:\n- value: 7\n");
        assert_eq!(get(&d, "frontend.rps", &[]).value, Value::Int(7));
        let r = Registry::for_version(None).unwrap();
        let err = resolve(&d, &r, &Key::new("frontend.rsp"), &Constraints::default()).unwrap_err();
        assert_eq!(err.to_string(), "unknown key frontend.rsp (did you mean frontend.rps?)");
    }

    #[test]
    fn a_scope_gets_the_keys_whose_stored_items_change_its_values() {
        let d = doc(concat!(
            "frontend.namespaceRPS:\n",
            "- value: 4000\n  constraints: {namespace: payments}\n",
            "- value: 1200\n",
            "frontend.rps:\n- value: 2400\n",
            "limit.maxIDLength:\n- value: 255\n",
            "history.cacheTTL:\n- value: 1h\n  constraints: {namespace: orders}\n",
            "acme.custom:\n- value: 1\n",
        ));
        let r = Registry::for_version(None).unwrap();
        let got = scope_values(&d, &r, &scope(&[("namespace", "payments")]));
        let names: Vec<&str> = got.iter().map(|v| v.name.as_str()).collect();
        // frontend.rps is set to its default (2400): not listed; the
        // orders item does not match payments; acme.custom is not Temporal's.
        assert_eq!(names, ["frontend.namespaceRPS", "limit.maxIDLength"]);
        assert_eq!(got[0].resolution.value, Value::Int(4000));
        assert_eq!(got[0].item_constraints, scope(&[("namespace", "payments")]));
        assert_eq!(got[0].default, Value::Int(2400));
        let orders = scope_values(&d, &r, &scope(&[("namespace", "orders")]));
        assert!(orders
            .iter()
            .any(|v| v.name == "frontend.namespaceRPS" && v.resolution.value == Value::Int(1200)));
        // A global key: an item scoped to a namespace never matches.
        assert!(!orders.iter().any(|v| v.name == "history.cacheTTL"));
    }
}
