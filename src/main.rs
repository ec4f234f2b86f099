//! tcfg: Temporal dynamic config in etcd, for operators.

mod app;
mod cli;
mod commands;
mod error;
mod exit;
mod global;
mod guard;
mod output;
mod present;
mod probes;

use std::process::ExitCode;

// Parsing builds many small nodes; mimalloc makes that about 20% faster.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// End the process without the allocator's exit-time cleanup: returning
/// from `main` after reading a large prefix spends milliseconds handing
/// memory back to a system about to take it all anyway.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    if std::io::stdout().flush().is_err() {
        // Let the normal exit report what it can.
        return ExitCode::from(code);
    }
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` only ends the process; every output was flushed above.
    unsafe { libc::_exit(i32::from(code)) }
}

fn main() -> ExitCode {
    app::huge_pages(false);
    output::install_panic_hook();
    // `COMPLETE=bash tcfg`: the shell asks for candidates (keys, clusters).
    clap_complete::CompleteEnv::with_factory(cli::command).complete();
    let cli = match cli::Cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // A usage mistake is an error (1), never 2: `diff` uses 2 for
            // "changes", and CI must not read a typo as drift.
            return ExitCode::from(if e.use_stderr() { exit::ERROR } else { exit::OK });
        }
    };
    cli.global.color.write_global();
    let follows = matches!(&cli.command, cli::Command::Render(r) if r.follow);
    output::init_logging(follows.then_some("info"), cli.global.log_format);
    match cli.run() {
        Ok(code) => exit_now(code),
        Err(err) => {
            if output::is_broken_pipe(&err.error) {
                return ExitCode::SUCCESS;
            }
            output::print_error(&err.error);
            for hint in &err.hints {
                output::print_hint(hint);
            }
            ExitCode::from(err.kind.exit_code())
        }
    }
}
