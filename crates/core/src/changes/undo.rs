//! Undoing changes: `revert` (the inverse of one change, for the keys it
//! touched) and `rollback` (the prefix, or some keys, as they were at a
//! revision or time). Both end as a desired state for those keys, which the
//! caller plans and writes like `apply` (diff, confirm, compare-and-swap).

use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use super::log::{self, Bound, Entry, Query};
use super::record::{ChangeRecord, KeyChange, Stored};
use crate::model::document::Document;
use crate::model::finding::{Finding, Level};
use crate::model::key::{fold, Key};
use crate::store::history::PrefixHistory;
use crate::store::{Prefix, Snapshot, Store, StoreError};
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
    /// Keys a record claims but etcd contradicts, and why: not restored.
    pub ignored: Vec<(String, String)>,
    /// Keys of the change whose value before it is not kept (too large to
    /// record; etcd has compacted it): a revert restores the others only
    /// when forced.
    pub partial: Vec<String>,
}

/// Why an undo cannot even be worked out.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    /// etcd could not be read.
    Store(#[from] StoreError),
    #[error("no change under {prefix} at revision {revision}: neither a change record nor etcd's history has one (`tcfg log` lists the changes)")]
    /// Nothing changed under the prefix at that revision.
    NoChange {
        /// The prefix.
        prefix: String,
        /// The revision asked about.
        revision: i64,
    },
    #[error("no change record at or before {time}: the time cannot be turned into a revision; pass --to-revision")]
    /// No record is old enough to turn the time into a revision.
    NoRecordBefore {
        /// The time asked about.
        time: String,
    },
    #[error("the change record at revision {revision} is not backed by etcd's history: etcd shows no change to its keys at that revision, so it was not written by the change it describes (anyone who may write the history prefix can write one); nothing is undone from it")]
    /// The record's change is not in etcd's history: it is not undone.
    Unverified {
        /// The record's revision.
        revision: i64,
    },
    #[error("writes without a record (by other tools) at revision {} happened near {time}, and etcd keeps no times: pass --to-revision to say which state you mean", revisions.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))]
    /// Writes without a record happened near that time: which revision is meant is not known.
    AmbiguousTime {
        /// The time asked about.
        time: String,
        /// The revisions of the writes without a record.
        revisions: Vec<i64>,
    },
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
            ignored: Vec::new(),
            partial: Vec::new(),
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
    if entry.verified == Some(false) {
        return Err(UndoError::Unverified { revision });
    }
    let current = store.snapshot(registry, None).await?;
    let mut undo = Undo::new(revision - 1, current);
    let prefix = store.prefix().clone();
    let mut touched: Vec<String> = Vec::new();
    // Past compaction only the record tells what changed: a key it claims
    // whose value now was written before the record's revision was not
    // changed by it (a forged or mistaken record).
    let unchecked = entry.verified.is_none() && entry.record.is_some();
    if let Some(r) = entry.record.as_ref().filter(|r| unchecked && r.omitted > 0) {
        undo.partial.push(format!(
            "{} more key{} (the record was too large to list them)",
            r.omitted,
            if r.omitted == 1 { "" } else { "s" }
        ));
    }
    for k in &entry.keys {
        if let Some(name) = prefix.name_of(&k.key).filter(|n| is_config(registry, n)) {
            let folded = fold(name);
            if !touched.contains(&folded) {
                touched.push(folded);
            }
        }
    }
    let later = later_changes(store, &undo.current, revision, &touched).await?;
    for k in &entry.keys {
        let Some(name) = prefix.name_of(&k.key).filter(|n| is_config(registry, n)) else {
            undo.skipped.push(k.key.clone());
            continue;
        };
        if let Some(why) = unchecked
            .then(|| contradicted(&undo.current, &later, prefix.as_str(), name, revision))
            .flatten()
        {
            undo.ignored.push((name.to_string(), why));
            continue;
        }
        match &k.old {
            Some(Stored::Digest { .. }) => undo.partial.push(name.to_string()),
            Some(Stored::Text(t)) => undo.restore(&k.key, name, Some(t)),
            None => undo.restore(&k.key, name, None),
        }
    }
    undo.later = later;
    Ok(undo)
}

