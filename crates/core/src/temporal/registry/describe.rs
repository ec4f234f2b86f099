//! What each key means: its description in Temporal's source at the
//! release's tag, and whether a change to it takes effect only after the
//! servers restart. Embedded per release as data (written by
//! `scripts/extract-descriptions`), parsed the first time one is asked for:
//! most commands never show a description.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::releases::{Release, RELEASES};
use crate::model::key::fold;

/// One key's description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// As Temporal's source writes it, paragraphs and line breaks kept.
    pub text: String,
    /// The description says a change needs a restart ("Requires service
    /// restart to take effect.", "cannot be changed after startup", ...).
    pub restart: bool,
}

static PARSED: [OnceLock<HashMap<String, Description>>; RELEASES.len()] = [const { OnceLock::new() }; RELEASES.len()];

/// The description of `name` (any case) in `release`.
pub fn of(release: &'static Release, name: &str) -> Option<&'static Description> {
    let i = RELEASES.iter().position(|r| std::ptr::eq(r, release))?;
    PARSED[i].get_or_init(|| parse(release.descriptions)).get(&fold(name))
}

/// The data: `key, restart, description` with `\\`, `\t` and `\n` escaped.
fn parse(tsv: &str) -> HashMap<String, Description> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (key, restart, text) = (fields.next()?, fields.next()?, fields.next()?);
            Some((
                fold(key),
                Description {
                    text: unescape(text),
                    restart: restart == "true",
                },
            ))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::registry::{find_release, Registry};

    #[test]
    fn every_registered_key_of_every_release_has_a_description() {
        for release in &RELEASES {
            let registry = Registry::release(release);
            for k in registry.keys() {
                let d = registry
                    .description(&k.name)
                    .unwrap_or_else(|| panic!("{} has no description in {}", k.name, release.tag));
                assert!(!d.text.trim().is_empty(), "{} in {}", k.name, release.tag);
            }
        }
    }

    #[test]
    fn restart_only_keys_are_those_whose_description_says_so() {
        let r = Registry::release(find_release("1.31").unwrap());
        assert!(r.needs_restart("history.cacheTTL"));
        assert!(r.needs_restart("History.CacheTTL"), "any case");
        assert!(
            r.needs_restart("worker.stickyCacheSize"),
            "cannot be changed after startup"
        );
        assert!(r.needs_restart("history.clientOwnershipCachingEnabled"));
        assert!(!r.needs_restart("frontend.rps"));
        // Keys whose wording says startup without meaning a restart.
        assert!(!r.needs_restart("history.startupMembershipJoinDelay"));
        let every: Vec<&str> = r
            .keys()
            .iter()
            .filter(|k| r.needs_restart(&k.name))
            .map(|k| k.name.as_str())
            .collect();
        assert_eq!(every.len(), 15, "{every:?}");
        // system.enableNexus (v1.30 and earlier) "requires restarting server hosts".
        let old = Registry::release(find_release("1.27").unwrap());
        assert!(old.needs_restart("system.enableNexus"));
    }

    #[test]
    fn descriptions_keep_their_lines() {
        let r = Registry::release(find_release("1.31").unwrap());
        let d = r.description("frontend.httpAllowedHosts").unwrap();
        assert!(d.text.starts_with("HTTP API Requests with a \"Host\" header"));
        assert_eq!(d.text.lines().count(), 3, "{}", d.text);
        assert_eq!(unescape(r"a\\n\tb\nc"), "a\\n\tb\nc");
    }

    #[test]
    fn a_schema_file_has_no_descriptions() {
        let r = Registry::from_tsv(
            "custom.tsv",
            "key\ttype\tprecedence\tdefault\tconstrained_defaults\nacme.x\tint\tglobal\t1\t\n",
        )
        .unwrap();
        assert!(r.description("acme.x").is_none());
        assert!(!r.needs_restart("acme.x"));
    }
}
