//! The key prefix a config lives under, and the names and ranges it makes.

use std::fmt;

/// The default key prefix, as the seed library recommends.
pub const DEFAULT_PREFIX: &str = "/temporal/dynamicconfig/";

/// The etcd key of a whole cluster's change freeze
/// ([`crate::changes::freeze`]): one fixed key outside every prefix tcfg
/// writes, so each prefix on the cluster finds it.
pub const CLUSTER_FREEZE_KEY: &str = "/tcfg/freeze/current";

/// A key prefix, always ending with `/` so that `/prod` never also matches
/// `/production/`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Prefix(String);

impl Prefix {
    /// A prefix given by a person (a flag, a variable, a config file, a
    /// plan): refused when empty or malformed, which in a prefix that
    /// commands prune or sync would aim them somewhere unintended.
    pub fn parse(p: &str) -> Result<Prefix, String> {
        if p.is_empty() {
            return Err("it is empty".into());
        }
        if p.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("it contains whitespace or a control character".into());
        }
        if p.trim_matches('/').is_empty() {
            return Err("it names the root of etcd's whole key space, not a prefix".into());
        }
        if p.contains("//") {
            return Err("it has an empty path segment (`//`)".into());
        }
        if p.split('/').any(|s| s == "." || s == "..") {
            return Err("it has a `.` or `..` segment, which etcd does not resolve".into());
        }
        Ok(Prefix::new(p))
    }

    /// A prefix from a list such as `sync --prefixes /active,/passive-eu`: a
    /// root of one segment (`/active`) is joined with `base`, the key prefix
    /// (`/active/temporal/dynamicconfig/`); a longer prefix is taken as is.
    pub fn resolve_root(p: &str, base: &Prefix) -> Result<Prefix, String> {
        if p.is_empty() {
            return Err("it is empty (two commas in a row, or one at an end?)".into());
        }
        if p.trim_matches('/').is_empty() {
            return Err("it is only `/`: name a root such as /active, or a whole prefix".into());
        }
        let segments = p.trim_matches('/').split('/').count();
        if segments <= 1 {
            let root = format!("/{}{}", p.trim_matches('/'), base.as_str());
            Prefix::parse(&root).map_err(|reason| format!("{root}: {reason}"))
        } else {
            Prefix::parse(p)
        }
    }

    /// A prefix as given, with a `/` added at the end when missing. For
    /// input from people, see [`Prefix::parse`].
    pub fn new(p: &str) -> Prefix {
        if p.ends_with('/') {
            Prefix(p.to_string())
        } else {
            Prefix(format!("{p}/"))
        }
    }

    /// The prefix as text, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The etcd key of a dynamic config key.
    pub fn key_path(&self, name: &str) -> String {
        format!("{}{name}", self.0)
    }

    /// The part of an etcd key after the prefix.
    pub fn name_of<'a>(&self, etcd_key: &'a str) -> Option<&'a str> {
        etcd_key.strip_prefix(self.0.as_str())
    }

    /// A range of tcfg's own beside the prefix, never under it (no config
    /// watcher, seed library or renderer reads it): for
    /// `/temporal/dynamicconfig/`, `beside("renderers")` is
    /// `/temporal/dynamicconfig.renderers/`.
    pub fn beside(&self, what: &str) -> Prefix {
        Prefix(format!("{}.{what}/", self.0.trim_end_matches('/')))
    }

    /// The end of the prefix range (the prefix with its last byte incremented).
    pub fn range_end(&self) -> Vec<u8> {
        let mut end = self.0.as_bytes().to_vec();
        // The prefix ends with '/', which never overflows.
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        end
    }
}

impl Default for Prefix {
    fn default() -> Self {
        Prefix::new(DEFAULT_PREFIX)
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_from_people_are_checked() {
        assert_eq!(Prefix::parse("/prod").unwrap().as_str(), "/prod/");
        assert_eq!(
            Prefix::parse("/temporal/dynamicconfig/").unwrap().as_str(),
            "/temporal/dynamicconfig/"
        );
        for bad in ["", "/", "//", "/a//b/", "/a/../b", "/a /b", "/a\nb", "./x"] {
            assert!(Prefix::parse(bad).is_err(), "{bad:?}");
        }
        let base = Prefix::default();
        let root = |p: &str| Prefix::resolve_root(p, &base).map(|p| p.to_string());
        assert_eq!(root("/active").unwrap(), "/active/temporal/dynamicconfig/");
        assert_eq!(root("active/").unwrap(), "/active/temporal/dynamicconfig/");
        assert_eq!(root("/x/y/").unwrap(), "/x/y/");
        for bad in ["", "/", "//", "/a b"] {
            assert!(root(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn prefixes_end_with_a_slash() {
        assert_eq!(Prefix::new("/prod").as_str(), "/prod/");
        assert_eq!(Prefix::new("/prod/").as_str(), "/prod/");
        assert_eq!(Prefix::new("/prod").range_end(), b"/prod0".to_vec());
        assert_eq!(Prefix::new("/prod").name_of("/prod/frontend.rps"), Some("frontend.rps"));
        assert_eq!(Prefix::new("/prod").name_of("/production/frontend.rps"), None);
    }
}
