//! Plans: the semantic difference between a desired [`Document`] and what a
//! prefix holds ([`Snapshot`]), and the one transaction that applies it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::changes::edit::{key_write, stored_text};
use crate::model::constraints::Constraints;
use crate::model::document::{ConstrainedValue, Document};
use crate::model::key::Key;
use crate::model::serialize::{canonical_order, items_to_yaml};
use crate::model::value::Value;
use crate::store::{Prefix, Snapshot, StoredKey, Write};
use crate::temporal::registry::{Registry, ValueType};
use crate::temporal::resolve::ItemIndex;

/// What a plan does to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The key is not stored: it is created.
    Create,
    /// The key is stored: its list is replaced.
    Update,
    /// The key is deleted (every spelling).
    Delete,
}

/// One item's difference, matched by constraint set (not list position).
#[derive(Clone, Debug, PartialEq)]
pub enum ItemChange {
    /// An item with constraints the stored list does not have.
    Added(ConstrainedValue),
    /// A stored item whose constraints the new list does not have.
    Removed(ConstrainedValue),
    /// An item whose value changes for the same constraints.
    Changed {
        /// The scope.
        constraints: Constraints,
        /// The value before.
        old: Value,
        /// The value after.
        new: Value,
    },
}

/// One key to change.
#[derive(Clone, Debug)]
pub struct KeyChange {
    /// The name written (the registered spelling when registered).
    pub name: String,
    /// Created, updated or deleted.
    pub action: Action,
    /// What is stored now, every spelling (with the revisions read).
    pub stored: Vec<StoredKey>,
    /// The items it will hold (none: deleted).
    pub new_items: Vec<ConstrainedValue>,
    /// Item by item; empty when the stored value does not parse.
    pub items: Vec<ItemChange>,
    /// Canonical texts, for diffs.
    pub old_text: String,
    /// What it will hold, canonical.
    pub new_text: String,
    /// The servers apply it only when they restart (the key's description
    /// says so).
    pub restart: bool,
}

impl KeyChange {
    /// The items Temporal reads now: those of the first stored spelling,
    /// when its value parses (none otherwise).
    pub fn old_items(&self) -> &[ConstrainedValue] {
        match self.stored.first().map(|s| &s.items) {
            Some(Ok(items)) => items,
            _ => &[],
        }
    }

    /// The compare-and-swap writes of this change.
    pub fn writes(&self, prefix: &Prefix) -> Vec<Write> {
        key_write(prefix, &self.name, &self.stored, &self.new_items).changes
    }
}

/// A plan: what to write to make a prefix hold a desired document.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The prefix it writes.
    pub prefix: Prefix,
    /// The revision the current state was read at.
    pub revision: i64,
    /// Each key to change, sorted by key.
    pub changes: Vec<KeyChange>,
    /// Keys already as desired.
    pub unchanged: usize,
    /// Keys left alone because they exist (`create_only`).
    pub kept_existing: usize,
}

impl Plan {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many keys it changes by `action`.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// "3 to update, 1 to create, 0 to delete"
    pub fn summary(&self) -> String {
        format!(
            "{} to create, {} to update, {} to delete",
            self.count(Action::Create),
            self.count(Action::Update),
            self.count(Action::Delete)
        )
    }

    /// Every write, each guarded by what was read.
    pub fn writes(&self) -> Vec<Write> {
        self.changes.iter().flat_map(|c| c.writes(&self.prefix)).collect()
    }

    /// The writes grouped by key, for [`crate::changes::commit`]: a key's
    /// writes (a respelling deletes the old spelling too) always share a
    /// transaction.
    pub fn write_groups(&self) -> Vec<Vec<Write>> {
        self.changes.iter().map(|c| c.writes(&self.prefix)).collect()
    }
}

/// Options for [`plan`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanOptions {
    /// Delete dynamic config keys the document does not name.
    pub prune: bool,
    /// Only create missing keys; never touch existing ones.
    pub create_only: bool,
}

