//! etcd access: a consistent paged read of a whole prefix into a
//! [`Snapshot`], single-key reads, and compare-and-swap writes.
//!
//! Reads are idempotent and retried across endpoints while the cluster is
//! unreachable (within the dial timeout) or slow (within the command timeout).
//! Writes are never retried: a lost answer to a write cannot be told from a
//! refusal, and every write is a compare-and-swap the caller re-plans.

pub mod config;
pub mod config_file;
mod error;
pub mod health;
pub mod history;
mod prefix;
mod raw;
mod read;
pub mod release;
pub mod snapshot;
mod write;

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use etcd_client::ConnectOptions;
use tokio::sync::OnceCell;
use tokio::time::timeout;

pub use crate::model::key::is_key_shaped;
pub use config::{
    ConnectionSettings, HistorySettings, Layer, Prefix, SettingSource, TlsSettings, CLUSTER_FREEZE_KEY, DEFAULT_PREFIX,
};
pub use error::{Conflict, Remedy, StoreError};
pub use read::{Chunks, KeyRead, PrefixChunk, PrefixRead};
pub use release::{KnownProblem, ProgressAnswers, Release};
pub use snapshot::{foreign_reason, ForeignKey, Snapshot, Spellings, StoredKey, Unreadable};
pub use write::{Expect, Guard, RecordWrite, Write};

use error::{classify, Context};

/// A connection to etcd for one prefix.
#[derive(Clone)]
pub struct Store {
    /// Balanced over every endpoint: what requests use first.
    conn: Conn,
    /// One connection per endpoint, opened when a read has to get past a
    /// member that accepts requests and never answers (frozen, or cut off
    /// without its connection closing): the balanced channel picks members
    /// at random, so it keeps sending some retries to that member.
    members: Arc<[OnceCell<Conn>]>,
    /// The member that answered when every member was asked: reads go
    /// there first while it keeps answering.
    preferred: Arc<AtomicUsize>,
    settings: ConnectionSettings,
    /// Set by tests of the older releases' paths: see
    /// [`Store::assuming_progress_answers`].
    assumed_progress: Option<release::ProgressAnswers>,
    /// What the members' releases say of their progress answers, asked
    /// once (history reads of one command share it).
    progress_answers: Arc<OnceCell<release::ProgressAnswers>>,
}

/// One connection: etcd-client's, and a tap on it for reading pages
/// undecoded.
#[derive(Clone)]
pub(crate) struct Conn {
    pub client: etcd_client::Client,
    pub tap: raw::Tap,
}

const NO_MEMBER: usize = usize::MAX;

