//! Incident overrides: a write of one item that ends by itself. The write
//! is a normal one (every reader, a stock server's file included, sees a
//! normal value); beside the prefix, in the same transaction, an entry
//! keeps when it ends and what restores it then. Ending it (when it is due,
//! or early) is a recorded change through [`crate::changes::commit`] that
//! touches only that item, and only while it still holds the override's
//! value: if anyone changed the item since, the override is superseded and
//! nothing is restored.
//!
//! An override is named by its revision: the revision of the write that
//! made it, which is its entry's creation revision.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::commit::{Batching, Change, CommitError};
use super::edit::{read_for_change, remove, upsert};
use super::intent::Intent;
use super::plan::key_plan;
use super::record::Author;
use crate::model::constraints::Constraints;
use crate::model::document::ConstrainedValue;
use crate::model::parse::parse_items;
use crate::model::serialize::items_to_yaml;
use crate::store::{Expect, Prefix, Store, StoreError, StoredKey, Write};
use crate::temporal::registry::Registry;

/// The entry format this tcfg writes.
pub const FORMAT: u32 = 1;

/// What an override keeps beside the prefix (JSON; fields are only ever
/// added).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The entry format.
    pub format: u32,
    /// The key, as registered.
    pub key: String,
    /// The etcd key written.
    pub etcd_key: String,
    /// The item's constraints, as text (`{}`, `{namespace: payments}`).
    pub scope: String,
    /// The item the override wrote, as the canonical YAML of a one-item
    /// list; none: the override removed the item.
    pub set: Option<String>,
    /// The item to put back when it ends, likewise; none: remove the item.
    pub restore: Option<String>,
    /// When it ends (RFC 3339).
    pub ends: String,
    /// Who made it.
    pub author: Author,
    /// Why.
    pub message: String,
}

/// An override in force, as read from beside the prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Active {
    /// The revision of the write that made it: its name.
    pub revision: i64,
    /// Its entry's etcd key.
    pub entry_key: String,
    /// Its entry's last revision (an extension moves it).
    pub mod_revision: i64,
    /// The entry.
    pub entry: Override,
}

impl Active {
    /// When it ends; `None` when the entry's time does not parse.
    pub fn ends_at(&self) -> Option<SystemTime> {
        humantime::parse_rfc3339_weak(&self.entry.ends).ok()
    }

    /// Whether it is due at `now` (an end that does not parse is due: it
    /// cannot be kept).
    pub fn is_due(&self, now: SystemTime) -> bool {
        self.ends_at().is_none_or(|t| t <= now)
    }

    /// How long past its end it is at `now` (zero while not due).
    pub fn overdue_by(&self, now: SystemTime) -> Duration {
        self.ends_at()
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default()
    }

    /// The value it set, as flow text (`4000`), or `(removed)`.
    pub fn set_text(&self) -> String {
        item_value_text(self.entry.set.as_deref(), &self.entry.key)
    }

    /// The value it restores, as flow text, or `(removed)`.
    pub fn restore_text(&self) -> String {
        item_value_text(self.entry.restore.as_deref(), &self.entry.key)
    }

    /// Whether it is the override of this item.
    fn is_of(&self, etcd_key: &str, constraints: &Constraints) -> bool {
        self.entry.etcd_key == etcd_key && self.entry.scope == constraints.to_string()
    }
}

fn item_value_text(text: Option<&str>, key: &str) -> String {
    match text.map(|t| one_item(t, key)) {
        None => "(removed)".into(),
        Some(Some(item)) => crate::model::value::text::flow(&item.value),
        Some(None) => "(unreadable)".into(),
    }
}

fn one_item(text: &str, key: &str) -> Option<ConstrainedValue> {
    parse_items("override", key, text).value.into_iter().next()
}

/// The overrides in force under the store's prefix, oldest first, and the
/// names of entries that do not read as one (left alone).
pub async fn list(store: &Store) -> Result<(i64, Vec<Active>, Vec<String>), StoreError> {
    let (revision, entries) = store.entries_under(&store.overrides_prefix()).await?;
    let mut active = Vec::new();
    let mut unreadable = Vec::new();
    for e in entries {
        match serde_json::from_slice::<Override>(&e.value) {
            Ok(entry) => active.push(Active {
                revision: e.create_revision,
                entry_key: e.key,
                mod_revision: e.mod_revision,
                entry,
            }),
            Err(_) => unreadable.push(e.key),
        }
    }
    active.sort_by_key(|a| a.revision);
    Ok((revision, active, unreadable))
}

