//! diff, apply and sync against private etcd servers: atomic, conflict-safe,
//! read by exit status.

use crate::common::*;

use std::process::Stdio;

use predicates::prelude::*;
use tcfg_core::changes::commit::{Batching, Change, CommitError};
use tcfg_testkit::EtcdCluster;

pub(crate) const PROD: &str = "frontend.rps:\n  - value: 2400\nfrontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n  - value: 1200\nlimit.maxIDLength:\n  - value: 255\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_apply_diff_is_one_revision_then_no_change() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let prod = file(&dir, "prod.yaml", PROD);
    let o = tcfg(&cluster).args(["diff", "-f"]).arg(&prod).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 to create, 0 to update, 0 to delete"));
    let o = tcfg(&cluster)
        .args(["diff", "-o", "json", "-f"])
        .arg(&prod)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["summary"]["create"], 3);
    assert_eq!(v["changes"][0]["action"], "create");

    let before = revision(&cluster).await;
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&prod)
        .assert()
        .code(0);
    assert_eq!(revision(&cluster).await, before + 1, "one apply is one revision");
    assert_eq!(prefix_contents(&cluster, PREFIX).await.len(), 3);
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&prod)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(3 unchanged)"));
    // Applying again writes nothing.
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&prod)
        .assert()
        .code(0);
    assert_eq!(revision(&cluster).await, before + 1);
    // --dry-run exits like diff.
    let changed = file(&dir, "changed.yaml", &PROD.replace("2400", "2500"));
    tcfg(&cluster)
        .args(["apply", "--dry-run", "-f"])
        .arg(&changed)
        .assert()
        .code(2);
    assert_eq!(revision(&cluster).await, before + 1);
    // Without a terminal and without --yes: refused.
    tcfg(&cluster)
        .args(["apply", "-f"])
        .arg(&changed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("pass --yes"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equal_meaning_is_not_a_change() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(file(&dir, "a.yaml", PROD))
        .assert()
        .code(0);
    let same = "FRONTEND.RPS:\n- value: 2400\n  constraints: {}\nlimit.maxidlength:\n- value: 0xFF\nfrontend.namespaceRPS:\n- value: 1200\n- constraints: {namespace: payments}\n  value: 4000\n";
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(file(&dir, "b.yaml", same))
        .assert()
        .code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_files_are_refused_before_anything_is_read() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let bad = file(
        &dir,
        "bad.yaml",
        "frontend.rps:\n- value: 5\n  constraints: {namespace: a}\nlimit.maxIDLength:\n- value: 1\n",
    );
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[never-matches]").and(predicate::str::contains("nothing written")));
    tcfg(&cluster).args(["diff", "-f"]).arg(&bad).assert().code(1);
    assert!(prefix_contents(&cluster, PREFIX).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_changed_between_plan_and_write_aborts_everything() {
    use tcfg_core::changes::plan::{plan, PlanOptions};
    use tcfg_core::store::{ConnectionSettings, Store, StoreError};
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(file(&dir, "a.yaml", PROD))
        .assert()
        .code(0);
    let registry = std::sync::Arc::new(tcfg_core::Registry::for_version(None).unwrap());
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        ..Default::default()
    })
    .await
    .unwrap();
    let snapshot = store.snapshot(&registry, None).await.unwrap();
    let desired = tcfg_core::parse_document("d", &PROD.replace("2400", "3000").replace("255", "300")).value;
    let p = plan(&desired, &snapshot, &registry, PlanOptions::default());
    assert_eq!(p.changes.len(), 2);
    // Someone else writes one of the keys in between.
    let mut c = cluster.client().await;
    c.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    let before = prefix_contents(&cluster, PREFIX).await;
    let intent = tcfg_core::changes::intent::Intent::from_env(None, "apply", "test", "1.31");
    let change = Change::of_plan(&p, &snapshot, &registry);
    let fitted = change.fit(&intent, Default::default(), Batching::Never).unwrap();
    match fitted.commit(&store, |_| {}).await {
        Err(CommitError::Store(e @ StoreError::Conflict { .. })) => {
            let msg = e.to_string();
            assert!(
                msg.contains("/temporal/dynamicconfig/frontend.rps changed at revision"),
                "{msg}"
            );
            assert!(msg.contains("nothing was written"), "{msg}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        prefix_contents(&cluster, PREFIX).await,
        before,
        "nothing of the plan was written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_plans_apply_exactly_and_refuse_when_stale() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let prod = file(&dir, "prod.yaml", PROD);
    let plan = dir.path().join("prod.plan");
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&prod)
        .arg("--out")
        .arg(&plan)
        .assert()
        .code(2);
    tcfg(&cluster).arg("apply").arg(&plan).arg("--yes").assert().code(0);
    assert_eq!(prefix_contents(&cluster, PREFIX).await.len(), 3);
    // Applying it again: the prefix moved since (the plan itself changed it).
    tcfg(&cluster)
        .arg("apply")
        .arg(&plan)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the plan is stale"));
    // A plan made, then someone changes a key: stale, nothing written.
    let changed = file(&dir, "changed.yaml", &PROD.replace("2400", "2600"));
    // A plan is never saved over a file, nor through a symlink.
    let victim = file(&dir, "victim", "precious");
    let link = dir.path().join("link.plan");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for taken in [&plan, &link] {
        tcfg(&cluster)
            .args(["diff", "-f"])
            .arg(&changed)
            .arg("--out")
            .arg(taken)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("exists; nothing saved"));
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let plan = dir.path().join("changed.plan");
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&changed)
        .arg("--out")
        .arg(&plan)
        .assert()
        .code(2);
    tcfg(&cluster)
        .args(["put", "limit.maxIDLength", "999", "--yes"])
        .assert()
        .code(0);
    let before = prefix_contents(&cluster, PREFIX).await;
    tcfg(&cluster)
        .arg("apply")
        .arg(&plan)
        .arg("--yes")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("stale").and(predicate::str::contains("limit.maxIDLength")));
    assert_eq!(prefix_contents(&cluster, PREFIX).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_only_dynamic_config_keys() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let mut c = cluster.client().await;
    c.put(format!("{PREFIX}history.persistenceMaxQPS"), "- value: 1\n", None)
        .await
        .unwrap();
    c.put(format!("{PREFIX}locks/owner"), "host-a", None).await.unwrap();
    c.put(format!("{PREFIX}NOTES"), "hand-written", None).await.unwrap();
    let prod = file(&dir, "prod.yaml", PROD);
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&prod)
        .assert()
        .code(0);
    assert_eq!(
        prefix_contents(&cluster, PREFIX).await.len(),
        6,
        "without --prune nothing is deleted"
    );
    tcfg(&cluster)
        .args(["apply", "--prune", "--yes", "-f"])
        .arg(&prod)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 to delete"));
    let keys: Vec<String> = prefix_contents(&cluster, PREFIX)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(!keys.contains(&format!("{PREFIX}history.persistenceMaxQPS")));
    assert!(keys.contains(&format!("{PREFIX}locks/owner")) && keys.contains(&format!("{PREFIX}NOTES")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_only_seeds_missing_keys_and_touches_nothing_else() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "7", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["apply", "--create-only", "--yes", "-f"])
        .arg(file(&dir, "d.yaml", PROD))
        .assert()
        .code(0);
    let contents = prefix_contents(&cluster, PREFIX).await;
    assert_eq!(contents.len(), 3);
    assert!(contents.contains(&(format!("{PREFIX}frontend.rps"), "- value: 7\n".to_string())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_applies_never_overwrite_each_other() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let a = file(&dir, "a.yaml", &PROD.replace("2400", "1111"));
    let b = file(&dir, "b.yaml", &PROD.replace("2400", "2222"));
    let mut refused = 0;
    for round in 0..10 {
        // Reset to a known state that differs from both.
        let base = file(&dir, "base.yaml", &PROD.replace("2400", &format!("{}", 3000 + round)));
        tcfg(&cluster)
            .args(["apply", "--yes", "-f"])
            .arg(&base)
            .assert()
            .code(0);
        let spawn = |f: &std::path::Path| {
            tcfg_bare()
                .args(["--endpoints", &cluster.endpoints(), "apply", "--yes", "-f"])
                .arg(f)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn_killed()
        };
        let before = revision(&cluster).await;
        let (pa, pb) = (spawn(&a), spawn(&b));
        let (oa, ob) = (pa.finish(), pb.finish());
        let rps = prefix_contents(&cluster, &format!("{PREFIX}frontend.rps")).await[0]
            .1
            .clone();
        let ok: Vec<bool> = [&oa, &ob].iter().map(|o| o.status.code() == Some(0)).collect();
        for (o, good) in [(&oa, ok[0]), (&ob, ok[1])] {
            if !good {
                assert!(stderr(o).contains("nothing was written"), "{}", stderr(o));
                refused += 1;
            }
        }
        // The stored value belongs to a run that reported success; when both
        // succeeded, the second planned after the first had written.
        assert!(ok[0] || ok[1], "one of two appliers must win");
        // Each apply that succeeded is exactly one revision (both files differ
        // from the base and from each other); one that lost wrote nothing.
        let successes = ok.iter().filter(|&&o| o).count() as i64;
        assert_eq!(revision(&cluster).await - before, successes, "round {round}");
        if ok[0] && ok[1] {
            // The winner's value is what the other one's plan replaced: it
            // read the first write, or its write would have been refused.
            let (last, first_value) = if rps == "- value: 1111\n" {
                (&oa, "2222")
            } else {
                (&ob, "1111")
            };
            assert!(
                stdout(last).contains(&format!("-- value: {first_value}")),
                "round {round}: both applied, but the last did not plan from the first's value:\n{}",
                stdout(last)
            );
        }
        if ok[0] && !ok[1] {
            assert_eq!(rps, "- value: 1111\n");
        }
        if ok[1] && !ok[0] {
            assert_eq!(rps, "- value: 2222\n");
        }
    }
    eprintln!("{refused} of 20 applies lost a race and wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_over_the_server_limit_are_refused_raised_or_batched() {
    let cluster = cluster_with_txn_ops(1000);
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = int_keys_document(150, 7);
    let big = file(&dir, "big.yaml", &doc);
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(&big)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "needs 152 operations in one transaction, more than etcd allows (128",
        ));
    assert!(prefix_contents(&cluster, PREFIX).await.is_empty());
    let before = revision(&cluster).await;
    tcfg(&cluster)
        .args(["apply", "--yes", "--max-txn-ops", "1000", "-f"])
        .arg(&big)
        .assert()
        .code(0);
    assert_eq!(revision(&cluster).await, before + 1);
    assert_eq!(prefix_contents(&cluster, PREFIX).await.len(), 150);
    // Batches: two transactions of at most 128 keys, reported as they go.
    let doc2 = doc.replace("value: 7", "value: 8");
    tcfg(&cluster)
        .args(["apply", "--yes", "--batch", "-f"])
        .arg(file(&dir, "big2.yaml", &doc2))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("batch 1/2 written").and(predicate::str::contains("batch 2/2 written")));
    assert_eq!(revision(&cluster).await, before + 3);
    assert!(prefix_contents(&cluster, PREFIX)
        .await
        .iter()
        .all(|(_, v)| v == "- value: 8\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_then_apply_is_a_no_op() {
    let cluster = cluster_with_txn_ops(20_000);
    let dir = tempfile::tempdir().unwrap();
    // A development config in the style of Temporal's own.
    let dev = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/core/tests/fixtures/development.yaml"
    ))
    .unwrap();
    tcfg(&cluster)
        .args(["apply", "--yes", "-f"])
        .arg(file(&dir, "dev.yaml", &dev))
        .assert()
        .code(0);
    let dump = tcfg(&cluster).arg("dump").output().unwrap();
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(file(&dir, "dump.yaml", &stdout(&dump)))
        .assert()
        .code(0);
    let json = tcfg(&cluster).args(["dump", "-o", "json"]).output().unwrap();
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(file(&dir, "dump.json", &stdout(&json)))
        .assert()
        .code(0);

    // 10,000 generated keys with a registry to match.
    let mut schema = String::from("key\ttype\tprecedence\tdefault\tconstrained_defaults\n");
    let mut doc = String::new();
    for i in 0..10_000 {
        schema.push_str(&format!("gen.key{i:05}\tduration\tnamespace\t1s\t\n"));
        doc.push_str(&format!(
            "gen.key{i:05}:\n  - value: {}s\n    constraints: {{namespace: ns{}}}\n  - value: 1m\n",
            i % 90,
            i % 7
        ));
    }
    let schema = file(&dir, "schema.tsv", &schema);
    let gen = file(&dir, "gen.yaml", &doc);
    tcfg(&cluster)
        .arg("--schema")
        .arg(&schema)
        .args(["--prefix", "/gen", "apply", "--yes", "--max-txn-ops", "20000", "-f"])
        .arg(&gen)
        .assert()
        .code(0);
    let dump = tcfg(&cluster)
        .arg("--schema")
        .arg(&schema)
        .args(["--prefix", "/gen", "dump"])
        .output()
        .unwrap();
    assert_eq!(dump.status.code(), Some(0), "{}", stderr(&dump));
    let o = tcfg(&cluster)
        .arg("--schema")
        .arg(&schema)
        .args(["--prefix", "/gen", "diff", "-f"])
        .arg(file(&dir, "gen-dump.yaml", &stdout(&dump)))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("(10000 unchanged)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_apply_leaves_all_old_or_all_new() {
    let cluster = cluster_with_txn_ops(1000);
    let dir = tempfile::tempdir().unwrap();
    let (_, keys) = int_keys_document(100, 0);
    let version = |v: u32| -> String { keys.iter().map(|k| format!("{k}:\n  - value: {v}\n")).collect() };
    let files = [file(&dir, "v1.yaml", &version(1)), file(&dir, "v2.yaml", &version(2))];
    tcfg(&cluster)
        .args(["apply", "--yes", "--max-txn-ops", "1000", "-f"])
        .arg(&files[0])
        .assert()
        .code(0);
    let mut seed: u64 = 0x2545F4914F6CDD1D;
    let mut outcomes = [0; 2];
    for round in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = tcfg_bare()
            .args([
                "--endpoints",
                &cluster.endpoints(),
                "apply",
                "--yes",
                "--max-txn-ops",
                "1000",
                "-f",
            ])
            .arg(&files[(round + 1) % 2])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn_killed();
        // Kill it at a different moment each round: before, during or after
        // the write; the first round at once, the second never.
        let status = if round == 1 {
            child.wait().unwrap()
        } else {
            let delay = if round == 0 { 0 } else { seed % 40_000 };
            std::thread::sleep(std::time::Duration::from_micros(delay));
            let _ = child.kill();
            child.wait().unwrap()
        };
        let values: std::collections::BTreeSet<String> = prefix_contents(&cluster, PREFIX)
            .await
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values.len(), 1, "round {round}: a half-written prefix: {values:?}");
        if status.success() {
            let new = format!("- value: {}\n", (round + 1) % 2 + 1);
            assert!(
                values.contains(&new),
                "round {round}: a completed apply left {values:?}"
            );
        }
        outcomes[usize::from(status.success())] += 1;
    }
    assert!(
        outcomes[0] >= 1 && outcomes[1] >= 1,
        "killed {} applies, {} finished: both must happen",
        outcomes[0],
        outcomes[1]
    );
}

#[test]
fn two_files_compare_offline() {
    let dir = tempfile::tempdir().unwrap();
    let a = file(&dir, "a.yaml", PROD);
    let b = file(&dir, "b.yaml", &PROD.replace("4000", "4500"));
    let mut c = tcfg_cmd();
    c.arg("diff")
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("-    namespace: payments").not())
        .stdout(predicate::str::contains("+- value: 4500"));
    let mut c = tcfg_cmd();
    c.arg("diff").arg(&a).arg(&a).assert().code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_only_from_two_processes_creates_once() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let a = file(&dir, "a.yaml", "frontend.rps:\n  - value: 1\n");
    let b = file(&dir, "b.yaml", "frontend.rps:\n  - value: 2\n");
    for round in 0..10 {
        let mut c = cluster.client().await;
        c.delete(format!("{PREFIX}frontend.rps"), None).await.unwrap();
        let spawn = |f: &std::path::Path| {
            tcfg_bare()
                .args([
                    "--endpoints",
                    &cluster.endpoints(),
                    "apply",
                    "--create-only",
                    "--yes",
                    "-f",
                ])
                .arg(f)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn_killed()
        };
        let (pa, pb) = (spawn(&a), spawn(&b));
        let (oa, ob) = (pa.finish(), pb.finish());
        let stored = prefix_contents(&cluster, PREFIX).await;
        assert_eq!(stored.len(), 1, "round {round}");
        // Created once and never overwritten: the key's first version.
        let got = c.get(format!("{PREFIX}frontend.rps"), None).await.unwrap();
        assert_eq!(got.kvs()[0].version(), 1, "round {round}: the key was written twice");
        let winner = if stored[0].1 == "- value: 1\n" { &oa } else { &ob };
        assert_eq!(
            winner.status.code(),
            Some(0),
            "round {round}: the stored value's writer must have succeeded"
        );
        // The other either saw the key already there (nothing to do) or lost the race (nothing written).
        let loser = if std::ptr::eq(winner, &oa) { &ob } else { &oa };
        match loser.status.code() {
            Some(0) => {}
            Some(1) => assert!(stderr(loser).contains("created at revision"), "{}", stderr(loser)),
            other => panic!("round {round}: unexpected exit {other:?}: {}", stderr(loser)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_and_apply_say_when_a_change_waits_for_a_restart() {
    let cluster = EtcdCluster::single();
    tcfg(&cluster)
        .args(["put", "history.cacheTTL", "2h", "--yes"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "create history.cacheTTL (takes effect when the servers restart)",
        ));
    tcfg(&cluster)
        .args(["put", "frontend.rps", "20", "--yes"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("restart").not())
        .stderr(predicate::str::contains("restart").not());
    let dir = tempfile::tempdir().unwrap();
    let f = file(&dir, "c.yaml", "history.cacheTTL:\n  - value: 3h\n");
    tcfg(&cluster)
        .args(["apply", "--dry-run", "-f"])
        .arg(&f)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "update history.cacheTTL (takes effect when the servers restart)",
        ));
}

/// One rule for dry runs, on every writing command: the plan on stdout, in
/// one layout (a saved plan's as a file's), exit 2 with changes and 0
/// without, and nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_writing_command_dry_runs_alike() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes", "-m", "first"])
        .assert()
        .code(0);
    let first = revision(&cluster).await;
    tcfg(&cluster)
        .args(["put", "frontend.rps", "200", "--yes", "-m", "second"])
        .assert()
        .code(0);
    let f = file(&dir, "c.yaml", "frontend.rps:\n  - value: 300\n");
    let plan_file = dir.path().join("c.plan");
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&f)
        .arg("--out")
        .arg(&plan_file)
        .assert()
        .code(2);
    let before = prefix_contents(&cluster, PREFIX).await;
    let mut runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["put".into(), "frontend.rps".into(), "300".into()],
        vec!["delete".into(), "frontend.rps".into()],
        vec!["apply".into(), "-f".into(), f.clone().into()],
        vec!["apply".into(), plan_file.clone().into()],
        vec!["revert".into(), (first + 1).to_string().into()],
        vec!["rollback".into(), "--to".into(), first.to_string().into()],
        vec![
            "sync".into(),
            "--from".into(),
            PREFIX.into(),
            "--prefixes".into(),
            "/copy".into(),
        ],
    ];
    let mut layouts = Vec::new();
    for args in runs.iter_mut() {
        args.push("--dry-run".into());
        let o = tcfg(&cluster).args(args.iter()).output().unwrap();
        let (out, err) = (stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}{err}");
        assert!(out.contains("frontend.rps\n---"), "{args:?}: the plan on stdout: {out}");
        assert!(!err.contains("+++"), "{args:?}: the plan on stderr: {err}");
        // Headers are words, never read as diff lines.
        let file_header = |l: &str| l.starts_with("--- ") || l.starts_with("+++ ");
        for line in out.lines().filter(|l| l.ends_with("frontend.rps") && !file_header(l)) {
            assert!(line.starts_with(char::is_alphabetic), "{args:?}: header {line:?}");
        }
        layouts.push(out);
    }
    assert_eq!(prefix_contents(&cluster, PREFIX).await, before, "a dry run wrote");
    // The saved plan shows what the files it came from show.
    let plan_of = |s: &str| {
        s.lines()
            .take_while(|l| !l.contains(" to create, "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(plan_of(&layouts[2]), plan_of(&layouts[3]));
    // Nothing to change: exit 0.
    tcfg(&cluster)
        .args(["put", "frontend.rps", "200", "--dry-run"])
        .assert()
        .code(0);
}
