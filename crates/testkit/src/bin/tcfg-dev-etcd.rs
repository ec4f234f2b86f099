//! Starts a throwaway single-node etcd for the demo, prints its endpoint on
//! the first line of stdout, and runs until stdin closes or it gets SIGINT or
//! SIGTERM. The data directory is removed when it exits.
//! `TCFG_DEV_ETCD_CLUSTERS=N` starts N separate clusters instead (a fleet,
//! for benchmarks) and prints their endpoints one per line, all at once.

use std::io::{BufRead, Write};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Benchmarks apply 1,000 keys in one transaction: raise etcd's limit.
    let max_txn_ops = std::env::var("TCFG_DEV_ETCD_MAX_TXN_OPS")
        .ok()
        .and_then(|v| v.parse().ok());
    let count: usize = std::env::var("TCFG_DEV_ETCD_CLUSTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let clusters: Vec<_> = (0..count)
        .map(|_| {
            tcfg_testkit::EtcdCluster::start(
                1,
                tcfg_testkit::Options {
                    max_txn_ops,
                    ..Default::default()
                },
            )
        })
        .collect();
    let endpoints: Vec<String> = clusters.iter().map(|c| c.endpoints()).collect();
    println!("{}", endpoints.join("\n"));
    std::io::stdout().flush().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        // The demo script holds stdin open; its end is the signal to stop.
        for line in std::io::stdin().lock().lines() {
            if line.is_err() {
                break;
            }
        }
        let _ = tx.send(());
    });
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
    tokio::select! {
        _ = rx => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    // Dropping the clusters kills etcd and removes their data.
    drop(clusters);
}
