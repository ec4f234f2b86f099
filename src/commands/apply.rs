//! `tcfg apply`: make the prefix hold the given files, atomically.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tcfg_core::changes::commit::Change;
use tcfg_core::changes::plan::{plan, Action, PlanOptions};
use tcfg_core::changes::record::FileDigest;
use tcfg_core::changes::saved::{Prepared, SavedPlan};
use tcfg_core::store::Store;

use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;
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
    after_help = "Examples:\n  tcfg apply -f prod.yaml\n  tcfg apply -f base.yaml -f overrides.yaml --yes\n  tcfg apply -f prod.yaml --prune            # also delete keys the files do not name\n  tcfg apply -f defaults.yaml --create-only  # seed missing keys, never touch existing ones\n  tcfg apply -f prod.yaml --dry-run          # exits like `tcfg diff`\n  tcfg apply prod.plan                       # a plan saved by `tcfg diff --out`, exactly\n\nThe whole change is one etcd transaction that checks every touched key is as it was read: if anything moved in between, nothing is written. A successful apply is exactly one new etcd revision. etcd refuses transactions over --max-txn-ops (128 by default): tcfg refuses such a change unless --max-txn-ops N says the server allows it, or --batch splits it into several transactions (not atomic; running the same apply again finishes an interrupted one)."
)]
pub struct ApplyArgs {
    /// A plan file saved by `tcfg diff --out`
    #[arg(value_name = "PLAN_FILE", conflicts_with_all = ["file", "prune", "create_only"])]
    pub plan: Option<PathBuf>,

    /// The desired state (YAML or JSON, `-` for stdin); several form one config
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1.., required_unless_present = "plan")]
    pub file: Vec<PathBuf>,

    /// Also delete dynamic config keys under the prefix that the files do not name (never foreign keys)
    #[arg(long)]
    pub prune: bool,

    /// Only create keys that do not exist yet; never touch existing ones
    #[arg(long, conflicts_with = "prune")]
    pub create_only: bool,

    #[command(flatten)]
    pub txn: crate::app::TxnArgs,

    #[command(flatten)]
    pub write: crate::app::WriteArgs,

    /// Accept keys the release does not register (custom server builds)
    #[arg(long)]
    pub allow_unknown_keys: bool,

    /// Output format of the plan: markdown (a pull-request comment) only with --dry-run
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,
}

pub async fn run(global: &GlobalArgs, args: ApplyArgs) -> Result<u8> {
    let markdown = args.output == Output::Markdown;
    if markdown && !args.write.dry_run {
        bail!("-o markdown is for reviewing a change: add --dry-run");
    }
    if let Some(path) = &args.plan {
        if markdown {
            bail!("-o markdown shows a change planned from files: `tcfg diff -f FILE -o markdown` reviews the same");
        }
        return apply_saved(global, &args, path).await;
    }
    let registry = crate::app::registry(global)?;
    let settings = crate::app::connection_settings(&global.etcd)?;
    let place = crate::app::connection::place(&global.etcd, &settings);
    let mut file_findings = Vec::new();
    let (doc, files) = if markdown {
        crate::app::desired_reviewed(
            &registry,
            &args.file,
            args.allow_unknown_keys,
            "tcfg apply --dry-run",
            &mut file_findings,
        )?
    } else {
        crate::app::desired_files(&registry, &args.file, args.allow_unknown_keys)?
    };
    let mut intent = crate::app::intent(
        &settings,
        &registry,
        "apply",
        files,
        args.write.message.as_deref(),
        !args.write.dry_run,
    )?;
    intent.command.breaks_freeze = crate::app::breaks_freeze(&args.write)?;
    let registry = std::sync::Arc::new(registry);
    let store = Store::connect(settings).await?;
    let snapshot = store.snapshot(&registry, None).await?;
    let opts = PlanOptions {
        prune: args.prune,
        create_only: args.create_only,
    };
    let plan = plan(&doc, &snapshot, &registry, opts);
    let change = Change::of_plan(&plan, &snapshot, &registry);
    if markdown {
        // The files' own warnings belong in the comment too.
        let shown: Vec<_> = change.findings().iter().cloned().chain(file_findings).collect();
        let review = crate::present::markdown::Review {
            label: store.prefix().to_string(),
            plan: &plan,
            findings: &shown,
        };
        crate::present::markdown::write(&mut output::stdout(), "tcfg apply --dry-run", &[review], &registry)?;
    } else {
        let mut out = output::styled_stdout();
        write_plan(&mut out, &plan, &store.prefix().to_string())?;
    }
    if plan.is_empty() {
        return Ok(exit::OK);
    }
    crate::app::show_review(change.findings())?;
    let deletes = plan.count(Action::Delete);
    if deletes > 0 && args.prune {
        writeln!(
            output::stderr(),
            "{deletes} key{} will be deleted (--prune)",
            if deletes == 1 { "" } else { "s" }
        )?;
    }
    let what = format!("{} on {place}", store.prefix());
    crate::app::commit_plan(crate::app::PlanWrite {
        store: &store,
        change,
        txn: args.txn,
        intent: &intent,
        opts: args.write,
        what: &what,
    })
    .await
}

async fn apply_saved(global: &GlobalArgs, args: &ApplyArgs, path: &PathBuf) -> Result<u8> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the plan {}", path.display()))?;
    let shown = output::escape_path(path);
    let registry = std::sync::Arc::new(crate::app::registry(global)?);
    let settings = crate::app::connection_settings(&global.etcd)?;
    let saved = SavedPlan::load(&text, &settings.prefix).map_err(|e| {
        let not_a_plan = matches!(e, tcfg_core::changes::saved::LoadError::NotAPlan(_));
        let err = crate::error::CommandError::from(anyhow::Error::from(e).context(format!("{shown}: nothing written")));
        if not_a_plan {
            // A config file given without -f: apply's positional file is a plan.
            err.hint(format!(
                "to apply a config file, give it with -f: did you mean `tcfg apply -f {shown}`?"
            ))
        } else {
            err
        }
    })?;
    let place = crate::app::connection::place(&global.etcd, &settings);
    let mut intent = crate::app::intent(
        &settings,
        &registry,
        "apply",
        Vec::new(),
        args.write.message.as_deref(),
        !args.write.dry_run,
    )?;
    intent.command.breaks_freeze = crate::app::breaks_freeze(&args.write)?;
    intent.command.plan = Some(FileDigest::of(path.display().to_string(), text.as_bytes()));
    let store = Store::connect(settings).await?;
    let snapshot = store.snapshot(&registry, None).await?;
    let opts = tcfg_core::temporal::validate::Options {
        allow_unknown_keys: args.allow_unknown_keys,
        ..Default::default()
    };
    let Prepared { checked, plan, change } = saved
        .prepare(&snapshot, &registry, &opts)
        .with_context(|| format!("{shown} was refused; nothing written"))?;
    write_plan(
        &mut output::styled_stdout(),
        &plan,
        &format!("{} (plan {shown})", plan.prefix),
    )?;
    if checked.is_empty() {
        writeln!(output::stderr(), "the plan has no changes")?;
        return Ok(exit::OK);
    }
    crate::app::show_review(change.findings())?;
    let what = format!(
        "{} on {place} (plan {})",
        tcfg_core::model::key::escaped(&saved.prefix),
        crate::output::escape_path(path)
    );
    crate::app::commit_plan(crate::app::PlanWrite {
        store: &store,
        change,
        txn: args.txn,
        intent: &intent,
        opts: args.write.clone(),
        what: &what,
    })
    .await
}
