//! Change records: what tcfg writes beside every change, in the same
//! transaction, so that "who changed what, when and why" outlives etcd's
//! compaction. This module is the record itself: its fields (JSON; fields
//! are only ever added), the author's CI identity, and fitting a record
//! into etcd's request limit. Writing records is `history`'s.

use serde::{Deserialize, Serialize};

use crate::store::Prefix;

/// Where the records of changes to `prefix` live by default: beside it,
/// never under it, so `apply --prune` and every config reader pass them by.
pub fn history_prefix(prefix: &Prefix) -> Prefix {
    prefix.beside("history")
}

/// The record format this tcfg writes.
pub const FORMAT: u32 = 1;

/// One change, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The record format.
    pub format: u32,
    /// When (RFC 3339). The change's etcd revision is the record's own.
    pub time: String,
    /// Who made the change.
    pub author: Author,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Why (`-m`), at most [`crate::changes::intent::MESSAGE_LIMIT`] bytes.
    pub message: Option<String>,
    /// The command that made it.
    pub command: Command,
    /// The program and version that wrote it, and the Temporal release the
    /// values were checked against.
    pub tool: String,
    /// The Temporal release the values were checked against.
    pub temporal_release: String,
    /// The config prefix changed (absent in records of older tcfg, which
    /// tell it by their keys): a record that writes no key, such as an
    /// override's extension, is still the prefix's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Each key written, with its old and new value.
    pub keys: Vec<KeyChange>,
    /// How many keys' values are kept as digests only (the whole record
    /// did not fit in one etcd request); 0 when every value is whole.
    #[serde(default)]
    pub digested: usize,
    /// How many keys are not in the record at all (not even as digests:
    /// the change was too large); 0 when every key is.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Who made a change, as far as the writer could tell.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The etcd user, when authentication is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etcd_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The OS account.
    pub os_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The host name.
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The CI job, when run in one.
    pub ci: Option<Ci>,
}

/// The CI job that made a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ci {
    /// `github-actions`, `gitlab-ci`, `buildkite` or `jenkins`.
    pub system: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Who started the job.
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The job's page.
    pub run_url: Option<String>,
}

/// The command that made a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// `put`, `delete`, `apply`, `sync`, `revert`, `rollback`, `expire`,
    /// `overrides extend`, `overrides end`.
    pub verb: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// The files it read, by digest.
    pub files: Vec<FileDigest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The saved plan it applied.
    pub plan: Option<FileDigest>,
    /// `sync`: the source prefix and the revision it was read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `revert`: the revision of the change undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<i64>,
    /// `rollback`: the revision the keys were made to hold again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_to: Option<i64>,
    /// An incident override: when it ends (RFC 3339), and what restores it
    /// then is kept beside the prefix ([`crate::changes::overrides`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<String>,
    /// An incident override: the item its end puts back (the canonical
    /// YAML of a one-item list); absent beside `ends`: its end removes the
    /// item (there was none before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_item: Option<String>,
    /// `expire`, `overrides end`: the revision of the override restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restores: Option<i64>,
    /// `expire`: the revision of an override found superseded (its item
    /// changed since), ended with nothing restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<i64>,
    /// `overrides extend`: the revision of the override given a new end
    /// (`ends`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<i64>,
    /// The write broke a change freeze (`--break-freeze`): it went ahead of
    /// one, and says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub breaks_freeze: bool,
    /// `freeze`, `unfreeze`: of the whole etcd cluster (every prefix on
    /// it), not of the prefix the record is kept with.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_cluster: bool,
    /// `[n, total]`: batch n of a change written in `total` transactions
    /// (`apply --batch`); absent when the change is one transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<[usize; 2]>,
}

/// A file a command read, by name and content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// The path, as given.
    pub path: String,
    /// Its SHA-256, in hex.
    pub sha256: String,
}

impl FileDigest {
    /// The digest of a file as a record names it: its path and SHA-256.
    pub fn of(path: impl Into<String>, content: &[u8]) -> FileDigest {
        FileDigest {
            path: path.into(),
            sha256: sha256(content),
        }
    }
}

/// One key's change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChange {
    /// The etcd key.
    pub key: String,
    /// `put` or `delete`.
    pub action: String,
    /// The stored text before (absent: the key did not exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Stored>,
    /// The revision that wrote `old` (absent with it). Rolling back past
    /// etcd's compaction needs it: when it is at or before the target, the
    /// key held `old` at the target; when after, another tool wrote it in
    /// between and its value then is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_revision: Option<i64>,
    /// The stored text after (absent: deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Stored>,
}

/// A stored value, whole or (in a record too large for one request) as its
/// digest and length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stored {
    /// The text, whole.
    Text(String),
    /// Its SHA-256 and length only: the whole did not fit in the record.
    Digest {
        /// The SHA-256 of the text, in hex.
        sha256: String,
        /// Its length.
        bytes: usize,
    },
}