/// Why a record's claim that `revision` changed `name` is false, past
/// compaction: the value that replaced the one it wrote (by the next
/// recorded change of the key, else the value now) was written before it.
fn contradicted(current: &Snapshot, later: &[Entry], prefix: &str, name: &str, revision: i64) -> Option<String> {
    let folded = fold(name);
    // `later` is newest first: the next change is the last that names it.
    let next = later.iter().rev().find_map(|e| {
        e.record
            .as_ref()?
            .keys
            .iter()
            .find(|k| k.key.strip_prefix(prefix).is_some_and(|n| fold(n) == folded))
    });
    let (written, by) = match next {
        Some(k) => (k.old_revision?, "the next recorded change of it replaced a value"),
        None => (
            current.keys.iter().find(|s| s.key.folded() == folded)?.mod_revision,
            "its value now was",
        ),
    };
    (written < revision).then(|| {
        format!("the record says revision {revision} changed it, but {by} written at revision {written}, before that")
    })
}

/// Every change after `revision` to a key in `touched` (folded names),
/// newest first: writes and deletes, by tcfg (its records, kept past
/// compaction) or by another tool (etcd's history while it keeps it). A
/// delete leaves no key behind to compare, so the key's current mod
/// revision alone cannot tell; it still catches an unrecorded write that
/// etcd has compacted away.
async fn later_changes(
    store: &Store,
    current: &Snapshot,
    revision: i64,
    touched: &[String],
) -> Result<Vec<Entry>, UndoError> {
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    let prefix = store.prefix();
    let query = Query {
        since: Some(Bound::Revision(revision + 1)),
        ..Default::default()
    };
    let mut later: BTreeMap<i64, Entry> = BTreeMap::new();
    for e in log::log(store, &query).await?.entries {
        let hits = e
            .keys
            .iter()
            .any(|k| prefix.name_of(&k.key).is_some_and(|n| touched.contains(&fold(n))));
        if hits {
            later.insert(e.revision, e);
        }
    }
    for s in &current.keys {
        if s.mod_revision > revision && touched.iter().any(|t| t == s.key.folded()) {
            later.entry(s.mod_revision).or_insert_with(|| Entry {
                revision: s.mod_revision,
                record: None,
                unreadable: None,
                keys: vec![log::EntryKey {
                    key: s.etcd_key.clone(),
                    old: None,
                    new: Some(Stored::Text(s.raw.clone())),
                }],
                verified: None,
            });
        }
    }
    Ok(later.into_values().rev().collect())
}

/// A point in time as the etcd revision it names: a revision as is; a time
/// through the change records' times, refused when writes without a record
/// make it ambiguous.
pub async fn revision_of(store: &Store, when: Bound) -> Result<i64, UndoError> {
    match when {
        Bound::Revision(r) => Ok(r),
        Bound::Time(t) => revision_at(store, t).await,
    }
}

