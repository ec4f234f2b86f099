//! The file a stock Temporal server reads (`dynamicConfigClient.filepath`),
//! made from a prefix: canonical YAML, keys sorted, one state one byte
//! sequence. The server rejects a file with any error as a whole and keeps
//! its old values, so a stored value Temporal would reject (or tcfg reports
//! as an error) is held back: its key keeps its last good items, or is left
//! out when none is known, and every other key goes on updating.

use std::collections::BTreeMap;

use crate::model::document::{ConstrainedValue, Document};
use crate::model::finding::{Finding, Level};
use crate::model::key::Key;
use crate::model::parse::parse_document;
use crate::model::serialize::document_to_yaml;
use crate::model::yaml::Pos;
use crate::store::Snapshot;
use crate::temporal::registry::Registry;
use crate::temporal::validate::{validate, validate_key, Options};

/// How a render treats what it finds.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Leave out keys the release does not register (kept by default:
    /// Temporal ignores them, and a custom build may know them).
    pub drop_unknown_keys: bool,
    /// Write an empty file over one that had keys.
    pub allow_empty: bool,
    /// The largest share of the previous file's keys one render may drop,
    /// in percent.
    pub max_drop_percent: u8,
    /// The version written in the header (a library user's own, or tcfg's).
    pub generator: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            drop_unknown_keys: false,
            allow_empty: false,
            max_drop_percent: 50,
            generator: format!("tcfg {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A key whose stored value is not rendered as stored.
#[derive(Clone, Debug)]
pub struct Held {
    pub key: Key,
    pub etcd_key: String,
    /// Why: the errors of the stored value.
    pub findings: Vec<Finding>,
    /// Its last good items are rendered instead (else it is left out).
    pub kept_last_good: bool,
}

/// A render: the text and what it holds.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub text: String,
    /// The prefix revision it reflects.
    pub revision: i64,
    /// The keys it holds, sorted.
    pub keys: Vec<Key>,
    pub held: Vec<Held>,
    /// Keys the release does not register, kept or (with
    /// `drop_unknown_keys`) left out.
    pub unknown: Vec<Key>,
}

/// Each key's last good items: from the file a previous render wrote, then
/// from every render since.
#[derive(Clone, Debug, Default)]
pub struct LastGood(BTreeMap<Key, Vec<ConstrainedValue>>);

impl LastGood {
    /// The keys of an existing file, when it is a render that loads without
    /// an error (anything else is not trusted as a last good state).
    pub fn from_file(text: &str, registry: &Registry) -> Option<LastGood> {
        let parsed = parse_document("file", text);
        let opts = Options {
            allow_unknown_keys: true,
            ..Default::default()
        };
        let errors = parsed.has_errors() || validate(&parsed.value, registry, &opts).iter().any(is_error);
        (!errors && text.starts_with(HEADER_START)).then(|| LastGood::of(&parsed.value))
    }

