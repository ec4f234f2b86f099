//! Changes to a prefix: one key's edits, whole-prefix plans and their
//! effect, saved plans, syncing prefixes and clusters, migrating through a
//! Temporal upgrade, reviewing a change (findings no single file can show),
//! and committing them, the one way tcfg writes ([`commit`]): fitted into
//! etcd transactions, each with the record that says who made it and why.
pub mod budget;
pub mod buffer;
pub mod commit;
pub mod edit;
pub mod effect;
pub mod freeze;
pub mod freezing;
pub mod intent;
pub mod log;
pub mod migrate;
pub mod overrides;
pub mod plan;
pub mod record;
pub mod review;
pub mod saved;
pub mod sync;
pub mod undo;
