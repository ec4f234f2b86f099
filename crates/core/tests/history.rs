//! Reading a prefix's history from etcd, the way each release allows: with
//! progress answers where etcd gives them in order, and from a revision
//! known to hold an event where it does not (etcd #15220, #17507). Every
//! way must give exactly the events written, on whatever release runs.

use std::time::Duration;

use tcfg_core::store::{ConnectionSettings, ProgressAnswers, Store};
use tcfg_testkit::EtcdCluster;

const PREFIX: &str = "/temporal/dynamicconfig/";

/// The store as the release under test is read, and as the older
/// releases' path reads it.
async fn stores(cluster: &EtcdCluster) -> Vec<(&'static str, Store)> {
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        command_timeout: Duration::from_secs(5),
        dial_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .await
    .unwrap();
    vec![
        ("as its release answers", store.clone()),
        (
            "without progress answers",
            store.clone().assuming_progress_answers(ProgressAnswers::Early),
        ),
        (
            "asking only when current",
            store.assuming_progress_answers(ProgressAnswers::MayBeLost),
        ),
    ]
}

/// (revision, key, deleted) of each event from `from` to `to`.
async fn read(store: &Store, from: i64, to: i64) -> (Vec<(i64, String, bool)>, i64) {
    let h = store.prefix_history(from, to).await.unwrap();
    let events = h
        .events
        .iter()
        .map(|e| (e.revision, e.key.clone(), e.value.is_none()))
        .collect();
    (events, h.complete_from)
}

fn between(all: &[(i64, String, bool)], from: i64, to: i64) -> Vec<(i64, String, bool)> {
    all.iter().filter(|e| e.0 >= from && e.0 <= to).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_way_of_reading_history_gives_every_event_written() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    let mut written: Vec<(i64, String, bool)> = Vec::new();
    // More than one batch of etcd's (1,000 revisions), with revisions
    // outside the prefix between, and deletes.
    for i in 0..1_300 {
        let key = format!("{PREFIX}k{}", i % 7);
        let r = if i % 11 == 10 {
            raw.delete(key.as_str(), None)
                .await
                .unwrap()
                .header()
                .unwrap()
                .revision()
        } else {
            raw.put(key.as_str(), format!("- value: {i}\n"), None)
                .await
                .unwrap()
                .header()
                .unwrap()
                .revision()
        };
        // A delete of a key not there writes nothing.
        if written.last().is_none_or(|l| l.0 != r) {
            written.push((r, key, i % 11 == 10));
        }
        if i % 3 == 0 {
            raw.put(format!("/elsewhere/{i}"), "x", None).await.unwrap();
        }
    }
    // The newest events are deletes: no key now was written after them.
    for i in 0..7 {
        let key = format!("{PREFIX}k{i}");
        let r = raw.delete(key.as_str(), None).await.unwrap();
        if r.deleted() > 0 {
            written.push((r.header().unwrap().revision(), key, true));
        }
    }
    raw.put(format!("{PREFIX}kept"), "- value: 1\n", None).await.unwrap();
    let kept = raw.get(format!("{PREFIX}kept"), None).await.unwrap().kvs()[0].mod_revision();
    written.push((kept, format!("{PREFIX}kept"), false));
    for i in 0..20 {
        raw.put(format!("/elsewhere/tail{i}"), "x", None).await.unwrap();
    }
    let now = raw.get("/", None).await.unwrap().header().unwrap().revision();
    let first = written[0].0;
    let last_delete = written[written.len() - 2].0;
    for (how, store) in stores(&cluster).await {
        for (from, to) in [
            (1, now),
            (first + 500, first + 1_700),
            (last_delete - 3, last_delete),
            // After every write to the prefix: nothing.
            (kept + 1, now),
            // Only deletes, with a key written after them.
            (last_delete - 2, kept - 1),
        ] {
            let (got, complete_from) = read(&store, from, to).await;
            assert_eq!(complete_from, from, "{how} {from}..{to}");
            assert_eq!(got, between(&written, from, to), "{how}: {from}..{to}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_quiet_since_the_compaction_reads_as_it_is() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}a"), "- value: 1\n", None).await.unwrap();
    raw.put(format!("{PREFIX}b"), "- value: 1\n", None).await.unwrap();
    for i in 0..5 {
        raw.put(format!("/elsewhere/{i}"), "x", None).await.unwrap();
    }
    let floor = raw.get("/", None).await.unwrap().header().unwrap().revision();
    raw.compact(floor, None).await.unwrap();
    for i in 5..9 {
        raw.put(format!("/elsewhere/{i}"), "x", None).await.unwrap();
    }
    let quiet = raw.get("/", None).await.unwrap().header().unwrap().revision();
    for (how, store) in stores(&cluster).await {
        let h = store.prefix_history(1, quiet).await.unwrap();
        assert!(h.events.is_empty(), "{how}: {:?}", h.events);
        assert!(h.complete_from >= floor, "{how}: {}", h.complete_from);
        assert_eq!(store.compaction_floor().await.unwrap(), floor, "{how}");
    }
    // Another tool creates a key and deletes it again, then deletes one
    // that was there at the compaction.
    let created = raw
        .put(format!("{PREFIX}c"), "- value: 1\n", None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    raw.put("/elsewhere/x", "x", None).await.unwrap();
    let gone = raw
        .delete(format!("{PREFIX}c"), None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    raw.put("/elsewhere/y", "x", None).await.unwrap();
    let now = raw.get("/", None).await.unwrap().header().unwrap().revision();
    for (how, store) in stores(&cluster).await {
        let (got, _) = read(&store, quiet, now).await;
        let keys: Vec<(i64, bool)> = got.iter().map(|e| (e.0, e.2)).collect();
        assert_eq!(keys, [(created, false), (gone, true)], "{how}");
    }
    let deleted = raw
        .delete(format!("{PREFIX}a"), None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    raw.put("/elsewhere/z", "x", None).await.unwrap();
    let now = raw.get("/", None).await.unwrap().header().unwrap().revision();
    for (how, store) in stores(&cluster).await {
        let (got, _) = read(&store, gone + 1, now).await;
        assert_eq!(got, [(deleted, format!("{PREFIX}a"), true)], "{how}");
    }
}
