//! `tcfg status`: every etcd cluster and config prefix of the fleet at a
//! glance: members, alarms, revisions, compaction, drift and renderers.

use std::io::Write;

use clap::Args;
use comfy_table::Cell;
use tcfg_core::serving::fleet::{FleetReport, Place};
use tcfg_core::store::health::MemberState;

use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, ERROR_PLAIN, GREEN, WARNING};
use crate::present::table::{new_table, write_table};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg status                                  # every cluster of the config file\n  tcfg status --clusters us-east,eu-west -v    # two clusters; the keys that drifted\n  tcfg status --prefixes /active,/passive-eu   # prefixes of the current cluster\n  tcfg status -o json | jq '.prefixes[].state.drift'\n\nDrift is counted against the first prefix that could be read, as `sync` from it would change the others. Exit status: 0 every cluster healthy and every prefix in sync, 2 drift (or a stored value Temporal would refuse), 3 a cluster or member unreachable, without a leader, or alarmed (NOSPACE, CORRUPT), 1 an error."
)]
pub struct StatusArgs {
    /// The clusters of the config file to report on, in this order (default: every one it names)
    #[arg(long, value_delimiter = ',', value_name = "NAMES", conflicts_with = "prefixes")]
    pub clusters: Vec<String>,

    /// The prefixes to report on instead (each PREFIX, CLUSTER:PREFIX or CLUSTER:)
    #[arg(long, value_delimiter = ',', value_name = "PREFIXES")]
    pub prefixes: Vec<String>,

    /// Name the keys that drifted, and give the errors of members that are down in full
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table")]
    pub output: Output,
}

pub async fn run(global: &GlobalArgs, args: StatusArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let items: Vec<String> = if !args.prefixes.is_empty() {
        args.prefixes.clone()
    } else if !args.clusters.is_empty() {
        args.clusters.iter().map(|c| format!("{c}:")).collect()
    } else {
        let names = crate::app::connection::cluster_names(&global.etcd)?;
        if names.is_empty() {
            vec![String::new()]
        } else {
            names.iter().map(|c| format!("{c}:")).collect()
        }
    };
    let flag = if args.prefixes.is_empty() {
        "--clusters"
    } else {
        "--prefixes"
    };
    let places = if items == [String::new()] {
        // No config file clusters: the current cluster's own prefix.
        let settings = crate::app::connection_settings(&global.etcd)?;
        let store = tcfg_core::store::Store::connect(settings).await;
        let name = global.etcd.cluster.clone().unwrap_or_else(|| "current".into());
        vec![place(name, store)]
    } else {
        let (_, opened) = crate::app::open_located(flag, &items, &global.etcd).await?;
        opened
            .into_iter()
            .map(|(l, store)| {
                let cluster = l
                    .named
                    .clone()
                    .or_else(|| global.etcd.cluster.clone())
                    .unwrap_or_else(|| "current".into());
                place(cluster, store)
            })
            .collect()
    };
    let report = FleetReport::survey(places, &registry).await;
    match args.output {
        Output::Json => crate::present::json::pretty(&mut output::stdout(), &report)?,
        Output::Yaml => crate::present::json::yaml(&mut output::stdout(), &report)?,
        Output::Table => write_tables(&report, args.verbose)?,
    }
    write_notes(&report, args.verbose)?;
    Ok(if report.unhealthy() {
        exit::UNREACHABLE
    } else if report.drifted() || report.overdue() {
        exit::CHANGES
    } else {
        exit::OK
    })
}

fn place(cluster: String, store: std::result::Result<tcfg_core::store::Store, tcfg_core::store::StoreError>) -> Place {
    let name = match &store {
        Ok(s) => format!("{cluster}:{}", s.prefix()),
        Err(_) => format!("{cluster}:"),
    };
    Place { cluster, name, store }
}

