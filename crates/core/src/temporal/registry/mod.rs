//! Temporal's key registry: every registered key with its type, precedence
//! and defaults, per Temporal release, embedded as data.

mod describe;
mod releases;
mod suggest;
mod tsv;

use suggest::Bag;

pub use describe::Description;
pub use releases::{find_release, latest_release, release_note, releases_with, Release, ReleaseNote, RELEASES};

use std::fmt;
use std::sync::Arc;
use std::sync::OnceLock;

use hashbrown::HashTable;

use crate::model::constraints::{ConstraintField as F, Constraints, FieldSet};
use crate::model::key::{folded_hash, for_each_word, same_key, NameShape};
use crate::model::value::Value;
use crate::temporal::typed::{TypedSchemas, TypedSetting};

/// The value type of a setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `string`
    String,
    /// `duration`
    Duration,
    /// `map`
    Map,
    /// A structured setting, with the Go type the registry names.
    Typed(String),
}

impl ValueType {
    /// The type named `s` as the registry TSV writes it.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "bool" => ValueType::Bool,
            "int" => ValueType::Int,
            "float" => ValueType::Float,
            "string" => ValueType::String,
            "duration" => ValueType::Duration,
            "map" => ValueType::Map,
            _ => ValueType::Typed(s.strip_prefix("typed:")?.to_string()),
        })
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Bool => f.write_str("bool"),
            ValueType::Int => f.write_str("int"),
            ValueType::Float => f.write_str("float"),
            ValueType::String => f.write_str("string"),
            ValueType::Duration => f.write_str("duration"),
            ValueType::Map => f.write_str("map"),
            ValueType::Typed(t) => write!(f, "typed:{t}"),
        }
    }
}

/// A key's precedence kind: which constraint sets a lookup tries, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precedence {
    /// Global: no constraint.
    Global,
    /// By namespace.
    Namespace,
    /// By namespace ID.
    NamespaceId,
    /// By task queue (namespace, name and type).
    TaskQueue,
    /// By shard.
    ShardId,
    /// Named `taskType` in the registry: the *history* task type.
    HistoryTaskType,
    /// By destination (namespace and destination).
    Destination,
    /// By CHASM task type.
    ChasmTaskType,
}

const GLOBAL: &[FieldSet] = &[FieldSet::EMPTY];
const NAMESPACE: &[FieldSet] = &[FieldSet::of(&[F::Namespace]), FieldSet::EMPTY];
const NAMESPACE_ID: &[FieldSet] = &[FieldSet::of(&[F::NamespaceId]), FieldSet::EMPTY];
const TASK_QUEUE: &[FieldSet] = &[
    FieldSet::of(&[F::Namespace, F::TaskQueueName, F::TaskType]),
    FieldSet::of(&[F::Namespace, F::TaskQueueName]),
    FieldSet::of(&[F::TaskQueueName]),
    FieldSet::of(&[F::Namespace]),
    FieldSet::EMPTY,
];
const SHARD_ID: &[FieldSet] = &[FieldSet::of(&[F::ShardId]), FieldSet::EMPTY];
const HISTORY_TASK_TYPE: &[FieldSet] = &[FieldSet::of(&[F::HistoryTaskType]), FieldSet::EMPTY];
const DESTINATION: &[FieldSet] = &[
    FieldSet::of(&[F::Namespace, F::Destination]),
    FieldSet::of(&[F::Destination]),
    FieldSet::of(&[F::Namespace]),
    FieldSet::EMPTY,
];
const CHASM_TASK_TYPE: &[FieldSet] = &[FieldSet::of(&[F::ChasmTaskType]), FieldSet::EMPTY];

impl Precedence {
    /// Every precedence.
    pub const ALL: [Precedence; 8] = [
        Precedence::Global,
        Precedence::Namespace,
        Precedence::NamespaceId,
        Precedence::TaskQueue,
        Precedence::ShardId,
        Precedence::HistoryTaskType,
        Precedence::Destination,
        Precedence::ChasmTaskType,
    ];

    /// The registry's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Precedence::Global => "global",
            Precedence::Namespace => "namespace",
            Precedence::NamespaceId => "namespaceId",
            Precedence::TaskQueue => "taskQueue",
            Precedence::ShardId => "shardId",
            Precedence::HistoryTaskType => "taskType",
            Precedence::Destination => "destination",
            Precedence::ChasmTaskType => "chasmTaskType",
        }
    }

    /// The precedence named `s` as the registry TSV writes it.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }

    /// The levels a lookup tries, most specific first. An item matches a level
    /// when its constraint set has exactly these fields (and equal values).
    pub fn levels(self) -> &'static [FieldSet] {
        match self {
            Precedence::Global => GLOBAL,
            Precedence::Namespace => NAMESPACE,
            Precedence::NamespaceId => NAMESPACE_ID,
            Precedence::TaskQueue => TASK_QUEUE,
            Precedence::ShardId => SHARD_ID,
            Precedence::HistoryTaskType => HISTORY_TASK_TYPE,
            Precedence::Destination => DESTINATION,
            Precedence::ChasmTaskType => CHASM_TASK_TYPE,
        }
    }

    /// Every field some level uses.
    pub fn fields(self) -> FieldSet {
        let mut all = FieldSet::EMPTY;
        for level in self.levels() {
            for f in level.iter() {
                all.insert(f);
            }
        }
        all
    }
}

