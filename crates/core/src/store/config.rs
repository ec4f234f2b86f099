//! Where and how to reach etcd: settings layered from flags, environment and
//! the seed library's YAML config file.

use std::path::PathBuf;
use std::time::Duration;

use crate::model::duration;

pub use super::prefix::{Prefix, CLUSTER_FREEZE_KEY, DEFAULT_PREFIX};

/// Whether an endpoint is `host:port` or an `http(s)://host:port` URL.
fn check_endpoint(e: &str) -> Result<(), String> {
    if e.is_empty() {
        return Err("it is empty".into());
    }
    let rest = match e.split_once("://") {
        Some(("http" | "https", rest)) => rest,
        Some((scheme, _)) => {
            return Err(format!(
                "{scheme}:// is not a scheme etcd serves: use http://, https:// or host:port"
            ))
        }
        None => e,
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(
            "tcfg does not take credentials from an endpoint: the user and password are settings of their own".into(),
        );
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, p),
        _ => return Err("it has no port (etcd serves clients on 2379 by default)".into()),
    };
    if host.is_empty() || host == "[]" {
        return Err("it has no host".into());
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(()),
        _ => Err(format!("{port} is not a port (1 to 65535)")),
    }
}

/// An endpoint as messages show it: any credentials in it hidden.
pub fn redacted(e: &str) -> String {
    let (scheme, rest) = match e.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), e),
    };
    let end = rest.find('/').unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => e.to_string(),
    }
}

/// A setting and where it came from, for messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    /// The setting.
    pub value: T,
    /// Where it came from (`--endpoints`, `ETCDCTL_ENDPOINTS`, a file and
    /// cluster).
    pub source: String,
}

/// One layer of settings; the first layer that sets a field wins.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Where it comes from (flags, the environment, a config file's entry).
    pub name: String,
    /// The etcd endpoints.
    pub endpoints: Option<Vec<String>>,
    /// The key prefix.
    pub prefix: Option<String>,
    /// The CA certificate file.
    pub cacert: Option<PathBuf>,
    /// The client certificate file.
    pub cert: Option<PathBuf>,
    /// The client key file.
    pub key: Option<PathBuf>,
    /// TLS server name (the seed's `clientName`).
    pub server_name: Option<String>,
    /// Plain text even where TLS files are given.
    pub disable_tls: Option<bool>,
    /// The etcd user.
    pub user: Option<String>,
    /// Its password.
    pub password: Option<String>,
    /// How long to try to connect, as written (`5s`).
    pub dial_timeout: Option<String>,
    /// How long to wait for an answer, as written.
    pub command_timeout: Option<String>,
    /// The largest request sent, in bytes.
    pub max_send_size: Option<usize>,
    /// Where change records go (default: beside the config prefix).
    pub history_prefix: Option<String>,
    /// Records kept: the newest N (0: no limit by count).
    pub history_keep: Option<usize>,
    /// Records kept: no older than this (a duration such as 365d; 0: no limit by age).
    pub history_max_age: Option<String>,
    /// Refuse writes without a message.
    pub require_message: Option<bool>,
}

/// Why the settings are unusable.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("{origin}:{line}: {message}")]
    /// A line of the config file is wrong.
    File {
        /// The file.
        origin: String,
        /// The line.
        line: u32,
        /// What is wrong.
        message: String,
    },
    #[error("{origin} names no etcd cluster {name:?}; it has {known}")]
    /// The config file has no cluster of that name.
    UnknownCluster {
        /// The config file.
        origin: String,
        /// The cluster asked for.
        name: String,
        /// The clusters it has, as one text.
        known: String,
    },
    #[error("invalid {what} {value:?} from {origin}: {reason}")]
    /// A setting's value is not usable.
    Invalid {
        /// Which setting.
        what: &'static str,
        /// Its value.
        value: String,
        /// Where it came from.
        origin: String,
        /// Why it is not usable.
        reason: String,
    },
    #[error("{origin} gives {given} without {missing}: a client certificate and its key go together")]
    /// A client certificate without its key, or a key without its certificate.
    Unpaired {
        /// The one given.
        given: &'static str,
        /// The one missing.
        missing: &'static str,
        /// Where the given one came from.
        origin: String,
    },
    #[error("TLS is disabled by {disabled_by}, but {tls_by} asks for TLS")]
    /// TLS is both disabled and asked for.
    TlsConflict {
        /// What disables TLS.
        disabled_by: String,
        /// What asks for it.
        tls_by: String,
    },
    #[error("no etcd endpoints")]
    /// No endpoint is given anywhere.
    NoEndpoints,
}

