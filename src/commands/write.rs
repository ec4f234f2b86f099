//! One key's write as `put` and `delete` make it: diff, confirm, commit
//! with its record.

use crate::error::Result;
use tcfg_core::changes::batch::Limits;
use tcfg_core::changes::history::{self, Intent};
use tcfg_core::store::Store;

use super::{confirm, WriteArgs};

/// Show the diff of one key's write, confirm it, and commit it as one
/// compare-and-swap transaction.
pub async fn commit_key_write(
    store: &Store,
    write: &tcfg_core::changes::edit::KeyWrite,
    intent: &Intent,
    opts: WriteArgs,
) -> Result<u8> {
    use std::io::Write;
    let mut err = crate::output::stderr();
    if write.is_noop() {
        writeln!(err, "{} is already as requested: nothing to write", write.etcd_key)?;
        return Ok(crate::exit::OK);
    }
    let old_name = match write.changes.iter().find(|c| c.etcd_key != write.etcd_key) {
        Some(c) => format!("{} (stored)", c.etcd_key),
        None if write.old_text.is_empty() => format!("{} (not stored)", write.etcd_key),
        None => format!("{} (stored)", write.etcd_key),
    };
    crate::diff::write_unified(
        &mut err,
        &write.old_text,
        &write.new_text,
        &old_name,
        &format!("{} (new)", write.etcd_key),
    )?;
    if opts.dry_run {
        writeln!(err, "dry run: nothing written")?;
        return Ok(crate::exit::OK);
    }
    drop(err);
    if !confirm(&format!("Write {}?", write.etcd_key), opts.yes)? {
        writeln!(crate::output::stderr(), "nothing written")?;
        return Ok(crate::exit::ERROR);
    }
    let revision = history::commit(store, &write.changes, &[], intent, Limits::default()).await?;
    writeln!(
        crate::output::stderr(),
        "wrote {} at revision {revision}",
        write.etcd_key
    )?;
    super::wait::for_renderers(&[(store.clone(), revision)], opts.wait).await
}
