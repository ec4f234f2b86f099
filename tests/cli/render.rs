//! `tcfg render` against real etcd and real files: the file a stock
//! Temporal server reads.

use std::os::unix::fs::PermissionsExt;

use crate::common::*;
use tcfg_core::{parse_document, Registry};
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_equals_the_prefix_and_leaves_other_keys_out() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2400\n").await;
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.namespaceRPS"),
        "- value: 4000\n  constraints: {namespace: payments}\n- value: 1200\n",
    )
    .await;
    raw_put(&cluster, &format!("{PREFIX}acme.custom"), "- value: x\n").await;
    raw_put(&cluster, &format!("{PREFIX}locks/leader"), "host-1").await;
    let path = dir.path().join("dc.yaml");
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("3 keys at revision 5"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("acme.custom"),
        "unknown keys are reported: {}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Rendered by tcfg "), "{text}");
    assert!(!text.contains("locks"), "{text}");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    // Parsed back, it is what etcd holds, and Temporal's rules find no error in it.
    let doc = parse_document("dc.yaml", &text);
    assert!(!doc.has_errors(), "{:?}", doc.findings);
    let (_, findings) = tcfg_core::temporal::validate::check_source(
        "dc.yaml",
        &text,
        &Registry::for_version(None).unwrap(),
        &tcfg_core::Options {
            allow_unknown_keys: true,
            ..Default::default()
        },
    );
    assert!(
        findings.iter().all(|f| f.level != tcfg_core::Level::Error),
        "{findings:?}"
    );
    let names: Vec<&str> = doc.value.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(names, ["acme.custom", "frontend.namespaceRPS", "frontend.rps"]);
    // The same state renders to the same bytes, and the file is then left alone.
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("left as it was"), "{}", stderr(&o));
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    // `-` prints it.
    let o = tcfg(&cluster).args(["render", "-"]).output().unwrap();
    assert_eq!(stdout(&o), text);
    let o = tcfg(&cluster)
        .args(["render", "--drop-unknown-keys", "-"])
        .output()
        .unwrap();
    assert!(!stdout(&o).contains("acme.custom"), "{}", stdout(&o));
}

/// Seam of #27's stricter rule with the renderer: a stored value with a
/// non-string key below a string-keyed map is one Temporal accepts but tcfg
/// cannot write back unchanged (`1` would become `"1"`), so the renderer
/// holds it back at its last good items rather than serve another value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_tcfg_cannot_write_back_unchanged_keeps_its_last_good_items() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    let key = "history.timerProcessorSchedulerActiveRoundRobinWeights";
    raw_put(&cluster, &format!("{PREFIX}{key}"), "- value: {a: {x: 2}}\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 1\n").await;
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    raw_put(&cluster, &format!("{PREFIX}{key}"), "- value: {a: {1: 2}}\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 2\n").await;
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("held back /temporal/dynamicconfig/{key}")),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("x: 2"), "the last good items stay: {text}");
    assert!(!text.contains("\"1\""), "never the respelled key: {text}");
    assert!(
        text.contains("history.rps:\n  - value: 2\n"),
        "the other key updates: {text}"
    );
}

