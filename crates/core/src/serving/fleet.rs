//! The state of a fleet of etcd clusters and their config prefixes, as
//! `tcfg status` reports it: each cluster's members and alarms, each
//! prefix's revision, keys, invalid values, compaction floor, fingerprint
//! and drift against the first, and the renderers serving it. Everything is
//! asked at once; nothing in it fails as a whole: what cannot be read is
//! reported as such.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use serde::Serialize;

use crate::changes::plan::{plan, PlanOptions};
use crate::changes::record::sha256;
use crate::model::key::fold;
use crate::model::serialize::document_to_yaml;
use crate::serving::status::{renderers, RendererStatus};
use crate::store::health::ClusterHealth;
use crate::store::{Snapshot, Store, StoreError};
use crate::temporal::registry::Registry;
use crate::temporal::validate::stored_value_errors;

/// A prefix to survey: its cluster's name, the name messages give it, and
/// its store or why its cluster could not be connected to.
pub struct Place {
    /// The cluster's name (`current` for the connection the flags make).
    pub cluster: String,
    /// How messages name the prefix (`eu-west:/p/`).
    pub name: String,
    /// Its store, or why it could not be connected to.
    pub store: Result<Store, StoreError>,
}

/// The whole survey.
#[derive(Debug, Serialize)]
pub struct FleetReport {
    /// Each cluster, once.
    pub clusters: Vec<ClusterReport>,
    /// Each prefix, in the order given.
    pub prefixes: Vec<PrefixReport>,
}

/// One etcd cluster.
#[derive(Debug, Serialize)]
pub struct ClusterReport {
    /// The cluster's name.
    pub name: String,
    /// Why no connection could be made (no member state then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its members' health (`None`: it could not be reached).
    pub health: Option<ClusterHealth>,
}

impl ClusterReport {
    /// Every member answered, one leads, and no alarm is raised.
    pub fn healthy(&self) -> bool {
        match &self.health {
            None => false,
            Some(h) => h.up() == h.members.len() && h.has_leader() && h.alarms().is_empty() && h.alarms_error.is_none(),
        }
    }

    /// Some member answered.
    pub fn reachable(&self) -> bool {
        self.health.as_ref().is_some_and(|h| h.up() > 0)
    }
}

/// One config prefix.
#[derive(Debug, Serialize)]
pub struct PrefixReport {
    /// The cluster's name.
    pub cluster: String,
    /// How messages name the prefix.
    pub name: String,
    /// The prefix.
    pub prefix: String,
    /// Why the prefix could not be read (nothing below is known then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// What it held (`None`: it could not be read).
    pub state: Option<PrefixState>,
}

/// What a prefix held when it was read (see [`FleetReport`]).
#[derive(Debug, Serialize)]
pub struct PrefixState {
    /// The store revision it was read at.
    pub revision: i64,
    /// Dynamic config keys.
    pub keys: usize,
    /// Keys whose stored value Temporal would refuse (etcd keys): values
    /// that do not parse, and values that fail the key's checks (a float in
    /// an int key), the one verdict `get`, `dump` and `render` give.
    pub invalid: Vec<String>,
    /// Keys stored under several spellings, each as its etcd keys: Temporal
    /// reads one of them at random.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<Vec<String>>,
    /// Keys under the prefix that are not dynamic config.
    pub foreign: usize,
    /// The newest mod revision among its keys (0: no keys).
    pub last_change: i64,
    /// The oldest revision etcd still keeps (history before it is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compaction_floor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why the compaction floor could not be read.
    pub compaction_error: Option<String>,
    /// SHA-256 of the canonical content: equal fingerprints, equal config
    /// (however each value is spelled).
    pub fingerprint: String,
    /// How it differs from the first prefix read (absent on that one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
    /// The renderers reporting for it.
    pub renderers: Vec<RendererReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why their records could not be read.
    pub renderers_error: Option<String>,
    /// The change freeze in force, if any (`tcfg freeze`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freeze: Option<crate::changes::freeze::Freeze>,
    /// The incident overrides in force (`put --for`), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why the overrides could not be read.
    pub overrides_error: Option<String>,
}

/// An incident override in force, as `status` reports it.
#[derive(Debug, Serialize)]
pub struct OverrideReport {
    /// Its revision (its name).
    pub revision: i64,
    /// The key.
    pub key: String,
    /// The item's constraints.
    pub scope: String,
    /// The value it set.
    pub value: String,
    /// The value its end restores.
    pub restores: String,
    /// What its item holds now when that is no longer the value it set (a
    /// later write, a revert): it is superseded, and its end writes nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded: Option<String>,
    /// When it ends (RFC 3339).
    pub ends: String,
    /// Seconds past its end (0 while it stands): an override overdue by
    /// more than [`OVERDUE`] means no expirer is running.
    pub overdue_seconds: u64,
    /// Who made it.
    pub author: String,
    /// Why.
    pub message: String,
}

