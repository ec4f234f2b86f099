//! Dynamic shell completion (clap_complete's `COMPLETE=bash tcfg`): key
//! names from the registry of the release in use, cluster names from the
//! config file. The shell asks tcfg itself at each TAB, so the candidates
//! are those of this build and this machine's config file.

use clap_complete::CompletionCandidate;

/// Every key of the release `TCFG_TEMPORAL_VERSION` names (default: the
/// newest), with its type as help.
pub fn keys() -> Vec<CompletionCandidate> {
    let version = std::env::var("TCFG_TEMPORAL_VERSION").ok();
    let Ok(registry) = tcfg_core::Registry::for_version(version.as_deref()) else {
        return Vec::new();
    };
    registry
        .keys()
        .iter()
        .map(|k| {
            CompletionCandidate::new(k.name.as_str()).help(Some(format!("{} ({})", k.value_type, k.precedence).into()))
        })
        .collect()
}

/// The clusters of the config file (`TCFG_CONFIG`, or the default one).
pub fn clusters() -> Vec<CompletionCandidate> {
    let args = crate::global::EtcdArgs {
        config: std::env::var_os("TCFG_CONFIG").map(Into::into),
        ..Default::default()
    };
    super::connection::cluster_names(&args)
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}
