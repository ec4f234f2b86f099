//! Upgrading Temporal: what a config needs when its servers move from one
//! release to another. Temporal ignores keys it no longer registers, so a
//! renamed key silently falls back to its default; items can stop matching
//! (a precedence change) or stop converting (a type change); defaults flip
//! under keys the config does not set. All of it follows from the embedded
//! registries, and from what became of each removed key, read from
//! Temporal's history (`data/upgrades/removed.tsv`, with the evidence).

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::model::constraints::Constraints;
use crate::model::document::{Document, Entry};
use crate::model::key::fold;
use crate::model::value::text::flow;
use crate::model::value::Value;
use crate::temporal::registry::{KeyDef, Registry, Release, RELEASES};
use crate::temporal::resolve::convert;

mod removed;
use removed::order_of_minor;
pub use removed::{fate_of, removals, Fate, Removal};

/// What an entry of the report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A key the target no longer registers, renamed: write the new name.
    Renamed,
    /// A key the target no longer registers; another setting does its job.
    Replaced,
    /// A key the target no longer registers.
    Removed,
    /// The key's type changes (each item is checked too).
    TypeChanged,
    /// The key's precedence changes (each item is checked too).
    PrecedenceChanged,
    /// An item that converts now and will not: Temporal uses the default.
    StopsConverting,
    /// An item that matches lookups now and will not.
    StopsMatching,
    /// An item that never matched and will: it takes effect.
    StartsMatching,
    /// A value whose meaning changes.
    MeaningChanged,
    /// A default changes where the config does not set the key.
    DefaultChanged,
}

impl Kind {
    /// Whether the config needs a change (or a decision) before the
    /// upgrade; the rest are behaviour changes to review.
    pub fn is_work(self) -> bool {
        !matches!(self, Kind::TypeChanged | Kind::PrecedenceChanged | Kind::DefaultChanged)
    }

    /// The kind's name, as the report shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Renamed => "renamed",
            Kind::Replaced => "replaced",
            Kind::Removed => "removed",
            Kind::TypeChanged => "type-changed",
            Kind::PrecedenceChanged => "precedence-changed",
            Kind::StopsConverting => "stops-converting",
            Kind::StopsMatching => "stops-matching",
            Kind::StartsMatching => "starts-matching",
            Kind::MeaningChanged => "meaning-changed",
            Kind::DefaultChanged => "default-changed",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the upgrade changes for this config.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// What it is about.
    pub kind: Kind,
    /// The key as the config spells it (or the registry, for defaults).
    pub key: String,
    /// The key to write instead (renamed), or the one that does its job
    /// (replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// The item concerned, for item-level steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// What to do or know, one sentence.
    pub message: String,
    /// Where the fact comes from (commits in Temporal's repository).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The line of the key in the config file, when read from one.
    #[serde(skip)]
    pub line: u32,
}

/// The upgrade report of one config.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The release upgraded from.
    pub from: &'static str,
    /// The release upgraded to.
    pub to: &'static str,
    /// What the config needs, in order.
    pub steps: Vec<Step>,
}

impl Report {
    /// Whether anything must be done (exit status 2).
    pub fn has_work(&self) -> bool {
        self.steps.iter().any(|s| s.kind.is_work())
    }

    /// The renamed keys whose new spelling is registered by the target:
    /// (the config's spelling, the new one).
    pub fn renames(&self) -> impl Iterator<Item = (&str, &str)> {
        self.steps
            .iter()
            .filter(|s| s.kind == Kind::Renamed)
            .filter_map(|s| Some((s.key.as_str(), s.successor.as_deref()?)))
    }
}

/// Why an upgrade cannot be checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpgradeError {
    #[error("--from {from} is not older than --to {to}: upgrade-check looks at upgrades only")]
    /// `--from` is not older than `--to`.
    NotAnUpgrade {
        /// `--from`.
        from: String,
        /// `--to`.
        to: String,
    },
    #[error("upgrade-check compares embedded releases; a --schema file has no release history")]
    /// The registry is a schema file, not an embedded release.
    NotARelease,
}

