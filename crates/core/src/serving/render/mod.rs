//! The file a stock Temporal server reads (`dynamicConfigClient.filepath`),
//! made from a prefix: canonical YAML, keys sorted, one state one byte
//! sequence. The server rejects a file with any error as a whole and keeps
//! its old values, so a stored value Temporal would reject (or tcfg reports
//! as an error) is held back: its key keeps its last good items, or is left
//! out when none is known, and every other key goes on updating.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::document::{ConstrainedValue, Document};
use crate::model::finding::{Finding, Level};
use crate::model::key::Key;
use crate::model::parse::parse_document;
use crate::model::serialize::push_entry;
use crate::model::yaml::Pos;
use crate::store::Prefix;
use crate::temporal::registry::Registry;
use crate::temporal::validate::{validate, Options};

mod verdict;
pub use verdict::{chunk_verdicts, in_precedence, read_verdicts, Verdict};

/// How a render treats what it finds.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Leave out keys the release does not register (kept by default:
    /// Temporal ignores them, and a custom build may know them).
    pub drop_unknown_keys: bool,
    /// Write an empty file: over one that had keys, or when the prefix holds
    /// no dynamic config at all (a mistyped prefix would otherwise start
    /// every server on its defaults).
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
    /// The key, as stored.
    pub key: Key,
    /// Its etcd key.
    pub etcd_key: String,
    /// Why: the errors of the stored value.
    pub findings: Vec<Finding>,
    /// Its last good items are rendered instead (else it is left out).
    pub kept_last_good: bool,
    /// The base layer's items are rendered instead (no last good items).
    pub kept_base: bool,
}

/// A render: the text and what it holds.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The file's text, header included.
    pub text: String,
    /// The prefix revision it reflects.
    pub revision: i64,
    /// The keys it holds, sorted.
    pub keys: Vec<Key>,
    /// The keys held back, by etcd key.
    pub held: Vec<Held>,
    /// Keys the release does not register, kept or (with
    /// `drop_unknown_keys`) left out.
    pub unknown: Vec<Key>,
}

/// Where a render is from: what its header names, and what a later
/// renderer checks before it trusts the file's items.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// The prefix rendered.
    pub prefix: &'a Prefix,
    /// The prefix revision it reflects.
    pub revision: i64,
    /// The etcd cluster, by the ID its answers carry (0: not known).
    pub cluster_id: u64,
}

/// Each key's rendered YAML (its name and list, as the file holds it).
pub type Blocks = BTreeMap<Key, Arc<str>>;

/// Each key's last good items, as their YAML block: from the file a previous
/// render wrote, then from every render since.
#[derive(Clone, Debug, Default)]
pub struct LastGood(Blocks);