/// How long past its end an override may stand before `status` calls it
/// overdue: an expirer checks every half second, a cron job every minute.
pub const OVERDUE: std::time::Duration = std::time::Duration::from_secs(60);

/// What `sync` would change to make a prefix like the reference.
#[derive(Debug, Serialize)]
pub struct Drift {
    /// The prefix compared with (the first one read).
    pub against: String,
    /// The keys that differ, by name.
    pub keys: Vec<String>,
}

/// A renderer of the prefix, as it reports itself.
#[derive(Debug, Serialize)]
pub struct RendererReport {
    #[serde(flatten)]
    /// What the renderer reports.
    pub status: RendererStatus,
    /// Keys changed or deleted after the revision its file reflects: 0
    /// when it is current.
    pub behind_by: usize,
    /// Its revision is compacted away, so keys deleted since cannot be
    /// told: `behind_by` counts only the keys changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deletions_unknown: bool,
}

impl FleetReport {
    /// Survey every place: clusters and prefixes all at once.
    pub async fn survey(places: Vec<Place>, registry: &Registry) -> FleetReport {
        // One health check per cluster, over the first store on it.
        let mut clusters: BTreeMap<&str, Result<&Store, &StoreError>> = BTreeMap::new();
        let mut order = Vec::new();
        for p in &places {
            if !clusters.contains_key(p.cluster.as_str()) {
                order.push(p.cluster.as_str());
                clusters.insert(&p.cluster, p.store.as_ref());
            }
        }
        let checking = order.iter().map(|name| {
            let store = clusters[name];
            async move {
                match store {
                    Ok(s) => ClusterReport {
                        name: name.to_string(),
                        error: None,
                        health: Some(s.health().await),
                    },
                    Err(e) => ClusterReport {
                        name: name.to_string(),
                        error: Some(e.to_string()),
                        health: None,
                    },
                }
            }
        });
        let reading = places.iter().map(|p| read_prefix(p, registry));
        let (clusters, read) = tokio::join!(join_all(checking), join_all(reading));
        let mut prefixes = Vec::new();
        let mut reference: Option<(&str, &Snapshot)> = None;
        for (p, r) in places.iter().zip(&read) {
            let mut report = PrefixReport {
                cluster: p.cluster.clone(),
                name: p.name.clone(),
                prefix: p
                    .store
                    .as_ref()
                    .map_or_else(|_| String::new(), |s| s.prefix().to_string()),
                error: None,
                state: None,
            };
            match r {
                Err(e) => report.error = Some(e.clone()),
                Ok(read) => {
                    let drift = match reference {
                        None => {
                            reference = Some((&p.name, &read.snapshot));
                            None
                        }
                        Some((against, first)) => Some(Drift {
                            against: against.to_string(),
                            keys: differing(first, &read.snapshot, registry),
                        }),
                    };
                    report.state = Some(read.state(drift, registry));
                }
            }
            prefixes.push(report);
        }
        FleetReport { clusters, prefixes }
    }

    /// Some cluster cannot be reached, has a member down, no leader, or an
    /// alarm raised; or some prefix could not be read.
    pub fn unhealthy(&self) -> bool {
        self.clusters.iter().any(|c| !c.healthy()) || self.prefixes.iter().any(|p| p.error.is_some())
    }

    /// Some prefix differs from the first, holds a value Temporal would
    /// refuse, or holds a key under several spellings.
    pub fn drifted(&self) -> bool {
        self.prefixes.iter().filter_map(|p| p.state.as_ref()).any(|s| {
            !s.invalid.is_empty() || !s.spellings.is_empty() || s.drift.as_ref().is_some_and(|d| !d.keys.is_empty())
        })
    }

    /// Some override stands more than [`OVERDUE`] past its end: no expirer
    /// is ending them.
    pub fn overdue(&self) -> bool {
        self.prefixes
            .iter()
            .filter_map(|p| p.state.as_ref())
            .flat_map(|s| &s.overrides)
            .any(|o| o.overdue_seconds > OVERDUE.as_secs())
    }
}

/// A prefix as read: its snapshot and what else is asked of it.
struct Read {
    snapshot: Snapshot,
    floor: Result<i64, StoreError>,
    renderers: Result<Vec<RendererStatus>, StoreError>,
    overrides: Result<Vec<crate::changes::overrides::Active>, StoreError>,
    freeze: Option<crate::changes::freeze::Freeze>,
    /// Per renderer revision older than the snapshot: how many of the keys
    /// then are gone now (`None`: compacted, cannot be told).
    deleted_since: BTreeMap<i64, Option<usize>>,
}

