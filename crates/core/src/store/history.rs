//! etcd access for change history: tcfg's records under the history
//! prefix, and etcd's own history of a config prefix (its revisions until
//! compaction), which also shows writes made without tcfg.

use std::time::Duration;

use etcd_client::{
    Compare, CompareOp, EventType, GetOptions, SortOrder, SortTarget, Txn, TxnOp, TxnOpResponse, WatchOptions,
    WatchStream,
};
use tokio::time::{timeout, Instant};

use super::{Prefix, ProgressAnswers, Store, StoreError};

/// A record as stored: its key, its revision (the change's), its JSON.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    /// The record's etcd key.
    pub key: String,
    /// The revision it was written at: its change's revision.
    pub revision: i64,
    /// The record as stored (JSON).
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
    /// The revision of the write.
    pub revision: i64,
    /// The etcd key written.
    pub key: String,
    /// The value after (`None`: deleted).
    pub value: Option<Vec<u8>>,
    /// The value before (`None`: absent, or compacted away).
    pub prev: Option<Vec<u8>>,
}

/// etcd's history of a prefix between two revisions.
#[derive(Clone, Debug, Default)]
pub struct PrefixHistory {
    /// Each write, in revision order.
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

    /// Every key under `prefix` with its value and revisions, in key order
    /// (the entries tcfg keeps beside a prefix, such as overrides).
    pub async fn entries_under(&self, prefix: &Prefix) -> Result<(i64, Vec<Entry>), StoreError> {
        let (from, end) = (prefix.as_str().to_string(), prefix.range_end());
        let resp = self
            .read(&format!("reading {prefix}"), 0, move |mut c| {
                let o = GetOptions::new().with_range(end.clone());
                let from = from.clone();
                async move { c.get(from, Some(o)).await }
            })
            .await?;
        let entries = resp
            .kvs()
            .iter()
            .map(|kv| Entry {
                key: String::from_utf8_lossy(kv.key()).into_owned(),
                value: kv.value().to_vec(),
                create_revision: kv.create_revision(),
                mod_revision: kv.mod_revision(),
            })
            .collect();
        Ok((resp.header().map_or(0, |h| h.revision()), entries))
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
        let answers = self.progress_answers().await;
        loop {
            match self.watch_between(start, to, answers).await? {
                Watched::Events { events, complete_from } => {
                    return Ok(PrefixHistory {
                        events,
                        complete_from: complete_from.max(start),
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
        // A read at revision 1 fails only once etcd compacted past it. Only
        // then is a watch from revision 1 asked, and etcd cancels it with
        // the compaction's revision through the watch itself, on every
        // release (no progress answer is needed to know it is done).
        let key = self.settings.prefix.as_str().to_string();
        let k = key.clone();
        let read = self
            .read("reading etcd's oldest revision", 1, move |mut c| {
                let k = k.clone();
                async move {
                    c.get(k, Some(GetOptions::new().with_revision(1).with_count_only()))
                        .await
                }
            })
            .await;
        match read {
            Ok(_) => return Ok(1),
            Err(StoreError::Compacted { .. }) => {}
            Err(e) => return Err(e),
        }
        let deadline = Instant::now() + self.settings.command_timeout * 4;
        let mut stream = self.open_watch(key, false, 1).await?;
        loop {
            match self.next_answer(&mut stream, deadline).await? {
                Answer::Compacted(floor) => return Ok(floor),
                // Compacted since the read, yet not past revision 1: etcd
                // never does that; an event means revision 1 is readable.
                Answer::Events { .. } => return Ok(1),
                Answer::Created | Answer::Progress(_) => {}
            }
        }
    }

    async fn watch_between(&self, from: i64, to: i64, answers: ProgressAnswers) -> Result<Watched, StoreError> {
        if to < from {
            return Ok(Watched::Events {
                events: Vec::new(),
                complete_from: from,
            });
        }
        match answers {
            ProgressAnswers::InOrder => self.watch_until_progress(from, to).await,
            ProgressAnswers::MayBeLost | ProgressAnswers::Early => self.watch_anchored(from, to).await,
        }
    }

    async fn open_watch(&self, key: String, prefix: bool, from: i64) -> Result<WatchStream, StoreError> {
        let what = format!("reading etcd's history of {}", self.settings.prefix);
        let mut opts = WatchOptions::new().with_start_revision(from).with_prev_key();
        if prefix {
            opts = opts.with_prefix();
        }
        let mut client = self.conn.client.clone();
        match timeout(self.settings.command_timeout, client.watch(key, Some(opts))).await {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(self.describe(e, &what)),
            Err(_) => Err(StoreError::Timeout {
                what,
                timeout: self.settings.command_timeout,
            }),
        }
    }

    /// The watch's next answer, by `deadline`.
    async fn next_answer(&self, stream: &mut WatchStream, deadline: Instant) -> Result<Answer, StoreError> {
        let what = format!("reading etcd's history of {}", self.settings.prefix);
        let msg = tokio::select! {
            m = stream.message() => m,
            _ = tokio::time::sleep_until(deadline) => {
                return Err(StoreError::Timeout { what, timeout: self.settings.command_timeout * 4 });
            }
        };
        let resp = match msg {
            Ok(Some(r)) => r,
            Ok(None) => return Err(StoreError::Other(format!("{what}: the watch stream ended"))),
            Err(e) => return Err(self.describe(e, &what)),
        };
        if resp.canceled() {
            if resp.compact_revision() > 0 {
                return Ok(Answer::Compacted(resp.compact_revision()));
            }
            return Err(StoreError::Rejected {
                reason: format!("{what}: {}", resp.cancel_reason()),
            });
        }
        let header = resp.header().map_or(0, |h| h.revision());
        if resp.events().is_empty() {
            return Ok(if resp.created() {
                Answer::Created
            } else {
                Answer::Progress(header)
            });
        }
        let events = resp
            .events()
            .iter()
            .filter_map(|e| {
                let kv = e.kv()?;
                Some(KeyEvent {
                    revision: kv.mod_revision(),
                    key: String::from_utf8_lossy(kv.key()).into_owned(),
                    value: (e.event_type() == EventType::Put).then(|| kv.value().to_vec()),
                    prev: e.prev_kv().map(|p| p.value().to_vec()),
                })
            })
            .collect();
        Ok(Answer::Events { events, header })
    }

    /// On releases that answer a progress request only once every past
    /// event was sent (3.4.31+, 3.5.13+, 3.6+): read until an answer at or
    /// past `to`, or an event past it.
    async fn watch_until_progress(&self, from: i64, to: i64) -> Result<Watched, StoreError> {
        let mut events = Vec::new();
        let deadline = Instant::now() + self.settings.command_timeout * 4;
        let mut stream = self
            .open_watch(self.settings.prefix.as_str().to_string(), true, from)
            .await?;
        let mut ask = tokio::time::interval(Duration::from_millis(50));
        loop {
            let answer = tokio::select! {
                a = self.next_answer(&mut stream, deadline) => a?,
                _ = ask.tick() => {
                    let _ = stream.request_progress().await;
                    continue;
                }
            };
            match answer {
                Answer::Compacted(floor) => return Ok(Watched::Compacted(floor)),
                Answer::Created => {}
                Answer::Progress(revision) => {
                    if revision >= to {
                        return Ok(Watched::Events {
                            events,
                            complete_from: from,
                        });
                    }
                }
                Answer::Events { events: batch, .. } => {
                    let past = batch.iter().any(|e| e.revision > to);
                    events.extend(batch.into_iter().filter(|e| e.revision <= to));
                    if past {
                        return Ok(Watched::Events {
                            events,
                            complete_from: from,
                        });
                    }
                }
            }
        }
    }

    /// On releases whose progress answers cannot be trusted (before 3.4.31
    /// and 3.5.13), no progress request is made. etcd sends a watch's
    /// past in batches, each holding every event from the watch's next
    /// revision up to etcd's revision when it read the batch (the answer's
    /// header revision), cut only after 1,000 revisions; a watch whose past
    /// holds no event gets no answer at all (`syncWatchers` and
    /// `watchBatchMaxRevs`, the same in 3.4 to 3.7). So the watch starts at
    /// a revision known to hold an event of the prefix (an anchor), and a
    /// batch of fewer than 1,000 revisions ends the reading.
    async fn watch_anchored(&self, from: i64, to: i64) -> Result<Watched, StoreError> {
        let (anchor, complete_from) = match self.anchor(from, to).await? {
            Anchor::At(a) => (a, from),
            Anchor::Compacted(floor) => return Ok(Watched::Compacted(floor)),
            Anchor::Quiet { complete_from } => {
                return Ok(Watched::Events {
                    events: Vec::new(),
                    complete_from,
                })
            }
        };
        let deadline = Instant::now() + self.settings.command_timeout * 4;
        let mut events: Vec<KeyEvent> = Vec::new();
        let mut start = anchor.min(from);
        // The newest revision read: a watch from it again repeats it.
        let mut read_through = start - 1;
        loop {
            let mut stream = self
                .open_watch(self.settings.prefix.as_str().to_string(), true, start)
                .await?;
            let (batch, header) = loop {
                match self.next_answer(&mut stream, deadline).await? {
                    Answer::Events { events, header } => break (events, header),
                    Answer::Compacted(floor) if start >= from => return Ok(Watched::Compacted(floor)),
                    Answer::Compacted(floor) => {
                        return Err(StoreError::Other(format!(
                            "etcd compacted its history to {floor} while tcfg read it from revision {start}; run the command again"
                        )))
                    }
                    Answer::Created | Answer::Progress(_) => {}
                }
            };
            drop(stream);
            let mut revisions = 0;
            let mut last = 0;
            for e in &batch {
                if e.revision != last {
                    revisions += 1;
                    last = e.revision;
                }
            }
            let past = last > to;
            events.extend(
                batch
                    .into_iter()
                    .filter(|e| e.revision > read_through && e.revision >= from && e.revision <= to),
            );
            read_through = read_through.max(last);
            if past || (revisions < WATCH_BATCH_MAX_REVISIONS && header >= to) {
                return Ok(Watched::Events { events, complete_from });
            }
            if revisions < WATCH_BATCH_MAX_REVISIONS {
                // A whole batch from a member still behind `to`: ask again
                // once it has had a moment to catch up.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Perhaps cut: on from the last revision read, which holds an event.
            start = last;
        }
    }

    /// A revision holding an event of the prefix, from which a watch reads
    /// every event from `from` to `to`.
    async fn anchor(&self, from: i64, to: i64) -> Result<Anchor, StoreError> {
        // The newest write to a key still there: its event is in etcd's
        // history unless compacted away.
        let newest = self.newest_write().await?;
        if newest >= from {
            return Ok(Anchor::At(newest));
        }
        let floor = self.compaction_floor().await?;
        if from < floor {
            return Ok(Anchor::Compacted(floor));
        }
        if newest >= floor && newest > 0 {
            return Ok(Anchor::At(newest));
        }
        // Every key there now was last written before `from` (or before
        // etcd's history begins): any event since deleted a key, or wrote
        // one deleted again. Compare the prefix's keys at revisions.
        let (base, complete_from) = if from > floor {
            (from - 1, from)
        } else {
            (from, from + 1)
        };
        let before = self.key_revisions(base).await?;
        if self.key_revisions(to).await? != before {
            // The keys differ at the ends: halve until two revisions in a
            // row differ; the second holds an event.
            let (mut same, mut differs) = (base, to);
            while differs - same > 1 {
                let mid = same + (differs - same) / 2;
                if self.key_revisions(mid).await? == before {
                    same = mid;
                } else {
                    differs = mid;
                }
            }
            return Ok(Anchor::At(differs));
        }
        // The same keys at both ends: the first event created a key (and a
        // later one deleted it), so the count of keys rose there.
        let span = to - base;
        if span > MAX_REVISIONS_SCANNED {
            let release = self
                .releases()
                .await
                .into_iter()
                .flatten()
                .min()
                .map_or_else(|| "(release unknown)".to_string(), |r| r.to_string());
            return Err(StoreError::HistoryUnprovable {
                prefix: self.settings.prefix.to_string(),
                from,
                revisions: span,
                release,
            });
        }
        let mut r = base + 1;
        while r <= to {
            let upto = (r + COUNTS_PER_TXN - 1).min(to);
            let counts = self.counts_at(r, upto).await?;
            if let Some(i) = counts.iter().position(|c| *c != before.len() as i64) {
                return Ok(Anchor::At(r + i as i64));
            }
            r = upto + 1;
        }
        Ok(Anchor::Quiet { complete_from })
    }

    /// The highest mod revision of a key under the prefix now (0: none).
    async fn newest_write(&self) -> Result<i64, StoreError> {
        let (from, end) = (
            self.settings.prefix.as_str().to_string(),
            self.settings.prefix.range_end(),
        );
        let resp = self
            .read(&format!("reading {}", self.settings.prefix), 0, move |mut c| {
                let o = GetOptions::new()
                    .with_range(end.clone())
                    .with_keys_only()
                    .with_sort(SortTarget::Mod, SortOrder::Descend)
                    .with_limit(1);
                let from = from.clone();
                async move { c.get(from, Some(o)).await }
            })
            .await?;
        Ok(resp.kvs().first().map_or(0, |kv| kv.mod_revision()))
    }

    /// Every key under the prefix at `revision`, with its mod revision.
    async fn key_revisions(&self, revision: i64) -> Result<Vec<(Vec<u8>, i64)>, StoreError> {
        let (from, end) = (
            self.settings.prefix.as_str().to_string(),
            self.settings.prefix.range_end(),
        );
        let resp = self
            .read(&format!("reading {}", self.settings.prefix), revision, move |mut c| {
                let o = GetOptions::new()
                    .with_range(end.clone())
                    .with_keys_only()
                    .with_revision(revision);
                let from = from.clone();
                async move { c.get(from, Some(o)).await }
            })
            .await?;
        Ok(resp
            .kvs()
            .iter()
            .map(|kv| (kv.key().to_vec(), kv.mod_revision()))
            .collect())
    }

    /// How many keys were under the prefix at each revision from `from` to
    /// `to`, read in one transaction.
    async fn counts_at(&self, from: i64, to: i64) -> Result<Vec<i64>, StoreError> {
        let (key, end) = (
            self.settings.prefix.as_str().to_string(),
            self.settings.prefix.range_end(),
        );
        let resp = self
            .read(&format!("reading {}", self.settings.prefix), from, move |mut c| {
                let ops: Vec<TxnOp> = (from..=to)
                    .map(|r| {
                        TxnOp::get(
                            key.clone(),
                            Some(
                                GetOptions::new()
                                    .with_range(end.clone())
                                    .with_count_only()
                                    .with_revision(r),
                            ),
                        )
                    })
                    .collect();
                async move { c.txn(Txn::new().and_then(ops)).await }
            })
            .await?;
        Ok(resp
            .op_responses()
            .into_iter()
            .filter_map(|r| match r {
                TxnOpResponse::Get(g) => Some(g.count()),
                _ => None,
            })
            .collect())
    }
}

/// etcd's `watchBatchMaxRevs`: a watch's past comes in batches of at most
/// this many revisions (3.4 to 3.7).
const WATCH_BATCH_MAX_REVISIONS: usize = 1000;

/// Revisions whose key counts one transaction reads (etcd's default limit
/// on a transaction's operations is 128).
const COUNTS_PER_TXN: i64 = 64;

/// The most revisions read one by one to prove a quiet prefix quiet on a
/// release without trustworthy progress answers.
const MAX_REVISIONS_SCANNED: i64 = 250_000;

enum Watched {
    Events { events: Vec<KeyEvent>, complete_from: i64 },
    Compacted(i64),
}

enum Answer {
    Created,
    Progress(i64),
    Events { events: Vec<KeyEvent>, header: i64 },
    Compacted(i64),
}

enum Anchor {
    At(i64),
    /// No event from `from` to `to`, as far back as `complete_from`.
    Quiet {
        complete_from: i64,
    },
    Compacted(i64),
}

/// A key beside the config prefix, as [`Store::entries_under`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The etcd key.
    pub key: String,
    /// Its value, as stored.
    pub value: Vec<u8>,
    /// The revision that created it (for an override: the override's own).
    pub create_revision: i64,
    /// The revision of its last change.
    pub mod_revision: i64,
}