impl LastGood {
    /// The keys of an existing file, when it is a render of `prefix` on the
    /// etcd cluster `cluster_id` that loads without an error: anything else
    /// (another prefix's render, another cluster's, a file by hand) is not
    /// trusted as this prefix's last good state.
    pub fn from_file(text: &str, registry: &Registry, prefix: &Prefix, cluster_id: u64) -> Option<LastGood> {
        if header_origin(text) != Some((prefix.as_str(), cluster_id)) {
            return None;
        }
        let parsed = parse_document("file", text);
        let opts = Options {
            allow_unknown_keys: true,
            ..Default::default()
        };
        let errors = parsed.has_errors() || validate(&parsed.value, registry, &opts).iter().any(is_error);
        (!errors && text.starts_with(HEADER_START)).then(|| LastGood(blocks_of(&parsed.value)))
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many keys differ between this state and `written`.
    pub fn changes(&self, written: &Blocks) -> usize {
        // Both sorted: one pass over the two.
        let (mut old, mut new) = (self.0.iter().peekable(), written.iter().peekable());
        let mut changed = 0;
        loop {
            match (old.peek(), new.peek()) {
                (None, None) => break,
                (Some((a, x)), Some((b, y))) if a == b => {
                    changed += usize::from(!Arc::ptr_eq(x, y) && x != y);
                    old.next();
                    new.next();
                }
                (Some((a, _)), Some((b, _))) if a < b => {
                    changed += 1;
                    old.next();
                }
                (Some(_), None) => {
                    changed += 1;
                    old.next();
                }
                _ => {
                    changed += 1;
                    new.next();
                }
            }
        }
        changed
    }

    /// Remember what a render wrote; how many keys differ from before.
    pub fn remember(&mut self, written: Blocks) -> usize {
        let changed = self.changes(&written);
        self.0 = written;
        changed
    }
}

const HEADER_START: &str = "# Rendered by ";
const HEADER_END: &str = ": edit the config in etcd, not this file.";

/// The prefix and etcd cluster a render's first line names (cluster 0: none
/// named).
fn header_origin(text: &str) -> Option<(&str, u64)> {
    let line = text
        .strip_prefix(HEADER_START)?
        .lines()
        .next()?
        .strip_suffix(HEADER_END)?;
    let (_, rest) = line.split_once(" from ")?;
    let (prefix, at) = rest.rsplit_once(" at revision ")?;
    let cluster = match at.split_once(" of etcd cluster ") {
        Some((_, id)) => u64::from_str_radix(id, 16).ok()?,
        None => 0,
    };
    Some((prefix, cluster))
}

/// An error that would have held a stored value back (the file's keys are
/// judged as stored values are).
fn is_error(f: &Finding) -> bool {
    f.level == Level::Error && f.code.refuses_stored_value()
}

/// The blocks of a document's keys.
pub fn blocks_of(doc: &Document) -> Blocks {
    doc.entries
        .iter()
        .map(|e| (e.key.clone(), block(e.key.as_str(), &e.items)))
        .collect()
}

fn block(name: &str, items: &[ConstrainedValue]) -> Arc<str> {
    let mut out = String::new();
    push_entry(&mut out, name, items, None);
    out.into()
}

/// What a render holds, before it is one text: its keys' blocks in file
/// order, the keys held back and the keys the release does not register.
pub struct Selection {
    /// Each key's block, in file order.
    pub blocks: Vec<(Key, Arc<str>)>,
    /// The keys held back.
    pub held: Vec<Held>,
    /// Keys the release does not register.
    pub unknown: Vec<Key>,
}

impl Selection {
    /// The file's first line.
    /// It names where the render is from: the prefix, and the etcd cluster
    /// by its ID (0: not known), which is what a later renderer checks
    /// before it trusts the file's items.
    pub fn header(&self, opts: &RenderOptions, origin: Origin) -> String {
        let Origin {
            prefix,
            revision,
            cluster_id,
        } = origin;
        let cluster = if cluster_id == 0 {
            String::new()
        } else {
            format!(" of etcd cluster {cluster_id:016x}")
        };
        format!(
            "{HEADER_START}{} from {prefix} at revision {revision}{cluster}{HEADER_END}\n",
            opts.generator
        )
    }

    /// The file, written piece by piece (no copy of the whole text).
    pub fn write_to(&self, out: &mut impl std::io::Write, header: &str) -> std::io::Result<()> {
        out.write_all(header.as_bytes())?;
        self.body().try_for_each(|piece| out.write_all(piece.as_bytes()))
    }

