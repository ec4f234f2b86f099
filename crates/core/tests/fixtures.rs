//! Every fixture under tests/fixtures is validated, and its findings must be
//! exactly the `# expect: <code> <line>:<col>` lines it carries (`# expect:
//! nothing` for a clean file; JSON fixtures, which cannot carry comments,
//! must be clean). `# with: --allow-unknown-keys` validates as that flag
//! does. Every finding code must be exercised by some fixture.

use std::collections::BTreeSet;
use std::path::Path;

use tcfg_core::temporal::validate::{check_source, Options};
use tcfg_core::{Code, Registry};

fn expectations(text: &str) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut any = false;
    for line in text.lines() {
        if let Some(e) = line.strip_prefix("# expect: ") {
            any = true;
            if e.trim() != "nothing" {
                out.insert(e.trim().to_string());
            }
        }
    }
    any.then_some(out)
}

#[test]
fn fixtures_produce_exactly_their_expected_findings() {
    let registry = Registry::for_version(None).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen_codes = BTreeSet::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = match expectations(&text) {
            Some(e) => e,
            None if name.ends_with(".json") => BTreeSet::new(),
            None => panic!("{name} has no `# expect:` lines"),
        };
        let opts = Options {
            allow_unknown_keys: text.lines().any(|l| l == "# with: --allow-unknown-keys"),
            ..Default::default()
        };
        let (_, findings) = check_source(&name, &text, &registry, &opts);
        let actual: BTreeSet<String> = findings
            .iter()
            .map(|f| format!("{} {}:{}", f.code, f.line, f.column))
            .collect();
        assert_eq!(
            actual, expected,
            "{name}: findings differ from its expectations\n{findings:#?}"
        );
        for f in &findings {
            seen_codes.insert(f.code);
            assert_eq!(f.origin, name);
            assert!(f.line > 0, "{name}: {f} has no line");
            assert!(!f.message.is_empty());
            assert!(
                f.hint.as_deref().is_some_and(|h| !h.is_empty() && !h.contains('\n')),
                "{name}: {f} has no one-line hint"
            );
            assert!(
                f.key.is_some()
                    || matches!(
                        f.code,
                        Code::YamlSyntax | Code::YamlLimit | Code::NotAMap | Code::DuplicateKey | Code::SecondDocument
                    ),
                "{name}: {f} names no key"
            );
        }
        count += 1;
    }
    assert!(count >= 20, "only {count} fixtures found");
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !seen_codes.contains(c) && !c.of_a_change())
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "finding codes no fixture exercises: {missing:?}");
}

#[test]
fn every_finding_carries_a_hint_where_one_helps() {
    let registry = Registry::for_version(None).unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/never-matches.yaml"))
        .unwrap();
    let (_, findings) = check_source("never-matches.yaml", &text, &registry, &Options::default());
    assert!(findings.iter().all(|f| f.hint.is_some()));
}

#[test]
fn unknown_keys_become_warnings_on_request() {
    let registry = Registry::for_version(None).unwrap();
    let text = "my.company.feature:\n  - value: true\n";
    let (_, f) = check_source(
        "x",
        text,
        &registry,
        &Options {
            allow_unknown_keys: true,
            ..Default::default()
        },
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].level, tcfg_core::Level::Warning);
}
