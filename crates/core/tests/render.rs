//! The renderer and its status records against real etcd, as a service
//! embedding `core` would drive them.

use std::sync::Arc;
use std::time::Duration;

use tcfg_core::serving::file::FileWriter;
use tcfg_core::serving::render::RenderOptions;
use tcfg_core::serving::renderer::{Outcome, Renderer};
use tcfg_core::serving::watch::{Client, ClientOptions};
use tcfg_core::store::{ConnectionSettings, Store};
use tcfg_core::Registry;
use tcfg_testkit::EtcdCluster;

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
