//! What a terminal and a CI runner see: prompts that leave the terminal as it
//! was, writes refused when the state moved while a prompt waited, colour
//! and tables that follow the terminal, and untrusted names that never
//! become workflow commands.

use crate::common::*;

use tcfg_testkit::EtcdCluster;

/// A write's confirmation on a terminal: y writes; n, Enter, Esc, q, Ctrl-D
/// and Ctrl-C write nothing, and the prompt never hides the cursor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_answer_every_key_and_leave_the_terminal_as_it_was() {
    use tcfg_testkit::pty::Pty;
    let cluster = EtcdCluster::single();
    for (key, writes) in [
        (&b"y"[..], true),
        (b"n", false),
        (b"\r", false),
        (b"\x1b", false),
        (b"q", false),
        (b"\x04", false),
        (b"\x03", false),
    ] {
        let mut c = tcfg_process(&cluster);
        c.args(["put", "frontend.rps", "77"]);
        let mut pty = Pty::spawn(c);
        pty.expect("[y/N]");
        // Keys count once the prompt reads them raw (echo off).
        pty.wait_for_echo(false);
        pty.send(key);
        let (status, shown) = pty.wait();
        let stored = raw_get(&cluster, &format!("{PREFIX}frontend.rps")).await;
        assert_eq!(stored.is_some(), writes, "{key:?}: {shown}");
        assert_eq!(status.code(), Some(if writes { 0 } else { 1 }), "{key:?}: {shown}");
        assert!(
            !shown.contains("\x1b[?25l"),
            "{key:?}: the cursor was hidden: {shown:?}"
        );
        if writes {
            raw_delete(&cluster, &format!("{PREFIX}frontend.rps")).await;
        } else {
            assert!(shown.contains("nothing written"), "{key:?}: {shown}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_password_prompt_restores_the_terminal() {
    use tcfg_testkit::pty::Pty;
    let cluster = EtcdCluster::single();
    cluster.enable_auth(&[]).await;
    let mut c = tcfg_process(&cluster);
    c.args(["--user", "root", "get", "frontend.rps"]);
    let mut pty = Pty::spawn(c);
    pty.expect("Password for etcd user root");
    // The password is read without echo.
    pty.wait_for_echo(false);
    pty.send(b"\x03");
    let echoes_after = {
        let shown = pty.expect("interrupted");
        assert!(shown.contains("nothing written"), "{shown}");
        pty.echoes()
    };
    let (status, _) = pty.wait();
    assert_eq!(status.code(), Some(130));
    assert!(echoes_after, "echo is back on after Ctrl-C");
}

/// `apply` and `delete` on a terminal: the diff in colour, the prompt, and a
/// write that lands while the prompt waits, which the compare-and-swap
/// refuses (nothing of the stale plan is written).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_and_delete_on_a_terminal_refuse_a_write_made_while_the_prompt_waits() {
    use std::ffi::OsStr;
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    let key = format!("{PREFIX}frontend.rps");
    raw_put(&cluster, &key, "- value: 1\n").await;
    let f = file(&dir, "p.yaml", "frontend.rps:\n  - value: 5\n");

    let apply = [OsStr::new("apply"), OsStr::new("-f"), f.as_os_str()];
    let delete = ["delete", "frontend.rps", "--all"].map(OsStr::new);
    let (pty, shown) = at_prompt(&cluster, &apply);
    // On a terminal the diff is in colour: the removed line red, the added green.
    assert!(shown.contains("\x1b[31m-- value: 1"), "{shown:?}");
    assert!(shown.contains("\x1b[32m+- value: 5"), "{shown:?}");
    raw_put(&cluster, &key, "- value: 9\n").await;
    let (status, shown) = answer(pty, b"y");
    assert_eq!(status, Some(1), "{shown}");
    assert!(shown.contains("nothing was written"), "{shown}");
    assert_eq!(raw_get(&cluster, &key).await.unwrap().0, "- value: 9\n");
    // The same apply, confirmed with nothing in between, writes.
    let (status, shown) = answer(at_prompt(&cluster, &apply).0, b"y");
    assert_eq!(status, Some(0), "{shown}");
    assert_eq!(raw_get(&cluster, &key).await.unwrap().0, "- value: 5\n");

    // delete: the same refusal when the key moves under the prompt.
    let (pty, _) = at_prompt(&cluster, &delete);
    raw_put(&cluster, &key, "- value: 6\n").await;
    let (status, shown) = answer(pty, b"y");
    assert_eq!(status, Some(1), "{shown}");
    assert!(shown.contains("nothing was written"), "{shown}");
    assert_eq!(raw_get(&cluster, &key).await.unwrap().0, "- value: 6\n");
    let (status, shown) = answer(at_prompt(&cluster, &delete).0, b"y");
    assert_eq!(status, Some(0), "{shown}");
    assert_eq!(raw_get(&cluster, &key).await, None);
}

/// On a terminal `get` shows a framed table (a pipe gets YAML), and
/// `--color never` leaves every escape sequence out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_and_colour_follow_the_terminal() {
    use tcfg_testkit::pty::Pty;
    let cluster = EtcdCluster::single();
    raw_put(
        &cluster,
        &format!("{PREFIX}frontend.namespaceRPS"),
        "- value: 4000\n  constraints:\n    namespace: payments\n- value: 1200\n",
    )
    .await;
    let mut c = tcfg_process(&cluster);
    c.args(["get", "frontend.namespaceRPS"]);
    let (status, shown) = Pty::spawn(c).wait();
    assert_eq!(status.code(), Some(0), "{shown}");
    assert!(shown.contains('─'), "a framed table on a terminal: {shown}");
    assert!(shown.contains("payments") && shown.contains("4000"), "{shown}");
    let o = tcfg(&cluster).args(["get", "frontend.namespaceRPS"]).output().unwrap();
    assert!(
        stdout(&o).starts_with("- value: 4000\n"),
        "YAML in a pipe: {}",
        stdout(&o)
    );

    let mut c = tcfg_process(&cluster);
    c.args(["--color", "never", "put", "frontend.rps", "3"]);
    let mut pty = Pty::spawn(c);
    let shown = pty.expect("[y/N]");
    assert!(
        !shown.contains("\x1b["),
        "no escape sequence with --color never: {shown:?}"
    );
    pty.wait_for_echo(false);
    pty.send(b"n");
    let (status, _) = pty.wait();
    assert_eq!(status.code(), Some(1));
}

