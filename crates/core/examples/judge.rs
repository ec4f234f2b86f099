//! What tcfg says Temporal does with each file, in the shape of the oracle's
//! answer (`../shared/oracle/judge`), for `scripts/differential` to compare:
//! whether the server rejects the file, and per key and item whether its
//! value converts, to what.
//!
//! usage: cargo run -p tcfg-core --example judge -- [--temporal-version V] [--canonical DIR] FILE...

use serde_json::{json, Value as J};
use tcfg_core::model::value::{check_bool, check_duration, check_float, check_int, check_string};
use tcfg_core::temporal::registry::ValueType;
use tcfg_core::temporal::resolve;
use tcfg_core::temporal::validate::{check_source, Options};
use tcfg_core::{Code, KeyDef, Level, Registry, Value};

/// Findings that mean the server refuses the whole file.
fn rejects(code: Code) -> bool {
    matches!(
        code,
        Code::YamlSyntax
            | Code::YamlLimit
            | Code::DuplicateKey
            | Code::NotAMap
            | Code::NotAList
            | Code::UnknownConstraint
            | Code::BadConstraintType
            | Code::BadEnum
            | Code::NonStringKey
    )
}

fn convert(v: &Value, ty: &ValueType) -> String {
    let ok = |s: String| format!("OK {s}");
    let err = |m: String| format!("ERROR {m}");
    match ty {
        ValueType::Int => check_int(v)
            .map(|i| ok(format!("int {i}")))
            .unwrap_or_else(|m| err(m.message)),
        ValueType::Float => check_float(v)
            .map(|f| ok(format!("float64 {f}")))
            .unwrap_or_else(|m| err(m.message)),
        ValueType::Bool => check_bool(v)
            .map(|b| ok(format!("bool {b}")))
            .unwrap_or_else(|m| err(m.message)),
        ValueType::String => check_string(v)
            .map(|()| ok(format!("string {}", v.clone().into_string().unwrap_or_default())))
            .unwrap_or_else(|m| err(m.message)),
        ValueType::Duration => check_duration(v)
            .map(|d| ok(format!("time.Duration {}", tcfg_core::model::duration::format_go(d))))
            .unwrap_or_else(|m| err(m.message)),
        ValueType::Map => match v {
            Value::Map(_) => ok("map".into()),
            _ => err("not a map".into()),
        },
        ValueType::Typed(_) => "TYPED".into(),
    }
}

/// A structured value through [`resolve::convert`]: what a lookup returns
/// (`RANDOM` where Temporal's result depends on Go's map order).
fn convert_typed(v: &Value, def: &KeyDef) -> String {
    let random = def.typed.as_ref().is_some_and(|t| {
        tcfg_core::temporal::typed::decode(v, t)
            .problems
            .iter()
            .any(|p| matches!(p, tcfg_core::temporal::typed::TypedProblem::CaseAmbiguous { .. }))
    });
    if random {
        return "RANDOM".into();
    }
    match resolve::convert(v.clone(), def) {
        Ok(v) => format!("OK typed {}", tcfg_core::model::value::text::flow(&v)),
        Err(m) => format!("ERROR {m}"),
    }
}

/// The value as read, tagged, for comparison with the oracle's `raw_go`.
fn raw(v: &Value) -> J {
    match v {
        Value::Null => json!(["null"]),
        Value::Bool(b) => json!(["bool", b]),
        Value::Int(i) => json!(["num", i.to_string()]),
        Value::Uint(u) => json!(["num", u.to_string()]),
        Value::Float(f) => json!(["num", format!("{f:?}")]),
        Value::String(s) => json!(["str", s]),
        Value::Time(_) => json!(["time"]),
        Value::List(l) => json!(["list", l.iter().map(raw).collect::<Vec<_>>()]),
        Value::Map(m) => json!(["map", m.iter().map(|(k, v)| json!([k, raw(v)])).collect::<Vec<_>>()]),
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut option = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        let v = args.get(at + 1).cloned();
        args.drain(at..(at + 2).min(args.len()));
        v
    };
    let version = option("--temporal-version");
    // Where to write the canonical text of each file tcfg would write (one
    // with no error), named after the file, for a round trip through the oracle.
    let canonical = option("--canonical");
    let registry = Registry::for_version(version.as_deref()).expect("a known release");
    let opts = Options {
        allow_unknown_keys: true,
        ..Default::default()
    };
    let mut out = Vec::new();
    for file in &args {
        let text = match std::fs::read(file).map_err(|e| e.to_string()).and_then(|b| {
            tcfg_core::model::yaml::decode_bytes(&b)
                .map(|t| t.into_owned())
                .map_err(|e| e.to_string())
        }) {
            Ok(t) => t,
            Err(e) => {
                out.push(json!({"file": file, "rejected": true, "errors": [format!("unreadable: {e}")], "keys": []}));
                continue;
            }
        };
        let (doc, findings) = check_source(file, &text, &registry, &opts);
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f.level == Level::Error && rejects(f.code))
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        // Errors that are not a rejection: where tcfg is stricter on purpose
        // (or says a value does not take effect as written).
        let mut stricter: Vec<&str> = findings
            .iter()
            .filter(|f| f.level == Level::Error && !rejects(f.code))
            .map(|f| f.code.as_str())
            .collect();
        stricter.sort_unstable();
        stricter.dedup();
        let mut keys = Vec::new();
        for e in &doc.entries {
            let def = registry.get(e.key.as_str());
            let items: Vec<J> = e
                .items
                .iter()
                .map(|i| match def {
                    Some(d) if matches!(d.value_type, ValueType::Typed(_)) => {
                        json!({"convert": convert_typed(&i.value, d), "raw": raw(&i.value)})
                    }
                    Some(d) => json!({"convert": convert(&i.value, &d.value_type), "raw": raw(&i.value)}),
                    None => json!({"raw": raw(&i.value)}),
                })
                .collect();
            keys.push(json!({"spelling": e.key.as_str(), "registered": def.is_some(), "items": items}));
        }
        let written = match &canonical {
            Some(dir) if !findings.iter().any(|f| f.level == Level::Error) => {
                let name = std::path::Path::new(file).file_name().expect("a file name");
                let path = std::path::Path::new(dir).join(name);
                std::fs::write(&path, doc.to_yaml()).expect("the canonical directory is writable");
                Some(path.display().to_string())
            }
            _ => None,
        };
        out.push(json!({"file": file, "rejected": !errors.is_empty(), "errors": errors,
            "stricter": stricter, "keys": keys, "canonical": written}));
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