/// Known changes of meaning: a value that reads differently from a release on.
struct Meaning {
    key: &'static str,
    /// The first release (a minor) that reads it the new way.
    since: &'static str,
    applies: fn(&Value) -> bool,
    message: &'static str,
    evidence: &'static str,
}

const MEANINGS: &[Meaning] = &[Meaning {
    key: "frontend.httpAllowedHosts",
    since: "1.29",
    applies: |v| matches!(v, Value::List(l) if l.is_empty()),
    message: "an empty list allows every host before v1.29; from v1.29 the list is compiled to a regular \
              expression and an empty one (^$) rejects every HTTP request. Remove the item to allow every host",
    evidence: "v1.28.4 service/frontend/service.go: an empty list of patterns returns matchAny; \
               v1.29.7 common/dynamicconfig/util.go: ConvertWildcardStringListToRegexp passes the list to \
               util.WildCardStringsToRegexp, which makes ^$ of an empty one",
}];

/// The release a config was written for, when `--from` is not given: the
/// newest release before `to` that registers every key the config sets
/// (keys no embedded release knows, a custom build's, do not count; nor
/// do new names that keys it knows are renamed or replaced by, as a first
/// upgrade plan writes them), else the release before `to` when only `to`
/// registers them all (the upgrade is done), and why. `Err`: no such release, with the keys that rule each out.
pub fn infer_from(doc: &Document, to: &'static Release) -> Result<(&'static Release, String), String> {
    let known_somewhere: Vec<&str> = doc
        .entries
        .iter()
        .map(|e| e.key.as_str())
        .filter(|k| RELEASES.iter().any(|r| Registry::release(r).get(k).is_some()))
        .collect();
    let mut ruled_out = Vec::new();
    for candidate in RELEASES[..to.position()].iter().rev() {
        let registry = Registry::release(candidate);
        // Mid-upgrade, after the first plan, the config holds the old names
        // and the new ones beside them: a new name is no sign of another
        // release when a key the candidate knows leads to it.
        let successors: Vec<_> = known_somewhere
            .iter()
            .filter(|k| registry.get(k).is_some())
            .filter_map(|k| removed::fate_of(k, candidate, to).last().and_then(|r| r.successor))
            .map(fold)
            .collect();
        let (unknown, successors_set): (Vec<&str>, Vec<&str>) = known_somewhere
            .iter()
            .copied()
            .filter(|k| registry.get(k).is_none())
            .partition(|k| !successors.contains(&fold(k)));
        if unknown.is_empty() {
            let why = if !successors_set.is_empty() {
                format!(
                    "the newest release before v{} that registers every key the config sets but the new names {} (an upgrade plan wrote them beside the old)",
                    to.minor(),
                    successors_set.join(", ")
                )
            } else if ruled_out.is_empty() {
                format!(
                    "the release before v{}, which registers every key the config sets",
                    to.minor()
                )
            } else {
                format!(
                    "the newest release before v{} that registers every key the config sets ({})",
                    to.minor(),
                    ruled_out.join("; ")
                )
            };
            return Ok((candidate, why));
        }
        ruled_out.push(format!("v{} does not know {}", candidate.minor(), unknown.join(", ")));
    }
    // An upgrade finished: every key is one the target registers, so the
    // step to it is checked (whatever is left shows there).
    let target = Registry::release(to);
    if let Some(previous) = to.previous() {
        if known_somewhere.iter().all(|k| target.get(k).is_some()) {
            return Ok((
                previous,
                format!(
                    "the release before v{}: the config's keys are v{}'s, as after an upgrade ({})",
                    to.minor(),
                    to.minor(),
                    ruled_out.join("; ")
                ),
            ));
        }
    }
    Err(ruled_out.join("; "))
}

/// The minor releases an upgrade from `from` to `to` passes over.
pub fn skipped(from: &Release, to: &Release) -> Vec<&'static str> {
    RELEASES
        .get(from.position() + 1..to.position())
        .unwrap_or_default()
        .iter()
        .map(Release::minor)
        .collect()
}

