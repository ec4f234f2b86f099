//! Values of dynamic config items, and Temporal's conversion rules per type.

use std::collections::BTreeMap;
use std::fmt;

pub mod text;

use crate::model::duration;
use crate::model::yaml::{Node, NodeKind, Pos};

/// A value as Temporal holds it after parsing YAML into `any`.
///
/// Values nest as deep as yaml.v3 lets a document nest (and aliases deeper):
/// dropping, cloning, comparing and printing never recurse on the thread's
/// own stack alone (see `model::stack`).
pub enum Value {
    /// `null`, or nothing.
    Null,
    /// A bool.
    Bool(bool),
    /// An int that fits an `int64`.
    Int(i64),
    /// An integer beyond `i64`: yaml.v3 decodes it as a `uint64`.
    Uint(u64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
    /// A timestamp (yaml.v3 decodes plain `2024-01-01` and the like into
    /// Go's `time.Time`), as written.
    Time(String),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys.
    Map(BTreeMap<String, Value>),
}

impl Value {
    /// Convert a YAML node as Temporal takes an item's value. Temporal checks
    /// map keys only down to the first map whose keys are all strings
    /// (`convertKeyTypeToString` stops at a `map[string]any`): a non-string
    /// key above that rejects the whole file (`Err`); below it Temporal
    /// passes the key on as is, and tcfg reads it as its text, noting its
    /// position in `loose`.
    pub fn from_owned_node(node: Node, loose: &mut Vec<(Pos, String)>) -> Result<Value, (Pos, String)> {
        Value::from_node_checked(node, true, loose)
    }

    fn from_node_checked(node: Node, checked: bool, loose: &mut Vec<(Pos, String)>) -> Result<Value, (Pos, String)> {
        crate::model::stack::deep(|| {
            Ok(match node.into_kind() {
                NodeKind::Null => Value::Null,
                NodeKind::Bool(b) => Value::Bool(b),
                NodeKind::Int(i) => Value::Int(i),
                NodeKind::Uint(u) => Value::Uint(u),
                NodeKind::Float(f) => Value::Float(f),
                NodeKind::Time(t) => Value::Time(t),
                NodeKind::Str(s) => Value::String(s),
                NodeKind::Seq(items) => Value::List(
                    items
                        .into_iter()
                        .map(|i| Value::from_node_checked(i, checked, loose))
                        .collect::<Result<_, _>>()?,
                ),
                NodeKind::Map(pairs) => {
                    let string_keys = pairs.iter().all(|(k, _)| matches!(k.kind, NodeKind::Str(_)));
                    let mut map = BTreeMap::new();
                    for (k, v) in pairs {
                        let pos = k.pos;
                        let key = match k.into_kind() {
                            NodeKind::Str(s) => s,
                            other if checked => {
                                return Err((
                                    pos,
                                    format!(
                                        "map key {} is {}, but Temporal takes only string keys here and rejects the whole file; quote it",
                                        scalar_preview(&other),
                                        other.describe()
                                    ),
                                ))
                            }
                            other => {
                                loose.push((
                                    pos,
                                    format!(
                                        "map key {} is {}: Temporal passes it to the setting as {} and not as a string, which the setting may not expect; quote it",
                                        scalar_preview(&other),
                                        other.describe(),
                                        other.describe()
                                    ),
                                ));
                                key_string(other)
                            }
                        };
                        map.insert(key, Value::from_node_checked(v, checked && !string_keys, loose)?);
                    }
                    Value::Map(map)
                }
            })
        })
    }

    fn is_collection(&self) -> bool {
        matches!(self, Value::List(_) | Value::Map(_))
    }

