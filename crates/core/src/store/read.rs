//! Reads: idempotent, retried across endpoints; a whole prefix in pages at
//! one revision, parsed on every core, and single keys in every spelling.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{GetOptions, Txn, TxnOp, TxnOpResponse};
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::time::{sleep, timeout, Instant};

use super::error::classify;
use super::{foreign_reason, raw, Conn, ForeignKey, Prefix, Snapshot, Store, StoreError, StoredKey, NO_MEMBER};
use crate::model::key::{document_order, name_shape, Key, NameShape};
use crate::temporal::registry::Registry;

/// Keys per range request when reading a prefix: one round trip for most
/// prefixes. Smaller pages parsed while etcd serves the next were slower on a
/// 2-core machine, where etcd and the parser share the cores.
const PAGE: i64 = 50_000;

/// The fewest keys worth a parsing thread of their own.
const PARSE_CHUNK: usize = 500;

/// The stored spellings of one key, read at one revision.
#[derive(Clone, Debug)]
pub struct KeyRead {
    /// The revision read at.
    pub revision: i64,
    /// Usually one; more when other tools stored the key in other cases.
    pub stored: Vec<StoredKey>,
}

impl KeyRead {
    /// The spelling a command shows and edits: the registered one (`name`
    /// under `prefix`) when stored, else the first stored.
    pub fn registered_or_first(&self, prefix: &Prefix, name: &str) -> Option<&StoredKey> {
        let registered = prefix.key_path(name);
        self.stored
            .iter()
            .find(|s| s.etcd_key == registered)
            .or(self.stored.first())
    }
}

