//! What a change costs in one etcd transaction, computed one way for every
//! writer: the operations and bytes of its writes and guards, against the
//! server's limits. [`crate::changes::commit`] decides the transactions by
//! it, and the room left in each for the change record.

use std::time::SystemTime;

use super::intent::Intent;
use crate::store::Write;

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
/// record takes what room is left: see [`record_bytes`].)
pub fn request_bytes(c: &Write) -> usize {
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
pub fn bytes_of(writes: &[Write], guards: usize) -> usize {
    writes.iter().map(request_bytes).sum::<usize>() + guards * GUARD_BYTES
}

/// The bytes each transaction keeps for its change record beside the
/// keys' part of it: the record without keys as `intent` makes it (author,
/// message, command), with room for what fitting fills in (the batch
/// number, the counts of digested and omitted keys) and for framing.
pub fn record_bytes(intent: &Intent) -> usize {
    const FILLED_IN: usize = 4 * 20 + 64;
    intent.record(&[], SystemTime::UNIX_EPOCH).to_json().len() + FILLED_IN + 256
}
