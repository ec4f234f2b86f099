//! Private etcd servers for tests and the demo, from the etcd binary of the
//! `etcd-bin-vendored` crate: random free loopback ports, a temporary data
//! dir, fast elections, readiness by `/health`, and every process killed (by
//! its PID) when its handle is dropped, also when a test panics.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod hostile;
mod proxy;
pub mod pty;
mod tls;
pub use proxy::Proxy;
pub use tls::{TlsFiles, SERVER_NAME};

/// How long a server may take to report healthy before the harness gives up.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A port nobody listens on now. It is free only until someone takes it:
/// between this and etcd's own bind another process may (any outgoing
/// connection takes its port from the same range), so a cluster whose
/// member finds a port taken starts again on new ports.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// etcd exited at start because a port it was given was taken meanwhile.
struct PortTaken;

/// How many times a cluster starts again on new ports.
const START_ATTEMPTS: usize = 5;

/// How many times a restarted member tries its ports again.
const RESTART_ATTEMPTS: usize = 40;

/// Options for a server or a cluster.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Serve clients over TLS with these files, requiring client certificates.
    pub tls: Option<TlsFiles>,
    /// etcd's `--max-txn-ops` (default 128).
    pub max_txn_ops: Option<u32>,
    /// Extra command-line arguments.
    pub extra_args: Vec<String>,
}

/// One etcd member.
pub struct EtcdServer {
    pub name: String,
    client_port: u16,
    peer_port: u16,
    metrics_port: u16,
    data_dir: PathBuf,
    log: PathBuf,
    initial_cluster: String,
    cluster_state: &'static str,
    options: Options,
    child: Option<Child>,
}

impl EtcdServer {
    fn new(name: &str, base: &Path, options: &Options) -> EtcdServer {
        let data_dir = base.join(name);
        let log = base.join(format!("{name}.log"));
        EtcdServer {
            name: name.to_string(),
            client_port: free_port(),
            peer_port: free_port(),
            metrics_port: free_port(),
            data_dir,
            log,
            initial_cluster: String::new(),
            cluster_state: "new",
            options: options.clone(),
            child: None,
        }
    }

    fn scheme(&self) -> &'static str {
        if self.options.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// The client address.
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.client_port).into()
    }

    /// `127.0.0.1:PORT`, the form etcdctl and tcfg take.
    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.client_port)
    }

    /// `http://127.0.0.1:PORT` (or `https://`).
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme(), self.client_port)
    }

    fn peer_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.peer_port)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// The server's log, for test failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn spawn(&mut self) {
        let bin = etcd_binary();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut cmd = Command::new(bin);
        cmd.arg("--name")
            .arg(&self.name)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--listen-client-urls")
            .arg(self.url())
            .arg("--advertise-client-urls")
            .arg(self.url())
            .arg("--listen-peer-urls")
            .arg(self.peer_url())
            .arg("--initial-advertise-peer-urls")
            .arg(self.peer_url())
            .arg("--listen-metrics-urls")
            .arg(format!("http://127.0.0.1:{}", self.metrics_port))
            .arg("--initial-cluster")
            .arg(&self.initial_cluster)
            .arg("--initial-cluster-state")
            .arg(self.cluster_state)
            .arg("--initial-cluster-token")
            .arg("tcfg-test")
            .args(["--heartbeat-interval=10", "--election-timeout=100", "--log-level=warn"]);
        // Not in 3.4: durability is not what these tests are about.
        if etcd_has_flag("--unsafe-no-fsync") {
            cmd.arg("--unsafe-no-fsync");
        }
        if let Some(n) = self.options.max_txn_ops {
            cmd.arg(format!("--max-txn-ops={n}"));
        }
        if let Some(tls) = &self.options.tls {
            cmd.arg("--cert-file")
                .arg(&tls.server_cert)
                .arg("--key-file")
                .arg(&tls.server_key)
                .arg("--trusted-ca-file")
                .arg(&tls.ca_cert)
                .arg("--client-cert-auth");
        }
        cmd.args(&self.options.extra_args);
        cmd.stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
        // Die with the test process even if it is killed without unwinding.
        #[cfg(target_os = "linux")]
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        self.child = Some(cmd.spawn().expect("start etcd"));
    }

    /// Wait until `/health` says the member is healthy (a quorum exists).
    pub fn wait_ready(&mut self) {
        // A restarted member must keep its ports (its peers know them): when
        // another process took one meanwhile (an outgoing connection's
        // ephemeral port), it is tried again until that connection is gone.
        let mut attempts = 0;
        while let Err(PortTaken) = self.wait_started() {
            attempts += 1;
            if self.cluster_state != "existing" || attempts == RESTART_ATTEMPTS {
                panic!(
                    "etcd {} could not listen: a port was taken ({attempts} attempts); its log:\n{}",
                    self.name,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
            self.spawn();
        }
    }

    /// [`EtcdServer::wait_ready`], telling when etcd exited because one of its
    /// ports was taken meanwhile (see [`free_port`]).
    fn wait_started(&mut self) -> Result<(), PortTaken> {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if self.healthy() {
                return Ok(());
            }
            if let Some(Ok(Some(_))) = self.child.as_mut().map(Child::try_wait) {
                if self.log().contains("address already in use") {
                    self.child = None;
                    return Err(PortTaken);
                }
                panic!("etcd {} exited while starting; its log:\n{}", self.name, self.log());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "etcd {} did not become healthy within {READY_TIMEOUT:?}; its log:\n{}",
            self.name,
            self.log()
        );
    }

    /// Whether `/health` answers healthy now.
    pub fn healthy(&self) -> bool {
        let Ok(mut s) =
            TcpStream::connect_timeout(&([127, 0, 0, 1], self.metrics_port).into(), Duration::from_millis(200))
        else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        if s.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
            return false;
        }
        let mut body = String::new();
        let _ = s.read_to_string(&mut body);
        body.contains("\"health\":\"true\"")
    }

    /// `kill -9` the member.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Send a signal (SIGSTOP, SIGCONT, SIGTERM...) to the member.
    pub fn signal(&self, sig: i32) {
        if let Some(pid) = self.pid() {
            unsafe {
                libc::kill(pid as i32, sig);
            }
        }
    }

    /// Start the member again with the same data dir and ports.
    pub fn restart(&mut self) {
        self.kill();
        self.cluster_state = "existing";
        self.spawn();
    }
}

