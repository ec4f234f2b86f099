//! Connection settings from flags, the environment and the config file, and
//! the store they open.

use std::collections::HashMap;

use anyhow::Context;
use tcfg_core::store::config_file::ConfigFile;
use tcfg_core::store::{ConnectionSettings, Layer, Prefix, Store};

use super::{prefix_list, prompt};
use crate::error::bail;
use crate::error::Result;
use crate::global::{EtcdArgs, GlobalArgs};

/// The layer of flags and `TCFG_*` variables (clap reads both).
const FLAGS_LAYER: &str = "the command line (or TCFG_* variables)";

/// The connection settings: flags (and `TCFG_*`), then `ETCD_*`/`ETCDCTL_*`,
/// then the config file, then defaults.
pub fn connection_settings(args: &EtcdArgs) -> Result<ConnectionSettings> {
    let layers = layers(args)?;
    let mut settings = ConnectionSettings::from_layers(&layers)?;
    warn_environment_over_file(&layers);
    ask_password(&mut settings, None)?;
    Ok(settings)
}

/// The layers the current connection is made of, the first that sets a
/// setting winning: flags (and `TCFG_*`), `ETCD_*`/`ETCDCTL_*` (not for a
/// cluster named with `--cluster`), the config file.
pub fn layers(args: &EtcdArgs) -> Result<Vec<Layer>> {
    if args.user.as_deref().is_some_and(|u| u.contains(':')) && args.password.is_some() {
        bail!(
            "the password is given twice: in --user name:password and in --password (or TCFG_PASSWORD); give it once"
        );
    }
    let (user, password) = tcfg_core::store::config::split_user(args.user.clone(), args.password.clone());
    let flags = Layer {
        name: FLAGS_LAYER.into(),
        endpoints: args.endpoints.clone(),
        prefix: args.prefix.clone(),
        cacert: args.cacert.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        server_name: None,
        disable_tls: None,
        user,
        password,
        dial_timeout: args.dial_timeout.clone(),
        command_timeout: args.command_timeout.clone(),
        max_send_size: None,
        history_prefix: args.history_prefix.clone(),
        history_keep: args.history_keep,
        history_max_age: args.history_max_age.clone(),
        require_message: args.require_message,
    };
    let mut layers = vec![flags];
    // A cluster named in the config file is reached with its own entry:
    // etcdctl's variables, left over from another shell, must not point it
    // at another etcd.
    match &args.cluster {
        Some(c) => note_ignored_environment(c),
        None => layers.push(Layer::from_env(|n| std::env::var(n).ok())),
    }
    match config_file(args)? {
        Some(file) => layers.push(file.layer(args.cluster.as_deref())?),
        None => {
            if let Some(c) = &args.cluster {
                bail!("--cluster {c} needs a config file (--config FILE) that names it in etcdConfigs");
            }
        }
    }
    Ok(layers)
}

/// The flag, `TCFG_*` variable and etcd variables of each setting
/// `setting_sources` names.
const SETTING_NAMES: [(&str, &str, &[&str]); 15] = [
    ("endpoints", "endpoints", &["ETCD_ENDPOINTS", "ETCDCTL_ENDPOINTS"]),
    ("prefix", "prefix", &["ETCD_KEY_PREFIX"]),
    ("cacert", "cacert", &["ETCDCTL_CACERT"]),
    ("cert", "cert", &["ETCDCTL_CERT"]),
    ("key", "key", &["ETCDCTL_KEY"]),
    ("server name", "", &["ETCD_CLIENT_NAME"]),
    ("disable TLS", "", &["ETCD_DISABLE_TLS"]),
    ("user", "user", &["ETCDCTL_USER"]),
    ("password", "password", &["ETCDCTL_PASSWORD", "ETCDCTL_USER"]),
    ("dial timeout", "dial-timeout", &["ETCDCTL_DIAL_TIMEOUT"]),
    ("command timeout", "command-timeout", &["ETCDCTL_COMMAND_TIMEOUT"]),
    ("history prefix", "history-prefix", &[]),
    ("history keep", "history-keep", &[]),
    ("history max age", "history-max-age", &[]),
    ("require message", "require-message", &[]),
];

