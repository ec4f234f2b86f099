//! The CLI's side of the one write path (`changes::commit`): show the
//! change and what its review found, confirm, and commit it.

use std::io::Write as _;

use crate::error::bail;
use crate::error::{CommandError, Result};
use crate::exit;
use crate::output::{self, paint, GREEN};
use tcfg_core::changes::commit::{Batching, Change};
use tcfg_core::changes::intent::Intent;
use tcfg_core::changes::plan::Plan;
use tcfg_core::store::Store;

use super::{confirm, WriteArgs};

/// What a command that writes one prefix starts from: its intent (verb,
/// files read, message, `--break-freeze`), where it writes (for prompts
/// and reports), and the store.
pub struct Opened {
    pub intent: Intent,
    pub place: String,
    pub store: Store,
}

/// Open a write of one prefix: the intent is refused at once where the
/// cluster requires a message and none is given, before anything is read.
pub async fn open_write(
    global: &crate::global::GlobalArgs,
    registry: &tcfg_core::Registry,
    verb: &str,
    files: Vec<tcfg_core::changes::record::FileDigest>,
    write: &WriteArgs,
) -> Result<Opened> {
    let settings = super::connection_settings(&global.etcd)?;
    let mut intent = super::intent(
        &settings,
        registry,
        verb,
        files,
        write.message.as_deref(),
        !write.dry_run,
    )?;
    intent.command.breaks_freeze = super::breaks_freeze(write)?;
    let place = super::connection::place(&global.etcd, &settings);
    let store = Store::connect(settings).await?;
    Ok(Opened { intent, place, store })
}

/// One key's write as `put` and `delete` make it (`plan` holds that key's
/// change, or nothing when it is already so): show its diff and review,
/// confirm, and commit it as one compare-and-swap transaction.
pub async fn commit_key_write(
    store: &Store,
    name: &str,
    plan: &Plan,
    change: Change,
    intent: &Intent,
    opts: WriteArgs,
    place: &str,
) -> Result<u8> {
    let Some(key) = plan.changes.first() else {
        writeln!(
            output::stderr(),
            "{} is already as requested: nothing to write",
            plan.prefix.key_path(name)
        )?;
        return Ok(exit::OK);
    };
    let path = plan.prefix.key_path(&key.name);
    // The plan on stdout, as every writing command shows it.
    crate::present::plan_view::write_plan(&mut output::styled_stdout(), plan, &plan.prefix.to_string())?;
    show_review(change.findings())?;
    let fitted = change.fit(intent, tcfg_core::changes::budget::Limits::default(), Batching::Never)?;
    told_of_freeze(store, intent, opts.dry_run).await?;
    if opts.dry_run {
        writeln!(output::stderr(), "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    if !confirm(&format!("Write {path} on {place}?"), opts.yes)? {
        writeln!(crate::output::stderr(), "nothing written")?;
        return Ok(crate::exit::ERROR);
    }
    let revision = fitted.commit(store, |_| {}).await?.unwrap_or(plan.revision);
    writeln!(
        crate::output::stderr(),
        "wrote {path} on {place} at revision {revision}"
    )?;
    super::wait::for_renderers(&[(store.clone(), revision)], opts.wait).await
}

/// A plan's change, as `apply`, `revert` and `rollback` make it.
pub struct PlanWrite<'a> {
    pub store: &'a Store,
    /// Reviewed (its findings already shown) and guarded.
    pub change: Change,
    /// The server's limits, and whether a change too big may be batched.
    pub txn: super::TxnArgs,
    pub intent: &'a Intent,
    pub opts: super::WriteArgs,
    /// Where, for the prompt and the report (`/p/ on etcd host:2379`).
    pub what: &'a str,
}

/// Fit the change, confirm, and write it with its records, in one
/// transaction or (`--batch`) several.
pub async fn commit_plan(w: PlanWrite<'_>) -> Result<u8> {
    let PlanWrite {
        store,
        change,
        txn,
        intent,
        opts,
        what,
    } = w;
    let batching = if txn.batch {
        Batching::WhenTooLarge
    } else {
        Batching::Never
    };
    let fitted = change.fit(intent, txn.limits(), batching)?;
    told_of_freeze(store, intent, opts.dry_run).await?;
    if opts.dry_run {
        writeln!(output::stderr(), "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    if !confirm(&format!("Apply these changes to {what}?"), opts.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    let total = fitted.transactions();
    let last = fitted
        .commit(store, |c| {
            if c.total == 1 {
                return;
            }
            // Batches: whole keys per transaction, each guarded on its own keys.
            let keys: Vec<&str> = c.writes.iter().map(|w| w.etcd_key.as_str()).collect();
            let _ = writeln!(
                output::stderr(),
                "batch {}/{} written at revision {}: {} key{} ({} .. {})",
                c.index + 1,
                c.total,
                c.revision,
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                keys.first().unwrap_or(&""),
                keys.last().unwrap_or(&"")
            );
        })
        .await?
        .unwrap_or_default();
    if total == 1 {
        writeln!(
            output::stderr(),
            "{} {what} at revision {last}",
            paint(GREEN, "applied to")
        )?;
    } else {
        writeln!(
            output::stderr(),
            "{} {what} in {total} batches",
            paint(GREEN, "applied to")
        )?;
    }
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

/// Show what a change's review found (`changes::review`, one change's or
/// several's); an error refuses it here, before any prompt (`Change::fit`
/// would refuse it too).
pub fn show_review(findings: &[tcfg_core::Finding]) -> Result<()> {
    crate::present::report::write_findings(&mut output::stderr(), findings, &Default::default())?;
    let errors = findings.iter().filter(|f| f.level == tcfg_core::Level::Error).count();
    if errors > 0 {
        return Err(tcfg_core::changes::commit::CommitError::Refused { errors }.into());
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

/// A freeze that would refuse the write is told before the prompt (the
/// write is refused then, not after a yes), and in a dry run as what the
/// write would meet (a CI review shows it); so is a freeze this user may
/// not read. The write checks again.
pub async fn told_of_freeze(store: &Store, intent: &Intent, dry_run: bool) -> Result<()> {
    let outlook = tcfg_core::changes::freeze::outlook(store, intent, std::time::SystemTime::now()).await;
    for range in &outlook.unchecked {
        writeln!(
            output::stderr(),
            "{}: this etcd user may not read {range}, so a change freeze there cannot be checked: grant it read on {range}",
            paint(crate::output::WARNING, "warning")
        )?;
    }
    let Some(refused) = outlook.refused else {
        return Ok(());
    };
    if !dry_run {
        return Err(refused.into());
    }
    writeln!(
        output::stderr(),
        "{}: {}: without --break-freeze -m this write would be refused",
        paint(crate::output::WARNING, "frozen"),
        refused.to_string().trim_end_matches("; nothing written")
    )?;
    Ok(())
}
