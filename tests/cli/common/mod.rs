//! Helpers shared by the integration tests that drive `tcfg` against etcd.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;
use tcfg_testkit::EtcdCluster;

pub const PREFIX: &str = "/temporal/dynamicconfig/";
/// Where tcfg records the changes to [`PREFIX`].
pub const HISTORY: &str = "/temporal/dynamicconfig.history/";

/// `tcfg` with a clean environment (no TCFG_*, ETCD*, NO_COLOR, config file)
/// pointed at the cluster.
pub fn tcfg(cluster: &EtcdCluster) -> Command {
    with_deadline(Command::from_std(tcfg_process(cluster)))
}

/// `tcfg` with a clean environment, no endpoints, and a deadline.
pub fn tcfg_cmd() -> Command {
    with_deadline(Command::from_std(tcfg_bare()))
}

/// `tcfg ARGS` on a pseudo-terminal, stopped at its confirmation prompt
/// (reading keys, echo off); what the terminal showed so far.
pub fn at_prompt(cluster: &EtcdCluster, args: &[&std::ffi::OsStr]) -> (tcfg_testkit::pty::Pty, String) {
    let mut c = tcfg_process(cluster);
    c.args(args);
    let pty = tcfg_testkit::pty::Pty::spawn(c);
    let shown = pty.expect("[y/N]");
    pty.wait_for_echo(false);
    (pty, shown)
}

/// Answer a prompt with `key`: the exit status and everything shown.
pub fn answer(mut pty: tcfg_testkit::pty::Pty, key: &[u8]) -> (Option<i32>, String) {
    pty.send(key);
    let (status, shown) = pty.wait();
    (status.code(), shown)
}

/// A command that hangs fails its test instead of holding CI.
pub fn with_deadline(mut c: Command) -> Command {
    c.timeout(Duration::from_secs(120));
    c
}

/// A `tcfg` running in the background, killed if the test ends first (a
/// failed assertion must not leave it holding etcd or a terminal).
pub struct Spawned(Option<Child>);

pub trait SpawnExt {
    fn spawn_killed(&mut self) -> Spawned;
}

impl SpawnExt for std::process::Command {
    fn spawn_killed(&mut self) -> Spawned {
        Spawned(Some(self.spawn().expect("tcfg starts")))
    }
}

impl Spawned {
    /// Wait for it to end; its status and output.
    pub fn finish(mut self) -> Output {
        self.0.take().expect("running").wait_with_output().unwrap()
    }
}

impl std::ops::Deref for Spawned {
    type Target = Child;
    fn deref(&self) -> &Child {
        self.0.as_ref().expect("running")
    }
}

