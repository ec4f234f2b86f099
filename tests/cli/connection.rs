//! Reaching etcd: TLS, users and roles, stale tokens, an unreachable
//! endpoint, a member lost, and the seed's config file and environment.

use crate::common::*;

use std::path::Path;

use predicates::prelude::*;
use tcfg_testkit::{EtcdCluster, Options, Perm, TlsFiles, User};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_accepts_the_right_certificate_and_rejects_others() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsFiles::create(dir.path());
    let cluster = EtcdCluster::start(
        1,
        Options {
            tls: Some(tls.clone()),
            ..Default::default()
        },
    );
    let with = |args: &[&Path]| {
        let mut c = tcfg(&cluster);
        for (flag, path) in ["--cacert", "--cert", "--key"].iter().zip(args) {
            c.arg(flag).arg(path);
        }
        c.args(["put", "frontend.rps", "100", "--yes"]);
        c.output().unwrap()
    };
    let o = with(&[&tls.ca_cert, &tls.client_cert, &tls.client_key]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A prefix is read with tcfg's own range request over the same TLS connection.
    let o = tcfg(&cluster)
        .arg("--cacert")
        .arg(&tls.ca_cert)
        .arg("--cert")
        .arg(&tls.client_cert)
        .arg("--key")
        .arg(&tls.client_key)
        .arg("dump")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "frontend.rps:\n  - value: 100\n", "{}", stderr(&o));
    let o = with(&[&tls.ca_cert]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("client certificate"), "{}", stderr(&o));
    let o = with(&[&tls.other_ca_cert, &tls.client_cert, &tls.client_key]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not signed by the CA tcfg was given") && stderr(&o).contains("hint: pass --cacert FILE"),
        "{}",
        stderr(&o)
    );
    let o = with(&[&tls.ca_cert, &tls.rogue_client_cert, &tls.rogue_client_key]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    // etcdctl's variables work too.
    let o = tcfg(&cluster)
        .env("ETCDCTL_CACERT", &tls.ca_cert)
        .env("ETCDCTL_CERT", &tls.client_cert)
        .env("ETCDCTL_KEY", &tls.client_key)
        .args(["get", "frontend.rps"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "- value: 100\n", "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_users_need_rights_on_the_prefix() {
    let cluster = EtcdCluster::single();
    cluster
        .enable_auth(&[
            User {
                name: "operator",
                password: "op-pw",
                prefix: Some((PREFIX, Perm::ReadWrite)),
            },
            User {
                name: "viewer",
                password: "v-pw",
                prefix: Some((PREFIX, Perm::Read)),
            },
            User {
                name: "stranger",
                password: "s-pw",
                prefix: Some(("/elsewhere/", Perm::ReadWrite)),
            },
            User {
                name: "unrecorded",
                password: "u-pw",
                prefix: Some((PREFIX, Perm::ReadWrite)),
            },
        ])
        .await;
    // Writers need the history prefix too: tcfg records every change.
    cluster.grant("operator-role", HISTORY, Perm::ReadWrite).await;
    let mut root = cluster.root_client().await;
    let before = root.get("x", None).await.unwrap().header().unwrap().revision();
    tcfg(&cluster)
        .args([
            "--user",
            "unrecorded",
            "--password",
            "u-pw",
            "put",
            "frontend.rps",
            "6",
            "--yes",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the etcd user unrecorded may not read or write the history prefix /temporal/dynamicconfig.history/",
        ));
    cluster.grant("unrecorded-role", HISTORY, Perm::Read).await;
    tcfg(&cluster)
        .args([
            "--user",
            "unrecorded",
            "--password",
            "u-pw",
            "put",
            "frontend.rps",
            "6",
            "--yes",
        ])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("may not write the history prefix /temporal/dynamicconfig.history/").and(
                predicate::str::contains(
                    "etcdctl role grant-permission ROLE --prefix=true readwrite /temporal/dynamicconfig.history/",
                ),
            ),
        );
    let after = root.get("x", None).await.unwrap().header().unwrap().revision();
    assert_eq!(after, before, "nothing written");
    // A role from before freezes may not read the freeze entries: the
    // write goes ahead, unchecked, and says what to grant.
    tcfg(&cluster)
        .args([
            "--user",
            "operator",
            "--password",
            "op-pw",
            "put",
            "frontend.rps",
            "7",
            "--yes",
        ])
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("may not read /temporal/dynamicconfig.freeze/")
                .and(predicate::str::contains("grant it read on /tcfg/freeze/")),
        );
    tcfg(&cluster)
        .args(["--user", "operator:op-pw", "get", "frontend.rps"])
        .assert()
        .code(0)
        .stdout("- value: 7\n");
    tcfg(&cluster)
        .env("ETCDCTL_USER", "viewer")
        .env("ETCDCTL_PASSWORD", "v-pw")
        .args(["get", "frontend.rps"])
        .assert()
        .code(0)
        .stdout("- value: 7\n");
    // A reader of the log needs read on the records, and is told just that.
    let viewer_log = || {
        let mut c = tcfg(&cluster);
        c.args(["--user", "viewer:v-pw", "log"]);
        c
    };
    viewer_log().assert().code(3).stderr(
        predicate::str::contains("may not read the history prefix /temporal/dynamicconfig.history/")
            .and(predicate::str::contains(
                "--prefix=true read /temporal/dynamicconfig.history/",
            ))
            .and(predicate::str::contains("readwrite").not()),
    );
    cluster.grant("viewer-role", HISTORY, Perm::Read).await;
    viewer_log().assert().code(0);
    tcfg(&cluster)
        .args([
            "--user",
            "viewer",
            "--password",
            "v-pw",
            "put",
            "frontend.rps",
            "8",
            "--yes",
        ])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("permission denied")
                .and(predicate::str::contains("write permission"))
                .and(predicate::str::contains("readwrite on the history prefix")),
        );
    let o = tcfg(&cluster)
        .args(["--user", "viewer", "--password", "v-pw", "dump"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "frontend.rps:\n  - value: 7\n", "{}", stderr(&o));
    tcfg(&cluster)
        .args(["--user", "stranger", "--password", "s-pw", "dump"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "permission denied for reading /temporal/dynamicconfig/: the user needs read permission",
        ));
    tcfg(&cluster)
        .args(["--user", "operator", "--password", "wrong", "get", "frontend.rps"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("wrong user name or password"));
    tcfg(&cluster)
        .args(["get", "frontend.rps"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("pass --user"));
    tcfg(&cluster)
        .args(["--user", "operator", "get", "frontend.rps"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no password: pass --password"));
}

/// A prefix read goes out with the token etcd-client logged in with; when
/// etcd forgets it (here: auth turned off and on, which drops every token,
/// as expiry does), the read logs in again instead of failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_reads_log_in_again_when_the_token_goes_stale() {
    use tcfg_core::store::{ConnectionSettings, Store};
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 7\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 8\n").await;
    cluster
        .enable_auth(&[User {
            name: "viewer",
            password: "v-pw",
            prefix: Some((PREFIX, Perm::Read)),
        }])
        .await;
    let store = Store::connect(ConnectionSettings {
        endpoints: cluster.endpoint_list(),
        user: Some("viewer".into()),
        password: Some("v-pw".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let registry = tcfg_core::Registry::for_version(None).unwrap();
    assert_eq!(store.snapshot(&registry, None).await.unwrap().keys.len(), 2);

    let mut root = cluster.root_client().await;
    root.auth_disable().await.unwrap();
    cluster.client().await.auth_enable().await.unwrap();
    let snap = store.snapshot(&registry, None).await.unwrap();
    assert_eq!(snap.keys.len(), 2);
    assert!(snap.keys.iter().all(|k| k.is_valid()));
}

#[test]
fn an_unreachable_endpoint_is_exit_3_with_a_sentence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = tcfg_cmd();
    c.env("RUST_BACKTRACE", "1").args([
        "--endpoints",
        &format!("127.0.0.1:{port}"),
        "--dial-timeout",
        "60s",
        "get",
        "frontend.rps",
    ]);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    // Nothing listens there: said at once, not after the dial timeout.
    let err = stderr(&o);
    let head = format!(
        "error: cannot connect to etcd at 127.0.0.1:{port}: connection refused by every endpoint: nothing listens there (tried 1 endpoint for "
    );
    assert!(err.starts_with(&head), "{err}");
    assert!(!err.contains("60s"), "the dial timeout was not waited out: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_member_cluster_serves_through_the_loss_of_a_member() {
    let mut cluster = EtcdCluster::start(3, Options::default());
    tcfg(&cluster)
        .args(["put", "frontend.rps", "11", "--yes"])
        .assert()
        .code(0);
    let leader = cluster.leader().await;
    cluster.members[leader].kill();
    // Reads retry on the survivors: one key, and a whole prefix.
    for _ in 0..5 {
        tcfg(&cluster)
            .args(["get", "frontend.rps"])
            .assert()
            .code(0)
            .stdout("- value: 11\n");
        tcfg(&cluster)
            .args(["dump"])
            .assert()
            .code(0)
            .stdout("frontend.rps:\n  - value: 11\n");
    }
    let o = tcfg(&cluster)
        .args(["put", "frontend.rps", "12", "--yes"])
        .output()
        .unwrap();
    // A write may land on the dead member and fail: never half done, never retried blindly.
    match o.status.code() {
        Some(0) => tcfg(&cluster)
            .args(["get", "frontend.rps"])
            .assert()
            .stdout("- value: 12\n"),
        _ => tcfg(&cluster)
            .args(["get", "frontend.rps"])
            .assert()
            .stdout("- value: 11\n"),
    };
    tcfg(&cluster)
        .args(["dump", "--keys-only"])
        .assert()
        .code(0)
        .stdout("frontend.rps\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_config_file_and_environment_are_read() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "etcdConfigs:\n  - name: prod\n    endpoints: [\"{}\"]\n  - name: dead\n    endpoints: [\"127.0.0.1:1\"]\nglobalKeyPrefix: /prod/temporal/dynamicconfig/\ndisableTLS: true\nclientName: temporal-server\n",
            cluster.endpoints()
        ),
    )
    .unwrap();
    let mut c = tcfg_cmd();
    c.arg("--config").arg(&cfg).args(["put", "frontend.rps", "3", "--yes"]);
    c.assert().code(0);
    assert_eq!(
        raw_get(&cluster, "/prod/temporal/dynamicconfig/frontend.rps")
            .await
            .unwrap()
            .0,
        "- value: 3\n"
    );
    // --cluster picks an entry; flags beat the file.
    let mut c = tcfg_cmd();
    c.arg("--config")
        .arg(&cfg)
        .args(["--cluster", "dead", "--dial-timeout", "200ms", "get", "frontend.rps"]);
    c.assert().code(3);
    let mut c = tcfg_cmd();
    c.arg("--config").arg(&cfg).args([
        "--cluster",
        "dead",
        "--endpoints",
        &cluster.endpoints(),
        "get",
        "frontend.rps",
    ]);
    c.assert().code(0).stdout("- value: 3\n");
    // The default config file location.
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(xdg.join("tcfg")).unwrap();
    std::fs::copy(&cfg, xdg.join("tcfg/config.yaml")).unwrap();
    let mut c = tcfg_cmd();
    c.env("XDG_CONFIG_HOME", &xdg).args(["get", "frontend.rps"]);
    c.assert().code(0).stdout("- value: 3\n");
    // The seed library's environment variables.
    let mut c = tcfg_cmd();
    c.env("ETCD_ENDPOINTS", cluster.endpoints())
        .env("ETCD_KEY_PREFIX", "/prod/temporal/dynamicconfig")
        .args(["get", "frontend.rps"]);
    c.assert().code(0).stdout("- value: 3\n");
    // TCFG_* beats ETCD_*.
    let mut c = tcfg_cmd();
    c.env("ETCD_ENDPOINTS", "127.0.0.1:1")
        .env("TCFG_ENDPOINTS", cluster.endpoints())
        .env("TCFG_PREFIX", "/prod/temporal/dynamicconfig/")
        .args(["get", "frontend.rps"]);
    c.assert().code(0).stdout("- value: 3\n");
}

/// `tcfg clusters` names the config file's clusters, the current one, and
/// where each setting of the connection comes from; an environment
/// variable over the file is warned about by every command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clusters_says_where_each_setting_comes_from() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let config = file(
        &dir,
        "config.yaml",
        &format!(
            "globalKeyPrefix: /temporal/dynamicconfig/\ndisableTLS: true\netcdConfigs:\n  - name: us-east\n    endpoints: [\"{}\"]\n  - name: eu-west\n    endpoints: [\"127.0.0.1:1\"]\n    globalKeyPrefix: /eu/\n",
            cluster.endpoints()
        ),
    );
    let json = |c: &mut std::process::Command| {
        let o = c.args(["clusters", "-o", "json"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (
            serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap(),
            stderr(&o),
        )
    };
    let setting = |v: &serde_json::Value, name: &str| {
        v["current"]["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["setting"] == name)
            .cloned()
            .unwrap()
    };
    // The file alone: its first cluster, each setting from it.
    let (v, err) = json(tcfg_bare().arg("--config").arg(&config));
    assert!(err.is_empty(), "{err}");
    assert_eq!(v["current"]["cluster"], "us-east");
    assert_eq!(v["clusters"][0]["current"], true);
    assert_eq!(v["clusters"][1]["name"], "eu-west");
    assert_eq!(v["clusters"][1]["prefix"], "/eu/");
    assert!(
        setting(&v, "endpoints")["source"]
            .as_str()
            .unwrap()
            .contains("(cluster us-east)"),
        "{v}"
    );
    assert_eq!(setting(&v, "dial timeout")["source"], "default");
    // A flag, a TCFG_ variable and etcdctl's variable, each named.
    let (v, err) = json(
        tcfg_bare()
            .arg("--config")
            .arg(&config)
            .args(["--dial-timeout", "3s"])
            .env("TCFG_COMMAND_TIMEOUT", "9s")
            .env("ETCDCTL_ENDPOINTS", "127.0.0.1:2"),
    );
    assert_eq!(setting(&v, "dial timeout")["source"], "--dial-timeout");
    assert_eq!(setting(&v, "command timeout")["source"], "TCFG_COMMAND_TIMEOUT");
    let endpoints = setting(&v, "endpoints");
    assert_eq!(endpoints["source"], "ETCDCTL_ENDPOINTS");
    assert_eq!(endpoints["value"], "127.0.0.1:2");
    assert_eq!(endpoints["overrides"][0]["value"], cluster.endpoints());
    assert_eq!(v["current"]["cluster"], serde_json::Value::Null);
    assert!(
        err.contains("warning: ETCDCTL_ENDPOINTS (127.0.0.1:2) overrides the endpoints of"),
        "{err}"
    );
    // Every command warns of it, once.
    let o = tcfg_bare()
        .arg("--config")
        .arg(&config)
        .env("TCFG_ENDPOINTS", cluster.endpoints())
        .env("TCFG_PREFIX", "/elsewhere/")
        .args(["get", "frontend.rps"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("TCFG_PREFIX (/elsewhere/) overrides the prefix of"),
        "{err}"
    );
    assert!(
        !err.contains("TCFG_ENDPOINTS"),
        "the same value overrides nothing: {err}"
    );
    // --cluster: the named entry is current; the text output marks it.
    let o = tcfg_bare()
        .arg("--config")
        .arg(&config)
        .args(["--cluster", "eu-west", "clusters"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.lines().any(|l| l.contains('*') && l.contains("eu-west")), "{out}");
    assert!(
        out.contains("connected to cluster eu-west (127.0.0.1:1), prefix /eu/"),
        "{out}"
    );
    // No config file: said so, and the defaults shown.
    let o = tcfg_bare()
        .env("XDG_CONFIG_HOME", dir.path().join("none"))
        .arg("clusters")
        .output()
        .unwrap();
    assert!(stdout(&o).contains("config file: none"), "{}", stdout(&o));
    assert!(stdout(&o).contains("127.0.0.1:2379"), "{}", stdout(&o));
}

/// A certificate file that cannot be read is named once, with its reason
/// once (the reason was both in the sentence and printed again after it).
#[test]
fn an_unreadable_certificate_is_named_with_its_reason_once() {
    let o = tcfg_at("https://127.0.0.1:1")
        .args(["--cacert", "/nonexistent/ca.crt", "get", "frontend.rps"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("cannot read /nonexistent/ca.crt: No such file"), "{err}");
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}
