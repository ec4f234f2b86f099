//! The watch/cache client a Rust service embeds: load the prefix, watch it,
//! serve lookups from an immutable snapshot swapped atomically, deliver every
//! change set in revision order, and survive every etcd fault.
//!
//! Differences from the seed library, on purpose:
//! - a broken stream is re-watched from the last seen revision + 1 (nothing
//!   is reloaded when nothing was missed);
//! - after a compaction the prefix is reloaded and the *net* change, deletes
//!   included, is delivered as one change set; the old snapshot serves until
//!   the new one is complete, so lookups never see an empty map;
//! - an invalid stored value keeps the key's last good value and is reported,
//!   instead of being served with its bad constraint dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use etcd_client::{EventType, WatchOptions};
use hashbrown::HashTable;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout, Instant};

use crate::changes::edit::key_write;
use crate::model::constraints::Constraints;
use crate::model::document::{ConstrainedValue, Document, Entry};
use crate::model::finding::Finding;
use crate::model::key::{folded_hash, same_key, Key};
use crate::model::parse::parse_items;
use crate::serving::compact::CompactItems;
use crate::store::{foreign_reason, Prefix, Snapshot, Store, StoreError};
use crate::temporal::registry::{KeyDef, Registry};
use crate::temporal::resolve::{resolve_items, Resolution};
use crate::temporal::validate::check_values;

/// Tuning of the client.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// First wait after a failure; doubles up to `backoff_max`, with jitter.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// A stream that delivers nothing (not even a progress answer) for twice
    /// this long is taken for dead and replaced: a frozen member sends no
    /// error, it just stops.
    pub liveness: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(30),
            liveness: Duration::from_secs(2),
        }
    }
}

/// A key's value in the cache.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// The key as stored (the etcd key without the prefix).
    name: Box<str>,
    /// The last good items, encoded: a parsed item is 200 bytes before its
    /// strings, and a cache holds every key of a prefix.
    items: CompactItems,
    pub mod_revision: i64,
    /// Set while the stored value is invalid (the items are the last good ones).
    pub invalid: Option<Arc<InvalidValue>>,
}

impl CacheEntry {
    /// The key as stored.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key(&self) -> Key {
        Key::new(&*self.name)
    }

    /// The items (decoded: a copy).
    pub fn items(&self) -> Vec<ConstrainedValue> {
        self.items.decode()
    }

    pub fn compact(&self) -> &CompactItems {
        &self.items
    }

    /// The value Temporal's lookup returns for `scope`.
    pub fn resolve(&self, def: &KeyDef, scope: &Constraints) -> Resolution {
        self.items.resolve(def, scope)
    }
}

/// A stored value the client refused, and why.
#[derive(Clone, Debug)]
pub struct InvalidValue {
    pub raw: String,
    pub mod_revision: i64,
    pub findings: Vec<Finding>,
}

/// Keys are spread over this many tables so that a change copies one small
/// table, not the whole map, to make the next snapshot.
const SHARDS: usize = 256;

type Shard = HashTable<Arc<CacheEntry>>;

/// An immutable view of the prefix at one revision. Entries are found by
/// name in any case; two spellings stored side by side are two entries.
#[derive(Clone, Debug)]
pub struct Cache {
    pub revision: i64,
    len: usize,
    invalid: usize,
    hasher: foldhash::fast::RandomState,
    shards: Box<[Arc<Shard>]>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            revision: 0,
            len: 0,
            invalid: 0,
            hasher: Default::default(),
            shards: (0..SHARDS).map(|_| Arc::new(HashTable::new())).collect(),
        }
    }
}

/// Bits the tables do not use for their own slots and tags.
fn shard_of(hash: u64) -> usize {
    (hash >> 32) as usize % SHARDS
}

impl Cache {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many keys hold a refused value (and serve their last good one).
    pub fn invalid_count(&self) -> usize {
        self.invalid
    }