async fn read_prefix(place: &Place, registry: &Registry) -> Result<Read, String> {
    let store = place.store.as_ref().map_err(|e| e.to_string())?;
    let (snapshot, floor, renderers, overrides, freeze) = tokio::join!(
        store.snapshot(registry, None),
        store.compaction_floor(),
        renderers(store),
        crate::changes::overrides::list(store),
        crate::changes::freeze::holding(store, std::time::SystemTime::now())
    );
    let freeze = freeze.ok().flatten();
    let overrides = overrides.map(|(_, active, _)| active);
    let snapshot = snapshot.map_err(|e| e.to_string())?;
    // A key deleted since a renderer's revision leaves no trace in the
    // snapshot: the names then, read at that revision, show it.
    let mut revisions: Vec<i64> = match &renderers {
        Ok(list) => list
            .iter()
            .map(|r| r.revision)
            .filter(|&r| r > 0 && r < snapshot.revision)
            .collect(),
        Err(_) => Vec::new(),
    };
    revisions.sort_unstable();
    revisions.dedup();
    let now: std::collections::HashSet<&str> = snapshot.keys.iter().map(|k| k.etcd_key.as_str()).collect();
    let then = join_all(revisions.iter().map(|&r| store.read_names(registry, Some(r)))).await;
    let deleted_since = revisions
        .into_iter()
        .zip(then)
        .map(|(r, names)| {
            let gone = names.ok().map(|(_, names)| {
                names
                    .iter()
                    .filter(|n| !now.contains(store.prefix().key_path(n.as_str()).as_str()))
                    .count()
            });
            (r, gone)
        })
        .collect();
    Ok(Read {
        snapshot,
        floor,
        renderers,
        overrides,
        freeze,
        deleted_since,
    })
}

