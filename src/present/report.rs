//! Compiler-style rendering of findings.

use std::collections::HashMap;
use std::io::{self, Write};

use tcfg_core::model::finding::Remedy;
use tcfg_core::store::StoredKey;
use tcfg_core::{Finding, Level};

use crate::output::{self, paint, BOLD, DIM, ERROR, NOTE, WARNING};

/// Counts by level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.level {
                Level::Error => c.errors += 1,
                Level::Warning => c.warnings += 1,
                Level::Note => c.notes += 1,
            }
        }
        c
    }

    /// "2 errors, 1 warning, no notes"
    pub fn describe(&self) -> String {
        let n = |count: usize, word: &str| match count {
            0 => format!("no {word}s"),
            1 => format!("1 {word}"),
            n => format!("{n} {word}s"),
        };
        format!(
            "{}, {}, {}",
            n(self.errors, "error"),
            n(self.warnings, "warning"),
            n(self.notes, "note")
        )
    }
}

fn level_style(level: Level) -> anstyle::Style {
    match level {
        Level::Error => ERROR,
        Level::Warning => WARNING,
        Level::Note => NOTE,
    }
}

/// Write each finding with the source line it points at and its hint.
/// `sources` maps an origin to its text, for the snippet.
pub fn write_findings<'a>(
    w: &mut impl Write,
    findings: impl IntoIterator<Item = &'a Finding>,
    sources: &HashMap<String, String>,
) -> io::Result<()> {
    // Where each line of a source starts, found once per source: thousands of
    // findings must not each scan the text from its beginning.
    let mut line_starts: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut line_of = |origin: &str, n: u32| -> Option<&str> {
        let (key, text) = sources.get_key_value(origin)?;
        let starts = line_starts.entry(key.as_str()).or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(n.checked_sub(1)? as usize)?;
        let line = text[start..].split('\n').next()?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    };
    for f in findings {
        let head = format!("{}[{}]", f.level, f.code);
        let key = f.key.as_deref().map(|k| format!("{k}: ")).unwrap_or_default();
        writeln!(
            w,
            "{}: {}: {}{}",
            paint(level_style(f.level), head),
            paint(BOLD, f.location()),
            key,
            f.message
        )?;
        if let Some(line) = line_of(&f.origin, f.line) {
            let num = f.line.to_string();
            let pad = " ".repeat(num.len());
            let caret_at: String = line
                .chars()
                .take(f.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(w, "{} {}", pad, paint(DIM, "|"))?;
            writeln!(w, "{} {} {}", paint(DIM, &num), paint(DIM, "|"), line)?;
            writeln!(
                w,
                "{} {} {}{}",
                pad,
                paint(DIM, "|"),
                caret_at,
                paint(level_style(f.level), "^")
            )?;
            if let Some(h) = hint_of(f) {
                writeln!(w, "{} {} hint: {h}", pad, paint(DIM, "="))?;
            }
        } else if let Some(h) = hint_of(f) {
            writeln!(w, "  {} hint: {h}", paint(DIM, "="))?;
        }
    }
    Ok(())
}

/// Print the findings that make a stored value unreadable, and say which
/// value it is (for the caller's error).
pub fn unparseable(stored: &StoredKey, findings: &[Finding]) -> String {
    let sources = [(stored.etcd_key.clone(), stored.raw.clone())].into_iter().collect();
    let _ = write_findings(&mut output::stderr(), findings, &sources);
    format!(
        "the value stored at {} (revision {}) is not a valid list of items",
        stored.etcd_key, stored.mod_revision
    )
}

/// A finding's hint, with its remedy in the CLI's flags.
pub fn hint_of(f: &Finding) -> Option<String> {
    let flag = f.remedy.as_ref().map(|r| match r {
        Remedy::AllowUnknownKeys => "pass --allow-unknown-keys for a custom server build".to_string(),
        Remedy::Release(Some(v)) => format!("pass --temporal-version {v}"),
        Remedy::Release(None) => "the release is chosen with --temporal-version".to_string(),
        Remedy::CustomSchema => "a custom schema is given with --schema FILE".to_string(),
    });
    match (&f.hint, flag) {
        (Some(h), Some(flag)) if h.ends_with(['.', '?']) => {
            let mut c = flag.chars();
            let first = c.next().map(|x| x.to_uppercase().to_string()).unwrap_or_default();
            Some(format!("{h} {first}{}.", c.as_str()))
        }
        (Some(h), Some(flag)) => Some(format!("{h} ({flag})")),
        (h, None) => h.clone(),
        (None, Some(flag)) => Some(flag),
    }
}

/// A finding as the CLI reports it: its remedy phrased into its hint.
pub fn phrased(mut f: Finding) -> Finding {
    f.hint = hint_of(&f);
    f.remedy = None;
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcfg_core::Code;

    #[test]
    fn remedies_are_phrased_as_flags() {
        let f = Finding::new(Code::UnknownKey, "a.yaml", Default::default(), Some("x.y"), "not a key")
            .with_hint("did you mean x.z? Temporal ignores unknown keys.")
            .with_remedy(Remedy::AllowUnknownKeys);
        assert_eq!(
            hint_of(&f).unwrap(),
            "did you mean x.z? Temporal ignores unknown keys. Pass --allow-unknown-keys for a custom server build."
        );
        let f = f.with_hint("remove it").with_remedy(Remedy::Release(None));
        assert_eq!(
            phrased(f).hint.unwrap(),
            "remove it (the release is chosen with --temporal-version)"
        );
    }
}
