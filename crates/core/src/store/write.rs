//! Writes: one transaction of compare-and-swap changes, never retried; a
//! write whose answer was lost is judged by reading its keys back.

use etcd_client::{Compare, CompareOp, DeleteOptions, GetOptions, Txn, TxnOp, TxnOpResponse};
use tokio::time::timeout;

use super::error::classify;
use super::{Conflict, Prefix, Store, StoreError};
use crate::model::key::{name_shape, NameShape};

/// What a write expects of a key before it changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The key must not exist (`create_revision == 0`).
    Absent,
    /// The key must still be at this mod revision.
    ModRevision(i64),
}

/// One key to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    /// The etcd key.
    pub etcd_key: String,
    /// The new value, or `None` to delete the key.
    pub value: Option<String>,
    /// What it must be when the write lands.
    pub expect: Expect,
    /// The value the key holds at `expect` (`None`: absent), for the
    /// change record.
    pub old: Option<String>,
}

/// The change record written in a change's own transaction (see
/// `changes::commit`), and the records it prunes.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordWrite {
    /// The record's etcd key, under [`Store::history_prefix`].
    pub key: String,
    /// The record, as stored (JSON).
    pub value: String,
    /// Records whose keys sort before this one are deleted (retention).
    pub prune_before: Option<String>,
}

/// A condition on keys a write does not touch.
#[derive(Clone, Debug, PartialEq)]
pub enum Guard {
    /// No key under the prefix changed (created or modified) after this
    /// revision: a plan made from it, or a sync from it, still holds.
    Unchanged {
        /// The prefix.
        prefix: Prefix,
        /// The revision it was read at.
        since: i64,
    },
    /// One key beside the prefix (a freeze) is still as it was read: at
    /// this mod revision, 0 when absent.
    Key {
        /// The etcd key.
        key: String,
        /// Its mod revision when read (0: absent).
        mod_revision: i64,
    },
}

impl Store {
    /// Whether tcfg may write `etcd_key` at all: a dynamic config key name
    /// directly under this store's prefix. Whether a name that is not
    /// key-shaped is registered is for the caller, which has the registry,
    /// to check ([`crate::Registry::foreign_reason`]).
    pub fn check_writable(&self, etcd_key: &str) -> Result<(), StoreError> {
        let prefix = &self.settings.prefix;
        let reason = match prefix.name_of(etcd_key) {
            None => format!("it is outside the prefix {prefix}"),
            Some("") => "it is the prefix itself, not a key under it".to_string(),
            Some(name) => match name_shape(name) {
                NameShape::Foreign(reason) => reason.to_string(),
                NameShape::Key | NameShape::KeyIfRegistered => return Ok(()),
            },
        };
        Err(StoreError::NotDynamicConfig {
            key: etcd_key.to_string(),
            reason,
        })
    }

