//! Arguments shared by several commands: scope flags, `--yes`/`--dry-run`,
//! key names and prefix lists.

use anyhow::{bail, Result};
use clap::Args;
use tcfg_core::changes::log::Bound;
use tcfg_core::store::{ConnectionSettings, Prefix};
use tcfg_core::{ConstraintField, Constraints, HistoryTaskType, KeyDef, Registry, TaskQueueType};

/// The scope flags shared by `get`, `put`, `delete` and `watch`.
#[derive(Debug, Args, Default, Clone)]
pub struct ScopeArgs {
    /// Namespace name
    #[arg(long, help_heading = "Scope", value_name = "NAME")]
    pub namespace: Option<String>,
    /// Namespace ID
    #[arg(long, help_heading = "Scope", value_name = "ID")]
    pub namespace_id: Option<String>,
    /// Task queue name (a partition such as /_sys/orders/3 counts as its base name)
    #[arg(long, help_heading = "Scope", value_name = "NAME")]
    pub task_queue: Option<String>,
    /// Task queue type: Workflow, Activity or Nexus
    #[arg(long, help_heading = "Scope", value_name = "TYPE")]
    pub task_type: Option<String>,
    /// History task type, such as TransferActivityTask or UserTimer
    #[arg(long, help_heading = "Scope", value_name = "TYPE")]
    pub history_task_type: Option<String>,
    /// History shard ID
    #[arg(long, help_heading = "Scope", value_name = "ID")]
    pub shard_id: Option<i32>,
    /// Nexus or callback destination
    #[arg(long, help_heading = "Scope", value_name = "NAME")]
    pub destination: Option<String>,
    /// CHASM task type
    #[arg(long, help_heading = "Scope", value_name = "TYPE")]
    pub chasm_task_type: Option<String>,
}

impl ScopeArgs {
    /// Whether any scope flag was given (even a zero one).
    pub fn given(&self) -> bool {
        self.namespace.is_some()
            || self.namespace_id.is_some()
            || self.task_queue.is_some()
            || self.task_type.is_some()
            || self.history_task_type.is_some()
            || self.shard_id.is_some()
            || self.destination.is_some()
            || self.chasm_task_type.is_some()
    }

    pub fn constraints(&self) -> Result<Constraints> {
        let empty = [
            ("--namespace", &self.namespace),
            ("--namespace-id", &self.namespace_id),
            ("--task-queue", &self.task_queue),
            ("--task-type", &self.task_type),
            ("--history-task-type", &self.history_task_type),
            ("--destination", &self.destination),
            ("--chasm-task-type", &self.chasm_task_type),
        ]
        .into_iter()
        .find(|(_, v)| v.as_deref() == Some(""))
        .map(|(flag, _)| format!("{flag} \"\""));
        let zero = match (self.shard_id, self.history_task_type.as_deref()) {
            (Some(0), _) => Some("--shard-id 0".to_string()),
            (_, Some(t @ ("0" | "Unspecified" | "TASK_TYPE_UNSPECIFIED"))) => Some(format!("--history-task-type {t}")),
            _ => None,
        };
        if let Some(flag) = empty.or(zero) {
            bail!(
                "{flag} is a zero value, which Temporal reads as no constraint at all: it would select the item \
                 without that constraint (for most keys the global one). Leave the flag out to mean that item"
            );
        }
        let task_type = match &self.task_type {
            None => None,
            Some(t) => Some(
                match TaskQueueType::from_name(t).or_else(|| t.parse().ok().filter(|n| *n > 0).map(TaskQueueType)) {
                    Some(t) => t,
                    None => bail!(
                        "unknown --task-type {t:?}: use {}",
                        TaskQueueType::names().collect::<Vec<_>>().join(", ")
                    ),
                },
            ),
        };
        let history_task_type = match &self.history_task_type {
            None => None,
            Some(t) => Some(
                match HistoryTaskType::from_name(t).or_else(|| t.parse().ok().map(HistoryTaskType)) {
                    Some(t) => t,
                    None => {
                        let close = tcfg_core::model::suggest::closest(t, HistoryTaskType::names());
                        bail!(
                            "unknown --history-task-type {t:?}{}",
                            close.map(|c| format!(" (did you mean {c}?)")).unwrap_or_default()
                        )
                    }
                },
            ),
        };
        let s = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(Constraints {
            namespace: s(&self.namespace),
            namespace_id: s(&self.namespace_id),
            task_queue_name: s(&self.task_queue),
            task_type,
            history_task_type,
            shard_id: self.shard_id,
            destination: s(&self.destination),
            chasm_task_type: s(&self.chasm_task_type),
        })
    }
}

