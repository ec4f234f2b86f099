//! `tcfg keys`: the registered keys of a Temporal release.

use std::io::Write;

use clap::Args;
use serde::Serialize;
use tcfg_core::temporal::registry::releases_with;
use tcfg_core::{KeyDef, Registry};

use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, DIM, WARNING};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg keys                       every key of the newest release\n  tcfg keys frontend              keys whose name contains \"frontend\"\n  tcfg keys 'matching.*Partitions' a glob\n  tcfg keys frontend.rps          one key in full, with its description\n  tcfg keys --search 'cache restart'  keys whose name or description holds every word\n  tcfg keys --temporal-version 1.28 -o json | jq -r '.[].name'"
)]
pub struct KeysArgs {
    /// A key name (shows it in full), or a filter: a substring, or a glob with * and ?
    pub pattern: Option<String>,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table")]
    pub output: Output,

    /// Keys whose name or description (from Temporal's source) holds every word of TEXT, any case
    #[arg(long, value_name = "TEXT", conflicts_with = "pattern")]
    pub search: Option<String>,

    /// Only keys of this type (bool, int, float, string, duration, map, typed)
    #[arg(long = "type", value_name = "TYPE")]
    pub value_type: Option<String>,

    /// Only keys of this precedence (global, namespace, namespaceId, taskQueue, shardId, taskType, destination, chasmTaskType)
    #[arg(long, value_name = "PRECEDENCE")]
    pub precedence: Option<String>,
}

pub fn run(global: &GlobalArgs, args: KeysArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    if let Some(def) = args.pattern.as_deref().and_then(|p| registry.get_in_either(p)) {
        if args.value_type.is_none() && args.precedence.is_none() {
            return show_one(owner(&registry, def), def, args.output);
        }
    }
    if args.search.is_some() && !registry.is_embedded() {
        bail!("--search reads the descriptions of Temporal's releases; a --schema file has none");
    }
    let mut keys = select(&registry, &args);
    // During a rolling upgrade, the keys only the older release registers too.
    if let Some(older) = registry.older() {
        keys.extend(
            select(older, &args)
                .into_iter()
                .filter(|k| registry.get(&k.name).is_none()),
        );
    }
    if let Some(t) = &args.value_type {
        let t = t.to_ascii_lowercase();
        keys.retain(|k| {
            let ty = k.value_type.to_string().to_ascii_lowercase();
            ty == t || (t == "typed" && ty.starts_with("typed:"))
        });
    }
    if let Some(p) = &args.precedence {
        keys.retain(|k| k.precedence.name().eq_ignore_ascii_case(p));
    }
    keys.sort_by_key(|k| k.name.to_ascii_lowercase());
    if keys.is_empty() {
        let mut msg = format!("no key of Temporal {} matches", registry.versions());
        if let Some(t) = &args.search {
            msg.push_str(&format!(" every word of {t:?} in its name or description"));
        }
        if let Some(p) = &args.pattern {
            msg.push_str(&format!(" {p:?}"));
            let s = registry.suggest(p);
            if !s.is_empty() {
                msg.push_str(&format!(" (did you mean {}?)", s.join(" or ")));
            }
        }
        bail!(msg);
    }
    let mut out = output::stdout();
    match args.output {
        Output::Json => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(
                    &keys
                        .iter()
                        .map(|k| key_json(owner(&registry, k), k))
                        .collect::<Vec<_>>()
                )?
            )?;
        }
        Output::Yaml => {
            let v: Vec<_> = keys.iter().map(|k| key_json(owner(&registry, k), k)).collect();
            out.write_all(serde_yaml::to_string(&v)?.as_bytes())?;
        }
        Output::Table => {
            let mut table = crate::present::table::new_table();
            // A search shows why each key matched; a listing, the defaults.
            let last = if args.search.is_some() {
                "DESCRIPTION"
            } else {
                "DEFAULT"
            };
            table.set_header(["KEY", "TYPE", "PRECEDENCE", last, "RESTART"]);
            for k in &keys {
                let last = match &args.search {
                    Some(_) => owner(&registry, k)
                        .description(&k.name)
                        .map(|d| ellipsize(&d.text.split_whitespace().collect::<Vec<_>>().join(" "), 80))
                        .unwrap_or_default(),
                    None => ellipsize(&default_text(k), 60),
                };
                table.add_row([
                    k.name.clone(),
                    ellipsize(&k.value_type.to_string(), 48),
                    k.precedence.to_string(),
                    last,
                    if owner(&registry, k).needs_restart(&k.name) {
                        "yes".into()
                    } else {
                        String::new()
                    },
                ]);
            }
            crate::present::table::write_table(&mut out, &table)?;
        }
    }
    Ok(exit::OK)
}

/// The keys of one release that the pattern or the search selects.
fn select<'r>(registry: &'r Registry, args: &KeysArgs) -> Vec<&'r KeyDef> {
    match (&args.pattern, &args.search) {
        (Some(p), _) => registry.search(p),
        (None, Some(text)) => registry.search_descriptions(text),
        (None, None) => registry.keys().iter().collect(),
    }
}

/// The release a listed key comes from: the registry's own, or during a
/// rolling upgrade the older one, for a key only it registers (its
/// description and restart mark are that release's).
fn owner<'r>(registry: &'r Registry, k: &KeyDef) -> &'r Registry {
    match registry.older() {
        Some(older) if registry.get(&k.name).is_none() => older,
        _ => registry,
    }
}

/// Long cells (structured defaults) are cut in tables; `tcfg keys NAME` and
/// `-o json` show them whole.
fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 1).collect();
    format!("{cut}\u{2026}")
}

