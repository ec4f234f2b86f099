//! The loop behind the client: watch from the last seen revision + 1,
//! apply each revision's events, re-watch a broken stream with backoff, and
//! reload after a compaction.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use etcd_client::{EventType, WatchOptions};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, timeout, Instant};

use crate::model::document::ConstrainedValue;
use crate::model::finding::Finding;
use crate::model::key::Key;
use crate::model::parse::parse_items;
use crate::serving::compact::CompactItems;
use crate::store::{foreign_reason, ProgressAnswers, Snapshot, Store, StoreError};
use crate::temporal::registry::Registry;
use crate::temporal::validate::stored_value_errors;

use super::cache::{net_change, Cache, CacheEntry};
use super::changes::{Cause, ChangeSet, KeyUpdate, Notice, UpdateKind};
use super::options::ClientOptions;

/// What the client and the loop behind it share: the store, the cache it
/// publishes, and who hears of each change.
pub(super) struct Inner {
    pub(super) store: Store,
    pub(super) registry: Arc<Registry>,
    pub(super) options: ClientOptions,
    pub(super) cache: ArcSwap<Cache>,
    pub(super) subscribers: Mutex<Vec<mpsc::UnboundedSender<ChangeSet>>>,
    pub(super) notices: Mutex<Vec<mpsc::UnboundedSender<Notice>>>,
    pub(super) revision: watch::Sender<i64>,
    /// How the members answer progress requests: asked at start and after
    /// each reload (not on every reconnect, which must not wait on members
    /// that are away).
    pub(super) answers: Mutex<ProgressAnswers>,
}

/// Why one watch ended.
pub(super) enum Ended {
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

impl Inner {
    pub(super) fn notice(&self, n: Notice) {
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
    pub(super) fn check(&self, etcd_key: &str, name: &str, raw: &str) -> Result<Vec<ConstrainedValue>, Vec<Finding>> {
        let parsed = parse_items(etcd_key, name, raw);
        if parsed.has_errors() {
            return Err(parsed.findings);
        }
        self.check_parsed(etcd_key, name, &parsed.value)?;
        Ok(parsed.value)
    }

    /// The one verdict on a stored value ([`stored_value_errors`]): what
    /// Temporal would not serve as written is refused; items that merely
    /// never match, or duplicates, Temporal resolves deterministically.
    pub(super) fn check_parsed(
        &self,
        etcd_key: &str,
        name: &str,
        items: &[ConstrainedValue],
    ) -> Result<(), Vec<Finding>> {
        let bad = stored_value_errors(etcd_key, &Key::new(name), items, &self.registry);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad)
        }
    }

    /// A cache from a snapshot; invalid values keep the last good items of
    /// `previous` (if any). Also returns the refused values.
    pub(super) fn cache_from(
        &self,
        snapshot: &Snapshot,
        previous: Option<&Cache>,
    ) -> (Cache, Vec<(String, Vec<Finding>)>) {
        let mut cache = Cache::at(snapshot.revision);
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
                    let good = previous.and_then(|p| p.exact(k.key.as_str()));
                    cache.refuse(
                        k.key.as_str(),
                        good.map(|g| &**g),
                        k.raw.clone(),
                        k.mod_revision,
                        &findings,
                    );
                    refused.push((k.etcd_key.clone(), findings));
                }
            }
        }
        metrics::gauge!("dynconfig_invalid_values").set(refused.len() as f64);
        (cache, refused)
    }

    pub(super) fn publish(&self, cache: Cache, set: Option<ChangeSet>) {
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
    pub(super) fn apply_events(&self, revision: i64, events: &[etcd_client::Event]) {
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
                    next.clear_refusal(name);
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
                            next.clear_refusal(name);
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
                            let good = next.exact(name).cloned();
                            next.refuse(name, good.as_deref(), raw, kv.mod_revision(), &findings);
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
    pub(super) async fn reload(&self, compacted_at: i64, stop: &mut watch::Receiver<bool>) -> Option<i64> {
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
                    *self.answers.lock().expect("answers lock") = self.store.ask_progress_answers().await;
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
    pub(super) async fn watch_once(
        &self,
        from: i64,
        last: &mut i64,
        stop: &mut watch::Receiver<bool>,
        interrupted: &mut bool,
    ) -> Ended {
        let mut client = self.store.client();
        let answers = *self.answers.lock().expect("answers lock");
        // A release that may drop a progress request made while the watch
        // catches up (and every one after it) must not be asked before the
        // watch is known to be current: from a revision known to hold an
        // event (the newest write the cache holds), its first answer is
        // the catch-up, after which asking is safe.
        let start = match answers {
            ProgressAnswers::MayBeLost => {
                let newest = self.cache.load().entries().map(|e| e.mod_revision).max().unwrap_or(0);
                if newest > 0 && newest < from {
                    newest
                } else {
                    from
                }
            }
            ProgressAnswers::Early | ProgressAnswers::InOrder => from,
        };
        let mut current = answers != ProgressAnswers::MayBeLost;
        let opts = WatchOptions::new()
            .with_prefix()
            .with_start_revision(start)
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
                    // Silence is a stall only where etcd owes an answer: to
                    // a progress request once current, or before that the
                    // catch-up from a revision known to hold an event (a
                    // member frozen between accepting the watch and sending
                    // it would otherwise go unnoticed until the keep-alive).
                    if !current && start == from {
                        // Not asked, so not expected to answer: the
                        // connection's keep-alive finds a dead peer.
                        heard = Instant::now();
                        continue;
                    }
                    if heard.elapsed() > self.options.liveness * 2 {
                        return Ended::Broken { reason: format!("no word from etcd for {}", humantime::format_duration(std::time::Duration::from_millis(heard.elapsed().as_millis() as u64))), reason_tag: "stalled" };
                    }
                    if current {
                        let _ = stream.request_progress().await;
                    }
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
            // A watch from past etcd's revision has no past to catch up on.
            if resp.created() && resp.header().is_some_and(|h| h.revision() < start) {
                current = true;
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
                // A progress answer: everything up to its revision was sent,
                // except on releases that answer before the past they still
                // have to send (etcd #15220): there it only says etcd is there.
                if answers == ProgressAnswers::Early {
                    continue;
                }
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
            // The first events are the catch-up (or a later batch of it,
            // which a progress request waits for): asking is safe now.
            current = true;
            // One change set per etcd revision, in order.
            let mut first = 0;
            while first < events.len() {
                let rev = events[first].kv().map(|kv| kv.mod_revision()).unwrap_or(0);
                let mut end = first + 1;
                while end < events.len() && events[end].kv().map(|kv| kv.mod_revision()) == Some(rev) {
                    end += 1;
                }
                if rev > *last {
                    self.apply_events(rev, &events[first..end]);
                    *last = rev;
                }
                first = end;
            }
        }
    }
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

pub(super) async fn run(inner: Arc<Inner>, mut stop: watch::Receiver<bool>) {
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
