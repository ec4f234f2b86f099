//! The one way tcfg writes dynamic config, for every writer (apply, put,
//! delete, sync, revert, rollback, saved plans, the library's
//! `Client::write`):
//!
//! 1. a [`Change`] is made from a plan, and its review runs then
//!    ([`crate::changes::review`]);
//! 2. [`Change::fit`] refuses it when the review found errors, and decides
//!    its transactions against the server's limits (the budget of
//!    [`crate::changes::budget`], computed here once);
//! 3. [`Fitted::commit`] writes each transaction with its change record
//!    (no change without its record, no record without its change), every
//!    write compare-and-swap, the whole guarded, and prunes the records past
//!    retention in the same transaction.
//!
//! Only this module calls the store's transaction write (crate-private),
//! and a test reads every source file of the workspace to keep it so.

use std::time::SystemTime;

use super::budget::{bytes_of, ops_of, record_bytes, request_bytes, Limits, GUARD_BYTES, RECORD_OPS};
use super::intent::{check_message_rule, Intent};
use super::plan::Plan;
use crate::model::finding::{Finding, Level};
use crate::store::{Guard, RecordWrite, Snapshot, Store, StoreError, Write};
use crate::temporal::registry::Registry;

/// A change to one prefix: its writes (grouped by key: a key's writes, a
/// respelling deletes the old spelling too, always share a transaction),
/// what else must still hold when they land, and what its review found.
#[derive(Clone, Debug)]
pub struct Change {
    groups: Vec<Vec<Write>>,
    /// tcfg's own entries beside the prefix (an override's), written in the
    /// same transaction as the config writes.
    beside: Vec<Write>,
    guards: Vec<Guard>,
    findings: Vec<Finding>,
}

/// Whether a change too large for one transaction may be written in
/// several (each atomic, the whole not).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Batching {
    /// One transaction or nothing.
    #[default]
    Never,
    /// As few transactions of whole keys as fit.
    WhenTooLarge,
}

impl Change {
    /// The change that applies `plan`, reviewed against `current`, the
    /// state it was planned from.
    pub fn of_plan(plan: &Plan, current: &Snapshot, registry: &Registry) -> Change {
        Change {
            groups: plan.write_groups(),
            beside: Vec::new(),
            guards: Vec::new(),
            findings: super::review::review(plan, current, registry),
        }
    }

    /// Writes checked elsewhere (a saved plan's, checked against the
    /// prefix), with what reviewing them found.
    pub(crate) fn of_groups(groups: Vec<Vec<Write>>, findings: Vec<Finding>) -> Change {
        Change {
            groups,
            beside: Vec::new(),
            guards: Vec::new(),
            findings,
        }
    }

    /// This change with writes of tcfg's own entries beside the prefix
    /// (under [`Store::overrides_prefix`]) landing with it: a change with
    /// only those is still written, with its record.
    pub fn with_beside(mut self, writes: Vec<Write>) -> Change {
        self.beside.extend(writes);
        self
    }

    /// This change, holding only if `guard` still holds when it lands.
    pub fn guarded(mut self, guard: Guard) -> Change {
        self.guards.push(guard);
        self
    }

    /// What the review found: errors refuse the change, warnings are for
    /// the writer to see.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many of the findings are errors.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.level == Level::Error).count()
    }

    /// Whether it writes nothing.
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(Vec::is_empty) && self.beside.is_empty()
    }

    /// Every write, in order.
    pub fn writes(&self) -> impl Iterator<Item = &Write> {
        self.groups.iter().flatten()
    }

    /// The transactions this change is written in, or why it is not
    /// written at all: errors in its review, or a size the server refuses
    /// (in one transaction, or, with [`Batching::WhenTooLarge`], a key too
    /// large for any). The record's own bytes are reserved in each.
    pub fn fit(self, intent: &Intent, limits: Limits, batching: Batching) -> Result<Fitted, CommitError> {
        let errors = self.errors();
        if errors > 0 {
            return Err(CommitError::Refused { errors });
        }
        let room = Limits {
            ops: limits.ops.saturating_sub(self.beside.len()),
            bytes: limits
                .bytes
                .saturating_sub(record_bytes(intent) + self.beside.iter().map(request_bytes).sum::<usize>()),
        };
        let groups: Vec<Vec<Write>> = self.groups.into_iter().filter(|g| !g.is_empty()).collect();
        let transactions = if groups.is_empty() {
            // Entries alone (an override extended or found superseded).
            if self.beside.is_empty() {
                Vec::new()
            } else {
                vec![Vec::new()]
            }
        } else {
            // An entry belongs with its key's writes: one transaction.
            let batching = if self.beside.is_empty() {
                batching
            } else {
                Batching::Never
            };
            // Every transaction is also guarded on the freeze entries (the
            // prefix's and the cluster's).
            transactions(groups, self.guards.len() + 2, room, batching == Batching::WhenTooLarge)?
        };
        Ok(Fitted {
            transactions,
            beside: self.beside,
            guards: self.guards,
            intent: intent.clone(),
            limits,
        })
    }
}

