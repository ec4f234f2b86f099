//! Reading history: tcfg's change records joined with etcd's own history
//! of the prefix, so that writes made without tcfg (etcdctl, the seed
//! library's `WriteConfig`) show too while etcd still keeps them.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::record::{ChangeRecord, Stored};
use crate::model::key::fold;
use crate::store::history::{KeyEvent, RecordQuery};
use crate::store::{Store, StoreError};

/// One change: tcfg's record of it, etcd's view of it, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The change's etcd revision.
    pub revision: i64,
    /// Its record; `None`: written by another tool (or its record was
    /// pruned).
    pub record: Option<ChangeRecord>,
    /// A record that is there but cannot be read, and why.
    pub unreadable: Option<String>,
    /// The keys changed, with their values before and after: from etcd's
    /// history while it has them, else from the record.
    pub keys: Vec<EntryKey>,
    /// Whether etcd's history backs the record: `Some(true)`, every key it
    /// names changed at its revision; `Some(false)`, etcd's history covers
    /// the revision and shows no such change (anyone who may write the
    /// history prefix can write a record: it is shown as unverified and
    /// never undone); `None`, etcd has compacted the revision (or there is
    /// no record to check).
    pub verified: Option<bool>,
}

/// One key of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryKey {
    /// The etcd key.
    pub key: String,
    /// Before (`None`: absent).
    pub old: Option<Stored>,
    /// After (`None`: deleted).
    pub new: Option<Stored>,
}

/// A time or a revision, as `--since` and `--until` take them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// An etcd revision.
    Revision(i64),
    /// A time (matched against the records' times).
    Time(SystemTime),
}

/// Which changes to show.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only changes to this key name (any spelling).
    pub key: Option<String>,
    /// The oldest change shown (`None`: as far back as is known).
    pub since: Option<Bound>,
    /// The newest change shown (`None`: up to now).
    pub until: Option<Bound>,
    /// Only changes whose author matches this (case-insensitive, any part:
    /// etcd user, OS user, host, CI actor).
    pub author: Option<String>,
    /// At most this many, newest first (0: all).
    pub limit: usize,
}

/// What [`log`] found.
#[derive(Clone, Debug, Default)]
pub struct Log {
    /// Newest first.
    pub entries: Vec<Entry>,
    /// The revision the log was read at.
    pub revision: i64,
    /// From this revision on, etcd's history is complete: writes by other
    /// tools before it are not known (etcd compacted them away).
    pub others_complete_from: i64,
    /// More changes may match than the count asked for: older ones were
    /// not looked for, or were left out.
    pub more: bool,
}

impl Entry {
    /// The record's time as written, when there is a record.
    pub fn time(&self) -> Option<&str> {
        self.record.as_ref().map(|r| r.time.as_str())
    }

    fn matches_author(&self, wanted: &str) -> bool {
        let Some(r) = &self.record else { return false };
        let a = &r.author;
        let wanted = wanted.to_lowercase();
        [
            a.etcd_user.as_deref(),
            a.os_user.as_deref(),
            a.host.as_deref(),
            a.ci.as_ref().and_then(|c| c.actor.as_deref()),
        ]
        .into_iter()
        .flatten()
        .any(|v| v.to_lowercase().contains(&wanted))
    }
}

/// A record's time (RFC 3339, as written).
pub(crate) fn parse_time(t: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(t.trim_end_matches('Z')).ok()
}

/// The change records of this store's prefix between two revisions (0:
/// unbounded), by revision.
pub async fn records(
    store: &Store,
    min: i64,
    max: i64,
) -> Result<BTreeMap<i64, Result<ChangeRecord, String>>, StoreError> {
    let query = RecordQuery {
        min_revision: min,
        max_revision: max,
    };
    let prefix = store.prefix().as_str();
    let mut out = BTreeMap::new();
    for r in store.records(&query, 0).await? {
        let parsed: Result<ChangeRecord, String> = serde_json::from_slice(&r.value)
            .map_err(|e| format!("the record {} does not read as a change record: {e}", r.key));
        // A history prefix set by hand may hold several prefixes' records.
        if let Ok(rec) = &parsed {
            let ours = match &rec.prefix {
                Some(p) => p == prefix,
                None => rec.keys.iter().any(|k| k.key.starts_with(prefix)),
            };
            if !ours {
                continue;
            }
        }
        out.insert(r.revision, parsed);
    }
    Ok(out)
}

fn stored(v: Option<Vec<u8>>) -> Option<Stored> {
    v.map(|b| Stored::Text(String::from_utf8_lossy(&b).into_owned()))
}

type Records = BTreeMap<i64, Result<ChangeRecord, String>>;

