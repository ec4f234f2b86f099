//! etcd access: a consistent paged read of a whole prefix into a
//! [`Snapshot`], single-key reads, and compare-and-swap writes.
//!
//! Reads are idempotent and retried across endpoints while the cluster is
//! unreachable (within the dial timeout) or slow (within the command timeout).
//! Writes are never retried: a lost answer to a write cannot be told from a
//! refusal, and every write is a compare-and-swap the caller re-plans.

pub mod config;
mod error;
mod raw;
pub mod snapshot;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::{Compare, CompareOp, ConnectOptions, GetOptions, Txn, TxnOp, TxnOpResponse};
use tokio::time::{sleep, timeout, Instant};

pub use crate::model::key::is_key_shaped;
use crate::model::key::{name_shape, NameShape};
pub use config::{ConnectionSettings, Layer, Prefix, TlsSettings, DEFAULT_PREFIX};
pub use error::{Conflict, StoreError};
pub use snapshot::{foreign_reason, ForeignKey, Snapshot, StoredKey};

use crate::model::key::{document_order, Key};
use crate::temporal::registry::Registry;
use error::{classify, Context};

/// Keys per range request when reading a prefix: one round trip for most
/// prefixes. Smaller pages parsed while etcd serves the next were slower on a
/// 2-core machine, where etcd and the parser share the cores.
const PAGE: i64 = 50_000;

/// The fewest keys worth a parsing thread of their own.
const PARSE_CHUNK: usize = 500;

/// What a write expects of a key before it changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The key must not exist (`create_revision == 0`).
    Absent,
    /// The key must still be at this mod revision.
    ModRevision(i64),
}

/// One key to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub etcd_key: String,
    /// The new value, or `None` to delete the key.
    pub value: Option<String>,
    pub expect: Expect,
}

/// A condition on keys a write does not touch.
#[derive(Clone, Debug, PartialEq)]
pub enum Guard {
    /// No key under the prefix changed (created or modified) after this
    /// revision: a plan made from it, or a sync from it, still holds.
    Unchanged { prefix: Prefix, since: i64 },
}

/// The stored spellings of one key, read at one revision.
#[derive(Clone, Debug)]
pub struct KeyRead {
    pub revision: i64,
    /// Usually one; more when other tools stored the key in other cases.
    pub stored: Vec<StoredKey>,
}

/// A connection to etcd for one prefix.
#[derive(Clone)]
pub struct Store {
    client: etcd_client::Client,
    /// The client's connection, for reading pages undecoded.
    tap: raw::Tap,
    settings: ConnectionSettings,
}

fn read_file(path: &std::path::Path) -> Result<Vec<u8>, StoreError> {
    std::fs::read(path).map_err(|source| StoreError::ReadFile {
        path: path.display().to_string(),
        source,
    })
}

