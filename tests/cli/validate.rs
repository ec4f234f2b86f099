//! `tcfg validate` with no etcd: findings as a compiler reports them, JSON
//! reports, registries per release or from a schema file, hostile files.

use predicates::prelude::*;

use crate::offline::fixture;
use crate::offline::tcfg;
use crate::offline::write_temp;

#[test]
fn validate_accepts_a_valid_file() {
    tcfg()
        .args(["validate", "-f"])
        .arg(fixture("development.yaml"))
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(
            "development.yaml: valid: no errors, no warnings, no notes (Temporal v1.31.2)",
        ));
}

#[test]
fn validate_reports_compiler_style_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(
        &dir,
        "prod.yaml",
        "frontend.rps:\n  - value: 5\n    constraints:\n      namespace: a\n",
    );
    tcfg()
        .current_dir(dir.path())
        .args(["validate", "-f", "prod.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[never-matches]: prod.yaml:3:5: frontend.rps: ",
        ))
        .stderr(predicate::str::contains("3 |     constraints:"))
        .stderr(predicate::str::contains("= hint: frontend.rps is a global setting"))
        .stderr(predicate::str::contains("prod.yaml: invalid: 1 error"));
    drop(f);
}

#[test]
fn validate_reads_stdin() {
    tcfg()
        .args(["validate", "-f", "-"])
        .write_stdin("frontend.rps:\n- value: 255.0\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error[type-mismatch]: <stdin>:2:10: frontend.rps: expected an int",
        ));
}

#[test]
fn validate_json_report_is_machine_readable() {
    let out = tcfg()
        .args(["validate", "-o", "json", "-f"])
        .arg(fixture("never-matches.yaml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["summary"]["errors"], 4);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "never-matches");
    assert_eq!(f["level"], "error");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 5);
    assert_eq!(f["key"], "frontend.rps");
    assert!(f["file"].as_str().unwrap().ends_with("never-matches.yaml"));
    assert!(f["hint"].as_str().is_some());
}

#[test]
fn warnings_fail_only_with_strict_and_notes_never() {
    tcfg()
        .args(["validate", "-f"])
        .arg(fixture("zero-rate-limit.yaml"))
        .assert()
        .code(0);
    tcfg()
        .args(["validate", "--strict", "-f"])
        .arg(fixture("zero-rate-limit.yaml"))
        .assert()
        .code(1);
    tcfg()
        .args(["validate", "--strict", "-f"])
        .arg(fixture("shadowed-by-builtin.yaml"))
        .assert()
        .code(0);
}

#[test]
fn unknown_keys_can_be_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(&dir, "c.yaml", "mycompany.featureFlag:\n- value: true\n");
    tcfg().args(["validate", "-f"]).arg(&f).assert().code(1);
    tcfg()
        .args(["validate", "--allow-unknown-keys", "-f"])
        .arg(&f)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("warning[unknown-key]"));
}

#[test]
fn temporal_version_selects_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let f = write_temp(&dir, "c.yaml", "chasm.callback.allowedAddresses:\n- value: []\n");
    tcfg().args(["validate", "-f"]).arg(&f).assert().code(0);
    tcfg()
        .args(["validate", "--temporal-version", "1.27", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("added in v1.30"));
    tcfg()
        .env("TCFG_TEMPORAL_VERSION", "v1.27.4")
        .args(["validate", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Temporal v1.27.4"));
    tcfg()
        .args(["validate", "--temporal-version", "1.99", "-f"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: unknown Temporal version \"1.99\": tcfg knows 1.27, 1.28, 1.29, 1.30, 1.31 (use --schema FILE for another release)",
        ));
}

#[test]
fn a_custom_schema_file_replaces_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let schema = write_temp(
        &dir,
        "s.tsv",
        "key\ttype\tprecedence\tdefault\tconstrained_defaults\nacme.widgets\tint\tnamespace\t3\t\n",
    );
    let f = write_temp(
        &dir,
        "c.yaml",
        "acme.widgets:\n- value: 4\n  constraints: {namespace: a}\n",
    );
    tcfg()
        .arg("--schema")
        .arg(&schema)
        .args(["validate", "-f"])
        .arg(&f)
        .assert()
        .code(0);
    tcfg()
        .arg("--schema")
        .arg(&schema)
        .args(["keys", "acme.widgets", "-o", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"precedence\": \"namespace\""));
    let bad = write_temp(&dir, "bad.tsv", "acme.widgets\tinteger\tnamespace\n");
    tcfg()
        .arg("--schema")
        .arg(&bad)
        .args(["keys"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.tsv:1: unknown type \"integer\""));
}

#[test]
fn several_files_form_one_config() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(&dir, "a.yaml", "frontend.rps:\n- value: 1\n");
    let b = write_temp(&dir, "b.yaml", "frontend.RPS:\n- value: 2\n");
    tcfg()
        .args(["validate", "-f"])
        .arg(&a)
        .arg("-f")
        .arg(&b)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[duplicate-key]"))
        .stderr(predicate::str::contains("2 files: invalid"));
}

#[test]
fn a_schema_default_of_the_wrong_type_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let schema = write_temp(&dir, "s.tsv", "custom.limit\tint\tglobal\tlots\t\n");
    tcfg()
        .arg("--schema")
        .arg(&schema)
        .arg("keys")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not fit the type int"));
}

#[test]
fn an_unreadable_file_is_still_a_json_report() {
    let o = tcfg()
        .args(["validate", "-o", "json", "-f", "/nonexistent/dc.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["unreadable"][0]["file"], "/nonexistent/dc.yaml");
}

#[test]
fn a_hostile_config_file_is_refused_cheaply() {
    let dir = tempfile::tempdir().unwrap();
    let laughs = tcfg_testkit::hostile::laughs().replace("- value:\n", "etcdConfigs:\n");
    let config = write_temp(&dir, "config.yaml", &laughs);
    let o = tcfg()
        .arg("--config")
        .arg(&config)
        .args(["get", "frontend.rps"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("expands aliases excessively"), "{err}");
}

#[test]
fn utf16_files_are_read_as_yaml_v3_reads_them_and_other_bytes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "frontend.namespaceRPS:\n  - value: 5\n";
    for (name, bom, unit) in [
        ("le.yaml", [0xFF, 0xFE], u16::to_le_bytes as fn(u16) -> [u8; 2]),
        ("be.yaml", [0xFE, 0xFF], u16::to_be_bytes as fn(u16) -> [u8; 2]),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(unit));
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        tcfg()
            .args(["validate", "-f"])
            .arg(&p)
            .assert()
            .code(0)
            .stderr(predicate::str::contains("valid: no errors"));
    }
    let p = dir.path().join("latin1.yaml");
    std::fs::write(&p, b"frontend.namespaceRPS:\n  - value: caf\xe9\n").unwrap();
    tcfg()
        .args(["validate", "-f"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot decode the text of"))
        .stderr(predicate::str::contains(
            "byte 0xe9 at line 2, column 15 is not UTF-8 (a UTF-16 file needs its byte-order mark); Temporal rejects the whole file",
        ));
    // UTF-32 is named: yaml.v3 would report a control character instead.
    let p = dir.path().join("utf32.yaml");
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(
            "frontend.namespaceRPS:\n  - value: 1\n"
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes()),
        )
        .collect();
    std::fs::write(&p, utf32).unwrap();
    tcfg()
        .args(["validate", "-f"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("UTF-32 text (little-endian byte-order mark)"));
}
