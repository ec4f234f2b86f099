//! `tcfg edit` with scripted editors: on a terminal with its prompt, the
//! reopening on errors, the ways out that write nothing, and the seams
//! with compare-and-swap, the change review, scopes and dry runs.

use crate::common::*;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

/// A shell script used as the editor: `$1` is the buffer's file.
fn editor(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\nset -e\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

async fn stored(cluster: &EtcdCluster, name: &str) -> Option<String> {
    raw_get(cluster, &format!("{PREFIX}{name}")).await.map(|(v, _)| v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_on_a_terminal_is_shown_confirmed_and_recorded() {
    use tcfg_testkit::pty::Pty;
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args([
            "put",
            "frontend.namespaceRPS",
            "4000",
            "--namespace",
            "payments",
            "--yes",
        ])
        .assert()
        .code(0);
    let seen = dir.path().join("seen.yaml");
    let ed = editor(
        &dir,
        "ed.sh",
        &format!(
            "cp \"$1\" {}\nsed -i 's/value: 4000/value: 4500/' \"$1\"",
            seen.display()
        ),
    );
    let mut c = tcfg_process(&cluster);
    c.env("EDITOR", &ed)
        .args(["edit", "frontend.namespaceRPS", "-m", "INC-9: more for payments"]);
    let mut pty = Pty::spawn(c);
    let shown = pty.expect("[y/N]");
    pty.wait_for_echo(false);
    assert!(
        shown.contains("+    namespace: payments") || shown.contains("-- value: 4000"),
        "{shown}"
    );
    assert!(shown.contains("+- value: 4500"), "{shown}");
    pty.send(b"y");
    let (status, shown) = pty.wait();
    assert_eq!(status.code(), Some(0), "{shown}");
    assert!(stored(&cluster, "frontend.namespaceRPS")
        .await
        .unwrap()
        .contains("value: 4500"));
    // The buffer said what the key is.
    let buffer = std::fs::read_to_string(&seen).unwrap();
    assert!(
        buffer.contains("# type: int; precedence: namespace; default: 2400"),
        "{buffer}"
    );
    assert!(buffer.lines().filter(|l| l.starts_with('#')).count() >= 4, "{buffer}");
    // Recorded like every write, with its message.
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    let log = stdout(&o);
    assert!(
        log.contains("INC-9: more for payments") && log.contains("\"edit\""),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_reopen_the_editor_and_an_unchanged_save_ends_it() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes"])
        .assert()
        .code(0);
    let before = prefix_contents(&cluster, PREFIX).await;
    // Always the same wrong value: reopened once with the findings, then
    // saved unchanged: exit 1, nothing written, the editor run twice.
    let runs = dir.path().join("runs");
    let ed = editor(
        &dir,
        "bad.sh",
        &format!(
            "echo run >> {}\nsed -i 's/value: 100$/value: lots/' \"$1\"",
            runs.display()
        ),
    );
    let o = tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "frontend.rps", "--yes"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("saved again without a change") && err.contains("expected an int"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 2);
    assert_eq!(prefix_contents(&cluster, PREFIX).await, before);
    // Fixed on the reopening: written. The reopened buffer leads with the
    // findings.
    let seen = dir.path().join("second.yaml");
    let ed = editor(
        &dir,
        "fix.sh",
        &format!(
            "if grep -q '^# Not written' \"$1\"; then cp \"$1\" {}; sed -i 's/value: lots/value: 300/' \"$1\"; else sed -i 's/value: 100$/value: lots/' \"$1\"; fi",
            seen.display()
        ),
    );
    tcfg(&cluster)
        .env("VISUAL", &ed)
        .env("EDITOR", "false")
        .args(["edit", "frontend.rps", "--yes"])
        .assert()
        .code(0);
    assert_eq!(
        stored(&cluster, "frontend.rps").await.as_deref(),
        Some("- value: 300\n")
    );
    let second = std::fs::read_to_string(&seen).unwrap();
    assert!(second.starts_with("# Not written"), "{second}");
    assert!(second.contains("error[type-mismatch]"), "{second}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_emptied_or_failed_edits_write_nothing() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes"])
        .assert()
        .code(0);
    let before = prefix_contents(&cluster, PREFIX).await;
    let cases = [
        ("true", 0, "unchanged: nothing written"),
        // Only the comments changed: the same items.
        ("sed -i 's/^# type/# TYPE/' \"$1\"", 0, "unchanged: nothing written"),
        (": > \"$1\"", 0, "emptied: nothing written"),
        ("sed -i '/^-/d' \"$1\"", 0, "emptied: nothing written"),
        ("exit 3", 1, "ended with exit status: 3"),
    ];
    for (i, (body, code, says)) in cases.into_iter().enumerate() {
        let ed = editor(&dir, &format!("ed{i}.sh"), body);
        tcfg(&cluster)
            .env("EDITOR", &ed)
            .args(["edit", "frontend.rps", "--yes"])
            .assert()
            .code(code)
            .stderr(predicate::str::contains(says));
    }
    assert_eq!(prefix_contents(&cluster, PREFIX).await, before);
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(log["changes"].as_array().unwrap().len(), 1, "only the put: {log}");
}

/// Where edit meets compare-and-swap, the change review, scopes and dry
/// runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_meets_a_concurrent_write_the_review_a_scope_and_a_dry_run() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes"])
        .assert()
        .code(0);
    // Someone writes the key while the editor is open: nothing written.
    let tcfg_bin = assert_cmd::cargo::cargo_bin("tcfg");
    let ed = editor(
        &dir,
        "race.sh",
        &format!(
            "{} --endpoints {} put frontend.rps 150 --yes >/dev/null 2>&1\nsed -i 's/value: 100$/value: 200/' \"$1\"",
            tcfg_bin.display(),
            cluster.endpoints()
        ),
    );
    tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "frontend.rps", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(
        stored(&cluster, "frontend.rps").await.as_deref(),
        Some("- value: 150\n")
    );

    // The review: read partitions below write partitions strand tasks; the
    // buffer reopens with it, and an unchanged save ends the edit.
    tcfg(&cluster)
        .args(["put", "matching.numTaskqueueReadPartitions", "8", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["put", "matching.numTaskqueueWritePartitions", "8", "--yes"])
        .assert()
        .code(0);
    let ed = editor(&dir, "lower.sh", "sed -i 's/value: 8$/value: 4/' \"$1\"");
    tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "matching.numTaskqueueReadPartitions", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("saved again without a change"));
    assert_eq!(
        stored(&cluster, "matching.numTaskqueueReadPartitions").await.as_deref(),
        Some("- value: 8\n")
    );

    // A scope: that item's value alone; the others stay.
    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "1200", "--yes"])
        .assert()
        .code(0);
    let ed = editor(&dir, "scoped.sh", "printf '4000\\n' > \"$1\"");
    tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "frontend.namespaceRPS", "--namespace", "payments", "--yes"])
        .assert()
        .code(0);
    let text = stored(&cluster, "frontend.namespaceRPS").await.unwrap();
    assert!(
        text.contains("value: 4000") && text.contains("namespace: payments") && text.contains("value: 1200"),
        "{text}"
    );

    // A dry run: the plan on stdout, exit 2, nothing written.
    let ed = editor(&dir, "dry.sh", "sed -i 's/value: 150$/value: 175/' \"$1\"");
    tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "frontend.rps", "--dry-run"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("+- value: 175"));
    assert_eq!(
        stored(&cluster, "frontend.rps").await.as_deref(),
        Some("- value: 150\n")
    );
}

/// Where edit meets two spellings and history: an edit of a key stored in
/// two cases writes the registered spelling and deletes the other in one
/// change, and `revert` brings back the value the registered spelling held
/// (never the second spelling, which would make Temporal's read random again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_respells_a_key_stored_twice_and_reverts_to_one_spelling() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 100\n").await;
    raw_put(&cluster, &format!("{PREFIX}Frontend.RPS"), "- value: 999\n").await;
    let ed = editor(&dir, "ed.sh", "sed -i 's/value: 100$/value: 200/' \"$1\"");
    let o = tcfg(&cluster)
        .env("EDITOR", &ed)
        .args(["edit", "frontend.rps", "--yes", "-m", "one spelling"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("(deleted: another spelling of the key)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        stored(&cluster, "frontend.rps").await.as_deref(),
        Some("- value: 200\n")
    );
    assert_eq!(stored(&cluster, "Frontend.RPS").await, None);
    let rev = revision(&cluster).await;
    tcfg(&cluster)
        .args(["revert", &rev.to_string(), "--yes"])
        .assert()
        .code(0);
    assert_eq!(
        prefix_contents(&cluster, PREFIX).await,
        [(format!("{PREFIX}frontend.rps"), "- value: 100\n".to_string())]
    );
}
