//! `tcfg render --follow` against real etcd: a renderer that keeps the file
//! current, its probes and metrics, its record beside the prefix, and the
//! writers that wait for it.

use crate::common::*;
use tcfg_core::Registry;
use tcfg_testkit::EtcdCluster;

/// `tcfg render --follow FILE ARGS`, killed with the test. Its stderr is
/// discarded: a pipe nobody reads would stop it once full.
pub(crate) fn follower(cluster: &EtcdCluster, path: &std::path::Path, args: &[&str]) -> Spawned {
    follower_logging_to(cluster, path, args, std::process::Stdio::null())
}

pub(crate) fn follower_logging_to(
    cluster: &EtcdCluster,
    path: &std::path::Path,
    args: &[&str],
    stderr: std::process::Stdio,
) -> Spawned {
    tcfg_process(cluster)
        .args(["render", "--follow"])
        .args(args)
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn_killed()
}

/// Wait until `ok()` holds; `what` names it when it never does.
fn until(what: &str, ok: impl FnMut() -> bool) {
    tcfg_testkit::wait_until(std::time::Duration::from_secs(20), what, ok);
}

/// Wait until the file shows `want` (the sidecar renders after each change).
fn file_shows(path: &std::path::Path, want: &str) -> String {
    let mut text = String::new();
    tcfg_testkit::wait_until(
        std::time::Duration::from_secs(20),
        &format!("the file showing {want:?}"),
        || {
            text = std::fs::read_to_string(path).unwrap_or_default();
            text.contains(want)
        },
    );
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_keeps_the_file_current_through_changes_and_an_etcd_restart() {
    let mut cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 1\n").await;
    let mut follower = follower_logging_to(&cluster, &path, &[], std::process::Stdio::piped());
    file_shows(&path, "frontend.rps:\n  - value: 1\n");
    let mut mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let mut later = |path: &std::path::Path| {
        let m = std::fs::metadata(path).unwrap().modified().unwrap();
        assert!(m > mtime, "each write has a later mtime");
        mtime = m;
    };
    // put, then tcfg's own apply.
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2\n").await;
    file_shows(&path, "frontend.rps:\n  - value: 2\n");
    later(&path);
    let f = file(
        &dir,
        "p.yaml",
        "frontend.rps:\n  - value: 3\nhistory.rps:\n  - value: 1\nmatching.rps:\n  - value: 7\n",
    );
    tcfg(&cluster).args(["apply", "--yes", "-f"]).arg(&f).assert().code(0);
    file_shows(&path, "matching.rps:\n  - value: 7\n");
    later(&path);
    // A value Temporal would reject is held while the other keys go on.
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.rps"),
        "- value: 4\n  constraints: {region: eu}\n",
    )
    .await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 5\n").await;
    let text = file_shows(&path, "history.rps:\n  - value: 5\n");
    assert!(text.contains("frontend.rps:\n  - value: 3\n"), "{text}");
    // A delete, and etcd restarted meanwhile.
    cluster.members[0].kill();
    cluster.members[0].restart();
    cluster.members[0].wait_ready();
    raw_delete(&cluster, &format!("{PREFIX}matching.rps")).await;
    let text = file_shows(&path, "history.rps");
    drop(text);
    until("the delete never reached the file", || {
        !std::fs::read_to_string(&path).unwrap().contains("matching.rps")
    });
    // SIGTERM ends it with status 0; every write logged one INFO line.
    unsafe { libc::kill(follower.id() as i32, libc::SIGTERM) };
    let status = follower.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(follower.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("INFO") && err.contains("dynamic config file written"),
        "{err}"
    );
    assert!(err.contains("held back /temporal/dynamicconfig/frontend.rps"), "{err}");
}

