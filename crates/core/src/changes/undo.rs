//! Undoing changes: `revert` (the inverse of one change, for the keys it
//! touched) and `rollback` (the prefix, or some keys, as they were at a
//! revision or time). Both end as a desired state for those keys, which the
//! caller plans and writes like `apply` (diff, confirm, compare-and-swap).

use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use super::log::{self, Bound, Entry, Query};
use super::record::Stored;
use crate::model::document::Document;
use crate::model::finding::{Finding, Level};
use crate::model::key::{fold, Key};
use crate::store::{Snapshot, Store, StoreError};
use crate::temporal::registry::Registry;

/// What undoing needs written, and what stands in its way.
#[derive(Clone, Debug)]
pub struct Undo {
    /// The revision whose state is restored (a rollback's target; for a
    /// revert, the revision before the change).
    pub target: i64,
    /// The keys to change and what each should hold (no items: absent).
    pub desired: Document,
    /// The prefix now, for planning against.
    pub current: Snapshot,
    /// Changes to the same keys after the one reverted (revert only).
    pub later: Vec<Entry>,
    /// Keys whose value at the target cannot be told, and why.
    pub unknown: Vec<(String, String)>,
    /// Keys whose value at the target is not valid config, and why.
    pub invalid: Vec<(String, String)>,
    /// Keys left alone: not dynamic config (tcfg never writes them).
    pub skipped: Vec<String>,
}

/// Why an undo cannot even be worked out.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no change under {prefix} at revision {revision}: neither a change record nor etcd's history has one (`tcfg log` lists the changes)")]
    NoChange { prefix: String, revision: i64 },
    #[error("no change record at or before {time}: the time cannot be turned into a revision; pass --to-revision")]
    NoRecordBefore { time: String },
    #[error("writes without a record (by other tools) at revision {} happened near {time}, and etcd keeps no times: pass --to-revision to say which state you mean", revisions.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))]
    AmbiguousTime { time: String, revisions: Vec<i64> },
}

