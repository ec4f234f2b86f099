//! Store errors as sentences an operator can act on.

use std::error::Error as _;
use std::time::Duration;

use super::config::ConfigError;

/// What a compare-and-swap found instead of what it expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The etcd key.
    pub key: String,
    /// The mod revision expected (0: expected absent).
    pub expected: i64,
    /// The mod revision found (0: absent).
    pub found: i64,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.expected, self.found) {
            (0, found) => write!(f, "{} was created at revision {found} by someone else", self.key),
            (_, 0) => write!(f, "{} was deleted by someone else", self.key),
            (_, found) => write!(f, "{} changed at revision {found}", self.key),
        }
    }
}

/// What would let a refused connection through, for the caller to phrase
/// in its own terms (a CLI names its flags; a service its settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// Trust the CA that signed the server's certificate.
    TrustServerCa,
    /// Present a client certificate (and its key) the server trusts.
    ClientCertificate,
    /// Connect without TLS: the server does not speak it.
    PlainText,
    /// Log in: authentication is enabled and no user was given.
    Credentials,
    /// Do not log in: authentication is not enabled.
    NoCredentials,
}

/// Why a read or write of etcd failed, as a sentence with a hint where one helps.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    /// The connection settings are wrong.
    Config(#[from] ConfigError),
    // The reason is part of the sentence, not a source: a report that
    // prints the chain would say it twice.
    #[error("cannot read {path}: {reason}")]
    /// A file the settings name cannot be read.
    ReadFile {
        /// The file.
        path: String,
        /// What reading it said.
        reason: std::io::Error,
    },
    #[error("{path} is not {what} in PEM form (no -----BEGIN ... ----- block of that kind)")]
    /// A certificate or key file is not PEM.
    BadPem {
        /// The file.
        path: String,
        /// What it should hold (`a certificate`, `a private key`).
        what: &'static str,
    },
    #[error("cannot connect to etcd at {endpoints}: {reason} (tried {count} endpoint{plural} for {timeout:?})", plural = if *.count == 1 { "" } else { "s" })]
    /// No endpoint could be reached.
    Unreachable {
        /// The endpoints tried, as one text.
        endpoints: String,
        /// How many.
        count: usize,
        /// The last failure, as a sentence.
        reason: String,
        /// How long they were tried (the dial timeout).
        timeout: Duration,
    },
    #[error("TLS with etcd at {endpoints} failed: {reason}")]
    /// The TLS handshake failed.
    Tls {
        /// The endpoints.
        endpoints: String,
        /// What failed, as a sentence.
        reason: String,
        /// What setting would fix it, when known.
        remedy: Option<Remedy>,
    },
    #[error("{endpoints} answered, but not as an etcd server does (another service on that port?)")]
    /// Something answered that is not etcd.
    NotEtcd {
        /// The endpoints.
        endpoints: String,
    },
    #[error("etcd at {endpoints} refused the login: {reason}")]
    /// etcd refused the user or password.
    Authentication {
        /// The endpoints.
        endpoints: String,
        /// What etcd said.
        reason: String,
        /// What setting would fix it, when known.
        remedy: Option<Remedy>,
    },
    #[error("permission denied for {what}: {hint}")]
    /// The user may not do this.
    PermissionDenied {
        /// What was refused.
        what: String,
        /// Which permission it needs.
        hint: String,
    },
    /// tcfg writes every change with its record: a user who may not use
    /// the history prefix cannot change config through tcfg.
    #[error("the etcd user {} may not read the history prefix {history}, where tcfg keeps its change records: `log`, `show`, `revert` and `rollback` read them; grant the user's role read on it (etcdctl role grant-permission ROLE --prefix=true read {history})", if user.is_empty() { "(none)" } else { user.as_str() })]
    HistoryUnreadable {
        /// The etcd user (empty: none).
        user: String,
        /// The history prefix.
        history: String,
    },
    #[error("the etcd user {} may not {access} the history prefix {history}, where tcfg records every change in the change's own transaction, so it cannot change config (nothing written); grant the user's role readwrite on that prefix (etcdctl role grant-permission ROLE --prefix=true readwrite {history})", if user.is_empty() { "(none)" } else { user.as_str() })]
    /// The user may not read or write the history prefix.
    HistoryDenied {
        /// The etcd user (empty: none).
        user: String,
        /// The history prefix.
        history: String,
        /// What it may not do (`read`, `write`, `read or write`).
        access: &'static str,
    },
    #[error("a message is required for changes to {prefix}: say why with -m/--message (nothing written)")]
    /// The prefix requires a message and none was given.
    MessageRequired {
        /// The prefix (or cluster) that requires one.
        prefix: String,
    },
    #[error("etcd did not answer within {timeout:?} ({what})")]
    /// etcd did not answer in time.
    Timeout {
        /// What was asked.
        what: String,
        /// How long tcfg waited (the command timeout).
        timeout: Duration,
    },
    /// A write sent to etcd whose answer never came, and whose effect could
    /// not be read back: it may or may not have been applied.
    #[error("{what}: etcd did not answer ({reason}), and reading the keys back afterwards failed too, so the write may or may not have been applied. It was planned from revision {revision}: a key written by it has a higher mod revision and the new value ({keys})")]
    OutcomeUnknown {
        /// The write.
        what: String,
        /// Why no answer came.
        reason: String,
        /// The revision the write was planned from (0: not known).
        revision: i64,
        /// The keys it wrote, as one text.
        keys: String,
    },
    /// On a release whose progress answers cannot be trusted, proving that
    /// a prefix did not change takes a read per revision, and the span
    /// asked about holds more than tcfg reads.
    #[error("{prefix} shows no write since revision {from}, and etcd {release} cannot prove that no key was created and deleted again in the {revisions} revisions since without reading each of them, more than tcfg reads (etcd issue #15220, fixed in 3.4.25 and 3.5.8); upgrade etcd, or ask about a shorter span")]
    HistoryUnprovable {
        /// The prefix.
        prefix: String,
        /// The revision asked from.
        from: i64,
        /// How many revisions it would take reading.
        revisions: i64,
        /// The etcd release.
        release: String,
    },
    #[error("revision {revision} has been compacted: etcd no longer keeps that history")]
    /// The revision is compacted away.
    Compacted {
        /// The revision asked for.
        revision: i64,
    },
    #[error("revision {revision} has not happened yet: it is past etcd's current revision")]
    /// The revision is in the future.
    FutureRevision {
        /// The revision asked for.
        revision: i64,
    },
    #[error(
        "nothing was written: {}; run the command again to see the current state",
        some(conflicts)
    )]
    /// Keys changed since they were read: nothing was written.
    Conflict {
        /// Each key that moved.
        conflicts: Vec<Conflict>,
    },
    #[error(
        "nothing was written: {} changed under {prefix} since revision {revision}; run the command again",
        some(keys)
    )]
    /// A guarded prefix changed since it was read: nothing was written.
    Stale {
        /// The guarded prefix.
        prefix: String,
        /// The revision it was read at.
        revision: i64,
        /// The keys changed since.
        keys: Vec<String>,
    },
    #[error(
        "{}{prefix} is frozen until {ends} by {author}: {message}; nothing written",
        if *cluster { "its etcd cluster (every prefix on it) is frozen, so " } else { "" }
    )]
    /// A change freeze holds: the write was refused.
    Frozen {
        /// The prefix written.
        prefix: String,
        /// The freeze is the whole etcd cluster's, not the prefix's.
        cluster: bool,
        /// When the freeze ends.
        ends: String,
        /// Who froze it.
        author: String,
        /// Why.
        message: String,
    },
    #[error("etcd refused the request: {reason}")]
    /// etcd refused the request.
    Rejected {
        /// What etcd said.
        reason: String,
    },
    /// A write tcfg never makes: outside the prefix, or a key that is not
    /// dynamic config (another application's).
    #[error("refusing to write {key}: {reason}; tcfg never writes or deletes anything else (nothing written)")]
    NotDynamicConfig {
        /// The etcd key.
        key: String,
        /// Why it is not dynamic config.
        reason: String,
    },
    /// An answer over [`super::ConnectionSettings::max_response_size`].
    #[error("etcd's answer is larger than tcfg accepts: {reason}")]
    ResponseTooLarge {
        /// What etcd or the transport said.
        reason: String,
    },
    /// A cluster that could not be connected to, for each prefix on it:
    /// the connection's own error, as a sentence.
    #[error("{reason}")]
    NotConnected {
        /// The connection's own error.
        reason: String,
    },
    #[error("etcd error: {0}")]
    /// Anything else etcd said.
    Other(String),
}

