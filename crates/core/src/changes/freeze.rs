//! Change freezes: while a prefix is frozen (a release, a holiday), every
//! write to it through [`crate::changes::commit`] is refused, unless it
//! says it breaks the freeze (recorded in its change record). Ends of
//! incident overrides proceed: they only bring back what was there. A
//! prefix's freeze is one entry beside the prefix; a whole etcd cluster's
//! (every prefix on it: `/active/` and `/passive-eu/`, `/prod/` and
//! `/staging/`) one entry at [`CLUSTER_FREEZE_KEY`]. Each write is guarded
//! on both, so a freeze that lands while a write is on its way stops that
//! write too. Writing an entry is [`crate::changes::freezing`]'s.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::intent::Intent;
use super::record::Author;
pub use crate::store::CLUSTER_FREEZE_KEY;
use crate::store::{Expect, Guard, Prefix, Store, StoreError, Write};

/// The range the cluster's freeze entry is read from (a role grants read
/// on it as on a prefix's freeze range).
pub const CLUSTER_FREEZE_RANGE: &str = "/tcfg/freeze/";

/// What a freeze stops: one prefix, or every prefix on the etcd cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The store's prefix.
    Prefix,
    /// Every prefix on the store's etcd cluster.
    Cluster,
}

/// The freeze entry format this tcfg writes.
pub const FORMAT: u32 = 1;

/// A freeze, as kept beside the prefix (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    /// The entry format.
    pub format: u32,
    /// When it ends (RFC 3339).
    pub ends: String,
    /// Who froze the prefix.
    pub author: Author,
    /// Why.
    pub message: String,
    /// It freezes the whole etcd cluster, not one prefix.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cluster: bool,
}

impl Freeze {
    /// The error refusing a write to the store's prefix.
    pub fn refusal(self, store: &Store) -> StoreError {
        StoreError::Frozen {
            prefix: store.prefix().to_string(),
            cluster: self.cluster,
            ends: self.ends,
            author: self.author.short(),
            message: self.message,
        }
    }

    /// Whether it holds at `now` (an end that does not read holds: a
    /// freeze errs on the side of refusing).
    pub fn holds(&self, now: SystemTime) -> bool {
        humantime::parse_rfc3339_weak(&self.ends).map_or(true, |t| now < t)
    }
}

/// The freeze entry's key for the store's prefix or its cluster.
pub fn freeze_key(store: &Store, scope: Scope) -> String {
    match scope {
        Scope::Prefix => format!("{}current", store.prefix().beside("freeze")),
        Scope::Cluster => CLUSTER_FREEZE_KEY.to_string(),
    }
}

/// The range a freeze entry is read from.
fn range(store: &Store, scope: Scope) -> Prefix {
    match scope {
        Scope::Prefix => store.prefix().beside("freeze"),
        Scope::Cluster => Prefix::new(CLUSTER_FREEZE_RANGE),
    }
}

/// The freeze entry (none: never frozen, or unfrozen) and its mod revision
/// (0: absent), to guard a write on.
pub async fn read(store: &Store, scope: Scope) -> Result<(Option<Freeze>, i64), StoreError> {
    let key = freeze_key(store, scope);
    let (_, entries) = store.entries_under(&range(store, scope)).await?;
    let Some(e) = entries.into_iter().find(|e| e.key == key) else {
        return Ok((None, 0));
    };
    // An entry that does not read is a freeze that holds until removed:
    // someone meant to stop writes.
    let mut freeze = serde_json::from_slice(&e.value).unwrap_or(Freeze {
        format: FORMAT,
        ends: "?".into(),
        author: Author::default(),
        message: "(an unreadable freeze entry)".into(),
        cluster: false,
    });
    freeze.cluster = scope == Scope::Cluster;
    Ok((Some(freeze), e.mod_revision))
}

/// What a write meets from freezes, told before it is made.
#[derive(Debug, Default)]
pub struct Outlook {
    /// Why the write would be refused now: a freeze holds and it does not
    /// go ahead of it.
    pub refused: Option<StoreError>,
    /// The freeze ranges this user may not read: the write goes ahead
    /// unchecked against them.
    pub unchecked: Vec<Prefix>,
}

