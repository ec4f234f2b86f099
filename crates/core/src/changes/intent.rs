//! What a writer says about its change (who, why and how), made once in
//! core for the CLI and an embedding service alike: the author this
//! process is, the message as a record keeps it, and the prefix's message
//! rule. [`crate::changes::commit`] turns it into each transaction's
//! [`ChangeRecord`].

use std::time::SystemTime;

use super::record::{Author, ChangeRecord, Command, KeyChange, Stored, FORMAT};
use crate::store::{Expect, StoreError, Write};

/// What a writer says about its change: who, why and how. Each write (each
/// batch) becomes one record of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    /// Who writes.
    pub author: Author,
    /// Why, as a record keeps it (trimmed; none when it says nothing).
    pub message: Option<String>,
    /// The command and its inputs.
    pub command: Command,
    /// The program and version, e.g. `tcfg 0.1.0`.
    pub tool: String,
    /// The Temporal release the values were checked against.
    pub temporal_release: String,
}

/// The longest message kept whole: a record stays small beside the change.
pub const MESSAGE_LIMIT: usize = 4096;

impl Author {
    /// The author as this process can tell: the etcd user it logs in as,
    /// the OS user and host, and the CI job (`var` reads the environment).
    pub fn from_env(etcd_user: Option<&str>, host: Option<String>, var: impl Fn(&str) -> Option<String>) -> Author {
        // A container often sets no user variable: the account this process
        // runs as, then.
        let os_user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|v| var(v).filter(|s| !s.is_empty()))
            .or_else(os_account);
        Author {
            etcd_user: etcd_user.map(str::to_string),
            os_user,
            host: host.filter(|h| !h.is_empty()),
            ci: super::record::ci_identity(&var),
        }
    }

    /// One line: the CI actor, else the etcd user, else user@host.
    pub fn short(&self) -> String {
        if let Some(actor) = self.ci.as_ref().and_then(|c| c.actor.clone()) {
            return format!("{actor} ({})", self.ci.as_ref().map_or("", |c| c.system.as_str()));
        }
        if let Some(u) = &self.etcd_user {
            return u.clone();
        }
        match (&self.os_user, &self.host) {
            (Some(u), Some(h)) => format!("{u}@{h}"),
            (Some(u), None) => u.clone(),
            (None, Some(h)) => format!("@{h}"),
            (None, None) => "unknown".into(),
        }
    }
}

/// The OS account this process runs as: its name in `/etc/passwd`, else
/// `uid N` (a container's user with no entry).
fn os_account() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Some(account_of(&passwd, uid).unwrap_or_else(|| format!("uid {uid}")))
}

/// The name `passwd` (the text of `/etc/passwd`) gives `uid`.
fn account_of(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?;
        (id.parse::<u32>().ok()? == uid && !name.is_empty()).then(|| name.to_string())
    })
}

/// This machine's host name, as the kernel has it (`gethostname`): the one
/// name every writer on the machine records, the CLI and an embedding
/// service alike (a `HOSTNAME` variable can be unset or stale).
pub fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let len = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..len]).into_owned()).filter(|h| ok && !h.is_empty())
}

/// A writer's message as a record keeps it: trimmed, and none when it says
/// nothing (blank, or only invisible characters).
pub fn message_of(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|m| super::record::says_something(m))
        .map(str::to_string)
}

/// A prefix's message rule (`requireMessage`): a write there must say why.
/// Checked when the intent is made (before any diff or prompt) and again
/// when the change is committed, whatever made the intent.
pub fn check_message_rule(
    settings: &crate::store::ConnectionSettings,
    message: Option<&str>,
) -> Result<(), StoreError> {
    if settings.history.require_message && message_of(message).is_none() {
        return Err(StoreError::MessageRequired {
            prefix: settings.prefix.to_string(),
        });
    }
    Ok(())
}

impl Intent {
    /// The intent of a write by `tool` to the prefix of `settings`: the
    /// author this process is (see [`Author::from_env`]), the message as
    /// kept, the verb and files. A write (`writes`) to a prefix that
    /// requires a message and got none is refused here.
    pub fn new(
        settings: &crate::store::ConnectionSettings,
        command: Command,
        message: Option<&str>,
        tool: &str,
        temporal_release: &str,
        writes: bool,
    ) -> Result<Intent, StoreError> {
        if writes {
            check_message_rule(settings, message)?;
        }
        Ok(Intent {
            author: Author::from_env(settings.user.as_deref(), host_name(), |v| std::env::var(v).ok()),
            message: message_of(message),
            command,
            tool: tool.into(),
            temporal_release: temporal_release.into(),
        })
    }

    /// An intent with the author this process's environment tells (see
    /// [`Author::from_env`]), for writers without a command line: an
    /// embedding service, a test.
    pub fn from_env(etcd_user: Option<&str>, verb: &str, tool: &str, temporal_release: &str) -> Intent {
        Intent {
            author: Author::from_env(etcd_user, host_name(), |v| std::env::var(v).ok()),
            message: None,
            command: Command {
                verb: verb.into(),
                ..Default::default()
            },
            tool: tool.into(),
            temporal_release: temporal_release.into(),
        }
    }

    /// The record of `changes` made at `time`.
    pub fn record(&self, changes: &[Write], time: SystemTime) -> ChangeRecord {
        let message = self.message.as_ref().map(|m| {
            if m.len() <= MESSAGE_LIMIT {
                return m.clone();
            }
            let mut end = MESSAGE_LIMIT;
            while !m.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &m[..end])
        });
        ChangeRecord {
            format: FORMAT,
            time: humantime::format_rfc3339_micros(time).to_string(),
            author: self.author.clone(),
            message,
            command: self.command.clone(),
            tool: self.tool.clone(),
            temporal_release: self.temporal_release.clone(),
            prefix: None,
            keys: changes
                .iter()
                .map(|c| KeyChange {
                    key: c.etcd_key.clone(),
                    action: if c.value.is_some() { "put" } else { "delete" }.into(),
                    old: c.old.clone().map(Stored::Text),
                    old_revision: match c.expect {
                        Expect::ModRevision(r) => Some(r),
                        Expect::Absent => None,
                    },
                    new: c.value.clone().map(Stored::Text),
                })
                .collect(),
            digested: 0,
            omitted: 0,
        }
    }

    /// This intent for batch `index` (from 0) of `total`.
    pub fn batch(&self, index: usize, total: usize) -> Intent {
        let mut i = self.clone();
        i.command.batch = (total > 1).then_some([index + 1, total]);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_writer_names_the_kernels_host_name() {
        // The CLI and Intent::from_env (an embedding service) both record it,
        // whatever HOSTNAME says.
        let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(host_name().as_deref(), Some(kernel.trim()));
        let intent = Intent::from_env(None, "write", "test", "v1.31.2");
        assert_eq!(intent.author.host.as_deref(), Some(kernel.trim()));
    }

    #[test]
    fn the_os_account_comes_from_passwd_by_uid() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\ntemporal:x:1000:1000::/home/temporal:/bin/sh\n";
        assert_eq!(account_of(passwd, 1000).as_deref(), Some("temporal"));
        assert_eq!(account_of(passwd, 0).as_deref(), Some("root"));
        assert_eq!(account_of(passwd, 4242), None);
        // No user variable (a container): an account is still named.
        let a = Author::from_env(None, Some("vm".into()), |_| None);
        assert!(a.os_user.as_deref().is_some_and(|u| !u.is_empty()), "{a:?}");
        assert_ne!(a.short(), "@vm");
    }
}