impl StoreError {
    /// Cannot reach or log in to etcd (exit status 3 in the CLI).
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            StoreError::Unreachable { .. }
                | StoreError::NotConnected { .. }
                | StoreError::NotEtcd { .. }
                | StoreError::Tls { .. }
                | StoreError::Authentication { .. }
                | StoreError::PermissionDenied { .. }
                | StoreError::HistoryDenied { .. }
                | StoreError::HistoryUnreadable { .. }
                | StoreError::Timeout { .. }
        )
    }

    /// What would let the connection through, when it is known.
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            StoreError::Tls { remedy, .. } | StoreError::Authentication { remedy, .. } => *remedy,
            _ => None,
        }
    }

    /// Worth another try on another endpoint (reads only).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unreachable { .. } | StoreError::Timeout { .. })
    }
}

/// The innermost useful text of an error chain.
fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// The first few of a list, and how many more: a conflict over a large
/// apply must not print a hundred keys on one line.
fn some<T: std::fmt::Display>(all: &[T]) -> String {
    const SHOWN: usize = 5;
    let mut text = all
        .iter()
        .take(SHOWN)
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if all.len() > SHOWN {
        text.push_str(&format!(" and {} more", all.len() - SHOWN));
    }
    text
}

/// The last part of an error chain, where the cause is.
fn innermost(text: &str) -> &str {
    text.rsplit(": ").next().unwrap_or(text).trim()
}