impl Drop for EtcdServer {
    fn drop(&mut self) {
        if self.pid().is_some() {
            // A stopped process cannot die of SIGKILL until it is continued.
            self.signal(libc::SIGCONT);
        }
        self.kill();
    }
}

/// One or more etcd members forming a cluster, with their data in a
/// temporary directory removed on drop.
pub struct EtcdCluster {
    pub members: Vec<EtcdServer>,
    pub options: Options,
    _deadline: Deadline,
    _dir: tempfile::TempDir,
}

/// How long a test may hold a cluster: a hang fails the test binary instead
/// of stalling CI (`TCFG_TEST_DEADLINE` seconds, 300 by default).
fn test_deadline() -> Duration {
    let secs = std::env::var("TCFG_TEST_DEADLINE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    Duration::from_secs(secs)
}

/// Ends the process, with the members' logs, when a test keeps its
/// cluster past the deadline; disarmed when the cluster is dropped.
struct Deadline(#[allow(dead_code)] std::sync::mpsc::Sender<()>);

impl Deadline {
    fn arm(thread: String, logs: Vec<PathBuf>) -> Deadline {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let limit = test_deadline();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                eprintln!("test {thread} ran past its deadline of {limit:?}: ending the test binary");
                for l in &logs {
                    eprintln!(
                        "--- {} (last lines)\n{}",
                        l.display(),
                        tail(&std::fs::read_to_string(l).unwrap_or_default(), 40)
                    );
                }
                std::process::exit(101);
            }
        });
        Deadline(tx)
    }
}

/// The last `n` lines of a text.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

impl Drop for EtcdCluster {
    /// A failed test shows what its members logged last.
    fn drop(&mut self) {
        if std::thread::panicking() {
            for m in &self.members {
                eprintln!("--- etcd {} log (last lines)\n{}", m.name, tail(&m.log(), 40));
            }
        }
    }
}

impl EtcdCluster {
    /// A single-node cluster.
    pub fn single() -> EtcdCluster {
        EtcdCluster::start(1, Options::default())
    }

