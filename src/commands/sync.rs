//! `tcfg sync`: make the other prefixes (clusters) identical to a source.

use std::io::Write;

use clap::Args;
use tcfg_core::changes::plan::PlanOptions;
use tcfg_core::changes::sync::{Outcome, Side, SyncPlan};
use tcfg_core::store::{Store, StoreError};

use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, DIM, ERROR_PLAIN, GREEN, WARNING};
use crate::present::plan_view::write_plan;

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    /// A pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg sync --prefixes /active,/passive-eu,/passive-us\n  tcfg sync --from /active --prefixes /passive-eu --yes\n  tcfg sync --prefixes /active,/passive-eu --dry-run   # CI: 0 in sync, 2 drift, 1 error\n  tcfg sync --prefixes us-east:,eu-west:,ap-south:     # etcd clusters named in the config file\n\nA short root such as /active means /active joined with the key prefix (/active/temporal/dynamicconfig/); a longer prefix is taken as is. CLUSTER:PREFIX is a prefix on the config file's cluster CLUSTER, and CLUSTER: that cluster's own prefix. Each target is written in one transaction; on the source's etcd it also checks the source did not change since it was read. Across clusters no transaction can span both: targets are written concurrently, each on its own, and a source that changed meanwhile is reported (exit status 2: run the sync again). Exit status: 0 in sync or synced, 2 drift (--dry-run) or the source moved, 1 an error or a refused target, 3 a target unreachable, 4 a write's outcome unknown. Keys only the target has are deleted unless --keep-extra; keys that are not dynamic config are never touched."
)]
pub struct SyncArgs {
    /// The prefixes (each PREFIX, CLUSTER:PREFIX or CLUSTER:): the first is the source (unless --from), the rest are made identical to it
    #[arg(long, value_delimiter = ',', value_name = "PREFIXES", required = true)]
    pub prefixes: Vec<String>,

    /// The source prefix (PREFIX, CLUSTER:PREFIX or CLUSTER:)
    #[arg(long, value_name = "PREFIX")]
    pub from: Option<String>,

    /// Keep keys that only a target has
    #[arg(long)]
    pub keep_extra: bool,

    /// Sync from a source that holds no dynamic config keys (which empties the targets, unless --keep-extra)
    #[arg(long)]
    pub allow_empty_source: bool,

    /// The server's --max-txn-ops
    #[arg(long, value_name = "N", default_value_t = 128)]
    pub max_txn_ops: usize,

    /// The server's --max-request-bytes
    #[arg(long, value_name = "BYTES", default_value_t = 1536 * 1024)]
    pub max_request_bytes: usize,

    #[command(flatten)]
    pub write: crate::app::WriteArgs,

    /// Output format of the plans: markdown (a pull-request comment) only with --dry-run
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,
}

