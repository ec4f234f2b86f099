//! `tcfg watch`: the watch client in an operator's terminal.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use serde::Serialize;
use tcfg_core::changes::plan::differs;
use tcfg_core::changes::record::ChangeRecord;
use tcfg_core::model::serialize::items_to_yaml;
use tcfg_core::model::value::text::flow;
use tcfg_core::serving::watch::{Cause, ChangeSet, Client, ClientOptions, KeyUpdate, Notice, UpdateKind};
use tcfg_core::store::Store;
use tcfg_core::temporal::resolve::resolve_items;
use tcfg_core::{ConstrainedValue, Constraints, Registry, Value};
use tokio::sync::mpsc;

use crate::app::ScopeArgs;
use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, DIM, NOTE, WARNING};
use crate::present::json::Items;

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg watch\n  tcfg watch frontend.namespaceRPS --namespace payments  # one key's effective value as it changes\n  tcfg watch --prefixes /active,/passive-eu              # both clusters, with drift reports\n  tcfg watch --prefixes us-east:,eu-west:                # two etcd clusters of the config file\n  tcfg watch -o json | jq 'select(.type == \"change\")'\n  tcfg watch --since 8100                                # replay history first, while etcd keeps it\n  tcfg watch --metrics-addr 127.0.0.1:9100               # Prometheus metrics meanwhile\n\nInterruptions and reloads are reported on stderr and never end the command; Ctrl-C or SIGTERM ends it with exit status 0. With -o json, each line is one JSON object, flushed at once, whose \"type\" is state (a key at start), ready (watching from the next revision), change, drift (a key differs between prefixes) or notice (an interruption, a reload, a refused value); docs/incidents.md lists their fields."
)]
pub struct WatchArgs {
    /// Watch several prefixes at once (a short root such as /active means /active/temporal/dynamicconfig/; CLUSTER:PREFIX or CLUSTER: for a cluster of the config file)
    #[arg(long, value_delimiter = ',', value_name = "PREFIXES")]
    pub prefixes: Vec<String>,

    /// Only this key (positional: the global --key is the TLS client key)
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: Option<String>,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,

    /// Replay the changes after this point first: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time (etcd must still keep them)
    #[arg(long, value_name = "WHEN", alias = "since-revision", value_parser = crate::app::args::parse_when)]
    pub since: Option<tcfg_core::changes::log::Bound>,

    /// Serve Prometheus metrics on this address meanwhile (e.g. 127.0.0.1:9100)
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// The JSON lines `watch -o json` prints.
// Each line is built, written and dropped at once: the size of its largest
// variant is never held more than once, so boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    State {
        prefix: String,
        revision: i64,
        key: &'a str,
        items: Items<'a>,
    },
    Ready {
        prefix: String,
        revision: i64,
    },
    Change {
        /// When the change was made: its record's time, the time it arrived
        /// for a live change without one, `null` for a replayed change
        /// without one (etcd keeps no times).
        time: Option<String>,
        prefix: String,
        revision: i64,
        cause: &'static str,
        key: &'a str,
        etcd_key: &'a str,
        kind: &'static str,
        old: Option<Items<'a>>,
        new: Option<Items<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        effective: Option<Effective<'a>>,
        /// Who made the change and why, from its change record.
        #[serde(skip_serializing_if = "Option::is_none")]
        author: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<&'a str>,
        /// An incident override: when it ends (`tcfg overrides`).
        #[serde(skip_serializing_if = "Option::is_none")]
        override_ends: Option<&'a str>,
        /// The end of an override: its revision.
        #[serde(skip_serializing_if = "Option::is_none")]
        ends_override: Option<i64>,
    },
    Drift {
        time: String,
        key: &'a str,
        /// Prefix to items (null: not set there).
        values: PerPrefix<'a>,
    },
    Notice {
        time: String,
        prefix: String,
        message: &'a str,
    },
}

struct PerPrefix<'a>(Vec<(&'a str, Option<Vec<ConstrainedValue>>)>);

impl Serialize for PerPrefix<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(p, i)| (p, i.as_deref().map(Items))))
    }
}

#[derive(Serialize)]
struct Effective<'a> {
    scope: &'a Constraints,
    old: Value,
    new: Value,
}

fn items(i: Option<&Arc<Vec<ConstrainedValue>>>) -> Option<Items<'_>> {
    i.map(|i| Items(i))
}

struct Printer {
    format: Output,
    scope: Option<Constraints>,
    registry: Arc<Registry>,
}

