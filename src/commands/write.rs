//! One key's write as `put` and `delete` make it: diff, confirm, commit
//! with its record.

use std::io::Write;

use crate::bail;
use crate::error::{CommandError, Result};
use crate::exit;
use crate::output::{self, paint, GREEN, WARNING};
use tcfg_core::changes::batch::{self, BatchError};
use tcfg_core::changes::budget::Limits;
use tcfg_core::changes::history::{self, Intent};
use tcfg_core::store::{Change, Guard, Store};

use super::{confirm, WriteArgs};

/// Show the diff of one key's write, confirm it, and commit it as one
/// compare-and-swap transaction. `restart`: the servers apply it only when
/// they restart.
pub async fn commit_key_write(
    store: &Store,
    write: &tcfg_core::changes::edit::KeyWrite,
    restart: bool,
    intent: &Intent,
    opts: WriteArgs,
    place: &str,
) -> Result<u8> {
    let mut err = crate::output::stderr();
    if write.is_noop() {
        writeln!(err, "{} is already as requested: nothing to write", write.etcd_key)?;
        return Ok(crate::exit::OK);
    }
    let old_name = match write.changes.iter().find(|c| c.etcd_key != write.etcd_key) {
        Some(c) => format!("{} (stored)", c.etcd_key),
        None if write.old_text.is_empty() => format!("{} (not stored)", write.etcd_key),
        None => format!("{} (stored)", write.etcd_key),
    };
    crate::diff::write_unified(
        &mut err,
        &write.old_text,
        &write.new_text,
        &old_name,
        &format!("{} (new)", write.etcd_key),
    )?;
    if restart {
        writeln!(
            err,
            "{}: Temporal applies {} only when its servers restart (the key's description says so)",
            paint(WARNING, "note"),
            write.etcd_key
        )?;
    }
    if opts.dry_run {
        writeln!(err, "dry run: nothing written")?;
        return Ok(crate::exit::OK);
    }
    drop(err);
    if !confirm(&format!("Write {} on {place}?", write.etcd_key), opts.yes)? {
        writeln!(crate::output::stderr(), "nothing written")?;
        return Ok(crate::exit::ERROR);
    }
    let revision = history::commit(store, &write.changes, &[], intent, Limits::default()).await?;
    writeln!(
        crate::output::stderr(),
        "wrote {} on {place} at revision {revision}",
        write.etcd_key
    )?;
    super::wait::for_renderers(&[(store.clone(), revision)], opts.wait).await
}

/// A plan's writes, as `apply`, `revert` and `rollback` make them.
pub struct PlanWrite<'a> {
    pub store: &'a Store,
    /// Whole keys: the changes of one key stay in one transaction.
    pub groups: Vec<Vec<Change>>,
    /// What must still hold when the writes land (a saved plan's revisions).
    pub guards: &'a [Guard],
    /// The server's limits, and whether a change too big may be batched.
    pub txn: super::TxnArgs,
    pub intent: &'a Intent,
    pub opts: super::WriteArgs,
    /// Where, for the prompt and the report (`/p/ on etcd host:2379`).
    pub what: &'a str,
}

