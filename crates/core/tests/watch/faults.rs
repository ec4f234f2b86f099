//! The watch client through what etcd does to a watch: compaction past it,
//! a network cut, members lost and frozen under a busy writer, bursts
//! around a resume.

use crate::{converged, fast, next, registry, settle, store, PREFIX};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tcfg_core::serving::watch::{Cause, Client, ClientOptions, Notice, UpdateKind};
use tcfg_core::store::{Prefix, Store};
use tcfg_core::Value;
use tcfg_testkit::{EtcdCluster, Options};
use tokio::time::timeout;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_past_the_watcher_reloads_and_delivers_deletes() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    for k in ["frontend.rps", "frontend.namespaceRPS", "limit.maxIDLength"] {
        raw.put(format!("{PREFIX}{k}"), "- value: 1\n", None).await.unwrap();
    }
    // The watcher reaches etcd through a proxy: the network can be cut.
    let proxy = tcfg_testkit::Proxy::start(cluster.members[0].addr()).await;
    let client = Arc::new(
        Client::start(store(vec![proxy.endpoint()]).await, registry(), fast())
            .await
            .unwrap(),
    );
    let mut rx = client.subscribe();
    let mut notices = client.notices();
    let stop = Arc::new(AtomicBool::new(false));
    let empty_reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (c, stop, empty) = (client.clone(), stop.clone(), empty_reads.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if c.cache().len() < 2 {
                    empty.fetch_add(1, Ordering::Relaxed);
                }
                // A pause, not yield_now: a spinning reader would hold one of
                // the two cores that etcd's three members need.
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
        })
    };
    proxy.cut();
    // The watcher notices the cut. Only then is it away for sure: the
    // proxy closes its connections a moment after `cut`, and an event
    // sent meanwhile would still reach the watcher.
    let n = timeout(Duration::from_secs(5), notices.recv()).await.unwrap().unwrap();
    assert!(matches!(n, Notice::Interrupted { .. }), "{n:?}");
    // While the watcher is away: a delete, two puts, and a compaction past it all.
    raw.delete(format!("{PREFIX}limit.maxIDLength"), None).await.unwrap();
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    let r = raw
        .put(format!("{PREFIX}frontend.rps"), "- value: 3\n", None)
        .await
        .unwrap();
    raw.compact(r.header().unwrap().revision(), None).await.unwrap();
    proxy.heal();

    let set = next(&mut rx).await;
    assert!(matches!(set.cause, Cause::Reload { .. }), "{:?}", set.cause);
    let deleted: Vec<&str> = set
        .updates
        .iter()
        .filter(|u| u.kind == UpdateKind::Delete)
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(deleted, ["limit.maxIDLength"], "a delete during the gap is delivered");
    let put = set.updates.iter().find(|u| u.key.as_str() == "frontend.rps").unwrap();
    assert_eq!(put.new.as_ref().unwrap()[0].value, Value::Int(3));
    assert_eq!(set.updates.len(), 2);
    // The reload was announced (before its change set was sent).
    let mut saw_reload = false;
    while let Ok(n) = notices.try_recv() {
        saw_reload |= matches!(n, Notice::Reloaded { changed: 2, .. });
    }
    assert!(saw_reload, "no Reloaded notice before the reload's change set");
    // After the reload, watching goes on.
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 4\n", None)
        .await
        .unwrap();
    assert_eq!(next(&mut rx).await.cause, Cause::Watch);
    stop.store(true, Ordering::Relaxed);
    reader.await.unwrap();
    assert_eq!(
        empty_reads.load(Ordering::Relaxed),
        0,
        "a lookup saw an empty or partial map"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_cut_without_compaction_reloads_nothing() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    let proxy = tcfg_testkit::Proxy::start(cluster.members[0].addr()).await;
    let client = Client::start(store(vec![proxy.endpoint()]).await, registry(), fast())
        .await
        .unwrap();
    let mut rx = client.subscribe();
    let mut notices = client.notices();
    proxy.cut();
    let n = timeout(Duration::from_secs(5), notices.recv()).await.unwrap().unwrap();
    assert!(matches!(n, Notice::Interrupted { .. }), "{n:?}");
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 3\n", None)
        .await
        .unwrap();
    // Several attempts fail while the network is cut: one notice for them all.
    let tried = proxy.connections();
    tcfg_testkit::eventually(Duration::from_secs(20), "three more connection attempts", || async {
        proxy.connections() >= tried + 3
    })
    .await;
    assert!(notices.try_recv().is_err(), "one notice per outage, not per attempt");
    proxy.heal();
    // The missed revisions arrive one by one, as they happened.
    let a = next(&mut rx).await;
    let b = next(&mut rx).await;
    assert_eq!((a.cause, b.cause), (Cause::Watch, Cause::Watch));
    assert_eq!(a.updates[0].new.as_ref().unwrap()[0].value, Value::Int(2));
    assert_eq!(b.updates[0].new.as_ref().unwrap()[0].value, Value::Int(3));
    assert_eq!(b.revision, a.revision + 1);
    let n = notices.try_recv().expect("a notice that the watch resumed");
    assert!(matches!(n, Notice::Resumed { .. }), "{n:?}");
    while let Ok(n) = notices.try_recv() {
        assert!(!matches!(n, Notice::Reloaded { .. }), "nothing was missed: no reload");
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_a_three_member_cluster_under_a_busy_writer() {
    let mut cluster = EtcdCluster::start(3, Options::default());
    let prefix = Prefix::new(PREFIX);
    let mut raw = cluster.client().await;
    raw.put(prefix.key_path("frontend.rps"), "- value: 0\n", None)
        .await
        .unwrap();
    let client = Arc::new(
        Client::start(store(cluster.endpoint_list()).await, registry(), fast())
            .await
            .unwrap(),
    );
    let start_revision = client.revision();
    let mut rx = client.subscribe();
    let mut notices = client.notices();
    // A second client reaches etcd through member 0 only: the member frozen below.
    let pinned = Client::start(store(vec![cluster.members[0].endpoint()]).await, registry(), fast())
        .await
        .unwrap();
    let mut pinned_notices = pinned.notices();

    // Readers check, all along, that no lookup sees an empty or partial map.
    let stop = Arc::new(AtomicBool::new(false));
    let bad_reads = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (client, stop, bad) = (client.clone(), stop.clone(), bad_reads.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let c = client.cache();
                // Every key is written with the same value in one txn: a partial
                // application would show two values at once.
                let values: std::collections::HashSet<_> = c.entries().map(|e| e.compact().clone()).collect();
                if c.is_empty() || values.len() > 1 {
                    bad.fetch_add(1, Ordering::Relaxed);
                }
                // A pause, not yield_now: a spinning reader would hold one of
                // the two cores that etcd's three members need.
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
        })
    };
    // A writer makes changes through every fault: each txn sets 3 keys to n.
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (endpoints, stop, written) = (cluster.endpoint_list(), stop.clone(), written.clone());
        tokio::spawn(async move {
            let mut n = 1u64;
            let opts = etcd_client::ConnectOptions::new().with_timeout(Duration::from_millis(500));
            let mut c = etcd_client::Client::connect(endpoints, Some(opts)).await.unwrap();
            while !stop.load(Ordering::Relaxed) {
                let v = format!("- value: {n}\n");
                let ops: Vec<etcd_client::TxnOp> = ["frontend.rps", "frontend.namespaceRPS", "limit.maxIDLength"]
                    .iter()
                    .map(|k| etcd_client::TxnOp::put(format!("{PREFIX}{k}"), v.clone(), None))
                    .collect();
                // A new value every attempt: a transaction whose answer was
                // lost may still have been applied, and the next one must
                // change the values again (a put of equal items is no change
                // set), so that every revision is one change set.
                n += 1;
                if c.txn(etcd_client::Txn::new().and_then(ops)).await.is_ok() {
                    written.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let wait_writes = |n: usize| {
        let written = written.clone();
        async move {
            let start = written.load(Ordering::Relaxed);
            tcfg_testkit::eventually(Duration::from_secs(120), &format!("{n} more writes"), || async {
                written.load(Ordering::Relaxed) >= start + n
            })
            .await;
        }
    };
    wait_writes(200).await;
    // kill -9 of the leader, then its restart.
    let leader = cluster.leader().await;
    cluster.members[leader].kill();
    wait_writes(200).await;
    cluster.members[leader].restart();
    cluster.members[leader].wait_ready();
    wait_writes(200).await;
    // The pinned client must be watching when its member freezes, not still
    // reconnecting after the restart (member 0 may have been the leader):
    // an outage already under way has had its one notice.
    settle(&mut pinned_notices).await;
    // A member frozen (SIGSTOP) and thawed.
    cluster.members[0].signal(libc::SIGSTOP);
    // The pinned client's stream goes silent: its liveness check must find
    // that out (its member stays frozen until it does).
    let mut seen = Vec::new();
    let stalled = timeout(Duration::from_secs(20), async {
        loop {
            match pinned_notices.recv().await {
                Some(Notice::Interrupted { reason, .. }) if reason.contains("no word from etcd") => return reason,
                Some(other) => seen.push(format!("{other:?}")),
                None => panic!("the pinned client stopped"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the liveness check finds the frozen member; notices meanwhile: {seen:?}"));
    assert!(stalled.starts_with("no word from etcd for"), "{stalled}");
    // A duration as people read it (5s 999ms), not 5.999669578s.
    assert!(!stalled.contains('.'), "{stalled}");
    // Writes crawl while the writer's client keeps trying the frozen member.
    wait_writes(20).await;
    cluster.members[0].signal(libc::SIGCONT);
    wait_writes(200).await;
    // Compaction of everything so far.
    let mut c = etcd_client::Client::connect(cluster.endpoint_list(), None)
        .await
        .unwrap();
    let rev = c.get("/", None).await.unwrap().header().unwrap().revision();
    c.compact(rev, None).await.unwrap();
    wait_writes(200).await;
    // Every member down at once, until both clients have found the cluster
    // silent (their liveness checks), then back.
    settle(&mut notices).await;
    settle(&mut pinned_notices).await;
    for m in &cluster.members {
        m.signal(libc::SIGSTOP);
    }
    for (name, rx) in [("the client", &mut notices), ("the pinned client", &mut pinned_notices)] {
        timeout(Duration::from_secs(30), async {
            loop {
                match rx.recv().await {
                    Some(Notice::Interrupted { .. }) => return,
                    Some(_) => continue,
                    None => panic!("{name} stopped"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{name} finds the whole cluster silent"));
    }
    for m in &cluster.members {
        m.signal(libc::SIGCONT);
    }
    wait_writes(200).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    reader.await.unwrap();

    let check = store(cluster.endpoint_list()).await;
    assert!(
        converged(&client, &check, Duration::from_secs(1)).await,
        "the cache differs from etcd 1 s after the heal"
    );
    assert!(
        converged(&pinned, &check, Duration::from_secs(1)).await,
        "the client pinned to the frozen member differs from etcd 1 s after the heal"
    );
    pinned.shutdown().await;
    assert_eq!(
        bad_reads.load(Ordering::Relaxed),
        0,
        "a lookup saw an empty or partial map"
    );
    // Change sets arrived in revision order, each once, none skipped: every
    // revision is one writer transaction, so a watched change set is the
    // revision after the one before; only a reload after the compaction may
    // cover several at once.
    let mut last = start_revision;
    let (mut count, mut reloads) = (0, 0);
    while let Ok(set) = rx.try_recv() {
        match set.cause {
            Cause::Watch => assert_eq!(set.revision, last + 1, "revision {} after {last}", set.revision),
            Cause::Reload { .. } => {
                assert!(set.revision > last, "reload at {} after {last}", set.revision);
                reloads += 1;
            }
        }
        last = set.revision;
        count += 1;
    }
    assert!(count > 100, "only {count} change sets");
    assert!(reloads <= 1, "{reloads} reloads for one compaction");
    assert_eq!(last, client.revision(), "the last change set is the client's revision");
    client.shutdown().await;
}

/// A watcher resumed from an old revision while writes keep coming gets
/// every revision's change, in order, on every release. etcd before 3.4.25
/// and 3.5.8 answers a progress request at once, before the past it still
/// has to send (etcd #15220): a client that took such an answer's revision
/// as its own dropped the events below it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_resumed_during_a_burst_misses_nothing() {
    burst_after_a_resume(store_for).await;
}

/// The same through the paths of the older releases, on whatever release
/// runs: progress answers not believed (safe on every release), or asked
/// only once current (safe where etcd answers in order once current: not on
/// the releases that answer early).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_resumed_during_a_burst_misses_nothing_as_older_releases_are_read() {
    use tcfg_core::store::{ProgressAnswers, Release};
    let release = Release::parse(&tcfg_testkit::etcd_release()).expect("the release under test");
    let mut paths = vec![ProgressAnswers::Early];
    if release.progress_answers() >= ProgressAnswers::MayBeLost {
        paths.push(ProgressAnswers::MayBeLost);
    }
    for answers in paths {
        burst_after_a_resume(move |e| async move { store_for(e).await.assuming_progress_answers(answers) }).await;
    }
}

async fn store_for(endpoint: String) -> Store {
    store(vec![endpoint]).await
}

async fn burst_after_a_resume<F, Fut>(connect: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Store>,
{
    const WRITES: i64 = 300;
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}frontend.rps");
    let mut raw = cluster.client().await;
    raw.put(key.as_str(), "- value: 0\n", None).await.unwrap();
    let proxy = tcfg_testkit::Proxy::start(cluster.members[0].addr()).await;
    // Progress asked often, so that an early answer (on releases that give
    // one) overtakes the past; releases that answer in order answer only
    // once the past is sent, which must not look like a stall.
    let options = ClientOptions {
        liveness: Duration::from_millis(if etcd_progress_in_order() { 300 } else { 25 }),
        ..fast()
    };
    let client = Client::start(connect(proxy.endpoint()).await, registry(), options)
        .await
        .unwrap();
    let mut rx = client.subscribe();
    let mut notices = client.notices();
    // Three outages: each resume races the early answers anew.
    for round in 0..3 {
        proxy.cut();
        loop {
            let n = timeout(Duration::from_secs(5), notices.recv()).await.unwrap().unwrap();
            if matches!(n, Notice::Interrupted { .. }) {
                break;
            }
        }
        let base = round * WRITES;
        let written = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (key, written) = (key.clone(), written.clone());
            let mut raw = cluster.client().await;
            tokio::spawn(async move {
                for i in 1..=WRITES {
                    raw.put(key.as_str(), format!("- value: {}\n", base + i), None)
                        .await
                        .unwrap();
                    // Writes outside the prefix: revisions the watch has no event for.
                    raw.put(format!("/elsewhere/{i}"), "x", None).await.unwrap();
                    written.store(i as usize, Ordering::SeqCst);
                }
            })
        };
        tcfg_testkit::eventually(Duration::from_secs(60), "half the writes", || async {
            written.load(Ordering::SeqCst) >= (WRITES / 2) as usize
        })
        .await;
        proxy.heal();
        writer.await.unwrap();
        for want in base + 1..=base + WRITES {
            let set = next(&mut rx).await;
            assert_eq!(set.updates.len(), 1, "{set:?}");
            let got = &set.updates[0].new.as_ref().unwrap()[0].value;
            assert_eq!(got, &Value::Int(want), "a change skipped or out of order");
        }
    }
    client.shutdown().await;
}

/// Whether the etcd under test answers a watch's progress request only
/// after the past it still has to send (core's table of releases).
fn etcd_progress_in_order() -> bool {
    tcfg_core::store::Release::parse(&tcfg_testkit::etcd_release())
        .is_some_and(|r| r.progress_answers() == tcfg_core::store::ProgressAnswers::InOrder)
}
