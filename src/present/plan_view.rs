//! Rendering plans: per-key diffs, a summary, and the JSON CI reads.

use std::io::{self, Write};

use tcfg_core::changes::edit::stored_text;
use tcfg_core::changes::plan::{Action, KeyChange, Plan};

use crate::output::{paint, BOLD, ERROR_PLAIN, GREEN, WARNING};

fn action_word(a: Action) -> (&'static str, anstyle::Style) {
    match a {
        // Words, never `+`, `-` or `~`: a header must not read as a diff line.
        Action::Create => ("create", GREEN),
        Action::Update => ("update", WARNING),
        Action::Delete => ("delete", ERROR_PLAIN),
    }
}

/// A unified diff per changed key, then the summary line.
pub fn write_plan(w: &mut impl Write, plan: &Plan, label: &str) -> io::Result<()> {
    for c in &plan.changes {
        let (word, style) = action_word(c.action);
        let restart = if c.restart {
            paint(WARNING, " (takes effect when the servers restart)")
        } else {
            String::new()
        };
        writeln!(w, "{} {}{restart}", paint(style, word), paint(BOLD, &c.name))?;
        write_key_diffs(w, plan, c)?;
    }
    let extra = if plan.kept_existing > 0 {
        format!(", {} existing left alone", plan.kept_existing)
    } else {
        String::new()
    };
    writeln!(w, "{label}: {} ({} unchanged{extra})", plan.summary(), plan.unchanged)
}

/// One key's unified diffs: one per stored spelling, since Temporal reads
/// one of them at random, so each is shown as it is, never merged with the
/// other.
pub fn write_key_diffs(w: &mut impl Write, plan: &Plan, c: &KeyChange) -> io::Result<()> {
    let target = plan.prefix.key_path(&c.name);
    let writes_target = !c.new_items.is_empty();
    if writes_target && !c.stored.iter().any(|s| s.etcd_key == target) {
        crate::present::diff::write_unified(w, "", &c.new_text, "(not stored)", &target)?;
    }
    for s in &c.stored {
        let old = stored_text(std::slice::from_ref(s));
        if s.etcd_key == target && writes_target {
            crate::present::diff::write_unified(w, &old, &c.new_text, &s.etcd_key, &target)?;
        } else {
            let gone = if c.stored.len() > 1 {
                "(deleted: another spelling of the key)"
            } else {
                "(deleted)"
            };
            crate::present::diff::write_unified(w, &old, "", &s.etcd_key, gone)?;
        }
    }
    Ok(())
}
