//! Structured ("typed") settings: their value schemas per release, and the
//! checks Temporal's decoder (mapstructure over a copy of the default) implies.

use std::collections::HashMap;

use serde::Deserialize;

use crate::key::fold;
use crate::value::{check_bool, check_duration, check_int, Mismatch, Value};

/// The shape a structured setting's value must have.
#[derive(Clone, Debug, PartialEq)]
pub enum Schema {
    Struct(Vec<(String, Schema)>),
    /// A struct whose fields are unknown here (custom `--schema` registries).
    AnyStruct,
    List(Box<Schema>),
    Map(Box<Schema>),
    Int,
    /// A Go `int32` field: mapstructure keeps its low 32 bits.
    Int32,
    Float,
    Bool,
    String,
    Duration,
    Time,
    /// A plain T, or `{Old, New, Start, End}`.
    GradualChange(Box<Schema>),
    /// Not checkable (SDK types).
    Opaque,
}

/// One structured setting of one release.
#[derive(Clone, Debug)]
pub struct TypedSetting {
    pub go_type: String,
    pub schema: Schema,
    pub notes: String,
    /// The default written as a config value would be.
    pub default: serde_json::Value,
}

/// Every structured setting of one release.
#[derive(Debug, Default)]
pub struct TypedSchemas {
    settings: HashMap<String, TypedSetting>,
}

#[derive(Deserialize)]
struct RawFile {
    settings: HashMap<String, RawSetting>,
}

#[derive(Deserialize)]
struct RawSetting {
    go_type: String,
    schema: serde_json::Value,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    default: serde_json::Value,
}

impl TypedSchemas {
    /// Parse the embedded JSON. Unknown schema kinds become `Opaque`, so a
    /// newer data file never breaks validation.
    pub fn parse(json: &str) -> TypedSchemas {
        let raw: RawFile = match serde_json::from_str(json) {
            Ok(r) => r,
            Err(_) => return TypedSchemas::default(),
        };
        let settings = raw
            .settings
            .into_iter()
            .map(|(k, v)| {
                (
                    fold(&k),
                    TypedSetting {
                        go_type: v.go_type,
                        schema: schema_from_json(&v.schema),
                        notes: v.notes,
                        default: v.default,
                    },
                )
            })
            .collect();
        TypedSchemas { settings }
    }

    pub fn get(&self, key: &str) -> Option<&TypedSetting> {
        self.settings.get(&fold(key))
    }
}

fn schema_from_json(j: &serde_json::Value) -> Schema {
    let kind = j.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let sub = |name: &str| Box::new(j.get(name).map(schema_from_json).unwrap_or(Schema::Opaque));
    match kind {
        "struct" => Schema::Struct(
            j.get("fields")
                .and_then(|f| f.as_object())
                .map(|fields| fields.iter().map(|(k, v)| (k.clone(), schema_from_json(v))).collect())
                .unwrap_or_default(),
        ),
        "list" => Schema::List(sub("items")),
        "map" => Schema::Map(sub("values")),
        "int" if j.get("go_type").and_then(|g| g.as_str()) == Some("int32") => Schema::Int32,
        "int" => Schema::Int,
        "float" => Schema::Float,
        "bool" => Schema::Bool,
        "string" => Schema::String,
        "duration" => Schema::Duration,
        "time" => Schema::Time,
        "gradual_change" => Schema::GradualChange(sub("of")),
        _ => Schema::Opaque,
    }
}

