//! One module per subcommand: each parses its arguments and renders; the
//! logic lives in `tcfg-core`.

pub mod completions;
pub mod keys;
pub mod validate;

use anyhow::{Context, Result};
use tcfg_core::Registry;

use crate::cli::{Cli, Command, GlobalArgs};

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Keys(args) => keys::run(&cli.global, args),
        Command::Completions(args) => completions::run(args),
    }
}

/// The key registry the global flags select: `--schema FILE`, else the
/// embedded release named by `--temporal-version`, else the newest.
pub fn registry(global: &GlobalArgs) -> Result<Registry> {
    if let Some(path) = &global.schema {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the schema file {}", path.display()))?;
        return Ok(Registry::from_tsv(&path.display().to_string(), &text)?);
    }
    Ok(Registry::for_version(global.temporal_version.as_deref())?)
}

/// Read a file argument; `-` is standard input.
pub fn read_input(path: &std::path::Path) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read standard input")?;
        return Ok(("<stdin>".into(), text));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), text))
}
