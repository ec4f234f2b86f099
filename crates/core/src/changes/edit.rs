//! Changing one key: upsert or remove an item, and the compare-and-swap
//! writes that store the result under the registered spelling.

use crate::model::constraints::Constraints;
use crate::model::document::ConstrainedValue;
use crate::model::serialize::items_to_yaml;
use crate::store::{Expect, KeyRead, Prefix, Snapshot, Store, StoreError, StoredKey, Write};

/// Replace the item whose constraints equal `item`'s (the first such; later
/// duplicates, which Temporal ignores, are dropped), or append it.
pub fn upsert(items: &[ConstrainedValue], item: ConstrainedValue) -> Vec<ConstrainedValue> {
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut replaced = false;
    for i in items {
        if i.constraints == item.constraints {
            if !replaced {
                out.push(item.clone());
                replaced = true;
            }
        } else {
            out.push(i.clone());
        }
    }
    if !replaced {
        out.push(item);
    }
    out
}

/// Remove every item with exactly these constraints; `None` when there is none.
pub fn remove(items: &[ConstrainedValue], constraints: &Constraints) -> Option<Vec<ConstrainedValue>> {
    let kept: Vec<ConstrainedValue> = items
        .iter()
        .filter(|i| &i.constraints != constraints)
        .cloned()
        .collect();
    (kept.len() < items.len()).then_some(kept)
}

/// What is stored, as a diff shows it: canonical YAML where it parses,
/// the raw text where it does not.
pub fn stored_text(stored: &[StoredKey]) -> String {
    stored
        .iter()
        .map(|s| match &s.items {
            Ok(items) if !items.is_empty() => items_to_yaml(items),
            Ok(_) => String::new(),
            Err(_) => s.raw.clone(),
        })
        .collect()
}

/// The writes that make one key hold `new_items` (nothing: the key is
/// deleted), and the texts to show as a diff.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyWrite {
    /// The compare-and-swap writes (none: nothing to write).
    pub changes: Vec<Write>,
    /// What is stored now (canonical when it parses, else the raw text).
    pub old_text: String,
    /// What it will hold, canonical (empty: deleted).
    pub new_text: String,
    /// The etcd key written (the registered spelling).
    pub etcd_key: String,
}