impl Store {
    /// Run an idempotent read, retrying on another endpoint while the
    /// cluster is unreachable (up to the dial timeout) or slow (up to the
    /// command timeout).
    pub(super) async fn read<T, F, Fut>(&self, what: &str, revision: i64, f: F) -> Result<T, StoreError>
    where
        F: Fn(etcd_client::Client) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        self.read_via(what, revision, |conn| f(conn.client)).await
    }

    /// [`Store::read`], for requests that need the connection's tap too.
    ///
    /// A member that holds its connection open and never answers (frozen,
    /// or cut off without the connection closing) looks ready to the
    /// balanced channel, which picks members at random: retrying there can
    /// hit it again and again. So once an attempt times out, every member
    /// is asked at once on a connection of its own, the first answer wins,
    /// and the member that gave it is asked first from then on.
    pub(super) async fn read_via<T, F, Fut>(&self, what: &str, revision: i64, f: F) -> Result<T, StoreError>
    where
        F: Fn(Conn) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let start = Instant::now();
        let deadline = start + self.settings.command_timeout;
        let connect_deadline = start + self.settings.dial_timeout;
        // One attempt may hang on a dead member: leave room for others.
        let per_attempt = (self.settings.command_timeout / 3).max(Duration::from_millis(500));
        let mut backoff = Duration::from_millis(20);
        let several = self.members.len() > 1;
        let mut every_member = false;
        loop {
            let now = Instant::now();
            let attempt = per_attempt.min(deadline.saturating_duration_since(now));
            let preferred = self.preferred.load(Ordering::Relaxed);
            let tried = if every_member {
                timeout(attempt, self.ask_every_member(what, revision, &f)).await
            } else if preferred != NO_MEMBER {
                timeout(attempt, async {
                    let conn = self.member(preferred).await?.clone();
                    f(conn).await.map_err(|e| self.classify_read(e, what, revision))
                })
                .await
            } else {
                timeout(attempt, async {
                    f(self.conn.clone())
                        .await
                        .map_err(|e| self.classify_read(e, what, revision))
                })
                .await
            };
            let err = match tried {
                Ok(Ok(v)) => {
                    tracing::debug!(at_revision = revision, elapsed = ?start.elapsed(), "{what}");
                    return Ok(v);
                }
                Ok(Err(e)) => e,
                Err(_) => StoreError::Timeout {
                    what: what.to_string(),
                    timeout: self.settings.command_timeout,
                },
            };
            let limit = match err {
                // Nothing listens at any endpoint: no wait can help.
                StoreError::Unreachable { .. } if super::every_endpoint_refuses(&self.settings.endpoints).await => {
                    return Err(super::refused_everywhere(err, start));
                }
                StoreError::Unreachable { .. } => connect_deadline,
                StoreError::Timeout { .. } => deadline,
                StoreError::Tls { .. } => return Err(super::refine_tls(err, &self.settings).await),
                _ => return Err(err),
            };
            // The preferred member failed too: back to the balanced channel,
            // or, after a timeout, to every member.
            self.preferred.store(NO_MEMBER, Ordering::Relaxed);
            every_member |= matches!(err, StoreError::Timeout { .. }) && several;
            if Instant::now() + backoff >= limit {
                let err = match err {
                    StoreError::Timeout { .. } => StoreError::Timeout {
                        what: what.to_string(),
                        timeout: self.settings.command_timeout,
                    },
                    other => other,
                };
                return Err(super::not_etcd_behind_timeout(err, &self.settings).await);
            }
            sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_millis(400));
        }
    }

    /// The same read sent to every member at once: the first answer, or
    /// the first error that another member would give too (a permission,
    /// a compacted revision); else, when every member failed, the last
    /// failure.
    async fn ask_every_member<T, F, Fut>(&self, what: &str, revision: i64, f: &F) -> Result<T, StoreError>
    where
        F: Fn(Conn) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let mut asking: FuturesUnordered<_> = (0..self.members.len())
            .map(|i| async move {
                let conn = self.member(i).await?.clone();
                let answer = f(conn).await.map_err(|e| self.classify_read(e, what, revision));
                answer.map(|v| (i, v))
            })
            .collect();
        let mut last = None;
        while let Some(answer) = asking.next().await {
            match answer {
                Ok((i, v)) => {
                    self.preferred.store(i, Ordering::Relaxed);
                    return Ok(v);
                }
                Err(e @ (StoreError::Unreachable { .. } | StoreError::Timeout { .. })) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| StoreError::Other("no etcd endpoint to ask".into())))
    }

    fn classify_read(&self, e: etcd_client::Error, what: &str, revision: i64) -> StoreError {
        classify(e, &self.context(what, "read", revision))
    }

    /// Read the whole prefix, in pages, at one revision (`None`: the newest),
    /// and parse it.
    pub async fn snapshot(&self, registry: &Registry, at: Option<i64>) -> Result<Snapshot, StoreError> {
        Ok(self.read_prefix(at).await?.into_snapshot(registry))
    }

    /// Read and parse the whole prefix at one revision, each page parsed on
    /// every core while etcd serves the next. Only the few names that are
    /// neither key-shaped nor nested paths need the registry, so a caller
    /// can load its registry meanwhile and finish with
    /// [`PrefixRead::into_snapshot`].
    pub async fn read_prefix(&self, at: Option<i64>) -> Result<PrefixRead, StoreError> {
        let read = self.read_prefix_chunks(at, PrefixChunk::read).await?;
        let mut whole = PrefixRead {
            prefix: read.prefix,
            revision: read.revision,
            keys: Vec::new(),
            foreign: Vec::new(),
            undecided: Vec::new(),
        };
        let chunks = read.chunks.into_iter().collect::<Result<Vec<_>, _>>()?;
        whole.keys.reserve(chunks.iter().map(|c| c.keys.len()).sum());
        for chunk in chunks {
            let base = whole.keys.len();
            whole.undecided.extend(chunk.undecided.into_iter().map(|i| base + i));
            whole.keys.extend(chunk.keys);
            whole.foreign.extend(chunk.foreign);
        }
        Ok(whole)
    }

    /// [`Store::read_prefix`] in chunks of consecutive keys, each handed,
    /// not yet parsed, to `each` on a thread of its own: the work per key
    /// (parsing, settling names, validating, rendering) runs on every core,
    /// and can be done key by key, on data still in that core's cache. The
    /// chunks come back in key order.
    pub async fn read_prefix_chunks<T, F>(&self, at: Option<i64>, each: F) -> Result<Chunks<T>, StoreError>
    where
        T: Send + 'static,
        F: Fn(PrefixChunk) -> T + Send + Sync + 'static,
    {
        self.read_chunks(at, false, each).await
    }

    /// The dynamic config key names under the prefix, in document order:
    /// etcd sends the names alone, and no value is read or parsed.
    pub async fn read_names(&self, registry: &Registry, at: Option<i64>) -> Result<(i64, Vec<Key>), StoreError> {
        let read = self.read_chunks(at, true, |chunk| chunk.names()).await?;
        let mut names = Vec::new();
        for chunk in read.chunks {
            let (sure, undecided) = chunk?;
            names.extend(sure);
            names.extend(
                undecided
                    .into_iter()
                    .filter(|n| registry.foreign_reason(n.as_str()).is_none()),
            );
        }
        names.sort_by(document_order);
        Ok((read.revision, names))
    }

    async fn read_chunks<T, F>(&self, at: Option<i64>, keys_only: bool, each: F) -> Result<Chunks<T>, StoreError>
    where
        T: Send + 'static,
        F: Fn(PrefixChunk) -> T + Send + Sync + 'static,
    {
        let each = Arc::new(each);
        let prefix = self.settings.prefix.clone();
        let end = prefix.range_end();
        let mut from = prefix.as_str().as_bytes().to_vec();
        let mut revision = at.unwrap_or(0);
        let mut cluster_id;
        let what = format!("reading {prefix}");
        let started = Instant::now();
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let max_response = self.settings.max_response_size;
        let mut page = PAGE;
        let mut parsing = Vec::new();
        let login = self.settings.user.is_some();
        loop {
            let (f, e, rev) = (Arc::new(from.clone()), Arc::new(end.clone()), revision);
            let key = prefix.as_str().to_string();
            let read = self
                .read_via(&what, rev, move |Conn { client: c, tap }| {
                    let (f, e, key) = (f.clone(), e.clone(), key.clone());
                    async move {
                        if login && !tap.has_token() {
                            // Pages go out with the token etcd-client sends: have it send one.
                            token_refresh(c.clone(), key.clone()).await?;
                        }
                        let request = raw::RangeRequest {
                            key: &f,
                            range_end: &e,
                            limit: page,
                            revision: rev,
                            keys_only,
                        };
                        let answer = match tap.range(&request, max_response).await {
                            // A token etcd no longer knows (it expired, or auth was
                            // turned off and on): etcd-client logs in again on its
                            // next request, and the page goes out with the new token.
                            Err(s) if login && raw::is_stale_token(&s) => {
                                token_refresh(c, key).await?;
                                tap.range(&request, max_response).await?
                            }
                            other => other?,
                        };
                        raw::RangeAnswer::locate(answer).map_err(etcd_client::Error::GRpcStatus)
                    }
                })
                .await;
            let answer = match read {
                // etcd values go up to 1.5 MiB: a page of large ones can exceed
                // any limit. Fewer keys per page, from the same key.
                Err(StoreError::ResponseTooLarge { .. }) if page > 1 => {
                    page /= 2;
                    tracing::debug!(page, "a page of {prefix} was too large; reading smaller pages");
                    continue;
                }
                other => other?,
            };
            if revision == 0 {
                revision = answer.revision;
            }
            cluster_id = answer.cluster_id;
            let more = answer.more;
            tracing::debug!(elapsed = ?started.elapsed(), keys = answer.count, more, "page of {prefix}");
            if let Some(last) = answer.last() {
                from = last.key.to_vec();
                from.push(0);
            }
            // Several chunks per core: a core busy elsewhere (etcd, the registry) holds up less.
            let chunk = answer.count.div_ceil(threads * 4).max(PARSE_CHUNK);
            let parts = answer
                .split(chunk)
                .map_err(|e| StoreError::Other(e.message().to_string()))?;
            for (part, count) in parts {
                let (prefix, each, buf) = (prefix.clone(), each.clone(), answer.buf.slice(part));
                parsing.push(tokio::task::spawn_blocking(move || {
                    each(PrefixChunk {
                        prefix,
                        revision,
                        kvs: buf,
                        count,
                    })
                }));
            }
            if !more {
                break;
            }
        }
        let mut chunks = Vec::with_capacity(parsing.len());
        for task in parsing {
            chunks.push(
                task.await
                    .map_err(|e| StoreError::Other(format!("parsing stopped: {e}")))?,
            );
        }
        tracing::debug!(elapsed = ?started.elapsed(), chunks = chunks.len(), revision, "read and parsed {prefix}");
        Ok(Chunks {
            prefix,
            revision,
            cluster_id,
            chunks,
        })
    }

    /// The ID of the etcd cluster this store reaches, as its answers give it
    /// (one count-only read of the prefix): what a render's header names,
    /// so that only a render of the same cluster lends its items.
    pub async fn cluster_id(&self) -> Result<u64, StoreError> {
        let prefix = self.settings.prefix.clone();
        let resp = self
            .read(&format!("reading {prefix}"), 0, move |mut c| {
                let (from, end) = (prefix.as_str().to_string(), prefix.range_end());
                async move {
                    c.get(from, Some(GetOptions::new().with_range(end).with_count_only()))
                        .await
                }
            })
            .await?;
        Ok(resp.header().map_or(0, |h| h.cluster_id()))
    }

    /// The bytes stored at one etcd key under the prefix, exactly (not
    /// decoded, not parsed), as of revision `at` (`None`: now); `None` when
    /// nothing is stored there.
    pub async fn read_bytes(&self, etcd_key: &str, at: Option<i64>) -> Result<Option<Vec<u8>>, StoreError> {
        let key = etcd_key.to_string();
        let mut resp = self
            .read(&format!("reading {etcd_key}"), at.unwrap_or(0), move |mut c| {
                let key = key.clone();
                let opts = at.map(|r| GetOptions::new().with_revision(r));
                async move { c.get(key, opts).await }
            })
            .await?;
        Ok(resp.take_kvs().into_iter().next().map(|kv| kv.into_key_value().1))
    }

    /// Read one key by name. The registered spelling is read first; when it
    /// is absent, or `all_spellings` is set, the prefix's key names are
    /// scanned for other spellings of it too.
    pub async fn read_key(&self, name: &str, all_spellings: bool) -> Result<KeyRead, StoreError> {
        self.read_key_at(name, all_spellings, None).await
    }

    /// [`Store::read_key`] as of revision `at` (`None`: now), while etcd
    /// still keeps it.
    pub async fn read_key_at(&self, name: &str, all_spellings: bool, at: Option<i64>) -> Result<KeyRead, StoreError> {
        let prefix = self.settings.prefix.clone();
        let at_revision = |o: GetOptions| match at {
            Some(r) => o.with_revision(r),
            None => o,
        };
        let path = prefix.key_path(name);
        let what = format!("reading {path}");
        // One round trip: the key, and the names where another spelling of
        // it can be (see `spelling_ranges`), at one revision.
        let ranges = if all_spellings {
            spelling_ranges(&prefix, name)
        } else {
            Vec::new()
        };
        let (p, r) = (path.clone(), ranges.clone());
        let resp = self
            .read(&what, at.unwrap_or(0), move |mut c| {
                let mut ops = vec![TxnOp::get(p.clone(), Some(at_revision(GetOptions::new())))];
                ops.extend(r.iter().map(|(from, to)| {
                    TxnOp::get(
                        from.clone(),
                        Some(at_revision(GetOptions::new().with_range(to.clone()).with_keys_only())),
                    )
                }));
                async move { c.txn(Txn::new().and_then(ops)).await }
            })
            .await?;
        let revision = at.unwrap_or_else(|| resp.header().map(|h| h.revision()).unwrap_or(0));
        let mut gets = resp.op_responses().into_iter().filter_map(|r| match r {
            TxnOpResponse::Get(g) => Some(g),
            _ => None,
        });
        let mut stored: Vec<StoredKey> = gets
            .next()
            .map(|mut g| g.take_kvs().into_iter().map(|kv| to_stored(&prefix, kv)).collect())
            .unwrap_or_default();
        let mut others: Vec<Vec<u8>> = Vec::new();
        if all_spellings {
            let wanted = crate::model::key::fold(name);
            for mut g in gets {
                others.extend(g.take_kvs().into_iter().map(|kv| kv.key().to_vec()).filter(|k| {
                    let k = String::from_utf8_lossy(k);
                    k != path
                        && prefix.name_of(&k).is_some_and(|n| {
                            !matches!(name_shape(n), NameShape::Foreign(_)) && crate::model::key::fold(n) == wanted
                        })
                }));
            }
        }
        for other in others {
            let o = other.clone();
            let mut resp = self
                .read(&what, revision, move |mut c| {
                    let o = o.clone();
                    async move { c.get(o, Some(GetOptions::new().with_revision(revision))).await }
                })
                .await?;
            stored.extend(resp.take_kvs().into_iter().map(|kv| to_stored(&prefix, kv)));
        }
        Ok(KeyRead { revision, stored })
    }
}

