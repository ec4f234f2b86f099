//! Command-line definitions (clap derive). Each subcommand's arguments live
//! beside its implementation in `commands/`.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::Result;
use crate::global::GlobalArgs;
use crate::{app, commands};

#[derive(Debug, Parser)]
#[command(
    name = "tcfg",
    version,
    about = "Temporal dynamic config in etcd: validate, inspect and change it safely",
    long_about = "tcfg manages Temporal server dynamic config stored in etcd (and checks dynamic config files).\n\
                  It knows every key of Temporal v1.27 to v1.31 with its type, precedence and defaults, and reads\n\
                  files exactly as Temporal does.",
    after_help = "Examples:\n  tcfg validate -f prod.yaml\n  tcfg keys matching.numTaskqueueReadPartitions\n  tcfg --endpoints etcd-1:2379 get frontend.namespaceRPS --namespace payments\n  tcfg put frontend.namespaceRPS 4000 --namespace payments\n  tcfg dump > backup.yaml\n\nExit status: 0 success, 1 error or invalid input, 2 changes found (diff, --dry-run) or drift (status), 3 etcd unreachable or refused the login, 4 a write whose outcome is unknown, 5 written, but a renderer did not report it in time (--wait).",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line as parsed; `--version` says what this build is
    /// ([`long_version`]).
    pub fn parse_args() -> std::result::Result<Cli, clap::Error> {
        // Made once per process, and kept for it: clap holds it as `'static`.
        let matches = command().try_get_matches().map_err(forgotten_file_flag)?;
        let cli = Cli::from_arg_matches(&matches);
        crate::global::remember_matches(matches);
        cli
    }
}

/// What `-h` adds below a command's own text: it leaves out the flags
/// every command shares but few invocations need.
const SHORT_HELP_NOTE: &str =
    "-h shows the common flags; --help shows them all (TLS, login, timeouts, the config file, change history).";

/// The whole command line as tcfg presents it: `--version` says what this
/// build is ([`long_version`]), and each command's `-h` is brief (the
/// shared connection and history flags only in `--help`). The parser, the
/// completions, the man pages and the command reference are all made from
/// it.
pub fn command() -> clap::Command {
    // Made once per process, and kept for it: clap holds it as `'static`.
    static LONG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let long: &'static str = LONG.get_or_init(long_version);
    let brief = |c: clap::Command| {
        let full = c.get_after_help().map(|h| h.to_string());
        let short = match &full {
            Some(text) => format!("{text}\n\n{SHORT_HELP_NOTE}"),
            None => SHORT_HELP_NOTE.to_string(),
        };
        let c = c.after_help(short);
        match full {
            Some(text) => c.after_long_help(text),
            None => c.after_long_help(""),
        }
    };
    let root = brief(Cli::command().long_version(long));
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_string()).collect();
    names.iter().fold(root, |root, name| root.mut_subcommand(name, brief))
}

/// A file given where a command wants `-f FILE` (`tcfg validate prod.yaml`)
/// gets clap's error with a tip naming the flag it forgot.
fn forgotten_file_flag(mut e: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    if !looks_like_a_file(arg) {
        return e;
    }
    let tip = format!(
        "did you mean `-f {}`?",
        crate::output::escape_path(std::path::Path::new(arg))
    );
    e.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
    e
}

/// A word that is a file: one that exists, `-` (stdin), or a config file's
/// name (`.yaml`, `.yml`, `.json`).
pub fn looks_like_a_file(arg: &str) -> bool {
    !arg.starts_with('-') && {
        let path = std::path::Path::new(arg);
        path.is_file()
            || path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| ["yaml", "yml", "json"].contains(&x.to_ascii_lowercase().as_str()))
    }
}

