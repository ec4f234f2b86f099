//! `tcfg dump`: every key under the prefix as one document.

use std::io::Write;

use anyhow::Context;
use clap::Args;
use tcfg_core::model::finding;
use tcfg_core::model::serialize::canonical_order;
use tcfg_core::model::value::text::flow;
use tcfg_core::serving::dump::{Dump, DumpChunk, DumpOptions};
use tcfg_core::store::Chunks;
use tcfg_core::temporal::validate::Options;
use tcfg_core::Registry;

use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint};
use crate::present::report::{write_findings, Counts};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg dump > backup.yaml          # `tcfg apply -f backup.yaml` reads it back as no change\n  tcfg dump -o table\n  tcfg dump --keys-only\n  tcfg dump --revision 8123             # as of a past revision, while etcd keeps it\n  tcfg --prefix /staging dump -o json | jq 'keys'\n\nStored values that do not parse (or break Temporal's rules) are reported on stderr with their key; the rest is printed all the same, and the exit status is then 1."
)]
pub struct DumpArgs {
    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "yaml")]
    pub output: Output,

    /// Only the key names, one per line
    #[arg(long)]
    pub keys_only: bool,

    /// Read as of this point: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time, while etcd keeps it
    #[arg(long, value_name = "WHEN", visible_alias = "revision", value_parser = crate::app::args::parse_when)]
    pub at: Option<tcfg_core::changes::log::Bound>,

    /// Report keys the release does not register as warnings, not errors
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

/// A prefix full of custom keys would bury everything else under one
/// unknown-key line each: the first few are shown, the rest counted (and
/// only those few get a did-you-mean, a search over every registered name).
const SHOWN_UNKNOWN: usize = 10;

fn unknown_key_findings(dump: &Dump, registry: &Registry, opts: &Options) -> (Vec<tcfg_core::Finding>, usize) {
    let unknown: Vec<&tcfg_core::serving::dump::DumpKey> = dump.keys().filter(|k| k.unknown).collect();
    let mut shown: Vec<tcfg_core::Finding> = unknown
        .iter()
        .take(SHOWN_UNKNOWN)
        .map(|k| {
            tcfg_core::temporal::validate::unknown_key_finding(
                &k.etcd_key,
                k.key.as_str(),
                Default::default(),
                registry,
                opts,
            )
        })
        .collect();
    if unknown.len() > SHOWN_UNKNOWN {
        if let Some(last) = shown.last_mut() {
            last.message = format!(
                "{} (and {} more keys are not keys of Temporal)",
                last.message,
                unknown.len() - SHOWN_UNKNOWN
            );
        }
    }
    (shown, unknown.len())
}