/// Lines a GitHub Actions runner would run as workflow commands: text that
/// starts with `::` after leading white space, or holds `##[` anywhere.
fn workflow_commands(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_names_never_become_workflow_commands_on_any_stream() {
    let cluster = EtcdCluster::single();
    let dir = tempfile::tempdir().unwrap();
    // A file name and keys that would be commands once a newline is out.
    let hostile = dir.path().join("a\n::warning::x.yaml");
    std::fs::write(
        &hostile,
        "\"x.y\\n::add-mask::k1\":\n  - value: 1\n\"frontend.rps\\n  ::stop-commands::t\":\n  - value: 2\nfrontend.rps:\n  - value: 3\n    constraints: {namespace: \"n\\n##[add-mask]z\"}\n",
    )
    .unwrap();
    raw_put(&cluster, &format!("{PREFIX}x.y\n::add-mask::k2"), "- value: 1\n").await;
    raw_put(
        &cluster,
        &format!("{PREFIX}limit.maxIDLength"),
        "- value: \"\\n::error::v\"\n",
    )
    .await;
    let h = hostile.to_str().unwrap();
    let runs: [&[&str]; 11] = [
        &["validate", "-f", h],
        &["validate", "-f", h, "-o", "github"],
        &["validate", "-f", h, "-o", "json"],
        &["diff", "-f", h, "--allow-unknown-keys"],
        &["diff", "-f", h, "--allow-unknown-keys", "-o", "github"],
        &["diff", "-f", h, "--allow-unknown-keys", "-o", "markdown"],
        &["apply", "-f", h, "--allow-unknown-keys", "--dry-run"],
        &["dump"],
        &["get", "limit.maxIDLength"],
        &["status"],
        &["keys", "--search", "::"],
    ];
    for args in runs {
        let o = tcfg(&cluster).args(args).output().unwrap();
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(workflow_commands(&err).is_empty(), "{args:?} stderr: {err}");
        let github = args.contains(&"github");
        let commands = workflow_commands(&out);
        // `-o github` writes annotations on purpose: each is one line, a
        // known command, with its content escaped.
        let rogue: Vec<&&str> = commands
            .iter()
            .filter(|l| {
                !(github && (l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")))
            })
            .collect();
        assert!(rogue.is_empty(), "{args:?} stdout: {out}");
    }
}