    /// `n` members, all started and healthy.
    pub fn start(n: usize, options: Options) -> EtcdCluster {
        for attempt in 1..=START_ATTEMPTS {
            let dir = tempfile::Builder::new().prefix("tcfg-etcd-").tempdir().unwrap();
            let mut members: Vec<EtcdServer> = (0..n)
                .map(|i| EtcdServer::new(&format!("m{i}"), dir.path(), &options))
                .collect();
            let initial = members
                .iter()
                .map(|m| format!("{}={}", m.name, m.peer_url()))
                .collect::<Vec<_>>()
                .join(",");
            for m in &mut members {
                m.initial_cluster = initial.clone();
                m.spawn();
            }
            let started = members.iter_mut().try_for_each(EtcdServer::wait_started);
            match started {
                Ok(()) => {
                    let thread = std::thread::current().name().unwrap_or("?").to_string();
                    let logs = members.iter().map(|m| m.log.clone()).collect();
                    return EtcdCluster {
                        members,
                        options,
                        _deadline: Deadline::arm(thread, logs),
                        _dir: dir,
                    };
                }
                // The members (and their data) go with `members` and `dir`.
                Err(PortTaken) => eprintln!("an etcd port was taken while starting (attempt {attempt}); new ports"),
            }
        }
        panic!("etcd could not start: its ports were taken {START_ATTEMPTS} times in a row");
    }

    /// Comma-separated `127.0.0.1:PORT` endpoints of every member.
    pub fn endpoints(&self) -> String {
        self.members.iter().map(|m| m.endpoint()).collect::<Vec<_>>().join(",")
    }

    pub fn endpoint_list(&self) -> Vec<String> {
        self.members.iter().map(|m| m.endpoint()).collect()
    }

    pub fn data_dir(&self) -> &Path {
        self._dir.path()
    }

    /// A plain client on every member (no TLS, no auth), for test set-up.
    pub async fn client(&self) -> etcd_client::Client {
        let mut opts = etcd_client::ConnectOptions::new().with_connect_timeout(Duration::from_secs(2));
        if let Some(tls) = &self.options.tls {
            opts = opts.with_tls(tls.client_options());
        }
        let urls: Vec<String> = self.members.iter().map(|m| m.url()).collect();
        etcd_client::Client::connect(urls, Some(opts))
            .await
            .expect("connect to the test etcd")
    }

    /// The index of the current leader.
    pub async fn leader(&self) -> usize {
        let mut c = self.client().await;
        let status = c.status().await.expect("status");
        let leader = status.leader();
        for (i, m) in self.members.iter().enumerate() {
            let mut mc = etcd_client::Client::connect([m.url()], None).await.expect("connect");
            if let Ok(s) = mc.status().await {
                if s.header().map(|h| h.member_id()) == Some(leader) {
                    return i;
                }
            }
        }
        panic!("no member is the leader {leader}");
    }

