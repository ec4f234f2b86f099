//! Starts a throwaway single-node etcd for the demo, prints its endpoint on
//! the first line of stdout, and runs until stdin closes or it is signalled.
//! The data directory is removed when it exits.

use std::io::{BufRead, Write};

fn main() {
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
    // Wait for stdin to close (the demo script holds it open).
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        if line.is_err() {
            break;
        }
    }
    drop(cluster);
}
