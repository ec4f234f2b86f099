//! What every command starts from: the async runtime, the process's memory
//! settings, and the key registry the global flags select.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use tcfg_core::{Registry, RegistryError};

use crate::global::GlobalArgs;

/// One command is a handful of requests: a single-threaded runtime starts
/// fastest.
pub fn block_on<F: std::future::Future<Output = crate::error::Result<u8>>>(f: F) -> crate::error::Result<u8> {
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
    let load = |v: Option<&str>| {
        Registry::for_version(v).map_err(|e| match e {
            RegistryError::UnknownVersion { .. } => anyhow::anyhow!("{e} (use --schema FILE for another release)"),
            e => e.into(),
        })
    };
    // A rolling upgrade: both releases at once, the config checked for each.
    if let Some((old, new)) = version.and_then(|v| v.split_once("..")) {
        let (older, newer) = (load(Some(old))?, load(Some(new))?);
        let position = |r: &Registry| r.embedded_release().map(|r| r.position());
        if position(&older) >= position(&newer) {
            anyhow::bail!(
                "--temporal-version {old}..{new}: a range goes from the older release to the newer (such as 1.30..1.31)"
            );
        }
        return Ok(newer.with_older(older));
    }
    load(version)
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