impl Printer {
    fn line(&self, v: &Line<'_>) -> Result<()> {
        Ok(crate::present::json::line(&mut std::io::stdout().lock(), v)?)
    }

    fn effective(&self, u: &KeyUpdate) -> Option<Effective<'_>> {
        let scope = self.scope.as_ref()?;
        let def = self.registry.get(u.key.as_str())?;
        let value = |items: Option<&Arc<Vec<ConstrainedValue>>>| {
            resolve_items(items.map(|i| i.as_slice()).unwrap_or(&[]), def, scope).value
        };
        Some(Effective {
            scope,
            old: value(u.old.as_ref()),
            new: value(u.new.as_ref()),
        })
    }

    fn change(
        &self,
        prefix: &str,
        set: &ChangeSet,
        u: &KeyUpdate,
        record: Option<&ChangeRecord>,
        first: bool,
        time: Option<&str>,
    ) -> Result<()> {
        let cause = match set.cause {
            Cause::Watch => "watch",
            Cause::Reload { .. } => "reload",
        };
        let kind = match u.kind {
            UpdateKind::Put => "put",
            UpdateKind::Delete => "delete",
        };
        let effective = self.effective(u);
        match self.format {
            Output::Json => self.line(&Line::Change {
                time: time.map(str::to_string),
                prefix: prefix.to_string(),
                revision: set.revision,
                cause,
                key: u.key.as_str(),
                etcd_key: &u.etcd_key,
                kind,
                old: items(u.old.as_ref()),
                new: items(u.new.as_ref()),
                effective,
                author: record.map(|r| r.author.short()),
                message: record.and_then(|r| r.message.as_deref()),
                override_ends: record
                    .and_then(|r| r.command.ends.as_deref())
                    .filter(|_| record.is_some_and(|r| matches!(r.command.verb.as_str(), "put" | "delete"))),
                ends_override: record.and_then(|r| r.command.restores),
            }),
            Output::Text => {
                let mut out = output::styled_stdout();
                let clock = time.and_then(|t| t.get(11..19)).unwrap_or("time unknown");
                writeln!(
                    out,
                    "{} {} {} {}{}",
                    paint(DIM, clock),
                    paint(DIM, format!("rev {}", set.revision)),
                    paint(BOLD, &u.etcd_key),
                    kind,
                    if cause == "reload" { " (found on reload)" } else { "" }
                )?;
                if let (Some(r), true) = (record, first) {
                    let message = r.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
                    writeln!(out, "  by {} ({}){message}", r.author.short(), r.command.verb)?;
                    match (&r.command.ends, r.command.restores) {
                        (Some(ends), _) if matches!(r.command.verb.as_str(), "put" | "delete") => writeln!(
                            out,
                            "  an override: restored at {ends} unless changed since (tcfg overrides)"
                        )?,
                        (_, Some(rev)) => writeln!(out, "  the end of override {rev}: the item as it was before it")?,
                        _ => {}
                    }
                }
                if let Some(e) = effective {
                    writeln!(out, "  effective for {}: {} -> {}", e.scope, e.old, e.new)?;
                }
                let text = |i: Option<&Arc<Vec<ConstrainedValue>>>| i.map(|i| items_to_yaml(i)).unwrap_or_default();
                crate::present::diff::write_unified(
                    &mut out,
                    &text(u.old.as_ref()),
                    &text(u.new.as_ref()),
                    "old",
                    "new",
                )?;
                out.flush()?;
                Ok(())
            }
        }
    }

    fn notice(&self, prefix: &str, n: &Notice) -> Result<()> {
        let message = match n {
            Notice::Interrupted { reason, from_revision } => {
                format!("watch interrupted: {reason}; trying again, from revision {from_revision}")
            }
            Notice::Resumed { from_revision } => format!("watching again from revision {from_revision}"),
            Notice::Reloaded { compacted_at, revision, changed } => format!(
                "watch interrupted: compacted at {compacted_at}; reloaded at revision {revision}, {changed} key{} changed while away",
                if *changed == 1 { "" } else { "s" }
            ),
            Notice::Invalid { etcd_key, findings } => format!(
                "refused the value stored at {etcd_key} ({}); the last good value stays in effect",
                findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
            ),
            Notice::Fatal { reason } => format!("watch stopped: {reason}"),
        };
        let mut err = output::stderr();
        writeln!(
            err,
            "{}: {prefix}: {message}",
            paint(
                if matches!(n, Notice::Fatal { .. }) {
                    output::ERROR
                } else {
                    NOTE
                },
                "note"
            )
        )?;
        if self.format == Output::Json {
            self.line(&Line::Notice {
                time: now(),
                prefix: prefix.to_string(),
                message: &message,
            })?;
        }
        Ok(())
    }
}