/// A PEM file that must hold a block of this kind (`CERTIFICATE`, `PRIVATE
/// KEY`): a wrong file is named, not left for the TLS handshake to fail on.
fn read_pem(path: &std::path::Path, what: &'static str, kind: &str) -> Result<Vec<u8>, StoreError> {
    let bytes = read_file(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let has = text
        .lines()
        .any(|l| l.starts_with("-----BEGIN ") && l.contains(kind) && l.trim_end().ends_with("-----"));
    if has {
        Ok(bytes)
    } else {
        Err(StoreError::BadPem {
            path: path.display().to_string(),
            what,
        })
    }
}

impl Store {
    /// Connect (lazily: an unreachable cluster is reported by the first
    /// request, unless authentication needs a round trip now).
    pub async fn connect(settings: ConnectionSettings) -> Result<Store, StoreError> {
        let mut opts = ConnectOptions::new()
            .with_connect_timeout(settings.dial_timeout)
            .with_timeout(settings.command_timeout)
            .with_keep_alive(Duration::from_secs(10), Duration::from_secs(3));
        let mut endpoints = settings.endpoints.clone();
        if let Some(tls) = &settings.tls {
            if let Some(e) = endpoints.iter().find(|e| e.starts_with("http://")) {
                return Err(config::ConfigError::TlsConflict {
                    disabled_by: format!("the http:// endpoint {e}"),
                    tls_by: "the TLS settings".into(),
                }
                .into());
            }
            let mut t = etcd_client::TlsOptions::new();
            if let Some(ca) = &tls.ca {
                t = t.ca_certificate(etcd_client::Certificate::from_pem(read_pem(
                    ca,
                    "a CA certificate",
                    "CERTIFICATE",
                )?));
            } else {
                t = t.with_native_roots();
            }
            if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
                t = t.identity(etcd_client::Identity::from_pem(
                    read_pem(cert, "a client certificate", "CERTIFICATE")?,
                    read_pem(key, "a private key", "PRIVATE KEY")?,
                ));
            }
            if let Some(name) = &tls.server_name {
                t = t.domain_name(name.clone());
            }
            opts = opts.with_tls(t);
            // Bare host:port endpoints become https:// with TLS on.
            endpoints.iter_mut().for_each(|e| {
                if !e.contains("://") {
                    *e = format!("https://{e}");
                }
            });
        }
        if let Some(user) = &settings.user {
            // Tokens expire (5 minutes idle by default): a long watch must log in again.
            opts = opts
                .with_user(user.clone(), settings.password.clone().unwrap_or_default())
                .with_auto_token_refresh(true);
        }
        let ctx = Context {
            endpoints: &settings.endpoints,
            what: "logging in",
            access: "read",
            tls: settings.tls.is_some(),
            tls_has_ca: settings.tls.as_ref().is_some_and(|t| t.ca.is_some()),
            tls_has_cert: settings.tls.as_ref().is_some_and(|t| t.cert.is_some()),
            timeout: settings.command_timeout,
            dial_timeout: settings.dial_timeout,
            revision: 0,
        };
        // With a user, connecting authenticates (one round trip): bound it.
        let budget = settings.dial_timeout + settings.command_timeout;
        let tap = std::sync::Arc::default();
        let builder = raw::TapBuilder { tap: Arc::clone(&tap) };
        let connecting = etcd_client::Client::connect_with_balanced_channel(&endpoints, Some(opts), builder);
        let client = match timeout(budget, connecting).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Err(classify(e, &ctx)),
            Err(_) => {
                return Err(StoreError::Unreachable {
                    endpoints: settings
                        .endpoints
                        .iter()
                        .map(|e| config::redacted(e))
                        .collect::<Vec<_>>()
                        .join(", "),
                    count: settings.endpoints.len(),
                    reason: "no answer".into(),
                    timeout: budget,
                })
            }
        };
        let Some(tap) = tap.get().cloned() else {
            return Err(StoreError::Other("the connection to etcd was not set up".into()));
        };
        Ok(Store { client, tap, settings })
    }

    pub fn prefix(&self) -> &Prefix {
        &self.settings.prefix
    }

    /// The same connection, for another prefix.
    pub fn with_prefix(&self, prefix: Prefix) -> Store {
        let mut s = self.clone();
        s.settings.prefix = prefix;
        s
    }

    pub fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    /// The raw client, for watches and tools built on this store.
    pub fn client(&self) -> etcd_client::Client {
        self.client.clone()
    }

    fn context<'a>(&'a self, what: &'a str, access: &'a str, revision: i64) -> Context<'a> {
        Context {
            endpoints: &self.settings.endpoints,
            what,
            access,
            tls: self.settings.tls.is_some(),
            tls_has_ca: self.settings.tls.as_ref().is_some_and(|t| t.ca.is_some()),
            tls_has_cert: self.settings.tls.as_ref().is_some_and(|t| t.cert.is_some()),
            timeout: self.settings.command_timeout,
            dial_timeout: self.settings.dial_timeout,
            revision,
        }
    }

    /// An etcd-client error as a sentence (for callers of [`Store::client`]).
    pub fn describe(&self, e: etcd_client::Error, what: &str) -> StoreError {
        classify(e, &self.context(what, "read", 0))
    }

    /// Run an idempotent read, retrying on another endpoint while the
    /// cluster is unreachable (up to the dial timeout) or slow (up to the
    /// command timeout).
    async fn read<T, F, Fut>(&self, what: &str, revision: i64, f: F) -> Result<T, StoreError>
    where
        F: Fn(etcd_client::Client) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let start = Instant::now();
        let deadline = start + self.settings.command_timeout;
        let connect_deadline = start + self.settings.dial_timeout;
        // One attempt may hang on a dead member: leave room for others.
        let per_attempt = (self.settings.command_timeout / 3).max(Duration::from_millis(500));
        let mut backoff = Duration::from_millis(20);
        loop {
            let now = Instant::now();
            let attempt = per_attempt.min(deadline.saturating_duration_since(now));
            let err = match timeout(attempt, f(self.client.clone())).await {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) => classify(e, &self.context(what, "read", revision)),
                Err(_) => StoreError::Timeout {
                    what: what.to_string(),
                    timeout: self.settings.command_timeout,
                },
            };
            let limit = match err {
                StoreError::Unreachable { .. } => connect_deadline,
                StoreError::Timeout { .. } => deadline,
                _ => return Err(err),
            };
            if Instant::now() + backoff >= limit {
                return Err(match err {
                    StoreError::Timeout { .. } => StoreError::Timeout {
                        what: what.to_string(),
                        timeout: self.settings.command_timeout,
                    },
                    other => other,
                });
            }
            sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_millis(400));
        }
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
        let what = format!("reading {prefix}");
        let started = Instant::now();
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let max_response = self.settings.max_response_size;
        let mut page = PAGE;
        let mut parsing = Vec::new();
        let login = self.settings.user.is_some();
        if login && !self.tap.has_token() {
            // Pages go out with the token etcd-client sends: have it send one.
            let key = prefix.as_str().to_string();
            self.read(&what, revision, move |c| token_refresh(c, key.clone()))
                .await?;
        }
        loop {
            let (f, e, rev) = (Arc::new(from.clone()), Arc::new(end.clone()), revision);
            let (tap, key) = (self.tap.clone(), prefix.as_str().to_string());
            let read = self
                .read(&what, rev, move |c| {
                    let (f, e, tap, key) = (f.clone(), e.clone(), tap.clone(), key.clone());
                    async move {
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
            chunks,
        })
    }

    /// Read one key by name. The registered spelling is read first; when it
    /// is absent, or `all_spellings` is set, the prefix's key names are
    /// scanned for other spellings of it too.
    pub async fn read_key(&self, name: &str, all_spellings: bool) -> Result<KeyRead, StoreError> {
        let prefix = self.settings.prefix.clone();
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
            .read(&what, 0, move |mut c| {
                let mut ops = vec![TxnOp::get(p.clone(), None)];
                ops.extend(r.iter().map(|(from, to)| {
                    TxnOp::get(
                        from.clone(),
                        Some(GetOptions::new().with_range(to.clone()).with_keys_only()),
                    )
                }));
                async move { c.txn(Txn::new().and_then(ops)).await }
            })
            .await?;
        let revision = resp.header().map(|h| h.revision()).unwrap_or(0);
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

    /// Whether tcfg may write `etcd_key` at all: a dynamic config key name
    /// directly under this store's prefix. Whether a name that is not
    /// key-shaped is registered is for the caller, which has the registry,
    /// to check ([`Registry::foreign_reason`]).
    pub fn check_writable(&self, etcd_key: &str) -> Result<(), StoreError> {
        let prefix = &self.settings.prefix;
        let reason = match prefix.name_of(etcd_key) {
            None => format!("it is outside the prefix {prefix}"),
            Some("") => "it is the prefix itself, not a key under it".to_string(),
            Some(name) => match name_shape(name) {
                NameShape::Foreign(reason) => reason.to_string(),
                NameShape::Key | NameShape::KeyIfRegistered => return Ok(()),
            },
        };
        Err(StoreError::NotDynamicConfig {
            key: etcd_key.to_string(),
            reason,
        })
    }

    /// Apply every change in one transaction, each guarded by its
    /// expectation. Returns the new revision; on any mismatch nothing is
    /// written and the conflicts are reported.
    pub async fn commit(&self, changes: &[Change]) -> Result<i64, StoreError> {
        self.commit_guarded(changes, &[]).await
    }

    /// [`Store::commit`], also requiring every guard to hold.
    pub async fn commit_guarded(&self, changes: &[Change], guards: &[Guard]) -> Result<i64, StoreError> {
        for c in changes {
            self.check_writable(&c.etcd_key)?;
        }
        let mut compares: Vec<Compare> = changes
            .iter()
            .map(|c| match c.expect {
                Expect::Absent => Compare::create_revision(c.etcd_key.clone(), CompareOp::Equal, 0),
                Expect::ModRevision(r) => Compare::mod_revision(c.etcd_key.clone(), CompareOp::Equal, r),
            })
            .collect();
        let ops: Vec<TxnOp> = changes
            .iter()
            .map(|c| match &c.value {
                Some(v) => TxnOp::put(c.etcd_key.clone(), v.clone(), None),
                None => TxnOp::delete(c.etcd_key.clone(), None),
            })
            .collect();
        let mut checks: Vec<TxnOp> = changes.iter().map(|c| TxnOp::get(c.etcd_key.clone(), None)).collect();
        for g in guards {
            let Guard::Unchanged { prefix, since } = g;
            compares.push(
                Compare::mod_revision(prefix.as_str(), CompareOp::Less, since + 1).with_range(prefix.range_end()),
            );
            checks.push(TxnOp::get(
                prefix.as_str(),
                Some(
                    GetOptions::new()
                        .with_range(prefix.range_end())
                        .with_keys_only()
                        .with_min_mod_revision(since + 1),
                ),
            ));
        }
        let txn = Txn::new().when(compares).and_then(ops).or_else(checks);
        let what = match changes {
            [one] => format!("writing {}", one.etcd_key),
            many => format!("writing {} keys under {}", many.len(), self.settings.prefix),
        };
        let mut client = self.client.clone();
        let resp = match timeout(self.settings.command_timeout, client.txn(txn)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                let err = classify(e, &self.context(&what, "write", 0));
                return match &err {
                    // Never sent: certainly not applied.
                    StoreError::Unreachable { reason, .. }
                        if reason == "connection refused" || reason == "the host name does not resolve" =>
                    {
                        Err(err)
                    }
                    StoreError::Unreachable { .. } | StoreError::Timeout { .. } | StoreError::Other(_) => {
                        self.outcome_of(changes, &what, err.to_string()).await
                    }
                    _ => Err(err),
                };
            }
            Err(_) => {
                let reason = format!("no answer within {:?}", self.settings.command_timeout);
                return self.outcome_of(changes, &what, reason).await;
            }
        };
        if resp.succeeded() {
            return Ok(resp.header().map(|h| h.revision()).unwrap_or(0));
        }
        let responses = resp.op_responses();
        for (g, r) in guards.iter().zip(responses.iter().skip(changes.len())) {
            let (Guard::Unchanged { prefix, since }, TxnOpResponse::Get(got)) = (g, r) else {
                continue;
            };
            if !got.kvs().is_empty() {
                return Err(StoreError::Stale {
                    prefix: prefix.to_string(),
                    revision: *since,
                    keys: got
                        .kvs()
                        .iter()
                        .map(|kv| String::from_utf8_lossy(kv.key()).into_owned())
                        .collect(),
                });
            }
        }
        let mut conflicts = Vec::new();
        for (change, r) in changes.iter().zip(responses) {
            let TxnOpResponse::Get(g) = r else { continue };
            let found = g.kvs().first().map(|kv| kv.mod_revision()).unwrap_or(0);
            let expected = match change.expect {
                Expect::Absent => 0,
                Expect::ModRevision(r) => r,
            };
            if found != expected {
                conflicts.push(Conflict {
                    key: change.etcd_key.clone(),
                    expected,
                    found,
                });
            }
        }
        Err(StoreError::Conflict { conflicts })
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

/// What reading the keys of a write back found.
enum Outcome {
    /// Every change is in place.
    Applied { revision: i64 },
    /// Every key is still as the write expected it: nothing was applied.
    NotApplied,
    /// Some keys moved, not all as the write meant (another writer).
    Unknown,
}

impl Store {
    /// After a write whose answer was lost: read its keys back and say
    /// whether it was applied (`Ok`: the write's revision), was not (the
    /// error to report), or cannot be told.
    async fn outcome_of(&self, changes: &[Change], what: &str, reason: String) -> Result<i64, StoreError> {
        let keys: Vec<String> = changes.iter().map(|c| c.etcd_key.clone()).collect();
        let ops = keys.clone();
        let checked = self
            .read(&format!("checking {what}"), 0, move |mut c| {
                let txn = Txn::new().and_then(ops.iter().map(|k| TxnOp::get(k.clone(), None)).collect::<Vec<_>>());
                async move { c.txn(txn).await }
            })
            .await;
        let planned_from = changes
            .iter()
            .filter_map(|c| match c.expect {
                Expect::ModRevision(r) => Some(r),
                Expect::Absent => None,
            })
            .max()
            .unwrap_or(0);
        let unknown = |reason: String| StoreError::OutcomeUnknown {
            what: what.to_string(),
            reason,
            revision: planned_from,
            keys: keys.join(", "),
        };
        let resp = match checked {
            Ok(r) => r,
            Err(_) => return Err(unknown(reason)),
        };
        let found: Vec<Option<(Vec<u8>, i64)>> = resp
            .op_responses()
            .into_iter()
            .map(|r| match r {
                TxnOpResponse::Get(g) => g.kvs().first().map(|kv| (kv.value().to_vec(), kv.mod_revision())),
                _ => None,
            })
            .collect();
        let header = resp.header().map(|h| h.revision()).unwrap_or(0);
        match judge_outcome(changes, &found, header) {
            Outcome::Applied { revision } => {
                tracing::info!(revision, "{what}: the answer was lost, but the write was applied");
                Ok(revision)
            }
            Outcome::NotApplied => Err(StoreError::Timeout {
                what: format!("{what}; read back afterwards: it was not applied, nothing was written"),
                timeout: self.settings.command_timeout,
            }),
            Outcome::Unknown => Err(unknown(format!(
                "{reason}; read back afterwards, some keys moved, not as this write would have moved them"
            ))),
        }
    }
}

/// Whether the keys read back (`found`: value and mod revision, in the
/// order of `changes`) show a write applied, not applied, or neither.
fn judge_outcome(changes: &[Change], found: &[Option<(Vec<u8>, i64)>], header: i64) -> Outcome {
    let expected = |c: &Change| match c.expect {
        Expect::Absent => 0,
        Expect::ModRevision(r) => r,
    };
    let untouched = changes
        .iter()
        .zip(found)
        .all(|(c, f)| f.as_ref().map_or(0, |(_, r)| *r) == expected(c));
    if untouched && !changes.is_empty() {
        return Outcome::NotApplied;
    }
    let mut revision = None;
    for (c, f) in changes.iter().zip(found) {
        match (&c.value, f) {
            (Some(v), Some((got, r))) if got == v.as_bytes() && *r != expected(c) => {
                // One transaction: every key it wrote has the same mod revision.
                if revision.is_some_and(|prev| prev != *r) {
                    return Outcome::Unknown;
                }
                revision = Some(*r);
            }
            (None, None) => {}
            _ => return Outcome::Unknown,
        }
    }
    Outcome::Applied {
        revision: revision.unwrap_or(header),
    }
}

/// A whole prefix read in chunks (see [`Store::read_prefix_chunks`]).
pub struct Chunks<T> {
    pub prefix: Prefix,
    /// The store revision it was read at.
    pub revision: i64,
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
    fn a_lost_answer_is_judged_by_what_is_read_back() {
        let put = |k: &str, v: &str, rev: i64| Change {
            etcd_key: k.into(),
            value: Some(v.into()),
            expect: if rev == 0 {
                Expect::Absent
            } else {
                Expect::ModRevision(rev)
            },
        };
        let del = |k: &str, rev: i64| Change {
            etcd_key: k.into(),
            value: None,
            expect: Expect::ModRevision(rev),
        };
        let changes = [put("a", "new", 5), put("b", "b", 0), del("c", 3)];
        let got = |v: &str, r: i64| Some((v.as_bytes().to_vec(), r));
        // Applied: new values at one new revision, the deleted key gone.
        let applied = judge_outcome(&changes, &[got("new", 9), got("b", 9), None], 12);
        assert!(matches!(applied, Outcome::Applied { revision: 9 }));
        // Not applied: every key where the write expected it.
        let not = judge_outcome(&changes, &[got("old", 5), None, got("c", 3)], 12);
        assert!(matches!(not, Outcome::NotApplied));
        // Someone else moved a key: cannot tell.
        let other = judge_outcome(&changes, &[got("theirs", 10), None, got("c", 3)], 12);
        assert!(matches!(other, Outcome::Unknown));
        let split = judge_outcome(&changes, &[got("new", 9), got("b", 10), None], 12);
        assert!(matches!(split, Outcome::Unknown));
        // Deletes alone: applied at a revision at or after the write.
        let gone = judge_outcome(&[del("c", 3)], &[None], 12);
        assert!(matches!(gone, Outcome::Applied { revision: 12 }));
    }

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
