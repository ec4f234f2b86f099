//! A whole prefix as `tcfg dump` shows it, prepared chunk by chunk on the
//! threads that parse it ([`Store::read_prefix_chunks`]): each key is
//! settled by the registry, checked and rendered as soon as it is parsed,
//! and its parsed items dropped unless they are needed later, so the next
//! key reuses that memory (fresh memory costs more than parsing here);
//! [`Dump::new`] then only puts the chunks in document order and runs the
//! few checks that compare keys.
//!
//! [`Store::read_prefix_chunks`]: crate::store::Store::read_prefix_chunks

use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;

use crate::model::document::{ConstrainedValue, Document, Entry};
use crate::model::finding::Finding;
use crate::model::key::{document_order, Key};
use crate::model::serialize::push_entry;
use crate::model::yaml::Pos;
use crate::temporal::registry::Registry;
use crate::temporal::validate::{validate_across_keys, validate_key, Options, KEYS_COMPARED};

use crate::store::{Chunks, ForeignKey, Prefix, PrefixChunk, StoreError};

/// What to prepare of each chunk.
#[derive(Clone, Debug, Default)]
pub struct DumpOptions {
    /// How each value is validated.
    pub validate: Options,
    /// Render each key's YAML (the default output).
    pub yaml: bool,
    /// Keep every key's parsed items (for output other than YAML).
    pub keep_items: bool,
}

/// One dynamic config key of a dump.
#[derive(Debug)]
pub struct DumpKey {
    /// Its etcd key.
    pub etcd_key: String,
    /// The key, as stored.
    pub key: Key,
    /// Its mod revision.
    pub mod_revision: i64,
    /// The registry does not know it (reported by the caller when
    /// [`Options::report_unknown_keys`] is off).
    pub unknown: bool,
    value: Value,
    /// Its YAML in the chunk's text.
    block: Range<usize>,
}

#[derive(Debug)]
enum Value {
    /// Parsed; the items when kept.
    Valid(Option<Vec<ConstrainedValue>>),
    /// The stored text, which does not parse.
    Invalid(String),
}

impl DumpKey {
    /// The parsed items, when [`DumpOptions::keep_items`] kept them.
    pub fn items(&self) -> Option<&[ConstrainedValue]> {
        match &self.value {
            Value::Valid(items) => items.as_deref(),
            Value::Invalid(_) => None,
        }
    }

    /// The stored text of a value that does not parse.
    pub fn invalid_text(&self) -> Option<&str> {
        match &self.value {
            Value::Invalid(text) => Some(text),
            Value::Valid(_) => None,
        }
    }

    /// Whether the stored value parsed and passed validation.
    pub fn is_valid(&self) -> bool {
        matches!(self.value, Value::Valid(_))
    }
}

/// Consecutive keys of a prefix, settled, checked and rendered.
pub struct DumpChunk {
    /// In document order.
    keys: Vec<DumpKey>,
    foreign: Vec<ForeignKey>,
    /// The YAML of every key whose value parses, in etcd order.
    yaml: String,
    /// `keys`' blocks follow one another in `yaml`.
    contiguous: bool,
    /// Stored values that do not parse, and the checks of each key alone.
    findings: Vec<Finding>,
}

impl DumpChunk {
    /// Parse, settle and validate one chunk of the prefix (on the thread that read it).
    pub fn prepare(chunk: PrefixChunk, registry: &Registry, opts: &DumpOptions) -> Result<DumpChunk, StoreError> {
        let compared = compared_keys();
        let mut keys = Vec::with_capacity(chunk.len());
        let mut findings = Vec::new();
        let mut yaml = String::new();
        if opts.yaml {
            // Sized up front: a canonical text grows by a quarter when indented.
            yaml.reserve(chunk.size() * 5 / 4);
        }
        let foreign = chunk.parse_each(registry, |k| {
            let start = yaml.len();
            let value = match k.items {
                Ok(items) => {
                    findings.extend(validate_key(
                        &k.etcd_key,
                        &k.key,
                        Pos::default(),
                        &items,
                        registry,
                        &opts.validate,
                    ));
                    if opts.yaml {
                        push_entry(&mut yaml, k.key.as_str(), &items, k.canonical.then_some(k.raw.as_str()));
                    }
                    // The partition keys are compared across chunks.
                    let keep = opts.keep_items || compared.contains(&k.key);
                    Value::Valid(keep.then_some(items))
                }
                Err(parse) => {
                    findings.extend(parse);
                    Value::Invalid(k.raw)
                }
            };
            keys.push(DumpKey {
                unknown: registry.get_in_either(k.key.as_str()).is_none(),
                etcd_key: k.etcd_key,
                key: k.key,
                mod_revision: k.mod_revision,
                value,
                block: start..yaml.len(),
            });
        })?;
        // etcd's byte order and document order agree but for case.
        keys.sort_by(|a, b| document_order(&a.key, &b.key));
        let mut end = 0;
        let contiguous = keys.iter().all(|k| {
            let follows = k.block.start == end;
            end = k.block.end;
            follows
        });
        Ok(DumpChunk {
            keys,
            foreign,
            yaml,
            contiguous,
            findings,
        })
    }

