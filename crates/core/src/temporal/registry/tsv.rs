//! The project's registry format: one key a line, tab-separated
//! (`key, type, precedence, default, constrained_defaults`), as the embedded
//! releases and `--schema` files hold it.

use std::sync::{Arc, OnceLock};

use hashbrown::HashTable;

use super::{scalar_default, ConstrainedDefault, KeyDef, Precedence, Registry, RegistryError, ValueType};
use crate::model::constraints::{ConstraintField as F, ConstraintValue, Constraints, HistoryTaskType, TaskQueueType};
use crate::model::key::{folded_hash, same_key};
use crate::temporal::typed::TypedSetting;

impl Registry {
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
            release: None,
            older: None,
        })
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
        ValueType::Duration => crate::model::duration::parse_temporal(raw).is_ok(),
        _ => true,
    };
    (!ok).then_some(match ty {
        ValueType::Bool => "write true or false",
        ValueType::Int => "write a whole number",
        ValueType::Float => "write a number",
        _ => "write a duration such as 10s or 1m0s",
    })
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
                F::ShardId => ConstraintValue::ShardId(v.parse().map_err(|_| format!("bad shardId in {part:?}"))?),
                F::TaskType => ConstraintValue::TaskType(
                    TaskQueueType::from_name(&v).ok_or_else(|| format!("bad taskType in {part:?}"))?,
                ),
                F::HistoryTaskType => ConstraintValue::HistoryTaskType(
                    HistoryTaskType::from_name(&v).ok_or_else(|| format!("bad historyTaskType in {part:?}"))?,
                ),
                _ => ConstraintValue::Str(v),
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
