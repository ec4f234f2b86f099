//! One module per subcommand: each parses its arguments, calls `tcfg-core`
//! and presents. What several commands share is in `crate::app`, output
//! formats in `crate::present`; commands never import each other.

pub mod apply;
pub mod clusters;
pub mod completions;
pub mod delete;
pub mod diff;
pub mod dump;
pub mod edit;
pub mod freeze;
pub mod get;
pub mod keys;
pub mod log;
pub mod overrides;
pub mod put;
pub mod reference;
pub mod render;
pub mod status;
pub mod sync;
pub mod undo;
pub mod upgrade_check;
pub mod validate;
pub mod watch;
