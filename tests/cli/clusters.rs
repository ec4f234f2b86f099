//! Several etcd clusters, as in a multi-region deployment: separate etcd
//! processes, each with its own CA, client certificate, user and password,
//! reached through one config file. Cross-cluster `sync`, `diff` and
//! `watch`, and `tcfg status` for the fleet.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use tcfg_testkit::{EtcdCluster, Options, Perm, TlsFiles, User};

use crate::common::{
    answer, contents_with, int_keys_document, raw_get, raw_put, stderr, stdout, tcfg_bare, us_and_eu_config,
    with_deadline, SpawnExt, Watch, PREFIX,
};

/// One region's etcd cluster.
struct Region {
    name: &'static str,
    etcd: EtcdCluster,
    /// Its dynamic config prefix.
    prefix: String,
}

/// The regions and the config file that names them all.
struct Fleet {
    regions: Vec<Region>,
    config: PathBuf,
    _dir: tempfile::TempDir,
}

/// A region to start: its name, members, its own prefix (default: the
/// default one), and extra etcd flags.
struct Spec {
    name: &'static str,
    members: usize,
    prefix: Option<&'static str>,
    extra: &'static [&'static str],
    /// More lines of its `etcdConfigs` entry.
    entry: &'static str,
}

fn spec(name: &'static str) -> Spec {
    Spec {
        name,
        members: 1,
        prefix: None,
        extra: &[],
        entry: "",
    }
}

impl Fleet {
    /// Start every region with TLS from its own CA and authentication (user
    /// `ops-NAME`, readwrite on its prefix's root), and write a config file
    /// whose top level holds the defaults and whose entries hold each
    /// cluster's own TLS files, user and prefix.
    async fn start(specs: Vec<Spec>) -> Fleet {
        let dir = tempfile::tempdir().unwrap();
        let mut regions = Vec::new();
        let mut config = String::from("dialTimeout: 1s\ncommandTimeout: 5s\netcdConfigs:\n");
        for s in specs {
            let tls = TlsFiles::create(&dir.path().join(s.name));
            let etcd = EtcdCluster::start(
                s.members,
                Options {
                    tls: Some(tls.clone()),
                    extra_args: s.extra.iter().map(|a| a.to_string()).collect(),
                    ..Default::default()
                },
            );
            let prefix = s.prefix.unwrap_or(PREFIX).to_string();
            // The root of `/apsouth/dynamicconfig/` is `/apsouth/`: the
            // config, its history and its renderers' records.
            let root = format!("/{}/", prefix.split('/').nth(1).unwrap());
            let (user, password) = (format!("ops-{}", s.name), format!("pw-{}", s.name));
            etcd.enable_auth(&[User {
                name: &user,
                password: &password,
                prefix: Some((&root, Perm::ReadWrite)),
            }])
            .await;
            let endpoints: Vec<String> = etcd.endpoint_list().iter().map(|e| format!("\"{e}\"")).collect();
            config.push_str(&format!(
                "  - name: {}\n    endpoints: [{}]\n    clientTlsCaCertFile: {}\n    clientTlsCertFile: {}\n    clientTlsKeyFile: {}\n    user: {user}\n    password: {password}\n",
                s.name,
                endpoints.join(", "),
                tls.ca_cert.display(),
                tls.client_cert.display(),
                tls.client_key.display(),
            ));
            if let Some(p) = s.prefix {
                config.push_str(&format!("    globalKeyPrefix: {p}\n"));
            }
            config.push_str(s.entry);
            regions.push(Region {
                name: s.name,
                etcd,
                prefix,
            });
        }
        let path = dir.path().join("tcfg.yaml");
        std::fs::write(&path, config).unwrap();
        Fleet {
            regions,
            config: path,
            _dir: dir,
        }
    }

    fn region(&self, name: &str) -> &Region {
        self.regions.iter().find(|r| r.name == name).unwrap()
    }

    /// `tcfg --config FILE ARGS`, with nothing else from the environment.
    fn tcfg(&self, args: &[&str]) -> std::process::Command {
        let mut c = tcfg_bare();
        c.arg("--config").arg(&self.config).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        with_deadline(assert_cmd::Command::from_std(self.tcfg(args)))
            .output()
            .unwrap()
    }
}

