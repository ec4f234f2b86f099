//! Validation: what Temporal would reject, ignore or silently misread.

use std::collections::HashMap;

mod constraints;
mod values;

use crate::model::constraints::Constraints;
use crate::model::document::{ConstrainedValue, Document, Entry};
use crate::model::finding::{self, Code, Finding, Level, Remedy};
use crate::model::key::Key;
use crate::model::parse::parse_document;
use crate::model::value::Value;
use crate::model::yaml::Pos;
use crate::temporal::registry::{release_note, KeyDef, Registry};
use crate::temporal::resolve::ItemIndex;

/// Validation options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Report unknown keys as warnings (custom server builds).
    pub allow_unknown_keys: bool,
    /// Report each key the registry does not know. A caller that shows
    /// only a few of them (a prefix full of a custom build's keys) turns
    /// this off and makes those few with [`unknown_key_finding`]: the
    /// did-you-mean of each is a search over every registered name.
    pub report_unknown_keys: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow_unknown_keys: false,
            report_unknown_keys: true,
        }
    }
}

/// The finding for a key the registry does not know: did-you-mean, the
/// releases that register it, and what would accept it.
pub fn unknown_key_finding(origin: &str, name: &str, pos: Pos, registry: &Registry, opts: &Options) -> Finding {
    let level = if opts.allow_unknown_keys {
        Level::Warning
    } else {
        Level::Error
    };
    let note = registry
        .is_embedded()
        .then(|| release_note(name, &registry.version))
        .flatten();
    let mut hints = Vec::new();
    if let Some(note) = &note {
        hints.push(format!("{note}."));
    }
    let suggestions = registry.suggest(name);
    if !suggestions.is_empty() {
        hints.push(format!("did you mean {}?", suggestions.join(" or ")));
    }
    if !opts.allow_unknown_keys {
        hints.push("Temporal ignores unknown keys.".into());
    }
    let hint = if hints.is_empty() {
        "Temporal ignores keys it does not register.".into()
    } else {
        hints.join(" ")
    };
    let remedy = match note.as_ref().and_then(|n| n.added_in()) {
        Some(minor) => Some(Remedy::Release(Some(minor))),
        None => (!opts.allow_unknown_keys).then_some(Remedy::AllowUnknownKeys),
    };
    let mut f = Finding::new(
        Code::UnknownKey,
        origin,
        pos,
        Some(name),
        format!("not a key of Temporal {}", registry.version),
    )
    .with_level(level)
    .with_hint(hint);
    f.remedy = remedy;
    f
}

/// Parse and validate a file: every finding, sorted by position.
pub fn check_source(origin: &str, text: &str, registry: &Registry, opts: &Options) -> (Document, Vec<Finding>) {
    let parsed = parse_document(origin, text);
    let mut findings = parsed.findings;
    findings.extend(validate(&parsed.value, registry, opts));
    finding::sort(&mut findings);
    (parsed.value, findings)
}

