//! Files given on the command line: read (`-` is standard input, UTF-16
//! decoded as yaml.v3 does), and validated as a desired state.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use tcfg_core::changes::record::FileDigest;
use tcfg_core::{Finding, Registry};

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
    Ok(desired_files(registry, files, allow_unknown_keys)?.0)
}

/// [`desired`], with the findings as GitHub Actions annotations on stdout
/// (`diff -o github`).
pub fn desired_annotated(
    registry: &Registry,
    files: &[PathBuf],
    allow_unknown_keys: bool,
) -> Result<tcfg_core::Document> {
    Ok(read_desired(registry, files, allow_unknown_keys, Findings::Annotated)?.0)
}

/// [`desired`], with each file's name and SHA-256 for the change record.
pub fn desired_files(
    registry: &Registry,
    files: &[PathBuf],
    allow_unknown_keys: bool,
) -> Result<(tcfg_core::Document, Vec<FileDigest>)> {
    read_desired(registry, files, allow_unknown_keys, Findings::Shown)
}

/// [`desired_files`] for a review comment (`-o markdown`): the findings are
/// shown and also kept in `into`, for the comment; invalid files make a
/// comment of their own (saying what is wrong) before the error.
pub fn desired_reviewed(
    registry: &Registry,
    files: &[PathBuf],
    allow_unknown_keys: bool,
    title: &str,
    into: &mut Vec<Finding>,
) -> Result<(tcfg_core::Document, Vec<FileDigest>)> {
    read_desired(registry, files, allow_unknown_keys, Findings::Review { title, into })
}

/// Where the files' findings go, besides standard error.
enum Findings<'a> {
    Shown,
    /// GitHub Actions annotations on standard output, instead.
    Annotated,
    Review {
        title: &'a str,
        into: &'a mut Vec<Finding>,
    },
}

fn read_desired(
    registry: &Registry,
    files: &[PathBuf],
    allow_unknown_keys: bool,
    mut to: Findings,
) -> Result<(tcfg_core::Document, Vec<FileDigest>)> {
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
        if matches!(to, Findings::Annotated) {
            crate::present::github::write_findings(&mut crate::output::annotations_stdout(), &findings)?;
        } else {
            crate::present::report::write_findings(&mut err, &findings, &texts)?;
        }
        let counts = crate::present::report::Counts::of(&findings);
        if let Findings::Review { title, into } = &mut to {
            if counts.errors > 0 {
                let comment = crate::present::markdown::invalid(title, &findings);
                std::io::Write::write_all(&mut crate::output::stdout(), comment.as_bytes())?;
            }
            into.extend(findings.iter().cloned());
        }
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
    let digests = sources
        .iter()
        .map(|(o, t)| FileDigest::of(o.clone(), t.as_bytes()))
        .collect();
    Ok((doc, digests))
}
