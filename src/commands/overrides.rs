//! `tcfg overrides`: the incident overrides in force, and giving one a new
//! end or ending it now; `tcfg expire`: ending every override that is due.

use std::io::Write;
use std::time::SystemTime;

use clap::{Args, Subcommand};
use serde::Serialize;
use tcfg_core::changes::overrides::{
    end, extend, find, list, restore_message, standing, Active, EndError, Ending, Standing,
};
use tcfg_core::store::Store;
use tcfg_core::Registry;

use crate::app::{OverrideArgs, WriteArgs};
use crate::error::{bail, Result};
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;

/// What `overrides -o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg overrides                                # what is raised, until when, by whom\n  tcfg overrides extend 9044 --for 1h -m \"INC-42 still open\"\n  tcfg overrides end 9044 -m \"INC-42 resolved\"   # restore now\n  tcfg expire                                   # restore every override that is due\n\nAn override is a write made with `put --for` or `delete --for` (or --until): a normal value for every reader, whose end and what it restores are kept beside the prefix. It is named by the revision of that write."
)]
pub struct OverridesArgs {
    #[command(subcommand)]
    pub action: Option<Action>,

    /// Output format of the list
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table")]
    pub output: Output,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Give an override a new end (--for from now, or --until)
    Extend(ExtendArgs),
    /// End an override now: restore its item (unless it changed since)
    End(EndArgs),
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    /// The override's revision (tcfg overrides)
    pub revision: i64,

    #[command(flatten)]
    pub overriding: OverrideArgs,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct EndArgs {
    /// The override's revision (tcfg overrides)
    pub revision: i64,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg expire                  # from cron or a CI schedule: every override that is due, once\n  tcfg expire --follow --metrics-addr 0.0.0.0:9465   # as a service, on two hosts or more\n\nEach due override's item is restored if it still holds the override's value; if anyone changed it since, the override is superseded and nothing is written. Each end is a recorded change (author `tcfg expire`, message naming the override). Exit status 1 when an override could not be ended."
)]
pub struct ExpireArgs {
    /// Keep running: restore each override within a second of its end. Several may run; one leads (etcd's election API), the others wait to take over
    #[arg(long)]
    pub follow: bool,

    /// With --follow: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) on this address
    #[arg(long, value_name = "ADDR", requires = "follow")]
    pub metrics_addr: Option<std::net::SocketAddr>,

    /// With --follow: how long a leader that stops renewing its lease (killed, cut off) keeps the others waiting
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = crate::app::args::parse_lasting, requires = "follow")]
    pub lease: std::time::Duration,
}

#[derive(Serialize)]
struct OverrideJson<'a> {
    revision: i64,
    key: &'a str,
    etcd_key: &'a str,
    scope: &'a str,
    value: String,
    restores: String,
    /// What the item holds now, when it no longer holds `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    superseded: Option<String>,
    ends: &'a str,
    ends_in_seconds: Option<i64>,
    author: String,
    message: &'a str,
}

pub async fn list_overrides(global: &GlobalArgs, args: OverridesArgs) -> Result<u8> {
    match args.action {
        Some(Action::Extend(a)) => return extend_one(global, a).await,
        Some(Action::End(a)) => return end_one(global, a).await,
        None => {}
    }
    let registry = crate::app::registry(global)?;
    let store = crate::app::connect(global).await?;
    let (revision, active, unreadable) = list(&store).await?;
    // Where each stands: its item as read now (the prefix is read only
    // when there is an override to judge).
    let active: Vec<(Active, Standing)> = if active.is_empty() {
        Vec::new()
    } else {
        let snapshot = store.snapshot(&registry, None).await?;
        active
            .into_iter()
            .map(|a| {
                let standing = standing(&a, &snapshot);
                (a, standing)
            })
            .collect()
    };
    let now = SystemTime::now();
    let mut out = output::stdout();
    match args.output {
        Output::Json => {
            let rows: Vec<OverrideJson> = active
                .iter()
                .map(|(a, standing)| OverrideJson {
                    revision: a.revision,
                    key: &a.entry.key,
                    etcd_key: &a.entry.etcd_key,
                    scope: &a.entry.scope,
                    value: a.set_text(),
                    restores: a.restore_text(),
                    superseded: standing.changed_to().map(str::to_string),
                    ends: &a.entry.ends,
                    ends_in_seconds: a.ends_at().map(|t| match t.duration_since(now) {
                        Ok(d) => d.as_secs() as i64,
                        Err(e) => -(e.duration().as_secs() as i64),
                    }),
                    author: a.entry.author.short(),
                    message: &a.entry.message,
                })
                .collect();
            crate::present::json::pretty(&mut out, &rows)?;
        }
        Output::Table if active.is_empty() => {
            writeln!(
                output::stderr(),
                "no override in force under {} at revision {revision}",
                store.prefix()
            )?;
        }
        Output::Table => crate::present::overrides::write_table_of(&mut out, &active, now)?,
    }
    drop(out);
    for key in unreadable {
        writeln!(
            output::stderr(),
            "warning: {key} is not an override tcfg can read; it is left alone"
        )?;
    }
    Ok(exit::OK)
}

