//! `tcfg dump` against real etcd: past revisions, every format, large
//! prefixes read in pages and parsed in chunks.

use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_reads_back_at_past_revisions_and_in_every_format() {
    let cluster = EtcdCluster::single();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "1", "--yes"])
        .assert()
        .code(0);
    let rev = raw_get(&cluster, &format!("{PREFIX}frontend.rps")).await.unwrap().1;
    tcfg(&cluster)
        .args(["put", "frontend.rps", "2", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["dump", "--at", &rev.to_string()])
        .assert()
        .code(0)
        .stdout("frontend.rps:\n  - value: 1\n");
    tcfg(&cluster)
        .args(["dump"])
        .assert()
        .code(0)
        .stdout("frontend.rps:\n  - value: 2\n");
    let o = tcfg(&cluster).args(["dump", "-o", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["frontend.rps"][0]["value"], 2);
    tcfg(&cluster)
        .args(["dump", "-o", "table"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("frontend.rps"));
    // Compacted history is a clear error.
    let mut c = cluster.client().await;
    let now = raw_get(&cluster, &format!("{PREFIX}frontend.rps")).await.unwrap().1;
    c.compact(now, None).await.unwrap();
    tcfg(&cluster)
        .args(["dump", "--revision", &rev.to_string()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has been compacted"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_keys_dump() {
    let cluster = cluster_with_txn_ops(10_000);
    let mut c = cluster.client().await;
    let n = 100_000;
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        let ops: Vec<etcd_client::TxnOp> = chunk
            .iter()
            .map(|i| etcd_client::TxnOp::put(format!("{PREFIX}custom.setting{i:06}"), format!("- value: {i}\n"), None))
            .collect();
        c.txn(etcd_client::Txn::new().and_then(ops)).await.unwrap();
    }
    let o = tcfg(&cluster)
        .args(["dump", "--keys-only", "--allow-unknown-keys"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        &stderr(&o)[..stderr(&o).len().min(2000)]
    );
    let names: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(names.len(), n);
    assert_eq!(names[0], "custom.setting000000");
    assert_eq!(names[n - 1], "custom.setting099999");
    let o = tcfg(&cluster).args(["dump", "--allow-unknown-keys"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 2 * n);
    assert!(
        stderr(&o).contains("100000 keys from /temporal/dynamicconfig/"),
        "{}",
        &stderr(&o)[stderr(&o).len().saturating_sub(500)..]
    );
}

/// `dump` prepares the prefix in chunks, each on its own thread; names
/// whose case sorts them apart from etcd's byte order land in different
/// chunks and must still come out in document order, and two spellings of
/// one key in different chunks must still be found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_orders_and_compares_keys_across_parse_chunks() {
    let cluster = cluster_with_txn_ops(5_000);
    let mut c = cluster.client().await;
    // Byte order: every `Acme.*` before every `acme.*`; document order interleaves them.
    let mut stored: Vec<(String, String)> = (0..3000)
        .map(|i| {
            let name = if i % 2 == 0 {
                format!("Acme.setting{i:04}")
            } else {
                format!("acme.setting{i:04}")
            };
            (name, format!("- value: {i}\n"))
        })
        .collect();
    stored.push(("acme.setting0002".into(), "- value: 2\n".into()));
    let ops: Vec<etcd_client::TxnOp> = stored
        .iter()
        .map(|(k, v)| etcd_client::TxnOp::put(format!("{PREFIX}{k}"), v.as_str(), None))
        .collect();
    c.txn(etcd_client::Txn::new().and_then(ops)).await.unwrap();

    let mut names: Vec<&str> = stored.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_by_key(|n| (n.to_lowercase(), n.to_string()));
    let o = tcfg(&cluster)
        .args(["dump", "--keys-only", "--allow-unknown-keys"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), names);

    let mut doc = tcfg_core::Document {
        origin: "expected".into(),
        entries: Vec::new(),
    };
    for (k, v) in &stored {
        let items = tcfg_core::parse_items("expected", k, v).value;
        doc.entries.push(tcfg_core::Entry {
            key: tcfg_core::Key::new(k),
            items,
            key_pos: Default::default(),
        });
    }
    let o = tcfg(&cluster).args(["dump", "--allow-unknown-keys"]).output().unwrap();
    assert_eq!(stdout(&o), tcfg_core::model::serialize::document_to_yaml(&doc));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{PREFIX}acme.setting0002"))
            && stderr(&o).contains("written twice, as Acme.setting0002"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_too_large_to_accept_is_read_again_in_smaller_pages() {
    use tcfg_core::store::{ConnectionSettings, Store, StoreError};
    use tcfg_core::Registry;

    let cluster = EtcdCluster::single();
    // 200 values of 2 KB: one 400 KB page, over a 64 KiB limit.
    let value = format!("- value: \"{}\"\n", "x".repeat(2000));
    for i in 0..200 {
        raw_put(&cluster, &format!("{PREFIX}acme.setting{i:03}"), &value).await;
    }
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        max_response_size: 64 * 1024,
        ..Default::default()
    })
    .await
    .unwrap();
    let registry = Registry::for_version(None).unwrap();
    let snap = store.snapshot(&registry, None).await.unwrap();
    assert_eq!(snap.keys.len(), 200);
    assert!(snap.keys.iter().all(|k| k.is_valid()));

    // One value alone over the limit cannot be read: an error, not a loop.
    let huge = format!("- value: \"{}\"\n", "x".repeat(100_000));
    raw_put(&cluster, &format!("{PREFIX}acme.huge"), &huge).await;
    let err = store.snapshot(&registry, None).await.unwrap_err();
    assert!(matches!(err, StoreError::ResponseTooLarge { .. }), "{err}");
    assert!(err.to_string().contains("larger than tcfg accepts"), "{err}");
}

/// Mid-upgrade the prefix holds a key each release knows: with the range
/// `--temporal-version 1.30..1.31` neither is unknown, as for `validate`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_knows_the_keys_of_either_release_of_a_range() {
    let cluster = EtcdCluster::single();
    raw_put(
        &cluster,
        &format!("{PREFIX}chasm.scheduler.tweakables"),
        "- value: {}\n",
    )
    .await;
    raw_put(&cluster, &format!("{PREFIX}scheduler.tweakables"), "- value: {}\n").await;
    tcfg(&cluster)
        .args(["--temporal-version", "1.30..1.31", "dump"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("unknown-key").not());
    tcfg(&cluster)
        .args(["--temporal-version", "1.31", "dump"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "chasm.scheduler.tweakables: not a key of Temporal v1.31",
        ));
}