/// The records' times as revisions: the newest record at or before `time`.
async fn revision_at(store: &Store, time: SystemTime) -> Result<i64, UndoError> {
    let shown = humantime::format_rfc3339_seconds(time).to_string();
    let records = log::records(store, 0, 0).await?;
    let times: Vec<(i64, Option<SystemTime>)> = records
        .iter()
        .map(|(rev, r)| (*rev, r.as_ref().ok().and_then(|r| log::parse_time(&r.time))))
        .collect();
    let Some((at, next)) = record_at(&times, time) else {
        return Err(UndoError::NoRecordBefore { time: shown });
    };
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

/// The revision of the newest record at or before `time`, and that of the
/// record after it (`None`: none yet). Writes without a record between the
/// two have no time, so which side of `time` they fall on is unknown: the
/// caller must look for them. Records are in revision order, which is
/// their time order only as far as their writers' clocks agree: the
/// newest by revision among those not after `time` is taken.
fn record_at(times: &[(i64, Option<SystemTime>)], time: SystemTime) -> Option<(i64, Option<i64>)> {
    let at = times
        .iter()
        .filter(|(_, t)| t.is_some_and(|t| t <= time))
        .map(|(r, _)| *r)
        .max()?;
    let next = times.iter().map(|(r, _)| *r).filter(|r| *r > at).min();
    Some((at, next))
}

/// The prefix (or the keys named) as it was at `to`.
pub async fn rollback(store: &Store, registry: &Registry, to: Bound, keys: &[String]) -> Result<Undo, UndoError> {
    let target = revision_of(store, to).await?;
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
    let records = log::records(store, target + 1, 0).await?;
    let before = log::records(store, 0, target).await?;
    let history = store.prefix_history(target + 1, undo.current.revision).await?;
    settle_from_records(undo, store.prefix(), target, &records, &history, selected);
    deleted_without_record(undo, store.prefix(), target, &before, &records, &history, selected);
    Ok(())
}

/// [`from_records`]'s rules, given the records after `target` and what etcd
/// still keeps of the prefix's history.
fn settle_from_records(
    undo: &mut Undo,
    prefix: &Prefix,
    target: i64,
    records: &BTreeMap<i64, Result<ChangeRecord, String>>,
    history: &PrefixHistory,
    selected: &dyn Fn(&str) -> bool,
) {
    // The first write by another tool per key, where etcd still knows it.
    let mut unrecorded: HashMap<String, i64> = HashMap::new();
    for e in &history.events {
        if !records.contains_key(&e.revision) {
            if let Some(name) = prefix.name_of(&e.key) {
                unrecorded.entry(fold(name)).or_insert(e.revision);
            }
        }
    }
    // A record is believed only where etcd agrees: while etcd keeps its
    // revision, each key it names must have changed there; past
    // compaction, the value that replaced the record's (the next record's
    // old value, else the value now) must be no older than the record.
    let mut changed_at: HashMap<i64, Vec<&str>> = HashMap::new();
    for e in &history.events {
        changed_at.entry(e.revision).or_default().push(e.key.as_str());
    }
    let now: HashMap<&str, i64> = undo
        .current
        .keys
        .iter()
        .map(|s| (s.key.folded(), s.mod_revision))
        .collect();
    let mut per_key: BTreeMap<String, Vec<(i64, &KeyChange)>> = BTreeMap::new();
    for (rev, r) in records {
        let Ok(r) = r else { continue };
        for k in &r.keys {
            let Some(name) = prefix.name_of(&k.key) else { continue };
            per_key.entry(fold(name)).or_default().push((*rev, k));
        }
    }
    let mut first: BTreeMap<String, (i64, &KeyChange)> = BTreeMap::new();
    for (folded, changes) in &per_key {
        for (i, (rev, k)) in changes.iter().enumerate() {
            let believed = if *rev >= history.complete_from {
                changed_at.get(rev).is_some_and(|keys| keys.contains(&k.key.as_str()))
            } else {
                // The value that replaced this one (the next record's old
                // value, else the value now) was written at or after it.
                let next = match changes.get(i + 1) {
                    Some((_, next)) => next.old_revision,
                    None => now.get(folded.as_str()).copied(),
                };
                next.is_none_or(|m| m >= *rev)
            };
            if believed {
                first.insert(folded.clone(), (*rev, *k));
                break;
            }
        }
    }
    for (folded, (rev, k)) in &first {
        let name = prefix.name_of(&k.key).unwrap_or(&k.key).to_string();
        if !selected(&name) {
            continue;
        }
        if let Some(u) = unrecorded.get(folded).filter(|u| *u < rev) {
            undo.unknown.push((
                name,
                format!("another tool wrote it at revision {u}, after {target} and before tcfg's first record of it ({rev})"),
            ));
            continue;
        }
        // The value the record replaced was written after the target: by a
        // write without a record of it, now compacted.
        if let Some(m) = k.old_revision.filter(|m| *m > target) {
            undo.unknown.push((
                name,
                format!(
                    "the value tcfg's record at {rev} replaced was written at revision {m}, after {target}, by another tool (no record of it), and etcd has compacted that revision"
                ),
            ));
            continue;
        }
        match &k.old {
            Some(Stored::Digest { .. }) => undo.unknown.push((
                name,
                format!(
                    "the record at {rev} keeps only a digest of its value (the change was too large to record whole)"
                ),
            )),
            Some(Stored::Text(t)) => undo.restore(&k.key, &name, Some(t)),
            None => undo.restore(&k.key, &name, None),
        }
    }
    // Changed since, by another tool, with no record to tell its value.
    let current = std::mem::take(&mut undo.current.keys);
    for s in &current {
        let name = s.key.as_str();
        if s.mod_revision > target && selected(name) && !first.contains_key(s.key.folded()) {
            undo.unknown.push((
                name.to_string(),
                format!(
                    "another tool changed it at revision {} (no change record), and etcd has compacted its history before revision {}",
                    s.mod_revision, history.complete_from
                ),
            ));
        }
    }
    undo.current.keys = current;
}

/// Keys absent now that held a value at `target` by the newest record at or
/// before it, with no record since: another tool deleted them, and whether
/// before or after `target` is lost to compaction (unless etcd still shows
/// the delete after it). Left out, a rollback would silently keep them
/// deleted; named, the operator decides.
fn deleted_without_record(
    undo: &mut Undo,
    prefix: &Prefix,
    target: i64,
    before: &Records,
    after: &Records,
    history: &PrefixHistory,
    selected: &dyn Fn(&str) -> bool,
) {
    let mut held: BTreeMap<String, (i64, String, bool)> = BTreeMap::new();
    for (rev, r) in before {
        let Ok(r) = r else { continue };
        for k in &r.keys {
            let Some(name) = prefix.name_of(&k.key) else { continue };
            held.insert(fold(name), (*rev, name.to_string(), k.new.is_some()));
        }
    }
    let recorded_since: std::collections::HashSet<String> = after
        .values()
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| r.keys.iter())
        .filter_map(|k| prefix.name_of(&k.key).map(fold))
        .collect();
    for (folded, (rev, name, present)) in held {
        let now = undo.current.keys.iter().any(|s| s.key.folded() == folded);
        if !present || now || recorded_since.contains(&folded) || !selected(&name) {
            continue;
        }
        let seen = history
            .events
            .iter()
            .find(|e| e.value.is_none() && prefix.name_of(&e.key).is_some_and(|n| fold(n) == folded));
        let why = match seen {
            Some(e) => format!(
                "deleted by another tool at revision {} (no record); its value at {target} is not kept: tcfg's last record of it is at {rev} and etcd has compacted the revisions between",
                e.revision
            ),
            None => format!(
                "it is absent now, deleted by another tool (no record) after tcfg's last record of it at {rev}; etcd has compacted the history that would tell whether before or after {target}"
            ),
        };
        undo.unknown.push((name, why));
    }
}

