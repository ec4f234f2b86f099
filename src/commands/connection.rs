//! Connection settings from flags, the environment and the config file, and
//! the store they open.

use std::path::PathBuf;

use anyhow::Context;
use tcfg_core::store::{ConnectionSettings, Layer, Store};

use super::prompt;
use crate::bail;
use crate::cli::{EtcdArgs, GlobalArgs};
use crate::error::Result;

/// `$XDG_CONFIG_HOME/tcfg/config.yaml` (or `~/.config/...`), if it exists.
fn default_config_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let path = base.join("tcfg").join("config.yaml");
    path.is_file().then_some(path)
}

/// The connection settings: flags (and `TCFG_*`), then `ETCD_*`/`ETCDCTL_*`,
/// then the config file, then defaults.
pub fn connection_settings(args: &EtcdArgs) -> Result<ConnectionSettings> {
    if args.user.as_deref().is_some_and(|u| u.contains(':')) && args.password.is_some() {
        bail!(
            "the password is given twice: in --user name:password and in --password (or TCFG_PASSWORD); give it once"
        );
    }
    let (user, password) = tcfg_core::store::config::split_user(args.user.clone(), args.password.clone());
    let flags = Layer {
        name: "the command line (or TCFG_* variables)".into(),
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
    let env = Layer::from_env(|n| std::env::var(n).ok());
    let mut layers = vec![flags, env];
    let config = args.config.clone().or_else(default_config_file);
    if let Some(path) = config {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        layers.push(Layer::from_seed_config(
            &path.display().to_string(),
            &text,
            args.cluster.as_deref(),
        )?);
    } else if let Some(c) = &args.cluster {
        bail!("--cluster {c} needs a config file (--config FILE) that names it in etcdConfigs");
    }
    let mut settings = ConnectionSettings::from_layers(&layers)?;
    if settings.user.is_some() && settings.password.is_none() {
        if prompt::interactive() {
            settings.password = Some(prompt::password(&format!(
                "Password for etcd user {}",
                settings.user.as_deref().unwrap_or_default()
            ))?);
        } else {
            bail!(
                "etcd user {} has no password: pass --password or set ETCDCTL_PASSWORD",
                settings.user.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(settings)
}

pub async fn connect(global: &GlobalArgs) -> Result<Store> {
    let settings = connection_settings(&global.etcd)?;
    let store = Store::connect(settings).await?;
    tracing::debug!("connected");
    Ok(store)
}
