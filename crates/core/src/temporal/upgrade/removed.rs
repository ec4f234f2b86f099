//! What became of each key an embedded release stopped registering: renamed,
//! replaced or removed, read from Temporal's history
//! (`data/upgrades/removed.tsv`, with the commits that show it).

use std::sync::OnceLock;

use serde::Serialize;

use crate::model::key::fold;
use crate::temporal::registry::{Release, RELEASES};

/// What became of a key an embedded release stopped registering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// The same setting under a new name: its values carry over.
    Renamed,
    /// Another setting does its job; values do not carry over as they are.
    Replaced,
    /// Gone.
    Removed,
}

/// One row of `removed.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// The key as the old release registers it.
    pub key: &'static str,
    /// The first embedded release without the key, as a minor (`1.29`).
    pub removed_in: &'static str,
    /// What replaces it, if anything.
    pub successor: Option<&'static str>,
    /// Renamed, replaced or removed.
    pub fate: Fate,
    /// The commits that show it, in Temporal's repository.
    pub evidence: &'static str,
}

/// Every removal between the embedded releases, oldest first.
pub fn removals() -> &'static [Removal] {
    static ROWS: OnceLock<Vec<Removal>> = OnceLock::new();
    ROWS.get_or_init(|| {
        include_str!("../../../data/upgrades/removed.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (key, removed_in, successor, fate, evidence) =
                    (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                Some(Removal {
                    key,
                    removed_in: removed_in.trim_start_matches('v'),
                    successor: (successor != "-").then_some(successor),
                    fate: match fate {
                        "renamed" => Fate::Renamed,
                        "replaced" => Fate::Replaced,
                        _ => Fate::Removed,
                    },
                    evidence,
                })
            })
            .collect()
    })
}

pub(super) fn order_of_minor(minor: &str) -> Option<usize> {
    RELEASES.iter().position(|r| r.minor() == minor)
}

/// The removals of `key` after `from` up to and including `to`, followed
/// through renames: `component.scheduler.tweakables` from v1.28 to v1.31
/// is two renames.
pub fn fate_of(key: &str, from: &Release, to: &Release) -> Vec<&'static Removal> {
    let (lo, hi) = (from.position(), to.position());
    let mut chain = Vec::new();
    let mut name = fold(key);
    for r in removals() {
        let Some(at) = order_of_minor(r.removed_in) else {
            continue;
        };
        if at > lo && at <= hi && fold(r.key) == name {
            chain.push(r);
            match (r.fate, r.successor) {
                (Fate::Renamed, Some(next)) => name = fold(next),
                _ => break,
            }
        }
    }
    chain
}