/// Check `doc` (the config the servers run) for an upgrade from `from` to `to`.
pub fn check(doc: &Document, from: &Registry, to: &Registry) -> Result<Report, UpgradeError> {
    let (Some(from_release), Some(to_release)) = (from.embedded_release(), to.embedded_release()) else {
        return Err(UpgradeError::NotARelease);
    };
    if from_release.position() >= to_release.position() {
        return Err(UpgradeError::NotAnUpgrade {
            from: from_release.minor().to_string(),
            to: to_release.minor().to_string(),
        });
    }
    let mut steps = Vec::new();
    for entry in &doc.entries {
        let name = entry.key.as_str();
        match (from.get(name), to.get(name)) {
            (Some(old), Some(new)) => steps.extend(item_steps(entry, old, new)),
            (Some(_), None) => steps.push(migrated(removed(entry, from_release, to_release, to), doc, entry)),
            // Written ahead under a name an intermediate release uses,
            // and gone again by the target (chasm.scheduler.* set while
            // running v1.28, for v1.31).
            (None, None) if !fate_of(name, from_release, to_release).is_empty() => {
                steps.push(migrated(removed(entry, from_release, to_release, to), doc, entry))
            }
            // Neither release knows it: a leftover of an older release (or
            // of a finished migration), a typo, or a custom build's key.
            // Temporal ignores it either way, so it is something to do.
            (None, None) => steps.push(Step {
                kind: Kind::Removed,
                key: name.to_string(),
                successor: None,
                constraints: None,
                message: match RELEASES.iter().rev().find(|r| Registry::release(r).get(name).is_some()) {
                    Some(last) => format!(
                        "v{} does not register it (v{} was the last release that did): Temporal ignores it; remove it",
                        to_release.minor(),
                        last.minor()
                    ),
                    None => format!(
                        "no release tcfg knows registers it, v{} included: Temporal ignores it; remove it, unless a custom server build reads it",
                        to_release.minor()
                    ),
                },
                evidence: None,
                line: entry.key_pos.line,
            }),
            _ => {}
        }
        for m in MEANINGS {
            let since = order_of_minor(m.since).unwrap_or(usize::MAX);
            if fold(m.key) == fold(name) && from_release.position() < since && since <= to_release.position() {
                for item in entry.items.iter().filter(|i| (m.applies)(&i.value)) {
                    steps.push(Step {
                        kind: Kind::MeaningChanged,
                        key: name.to_string(),
                        successor: None,
                        constraints: Some(item.constraints.clone()),
                        message: format!("{} = {}: {}", scope(&item.constraints), flow(&item.value), m.message),
                        evidence: Some(m.evidence.to_string()),
                        line: entry.key_pos.line,
                    });
                }
            }
        }
    }
    steps.extend(default_changes(doc, from, to, from_release, to_release));
    Ok(Report {
        from: from_release.tag,
        to: to_release.tag,
        steps,
    })
}

fn scope(c: &Constraints) -> String {
    if c.is_empty() {
        "the global item".to_string()
    } else {
        format!("the item for {c}")
    }
}

