//! What several commands share: their common arguments, the connection,
//! reading input, prompts, the change record's intent, the runtime and the
//! registry, the CLI's side of the one write path, and waiting for
//! renderers. Commands use it; it never uses a command.

pub mod args;
pub mod complete;
pub mod connection;
pub mod input;
pub mod overriding;
pub mod prompt;
pub mod record;
pub mod runtime;
pub mod wait;
pub mod write;

pub use args::{
    breaks_freeze, key_def, prefix_list, refuse_foreign, refuse_unread_scope, revision_of, unused_scope_fields,
    written_name, OverrideArgs, ScopeArgs, TxnArgs, WriteArgs,
};
pub use connection::{connect, connection_settings, open_located};
pub use input::{desired, desired_annotated, desired_files, desired_reviewed, read_input, refuse_stdin_twice};
pub use prompt::confirm_write as confirm;
pub use record::intent;
pub use runtime::block_on;
pub use runtime::{huge_pages, registry, RegistryLoad};
pub use write::{
    commit_key_write, commit_plan, open_write, refuse_spellings, save_plan, show_review, Opened, PlanWrite,
};