/// The override named by `revision`, if in force.
pub async fn find(store: &Store, revision: i64) -> Result<Option<Active>, StoreError> {
    Ok(list(store).await?.1.into_iter().find(|a| a.revision == revision))
}

/// What a write of one item for a while puts beside the prefix: its entry,
/// and the removal of an override of the same item still in force (the new
/// one takes over what that one would restore: ending it brings back the
/// value from before the first).
pub struct Begin<'a> {
    /// The key, as registered.
    pub key: &'a str,
    /// The etcd key the write stores it under.
    pub etcd_key: &'a str,
    /// The item's constraints.
    pub constraints: &'a Constraints,
    /// The key's items before the write.
    pub before: &'a [ConstrainedValue],
    /// The item written; none: the item is removed.
    pub set: Option<&'a ConstrainedValue>,
    /// When it ends.
    pub ends: SystemTime,
    /// Why (required).
    pub message: &'a str,
    /// Who.
    pub author: &'a Author,
    /// The overrides in force now.
    pub active: &'a [Active],
}

/// An override as begun: what goes beside the prefix with its write.
#[derive(Clone, Debug)]
pub struct Begun {
    /// The writes beside the prefix: its entry, and the removal of the
    /// entry of an override of the same item it replaces.
    pub writes: Vec<Write>,
    /// Its entry.
    pub entry: Override,
    /// The revision of the override of the same item it replaces.
    pub replaces: Option<i64>,
}

impl Begun {
    /// The value its end restores, as flow text, or `(removed)`.
    pub fn restore_text(&self) -> String {
        item_value_text(self.entry.restore.as_deref(), &self.entry.key)
    }

    /// Mark the write's change record as this override's: its end and the
    /// item its end restores.
    pub fn mark(&self, intent: &mut Intent) {
        intent.command.ends = Some(self.entry.ends.clone());
        intent.command.restore_item = self.entry.restore.clone();
    }
}

impl Begin<'_> {
    /// The override begun: its writes beside the prefix and its entry.
    pub fn begin(&self, store: &Store) -> Begun {
        let mut writes = Vec::new();
        let earlier = self.active.iter().find(|a| a.is_of(self.etcd_key, self.constraints));
        let restore = match earlier {
            Some(a) => a.entry.restore.clone(),
            None => self
                .before
                .iter()
                .find(|i| &i.constraints == self.constraints)
                .map(|i| items_to_yaml(std::slice::from_ref(i))),
        };
        if let Some(a) = earlier {
            writes.push(Write {
                etcd_key: a.entry_key.clone(),
                value: None,
                expect: Expect::ModRevision(a.mod_revision),
                old: None,
            });
        }
        let entry = Override {
            format: FORMAT,
            key: self.key.to_string(),
            etcd_key: self.etcd_key.to_string(),
            scope: self.constraints.to_string(),
            set: self.set.map(|i| items_to_yaml(std::slice::from_ref(i))),
            restore,
            ends: humantime::format_rfc3339_seconds(self.ends).to_string(),
            author: self.author.clone(),
            message: self.message.to_string(),
        };
        writes.push(Write {
            etcd_key: entry_key(store, SystemTime::now()),
            value: Some(serde_json::to_string(&entry).expect("an override serializes")),
            expect: Expect::Absent,
            old: None,
        });
        Begun {
            writes,
            entry,
            replaces: earlier.map(|a| a.revision),
        }
    }
}

/// A new entry's key: its time and a random tag, so entries list in the
/// order they were made.
fn entry_key(store: &Store, time: SystemTime) -> String {
    let mut tag = [0u8; 4];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut tag);
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}{}-{tag}",
        store.overrides_prefix(),
        humantime::format_rfc3339_micros(time)
    )
}

/// How an override ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Its item was restored, at this revision.
    Restored {
        /// The revision of the restore.
        revision: i64,
    },
    /// Its item had changed since: nothing restored, the entry removed at
    /// this revision.
    Superseded {
        /// The revision that removed the entry.
        revision: i64,
        /// What the item holds now.
        now: String,
    },
}

