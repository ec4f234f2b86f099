//! Rendering plans: per-key diffs, a summary, and the JSON CI reads.

use std::io::{self, Write};

use serde_json::json;
use tcfg_core::plan::{Action, ItemChange, Plan};

use crate::commands::get::constraints_json;
use crate::output::{paint, BOLD, ERROR_PLAIN, GREEN, WARNING};

fn action_word(a: Action) -> (&'static str, anstyle::Style) {
    match a {
        Action::Create => ("+ create", GREEN),
        Action::Update => ("~ update", WARNING),
        Action::Delete => ("- delete", ERROR_PLAIN),
    }
}

/// A unified diff per changed key, then the summary line.
pub fn write_plan(w: &mut impl Write, plan: &Plan, label: &str) -> io::Result<()> {
    for c in &plan.changes {
        let (word, style) = action_word(c.action);
        writeln!(w, "{} {}", paint(style, word), paint(BOLD, &c.name))?;
        let old_name = match c.stored.first() {
            Some(s) => s.etcd_key.clone(),
            None => "(not stored)".into(),
        };
        let new_name = if c.new_items.is_empty() {
            "(deleted)".to_string()
        } else {
            plan.prefix.key_path(&c.name)
        };
        crate::diff::write_unified(w, &c.old_text, &c.new_text, &old_name, &new_name)?;
    }
    let extra = if plan.kept_existing > 0 {
        format!(", {} existing left alone", plan.kept_existing)
    } else {
        String::new()
    };
    writeln!(w, "{label}: {} ({} unchanged{extra})", plan.summary(), plan.unchanged)
}

/// The machine-readable plan (`format_version` 1; fields are only added).
pub fn plan_json(plan: &Plan) -> serde_json::Value {
    json!({
        "format_version": 1,
        "prefix": plan.prefix.to_string(),
        "revision": plan.revision,
        "changes": plan.changes.iter().map(|c| json!({
            "key": c.name,
            "action": c.action,
            "etcd_key": plan.prefix.key_path(&c.name),
            "stored_as": c.stored.iter().map(|s| json!({"etcd_key": s.etcd_key, "mod_revision": s.mod_revision})).collect::<Vec<_>>(),
            "items": c.items.iter().map(|i| match i {
                ItemChange::Added(a) => json!({"change": "added", "constraints": constraints_json(&a.constraints), "new": a.value.to_json()}),
                ItemChange::Removed(r) => json!({"change": "removed", "constraints": constraints_json(&r.constraints), "old": r.value.to_json()}),
                ItemChange::Changed { constraints, old, new } => json!({"change": "changed", "constraints": constraints_json(constraints), "old": old.to_json(), "new": new.to_json()}),
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": {
            "create": plan.count(Action::Create),
            "update": plan.count(Action::Update),
            "delete": plan.count(Action::Delete),
            "unchanged": plan.unchanged,
        },
    })
}
