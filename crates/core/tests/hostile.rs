//! Hostile stored values: whatever a key in etcd holds, the library judges it
//! as Temporal's YAML parser (yaml.v3) does, cheaply, and never crashes: no
//! unbounded alias expansion, no recursion that outgrows a thread's stack,
//! nothing quadratic. Each value is a stored list of items, as `put` or
//! another tool could leave it.

use tcfg_core::compact::CompactItems;
use tcfg_core::document::parse_items;
use tcfg_core::serialize::items_to_yaml;
use tcfg_core::validate::{validate, Options};
use tcfg_core::{Code, Constraints, Document, Key, Registry};

/// What yaml.v3 does with a value (checked against Temporal's own loader
/// when these cases were written).
#[derive(Debug, PartialEq)]
enum Verdict {
    Accepted,
    Refused(Code),
}

fn item(value: &str) -> String {
    format!("- value: {value}\n")
}

/// Ten times as much at every level: 10^9 copies of `x` once expanded, in
/// under a kilobyte.
fn laughs() -> String {
    let mut text = String::from("- value:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        text.push_str(&format!(
            "    {n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
        prev = n;
    }
    text
}

/// Anchors that each nest the one before 1,000 levels deeper: a value
/// 20,000 levels deep from 40 KB, which yaml.v3 accepts.
fn deep_by_aliases() -> String {
    let mut text = String::from("- value:\n");
    for i in 0..20 {
        let inner = if i == 0 {
            "x".to_string()
        } else {
            format!("*a{}", i - 1)
        };
        text.push_str(&format!(
            "    - &a{i} {}{inner}{}\n",
            "[".repeat(1000),
            "]".repeat(1000)
        ));
    }
    text
}

/// Each map merges the one before: quadratic copying, unless counted.
fn merge_chain() -> String {
    let mut text = String::from("- value:\n    m0: &m0 {k0: 0}\n");
    for i in 1..2000 {
        text.push_str(&format!("    m{i}: &m{i} {{<<: *m{}, k{i}: {i}}}\n", i - 1));
    }
    text
}

fn hostile() -> Vec<(&'static str, String, Verdict)> {
    use Verdict::*;
    // A stored list is at depth 1 and its item at 2: a value's own levels
    // start at 3.
    let block = |n: usize| format!("- value:\n    {}x\n", "- ".repeat(n - 2));
    vec![
        ("alias bomb", laughs(), Refused(Code::YamlLimit)),
        ("anchor inside itself", item("&a [1, *a]"), Refused(Code::YamlSyntax)),
        ("merge chain", merge_chain(), Refused(Code::YamlLimit)),
        (
            "10,000 flow levels",
            item(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
            Accepted,
        ),
        (
            "10,001 flow levels",
            item(&format!("{}{}", "[".repeat(10_001), "]".repeat(10_001))),
            Refused(Code::YamlLimit),
        ),
        (
            "10,000 nested flow maps",
            item(&format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000))),
            Accepted,
        ),
        ("10,000 block levels", block(10_000), Accepted),
        ("10,001 block levels", block(10_001), Refused(Code::YamlLimit)),
        (
            "10,000 block levels holding 10,000 flow levels",
            format!(
                "- value:\n    {}{}{}\n",
                "- ".repeat(9_998),
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
            // Temporal reads it; tcfg could not write it back within
            // yaml.v3's limits, so validation refuses it (on purpose).
            Accepted,
        ),
        ("20,000 levels through aliases", deep_by_aliases(), Accepted),
        (
            "80,000 items",
            (0..80_000).map(|i| item(&i.to_string())).collect(),
            Accepted,
        ),
        (
            "a list of 200,000 scalars",
            item(&format!("[{}]", vec!["1"; 200_000].join(", "))),
            Accepted,
        ),
    ]
}

/// How many scalars and collections a value holds.
fn nodes(v: &tcfg_core::Value) -> usize {
    let mut count = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        count += 1;
        match v {
            tcfg_core::Value::List(items) => stack.extend(items),
            tcfg_core::Value::Map(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    count
}

/// Parse, validate, write, encode for the watch cache, resolve, clone,
/// compare and drop: everything a process embedding the library does with
/// a stored value.
fn exercise(name: &str, text: &str, verdict: &Verdict, registry: &Registry) {
    let parsed = parse_items("etcd", "frontend.namespaceRPS", text);
    let refused = parsed
        .findings
        .iter()
        .find(|f| f.level == tcfg_core::Level::Error)
        .map(|f| f.code);
    match verdict {
        Verdict::Refused(code) => {
            assert_eq!(refused, Some(*code), "{name}: {:?}", parsed.findings);
            return;
        }
        Verdict::Accepted => assert_eq!(refused, None, "{name}: {:?}", parsed.findings),
    }
    let items = parsed.value;
    let mut doc = Document::new("etcd");
    doc.insert(Key::new("frontend.namespaceRPS"), items.clone());
    let findings = validate(&doc, registry, &Options::default());
    let deep = items
        .iter()
        .any(|i| i.value.depth() > tcfg_core::serialize::MAX_WRITABLE_DEPTH);
    assert_eq!(
        findings.iter().any(|f| f.code == Code::YamlLimit),
        deep,
        "{name}: {findings:?}"
    );
    let written = items_to_yaml(&items);
    // Linear in what the value holds (aliases expanded), however it nests.
    let nodes: usize = items.iter().map(|i| nodes(&i.value)).sum();
    assert!(
        written.len() < 8 * nodes + 2 * text.len(),
        "{name}: {} bytes written for {nodes} nodes",
        written.len()
    );
    if !deep {
        let back = parse_items("etcd", "frontend.namespaceRPS", &written);
        assert!(back.findings.is_empty(), "{name}: {:?}", back.findings);
        assert!(back.value == items, "{name}: reads back as something else");
    }
    let compact = CompactItems::encode(&items);
    assert!(compact.decode() == items, "{name}: the cache's encoding differs");
    let def = registry.get("frontend.namespaceRPS").unwrap();
    let _ = compact.resolve(def, &Constraints::default());
    let copy = items.clone();
    assert!(copy == items);
    drop(copy);
    let _ = format!("{:?}", items.first());
    let _ = items.first().map(|i| i.value.to_string());
    let _ = serde_json::to_string(&items).unwrap();
}

#[test]
fn hostile_values_are_judged_as_yaml_v3_judges_them_on_a_small_stack() {
    let registry = Registry::for_version(None).unwrap();
    let cases = hostile();
    // A thread with a small stack, as a service embedding the library may
    // run it on: depth must cost heap, not stack.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for (name, text, verdict) in &cases {
                let start = std::time::Instant::now();
                exercise(name, text, verdict, &registry);
                eprintln!("{name}: {:?}", start.elapsed());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_same_values_in_a_file_are_judged_alike() {
    let registry = Registry::for_version(None).unwrap();
    for (name, text, verdict) in hostile().into_iter().take(8) {
        let indented: String = text.lines().map(|l| format!("  {l}\n")).collect();
        let file = format!("frontend.namespaceRPS:\n{indented}");
        let (_, findings) = tcfg_core::validate::check_source("f.yaml", &file, &registry, &Options::default());
        let limit = findings
            .iter()
            .any(|f| matches!(f.code, Code::YamlLimit | Code::YamlSyntax));
        // One level more in a file (its key's map): the edge cases move by one.
        if !name.starts_with("10,00") {
            assert_eq!(limit, verdict != Verdict::Accepted, "{name}: {findings:?}");
        }
    }
}
