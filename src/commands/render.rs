//! `tcfg render`: the prefix as the one YAML file a stock Temporal server
//! reads (its `dynamicConfigClient.filepath`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tcfg_core::serving::file::FileWriter;
use tcfg_core::serving::render::{check_guards, keys_of, render, LastGood, RenderOptions, Rendered};
use tcfg_core::Document;

use crate::bail;
use crate::cli::GlobalArgs;
use crate::error::{CommandError, Result};
use crate::exit;
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

    /// Write an empty file over one that has keys
    #[arg(long)]
    pub allow_empty: bool,

    /// Refuse a render that drops more than this share of the file's keys at once
    #[arg(long, value_name = "PERCENT", default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_drop: u8,

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
    let registry = super::registry(global)?;
    let base: Option<Document> =
        if args.base.is_empty() {
            None
        } else {
            Some(super::desired(&registry, &args.base, true).map_err(|e| {
                CommandError::from(e).context("the base layer was refused (fix it first); nothing written")
            })?)
        };
    let opts = RenderOptions {
        drop_unknown_keys: args.drop_unknown_keys,
        allow_empty: args.allow_empty,
        max_drop_percent: args.max_drop,
        ..Default::default()
    };
    let to_stdout = args.file.as_os_str() == "-";
    let mut writer = if to_stdout {
        None
    } else {
        Some(FileWriter::new(&args.file, args.mode).map_err(anyhow::Error::from)?)
    };
    let store = super::connect(global).await?;
    let snapshot = store.snapshot(&registry, None).await?;
    let existing = writer.as_ref().and_then(FileWriter::current);
    let last_good = existing
        .as_deref()
        .and_then(|t| LastGood::from_file(t, &registry))
        .unwrap_or_default();
    let (rendered, _) = render(&snapshot, base.as_ref(), &last_good, &registry, &opts);
    report(&rendered, &registry.version, opts.drop_unknown_keys)?;
    let Some(writer) = writer.as_mut() else {
        output::stdout().write_all(rendered.text.as_bytes())?;
        return Ok(exit::OK);
    };
    let previous = existing.as_deref().map(keys_of).unwrap_or_default();
    if let Err(refusal) = check_guards(&previous, &rendered, &opts) {
        return Err(CommandError::from(anyhow::anyhow!(
            "{refusal}; {} was left as it was",
            writer.path().display()
        ))
        .hint("if that is what is meant, pass --allow-empty or a higher --max-drop"));
    }
    if existing.as_deref() == Some(rendered.text.as_str()) {
        writeln!(
            output::stderr(),
            "{} already holds revision {}'s {} keys: left as it was",
            writer.path().display(),
            rendered.revision,
            rendered.keys.len()
        )?;
        return Ok(exit::OK);
    }
    if let Err(e) = writer.write(rendered.text.as_bytes()) {
        bail!("{e}; the file was left as it was");
    }
    writeln!(
        output::stderr(),
        "{} {}: {} keys at revision {} ({} bytes)",
        paint(GREEN, "wrote"),
        writer.path().display(),
        rendered.keys.len(),
        rendered.revision,
        rendered.text.len()
    )?;
    Ok(exit::OK)
}

/// Held-back and unknown keys, on stderr.
fn report(r: &Rendered, release: &str, dropped: bool) -> Result<()> {
    let mut err = output::stderr();
    for h in &r.held {
        let why = h.findings.first().map_or_else(String::new, |f| f.message.clone());
        let kept = if h.kept_last_good {
            "its last good items are rendered instead"
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
    if !r.unknown.is_empty() {
        let names: Vec<&str> = r.unknown.iter().map(|k| k.as_str()).collect();
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
