//! The client's cache: an immutable snapshot of every key's entry, in 256
//! shards of shared entries, so a change copies only the shard it touches.

use std::collections::BTreeMap;
use std::sync::Arc;

use hashbrown::HashTable;

use crate::model::constraints::Constraints;
use crate::model::document::{ConstrainedValue, Document, Entry};
use crate::model::finding::Finding;
use crate::model::key::{folded_hash, same_key, Key};
use crate::serving::compact::CompactItems;
use crate::store::Prefix;
use crate::temporal::registry::KeyDef;
use crate::temporal::resolve::Resolution;

use super::changes::{KeyUpdate, UpdateKind};

/// A key's value in the cache.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The key as stored (the etcd key without the prefix).
    pub(super) name: Box<str>,
    /// The last good items, encoded: a parsed item is 200 bytes before its
    /// strings, and a cache holds every key of a prefix.
    pub(super) items: CompactItems,
    /// The mod revision of the value it holds (of the refused value when
    /// `invalid` is set).
    pub mod_revision: i64,
    /// Set while the stored value is invalid (the items are the last good ones).
    pub invalid: Option<Arc<InvalidValue>>,
}

impl CacheEntry {
    /// The key as stored.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key as stored.
    pub fn key(&self) -> Key {
        Key::new(&*self.name)
    }

    /// The items (decoded: a copy).
    pub fn items(&self) -> Vec<ConstrainedValue> {
        self.items.decode()
    }

    /// The items in the cache's encoding, resolved in place.
    pub fn compact(&self) -> &CompactItems {
        &self.items
    }

    /// The value Temporal's lookup returns for `scope`.
    pub fn resolve(&self, def: &KeyDef, scope: &Constraints) -> Resolution {
        self.items.resolve(def, scope)
    }
}

/// A stored value the client refused, and why.
#[derive(Clone, Debug)]
pub struct InvalidValue {
    /// The stored text.
    pub raw: String,
    /// Its mod revision.
    pub mod_revision: i64,
    /// Why it is refused.
    pub findings: Vec<Finding>,
}

/// Keys are spread over this many tables so that a change copies one small
/// table, not the whole map, to make the next snapshot.
const SHARDS: usize = 256;

type Shard = HashTable<Arc<CacheEntry>>;

/// An immutable view of the prefix at one revision. Entries are found by
/// name in any case; two spellings stored side by side are two entries.
#[derive(Clone, Debug)]
pub struct Cache {
    /// The etcd revision it reflects.
    pub revision: i64,
    len: usize,
    invalid: usize,
    hasher: foldhash::fast::RandomState,
    shards: Box<[Arc<Shard>]>,
    /// Stored values refused with no last good items to keep (the key
    /// serves its default), by stored name: every reader of the cache (a
    /// renderer too) knows of them without reading the prefix again.
    refused: Arc<BTreeMap<Box<str>, Arc<InvalidValue>>>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            revision: 0,
            len: 0,
            invalid: 0,
            hasher: Default::default(),
            shards: (0..SHARDS).map(|_| Arc::new(HashTable::new())).collect(),
            refused: Default::default(),
        }
    }
}

/// Bits the tables do not use for their own slots and tags.
fn shard_of(hash: u64) -> usize {
    (hash >> 32) as usize % SHARDS
}

impl Cache {
    /// An empty cache at `revision`.
    pub(super) fn at(revision: i64) -> Cache {
        Cache {
            revision,
            ..Default::default()
        }
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many keys hold a refused value (and serve their last good
    /// items, or their default when there are none).
    pub fn invalid_count(&self) -> usize {
        self.invalid + self.refused.len()
    }

    /// Stored values refused with no last good items to keep, by stored
    /// name (those with last good items are entries marked `invalid`).
    pub fn refused(&self) -> impl Iterator<Item = (&str, &Arc<InvalidValue>)> {
        self.refused.iter().map(|(n, v)| (&**n, v))
    }

    /// Record that the value stored under `name` (`raw`, at `mod_revision`)
    /// is refused: the key keeps `last_good`'s items, marked with the
    /// refusal, or, with none, the refusal is kept on its own.
    pub(super) fn refuse(
        &mut self,
        name: &str,
        last_good: Option<&CacheEntry>,
        raw: String,
        mod_revision: i64,
        findings: &[Finding],
    ) {
        let invalid = Arc::new(InvalidValue {
            raw,
            mod_revision,
            findings: findings.to_vec(),
        });
        match last_good {
            Some(good) => {
                let mut e = good.clone();
                e.invalid = Some(invalid);
                self.insert(Arc::new(e));
            }
            None => {
                Arc::make_mut(&mut self.refused).insert(name.into(), invalid);
            }
        }
    }

    /// `name` no longer holds a refused value without last good items (it
    /// holds a good one, or is deleted).
    pub(super) fn clear_refusal(&mut self, name: &str) {
        if self.refused.contains_key(name) {
            Arc::make_mut(&mut self.refused).remove(name);
        }
    }

    /// A key by name, in any case: the exact spelling first, else the
    /// spelling written last.
    pub fn entry(&self, name: &str) -> Option<&Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        let shard = &self.shards[shard_of(hash)];
        shard.find(hash, |e| &*e.name == name).or_else(|| {
            shard
                .iter_hash(hash)
                .filter(|e| same_key(&e.name, name))
                .max_by_key(|e| e.mod_revision)
        })
    }

    /// A key by its exact stored spelling.
    pub fn exact(&self, name: &str) -> Option<&Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        self.shards[shard_of(hash)].find(hash, |e| &*e.name == name)
    }