    /// A key by name, in any case: the exact spelling first, else the
    /// spelling written last.
    pub fn entry(&self, name: &str) -> Option<&Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        let shard = &self.shards[shard_of(hash)];
        shard.find(hash, |e| &*e.name == name).or_else(|| {
            shard
                .iter_hash(hash)
                .filter(|e| same_key(&e.name, name))
                .max_by_key(|e| e.mod_revision)
        })
    }

    /// A key by its exact stored spelling.
    fn exact(&self, name: &str) -> Option<&Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        self.shards[shard_of(hash)].find(hash, |e| &*e.name == name)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Arc<CacheEntry>> {
        self.shards.iter().flat_map(|s| s.iter())
    }

    fn insert(&mut self, e: Arc<CacheEntry>) {
        let hash = folded_hash(&self.hasher, &e.name);
        let hasher = &self.hasher;
        let shard = Arc::make_mut(&mut self.shards[shard_of(hash)]);
        self.invalid += e.invalid.is_some() as usize;
        match shard.find_entry(hash, |x| x.name == e.name) {
            Ok(mut slot) => {
                self.invalid -= slot.get().invalid.is_some() as usize;
                *slot.get_mut() = e;
            }
            Err(_) => {
                shard.insert_unique(hash, e, |x| folded_hash(hasher, &x.name));
                self.len += 1;
            }
        }
    }

    fn remove(&mut self, name: &str) -> Option<Arc<CacheEntry>> {
        let hash = folded_hash(&self.hasher, name);
        let shard = Arc::make_mut(&mut self.shards[shard_of(hash)]);
        let (e, _) = shard.find_entry(hash, |x| &*x.name == name).ok()?.remove();
        self.len -= 1;
        self.invalid -= e.invalid.is_some() as usize;
        Some(e)
    }

    /// Every key's items, as a document.
    pub fn document(&self) -> Document {
        let mut doc = Document::new("cache");
        let mut entries: Vec<_> = self.entries().map(|e| (e.key(), e)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, e) in entries {
            doc.entries.push(Entry {
                key,
                items: e.items(),
                key_pos: Default::default(),
            });
        }
        doc
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateKind {
    Put,
    Delete,
}

/// One key's change within a change set.
#[derive(Clone, Debug)]
pub struct KeyUpdate {
    pub key: Key,
    pub etcd_key: String,
    pub kind: UpdateKind,
    pub old: Option<Arc<Vec<ConstrainedValue>>>,
    pub new: Option<Arc<Vec<ConstrainedValue>>>,
}

/// Why a change set was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Events of one etcd revision.
    Watch,
    /// The net change found by reloading the prefix after a compaction.
    Reload { compacted_at: i64 },
}

/// The changes of one etcd revision (or one reload), in revision order.
#[derive(Clone, Debug)]
pub struct ChangeSet {
    pub revision: i64,
    pub cause: Cause,
    pub updates: Vec<KeyUpdate>,
}

/// What the client went through, for operators.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The stream broke; the client keeps trying to watch again from
    /// `from_revision` (one notice per outage, not per attempt).
    Interrupted { reason: String, from_revision: i64 },
    /// Watching again after an interruption: etcd accepted the watch.
    Resumed { from_revision: i64 },
    /// History was compacted past what the client had seen: it reloaded.
    Reloaded {
        compacted_at: i64,
        revision: i64,
        changed: usize,
    },
    /// A stored value was refused; the key keeps its last good value.
    Invalid { etcd_key: String, findings: Vec<Finding> },
    /// The watch cannot go on (a permission was refused): not retried.
    Fatal { reason: String },
}

struct Inner {
    store: Store,
    registry: Arc<Registry>,
    options: ClientOptions,
    cache: ArcSwap<Cache>,
    subscribers: Mutex<Vec<mpsc::UnboundedSender<ChangeSet>>>,
    notices: Mutex<Vec<mpsc::UnboundedSender<Notice>>>,
    revision: watch::Sender<i64>,
}

/// The watch/cache client.
pub struct Client {
    inner: Arc<Inner>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

/// Why the client could not start.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the change was written at revision {revision} but not seen by this client within {waited:?}")]
    NotSeen { revision: i64, waited: Duration },
    #[error("the client is stopped")]
    Stopped,
}

enum Ended {
    /// Watch again from this revision + 1.
    Broken {
        reason: String,
        reason_tag: &'static str,
    },
    Compacted {
        at: i64,
    },
    Fatal {
        reason: String,
    },
    Stopped,
}

impl Client {
    /// Load the prefix, then watch it from the load's revision + 1.
    pub async fn start(store: Store, registry: Arc<Registry>, options: ClientOptions) -> Result<Client, ClientError> {
        Client::start_at(store, registry, options, None).await
    }