    /// How many collections deep the value nests (a scalar: 0).
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 0usize)];
        while let Some((v, d)) = stack.pop() {
            match v {
                Value::List(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Value::Map(m) => stack.extend(m.values().map(|i| (i, d + 1))),
                _ => deepest = deepest.max(d),
            }
            if matches!(v, Value::List(_) | Value::Map(_)) {
                deepest = deepest.max(d + 1);
            }
        }
        deepest
    }

    /// The map this value is, moved out.
    pub fn into_map(mut self) -> Option<BTreeMap<String, Value>> {
        match &mut self {
            Value::Map(m) => Some(std::mem::take(m)),
            _ => None,
        }
    }

    /// The list this value is, moved out.
    pub fn into_list(mut self) -> Option<Vec<Value>> {
        match &mut self {
            Value::List(l) => Some(std::mem::take(l)),
            _ => None,
        }
    }

    /// The string this value is, moved out.
    pub fn into_string(mut self) -> Option<String> {
        match &mut self {
            Value::String(s) => Some(std::mem::take(s)),
            _ => None,
        }
    }

    /// "an int", "a string", ... for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a bool",
            Value::Int(_) | Value::Uint(_) => "an int",
            Value::Float(_) => "a float",
            Value::Time(_) => "a timestamp",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    /// The value as JSON (maps with string keys; a time as RFC 3339 text).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        crate::model::stack::deep(|| match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Uint(u) => J::from(*u),
            Value::Time(t) => J::String(t.clone()),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or_else(|| J::String(text::float_text(*f))),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        })
    }

    /// From JSON (as the typed schema data writes defaults).
    pub fn from_json(j: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        crate::model::stack::deep(|| match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Map(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        })
    }

    /// Same meaning for Temporal: equal, or an int and a float of equal value
    /// (a float setting reads both the same).
    pub fn same_number(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => (*a as f64) == *b,
            _ => self == other,
        }
    }
}

/// The text tcfg keeps for a non-string map key.
fn key_string(kind: NodeKind) -> String {
    match kind {
        NodeKind::Str(s) | NodeKind::Time(s) => s,
        other => scalar_preview(&other),
    }
}

fn scalar_preview(kind: &NodeKind) -> String {
    match kind {
        NodeKind::Uint(u) => u.to_string(),
        NodeKind::Time(t) => t.clone(),
        NodeKind::Null => "null".into(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => f.to_string(),
        NodeKind::Str(s) => format!("{s:?}"),
        NodeKind::Seq(_) => "[...]".into(),
        NodeKind::Map(_) => "{...}".into(),
    }
}

impl serde::Serialize for Value {
    /// As JSON writes it; a float JSON cannot hold (infinity, NaN) is its
    /// YAML text. One level at a time, however deep the value.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::model::stack::deep(|| match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Uint(u) => s.serialize_u64(*u),
            Value::Time(t) => s.serialize_str(t),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Value::Float(f) => s.serialize_str(&text::float_text(*f)),
            Value::String(x) => s.serialize_str(x),
            Value::List(items) => s.collect_seq(items),
            Value::Map(m) => s.collect_map(m),
        })
    }
}

impl Drop for Value {
    /// Without recursion, however deep the value.
    fn drop(&mut self) {
        let mut stack: Vec<Value> = match self {
            Value::List(items) if items.iter().any(Value::is_collection) => std::mem::take(items),
            Value::Map(m) if m.values().any(Value::is_collection) => std::mem::take(m).into_values().collect(),
            _ => return,
        };
        while let Some(mut v) = stack.pop() {
            match &mut v {
                Value::List(items) => stack.append(items),
                Value::Map(m) => stack.extend(std::mem::take(m).into_values()),
                _ => {}
            }
        }
    }
}

impl Clone for Value {
    fn clone(&self) -> Self {
        crate::model::stack::deep(|| match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Uint(u) => Value::Uint(*u),
            Value::Float(f) => Value::Float(*f),
            Value::Time(t) => Value::Time(t.clone()),
            Value::String(s) => Value::String(s.clone()),
            Value::List(items) => Value::List(items.clone()),
            Value::Map(m) => Value::Map(m.clone()),
        })
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        crate::model::stack::deep(|| match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Uint(a), Value::Uint(b)) => a == b,
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            _ => false,
        })
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::model::stack::deep(|| match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => f.debug_tuple("Bool").field(b).finish(),
            Value::Int(i) => f.debug_tuple("Int").field(i).finish(),
            Value::Uint(u) => f.debug_tuple("Uint").field(u).finish(),
            Value::Time(t) => f.debug_tuple("Time").field(t).finish(),
            Value::Float(x) => f.debug_tuple("Float").field(x).finish(),
            Value::String(s) => f.debug_tuple("String").field(s).finish(),
            Value::List(items) => f.debug_tuple("List").field(items).finish(),
            Value::Map(m) => f.debug_tuple("Map").field(m).finish(),
        })
    }
}