/// The key ranges under `prefix` where a name that folds like `name` can
/// start: its first letter in either case, and every name starting with a
/// non-ASCII character (a few fold to ASCII letters, such as the Kelvin
/// sign). For a name not starting with an ASCII letter, the whole prefix.
fn spelling_ranges(prefix: &Prefix, name: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let base = prefix.as_str().as_bytes();
    let with = |b: u8| [base, &[b]].concat();
    match name.as_bytes().first() {
        Some(&c) if c.is_ascii_alphabetic() => {
            let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            vec![
                (with(lower), with(lower + 1)),
                (with(upper), with(upper + 1)),
                (with(0x80), prefix.range_end()),
            ]
        }
        _ => vec![(base.to_vec(), prefix.range_end())],
    }
}

/// A whole prefix read in chunks (see [`Store::read_prefix_chunks`]).
pub struct Chunks<T> {
    /// The prefix read.
    pub prefix: Prefix,
    /// The store revision it was read at.
    pub revision: i64,
    /// The etcd cluster it was read from (its ID, as etcd's answers give it).
    pub cluster_id: u64,
    /// What each chunk gave, in key order.
    pub chunks: Vec<T>,
}

/// A prefix (or a chunk of consecutive keys of it) as read and parsed,
/// before the registry settles the names only it can (see
/// [`Store::read_prefix`]).
pub struct PrefixRead {
    prefix: Prefix,
    revision: i64,
    keys: Vec<StoredKey>,
    foreign: Vec<ForeignKey>,
    /// Indexes into `keys` of names that are dynamic config only if registered.
    undecided: Vec<usize>,
}

