//! The checks of one item's value against its key's type: what Temporal
//! cannot convert, what tcfg could not write back as Temporal reads it,
//! and values that stop everything (a rate limit of zero).

use super::{scope_suffix, Validator};
use crate::model::document::ConstrainedValue;
use crate::model::finding::Code;
use crate::model::value::{
    check_bool, check_duration, check_float, check_int, check_map, check_string, Mismatch, Value,
};
use crate::temporal::registry::{KeyDef, ValueType};
use crate::temporal::typed::{self, TypedProblem};

impl Validator<'_> {
    /// A value tcfg could not write back in a form Temporal reads.
    pub(super) fn writable(&mut self, name: &str, item: &ConstrainedValue) {
        if !matches!(item.value, Value::List(_) | Value::Map(_)) {
            return;
        }
        let depth = item.value.depth();
        if depth > crate::model::serialize::MAX_WRITABLE_DEPTH {
            let msg = format!(
                "the value nests {depth} levels deep: written out, it would pass the 10,000 levels Temporal's YAML parser accepts (tcfg writes at most {} levels)",
                crate::model::serialize::MAX_WRITABLE_DEPTH
            );
            self.push(Code::YamlLimit, item.pos.value, name, msg).hint =
                Some("no real setting nests this deep: flatten the value".into());
        }
    }

    /// Numbers a plain setting converts to another value: an int beyond
    /// int64 wraps (yaml.v3 gives Temporal a uint64), and so do seconds
    /// beyond what a duration holds.
    pub(super) fn wraps(&mut self, name: &str, def: &KeyDef, item: &ConstrainedValue) {
        let read = match (&def.value_type, &item.value) {
            (ValueType::Int, Value::Uint(u)) => Some(format!("{}", *u as i64)),
            (ValueType::Float, Value::Uint(u)) => Some(format!("{}", *u as i64 as f64)),
            (ValueType::Duration, Value::Int(_) | Value::Uint(_) | Value::Float(_)) => {
                let nanos = check_duration(&item.value).unwrap_or(0);
                let exact = match &item.value {
                    Value::Int(i) => i.checked_mul(1_000_000_000) == Some(nanos),
                    Value::Uint(_) => false,
                    Value::Float(f) => (f * 1e9).is_finite() && (f * 1e9).abs() < 9.2e18,
                    _ => true,
                };
                (!exact).then(|| crate::model::duration::format_go(nanos))
            }
            _ => None,
        };
        if let Some(read) = read {
            let kind = match def.value_type {
                ValueType::Int => "an int",
                ValueType::Float => "a float",
                _ => "a duration",
            };
            let msg = format!(
                "Temporal cannot hold {} in {kind} setting and reads {read}",
                crate::model::value::text::flow(&item.value)
            );
            self.push(Code::NumberWraps, item.pos.value, name, msg).hint =
                Some("write a number the setting holds".into());
        }
    }

    pub(super) fn value_type(&mut self, name: &str, def: &KeyDef, item: &ConstrainedValue) {
        self.wraps(name, def, item);
        let pos = item.pos.value;
        let simple = |r: Result<(), Mismatch>| r.err().into_iter().map(TypedProblem::Mismatch).collect::<Vec<_>>();
        let problems = match &def.value_type {
            ValueType::Bool => simple(check_bool(&item.value).map(|_| ())),
            ValueType::Int => simple(check_int(&item.value).map(|_| ())),
            ValueType::Float => simple(check_float(&item.value).map(|_| ())),
            ValueType::String => simple(check_string(&item.value)),
            ValueType::Duration => simple(check_duration(&item.value).map(|_| ())),
            ValueType::Map => simple(check_map(&item.value)),
            ValueType::Typed(_) => match &def.typed {
                Some(setting) => {
                    let decoded = typed::decode(&item.value, setting);
                    if let (Value::Null, Ok(read)) = (&item.value, &decoded.value) {
                        if *read != setting.default {
                            let msg = format!(
                                "a null value: Temporal reads it as {}, not as the default {}",
                                crate::model::value::text::flow(read),
                                crate::model::value::text::flow(&setting.default)
                            );
                            self.push(Code::NullValue, pos, name, msg).hint =
                                Some("write the value meant, or remove the item to keep the default".into());
                        } else {
                            // mapstructure decodes null over a copy of the
                            // default and sets nothing: the item is inert.
                            let msg = format!(
                                "a null value: Temporal reads it as exactly the default {}, so this item changes nothing",
                                crate::model::value::text::flow(&setting.default)
                            );
                            self.push(Code::NullDefault, pos, name, msg).hint =
                                Some("remove the item, or write the value meant".into());
                        }
                    }
                    decoded.problems
                }
                None => Vec::new(),
            },
        };
        for p in problems {
            match p {
                TypedProblem::Mismatch(m) => {
                    let code = if m.bad_duration {
                        Code::BadDuration
                    } else {
                        Code::TypeMismatch
                    };
                    let msg = if m.path.is_empty() {
                        m.message
                    } else {
                        format!("`value{}`: {}", m.path, m.message)
                    };
                    let msg = format!("{msg}; Temporal uses the default instead, for every lookup this item matches");
                    let f = self.push(code, pos, name, msg);
                    f.hint =
                        Some(m.hint.unwrap_or_else(|| {
                            "write a value of the key's type (Temporal only logs a warning)".into()
                        }));
                }
                TypedProblem::Wraps { path, written, read } => {
                    let msg = format!("`value{path}`: Temporal cannot hold {written} there and reads {read}");
                    self.push(Code::NumberWraps, pos, name, msg).hint =
                        Some("write a number the field holds (32-bit fields take up to 2147483647)".into());
                }
                TypedProblem::Swallowed(m) => {
                    let msg = if m.path.is_empty() {
                        m.message
                    } else {
                        format!("`value{}`: {}", m.path, m.message)
                    };
                    self.push(Code::TypeMismatch, pos, name, msg).hint = Some(
                        "this setting's converter hides the failure: Temporal silently uses the compiled-in default"
                            .into(),
                    );
                }
                TypedProblem::CaseAmbiguous { path, field, written } => {
                    let msg = format!(
                        "field `{field}` of `value{path}` is written {} with none exact: which one Temporal reads is random",
                        written.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" and ")
                    );
                    self.push(Code::CaseAmbiguousField, pos, name, msg).hint =
                        Some(format!("keep one of them, spelled `{field}`"));
                }
                TypedProblem::NoEffect { path, message } => {
                    let msg = if path.is_empty() {
                        message
                    } else {
                        format!("`value{path}`: {message}")
                    };
                    self.push(Code::TypeMismatch, pos, name, msg).hint =
                        Some("write a map of fields (quote the text if a string was meant)".into());
                }
                TypedProblem::Dropped { path, why } => {
                    let msg = format!("entry `value{path}` is dropped by Temporal, silently: {why}");
                    self.push(Code::DroppedEntry, pos, name, msg).hint = Some("give it a Pattern or remove it".into());
                }
                TypedProblem::Ignored { path, field, known } => {
                    let close = crate::model::suggest::closest(&field, known.iter().map(String::as_str));
                    let msg = format!(
                        "field `{field}` in `value{path}` is not a field of {}; Temporal silently ignores it",
                        def.value_type
                    );
                    let f = self.push(Code::IgnoredField, pos, name, msg);
                    f.hint = Some(match close {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("known fields: {}", known.join(", ")),
                    });
                }
            }
        }
    }

    pub(super) fn zero_rate_limit(&mut self, name: &str, def: &KeyDef, item: &ConstrainedValue) {
        let n = match item.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => return,
        };
        if n <= 0.0 && def.is_rate_limit() {
            let msg = format!(
                "{} {} on a rate, limit or size setting{}",
                if n == 0.0 { "the value" } else { "the negative value" },
                crate::model::value::text::flow(&item.value),
                scope_suffix(&item.constraints)
            );
            let f = self.push(Code::ZeroRateLimit, item.pos.value, name, msg);
            f.hint = Some(format!(
                "this may block all traffic or disable the limit; the registered default is {}",
                def.default
            ));
        }
    }
}
