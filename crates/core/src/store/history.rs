//! etcd access for change history: tcfg's records under the history
//! prefix, and etcd's own history of a config prefix (its revisions until
//! compaction), which also shows writes made without tcfg.

use std::time::Duration;

use etcd_client::{
    Compare, CompareOp, EventType, GetOptions, SortOrder, SortTarget, Txn, TxnOp, TxnOpResponse, WatchOptions,
};
use tokio::time::{timeout, Instant};

use super::{Prefix, Store, StoreError};

/// A record as stored: its key, its revision (the change's), its JSON.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub key: String,
    pub revision: i64,
    pub value: Vec<u8>,
}

/// Which records to read.
#[derive(Clone, Debug, Default)]
pub struct RecordQuery {
    /// Only records written at or after this revision (0: any).
    pub min_revision: i64,
    /// Only records written at or before this revision (0: any).
    pub max_revision: i64,
}

/// One change to one key in etcd's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEvent {
    pub revision: i64,
    pub key: String,
    /// The value after (`None`: deleted).
    pub value: Option<Vec<u8>>,
    /// The value before (`None`: absent, or compacted away).
    pub prev: Option<Vec<u8>>,
}

/// etcd's history of a prefix between two revisions.
#[derive(Clone, Debug, Default)]
pub struct PrefixHistory {
    pub events: Vec<KeyEvent>,
    /// The oldest revision whose changes are all known: the revision asked
    /// for, or etcd's compaction floor when it is later.
    pub complete_from: i64,
}

impl Store {
    /// etcd's current revision.
    pub async fn current_revision(&self) -> Result<i64, StoreError> {
        let key = self.settings.prefix.as_str().to_string();
        let resp = self
            .read("reading etcd's revision", 0, move |mut c| {
                let key = key.clone();
                async move { c.get(key, Some(GetOptions::new().with_count_only())).await }
            })
            .await?;
        Ok(resp.header().map_or(0, |h| h.revision()))
    }

    /// How many keys are under `prefix`, and the first `limit` of them in
    /// key order (`limit` 0: the count only).
    pub async fn keys_under(&self, prefix: &Prefix, limit: i64) -> Result<(i64, Vec<String>), StoreError> {
        let (from, end) = (prefix.as_str().to_string(), prefix.range_end());
        let resp = self
            .read(&format!("reading {prefix}"), 0, move |mut c| {
                let mut o = GetOptions::new().with_range(end.clone()).with_keys_only();
                o = if limit == 0 {
                    o.with_count_only()
                } else {
                    o.with_limit(limit)
                };
                let from = from.clone();
                async move { c.get(from, Some(o)).await }
            })
            .await?;
        let keys = resp
            .kvs()
            .iter()
            .map(|kv| String::from_utf8_lossy(kv.key()).into_owned())
            .collect();
        Ok((resp.count(), keys))
    }

    /// How many keys under `prefix` were created or changed after
    /// `revision`, and how many there are now, read at one revision.
    pub async fn changed_since(&self, prefix: &Prefix, revision: i64) -> Result<(i64, i64), StoreError> {
        let (from, end) = (prefix.as_str().to_string(), prefix.range_end());
        let resp = self
            .read(&format!("reading {prefix}"), 0, move |mut c| {
                let range = GetOptions::new().with_range(end.clone());
                // etcd counts before it filters by mod revision: the keys
                // changed are listed (names only), not counted.
                let txn = Txn::new().and_then([
                    TxnOp::get(
                        from.clone(),
                        Some(range.clone().with_keys_only().with_min_mod_revision(revision + 1)),
                    ),
                    TxnOp::get(from.clone(), Some(range.with_count_only())),
                ]);
                async move { c.txn(txn).await }
            })
            .await?;
        let gets: Vec<_> = resp
            .op_responses()
            .into_iter()
            .filter_map(|r| match r {
                TxnOpResponse::Get(g) => Some(g),
                _ => None,
            })
            .collect();
        match &gets[..] {
            [changed, total] => Ok((changed.kvs().len() as i64, total.count())),
            _ => Err(StoreError::Other(format!(
                "reading {prefix}: etcd's answer had no counts"
            ))),
        }
    }

