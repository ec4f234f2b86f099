//! The config file: the seed library's YAML (`etcdConfigs`,
//! `globalKeyPrefix`, the TLS files, ...) with tcfg's extensions, which the
//! seed library ignores: connection settings per `etcdConfigs` entry (each
//! etcd cluster its own TLS files, user, prefix), and a `history:` section.
//! The top-level settings are every cluster's defaults, so a file written
//! for the seed library reads as before.

use std::path::PathBuf;

use super::config::{ConfigError, Layer};
use crate::model::yaml::{self, Node, NodeKind};

/// A parsed config file.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    origin: String,
    /// The top-level settings: every cluster's defaults.
    defaults: Layer,
    /// The `etcdConfigs` entries, in file order.
    clusters: Vec<Cluster>,
}

#[derive(Clone, Debug)]
struct Cluster {
    /// Empty when the entry has no name (it can still be the first).
    name: String,
    layer: Layer,
}

type FileErr<'a> = &'a dyn Fn(u32, String) -> ConfigError;

/// A map's field by name.
fn field<'a>(pairs: &'a [(Node, Node)], name: &str) -> Option<&'a Node> {
    pairs
        .iter()
        .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == name))
        .map(|(_, v)| v)
}

impl ConfigFile {
    /// The config file `text`, read from `origin` (for messages).
    pub fn parse(origin: &str, text: &str) -> Result<ConfigFile, ConfigError> {
        let err = |line: u32, message: String| ConfigError::File {
            origin: origin.to_string(),
            line,
            message,
        };
        let mut file = ConfigFile {
            origin: origin.to_string(),
            defaults: Layer {
                name: origin.to_string(),
                ..Default::default()
            },
            clusters: Vec::new(),
        };
        let root = match yaml::load(text) {
            Ok(Some(root)) => root,
            Ok(None) => return Ok(file),
            Err(e) => return Err(err(e.pos().line, e.to_string())),
        };
        let NodeKind::Map(pairs) = &root.kind else {
            return Err(err(
                root.pos.line,
                "expected a map of settings (etcdConfigs, globalKeyPrefix, ...)".into(),
            ));
        };
        let mut defaults = connection_fields(pairs, &err)?;
        defaults.name = origin.to_string();
        // The seed library uses TLS unless told otherwise.
        defaults.disable_tls = defaults.disable_tls.or(Some(false));
        if let Some(h) = field(pairs, "history") {
            read_history(h, &mut defaults, &err)?;
        }
        file.defaults = defaults;
        if let Some(list) = field(pairs, "etcdConfigs") {
            let NodeKind::Seq(items) = &list.kind else {
                return Err(err(
                    list.pos.line,
                    "etcdConfigs must be a list of {name, endpoints}".into(),
                ));
            };
            for item in items {
                let cluster = read_cluster(item, origin, &err)?;
                if !cluster.name.is_empty() && file.clusters.iter().any(|c| c.name == cluster.name) {
                    return Err(err(
                        item.pos.line,
                        format!(
                            "a second etcdConfigs entry named {:?}: cluster names must be unique",
                            cluster.name
                        ),
                    ));
                }
                file.clusters.push(cluster);
            }
        }
        Ok(file)
    }