    /// Enable authentication with a `root` user (password `root`) and the
    /// given users, each with a role granting `perm` on a key prefix.
    pub async fn enable_auth(&self, users: &[User<'_>]) {
        use etcd_client::{Permission, PermissionType};
        let mut c = self.client().await;
        c.user_add("root", "root", None).await.expect("add root");
        c.role_add("root").await.ok();
        c.user_grant_role("root", "root").await.expect("grant root");
        for u in users {
            c.user_add(u.name, u.password, None).await.expect("add user");
            let role = format!("{}-role", u.name);
            c.role_add(role.clone()).await.expect("add role");
            if let Some((prefix, perm)) = u.prefix {
                let p = match perm {
                    Perm::Read => Permission::new(PermissionType::Read, prefix).with_prefix(),
                    Perm::Write => Permission::new(PermissionType::Write, prefix).with_prefix(),
                    Perm::ReadWrite => Permission::new(PermissionType::Readwrite, prefix).with_prefix(),
                };
                c.role_grant_permission(role.clone(), p)
                    .await
                    .expect("grant permission");
            }
            c.user_grant_role(u.name, role).await.expect("grant role");
        }
        c.auth_enable().await.expect("enable auth");
        // Each member applies the users and the enabling in its own time;
        // a login on one that has not yet is refused ("wrong user name or
        // password"). Set-up waits until every member takes every login.
        let logins = std::iter::once(("root", "root")).chain(users.iter().map(|u| (u.name, u.password)));
        for (name, password) in logins {
            for m in &self.members {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
                loop {
                    let mut opts = etcd_client::ConnectOptions::new().with_user(name, password);
                    if let Some(tls) = &self.options.tls {
                        opts = opts.with_tls(tls.client_options());
                    }
                    if etcd_client::Client::connect([m.url()], Some(opts)).await.is_ok() {
                        break;
                    }
                    assert!(
                        std::time::Instant::now() < deadline,
                        "member {} never took the login of {name}",
                        m.url()
                    );
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
    }

    /// Grant a role made by [`EtcdCluster::enable_auth`] (`<user>-role`) a
    /// permission on another prefix.
    pub async fn grant(&self, role: &str, prefix: &str, perm: Perm) {
        use etcd_client::{Permission, PermissionType};
        let kind = match perm {
            Perm::Read => PermissionType::Read,
            Perm::Write => PermissionType::Write,
            Perm::ReadWrite => PermissionType::Readwrite,
        };
        self.root_client()
            .await
            .role_grant_permission(role, Permission::new(kind, prefix).with_prefix())
            .await
            .expect("grant permission");
    }

    /// A client logged in as root (after [`EtcdCluster::enable_auth`]), on
    /// the first member alone: a token is valid on another member only once
    /// that member has applied the login, and set-up must not race it.
    pub async fn root_client(&self) -> etcd_client::Client {
        let mut opts = etcd_client::ConnectOptions::new().with_user("root", "root");
        if let Some(tls) = &self.options.tls {
            opts = opts.with_tls(tls.client_options());
        }
        let urls = [self.members[0].url()];
        etcd_client::Client::connect(urls, Some(opts))
            .await
            .expect("connect as root")
    }
}

/// A user for [`EtcdCluster::enable_auth`].
pub struct User<'a> {
    pub name: &'a str,
    pub password: &'a str,
    /// A key prefix and the permission the user's role has on it.
    pub prefix: Option<(&'a str, Perm)>,
}

#[derive(Clone, Copy, Debug)]
pub enum Perm {
    Read,
    Write,
    ReadWrite,
}

/// The etcd binary the tests run: `TCFG_TEST_ETCD` when set (another
/// release, as `scripts/test-etcd-releases` runs them), else the vendored
/// one (`etcd-bin-vendored`, 3.5.34).
pub fn etcd_binary() -> std::path::PathBuf {
    match std::env::var_os("TCFG_TEST_ETCD").filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            assert!(
                path.is_file(),
                "TCFG_TEST_ETCD={} is not a file: point it at an etcd binary, or unset it for the vendored one",
                path.display()
            );
            path
        }
        None => etcd_bin_vendored::etcd_bin_path()
            .expect("etcd-bin-vendored has a binary for this platform")
            .into(),
    }
}

/// Whether [`etcd_binary`]'s `--help` names `flag`.
pub fn etcd_has_flag(flag: &str) -> bool {
    static HELP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HELP.get_or_init(|| {
        let out = Command::new(etcd_binary())
            .arg("--help")
            .output()
            .expect("the etcd binary runs");
        // etcd 3.4 prints its help on stderr.
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
    .split(|c: char| c.is_whitespace() || c == '=' || c == ',')
    .any(|word| word == flag)
}

/// The release of [`etcd_binary`], such as `3.5.34`, as `etcd --version`
/// says it: what a test that asserts a server's version expects.
pub fn etcd_release() -> String {
    static RELEASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RELEASE
        .get_or_init(|| {
            let out = Command::new(etcd_binary())
                .arg("--version")
                .output()
                .expect("the etcd binary runs");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("etcd Version: "))
                .map(|v| v.trim().to_string())
                .expect("etcd --version names its release")
        })
        .clone()
}

/// Poll `condition` every 10 ms until it holds, for at most `deadline`;
/// then panic, naming `what` was awaited. Tests await conditions, never a
/// fixed time, and never without a deadline.
pub async fn eventually<F, Fut>(deadline: std::time::Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + deadline;
    loop {
        if condition().await {
            return;
        }
        if tokio::time::Instant::now() >= end {
            panic!("{what}: not within {deadline:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// [`eventually`] for code that is not async: polls `condition` every
/// 10 ms, for at most `deadline`, then panics naming `what`.
pub fn wait_until(deadline: std::time::Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let end = std::time::Instant::now() + deadline;
    loop {
        if condition() {
            return;
        }
        if std::time::Instant::now() >= end {
            panic!("{what}: not within {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_whose_port_was_taken_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = EtcdServer::new("m0", dir.path(), &Options::default());
        let holder = TcpListener::bind("127.0.0.1:0").unwrap();
        m.client_port = holder.local_addr().unwrap().port();
        m.initial_cluster = format!("m0={}", m.peer_url());
        m.spawn();
        assert!(matches!(m.wait_started(), Err(PortTaken)), "{}", m.log());
        assert!(!m.is_running());
    }
}
