//! A consistent read of a whole prefix: every key's parsed value and revision.

use crate::model::document::{ConstrainedValue, Document, Entry};
use crate::model::finding::{Finding, Level};
use crate::model::key::Key;
use crate::model::parse::parse_stored;
use crate::model::yaml::Pos;
use crate::temporal::registry::Registry;

use super::config::Prefix;

/// One dynamic config key as stored.
#[derive(Clone, Debug)]
pub struct StoredKey {
    /// The full etcd key.
    pub etcd_key: String,
    /// The key name (the etcd key without the prefix), as stored.
    pub key: Key,
    /// The revision that created it.
    pub create_revision: i64,
    /// The revision that last wrote it.
    pub mod_revision: i64,
    /// How many times it was written since created.
    pub version: i64,
    /// The stored text.
    pub raw: String,
    /// The items, or why the stored text does not parse.
    pub items: Result<Vec<ConstrainedValue>, Vec<Finding>>,
    /// `raw` is exactly the canonical serialisation of `items`.
    pub canonical: bool,
}

impl StoredKey {
    /// A key as etcd returned it: parsed (canonical text read on a fast path), or kept with its errors.
    pub fn from_kv(
        prefix: &Prefix,
        etcd_key: String,
        raw: Result<String, Vec<u8>>,
        revs: (i64, i64, i64),
    ) -> StoredKey {
        let name = prefix.name_of(&etcd_key).unwrap_or(&etcd_key);
        let mut canonical = false;
        // A UTF-16 value with its byte-order mark is text to yaml.v3 too.
        let raw = raw.or_else(|bytes| match crate::model::yaml::decode_bytes(&bytes) {
            Ok(text) => Ok(text.into_owned()),
            Err(_) => Err(bytes),
        });
        let items = match &raw {
            Ok(text) => {
                let parsed;
                (parsed, canonical) = parse_stored(&etcd_key, name, text);
                if parsed.findings.iter().any(|f| f.level == Level::Error) {
                    Err(parsed.findings)
                } else {
                    Ok(parsed.value)
                }
            }
            Err(_) => Err(vec![Finding::new(
                crate::model::finding::Code::YamlSyntax,
                &etcd_key,
                Pos::default(),
                Some(name),
                "the stored value is not UTF-8 text (nor UTF-16 with a byte-order mark): Temporal rejects it",
            )
            .with_hint("write the key again as text, or delete it")]),
        };
        let key = Key::new(name);
        StoredKey {
            etcd_key,
            key,
            create_revision: revs.0,
            mod_revision: revs.1,
            version: revs.2,
            raw: raw.unwrap_or_else(|b| String::from_utf8_lossy(&b).into_owned()),
            items,
            canonical,
        }
    }

    /// Whether the stored value parsed.
    pub fn is_valid(&self) -> bool {
        self.items.is_ok()
    }
}

/// A key under the prefix that is not dynamic config: never modified or
/// deleted by tcfg.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKey {
    /// Its etcd key.
    pub etcd_key: String,
    /// Why it is not dynamic config.
    pub reason: &'static str,
}

/// Why a name under the prefix is foreign, or `None` for dynamic config.
pub fn foreign_reason(name: &str, registry: &Registry) -> Option<&'static str> {
    registry.foreign_reason(name)
}

/// A prefix holding values that do not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{prefix} holds values that do not parse ({})", keys.join(", "))]
pub struct Unreadable {
    /// The prefix.
    pub prefix: String,
    /// The etcd keys whose values do not parse.
    pub keys: Vec<String>,
}

/// A prefix holding a key under several spellings (`frontend.rps` and
/// `FRONTEND.RPS`): Temporal reads one of them at random, so what it serves
/// is not known and a copy would spread either value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{prefix} holds {}", keys.iter().map(|k| format!("a key under {} spellings ({})", k.len(), k.join(", "))).collect::<Vec<_>>().join("; "))]
pub struct Spellings {
    /// The prefix.
    pub prefix: String,
    /// The etcd keys of each key stored more than once.
    pub keys: Vec<Vec<String>>,
}

/// Every key under a prefix at one revision.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The prefix read.
    pub prefix: Prefix,
    /// The store revision the snapshot was read at.
    pub revision: i64,
    /// Dynamic config keys, sorted by etcd key.
    pub keys: Vec<StoredKey>,
    /// Keys under the prefix that are not dynamic config (never written or deleted).
    pub foreign: Vec<ForeignKey>,
}

impl Snapshot {
    /// Every stored spelling of a key.
    pub fn get(&self, key: &Key) -> Vec<&StoredKey> {
        self.keys.iter().filter(|k| &k.key == key).collect()
    }