    /// Whether `other` holds the very entries this cache holds: it was
    /// published from this one with only its revision moved (etcd's word
    /// that nothing changed), and no event touched a key in between.
    pub fn same_entries(&self, other: &Cache) -> bool {
        self.shards.len() == other.shards.len()
            && self
                .shards
                .iter()
                .zip(other.shards.iter())
                .all(|(a, b)| Arc::ptr_eq(a, b))
            && Arc::ptr_eq(&self.refused, &other.refused)
    }

    /// Every entry, in no order.
    pub fn entries(&self) -> impl Iterator<Item = &Arc<CacheEntry>> {
        self.shards.iter().flat_map(|s| s.iter())
    }

    pub(super) fn insert(&mut self, e: Arc<CacheEntry>) {
        let hash = folded_hash(&self.hasher, &e.name);
        let hasher = &self.hasher;
        let shard = Arc::make_mut(&mut self.shards[shard_of(hash)]);
        self.invalid += e.invalid.is_some() as usize;
        match shard.find_entry(hash, |x| x.name == e.name) {
            Ok(mut slot) => {
                self.invalid -= slot.get().invalid.is_some() as usize;
                *slot.get_mut() = e;
            }
            Err(_) => {
                shard.insert_unique(hash, e, |x| folded_hash(hasher, &x.name));
                self.len += 1;
            }
        }
    }

    /// Remove `name`. Its shard is made anew even when the name is absent
    /// (a delete of a value the cache never held), so that every event
    /// shows in [`Cache::same_entries`].
    pub(super) fn remove(&mut self, name: &str) -> Option<Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        let shard = Arc::make_mut(&mut self.shards[shard_of(hash)]);
        let (e, _) = shard.find_entry(hash, |x| &*x.name == name).ok()?.remove();
        self.len -= 1;
        self.invalid -= e.invalid.is_some() as usize;
        Some(e)
    }

    /// Every key's items, as a document.
    pub fn document(&self) -> Document {
        let mut doc = Document::new("cache");
        let mut entries: Vec<_> = self.entries().map(|e| (e.key(), e)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, e) in entries {
            doc.entries.push(Entry {
                key,
                items: e.items(),
                key_pos: Default::default(),
            });
        }
        doc
    }
}

