//! The client a service holds: start, lookups on the current snapshot,
//! subscriptions, writes, and shutdown.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{timeout, Instant};

use crate::changes::budget::Limits;
use crate::changes::commit::{Batching, Change, CommitError};
use crate::changes::edit::read_for_change;
use crate::changes::intent::Intent;
use crate::changes::plan::key_plan;
use crate::model::constraints::Constraints;
use crate::model::document::ConstrainedValue;
use crate::store::{Store, StoreError};
use crate::temporal::registry::Registry;
use crate::temporal::resolve::{resolve_items, Resolution};

use super::cache::{Cache, CacheEntry};
use super::changes::{ChangeSet, Notice};
use super::options::ClientOptions;
use super::stream::{run, Inner};

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
    /// etcd could not be read or written.
    Store(#[from] StoreError),
    #[error("the change was written at revision {revision} but not seen by this client within {waited:?}")]
    /// The write landed but this client did not see it in time.
    NotSeen {
        /// The revision the write landed at.
        revision: i64,
        /// How long the client waited for it.
        waited: Duration,
    },
    #[error("the client is stopped")]
    /// The client was shut down.
    Stopped,
    /// The new list is one `tcfg put` refuses: what Temporal would reject or
    /// not use as written (the findings say what and where); nothing written.
    #[error("{key}: {}; nothing written", .findings.iter().filter(|f| f.level == crate::Level::Error).map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The key, as registered.
        key: String,
        /// What validation and the change's review found.
        findings: Vec<crate::Finding>,
    },
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
        let answers = Mutex::new(store.ask_progress_answers().await);
        let inner = Arc::new(Inner {
            store,
            registry,
            options,
            cache: ArcSwap::from_pointee(Cache::default()),
            subscribers: Mutex::new(Vec::new()),
            notices: Mutex::new(Vec::new()),
            revision: rev_tx,
            answers,
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

    /// The revision of every cache the client publishes (a change, a
    /// refused value, a reload, or etcd's word that nothing changed), to
    /// await instead of polling.
    pub fn revisions(&self) -> watch::Receiver<i64> {
        self.inner.revision.subscribe()
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
    /// and return once this client's snapshot shows it. A list with errors
    /// (an unknown key, a value of the wrong type, a constraint no lookup
    /// reads…) is refused as `tcfg put` refuses it: [`ClientError::Invalid`].
    pub async fn write(&self, name: &str, items: Vec<ConstrainedValue>) -> Result<i64, ClientError> {
        self.write_with_message(name, items, None).await
    }

    /// [`Client::write`] with a message for the change record (why), which a
    /// prefix with `requireMessage` insists on.
    pub async fn write_with_message(
        &self,
        name: &str,
        items: Vec<ConstrainedValue>,
        message: Option<&str>,
    ) -> Result<i64, ClientError> {
        let name = self.inner.registry.canonical_name(name).unwrap_or(name).to_string();
        let findings = crate::temporal::validate::validate_key(
            "new value",
            &crate::Key::new(name.clone()),
            crate::model::yaml::Pos::default(),
            &items,
            &self.inner.registry,
            &Default::default(),
        );
        if findings.iter().any(|f| f.level == crate::Level::Error) {
            metrics::counter!("dynconfig_write_total", "result" => "invalid").increment(1);
            return Err(ClientError::Invalid { key: name, findings });
        }
        let result = async {
            let (store, registry) = (&self.inner.store, &self.inner.registry);
            let (read, current) = read_for_change(store, &name).await?;
            let plan = key_plan(store.prefix(), &name, &read.stored, &items, registry, read.revision);
            if plan.is_empty() {
                return Ok(read.revision);
            }
            let intent = Intent::new(
                store.settings(),
                crate::changes::record::Command {
                    verb: "write".into(),
                    ..Default::default()
                },
                message,
                concat!("tcfg-core ", env!("CARGO_PKG_VERSION")),
                &registry.version,
                true,
            )?;
            // The one write path: reviewed as `tcfg put` reviews (lowering
            // read partitions below the write partitions is refused), fitted,
            // recorded.
            let change = Change::of_plan(&plan, &current, registry);
            let findings = change.findings().to_vec();
            let committed = match change.fit(&intent, Limits::default(), Batching::Never) {
                Ok(fitted) => fitted.commit(store, |_| {}).await,
                Err(e) => Err(e),
            };
            match committed {
                Ok(revision) => Ok(revision.unwrap_or(read.revision)),
                Err(CommitError::Refused { .. }) => Err(ClientError::Invalid {
                    key: name.clone(),
                    findings,
                }),
                Err(CommitError::Store(e)) => Err(e.into()),
                Err(e) => Err(StoreError::Other(e.to_string()).into()),
            }
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