impl Undo {
    fn new(target: i64, current: Snapshot) -> Undo {
        Undo {
            target,
            desired: Document::new(format!("revision {target}")),
            current,
            later: Vec::new(),
            unknown: Vec::new(),
            invalid: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Set `name` to the stored text it held (`None`: absent).
    fn restore(&mut self, etcd_key: &str, name: &str, text: Option<&str>) {
        let items = match text {
            None => Vec::new(),
            Some(t) => {
                let parsed = crate::model::parse::parse_items(etcd_key, name, t);
                let errors: Vec<&Finding> = parsed.findings.iter().filter(|f| f.level == Level::Error).collect();
                if let Some(e) = errors.first() {
                    self.invalid.push((name.to_string(), e.message.clone()));
                    return;
                }
                parsed.value
            }
        };
        // A change that respelled a key deleted one spelling and wrote
        // another: the spelling that held a value is the one restored.
        let key = Key::new(name);
        if items.is_empty() && self.desired.get(&key).is_some_and(|e| !e.items.is_empty()) {
            return;
        }
        self.desired.insert(key, items);
    }
}

fn is_config(registry: &Registry, name: &str) -> bool {
    !name.is_empty()
        && registry.foreign_reason(name).is_none()
        && !matches!(
            crate::model::key::name_shape(name),
            crate::model::key::NameShape::Foreign(_)
        )
}

/// The inverse of the change at `revision`, for the keys it touched.
pub async fn revert(store: &Store, registry: &Registry, revision: i64) -> Result<Undo, UndoError> {
    let Some(entry) = log::show(store, revision).await? else {
        return Err(UndoError::NoChange {
            prefix: store.prefix().to_string(),
            revision,
        });
    };
    let current = store.snapshot(registry, None).await?;
    let mut undo = Undo::new(revision - 1, current);
    let prefix = store.prefix().clone();
    let mut later_keys = Vec::new();
    for k in &entry.keys {
        let Some(name) = prefix.name_of(&k.key).filter(|n| is_config(registry, n)) else {
            undo.skipped.push(k.key.clone());
            continue;
        };
        match &k.old {
            Some(Stored::Digest { .. }) => undo.unknown.push((
                name.to_string(),
                "the change was too large to record whole: its record keeps only a digest of the value before, and etcd has compacted it".into(),
            )),
            Some(Stored::Text(t)) => undo.restore(&k.key, name, Some(t)),
            None => undo.restore(&k.key, name, None),
        }
        let folded = fold(name);
        let moved = undo
            .current
            .keys
            .iter()
            .any(|s| s.key.folded() == folded && s.mod_revision > revision);
        if moved && !later_keys.contains(&name.to_string()) {
            later_keys.push(name.to_string());
        }
    }
    let mut later: BTreeMap<i64, Entry> = BTreeMap::new();
    for name in later_keys {
        let query = Query {
            key: Some(name),
            since: Some(Bound::Revision(revision + 1)),
            ..Default::default()
        };
        for e in log::log(store, &query).await?.entries {
            later.insert(e.revision, e);
        }
    }
    // A delete by another tool after the change leaves no key to compare:
    // etcd's history (while kept) names it too.
    undo.later = later.into_values().rev().collect();
    Ok(undo)
}

/// The records' times as revisions: the newest record at or before `time`.
async fn revision_at(store: &Store, time: SystemTime) -> Result<i64, UndoError> {
    let shown = humantime::format_rfc3339_seconds(time).to_string();
    let records = log::records(store, 0, 0).await?;
    let times: Vec<(i64, Option<SystemTime>)> = records
        .iter()
        .map(|(rev, r)| (*rev, r.as_ref().ok().and_then(|r| log::parse_time(&r.time))))
        .collect();
    let Some(at) = times
        .iter()
        .filter(|(_, t)| t.is_some_and(|t| t <= time))
        .map(|(r, _)| *r)
        .max()
    else {
        return Err(UndoError::NoRecordBefore { time: shown });
    };
    let next = times.iter().map(|(r, _)| *r).filter(|r| *r > at).min();
    let until = match next {
        Some(n) => n - 1,
        None => store.current_revision().await?,
    };
    if until > at {
        let history = store.prefix_history(at + 1, until).await?;
        let mut revisions: Vec<i64> = history.events.iter().map(|e| e.revision).collect();
        revisions.dedup();
        if !revisions.is_empty() {
            return Err(UndoError::AmbiguousTime { time: shown, revisions });
        }
    }
    Ok(at)
}

/// The prefix (or the keys named) as it was at `to`.
pub async fn rollback(store: &Store, registry: &Registry, to: Bound, keys: &[String]) -> Result<Undo, UndoError> {
    let target = match to {
        Bound::Revision(r) => r,
        Bound::Time(t) => revision_at(store, t).await?,
    };
    let current = store.snapshot(registry, None).await?;
    if target > current.revision {
        return Err(StoreError::FutureRevision { revision: target }.into());
    }
    let wanted: Vec<String> = keys.iter().map(|k| fold(k)).collect();
    let selected = |name: &str| wanted.is_empty() || wanted.contains(&fold(name));
    let mut undo = Undo::new(target, current);
    let prefix = store.prefix().clone();
    match store.snapshot(registry, Some(target)).await {
        Ok(then) => {
            // Every key of either state: what it held then, or absent.
            let mut names: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
            for s in &undo.current.keys {
                names
                    .entry(s.key.folded().to_string())
                    .or_insert((s.etcd_key.clone(), None));
            }
            for s in &then.keys {
                let e = names
                    .entry(s.key.folded().to_string())
                    .or_insert((s.etcd_key.clone(), None));
                if e.1.is_none() {
                    *e = (s.etcd_key.clone(), Some(s.raw.clone()));
                }
            }
            for (etcd_key, raw) in names.values() {
                let name = prefix.name_of(etcd_key).unwrap_or(etcd_key).to_string();
                if selected(&name) {
                    undo.restore(etcd_key, &name, raw.as_deref());
                }
            }
        }
        Err(StoreError::Compacted { .. }) => from_records(store, &mut undo, target, &selected).await?,
        Err(e) => return Err(e.into()),
    }
    // Names asked for that neither state has.
    for k in keys {
        if undo.desired.get(&Key::new(k)).is_none()
            && !undo.unknown.iter().any(|(n, _)| fold(n) == fold(k))
            && !undo.invalid.iter().any(|(n, _)| fold(n) == fold(k))
        {
            undo.desired.insert(Key::new(k), Vec::new());
        }
    }
    Ok(undo)
}

/// Past etcd's compaction floor: the value each key held at `target` is the
/// old value in the first record after it that touches the key.
async fn from_records(
    store: &Store,
    undo: &mut Undo,
    target: i64,
    selected: &dyn Fn(&str) -> bool,
) -> Result<(), UndoError> {
    let prefix = store.prefix().clone();
    let records = log::records(store, target + 1, 0).await?;
    let floor_history = store.prefix_history(target + 1, undo.current.revision).await?;
    // The first write by another tool per key, where etcd still knows it.
    let mut unrecorded: HashMap<String, i64> = HashMap::new();
    for e in &floor_history.events {
        if !records.contains_key(&e.revision) {
            if let Some(name) = prefix.name_of(&e.key) {
                unrecorded.entry(fold(name)).or_insert(e.revision);
            }
        }
    }
    let mut first: BTreeMap<String, (i64, String, Option<Stored>)> = BTreeMap::new();
    for (rev, r) in &records {
        let Ok(r) = r else { continue };
        for k in &r.keys {
            let Some(name) = prefix.name_of(&k.key) else { continue };
            first.entry(fold(name)).or_insert((*rev, k.key.clone(), k.old.clone()));
        }
    }
    for (folded, (rev, etcd_key, old)) in &first {
        let name = prefix.name_of(etcd_key).unwrap_or(etcd_key).to_string();
        if !selected(&name) {
            continue;
        }
        if unrecorded.get(folded).is_some_and(|u| u < rev) {
            undo.unknown.push((
                name,
                format!("another tool wrote it after revision {target} and before tcfg's first record of it ({rev})"),
            ));
            continue;
        }
        match old {
            Some(Stored::Digest { .. }) => undo.unknown.push((
                name,
                format!(
                    "the record at {rev} keeps only a digest of its value (the change was too large to record whole)"
                ),
            )),
            Some(Stored::Text(t)) => undo.restore(etcd_key, &name, Some(t)),
            None => undo.restore(etcd_key, &name, None),
        }
    }
    // Changed since, by another tool, with no record to tell its value.
    for s in &undo.current.keys {
        let name = s.key.as_str();
        if s.mod_revision > target && selected(name) && !first.contains_key(s.key.folded()) {
            undo.unknown.push((
                name.to_string(),
                format!(
                    "another tool changed it at revision {} (no change record), and etcd has compacted its history before revision {}",
                    s.mod_revision,
                    floor_history.complete_from
                ),
            ));
        }
    }
    Ok(())
}