fn read_file(path: &std::path::Path) -> Result<Vec<u8>, StoreError> {
    std::fs::read(path).map_err(|reason| StoreError::ReadFile {
        path: path.display().to_string(),
        reason,
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

/// etcd-client's options for these settings, and the endpoints as it
/// wants them (with a scheme when TLS is on).
fn connect_options(settings: &ConnectionSettings) -> Result<(ConnectOptions, Vec<String>), StoreError> {
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
    Ok((opts, endpoints))
}

/// Connect to these endpoints (lazily, unless logging in needs a round
/// trip now).
async fn open(settings: &ConnectionSettings, opts: ConnectOptions, endpoints: &[String]) -> Result<Conn, StoreError> {
    let tap = std::sync::Arc::default();
    let builder = raw::TapBuilder { tap: Arc::clone(&tap) };
    let client = etcd_client::Client::connect_with_balanced_channel(endpoints, Some(opts), builder)
        .await
        .map_err(|e| classify(e, &Context::of(settings, "logging in", "read", 0)))?;
    let Some(tap) = tap.get().cloned() else {
        return Err(StoreError::Other("the connection to etcd was not set up".into()));
    };
    Ok(Conn { client, tap })
}

/// The `host:port` an endpoint (`host:port` or an http(s) URL) connects to,
/// for the probes below.
fn socket_address(endpoint: &str) -> String {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// A TLS handshake cut short without a word (a reset, an EOF) can mean a
/// server that wants a client certificate, or one that does not speak TLS at
/// all: etcd 3.4 resets the connection on a ClientHello, where later
/// releases answer in HTTP/2. Asked in plain HTTP/2, an endpoint that
/// answers settles it.
pub(crate) async fn refine_tls(err: StoreError, settings: &ConnectionSettings) -> StoreError {
    let guessed = matches!(&err, StoreError::Tls { remedy: Some(Remedy::ClientCertificate), reason, .. }
        if reason.starts_with("the TLS handshake failed"));
    if !guessed || !speaks_plain_http2(&settings.endpoints).await {
        return err;
    }
    match err {
        StoreError::Tls { endpoints, .. } => StoreError::Tls {
            endpoints,
            reason: "the server does not speak TLS".into(),
            remedy: Some(Remedy::PlainText),
        },
        other => other,
    }
}

/// What an endpoint said to HTTP/2's connection preface, in plain text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PrefaceAnswer {
    /// A SETTINGS frame: an HTTP/2 server.
    Http2,
    /// Bytes that are not HTTP/2 (a web server's `HTTP/1.1 400`, a TLS alert).
    Other,
    /// No connection, or no word within the probe's time.
    Nothing,
}

/// Each endpoint asked in plain HTTP/2, at once.
async fn ask_preface(endpoints: &[String]) -> Vec<PrefaceAnswer> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let probes = endpoints.iter().map(|e| async move {
        let addr = socket_address(e);
        let talk = async {
            let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
            // The preface, then an empty SETTINGS frame (RFC 9113, 3.4).
            s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
                .await
                .ok()?;
            let mut head = [0u8; 9];
            let mut got = 0;
            while got < head.len() {
                match s.read(&mut head[got..]).await.ok()? {
                    0 => break,
                    n => got += n,
                }
            }
            Some(match got {
                0 => PrefaceAnswer::Nothing,
                9 if head[3] == 0x04 => PrefaceAnswer::Http2,
                _ => PrefaceAnswer::Other,
            })
        };
        timeout(Duration::from_millis(500), talk)
            .await
            .ok()
            .flatten()
            .unwrap_or(PrefaceAnswer::Nothing)
    });
    futures_util::future::join_all(probes).await
}

/// Whether any endpoint answers HTTP/2's connection preface with a SETTINGS
/// frame, in plain text.
async fn speaks_plain_http2(endpoints: &[String]) -> bool {
    ask_preface(endpoints).await.contains(&PrefaceAnswer::Http2)
}

/// A request that timed out against endpoints where something answers, but
/// not in HTTP/2, met another service on etcd's port (a web server): the
/// balanced channel may hold the request while it redials such an endpoint
/// instead of failing it, so the answer is asked for directly. Plain-text
/// connections only: over TLS the handshake's own errors say more.
pub(crate) async fn not_etcd_behind_timeout(err: StoreError, settings: &ConnectionSettings) -> StoreError {
    let tls = settings.tls.is_some() || settings.endpoints.iter().any(|e| e.starts_with("https://"));
    if !matches!(err, StoreError::Timeout { .. } | StoreError::Unreachable { .. }) || tls {
        return err;
    }
    let answers = ask_preface(&settings.endpoints).await;
    if answers.contains(&PrefaceAnswer::Http2) || !answers.contains(&PrefaceAnswer::Other) {
        return err;
    }
    StoreError::NotEtcd {
        endpoints: settings
            .endpoints
            .iter()
            .map(|e| config::redacted(e))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Whether every endpoint refuses a TCP connection now: nothing listens
/// there (a wrong port, etcd stopped), so waiting out the dial timeout
/// cannot help. An endpoint that accepts, times out or cannot be named says
/// no: a member restarting behind a balancer is worth the wait.
pub(crate) async fn every_endpoint_refuses(endpoints: &[String]) -> bool {
    let probes = endpoints.iter().map(|e| async move {
        let addr = socket_address(e);
        matches!(
            timeout(Duration::from_millis(300), tokio::net::TcpStream::connect(addr)).await,
            Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionRefused
        )
    });
    !endpoints.is_empty() && futures_util::future::join_all(probes).await.into_iter().all(|r| r)
}

/// The error for a cluster every endpoint of which refused connections.
pub(crate) fn refused_everywhere(err: StoreError, started: tokio::time::Instant) -> StoreError {
    match err {
        StoreError::Unreachable { endpoints, count, .. } => StoreError::Unreachable {
            endpoints,
            count,
            reason: "connection refused by every endpoint: nothing listens there".into(),
            timeout: Duration::from_millis(started.elapsed().as_millis() as u64),
        },
        other => other,
    }
}

/// [`open`], past members that are down and elections. With a user,
/// connecting logs in: one request, which the balanced channel may send to
/// a member that refuses connections before it knows that member is down,
/// and which needs a leader. After a failure every endpoint is tried alone,
/// at once, and the connection is made over those that let the login
/// through (the others are left out of it for its lifetime); while none
/// does, the login is tried again, within the dial timeout, as reads are.
async fn open_any(
    settings: &ConnectionSettings,
    opts: ConnectOptions,
    endpoints: &[String],
) -> Result<Conn, StoreError> {
    let started = tokio::time::Instant::now();
    let deadline = started + settings.dial_timeout;
    let mut pause = Duration::from_millis(25);
    loop {
        let e = match open(settings, opts.clone(), endpoints).await {
            Ok(conn) => return Ok(conn),
            Err(e @ StoreError::Tls { .. }) => return Err(refine_tls(e, settings).await),
            Err(e) if settings.user.is_none() || !e.is_transient() => return Err(e),
            Err(e)
                if matches!(e, StoreError::Unreachable { .. }) && every_endpoint_refuses(&settings.endpoints).await =>
            {
                return Err(refused_everywhere(e, started))
            }
            Err(e) => e,
        };
        if endpoints.len() > 1 {
            let tries = endpoints.iter().map(|e| {
                let opts = opts.clone();
                async move {
                    open(settings, opts, std::slice::from_ref(e))
                        .await
                        .ok()
                        .map(|_| e.clone())
                }
            });
            let alive: Vec<String> = futures_util::future::join_all(tries)
                .await
                .into_iter()
                .flatten()
                .collect();
            if !alive.is_empty() {
                if let Ok(conn) = open(settings, opts.clone(), &alive).await {
                    return Ok(conn);
                }
            }
        }
        if tokio::time::Instant::now() + pause >= deadline {
            return Err(not_etcd_behind_timeout(e, settings).await);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(400));
    }
}

impl Store {
    /// Connect (lazily: an unreachable cluster is reported by the first
    /// request, unless authentication needs a round trip now).
    pub async fn connect(settings: ConnectionSettings) -> Result<Store, StoreError> {
        let (opts, endpoints) = connect_options(&settings)?;
        // With a user, connecting authenticates (one round trip): bound it.
        let budget = settings.dial_timeout + settings.command_timeout;
        let conn = match timeout(budget, open_any(&settings, opts, &endpoints)).await {
            Ok(c) => c?,
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
        tracing::debug!(
            endpoints = %settings.endpoints.iter().map(|e| config::redacted(e)).collect::<Vec<_>>().join(","),
            user = settings.user.as_deref().unwrap_or(""),
            tls = settings.tls.is_some(),
            prefix = %settings.prefix,
            "connected to etcd"
        );
        Ok(Store {
            conn,
            members: endpoints.iter().map(|_| OnceCell::new()).collect(),
            preferred: Arc::new(AtomicUsize::new(NO_MEMBER)),
            assumed_progress: None,
            progress_answers: Arc::new(OnceCell::new()),
            settings,
        })
    }

    /// Whether `other` talks to the same etcd over the same connection
    /// (one made from the other with [`Store::with_prefix`]), so that one
    /// transaction can guard both prefixes.
    pub fn same_cluster(&self, other: &Store) -> bool {
        Arc::ptr_eq(&self.members, &other.members)
    }

    /// The connection to member `i` alone, opened on first use.
    async fn member(&self, i: usize) -> Result<&Conn, StoreError> {
        self.members[i]
            .get_or_try_init(|| async {
                let (opts, endpoints) = connect_options(&self.settings)?;
                open(&self.settings, opts, &endpoints[i..=i]).await
            })
            .await
    }

    /// The prefix this store reads and writes.
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

    /// Where this prefix's incident overrides are kept: beside it, never
    /// under it (no config reader sees them).
    pub fn overrides_prefix(&self) -> Prefix {
        self.settings.prefix.beside("overrides")
    }

    /// The settings it connected with.
    pub fn settings(&self) -> &ConnectionSettings {
        &self.settings
    }

    /// The raw client, for watches and tools built on this store.
    pub fn client(&self) -> etcd_client::Client {
        self.conn.client.clone()
    }

    fn context<'a>(&'a self, what: &'a str, access: &'a str, revision: i64) -> Context<'a> {
        Context::of(&self.settings, what, access, revision)
    }

    /// An etcd-client error as a sentence (for callers of [`Store::client`]).
    pub fn describe(&self, e: etcd_client::Error, what: &str) -> StoreError {
        classify(e, &self.context(what, "read", 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_handshake_cut_short_by_a_plain_text_server_is_named_so() {
        let cluster = tcfg_testkit::EtcdCluster::single();
        let settings = ConnectionSettings {
            endpoints: cluster.endpoint_list(),
            ..Default::default()
        };
        assert!(speaks_plain_http2(&settings.endpoints).await);
        // What a reset during the handshake is first taken for.
        let guessed = || {
            StoreError::Tls {
            endpoints: "e".into(),
            reason: "the TLS handshake failed (Connection reset by peer): the server may require a client certificate, and none was given".into(),
            remedy: Some(Remedy::ClientCertificate),
        }
        };
        match refine_tls(guessed(), &settings).await {
            StoreError::Tls { reason, remedy, .. } => {
                assert_eq!(reason, "the server does not speak TLS");
                assert_eq!(remedy, Some(Remedy::PlainText));
            }
            other => panic!("{other}"),
        }
        // Nothing listening: the guess stands.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let nobody = ConnectionSettings {
            endpoints: vec![closed.local_addr().unwrap().to_string()],
            ..Default::default()
        };
        drop(closed);
        assert!(!speaks_plain_http2(&nobody.endpoints).await);
        assert!(matches!(
            refine_tls(guessed(), &nobody).await,
            StoreError::Tls {
                remedy: Some(Remedy::ClientCertificate),
                ..
            }
        ));
    }
}
