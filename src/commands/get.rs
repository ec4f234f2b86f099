//! `tcfg get`: a key's stored items, or its effective value for a scope.

use std::io::Write;

use clap::Args;
use serde::Serialize;
use tcfg_core::model::finding::Level;
use tcfg_core::model::serialize::{canonical_order, items_to_yaml};
use tcfg_core::model::value::text::flow;
use tcfg_core::store::StoredKey;
use tcfg_core::temporal::resolve::{resolve_items, Source};
use tcfg_core::{ConstrainedValue, Constraints, Value};

use crate::app::{key_def, unused_scope_fields, ScopeArgs};
use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, DIM, WARNING};
use crate::present::json::{Items, SourceJson};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg get frontend.namespaceRPS\n  tcfg get frontend.namespaceRPS --namespace payments\n  tcfg get --namespace payments                       # what payments gets that is not a default\n  tcfg get frontend.rps --at 2h                       # as it was two hours ago (or --at REVISION)\n  tcfg get frontend.rps --raw                         # the stored text, byte for byte\n  tcfg get matching.numTaskqueueReadPartitions --namespace payments --task-queue charge-card \\\n      --task-type Activity\n  tcfg get history.defaultActivityRetryPolicy -o json | jq .items\n\nWithout scope flags: the items stored in etcd. With them: the value Temporal's lookup returns for that scope, and where it comes from (a stored item, a built-in default, or the registered default). Scope flags without a key: each key whose lookup for that scope returns a stored item's value other than the key's default, with the item it comes from."
)]
pub struct GetArgs {
    /// The key, in any case (without one, scope flags list what that scope gets)
    #[arg(value_name = "KEY", required_unless_present_any = ["namespace", "namespace_id", "task_queue", "task_type", "history_task_type", "shard_id", "destination", "chasm_task_type"], add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: Option<String>,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Read as of this point: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time, while etcd keeps it
    #[arg(long, value_name = "WHEN", visible_alias = "revision", value_parser = crate::app::args::parse_when)]
    pub at: Option<tcfg_core::changes::log::Bound>,

    /// The stored text exactly, byte for byte (on a terminal, control characters escaped)
    #[arg(long, requires = "key_name", conflicts_with = "output")]
    pub raw: bool,

    /// Output format [default: table on a terminal, yaml otherwise]
    #[arg(short = 'o', long = "output", value_name = "FORMAT")]
    pub output: Option<Output>,
}

#[derive(Serialize)]
struct StoredJson<'a> {
    key: &'a str,
    etcd_key: String,
    stored: bool,
    mod_revision: Option<i64>,
    revision: i64,
    items: Items<'a>,
    /// What a lookup with no constraints returns, and from where.
    effective: EffectiveJson<'a>,
    /// Every stored spelling, when there are several (Temporal reads one at random).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    spellings: Vec<SpellingJson<'a>>,
}

#[derive(Serialize)]
struct EffectiveJson<'a> {
    scope: &'a Constraints,
    value: &'a Value,
    source: SourceJson<'a>,
}

#[derive(Serialize)]
struct SpellingJson<'a> {
    etcd_key: &'a str,
    mod_revision: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Items<'a>>,
}

#[derive(Serialize)]
struct ResolvedJson<'a> {
    key: &'a str,
    scope: &'a Constraints,
    value: &'a Value,
    source: SourceJson<'a>,
    revision: i64,
}

