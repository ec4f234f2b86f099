//! Temporal's key registry: every registered key with its type, precedence
//! and defaults, per Temporal release, embedded as data.

use std::fmt;
use std::sync::Arc;
use std::sync::OnceLock;

use hashbrown::HashTable;

use crate::constraints::{ConstraintField as F, Constraints, FieldSet};
use crate::key::{fold, folded_hash, same_key, NameShape};
use crate::typed::{TypedSchemas, TypedSetting};
use crate::value::Value;

/// The value type of a setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    Bool,
    Int,
    Float,
    String,
    Duration,
    Map,
    /// A structured setting, with the Go type the registry names.
    Typed(String),
}

impl ValueType {
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
    Global,
    Namespace,
    NamespaceId,
    TaskQueue,
    ShardId,
    /// Named `taskType` in the registry: the *history* task type.
    HistoryTaskType,
    Destination,
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

/// A built-in constrained default (`{TaskQueueName=temporal-sys-per-ns-tq}=>1`).
#[derive(Clone, Debug, PartialEq)]
pub struct ConstrainedDefault {
    pub constraints: Constraints,
    pub value: Value,
    /// The text as the registry gives it.
    pub raw: String,
}

/// One registered setting.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyDef {
    /// The registered spelling, such as `history.TaskDLQErrorPattern`.
    pub name: String,
    pub value_type: ValueType,
    pub precedence: Precedence,
    /// The default as the registry prints it (Go formatting; empty for
    /// structured settings, whose defaults live in the typed schema).
    pub default: String,
    pub constrained_defaults: Vec<ConstrainedDefault>,
    /// A structured setting's schema, converter and default.
    pub typed: Option<Arc<TypedSetting>>,
}

impl KeyDef {
    /// A numeric setting named for a rate, limit or size (checked for zero).
    /// Worked out when asked: a schema of 10,000 keys is read on every command.
    pub fn is_rate_limit(&self) -> bool {
        matches!(self.value_type, ValueType::Int | ValueType::Float) && crate::validate::is_rate_limit_key(&self.name)
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

/// Why a registry's default is not a value of its type (as Go prints one:
/// `true`, `42`, `0.5`, `1m0s`); an empty default means none is known.
fn default_problem(ty: &ValueType, raw: &str) -> Option<&'static str> {
    if raw.is_empty() {
        return None;
    }
    let ok = match ty {
        ValueType::Bool => raw.parse::<bool>().is_ok(),
        ValueType::Int => raw.parse::<i64>().is_ok(),
        ValueType::Float => raw.parse::<f64>().is_ok(),
        ValueType::Duration => crate::duration::parse_temporal(raw).is_ok(),
        _ => true,
    };
    (!ok).then_some(match ty {
        ValueType::Bool => "write true or false",
        ValueType::Int => "write a whole number",
        ValueType::Float => "write a number",
        _ => "write a duration such as 10s or 1m0s",
    })
}

fn scalar_default(ty: &ValueType, raw: &str) -> Value {
    match ty {
        ValueType::Bool => raw.parse().map(Value::Bool).unwrap_or(Value::String(raw.into())),
        ValueType::Int => raw.parse().map(Value::Int).unwrap_or(Value::String(raw.into())),
        ValueType::Float => raw.parse().map(Value::Float).unwrap_or(Value::String(raw.into())),
        ValueType::Map if raw.is_empty() => Value::Map(Default::default()),
        ValueType::Typed(_) if raw.is_empty() => Value::Null,
        _ => Value::String(raw.into()),
    }
}

/// Why a registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown Temporal version {given:?}: tcfg knows {known} (use --schema FILE for another release)")]
    UnknownVersion { given: String, known: String },
    #[error("{origin}:{line}: {message}")]
    BadSchema {
        origin: String,
        line: usize,
        message: String,
    },
}

/// An embedded Temporal release.
pub struct Release {
    /// The release tag the data was read from, such as `v1.31.2`.
    pub tag: &'static str,
    tsv: &'static str,
    typed: &'static str,
}

impl fmt::Debug for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag)
    }
}

impl Release {
    /// `1.31` for `v1.31.2`.
    pub fn minor(&self) -> &'static str {
        let t = &self.tag[1..];
        &t[..t.rfind('.').unwrap_or(t.len())]
    }
}