/// A change ready to write: refused by nothing, split into transactions
/// that fit.
#[derive(Clone, Debug)]
pub struct Fitted {
    transactions: Vec<Vec<Write>>,
    beside: Vec<Write>,
    guards: Vec<Guard>,
    intent: Intent,
    limits: Limits,
}

/// A transaction of a change written: its place among them, its revision
/// and its writes.
#[derive(Clone, Copy, Debug)]
pub struct Committed<'a> {
    /// From 0.
    pub index: usize,
    /// How many transactions in all.
    pub total: usize,
    /// The revision it landed at.
    pub revision: i64,
    /// Its writes.
    pub writes: &'a [Write],
}

impl Fitted {
    /// How many transactions it takes (0: nothing to write).
    pub fn transactions(&self) -> usize {
        self.transactions.len()
    }

    /// Write it: each transaction with its own record (batch n of total
    /// when there are several), in order, each requiring the guards;
    /// `written` hears of each transaction written. Stops at the first that
    /// is not written. Returns the last revision written (`None`: nothing
    /// to write).
    pub async fn commit(
        self,
        store: &Store,
        mut written: impl FnMut(Committed<'_>),
    ) -> Result<Option<i64>, CommitError> {
        let total = self.transactions.len();
        let mut last = None;
        for (index, writes) in self.transactions.iter().enumerate() {
            let intent = self.intent.batch(index, total);
            // Entries beside the prefix are written with the first
            // transaction (there is one whenever there are entries).
            let beside: &[Write] = if index == 0 { &self.beside } else { &[] };
            match commit_one(store, writes, beside, &self.guards, &intent, self.limits).await {
                Ok(revision) => {
                    last = Some(revision);
                    written(Committed {
                        index,
                        total,
                        revision,
                        writes,
                    });
                }
                Err(source) if total == 1 => return Err(CommitError::Store(source)),
                Err(source) => return Err(CommitError::Batch(BatchFailed { index, total, source })),
            }
        }
        Ok(last)
    }
}

/// Why a change was not written (or, for a batch, may not have been).
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Its review found errors.
    #[error("the change has {}", if *.errors == 1 { "an error".to_string() } else { format!("{} errors", .errors) })]
    Refused {
        /// How many errors.
        errors: usize,
    },
    /// It does not fit the server's limits.
    #[error(transparent)]
    DoesNotFit(#[from] BatchError),
    /// Its one transaction was refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// One of its batches was not written.
    #[error(transparent)]
    Batch(#[from] BatchFailed),
}

/// Why a change does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error(
        "the change needs {ops} operations in one transaction, more than etcd allows ({limit}, its --max-txn-ops)"
    )]
    /// More operations than `--max-txn-ops` allows.
    TooManyOps {
        /// The operations it needs.
        ops: usize,
        /// The server's limit.
        limit: usize,
    },
    #[error("the change is about {bytes} bytes in one transaction, more than etcd accepts in one request ({limit}, its --max-request-bytes)")]
    /// More bytes than `--max-request-bytes` allows.
    TooLarge {
        /// About the bytes it needs.
        bytes: usize,
        /// The server's limit.
        limit: usize,
    },
    #[error("the writes of {key} alone ({ops} operations, about {bytes} bytes) do not fit in one transaction")]
    /// One key's writes alone do not fit any transaction.
    KeyTooLarge {
        /// The key.
        key: String,
        /// The operations its writes need.
        ops: usize,
        /// About their bytes.
        bytes: usize,
    },
}

