//! Renderers report themselves: one record per renderer, holding the
//! revision its file reflects, bound to an etcd lease so that it disappears
//! when the renderer dies. Records live beside the config prefix, never
//! under it (no config watcher, seed library or renderer reads them):
//! `/temporal/dynamicconfig/` has its records under
//! `/temporal/dynamicconfig.renderers/`.

use std::time::Duration;

use etcd_client::{GetOptions, PutOptions};
use serde::{Deserialize, Serialize};

use crate::store::{Prefix, Store, StoreError};

/// Where the renderers of `prefix` report.
pub fn status_prefix(prefix: &Prefix) -> String {
    format!("{}.renderers/", prefix.as_str().trim_end_matches('/'))
}

/// One renderer's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RendererStatus {
    pub name: String,
    /// The prefix revision the file reflects.
    pub revision: i64,
    /// When it was rendered (RFC 3339).
    pub at: String,
    pub file: String,
    /// Keys held back at their last good items (or left out).
    pub held: Vec<String>,
    pub version: String,
}

/// A renderer's record, kept alive while the renderer runs.
pub struct StatusReporter {
    client: etcd_client::Client,
    key: String,
    lease: i64,
    keepalive: tokio::task::JoinHandle<()>,
}

impl StatusReporter {
    /// A lease of `ttl` for the record of `name`, kept alive from now on.
    pub async fn start(store: &Store, name: &str, ttl: Duration) -> Result<StatusReporter, StoreError> {
        let mut client = store.client();
        let secs = ttl.as_secs().max(1) as i64;
        let lease = client
            .lease_grant(secs, None)
            .await
            .map_err(|e| store.describe(e, "granting the renderer's lease"))?
            .id();
        let (mut keeper, mut answers) = client
            .lease_keep_alive(lease)
            .await
            .map_err(|e| store.describe(e, "keeping the renderer's lease alive"))?;
        let mut again = client.clone();
        let keepalive = tokio::spawn(async move {
            let every = Duration::from_millis((secs as u64 * 1000 / 3).max(100));
            loop {
                tokio::time::sleep(every).await;
                // A broken stream (etcd away) is opened again; the lease lasts
                // its TTL meanwhile.
                let alive = keeper.keep_alive().await.is_ok() && matches!(answers.message().await, Ok(Some(_)));
                if !alive {
                    if let Ok((k, a)) = again.lease_keep_alive(lease).await {
                        (keeper, answers) = (k, a);
                    }
                }
            }
        });
        Ok(StatusReporter {
            key: format!("{}{name}", status_prefix(store.prefix())),
            client,
            lease,
            keepalive,
        })
    }

    /// Write the record.
    pub async fn report(&mut self, status: &RendererStatus) -> Result<(), StoreError> {
        let text = serde_json::to_string(status).expect("a status serialises");
        self.client
            .put(self.key.as_str(), text, Some(PutOptions::new().with_lease(self.lease)))
            .await
            .map(|_| ())
            .map_err(|e| StoreError::Other(format!("writing the renderer's record {}: {e}", self.key)))
    }

    /// Remove the record now (a clean exit), instead of at the lease's end.
    pub async fn stop(mut self) {
        self.keepalive.abort();
        let _ = self.client.lease_revoke(self.lease).await;
    }
}

impl Drop for StatusReporter {
    fn drop(&mut self) {
        self.keepalive.abort();
    }
}

/// The records of the renderers of the store's prefix now reporting.
pub async fn renderers(store: &Store) -> Result<Vec<RendererStatus>, StoreError> {
    let prefix = status_prefix(store.prefix());
    let mut client = store.client();
    let answer = client
        .get(prefix.as_str(), Some(GetOptions::new().with_prefix()))
        .await
        .map_err(|e| store.describe(e, "reading the renderers' records"))?;
    Ok(answer
        .kvs()
        .iter()
        .filter_map(|kv| serde_json::from_slice(kv.value()).ok())
        .collect())
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
}
