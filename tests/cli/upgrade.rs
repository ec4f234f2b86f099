//! `tcfg upgrade-check` and `--temporal-version OLD..NEW` against a private
//! etcd: the report, the two migration plans applied with `tcfg apply PLAN`,
//! and a config checked for both releases of a rolling upgrade.

use crate::common::*;

use predicates::prelude::*;
use tcfg_testkit::EtcdCluster;

const RUNNING_1_30: &str = "\
chasm.callback.request.timeout:
  - value: 20s
  - value: 5s
    constraints: {destination: slow.example.com}
system.enableNexus:
  - value: true
frontend.rps:
  - value: 1200
";

/// A cluster whose prefix holds [`RUNNING_1_30`].
fn running_1_30(dir: &tempfile::TempDir) -> EtcdCluster {
    let cluster = EtcdCluster::single();
    let config = file(dir, "running.yaml", RUNNING_1_30);
    tcfg(&cluster)
        .args(["--temporal-version", "1.30", "apply", "--yes", "-f"])
        .arg(&config)
        .assert()
        .code(0);
    cluster
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_is_checked_then_migrated_in_two_plans() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = running_1_30(&dir);
    let foreign = format!("{PREFIX}notes/owner");
    raw_put(&cluster, &foreign, "team-a").await;

    // The report: the rename with its evidence, the removed flag.
    let o = tcfg(&cluster)
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("v1.30.6"), Some("v1.31.2"))
    );
    let step = |key: &str| {
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {v:#}"))
            .clone()
    };
    let renamed = step("chasm.callback.request.timeout");
    assert_eq!(renamed["kind"], "renamed");
    assert_eq!(renamed["successor"], "callback.request.timeout");
    assert!(renamed["evidence"].as_str().unwrap().contains("43bdc92c88 (#9185)"));
    assert_eq!(step("system.enableNexus")["kind"], "removed");
    assert_eq!(step("history.enableChasm")["kind"], "default-changed");
    assert_eq!(v["to_do"], 2);

    // First plan: the new name written beside the old one.
    let start = dir.path().join("start.plan");
    tcfg(&cluster)
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31", "--out"])
        .arg(&start)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("create callback.request.timeout\n"));
    tcfg(&cluster).arg("apply").arg(&start).arg("--yes").assert().code(0);
    let old = stored_text(&cluster, "chasm.callback.request.timeout").await;
    assert_eq!(stored_text(&cluster, "callback.request.timeout").await, old);
    assert!(old.contains("destination: slow.example.com"), "{old}");

    // Finishing before the values are there never happens: here they are,
    // so the old name and the removed flag go; nothing else does.
    tcfg(&cluster)
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("already holds the same values"));
    let finish = dir.path().join("finish.plan");
    tcfg(&cluster)
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31", "--finish", "--out"])
        .arg(&finish)
        .assert()
        .code(2);
    tcfg(&cluster).arg("apply").arg(&finish).arg("--yes").assert().code(0);
    let keys: Vec<String> = prefix_contents(&cluster, PREFIX)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !k.contains("/.tcfg/") && !k.contains("_tcfg"))
        .collect();
    assert!(keys.contains(&format!("{PREFIX}callback.request.timeout")), "{keys:?}");
    assert!(keys.contains(&format!("{PREFIX}frontend.rps")), "{keys:?}");
    assert!(keys.contains(&foreign), "a foreign key is never touched: {keys:?}");
    assert!(
        !keys
            .iter()
            .any(|k| k.ends_with("chasm.callback.request.timeout") || k.ends_with("system.enableNexus")),
        "{keys:?}"
    );

    // Nothing left to do: exit 0, the behaviour changes still listed.
    tcfg(&cluster)
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("To review"))
        .stdout(predicate::str::contains("0 to do"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finish_plan_never_drops_values_not_yet_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = running_1_30(&dir);
    let finish = dir.path().join("finish.plan");
    tcfg(&cluster)
        .args(["upgrade-check", "--to", "1.31", "--finish", "--out"])
        .arg(&finish)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "chasm.callback.request.timeout is kept: callback.request.timeout is not written yet",
        ));
    tcfg(&cluster).arg("apply").arg(&finish).arg("--yes").assert().code(0);
    assert!(stored_text(&cluster, "chasm.callback.request.timeout")
        .await
        .contains("20s"));
    assert!(raw_get(&cluster, &format!("{PREFIX}system.enableNexus"))
        .await
        .is_none());
}

