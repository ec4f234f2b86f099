//! `--wait`: after a write, until every renderer of the written prefix
//! (`tcfg render --follow`) reports a revision at or past it.

use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use tcfg_core::serving::status::{wait_for_renderers, Convergence, RendererStatus};
use tcfg_core::store::Store;

use crate::error::{CommandError, Kind, Result};
use crate::exit;
use crate::output::{self, paint, GREEN, WARNING};

/// Wait (within `limit` in all) for the renderers of each `(store, revision)`
/// written; exit 0 when every live renderer reported its write, else an
/// error of kind [`Kind::Behind`] naming who is behind.
pub async fn for_renderers(written: &[(Store, i64)], limit: Option<Duration>) -> Result<u8> {
    let Some(limit) = limit else {
        return Ok(exit::OK);
    };
    let started = Instant::now();
    let mut behind = Vec::new();
    for (store, revision) in written {
        let prefix = store.prefix();
        writeln!(
            output::stderr(),
            "waiting up to {} for the renderers of {prefix} to reach revision {revision}…",
            humantime::format_duration(limit)
        )?;
        let left = limit.saturating_sub(started.elapsed());
        let c = wait_for_renderers(store, *revision, left, |now| {
            let behind: Vec<String> = now.behind.iter().map(describe).collect();
            let _ = writeln!(output::stderr(), "behind: {}", behind.join("; "));
        })
        .await
        .map_err(|e| {
            CommandError::from(anyhow::Error::from(e))
                .of_kind(Kind::Behind)
                .context(format!(
                    "written at revision {revision}, but the renderers' records of {prefix} could not be read"
                ))
        })?;
        show(&c, started.elapsed())?;
        if !c.done() {
            behind.push(format!(
                "{} of {} renderer{} of {prefix} had not reported revision {revision}: {}",
                c.behind.len(),
                c.behind.len() + c.current.len(),
                if c.behind.len() + c.current.len() == 1 { "" } else { "s" },
                c.behind.iter().map(describe).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    if behind.is_empty() {
        return Ok(exit::OK);
    }
    Err(CommandError::from(anyhow::anyhow!(
        "the write is made, but after waiting {}, {}",
        humantime::format_duration(Duration::from_secs(limit.as_secs().max(1))),
        behind.join("; ")
    ))
    .of_kind(Kind::Behind)
    .hint(
        "a renderer that stays behind says why in its log and its metrics; one that is stopped or cut off keeps \
         its record until its lease ends (10 s after its last keep-alive by default)",
    ))
}

fn show(c: &Convergence, took: Duration) -> Result<()> {
    let mut err = output::stderr();
    for key in &c.unreadable {
        writeln!(
            err,
            "{}: {key} is not a renderer's record: not waited for",
            paint(WARNING, "warning")
        )?;
    }
    if c.current.is_empty() && c.behind.is_empty() {
        writeln!(
            err,
            "no renderer reports for this prefix (`tcfg render --follow` does, unless --report-as ''): nothing to wait for"
        )?;
        return Ok(());
    }
    if c.done() {
        let names: Vec<&str> = c.current.iter().map(|s| s.name.as_str()).collect();
        writeln!(
            err,
            "{} {n} of {n} renderer{} {} revision {} or later ({:.1} s): {}. Each server reads its file within its pollInterval (10 s in Temporal's Helm chart)",
            paint(GREEN, "converged:"),
            if names.len() == 1 { "" } else { "s" },
            if names.len() == 1 { "has" } else { "have" },
            c.revision,
            took.as_secs_f64(),
            names.join(", "),
            n = names.len(),
        )?;
    }
    // Caught up, but not with every key: the write may be one it holds back.
    for s in c.current.iter().filter(|s| !s.held.is_empty()) {
        writeln!(
            err,
            "{}: {} holds back {} (its stored value is an error for that renderer's Temporal release): its file keeps the last good items",
            paint(WARNING, "warning"),
            s.name,
            s.held.join(", ")
        )?;
    }
    Ok(())
}

/// One renderer that is behind, for the error.
fn describe(s: &RendererStatus) -> String {
    let when = humantime::parse_rfc3339(&s.at)
        .ok()
        .and_then(|at| SystemTime::now().duration_since(at).ok())
        .map(|d| {
            format!(
                ", last report {} ago",
                humantime::format_duration(Duration::from_secs(d.as_secs()))
            )
        })
        .unwrap_or_default();
    let at = if s.revision == 0 {
        "no render in place yet".to_string()
    } else {
        format!("at revision {}{when}", s.revision)
    };
    match &s.refused {
        Some(why) => format!("{} ({at}; its newest render was refused: {why})", s.name),
        None => format!("{} ({at})", s.name),
    }
}
