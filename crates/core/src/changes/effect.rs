//! The effect of a change: what Temporal's lookups return before and after
//! it, for every scope a key's items name and for everything else. A diff
//! of item lists does not say this: changing the global item of a key does
//! nothing for a namespace with its own item.

use std::collections::HashSet;
use std::fmt;

use super::plan::KeyChange;
use crate::model::constraints::Constraints;
use crate::model::value::text::flow;
use crate::temporal::registry::Registry;
use crate::temporal::resolve::{ItemIndex, Resolution, Source};

/// One scope's value before and after a change.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeEffect {
    /// The constraint set an item names; `None` is every scope no item
    /// names ("everything else").
    pub scope: Option<Constraints>,
    /// What a lookup for the scope returns before the change.
    pub before: Resolution,
    /// What it returns after.
    pub after: Resolution,
    /// The scope has an item of its own, unchanged by the change: what
    /// keeps its value when a less specific item changes.
    pub own_item: bool,
}

impl ScopeEffect {
    /// Whether the value Temporal reads for this scope changes.
    pub fn changes(&self) -> bool {
        self.before.value != self.after.value
    }
}

/// The effect of one key's change; `None` for keys the release does not
/// register (their precedence is unknown).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEffect {
    /// Everything else first, then the scopes whose value changes, then
    /// those that keep it, each group in constraint order.
    pub scopes: Vec<ScopeEffect>,
}

impl KeyEffect {
    /// How many of the scopes read another value after the change.
    pub fn changed(&self) -> usize {
        self.scopes.iter().filter(|s| s.changes()).count()
    }
}

/// The effect of `change` (from what it found stored to what it writes).
pub fn effect(change: &KeyChange, registry: &Registry) -> Option<KeyEffect> {
    let def = registry.get(&change.name)?;
    let before = change.old_items();
    let after = &change.new_items;
    let (old, new) = (ItemIndex::new(before), ItemIndex::new(after));
    let mut seen = HashSet::new();
    let mut named: Vec<&Constraints> = before
        .iter()
        .chain(after)
        .map(|i| &i.constraints)
        .filter(|c| !c.is_empty() && seen.insert(*c))
        .collect();
    named.sort();
    let everything_else = Constraints::default();
    let mut scopes: Vec<ScopeEffect> = std::iter::once(None)
        .chain(named.into_iter().map(Some))
        .map(|scope| {
            let at = scope.unwrap_or(&everything_else);
            let after_res = new.resolve(def, at);
            let own_item = scope.is_some()
                && matches!(after_res.source, Source::Item { .. })
                && match (old.first(at), new.first(at)) {
                    (Some(o), Some(n)) => o.value == n.value,
                    _ => false,
                };
            ScopeEffect {
                scope: scope.cloned(),
                before: old.resolve(def, at),
                after: after_res,
                own_item,
            }
        })
        .collect();
    // Stable: everything else stays first, then changes before keeps.
    scopes[1..].sort_by_key(|s| !s.changes());
    Some(KeyEffect { scopes })
}

/// Values longer than this are cut in sentences (the diff has them whole).
const VALUE_WIDTH: usize = 80;

