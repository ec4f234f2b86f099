//! `tcfg sync`: make the other prefixes (clusters) identical to a source.

use std::io::Write;

use clap::Args;
use tcfg_core::changes::plan::{plan, PlanOptions};
use tcfg_core::store::{Guard, Prefix, Store};

use crate::bail;
use crate::cli::GlobalArgs;
use crate::error::Result;
use crate::exit;
use crate::output::{self, paint, GREEN};
use crate::plan_view::write_plan;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg sync --prefixes /active,/passive-eu,/passive-us\n  tcfg sync --from /active --prefixes /passive-eu --yes\n  tcfg sync --prefixes /active,/passive-eu --dry-run   # CI: 0 in sync, 2 drift, 1 error\n\nA short root such as /active means /active joined with the key prefix (/active/temporal/dynamicconfig/); a longer prefix is taken as is. Each target is written in one transaction that also checks the source did not change since it was read. Keys only the target has are deleted unless --keep-extra; keys that are not dynamic config are never touched."
)]
pub struct SyncArgs {
    /// The prefixes: the first is the source (unless --from), the rest are made identical to it
    #[arg(long, value_delimiter = ',', value_name = "PREFIXES", required = true)]
    pub prefixes: Vec<String>,

    /// The source prefix
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
    pub write: super::WriteArgs,
}

pub async fn run(global: &GlobalArgs, args: SyncArgs) -> Result<u8> {
    let registry = std::sync::Arc::new(super::registry(global)?);
    let settings = super::connection_settings(&global.etcd)?;
    let mut prefixes: Vec<Prefix> = super::prefix_list("--prefixes", &args.prefixes, &settings)?;
    let source = match &args.from {
        Some(f) => super::prefix_list("--from", std::slice::from_ref(f), &settings)?.remove(0),
        None => prefixes.remove(0),
    };
    prefixes.retain(|p| p != &source);
    if prefixes.is_empty() {
        bail!("no target: name the source and at least one other prefix");
    }
    let intent = super::intent(&settings, &registry, "sync", Vec::new(), args.write.message.as_deref())?;
    let store = Store::connect(settings).await?;
    let src = store.with_prefix(source.clone()).snapshot(&registry, None).await?;
    src.check_readable()
        .map_err(|e| anyhow::anyhow!("the source {e}: fix them first (tcfg dump shows why); nothing written"))?;
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
    let desired = src.document();
    let mut intent = intent;
    intent.command.source = Some(format!("{source}@{}", src.revision));
    let opts = PlanOptions {
        prune: !args.keep_extra,
        ..Default::default()
    };
    let mut plans = Vec::new();
    let mut out = output::styled_stdout();
    for target in &prefixes {
        let snap = store.with_prefix(target.clone()).snapshot(&registry, None).await?;
        let p = plan(&desired, &snap, &registry, opts);
        write_plan(&mut out, &p, &format!("{target} (from {source})"))?;
        plans.push(p);
    }
    drop(out);
    let drift = plans.iter().filter(|p| !p.is_empty()).count();
    if drift == 0 {
        let which = if prefixes.len() == 1 {
            "the target matches".to_string()
        } else {
            format!("all {} targets match", prefixes.len())
        };
        writeln!(output::stderr(), "{which} {source}")?;
        return Ok(exit::OK);
    }
    if args.write.dry_run {
        writeln!(
            output::stderr(),
            "dry run: {drift} of {} target{} drifted; nothing written",
            prefixes.len(),
            if prefixes.len() == 1 { "" } else { "s" }
        )?;
        return Ok(exit::CHANGES);
    }
    let question = format!(
        "Write {drift} target{} to match {source}?",
        if drift == 1 { "" } else { "s" }
    );
    if !super::confirm(&question, args.write.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    // Each target in one transaction, which also fails if the source moved.
    let guard = [Guard::Unchanged {
        prefix: source.clone(),
        since: src.revision,
    }];
    // Every target must fit in one transaction before any is written.
    let limits = tcfg_core::changes::batch::Limits {
        ops: args.max_txn_ops,
        bytes: args.max_request_bytes,
    };
    for p in plans.iter().filter(|p| !p.is_empty()) {
        if let Err(e) =
            tcfg_core::changes::batch::transactions(p.write_groups(), guard.len(), intent.limits(limits), false)
        {
            bail!("{}: {e}: nothing written", p.prefix);
        }
    }
    let mut written = Vec::new();
    for p in plans.iter().filter(|p| !p.is_empty()) {
        let writes = p.writes();
        let target = store.with_prefix(p.prefix.clone());
        match tcfg_core::changes::history::commit(&target, &writes, &guard, &intent, limits).await {
            Ok(revision) => {
                written.push((target, revision));
                writeln!(
                    output::stderr(),
                    "{} {} at revision {revision}",
                    paint(GREEN, "synced"),
                    p.prefix
                )?;
            }
            Err(e) => {
                return Err(crate::error::CommandError::from(e).context(format!(
                    "syncing {} failed ({} of {drift} target{} written before it, each whole)",
                    p.prefix,
                    written.len(),
                    if drift == 1 { "" } else { "s" }
                )))
            }
        }
    }
    super::wait::for_renderers(&written, args.write.wait).await
}