impl Layer {
    /// The environment variables of the seed library (`ETCD_*`) and of
    /// etcdctl (`ETCDCTL_*`); `ETCD_*` first where both name a setting.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Layer {
        let get = |n: &str| get(n).filter(|v| !v.is_empty());
        let list = |v: String| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        let (user, password) = split_user(get("ETCDCTL_USER"), get("ETCDCTL_PASSWORD"));
        Layer {
            name: "the environment".into(),
            endpoints: get("ETCD_ENDPOINTS").or_else(|| get("ETCDCTL_ENDPOINTS")).map(list),
            prefix: get("ETCD_KEY_PREFIX"),
            cacert: get("ETCDCTL_CACERT").map(PathBuf::from),
            cert: get("ETCDCTL_CERT").map(PathBuf::from),
            key: get("ETCDCTL_KEY").map(PathBuf::from),
            server_name: get("ETCD_CLIENT_NAME"),
            disable_tls: get("ETCD_DISABLE_TLS").map(|v| v.eq_ignore_ascii_case("true") || v == "1"),
            user,
            password,
            dial_timeout: get("ETCDCTL_DIAL_TIMEOUT"),
            command_timeout: get("ETCDCTL_COMMAND_TIMEOUT"),
            ..Default::default()
        }
    }

    /// Each field this layer leaves unset taken from `defaults`.
    pub fn or(self, defaults: Layer) -> Layer {
        Layer {
            name: self.name,
            endpoints: self.endpoints.or(defaults.endpoints),
            prefix: self.prefix.or(defaults.prefix),
            cacert: self.cacert.or(defaults.cacert),
            cert: self.cert.or(defaults.cert),
            key: self.key.or(defaults.key),
            server_name: self.server_name.or(defaults.server_name),
            disable_tls: self.disable_tls.or(defaults.disable_tls),
            user: self.user.or(defaults.user),
            password: self.password.or(defaults.password),
            dial_timeout: self.dial_timeout.or(defaults.dial_timeout),
            command_timeout: self.command_timeout.or(defaults.command_timeout),
            max_send_size: self.max_send_size.or(defaults.max_send_size),
            history_prefix: self.history_prefix.or(defaults.history_prefix),
            history_keep: self.history_keep.or(defaults.history_keep),
            history_max_age: self.history_max_age.or(defaults.history_max_age),
            require_message: self.require_message.or(defaults.require_message),
        }
    }
}

/// etcdctl takes `--user name:password`: split it; an explicit password wins.
pub fn split_user(user: Option<String>, password: Option<String>) -> (Option<String>, Option<String>) {
    match user.as_deref().and_then(|u| u.split_once(':')) {
        Some((u, p)) => (Some(u.to_string()), password.or_else(|| Some(p.to_string()))),
        None => (user, password),
    }
}

/// TLS settings for the client.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TlsSettings {
    /// The CA certificate file (`None`: the system's roots).
    pub ca: Option<PathBuf>,
    /// The client certificate file.
    pub cert: Option<PathBuf>,
    /// The client key file.
    pub key: Option<PathBuf>,
    /// The name the server's certificate must carry (`None`: the host's).
    pub server_name: Option<String>,
}

/// Everything needed to reach etcd.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionSettings {
    /// `host:port` or URLs.
    pub endpoints: Vec<String>,
    /// The key prefix read and written.
    pub prefix: Prefix,
    /// `None`: plain text.
    pub tls: Option<TlsSettings>,
    /// The etcd user (`None`: no login).
    pub user: Option<String>,
    /// Its password.
    pub password: Option<String>,
    /// How long to try to connect.
    pub dial_timeout: Duration,
    /// How long to wait for an answer.
    pub command_timeout: Duration,
    /// The largest request sent, in bytes (`None`: etcd-client's).
    pub max_send_size: Option<usize>,
    /// The largest answer accepted from etcd. A page of a prefix that is
    /// larger is read again in smaller pages.
    pub max_response_size: usize,
    /// Change records: where, how many, and whether a message is required.
    pub history: HistorySettings,
}

