//! `tcfg delete`: remove one item of a key, or the whole key.

use clap::Args;
use tcfg_core::changes::commit::Change;
use tcfg_core::changes::edit::{read_for_change, remove};
use tcfg_core::changes::plan::key_plan;
use tcfg_core::model::value::text::flow;

use crate::app::{commit_key_write, refuse_foreign, OverrideArgs, ScopeArgs, WriteArgs};
use crate::error::bail;
use crate::error::Result;
use crate::global::GlobalArgs;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg delete frontend.namespaceRPS --namespace payments   # the item for that namespace\n  tcfg delete frontend.rps                                 # the item with no constraints\n  tcfg delete frontend.rps --all --yes          # the whole key: Temporal's default applies\n  tcfg delete frontend.namespaceRPS --namespace batch --for 30m -m \"INC-42\"  # back in 30m\n\nThe item whose constraints equal the scope flags is removed; removing the last item deletes the key."
)]
pub struct DeleteArgs {
    /// The key, in any case (every stored spelling of it)
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: String,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Delete the whole key, every item of it
    #[arg(long, conflicts_with_all = ["namespace", "namespace_id", "task_queue", "task_type", "history_task_type", "shard_id", "destination", "chasm_task_type"])]
    pub all: bool,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub overriding: OverrideArgs,
}

pub async fn run(global: &GlobalArgs, args: DeleteArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    // Deleting needs no registration: a retired or mistyped key is exactly
    // what one wants gone.
    let name = registry
        .canonical_name(&args.key_name)
        .unwrap_or(&args.key_name)
        .to_string();
    refuse_foreign(&registry, &name)?;
    let scope = args.scope.constraints()?;
    let ends = args.overriding.ends();
    if ends.is_some() && args.all {
        bail!(
            "an override (--for, --until) removes one item and restores it: name the item with scope flags, not --all"
        );
    }
    crate::app::overriding::require_message(ends, args.write.message.as_deref())?;
    let crate::app::Opened {
        mut intent,
        place,
        store,
    } = crate::app::open_write(global, &registry, "delete", Vec::new(), &args.write).await?;
    let (read, current) = read_for_change(&store, &name).await?;
    if read.stored.is_empty() {
        bail!("{name} is not stored under {}: nothing to delete", store.prefix());
    }
    let mut before = Vec::new();
    let new_items = if args.all {
        Vec::new()
    } else {
        let stored = read
            .stored
            .iter()
            .find(|s| s.etcd_key == store.prefix().key_path(&name))
            .unwrap_or(&read.stored[0]);
        let items = match &stored.items {
            Ok(items) => items,
            Err(findings) => {
                let what = crate::present::report::unparseable(stored, findings);
                bail!("{what}: cannot remove one item of it; delete the whole key with `tcfg delete {name} --all`");
            }
        };
        before = items.clone();
        match remove(items, &scope) {
            Some(kept) => kept,
            None => {
                let have: Vec<String> = items
                    .iter()
                    .map(|i| format!("{} => {}", i.constraints, flow(&i.value)))
                    .collect();
                bail!(
                    "{name} has no item with the constraints {scope}; its items: {}",
                    if have.is_empty() {
                        "none".to_string()
                    } else {
                        have.join("; ")
                    }
                );
            }
        }
    };
    let plan = key_plan(
        store.prefix(),
        &name,
        &read.stored,
        &new_items,
        &registry,
        read.revision,
    );
    let mut change = Change::of_plan(&plan, &current, &registry);
    if let Some(ends) = ends {
        let beside = crate::app::overriding::begin(&store, &name, &scope, &before, None, ends, &mut intent).await?;
        change = change.with_beside(beside);
    }
    commit_key_write(&store, &name, &plan, change, &intent, args.write, &place).await
}