/// Stored values another tool wrote, each over a good one: whether each is
/// served or refused, and the name of what refuses it.
const VERDICTS: [(&str, &str, Option<&str>); 7] = [
    ("frontend.rps", "- value: fast\n", Some("type-mismatch")),
    (
        "limit.blobSize.error",
        "- value: 1\n  constraints: {namespace: a, Namespace: b}\n",
        Some("case-duplicate-constraint"),
    ),
    (
        "history.timerProcessorSchedulerActiveRoundRobinWeights",
        "- value: {a: {1: 2}}\n",
        Some("nested-non-string-key"),
    ),
    (
        "history.rps",
        "- value: 2\n  constraints: {region: eu}\n",
        Some("unknown-constraint"),
    ),
    // Likely a misspelt `constraints`: what was meant is not certain.
    (
        "history.cacheMaxSize",
        "- value: 7\n  constrains: {}\n",
        Some("unknown-item-field"),
    ),
    // Temporal serves these deterministically and as meant: so does every
    // reader (`put` would refuse to write them).
    (
        "frontend.namespaceRPS",
        "- value: 5\n  constraints: {taskQueueName: q}\n",
        None,
    ),
    ("matching.rps", "- value: 1\n- value: 2\n", None),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_client_render_and_status_make_one_verdict_on_a_stored_value() {
    use tcfg_core::serving::watch::{Client, ClientOptions};
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    for (key, _, _) in VERDICTS {
        let good = if key.ends_with("Weights") {
            "- value: {a: {x: 2}}\n"
        } else {
            "- value: 3\n"
        };
        raw_put(&cluster, &format!("{PREFIX}{key}"), good).await;
    }
    let store = tcfg_core::store::Store::connect(tcfg_core::store::ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        ..Default::default()
    })
    .await
    .unwrap();
    let registry = std::sync::Arc::new(Registry::for_version(None).unwrap());
    let client = Client::start(store, registry, ClientOptions::default()).await.unwrap();
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    for (key, value, _) in VERDICTS {
        raw_put(&cluster, &format!("{PREFIX}{key}"), value).await;
    }
    let written = revision(&cluster).await;
    client
        .wait_for(written, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let status = tcfg(&cluster).args(["status", "-o", "json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let invalid = report["prefixes"][0]["state"]["invalid"].clone();
    for (key, _, refused_by) in VERDICTS {
        let etcd_key = format!("{PREFIX}{key}");
        let by_client = client
            .entry(key)
            .unwrap_or_else(|| panic!("{key}: no good value to keep"))
            .invalid
            .clone();
        let by_render = stderr(&o).contains(&format!("held back {etcd_key}"));
        let by_status = invalid.as_array().unwrap().iter().any(|k| k == &etcd_key);
        match refused_by {
            Some(code) => {
                let findings = &by_client
                    .as_ref()
                    .unwrap_or_else(|| panic!("{key}: the client serves it"))
                    .findings;
                assert!(findings.iter().any(|f| f.code.as_str() == code), "{key}: {findings:?}");
                assert!(by_render, "{key}: render serves it: {}", stderr(&o));
                assert!(by_status, "{key}: status does not count it: {invalid}");
            }
            None => {
                assert!(by_client.is_none(), "{key}: the client refuses it: {by_client:?}");
                assert!(!by_render, "{key}: render holds it back: {}", stderr(&o));
                assert!(!by_status, "{key}: status counts it: {invalid}");
            }
        }
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_temporal_would_reject_keeps_its_last_good_items_from_the_file() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 1\n").await;
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    // An unknown constraint would make Temporal reject the whole file.
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.rps"),
        "- value: 2\n  constraints: {region: eu}\n",
    )
    .await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 2\n").await;
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("held back /temporal/dynamicconfig/frontend.rps")
            && stderr(&o).contains("its last good items are rendered instead"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("frontend.rps:\n  - value: 1\n"), "{text}");
    assert!(
        text.contains("history.rps:\n  - value: 2\n"),
        "the other key updates: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emptying_or_halving_the_file_is_refused() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    for k in ["frontend.rps", "history.rps", "matching.rps", "limit.maxIDLength"] {
        raw_put(&cluster, &format!("{PREFIX}{k}"), "- value: 1\n").await;
    }
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    let before = std::fs::read_to_string(&path).unwrap();
    for k in ["frontend.rps", "history.rps", "matching.rps"] {
        raw_delete(&cluster, &format!("{PREFIX}{k}")).await;
    }
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("drops 3 of the 4 keys"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let o = tcfg(&cluster)
        .args(["render", "--max-drop", "75"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    raw_delete(&cluster, &format!("{PREFIX}limit.maxIDLength")).await;
    let o = tcfg(&cluster).arg("render").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no keys"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("hint: if that is what is meant, pass --allow-empty"),
        "{}",
        stderr(&o)
    );
    tcfg(&cluster)
        .args(["render", "--allow-empty"])
        .arg(&path)
        .assert()
        .code(0);
}

#[test]
fn etcd_out_of_reach_exits_3_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    std::fs::write(&path, "frontend.rps:\n  - value: 1\n").unwrap();
    let o = tcfg_at("127.0.0.1:1")
        .args(["--dial-timeout", "300ms", "render"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "frontend.rps:\n  - value: 1\n");
    let o = tcfg_at("127.0.0.1:1")
        .args(["render", "/nonexistent/dir/dc.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not in a directory that exists"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_layer_is_replaced_key_by_key_and_refused_with_errors() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2\n").await;
    let base = file(
        &dir,
        "base.yaml",
        "frontend.rps:\n  - value: 1\nhistory.rps:\n  - value: 1\n",
    );
    let o = tcfg(&cluster)
        .args(["render", "-", "--base"])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("frontend.rps:\n  - value: 2\nhistory.rps:\n  - value: 1\n"),
        "{}",
        stdout(&o)
    );
    let bad = file(&dir, "bad.yaml", "history.rps:\n  - value: fast\n");
    let o = tcfg(&cluster)
        .args(["render", "-", "--base"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the base layer was refused"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}
