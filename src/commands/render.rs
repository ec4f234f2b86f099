//! `tcfg render`: the prefix as the one YAML file a stock Temporal server
//! reads (its `dynamicConfigClient.filepath`).

use std::io::Write;
use std::path::PathBuf;

use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tcfg_core::serving::file::FileWriter;
use tcfg_core::serving::render::Refusal;
use tcfg_core::serving::render::{
    blocks_of, chunk_verdicts, in_precedence, select, Held, LastGood, RenderOptions, Rendered, Verdict,
};
use tcfg_core::serving::renderer::{Outcome, RenderError, Renderer};
use tcfg_core::serving::status::StatusReporter;
use tcfg_core::serving::watch::{Client, ClientOptions};
use tcfg_core::Document;

use crate::error::bail;
use crate::error::{CommandError, Result};
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, GREEN, WARNING};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg render /etc/temporal/dynamicconfig.yaml          # an init step before the server starts\n  tcfg render - --prefix /prod                          # print it\n  tcfg render dc.yaml --base legacy.yaml                # move from files to etcd one key at a time\n\nThe server's static config points at the file: dynamicConfigClient: {filepath: FILE, pollInterval: 10s}. The file is replaced atomically, each time with a later modification time (the server reads only a file whose mtime moved forward). A stored value Temporal would reject is held back: its key keeps the items of the existing file (when that file is a render) or is left out, and is reported. A render that would empty the file, or drop more than --max-drop percent of its keys, is refused and the file stays as it was."
)]
pub struct RenderArgs {
    /// The file to write (`-`: standard output)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// A file layer under the prefix: a key stored in etcd replaces the base's list for that key
    #[arg(long, value_name = "FILE")]
    pub base: Vec<PathBuf>,

    /// Leave out keys the release does not register (kept by default: Temporal ignores them)
    #[arg(long)]
    pub drop_unknown_keys: bool,

    /// Write an empty file: over one that has keys, or when the prefix holds no dynamic config
    #[arg(long)]
    pub allow_empty: bool,

    /// Refuse a render that drops more than this share of the file's keys at once
    #[arg(long, value_name = "PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_drop: u8,

    /// Keep the file current: render again after every change, until SIGTERM or Ctrl-C
    #[arg(long)]
    pub follow: bool,

    /// With --follow: report as NAME in a record beside the prefix, gone when this renderer is ('' reports nothing) [default: the host name]
    #[arg(long, value_name = "NAME", requires = "follow")]
    pub report_as: Option<String>,

    /// How long a renderer's record outlives a renderer that died without removing it
    #[arg(long, value_name = "SECONDS", default_value_t = 10, hide = true)]
    pub report_ttl: u64,

    /// With --follow: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) on this address
    #[arg(long, value_name = "ADDR", requires = "follow")]
    pub metrics_addr: Option<std::net::SocketAddr>,

    /// The mode of a new file, in octal [default: 0644; an existing file keeps its own]
    #[arg(long, value_name = "MODE", value_parser = parse_mode)]
    pub mode: Option<u32>,
}

fn parse_mode(s: &str) -> std::result::Result<u32, String> {
    u32::from_str_radix(s.trim_start_matches("0o"), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| format!("{s:?} is not a file mode in octal, such as 0644"))
}