    /// Like [`Client::start`], from the state at `revision` (history after
    /// it is then delivered as change sets, while etcd still keeps it).
    pub async fn start_at(
        store: Store,
        registry: Arc<Registry>,
        options: ClientOptions,
        revision: Option<i64>,
    ) -> Result<Client, ClientError> {
        let started = Instant::now();
        let snapshot = store.snapshot(&registry, revision).await?;
        metrics::histogram!("dynconfig_load_duration_seconds").record(started.elapsed().as_secs_f64());
        let (rev_tx, _) = watch::channel(snapshot.revision);
        let inner = Arc::new(Inner {
            store,
            registry,
            options,
            cache: ArcSwap::from_pointee(Cache::default()),
            subscribers: Mutex::new(Vec::new()),
            notices: Mutex::new(Vec::new()),
            revision: rev_tx,
        });
        let (cache, invalid) = inner.cache_from(&snapshot, None);
        for (k, f) in invalid {
            inner.notice(Notice::Invalid {
                etcd_key: k,
                findings: f,
            });
        }
        metrics::gauge!("dynconfig_keys_loaded").set(cache.len() as f64);
        metrics::gauge!("dynconfig_revision").set(cache.revision as f64);
        inner.cache.store(Arc::new(cache));
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(run(inner.clone(), stop_rx));
        Ok(Client {
            inner,
            stop,
            task: Mutex::new(Some(task)),
        })
    }

    /// The current snapshot: readers never block and never see a half-applied change.
    pub fn cache(&self) -> arc_swap::Guard<Arc<Cache>> {
        self.inner.cache.load()
    }

    /// The revision the cache reflects.
    pub fn revision(&self) -> i64 {
        self.inner.cache.load().revision
    }

    /// A key's entry, by name in any case: its encoded items, revision and
    /// refusal state, without decoding anything.
    pub fn entry(&self, name: &str) -> Option<Arc<CacheEntry>> {
        self.inner.cache.load().entry(name).cloned()
    }

    /// A key's items, by name in any case (decoded: a copy).
    pub fn items(&self, name: &str) -> Option<Vec<ConstrainedValue>> {
        self.inner.cache.load().entry(name).map(|e| e.items())
    }

    /// The value Temporal's lookup returns for `scope` (registered keys only).
    pub fn get(&self, name: &str, scope: &Constraints) -> Option<Resolution> {
        let def = self.inner.registry.get(name)?;
        let cache = self.inner.cache.load();
        Some(match cache.entry(&def.name) {
            Some(e) => e.resolve(def, scope),
            None => resolve_items(&[], def, scope),
        })
    }

