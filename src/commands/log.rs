//! `tcfg log` and `tcfg show`: who changed what, when and why, from the
//! change records and etcd's own history of the prefix.

use std::io::Write;

use clap::Args;
use tcfg_core::changes::log::{self, Entry, EntryKey, Log, Query};
use tcfg_core::changes::record::{ChangeRecord, Stored};

use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, DIM};
use crate::present::table::{new_table, write_table};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogOutput {
    Table,
    Json,
    Yaml,
    /// The revisions alone, one per line, newest first (for scripts:
    /// `tcfg revert "$(tcfg log -n 1 -o revision)"`)
    Revision,
}

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowOutput {
    Text,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg log --since 1h                  # what changed in the last hour\n  tcfg log frontend.namespaceRPS -p    # one key's changes, with diffs\n  tcfg log --author alice -n 5\n  tcfg log --since 1200 --until 1300   # by etcd revision\n\nChanges made with tcfg carry a record (author, message, command); changes made with other tools (etcdctl, the seed library's WriteConfig) are found in etcd's own history of the prefix while etcd keeps it, and shown as \"no record: written by another tool\"."
)]
pub struct LogArgs {
    /// Only changes to this key (any spelling)
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::app::complete::keys))]
    pub key_name: Option<String>,

    /// Changes at or after this: a duration ago (2h, 30m, 7d), an etcd revision, or an RFC 3339 time
    #[arg(long, value_name = "WHEN", value_parser = crate::app::args::parse_when)]
    pub since: Option<tcfg_core::changes::log::Bound>,

    /// Changes at or before this: a duration ago, an etcd revision, or an RFC 3339 time
    #[arg(long, value_name = "WHEN", value_parser = crate::app::args::parse_when)]
    pub until: Option<tcfg_core::changes::log::Bound>,

    /// Only changes whose author (etcd user, OS user, host or CI actor) contains this
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,

    /// At most N changes, newest first (0: all). Without --since: 50
    #[arg(short = 'n', long = "max-count", value_name = "N")]
    pub max_count: Option<usize>,

    /// Show each change's diff
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table")]
    pub output: LogOutput,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  tcfg show 1234\n  tcfg show 1234 -o json")]
pub struct ShowArgs {
    /// The etcd revision of the change (the REVISION column of `tcfg log`)
    #[arg(value_name = "REV")]
    pub revision: i64,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: ShowOutput,
}

/// How many changes `log` shows without `--since` or `-n`.
const DEFAULT_COUNT: usize = 50;

pub async fn run(global: &GlobalArgs, args: LogArgs) -> Result<u8> {
    let query = Query {
        key: args.key_name.clone(),
        since: args.since,
        until: args.until,
        author: args.author.clone(),
        // Without a lower bound, the newest few: an incident wants those,
        // and a busy prefix's whole history is large.
        limit: args
            .max_count
            .unwrap_or(if args.since.is_none() { DEFAULT_COUNT } else { 0 }),
    };
    let store = crate::app::connect(global).await?;
    let found = log::log(&store, &query).await?;
    let mut out = output::styled_stdout();
    match args.output {
        LogOutput::Revision => {
            for e in &found.entries {
                writeln!(out, "{}", e.revision)?;
            }
        }
        LogOutput::Yaml => {
            crate::present::json::yaml(&mut output::stdout(), &log_json(&found))?;
        }
        LogOutput::Json => {
            serde_json::to_writer_pretty(&mut out, &log_json(&found))?;
            writeln!(out)?;
        }
        LogOutput::Table if args.patch => {
            for e in &found.entries {
                write_entry(&mut out, e, true)?;
                writeln!(out)?;
            }
        }
        LogOutput::Table => {
            let mut table = new_table();
            table.set_header(["REVISION", "TIME", "AUTHOR", "MESSAGE", "CHANGE"]);
            for e in &found.entries {
                table.add_row([
                    e.revision.to_string(),
                    e.time().map(short_time).unwrap_or_else(|| "-".into()),
                    author(e),
                    message(e),
                    summary(e, store.prefix().as_str()),
                ]);
            }
            if !found.entries.is_empty() {
                write_table(&mut out, &table)?;
            }
        }
    }
    drop(out);
    let mut err = output::stderr();
    if found.entries.is_empty() {
        writeln!(err, "no changes found under {}", store.prefix())?;
    }
    // `-n N` asked for N: no need to say there may be more.
    if found.more && args.max_count.is_none() {
        writeln!(
            err,
            "{}",
            paint(
                DIM,
                format!(
                    "the newest {} shown; older changes with --since or -n (-n 0: all)",
                    found.entries.len()
                )
            )
        )?;
    }
    if found.others_complete_from > 1 {
        writeln!(
            err,
            "{}",
            paint(
                DIM,
                format!(
                    "etcd keeps its history from revision {} on (older revisions are compacted): writes made without tcfg before it are not shown",
                    found.others_complete_from
                )
            )
        )?;
    }
    Ok(exit::OK)
}

