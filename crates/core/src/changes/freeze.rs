//! Change freezes: while a prefix is frozen (a release, a holiday), every
//! write to it through [`crate::changes::commit`] is refused, unless it
//! says it breaks the freeze (recorded in its change record). Ends of
//! incident overrides proceed: they only bring back what was there. The
//! freeze is one entry beside the prefix; each write is guarded on it, so
//! a freeze that lands while a write is on its way stops that write too.
//! Writing the entry itself is [`crate::changes::freezing`]'s.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::intent::Intent;
use super::record::Author;
use crate::store::{Expect, Store, StoreError, Write};

/// The freeze entry format this tcfg writes.
pub const FORMAT: u32 = 1;

/// A freeze, as kept beside the prefix (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    /// The entry format.
    pub format: u32,
    /// When it ends (RFC 3339).
    pub ends: String,
    /// Who froze the prefix.
    pub author: Author,
    /// Why.
    pub message: String,
}

impl Freeze {
    /// Whether it holds at `now` (an end that does not read holds: a
    /// freeze errs on the side of refusing).
    pub fn holds(&self, now: SystemTime) -> bool {
        humantime::parse_rfc3339_weak(&self.ends).map_or(true, |t| now < t)
    }
}

/// The freeze entry's key for the store's prefix.
pub fn freeze_key(store: &Store) -> String {
    format!("{}current", store.prefix().beside("freeze"))
}

/// The freeze entry (none: never frozen, or unfrozen) and its mod revision
/// (0: absent), to guard a write on.
pub async fn read(store: &Store) -> Result<(Option<Freeze>, i64), StoreError> {
    let key = freeze_key(store);
    let (_, entries) = store.entries_under(&store.prefix().beside("freeze")).await?;
    let Some(e) = entries.into_iter().find(|e| e.key == key) else {
        return Ok((None, 0));
    };
    // An entry that does not read is a freeze that holds until removed:
    // someone meant to stop writes.
    let freeze = serde_json::from_slice(&e.value).unwrap_or(Freeze {
        format: FORMAT,
        ends: "?".into(),
        author: Author::default(),
        message: "(an unreadable freeze entry)".into(),
    });
    Ok((Some(freeze), e.mod_revision))
}

/// Whether a write with `intent` goes ahead of a freeze: freezing and
/// unfreezing, ends of overrides, and writes that say they break it.
pub fn passes(intent: &Intent) -> bool {
    let c = &intent.command;
    matches!(c.verb.as_str(), "freeze" | "unfreeze")
        || c.restores.is_some()
        || c.superseded.is_some()
        || c.breaks_freeze
}

/// The write that freezes the prefix until `ends` (`None`: unfreezes it),
/// replacing the entry read at `mod_revision`.
pub fn write(store: &Store, ends: Option<SystemTime>, intent: &Intent, mod_revision: i64) -> Write {
    let expect = if mod_revision == 0 {
        Expect::Absent
    } else {
        Expect::ModRevision(mod_revision)
    };
    let value = ends.map(|t| {
        let f = Freeze {
            format: FORMAT,
            ends: humantime::format_rfc3339_seconds(t).to_string(),
            author: intent.author.clone(),
            message: intent.message.clone().unwrap_or_default(),
        };
        serde_json::to_string(&f).expect("a freeze serializes")
    });
    Write {
        etcd_key: freeze_key(store),
        value,
        expect,
        old: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freeze_holds_until_its_end_and_one_that_does_not_read_holds() {
        let f = |ends: &str| Freeze {
            format: FORMAT,
            ends: ends.into(),
            author: Author::default(),
            message: "release".into(),
        };
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        assert!(f("2026-12-09T00:00:00Z").holds(at("2026-12-08T23:59:59Z")));
        assert!(!f("2026-12-09T00:00:00Z").holds(at("2026-12-09T00:00:00Z")));
        assert!(f("?").holds(at("2030-01-01T00:00:00Z")));
    }
}