/// Turn an etcd-client error into a sentence.
pub(crate) fn classify(e: etcd_client::Error, ctx: &Context<'_>) -> StoreError {
    use etcd_client::Error as E;
    let (code, text) = match &e {
        E::GRpcStatus(s) => (
            Some(s.code()),
            format!("{}: {}", s.message(), s.source().map(chain_text).unwrap_or_default()),
        ),
        other => (None, chain_text(other)),
    };
    let lower = text.to_lowercase();
    tracing::debug!(error = %text, "etcd-client error");
    let endpoints = ctx
        .endpoints
        .iter()
        .map(|e| super::config::redacted(e))
        .collect::<Vec<_>>()
        .join(", ");
    if lower.contains("unknownissuer") || lower.contains("unknown issuer") || lower.contains("invalid peer certificate")
    {
        let reason = if ctx.tls_has_ca {
            "the server certificate is not signed by the CA tcfg was given"
        } else {
            "server certificate not trusted: unknown issuer"
        };
        return StoreError::Tls {
            endpoints,
            reason: reason.into(),
            remedy: Some(Remedy::TrustServerCa),
        };
    }
    if lower.contains("certificaterequired")
        || lower.contains("certificate required")
        || lower.contains("bad certificate")
    {
        return StoreError::Tls {
            endpoints,
            reason: "the server requires a client certificate it trusts".into(),
            remedy: Some(Remedy::ClientCertificate),
        };
    }
    if lower.contains("authentication is not enabled") {
        return StoreError::Authentication {
            endpoints,
            reason: "authentication is not enabled on this cluster".into(),
            remedy: Some(Remedy::NoCredentials),
        };
    }
    if lower.contains("tls handshake eof")
        || lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
        || lower.contains("received corrupt")
        || lower.contains("wrong version number")
        || (lower.contains("http2") && lower.contains("frame") && ctx.tls)
    {
        return StoreError::Tls {
            endpoints,
            reason: "the server does not speak TLS".into(),
            remedy: Some(Remedy::PlainText),
        };
    }
    if ctx.tls
        && lower.contains("transport error")
        && !lower.contains("connection refused")
        && !lower.contains("tcp connect")
    {
        let reason = if ctx.tls_has_cert {
            "the TLS handshake failed: the server may not trust the client certificate".to_string()
        } else {
            format!(
                "the TLS handshake failed ({}): the server may require a client certificate, and none was given",
                innermost(&text)
            )
        };
        let remedy = (!ctx.tls_has_cert).then_some(Remedy::ClientCertificate);
        return StoreError::Tls {
            endpoints,
            reason,
            remedy,
        };
    }
    // A server answered, but not with HTTP/2 gRPC: another service on the port.
    if lower.contains("h2 protocol error")
        || lower.contains("frame with invalid size")
        || lower.contains("invalid http version")
    {
        return StoreError::NotEtcd { endpoints };
    }
    if lower.contains("user name is empty")
        || lower.contains("authentication failed")
        || lower.contains("invalid auth token")
        || lower.contains("invalid user id or password")
    {
        let (reason, remedy) = if lower.contains("user name is empty") {
            (
                "authentication is enabled and no user was given",
                Some(Remedy::Credentials),
            )
        } else {
            ("wrong user name or password", None)
        };
        return StoreError::Authentication {
            endpoints,
            reason: reason.into(),
            remedy,
        };
    }
    if lower.contains("permission denied") || code == Some(tonic::Code::PermissionDenied) {
        return StoreError::PermissionDenied {
            what: ctx.what.to_string(),
            hint: format!("the user needs {} permission on this prefix", ctx.access),
        };
    }
    if lower.contains("required revision has been compacted") {
        return StoreError::Compacted { revision: ctx.revision };
    }
    if lower.contains("required revision is a future revision") {
        return StoreError::FutureRevision { revision: ctx.revision };
    }
    if lower.contains("decoded message length too large") {
        return StoreError::ResponseTooLarge { reason: text };
    }
    if lower.contains("too many operations in txn") {
        return StoreError::Rejected {
            reason: "too many operations in one transaction (etcd's --max-txn-ops, 128 by default)".into(),
        };
    }
    if lower.contains("request is too large")
        || lower.contains("larger than max")
        || code == Some(tonic::Code::ResourceExhausted)
    {
        return StoreError::Rejected {
            reason: "the request is larger than etcd accepts (--max-request-bytes, 1.5 MiB by default)".into(),
        };
    }
    if code == Some(tonic::Code::DeadlineExceeded)
        || code == Some(tonic::Code::Cancelled)
        || lower.contains("timeout expired")
        || lower.contains("timed out")
    {
        return StoreError::Timeout {
            what: ctx.what.to_string(),
            timeout: ctx.timeout,
        };
    }
    if code == Some(tonic::Code::Unavailable)
        || matches!(e, E::TransportError(_))
        || lower.contains("connection refused")
        || lower.contains("tcp connect")
        || lower.contains("dns error")
    {
        let reason = if lower.contains("connection refused") {
            "connection refused".to_string()
        } else if lower.contains("dns error") || lower.contains("failed to lookup") {
            "the host name does not resolve".to_string()
        } else if lower.contains("no leader") || lower.contains("leader changed") {
            "the cluster has no leader".to_string()
        } else {
            let t = match &e {
                E::GRpcStatus(s) => s.message().to_string(),
                other => other.to_string(),
            };
            if t.is_empty() {
                "unavailable".into()
            } else {
                t
            }
        };
        return StoreError::Unreachable {
            endpoints,
            count: ctx.endpoints.len(),
            reason,
            timeout: ctx.dial_timeout,
        };
    }
    StoreError::Other(match &e {
        E::GRpcStatus(s) => s.message().to_string(),
        other => other.to_string(),
    })
}

