//! The everyday commands against private etcd servers: get, put, delete,
//! dump; TLS, auth, a 3-member cluster, corrupt values, races, big prefixes.

use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_delete_round_trip() {
    let cluster = EtcdCluster::single();
    // Nothing stored: get says so, and the default is named.
    tcfg(&cluster)
        .args(["get", "frontend.namespaceRPS", "-o", "table"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "not set under /temporal/dynamicconfig/: Temporal uses the registered default 2400",
        ));

    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "1200", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster)
        .args([
            "put",
            "FRONTEND.namespacerps",
            "4000",
            "--namespace",
            "payments",
            "--yes",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("+  constraints:"));
    let (text, _) = raw_get(&cluster, &format!("{PREFIX}frontend.namespaceRPS"))
        .await
        .unwrap();
    assert_eq!(
        text,
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n"
    );

    // The stored items, as canonical YAML (the default when stdout is not a terminal).
    let o = tcfg(&cluster).args(["get", "frontend.namespacerps"]).output().unwrap();
    assert_eq!(stdout(&o), text);
    let o = tcfg(&cluster)
        .args(["get", "frontend.namespaceRPS", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["items"][0]["constraints"]["namespace"], "payments");
    assert_eq!(v["items"][1]["value"], 1200);

    // Effective values through precedence.
    let eff = |ns: &str| {
        let o = tcfg(&cluster)
            .args(["get", "frontend.namespaceRPS", "--namespace", ns, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    assert_eq!(eff("payments")["value"], 4000);
    assert_eq!(eff("payments")["source"]["kind"], "item");
    assert_eq!(eff("batch")["value"], 1200);
    assert_eq!(eff("batch")["source"]["constraints"], serde_json::json!({}));

    // Re-putting the same value writes nothing.
    let before = raw_get(&cluster, &format!("{PREFIX}frontend.namespaceRPS"))
        .await
        .unwrap()
        .1;
    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "1200", "--yes"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("nothing to write"));
    assert_eq!(
        raw_get(&cluster, &format!("{PREFIX}frontend.namespaceRPS"))
            .await
            .unwrap()
            .1,
        before
    );

    // Delete one item, then the last: the key goes away.
    tcfg(&cluster)
        .args(["delete", "frontend.namespaceRPS", "--namespace", "payments", "--yes"])
        .assert()
        .code(0);
    assert_eq!(stored_text(&cluster, "frontend.namespaceRPS").await, "- value: 1200\n");
    tcfg(&cluster)
        .args(["delete", "frontend.namespaceRPS", "--namespace", "nope", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "has no item with the constraints {namespace: nope}; its items: {} => 1200",
        ));
    tcfg(&cluster)
        .args(["delete", "frontend.namespaceRPS", "--yes"])
        .assert()
        .code(0);
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}frontend.namespaceRPS")).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precedence_and_builtin_defaults_through_get() {
    let cluster = EtcdCluster::single();
    raw_put(
        &cluster,
        &format!("{PREFIX}matching.numTaskqueueReadPartitions"),
        "- value: 8\n- value: 16\n  constraints: {namespace: payments, taskQueueName: charge}\n- value: 32\n  constraints: {namespace: payments, taskQueueName: charge, taskType: Activity}\n",
    )
    .await;
    let get = |args: &[&str]| {
        let mut c = tcfg(&cluster);
        c.args(["get", "matching.numTaskqueueReadPartitions", "-o", "json"])
            .args(args);
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let v = get(&[
        "--namespace",
        "payments",
        "--task-queue",
        "charge",
        "--task-type",
        "Activity",
    ]);
    assert_eq!(v["value"], 32);
    assert_eq!(
        get(&[
            "--namespace",
            "payments",
            "--task-queue",
            "charge",
            "--task-type",
            "Workflow"
        ])["value"],
        16
    );
    assert_eq!(
        get(&["--namespace", "payments", "--task-queue", "/_sys/charge/2"])["value"],
        16
    );
    assert_eq!(get(&["--namespace", "other", "--task-queue", "charge"])["value"], 8);
    let v = get(&["--namespace", "x", "--task-queue", "temporal-sys-per-ns-tq"]);
    assert_eq!(v["value"], 1);
    assert_eq!(v["source"]["kind"], "builtin-default");
    // Nothing stored for this key: the registered default.
    let o = tcfg(&cluster)
        .args(["get", "frontend.rps", "--namespace", "x", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["source"]["kind"], "default");
    assert_eq!(v["value"], 2400);
    assert!(stderr(&o).contains("frontend.rps is a global setting: its lookups never read namespace"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_nothing_is_written() {
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}limit.maxIDLength");
    tcfg(&cluster)
        .args(["put", "limit.maxIDLength", "255.0", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("expected an int, found the float 255.0"));
    tcfg(&cluster)
        .args(["put", "frontend.rps", "5", "--namespace", "a", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("frontend.rps is a global setting"));
    tcfg(&cluster)
        .args(["put", "frontend.rsp", "5", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean frontend.rps"));
    tcfg(&cluster)
        .args(["put", "limit.maxIDLength", "[1", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not valid YAML"));
    assert_eq!(raw_get(&cluster, &key).await, None);
    // Without a terminal and without --yes: refused.
    tcfg(&cluster)
        .args(["put", "limit.maxIDLength", "255"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(raw_get(&cluster, &key).await, None);
    // --dry-run shows the plan on stdout, writes nothing, and exits 2: changes.
    tcfg(&cluster)
        .args(["put", "limit.maxIDLength", "255", "--dry-run"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("create limit.maxIDLength\n").and(predicate::str::contains("+- value: 255")))
        .stderr(predicate::str::contains("dry run: nothing written"));
    assert_eq!(raw_get(&cluster, &key).await, None);
    // put -f replaces the whole list, after validating the file.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "- value: 1\n  constraints: {namespace: 5}\n").unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "--yes", "-f"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad-constraint-type"));
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, "- value: 7\n  constraints: {namespace: a}\n- value: 1\n").unwrap();
    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "--yes", "-f"])
        .arg(&good)
        .assert()
        .code(0);
    assert_eq!(
        stored_text(&cluster, "frontend.namespaceRPS").await,
        "- value: 7\n  constraints:\n    namespace: a\n- value: 1\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_stored_in_another_case_are_read_and_rewritten() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}Frontend.NamespaceRps"), "- value: 300\n").await;
    let o = tcfg(&cluster)
        .args(["get", "frontend.namespaceRPS", "--namespace", "a", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()["value"],
        300
    );
    tcfg(&cluster)
        .args(["put", "frontend.namespaceRPS", "400", "--namespace", "a", "--yes"])
        .assert()
        .code(0);
    // One transaction removed the old spelling and wrote the registered one.
    assert_eq!(raw_get(&cluster, &format!("{PREFIX}Frontend.NamespaceRps")).await, None);
    assert_eq!(
        stored_text(&cluster, "frontend.namespaceRPS").await,
        "- value: 400\n  constraints:\n    namespace: a\n- value: 300\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_keys_are_listed_and_never_touched() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 10\n").await;
    raw_put(&cluster, &format!("{PREFIX}locks/leader"), "host-1").await;
    raw_put(&cluster, &format!("{PREFIX}README"), "managed by tcfg").await;
    raw_put(&cluster, "/temporal/dynamicconfigs/frontend.rps", "- value: 99\n").await;
    let o = tcfg(&cluster).args(["dump"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "frontend.rps:\n  - value: 10\n");
    assert!(
        stderr(&o).contains("2 keys under /temporal/dynamicconfig/ are not dynamic config"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("locks/leader (a nested path"));
    tcfg(&cluster)
        .args(["delete", "frontend.rps", "--all", "--yes"])
        .assert()
        .code(0);
    assert_eq!(
        raw_get(&cluster, &format!("{PREFIX}locks/leader")).await.unwrap().0,
        "host-1"
    );
    assert_eq!(stored_text(&cluster, "README").await, "managed by tcfg");
    assert!(raw_get(&cluster, "/temporal/dynamicconfigs/frontend.rps")
        .await
        .is_some());
    // The prefix is a directory: /prod never matches /production.
    raw_put(&cluster, "/production/frontend.rps", "- value: 1\n").await;
    let o = tcfg(&cluster)
        .args(["--prefix", "/prod", "dump", "--keys-only"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_stored_values_are_named_and_the_rest_still_works() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: [1\n").await;
    raw_put(&cluster, &format!("{PREFIX}frontend.namespaceRPS"), "- value: 5\n").await;
    let o = tcfg(&cluster).args(["dump"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "frontend.namespaceRPS:\n  - value: 5\n");
    assert!(
        stderr(&o).contains("error[yaml-syntax]: /temporal/dynamicconfig/frontend.rps"),
        "{}",
        stderr(&o)
    );
    tcfg(&cluster)
        .args(["get", "frontend.rps"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the value stored at /temporal/dynamicconfig/frontend.rps",
        ));
    tcfg(&cluster)
        .args(["put", "frontend.rps", "5", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("replace the whole list"));
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: [1\n");
    tcfg(&cluster)
        .args(["delete", "frontend.rps", "--all", "--yes"])
        .assert()
        .code(0);
    tcfg(&cluster).args(["dump"]).assert().code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_write_is_refused_and_nothing_is_lost() {
    use tcfg_core::changes::budget::Limits;
    use tcfg_core::changes::commit::{Batching, Change, CommitError};
    use tcfg_core::changes::edit::{read_for_change, upsert};
    use tcfg_core::changes::intent::Intent;
    use tcfg_core::changes::plan::key_plan;
    use tcfg_core::store::{ConnectionSettings, Store, StoreError};
    use tcfg_core::{ConstrainedValue, Constraints, Value};

    let cluster = EtcdCluster::single();
    let settings = ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        ..Default::default()
    };
    let registry = tcfg_core::Registry::for_version(None).unwrap();
    let a = Store::connect(settings.clone()).await.unwrap();
    let b = Store::connect(settings).await.unwrap();
    let item = |v: i64, ns: &str| {
        ConstrainedValue::new(
            Value::Int(v),
            Constraints {
                namespace: Some(ns.into()),
                ..Default::default()
            },
        )
    };
    for new_key in [true, false] {
        if !new_key {
            raw_put(&cluster, &format!("{PREFIX}frontend.namespaceRPS"), "- value: 1\n").await;
        }
        // Both read the same state, both plan a change.
        let (ra, current_a) = read_for_change(&a, "frontend.namespaceRPS").await.unwrap();
        let (rb, current_b) = read_for_change(&b, "frontend.namespaceRPS").await.unwrap();
        let items =
            |r: &tcfg_core::store::KeyRead| r.stored.first().map(|s| s.items.clone().unwrap()).unwrap_or_default();
        let change = |store: &Store, read, current, new: Vec<ConstrainedValue>| {
            let p = key_plan(store.prefix(), "frontend.namespaceRPS", read, &new, &registry, 0);
            Change::of_plan(&p, current, &registry)
        };
        let wa = change(&a, &ra.stored, &current_a, upsert(&items(&ra), item(10, "a")));
        let wb = change(&b, &rb.stored, &current_b, upsert(&items(&rb), item(20, "b")));
        let intent = Intent::from_env(None, "put", "test", "1.31");
        let history = a.history_prefix();
        let (before, _) = a.keys_under(&history, 0).await.unwrap();
        let commit = |store, change: Change| {
            let fitted = change.fit(&intent, Limits::default(), Batching::Never).unwrap();
            async move { fitted.commit(store, |_| {}).await }
        };
        let written = commit(&a, wa).await.unwrap().unwrap();
        match commit(&b, wb).await {
            Err(CommitError::Store(StoreError::Conflict { conflicts })) => {
                assert_eq!(conflicts.len(), 1);
                assert!(conflicts[0].found > 0);
            }
            other => panic!("the second writer must be refused, got {other:?}"),
        }
        // The refused write left no record; the other's record is at its revision.
        let records = a.records(&Default::default(), 0).await.unwrap();
        assert_eq!(records.len() as i64, before + 1);
        assert_eq!(records[0].revision, written);
        let text = stored_text(&cluster, "frontend.namespaceRPS").await;
        assert!(text.contains("value: 10") && !text.contains("value: 20"), "{text}");
        let mut c = cluster.client().await;
        c.delete(format!("{PREFIX}frontend.namespaceRPS"), None).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_from_two_processes_never_lose_a_write() {
    let cluster = EtcdCluster::single();
    let mut conflicts = 0;
    for round in 0..20 {
        let spawn = |ns: &str, v: i32| {
            let mut c = tcfg_bare();
            c.args([
                "--endpoints",
                &cluster.endpoints(),
                "put",
                "frontend.namespaceRPS",
                &v.to_string(),
                "--namespace",
                ns,
                "--yes",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
            c.spawn_killed()
        };
        let (pa, pb) = (spawn(&format!("a{round}"), 1), spawn(&format!("b{round}"), 2));
        let (oa, ob) = (pa.finish(), pb.finish());
        let text = raw_get(&cluster, &format!("{PREFIX}frontend.namespaceRPS"))
            .await
            .map(|t| t.0)
            .unwrap_or_default();
        for (o, ns) in [(&oa, format!("a{round}")), (&ob, format!("b{round}"))] {
            match o.status.code() {
                Some(0) => assert!(
                    text.contains(&format!("namespace: {ns}")),
                    "{ns} reported success but is missing:\n{text}"
                ),
                Some(1) => {
                    let e = stderr(o);
                    assert!(
                        e.contains("nothing was written") && e.contains("changed at revision")
                            || e.contains("created at revision"),
                        "{e}"
                    );
                    assert!(!text.contains(&format!("namespace: {ns}")));
                    conflicts += 1;
                }
                other => panic!("unexpected exit {other:?}: {}", stderr(o)),
            }
        }
    }
    eprintln!("{conflicts} of 40 writes lost the race and were refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_under_two_spellings_is_never_copied_and_never_in_sync() {
    let cluster = EtcdCluster::single();
    let (a, b) = ("/a/temporal/dynamicconfig/", "/b/temporal/dynamicconfig/");
    raw_put(&cluster, &format!("{a}frontend.rps"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{a}FRONTEND.RPS"), "- value: 5\n").await;
    raw_put(&cluster, &format!("{b}frontend.rps"), "- value: 1\n").await;
    for args in [
        &["sync", "--prefixes", "/a,/b", "--yes"][..],
        &["sync", "--prefixes", "/a,/b", "--dry-run"],
        &["diff", "--prefixes", "/a,/b"],
    ] {
        let o = tcfg(&cluster).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("a key under 2 spellings ({a}FRONTEND.RPS, {a}frontend.rps)")),
            "{err}"
        );
        assert!(
            err.contains(&format!("tcfg --prefix {a} put frontend.rps VALUE")),
            "{err}"
        );
    }
    assert_eq!(
        raw_get(&cluster, &format!("{b}frontend.rps")).await.unwrap().0,
        "- value: 1\n"
    );
    assert_eq!(raw_get(&cluster, &format!("{b}FRONTEND.RPS")).await, None);
    // The same rule elsewhere: get warns and serves the registered spelling,
    // render renders it and holds the other back, dump reports it.
    let at_a = |args: &[&str]| tcfg(&cluster).args(["--prefix", a]).args(args).output().unwrap();
    let o = at_a(&["get", "frontend.rps"]);
    assert_eq!(stdout(&o), "- value: 1\n", "{}", stderr(&o));
    assert!(stderr(&o).contains("stored under 2 spellings"), "{}", stderr(&o));
    let o = at_a(&["render", "-"]);
    assert!(stdout(&o).contains("frontend.rps:\n  - value: 1\n"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("FRONTEND.RPS"), "{}", stdout(&o));
    assert!(stderr(&o).contains("held back"), "{}", stderr(&o));
    assert_eq!(at_a(&["dump"]).status.code(), Some(1));
    // status: the spellings are a problem (exit 2), never "in sync".
    let o = tcfg(&cluster).args(["status", "--prefixes", "/a,/b"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stdout(&o).contains("in sync"), "{}", stdout(&o));
    assert!(stderr(&o).contains("one key under 2 spellings"), "{}", stderr(&o));
    // The mend the hint gives: one spelling left, and the sync goes through.
    tcfg(&cluster)
        .args(["--prefix", a, "put", "frontend.rps", "1", "--yes"])
        .assert()
        .code(0);
    assert_eq!(raw_get(&cluster, &format!("{a}FRONTEND.RPS")).await, None);
    tcfg(&cluster)
        .args(["sync", "--prefixes", "/a,/b", "--yes"])
        .assert()
        .code(0);
    let o = tcfg(&cluster).args(["status", "--prefixes", "/a,/b"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_stored_value_gets_one_verdict_everywhere() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 35.5\n").await;
    // get: the item, the finding, and what Temporal's lookups return.
    let o = tcfg(&cluster).args(["get", "frontend.rps"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("35.5"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("Temporal would reject the value stored at"), "{err}");
    assert!(err.contains("return 2400 (the registered default"), "{err}");
    // status counts it and exits 2; dump refuses it.
    let o = tcfg(&cluster).arg("status").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds a value Temporal would refuse"),
        "{}",
        stderr(&o)
    );
    tcfg(&cluster).arg("dump").assert().code(1);
    let o = tcfg(&cluster).args(["render", "-", "--allow-empty"]).output().unwrap();
    assert!(!stdout(&o).contains("35.5"), "{}", stdout(&o));
    assert!(stderr(&o).contains("held back"), "{}", stderr(&o));
    // A value that does not parse: its stored text, escaped, with the error.
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: [\u{202e}\n").await;
    let o = tcfg(&cluster).args(["get", "frontend.rps"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("- value: [\\u{202e}"), "{}", stdout(&o));
    assert!(stderr(&o).contains("frontend.rps"), "{}", stderr(&o));
    // An unknown key is ignored by Temporal, not refused: status stays 0.
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 35\n").await;
    raw_put(&cluster, &format!("{PREFIX}acme.custom"), "- value: 1\n").await;
    tcfg(&cluster).arg("status").assert().code(0);
}

/// `TCFG_LOG=debug`: tcfg's own events (the connection, each request with
/// its revision and time, compare-and-swap guards, the record key), with
/// wall-clock times and targets, libraries quiet; `--log-format json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_are_tcfgs_own_events_as_text_or_json() {
    let cluster = EtcdCluster::single();
    let o = tcfg(&cluster)
        .env("TCFG_LOG", "debug")
        .args(["put", "frontend.rps", "10", "--yes", "-m", "logged"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let logs: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(" DEBUG ") || l.contains(" WARN "))
        .collect();
    assert!(logs.len() >= 4, "{err}");
    for l in &logs {
        // 2026-12-06T12:45:38.859964Z DEBUG tcfg_core::store::write: ...
        let (time, rest) = l.split_once(' ').unwrap();
        assert!(humantime::parse_rfc3339(time).is_ok(), "not RFC 3339: {l}");
        assert!(
            rest.contains(" tcfg_core::") || rest.contains(" tcfg::"),
            "not tcfg's own: {l}"
        );
    }
    for says in [
        "connected to etcd",
        "at_revision=",
        "compare-and-swap guard key=/temporal/dynamicconfig/frontend.rps",
        "change record record=/temporal/dynamicconfig.history/",
        "written revision=",
    ] {
        assert!(err.contains(says), "{says}: {err}");
    }
    let o = tcfg(&cluster)
        .env("TCFG_LOG", "debug")
        .args(["--log-format", "json", "get", "frontend.rps"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|v| v["target"].as_str().unwrap().starts_with("tcfg")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|v| v["fields"]["message"] == "connected to etcd"),
        "{lines:?}"
    );
}
