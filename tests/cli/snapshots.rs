//! What tcfg prints, whole: each command's output as one text (exit status,
//! stdout, stderr) compared with a snapshot in `tests/cli/snapshots/`, with
//! revisions, ports, paths and times replaced by placeholders. A change of
//! wording shows up here as a diff to review; `INSTA_UPDATE=always cargo
//! test --test cli snapshots::` rewrites the snapshots after a deliberate change.

use std::path::Path;
use std::time::Duration;

use crate::common::*;
use assert_cmd::Command;
use tcfg_testkit::EtcdCluster;

/// The exit status, stdout and stderr of a finished command, as one text.
fn shown(c: &mut Command) -> String {
    let o = c.output().unwrap();
    let mut text = format!(
        "status: {}\n",
        o.status.code().map_or("signal".into(), |c| c.to_string())
    );
    for (name, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let s = String::from_utf8_lossy(bytes);
        if !s.is_empty() {
            text.push_str(&format!("--- {name}\n{s}"));
            if !s.ends_with('\n') {
                text.push('\n');
            }
        }
    }
    text
}

/// Placeholders for what differs from run to run.
macro_rules! assert_shown {
    ($name:expr, $text:expr) => {
        insta::with_settings!({
            filters => vec![
                (r"revision \d+", "revision [REV]"),
                (r"\brev \d+", "rev [REV]"),
                (r"\b\d\d:\d\d:\d\d\b", "[CLOCK]"),
                (r"revisions? \d+ to \d+", "revisions [REV] to [REV]"),
                (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
                (r"/tmp/[^ /\n]+", "[TMP]"),
                (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]"),
                (r"tcfg \d+\.\d+\.\d+", "tcfg [VERSION]"),
            ],
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_help_text() {
    let mut c = tcfg_cmd();
    let top = shown(c.env("COLUMNS", "100").arg("--help"));
    // Every subcommand the top help lists (so a new one cannot be missed).
    let subcommands: Vec<String> = top
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect();
    assert!(subcommands.len() >= 18, "{subcommands:?}");
    assert_shown!("help", top);
    for sub in &subcommands {
        let mut c = tcfg_cmd();
        let help = shown(c.env("COLUMNS", "100").args([sub.as_str(), "--help"]));
        assert!(help.contains("\nExamples:\n"), "`tcfg {sub} --help` shows no examples");
        assert_shown!(format!("help-{sub}"), help);
        // -h is brief: the shared connection and history flags only in --help.
        let mut c = tcfg_cmd();
        let brief = shown(c.env("COLUMNS", "100").args([sub.as_str(), "-h"]));
        for flag in ["--cacert", "--password", "--dial-timeout", "--history-keep", "--schema"] {
            assert!(!brief.contains(flag), "`tcfg {sub} -h` lists {flag}");
            assert!(help.contains(flag), "`tcfg {sub} --help` misses {flag}");
        }
        assert!(
            brief.contains("--endpoints") && brief.contains("-h shows the common flags"),
            "{brief}"
        );
    }
    let mut c = tcfg_cmd();
    assert_shown!("help-get-brief", shown(c.env("COLUMNS", "100").args(["get", "-h"])));
}

#[test]
fn validate_reports() {
    for fixture in [
        "never-matches.yaml",
        "type-mismatch.yaml",
        "unknown-key.yaml",
        "development.yaml",
    ] {
        let mut c = tcfg_cmd();
        c.current_dir(repo())
            .args(["validate", "--temporal-version", "1.31", "-f"])
            .arg(format!("crates/core/tests/fixtures/{fixture}"));
        assert_shown!(format!("validate-{fixture}"), shown(&mut c));
    }
}

#[test]
fn diff_of_two_files() {
    let dir = tempfile::tempdir().unwrap();
    file(
        &dir,
        "old.yaml",
        "frontend.rps:\n  - value: 2400\nlimit.maxIDLength:\n  - value: 255\n",
    );
    file(
        &dir,
        "new.yaml",
        "frontend.rps:\n  - value: 3000\nfrontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n",
    );
    let mut c = tcfg_cmd();
    c.current_dir(dir.path()).args(["diff", "old.yaml", "new.yaml"]);
    assert_shown!("diff-files", shown(&mut c));
}

const PROD: &str = "frontend.rps:\n  - value: 2400\nfrontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n  - value: 1200\nmatching.numTaskqueueReadPartitions:\n  - value: 8\n    constraints: {namespace: payments, taskQueueName: orders}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_against_etcd() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    file(&dir, "prod.yaml", PROD);
    let in_dir = |c: &mut Command| {
        c.current_dir(dir.path());
    };
    let mut c = tcfg(&cluster);
    in_dir(&mut c);
    assert_shown!("diff-etcd", shown(c.args(["diff", "-f", "prod.yaml"])));
    let mut c = tcfg(&cluster);
    in_dir(&mut c);
    assert_shown!("apply", shown(c.args(["apply", "--yes", "-f", "prod.yaml"])));
    assert_shown!(
        "get-table",
        shown(tcfg(&cluster).args(["get", "frontend.namespaceRPS", "-o", "table"]))
    );
    assert_shown!(
        "get-resolved-table",
        shown(tcfg(&cluster).args(["get", "frontend.namespaceRPS", "--namespace", "payments", "-o", "table"]))
    );
    assert_shown!("dump-table", shown(tcfg(&cluster).args(["dump", "-o", "table"])));
    assert_shown!(
        "put-invalid",
        shown(tcfg(&cluster).args(["put", "frontend.rps", "fast", "--yes"]))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_in_text_mode() {
    use std::io::{BufRead, BufReader};
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let mut w = tcfg_process(&cluster)
        .args(["watch", "--color", "never"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn_killed();
    let mut lines = BufReader::new(w.stdout.take().unwrap()).lines();
    let mut text = String::new();
    let mut read_until = |text: &mut String, want: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            text.push('\n');
            if line.contains(want) || std::time::Instant::now() > deadline {
                return;
            }
        }
    };
    read_until(&mut text, "frontend.rps");
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2\n").await;
    read_until(&mut text, "value: 2");
    raw_delete(&cluster, &format!("{PREFIX}frontend.rps")).await;
    read_until(&mut text, "delete");
    assert_shown!("watch-text", text);
}
