//! One module per subcommand: each parses its arguments and renders; the
//! logic lives in `tcfg-core`.

pub mod apply;
pub mod completions;
pub mod delete;
pub mod diff;
pub mod dump;
pub mod get;
pub mod keys;
mod prompt;
pub mod put;
pub mod sync;
pub mod validate;
pub mod watch;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use tcfg_core::store::{ConnectionSettings, Layer, Prefix, Store};
use tcfg_core::{ConstraintField, Constraints, HistoryTaskType, KeyDef, Registry, TaskQueueType};

use crate::cli::{Cli, Command, EtcdArgs, GlobalArgs};

pub fn run(cli: Cli) -> Result<u8> {
    if matches!(
        cli.command,
        Command::Validate(_) | Command::Diff(_) | Command::Apply(_) | Command::Sync(_) | Command::Watch(_)
    ) {
        huge_pages(true);
    }
    match cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Keys(args) => keys::run(&cli.global, args),
        Command::Get(args) => block_on(get::run(&cli.global, args)),
        Command::Put(args) => block_on(put::run(&cli.global, args)),
        Command::Delete(args) => block_on(delete::run(&cli.global, args)),
        Command::Dump(args) => block_on(dump::run(&cli.global, args)),
        Command::Diff(args) => block_on(diff::run(&cli.global, args)),
        Command::Apply(args) => block_on(apply::run(&cli.global, args)),
        Command::Sync(args) => block_on(sync::run(&cli.global, args)),
        Command::Watch(args) => block_on(watch::run(&cli.global, args)),
        Command::Completions(args) => completions::run(args),
    }
}

/// One command is a handful of requests: a single-threaded runtime starts
/// fastest.
fn block_on<F: std::future::Future<Output = Result<u8>>>(f: F) -> Result<u8> {
    // Parsing runs on blocking threads: one per core is all that helps.
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(cores)
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(f);
    // The work is done: idle blocking threads need not be joined.
    runtime.shutdown_background();
    result
}

/// The key registry the global flags select: `--schema FILE`, else the
/// embedded release named by `--temporal-version`, else the newest.
pub fn registry(global: &GlobalArgs) -> Result<Registry> {
    load_registry(global.schema.as_deref(), global.temporal_version.as_deref())
}

fn load_registry(schema: Option<&std::path::Path>, version: Option<&str>) -> Result<Registry> {
    let _span = tracing::debug_span!("registry").entered();
    if let Some(path) = schema {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the schema file {}", path.display()))?;
        return Ok(Registry::from_tsv(&path.display().to_string(), &text)?);
    }
    Ok(Registry::for_version(version)?)
}

/// Transparent huge pages for this process, on or off. tcfg starts without
/// them: starting touches a few kilobytes of fresh memory, and a huge page is
/// zeroed 2 MB at a time (0.2 ms of every run). `get` and `dump` stay without:
/// they touch their memory once, in small pieces across threads, and exit,
/// and a huge-page fault may also wait for the kernel to compact memory
/// (`dump` of 10,000 keys: the median unchanged, the slowest tenth of runs
/// 31-33 ms instead of 34-44). The commands that parse whole files and work
/// on them longer (`validate`, `diff`, `apply`, `sync`, `watch`) turn them
/// back on: `diff` of 10,000 keys is 10-15 % faster with them.
pub fn huge_pages(on: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, libc::c_ulong::from(!on), 0, 0, 0);
    }
}

/// [`registry`] loading on a blocking thread, for commands that read etcd
/// meanwhile (a 10,000-key schema takes milliseconds to parse). Threads
/// that need it wait for it, or load it themselves if they get there first.
#[derive(Clone)]
pub struct RegistryLoad {
    // The error as its sentence: every waiter gets a copy.
    cell: Arc<std::sync::OnceLock<std::result::Result<Arc<Registry>, String>>>,
    schema: Option<PathBuf>,
    version: Option<String>,
}

impl RegistryLoad {
    pub fn start(global: &GlobalArgs) -> RegistryLoad {
        let load = RegistryLoad {
            cell: Arc::default(),
            schema: global.schema.clone(),
            version: global.temporal_version.clone(),
        };
        let background = load.clone();
        // An error is reported by whoever waits for the registry.
        tokio::task::spawn_blocking(move || {
            let _ = background.wait_blocking();
        });
        load
    }

