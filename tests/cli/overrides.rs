//! Incident overrides against real etcd, with short durations: restored by
//! `expire` once due, superseded by a later write and left alone, extended,
//! ended early, removals restored, one override per item, and two expirers
//! restoring once.

use crate::common::*;

use std::time::Duration;

use tcfg_testkit::EtcdCluster;

const KEY: &str = "frontend.namespaceRPS";

async fn with_base(cluster: &EtcdCluster) {
    raw_put(
        cluster,
        &format!("{PREFIX}{KEY}"),
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
    )
    .await;
}

/// The overrides in force, as `overrides -o json` lists them.
fn overrides(cluster: &EtcdCluster) -> Vec<serde_json::Value> {
    let o = tcfg(cluster).args(["overrides", "-o", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Run `tcfg expire` until it ends something (the override comes due);
/// its stderr.
fn expire_when_due(cluster: &EtcdCluster) -> String {
    let mut said = String::new();
    tcfg_testkit::wait_until(Duration::from_secs(20), "an override to come due", || {
        let o = tcfg(cluster).arg("expire").output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        said = stderr(&o);
        !said.contains("is due")
    });
    said
}

async fn stored(cluster: &EtcdCluster) -> String {
    raw_get(cluster, &format!("{PREFIX}{KEY}"))
        .await
        .map(|(v, _)| v)
        .unwrap_or_default()
}

fn put_for(cluster: &EtcdCluster, value: &str, lasting: &str) -> i64 {
    let o = tcfg(cluster)
        .args(["put", KEY, value, "--namespace", "payments", "--for", lasting])
        .args(["-m", "INC-42 payments backlog", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("an override of frontend.namespaceRPS"),
        "{}",
        stderr(&o)
    );
    let list = overrides(cluster);
    list.last().unwrap()["revision"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_is_a_normal_write_restored_by_expire_once_due() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "2s");
    // Every reader sees a normal value.
    assert!(stored(&cluster).await.contains("value: 8000"));
    let list = overrides(&cluster);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["value"], "8000");
    assert_eq!(list[0]["restores"], "4000");
    assert_eq!(list[0]["scope"], "{namespace: payments}");
    assert_eq!(list[0]["message"], "INC-42 payments backlog");
    // Not due yet: nothing happens.
    let o = tcfg(&cluster).arg("expire").output().unwrap();
    assert!(
        stderr(&o).contains("no override under /temporal/dynamicconfig/ is due"),
        "{}",
        stderr(&o)
    );
    assert!(stored(&cluster).await.contains("value: 8000"));
    let said = expire_when_due(&cluster);
    assert!(
        said.contains("restored frontend.namespaceRPS {namespace: payments} to 4000"),
        "{said}"
    );
    assert_eq!(
        stored(&cluster).await,
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n"
    );
    assert!(overrides(&cluster).is_empty());
    // Once: a second expire finds nothing due.
    let o = tcfg(&cluster).arg("expire").output().unwrap();
    assert!(stderr(&o).contains("is due"), "{}", stderr(&o));
    // The log tells the override and its end, by tcfg expire.
    let log = stdout(&tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap());
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let entries = log["changes"].as_array().unwrap();
    let restore = &entries[0];
    assert_eq!(restore["record"]["command"]["restores"], rev, "{log}");
    assert_eq!(restore["record"]["author"]["os_user"], "tcfg expire", "{log}");
    assert!(restore["record"]["message"]
        .as_str()
        .unwrap()
        .contains(&format!("override {rev} (INC-42 payments backlog)")));
    // The override's own record carries its end and what its end restores.
    assert!(entries[1]["record"]["command"]["ends"].is_string(), "{log}");
    assert_eq!(
        entries[1]["record"]["command"]["restore_item"], "- value: 4000\n  constraints:\n    namespace: payments\n",
        "{log}"
    );
    let table = stdout(&tcfg(&cluster).args(["log", "-n", "2"]).output().unwrap());
    assert!(table.contains(&format!("(restores override {rev})")), "{table}");
    assert!(table.contains("(override until "), "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_changed_since_supersedes_the_override_and_is_left_alone() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "2s");
    tcfg(&cluster)
        .args([
            "put",
            KEY,
            "6000",
            "--namespace",
            "payments",
            "--yes",
            "-m",
            "settle at 6000",
        ])
        .assert()
        .code(0);
    let said = expire_when_due(&cluster);
    assert!(
        said.contains(&format!("override {rev} of frontend.namespaceRPS")),
        "{said}"
    );
    assert!(said.contains("superseded: the item holds 6000"), "{said}");
    assert!(stored(&cluster).await.contains("value: 6000"));
    assert!(overrides(&cluster).is_empty());
    let table = stdout(&tcfg(&cluster).args(["log", "-n", "1"]).output().unwrap());
    assert!(
        table.contains(&format!("override {rev} superseded: nothing restored")),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_extended_outlives_its_first_end_and_one_ended_early_restores_now() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "2s");
    let first_end = std::time::SystemTime::now() + Duration::from_secs(3);
    tcfg(&cluster)
        .args(["overrides", "extend", &rev.to_string(), "--for", "1h"])
        .args(["-m", "INC-42 still open", "--yes"])
        .assert()
        .code(0);
    tcfg_testkit::wait_until(Duration::from_secs(20), "the first end to pass", || {
        std::time::SystemTime::now() > first_end
    });
    let o = tcfg(&cluster).arg("expire").output().unwrap();
    assert!(stderr(&o).contains("is due"), "{}", stderr(&o));
    assert!(stored(&cluster).await.contains("value: 8000"));
    let list = overrides(&cluster);
    assert!(list[0]["ends_in_seconds"].as_i64().unwrap() > 3000, "{list:?}");
    // The extension is in the log.
    let table = stdout(&tcfg(&cluster).args(["log", "-n", "1"]).output().unwrap());
    assert!(table.contains(&format!("override {rev} now ends")), "{table}");
    // Ended early: restored now.
    let o = tcfg(&cluster)
        .args(["overrides", "end", &rev.to_string(), "--yes", "-m", "INC-42 resolved"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("restored frontend.namespaceRPS"), "{}", stderr(&o));
    assert!(stored(&cluster).await.contains("value: 4000"));
    assert!(overrides(&cluster).is_empty());
    // An override no longer in force is named so.
    let o = tcfg(&cluster)
        .args(["overrides", "end", &rev.to_string(), "--yes", "-m", "again"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("no override {rev} is in force")),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_for_a_while_comes_back_and_a_second_override_restores_the_first_ones_value() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let o = tcfg(&cluster)
        .args([
            "delete",
            KEY,
            "--namespace",
            "payments",
            "--for",
            "1h",
            "-m",
            "INC-43 shed",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stored(&cluster).await.contains("payments"));
    // A second override of the same item takes over: ending it brings back
    // what was there before the first.
    put_for(&cluster, "9000", "1h");
    let list = overrides(&cluster);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["restores"], "4000");
    let rev = list[0]["revision"].as_i64().unwrap();
    tcfg(&cluster)
        .args(["overrides", "end", &rev.to_string(), "--yes"])
        .assert()
        .code(0);
    assert_eq!(
        stored(&cluster).await,
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n"
    );
}

#[test]
fn an_override_needs_a_message_one_item_and_a_future_end() {
    for (args, says) in [
        (&["put", KEY, "1", "--for", "1h", "--yes"][..], "needs -m"),
        (&["put", KEY, "-f", "x.yaml", "--for", "1h", "-m", "m"], "not -f"),
        (&["delete", KEY, "--all", "--for", "1h", "-m", "m"], "not --all"),
        (
            &["put", KEY, "1", "--until", "2001-01-01T00:00:00Z", "-m", "m"],
            "is past",
        ),
        (&["put", KEY, "1", "--for", "0s", "-m", "m"], "at least 1s"),
    ] {
        let o = tcfg_at("127.0.0.1:1").args(args).output().unwrap();
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_expirers_at_once_restore_once() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "1s");
    let due = std::time::SystemTime::now() + Duration::from_secs(2);
    tcfg_testkit::wait_until(Duration::from_secs(20), "the override to come due", || {
        std::time::SystemTime::now() > due
    });
    let spawn = || {
        tcfg_process(&cluster)
            .arg("expire")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let restores = [stderr(&a), stderr(&b)]
        .iter()
        .filter(|s| s.contains("restored frontend.namespaceRPS"))
        .count();
    assert_eq!(restores, 1, "{}\n{}", stderr(&a), stderr(&b));
    let log = stdout(&tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap());
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let entries = log["changes"].as_array().unwrap();
    let ends = entries
        .iter()
        .filter(|e| e["record"]["command"]["restores"] == rev)
        .count();
    assert_eq!(ends, 1, "{log}");
}

/// The scraped value of the leader gauge of the expirer serving `addr`.
fn leads(addr: &str) -> Option<bool> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).ok()?;
    write!(c, "GET /metrics HTTP/1.0\r\n\r\n").ok()?;
    let mut reply = String::new();
    c.read_to_string(&mut reply).ok()?;
    let line = reply.lines().find(|l| l.starts_with("tcfg_expirer_leader "))?;
    Some(line.ends_with(" 1"))
}

/// Two `expire --follow`: one leads and restores within a second of the
/// end, once; killed with SIGKILL, the other takes over when its lease ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_followers_restore_once_and_the_other_takes_over_from_a_killed_leader() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let addrs = [free_addr(), free_addr()];
    let mut followers: Vec<Spawned> = addrs
        .iter()
        .map(|addr| {
            tcfg_process(&cluster)
                .args(["expire", "--follow", "--lease", "2s", "--metrics-addr", addr])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn_killed()
        })
        .collect();
    let mut leader = 0;
    tcfg_testkit::wait_until(Duration::from_secs(20), "one follower to lead", || {
        let said: Vec<Option<bool>> = addrs.iter().map(|a| leads(a)).collect();
        match said.as_slice() {
            [Some(true), Some(false)] => leader = 0,
            [Some(false), Some(true)] => leader = 1,
            _ => return false,
        }
        true
    });
    let rev = put_for(&cluster, "8000", "2s");
    let ends = overrides(&cluster)[0]["ends"].as_str().unwrap().to_string();
    let ends = humantime::parse_rfc3339(&ends).unwrap();
    tcfg_testkit::wait_until(Duration::from_secs(20), "the restore", || {
        overrides(&cluster).is_empty()
    });
    let late = std::time::SystemTime::now().duration_since(ends).unwrap_or_default();
    // Within a second or so (a check every half second), with room for a
    // loaded machine.
    assert!(late < Duration::from_secs(4), "restored {late:?} after the end");
    assert!(stored(&cluster).await.contains("value: 4000"));
    let restores = |rev: i64| {
        let log = stdout(&tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap());
        let log: serde_json::Value = serde_json::from_str(&log).unwrap();
        log["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["record"]["command"]["restores"] == rev)
            .count()
    };
    assert_eq!(restores(rev), 1);
    // The leader dies without a word; the other leads once the lease ends.
    unsafe { libc::kill(followers[leader].id() as i32, libc::SIGKILL) };
    let _ = followers[leader].wait();
    let other = 1 - leader;
    let rev = put_for(&cluster, "9000", "1s");
    tcfg_testkit::wait_until(Duration::from_secs(20), "the other to lead and restore", || {
        overrides(&cluster).is_empty()
    });
    assert_eq!(leads(&addrs[other]), Some(true));
    assert_eq!(restores(rev), 1);
    assert!(stored(&cluster).await.contains("value: 4000"));
    // SIGTERM: it steps down and ends cleanly.
    unsafe { libc::kill(followers[other].id() as i32, libc::SIGTERM) };
    let status = followers[other].wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// `get` marks an item under override; `status` lists overrides, and exits
/// 2 when one stands more than a minute past its end (no expirer runs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_and_status_show_overrides_and_status_names_an_overdue_one() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "1h");
    let o = tcfg(&cluster).args(["get", KEY]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{KEY} {{namespace: payments}} is under override {rev} by ")),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("(then 4000): INC-42 payments backlog"),
        "{}",
        stderr(&o)
    );
    let o = tcfg(&cluster).arg("status").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("INC-42 payments backlog"), "{}", stdout(&o));
    // An override two minutes past its end: nothing is ending them.
    let ends = humantime::format_rfc3339_seconds(std::time::SystemTime::now() - Duration::from_secs(120));
    let entry = serde_json::json!({
        "format": 1, "key": "frontend.rps", "etcd_key": format!("{PREFIX}frontend.rps"),
        "scope": "{}", "set": "- value: 9\n", "restore": null, "ends": ends.to_string(),
        "author": {"os_user": "bob"}, "message": "forgotten",
    });
    raw_put(
        &cluster,
        "/temporal/dynamicconfig.overrides/2026-12-06T00:00:00Z-00000000",
        &entry.to_string(),
    )
    .await;
    let o = tcfg(&cluster).args(["status", "-o", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("past its end: no expirer is running"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let listed = v["prefixes"][0]["state"]["overrides"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{v}");
    assert!(listed.iter().any(|o| o["overdue_seconds"].as_u64().unwrap() >= 120));
}

/// A freeze refuses every writing command, naming it; --break-freeze -m
/// goes ahead and is recorded; the end of an override proceeds; status
/// shows it; unfreeze lifts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freeze_refuses_every_writer_but_yields_to_break_freeze_and_to_override_ends() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let dir = tempfile::tempdir().unwrap();
    let rev = put_for(&cluster, "8000", "1h");
    let doc = file(&dir, "p.yaml", "frontend.rps:\n  - value: 77\n");
    tcfg(&cluster)
        .args(["freeze", "--for", "1h", "-m", "release REL-7", "--yes"])
        .assert()
        .code(0);
    let first = raw_get(&cluster, &format!("{PREFIX}{KEY}")).await;
    let sync_to = "/other/temporal/dynamicconfig/";
    for args in [
        vec!["put", "frontend.rps", "5", "--yes"],
        vec!["delete", KEY, "--namespace", "payments", "--yes"],
        vec!["apply", "-f", doc.to_str().unwrap(), "--yes"],
        vec!["revert", &rev.to_string(), "--yes", "--force"],
        vec!["rollback", "--to", "1", "--yes"],
        vec!["put", "frontend.rps", "5", "--for", "1h", "-m", "m", "--yes"],
        vec!["edit", KEY, "--yes"],
    ] {
        // An editor that would change nothing, should one open.
        let o = tcfg(&cluster).env("EDITOR", "true").args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is frozen until") && stderr(&o).contains("release REL-7"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}{KEY}")).await, first);
    // A frozen target refuses a sync into it too.
    let o = tcfg(&cluster)
        .args(["--prefix", sync_to, "freeze", "--for", "1h", "-m", "theirs", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = tcfg(&cluster)
        .args([
            "sync",
            "--prefixes",
            &format!("{PREFIX},{sync_to}"),
            "--yes",
            "--break-freeze",
        ])
        .output()
        .unwrap();
    assert!(stderr(&o).contains("--break-freeze needs -m"), "{}", stderr(&o));
    let o = tcfg(&cluster)
        .args(["sync", "--prefixes", &format!("{PREFIX},{sync_to}"), "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("frozen until"), "{}", stderr(&o));
    // Status shows it.
    let o = tcfg(&cluster).arg("status").output().unwrap();
    assert!(
        stderr(&o).contains("is frozen until") && stderr(&o).contains("release REL-7"),
        "{}",
        stderr(&o)
    );
    // Breaking it is recorded.
    tcfg(&cluster)
        .args(["put", "frontend.rps", "5", "--yes", "--break-freeze", "-m", "INC-9"])
        .assert()
        .code(0);
    let log = stdout(&tcfg(&cluster).args(["log", "-o", "json", "-n", "1"]).output().unwrap());
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(log["changes"][0]["record"]["command"]["breaks_freeze"], true, "{log}");
    // An override ends during a freeze.
    tcfg(&cluster)
        .args(["overrides", "end", &rev.to_string(), "--yes"])
        .assert()
        .code(0);
    assert!(stored(&cluster).await.contains("value: 4000"));
    tcfg(&cluster)
        .args(["unfreeze", "-m", "shipped", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["put", "frontend.rps", "6", "--yes"])
        .assert()
        .code(0);
}

/// `watch` marks an override as it lands, and its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_marks_an_override_and_its_end() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let w = Watch::start(&cluster.endpoints(), &[]);
    w.expect("ready", |v| v["type"] == "ready");
    let rev = put_for(&cluster, "8000", "1h");
    let line = w.expect("the override", |v| v["type"] == "change" && v["revision"] == rev);
    assert!(line["override_ends"].is_string(), "{line}");
    tcfg(&cluster)
        .args(["overrides", "end", &rev.to_string(), "--yes"])
        .assert()
        .code(0);
    let line = w.expect("its end", |v| v["type"] == "change" && v["ends_override"] == rev);
    assert_eq!(
        line["author"].as_str().map(|a| a.starts_with("tcfg expire")),
        Some(false),
        "{line}"
    );
}

/// A freeze of the whole etcd cluster, made through any prefix on it,
/// refuses writes to every prefix (an edit and a sync among them); status
/// shows it on each; unfreezing one prefix leaves it and says so;
/// `unfreeze --whole-cluster` lifts it. A prefix that would hold the
/// cluster's entry cannot write it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_cluster_freeze_stops_every_prefix_on_it() {
    use std::os::unix::fs::PermissionsExt;
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let dir = tempfile::tempdir().unwrap();
    let staging = "/staging/";
    let editor = dir.path().join("editor.sh");
    let opened = dir.path().join("opened");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\necho opened >> {}\nsed -i 's/value: 4000$/value: 4100/' \"$1\"\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = tcfg(&cluster)
        .args(["--prefix", staging, "freeze", "--whole-cluster", "--for", "1h"])
        .args(["-m", "etcd upgrade", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("freeze every prefix on"), "{}", stdout(&o));
    let before = raw_get(&cluster, &format!("{PREFIX}{KEY}")).await;
    for (prefix, args) in [
        (PREFIX, vec!["put", "frontend.rps", "5", "--yes"]),
        (staging, vec!["put", "frontend.rps", "5", "--yes"]),
        (PREFIX, vec!["edit", KEY, "--yes"]),
        (
            staging,
            vec!["sync", "--prefixes", &format!("{PREFIX},{staging}"), "--yes"],
        ),
    ] {
        let o = tcfg(&cluster)
            .env("EDITOR", &editor)
            .args(["--prefix", prefix])
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("its etcd cluster (every prefix on it) is frozen") && err.contains("etcd upgrade"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}{KEY}")).await, before);
    assert_eq!(raw_get(&cluster, &format!("{staging}frontend.rps")).await, None);
    // The edit was refused before its editor opened: no work lost in it.
    assert!(!opened.exists());
    // A dry run of an edit shows its diff and what the write would meet.
    let o = tcfg(&cluster)
        .env("EDITOR", &editor)
        .args(["edit", KEY, "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("+- value: 4100"), "{}", stdout(&o));
    assert_eq!(
        stderr(&o).matches("this write would be refused").count(),
        1,
        "{}",
        stderr(&o)
    );
    // A write is refused before it asks (not after a yes); a dry run (a CI
    // review) says what the write would meet, and exits 2 as ever.
    let o = tcfg(&cluster).args(["put", "frontend.rps", "7"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is frozen until") && !stderr(&o).contains("--yes"),
        "{}",
        stderr(&o)
    );
    let doc = file(&dir, "p.yaml", "frontend.rps:\n  - value: 77\n");
    for args in [
        vec!["apply", "-f", doc.to_str().unwrap(), "--dry-run"],
        vec!["put", "frontend.rps", "7", "--dry-run"],
    ] {
        let o = tcfg(&cluster).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("without --break-freeze -m this write would be refused")
                && stderr(&o).contains("dry run: nothing written"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // Status shows it on each prefix.
    let o = tcfg(&cluster)
        .args(["status", "--prefixes", &format!("{PREFIX},{staging}")])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&o).matches("frozen (its whole etcd cluster) until").count(),
        2,
        "{}",
        stderr(&o)
    );
    // A prefix's unfreeze is not the cluster's.
    let o = tcfg(&cluster).args(["unfreeze", "-m", "x", "--yes"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is not frozen: nothing to write")
            && stderr(&o).contains("its etcd cluster is frozen until")
            && stderr(&o).contains("unfreeze --whole-cluster"),
        "{}",
        stderr(&o)
    );
    // Breaking it is recorded; the freeze is in the log of the prefix that made it.
    tcfg(&cluster)
        .args(["put", "frontend.rps", "5", "--yes", "--break-freeze", "-m", "INC-9"])
        .assert()
        .code(0);
    let o = tcfg(&cluster).args(["--prefix", staging, "log"]).output().unwrap();
    assert!(stdout(&o).contains("whole cluster, until"), "{}", stdout(&o));
    // Its entry is no prefix's key: a prefix over it cannot write it.
    let o = tcfg(&cluster)
        .args(["--prefix", "/tcfg/", "unfreeze", "--whole-cluster", "-m", "x", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("where tcfg writes only dynamic config"),
        "{}",
        stderr(&o)
    );
    tcfg(&cluster)
        .args([
            "--prefix",
            staging,
            "unfreeze",
            "--whole-cluster",
            "-m",
            "upgraded",
            "--yes",
        ])
        .assert()
        .code(0);
    assert_eq!(raw_get(&cluster, "/tcfg/freeze/current").await, None);
    tcfg(&cluster)
        .args(["--prefix", staging, "put", "frontend.rps", "6", "--yes"])
        .assert()
        .code(0);
}

/// Where overrides meet the rest: a dry run writes neither the value nor
/// the entry; a key stored in another spelling is overridden and restored
/// under its registered one; a sync copies the raised value but not the
/// override (the target keeps it until a sync after the end); a renderer
/// following the prefix shows the override and then the restore, made and
/// reported during a freeze of the whole cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_override_meets_dry_runs_spellings_syncs_and_renderers() {
    let cluster = EtcdCluster::single();
    let lower = format!("{PREFIX}frontend.namespacerps");
    raw_put(
        &cluster,
        &lower,
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let rendered = dir.path().join("dynamicconfig.yaml");
    let _renderer = crate::render_follow::follower(&cluster, &rendered, &[]);
    tcfg_testkit::wait_until(Duration::from_secs(20), "the first render", || {
        std::fs::read_to_string(&rendered).is_ok_and(|t| t.contains("4000"))
    });
    // A dry run: nothing, the entry with it.
    let o = tcfg(&cluster)
        .args(["put", KEY, "8000", "--namespace", "payments", "--for", "1h"])
        .args(["-m", "INC-42", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(overrides(&cluster).is_empty());
    assert!(raw_get(&cluster, &lower).await.is_some());
    // The override moves the key to its registered spelling, as any put.
    let rev = put_for(&cluster, "8000", "2s");
    assert_eq!(raw_get(&cluster, &lower).await, None);
    assert!(stored(&cluster).await.contains("value: 8000"));
    tcfg_testkit::wait_until(Duration::from_secs(20), "the renderer showing the override", || {
        std::fs::read_to_string(&rendered).is_ok_and(|t| t.contains("8000"))
    });
    // A sync copies the value, not the override.
    let passive = "/passive/temporal/dynamicconfig/";
    let sync = |dry: bool| {
        let mut c = tcfg(&cluster);
        c.args([
            "sync",
            "--prefixes",
            &format!("{PREFIX},{passive}"),
            "-m",
            "to passive",
            "--yes",
        ]);
        if dry {
            c.arg("--dry-run");
        }
        c.output().unwrap()
    };
    let o = sync(false);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let theirs = || async {
        raw_get(&cluster, &format!("{passive}{KEY}"))
            .await
            .map(|(v, _)| v)
            .unwrap_or_default()
    };
    assert!(theirs().await.contains("value: 8000"), "{}{}", stdout(&o), stderr(&o));
    let o = tcfg(&cluster)
        .args(["--prefix", passive, "overrides", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).trim(), "[]", "{}", stderr(&o));
    // The end restores the source, once, under the registered spelling,
    // even with the whole cluster frozen; the renderer follows, and its
    // record (not a change: no freeze stops it) reaches the restore; the
    // target drifts until the next sync.
    tcfg(&cluster)
        .args(["freeze", "--whole-cluster", "--for", "1h", "-m", "release", "--yes"])
        .assert()
        .code(0);
    let said = expire_when_due(&cluster);
    assert!(said.contains(&format!("override {rev}")), "{said}");
    assert!(stored(&cluster).await.contains("value: 4000"));
    assert_eq!(raw_get(&cluster, &lower).await, None);
    tcfg_testkit::wait_until(Duration::from_secs(20), "the renderer showing the restore", || {
        std::fs::read_to_string(&rendered).is_ok_and(|t| t.contains("4000") && !t.contains("8000"))
    });
    let restored_at = raw_get(&cluster, &format!("{PREFIX}{KEY}")).await.unwrap().1;
    tcfg_testkit::wait_until(Duration::from_secs(20), "the renderer's record at the restore", || {
        let o = tcfg(&cluster).args(["status", "-o", "json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        v["prefixes"][0]["state"]["renderers"][0]["revision"].as_i64() >= Some(restored_at)
    });
    tcfg(&cluster)
        .args(["unfreeze", "--whole-cluster", "-m", "shipped", "--yes"])
        .assert()
        .code(0);
    assert!(theirs().await.contains("value: 8000"));
    assert_eq!(sync(true).status.code(), Some(2));
    assert_eq!(sync(false).status.code(), Some(0));
    assert!(theirs().await.contains("value: 4000"));
}

/// Reverting an override's own write restores the value at once; the
/// override is then superseded (its item changed since), and its end
/// writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reverted_override_ends_superseded_and_writes_nothing() {
    let cluster = EtcdCluster::single();
    with_base(&cluster).await;
    let rev = put_for(&cluster, "8000", "2s");
    tcfg(&cluster)
        .args(["revert", &rev.to_string(), "-m", "wrong key", "--yes"])
        .assert()
        .code(0);
    let reverted = raw_get(&cluster, &format!("{PREFIX}{KEY}")).await.unwrap();
    assert!(reverted.0.contains("value: 4000"));
    // Until its end the listings say it no longer holds.
    assert_eq!(overrides(&cluster)[0]["superseded"], "4000");
    let o = tcfg(&cluster).arg("status").output().unwrap();
    assert!(stdout(&o).contains("8000 (superseded: now 4000)"), "{}", stdout(&o));
    let o = tcfg(&cluster).arg("overrides").output().unwrap();
    assert!(stdout(&o).contains("8000 (superseded: now 4000)"), "{}", stdout(&o));
    let said = expire_when_due(&cluster);
    assert!(said.contains("superseded"), "{said}");
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}{KEY}")).await.unwrap(), reverted);
    assert!(overrides(&cluster).is_empty());
}

/// A named cluster's override lives on that cluster, whatever an etcdctl
/// variable points at: it is listed, and ended, there only; so does its
/// whole-cluster freeze.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_clusters_override_is_kept_and_ended_on_that_cluster() {
    let (us, eu) = (EtcdCluster::single(), EtcdCluster::single());
    with_base(&us).await;
    with_base(&eu).await;
    let dir = tempfile::tempdir().unwrap();
    let config = us_and_eu_config(&dir, &us, &eu);
    let run = |cluster: &str, args: &[&str]| {
        let mut c = tcfg_bare();
        c.arg("--config")
            .arg(&config)
            .args(args)
            .env("ETCDCTL_ENDPOINTS", eu.endpoints())
            .env("TCFG_CLUSTER", cluster);
        with_deadline(assert_cmd::Command::from_std(c)).output().unwrap()
    };
    let o = run(
        "us-east",
        &[
            "put",
            KEY,
            "8000",
            "--namespace",
            "payments",
            "--for",
            "2s",
            "-m",
            "INC-42",
            "--yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = |cluster: &str| -> Vec<serde_json::Value> {
        serde_json::from_str(&stdout(&run(cluster, &["overrides", "-o", "json"]))).unwrap()
    };
    assert_eq!(listed("us-east").len(), 1);
    assert!(listed("eu-west").is_empty());
    tcfg_testkit::wait_until(Duration::from_secs(20), "the override to end", || {
        let o = run("us-east", &["expire"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stderr(&o).contains("restored")
    });
    assert!(raw_get(&us, &format!("{PREFIX}{KEY}"))
        .await
        .unwrap()
        .0
        .contains("value: 4000"));
    assert!(listed("us-east").is_empty());
    // eu-west was never written.
    assert_eq!(raw_get(&eu, &format!("{PREFIX}{KEY}")).await.unwrap().1, 2);
    // A named cluster's whole-cluster freeze is that cluster's: eu-west
    // still takes writes, us-east refuses them.
    let o = run(
        "us-east",
        &["freeze", "--whole-cluster", "--for", "1h", "-m", "upgrade", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run("eu-west", &["put", "frontend.rps", "5", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run("us-east", &["put", "frontend.rps", "5", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("its etcd cluster (every prefix on it) is frozen"),
        "{}",
        stderr(&o)
    );
}