/// Where change records go, how many are kept, and whether a change needs
/// a message.
#[derive(Clone, Debug, PartialEq)]
pub struct HistorySettings {
    /// `None`: beside each config prefix written (`<prefix>.history/`).
    pub prefix: Option<Prefix>,
    /// The newest records kept (0: no limit by count).
    pub keep: usize,
    /// The oldest record kept (`None`: no limit by age).
    pub max_age: Option<Duration>,
    /// Refuse writes without a message (`requireMessage`).
    pub require_message: bool,
}

/// Records kept by default: enough for a year of busy operators, small
/// beside etcd's default 2 GiB quota.
pub const DEFAULT_HISTORY_KEEP: usize = 10_000;
/// How long change records are kept when the settings do not say (a year).
pub const DEFAULT_HISTORY_MAX_AGE: Duration = Duration::from_secs(365 * 24 * 3600);

impl Default for HistorySettings {
    fn default() -> Self {
        HistorySettings {
            prefix: None,
            keep: DEFAULT_HISTORY_KEEP,
            max_age: Some(DEFAULT_HISTORY_MAX_AGE),
            require_message: false,
        }
    }
}

impl HistorySettings {
    /// Where the records of changes to `config` go.
    pub fn prefix_for(&self, config: &Prefix) -> Prefix {
        self.prefix.clone().unwrap_or_else(|| config.beside("history"))
    }
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            endpoints: vec!["127.0.0.1:2379".into()],
            prefix: Prefix::default(),
            tls: None,
            user: None,
            password: None,
            dial_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_secs(5),
            max_send_size: None,
            max_response_size: 512 * 1024 * 1024,
            history: HistorySettings::default(),
        }
    }
}

/// One connection setting as the layers decide it: its value as shown
/// (passwords never), the layer that gives it, and the later layers it
/// overrides ("where does this come from?").
#[derive(Clone, Debug, PartialEq)]
pub struct SettingSource {
    /// The setting (`endpoints`, `prefix`, `cacert`, ...).
    pub setting: &'static str,
    /// Its value as shown: endpoints without credentials, a password as `***`.
    pub value: String,
    /// The layer that gives it (`None`: tcfg's default applies).
    pub source: Option<String>,
    /// Each later layer that sets it too, with the value it would give.
    pub overridden: Vec<Sourced<String>>,
}

