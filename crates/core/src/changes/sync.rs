//! `sync`: make target prefixes hold what a source prefix holds, on the same
//! etcd or on other etcd clusters.
//!
//! The source is read once, at one revision. Each target is planned against
//! its own state and written in one transaction of its own, guarded by its
//! keys' mod revisions and by its prefix not having changed since it was
//! read. A target on the source's etcd is also guarded by the source: the
//! transaction fails if the source moved. Across clusters no transaction
//! can span both, so after writing the source is read again and a change
//! meanwhile is reported (the targets then hold the older state, which a
//! second sync brings up to date). Targets are independent: they are read
//! and written concurrently, and one that is down or refuses does not stop
//! the others.

use futures_util::future::join_all;

use super::budget::Limits;
use super::commit::{Batching, Change, CommitError, Fitted};
use super::intent::Intent;
use super::plan::{plan, Plan, PlanOptions};
use crate::store::{Guard, Snapshot, Store, StoreError};
use crate::temporal::registry::Registry;

/// A prefix on a cluster, with the name messages give it (`eu-west:/p/`).
#[derive(Clone)]
pub struct Side {
    /// Its name in messages.
    pub name: String,
    /// The store of the prefix.
    pub store: Store,
}

/// A target, read and planned, or why it could not be.
pub struct Target {
    /// Its name in messages.
    pub name: String,
    /// `None`: its cluster could not be connected to (see `state`).
    pub store: Option<Store>,
    /// Its state and plan, or why it could not be read.
    pub state: Result<Planned, StoreError>,
}

/// A target as read, what would make it hold the source, and that change
/// reviewed and guarded.
pub struct Planned {
    /// The target as read.
    pub snapshot: Snapshot,
    /// What makes it hold the source.
    pub plan: Plan,
    /// Guarded by the target not having changed since it was read, and, on
    /// the source's etcd, by the source not having changed either.
    pub change: Change,
}

/// What a sync would do.
pub struct SyncPlan {
    /// The source.
    pub source: Side,
    /// The source, at the revision it was read at.
    pub snapshot: Snapshot,
    /// Every target, in the order given.
    pub targets: Vec<Target>,
}

/// What became of one target.
#[derive(Debug)]
pub enum Outcome {
    /// Already identical to the source: nothing written.
    InSync,
    /// Written in one transaction at this revision.
    Written {
        /// The revision it landed at.
        revision: i64,
    },
    /// Not read, not written, or refused; nothing of it was written.
    Failed(StoreError),
}

impl Outcome {
    /// Whether the target was not written (not read, refused or failed).
    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed(_))
    }
}

impl SyncPlan {
    /// Read the source, then every target (concurrently), and plan each.
    /// An unreadable source fails the whole; an unreadable target only
    /// itself.
    pub async fn make(
        source: Side,
        targets: Vec<(String, Result<Store, StoreError>)>,
        registry: &Registry,
        opts: PlanOptions,
    ) -> Result<SyncPlan, StoreError> {
        let snapshot = source.store.snapshot(registry, None).await?;
        let desired = snapshot.document();
        let (source, source_revision) = (&source, snapshot.revision);
        let reading = targets.into_iter().map(|(name, store)| {
            let desired = &desired;
            async move {
                let (store, state) = match store {
                    Err(e) => (None, Err(e)),
                    Ok(store) => {
                        let state = store.snapshot(registry, None).await.map(|snapshot| {
                            let plan = plan(desired, &snapshot, registry, opts);
                            let mut change = Change::of_plan(&plan, &snapshot, registry);
                            for g in guards(&store, snapshot.revision, &source.store, source_revision) {
                                change = change.guarded(g);
                            }
                            Planned { snapshot, plan, change }
                        });
                        (Some(store), state)
                    }
                };
                Target { name, store, state }
            }
        });
        let targets = join_all(reading).await;
        Ok(SyncPlan {
            source: source.clone(),
            snapshot,
            targets,
        })
    }

    /// Targets that differ from the source (readable ones only).
    pub fn drifted(&self) -> usize {
        self.targets
            .iter()
            .filter(|t| matches!(&t.state, Ok(p) if !p.plan.is_empty()))
            .count()
    }