    fn block(&self, i: usize) -> &str {
        &self.yaml[self.keys[i].block.clone()]
    }
}

/// A whole prefix, its chunks in document order.
pub struct Dump {
    /// The prefix dumped.
    pub prefix: Prefix,
    /// The store revision it was read at.
    pub revision: i64,
    chunks: Vec<DumpChunk>,
    /// Every key as (chunk, index) in document order, when the chunks are
    /// not already in order one after another (names whose case sorts them
    /// differently from etcd's byte order can straddle chunks).
    order: Option<Vec<(usize, usize)>>,
    /// The checks that compare keys.
    across: Vec<Finding>,
}

impl Dump {
    /// The dump of a whole read, its chunks merged in key order and keys compared across chunks.
    pub fn new(read: Chunks<DumpChunk>, registry: &Registry, opts: &Options) -> Dump {
        let chunks = read.chunks;
        let mut in_order = true;
        let mut last: Option<&Key> = None;
        for c in chunks.iter().filter(|c| !c.keys.is_empty()) {
            if last.is_some_and(|l| document_order(l, &c.keys[0].key) == Ordering::Greater) {
                in_order = false;
                break;
            }
            last = c.keys.last().map(|k| &k.key);
        }
        let order = (!in_order).then(|| merge(&chunks));
        let mut dump = Dump {
            prefix: read.prefix,
            revision: read.revision,
            chunks,
            order,
            across: Vec::new(),
        };
        dump.across = dump.compare_keys(registry, opts);
        dump
    }

    /// [`validate_across_keys`] on the keys it compares: the spellings of a
    /// key stored more than once (neighbours in document order) and the
    /// partition keys (whose items every chunk keeps).
    fn compare_keys(&self, registry: &Registry, opts: &Options) -> Vec<Finding> {
        let compared = compared_keys();
        let mut doc = Document {
            origin: self.prefix.to_string(),
            entries: Vec::new(),
        };
        let mut etcd_keys = HashMap::new();
        let mut prev: Option<&DumpKey> = None;
        for k in self.keys().filter(|k| k.is_valid()) {
            let twice = prev.is_some_and(|p| p.key == k.key);
            if let Some(p) = prev.filter(|p| twice && !etcd_keys.contains_key(p.key.as_str())) {
                add(&mut doc, &mut etcd_keys, p);
            }
            if twice || compared.contains(&k.key) {
                add(&mut doc, &mut etcd_keys, k);
            }
            prev = Some(k);
        }
        if doc.entries.is_empty() {
            return Vec::new();
        }
        let mut findings = validate_across_keys(&doc, registry, opts);
        // Stored values have no file positions: name the etcd key instead.
        for f in &mut findings {
            if let Some(k) = f.key.as_deref().and_then(|k| etcd_keys.get(k)) {
                f.origin = k.to_string();
            }
        }
        findings
    }

    /// Every dynamic config key, in document order.
    pub fn keys(&self) -> impl Iterator<Item = &DumpKey> {
        let (ordered, merged) = match &self.order {
            None => (Some(self.chunks.iter().flat_map(|c| c.keys.iter())), None),
            Some(order) => (None, Some(order.iter().map(|&(c, i)| &self.chunks[c].keys[i]))),
        };
        ordered.into_iter().flatten().chain(merged.into_iter().flatten())
    }

