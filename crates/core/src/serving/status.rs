//! Renderers report themselves: one record per renderer, holding the
//! revision its file reflects, bound to an etcd lease so that it disappears
//! when the renderer dies. Records live beside the config prefix, never
//! under it (no config watcher, seed library or renderer reads them):
//! `/temporal/dynamicconfig/` has its records under
//! `/temporal/dynamicconfig.renderers/`.
//!
//! A writer that wants to know "has every host got it?" waits until every
//! live record reports a revision at or past its write
//! ([`wait_for_renderers`]).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use etcd_client::{Compare, CompareOp, EventType, GetOptions, PutOptions, Txn, TxnOp, TxnOpResponse, WatchOptions};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::{timeout, timeout_at, Instant};

use crate::store::{Prefix, Store, StoreError};

/// Where the renderers of `prefix` report.
pub fn status_prefix(prefix: &Prefix) -> String {
    prefix.beside("renderers").as_str().to_string()
}

/// One renderer's record (JSON; fields are only ever added).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RendererStatus {
    /// The name it reports as.
    pub name: String,
    /// The prefix revision the file reflects (0: no render of this run is
    /// in place yet).
    pub revision: i64,
    /// When the file was last found to reflect it (RFC 3339).
    pub at: String,
    /// The file it keeps.
    pub file: String,
    /// Keys held back at their last good items (or left out), as etcd keys.
    #[serde(default)]
    pub held: Vec<String>,
    /// Why the newest render was refused (the file stays at `revision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The program and version that rendered it.
    pub version: String,
}

impl RendererStatus {
    /// The time now, as records write it.
    pub fn now() -> String {
        humantime::format_rfc3339_millis(SystemTime::now()).to_string()
    }
}

/// Why a renderer cannot report under a name.
#[derive(Debug, thiserror::Error)]
pub enum BadName {
    #[error("{name:?} cannot name a renderer: a name is 1 to 253 characters without '/' or control characters")]
    /// The name cannot name a renderer.
    Invalid {
        /// The name.
        name: String,
    },
    #[error("another renderer reports as {name} for this prefix (its file: {file}); two renderers never share a record, or `--wait` would count one file for two")]
    /// A live renderer of the prefix already reports as that name.
    Taken {
        /// The name.
        name: String,
        /// The other renderer's file.
        file: String,
    },
    #[error("cannot claim the renderer name {name}: {source}")]
    /// etcd refused or failed the claim.
    Store {
        /// The name.
        name: String,
        #[source]
        /// What etcd said.
        source: StoreError,
    },
}

/// A renderer's record, kept alive while the renderer runs: a task of its
/// own holds the lease, writes the newest status, and, when the lease was
/// lost (etcd away for longer than its TTL), takes a new one and writes the
/// record again. Reporting never holds up rendering.
pub struct StatusReporter {
    latest: watch::Sender<Option<RendererStatus>>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    name: String,
}

impl StatusReporter {
    /// Report as `name` beside the store's prefix, on a lease of `ttl` (how
    /// long a record outlives a renderer that died without removing it).
    /// The name is claimed first: a record under it that outlives its TTL
    /// belongs to a live renderer, and the name is refused; one that goes
    /// (a renderer killed before) gives the name back.
    pub async fn start(store: &Store, name: &str, ttl: Duration) -> Result<StatusReporter, BadName> {
        if name.is_empty() || name.len() > 253 || name.chars().any(|c| c == '/' || c.is_control()) {
            return Err(BadName::Invalid { name: name.into() });
        }
        let ttl = ttl.max(Duration::from_secs(1));
        let key = format!("{}{name}", status_prefix(store.prefix()));
        let lease = claim(store, &key, name, ttl).await?;
        let (latest, latest_rx) = watch::channel(None);
        let (stop, stop_rx) = watch::channel(false);
        let keeper = Keeper {
            store: store.clone(),
            key,
            ttl,
        };
        let task = tokio::spawn(keeper.run(latest_rx, stop_rx, lease));
        Ok(StatusReporter {
            latest,
            stop,
            task: Some(task),
            name: name.into(),
        })
    }

    /// The name this renderer reports as.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Write this status (the newest one wins when etcd is slower than
    /// the renders).
    pub fn report(&self, status: RendererStatus) {
        self.latest.send_replace(Some(status));
    }

