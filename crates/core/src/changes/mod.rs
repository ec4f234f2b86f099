//! Changes to a prefix: one key's edits, whole-prefix plans, saved plans,
//! and fitting their writes into etcd transactions.

pub mod batch;
pub mod edit;
pub mod plan;
pub mod saved;