    fn of(doc: &Document) -> LastGood {
        LastGood(doc.entries.iter().map(|e| (e.key.clone(), e.items.clone())).collect())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn get(&self, key: &Key) -> Option<&Vec<ConstrainedValue>> {
        self.0.get(key)
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &Key> {
        self.0.keys()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Remember what a render wrote.
    pub fn remember(&mut self, doc: &Document) {
        *self = LastGood::of(doc);
    }
}

const HEADER_START: &str = "# Rendered by ";

fn is_error(f: &Finding) -> bool {
    f.level == Level::Error
}

/// The document to write for `snapshot` over the `base` layer (a key in
/// etcd replaces the base's list for that key), with keys held back as
/// `last_good` allows.
pub fn render(
    snapshot: &Snapshot,
    base: Option<&Document>,
    last_good: &LastGood,
    registry: &Registry,
    opts: &RenderOptions,
) -> (Rendered, Document) {
    let vopts = Options {
        allow_unknown_keys: true,
        ..Default::default()
    };
    let mut keys: BTreeMap<Key, Vec<ConstrainedValue>> = BTreeMap::new();
    if let Some(base) = base {
        for e in &base.entries {
            keys.insert(e.key.clone(), e.items.clone());
        }
    }
    let mut held = Vec::new();
    // Spellings of one key stored side by side: Temporal would read one of
    // them at random, so the registered spelling (else the first) is
    // rendered and the others are held.
    let mut spelling: BTreeMap<Key, &str> = BTreeMap::new();
    let mut order: Vec<&crate::store::StoredKey> = snapshot.keys.iter().collect();
    order.sort_by_key(|k| registry.canonical_name(k.key.as_str()) != Some(k.key.as_str()));
    for k in order {
        if let Some(first) = spelling.get(&k.key) {
            let f = Finding::new(
                crate::model::finding::Code::CaseDuplicateKey,
                &k.etcd_key,
                Pos::default(),
                Some(k.key.as_str()),
                format!("another spelling of {first}, which is rendered; Temporal would read one of the two at random"),
            );
            held.push(Held {
                key: k.key.clone(),
                etcd_key: k.etcd_key.clone(),
                findings: vec![f],
                kept_last_good: false,
            });
            continue;
        }
        spelling.insert(k.key.clone(), k.key.as_str());
        let errors: Vec<Finding> = match &k.items {
            Err(findings) => findings.clone(),
            Ok(items) => validate_key(&k.etcd_key, &k.key, Pos::default(), items, registry, &vopts)
                .into_iter()
                .filter(is_error)
                .collect(),
        };
        // The key as stored replaces a base entry spelled otherwise.
        keys.remove(&k.key);
        match (&k.items, errors.is_empty()) {
            (Ok(items), true) => {
                keys.insert(k.key.clone(), items.clone());
            }
            _ => {
                let good = last_good.0.get_key_value(&k.key);
                if let Some((name, items)) = good {
                    keys.insert(name.clone(), items.clone());
                }
                held.push(Held {
                    key: k.key.clone(),
                    etcd_key: k.etcd_key.clone(),
                    findings: errors,
                    kept_last_good: good.is_some(),
                });
            }
        }
    }
    let unknown: Vec<Key> = keys
        .keys()
        .filter(|k| registry.get(k.as_str()).is_none())
        .cloned()
        .collect();
    if opts.drop_unknown_keys {
        keys.retain(|k, _| registry.get(k.as_str()).is_some());
    }
    let doc = document(&snapshot.prefix.to_string(), &keys);
    let header = format!(
        "{HEADER_START}{} from {} at revision {}: edit the config in etcd, not this file.\n",
        opts.generator, snapshot.prefix, snapshot.revision
    );
    let text = header + &document_to_yaml(&doc);
    held.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
    let rendered = Rendered {
        text,
        revision: snapshot.revision,
        keys: keys.keys().cloned().collect(),
        held,
        unknown,
    };
    (rendered, doc)
}

fn document(origin: &str, keys: &BTreeMap<Key, Vec<ConstrainedValue>>) -> Document {
    let mut doc = Document::new(origin);
    for (k, items) in keys {
        doc.insert(k.clone(), items.clone());
    }
    doc
}

/// Why a render is not written over the previous file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the render holds no keys, and the file it would replace holds {previous}: an empty prefix (or a wrong one) would reset every override on every server")]
    Empty { previous: usize },
    #[error(
        "the render drops {dropped} of the {previous} keys the file holds ({percent} %), more than {limit} % at once"
    )]
    MassDrop {
        dropped: usize,
        previous: usize,
        percent: usize,
        limit: u8,
    },
}

/// Whether `rendered` may replace a file that held `previous` keys.
pub fn check_guards(previous: &[Key], rendered: &Rendered, opts: &RenderOptions) -> Result<(), Refusal> {
    if previous.is_empty() {
        return Ok(());
    }
    if rendered.keys.is_empty() {
        return if opts.allow_empty {
            Ok(())
        } else {
            Err(Refusal::Empty {
                previous: previous.len(),
            })
        };
    }
    let dropped = previous
        .iter()
        .filter(|k| rendered.keys.binary_search(k).is_err())
        .count();
    let percent = dropped * 100 / previous.len();
    if dropped * 100 > usize::from(opts.max_drop_percent) * previous.len() {
        return Err(Refusal::MassDrop {
            dropped,
            previous: previous.len(),
            percent,
            limit: opts.max_drop_percent,
        });
    }
    Ok(())
}