/// Why an override was not ended.
#[derive(Debug, thiserror::Error)]
pub enum EndError {
    /// Reading or writing etcd failed, or the entry or the key moved
    /// meanwhile (another expirer, a writer): nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The restore was refused (its review found errors) or does not fit.
    #[error(transparent)]
    Commit(#[from] CommitError),
    /// The key's stored value does not parse: the item cannot be told.
    #[error("{key} does not parse as stored: its item cannot be restored; fix the key, then end the override")]
    Unreadable {
        /// The key.
        key: String,
    },
}

/// End `override_`: restore its item if it still holds the override's
/// value, else mark it superseded; either way its entry goes, in one
/// recorded transaction through [`crate::changes::commit`] (the entry and
/// the key compare-and-swapped, so two expirers restore once). `intent`
/// says who ends it and why; its command names the override.
pub async fn end(store: &Store, registry: &Registry, override_: &Active, intent: &Intent) -> Result<Ending, EndError> {
    let ended = end_one(store, registry, override_, intent).await;
    let result = match &ended {
        Ok(Ending::Restored { .. }) => "restored",
        Ok(Ending::Superseded { .. }) => "superseded",
        Err(_) => "failed",
    };
    metrics::counter!("tcfg_overrides_ended_total", "result" => result).increment(1);
    ended
}

async fn end_one(store: &Store, registry: &Registry, override_: &Active, intent: &Intent) -> Result<Ending, EndError> {
    let entry = &override_.entry;
    let drop_entry = Write {
        etcd_key: override_.entry_key.clone(),
        value: None,
        expect: Expect::ModRevision(override_.mod_revision),
        old: None,
    };
    let (read, current) = read_for_change(store, &entry.key).await?;
    let Some(items) = items_now(entry, store.prefix(), read.stored.iter()) else {
        return Err(EndError::Unreadable { key: entry.key.clone() });
    };
    let (holds, constraints, now_item) = standing_in(entry, &items);
    let restore = entry.restore.as_deref().and_then(|t| one_item(t, &entry.key));
    let mut intent = intent.clone();
    if !holds {
        intent.command.superseded = Some(override_.revision);
        intent.command.restores = None;
        let change = Change::of_groups(Vec::new(), Vec::new()).with_beside(vec![drop_entry]);
        let revision = commit(store, change, &intent).await?;
        return Ok(Ending::Superseded {
            revision,
            now: now_text(now_item),
        });
    }
    intent.command.restores = Some(override_.revision);
    let new_items = match restore {
        Some(item) => upsert(&items, item),
        None => remove(&items, &constraints).unwrap_or(items.clone()),
    };
    let plan = key_plan(
        store.prefix(),
        &entry.key,
        &read.stored,
        &new_items,
        registry,
        read.revision,
    );
    let change = Change::of_plan(&plan, &current, registry).with_beside(vec![drop_entry]);
    let revision = commit(store, change, &intent).await?;
    Ok(Ending::Restored { revision })
}

/// The items of the override's key as stored now, from `spellings` (every
/// stored spelling of it): under the etcd key the override wrote, else the
/// registered spelling, else the first; empty when none is stored, `None`
/// when that one does not parse. The end and the listings judge the same
/// list.
fn items_now<'a>(
    entry: &Override,
    prefix: &Prefix,
    spellings: impl Iterator<Item = &'a StoredKey> + Clone,
) -> Option<Vec<ConstrainedValue>> {
    let registered = prefix.key_path(&entry.key);
    let stored = spellings
        .clone()
        .find(|s| s.etcd_key == entry.etcd_key)
        .or_else(|| spellings.clone().find(|s| s.etcd_key == registered))
        .or_else(|| spellings.clone().next());
    match stored.map(|s| &s.items) {
        None => Some(Vec::new()),
        Some(Ok(items)) => Some(items.clone()),
        Some(Err(_)) => None,
    }
}

/// Whether the override's item in `items` still holds the value it set;
/// the item's constraints (the override's own, as kept); the item now.
fn standing_in<'a>(
    entry: &Override,
    items: &'a [ConstrainedValue],
) -> (bool, Constraints, Option<&'a ConstrainedValue>) {
    let set = entry.set.as_deref().and_then(|t| one_item(t, &entry.key));
    let restore = entry.restore.as_deref().and_then(|t| one_item(t, &entry.key));
    // The item is told by its constraints: the override's own, as kept.
    let constraints = set
        .as_ref()
        .or(restore.as_ref())
        .map(|i| i.constraints.clone())
        .unwrap_or_default();
    let now_item = items.iter().find(|i| i.constraints == constraints);
    let as_text = |i: Option<&ConstrainedValue>| i.map(|i| items_to_yaml(std::slice::from_ref(i)));
    (as_text(now_item) == as_text(set.as_ref()), constraints, now_item)
}

fn now_text(item: Option<&ConstrainedValue>) -> String {
    item.map_or("(removed)".into(), |i| crate::model::value::text::flow(&i.value))
}