impl PrefixRead {
    /// The store revision it was read at.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// The snapshot, names the registry does not know moved to the foreign keys.
    pub fn into_snapshot(self, registry: &Registry) -> Snapshot {
        let PrefixRead {
            prefix,
            revision,
            mut keys,
            mut foreign,
            undecided,
        } = self;
        if !undecided.is_empty() {
            let mut undecided = undecided.into_iter().peekable();
            let mut kept = Vec::with_capacity(keys.len());
            let mut unknown = Vec::new();
            for (i, k) in keys.into_iter().enumerate() {
                let settled = if undecided.next_if_eq(&i).is_some() {
                    settle(k, registry)
                } else {
                    Ok(k)
                };
                match settled {
                    Ok(k) => kept.push(k),
                    Err(f) => unknown.push(f),
                }
            }
            keys = kept;
            merge_foreign(&mut foreign, unknown);
        }
        Snapshot {
            prefix,
            revision,
            keys,
            foreign,
        }
    }
}

/// Consecutive keys of a prefix as etcd sent them, not yet parsed (see
/// [`Store::read_prefix_chunks`]).
pub struct PrefixChunk {
    prefix: Prefix,
    revision: i64,
    /// `KeyValue` messages, back to back.
    kvs: bytes::Bytes,
    count: usize,
}