impl KeyWrite {
    /// Whether it writes nothing (the key already holds the items).
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Plan the writes for one key. Every stored spelling other than the
/// registered one is deleted in the same transaction, each guarded by the
/// mod revision it was read at; the registered spelling is created (if
/// absent) or updated (if unchanged since read).
pub fn key_write(prefix: &Prefix, name: &str, stored: &[StoredKey], new_items: &[ConstrainedValue]) -> KeyWrite {
    let path = prefix.key_path(name);
    let new_text = if new_items.is_empty() {
        String::new()
    } else {
        items_to_yaml(new_items)
    };
    let old_text = stored_text(stored);
    let same_place = stored.len() == 1 && stored[0].etcd_key == path;
    let unchanged = (stored.is_empty() && new_items.is_empty())
        || (same_place
            && stored[0]
                .items
                .as_ref()
                .is_ok_and(|i| !i.is_empty() && items_to_yaml(i) == new_text));
    let mut changes = Vec::new();
    if !unchanged {
        for s in stored.iter().filter(|s| s.etcd_key != path) {
            changes.push(Write {
                etcd_key: s.etcd_key.clone(),
                value: None,
                expect: Expect::ModRevision(s.mod_revision),
                old: Some(s.raw.clone()),
            });
        }
        let current = stored.iter().find(|s| s.etcd_key == path);
        let expect = current
            .map(|s| Expect::ModRevision(s.mod_revision))
            .unwrap_or(Expect::Absent);
        let old = current.map(|s| s.raw.clone());
        if !new_items.is_empty() {
            changes.push(Write {
                etcd_key: path.clone(),
                value: Some(new_text.clone()),
                expect,
                old,
            });
        } else if current.is_some() {
            changes.push(Write {
                etcd_key: path.clone(),
                value: None,
                expect,
                old,
            });
        }
    }
    KeyWrite {
        changes,
        old_text,
        new_text,
        etcd_key: path,
    }
}

/// One key read for a change to it: every spelling stored, and a snapshot
/// to review the change against, which also holds the keys its review
/// compares it with (lowering read partitions is judged by the write
/// partitions in effect), each read now.
pub async fn read_for_change(store: &Store, name: &str) -> Result<(KeyRead, Snapshot), StoreError> {
    let read = store.read_key(name, true).await?;
    let mut keys = read.stored.clone();
    for other in crate::temporal::validate::compared_with(name) {
        keys.extend(store.read_key(other, true).await?.stored);
    }
    let snapshot = Snapshot {
        prefix: store.prefix().clone(),
        revision: read.revision,
        keys,
        foreign: Vec::new(),
    };
    Ok((read, snapshot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::Value;

    fn item(v: i64, ns: Option<&str>) -> ConstrainedValue {
        ConstrainedValue::new(
            Value::Int(v),
            Constraints {
                namespace: ns.map(String::from),
                ..Default::default()
            },
        )
    }

    fn stored(prefix: &Prefix, name: &str, text: &str, rev: i64) -> StoredKey {
        StoredKey::from_kv(prefix, prefix.key_path(name), Ok(text.into()), (rev, rev, 1))
    }

    #[test]
    fn upsert_replaces_the_item_with_equal_constraints() {
        let items = vec![item(1, None), item(2, Some("a")), item(3, Some("a"))];
        assert_eq!(
            upsert(&items, item(9, Some("a"))),
            vec![item(1, None), item(9, Some("a"))]
        );
        assert_eq!(upsert(&items, item(9, Some("b"))).len(), 4);
    }

    #[test]
    fn remove_needs_an_exact_match() {
        let items = vec![item(1, None), item(2, Some("a"))];
        assert_eq!(remove(&items, &Constraints::default()), Some(vec![item(2, Some("a"))]));
        assert_eq!(remove(&items, &item(0, Some("b")).constraints), None);
    }

    #[test]
    fn writes_compare_revisions_and_fix_spelling() {
        let p = Prefix::new("/p");
        // New key: must still be absent.
        let w = key_write(&p, "frontend.rps", &[], &[item(5, None)]);
        assert_eq!(w.changes.len(), 1);
        assert_eq!(w.changes[0].expect, Expect::Absent);
        assert_eq!(w.changes[0].etcd_key, "/p/frontend.rps");
        // Same meaning, other formatting: nothing to write.
        let s = stored(&p, "frontend.rps", "- value: 5\n  constraints: {}\n", 7);
        assert!(key_write(&p, "frontend.rps", std::slice::from_ref(&s), &[item(5, None)]).is_noop());
        // Changed: guarded by the read revision.
        let w = key_write(&p, "frontend.rps", std::slice::from_ref(&s), &[item(6, None)]);
        assert_eq!(w.changes[0].expect, Expect::ModRevision(7));
        // Stored under another spelling: deleted, and written under the registered one.
        let other = stored(&p, "Frontend.RPS", "- value: 5\n", 4);
        let w = key_write(&p, "frontend.rps", &[other], &[item(5, None)]);
        assert_eq!(w.changes.len(), 2);
        assert_eq!(
            (w.changes[0].etcd_key.as_str(), w.changes[0].value.is_none()),
            ("/p/Frontend.RPS", true)
        );
        assert_eq!(w.changes[1].expect, Expect::Absent);
        // Nothing left: the key is deleted.
        let w = key_write(&p, "frontend.rps", &[s], &[]);
        assert_eq!(w.changes[0].value, None);
        assert!(key_write(&p, "frontend.rps", &[], &[]).is_noop());
    }
}
