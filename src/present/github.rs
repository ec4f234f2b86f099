//! GitHub Actions workflow commands: findings and changes as annotations
//! on the file and line, shown on the pull request's diff.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use std::io::{self, Write};

use tcfg_core::model::finding::{Finding, Level};

/// A message: `%`, CR and LF escaped, as the runner reads them.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Where an annotation points: a file (not stdin or an etcd key) and,
/// when known, a line and column.
pub struct At<'a> {
    pub file: Option<&'a str>,
    pub line: u32,
    pub column: u32,
}

/// One annotation: `level` is `error`, `warning` or `notice`.
pub fn annotate(w: &mut impl Write, level: &str, at: &At, title: &str, message: &str) -> io::Result<()> {
    let mut props = Vec::new();
    let file = at
        .file
        .filter(|f| !f.is_empty() && !f.starts_with('<') && (!f.starts_with('/') || is_path(f)));
    if let Some(f) = file {
        props.push(format!("file={}", property(f)));
        if at.line > 0 {
            props.push(format!("line={}", at.line));
            if at.column > 0 {
                props.push(format!("col={}", at.column));
            }
        }
    }
    props.push(format!("title={}", property(title)));
    writeln!(w, "::{level} {}::{}", props.join(","), data(message))
}

/// An absolute path is a file too; an etcd key (`/temporal/...`) is not,
/// but it is only ever given where no file is.
fn is_path(f: &str) -> bool {
    std::path::Path::new(f).is_file()
}

/// Each finding as an annotation on its file and line.
pub fn write_findings<'a>(w: &mut impl Write, findings: impl IntoIterator<Item = &'a Finding>) -> io::Result<()> {
    for f in findings {
        let level = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let mut message = match &f.key {
            Some(k) => format!("{k}: {}", f.message),
            None => f.message.clone(),
        };
        if let Some(h) = &f.hint {
            message.push_str(&format!("\nhint: {h}"));
        }
        let at = At {
            file: Some(&f.origin),
            line: f.line,
            column: f.column,
        };
        annotate(w, level, &at, &format!("tcfg {}", f.code), &message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_the_runner_reads_them() {
        let mut out = Vec::new();
        let at = At {
            file: Some("conf/a,b.yaml"),
            line: 3,
            column: 5,
        };
        annotate(&mut out, "warning", &at, "tcfg x: y", "50% of\nit").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::warning file=conf/a%2Cb.yaml,line=3,col=5,title=tcfg x%3A y::50%25 of%0Ait\n"
        );
    }

    #[test]
    fn stdin_has_no_file() {
        let mut out = Vec::new();
        let at = At {
            file: Some("<stdin>"),
            line: 3,
            column: 1,
        };
        annotate(&mut out, "error", &at, "t", "m").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "::error title=t::m\n");
    }
}