/// A registered key, or an error with did-you-mean.
pub fn key_def<'r>(registry: &'r Registry, name: &str) -> Result<&'r KeyDef> {
    // During a rolling upgrade a key either release registers is known.
    match registry.get_in_either(name) {
        Some(d) => Ok(d),
        None => {
            let s = registry.suggest(name);
            let mut msg = format!("{name} is not a key of Temporal {}", registry.version);
            if let Some(note) = registry
                .is_embedded()
                .then(|| tcfg_core::temporal::registry::release_note(name, &registry.version))
                .flatten()
            {
                msg.push_str(&format!(" ({note})"));
                if let Some(minor) = note.added_in() {
                    msg.push_str(&format!("; pass --temporal-version {minor}"));
                }
            }
            if !s.is_empty() {
                msg.push_str(&format!("; did you mean {}?", s.join(" or ")));
            }
            bail!(msg)
        }
    }
}

/// The prefixes of a list flag (`--prefixes /active,/passive-eu`): a root
/// of one segment is joined with the key prefix, a longer prefix taken as
/// is; an empty or malformed one is refused.
pub fn prefix_list(flag: &str, items: &[String], settings: &ConnectionSettings) -> Result<Vec<Prefix>> {
    items
        .iter()
        .map(|p| {
            Prefix::resolve_root(p, &settings.prefix).map_err(|reason| {
                anyhow::anyhow!(
                    "{flag}: {} is not a usable prefix: {reason}",
                    tcfg_core::model::key::escaped(p)
                )
            })
        })
        .collect()
}

/// A name tcfg may write or delete: dynamic config, not another
/// application's key under the prefix.
pub fn refuse_foreign(registry: &Registry, name: &str) -> Result<()> {
    match registry.foreign_reason(name) {
        None => Ok(()),
        Some(reason) => bail!(
            "{} is not a dynamic config key ({reason}): tcfg never writes or deletes other applications' keys under the prefix; nothing written",
            tcfg_core::model::key::escaped(name)
        ),
    }
}

/// Constraint fields the key's lookups never read, for a note.
/// The name a write stores `given` under: its registered spelling, or (with
/// `--allow-unknown-keys`, for a key no release registers) the name as
/// given; never a name that is not dynamic config.
pub fn written_name(registry: &Registry, given: &str, allow_unknown_keys: bool) -> Result<String> {
    let name = if allow_unknown_keys && registry.get(given).is_none() {
        given.to_string()
    } else {
        key_def(registry, given)?.name.clone()
    };
    refuse_foreign(registry, &name)?;
    Ok(name)
}

/// Refuse an item whose scope names a field the key's lookups never read:
/// it would never match.
pub fn refuse_unread_scope(registry: &Registry, name: &str, scope: &Constraints) -> Result<()> {
    let Some(def) = registry.get(name) else {
        return Ok(());
    };
    let unused = unused_scope_fields(def, scope);
    if unused.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = unused.iter().map(|f| f.name()).collect();
    bail!(
        "{name} is a {} setting: its lookups never read {}, so such an item would never match",
        def.precedence,
        names.join(", ")
    )
}

pub fn unused_scope_fields(def: &KeyDef, scope: &Constraints) -> Vec<ConstraintField> {
    let used = def.precedence.fields();
    scope.fields().iter().filter(|f| !used.contains(*f)).collect()
}

/// What the server accepts in one transaction, and whether to split a
/// change that does not fit (`apply`, `revert`, `rollback`).
#[derive(Debug, Args, Clone, Copy)]
pub struct TxnArgs {
    /// The server's --max-txn-ops: the most operations one transaction may hold
    #[arg(long, value_name = "N", default_value_t = 128)]
    pub max_txn_ops: usize,

    /// The server's --max-request-bytes: the largest transaction it accepts
    #[arg(long, value_name = "BYTES", default_value_t = 1536 * 1024)]
    pub max_request_bytes: usize,

    /// Split a change too big for one transaction into batches (not atomic)
    #[arg(long)]
    pub batch: bool,
}

impl TxnArgs {
    pub fn limits(&self) -> tcfg_core::changes::budget::Limits {
        tcfg_core::changes::budget::Limits {
            ops: self.max_txn_ops,
            bytes: self.max_request_bytes,
        }
    }
}

/// A point in time, WHEN, as every flag that takes one reads it (`--at`,
/// `--to`, `--since`, `--until`): `1234` (an etcd revision), `2h` (a
/// duration ago) or an RFC 3339 time. A clap value parser, so a bad one is
/// refused before anything connects.
pub fn parse_when(text: &str) -> std::result::Result<Bound, String> {
    let t = text.trim();
    if let Ok(r) = t.parse::<i64>() {
        if r <= 0 {
            return Err(format!("{t}: a revision is a positive number"));
        }
        return Ok(Bound::Revision(r));
    }
    if let Ok(d) = humantime::parse_duration(t) {
        return Ok(Bound::Time(
            std::time::SystemTime::now()
                .checked_sub(d)
                .unwrap_or(std::time::UNIX_EPOCH),
        ));
    }
    if let Ok(at) = humantime::parse_rfc3339_weak(t.trim_end_matches('Z')) {
        return Ok(Bound::Time(at));
    }
    Err(format!(
        "{t:?} is not an etcd revision (1234), a duration ago (2h, 30m, 7d) or a time (2026-12-01T09:00:00Z)"
    ))
}