impl PrefixChunk {
    /// A chunk as etcd would send it: `kvs` (key, value, mod revision) in
    /// etcd's byte order.
    #[cfg(test)]
    pub(crate) fn from_key_values(prefix: &Prefix, revision: i64, kvs: &[(&str, &[u8], i64)]) -> PrefixChunk {
        PrefixChunk {
            prefix: prefix.clone(),
            revision,
            kvs: raw::encode_key_values(kvs),
            count: kvs.len(),
        }
    }

    /// How many keys it holds (foreign ones included).
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many bytes of names and values it holds, about.
    pub fn size(&self) -> usize {
        self.kvs.len()
    }

    /// Parse every key; the registry settles the undecided names later
    /// ([`PrefixRead::into_snapshot`]).
    pub fn read(self) -> Result<PrefixRead, StoreError> {
        let mut keys = Vec::with_capacity(self.count);
        let mut undecided = Vec::new();
        let foreign = self.parse(|key, settled_by_registry| {
            if settled_by_registry {
                undecided.push(keys.len());
            }
            keys.push(key);
        })?;
        Ok(PrefixRead {
            prefix: self.prefix,
            revision: self.revision,
            keys,
            foreign,
            undecided,
        })
    }

    /// Parse the keys one by one, handing each dynamic config key to `f` as
    /// soon as it is parsed (names the registry does not know go to the
    /// foreign keys returned, in etcd key order).
    pub fn parse_each(&self, registry: &Registry, mut f: impl FnMut(StoredKey)) -> Result<Vec<ForeignKey>, StoreError> {
        let mut unknown = Vec::new();
        let mut foreign = self.parse(|key, settled_by_registry| {
            let settled = if settled_by_registry {
                settle(key, registry)
            } else {
                Ok(key)
            };
            match settled {
                Ok(key) => f(key),
                Err(foreign) => unknown.push(foreign),
            }
        })?;
        merge_foreign(&mut foreign, unknown);
        Ok(foreign)
    }

