//! `tcfg freeze` and `tcfg unfreeze`: stop every write to the prefix (or to
//! every prefix on the etcd cluster) for a while (a release, a holiday),
//! and lift that.

use std::io::Write;
use std::time::SystemTime;

use clap::Args;
use tcfg_core::changes::freeze::{read, Scope, CLUSTER_FREEZE_KEY};
use tcfg_core::changes::freezing::set;

use crate::app::{OverrideArgs, WriteArgs};
use crate::error::{bail, Result};
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg freeze --for 3d -m \"release freeze (REL-7)\"\n  tcfg freeze --until 2027-01-04T09:00:00Z -m \"holidays\"\n  tcfg put frontend.rps 3000 --break-freeze -m \"INC-42\"   # a write that must go ahead\n  tcfg unfreeze -m \"release shipped\"\n  tcfg --cluster us-east freeze --whole-cluster --for 2d -m \"etcd upgrade\"   # every prefix on it\n\nWhile the prefix is frozen every write is refused (exit 1, naming the freeze), except writes with --break-freeze -m (recorded) and the ends of incident overrides. tcfg status shows the freeze. A prefix and its cluster freeze apart: unfreeze lifts the prefix's freeze, unfreeze --whole-cluster the cluster's."
)]
pub struct FreezeArgs {
    /// How long the freeze lasts (3d, 12h)
    #[arg(long = "for", value_name = "DURATION", value_parser = crate::app::args::parse_lasting, conflicts_with = "until")]
    pub lasting: Option<std::time::Duration>,

    /// When the freeze ends (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = crate::app::args::parse_until)]
    pub until: Option<SystemTime>,

    /// Freeze every prefix on this etcd cluster, not only --prefix (the change record is kept with --prefix)
    #[arg(long)]
    pub whole_cluster: bool,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg unfreeze -m \"release shipped\"\n  tcfg --cluster us-east unfreeze --whole-cluster -m \"etcd upgraded\""
)]
pub struct UnfreezeArgs {
    /// Lift the whole etcd cluster's freeze (tcfg freeze --whole-cluster), not the prefix's
    #[arg(long)]
    pub whole_cluster: bool,

    #[command(flatten)]
    pub write: WriteArgs,
}

pub async fn freeze(global: &GlobalArgs, args: FreezeArgs) -> Result<u8> {
    let ends = OverrideArgs {
        lasting: args.lasting,
        until: args.until,
    }
    .ends();
    let Some(ends) = ends else {
        bail!("say how long: --for DURATION (3d, 12h) or --until TIME");
    };
    if args.write.message.as_deref().is_none_or(|m| m.trim().is_empty()) {
        bail!("a freeze needs -m: why, which every refused write repeats");
    }
    let ends_text = humantime::format_rfc3339_seconds(ends).to_string();
    let scope = scope(args.whole_cluster);
    change(
        global,
        args.write,
        "freeze",
        scope,
        Some(ends),
        &format!("freeze {{what}} until {ends_text}"),
    )
    .await
}

pub async fn unfreeze(global: &GlobalArgs, args: UnfreezeArgs) -> Result<u8> {
    let scope = scope(args.whole_cluster);
    change(global, args.write, "unfreeze", scope, None, "unfreeze {what}").await
}

fn scope(whole_cluster: bool) -> Scope {
    if whole_cluster {
        Scope::Cluster
    } else {
        Scope::Prefix
    }
}

async fn change(
    global: &GlobalArgs,
    write: WriteArgs,
    verb: &str,
    scope: Scope,
    ends: Option<SystemTime>,
    what: &str,
) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let crate::app::Opened {
        mut intent,
        place,
        store,
    } = crate::app::open_write(global, &registry, verb, Vec::new(), &write).await?;
    // A freeze goes ahead of freezes as it is: its record says freeze,
    // not that it broke one.
    intent.command.breaks_freeze = false;
    if scope == Scope::Cluster && store.prefix().name_of(CLUSTER_FREEZE_KEY).is_some() {
        bail!(
            "the whole cluster's freeze is kept at {CLUSTER_FREEZE_KEY}, under the prefix {}, where tcfg writes only dynamic config; freeze the prefix instead",
            store.prefix()
        );
    }
    let (current, _) = read(&store, scope).await?;
    let now = SystemTime::now();
    let current = current.filter(|f| f.holds(now));
    let frozen = match scope {
        Scope::Prefix => store.prefix().to_string(),
        Scope::Cluster => format!("every prefix on {place}"),
    };
    if ends.is_none() && current.is_none() {
        writeln!(output::stderr(), "{frozen} is not frozen: nothing to write")?;
        if scope == Scope::Prefix {
            if let (Some(f), _) = read(&store, Scope::Cluster).await? {
                if f.holds(now) {
                    writeln!(
                        output::stderr(),
                        "its etcd cluster is frozen until {} by {}: {}; lift that with unfreeze --whole-cluster",
                        f.ends,
                        f.author.short(),
                        f.message
                    )?;
                }
            }
        }
        return Ok(exit::OK);
    }
    let what = what.replace("{what}", &frozen);
    writeln!(output::stdout(), "{what}")?;
    if let Some(f) = &current {
        writeln!(
            output::stdout(),
            "it is frozen until {} by {}: {}",
            f.ends,
            f.author.short(),
            f.message
        )?;
    }
    if write.dry_run {
        writeln!(output::stderr(), "dry run: nothing written")?;
        return Ok(exit::CHANGES);
    }
    let question = match scope {
        Scope::Prefix => format!("{}{} on {place}?", &what[..1].to_uppercase(), &what[1..]),
        // The place is in `what` already.
        Scope::Cluster => format!("{}{}?", &what[..1].to_uppercase(), &what[1..]),
    };
    if !crate::app::confirm(&question, write.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    let revision = set(&store, scope, ends, &intent).await?;
    writeln!(output::stderr(), "{what}: recorded at revision {revision}")?;
    Ok(exit::OK)
}
