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

pub use args::{key_def, prefix_list, refuse_foreign, unused_scope_fields, when, ScopeArgs, TxnArgs, WriteArgs};
pub use connection::{connect, connection_settings, open_located};
pub use input::{desired, desired_annotated, desired_files, desired_reviewed, read_input, refuse_stdin_twice};
pub use prompt::confirm_write as confirm;
pub use record::intent;
pub use runtime::block_on;
pub use runtime::{huge_pages, registry, RegistryLoad};
pub use write::{commit_key_write, commit_plan, refuse_spellings, save_plan, show_review, PlanWrite};
