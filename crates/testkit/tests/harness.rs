//! The harness itself: servers start, serve, and go away.

use tcfg_testkit::{EtcdCluster, Options, Perm, TlsFiles, User};

#[tokio::test]
async fn a_single_node_serves_and_is_removed_on_drop() {
    let cluster = EtcdCluster::single();
    let pid = cluster.members[0].pid().unwrap();
    let mut c = cluster.client().await;
    c.put("/k", "v", None).await.unwrap();
    let r = c.get("/k", None).await.unwrap();
    assert_eq!(r.kvs()[0].value(), b"v");
    let dir = cluster.data_dir().to_path_buf();
    drop(c);
    drop(cluster);
    assert!(!dir.exists());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| s.contains(") Z "))
                .unwrap_or(true)
    );
}

#[tokio::test]
async fn three_members_survive_the_loss_of_the_leader() {
    let mut cluster = EtcdCluster::start(3, Options::default());
    let leader = cluster.leader().await;
    cluster.members[leader].kill();
    let other = (leader + 1) % 3;
    // The survivors elect a new leader and become healthy again.
    cluster.members[other].wait_ready();
    let mut c = etcd_client::Client::connect([cluster.members[other].url()], None)
        .await
        .unwrap();
    c.put("/after", "failover", None).await.unwrap();
    cluster.members[leader].restart();
    cluster.members[leader].wait_ready();
}

#[tokio::test]
async fn tls_with_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsFiles::create(dir.path());
    let cluster = EtcdCluster::start(
        1,
        Options {
            tls: Some(tls),
            ..Default::default()
        },
    );
    assert!(cluster.members[0].url().starts_with("https://"));
    let mut c = cluster.client().await;
    c.put("/tls", "ok", None).await.unwrap();
}

#[tokio::test]
async fn auth_with_prefix_scoped_roles() {
    let cluster = EtcdCluster::single();
    cluster
        .enable_auth(&[User {
            name: "reader",
            password: "pw",
            prefix: Some(("/prod/", Perm::Read)),
        }])
        .await;
    let opts = etcd_client::ConnectOptions::new().with_user("reader", "pw");
    let mut c = etcd_client::Client::connect([cluster.members[0].url()], Some(opts))
        .await
        .unwrap();
    c.get("/prod/x", None).await.unwrap();
    assert!(c.put("/prod/x", "v", None).await.is_err());
}
