//! Saved plans (`diff --out`): a plan written to a file with the revisions
//! it was made at, applied later exactly as planned, or refused when the
//! prefix moved or the file was edited.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::changes::commit::Change;
use crate::changes::edit::stored_text;
use crate::changes::plan::{Action, Plan};
use crate::model::document::Document;
use crate::model::key::Key;
use crate::model::serialize::items_to_yaml;
use crate::store::{Expect, Guard, Prefix, Snapshot, StoredKey, Write};
use crate::temporal::registry::Registry;

/// A plan saved to a file (`diff --out`), applied later exactly as planned.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SavedPlan {
    /// The file format (1).
    pub format_version: u32,
    /// The prefix it was made for.
    pub prefix: String,
    /// The revision it was made at.
    pub revision: i64,
    /// Every key under the prefix and its mod revision when planned: the
    /// plan is stale if any of them moved, appeared or went away.
    pub state: Vec<(String, i64)>,
    /// Each key's change.
    pub changes: Vec<SavedChange>,
}

/// One key's change in a saved plan: its writes and the texts shown for it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SavedChange {
    /// The key, as written.
    pub key: String,
    /// Created, updated or deleted.
    pub action: Action,
    /// Its writes (a respelling deletes the old spelling too).
    pub writes: Vec<SavedWrite>,
    /// What was stored, for the diff shown.
    pub old_text: String,
    /// What it writes, for the diff shown.
    pub new_text: String,
}

/// One write of a saved plan, with the revision it expects.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SavedWrite {
    /// The etcd key written.
    pub etcd_key: String,
    /// The new value; absent for a delete.
    pub value: Option<String>,
    /// The mod revision expected; 0: the key must be absent.
    pub expect_mod_revision: i64,
}

