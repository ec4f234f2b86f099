//! The README's claims that no other test covers, each with one: where
//! settings come from, TLS by default in a config file, the environment
//! variables, reads past a frozen member (one and many), exit 3, `--batch` resuming,
//! `sync`'s source guard, `diff --prune`, and every `diff -o json` field.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::*;
use predicates::prelude::*;
use tcfg_testkit::{EtcdCluster, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_librarys_etcd_variables_win_over_etcdctls() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 3\n").await;
    let mut c = tcfg_cmd();
    c.env("ETCD_ENDPOINTS", cluster.endpoints())
        .env("ETCDCTL_ENDPOINTS", "127.0.0.1:1")
        .args(["get", "frontend.rps"])
        .assert()
        .code(0)
        .stdout("- value: 3\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_file_without_disable_tls_means_tls() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let seed = |extra: &str| {
        format!(
            "etcdConfigs:\n  - name: prod\n    endpoints: [\"{}\"]\ndialTimeout: 1s\n{extra}",
            cluster.endpoints()
        )
    };
    let tls = file(&dir, "tls.yaml", &seed(""));
    let mut c = tcfg_cmd();
    c.arg("--config")
        .arg(&tls)
        .args(["get", "frontend.rps"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("TLS with etcd"))
        .stderr(predicate::str::contains("does not speak TLS"))
        .stderr(predicate::str::contains("hint: drop --cacert/--cert/--key"));
    let plain = file(&dir, "plain.yaml", &seed("disableTLS: true\n"));
    let mut c = tcfg_cmd();
    c.arg("--config")
        .arg(&plain)
        .args(["get", "frontend.rps"])
        .assert()
        .code(0);
}

#[test]
fn tcfg_schema_and_tcfg_color_are_read_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let schema = file(
        &dir,
        "custom.tsv",
        "key\ttype\tprecedence\tdefault\tconstrained_defaults\nacme.rateLimit\tint\tnamespace\t5\t\n",
    );
    let doc = file(&dir, "d.yaml", "acme.rateLimit:\n  - value: 7\n");
    let mut c = tcfg_cmd();
    c.env("TCFG_SCHEMA", &schema)
        .args(["validate", "-f"])
        .arg(&doc)
        .assert()
        .code(0);
    // Without it the key is unknown; with TCFG_COLOR=always the report is in
    // colour even in a pipe.
    let mut c = tcfg_cmd();
    c.env("TCFG_COLOR", "always")
        .args(["validate", "-f"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\x1b["))
        .stderr(predicate::str::contains("unknown-key"));
    let mut c = tcfg_cmd();
    c.env("TCFG_COLOR", "never")
        .args(["validate", "-f"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\x1b[").not());
}

/// A follower frozen: its connection opens, its answers never come, and
/// the cluster still has its leader, so a short command timeout is enough.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_is_retried_past_a_frozen_member() {
    let cluster = EtcdCluster::start(3, Options::default());
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 4\n").await;
    let frozen = (cluster.leader().await + 1) % 3;
    // The frozen member first, so the first attempt goes to it.
    cluster.members[frozen].signal(libc::SIGSTOP);
    let mut endpoints = cluster.endpoint_list();
    endpoints.swap(0, frozen);
    let o = tcfg_at(&endpoints.join(","))
        .args(["--command-timeout", "1s", "get", "frontend.rps"])
        .output()
        .unwrap();
    cluster.members[frozen].signal(libc::SIGCONT);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "- value: 4\n");
}

/// The leader frozen: the others elect a new one, and a linearizable
/// read waits for it (etcd 3.5 retries a read index only every 500 ms, so
/// this needs the default command timeout, not a one-second one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_waits_out_the_election_after_the_leader_freezes() {
    let cluster = EtcdCluster::start(3, Options::default());
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 4\n").await;
    let leader = cluster.leader().await;
    cluster.members[leader].signal(libc::SIGSTOP);
    let mut endpoints = cluster.endpoint_list();
    endpoints.swap(0, leader);
    let o = tcfg_at(&endpoints.join(","))
        .args(["get", "frontend.rps"])
        .output()
        .unwrap();
    cluster.members[leader].signal(libc::SIGCONT);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "- value: 4\n");
}

/// The balanced channel picks a member at random per request: a store
/// that keeps reading past a frozen member must not leave each read to
/// chance (with a third of attempts hanging, twenty reads would fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_of_a_store_gets_past_a_frozen_member() {
    use tcfg_core::store::{ConnectionSettings, Store};
    let cluster = EtcdCluster::start(3, Options::default());
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 4\n").await;
    // A follower: with the leader frozen, the election (not the channel)
    // decides how long a read takes; the test above covers that.
    let frozen = (cluster.leader().await + 1) % 3;
    cluster.members[frozen].signal(libc::SIGSTOP);
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        command_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .unwrap();
    let registry = tcfg_core::Registry::for_version(None).unwrap();
    let mut failed = Vec::new();
    for i in 0..20 {
        match store.read_key("frontend.rps", false).await {
            Ok(r) if r.stored.len() == 1 => {}
            other => failed.push(format!("read {i}: {:?}", other.map(|r| r.stored.len()))),
        }
        if let Err(e) = store.snapshot(&registry, None).await {
            failed.push(format!("snapshot {i}: {e}"));
        }
    }
    cluster.members[frozen].signal(libc::SIGCONT);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn diff_and_apply_exit_3_when_etcd_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(&dir, "p.yaml", "frontend.rps:\n  - value: 1\n");
    for args in [&["diff", "-f"][..], &["apply", "--yes", "-f"]] {
        let o = tcfg_at("127.0.0.1:1")
            .args(["--dial-timeout", "300ms"])
            .args(args)
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot connect to etcd at 127.0.0.1:1"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_batch_apply_is_finished_by_running_it_again() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let (doc, keys) = int_keys_document(240, 9);
    let f = file(&dir, "many.yaml", &doc);
    let mut run = tcfg_process(&cluster)
        .args(["apply", "--yes", "--batch", "-f"])
        .arg(&f)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn_killed();
    // Killed once its first batch is written (later ones may be, or not).
    let mut lines = BufReader::new(run.stderr.take().unwrap()).lines();
    let first = lines
        .find_map(|l| l.ok().filter(|l| l.starts_with("batch 1/")))
        .expect("a first batch");
    run.kill().unwrap();
    let written = prefix_contents(&cluster, PREFIX).await.len();
    assert!(first.contains("126 keys"), "{first}");
    assert!((126..=240).contains(&written), "{written} keys after the kill");
    // Each batch written has its record, naming exactly its keys; nothing else.
    let records = prefix_contents(&cluster, "/temporal/dynamicconfig.history/").await;
    let mut recorded: Vec<String> = Vec::new();
    for (_, json) in &records {
        let r: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(r["command"]["verb"], "apply");
        assert_eq!(r["command"]["batch"][1], 2, "{r}");
        recorded.extend(
            r["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["key"].as_str().unwrap().to_string()),
        );
    }
    let mut stored: Vec<String> = prefix_contents(&cluster, PREFIX)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    recorded.sort();
    stored.sort();
    assert_eq!(recorded, stored, "{} records", records.len());
    // Running the same apply again writes the rest; what is there shows as unchanged.
    let o = tcfg(&cluster)
        .args(["apply", "--yes", "--batch", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    if written < 240 {
        assert!(
            stdout(&o).contains(&format!(
                "{} to create, 0 to update, 0 to delete ({written} unchanged)",
                240 - written
            )),
            "{}",
            stdout(&o)
        );
    }
    let stored = prefix_contents(&cluster, PREFIX).await;
    assert_eq!(stored.len(), keys.len());
    assert!(stored.iter().all(|(_, v)| v == "- value: 9\n"));
}

/// A source that changes while `sync` waits for its confirmation: the
/// target's transaction also guards the source, so nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_writes_nothing_when_the_source_changed_since_it_was_read() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, "/a/temporal/dynamicconfig/frontend.rps", "- value: 1\n").await;
    raw_put(&cluster, "/b/temporal/dynamicconfig/frontend.rps", "- value: 2\n").await;
    let (pty, _) = at_prompt(&cluster, &["sync", "--prefixes", "/a,/b"].map(std::ffi::OsStr::new));
    raw_put(&cluster, "/a/temporal/dynamicconfig/frontend.rps", "- value: 3\n").await;
    let (status, shown) = answer(pty, b"y");
    assert_eq!(status, Some(1), "{shown}");
    assert!(shown.contains("nothing was written"), "{shown}");
    assert!(shown.contains("changed under /a/temporal/dynamicconfig/"), "{shown}");
    assert_eq!(
        raw_get(&cluster, "/b/temporal/dynamicconfig/frontend.rps")
            .await
            .unwrap()
            .0,
        "- value: 2\n"
    );
}

/// `diff --prune` counts stored keys the files do not name as deletions,
/// and `-o json` holds every documented field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_prune_and_every_json_field() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 255\n").await;
    raw_put(&cluster, &format!("{PREFIX}locks/x"), "not config").await;
    let f = file(
        &dir,
        "p.yaml",
        "frontend.rps:\n  - value: 2\nfrontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n",
    );
    let o = tcfg(&cluster).args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("1 to create, 1 to update, 0 to delete"),
        "{}",
        stdout(&o)
    );
    let o = tcfg(&cluster).args(["diff", "--prune", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("1 to create, 1 to update, 1 to delete"),
        "{}",
        stdout(&o)
    );
    let o = tcfg(&cluster)
        .args(["diff", "--prune", "-o", "json", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let want = serde_json::json!({
        "format_version": 1,
        "prefix": "/temporal/dynamicconfig/",
        "revision": 4,
        "changes": [
            {
                "key": "frontend.namespaceRPS",
                "action": "create",
                "etcd_key": "/temporal/dynamicconfig/frontend.namespaceRPS",
                "stored_as": [],
                "items": [{"change": "added", "constraints": {"namespace": "payments"}, "new": 4000}],
                "restart": false,
                // The namespace gets its value; every other scope keeps the default.
                "effect": [
                    {"scope": null, "before": 2400, "before_from": "default", "after": 2400,
                     "after_from": "default", "changes": false, "own_item": false},
                    {"scope": {"namespace": "payments"}, "before": 2400, "before_from": "default",
                     "after": 4000, "after_from": "item", "changes": true, "own_item": false}
                ]
            },
            {
                "key": "frontend.rps",
                "action": "update",
                "etcd_key": "/temporal/dynamicconfig/frontend.rps",
                "stored_as": [{"etcd_key": "/temporal/dynamicconfig/frontend.rps", "mod_revision": 2}],
                "items": [{"change": "changed", "constraints": {}, "old": 1, "new": 2}],
                "restart": false,
                "effect": [{"scope": null, "before": 1, "before_from": "item", "after": 2, "after_from": "item",
                            "changes": true, "own_item": false}]
            },
            {
                "key": "limit.maxIDLength",
                "action": "delete",
                "etcd_key": "/temporal/dynamicconfig/limit.maxIDLength",
                "stored_as": [{"etcd_key": "/temporal/dynamicconfig/limit.maxIDLength", "mod_revision": 3}],
                "items": [{"change": "removed", "constraints": {}, "old": 255}],
                "restart": false,
                // Deleted: the registered default comes back.
                "effect": [{"scope": null, "before": 255, "before_from": "item", "after": 1000,
                            "after_from": "default", "changes": true, "own_item": false}]
            }
        ],
        "summary": {"create": 1, "update": 1, "delete": 1, "unchanged": 0}
    });
    assert_eq!(got, want, "{}", serde_json::to_string_pretty(&got).unwrap());
}

/// A server certificate for a DNS name only: reached at 127.0.0.1, tcfg is
/// refused unless told the name (`clientName` in the config file, or
/// `ETCD_CLIENT_NAME`); `https://` endpoints need no other TLS setting than
/// the CA.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tls_server_name_is_the_config_files_client_name() {
    use tcfg_testkit::{TlsFiles, SERVER_NAME};
    let dir = tempfile::tempdir().unwrap();
    let mut tls = TlsFiles::create(dir.path());
    tls.server_cert = tls.named_server_cert.clone();
    tls.server_key = tls.named_server_key.clone();
    let cluster = EtcdCluster::start(
        1,
        Options {
            tls: Some(tls.clone()),
            ..Default::default()
        },
    );
    let https = format!("https://{}", cluster.members[0].endpoint());
    let get = |c: &mut std::process::Command| {
        c.arg("--cacert")
            .arg(&tls.ca_cert)
            .arg("--cert")
            .arg(&tls.client_cert)
            .arg("--key")
            .arg(&tls.client_key)
            .args(["get", "frontend.rps"])
            .output()
            .unwrap()
    };
    let o = get(tcfg_at(&https).args(["--dial-timeout", "1s"]));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("TLS"), "{}", stderr(&o));
    let o = get(tcfg_at(&https).env("ETCD_CLIENT_NAME", SERVER_NAME));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Without --cacert the system's roots are the trust store: the test CA
    // is not among them.
    let o = tcfg_at(&https)
        .env("ETCD_CLIENT_NAME", SERVER_NAME)
        .arg("--cert")
        .arg(&tls.client_cert)
        .arg("--key")
        .arg(&tls.client_key)
        .args(["get", "frontend.rps"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown issuer") && stderr(&o).contains("hint: pass --cacert"),
        "{}",
        stderr(&o)
    );
    let cfg = file(
        &dir,
        "seed.yaml",
        &format!(
            "etcdConfigs:\n  - name: prod\n    endpoints: [\"{}\"]\nclientName: {SERVER_NAME}\n",
            cluster.members[0].endpoint()
        ),
    );
    let o = get(tcfg_bare().arg("--config").arg(&cfg));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