/// The whole change as one transaction (with `guards` extra compares and
/// reads), or why it cannot be one.
fn fits(writes: &[Write], guards: usize, limits: Limits) -> Result<(), BatchError> {
    let ops = ops_of(writes.len(), guards);
    if ops > limits.ops {
        return Err(BatchError::TooManyOps { ops, limit: limits.ops });
    }
    let bytes = super::budget::bytes_of(writes, guards);
    if bytes > limits.bytes {
        return Err(BatchError::TooLarge {
            bytes,
            limit: limits.bytes,
        });
    }
    Ok(())
}

/// Split groups of writes (one group per key, kept whole) into as few
/// transactions as fit, each with room for `guards`.
fn batches(groups: Vec<Vec<Write>>, guards: usize, limits: Limits) -> Result<Vec<Vec<Write>>, BatchError> {
    let room_ops = limits.ops.saturating_sub(guards.max(RECORD_OPS)).max(1);
    let room_bytes = limits.bytes.saturating_sub(guards * GUARD_BYTES);
    let mut out: Vec<Vec<Write>> = Vec::new();
    let (mut ops, mut bytes) = (0, 0);
    for g in groups {
        let (g_ops, g_bytes) = (g.len(), g.iter().map(request_bytes).sum::<usize>());
        if g_ops > room_ops || g_bytes > room_bytes {
            return Err(BatchError::KeyTooLarge {
                key: g.first().map(|c| c.etcd_key.clone()).unwrap_or_default(),
                ops: g_ops,
                bytes: g_bytes,
            });
        }
        if out.is_empty() || ops + g_ops > room_ops || bytes + g_bytes > room_bytes {
            out.push(Vec::new());
            (ops, bytes) = (0, 0);
        }
        ops += g_ops;
        bytes += g_bytes;
        out.last_mut().expect("pushed above").extend(g);
    }
    Ok(out)
}

/// How a change is written: in one transaction when it fits, else, when
/// `allow_batches`, in as few transactions of whole keys as fit (not atomic
/// as a whole: each batch is). `groups` holds each key's writes.
fn transactions(
    groups: Vec<Vec<Write>>,
    guards: usize,
    limits: Limits,
    allow_batches: bool,
) -> Result<Vec<Vec<Write>>, BatchError> {
    let writes: Vec<Write> = groups.iter().flatten().cloned().collect();
    match fits(&writes, guards, limits) {
        Ok(()) => Ok(vec![writes]),
        Err(e) if !allow_batches => Err(e),
        Err(_) => batches(groups, guards, limits),
    }
}

/// A batch that was not written, or may not have been, after `index`
/// batches were.
#[derive(Debug, thiserror::Error)]
#[error("batch {} of {total} {} ({})", .index + 1, if matches!(.source, StoreError::OutcomeUnknown { .. }) { "may or may not have been written" } else { "failed" }, written_before(*.index))]
pub struct BatchFailed {
    /// The batch, from 0.
    pub index: usize,
    /// How many batches in all.
    pub total: usize,
    #[source]
    /// What failed.
    pub source: StoreError,
}

fn written_before(n: usize) -> String {
    match n {
        0 => "no batch was written before it".to_string(),
        1 => "1 batch was written before it".to_string(),
        n => format!("{n} batches were written before it"),
    }
}

/// A record's key: its time (so that age retention is one range delete,
/// and a listing is in time order) and a random tag (two writers in one
/// microsecond).
fn record_key(history: &crate::store::Prefix, time: SystemTime) -> String {
    let mut tag = [0u8; 4];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut tag);
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("{history}{}-{tag}", humantime::format_rfc3339_micros(time))
}

/// Records pruned per write at most: a lowered retention is reached over
/// several writes rather than in one huge transaction.
const PRUNE_MOST: i64 = 1000;

/// Where this write's pruning ends: records older than the age limit, and
/// the oldest beyond the count limit (counting the one about to be
/// written).
async fn prune_point(store: &Store, now: SystemTime) -> Result<Option<String>, StoreError> {
    let settings = &store.settings().history;
    let history = store.history_prefix();
    let mut cut = settings
        .max_age
        .and_then(|age| now.checked_sub(age))
        .map(|t| format!("{history}{}", humantime::format_rfc3339_micros(t)));
    if settings.keep > 0 {
        // The count and the oldest record in one read: at the limit, each
        // write prunes one, and needs no second read.
        let (count, mut keys) = store.keys_under(&history, 1).await?;
        let excess = (count + 1 - settings.keep as i64).min(PRUNE_MOST);
        if excess > 1 {
            keys = store.keys_under(&history, excess).await?.1;
        }
        if excess > 0 {
            if let Some(last) = keys.last() {
                let end = format!("{last}\0");
                cut = Some(cut.map_or(end.clone(), |c| c.max(end)));
            }
        }
    }
    Ok(cut)
}