pub async fn show(global: &GlobalArgs, args: ShowArgs) -> Result<u8> {
    let store = crate::app::connect(global).await?;
    let Some(entry) = log::show(&store, args.revision).await? else {
        crate::error::bail!(
            "no change under {} at revision {}: neither a change record nor etcd's history has one (`tcfg log` lists the changes)",
            store.prefix(),
            args.revision
        );
    };
    let mut out = output::styled_stdout();
    match args.output {
        ShowOutput::Yaml => {
            crate::present::json::yaml(&mut output::stdout(), &entry_json(&entry))?;
        }
        ShowOutput::Json => {
            serde_json::to_writer_pretty(&mut out, &entry_json(&entry))?;
            writeln!(out)?;
        }
        ShowOutput::Text => write_entry(&mut out, &entry, true)?,
    }
    Ok(exit::OK)
}

fn short_time(t: &str) -> String {
    // Seconds are enough in a table; the record keeps microseconds.
    let t = t.trim_end_matches('Z');
    let t = t.split('.').next().unwrap_or(t);
    format!("{}Z", t.replacen('T', " ", 1))
}

/// A field of a record as one row shows it: control and invisible
/// characters escaped, so a newline in it cannot start a row of its own.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || tcfg_core::model::key::is_invisible(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn author(e: &Entry) -> String {
    one_line(&author_text(e))
}

fn author_text(e: &Entry) -> String {
    match (&e.record, &e.unreadable) {
        // A record etcd's history contradicts names whoever its writer chose.
        (Some(r), _) if e.verified == Some(false) => format!("(unverified) {}", r.author.short()),
        (Some(r), _) => r.author.short(),
        (None, Some(_)) => "(unreadable record)".into(),
        (None, None) => "(no record)".into(),
    }
}

fn message(e: &Entry) -> String {
    match &e.record {
        Some(r) => {
            let m = one_line(r.message.as_deref().unwrap_or("").lines().next().unwrap_or(""));
            if m.chars().count() > 60 {
                format!("{}…", m.chars().take(59).collect::<String>())
            } else {
                m
            }
        }
        // What is wrong with it, in place of a message.
        None => match &e.unreadable {
            Some(why) => one_line(why.split(": ").last().unwrap_or(why)),
            None => "written by another tool".into(),
        },
    }
}

/// `put frontend.rps`, `apply: 3 keys (frontend.rps, ...)`.
fn summary(e: &Entry, prefix: &str) -> String {
    // Without a record the events tell: deletes only, or writes.
    let verb = match &e.record {
        Some(r) => r.command.verb.as_str(),
        None if e.unreadable.is_some() && e.keys.is_empty() => return "unreadable record".into(),
        None if !e.keys.is_empty() && e.keys.iter().all(|k| k.new.is_none()) => "delete",
        None => "write",
    };
    // What an override's records add: its end, an extension, a restore or
    // a supersession.
    let marks = e.record.as_ref().map(|r| {
        let c = &r.command;
        if c.breaks_freeze {
            return "broke a freeze".to_string();
        }
        let cluster = if c.whole_cluster { "whole cluster" } else { "" };
        if c.verb == "freeze" {
            let until = format!("until {}", c.ends.as_deref().unwrap_or("?"));
            return if c.whole_cluster {
                format!("{cluster}, {until}")
            } else {
                until
            };
        }
        if c.verb == "unfreeze" {
            return cluster.to_string();
        }
        match (c.extends, c.restores, c.superseded, &c.ends) {
            (Some(rev), ..) => format!("override {rev} now ends {}", c.ends.as_deref().unwrap_or("?")),
            (_, Some(rev), ..) => format!("restores override {rev}"),
            (_, _, Some(rev), _) => format!("override {rev} superseded: nothing restored"),
            (_, _, _, Some(ends)) => format!("override until {ends}"),
            _ => String::new(),
        }
    });
    let marked = |text: String| match marks.as_deref() {
        None | Some("") => text,
        Some(m) if text.is_empty() => m.to_string(),
        Some(m) => format!("{text} ({m})"),
    };
    let names: Vec<String> = e
        .keys
        .iter()
        .map(|k| one_line(k.key.strip_prefix(prefix).unwrap_or(&k.key)))
        .collect();
    if names.is_empty() && e.record.as_ref().is_some_and(|r| r.keys.is_empty() && r.omitted == 0) {
        return marked(verb.to_string());
    }
    let omitted = e.record.as_ref().map_or(0, |r| r.omitted);
    let total = names
        .len()
        .max(e.record.as_ref().map_or(0, |r| r.keys.len() + r.omitted));
    marked(match names.as_slice() {
        [one] if total == 1 => format!("{verb} {one}"),
        _ => {
            let shown: Vec<&str> = names.iter().take(2).map(String::as_str).collect();
            let more = total.saturating_sub(shown.len()) + if names.is_empty() { omitted } else { 0 };
            let tail = if more > 0 { format!(", +{more}") } else { String::new() };
            format!("{verb}: {total} keys ({}{tail})", shown.join(", "))
        }
    })
}

fn stored_text(s: &Option<Stored>) -> (String, &'static str) {
    match s {
        None => (String::new(), ""),
        Some(Stored::Text(t)) => (t.clone(), ""),
        Some(Stored::Digest { .. }) => (String::new(), " (not kept: a digest only)"),
    }
}

