//! What no command may do, whatever it is given: touch keys that are not
//! dynamic config, empty a prefix by mistake, trust an edited plan, aim a
//! scoped write at the global item, or call an unknown outcome a failure.

use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::{EtcdCluster, Proxy};

const NS_RPS: &str =
    "frontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n  - value: 1200\n";

async fn apply_text(cluster: &EtcdCluster, dir: &tempfile::TempDir, prefix: &str, text: &str) {
    tcfg(cluster)
        .args(["--prefix", prefix, "apply", "--yes", "-f"])
        .arg(file(dir, "seed.yaml", text))
        .assert()
        .code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_keys_are_never_deleted_or_written() {
    let cluster = EtcdCluster::single();
    let foreign = [
        format!("{PREFIX}locks/leader"),
        format!("{PREFIX}Other/Lock"),
        format!("{PREFIX}README"),
    ];
    for k in &foreign {
        raw_put(&cluster, k, "not dynamic config").await;
    }
    for name in ["locks/leader", "other/lock", "README", "readme"] {
        tcfg(&cluster)
            .args(["delete", name, "--all", "--yes"])
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("is not a dynamic config key").and(predicate::str::contains("wrote").not()),
            );
        tcfg(&cluster)
            .args(["put", name, "5", "--allow-unknown-keys", "--yes"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is not a dynamic config key"));
    }
    for k in &foreign {
        assert_eq!(
            raw_get(&cluster, k).await.map(|(v, _)| v).as_deref(),
            Some("not dynamic config"),
            "{k}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_names_are_shown_exactly_escaped() {
    let cluster = EtcdCluster::single();
    raw_put(&cluster, &format!("{PREFIX}two\nlines"), "x").await;
    raw_put(&cluster, &format!("{PREFIX}\x1b[31mred"), "x").await;
    let mut c = cluster.client().await;
    c.put([PREFIX.as_bytes(), b"bin\xff"].concat(), "x", None)
        .await
        .unwrap();
    let o = tcfg(&cluster).arg("dump").output().unwrap();
    let err = stderr(&o);
    assert!(err.contains(r#""/temporal/dynamicconfig/two\nlines""#), "{err}");
    assert!(err.contains(r#""/temporal/dynamicconfig/\u{1b}[31mred""#), "{err}");
    assert!(!err.contains('\x1b'), "no raw escape reaches the terminal: {err:?}");
    assert!(err.contains("not UTF-8"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_cannot_be_keys_are_refused_even_when_unknown_keys_are_allowed() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let text = "\"locks/leader\":\n  - value: 1\n\"\":\n  - value: 2\n\"../../x\":\n  - value: 3\nacme.custom:\n  - value: 4\n";
    let f = file(&dir, "odd.yaml", text);
    for cmd in [&["apply", "--yes"][..], &["diff"]] {
        tcfg(&cluster)
            .args(cmd)
            .args(["--allow-unknown-keys", "-f"])
            .arg(&f)
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("error[not-a-key-name]").count(3).and(
                    predicate::str::contains("acme.custom")
                        .not()
                        .or(predicate::str::contains("warning[unknown-key]")),
                ),
            );
    }
    assert!(prefix_contents(&cluster, "").await.is_empty());
    // A custom build's key shaped like a key is fine, and converges.
    let custom = file(&dir, "custom.yaml", "acme.custom:\n  - value: 4\n");
    tcfg(&cluster)
        .args(["apply", "--allow-unknown-keys", "--yes", "-f"])
        .arg(&custom)
        .assert()
        .code(0);
    tcfg(&cluster)
        .args(["diff", "--allow-unknown-keys", "-f"])
        .arg(&custom)
        .assert()
        .code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_refuses_empty_malformed_and_mistyped_sources() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    apply_text(&cluster, &dir, "/a/temporal/dynamicconfig/", NS_RPS).await;
    let before = prefix_contents(&cluster, "/a/").await;
    assert_eq!(prefix_contents(&cluster, "/a/temporal/dynamicconfig/").await.len(), 1);
    for (prefixes, says) in [
        (",/a", "is not a usable prefix: it is empty"),
        ("/,/a", "it is only `/`"),
        ("/a,", "it is empty"),
        ("/actve,/a", "holds no dynamic config keys"),
        ("/a//b/,/a", "empty path segment"),
        ("/a/../b/,/a", "`..` segment"),
    ] {
        tcfg(&cluster)
            .args(["sync", "--yes", "--prefixes", prefixes])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
    }
    assert_eq!(prefix_contents(&cluster, "/a/").await, before);
    tcfg(&cluster)
        .args(["--prefix", "", "dump"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid prefix \"\"").and(predicate::str::contains("it is empty")));
    tcfg(&cluster)
        .args(["--prefix", "/", "dump"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("root of etcd's whole key space"));
    // Emptying a target on purpose takes a flag.
    tcfg(&cluster)
        .args(["sync", "--yes", "--allow-empty-source", "--prefixes", "/empty,/a"])
        .assert()
        .code(0);
    assert!(prefix_contents(&cluster, "/a/temporal/dynamicconfig/").await.is_empty());
}

/// Edit a saved plan's JSON and try to apply it.
fn tampered(
    dir: &tempfile::TempDir,
    plan: &serde_json::Value,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> std::path::PathBuf {
    let mut p = plan.clone();
    edit(&mut p);
    file(dir, name, &serde_json::to_string_pretty(&p).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_plan_is_refused_whole() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    apply_text(&cluster, &dir, PREFIX, NS_RPS).await;
    raw_put(&cluster, "/other/temporal/dynamicconfig/frontend.rps", "- value: 1\n").await;
    let desired = file(
        &dir,
        "d.yaml",
        &format!("{NS_RPS}frontend.rps:\n  - value: 7\n").replace("4000", "5000"),
    );
    let plan_path = dir.path().join("p.json");
    tcfg(&cluster)
        .args(["diff", "--out"])
        .arg(&plan_path)
        .arg("-f")
        .arg(&desired)
        .assert()
        .code(2);
    let plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    let before = prefix_contents(&cluster, "/").await;
    let cases: Vec<(&str, std::path::PathBuf, &str)> = vec![
        (
            "outside",
            tampered(&dir, &plan, "outside.json", |p| {
                p["changes"][0]["writes"][0]["etcd_key"] = "/outside/secret".into();
            }),
            "is outside the prefix",
        ),
        (
            "other prefix",
            tampered(&dir, &plan, "other.json", |p| {
                p["changes"][0]["writes"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({"etcd_key": "/other/temporal/dynamicconfig/frontend.rps", "value": null, "expect_mod_revision": 0}));
            }),
            "is outside the prefix",
        ),
        (
            "another key",
            tampered(&dir, &plan, "another.json", |p| {
                p["changes"][0]["writes"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({"etcd_key": format!("{PREFIX}limit.maxIDLength"), "value": null, "expect_mod_revision": 0}));
            }),
            "which is not a spelling of",
        ),
        (
            "bad yaml",
            tampered(&dir, &plan, "yaml.json", |p| {
                p["changes"][0]["writes"][0]["value"] = "- value: [\n".into();
                p["changes"][0]["new_text"] = "- value: [\n".into();
            }),
            "the value is invalid",
        ),
        (
            "invalid value",
            tampered(&dir, &plan, "invalid.json", |p| {
                p["changes"][0]["writes"][0]["value"] = "- value: lots\n".into();
                p["changes"][0]["new_text"] = "- value: lots\n".into();
            }),
            "the value is invalid",
        ),
        (
            "shown is not written",
            tampered(&dir, &plan, "shown.json", |p| {
                p["changes"][0]["new_text"] = "- value: 1\n".into();
            }),
            "the change it shows is not the change it writes",
        ),
        (
            "hand-made value",
            tampered(&dir, &plan, "hand.json", |p| {
                let v = p["changes"][0]["writes"][0]["value"]
                    .as_str()
                    .unwrap()
                    .replace("\n", "  \n");
                p["changes"][0]["new_text"] = v.clone().into();
                p["changes"][0]["writes"][0]["value"] = v.into();
            }),
            "not what tcfg writes",
        ),
        (
            "expectation",
            tampered(&dir, &plan, "expect.json", |p| {
                p["changes"][0]["writes"][0]["expect_mod_revision"] = 0.into();
            }),
            "expects",
        ),
        (
            "prefix",
            tampered(&dir, &plan, "prefix.json", |p| {
                p["prefix"] = "/".into();
            }),
            "is not usable",
        ),
    ];
    for (what, path, says) in &cases {
        let o = tcfg(&cluster).args(["apply", "--yes"]).arg(path).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing written"), "{what}: {}", stderr(&o));
    }
    // The plan is for one prefix: another --prefix is refused, not ignored.
    tcfg(&cluster)
        .args(["--prefix", "/other/temporal/dynamicconfig/", "apply", "--yes"])
        .arg(&plan_path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("was made for the prefix"));
    assert_eq!(prefix_contents(&cluster, "/").await, before);
    // The plan as saved applies, showing what it writes.
    tcfg(&cluster)
        .args(["apply", "--yes"])
        .arg(&plan_path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("+- value: 5000"));
    assert!(stored_text(&cluster, "frontend.namespaceRPS").await.contains("5000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_scope_flag_never_aims_at_the_global_item() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    apply_text(&cluster, &dir, PREFIX, NS_RPS).await;
    let before = stored_text(&cluster, "frontend.namespaceRPS").await;
    for args in [
        vec!["put", "frontend.namespaceRPS", "5", "--namespace", ""],
        vec!["delete", "frontend.namespaceRPS", "--namespace", ""],
        vec![
            "put",
            "history.ReplicationTaskProcessorErrorRetryMaxAttempts",
            "5",
            "--shard-id",
            "0",
        ],
        vec![
            "put",
            "frontend.namespaceRPS",
            "5",
            "--namespace",
            "payments",
            "--task-queue",
            "",
        ],
        vec![
            "delete",
            "history.standbyTaskMissingEventsResendDelay",
            "--history-task-type",
            "Unspecified",
        ],
    ] {
        tcfg(&cluster)
            .args(&args)
            .arg("--yes")
            .assert()
            .code(1)
            .stderr(predicate::str::contains("Temporal reads as no constraint at all"));
    }
    assert_eq!(stored_text(&cluster, "frontend.namespaceRPS").await, before);
}

/// The end of a long output (the diff of a long value comes first).
fn last_lines(text: &str) -> String {
    text.lines().rev().take(3).collect::<Vec<_>>().join("\n")
}

/// A string setting, so that a long value makes a large write.
const LONG_KEY: &str = "history.TaskDLQErrorPattern";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_answer_is_lost_is_reported_as_unknown_or_checked() {
    let cluster = EtcdCluster::single();
    let proxy = Proxy::start(cluster.members[0].addr()).await;
    let dir = tempfile::tempdir().unwrap();
    // Under HTTP/2's first flow-control window (64 KiB), with the change
    // record's copy of the old and new values: the request goes out whole
    // without waiting for the server, whose answers are dropped.
    let long = "x".repeat(15_000);
    let through_proxy = |value: &str| {
        let items = file(&dir, "items.yaml", &format!("- value: {value}\n"));
        let mut c = tcfg_at(&proxy.endpoint());
        c.args(["--command-timeout", "2s"])
            .args(["put", LONG_KEY, "--yes", "-f"])
            .arg(items);
        c
    };
    // Reads are small, the write is not: its answer is dropped and the
    // connection answers nothing more.
    proxy.mute_answers_after(20_000);
    let o = through_proxy(&long).output().unwrap();
    let said = last_lines(&stderr(&o));
    assert_eq!(o.status.code(), Some(4), "{said}");
    assert!(said.contains("may or may not have been applied"), "{said}");
    assert!(said.contains("tcfg get KEY"), "{said}");
    // It was applied.
    assert!(stored_text(&cluster, LONG_KEY).await.contains(&long));

    // When the answer is lost but the keys can be read back, tcfg says
    // what happened. The fault is injected by byte counts: on a loaded
    // machine the answer sometimes gets through before the proxy mutes, and
    // then the scenario did not happen; it is tried again, a few times.
    proxy.unmute();
    let mut tails = Vec::new();
    for attempt in 0..4 {
        let longer = ["y", "z", "w", "v"][attempt].repeat(15_000);
        proxy.mute_answers_after(20_000);
        // Its diff is long: to a file, not a pipe nobody reads yet.
        let log = dir.path().join(format!("stderr-{attempt}"));
        let dropped_before = proxy.dropped();
        let mut child = through_proxy(&longer)
            .env("TCFG_LOG", "info")
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn_killed();
        let landed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            loop {
                // Dropped answers, or a tcfg that got its answer and ended.
                let over = proxy.dropped() > dropped_before || child.try_wait().ok().flatten().is_some();
                if over
                    && raw_get(&cluster, &format!("{PREFIX}{LONG_KEY}"))
                        .await
                        .is_some_and(|(v, _)| v.contains(&longer))
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
        .await;
        proxy.unmute();
        let status = child.wait().unwrap();
        let full = std::fs::read_to_string(&log).unwrap();
        let said = last_lines(&full);
        landed.unwrap_or_else(|_| panic!("the write lands: {said}"));
        assert_eq!(status.code(), Some(0), "{said}");
        assert!(said.contains("wrote"), "{said}");
        // Anywhere in the log: retries of the reads may be logged after it.
        if full.contains("the answer was lost, but the write was applied") {
            return;
        }
        tails.push(full.lines().rev().take(20).collect::<Vec<_>>().join("\n"));
    }
    panic!(
        "the write's answer was never reported lost and checked:\n{}",
        tails.join("\n---\n")
    );
}

/// A process that may use at most 1 GiB of address space: an unbounded
/// expansion fails it instead of the machine.
fn capped(mut c: std::process::Command) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only setrlimit between fork and exec.
    unsafe {
        c.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_stored_values_never_crash_a_command_or_stop_a_watch() {
    use std::io::BufRead;
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let desired = file(&dir, "d.yaml", "frontend.rps:\n  - value: 5\n");
    // A watch from the start, reporting every change as a JSON line.
    let mut watch = capped(tcfg_process(&cluster))
        .args(["watch", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn_killed();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |want: &str| loop {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(line) if line.contains(want) => break,
            Ok(_) => {}
            Err(e) => panic!("the watch stopped before {want}: {e}"),
        }
    };
    wait_for("\"type\":\"ready\"");
    for (i, h) in tcfg_testkit::hostile::values().into_iter().enumerate() {
        for key in ["frontend.namespaceRPS", "acme.hostile"] {
            raw_put(&cluster, &format!("{PREFIX}{key}"), &h.text).await;
        }
        raw_put(&cluster, &format!("{PREFIX}history.rps"), &format!("- value: {i}\n")).await;
        wait_for(&format!("\"new\":[{{\"value\":{i}}}]"));
        let commands: Vec<Vec<&str>> = vec![
            vec!["get", "frontend.namespaceRPS"],
            vec!["get", "frontend.namespaceRPS", "-o", "json"],
            vec!["get", "frontend.namespaceRPS", "--namespace", "a"],
            vec!["dump", "--allow-unknown-keys"],
            vec!["dump", "--allow-unknown-keys", "-o", "json"],
            vec!["diff", "--allow-unknown-keys", "-f", desired.to_str().unwrap()],
            vec!["sync", "--dry-run", "--prefixes", "/temporal/dynamicconfig/,/copy/"],
            vec!["put", "frontend.namespaceRPS", "7", "--namespace", "b", "--yes"],
            vec!["delete", "frontend.namespaceRPS", "--namespace", "c", "--yes"],
        ];
        for args in commands {
            let o = capped(tcfg_process(&cluster)).args(&args).output().unwrap();
            let said = last_lines(&stderr(&o));
            assert!(
                matches!(o.status.code(), Some(0..=2)),
                "{}: tcfg {}: {:?} {said}",
                h.name,
                args.join(" "),
                o.status
            );
            assert!(
                !said.contains("internal error"),
                "{}: tcfg {}: {said}",
                h.name,
                args.join(" ")
            );
        }
    }
    assert!(watch.try_wait().unwrap().is_none(), "the watch ended");
    // SAFETY: signalling the child this test started, by its PID.
    unsafe { libc::kill(watch.id() as i32, libc::SIGTERM) };
    assert_eq!(watch.wait().unwrap().code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_in_two_spellings_is_shown_as_two() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.namespaceRPS"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}Frontend.NamespaceRPS"), "- value: 2\n").await;
    let o = tcfg(&cluster).args(["get", "frontend.namespaceRPS"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("stored under 2 spellings"), "{}", stderr(&o));
    let o = tcfg(&cluster)
        .args(["get", "frontend.namespaceRPS", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["spellings"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["items"][0]["value"], 1, "the registered spelling first: {v}");
    // dump: no "(line 0)"; the finding names the etcd key.
    let o = tcfg(&cluster).arg("dump").output().unwrap();
    assert!(stderr(&o).contains("case-duplicate-key"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("line 0"), "{}", stderr(&o));
    // diff: each spelling as it is, never merged into one list.
    let f = file(&dir, "d.yaml", "frontend.namespaceRPS:\n  - value: 3\n");
    let o = tcfg(&cluster).args(["diff", "-f"]).arg(&f).output().unwrap();
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "--- {PREFIX}Frontend.NamespaceRPS\n+++ (deleted: another spelling of the key)"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "--- {PREFIX}frontend.namespaceRPS\n+++ {PREFIX}frontend.namespaceRPS"
        )),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_names_fold_as_go_folds_them() {
    let cluster = EtcdCluster::single();
    // Go's strings.ToLower reads both as `limit.maxidlength`: one key in
    // two spellings (Rust's to_lowercase would add a combining dot).
    raw_put(&cluster, &format!("{PREFIX}lİmit.maxIDLength"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 2\n").await;
    let o = tcfg(&cluster).arg("dump").output().unwrap();
    assert!(stderr(&o).contains("case-duplicate-key"), "{}", stderr(&o));
    let o = tcfg(&cluster).args(["get", "limit.maxIDLength"]).output().unwrap();
    assert!(stderr(&o).contains("stored under 2 spellings"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_json_of_an_unset_key_gives_its_default() {
    let cluster = EtcdCluster::single();
    let o = tcfg(&cluster)
        .args(["get", "frontend.rps", "-o", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["stored"], false);
    assert_eq!(v["effective"]["source"]["kind"], "default", "{v}");
    assert_eq!(v["effective"]["value"], 2400, "{v}");
}

/// etcd refuses a request over 1.5 MiB whatever its operation count:
/// apply refuses such a change up front, and --batch splits by size too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_are_split_by_size_as_well_as_operations() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(100_000);
    let doc: String = (0..20)
        .map(|i| format!("acme.big{i:02}:\n  - value: {big}\n"))
        .collect();
    let f = file(&dir, "big.yaml", &doc);
    let o = tcfg(&cluster)
        .args(["apply", "--yes", "--allow-unknown-keys", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        last_lines(&stderr(&o)).contains("more than etcd accepts in one request"),
        "{}",
        last_lines(&stderr(&o))
    );
    assert!(prefix_contents(&cluster, PREFIX).await.is_empty());
    let o = tcfg(&cluster)
        .args(["apply", "--yes", "--batch", "--allow-unknown-keys", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    let said = last_lines(&stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.contains("in 2 batches"), "{said}");
    assert_eq!(prefix_contents(&cluster, PREFIX).await.len(), 20);
}

/// A port where something other than etcd answers: HTTP/1.1 to everything.
fn not_etcd() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        // Connections stay open, as a web server keeps them.
        let mut open = Vec::new();
        for mut s in listener.incoming().map_while(Result::ok) {
            use std::io::Write;
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
            open.push(s);
        }
    });
    addr
}

#[test]
fn connection_failures_are_named_and_exit_3() {
    let http = not_etcd().to_string();
    let dir = tempfile::tempdir().unwrap();
    let not_a_cert = file(&dir, "ca.pem", "not a certificate\n");
    let https = format!("https://{http}");
    let cases: Vec<(Vec<&str>, u8, &str)> = vec![
        (
            vec!["--endpoints", &http, "get", "frontend.rps"],
            3,
            "answered, but not as an etcd server does",
        ),
        (
            vec!["--endpoints", &http, "watch"],
            3,
            "answered, but not as an etcd server does",
        ),
        (vec!["--endpoints", "127.0.0.1:1", "watch"], 3, "connection refused"),
        (
            vec!["--endpoints", &https, "get", "frontend.rps"],
            3,
            "the server does not speak TLS",
        ),
        (
            vec![
                "--endpoints",
                &http,
                "--cacert",
                not_a_cert.to_str().unwrap(),
                "get",
                "frontend.rps",
            ],
            1,
            "is not a CA certificate in PEM form",
        ),
    ];
    for (args, code, says) in cases {
        let o = tcfg_bare()
            .args(["--dial-timeout", "500ms"])
            .args(&args)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(i32::from(code)), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("client certificate"),
            "{args:?}: blames a certificate never given: {err}"
        );
    }
}

/// A web server that keeps its first connection silent (as the balanced
/// channel meets it when it redials and holds the request) and answers the
/// later ones in HTTP/1.1.
fn not_etcd_silent_first() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for (i, mut s) in listener.incoming().map_while(Result::ok).enumerate() {
            use std::io::Write;
            if i > 0 {
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
            }
            open.push(s);
        }
    });
    addr
}

#[test]
fn a_request_held_by_another_service_is_named_not_timed_out() {
    let http = not_etcd_silent_first().to_string();
    let o = tcfg_bare()
        .args(["--dial-timeout", "300ms", "--command-timeout", "900ms"])
        .args(["--endpoints", &http, "get", "frontend.rps"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("answered, but not as an etcd server does"), "{err}");
}

#[test]
fn watching_a_key_no_release_knows_warns() {
    let cluster = EtcdCluster::single();
    let mut watch = tcfg_process(&cluster)
        .args(["watch", "frontend.rsp"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn_killed();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(watch.stderr.take().unwrap()), &mut first).unwrap();
    let _ = watch.kill();
    let _ = watch.wait();
    assert!(first.contains("frontend.rsp is not a key of Temporal"), "{first}");
    assert!(first.contains("did you mean frontend.rps"), "{first}");
    tcfg(&cluster).args(["watch", "locks/leader"]).assert().code(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_shows_a_few_unknown_keys_counts_them_all_and_keys_only_reads_names() {
    let cluster = EtcdCluster::single();
    let mut c = cluster.client().await;
    for i in 0..25 {
        c.put(format!("{PREFIX}acme.custom{i:02}"), "- value: 1\n", None)
            .await
            .unwrap();
    }
    c.put(format!("{PREFIX}frontend.rps"), "- value: 5\n", None)
        .await
        .unwrap();
    c.put(format!("{PREFIX}locks/leader"), "x", None).await.unwrap();
    let o = tcfg(&cluster).arg("dump").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("error[unknown-key]").count(), 10, "{err}");
    assert!(err.contains("(and 15 more keys are not keys of Temporal)"), "{err}");
    assert!(err.contains("25 errors"), "{err}");
    let o = tcfg(&cluster).args(["dump", "--allow-unknown-keys"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("25 warnings"), "{}", stderr(&o));
    // Names only: no values read, nothing else said, foreign keys left out.
    let o = tcfg(&cluster).args(["dump", "--keys-only"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    let names: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(names.len(), 26);
    assert_eq!(
        (names[0].as_str(), names[25].as_str()),
        ("acme.custom00", "frontend.rps")
    );
}