/// Where an override stands now, against the prefix as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Its item holds the value it set.
    Holds,
    /// Its item changed since (a later write, a revert): its end will
    /// write nothing. What the item holds now, as flow text.
    Superseded(String),
    /// Its key does not parse as stored: its end cannot be told.
    Unreadable,
}

impl Standing {
    /// What its item holds now, when that is not the value it set (flow
    /// text, or `(does not parse)`).
    pub fn changed_to(&self) -> Option<&str> {
        match self {
            Standing::Holds => None,
            Standing::Superseded(now) => Some(now),
            Standing::Unreadable => Some("(does not parse)"),
        }
    }
}

/// Where `override_` stands in `snapshot` (the prefix as read): for a
/// listing to say an override whose item changed since is superseded
/// before its end says so.
pub fn standing(override_: &Active, snapshot: &crate::store::Snapshot) -> Standing {
    let entry = &override_.entry;
    let spellings = snapshot
        .keys
        .iter()
        .filter(|k| k.key.as_str().eq_ignore_ascii_case(&entry.key));
    let Some(items) = items_now(entry, &snapshot.prefix, spellings) else {
        return Standing::Unreadable;
    };
    match standing_in(entry, &items) {
        (true, ..) => Standing::Holds,
        (false, _, now) => Standing::Superseded(now_text(now)),
    }
}

async fn commit(store: &Store, change: Change, intent: &Intent) -> Result<i64, EndError> {
    let fitted = change.fit(intent, super::budget::Limits::default(), Batching::Never)?;
    Ok(fitted.commit(store, |_| {}).await?.unwrap_or_default())
}

/// The new end of an override extended to `ends`: the entry rewritten
/// (compare-and-swapped), recorded through [`crate::changes::commit`].
/// Returns the revision of the extension.
pub async fn extend(store: &Store, override_: &Active, ends: SystemTime, intent: &Intent) -> Result<i64, EndError> {
    let mut entry = override_.entry.clone();
    entry.ends = humantime::format_rfc3339_seconds(ends).to_string();
    let write = Write {
        etcd_key: override_.entry_key.clone(),
        value: Some(serde_json::to_string(&entry).expect("an override serializes")),
        expect: Expect::ModRevision(override_.mod_revision),
        old: None,
    };
    let mut intent = intent.clone();
    intent.command.extends = Some(override_.revision);
    intent.command.ends = Some(entry.ends.clone());
    let change = Change::of_groups(Vec::new(), Vec::new()).with_beside(vec![write]);
    commit(store, change, &intent).await
}

/// The message a restore's record carries: the override's revision and
/// its own message.
pub fn restore_message(override_: &Active, why: &str) -> String {
    format!("{why} of override {} ({})", override_.revision, override_.entry.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(ends: &str) -> Active {
        Active {
            revision: 7,
            entry_key: "/p.overrides/x".into(),
            mod_revision: 7,
            entry: Override {
                format: FORMAT,
                key: "frontend.rps".into(),
                etcd_key: "/p/frontend.rps".into(),
                scope: "{}".into(),
                set: Some("- value: 4000\n".into()),
                restore: None,
                ends: ends.into(),
                author: Author::default(),
                message: "INC-1".into(),
            },
        }
    }

    #[test]
    fn an_override_is_due_at_its_end_and_overdue_after() {
        let a = active("2026-12-06T10:00:00Z");
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        assert!(!a.is_due(at("2026-12-06T09:59:59Z")));
        assert!(a.is_due(at("2026-12-06T10:00:00Z")));
        assert_eq!(a.overdue_by(at("2026-12-06T10:01:30Z")), Duration::from_secs(90));
        assert_eq!(a.overdue_by(at("2026-12-06T09:00:00Z")), Duration::ZERO);
        // An end that does not read is due: it cannot be kept.
        assert!(active("soon").is_due(at("2026-12-06T09:00:00Z")));
        assert_eq!(a.set_text(), "4000");
        assert_eq!(a.restore_text(), "(removed)");
    }

    #[test]
    fn an_override_holds_while_its_item_has_its_value_and_no_other() {
        use crate::model::value::Value;
        let a = active("2026-12-06T10:00:00Z");
        let item = |v: i64| ConstrainedValue::new(Value::Int(v), Constraints::default());
        assert!(standing_in(&a.entry, &[item(4000)]).0);
        let changed = [item(3000)];
        let (holds, _, now) = standing_in(&a.entry, &changed);
        assert_eq!((holds, now_text(now)), (false, "3000".to_string()));
        let (holds, _, now) = standing_in(&a.entry, &[]);
        assert_eq!((holds, now_text(now)), (false, "(removed)".to_string()));
    }
}