impl std::ops::DerefMut for Spawned {
    fn deref_mut(&mut self) -> &mut Child {
        self.0.as_mut().expect("running")
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(c) = &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// [`tcfg`] as a plain process, to run in the background.
pub fn tcfg_process(cluster: &EtcdCluster) -> std::process::Command {
    tcfg_at(&cluster.endpoints())
}

/// [`tcfg_process`] pointed at other endpoints (a proxy, say).
pub fn tcfg_at(endpoints: &str) -> std::process::Command {
    let mut c = tcfg_bare();
    c.arg("--endpoints").arg(endpoints);
    c
}

/// `tcfg` with a clean environment and no endpoints given.
pub fn tcfg_bare() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("tcfg"));
    for (k, _) in std::env::vars() {
        // CI variables too: change records take their author from them.
        let ci = ["GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL"].contains(&k.as_str());
        if k.starts_with("TCFG_") || k.starts_with("ETCD") || k == "NO_COLOR" || ci {
            c.env_remove(k);
        }
    }
    c.env("XDG_CONFIG_HOME", "/nonexistent").env("HOME", "/nonexistent");
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A config file naming two clusters, `us-east` and `eu-west`, each its
/// private etcd (no TLS).
pub fn us_and_eu_config(dir: &tempfile::TempDir, us: &EtcdCluster, eu: &EtcdCluster) -> PathBuf {
    file(
        dir,
        "tcfg.yaml",
        &format!(
            "disableTLS: true\netcdConfigs:\n  - name: us-east\n    endpoints: [{}]\n  - name: eu-west\n    endpoints: [{}]\n",
            us.endpoints(),
            eu.endpoints()
        ),
    )
}

/// Every key and value under a prefix, read directly.
pub async fn prefix_contents(cluster: &EtcdCluster, prefix: &str) -> Vec<(String, String)> {
    contents_with(&mut cluster.client().await, prefix).await
}

/// Every key and value under a prefix, read with this client.
pub async fn contents_with(c: &mut etcd_client::Client, prefix: &str) -> Vec<(String, String)> {
    let r = c
        .get(prefix, Some(etcd_client::GetOptions::new().with_prefix()))
        .await
        .unwrap();
    r.kvs()
        .iter()
        .map(|kv| (kv.key_str().unwrap().to_string(), kv.value_str().unwrap().to_string()))
        .collect()
}

/// One key's value and mod revision, read directly.
pub async fn raw_get(cluster: &EtcdCluster, key: &str) -> Option<(String, i64)> {
    let mut c = cluster.client().await;
    let r = c.get(key, None).await.unwrap();
    r.kvs()
        .first()
        .map(|kv| (kv.value_str().unwrap().to_string(), kv.mod_revision()))
}

/// The stored text of key `name` under [`PREFIX`]; it must be there.
pub async fn stored_text(cluster: &EtcdCluster, name: &str) -> String {
    raw_get(cluster, &format!("{PREFIX}{name}"))
        .await
        .unwrap_or_else(|| panic!("{name} is not stored"))
        .0
}

/// A single member that allows `ops` operations per transaction.
pub fn cluster_with_txn_ops(ops: u32) -> EtcdCluster {
    EtcdCluster::start(
        1,
        tcfg_testkit::Options {
            max_txn_ops: Some(ops),
            ..Default::default()
        },
    )
}

/// A set-up write with etcd's own client. A member that refuses the
/// connection (etcd-client tries one endpoint per request) is tried again:
/// set-up is not what a test checks.
pub async fn raw_put(cluster: &EtcdCluster, key: &str, value: &str) -> i64 {
    let mut c = cluster.client().await;
    for attempt in 1.. {
        match c.put(key, value, None).await {
            Ok(r) => return r.header().map_or(0, |h| h.revision()),
            Err(etcd_client::Error::GRpcStatus(s)) if format!("{:?}", s.code()) == "Unavailable" && attempt < 20 => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("set-up write of {key} failed: {e}"),
        }
    }
    unreachable!()
}

/// The store's current revision.
pub async fn revision(cluster: &EtcdCluster) -> i64 {
    let mut c = cluster.client().await;
    c.get("/", None).await.unwrap().header().unwrap().revision()
}

/// A document setting `n` registered int keys to `value`, with no
/// constraints (which suits every precedence), and the keys' names.
pub fn int_keys_document(n: usize, value: i64) -> (String, Vec<String>) {
    let registry = tcfg_core::Registry::for_version(None).unwrap();
    let keys: Vec<String> = registry
        .keys()
        .iter()
        .filter(|k| k.value_type == tcfg_core::ValueType::Int)
        .map(|k| k.name.clone())
        .take(n)
        .collect();
    assert_eq!(keys.len(), n, "the registry has fewer int keys");
    let doc = keys.iter().map(|k| format!("{k}:\n  - value: {value}\n")).collect();
    (doc, keys)
}

pub async fn raw_delete(cluster: &EtcdCluster, key: &str) {
    let mut c = cluster.client().await;
    c.delete(key, None).await.unwrap();
}

/// A `tcfg watch -o json` in the background: its JSON lines and its
/// stderr, read as they come.
pub struct Watch {
    child: Child,
    lines: mpsc::Receiver<serde_json::Value>,
    errors: mpsc::Receiver<String>,
}

/// A `tcfg watch` that outlives a failed assertion would hold the test's
/// etcd and ports: it is killed when dropped.
impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watch {
    /// `tcfg watch -o json EXTRA` at these endpoints.
    pub fn start(endpoints: &str, extra: &[&str]) -> Watch {
        let mut c = tcfg_at(endpoints);
        c.args(["watch", "-o", "json"]).args(extra);
        Watch::spawn(c)
    }

    /// A `tcfg watch -o json` command, started.
    pub fn spawn(mut c: std::process::Command) -> Watch {
        let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let v: serde_json::Value = serde_json::from_str(&l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let (etx, errors) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = etx.send(l);
            }
        });
        Watch { child, lines, errors }
    }

    /// The next JSON line that satisfies `f` (others are skipped).
    pub fn expect(&self, what: &str, f: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) if f(&v) => return v,
                Ok(_) => continue,
                Err(_) => panic!(
                    "no line for {what}; stderr: {:?}",
                    self.errors.try_iter().collect::<Vec<_>>()
                ),
            }
        }
    }

    pub fn expect_stderr(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.errors.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => continue,
                Err(_) => panic!("stderr never said {needle:?}"),
            }
        }
    }

    pub fn terminate(mut self) -> i32 {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

/// Whether the etcd under test answers a watch's progress request only
/// after the past it still has to send (core's table of releases).
pub fn etcd_progress_in_order() -> bool {
    tcfg_core::store::Release::parse(&tcfg_testkit::etcd_release())
        .is_some_and(|r| r.progress_answers() == tcfg_core::store::ProgressAnswers::InOrder)
}

/// A loopback address nobody listens on now.
pub fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}
