//! Dynamic config key names.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A dynamic config key name such as `frontend.rps`.
///
/// Temporal lowercases key names before matching, so two `Key`s are equal when
/// they differ only by case. The spelling it was created with is kept for
/// display; [`crate::Registry::canonical_name`] gives the registered spelling.
#[derive(Clone)]
pub struct Key {
    /// The spelling, followed by the folded form when that differs: one
    /// allocation per key, and a clone is a reference count (documents,
    /// snapshots and findings all hold the names of thousands of keys).
    text: Arc<str>,
    name_len: usize,
}

impl Key {
    /// The key named `name`, as written.
    pub fn new(name: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let text: Arc<str> = if !name.bytes().any(|b| b.is_ascii_uppercase()) && name.is_ascii() {
            Arc::from(name)
        } else if name.is_ascii() && name.len() <= 128 {
            let mut buf = [0u8; 256];
            let (spelling, folded) = buf[..2 * name.len()].split_at_mut(name.len());
            spelling.copy_from_slice(name.as_bytes());
            folded.copy_from_slice(name.as_bytes());
            folded.make_ascii_lowercase();
            Arc::from(std::str::from_utf8(&buf[..2 * name.len()]).expect("ASCII is UTF-8"))
        } else {
            let folded = fold(name);
            if folded == name {
                Arc::from(name)
            } else {
                Arc::from(format!("{name}{folded}"))
            }
        };
        Key {
            text,
            name_len: name.len(),
        }
    }

    /// The spelling this key was written with.
    pub fn as_str(&self) -> &str {
        &self.text[..self.name_len]
    }

    /// The case-folded form Temporal matches on.
    pub fn folded(&self) -> &str {
        if self.text.len() == self.name_len {
            &self.text
        } else {
            &self.text[self.name_len..]
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The order documents list keys in: as Temporal matches them (ignoring
/// case), then by spelling, so that every run lists two spellings alike.
pub fn document_order(a: &Key, b: &Key) -> Ordering {
    a.cmp(b).then_with(|| a.as_str().cmp(b.as_str()))
}

/// Case folding as Temporal does it (Go's `strings.ToLower`): each
/// character's simple lowercase mapping, with no context. Rust's
/// `to_lowercase` differs: `İ` becomes `i` and a combining dot, and a final
/// `Σ` becomes `ς`, where Go writes `i` and `σ`.
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    name.chars()
        .map(|c| match c {
            // The one character whose full lowercase mapping is not its
            // simple one (SpecialCasing.txt).
            '\u{130}' => 'i',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
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
        Arc::ptr_eq(&self.text, &other.text) || self.folded() == other.folded()
    }
}
impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.folded().hash(state)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.folded().cmp(other.folded())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::new(s)
    }
}

/// A character that is there but cannot be seen, or that reorders or hides
/// what follows: zero-width characters, bidi controls and marks, word
/// joiners, the byte order mark. (Controls are `char::is_control`.) One set
/// for every place that shows untrusted text or asks whether text says
/// anything.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061c}'
            | '\u{180e}'
            | '\u{feff}'
    )
}

/// A name (or etcd key) as messages show it: as is when that is plain,
/// else quoted with every control, invisible or ambiguous character escaped,
/// so that what is shown identifies exactly one key.
pub fn escaped(name: &str) -> std::borrow::Cow<'_, str> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' || (!c.is_ascii() && c.escape_debug().len() == 1));
    if plain {
        name.into()
    } else {
        format!("{name:?}").into()
    }
}

/// Does a name look like a dynamic config key (`frontend.rps`,
/// `history.ReplicationTaskProcessorErrorRetryMaxAttempts`)?
pub fn is_key_shaped(name: &str) -> bool {
    // Segments of letters, digits, `_` and `-` joined by single dots; the
    // first starts with a letter, and there are at least two.
    let bytes = name.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut dots = 0;
    let mut prev = b'.';
    for &b in bytes {
        if b == b'.' {
            if prev == b'.' {
                return false;
            }
            dots += 1;
        } else if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return false;
        }
        prev = b;
    }
    dots > 0 && prev != b'.'
}

/// What a name under a prefix is, as far as its shape tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameShape {
    /// Never dynamic config, whatever a registry says (the reason why).
    Foreign(&'static str),
    /// Dynamic config: a registered key, or one a custom build may register.
    Key,
    /// Dynamic config only if the registry knows it.
    KeyIfRegistered,
}

/// Whether `name` can be a dynamic config key under an etcd prefix.
pub fn name_shape(name: &str) -> NameShape {
    if name.contains('/') {
        NameShape::Foreign("a nested path, not a key name")
    } else if is_key_shaped(name) {
        NameShape::Key
    } else {
        NameShape::KeyIfRegistered
    }
}

/// Call `f` on each word of `history.persistenceMaxQPS`: `history`,
/// `persistence`, `Max`, `QPS` (runs of capitals are one word).
pub fn for_each_word(name: &str, mut f: impl FnMut(&str)) {
    for part in name.split(['.', '_', '-']) {
        let b = part.as_bytes();
        let mut start = 0;
        for i in 1..b.len() {
            let boundary = b[i].is_ascii_uppercase()
                && (b[i - 1].is_ascii_lowercase()
                    || (b[i - 1].is_ascii_uppercase() && b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary {
                f(&part[start..i]);
                start = i;
            }
        }
        if start < part.len() {
            f(&part[start..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(name, |w| out.push(w.to_lowercase()));
        out
    }

    #[test]
    fn words_split_camel_case_and_acronyms() {
        assert_eq!(
            words("history.persistenceMaxQPS"),
            ["history", "persistence", "max", "qps"]
        );
        assert_eq!(
            words("frontend.namespaceRPS.visibility"),
            ["frontend", "namespace", "rps", "visibility"]
        );
    }

    #[test]
    fn keys_compare_case_insensitively_and_keep_spelling() {
        let a = Key::new("Frontend.RPS");
        let b = Key::new("frontend.rps");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "Frontend.RPS");
        assert_eq!(a.folded(), "frontend.rps");
        assert_eq!(b.as_str(), "frontend.rps");
        assert_eq!(b.folded(), "frontend.rps");
        assert_eq!(format!("{a:?}"), "\"Frontend.RPS\"");
        let long = "Acme.".repeat(40);
        assert_eq!(Key::new(&long).folded(), long.to_lowercase());
        assert_eq!(Key::new(&long).as_str(), long);
        // Go's strings.ToLower, not Rust's to_lowercase.
        assert_eq!(fold("İstanbul.ΟΔΟΣ"), "istanbul.οδοσ");
        assert_eq!(Key::new("İ.x"), Key::new("i.x"));
        assert_eq!(Key::new("A.ΣΣ"), Key::new("a.σσ"));
        assert_eq!(Key::new("\u{212A}elvin.x"), Key::new("kelvin.x"));
        let other = Key::new("Straße.Ä");
        assert_eq!((other.as_str(), other.folded()), ("Straße.Ä", "straße.ä"));
        let mut set = std::collections::HashSet::new();
        set.insert(a);
        assert!(set.contains(&b));
    }
}
