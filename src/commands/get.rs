//! `tcfg get`: a key's stored items, or its effective value for a scope.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use serde_json::json;
use tcfg_core::resolve::{resolve_items, Source};
use tcfg_core::serialize::{canonical_order, flow, items_to_yaml};
use tcfg_core::store::StoredKey;
use tcfg_core::{ConstrainedValue, Constraints, Finding};

use super::{key_def, unused_scope_fields, ScopeArgs};
use crate::cli::GlobalArgs;
use crate::exit;
use crate::output::{self, paint, Format, BOLD, DIM, WARNING};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg get frontend.namespaceRPS\n  tcfg get frontend.namespaceRPS --namespace payments\n  tcfg get matching.numTaskqueueReadPartitions --namespace payments --task-queue charge-card --task-type Activity\n  tcfg get history.defaultActivityRetryPolicy -o json | jq .items\n\nWithout scope flags: the items stored in etcd. With them: the value Temporal's lookup returns for that\nscope, and where it comes from (a stored item, a built-in default, or the registered default)."
)]
pub struct GetArgs {
    /// The key, in any case
    #[arg(value_name = "KEY")]
    pub key_name: String,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Output format [default: table on a terminal, yaml otherwise]
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<Format>,
}

pub(crate) fn constraints_json(c: &Constraints) -> serde_json::Value {
    serde_json::Value::Object(
        c.iter()
            .map(|(f, v)| (f.name().to_string(), constraint_json(&v)))
            .collect(),
    )
}

fn constraint_json(v: &tcfg_core::constraints::ConstraintValue) -> serde_json::Value {
    match v {
        tcfg_core::constraints::ConstraintValue::ShardId(n) => json!(n),
        other => json!(other.to_string()),
    }
}

pub(crate) fn items_json(items: &[ConstrainedValue]) -> serde_json::Value {
    json!(canonical_order(items)
        .into_iter()
        .map(|i| {
            let mut m = serde_json::Map::new();
            m.insert("value".into(), i.value.to_json());
            if !i.constraints.is_empty() {
                m.insert("constraints".into(), constraints_json(&i.constraints));
            }
            serde_json::Value::Object(m)
        })
        .collect::<Vec<_>>())
}

/// Print the findings that make a stored value unreadable.
pub(crate) fn report_unparseable(stored: &StoredKey, findings: &[Finding]) {
    let mut err = output::stderr();
    let _ = writeln!(
        err,
        "{}: the value stored at {} (revision {}) is not a valid list of items:",
        paint(output::ERROR, "error"),
        stored.etcd_key,
        stored.mod_revision
    );
    let sources = [(stored.etcd_key.clone(), stored.raw.clone())].into_iter().collect();
    let _ = crate::report::write_findings(&mut err, findings, &sources);
}

pub async fn run(global: &GlobalArgs, args: GetArgs) -> Result<u8> {
    let registry = super::registry(global)?;
    let def = key_def(&registry, &args.key_name)?;
    let scope = args.scope.constraints()?;
    let store = super::connect(global).await?;
    let read = store.read_key(&def.name, false).await?;
    let format = args.output.unwrap_or(if output::stdout_is_terminal() {
        Format::Table
    } else {
        Format::Yaml
    });
    let mut err = output::stderr();
    if read.stored.len() > 1 {
        let spellings: Vec<&str> = read.stored.iter().map(|s| s.etcd_key.as_str()).collect();
        writeln!(
            err,
            "{}: {} is stored under {} spellings ({}); Temporal reads one of them at random. `tcfg put` rewrites it under {}",
            paint(WARNING, "warning"),
            def.name,
            spellings.len(),
            spellings.join(", "),
            def.name
        )?;
    }
    let stored = read.stored.first();
    let items: Vec<ConstrainedValue> = match stored.map(|s| &s.items) {
        None => Vec::new(),
        Some(Ok(items)) => items.clone(),
        Some(Err(findings)) => {
            report_unparseable(stored.expect("matched Some"), findings);
            return Ok(exit::ERROR);
        }
    };
    let mut out = output::styled_stdout();

    if !args.scope.given() {
        // The stored items.
        match format {
            Format::Yaml => {
                out.write_all(items_to_yaml(&items).as_bytes())?;
            }
            Format::Json => {
                let v = json!({
                    "key": def.name,
                    "etcd_key": stored.map(|s| s.etcd_key.clone()).unwrap_or_else(|| store.prefix().key_path(&def.name)),
                    "stored": stored.is_some(),
                    "mod_revision": stored.map(|s| s.mod_revision),
                    "revision": read.revision,
                    "items": items_json(&items),
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            }
            Format::Table => {
                writeln!(
                    out,
                    "{} {}",
                    paint(BOLD, &def.name),
                    paint(DIM, format!("({}, {} precedence)", def.value_type, def.precedence))
                )?;
                match stored {
                    None => writeln!(
                        out,
                        "not set under {}: Temporal uses the registered default {}",
                        store.prefix(),
                        if def.default.is_empty() {
                            "(none)".to_string()
                        } else {
                            def.default.clone()
                        }
                    )?,
                    Some(s) => {
                        writeln!(
                            out,
                            "{}",
                            paint(DIM, format!("{} at mod revision {}", s.etcd_key, s.mod_revision))
                        )?;
                        let mut table = super::keys::new_table();
                        table.set_header(["CONSTRAINTS", "VALUE"]);
                        for i in canonical_order(&items) {
                            table.add_row([i.constraints.to_string(), flow(&i.value)]);
                        }
                        super::keys::write_table(&mut out, &table)?;
                    }
                }
            }
        }
        return Ok(exit::OK);
    }

    // The effective value for the scope.
    let unused = unused_scope_fields(def, &scope);
    if !unused.is_empty() {
        let names: Vec<&str> = unused.iter().map(|f| f.name()).collect();
        writeln!(
            err,
            "{}: {} is a {} setting: its lookups never read {}",
            paint(output::NOTE, "note"),
            def.name,
            def.precedence,
            names.join(", ")
        )?;
    }
    let r = resolve_items(&items, def, &scope);
    let (source_json, source_text) = match &r.source {
        Source::Item { index } => {
            let c = &items[*index].constraints;
            (
                json!({"kind": "item", "constraints": constraints_json(c), "etcd_key": stored.map(|s| s.etcd_key.clone())}),
                format!(
                    "the stored item {c} of {}",
                    stored.map(|s| s.etcd_key.as_str()).unwrap_or("")
                ),
            )
        }
        Source::BuiltinDefault { constraints } => (
            json!({"kind": "builtin-default", "constraints": constraints_json(constraints)}),
            format!("Temporal's built-in default for {constraints}"),
        ),
        Source::RegisteredDefault => (
            json!({"kind": "default"}),
            match &r.conversion_error {
                Some(e) => format!("the registered default: the matching stored item does not convert ({e})"),
                None if items.is_empty() => "the registered default: nothing is stored".to_string(),
                None => "the registered default: no stored item matches this scope".to_string(),
            },
        ),
    };
    match format {
        Format::Json | Format::Yaml => {
            let v = json!({
                "key": def.name,
                "scope": constraints_json(&scope),
                "value": r.value.to_json(),
                "source": source_json,
                "revision": read.revision,
            });
            if format == Format::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                out.write_all(serde_yaml::to_string(&v)?.as_bytes())?;
            }
        }
        Format::Table => {
            writeln!(
                out,
                "{} = {}  {}",
                paint(BOLD, &def.name),
                flow(&r.value),
                paint(DIM, format!("for {scope}"))
            )?;
            writeln!(out, "  from {source_text}")?;
        }
    }
    Ok(exit::OK)
}
