//! Leadership for `tcfg expire --follow`: several expirers may run (one per
//! host, a replica set), one leads through etcd's election API on a lease,
//! and only the leader restores. A leader that dies (kill -9, a lost host)
//! stops renewing its lease; when the lease ends, the next in line leads.
//! The restore itself is compare-and-swapped too
//! ([`crate::changes::overrides::end`]), so even two leaders for a moment
//! restore an override once.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::store::{Prefix, Store, StoreError};

/// The election's name for a prefix's expirers: beside the prefix, never
/// under it.
pub fn election_name(prefix: &Prefix) -> String {
    prefix.beside("expirers").to_string()
}

/// Leading the expirers of a prefix, while the lease lasts.
pub struct Leadership {
    client: etcd_client::Client,
    leader: Option<etcd_client::LeaderKey>,
    lease: i64,
    /// `true` once the lease ended; set by the keeper.
    lost: watch::Receiver<bool>,
    keeper: JoinHandle<()>,
}

impl Leadership {
    /// Campaign as `me` (a host name and process, for `status`) on a lease
    /// of `ttl`: returns once this process leads. Waits as long as another
    /// leads.
    pub async fn campaign(store: &Store, me: &str, ttl: Duration) -> Result<Leadership, StoreError> {
        // Not leading while campaigning: a scrape tells the standby apart.
        metrics::gauge!("tcfg_expirer_leader").set(0.0);
        let mut client = store.client();
        let limit = store.settings().command_timeout;
        let secs = ttl.as_secs().max(1) as i64;
        let lease = match timeout(limit, client.lease_grant(secs, None)).await {
            Ok(Ok(r)) => r.id(),
            Ok(Err(e)) => return Err(store.describe(e, "granting the expirer's lease")),
            Err(_) => {
                return Err(StoreError::Timeout {
                    what: "granting the expirer's lease".into(),
                    timeout: limit,
                })
            }
        };
        let (lose, lost) = watch::channel(false);
        let keeper = tokio::spawn(keep(client.clone(), lease, ttl, lose));
        let name = election_name(store.prefix());
        // Campaigning waits while another leads: no timeout here, but a
        // lease lost meanwhile ends the wait.
        let campaign = client.campaign(name.as_str(), me, lease);
        let answer = tokio::select! {
            a = campaign => a,
            _ = wait_lost(lost.clone()) => {
                keeper.abort();
                return Err(StoreError::Other("the expirer's lease ended while it waited to lead".into()));
            }
        };
        match answer {
            Ok(r) => {
                metrics::gauge!("tcfg_expirer_leader").set(1.0);
                Ok(Leadership {
                    client,
                    leader: r.leader().cloned(),
                    lease,
                    lost,
                    keeper,
                })
            }
            Err(e) => {
                keeper.abort();
                Err(store.describe(e, "campaigning to lead the expirers"))
            }
        }
    }

    /// Whether the lease ended (not renewed in time): this process no
    /// longer leads and must campaign again.
    pub fn is_lost(&self) -> bool {
        let lost = *self.lost.borrow();
        if lost {
            metrics::gauge!("tcfg_expirer_leader").set(0.0);
        }
        lost
    }

    /// Returns once the lease has ended (at once if it already has): a
    /// leader waits on this beside its work, to step down the moment it
    /// no longer leads.
    pub async fn lost(&self) {
        wait_lost(self.lost.clone()).await;
        metrics::gauge!("tcfg_expirer_leader").set(0.0);
    }

    /// Step down now (a stop): the next in line leads without waiting for
    /// the lease to end.
    pub async fn resign(mut self) {
        self.keeper.abort();
        if let Some(leader) = self.leader.take() {
            let _ = timeout(
                Duration::from_secs(2),
                self.client
                    .resign(Some(etcd_client::ResignOptions::new().with_leader(leader))),
            )
            .await;
        }
        let _ = timeout(Duration::from_secs(2), self.client.lease_revoke(self.lease)).await;
    }
}

impl Drop for Leadership {
    fn drop(&mut self) {
        self.keeper.abort();
        metrics::gauge!("tcfg_expirer_leader").set(0.0);
    }
}

async fn wait_lost(mut lost: watch::Receiver<bool>) {
    // The keeper gone without a word (aborted) counts as lost: nothing
    // renews the lease any more.
    let _ = lost.wait_for(|l| *l).await;
}

/// Renew the lease a third of its time apart; when a renewal is refused,
/// or none succeeds for the lease's whole time, it is lost.
async fn keep(mut client: etcd_client::Client, lease: i64, ttl: Duration, lost: watch::Sender<bool>) {
    let every = ttl / 3;
    let mut last_ok = tokio::time::Instant::now();
    let mut stream: Option<(etcd_client::LeaseKeeper, etcd_client::LeaseKeepAliveStream)> = None;
    loop {
        tokio::time::sleep(every).await;
        let renewed = match &mut stream {
            None => match timeout(every, client.lease_keep_alive(lease)).await {
                Ok(Ok(opened)) => {
                    stream = Some(opened);
                    Some(true)
                }
                Ok(Err(etcd_client::Error::LeaseKeepAliveError(_))) => Some(false),
                _ => None,
            },
            Some((keeper, answers)) => {
                let answered = async {
                    keeper.keep_alive().await.ok()?;
                    answers.message().await.ok()?
                };
                match timeout(every, answered).await {
                    Ok(Some(a)) => Some(a.ttl() > 0),
                    _ => {
                        stream = None;
                        None
                    }
                }
            }
        };
        match renewed {
            Some(true) => last_ok = tokio::time::Instant::now(),
            Some(false) => break,
            None if last_ok.elapsed() >= ttl => break,
            None => {}
        }
    }
    lost.send_replace(true);
}
