//! Structured ("typed") settings: their value schemas and converters per
//! release ([`decode`] reads a value as Temporal's converter does).

use std::collections::HashMap;

use serde::Deserialize;

use crate::model::key::fold;
use crate::model::value::{Mismatch, Value};

mod decode;

pub use decode::{decode, is_rfc3339, Decoded};

/// The shape a structured setting's value must have.
#[derive(Clone, Debug, PartialEq)]
pub enum Schema {
    /// A struct, its fields by name.
    Struct(Vec<(String, Schema)>),
    /// A struct whose fields are unknown here (custom `--schema` registries).
    AnyStruct,
    /// A list of one schema.
    List(Box<Schema>),
    /// A map from strings to one schema.
    Map(Box<Schema>),
    /// An int.
    Int,
    /// A Go `int32` field: mapstructure keeps its low 32 bits.
    Int32,
    /// A float.
    Float,
    /// A bool.
    Bool,
    /// A string.
    String,
    /// A duration.
    Duration,
    /// A time.
    Time,
    /// A plain T, or `{Old, New, Start, End}`.
    GradualChange(Box<Schema>),
    /// Not checkable (SDK types).
    Opaque,
}

/// How a setting's value becomes its Go value: the converter it is
/// registered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Converter {
    /// `ConvertStructure(default)`: mapstructure decodes the value over a
    /// copy of the default.
    Structure,
    /// `allowedAddressConverter`: a list of `{Pattern, AllowInsecure}`;
    /// entries with an empty Pattern are dropped.
    AllowedAddresses,
    /// `ConvertWildcardStringListToRegexp`: a list of `*` patterns.
    WildcardRegexp,
    /// `ConvertStructure[[]string](nil)`, then every entry lower-cased.
    LowercaseList,
    /// `ConvertGradualChange(def)`: a plain value, or `{Old, New, Start, End}`.
    GradualChange,
    /// A converter that swallows its errors: a value that does not decode
    /// silently becomes the default.
    SwallowErrors,
}

impl Converter {
    fn parse(name: Option<&str>) -> Converter {
        match name {
            Some("allowed-addresses") => Converter::AllowedAddresses,
            Some("wildcard-regexp") => Converter::WildcardRegexp,
            Some("lowercase-list") => Converter::LowercaseList,
            Some("gradual-change") => Converter::GradualChange,
            Some("swallow-errors") => Converter::SwallowErrors,
            _ => Converter::Structure,
        }
    }
}

/// One structured setting of one release.
#[derive(Clone, Debug, PartialEq)]
pub struct TypedSetting {
    /// The Go type it decodes into.
    pub go_type: String,
    /// The shape its value must have.
    pub schema: Schema,
    /// How Temporal converts it.
    pub converter: Converter,
    /// What to know about it.
    pub notes: String,
    /// The default written as a config value would be.
    pub default: Value,
}

impl TypedSetting {
    /// A setting known only by its Go type (custom `--schema` registries):
    /// its shape is checked, its default is unknown.
    pub fn from_go_type(go: &str) -> TypedSetting {
        let schema = Schema::from_go_type(go);
        let converter = match go {
            "*regexp.Regexp" => Converter::WildcardRegexp,
            g if g.starts_with("dynamicconfig.GradualChange[") => Converter::GradualChange,
            _ => Converter::Structure,
        };
        TypedSetting {
            go_type: go.to_string(),
            schema,
            converter,
            notes: String::new(),
            default: Value::Null,
        }
    }
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
    converter: Option<String>,
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
                        converter: Converter::parse(v.converter.as_deref()),
                        notes: v.notes,
                        default: Value::from_json(&v.default),
                    },
                )
            })
            .collect();
        TypedSchemas { settings }
    }

    /// The structured setting named `key` (in any case), if it is one.
    pub fn get(&self, key: &str) -> Option<&TypedSetting> {
        self.settings.get(&fold(key))
    }

    /// Every setting, by folded key name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TypedSetting)> {
        self.settings.iter().map(|(k, v)| (k.as_str(), v))
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
        // The SDK's worker.Options is a struct whose fields tcfg does not
        // model: mapstructure still wants a map for it ("expected a map,
        // got 'slice'"), whatever the fields.
        "opaque"
            if j.get("go_type")
                .and_then(|g| g.as_str())
                .is_some_and(is_sdk_worker_options) =>
        {
            Schema::AnyStruct
        }
        _ => Schema::Opaque,
    }
}

fn is_sdk_worker_options(go: &str) -> bool {
    go.ends_with("sdk/worker.Options")
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
            t if is_sdk_worker_options(t) => Schema::AnyStruct,
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
    Wraps {
        /// Where in the value.
        path: String,
        /// The number as written.
        written: String,
        /// What Temporal reads.
        read: i64,
    },
    /// A field Temporal silently ignores.
    Ignored {
        /// Where in the value.
        path: String,
        /// The field as written.
        field: String,
        /// The fields Temporal reads.
        known: Vec<String>,
    },
    /// A field written in several cases with none exact: which one Temporal
    /// decodes depends on Go's random map order.
    CaseAmbiguous {
        /// Where in the value.
        path: String,
        /// The field's name.
        field: String,
        /// Each spelling written.
        written: Vec<String>,
    },
    /// A value that decodes to nothing: the target keeps what it held (a
    /// timestamp for a struct is a struct with no exported fields).
    NoEffect {
        /// Where in the value.
        path: String,
        /// Why it changes nothing.
        message: String,
    },
    /// A list entry the converter drops silently.
    Dropped {
        /// Where in the value.
        path: String,
        /// Why the converter drops it.
        why: &'static str,
    },
    /// The value does not decode, and the converter silently uses the
    /// default instead of failing.
    Swallowed(Mismatch),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::registry::Registry;

    fn decoded(key: &str, yaml: &str) -> Decoded {
        let r = Registry::for_version(None).unwrap();
        let setting = r.get(key).unwrap().typed.as_ref().unwrap();
        let node = crate::model::yaml::load(yaml).unwrap().unwrap();
        decode(&Value::from_owned_node(node, &mut Vec::new()).unwrap(), setting)
    }

    fn problems(key: &str, yaml: &str) -> Vec<TypedProblem> {
        decoded(key, yaml).problems
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
        // As Go's time.Parse(time.RFC3339): fields in range, T and Z in
        // capitals, a comma for the fraction, any offset digits.
        assert!(is_rfc3339("2024-02-29T00:00:00,5Z"));
        assert!(is_rfc3339("2024-01-01T00:00:00+24:00"));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01t00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:00.Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
