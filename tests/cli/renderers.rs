//! Renderers beside the prefix: the records `tcfg render --follow` keeps on a
//! lease, the writers that wait for them, `status`, the roles they need,
//! and names that are never shared.

use crate::common::*;
use crate::render_follow::follower;
use crate::render_follow::follower_logging_to;
use tcfg_testkit::EtcdCluster;

/// The renderers' records, by name and revision.
async fn records(cluster: &EtcdCluster) -> Vec<(String, i64)> {
    records_of(cluster, "/temporal/dynamicconfig.renderers/").await
}

async fn records_of(cluster: &EtcdCluster, status_prefix: &str) -> Vec<(String, i64)> {
    let record = |text: &str| -> (String, i64) {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        (v["name"].as_str().unwrap().to_string(), v["revision"].as_i64().unwrap())
    };
    prefix_contents(cluster, status_prefix)
        .await
        .iter()
        .map(|(_, v)| record(v))
        .collect()
}

async fn records_until(cluster: &EtcdCluster, what: &str, ok: impl Fn(&[(String, i64)]) -> bool) {
    let ok = &ok;
    tcfg_testkit::eventually(std::time::Duration::from_secs(20), what, || async move {
        ok(&records(cluster).await)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renderers_report_beside_the_prefix_and_their_records_go_with_them() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let mut a = follower(
        &cluster,
        &dir.path().join("a.yaml"),
        &["--report-as", "host-a", "--report-ttl", "2"],
    );
    let mut b = follower(
        &cluster,
        &dir.path().join("b.yaml"),
        &["--report-as", "host-b", "--report-ttl", "2"],
    );
    // Each reports a revision at or past the last write to the prefix (the
    // records' own writes move etcd's revision too).
    records_until(&cluster, "both report", |r| {
        r.len() == 2 && r.iter().all(|(_, rev)| *rev >= 2)
    })
    .await;
    // A record is never under the config prefix (renderers and watchers never see one).
    assert_eq!(prefix_contents(&cluster, PREFIX).await.len(), 1);
    let mut c = cluster.client().await;
    let put = c
        .put(format!("{PREFIX}frontend.rps"), "- value: 2\n", None)
        .await
        .unwrap()
        .header()
        .unwrap()
        .revision();
    records_until(&cluster, "both report the put", |r| {
        r.len() == 2 && r.iter().all(|(_, rev)| *rev >= put)
    })
    .await;
    // SIGTERM removes the record at once; kill -9 leaves it to its lease.
    unsafe { libc::kill(a.id() as i32, libc::SIGTERM) };
    assert_eq!(a.wait().unwrap().code(), Some(0));
    let left = records(&cluster).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].0, "host-b");
    b.kill().unwrap();
    b.wait().unwrap();
    records_until(&cluster, "the killed renderer's record expires", |r| r.is_empty()).await;
}

