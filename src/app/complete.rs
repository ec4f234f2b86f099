//! Dynamic shell completion (clap_complete's `COMPLETE=bash tcfg`): key
//! names from the registry of the release in use (cluster names are
//! `crate::global`'s, beside the flag). The shell asks tcfg itself at each TAB, so the candidates
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
