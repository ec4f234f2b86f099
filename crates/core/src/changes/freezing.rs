//! Freezing and unfreezing a prefix or a whole etcd cluster: the recorded change that writes the
//! freeze entry ([`crate::changes::freeze`]) through
//! [`crate::changes::commit`].

use std::time::SystemTime;

use super::budget::Limits;
use super::commit::{Batching, Change, CommitError};
use super::freeze::{read, write, Scope};
use super::intent::Intent;
use crate::store::Store;

/// Freeze the prefix or its cluster until `ends`, or (`None`) unfreeze
/// it: a recorded change through [`crate::changes::commit`] (the entry
/// compare-and-swapped against the one read), kept in the store prefix's
/// history. Returns its revision.
pub async fn set(store: &Store, scope: Scope, ends: Option<SystemTime>, intent: &Intent) -> Result<i64, CommitError> {
    let (_, mod_revision) = read(store, scope).await?;
    let mut intent = intent.clone();
    intent.command.ends = ends.map(|t| humantime::format_rfc3339_seconds(t).to_string());
    intent.command.whole_cluster = scope == Scope::Cluster;
    let write = write(store, scope, ends, &intent, mod_revision);
    let change = Change::of_groups(Vec::new(), Vec::new()).with_beside(vec![write]);
    let fitted = change.fit(&intent, Limits::default(), Batching::Never)?;
    Ok(fitted.commit(store, |_| {}).await?.unwrap_or_default())
}