/// A key the target does not register: what became of it.
fn removed(entry: &Entry, from: &Release, to: &Release, to_registry: &Registry) -> Step {
    let name = entry.key.as_str();
    let chain = fate_of(name, from, to);
    let evidence = (!chain.is_empty()).then(|| {
        chain
            .iter()
            .map(|r| format!("{} (v{}): {}", r.key, r.removed_in, r.evidence))
            .collect::<Vec<_>>()
            .join("; ")
    });
    let last = chain.last();
    let first_gone = chain.first().map_or(to.minor(), |r| r.removed_in);
    let (kind, successor, message) = match last {
        Some(r) if r.fate == Fate::Renamed => {
            let next = r.successor.unwrap_or_default();
            let registered = to_registry.canonical_name(next).unwrap_or(next).to_string();
            let steps = chain
                .iter()
                .map(|r| format!("{} in v{}", r.successor.unwrap_or_default(), r.removed_in))
                .collect::<Vec<_>>()
                .join(", then ");
            (
                Kind::Renamed,
                Some(registered.clone()),
                format!(
                    "renamed ({steps}): Temporal ignores {name} from v{first_gone} and uses {registered}'s default unless it is written under the new name"
                ),
            )
        }
        Some(r) if r.fate == Fate::Replaced => {
            let next = r.successor.unwrap_or_default();
            (
                Kind::Replaced,
                Some(next.to_string()),
                format!(
                    "no longer registered from v{}: {next} does its job, but the values do not carry over as they are; set {next} to what you need and remove {name}",
                    r.removed_in
                ),
            )
        }
        _ => (
            Kind::Removed,
            None,
            format!("no longer registered from v{first_gone}: Temporal ignores it; remove it"),
        ),
    };
    Step {
        kind,
        key: name.to_string(),
        successor,
        constraints: None,
        message,
        evidence,
        line: entry.key_pos.line,
    }
}

/// A renamed key already written under its new name, with the same items,
/// says what is left: deleting the old name when the upgrade is done.
fn migrated(mut step: Step, doc: &Document, entry: &Entry) -> Step {
    if step.kind == Kind::Renamed {
        let new = step.successor.clone().unwrap_or_default();
        if doc.get(&new.as_str().into()).is_some_and(|e| e.items == entry.items) {
            step.message = format!(
                "renamed to {new}, which already holds the same values: delete {} once every server runs the new release (upgrade-check --out PLAN --finish)",
                step.key
            );
        }
    }
    step
}

/// Type and precedence changes of a key both releases register, and what
/// they do to each item.
fn item_steps(entry: &Entry, old: &KeyDef, new: &KeyDef) -> Vec<Step> {
    let name = entry.key.as_str();
    let step = |kind, constraints: Option<&Constraints>, message: String| Step {
        kind,
        key: name.to_string(),
        successor: None,
        constraints: constraints.cloned(),
        message,
        evidence: None,
        line: entry.key_pos.line,
    };
    let mut out = Vec::new();
    if old.value_type != new.value_type {
        out.push(step(
            Kind::TypeChanged,
            None,
            format!("type changes from {} to {}", old.value_type, new.value_type),
        ));
    }
    if old.precedence != new.precedence {
        out.push(step(
            Kind::PrecedenceChanged,
            None,
            format!(
                "precedence changes from {} to {}",
                old.precedence.name(),
                new.precedence.name()
            ),
        ));
    }
    for item in &entry.items {
        let fields = item.constraints.fields();
        let (was, will) = (
            old.precedence.levels().contains(&fields),
            new.precedence.levels().contains(&fields),
        );
        let c = Some(&item.constraints);
        if was && !will {
            out.push(step(
                Kind::StopsMatching,
                c,
                format!(
                    "{} stops matching: {} precedence never looks up these constraints",
                    scope(&item.constraints),
                    new.precedence.name()
                ),
            ));
        } else if !was && will {
            out.push(step(
                Kind::StartsMatching,
                c,
                format!(
                    "{} starts to apply ({} precedence looks it up): a value Temporal ignored until now takes effect",
                    scope(&item.constraints),
                    new.precedence.name()
                ),
            ));
        }
        if old.value_type != new.value_type || old.typed != new.typed {
            if let (Ok(_), Err(why)) = (convert(item.value.clone(), old), convert(item.value.clone(), new)) {
                out.push(step(
                    Kind::StopsConverting,
                    c,
                    format!(
                        "{} ({}) no longer converts to {}: {why}; Temporal will use the default instead",
                        scope(&item.constraints),
                        flow(&item.value),
                        new.value_type
                    ),
                ));
            }
        }
    }
    out
}

