//! A structured value read as Temporal's converter reads it: mostly
//! mapstructure v1.5.0 with no weak typing, decoding over a copy of the
//! default, so that the result is the value Temporal uses.

use std::collections::BTreeMap;

use super::{Converter, Schema, TypedProblem, TypedSetting};
use crate::model::value::{check_bool, check_duration, check_int, Mismatch, Value};

/// What Temporal makes of a structured value.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The value in effect, in config form (structs merged field by field
    /// over the default, durations as Go prints them), or why the converter
    /// fails, in which case Temporal uses the default.
    pub value: Result<Value, Mismatch>,
    /// What is worth reporting, the failure included.
    pub problems: Vec<TypedProblem>,
}

/// Decode `value` as the setting's converter does.
pub fn decode(value: &Value, setting: &TypedSetting) -> Decoded {
    let mut d = Decoder::default();
    let schema = &setting.schema;
    let mut value = match setting.converter {
        Converter::Structure | Converter::SwallowErrors => d.decode(value, schema, setting.default.clone(), ""),
        Converter::WildcardRegexp | Converter::LowercaseList => d.decode(value, schema, Value::Null, ""),
        Converter::AllowedAddresses => {
            let v = d.decode(value, schema, Value::Null, "");
            d.drop_empty_patterns(v)
        }
        Converter::GradualChange => d.gradual_change(value, schema, &setting.default),
    };
    if setting.converter == Converter::LowercaseList {
        if let Value::List(items) = &mut value {
            for i in items {
                if let Value::String(s) = i {
                    *s = s.to_lowercase();
                }
            }
        }
    }
    // A list left nil (null written) is an empty list to its reader.
    if matches!(schema, Schema::List(_)) && value == Value::Null {
        value = Value::List(Vec::new());
    }
    let failure = d.problems.iter().find_map(|p| match p {
        TypedProblem::Mismatch(m) => Some(m.clone()),
        _ => None,
    });
    match failure {
        // Temporal never notices: the default is the value in effect.
        Some(_) if setting.converter == Converter::SwallowErrors => {
            for p in &mut d.problems {
                if let TypedProblem::Mismatch(m) = p {
                    *p = TypedProblem::Swallowed(m.clone());
                }
            }
            Decoded {
                value: Ok(setting.default.clone()),
                problems: d.problems,
            }
        }
        Some(m) => Decoded {
            value: Err(m),
            problems: d.problems,
        },
        None => Decoded {
            value: Ok(value),
            problems: d.problems,
        },
    }
}

#[derive(Default)]
struct Decoder {
    problems: Vec<TypedProblem>,
}

impl Decoder {
    fn mismatch(&mut self, path: &str, m: Mismatch) {
        self.problems.push(TypedProblem::Mismatch(m.at(path)));
    }

    /// Decode `input` over `current` (what the target holds already: the
    /// default, or null for a fresh element).
    fn decode(&mut self, input: &Value, schema: &Schema, current: Value, path: &str) -> Value {
        crate::model::stack::deep(|| self.decode_here(input, schema, current, path))
    }