/// Every embedded release, oldest first.
pub static RELEASES: [Release; 5] = [
    Release {
        tag: "v1.27.4",
        tsv: include_str!("../data/registry/temporal-v1.27.4.tsv"),
        typed: include_str!("../data/typed/temporal-v1.27.4.json"),
    },
    Release {
        tag: "v1.28.4",
        tsv: include_str!("../data/registry/temporal-v1.28.4.tsv"),
        typed: include_str!("../data/typed/temporal-v1.28.4.json"),
    },
    Release {
        tag: "v1.29.7",
        tsv: include_str!("../data/registry/temporal-v1.29.7.tsv"),
        typed: include_str!("../data/typed/temporal-v1.29.7.json"),
    },
    Release {
        tag: "v1.30.6",
        tsv: include_str!("../data/registry/temporal-v1.30.6.tsv"),
        typed: include_str!("../data/typed/temporal-v1.30.6.json"),
    },
    Release {
        tag: "v1.31.2",
        tsv: include_str!("../data/registry/temporal-v1.31.2.tsv"),
        typed: include_str!("../data/typed/temporal-v1.31.2.json"),
    },
];

/// The release used when none is named.
pub fn latest_release() -> &'static Release {
    &RELEASES[RELEASES.len() - 1]
}

/// Find an embedded release by `1.29`, `v1.29`, `1.29.7` or `v1.29.7`.
pub fn find_release(version: &str) -> Result<&'static Release, RegistryError> {
    let v = version.trim().trim_start_matches('v');
    RELEASES
        .iter()
        .find(|r| r.minor() == v || &r.tag[1..] == v)
        .ok_or_else(|| RegistryError::UnknownVersion {
            given: version.to_string(),
            known: RELEASES.iter().map(|r| r.minor()).collect::<Vec<_>>().join(", "),
        })
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
    /// Whether this is an embedded release (so release history applies).
    embedded: bool,
}

impl Registry {
    pub fn release(release: &'static Release) -> Registry {
        let mut r = Registry::from_tsv(release.tag, release.tsv).expect("embedded registry data is valid");
        let typed = TypedSchemas::parse(release.typed);
        for k in &mut r.keys {
            if let Some(t) = typed.get(&k.name) {
                k.typed = Some(Arc::new(t.clone()));
            }
        }
        r.embedded = true;
        r
    }

    /// The registry for `--temporal-version`, or the newest release.
    pub fn for_version(version: Option<&str>) -> Result<Registry, RegistryError> {
        Ok(Registry::release(match version {
            Some(v) => find_release(v)?,
            None => latest_release(),
        }))
    }

    /// Read a registry in the project's TSV format
    /// (`key, type, precedence, default, constrained_defaults`).
    pub fn from_tsv(origin: &str, text: &str) -> Result<Registry, RegistryError> {
        let bad = |line: usize, message: String| RegistryError::BadSchema {
            origin: origin.to_string(),
            line,
            message,
        };
        let lines = text.lines().count();
        let mut keys: Vec<KeyDef> = Vec::with_capacity(lines);
        let hasher = foldhash::fast::RandomState::default();
        let mut names: HashTable<usize> = HashTable::with_capacity(lines);
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() || line.starts_with('#') || (n == 1 && line.starts_with("key\t")) {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 {
                return Err(bad(
                    n,
                    format!(
                        "expected at least 3 tab-separated columns (key, type, precedence), found {}",
                        cols.len()
                    ),
                ));
            }
            let name = cols[0].trim().to_string();
            let value_type = ValueType::parse(cols[1].trim()).ok_or_else(|| {
                bad(
                    n,
                    format!(
                        "unknown type {:?} (bool, int, float, string, duration, map or typed:<GoType>)",
                        cols[1]
                    ),
                )
            })?;
            let precedence = Precedence::parse(cols[2].trim()).ok_or_else(|| {
                bad(
                    n,
                    format!(
                        "unknown precedence {:?} (one of {})",
                        cols[2],
                        Precedence::ALL.map(|p| p.name()).join(", ")
                    ),
                )
            })?;
            let default = cols.get(3).map(|s| s.to_string()).unwrap_or_default();
            if let Some(why) = default_problem(&value_type, default.trim()) {
                return Err(bad(
                    n,
                    format!("the default {default:?} does not fit the type {value_type}: {why}"),
                ));
            }
            let constrained_defaults = match cols.get(4).map(|s| s.trim()) {
                Some(s) if !s.is_empty() => parse_constrained_defaults(s, &value_type).map_err(|m| bad(n, m))?,
                _ => Vec::new(),
            };
            let hash = folded_hash(&hasher, &name);
            if names.find(hash, |&i| same_key(&keys[i].name, &name)).is_some() {
                return Err(bad(n, format!("key {name} is listed twice")));
            }
            names.insert_unique(hash, keys.len(), |&i| folded_hash(&hasher, &keys[i].name));
            let typed = match &value_type {
                ValueType::Typed(go) => Some(Arc::new(TypedSetting::from_go_type(go))),
                _ => None,
            };
            keys.push(KeyDef {
                name,
                value_type,
                precedence,
                default,
                constrained_defaults,
                typed,
            });
        }
        Ok(Registry {
            version: origin.to_string(),
            keys,
            names,
            hasher,
            bags: OnceLock::new(),
            embedded: false,
        })
    }

