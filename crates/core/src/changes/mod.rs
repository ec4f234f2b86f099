//! Changes to a prefix: one key's edits, whole-prefix plans and their
//! effect, saved plans, syncing prefixes and clusters, migrating through a
//! Temporal upgrade, reviewing a change (findings no single file can show),
//! fitting their writes into etcd transactions, and the records that say
//! who made each change and why.
pub mod batch;
pub mod budget;
pub mod edit;
pub mod effect;
pub mod history;
pub mod log;
pub mod migrate;
pub mod plan;
pub mod record;
pub mod review;
pub mod saved;
pub mod sync;
pub mod undo;