/// A resolved value as a sentence shows it: one line, marked when it is a
/// default rather than an item.
pub fn value_text(r: &Resolution) -> String {
    let mut text = flow(&r.value);
    if text.len() > VALUE_WIDTH {
        let mut cut = VALUE_WIDTH;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    match r.source {
        Source::Item { .. } => text,
        Source::BuiltinDefault { .. } => format!("{text} (built-in default)"),
        Source::RegisteredDefault => format!("{text} (default)"),
    }
}

/// `namespace=payments, taskQueueName=orders`, or "everything else".
pub fn scope_text(scope: Option<&Constraints>) -> String {
    match scope {
        None => "everything else".to_string(),
        Some(c) => c.iter().map(|(f, v)| format!("{f}={v}")).collect::<Vec<_>>().join(", "),
    }
}

impl fmt::Display for ScopeEffect {
    /// "namespace=payments keeps 4000: it has its own item", or
    /// "everything else: 2000 → 3000".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = scope_text(self.scope.as_ref());
        if self.changes() {
            write!(f, "{scope}: {} → {}", value_text(&self.before), value_text(&self.after))?;
        } else {
            write!(f, "{scope} keeps {}", value_text(&self.after))?;
            if self.own_item {
                write!(f, ": it has its own item")?;
            }
        }
        if let Some(err) = &self.after.conversion_error {
            write!(f, " (its item does not convert, so a default applies: {err})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::plan::{plan, snapshot_of, PlanOptions};
    use crate::model::parse::parse_document;

    fn effects(old: &str, new: &str) -> Vec<String> {
        let registry = Registry::for_version(None).unwrap();
        let (old, new) = (
            parse_document("old.yaml", old).value,
            parse_document("new.yaml", new).value,
        );
        let current = snapshot_of(&old);
        let p = plan(
            &new,
            &current,
            &registry,
            PlanOptions {
                prune: true,
                ..Default::default()
            },
        );
        assert_eq!(p.changes.len(), 1, "one key changes");
        effect(&p.changes[0], &registry)
            .expect("a registered key")
            .scopes
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_namespace_with_its_own_item_keeps_it() {
        let old = "frontend.namespaceRPS:\n- value: 2000\n- value: 4000\n  constraints: {namespace: payments}\n- value: 100\n  constraints: {namespace: batch}\n";
        let new = "frontend.namespaceRPS:\n- value: 3000\n- value: 4000\n  constraints: {namespace: payments}\n- value: 150\n  constraints: {namespace: batch}\n";
        assert_eq!(
            effects(old, new),
            [
                "everything else: 2000 → 3000",
                "namespace=batch: 100 → 150",
                "namespace=payments keeps 4000: it has its own item",
            ]
        );
    }

    #[test]
    fn removing_an_item_falls_back_to_the_less_specific_one() {
        let old = "frontend.namespaceRPS:\n- value: 2000\n- value: 4000\n  constraints: {namespace: payments}\n";
        let new = "frontend.namespaceRPS:\n- value: 2000\n";
        assert_eq!(
            effects(old, new),
            ["everything else keeps 2000", "namespace=payments: 4000 → 2000"]
        );
    }

    #[test]
    fn deleting_a_key_brings_back_the_default() {
        let old = "frontend.rps:\n- value: 1200\n";
        assert_eq!(effects(old, ""), ["everything else: 1200 → 2400 (default)"]);
        assert_eq!(effects("", old), ["everything else: 2400 (default) → 1200"]);
    }

    #[test]
    fn an_item_that_does_not_convert_says_so() {
        let old = "frontend.rps:\n- value: 1200\n";
        let new = "frontend.rps:\n- value: lots\n";
        let [only] = &effects(old, new)[..] else {
            panic!("one scope")
        };
        assert!(
            only.starts_with("everything else: 1200 → 2400 (default) (its item does not convert"),
            "{only}"
        );
    }

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let r = Resolution {
            value: crate::model::value::Value::String("é".repeat(100)),
            source: Source::Item { index: 0 },
            level: None,
            conversion_error: None,
        };
        let text = value_text(&r);
        assert!(
            text.ends_with('…') && text.len() <= VALUE_WIDTH + '…'.len_utf8(),
            "{text}"
        );
    }

    #[test]
    fn unregistered_keys_have_no_effect() {
        let registry = Registry::for_version(None).unwrap();
        let new = parse_document("n.yaml", "custom.key:\n- value: 1\n").value;
        let current = snapshot_of(&Default::default());
        let p = plan(&new, &current, &registry, PlanOptions::default());
        assert_eq!(effect(&p.changes[0], &registry), None);
    }
}
