//! What the watch client tells operators, asserted: every documented metric
//! with its labels (through a debugging recorder) and the INFO, WARN and
//! ERROR log lines (through a capturing subscriber). Its own test binary:
//! the recorder and the subscriber are process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::{Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, SharedString, Unit};
use tcfg_core::serving::watch::{Client, ClientOptions, Notice};
use tcfg_core::store::{ConnectionSettings, Prefix, Store};
use tcfg_core::{ConstrainedValue, Constraints, Registry, Value};
use tcfg_testkit::{EtcdCluster, Proxy};
use tokio::time::{timeout, Instant};

const PREFIX: &str = "/temporal/dynamicconfig/";

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Wait for a log line with every one of `parts`; the line.
    async fn line(&self, parts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(l) = self.text().lines().find(|l| parts.iter().all(|p| l.contains(p))) {
                return l.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {parts:?}:\n{}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// A recorder that keeps each metric's latest state, to read at any time
/// (metrics-util's debugging recorder resets what a snapshot reads).
#[derive(Default)]
struct Recorded(Mutex<HashMap<String, Arc<Slot>>>);

/// A counter's count, a gauge's value, or how many values a histogram took.
#[derive(Default)]
struct Slot(AtomicU64);

impl CounterFn for Slot {
    fn increment(&self, v: u64) {
        self.0.fetch_add(v, Ordering::SeqCst);
    }
    fn absolute(&self, v: u64) {
        self.0.fetch_max(v, Ordering::SeqCst);
    }
}

impl GaugeFn for Slot {
    fn increment(&self, v: f64) {
        let _ = self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
            Some((f64::from_bits(b) + v).to_bits())
        });
    }
    fn decrement(&self, v: f64) {
        GaugeFn::increment(self, -v);
    }
    fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::SeqCst);
    }
}

impl HistogramFn for Slot {
    fn record(&self, _: f64) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `name{a=1,b=2}`, labels sorted.
fn key_text(name: &str, labels: &[(&str, &str)]) -> String {
    let mut l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    l.sort();
    format!("{name}{{{}}}", l.join(","))
}

impl Recorded {
    fn slot(&self, key: &Key, kind: &str) -> Arc<Slot> {
        let labels: Vec<(&str, &str)> = key.labels().map(|l| (l.key(), l.value())).collect();
        let text = format!("{kind}:{}", key_text(key.name(), &labels));
        self.0.lock().unwrap().entry(text).or_default().clone()
    }

    /// The metric's value, if it was ever recorded.
    fn get(&self, kind: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let slot = self
            .0
            .lock()
            .unwrap()
            .get(&format!("{kind}:{}", key_text(name, labels)))?
            .clone();
        let bits = slot.0.load(Ordering::SeqCst);
        Some(if kind == "gauge" {
            f64::from_bits(bits)
        } else {
            bits as f64
        })
    }
}

struct Recorder(Arc<Recorded>);

impl metrics::Recorder for Recorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.0.slot(key, "counter"))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.0.slot(key, "gauge"))
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(self.0.slot(key, "histogram"))
    }
}

type Snapshotter = Recorded;

/// One metric's value, whatever its kind.
fn metric(snap: &Snapshotter, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    ["counter", "gauge", "histogram"]
        .iter()
        .find_map(|kind| snap.get(kind, name, labels))
}