impl Stored {
    fn digest(&self) -> Stored {
        match self {
            Stored::Text(t) => Stored::Digest {
                sha256: sha256(t.as_bytes()),
                bytes: t.len(),
            },
            d => d.clone(),
        }
    }
}

/// The SHA-256 of `content`, in lowercase hex.
pub fn sha256(content: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, content);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The CI job in this environment, from the variables each system sets
/// (`var` reads one; the process environment in use).
pub fn ci_identity(var: impl Fn(&str) -> Option<String>) -> Option<Ci> {
    let set = |k: &str| var(k).filter(|v| !v.is_empty());
    let ci = |system: &str, actor: Option<String>, run_url: Option<String>| Ci {
        system: system.into(),
        actor,
        run_url,
    };
    if set("GITHUB_ACTIONS").as_deref() == Some("true") {
        let url = match (set("GITHUB_SERVER_URL"), set("GITHUB_REPOSITORY"), set("GITHUB_RUN_ID")) {
            (Some(server), Some(repo), Some(run)) => Some(format!("{server}/{repo}/actions/runs/{run}")),
            _ => None,
        };
        return Some(ci("github-actions", set("GITHUB_ACTOR"), url));
    }
    if set("GITLAB_CI").is_some() {
        return Some(ci(
            "gitlab-ci",
            set("GITLAB_USER_LOGIN"),
            set("CI_JOB_URL").or_else(|| set("CI_PIPELINE_URL")),
        ));
    }
    if set("BUILDKITE").as_deref() == Some("true") {
        return Some(ci(
            "buildkite",
            set("BUILDKITE_BUILD_CREATOR").or_else(|| set("BUILDKITE_BUILD_AUTHOR")),
            set("BUILDKITE_BUILD_URL"),
        ));
    }
    if set("JENKINS_URL").is_some() {
        // The user who started a build is known with the build-user-vars
        // plugin; a change request's author otherwise.
        return Some(ci(
            "jenkins",
            set("BUILD_USER_ID").or_else(|| set("CHANGE_AUTHOR")),
            set("BUILD_URL"),
        ));
    }
    None
}

impl ChangeRecord {
    /// The record's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Make the record at most `limit` bytes of JSON: whole values are kept
    /// for as many keys as fit, in order, and the rest become digests
    /// (counted in `digested`); when even the digests do not fit, the keys
    /// past those that do are left out (counted in `omitted`; etcd's history
    /// still has them until it is compacted). Whether it now fits.
    pub fn fit(&mut self, limit: usize) -> bool {
        let size = |r: &ChangeRecord| r.to_json().len();
        if size(self) <= limit {
            return true;
        }
        let digested: Vec<KeyChange> = self
            .keys
            .iter()
            .map(|k| KeyChange {
                old: k.old.as_ref().map(Stored::digest),
                new: k.new.as_ref().map(Stored::digest),
                ..k.clone()
            })
            .collect();
        // Each key's entry whole and digested: the longest run that fits is
        // found in one pass (a record counts its keys, not their order).
        let whole: Vec<usize> = self.keys.iter().map(|k| json_len(k) + 1).collect();
        let small: Vec<usize> = digested.iter().map(|k| json_len(k) + 1).collect();
        let total = self.keys.len();
        let mut bare = self.clone();
        bare.keys.clear();
        bare.digested = total;
        bare.omitted = total;
        let base = size(&bare);
        if base > limit {
            *self = bare;
            return false;
        }
        let mut room = limit - base;
        let all_small: usize = small.iter().sum();
        if all_small <= room {
            room -= all_small;
            let mut keep = 0;
            while keep < total && whole[keep] - small[keep].min(whole[keep]) <= room {
                room -= whole[keep] - small[keep].min(whole[keep]);
                keep += 1;
            }
            self.keys.splice(keep.., digested.into_iter().skip(keep));
            self.digested = total - keep;
            self.omitted = 0;
        } else {
            let mut kept = 0;
            while kept < total && small[kept] <= room {
                room -= small[kept];
                kept += 1;
            }
            self.keys = digested.into_iter().take(kept).collect();
            self.digested = kept;
            self.omitted = total - kept;
        }
        // The counts' own digits may have grown the text by a few bytes.
        size(self) <= limit
    }
}

fn json_len<T: Serialize>(v: &T) -> usize {
    serde_json::to_string(v).map_or(0, |s| s.len())
}