/// Where a setting came from, named as the user set it: `--endpoints`,
/// `TCFG_ENDPOINTS`, `ETCDCTL_ENDPOINTS`, or the config file and cluster.
pub fn source_name(setting: &str, layer: &str) -> String {
    let Some((_, flag, vars)) = SETTING_NAMES.iter().find(|(s, _, _)| *s == setting) else {
        return layer.to_string();
    };
    if layer == FLAGS_LAYER {
        let id = flag.replace('-', "_");
        return if crate::global::from_environment(&id) {
            format!("TCFG_{}", id.to_uppercase())
        } else if setting == "password" && crate::global::from_environment("user") {
            // `TCFG_USER=name:password`.
            "TCFG_USER".to_string()
        } else {
            format!("--{flag}")
        };
    }
    if layer == "the environment" {
        let set: Vec<&str> = vars
            .iter()
            .copied()
            .filter(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
            .collect();
        if let Some(first) = set.first() {
            return first.to_string();
        }
    }
    layer.to_string()
}

/// Whether a setting's source is an environment variable.
fn from_variable(setting: &str, layer: &str) -> bool {
    layer == "the environment" || (layer == FLAGS_LAYER && source_name(setting, layer).starts_with("TCFG_"))
}

/// Each setting an environment variable gives over a different value in
/// the config file: `(variable, setting, its value, the file's value, the
/// file and cluster)`.
pub fn environment_over_file(layers: &[Layer]) -> Vec<(String, &'static str, String, String, String)> {
    let file_layers: Vec<&str> = layers
        .iter()
        .map(|l| l.name.as_str())
        .filter(|n| *n != FLAGS_LAYER && *n != "the environment")
        .collect();
    tcfg_core::store::config::setting_sources(layers)
        .into_iter()
        .filter_map(|s| {
            let source = s.source.as_deref()?;
            if !from_variable(s.setting, source) {
                return None;
            }
            let file = s
                .overridden
                .iter()
                .find(|o| file_layers.contains(&o.source.as_str()) && o.value != s.value)?;
            Some((
                source_name(s.setting, source),
                s.setting,
                s.value.clone(),
                file.value.clone(),
                file.source.clone(),
            ))
        })
        .collect()
}

/// Say once that an environment variable overrides the config file: a
/// variable left over from another shell is the likeliest reason for
/// reaching the wrong etcd.
fn warn_environment_over_file(layers: &[Layer]) {
    static SAID: std::sync::Once = std::sync::Once::new();
    let over = environment_over_file(layers);
    if over.is_empty() {
        return;
    }
    SAID.call_once(|| {
        use std::io::Write;
        for (var, setting, value, file_value, file) in &over {
            let _ = writeln!(
                crate::output::stderr(),
                "{}: {var} ({value}) overrides the {setting} of {file} ({file_value}); `tcfg clusters` shows where each setting comes from",
                crate::output::paint(crate::output::WARNING, "warning"),
            );
        }
    });
}

/// The etcd variables tcfg reads (`Layer::from_env`) that are set.
fn environment_set() -> Vec<&'static str> {
    const NAMES: [&str; 12] = [
        "ETCD_ENDPOINTS",
        "ETCDCTL_ENDPOINTS",
        "ETCD_KEY_PREFIX",
        "ETCDCTL_CACERT",
        "ETCDCTL_CERT",
        "ETCDCTL_KEY",
        "ETCD_CLIENT_NAME",
        "ETCD_DISABLE_TLS",
        "ETCDCTL_USER",
        "ETCDCTL_PASSWORD",
        "ETCDCTL_DIAL_TIMEOUT",
        "ETCDCTL_COMMAND_TIMEOUT",
    ];
    NAMES
        .into_iter()
        .filter(|n| std::env::var_os(n).is_some_and(|v| !v.is_empty()))
        .collect()
}

/// Say once that the etcd variables set are not used for `cluster`.
fn note_ignored_environment(cluster: &str) {
    static SAID: std::sync::Once = std::sync::Once::new();
    let set = environment_set();
    if set.is_empty() {
        return;
    }
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            crate::output::stderr(),
            "{}: {} {} set but not used for the cluster {}: a cluster named in the config file is reached with its own entry (flags still apply to --cluster)",
            crate::output::paint(crate::output::NOTE, "note"),
            set.join(", "),
            if set.len() == 1 { "is" } else { "are" },
            tcfg_core::model::key::escaped(cluster)
        );
    });
}

/// Whether flags or the environment say where or as whom to connect: then
/// the current connection is not the config file's first cluster, and
/// naming that cluster (`us-east:`) must reach its own entry.
fn relocated(args: &EtcdArgs) -> bool {
    let env = Layer::from_env(|n| std::env::var(n).ok());
    args.endpoints.is_some()
        || args.cacert.is_some()
        || args.cert.is_some()
        || args.key.is_some()
        || args.user.is_some()
        || env.endpoints.is_some()
        || env.cacert.is_some()
        || env.cert.is_some()
        || env.key.is_some()
        || env.user.is_some()
        || env.server_name.is_some()
        || env.disable_tls.is_some()
}

