//! Hostile stored values: whatever a key in etcd holds, the library judges it
//! as Temporal's YAML parser (yaml.v3) does, cheaply, and never crashes: no
//! unbounded alias expansion, no recursion that outgrows a thread's stack,
//! nothing quadratic. Each value is a stored list of items, as `put` or
//! another tool could leave it.

use tcfg_core::model::parse::parse_items;
use tcfg_core::model::serialize::items_to_yaml;
use tcfg_core::serving::compact::CompactItems;
use tcfg_core::temporal::validate::{validate, Options};
use tcfg_core::{Code, Constraints, Document, Key, Registry};
use tcfg_testkit::hostile::{self, Verdict};

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
        .map(|f| f.code.as_str());
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
        .any(|i| i.value.depth() > tcfg_core::model::serialize::MAX_WRITABLE_DEPTH);
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
    let cases = hostile::values();
    // A thread with a small stack, as a service embedding the library may
    // run it on: depth must cost heap, not stack.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for h in &cases {
                let start = std::time::Instant::now();
                exercise(h.name, &h.text, &h.verdict, &registry);
                eprintln!("{}: {:?}", h.name, start.elapsed());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_same_values_in_a_file_are_judged_alike() {
    let registry = Registry::for_version(None).unwrap();
    for h in hostile::values().into_iter().take(8) {
        let (name, verdict) = (h.name, h.verdict);
        let indented: String = h.text.lines().map(|l| format!("  {l}\n")).collect();
        let file = format!("frontend.namespaceRPS:\n{indented}");
        let (_, findings) =
            tcfg_core::temporal::validate::check_source("f.yaml", &file, &registry, &Options::default());
        let limit = findings
            .iter()
            .any(|f| matches!(f.code, Code::YamlLimit | Code::YamlSyntax));
        // One level more in a file (its key's map): the edge cases move by one.
        if !name.starts_with("10,00") {
            assert_eq!(limit, verdict != Verdict::Accepted, "{name}: {findings:?}");
        }
    }
}