/// Parse and validate several files that together form one desired state:
/// each file is checked alone, and a key defined in more than one file is
/// an error (which file should win is not something to guess).
pub fn check_sources(
    sources: &[(String, String)],
    registry: &Registry,
    opts: &Options,
) -> (Vec<Document>, Vec<Finding>) {
    let mut docs = Vec::new();
    let mut findings = Vec::new();
    let mut seen: HashMap<String, (String, Pos)> = HashMap::new();
    for (origin, text) in sources {
        let (doc, f) = check_source(origin, text, registry, opts);
        findings.extend(f);
        for e in &doc.entries {
            match seen.get(e.key.folded()) {
                Some((other, pos)) if other != origin => {
                    let msg = format!("also defined in {other}:{pos}; one key must live in one file");
                    findings.push(
                        Finding::new(Code::DuplicateKey, origin, e.key_pos, Some(e.key.as_str()), msg)
                            .with_hint("remove it from one of the files"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(e.key.folded().to_string(), (origin.clone(), e.key_pos));
                }
            }
        }
        docs.push(doc);
    }
    finding::sort(&mut findings);
    (docs, findings)
}

/// The verdict on a stored value (parsed items of one key), the same
/// wherever one is read (the watch client, `render`, `status`): the errors
/// for which Temporal would not serve it as written
/// ([`Code::refuses_stored_value`]); none: it is served.
pub fn stored_value_errors(origin: &str, key: &Key, items: &[ConstrainedValue], registry: &Registry) -> Vec<Finding> {
    // A key the release does not know is ignored by Temporal, not refused.
    let opts = Options {
        allow_unknown_keys: true,
        ..Default::default()
    };
    let mut found = validate_key(origin, key, Pos::default(), items, registry, &opts);
    found.retain(|f| f.level == Level::Error && f.code.refuses_stored_value());
    found
}

/// The semantic checks on a parsed document. For a rolling upgrade (a
/// registry with an older release beside it) the document must suit both:
/// a key is known if either release registers it, and every other check is
/// made against each release, a finding of one release only saying which.
pub fn validate(doc: &Document, registry: &Registry, opts: &Options) -> Vec<Finding> {
    per_release(registry, |registry| {
        let mut v = Validator::new(&doc.origin, registry, opts);
        v.case_duplicates(doc);
        for entry in &doc.entries {
            v.key(&entry.key, entry.key_pos, &entry.items);
        }
        v.partitions(doc);
        v.out
    })
}

/// `check` made with the registry's release, or, during a rolling upgrade,
/// with each of its two releases, merged (see [`super::rolling`]).
fn per_release(registry: &Registry, check: impl Fn(&Registry) -> Vec<Finding>) -> Vec<Finding> {
    match registry.older() {
        None => check(registry),
        Some(older) => super::rolling::across_releases(check(older), check(registry), older, registry),
    }
}

/// The checks of [`validate`] that look at one key alone (all but two
/// spellings of a key, and read against write partitions: see
/// [`validate_across_keys`]), for keys checked one by one, as they are read.
pub fn validate_key(
    origin: &str,
    key: &Key,
    key_pos: Pos,
    items: &[ConstrainedValue],
    registry: &Registry,
    opts: &Options,
) -> Vec<Finding> {
    per_release(registry, |registry| {
        let mut v = Validator::new(origin, registry, opts);
        v.key(key, key_pos, items);
        v.out
    })
}

/// The checks of [`validate`] that compare keys, on a document that holds
/// at least the keys they compare: every spelling of a key written more than
/// once, and both task queue partition keys.
pub fn validate_across_keys(doc: &Document, registry: &Registry, opts: &Options) -> Vec<Finding> {
    per_release(registry, |registry| {
        let mut v = Validator::new(&doc.origin, registry, opts);
        v.case_duplicates(doc);
        v.partitions(doc);
        v.out
    })
}

/// The keys [`validate_across_keys`] compares besides the spellings of one key.
pub const KEYS_COMPARED: [&str; 2] = [
    "matching.numTaskqueueReadPartitions",
    "matching.numTaskqueueWritePartitions",
];

/// The keys a change to `name` is judged beside (none for most keys): a
/// review of it needs them in the state it is made against.
pub fn compared_with(name: &str) -> impl Iterator<Item = &'static str> + '_ {
    let compared = KEYS_COMPARED.iter().any(|k| k.eq_ignore_ascii_case(name));
    KEYS_COMPARED
        .into_iter()
        .filter(move |k| compared && !k.eq_ignore_ascii_case(name))
}

struct Validator<'a> {
    origin: &'a str,
    registry: &'a Registry,
    opts: &'a Options,
    out: Vec<Finding>,
}

impl<'a> Validator<'a> {
    fn new(origin: &'a str, registry: &'a Registry, opts: &'a Options) -> Self {
        Validator {
            origin,
            registry,
            opts,
            out: Vec::new(),
        }
    }

    fn push(&mut self, code: Code, pos: Pos, key: &str, message: impl Into<String>) -> &mut Finding {
        self.out.push(Finding::new(code, self.origin, pos, Some(key), message));
        self.out.last_mut().expect("just pushed")
    }

    fn case_duplicates(&mut self, doc: &Document) {
        let mut first: HashMap<&str, &Entry, foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(doc.entries.len(), Default::default());
        for e in &doc.entries {
            match first.get(e.key.folded()) {
                Some(f) => {
                    // Stored keys have no line: their spellings say enough.
                    let first = if f.key_pos.is_known() {
                        format!("{} (line {})", f.key, f.key_pos.line)
                    } else {
                        f.key.to_string()
                    };
                    let msg = format!(
                        "written twice, as {first} and {}: Temporal ignores case in key names and picks one of the two at random",
                        e.key
                    );
                    self.push(Code::CaseDuplicateKey, e.key_pos, e.key.as_str(), msg).hint =
                        Some("merge the items into one key".into());
                }
                None => {
                    first.insert(e.key.folded(), e);
                }
            }
        }
    }

    fn key(&mut self, key: &Key, key_pos: Pos, items: &[ConstrainedValue]) {
        self.chasm_constraint(key.as_str(), items);
        self.history_task_names(key.as_str(), items);
        self.dead_constraints(key.as_str(), items);
        self.entry(key.as_str(), key_pos, items);
    }

    fn entry(&mut self, name: &str, key_pos: Pos, items: &[ConstrainedValue]) {
        for item in items {
            self.writable(name, item);
        }
        let Some(def) = self.registry.get(name) else {
            self.unknown_key(name, key_pos);
            return;
        };
        for item in items {
            self.value_type(name, def, item);
            self.never_matches(name, def, item);
            self.zero_rate_limit(name, def, item);
        }
        self.duplicate_constraints(name, items);
        self.shadowed(name, def, items);
    }

    fn unknown_key(&mut self, name: &str, key_pos: Pos) {
        if let (true, Some(reason)) = (self.opts.allow_unknown_keys, self.registry.foreign_reason(name)) {
            let msg = format!(
                "{} cannot be a dynamic config key ({reason}): tcfg never writes such a name under a prefix, where it would be another application's key",
                crate::model::key::escaped(name)
            );
            let f = self.push(Code::NotAKeyName, key_pos, name, msg);
            f.hint = Some(
                "a key of a custom server build is named like `area.name`, or registered in a custom schema".into(),
            );
            f.remedy = Some(Remedy::CustomSchema);
            return;
        }
        if self.opts.report_unknown_keys {
            let f = unknown_key_finding(self.origin, name, key_pos, self.registry, self.opts);
            self.out.push(f);
        }
    }

    fn shadowed(&mut self, name: &str, def: &KeyDef, items: &[ConstrainedValue]) {
        if def.constrained_defaults.is_empty() {
            return;
        }
        let levels = def.precedence.levels();
        let rank = |c: &Constraints| levels.iter().position(|l| *l == c.fields());
        let present: std::collections::HashSet<&Constraints, foldhash::fast::RandomState> =
            items.iter().map(|i| &i.constraints).collect();
        for item in items {
            let Some(user_rank) = rank(&item.constraints) else {
                continue;
            };
            let shadows: Vec<String> = def
                .constrained_defaults
                .iter()
                .filter(|b| {
                    rank(&b.constraints).is_some_and(|r| r < user_rank)
                        && compatible(&b.constraints, &item.constraints)
                        && !present.contains(&b.constraints)
                })
                .map(|b| format!("{} => {}", b.constraints, b.raw))
                .collect();
            if shadows.is_empty() {
                continue;
            }
            let msg = format!(
                "this value does not reach every task queue{}: more specific built-in defaults still apply: {}",
                scope_suffix(&item.constraints),
                shadows.join("; ")
            );
            self.push(Code::ShadowedByBuiltin, item.pos.item, name, msg).hint =
                Some("to override a built-in default, add an item with exactly its constraints".into());
        }
    }

    fn partitions(&mut self, doc: &Document) {
        let (Some(read_def), Some(write_def)) =
            (self.registry.get(KEYS_COMPARED[0]), self.registry.get(KEYS_COMPARED[1]))
        else {
            return;
        };
        let read = doc.get(&KEYS_COMPARED[0].into());
        let write = doc.get(&KEYS_COMPARED[1].into());
        if read.is_none() && write.is_none() {
            return;
        }
        let no_items: &[ConstrainedValue] = &[];
        let read_items = read.map(|e| e.items.as_slice()).unwrap_or(no_items);
        let write_items = write.map(|e| e.items.as_slice()).unwrap_or(no_items);
        let (read_index, write_index) = (ItemIndex::new(read_items), ItemIndex::new(write_items));
        let mut reported: std::collections::HashSet<&Constraints, foldhash::fast::RandomState> = Default::default();
        for item in read_items.iter().chain(write_items) {
            if !reported.insert(&item.constraints) {
                continue;
            }
            let r = read_index.resolve(read_def, &item.constraints);
            let w = write_index.resolve(write_def, &item.constraints);
            if let (Value::Int(r), Value::Int(w)) = (&r.value, &w.value) {
                if r < w {
                    let at = read_index
                        .first(&item.constraints)
                        .or_else(|| write_index.first(&item.constraints))
                        .map(|i| i.pos.item)
                        .unwrap_or_default();
                    let key = read.map(|e| e.key.as_str()).unwrap_or(KEYS_COMPARED[0]);
                    let msg = format!(
                        "{r} read partitions but {w} write partitions{}: tasks written to the extra partitions are never read",
                        scope_suffix(&item.constraints)
                    );
                    self.push(Code::PartitionMismatch, at, key, msg).hint = Some(
                        "keep read partitions >= write partitions (when shrinking, lower the write partitions first and the read partitions once the extra ones are drained)".into(),
                    );
                }
            }
        }
    }
}

/// Can one lookup scope satisfy both constraint sets?
fn compatible(a: &Constraints, b: &Constraints) -> bool {
    a.iter().all(|(f, v)| b.get(f).is_none_or(|w| w == v))
}

fn scope_suffix(c: &Constraints) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" for {c}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<Finding> {
        let r = Registry::for_version(None).unwrap();
        check_source("t.yaml", text, &r, &Options::default()).1
    }

    fn codes(text: &str) -> Vec<&'static str> {
        findings(text).iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_key_in_two_files_is_an_error() {
        let r = Registry::for_version(None).unwrap();
        let sources = vec![
            ("a.yaml".to_string(), "frontend.rps:\n- value: 1\n".to_string()),
            ("b.yaml".to_string(), "x: 1\nFrontend.RPS:\n- value: 2\n".to_string()),
        ];
        let (docs, f) = check_sources(&sources, &r, &Options::default());
        assert_eq!(docs.len(), 2);
        let dup: Vec<_> = f.iter().filter(|f| f.code == Code::DuplicateKey).collect();
        assert_eq!(dup.len(), 1);
        assert_eq!(dup[0].origin, "b.yaml");
        assert!(dup[0].message.contains("a.yaml:1:1"));
    }

    #[test]
    fn unknown_keys_with_did_you_mean_and_release_notes() {
        let f = findings("frontend.rsp:\n- value: 1\n");
        assert_eq!(f[0].code, Code::UnknownKey);
        assert_eq!(f[0].level, Level::Error);
        assert!(f[0].hint.as_deref().unwrap().contains("did you mean frontend.rps"));
        assert_eq!((f[0].line, f[0].column), (1, 1));
        let f = findings("history.cacheMaxSize:\n- value: 1\n");
        assert!(
            f[0].hint.as_deref().unwrap().contains("removed in v1.29"),
            "{:?}",
            f[0].hint
        );
        let r = Registry::for_version(Some("1.27")).unwrap();
        let (_, f) = check_source(
            "t",
            "chasm.callback.allowedAddresses:\n- value: []\n",
            &r,
            &Options::default(),
        );
        assert!(
            f[0].hint.as_deref().unwrap().contains("added in v1.30"),
            "{:?}",
            f[0].hint
        );
        let (_, f) = check_source(
            "t",
            "my.custom:\n- value: 1\n",
            &Registry::for_version(None).unwrap(),
            &Options {
                allow_unknown_keys: true,
                ..Default::default()
            },
        );
        assert_eq!(f[0].level, Level::Warning);
    }

    #[test]
    fn type_mismatches_point_at_the_value() {
        let f = findings("limit.maxIDLength:\n  - value: 255.0\n");
        assert_eq!(f[0].code, Code::TypeMismatch);
        assert_eq!((f[0].line, f[0].column), (2, 12));
        assert_eq!(codes("limit.maxIDLength:\n- value: \"255\"\n"), ["type-mismatch"]);
        assert_eq!(
            codes("frontend.workerVersioningDataAPIs:\n- value: yes\n"),
            ["type-mismatch"]
        );
        assert!(codes("frontend.workerVersioningDataAPIs:\n- value: \"T\"\n").is_empty());
        assert_eq!(
            codes("frontend.keepAliveMinTime:\n- value: 10 seconds\n"),
            ["bad-duration"]
        );
        assert!(codes("frontend.keepAliveMinTime:\n- value: 30\n").is_empty());
        assert!(codes("frontend.keepAliveMinTime:\n- value: 1d\n").is_empty());
        assert_eq!(codes("frontend.keepAliveMinTime:\n- value: \"-5\"\n"), ["bad-duration"]);
        assert_eq!(
            codes("system.secondaryVisibilityWritingMode:\n- value: false\n"),
            ["type-mismatch"]
        );
        assert!(codes("history.timerProcessorSchedulerActiveRoundRobinWeights:\n- value: {a: 1}\n").is_empty());
        assert_eq!(
            codes("history.timerProcessorSchedulerActiveRoundRobinWeights:\n- value: [1]\n"),
            ["type-mismatch"]
        );
        assert_eq!(
            codes("frontend.rps:\n- Value: 5\n"),
            ["unknown-item-field", "type-mismatch"]
        );
    }

    #[test]
    fn typed_settings_are_checked_against_their_schema() {
        assert_eq!(
            codes("history.defaultActivityRetryPolicy:\n- value: [1]\n"),
            ["type-mismatch"]
        );
        assert_eq!(
            codes("history.defaultActivityRetryPolicy:\n- value: {InitialInterval: 1s}\n"),
            ["ignored-field"]
        );
        assert_eq!(
            codes("history.defaultActivityRetryPolicy:\n- value: {InitialIntervalInSeconds: soon}\n"),
            ["bad-duration"]
        );
        assert_eq!(codes("frontend.httpAllowedHosts:\n- value: '*'\n"), ["type-mismatch"]);
    }

    #[test]
    fn never_matches() {
        let f = findings("frontend.rps:\n- value: 5\n  constraints: {namespace: a}\n");
        assert_eq!(f[0].code, Code::NeverMatches);
        assert!(f[0].hint.as_deref().unwrap().contains("global setting"));
        assert_eq!(f[0].line, 3);
        let f = findings("matching.numTaskqueueReadPartitions:\n- value: 5\n  constraints: {taskType: Activity}\n");
        assert_eq!(f[0].code, Code::NeverMatches);
        assert_eq!(
            codes(
                "matching.numTaskqueueReadPartitions:\n- value: 5\n  constraints: {namespace: a, taskType: Activity}\n"
            ),
            ["never-matches"]
        );
        assert_eq!(codes("matching.numTaskqueueReadPartitions:\n- value: 5\n  constraints: {taskQueueName: q, taskType: Activity}\n"), ["never-matches"]);
        assert_eq!(
            codes("history.transferProcessorMaxPollRPS:\n- value: 5\n  constraints: {namespace: a}\n"),
            ["never-matches"]
        );
        assert!(codes("frontend.namespaceRPS:\n- value: 5\n  constraints: {namespace: a}\n").is_empty());
    }

    #[test]
    fn duplicates() {
        let f = findings("frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: a}\n- value: 2\n  constraints: {namespace: a}\n");
        assert_eq!(f[0].code, Code::DuplicateConstraints);
        assert_eq!(f[0].line, 4);
        // {} and omitted constraints are the same set.
        assert_eq!(
            codes("frontend.rps:\n- value: 1\n- value: 2\n  constraints: {}\n"),
            ["duplicate-constraints"]
        );
        let f = findings("frontend.rps:\n- value: 1\nFrontend.RPS:\n- value: 2\n");
        assert_eq!(f[0].code, Code::CaseDuplicateKey);
        assert_eq!(f[0].line, 3);
    }

    #[test]
    fn warnings() {
        assert_eq!(codes("frontend.rps:\n- value: 0\n"), ["zero-rate-limit"]);
        assert_eq!(
            codes("frontend.namespaceRPS:\n- value: -1\n  constraints: {namespace: a}\n"),
            ["zero-rate-limit"]
        );
        assert!(codes("history.shardUpdateMinInterval:\n- value: 0\n").is_empty());
        let f = findings("matching.numTaskqueueReadPartitions:\n- value: 2\n  constraints: {namespace: a, taskQueueName: q}\nmatching.numTaskqueueWritePartitions:\n- value: 4\n  constraints: {namespace: a, taskQueueName: q}\n");
        let c: Vec<_> = f.iter().map(|f| f.code).collect();
        assert_eq!(c, [Code::PartitionMismatch]);
        assert_eq!(f[0].level, Level::Warning);
        // A write count above the default read count (4) with no read override.
        let c = codes("matching.numTaskqueueWritePartitions:\n- value: 8\n  constraints: {namespace: a}\n");
        assert!(c.contains(&"partition-mismatch"), "{c:?}");
        assert!(codes("matching.numTaskqueueWritePartitions:\n- value: 2\n")
            .iter()
            .all(|c| *c != "partition-mismatch"));
    }

    #[test]
    fn shadowed_by_builtin_is_a_note() {
        let f = findings(
            "matching.numTaskqueueReadPartitions:\n- value: 8\nmatching.numTaskqueueWritePartitions:\n- value: 8\n",
        );
        let notes: Vec<_> = f.iter().filter(|f| f.code == Code::ShadowedByBuiltin).collect();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].level, Level::Note);
        assert!(notes[0].message.contains("temporal-sys-per-ns-tq"));
        // A namespace value is shadowed only by built-ins that can share its scope.
        let f = findings("matching.updateAckInterval:\n- value: 2m\n  constraints: {namespace: a}\n");
        assert_eq!(f.iter().filter(|f| f.code == Code::ShadowedByBuiltin).count(), 1);
        let f = findings(
            "matching.numTaskqueueReadPartitions:\n- value: 8\n  constraints: {namespace: a, taskQueueName: q}\n",
        );
        assert!(f.iter().all(|f| f.code != Code::ShadowedByBuiltin));
    }

    #[test]
    fn key_by_key_and_across_keys_find_what_the_whole_document_does() {
        let r = Registry::for_version(None).unwrap();
        let text = "\
frontend.rps:
- value: fast
Frontend.RPS:
- value: 5
frontend.namespaceRPS:
- value: 0
- value: 10
  constraints: {namespace: a}
- value: 11
  constraints: {namespace: a}
acme.custom:
- value: 1
matching.numTaskqueueReadPartitions:
- value: 2
  constraints: {namespace: a, taskQueueName: q}
matching.numTaskqueueWritePartitions:
- value: 4
  constraints: {namespace: a, taskQueueName: q}
history.rps:
- value: 1
  constraints: {taskQueueName: q, chasmTaskType: x}
";
        let doc = parse_document("t.yaml", text).value;
        let opts = Options::default();
        let key = |f: &Finding| (f.code, f.line, f.column, f.message.clone());
        let mut whole: Vec<_> = validate(&doc, &r, &opts).iter().map(key).collect();
        let mut split: Vec<_> = validate_across_keys(&doc, &r, &opts).iter().map(key).collect();
        for e in &doc.entries {
            split.extend(
                validate_key("t.yaml", &e.key, e.key_pos, &e.items, &r, &opts)
                    .iter()
                    .map(key),
            );
        }
        whole.sort();
        split.sort();
        assert!(whole.len() >= 5, "{whole:?}");
        assert_eq!(whole, split);
    }
}
