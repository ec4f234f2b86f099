//! The renderer and its status records, and the leadership of the
//! expirers (`tcfg expire --follow`), against real etcd, as a service
//! embedding `core` would drive them.

use std::sync::Arc;
use std::time::Duration;

use tcfg_core::serving::expirer::{election_name, Leadership};
use tcfg_core::serving::file::FileWriter;
use tcfg_core::serving::render::RenderOptions;
use tcfg_core::serving::renderer::{Outcome, Renderer};
use tcfg_core::serving::status::{status_prefix, wait_for_renderers, RendererStatus, StatusReporter};
use tcfg_core::serving::watch::{Client, ClientOptions};
use tcfg_core::store::{ConnectionSettings, Store};
use tcfg_core::Registry;
use tcfg_testkit::EtcdCluster;
use tokio::time::timeout;

const PREFIX: &str = "/temporal/dynamicconfig/";

fn registry() -> Arc<Registry> {
    Arc::new(Registry::for_version(None).unwrap())
}

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

async fn put(store: &Store, key: &str, value: &str) -> i64 {
    let r = store.client().put(format!("{PREFIX}{key}"), value, None).await.unwrap();
    r.header().unwrap().revision()
}

/// Wait until the file holds `want`.
async fn file_shows(path: &std::path::Path, want: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(want) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the file never showed {want:?}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_taken_in_before_following_began_is_rendered() {
    let cluster = EtcdCluster::single();
    let store = store(&cluster).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    put(&store, "frontend.rps", "- value: 1\n").await;
    let registry = registry();
    let writer = FileWriter::new(&path, None).unwrap();
    let mut renderer = Renderer::new(store.clone(), registry.clone(), writer, None, RenderOptions::default());
    let (outcome, first) = renderer.render_at(None).await.unwrap();
    assert!(matches!(outcome, Outcome::Written { .. }), "{outcome:?}");
    let client = Client::start_at(store.clone(), registry, ClientOptions::default(), Some(first.revision))
        .await
        .unwrap();
    // The client has the change before anyone subscribed to it: no change
    // set will ever say so.
    let rev = put(&store, "frontend.rps", "- value: 2\n").await;
    client.wait_for(rev, Duration::from_secs(10)).await.unwrap();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let following = tokio::spawn(async move {
        renderer.follow(&client, stop, |_| {}).await;
        client.shutdown().await;
    });
    file_shows(&path, "value: 2").await;
    stop_tx.send(true).unwrap();
    following.await.unwrap();
}

/// The record of `name`: its revision and lease, once it exists.
async fn record(store: &Store, name: &str) -> Option<(i64, i64)> {
    let key = format!("{}{name}", status_prefix(store.prefix()));
    let answer = store.client().get(key, None).await.unwrap();
    answer.kvs().first().map(|kv| {
        let s: RendererStatus = serde_json::from_slice(kv.value()).unwrap();
        (s.revision, kv.lease())
    })
}

async fn record_until(
    store: &Store,
    name: &str,
    what: &str,
    ok: impl Fn(Option<(i64, i64)>) -> bool,
) -> Option<(i64, i64)> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = record(store, name).await;
        if ok(r) {
            return r;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {r:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn status(name: &str, revision: i64) -> RendererStatus {
    RendererStatus {
        name: name.into(),
        revision,
        at: RendererStatus::now(),
        file: "/etc/temporal/dc.yaml".into(),
        held: vec![],
        refused: None,
        version: "test".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_whose_lease_was_lost_is_written_again_on_a_new_one() {
    let cluster = EtcdCluster::single();
    let store = store(&cluster).await;
    let reporter = StatusReporter::start(&store, "host-a", Duration::from_secs(3))
        .await
        .unwrap();
    reporter.report(status("host-a", 5));
    let (_, lease) = record_until(&store, "host-a", "never reported", |r| r.is_some())
        .await
        .unwrap();
    // As when etcd was away for longer than the TTL: the lease, and the
    // record with it, are gone.
    store.client().lease_revoke(lease).await.unwrap();
    let (revision, again) = record_until(&store, "host-a", "never written again", |r| {
        r.is_some_and(|(_, l)| l != lease)
    })
    .await
    .unwrap();
    assert_eq!(revision, 5);
    // A newer status replaces the record; stop removes it at once.
    reporter.report(status("host-a", 9));
    record_until(&store, "host-a", "the newer status", |r| r == Some((9, again))).await;
    reporter.stop().await;
    assert_eq!(record(&store, "host-a").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_ends_when_every_live_renderer_reaches_the_revision() {
    let cluster = EtcdCluster::single();
    let store = store(&cluster).await;
    // No renderer: nothing to wait for.
    let none = wait_for_renderers(&store, 100, Duration::from_secs(5), |_| {})
        .await
        .unwrap();
    assert!(none.done() && none.current.is_empty());
    let a = StatusReporter::start(&store, "a", Duration::from_secs(5))
        .await
        .unwrap();
    let b = StatusReporter::start(&store, "b", Duration::from_secs(5))
        .await
        .unwrap();
    a.report(status("a", 10));
    b.report(status("b", 3));
    // Each at the revision it reported (a record may first be written before
    // the report reaches it: a wait then would see a behind too).
    record_until(&store, "b", "b never reported", |r| r.is_some_and(|(rev, _)| rev == 3)).await;
    record_until(&store, "a", "a never reported", |r| r.is_some_and(|(rev, _)| rev == 10)).await;
    // b stays behind: the wait says so once, and ends at its limit naming it.
    let mut told = Vec::new();
    let late = wait_for_renderers(&store, 10, Duration::from_millis(300), |c| {
        told.push(c.behind.iter().map(|s| s.name.clone()).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    assert_eq!(told, [["b"]]);
    assert_eq!(late.behind.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["b"]);
    assert_eq!(late.current.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["a"]);
    // b catches up while a wait runs: it ends then, well before its limit.
    let waiting = tokio::spawn({
        let store = store.clone();
        async move {
            wait_for_renderers(&store, 10, Duration::from_secs(60), |_| {})
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "b is behind: the wait goes on");
    b.report(status("b", 12));
    let caught_up = timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the wait saw b catch up")
        .unwrap();
    assert!(caught_up.done(), "{caught_up:?}");
    assert_eq!(caught_up.current.len(), 2);
    // A renderer that stops drops out of a wait.
    let c = StatusReporter::start(&store, "c", Duration::from_secs(5))
        .await
        .unwrap();
    c.report(status("c", 1));
    record_until(&store, "c", "c never reported", |r| r.is_some()).await;
    let waiting = tokio::spawn({
        let store = store.clone();
        async move {
            wait_for_renderers(&store, 10, Duration::from_secs(60), |_| {})
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished(), "c is behind: the wait goes on");
    c.stop().await;
    let without_c = timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the wait saw c go")
        .unwrap();
    assert!(without_c.done());
    assert_eq!(without_c.current.len(), 2);
    a.stop().await;
    b.stop().await;
}

/// A render from the watch client's cache (each change decides again only
/// the keys it touched) says what a render from a read of the prefix says,
/// from the same last good state: the same file and the same held keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_from_the_cache_equals_one_from_a_read() {
    let cluster = EtcdCluster::single();
    let store = store(&cluster).await;
    let dir = tempfile::tempdir().unwrap();
    let registry = registry();
    for (k, v) in [
        ("frontend.rps", "- value: 1\n"),
        ("history.rps", "- value: 2\n"),
        ("matching.rps", "- value: 3\n"),
        ("frontend.namespaceRPS", "- value: 4\n  constraints: {namespace: a}\n"),
        ("limit.maxIDLength", "- value: 5\n"),
        ("acme.custom", "- value: x\n"),
        ("system.enableActivityEagerExecution", "- value: true\n"),
        ("System.EnableActivityEagerExecution", "- value: false\n"),
    ] {
        put(&store, k, v).await;
    }
    let path = dir.path().join("cache.yaml");
    let mut following = Renderer::new(
        store.clone(),
        registry.clone(),
        FileWriter::new(&path, None).unwrap(),
        None,
        RenderOptions::default(),
    );
    let (_, first) = following.render_at(None).await.unwrap();
    let client = Client::start_at(
        store.clone(),
        registry.clone(),
        ClientOptions::default(),
        Some(first.revision),
    )
    .await
    .unwrap();
    let (mut checked, mut most_held) = (0, 0);
    for (k, v) in [
        // Of the wrong type; an unknown constraint; not YAML; fine again.
        ("frontend.rps", Some("- value: lots\n")),
        ("history.rps", Some("- value: 2\n  constraints: {region: eu}\n")),
        ("matching.rps", Some("- value: [\n")),
        ("frontend.rps", Some("- value: 7\n")),
        ("limit.maxIDLength", None),
        ("acme.custom", Some("- value: y\n")),
        ("System.EnableActivityEagerExecution", None),
        (
            "frontend.namespaceRPS",
            Some("- value: 8\n  constraints: {namespace: b}\n"),
        ),
    ] {
        let rev = match v {
            Some(v) => put(&store, k, v).await,
            None => {
                let r = store.client().delete(format!("{PREFIX}{k}"), None).await.unwrap();
                r.header().unwrap().revision()
            }
        };
        client.wait_for(rev, Duration::from_secs(10)).await.unwrap();
        // The read's renderer starts from the file the cache's renderer left.
        let before = dir.path().join(format!("read-{checked}.yaml"));
        std::fs::copy(&path, &before).unwrap();
        let (_, from_cache) = following.render_cache(&client.cache()).unwrap();
        let mut reading = Renderer::new(
            store.clone(),
            registry.clone(),
            FileWriter::new(&before, None).unwrap(),
            None,
            RenderOptions::default(),
        );
        let (_, from_read) = reading.render_at(Some(from_cache.revision)).await.unwrap();
        assert_eq!(from_cache.text, from_read.text, "after {k}");
        let held = |r: &tcfg_core::serving::render::Rendered| {
            r.held
                .iter()
                .map(|h| (h.etcd_key.clone(), h.kept_last_good))
                .collect::<Vec<_>>()
        };
        assert_eq!(held(&from_cache), held(&from_read), "after {k}");
        assert_eq!(from_cache.unknown, from_read.unknown, "after {k}");
        most_held = most_held.max(from_cache.held.len());
        checked += 1;
    }
    assert_eq!(checked, 8);
    // The spelling, the wrong type, the constraint and the YAML, at once.
    assert_eq!(most_held, 4);
    client.shutdown().await;
}

/// A leader learns at once that its lease ended, and the next in line leads.
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