/// One HTTP GET on loopback: the status line's code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(c, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reply = String::new();
    c.read_to_string(&mut reply).unwrap();
    let code = reply.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_probes_over_http() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    let addr = free_addr();
    let _follower = follower(&cluster, &path, &["--metrics-addr", &addr]);
    file_shows(&path, "frontend.rps");
    until("nothing listens on the metrics address", || {
        std::net::TcpStream::connect(&addr).is_ok()
    });
    assert_eq!(get(&addr, "/healthz").0, 200);
    let (code, _) = get(&addr, "/readyz");
    assert_eq!(code, 200, "ready once the file is written");
    let put = raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2\n").await;
    file_shows(&path, "value: 2");
    until("the render revision never reached the put's", || {
        get(&addr, "/metrics")
            .1
            .contains(&format!("dynconfig_render_revision {put}"))
    });
    let (code, metrics) = get(&addr, "/metrics");
    assert_eq!(code, 200);
    for want in [
        "dynconfig_render_total{outcome=\"written\"} 2",
        "dynconfig_render_held_keys 0",
        "dynconfig_render_last_write_timestamp_seconds",
        "dynconfig_keys_loaded",
        "dynconfig_watch_active 1",
    ] {
        assert!(metrics.contains(want), "{want} missing from:\n{metrics}");
    }
    assert_eq!(get(&addr, "/nope").0, 404);
    // etcd's answers to the client's progress requests (every 2 s) move its
    // revision past the renderer's own record write, and nothing else: no
    // render is made for them and no record written, so nothing loops.
    // Releases that answer before the past they still have to send (etcd
    // #15220) are not believed: there the revision moves with events only.
    if etcd_progress_in_order() {
        until("the client never heard of a later revision", || {
            gauge(&get(&addr, "/metrics").1, "dynconfig_revision").is_some_and(|r| r > put as f64)
        });
    }
    let again = raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 3\n").await;
    until("the next change was never rendered", || {
        get(&addr, "/metrics")
            .1
            .contains(&format!("dynconfig_render_revision {again}"))
    });
    let metrics = get(&addr, "/metrics").1;
    assert!(
        metrics.contains("dynconfig_render_total{outcome=\"written\"} 3"),
        "{metrics}"
    );
    assert!(!metrics.contains("outcome=\"unchanged\""), "{metrics}");
}

/// A gauge's value in Prometheus text.
fn gauge(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_until_a_render_of_this_run_is_in_place() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    for k in ["frontend.rps", "history.rps"] {
        raw_put(&cluster, &format!("{PREFIX}{k}"), "- value: 1\n").await;
    }
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    // Both keys gone: the guard refuses the empty render, and the sidecar
    // stays not ready until a render is allowed.
    for k in ["frontend.rps", "history.rps"] {
        raw_delete(&cluster, &format!("{PREFIX}{k}")).await;
    }
    let addr = free_addr();
    let _follower = follower(&cluster, &path, &["--metrics-addr", &addr]);
    until("no refused render counted", || {
        std::net::TcpStream::connect(&addr).is_ok()
            && get(&addr, "/metrics")
                .1
                .contains("dynconfig_render_total{outcome=\"refused\"} 1")
    });
    assert_eq!(get(&addr, "/readyz").0, 503);
    assert_eq!(get(&addr, "/healthz").0, 200);
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 9\n").await;
    // One of the two keys back: half dropped, allowed by the default 50 %.
    file_shows(&path, "value: 9");
    until("never ready", || get(&addr, "/readyz").0 == 200);
}

