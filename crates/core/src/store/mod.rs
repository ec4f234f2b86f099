//! etcd access: a consistent paged read of a whole prefix into a
//! [`Snapshot`], single-key reads, and compare-and-swap writes.
//!
//! Reads are idempotent and retried across endpoints while the cluster is
//! unreachable (within the dial timeout) or slow (within the command timeout).
//! Writes are never retried: a lost answer to a write cannot be told from a
//! refusal, and every write is a compare-and-swap the caller re-plans.

pub mod config;
mod error;
pub mod history;
mod raw;
mod read;
pub mod snapshot;
mod write;

use std::sync::Arc;
use std::time::Duration;

use etcd_client::ConnectOptions;
use tokio::time::timeout;

pub use crate::model::key::is_key_shaped;
pub use config::{ConnectionSettings, HistorySettings, Layer, Prefix, TlsSettings, DEFAULT_PREFIX};
pub use error::{Conflict, Remedy, StoreError};
pub use read::{Chunks, KeyRead, PrefixChunk, PrefixRead};
pub use snapshot::{foreign_reason, ForeignKey, Snapshot, StoredKey, Unreadable};
pub use write::{Change, Expect, Guard, RecordWrite};

use error::{classify, Context};

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

    /// Where the records of this prefix's changes go.
    pub fn history_prefix(&self) -> Prefix {
        self.settings.history.prefix_for(&self.settings.prefix)
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
}