/// Equal meaning for Temporal: item order, `{}` vs no constraints and
/// quoting are already gone after parsing; here an int equals the same
/// float for float settings, and durations compare by length.
pub fn values_equal(a: &Value, b: &Value, ty: Option<&ValueType>) -> bool {
    if a == b {
        return true;
    }
    match ty {
        Some(ValueType::Float) => a.same_number(b),
        Some(ValueType::Duration) => match (
            crate::model::value::check_duration(a),
            crate::model::value::check_duration(b),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

/// The first item of each constraint set: the one Temporal reads.
fn first_of_each(items: &[ConstrainedValue]) -> Vec<&ConstrainedValue> {
    let mut seen: std::collections::HashSet<&Constraints, foldhash::fast::RandomState> =
        std::collections::HashSet::with_capacity_and_hasher(items.len(), Default::default());
    items.iter().filter(|i| seen.insert(&i.constraints)).collect()
}

fn item_changes(old: &[ConstrainedValue], new: &[ConstrainedValue], ty: Option<&ValueType>) -> Vec<ItemChange> {
    // Temporal reads the first of equal constraint sets; compare those.
    let (old_index, new_index) = (ItemIndex::new(old), ItemIndex::new(new));
    let mut out = Vec::new();
    for o in first_of_each(old) {
        match new_index.first(&o.constraints) {
            None => out.push(ItemChange::Removed(o.clone())),
            Some(n) if !values_equal(&o.value, &n.value, ty) => out.push(ItemChange::Changed {
                constraints: o.constraints.clone(),
                old: o.value.clone(),
                new: n.value.clone(),
            }),
            Some(_) => {}
        }
    }
    for n in first_of_each(new) {
        if old_index.first(&n.constraints).is_none() {
            out.push(ItemChange::Added(n.clone()));
        }
    }
    out
}

/// Whether one key's values on two prefixes differ: the one definition of
/// drift (`watch` reports it, `status` counts it, `sync` removes it). Items
/// are matched by their constraints and values compared by meaning for the
/// key's type ([`values_equal`]), as a plan decides a key unchanged; a key
/// with no items is the same as one not stored.
pub fn differs(
    name: &str,
    a: Option<&[ConstrainedValue]>,
    b: Option<&[ConstrainedValue]>,
    registry: &Registry,
) -> bool {
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    !item_changes(a, b, registry.get(name).map(|d| &d.value_type)).is_empty()
}

/// The plan that makes `current` hold `desired`.
pub fn plan(desired: &Document, current: &Snapshot, registry: &Registry, opts: PlanOptions) -> Plan {
    let mut by_key: HashMap<&str, Vec<&StoredKey>> = HashMap::new();
    for s in &current.keys {
        by_key.entry(s.key.folded()).or_default().push(s);
    }
    let mut changes = Vec::new();
    let mut unchanged = 0;
    let mut kept_existing = 0;
    let mut wanted: HashMap<&str, ()> = HashMap::new();
    for entry in &desired.entries {
        let folded = entry.key.folded();
        if wanted.insert(folded, ()).is_some() {
            // A second spelling in the document: validation reports it.
            continue;
        }
        let def = registry.get(entry.key.as_str());
        let name = def.map(|d| d.name.clone()).unwrap_or_else(|| entry.key.to_string());
        let stored: Vec<StoredKey> = by_key
            .get(folded)
            .map(|v| v.iter().map(|s| (*s).clone()).collect())
            .unwrap_or_default();
        if opts.create_only && !stored.is_empty() {
            kept_existing += 1;
            continue;
        }
        let ty = def.map(|d| &d.value_type);
        let new_items: Vec<ConstrainedValue> = canonical_order(&entry.items).into_iter().cloned().collect();
        let (action, items) = match stored.as_slice() {
            [] if new_items.is_empty() => {
                unchanged += 1;
                continue;
            }
            [] => (
                Action::Create,
                new_items.iter().cloned().map(ItemChange::Added).collect(),
            ),
            many => {
                // Several spellings: Temporal reads one at random; any of them
                // differing means the key must be written.
                let mut diff = Vec::new();
                let mut all_parse = true;
                for s in many {
                    match &s.items {
                        Ok(old) => {
                            let d = item_changes(old, &new_items, ty);
                            if diff.is_empty() {
                                diff = d;
                            }
                        }
                        Err(_) => all_parse = false,
                    }
                }
                let same = all_parse
                    && many.iter().all(|s| {
                        s.items
                            .as_ref()
                            .is_ok_and(|old| item_changes(old, &new_items, ty).is_empty())
                    });
                if same && (many.len() == 1 || new_items.is_empty()) && !new_items.is_empty() {
                    unchanged += 1;
                    continue;
                }
                if new_items.is_empty() {
                    (Action::Delete, diff)
                } else {
                    (Action::Update, diff)
                }
            }
        };
        changes.push(KeyChange {
            restart: registry.needs_restart(&name),
            old_text: stored_text(&stored),
            new_text: if new_items.is_empty() {
                String::new()
            } else {
                items_to_yaml(&new_items)
            },
            name,
            action,
            stored,
            new_items,
            items,
        });
    }
    if opts.prune && !opts.create_only {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for s in &current.keys {
            let folded = s.key.folded();
            if wanted.contains_key(folded) || seen.insert(folded, ()).is_some() {
                continue;
            }
            let stored: Vec<StoredKey> = by_key[folded].iter().map(|s| (*s).clone()).collect();
            let name = registry
                .canonical_name(s.key.as_str())
                .unwrap_or(s.key.as_str())
                .to_string();
            changes.push(KeyChange {
                restart: registry.needs_restart(&name),
                old_text: stored_text(&stored),
                new_text: String::new(),
                items: stored[0]
                    .items
                    .as_ref()
                    .map(|i| i.iter().cloned().map(ItemChange::Removed).collect())
                    .unwrap_or_default(),
                name,
                action: Action::Delete,
                stored,
                new_items: Vec::new(),
            });
        }
    }
    changes.sort_by(|a, b| Key::new(a.name.as_str()).cmp(&Key::new(b.name.as_str())));
    Plan {
        prefix: current.prefix.clone(),
        revision: current.revision,
        changes,
        unchanged,
        kept_existing,
    }
}

/// The plan that makes one key hold `new_items` (none: the key deleted),
/// as `put`, `delete` and the library's `Client::write` make it: the key's
/// writes are exactly [`key_write`]'s (the registered spelling written,
/// other spellings deleted), and the plan is empty when nothing would be
/// written. `stored` is every spelling read, at `revision`.
pub fn key_plan(
    prefix: &Prefix,
    name: &str,
    stored: &[StoredKey],
    new_items: &[ConstrainedValue],
    registry: &Registry,
    revision: i64,
) -> Plan {
    let w = key_write(prefix, name, stored, new_items);
    let mut plan = Plan {
        prefix: prefix.clone(),
        revision,
        changes: Vec::new(),
        unchanged: 0,
        kept_existing: 0,
    };
    if w.is_noop() {
        plan.unchanged = 1;
        return plan;
    }
    let old: &[ConstrainedValue] = match stored.first().map(|s| &s.items) {
        Some(Ok(items)) => items,
        _ => &[],
    };
    let parses = stored.first().is_none_or(|s| s.items.is_ok());
    plan.changes.push(KeyChange {
        name: name.to_string(),
        action: if new_items.is_empty() {
            Action::Delete
        } else if stored.is_empty() {
            Action::Create
        } else {
            Action::Update
        },
        stored: stored.to_vec(),
        new_items: new_items.to_vec(),
        items: if parses {
            item_changes(old, new_items, registry.get(name).map(|d| &d.value_type))
        } else {
            Vec::new()
        },
        old_text: w.old_text,
        new_text: w.new_text,
        restart: registry.needs_restart(name),
    });
    plan
}

/// A snapshot made from a document, for comparing two files offline.
pub fn snapshot_of(doc: &Document) -> Snapshot {
    let prefix = Prefix::new("");
    Snapshot {
        prefix: prefix.clone(),
        revision: 0,
        keys: doc
            .entries
            .iter()
            .map(|e| StoredKey {
                etcd_key: prefix.key_path(e.key.as_str()),
                key: e.key.clone(),
                create_revision: 0,
                mod_revision: 0,
                version: 0,
                raw: items_to_yaml(&e.items),
                items: Ok(e.items.clone()),
                canonical: true,
            })
            .collect(),
        foreign: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::saved::SavedPlan;
    use crate::model::parse::parse_document;
    use crate::store::Expect;

    fn reg() -> Registry {
        Registry::for_version(None).unwrap()
    }

    #[test]
    fn drift_is_a_difference_temporal_would_read() {
        let r = reg();
        let items = |text: &str| parse_document("t", text).value.entries.remove(0).items;
        let a = items("k:\n  - value: 2\n  - value: 1\n    constraints: {namespace: a}\n");
        let b = items("k:\n  - constraints: {namespace: a}\n    value: 1\n  - value: 2\n");
        assert!(
            !differs("frontend.rps", Some(&a), Some(&b), &r),
            "order and layout are not drift"
        );
        let float = |v: &str| items(&format!("k:\n  - value: {v}\n"));
        // A float setting reads 1 and 1.0 alike; a duration reads 60s and 1m alike.
        assert!(!differs(
            "admin.matchingNamespaceToPartitionDispatchRate",
            Some(&float("1")),
            Some(&float("1.0")),
            &r
        ));
        assert!(!differs(
            "activity.longPollTimeout",
            Some(&float("60s")),
            Some(&float("1m")),
            &r
        ));
        assert!(differs("frontend.rps", Some(&float("1")), Some(&float("2")), &r));
        assert!(differs("frontend.rps", Some(&a), None, &r));
        assert!(!differs("frontend.rps", Some(&[]), None, &r), "no items is not stored");
    }

    fn current(text: &str) -> Snapshot {
        let prefix = Prefix::new("/p");
        let doc = parse_document("stored", text).value;
        Snapshot {
            prefix: prefix.clone(),
            revision: 10,
            keys: doc
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    StoredKey::from_kv(
                        &prefix,
                        prefix.key_path(e.key.as_str()),
                        Ok(items_to_yaml(&e.items)),
                        (i as i64 + 1, i as i64 + 1, 1),
                    )
                })
                .collect(),
            foreign: Vec::new(),
        }
    }

    fn plan_of(desired: &str, stored: &str, opts: PlanOptions) -> Plan {
        plan(&parse_document("d", desired).value, &current(stored), &reg(), opts)
    }

    #[test]
    fn equal_meaning_is_no_change() {
        let stored = "frontend.namespaceRPS:\n- value: 1\n- value: 2\n  constraints: {namespace: a}\nfrontend.keepAliveMinTime:\n- value: 10s\nfrontend.historyHostErrorPercentage:\n- value: 1.0\n";
        let desired = "FRONTEND.namespacerps:\n- value: 2\n  constraints: {namespace: a}\n- value: 1\n  constraints: {}\nfrontend.keepAliveMinTime:\n- value: \"10s\"\nfrontend.historyHostErrorPercentage:\n- value: 1\n";
        let p = plan_of(desired, stored, PlanOptions::default());
        assert!(p.is_empty(), "{:?}", p.changes);
        assert_eq!(p.unchanged, 3);
        // Durations compare by length.
        assert!(plan_of(
            "frontend.keepAliveMinTime:\n- value: 10\n",
            stored,
            PlanOptions::default()
        )
        .is_empty());
        // An int is not an equal float for an int key.
        let p = plan_of(
            "limit.maxIDLength:\n- value: 5.0\n",
            "limit.maxIDLength:\n- value: 5\n",
            PlanOptions::default(),
        );
        assert_eq!(p.changes.len(), 1);
    }

    #[test]
    fn items_are_matched_by_constraints() {
        let stored = "frontend.namespaceRPS:\n- value: 1\n- value: 2\n  constraints: {namespace: a}\n- value: 3\n  constraints: {namespace: b}\n";
        let desired = "frontend.namespaceRPS:\n- value: 9\n  constraints: {namespace: a}\n- value: 1\n- value: 4\n  constraints: {namespace: c}\n";
        let p = plan_of(desired, stored, PlanOptions::default());
        assert_eq!(p.changes.len(), 1);
        let c = &p.changes[0];
        assert_eq!(c.action, Action::Update);
        assert_eq!(c.items.len(), 3);
        assert!(c.items.iter().any(|i| matches!(
            i,
            ItemChange::Changed {
                old: Value::Int(2),
                new: Value::Int(9),
                ..
            }
        )));
        assert!(c
            .items
            .iter()
            .any(|i| matches!(i, ItemChange::Removed(r) if r.value == Value::Int(3))));
        assert!(c
            .items
            .iter()
            .any(|i| matches!(i, ItemChange::Added(a) if a.value == Value::Int(4))));
        assert_eq!(p.summary(), "0 to create, 1 to update, 0 to delete");
    }

    #[test]
    fn create_delete_prune_and_create_only() {
        let stored = "frontend.rps:\n- value: 1\nfrontend.namespaceRPS:\n- value: 1\n";
        let desired = "frontend.rps:\n- value: 2\nlimit.maxIDLength:\n- value: 100\n";
        let p = plan_of(desired, stored, PlanOptions::default());
        assert_eq!(
            (
                p.count(Action::Create),
                p.count(Action::Update),
                p.count(Action::Delete)
            ),
            (1, 1, 0)
        );
        let p = plan_of(
            desired,
            stored,
            PlanOptions {
                prune: true,
                ..Default::default()
            },
        );
        assert_eq!(p.count(Action::Delete), 1);
        let w = p.writes();
        let del = w.iter().find(|w| w.value.is_none()).unwrap();
        assert_eq!(del.etcd_key, "/p/frontend.namespaceRPS");
        assert_eq!(del.expect, Expect::ModRevision(2));
        let create = w.iter().find(|w| w.etcd_key == "/p/limit.maxIDLength").unwrap();
        assert_eq!(create.expect, Expect::Absent);
        let p = plan_of(
            desired,
            stored,
            PlanOptions {
                create_only: true,
                prune: true,
            },
        );
        assert_eq!((p.count(Action::Create), p.changes.len(), p.kept_existing), (1, 1, 1));
        // An empty list in the document deletes the key.
        let p = plan_of("frontend.rps: []\n", stored, PlanOptions::default());
        assert_eq!(p.count(Action::Delete), 1);
    }

    #[test]
    fn another_spelling_is_rewritten_only_when_touched() {
        let stored = "Frontend.RPS:\n- value: 1\n";
        assert!(plan_of("frontend.rps:\n- value: 1\n", stored, PlanOptions::default()).is_empty());
        let p = plan_of("frontend.rps:\n- value: 2\n", stored, PlanOptions::default());
        let w = p.writes();
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[0].etcd_key.as_str(), w[0].value.is_none()),
            ("/p/Frontend.RPS", true)
        );
        assert_eq!(
            (w[1].etcd_key.as_str(), w[1].expect),
            ("/p/frontend.rps", Expect::Absent)
        );
    }

    #[test]
    fn saved_plans_are_checked_before_they_are_trusted() {
        let snap = current("frontend.rps:\n- value: 1\n");
        let p = plan(
            &parse_document("d", "frontend.rps:\n- value: 2\nlimit.maxIDLength:\n- value: 9\n").value,
            &snap,
            &reg(),
            PlanOptions::default(),
        );
        let saved = SavedPlan::new(&p, &snap);
        let opts = crate::temporal::validate::Options::default();
        let checked = saved.check(&snap, &reg(), &opts).unwrap();
        assert_eq!(checked.len(), 2);
        assert_eq!(
            checked.iter().flat_map(|c| c.writes.clone()).collect::<Vec<_>>(),
            p.writes()
        );
        assert_eq!(checked[0].old_text, "- value: 1\n");
        // The diff shown comes from the writes and the store, not the file.
        let mut edited = saved.clone();
        edited.changes[0].writes[0].value = Some("- value: 3\n".into());
        let err = edited.check(&snap, &reg(), &opts).unwrap_err();
        assert!(
            err.to_string()
                .contains("the change it shows is not the change it writes"),
            "{err}"
        );
        // A plan for another prefix.
        let mut elsewhere = snap.clone();
        elsewhere.prefix = Prefix::new("/q");
        assert!(saved.check(&elsewhere, &reg(), &opts).is_err());
    }

    #[test]
    fn saved_plans_detect_staleness() {
        let snap = current("frontend.rps:\n- value: 1\n");
        let p = plan(
            &parse_document("d", "frontend.rps:\n- value: 2\n").value,
            &snap,
            &reg(),
            PlanOptions::default(),
        );
        let saved = SavedPlan::new(&p, &snap);
        assert!(saved.moved_since(&snap).is_empty());
        let bare = |w: Vec<Write>| -> Vec<_> { w.into_iter().map(|c| (c.etcd_key, c.value, c.expect)).collect() };
        assert_eq!(bare(saved.writes()), bare(p.writes()));
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(serde_json::from_str::<SavedPlan>(&json).unwrap(), saved);
        let mut later = snap.clone();
        later.keys[0].mod_revision = 99;
        assert_eq!(saved.moved_since(&later), ["/p/frontend.rps"]);
        let mut later = snap.clone();
        later.keys.clear();
        assert_eq!(saved.moved_since(&later), ["/p/frontend.rps"]);
    }
}
