//! The `tcfg` binary end to end, for the commands that need no etcd.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{tcfg_bare, tcfg_cmd, SpawnExt};

pub(crate) fn tcfg() -> Command {
    tcfg_cmd()
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/core/tests/fixtures")
        .join(name)
}

pub(crate) fn write_temp(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn errors_are_sentences_never_debug_dumps_or_backtraces() {
    let assert = tcfg()
        .env("RUST_BACKTRACE", "full")
        .args(["diff", "-f", "/nonexistent/prod.yaml"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.starts_with("error: cannot read /nonexistent/prod.yaml: "),
        "{stderr}"
    );
    assert!(
        !stderr.contains("backtrace") && !stderr.contains("Os {") && !stderr.contains("Caused by"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn usage_mistakes_exit_1_not_2() {
    tcfg()
        .args(["validate"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--file"));
    tcfg().args(["frobnicate"]).assert().code(1);
}

#[test]
fn every_command_has_examples_in_its_help() {
    for cmd in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["keys", "--help"],
        vec!["completions", "--help"],
    ] {
        tcfg()
            .args(&cmd)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("Examples:"));
    }
}

#[test]
fn keys_lists_filters_and_shows_one() {
    tcfg()
        .args(["keys"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("frontend.rps").and(predicate::str::contains("KEY")));
    let out = tcfg()
        .args(["keys", "matching.numTaskqueue*", "-o", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["name"], "matching.numTaskqueueReadPartitions");
    assert_eq!(
        v[0]["constrained_defaults"][0]["constraints"]["taskQueueName"],
        "temporal-sys-per-ns-tq"
    );
    tcfg()
        .args(["keys", "MATCHING.updateAckInterval"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("matching.updateAckInterval").and(predicate::str::contains(
                "{taskQueueName: temporal-sys-per-ns-tq} => 5m0s",
            )),
        );
    let out = tcfg()
        .args(["keys", "--precedence", "shardId", "-o", "yaml"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_yaml::Value = serde_yaml::from_slice(&out).unwrap();
    assert!(v.as_sequence().unwrap().len() >= 5);
    tcfg()
        .args(["keys", "frontend.rsp"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean frontend.rps"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = tcfg_bare()
        .args(["keys", "-o", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn_killed();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "[\n");
    // The reader is dropped here: the pipe closes with most of the output unread.
    let out = child.finish();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let f = fixture("never-matches.yaml");
    let plain = tcfg()
        .args(["validate", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!plain.contains(&0x1b), "no escapes when stderr is not a terminal");
    let coloured = tcfg()
        .args(["--color", "always", "validate", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(coloured.contains(&0x1b));
    let no_color = tcfg()
        .env("NO_COLOR", "1")
        .args(["validate", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!no_color.contains(&0x1b));
}

#[test]
fn committed_completions_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "tcfg.bash"),
        ("zsh", "_tcfg"),
        ("fish", "tcfg.fish"),
        ("powershell", "_tcfg.ps1"),
        ("elvish", "tcfg.elv"),
    ] {
        let generated = tcfg()
            .args(["completions", shell])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: run `cargo run -- completions --dir completions` and commit the result"
        );
    }
}

/// The command reference and the man pages are generated from the command
/// line definition; the committed ones must be what this build generates.
#[test]
fn committed_reference_and_man_pages_are_current() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("reference.md");
    let man = dir.path().join("man");
    tcfg()
        .args(["reference", "--markdown"])
        .arg(&md)
        .arg("--man")
        .arg(&man)
        .assert()
        .code(0);
    let stale = "is stale: run `cargo run -- reference --markdown docs/reference.md --man man` and commit the result";
    assert!(
        std::fs::read(&md).unwrap() == std::fs::read(repo.join("docs/reference.md")).unwrap_or_default(),
        "docs/reference.md {stale}"
    );
    let names = |d: &Path| {
        let mut n: Vec<String> = std::fs::read_dir(d)
            .map(|r| {
                r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        n.sort();
        n
    };
    assert_eq!(names(&man), names(&repo.join("man")), "man/ {stale}");
    for page in names(&man) {
        assert!(
            std::fs::read(man.join(&page)).unwrap() == std::fs::read(repo.join("man").join(&page)).unwrap(),
            "man/{page} {stale}"
        );
    }
    // Every command has its page, and the reference its section.
    let text = std::fs::read_to_string(&md).unwrap();
    for c in ["get", "edit", "clusters", "apply", "sync", "render"] {
        assert!(names(&man).contains(&format!("tcfg-{c}.1")), "{c}");
        assert!(text.contains(&format!("\n## tcfg {c}\n")), "{c}");
    }
}

#[test]
fn completions_dir_writes_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    tcfg().args(["completions", "--dir"]).arg(dir.path()).assert().code(0);
    for f in ["tcfg.bash", "_tcfg", "tcfg.fish", "_tcfg.ps1", "tcfg.elv"] {
        assert!(dir.path().join(f).metadata().unwrap().len() > 100, "{f}");
    }
    let _ = std::io::sink().write_all(b"");
}

/// Mistakes in settings and arguments get a sentence naming the mistake,
/// before anything is sent anywhere (no etcd listens on these endpoints).
#[test]
fn unclear_settings_get_clear_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--endpoints", "", "get", "frontend.rps"], "invalid endpoint \"\""),
        (
            vec!["--endpoints", "foo://h:1", "get", "frontend.rps"],
            "foo:// is not a scheme etcd serves",
        ),
        (
            vec!["--endpoints", "127.0.0.1:99999", "get", "frontend.rps"],
            "99999 is not a port",
        ),
        (
            vec!["--endpoints", "http://alice:s3cret@127.0.0.1:1", "get", "frontend.rps"],
            "does not take credentials from an endpoint",
        ),
        (
            vec!["--cert", "c.pem", "get", "frontend.rps"],
            "a client certificate and its key go together",
        ),
        (
            vec!["--user", "a:pw", "--password", "x", "get", "frontend.rps"],
            "the password is given twice",
        ),
        (vec!["--prefix", "", "get", "frontend.rps"], "invalid prefix \"\""),
        (
            vec!["apply", "-f", "x.yaml", "--create-only", "--prune"],
            "cannot be used with",
        ),
        (vec!["watch", "--since", "0"], "0: a revision is a positive number"),
        (vec!["dump", "--revision=-5"], "-5: a revision is a positive number"),
        // One WHEN everywhere, refused before anything connects.
        (
            vec!["get", "frontend.rps", "--at", "yesterday"],
            "is not an etcd revision (1234), a duration ago",
        ),
        (
            vec!["rollback", "--to", "soon", "--dry-run"],
            "is not an etcd revision (1234), a duration ago",
        ),
        (
            vec!["log", "--since", "last week"],
            "is not an etcd revision (1234), a duration ago",
        ),
        (
            vec!["validate", "-f", "-", "-f", "-"],
            "standard input (-) is given more than once",
        ),
    ];
    for (args, says) in cases {
        let o = tcfg().current_dir(dir.path()).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("s3cret"), "{args:?} printed a secret: {err}");
    }
}

#[test]
fn secrets_never_reach_the_help() {
    let o = tcfg()
        .env("TCFG_USER", "alice:s3cret")
        .env("TCFG_PASSWORD", "s3cret")
        .args(["get", "--help"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("s3cret"));
}

#[test]
fn keys_say_what_each_key_means_and_which_need_a_restart() {
    tcfg()
        .args(["keys", "history.cacheTTL"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("HistoryCacheTTL is TTL of history cache"))
        .stdout(predicate::str::contains("only when its servers restart"));
    tcfg()
        .args(["keys", "frontend.rps"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("restart").not());
    let out = tcfg()
        .args(["keys", "--search", "CACHE restart", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"history.cacheTTL"), "{names:?}");
    assert!(!names.contains(&"frontend.rps"), "{names:?}");
    assert!(v.as_array().unwrap().iter().all(|k| k["restart"] == true), "{v}");
    assert!(v[0]["description"].as_str().unwrap().to_lowercase().contains("cache"));
    // The table marks restart-only keys; the releases differ.
    tcfg()
        .args(["keys", "system.enableNexus", "--temporal-version", "1.30"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("only when its servers restart"));
    tcfg()
        .args(["keys", "--search", "no such words anywhere"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("in its name or description"));
}

#[test]
fn diffs_mark_changes_that_take_effect_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let old = write_temp(
        &dir,
        "old.yaml",
        "history.cacheTTL:\n  - value: 1h\nfrontend.rps:\n  - value: 10\n",
    );
    let new = write_temp(
        &dir,
        "new.yaml",
        "history.cacheTTL:\n  - value: 2h\nfrontend.rps:\n  - value: 20\n",
    );
    let o = tcfg().arg("diff").arg(&old).arg(&new).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("update history.cacheTTL (takes effect when the servers restart)"),
        "{text}"
    );
    assert!(text.lines().any(|l| l == "update frontend.rps"), "{text}");
    let o = tcfg()
        .args(["diff", "-o", "json"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let restart: Vec<(&str, bool)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), c["restart"].as_bool().unwrap()))
        .collect();
    assert_eq!(restart, [("frontend.rps", false), ("history.cacheTTL", true)]);
}

#[test]
fn findings_and_changes_become_github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_temp(&dir, "bad.yaml", "frontend.rps:\n  - value: \"x\"\n");
    let o = tcfg()
        .args(["validate", "-o", "github", "-f"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with(&format!(
            "::error file={},line=2,col=12,title=tcfg type-mismatch::frontend.rps: expected an int",
            bad.display()
        )),
        "{text}"
    );
    assert!(line.contains("%0Ahint: "), "a multi-line message is escaped: {line}");
    // Stdin has no file to point at.
    let o = tcfg()
        .args(["validate", "-o", "github", "-f", "-"])
        .write_stdin("frontend.rps:\n  - value: \"x\"\n")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("::error title=tcfg type-mismatch::"));

    let old = write_temp(
        &dir,
        "old.yaml",
        "history.cacheTTL:\n  - value: 1h\nfrontend.rps:\n  - value: 10\n",
    );
    let new = write_temp(
        &dir,
        "new.yaml",
        "frontend.rps:\n  - value: 20\n# a comment\nhistory.cacheTTL:\n  - value: 2h\n",
    );
    let o = tcfg()
        .args(["diff", "-o", "github"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let file = new.display().to_string();
    assert!(
        lines[0].starts_with(&format!(
            "::notice file={file},line=1,title=tcfg diff%3A update frontend.rps::"
        )),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "::notice file={file},line=4,title=tcfg diff%3A update history.cacheTTL::"
        )),
        "{text}"
    );
    assert!(
        lines[1].ends_with("%0ATemporal applies it only when its servers restart."),
        "{text}"
    );
    assert!(
        lines[2].ends_with("0 to create, 2 to update, 0 to delete (0 unchanged)"),
        "{text}"
    );
}

#[test]
fn diff_finds_what_the_change_itself_does_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let old = write_temp(&dir, "old.yaml", "matching.numTaskqueueReadPartitions:\n- value: 8\nmatching.numTaskqueueWritePartitions:\n- value: 8\nfrontend.rps:\n- value: 100\n");
    let new = write_temp(&dir, "new.yaml", "matching.numTaskqueueReadPartitions:\n- value: 4\nmatching.numTaskqueueWritePartitions:\n- value: 4\nfrontend.rps:\n- value: 0\n");
    let o = tcfg().arg("diff").arg(&old).arg(&new).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "an error in the change fails the review");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "error[partition-order]: {}:1:1: matching.numTaskqueueReadPartitions",
            new.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("warning[large-change]") && err.contains("goes from 100 to zero"),
        "{err}"
    );
    let o = tcfg()
        .args(["diff", "-o", "json"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["partition-order", "large-change"]);
    let o = tcfg()
        .args(["diff", "-o", "github"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!(
            "::error file={},line=1,col=1,title=tcfg partition-order::",
            new.display()
        )),
        "{text}"
    );
    // The pull-request comment fails the job too, and says why.
    let o = tcfg()
        .args(["diff", "-o", "markdown"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("> **This change has errors: `tcfg apply` refuses it.**"),
        "{md}"
    );
    assert!(md.contains("❌ **error** `partition-order`"), "{md}");
}

#[test]
fn a_review_comment_says_what_is_wrong_with_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let old = write_temp(
        &dir,
        "old.yaml",
        "frontend.rps:\n- value: 100\nacme.custom:\n- value: 1\n",
    );
    // Invalid: the comment says so, where, and the job fails.
    let bad = write_temp(&dir, "bad.yaml", "frontend.rps:\n- value: lots\n");
    let o = tcfg()
        .args(["diff", "-o", "markdown", "--allow-unknown-keys"])
        .arg(&old)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains("**The files are invalid: nothing was planned"), "{md}");
    assert!(
        md.contains(&format!("`{}:2` `frontend.rps` ❌ **error**", bad.display())),
        "{md}"
    );
    // Valid with warnings: each under its key, or listed apart when the
    // change leaves the key as it is.
    let new = write_temp(
        &dir,
        "new.yaml",
        "frontend.rps:\n- value: 120\nacme.custom:\n- value: 1\nacme.other:\n- value: 2\n",
    );
    let o = tcfg()
        .args(["diff", "-o", "markdown", "--allow-unknown-keys"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("<summary>⚠️ <code>acme.other</code>: create (⚠️ 1 warning)</summary>"),
        "{md}"
    );
    assert!(md.contains("Findings in keys this change leaves as they are:"), "{md}");
    assert!(
        md.contains(&format!(
            "- `{}:3` `acme.custom` ⚠️ **warning** `unknown-key`",
            new.display()
        )),
        "{md}"
    );
}

#[test]
fn help_prose_wraps_where_the_terminal_does() {
    // A paragraph with hard line breaks, rewrapped by clap, leaves a word
    // or two alone on a line after a full one.
    for cmd in [
        "validate",
        "keys",
        "get",
        "put",
        "delete",
        "dump",
        "diff",
        "apply",
        "sync",
        "watch",
        "upgrade-check",
    ] {
        let o = tcfg().env("COLUMNS", "100").args([cmd, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        let lines: Vec<&str> = text.lines().collect();
        for w in lines.windows(3) {
            let prose = |l: &str| !l.is_empty() && !l.starts_with(' ');
            let orphan = w[0].len() > 90 && prose(w[1]) && w[1].len() < 20 && prose(w[2]);
            assert!(!orphan, "tcfg {cmd} --help wraps badly:\n{}\n{}\n{}", w[0], w[1], w[2]);
        }
    }
}

#[test]
fn keys_during_a_rolling_upgrade_are_those_of_either_release() {
    let listed = |version: &str, pattern: &str| {
        let o = tcfg()
            .args(["--temporal-version", version, "keys", pattern, "-o", "json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
        let names: Vec<String> = v
            .as_array()
            .map(|a| a.iter().map(|k| k["name"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        names
    };
    assert_eq!(listed("1.31", "scheduler.tweak"), ["scheduler.tweakables"]);
    assert_eq!(listed("1.30", "scheduler.tweak"), ["chasm.scheduler.tweakables"]);
    assert_eq!(
        listed("1.30..1.31", "scheduler.tweak"),
        ["chasm.scheduler.tweakables", "scheduler.tweakables"]
    );
    // A key only the older release registers, shown alone, with that
    // release's description and restart mark.
    let o = tcfg()
        .args([
            "--temporal-version",
            "1.30..1.31",
            "keys",
            "system.enableNexus",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["name"].as_str(), v["restart"].as_bool()),
        (Some("system.enableNexus"), Some(true)),
        "{v}"
    );
}

#[test]
fn version_says_the_commit_the_build_day_and_the_embedded_releases() {
    let o = tcfg().arg("--version").output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with(&format!("tcfg {}\n", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} line: {text}"))
    };
    let commit = field("commit:");
    assert!(
        commit == "unknown" || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit}"
    );
    let built = field("built:");
    assert!(
        built.len() == 10 && built.as_bytes()[4] == b'-' && built.as_bytes()[7] == b'-',
        "{built}"
    );
    let temporal = field("temporal:");
    for r in &tcfg_core::temporal::registry::RELEASES {
        assert!(temporal.contains(r.tag), "{temporal}");
    }
    // -V stays one line, for scripts.
    let short = tcfg().arg("-V").output().unwrap();
    assert_eq!(
        String::from_utf8(short.stdout).unwrap(),
        format!("tcfg {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_forgotten_file_flag_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prod.yaml");
    std::fs::write(&file, "frontend.rps:\n  - value: 5\n").unwrap();
    let shown = file.display().to_string();
    // Each without -f, and without etcd: refused before anything is read.
    for (args, tip) in [
        (vec!["validate"], format!("did you mean `-f {shown}`?")),
        (vec!["keys", "--temporal-version", "1.31"], String::new()),
        (vec!["apply"], format!("did you mean `tcfg apply -f {shown}`?")),
        (vec!["diff"], format!("did you mean `tcfg diff -f {shown}`?")),
    ] {
        let o = tcfg()
            .args(["--endpoints", "127.0.0.1:1"])
            .args(&args)
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        if tip.is_empty() {
            // `keys` takes a pattern there: no tip about files.
            assert!(!err.contains("did you mean `-f"), "{args:?}: {err}");
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&tip), "{args:?}: {err}");
    }
    // A word that is no file gets clap's error alone.
    let o = tcfg().args(["validate", "nothing-here"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("did you mean `-f"), "{err}");
}

/// Dynamic completion: the shell asks tcfg at each TAB; key names come
/// from the registry, cluster names from the config file.
#[test]
fn keys_and_clusters_complete_in_the_shell() {
    let bin = assert_cmd::cargo::cargo_bin("tcfg");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        "etcdConfigs:\n  - name: us-east\n    endpoints: [a:1]\n  - name: eu-west\n    endpoints: [b:1]\n",
    )
    .unwrap();
    // Through bash, as a user's shell runs it.
    let script = format!(
        "source <(COMPLETE=bash {bin}); complete_words() {{ COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=(); _clap_complete_tcfg tcfg \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"; }}; complete_words tcfg get frontend.namespaceR; echo --; complete_words tcfg edit matching.numTaskqueueRe; echo --; complete_words tcfg --cluster ''",
        bin = bin.display()
    );
    let o = tcfg_bare_cmd("bash")
        .args(["-c", &script])
        .env("TCFG_CONFIG", &config)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let parts: Vec<Vec<&str>> = out.split("--\n").map(|p| p.lines().collect()).collect();
    assert!(
        parts[0].contains(&"frontend.namespaceRPS"),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(parts[0].iter().all(|k| k.starts_with("frontend.namespaceR")), "{out}");
    assert!(parts[1].contains(&"matching.numTaskqueueReadPartitions"), "{out}");
    assert_eq!(parts[2], ["us-east", "eu-west"], "{out}");
}

/// A command with the environment tcfg's tests give it (no TCFG_*, ETCD*).
fn tcfg_bare_cmd(program: &str) -> std::process::Command {
    let mut c = std::process::Command::new(program);
    for (k, _) in std::env::vars() {
        if k.starts_with("TCFG_") || k.starts_with("ETCD") || k == "COMPLETE" {
            c.env_remove(k);
        }
    }
    c
}
