//! Every command the README and the guides show runs as shown: each
//! ```` ```sh ```` block (not those marked ```` ```sh norun ````: the set-up
//! scripts themselves, etcdctl's role grants) runs in bash with `set -e`,
//! in order, in one directory per document, against a private etcd.

use crate::common::*;

use std::path::Path;

use tcfg_testkit::EtcdCluster;

/// The ```` ```sh ```` blocks of a Markdown text, in order, with the line
/// each starts on.
fn sh_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    // The block's lines lose the fence's own indentation (a block inside a
    // list item), nothing more: a here-document's YAML keeps its own.
    let mut open: Option<(usize, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        let indent = line.len() - fence.len();
        match &mut open {
            None if fence == "```sh" => open = Some((i + 1, indent, String::new())),
            Some(_) if fence == "```" => {
                let (at, _, body) = open.take().unwrap();
                blocks.push((at, body));
            }
            Some((_, by, body)) => {
                let cut = line.len() - line.trim_start().len();
                body.push_str(&line[cut.min(*by)..]);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn documents() -> Vec<std::path::PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![repo.join("README.md")];
    let mut guides: Vec<_> = std::fs::read_dir(repo.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    guides.sort();
    docs.extend(guides);
    docs
}

#[test]
fn the_block_reader_finds_runnable_blocks_only() {
    let text = "a\n```sh\ntcfg get x\n```\n```sh norun\nscripts/test\n```\n```console\n$ tcfg y\n```\n   ```sh\n   tcfg z\n   ```\n";
    let blocks = sh_blocks(text);
    assert_eq!(
        blocks,
        vec![(2, "tcfg get x\n".to_string()), (11, "tcfg z\n".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_block_of_the_readme_and_the_guides_runs() {
    let bin_dir = assert_cmd::cargo::cargo_bin("tcfg").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut ran = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let blocks = sh_blocks(&text);
        if blocks.is_empty() {
            continue;
        }
        let cluster = EtcdCluster::single();
        let dir = tempfile::tempdir().unwrap();
        for (line, body) in blocks {
            let mut c = std::process::Command::new("bash");
            for (k, _) in std::env::vars() {
                if k.starts_with("TCFG_") || k.starts_with("ETCD") || k == "COMPLETE" {
                    c.env_remove(k);
                }
            }
            let o = c
                .args(["-e", "-o", "pipefail", "-c", &body])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env("TCFG_ENDPOINTS", cluster.endpoints())
                .env("XDG_CONFIG_HOME", dir.path().join("config"))
                .env("HOME", dir.path())
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{}:{line}: the block failed ({}):\n{body}\n--- stdout\n{}\n--- stderr\n{}",
                doc.display(),
                o.status,
                stdout(&o),
                stderr(&o)
            );
            ran += 1;
        }
    }
    assert!(ran >= 6, "only {ran} blocks ran");
}

/// Every relative link of the README and the guides names a file that
/// exists, and an anchor that one of its headings makes.
#[test]
fn every_link_of_the_readme_and_the_guides_resolves() {
    fn anchors(text: &str) -> Vec<String> {
        let mut in_code = false;
        text.lines()
            .filter(|l| {
                if l.trim_start().starts_with("```") {
                    in_code = !in_code;
                }
                !in_code && l.starts_with('#')
            })
            .map(|l| {
                l.trim_start_matches('#')
                    .trim()
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect()
            })
            .collect()
    }
    let mut broken = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let base = doc.parent().unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if target.starts_with("http") || target.contains(' ') {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() { doc.clone() } else { base.join(file) };
            if !path.exists() {
                broken.push(format!("{}: {target}", doc.display()));
            } else if !anchor.is_empty() && path.is_file() {
                let heads = anchors(&std::fs::read_to_string(&path).unwrap());
                if !heads.iter().any(|h| h == anchor) {
                    broken.push(format!("{}: {target} (no such heading)", doc.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