    /// The names of the chunk's keys (read without values): those that are
    /// dynamic config by their shape, and those only the registry can tell.
    pub fn names(&self) -> Result<(Vec<Key>, Vec<Key>), StoreError> {
        let (mut sure, mut undecided) = (Vec::with_capacity(self.count), Vec::new());
        for kv in raw::key_values(&self.kvs) {
            let kv = kv.map_err(|e| StoreError::Other(e.message().to_string()))?;
            let Some(name) = std::str::from_utf8(kv.key).ok().and_then(|k| self.prefix.name_of(k)) else {
                continue;
            };
            match name_shape(name) {
                NameShape::Foreign(_) => {}
                NameShape::Key => sure.push(Key::new(name)),
                NameShape::KeyIfRegistered => undecided.push(Key::new(name)),
            }
        }
        Ok((sure, undecided))
    }

    /// Every key in etcd order: dynamic config keys to `key` (with whether
    /// only the registry can tell it is one), the foreign ones returned.
    fn parse(&self, mut key: impl FnMut(StoredKey, bool)) -> Result<Vec<ForeignKey>, StoreError> {
        let mut foreign = Vec::new();
        for kv in raw::key_values(&self.kvs) {
            let kv = kv.map_err(|e| StoreError::Other(e.message().to_string()))?;
            let etcd_key = utf8_key(kv.key.to_vec());
            let shape = if std::str::from_utf8(kv.key).is_err() {
                NameShape::Foreign("its name is not UTF-8 text (shown with \u{fffd} for the bytes that are not)")
            } else {
                name_shape(self.prefix.name_of(&etcd_key).unwrap_or(""))
            };
            if let NameShape::Foreign(reason) = shape {
                foreign.push(ForeignKey { etcd_key, reason });
                continue;
            }
            let value = std::str::from_utf8(kv.value)
                .map(str::to_string)
                .map_err(|_| kv.value.to_vec());
            let revs = (kv.create_revision, kv.mod_revision, kv.version);
            key(
                StoredKey::from_kv(&self.prefix, etcd_key, value, revs),
                matches!(shape, NameShape::KeyIfRegistered),
            );
        }
        Ok(foreign)
    }
}

/// A key whose name only the registry can tell is dynamic config: itself
/// when registered, else a foreign key.
fn settle(key: StoredKey, registry: &Registry) -> Result<StoredKey, ForeignKey> {
    match foreign_reason(key.key.as_str(), registry) {
        Some(reason) => Err(ForeignKey {
            etcd_key: key.etcd_key,
            reason,
        }),
        None => Ok(key),
    }
}

/// Foreign keys found by name shape and those the registry did not know, in
/// etcd key order.
fn merge_foreign(foreign: &mut Vec<ForeignKey>, unknown: Vec<ForeignKey>) {
    if !unknown.is_empty() {
        foreign.extend(unknown);
        foreign.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
    }
}

/// The cheapest request that carries etcd-client's auth token (logging in
/// again first when etcd said the token is stale).
async fn token_refresh(mut c: etcd_client::Client, key: String) -> Result<(), etcd_client::Error> {
    c.get(key, Some(GetOptions::new().with_count_only())).await.map(|_| ())
}

fn utf8_key(k: Vec<u8>) -> String {
    String::from_utf8(k).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn to_stored(prefix: &Prefix, kv: etcd_client::KeyValue) -> StoredKey {
    let revs = (kv.create_revision(), kv.mod_revision(), kv.version());
    let (k, v) = kv.into_key_value();
    StoredKey::from_kv(
        prefix,
        utf8_key(k),
        String::from_utf8(v).map_err(|e| e.into_bytes()),
        revs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_settles_names_that_are_not_key_shaped() {
        let prefix = Prefix::new("/p");
        let stored =
            |name: &str| StoredKey::from_kv(&prefix, prefix.key_path(name), Ok("- value: 1\n".into()), (1, 1, 1));
        let read = PrefixRead {
            prefix: prefix.clone(),
            revision: 7,
            // As PrefixChunk::read leaves them: sorted, undecided ones by index.
            keys: vec![stored("README"), stored("a.b"), stored("custom"), stored("zz")],
            foreign: vec![ForeignKey {
                etcd_key: "/p/locks/x".into(),
                reason: "a nested path, not a key name",
            }],
            undecided: vec![0, 2, 3],
        };
        let registry = Registry::from_tsv("s.tsv", "custom\tint\tglobal\t0\n").unwrap();
        let snap = read.into_snapshot(&registry);
        let names: Vec<&str> = snap.keys.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(names, ["a.b", "custom"]);
        let foreign: Vec<&str> = snap.foreign.iter().map(|f| f.etcd_key.as_str()).collect();
        assert_eq!(foreign, ["/p/README", "/p/locks/x", "/p/zz"]);
        assert_eq!(snap.revision, 7);
    }
}