/// Check the size, confirm, and write with their record, in one
/// transaction or (`--batch`) several.
pub async fn commit_plan(w: PlanWrite<'_>) -> Result<u8> {
    let PlanWrite {
        store,
        groups,
        guards,
        txn,
        intent,
        opts,
        what,
    } = w;
    let (limits, batch): (Limits, bool) = (txn.limits(), txn.batch);
    let mut err = output::stderr();
    let batches = batch::transactions(groups, guards.len(), intent.limits(limits), batch).map_err(|e| match e {
        BatchError::KeyTooLarge { .. } => CommandError::from(anyhow::anyhow!("{e}: nothing written")),
        _ => CommandError::from(anyhow::anyhow!("{e}: nothing written")).hint(
            "pass --max-txn-ops N or --max-request-bytes N if the server's limits are raised, \
             or --batch to write in several transactions (not atomic)",
        ),
    })?;
    if opts.dry_run {
        writeln!(err, "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    drop(err);
    if !confirm(&format!("Apply these changes to {what}?"), opts.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    if let [one] = batches.as_slice() {
        let revision = history::commit(store, one, guards, intent, limits).await?;
        writeln!(
            output::stderr(),
            "{} {what} at revision {revision}",
            paint(GREEN, "applied to")
        )?;
        return super::wait::for_renderers(&[(store.clone(), revision)], opts.wait).await;
    }
    // Batches: whole keys per transaction, each guarded on its own keys.
    let total = batches.len();
    let mut last = 0;
    batch::commit_batches(store, &batches, guards, intent, limits, |i, revision, b| {
        last = revision;
        let keys: Vec<&str> = b.iter().map(|c| c.etcd_key.as_str()).collect();
        let _ = writeln!(
            output::stderr(),
            "batch {}/{total} written at revision {revision}: {} key{} ({} .. {})",
            i + 1,
            keys.len(),
            if keys.len() == 1 { "" } else { "s" },
            keys.first().unwrap_or(&""),
            keys.last().unwrap_or(&"")
        );
    })
    .await
    .map_err(|e| {
        let what = e.to_string();
        CommandError::from(e.source)
            .context(what)
            .hint("run the same command again to finish: what is already written shows as unchanged")
    })?;
    writeln!(
        output::stderr(),
        "{} {what} in {total} batches",
        paint(GREEN, "applied to")
    )?;
    super::wait::for_renderers(&[(store.clone(), last)], opts.wait).await
}

/// Save a plan for `tcfg apply PLAN`, and say so.
pub fn save_plan(path: &std::path::Path, saved: &tcfg_core::changes::saved::SavedPlan) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    // Created exclusively and never through a symlink: a plan file is
    // applied later, so one that replaced something else, or another
    // user's file, would be worse than none.
    let text = serde_json::to_string_pretty(saved)?;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(0o644)
        .open(path);
    let mut f = match created {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} exists; nothing saved. A plan is never written over another file: choose a new name or remove it",
            output::escape_path(path)
        ),
        Err(e) => bail!("cannot create {}: {e}", output::escape_path(path)),
    };
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output::escape_path(path)))?;
    writeln!(
        output::stderr(),
        "plan saved to {}; apply it with `tcfg apply {}`",
        output::escape_path(path),
        output::escape_path(path)
    )?;
    Ok(())
}

/// Show what a change itself does wrong (`changes::review`); an error
/// refuses it, before anything is written.
pub fn refuse_harmful_change(findings: &[tcfg_core::model::finding::Finding]) -> Result<()> {
    crate::report::write_findings(&mut output::stderr(), findings, &Default::default())?;
    let errors = findings
        .iter()
        .filter(|f| f.level == tcfg_core::model::finding::Level::Error)
        .count();
    if errors > 0 {
        crate::bail!(
            "the change has {}; nothing written",
            if errors == 1 {
                "an error".to_string()
            } else {
                format!("{errors} errors")
            }
        );
    }
    Ok(())
}

/// Refuse to copy a prefix holding a key under several spellings: Temporal
/// reads one of them at random, so which value is meant is not known, and a
/// copy would spread either (`get` and `render` serve the registered one).
pub fn refuse_spellings(
    snapshot: &tcfg_core::store::Snapshot,
    registry: &tcfg_core::Registry,
    role: &str,
) -> Result<()> {
    let Err(e) = snapshot.check_spellings() else {
        return Ok(());
    };
    let mut err = CommandError::from(anyhow::anyhow!(
        "the {role} {}: Temporal reads one spelling of each at random, so which value it serves is not known; nothing written",
        escape_spellings(&e)
    ));
    for keys in &e.keys {
        let stored = snapshot.prefix.name_of(&keys[0]).unwrap_or(&keys[0]);
        let name = registry.canonical_name(stored).unwrap_or(stored);
        err = err.hint(format!(
            "keep one spelling: `tcfg --prefix {} put {} VALUE` writes the registered spelling and deletes the others (`tcfg get {}` shows each)",
            tcfg_core::model::key::escaped(snapshot.prefix.as_str()),
            tcfg_core::model::key::escaped(name),
            tcfg_core::model::key::escaped(name)
        ));
    }
    Err(err)
}

fn escape_spellings(e: &tcfg_core::store::Spellings) -> String {
    let keys: Vec<String> = e
        .keys
        .iter()
        .map(|k| {
            let shown: Vec<_> = k.iter().map(|n| tcfg_core::model::key::escaped(n)).collect();
            format!("a key under {} spellings ({})", k.len(), shown.join(", "))
        })
        .collect();
    format!(
        "{} holds {}",
        tcfg_core::model::key::escaped(&e.prefix),
        keys.join("; ")
    )
}