    fn decode_here(&mut self, input: &Value, schema: &Schema, current: Value, path: &str) -> Value {
        // mapstructure leaves the target as it is for null.
        if matches!(input, Value::Null) {
            return current;
        }
        let expected = |what: &str| Mismatch::new(format!("expected {what}, found {}", input.describe()));
        match schema {
            Schema::Opaque => input.clone(),
            // mapstructure turns a struct into a map of its exported
            // fields first, and time.Time has none.
            Schema::Struct(_) | Schema::AnyStruct if matches!(input, Value::Time(_)) => {
                self.timestamp_as_struct(input, path);
                current
            }
            Schema::AnyStruct => match input {
                Value::Map(m) => {
                    let mut out = current.into_map().unwrap_or_default();
                    out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Value::Map(out)
                }
                _ => {
                    self.mismatch(path, expected("a map of fields"));
                    current
                }
            },
            Schema::Struct(fields) => {
                let Value::Map(m) = input else {
                    self.mismatch(path, expected("a map of fields"));
                    return current;
                };
                self.decode_struct(m, fields, current, path)
            }
            Schema::List(item) => match input {
                Value::List(l) => Value::List(
                    l.iter()
                        .enumerate()
                        .map(|(i, v)| self.decode(v, item, Value::Null, &format!("{path}[{i}]")))
                        .collect(),
                ),
                _ => {
                    self.mismatch(
                        path,
                        expected("a list").hint("a single value is not a list here: write it as `- item`"),
                    );
                    current
                }
            },
            Schema::Map(values) => match input {
                Value::Map(m) => Value::Map(
                    m.iter()
                        .map(|(k, v)| (k.clone(), self.decode(v, values, Value::Null, &format!("{path}.{k}"))))
                        .collect(),
                ),
                _ => {
                    self.mismatch(path, expected("a map"));
                    current
                }
            },
            // mapstructure truncates floats into ints, wraps what does not
            // fit, and refuses strings.
            Schema::Int | Schema::Int32 => {
                let read = match input {
                    Value::Int(i) => *i,
                    Value::Uint(u) => *u as i64,
                    Value::Float(f) => crate::model::duration::go_float_to_int(*f),
                    _ => {
                        self.mismatch(path, expected("an int"));
                        return current;
                    }
                };
                let read = if matches!(schema, Schema::Int32) {
                    read as i32 as i64
                } else {
                    read
                };
                let exact = match input {
                    Value::Int(i) => *i == read,
                    Value::Uint(u) => i64::try_from(*u) == Ok(read),
                    Value::Float(f) => *f == read as f64,
                    _ => true,
                };
                if !exact {
                    self.problems.push(TypedProblem::Wraps {
                        path: path.to_string(),
                        written: crate::model::value::text::flow(input),
                        read,
                    });
                }
                Value::Int(read)
            }
            Schema::Float => match input {
                Value::Int(i) => Value::Float(*i as f64),
                Value::Uint(u) => Value::Float(*u as f64),
                Value::Float(f) => Value::Float(*f),
                _ => {
                    self.mismatch(path, expected("a number"));
                    current
                }
            },
            Schema::Bool => match input {
                Value::Bool(b) => Value::Bool(*b),
                _ => {
                    let m = expected("a bool");
                    let m = if matches!(input, Value::String(_)) {
                        m.hint("inside structured settings only YAML true/false work, not strings")
                    } else {
                        m
                    };
                    self.mismatch(path, m);
                    current
                }
            },
            Schema::String => match input {
                Value::String(s) => Value::String(s.clone()),
                Value::Time(t) => {
                    self.mismatch(
                        path,
                        Mismatch::new(format!("expected a string, found the timestamp {t}"))
                            .hint(format!("YAML reads {t} as a time: quote it, \"{t}\"")),
                    );
                    current
                }
                _ => {
                    self.mismatch(path, expected("a string"));
                    current
                }
            },
            Schema::Duration => match check_duration(input) {
                Ok(nanos) => Value::String(crate::model::duration::format_go(nanos)),
                Err(m) => {
                    self.mismatch(path, m);
                    current
                }
            },
            Schema::Time => match input {
                // A timestamp YAML decoded already, or Unix seconds.
                Value::Time(_) | Value::Int(_) | Value::Uint(_) | Value::Float(_) => input.clone(),
                Value::String(s) if is_rfc3339(s) => input.clone(),
                _ => {
                    self.mismatch(
                        path,
                        Mismatch::new(format!(
                            "expected a time, found {}",
                            crate::model::value::text::flow(input)
                        ))
                        .hint("write an RFC 3339 time such as 2026-01-02T15:04:05Z, or Unix seconds"),
                    );
                    current
                }
            },
            Schema::GradualChange(of) => self.gradual_change(input, of, &Value::Null),
        }
    }

    /// mapstructure's struct decoding: each field takes the input key of
    /// exactly its name, else one equal to it ignoring case; fields not
    /// written keep what the target held; unknown keys are ignored.
    fn decode_struct(
        &mut self,
        input: &BTreeMap<String, Value>,
        fields: &[(String, Schema)],
        current: Value,
        path: &str,
    ) -> Value {
        let mut out = current.into_map().unwrap_or_default();
        for (name, schema) in fields {
            let key = if input.contains_key(name) {
                Some(name)
            } else {
                let variants: Vec<&String> = input.keys().filter(|k| equal_fold(k, name)).collect();
                if variants.len() > 1 {
                    self.problems.push(TypedProblem::CaseAmbiguous {
                        path: path.to_string(),
                        field: name.clone(),
                        written: variants.iter().map(|s| s.to_string()).collect(),
                    });
                }
                variants.first().copied()
            };
            if let Some(key) = key {
                let cur = out.remove(name).unwrap_or(Value::Null);
                let v = self.decode(&input[key], schema, cur, &format!("{path}.{name}"));
                out.insert(name.clone(), v);
            }
        }
        for k in input.keys() {
            if !fields.iter().any(|(name, _)| equal_fold(k, name)) {
                self.problems.push(TypedProblem::Ignored {
                    path: path.to_string(),
                    field: k.clone(),
                    known: fields.iter().map(|(n, _)| n.clone()).collect(),
                });
            }
        }
        Value::Map(out)
    }