/// kill -9 of the renderer at random moments during 1,000 updates, a new
/// one started each time, while a reader checks every version of the file
/// it sees: always whole, always loading without an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renderer_killed_at_any_moment_never_leaves_a_partial_file() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    let (_, keys) = int_keys_document(20, 0);
    for k in &keys {
        raw_put(&cluster, &format!("{PREFIX}{k}"), "- value: 0\n").await;
    }
    let start = || follower(&cluster, &path, &[]);
    let mut renderer = start();
    file_shows(&path, &keys[19]);
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (path, stop, seen) = (path.clone(), stop.clone(), seen.clone());
        let registry = Registry::for_version(None).unwrap();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(text.starts_with("# Rendered by tcfg "), "a partial file:\n{text}");
                let (doc, findings) = tcfg_core::temporal::validate::check_source(
                    "dc.yaml",
                    &text,
                    &registry,
                    &tcfg_core::Options::default(),
                );
                assert!(
                    findings.iter().all(|f| f.level != tcfg_core::Level::Error),
                    "{findings:?}\n{text}"
                );
                assert_eq!(doc.entries.len(), 20, "a file missing keys:\n{text}");
                seen.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        })
    };
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    let mut kills = 0;
    let mut c = cluster.client().await;
    for i in 1..=1000u32 {
        c.put(
            format!("{PREFIX}{}", keys[i as usize % 20]),
            format!("- value: {i}\n"),
            None,
        )
        .await
        .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if seed.is_multiple_of(97) {
            renderer.kill().unwrap();
            renderer.wait().unwrap();
            renderer = start();
            kills += 1;
        }
    }
    // The last renderer catches up with the last update.
    file_shows(&path, &format!("{}:\n  - value: 1000\n", keys[0]));
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(kills >= 3, "only {kills} kills");
    // What killed writers left mid-write was removed by the next one.
    let live = format!(".dc.yaml.tcfg-{}.tmp", renderer.id());
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name == "dc.yaml" || name == live, "left behind: {name}");
    }
    assert!(
        seen.load(Ordering::Relaxed) > 100,
        "the reader saw {} versions",
        seen.load(Ordering::Relaxed)
    );
}

