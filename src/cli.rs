//! Command-line definitions (clap derive). Each subcommand's arguments live
//! beside its implementation in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "tcfg",
    version,
    about = "Temporal dynamic config in etcd: validate, inspect and change it safely",
    long_about = "tcfg manages Temporal server dynamic config stored in etcd (and checks dynamic config files).\n\
                  It knows every key of Temporal v1.27 to v1.31 with its type, precedence and defaults, and reads\n\
                  files exactly as Temporal does.",
    after_help = "Examples:\n  tcfg validate -f prod.yaml\n  tcfg keys frontend\n  tcfg keys matching.numTaskqueueReadPartitions\n  tcfg completions zsh > ~/.zfunc/_tcfg",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Temporal release whose keys apply (1.27 to 1.31; default: the newest)
    #[arg(long, global = true, env = "TCFG_TEMPORAL_VERSION", value_name = "VERSION")]
    pub temporal_version: Option<String>,

    /// Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build
    #[arg(long, global = true, env = "TCFG_SCHEMA", value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// When to use colour (auto: only on a terminal, and never with NO_COLOR set)
    #[arg(long, global = true, env = "TCFG_COLOR", value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn write_global(self) {
        let choice = match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check dynamic config files as Temporal would read them, and for what Temporal misses
    Validate(commands::validate::ValidateArgs),
    /// List the keys a Temporal release registers, or show one key in full
    Keys(commands::keys::KeysArgs),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
}