pub async fn run(global: &GlobalArgs, args: RenderArgs) -> Result<u8> {
    let load = crate::app::RegistryLoad::start(global);
    let opts = RenderOptions {
        drop_unknown_keys: args.drop_unknown_keys,
        allow_empty: args.allow_empty,
        max_drop_percent: args.max_drop,
        ..Default::default()
    };
    let to_stdout = args.file.as_os_str() == "-";
    if to_stdout && args.follow {
        bail!("--follow keeps a file current: name the file, not -");
    }
    if to_stdout && args.base.is_empty() {
        return print(global, &load, None, &opts).await;
    }
    let registry = load.wait().await?;
    let base: Option<Document> =
        if args.base.is_empty() {
            None
        } else {
            Some(crate::app::desired(&registry, &args.base, true).map_err(|e| {
                CommandError::from(e).context("the base layer was refused (fix it first); nothing written")
            })?)
        };
    if to_stdout {
        return print(global, &load, base.as_ref(), &opts).await;
    }
    let writer = FileWriter::new(&args.file, args.mode).map_err(anyhow::Error::from)?;
    // Probes answer from the start: alive, and not ready until a render of
    // this run is in place.
    let ready = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Some(addr) = args.metrics_addr {
        crate::probes::serve(addr, ready.clone()).await?;
    }
    // SIGTERM and Ctrl-C are taken from the start: one that comes while the
    // renderer starts (a pod stopped at once) ends it at the next step, its
    // record removed, not the process killed with its record left behind.
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    if args.follow {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot handle SIGTERM")?;
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            let _ = stop_tx.send(true);
        });
    }
    let store = crate::app::connect(global).await?;
    let mut renderer = Renderer::new(store.clone(), registry.clone(), writer, base, opts.clone());
    // A following renderer reports itself (a one-shot render would leave a
    // record about a process that is gone).
    let name = args
        .report_as
        .clone()
        .unwrap_or_else(|| tcfg_core::changes::intent::host_name().unwrap_or_else(|| "renderer".to_string()));
    if args.follow && !name.is_empty() {
        let ttl = std::time::Duration::from_secs(args.report_ttl);
        let reporter = StatusReporter::start(&store, &name, ttl)
            .await
            .map_err(|e| CommandError::from(anyhow::Error::from(e)).hint("pass another --report-as"))?;
        renderer = renderer.with_reporter(reporter);
    }
    // A follower's first render is from the watch client's load: the prefix
    // is read once at start-up.
    let (first, client) = if args.follow {
        let client = Client::start(store.clone(), registry.clone(), ClientOptions::default()).await?;
        (
            renderer.start_following(&client).await.map_err(render_error)?,
            Some(client),
        )
    } else {
        (renderer.render_at(None).await.map_err(render_error)?, None)
    };
    show(&renderer, &first, &registry.version, opts.drop_unknown_keys)?;
    match (&first.0, args.follow) {
        (Outcome::Refused(Refusal::NoConfig), false) => {
            let left = if renderer.writer().current().is_some() {
                format!("{} was left as it was", output::escape_path(renderer.writer().path()))
            } else {
                "no file was written".to_string()
            };
            return Err(nothing_to_render(&store, &first.1.held, &first.1.unknown, &left).await);
        }
        (Outcome::Refused(refusal), false) => {
            return Err(CommandError::from(anyhow::anyhow!(
                "{refusal}; {} was left as it was",
                output::escape_path(renderer.writer().path())
            ))
            .hint("if that is what is meant, pass --allow-empty or a higher --max-drop"));
        }
        // Following, a refusal is reported and the next change tried again.
        (Outcome::Refused(refusal), true) => writeln!(
            output::stderr(),
            "{}: {refusal}; {} stays as it was, and the next change is tried",
            paint(WARNING, "warning"),
            renderer.writer().path().display()
        )?,
        (_, false) => return Ok(exit::OK),
        (_, true) => ready.store(true, std::sync::atomic::Ordering::SeqCst),
    }
    let Some(client) = client else {
        return Ok(exit::OK);
    };
    if *stop.borrow() {
        client.shutdown().await;
        renderer.shutdown().await;
        return Ok(exit::OK);
    }
    // Every change the watch client delivers (through every etcd fault it
    // survives) is rendered.
    let version = registry.version.clone();
    let drop_unknown = opts.drop_unknown_keys;
    let path = renderer.writer().path().to_path_buf();
    // Start-up read and decided the whole prefix: memory a sidecar needs
    // for a moment, then hands back rather than keeps.
    hand_back_memory();
    let mut first = true;
    renderer
        .follow(&client, stop, |done| match done {
            Ok(done) => {
                if std::mem::take(&mut first) {
                    hand_back_memory();
                }
                if !matches!(done.0, Outcome::Refused(_)) {
                    ready.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                let _ = show_follow(&path, done, &version, drop_unknown);
            }
            Err(e) => {
                tracing::error!(error = %e, "render failed; the file stays as it was, and it is tried again");
                let _ = writeln!(
                    output::stderr(),
                    "{}: {e}; {} stays as it was, tried again",
                    paint(output::ERROR, "error"),
                    path.display()
                );
            }
        })
        .await;
    client.shutdown().await;
    renderer.shutdown().await;
    Ok(exit::OK)
}