/// `12.3 MB`: sizes as etcdctl's table shows them.
fn bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn write_tables(report: &FleetReport, verbose: bool) -> Result<()> {
    let mut out = output::styled_stdout();
    let mut members = new_table();
    members.set_header([
        "CLUSTER", "MEMBER", "STATE", "VERSION", "LEADER", "TERM", "INDEX", "DB SIZE", "IN USE", "ALARMS",
    ]);
    // Errors go below the table, each on its own line: in a cell, one
    // long error would widen the column for every row.
    let mut notes: Vec<String> = Vec::new();
    for c in &report.clusters {
        let Some(h) = &c.health else {
            let error = c.error.as_deref().unwrap_or("not connected");
            members.add_row(vec![Cell::new(&c.name), Cell::new("-"), Cell::new("unreachable")]);
            notes.push(format!("{}: {error}", c.name));
            continue;
        };
        for m in &h.members {
            match &m.state {
                MemberState::Up(s) => members.add_row(vec![
                    Cell::new(&c.name),
                    Cell::new(&m.endpoint),
                    Cell::new(if s.errors.is_empty() {
                        "up"
                    } else {
                        notes.push(format!("{} {}: {}", c.name, m.endpoint, s.errors.join("; ")));
                        "up, errors"
                    }),
                    Cell::new(if s.known_problems.is_empty() {
                        s.version.clone()
                    } else {
                        format!("{} (!)", s.version)
                    }),
                    Cell::new(if s.leader {
                        "leader"
                    } else if s.learner {
                        "learner"
                    } else {
                        ""
                    }),
                    Cell::new(s.raft_term),
                    Cell::new(s.raft_index),
                    Cell::new(bytes(s.db_size)),
                    Cell::new(bytes(s.db_size_in_use)),
                    Cell::new(s.alarms.join(", ")),
                ]),
                MemberState::Down { error } => {
                    let error = if verbose { error.clone() } else { first_clause(error) };
                    notes.push(format!("{} {}: down: {error}", c.name, m.endpoint));
                    members.add_row(vec![Cell::new(&c.name), Cell::new(&m.endpoint), Cell::new("down")])
                }
            };
        }
    }
    write_table(&mut out, &members)?;
    for n in &notes {
        writeln!(out, "  {n}")?;
    }
    writeln!(out)?;

    let mut prefixes = new_table();
    prefixes.set_header([
        "CLUSTER",
        "PREFIX",
        "REVISION",
        "KEYS",
        "INVALID",
        "OLDEST REV",
        "FINGERPRINT",
        "DRIFT",
    ]);
    for p in &report.prefixes {
        let Some(s) = &p.state else {
            let error = p.error.as_deref().unwrap_or("not read");
            prefixes.add_row(vec![Cell::new(&p.cluster), Cell::new(&p.prefix), Cell::new(error)]);
            continue;
        };
        let drift = match &s.drift {
            None => "(reference)".to_string(),
            Some(d) if d.keys.is_empty() => "in sync".to_string(),
            Some(d) => keys(d.keys.len()),
        };
        prefixes.add_row(vec![
            Cell::new(&p.cluster),
            Cell::new(&p.prefix),
            Cell::new(s.revision),
            Cell::new(s.keys),
            Cell::new(s.invalid.len() + s.spellings.len()),
            Cell::new(s.compaction_floor.map_or_else(|| "?".to_string(), |f| f.to_string())),
            Cell::new(&s.fingerprint[..12]),
            Cell::new(drift),
        ]);
    }
    write_table(&mut out, &prefixes)?;

    let renderers: Vec<_> = report
        .prefixes
        .iter()
        .filter_map(|p| p.state.as_ref().map(|s| (p, s)))
        .flat_map(|(p, s)| s.renderers.iter().map(move |r| (p, r)))
        .collect();
    if !renderers.is_empty() {
        writeln!(out)?;
        let mut table = new_table();
        table.set_header([
            "CLUSTER",
            "PREFIX",
            "RENDERER",
            "FILE",
            "REVISION",
            "BEHIND",
            "HELD BACK",
            "SINCE",
        ]);
        for (p, r) in renderers {
            let s = &r.status;
            table.add_row(vec![
                Cell::new(&p.cluster),
                Cell::new(&p.prefix),
                Cell::new(&s.name),
                Cell::new(&s.file),
                Cell::new(s.revision),
                Cell::new(match (r.behind_by, r.deletions_unknown) {
                    (0, false) => "current".to_string(),
                    // Keys deleted since its revision cannot be counted.
                    (n, true) => format!("{} or more (compacted)", keys(n)),
                    (n, false) => keys(n),
                }),
                Cell::new(if s.held.is_empty() {
                    "-".to_string()
                } else {
                    s.held.join(", ")
                }),
                Cell::new(&s.at),
            ]);
        }
        write_table(&mut out, &table)?;
    }

    let overrides: Vec<_> = report
        .prefixes
        .iter()
        .filter_map(|p| p.state.as_ref().map(|s| (p, s)))
        .flat_map(|(p, s)| s.overrides.iter().map(move |o| (p, o)))
        .collect();
    if !overrides.is_empty() {
        writeln!(out)?;
        let mut table = new_table();
        table.set_header([
            "CLUSTER", "PREFIX", "OVERRIDE", "KEY", "SCOPE", "VALUE", "RESTORES", "ENDS", "AUTHOR", "MESSAGE",
        ]);
        let now = std::time::SystemTime::now();
        for (p, o) in overrides {
            let ends = humantime::parse_rfc3339_weak(&o.ends)
                .map(|t| crate::present::overrides::left(t, now))
                .unwrap_or_else(|_| o.ends.clone());
            table.add_row(vec![
                Cell::new(&p.cluster),
                Cell::new(&p.prefix),
                Cell::new(o.revision),
                Cell::new(&o.key),
                Cell::new(&o.scope),
                Cell::new(crate::present::overrides::value_shown(
                    o.value.clone(),
                    o.superseded.as_deref(),
                )),
                Cell::new(&o.restores),
                Cell::new(ends),
                Cell::new(&o.author),
                Cell::new(&o.message),
            ]);
        }
        write_table(&mut out, &table)?;
    }
    Ok(())
}