pub async fn run(global: &GlobalArgs, args: GetArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let scope = args.scope.constraints()?;
    let format = args.output.unwrap_or(if output::stdout_is_terminal() {
        Output::Table
    } else {
        Output::Yaml
    });
    let Some(key_name) = &args.key_name else {
        let store = crate::app::connect(global).await?;
        let at = crate::app::revision_of(&store, args.at).await?;
        return scope_values(&store, &registry, &scope, at, format).await;
    };
    let def = key_def(&registry, key_name)?;
    let store = crate::app::connect(global).await?;
    let at = crate::app::revision_of(&store, args.at).await?;
    // Every spelling: Temporal reads one of them at random, so a second one
    // is worth knowing about.
    let read = store.read_key_at(&def.name, true, at).await?;
    if args.raw {
        return raw(&store, def, &read, at).await;
    }
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
    // Items under an incident override say so, now (not for a past --at).
    if at.is_none() {
        // A reader whose role does not reach the overrides sees no marks.
        let active = match tcfg_core::changes::overrides::list(&store).await {
            Ok((_, active, _)) => active,
            Err(tcfg_core::store::StoreError::PermissionDenied { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let now = std::time::SystemTime::now();
        for a in active
            .iter()
            .filter(|a| read.stored.iter().any(|s| s.etcd_key == a.entry.etcd_key))
        {
            let ends = a
                .ends_at()
                .map_or_else(|| a.entry.ends.clone(), |t| crate::present::overrides::left(t, now));
            writeln!(
                err,
                "{}: {} {} is under override {} by {}, ends in {ends} (then {}): {}",
                paint(crate::output::NOTE, "note"),
                def.name,
                a.entry.scope,
                a.revision,
                a.entry.author.short(),
                a.restore_text(),
                a.entry.message
            )?;
        }
    }
    let stored = read.registered_or_first(store.prefix(), &def.name);
    // One verdict on a stored value, as render, dump and status give it:
    // a value Temporal would reject is shown with why, and with what its
    // lookups return instead.
    let (items, rejected): (Vec<ConstrainedValue>, Vec<tcfg_core::Finding>) = match stored {
        None => (Vec::new(), Vec::new()),
        Some(s) => match &s.items {
            Ok(items) => {
                let findings = tcfg_core::temporal::validate::validate_key(
                    &s.etcd_key,
                    &s.key,
                    Default::default(),
                    items,
                    &registry,
                    &Default::default(),
                );
                let errors = findings.into_iter().filter(|f| f.level == Level::Error).collect();
                (items.clone(), errors)
            }
            Err(findings) if args.scope.given() || format == Output::Json => {
                bail!("{}", crate::present::report::unparseable(s, findings));
            }
            Err(findings) => (Vec::new(), findings.clone()),
        },
    };
    if !rejected.is_empty() {
        let s = stored.expect("findings come from a stored value");
        let sources = [(s.etcd_key.clone(), s.raw.clone())].into_iter().collect();
        crate::present::report::write_findings(&mut err, &rejected, &sources)?;
        let r = resolve_items(&items, def, &Constraints::default());
        writeln!(
            err,
            "{}: Temporal would reject the value stored at {}: `tcfg render` holds it back, and where nothing earlier is loaded its lookups return {} ({})",
            paint(WARNING, "warning"),
            tcfg_core::model::key::escaped(&s.etcd_key),
            flow(&r.value),
            match (&r.source, &r.conversion_error) {
                (Source::RegisteredDefault, Some(_)) => "the registered default: the stored item does not convert",
                (Source::RegisteredDefault, None) => "the registered default",
                (Source::BuiltinDefault { .. }, _) => "a built-in default",
                (Source::Item { .. }, _) => "a stored item",
            }
        )?;
    }
    let mut out = output::styled_stdout();

    if !args.scope.given() {
        // The stored items.
        match format {
            Output::Yaml => match stored.filter(|s| s.items.is_err()) {
                // No items to give: the stored text, escaped, and exit 1.
                Some(s) => {
                    for line in s.raw.lines() {
                        writeln!(out, "{}", line.escape_debug())?;
                    }
                    return Ok(exit::ERROR);
                }
                None => out.write_all(items_to_yaml(&items).as_bytes())?,
            },
            Output::Json => {
                let unscoped = Constraints::default();
                let r = resolve_items(&items, def, &unscoped);
                let etcd_key = stored.map(|s| s.etcd_key.as_str());
                let v = StoredJson {
                    key: &def.name,
                    etcd_key: etcd_key
                        .map(str::to_string)
                        .unwrap_or_else(|| store.prefix().key_path(&def.name)),
                    stored: stored.is_some(),
                    mod_revision: stored.map(|s| s.mod_revision),
                    revision: read.revision,
                    items: Items(&items),
                    effective: EffectiveJson {
                        scope: &unscoped,
                        value: &r.value,
                        source: SourceJson::of(&r, &items, etcd_key),
                    },
                    spellings: spellings(&read.stored),
                };
                crate::present::json::pretty(&mut out, &v)?;
            }
            Output::Table => {
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
                    Some(_) => {
                        for s in &read.stored {
                            writeln!(
                                out,
                                "{}",
                                paint(DIM, format!("{} at mod revision {}", s.etcd_key, s.mod_revision))
                            )?;
                            let Ok(items) = &s.items else {
                                // The stored text, escaped, beside its error.
                                writeln!(out, "  does not parse; stored text:")?;
                                for line in s.raw.lines() {
                                    writeln!(out, "    {}", line.escape_debug())?;
                                }
                                continue;
                            };
                            let mut table = crate::present::table::new_table();
                            table.set_header(["CONSTRAINTS", "VALUE"]);
                            for i in canonical_order(items) {
                                table.add_row([i.constraints.to_string(), flow(&i.value)]);
                            }
                            crate::present::table::write_table(&mut out, &table)?;
                        }
                    }
                }
            }
        }
        return Ok(if stored.is_some_and(|s| s.items.is_err()) {
            exit::ERROR
        } else {
            exit::OK
        });
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
    let source_text = match &r.source {
        Source::Item { index } => format!(
            "the stored item {} of {}",
            items[*index].constraints,
            stored.map(|s| s.etcd_key.as_str()).unwrap_or("")
        ),
        Source::BuiltinDefault { constraints } => format!("Temporal's built-in default for {constraints}"),
        Source::RegisteredDefault => match &r.conversion_error {
            Some(e) => format!("the registered default: the matching stored item does not convert ({e})"),
            None if items.is_empty() => "the registered default: nothing is stored".to_string(),
            None => "the registered default: no stored item matches this scope".to_string(),
        },
    };
    match format {
        Output::Json | Output::Yaml => {
            let v = ResolvedJson {
                key: &def.name,
                scope: &scope,
                value: &r.value,
                source: SourceJson::of(&r, &items, stored.map(|s| s.etcd_key.as_str())),
                revision: read.revision,
            };
            if format == Output::Json {
                crate::present::json::pretty(&mut out, &v)?;
            } else {
                // Written as values are (a deep value stays linear).
                let mut source = std::collections::BTreeMap::new();
                let kind = match &r.source {
                    Source::Item { index } => {
                        source.insert("constraints".to_string(), items[*index].constraints.to_value());
                        if let Some(s) = stored {
                            source.insert("etcd_key".to_string(), Value::String(s.etcd_key.clone()));
                        }
                        "item"
                    }
                    Source::BuiltinDefault { constraints } => {
                        source.insert("constraints".to_string(), constraints.to_value());
                        "builtin-default"
                    }
                    Source::RegisteredDefault => "default",
                };
                source.insert("kind".to_string(), Value::String(kind.into()));
                let text = tcfg_core::model::serialize::mapping_to_yaml(&[
                    ("key", &Value::String(def.name.clone())),
                    ("scope", &scope.to_value()),
                    ("value", &r.value),
                    ("source", &Value::Map(source)),
                    ("revision", &Value::Int(read.revision)),
                ]);
                out.write_all(text.as_bytes())?;
            }
        }
        Output::Table => {
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

/// Every stored spelling of a key with its items, when there is more than one.
fn spellings(stored: &[StoredKey]) -> Vec<SpellingJson<'_>> {
    if stored.len() < 2 {
        return Vec::new();
    }
    stored
        .iter()
        .map(|s| SpellingJson {
            etcd_key: &s.etcd_key,
            mod_revision: s.mod_revision,
            items: s.items.as_ref().ok().map(|i| Items(i)),
        })
        .collect()
}

/// `--raw`: the stored bytes of the registered spelling (or the one
/// stored), exactly; escaped only when they would reach a terminal.
async fn raw(
    store: &tcfg_core::store::Store,
    def: &tcfg_core::temporal::registry::KeyDef,
    read: &tcfg_core::store::KeyRead,
    at: Option<i64>,
) -> Result<u8> {
    let Some(stored) = read.registered_or_first(store.prefix(), &def.name) else {
        bail!("{} is not stored under {}", def.name, store.prefix());
    };
    if read.stored.len() > 1 {
        writeln!(
            output::stderr(),
            "{}: {} is stored under {} spellings; this is {}",
            paint(WARNING, "warning"),
            def.name,
            read.stored.len(),
            tcfg_core::model::key::escaped(&stored.etcd_key)
        )?;
    }
    let Some(bytes) = store
        .read_bytes(&stored.etcd_key, Some(at.unwrap_or(read.revision)))
        .await?
    else {
        bail!("{} is not stored under {}", def.name, store.prefix());
    };
    // Exact, through the guard every stream has: on a terminal control
    // characters are escaped; anywhere, a line that would start a CI
    // runner's command gets a `\` first.
    if output::stdout_is_terminal() {
        let mut out = output::styled_stdout();
        out.write_all(&bytes)?;
        out.flush()?;
    } else {
        let mut out = output::stdout();
        out.write_all(&bytes)?;
        out.flush()?;
    }
    Ok(exit::OK)
}

/// Scope flags without a key: what that scope gets, key by key.
async fn scope_values(
    store: &tcfg_core::store::Store,
    registry: &tcfg_core::Registry,
    scope: &Constraints,
    at: Option<i64>,
    format: Output,
) -> Result<u8> {
    let snapshot = store.snapshot(registry, at).await?;
    let values = tcfg_core::temporal::resolve::scope_values(&snapshot.document(), registry, scope);
    let mut out = output::styled_stdout();
    match format {
        Output::Json => {
            #[derive(Serialize)]
            struct ScopeJson<'a> {
                scope: &'a Constraints,
                revision: i64,
                keys: Vec<KeyJson<'a>>,
            }
            #[derive(Serialize)]
            struct KeyJson<'a> {
                key: &'a str,
                value: &'a Value,
                default: &'a Value,
                constraints: &'a Constraints,
                etcd_key: String,
            }
            let keys = values
                .iter()
                .map(|v| KeyJson {
                    key: &v.name,
                    value: &v.resolution.value,
                    default: &v.default,
                    constraints: &v.item_constraints,
                    etcd_key: stored_name(&snapshot, &v.name),
                })
                .collect();
            let v = ScopeJson {
                scope,
                revision: snapshot.revision,
                keys,
            };
            crate::present::json::pretty(&mut out, &v)?;
        }
        Output::Yaml => {
            let entries: Vec<(String, Value)> = values
                .iter()
                .map(|v| {
                    let mut m = std::collections::BTreeMap::new();
                    m.insert("value".to_string(), v.resolution.value.clone());
                    m.insert("default".to_string(), v.default.clone());
                    m.insert("constraints".to_string(), v.item_constraints.to_value());
                    m.insert("etcd_key".to_string(), Value::String(stored_name(&snapshot, &v.name)));
                    (v.name.clone(), Value::Map(m))
                })
                .collect();
            let borrowed: Vec<(&str, &Value)> = entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
            out.write_all(tcfg_core::model::serialize::mapping_to_yaml(&borrowed).as_bytes())?;
        }
        Output::Table => {
            if values.is_empty() {
                writeln!(
                    out,
                    "every key has its default for {scope} under {} (nothing stored changes it)",
                    store.prefix()
                )?;
                return Ok(exit::OK);
            }
            let mut table = crate::present::table::new_table();
            table.set_header(["KEY", "VALUE", "DEFAULT", "FROM THE ITEM"]);
            for v in &values {
                table.add_row([
                    v.name.clone(),
                    flow(&v.resolution.value),
                    flow(&v.default),
                    v.item_constraints.to_string(),
                ]);
            }
            crate::present::table::write_table(&mut out, &table)?;
            writeln!(
                out,
                "{}",
                paint(
                    DIM,
                    format!(
                        "{} key{} set for {scope} under {} at revision {}; the others have their defaults",
                        values.len(),
                        if values.len() == 1 { "" } else { "s" },
                        store.prefix(),
                        snapshot.revision
                    )
                )
            )?;
        }
    }
    Ok(exit::OK)
}

/// The etcd key a lookup of `name` reads in `snapshot` (its first spelling).
fn stored_name(snapshot: &tcfg_core::store::Snapshot, name: &str) -> String {
    snapshot
        .get(&tcfg_core::model::key::Key::new(name))
        .first()
        .map(|s| s.etcd_key.clone())
        .unwrap_or_default()
}