    /// The file after its header: the blocks, or an empty map.
    fn body(&self) -> impl Iterator<Item = &str> {
        let empty = self.blocks.is_empty().then_some("{}\n");
        self.blocks.iter().map(|(_, b)| &**b).chain(empty)
    }
}

/// The file of `stored` (in [`Verdict::precedence`] order) over `base`, as
/// one text and as blocks: see [`select`].
pub fn assemble(
    stored: &[&Verdict],
    base: &Blocks,
    last_good: &LastGood,
    registry: &Registry,
    opts: &RenderOptions,
    origin: Origin,
) -> (Rendered, Blocks) {
    let selection = select(stored, base, last_good, registry, opts);
    let mut text = selection.header(opts, origin);
    let revision = origin.revision;
    text.reserve(selection.body().map(str::len).sum());
    selection.body().for_each(|piece| text.push_str(piece));
    let rendered = Rendered {
        text,
        revision,
        keys: selection.blocks.iter().map(|(k, _)| k.clone()).collect(),
        held: selection.held,
        unknown: selection.unknown,
    };
    // Already sorted: the map is built in one pass.
    (rendered, selection.blocks.into_iter().collect())
}

/// What the file of `stored` (in [`Verdict::precedence`] order) over `base`
/// holds: the one place that decides it, whatever the verdicts were made
/// from. Linear in the keys: a sidecar runs it on every change.
pub fn select(
    stored: &[&Verdict],
    base: &Blocks,
    last_good: &LastGood,
    registry: &Registry,
    opts: &RenderOptions,
) -> Selection {
    // During a rolling upgrade a key either release registers is known.
    let known = |k: &Key| registry.get_in_either(k.as_str()).is_some();
    let mut out: Vec<(Key, Arc<str>, bool)> = Vec::with_capacity(stored.len() + base.len());
    let mut held = Vec::new();
    let mut base = base.iter().peekable();
    let mut i = 0;
    while let Some(&v) = stored.get(i) {
        // Base keys before this one; a stored key replaces the base's entry
        // for it, however spelled.
        while let Some((k, b)) = base.next_if(|(k, _)| *k < &v.key) {
            out.push((k.clone(), b.clone(), known(k)));
        }
        let base_entry = base.next_if(|(k, _)| *k == &v.key);
        // Spellings of one key stored side by side: Temporal would read one
        // of them at random, so the registered spelling (else the first) is
        // rendered and the others are held.
        i += 1;
        while let Some(&other) = stored.get(i).filter(|o| o.key == v.key) {
            held.push(Held {
                key: other.key.clone(),
                etcd_key: other.etcd_key.clone(),
                findings: vec![Finding::new(
                    crate::model::finding::Code::CaseDuplicateKey,
                    &other.etcd_key,
                    Pos::default(),
                    Some(other.key.as_str()),
                    format!(
                        "another spelling of {}, which is rendered; Temporal would read one of the two at random",
                        v.key
                    ),
                )],
                kept_last_good: false,
                kept_base: false,
            });
            i += 1;
        }
        match &v.block {
            Ok(block) => out.push((v.key.clone(), block.clone(), v.known)),
            // Held back: its last good items, else the base layer's (what
            // the file held before etcd took the key over), else nothing.
            Err(errors) => {
                let good = last_good.0.get_key_value(&v.key);
                let kept = good.or(base_entry);
                if let Some((name, block)) = kept {
                    out.push((name.clone(), block.clone(), known(name)));
                }
                held.push(Held {
                    key: v.key.clone(),
                    etcd_key: v.etcd_key.clone(),
                    findings: errors.clone(),
                    kept_last_good: good.is_some(),
                    kept_base: good.is_none() && base_entry.is_some(),
                });
            }
        }
    }
    out.extend(base.map(|(k, b)| (k.clone(), b.clone(), known(k))));
    let unknown: Vec<Key> = out
        .iter()
        .filter(|(_, _, known)| !known)
        .map(|(k, ..)| k.clone())
        .collect();
    if opts.drop_unknown_keys && !unknown.is_empty() {
        out.retain(|(_, _, known)| *known);
    }
    held.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
    Selection {
        blocks: out.into_iter().map(|(k, b, _)| (k, b)).collect(),
        held,
        unknown,
    }
}

/// Why a render is not written over the previous file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the render holds no keys, and the file it would replace holds {previous}: an empty prefix (or a wrong one) would reset every override on every server")]
    /// The render is empty and the file in place is not.
    Empty {
        /// How many keys the file in place holds.
        previous: usize,
    },
    #[error("the render holds no keys: an empty file would start every Temporal server on its defaults, as a mistyped prefix would")]
    /// The render is empty and there is no file yet.
    NoConfig,
    #[error(
        "the render drops {dropped} of the {previous} keys the file holds ({percent} %), more than {limit} % at once"
    )]
    /// The render drops more keys than `--max-drop` allows.
    MassDrop {
        /// How many keys the render drops.
        dropped: usize,
        /// How many the file in place holds.
        previous: usize,
        /// The share dropped, in percent.
        percent: usize,
        /// `--max-drop`, in percent.
        limit: u8,
    },
}