fn hand_back_memory() {
    // SAFETY: mi_collect only frees memory the allocator holds unused.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// `render -`: each chunk of the read is decided on the thread that parses
/// it, once the registry (loading meanwhile) is there.
async fn print(
    global: &GlobalArgs,
    load: &crate::app::RegistryLoad,
    base: Option<&Document>,
    opts: &RenderOptions,
) -> Result<u8> {
    let decide = {
        let load = load.clone();
        move |chunk| {
            let registry = load.wait_blocking().ok()?;
            Some(chunk_verdicts(chunk, &registry))
        }
    };
    let read: Result<_> = async {
        Ok(crate::app::connect(global)
            .await?
            .read_prefix_chunks(None, decide)
            .await?)
    }
    .await;
    // A bad schema is reported before a failed read: it is the first thing to fix.
    let registry = load.wait().await?;
    let read = read?;
    let chunks: Vec<Vec<Verdict>> = read
        .chunks
        .into_iter()
        .collect::<Option<std::result::Result<Vec<_>, _>>>()
        .context("the key registry did not load")??;
    let base = base.map(blocks_of).unwrap_or_default();
    let stored = in_precedence(chunks.iter().flatten());
    let selection = select(&stored, &base, &LastGood::default(), &registry, opts);
    report_keys(
        &selection.held,
        &selection.unknown,
        &registry.version,
        opts.drop_unknown_keys,
    )?;
    if selection.blocks.is_empty() && !opts.allow_empty {
        let store = crate::app::connect(global).await?;
        return Err(nothing_to_render(&store, &selection.held, &selection.unknown, "nothing printed").await);
    }
    let mut out = output::stdout();
    selection.write_to(
        &mut out,
        &selection.header(
            opts,
            tcfg_core::serving::render::Origin {
                prefix: &read.prefix,
                revision: read.revision,
                cluster_id: read.cluster_id,
            },
        ),
    )?;
    out.flush()?;
    // The process ends now: handing back every key's block would only delay it.
    drop(stored);
    std::mem::forget((chunks, selection));
    Ok(exit::OK)
}

/// Why a render with no keys is refused, with the whole prefix: a prefix
/// holding nothing is most often a mistyped one (`--prefix /x` is the key
/// prefix `/x/`; `--prefixes /x` means `/x/temporal/dynamicconfig/`).
async fn nothing_to_render(
    store: &tcfg_core::store::Store,
    held: &[Held],
    unknown: &[tcfg_core::Key],
    left: &str,
) -> CommandError {
    let prefix = store.prefix();
    if !held.is_empty() || !unknown.is_empty() {
        return CommandError::from(anyhow::anyhow!(
            "{}; {left}: every key under {} was held back or left out",
            Refusal::NoConfig,
            tcfg_core::model::key::escaped(prefix.as_str())
        ))
        .hint("fix the values named above, or pass --allow-empty if an empty file is meant");
    }
    let e = CommandError::from(anyhow::anyhow!(
        "{} holds no dynamic config, and an empty file would start every Temporal server on its defaults; {left}",
        tcfg_core::model::key::escaped(prefix.as_str())
    ));
    let nested = tcfg_core::store::Prefix::new(&format!("{}temporal/dynamicconfig/", prefix.as_str()));
    match store.keys_under(&nested, 0).await {
        Ok((n, _)) if n > 0 => e.hint(format!(
            "did you mean --prefix {}? It holds {n} key{} (--prefix takes the whole key prefix; --prefixes adds temporal/dynamicconfig/ to a bare one)",
            tcfg_core::model::key::escaped(nested.as_str()),
            if n == 1 { "" } else { "s" }
        )),
        _ => e.hint("check --prefix (the whole key prefix, such as /prod/temporal/dynamicconfig/); pass --allow-empty if an empty file is meant"),
    }
}

fn render_error(e: RenderError) -> CommandError {
    match e {
        RenderError::Store(s) => s.into(),
        RenderError::File(f) => anyhow::anyhow!("{f}; the file was left as it was").into(),
    }
}

/// What the first render did.
fn show(renderer: &Renderer, (outcome, rendered): &(Outcome, Rendered), release: &str, dropped: bool) -> Result<()> {
    report(rendered, release, dropped)?;
    let path = renderer.writer().path().display();
    match outcome {
        Outcome::Written { bytes, .. } => writeln!(
            output::stderr(),
            "{} {path}: {} keys at revision {} ({bytes} bytes)",
            paint(GREEN, "wrote"),
            rendered.keys.len(),
            rendered.revision
        )?,
        Outcome::Unchanged => writeln!(
            output::stderr(),
            "{path} already holds revision {}'s {} keys: left as it was",
            rendered.revision,
            rendered.keys.len()
        )?,
        Outcome::Refused(_) => {}
    }
    Ok(())
}

/// What a render after a change did: one INFO line per write.
fn show_follow(
    path: &std::path::Path,
    (outcome, rendered): &(Outcome, Rendered),
    release: &str,
    dropped: bool,
) -> Result<()> {
    report(rendered, release, dropped)?;
    match outcome {
        Outcome::Written { bytes, changed } => tracing::info!(
            revision = rendered.revision,
            keys_changed = changed,
            bytes = bytes,
            file = %path.display(),
            "dynamic config file written"
        ),
        Outcome::Unchanged => {}
        Outcome::Refused(refusal) => {
            tracing::warn!(%refusal, revision = rendered.revision, "render refused; the file stays as it was");
            writeln!(
                output::stderr(),
                "{}: {refusal}; {} stays as it was",
                paint(WARNING, "warning"),
                path.display()
            )?;
        }
    }
    Ok(())
}

/// Held-back and unknown keys, on stderr.
fn report(r: &Rendered, release: &str, dropped: bool) -> Result<()> {
    report_keys(&r.held, &r.unknown, release, dropped)
}

fn report_keys(held: &[Held], unknown: &[tcfg_core::Key], release: &str, dropped: bool) -> Result<()> {
    let mut err = output::stderr();
    for h in held {
        let why = h.findings.first().map_or_else(String::new, |f| f.message.clone());
        let kept = if h.kept_last_good {
            "its last good items are rendered instead"
        } else if h.kept_base {
            "the base layer's items are rendered instead"
        } else {
            "it is left out (no last good items are known)"
        };
        writeln!(
            err,
            "{}: held back {}: {why}; {kept}",
            paint(WARNING, "warning"),
            h.etcd_key
        )?;
    }
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|k| k.as_str()).collect();
        writeln!(
            err,
            "{}: {} key{} Temporal {release} does not register (it ignores them), {}: {}",
            paint(WARNING, "warning"),
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            if dropped { "left out" } else { "kept" },
            names.join(", ")
        )?;
    }
    Ok(())
}
