//! Untrusted text never acts: every stream tcfg writes passes through a
//! [`Guard`], so that a key, file name, author or message read from a file
//! or from etcd cannot become a command of whatever reads the output.
//!
//! - GitHub Actions runs any line whose text, after leading white space,
//!   starts with `::` (`::add-mask::`, `::stop-commands::`), and any line
//!   holding `##[` (its older syntax): both streams are read. A line that
//!   would start with `::` gets a `\` before it; `##[` becomes `##\[`.
//! - On a terminal, a carriage return overwrites what was shown, bidi
//!   controls (U+202E) reorder it and zero-width characters hide it: every
//!   control, bidi and invisible format character becomes `\u{…}`.
//!
//! Data on standard output (YAML, JSON) escapes control characters itself,
//! so none of its lines can start with a string's text: it gets only the
//! line-start rule, which valid YAML and JSON never meet. The one stream
//! left raw is `-o github`'s own annotations, which escape their content.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

/// What the guard is in the middle of, kept per stream (every handle of
/// stderr shares one line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum State {
    /// Mid-line.
    Middle = 0,
    /// At a line's start, or past only blanks and colour codes.
    Start = 1,
    /// At a line's start after ESC (a colour code begins).
    StartEsc = 2,
    /// Inside a colour code at a line's start.
    StartCsi = 3,
    /// At a line's start, one `:` held back.
    StartColon = 4,
    /// One `#` held back.
    Hash = 5,
    /// `##` held back.
    HashHash = 6,
}

impl State {
    fn from_u8(v: u8) -> State {
        match v {
            1 => State::Start,
            2 => State::StartEsc,
            3 => State::StartCsi,
            4 => State::StartColon,
            5 => State::Hash,
            6 => State::HashHash,
            _ => State::Middle,
        }
    }
}

/// How much a stream is guarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Messages and text for people: every rule.
    Text,
    /// YAML and JSON: only the line-start rule.
    Data,
}

/// The line state of standard output and standard error.
pub static STDOUT: AtomicU8 = AtomicU8::new(State::Start as u8);
pub static STDERR: AtomicU8 = AtomicU8::new(State::Start as u8);

/// A writer that neutralises untrusted text on its way to `inner`.
pub struct Guard<W: Write> {
    inner: W,
    mode: Mode,
    line: &'static AtomicU8,
    out: Vec<u8>,
}

impl<W: Write> Guard<W> {
    pub fn new(inner: W, mode: Mode, line: &'static AtomicU8) -> Guard<W> {
        Guard {
            inner,
            mode,
            line,
            out: Vec::new(),
        }
    }

    /// What `text` becomes, given the state before it; the state after.
    fn neutralise(&mut self, text: &str, mut state: State) -> State {
        let text_mode = self.mode == Mode::Text;
        for c in text.chars() {
            state = self.step(c, state, text_mode);
        }
        state
    }

    fn step(&mut self, c: char, state: State, text_mode: bool) -> State {
        match state {
            State::Start => match c {
                ' ' | '\t' => self.push(c, State::Start),
                '\u{1b}' => self.push(c, State::StartEsc),
                ':' => State::StartColon,
                _ => self.middle(c, text_mode),
            },
            State::StartEsc => self.push(c, if c == '[' { State::StartCsi } else { State::Start }),
            State::StartCsi => self.push(
                c,
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    State::Start
                } else {
                    State::StartCsi
                },
            ),
            State::StartColon => {
                if c == ':' {
                    self.out.extend_from_slice(b"\\::");
                    State::Middle
                } else {
                    self.out.push(b':');
                    self.middle(c, text_mode)
                }
            }
            State::Hash => {
                if c == '#' {
                    State::HashHash
                } else {
                    self.out.push(b'#');
                    self.middle(c, text_mode)
                }
            }
            State::HashHash => match c {
                '[' => {
                    self.out.extend_from_slice(b"##\\[");
                    State::Middle
                }
                '#' => {
                    self.out.push(b'#');
                    State::HashHash
                }
                _ => {
                    self.out.extend_from_slice(b"##");
                    self.middle(c, text_mode)
                }
            },
            State::Middle => self.middle(c, text_mode),
        }
    }

    /// A character mid-line (or the first one that is not a blank).
    fn middle(&mut self, c: char, text_mode: bool) -> State {
        match c {
            '\n' => self.push(c, State::Start),
            '#' if text_mode => State::Hash,
            c if text_mode && hidden(c) => {
                self.out.extend_from_slice(format!("\\u{{{:x}}}", c as u32).as_bytes());
                State::Middle
            }
            c => self.push(c, State::Middle),
        }
    }

    fn push(&mut self, c: char, next: State) -> State {
        let mut buf = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        next
    }

    /// Write out what is held back: the stream is about to be read.
    fn release(&mut self) -> io::Result<()> {
        let state = State::from_u8(self.line.load(Ordering::Relaxed));
        let held: &[u8] = match state {
            // A lone `:` may be followed by another handle's `:`.
            State::StartColon => b"\\:",
            State::Hash => b"#",
            State::HashHash => b"##",
            _ => return Ok(()),
        };
        self.inner.write_all(held)?;
        self.line.store(State::Middle as u8, Ordering::Relaxed);
        Ok(())
    }
}

