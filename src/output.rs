//! Conventions shared by every command: data on stdout, messages on stderr,
//! colour only where wanted, quiet exit on a closed pipe, errors as sentences.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::guard::{self, Guard, Mode};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const ERROR_PLAIN: Style = AnsiColor::Red.on_default();

/// Standard output for data (YAML, JSON, tables without styles): buffered,
/// never passed through the colour filter (which costs on big dumps), and
/// guarded so that no line can start a CI runner's command.
pub fn stdout() -> Guard<io::BufWriter<io::StdoutLock<'static>>> {
    Guard::new(
        io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        Mode::Data,
        &guard::STDOUT,
    )
}

/// Standard output with no guard: only for `-o github`'s annotations, which
/// are workflow commands on purpose and escape their own content.
pub fn annotations_stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::new(io::stdout().lock())
}

/// Standard output for styled text, with colour stripped unless wanted,
/// and untrusted text neutralised (see [`crate::guard`]).
pub fn styled_stdout() -> Guard<anstream::AutoStream<io::StdoutLock<'static>>> {
    Guard::new(
        anstream::AutoStream::auto(io::stdout().lock()),
        Mode::Text,
        &guard::STDOUT,
    )
}

/// Standard error, with colour stripped unless wanted, and untrusted text
/// neutralised (see [`crate::guard`]).
pub fn stderr() -> Guard<anstream::AutoStream<io::StderrLock<'static>>> {
    Guard::new(
        anstream::AutoStream::auto(io::stderr().lock()),
        Mode::Text,
        &guard::STDERR,
    )
}

pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// A file's path as messages show it: as is when plain, else quoted with
/// control, invisible and bidi characters escaped (a file name is
/// untrusted text: a newline in it must not start a line of its own).
pub fn escape_path(path: &std::path::Path) -> String {
    tcfg_core::model::key::escaped(&path.to_string_lossy()).into_owned()
}

pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// `tcfg keys | head` closes the pipe early: that is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Print an error as one sentence with its causes, never a Debug dump or a
/// backtrace (whatever RUST_BACKTRACE says).
pub fn print_error(err: &anyhow::Error) {
    let mut e = stderr();
    let _ = writeln!(e, "{}: {err:#}", paint(ERROR, "error"));
}

/// A hint after an error: what to do next.
pub fn print_hint(hint: &str) {
    let _ = writeln!(stderr(), "{}: {hint}", paint(NOTE, "hint"));
}

/// A bug must still reach the user as a sentence, not a backtrace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "error: tcfg hit an internal error ({msg}{at}); nothing more was written. Please report this."
        );
    }));
}

/// `TCFG_LOG=debug` (or any tracing filter) logs to stderr: wall-clock
/// RFC 3339 times, each event's target, as text or (`--log-format json`)
/// one JSON object per line. A long-running command (`render --follow`)
/// logs at `default` without it.
pub fn init_logging(default: Option<&str>, format: crate::global::LogFormat) {
    let Some(filter) = std::env::var("TCFG_LOG").ok().or(default.map(str::to_string)) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::new(own_events(&filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_timer(tracing_subscriber::fmt::time::SystemTime);
    let _ = match format {
        crate::global::LogFormat::Text => builder
            .with_writer(|| Guard::new(io::stderr(), Mode::Text, &guard::STDERR))
            .with_ansi(io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .try_init(),
        // JSON escapes every string itself: only the line-start rule.
        crate::global::LogFormat::Json => builder
            .json()
            .with_writer(|| Guard::new(io::stderr(), Mode::Data, &guard::STDERR))
            .try_init(),
    };
}

/// A level alone (`debug`) is for tcfg's own events: the libraries under
/// it (HTTP/2 frames, gRPC) stay at warn unless the filter names them
/// (`TCFG_LOG=debug,h2=trace`, `TCFG_LOG=trace` for everything is
/// `TCFG_LOG=trace,h2=trace,...`).
fn own_events(filter: &str) -> String {
    filter
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            if d.contains('=') || d.contains('[') {
                d.to_string()
            } else {
                format!("warn,tcfg={d},tcfg_core={d}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bare_level_is_for_tcfgs_own_events() {
        assert_eq!(super::own_events("debug"), "warn,tcfg=debug,tcfg_core=debug");
        assert_eq!(
            super::own_events("debug,h2=trace"),
            "warn,tcfg=debug,tcfg_core=debug,h2=trace"
        );
        assert_eq!(super::own_events("tcfg_core::store=trace"), "tcfg_core::store=trace");
    }
}