    /// How many dynamic config keys there are.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.keys.len()).sum()
    }

    /// Whether the prefix held no dynamic config key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored values that do not parse.
    pub fn invalid(&self) -> impl Iterator<Item = &DumpKey> {
        self.chunks.iter().flat_map(|c| c.keys.iter()).filter(|k| !k.is_valid())
    }

    /// Keys under the prefix that are not dynamic config, by etcd key.
    pub fn foreign(&self) -> impl Iterator<Item = &ForeignKey> {
        self.chunks.iter().flat_map(|c| c.foreign.iter())
    }

    /// Stored values that do not parse and what validation found, unsorted.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.chunks.iter().flat_map(|c| c.findings.iter()).chain(&self.across)
    }

    /// The document of every key whose value parses, as
    /// [`crate::model::serialize::document_to_yaml`] writes it (the chunks must
    /// have been prepared with [`DumpOptions::yaml`]).
    pub fn write_yaml(&self, out: &mut impl Write) -> io::Result<()> {
        if self.chunks.iter().all(|c| c.yaml.is_empty()) {
            return out.write_all(b"{}\n");
        }
        match &self.order {
            None => {
                for c in &self.chunks {
                    if c.contiguous {
                        out.write_all(c.yaml.as_bytes())?;
                    } else {
                        for i in 0..c.keys.len() {
                            out.write_all(c.block(i).as_bytes())?;
                        }
                    }
                }
            }
            Some(order) => {
                for &(c, i) in order {
                    out.write_all(self.chunks[c].block(i).as_bytes())?;
                }
            }
        }
        Ok(())
    }
}

/// The keys other than spellings of one key that [`validate_across_keys`]
/// compares (their items are kept).
fn compared_keys() -> Vec<Key> {
    KEYS_COMPARED.iter().map(Key::new).collect()
}

fn add<'a>(doc: &mut Document, etcd_keys: &mut HashMap<&'a str, &'a str>, k: &'a DumpKey) {
    // The spellings of one key are compared by name: their items matter only
    // for the partition keys, whose items are kept.
    doc.entries.push(Entry {
        key: k.key.clone(),
        items: k.items().map(<[_]>::to_vec).unwrap_or_default(),
        key_pos: Pos::default(),
    });
    etcd_keys.insert(k.key.as_str(), k.etcd_key.as_str());
}