    /// Apply every change and its record in one transaction, each change
    /// guarded by its expectation and the whole by `guards`. Returns the new
    /// revision; on any mismatch nothing is written and the conflicts are
    /// reported. Only [`crate::changes::commit`] calls it (a test there
    /// reads the sources to make sure): it reviews, fits and records.
    ///
    /// `beside` are writes of tcfg's own entries beside the prefix (an
    /// override's), compare-and-swap like the changes, landing with them.
    pub(crate) async fn commit_recorded(
        &self,
        changes: &[Write],
        beside: &[Write],
        guards: &[Guard],
        record: &RecordWrite,
    ) -> Result<i64, StoreError> {
        for c in changes {
            self.check_writable(&c.etcd_key)?;
        }
        for b in beside {
            self.check_beside(&b.etcd_key)?;
        }
        self.check_record(record)?;
        let mut compares: Vec<Compare> = changes
            .iter()
            .chain(beside)
            .map(|c| match c.expect {
                Expect::Absent => Compare::create_revision(c.etcd_key.clone(), CompareOp::Equal, 0),
                Expect::ModRevision(r) => Compare::mod_revision(c.etcd_key.clone(), CompareOp::Equal, r),
            })
            .collect();
        let mut ops: Vec<TxnOp> = changes
            .iter()
            .chain(beside)
            .map(|c| match &c.value {
                Some(v) => TxnOp::put(c.etcd_key.clone(), v.clone(), None),
                None => TxnOp::delete(c.etcd_key.clone(), None),
            })
            .collect();
        ops.push(TxnOp::put(record.key.clone(), record.value.clone(), None));
        if let Some(before) = &record.prune_before {
            let start = self.history_prefix();
            ops.push(TxnOp::delete(
                start.as_str(),
                Some(DeleteOptions::new().with_range(before.as_str())),
            ));
        }
        let mut checks: Vec<TxnOp> = changes.iter().map(|c| TxnOp::get(c.etcd_key.clone(), None)).collect();
        for g in guards {
            match g {
                Guard::Unchanged { prefix, since } => {
                    compares.push(
                        Compare::mod_revision(prefix.as_str(), CompareOp::Less, since + 1)
                            .with_range(prefix.range_end()),
                    );
                    checks.push(TxnOp::get(
                        prefix.as_str(),
                        Some(
                            GetOptions::new()
                                .with_range(prefix.range_end())
                                .with_keys_only()
                                .with_min_mod_revision(since + 1),
                        ),
                    ));
                }
                Guard::Key { key, mod_revision } => {
                    compares.push(Compare::mod_revision(key.as_str(), CompareOp::Equal, *mod_revision));
                    checks.push(TxnOp::get(key.as_str(), Some(GetOptions::new().with_keys_only())));
                }
            }
        }
        checks.extend(beside.iter().map(|b| TxnOp::get(b.etcd_key.clone(), None)));
        let txn = Txn::new().when(compares).and_then(ops).or_else(checks);
        let what = match changes {
            [one] => format!("writing {}", one.etcd_key),
            many => format!("writing {} keys under {}", many.len(), self.settings.prefix),
        };
        for c in changes {
            tracing::debug!(key = %c.etcd_key, expect = ?c.expect, delete = c.value.is_none(), "compare-and-swap guard");
        }
        for g in guards {
            match g {
                Guard::Unchanged { prefix, since } => {
                    tracing::debug!(%prefix, since, "guard: nothing under the prefix written since")
                }
                Guard::Key { key, mod_revision } => tracing::debug!(key, mod_revision, "guard: a key as read"),
            }
        }
        tracing::debug!(record = %record.key, "change record");
        // A lost answer is judged by every key the write touches.
        let every_write: Vec<Write> = changes.iter().chain(beside).cloned().collect();
        let started = std::time::Instant::now();
        let mut client = self.conn.client.clone();
        let resp = match timeout(self.settings.command_timeout, client.txn(txn)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                let err = classify(e, &self.context(&what, "write", 0));
                return match &err {
                    // Never sent: certainly not applied.
                    StoreError::Unreachable { reason, .. }
                        if reason == "connection refused" || reason == "the host name does not resolve" =>
                    {
                        Err(err)
                    }
                    StoreError::Unreachable { .. } | StoreError::Timeout { .. } | StoreError::Other(_) => {
                        self.outcome_of(&every_write, &what, err.to_string()).await
                    }
                    _ => Err(err),
                };
            }
            Err(_) => {
                let reason = format!("no answer within {:?}", self.settings.command_timeout);
                return self.outcome_of(&every_write, &what, reason).await;
            }
        };
        if resp.succeeded() {
            let revision = resp.header().map(|h| h.revision()).unwrap_or(0);
            tracing::debug!(revision, elapsed = ?started.elapsed(), "{what}: written");
            return Ok(revision);
        }
        tracing::debug!(elapsed = ?started.elapsed(), "{what}: a guard failed, nothing written");
        let responses = resp.op_responses();
        for (g, r) in guards.iter().zip(responses.iter().skip(changes.len())) {
            if let (Guard::Key { key, mod_revision }, TxnOpResponse::Get(got)) = (g, r) {
                let found = got.kvs().first().map_or(0, |kv| kv.mod_revision());
                if found != *mod_revision {
                    return Err(StoreError::Conflict {
                        conflicts: vec![Conflict {
                            key: key.clone(),
                            expected: *mod_revision,
                            found,
                        }],
                    });
                }
                continue;
            }
            let (Guard::Unchanged { prefix, since }, TxnOpResponse::Get(got)) = (g, r) else {
                continue;
            };
            if !got.kvs().is_empty() {
                return Err(StoreError::Stale {
                    prefix: prefix.to_string(),
                    revision: *since,
                    keys: got
                        .kvs()
                        .iter()
                        .map(|kv| String::from_utf8_lossy(kv.key()).into_owned())
                        .collect(),
                });
            }
        }
        let mut conflicts = Vec::new();
        for (i, change) in changes.iter().chain(beside).enumerate() {
            // The checks: each change's key, each guard's, then each entry's.
            let at = if i < changes.len() { i } else { i + guards.len() };
            let Some(TxnOpResponse::Get(g)) = responses.get(at) else {
                continue;
            };
            let found = g.kvs().first().map(|kv| kv.mod_revision()).unwrap_or(0);
            let expected = match change.expect {
                Expect::Absent => 0,
                Expect::ModRevision(r) => r,
            };
            if found != expected {
                conflicts.push(Conflict {
                    key: change.etcd_key.clone(),
                    expected,
                    found,
                });
            }
        }
        Err(StoreError::Conflict { conflicts })
    }
}