impl fmt::Display for Value {
    /// Compact one-line YAML flow form, for messages and tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&text::flow(self))
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Why a value does not convert to its key's type.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// Where inside the value (`.MaximumAttempts`, `[2].Pattern`), empty for the value itself.
    pub path: String,
    /// What does not fit the type.
    pub message: String,
    /// What to write instead.
    pub hint: Option<String>,
    /// A duration string that does not parse (reported as `bad-duration`).
    pub bad_duration: bool,
}

impl Mismatch {
    /// A mismatch saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Mismatch {
            path: String::new(),
            message: message.into(),
            hint: None,
            bad_duration: false,
        }
    }
    /// This mismatch with a hint: what to write instead.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// This mismatch inside `segment` of the value (a field, an index).
    pub fn at(mut self, segment: &str) -> Self {
        self.path = format!("{segment}{}", self.path);
        self
    }
}

fn null_hint() -> String {
    "the item has no `value:` (field names are case-sensitive: `value`, not `Value`)".into()
}

/// Temporal's `convertBool`.
pub fn check_bool(v: &Value) -> Result<bool, Mismatch> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => parse_go_bool(s).ok_or_else(|| {
            Mismatch::new(format!("{s:?} is not a bool"))
                .hint("use true or false (Go's ParseBool also takes 1, t, T, TRUE, True and the false forms; yes/on are not bools)")
        }),
        Value::Null => Err(Mismatch::new("expected a bool, found null").hint(null_hint())),
        other => Err(Mismatch::new(format!("expected a bool, found {}", other.describe())).hint("use true or false")),
    }
}

/// Temporal's `convertInt`: integers only; an integer beyond int64 wraps.
pub fn check_int(v: &Value) -> Result<i64, Mismatch> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Uint(u) => Ok(*u as i64),
        Value::Float(f) => Err(
            Mismatch::new(format!("expected an int, found the float {}", text::float_text(*f))).hint(
                if f.fract() == 0.0 && f.is_finite() {
                    format!("write {} without the decimal point", *f as i64)
                } else {
                    "this setting takes whole numbers only".into()
                },
            ),
        ),
        Value::String(s) => Err(Mismatch::new(format!("expected an int, found the string {s:?}")).hint(
            // A string that reads as a number was quoted; any other was not.
            if s.trim().parse::<f64>().is_ok() {
                "Temporal does not convert strings to ints: remove the quotes"
            } else {
                "this setting takes a whole number, such as 100"
            },
        )),
        Value::Null => Err(Mismatch::new("expected an int, found null").hint(null_hint())),
        other => Err(Mismatch::new(format!("expected an int, found {}", other.describe()))),
    }
}

/// Temporal's `convertFloat`: floats or ints (through `convertInt`, so an
/// integer beyond int64 wraps first).
pub fn check_float(v: &Value) -> Result<f64, Mismatch> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Uint(u) => Ok(*u as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::String(s) => Err(
            Mismatch::new(format!("expected a number, found the string {s:?}")).hint(
                if s.trim().parse::<f64>().is_ok() {
                    "Temporal does not convert strings to numbers: remove the quotes"
                } else {
                    "this setting takes a number, such as 0.5 or 100"
                },
            ),
        ),
        Value::Null => Err(Mismatch::new("expected a number, found null").hint(null_hint())),
        other => Err(Mismatch::new(format!("expected a number, found {}", other.describe()))),
    }
}