/// The keys of sorted chunks in document order.
fn merge(chunks: &[DumpChunk]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, usize)> = chunks
        .iter()
        .enumerate()
        .flat_map(|(c, chunk)| (0..chunk.keys.len()).map(move |i| (c, i)))
        .collect();
    // Each chunk is a sorted run, which the stable sort merges.
    order.sort_by(|&(a, i), &(b, j)| document_order(&chunks[a].keys[i].key, &chunks[b].keys[j].key));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Code;
    use crate::model::serialize::document_to_yaml;
    use crate::store::StoredKey;

    /// A chunk as etcd sends it: `texts` in etcd (byte) order.
    fn chunk(prefix: &Prefix, texts: &[(&str, &str)]) -> PrefixChunk {
        let mut paths: Vec<(String, &str)> = texts.iter().map(|(k, t)| (prefix.key_path(k), *t)).collect();
        paths.sort();
        let kvs: Vec<(&str, &[u8], i64)> = paths.iter().map(|(k, t)| (k.as_str(), t.as_bytes(), 2)).collect();
        PrefixChunk::from_key_values(prefix, 7, &kvs)
    }

    fn dump(chunks: Vec<Vec<(&str, &str)>>) -> (Dump, Document) {
        let p = Prefix::new("/p");
        let registry = Registry::for_version(None).unwrap();
        let opts = DumpOptions {
            validate: Options::default(),
            yaml: true,
            keep_items: false,
        };
        let all: Vec<(&str, &str)> = chunks.iter().flatten().copied().collect();
        let whole = chunk(&p, &all).read().unwrap().into_snapshot(&registry).document();
        let chunks = chunks
            .iter()
            .map(|c| DumpChunk::prepare(chunk(&p, c), &registry, &opts).unwrap())
            .collect();
        let read = Chunks {
            prefix: p,
            revision: 7,
            cluster_id: 0,
            chunks,
        };
        (Dump::new(read, &registry, &opts.validate), whole)
    }

    /// What `validate` finds in the whole document, each finding named by
    /// its etcd key as dump names it, with the stored values that do not parse.
    fn as_validate_finds(d: &Dump, whole: &Document) -> Vec<(Code, String, String)> {
        let registry = Registry::for_version(None).unwrap();
        let mut expected: Vec<_> = crate::temporal::validate::validate(whole, &registry, &Options::default())
            .into_iter()
            .map(|f| (f.code, format!("/p/{}", f.key.unwrap()), f.message))
            .collect();
        for k in d.invalid() {
            let text = k.invalid_text().unwrap().to_string();
            let stored = StoredKey::from_kv(&d.prefix, k.etcd_key.clone(), Ok(text), (1, 2, 1));
            expected.extend(
                stored
                    .items
                    .unwrap_err()
                    .into_iter()
                    .map(|f| (f.code, f.origin, f.message)),
            );
        }
        expected.sort();
        expected
    }

    fn found(d: &Dump) -> Vec<(Code, String, String)> {
        let mut found: Vec<_> = d
            .findings()
            .map(|f| (f.code, f.origin.clone(), f.message.clone()))
            .collect();
        found.sort();
        found
    }

    fn yaml(d: &Dump) -> String {
        let mut out = Vec::new();
        d.write_yaml(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn chunks_are_put_in_document_order_as_the_whole_document_would_be() {
        // Byte order puts `History.x` first; document order puts the
        // `frontend.*` keys of the second chunk before it and between the
        // first chunk's.
        let (d, whole) = dump(vec![
            vec![
                ("History.cacheMaxSize", "- value: 5\n"),
                ("frontend.rps", "- value: 10\n"),
            ],
            vec![
                ("frontend.namespaceRPS", "- {value: 3}\n"),
                ("history.rps", "- value: 2\n"),
            ],
        ]);
        assert!(d.order.is_some());
        assert_eq!(yaml(&d), document_to_yaml(&whole));
        let names: Vec<&str> = d.keys().map(|k| k.key.as_str()).collect();
        assert_eq!(
            names,
            [
                "frontend.namespaceRPS",
                "frontend.rps",
                "History.cacheMaxSize",
                "history.rps"
            ]
        );
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn chunks_already_in_order_are_written_one_after_another() {
        let (d, whole) = dump(vec![
            vec![
                ("frontend.namespaceRPS", "- value: 3\n"),
                ("frontend.rps", "- value: 10\n"),
            ],
            vec![],
            vec![("history.rps", "- value: 2\n  constraints:\n    namespace: a\n")],
        ]);
        assert!(d.order.is_none());
        assert_eq!(yaml(&d), document_to_yaml(&whole));
        assert_eq!(found(&d), as_validate_finds(&d, &whole));
    }

    #[test]
    fn an_empty_prefix_is_an_empty_document() {
        let (d, _) = dump(vec![vec![], vec![("frontend.rps", "value: [")]]);
        assert_eq!(yaml(&d), "{}\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d.invalid().count(), 1);
    }

    #[test]
    fn keys_are_compared_across_chunks() {
        let (d, whole) = dump(vec![
            vec![
                ("Frontend.rps", "- value: 1\n"),
                ("matching.numTaskqueueReadPartitions", "- value: 2\n"),
            ],
            vec![("frontend.rps", "- value: 2\n")],
            vec![("matching.numTaskqueueWritePartitions", "- value: 4\n")],
        ]);
        let found = found(&d);
        let codes: Vec<(Code, &str)> = found.iter().map(|(c, o, _)| (*c, o.as_str())).collect();
        assert!(
            codes.contains(&(Code::CaseDuplicateKey, "/p/frontend.rps")),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(Code::PartitionMismatch, "/p/matching.numTaskqueueReadPartitions")),
            "{codes:?}"
        );
        assert_eq!(found, as_validate_finds(&d, &whole));
    }

    #[test]
    fn each_key_is_checked_and_bad_values_are_named_by_etcd_key() {
        let (d, whole) = dump(vec![vec![
            ("frontend.rps", "- value: fast\n"),
            ("frontend.namespaceRPS", "- value: ["),
            ("acme.custom", "- value: 1\n"),
        ]]);
        let found = found(&d);
        let codes: Vec<(Code, &str)> = found.iter().map(|(c, o, _)| (*c, o.as_str())).collect();
        assert!(
            codes.contains(&(Code::YamlSyntax, "/p/frontend.namespaceRPS")),
            "{codes:?}"
        );
        assert!(codes.contains(&(Code::UnknownKey, "/p/acme.custom")), "{codes:?}");
        assert!(codes.iter().any(|(_, o)| *o == "/p/frontend.rps"), "{codes:?}");
        assert_eq!(found, as_validate_finds(&d, &whole));
        // The unreadable value is left out of the document, the others are in it.
        assert!(!yaml(&d).contains("namespaceRPS"));
        assert_eq!(yaml(&d), document_to_yaml(&whole));
    }

    #[test]
    fn stored_canonical_texts_print_as_serialising_would() {
        let (d, whole) = dump(vec![vec![
            ("frontend.rps", "- value: 5\n"),
            (
                "frontend.namespaceRPS",
                "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
            ),
            // Not canonical: serialised again.
            ("Frontend.Other", "- {value: 5}\n"),
            ("a.b", "- value: |\n    one\n\n    two\n"),
            ("a.empty", "[]\n"),
            ("a.broken", "- value: ["),
            (
                "a.c",
                "- value: 1\n  constraints:\n    taskQueueName: q\n    taskType: Activity\n",
            ),
        ]]);
        assert_eq!(whole.len(), 6);
        assert_eq!(d.len(), 7);
        assert_eq!(yaml(&d), document_to_yaml(&whole));
    }
}
