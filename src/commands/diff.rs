//! `tcfg diff`: what `apply` would change, read by exit status in CI.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tcfg_core::changes::plan::{plan, snapshot_of, Action, Plan, PlanOptions};
use tcfg_core::changes::review::review;
use tcfg_core::changes::saved::SavedPlan;
use tcfg_core::model::finding::Level;
use tcfg_core::model::key::fold;

use crate::app::desired;
use crate::error::bail;
use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output;
use crate::present::plan_view::write_plan;

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
    /// GitHub Actions annotations.
    Github,
    /// A pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg diff -f prod.yaml                  # the prefix against the file (CI: read the exit status)\n  tcfg diff -f prod.yaml --prune -o json      # as `apply --prune` would see it, for scripts\n  tcfg diff -f prod.yaml --out prod.plan  # save the plan; `tcfg apply prod.plan` applies it exactly\n  tcfg diff --prefixes /active,/passive-eu    # what `sync` would change in /passive-eu\n  tcfg diff --prefixes us-east:,eu-west:      # across etcd clusters named in the config file\n  tcfg diff old.yaml new.yaml                 # two files, no etcd\n\nExit status (like `terraform plan -detailed-exitcode`): 0 no changes, 2 changes, 1 error (an invalid\nfile, ...), 3 etcd unreachable or refused the login."
)]
pub struct DiffArgs {
    /// Two files to compare offline: what changes from the first to the second
    #[arg(value_name = "FILE", num_args = 0..=2, conflicts_with_all = ["file", "prefixes"])]
    pub pair: Vec<PathBuf>,

    /// The desired state (YAML or JSON, `-` for stdin); several form one config
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1.., conflicts_with = "prefixes")]
    pub file: Vec<PathBuf>,

    /// Compare two prefixes (each PREFIX, CLUSTER:PREFIX or CLUSTER:): the second as `sync` would make it like the first
    #[arg(long, value_delimiter = ',', value_name = "SOURCE,TARGET")]
    pub prefixes: Vec<String>,

    /// Count keys the desired state does not name as deletions (as `apply --prune`)
    #[arg(long)]
    pub prune: bool,

    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,

    /// Save the plan to this file, for `tcfg apply PLAN_FILE`
    #[arg(long, value_name = "PLAN")]
    pub out: Option<PathBuf>,

    /// Accept keys the release does not register (custom server builds)
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

