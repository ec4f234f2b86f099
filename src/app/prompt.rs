//! Questions on a terminal: a confirmation before writing, and a password.
//!
//! Whatever key ends a prompt, the terminal is left as it was found: Ctrl-C
//! (even while a password is typed with echo off) restores it and ends tcfg
//! with status 130, having written nothing.

use std::io::IsTerminal;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use console::{Key, Term};

/// Whether prompts can be shown: both standard input and error are terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// `question [y/N]`: y answers yes; n, Enter, Esc, q, Ctrl-D and Ctrl-C no.
pub fn confirm(question: &str) -> Result<bool> {
    let _guard = InterruptGuard::install();
    let term = Term::stderr();
    term.write_str(&format!("{question} [y/N] "))
        .context("cannot ask for confirmation")?;
    let answer = loop {
        match term.read_key_raw().context("cannot read the answer")? {
            Key::Char('y' | 'Y') => break true,
            Key::Char('n' | 'N' | 'q' | '\u{4}') | Key::Enter | Key::Escape | Key::CtrlC => break false,
            _ => continue,
        }
    };
    term.write_line(if answer { "yes" } else { "no" })?;
    Ok(answer)
}

/// A password, read with echo off.
pub fn password(prompt: &str) -> Result<String> {
    if !interactive() {
        bail!("cannot ask for a password: standard input is not a terminal");
    }
    let _guard = InterruptGuard::install();
    dialoguer::Password::new()
        .with_prompt(prompt)
        .interact()
        .context("cannot read the password")
}

/// The terminal's settings before the prompt, for the interrupt handler.
static SAVED: OnceLock<libc::termios> = OnceLock::new();

/// While alive, SIGINT restores the terminal (echo, cursor) and exits 130.
struct InterruptGuard {
    previous: libc::sigaction,
}

extern "C" fn on_interrupt(_: libc::c_int) {
    // Only async-signal-safe calls: tcsetattr, write, _exit.
    if let Some(t) = SAVED.get() {
        // SAFETY: restoring settings read from the same descriptor.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t) };
    }
    let msg = b"\x1b[?25h\ninterrupted: nothing written\n";
    // SAFETY: write and _exit are async-signal-safe.
    unsafe {
        libc::write(libc::STDERR_FILENO, msg.as_ptr().cast(), msg.len());
        libc::_exit(130);
    }
}

impl InterruptGuard {
    fn install() -> InterruptGuard {
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills `t` when it succeeds.
        if unsafe { libc::tcgetattr(libc::STDIN_FILENO, t.as_mut_ptr()) } == 0 {
            let _ = SAVED.set(unsafe { t.assume_init() });
        }
        // SAFETY: a plain handler for SIGINT, the previous one kept to restore.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_interrupt as *const () as usize;
            let mut previous: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGINT, &action, &mut previous);
            InterruptGuard { previous }
        }
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        // SAFETY: putting back the handler `install` replaced.
        unsafe { libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut()) };
    }
}

/// Ask before writing: on a terminal a prompt, elsewhere `--yes` or refuse.
pub fn confirm_write(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if interactive() {
        return confirm(question);
    }
    bail!(
        "not writing without confirmation: standard input is not a terminal, so pass --yes (or --dry-run to only look)"
    )
}