/// Wait until the metric meets `ok` (metrics are set right after delivery).
async fn metric_until(snap: &Snapshotter, name: &str, labels: &[(&str, &str)], ok: impl Fn(f64) -> bool) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = metric(snap, name, labels);
        if let Some(v) = v.filter(|v| ok(*v)) {
            return v;
        }
        assert!(Instant::now() < deadline, "{name} {labels:?} is {v:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn notice(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Notice>, want: impl Fn(&Notice) -> bool) -> Notice {
    timeout(Duration::from_secs(20), async {
        loop {
            let n = rx.recv().await.expect("the client runs");
            if want(&n) {
                return n;
            }
        }
    })
    .await
    .expect("the notice in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_metric_and_log_line() {
    let recorded = Arc::new(Recorded::default());
    metrics::set_global_recorder(Recorder(recorded.clone())).unwrap();
    let snap = &*recorded;
    let logs = Logs::default();
    let writer = logs.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let cluster = EtcdCluster::single();
    let mut raw = cluster.client().await;
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 1\n", None)
        .await
        .unwrap();
    let loaded = raw
        .put(format!("{PREFIX}history.rps"), "- value: 1\n", None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    let proxy = Proxy::start(cluster.members[0].addr()).await;
    let store = Store::connect(ConnectionSettings {
        endpoints: vec![proxy.endpoint()],
        command_timeout: Duration::from_secs(2),
        dial_timeout: Duration::from_millis(500),
        prefix: Prefix::new(PREFIX),
        ..Default::default()
    })
    .await
    .unwrap();
    let options = ClientOptions {
        backoff_min: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        liveness: Duration::from_millis(300),
    };
    let client = Client::start(store, Arc::new(Registry::for_version(None).unwrap()), options)
        .await
        .unwrap();
    let mut rx = client.subscribe();
    let mut notices = client.notices();

    // The load.
    assert_eq!(metric(snap, "dynconfig_keys_loaded", &[]), Some(2.0));
    assert_eq!(metric(snap, "dynconfig_revision", &[]), Some(loaded as f64));
    assert!(metric(snap, "dynconfig_load_duration_seconds", &[]).unwrap() >= 1.0);
    metric_until(snap, "dynconfig_watch_active", &[], |v| v == 1.0).await;

    // A change and a delete: counted per operation and key, logged at INFO.
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap();
    rx.recv().await.unwrap();
    let update = [("operation", "DynamicConfigUpdate"), ("key", "frontend.rps")];
    metric_until(snap, "dynconfig_key_updates_total", &update, |v| v == 1.0).await;
    let line = logs.line(&["INFO", "dynamic config changed", "key=frontend.rps"]).await;
    assert!(line.contains("new=- value: 2"), "{line}");
    raw.delete(format!("{PREFIX}frontend.rps"), None).await.unwrap();
    rx.recv().await.unwrap();
    let delete = [("operation", "DynamicConfigDelete"), ("key", "frontend.rps")];
    metric_until(snap, "dynconfig_key_updates_total", &delete, |v| v == 1.0).await;

    // An invalid stored value: counted while it stands, logged at ERROR.
    raw.put(format!("{PREFIX}history.rps"), "- value: [\n", None)
        .await
        .unwrap();
    notice(&mut notices, |n| matches!(n, Notice::Invalid { .. })).await;
    metric_until(snap, "dynconfig_invalid_values", &[], |v| v == 1.0).await;
    logs.line(&["ERROR", "history.rps"]).await;
    // The client's own write replaces it: counted by result.
    let revision = client
        .write(
            "history.rps",
            vec![ConstrainedValue::new(Value::Int(5), Constraints::default())],
        )
        .await
        .unwrap();
    assert_eq!(
        metric(snap, "dynconfig_write_total", &[("result", "success")]),
        Some(1.0)
    );
    metric_until(snap, "dynconfig_invalid_values", &[], |v| v == 0.0).await;
    metric_until(snap, "dynconfig_revision", &[], |v| v == revision as f64).await;

    // A silent network: answers stop, the liveness check finds it (stalled).
    proxy.mute_answers_after(0);
    let n = notice(&mut notices, |n| matches!(n, Notice::Interrupted { .. })).await;
    assert!(
        matches!(&n, Notice::Interrupted { reason, .. } if reason.contains("no word from etcd")),
        "{n:?}"
    );
    metric_until(
        snap,
        "dynconfig_watch_reconnects_total",
        &[("reason", "stalled")],
        |v| v >= 1.0,
    )
    .await;
    logs.line(&["WARN", "dynamic config watch interrupted", "no word from etcd"])
        .await;
    proxy.unmute();
    notice(&mut notices, |n| matches!(n, Notice::Resumed { .. })).await;
    metric_until(snap, "dynconfig_watch_active", &[], |v| v == 1.0).await;

    // A cut connection ends the stream (stream_ended).
    proxy.cut();
    notice(&mut notices, |n| matches!(n, Notice::Interrupted { .. })).await;
    metric_until(
        snap,
        "dynconfig_watch_reconnects_total",
        &[("reason", "stream_ended")],
        |v| v >= 1.0,
    )
    .await;
    // History compacted past the client while it is away (compacted): the
    // revision it would watch from next is gone.
    raw.put(format!("{PREFIX}frontend.rps"), "- value: 7\n", None)
        .await
        .unwrap();
    let r = raw
        .put(format!("{PREFIX}frontend.rps"), "- value: 8\n", None)
        .await
        .unwrap();
    raw.compact(r.header().unwrap().revision(), None).await.unwrap();
    proxy.heal();
    notice(&mut notices, |n| matches!(n, Notice::Reloaded { changed: 1, .. })).await;
    metric_until(
        snap,
        "dynconfig_watch_reconnects_total",
        &[("reason", "compacted")],
        |v| v >= 1.0,
    )
    .await;
    metric_until(snap, "dynconfig_keys_loaded", &[], |v| v == 2.0).await;

    client.shutdown().await;
    metric_until(snap, "dynconfig_watch_active", &[], |v| v == 0.0).await;
}