pub async fn run(global: &GlobalArgs, args: DiffArgs) -> Result<u8> {
    let registry = std::sync::Arc::new(crate::app::registry(global)?);
    // The findings of the files the change is made from, for the review
    // comment (the other formats show them on standard error).
    let mut file_findings = Vec::new();
    let mut read = |files: &[PathBuf], reviewed: bool| match args.output {
        Output::Github => crate::app::desired_annotated(&registry, files, args.allow_unknown_keys),
        Output::Markdown => {
            // Either file invalid makes the comment say so; only the
            // reviewed one's warnings are the change's business.
            let mut scratch = Vec::new();
            let into = if reviewed { &mut file_findings } else { &mut scratch };
            crate::app::desired_reviewed(&registry, files, args.allow_unknown_keys, "tcfg diff", into)
                .map(|(doc, _)| doc)
        }
        Output::Text | Output::Json => desired(&registry, files, args.allow_unknown_keys),
    };
    // The file whose keys the changes point at (annotations), when one is.
    let mut source: Option<(PathBuf, tcfg_core::Document)> = None;
    // What the change itself does wrong (partition order, tenfold changes).
    let mut findings;
    let (plan, saved, label) = if !args.pair.is_empty() {
        if args.pair.len() != 2 {
            let err = crate::error::CommandError::from(anyhow::anyhow!(
                "give two files to compare, or -f FILE to compare with etcd"
            ));
            return Err(match args.pair.as_slice() {
                [one] => err.hint(format!(
                    "did you mean `tcfg diff -f {}`?",
                    crate::output::escape_path(one)
                )),
                _ => err,
            });
        }
        let old = read(std::slice::from_ref(&args.pair[0]), false)?;
        let new = read(std::slice::from_ref(&args.pair[1]), true)?;
        let opts = PlanOptions {
            prune: true,
            ..Default::default()
        };
        let label = format!("{} -> {}", args.pair[0].display(), args.pair[1].display());
        let before = snapshot_of(&old);
        let p = plan(&new, &before, &registry, opts);
        findings = review(&p, &before, &registry);
        source = Some((args.pair[1].clone(), new));
        (p, None, label)
    } else if !args.prefixes.is_empty() {
        if args.prefixes.len() != 2 {
            bail!("--prefixes takes two prefixes, SOURCE,TARGET (each may be CLUSTER:PREFIX or CLUSTER:)");
        }
        let (_, opened) = crate::app::open_located("--prefixes", &args.prefixes, &global.etcd).await?;
        let mut opened = opened.into_iter();
        let (Some((source, src_store)), Some((target, dst_store))) = (opened.next(), opened.next()) else {
            unreachable!("two prefixes in, two out");
        };
        let src = src_store
            .map_err(|e| crate::error::CommandError::from(e).context(format!("cannot connect to the source {source}")))?
            .snapshot(&registry, None)
            .await?;
        src.check_readable()
            .map_err(|e| anyhow::anyhow!("the source {e}: fix them first (tcfg dump shows why)"))?;
        crate::app::refuse_spellings(&src, &registry, "source")?;
        let dst = dst_store
            .map_err(|e| crate::error::CommandError::from(e).context(format!("cannot connect to the target {target}")))?
            .snapshot(&registry, None)
            .await?;
        let opts = PlanOptions {
            prune: true,
            ..Default::default()
        };
        let p = plan(&src.document(), &dst, &registry, opts);
        findings = review(&p, &dst, &registry);
        (p, None, format!("{target} (to match {source})"))
    } else if !args.file.is_empty() {
        let doc = read(&args.file, true)?;
        let store = crate::app::connect(global).await?;
        let snapshot = store.snapshot(&registry, None).await?;
        let p = plan(
            &doc,
            &snapshot,
            &registry,
            PlanOptions {
                prune: args.prune,
                ..Default::default()
            },
        );
        findings = review(&p, &snapshot, &registry);
        let saved = SavedPlan::new(&p, &snapshot);
        let label = store.prefix().to_string();
        if let [file] = args.file.as_slice() {
            source = Some((file.clone(), doc));
        }
        (p, Some(saved), label)
    } else {
        bail!("nothing to compare: give -f FILE, --prefixes SOURCE,TARGET, or two files");
    };

    let save = match (&args.out, &saved) {
        (Some(_), None) => bail!("--out saves a plan against etcd: use it with -f FILE"),
        (Some(path), Some(saved)) => Some((path, saved)),
        (None, _) => None,
    };
    // Where each key is written in the file, when there is one, found once
    // for every finding and annotation that points at it.
    let source = source.map(|(file, doc)| (file, key_positions(&doc)));
    if let Some((file, at)) = &source {
        for f in &mut findings {
            if let Some(pos) = f.key.as_deref().and_then(|k| at.get(&fold(k))) {
                (f.origin, f.line, f.column) = (file.display().to_string(), pos.line, pos.col);
            }
        }
    }
    match args.output {
        Output::Json => {
            let json = crate::present::json::PlanJson::of(&plan)
                .with_findings(&findings)
                .with_effects(&plan, &registry);
            crate::present::json::pretty(&mut output::stdout(), &json)?;
        }
        Output::Github => {
            crate::present::github::write_findings(&mut output::annotations_stdout(), &findings)?;
            write_annotations(&plan, source.as_ref(), &label)?
        }
        Output::Markdown => {
            findings.extend(file_findings);
            let review = crate::present::markdown::Review {
                label: label.clone(),
                plan: &plan,
                findings: &findings,
            };
            crate::present::markdown::write(&mut output::stdout(), "tcfg diff", &[review], &registry)?;
        }
        Output::Text => {
            let mut out = output::styled_stdout();
            write_plan(&mut out, &plan, &label)?;
            drop(out);
            crate::present::report::write_findings(&mut output::stderr(), &findings, &Default::default())?;
        }
    }
    if let Some((path, saved)) = save {
        crate::app::save_plan(path, saved)?;
    }
    if findings.iter().any(|f| f.level == Level::Error) {
        return Err(crate::error::CommandError::from(anyhow::anyhow!(
            "the change has {}: {}",
            if findings.iter().filter(|f| f.level == Level::Error).count() == 1 {
                "an error"
            } else {
                "errors"
            },
            findings
                .iter()
                .filter(|f| f.level == Level::Error)
                .map(|f| format!("{}: {}", f.key.as_deref().unwrap_or_default(), f.message))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(if plan.is_empty() { exit::OK } else { exit::CHANGES })
}

/// Each key's position in a file, by folded name (the first spelling, as
/// `Document::get` finds it).
type KeyPositions = std::collections::HashMap<String, tcfg_core::model::yaml::Pos>;

fn key_positions(doc: &tcfg_core::Document) -> KeyPositions {
    let mut at = KeyPositions::with_capacity(doc.entries.len());
    for e in &doc.entries {
        at.entry(e.key.folded().to_string()).or_insert(e.key_pos);
    }
    at
}

/// Each change as a notice on the key's line in the file (`-o github`),
/// then the summary line.
fn write_annotations(plan: &Plan, source: Option<&(PathBuf, KeyPositions)>, label: &str) -> Result<()> {
    use crate::present::github::{annotate, At};
    let mut out = output::annotations_stdout();
    for c in &plan.changes {
        let file = source.map(|(f, _)| f.display().to_string());
        let line = source.and_then(|(_, at)| at.get(&fold(&c.name))).map_or(0, |p| p.line);
        let action = match c.action {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        };
        let mut message = format!("{action} {} ({label})", c.name);
        if !c.old_text.is_empty() {
            message.push_str(&format!("\nnow:\n{}", c.old_text.trim_end()));
        }
        if !c.new_text.is_empty() {
            message.push_str(&format!("\nthen:\n{}", c.new_text.trim_end()));
        }
        if c.restart {
            message.push_str("\nTemporal applies it only when its servers restart.");
        }
        let level = if c.action == Action::Delete {
            "warning"
        } else {
            "notice"
        };
        let at = At {
            file: file.as_deref(),
            line,
            column: 0,
        };
        annotate(
            &mut out,
            level,
            &at,
            &format!("tcfg diff: {action} {}", c.name),
            &message,
        )?;
    }
    writeln!(out, "{label}: {} ({} unchanged)", plan.summary(), plan.unchanged)?;
    Ok(())
}