/// A follower started while a bad value is stored keeps that key's items
/// from the file in place, and follows a compaction of the history it has
/// not seen (the watch client reloads; the file ends equal to the prefix).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_follower_keeps_last_good_items_and_survives_a_compaction() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 1\n").await;
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 1\n").await;
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: [\n").await;
    let follower = follower(&cluster, &path, &[]);
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 2\n").await;
    let text = file_shows(&path, "history.rps:\n  - value: 2\n");
    assert!(text.contains("frontend.rps:\n  - value: 1\n"), "{text}");
    // Many revisions, compacted, then one more change: the file follows.
    let mut c = cluster.client().await;
    let mut last = 0;
    for i in 3..40 {
        last = c
            .put(format!("{PREFIX}history.rps"), format!("- value: {i}\n"), None)
            .await
            .unwrap()
            .header()
            .unwrap()
            .revision();
    }
    c.compact(last, None).await.unwrap();
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 50\n").await;
    let text = file_shows(&path, "frontend.rps:\n  - value: 50\n");
    assert!(text.contains("history.rps:\n  - value: 39\n"), "{text}");
    drop(follower);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_of_a_prefix_without_config_writes_no_file() {
    let cluster = EtcdCluster::single();
    raw_put(
        &cluster,
        "/passive-eu/temporal/dynamicconfig/frontend.rps",
        "- value: 5\n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.yaml");
    // `--prefix /passive-eu` is the key prefix `/passive-eu/`: nothing
    // there, so no file (an init container would start Temporal on defaults).
    let o = tcfg(&cluster)
        .args(["--prefix", "/passive-eu", "render"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!fresh.exists(), "no file");
    let err = stderr(&o);
    assert!(err.contains("/passive-eu/ holds no dynamic config"), "{err}");
    assert!(
        err.contains("did you mean --prefix /passive-eu/temporal/dynamicconfig/? It holds 1 key"),
        "{err}"
    );
    // The same for standard output: nothing printed.
    let o = tcfg(&cluster)
        .args(["--prefix", "/passive-eu", "render", "-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    // A prefix nothing resembles: how to check it, and how to insist.
    let o = tcfg(&cluster)
        .args(["--prefix", "/nowhere", "render"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pass --allow-empty if an empty file is meant"),
        "{}",
        stderr(&o)
    );
    tcfg(&cluster)
        .args(["--prefix", "/nowhere", "render", "--allow-empty"])
        .arg(&fresh)
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&fresh).unwrap().ends_with("{}\n"));
    // The whole prefix: rendered.
    tcfg(&cluster)
        .args(["--prefix", "/passive-eu/temporal/dynamicconfig/", "render"])
        .arg(dir.path().join("right.yaml"))
        .assert()
        .code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_back_keys_never_take_items_from_another_prefixs_render() {
    let cluster = EtcdCluster::single();
    let other = "/other/temporal/dynamicconfig/";
    raw_put(&cluster, &format!("{PREFIX}frontend.rps"), "- value: 2100\n").await;
    raw_put(&cluster, &format!("{other}frontend.rps"), "- value: 35.5\n").await;
    raw_put(&cluster, &format!("{other}history.rps"), "- value: 7\n").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dc.yaml");
    tcfg(&cluster).arg("render").arg(&path).assert().code(0);
    assert!(std::fs::read_to_string(&path).unwrap().contains("2100"));
    // /other's frontend.rps is held back: the file was not rendered from
    // /other, so its 2100 is no last good value of /other's.
    let o = tcfg(&cluster)
        .args(["--prefix", other, "render", "--max-drop", "100"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("2100"), "{text}");
    assert!(text.contains(&format!("from {other} at revision")), "{text}");
    assert!(stderr(&o).contains("it is left out"), "{}", stderr(&o));
    // Its own render is its last good state: a later bad value keeps 7.
    raw_put(&cluster, &format!("{other}history.rps"), "- value: fast\n").await;
    tcfg(&cluster)
        .args(["--prefix", other, "render"])
        .arg(&path)
        .assert()
        .code(0)
        .stderr(predicates::str::contains("its last good items are rendered instead"));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("history.rps:\n  - value: 7\n"));
    // A base layer lends its items to a held-back key with no last good.
    let base = file(&dir, "base.yaml", "frontend.rps:\n  - value: 300\n");
    let fresh = dir.path().join("fresh.yaml");
    tcfg(&cluster)
        .args(["--prefix", other, "render", "--base"])
        .arg(&base)
        .arg(&fresh)
        .assert()
        .code(0)
        .stderr(predicates::str::contains("the base layer's items are rendered instead"));
    assert!(std::fs::read_to_string(&fresh)
        .unwrap()
        .contains("frontend.rps:\n  - value: 300\n"));
}

/// The held-back keys a renderer's record names, once it reports `revision` or later.
async fn held_at(cluster: &EtcdCluster, name: &str, revision: i64) -> Vec<String> {
    let key = format!("/temporal/dynamicconfig.renderers/{name}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some((text, _)) = raw_get(cluster, &key).await {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            if v["revision"].as_i64().unwrap() >= revision {
                return v["held"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect();
            }
        }
        assert!(std::time::Instant::now() < deadline, "{name} never reported {revision}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_following_renderers_record_names_every_key_it_holds_back() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let (rps, ns) = (
        format!("{PREFIX}frontend.rps"),
        format!("{PREFIX}frontend.namespaceCount"),
    );
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 5\n").await;
    // Invalid before the renderer starts: held by its first read.
    let at = raw_put(&cluster, &rps, "- value: 35.5\n").await;
    let _r = follower(&cluster, &dir.path().join("a.yaml"), &["--report-as", "h"]);
    assert_eq!(held_at(&cluster, "h", at).await, [rps.as_str()]);
    // Invalid after: held through the watch, beside the first.
    let at = raw_put(&cluster, &ns, "- value: fast\n").await;
    let mut held = held_at(&cluster, "h", at).await;
    held.sort();
    assert_eq!(held, [ns.as_str(), rps.as_str()]);
    // Another key's change keeps both named; a mended value leaves the list.
    raw_put(&cluster, &format!("{PREFIX}history.rps"), "- value: 6\n").await;
    let at = raw_put(&cluster, &rps, "- value: 35\n").await;
    assert_eq!(held_at(&cluster, "h", at).await, [ns]);
}
