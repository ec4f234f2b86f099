//! How long a put takes to reach the file `tcfg render --follow` keeps: put
//! one key, then watch FILE until it is replaced (a rename gives it a new
//! inode) with the new value; CHANGES times, one after the other. Prints
//! `p50_ms p99_ms max_ms`.
//!
//! usage: tcfg-bench-render ENDPOINT ETCD_KEY FILE CHANGES

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use etcd_client::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, endpoint, key, file, changes] = args.as_slice() else {
        eprintln!("usage: tcfg-bench-render ENDPOINT ETCD_KEY FILE CHANGES");
        std::process::exit(2);
    };
    let changes: usize = changes.parse().expect("CHANGES is a number");
    let mut client = Client::connect([endpoint.as_str()], None).await.expect("connect");
    let inode = || std::fs::metadata(file).map(|m| m.ino()).unwrap_or(0);
    let mut took = Vec::with_capacity(changes);
    for i in 0..changes {
        // A value no earlier change wrote, so every put changes the file.
        let value = 1_000_000 + i;
        let before = inode();
        let started = Instant::now();
        client
            .put(key.as_str(), format!("- value: {value}\n"), None)
            .await
            .expect("put");
        let needle = format!("value: {value}\n");
        loop {
            if inode() != before && std::fs::read_to_string(file).is_ok_and(|t| t.contains(&needle)) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "change {i} never reached {file}"
            );
            std::hint::spin_loop();
        }
        took.push(started.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q).ceil() as usize).clamp(1, took.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:.2} {:.2} {:.2}",
        ms(at(0.50)),
        ms(at(0.99)),
        ms(*took.last().unwrap())
    );
}
