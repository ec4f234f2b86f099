//! Fitting writes into etcd transactions: at most `--max-txn-ops`
//! operations and `--max-request-bytes` bytes each. A key's writes (a
//! respelling deletes the old spelling too) always share one transaction.

use super::budget::{ops_of, request_bytes, Limits, GUARD_BYTES, RECORD_OPS};
use crate::changes::history::{self, Intent};
use crate::store::{Change, Guard, Store, StoreError};

/// Why a change does not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error(
        "the change needs {ops} operations in one transaction, more than etcd allows ({limit}, its --max-txn-ops)"
    )]
    TooManyOps { ops: usize, limit: usize },
    #[error("the change is about {bytes} bytes in one transaction, more than etcd accepts in one request ({limit}, its --max-request-bytes)")]
    TooLarge { bytes: usize, limit: usize },
    #[error("the writes of {key} alone ({ops} operations, about {bytes} bytes) do not fit in one transaction")]
    KeyTooLarge { key: String, ops: usize, bytes: usize },
}

/// The whole change as one transaction (with `guards` extra compares and
/// reads), or why it cannot be one.
pub fn fits(writes: &[Change], guards: usize, limits: Limits) -> Result<(), BatchError> {
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
pub fn batches(groups: Vec<Vec<Change>>, guards: usize, limits: Limits) -> Result<Vec<Vec<Change>>, BatchError> {
    let room_ops = limits.ops.saturating_sub(guards.max(RECORD_OPS)).max(1);
    let room_bytes = limits.bytes.saturating_sub(guards * GUARD_BYTES);
    let mut out: Vec<Vec<Change>> = Vec::new();
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
pub fn transactions(
    groups: Vec<Vec<Change>>,
    guards: usize,
    limits: Limits,
    allow_batches: bool,
) -> Result<Vec<Vec<Change>>, BatchError> {
    let writes: Vec<Change> = groups.iter().flatten().cloned().collect();
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
    pub index: usize,
    pub total: usize,
    #[source]
    pub source: StoreError,
}

fn written_before(n: usize) -> String {
    match n {
        0 => "no batch was written before it".to_string(),
        1 => "1 batch was written before it".to_string(),
        n => format!("{n} batches were written before it"),
    }
}

/// Write each batch in its own transaction with its own record (batch n
/// of total), in order, each also requiring `guards`; `written` hears of
/// each batch written (its index and revision). Stops at the first batch
/// that is not written.
pub async fn commit_batches(
    store: &Store,
    batches: &[Vec<Change>],
    guards: &[Guard],
    intent: &Intent,
    limits: Limits,
    mut written: impl FnMut(usize, i64, &[Change]),
) -> Result<(), BatchFailed> {
    for (index, b) in batches.iter().enumerate() {
        let intent = intent.batch(index, batches.len());
        match history::commit(store, b, guards, &intent, limits).await {
            Ok(revision) => written(index, revision, b),
            Err(source) => {
                return Err(BatchFailed {
                    index,
                    total: batches.len(),
                    source,
                })
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Expect;

    fn put(key: &str, size: usize) -> Change {
        Change {
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
