//! parse(serialise(doc)) == doc for arbitrary documents, and a second YAML
//! reader (libyaml-based yaml_serde) reads our canonical text the same way.

use proptest::prelude::*;
use tcfg_core::model::serialize::{canonical_order, document_to_yaml, items_to_yaml};
use tcfg_core::serving::compact::CompactItems;
use tcfg_core::temporal::resolve::resolve_items;
use tcfg_core::{
    parse_document, parse_items, ConstrainedValue, Constraints, Document, HistoryTaskType, Key, Registry,
    TaskQueueType, Value,
};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Strings that look like other YAML types, and durations.
        prop::sample::select(vec![
            "true",
            "yes",
            "on",
            "Off",
            "null",
            "~",
            "10",
            "0777",
            "0x1F",
            "1e3",
            "1_000",
            ".inf",
            "10s",
            "1m30s",
            "-5",
            "2001-12-14",
            "1:30",
            "a: b",
            "#x",
            "- x",
            "*",
            "&a",
            "!t",
            "%p",
            "@x",
            "`x",
            "'q'",
            "\"q\"",
            "<<",
            " lead",
            "trail ",
            "multi\nline",
            "tab\there",
            "{{.NamespaceName}}",
            "a,b",
            "[x]",
            "{y}",
            "caf\u{e9}",
            "\u{1F600}",
        ])
        .prop_map(String::from),
        any::<String>(),
        "[a-zA-Z0-9._/-]{1,20}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(Value::Float),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::btree_map(text(), inner, 0..4).prop_map(Value::Map),
        ]
    })
}

fn non_empty_text() -> impl Strategy<Value = String> {
    text().prop_filter("constraints are never empty strings", |s| !s.is_empty())
}

fn constraints() -> impl Strategy<Value = Constraints> {
    (
        prop::option::of(non_empty_text()),
        prop::option::of(non_empty_text()),
        prop::option::of(non_empty_text()),
        prop::option::of(prop_oneof![1..4i32, 4..1000i32].prop_map(TaskQueueType)),
        prop::option::of(prop_oneof![1..35i32, 35..1000i32, -1000..0i32].prop_map(HistoryTaskType)),
        prop::option::of(any::<i32>().prop_filter("0 means unset", |n| *n != 0)),
        prop::option::of(non_empty_text()),
        prop::option::of(non_empty_text()),
    )
        .prop_map(|(ns, nsid, tq, tt, htt, shard, dest, chasm)| Constraints {
            namespace: ns,
            namespace_id: nsid,
            task_queue_name: tq,
            task_type: tt,
            history_task_type: htt,
            shard_id: shard,
            destination: dest,
            chasm_task_type: chasm,
        })
}

fn item() -> impl Strategy<Value = ConstrainedValue> {
    (value(), constraints()).prop_map(|(v, c)| ConstrainedValue::new(v, c))
}

fn document() -> impl Strategy<Value = Document> {
    prop::collection::btree_map(non_empty_text(), prop::collection::vec(item(), 0..4), 0..6).prop_map(|m| {
        let mut doc = Document::new("gen");
        let mut seen = std::collections::HashSet::new();
        for (k, items) in m {
            let key = Key::new(k);
            if seen.insert(key.clone()) {
                doc.insert(key, items);
            }
        }
        doc
    })
}

/// The document as the serialiser orders it.
fn canonical(doc: &Document) -> Document {
    let mut out = Document::new(doc.origin.clone());
    let mut entries: Vec<_> = doc.entries.iter().collect();
    entries.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.key.as_str().cmp(b.key.as_str())));
    for e in entries {
        out.insert(e.key.clone(), canonical_order(&e.items).into_iter().cloned().collect());
    }
    out
}

fn to_json_via_yaml_serde(text: &str) -> serde_json::Value {
    let v: serde_yaml::Value = serde_yaml::from_str(text).expect("yaml_serde reads our output");
    serde_json::to_value(v).expect("converts to JSON")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn documents_round_trip(doc in document()) {
        let text = document_to_yaml(&doc);
        let parsed = parse_document("gen", &text);
        prop_assert!(parsed.findings.is_empty(), "findings {:?} for\n{}", parsed.findings, text);
        prop_assert_eq!(&parsed.value, &canonical(&doc), "text was\n{}", text);
        // Serialising again gives the same text: one form per meaning.
        prop_assert_eq!(document_to_yaml(&parsed.value), text);
    }

    #[test]
    fn stored_lists_round_trip(items in prop::collection::vec(item(), 0..5)) {
        let text = items_to_yaml(&items);
        let parsed = parse_items("etcd", "k", &text);
        prop_assert!(parsed.findings.is_empty(), "{:?}\n{}", parsed.findings, text);
        let expected: Vec<ConstrainedValue> = canonical_order(&items).into_iter().cloned().collect();
        prop_assert_eq!(parsed.value, expected, "text was\n{}", text);
    }

    #[test]
    fn compact_items_decode_and_resolve_as_parsed(
        items in prop::collection::vec(item(), 0..6),
        scopes in prop::collection::vec(constraints(), 1..4),
    ) {
        let compact = CompactItems::encode(&items);
        // Text compares NaN equal to itself; decoding loses only positions.
        prop_assert_eq!(items_to_yaml(&compact.decode()), items_to_yaml(&items));
        prop_assert_eq!(CompactItems::encode(&compact.decode()), compact.clone());
        let registry = Registry::for_version(None).unwrap();
        for key in ["matching.numTaskqueueReadPartitions", "history.defaultActivityRetryPolicy", "frontend.namespaceRPS"] {
            let def = registry.get(key).unwrap();
            // Scopes equal to stored constraints, so items do match.
            for scope in scopes.iter().chain(items.iter().map(|i| &i.constraints)) {
                prop_assert_eq!(
                    format!("{:?}", compact.resolve(def, scope)),
                    format!("{:?}", resolve_items(&items, def, scope)),
                    "{} for {}", key, scope
                );
            }
        }
    }

    #[test]
    fn a_libyaml_reader_agrees_on_values(v in value()) {
        // Only values both readers type alike: yaml_serde has no octal `0777`
        // and reads big floats differently, but our output never needs those.
        let items = vec![ConstrainedValue::new(v.clone(), Constraints::default())];
        let text = items_to_yaml(&items);
        let ours = parse_items("etcd", "k", &text).value[0].value.to_json();
        let theirs = to_json_via_yaml_serde(&text)[0]["value"].clone();
        prop_assert!(json_equal(&ours, &theirs), "ours {} theirs {} for\n{}", ours, theirs, text);
    }
}

fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64() && x.is_f64() == y.is_f64(),
        // JSON has no infinity: ours writes ".inf" as a string, theirs null.
        (J::String(s), J::Null) if s.ends_with("inf") => true,
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b)),
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn a_known_document_serialises_canonically() {
    let text = "Frontend.RPS:\n- constraints: {}\n  value: 10\nhistory.defaultActivityRetryPolicy:\n- value: {MaximumAttempts: 3, InitialIntervalInSeconds: 1s}\nfrontend.namespaceRPS:\n- value: 1\n- value: 2\n  constraints: {namespace: \"true\"}\n";
    let doc = parse_document("t", text).value;
    assert_eq!(
        document_to_yaml(&doc),
        "frontend.namespaceRPS:\n  - value: 2\n    constraints:\n      namespace: \"true\"\n  - value: 1\nFrontend.RPS:\n  - value: 10\nhistory.defaultActivityRetryPolicy:\n  - value:\n      InitialIntervalInSeconds: 1s\n      MaximumAttempts: 3\n"
    );
}