impl Read {
    fn state(&self, drift: Option<Drift>, registry: &Registry) -> PrefixState {
        let s = &self.snapshot;
        let (renderers, renderers_error) = match &self.renderers {
            Ok(list) => (
                list.iter()
                    .map(|r| {
                        let changed = s.keys.iter().filter(|k| k.mod_revision > r.revision).count();
                        let deleted = self.deleted_since.get(&r.revision).copied().unwrap_or(Some(0));
                        RendererReport {
                            status: r.clone(),
                            behind_by: changed + deleted.unwrap_or(0),
                            deletions_unknown: deleted.is_none(),
                        }
                    })
                    .collect(),
                None,
            ),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        PrefixState {
            revision: s.revision,
            keys: s.keys.len(),
            invalid: rejected(s, registry),
            spellings: s.check_spellings().err().map(|e| e.keys).unwrap_or_default(),
            foreign: s.foreign.len(),
            last_change: s.keys.iter().map(|k| k.mod_revision).max().unwrap_or(0),
            compaction_floor: self.floor.as_ref().ok().copied(),
            compaction_error: self.floor.as_ref().err().map(|e| e.to_string()),
            fingerprint: fingerprint(s),
            drift,
            renderers,
            renderers_error,
            freeze: self.freeze.clone(),
            overrides: match &self.overrides {
                Ok(list) => {
                    let now = std::time::SystemTime::now();
                    list.iter()
                        .map(|a| OverrideReport {
                            revision: a.revision,
                            key: a.entry.key.clone(),
                            scope: a.entry.scope.clone(),
                            value: a.set_text(),
                            restores: a.restore_text(),
                            superseded: crate::changes::overrides::standing(a, s)
                                .changed_to()
                                .map(str::to_string),
                            ends: a.entry.ends.clone(),
                            overdue_seconds: a.overdue_by(now).as_secs(),
                            author: a.entry.author.short(),
                            message: a.entry.message.clone(),
                        })
                        .collect()
                }
                Err(_) => Vec::new(),
            },
            overrides_error: self.overrides.as_ref().err().map(|e| e.to_string()),
        }
    }
}

/// The keys of `s` whose stored value Temporal would refuse (the one
/// verdict: [`stored_value_errors`]).
fn rejected(s: &Snapshot, registry: &Registry) -> Vec<String> {
    s.keys
        .iter()
        .filter(|k| match &k.items {
            Err(_) => true,
            Ok(items) => !stored_value_errors(&k.etcd_key, &k.key, items, registry).is_empty(),
        })
        .map(|k| k.etcd_key.clone())
        .collect()
}

/// SHA-256 of a prefix's canonical content: its config as `dump` writes
/// it, and the raw text of each value that does not parse.
pub fn fingerprint(s: &Snapshot) -> String {
    let mut text = document_to_yaml(&s.document());
    for k in s.invalid() {
        text.push_str(&format!("\0{}\0{}", k.key.as_str(), k.raw));
    }
    sha256(text.as_bytes())
}

/// The keys `sync` would change to make `other` like `first`.
fn differing(first: &Snapshot, other: &Snapshot, registry: &Registry) -> Vec<String> {
    let opts = PlanOptions {
        prune: true,
        ..Default::default()
    };
    let mut keys: Vec<String> = plan(&first.document(), other, registry, opts)
        .changes
        .into_iter()
        .map(|c| c.name)
        .collect();
    // Values that do not parse are compared as stored text.
    let invalid = |s: &Snapshot| -> BTreeMap<String, String> {
        s.invalid()
            .map(|k| (k.key.as_str().to_string(), k.raw.clone()))
            .collect()
    };
    let (a, b) = (invalid(first), invalid(other));
    for name in a.keys().chain(b.keys()) {
        let same = a.get(name) == b.get(name);
        if same {
            // The first's document leaves it out: the plan would delete it.
            keys.retain(|k| k != name);
        } else if !keys.contains(name) {
            keys.push(name.clone());
        }
    }
    // A key under several spellings on either side: a plan takes one of
    // them, so compare every spelling's name and text instead.
    let spelled = |s: &Snapshot| -> BTreeMap<String, Vec<(String, String)>> {
        let mut m: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for k in &s.keys {
            m.entry(k.key.folded().to_string())
                .or_default()
                .push((k.key.as_str().to_string(), k.raw.clone()));
        }
        m
    };
    let (a, b) = (spelled(first), spelled(other));
    for (folded, spellings) in a.iter().chain(b.iter()) {
        if spellings.len() > 1 {
            keys.retain(|k| fold(k) != *folded);
            if a.get(folded) != b.get(folded) {
                keys.push(spellings[0].0.clone());
            }
        }
    }
    keys.dedup();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::plan::snapshot_of;
    use crate::model::parse::parse_document;

    fn snapshot(text: &str) -> Snapshot {
        snapshot_of(&parse_document("t.yaml", text).value)
    }

    #[test]
    fn equal_config_has_one_fingerprint_however_it_is_spelled() {
        let a = snapshot("frontend.rps:\n  - value: 5\nhistory.rps:\n  - value: 7\n");
        let b = snapshot("history.rps: [{value: 7, constraints: {}}]\nfrontend.rps: [{value: 5}]\n");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let c = snapshot("frontend.rps:\n  - value: 6\nhistory.rps:\n  - value: 7\n");
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn drift_names_every_key_sync_would_change() {
        let registry = Registry::for_version(None).unwrap();
        let first = snapshot("frontend.rps:\n  - value: 5\nhistory.rps:\n  - value: 7\n");
        let other = snapshot("frontend.rps:\n  - value: 6\nmatching.rps:\n  - value: 1\nhistory.rps: [{value: 7}]\n");
        assert_eq!(differing(&first, &other, &registry), ["frontend.rps", "matching.rps"]);
        assert!(differing(&first, &first, &registry).is_empty());
    }

    #[test]
    fn values_that_do_not_parse_differ_by_their_text() {
        let registry = Registry::for_version(None).unwrap();
        let mut first = snapshot("frontend.rps:\n  - value: 5\n");
        let bad = |raw: &str| {
            crate::store::StoredKey::from_kv(
                &first_prefix(),
                format!("{}history.rps", first_prefix().as_str()),
                Ok(raw.to_string()),
                (1, 1, 1),
            )
        };
        first.prefix = first_prefix();
        let mut other = snapshot("frontend.rps:\n  - value: 5\n");
        other.prefix = first_prefix();
        first.keys.push(bad("- value: [unclosed\n"));
        other.keys.push(bad("- value: [unclosed\n"));
        assert!(differing(&first, &other, &registry).is_empty());
        assert_eq!(fingerprint(&first), fingerprint(&other));
        other.keys.pop();
        other.keys.push(bad("- {value: 1, value: 2}\n"));
        assert_eq!(differing(&first, &other, &registry), ["history.rps"]);
        assert_ne!(fingerprint(&first), fingerprint(&other));
    }

    #[test]
    fn two_spellings_are_drift_whenever_the_fingerprints_differ() {
        let registry = Registry::for_version(None).unwrap();
        let first = snapshot("frontend.rps:\n  - value: 1\nFRONTEND.RPS:\n  - value: 5\n");
        let other = snapshot("frontend.rps:\n  - value: 1\n");
        assert_ne!(fingerprint(&first), fingerprint(&other));
        assert_eq!(differing(&first, &other, &registry).len(), 1);
        assert_eq!(differing(&other, &first, &registry).len(), 1);
        assert!(differing(&first, &first, &registry).is_empty());
        assert_eq!(first.check_spellings().unwrap_err().keys[0].len(), 2);
    }

    fn first_prefix() -> crate::store::Prefix {
        crate::store::Prefix::new("/temporal/dynamicconfig/")
    }
}