/// Whether a message says anything: not only white space, controls or
/// invisible characters (a zero-width space is no reason).
pub fn says_something(message: &str) -> bool {
    message
        .chars()
        .any(|c| !c.is_whitespace() && !c.is_control() && !crate::model::key::is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_of_invisible_characters_says_nothing() {
        assert!(says_something("INC-7: raise the limit"));
        assert!(says_something(" é "));
        for blank in ["", "   ", "\u{200b}", " \u{200b}\u{feff}\t", "\u{202e}\n"] {
            assert!(!says_something(blank), "{blank:?}");
        }
    }
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn ci_identities_come_from_each_system_variables() {
        let gh = ci_identity(env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_ACTOR", "octocat"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/config"),
            ("GITHUB_RUN_ID", "42"),
        ]))
        .unwrap();
        assert_eq!(gh.system, "github-actions");
        assert_eq!(gh.actor.as_deref(), Some("octocat"));
        assert_eq!(
            gh.run_url.as_deref(),
            Some("https://github.com/acme/config/actions/runs/42")
        );
        let gl = ci_identity(env(&[
            ("GITLAB_CI", "true"),
            ("GITLAB_USER_LOGIN", "alice"),
            ("CI_JOB_URL", "https://gitlab.example/j/7"),
        ]))
        .unwrap();
        assert_eq!((gl.system.as_str(), gl.actor.as_deref()), ("gitlab-ci", Some("alice")));
        assert_eq!(gl.run_url.as_deref(), Some("https://gitlab.example/j/7"));
        let bk = ci_identity(env(&[
            ("BUILDKITE", "true"),
            ("BUILDKITE_BUILD_CREATOR", "bob"),
            ("BUILDKITE_BUILD_URL", "https://buildkite.com/acme/p/builds/3"),
        ]))
        .unwrap();
        assert_eq!((bk.system.as_str(), bk.actor.as_deref()), ("buildkite", Some("bob")));
        let jk = ci_identity(env(&[
            ("JENKINS_URL", "https://ci.example/"),
            ("BUILD_URL", "https://ci.example/job/x/9/"),
        ]))
        .unwrap();
        assert_eq!(jk.system, "jenkins");
        assert_eq!(jk.actor, None);
        assert_eq!(jk.run_url.as_deref(), Some("https://ci.example/job/x/9/"));
        assert_eq!(ci_identity(env(&[("GITHUB_ACTIONS", "")])), None);
        assert_eq!(ci_identity(env(&[])), None);
    }

    fn record(values: usize, size: usize) -> ChangeRecord {
        ChangeRecord {
            format: FORMAT,
            time: "2026-12-02T15:00:00Z".into(),
            author: Author::default(),
            message: Some("raise limits".into()),
            command: Command {
                verb: "apply".into(),
                files: vec![FileDigest::of("prod.yaml", b"frontend.rps: []\n")],
                ..Default::default()
            },
            tool: "tcfg test".into(),
            temporal_release: "1.31".into(),
            prefix: None,
            keys: (0..values)
                .map(|i| KeyChange {
                    key: format!("/p/key{i}"),
                    action: "put".into(),
                    old: Some(Stored::Text("x".repeat(size))),
                    old_revision: Some(7),
                    new: Some(Stored::Text("y".repeat(size))),
                })
                .collect(),
            digested: 0,
            omitted: 0,
        }
    }

    #[test]
    fn a_record_that_fits_is_left_whole_and_reads_back() {
        let mut r = record(3, 10);
        assert!(r.fit(10_000));
        assert_eq!(r.digested, 0);
        let back: ChangeRecord = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn a_record_too_large_keeps_whole_values_for_as_many_keys_as_fit() {
        let mut r = record(10, 1000);
        assert!(r.fit(8_000));
        assert!(r.to_json().len() <= 8_000);
        assert!(r.digested > 0 && r.digested < 10, "{}", r.digested);
        // Whole values first, digests after, in the keys' order.
        let whole = r
            .keys
            .iter()
            .take_while(|k| matches!(k.new, Some(Stored::Text(_))))
            .count();
        assert_eq!(whole, 10 - r.digested);
        assert!(r.keys[whole..]
            .iter()
            .all(|k| matches!(k.old, Some(Stored::Digest { bytes: 1000, .. }))));
        // A digest is the SHA-256 of the value.
        let Some(Stored::Digest { sha256: d, .. }) = &r.keys[9].new else {
            panic!()
        };
        assert_eq!(d, &sha256("y".repeat(1000).as_bytes()));
        let back: ChangeRecord = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn a_record_too_large_even_for_digests_leaves_keys_out_and_counts_them() {
        let mut r = record(1000, 10);
        assert!(r.fit(5_000));
        assert!(r.to_json().len() <= 5_000);
        assert!(r.omitted > 0 && r.omitted < 1000, "{}", r.omitted);
        assert_eq!(r.keys.len() + r.omitted, 1000);
        assert_eq!(r.digested, r.keys.len());
        assert_eq!(r.keys[0].key, "/p/key0");
        // Not even the rest of the record fits: the caller hears so.
        let mut r = record(10, 10);
        assert!(!r.fit(100));
    }

    #[test]
    fn records_live_beside_the_config_prefix() {
        for p in ["/temporal/dynamicconfig/", "/prod/temporal/dynamicconfig", "/a/"] {
            let p = Prefix::new(p);
            let h = history_prefix(&p);
            assert!(!h.as_str().starts_with(p.as_str()), "{h:?} is under {p:?}");
            assert!(h.as_str().ends_with(".history/"), "{h:?}");
        }
        assert_eq!(
            history_prefix(&Prefix::new("/temporal/dynamicconfig/")).as_str(),
            "/temporal/dynamicconfig.history/"
        );
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
