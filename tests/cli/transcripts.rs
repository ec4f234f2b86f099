//! The guides' transcripts are true: each ```` ```console ```` block's `$`
//! commands run, one after another, on a terminal (a pseudo-terminal, so
//! prompts are asked and answered as shown), against private etcds set up
//! as the guide's prose describes, and every line the block shows comes
//! out, in order.
//!
//! What a shown line must equal: the same text once numbers (revisions,
//! times, ports, sizes and their units) and runs of spaces are set aside, where `...` or
//! `…` stands for any text, and a line of its own for lines left out. An
//! answer after `[y/N]` is typed when the prompt comes; this machine's host
//! name reads as `ops-1`, and each private etcd's endpoint as the guide
//! names it. A command exits 0
//! or 2 (changes found), or non-zero when the block shows an `error`.
//!
//! Blocks marked ```` ```console norun ```` are not run: a watch that runs
//! until interrupted, a wait for renderers on other hosts, and the scripts
//! that build Temporal's own code (they run in `.ci/run` themselves).

use crate::common::*;

use std::path::Path;

use tcfg_testkit::pty::Pty;
use tcfg_testkit::EtcdCluster;

/// One `$` command of a transcript, with the lines shown after it.
#[derive(Debug, PartialEq)]
struct Step {
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// The runnable ```` ```console ```` blocks of a Markdown text, each as
/// its steps.
fn transcripts(text: &str) -> Vec<Vec<Step>> {
    let mut blocks = Vec::new();
    let mut open: Option<Vec<Step>> = None;
    let mut continued = false;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim();
        match &mut open {
            None if fence == "```console" => open = Some(Vec::new()),
            Some(_) if fence == "```" => blocks.push(open.take().unwrap()),
            Some(steps) => {
                if continued {
                    let step = steps.last_mut().unwrap();
                    step.command.push('\n');
                    step.command.push_str(line);
                } else if let Some(command) = line.strip_prefix("$ ") {
                    steps.push(Step {
                        line: i + 1,
                        command: command.to_string(),
                        shown: Vec::new(),
                    });
                } else if let Some(step) = steps.last_mut() {
                    step.shown.push(line.to_string());
                }
                continued = line.ends_with('\\');
            }
            None => {}
        }
    }
    blocks
}

/// A line as compared: no colour, numbers as `#`, spaces runs as one.
fn normalize(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // An escape sequence: up to its final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c.is_ascii_digit() {
            // A number with its decimal points (3.5.34, 48.1), but not a
            // `...` after it: a dot counts only when a digit follows.
            loop {
                let mut ahead = chars.clone();
                let (next, after) = (ahead.next(), ahead.next());
                let more = match next {
                    Some(d) if d.is_ascii_digit() => true,
                    Some('.') => after.is_some_and(|d| d.is_ascii_digit()),
                    _ => false,
                };
                if !more {
                    break;
                }
                chars.next();
            }
            out.push('#');
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    // Sizes in any unit: a guide's production etcd holds megabytes.
    out.split(' ')
        .map(|w| if ["kB", "MB", "GB"].contains(&w) { "B" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// Whether an actual line is what a shown line says, `...` standing for
/// any text.
fn line_matches(shown: &str, actual: &str) -> bool {
    let shown = normalize(&shown.replace('…', "..."));
    let actual = normalize(actual);
    let parts: Vec<&str> = shown.split("...").map(str::trim).collect();
    let mut rest = actual.as_str();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let at = if i == 0 {
            if !rest.starts_with(part) {
                return false;
            }
            0
        } else {
            match rest.find(part) {
                Some(at) => at,
                None => return false,
            }
        };
        rest = &rest[at + part.len()..];
    }
    // Without a closing wildcard the line must end there too.
    parts.len() > 1 && parts.last() == Some(&"") || rest.trim().is_empty()
}

/// The shown lines that do not come out in order, if any.
fn unmatched<'a>(shown: &'a [String], actual: &str) -> Option<&'a str> {
    let actual: Vec<&str> = actual.lines().collect();
    let mut next = 0;
    for line in shown {
        let bare = line.trim();
        if bare.is_empty() || bare == "..." || bare == "…" {
            continue;
        }
        match actual[next..].iter().position(|a| line_matches(line, a)) {
            Some(at) => next += at + 1,
            None => return Some(line),
        }
    }
    None
}

#[test]
fn transcripts_are_read_and_compared_as_documented() {
    let text = "x\n```console\n$ tcfg a \\\n  --b\nout 1\n...\n$ tcfg c\n```\n```console norun\n$ tcfg d\n```\n";
    assert_eq!(
        transcripts(text),
        vec![vec![
            Step {
                line: 3,
                command: "tcfg a \\\n  --b".into(),
                shown: vec!["out 1".into(), "...".into()],
            },
            Step {
                line: 7,
                command: "tcfg c".into(),
                shown: vec![],
            },
        ]]
    );
    assert!(line_matches("wrote k at revision 813", "wrote k at revision 9"));
    assert!(line_matches(" KEY   VALUE", "KEY VALUE"));
    assert!(line_matches("a ... c", "a bbb c"));
    assert!(line_matches("held back x: …; kept", "held back x: why; kept"));
    assert!(line_matches("prefix ...", "prefix and more"));
    assert!(line_matches("size 48.1 MB", "size 28.7 kB"));
    assert!(line_matches("up 3.5.34… leader", "up 3.4.23 (!) leader"));
    assert!(!line_matches("wrote k", "wrote k at revision 9"));
    assert!(!line_matches("wrote k at", "rewrote k at"));
    assert!(!line_matches("a ... c", "a bbb d"));
    let shown = vec!["one".to_string(), "...".into(), "three".into()];
    assert_eq!(unmatched(&shown, "one\ntwo\nthree\n"), None);
    assert_eq!(unmatched(&shown, "three\none\n"), Some("three"));
}