    /// Change sets from now on, in revision order, none skipped or repeated.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<ChangeSet> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.subscribers.lock().expect("subscribers lock").push(tx);
        rx
    }

    /// Interruptions, reloads, refused values and fatal errors.
    pub fn notices(&self) -> mpsc::UnboundedReceiver<Notice> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.notices.lock().expect("notices lock").push(tx);
        rx
    }

    /// Every key's items (a copy, safe to keep after shutdown).
    pub fn dump_all(&self) -> HashMap<String, Vec<ConstrainedValue>> {
        self.inner
            .cache
            .load()
            .entries()
            .map(|e| (e.name().to_string(), e.items()))
            .collect()
    }

    /// Log every key and its items at INFO, one line per key.
    pub fn log_all(&self) {
        let cache = self.inner.cache.load();
        tracing::info!(
            total_keys = cache.len(),
            revision = cache.revision,
            "dynamic config dump start"
        );
        let mut entries: Vec<_> = cache.entries().map(|e| (e.key(), e)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, e) in entries {
            tracing::info!(key = %key, values = %crate::model::serialize::items_to_yaml(&e.items()).trim_end(), "dynamic config entry");
        }
        tracing::info!("dynamic config dump end");
    }

    /// Write one key's whole list (compare-and-swap against what is stored)
    /// and return once this client's snapshot shows it.
    pub async fn write(&self, name: &str, items: Vec<ConstrainedValue>) -> Result<i64, ClientError> {
        let name = self.inner.registry.canonical_name(name).unwrap_or(name).to_string();
        let result = async {
            let read = self.inner.store.read_key(&name, true).await?;
            let w = key_write(self.inner.store.prefix(), &name, &read.stored, &items);
            if w.is_noop() {
                return Ok(read.revision);
            }
            self.inner.store.commit(&w.changes).await
        }
        .await;
        metrics::counter!("dynconfig_write_total", "result" => if result.is_ok() { "success" } else { "error" })
            .increment(1);
        let revision = result?;
        self.wait_for(revision, self.inner.store.settings().command_timeout)
            .await?;
        Ok(revision)
    }

    /// Wait until the snapshot reflects `revision`.
    pub async fn wait_for(&self, revision: i64, limit: Duration) -> Result<(), ClientError> {
        let mut rx = self.inner.revision.subscribe();
        let waited = timeout(limit, rx.wait_for(|r| *r >= revision)).await;
        match waited {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) => Err(ClientError::Stopped),
            Err(_) => Err(ClientError::NotSeen {
                revision,
                waited: limit,
            }),
        }
    }

    /// Stop watching and end every task.
    pub async fn shutdown(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().expect("task lock").take();
        if let Some(t) = task {
            let _ = t.await;
        }
        metrics::gauge!("dynconfig_watch_active").set(0.0);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl Inner {
    fn notice(&self, n: Notice) {
        match &n {
            Notice::Interrupted { reason, from_revision } => {
                tracing::warn!(%reason, from_revision, "dynamic config watch interrupted")
            }
            Notice::Resumed { from_revision } => tracing::info!(from_revision, "dynamic config watch resumed"),
            Notice::Reloaded {
                compacted_at,
                revision,
                changed,
            } => {
                tracing::warn!(
                    compacted_at,
                    revision,
                    changed,
                    "dynamic config reloaded after compaction"
                )
            }
            Notice::Invalid { etcd_key, findings } => tracing::error!(
                key = %etcd_key,
                problems = %findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "),
                "invalid dynamic config value refused; the last good value stays"
            ),
            Notice::Fatal { reason } => tracing::error!(%reason, "dynamic config watch stopped"),
        }
        self.notices
            .lock()
            .expect("notices lock")
            .retain(|tx| tx.send(n.clone()).is_ok());
    }

    /// Check a stored value: `Err` with the findings that make it unusable.
    fn check(&self, etcd_key: &str, name: &str, raw: &str) -> Result<Vec<ConstrainedValue>, Vec<Finding>> {
        let parsed = parse_items(etcd_key, name, raw);
        if parsed.has_errors() {
            return Err(parsed.findings);
        }
        self.check_parsed(etcd_key, name, &parsed.value)?;
        Ok(parsed.value)
    }

    /// Values Temporal could not convert are refused; items that merely
    /// never match, or duplicates, Temporal resolves deterministically.
    fn check_parsed(&self, etcd_key: &str, name: &str, items: &[ConstrainedValue]) -> Result<(), Vec<Finding>> {
        let bad = check_values(etcd_key, name, items, &self.registry);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad)
        }
    }

    /// A cache from a snapshot; invalid values keep the last good items of
    /// `previous` (if any). Also returns the refused values.
    fn cache_from(&self, snapshot: &Snapshot, previous: Option<&Cache>) -> (Cache, Vec<(String, Vec<Finding>)>) {
        let mut cache = Cache {
            revision: snapshot.revision,
            ..Default::default()
        };
        let mut refused = Vec::new();
        for k in &snapshot.keys {
            let checked = match &k.items {
                Ok(items) => self.check_parsed(&k.etcd_key, k.key.as_str(), items).map(|()| items),
                Err(f) => Err(f.clone()),
            };
            match checked {
                Ok(items) => cache.insert(Arc::new(CacheEntry {
                    name: k.key.as_str().into(),
                    items: CompactItems::encode(items),
                    mod_revision: k.mod_revision,
                    invalid: None,
                })),
                Err(findings) => {
                    if let Some(good) = previous.and_then(|p| p.exact(k.key.as_str())) {
                        cache.insert(refused_over(good, k.raw.clone(), k.mod_revision, &findings));
                    }
                    refused.push((k.etcd_key.clone(), findings));
                }
            }
        }
        metrics::gauge!("dynconfig_invalid_values").set(refused.len() as f64);
        (cache, refused)
    }

    fn publish(&self, cache: Cache, set: Option<ChangeSet>) {
        let (revision, invalid) = (cache.revision, cache.invalid_count());
        self.cache.store(Arc::new(cache));
        let set = set.filter(|s| !s.updates.is_empty());
        if let Some(set) = &set {
            self.subscribers
                .lock()
                .expect("subscribers lock")
                .retain(|tx| tx.send(set.clone()).is_ok());
        }
        self.revision.send_replace(revision);
        // Bookkeeping after delivery: nobody waiting for the change waits on it.
        metrics::gauge!("dynconfig_revision").set(revision as f64);
        metrics::gauge!("dynconfig_invalid_values").set(invalid as f64);
        for u in set.iter().flat_map(|s| &s.updates) {
            let op = match u.kind {
                UpdateKind::Put => "DynamicConfigUpdate",
                UpdateKind::Delete => "DynamicConfigDelete",
            };
            metrics::counter!("dynconfig_key_updates_total", "operation" => op, "key" => u.key.to_string())
                .increment(1);
            let text = |v: &Option<Arc<Vec<ConstrainedValue>>>| {
                v.as_ref()
                    .map(|i| crate::model::serialize::items_to_yaml(i).trim_end().to_string())
                    .unwrap_or_default()
            };
            tracing::info!(
                key = %u.key,
                kind = ?u.kind,
                revision = revision,
                old = %text(&u.old),
                new = %text(&u.new),
                "dynamic config changed"
            );
        }
    }

    /// Apply one revision's events to a copy of the cache and publish it.
    fn apply_events(&self, revision: i64, events: &[etcd_client::Event]) {
        let mut next = Cache::clone(&self.cache.load());
        next.revision = revision;
        let prefix = self.store.prefix();
        let mut updates = Vec::new();
        for ev in events {
            let Some(kv) = ev.kv() else { continue };
            let etcd_key = String::from_utf8_lossy(kv.key()).into_owned();
            let Some(name) = prefix.name_of(&etcd_key) else {
                continue;
            };
            if foreign_reason(name, &self.registry).is_some() {
                continue;
            }
            match ev.event_type() {
                EventType::Delete => {
                    if let Some(e) = next.remove(name) {
                        updates.push(KeyUpdate {
                            key: e.key(),
                            etcd_key,
                            kind: UpdateKind::Delete,
                            old: Some(Arc::new(e.items())),
                            new: None,
                        });
                    }
                }
                EventType::Put => {
                    let raw = String::from_utf8_lossy(kv.value()).into_owned();
                    match self.check(&etcd_key, name, &raw) {
                        Ok(items) => {
                            let encoded = CompactItems::encode(&items);
                            let old = next.exact(name).map(|e| e.items.clone());
                            let changed = old.as_ref() != Some(&encoded);
                            next.insert(Arc::new(CacheEntry {
                                name: name.into(),
                                items: encoded,
                                mod_revision: kv.mod_revision(),
                                invalid: None,
                            }));
                            if changed {
                                updates.push(KeyUpdate {
                                    key: Key::new(name),
                                    etcd_key,
                                    kind: UpdateKind::Put,
                                    old: old.map(|o| Arc::new(o.decode())),
                                    new: Some(Arc::new(items)),
                                });
                            }
                        }
                        Err(findings) => {
                            // The last good value stays; the refusal is recorded.
                            if let Some(good) = next.exact(name).cloned() {
                                next.insert(refused_over(&good, raw, kv.mod_revision(), &findings));
                            }
                            self.notice(Notice::Invalid { etcd_key, findings });
                        }
                    }
                }
            }
        }
        self.publish(
            next,
            Some(ChangeSet {
                revision,
                cause: Cause::Watch,
                updates,
            }),
        );
    }

    /// Reload after a compaction: the net change, deletes included, as one
    /// change set. The old snapshot serves until the new one is complete.
    async fn reload(&self, compacted_at: i64, stop: &mut watch::Receiver<bool>) -> Option<i64> {
        let mut backoff = self.options.backoff_min;
        loop {
            let started = Instant::now();
            match self.store.snapshot(&self.registry, None).await {
                Ok(snapshot) => {
                    metrics::histogram!("dynconfig_load_duration_seconds").record(started.elapsed().as_secs_f64());
                    let current = self.cache.load();
                    let (next, refused) = self.cache_from(&snapshot, Some(&current));
                    for (k, f) in refused {
                        self.notice(Notice::Invalid {
                            etcd_key: k,
                            findings: f,
                        });
                    }
                    let updates = net_change(self.store.prefix(), &current, &next);
                    let changed = updates.len();
                    let revision = next.revision;
                    metrics::gauge!("dynconfig_keys_loaded").set(next.len() as f64);
                    // The explanation first, then the changes it explains.
                    self.notice(Notice::Reloaded {
                        compacted_at,
                        revision,
                        changed,
                    });
                    self.publish(
                        next,
                        Some(ChangeSet {
                            revision,
                            cause: Cause::Reload { compacted_at },
                            updates,
                        }),
                    );
                    return Some(revision);
                }
                Err(e)
                    if matches!(
                        e,
                        StoreError::PermissionDenied { .. } | StoreError::Authentication { .. }
                    ) =>
                {
                    self.notice(Notice::Fatal { reason: e.to_string() });
                    return None;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reload failed; the old values keep serving");
                    if !pause(jitter(backoff), stop).await {
                        return None;
                    }
                    backoff = (backoff * 2).min(self.options.backoff_max);
                }
            }
        }
    }

    /// Watch from `from` until the stream breaks, history is compacted, or
    /// the client stops. Returns the last revision applied.
    async fn watch_once(
        &self,
        from: i64,
        last: &mut i64,
        stop: &mut watch::Receiver<bool>,
        interrupted: &mut bool,
    ) -> Ended {
        let mut client = self.store.client();
        let opts = WatchOptions::new()
            .with_prefix()
            .with_start_revision(from)
            .with_progress_notify();
        let prefix = self.store.prefix().as_str().to_string();
        let opened = tokio::select! {
            r = timeout(self.store.settings().command_timeout, client.watch(prefix, Some(opts))) => r,
            _ = stop.changed() => return Ended::Stopped,
        };
        let mut stream = match opened {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return Ended::Broken {
                    reason: format!("cannot open the watch: {}", self.store.describe(e, "watching")),
                    reason_tag: "stream_ended",
                }
            }
            Err(_) => {
                return Ended::Broken {
                    reason: "opening the watch timed out".into(),
                    reason_tag: "stream_ended",
                }
            }
        };
        metrics::gauge!("dynconfig_watch_active").set(1.0);
        let mut heard = Instant::now();
        let mut tick = tokio::time::interval(self.options.liveness);
        tick.tick().await;
        loop {
            let msg = tokio::select! {
                m = stream.message() => m,
                _ = tick.tick() => {
                    if heard.elapsed() > self.options.liveness * 2 {
                        return Ended::Broken { reason: format!("no word from etcd for {:?}", heard.elapsed()), reason_tag: "stalled" };
                    }
                    let _ = stream.request_progress().await;
                    continue;
                }
                _ = stop.changed() => return Ended::Stopped,
            };
            heard = Instant::now();
            let resp = match msg {
                Ok(Some(r)) => r,
                Ok(None) => {
                    return Ended::Broken {
                        reason: "the watch stream ended".into(),
                        reason_tag: "stream_ended",
                    }
                }
                Err(e) => {
                    return Ended::Broken {
                        reason: format!("the watch stream failed: {}", self.store.describe(e, "watching")),
                        reason_tag: "stream_ended",
                    }
                }
            };
            // Watching again only once etcd has accepted the watch.
            if resp.created() && !resp.canceled() && std::mem::take(interrupted) {
                self.notice(Notice::Resumed { from_revision: from });
            }
            if resp.canceled() {
                if resp.compact_revision() > 0 {
                    return Ended::Compacted {
                        at: resp.compact_revision(),
                    };
                }
                let reason = resp.cancel_reason().to_string();
                if reason.to_lowercase().contains("permission denied") {
                    return Ended::Fatal {
                        reason: format!(
                            "etcd refused the watch: {reason}; the user needs read permission on the prefix"
                        ),
                    };
                }
                return Ended::Broken {
                    reason: format!("etcd canceled the watch: {reason}"),
                    reason_tag: "stream_ended",
                };
            }
            let events = resp.events();
            if events.is_empty() {
                // A progress answer: everything up to its revision was sent.
                if let Some(h) = resp.header() {
                    if h.revision() > *last && !resp.created() {
                        *last = h.revision();
                        let current = self.cache.load();
                        if current.revision < *last {
                            let mut next = Cache::clone(&current);
                            next.revision = *last;
                            self.publish(next, None);
                        }
                    }
                }
                continue;
            }
            // One change set per etcd revision, in order.
            let mut start = 0;
            while start < events.len() {
                let rev = events[start].kv().map(|kv| kv.mod_revision()).unwrap_or(0);
                let mut end = start + 1;
                while end < events.len() && events[end].kv().map(|kv| kv.mod_revision()) == Some(rev) {
                    end += 1;
                }
                if rev > *last {
                    self.apply_events(rev, &events[start..end]);
                    *last = rev;
                }
                start = end;
            }
        }
    }
}