/// What a write with `intent` would meet now: for a command to say so
/// before it asks for confirmation (or in a dry run). Other errors are
/// not told here; the write reads again, and says.
pub async fn outlook(store: &Store, intent: &Intent, now: SystemTime) -> Outlook {
    let mut outlook = Outlook::default();
    for (scope, read) in read_both(store).await {
        match read {
            Ok((Some(f), _)) if f.holds(now) && !passes(intent) && outlook.refused.is_none() => {
                outlook.refused = Some(f.refusal(store))
            }
            Err(StoreError::PermissionDenied { .. }) => outlook.unchecked.push(range(store, scope)),
            _ => {}
        }
    }
    outlook
}

/// The freeze that holds on the store's prefix at `now`, if any: the
/// prefix's own, else its cluster's. Errors reading either are the
/// caller's to judge (`tcfg status` shows what it could read).
pub async fn holding(store: &Store, now: SystemTime) -> Result<Option<Freeze>, StoreError> {
    let [(_, prefix), (_, cluster)] = read_both(store).await;
    let prefix = prefix?.0.filter(|f| f.holds(now));
    Ok(match prefix {
        Some(f) => Some(f),
        None => cluster?.0.filter(|f| f.holds(now)),
    })
}

/// Both freeze entries that hold a write to the store's prefix, read at
/// once: the prefix's, then its cluster's.
async fn read_both(store: &Store) -> [(Scope, Result<(Option<Freeze>, i64), StoreError>); 2] {
    let (prefix, cluster) = tokio::join!(read(store, Scope::Prefix), read(store, Scope::Cluster));
    [(Scope::Prefix, prefix), (Scope::Cluster, cluster)]
}

/// What the one write path asks before each transaction: refused when a
/// freeze holds and `intent` does not go ahead of it; else the guards that
/// keep the write valid only while both freeze entries are as read.
/// A user whose role predates freezes (no read on an entry) still writes,
/// unchecked for that entry: etcd's roles are the security boundary, a
/// freeze is a process one. Said at warn, naming what to grant.
pub async fn check(store: &Store, intent: &Intent, now: SystemTime) -> Result<Vec<Guard>, StoreError> {
    let mut guards = Vec::new();
    for (scope, read) in read_both(store).await {
        let key = freeze_key(store, scope);
        let (freeze, mod_revision) = match read {
            Ok(read) => read,
            Err(e @ StoreError::PermissionDenied { .. }) => {
                tracing::warn!(
                    "{e}: a change freeze cannot be checked for this user; grant it read on {}",
                    range(store, scope)
                );
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(f) = freeze.filter(|f| f.holds(now)) {
            if !passes(intent) {
                return Err(f.refusal(store));
            }
        }
        guards.push(Guard::Key { key, mod_revision });
    }
    Ok(guards)
}

/// Whether a write with `intent` goes ahead of a freeze: freezing and
/// unfreezing, ends of overrides, and writes that say they break it.
pub fn passes(intent: &Intent) -> bool {
    let c = &intent.command;
    matches!(c.verb.as_str(), "freeze" | "unfreeze")
        || c.restores.is_some()
        || c.superseded.is_some()
        || c.breaks_freeze
}

/// The write that freezes the prefix or the cluster until `ends` (`None`:
/// unfreezes it), replacing the entry read at `mod_revision`.
pub fn write(store: &Store, scope: Scope, ends: Option<SystemTime>, intent: &Intent, mod_revision: i64) -> Write {
    let expect = if mod_revision == 0 {
        Expect::Absent
    } else {
        Expect::ModRevision(mod_revision)
    };
    let value = ends.map(|t| {
        let f = Freeze {
            format: FORMAT,
            ends: humantime::format_rfc3339_seconds(t).to_string(),
            author: intent.author.clone(),
            message: intent.message.clone().unwrap_or_default(),
            cluster: scope == Scope::Cluster,
        };
        serde_json::to_string(&f).expect("a freeze serializes")
    });
    Write {
        etcd_key: freeze_key(store, scope),
        value,
        expect,
        old: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freeze_holds_until_its_end_and_one_that_does_not_read_holds() {
        let f = |ends: &str| Freeze {
            format: FORMAT,
            ends: ends.into(),
            author: Author::default(),
            message: "release".into(),
            cluster: false,
        };
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        assert!(f("2026-12-09T00:00:00Z").holds(at("2026-12-08T23:59:59Z")));
        assert!(!f("2026-12-09T00:00:00Z").holds(at("2026-12-09T00:00:00Z")));
        assert!(f("?").holds(at("2030-01-01T00:00:00Z")));
    }
}
