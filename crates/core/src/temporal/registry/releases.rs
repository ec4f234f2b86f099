//! The Temporal releases embedded as data, and in which of them a key is
//! registered (for "added in" and "removed in" hints).

use std::fmt;
use std::sync::OnceLock;

use super::RegistryError;
use crate::model::key::fold;

/// An embedded Temporal release.
pub struct Release {
    /// The release tag the data was read from, such as `v1.31.2`.
    pub tag: &'static str,
    pub(super) tsv: &'static str,
    pub(super) typed: &'static str,
    /// Each key's description, from Temporal's source at the tag.
    pub(super) descriptions: &'static str,
}

impl fmt::Debug for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag)
    }
}

impl Release {
    /// Its place among the embedded releases, oldest first: what orders them.
    pub fn position(&self) -> usize {
        RELEASES.iter().position(|r| r.tag == self.tag).unwrap_or(0)
    }

    /// The embedded release before this one.
    pub fn previous(&self) -> Option<&'static Release> {
        self.position().checked_sub(1).map(|i| &RELEASES[i])
    }

    /// `1.31` for `v1.31.2`.
    pub fn minor(&self) -> &'static str {
        let t = &self.tag[1..];
        &t[..t.rfind('.').unwrap_or(t.len())]
    }
}

/// Every embedded release, oldest first.
pub static RELEASES: [Release; 5] = [
    Release {
        tag: "v1.27.4",
        tsv: include_str!("../../../data/registry/temporal-v1.27.4.tsv"),
        typed: include_str!("../../../data/typed/temporal-v1.27.4.json"),
        descriptions: include_str!("../../../data/descriptions/temporal-v1.27.4.tsv"),
    },
    Release {
        tag: "v1.28.4",
        tsv: include_str!("../../../data/registry/temporal-v1.28.4.tsv"),
        typed: include_str!("../../../data/typed/temporal-v1.28.4.json"),
        descriptions: include_str!("../../../data/descriptions/temporal-v1.28.4.tsv"),
    },
    Release {
        tag: "v1.29.7",
        tsv: include_str!("../../../data/registry/temporal-v1.29.7.tsv"),
        typed: include_str!("../../../data/typed/temporal-v1.29.7.json"),
        descriptions: include_str!("../../../data/descriptions/temporal-v1.29.7.tsv"),
    },
    Release {
        tag: "v1.30.6",
        tsv: include_str!("../../../data/registry/temporal-v1.30.6.tsv"),
        typed: include_str!("../../../data/typed/temporal-v1.30.6.json"),
        descriptions: include_str!("../../../data/descriptions/temporal-v1.30.6.tsv"),
    },
    Release {
        tag: "v1.31.2",
        tsv: include_str!("../../../data/registry/temporal-v1.31.2.tsv"),
        typed: include_str!("../../../data/typed/temporal-v1.31.2.json"),
        descriptions: include_str!("../../../data/descriptions/temporal-v1.31.2.tsv"),
    },
];

/// The release used when none is named.
pub fn latest_release() -> &'static Release {
    &RELEASES[RELEASES.len() - 1]
}

/// Find an embedded release by `1.29`, `v1.29`, `1.29.7` or `v1.29.7`.
pub fn find_release(version: &str) -> Result<&'static Release, RegistryError> {
    let v = version.trim().trim_start_matches('v');
    RELEASES
        .iter()
        .find(|r| r.minor() == v || &r.tag[1..] == v)
        .ok_or_else(|| RegistryError::UnknownVersion {
            given: version.to_string(),
            known: RELEASES.iter().map(|r| r.minor()).collect::<Vec<_>>().join(", "),
        })
}

/// In which embedded releases a key is registered, for "removed in" and
/// "added in" hints.
pub fn releases_with(name: &str) -> Vec<&'static str> {
    static INDEX: OnceLock<Vec<std::collections::HashSet<String>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        RELEASES
            .iter()
            .map(|r| {
                r.tsv
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split('\t').next())
                    .map(fold)
                    .collect()
            })
            .collect()
    });
    let folded = fold(name);
    RELEASES
        .iter()
        .zip(index)
        .filter(|(_, keys)| keys.contains(&folded))
        .map(|(r, _)| r.tag)
        .collect()
}

/// Where a key unknown to one release is registered instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseNote {
    /// Registered from a later release (`1.30`) than the one checked against.
    Added {
        /// The release that registers it.
        minor: &'static str,
        /// The release checked against.
        current: String,
    },
    /// No longer registered since `removed_in` (`v1.29`); last in `last` (a tag).
    Removed {
        /// The first release without it.
        removed_in: String,
        /// The last release tag with it.
        last: &'static str,
    },
}

impl ReleaseNote {
    /// The release that registers the key, when it is a later one.
    pub fn added_in(&self) -> Option<&'static str> {
        match self {
            ReleaseNote::Added { minor, .. } => Some(minor),
            ReleaseNote::Removed { .. } => None,
        }
    }
}

impl fmt::Display for ReleaseNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseNote::Added { minor, current } => write!(f, "added in v{minor} (this check uses {current})"),
            ReleaseNote::Removed { removed_in, last } => {
                write!(f, "removed in {removed_in} (last registered in {last})")
            }
        }
    }
}

/// "removed in v1.29" / "added in v1.30" for a key unknown to `current`.
pub fn release_note(name: &str, current: &str) -> Option<ReleaseNote> {
    let present = releases_with(name);
    if present.is_empty() {
        return None;
    }
    let idx = RELEASES.iter().position(|r| r.tag == current)?;
    let later: Vec<_> = RELEASES[idx + 1..]
        .iter()
        .filter(|r| present.contains(&r.tag))
        .collect();
    let earlier = RELEASES[..idx].iter().rev().find(|r| present.contains(&r.tag));
    if let Some(first) = later.first() {
        return Some(ReleaseNote::Added {
            minor: first.minor(),
            current: current.to_string(),
        });
    }
    if let Some(last) = earlier {
        let removed_in = RELEASES
            .iter()
            .position(|r| r.tag == last.tag)
            .and_then(|i| RELEASES.get(i + 1))
            .map(|r| format!("v{}", r.minor()))
            .unwrap_or_else(|| current.to_string());
        return Some(ReleaseNote::Removed {
            removed_in,
            last: last.tag,
        });
    }
    None
}