/// What a request was about, for its error message.
pub(crate) struct Context<'a> {
    pub endpoints: &'a [String],
    pub what: &'a str,
    /// "read" or "write".
    pub access: &'a str,
    pub tls: bool,
    pub tls_has_ca: bool,
    /// A client certificate was given (mutual TLS).
    pub tls_has_cert: bool,
    pub timeout: Duration,
    pub dial_timeout: Duration,
    pub revision: i64,
}

impl<'a> Context<'a> {
    pub fn of(settings: &'a super::ConnectionSettings, what: &'a str, access: &'a str, revision: i64) -> Self {
        Context {
            endpoints: &settings.endpoints,
            what,
            access,
            tls: settings.tls.is_some(),
            tls_has_ca: settings.tls.as_ref().is_some_and(|t| t.ca.is_some()),
            tls_has_cert: settings.tls.as_ref().is_some_and(|t| t.cert.is_some()),
            timeout: settings.command_timeout,
            dial_timeout: settings.dial_timeout,
            revision,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_over_many_keys_names_a_few() {
        let conflicts: Vec<Conflict> = (0..100)
            .map(|i| Conflict {
                key: format!("/p/k{i}"),
                expected: 1,
                found: 2,
            })
            .collect();
        let text = StoreError::Conflict { conflicts }.to_string();
        assert!(
            text.contains("/p/k4 changed") && !text.contains("/p/k5 changed"),
            "{text}"
        );
        assert!(text.contains("and 95 more"), "{text}");
    }
}
