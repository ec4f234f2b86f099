//! `tcfg revert` and `tcfg rollback`: undo a change, or go back to a
//! revision or time, through the same plan, diff, confirm and
//! compare-and-swap path as `apply`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tcfg_core::changes::plan::{plan, PlanOptions};
use tcfg_core::changes::saved::SavedPlan;
use tcfg_core::changes::undo::{self, Undo};
use tcfg_core::model::finding::Level;
use tcfg_core::store::Store;

use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, WARNING};
use crate::present::plan_view::write_plan;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg revert 1234 -m \"undo the bad rate limit\"\n  tcfg revert 1234 --dry-run\n\nThe inverse of one change (its REVISION in `tcfg log`), for the keys it touched, written in one compare-and-swap transaction with its record. When a key changed again after it, revert refuses and names the later change; --force reverts anyway (after showing both)."
)]
pub struct RevertArgs {
    /// The etcd revision of the change to undo
    #[arg(value_name = "REV")]
    pub revision: i64,

    /// Revert even though a key changed again after REV (the later change is shown, then overwritten)
    #[arg(long)]
    pub force: bool,

    /// Save the plan instead of writing it; apply it with `tcfg apply PLAN`
    #[arg(long, value_name = "PLAN_FILE", conflicts_with = "yes")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub txn: crate::app::TxnArgs,

    #[command(flatten)]
    pub write: crate::app::WriteArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg rollback --to 2026-12-02T09:00:00Z --dry-run\n  tcfg rollback --to 1200 frontend.namespaceRPS -m \"back to before the incident\"\n  tcfg rollback --to 30m --out back.plan              # as 30 minutes ago\n  tcfg rollback --to 1200 --out back.plan   # review, then `tcfg apply back.plan`\n\nThe state at a revision comes from etcd's history while etcd keeps it, else from the change records' old values; a key neither can tell is named and nothing is written. A time is turned into a revision through the change records' times."
)]
pub struct RollbackArgs {
    /// Only these keys (default: every key under the prefix)
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,

    /// The point to go back to: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time
    #[arg(long, value_name = "WHEN", alias = "to-revision", alias = "to-time", value_parser = crate::app::args::parse_when)]
    pub to: tcfg_core::changes::log::Bound,

    /// Save the plan instead of writing it; apply it with `tcfg apply PLAN`
    #[arg(long, value_name = "PLAN_FILE", conflicts_with = "yes")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub txn: crate::app::TxnArgs,

    #[command(flatten)]
    pub write: crate::app::WriteArgs,
}

pub async fn revert(global: &GlobalArgs, args: RevertArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let settings = crate::app::connection_settings(&global.etcd)?;
    let place = crate::app::connection::place(&global.etcd, &settings);
    let mut intent = crate::app::intent(
        &settings,
        &registry,
        "revert",
        Vec::new(),
        args.write.message.as_deref(),
        !args.write.dry_run && args.out.is_none(),
    )?;
    intent.command.breaks_freeze = crate::app::breaks_freeze(&args.write)?;
    intent.command.reverts = Some(args.revision);
    intent
        .message
        .get_or_insert_with(|| format!("revert of {}", args.revision));
    let store = Store::connect(settings).await?;
    let undo = undo::revert(&store, &registry, args.revision).await?;
    if !undo.later.is_empty() {
        let mut err = output::stderr();
        writeln!(err, "the keys of revision {} changed again after it:", args.revision)?;
        for e in &undo.later {
            let who = e
                .record
                .as_ref()
                .map(|r| r.author.short())
                .unwrap_or_else(|| "another tool (no record)".into());
            let why = e.record.as_ref().and_then(|r| r.message.clone()).unwrap_or_default();
            writeln!(
                err,
                "  revision {} by {who}{}",
                e.revision,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                }
            )?;
        }
        if !args.force {
            bail!(
                "reverting {} would undo the later change{} too; nothing written. `tcfg show REV` shows each; pass --force to revert anyway",
                args.revision,
                if undo.later.len() == 1 { "" } else { "s" }
            );
        }
        writeln!(err, "{}", paint(WARNING, "--force: the later changes are overwritten"))?;
    }
    let what = format!("{} on {place} (revert of {})", store.prefix(), args.revision);
    let f = Finish {
        store: &store,
        registry: &registry,
        intent: &intent,
        out: args.out.as_ref(),
        txn: args.txn,
        opts: args.write,
        what: &what,
        force: args.force,
    };
    finish(undo, f).await
}