impl Schema {
    /// A coarse schema from a Go type name alone, for registries without
    /// typed data: at least the shape (list, map, scalar) is checked.
    pub fn from_go_type(go: &str) -> Schema {
        if let Some(rest) = go.strip_prefix("[]") {
            return Schema::List(Box::new(Schema::from_go_type(rest)));
        }
        if let Some(rest) = go.strip_prefix("map[string]") {
            return Schema::Map(Box::new(Schema::from_go_type(rest)));
        }
        if let Some(inner) = go
            .strip_prefix("dynamicconfig.GradualChange[")
            .and_then(|s| s.strip_suffix(']'))
        {
            return Schema::GradualChange(Box::new(Schema::from_go_type(inner)));
        }
        match go {
            "string" => Schema::String,
            "bool" => Schema::Bool,
            "int" | "int32" | "int64" | "uint" | "uint32" | "uint64" => Schema::Int,
            "float32" | "float64" => Schema::Float,
            "time.Duration" => Schema::Duration,
            "time.Time" => Schema::Time,
            "*regexp.Regexp" => Schema::List(Box::new(Schema::String)),
            t if t.contains("sdk/worker.Options") => Schema::Opaque,
            _ => Schema::AnyStruct,
        }
    }
}

impl Schema {
    /// A short name of the shape (`list of string`, `GradualChange of bool`).
    pub fn summary(&self) -> String {
        match self {
            Schema::Struct(_) | Schema::AnyStruct => "map of fields".into(),
            Schema::List(i) => format!("list of {}", i.summary()),
            Schema::Map(v) => format!("map of string to {}", v.summary()),
            Schema::Int => "int".into(),
            Schema::Int32 => "int (32 bits)".into(),
            Schema::Float => "float".into(),
            Schema::Bool => "bool".into(),
            Schema::String => "string".into(),
            Schema::Duration => "duration".into(),
            Schema::Time => "time (RFC 3339 or Unix seconds)".into(),
            Schema::GradualChange(of) => format!("{} or {{Old, New, Start, End}}", of.summary()),
            Schema::Opaque => "not checked".into(),
        }
    }

    /// One line per field, indented by depth, for `tcfg keys NAME`.
    pub fn field_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(s: &Schema, depth: usize, out: &mut Vec<String>) {
            let fields = match s {
                Schema::Struct(f) => f,
                Schema::List(i) | Schema::Map(i) => return walk(i, depth, out),
                _ => return,
            };
            for (name, sub) in fields {
                out.push(format!("{}{name}: {}", "  ".repeat(depth), sub.summary()));
                walk(sub, depth + 1, out);
            }
        }
        walk(self, 0, &mut out);
        out
    }
}

/// A problem in a structured value.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedProblem {
    /// The value does not decode; Temporal falls back to the default.
    Mismatch(Mismatch),
    /// A number the field cannot hold: Temporal reads `read` instead.
    Wraps { path: String, written: String, read: i64 },
    /// A field Temporal silently ignores.
    Ignored {
        path: String,
        field: String,
        known: Vec<String>,
    },
}

/// Check a value against a schema the way mapstructure would decode it.
pub fn check(value: &Value, schema: &Schema) -> Vec<TypedProblem> {
    let mut out = Vec::new();
    check_at(value, schema, "", &mut out);
    out
}

fn mismatch(path: &str, m: Mismatch, out: &mut Vec<TypedProblem>) {
    out.push(TypedProblem::Mismatch(m.at(path)));
}

fn check_at(value: &Value, schema: &Schema, path: &str, out: &mut Vec<TypedProblem>) {
    crate::stack::deep(|| check_here(value, schema, path, out))
}