/// Defaults that change where the config does not decide: keys it does not
/// set, or sets only for some scopes. A renamed key's new default counts
/// against the old name's.
fn default_changes(doc: &Document, from: &Registry, to: &Registry, lo: &Release, hi: &Release) -> Vec<Step> {
    // The old name of each key renamed in the range, by new name.
    let mut old_name: HashMap<String, &str> = HashMap::new();
    for def in from.keys() {
        if to.get(&def.name).is_none() {
            if let Some(Removal {
                fate: Fate::Renamed,
                successor: Some(next),
                ..
            }) = fate_of(&def.name, lo, hi).last()
            {
                old_name.insert(fold(next), &def.name);
            }
        }
    }
    let mut out = Vec::new();
    for new in to.keys() {
        let renamed_from = old_name.get(&fold(&new.name)).copied();
        let Some(old) = from.get(renamed_from.unwrap_or(&new.name)) else {
            continue;
        };
        let (a, b) = (old.default_value(), new.default_value());
        if a == b {
            continue;
        }
        let set = [Some(new.name.as_str()), renamed_from]
            .into_iter()
            .flatten()
            .filter_map(|n| doc.get(&n.into()))
            .flat_map(|e| &e.items)
            .map(|i| &i.constraints)
            .collect::<Vec<_>>();
        if set.iter().any(|c| c.is_empty()) {
            continue;
        }
        let whose = if set.is_empty() {
            "the config does not set it"
        } else {
            "the config sets it only for some scopes: the others get the new default"
        };
        let renamed = renamed_from.map(|o| format!(" (as {o})")).unwrap_or_default();
        out.push(Step {
            kind: Kind::DefaultChanged,
            key: new.name.clone(),
            successor: None,
            constraints: None,
            message: format!("default changes from {}{renamed} to {}; {whose}", flow(&a), flow(&b)),
            evidence: None,
            line: 0,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse::parse_document;

    fn reg(v: &str) -> Registry {
        Registry::for_version(Some(v)).unwrap()
    }

    fn report(from: &str, to: &str, yaml: &str) -> Report {
        let doc = parse_document("c.yaml", yaml).value;
        check(&doc, &reg(from), &reg(to)).unwrap()
    }

    fn of_kind(r: &Report, kind: Kind) -> Vec<&Step> {
        r.steps.iter().filter(|s| s.kind == kind).collect()
    }

    #[test]
    fn the_scheduler_tweakables_had_three_names() {
        let r = report("1.28", "1.31", "component.scheduler.tweakables:\n- value: {}\n");
        let [s] = &of_kind(&r, Kind::Renamed)[..] else {
            panic!("{:?}", r.steps)
        };
        assert_eq!(s.successor.as_deref(), Some("scheduler.tweakables"));
        assert!(
            s.message.starts_with("renamed (chasm.scheduler.tweakables in v1.29, then scheduler.tweakables in v1.31): Temporal ignores component.scheduler.tweakables from v1.29"),
            "{}",
            s.message
        );
        let evidence = s.evidence.as_deref().unwrap();
        assert!(evidence.contains("#8255") && evidence.contains("#9200"), "{evidence}");
        assert!(r.has_work());
        // One release at a time: one name each.
        let r = report("1.29", "1.30", "chasm.scheduler.tweakables:\n- value: {}\n");
        assert!(r.steps.iter().all(|s| s.kind == Kind::DefaultChanged), "{:?}", r.steps);
        let r = report("1.30", "1.31", "chasm.scheduler.tweakables:\n- value: {}\n");
        assert_eq!(
            of_kind(&r, Kind::Renamed)[0].successor.as_deref(),
            Some("scheduler.tweakables")
        );
    }

    #[test]
    fn a_name_set_ahead_and_renamed_again_is_found() {
        let r = report("1.28", "1.31", "chasm.scheduler.serviceCallTimeout:\n- value: 10s\n");
        let renamed = of_kind(&r, Kind::Renamed);
        assert_eq!(renamed[0].successor.as_deref(), Some("scheduler.serviceCallTimeout"));
    }

    #[test]
    fn a_rename_already_written_says_what_is_left() {
        let r = report(
            "1.30",
            "1.31",
            "chasm.scheduler.serviceCallTimeout:\n- value: 10s\nscheduler.serviceCallTimeout:\n- value: 10s\n",
        );
        let renamed = of_kind(&r, Kind::Renamed);
        assert!(
            renamed[0].message.contains("already holds the same values"),
            "{}",
            renamed[0].message
        );
    }

    #[test]
    fn removed_and_replaced_keys_say_what_became_of_them() {
        let r = report(
            "1.28",
            "1.29",
            "history.cacheMaxSize:\n- value: 1024\nmatching.dropNonRetryableTasks:\n- value: true\n",
        );
        let replaced = of_kind(&r, Kind::Replaced);
        assert_eq!(replaced[0].successor.as_deref(), Some("history.hostLevelCacheMaxSize"));
        let removed = of_kind(&r, Kind::Removed);
        assert_eq!(removed[0].key, "matching.dropNonRetryableTasks");
        assert!(removed[0].evidence.as_deref().unwrap().contains("8eb3f5ae96"));
    }

    #[test]
    fn a_precedence_change_makes_items_start_or_stop_matching() {
        // history.enableChasm: global up to v1.29, namespace from v1.30.
        let r = report(
            "1.29",
            "1.30",
            "history.enableChasm:\n- value: true\n  constraints: {namespace: a}\n- value: false\n",
        );
        assert_eq!(of_kind(&r, Kind::PrecedenceChanged).len(), 1);
        let starts = of_kind(&r, Kind::StartsMatching);
        assert_eq!(starts.len(), 1);
        assert_eq!(starts[0].constraints.as_ref().unwrap().namespace.as_deref(), Some("a"));
        assert!(r.has_work());
    }

    #[test]
    fn a_type_change_flags_only_the_items_that_stop_converting() {
        // matching.enableFairness: bool, then GradualChange[bool] from v1.30;
        // a plain bool still converts.
        let r = report("1.29", "1.30", "matching.enableFairness:\n- value: true\n");
        assert_eq!(of_kind(&r, Kind::TypeChanged).len(), 1);
        assert!(of_kind(&r, Kind::StopsConverting).is_empty());
        // httpAllowedHosts: []string, then a regexp from wildcard strings: a
        // list of strings still converts; the empty list changes meaning.
        let r = report("1.28", "1.29", "frontend.httpAllowedHosts:\n- value: []\n");
        let m = of_kind(&r, Kind::MeaningChanged);
        assert_eq!(m.len(), 1);
        assert!(m[0].message.contains("rejects every HTTP request"), "{}", m[0].message);
        let r = report(
            "1.28",
            "1.29",
            "frontend.httpAllowedHosts:\n- value: [\"*.example.com\"]\n",
        );
        assert!(of_kind(&r, Kind::MeaningChanged).is_empty());
        // Past v1.29 the meaning is already the new one.
        assert!(of_kind(
            &report("1.29", "1.31", "frontend.httpAllowedHosts:\n- value: []\n"),
            Kind::MeaningChanged
        )
        .is_empty());
    }

    #[test]
    fn defaults_that_flip_under_unset_keys() {
        let r = report("1.29", "1.30", "frontend.rps:\n- value: 100\n");
        let d = of_kind(&r, Kind::DefaultChanged);
        let cross = d
            .iter()
            .find(|s| s.key == "system.enableCrossNamespaceCommands")
            .expect("listed");
        assert_eq!(
            cross.message,
            "default changes from true to false; the config does not set it"
        );
        assert!(!r.has_work(), "a default change is to review, not to do");
        // Set globally: the default never applies.
        let r = report("1.29", "1.30", "system.enableCrossNamespaceCommands:\n- value: true\n");
        assert!(of_kind(&r, Kind::DefaultChanged)
            .iter()
            .all(|s| s.key != "system.enableCrossNamespaceCommands"));
        // A typed default (GradualChange) counts too.
        let r = report("1.30", "1.31", "");
        assert!(of_kind(&r, Kind::DefaultChanged)
            .iter()
            .any(|s| s.key == "matching.useNewMatcher" && s.message.starts_with("default changes from false to true")));
    }

    #[test]
    fn a_renamed_key_with_a_new_default_is_compared_with_its_old_name() {
        let r = report("1.29", "1.30", "");
        let s = of_kind(&r, Kind::DefaultChanged)
            .into_iter()
            .find(|s| s.key == "component.nexusoperations.limit.request.timeout.min")
            .expect("listed");
        assert!(
            s.message
                .contains("as componenet.nexusoperations.limit.operation.timeout.min"),
            "{}",
            s.message
        );
    }

    #[test]
    fn only_upgrades_between_embedded_releases() {
        let doc = Document::default();
        assert!(matches!(
            check(&doc, &reg("1.31"), &reg("1.30")),
            Err(UpgradeError::NotAnUpgrade { .. })
        ));
    }

    /// Every pair of embedded releases: every key the older one registers
    /// and the newer does not is found, with what became of it, and every
    /// renamed key's successor is registered with the same type and
    /// precedence; every type and precedence change is found.
    #[test]
    fn every_pair_of_releases_finds_every_removed_renamed_and_retyped_key() {
        for (i, a) in RELEASES.iter().enumerate() {
            for b in &RELEASES[i + 1..] {
                let (from, to) = (Registry::release(a), Registry::release(b));
                // A config that sets every key of the older release.
                let mut doc = Document::default();
                for def in from.keys() {
                    doc.insert(def.name.as_str().into(), Vec::new());
                }
                let r = check(&doc, &from, &to).unwrap();
                // A config that sets nothing: every default that changes.
                let bare = check(&Document::default(), &from, &to).unwrap();
                for def in to.keys() {
                    let changed = from
                        .get(&def.name)
                        .is_some_and(|old| old.default_value() != def.default_value());
                    if changed {
                        assert!(
                            bare.steps
                                .iter()
                                .any(|s| s.kind == Kind::DefaultChanged && s.key == def.name),
                            "{} -> {}: the default of {}",
                            a.tag,
                            b.tag,
                            def.name
                        );
                    }
                }
                for def in from.keys() {
                    let steps: Vec<&Step> = r.steps.iter().filter(|s| s.key == def.name).collect();
                    let kinds: Vec<Kind> = steps.iter().map(|s| s.kind).collect();
                    match to.get(&def.name) {
                        None => {
                            let [s] = &steps[..] else {
                                panic!("{} -> {}: {}: {kinds:?}", a.tag, b.tag, def.name)
                            };
                            assert!(
                                s.evidence.is_some(),
                                "{} -> {}: {} has no evidence in removed.tsv",
                                a.tag,
                                b.tag,
                                def.name
                            );
                            if s.kind == Kind::Renamed {
                                let next = to
                                    .get(s.successor.as_deref().unwrap())
                                    .expect("the successor is registered");
                                assert_eq!(
                                    (&next.value_type, next.precedence),
                                    (&def.value_type, def.precedence),
                                    "{}",
                                    def.name
                                );
                            }
                        }
                        Some(new) => {
                            assert_eq!(
                                kinds.contains(&Kind::TypeChanged),
                                new.value_type != def.value_type,
                                "{}",
                                def.name
                            );
                            assert_eq!(
                                kinds.contains(&Kind::PrecedenceChanged),
                                new.precedence != def.precedence,
                                "{}",
                                def.name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_removals_data_matches_the_registries() {
        for r in removals() {
            let at = order_of_minor(r.removed_in).expect("an embedded release");
            assert!(at > 0, "{}", r.key);
            let (before, after) = (Registry::release(&RELEASES[at - 1]), Registry::release(&RELEASES[at]));
            assert!(
                before.get(r.key).is_some() && after.get(r.key).is_none(),
                "{} removed in {}",
                r.key,
                r.removed_in
            );
            if let Some(next) = r.successor {
                assert!(after.get(next).is_some(), "{next} is registered in {}", r.removed_in);
            }
            assert_eq!(r.fate == Fate::Removed, r.successor.is_none(), "{}", r.key);
        }
    }
}
