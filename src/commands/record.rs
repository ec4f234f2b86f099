//! What a command says about its change, for the change record: who (this
//! process, its etcd user, its CI job), why (`-m`), and how (the verb and
//! the files it read).

use tcfg_core::changes::history::Intent;
use tcfg_core::changes::record::{Author, Command, FileDigest};
use tcfg_core::store::{ConnectionSettings, StoreError};
use tcfg_core::Registry;

use crate::error::{CommandError, Result};

/// The intent of a write; refused at once when it `writes` to a cluster
/// that requires a message and none is given, before any diff or prompt.
/// A dry run or a saved plan writes nothing, so needs none; a sync passes
/// `false` and asks each cluster it writes.
pub fn intent(
    settings: &ConnectionSettings,
    registry: &Registry,
    verb: &str,
    files: Vec<FileDigest>,
    message: Option<&str>,
    writes: bool,
) -> Result<Intent> {
    let message = message
        .map(str::trim)
        .filter(|m| tcfg_core::changes::record::says_something(m))
        .map(str::to_string);
    if writes && settings.history.require_message && message.is_none() {
        return Err(CommandError::from(StoreError::MessageRequired {
            prefix: settings.prefix.to_string(),
        })
        .hint("this cluster requires a message (--require-message, TCFG_REQUIRE_MESSAGE or requireMessage in the config file)"));
    }
    Ok(Intent {
        author: Author::from_env(
            settings.user.as_deref(),
            tcfg_core::changes::history::host_name(),
            |v| std::env::var(v).ok(),
        ),
        message,
        command: Command {
            verb: verb.into(),
            files,
            ..Default::default()
        },
        tool: concat!("tcfg ", env!("CARGO_PKG_VERSION")).into(),
        temporal_release: registry.versions(),
    })
}