    /// `ConvertGradualChange(def)`: a plain value (`convertBool`/`convertInt`)
    /// is a change to it with no dates; anything else decodes over
    /// `{New: def}`. With no dates the change is static: its value is New.
    fn gradual_change(&mut self, input: &Value, schema: &Schema, default: &Value) -> Value {
        let of = match schema {
            Schema::GradualChange(of) => of.as_ref(),
            other => other,
        };
        let plain = match of {
            Schema::Bool => check_bool(input).ok().map(Value::Bool),
            Schema::Int | Schema::Int32 => match input {
                Value::Int(_) | Value::Uint(_) => check_int(input).ok().map(Value::Int),
                _ => None,
            },
            _ => None,
        };
        if let Some(v) = plain {
            return v;
        }
        if matches!(input, Value::Time(_)) {
            self.timestamp_as_struct(input, "");
            return default.clone();
        }
        if !matches!(input, Value::Map(_) | Value::Null) {
            let what = match of {
                Schema::Bool => "a bool (or a string Go's ParseBool takes)",
                Schema::Int | Schema::Int32 => "an int",
                _ => "a value",
            };
            self.mismatch(
                "",
                Mismatch::new(format!(
                    "expected {what} or {{Old, New, Start, End}}, found {}",
                    input.describe()
                )),
            );
            return default.clone();
        }
        let zero = match of {
            Schema::Bool => Value::Bool(false),
            Schema::Int | Schema::Int32 => Value::Int(0),
            _ => Value::Null,
        };
        let fields = [
            ("Old".to_string(), of.clone()),
            ("New".to_string(), of.clone()),
            ("Start".to_string(), Schema::Time),
            ("End".to_string(), Schema::Time),
        ];
        let start = Value::Map(BTreeMap::from([
            ("Old".to_string(), zero),
            ("New".to_string(), default.clone()),
        ]));
        let Some(m) = self.decode_struct_or_keep(input, &fields, start).into_map() else {
            return default.clone();
        };
        if !m.contains_key("Start") && !m.contains_key("End") {
            return m.get("New").cloned().unwrap_or(Value::Null);
        }
        Value::Map(m)
    }

    fn decode_struct_or_keep(&mut self, input: &Value, fields: &[(String, Schema)], current: Value) -> Value {
        match input {
            Value::Map(m) => self.decode_struct(m, fields, current, ""),
            _ => current,
        }
    }

    fn timestamp_as_struct(&mut self, input: &Value, path: &str) {
        self.problems.push(TypedProblem::NoEffect {
            path: path.to_string(),
            message: format!(
                "{} is a timestamp to YAML, which Temporal decodes as a struct with no fields: nothing is set, and the default stays",
                crate::model::value::text::flow(input)
            ),
        });
    }

    /// `allowedAddressConverter` leaves out entries with no Pattern.
    fn drop_empty_patterns(&mut self, v: Value) -> Value {
        if !matches!(v, Value::List(_)) {
            return v;
        }
        let items = v.into_list().unwrap_or_default();
        let mut kept = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let pattern = match &item {
                Value::Map(m) => m.get("Pattern"),
                _ => None,
            };
            if matches!(pattern, None | Some(Value::Null)) || pattern == Some(&Value::String(String::new())) {
                self.problems.push(TypedProblem::Dropped {
                    path: format!("[{i}]"),
                    why: "it has no Pattern",
                });
            } else {
                kept.push(item);
            }
        }
        Value::List(kept)
    }
}

/// Go's `strings.EqualFold` (what mapstructure matches field names with),
/// where `field` is a Go field name (ASCII, as every field Temporal decodes
/// into is): a character of `written` matches a letter of `field` when equal
/// ignoring ASCII case, or when it is in that letter's simple case-folding
/// orbit, which for ASCII letters holds only the Kelvin sign (k) and the
/// long s (s). `İ` is not in `i`'s orbit: `İnitialIntervalInSeconds` names
/// no field, as Temporal v1.31.2's own decoding shows.
fn equal_fold(written: &str, field: &str) -> bool {
    debug_assert!(field.is_ascii());
    let (mut x, mut y) = (written.chars(), field.bytes());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(f)) => {
                let same = match c {
                    '\u{212A}' => f.eq_ignore_ascii_case(&b'k'),
                    '\u{17F}' => f.eq_ignore_ascii_case(&b's'),
                    c => c.is_ascii() && (c as u8).eq_ignore_ascii_case(&f),
                };
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// RFC 3339 date-time, as Go's `time.Parse(time.RFC3339, ...)` accepts it
/// (fields in range: `25:00:00` or February 30 fail).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(u32::MAX);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) || day < 1 || day > crate::model::yaml::days_in(month, year) {
        return false;
    }
    if digits(11..13) && digits(14..16) && digits(17..19) && (num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 59)
    {
        return false;
    }
    // time.Parse matches the layout's T and Z exactly: t and z fail.
    if b[10] != b'T' || !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' || b[i] == b',' {
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
        "Z" => true,
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
