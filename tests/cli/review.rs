//! Every writer reviews its change (`changes::review`): read partitions
//! lowered below write partitions are refused on every path, and reviews
//! come as markdown for pull requests.

use crate::apply::PROD;
use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_lowering_read_partitions_before_write_partitions() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let partitions = |read: u32, write: u32| {
        format!(
            "matching.numTaskqueueReadPartitions:\n  - value: {read}\n    constraints: {{namespace: a, taskQueueName: q}}\nmatching.numTaskqueueWritePartitions:\n  - value: {write}\n    constraints: {{namespace: a, taskQueueName: q}}\n"
        )
    };
    let eight = file(&dir, "eight.yaml", &partitions(8, 8));
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&eight)
        .assert()
        .code(0);
    let at = revision(&cluster).await;
    // Both at once, or read first: refused, nothing written.
    for (read, write) in [(4, 4), (4, 8)] {
        let f = file(&dir, "four.yaml", &partitions(read, write));
        tcfg(&cluster)
            .args(["apply", "--yes", "-f"])
            .arg(&f)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("error[partition-order]"))
            .stderr(predicate::str::contains("the change has an error; nothing written"));
        assert_eq!(revision(&cluster).await, at);
    }
    // Write partitions first, then read partitions: both go through.
    for (read, write) in [(8, 4), (4, 4)] {
        let f = file(&dir, "step.yaml", &partitions(read, write));
        tcfg(&cluster).args(["apply", "--yes", "-f"]).arg(&f).assert().code(0);
    }
    // A tenfold rate is a warning, shown and let through.
    let rps = file(&dir, "rps.yaml", "frontend.rps:\n  - value: 100\n");
    tcfg(&cluster).args(["apply", "--yes", "-f"]).arg(&rps).assert().code(0);
    let rps = file(&dir, "rps.yaml", "frontend.rps:\n  - value: 5000\n");
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&rps)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning[large-change]"))
        .stderr(predicate::str::contains("grows 50.0x, from 100 to 5000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviews_as_markdown_from_diff_apply_and_sync_write_nothing() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let prod = file(&dir, "prod.yaml", PROD);
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&prod)
        .assert()
        .code(0);
    let raised = file(&dir, "raised.yaml", &PROD.replace("- value: 1200", "- value: 1500"));
    let at = revision(&cluster).await;
    for args in [
        &["diff", "-o", "markdown", "-f"][..],
        &["apply", "--dry-run", "-o", "markdown", "-f"][..],
    ] {
        let o = tcfg(&cluster).args(args).arg(&raised).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: changes");
        let md = String::from_utf8(o.stdout).unwrap();
        assert!(md.contains(&format!("### `{PREFIX}`")), "{md}");
        assert!(
            md.contains("**0 to create, 1 to update, 0 to delete** (2 unchanged)"),
            "{md}"
        );
        assert!(
            md.contains("<details><summary><code>frontend.namespaceRPS</code>: update</summary>"),
            "{md}"
        );
        assert!(md.contains("- **everything else: 1200 → 1500**"), "{md}");
        assert!(
            md.contains("- namespace=payments keeps 4000: it has its own item"),
            "{md}"
        );
        assert!(md.contains(&format!("+++ {PREFIX}frontend.namespaceRPS")), "{md}");
    }
    // The same effect for scripts, in diff -o json.
    let o = tcfg(&cluster)
        .args(["diff", "-o", "json", "-f"])
        .arg(&raised)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let effect = &v["changes"][0]["effect"];
    assert_eq!(
        effect,
        &serde_json::json!([
            {"scope": null, "before": 1200, "before_from": "item", "after": 1500, "after_from": "item",
             "changes": true, "own_item": false},
            {"scope": {"namespace": "payments"}, "before": 4000, "before_from": "item", "after": 4000,
             "after_from": "item", "changes": false, "own_item": true}
        ]),
        "{v:#}"
    );
    // A review, never a write: -o markdown without --dry-run is refused.
    tcfg(&cluster)
        .args(["apply", "--yes", "-o", "markdown", "-f"])
        .arg(&raised)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "-o markdown is for reviewing a change: add --dry-run",
        ));
    // sync: one section per target prefix.
    tcfg(&cluster)
        .args(["apply", "--yes", "--prefix", &format!("/other{PREFIX}"), "-f"])
        .arg(&raised)
        .assert()
        .code(0);
    let at_sync = revision(&cluster).await;
    assert!(at_sync > at);
    let o = tcfg(&cluster)
        .args([
            "sync",
            "--prefixes",
            &format!("/other{PREFIX},{PREFIX}"),
            "--dry-run",
            "-o",
            "markdown",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.starts_with("## tcfg sync --dry-run\n"), "{md}");
    assert!(md.contains(&format!("### `{PREFIX} (from /other{PREFIX})`")), "{md}");
    assert!(md.contains("- **everything else: 1200 → 1500**"), "{md}");
    assert_eq!(revision(&cluster).await, at_sync, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_plans_undo_put_and_delete_are_reviewed_like_any_change() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let partitions = |n: u32| {
        format!(
            "matching.numTaskqueueReadPartitions:\n  - value: {n}\nmatching.numTaskqueueWritePartitions:\n  - value: {n}\n"
        )
    };
    let eight = file(&dir, "eight.yaml", &partitions(8));
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&eight)
        .assert()
        .code(0);
    let sixteen = file(&dir, "sixteen.yaml", &partitions(16));
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&sixteen)
        .assert()
        .code(0);
    let raised = revision(&cluster).await;
    // A saved plan that lowers both at once: diff says so and saves it;
    // apply refuses it.
    let plan = dir.path().join("lower.plan");
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&eight)
        .arg("--out")
        .arg(&plan)
        .assert()
        .code(1);
    tcfg(&cluster)
        .arg("apply")
        .arg(&plan)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"))
        .stderr(predicate::str::contains("nothing written"));
    // Reverting the raise lowers both at once too.
    tcfg(&cluster)
        .args(["revert", &raised.to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"));
    tcfg(&cluster)
        .args(["rollback", "--to", &(raised - 1).to_string(), "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"));
    // So are put and delete: one key's change, judged beside the other.
    tcfg(&cluster)
        .args(["put", "matching.numTaskqueueReadPartitions", "4", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"))
        .stderr(predicate::str::contains("nothing written"));
    // A dry run is refused alike: it shows what a write would be, and this
    // one would be refused.
    tcfg(&cluster)
        .args(["put", "matching.numTaskqueueReadPartitions", "4", "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"));
    tcfg(&cluster)
        .args(["delete", "matching.numTaskqueueReadPartitions", "--all", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[partition-order]"));
    assert_eq!(revision(&cluster).await, raised, "nothing written");
    // Lowering the write partitions first is the way, and is written.
    tcfg(&cluster)
        .args(["put", "matching.numTaskqueueWritePartitions", "4", "--yes"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("partition-order").not());
    assert!(revision(&cluster).await > raised);
}
