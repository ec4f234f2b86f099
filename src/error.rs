//! Errors as the user sees them: a kind, which alone picks the exit status;
//! the error with its causes, as sentences; and hints, in the CLI's terms
//! (flags), which the library never uses. Library errors become command
//! errors through `From`, where their kind and hints are decided once.

use std::fmt::Display;

use tcfg_core::serving::watch::ClientError;
use tcfg_core::store::{Remedy, StoreError};

use crate::exit;

/// What went wrong, as far as the exit status is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything else: bad input, a refusal, a conflict (exit 1).
    Error,
    /// etcd could not be reached, or refused the login or the request (exit 3).
    Unreachable,
    /// A write was sent, its answer lost, and reading back could not tell
    /// whether it was applied (exit 4).
    OutcomeUnknown,
    /// `--wait`: the write was made, but not every renderer reported it in
    /// time (exit 5).
    Behind,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Error => exit::ERROR,
            Kind::Unreachable => exit::UNREACHABLE,
            Kind::OutcomeUnknown => exit::OUTCOME_UNKNOWN,
            Kind::Behind => exit::BEHIND,
        }
    }
}

/// A command's error.
#[derive(Debug)]
pub struct CommandError {
    pub kind: Kind,
    pub error: anyhow::Error,
    pub hints: Vec<String>,
}

pub type Result<T, E = CommandError> = std::result::Result<T, E>;

impl CommandError {
    /// More context in front of the message; the kind and hints stay.
    pub fn context(mut self, what: impl Display + Send + Sync + 'static) -> CommandError {
        self.error = self.error.context(what);
        self
    }

    /// The same error, of another kind (another exit status).
    pub fn of_kind(mut self, kind: Kind) -> CommandError {
        self.kind = kind;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        self.hints.push(hint.into());
        self
    }
}

/// `anyhow::bail!` for command errors of kind [`Kind::Error`].
macro_rules! bail {
    ($($t:tt)*) => {
        return Err($crate::error::CommandError::from(anyhow::anyhow!($($t)*)))
    };
}
pub(crate) use bail;

impl From<anyhow::Error> for CommandError {
    fn from(error: anyhow::Error) -> CommandError {
        CommandError {
            kind: Kind::Error,
            error,
            hints: Vec::new(),
        }
    }
}

/// Errors that are only ever of kind [`Kind::Error`], with no hint.
macro_rules! plain_errors {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for CommandError {
            fn from(e: $t) -> CommandError {
                anyhow::Error::from(e).into()
            }
        }
    )*};
}

plain_errors!(
    std::io::Error,
    std::fmt::Error,
    serde_json::Error,
    serde_yaml::Error,
    tcfg_core::store::config::ConfigError,
    tcfg_core::RegistryError,
    tcfg_core::changes::saved::PlanFileError,
    tcfg_core::temporal::upgrade::UpgradeError,
);

impl From<tcfg_core::changes::commit::CommitError> for CommandError {
    fn from(e: tcfg_core::changes::commit::CommitError) -> CommandError {
        use tcfg_core::changes::commit::{BatchError, CommitError};
        match e {
            CommitError::Store(e) => e.into(),
            e @ CommitError::Refused { .. } => anyhow::anyhow!("{e}; nothing written").into(),
            CommitError::DoesNotFit(e @ BatchError::KeyTooLarge { .. }) => {
                anyhow::anyhow!("{e}: nothing written").into()
            }
            CommitError::DoesNotFit(e) => CommandError::from(anyhow::anyhow!("{e}: nothing written")).hint(
                "pass --max-txn-ops N or --max-request-bytes N if the server's limits are raised, \
                 or --batch to write in several transactions (not atomic)",
            ),
            CommitError::Batch(b) => {
                let what = b.to_string();
                CommandError::from(b.source)
                    .context(what)
                    .hint("run the same command again to finish: what is already written shows as unchanged")
            }
        }
    }
}

impl From<tcfg_core::changes::undo::UndoError> for CommandError {
    fn from(e: tcfg_core::changes::undo::UndoError) -> CommandError {
        match e {
            tcfg_core::changes::undo::UndoError::Store(e) => e.into(),
            e => anyhow::Error::from(e).into(),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> CommandError {
        let kind = if matches!(e, StoreError::OutcomeUnknown { .. }) {
            Kind::OutcomeUnknown
        } else if e.is_connection() {
            Kind::Unreachable
        } else {
            Kind::Error
        };
        let mut hints = Vec::new();
        if let Some(r) = e.remedy() {
            hints.push(remedy_hint(r).to_string());
        }
        if matches!(e, StoreError::Frozen { .. }) {
            hints.push(
                "wait for the freeze to end (tcfg status shows it), or pass --break-freeze -m \"INC-...\" to write anyway: the change record says so"
                    .into(),
            );
        }
        if kind == Kind::OutcomeUnknown {
            hints.push(
                "look before writing again: `tcfg get KEY` shows a key's value and mod revision, `tcfg diff -f FILE` what is still to change"
                    .into(),
            );
        }
        CommandError {
            kind,
            error: e.into(),
            hints,
        }
    }
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> CommandError {
        match e {
            ClientError::Store(s) => s.into(),
            other => anyhow::Error::from(other).into(),
        }
    }
}

/// A store's remedy in the CLI's flags.
fn remedy_hint(r: Remedy) -> &'static str {
    match r {
        Remedy::TrustServerCa => "pass --cacert FILE: the CA certificate that signed etcd's server certificate",
        Remedy::ClientCertificate => "pass --cert and --key: a client certificate the server trusts",
        Remedy::PlainText => "drop --cacert/--cert/--key, or use http:// endpoints",
        Remedy::Credentials => "pass --user (and --password)",
        Remedy::NoCredentials => "drop --user and --password",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_alone_picks_the_exit_status() {
        let unreachable: CommandError = StoreError::Unreachable {
            endpoints: "http://127.0.0.1:1".into(),
            count: 1,
            reason: "connection refused".into(),
            timeout: std::time::Duration::from_secs(1),
        }
        .into();
        assert_eq!(unreachable.kind.exit_code(), exit::UNREACHABLE);
        // Context added on the way keeps the kind.
        let wrapped = unreachable.context("reading the prefix");
        assert_eq!(wrapped.kind, Kind::Unreachable);
        let unknown: CommandError = StoreError::OutcomeUnknown {
            what: "writing".into(),
            reason: "timeout".into(),
            revision: 3,
            keys: "a".into(),
        }
        .into();
        assert_eq!(unknown.kind.exit_code(), exit::OUTCOME_UNKNOWN);
        assert_eq!(unknown.hints.len(), 1);
        let plain: CommandError = anyhow::anyhow!("bad input").into();
        assert_eq!(plain.kind.exit_code(), exit::ERROR);
    }

    #[test]
    fn remedies_become_hints_in_flag_terms() {
        let e: CommandError = StoreError::Tls {
            endpoints: "https://127.0.0.1:1".into(),
            reason: "server certificate not trusted: unknown issuer".into(),
            remedy: Some(Remedy::TrustServerCa),
        }
        .into();
        assert_eq!(e.kind, Kind::Unreachable);
        assert!(e.hints[0].starts_with("pass --cacert"), "{:?}", e.hints);
        assert!(!e.error.to_string().contains("--"), "{}", e.error);
    }
}