fn default_text(k: &KeyDef) -> String {
    if !k.default.is_empty() {
        return k.default.clone();
    }
    match k.default_value() {
        tcfg_core::Value::Null => String::new(),
        v => tcfg_core::model::value::text::flow(&v),
    }
}

/// A key in `keys -o json|yaml`.
#[derive(Serialize)]
struct KeyJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    value_type: String,
    precedence: &'static str,
    levels: Vec<String>,
    default: serde_json::Value,
    constrained_defaults: Vec<ConstrainedDefaultJson>,
    /// The embedded releases that register the key (one key shown alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    releases: Option<Vec<&'static str>>,
    /// What Temporal's source says of it (embedded releases).
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'static str>,
    /// A change takes effect only when the servers restart.
    restart: bool,
}

#[derive(Serialize)]
struct ConstrainedDefaultJson {
    /// Constraint name to value, in Temporal's field order.
    constraints: serde_json::Map<String, serde_json::Value>,
    value: serde_json::Value,
}

fn key_json<'a>(registry: &Registry, k: &'a KeyDef) -> KeyJson<'a> {
    let about = registry.description(&k.name);
    KeyJson {
        description: about.map(|d| d.text.as_str()),
        restart: about.is_some_and(|d| d.restart),
        name: &k.name,
        value_type: k.value_type.to_string(),
        precedence: k.precedence.name(),
        levels: k.precedence.levels().iter().map(|l| l.to_string()).collect(),
        default: k.default_value().to_json(),
        constrained_defaults: k
            .constrained_defaults
            .iter()
            .map(|d| ConstrainedDefaultJson {
                constraints: d
                    .constraints
                    .iter()
                    .map(|(f, v)| (f.name().to_string(), v.to_string().into()))
                    .collect(),
                value: d.value.to_json(),
            })
            .collect(),
        releases: None,
    }
}

fn show_one(registry: &Registry, k: &KeyDef, format: Output) -> Result<u8> {
    let mut out = output::styled_stdout();
    match format {
        Output::Json | Output::Yaml => {
            let v = KeyJson {
                releases: Some(releases_with(&k.name)),
                ..key_json(registry, k)
            };
            if format == Output::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                out.write_all(serde_yaml::to_string(&v)?.as_bytes())?;
            }
            return Ok(exit::OK);
        }
        Output::Table => {}
    }
    let label = |s: &str| paint(DIM, format!("{s:<22}"));
    writeln!(out, "{}", paint(BOLD, &k.name))?;
    if let Some(d) = registry.description(&k.name) {
        for paragraph in d.text.split("\n\n") {
            for line in textwrap(paragraph, 90) {
                writeln!(out, "  {line}")?;
            }
        }
        if d.restart {
            writeln!(
                out,
                "  {}",
                paint(
                    WARNING,
                    "Temporal applies a change to this key only when its servers restart."
                )
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "  {}{}", label("type"), k.value_type)?;
    writeln!(out, "  {}{}", label("precedence"), k.precedence)?;
    let levels: Vec<String> = k.precedence.levels().iter().map(|l| l.to_string()).collect();
    writeln!(out, "  {}{}", label("lookups try"), levels.join(" > "))?;
    let default = default_text(k);
    writeln!(
        out,
        "  {}{}",
        label("default"),
        if default.is_empty() { "(none)".into() } else { default }
    )?;
    if !k.constrained_defaults.is_empty() {
        writeln!(out, "  {}", paint(DIM, "built-in defaults"))?;
        for d in &k.constrained_defaults {
            writeln!(out, "    {} => {}", d.constraints, d.raw)?;
        }
    }
    if registry.is_embedded() {
        let present = releases_with(&k.name);
        writeln!(out, "  {}{}", label("registered in"), present.join(", "))?;
    }
    if let Some(t) = &k.typed {
        writeln!(out, "  {}{}", label("value"), t.schema.summary())?;
        for line in t.schema.field_lines() {
            writeln!(out, "    {line}")?;
        }
        if !t.notes.is_empty() {
            writeln!(out, "  {}", paint(DIM, "notes"))?;
            for line in textwrap(&t.notes, 90) {
                writeln!(out, "    {line}")?;
            }
        }
    }
    writeln!(out, "  {}", paint(DIM, "example"))?;
    let example = example_item(k);
    for line in example.lines() {
        writeln!(out, "    {line}")?;
    }
    Ok(exit::OK)
}

/// A ready-to-edit item for the key at its most specific level.
fn example_item(k: &KeyDef) -> String {
    let level = k.precedence.levels()[0];
    let mut s = format!("{}:\n  - value: {}\n", k.name, example_value(k));
    if !level.is_empty() {
        s.push_str("    constraints:\n");
        for f in level.iter() {
            let v = match f {
                tcfg_core::ConstraintField::TaskType => "Workflow",
                tcfg_core::ConstraintField::HistoryTaskType => "TransferActivityTask",
                tcfg_core::ConstraintField::ShardId => "1",
                tcfg_core::ConstraintField::Namespace => "my-namespace",
                tcfg_core::ConstraintField::NamespaceId => "my-namespace-id",
                tcfg_core::ConstraintField::TaskQueueName => "my-task-queue",
                tcfg_core::ConstraintField::Destination => "my-destination",
                tcfg_core::ConstraintField::ChasmTaskType => "my-chasm-task-type",
            };
            s.push_str(&format!("      {}: {v}\n", f.name()));
        }
    }
    s
}

fn example_value(k: &KeyDef) -> String {
    use tcfg_core::ValueType as T;
    match &k.value_type {
        T::Map => "{}".into(),
        T::Typed(_) => "...".into(),
        _ if k.default.is_empty() => "...".into(),
        _ => tcfg_core::model::value::text::flow(&k.default_value()),
    }
}

fn textwrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
