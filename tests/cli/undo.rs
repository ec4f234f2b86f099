//! `revert` and `rollback` against real etcd: undoing a change from its
//! record or from etcd's history, and refusing what would lose a later one.

use crate::common::*;
use crate::history::records;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_undoes_one_change_and_refuses_over_later_ones() {
    let cluster = EtcdCluster::single();
    let put = |key: &str, v: &str, m: &str| {
        tcfg(&cluster)
            .env("USER", "alice")
            .args(["put", key, v, "--yes", "-m", m])
            .assert()
            .code(0);
    };
    put("frontend.rps", "100", "one");
    let one = revision(&cluster).await;
    put("frontend.rps", "200", "two");
    let two = revision(&cluster).await;
    put("limit.maxIDLength", "300", "three");
    let three = revision(&cluster).await;
    // A key that did not exist before the change is deleted by its revert.
    tcfg(&cluster)
        .args(["revert", &three.to_string(), "--dry-run"])
        .assert()
        .code(2);
    tcfg(&cluster)
        .args(["revert", &three.to_string(), "--yes"])
        .assert()
        .code(0);
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}limit.maxIDLength")).await, None);
    let r = records(&cluster, HISTORY).await;
    let rec = &r.last().unwrap().1;
    assert_eq!(rec["command"]["verb"], "revert");
    assert_eq!(rec["command"]["reverts"], three);
    assert_eq!(rec["message"], format!("revert of {three}"));
    // A change whose key changed again after it is refused, naming the later one.
    tcfg(&cluster)
        .args(["revert", &one.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!("revision {two} by alice@"))
                .and(predicate::str::contains(": two"))
                .and(predicate::str::contains("--force")),
        );
    assert!(stored_text(&cluster, "frontend.rps").await.contains("200"));
    // --force: back to before `one` (the key did not exist).
    tcfg(&cluster)
        .args(["revert", &one.to_string(), "--yes", "--force"])
        .assert()
        .code(0);
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}frontend.rps")).await, None);
    // The value restored of a change: `two` put 200 over 100.
    tcfg(&cluster)
        .args(["revert", &two.to_string(), "--yes", "--force", "-m", "bring 100 back"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 100\n");
    tcfg(&cluster)
        .args(["revert", "99999", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("past etcd's current revision"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_from_etcd_history_or_from_records_after_compaction() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let put = |key: &str, v: &str| {
        tcfg(&cluster).args(["put", key, v, "--yes"]).assert().code(0);
    };
    put("frontend.rps", "100");
    put("limit.maxIDLength", "300");
    let base = revision(&cluster).await;
    put("frontend.rps", "200");
    put("matching.numTaskqueueReadPartitions", "512");
    tcfg(&cluster)
        .args(["delete", "limit.maxIDLength", "--all", "--yes"])
        .assert()
        .code(0);
    // Dry run and a saved plan, then one key only.
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--dry-run"])
        .assert()
        .code(2);
    let plan = dir.path().join("back.plan");
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--out"])
        .arg(&plan)
        .assert()
        .code(2);
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "frontend.rps", "--yes"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 100\n");
    assert!(stored_text(&cluster, "matching.numTaskqueueReadPartitions")
        .await
        .contains("512"));
    let r = records(&cluster, HISTORY).await;
    assert_eq!(r.last().unwrap().1["command"]["rollback_to"], base);
    // The saved plan is now stale (frontend.rps moved): apply refuses it.
    tcfg(&cluster).arg("apply").arg(&plan).arg("--yes").assert().code(1);

    // After a compaction the records tell the values; a key another tool
    // changed (no record) cannot be told and is named.
    let mut c = cluster.client().await;
    c.compact(revision(&cluster).await, None).await.unwrap();
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--yes"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "limit.maxIDLength").await, "- value: 300\n");
    assert_eq!(
        raw_get(&cluster, &format!("{PREFIX}matching.numTaskqueueReadPartitions")).await,
        None
    );
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 100\n");
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.globalNamespaceRPS"),
        "- value: 5\n",
    )
    .await;
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 999\n").await;
    c.compact(revision(&cluster).await, None).await.unwrap();
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("frontend.globalNamespaceRPS: another tool changed it")
                .and(predicate::str::contains("nothing written")),
        );
    // frontend.rps: its first record after the target still tells its value.
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "frontend.rps", "--yes"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 100\n");
    // Another tool wrote a key after the target and tcfg later changed it:
    // tcfg's record holds the other tool's value, not the target's.
    let target = revision(&cluster).await;
    raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 777\n").await;
    let unrecorded = revision(&cluster).await;
    put("limit.maxIDLength", "888");
    c.compact(revision(&cluster).await, None).await.unwrap();
    tcfg(&cluster)
        .args(["rollback", "--to", &target.to_string(), "limit.maxIDLength", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "limit.maxIDLength: the value tcfg's record at {} replaced was written at revision {unrecorded}",
            unrecorded + 1
        )));
    assert_eq!(stored_text(&cluster, "limit.maxIDLength").await, "- value: 888\n");
    // By time: the records' times; before any record there is nothing to go back to.
    tcfg(&cluster)
        .args(["rollback", "--to-time", "2020-01-01T00:00:00Z", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no change record at or before"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_refuses_over_a_later_delete_by_tcfg_or_another_tool() {
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}frontend.namespaceCount");
    let put = |v: &str| {
        tcfg(&cluster)
            .env("USER", "alice")
            .args(["put", "frontend.namespaceCount", v, "--yes", "-m", "raise"])
            .assert()
            .code(0);
    };
    put("50");
    put("80");
    let r = revision(&cluster).await;
    tcfg(&cluster)
        .env("USER", "bob")
        .args([
            "delete",
            "frontend.namespaceCount",
            "--all",
            "--yes",
            "-m",
            "incident 7",
        ])
        .assert()
        .code(0);
    let deleted = revision(&cluster).await;
    // The delete is a later change: named, and nothing written; a dry run
    // refuses as the write would, rather than showing a plan.
    tcfg(&cluster)
        .args(["revert", &r.to_string(), "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("revision {deleted} by bob@")));
    tcfg(&cluster)
        .args(["revert", &r.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!("revision {deleted} by bob@"))
                .and(predicate::str::contains("incident 7"))
                .and(predicate::str::contains("--force")),
        );
    assert_eq!(raw_get(&cluster, &key).await, None);

    // The same for a delete by another tool (no record), while etcd keeps it.
    put("90");
    let r = revision(&cluster).await;
    raw_delete(&cluster, &key).await;
    let deleted = revision(&cluster).await;
    tcfg(&cluster)
        .args(["revert", &r.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "revision {deleted} by another tool (no record)"
        )));
    assert_eq!(raw_get(&cluster, &key).await, None);
    // Past compaction a recorded delete still names itself.
    put("95");
    put("96");
    let r = revision(&cluster).await;
    tcfg(&cluster)
        .env("USER", "carol")
        .args([
            "delete",
            "frontend.namespaceCount",
            "--all",
            "--yes",
            "-m",
            "incident 8",
        ])
        .assert()
        .code(0);
    let mut c = cluster.client().await;
    c.compact(revision(&cluster).await, None).await.unwrap();
    tcfg(&cluster)
        .args(["revert", &r.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("by carol@").and(predicate::str::contains("incident 8")));
    assert_eq!(raw_get(&cluster, &key).await, None);
    // --force: the later delete is overwritten, after being shown.
    tcfg(&cluster)
        .args(["revert", &r.to_string(), "--yes", "--force"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("incident 8"));
    assert_eq!(stored_text(&cluster, "frontend.namespaceCount").await, "- value: 95\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_over_a_later_delete_restores_it_or_names_it() {
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}frontend.namespaceCount");
    let put = |v: &str| {
        tcfg(&cluster)
            .args(["put", "frontend.namespaceCount", v, "--yes"])
            .assert()
            .code(0);
    };
    put("50");
    let base = revision(&cluster).await;
    put("60");
    raw_delete(&cluster, &key).await;
    // etcd's history holds the state at `base`: the deleted key comes back.
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--yes"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "frontend.namespaceCount").await, "- value: 50\n");
    // Past compaction, a delete by another tool leaves no trace to tell the
    // value at the target: named, nothing written.
    put("70");
    let base = revision(&cluster).await;
    raw_delete(&cluster, &key).await;
    let mut c = cluster.client().await;
    c.compact(revision(&cluster).await, None).await.unwrap();
    tcfg(&cluster)
        .args(["rollback", "--to", &base.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("frontend.namespaceCount:")
                .and(predicate::str::contains("deleted by another tool"))
                .and(predicate::str::contains("nothing written")),
        );
    assert_eq!(raw_get(&cluster, &key).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_record_is_shown_unverified_and_never_undone() {
    let cluster = EtcdCluster::single();
    let put = |v: &str| {
        tcfg(&cluster)
            .args(["put", "frontend.rps", v, "--yes", "-m", "real"])
            .assert()
            .code(0);
    };
    put("2400");
    // Anyone who may write the history prefix copies a record and says the
    // change was from 1: etcd shows no config change at its revision.
    let (_, mut forged) = records(&cluster, HISTORY).await.pop().unwrap();
    forged["keys"][0]["old"] = serde_json::json!("- value: 1\n");
    forged["message"] = serde_json::json!("forged");
    let at = raw_put(&cluster, &format!("{HISTORY}9999-forged"), &forged.to_string()).await;
    tcfg(&cluster)
        .args(["show", &at.to_string()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("UNVERIFIED"));
    tcfg(&cluster)
        .args(["log", "-o", "json"])
        .assert()
        .stdout(predicate::str::contains("\"verified\": false"));
    tcfg(&cluster)
        .args(["revert", &at.to_string(), "--yes", "--force"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not backed by etcd's history"));
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 2400\n");
    // Past compaction the record cannot be checked against events: the
    // key's value is older than the record, so the record is not believed.
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 5\n").await;
    let mut c = cluster.client().await;
    c.compact(revision(&cluster).await, None).await.unwrap();
    let o = tcfg(&cluster)
        .args(["revert", &at.to_string(), "--yes", "--force"])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("frontend.rps is not restored: the record says revision"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 2400\n");
    // Changed since: the next record replaced a value written before the
    // forged one's revision, which contradicts it, for revert and rollback.
    put("2500");
    let o = tcfg(&cluster)
        .args(["revert", &at.to_string(), "--yes", "--force"])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("the next recorded change of it replaced a value written at revision"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 2500\n");
    let o = tcfg(&cluster)
        .args(["rollback", "--to", &(at - 1).to_string(), "frontend.rps", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("+- value: 2400"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("value: 1\n"), "{}", stdout(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_to_a_time_brings_back_a_key_deleted_after_it() {
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}frontend.namespaceCount");
    tcfg(&cluster)
        .args(["put", "frontend.namespaceCount", "50", "--yes"])
        .assert()
        .code(0);
    // The time of that change, as its record has it.
    let (_, put) = records(&cluster, HISTORY).await.pop().unwrap();
    let at = put["time"].as_str().unwrap().to_string();
    tcfg(&cluster)
        .args(["delete", "frontend.namespaceCount", "--all", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster).args(["rollback", "--to", &at, "--yes"]).assert().code(0);
    assert_eq!(stored_text(&cluster, "frontend.namespaceCount").await, "- value: 50\n");
    // A delete by another tool has no time: which side of a time it falls
    // on is not known, so the time is refused, naming its revision.
    let (_, put) = records(&cluster, HISTORY).await.pop().unwrap();
    let at = put["time"].as_str().unwrap().to_string();
    raw_delete(&cluster, &key).await;
    let gone = revision(&cluster).await;
    tcfg(&cluster)
        .args(["rollback", "--to", &at, "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("at revision {gone}")));
    assert_eq!(raw_get(&cluster, &key).await, None);
}
