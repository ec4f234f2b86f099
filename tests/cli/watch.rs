//! `tcfg watch` end to end: JSON lines through a network cut with compaction
//! and an etcd restart, several prefixes with drift, metrics, clean exit.

use std::io::{Read, Write};

use tcfg_testkit::{EtcdCluster, Proxy};

use crate::common::{raw_put, revision, tcfg, tcfg_at, Watch, HISTORY};

const PREFIX: &str = "/temporal/dynamicconfig/";

fn is_change(v: &serde_json::Value, key: &str, value: i64) -> bool {
    v["type"] == "change" && v["key"] == key && v["new"][0]["value"] == value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_through_a_cut_a_compaction_and_a_restart() {
    let mut cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    raw.put(format!("{PREFIX}limit.maxIDLength"), "- value: 100\n", None)
        .await
        .unwrap();
    let proxy = Proxy::start(cluster.members[0].addr()).await;
    let w = Watch::start(&proxy.endpoint(), &[]);
    let state = w.expect("the state at start", |v| {
        v["type"] == "state" && v["key"] == "frontend.rps"
    });
    assert_eq!(state["items"][0]["value"], 1);
    w.expect("ready", |v| v["type"] == "ready");

    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    let c = w.expect("a change", |v| is_change(v, "frontend.rps", 2));
    assert_eq!((c["kind"].as_str(), c["cause"].as_str()), (Some("put"), Some("watch")));
    assert!(c.get("author").is_none(), "no record, no author: {c}");
    assert_eq!(c["old"][0]["value"], 1);
    assert!(c["revision"].as_i64().unwrap() > 0 && c["time"].as_str().unwrap().ends_with('Z'));
    // A change made with tcfg carries its author and message.
    let o = tcfg_at(&cluster.endpoints())
        .env("USER", "alice")
        .args(["put", "frontend.rps", "5", "--yes", "-m", "more for the launch"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let c = w.expect("a recorded change", |v| is_change(v, "frontend.rps", 5));
    assert!(c["author"].as_str().unwrap().starts_with("alice@"), "{c}");
    assert_eq!(c["message"], "more for the launch");

    // Cut the network; while away: a delete, a put, and a compaction past it all.
    proxy.cut();
    w.expect_stderr("watch interrupted");
    raw.delete(format!("{PREFIX}limit.maxIDLength"), None).await.unwrap();
    let r = raw
        .put(format!("{PREFIX}frontend.rps"), "- value: 3\n", None)
        .await
        .unwrap();
    raw.compact(r.header().unwrap().revision(), None).await.unwrap();
    proxy.heal();
    w.expect_stderr("compacted at");
    let a = w.expect("a change found on reload", |v| v["type"] == "change");
    let b = w.expect("a change found on reload", |v| v["type"] == "change");
    let (put, del) = if a["kind"] == "put" { (a, b) } else { (b, a) };
    assert_eq!(
        (del["key"].as_str(), del["kind"].as_str(), del["cause"].as_str()),
        (Some("limit.maxIDLength"), Some("delete"), Some("reload"))
    );
    assert!(is_change(&put, "frontend.rps", 3) && put["cause"] == "reload", "{put}");

    // An etcd restart (kill -9, same data): the watch goes on.
    cluster.members[0].kill();
    w.expect_stderr("watch interrupted");
    cluster.members[0].restart();
    cluster.members[0].wait_ready();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 4\n", None)
        .await
        .unwrap();
    w.expect("a change after the restart", |v| is_change(v, "frontend.rps", 4));
    assert_eq!(w.terminate(), 0, "SIGTERM ends the watch cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_prefixes_report_drift_and_scoped_values() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    for p in ["/active", "/passive-eu"] {
        raw.put(format!("{p}{PREFIX}frontend.namespaceRPS"), "- value: 100\n", None)
            .await
            .unwrap();
    }
    let w = Watch::start(
        &cluster.endpoints(),
        &[
            "--prefixes",
            "/active,/passive-eu",
            "frontend.namespaceRPS",
            "--namespace",
            "payments",
        ],
    );
    w.expect("ready", |v| {
        v["type"] == "ready" && v["prefix"] == "/passive-eu/temporal/dynamicconfig/"
    });
    raw.put(
        format!("/active{PREFIX}frontend.namespaceRPS"),
        "- value: 200\n  constraints: {namespace: payments}\n- value: 100\n",
        None,
    )
    .await
    .unwrap();
    let c = w.expect("the change", |v| v["type"] == "change");
    assert_eq!(c["prefix"], "/active/temporal/dynamicconfig/");
    assert_eq!(c["effective"]["old"], 100);
    assert_eq!(c["effective"]["new"], 200);
    let d = w.expect("drift", |v| v["type"] == "drift");
    assert_eq!(d["key"], "frontend.namespaceRPS");
    assert_eq!(d["values"]["/passive-eu/temporal/dynamicconfig/"][0]["value"], 100);
    // Other keys are not shown.
    raw.put(format!("/active{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    raw.put(
        format!("/passive-eu{PREFIX}frontend.namespaceRPS"),
        "- value: 200\n  constraints: {namespace: payments}\n- value: 100\n",
        None,
    )
    .await
    .unwrap();
    let c = w.expect("the passive change", |v| v["type"] == "change");
    assert_eq!(c["key"], "frontend.namespaceRPS");
    assert_eq!(w.terminate(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_in_prometheus_format() {
    let cluster = EtcdCluster::single();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = Watch::start(&cluster.endpoints(), &["--metrics-addr", &format!("127.0.0.1:{port}")]);
    w.expect("ready", |v| v["type"] == "ready");
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 5\n", None)
        .await
        .unwrap();
    w.expect("a change", |v| is_change(v, "frontend.rps", 5));
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    for m in [
        "dynconfig_watch_active 1",
        "dynconfig_key_updates_total{operation=\"DynamicConfigUpdate\",key=\"frontend.rps\"} 1",
        "dynconfig_revision",
        "dynconfig_keys_loaded",
        "dynconfig_load_duration_seconds",
    ] {
        assert!(body.contains(m), "no {m} in\n{body}");
    }
    assert_eq!(w.terminate(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_revision_replays_history_first() {
    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    let first = raw
        .put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    raw.delete(format!("{PREFIX}frontend.rps"), None).await.unwrap();
    // The state as of `first`, then what came after it.
    let w = Watch::start(&cluster.endpoints(), &["--since", &first.to_string()]);
    let s = w.expect("the state as of that revision", |v| v["type"] == "state");
    assert_eq!(s["items"][0]["value"], 1);
    w.expect("the put replayed", |v| is_change(v, "frontend.rps", 2));
    let d = w.expect("the delete replayed", |v| v["type"] == "change");
    assert_eq!(d["kind"], "delete");
    assert_eq!(w.terminate(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_changes_keep_their_own_time_and_drift_at_start_is_reported() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 1\n").await;
    let start = revision(&cluster).await;
    tcfg(&cluster)
        .args(["put", "frontend.rps", "5", "--yes", "-m", "recorded"])
        .assert()
        .code(0);
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 2\n").await;
    let record_time = {
        let mut c = cluster.client().await;
        let r = c
            .get(HISTORY, Some(etcd_client::GetOptions::new().with_prefix()))
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(r.kvs()[0].value()).unwrap();
        v["time"].as_str().unwrap().to_string()
    };
    let w = Watch::start(&cluster.endpoints(), &["--since-revision", &start.to_string()]);
    let recorded = w.expect("the recorded change", |v| {
        v["type"] == "change" && v["key"] == "frontend.rps"
    });
    assert_eq!(recorded["time"], record_time.as_str());
    let other = w.expect("the unrecorded change", |v| {
        v["type"] == "change" && v["key"] == "history.rps"
    });
    assert!(
        other["time"].is_null(),
        "a replayed change without a record has no known time: {other}"
    );
    // A live change without a record arrives now.
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 3\n").await;
    let live = w.expect("a live change", |v| v["type"] == "change" && v["key"] == "history.rps");
    assert!(live["time"].is_string(), "{live}");
    w.terminate();
    // Two prefixes that differ already: said at start, before any change.
    raw_put(&cluster, "/b/temporal/dynamicconfig/frontend.rps", "- value: 9\n").await;
    raw_put(&cluster, "/a/temporal/dynamicconfig/frontend.rps", "- value: 8\n").await;
    let w = Watch::start(&cluster.endpoints(), &["--prefixes", "/a,/b"]);
    let drift = w.expect("drift at start", |v| v["type"] == "drift");
    assert_eq!(drift["key"], "frontend.rps");
    w.terminate();
}
