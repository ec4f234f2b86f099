//! The watch/cache client against real etcd: change sets in order, writes
//! that wait for their own revision, compaction with deletes, invalid values,
//! a 3-member cluster under faults with readers checking throughout, and a
//! watch refused for lack of permission.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tcfg_core::serving::watch::{Cause, ChangeSet, Client, ClientError, ClientOptions, Notice, UpdateKind};
use tcfg_core::store::{ConnectionSettings, Store};
use tcfg_core::{Code, Constraints, Registry, Value};
use tcfg_testkit::EtcdCluster;
use tokio::time::timeout;

mod faults;

pub(crate) const PREFIX: &str = "/temporal/dynamicconfig/";

pub(crate) fn registry() -> Arc<Registry> {
    Arc::new(Registry::for_version(None).unwrap())
}

pub(crate) fn fast() -> ClientOptions {
    ClientOptions {
        backoff_min: Duration::from_millis(20),
        backoff_max: Duration::from_millis(300),
        liveness: Duration::from_millis(300),
    }
}

pub(crate) async fn store(endpoints: Vec<String>) -> Store {
    Store::connect(ConnectionSettings {
        endpoints,
        command_timeout: Duration::from_secs(2),
        dial_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .await
    .unwrap()
}

pub(crate) async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<ChangeSet>) -> ChangeSet {
    timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a change set in time")
        .expect("the client runs")
}

/// Take a client's notices so far and, if its last outage has not ended,
/// wait until it has: its next outage then gets a notice of its own.
pub(crate) async fn settle(notices: &mut tokio::sync::mpsc::UnboundedReceiver<Notice>) {
    let mut away = false;
    while let Ok(n) = notices.try_recv() {
        match n {
            Notice::Interrupted { .. } => away = true,
            Notice::Resumed { .. } => away = false,
            _ => {}
        }
    }
    if away {
        timeout(Duration::from_secs(20), async {
            while !matches!(notices.recv().await.expect("the client runs"), Notice::Resumed { .. }) {}
        })
        .await
        .expect("the client watches again");
    }
}

/// Poll until the cache equals a fresh read of etcd.
pub(crate) async fn converged(client: &Client, store: &Store, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Ok(snap) = store.snapshot(&registry(), None).await {
            let fresh: BTreeMap<String, String> = snap
                .keys
                .iter()
                .filter_map(|k| {
                    k.items.as_ref().ok().map(|i| {
                        (
                            k.key.as_str().to_string(),
                            tcfg_core::model::serialize::items_to_yaml(i),
                        )
                    })
                })
                .collect();
            let cached: BTreeMap<String, String> = client
                .cache()
                .entries()
                .map(|e| {
                    (
                        e.name().to_string(),
                        tcfg_core::model::serialize::items_to_yaml(&e.items()),
                    )
                })
                .collect();
            if fresh == cached {
                return true;
            }
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_sets_arrive_per_revision_in_order() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    let client = Client::start(store(cluster.endpoint_list()).await, registry(), fast())
        .await
        .unwrap();
    assert_eq!(client.items("FRONTEND.RPS").unwrap()[0].value, Value::Int(1));
    let mut rx = client.subscribe();

    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    let set = next(&mut rx).await;
    assert_eq!(set.cause, Cause::Watch);
    assert_eq!(set.updates.len(), 1);
    let u = &set.updates[0];
    assert_eq!((u.key.as_str(), u.kind), ("frontend.rps", UpdateKind::Put));
    assert_eq!(u.old.as_ref().unwrap()[0].value, Value::Int(1));
    assert_eq!(u.new.as_ref().unwrap()[0].value, Value::Int(2));

    // One transaction is one change set.
    let txn = etcd_client::Txn::new().and_then(vec![
        etcd_client::TxnOp::put(
            format!("{PREFIX}frontend.namespaceRPS"),
            "- value: 5\n  constraints: {namespace: a}\n- value: 3\n",
            None,
        ),
        etcd_client::TxnOp::delete(format!("{PREFIX}frontend.rps"), None),
    ]);
    let r = raw.txn(txn).await.unwrap();
    let set2 = next(&mut rx).await;
    assert_eq!(set2.revision, r.header().unwrap().revision());
    assert!(set2.revision > set.revision);
    assert_eq!(set2.updates.len(), 2);
    assert!(set2
        .updates
        .iter()
        .any(|u| u.kind == UpdateKind::Delete && u.key.as_str() == "frontend.rps"));

    // Lookups resolve precedence like the core resolution.
    let scope = Constraints {
        namespace: Some("a".into()),
        ..Default::default()
    };
    assert_eq!(
        client.get("frontend.namespaceRPS", &scope).unwrap().value,
        Value::Int(5)
    );
    assert_eq!(
        client
            .get("frontend.namespaceRPS", &Constraints::default())
            .unwrap()
            .value,
        Value::Int(3)
    );
    assert_eq!(
        client.get("frontend.rps", &Constraints::default()).unwrap().value,
        Value::Int(2400),
        "deleted: the default"
    );

    // write() returns once the client itself sees the change.
    let items = vec![tcfg_core::ConstrainedValue::new(Value::Int(77), Constraints::default())];
    let rev = client.write("Frontend.RPS", items).await.unwrap();
    assert!(client.revision() >= rev);
    assert_eq!(client.items("frontend.rps").unwrap()[0].value, Value::Int(77));
    assert_eq!(client.dump_all().len(), 2);
    client.shutdown().await;
}

/// A service's writes go through the one write path: a freeze refuses
/// them as it refuses `tcfg put`, until it is lifted; so does a freeze of
/// the whole etcd cluster made through another prefix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_librarys_write_is_refused_while_the_prefix_or_its_cluster_is_frozen() {
    use tcfg_core::changes::freeze::Scope;
    use tcfg_core::changes::{freezing as freeze, intent::Intent};
    let cluster = EtcdCluster::single();
    let store = store(cluster.endpoint_list()).await;
    let staging = Store::connect(ConnectionSettings {
        prefix: tcfg_core::store::Prefix::new("/staging/"),
        ..store.settings().clone()
    })
    .await
    .unwrap();
    let client = Client::start(store.clone(), registry(), fast()).await.unwrap();
    let mut intent = Intent::from_env(None, "freeze", "tcfg test", "v1.31.2");
    intent.message = Some("release REL-7".into());
    let mut lift = intent.clone();
    lift.command.verb = "unfreeze".into();
    let ends = std::time::SystemTime::now() + Duration::from_secs(3600);
    for (value, scope, through, whole) in [(77, Scope::Prefix, &store, false), (78, Scope::Cluster, &staging, true)] {
        // A value not stored yet: a write of what is there writes nothing.
        let items = vec![tcfg_core::ConstrainedValue::new(
            Value::Int(value),
            Constraints::default(),
        )];
        freeze::set(through, scope, Some(ends), &intent).await.unwrap();
        match client.write("frontend.rps", items.clone()).await {
            Err(ClientError::Store(tcfg_core::store::StoreError::Frozen { message, cluster, .. })) => {
                assert_eq!((message.as_str(), cluster), ("release REL-7", whole))
            }
            other => panic!("not refused by the {scope:?} freeze: {other:?}"),
        }
        freeze::set(through, scope, None, &lift).await.unwrap();
        client.write("frontend.rps", items).await.unwrap();
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_librarys_write_refuses_what_tcfg_put_refuses() {
    let cluster = EtcdCluster::single();
    let client = Client::start(store(cluster.endpoint_list()).await, registry(), fast())
        .await
        .unwrap();
    let global = Constraints::default();
    let namespace = Constraints {
        namespace: Some("payments".into()),
        ..Default::default()
    };
    let refused = [
        // A value Temporal cannot convert: it would serve the default.
        (
            "frontend.rps",
            Value::String("fast".into()),
            global.clone(),
            Code::TypeMismatch,
        ),
        // A key the release does not register.
        ("acme.custom", Value::Int(1), global.clone(), Code::UnknownKey),
        // An item no lookup reads: frontend.rps is a global setting.
        ("frontend.rps", Value::Int(5), namespace, Code::NeverMatches),
    ];
    for (key, value, scope, code) in refused {
        let err = client
            .write(key, vec![tcfg_core::ConstrainedValue::new(value, scope)])
            .await
            .unwrap_err();
        match &err {
            ClientError::Invalid { findings, .. } => {
                assert!(findings.iter().any(|f| f.code == code), "{key}: {findings:?}")
            }
            other => panic!("{key}: {other}"),
        }
        assert!(err.to_string().contains("nothing written"), "{err}");
    }
    let mut raw = cluster.client().await;
    let stored = raw
        .get(PREFIX, Some(etcd_client::GetOptions::new().with_prefix()))
        .await
        .unwrap();
    assert_eq!(stored.kvs().len(), 0, "nothing written");
    // What the change itself does is reviewed as for `tcfg put`: read
    // partitions lowered below the write partitions strand tasks.
    let partitions = |n| vec![tcfg_core::ConstrainedValue::new(Value::Int(n), Constraints::default())];
    client
        .write("matching.numTaskqueueWritePartitions", partitions(8))
        .await
        .unwrap();
    client
        .write("matching.numTaskqueueReadPartitions", partitions(8))
        .await
        .unwrap();
    let at = client.revision();
    match client.write("matching.numTaskqueueReadPartitions", partitions(2)).await {
        Err(ClientError::Invalid { findings, .. }) => {
            assert!(findings.iter().any(|f| f.code == Code::PartitionOrder), "{findings:?}")
        }
        other => panic!("lowering read partitions first must be refused: {other:?}"),
    }
    client
        .write("matching.numTaskqueueWritePartitions", partitions(2))
        .await
        .unwrap();
    assert!(client.revision() > at, "the right order is written");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_librarys_write_keeps_a_prefixs_message_rule() {
    let cluster = EtcdCluster::single();
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        command_timeout: Duration::from_secs(2),
        dial_timeout: Duration::from_millis(500),
        history: tcfg_core::store::HistorySettings {
            require_message: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
    .unwrap();
    let client = Client::start(store.clone(), registry(), fast()).await.unwrap();
    let items = || vec![tcfg_core::ConstrainedValue::new(Value::Int(7), Constraints::default())];
    for silent in [None, Some("  "), Some("\u{200b}")] {
        let err = client
            .write_with_message("frontend.rps", items(), silent)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ClientError::Store(tcfg_core::store::StoreError::MessageRequired { .. })
            ),
            "{silent:?}: {err}"
        );
    }
    let rev = client
        .write_with_message("frontend.rps", items(), Some(" INC-7: more room "))
        .await
        .unwrap();
    let records = tcfg_core::changes::log::records(&store, rev, rev).await.unwrap();
    let record = records[&rev].as_ref().expect("the write's record");
    assert_eq!(record.message.as_deref(), Some("INC-7: more room"));
    assert_eq!(record.author.host, tcfg_core::changes::intent::host_name());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_values_keep_the_last_good_value() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.namespaceRPS"), "- value: 10\n", None)
        .await
        .unwrap();
    let client = Client::start(store(cluster.endpoint_list()).await, registry(), fast())
        .await
        .unwrap();
    let mut notices = client.notices();
    let mut rx = client.subscribe();
    // A mistyped constraint name: the seed library would drop it and serve 99 to everyone.
    raw.put(
        format!("{PREFIX}frontend.namespaceRPS"),
        "- value: 99\n  constraints: {namespce: a}\n",
        None,
    )
    .await
    .unwrap();
    // A type error, and broken YAML.
    raw.put(format!("{PREFIX}frontend.namespaceRPS"), "- value: lots\n", None)
        .await
        .unwrap();
    raw.put(format!("{PREFIX}frontend.namespaceRPS"), "- value: [\n", None)
        .await
        .unwrap();
    for _ in 0..3 {
        let n = timeout(Duration::from_secs(5), notices.recv()).await.unwrap().unwrap();
        assert!(
            matches!(n, Notice::Invalid { ref etcd_key, .. } if etcd_key.ends_with("frontend.namespaceRPS")),
            "{n:?}"
        );
    }
    let other = Constraints {
        namespace: Some("b".into()),
        ..Default::default()
    };
    assert_eq!(
        client.get("frontend.namespaceRPS", &other).unwrap().value,
        Value::Int(10)
    );
    assert!(client.cache().entry("frontend.namespaceRPS").unwrap().invalid.is_some());
    // A good value again is delivered as the change from the last good one.
    raw.put(format!("{PREFIX}frontend.namespaceRPS"), "- value: 11\n", None)
        .await
        .unwrap();
    let set = next(&mut rx).await;
    assert_eq!(set.updates[0].old.as_ref().unwrap()[0].value, Value::Int(10));
    assert!(client.cache().entry("frontend.namespaceRPS").unwrap().invalid.is_none());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_refused_for_lack_of_permission_is_fatal_but_other_auth_changes_are_not() {
    use tcfg_testkit::{Perm, User};
    let cluster = EtcdCluster::single();
    cluster
        .enable_auth(&[User {
            name: "reader",
            password: "r-pw",
            prefix: Some((PREFIX, Perm::Read)),
        }])
        .await;
    let mut root = cluster.root_client().await;
    root.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    let proxy = tcfg_testkit::Proxy::start(cluster.members[0].addr()).await;
    let store = Store::connect(ConnectionSettings {
        endpoints: vec![proxy.endpoint()],
        user: Some("reader".into()),
        password: Some("r-pw".into()),
        command_timeout: Duration::from_secs(2),
        dial_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = Client::start(store, registry(), fast()).await.unwrap();
    let mut rx = client.subscribe();
    let mut notices = client.notices();
    let interrupted = |n: &Notice| matches!(n, Notice::Interrupted { .. });

    // Another user's change moves etcd's auth revision: the watch goes on.
    root.user_add("someone", "pw", None).await.unwrap();
    proxy.cut();
    let n = timeout(Duration::from_secs(5), notices.recv()).await.unwrap().unwrap();
    assert!(interrupted(&n), "{n:?}");
    root.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    proxy.heal();
    let set = next(&mut rx).await;
    assert_eq!(set.updates[0].new.as_ref().unwrap()[0].value, Value::Int(2));
    while let Ok(n) = notices.try_recv() {
        assert!(!matches!(n, Notice::Fatal { .. }), "{n:?}");
    }

    // The reader loses its right to read: watching again is refused, for good.
    root.role_revoke_permission(
        "reader-role",
        PREFIX,
        Some(etcd_client::RoleRevokePermissionOptions::new().with_prefix()),
    )
    .await
    .unwrap();
    proxy.cut();
    proxy.heal();
    let fatal = timeout(Duration::from_secs(10), async {
        loop {
            match notices.recv().await {
                Some(Notice::Fatal { reason }) => return reason,
                Some(_) => continue,
                None => panic!("the client ended without a fatal notice"),
            }
        }
    })
    .await
    .expect("a fatal notice");
    assert!(fatal.contains("permission"), "{fatal}");
    // The last good values keep serving.
    assert_eq!(client.items("frontend.rps").unwrap()[0].value, Value::Int(2));
    client.shutdown().await;
}

/// Item 10 of the hardening: whatever is written, the client keeps serving
/// every other key, on worker threads with small stacks.
#[test]
fn hostile_values_never_stop_the_client() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(512 * 1024)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let cluster = EtcdCluster::single();
        let mut raw = cluster.client().await;
        let client = Client::start(store(cluster.endpoint_list()).await, registry(), fast())
            .await
            .unwrap();
        let mut notices = client.notices();
        let mut rx = client.subscribe();
        let scope = Constraints::default();
        for (i, h) in tcfg_testkit::hostile::values().into_iter().enumerate() {
            // A registered int key (a value Temporal cannot convert is
            // refused too) and a key no release registers (cached as is).
            for key in ["frontend.namespaceRPS", "acme.hostile"] {
                raw.put(format!("{PREFIX}{key}"), h.text.clone(), None).await.unwrap();
            }
            raw.put(format!("{PREFIX}history.rps"), format!("- value: {i}\n"), None)
                .await
                .unwrap();
            // The change to the other key still arrives, in order.
            loop {
                let set = next(&mut rx).await;
                if set.updates.iter().any(|u| u.key.as_str() == "history.rps") {
                    break;
                }
            }
            assert_eq!(
                client.get("history.rps", &scope).unwrap().value,
                Value::Int(i as i64),
                "{}",
                h.name
            );
            // Refused when it does not parse, or by the one verdict on a
            // stored value (the renderer's and `status`'s too): a value too
            // deep to write back within yaml.v3's limits is refused.
            let parsed = tcfg_core::parse_items("v", "acme.hostile", &h.text);
            let refused = h.verdict != tcfg_testkit::hostile::Verdict::Accepted
                || parsed.has_errors()
                || !tcfg_core::temporal::validate::stored_value_errors(
                    "v",
                    &tcfg_core::Key::new("acme.hostile"),
                    &parsed.value,
                    &registry(),
                )
                .is_empty();
            assert_eq!(
                client
                    .cache()
                    .entry("acme.hostile")
                    .is_some_and(|e| e.invalid.is_none()),
                !refused,
                "{}",
                h.name
            );
            // Refusals only; a loaded machine may also stall the stream, which
            // the client then resumes: that is no failure of this test's.
            while let Ok(n) = notices.try_recv() {
                assert!(
                    matches!(
                        n,
                        Notice::Invalid { .. } | Notice::Interrupted { .. } | Notice::Resumed { .. }
                    ),
                    "{}: {n:?}",
                    h.name
                );
            }
        }
        client.shutdown().await;
    });
}