impl fmt::Display for Precedence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Numeric settings named for a rate, limit or size (`frontend.rps`,
/// `history.persistenceMaxQPS`, `limit.maxIDLength`, `...CacheMaxSizeBytes`).
pub fn is_rate_limit_key(name: &str) -> bool {
    const WORDS: [&str; 7] = ["rps", "qps", "rate", "limit", "size", "burst", "ratelimit"];
    let mut found = false;
    for_each_word(name, |w| found |= WORDS.iter().any(|x| x.eq_ignore_ascii_case(w)));
    found
}

/// A built-in constrained default (`{TaskQueueName=temporal-sys-per-ns-tq}=>1`).
#[derive(Clone, Debug, PartialEq)]
pub struct ConstrainedDefault {
    /// The scope it applies to.
    pub constraints: Constraints,
    /// The value.
    pub value: Value,
    /// The text as the registry gives it.
    pub raw: String,
}

/// One registered setting.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyDef {
    /// The registered spelling, such as `history.TaskDLQErrorPattern`.
    pub name: String,
    /// Its type.
    pub value_type: ValueType,
    /// Which constraint sets a lookup tries.
    pub precedence: Precedence,
    /// The default as the registry prints it (Go formatting; empty for
    /// structured settings, whose defaults live in the typed schema).
    pub default: String,
    /// Built-in defaults for some scopes, most specific first.
    pub constrained_defaults: Vec<ConstrainedDefault>,
    /// A structured setting's schema, converter and default.
    pub typed: Option<Arc<TypedSetting>>,
}

impl KeyDef {
    /// A numeric setting named for a rate, limit or size (checked for zero).
    /// Worked out when asked: a schema of 10,000 keys is read on every command.
    pub fn is_rate_limit(&self) -> bool {
        matches!(self.value_type, ValueType::Int | ValueType::Float) && is_rate_limit_key(&self.name)
    }

    /// The registered default as a value of the key's type (a structured
    /// setting's in config form).
    pub fn default_value(&self) -> Value {
        match &self.typed {
            Some(t) if self.default.is_empty() => t.default.clone(),
            _ => scalar_default(&self.value_type, &self.default),
        }
    }
}

fn scalar_default(ty: &ValueType, raw: &str) -> Value {
    match ty {
        ValueType::Bool => raw.parse().map(Value::Bool).unwrap_or(Value::String(raw.into())),
        ValueType::Int => raw.parse().map(Value::Int).unwrap_or(Value::String(raw.into())),
        ValueType::Float => raw.parse().map(Value::Float).unwrap_or(Value::String(raw.into())),
        // Temporal's six map settings register a nil default (the services
        // keep their own): a lookup with no item returns nil, not a map.
        ValueType::Map | ValueType::Typed(_) if raw.is_empty() => Value::Null,
        _ => Value::String(raw.into()),
    }
}

