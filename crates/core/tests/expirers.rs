//! Leading the expirers (`tcfg expire --follow`) against real etcd, as a
//! service embedding `core` would: a leader learns at once that its lease
//! ended, and the next in line leads.

use std::time::Duration;

use tcfg_core::serving::expirer::{election_name, Leadership};
use tcfg_core::store::{ConnectionSettings, Store};
use tcfg_testkit::EtcdCluster;
use tokio::time::timeout;

async fn store(cluster: &EtcdCluster) -> Store {
    Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        command_timeout: Duration::from_secs(2),
        dial_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_whose_lease_ends_knows_it_and_the_next_leads() {
    let cluster = EtcdCluster::single();
    let (first_store, second_store) = (store(&cluster).await, store(&cluster).await);
    let ttl = Duration::from_secs(3);
    let first = timeout(
        Duration::from_secs(10),
        Leadership::campaign(&first_store, "first", ttl),
    )
    .await
    .expect("an election without a leader is won at once")
    .unwrap();
    assert!(!first.is_lost());
    // The second waits while the first leads.
    let second = tokio::spawn(async move { Leadership::campaign(&second_store, "second", ttl).await });
    // Its lease is granted before it waits: then there are two.
    let mut raw = cluster.client().await;
    tcfg_testkit::eventually(Duration::from_secs(10), "the second campaigner's lease", || {
        let mut raw = raw.clone();
        async move { raw.leases().await.unwrap().leases().len() == 2 }
    })
    .await;
    assert!(!second.is_finished(), "the second led while the first did");
    // The first's lease ends behind its back (as when its renewals went
    // unanswered for the lease's time, with no wait for it here).
    let name = election_name(first_store.prefix());
    let leader = raw.leader(name.as_str()).await.unwrap();
    let kv = leader.kv().expect("the election has a leader");
    assert_eq!(kv.value(), b"first");
    raw.lease_revoke(kv.lease()).await.unwrap();
    timeout(Duration::from_secs(10), first.lost())
        .await
        .expect("the leader learns its lease ended");
    assert!(first.is_lost());
    let second = timeout(Duration::from_secs(10), second)
        .await
        .expect("the next in line leads once the lease ends")
        .unwrap()
        .unwrap();
    assert!(!second.is_lost());
    second.resign().await;
}
