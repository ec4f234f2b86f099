//! `tcfg clusters`: where tcfg connects, and why. The config file's
//! clusters, the current one, and each setting of the current connection
//! with where it came from (a flag, a variable, the file); a warning where
//! an environment variable overrides the file.

use std::io::Write;

use clap::Args;
use serde::Serialize;
use tcfg_core::store::ConnectionSettings;

use crate::error::Result;
use crate::exit;
use crate::global::GlobalArgs;
use crate::output::{self, paint, BOLD, DIM, WARNING};

/// What `-o` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tcfg clusters\n  tcfg --cluster eu-west clusters     # what --cluster eu-west connects to\n  tcfg clusters -o json | jq -r '.clusters[].name'\n\nNothing is read from etcd. Settings come from flags first, then TCFG_* variables, then etcd's ETCD_* and ETCDCTL_* variables (not for a cluster chosen with --cluster), then the config file (--config, or $XDG_CONFIG_HOME/tcfg/config.yaml), then tcfg's defaults."
)]
pub struct ClustersArgs {
    /// Output format
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "text")]
    pub output: Output,
}

#[derive(Serialize)]
struct ClustersJson {
    config_file: Option<String>,
    clusters: Vec<ClusterJson>,
    current: CurrentJson,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct ClusterJson {
    name: String,
    current: bool,
    endpoints: Vec<String>,
    prefix: Option<String>,
    /// Why its entry cannot be used, when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct CurrentJson {
    /// The config file's cluster in use (none: flags or variables say where).
    cluster: Option<String>,
    endpoints: Vec<String>,
    prefix: String,
    settings: Vec<SettingJson>,
}

#[derive(Serialize)]
struct SettingJson {
    setting: &'static str,
    value: String,
    source: String,
    overrides: Vec<OverriddenJson>,
}

#[derive(Serialize)]
struct OverriddenJson {
    value: String,
    source: String,
}

pub fn run(global: &GlobalArgs, args: ClustersArgs) -> Result<u8> {
    let etcd = &global.etcd;
    let file = crate::app::connection::config_file(etcd)?;
    let layers = crate::app::connection::layers(etcd)?;
    let settings = ConnectionSettings::from_layers(&layers)?;
    let place = crate::app::connection::place(etcd, &settings);
    let current_cluster = crate::app::connection::current_cluster(etcd);
    let clusters: Vec<ClusterJson> = file
        .as_ref()
        .map(|f| {
            f.cluster_names()
                .into_iter()
                .map(|name| {
                    let alone = f
                        .layer(Some(name))
                        .map_err(|e| e.to_string())
                        .and_then(|l| ConnectionSettings::from_layers(&[l]).map_err(|e| e.to_string()));
                    let (endpoints, prefix, error) = match alone {
                        Ok(s) => (
                            s.endpoints
                                .iter()
                                .map(|e| tcfg_core::store::config::redacted(e))
                                .collect(),
                            Some(s.prefix.to_string()),
                            None,
                        ),
                        Err(e) => (Vec::new(), None, Some(e)),
                    };
                    ClusterJson {
                        name: name.to_string(),
                        current: current_cluster.as_deref() == Some(name),
                        endpoints,
                        prefix,
                        error,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let sources = tcfg_core::store::config::setting_sources(&layers);
    let named = |setting: &str, layer: &str| crate::app::connection::source_name(setting, layer);
    let shown: Vec<SettingJson> = sources
        .iter()
        .map(|s| SettingJson {
            setting: s.setting,
            value: s.value.clone(),
            source: s
                .source
                .as_deref()
                .map_or("default".to_string(), |l| named(s.setting, l)),
            overrides: s
                .overridden
                .iter()
                .map(|o| OverriddenJson {
                    value: o.value.clone(),
                    source: named(s.setting, &o.source),
                })
                .collect(),
        })
        .collect();
    let warnings: Vec<String> = crate::app::connection::environment_over_file(&layers)
        .into_iter()
        .map(|(var, setting, value, file_value, file)| {
            format!("{var} ({value}) overrides the {setting} of {file} ({file_value})")
        })
        .collect();
    let report = ClustersJson {
        config_file: file.as_ref().map(|f| f.origin().to_string()),
        clusters,
        current: CurrentJson {
            cluster: current_cluster,
            endpoints: settings
                .endpoints
                .iter()
                .map(|e| tcfg_core::store::config::redacted(e))
                .collect(),
            prefix: settings.prefix.to_string(),
            settings: shown,
        },
        warnings,
    };
    match args.output {
        Output::Json => crate::present::json::pretty(&mut output::stdout(), &report)?,
        Output::Text => text(&report, &place)?,
    }
    for w in &report.warnings {
        writeln!(output::stderr(), "{}: {w}", paint(WARNING, "warning"))?;
    }
    Ok(exit::OK)
}

fn text(r: &ClustersJson, place: &str) -> Result<()> {
    let mut out = output::styled_stdout();
    match &r.config_file {
        Some(f) => writeln!(out, "config file: {}", output::escape_path(std::path::Path::new(f)))?,
        None => writeln!(
            out,
            "config file: none (--config FILE, TCFG_CONFIG, or $XDG_CONFIG_HOME/tcfg/config.yaml)"
        )?,
    }
    if !r.clusters.is_empty() {
        let mut table = crate::present::table::new_table();
        table.set_header(["", "CLUSTER", "ENDPOINTS", "PREFIX"]);
        for c in &r.clusters {
            table.add_row([
                if c.current { "*" } else { "" }.to_string(),
                tcfg_core::model::key::escaped(&c.name).into_owned(),
                match &c.error {
                    Some(e) => format!("unusable: {e}"),
                    None => c.endpoints.join(","),
                },
                c.prefix.clone().unwrap_or_default(),
            ]);
        }
        crate::present::table::write_table(&mut out, &table)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} {place}, prefix {}",
        paint(BOLD, "connected to"),
        r.current.prefix
    )?;
    let mut table = crate::present::table::new_table();
    table.set_header(["SETTING", "VALUE", "FROM"]);
    for s in r
        .current
        .settings
        .iter()
        .filter(|s| s.source != "default" || s.setting == "endpoints" || s.setting == "prefix")
    {
        let from = if s.overrides.is_empty() {
            s.source.clone()
        } else {
            let over: Vec<String> = s
                .overrides
                .iter()
                .map(|o| format!("{} ({})", o.source, o.value))
                .collect();
            format!("{}, over {}", s.source, over.join(", "))
        };
        let value = if s.source == "default" && s.setting == "endpoints" {
            r.current.endpoints.join(",")
        } else if s.source == "default" && s.setting == "prefix" {
            r.current.prefix.clone()
        } else {
            s.value.clone()
        };
        table.add_row([s.setting.to_string(), value, from]);
    }
    crate::present::table::write_table(&mut out, &table)?;
    writeln!(out, "{}", paint(DIM, "settings not listed have tcfg's defaults"))?;
    Ok(())
}