/// The differences between two caches, as key updates.
pub(super) fn net_change(prefix: &Prefix, old: &Cache, new: &Cache) -> Vec<KeyUpdate> {
    let mut updates = Vec::new();
    for e in new.entries() {
        let before = old.exact(e.name());
        if before.map(|b| &b.items) != Some(&e.items) {
            updates.push(KeyUpdate {
                key: e.key(),
                etcd_key: prefix.key_path(e.name()),
                kind: UpdateKind::Put,
                old: before.map(|b| Arc::new(b.items())),
                new: Some(Arc::new(e.items())),
            });
        }
    }
    for e in old.entries() {
        if new.exact(e.name()).is_none() {
            updates.push(KeyUpdate {
                key: e.key(),
                etcd_key: prefix.key_path(e.name()),
                kind: UpdateKind::Delete,
                old: Some(Arc::new(e.items())),
                new: None,
            });
        }
    }
    updates.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
    updates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::Value;

    fn entry(name: &str, value: i64, mod_revision: i64) -> Arc<CacheEntry> {
        Arc::new(CacheEntry {
            name: name.into(),
            items: CompactItems::encode(&[ConstrainedValue::new(Value::Int(value), Constraints::default())]),
            mod_revision,
            invalid: None,
        })
    }

    fn value(c: &Cache, name: &str) -> Option<Value> {
        c.entry(name).map(|e| e.items()[0].value.clone())
    }

    #[test]
    fn a_copy_changes_apart_from_the_snapshot_it_came_from() {
        let mut base = Cache::default();
        for i in 0..2_000 {
            base.insert(entry(&format!("k.n{i}"), i, 1));
        }
        let mut next = base.clone();
        next.insert(entry("k.n7", 700, 2));
        next.insert(entry("k.new", 1, 2));
        assert!(next.remove("k.n8").is_some());
        assert!(next.remove("k.absent").is_none());

        assert_eq!((base.len(), next.len()), (2_000, 2_000));
        assert_eq!(base.entries().count(), 2_000);
        assert_eq!(value(&base, "K.N7"), Some(Value::Int(7)));
        assert_eq!(value(&next, "K.N7"), Some(Value::Int(700)));
        assert_eq!(value(&base, "k.n8"), Some(Value::Int(8)));
        assert_eq!(value(&next, "k.n8"), None);
        assert_eq!(value(&base, "k.new"), None);
        for i in (0..2_000).filter(|i| ![7, 8].contains(i)) {
            assert_eq!(value(&next, &format!("K.n{i}")), Some(Value::Int(i)));
        }
    }

    #[test]
    fn two_spellings_are_two_entries_and_any_other_finds_the_latest() {
        let mut c = Cache::default();
        c.insert(entry("Frontend.RPS", 1, 9));
        c.insert(entry("frontend.rps", 2, 5));
        assert_eq!(c.len(), 2);
        assert_eq!(value(&c, "Frontend.RPS"), Some(Value::Int(1)));
        assert_eq!(value(&c, "frontend.rps"), Some(Value::Int(2)));
        assert_eq!(value(&c, "FRONTEND.RPS"), Some(Value::Int(1)));
        c.remove("Frontend.RPS");
        assert_eq!(value(&c, "FRONTEND.RPS"), Some(Value::Int(2)));
        // Non-ASCII names fold like Go's strings.ToLower.
        c.insert(entry("Grüße.Über", 3, 1));
        assert_eq!(value(&c, "grüße.über"), Some(Value::Int(3)));
    }

    #[test]
    fn refused_values_are_counted_until_replaced_or_removed() {
        let mut c = Cache::default();
        c.insert(entry("a", 1, 1));
        c.insert(entry("b", 1, 1));
        let (a, b) = (c.entry("a").unwrap().clone(), c.entry("b").unwrap().clone());
        c.refuse("a", Some(&a), "- value: [".into(), 2, &[]);
        c.refuse("b", Some(&b), "x".into(), 2, &[]);
        assert_eq!(c.invalid_count(), 2);
        assert_eq!(value(&c, "a"), Some(Value::Int(1)));
        c.insert(entry("a", 5, 3));
        assert_eq!(c.invalid_count(), 1);
        c.remove("b");
        assert_eq!(c.invalid_count(), 0);
    }

    #[test]
    fn a_refusal_without_last_good_items_is_known_until_cleared() {
        let mut c = Cache::default();
        let before = c.clone();
        c.refuse("a", None, "- value: [".into(), 2, &[]);
        assert!(!c.same_entries(&before), "a reader sees that something changed");
        assert_eq!(c.invalid_count(), 1);
        assert!(c.entry("a").is_none(), "no items to serve: the default");
        let names: Vec<&str> = c.refused().map(|(n, _)| n).collect();
        assert_eq!(names, ["a"]);
        let refused = c.clone();
        c.clear_refusal("b");
        assert!(c.same_entries(&refused), "clearing what is not refused changes nothing");
        c.clear_refusal("a");
        assert_eq!(c.invalid_count(), 0);
        assert_eq!(c.refused().count(), 0);
    }

    #[test]
    fn net_change_lists_puts_and_deletes_in_key_order() {
        let prefix = Prefix::new("/p/");
        let mut old = Cache::default();
        for (n, v) in [("a", 1), ("b", 2), ("c", 3)] {
            old.insert(entry(n, v, 1));
        }
        let mut new = old.clone();
        new.remove("b");
        new.insert(entry("c", 30, 2));
        new.insert(entry("a", 1, 2)); // rewritten, same items: no change
        new.insert(entry("d", 4, 2));
        let got: Vec<_> = net_change(&prefix, &old, &new)
            .into_iter()
            .map(|u| (u.etcd_key, u.kind, u.new.map(|n| n[0].value.clone())))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/p/b".to_string(), UpdateKind::Delete, None),
                ("/p/c".to_string(), UpdateKind::Put, Some(Value::Int(30))),
                ("/p/d".to_string(), UpdateKind::Put, Some(Value::Int(4))),
            ]
        );
    }
}