/// Records and etcd's events joined into changes (revisions `from..=to`),
/// newest first; etcd's history is complete from `complete_from` on.
fn join(records: &Records, events: Vec<KeyEvent>, from: i64, to: i64, complete_from: i64) -> Vec<Entry> {
    let mut by_rev: BTreeMap<i64, Vec<KeyEvent>> = BTreeMap::new();
    for e in events {
        by_rev.entry(e.revision).or_default().push(e);
    }
    let mut entries: Vec<Entry> = Vec::new();
    let revisions: std::collections::BTreeSet<i64> = by_rev
        .keys()
        .copied()
        .chain(records.keys().copied().filter(|r| (from..=to).contains(r)))
        .collect();
    for rev in revisions.into_iter().rev() {
        let (record, unreadable) = match records.get(&rev) {
            Some(Ok(r)) => (Some(r.clone()), None),
            Some(Err(e)) => (None, Some(e.clone())),
            None => (None, None),
        };
        let events = by_rev.remove(&rev);
        let verified = match (&record, &events) {
            (None, _) => None,
            (Some(_), _) if rev < complete_from => None,
            (Some(r), None) => Some(r.keys.is_empty()),
            (Some(r), Some(events)) => Some(r.keys.iter().all(|k| events.iter().any(|e| e.key == k.key))),
        };
        let keys = match events {
            Some(events) => events
                .into_iter()
                .map(|e| {
                    // A previous value etcd no longer has comes from the record.
                    let from_record = || {
                        let r = record.as_ref()?;
                        r.keys.iter().find(|k| k.key == e.key).and_then(|k| k.old.clone())
                    };
                    EntryKey {
                        old: stored(e.prev.clone()).or_else(from_record),
                        new: stored(e.value),
                        key: e.key,
                    }
                })
                .collect(),
            None => record
                .as_ref()
                .map(|r| {
                    r.keys
                        .iter()
                        .map(|k| EntryKey {
                            key: k.key.clone(),
                            old: k.old.clone(),
                            new: k.new.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        entries.push(Entry {
            revision: rev,
            record,
            unreadable,
            keys,
            verified,
        });
    }
    entries
}

/// One change in full: its record and etcd's events at `revision`, when
/// either is there.
pub async fn show(store: &Store, revision: i64) -> Result<Option<Entry>, StoreError> {
    let records = records(store, revision, revision).await?;
    let current = store.current_revision().await?;
    if revision > current {
        return Err(StoreError::FutureRevision { revision });
    }
    let history = store.prefix_history(revision, revision).await?;
    let events = if history.complete_from > revision {
        Vec::new()
    } else {
        history.events
    };
    Ok(join(&records, events, revision, revision, history.complete_from)
        .into_iter()
        .next())
}

/// The log of this store's prefix.
pub async fn log(store: &Store, query: &Query) -> Result<Log, StoreError> {
    let (min_rev, max_rev) = (
        match query.since {
            Some(Bound::Revision(r)) => r,
            _ => 0,
        },
        match query.until {
            Some(Bound::Revision(r)) => r,
            _ => 0,
        },
    );
    let revision = store.current_revision().await?;
    // From the next revision on is "from now", empty but sound (a revert
    // of the newest change asks it); past that, a revision yet to come.
    if min_rev > revision.saturating_add(1) {
        return Err(StoreError::FutureRevision { revision: min_rev });
    }
    let records = records(store, min_rev, max_rev).await?;
    // Time bounds become revision bounds through the records' times: a
    // write without a record is within them when the records around it are.
    let (mut from, mut to) = (min_rev.max(1), if max_rev > 0 { max_rev } else { revision });
    let timed: Vec<(i64, SystemTime)> = records
        .iter()
        .filter_map(|(rev, r)| Some((*rev, parse_time(&r.as_ref().ok()?.time)?)))
        .collect();
    if let Some(Bound::Time(since)) = query.since {
        from = from.max(
            timed
                .iter()
                .filter(|(_, t)| *t < since)
                .map(|(r, _)| r + 1)
                .max()
                .unwrap_or(1),
        );
    }
    if let Some(Bound::Time(until)) = query.until {
        to = to.min(
            timed
                .iter()
                .filter(|(_, t)| *t > until)
                .map(|(r, _)| r - 1)
                .min()
                .unwrap_or(to),
        );
    }
    // With no lower bound but a count, etcd's history is read backwards in
    // growing windows until the count is reached: a busy prefix's history
    // is not streamed from revision 1 for the newest few changes.
    let mut window = if query.since.is_none() && query.limit > 0 {
        FIRST_WINDOW
    } else {
        i64::MAX
    };
    loop {
        let lower = if window >= to {
            from
        } else {
            (to - window + 1).max(from)
        };
        let history = store.prefix_history(lower, to).await?;
        let complete_from = history.complete_from;
        // Records are all read: below the window only they can be shown.
        let mut entries = join(&records, history.events, lower, to, complete_from);
        entries.retain(|e| wanted(query, store, e));
        let enough = query.limit > 0 && entries.len() >= query.limit;
        // Compacted below the window: a wider one finds no more of etcd's
        // history, so the records decide.
        if lower > from && !enough && complete_from > lower {
            window = i64::MAX;
            continue;
        }
        if lower > from && !enough {
            window = window.saturating_mul(4);
            continue;
        }
        let more = query.limit > 0 && entries.len() > query.limit || (lower > from && enough);
        if query.limit > 0 {
            entries.truncate(query.limit);
        }
        return Ok(Log {
            entries,
            revision,
            // A window that stopped short of `from` was not compacted there.
            others_complete_from: if complete_from > lower { complete_from } else { from },
            more,
        });
    }
}

/// Revisions in the first window of a log without `--since` (see [`log`]).
const FIRST_WINDOW: i64 = 1_000;

/// Whether `e` passes the query's key, author and time filters.
fn wanted(query: &Query, store: &Store, e: &Entry) -> bool {
    let prefix = store.prefix();
    if let Some(w) = query.key.as_deref().map(fold) {
        if !e
            .keys
            .iter()
            .any(|k| prefix.name_of(&k.key).is_some_and(|n| fold(n) == w))
        {
            return false;
        }
    }
    if let Some(a) = &query.author {
        if !e.matches_author(a) {
            return false;
        }
    }
    // Records carry their time: hold them to the bounds exactly.
    let t = e.time().and_then(parse_time);
    match (query.since, t) {
        (Some(Bound::Time(s)), Some(t)) if t < s => return false,
        _ => {}
    }
    match (query.until, t) {
        (Some(Bound::Time(u)), Some(t)) if t > u => return false,
        _ => {}
    }
    true
}