impl SavedPlan {
    /// `plan`, made from `current`, as it is saved: with the mod revision of every key under the prefix.
    pub fn new(plan: &Plan, current: &Snapshot) -> SavedPlan {
        let mut state: Vec<(String, i64)> = current
            .keys
            .iter()
            .map(|k| (k.etcd_key.clone(), k.mod_revision))
            .collect();
        state.extend(current.foreign.iter().map(|f| (f.etcd_key.clone(), -1)));
        state.sort();
        SavedPlan {
            format_version: 1,
            prefix: plan.prefix.to_string(),
            revision: plan.revision,
            state,
            changes: plan
                .changes
                .iter()
                .map(|c| SavedChange {
                    key: c.name.clone(),
                    action: c.action,
                    old_text: c.old_text.clone(),
                    new_text: c.new_text.clone(),
                    writes: c
                        .writes(&plan.prefix)
                        .into_iter()
                        .map(|w| SavedWrite {
                            etcd_key: w.etcd_key,
                            value: w.value,
                            expect_mod_revision: match w.expect {
                                Expect::Absent => 0,
                                Expect::ModRevision(r) => r,
                            },
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Keys that moved since the plan was made (empty: not stale).
    pub fn moved_since(&self, current: &Snapshot) -> Vec<String> {
        let now: HashMap<&str, i64> = current
            .keys
            .iter()
            .map(|k| (k.etcd_key.as_str(), k.mod_revision))
            .chain(current.foreign.iter().map(|f| (f.etcd_key.as_str(), -1)))
            .collect();
        let then: HashMap<&str, i64> = self.state.iter().map(|(k, r)| (k.as_str(), *r)).collect();
        let mut moved: Vec<String> = then
            .iter()
            .filter(|(k, r)| now.get(*k) != Some(r) && **r >= 0)
            .map(|(k, _)| k.to_string())
            .chain(now.keys().filter(|k| !then.contains_key(*k)).map(|k| k.to_string()))
            .collect();
        moved.sort();
        moved
    }

    /// Every write, each guarded as planned.
    pub fn writes(&self) -> Vec<Write> {
        self.changes.iter().flat_map(SavedChange::writes).collect()
    }
}

/// Why a saved plan is refused: it was edited, or does not fit the prefix
/// it is applied to. A plan file is input like any other.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the plan cannot be applied as it is: {}", problems.join("; "))]
pub struct PlanFileError {
    /// Every problem found, each a sentence.
    pub problems: Vec<String>,
}

/// One change of a saved plan, checked against what is stored now: its
/// writes as the plan has them, and the diff to show derived from those
/// writes and the stored values (never the texts the file carries).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedChange {
    /// The key, as written.
    pub key: String,
    /// Created, updated or deleted.
    pub action: Action,
    /// Its writes as the plan has them, each guarded.
    pub writes: Vec<Write>,
    /// What is stored now, every spelling (canonical where it parses).
    pub old_text: String,
    /// What the plan writes.
    pub new_text: String,
}

impl SavedPlan {
    /// Check every write before any is made: each lies under the plan's
    /// prefix and names a dynamic config key; a change writes only
    /// spellings of its own key, and stores its value under the key's
    /// spelling in tcfg's canonical form, valid for `registry`; each
    /// expected revision is what `current` (read at the plan's prefix)
    /// holds; and the texts the plan shows are what it writes.
    pub fn check(
        &self,
        current: &Snapshot,
        registry: &Registry,
        opts: &crate::temporal::validate::Options,
    ) -> Result<Vec<CheckedChange>, PlanFileError> {
        let mut problems = Vec::new();
        let prefix = &current.prefix;
        if prefix.as_str() != self.prefix && Prefix::new(&self.prefix) != *prefix {
            problems.push(format!("it is for the prefix {}, not {prefix}", self.prefix));
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut checked = Vec::with_capacity(self.changes.len());
        for c in &self.changes {
            let before = problems.len();
            let key = Key::new(&c.key);
            if let Some(reason) = registry.foreign_reason(&c.key) {
                problems.push(format!(
                    "{} is not a dynamic config key ({reason})",
                    crate::model::key::escaped(&c.key)
                ));
            }
            let stored: Vec<StoredKey> = current.get(&key).into_iter().cloned().collect();
            let mut puts = 0;
            for w in &c.writes {
                let name = prefix.name_of(&w.etcd_key);
                match name {
                    None => problems.push(format!(
                        "{}: {} is outside the prefix {prefix}",
                        c.key,
                        crate::model::key::escaped(&w.etcd_key)
                    )),
                    Some(n) if Key::new(n) != key || registry.foreign_reason(n).is_some() => problems.push(format!(
                        "{}: writes {}, which is not a spelling of {}",
                        c.key,
                        crate::model::key::escaped(&w.etcd_key),
                        c.key
                    )),
                    Some(_) => {}
                }
                if let Some(other) = seen.insert(w.etcd_key.as_str(), c.key.as_str()) {
                    problems.push(format!("{} is written twice (by {other} and {})", w.etcd_key, c.key));
                }
                let now = current
                    .keys
                    .iter()
                    .find(|k| k.etcd_key == w.etcd_key)
                    .map(|k| k.mod_revision)
                    .unwrap_or(0);
                if now != w.expect_mod_revision {
                    problems.push(format!(
                        "{}: expects {} at revision {}, but it is at {now} (0: absent)",
                        c.key, w.etcd_key, w.expect_mod_revision
                    ));
                }
                if let Some(text) = &w.value {
                    puts += 1;
                    if w.etcd_key != prefix.key_path(&c.key) {
                        problems.push(format!("{}: a value is written to {}", c.key, w.etcd_key));
                    }
                    let parsed = crate::model::parse::parse_items(&w.etcd_key, &c.key, text);
                    let mut doc = Document::new(&w.etcd_key);
                    doc.insert(key.clone(), parsed.value.clone());
                    let errors: Vec<String> = parsed
                        .findings
                        .iter()
                        .chain(&crate::temporal::validate::validate(&doc, registry, opts))
                        .filter(|f| f.level == crate::model::finding::Level::Error)
                        .map(|f| f.message.clone())
                        .collect();
                    if !errors.is_empty() {
                        problems.push(format!("{}: the value is invalid: {}", c.key, errors.join("; ")));
                    } else if parsed.value.is_empty() || items_to_yaml(&parsed.value) != *text {
                        problems.push(format!(
                            "{}: the value is not what tcfg writes (edited by hand?)",
                            c.key
                        ));
                    }
                }
            }
            // Every stored spelling goes: the put replaces one, deletes the others.
            let untouched: Vec<&str> = stored
                .iter()
                .filter(|s| !c.writes.iter().any(|w| w.etcd_key == s.etcd_key))
                .map(|s| s.etcd_key.as_str())
                .collect();
            let action_fits = match c.action {
                Action::Create => puts == 1 && stored.is_empty(),
                Action::Update => puts == 1 && !stored.is_empty(),
                Action::Delete => puts == 0 && !stored.is_empty(),
            };
            if puts > 1 || !action_fits || (!c.writes.is_empty() && !untouched.is_empty()) {
                problems.push(format!(
                    "{}: its writes do not make a {:?} of the key as stored",
                    c.key, c.action
                ));
            }
            let new_text = c.writes.iter().find_map(|w| w.value.clone()).unwrap_or_default();
            let old_text = stored_text(&stored);
            if problems.len() == before && (c.new_text != new_text || c.old_text != old_text) {
                problems.push(format!(
                    "{}: the change it shows is not the change it writes (edited by hand?)",
                    c.key
                ));
            }
            let mut writes = c.writes();
            for w in &mut writes {
                w.old = stored.iter().find(|s| s.etcd_key == w.etcd_key).map(|s| s.raw.clone());
            }
            checked.push(CheckedChange {
                key: c.key.clone(),
                action: c.action,
                writes,
                old_text,
                new_text,
            });
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(PlanFileError { problems })
        }
    }
}

/// Why a plan file is not applied. A plan file is input like any other:
/// each refusal writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("it is not a plan saved by `tcfg diff --out` ({0})")]
    /// The file is not a saved plan (or not JSON).
    NotAPlan(serde_json::Error),
    #[error("it is a plan of format {0}, which this tcfg does not know")]
    /// A plan format this tcfg does not know.
    Format(u32),
    #[error("the plan's prefix {prefix} is not usable: {reason}")]
    /// The plan's prefix cannot be a prefix.
    Prefix {
        /// The prefix as the file gives it, escaped.
        prefix: String,
        /// Why it is not usable.
        reason: String,
    },
    #[error(
        "it was made for the prefix {planned}, but tcfg is set to {current}: a plan applies only where it was made. \
         Pass --prefix {planned} to apply it there"
    )]
    /// The plan was made for another prefix than tcfg is set to.
    Elsewhere {
        /// The prefix the plan was made for.
        planned: Prefix,
        /// The prefix tcfg is set to.
        current: Prefix,
    },
    #[error("the plan is stale: {} changed since it was made at revision {revision}. Run `tcfg diff --out` again", .keys.join(", "))]
    /// Keys under the prefix changed since the plan was made.
    Stale {
        /// The keys that moved.
        keys: Vec<String>,
        /// The revision the plan was made at.
        revision: i64,
    },
    #[error(transparent)]
    /// The plan was edited, or is invalid for this release.
    Refused(#[from] PlanFileError),
}

/// A saved plan checked against the prefix now, ready to commit.
pub struct Prepared {
    /// Its changes as checked: what to show.
    pub checked: Vec<CheckedChange>,
    /// Its changes as the plan they make from the prefix now: shown as
    /// every other plan is, and what the review looked at.
    pub plan: Plan,
    /// Its writes as planned, reviewed like a plan made on the spot and
    /// guarded by nothing under the prefix moving since it was checked.
    pub change: Change,
}

impl SavedPlan {
    /// A plan file's text, for the prefix tcfg is set to (`at`).
    pub fn load(text: &str, at: &Prefix) -> Result<SavedPlan, LoadError> {
        let saved: SavedPlan = serde_json::from_str(text).map_err(LoadError::NotAPlan)?;
        if saved.format_version != 1 {
            return Err(LoadError::Format(saved.format_version));
        }
        let planned = Prefix::parse(&saved.prefix).map_err(|reason| LoadError::Prefix {
            prefix: crate::model::key::escaped(&saved.prefix).into_owned(),
            reason,
        })?;
        if &planned != at {
            return Err(LoadError::Elsewhere {
                planned,
                current: at.clone(),
            });
        }
        Ok(saved)
    }

    /// This plan against `current` (its prefix as read now): refused when
    /// stale or when [`SavedPlan::check`] finds it edited or invalid, else
    /// the change that writes it exactly as planned.
    pub fn prepare(
        &self,
        current: &Snapshot,
        registry: &Registry,
        opts: &crate::temporal::validate::Options,
    ) -> Result<Prepared, LoadError> {
        let moved = self.moved_since(current);
        if !moved.is_empty() {
            return Err(LoadError::Stale {
                keys: moved,
                revision: self.revision,
            });
        }
        let checked = self.check(current, registry, opts)?;
        let planned = plan_of(&checked, current, registry);
        let findings = crate::changes::review::review(&planned, current, registry);
        let groups = checked.iter().map(|c| c.writes.clone()).collect();
        let change = Change::of_groups(groups, findings).guarded(Guard::Unchanged {
            prefix: current.prefix.clone(),
            since: current.revision,
        });
        // Shown: exactly the keys the saved plan writes.
        let mut planned = planned;
        let written: std::collections::HashSet<String> =
            checked.iter().map(|c| Key::new(&c.key).folded().to_string()).collect();
        planned.changes.retain(|c| written.contains(Key::new(&c.name).folded()));
        Ok(Prepared {
            checked,
            plan: planned,
            change,
        })
    }
}

/// Checked changes as the plan they make from `current`: what
/// [`crate::changes::review::review`] looks at, so a saved plan is reviewed
/// like one made on the spot.
pub fn plan_of(checked: &[CheckedChange], current: &Snapshot, registry: &Registry) -> Plan {
    let mut desired = current.document();
    // Each changed key leaves the document once and comes back with its new
    // items: one pass, however many keys the plan changes.
    let keys: Vec<Key> = checked.iter().map(|c| Key::new(&c.key)).collect();
    let changed: std::collections::HashSet<&str> = keys.iter().map(Key::folded).collect();
    desired.entries.retain(|e| !changed.contains(e.key.folded()));
    for (c, key) in checked.iter().zip(keys.iter()) {
        if !c.new_text.is_empty() {
            let items = crate::model::parse::parse_items(&c.key, &c.key, &c.new_text).value;
            desired.entries.push(crate::model::document::Entry {
                key: key.clone(),
                items,
                key_pos: Default::default(),
            });
        }
    }
    let opts = crate::changes::plan::PlanOptions {
        prune: true,
        ..Default::default()
    };
    crate::changes::plan::plan(&desired, current, registry, opts)
}

impl SavedChange {
    /// This key's writes, each guarded as planned.
    pub fn writes(&self) -> Vec<Write> {
        self.writes
            .iter()
            .map(|w| Write {
                etcd_key: w.etcd_key.clone(),
                value: w.value.clone(),
                // Known once checked against what is stored.
                old: None,
                expect: if w.expect_mod_revision == 0 {
                    Expect::Absent
                } else {
                    Expect::ModRevision(w.expect_mod_revision)
                },
            })
            .collect()
    }
}