fn check_here(value: &Value, schema: &Schema, path: &str, out: &mut Vec<TypedProblem>) {
    // mapstructure leaves the default in place for null.
    if matches!(value, Value::Null) {
        return;
    }
    let expected = |what: &str| Mismatch::new(format!("expected {what}, found {}", value.describe()));
    match schema {
        Schema::Opaque => {}
        Schema::AnyStruct => {
            if !matches!(value, Value::Map(_)) {
                mismatch(path, expected("a map of fields"), out);
            }
        }
        Schema::Struct(fields) => {
            let Value::Map(m) = value else {
                mismatch(path, expected("a map of fields"), out);
                return;
            };
            for (k, v) in m {
                let field = fields
                    .iter()
                    .find(|(name, _)| name == k)
                    .or_else(|| fields.iter().find(|(name, _)| name.eq_ignore_ascii_case(k)));
                match field {
                    Some((name, s)) => check_at(v, s, &format!("{path}.{name}"), out),
                    None => out.push(TypedProblem::Ignored {
                        path: path.to_string(),
                        field: k.clone(),
                        known: fields.iter().map(|(n, _)| n.clone()).collect(),
                    }),
                }
            }
        }
        Schema::List(items) => match value {
            Value::List(l) => {
                for (i, v) in l.iter().enumerate() {
                    check_at(v, items, &format!("{path}[{i}]"), out);
                }
            }
            _ => mismatch(
                path,
                expected("a list").hint("a single value is not a list here: write it as `- item`"),
                out,
            ),
        },
        Schema::Map(values) => match value {
            Value::Map(m) => {
                for (k, v) in m {
                    check_at(v, values, &format!("{path}.{k}"), out);
                }
            }
            _ => mismatch(path, expected("a map"), out),
        },
        // mapstructure truncates floats into ints, wraps what does not fit,
        // and refuses strings.
        Schema::Int | Schema::Int32 => {
            let read = match value {
                Value::Int(i) => *i,
                Value::Uint(u) => *u as i64,
                Value::Float(f) => crate::duration::go_float_to_int(*f),
                _ => {
                    mismatch(path, expected("an int"), out);
                    return;
                }
            };
            let read = if matches!(schema, Schema::Int32) {
                read as i32 as i64
            } else {
                read
            };
            let exact = match value {
                Value::Int(i) => *i == read,
                Value::Uint(u) => i64::try_from(*u) == Ok(read),
                Value::Float(f) => *f == read as f64,
                _ => true,
            };
            if !exact {
                out.push(TypedProblem::Wraps {
                    path: path.to_string(),
                    written: crate::serialize::flow(value),
                    read,
                });
            }
        }
        Schema::Float => {
            if !matches!(value, Value::Int(_) | Value::Uint(_) | Value::Float(_)) {
                mismatch(path, expected("a number"), out);
            }
        }
        Schema::Bool => {
            if !matches!(value, Value::Bool(_)) {
                let m = expected("a bool");
                mismatch(
                    path,
                    if matches!(value, Value::String(_)) {
                        m.hint("inside structured settings only YAML true/false work, not strings")
                    } else {
                        m
                    },
                    out,
                );
            }
        }
        Schema::String => {
            if !matches!(value, Value::String(_)) {
                mismatch(path, expected("a string"), out);
            }
        }
        Schema::Duration => {
            if let Err(m) = check_duration(value) {
                mismatch(path, m, out);
            }
        }
        Schema::Time => match value {
            // A timestamp YAML decoded already, or Unix seconds.
            Value::Time(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_) => {}
            Value::String(s) if is_rfc3339(s) => {}
            _ => mismatch(
                path,
                Mismatch::new(format!("expected a time, found {}", crate::serialize::flow(value)))
                    .hint("write an RFC 3339 time such as 2026-01-02T15:04:05Z, or Unix seconds"),
                out,
            ),
        },
        Schema::GradualChange(of) => match value {
            Value::Map(m) => {
                let fields = [
                    ("Old", (**of).clone()),
                    ("New", (**of).clone()),
                    ("Start", Schema::Time),
                    ("End", Schema::Time),
                ];
                let s = Schema::Struct(fields.iter().map(|(n, s)| (n.to_string(), s.clone())).collect());
                check_at(&Value::Map(m.clone()), &s, path, out);
            }
            // The plain form goes through the ordinary converters.
            plain => {
                let r = match **of {
                    Schema::Bool => check_bool(plain).map(|_| ()),
                    Schema::Int => check_int(plain).map(|_| ()),
                    _ => {
                        check_at(plain, of, path, out);
                        Ok(())
                    }
                };
                if let Err(m) = r {
                    mismatch(path, m, out);
                }
            }
        },
    }
}