/// The last good entry, marked with the stored value it refused.
fn refused_over(good: &CacheEntry, raw: String, mod_revision: i64, findings: &[Finding]) -> Arc<CacheEntry> {
    let mut e = good.clone();
    e.invalid = Some(Arc::new(InvalidValue {
        raw,
        mod_revision,
        findings: findings.to_vec(),
    }));
    Arc::new(e)
}

/// The differences between two caches, as key updates.
fn net_change(prefix: &Prefix, old: &Cache, new: &Cache) -> Vec<KeyUpdate> {
    let mut updates = Vec::new();
    for e in new.entries() {
        let before = old.exact(e.name());
        if before.map(|b| &b.items) != Some(&e.items) {
            updates.push(KeyUpdate {
                key: e.key(),
                etcd_key: prefix.key_path(e.name()),
                kind: UpdateKind::Put,
                old: before.map(|b| Arc::new(b.items())),
                new: Some(Arc::new(e.items())),
            });
        }
    }
    for e in old.entries() {
        if new.exact(e.name()).is_none() {
            updates.push(KeyUpdate {
                key: e.key(),
                etcd_key: prefix.key_path(e.name()),
                kind: UpdateKind::Delete,
                old: Some(Arc::new(e.items())),
                new: None,
            });
        }
    }
    updates.sort_by(|a, b| a.etcd_key.cmp(&b.etcd_key));
    updates
}