    /// The stored values that do not parse.
    pub fn invalid(&self) -> impl Iterator<Item = &StoredKey> {
        self.keys.iter().filter(|k| !k.is_valid())
    }

    /// Whether every stored value parses: a prefix that holds one that does
    /// not cannot be copied faithfully.
    pub fn check_readable(&self) -> Result<(), Unreadable> {
        let keys: Vec<String> = self.invalid().map(|k| k.etcd_key.clone()).collect();
        if keys.is_empty() {
            return Ok(());
        }
        Err(Unreadable {
            prefix: self.prefix.to_string(),
            keys,
        })
    }

    /// Whether every key is stored under one spelling only.
    pub fn check_spellings(&self) -> Result<(), Spellings> {
        let mut by_key: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for k in &self.keys {
            by_key.entry(k.key.folded()).or_default().push(k.etcd_key.clone());
        }
        let keys: Vec<Vec<String>> = by_key.into_values().filter(|v| v.len() > 1).collect();
        if keys.is_empty() {
            return Ok(());
        }
        Err(Spellings {
            prefix: self.prefix.to_string(),
            keys,
        })
    }

    /// The document of every key whose value parses, moving the items out
    /// of the snapshot (its keys keep their revisions and raw text).
    pub fn take_document(&mut self) -> Document {
        Document {
            origin: self.prefix.to_string(),
            entries: self
                .keys
                .iter_mut()
                .filter_map(|k| match &mut k.items {
                    Ok(items) => Some(Entry {
                        key: k.key.clone(),
                        items: std::mem::take(items),
                        key_pos: Pos::default(),
                    }),
                    Err(_) => None,
                })
                .collect(),
        }
    }

    /// The document of every key whose value parses, keys as stored.
    pub fn document(&self) -> Document {
        self.clone().take_document()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::key::is_key_shaped;

    #[test]
    fn key_shapes() {
        assert!(is_key_shaped("frontend.rps"));
        assert!(is_key_shaped("history.ReplicationTaskProcessorErrorRetryMaxAttempts"));
        assert!(is_key_shaped("frontend.namespaceRPS.visibility"));
        assert!(!is_key_shaped("lock"));
        assert!(!is_key_shaped("frontend..rps"));
        assert!(!is_key_shaped(".rps"));
        assert!(!is_key_shaped("1.2"));
        assert!(!is_key_shaped("a b.c"));
        assert!(!is_key_shaped("frontend.rps."));
        assert!(!is_key_shaped("frontend"));
        assert!(!is_key_shaped("früh.rps"));
        assert!(is_key_shaped("a-b.c_d.e9"));
        let r = Registry::for_version(None).unwrap();
        assert_eq!(foreign_reason("frontend.rps", &r), None);
        assert_eq!(foreign_reason("acme.custom", &r), None);
        assert!(foreign_reason("locks/leader", &r).is_some());
        assert!(foreign_reason("README", &r).is_some());
    }

    #[test]
    fn unparseable_values_keep_their_text() {
        let p = Prefix::new("/p");
        let k = StoredKey::from_kv(&p, "/p/frontend.rps".into(), Ok("value: [".into()), (1, 2, 1));
        assert!(!k.is_valid());
        assert_eq!(k.raw, "value: [");
        assert_eq!(k.key.as_str(), "frontend.rps");
        let k = StoredKey::from_kv(&p, "/p/frontend.rps".into(), Err(vec![b'a', 0xc3, 0x28]), (1, 2, 1));
        assert!(!k.is_valid());
        // yaml.v3 reads UTF-16 with its byte-order mark.
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("- value: 5\n".encode_utf16().flat_map(u16::to_le_bytes));
        let k = StoredKey::from_kv(&p, "/p/frontend.rps".into(), Err(utf16), (1, 2, 1));
        assert!(k.is_valid());
        // Its mark is kept, as a UTF-8 text's is.
        assert_eq!(k.raw, "\u{feff}- value: 5\n");
    }

    #[test]
    fn a_snapshot_with_a_value_that_does_not_parse_is_not_readable() {
        let p = Prefix::new("/p");
        let key = |name: &str, text: &str| StoredKey::from_kv(&p, p.key_path(name), Ok(text.into()), (1, 2, 1));
        let mut snap = Snapshot {
            prefix: p.clone(),
            revision: 2,
            keys: vec![key("frontend.rps", "- value: 5\n")],
            foreign: Vec::new(),
        };
        assert_eq!(snap.check_readable(), Ok(()));
        snap.keys.push(key("history.rps", "- value: [\n"));
        let e = snap.check_readable().unwrap_err();
        assert_eq!(e.keys, ["/p/history.rps"]);
        assert!(
            e.to_string()
                .ends_with("holds values that do not parse (/p/history.rps)"),
            "{e}"
        );
    }
}