impl Store {
    /// tcfg's own entries beside the prefix go directly under the
    /// overrides prefix, which must not overlap the config prefix.
    fn check_beside(&self, key: &str) -> Result<(), StoreError> {
        let freeze = self.settings.prefix.beside("freeze");
        if freeze.name_of(key) == Some("current") {
            return Ok(());
        }
        // The cluster's freeze, unless this prefix holds it (a prefix of
        // `/` or `/tcfg/`): then it is a key under the prefix tcfg did not
        // make, and tcfg writes none of those.
        if key == super::CLUSTER_FREEZE_KEY && self.settings.prefix.name_of(key).is_none() {
            return Ok(());
        }
        let (overrides, config) = (self.overrides_prefix(), &self.settings.prefix);
        let reason =
            if overrides.as_str().starts_with(config.as_str()) || config.as_str().starts_with(overrides.as_str()) {
                format!("the overrides prefix {overrides} overlaps the config prefix {config}")
            } else {
                match overrides.name_of(key) {
                    Some(name) if !name.is_empty() && !name.contains('/') => return Ok(()),
                    _ => format!("it is not an entry under the overrides prefix {overrides}"),
                }
            };
        Err(StoreError::NotDynamicConfig {
            key: key.to_string(),
            reason,
        })
    }

    /// A record goes under the history prefix, which must not overlap the
    /// config prefix (every server would read the records), and prunes
    /// nothing but older records.
    fn check_record(&self, record: &RecordWrite) -> Result<(), StoreError> {
        let (history, config) = (self.history_prefix(), &self.settings.prefix);
        let refuse = |reason: String| {
            Err(StoreError::NotDynamicConfig {
                key: record.key.clone(),
                reason,
            })
        };
        if history.as_str().starts_with(config.as_str()) || config.as_str().starts_with(history.as_str()) {
            return refuse(format!(
                "the history prefix {history} overlaps the config prefix {config}"
            ));
        }
        match history.name_of(&record.key) {
            Some(name) if !name.is_empty() && !name.contains('/') => {}
            _ => return refuse(format!("it is not a record name under the history prefix {history}")),
        }
        if let Some(before) = &record.prune_before {
            if !before.starts_with(history.as_str()) || before.as_str() > record.key.as_str() {
                return refuse(format!("its pruning reaches past older records ({before})"));
            }
        }
        Ok(())
    }
}

/// What reading the keys of a write back found.
enum Outcome {
    /// Every change is in place.
    Applied { revision: i64 },
    /// Every key is still as the write expected it: nothing was applied.
    NotApplied,
    /// Some keys moved, not all as the write meant (another writer).
    Unknown,
}

