//! Dynamic config key names.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A dynamic config key name such as `frontend.rps`.
///
/// Temporal lowercases key names before matching, so two `Key`s are equal when
/// they differ only by case. The spelling it was created with is kept for
/// display; [`crate::Registry::canonical_name`] gives the registered spelling.
#[derive(Clone, Debug)]
pub struct Key {
    name: String,
    folded: String,
}

impl Key {
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let folded = fold(&name);
        Key { name, folded }
    }

    /// The spelling this key was written with.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The case-folded form Temporal matches on.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// Case folding as Temporal does it (Go's `strings.ToLower`).
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.to_lowercase()
    }
}

/// The hash of a name's folded form, without building it: every spelling of
/// a key hashes alike (for tables that find keys in any case).
pub(crate) fn folded_hash(hasher: &foldhash::fast::RandomState, name: &str) -> u64 {
    use std::hash::BuildHasher;
    let mut buf = [0u8; 128];
    if name.is_ascii() && name.len() <= buf.len() {
        let folded = &mut buf[..name.len()];
        folded.copy_from_slice(name.as_bytes());
        folded.make_ascii_lowercase();
        hasher.hash_one(&*folded)
    } else {
        hasher.hash_one(fold(name).as_bytes())
    }
}

/// Two spellings of one key.
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!(a.is_ascii() && b.is_ascii()) && fold(a) == fold(b))
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.folded == other.folded
    }
}
impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.folded.hash(state)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.folded.cmp(&other.folded)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_case_insensitively_and_keep_spelling() {
        let a = Key::new("Frontend.RPS");
        let b = Key::new("frontend.rps");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "Frontend.RPS");
        assert_eq!(a.folded(), "frontend.rps");
        let mut set = std::collections::HashSet::new();
        set.insert(a);
        assert!(set.contains(&b));
    }
}
