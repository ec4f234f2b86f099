//! Findings about a change itself, which no single file can show: what the
//! step from the stored state to the planned one does.
//!
//! - `partition-order` (error): task queue read partitions lowered below the
//!   write partitions in effect before or after the change. Matching hosts
//!   pick the change up one by one, and tasks already in the partitions no
//!   longer read stay there: lower the write partitions first, let their
//!   backlog drain, then lower the read partitions.
//! - `large-change` (warning): a rate, QPS, limit or size setting whose
//!   value for some scope changes by more than 10x either way, or to zero.
//! - `gradual-change-timing` (warning): a GradualChange written with a
//!   `Start` more than 30 days ahead (likely a wrong year), or an `End`
//!   already past (every key sees `New` at once: no gradual change).

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use super::effect::value_text;
use super::plan::{ItemChange, Plan};
use crate::model::constraints::Constraints;
use crate::model::document::ConstrainedValue;
use crate::model::finding::{Code, Finding};
use crate::model::value::Value;
use crate::model::yaml::Pos;
use crate::store::Snapshot;
use crate::temporal::registry::Registry;
use crate::temporal::resolve::resolve_items;
use crate::temporal::validate::KEYS_COMPARED;

/// How much a value may grow or shrink in one change before it is flagged.
pub const LARGE_FACTOR: f64 = 10.0;

/// How far ahead a GradualChange may start before it is flagged.
pub const FAR_AHEAD: Duration = Duration::from_secs(30 * 24 * 3600);

/// The findings of `plan`, made against `current` (the state it was planned
/// from). Each points at the etcd key it is about.
pub fn review(plan: &Plan, current: &Snapshot, registry: &Registry) -> Vec<Finding> {
    review_at(plan, current, registry, SystemTime::now())
}

/// [`review`], as of `now`.
pub fn review_at(plan: &Plan, current: &Snapshot, registry: &Registry, now: SystemTime) -> Vec<Finding> {
    let mut findings = partition_order(plan, current, registry);
    findings.extend(large_changes(plan, registry));
    findings.extend(gradual_changes(plan, registry, now));
    findings
}

/// A key's items before and after the plan.
fn before_after(plan: &Plan, current: &Snapshot, name: &str) -> (Vec<ConstrainedValue>, Vec<ConstrainedValue>) {
    if let Some(c) = plan.changes.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
        return (c.old_items().to_vec(), c.new_items.clone());
    }
    // Not changed: as stored (the first spelling, as Temporal reads it).
    let stored: Vec<ConstrainedValue> = current
        .get(&name.into())
        .first()
        .and_then(|k| k.items.as_ref().ok().cloned())
        .unwrap_or_default();
    (stored.clone(), stored)
}

fn partition_order(plan: &Plan, current: &Snapshot, registry: &Registry) -> Vec<Finding> {
    let [read_name, write_name] = KEYS_COMPARED;
    if !plan.changes.iter().any(|c| c.name.eq_ignore_ascii_case(read_name)) {
        return Vec::new();
    }
    let (Some(read_def), Some(write_def)) = (registry.get(read_name), registry.get(write_name)) else {
        return Vec::new();
    };
    let (read_before, read_after) = before_after(plan, current, read_name);
    let (write_before, write_after) = before_after(plan, current, write_name);
    // Every scope an item of either key names, and the global one.
    let mut scopes: Vec<&Constraints> = Vec::new();
    let mut seen = HashSet::new();
    let global = Constraints::default();
    for c in std::iter::once(&global).chain(
        [&read_before, &read_after, &write_before, &write_after]
            .into_iter()
            .flat_map(|items| items.iter().map(|i| &i.constraints)),
    ) {
        if seen.insert(c.clone()) {
            scopes.push(c);
        }
    }
    let int = |items: &[ConstrainedValue], def, scope| match resolve_items(items, def, scope).value {
        Value::Int(n) => Some(n),
        _ => None,
    };
    let etcd_key = plan.prefix.key_path(read_name);
    let mut out = Vec::new();
    for scope in scopes {
        let (Some(r0), Some(r1), Some(w0), Some(w1)) = (
            int(&read_before, read_def, scope),
            int(&read_after, read_def, scope),
            int(&write_before, write_def, scope),
            int(&write_after, write_def, scope),
        ) else {
            continue;
        };
        let highest_write = w0.max(w1);
        if r1 < r0 && r1 < highest_write {
            let whose = if scope.is_empty() {
                String::new()
            } else {
                format!(" for {scope}")
            };
            let mut f = Finding::new(
                Code::PartitionOrder,
                &etcd_key,
                Pos::default(),
                Some(read_name),
                format!(
                    "read partitions go from {r0} to {r1}{whose} while {highest_write} write partition{} {}: tasks in partitions {r1} to {} are never read",
                    if highest_write == 1 { "" } else { "s" },
                    if w1 < w0 { "were in effect until this change" } else { "stay in effect" },
                    highest_write - 1
                ),
            );
            f.hint = Some(format!(
                "lower {write_name} to {r1} first, wait until the extra partitions' backlog drains, then lower {read_name}"
            ));
            out.push(f);
        }
    }
    out
}

