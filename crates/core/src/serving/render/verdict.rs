//! Each stored key decided for the file: its block as it is written, or the
//! errors that hold it back, by the one verdict on a stored value
//! ([`stored_value_errors`]), made where the prefix is parsed (a read's
//! chunks) or taken from the watch client's.

use std::sync::Arc;

use crate::model::document::ConstrainedValue;
use crate::model::finding::Finding;
use crate::model::key::Key;
use crate::model::serialize::push_entry;
use crate::store::{PrefixChunk, Store, StoreError};
use crate::temporal::registry::Registry;
use crate::temporal::validate::stored_value_errors;

/// A stored key, decided: its block as stored, or the errors that hold it
/// back (its own, checked alone: cross-key checks are warnings).
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The key, as stored.
    pub key: Key,
    /// Its etcd key.
    pub etcd_key: String,
    /// Its block in the file, or the errors that hold it back.
    pub block: Result<Arc<str>, Vec<Finding>>,
    /// Spelled as the registry spells it (rendered before other spellings).
    pub registered: bool,
    /// The registry knows the key.
    pub known: bool,
    /// The stored value's mod revision, when known (0 otherwise).
    pub mod_revision: i64,
}

impl Verdict {
    /// The verdict on a stored value: parsed items, or why it does not parse.
    pub fn of(
        etcd_key: &str,
        key: &Key,
        items: Result<&[ConstrainedValue], &[Finding]>,
        registry: &Registry,
    ) -> Verdict {
        Verdict::with_text(
            etcd_key.to_string(),
            key.clone(),
            items,
            None,
            registry,
            &mut String::new(),
        )
    }

    /// [`Verdict::of`] a value stored in canonical form (`canonical` is the
    /// text the items serialise to), which is its block as it is.
    /// (`scratch` is a buffer the caller reuses from key to key: a block is
    /// then allocated once, at its size.)
    fn with_text(
        etcd_key: String,
        key: Key,
        items: Result<&[ConstrainedValue], &[Finding]>,
        canonical: Option<&str>,
        registry: &Registry,
        scratch: &mut String,
    ) -> Verdict {
        let block = match items {
            Err(findings) => Err(findings.to_vec()),
            Ok(items) => {
                let errors = stored_value_errors(&etcd_key, &key, items, registry);
                if errors.is_empty() {
                    scratch.clear();
                    push_entry(scratch, key.as_str(), items, canonical);
                    Ok(Arc::from(scratch.as_str()))
                } else {
                    Err(errors)
                }
            }
        };
        Verdict::new(etcd_key, key, block, registry)
    }

    /// A stored value the watch client serves: the client made the same
    /// verdict ([`stored_value_errors`]), so it is not made again, and the
    /// items are its block as they are.
    pub fn served(etcd_key: &str, key: &Key, items: &[ConstrainedValue], registry: &Registry) -> Verdict {
        let mut block = String::new();
        push_entry(&mut block, key.as_str(), items, None);
        Verdict::new(etcd_key.to_string(), key.clone(), Ok(Arc::from(block)), registry)
    }

    /// A stored value refused before it came here (the watch client's check).
    pub fn refused(etcd_key: &str, key: &Key, findings: Vec<Finding>, registry: &Registry) -> Verdict {
        Verdict::new(etcd_key.to_string(), key.clone(), Err(findings), registry)
    }

    fn new(etcd_key: String, key: Key, block: Result<Arc<str>, Vec<Finding>>, registry: &Registry) -> Verdict {
        let def = registry.get_in_either(key.as_str());
        Verdict {
            registered: def.is_some_and(|d| d.name == key.as_str()),
            known: def.is_some(),
            key,
            etcd_key,
            block,
            mod_revision: 0,
        }
    }

    /// The order [`super::assemble`] takes: by key, and of the spellings of one
    /// key the registered one first, then etcd's order.
    pub fn precedence(a: &Verdict, b: &Verdict) -> std::cmp::Ordering {
        a.key
            .cmp(&b.key)
            .then(b.registered.cmp(&a.registered))
            .then_with(|| a.etcd_key.cmp(&b.etcd_key))
    }
}

/// The verdicts on a chunk of a read of the prefix, in etcd's order: made on
/// the thread that parses it (see [`Store::read_prefix_chunks`]).
pub fn chunk_verdicts(chunk: PrefixChunk, registry: &Registry) -> Result<Vec<Verdict>, StoreError> {
    let mut out = Vec::with_capacity(chunk.len());
    let mut scratch = String::new();
    chunk.parse_each(registry, |k| {
        let canonical = k.canonical.then_some(k.raw.as_str());
        let items = k.items.as_deref().map_err(|f| f.as_slice());
        let mut v = Verdict::with_text(k.etcd_key, k.key, items, canonical, registry, &mut scratch);
        v.mod_revision = k.mod_revision;
        out.push(v);
    })?;
    Ok(out)
}

/// A read of the prefix at `at` (the newest when `None`), each key decided
/// on the thread that parses its chunk: the read's revision, the etcd
/// cluster it came from, and the verdicts, in etcd's order.
pub async fn read_verdicts(
    store: &Store,
    registry: &Arc<Registry>,
    at: Option<i64>,
) -> Result<(i64, u64, Vec<Verdict>), StoreError> {
    let reg = Arc::clone(registry);
    let read = store
        .read_prefix_chunks(at, move |chunk| chunk_verdicts(chunk, &reg))
        .await?;
    let mut verdicts = Vec::new();
    for chunk in read.chunks {
        verdicts.extend(chunk?);
    }
    Ok((read.revision, read.cluster_id, verdicts))
}

/// Verdicts in the order [`super::select`] takes them.
pub fn in_precedence<'a>(verdicts: impl IntoIterator<Item = &'a Verdict>) -> Vec<&'a Verdict> {
    let mut stored: Vec<&Verdict> = verdicts.into_iter().collect();
    stored.sort_by(|a, b| Verdict::precedence(a, b));
    stored
}