enum Event {
    Changes(usize, ChangeSet),
    Notice(usize, Notice),
}

pub async fn run(global: &GlobalArgs, args: WatchArgs) -> Result<u8> {
    let registry = Arc::new(crate::app::registry(global)?);
    if let Some(k) = &args.key_name {
        if registry.get(k).is_none() && args.scope.given() {
            crate::app::key_def(&registry, k)?;
        }
        if let Some(reason) = registry.foreign_reason(k) {
            bail!(
                "{} is not a dynamic config key ({reason}): the watch would never show it",
                tcfg_core::model::key::escaped(k)
            );
        }
        if registry.get(k).is_none() {
            let suggestions = registry.suggest(k);
            let mut err = output::stderr();
            writeln!(
                err,
                "{}: {k} is not a key of Temporal {}{}; watching it anyway",
                paint(WARNING, "warning"),
                registry.version,
                if suggestions.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", suggestions.join(" or "))
                }
            )?;
        }
    }
    if let Some(addr) = args.metrics_addr {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .with_http_listener(addr)
            .install()
            .with_context(|| format!("cannot serve metrics on {addr}"))?;
    }
    // Each prefix watched, by the name messages give it (`eu-west:/p/`
    // when on another cluster), with its store.
    let (prefixes, stores): (Vec<String>, Vec<Store>) = if args.prefixes.is_empty() {
        let store = crate::app::connect(global).await?;
        (vec![store.prefix().to_string()], vec![store])
    } else {
        let (_, opened) = crate::app::open_located("--prefixes", &args.prefixes, &global.etcd).await?;
        let mut pairs = (Vec::new(), Vec::new());
        for (located, store) in opened {
            let store =
                store.map_err(|e| crate::error::CommandError::from(e).context(format!("cannot watch {located}")))?;
            pairs.0.push(located.to_string());
            pairs.1.push(store);
        }
        pairs
    };
    let printer = Printer {
        format: args.output,
        scope: args.scope.given().then(|| args.scope.constraints()).transpose()?,
        registry: registry.clone(),
    };
    let wanted = |name: &str| {
        args.key_name
            .as_deref()
            .is_none_or(|k| tcfg_core::model::key::fold(k) == tcfg_core::model::key::fold(name))
    };

    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut clients = Vec::new();
    // What etcd had when the watch began: a change at or before it, from
    // --since, is a replay, and its time is not now.
    let mut heads = Vec::new();
    for (i, (prefix, store)) in prefixes.iter().zip(&stores).enumerate() {
        // The state as of N, then every change after it.
        let start_at = crate::app::revision_of(store, args.since).await?;
        heads.push(match start_at {
            Some(_) => store.current_revision().await?,
            None => 0,
        });
        let client = Client::start_at(store.clone(), registry.clone(), ClientOptions::default(), start_at)
            .await
            .map_err(|e| crate::error::CommandError::from(e).context(format!("cannot start watching {prefix}")))?;
        // The state at start.
        let cache = client.cache();
        let mut entries: Vec<_> = cache
            .entries()
            .filter(|e| wanted(e.name()))
            .map(|e| (e.key(), e))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        match args.output {
            Output::Json => {
                for (key, e) in &entries {
                    let state = e.items();
                    printer.line(&Line::State {
                        prefix: prefix.to_string(),
                        revision: cache.revision,
                        key: key.as_str(),
                        items: Items(&state),
                    })?;
                }
            }
            Output::Text => {
                let mut out = output::styled_stdout();
                writeln!(
                    out,
                    "{}",
                    paint(
                        BOLD,
                        format!(
                            "watching {prefix} from revision {} ({} key{})",
                            cache.revision + 1,
                            cache.len(),
                            if cache.len() == 1 { "" } else { "s" }
                        )
                    )
                )?;
                for (key, e) in &entries {
                    let value = match (&printer.scope, registry.get(e.name())) {
                        (Some(scope), Some(def)) => format!("{} for {scope}", flow(&e.resolve(def, scope).value)),
                        _ => items_to_yaml(&e.items()).trim_end().replace('\n', "\n    "),
                    };
                    writeln!(out, "  {key}: {value}")?;
                }
            }
        }
        if args.output == Output::Json {
            printer.line(&Line::Ready {
                prefix: prefix.to_string(),
                revision: cache.revision,
            })?;
        }
        drop(cache);
        let (mut changes, mut notices) = (client.subscribe(), client.notices());
        let t = tx.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(c) = changes.recv() => { if t.send(Event::Changes(i, c)).is_err() { break } }
                    Some(n) = notices.recv() => { if t.send(Event::Notice(i, n)).is_err() { break } }
                    else => break,
                }
            }
        });
        clients.push(client);
    }
    drop(tx);
    // Drift that is there from the start is drift too, not only what a
    // change brings.
    if clients.len() > 1 {
        let mut names: Vec<String> = clients
            .iter()
            .flat_map(|c| c.cache().entries().map(|e| e.name().to_string()).collect::<Vec<_>>())
            .filter(|n| wanted(n))
            .collect();
        names.sort_by_key(|n| tcfg_core::model::key::fold(n));
        names.dedup_by_key(|n| tcfg_core::model::key::fold(n));
        for name in names {
            report_drift(&printer, &prefixes, &clients, &name)?;
        }
    }

    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).context("cannot handle SIGTERM")?;
    loop {
        let event = tokio::select! {
            e = rx.recv() => match e { Some(e) => e, None => break },
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        };
        match event {
            Event::Notice(i, n) => {
                printer.notice(&prefixes[i], &n)?;
                if matches!(n, Notice::Fatal { .. }) && clients.len() == 1 {
                    for c in &clients {
                        c.shutdown().await;
                    }
                    return Ok(exit::UNREACHABLE);
                }
            }
            Event::Changes(i, set) => {
                // The record is written in the change's own transaction: it
                // is there at the change's revision, or there is none.
                let record = match set.cause {
                    Cause::Watch if set.updates.iter().any(|u| wanted(u.key.as_str())) => {
                        match tcfg_core::changes::log::records(&stores[i], set.revision, set.revision).await {
                            Ok(mut r) => r.remove(&set.revision).and_then(|r| r.ok()),
                            Err(e) => {
                                tracing::debug!("no change record for revision {}: {e}", set.revision);
                                None
                            }
                        }
                    }
                    _ => None,
                };
                let time = match &record {
                    Some(r) => Some(r.time.clone()),
                    None if set.revision <= heads[i] => None,
                    None => Some(now()),
                };
                for (n, u) in set.updates.iter().filter(|u| wanted(u.key.as_str())).enumerate() {
                    printer.change(&prefixes[i], &set, u, record.as_ref(), n == 0, time.as_deref())?;
                    if clients.len() > 1 {
                        report_drift(&printer, &prefixes, &clients, u.key.as_str())?;
                    }
                }
            }
        }
    }
    for c in &clients {
        c.shutdown().await;
    }
    Ok(exit::OK)
}