/// A number as a float, for ratios.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(*n as f64),
        Value::Uint(n) => Some(*n as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Compares what Temporal's lookups return before and after, per scope: a
/// new item over a default, or a deleted key whose default comes back,
/// changes the value as much as an edited item does.
fn large_changes(plan: &Plan, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &plan.changes {
        if !registry.get(&c.name).is_some_and(|d| d.is_rate_limit()) {
            continue;
        }
        let Some(effect) = super::effect::effect(c, registry) else {
            continue;
        };
        for scope in effect.scopes.iter().filter(|s| s.changes()) {
            let (Some(a), Some(b)) = (number(&scope.before.value), number(&scope.after.value)) else {
                continue;
            };
            let whose = match &scope.scope {
                Some(c) => format!(" for {c}"),
                None => String::new(),
            };
            let (old, new) = (value_text(&scope.before), value_text(&scope.after));
            let what = if b == 0.0 && a != 0.0 {
                format!("goes from {old} to zero{whose}")
            } else if a > 0.0 && b > 0.0 && (b / a > LARGE_FACTOR || a / b > LARGE_FACTOR) {
                let factor = if b > a { b / a } else { a / b };
                let way = if b > a { "grows" } else { "shrinks" };
                format!("{way} {factor:.1}x, from {old} to {new}{whose}")
            } else {
                continue;
            };
            let mut f = Finding::new(
                Code::LargeChange,
                &plan.prefix.key_path(&c.name),
                Pos::default(),
                Some(&c.name),
                what,
            );
            f.hint =
                Some("a change this large is usually a typo or a unit mistake: check it, or make it in steps".into());
            out.push(f);
        }
    }
    out
}

/// A GradualChange time: an RFC 3339 string or a number of Unix seconds,
/// as Temporal's converter reads them.
fn instant(v: &Value) -> Option<SystemTime> {
    match v {
        Value::Int(n) if *n >= 0 => Some(SystemTime::UNIX_EPOCH + Duration::from_secs(*n as u64)),
        Value::Uint(n) => Some(SystemTime::UNIX_EPOCH + Duration::from_secs(*n)),
        Value::String(s) | Value::Time(s) => humantime::parse_rfc3339_weak(s.trim_end_matches('Z')).ok(),
        _ => None,
    }
}

fn gradual_changes(plan: &Plan, registry: &Registry, now: SystemTime) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &plan.changes {
        let gradual = registry
            .get(&c.name)
            .is_some_and(|d| matches!(&d.value_type, crate::temporal::registry::ValueType::Typed(t) if t.starts_with("dynamicconfig.GradualChange")));
        if !gradual {
            continue;
        }
        for item in &c.items {
            let (constraints, value) = match item {
                ItemChange::Added(i) => (&i.constraints, &i.value),
                ItemChange::Changed { constraints, new, .. } => (constraints, new),
                ItemChange::Removed(_) => continue,
            };
            let Value::Map(fields) = value else { continue };
            // mapstructure matches field names in any case.
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            };
            let whose = if constraints.is_empty() {
                String::new()
            } else {
                format!(" for {constraints}")
            };
            let shown = |t: SystemTime| humantime::format_rfc3339_seconds(t).to_string();
            let what = match (field("Start").and_then(instant), field("End").and_then(instant)) {
                (Some(start), _) if start > now + FAR_AHEAD => format!(
                    "the gradual change{whose} starts at {}, more than 30 days from now",
                    shown(start)
                ),
                (_, Some(end)) if end < now => format!(
                    "the gradual change{whose} ended at {}: every key sees New at once",
                    shown(end)
                ),
                _ => continue,
            };
            let mut f = Finding::new(
                Code::GradualChangeTiming,
                &plan.prefix.key_path(&c.name),
                Pos::default(),
                Some(&c.name),
                what,
            );
            f.hint = Some("check the year and the time zone of Start and End (RFC 3339, or Unix seconds)".into());
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::plan::{plan, snapshot_of, PlanOptions};
    use crate::model::finding::Level;
    use crate::model::parse::parse_document;

    fn findings(before: &str, after: &str) -> Vec<Finding> {
        let registry = Registry::for_version(None).unwrap();
        let current = snapshot_of(&parse_document("before.yaml", before).value);
        let desired = parse_document("after.yaml", after).value;
        let p = plan(
            &desired,
            &current,
            &registry,
            PlanOptions {
                prune: true,
                ..Default::default()
            },
        );
        review(&p, &current, &registry)
    }

    const EIGHT: &str = "matching.numTaskqueueReadPartitions:\n- value: 8\n  constraints: {namespace: a, taskQueueName: q}\nmatching.numTaskqueueWritePartitions:\n- value: 8\n  constraints: {namespace: a, taskQueueName: q}\n";

    #[test]
    fn lowering_read_partitions_with_or_before_write_partitions_is_an_error() {
        // Both at once: the writes still in flight land in partitions 4-7.
        let both = EIGHT.replace("value: 8", "value: 4");
        let f = findings(EIGHT, &both);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, Code::PartitionOrder);
        assert_eq!(f[0].level, Level::Error);
        assert!(
            f[0].message
                .contains("from 8 to 4 for {namespace: a, taskQueueName: q}"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("partitions 4 to 7"), "{}", f[0].message);
        // Read alone first: worse.
        let read_first = EIGHT.replacen("value: 8", "value: 4", 1);
        assert_eq!(findings(EIGHT, &read_first).len(), 1);
    }

    #[test]
    fn lowering_write_partitions_first_then_read_partitions_is_right() {
        let write_first = "matching.numTaskqueueReadPartitions:\n- value: 8\n  constraints: {namespace: a, taskQueueName: q}\nmatching.numTaskqueueWritePartitions:\n- value: 4\n  constraints: {namespace: a, taskQueueName: q}\n".to_string();
        assert!(findings(EIGHT, &write_first).is_empty());
        let then_read = write_first.replacen("value: 8", "value: 4", 1);
        assert!(findings(&write_first, &then_read).is_empty());
        // Raising is never a problem.
        assert!(findings(&then_read, EIGHT).is_empty());
    }

    #[test]
    fn a_rate_changed_tenfold_or_to_zero_is_a_warning() {
        let f = findings("frontend.rps:\n- value: 2400\n", "frontend.rps:\n- value: 30000\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::LargeChange);
        assert_eq!(f[0].level, Level::Warning);
        assert_eq!(f[0].message, "grows 12.5x, from 2400 to 30000");
        // 10x is not more than 10x.
        assert!(findings("frontend.rps:\n- value: 2400\n", "frontend.rps:\n- value: 24000\n").is_empty());
        let f = findings(
            "frontend.namespaceRPS:\n- value: 400\n  constraints: {namespace: a}\n",
            "frontend.namespaceRPS:\n- value: 0\n  constraints: {namespace: a}\n",
        );
        assert_eq!(f[0].message, "goes from 400 to zero for {namespace: a}");
        assert!(
            findings("frontend.rps:\n- value: 2400\n", "frontend.rps:\n- value: 200\n")[0]
                .message
                .starts_with("shrinks 12.0x")
        );
        // A new item over the default, and a deleted key whose default
        // comes back, change the value as much.
        assert_eq!(
            findings("", "frontend.rps:\n- value: 0\n")[0].message,
            "goes from 2400 (default) to zero"
        );
        assert_eq!(
            findings("frontend.rps:\n- value: 100\n", "")[0].message,
            "grows 24.0x, from 100 to 2400 (default)"
        );
        // A namespace that falls back to the global item on its removal.
        assert_eq!(
            findings(
                "frontend.namespaceRPS:\n- value: 100\n- value: 5000\n  constraints: {namespace: a}\n",
                "frontend.namespaceRPS:\n- value: 100\n"
            )[0]
            .message,
            "shrinks 50.0x, from 5000 to 100 for {namespace: a}"
        );
        // Not a rate, limit or size: no finding.
        assert!(findings(
            "history.shardUpdateMinInterval:\n- value: 1s\n",
            "history.shardUpdateMinInterval:\n- value: 1m\n"
        )
        .is_empty());
    }

    #[test]
    fn a_gradual_change_far_ahead_or_already_over_is_a_warning() {
        let registry = Registry::for_version(None).unwrap();
        let key = registry
            .keys()
            .iter()
            .find(|k| matches!(&k.value_type, crate::temporal::registry::ValueType::Typed(t) if t.starts_with("dynamicconfig.GradualChange")))
            .expect("v1.31 registers a GradualChange key");
        let (name, plain) = (
            key.name.as_str(),
            if key.value_type.to_string().contains("bool") {
                "false"
            } else {
                "1"
            },
        );
        let now = humantime::parse_rfc3339("2026-12-03T00:00:00Z").unwrap();
        let check = |start: &str, end: &str| {
            let current = snapshot_of(&parse_document("b.yaml", &format!("{name}:\n- value: {plain}\n")).value);
            let text = format!("{name}:\n- value: {{Old: {plain}, New: {plain}, Start: {start}, End: {end}}}\n");
            let desired = parse_document("a.yaml", &text).value;
            let p = plan(&desired, &current, &registry, PlanOptions::default());
            review_at(&p, &current, &registry, now)
        };
        let f = check("\"2027-12-01T00:00:00Z\"", "\"2027-12-08T00:00:00Z\"");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, Code::GradualChangeTiming);
        assert!(
            f[0].message
                .contains("starts at 2027-12-01T00:00:00Z, more than 30 days"),
            "{}",
            f[0].message
        );
        let f = check("\"2026-11-01T00:00:00Z\"", "\"2026-11-08T00:00:00Z\"");
        assert!(
            f[0].message.contains("ended at 2026-11-08T00:00:00Z"),
            "{}",
            f[0].message
        );
        // Unix seconds too: 2026-12-04 to 2026-12-11 is fine; 2023 is over.
        assert!(check("1796342400", "1796947200").is_empty());
        assert_eq!(check("1699000000", "1700000000")[0].code, Code::GradualChangeTiming);
        assert!(check("\"2026-12-10T00:00:00Z\"", "\"2026-12-20T00:00:00Z\"").is_empty());
    }
}