/// What `tcfg --version` says after the name: the version, the commit and
/// the day it was built from, and the Temporal releases whose keys it
/// embeds (`-V` says the version alone).
pub fn long_version() -> String {
    let releases: Vec<&str> = tcfg_core::temporal::registry::RELEASES.iter().map(|r| r.tag).collect();
    format!(
        "{}\ncommit:   {}\nbuilt:    {}\ntemporal: {} (each release's keys, types, defaults and descriptions)\netcd:     3.4 to 3.7 (the releases it is tested against)",
        env!("CARGO_PKG_VERSION"),
        env!("TCFG_COMMIT"),
        env!("TCFG_BUILD_DATE"),
        releases.join(", ")
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check dynamic config files as Temporal would read them, and for what Temporal misses
    Validate(commands::validate::ValidateArgs),
    /// List the keys a Temporal release registers, or show one key in full
    Keys(commands::keys::KeysArgs),
    /// Show a key's stored items, or its effective value for a namespace, task queue...
    Get(commands::get::GetArgs),
    /// Set one item of a key (or, with -f, its whole list)
    Put(commands::put::PutArgs),
    /// Remove one item of a key, or the whole key with --all
    Delete(commands::delete::DeleteArgs),
    /// Edit a key's items (or one item's value) in your editor, validated before it is written
    Edit(commands::edit::EditArgs),
    /// Print every key under the prefix as one document
    Dump(commands::dump::DumpArgs),
    /// Show what apply would change (exit 0: nothing, 2: changes)
    Diff(commands::diff::DiffArgs),
    /// Make the prefix hold the given files, in one atomic, conflict-checked transaction
    Apply(commands::apply::ApplyArgs),
    /// Make other prefixes (clusters) identical to a source prefix
    Sync(commands::sync::SyncArgs),
    /// Follow changes as they happen (several prefixes at once, with drift reports)
    Watch(commands::watch::WatchArgs),
    /// Write the prefix as the YAML file a stock Temporal server reads (dynamicConfigClient.filepath)
    Render(commands::render::RenderArgs),
    /// Who changed what, when and why: the changes under the prefix, newest first
    Log(commands::log::LogArgs),
    /// One change in full: its record and its diff
    Show(commands::log::ShowArgs),
    /// Undo one change (the keys it touched), with compare-and-swap
    Revert(commands::undo::RevertArgs),
    /// Make the prefix (or some keys) what it was at a revision or time
    Rollback(commands::undo::RollbackArgs),
    /// Incident overrides in force (writes made with --for or --until): list, extend, end
    Overrides(commands::overrides::OverridesArgs),
    /// Restore every incident override that is due (for cron or a CI schedule)
    Expire(commands::overrides::ExpireArgs),
    /// Refuse every write to the prefix for a while (a release freeze), but --break-freeze
    Freeze(commands::freeze::FreezeArgs),
    /// Lift a freeze
    Unfreeze(commands::freeze::UnfreezeArgs),
    /// Every etcd cluster and prefix at a glance: members, alarms, compaction, drift, renderers
    Status(commands::status::StatusArgs),
    /// Where tcfg connects: the config file's clusters, the current one, and where each setting comes from
    Clusters(commands::clusters::ClustersArgs),
    /// What a config needs before the servers move to another Temporal release, and the plans that migrate it
    UpgradeCheck(commands::upgrade_check::UpgradeCheckArgs),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
    /// Write the command reference and man pages (for maintainers)
    #[command(hide = true)]
    Reference(commands::reference::ReferenceArgs),
}

impl Cli {
    /// Run the command given: its module parses nothing more and presents its result.
    pub fn run(self) -> Result<u8> {
        let cli = self;
        if matches!(
            cli.command,
            Command::Validate(_) | Command::Diff(_) | Command::Apply(_) | Command::Sync(_) | Command::Watch(_)
        ) {
            app::huge_pages(true);
        }
        match cli.command {
            Command::Validate(args) => commands::validate::run(&cli.global, args),
            Command::Keys(args) => commands::keys::run(&cli.global, args),
            Command::Get(args) => app::block_on(commands::get::run(&cli.global, args)),
            Command::Put(args) => app::block_on(commands::put::run(&cli.global, args)),
            Command::Delete(args) => app::block_on(commands::delete::run(&cli.global, args)),
            Command::Edit(args) => app::block_on(commands::edit::run(&cli.global, args)),
            Command::Dump(args) => app::block_on(commands::dump::run(&cli.global, args)),
            Command::Diff(args) => app::block_on(commands::diff::run(&cli.global, args)),
            Command::Apply(args) => app::block_on(commands::apply::run(&cli.global, args)),
            Command::Sync(args) => app::block_on(commands::sync::run(&cli.global, args)),
            Command::Watch(args) => app::block_on(commands::watch::run(&cli.global, args)),
            Command::Render(args) => app::block_on(commands::render::run(&cli.global, args)),
            Command::Log(args) => app::block_on(commands::log::run(&cli.global, args)),
            Command::Show(args) => app::block_on(commands::log::show(&cli.global, args)),
            Command::Revert(args) => app::block_on(commands::undo::revert(&cli.global, args)),
            Command::Rollback(args) => app::block_on(commands::undo::rollback(&cli.global, args)),
            Command::Overrides(args) => app::block_on(commands::overrides::list_overrides(&cli.global, args)),
            Command::Expire(args) => app::block_on(commands::overrides::expire(&cli.global, args)),
            Command::Freeze(args) => app::block_on(commands::freeze::freeze(&cli.global, args)),
            Command::Unfreeze(args) => app::block_on(commands::freeze::unfreeze(&cli.global, args)),
            Command::Status(args) => app::block_on(commands::status::run(&cli.global, args)),
            Command::Clusters(args) => commands::clusters::run(&cli.global, args),
            Command::UpgradeCheck(args) => app::block_on(commands::upgrade_check::run(&cli.global, args)),
            Command::Completions(args) => commands::completions::run(args, command()),
            Command::Reference(args) => commands::reference::run(args, command()),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
        super::command().debug_assert();
    }

    /// Help is wrapped at 100 columns: an example longer than that would
    /// break mid-command, and a reader could not copy it whole.
    #[test]
    fn every_example_fits_in_100_columns() {
        let root = super::command();
        let mut long = Vec::new();
        for c in std::iter::once(&root).chain(root.get_subcommands()) {
            let text = c.get_after_long_help().map(|h| h.to_string()).unwrap_or_default();
            for line in text.lines().filter(|l| l.starts_with("  ")) {
                if line.chars().count() > 100 {
                    long.push(format!("{}: {line}", c.get_name()));
                }
            }
        }
        assert!(long.is_empty(), "examples over 100 columns:\n{}", long.join("\n"));
    }
}