/// What needs attention, and the verdict, on stderr (beside a table or
/// JSON on stdout).
fn write_notes(report: &FleetReport, verbose: bool) -> Result<()> {
    let mut err = output::stderr();
    for p in &report.prefixes {
        let Some(s) = &p.state else { continue };
        for k in &s.invalid {
            writeln!(
                err,
                "{}: {} holds a value Temporal would refuse (tcfg dump shows why)",
                paint(WARNING, "warning"),
                tcfg_core::model::key::escaped(k)
            )?;
        }
        for keys in &s.spellings {
            let shown: Vec<_> = keys.iter().map(|k| tcfg_core::model::key::escaped(k)).collect();
            writeln!(
                err,
                "{}: one key under {} spellings ({}): Temporal reads one of them at random; `tcfg get` shows each, and `tcfg put` or `tcfg delete` of the key keeps one",
                paint(WARNING, "warning"),
                keys.len(),
                shown.join(", ")
            )?;
        }
        for o in s
            .overrides
            .iter()
            .filter(|o| o.overdue_seconds > tcfg_core::serving::fleet::OVERDUE.as_secs())
        {
            writeln!(
                err,
                "{}: {}: override {} of {} {} is {}s past its end: no expirer is running (run `tcfg expire --follow`, or `tcfg expire` from cron)",
                paint(WARNING, "warning"),
                p.name,
                o.revision,
                o.key,
                o.scope,
                o.overdue_seconds
            )?;
        }
        if let Some(f) = &s.freeze {
            writeln!(
                err,
                "{}: {} is frozen{} until {} by {}: {} (writes need --break-freeze -m)",
                paint(WARNING, "frozen"),
                p.name,
                if f.cluster { " (its whole etcd cluster)" } else { "" },
                f.ends,
                f.author.short(),
                f.message
            )?;
        }
        if let Some(e) = &s.overrides_error {
            writeln!(
                err,
                "{}: {}: cannot read its overrides: {e}",
                paint(WARNING, "warning"),
                p.name
            )?;
        }
        if let Some(e) = &s.renderers_error {
            writeln!(
                err,
                "{}: {}: cannot read its renderers: {e}",
                paint(WARNING, "warning"),
                p.name
            )?;
        }
        if let Some(d) = s.drift.as_ref().filter(|d| !d.keys.is_empty()) {
            if verbose {
                writeln!(err, "{} differs from {} in: {}", p.name, d.against, d.keys.join(", "))?;
            }
        }
    }
    for c in &report.clusters {
        if let Some(h) = &c.health {
            for a in h.alarms() {
                writeln!(err, "{}: {}: alarm {a}", paint(ERROR_PLAIN, "error"), c.name)?;
            }
            if let Some(e) = &h.alarms_error {
                writeln!(
                    err,
                    "{}: {}: cannot read the alarms: {e}",
                    paint(WARNING, "warning"),
                    c.name
                )?;
            }
            // A release etcd fixed since: said once per release, with what
            // tcfg does about it (the member's row carries a `(!)`).
            let mut said: Vec<&str> = Vec::new();
            for s in h.members.iter().filter_map(|m| m.status()) {
                if s.known_problems.is_empty() || said.contains(&s.version.as_str()) {
                    continue;
                }
                said.push(&s.version);
                for p in &s.known_problems {
                    writeln!(
                        err,
                        "{}: {}: etcd {} {} (fixed in {}); {}",
                        paint(WARNING, "warning"),
                        c.name,
                        s.version,
                        p.problem,
                        p.fixed_in,
                        p.tcfg
                    )?;
                }
            }
            if let Some(versions) = h.mixed_releases() {
                writeln!(
                    err,
                    "{}: {}: members run different etcd releases ({}): finish the upgrade",
                    paint(WARNING, "warning"),
                    c.name,
                    versions.join(", ")
                )?;
            }
            if h.up() > 0 && !h.has_leader() {
                writeln!(
                    err,
                    "{}: {}: no member reports a leader",
                    paint(ERROR_PLAIN, "error"),
                    c.name
                )?;
            }
        }
    }
    let verdict = if report.unhealthy() {
        let bad: Vec<&str> = report
            .clusters
            .iter()
            .filter(|c| !c.healthy())
            .map(|c| c.name.as_str())
            .chain(
                report
                    .prefixes
                    .iter()
                    .filter(|p| p.error.is_some())
                    .map(|p| p.name.as_str()),
            )
            .collect();
        paint(ERROR_PLAIN, format!("unhealthy: {}", bad.join(", ")))
    } else if report.drifted() {
        paint(
            WARNING,
            "drift: run `tcfg sync` from the reference, or -v to see the keys",
        )
    } else if report.overdue() {
        paint(WARNING, "overrides overdue: no expirer is ending them")
    } else {
        let n = report.clusters.len();
        paint(
            GREEN,
            format!(
                "{} healthy and in sync",
                if n == 1 {
                    "the cluster is".to_string()
                } else {
                    format!("all {n} clusters are")
                }
            ),
        )
    };
    writeln!(err, "{}", paint(BOLD, verdict))?;
    Ok(())
}

/// `1 key`, `3 keys`.
fn keys(n: usize) -> String {
    format!("{n} key{}", if n == 1 { "" } else { "s" })
}

/// The first clause of an error: enough for a table cell.
fn first_clause(error: &str) -> String {
    match error.find(" (") {
        Some(i) => error[..i].to_string(),
        None => error.to_string(),
    }
}
