//! One module per subcommand: each parses its arguments, calls `tcfg-core`
//! and renders. What several commands share is in the private modules
//! (arguments, connection, input, prompts, the runtime, one key's write);
//! commands never import each other.

mod args;
mod connection;
mod input;
mod record;
mod runtime;
mod wait;
mod write;

pub mod apply;
pub mod completions;
pub mod delete;
pub mod diff;
pub mod dump;
pub mod get;
pub mod keys;
pub mod log;
mod prompt;
pub mod put;
pub mod render;
pub mod status;
pub mod sync;
pub mod undo;
pub mod upgrade_check;
pub mod validate;
pub mod watch;

use crate::error::Result;

use crate::cli::{Cli, Command};

pub use args::{key_def, prefix_list, refuse_foreign, unused_scope_fields, when, ScopeArgs, TxnArgs, WriteArgs};
pub use connection::{connect, connection_settings, open_located};
pub use input::{desired, desired_annotated, desired_files, desired_reviewed, read_input, refuse_stdin_twice};
pub use prompt::confirm_write as confirm;
pub use record::intent;
use runtime::block_on;
pub use runtime::{huge_pages, registry, RegistryLoad};
pub use write::{commit_key_write, commit_plan, refuse_harmful_change, refuse_spellings, save_plan};

pub fn run(cli: Cli) -> Result<u8> {
    if matches!(
        cli.command,
        Command::Validate(_) | Command::Diff(_) | Command::Apply(_) | Command::Sync(_) | Command::Watch(_)
    ) {
        huge_pages(true);
    }
    match cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Keys(args) => keys::run(&cli.global, args),
        Command::Get(args) => block_on(get::run(&cli.global, args)),
        Command::Put(args) => block_on(put::run(&cli.global, args)),
        Command::Delete(args) => block_on(delete::run(&cli.global, args)),
        Command::Dump(args) => block_on(dump::run(&cli.global, args)),
        Command::Diff(args) => block_on(diff::run(&cli.global, args)),
        Command::Apply(args) => block_on(apply::run(&cli.global, args)),
        Command::Sync(args) => block_on(sync::run(&cli.global, args)),
        Command::Watch(args) => block_on(watch::run(&cli.global, args)),
        Command::Render(args) => block_on(render::run(&cli.global, args)),
        Command::Log(args) => block_on(log::run(&cli.global, args)),
        Command::Show(args) => block_on(log::show(&cli.global, args)),
        Command::Revert(args) => block_on(undo::revert(&cli.global, args)),
        Command::Rollback(args) => block_on(undo::rollback(&cli.global, args)),
        Command::Status(args) => block_on(status::run(&cli.global, args)),
        Command::UpgradeCheck(args) => block_on(upgrade_check::run(&cli.global, args)),
        Command::Completions(args) => completions::run(args),
    }
}