/// A point in time as the etcd revision it names: a revision as is, a time
/// through the change records' times (`changes::undo::revision_of`);
/// `None` when not given (now).
pub async fn revision_of(store: &tcfg_core::store::Store, when: Option<Bound>) -> Result<Option<i64>> {
    match when {
        None => Ok(None),
        Some(w) => Ok(Some(tcfg_core::changes::undo::revision_of(store, w).await?)),
    }
}

/// `--yes`, `--dry-run`, `-m` and `--wait`, shared by every command that writes.
#[derive(Debug, Args, Clone)]
pub struct WriteArgs {
    /// Why: kept in the change record (`tcfg log`) with the author and the change
    #[arg(short = 'm', long, help_heading = "Writing", value_name = "TEXT")]
    pub message: Option<String>,

    /// Do not ask for confirmation (needed when standard input is not a terminal)
    #[arg(short = 'y', long, help_heading = "Writing")]
    pub yes: bool,

    /// Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none
    #[arg(long, help_heading = "Writing")]
    pub dry_run: bool,

    /// After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]
    #[arg(
        long,
        help_heading = "Writing",
        value_name = "TIMEOUT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "60s",
        value_parser = parse_wait,
        conflicts_with = "dry_run"
    )]
    pub wait: Option<std::time::Duration>,

    /// Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so
    #[arg(long, help_heading = "Writing")]
    pub break_freeze: bool,
}

/// Whether a write says it breaks a freeze: only with a message, which
/// its record keeps beside the fact.
pub fn breaks_freeze(write: &WriteArgs) -> Result<bool> {
    if write.break_freeze && write.message.as_deref().is_none_or(|m| m.trim().is_empty()) {
        bail!("--break-freeze needs -m: why the freeze is broken (an incident, say), kept in the change record");
    }
    Ok(write.break_freeze)
}

/// A `--wait` time: a Go duration such as 90s or 2m, or seconds.
fn parse_wait(s: &str) -> std::result::Result<std::time::Duration, String> {
    let nanos = tcfg_core::model::duration::parse_temporal(s)?;
    if nanos <= 0 {
        return Err(format!("{s:?}: the time must be positive"));
    }
    Ok(std::time::Duration::from_nanos(nanos as u64))
}

/// `--for`/`--until`: a write that ends by itself (an incident override).
#[derive(Debug, Clone, Default, Args)]
pub struct OverrideArgs {
    /// Make it an incident override that ends after DURATION (2h, 30m): then `tcfg expire` restores the item as it was, unless someone changed it since (needs -m)
    #[arg(long = "for", help_heading = "Writing", value_name = "DURATION", value_parser = parse_lasting, conflicts_with = "until")]
    pub lasting: Option<std::time::Duration>,

    /// Make it an incident override that ends at TIME (RFC 3339, such as 2026-12-06T18:00:00Z)
    #[arg(long, help_heading = "Writing", value_name = "TIME", value_parser = parse_until)]
    pub until: Option<std::time::SystemTime>,
}

impl OverrideArgs {
    /// When the override ends, if this write is one.
    pub fn ends(&self) -> Option<std::time::SystemTime> {
        let ends = self
            .until
            .or_else(|| self.lasting.map(|d| std::time::SystemTime::now() + d))?;
        // Kept to the second: rounded up, so it never ends before asked.
        let since = ends.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(
            std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(since.as_secs() + u64::from(since.subsec_nanos() > 0)),
        )
    }
}

/// An override's length: a Go duration (2h, 90m, 1h30m), at least a second.
pub fn parse_lasting(s: &str) -> std::result::Result<std::time::Duration, String> {
    let nanos = tcfg_core::model::duration::parse_temporal(s)?;
    if nanos < 1_000_000_000 {
        return Err(format!("{s}: an override lasts at least 1s"));
    }
    Ok(std::time::Duration::from_nanos(nanos as u64))
}

/// An override's end: an RFC 3339 time in the future.
pub fn parse_until(s: &str) -> std::result::Result<std::time::SystemTime, String> {
    let t = humantime::parse_rfc3339_weak(s)
        .map_err(|e| format!("{s}: not an RFC 3339 time such as 2026-12-06T18:00:00Z ({e})"))?;
    if t <= std::time::SystemTime::now() {
        return Err(format!("{s} is past: an override ends in the future"));
    }
    Ok(t)
}
