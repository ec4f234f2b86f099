//! `tcfg validate`: check files as Temporal would read them.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use tcfg_core::temporal::validate::{check_sources, Options};
use tcfg_core::Finding;

use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, GREEN};
use crate::present::report::{write_findings, Counts};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg validate -f prod.yaml\n  tcfg validate -f base.yaml -f overrides.yaml --strict\n  kubectl get cm dynconfig -o jsonpath='{.data.dc\\.yaml}' | tcfg validate -f -\n  tcfg validate -f prod.yaml -o json | jq '.findings[] | select(.level == \"error\")'\n\nExit status: 0 when valid, 1 when any error is found (or any warning, with --strict).\nNotes never fail validation."
)]
pub struct ValidateArgs {
    /// Files to check (YAML or JSON; `-` reads standard input). Together they form one config
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1.., required = true)]
    pub files: Vec<PathBuf>,

    /// Report format: text findings on stderr, or one JSON report on stdout
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,

    /// Fail on warnings too (notes never fail)
    #[arg(long)]
    pub strict: bool,

    /// Report unknown keys as warnings, for custom server builds with keys of their own
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    temporal_version: &'a str,
    valid: bool,
    files: Vec<&'a str>,
    summary: JsonSummary,
    findings: &'a [Finding],
    /// Files that could not be read at all.
    #[serde(skip_serializing_if = "<[Unreadable]>::is_empty")]
    unreadable: &'a [Unreadable],
}

#[derive(Serialize)]
struct Unreadable {
    file: String,
    message: String,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    notes: usize,
}

pub fn run(global: &GlobalArgs, args: ValidateArgs) -> Result<u8> {
    let registry = crate::app::registry(global)?;
    crate::app::refuse_stdin_twice(&args.files)?;
    // A file that cannot be read is reported like a finding: the others are
    // still checked, and a JSON report still comes out.
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for path in &args.files {
        match crate::app::read_input(path) {
            Ok(source) => sources.push(source),
            Err(e) => unreadable.push(Unreadable {
                file: path.display().to_string(),
                message: format!("{e:#}"),
            }),
        }
    }
    let opts = Options {
        allow_unknown_keys: args.allow_unknown_keys,
        ..Default::default()
    };
    let (_, findings) = check_sources(&sources, &registry, &opts);
    let findings: Vec<_> = findings.into_iter().map(crate::present::report::phrased).collect();
    let counts = Counts::of(&findings);
    let valid = unreadable.is_empty() && counts.errors == 0 && !(args.strict && counts.warnings > 0);

    match args.output {
        Output::Json => {
            let report = JsonReport {
                format_version: 1,
                temporal_version: &registry.versions(),
                valid,
                files: sources.iter().map(|(o, _)| o.as_str()).collect(),
                summary: JsonSummary {
                    errors: counts.errors,
                    warnings: counts.warnings,
                    notes: counts.notes,
                },
                findings: &findings,
                unreadable: &unreadable,
            };
            let mut out = output::stdout();
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
        Output::Text | Output::Github => {
            let texts: HashMap<String, String> = sources.iter().cloned().collect();
            let mut err = output::stderr();
            if args.output == Output::Github {
                // Annotations on stdout, where the runner reads them; the
                // verdict on stderr as always.
                let mut out = output::annotations_stdout();
                for u in &unreadable {
                    let at = crate::present::github::At {
                        file: Some(&u.file),
                        line: 0,
                        column: 0,
                    };
                    crate::present::github::annotate(&mut out, "error", &at, "tcfg unreadable", &u.message)?;
                }
                crate::present::github::write_findings(&mut out, &findings)?;
            } else {
                for u in &unreadable {
                    writeln!(err, "{}: {}", paint(output::ERROR, "error[unreadable]"), u.message)?;
                }
                write_findings(&mut err, &findings, &texts)?;
            }
            let files = match args.files.len() {
                1 => args.files[0].display().to_string(),
                n => format!("{n} files"),
            };
            let verdict = if valid {
                paint(GREEN, "valid")
            } else if counts.errors == 0 && unreadable.is_empty() {
                paint(output::WARNING, "invalid (--strict)")
            } else {
                paint(output::ERROR, "invalid")
            };
            let unread = match unreadable.len() {
                0 => String::new(),
                1 => "1 file not readable, ".to_string(),
                n => format!("{n} files not readable, "),
            };
            writeln!(
                err,
                "{files}: {verdict}: {unread}{} (Temporal {})",
                counts.describe(),
                registry.versions()
            )?;
        }
    }
    Ok(if valid { exit::OK } else { exit::ERROR })
}