impl Store {
    /// After a write whose answer was lost: read its keys back and say
    /// whether it was applied (`Ok`: the write's revision), was not (the
    /// error to report), or cannot be told.
    async fn outcome_of(&self, changes: &[Write], what: &str, reason: String) -> Result<i64, StoreError> {
        let keys: Vec<String> = changes.iter().map(|c| c.etcd_key.clone()).collect();
        let ops = keys.clone();
        let checked = self
            .read(&format!("checking {what}"), 0, move |mut c| {
                let txn = Txn::new().and_then(ops.iter().map(|k| TxnOp::get(k.clone(), None)).collect::<Vec<_>>());
                async move { c.txn(txn).await }
            })
            .await;
        let planned_from = changes
            .iter()
            .filter_map(|c| match c.expect {
                Expect::ModRevision(r) => Some(r),
                Expect::Absent => None,
            })
            .max()
            .unwrap_or(0);
        let unknown = |reason: String| StoreError::OutcomeUnknown {
            what: what.to_string(),
            reason,
            revision: planned_from,
            keys: keys.join(", "),
        };
        let resp = match checked {
            Ok(r) => r,
            Err(_) => return Err(unknown(reason)),
        };
        let found: Vec<Option<(Vec<u8>, i64)>> = resp
            .op_responses()
            .into_iter()
            .map(|r| match r {
                TxnOpResponse::Get(g) => g.kvs().first().map(|kv| (kv.value().to_vec(), kv.mod_revision())),
                _ => None,
            })
            .collect();
        let header = resp.header().map(|h| h.revision()).unwrap_or(0);
        match judge_outcome(changes, &found, header) {
            Outcome::Applied { revision } => {
                tracing::info!(revision, "{what}: the answer was lost, but the write was applied");
                Ok(revision)
            }
            Outcome::NotApplied => Err(StoreError::Timeout {
                what: format!("{what}; read back afterwards: it was not applied, nothing was written"),
                timeout: self.settings.command_timeout,
            }),
            Outcome::Unknown => Err(unknown(format!(
                "{reason}; read back afterwards, some keys moved, not as this write would have moved them"
            ))),
        }
    }
}

/// Whether the keys read back (`found`: value and mod revision, in the
/// order of `changes`) show a write applied, not applied, or neither.
fn judge_outcome(changes: &[Write], found: &[Option<(Vec<u8>, i64)>], header: i64) -> Outcome {
    let expected = |c: &Write| match c.expect {
        Expect::Absent => 0,
        Expect::ModRevision(r) => r,
    };
    let untouched = changes
        .iter()
        .zip(found)
        .all(|(c, f)| f.as_ref().map_or(0, |(_, r)| *r) == expected(c));
    if untouched && !changes.is_empty() {
        return Outcome::NotApplied;
    }
    let mut revision = None;
    for (c, f) in changes.iter().zip(found) {
        match (&c.value, f) {
            (Some(v), Some((got, r))) if got == v.as_bytes() && *r != expected(c) => {
                // One transaction: every key it wrote has the same mod revision.
                if revision.is_some_and(|prev| prev != *r) {
                    return Outcome::Unknown;
                }
                revision = Some(*r);
            }
            (None, None) => {}
            _ => return Outcome::Unknown,
        }
    }
    Outcome::Applied {
        revision: revision.unwrap_or(header),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_answer_is_judged_by_what_is_read_back() {
        let put = |k: &str, v: &str, rev: i64| Write {
            etcd_key: k.into(),
            value: Some(v.into()),
            old: None,
            expect: if rev == 0 {
                Expect::Absent
            } else {
                Expect::ModRevision(rev)
            },
        };
        let del = |k: &str, rev: i64| Write {
            etcd_key: k.into(),
            value: None,
            old: None,
            expect: Expect::ModRevision(rev),
        };
        let changes = [put("a", "new", 5), put("b", "b", 0), del("c", 3)];
        let got = |v: &str, r: i64| Some((v.as_bytes().to_vec(), r));
        // Applied: new values at one new revision, the deleted key gone.
        let applied = judge_outcome(&changes, &[got("new", 9), got("b", 9), None], 12);
        assert!(matches!(applied, Outcome::Applied { revision: 9 }));
        // Not applied: every key where the write expected it.
        let not = judge_outcome(&changes, &[got("old", 5), None, got("c", 3)], 12);
        assert!(matches!(not, Outcome::NotApplied));
        // Someone else moved a key: cannot tell.
        let other = judge_outcome(&changes, &[got("theirs", 10), None, got("c", 3)], 12);
        assert!(matches!(other, Outcome::Unknown));
        let split = judge_outcome(&changes, &[got("new", 9), got("b", 10), None], 12);
        assert!(matches!(split, Outcome::Unknown));
        // Deletes alone: applied at a revision at or after the write.
        let gone = judge_outcome(&[del("c", 3)], &[None], 12);
        assert!(matches!(gone, Outcome::Applied { revision: 12 }));
    }
}