    /// Whether this user may write `key`, asked without writing it: a
    /// transaction whose write is never reached is still checked against
    /// the user's permissions in full.
    pub async fn may_write(&self, key: &str) -> Result<bool, StoreError> {
        let k = key.to_string();
        let r = self
            .read(&format!("checking write permission on {key}"), 0, move |mut c| {
                let txn = Txn::new()
                    .when([Compare::create_revision(k.clone(), CompareOp::Less, 0)])
                    .and_then([TxnOp::put(k.clone(), "", None)]);
                async move { c.txn(txn).await }
            })
            .await;
        match r {
            Ok(_) => Ok(true),
            Err(StoreError::PermissionDenied { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The change records under the history prefix that `query` selects,
    /// in key (time) order, newest first, at most `limit` (0: all).
    pub async fn records(&self, query: &RecordQuery, limit: i64) -> Result<Vec<StoredRecord>, StoreError> {
        let history = self.history_prefix();
        let (from, end) = (history.as_str().to_string(), history.range_end());
        let q = query.clone();
        let resp = self
            .read(
                &format!("reading the change records under {history}"),
                0,
                move |mut c| {
                    let mut o = GetOptions::new()
                        .with_range(end.clone())
                        .with_sort(SortTarget::Key, SortOrder::Descend);
                    if limit > 0 {
                        o = o.with_limit(limit);
                    }
                    if q.min_revision > 0 {
                        o = o.with_min_mod_revision(q.min_revision);
                    }
                    if q.max_revision > 0 {
                        o = o.with_max_mod_revision(q.max_revision);
                    }
                    let from = from.clone();
                    async move { c.get(from, Some(o)).await }
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::PermissionDenied { .. } => StoreError::HistoryUnreadable {
                    user: self.settings.user.clone().unwrap_or_default(),
                    history: history.to_string(),
                },
                e => e,
            })?;
        Ok(resp
            .kvs()
            .iter()
            .map(|kv| StoredRecord {
                key: String::from_utf8_lossy(kv.key()).into_owned(),
                revision: kv.mod_revision(),
                value: kv.value().to_vec(),
            })
            .collect())
    }

    /// etcd's history of this store's prefix from revision `from` to `to`
    /// (inclusive), with each change's previous value. When `from` is
    /// compacted away, the history starts at etcd's compaction floor and
    /// says so.
    pub async fn prefix_history(&self, from: i64, to: i64) -> Result<PrefixHistory, StoreError> {
        let mut start = from.max(1);
        loop {
            match self.watch_between(start, to).await? {
                Watched::Events(events) => {
                    return Ok(PrefixHistory {
                        events,
                        complete_from: start,
                    })
                }
                // The floor itself is still readable.
                Watched::Compacted(floor) if floor > start => start = floor,
                Watched::Compacted(floor) => {
                    return Err(StoreError::Other(format!(
                        "etcd reported its history compacted at {floor} while reading from {start}"
                    )))
                }
            }
        }
    }

    /// The oldest revision etcd still keeps: its last compaction's
    /// revision, or 1 when it never compacted.
    pub async fn compaction_floor(&self) -> Result<i64, StoreError> {
        // The prefix's own key (never dynamic config) from revision 1: etcd
        // cancels the watch with its compaction revision when revision 1 is
        // gone, else it has no past to send.
        let key = self.settings.prefix.as_str().to_string();
        match self.watch_range(key, false, 1, 1).await? {
            Watched::Compacted(floor) => Ok(floor),
            Watched::Events(_) => Ok(1),
        }
    }

    async fn watch_between(&self, from: i64, to: i64) -> Result<Watched, StoreError> {
        self.watch_range(self.settings.prefix.as_str().to_string(), true, from, to)
            .await
    }

    /// The changes to `key` (every key under it, with `prefix`) from
    /// revision `from` to `to`.
    async fn watch_range(&self, key: String, prefix: bool, from: i64, to: i64) -> Result<Watched, StoreError> {
        let mut events = Vec::new();
        if to < from {
            return Ok(Watched::Events(events));
        }
        let what = format!("reading etcd's history of {}", self.settings.prefix);
        let mut opts = WatchOptions::new().with_start_revision(from).with_prev_key();
        if prefix {
            opts = opts.with_prefix();
        }
        let mut client = self.conn.client.clone();
        let limit = self.settings.command_timeout * 4;
        let deadline = Instant::now() + limit;
        let mut stream = match timeout(self.settings.command_timeout, client.watch(key, Some(opts))).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(self.describe(e, &what)),
            Err(_) => {
                return Err(StoreError::Timeout {
                    what,
                    timeout: self.settings.command_timeout,
                })
            }
        };
        // Events up to `to` come first; etcd answers a progress request
        // only once it has sent every past event, so an answer at or past
        // `to` (or an event past it) ends the reading.
        let mut ask = tokio::time::interval(Duration::from_millis(50));
        loop {
            let msg = tokio::select! {
                m = stream.message() => m,
                _ = ask.tick() => {
                    let _ = stream.request_progress().await;
                    continue;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(StoreError::Timeout { what, timeout: limit });
                }
            };
            let resp = match msg {
                Ok(Some(r)) => r,
                Ok(None) => return Err(StoreError::Other(format!("{what}: the watch stream ended"))),
                Err(e) => return Err(self.describe(e, &what)),
            };
            if resp.canceled() {
                if resp.compact_revision() > 0 {
                    return Ok(Watched::Compacted(resp.compact_revision()));
                }
                return Err(StoreError::Rejected {
                    reason: format!("{what}: {}", resp.cancel_reason()),
                });
            }
            let mut past = false;
            for e in resp.events() {
                let Some(kv) = e.kv() else { continue };
                if kv.mod_revision() > to {
                    past = true;
                    break;
                }
                events.push(KeyEvent {
                    revision: kv.mod_revision(),
                    key: String::from_utf8_lossy(kv.key()).into_owned(),
                    value: (e.event_type() == EventType::Put).then(|| kv.value().to_vec()),
                    prev: e.prev_kv().map(|p| p.value().to_vec()),
                });
            }
            let progress = resp.events().is_empty() && !resp.created();
            if past || (progress && resp.header().is_some_and(|h| h.revision() >= to)) {
                return Ok(Watched::Events(events));
            }
        }
    }
}

enum Watched {
    Events(Vec<KeyEvent>),
    Compacted(i64),
}