pub async fn run(global: &GlobalArgs, args: SyncArgs) -> Result<u8> {
    let markdown = args.output == Output::Markdown;
    if markdown && !args.write.dry_run {
        bail!("-o markdown is for reviewing a change: add --dry-run");
    }
    let registry = std::sync::Arc::new(crate::app::registry(global)?);
    // The source first (--from, else the first of --prefixes), then the targets.
    let items: Vec<String> = args.from.iter().chain(&args.prefixes).cloned().collect();
    let flag = if args.from.is_some() {
        "--from/--prefixes"
    } else {
        "--prefixes"
    };
    let (settings, mut located) = crate::app::open_located(flag, &items, &global.etcd).await?;
    let mut intent = crate::app::intent(
        &settings,
        &registry,
        "sync",
        Vec::new(),
        args.write.message.as_deref(),
        false,
    )?;
    intent.command.breaks_freeze = crate::app::breaks_freeze(&args.write)?;
    let (source, source_store) = located.remove(0);
    let source_store = source_store
        .map_err(|e| crate::error::CommandError::from(e).context(format!("cannot connect to the source {source}")))?;
    located.retain(|(p, _)| p != &source);
    located.dedup_by(|a, b| a.0 == b.0);
    if located.is_empty() {
        bail!("no target: name the source and at least one other prefix");
    }
    let cross_cluster = located.iter().any(|(t, _)| t.cluster != source.cluster);
    let targets: Vec<(String, Result<Store, StoreError>)> =
        located.into_iter().map(|(t, store)| (t.to_string(), store)).collect();
    let source_side = Side {
        name: source.to_string(),
        store: source_store,
    };
    let opts = PlanOptions {
        prune: !args.keep_extra,
        ..Default::default()
    };
    let plan = SyncPlan::make(source_side, targets, &registry, opts).await?;
    let src = &plan.snapshot;
    src.check_readable()
        .map_err(|e| anyhow::anyhow!("the source {e}: fix them first (tcfg dump shows why); nothing written"))?;
    crate::app::refuse_spellings(src, &registry, "source")?;
    if src.keys.is_empty() && !args.allow_empty_source {
        bail!(
            "the source {source} holds no dynamic config keys{}: syncing from it would empty every target. \
             Check the prefix for a typo; pass --allow-empty-source if emptying the targets is what you want; nothing written",
            if src.foreign.is_empty() {
                String::new()
            } else {
                format!(" ({} other key{} only)", src.foreign.len(), if src.foreign.len() == 1 { "" } else { "s" })
            }
        );
    }
    intent.command.source = Some(format!("{source}@{}", src.revision));
    // What each target's change itself does wrong: an error refuses the
    // whole sync, before anything is written anywhere.
    let reviewed: Vec<_> = plan
        .targets
        .iter()
        .filter_map(|t| {
            let p = t.state.as_ref().ok()?;
            Some((t, &p.plan, p.change.findings()))
        })
        .collect();
    if markdown {
        let reviews: Vec<_> = reviewed
            .iter()
            .map(|(t, p, findings)| crate::present::markdown::Review {
                label: format!("{} (from {source})", t.name),
                plan: p,
                findings,
            })
            .collect();
        let mut out = output::stdout();
        crate::present::markdown::write(&mut out, "tcfg sync --dry-run", &reviews, &registry)?;
        // A target that could not be read is part of the review too.
        for t in &plan.targets {
            if let Err(e) = &t.state {
                let line = format!("{}: {e}", t.name);
                writeln!(
                    out,
                    "> ❌ **Cannot read** {}\n",
                    crate::present::markdown::escape(&line)
                )?;
            }
        }
    } else {
        let mut out = output::styled_stdout();
        for (t, p, _) in &reviewed {
            write_plan(&mut out, p, &format!("{} (from {source})", t.name))?;
        }
    }
    let mut err = output::stderr();
    for t in &plan.targets {
        if let Err(e) = &t.state {
            writeln!(err, "{} {}: {e}", paint(ERROR_PLAIN, "cannot read"), t.name)?;
        }
    }
    drop(err);
    let findings: Vec<_> = reviewed.into_iter().flat_map(|(.., f)| f.iter().cloned()).collect();
    crate::app::show_review(&findings)?;
    let mut err = output::stderr();
    let (drift, unreadable, total) = (plan.drifted(), plan.unreadable(), plan.targets.len());
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if drift == 0 {
        if unreadable > 0 {
            writeln!(
                err,
                "{unreadable} of {total} target{} could not be read; the others match {source}",
                plural(total)
            )?;
            return Ok(unreadable_exit(&plan));
        }
        let which = if total == 1 {
            "the target matches".to_string()
        } else {
            format!("all {total} targets match")
        };
        writeln!(err, "{which} {source}")?;
        return Ok(exit::OK);
    }
    if args.write.dry_run {
        writeln!(
            err,
            "dry run: {drift} of {total} target{} drifted{}; nothing written",
            plural(total),
            if unreadable > 0 {
                format!(", {unreadable} could not be read")
            } else {
                String::new()
            }
        )?;
        return Ok(if unreadable > 0 {
            unreadable_exit(&plan)
        } else {
            exit::CHANGES
        });
    }
    // A cluster that requires a message refuses the sync before any
    // cluster is written, not after the others.
    if intent.message.is_none() {
        if let Some(t) = plan
            .targets
            .iter()
            .filter(|t| matches!(&t.state, Ok(p) if !p.plan.is_empty()))
            .find(|t| t.store.as_ref().is_some_and(|s| s.settings().history.require_message))
        {
            return Err(
                crate::error::CommandError::from(StoreError::MessageRequired { prefix: t.name.clone() })
                    .hint("that cluster requires a message (requireMessage in its etcdConfigs entry)"),
            );
        }
    }
    // Each target named with where it is: a plain prefix is on the current
    // connection.
    // (A target's name starts with its cluster, or, on the current
    // connection, with the prefix's `/`.)
    let place = crate::app::connection::place(&global.etcd, &settings);
    let on_place = |name: &str| {
        if name.starts_with('/') {
            format!(" on {place}")
        } else {
            String::new()
        }
    };
    let named: Vec<String> = plan
        .targets
        .iter()
        .filter(|t| matches!(&t.state, Ok(p) if !p.plan.is_empty()))
        .map(|t| format!("{}{}", t.name, on_place(&t.name)))
        .collect();
    let question = format!(
        "Write {drift} target{} ({}) to match {source}?",
        plural(drift),
        named.join(", ")
    );
    if !crate::app::confirm(&question, args.write.yes)? {
        writeln!(err, "nothing written")?;
        return Ok(exit::ERROR);
    }
    // Every target must fit in one transaction before any is written.
    let limits = tcfg_core::changes::budget::Limits {
        ops: args.max_txn_ops,
        bytes: args.max_request_bytes,
    };
    let fitted = match plan.fit(&intent, limits) {
        Ok(f) => f,
        Err(refused) => bail!("{}: {}: nothing written", refused.0, refused.1),
    };
    let written = fitted.write().await;
    let mut failed = Vec::new();
    let mut done = Vec::new();
    for (name, store, outcome) in &written.outcomes {
        match outcome {
            Outcome::Written { revision } => {
                writeln!(
                    err,
                    "{} {name}{} at revision {revision}",
                    paint(GREEN, "synced"),
                    on_place(name)
                )?;
                if let Some(store) = store {
                    done.push((store.clone(), *revision));
                }
            }
            Outcome::InSync => writeln!(err, "{} {name}", paint(DIM, "in sync"))?,
            Outcome::Failed(e) => {
                writeln!(err, "{} {name}: {e}", paint(ERROR_PLAIN, "failed"))?;
                failed.push(e);
            }
        }
    }
    // Across clusters no transaction covers the source: look again.
    let mut moved = false;
    if cross_cluster && !done.is_empty() {
        match written.source_moved().await {
            Ok(true) => {
                moved = true;
                let names: Vec<&str> = written
                    .outcomes
                    .iter()
                    .filter(|(_, _, o)| matches!(o, Outcome::Written { .. }))
                    .map(|(n, _, _)| n.as_str())
                    .collect();
                writeln!(
                    err,
                    "{}: {source} changed while the targets were written: {} hold{} its state at revision {}; run the sync again to finish",
                    paint(WARNING, "warning"),
                    names.join(", "),
                    if names.len() == 1 { "s" } else { "" },
                    written.snapshot.revision
                )?;
            }
            Ok(false) => {}
            Err(e) => writeln!(
                err,
                "{}: cannot tell whether {source} changed meanwhile: {e}",
                paint(WARNING, "warning")
            )?,
        }
    }
    if !failed.is_empty() {
        writeln!(
            err,
            "{} of {total} target{} failed (each target is written whole or not at all); the others are as shown",
            failed.len(),
            plural(total)
        )?;
        return Ok(failure_exit(&failed));
    }
    let waited = crate::app::wait::for_renderers(&done, args.write.wait).await?;
    Ok(if moved && waited == exit::OK {
        exit::CHANGES
    } else {
        waited
    })
}

/// Targets that could not be read: 3 when etcd could not be reached, else 1.
fn unreadable_exit(plan: &SyncPlan) -> u8 {
    let errors: Vec<&StoreError> = plan.targets.iter().filter_map(|t| t.state.as_ref().err()).collect();
    failure_exit(&errors)
}

/// The exit status for failed targets: 4 when a write's outcome is
/// unknown, 3 when every failure is a cluster out of reach, else 1.
fn failure_exit(errors: &[&StoreError]) -> u8 {
    if errors.iter().any(|e| matches!(e, StoreError::OutcomeUnknown { .. })) {
        exit::OUTCOME_UNKNOWN
    } else if errors
        .iter()
        .all(|e| e.is_connection() || matches!(e, StoreError::Other(m) if m.starts_with("cannot connect")))
    {
        exit::UNREACHABLE
    } else {
        exit::ERROR
    }
}
