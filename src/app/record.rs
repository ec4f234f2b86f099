//! What a command says about its change, for the change record: who (this
//! process, its etcd user, its CI job), why (`-m`), and how (the verb and
//! the files it read).

use tcfg_core::changes::intent::Intent;
use tcfg_core::changes::record::{Command, FileDigest};
use tcfg_core::store::ConnectionSettings;
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
    let command = Command {
        verb: verb.into(),
        files,
        ..Default::default()
    };
    let tool = concat!("tcfg ", env!("CARGO_PKG_VERSION"));
    Intent::new(settings, command, message, tool, &registry.versions(), writes).map_err(|e| {
        CommandError::from(e)
            .hint("this cluster requires a message (--require-message, TCFG_REQUIRE_MESSAGE or requireMessage in the config file)")
    })
}