/// Write `changes` (guarded by `guards`) and their record in one
/// transaction; `limits` are the server's, the record is fitted to what
/// the changes leave. Returns the change's revision.
async fn commit_one(
    store: &Store,
    changes: &[Write],
    beside: &[Write],
    guards: &[Guard],
    intent: &Intent,
    limits: Limits,
) -> Result<i64, StoreError> {
    let history = store.history_prefix();
    check_message_rule(store.settings(), intent.message.as_deref())?;
    let now = SystemTime::now();
    // A freeze refuses the write, unless the write goes ahead of freezes;
    // either way the write holds only while the freezes are as read.
    let mut guards = guards.to_vec();
    guards.extend(super::freeze::check(store, intent, now).await?);
    let guards = guards.as_slice();
    let key = record_key(&history, now);
    let prune_before = match prune_point(store, now).await {
        Err(e @ StoreError::PermissionDenied { .. }) => return Err(diagnose(store, e, changes, &key).await),
        other => other?,
    };
    let mut record = intent.record(changes, now);
    // The user this store logs in as: a sync across clusters writes each
    // cluster as the user its settings name.
    record.author.etcd_user = store.settings().user.clone();
    record.prefix = Some(store.prefix().to_string());
    let used = bytes_of(changes, guards.len()) + beside.iter().map(request_bytes).sum::<usize>();
    let room = limits.bytes.saturating_sub(
        used + 3 * key.len() + prune_before.as_ref().map_or(0, |p| p.len() + history.as_str().len()) + 64,
    );
    if !record.fit(room) {
        tracing::warn!(
            key,
            room,
            "the change record does not fit beside its change; etcd may refuse the write"
        );
    }
    let write = RecordWrite {
        key,
        value: record.to_json(),
        prune_before,
    };
    match store.commit_recorded(changes, beside, guards, &write).await {
        Err(e @ StoreError::PermissionDenied { .. }) => Err(diagnose(store, e, changes, &write.key).await),
        other => other,
    }
}

