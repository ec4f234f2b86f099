//! The deployment examples run as their containers would (there is no
//! container runtime here): each tcfg container of the compose file and of
//! the Kubernetes manifest runs its command line as written, in the order
//! its dependencies give, with the container's paths mapped onto a
//! temporary directory, its etcd onto a private one, and its listening
//! address onto loopback; the probes the manifest declares are asked.

use crate::common::*;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value;
use tcfg_testkit::{EtcdCluster, Options, TlsFiles};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The status of `GET path` on `addr`.
fn http_status(addr: &str, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).ok()?;
    write!(c, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut reply = String::new();
    c.read_to_string(&mut reply).ok()?;
    reply.split_whitespace().nth(1)?.parse().ok()
}

/// Strings of a YAML sequence.
fn strings(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A container's command line, its mounts (container path -> host path)
/// and its environment, turned into a tcfg process on this machine.
struct Container {
    args: Vec<String>,
    mounts: Vec<(String, PathBuf)>,
    env: Vec<(String, String)>,
    /// What `0.0.0.0:PORT` became.
    listen: Option<String>,
}

impl Container {
    fn new(args: Vec<String>, mounts: Vec<(String, PathBuf)>, env: Vec<(String, String)>) -> Container {
        let mut listen = None;
        let args = args
            .into_iter()
            .map(|a| {
                if a.starts_with("0.0.0.0:") {
                    let addr = free_addr();
                    listen = Some(addr.clone());
                    return addr;
                }
                // The longest mount first: a file mounted inside a folder.
                let mut mounts: Vec<&(String, PathBuf)> = mounts.iter().collect();
                mounts.sort_by_key(|(at, _)| std::cmp::Reverse(at.len()));
                for (at, host) in mounts {
                    if let Some(rest) = a.strip_prefix(at.as_str()) {
                        return format!("{}{rest}", host.display());
                    }
                }
                a
            })
            .collect();
        Container {
            args,
            mounts,
            env,
            listen,
        }
    }

    fn command(&self) -> std::process::Command {
        let mut c = tcfg_bare();
        c.args(&self.args).envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// The host path of a container path.
    fn host(&self, path: &str) -> PathBuf {
        for (at, host) in &self.mounts {
            if let Some(rest) = path.strip_prefix(at.as_str()) {
                return PathBuf::from(format!("{}{rest}", host.display()));
            }
        }
        panic!("{path} is not on any of the container's mounts");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compose_example_runs_from_a_fresh_etcd() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let compose_dir = examples().join("docker-compose");
    let text = std::fs::read_to_string(compose_dir.join("docker-compose.yaml")).unwrap();
    let compose: Value = serde_yaml::from_str(&text).unwrap();
    let services = compose["services"].as_mapping().unwrap();
    let container = |name: &str| -> Container {
        let s = &services[name];
        assert_eq!(s["image"].as_str(), Some("tcfg:latest"), "{name}");
        let mounts = strings(&s["volumes"])
            .iter()
            .map(|v| {
                let mut parts = v.split(':');
                let (from, at) = (parts.next().unwrap(), parts.next().unwrap());
                // A named volume is a folder of its own; a bind mount is
                // relative to the compose file.
                let host = if from.starts_with('.') || from.starts_with('/') {
                    compose_dir.join(from)
                } else {
                    let d = dir.path().join("volumes").join(from);
                    std::fs::create_dir_all(&d).unwrap();
                    d
                };
                (at.to_string(), host)
            })
            .collect();
        let env = s["environment"]
            .as_mapping()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                let (k, v) = (k.as_str().unwrap().to_string(), v.as_str().unwrap().to_string());
                let v = if k == "ETCD_ENDPOINTS" { cluster.endpoints() } else { v };
                (k, v)
            })
            .collect();
        Container::new(strings(&s["command"]), mounts, env)
    };
    let depends = |name: &str| -> Vec<String> {
        match &services[name]["depends_on"] {
            Value::Mapping(m) => m.keys().filter_map(|k| k.as_str().map(str::to_string)).collect(),
            other => strings(other),
        }
    };
    // The order compose starts them in: the seed, the one-shot render, then
    // the renderer that follows, and Temporal after the one-shot render.
    assert_eq!(depends("render-init"), ["seed"]);
    assert_eq!(depends("render"), ["render-init"]);
    assert!(depends("temporal").contains(&"render-init".to_string()));
    for one_shot in ["seed", "render-init"] {
        let c = container(one_shot);
        let o = c.command().output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{one_shot}: {}", stderr(&o));
    }
    // Temporal reads the file the renderers write, on the volume they share.
    let init = container("render-init");
    let file = init.host(&init_path(&services["render-init"]));
    let temporal = &services["temporal"];
    let wanted = temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"].as_str().unwrap();
    assert_eq!(wanted, init_path(&services["render-init"]));
    assert!(strings(&temporal["volumes"])
        .iter()
        .any(|v| v.starts_with("dynamicconfig:") && wanted.starts_with(v.split(':').nth(1).unwrap())));
    assert!(std::fs::read_to_string(&file).unwrap().contains("frontend.rps"));
    // The renderer that follows, and the change the header shows.
    let render = container("render");
    let _follower = render
        .command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn_killed();
    let addr = render.listen.clone().expect("the renderer serves its metrics");
    tcfg_testkit::wait_until(std::time::Duration::from_secs(20), "/readyz 200", || {
        http_status(&addr, "/readyz") == Some(200)
    });
    let header = text.lines().find_map(|l| l.split_once("run --rm tcfg ")).unwrap().1;
    let cli = container("tcfg");
    let o = cli.command().args(header.split_whitespace()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{header}: {}", stderr(&o));
    tcfg_testkit::wait_until(std::time::Duration::from_secs(20), "the put in the file", || {
        std::fs::read_to_string(&file)
            .unwrap_or_default()
            .contains("value: 1200")
    });
}

/// The file a render service writes: its command's argument after `render`.
fn init_path(service: &Value) -> String {
    let args = strings(&service["command"]);
    let at = args.iter().position(|a| a == "render").unwrap();
    args[at + 1].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kubernetes_example_renders_before_the_server_and_keeps_the_file_current() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TlsFiles::create(&dir.path().join("pki"));
    let tls = (pki.ca_cert.clone(), pki.client_cert.clone(), pki.client_key.clone());
    let cluster = EtcdCluster::start(
        1,
        Options {
            tls: Some(pki),
            ..Options::default()
        },
    );
    let text = std::fs::read_to_string(examples().join("kubernetes/temporal-with-tcfg.yaml")).unwrap();
    let docs: Vec<Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let config_map = docs.iter().find(|d| d["kind"].as_str() == Some("ConfigMap")).unwrap();
    let pod = docs.iter().find(|d| d["kind"].as_str() == Some("Pod")).unwrap();
    // The pod's volumes on this machine: the empty folder, the config map's
    // file with its etcd endpoints made this test's, the client certificate.
    let mut volumes: HashMap<String, PathBuf> = HashMap::new();
    for v in pod["spec"]["volumes"].as_sequence().unwrap() {
        let name = v["name"].as_str().unwrap().to_string();
        let host = dir.path().join("volumes").join(&name);
        std::fs::create_dir_all(&host).unwrap();
        if v.get("configMap").is_some() {
            for (file, content) in config_map["data"].as_mapping().unwrap() {
                let content = content.as_str().unwrap();
                let endpoints = content
                    .lines()
                    .find(|l| l.trim_start().starts_with("endpoints:"))
                    .unwrap();
                let indent = &endpoints[..endpoints.len() - endpoints.trim_start().len()];
                let ours = format!("{indent}endpoints: [\"{}\"]", cluster.members[0].url());
                std::fs::write(host.join(file.as_str().unwrap()), content.replace(endpoints, &ours)).unwrap();
            }
        }
        if v.get("secret").is_some() {
            for (from, to) in [(&tls.0, "ca.crt"), (&tls.1, "tls.crt"), (&tls.2, "tls.key")] {
                std::fs::copy(from, host.join(to)).unwrap();
            }
        }
        volumes.insert(name, host);
    }
    let container = |c: &Value| -> Container {
        let mounts = c["volumeMounts"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|m| {
                let host = &volumes[m["name"].as_str().unwrap()];
                let host = match m["subPath"].as_str() {
                    Some(sub) => host.join(sub),
                    None => host.clone(),
                };
                (m["mountPath"].as_str().unwrap().to_string(), host)
            })
            .collect();
        Container::new(strings(&c["args"]), mounts, Vec::new())
    };
    let init = container(&pod["spec"]["initContainers"][0]);
    let sidecar_spec = &pod["spec"]["containers"][0];
    let sidecar = container(sidecar_spec);
    // The config file names the certificate where the container mounts it.
    let config = init.args[init.args.iter().position(|a| a == "--config").unwrap() + 1].clone();
    let mut text = std::fs::read_to_string(&config).unwrap();
    for (at, host) in &init.mounts {
        if host.is_dir() {
            text = text.replace(&format!("{at}/"), &format!("{}/", host.display()));
        }
    }
    std::fs::write(&config, text).unwrap();
    // The prefix the config map names holds the config.
    let o = tcfg_bare()
        .args(["--config", &config, "apply", "--yes", "-f"])
        .arg(examples().join("prod.yaml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The init container writes the file before the server starts.
    let o = init.command().output().unwrap();
    assert_eq!(o.status.code(), Some(0), "the init container: {}", stderr(&o));
    let file = init.host("/etc/temporal/dynamicconfig/dynamicconfig.yaml");
    let rendered = std::fs::read_to_string(&file).unwrap();
    assert!(rendered.contains("from /prod/temporal/dynamicconfig/"), "{rendered}");
    // The server mounts the same folder the renderers write.
    let server = &pod["spec"]["containers"][1];
    assert!(server["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .any(|m| m["name"].as_str() == Some("dynamicconfig") && m["readOnly"].as_bool() == Some(true)));
    // The sidecar: its probes on the port it declares, then a change.
    let _follower = sidecar
        .command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn_killed();
    let addr = sidecar.listen.clone().expect("the sidecar serves its probes");
    for probe in ["readinessProbe", "livenessProbe"] {
        let path = sidecar_spec[probe]["httpGet"]["path"].as_str().unwrap().to_string();
        tcfg_testkit::wait_until(std::time::Duration::from_secs(20), &format!("{probe} {path}"), || {
            http_status(&addr, &path) == Some(200)
        });
    }
    let o = tcfg_bare()
        .args(["--config", &config, "put", "frontend.rps", "1234", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    tcfg_testkit::wait_until(std::time::Duration::from_secs(20), "the put in the file", || {
        std::fs::read_to_string(&file)
            .unwrap_or_default()
            .contains("value: 1234")
    });
}