impl Region {
    /// A set-up write, as root.
    async fn put(&self, name: &str, value: &str) -> i64 {
        let r = self
            .etcd
            .root_client()
            .await
            .put(format!("{}{name}", self.prefix), value, None)
            .await
            .unwrap();
        r.header().unwrap().revision()
    }

    /// Every key under a key prefix, read as root.
    async fn contents(&self, under: &str) -> Vec<(String, String)> {
        contents_with(&mut self.etcd.root_client().await, under).await
    }

    /// The config keys by name, with their stored values.
    async fn config(&self) -> Vec<(String, String)> {
        self.contents(&self.prefix)
            .await
            .into_iter()
            .map(|(k, v)| (k[self.prefix.len()..].to_string(), v))
            .collect()
    }

    /// The name prefix lists give it: `us-east:/temporal/dynamicconfig/`.
    fn located(&self) -> String {
        format!("{}:{}", self.name, self.prefix)
    }
}

/// Three registered int keys.
fn keys() -> Vec<String> {
    int_keys_document(3, 0).1
}

async fn seed(region: &Region, value: i64) {
    for k in keys() {
        region.put(&k, &format!("- value: {value}\n")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_across_three_clusters_each_with_its_own_ca_and_user() {
    let fleet = Fleet::start(vec![
        spec("us-east"),
        spec("eu-west"),
        Spec {
            prefix: Some("/apsouth/dynamicconfig/"),
            entry: "    requireMessage: true\n",
            ..spec("ap-south")
        },
    ])
    .await;
    let (us, eu, ap) = (
        fleet.region("us-east"),
        fleet.region("eu-west"),
        fleet.region("ap-south"),
    );
    let k = keys();
    let extra = int_keys_document(4, 0).1.pop().unwrap();
    seed(us, 7).await;
    // eu-west drifted: one value differs, one key only it has, and a key
    // of another application that nothing may touch.
    seed(eu, 7).await;
    eu.put(&k[1], "- value: 9\n").await;
    eu.put(&extra, "- value: 1\n").await;
    eu.put("locks/owner", "host-a").await;

    let o = fleet.run(&["diff", "--prefixes", "us-east:,eu-west:"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&k[1]) && stdout(&o).contains(&extra),
        "{}",
        stdout(&o)
    );

    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:,ap-south:", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 of 2 targets drifted"), "{}", stderr(&o));
    assert!(stdout(&o).contains(&ap.located()), "{}", stdout(&o));
    assert!(ap.config().await.is_empty(), "a dry run writes nothing");

    let o = fleet.run(&[
        "sync",
        "--prefixes",
        "us-east:,eu-west:,ap-south:",
        "--yes",
        "-m",
        "region copy",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for r in [eu, ap] {
        assert!(
            stderr(&o).contains(&format!("synced {} at revision", r.located())),
            "{}",
            stderr(&o)
        );
    }
    let want: Vec<(String, String)> = us.config().await;
    assert_eq!(
        ap.config().await,
        want,
        "ap-south, under its own prefix, holds the source"
    );
    let mut eu_now = eu.config().await;
    eu_now.retain(|(k, _)| k != "locks/owner");
    assert_eq!(eu_now, want, "eu-west holds the source");
    assert!(
        eu.config()
            .await
            .iter()
            .any(|(k, v)| k == "locks/owner" && v == "host-a"),
        "keys that are not dynamic config are never touched"
    );
    // Each cluster records its change, as the user it was written as.
    let records = eu.contents("/temporal/dynamicconfig.history/").await;
    assert_eq!(records.len(), 1, "{records:?}");
    let record: Value = serde_json::from_str(&records[0].1).unwrap();
    assert_eq!(record["author"]["etcd_user"], "ops-eu-west");
    assert_eq!(record["message"], "region copy");
    assert!(
        record["command"]["source"].as_str().unwrap().starts_with(&us.located()),
        "{record}"
    );
    let records = ap.contents("/apsouth/dynamicconfig.history/").await;
    assert_eq!(
        records.len(),
        1,
        "ap-south's history is beside its own prefix: {records:?}"
    );

    for pair in ["us-east:,ap-south:", "eu-west:,us-east:"] {
        let o = fleet.run(&["diff", "--prefixes", pair]);
        assert_eq!(o.status.code(), Some(0), "{pair}: {}", stdout(&o));
    }
    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:,ap-south:", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("all 2 targets match"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_is_down_fails_alone_and_the_others_are_written() {
    let mut fleet = Fleet::start(vec![spec("us-east"), spec("eu-west"), spec("ap-south")]).await;
    seed(fleet.region("us-east"), 7).await;
    fleet.regions[2].etcd.members[0].kill();

    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:,ap-south:", "--dry-run"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read ap-south:"), "{}", stderr(&o));
    // The review comment names the target it could not read.
    let o = fleet.run(&[
        "sync",
        "--prefixes",
        "us-east:,eu-west:,ap-south:",
        "--dry-run",
        "-o",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("### `eu-west:"), "{md}");
    assert!(md.contains("> ❌ **Cannot read** ap-south:"), "{md}");

    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:,ap-south:", "--yes"]);
    assert_eq!(o.status.code(), Some(3), "a target down is a failure: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("synced eu-west:"), "{err}");
    assert!(err.contains("failed ap-south:"), "{err}");
    assert!(err.contains("1 of 2 targets failed"), "{err}");
    let (us, eu) = (fleet.region("us-east"), fleet.region("eu-west"));
    assert_eq!(eu.config().await, us.config().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_change_during_a_cross_cluster_sync_is_reported() {
    let fleet = Fleet::start(vec![spec("us-east"), spec("eu-west")]).await;
    let (us, eu) = (fleet.region("us-east"), fleet.region("eu-west"));
    seed(us, 7).await;
    let k = keys();
    let pty = tcfg_testkit::pty::Pty::spawn(fleet.tcfg(&["sync", "--prefixes", "us-east:,eu-west:"]));
    pty.expect("[y/N]");
    pty.wait_for_echo(false);
    // The source moves after it was read: no transaction spans both
    // clusters, so the target gets the state that was read.
    us.put(&k[0], "- value: 8\n").await;
    let (code, shown) = answer(pty, b"y");
    assert_eq!(code, Some(2), "{shown}");
    assert!(shown.contains("changed while the targets were written"), "{shown}");
    assert!(
        shown.contains(&format!("{} holds its state at revision", eu.located())),
        "{shown}"
    );
    assert!(shown.contains("run the sync again"), "{shown}");
    assert!(eu
        .config()
        .await
        .iter()
        .any(|(n, v)| n == &k[0] && v.contains("value: 7")));

    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(eu.config().await, us.config().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reports_drift_across_clusters() {
    let fleet = Fleet::start(vec![spec("us-east"), spec("eu-west")]).await;
    let (us, eu) = (fleet.region("us-east"), fleet.region("eu-west"));
    seed(us, 7).await;
    seed(eu, 7).await;
    let k = keys();
    let w = Watch::spawn(fleet.tcfg(&["watch", "-o", "json", "--prefixes", "us-east:,eu-west:"]));
    w.expect("eu-west ready", |v| v["type"] == "ready" && v["prefix"] == eu.located());
    eu.put(&k[2], "- value: 9\n").await;
    let c = w.expect("the change", |v| v["type"] == "change");
    assert_eq!(c["prefix"], eu.located());
    let d = w.expect("drift", |v| v["type"] == "drift");
    assert_eq!(d["key"], k[2].as_str());
    assert_eq!(d["values"][us.located()][0]["value"], 7);
    assert_eq!(d["values"][eu.located()][0]["value"], 9);
    assert_eq!(w.terminate(), 0);
}

/// `tcfg status -o json ARGS`: its exit status and report.
fn status(fleet: &Fleet, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["status", "-o", "json"];
    all.extend_from_slice(args);
    let o = fleet.run(&all);
    let report = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code(), report, stderr(&o))
}

/// The report of the prefix on cluster `name`.
fn prefix<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["cluster"] == name)
        .unwrap_or_else(|| panic!("no prefix of {name}: {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_members_drift_compaction_renderers_and_a_member_down() {
    let mut fleet = Fleet::start(vec![
        Spec {
            members: 3,
            ..spec("us-east")
        },
        spec("eu-west"),
    ])
    .await;
    let k = keys();
    seed(&fleet.regions[0], 7).await;
    seed(&fleet.regions[1], 7).await;

    let (code, report, err) = status(&fleet, &[]);
    assert_eq!(code, Some(0), "{err}\n{report}");
    let members = report["clusters"][0]["health"]["members"].as_array().unwrap();
    assert_eq!(report["clusters"][0]["name"], "us-east");
    assert_eq!(members.len(), 3);
    assert_eq!(members.iter().filter(|m| m["leader"] == true).count(), 1, "{report}");
    let leader = members.iter().find(|m| m["leader"] == true).unwrap()["endpoint"]
        .as_str()
        .unwrap()
        .to_string();
    // A release etcd has fixed since is flagged, with what tcfg does about
    // it; the releases without one are not.
    // (Every release tested that etcd fixed since answers progress early or
    // may drop it.)
    let flagged = !crate::common::etcd_progress_in_order();
    let warned = format!("warning: us-east: etcd {} ", tcfg_testkit::etcd_release());
    assert_eq!(err.contains(&warned), flagged, "{err}");
    assert!(!err.contains("different etcd releases"), "{err}");
    for m in members {
        assert_eq!(m["version"].as_str().unwrap(), tcfg_testkit::etcd_release(), "{m}");
        assert_eq!(!m["known_problems"].as_array().unwrap().is_empty(), flagged, "{m}");
        assert!(
            m["raft_term"].as_u64().unwrap() >= 1 && m["db_size"].as_i64().unwrap() > 0,
            "{m}"
        );
    }
    let (us, eu) = (prefix(&report, "us-east"), prefix(&report, "eu-west"));
    assert_eq!(us["state"]["keys"], 3);
    assert_eq!(us["state"]["fingerprint"], eu["state"]["fingerprint"]);
    assert_eq!(eu["state"]["drift"]["against"], fleet.regions[0].located());
    assert_eq!(eu["state"]["drift"]["keys"], serde_json::json!([]));
    assert_eq!(eu["state"]["compaction_floor"], 1);

    // Drift, and a compaction on eu-west.
    let rev = fleet.regions[1].put(&k[1], "- value: 9\n").await;
    fleet.regions[1]
        .etcd
        .root_client()
        .await
        .compact(rev, None)
        .await
        .unwrap();
    let (code, report, err) = status(&fleet, &[]);
    assert_eq!(code, Some(2), "{err}\n{report}");
    let eu = prefix(&report, "eu-west");
    assert_eq!(eu["state"]["drift"]["keys"], serde_json::json!([k[1]]));
    assert_eq!(eu["state"]["compaction_floor"], rev);
    assert_ne!(
        prefix(&report, "us-east")["state"]["fingerprint"],
        eu["state"]["fingerprint"]
    );
    let o = fleet.run(&["status", "-v"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("differs from {} in: {}", fleet.regions[0].located(), k[1])),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("1 key"), "{}", stdout(&o));

    // A renderer of eu-west reports itself.
    let dir = tempfile::tempdir().unwrap();
    let _renderer = fleet
        .tcfg(&["--cluster", "eu-west", "render", "--follow", "--report-as", "host-a"])
        .arg(dir.path().join("dynamicconfig.yaml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn_killed();
    let deadline = Instant::now() + Duration::from_secs(20);
    let renderer = loop {
        let (_, report, _) = status(&fleet, &["--clusters", "eu-west"]);
        if let Some(r) = prefix(&report, "eu-west")["state"]["renderers"]
            .get(0)
            .filter(|r| r["revision"].as_i64() >= Some(rev))
        {
            break r.clone();
        }
        assert!(Instant::now() < deadline, "the renderer never reported: {report}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(renderer["name"], "host-a");
    assert_eq!(renderer["behind_by"], 0);
    let o = fleet.run(&["status", "--clusters", "eu-west"]);
    assert!(stdout(&o).contains("host-a"), "{}", stdout(&o));

    // The leader down: the others elect another, the cluster still answers
    // (logging in waits out the election), and it is unhealthy.
    let i = fleet.regions[0]
        .etcd
        .members
        .iter()
        .position(|m| m.endpoint() == leader)
        .unwrap();
    fleet.regions[0].etcd.members[i].kill();
    let down = leader;
    let (code, report, err) = status(&fleet, &["--clusters", "us-east"]);
    assert_eq!(code, Some(3), "{err}\n{report}");
    let members = report["clusters"][0]["health"]["members"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"));
    let m = members
        .iter()
        .find(|m| m["endpoint"] == down.as_str())
        .unwrap_or_else(|| panic!("no member {down}: {report}"));
    assert!(m["error"].is_string(), "{m}");
    assert_eq!(members.iter().filter(|m| m["version"].is_string()).count(), 2);
    assert_eq!(
        prefix(&report, "us-east")["state"]["keys"],
        3,
        "the prefix is still read"
    );
    assert!(err.contains("unhealthy: us-east"), "{err}");
    // Logging in gets past the member that is down, every time (each run
    // sends its login to a member picked at random).
    for _ in 0..6 {
        let o = fleet.run(&["--cluster", "us-east", "get", &k[0]]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "- value: 7\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_a_nospace_alarm_and_an_unreachable_cluster() {
    let mut fleet = Fleet::start(vec![
        spec("us-east"),
        Spec {
            extra: &["--quota-backend-bytes=1048576"],
            ..spec("eu-west")
        },
        spec("ap-south"),
    ])
    .await;
    let full = &fleet.regions[1];
    let big = "x".repeat(100 * 1024);
    let mut client = full.etcd.root_client().await;
    let mut filled = false;
    for i in 0..200 {
        if let Err(e) = client.put(format!("/temporal/fill/{i}"), big.clone(), None).await {
            assert!(e.to_string().contains("database space exceeded"), "{e}");
            filled = true;
            break;
        }
    }
    assert!(filled, "etcd never ran out of space");
    fleet.regions[2].etcd.members[0].kill();

    let (code, report, err) = status(&fleet, &[]);
    assert_eq!(code, Some(3), "{err}\n{report}");
    let eu = &report["clusters"][1];
    assert_eq!(
        eu["health"]["members"][0]["alarms"],
        serde_json::json!(["NOSPACE"]),
        "{eu}"
    );
    assert!(err.contains("eu-west: alarm NOSPACE on"), "{err}");
    let ap = &report["clusters"][2];
    assert!(
        ap["error"].is_string() || ap["health"]["members"][0]["error"].is_string(),
        "{ap}"
    );
    assert!(prefix(&report, "ap-south")["error"].is_string(), "{report}");
    assert!(err.contains("unhealthy: eu-west, ap-south"), "{err}");
    let o = fleet.run(&["status"]);
    let out = stdout(&o);
    assert!(out.contains("NOSPACE"), "{out}");
    // A member's error is a line of its own under the table: the STATE
    // column stays as narrow as its words.
    let row = out
        .lines()
        .find(|l| l.contains("ap-south") && l.contains("unreachable"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(!row.contains("cannot connect"), "{row}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("  ap-south: ") && l.contains("cannot connect")),
        "{out}"
    );
    let header = out.lines().find(|l| l.contains("STATE")).unwrap();
    assert!(
        header.find("VERSION").unwrap() - header.find("STATE").unwrap() < 16,
        "{header}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_cluster_named_is_the_current_connection() {
    // Without --cluster the config file's first cluster is the current
    // one: `us-east:` and a plain prefix are one cluster, so the sync is
    // one transaction that checks the source, and a source change between
    // the read and the write refuses it.
    let fleet = Fleet::start(vec![spec("us-east"), spec("eu-west")]).await;
    let us = fleet.region("us-east");
    seed(us, 7).await;
    let k = keys();
    let copy = "/temporal/copy/";
    let pty = tcfg_testkit::pty::Pty::spawn(fleet.tcfg(&["sync", "--prefixes", &format!("us-east:,{copy}")]));
    pty.expect("[y/N]");
    pty.wait_for_echo(false);
    us.put(&k[0], "- value: 8\n").await;
    let (code, shown) = answer(pty, b"y");
    assert_eq!(code, Some(1), "{shown}");
    assert!(!shown.contains("changed while the targets were written"), "{shown}");
    let copied = us
        .etcd
        .root_client()
        .await
        .get(copy, Some(etcd_client::GetOptions::new().with_prefix()))
        .await
        .unwrap();
    assert_eq!(copied.count(), 0, "nothing written: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_clusters_written_decide_whether_a_message_is_required() {
    // The source (and current) cluster requires a message; the target not.
    let fleet = Fleet::start(vec![
        Spec {
            entry: "    requireMessage: true\n",
            ..spec("us-east")
        },
        spec("eu-west"),
    ])
    .await;
    let (us, eu) = (fleet.region("us-east"), fleet.region("eu-west"));
    seed(us, 7).await;
    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "a dry run needs no message: {}", stderr(&o));
    let o = fleet.run(&["sync", "--prefixes", "us-east:,eu-west:", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "only eu-west is written: {}", stderr(&o));
    assert_eq!(eu.config().await.len(), 3);
    // Back the other way, us-east is written: a message is required.
    eu.put(&keys()[0], "- value: 9\n").await;
    let o = fleet.run(&["sync", "--prefixes", "eu-west:,us-east:", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("a message is required"), "{}", stderr(&o));
    assert!(us.config().await.iter().all(|(_, v)| v.contains('7')));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcdctl_variables_never_point_a_named_cluster_at_another_etcd() {
    let (us, eu) = (EtcdCluster::single(), EtcdCluster::single());
    raw_put(&us, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    raw_put(&eu, &format!("{PREFIX}frontend.rps"), "- value: 2\n").await;
    let dir = tempfile::tempdir().unwrap();
    let config = us_and_eu_config(&dir, &us, &eu);
    let run = |args: &[&str]| {
        let mut c = tcfg_bare();
        c.arg("--config")
            .arg(&config)
            .args(args)
            .env("ETCDCTL_ENDPOINTS", eu.endpoints());
        with_deadline(assert_cmd::Command::from_std(c)).output().unwrap()
    };
    // us-east is us-east: the two differ, and the variable is named once.
    let o = run(&["diff", "--prefixes", "us-east:,eu-west:"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("ETCDCTL_ENDPOINTS is set but not used").count(), 1, "{err}");
    // status labels each cluster's own etcd.
    let o = run(&["status", "-o", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let fingerprints: Vec<&str> = report["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["state"]["fingerprint"].as_str().unwrap())
        .collect();
    assert_ne!(fingerprints[0], fingerprints[1], "{}", stdout(&o));
    // --cluster us-east writes us-east, and says so.
    let o = run(&["--cluster", "us-east", "put", "frontend.rps", "7", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("on cluster us-east ({})", us.endpoints())),
        "{}",
        stderr(&o)
    );
    assert!(raw_get(&us, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('7'));
    assert!(raw_get(&eu, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('2'));
    // Undoing it goes to us-east too, and leaves eu-west alone.
    let at = raw_get(&us, &format!("{PREFIX}frontend.rps")).await.unwrap().1;
    let o = run(&["--cluster", "us-east", "revert", &at.to_string(), "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(raw_get(&us, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('1'));
    assert!(raw_get(&eu, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('2'));
    // A source cluster holding a key in two spellings is not copied across.
    raw_put(&us, &format!("{PREFIX}FRONTEND.RPS"), "- value: 3\n").await;
    let o = run(&["sync", "--prefixes", "us-east:,eu-west:", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("a key under 2 spellings"), "{}", stderr(&o));
    assert!(raw_get(&eu, &format!("{PREFIX}FRONTEND.RPS")).await.is_none());
    assert!(raw_get(&eu, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('2'));
    // With no cluster named, the variables apply, as etcdctl's do.
    let o = run(&["put", "frontend.rps", "9", "--yes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("on etcd {}", eu.endpoints())),
        "{}",
        stderr(&o)
    );
    assert!(raw_get(&eu, &format!("{PREFIX}frontend.rps"))
        .await
        .unwrap()
        .0
        .contains('9'));
}