    /// The registry, blocking this thread until it is loaded.
    pub fn wait_blocking(&self) -> Result<Arc<Registry>> {
        self.cell
            .get_or_init(|| {
                load_registry(self.schema.as_deref(), self.version.as_deref())
                    .map(Arc::new)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(anyhow::Error::msg)
    }

    /// The registry, for async code.
    pub async fn wait(&self) -> Result<Arc<Registry>> {
        let load = self.clone();
        tokio::task::spawn_blocking(move || load.wait_blocking())
            .await
            .context("loading the key registry stopped")?
    }
}

/// Read a file argument; `-` is standard input.
pub fn read_input(path: &std::path::Path) -> Result<(String, String)> {
    let (origin, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).context("cannot read standard input")?;
        ("<stdin>".to_string(), bytes)
    } else {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        (path.display().to_string(), bytes)
    };
    let text = tcfg_core::model::yaml::decode_bytes(&bytes)
        .map(std::borrow::Cow::into_owned)
        .with_context(|| format!("cannot decode the text of {origin}"))?;
    Ok((origin, text))
}

/// Standard input can be read once: `-f - -f -` is a mistake, not two files.
pub fn refuse_stdin_twice(files: &[PathBuf]) -> Result<()> {
    if files.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        bail!("standard input (-) is given more than once: it can be read only once");
    }
    Ok(())
}

/// Read and validate the files of a desired state. Errors refuse (shown
/// with their positions); warnings and notes are shown and let it through.
pub fn desired(registry: &Registry, files: &[PathBuf], allow_unknown_keys: bool) -> Result<tcfg_core::Document> {
    use std::io::Write;
    refuse_stdin_twice(files)?;
    let sources = files.iter().map(|p| read_input(p)).collect::<Result<Vec<_>>>()?;
    let opts = tcfg_core::temporal::validate::Options {
        allow_unknown_keys,
        ..Default::default()
    };
    let (docs, findings) = tcfg_core::temporal::validate::check_sources(&sources, registry, &opts);
    if !findings.is_empty() {
        let texts = sources.iter().cloned().collect();
        let mut err = crate::output::stderr();
        crate::report::write_findings(&mut err, &findings, &texts)?;
        let counts = crate::report::Counts::of(&findings);
        if counts.errors > 0 {
            writeln!(
                err,
                "{}",
                crate::output::paint(
                    crate::output::ERROR,
                    format!("invalid: {}; nothing written", counts.describe())
                )
            )?;
            bail!(
                "{} {} invalid",
                sources.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>().join(", "),
                if sources.len() == 1 { "is" } else { "are" }
            );
        }
    }
    let mut doc = tcfg_core::Document::new(sources.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>().join(", "));
    for d in docs {
        doc.entries.extend(d.entries);
    }
    Ok(doc)
}

/// `$XDG_CONFIG_HOME/tcfg/config.yaml` (or `~/.config/...`), if it exists.
fn default_config_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let path = base.join("tcfg").join("config.yaml");
    path.is_file().then_some(path)
}