    /// Where it was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The named clusters, in file order.
    pub fn cluster_names(&self) -> Vec<&str> {
        self.clusters
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// The settings of the cluster named `cluster` (default: the first
    /// entry), over the file's top-level settings.
    pub fn layer(&self, cluster: Option<&str>) -> Result<Layer, ConfigError> {
        let chosen = match cluster {
            Some(name) => self.clusters.iter().find(|c| c.name == name),
            None => self.clusters.first(),
        };
        match (chosen, cluster) {
            (Some(c), _) => {
                let mut defaults = self.defaults.clone();
                // A cluster without TLS does not inherit the others' certificates.
                if c.layer.disable_tls == Some(true) {
                    (defaults.cacert, defaults.cert, defaults.key, defaults.server_name) = (None, None, None, None);
                }
                Ok(c.layer.clone().or(defaults))
            }
            (None, None) => Ok(self.defaults.clone()),
            (None, Some(name)) => Err(ConfigError::UnknownCluster {
                origin: self.origin.clone(),
                name: name.to_string(),
                known: if self.clusters.is_empty() {
                    "no etcdConfigs".into()
                } else if self.cluster_names().is_empty() {
                    "none".into()
                } else {
                    self.cluster_names().join(", ")
                },
            }),
        }
    }
}

/// One `etcdConfigs` entry: the seed library's `name` and `endpoints`, and
/// tcfg's settings of that cluster.
fn read_cluster(item: &Node, origin: &str, err: FileErr) -> Result<Cluster, ConfigError> {
    let NodeKind::Map(fields) = &item.kind else {
        return Err(err(
            item.pos.line,
            "each etcdConfigs entry must be a map with name and endpoints".into(),
        ));
    };
    let name = match field(fields, "name").map(|n| &n.kind) {
        Some(NodeKind::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let mut layer = connection_fields(fields, err)?;
    layer.name = if name.is_empty() {
        origin.to_string()
    } else {
        format!("{origin} (cluster {name})")
    };
    layer.endpoints = match field(fields, "endpoints") {
        Some(Node {
            kind: NodeKind::Seq(eps),
            ..
        }) => Some(
            eps.iter()
                .map(|e| match &e.kind {
                    NodeKind::Str(s) => Ok(s.clone()),
                    other => Err(err(
                        e.pos.line,
                        format!("an endpoint must be a string, found {}", other.describe()),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(n) => return Err(err(n.pos.line, "endpoints must be a list of host:port strings".into())),
        None => Some(Vec::new()),
    };
    // A production cluster may require messages where staging does not.
    layer.require_message = bool_field(field(fields, "requireMessage"), "requireMessage", err)?;
    layer.history_prefix = string_field(field(fields, "historyPrefix"), "historyPrefix", err)?;
    Ok(Cluster { name, layer })
}

/// The connection settings a map may hold: the seed library's top-level
/// names, which an `etcdConfigs` entry may also use for its own cluster.
fn connection_fields(pairs: &[(Node, Node)], err: FileErr) -> Result<Layer, ConfigError> {
    let get = |name: &str| field(pairs, name);
    let string = |name: &str| string_field(get(name), name, err);
    Ok(Layer {
        prefix: string("globalKeyPrefix")?,
        cacert: string("clientTlsCaCertFile")?.map(PathBuf::from),
        cert: string("clientTlsCertFile")?.map(PathBuf::from),
        key: string("clientTlsKeyFile")?.map(PathBuf::from),
        server_name: string("clientName")?,
        disable_tls: bool_field(get("disableTLS"), "disableTLS", err)?,
        user: string("user")?,
        password: string("password")?,
        dial_timeout: duration_field(get("dialTimeout"), "dialTimeout", err)?,
        command_timeout: duration_field(get("commandTimeout"), "commandTimeout", err)?,
        max_send_size: match get("maxCallSendMsgSize") {
            None => None,
            Some(Node {
                kind: NodeKind::Int(i), ..
            }) if *i > 0 => Some(*i as usize),
            Some(n) => {
                return Err(err(
                    n.pos.line,
                    "maxCallSendMsgSize must be a positive number of bytes".into(),
                ))
            }
        },
        ..Default::default()
    })
}

/// A Go duration: a string such as `2s`, or a number of nanoseconds.
fn duration_field(node: Option<&Node>, name: &str, err: FileErr) -> Result<Option<String>, ConfigError> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Int(i)) => Ok(Some(format!("{i}ns"))),
        _ => string_field(node, name, err).map_err(|_| {
            err(
                node.map_or(0, |n| n.pos.line),
                format!("{name} must be a duration such as 2s"),
            )
        }),
    }
}

fn string_field(node: Option<&Node>, name: &str, err: FileErr) -> Result<Option<String>, ConfigError> {
    match node {
        None
        | Some(Node {
            kind: NodeKind::Null, ..
        }) => Ok(None),
        Some(Node {
            kind: NodeKind::Str(s), ..
        }) => Ok(Some(s.clone())),
        Some(n) => Err(err(
            n.pos.line,
            format!("{name} must be a string, found {}", n.kind.describe()),
        )),
    }
}

fn bool_field(node: Option<&Node>, name: &str, err: FileErr) -> Result<Option<bool>, ConfigError> {
    match node.map(|n| (&n.kind, n.pos.line)) {
        None | Some((NodeKind::Null, _)) => Ok(None),
        Some((NodeKind::Bool(b), _)) => Ok(Some(*b)),
        Some((_, line)) => Err(err(line, format!("{name} must be true or false"))),
    }
}

/// tcfg's `history:` section: `prefix`, `keep`, `maxAge`, `requireMessage`.
fn read_history(node: &Node, layer: &mut Layer, err: FileErr) -> Result<(), ConfigError> {
    let NodeKind::Map(fields) = &node.kind else {
        return Err(err(
            node.pos.line,
            "history must be a map (prefix, keep, maxAge, requireMessage)".into(),
        ));
    };
    for (k, v) in fields {
        let name = match &k.kind {
            NodeKind::Str(s) => s.as_str(),
            _ => "",
        };
        match name {
            "prefix" => layer.history_prefix = string_field(Some(v), "history.prefix", err)?,
            "maxAge" => layer.history_max_age = string_field(Some(v), "history.maxAge", err)?,
            "requireMessage" => layer.require_message = bool_field(Some(v), "history.requireMessage", err)?,
            "keep" => {
                layer.history_keep = match &v.kind {
                    NodeKind::Int(i) if *i >= 0 => Some(*i as usize),
                    _ => {
                        return Err(err(
                            v.pos.line,
                            "history.keep must be a number of records (0: no limit)".into(),
                        ))
                    }
                }
            }
            _ => {
                return Err(err(
                    k.pos.line,
                    format!("history has no setting {name:?}: it takes prefix, keep, maxAge and requireMessage"),
                ))
            }
        }
    }
    Ok(())
}

impl Layer {
    /// The seed library's YAML config (`etcdConfigs`, `globalKeyPrefix`, ...),
    /// for the entry named `cluster` (default: the first).
    pub fn from_seed_config(origin: &str, text: &str, cluster: Option<&str>) -> Result<Layer, ConfigError> {
        ConfigFile::parse(origin, text)?.layer(cluster)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::store::ConnectionSettings;

    const THREE: &str = r#"
etcdConfigs:
  - name: us-east
    endpoints: ["use-1:2379", "use-2:2379"]
  - name: eu-west
    endpoints: ["euw-1:2379"]
    clientTlsCaCertFile: /etc/tcfg/eu/ca.crt
    clientName: etcd.eu.example
    user: ops-eu
    dialTimeout: 5s
    globalKeyPrefix: /eu/temporal/dynamicconfig/
  - name: lab
    endpoints: ["lab:2379"]
    disableTLS: true
    clientTlsCaCertFile: null
globalKeyPrefix: /temporal/dynamicconfig/
clientTlsCaCertFile: /etc/tcfg/ca.crt
dialTimeout: 2s
history:
  requireMessage: true
"#;

    fn settings(file: &ConfigFile, cluster: Option<&str>) -> ConnectionSettings {
        ConnectionSettings::from_layers(&[file.layer(cluster).unwrap()]).unwrap()
    }

    #[test]
    fn each_cluster_has_its_own_settings_over_the_top_level_ones() {
        let f = ConfigFile::parse("tcfg.yaml", THREE).unwrap();
        assert_eq!(f.cluster_names(), ["us-east", "eu-west", "lab"]);
        let us = settings(&f, None);
        assert_eq!(us.endpoints, ["use-1:2379", "use-2:2379"]);
        assert_eq!(us.prefix.as_str(), "/temporal/dynamicconfig/");
        assert_eq!(us.tls.unwrap().ca.unwrap(), PathBuf::from("/etc/tcfg/ca.crt"));
        assert!(us.history.require_message);
        let eu = settings(&f, Some("eu-west"));
        assert_eq!(eu.endpoints, ["euw-1:2379"]);
        assert_eq!(eu.prefix.as_str(), "/eu/temporal/dynamicconfig/");
        let tls = eu.tls.unwrap();
        assert_eq!(tls.ca.unwrap(), PathBuf::from("/etc/tcfg/eu/ca.crt"));
        assert_eq!(tls.server_name.as_deref(), Some("etcd.eu.example"));
        assert_eq!(eu.user.as_deref(), Some("ops-eu"));
        assert_eq!(eu.dial_timeout, Duration::from_secs(5));
        // Without TLS, the top level's certificates are not inherited.
        assert!(settings(&f, Some("lab")).tls.is_none());
    }

    #[test]
    fn a_seed_file_reads_as_before() {
        let seed = "etcdConfigs:\n  - name: a\n    endpoints: [h:1]\nglobalKeyPrefix: /p/\n";
        let f = ConfigFile::parse("c.yaml", seed).unwrap();
        let s = settings(&f, Some("a"));
        assert!(s.tls.is_some(), "TLS unless disabled, as the seed library");
        assert_eq!(s.prefix.as_str(), "/p/");
    }

    #[test]
    fn cluster_names_are_unique_and_fields_typed() {
        let e = ConfigFile::parse(
            "c.yaml",
            "etcdConfigs:\n  - {name: a, endpoints: [h:1]}\n  - {name: a}\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "c.yaml:3: a second etcdConfigs entry named \"a\": cluster names must be unique"
        );
        let e = ConfigFile::parse("c.yaml", "etcdConfigs:\n  - {name: a, user: [x]}\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml:2: user must be a string"), "{e}");
        let e = ConfigFile::parse("c.yaml", "etcdConfigs:\n  - {name: a, endpoints: [h:1]}\n")
            .unwrap()
            .layer(Some("b"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "c.yaml names no etcd cluster \"b\"; it has a");
    }
}
