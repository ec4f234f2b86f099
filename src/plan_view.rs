//! Rendering plans: per-key diffs, a summary, and the JSON CI reads.

use std::io::{self, Write};

use tcfg_core::plan::{Action, Plan};

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
