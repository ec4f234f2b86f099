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
    /// The key as stored (its spelling under the prefix).
    pub key: Key,
    /// Its etcd key, prefix included.
    pub etcd_key: String,
    /// Written or deleted.
    pub kind: UpdateKind,
    /// The items it served before (`None`: it was not set).
    pub old: Option<Arc<Vec<ConstrainedValue>>>,
    /// The items it serves now (`None`: deleted).
    pub new: Option<Arc<Vec<ConstrainedValue>>>,
}

/// Why a change set was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Events of one etcd revision.
    Watch,
    /// The net change found by reloading the prefix after a compaction.
    Reload {
        /// The compaction revision that made the reload necessary.
        compacted_at: i64,
    },
}

/// The changes of one etcd revision (or one reload), in revision order.
#[derive(Clone, Debug)]
pub struct ChangeSet {
    /// The etcd revision it brings the cache to.
    pub revision: i64,
    /// A watch event, or a reload.
    pub cause: Cause,
    /// Each key that changed, in key order; a key written again with the
    /// same items is not one.
    pub updates: Vec<KeyUpdate>,
}

/// What the client went through, for operators.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The stream broke; the client keeps trying to watch again from
    /// `from_revision` (one notice per outage, not per attempt).
    Interrupted {
        /// What broke it, as a sentence.
        reason: String,
        /// The revision the client watches again from.
        from_revision: i64,
    },
    /// Watching again after an interruption: etcd accepted the watch.
    Resumed {
        /// The revision it watches from.
        from_revision: i64,
    },
    /// History was compacted past what the client had seen: it reloaded.
    Reloaded {
        /// The compaction revision.
        compacted_at: i64,
        /// The revision reloaded at.
        revision: i64,
        /// How many keys changed while the client was away.
        changed: usize,
    },
    /// A stored value was refused; the key keeps its last good value (or its
    /// default when it has none).
    Invalid {
        /// The etcd key of the refused value.
        etcd_key: String,
        /// Why it is refused (see `temporal::validate::stored_value_errors`).
        findings: Vec<Finding>,
    },
    /// The watch cannot go on (a permission was refused): not retried.
    Fatal {
        /// Why, as a sentence.
        reason: String,
    },
}