    /// Remove the record now (a clean exit), instead of at the lease's end.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for StatusReporter {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

struct Keeper {
    store: Store,
    key: String,
    ttl: Duration,
}

/// Take `key` for this renderer: a lease, and a record put only where none
/// is (the record says no render is in place yet). A record already there
/// is waited out for one TTL and a margin: a dead renderer's goes with its
/// lease, a live one's stays, and then the name is refused.
async fn claim(store: &Store, key: &str, name: &str, ttl: Duration) -> Result<i64, BadName> {
    let failed = |e: etcd_client::Error| BadName::Store {
        name: name.into(),
        source: store.describe(e, "claiming the renderer's name"),
    };
    let mut client = store.client();
    let placeholder = serde_json::to_string(&RendererStatus {
        name: name.into(),
        revision: 0,
        at: RendererStatus::now(),
        file: String::new(),
        held: Vec::new(),
        refused: None,
        version: String::new(),
    })
    .unwrap_or_default();
    let until = Instant::now() + ttl + Duration::from_secs(2);
    let mut said = false;
    loop {
        // A lease only once the name looks free: one taken early would
        // expire while a dead renderer's record is waited out.
        let holder = client.get(key, None).await.map_err(failed)?;
        if let Some(kv) = holder.kvs().first() {
            if Instant::now() >= until {
                let file = serde_json::from_slice::<RendererStatus>(kv.value())
                    .map(|r| r.file)
                    .ok()
                    .filter(|f| !f.is_empty())
                    .unwrap_or_else(|| "not yet written".into());
                return Err(BadName::Taken {
                    name: name.into(),
                    file,
                });
            }
            if !std::mem::replace(&mut said, true) {
                tracing::warn!(
                    key,
                    "another renderer's record holds this name: waiting up to {}s for it to expire (a renderer killed before), else the name is refused",
                    (until - Instant::now()).as_secs()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        let lease = client
            .lease_grant(ttl.as_secs() as i64, None)
            .await
            .map_err(failed)?
            .id();
        let txn = Txn::new()
            .when([Compare::create_revision(key, CompareOp::Equal, 0)])
            .and_then([TxnOp::put(
                key,
                placeholder.as_str(),
                Some(PutOptions::new().with_lease(lease)),
            )]);
        if client.txn(txn).await.map_err(failed)?.succeeded() {
            return Ok(lease);
        }
        // Another renderer claimed it between the read and the write.
        let _ = client.lease_revoke(lease).await;
    }
}

/// What a keep-alive found out about the lease.
enum Lease {
    Alive,
    /// etcd says it is gone (expired or revoked).
    Gone,
    /// etcd did not answer.
    Unknown,
}

impl Keeper {
    async fn run(
        self,
        mut latest: watch::Receiver<Option<RendererStatus>>,
        mut stop: watch::Receiver<bool>,
        claimed: i64,
    ) {
        let mut client = self.store.client();
        // A third of the TTL: two keep-alives can be lost before the record goes.
        let every = (self.ttl / 3).max(Duration::from_millis(100));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut lease: Option<i64> = Some(claimed);
        let mut stream = None;
        let mut written = true;
        let mut complained = false;
        loop {
            let keep = tokio::select! {
                _ = tick.tick() => true,
                changed = latest.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    written = false;
                    false
                }
                _ = stop.changed() => break,
            };
            if let (true, Some(id)) = (keep, lease) {
                match keep_alive(&mut client, id, &mut stream, every).await {
                    Lease::Alive | Lease::Unknown => {}
                    Lease::Gone => {
                        tracing::warn!(key = %self.key, "the renderer's lease expired; its record is written again");
                        (lease, stream, written) = (None, None, false);
                    }
                }
            }
            if written {
                continue;
            }
            let Some(status) = latest.borrow_and_update().clone() else {
                continue;
            };
            let id = match lease {
                Some(id) => id,
                None => match timeout(every, client.lease_grant(self.ttl.as_secs() as i64, None)).await {
                    Ok(Ok(granted)) => {
                        lease = Some(granted.id());
                        granted.id()
                    }
                    failed => {
                        if !complained {
                            tracing::warn!(key = %self.key, error = %describe(failed), "cannot take a lease for the renderer's record; trying again");
                            complained = true;
                        }
                        continue;
                    }
                },
            };
            // Only this renderer's own record (on its lease), or a name free
            // again: never another renderer's that took the name meanwhile.
            let text = serde_json::to_string(&status).unwrap_or_default();
            let txn = Txn::new()
                .when([Compare::lease(self.key.as_str(), CompareOp::Equal, id)])
                .and_then([TxnOp::put(
                    self.key.as_str(),
                    text.as_str(),
                    Some(PutOptions::new().with_lease(id)),
                )])
                .or_else([TxnOp::txn(
                    Txn::new()
                        .when([Compare::create_revision(self.key.as_str(), CompareOp::Equal, 0)])
                        .and_then([TxnOp::put(
                            self.key.as_str(),
                            text.as_str(),
                            Some(PutOptions::new().with_lease(id)),
                        )]),
                )]);
            match timeout(every, client.txn(txn)).await {
                Ok(Ok(answer)) if answer.succeeded() || nested_succeeded(&answer) => {
                    (written, complained) = (true, false)
                }
                Ok(Ok(_)) => {
                    if !complained {
                        tracing::warn!(key = %self.key, "another renderer holds this renderer's name now; its record is left alone");
                        complained = true;
                    }
                }
                failed => {
                    let why = describe(failed);
                    if why.contains("lease not found") {
                        (lease, stream) = (None, None);
                    }
                    if !complained {
                        tracing::warn!(key = %self.key, error = %why, "cannot write the renderer's record; trying again");
                        complained = true;
                    }
                }
            }
        }
        if let Some(id) = lease {
            let _ = timeout(Duration::from_secs(2), client.lease_revoke(id)).await;
        }
    }
}

type KeepAlive = (etcd_client::LeaseKeeper, etcd_client::LeaseKeepAliveStream);

/// One keep-alive of `id`, on the stream kept between calls (opened again
/// when it broke).
async fn keep_alive(
    client: &mut etcd_client::Client,
    id: i64,
    stream: &mut Option<KeepAlive>,
    limit: Duration,
) -> Lease {
    let Some((keeper, answers)) = stream else {
        // Opening the stream is a keep-alive of its own, answered.
        return match timeout(limit, client.lease_keep_alive(id)).await {
            Ok(Ok(opened)) => {
                *stream = Some(opened);
                Lease::Alive
            }
            Ok(Err(etcd_client::Error::LeaseKeepAliveError(_))) => Lease::Gone,
            _ => Lease::Unknown,
        };
    };
    let answered = async {
        keeper.keep_alive().await.ok()?;
        answers.message().await.ok()?
    };
    match timeout(limit, answered).await {
        Ok(Some(answer)) if answer.ttl() > 0 => Lease::Alive,
        Ok(Some(_)) => Lease::Gone,
        _ => {
            *stream = None;
            Lease::Unknown
        }
    }
}

/// Whether the `or_else` branch's own transaction put the record.
fn nested_succeeded(answer: &etcd_client::TxnResponse) -> bool {
    answer.op_responses().into_iter().any(|op| match op {
        TxnOpResponse::Txn(t) => t.succeeded(),
        _ => false,
    })
}

fn describe<T>(failed: Result<Result<T, etcd_client::Error>, tokio::time::error::Elapsed>) -> String {
    match failed {
        Ok(Err(e)) => e.to_string(),
        Err(_) => "no answer".into(),
        Ok(Ok(_)) => String::new(),
    }
}

/// The records of the renderers of the store's prefix now reporting, by
/// name; records that are not a renderer's status are skipped.
pub async fn renderers(store: &Store) -> Result<Vec<RendererStatus>, StoreError> {
    let (_, records) = read_records(store).await?;
    Ok(records.into_values().filter_map(Result::ok).collect())
}

type Records = BTreeMap<String, Result<RendererStatus, ()>>;

async fn read_records(store: &Store) -> Result<(i64, Records), StoreError> {
    let prefix = status_prefix(store.prefix());
    let mut client = store.client();
    let answer = timeout(
        store.settings().command_timeout,
        client.get(prefix.as_str(), Some(GetOptions::new().with_prefix())),
    )
    .await
    .map_err(|_| StoreError::Other(format!("reading the renderers' records under {prefix}: no answer")))?
    .map_err(|e| store.describe(e, "reading the renderers' records"))?;
    let revision = answer.header().map_or(0, |h| h.revision());
    let records = answer
        .kvs()
        .iter()
        .map(|kv| {
            (
                String::from_utf8_lossy(kv.key()).into_owned(),
                serde_json::from_slice(kv.value()).map_err(|_| ()),
            )
        })
        .collect();
    Ok((revision, records))
}

/// How the live renderers of a prefix stand against a revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Convergence {
    /// The revision asked about.
    pub revision: i64,
    /// Renderers whose file reflects the revision or a later one.
    pub current: Vec<RendererStatus>,
    /// Renderers behind it.
    pub behind: Vec<RendererStatus>,
    /// Records that are not a renderer's status (their etcd keys): not waited for.
    pub unreadable: Vec<String>,
}

impl Convergence {
    fn of(revision: i64, records: &Records) -> Convergence {
        let mut c = Convergence {
            revision,
            ..Default::default()
        };
        for (key, record) in records {
            match record {
                Ok(s) if s.revision >= revision => c.current.push(s.clone()),
                Ok(s) => c.behind.push(s.clone()),
                Err(()) => c.unreadable.push(key.clone()),
            }
        }
        c
    }

    /// Every live renderer reflects the revision.
    pub fn done(&self) -> bool {
        self.behind.is_empty()
    }
}

/// Wait until every renderer of the store's prefix reports `revision` or a
/// later one, for at most `limit`; how they stand at the end (and, to
/// `behind`, while some are behind). A renderer
/// that dies meanwhile drops out when its lease ends; one that starts
/// meanwhile is waited for too. Only the first read of the records can
/// fail: a broken watch afterwards is read again until the limit.
pub async fn wait_for_renderers(
    store: &Store,
    revision: i64,
    limit: Duration,
    mut behind: impl FnMut(&Convergence),
) -> Result<Convergence, StoreError> {
    let deadline = Instant::now() + limit;
    let (mut at, mut records) = read_records(store).await?;
    let prefix = status_prefix(store.prefix());
    let mut client = store.client();
    // `behind` hears of the renderers still behind whenever they change.
    let mut shown: Vec<String> = Vec::new();
    let mut tell = |c: &Convergence| {
        let names: Vec<String> = c.behind.iter().map(|s| s.name.clone()).collect();
        if !c.done() && names != shown {
            behind(c);
            shown = names;
        }
    };
    loop {
        let now = Convergence::of(revision, &records);
        if now.done() || Instant::now() >= deadline {
            return Ok(now);
        }
        tell(&now);
        // Watch the records from the read on, applying each change.
        let opts = WatchOptions::new().with_prefix().with_start_revision(at + 1);
        if let Ok(Ok(mut stream)) = timeout_at(deadline, client.watch(prefix.as_str(), Some(opts))).await {
            while let Ok(Ok(Some(answer))) = timeout_at(deadline, stream.message()).await {
                if answer.canceled() || answer.compact_revision() > 0 {
                    break;
                }
                for event in answer.events() {
                    let Some(kv) = event.kv() else { continue };
                    let key = String::from_utf8_lossy(kv.key()).into_owned();
                    match event.event_type() {
                        EventType::Put => records.insert(key, serde_json::from_slice(kv.value()).map_err(|_| ())),
                        EventType::Delete => records.remove(&key),
                    };
                }
                let now = Convergence::of(revision, &records);
                if now.done() {
                    return Ok(now);
                }
                tell(&now);
            }
        }
        if Instant::now() >= deadline {
            return Ok(Convergence::of(revision, &records));
        }
        // The watch broke: read again, shortly.
        tokio::time::sleep(Duration::from_millis(100).min(deadline - Instant::now())).await;
        if let Ok((r, fresh)) = read_records(store).await {
            (at, records) = (r, fresh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_live_beside_the_prefix_not_under_it() {
        let p = Prefix::new("/temporal/dynamicconfig/");
        let s = status_prefix(&p);
        assert_eq!(s, "/temporal/dynamicconfig.renderers/");
        assert!(!s.starts_with(p.as_str()));
    }

    fn status(name: &str, revision: i64) -> RendererStatus {
        RendererStatus {
            name: name.into(),
            revision,
            at: String::new(),
            file: String::new(),
            held: vec![],
            refused: None,
            version: String::new(),
        }
    }

    #[test]
    fn renderers_at_or_past_the_revision_are_current() {
        let records: Records = [
            ("a".to_string(), Ok(status("a", 7))),
            ("b".to_string(), Ok(status("b", 6))),
            ("c".to_string(), Ok(status("c", 9))),
            ("d".to_string(), Err(())),
        ]
        .into();
        let c = Convergence::of(7, &records);
        let names = |v: &[RendererStatus]| v.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&c.current), ["a", "c"]);
        assert_eq!(names(&c.behind), ["b"]);
        assert_eq!(c.unreadable, ["d"]);
        assert!(!c.done());
        assert!(Convergence::of(6, &records).done());
    }

    #[test]
    fn a_record_from_a_later_tcfg_with_more_fields_is_read() {
        let s: RendererStatus =
            serde_json::from_str(r#"{"name":"a","revision":3,"at":"t","file":"f","version":"v","future":1}"#).unwrap();
        assert_eq!(s.revision, 3);
        assert!(s.held.is_empty() && s.refused.is_none());
    }
}