/// One change in full: the record, then each key's diff.
fn write_entry(out: &mut impl Write, e: &Entry, patch: bool) -> std::io::Result<()> {
    writeln!(out, "{}", paint(BOLD, format!("revision {}", e.revision)))?;
    match (&e.record, &e.unreadable) {
        (Some(r), _) => {
            if e.verified == Some(false) {
                writeln!(
                    out,
                    "{}",
                    paint(
                        crate::output::WARNING,
                        "record:   UNVERIFIED: etcd's history shows no change to these keys at this revision; the record was written by someone else than the change it claims (revert and rollback never use it)"
                    )
                )?;
            }
            write_record(out, r)?
        }
        (None, Some(why)) => writeln!(out, "record:   unreadable: {why}")?,
        (None, None) => writeln!(
            out,
            "record:   none: written by another tool (etcdctl, the seed library, ...)"
        )?,
    }
    if !patch {
        return Ok(());
    }
    for k in &e.keys {
        write_key(out, k)?;
    }
    Ok(())
}

fn write_record(out: &mut impl Write, r: &ChangeRecord) -> std::io::Result<()> {
    writeln!(out, "time:     {}", r.time)?;
    let a = &r.author;
    let mut who = Vec::new();
    if let Some(u) = &a.etcd_user {
        who.push(format!("etcd user {u}"));
    }
    match (&a.os_user, &a.host) {
        (Some(u), Some(h)) => who.push(format!("{u}@{h}")),
        (Some(u), None) => who.push(u.clone()),
        (None, Some(h)) => who.push(format!("host {h}")),
        (None, None) => {}
    }
    writeln!(
        out,
        "author:   {}",
        if who.is_empty() {
            "unknown".into()
        } else {
            who.join(", ")
        }
    )?;
    if let Some(ci) = &a.ci {
        writeln!(
            out,
            "ci:       {}{}{}",
            ci.system,
            ci.actor.as_deref().map(|x| format!(", actor {x}")).unwrap_or_default(),
            ci.run_url.as_deref().map(|x| format!(", {x}")).unwrap_or_default()
        )?;
    }
    let mut command = r.command.verb.clone();
    for f in &r.command.files {
        command.push_str(&format!(
            " -f {} (sha256 {})",
            f.path,
            &f.sha256[..f.sha256.len().min(12)]
        ));
    }
    if let Some(p) = &r.command.plan {
        command.push_str(&format!(" {} (sha256 {})", p.path, &p.sha256[..p.sha256.len().min(12)]));
    }
    if let Some(s) = &r.command.source {
        command.push_str(&format!(" from {s}"));
    }
    if let Some(rev) = r.command.reverts {
        command.push_str(&format!(" (revert of {rev})"));
    }
    if let Some(rev) = r.command.rollback_to {
        command.push_str(&format!(" (rollback to {rev})"));
    }
    if let Some([n, total]) = r.command.batch {
        command.push_str(&format!(" (batch {n} of {total})"));
    }
    writeln!(out, "command:  {command}")?;
    writeln!(
        out,
        "tool:     {}, checked against Temporal {}",
        r.tool, r.temporal_release
    )?;
    if r.digested > 0 || r.omitted > 0 {
        writeln!(
            out,
            "note:     the change was too large to record whole: {} key{} kept as digests, {} left out",
            r.digested,
            if r.digested == 1 { "" } else { "s" },
            r.omitted
        )?;
    }
    if let Some(m) = &r.message {
        writeln!(out)?;
        for line in m.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(out)
}

fn write_key(out: &mut impl Write, k: &EntryKey) -> std::io::Result<()> {
    let (old, old_note) = stored_text(&k.old);
    let (new, new_note) = stored_text(&k.new);
    let old_name = match &k.old {
        None => format!("{} (absent){old_note}", k.key),
        Some(_) => format!("{} (before){old_note}", k.key),
    };
    let new_name = match &k.new {
        None => format!("{} (deleted){new_note}", k.key),
        Some(_) => format!("{} (after){new_note}", k.key),
    };
    crate::present::diff::write_unified(out, &old, &new, &old_name, &new_name)
}

fn stored_json(s: &Option<Stored>) -> serde_json::Value {
    match s {
        None => serde_json::Value::Null,
        Some(v) => serde_json::to_value(v).unwrap_or_default(),
    }
}

fn entry_json(e: &Entry) -> serde_json::Value {
    serde_json::json!({
        "revision": e.revision,
        "record": e.record,
        "written_by_another_tool": e.record.is_none() && e.unreadable.is_none(),
        "unreadable_record": e.unreadable,
        "verified": e.verified,
        "keys": e.keys.iter().map(|k| serde_json::json!({
            "key": k.key,
            "old": stored_json(&k.old),
            "new": stored_json(&k.new),
        })).collect::<Vec<_>>(),
    })
}

fn log_json(l: &Log) -> serde_json::Value {
    serde_json::json!({
        "revision": l.revision,
        "others_complete_from": l.others_complete_from,
        "more": l.more,
        "changes": l.entries.iter().map(entry_json).collect::<Vec<_>>(),
    })
}
