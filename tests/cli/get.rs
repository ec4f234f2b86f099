//! `tcfg get` beyond one key now: what a scope gets, a key as of a point in
//! time, and the stored bytes exactly.

use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_lists_what_it_gets_and_where_from() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        "c.yaml",
        concat!(
            "frontend.namespaceRPS:\n",
            "  - value: 4000\n    constraints: {namespace: payments}\n",
            "  - value: 1200\n",
            "frontend.rps:\n  - value: 2400\n",
            "limit.maxIDLength:\n  - value: 255\n",
            "history.defaultActivityRetryPolicy:\n  - value: {MaximumAttempts: 3}\n    constraints: {namespace: orders}\n",
        ),
    );
    tcfg(&cluster).args(["apply", "--yes", "-f"]).arg(&f).assert().code(0);
    // A key no release knows, stored beside them: never listed.
    raw_put(&cluster, &format!("{PREFIX}acme.custom"), "- value: 1\n").await;
    let o = tcfg(&cluster)
        .args(["get", "--namespace", "payments", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&str> = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap())
        .collect();
    // frontend.rps holds its default; the orders item is not payments'.
    assert_eq!(keys, ["frontend.namespaceRPS", "limit.maxIDLength"], "{v}");
    assert_eq!(v["keys"][0]["value"], 4000);
    assert_eq!(v["keys"][0]["default"], 2400);
    assert_eq!(v["keys"][0]["constraints"]["namespace"], "payments");
    assert_eq!(v["keys"][1]["constraints"], serde_json::json!({}));
    tcfg(&cluster)
        .args(["get", "--namespace", "orders", "-o", "table"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("frontend.namespaceRPS")
                .and(predicate::str::contains("1200"))
                .and(predicate::str::contains("history.defaultActivityRetryPolicy"))
                .and(predicate::str::contains("{namespace: orders}"))
                .and(predicate::str::contains("3 keys set for {namespace: orders}")),
        );
    let o = tcfg(&cluster)
        .args(["get", "--namespace", "payments"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("frontend.namespaceRPS:\n  constraints:\n    namespace: payments\n"),
        "{}",
        stdout(&o)
    );
    // Neither a key nor a scope: refused, naming both.
    tcfg(&cluster)
        .arg("get")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<KEY>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_read_as_of_a_revision_or_a_time() {
    let cluster = EtcdCluster::single();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes", "-m", "first"])
        .assert()
        .code(0);
    let first = revision(&cluster).await;
    tcfg(&cluster)
        .args(["put", "frontend.rps", "200", "--yes", "-m", "second"])
        .assert()
        .code(0);
    for flag in ["--revision", "--at"] {
        tcfg(&cluster)
            .args(["get", "frontend.rps", flag, &first.to_string()])
            .assert()
            .code(0)
            .stdout("- value: 100\n");
    }
    tcfg(&cluster)
        .args(["get", "frontend.rps"])
        .assert()
        .code(0)
        .stdout("- value: 200\n");
    // Deleted since: the past still reads, by revision and as raw bytes.
    tcfg(&cluster)
        .args(["delete", "frontend.rps", "--all", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["get", "frontend.rps", "--at", &first.to_string()])
        .assert()
        .code(0)
        .stdout("- value: 100\n");
    tcfg(&cluster)
        .args(["get", "frontend.rps", "--raw", "--at", &first.to_string()])
        .assert()
        .code(0)
        .stdout("- value: 100\n");
    tcfg(&cluster).args(["get", "frontend.rps", "--raw"]).assert().code(1);
    // A time is the revision of the newest change record at or before it.
    tcfg(&cluster)
        .args(["get", "frontend.rps", "--at", "1h"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no change record"));
    // What a scope got then.
    tcfg(&cluster)
        .args([
            "get",
            "--namespace",
            "payments",
            "--at",
            &first.to_string(),
            "-o",
            "json",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"value\": 100"));
    tcfg(&cluster)
        .args(["get", "frontend.rps", "--at", "99999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has not happened yet"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_gives_the_stored_bytes_and_never_a_runner_command() {
    let cluster = EtcdCluster::single();
    // Not canonical: comments, CRLF, a flow list; tcfg never rewrites it.
    let text = "# raised for INC-7\r\n- {value: 3000}   # per host\r\n";
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), text).await;
    let o = tcfg(&cluster).args(["get", "frontend.rps", "--raw"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, text.as_bytes());
    // A line that would be a GitHub workflow command is defused.
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.rps"),
        "- value: 1\n::add-mask::x\n",
    )
    .await;
    let o = tcfg(&cluster).args(["get", "frontend.rps", "--raw"]).output().unwrap();
    assert!(
        !stdout(&o).lines().any(|l| l.trim_start().starts_with("::")),
        "{}",
        stdout(&o)
    );
    tcfg(&cluster)
        .args(["get", "limit.maxIDLength", "--raw"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "limit.maxIDLength is not stored under /temporal/dynamicconfig/",
        ));
    tcfg(&cluster)
        .args(["get", "--raw", "--namespace", "x"])
        .assert()
        .code(1);
}
