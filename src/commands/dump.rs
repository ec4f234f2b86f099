//! `tcfg dump`: every key under the prefix as one document.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use tcfg_core::serialize::{canonical_order, flow};
use tcfg_core::validate::{validate, Options};
use tcfg_core::{finding, Level};

use crate::cli::GlobalArgs;
use crate::exit;
use crate::output::{self, paint, Format};
use crate::report::{write_findings, Counts};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg dump > prod-backup.yaml          # `tcfg apply -f prod-backup.yaml` reads it back as no change\n  tcfg dump -o table\n  tcfg dump --keys-only\n  tcfg dump --revision 8123             # as of a past revision, while etcd keeps it\n  tcfg --prefix /staging dump -o json | jq 'keys'\n\nStored values that do not parse (or break Temporal's rules) are reported on stderr with their key;\nthe rest is printed all the same, and the exit status is then 1."
)]
pub struct DumpArgs {
    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "yaml")]
    pub output: Format,

    /// Only the key names, one per line
    #[arg(long)]
    pub keys_only: bool,

    /// Read as of this etcd revision
    #[arg(long, value_name = "N")]
    pub revision: Option<i64>,

    /// Report keys the release does not register as warnings, not errors
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

/// A prefix full of custom keys would bury everything else under one
/// unknown-key line each: show the first few and count the rest.
fn shown(findings: &[tcfg_core::Finding]) -> Vec<tcfg_core::Finding> {
    const MAX_UNKNOWN: usize = 10;
    let unknown = findings
        .iter()
        .filter(|f| f.code == tcfg_core::Code::UnknownKey)
        .count();
    let mut out: Vec<tcfg_core::Finding> = Vec::with_capacity(findings.len().min(1000));
    let mut seen = 0;
    for f in findings {
        if f.code == tcfg_core::Code::UnknownKey {
            seen += 1;
            if seen > MAX_UNKNOWN {
                continue;
            }
            if seen == MAX_UNKNOWN && unknown > MAX_UNKNOWN {
                let mut more = f.clone();
                more.message = format!(
                    "{} and {} more keys are not keys of Temporal",
                    f.message,
                    unknown - MAX_UNKNOWN
                );
                out.push(more);
                continue;
            }
        }
        out.push(f.clone());
    }
    out
}

pub async fn run(global: &GlobalArgs, args: DumpArgs) -> Result<u8> {
    let registry = super::registry_meanwhile(global);
    let read = async {
        super::connect(global)
            .await?
            .read_prefix(args.revision)
            .await
            .map_err(anyhow::Error::from)
    }
    .await;
    // A bad schema is reported before a failed read: it is the first thing to fix.
    let registry = super::registry_ready(registry).await?;
    let mut snapshot = read?.into_snapshot(&registry);
    let doc = std::sync::Arc::new(snapshot.take_document());
    tracing::debug!("document built");
    // Validation runs while the document is printed.
    let validation = {
        let (doc, registry) = (doc.clone(), registry.clone());
        let opts = Options {
            allow_unknown_keys: args.allow_unknown_keys,
        };
        tokio::task::spawn_blocking(move || validate(&doc, &registry, &opts))
    };
    let mut out = output::stdout();

    if args.keys_only {
        let mut names: Vec<&str> = snapshot.keys.iter().map(|k| k.key.as_str()).collect();
        names.sort_by_key(|n| n.to_lowercase());
        let mut text = String::with_capacity(names.len() * 40);
        for n in names {
            text.push_str(n);
            text.push('\n');
        }
        out.write_all(text.as_bytes())?;
    } else {
        match args.output {
            Format::Yaml => out.write_all(snapshot.document_yaml(&doc).as_bytes())?,
            Format::Json => {
                let mut entries: Vec<_> = doc.entries.iter().collect();
                entries.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.key.as_str().cmp(b.key.as_str())));
                let map: serde_json::Map<String, serde_json::Value> = entries
                    .into_iter()
                    .map(|e| (e.key.to_string(), super::get::items_json(&e.items)))
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&map)?)?;
            }
            Format::Table => {
                let revisions: std::collections::HashMap<&str, i64> =
                    snapshot.keys.iter().map(|k| (k.key.as_str(), k.mod_revision)).collect();
                let mut table = super::keys::new_table();
                table.set_header(["KEY", "CONSTRAINTS", "VALUE", "MOD REV"]);
                let mut entries: Vec<_> = doc.entries.iter().collect();
                entries.sort_by(|a, b| a.key.cmp(&b.key));
                for e in entries {
                    let rev = revisions.get(e.key.as_str()).copied().unwrap_or_default();
                    for i in canonical_order(&e.items) {
                        table.add_row([
                            e.key.to_string(),
                            i.constraints.to_string(),
                            flow(&i.value),
                            rev.to_string(),
                        ]);
                    }
                }
                super::keys::write_table(&mut out, &table)?;
            }
        }
    }
    out.flush()?;
    drop(out);

    // Problems go to stderr, after the data.
    let mut err = output::stderr();
    let mut findings = Vec::new();
    let mut sources = std::collections::HashMap::new();
    for k in snapshot.invalid() {
        if let Err(f) = &k.items {
            findings.extend(f.iter().cloned());
            sources.insert(k.etcd_key.clone(), k.raw.clone());
        }
    }
    let mut semantic = validation.await.context("validation stopped")?;
    // Stored values have no file positions: name the etcd key instead.
    if !semantic.is_empty() {
        let etcd_keys: std::collections::HashMap<&str, &str> = snapshot
            .keys
            .iter()
            .map(|k| (k.key.as_str(), k.etcd_key.as_str()))
            .collect();
        for f in &mut semantic {
            if let Some(k) = f.key.as_deref().and_then(|k| etcd_keys.get(k)) {
                f.origin = k.to_string();
            }
        }
    }
    findings.extend(semantic);
    finding::sort(&mut findings);
    write_findings(&mut err, &shown(&findings), &sources)?;
    if !snapshot.foreign.is_empty() {
        writeln!(
            err,
            "{}: {} key{} under {} {} not dynamic config and {} left out: {}",
            paint(output::NOTE, "note"),
            snapshot.foreign.len(),
            if snapshot.foreign.len() == 1 { "" } else { "s" },
            snapshot.prefix,
            if snapshot.foreign.len() == 1 { "is" } else { "are" },
            if snapshot.foreign.len() == 1 { "was" } else { "were" },
            snapshot
                .foreign
                .iter()
                .map(|f| format!("{} ({})", f.etcd_key, f.reason))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    let counts = Counts::of(&findings);
    let bad = snapshot.invalid().count();
    writeln!(
        err,
        "{} key{} from {} at revision {}{}",
        snapshot.keys.len(),
        if snapshot.keys.len() == 1 { "" } else { "s" },
        snapshot.prefix,
        snapshot.revision,
        if findings.is_empty() {
            String::new()
        } else {
            format!(": {bad} not readable; {}", counts.describe())
        }
    )?;
    let code = if findings.iter().any(|f| f.level == Level::Error) {
        exit::ERROR
    } else {
        exit::OK
    };
    std::mem::forget((snapshot, doc, registry));
    Ok(code)
}