/// The override named, or a sentence saying there is none.
async fn named(store: &Store, revision: i64) -> Result<Active> {
    match find(store, revision).await? {
        Some(a) => Ok(a),
        None => bail!(
            "no override {revision} is in force under {} (tcfg overrides lists them; an ended one is in tcfg log)",
            store.prefix()
        ),
    }
}

/// What `overrides extend` and `overrides end` start from: the registry,
/// the intent (verb, message, --break-freeze), where they write, the
/// store, and the override named.
async fn open(
    global: &GlobalArgs,
    write: &WriteArgs,
    verb: &str,
    revision: i64,
) -> Result<(Registry, tcfg_core::changes::intent::Intent, String, Store, Active)> {
    let registry = crate::app::registry(global)?;
    let crate::app::Opened { intent, place, store } =
        crate::app::open_write(global, &registry, verb, Vec::new(), write).await?;
    let a = named(&store, revision).await?;
    Ok((registry, intent, place, store, a))
}

async fn extend_one(global: &GlobalArgs, args: ExtendArgs) -> Result<u8> {
    let Some(ends) = args.overriding.ends() else {
        bail!("say the new end: --for DURATION (from now) or --until TIME");
    };
    crate::app::overriding::require_message(Some(ends), args.write.message.as_deref())?;
    let (_registry, intent, place, store, a) = open(global, &args.write, "overrides extend", args.revision).await?;
    let ends_text = humantime::format_rfc3339_seconds(ends).to_string();
    writeln!(
        output::stdout(),
        "extend override {} of {} {}: ends {} instead of {}",
        a.revision,
        a.entry.key,
        a.entry.scope,
        ends_text,
        a.entry.ends
    )?;
    if args.write.dry_run {
        writeln!(output::stderr(), "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    if !crate::app::confirm(&format!("Extend override {} on {place}?", a.revision), args.write.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    let revision = extend(&store, &a, ends, &intent).await.map_err(end_error)?;
    writeln!(
        output::stderr(),
        "override {} now ends at {ends_text} (in {}); recorded at revision {revision}",
        a.revision,
        crate::present::overrides::left(ends, SystemTime::now())
    )?;
    Ok(exit::OK)
}

async fn end_one(global: &GlobalArgs, args: EndArgs) -> Result<u8> {
    let (registry, mut intent, place, store, a) = open(global, &args.write, "overrides end", args.revision).await?;
    writeln!(
        output::stdout(),
        "end override {} of {} {}: restore {} (it holds {} while the override stands)",
        a.revision,
        a.entry.key,
        a.entry.scope,
        a.restore_text(),
        a.set_text()
    )?;
    if args.write.dry_run {
        writeln!(output::stderr(), "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    if !crate::app::confirm(&format!("End override {} on {place}?", a.revision), args.write.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    if intent.message.is_none() {
        intent.message = Some(restore_message(&a, "early end"));
    }
    let ending = end(&store, &registry, &a, &intent).await.map_err(end_error)?;
    say_ending(&a, &ending)?;
    Ok(exit::OK)
}

pub async fn expire(global: &GlobalArgs, args: ExpireArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let settings = crate::app::connection_settings(&global.etcd)?;
    let store = Store::connect(settings.clone()).await?;
    if args.follow {
        return follow(&store, &registry, &settings, &args).await;
    }
    let failed = expire_due(&store, &registry, &settings, false).await?;
    Ok(if failed > 0 { exit::ERROR } else { exit::OK })
}

/// End every override due now; how many could not be ended. `quiet`: say
/// nothing when none is due (a follower checks every half second).
async fn expire_due(
    store: &Store,
    registry: &Registry,
    settings: &tcfg_core::store::ConnectionSettings,
    quiet: bool,
) -> Result<usize> {
    let store = store.clone();
    let store = &store;
    let (_, active, _) = list(store).await?;
    let now = SystemTime::now();
    let due: Vec<&Active> = active.iter().filter(|a| a.is_due(now)).collect();
    if due.is_empty() {
        if !quiet {
            writeln!(output::stderr(), "no override under {} is due", store.prefix())?;
        }
        return Ok(0);
    }
    let mut failed = 0;
    for a in due {
        match expire_one(store, registry, settings, a).await {
            Ok(ending) => say_ending(a, &ending)?,
            // Another expirer got there first: the entry is gone, and the
            // compare-and-swap kept this one from restoring twice.
            Err(_) if find(store, a.revision).await.is_ok_and(|f| f.is_none()) => writeln!(
                output::stderr(),
                "override {} of {} {} was ended meanwhile (by another expirer, or `overrides end`)",
                a.revision,
                a.entry.key,
                a.entry.scope
            )?,
            Err(e) => {
                failed += 1;
                writeln!(
                    output::stderr(),
                    "error: override {} of {} {} was not ended: {:#}",
                    a.revision,
                    a.entry.key,
                    a.entry.scope,
                    e.error
                )?;
            }
        }
    }
    Ok(failed)
}

/// `expire --follow`: campaign to lead; while leading, end what is due
/// every half second; on a lost lease, campaign again; on SIGTERM or
/// Ctrl-C, step down and end.
async fn follow(
    store: &Store,
    registry: &Registry,
    settings: &tcfg_core::store::ConnectionSettings,
    args: &ExpireArgs,
) -> Result<u8> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tcfg_core::serving::expirer::Leadership;
    let ready = Arc::new(AtomicBool::new(false));
    if let Some(addr) = args.metrics_addr {
        crate::probes::serve(addr, ready.clone()).await?;
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| anyhow::anyhow!("cannot handle SIGTERM: {e}"))?;
    let me = format!(
        "{}/{}",
        tcfg_core::changes::intent::host_name().unwrap_or_else(|| "?".into()),
        std::process::id()
    );
    loop {
        ready.store(true, Ordering::SeqCst);
        tracing::info!(prefix = %store.prefix(), me, "waiting to lead the expirers");
        let leading = tokio::select! {
            l = Leadership::campaign(store, &me, args.lease) => l,
            _ = term.recv() => return Ok(exit::OK),
            _ = tokio::signal::ctrl_c() => return Ok(exit::OK),
        };
        let leadership = match leading {
            Ok(l) => l,
            Err(e) => {
                ready.store(false, Ordering::SeqCst);
                tracing::warn!("{e}; campaigning again");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        writeln!(output::stderr(), "leading the expirers of {} as {me}", store.prefix())?;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
                // A lease lost while waiting: step down now, not at the next look.
                _ = leadership.lost() => {}
                _ = term.recv() => {
                    leadership.resign().await;
                    return Ok(exit::OK);
                }
                _ = tokio::signal::ctrl_c() => {
                    leadership.resign().await;
                    return Ok(exit::OK);
                }
            }
            if leadership.is_lost() {
                writeln!(
                    output::stderr(),
                    "warning: the lease lapsed: no longer leading; campaigning again"
                )?;
                break;
            }
            if let Err(e) = expire_due(store, registry, settings, true).await {
                tracing::warn!("{:#}; trying again", e.error);
            }
        }
    }
}

/// End one due override as `tcfg expire` does: its record's author is
/// `tcfg expire`, its message names the override.
pub async fn expire_one(
    store: &Store,
    registry: &Registry,
    settings: &tcfg_core::store::ConnectionSettings,
    a: &Active,
) -> Result<Ending> {
    let message = restore_message(a, "end");
    let mut intent = crate::app::intent(settings, registry, "expire", Vec::new(), Some(&message), true)?;
    intent.author.os_user = Some("tcfg expire".into());
    intent.author.ci = None;
    end(store, registry, a, &intent).await.map_err(end_error)
}

fn say_ending(a: &Active, ending: &Ending) -> Result<()> {
    let mut err = output::stderr();
    match ending {
        Ending::Restored { revision } => writeln!(
            err,
            "restored {} {} to {} (override {}: {}) at revision {revision}",
            a.entry.key,
            a.entry.scope,
            a.restore_text(),
            a.revision,
            a.entry.message
        )?,
        Ending::Superseded { revision, now } => writeln!(
            err,
            "override {} of {} {} was superseded: the item holds {now}, not the override's {}; nothing restored (the override ended at revision {revision})",
            a.revision,
            a.entry.key,
            a.entry.scope,
            a.set_text()
        )?,
    }
    Ok(())
}

fn end_error(e: EndError) -> crate::error::CommandError {
    match e {
        EndError::Store(s) => s.into(),
        EndError::Commit(c) => c.into(),
        other => anyhow::Error::new(other).into(),
    }
}
