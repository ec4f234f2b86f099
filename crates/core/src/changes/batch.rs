//! Fitting writes into etcd transactions: at most `--max-txn-ops`
//! operations and `--max-request-bytes` bytes each. A key's writes (a
//! respelling deletes the old spelling too) always share one transaction.

use crate::store::Change;

/// What the server accepts in one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// etcd's `--max-txn-ops` (128 by default), counted per list of the
    /// transaction (its compares, its writes, its reads on failure).
    pub ops: usize,
    /// etcd's `--max-request-bytes` (1.5 MiB by default).
    pub bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            ops: 128,
            bytes: 1536 * 1024,
        }
    }
}

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

/// About what one change adds to a transaction's request (protobuf): its
/// compare, its write and its read on failure each carry the key, the write
/// carries the value, and each has a few bytes of framing and fields.
pub fn request_bytes(c: &Change) -> usize {
    3 * c.etcd_key.len() + c.value.as_ref().map_or(0, String::len) + 24
}

/// The whole change as one transaction (with `guards` extra compares and
/// reads), or why it cannot be one.
pub fn fits(writes: &[Change], guards: usize, limits: Limits) -> Result<(), BatchError> {
    let ops = writes.len() + guards;
    if ops > limits.ops {
        return Err(BatchError::TooManyOps { ops, limit: limits.ops });
    }
    let bytes: usize = writes.iter().map(request_bytes).sum::<usize>() + guards * 64;
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
    let room_ops = limits.ops.saturating_sub(guards).max(1);
    let room_bytes = limits.bytes.saturating_sub(guards * 64);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Expect;

    fn put(key: &str, size: usize) -> Change {
        Change {
            etcd_key: key.into(),
            value: Some("x".repeat(size)),
            expect: Expect::Absent,
        }
    }

    #[test]
    fn batches_respect_operations_and_bytes_and_keep_keys_whole() {
        let limits = Limits { ops: 4, bytes: 1000 };
        let groups = vec![
            vec![put("a", 10)],
            vec![put("b", 10), put("B", 10)],
            vec![put("c", 10)],
            vec![put("d", 10)],
        ];
        let b = batches(groups, 1, limits).unwrap();
        let sizes: Vec<usize> = b.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 2], "at most 3 writes beside the guard");
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
}
