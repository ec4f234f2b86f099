//! `tcfg upgrade-check`: what a config needs before its Temporal servers
//! move to another release, and the plans that migrate it.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tcfg_core::changes::migrate;
use tcfg_core::changes::plan::{plan, PlanOptions};
use tcfg_core::changes::saved::SavedPlan;
use tcfg_core::temporal::registry::{find_release, Registry};
use tcfg_core::temporal::upgrade::{check, Report, Step};

use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    /// A pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg upgrade-check --to 1.31                      # the live prefix, from the release before\n  tcfg upgrade-check --from 1.29 --to 1.31 -f prod.yaml\n  tcfg upgrade-check --to 1.31 -o markdown            # for a pull request or an upgrade ticket\n  tcfg upgrade-check --to 1.31 --out upgrade.plan   # the new names beside the old; apply the plan\n  tcfg upgrade-check --to 1.31 --out finish.plan --finish   # all servers on 1.31: delete old names\n\nIt reports keys the new release no longer registers (renamed ones with their new name, and the commits that show it), items that stop or start matching or stop converting after a type or precedence change, values whose meaning changes, and defaults that change under keys the config does not set.\n\nExit status: 0 nothing to do (behaviour changes to review may be listed), 2 something to do, 1 an error, 3 etcd unreachable."
)]
pub struct UpgradeCheckArgs {
    /// The release the servers move to (1.28 to 1.31)
    #[arg(long, value_name = "VERSION")]
    pub to: String,

    /// The release the servers run now [default: --temporal-version, else the newest release before --to that registers every key the config sets]
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,

    /// Check these files (YAML or JSON, `-` for stdin) instead of the live prefix
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1..)]
    pub file: Vec<PathBuf>,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table")]
    pub output: Output,

    /// Save the migration of the live prefix as a plan for `tcfg apply PLAN`: the new names written, the old kept
    #[arg(long, value_name = "PLAN", conflicts_with = "file")]
    pub out: Option<PathBuf>,

    /// With --out, once every server runs the new release: delete the names it no longer reads
    #[arg(long, requires = "out")]
    pub finish: bool,
}