/// Why a registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown Temporal version {given:?}: tcfg knows {known}")]
    /// No embedded release matches the version.
    UnknownVersion {
        /// The version given.
        given: String,
        /// The releases tcfg embeds, as one text.
        known: String,
    },
    #[error("{origin}:{line}: {message}")]
    /// A line of the schema file is wrong.
    BadSchema {
        /// The schema file.
        origin: String,
        /// The line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The keys of one Temporal release (or of a custom `--schema` file).
#[derive(Debug)]
pub struct Registry {
    /// `v1.31.2`, or the schema file's name.
    pub version: String,
    keys: Vec<KeyDef>,
    /// Indexes into `keys`, by the hash of the folded name: found in any case
    /// with no folded copy of each name (a 10,000-key schema is read on
    /// every command). Names are short and trusted: a fast hash beats flood
    /// resistance.
    names: HashTable<usize>,
    hasher: foldhash::fast::RandomState,
    /// Folded names with their letter counts, built on the first suggestion.
    bags: OnceLock<Vec<(String, Bag)>>,
    /// The embedded release this is (so release history and descriptions
    /// apply); `None` for a schema file.
    release: Option<&'static Release>,
    /// During a rolling upgrade (`--temporal-version 1.30..1.31`) this is
    /// the newer release, and the older one runs beside it: a config must
    /// suit both (see [`crate::temporal::validate::validate`]).
    older: Option<Box<Registry>>,
}

impl Registry {
    /// The registry of an embedded release.
    pub fn release(release: &'static Release) -> Registry {
        let mut r = Registry::from_tsv(release.tag, release.tsv).expect("embedded registry data is valid");
        let typed = TypedSchemas::parse(release.typed);
        for k in &mut r.keys {
            if let Some(t) = typed.get(&k.name) {
                k.typed = Some(Arc::new(t.clone()));
            }
        }
        r.release = Some(release);
        r
    }

    /// Both releases of a rolling upgrade: this one, with `older` beside it.
    pub fn with_older(mut self, older: Registry) -> Registry {
        self.older = Some(Box::new(older));
        self
    }

    /// A key as this release registers it or, during a rolling upgrade,
    /// the older one: what "a key either release knows" looks up.
    pub fn get_in_either(&self, name: &str) -> Option<&KeyDef> {
        self.get(name).or_else(|| self.older()?.get(name))
    }

    /// The older release of a rolling upgrade, when this is a range.
    pub fn older(&self) -> Option<&Registry> {
        self.older.as_deref()
    }

    /// `v1.31.2`, or `v1.30.6..v1.31.2` for a range.
    pub fn versions(&self) -> String {
        match &self.older {
            Some(o) => format!("{}..{}", o.version, self.version),
            None => self.version.clone(),
        }
    }

    /// The registry for `--temporal-version`, or the newest release.
    pub fn for_version(version: Option<&str>) -> Result<Registry, RegistryError> {
        Ok(Registry::release(match version {
            Some(v) => find_release(v)?,
            None => latest_release(),
        }))
    }

    /// The key named `name` (in any case), if registered.
    pub fn get(&self, name: &str) -> Option<&KeyDef> {
        let hash = folded_hash(&self.hasher, name);
        let i = self.names.find(hash, |&i| same_key(&self.keys[i].name, name))?;
        Some(&self.keys[*i])
    }

    /// Why a name under a prefix is not dynamic config (another
    /// application's key, which tcfg never writes or deletes), or `None`.
    pub fn foreign_reason(&self, name: &str) -> Option<&'static str> {
        match crate::model::key::name_shape(name) {
            NameShape::Foreign(reason) => Some(reason),
            NameShape::Key => None,
            NameShape::KeyIfRegistered if self.get(name).is_some() => None,
            NameShape::KeyIfRegistered => Some("not a dynamic config key name"),
        }
    }

    /// The registered spelling of a key, if registered.
    pub fn canonical_name(&self, name: &str) -> Option<&str> {
        self.get(name).map(|d| d.name.as_str())
    }

    /// Every key it registers.
    pub fn keys(&self) -> &[KeyDef] {
        &self.keys
    }

    /// How many keys it registers.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it registers none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The embedded release this is; `None` for a `--schema` file.
    pub fn embedded_release(&self) -> Option<&'static Release> {
        self.release
    }

    /// Whether it is one of the releases tcfg embeds (not a schema file).
    pub fn is_embedded(&self) -> bool {
        self.release.is_some()
    }

    /// What Temporal's source says of a key (any case), for an embedded
    /// release.
    pub fn description(&self, name: &str) -> Option<&'static Description> {
        describe::of(self.release?, name)
    }

    /// The keys whose name or description holds every word of `text`
    /// (any case), in registry order.
    pub fn search_descriptions(&self, text: &str) -> Vec<&KeyDef> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        self.keys
            .iter()
            .filter(|k| {
                let name = k.name.to_lowercase();
                let about = self
                    .description(&k.name)
                    .map(|d| d.text.to_lowercase())
                    .unwrap_or_default();
                words
                    .iter()
                    .all(|w| name.contains(w.as_str()) || about.contains(w.as_str()))
            })
            .collect()
    }

    /// Whether a change to the key takes effect only after the servers
    /// restart, as its description says.
    pub fn needs_restart(&self, name: &str) -> bool {
        self.description(name).is_some_and(|d| d.restart)
    }

    /// The minor release number of an embedded release (`31` for
    /// v1.31.2); `None` for a custom schema, which is taken as current.
    pub fn minor(&self) -> Option<u32> {
        self.release?;
        self.version.trim_start_matches('v').split('.').nth(1)?.parse().ok()
    }

    /// Whether the release knows the `chasmTaskType` constraint (v1.31.0 and
    /// later; custom schemas are assumed current). Older servers reject any
    /// file that uses it.
    pub fn knows_chasm_constraint(&self) -> bool {
        self.minor().is_none_or(|m| m >= 31)
    }

    /// Whether the release's servers read this history task type's name.
    pub fn knows_history_task_name(&self, t: crate::model::constraints::HistoryTaskType) -> bool {
        match (self.minor(), t.since()) {
            (Some(m), Some(since)) => m >= since,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_releases_have_the_documented_counts() {
        let counts: Vec<usize> = RELEASES.iter().map(|r| Registry::release(r).len()).collect();
        assert_eq!(counts, [484, 508, 514, 576, 616]);
    }

    #[test]
    fn rate_limit_keys_are_known_by_their_words() {
        assert!(is_rate_limit_key("limit.maxIDLength"));
        assert!(is_rate_limit_key("history.hostLevelCacheMaxSizeBytes"));
        assert!(is_rate_limit_key("history.persistenceMaxQPS"));
        assert!(!is_rate_limit_key("history.generateMigrationTaskViaFrontend"));
    }

    #[test]
    fn versions_are_found_by_minor_or_full_tag() {
        assert_eq!(find_release("1.29").unwrap().tag, "v1.29.7");
        assert_eq!(find_release("v1.29.7").unwrap().tag, "v1.29.7");
        assert_eq!(find_release("1.30.6").unwrap().tag, "v1.30.6");
        let err = find_release("1.12").unwrap_err().to_string();
        assert!(err.contains("1.27, 1.28, 1.29, 1.30, 1.31"), "{err}");
        assert_eq!(Registry::for_version(None).unwrap().version, "v1.31.2");
    }

    #[test]
    fn lookup_is_case_insensitive_and_keeps_registered_spelling() {
        let r = Registry::for_version(None).unwrap();
        assert_eq!(
            r.canonical_name("HISTORY.taskdlqerrorpattern"),
            Some("history.TaskDLQErrorPattern")
        );
        let d = r.get("frontend.rps").unwrap();
        assert_eq!(d.value_type, ValueType::Int);
        assert_eq!(d.precedence, Precedence::Global);
    }

    #[test]
    fn constrained_defaults_are_parsed() {
        let r = Registry::for_version(None).unwrap();
        let d = r.get("matching.numTaskqueueReadPartitions").unwrap();
        assert_eq!(d.constrained_defaults.len(), 5);
        assert_eq!(
            d.constrained_defaults[0].constraints.task_queue_name.as_deref(),
            Some("temporal-sys-per-ns-tq")
        );
        assert_eq!(d.constrained_defaults[0].value, Value::Int(1));
        assert!(d.constrained_defaults[4].constraints.is_empty());
        let d = r.get("matching.updateAckInterval").unwrap();
        assert_eq!(d.constrained_defaults[0].value, Value::String("5m0s".into()));
    }

    #[test]
    fn precedence_levels() {
        assert_eq!(Precedence::TaskQueue.levels().len(), 5);
        assert_eq!(Precedence::parse("taskType"), Some(Precedence::HistoryTaskType));
        assert_eq!(
            Precedence::Destination.levels()[0].to_string(),
            "{namespace, destination}"
        );
    }

    #[test]
    fn release_history_hints() {
        assert_eq!(
            release_note("history.cacheMaxSize", "v1.31.2")
                .map(|n| n.to_string())
                .as_deref(),
            Some("removed in v1.29 (last registered in v1.28.4)")
        );
        let added = release_note("chasm.callback.allowedAddresses", "v1.27.4").unwrap();
        assert!(added.to_string().starts_with("added in v1."), "{added}");
        assert!(added.added_in().is_some());
        assert_eq!(release_note("no.such.key", "v1.31.2"), None);
    }

    #[test]
    fn search_by_substring_or_glob() {
        let r = Registry::for_version(None).unwrap();
        let names = |p: &str| r.search(p).iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        assert!(names("NUMTASKQUEUE").contains(&"matching.numTaskqueueReadPartitions".to_string()));
        assert_eq!(names("matching.numTaskqueue*Partitions").len(), 2);
        assert_eq!(names("frontend.rp?"), ["frontend.rps"]);
        assert!(names("zzz-nothing").is_empty());
    }

    #[test]
    fn suggestions_by_edit_distance() {
        let r = Registry::for_version(None).unwrap();
        assert_eq!(r.suggest("frontend.rsp").first(), Some(&"frontend.rps"));
    }

    #[test]
    fn custom_schema_files() {
        let r = Registry::from_tsv(
            "custom.tsv",
            "key\ttype\tprecedence\tdefault\tconstrained_defaults\nmy.key\tint\tnamespace\t5\t\n",
        )
        .unwrap();
        assert_eq!(r.get("MY.KEY").unwrap().default_value(), Value::Int(5));
        let err = Registry::from_tsv("custom.tsv", "my.key\tinteger\tglobal\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("custom.tsv:1: unknown type"), "{err}");
    }
}
