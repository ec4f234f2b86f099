//! The watch client's figures against a private etcd, printed as a table:
//! lookup and resolution time, put -> subscriber latency next to a raw
//! etcd-client watch measured in the same run, and cache memory for 100k keys.
//!
//! `cargo bench -p tcfg-core --bench watch`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tcfg_core::serving::watch::{Client, ClientOptions};
use tcfg_core::store::{ConnectionSettings, Store};
use tcfg_core::{Constraints, Registry};
use tcfg_testkit::{EtcdCluster, Options};

/// Counts live heap bytes, to measure what the cache holds.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const PREFIX: &str = "/temporal/dynamicconfig/";

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let cluster = EtcdCluster::start(
        1,
        Options {
            max_txn_ops: Some(10_000),
            ..Default::default()
        },
    );
    let registry = Arc::new(Registry::for_version(None).unwrap());
    let settings = ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        ..Default::default()
    };
    let mut raw = cluster.client().await;
    raw.put(
        format!("{PREFIX}frontend.namespaceRPS"),
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
        None,
    )
    .await
    .unwrap();
    raw.put(
        format!("{PREFIX}matching.numTaskqueueReadPartitions"),
        "- value: 8\n- value: 16\n  constraints: {namespace: payments, taskQueueName: charge}\n",
        None,
    )
    .await
    .unwrap();
    let client = Client::start(
        Store::connect(settings.clone()).await.unwrap(),
        registry.clone(),
        ClientOptions::default(),
    )
    .await
    .unwrap();

    // Lookups: the mean over many calls.
    let n = 1_000_000u32;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(client.entry(std::hint::black_box("frontend.namespaceRPS")));
    }
    let lookup = t.elapsed() / n;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(client.items(std::hint::black_box("frontend.namespaceRPS")));
    }
    let decoded = t.elapsed() / n;
    let scope = Constraints {
        namespace: Some("payments".into()),
        task_queue_name: Some("charge".into()),
        task_type: tcfg_core::TaskQueueType::from_name("Activity"),
        ..Default::default()
    };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(client.get(std::hint::black_box("matching.numTaskqueueReadPartitions"), &scope));
    }
    let resolution = t.elapsed() / n;

    // put -> notified: the client's subscriber and a raw watch receive the
    // same puts; each records when it saw each revision.
    let mut rx = client.subscribe();
    let mut raw_watch = raw
        .watch(PREFIX, Some(etcd_client::WatchOptions::new().with_prefix()))
        .await
        .unwrap();
    let _ = raw_watch.message().await; // the created response
    let rounds = 3000;
    let raw_seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < rounds {
            let m = raw_watch.message().await.unwrap().unwrap();
            for e in m.events() {
                seen.push((e.kv().unwrap().mod_revision(), Instant::now()));
            }
        }
        seen
    });
    let ours_seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < rounds {
            let set = rx.recv().await.unwrap();
            seen.push((set.revision, Instant::now()));
        }
        seen
    });
    let mut started = std::collections::HashMap::new();
    for i in 0..rounds {
        let t = Instant::now();
        let r = raw
            .put(format!("{PREFIX}frontend.rps"), format!("- value: {i}\n"), None)
            .await
            .unwrap();
        started.insert(r.header().unwrap().revision(), t);
        // One change at a time, as config changes come.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let latencies = |seen: Vec<(i64, Instant)>| -> Vec<Duration> {
        seen.into_iter()
            .filter_map(|(rev, at)| started.get(&rev).map(|t| at.duration_since(*t)))
            .collect()
    };
    let mut theirs = latencies(raw_seen.await.unwrap());
    let mut ours = latencies(ours_seen.await.unwrap());
    let (p50_raw, p99_raw) = (percentile(&mut theirs, 0.5), percentile(&mut theirs, 0.99));
    let (p50, p99) = (percentile(&mut ours, 0.5), percentile(&mut ours, 0.99));
    client.shutdown().await;

    // Memory: 100k keys loaded.
    let keys = 100_000;
    let mut value_bytes = 0usize;
    for chunk in (0..keys).collect::<Vec<_>>().chunks(5_000) {
        let ops: Vec<etcd_client::TxnOp> = chunk
            .iter()
            .map(|i| {
                let v = format!(
                    "- value: {i}\n  constraints:\n    namespace: ns-{}\n- value: {}\n",
                    i % 50,
                    i * 2
                );
                value_bytes += v.len();
                etcd_client::TxnOp::put(format!("/big{PREFIX}bench.setting{i:06}"), v, None)
            })
            .collect();
        raw.txn(etcd_client::Txn::new().and_then(ops)).await.unwrap();
    }
    let store = Store::connect(settings)
        .await
        .unwrap()
        .with_prefix(tcfg_core::store::Prefix::new(&format!("/big{PREFIX}")));
    let before = LIVE.load(Ordering::Relaxed);
    let big = Client::start(store, registry, ClientOptions::default()).await.unwrap();
    // Let the start's temporary buffers go.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cache_bytes = (LIVE.load(Ordering::Relaxed) - before).max(0) as usize;
    assert_eq!(big.cache().len(), keys);
    big.shutdown().await;

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    let verdict = |met: bool| if met { "ok" } else { "MISSED" };
    println!("| figure | measured | goal |");
    println!("|---|---:|---|");
    println!(
        "| lookup of a key (its entry) | {lookup:?} | <= 100ns {} |",
        verdict(lookup <= Duration::from_nanos(100))
    );
    println!("| a key's items, decoded (2 items) | {decoded:?} | (reference) |");
    println!(
        "| resolution (taskQueue, 3 constraints) | {resolution:?} | <= 1us {} |",
        verdict(resolution <= Duration::from_micros(1))
    );
    println!("| put -> raw etcd-client watch, p50 / p99 | {p50_raw:?} / {p99_raw:?} | (reference) |");
    println!(
        "| put -> subscriber, p50 / p99 | {p50:?} / {p99:?} | p99 <= 1.2x raw ({:.2}x) and <= 2ms {} |",
        ratio(p99, p99_raw),
        verdict(ratio(p99, p99_raw) <= 1.2 && p99 <= Duration::from_millis(2))
    );
    println!(
        "| cache for {keys} keys | {:.1} MiB for {:.1} MiB of values ({:.2}x) | <= 3x {} |",
        cache_bytes as f64 / 1048576.0,
        value_bytes as f64 / 1048576.0,
        cache_bytes as f64 / value_bytes as f64,
        verdict(cache_bytes <= 3 * value_bytes)
    );
}