pub async fn run(global: &GlobalArgs, args: DumpArgs) -> Result<u8> {
    let registry = crate::app::RegistryLoad::start(global);
    if args.keys_only {
        // The cheapest read: etcd sends names only, nothing is parsed.
        let store = crate::app::connect(global).await?;
        let registry = registry.wait().await?;
        let at = crate::app::revision_of(&store, args.at).await?;
        let (_, names) = store.read_names(&registry, at).await?;
        let mut text = String::with_capacity(names.len() * 40);
        for n in &names {
            text.push_str(n.as_str());
            text.push('\n');
        }
        output::stdout().write_all(text.as_bytes())?;
        return Ok(exit::OK);
    }
    // Unknown keys are reported below, a few of them.
    let validate = Options {
        allow_unknown_keys: args.allow_unknown_keys,
        report_unknown_keys: false,
    };
    let yaml = args.output == Output::Yaml;
    let opts = DumpOptions {
        validate: validate.clone(),
        yaml,
        keep_items: !yaml,
    };
    // Each chunk is checked and rendered on the thread that parsed it, once
    // the registry (loading meanwhile) is there.
    let prepare = {
        let registry = registry.clone();
        move |chunk| {
            let registry = registry.wait_blocking().ok()?;
            Some(DumpChunk::prepare(chunk, &registry, &opts))
        }
    };
    let read: Result<_> = async {
        let store = crate::app::connect(global).await?;
        let at = crate::app::revision_of(&store, args.at).await?;
        Ok(store.read_prefix_chunks(at, prepare).await?)
    }
    .await;
    // A bad schema is reported before a failed read: it is the first thing to fix.
    let registry = registry.wait().await?;
    let read = read?;
    let chunks = read
        .chunks
        .into_iter()
        .collect::<Option<Result<Vec<_>, _>>>()
        .context("the key registry did not load")??;
    let dump = Dump::new(
        Chunks {
            prefix: read.prefix,
            revision: read.revision,
            cluster_id: read.cluster_id,
            chunks,
        },
        &registry,
        &validate,
    );
    tracing::debug!("dump prepared");
    let mut out = output::stdout();

    {
        match args.output {
            Output::Yaml => dump.write_yaml(&mut out)?,
            Output::Json => {
                struct Keys<'a>(&'a tcfg_core::serving::dump::Dump);
                impl serde::Serialize for Keys<'_> {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        s.collect_map(
                            self.0
                                .keys()
                                .filter_map(|k| Some((k.key.as_str(), crate::present::json::Items(k.items()?)))),
                        )
                    }
                }
                crate::present::json::pretty(&mut out, &Keys(&dump))?;
            }
            Output::Table => {
                let mut table = crate::present::table::new_table();
                table.set_header(["KEY", "CONSTRAINTS", "VALUE", "MOD REV"]);
                for k in dump.keys() {
                    let Some(items) = k.items() else { continue };
                    for i in canonical_order(items) {
                        table.add_row([
                            k.key.to_string(),
                            i.constraints.to_string(),
                            flow(&i.value),
                            k.mod_revision.to_string(),
                        ]);
                    }
                }
                crate::present::table::write_table(&mut out, &table)?;
            }
        }
    }
    out.flush()?;
    drop(out);

    // Problems go to stderr, after the data.
    let mut err = output::stderr();
    // References: a prefix of custom keys has one finding each, and only a
    // few of those are shown.
    let (unknown, unknown_count) = unknown_key_findings(&dump, &registry, &validate);
    let mut findings: Vec<&tcfg_core::Finding> = dump.findings().chain(&unknown).collect();
    // Mostly in order already (keys come in order): checking is cheaper.
    if !findings.is_sorted_by(|a, b| finding::order(a, b).is_le()) {
        findings.sort_by(|a, b| finding::order(a, b));
    }
    let sources = dump
        .invalid()
        .filter_map(|k| Some((k.etcd_key.clone(), k.invalid_text()?.to_string())))
        .collect();
    write_findings(&mut err, findings.iter().copied(), &sources)?;
    let foreign: Vec<_> = dump.foreign().collect();
    if !foreign.is_empty() {
        writeln!(
            err,
            "{}: {} key{} under {} {} not dynamic config and {} left out: {}",
            paint(output::NOTE, "note"),
            foreign.len(),
            if foreign.len() == 1 { "" } else { "s" },
            dump.prefix,
            if foreign.len() == 1 { "is" } else { "are" },
            if foreign.len() == 1 { "was" } else { "were" },
            foreign
                .iter()
                .map(|f| format!("{} ({})", tcfg_core::model::key::escaped(&f.etcd_key), f.reason))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    let mut counts = Counts::of(findings.iter().copied());
    // The unknown keys not shown count too.
    let hidden = unknown_count - unknown.len();
    if validate.allow_unknown_keys {
        counts.warnings += hidden;
    } else {
        counts.errors += hidden;
    }
    let bad = dump.invalid().count();
    writeln!(
        err,
        "{} key{} from {} at revision {}{}",
        dump.len(),
        if dump.len() == 1 { "" } else { "s" },
        dump.prefix,
        dump.revision,
        if findings.is_empty() {
            String::new()
        } else {
            format!(": {bad} not readable; {}", counts.describe())
        }
    )?;
    let code = if counts.errors > 0 { exit::ERROR } else { exit::OK };
    // Freeing tens of thousands of parsed values only delays the exit.
    std::mem::forget((dump, registry));
    Ok(code)
}