/// After a change, tell whether the key now differs between the prefixes.
fn report_drift(printer: &Printer, prefixes: &[String], clients: &[Client], key: &str) -> Result<()> {
    // Drift as `status` and `sync` see it: Temporal would read the key
    // differently on some prefix (not merely its text).
    let items: Vec<Option<Vec<ConstrainedValue>>> = clients.iter().map(|c| c.items(key)).collect();
    if items
        .iter()
        .all(|i| !differs(key, items[0].as_deref(), i.as_deref(), &printer.registry))
    {
        return Ok(());
    }
    let values: Vec<(String, String)> = items
        .iter()
        .zip(prefixes)
        .map(|(i, p)| (p.to_string(), i.as_deref().map(items_to_yaml).unwrap_or_default()))
        .collect();
    match printer.format {
        Output::Json => {
            let values = items
                .iter()
                .zip(prefixes)
                .map(|(i, p)| (p.as_str(), i.clone()))
                .collect();
            printer.line(&Line::Drift {
                time: now(),
                key,
                values: PerPrefix(values),
            })
        }
        Output::Text => {
            let mut out = output::styled_stdout();
            let parts: Vec<String> = values
                .iter()
                .map(|(p, v)| {
                    format!(
                        "{p}: {}",
                        if v.is_empty() {
                            "(not set)".to_string()
                        } else {
                            v.trim_end().replace('\n', " / ")
                        }
                    )
                })
                .collect();
            writeln!(
                out,
                "{} {key} differs between the prefixes: {}",
                paint(WARNING, "drift:"),
                parts.join("; ")
            )?;
            Ok(())
        }
    }
}
