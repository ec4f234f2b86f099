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
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout, Instant};

use crate::constraints::Constraints;
use crate::document::{parse_items, ConstrainedValue, Document};
use crate::edit::key_write;
use crate::finding::Finding;
use crate::key::{fold, Key};
use crate::registry::Registry;
use crate::resolve::{resolve_items, Resolution};
use crate::store::{foreign_reason, Snapshot, Store, StoreError};
use crate::validate::check_values;

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
    /// The key as stored.
    pub key: Key,
    pub etcd_key: String,
    /// The last good items.
    pub items: Arc<Vec<ConstrainedValue>>,
    pub mod_revision: i64,
    /// Set while the stored value is invalid (the items are the last good ones).
    pub invalid: Option<Arc<InvalidValue>>,
}

/// A stored value the client refused, and why.
#[derive(Clone, Debug)]
pub struct InvalidValue {
    pub raw: String,
    pub mod_revision: i64,
    pub findings: Vec<Finding>,
}

/// An immutable view of the prefix at one revision.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    pub revision: i64,
    /// By etcd key.
    entries: HashMap<String, Arc<CacheEntry>>,
    /// Folded key name -> etcd key.
    names: HashMap<String, String>,
}

impl Cache {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A key by name, in any case.
    pub fn entry(&self, name: &str) -> Option<&Arc<CacheEntry>> {
        let etcd_key = match self.names.get(name) {
            Some(k) => k,
            None => self.names.get(&fold(name))?,
        };
        self.entries.get(etcd_key)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Arc<CacheEntry>> {
        self.entries.values()
    }

    fn insert(&mut self, e: Arc<CacheEntry>) {
        self.names.insert(e.key.folded().to_string(), e.etcd_key.clone());
        self.names.insert(e.key.as_str().to_string(), e.etcd_key.clone());
        self.entries.insert(e.etcd_key.clone(), e);
    }

    fn remove(&mut self, etcd_key: &str) -> Option<Arc<CacheEntry>> {
        let e = self.entries.remove(etcd_key)?;
        for n in [e.key.folded(), e.key.as_str()] {
            if self.names.get(n).map(String::as_str) == Some(etcd_key) {
                self.names.remove(n);
            }
        }
        Some(e)
    }

    /// Every key's items, as a document.
    pub fn document(&self) -> Document {
        let mut doc = Document::new("cache");
        let mut entries: Vec<_> = self.entries.values().collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        for e in entries {
            doc.insert(e.key.clone(), e.items.as_ref().clone());
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
    /// The stream broke; the client watches again from `from_revision`.
    Interrupted { reason: String, from_revision: i64 },
    /// Watching again after an interruption.
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

    /// A key's items, by name in any case.
    pub fn items(&self, name: &str) -> Option<Arc<Vec<ConstrainedValue>>> {
        self.inner.cache.load().entry(name).map(|e| e.items.clone())
    }

    /// The value Temporal's lookup returns for `scope` (registered keys only).
    pub fn get(&self, name: &str, scope: &Constraints) -> Option<Resolution> {
        let def = self.inner.registry.get(name)?;
        let cache = self.inner.cache.load();
        let items = cache.entry(&def.name).or_else(|| cache.entry(name));
        Some(match items {
            Some(e) => resolve_items(&e.items, def, scope),
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
            .map(|e| (e.key.to_string(), e.items.as_ref().clone()))
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
        let mut entries: Vec<_> = cache.entries().collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        for e in entries {
            tracing::info!(key = %e.key, values = %crate::serialize::items_to_yaml(&e.items).trim_end(), "dynamic config entry");
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
        // Values Temporal could not convert are refused; items that merely
        // never match, or duplicates, Temporal resolves deterministically.
        let bad = check_values(etcd_key, name, &parsed.value, &self.registry);
        if bad.is_empty() {
            Ok(parsed.value)
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
                Ok(_) => self.check(&k.etcd_key, k.key.as_str(), &k.raw),
                Err(f) => Err(f.clone()),
            };
            match checked {
                Ok(items) => cache.insert(Arc::new(CacheEntry {
                    key: k.key.clone(),
                    etcd_key: k.etcd_key.clone(),
                    items: Arc::new(items),
                    mod_revision: k.mod_revision,
                    invalid: None,
                })),
                Err(findings) => {
                    if let Some(good) = previous.and_then(|p| p.entries.get(&k.etcd_key)) {
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
        let revision = cache.revision;
        metrics::gauge!("dynconfig_revision").set(revision as f64);
        let invalid = cache.entries.values().filter(|e| e.invalid.is_some()).count();
        metrics::gauge!("dynconfig_invalid_values").set(invalid as f64);
        self.cache.store(Arc::new(cache));
        if let Some(set) = set.filter(|s| !s.updates.is_empty()) {
            for u in &set.updates {
                let op = match u.kind {
                    UpdateKind::Put => "DynamicConfigUpdate",
                    UpdateKind::Delete => "DynamicConfigDelete",
                };
                metrics::counter!("dynconfig_key_updates_total", "operation" => op, "key" => u.key.to_string())
                    .increment(1);
                let text = |v: &Option<Arc<Vec<ConstrainedValue>>>| {
                    v.as_ref()
                        .map(|i| crate::serialize::items_to_yaml(i).trim_end().to_string())
                        .unwrap_or_default()
                };
                tracing::info!(
                    key = %u.key,
                    kind = ?u.kind,
                    revision = set.revision,
                    old = %text(&u.old),
                    new = %text(&u.new),
                    "dynamic config changed"
                );
            }
            self.subscribers
                .lock()
                .expect("subscribers lock")
                .retain(|tx| tx.send(set.clone()).is_ok());
        }
        self.revision.send_replace(revision);
    }

    /// Apply one revision's events to a copy of the cache and publish it.
    fn apply_events(&self, revision: i64, events: &[etcd_client::Event]) {
        let current = self.cache.load();
        let mut next = current.as_ref().clone();
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
            let old = next.entries.get(&etcd_key).map(|e| e.items.clone());
            match ev.event_type() {
                EventType::Delete => {
                    if let Some(e) = next.remove(&etcd_key) {
                        updates.push(KeyUpdate {
                            key: e.key.clone(),
                            etcd_key,
                            kind: UpdateKind::Delete,
                            old,
                            new: None,
                        });
                    }
                }
                EventType::Put => {
                    let raw = String::from_utf8_lossy(kv.value()).into_owned();
                    match self.check(&etcd_key, name, &raw) {
                        Ok(items) => {
                            let items = Arc::new(items);
                            next.insert(Arc::new(CacheEntry {
                                key: Key::new(name),
                                etcd_key: etcd_key.clone(),
                                items: items.clone(),
                                mod_revision: kv.mod_revision(),
                                invalid: None,
                            }));
                            if old.as_deref() != Some(items.as_ref()) {
                                updates.push(KeyUpdate {
                                    key: Key::new(name),
                                    etcd_key,
                                    kind: UpdateKind::Put,
                                    old,
                                    new: Some(items),
                                });
                            }
                        }
                        Err(findings) => {
                            // The last good value stays; the refusal is recorded.
                            if let Some(good) = next.entries.get(&etcd_key).cloned() {
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
                    let updates = net_change(&current, &next);
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
    async fn watch_once(&self, from: i64, last: &mut i64, stop: &mut watch::Receiver<bool>) -> Ended {
        let mut client = self.store.client();
        let opts = WatchOptions::new()
            .with_prefix()
            .with_start_revision(from)
            .with_prev_key()
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
                    reason: format!("cannot open the watch: {e}"),
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
                        reason: format!("the watch stream failed: {e}"),
                        reason_tag: "stream_ended",
                    }
                }
            };
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
                            let mut next = current.as_ref().clone();
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
fn net_change(old: &Cache, new: &Cache) -> Vec<KeyUpdate> {
    let mut updates = Vec::new();
    for (k, e) in &new.entries {
        let before = old.entries.get(k);
        if before.map(|b| b.items.as_ref()) != Some(e.items.as_ref()) {
            updates.push(KeyUpdate {
                key: e.key.clone(),
                etcd_key: k.clone(),
                kind: UpdateKind::Put,
                old: before.map(|b| b.items.clone()),
                new: Some(e.items.clone()),
            });
        }
    }
    for (k, e) in &old.entries {
        if !new.entries.contains_key(k) {
            updates.push(KeyUpdate {
                key: e.key.clone(),
                etcd_key: k.clone(),
                kind: UpdateKind::Delete,
                old: Some(e.items.clone()),
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
        if interrupted {
            inner.notice(Notice::Resumed {
                from_revision: last + 1,
            });
        }
        match inner.watch_once(last + 1, &mut last, &mut stop).await {
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
                inner.notice(Notice::Interrupted {
                    reason,
                    from_revision: last + 1,
                });
                interrupted = true;
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