type Records = BTreeMap<i64, Result<ChangeRecord, String>>;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::changes::record::{Author, Command, FORMAT};
    use crate::store::history::KeyEvent;
    use crate::store::StoredKey;

    const P: &str = "/p/";

    fn prefix() -> Prefix {
        Prefix::new(P)
    }

    fn stored(name: &str, raw: &str, mod_revision: i64) -> StoredKey {
        StoredKey::from_kv(&prefix(), format!("{P}{name}"), Ok(raw.into()), (1, mod_revision, 1))
    }

    fn undo(target: i64, keys: Vec<StoredKey>) -> Undo {
        Undo::new(
            target,
            Snapshot {
                prefix: prefix(),
                revision: 100,
                keys,
                foreign: Vec::new(),
            },
        )
    }

    /// A record of puts, each `(name, old, old_revision)`.
    fn record(keys: &[(&str, Option<&str>, Option<i64>)]) -> Result<ChangeRecord, String> {
        Ok(ChangeRecord {
            format: FORMAT,
            time: "2026-12-01T10:00:00Z".into(),
            author: Author::default(),
            message: None,
            command: Command::default(),
            tool: "tcfg test".into(),
            temporal_release: "1.31".into(),
            prefix: None,
            keys: keys
                .iter()
                .map(|(name, old, rev)| KeyChange {
                    key: format!("{P}{name}"),
                    action: "put".into(),
                    old: old.map(|o| Stored::Text(o.into())),
                    old_revision: *rev,
                    new: Some(Stored::Text("- value: 99\n".into())),
                })
                .collect(),
            digested: 0,
            omitted: 0,
        })
    }

    fn desired(u: &Undo, name: &str) -> Option<String> {
        u.desired
            .get(&Key::new(name))
            .map(|e| e.items.iter().map(|i| format!("{:?}", i.value)).collect())
    }

    fn unknown(u: &Undo) -> Vec<&str> {
        u.unknown.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn all(_: &str) -> bool {
        true
    }

    #[test]
    fn past_compaction_the_first_record_after_the_target_tells_the_value() {
        // history.rps: 1 at revision 8; tcfg wrote 2 at 12 and 3 at 15.
        let mut u = undo(10, vec![stored("history.rps", "- value: 3\n", 15)]);
        let records = BTreeMap::from([
            (12, record(&[("history.rps", Some("- value: 1\n"), Some(8))])),
            (15, record(&[("history.rps", Some("- value: 2\n"), Some(12))])),
        ]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        assert_eq!(desired(&u, "history.rps").as_deref(), Some("Int(1)"));
        assert!(u.unknown.is_empty(), "{:?}", u.unknown);
    }

    #[test]
    fn a_key_created_by_the_first_record_after_the_target_was_absent() {
        let mut u = undo(10, vec![stored("frontend.rps", "- value: 5\n", 12)]);
        let records = BTreeMap::from([(12, record(&[("frontend.rps", None, None)]))]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        let e = u.desired.get(&Key::new("frontend.rps")).expect("in the desired state");
        assert!(e.items.is_empty(), "absent at the target: {e:?}");
    }

    #[test]
    fn a_value_written_after_the_target_without_a_record_is_unknown() {
        // Another tool wrote history.rps at 11 (compacted); tcfg's record at
        // 12 replaced that value, not the target's.
        let mut u = undo(10, vec![stored("history.rps", "- value: 3\n", 12)]);
        let records = BTreeMap::from([(12, record(&[("history.rps", Some("- value: 2\n"), Some(11))]))]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        assert_eq!(unknown(&u), ["history.rps"]);
        assert!(u.unknown[0].1.contains("written at revision 11"), "{:?}", u.unknown);
        assert!(desired(&u, "history.rps").is_none());
    }

    #[test]
    fn an_unrecorded_write_etcd_still_knows_makes_the_key_unknown() {
        // Records written before old_revision existed: etcd's history
        // (from 11 on) shows another tool's write at 11.
        let mut u = undo(10, vec![stored("history.rps", "- value: 3\n", 12)]);
        let records = BTreeMap::from([(12, record(&[("history.rps", Some("- value: 2\n"), None)]))]);
        let history = PrefixHistory {
            events: vec![
                KeyEvent {
                    revision: 11,
                    key: format!("{P}history.rps"),
                    value: Some("- value: 2\n".into()),
                    prev: None,
                },
                KeyEvent {
                    revision: 12,
                    key: format!("{P}history.rps"),
                    value: Some("- value: 3\n".into()),
                    prev: Some("- value: 2\n".into()),
                },
            ],
            complete_from: 11,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        assert_eq!(unknown(&u), ["history.rps"]);
        assert!(
            u.unknown[0].1.contains("another tool wrote it at revision 11"),
            "{:?}",
            u.unknown
        );
    }

    #[test]
    fn a_key_changed_since_without_any_record_is_unknown_and_others_are_left_alone() {
        let mut u = undo(
            10,
            vec![
                stored("frontend.rps", "- value: 7\n", 20),
                stored("matching.rps", "- value: 1\n", 5),
            ],
        );
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &BTreeMap::new(), &history, &all);
        assert_eq!(unknown(&u), ["frontend.rps"]);
        assert!(u.unknown[0].1.contains("before revision 50"), "{:?}", u.unknown);
        // Unchanged since the target: nothing to write.
        assert!(u.desired.get(&Key::new("matching.rps")).is_none());
        assert_eq!(u.current.keys.len(), 2, "the current state is kept for planning");
    }

    #[test]
    fn a_digested_old_value_is_unknown_and_unselected_keys_are_skipped() {
        let mut u = undo(10, Vec::new());
        let mut r = record(&[
            ("a.b", Some("- value: 1\n"), Some(3)),
            ("c.d", Some("- value: 1\n"), Some(3)),
        ]);
        if let Ok(r) = &mut r {
            r.keys[0].old = Some(Stored::Digest {
                sha256: "00".into(),
                bytes: 11,
            });
        }
        let records = BTreeMap::from([(12, r)]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &|n| n == "a.b");
        assert_eq!(unknown(&u), ["a.b"]);
        assert!(u.unknown[0].1.contains("digest"), "{:?}", u.unknown);
        assert!(u.desired.get(&Key::new("c.d")).is_none());
    }

    #[test]
    fn a_key_deleted_without_a_record_past_compaction_is_unknown() {
        // tcfg wrote frontend.rps at 5 (before the target, 10); it is absent
        // now and no record since deletes it: another tool did, when unknown.
        let mut u = undo(10, vec![stored("matching.rps", "- value: 1\n", 5)]);
        let before = BTreeMap::from([(5, record(&[("frontend.rps", None, None), ("matching.rps", None, None)]))]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        deleted_without_record(&mut u, &prefix(), 10, &before, &BTreeMap::new(), &history, &all);
        assert_eq!(unknown(&u), ["frontend.rps"]);
        assert!(u.unknown[0].1.contains("deleted by another tool"), "{:?}", u.unknown);
        // A recorded delete after the target is the records' business, not this rule's.
        let mut u = undo(10, vec![stored("matching.rps", "- value: 1\n", 5)]);
        let mut del = record(&[("frontend.rps", Some("- value: 99\n"), Some(5))]);
        if let Ok(r) = &mut del {
            r.keys[0].new = None;
        }
        let after = BTreeMap::from([(12, del)]);
        deleted_without_record(&mut u, &prefix(), 10, &before, &after, &history, &all);
        assert!(u.unknown.is_empty(), "{:?}", u.unknown);
    }

    #[test]
    fn a_record_etcd_contradicts_is_not_believed() {
        // A forged record at 12 says frontend.rps went from 1 to 99; the
        // record at 15 replaced a value written at 5, so nothing changed
        // the key at 12. Past compaction (history from 50).
        let mut u = undo(10, vec![stored("frontend.rps", "- value: 3\n", 15)]);
        let records = BTreeMap::from([
            (12, record(&[("frontend.rps", Some("- value: 1\n"), Some(3))])),
            (15, record(&[("frontend.rps", Some("- value: 2\n"), Some(5))])),
        ]);
        let history = PrefixHistory {
            events: Vec::new(),
            complete_from: 50,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        assert_eq!(desired(&u, "frontend.rps").as_deref(), Some("Int(2)"));
        // While etcd keeps the revision, a record with no event there is
        // not believed either.
        let mut u = undo(10, vec![stored("frontend.rps", "- value: 3\n", 15)]);
        let history = PrefixHistory {
            events: vec![KeyEvent {
                revision: 15,
                key: format!("{P}frontend.rps"),
                value: Some(b"- value: 3\n".to_vec()),
                prev: None,
            }],
            complete_from: 11,
        };
        settle_from_records(&mut u, &prefix(), 10, &records, &history, &all);
        assert_eq!(desired(&u, "frontend.rps").as_deref(), Some("Int(2)"));
    }

    fn at(secs: u64) -> Option<SystemTime> {
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn a_time_is_the_newest_record_at_or_before_it() {
        let times = [(5, at(100)), (9, at(200)), (14, None), (20, at(300))];
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(record_at(&times, t(99)), None, "before every record");
        assert_eq!(record_at(&times, t(100)), Some((5, Some(9))));
        // A record whose time does not parse still bounds the window after 9.
        assert_eq!(record_at(&times, t(250)), Some((9, Some(14))));
        assert_eq!(record_at(&times, t(999)), Some((20, None)));
        // Writers' clocks disagree: the newest revision not after the time.
        let skewed = [(5, at(300)), (9, at(100))];
        assert_eq!(record_at(&skewed, t(200)), Some((9, None)));
    }
}
