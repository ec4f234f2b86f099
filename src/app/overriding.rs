//! A write that ends by itself (`put`/`delete --for`): what it keeps beside
//! the prefix, made by core's `changes::overrides`, and what it says.

use std::io::Write as _;
use std::time::SystemTime;

use tcfg_core::changes::intent::Intent;
use tcfg_core::changes::overrides::{list, Begin};
use tcfg_core::store::{Store, Write};
use tcfg_core::{ConstrainedValue, Constraints};

use crate::error::{bail, Result};
use crate::output;

/// Refuse an override without a message, before anything is read: its
/// restore's record names it.
pub fn require_message(ends: Option<SystemTime>, message: Option<&str>) -> Result<()> {
    if ends.is_some() && message.is_none_or(|m| m.trim().is_empty()) {
        bail!("an override (--for, --until) needs -m: why, which its end's record repeats (tcfg log)");
    }
    Ok(())
}

/// The override's writes beside the prefix, for the item `constraints` of
/// `name` (`before`: the key's items now; `set`: the item written, or none
/// when it is removed); `intent` gets the end.
pub async fn begin(
    store: &Store,
    name: &str,
    constraints: &Constraints,
    before: &[ConstrainedValue],
    set: Option<&ConstrainedValue>,
    ends: SystemTime,
    intent: &mut Intent,
) -> Result<Vec<Write>> {
    let (_, active, _) = list(store).await?;
    let etcd_key = store.prefix().key_path(name);
    let begin = Begin {
        key: name,
        etcd_key: &etcd_key,
        constraints,
        before,
        set,
        ends,
        message: intent.message.as_deref().unwrap_or_default(),
        author: &intent.author,
        active: &active,
    };
    let begun = begin.begin(store);
    begun.mark(intent);
    let mut err = output::stderr();
    writeln!(
        err,
        "an override of {name} {constraints}: it ends at {} (in {}); then `tcfg expire` restores {}",
        begun.entry.ends,
        crate::present::overrides::left(ends, SystemTime::now()),
        begun.restore_text()
    )?;
    if let Some(revision) = begun.replaces {
        writeln!(
            err,
            "it replaces override {revision} of the same item, and restores what that one would have"
        )?;
    }
    Ok(begun.writes)
}