/// A character that acts on a terminal or hides from the reader: controls
/// other than tab, newline and ESC (tcfg's own colours; anstream strips
/// them where colour is off), bidi controls and invisible format characters.
fn hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\u{1b}')) || tcfg_core::model::key::is_invisible(c)
}

impl<W: Write> Guard<W> {
    /// The line-start rule alone, over bytes (every byte it looks at is
    /// ASCII), writing `buf` through in slices: a large dump is not copied.
    fn data(&mut self, buf: &[u8], mut state: State) -> io::Result<State> {
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            state = match state {
                State::Start => match b {
                    b' ' | b'\t' | b'\n' => State::Start,
                    0x1b => State::StartEsc,
                    b':' => {
                        self.inner.write_all(&buf[from..i])?;
                        from = i + 1;
                        State::StartColon
                    }
                    _ => State::Middle,
                },
                State::StartEsc if b == b'[' => State::StartCsi,
                State::StartEsc => State::Start,
                State::StartCsi if (0x40..=0x7e).contains(&b) => State::Start,
                State::StartCsi => State::StartCsi,
                State::StartColon => {
                    self.inner.write_all(if b == b':' { b"\\:" } else { b":" })?;
                    from = i;
                    if b == b'\n' {
                        State::Start
                    } else {
                        State::Middle
                    }
                }
                _ if b == b'\n' => State::Start,
                _ => State::Middle,
            };
        }
        self.inner.write_all(&buf[from..])?;
        Ok(state)
    }
}

impl<W: Write> Write for Guard<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let before = State::from_u8(self.line.load(Ordering::Relaxed));
        let after = match self.mode {
            Mode::Data => self.data(buf, before)?,
            Mode::Text => {
                let text = String::from_utf8_lossy(buf);
                self.out.clear();
                let after = self.neutralise(&text, before);
                self.inner.write_all(&self.out)?;
                after
            }
        };
        self.line.store(after as u8, Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.release()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Guard<W> {
    fn drop(&mut self) {
        let _ = self.release();
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded(mode: Mode, pieces: &[&str]) -> String {
        static LINE: AtomicU8 = AtomicU8::new(State::Start as u8);
        LINE.store(State::Start as u8, Ordering::Relaxed);
        let mut out = Vec::new();
        {
            let mut g = Guard::new(&mut out, mode, &LINE);
            for p in pieces {
                g.write_all(p.as_bytes()).unwrap();
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        let t = |s: &str| guarded(Mode::Text, &[s]);
        assert_eq!(t("a\n::warning::x.yaml: bad\n"), "a\n\\::warning::x.yaml: bad\n");
        assert_eq!(t("  \t::add-mask::k1\n"), "  \t\\::add-mask::k1\n");
        // Behind a colour code at the start of the line.
        assert_eq!(t("\u{1b}[1m::stop-commands::t\n"), "\u{1b}[1m\\::stop-commands::t\n");
        // Split across writes, even between two handles' pieces.
        assert_eq!(guarded(Mode::Text, &["x\n:", ": why\n"]), "x\n\\:: why\n");
        assert_eq!(guarded(Mode::Data, &["x\n:", ":y\n"]), "x\n\\::y\n");
        // Mid-line `::` is text (the runner reads only line starts).
        assert_eq!(t("error: a::b\n"), "error: a::b\n");
        assert_eq!(t(":x\n"), ":x\n");
    }

    #[test]
    fn the_old_syntax_is_broken_anywhere_in_a_text_line() {
        let t = |s: &str| guarded(Mode::Text, &[s]);
        assert_eq!(t("key ##[add-mask]s\n"), "key ##\\[add-mask]s\n");
        assert_eq!(t("###[x\n"), "###\\[x\n");
        assert_eq!(guarded(Mode::Text, &["a #", "#", "[b"]), "a ##\\[b");
        assert_eq!(t("# comment ## and #[\n"), "# comment ## and #[\n");
    }

    #[test]
    fn controls_and_bidi_become_visible_in_text_only() {
        let t = |s: &str| guarded(Mode::Text, &[s]);
        assert_eq!(t("alice\rmallory\n"), "alice\\u{d}mallory\n");
        assert_eq!(t("a\u{202e}b\u{200b}c\u{7}\n"), "a\\u{202e}b\\u{200b}c\\u{7}\n");
        assert_eq!(
            t("tab\there \u{1b}[1mbold\u{1b}[0m é\n"),
            "tab\there \u{1b}[1mbold\u{1b}[0m é\n"
        );
        // Data keeps its bytes: YAML and JSON escape what they must.
        assert_eq!(guarded(Mode::Data, &["v: \"a\u{202e}\"\n"]), "v: \"a\u{202e}\"\n");
        assert_eq!(guarded(Mode::Data, &["x: '##[y'\n"]), "x: '##[y'\n");
    }
}