    pub fn get(&self, name: &str) -> Option<&KeyDef> {
        let hash = folded_hash(&self.hasher, name);
        let i = self.names.find(hash, |&i| same_key(&self.keys[i].name, name))?;
        Some(&self.keys[*i])
    }

    /// Why a name under a prefix is not dynamic config (another
    /// application's key, which tcfg never writes or deletes), or `None`.
    pub fn foreign_reason(&self, name: &str) -> Option<&'static str> {
        match crate::key::name_shape(name) {
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

    pub fn keys(&self) -> &[KeyDef] {
        &self.keys
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn is_embedded(&self) -> bool {
        self.embedded
    }

    /// The minor release number of an embedded release (`31` for
    /// v1.31.2); `None` for a custom schema, which is taken as current.
    pub fn minor(&self) -> Option<u32> {
        if !self.embedded {
            return None;
        }
        self.version.trim_start_matches('v').split('.').nth(1)?.parse().ok()
    }

    /// Whether the release knows the `chasmTaskType` constraint (v1.31.0 and
    /// later; custom schemas are assumed current). Older servers reject any
    /// file that uses it.
    pub fn knows_chasm_constraint(&self) -> bool {
        self.minor().is_none_or(|m| m >= 31)
    }

    /// Whether the release's servers read this history task type's name.
    pub fn knows_history_task_name(&self, t: crate::constraints::HistoryTaskType) -> bool {
        match (self.minor(), t.since()) {
            (Some(m), Some(since)) => m >= since,
            _ => true,
        }
    }

    /// Keys whose name matches `pattern`: a glob with `*` and `?` when it has
    /// either, else a substring; case-insensitive either way.
    pub fn search(&self, pattern: &str) -> Vec<&KeyDef> {
        let p = fold(pattern);
        let glob = p.contains(['*', '?']);
        self.keys
            .iter()
            .filter(|k| {
                let name = fold(&k.name);
                if glob {
                    glob_match(p.as_bytes(), name.as_bytes())
                } else {
                    name.contains(&p)
                }
            })
            .collect()
    }

    /// Registered names close to `name`, best first.
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        let target = fold(name);
        let target_bag = Bag::of(target.as_bytes());
        let limit = (target.chars().count() / 4).clamp(1, 4);
        let bags = self.bags.get_or_init(|| {
            self.keys
                .iter()
                .map(|k| {
                    let f = fold(&k.name);
                    let bag = Bag::of(f.as_bytes());
                    (f, bag)
                })
                .collect()
        });
        let mut rows = (Vec::new(), Vec::new());
        let mut scored: Vec<(usize, &str)> = bags
            .iter()
            .enumerate()
            .filter(|(_, (folded, bag))| {
                folded.len().abs_diff(target.len()) <= limit && target_bag.lower_bound(bag) <= limit
            })
            .filter_map(|(i, (folded, _))| {
                bounded_levenshtein(target.as_bytes(), folded.as_bytes(), limit, &mut rows)
                    .map(|d| (d, self.keys[i].name.as_str()))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, c)| c).collect()
    }
}

/// Letter counts of a name: half their difference never exceeds the edit
/// distance, which rules out most names without the full comparison.
#[derive(Debug, Clone)]
struct Bag([u8; 40]);

impl Bag {
    fn of(s: &[u8]) -> Bag {
        let mut b = [0u8; 40];
        for &c in s {
            let i = match c {
                b'a'..=b'z' => (c - b'a') as usize,
                b'0'..=b'9' => 26 + (c - b'0') as usize,
                b'.' => 36,
                b'_' | b'-' => 37,
                _ => 38,
            };
            b[i] = b[i].saturating_add(1);
        }
        Bag(b)
    }

    /// A lower bound of the edit distance between the two names.
    fn lower_bound(&self, other: &Bag) -> usize {
        let (mut more, mut less) = (0usize, 0usize);
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            if a > b {
                more += usize::from(a - b);
            } else {
                less += usize::from(b - a);
            }
        }
        more.max(less)
    }
}

fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Candidates close to `name` by edit distance (case-insensitive), best first.
pub fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let target = fold(name);
    let limit = (target.chars().count() / 4).clamp(1, 4);
    let mut rows = (Vec::new(), Vec::new());
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| bounded_levenshtein(target.as_bytes(), fold(c).as_bytes(), limit, &mut rows).map(|d| (d, c)))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Levenshtein distance if it is at most `limit`: rejects by length first,
/// and stops as soon as every path costs more than `limit`.
fn bounded_levenshtein(a: &[u8], b: &[u8], limit: usize, rows: &mut (Vec<usize>, Vec<usize>)) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let (prev, cur) = rows;
    prev.clear();
    prev.extend(0..=b.len());
    cur.clear();
    cur.resize(b.len() + 1, 0);
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The single best candidate, if any is close.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    suggestions(name, candidates).into_iter().next()
}

