//! The options every command takes (clap derive): the Temporal release,
//! the colour, and how to reach etcd. Their own module, so that commands
//! use them without importing the command line they are part of.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)
    #[arg(long, global = true, env = "TCFG_TEMPORAL_VERSION", value_name = "VERSION")]
    pub temporal_version: Option<String>,

    /// Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_SCHEMA",
        value_name = "FILE"
    )]
    pub schema: Option<PathBuf>,

    /// When to use colour (auto: only on a terminal, and never with NO_COLOR set)
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_COLOR",
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: ColorWhen,

    /// Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub etcd: EtcdArgs,
}

/// What `--log-format` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How to reach etcd. Each flag also reads `TCFG_<NAME>`; then come the seed
/// library's `ETCD_*` and etcdctl's `ETCDCTL_*` variables, then the config file.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "etcd connection")]
pub struct EtcdArgs {
    /// etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]
    #[arg(
        long,
        global = true,
        env = "TCFG_ENDPOINTS",
        value_delimiter = ',',
        value_name = "ENDPOINTS"
    )]
    pub endpoints: Option<Vec<String>>,

    /// Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]
    #[arg(long, global = true, env = "TCFG_PREFIX", value_name = "PREFIX")]
    pub prefix: Option<String>,

    /// CA certificate (PEM) that signed the etcd server certificates
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_CACERT",
        value_name = "FILE"
    )]
    pub cacert: Option<PathBuf>,

    /// Client certificate (PEM) for mutual TLS
    #[arg(long, global = true, hide_short_help = true, env = "TCFG_CERT", value_name = "FILE")]
    pub cert: Option<PathBuf>,

    /// Client private key (PEM) for mutual TLS
    #[arg(long, global = true, hide_short_help = true, env = "TCFG_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// etcd user (also `name:password`); the password is prompted for on a terminal when not given
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_USER",
        value_name = "NAME",
        hide_env_values = true
    )]
    pub user: Option<String>,

    /// etcd password
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,

    /// Time to establish a connection [default: 2s]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_DIAL_TIMEOUT",
        value_name = "DURATION"
    )]
    pub dial_timeout: Option<String>,

    /// Time for one command's requests [default: 5s]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_COMMAND_TIMEOUT",
        value_name = "DURATION"
    )]
    pub command_timeout: Option<String>,

    /// The seed library's YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// Which etcdConfigs entry of the config file to use [default: the first]
    #[arg(long, global = true, env = "TCFG_CLUSTER", value_name = "NAME", add = clap_complete::ArgValueCandidates::new(cluster_candidates))]
    pub cluster: Option<String>,

    /// Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_HISTORY_PREFIX",
        value_name = "PREFIX",
        help_heading = "Change history"
    )]
    pub history_prefix: Option<String>,

    /// Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_HISTORY_KEEP",
        value_name = "N",
        help_heading = "Change history"
    )]
    pub history_keep: Option<usize>,

    /// Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]
    #[arg(
        long,
        global = true,
        hide_short_help = true,
        env = "TCFG_HISTORY_MAX_AGE",
        value_name = "DURATION",
        help_heading = "Change history"
    )]
    pub history_max_age: Option<String>,

    /// Refuse writes without -m/--message
    #[arg(
        long,
        global = true,
        hide_short_help = true, env = "TCFG_REQUIRE_MESSAGE",
        value_parser = clap::builder::BoolishValueParser::new(),
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
        help_heading = "Change history"
    )]
    pub require_message: Option<bool>,
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

/// The command line as clap matched it: where each value came from.
static MATCHES: std::sync::OnceLock<clap::ArgMatches> = std::sync::OnceLock::new();

/// Keep the matches of this process's command line (once, at start-up).
pub fn remember_matches(matches: clap::ArgMatches) {
    let _ = MATCHES.set(matches);
}

/// Whether the argument `id` took its value from its `TCFG_*` variable
/// (not from the command line). A global argument is asked of the
/// subcommand's matches, where clap keeps it.
pub fn from_environment(id: &str) -> bool {
    let Some(m) = MATCHES.get() else {
        return false;
    };
    let at = m.subcommand().map_or(m, |(_, sub)| sub);
    let source = at.try_get_raw(id).ok().flatten().and(at.value_source(id));
    source == Some(clap::parser::ValueSource::EnvVariable)
}

impl EtcdArgs {
    /// The config file: `--config` (or `TCFG_CONFIG`), else
    /// `$XDG_CONFIG_HOME/tcfg/config.yaml` (or `~/.config/...`) if it exists.
    pub fn config_path(&self) -> Option<PathBuf> {
        self.config.clone().or_else(|| {
            let base = std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
            let path = base.join("tcfg").join("config.yaml");
            path.is_file().then_some(path)
        })
    }
}

/// `--cluster`'s completions (`COMPLETE=bash tcfg`): the clusters of the
/// config file (`TCFG_CONFIG`, or the default one); none when it cannot be
/// read.
fn cluster_candidates() -> Vec<clap_complete::CompletionCandidate> {
    let args = EtcdArgs {
        config: std::env::var_os("TCFG_CONFIG").map(Into::into),
        ..Default::default()
    };
    let Some(path) = args.config_path() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    tcfg_core::store::config_file::ConfigFile::parse(&path.display().to_string(), &text)
        .map(|f| {
            f.cluster_names()
                .into_iter()
                .map(clap_complete::CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}
