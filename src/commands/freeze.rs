//! `tcfg freeze` and `tcfg unfreeze`: stop every write to the prefix for a
//! while (a release, a holiday), and lift that.

use std::io::Write;
use std::time::SystemTime;

use clap::Args;
use tcfg_core::changes::freeze::read;
use tcfg_core::changes::freezing::set;
use tcfg_core::store::Store;

use crate::app::{OverrideArgs, WriteArgs};
use crate::error::{bail, Result};
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg freeze --for 3d -m \"release freeze (REL-7)\"\n  tcfg freeze --until 2027-01-04T09:00:00Z -m \"holidays\"\n  tcfg put frontend.rps 3000 --break-freeze -m \"INC-42\"   # a write that must go ahead\n  tcfg unfreeze -m \"release shipped\"\n\nWhile the prefix is frozen every write is refused (exit 1, naming the freeze), except writes with --break-freeze -m (recorded) and the ends of incident overrides. tcfg status shows the freeze."
)]
pub struct FreezeArgs {
    /// How long the freeze lasts (3d, 12h)
    #[arg(long = "for", value_name = "DURATION", value_parser = crate::app::args::parse_lasting, conflicts_with = "until")]
    pub lasting: Option<std::time::Duration>,

    /// When the freeze ends (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = crate::app::args::parse_until)]
    pub until: Option<SystemTime>,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  tcfg unfreeze -m \"release shipped\"")]
pub struct UnfreezeArgs {
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
    change(
        global,
        args.write,
        "freeze",
        Some(ends),
        &format!("freeze {{prefix}} until {ends_text}"),
    )
    .await
}

pub async fn unfreeze(global: &GlobalArgs, args: UnfreezeArgs) -> Result<u8> {
    change(global, args.write, "unfreeze", None, "unfreeze {prefix}").await
}

async fn change(global: &GlobalArgs, write: WriteArgs, verb: &str, ends: Option<SystemTime>, what: &str) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    let settings = crate::app::connection_settings(&global.etcd)?;
    let intent = crate::app::intent(
        &settings,
        &registry,
        verb,
        Vec::new(),
        write.message.as_deref(),
        !write.dry_run,
    )?;
    let place = crate::app::connection::place(&global.etcd, &settings);
    let store = Store::connect(settings).await?;
    let (current, _) = read(&store).await?;
    let now = SystemTime::now();
    let current = current.filter(|f| f.holds(now));
    if ends.is_none() && current.is_none() {
        writeln!(output::stderr(), "{} is not frozen: nothing to write", store.prefix())?;
        return Ok(exit::OK);
    }
    let what = what.replace("{prefix}", store.prefix().as_str());
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
    let question = format!("{}{} on {place}?", &what[..1].to_uppercase(), &what[1..]);
    if !crate::app::confirm(&question, write.yes)? {
        writeln!(output::stderr(), "nothing written")?;
        return Ok(exit::ERROR);
    }
    let revision = set(&store, ends, &intent).await?;
    writeln!(output::stderr(), "{what}: recorded at revision {revision}")?;
    Ok(exit::OK)
}
