//! Loads a synthetic dynamic config into an etcd for benchmarks, and writes
//! the key registry (`--schema` TSV) that describes it: Temporal registers
//! about 600 keys, so a 10,000-key prefix needs a registry of its own.
//!
//! usage: tcfg-bench-data ENDPOINT PREFIX KEYS SCHEMA_FILE

use etcd_client::{Client, Txn, TxnOp};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, endpoint, prefix, keys, schema] = args.as_slice() else {
        eprintln!("usage: tcfg-bench-data ENDPOINT PREFIX KEYS SCHEMA_FILE");
        std::process::exit(2);
    };
    let n: usize = keys.parse().expect("KEYS is a number");
    let prefix = if prefix.ends_with('/') {
        prefix.clone()
    } else {
        format!("{prefix}/")
    };
    let mut tsv = String::from("key\ttype\tprecedence\tdefault\tconstrained_defaults\n");
    let mut client = Client::connect([endpoint.as_str()], None).await.expect("connect");
    let mut ops = Vec::new();
    for i in 0..n {
        let name = format!("bench.service{}.setting{i:06}", i % 10);
        tsv.push_str(&format!("{name}\tint\tnamespace\t0\t\n"));
        let value = format!(
            "- value: {}\n  constraints:\n    namespace: ns-{}\n- value: {i}\n",
            i * 2,
            i % 100
        );
        ops.push(TxnOp::put(format!("{prefix}{name}"), value, None));
        if ops.len() == 128 {
            client
                .txn(Txn::new().and_then(std::mem::take(&mut ops)))
                .await
                .expect("write");
        }
    }
    // One real Temporal key, for single-key reads with the embedded registry.
    tsv.push_str("frontend.namespaceRPS\tint\tnamespace\t2400\t\n");
    ops.push(TxnOp::put(
        format!("{prefix}frontend.namespaceRPS"),
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
        None,
    ));
    if !ops.is_empty() {
        client.txn(Txn::new().and_then(ops)).await.expect("write");
    }
    std::fs::write(schema, tsv).expect("write the schema file");
}