/// Whether Temporal converts `v` to a string setting.
pub fn check_string(v: &Value) -> Result<(), Mismatch> {
    match v {
        Value::String(_) => Ok(()),
        Value::Time(t) => Err(
            Mismatch::new(format!("expected a string, found the timestamp {t}")).hint(format!(
                "YAML reads an unquoted date as a timestamp, which is not a string: quote it: \"{t}\""
            )),
        ),
        Value::Null => Err(Mismatch::new("expected a string, found null").hint(null_hint())),
        other => Err(Mismatch::new(format!("expected a string, found {}", other.describe()))
            .hint(format!("quote it: \"{}\"", text::flow(other)))),
    }
}

/// Temporal's `convertDuration`: a duration string, or a number of seconds.
pub fn check_duration(v: &Value) -> Result<duration::Nanos, Mismatch> {
    match v {
        Value::String(s) => duration::parse_temporal(s).map_err(|m| Mismatch {
            bad_duration: true,
            ..Mismatch::new(m)
        }),
        Value::Int(i) => Ok(duration::from_int_seconds(*i)),
        Value::Uint(u) => Ok(duration::from_int_seconds(*u as i64)),
        Value::Float(f) => Ok(duration::from_float_seconds(*f)),
        Value::Null => Err(Mismatch::new("expected a duration, found null").hint(null_hint())),
        other => Err(
            Mismatch::new(format!("expected a duration, found {}", other.describe()))
                .hint("write a duration such as \"10s\" or \"1m30s\""),
        ),
    }
}

/// Whether Temporal converts `v` to a map setting.
pub fn check_map(v: &Value) -> Result<(), Mismatch> {
    match v {
        Value::Map(_) => Ok(()),
        Value::Null => Err(Mismatch::new("expected a map, found null").hint(null_hint())),
        other => Err(Mismatch::new(format!("expected a map, found {}", other.describe()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_the_quotes_only_where_there_were_quotes() {
        let int = |s: &str| {
            check_int(&Value::String(s.into()))
                .unwrap_err()
                .hint
                .unwrap_or_default()
        };
        let float = |s: &str| {
            check_float(&Value::String(s.into()))
                .unwrap_err()
                .hint
                .unwrap_or_default()
        };
        assert!(int("300").contains("remove the quotes"));
        assert!(!int("lots").contains("quotes"));
        assert!(float("0.5").contains("remove the quotes"));
        assert!(!float("half").contains("quotes"));
    }

    #[test]
    fn bool_rules() {
        assert_eq!(check_bool(&Value::Bool(true)), Ok(true));
        assert_eq!(check_bool(&Value::String("T".into())), Ok(true));
        assert_eq!(check_bool(&Value::String("0".into())), Ok(false));
        assert!(check_bool(&Value::String("yes".into())).is_err());
        assert!(check_bool(&Value::String("on".into())).is_err());
        assert!(check_bool(&Value::Int(1)).is_err());
    }

    #[test]
    fn int_rules() {
        assert_eq!(check_int(&Value::Int(255)), Ok(255));
        let e = check_int(&Value::Float(255.0)).unwrap_err();
        assert!(e.hint.unwrap().contains("255"));
        assert!(check_int(&Value::String("255".into())).is_err());
    }

    #[test]
    fn float_and_string_rules() {
        assert_eq!(check_float(&Value::Int(3)), Ok(3.0));
        assert!(check_float(&Value::String("3".into())).is_err());
        assert!(check_string(&Value::Int(3)).is_err());
        assert!(check_string(&Value::String("x".into())).is_ok());
    }

    #[test]
    fn duration_rules() {
        let s = 1_000_000_000;
        assert_eq!(check_duration(&Value::String("10s".into())), Ok(10 * s));
        assert_eq!(check_duration(&Value::String("1d".into())), Ok(86_400 * s));
        assert_eq!(check_duration(&Value::Int(30)), Ok(30 * s));
        assert_eq!(check_duration(&Value::Int(-5)), Ok(-5 * s));
        assert_eq!(check_duration(&Value::Float(1.5)), Ok(s + s / 2));
        let e = check_duration(&Value::String("-5".into())).unwrap_err();
        assert!(e.bad_duration);
        assert!(check_duration(&Value::Bool(true)).is_err());
    }
}