fn jitter(d: Duration) -> Duration {
    // Up to a quarter either way, from the clock's low bits: no RNG needed.
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|t| t.subsec_nanos())
        .unwrap_or(0);
    let frac = (nanos % 1000) as f64 / 1000.0 - 0.5;
    d.mul_f64(1.0 + frac / 2.0)
}

/// Sleep unless stopped; `false` when stopped.
async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = sleep(d) => true,
        _ = stop.changed() => false,
    }
}

async fn run(inner: Arc<Inner>, mut stop: watch::Receiver<bool>) {
    let mut last = inner.cache.load().revision;
    let mut backoff = inner.options.backoff_min;
    let mut interrupted = false;
    loop {
        if *stop.borrow() {
            break;
        }
        let before = last;
        match inner.watch_once(last + 1, &mut last, &mut stop, &mut interrupted).await {
            Ended::Stopped => break,
            Ended::Fatal { reason } => {
                metrics::gauge!("dynconfig_watch_active").set(0.0);
                inner.notice(Notice::Fatal { reason });
                break;
            }
            Ended::Compacted { at } => {
                metrics::gauge!("dynconfig_watch_active").set(0.0);
                metrics::counter!("dynconfig_watch_reconnects_total", "reason" => "compacted").increment(1);
                match inner.reload(at, &mut stop).await {
                    Some(rev) => last = rev,
                    None => break,
                }
                backoff = inner.options.backoff_min;
                interrupted = false;
            }
            Ended::Broken { reason, reason_tag } => {
                metrics::gauge!("dynconfig_watch_active").set(0.0);
                metrics::counter!("dynconfig_watch_reconnects_total", "reason" => reason_tag).increment(1);
                // Once per outage: attempts that fail while etcd is away
                // are retried quietly.
                if !interrupted {
                    inner.notice(Notice::Interrupted {
                        reason,
                        from_revision: last + 1,
                    });
                    interrupted = true;
                } else {
                    tracing::debug!(%reason, "watching again failed");
                }
                if last > before {
                    backoff = inner.options.backoff_min;
                }
                if !pause(jitter(backoff), &mut stop).await {
                    break;
                }
                backoff = (backoff * 2).min(inner.options.backoff_max);
            }
        }
    }
    metrics::gauge!("dynconfig_watch_active").set(0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::Value;

    fn entry(name: &str, value: i64, mod_revision: i64) -> Arc<CacheEntry> {
        Arc::new(CacheEntry {
            name: name.into(),
            items: CompactItems::encode(&[ConstrainedValue::new(Value::Int(value), Constraints::default())]),
            mod_revision,
            invalid: None,
        })
    }

    fn value(c: &Cache, name: &str) -> Option<Value> {
        c.entry(name).map(|e| e.items()[0].value.clone())
    }

    #[test]
    fn a_copy_changes_apart_from_the_snapshot_it_came_from() {
        let mut base = Cache::default();
        for i in 0..2_000 {
            base.insert(entry(&format!("k.n{i}"), i, 1));
        }
        let mut next = base.clone();
        next.insert(entry("k.n7", 700, 2));
        next.insert(entry("k.new", 1, 2));
        assert!(next.remove("k.n8").is_some());
        assert!(next.remove("k.absent").is_none());

        assert_eq!((base.len(), next.len()), (2_000, 2_000));
        assert_eq!(base.entries().count(), 2_000);
        assert_eq!(value(&base, "K.N7"), Some(Value::Int(7)));
        assert_eq!(value(&next, "K.N7"), Some(Value::Int(700)));
        assert_eq!(value(&base, "k.n8"), Some(Value::Int(8)));
        assert_eq!(value(&next, "k.n8"), None);
        assert_eq!(value(&base, "k.new"), None);
        for i in (0..2_000).filter(|i| ![7, 8].contains(i)) {
            assert_eq!(value(&next, &format!("K.n{i}")), Some(Value::Int(i)));
        }
    }

    #[test]
    fn two_spellings_are_two_entries_and_any_other_finds_the_latest() {
        let mut c = Cache::default();
        c.insert(entry("Frontend.RPS", 1, 9));
        c.insert(entry("frontend.rps", 2, 5));
        assert_eq!(c.len(), 2);
        assert_eq!(value(&c, "Frontend.RPS"), Some(Value::Int(1)));
        assert_eq!(value(&c, "frontend.rps"), Some(Value::Int(2)));
        assert_eq!(value(&c, "FRONTEND.RPS"), Some(Value::Int(1)));
        c.remove("Frontend.RPS");
        assert_eq!(value(&c, "FRONTEND.RPS"), Some(Value::Int(2)));
        // Non-ASCII names fold like Go's strings.ToLower.
        c.insert(entry("Grüße.Über", 3, 1));
        assert_eq!(value(&c, "grüße.über"), Some(Value::Int(3)));
    }

    #[test]
    fn refused_values_are_counted_until_replaced_or_removed() {
        let mut c = Cache::default();
        c.insert(entry("a", 1, 1));
        c.insert(entry("b", 1, 1));
        let refused = refused_over(&c.entry("a").unwrap().clone(), "- value: [".into(), 2, &[]);
        c.insert(refused.clone());
        c.insert(refused_over(&c.entry("b").unwrap().clone(), "x".into(), 2, &[]));
        assert_eq!(c.invalid_count(), 2);
        assert_eq!(value(&c, "a"), Some(Value::Int(1)));
        c.insert(entry("a", 5, 3));
        assert_eq!(c.invalid_count(), 1);
        c.remove("b");
        assert_eq!(c.invalid_count(), 0);
    }

    #[test]
    fn net_change_lists_puts_and_deletes_in_key_order() {
        let prefix = Prefix::new("/p/");
        let mut old = Cache::default();
        for (n, v) in [("a", 1), ("b", 2), ("c", 3)] {
            old.insert(entry(n, v, 1));
        }
        let mut new = old.clone();
        new.remove("b");
        new.insert(entry("c", 30, 2));
        new.insert(entry("a", 1, 2)); // rewritten, same items: no change
        new.insert(entry("d", 4, 2));
        let got: Vec<_> = net_change(&prefix, &old, &new)
            .into_iter()
            .map(|u| (u.etcd_key, u.kind, u.new.map(|n| n[0].value.clone())))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/p/b".to_string(), UpdateKind::Delete, None),
                ("/p/c".to_string(), UpdateKind::Put, Some(Value::Int(30))),
                ("/p/d".to_string(), UpdateKind::Put, Some(Value::Int(4))),
            ]
        );
    }
}