/// One step of a guide's set-up: the state its prose describes before its
/// transcripts.
enum SetUp {
    /// A script, in the guide's directory and environment; the etcds are
    /// `$ETCD_1`... .
    Sh(&'static str),
    /// A value written by another tool (no record), on the first etcd.
    Raw(&'static str, &'static str),
}

fn set_up(guide: &str) -> Vec<SetUp> {
    use SetUp::*;
    match guide {
        // The prefix holds prod.yaml but for the payments item and a lower
        // frontend.rps (the file in Git has been raised since); /active
        // holds prod.yaml and /passive-eu the older values.
        "changes.md" => vec![Sh(
            "sed -e 's/value: 2400/value: 2000/' -e '/- value: 4000/,/namespace: payments/d' prod.yaml > start.yaml
             tcfg apply --yes -f start.yaml -m 'production config' >/dev/null
             tcfg --prefix /active/temporal/dynamicconfig/ apply --yes -f prod.yaml -m 'production config' >/dev/null
             tcfg --prefix /passive-eu/temporal/dynamicconfig/ apply --yes -f start.yaml -m 'production config' >/dev/null
             rm start.yaml",
        )],
        // One config file names three clusters (ap-south under another
        // prefix), each holding the old payments limit.
        "clusters.md" => vec![Sh(
            r#"mkdir -p config/tcfg
             printf '%s\n' 'etcdConfigs:' \
                 '  - name: us-east' "    endpoints: [\"$ETCD_1\"]" '    disableTLS: true' '    requireMessage: true' \
                 '  - name: eu-west' "    endpoints: [\"$ETCD_2\"]" '    disableTLS: true' \
                 '  - name: ap-south' "    endpoints: [\"$ETCD_3\"]" '    disableTLS: true' \
                 '    globalKeyPrefix: /aps1/temporal/dynamicconfig/' > config/tcfg/config.yaml
             sed 's/value: 4000/value: 3000/' prod.yaml > old.yaml
             for c in us-east eu-west ap-south; do
                 tcfg --cluster $c apply --yes -f old.yaml -m 'the old limits' >/dev/null
             done
             rm old.yaml"#,
        )],
        // Three changes by people and CI, and one by another tool between.
        "incidents.md" => vec![
            Sh("tcfg apply --yes -f prod.yaml -m 'production config' >/dev/null
                tcfg put frontend.namespaceRPS 1500 --yes -m 'batch needs more' >/dev/null"),
            Raw(
                "/temporal/dynamicconfig/matching.numTaskqueueReadPartitions",
                "- value: 16\n  constraints:\n    namespace: payments\n    taskQueueName: charge-card\n",
            ),
            Sh("mkdir ci
                tcfg dump | sed -e 's/value: 2400/value: 3000/' -e 's/value: 4000/value: 6000/' \
                    -e 's/value: 9000/value: 12000/' > ci/prod.yaml
                cd ci
                USER=runner GITHUB_ACTIONS=true GITHUB_ACTOR=octocat GITHUB_SERVER_URL=https://github.com \
                    GITHUB_REPOSITORY=acme/config GITHUB_RUN_ID=42 \
                    tcfg apply --yes -f prod.yaml -m 'raise payments limits' >/dev/null"),
        ],
        // A render in place, a change since, and a value another tool
        // stored that Temporal would refuse.
        "renderer.md" => vec![
            Sh("tcfg apply --yes -f prod.yaml -m 'production config' >/dev/null
                tcfg render dynamicconfig.yaml 2>/dev/null
                tcfg put history.persistenceMaxQPS 9500 --yes -m 'more room' >/dev/null"),
            Raw(
                "/temporal/dynamicconfig/frontend.rps",
                "- value: 2400\n- value: 3000\n  constraints:\n    region: eu-west\n",
            ),
        ],
        // A v1.28 config in the file; the servers run v1.30 and etcd holds
        // its config.
        "upgrades.md" => vec![Sh(
            "cp prod.yaml v130.yaml
             printf '%s\\n' 'component.scheduler.tweakables:' '  - value:' '      DefaultCatchupWindow: 1h' \\
                 'frontend.httpAllowedHosts:' '  - value: []' 'system.enableNexus:' '  - value: true' >> prod.yaml
             printf '%s\\n' 'chasm.scheduler.tweakables:' '  - value:' '      DefaultCatchupWindow: 1h' \\
                 'system.enableNexus:' '  - value: true' >> v130.yaml
             tcfg --temporal-version 1.30 apply --yes -f v130.yaml -m 'the v1.30 config' >/dev/null
             rm v130.yaml",
        )],
        _ => vec![],
    }
}

/// What the guide calls each etcd's endpoint (the test's own ports read
/// as these).
fn endpoint_names(guide: &str) -> &'static [&'static str] {
    match guide {
        "clusters.md" => &[
            "etcd-1.use1.example.com:2379",
            "etcd-1.euw1.example.com:2379",
            "etcd-1.aps1.example.com:2379",
        ],
        _ => &["127.0.0.1:2379"],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcript_of_the_guides_runs_as_shown() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin_dir = assert_cmd::cargo::cargo_bin("tcfg").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut guides: Vec<_> = std::fs::read_dir(repo.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    guides.sort();
    let host = tcfg_core::changes::intent::host_name().unwrap_or_default();
    let mut ran = 0;
    let mut failures = Vec::new();
    for guide in guides {
        let name = guide.file_name().unwrap().to_str().unwrap().to_string();
        // While writing a guide: TRANSCRIPTS_OF=renderer.md runs only its own.
        if std::env::var("TRANSCRIPTS_OF").is_ok_and(|only| only != name) {
            continue;
        }
        let blocks = transcripts(&std::fs::read_to_string(&guide).unwrap());
        if blocks.is_empty() {
            continue;
        }
        let clusters: Vec<EtcdCluster> = (0..endpoint_names(&name).len())
            .map(|_| EtcdCluster::single())
            .collect();
        let dir = tempfile::tempdir().unwrap();
        copy_examples(&repo.join("examples"), dir.path());
        let environment = |c: &mut std::process::Command| {
            for (k, _) in std::env::vars() {
                let ci = ["GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL"].contains(&k.as_str());
                if k.starts_with("TCFG_") || k.starts_with("ETCD") || k == "NO_COLOR" || k == "COMPLETE" || ci {
                    c.env_remove(k);
                }
            }
            c.current_dir(dir.path())
                .env("PATH", &path)
                .env("TCFG_ENDPOINTS", clusters[0].endpoints())
                .env("TCFG_COLOR", "never")
                .env("XDG_CONFIG_HOME", dir.path().join("config"))
                .env("HOME", dir.path())
                .env("USER", "alice")
                .env("TERM", "xterm");
            if name == "clusters.md" {
                // Its config file names the clusters.
                c.env_remove("TCFG_ENDPOINTS");
            }
            for (i, cluster) in clusters.iter().enumerate() {
                c.env(format!("ETCD_{}", i + 1), cluster.endpoints());
            }
        };
        for step in set_up(&name) {
            match step {
                SetUp::Sh(script) => {
                    let mut c = std::process::Command::new("bash");
                    environment(&mut c);
                    let o = c.args(["-e", "-c", script]).output().unwrap();
                    assert!(
                        o.status.success(),
                        "{name}: the set-up failed: {}{}",
                        stdout(&o),
                        stderr(&o)
                    );
                }
                SetUp::Raw(key, value) => {
                    raw_put(&clusters[0], key, value).await;
                }
            }
        }
        for step in blocks.into_iter().flatten() {
            let mut c = std::process::Command::new("bash");
            environment(&mut c);
            c.args(["-c", &step.command]);
            // As wide as a wide terminal, so tables keep a row a line.
            let mut pty = Pty::spawn_sized(c, 50, 160);
            if let Some(answer) = step.shown.iter().find_map(|l| l.split_once("[y/N] ").map(|(_, a)| a)) {
                if pty.shows_before_exit("[y/N]") {
                    pty.wait_for_echo(false);
                    pty.send(&answer.as_bytes()[..1]);
                }
            }
            let (status, shown) = pty.wait();
            // This machine's name reads as the guides' `ops-1`.
            let mut shown = shown.replace('\r', "");
            if !host.is_empty() {
                shown = shown.replace(&host, "ops-1");
            }
            for (cluster, shown_as) in clusters.iter().zip(endpoint_names(&name)) {
                shown = shown.replace(&cluster.endpoints(), shown_as);
            }
            let code = status.code().unwrap_or(-1);
            let errs = step.shown.iter().any(|l| l.starts_with("error"));
            let where_ = format!("docs/{name}:{}: $ {}", step.line, step.command);
            if errs && code == 0 || !errs && code != 0 && code != 2 {
                failures.push(format!("{where_}\nexit {code}:\n{shown}"));
            } else if let Some(line) = unmatched(&step.shown, &shown) {
                failures.push(format!("{where_}\nnever shown: {line}\nthe terminal showed:\n{shown}"));
            }
            ran += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        ran >= 10 || std::env::var("TRANSCRIPTS_OF").is_ok(),
        "only {ran} commands ran"
    );
}

/// The repository's example files, in a guide's directory as in the
/// repository (`examples/...`), `prod.yaml` also at the top.
fn copy_examples(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("examples")).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, to.join("examples").join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(from.join("prod.yaml"), to.join("prod.yaml")).unwrap();
}
