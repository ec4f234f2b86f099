//! The watch/cache client a Rust service embeds: load the prefix, watch it,
//! serve lookups from an immutable snapshot swapped atomically, deliver every
//! change set in revision order, and survive every etcd fault.
//!
//! Differences from the seed library, on purpose:
//! - a broken stream is re-watched from the last seen revision + 1 (nothing
//!   is reloaded when nothing was missed);
//! - after a compaction the prefix is reloaded and the *net* change, deletes
//!   included, is delivered as one change set; the old snapshot serves until
//!   the new one is complete, so lookups never see an empty map;
//! - an invalid stored value keeps the key's last good value and is reported,
//!   instead of being served with its bad constraint dropped.

mod cache;
mod changes;
mod client;
mod options;
mod stream;

pub use cache::{Cache, CacheEntry, InvalidValue};
pub use changes::{Cause, ChangeSet, KeyUpdate, Notice, UpdateKind};
pub use client::{Client, ClientError};
pub use options::ClientOptions;