    /// Targets that could not be read.
    pub fn unreadable(&self) -> usize {
        self.targets.iter().filter(|t| t.state.is_err()).count()
    }

    /// Every drifted target's change fitted, each in one transaction (a
    /// sync never writes a target in parts), or the first target refused
    /// (errors in its review, or too large) and why. Nothing is written
    /// anywhere before every target is fitted.
    pub fn fit(self, intent: &Intent, limits: Limits) -> Result<FittedSync, Box<(String, CommitError)>> {
        let mut targets = Vec::with_capacity(self.targets.len());
        for t in self.targets {
            let state = match t.state {
                Err(e) => Err(e),
                Ok(p) if p.plan.is_empty() => Ok(None),
                Ok(p) => match p.change.fit(intent, limits, Batching::Never) {
                    Ok(f) => Ok(Some(f)),
                    Err(e) => return Err(Box::new((t.name, e))),
                },
            };
            targets.push(FittedTarget {
                name: t.name,
                store: t.store,
                state,
            });
        }
        Ok(FittedSync {
            source: self.source,
            snapshot: self.snapshot,
            targets,
        })
    }
}

/// A sync ready to write: each target's change fitted (`None`: in sync).
pub struct FittedSync {
    source: Side,
    snapshot: Snapshot,
    targets: Vec<FittedTarget>,
}

struct FittedTarget {
    name: String,
    store: Option<Store>,
    /// `None`: in sync.
    state: Result<Option<Fitted>, StoreError>,
}

impl FittedSync {
    /// Write every drifted target, concurrently, each in one transaction
    /// with its change record.
    pub async fn write(self) -> Written {
        let writing = self
            .targets
            .into_iter()
            .map(|FittedTarget { name, store, state }| async move {
                let outcome = match (&store, state) {
                    (_, Err(e)) => Outcome::Failed(e),
                    (_, Ok(None)) => Outcome::InSync,
                    (None, Ok(Some(_))) => Outcome::Failed(StoreError::Other("not connected".into())),
                    (Some(s), Ok(Some(fitted))) => match fitted.commit(s, |_| {}).await {
                        Ok(Some(revision)) => Outcome::Written { revision },
                        Ok(None) => Outcome::InSync,
                        Err(CommitError::Store(e)) => Outcome::Failed(e),
                        Err(e) => Outcome::Failed(StoreError::Other(e.to_string())),
                    },
                };
                (name, store, outcome)
            });
        let outcomes = join_all(writing).await;
        Written {
            source: self.source,
            snapshot: self.snapshot,
            outcomes,
        }
    }
}

/// A sync written: what became of each target, in target order.
pub struct Written {
    /// The source.
    pub source: Side,
    /// The source as it was read.
    pub snapshot: Snapshot,
    /// Each target's name, store (when connected) and outcome.
    pub outcomes: Vec<(String, Option<Store>, Outcome)>,
}

impl Written {
    /// Whether the source changed while the targets were written: the
    /// targets written hold the state it had when it was read.
    pub async fn source_moved(&self) -> Result<bool, StoreError> {
        source_moved(&self.source.store, &self.snapshot).await
    }
}

/// A target's transaction holds only if the target did not change since it
/// was read, and, on the source's etcd, the source did not either.
fn guards(target: &Store, read_at: i64, source: &Store, source_revision: i64) -> Vec<Guard> {
    let mut guards = vec![Guard::Unchanged {
        prefix: target.prefix().clone(),
        since: read_at,
    }];
    if target.same_cluster(source) {
        guards.push(Guard::Unchanged {
            prefix: source.prefix().clone(),
            since: source_revision,
        });
    }
    guards
}

/// Whether the source changed after `snapshot` was read: a key created,
/// changed or deleted under its prefix.
pub async fn source_moved(source: &Store, snapshot: &Snapshot) -> Result<bool, StoreError> {
    let prefix = source.prefix().clone();
    let (changed, total) = source.changed_since(&prefix, snapshot.revision).await?;
    Ok(changed > 0 || total != (snapshot.keys.len() + snapshot.foreign.len()) as i64)
}
