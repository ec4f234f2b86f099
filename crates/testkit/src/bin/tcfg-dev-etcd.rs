//! Starts a throwaway single-node etcd for the demo, prints its endpoint on
//! the first line of stdout, and runs until stdin closes or it is signalled.
//! The data directory is removed when it exits.

use std::io::{BufRead, Write};

fn main() {
    let cluster = tcfg_testkit::EtcdCluster::single();
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