/// Where the current connection goes, as prompts and result lines name it:
/// `cluster us-east (https://a:2379)`, or `etcd 127.0.0.1:2379` when no
/// config file cluster is in use.
pub fn place(args: &EtcdArgs, settings: &ConnectionSettings) -> String {
    let endpoints = settings.endpoints.join(",");
    match current_cluster(args) {
        Some(c) => format!("cluster {} ({endpoints})", tcfg_core::model::key::escaped(&c)),
        None => format!("etcd {endpoints}"),
    }
}

/// The config file's cluster the current connection uses: the one named
/// with `--cluster`, else its first one unless flags or the environment say
/// where or as whom to connect (`None`).
pub fn current_cluster(args: &EtcdArgs) -> Option<String> {
    match &args.cluster {
        Some(c) => Some(c.clone()),
        None if relocated(args) => None,
        None => cluster_names(args).ok().and_then(|n| n.into_iter().next()),
    }
}

/// The config file (`--config`, or the default one when present).
pub fn config_file(args: &EtcdArgs) -> Result<Option<ConfigFile>> {
    let Some(path) = args.config_path() else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read the config file {}", path.display()))?;
    Ok(Some(ConfigFile::parse(&path.display().to_string(), &text)?))
}

/// The clusters the config file names, in its order (none without a file).
pub fn cluster_names(args: &EtcdArgs) -> Result<Vec<String>> {
    Ok(config_file(args)?
        .map(|f| f.cluster_names().iter().map(|n| n.to_string()).collect())
        .unwrap_or_default())
}

/// A user without a password: asked for on a terminal, else refused.
fn ask_password(settings: &mut ConnectionSettings, cluster: Option<&str>) -> Result<()> {
    if settings.user.is_none() || settings.password.is_some() {
        return Ok(());
    }
    let user = settings.user.as_deref().unwrap_or_default();
    let of = cluster.map(|c| format!(" of cluster {c}")).unwrap_or_default();
    if prompt::interactive() {
        settings.password = Some(prompt::password(&format!("Password for etcd user {user}{of}"))?);
        Ok(())
    } else {
        match cluster {
            None => bail!("etcd user {user} has no password: pass --password or set ETCDCTL_PASSWORD"),
            Some(c) => bail!("etcd user {user}{of} has no password: give `password` in its etcdConfigs entry {c}"),
        }
    }
}

/// The settings of the config file's cluster `name`. The cluster chosen
/// with `--cluster` is the current one: flags and the environment apply to
/// it. Any other is reached with the file's settings alone (its entry over
/// the file's top level): flags and variables that say where and as whom to
/// connect (endpoints, TLS files, user) describe the current cluster; the
/// timeouts and history retention apply to every cluster.
fn cluster_settings(args: &EtcdArgs, name: &str) -> Result<ConnectionSettings> {
    if args.cluster.as_deref() == Some(name) {
        return connection_settings(args);
    }
    note_ignored_environment(name);
    let Some(file) = config_file(args)? else {
        bail!("the cluster {name} needs a config file (--config FILE) that names it in etcdConfigs");
    };
    let every_cluster = Layer {
        name: "the command line (or TCFG_* variables)".into(),
        dial_timeout: args.dial_timeout.clone(),
        command_timeout: args.command_timeout.clone(),
        history_keep: args.history_keep,
        history_max_age: args.history_max_age.clone(),
        require_message: args.require_message,
        ..Default::default()
    };
    let mut settings = ConnectionSettings::from_layers(&[every_cluster, file.layer(Some(name))?])?;
    ask_password(&mut settings, Some(name))?;
    Ok(settings)
}

/// A prefix on a cluster, as a prefix list names it: `CLUSTER:PREFIX`,
/// `CLUSTER:` (that cluster's prefix), or a plain prefix (the current
/// cluster).
#[derive(Clone, Debug)]
pub struct Located {
    /// The connection: `None` is the current cluster's.
    pub cluster: Option<String>,
    /// The cluster as the element names it, for messages and records (the
    /// current one too, when named).
    pub named: Option<String>,
    pub prefix: Prefix,
}

/// The same place: the same connection and prefix, however it was named.
impl PartialEq for Located {
    fn eq(&self, other: &Self) -> bool {
        (&self.cluster, &self.prefix) == (&other.cluster, &other.prefix)
    }
}

impl Eq for Located {}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.named {
            Some(c) => write!(f, "{c}:{}", self.prefix),
            None => write!(f, "{}", self.prefix),
        }
    }
}

