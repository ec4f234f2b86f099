//! Change records and history against a real etcd: every write's record in
//! its own transaction, messages, retention, `log`, `show`.

use crate::common::*;

use predicates::prelude::*;
use serde_json::Value;
use tcfg_testkit::EtcdCluster;

/// Every record under `history`, oldest first: (mod revision, record).
pub(crate) async fn records(cluster: &EtcdCluster, history: &str) -> Vec<(i64, Value)> {
    let mut c = cluster.client().await;
    let r = c
        .get(history, Some(etcd_client::GetOptions::new().with_prefix()))
        .await
        .unwrap();
    let mut out: Vec<(i64, Value)> = r
        .kvs()
        .iter()
        .map(|kv| (kv.mod_revision(), serde_json::from_slice(kv.value()).unwrap()))
        .collect();
    out.sort_by_key(|(r, _)| *r);
    out
}

async fn mod_revision(cluster: &EtcdCluster, key: &str) -> i64 {
    raw_get(cluster, key).await.map(|(_, r)| r).unwrap_or(0)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let d = sha256sum(bytes);
    d.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 through `sha256sum`, so the test does not share tcfg's code.
fn sha256sum(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let hex = String::from_utf8(out.stdout).unwrap();
    (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_leaves_its_record_in_its_own_transaction() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let key = format!("{PREFIX}frontend.rps");
    tcfg(&cluster)
        .env("USER", "alice")
        .args(["put", "frontend.rps", "7", "--yes", "-m", "launch day"])
        .assert()
        .code(0);
    let r = records(&cluster, HISTORY).await;
    assert_eq!(r.len(), 1);
    let (rev, rec) = &r[0];
    assert_eq!(
        *rev,
        mod_revision(&cluster, &key).await,
        "the change's revision is the record's"
    );
    assert_eq!(rec["format"], 1);
    assert_eq!(rec["command"]["verb"], "put");
    assert_eq!(rec["message"], "launch day");
    assert_eq!(rec["author"]["os_user"], "alice");
    assert!(rec["tool"].as_str().unwrap().starts_with("tcfg "));
    assert!(rec["temporal_release"].as_str().unwrap().starts_with("v1."));
    assert_eq!(rec["keys"][0]["key"], key.as_str());
    assert_eq!(rec["keys"][0]["action"], "put");
    assert!(rec["keys"][0].get("old").is_none(), "{rec}");
    assert_eq!(rec["keys"][0]["new"], "- value: 7\n");

    // A refused write leaves no record: an invalid value, a conflict.
    tcfg(&cluster)
        .args(["put", "frontend.rps", "lots", "--yes"])
        .assert()
        .code(1);
    assert_eq!(records(&cluster, HISTORY).await.len(), 1);

    // apply: the files and their SHA-256; in CI, the job.
    let text = "frontend.rps:\n  - value: 8\nlimit.maxIDLength:\n  - value: 500\n";
    let f = file(&dir, "prod.yaml", text);
    tcfg(&cluster)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTOR", "octocat")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/config")
        .env("GITHUB_RUN_ID", "42")
        .args(["apply", "--yes", "-f"])
        .arg(&f)
        .assert()
        .code(0);
    let r = records(&cluster, HISTORY).await;
    let (rev, rec) = r.last().unwrap();
    assert_eq!(*rev, mod_revision(&cluster, &key).await);
    assert_eq!(rec["command"]["verb"], "apply");
    assert_eq!(rec["command"]["files"][0]["path"], f.display().to_string());
    assert_eq!(rec["command"]["files"][0]["sha256"], sha256_hex(text.as_bytes()));
    assert_eq!(rec["author"]["ci"]["system"], "github-actions");
    assert_eq!(rec["author"]["ci"]["actor"], "octocat");
    assert_eq!(
        rec["author"]["ci"]["run_url"],
        "https://github.com/acme/config/actions/runs/42"
    );
    assert_eq!(rec["keys"].as_array().unwrap().len(), 2);
    assert_eq!(rec["keys"][0]["old"], "- value: 7\n");

    // A saved plan: its file's digest.
    let plan = dir.path().join("p.plan");
    let f2 = file(&dir, "prod2.yaml", &text.replace("500", "600"));
    tcfg(&cluster)
        .args(["diff", "-f"])
        .arg(&f2)
        .arg("--out")
        .arg(&plan)
        .assert()
        .code(2);
    tcfg(&cluster).arg("apply").arg(&plan).arg("--yes").assert().code(0);
    let r = records(&cluster, HISTORY).await;
    let rec = &r.last().unwrap().1;
    assert_eq!(rec["command"]["plan"]["path"], plan.display().to_string());
    assert_eq!(
        rec["command"]["plan"]["sha256"],
        sha256_hex(&std::fs::read(&plan).unwrap())
    );

    // delete: the old value; --create-only: only what it created.
    tcfg(&cluster)
        .args(["delete", "limit.maxIDLength", "--all", "--yes"])
        .assert()
        .code(0);
    let r = records(&cluster, HISTORY).await;
    let rec = &r.last().unwrap().1;
    assert_eq!(
        (rec["command"]["verb"].as_str(), rec["keys"][0]["action"].as_str()),
        (Some("delete"), Some("delete"))
    );
    assert_eq!(rec["keys"][0]["old"], "- value: 600\n");
    assert!(rec["keys"][0].get("new").is_none());
    tcfg(&cluster)
        .args(["apply", "--create-only", "--yes", "-f"])
        .arg(&f)
        .assert()
        .code(0);
    let r = records(&cluster, HISTORY).await;
    let keys = r.last().unwrap().1["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["key"], format!("{PREFIX}limit.maxIDLength"));

    // sync: each target's record beside the target, naming the source.
    tcfg(&cluster)
        .args(["sync", "--yes", "--prefixes"])
        .arg(format!("{PREFIX},/b"))
        .assert()
        .code(0);
    let r = records(&cluster, "/b/temporal/dynamicconfig.history/").await;
    assert_eq!(r.len(), 1);
    let (rev, rec) = &r[0];
    assert_eq!(
        *rev,
        mod_revision(&cluster, "/b/temporal/dynamicconfig/frontend.rps").await
    );
    assert_eq!(rec["command"]["verb"], "sync");
    assert!(
        rec["command"]["source"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{PREFIX}@")),
        "{rec}"
    );
    // Records are never config: apply --prune leaves them, dump does not show them.
    let before = records(&cluster, HISTORY).await.len();
    tcfg(&cluster)
        .args(["apply", "--prune", "--yes", "-f"])
        .arg(file(&dir, "one.yaml", "frontend.rps:\n  - value: 9\n"))
        .assert()
        .code(0);
    assert_eq!(records(&cluster, HISTORY).await.len(), before + 1);
    let o = tcfg(&cluster).arg("dump").output().unwrap();
    assert_eq!(stdout(&o), "frontend.rps:\n  - value: 9\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_required_by_flag_variable_or_cluster() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let put = |extra: &[&str]| {
        let mut c = tcfg(&cluster);
        c.args(["put", "frontend.rps", "7", "--yes"]).args(extra);
        c
    };
    put(&["--require-message"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a message is required").and(predicate::str::contains("-m/--message")));
    put(&[]).env("TCFG_REQUIRE_MESSAGE", "true").assert().code(1);
    put(&["--require-message", "-m", "  "]).assert().code(1);
    assert!(records(&cluster, HISTORY).await.is_empty());
    put(&["--require-message", "-m", "why"]).assert().code(0);
    // Dry runs and saved plans write nothing, so need no message.
    let desired = file(&dir, "want.yaml", "frontend.rps:\n  - value: 70\n");
    let rev = revision(&cluster).await.to_string();
    let plan = dir.path().join("undo.plan");
    let dry: [&[&str]; 6] = [
        &["put", "frontend.rps", "70", "--dry-run"],
        &["delete", "frontend.rps", "--all", "--dry-run"],
        &["apply", "-f", desired.to_str().unwrap(), "--dry-run"],
        &["revert", &rev, "--dry-run"],
        &["rollback", "--to-revision", "1", "--dry-run"],
        &["revert", &rev, "--out", plan.to_str().unwrap()],
    ];
    let before = records(&cluster, HISTORY).await.len();
    for args in dry {
        tcfg(&cluster)
            .arg("--require-message")
            .args(args)
            .assert()
            // put and delete's dry runs exit 0 today (issue 29 makes it 2).
            .code(predicate::in_iter([0, 2]))
            .stderr(predicate::str::contains("a message is required").not());
    }
    assert_eq!(records(&cluster, HISTORY).await.len(), before, "nothing written");
    assert!(stored_text(&cluster, "frontend.rps").await.contains('7'));
    // Per cluster in the config file: prod requires one, staging does not.
    let eps = cluster.endpoints();
    let config = file(
        &dir,
        "config.yaml",
        &format!(
            "etcdConfigs:\n  - name: prod\n    endpoints: [{eps}]\n    requireMessage: true\n  - name: staging\n    endpoints: [{eps}]\ndisableTLS: true\nhistory:\n  keep: 100\n"
        ),
    );
    let mut c = tcfg_bare();
    c.arg("--config")
        .arg(&config)
        .args(["--cluster", "prod", "put", "frontend.rps", "8", "--yes"]);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("a message is required"), "{}", stderr(&o));
    let mut c = tcfg_bare();
    c.arg("--config")
        .arg(&config)
        .args(["--cluster", "staging", "put", "frontend.rps", "8", "--yes"]);
    assert!(c.output().unwrap().status.success());
    // A mistake in the section is an error at its line.
    let bad = file(&dir, "bad.yaml", "history:\n  kept: 5\n");
    let mut c = tcfg_bare();
    c.arg("--config").arg(&bad).args(["--endpoints", &eps, "dump"]);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.yaml:2: history has no setting \"kept\""),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_prune_records_past_retention() {
    let cluster = EtcdCluster::single();
    // A record from long ago (past the default 365 days) goes with the next write.
    raw_put(&cluster, &format!("{HISTORY}2020-01-01T00:00:00.000000Z-0000"), "{}").await;
    for v in 1..=5 {
        tcfg(&cluster)
            .args(["--history-keep", "3", "put", "frontend.rps", &v.to_string(), "--yes"])
            .assert()
            .code(0);
    }
    let r = records(&cluster, HISTORY).await;
    let values: Vec<&str> = r
        .iter()
        .map(|(_, rec)| rec["keys"][0]["new"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["- value: 3\n", "- value: 4\n", "- value: 5\n"], "the newest 3");
    // 0: no limit by count; an age limit of its own.
    for v in 6..=7 {
        tcfg(&cluster)
            .args(["--history-keep", "0", "put", "frontend.rps", &v.to_string(), "--yes"])
            .assert()
            .code(0);
    }
    assert_eq!(records(&cluster, HISTORY).await.len(), 5);
    tcfg(&cluster)
        .args(["--history-max-age", "1ms", "put", "frontend.rps", "8", "--yes"])
        .assert()
        .code(0);
    assert_eq!(
        records(&cluster, HISTORY).await.len(),
        1,
        "only the newest is younger than 1ms"
    );
    tcfg(&cluster)
        .args(["--history-max-age", "soon", "put", "frontend.rps", "9", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid history max age \"soon\""));
    // A history prefix inside the config prefix would be read by every server.
    tcfg(&cluster)
        .args([
            "--history-prefix",
            "/temporal/dynamicconfig/h/",
            "put",
            "frontend.rps",
            "9",
            "--yes",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("overlaps the config prefix"));
    tcfg(&cluster)
        .args([
            "--history-prefix",
            "/audit/temporal",
            "put",
            "frontend.rps",
            "9",
            "--yes",
        ])
        .assert()
        .code(0);
    assert_eq!(records(&cluster, "/audit/temporal/").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_and_show_join_records_and_etcd_history() {
    let cluster = EtcdCluster::single();
    let put = |user: &str, key: &str, v: &str, m: &str| {
        tcfg(&cluster)
            .env("USER", user)
            .args(["put", key, v, "--yes", "-m", m])
            .assert()
            .code(0);
    };
    put("alice", "frontend.rps", "100", "first");
    let first = revision(&cluster).await;
    // Another tool (etcdctl, the seed library) writes without a record.
    let raw = raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 300\n").await;
    put("bob", "frontend.rps", "200", "second");
    put("alice", "limit.maxIDLength", "400", "third");
    let json = |args: &[&str]| -> Value {
        let o = tcfg(&cluster).args(["log", "-o", "json"]).args(args).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let all = json(&[]);
    let changes = all["changes"].as_array().unwrap();
    let revs: Vec<i64> = changes.iter().map(|c| c["revision"].as_i64().unwrap()).collect();
    assert_eq!(revs, [raw + 2, raw + 1, raw, first], "newest first");
    assert_eq!(changes[2]["written_by_another_tool"], true);
    assert_eq!(changes[2]["keys"][0]["new"], "- value: 300\n");
    assert_eq!(changes[1]["record"]["message"], "second");
    assert_eq!(changes[1]["keys"][0]["old"], "- value: 100\n");
    let revs_of = |v: Value| -> Vec<i64> {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["revision"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(revs_of(json(&["frontend.rps"])), [raw + 1, first]);
    assert_eq!(revs_of(json(&["FRONTEND.RPS"])), [raw + 1, first], "any spelling");
    assert_eq!(revs_of(json(&["--author", "BOB"])), [raw + 1]);
    assert_eq!(revs_of(json(&["-n", "1"])), [raw + 2]);
    assert_eq!(revs_of(json(&["--since", &raw.to_string()])), [raw + 2, raw + 1, raw]);
    assert_eq!(revs_of(json(&["--until", &raw.to_string()])), [raw, first]);
    assert_eq!(revs_of(json(&["--since", "1h"])).len(), 4);
    assert!(revs_of(json(&["--until", "1h"])).is_empty());

    // The table, and -p with the diffs.
    let o = tcfg(&cluster).arg("log").output().unwrap();
    let table = stdout(&o);
    assert!(
        table.contains("REVISION") && table.contains("written by another tool"),
        "{table}"
    );
    assert!(
        table.contains("second") && table.contains("put frontend.rps"),
        "{table}"
    );
    let o = tcfg(&cluster).args(["log", "-p", "frontend.rps"]).output().unwrap();
    let patch = stdout(&o);
    assert!(patch.contains("-- value: 100\n+- value: 200"), "{patch}");

    // show: one change in full.
    let o = tcfg(&cluster).args(["show", &(raw + 1).to_string()]).output().unwrap();
    let shown = stdout(&o);
    assert!(
        shown.contains("command:  put") && shown.contains("    second"),
        "{shown}"
    );
    assert!(shown.contains("+- value: 200"), "{shown}");
    let o = tcfg(&cluster).args(["show", &raw.to_string()]).output().unwrap();
    assert!(stdout(&o).contains("none: written by another tool"), "{}", stdout(&o));
    tcfg(&cluster)
        .args(["show", "99999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("past etcd's current revision"));

    // After a compaction the records remain; others' writes before it are
    // gone, and log says from where its view of them is complete.
    let mut c = cluster.client().await;
    let now = revision(&cluster).await;
    c.compact(now, None).await.unwrap();
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    let after: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(revs_of(after.clone()), [raw + 2, raw + 1, first]);
    assert_eq!(after["others_complete_from"], now);
    assert_eq!(
        after["changes"][1]["keys"][0]["old"], "- value: 100\n",
        "from the record"
    );
    assert!(
        stderr(&o).contains(&format!("from revision {now} on")),
        "{}",
        stderr(&o)
    );
    let o = tcfg(&cluster).args(["show", &first.to_string()]).output().unwrap();
    assert!(stdout(&o).contains("+- value: 100"), "{}", stdout(&o));
}

/// Without `--since`, `log` shows the newest changes and reads etcd's
/// history backwards in growing windows, so a write far behind the newest
/// (other prefixes' revisions in between) is still found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_without_since_shows_the_newest_changes_of_a_busy_etcd() {
    let cluster = EtcdCluster::single();
    let put = |key: &str, v: &str| {
        tcfg(&cluster).args(["put", key, v, "--yes"]).assert().code(0);
    };
    put("frontend.rps", "1");
    let a = revision(&cluster).await;
    let b = raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 300\n").await;
    // Other prefixes' writes: 1,500 revisions of nothing for this log.
    let mut c = cluster.client().await;
    for i in 0..1500 {
        c.put(format!("/other/k{}", i % 10), i.to_string(), None).await.unwrap();
    }
    let c_rev = raw_put(&cluster, &format!("{PREFIX}limit.maxIDLength"), "- value: 301\n").await;
    put("frontend.rps", "2");
    let d = revision(&cluster).await;
    let log = |args: &[&str]| {
        let o = tcfg(&cluster).args(["log", "-o", "json"]).args(args).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let revs: Vec<i64> = v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["revision"].as_i64().unwrap())
            .collect();
        (revs, v["more"].as_bool().unwrap(), stderr(&o))
    };
    let (revs, more, _) = log(&[]);
    assert_eq!(revs, [d, c_rev, b, a]);
    assert!(!more);
    // The third newest is an unrecorded write 1,500 revisions back.
    let (revs, _, _) = log(&["-n", "3"]);
    assert_eq!(revs, [d, c_rev, b]);
    let (revs, more, err) = log(&["-n", "2"]);
    assert_eq!(revs, [d, c_rev]);
    assert!(more, "the JSON still says more match");
    // -n 2 asked for two: no hint that more are hidden (a plain log says it).
    assert!(!err.contains("the newest"), "{err}");
    assert!(!err.contains("compacted"), "no compaction to speak of: {err}");
    let (revs, more, _) = log(&["-n", "0", "limit.maxIDLength"]);
    assert_eq!(revs, [c_rev, b]);
    assert!(!more);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_too_large_for_one_request_keeps_digests_and_the_change_is_written() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    // Ten values of 100 KB: the change fits in one request (1.5 MiB), the
    // record of it whole does not.
    let mut doc = String::new();
    let names: Vec<String> = (0..10).map(|i| format!("test.big{i}")).collect();
    for n in &names {
        doc.push_str(&format!("{n}:\n  - value: \"{}\"\n", "x".repeat(100_000 + n.len())));
    }
    let schema = file(
        &dir,
        "schema.tsv",
        &names.iter().fold(
            String::from("key\ttype\tprecedence\tdefault\tconstrained_defaults\n"),
            |s, n| s + &format!("{n}\tstring\tglobal\t\t\n"),
        ),
    );
    let f = file(&dir, "big.yaml", &doc);
    tcfg(&cluster)
        .arg("--schema")
        .arg(&schema)
        .args(["apply", "--yes", "-f"])
        .arg(&f)
        .assert()
        .code(0);
    let r = records(&cluster, HISTORY).await;
    let rec = &r[0].1;
    let digested = rec["digested"].as_u64().unwrap();
    assert!(digested > 0 && digested < 10, "{digested}");
    let keys = rec["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 10);
    let last = &keys[9]["new"];
    assert!(last["bytes"].as_u64().unwrap() > 100_000, "{last}");
    assert_eq!(last["sha256"].as_str().unwrap().len(), 64);
    let o = tcfg(&cluster)
        .arg("--schema")
        .arg(&schema)
        .args(["show", &r[0].0.to_string()])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("too large to record whole"), "{:.300}", stdout(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_rows_say_what_happened_in_one_line_each() {
    let cluster = EtcdCluster::single();
    // A zero-width space is no message.
    tcfg(&cluster)
        .args([
            "put",
            "frontend.rps",
            "5",
            "--yes",
            "--require-message",
            "-m",
            "\u{200b}",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a message is required"));
    // An author and a message with a newline and a bidi override.
    tcfg(&cluster)
        .env("USER", "mallory\n::evil")
        .args(["put", "frontend.rps", "5", "--yes", "-m", "fix\u{202e}ok"])
        .assert()
        .code(0);
    raw_delete(&cluster, &format!("{PREFIX}frontend.rps")).await;
    raw_put(&cluster, &format!("{HISTORY}0000-broken"), "{\"format\": 1}").await;
    let o = tcfg(&cluster).arg("log").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 4, "a header and three rows: {out}");
    assert!(out.contains("mallory\\u{a}::evil"), "{out}");
    assert!(out.contains("fix\\u{202e}ok"), "{out}");
    assert!(!out.contains('\u{202e}'), "{out}");
    // A delete by another tool is a delete; a broken record says why.
    assert!(
        rows.iter()
            .any(|r| r.contains("(no record)") && r.contains("delete frontend.rps")),
        "{out}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("(unreadable record)") && r.contains("missing field")),
        "{out}"
    );
    // `-n 1` asked for one: no "the newest 1 shown" as if more were hidden.
    let o = tcfg(&cluster).args(["log", "-n", "1"]).output().unwrap();
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    assert!(!stderr(&o).contains("the newest"), "{}", stderr(&o));
    // A revision past etcd's is refused, not listed as nothing.
    tcfg(&cluster)
        .args(["log", "--since", "9223372036854775807"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("past etcd's current revision"));
}

/// etcd before 3.4.25 and 3.5.8 answers a watch's progress request before
/// the past it still has to send (etcd #15220): there, a history read that
/// stopped at the first answer missed other tools' writes, and `revert`
/// wrote over them. On every release: `log` shows another tool's later
/// write, `revert` and `rollback --to-time` refuse over it, and nothing is
/// written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tools_later_write_is_seen_on_every_release() {
    let cluster = EtcdCluster::single();
    let key = format!("{PREFIX}frontend.rps");
    let put = |v: &str, m: &str| {
        tcfg(&cluster)
            .args(["put", "frontend.rps", v, "--yes", "-m", m])
            .assert()
            .code(0);
    };
    put("3000", "three thousand");
    put("5000", "five thousand");
    let five = revision(&cluster).await;
    let (_, record) = records(&cluster, HISTORY).await.pop().unwrap();
    let five_at = record["time"].as_str().unwrap().to_string();
    let other = raw_put(&cluster, &key, "- value: 6000\n").await;
    // Quiet after it: a read that trusts an early answer stops at once.
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let newest = &log["changes"][0];
    assert_eq!(newest["revision"], other, "{log}");
    assert_eq!(newest["written_by_another_tool"], true, "{log}");
    let o = tcfg(&cluster).args(["show", &other.to_string()]).output().unwrap();
    assert!(stdout(&o).contains("6000"), "{}{}", stdout(&o), stderr(&o));
    // A dry run refuses as the write does (the plan is the same).
    for run in ["--dry-run", "--yes"] {
        tcfg(&cluster)
            .args(["revert", &five.to_string(), run])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("revision {other}")));
    }
    tcfg(&cluster)
        .args(["rollback", "--to", &five_at, "--dry-run"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("revision {other}")));
    tcfg(&cluster)
        .args(["rollback", "--to-time", &five_at, "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("revision {other}")));
    assert_eq!(stored_text(&cluster, "frontend.rps").await, "- value: 6000\n");
    assert_eq!(revision(&cluster).await, other, "nothing written");
}

/// The history of a prefix with no write left in etcd's history (every
/// key last written before the compaction), on every release: a key
/// another tool created and deleted again since is still found, and a
/// quiet prefix reads as quiet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_prefix_after_compaction_still_shows_what_came_and_went() {
    let cluster = EtcdCluster::single();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes"])
        .assert()
        .code(0);
    // Writes elsewhere, then a compaction past the prefix's last write.
    for i in 0..5 {
        raw_put(&cluster, &format!("/elsewhere/{i}"), "x").await;
    }
    let floor = revision(&cluster).await;
    cluster.client().await.compact(floor, None).await.unwrap();
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let quiet: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let shown = |v: &Value| -> Vec<i64> {
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["revision"].as_i64().unwrap())
            .collect()
    };
    let before = shown(&quiet);
    // Another tool creates a key and deletes it again.
    let key = format!("{PREFIX}limit.maxIDLength");
    let created = raw_put(&cluster, &key, "- value: 300\n").await;
    raw_delete(&cluster, &key).await;
    let deleted = revision(&cluster).await;
    for i in 5..8 {
        raw_put(&cluster, &format!("/elsewhere/{i}"), "x").await;
    }
    let o = tcfg(&cluster).args(["log", "-o", "json"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let after = shown(&serde_json::from_str(&stdout(&o)).unwrap());
    assert_eq!(after[..2], [deleted, created], "{}", stdout(&o));
    assert_eq!(after[2..], before[..], "{}", stdout(&o));
}

/// `-o yaml` for log, show and status: the fields of `-o json`, in YAML.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_show_and_status_speak_yaml_as_they_speak_json() {
    let cluster = EtcdCluster::single();
    tcfg(&cluster)
        .args(["put", "frontend.rps", "100", "--yes", "-m", "raise: INC-7"])
        .assert()
        .code(0);
    let rev = revision(&cluster).await.to_string();
    for args in [vec!["log"], vec!["show", rev.as_str()], vec!["status"]] {
        let run = |format: &str| {
            let o = tcfg(&cluster).args(&args).args(["-o", format]).output().unwrap();
            assert!(matches!(o.status.code(), Some(0 | 2)), "{args:?}: {}", stderr(&o));
            o.stdout
        };
        // Raft's index moves between two runs (etcd's own heartbeats).
        fn steady(mut v: serde_json::Value) -> serde_json::Value {
            if let Some(members) = v
                .pointer_mut("/clusters/0/health/members")
                .and_then(|m| m.as_array_mut())
            {
                members
                    .iter_mut()
                    .for_each(|m| m["raft_index"] = serde_json::Value::Null);
            }
            v
        }
        let from_json = steady(serde_json::from_slice(&run("json")).unwrap());
        let from_yaml = steady(serde_yaml::from_slice(&run("yaml")).unwrap());
        assert_eq!(from_json, from_yaml, "{args:?}");
    }
}
