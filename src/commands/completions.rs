//! `tcfg completions`: shell completion scripts (clap_complete).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use clap_complete::Shell;

use crate::error::Result;
use crate::exit;
use crate::output;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  echo 'source <(COMPLETE=bash tcfg)' >> ~/.bashrc       # dynamic: key and cluster names too\n  echo 'source <(COMPLETE=zsh tcfg)' >> ~/.zshrc\n  echo 'COMPLETE=fish tcfg | source' >> ~/.config/fish/completions/tcfg.fish\n  tcfg completions bash > /etc/bash_completion.d/tcfg   # static: commands and flags only\n\nWith COMPLETE=SHELL, tcfg prints a script that asks tcfg itself at each TAB: key names come from the registry of the release in use (TCFG_TEMPORAL_VERSION), cluster names from the config file (TCFG_CONFIG or the default one). The static scripts this command prints (also in the repository's completions/ folder) complete commands, flags and fixed values only."
)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(required_unless_present = "dir")]
    pub shell: Option<Shell>,

    /// Write the scripts of every shell into this folder (for packagers)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

/// `cmd`: the whole command line, whose scripts these are.
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> Result<u8> {
    if let Some(dir) = args.dir {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let path = clap_complete::generate_to(shell, &mut cmd, "tcfg", &dir)
                .with_context(|| format!("cannot write the {shell} completions into {}", dir.display()))?;
            writeln!(output::stderr(), "wrote {}", path.display())?;
        }
        return Ok(exit::OK);
    }
    let shell = args.shell.context("name a shell")?;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tcfg", &mut buf);
    output::stdout().write_all(&buf)?;
    Ok(exit::OK)
}