/// Something per cluster; `None` is the current cluster.
type PerCluster<T> = HashMap<Option<String>, T>;

/// The elements of a prefix list, each on its cluster, with the settings of
/// every cluster named.
fn locate(flag: &str, items: &[String], args: &EtcdArgs) -> Result<(Vec<Located>, PerCluster<ConnectionSettings>)> {
    let mut settings = HashMap::new();
    settings.insert(None, connection_settings(args)?);
    // The current cluster: the one --cluster chose, else the config file's
    // first. Naming it is naming the current connection, so a sync between
    // it and a plain prefix stays one cluster (one guarded transaction).
    // When flags or the environment relocate the connection, the first
    // cluster is not where it goes: naming it reaches its own entry.
    let current = match &args.cluster {
        Some(c) => Some(c.clone()),
        None if relocated(args) => None,
        None => cluster_names(args)?.into_iter().next(),
    };
    let mut out = Vec::new();
    for item in items {
        let (cluster, prefix) = split_cluster(item);
        let named = cluster.map(str::to_string);
        let cluster = cluster.filter(|c| Some(*c) != current.as_deref());
        if let Some(c) = cluster {
            if let std::collections::hash_map::Entry::Vacant(v) = settings.entry(Some(c.to_string())) {
                v.insert(cluster_settings(args, c).map_err(|e| e.context(format!("{flag}: {item}")))?);
            }
        }
        let key = cluster.map(str::to_string);
        let base = &settings[&key];
        // `CLUSTER:` is that cluster's prefix; an empty plain element is a
        // mistake prefix_list names.
        let prefix = if prefix.is_empty() && named.is_some() {
            base.prefix.clone()
        } else {
            prefix_list(flag, &[prefix.to_string()], base)?.remove(0)
        };
        out.push(Located {
            cluster: key,
            named,
            prefix,
        });
    }
    Ok((out, settings))
}

/// `us-east:/active` is (`us-east`, `/active`); a prefix (which starts with
/// `/`) has no cluster, even with a colon in it.
fn split_cluster(item: &str) -> (Option<&str>, &str) {
    match item.split_once(':') {
        Some((c, p)) if !c.is_empty() && !c.starts_with('/') => (Some(c), p),
        _ => (None, item),
    }
}

/// One store per cluster named, connected concurrently: each cluster's
/// store, or why it cannot be reached.
async fn connect_clusters(
    settings: PerCluster<ConnectionSettings>,
) -> PerCluster<std::result::Result<Store, tcfg_core::store::StoreError>> {
    let connecting = settings
        .into_iter()
        .map(|(name, s)| async move { (name, Store::connect(s).await) });
    futures_util::future::join_all(connecting).await.into_iter().collect()
}

/// A prefix list's elements, each with its store (on its cluster, at its
/// prefix) or why its cluster cannot be reached.
pub type Opened = Vec<(Located, std::result::Result<Store, tcfg_core::store::StoreError>)>;

/// Open every element of a prefix list; elements on one cluster share its
/// connection. Also the current cluster's settings.
pub async fn open_located(flag: &str, items: &[String], args: &EtcdArgs) -> Result<(ConnectionSettings, Opened)> {
    let (located, mut settings) = locate(flag, items, args)?;
    let current = settings[&None].clone();
    // Only the clusters named are connected to.
    settings.retain(|c, _| located.iter().any(|l| &l.cluster == c));
    let stores = connect_clusters(settings).await;
    let opened = located
        .into_iter()
        .map(|l| {
            let store = match &stores[&l.cluster] {
                Ok(s) => Ok(s.with_prefix(l.prefix.clone())),
                Err(e) => Err(tcfg_core::store::StoreError::NotConnected { reason: e.to_string() }),
            };
            (l, store)
        })
        .collect();
    Ok((current, opened))
}

pub async fn connect(global: &GlobalArgs) -> Result<Store> {
    let settings = connection_settings(&global.etcd)?;
    Ok(Store::connect(settings).await?)
}

#[cfg(test)]
mod tests {
    use super::split_cluster;

    #[test]
    fn a_cluster_is_what_comes_before_the_colon_of_a_non_prefix() {
        assert_eq!(split_cluster("us-east:/active"), (Some("us-east"), "/active"));
        assert_eq!(split_cluster("us-east:"), (Some("us-east"), ""));
        assert_eq!(split_cluster("/active"), (None, "/active"));
        // A prefix may hold a colon; it starts with '/'.
        assert_eq!(split_cluster("/a:b/"), (None, "/a:b/"));
        assert_eq!(split_cluster(":/x"), (None, ":/x"));
    }
}