/// Whether `rendered` may replace a file that held `previous` keys.
pub fn check_guards(previous: &[Key], rendered: &Rendered, opts: &RenderOptions) -> Result<(), Refusal> {
    if previous.is_empty() {
        return if rendered.keys.is_empty() && !opts.allow_empty {
            Err(Refusal::NoConfig)
        } else {
            Ok(())
        };
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
    // Both sorted: one pass.
    let mut now = rendered.keys.iter().peekable();
    let dropped = previous
        .iter()
        .filter(|k| {
            while now.next_if(|n| n < k).is_some() {}
            now.peek() != Some(k)
        })
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
    use crate::store::Snapshot;

    /// The document to write for `snapshot` over the `base` layer (a key in
    /// etcd replaces the base's list for that key), with keys held back as
    /// `last_good` allows; and the blocks it holds.
    fn render(
        snapshot: &Snapshot,
        base: Option<&Document>,
        last_good: &LastGood,
        registry: &Registry,
        opts: &RenderOptions,
    ) -> (Rendered, Blocks) {
        let base = base.map(blocks_of).unwrap_or_default();
        render_verdicts(
            &verdicts(snapshot, registry),
            &base,
            last_good,
            registry,
            opts,
            Origin {
                prefix: &snapshot.prefix,
                revision: snapshot.revision,
                cluster_id: 0,
            },
        )
    }

    /// The file of a read's verdicts (in any order).
    fn render_verdicts<'a>(
        verdicts: impl IntoIterator<Item = &'a Verdict>,
        base: &Blocks,
        last_good: &LastGood,
        registry: &Registry,
        opts: &RenderOptions,
        origin: Origin,
    ) -> (Rendered, Blocks) {
        let started = std::time::Instant::now();
        let stored = in_precedence(verdicts);
        let done = assemble(&stored, base, last_good, registry, opts, origin);
        tracing::debug!(elapsed = ?started.elapsed(), keys = done.0.keys.len(), "rendered {}", origin.prefix);
        done
    }

    /// The verdict on every key of a read of the prefix, in etcd's order.
    fn verdicts(snapshot: &Snapshot, registry: &Registry) -> Vec<Verdict> {
        snapshot
            .keys
            .iter()
            .map(|k| {
                Verdict::of(
                    &k.etcd_key,
                    &k.key,
                    k.items.as_deref().map_err(|f| f.as_slice()),
                    registry,
                )
            })
            .collect()
    }

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
    fn during_a_rolling_upgrade_the_keys_of_either_release_are_kept() {
        // system.enableNexus is registered by v1.30 only, scheduler.tweakables
        // by v1.31 only: old and new servers read the one file.
        let s = snapshot(&[
            ("system.enableNexus", "- value: true\n"),
            ("scheduler.tweakables", "- value: {}\n"),
            ("acme.custom", "- value: x\n"),
        ]);
        let range = Registry::for_version(Some("1.31"))
            .unwrap()
            .with_older(Registry::for_version(Some("1.30")).unwrap());
        let dropped = RenderOptions {
            drop_unknown_keys: true,
            ..opts()
        };
        let (r, _) = render(&s, None, &LastGood::default(), &range, &dropped);
        assert_eq!(r.unknown, [Key::new("acme.custom")]);
        assert!(
            r.text.contains("system.enableNexus") && r.text.contains("scheduler.tweakables"),
            "{}",
            r.text
        );
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
            "# Rendered by tcfg 0.1.0 from /p/ at revision 3: edit the config in etcd, not this file.\nfrontend.rps:\n  - value: 9\n",
            &reg(),
            &Prefix::new("/p/"),
            0,
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
    fn only_a_render_of_this_prefix_and_cluster_without_errors_is_a_last_good_state() {
        let p = Prefix::new("/temporal/dynamicconfig/");
        let from = |header: &str, body: &str| {
            format!("# Rendered by tcfg 1 from {header}: edit the config in etcd, not this file.\n{body}")
        };
        let good = "frontend.rps:\n  - value: 9\n";
        let ours = from(
            "/temporal/dynamicconfig/ at revision 5 of etcd cluster 00000000000000ff",
            good,
        );
        assert_eq!(LastGood::from_file(&ours, &reg(), &p, 255).unwrap().len(), 1);
        assert!(LastGood::from_file(good, &reg(), &p, 255).is_none(), "not a render");
        let broken = from(
            "/temporal/dynamicconfig/ at revision 5 of etcd cluster 00000000000000ff",
            "frontend.rps:\n  - value: [\n",
        );
        assert!(LastGood::from_file(&broken, &reg(), &p, 255).is_none());
        let other_prefix = from(
            "/other/temporal/dynamicconfig/ at revision 5 of etcd cluster 00000000000000ff",
            good,
        );
        assert!(
            LastGood::from_file(&other_prefix, &reg(), &p, 255).is_none(),
            "another prefix's render"
        );
        assert!(
            LastGood::from_file(&ours, &reg(), &p, 256).is_none(),
            "another cluster's render"
        );
        let unnamed = from("/temporal/dynamicconfig/ at revision 5", good);
        assert!(
            LastGood::from_file(&unnamed, &reg(), &p, 255).is_none(),
            "a render that names no cluster"
        );
        // A header this code wrote reads back as its origin.
        let sel = Selection {
            blocks: Vec::new(),
            held: Vec::new(),
            unknown: Vec::new(),
        };
        let at = |cluster_id| Origin {
            prefix: &p,
            revision: 9,
            cluster_id,
        };
        assert_eq!(
            header_origin(&sel.header(&opts(), at(0xabc))),
            Some((p.as_str(), 0xabc))
        );
        assert_eq!(header_origin(&sel.header(&opts(), at(0))), Some((p.as_str(), 0)));
    }

    #[test]
    fn a_held_back_key_keeps_the_base_layers_items_when_it_has_no_last_good() {
        let bad = "- value: 1\n  constraints: {namespace: [x]}\n";
        let s = snapshot(&[("frontend.rps", bad)]);
        let base = parse_document(
            "base.yaml",
            "frontend.rps:\n  - value: 300\nhistory.rps:\n  - value: 3\n",
        )
        .value;
        let (r, _) = render(&s, Some(&base), &LastGood::default(), &reg(), &opts());
        assert!(r.text.contains("frontend.rps:\n  - value: 300\n"), "{}", r.text);
        assert_eq!(r.held.len(), 1);
        assert!(r.held[0].kept_base && !r.held[0].kept_last_good);
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
        assert_eq!(
            check_guards(&[], &rendered(0), &o),
            Err(Refusal::NoConfig),
            "nothing to lose, but nothing to serve either"
        );
        assert!(check_guards(&[], &rendered(1), &o).is_ok());
        let allow = RenderOptions {
            allow_empty: true,
            max_drop_percent: 100,
            ..o
        };
        assert!(check_guards(&previous, &rendered(0), &allow).is_ok());
        assert!(check_guards(&[], &rendered(0), &allow).is_ok());
    }

    #[test]
    fn remembering_a_render_counts_the_keys_that_differ() {
        let blocks =
            |pairs: &[(&str, &str)]| -> Blocks { pairs.iter().map(|(k, b)| (Key::new(k), Arc::from(*b))).collect() };
        let mut last = LastGood(blocks(&[("a", "1"), ("b", "2"), ("c", "3"), ("e", "5")]));
        // b changed, c gone, d new; a and e as they were.
        assert_eq!(
            last.remember(blocks(&[("a", "1"), ("b", "9"), ("d", "4"), ("e", "5")])),
            3
        );
        assert_eq!(
            last.remember(blocks(&[("a", "1"), ("b", "9"), ("d", "4"), ("e", "5")])),
            0
        );
        assert_eq!(last.remember(Blocks::new()), 4);
    }
}