/// `tcfg ARGS` against the cluster; its output.
fn run(cluster: &EtcdCluster, args: &[&str]) -> std::process::Output {
    tcfg(cluster).args(args).output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_wait_for_every_renderer_and_name_the_one_behind() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let _a = follower(&cluster, &dir.path().join("a.yaml"), &["--report-as", "host-a"]);
    let b = follower(&cluster, &dir.path().join("b.yaml"), &["--report-as", "host-b"]);
    records_until(&cluster, "both report", |r| {
        r.len() == 2 && r.iter().all(|(_, rev)| *rev >= 2)
    })
    .await;

    let o = run(&cluster, &["put", "frontend.rps", "2", "--yes", "--wait=20s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("converged: 2 of 2 renderers have revision"),
        "{}",
        stderr(&o)
    );
    // When the command returns, every record is at the write or past it.
    let (_, written) = raw_get(&cluster, &format!("{PREFIX}frontend.rps")).await.unwrap();
    let now = records(&cluster).await;
    assert!(now.iter().all(|(_, rev)| *rev >= written), "{now:?} behind {written}");

    // A renderer that stops (SIGSTOP: alive, its lease still held) is named
    // when the time is up; the write itself is made.
    unsafe { libc::kill(b.id() as i32, libc::SIGSTOP) };
    let o = run(&cluster, &["put", "frontend.rps", "3", "--yes", "--wait=1s"]);
    let e = stderr(&o);
    unsafe { libc::kill(b.id() as i32, libc::SIGCONT) };
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(
        e.contains("the write is made, but after waiting 1s, 1 of 2 renderers of"),
        "{e}"
    );
    assert!(
        e.contains("had not reported revision") && e.contains("host-b (at revision"),
        "{e}"
    );
    // Who is behind is shown while the wait goes on; at the end, only b.
    assert!(e.contains("behind: ") && e.contains("host-b (at revision"), "{e}");
    let last = e.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(last.contains("host-b (") && !last.contains("host-a ("), "{e}");
    assert!(stored_text(&cluster, "frontend.rps").await.contains('3'));

    // Every writing command waits the same way.
    let prod = file(
        &dir,
        "prod.yaml",
        "frontend.rps:\n  - value: 4\nhistory.rps:\n  - value: 4\n",
    );
    let o = run(&cluster, &["apply", "-f", prod.to_str().unwrap(), "--yes", "--wait"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("converged: 2 of 2"), "{}", stderr(&o));
    let plan = dir.path().join("prod.plan");
    let changed = file(
        &dir,
        "changed.yaml",
        "frontend.rps:\n  - value: 5\nhistory.rps:\n  - value: 4\n",
    );
    let o = run(
        &cluster,
        &["diff", "-f", changed.to_str().unwrap(), "--out", plan.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&cluster, &["apply", plan.to_str().unwrap(), "--yes", "--wait=20s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("converged: 2 of 2"), "{}", stderr(&o));
    let o = run(&cluster, &["delete", "history.rps", "--yes", "--wait=20s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("converged: 2 of 2"), "{}", stderr(&o));

    // sync waits for the renderers of each target it wrote.
    let _eu = follower(
        &cluster,
        &dir.path().join("eu.yaml"),
        &[
            "--report-as",
            "eu-1",
            "--prefix",
            "/passive-eu/temporal/dynamicconfig/",
            "--allow-empty",
        ],
    );
    tcfg_testkit::eventually(std::time::Duration::from_secs(20), "eu-1's report", || async {
        !records_of(&cluster, "/passive-eu/temporal/dynamicconfig.renderers/")
            .await
            .is_empty()
    })
    .await;
    let o = run(
        &cluster,
        &[
            "sync",
            "--prefixes",
            "/temporal/dynamicconfig/,/passive-eu",
            "--yes",
            "--wait=20s",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("converged: 1 of 1 renderer has revision"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("eu-1"), "{}", stderr(&o));
    // Converged means the file is in place: it holds what was synced.
    let eu = std::fs::read_to_string(dir.path().join("eu.yaml")).unwrap();
    assert!(eu.contains("frontend.rps:\n  - value: 5\n"), "{eu}");

    // Nobody renders a prefix: nothing to wait for, said so.
    let o = run(
        &cluster,
        &["put", "frontend.rps", "6", "--yes", "--wait", "--prefix", "/empty/"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no renderer reports for this prefix"),
        "{}",
        stderr(&o)
    );
}

/// The README's renderer role, and the operator's read of the records, are
/// all they need: the record is written, kept, removed at exit, and waited on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renderers_and_waiters_need_only_the_documented_roles() {
    use etcd_client::{GetOptions, Permission, PermissionType};
    use tcfg_testkit::{Perm, User};
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let records = "/temporal/dynamicconfig.renderers/";
    cluster
        .enable_auth(&[
            User {
                name: "renderer",
                password: "r-pw",
                prefix: Some((PREFIX, Perm::Read)),
            },
            User {
                name: "operator",
                password: "o-pw",
                prefix: Some((PREFIX, Perm::ReadWrite)),
            },
        ])
        .await;
    let mut root = cluster.root_client().await;
    for (role, perm, prefix) in [
        ("renderer-role", PermissionType::Readwrite, records),
        ("operator-role", PermissionType::Read, records),
        ("operator-role", PermissionType::Readwrite, HISTORY),
    ] {
        root.role_grant_permission(role, Permission::new(perm, prefix).with_prefix())
            .await
            .unwrap();
    }
    let mut renderer = follower(
        &cluster,
        &dir.path().join("dc.yaml"),
        &["--user", "renderer", "--password", "r-pw", "--report-as", "host-a"],
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let count = |r: etcd_client::GetResponse| r.kvs().len();
    while count(root.get(records, Some(GetOptions::new().with_prefix())).await.unwrap()) == 0 {
        assert!(std::time::Instant::now() < deadline, "the renderer never reported");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let o = tcfg(&cluster)
        .args(["put", "frontend.rps", "2", "--yes", "--wait=20s"])
        .args(["--user", "operator", "--password", "o-pw"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("converged: 1 of 1 renderer"), "{}", stderr(&o));
    // Its lease revoked at exit takes the record with it.
    unsafe { libc::kill(renderer.id() as i32, libc::SIGTERM) };
    assert_eq!(renderer.wait().unwrap().code(), Some(0));
    assert_eq!(
        count(root.get(records, Some(GetOptions::new().with_prefix())).await.unwrap()),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_counts_keys_deleted_since_a_renderers_revision() {
    let cluster = EtcdCluster::single();
    let (doc, names) = int_keys_document(3, 1);
    let dir = tempfile::tempdir().unwrap();
    let f = file(&dir, "three.yaml", &doc);
    tcfg(&cluster).args(["apply", "--yes", "-f"]).arg(&f).assert().code(0);
    let rendered = revision(&cluster).await;
    // A renderer whose file reflects that revision (its record, as one writes it).
    let record = serde_json::json!({
        "name": "host-a", "revision": rendered, "at": "2026-12-03T10:00:00Z",
        "file": "/etc/temporal/dynamicconfig.yaml", "version": "tcfg test"
    });
    raw_put(
        &cluster,
        "/temporal/dynamicconfig.renderers/host-a",
        &record.to_string(),
    )
    .await;
    let behind = || {
        let o = tcfg(&cluster).args(["status", "-o", "json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["prefixes"][0]["state"]["renderers"][0].clone()
    };
    assert_eq!(behind()["behind_by"], 0);
    // Another tool deletes a key: the snapshot has no trace of it, the
    // renderer's file still holds it.
    raw_delete(&cluster, &format!("{PREFIX}{}", names[0])).await;
    let r = behind();
    assert_eq!(r["behind_by"], 1, "{r}");
    assert!(r.get("deletions_unknown").is_none(), "{r}");
    // Once that revision is compacted away, deletions cannot be told.
    let now = raw_put(&cluster, &format!("{PREFIX}{}", names[1]), "- value: 2\n").await;
    cluster.client().await.compact(now, None).await.unwrap();
    let r = behind();
    assert_eq!(
        (r["behind_by"].as_u64(), r["deletions_unknown"].as_bool()),
        (Some(1), Some(true)),
        "{r}"
    );
    tcfg(&cluster)
        .arg("status")
        .assert()
        .stdout(predicates::str::contains("1 key or more (compacted)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_live_renderers_never_share_a_name_and_a_killed_ones_comes_back() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let same = ["--report-as", "same", "--report-ttl", "2"];
    let mut first = follower(&cluster, &dir.path().join("a.yaml"), &same);
    records_until(&cluster, "the first reports", |r| r.len() == 1 && r[0].1 >= 2).await;
    // A second one with the name refuses to start, naming the holder.
    let o = tcfg(&cluster)
        .args(["render", "--follow"])
        .args(same)
        .arg(dir.path().join("b.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another renderer reports as same"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("waiting up to"),
        "it said why it waited: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("a.yaml"), "{}", stderr(&o));
    assert!(first.try_wait().unwrap().is_none(), "the first renders on");
    // kill -9: the record stays until its lease expires, then the name is
    // free again for a restarted renderer.
    first.kill().unwrap();
    first.wait().unwrap();
    let mut again = follower_logging_to(
        &cluster,
        &dir.path().join("c.yaml"),
        &same,
        std::process::Stdio::piped(),
    );
    let record = "/temporal/dynamicconfig.renderers/same";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = raw_get(&cluster, record).await.map(|(v, _)| v).unwrap_or_default();
        if now.contains("c.yaml") {
            break;
        }
        if let Some(status) = again.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(again.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("the restarted renderer ended ({status}): {err}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the restarted renderer never reported: {now}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(again.try_wait().unwrap().is_none(), "the restarted renderer runs");
    unsafe { libc::kill(again.id() as i32, libc::SIGTERM) };
    assert_eq!(again.wait().unwrap().code(), Some(0));
    records_until(&cluster, "its record goes with it", |r| r.is_empty()).await;
}