/// Every setting the layers can give, in the order `tcfg clusters` lists
/// them, with where each comes from.
pub fn setting_sources(layers: &[Layer]) -> Vec<SettingSource> {
    type Get = fn(&Layer) -> Option<String>;
    let fields: [(&'static str, Get); 15] = [
        ("endpoints", |l| {
            l.endpoints
                .as_ref()
                .map(|e| e.iter().map(|e| redacted(e)).collect::<Vec<_>>().join(","))
        }),
        ("prefix", |l| l.prefix.clone()),
        ("cacert", |l| l.cacert.as_ref().map(|p| p.display().to_string())),
        ("cert", |l| l.cert.as_ref().map(|p| p.display().to_string())),
        ("key", |l| l.key.as_ref().map(|p| p.display().to_string())),
        ("server name", |l| l.server_name.clone()),
        ("disable TLS", |l| l.disable_tls.map(|b| b.to_string())),
        ("user", |l| l.user.clone()),
        ("password", |l| l.password.as_ref().map(|_| "***".to_string())),
        ("dial timeout", |l| l.dial_timeout.clone()),
        ("command timeout", |l| l.command_timeout.clone()),
        ("history prefix", |l| l.history_prefix.clone()),
        ("history keep", |l| l.history_keep.map(|n| n.to_string())),
        ("history max age", |l| l.history_max_age.clone()),
        ("require message", |l| l.require_message.map(|b| b.to_string())),
    ];
    fields
        .into_iter()
        .map(|(setting, get)| {
            let mut given = layers.iter().filter_map(|l| {
                get(l).map(|value| Sourced {
                    value,
                    source: l.name.clone(),
                })
            });
            match given.next() {
                Some(first) => SettingSource {
                    setting,
                    value: first.value,
                    source: Some(first.source),
                    overridden: given.collect(),
                },
                None => SettingSource {
                    setting,
                    value: String::new(),
                    source: None,
                    overridden: Vec::new(),
                },
            }
        })
        .collect()
}

fn first<T: Clone>(layers: &[Layer], f: impl Fn(&Layer) -> Option<T>) -> Option<Sourced<T>> {
    layers.iter().find_map(|l| {
        f(l).map(|value| Sourced {
            value,
            source: l.name.clone(),
        })
    })
}

fn parse_timeout(what: &'static str, s: Option<Sourced<String>>, default: Duration) -> Result<Duration, ConfigError> {
    let Some(s) = s else { return Ok(default) };
    match duration::parse_temporal(&s.value) {
        Ok(n) if n > 0 => Ok(Duration::from_nanos(n as u64)),
        Ok(_) => Err(ConfigError::Invalid {
            what,
            value: s.value,
            origin: s.source,
            reason: "it must be positive".into(),
        }),
        Err(reason) => Err(ConfigError::Invalid {
            what,
            value: s.value,
            origin: s.source,
            reason,
        }),
    }
}

fn history_settings(layers: &[Layer], config: &Prefix) -> Result<HistorySettings, ConfigError> {
    let d = HistorySettings::default();
    let prefix = match first(layers, |l| l.history_prefix.clone()) {
        None => None,
        Some(s) => {
            let invalid = |reason: String| ConfigError::Invalid {
                what: "history prefix",
                value: s.value.clone(),
                origin: s.source.clone(),
                reason,
            };
            let p = Prefix::parse(&s.value).map_err(invalid)?;
            // Records among the config would be read by every server.
            if p.as_str().starts_with(config.as_str()) || config.as_str().starts_with(p.as_str()) {
                return Err(invalid(format!(
                    "it overlaps the config prefix {config}: records must live outside it, where no server reads them"
                )));
            }
            Some(p)
        }
    };
    let max_age = match first(layers, |l| l.history_max_age.clone()) {
        None => d.max_age,
        Some(s) if s.value.trim() == "0" => None,
        Some(s) => match humantime::parse_duration(s.value.trim()) {
            Ok(d) if d.is_zero() => None,
            Ok(d) => Some(d),
            Err(e) => {
                return Err(ConfigError::Invalid {
                    what: "history max age",
                    value: s.value,
                    origin: s.source,
                    reason: format!("{e} (a duration such as 90d or 1y; 0 for no limit)"),
                })
            }
        },
    };
    Ok(HistorySettings {
        prefix,
        keep: first(layers, |l| l.history_keep).map_or(d.keep, |s| s.value),
        max_age,
        require_message: first(layers, |l| l.require_message).is_some_and(|s| s.value),
    })
}

impl ConnectionSettings {
    /// Combine layers, the first that sets a field winning (flags, then
    /// `TCFG_*`, then `ETCD_*`/`ETCDCTL_*`, then the config file).
    pub fn from_layers(layers: &[Layer]) -> Result<ConnectionSettings, ConfigError> {
        let d = ConnectionSettings::default();
        let endpoints = match first(layers, |l| l.endpoints.clone()) {
            None => d.endpoints,
            Some(s) => {
                for e in &s.value {
                    check_endpoint(e).map_err(|reason| ConfigError::Invalid {
                        what: "endpoint",
                        value: redacted(e),
                        origin: s.source.clone(),
                        reason,
                    })?;
                }
                s.value
            }
        };
        if endpoints.is_empty() {
            return Err(ConfigError::NoEndpoints);
        }
        let prefix = match first(layers, |l| l.prefix.clone()) {
            None => Prefix::default(),
            Some(s) => Prefix::parse(&s.value).map_err(|reason| ConfigError::Invalid {
                what: "prefix",
                value: s.value,
                origin: s.source,
                reason,
            })?,
        };
        let cacert = first(layers, |l| l.cacert.clone());
        let cert = first(layers, |l| l.cert.clone());
        let key = first(layers, |l| l.key.clone());
        let server_name = first(layers, |l| l.server_name.clone());
        let disable = first(layers, |l| l.disable_tls);
        let https = endpoints.iter().any(|e| e.starts_with("https://"));
        let asks_tls = if https {
            Some("an https:// endpoint".to_string())
        } else {
            [&cacert, &cert, &key]
                .into_iter()
                .flatten()
                .next()
                .map(|s| format!("the certificate settings of {}", s.source))
        };
        let tls_on = match &disable {
            Some(Sourced { value: true, source }) => {
                if let Some(by) = asks_tls {
                    return Err(ConfigError::TlsConflict {
                        disabled_by: source.clone(),
                        tls_by: by,
                    });
                }
                false
            }
            Some(Sourced { value: false, .. }) => true,
            None => asks_tls.is_some(),
        };
        if cert.is_some() != key.is_some() {
            let (given, missing) = if cert.is_some() {
                ("a client certificate", "its key")
            } else {
                ("a client key", "its certificate")
            };
            return Err(ConfigError::Unpaired {
                given,
                missing,
                origin: cert
                    .as_ref()
                    .or(key.as_ref())
                    .map(|s| s.source.clone())
                    .unwrap_or_default(),
            });
        }
        let tls = tls_on.then(|| TlsSettings {
            ca: cacert.map(|s| s.value),
            cert: cert.map(|s| s.value),
            key: key.map(|s| s.value),
            server_name: server_name.map(|s| s.value),
        });
        Ok(ConnectionSettings {
            endpoints,
            tls,
            user: first(layers, |l| l.user.clone()).map(|s| s.value),
            password: first(layers, |l| l.password.clone()).map(|s| s.value),
            dial_timeout: parse_timeout(
                "dial timeout",
                first(layers, |l| l.dial_timeout.clone()),
                d.dial_timeout,
            )?,
            command_timeout: parse_timeout(
                "command timeout",
                first(layers, |l| l.command_timeout.clone()),
                d.command_timeout,
            )?,
            max_send_size: first(layers, |l| l.max_send_size).map(|s| s.value),
            max_response_size: d.max_response_size,
            history: history_settings(layers, &prefix)?,
            prefix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"
etcdConfigs:
  - name: prod
    endpoints: ["etcd-1:2379", "etcd-2:2379"]
  - name: staging
    endpoints: ["staging-etcd:2379"]
globalKeyPrefix: /prod/temporal/dynamicconfig/
disableTLS: false
clientTlsCaCertFile: /etc/temporal/certs/ca.crt
clientTlsCertFile: /etc/temporal/certs/client.crt
clientTlsKeyFile: /etc/temporal/certs/client.key
clientName: temporal-server
dialTimeout: 3s
maxCallSendMsgSize: 4194304
"#;

    #[test]
    fn endpoints_are_checked_and_secrets_never_shown() {
        assert!(check_endpoint("127.0.0.1:2379").is_ok());
        assert!(check_endpoint("https://etcd-1.example.com:2379").is_ok());
        assert!(check_endpoint("[::1]:2379").is_ok());
        for bad in ["", "foo://h:1", "h:99999", "h:0", "h", "http://u:pw@h:1", ":2379"] {
            assert!(check_endpoint(bad).is_err(), "{bad:?}");
        }
        assert_eq!(redacted("http://u:pw@h:1/x"), "http://***@h:1/x");
        assert_eq!(redacted("u:pw@h:1"), "***@h:1");
        assert_eq!(redacted("h:1"), "h:1");
    }

    #[test]
    fn the_seed_config_file_is_read_as_is() {
        let l = Layer::from_seed_config("config.yaml", SEED, None).unwrap();
        let s = ConnectionSettings::from_layers(&[l]).unwrap();
        assert_eq!(s.endpoints, ["etcd-1:2379", "etcd-2:2379"]);
        assert_eq!(s.prefix.as_str(), "/prod/temporal/dynamicconfig/");
        let tls = s.tls.unwrap();
        assert_eq!(tls.server_name.as_deref(), Some("temporal-server"));
        assert_eq!(tls.ca.unwrap(), PathBuf::from("/etc/temporal/certs/ca.crt"));
        assert_eq!(s.dial_timeout, Duration::from_secs(3));
        assert_eq!(s.max_send_size, Some(4194304));
        let l = Layer::from_seed_config("config.yaml", SEED, Some("staging")).unwrap();
        assert_eq!(l.endpoints.unwrap(), ["staging-etcd:2379"]);
        let e = Layer::from_seed_config("config.yaml", SEED, Some("dev")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config.yaml names no etcd cluster \"dev\"; it has prod, staging"
        );
        let e = Layer::from_seed_config("c.yaml", "etcdConfigs: 5\n", None).unwrap_err();
        assert!(e.to_string().starts_with("c.yaml:1: etcdConfigs must be a list"));
    }

    #[test]
    fn earlier_layers_win() {
        let flags = Layer {
            name: "--endpoints".into(),
            endpoints: Some(vec!["flag:1".into()]),
            ..Default::default()
        };
        let env = Layer::from_env(|n| match n {
            "ETCD_ENDPOINTS" => Some("env:1,env:2".into()),
            "ETCDCTL_USER" => Some("alice:secret".into()),
            "ETCD_KEY_PREFIX" => Some("/staging".into()),
            "ETCD_DISABLE_TLS" => Some("true".into()),
            _ => None,
        });
        let file = Layer::from_seed_config(
            "config.yaml",
            "etcdConfigs: [{name: a, endpoints: [file:1]}]\ndisableTLS: true\n",
            None,
        )
        .unwrap();
        let s = ConnectionSettings::from_layers(&[flags.clone(), env.clone(), file.clone()]).unwrap();
        assert_eq!(s.endpoints, ["flag:1"]);
        assert_eq!(s.prefix.as_str(), "/staging/");
        assert_eq!(
            (s.user.as_deref(), s.password.as_deref()),
            (Some("alice"), Some("secret"))
        );
        assert!(s.tls.is_none());
        let s = ConnectionSettings::from_layers(&[env, file.clone()]).unwrap();
        assert_eq!(s.endpoints, ["env:1", "env:2"]);
        let s = ConnectionSettings::from_layers(&[file]).unwrap();
        assert_eq!(s.endpoints, ["file:1"]);
        let s = ConnectionSettings::from_layers(&[]).unwrap();
        assert_eq!(s, ConnectionSettings::default());
    }

    #[test]
    fn tls_follows_the_settings() {
        let with = |l: Layer| ConnectionSettings::from_layers(&[l]);
        assert!(with(Layer {
            cacert: Some("ca.pem".into()),
            ..Default::default()
        })
        .unwrap()
        .tls
        .is_some());
        assert!(with(Layer {
            endpoints: Some(vec!["https://e:1".into()]),
            ..Default::default()
        })
        .unwrap()
        .tls
        .is_some());
        let e = with(Layer {
            name: "ETCD_DISABLE_TLS".into(),
            disable_tls: Some(true),
            cacert: Some("ca.pem".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, ConfigError::TlsConflict { .. }));
        let e = with(Layer {
            cert: Some("c.pem".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            e.to_string().contains("a client certificate and its key go together"),
            "{e}"
        );
    }

    #[test]
    fn timeouts_are_durations() {
        let l = Layer {
            name: "ETCDCTL_DIAL_TIMEOUT".into(),
            dial_timeout: Some("500ms".into()),
            command_timeout: Some("10".into()),
            ..Default::default()
        };
        let s = ConnectionSettings::from_layers(&[l]).unwrap();
        assert_eq!(s.dial_timeout, Duration::from_millis(500));
        assert_eq!(s.command_timeout, Duration::from_secs(10));
        let l = Layer {
            name: "--dial-timeout".into(),
            dial_timeout: Some("soon".into()),
            ..Default::default()
        };
        let e = ConnectionSettings::from_layers(&[l]).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid dial timeout \"soon\" from --dial-timeout"),
            "{e}"
        );
    }

    #[test]
    fn each_setting_names_the_layer_that_gives_it_and_those_it_overrides() {
        let flags = Layer {
            name: "flags".into(),
            dial_timeout: Some("3s".into()),
            ..Default::default()
        };
        let env = Layer {
            name: "the environment".into(),
            endpoints: Some(vec!["https://bob:pw@a:2379".into()]),
            password: Some("s3cret".into()),
            ..Default::default()
        };
        let file = Layer {
            name: "c.yaml (cluster x)".into(),
            endpoints: Some(vec!["b:2379".into()]),
            dial_timeout: Some("1s".into()),
            ..Default::default()
        };
        let s = setting_sources(&[flags, env, file]);
        let get = |n: &str| s.iter().find(|x| x.setting == n).unwrap().clone();
        let e = get("endpoints");
        assert_eq!(e.source.as_deref(), Some("the environment"));
        assert_eq!(e.value, "https://***@a:2379", "credentials never shown");
        assert_eq!(
            e.overridden,
            vec![Sourced {
                value: "b:2379".into(),
                source: "c.yaml (cluster x)".into()
            }]
        );
        assert_eq!(get("password").value, "***");
        assert_eq!(get("dial timeout").source.as_deref(), Some("flags"));
        assert_eq!(get("prefix").source, None);
    }
}