/// A refused write names every permission it lacks: on the config prefix,
/// and on the history prefix (tcfg never changes config without its
/// record, and reads the records to prune them). Each is asked of etcd
/// without writing anything.
async fn diagnose(store: &Store, refused: StoreError, changes: &[Write], record_key: &str) -> StoreError {
    let history = store.history_prefix();
    let config_ok = match changes.first() {
        Some(c) => store.may_write(&c.etcd_key).await.unwrap_or(true),
        None => true,
    };
    let read_ok = !matches!(
        store.keys_under(&history, 0).await,
        Err(StoreError::PermissionDenied { .. })
    );
    let write_ok = store.may_write(record_key).await.unwrap_or(true);
    let history_access = match (read_ok, write_ok) {
        (true, true) => None,
        (false, true) => Some("read"),
        (true, false) => Some("write"),
        (false, false) => Some("read or write"),
    };
    match (config_ok, history_access) {
        (true, None) => refused,
        (true, Some(access)) => StoreError::HistoryDenied {
            user: store.settings().user.clone().unwrap_or_default(),
            history: history.to_string(),
            access,
        },
        (false, history_access) => StoreError::PermissionDenied {
            what: format!("writing under {}", store.prefix()),
            hint: match history_access {
                None => "the user needs write permission on this prefix".into(),
                Some(_) => format!(
                    "the user needs write permission on this prefix, and readwrite on the history prefix {history}, where tcfg records every change"
                ),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Expect;

    /// Where etcd write operations may be built, and why: the store's
    /// transaction (config and its record, only for this module), the
    /// renderers' own status records (their key under the renderers prefix,
    /// on a lease), and the permission probe (a put whose compare never
    /// holds, so etcd never runs it).
    const WRITERS: [(&str, usize); 3] = [
        ("crates/core/src/store/write.rs", 4),
        ("crates/core/src/serving/status.rs", 3),
        ("crates/core/src/store/history.rs", 1),
    ];

    #[test]
    fn only_this_module_reaches_the_stores_write() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("crates/core/src"), root.join("src")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 50, "the sources were found: {}", files.len());
        let mut found = Vec::new();
        for path in &files {
            let name = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(path).unwrap();
            // The code, without its comments and its tests.
            let code: String = without_tests(&text)
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let calls = code.matches(".commit_recorded(").count();
            if calls > 0 && name != "crates/core/src/changes/commit.rs" {
                found.push(format!("{name} calls the store's write {calls} times"));
            }
            let ops = ["TxnOp::put(", "TxnOp::delete(", ".put(", ".delete("]
                .iter()
                .map(|w| code.matches(w).count())
                .sum::<usize>();
            let allowed = WRITERS.iter().find(|(f, _)| *f == name).map_or(0, |(_, n)| *n);
            if ops != allowed {
                found.push(format!("{name} builds {ops} etcd writes (allowed: {allowed})"));
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    /// `text` without its `#[cfg(test)]` items (each up to its braces'
    /// close), wherever they are in the file.
    fn without_tests(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("#[cfg(test)]") {
            out.push_str(&rest[..at]);
            let item = &rest[at..];
            let Some(open) = item.find('{') else { break };
            let mut depth = 0;
            let mut end = item.len();
            for (i, c) in item[open..].char_indices() {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    end = open + i + 1;
                    break;
                }
            }
            rest = &item[end..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn a_write_outside_this_module_is_found_after_the_tests_too() {
        let text = "fn a() {}\n#[cfg(test)]\nmod tests { fn t() { s.put(1) } }\nfn b() { s.commit_recorded(x) }\n";
        let code = without_tests(text);
        assert!(!code.contains(".put("), "{code}");
        assert!(code.contains(".commit_recorded("), "{code}");
    }

    fn put(key: &str, size: usize) -> Write {
        Write {
            etcd_key: key.into(),
            value: Some("x".repeat(size)),
            expect: Expect::Absent,
            old: None,
        }
    }

    #[test]
    fn batches_respect_operations_and_bytes_and_keep_keys_whole() {
        // Each transaction also holds its record's put and pruning.
        let limits = Limits { ops: 5, bytes: 1000 };
        let groups = vec![
            vec![put("a", 10)],
            vec![put("b", 10), put("B", 10)],
            vec![put("c", 10)],
            vec![put("d", 10)],
        ];
        let b = batches(groups, 1, limits).unwrap();
        let sizes: Vec<usize> = b.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 2], "at most 3 writes beside the record");
        // Bytes: each value 400 bytes, two fit, not three.
        let groups = (0..5).map(|i| vec![put(&format!("k{i}"), 400)]).collect();
        let b = batches(groups, 0, limits).unwrap();
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
        assert!(matches!(
            batches(vec![vec![put("big", 2000)]], 0, limits),
            Err(BatchError::KeyTooLarge { .. })
        ));
        assert!(matches!(
            fits(&[put("a", 900), put("b", 200)], 0, limits),
            Err(BatchError::TooLarge { .. })
        ));
        assert!(fits(&[put("a", 100)], 1, limits).is_ok());
    }

    #[test]
    fn one_transaction_when_it_fits_batches_only_when_allowed() {
        let limits = Limits { ops: 4, bytes: 1000 };
        let groups = || vec![vec![put("a", 1)], vec![put("b", 1)], vec![put("c", 1)]];
        let small = transactions(vec![vec![put("a", 1)]], 1, limits, false).unwrap();
        assert_eq!(small.len(), 1);
        assert!(matches!(
            transactions(groups(), 0, limits, false),
            Err(BatchError::TooManyOps { ops: 5, limit: 4 })
        ));
        let b = transactions(groups(), 0, limits, true).unwrap();
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn a_failed_batch_says_how_many_were_written_before_it() {
        let e = BatchFailed {
            index: 1,
            total: 3,
            source: StoreError::Rejected {
                reason: "etcd said no".into(),
            },
        };
        assert!(
            e.to_string()
                .starts_with("batch 2 of 3 failed (1 batch was written before it)"),
            "{e}"
        );
    }
}
