//! `tcfg sync` against real etcd: targets made identical to a source, never
//! half done, refused when the source moves or a change strands tasks.

use crate::apply::PROD;
use crate::common::*;

use std::process::Stdio;

use predicates::prelude::*;
use tcfg_core::changes::commit::{Batching, Change, CommitError};
use tcfg_testkit::{EtcdCluster, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_makes_targets_identical_and_reports_drift() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["--prefix", "/active/temporal/dynamicconfig", "apply", "--yes", "-f"])
        .arg(file(&dir, "p.yaml", PROD))
        .assert()
        .code(0);
    let mut c = cluster.client().await;
    c.put("/passive-eu/temporal/dynamicconfig/frontend.rps", "- value: 1\n", None)
        .await
        .unwrap();
    c.put(
        "/passive-eu/temporal/dynamicconfig/history.persistenceMaxQPS",
        "- value: 5\n",
        None,
    )
    .await
    .unwrap();
    c.put("/passive-eu/temporal/dynamicconfig/locks/x", "keep me", None)
        .await
        .unwrap();
    tcfg(&cluster)
        .args(["sync", "--prefixes", "/active,/passive-eu,/passive-us", "--dry-run"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("/passive-eu/temporal/dynamicconfig/ (from /active/temporal/dynamicconfig/): 2 to create, 1 to update, 1 to delete"));
    tcfg(&cluster)
        .args(["diff", "--prefixes", "/active,/passive-eu"])
        .assert()
        .code(2);
    // --keep-extra keeps keys only the target has.
    tcfg(&cluster)
        .args(["sync", "--prefixes", "/active,/passive-eu", "--keep-extra", "--yes"])
        .assert()
        .code(0);
    assert!(
        prefix_contents(&cluster, "/passive-eu/temporal/dynamicconfig/history.persistenceMaxQPS")
            .await
            .len()
            == 1
    );
    tcfg(&cluster)
        .args([
            "sync",
            "--from",
            "/active",
            "--prefixes",
            "/passive-eu,/passive-us",
            "--yes",
        ])
        .assert()
        .code(0);
    for target in [
        "/passive-eu/temporal/dynamicconfig/",
        "/passive-us/temporal/dynamicconfig/",
    ] {
        let got: Vec<(String, String)> = prefix_contents(&cluster, target)
            .await
            .into_iter()
            .filter(|(k, _)| !k.ends_with("locks/x"))
            .map(|(k, v)| (k.trim_start_matches(target).to_string(), v))
            .collect();
        let want: Vec<(String, String)> = prefix_contents(&cluster, "/active/temporal/dynamicconfig/")
            .await
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches("/active/temporal/dynamicconfig/").to_string(), v))
            .collect();
        assert_eq!(got, want, "{target}");
    }
    assert_eq!(
        prefix_contents(&cluster, "/passive-eu/temporal/dynamicconfig/locks/x")
            .await
            .len(),
        1,
        "foreign keys are never touched"
    );
    tcfg(&cluster)
        .args(["sync", "--prefixes", "/active,/passive-eu,/passive-us", "--dry-run"])
        .assert()
        .code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_change_during_sync_aborts_it() {
    use tcfg_core::changes::plan::{plan, PlanOptions};
    use tcfg_core::store::{ConnectionSettings, Guard, Prefix, Store, StoreError};
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    tcfg(&cluster)
        .args(["--prefix", "/a", "apply", "--yes", "-f"])
        .arg(file(&dir, "p.yaml", PROD))
        .assert()
        .code(0);
    let registry = std::sync::Arc::new(tcfg_core::Registry::for_version(None).unwrap());
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        ..Default::default()
    })
    .await
    .unwrap();
    let (a, b) = (Prefix::new("/a"), Prefix::new("/b"));
    let src = store.with_prefix(a.clone()).snapshot(&registry, None).await.unwrap();
    let dst = store.with_prefix(b.clone()).snapshot(&registry, None).await.unwrap();
    let p = plan(
        &src.document(),
        &dst,
        &registry,
        PlanOptions {
            prune: true,
            ..Default::default()
        },
    );
    let mut c = cluster.client().await;
    c.put("/a/frontend.rps", "- value: 1\n", None).await.unwrap();
    let intent = tcfg_core::changes::intent::Intent::from_env(None, "sync", "test", "1.31");
    let change = Change::of_plan(&p, &dst, &registry).guarded(Guard::Unchanged {
        prefix: a,
        since: src.revision,
    });
    let fitted = change.fit(&intent, Default::default(), Batching::Never).unwrap();
    let r = fitted.commit(&store.with_prefix(b), |_| {}).await;
    assert!(
        matches!(&r, Err(CommitError::Store(StoreError::Stale { keys, .. })) if keys == &["/a/frontend.rps".to_string()]),
        "{r:?}"
    );
    assert!(prefix_contents(&cluster, "/b/").await.is_empty());
    assert!(
        prefix_contents(&cluster, "/b.history/").await.is_empty(),
        "a refused write leaves no record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_through_a_leader_failure_is_never_half_done() {
    let mut cluster = EtcdCluster::start(3, Options::default());
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = int_keys_document(60, 42);
    tcfg(&cluster)
        .args(["--prefix", "/active/temporal/dynamicconfig", "apply", "--yes", "-f"])
        .arg(file(&dir, "s.yaml", &doc))
        .assert()
        .code(0);
    let leader = cluster.leader().await;
    let child = tcfg_bare()
        .args([
            "--endpoints",
            &cluster.endpoints(),
            "--command-timeout",
            "3s",
            "sync",
            "--prefixes",
            "/active,/passive-eu,/passive-us",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn_killed();
    cluster.members[leader].kill();
    let out = child.finish();
    // Whatever happened, each target is entirely old (empty) or entirely synced.
    let survivor = (leader + 1) % 3;
    cluster.members[survivor].wait_ready();
    let mut survivor_client = etcd_client::Client::connect([cluster.members[survivor].url()], None)
        .await
        .unwrap();
    for target in [
        "/passive-eu/temporal/dynamicconfig/",
        "/passive-us/temporal/dynamicconfig/",
    ] {
        let r = survivor_client
            .get(target, Some(etcd_client::GetOptions::new().with_prefix()))
            .await
            .unwrap();
        let n = r.kvs().len();
        assert!(
            n == 0 || n == 60,
            "{target} holds {n} of 60 keys; sync said: {}",
            stderr(&out)
        );
        // What sync reported is what happened: a target it called synced
        // holds every key, and so does every target when it succeeded.
        let reported = stderr(&out).contains(&format!("synced {}", target.trim_end_matches('/')))
            || stderr(&out).contains(&format!("synced {target}"));
        if reported || out.status.success() {
            assert_eq!(n, 60, "{target} reported synced; sync said: {}", stderr(&out));
        }
    }
    // Success, an error, etcd unreachable, or a write whose outcome is
    // unknown (said so): nothing else.
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3 | 4)),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    if out.status.success() {
        let mut c = tcfg_cmd();
        c.args([
            "--endpoints",
            &cluster.members[survivor].endpoint(),
            "sync",
            "--prefixes",
            "/active,/passive-eu,/passive-us",
            "--dry-run",
        ]);
        c.assert().code(0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_refuses_a_change_that_strands_tasks_in_any_target() {
    let cluster = EtcdCluster::single();
    let partitions = |n: u32| format!("- value: {n}\n  constraints: {{namespace: a, taskQueueName: q}}\n");
    for (root, n) in [("/a", 4), ("/b", 8)] {
        for key in [
            "matching.numTaskqueueReadPartitions",
            "matching.numTaskqueueWritePartitions",
        ] {
            raw_put(&cluster, &format!("{root}{PREFIX}{key}"), &partitions(n)).await;
        }
    }
    let at = revision(&cluster).await;
    tcfg(&cluster)
        .args(["sync", "--prefixes", "/a,/b", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[partition-order]: /b/temporal/dynamicconfig/matching.numTaskqueueReadPartitions",
        ))
        .stderr(predicate::str::contains("nothing written"));
    assert_eq!(revision(&cluster).await, at);
}