#[test]
fn upgrade_reports_of_files_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        "c.yaml",
        "component.scheduler.tweakables:\n  - value: {}\nfrontend.httpAllowedHosts:\n  - value: []\n",
    );
    let o = tcfg_bare()
        .args(["upgrade-check", "--from", "1.28", "--to", "1.31", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let table = stdout(&o);
    assert!(
        table.contains("renamed (chasm.scheduler.tweakables in v1.29, then scheduler.tweakables in v1.31)"),
        "{table}"
    );
    assert!(table.contains("meaning-changed"), "{table}");
    let o = tcfg_bare()
        .args([
            "upgrade-check",
            "--from",
            "1.28",
            "--to",
            "1.31",
            "-o",
            "markdown",
            "-f",
        ])
        .arg(&f)
        .output()
        .unwrap();
    let md = stdout(&o);
    assert!(md.starts_with("## tcfg upgrade-check: v1.28.4 → v1.31.2\n"), "{md}");
    assert!(md.contains("### To do") && md.contains("<sub>Evidence: "), "{md}");
    // Downgrades and bad files are errors.
    tcfg_cmd()
        .args(["upgrade-check", "--from", "1.31", "--to", "1.30", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not older than --to"));
    let bad = file(&dir, "bad.yaml", "frontend.rps: [\n");
    tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "-f"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot be read: Temporal would reject it"));
    // --out migrates a prefix, not files.
    tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "--out", "x.plan", "-f"])
        .arg(&f)
        .assert()
        .code(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rolling_upgrade_a_config_must_suit_both_releases() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    // The old name for v1.30 servers, the new one for v1.31 servers.
    let both = file(
        &dir,
        "both.yaml",
        "chasm.scheduler.serviceCallTimeout:\n  - value: 20s\nscheduler.serviceCallTimeout:\n  - value: 20s\n",
    );
    for v in ["1.30", "1.31"] {
        tcfg(&cluster)
            .args(["--temporal-version", v, "diff", "-f"])
            .arg(&both)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("error[unknown-key]"));
    }
    tcfg(&cluster)
        .args(["--temporal-version", "1.30..1.31", "validate", "-f"])
        .arg(&both)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("(Temporal v1.30.6..v1.31.2)"));
    tcfg(&cluster)
        .args(["--temporal-version", "1.30..1.31", "diff", "-f"])
        .arg(&both)
        .assert()
        .code(2);
    tcfg(&cluster)
        .args(["--temporal-version", "1.30..1.31", "apply", "--yes", "-f"])
        .arg(&both)
        .assert()
        .code(0);
    // A value one of the releases cannot read is refused, saying which.
    let fairness = file(
        &dir,
        "fairness.yaml",
        "matching.enableFairness:\n  - value: {Old: false, New: true}\n",
    );
    tcfg(&cluster)
        .args(["--temporal-version", "1.29..1.30", "apply", "--yes", "-f"])
        .arg(&fairness)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(with Temporal v1.29.7)"));
}

#[test]
fn without_from_the_release_a_config_was_written_for_is_inferred_or_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    // Written for v1.28: a key v1.29 renamed, and an empty allow-list.
    let old = file(
        &dir,
        "v128.yaml",
        "component.scheduler.tweakables:\n  - value: {}\nfrontend.httpAllowedHosts:\n  - value: []\n",
    );
    let o = tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "-f"])
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(err.contains("checking an upgrade from v1.28"), "{err}");
    assert!(
        err.contains("v1.30 does not know component.scheduler.tweakables"),
        "{err}"
    );
    assert!(err.contains("skips v1.29, v1.30"), "{err}");
    assert!(out.contains("component.scheduler.tweakables"), "{out}");
    assert!(out.contains("frontend.httpAllowedHosts"), "{out}");
    // Mid-upgrade, the first plan applied: the old name and the new one
    // beside it still tell v1.28.
    let midway = file(
        &dir,
        "midway.yaml",
        "component.scheduler.tweakables:\n  - value: {}\nscheduler.tweakables:\n  - value: {}\n",
    );
    let o = tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "-f"])
        .arg(&midway)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("checking an upgrade from v1.28")
            && stderr(&o).contains("but the new names scheduler.tweakables"),
        "{}",
        stderr(&o)
    );
    // The upgrade done: only the target knows the keys, and the step to it
    // has nothing left to do.
    let done = file(&dir, "done.yaml", "scheduler.tweakables:\n  - value: {}\n");
    let o = tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "-f"])
        .arg(&done)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("checking an upgrade from v1.30"), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 to do"), "{}", stdout(&o));
    // Keys of releases that never ran together (a name from v1.28 and one
    // only v1.29 and v1.30 knew): no release fits, --from is asked for.
    let mixed = file(
        &dir,
        "mixed.yaml",
        "component.scheduler.tweakables:\n  - value: {}\nchasm.scheduler.tweakables:\n  - value: {}\n",
    );
    let o = tcfg_cmd()
        .args(["upgrade-check", "--to", "1.31", "-f"])
        .arg(&mixed)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("Pass --from"), "{}", stderr(&o));
}

#[test]
fn keys_the_target_does_not_know_are_always_something_to_do() {
    let dir = tempfile::tempdir().unwrap();
    // After a finished migration from v1.30: a key gone since v1.29 that no
    // step of 1.30 -> 1.31 names, and a key no release knows.
    let left = file(
        &dir,
        "left.yaml",
        "component.scheduler.tweakables:\n  - value: {}\nacme.custom:\n  - value: 1\nfrontend.rps:\n  - value: 5\n",
    );
    let o = tcfg_cmd()
        .args(["upgrade-check", "--from", "1.30", "--to", "1.31", "-o", "json", "-f"])
        .arg(&left)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let message = |key: &str| {
        report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| s["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no step for {key}: {report}"))
    };
    assert!(message("component.scheduler.tweakables").contains("v1.28 was the last release that did"));
    assert!(message("acme.custom").contains("no release tcfg knows registers it"));
}
