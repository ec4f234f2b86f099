//! What a change costs in one etcd transaction, computed one way for every
//! writer: the operations and bytes of its writes and guards, against the
//! server's limits. `batch` decides the transactions by it, `history` the
//! room left for the change record.

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

/// About what one change adds to a transaction's request (protobuf): its
/// compare, its write and its read on failure each carry the key, the write
/// carries the value, and each has a few bytes of framing and fields. (Its
/// record takes what room is left: see [`crate::changes::history`].)
pub fn request_bytes(c: &Change) -> usize {
    3 * c.etcd_key.len() + c.value.as_ref().map_or(0, String::len) + 24
}

/// The operations of a transaction's longest list: its compares (a write's
/// and the guards'), its writes with the record's put and prune, or its
/// reads on failure.
pub fn ops_of(writes: usize, guards: usize) -> usize {
    writes + guards.max(RECORD_OPS)
}

/// The record's put and the pruning of old records.
pub const RECORD_OPS: usize = 2;

/// What one guard (a compare and its read on failure) adds to a request.
pub const GUARD_BYTES: usize = 64;

/// About the bytes of a transaction of `writes` with `guards` guards,
/// before its record.
pub fn bytes_of(writes: &[Change], guards: usize) -> usize {
    writes.iter().map(request_bytes).sum::<usize>() + guards * GUARD_BYTES
}
