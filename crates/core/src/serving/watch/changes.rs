//! What subscribers receive: one change set per etcd revision, and notices
//! of what the client refused or could not do.

use std::sync::Arc;

use crate::model::document::ConstrainedValue;
use crate::model::finding::Finding;
use crate::model::key::Key;

/// What happened to a key in a change set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateKind {
    /// The key was written.
    Put,
    /// The key was deleted.
    Delete,
}

/// One key's change within a change set.
#[derive(Clone, Debug)]
pub struct KeyUpdate {
    pub key: Key,
    pub etcd_key: String,
    pub kind: UpdateKind,
    pub old: Option<Arc<Vec<ConstrainedValue>>>,
    pub new: Option<Arc<Vec<ConstrainedValue>>>,
}

/// Why a change set was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Events of one etcd revision.
    Watch,
    /// The net change found by reloading the prefix after a compaction.
    Reload { compacted_at: i64 },
}

/// The changes of one etcd revision (or one reload), in revision order.
#[derive(Clone, Debug)]
pub struct ChangeSet {
    pub revision: i64,
    pub cause: Cause,
    pub updates: Vec<KeyUpdate>,
}

/// What the client went through, for operators.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The stream broke; the client keeps trying to watch again from
    /// `from_revision` (one notice per outage, not per attempt).
    Interrupted { reason: String, from_revision: i64 },
    /// Watching again after an interruption: etcd accepted the watch.
    Resumed { from_revision: i64 },
    /// History was compacted past what the client had seen: it reloaded.
    Reloaded {
        compacted_at: i64,
        revision: i64,
        changed: usize,
    },
    /// A stored value was refused; the key keeps its last good value.
    Invalid { etcd_key: String, findings: Vec<Finding> },
    /// The watch cannot go on (a permission was refused): not retried.
    Fatal { reason: String },
}