/// The keys of a file's text (for the guards), when it parses.
pub fn keys_of(text: &str) -> Vec<Key> {
    let mut keys: Vec<Key> = parse_document("file", text)
        .value
        .entries
        .into_iter()
        .map(|e| e.key)
        .collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Prefix, StoredKey};

    fn snapshot(stored: &[(&str, &str)]) -> Snapshot {
        let prefix = Prefix::new("/p");
        let mut keys: Vec<StoredKey> = stored
            .iter()
            .map(|(k, v)| StoredKey::from_kv(&prefix, prefix.key_path(k), Ok(v.to_string()), (2, 5, 1)))
            .collect();
        keys.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
        Snapshot {
            prefix,
            revision: 7,
            keys,
            foreign: Vec::new(),
        }
    }

    fn reg() -> Registry {
        Registry::for_version(Some("1.31")).unwrap()
    }

    fn opts() -> RenderOptions {
        RenderOptions {
            generator: "tcfg test".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_render_is_canonical_sorted_and_deterministic() {
        let s = snapshot(&[
            ("history.rps", "- value: 3\n"),
            ("frontend.rps", "- {value: 2}\n"),
            ("acme.custom", "- value: x\n"),
        ]);
        let (r, _) = render(&s, None, &LastGood::default(), &reg(), &opts());
        assert_eq!(
            r.text,
            "# Rendered by tcfg test from /p/ at revision 7: edit the config in etcd, not this file.\n\
             acme.custom:\n  - value: x\nfrontend.rps:\n  - value: 2\nhistory.rps:\n  - value: 3\n"
        );
        assert_eq!(r.unknown, [Key::new("acme.custom")]);
        let (again, _) = render(&s, None, &LastGood::default(), &reg(), &opts());
        assert_eq!(again.text, r.text);
        let dropped = RenderOptions {
            drop_unknown_keys: true,
            ..opts()
        };
        let (r, _) = render(&s, None, &LastGood::default(), &reg(), &dropped);
        assert!(!r.text.contains("acme.custom"), "{}", r.text);
    }

    #[test]
    fn a_value_temporal_would_reject_is_held_at_its_last_good_items() {
        let bad = "- value: 1\n  constraints: {namespace: [x]}\n";
        let s = snapshot(&[("frontend.rps", bad), ("history.rps", "- value: 3\n")]);
        let (r, _) = render(&s, None, &LastGood::default(), &reg(), &opts());
        assert_eq!(r.keys, [Key::new("history.rps")], "no last good: left out");
        assert_eq!(r.held.len(), 1);
        assert!(!r.held[0].kept_last_good);
        let last = LastGood::from_file(
            "# Rendered by tcfg 0.1.0 from /p at revision 3: edit the config in etcd, not this file.\nfrontend.rps:\n  - value: 9\n",
            &reg(),
        )
        .unwrap();
        let (r, _) = render(&s, None, &last, &reg(), &opts());
        assert!(r.text.contains("frontend.rps:\n  - value: 9\n"), "{}", r.text);
        assert!(r.held[0].kept_last_good);
        // A type mismatch is an error too: Temporal would use the default.
        let s = snapshot(&[("frontend.rps", "- value: fast\n")]);
        let (r, _) = render(&s, None, &last, &reg(), &opts());
        assert!(r.text.contains("value: 9"), "{}", r.text);
    }

    #[test]
    fn only_a_render_without_errors_is_a_last_good_state() {
        assert!(
            LastGood::from_file("frontend.rps:\n  - value: 9\n", &reg()).is_none(),
            "not a render"
        );
        assert!(LastGood::from_file("# Rendered by x\nfrontend.rps:\n  - value: [\n", &reg()).is_none());
        assert_eq!(
            LastGood::from_file("# Rendered by x\nfrontend.rps:\n  - value: 9\n", &reg())
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn etcd_replaces_the_base_layer_key_by_key() {
        let base = parse_document("base.yaml", "frontend.rps:\n  - value: 1\nhistory.rps:\n  - value: 1\n").value;
        let s = snapshot(&[("frontend.rps", "- value: 2\n")]);
        let (r, _) = render(&s, Some(&base), &LastGood::default(), &reg(), &opts());
        assert!(
            r.text
                .ends_with("frontend.rps:\n  - value: 2\nhistory.rps:\n  - value: 1\n"),
            "{}",
            r.text
        );
    }

    #[test]
    fn two_spellings_of_one_key_keep_the_first() {
        let s = snapshot(&[("frontend.rps", "- value: 2\n"), ("Frontend.RPS", "- value: 3\n")]);
        let (r, _) = render(&s, None, &LastGood::default(), &reg(), &opts());
        assert_eq!(r.keys.len(), 1, "{}", r.text);
        assert_eq!(r.held.len(), 1, "{:?}", r.held);
    }

    #[test]
    fn guards_refuse_emptying_and_mass_drops() {
        let keys = |n: usize| (0..n).map(|i| Key::new(format!("k.k{i}"))).collect::<Vec<_>>();
        let rendered = |n: usize| Rendered {
            text: String::new(),
            revision: 1,
            keys: {
                let mut k = keys(n);
                k.sort();
                k
            },
            held: Vec::new(),
            unknown: Vec::new(),
        };
        let o = opts();
        let mut previous = keys(10);
        previous.sort();
        assert_eq!(
            check_guards(&previous, &rendered(0), &o),
            Err(Refusal::Empty { previous: 10 })
        );
        assert!(check_guards(&previous, &rendered(5), &o).is_ok(), "half may go");
        assert!(matches!(
            check_guards(&previous, &rendered(4), &o),
            Err(Refusal::MassDrop { dropped: 6, .. })
        ));
        assert!(check_guards(&[], &rendered(0), &o).is_ok(), "nothing to lose");
        let allow = RenderOptions {
            allow_empty: true,
            max_drop_percent: 100,
            ..o
        };
        assert!(check_guards(&previous, &rendered(0), &allow).is_ok());
    }
}