pub async fn run(global: &GlobalArgs, args: UpgradeCheckArgs) -> Result<u8> {
    if global.schema.is_some() {
        bail!("upgrade-check compares the embedded Temporal releases; --schema has no release history");
    }
    let to = find_release(&args.to)?;
    // A rolling-upgrade range names the running release first.
    let running = global
        .temporal_version
        .as_deref()
        .map(|v| v.split("..").next().unwrap_or(v));
    let given = match args.from.as_deref().or(running) {
        Some(v) => Some(find_release(v)?),
        None => None,
    };
    // The config is read with the release it is checked for: the one given,
    // else the target (which release it was written for is told from it).
    let reading = Registry::release(given.unwrap_or(to));
    let (doc, label, live) = if args.file.is_empty() {
        let store = crate::app::connect(global).await?;
        let snapshot = store.snapshot(&reading, None).await?;
        snapshot
            .check_readable()
            .map_err(|e| anyhow::anyhow!("the prefix {e}: fix them first (tcfg dump shows why)"))?;
        (snapshot.document(), store.prefix().to_string(), Some(snapshot))
    } else {
        let doc = read_config(&args.file)?;
        (doc.clone(), doc.origin, None)
    };
    let mut err = output::stderr();
    let from = match given {
        Some(r) => r,
        None if to.previous().is_none() => bail!(
            "v{} is the oldest release tcfg knows: there is no upgrade to it",
            to.minor()
        ),
        None => match tcfg_core::temporal::upgrade::infer_from(&doc, to) {
            Ok((r, why)) => {
                writeln!(
                    err,
                    "{}: checking an upgrade from v{}: {why}; pass --from if the servers run another release",
                    output::paint(output::NOTE, "note"),
                    r.minor()
                )?;
                r
            }
            Err(why) => bail!(
                "the config was not written for any one release before v{}: {why}. Pass --from with the release the servers run",
                to.minor()
            ),
        },
    };
    let skipped = tcfg_core::temporal::upgrade::skipped(from, to);
    if !skipped.is_empty() {
        writeln!(
            err,
            "{}: v{} to v{} skips v{}: Temporal is upgraded one minor release at a time (each runs its own schema and data migrations); check each step with --from and --to",
            output::paint(output::WARNING, "warning"),
            from.minor(),
            to.minor(),
            skipped.join(", v")
        )?;
    }
    drop(err);
    let (from_registry, to_registry) = (Registry::release(from), Registry::release(to));
    let report = check(&doc, &from_registry, &to_registry)?;
    let mut out = output::stdout();
    match args.output {
        Output::Json => {
            let json = serde_json::json!({
                "format_version": 1,
                "config": label,
                "from": report.from,
                "to": report.to,
                "to_do": report.steps.iter().filter(|s| s.kind.is_work()).count(),
                "to_review": report.steps.iter().filter(|s| !s.kind.is_work()).count(),
                "steps": report.steps,
            });
            crate::present::json::pretty(&mut out, &json)?;
        }
        Output::Markdown => out.write_all(crate::present::markdown::upgrade(&report, &label).as_bytes())?,
        Output::Table => write_table(&mut out, &report, &label)?,
    }
    drop(out);
    if let (Some(path), Some(snapshot)) = (&args.out, &live) {
        let m = if args.finish {
            migrate::finish(&report, &doc)
        } else {
            migrate::start(&report, &doc)
        };
        let mut err = output::stderr();
        for note in &m.left_alone {
            writeln!(err, "{}: {note}", output::paint(output::WARNING, "left alone"))?;
        }
        let p = plan(
            &m.desired,
            snapshot,
            &to_registry,
            PlanOptions {
                prune: m.prune,
                ..Default::default()
            },
        );
        if p.is_empty() {
            writeln!(err, "nothing to migrate: no plan written")?;
        } else {
            drop(err);
            crate::present::plan_view::write_plan(&mut output::stderr(), &p, &label)?;
            crate::app::save_plan(path, &SavedPlan::new(&p, snapshot))?;
        }
    }
    Ok(if report.has_work() { exit::CHANGES } else { exit::OK })
}

/// The files as Temporal parses them. Only what makes Temporal reject a
/// file stops the check: an item the running release never matches, or a
/// key it does not know (set ahead for the new one, or a custom build's),
/// is what an upgrade check is about.
fn read_config(files: &[PathBuf]) -> Result<tcfg_core::Document> {
    crate::app::refuse_stdin_twice(files)?;
    let sources = files
        .iter()
        .map(|p| crate::app::read_input(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut doc = tcfg_core::Document::new(sources.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>().join(", "));
    let mut errors = Vec::new();
    for (origin, text) in &sources {
        let parsed = tcfg_core::model::parse::parse_document(origin, text);
        errors.extend(
            parsed
                .findings
                .into_iter()
                .filter(|f| f.level == tcfg_core::Level::Error),
        );
        doc.entries.extend(parsed.value.entries);
    }
    if !errors.is_empty() {
        let texts = sources.iter().cloned().collect();
        crate::present::report::write_findings(&mut output::stderr(), &errors, &texts)?;
        bail!("{} cannot be read: Temporal would reject it", doc.origin);
    }
    Ok(doc)
}

fn write_table(out: &mut impl Write, report: &Report, label: &str) -> std::io::Result<()> {
    let (work, review): (Vec<&Step>, Vec<&Step>) = report.steps.iter().partition(|s| s.kind.is_work());
    for (title, steps) in [("To do", &work), ("To review (behaviour changes)", &review)] {
        if steps.is_empty() {
            continue;
        }
        writeln!(out, "{title}:")?;
        let mut table = crate::present::table::new_table();
        table.set_header(["KEY", "CHANGE", "DETAIL"]);
        for s in steps {
            let mut detail = s.message.clone();
            if let Some(e) = &s.evidence {
                detail.push_str(&format!("\nevidence: {e}"));
            }
            table.add_row([s.key.clone(), s.kind.to_string(), detail]);
        }
        crate::present::table::write_table(out, &table)?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "{label}: upgrade {} -> {}: {} to do, {} to review",
        report.from,
        report.to,
        work.len(),
        review.len()
    )
}
