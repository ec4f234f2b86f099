//! Starts a throwaway single-node etcd for the demo, prints its endpoint on
//! the first line of stdout, and runs until stdin closes or it gets SIGINT or
//! SIGTERM. The data directory is removed when it exits.

use std::io::{BufRead, Write};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Benchmarks apply 1,000 keys in one transaction: raise etcd's limit.
    let max_txn_ops = std::env::var("TCFG_DEV_ETCD_MAX_TXN_OPS")
        .ok()
        .and_then(|v| v.parse().ok());
    let cluster = tcfg_testkit::EtcdCluster::start(
        1,
        tcfg_testkit::Options {
            max_txn_ops,
            ..Default::default()
        },
    );
    println!("{}", cluster.endpoints());
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
    // Dropping the cluster kills etcd and removes its data.
    drop(cluster);
}