/// RFC 3339 date-time, as Go's `time.Parse(time.RFC3339, ...)` accepts it.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if !(b[10] == b'T' || b[10] == b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &s[i..] {
        "Z" | "z" => true,
        tz => {
            let t = tz.as_bytes();
            t.len() == 6
                && (t[0] == b'+' || t[0] == b'-')
                && t[1..3].iter().all(u8::is_ascii_digit)
                && t[3] == b':'
                && t[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    fn problems(key: &str, yaml: &str) -> Vec<TypedProblem> {
        let r = Registry::for_version(None).unwrap();
        let schema = &r.typed().unwrap().get(key).unwrap().schema;
        let node = crate::yaml::load(yaml).unwrap().unwrap();
        check(&Value::from_owned_node(node, &mut Vec::new()).unwrap(), schema)
    }

    #[test]
    fn retry_policy_fields() {
        assert!(problems(
            "history.defaultActivityRetryPolicy",
            "{InitialIntervalInSeconds: 1, MaximumAttempts: 0, BackoffCoefficient: 2.0}"
        )
        .is_empty());
        // Case-insensitive field match, like mapstructure.
        assert!(problems("history.defaultActivityRetryPolicy", "{initialintervalinseconds: 10s}").is_empty());
        let p = problems("history.defaultActivityRetryPolicy", "{InitialInterval: 1}");
        assert!(matches!(&p[0], TypedProblem::Ignored { field, .. } if field == "InitialInterval"));
        let p = problems("history.defaultActivityRetryPolicy", "{MaximumAttempts: \"5\"}");
        assert!(matches!(&p[0], TypedProblem::Mismatch(m) if m.path == ".MaximumAttempts"));
        assert!(!problems("history.defaultActivityRetryPolicy", "[1]").is_empty());
    }

    #[test]
    fn lists_and_regexps() {
        assert!(problems(
            "component.callbacks.allowedAddresses",
            "[{Pattern: '*', AllowInsecure: true}]"
        )
        .is_empty());
        let p = problems(
            "component.callbacks.allowedAddresses",
            "[{Pattern: '*', AllowInsecure: 'true'}]",
        );
        assert!(matches!(&p[0], TypedProblem::Mismatch(m) if m.path == "[0].AllowInsecure"));
        assert!(problems("frontend.httpAllowedHosts", "['*.example.com']").is_empty());
        assert!(!problems("frontend.httpAllowedHosts", "'*.example.com'").is_empty());
    }

    #[test]
    fn gradual_change() {
        assert!(problems("matching.enableFairness", "true").is_empty());
        assert!(problems("matching.enableFairness", "'t'").is_empty());
        assert!(problems(
            "matching.enableFairness",
            "{Old: false, New: true, Start: 2026-01-01T00:00:00Z, End: 1767225600}"
        )
        .is_empty());
        assert!(!problems("matching.enableFairness", "{New: 'true'}").is_empty());
        assert!(!problems("matching.enableFairness", "{New: true, End: tomorrow}").is_empty());
        assert!(!problems("matching.spreadRoutingBatchSize", "2.5").is_empty());
    }

    #[test]
    fn go_type_fallback() {
        assert_eq!(Schema::from_go_type("[]string"), Schema::List(Box::new(Schema::String)));
        assert_eq!(
            Schema::from_go_type("dynamicconfig.GradualChange[bool]"),
            Schema::GradualChange(Box::new(Schema::Bool))
        );
        assert_eq!(
            Schema::from_go_type("retrypolicy.DefaultRetrySettings"),
            Schema::AnyStruct
        );
        assert!(is_rfc3339("2026-01-02T15:04:05.5+02:00"));
        assert!(!is_rfc3339("2026-01-02"));
    }
}