/// The connection settings: flags (and `TCFG_*`), then `ETCD_*`/`ETCDCTL_*`,
/// then the config file, then defaults.
pub fn connection_settings(args: &EtcdArgs) -> Result<ConnectionSettings> {
    if args.user.as_deref().is_some_and(|u| u.contains(':')) && args.password.is_some() {
        bail!(
            "the password is given twice: in --user name:password and in --password (or TCFG_PASSWORD); give it once"
        );
    }
    let (user, password) = tcfg_core::store::config::split_user(args.user.clone(), args.password.clone());
    let flags = Layer {
        name: "the command line (or TCFG_* variables)".into(),
        endpoints: args.endpoints.clone(),
        prefix: args.prefix.clone(),
        cacert: args.cacert.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        server_name: None,
        disable_tls: None,
        user,
        password,
        dial_timeout: args.dial_timeout.clone(),
        command_timeout: args.command_timeout.clone(),
        max_send_size: None,
    };
    let env = Layer::from_env(|n| std::env::var(n).ok());
    let mut layers = vec![flags, env];
    let config = args.config.clone().or_else(default_config_file);
    if let Some(path) = config {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        layers.push(Layer::from_seed_config(
            &path.display().to_string(),
            &text,
            args.cluster.as_deref(),
        )?);
    } else if let Some(c) = &args.cluster {
        bail!("--cluster {c} needs a config file (--config FILE) that names it in etcdConfigs");
    }
    let mut settings = ConnectionSettings::from_layers(&layers)?;
    if settings.user.is_some() && settings.password.is_none() {
        if prompt::interactive() {
            settings.password = Some(prompt::password(&format!(
                "Password for etcd user {}",
                settings.user.as_deref().unwrap_or_default()
            ))?);
        } else {
            bail!(
                "etcd user {} has no password: pass --password or set ETCDCTL_PASSWORD",
                settings.user.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(settings)
}

pub async fn connect(global: &GlobalArgs) -> Result<Store> {
    let settings = connection_settings(&global.etcd)?;
    let store = Store::connect(settings).await?;
    tracing::debug!("connected");
    Ok(store)
}

/// The scope flags shared by `get`, `put`, `delete` and `watch`.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Scope")]
pub struct ScopeArgs {
    /// Namespace name
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// Namespace ID
    #[arg(long, value_name = "ID")]
    pub namespace_id: Option<String>,
    /// Task queue name (a partition such as /_sys/orders/3 counts as its base name)
    #[arg(long, value_name = "NAME")]
    pub task_queue: Option<String>,
    /// Task queue type: Workflow, Activity or Nexus
    #[arg(long, value_name = "TYPE")]
    pub task_type: Option<String>,
    /// History task type, such as TransferActivityTask or UserTimer
    #[arg(long, value_name = "TYPE")]
    pub history_task_type: Option<String>,
    /// History shard ID
    #[arg(long, value_name = "ID")]
    pub shard_id: Option<i32>,
    /// Nexus or callback destination
    #[arg(long, value_name = "NAME")]
    pub destination: Option<String>,
    /// CHASM task type
    #[arg(long, value_name = "TYPE")]
    pub chasm_task_type: Option<String>,
}

impl ScopeArgs {
    /// Whether any scope flag was given (even a zero one).
    pub fn given(&self) -> bool {
        self.namespace.is_some()
            || self.namespace_id.is_some()
            || self.task_queue.is_some()
            || self.task_type.is_some()
            || self.history_task_type.is_some()
            || self.shard_id.is_some()
            || self.destination.is_some()
            || self.chasm_task_type.is_some()
    }

    pub fn constraints(&self) -> Result<Constraints> {
        let empty = [
            ("--namespace", &self.namespace),
            ("--namespace-id", &self.namespace_id),
            ("--task-queue", &self.task_queue),
            ("--task-type", &self.task_type),
            ("--history-task-type", &self.history_task_type),
            ("--destination", &self.destination),
            ("--chasm-task-type", &self.chasm_task_type),
        ]
        .into_iter()
        .find(|(_, v)| v.as_deref() == Some(""))
        .map(|(flag, _)| format!("{flag} \"\""));
        let zero = match (self.shard_id, self.history_task_type.as_deref()) {
            (Some(0), _) => Some("--shard-id 0".to_string()),
            (_, Some(t @ ("0" | "Unspecified" | "TASK_TYPE_UNSPECIFIED"))) => Some(format!("--history-task-type {t}")),
            _ => None,
        };
        if let Some(flag) = empty.or(zero) {
            bail!(
                "{flag} is a zero value, which Temporal reads as no constraint at all: it would select the item \
                 without that constraint (for most keys the global one). Leave the flag out to mean that item"
            );
        }
        let task_type = match &self.task_type {
            None => None,
            Some(t) => Some(
                match TaskQueueType::from_name(t).or_else(|| t.parse().ok().filter(|n| *n > 0).map(TaskQueueType)) {
                    Some(t) => t,
                    None => bail!(
                        "unknown --task-type {t:?}: use {}",
                        TaskQueueType::names().collect::<Vec<_>>().join(", ")
                    ),
                },
            ),
        };
        let history_task_type = match &self.history_task_type {
            None => None,
            Some(t) => Some(
                match HistoryTaskType::from_name(t).or_else(|| t.parse().ok().map(HistoryTaskType)) {
                    Some(t) => t,
                    None => {
                        let close = tcfg_core::model::suggest::closest(t, HistoryTaskType::names());
                        bail!(
                            "unknown --history-task-type {t:?}{}",
                            close.map(|c| format!(" (did you mean {c}?)")).unwrap_or_default()
                        )
                    }
                },
            ),
        };
        let s = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(Constraints {
            namespace: s(&self.namespace),
            namespace_id: s(&self.namespace_id),
            task_queue_name: s(&self.task_queue),
            task_type,
            history_task_type,
            shard_id: self.shard_id,
            destination: s(&self.destination),
            chasm_task_type: s(&self.chasm_task_type),
        })
    }
}

/// A registered key, or an error with did-you-mean.
pub fn key_def<'r>(registry: &'r Registry, name: &str) -> Result<&'r KeyDef> {
    match registry.get(name) {
        Some(d) => Ok(d),
        None => {
            let s = registry.suggest(name);
            let mut msg = format!("{name} is not a key of Temporal {}", registry.version);
            if let Some(note) = registry
                .is_embedded()
                .then(|| tcfg_core::temporal::registry::release_note(name, &registry.version))
                .flatten()
            {
                msg.push_str(&format!(" ({note})"));
            }
            if !s.is_empty() {
                msg.push_str(&format!("; did you mean {}?", s.join(" or ")));
            }
            bail!(msg)
        }
    }
}

/// The prefixes of a list flag (`--prefixes /active,/passive-eu`): a root
/// of one segment is joined with the key prefix, a longer prefix taken as
/// is; an empty or malformed one is refused.
pub fn prefix_list(flag: &str, items: &[String], settings: &ConnectionSettings) -> Result<Vec<Prefix>> {
    items
        .iter()
        .map(|p| {
            Prefix::resolve_root(p, &settings.prefix).map_err(|reason| {
                anyhow::anyhow!(
                    "{flag}: {} is not a usable prefix: {reason}",
                    tcfg_core::model::key::escaped(p)
                )
            })
        })
        .collect()
}

/// A name tcfg may write or delete: dynamic config, not another
/// application's key under the prefix.
pub fn refuse_foreign(registry: &Registry, name: &str) -> Result<()> {
    match registry.foreign_reason(name) {
        None => Ok(()),
        Some(reason) => bail!(
            "{} is not a dynamic config key ({reason}): tcfg never writes or deletes other applications' keys under the prefix; nothing written",
            tcfg_core::model::key::escaped(name)
        ),
    }
}

/// Constraint fields the key's lookups never read, for a note.
pub fn unused_scope_fields(def: &KeyDef, scope: &Constraints) -> Vec<ConstraintField> {
    let used = def.precedence.fields();
    scope.fields().iter().filter(|f| !used.contains(*f)).collect()
}

/// `--yes` and `--dry-run`, shared by every command that writes.
#[derive(Debug, Args, Clone, Copy)]
pub struct WriteArgs {
    /// Do not ask for confirmation (needed when standard input is not a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Show what would change and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Show the diff of one key's write, confirm it, and commit it as one
/// compare-and-swap transaction.
pub async fn commit_key_write(
    store: &Store,
    write: &tcfg_core::changes::edit::KeyWrite,
    opts: WriteArgs,
) -> Result<u8> {
    use std::io::Write;
    let mut err = crate::output::stderr();
    if write.is_noop() {
        writeln!(err, "{} is already as requested: nothing to write", write.etcd_key)?;
        return Ok(crate::exit::OK);
    }
    let old_name = match write.changes.iter().find(|c| c.etcd_key != write.etcd_key) {
        Some(c) => format!("{} (stored)", c.etcd_key),
        None if write.old_text.is_empty() => format!("{} (not stored)", write.etcd_key),
        None => format!("{} (stored)", write.etcd_key),
    };
    crate::diff::write_unified(
        &mut err,
        &write.old_text,
        &write.new_text,
        &old_name,
        &format!("{} (new)", write.etcd_key),
    )?;
    if opts.dry_run {
        writeln!(err, "dry run: nothing written")?;
        return Ok(crate::exit::OK);
    }
    drop(err);
    if !confirm(&format!("Write {}?", write.etcd_key), opts.yes)? {
        writeln!(crate::output::stderr(), "nothing written")?;
        return Ok(crate::exit::ERROR);
    }
    let revision = store.commit(&write.changes).await?;
    writeln!(
        crate::output::stderr(),
        "wrote {} at revision {revision}",
        write.etcd_key
    )?;
    Ok(crate::exit::OK)
}

/// Ask before writing: on a terminal a prompt, elsewhere `--yes` or refuse.
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if prompt::interactive() {
        return prompt::confirm(question);
    }
    bail!(
        "not writing without confirmation: standard input is not a terminal, so pass --yes (or --dry-run to only look)"
    )
}
