//! What `tcfg --version` says about the build: the commit it was built from
//! and the day it was built (`SOURCE_DATE_EPOCH` for a reproducible build).
//! Packagers without a git checkout can set `TCFG_COMMIT`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

fn main() {
    println!("cargo:rerun-if-env-changed=TCFG_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // A new commit (or checkout) changes HEAD or the ref it names.
    for f in [".git/HEAD", ".git/packed-refs"] {
        if Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    if let Ok(head) = std::fs::read_to_string(".git/HEAD") {
        if let Some(r) = head.trim().strip_prefix("ref: ") {
            let path = format!(".git/{r}");
            if Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    let commit = std::env::var("TCFG_COMMIT").ok().filter(|c| !c.is_empty()).or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()?;
        let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !sha.is_empty()).then_some(sha)
    });
    println!("cargo:rustc-env=TCFG_COMMIT={}", commit.as_deref().unwrap_or("unknown"));
    let built = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
        .unwrap_or_else(SystemTime::now);
    let day = &humantime::format_rfc3339_seconds(built).to_string()[..10];
    println!("cargo:rustc-env=TCFG_BUILD_DATE={day}");
}