fn parse_constrained_defaults(s: &str, ty: &ValueType) -> Result<Vec<ConstrainedDefault>, String> {
    let mut out = Vec::new();
    for part in s.split(';') {
        let part = part.trim();
        let (cons, value) = part
            .split_once("=>")
            .ok_or_else(|| format!("constrained default {part:?} lacks `=>`"))?;
        let inner = cons
            .trim()
            .strip_prefix('{')
            .and_then(|c| c.strip_suffix('}'))
            .ok_or_else(|| format!("constrained default {part:?}: constraints must be in braces"))?;
        let mut constraints = Constraints::default();
        for field in inner.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let (name, v) = field
                .split_once('=')
                .ok_or_else(|| format!("constrained default {part:?}: expected Name=value"))?;
            let f = F::from_name(name.trim()).ok_or_else(|| format!("unknown constraint {name:?} in {part:?}"))?;
            let v = v.trim().to_string();
            let cv = match f {
                F::ShardId => crate::constraints::ConstraintValue::ShardId(
                    v.parse().map_err(|_| format!("bad shardId in {part:?}"))?,
                ),
                F::TaskType => crate::constraints::ConstraintValue::TaskType(
                    crate::constraints::TaskQueueType::from_name(&v)
                        .ok_or_else(|| format!("bad taskType in {part:?}"))?,
                ),
                F::HistoryTaskType => crate::constraints::ConstraintValue::HistoryTaskType(
                    crate::constraints::HistoryTaskType::from_name(&v)
                        .ok_or_else(|| format!("bad historyTaskType in {part:?}"))?,
                ),
                _ => crate::constraints::ConstraintValue::Str(v),
            };
            constraints.set(f, Some(cv));
        }
        let raw = value.trim().to_string();
        out.push(ConstrainedDefault {
            constraints,
            value: scalar_default(ty, &raw),
            raw,
        });
    }
    Ok(out)
}

/// In which embedded releases a key is registered, for "removed in" and
/// "added in" hints.
pub fn releases_with(name: &str) -> Vec<&'static str> {
    static INDEX: OnceLock<Vec<std::collections::HashSet<String>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        RELEASES
            .iter()
            .map(|r| {
                r.tsv
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split('\t').next())
                    .map(fold)
                    .collect()
            })
            .collect()
    });
    let folded = fold(name);
    RELEASES
        .iter()
        .zip(index)
        .filter(|(_, keys)| keys.contains(&folded))
        .map(|(r, _)| r.tag)
        .collect()
}

/// "removed in v1.29" / "added in v1.30" for a key unknown to `current`.
pub fn release_note(name: &str, current: &str) -> Option<String> {
    let present = releases_with(name);
    if present.is_empty() {
        return None;
    }
    let idx = RELEASES.iter().position(|r| r.tag == current)?;
    let later: Vec<_> = RELEASES[idx + 1..]
        .iter()
        .filter(|r| present.contains(&r.tag))
        .collect();
    let earlier = RELEASES[..idx].iter().rev().find(|r| present.contains(&r.tag));
    if let Some(first) = later.first() {
        return Some(format!(
            "added in v{} (this check uses {current}; pass --temporal-version {})",
            first.minor(),
            first.minor()
        ));
    }
    if let Some(last) = earlier {
        let removed_in = RELEASES
            .iter()
            .position(|r| r.tag == last.tag)
            .and_then(|i| RELEASES.get(i + 1))
            .map(|r| format!("v{}", r.minor()))
            .unwrap_or_else(|| current.to_string());
        return Some(format!("removed in {removed_in} (last registered in {})", last.tag));
    }
    None
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
            release_note("history.cacheMaxSize", "v1.31.2").as_deref(),
            Some("removed in v1.29 (last registered in v1.28.4)")
        );
        assert!(release_note("chasm.callback.allowedAddresses", "v1.27.4")
            .unwrap()
            .starts_with("added in"));
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
    fn bounded_levenshtein_agrees_with_the_plain_one() {
        for (a, b) in [
            ("kitten", "sitting"),
            ("frontend.rps", "frontend.rsp"),
            ("", "abc"),
            ("abc", ""),
            ("same", "same"),
        ] {
            let full = strsim::levenshtein(a, b);
            for limit in 0..5 {
                let expected = (full <= limit).then_some(full);
                assert_eq!(
                    bounded_levenshtein(a.as_bytes(), b.as_bytes(), limit, &mut Default::default()),
                    expected,
                    "{a} {b} {limit}"
                );
            }
        }
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