pub async fn rollback(global: &GlobalArgs, args: RollbackArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let settings = crate::app::connection_settings(&global.etcd)?;
    let place = crate::app::connection::place(&global.etcd, &settings);
    let to = args.to;
    let mut intent = crate::app::intent(
        &settings,
        &registry,
        "rollback",
        Vec::new(),
        args.write.message.as_deref(),
        !args.write.dry_run && args.out.is_none(),
    )?;
    intent.command.breaks_freeze = crate::app::breaks_freeze(&args.write)?;
    let store = Store::connect(settings).await?;
    let undo = undo::rollback(&store, &registry, to, &args.keys).await?;
    intent.command.rollback_to = Some(undo.target);
    intent
        .message
        .get_or_insert_with(|| format!("rollback to {}", undo.target));
    writeln!(output::stderr(), "rolling back to revision {}", undo.target)?;
    let what = format!("{} on {place} (rollback to {})", store.prefix(), undo.target);
    let f = Finish {
        store: &store,
        registry: &registry,
        intent: &intent,
        out: args.out.as_ref(),
        txn: args.txn,
        opts: args.write,
        what: &what,
        force: false,
    };
    finish(undo, f).await
}

/// Where and how an undo (revert or rollback) is finished.
struct Finish<'a> {
    store: &'a Store,
    registry: &'a tcfg_core::Registry,
    intent: &'a tcfg_core::changes::intent::Intent,
    /// `--out`: save the plan instead of writing.
    out: Option<&'a PathBuf>,
    txn: crate::app::TxnArgs,
    opts: crate::app::WriteArgs,
    /// Where, for the prompt and the report.
    what: &'a str,
    /// `--force`: revert what can be, even when some keys cannot.
    force: bool,
}

/// Refuse what cannot be restored; plan the rest against the prefix now;
/// show, save or write it.
async fn finish(undo: Undo, f: Finish<'_>) -> Result<u8> {
    let Finish {
        store,
        registry,
        intent,
        out,
        txn,
        opts,
        what,
        force,
    } = f;
    let mut err = output::stderr();
    for k in &undo.skipped {
        writeln!(err, "left alone: {k} is not dynamic config (tcfg never writes it)")?;
    }
    for (k, why) in &undo.ignored {
        writeln!(err, "{}: {k} is not restored: {why}", paint(WARNING, "warning"))?;
    }
    if !undo.partial.is_empty() {
        for k in &undo.partial {
            writeln!(err, "  cannot restore {k}: its value before the change is not kept (too large to record whole, and compacted in etcd)")?;
        }
        if !force {
            bail!(
                "revision {} cannot be reverted in full: the keys above cannot be restored; nothing written. Pass --force to revert the others",
                undo.target + 1
            );
        }
        writeln!(err, "{}", paint(WARNING, "--force: the others are reverted"))?;
    }
    if !undo.unknown.is_empty() {
        for (k, why) in &undo.unknown {
            writeln!(err, "  {k}: {why}")?;
        }
        bail!(
            "the value at revision {} of {} cannot be told; nothing written. Name the other keys to restore only them",
            undo.target,
            undo.unknown
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let findings = tcfg_core::temporal::validate::validate(&undo.desired, registry, &Default::default());
    let mut invalid: Vec<String> = undo.invalid.iter().map(|(k, why)| format!("{k}: {why}")).collect();
    invalid.extend(
        findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| f.message.clone()),
    );
    if !invalid.is_empty() {
        for i in &invalid {
            writeln!(err, "  {i}")?;
        }
        bail!(
            "what revision {} held is not valid config for this release; nothing written",
            undo.target
        );
    }
    drop(err);
    let p = plan(&undo.desired, &undo.current, registry, PlanOptions::default());
    let mut view = output::styled_stdout();
    write_plan(&mut view, &p, &store.prefix().to_string())?;
    drop(view);
    // Undoing is a change like any other: lowering read partitions back
    // strands tasks as surely as lowering them the first time.
    let change = tcfg_core::changes::commit::Change::of_plan(&p, &undo.current, registry);
    crate::app::show_review(change.findings())?;
    if let Some(path) = out {
        crate::app::save_plan(path, &SavedPlan::new(&p, &undo.current))?;
        return Ok(if p.is_empty() { exit::OK } else { exit::CHANGES });
    }
    if p.is_empty() {
        writeln!(
            output::stderr(),
            "nothing to change: the keys already hold those values"
        )?;
        return Ok(exit::OK);
    }
    crate::app::commit_plan(crate::app::PlanWrite {
        store,
        change,
        txn,
        intent,
        opts,
        what,
    })
    .await
}
