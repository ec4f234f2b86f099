//! One test per rule of how Temporal reads dynamic config (the project's
//! reference, "How Temporal reads dynamic config", read from Temporal
//! v1.31.2's source). Each test is named after the rule it pins down.

use tcfg_core::temporal::validate::{check_source, Options};
use tcfg_core::{parse_document, resolve, Code, Constraints, Key, Level, Registry, Source, Value};

fn registry() -> Registry {
    Registry::for_version(None).unwrap()
}

fn codes_for(registry: &Registry, text: &str) -> Vec<Code> {
    check_source("t.yaml", text, registry, &Options::default())
        .1
        .iter()
        .map(|f| f.code)
        .collect()
}

fn codes(text: &str) -> Vec<Code> {
    codes_for(&registry(), text)
}

fn errors(text: &str) -> Vec<Code> {
    check_source("t.yaml", text, &registry(), &Options::default())
        .1
        .iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| f.code)
        .collect()
}

fn lookup(text: &str, key: &str, scope: Constraints) -> (Value, Source) {
    let doc = parse_document("t.yaml", text).value;
    let r = resolve(&doc, &registry(), &Key::new(key), &scope).unwrap();
    (r.value, r.source)
}

fn ns(n: &str) -> Constraints {
    Constraints {
        namespace: Some(n.into()),
        ..Default::default()
    }
}

// ## Format

#[test]
fn a_file_is_a_map_from_key_to_list_in_yaml_or_json() {
    assert!(codes("frontend.rps:\n- value: 1\n").is_empty());
    assert!(codes("{\"frontend.rps\": [{\"value\": 1}]}").is_empty());
    assert_eq!(codes("[1]"), [Code::NotAMap]);
}

#[test]
fn key_names_are_case_insensitive() {
    assert!(codes("FRONTEND.rps:\n- value: 1\nhistory.taskdlqerrorpattern:\n- value: x\n").is_empty());
    assert_eq!(
        lookup("Frontend.RPS:\n- value: 9\n", "frontend.rps", Constraints::default()).0,
        Value::Int(9)
    );
}

#[test]
fn item_field_names_are_case_sensitive_and_others_are_ignored() {
    // A misspelled `constraints:` turns the value into a catch-all.
    let text = "frontend.namespaceRPS:\n- value: 5\n  Constraints: {namespace: a}\n";
    assert_eq!(codes(text), [Code::UnknownItemField]);
    assert_eq!(lookup(text, "frontend.namespaceRPS", ns("other")).0, Value::Int(5));
    // A misspelled `value:` gives nil.
    let doc = parse_document("t", "frontend.rps:\n- Value: 5\n").value;
    assert_eq!(doc.entries[0].items[0].value, Value::Null);
}

#[test]
fn constraints_omitted_null_or_empty_mean_none() {
    for c in ["", "  constraints:\n", "  constraints: {}\n", "  constraints: ~\n"] {
        let doc = parse_document("t", &format!("frontend.rps:\n- value: 1\n{c}")).value;
        assert!(doc.entries[0].items[0].constraints.is_empty(), "{c:?}");
    }
}

#[test]
fn constraint_names_are_case_insensitive_and_unknown_ones_reject_the_file() {
    let doc = parse_document(
        "t",
        "frontend.namespaceRPS:\n- value: 1\n  constraints: {NameSpace: a}\n",
    )
    .value;
    assert_eq!(doc.entries[0].items[0].constraints.namespace.as_deref(), Some("a"));
    assert_eq!(
        errors("frontend.namespaceRPS:\n- value: 1\n  constraints: {tenant: a}\n"),
        [Code::UnknownConstraint]
    );
}

/// Temporal's loader switches on Go's `strings.ToLower` of a constraint
/// name: the Kelvin sign lowercases to `k` and `İ` to `i`, so such names
/// name constraints; the long `ſ` and dotless `ı` stay as they are, so
/// such names are unknown and the file is rejected (each checked with
/// Temporal v1.31.2's own loader, `scripts/temporal-judge`).
#[test]
fn constraint_names_fold_as_go_lowercases_them() {
    let kelvin =
        "matching.numTaskqueueReadPartitions:\n- value: 4\n  constraints: {namespace: a, tas\u{212A}QueueName: q}\n";
    assert!(errors(kelvin).is_empty(), "{:?}", codes(kelvin));
    let doc = parse_document("t", kelvin).value;
    assert_eq!(
        doc.entries[0].items[0].constraints.task_queue_name.as_deref(),
        Some("q")
    );
    let dotted = "history.ReplicationTaskProcessorCleanupInterval:\n- value: 1m\n  constraints: {shard\u{130}d: 2}\n";
    assert!(codes(dotted).is_empty(), "{:?}", codes(dotted));
    let doc = parse_document("t", dotted).value;
    assert_eq!(doc.entries[0].items[0].constraints.shard_id, Some(2));
    for unknown in ["\u{17F}hardId", "shard\u{131}d"] {
        let text =
            format!("history.transferProcessorSchedulerWorkerCount:\n- value: 1\n  constraints: {{{unknown}: 2}}\n");
        assert_eq!(errors(&text), [Code::UnknownConstraint], "{unknown}");
    }
}

/// mapstructure matches a typed value's field names with Go's
/// `strings.EqualFold`: the Kelvin sign and the long s fold to `k` and `s`,
/// `İ` does not fold to `i`, so `İnitialIntervalInSeconds` is ignored
/// (Temporal v1.31.2's own decoding, `scripts/temporal-judge`: the lookup
/// keeps InitialInterval at its default, takes the other two).
#[test]
fn typed_field_names_fold_as_go_equal_fold_does() {
    let text = "history.defaultActivityRetryPolicy:\n- value:\n    \u{130}nitialIntervalInSeconds: 5\n    MaximumAttempt\u{17F}: 7\n    Bac\u{212A}offCoefficient: 3\n";
    assert_eq!(codes(text), [Code::IgnoredField]);
}

/// yaml.v3 decodes a `!!binary` scalar into a string as its decoded text,
/// keys included: `? !!binary ZnJvbnRlbmQucnBz` is `frontend.rps`, and
/// `? !!binary dmFsdWU=` is an item's `value`. An item field set twice, so
/// written, or through an alias, is refused by yaml.v3's struct decoding
/// ("field value already set"); a merge is not (checked with Temporal
/// v1.31.2's own loader, `scripts/temporal-judge`).
#[test]
fn binary_keys_are_their_decoded_text_and_an_item_field_is_set_once() {
    assert!(codes("? !!binary ZnJvbnRlbmQucnBz\n: - value: 5\n").is_empty());
    let (v, _) = lookup(
        "frontend.rps:\n- ? !!binary dmFsdWU=\n  : 5\n",
        "frontend.rps",
        Constraints::default(),
    );
    assert_eq!(v, Value::Int(5));
    for twice in [
        "frontend.rps:\n- value: 4\n  ? !!binary dmFsdWU=\n  : 5\n",
        "frontend.rps:\n- value: &v value\n  *v : 2\n",
    ] {
        assert_eq!(errors(twice), [Code::DuplicateKey], "{twice}");
    }
    assert!(errors("frontend.rps:\n- <<: {value: 1}\n  value: 2\n").is_empty());
}

/// A null constraint name cannot be decoded into the constraints map's
/// string key: yaml.v3 leaves the entry out and Temporal loads the item
/// with the other constraints (checked with Temporal v1.31.2's own loader).
#[test]
fn a_null_constraint_name_is_left_out() {
    let text = "frontend.namespaceRPS:\n- value: 5\n  constraints: {~: x, namespace: a}\n";
    assert_eq!(codes(text), [Code::ZeroConstraint]);
    let doc = parse_document("t", text).value;
    assert_eq!(doc.entries[0].items[0].constraints, ns("a"));
}

#[test]
fn chasm_task_type_is_new_in_v1_31() {
    let text = "history.ChasmStandbyTaskDiscardDelay:\n- value: 1h\n  constraints: {chasmTaskType: x}\n";
    assert!(codes(text).is_empty());
    let old = Registry::for_version(Some("1.30")).unwrap();
    assert!(codes_for(&old, text).contains(&Code::UnknownConstraint));
}

#[test]
fn constraint_value_types() {
    // namespace, namespaceId, taskQueueName, destination, chasmTaskType: strings only.
    for f in [
        "namespace",
        "namespaceId",
        "taskQueueName",
        "destination",
        "chasmTaskType",
    ] {
        let e = errors(&format!(
            "frontend.namespaceRPS:\n- value: 1\n  constraints: {{{f}: 7}}\n"
        ));
        assert_eq!(e, [Code::BadConstraintType], "{f}");
    }
    // shardId: int only.
    assert_eq!(
        errors("frontend.namespaceRPS:\n- value: 1\n  constraints: {shardId: \"7\"}\n"),
        [Code::BadConstraintType]
    );
    // taskType: names (case-sensitive) or an int > 0.
    let tq = |v: &str| {
        errors(&format!(
            "matching.numTaskqueueReadPartitions:\n- value: 1\n  constraints: {{namespace: n, taskQueueName: q, taskType: {v}}}\n"
        ))
    };
    for ok in [
        "Workflow",
        "Activity",
        "Nexus",
        "TASK_QUEUE_TYPE_WORKFLOW",
        "TASK_QUEUE_TYPE_ACTIVITY",
        "TASK_QUEUE_TYPE_NEXUS",
        "1",
        "5",
    ] {
        assert!(tq(ok).is_empty(), "{ok}");
    }
    for bad in ["workflow", "Unspecified", "TASK_QUEUE_TYPE_UNSPECIFIED", "0", "-1"] {
        assert_eq!(tq(bad), [Code::BadEnum], "{bad}");
    }
    // historyTaskType: short or TASK_TYPE_* names (case-sensitive), or any int.
    let h = |v: &str| {
        errors(&format!(
            "history.standbyTaskMissingEventsDiscardDelay:\n- value: 1m\n  constraints: {{historyTaskType: {v}}}\n"
        ))
    };
    for ok in [
        "TransferActivityTask",
        "ActivityRetryTimer",
        "UserTimer",
        "TASK_TYPE_USER_TIMER",
        "ReplicationDeleteExecution",
        "9999",
    ] {
        assert!(h(ok).is_empty(), "{ok}");
    }
    assert_eq!(h("usertimer"), [Code::BadEnum]);
}

#[test]
fn errors_reject_the_whole_file() {
    let cases: [(&str, Code); 8] = [
        ("a: [", Code::YamlSyntax),
        (
            "frontend.rps:\n- value: 1\nfrontend.rps:\n- value: 2\n",
            Code::DuplicateKey,
        ),
        ("frontend.rps: 5\n", Code::NotAList),
        ("frontend.rps:\n- 5\n", Code::NotAMap),
        (
            "frontend.namespaceRPS:\n- value: 1\n  constraints: {nope: 1}\n",
            Code::UnknownConstraint,
        ),
        (
            "frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: 1}\n",
            Code::BadConstraintType,
        ),
        (
            "frontend.namespaceRPS:\n- value: 1\n  constraints: {taskType: Foo}\n",
            Code::BadEnum,
        ),
        (
            "history.timerProcessorSchedulerActiveRoundRobinWeights:\n- value: {1: 2}\n",
            Code::NonStringKey,
        ),
    ];
    for (text, code) in cases {
        let e = errors(text);
        assert_eq!(e.first(), Some(&code), "{text:?} gave {e:?}");
    }
}

#[test]
fn what_temporal_only_warns_about_tcfg_reports_as_errors() {
    assert_eq!(errors("no.such.key:\n- value: 1\n"), [Code::UnknownKey]);
    assert_eq!(errors("frontend.rps:\n- value: lots\n"), [Code::TypeMismatch]);
    assert_eq!(
        errors("frontend.rps:\n- value: 1\n  constraints: {namespace: a}\n"),
        [Code::NeverMatches]
    );
}

#[test]
fn silently_resolved_ambiguities_are_reported() {
    assert_eq!(
        errors("frontend.rps:\n- value: 1\nFRONTEND.RPS:\n- value: 2\n"),
        [Code::CaseDuplicateKey]
    );
    let text = "frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: a}\n- value: 2\n  constraints: {namespace: a}\n";
    assert_eq!(errors(text), [Code::DuplicateConstraints]);
    // The first of equal items wins.
    assert_eq!(lookup(text, "frontend.namespaceRPS", ns("a")).0, Value::Int(1));
}

#[test]
fn map_keys_are_checked_only_down_to_the_first_string_keyed_map() {
    let key = "history.timerProcessorSchedulerActiveRoundRobinWeights";
    // In the value's own map, or in a map inside a list, a non-string key rejects the file.
    assert_eq!(errors(&format!("{key}:\n- value: {{1: 2}}\n")), [Code::NonStringKey]);
    assert_eq!(
        errors("acme.custom:\n- value: [{a: 1}, {2: 3}]\n"),
        [Code::UnknownKey, Code::NonStringKey]
    );
    // Below a string-keyed map, Temporal passes the key on unchecked.
    assert_eq!(
        codes(&format!("{key}:\n- value: {{a: {{1: 2, true: 3}}}}\n")),
        [Code::NestedNonStringKey, Code::NestedNonStringKey]
    );
}

#[test]
fn a_map_setting_with_no_item_is_nil_as_temporal_registers_it() {
    // Temporal registers its six map settings with a nil default (each
    // service keeps its own); the server's lookup returns nil, not an
    // empty map (found by scripts/e2e-temporal).
    let key = "history.transferProcessorSchedulerActiveRoundRobinWeights";
    let (value, source) = lookup("frontend.rps:\n- value: 1\n", key, ns("payments"));
    assert_eq!(value, Value::Null);
    assert!(matches!(source, Source::RegisteredDefault), "{source:?}");
    let (value, _) = lookup(&format!("{key}:\n- value: {{a: 1}}\n"), key, ns("payments"));
    assert!(matches!(value, Value::Map(_)), "{value:?}");
}

#[test]
fn a_stray_byte_order_mark_is_read_as_yaml_v3_reads_it() {
    let keys = |text: &str| -> Vec<String> {
        let doc = parse_document("t.yaml", text).value;
        doc.entries.iter().map(|e| e.key.as_str().to_string()).collect()
    };
    // One at the start is the encoding's mark.
    assert_eq!(keys("\u{feff}frontend.rps:\n- value: 1\n"), ["frontend.rps"]);
    // yaml.v3 looks for a mark at the start of its buffer, not where it
    // reads: after a second mark at the start, the first character of each
    // line is skipped ("istory.rps", a key Temporal does not know).
    assert_eq!(
        keys("\u{feff}\u{feff}frontend.rps:\n  - value: 1\nhistory.rps:\n  - value: 2\n"),
        ["frontend.rps", "istory.rps"]
    );
    // Later in the file a mark is content: part of a key's name...
    assert_eq!(
        keys("frontend.rps:\n  - value: 1\n\u{feff}history.rps:\n  - value: 2\n"),
        ["frontend.rps", "\u{feff}history.rps"]
    );
    // ...or of a line, which then is no list item.
    assert_eq!(
        errors("frontend.rps:\n\u{feff}  - value: 1\n"),
        [Code::UnknownKey, Code::NotAList]
    );
}

#[test]
fn keys_merged_into_a_string_keyed_map_are_text() {
    // yaml.v3 decodes a mapping whose own keys are all strings or merges
    // into map[string]any: what a merge brings in takes string keys too, so
    // Temporal's check for non-string keys passes.
    let key = "history.timerProcessorSchedulerActiveRoundRobinWeights";
    for value in ["{<<: {1: 2}}", "{<<: [{1: 2}], a: 1}", "{<<: {true: 2}}"] {
        assert_eq!(errors(&format!("{key}:\n- value: {value}\n")), [], "{value}");
    }
    let (value, _) = lookup(&format!("{key}:\n- value: {{<<: {{1: 2}}}}\n"), key, ns("x"));
    let Value::Map(map) = &value else { panic!("{value:?}") };
    assert_eq!(map.keys().collect::<Vec<_>>(), ["1"]);
    // A key of its own that is not a string makes it map[any]any: rejected.
    assert_eq!(
        errors(&format!("{key}:\n- value: {{<<: {{a: 2}}, 1: 2}}\n")),
        [Code::NonStringKey]
    );
}

#[test]
fn sdk_worker_options_want_a_map_of_fields() {
    // tcfg does not model the SDK's worker.Options fields, but mapstructure
    // still refuses anything but a map for the struct ("expected a map, got
    // 'slice'"); Temporal then uses the default.
    for key in [
        "worker.perNamespaceWorkerOptions",
        "worker.deleteNamespaceActivityLimitsConfig",
    ] {
        for value in ["[false, inf]", "nan", "5"] {
            assert_eq!(
                codes(&format!("{key}:\n- value: {value}\n")),
                [Code::TypeMismatch],
                "{key} {value}"
            );
        }
        assert_eq!(
            codes(&format!("{key}:\n- value: {{MaxConcurrentActivityExecutionSize: 5}}\n")),
            []
        );
    }
}

#[test]
fn a_key_named_again_through_an_alias_takes_the_later_list() {
    // yaml.v3 assigns into Go's map: the later list replaces the earlier,
    // deterministically, and the earlier is never converted (so its bad
    // constraint rejects nothing).
    let text = "&k frontend.rps:\n  - value: 1\n    constraints: {bogus: x}\n*k :\n  - value: 2\n";
    assert_eq!(codes(text), []);
    assert_eq!(lookup(text, "frontend.rps", Constraints::default()).0, Value::Int(2));
    assert_eq!(parse_document("t", text).value.entries.len(), 1);
    // yaml.v3 still decodes the earlier list: its decoding errors reject the
    // file (an item's `value` set twice, an item that is no map).
    let twice = "&k frontend.rps:\n  - value: 1\n    !!binary dmFsdWU=: 2\n*k :\n  - value: 2\n";
    assert_eq!(errors(twice), [Code::DuplicateKey]);
    assert_eq!(errors("&k frontend.rps:\n  - 5\n*k :\n  - value: 2\n"), [Code::NotAMap]);
}

#[test]
fn constraint_numbers_no_lookup_asks_for_are_dead() {
    let reg = |v: &str| Registry::for_version(Some(v)).unwrap();
    let key = "history.standbyTaskMissingEventsDiscardDelay";
    let item = |c: &str| format!("{key}:\n- value: 1s\n  constraints: {{{c}}}\n");
    // A retired history task type number, and one newer than the release:
    // Temporal takes any int unchecked.
    assert_eq!(codes(&item("historyTaskType: 9")), [Code::DeadConstraint]);
    assert_eq!(
        codes_for(&reg("1.29"), &item("historyTaskType: 34")),
        [Code::DeadConstraint]
    );
    assert_eq!(codes_for(&reg("1.31"), &item("historyTaskType: 34")), []);
    assert_eq!(codes(&item("historyTaskType: 4")), []);
    let tq = "matching.numTaskqueueReadPartitions:\n- value: 4\n  constraints: {namespace: a, taskQueueName: b, taskType: 4}\n";
    assert_eq!(codes(tq), [Code::DeadConstraint]);
    assert_eq!(codes(&tq.replace("taskType: 4", "taskType: 3")), []);
    let shard = "history.ReplicationTaskProcessorErrorRetryWait:\n- value: 1s\n  constraints: {shardId: -1}\n";
    assert_eq!(codes(shard), [Code::DeadConstraint]);
    assert_eq!(codes(&shard.replace("-1", "7")), []);
}

#[test]
fn null_items_are_left_out() {
    let text = "frontend.rps:\n- ~\n-\n- value: 7\n";
    assert_eq!(codes(text), [Code::NullItem, Code::NullItem]);
    assert_eq!(parse_document("t", text).value.entries[0].items.len(), 1);
    assert_eq!(lookup(text, "frontend.rps", Constraints::default()).0, Value::Int(7));
}

#[test]
fn only_the_first_yaml_document_is_read() {
    let two = "frontend.rps:\n- value: 1\n---\nfrontend.rps:\n- value: 2\n";
    assert_eq!(errors(two), [Code::SecondDocument]);
    assert_eq!(lookup(two, "frontend.rps", Constraints::default()).0, Value::Int(1));
    // A second document that is empty loses nothing: a warning.
    assert_eq!(codes("frontend.rps:\n- value: 1\n---\n# end\n"), [Code::SecondDocument]);
    assert!(errors("frontend.rps:\n- value: 1\n---\n# end\n").is_empty());
    // An empty first document is an empty config, even when the rest is invalid YAML.
    let empty_first = "---\n---\nfrontend.rps: [\n";
    assert_eq!(errors(empty_first), [Code::SecondDocument]);
    assert!(parse_document("t", empty_first).value.is_empty());
    // The same holds for one key's list stored in etcd.
    let p = tcfg_core::parse_items("k", "frontend.rps", "- value: 1\n---\n- value: 2\n");
    assert_eq!(p.value.len(), 1);
    assert_eq!(p.findings[0].code, Code::SecondDocument);
}

#[test]
fn a_tag_takes_flow_indicators_as_yaml_v3_does() {
    // yaml.v3 reads `!!str,` as the tag `!!str,`: the flow map is then unclosed.
    assert_eq!(errors("k:\n- {value: !!str, constraints: {}}\n"), [Code::YamlSyntax]);
    assert_eq!(errors("k:\n- value: [!!str , 1]\n"), [Code::UnknownKey]);
}

// ## Precedence

#[test]
fn a_level_matches_only_an_exactly_equal_constraint_set() {
    let text = "frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: a}\n- value: 2\n";
    assert_eq!(
        lookup(text, "frontend.namespaceRPS", ns("A")).0,
        Value::Int(2),
        "strings compare case-sensitively"
    );
    assert_eq!(lookup(text, "frontend.namespaceRPS", ns("a")).0, Value::Int(1));
}

#[test]
fn order_in_the_file_does_not_matter() {
    let a = "frontend.namespaceRPS:\n- value: 2\n- value: 1\n  constraints: {namespace: a}\n";
    let b = "frontend.namespaceRPS:\n- value: 1\n  constraints: {namespace: a}\n- value: 2\n";
    assert_eq!(
        lookup(a, "frontend.namespaceRPS", ns("a")).0,
        lookup(b, "frontend.namespaceRPS", ns("a")).0
    );
}

#[test]
fn zero_values_equal_unset() {
    for c in ["shardId: 0", "historyTaskType: 0", "namespace: \"\""] {
        let text = format!("frontend.namespaceRPS:\n- value: 1\n  constraints: {{{c}}}\n");
        assert_eq!(codes(&text), [Code::ZeroConstraint], "{c}");
        assert!(parse_document("t", &text).value.entries[0].items[0]
            .constraints
            .is_empty());
    }
}

#[test]
fn a_value_that_fails_conversion_does_not_fall_back_to_a_less_specific_item() {
    let text = "frontend.namespaceRPS:\n- value: 7\n- value: many\n  constraints: {namespace: a}\n";
    let (v, s) = lookup(text, "frontend.namespaceRPS", ns("a"));
    assert_eq!(s, Source::RegisteredDefault);
    assert_ne!(v, Value::Int(7));
}

#[test]
fn task_queue_constraints_match_the_base_name_not_a_partition() {
    let text = "matching.numTaskqueueReadPartitions:\n- value: 9\n  constraints: {taskQueueName: orders}\n";
    let scope = Constraints {
        task_queue_name: Some("/_sys/orders/2".into()),
        ..Default::default()
    };
    assert_eq!(
        lookup(text, "matching.numTaskqueueReadPartitions", scope).0,
        Value::Int(9)
    );
}

#[test]
fn built_in_constrained_defaults_beat_less_specific_user_values() {
    let text = "matching.numTaskqueueReadPartitions:\n- value: 8\n";
    let scope = Constraints {
        task_queue_name: Some("temporal-sys-per-ns-tq".into()),
        ..ns("default")
    };
    let (v, s) = lookup(text, "matching.numTaskqueueReadPartitions", scope);
    assert_eq!(v, Value::Int(1));
    assert!(matches!(s, Source::BuiltinDefault { .. }));
    assert!(codes(text).contains(&Code::ShadowedByBuiltin));
}

#[test]
fn a_value_that_fails_conversion_yields_the_built_in_default_of_its_level() {
    // findAndResolveWithConstrainedDefaults: the matched item does not
    // convert, so the lookup returns the first built-in default at its level
    // or a less specific one, not the registered default.
    let key = "matching.numTaskqueueReadPartitions";
    let text = format!(
        "{key}:\n- value: lots\n  constraints: {{namespace: default, taskQueueName: temporal-sys-per-ns-tq}}\n- value: many\n"
    );
    let per_ns = Constraints {
        task_queue_name: Some("temporal-sys-per-ns-tq".into()),
        ..ns("default")
    };
    let doc = parse_document("t.yaml", &text).value;
    let r = resolve(&doc, &registry(), &Key::new(key), &per_ns).unwrap();
    assert_eq!(r.value, Value::Int(1));
    assert!(matches!(&r.source, Source::BuiltinDefault { constraints } if constraints.namespace.is_none()));
    assert!(r.conversion_error.is_some());
    // The global item fails too: the built-in default of the `{}` level.
    let r = resolve(&doc, &registry(), &Key::new(key), &ns("default")).unwrap();
    assert_eq!((r.value, r.conversion_error.is_some()), (Value::Int(4), true));
}

#[test]
fn structured_values_are_read_as_decoded_over_the_default() {
    let key = "history.defaultActivityRetryPolicy";
    let (v, s) = lookup(
        &format!("{key}:\n- value: {{maximumattempts: 3, InitialIntervalInSeconds: 90}}\n"),
        key,
        Constraints::default(),
    );
    assert!(matches!(s, Source::Item { index: 0 }));
    assert_eq!(
        tcfg_core::model::value::text::flow(&v),
        "{BackoffCoefficient: 2.0, InitialIntervalInSeconds: 1m30s, MaximumAttempts: 3, MaximumIntervalCoefficient: 100.0}"
    );
    // One field that does not decode: the whole value is the default.
    let (v, s) = lookup(
        &format!("{key}:\n- value: {{MaximumAttempts: 3, BackoffCoefficient: high}}\n"),
        key,
        Constraints::default(),
    );
    assert_eq!(s, Source::RegisteredDefault);
    assert_eq!(
        tcfg_core::model::value::text::flow(&v),
        "{BackoffCoefficient: 2.0, InitialIntervalInSeconds: 1s, MaximumAttempts: 0, MaximumIntervalCoefficient: 100.0}"
    );
    // Null is an empty list to the wildcard converter: no host is allowed.
    let (v, _) = lookup(
        "frontend.httpAllowedHosts:\n- value: ~\n",
        "frontend.httpAllowedHosts",
        Constraints::default(),
    );
    assert_eq!(v, Value::List(vec![]));
    // A plain value is a GradualChange with no dates: it is the value.
    let (v, _) = lookup(
        "matching.enableFairness:\n- value: 'T'\n",
        "matching.enableFairness",
        Constraints::default(),
    );
    assert_eq!(v, Value::Bool(true));
    // nexusHTTPTraceConfig's converter hides failures: silently the default.
    let text = "system.nexusHTTPTraceConfig:\n- value: {Enabled: yes}\n";
    let (v, s) = lookup(text, "system.nexusHTTPTraceConfig", Constraints::default());
    assert!(matches!(s, Source::Item { .. }));
    assert_eq!(
        tcfg_core::model::value::text::flow(&v),
        "{Enabled: false, ForwardingEnabled: false, Hooks: null, MaxAttempt: 2, MinAttempt: 2}"
    );
    assert_eq!(errors(text), [Code::TypeMismatch]);
}

// ## Value types

#[test]
fn int_rejects_floats_and_strings() {
    for v in ["100.0", "1e3", "\"100\""] {
        assert_eq!(
            errors(&format!("frontend.rps:\n- value: {v}\n")),
            [Code::TypeMismatch],
            "{v}"
        );
    }
    for v in ["100", "0x64", "0o144", "0144", "1_00"] {
        assert!(errors(&format!("frontend.rps:\n- value: {v}\n")).is_empty(), "{v}");
    }
}

#[test]
fn float_takes_floats_and_ints() {
    for v in ["0.5", "1", "1e3"] {
        assert!(
            errors(&format!("frontend.historyHostErrorPercentage:\n- value: {v}\n")).is_empty(),
            "{v}"
        );
    }
    assert_eq!(
        errors("frontend.historyHostErrorPercentage:\n- value: \"0.5\"\n"),
        [Code::TypeMismatch]
    );
}

#[test]
fn bool_takes_go_parse_bool_forms_only() {
    for v in [
        "true",
        "false",
        "\"1\"",
        "\"t\"",
        "\"T\"",
        "\"TRUE\"",
        "\"true\"",
        "\"True\"",
        "\"0\"",
        "\"f\"",
        "\"F\"",
        "\"FALSE\"",
        "\"False\"",
    ] {
        assert!(
            errors(&format!("system.enableDeployments:\n- value: {v}\n")).is_empty(),
            "{v}"
        );
    }
    for v in ["yes", "on", "1", "\"y\""] {
        assert_eq!(
            errors(&format!("system.enableDeployments:\n- value: {v}\n")),
            [Code::TypeMismatch],
            "{v}"
        );
    }
}

#[test]
fn string_takes_strings_only() {
    assert_eq!(
        errors("system.secondaryVisibilityWritingMode:\n- value: off\n"),
        Vec::<Code>::new(),
        "off is a string in yaml.v3"
    );
    assert_eq!(
        errors("system.secondaryVisibilityWritingMode:\n- value: 1\n"),
        [Code::TypeMismatch]
    );
}

#[test]
fn duration_takes_go_durations_days_and_seconds() {
    for v in [
        "10s", "1m30s", "1.5h", "1d12h", "1.5d", "\"30\"", "30", "2.5", "\"-5s\"", "-5",
    ] {
        assert!(
            errors(&format!("frontend.keepAliveMinTime:\n- value: {v}\n")).is_empty(),
            "{v}"
        );
    }
    for v in ["\"-5\"", "10 s", "1w", "\"\""] {
        assert_eq!(
            errors(&format!("frontend.keepAliveMinTime:\n- value: {v}\n")),
            [Code::BadDuration],
            "{v}"
        );
    }
}

#[test]
fn map_takes_a_string_keyed_map() {
    assert!(errors("history.timerProcessorSchedulerActiveRoundRobinWeights:\n- value: {a: 1}\n").is_empty());
    assert_eq!(
        errors("history.timerProcessorSchedulerActiveRoundRobinWeights:\n- value: [a]\n"),
        [Code::TypeMismatch]
    );
}

#[test]
fn typed_values_decode_like_mapstructure() {
    let key = "history.defaultActivityRetryPolicy";
    // Exact field names first, then case-insensitive; unknown fields ignored (and reported).
    assert!(codes(&format!("{key}:\n- value: {{maximumattempts: 3}}\n")).is_empty());
    assert_eq!(
        codes(&format!("{key}:\n- value: {{InitialInterval: 3}}\n")),
        [Code::IgnoredField]
    );
    // int -> float works, float -> int truncates (a warning), string -> int fails.
    assert_eq!(
        codes(&format!(
            "{key}:\n- value: {{BackoffCoefficient: 2, MaximumAttempts: 2.7}}\n"
        )),
        [Code::NumberWraps]
    );
    // MaximumAttempts is an int32: mapstructure keeps the low 32 bits.
    assert_eq!(
        codes(&format!("{key}:\n- value: {{MaximumAttempts: 4294967298}}\n")),
        [Code::NumberWraps]
    );
    assert_eq!(
        errors(&format!("{key}:\n- value: {{MaximumAttempts: \"2\"}}\n")),
        [Code::TypeMismatch]
    );
    // GradualChange takes a plain T or {Old, New, Start, End}.
    assert!(codes("matching.enableFairness:\n- value: true\n").is_empty());
    assert!(
        codes("matching.enableFairness:\n- value: {Old: false, New: true, End: 2026-01-01T00:00:00Z}\n").is_empty()
    );
    // Regexp settings take a list of strings with * wildcards.
    assert!(codes("frontend.httpAllowedHosts:\n- value: ['*.example.com']\n").is_empty());
    assert_eq!(
        errors("frontend.httpAllowedHosts:\n- value: '*.example.com'\n"),
        [Code::TypeMismatch]
    );
}

#[test]
fn yaml_quirks_of_temporal_parser() {
    let v = |text: &str| {
        parse_document("t", &format!("k:\n- value: {text}\n")).value.entries[0].items[0]
            .value
            .clone()
    };
    assert_eq!(v("0777"), Value::Int(511));
    assert_eq!(v("0x10"), Value::Int(16));
    assert_eq!(v("0o10"), Value::Int(8));
    assert_eq!(v("0b10"), Value::Int(2));
    assert_eq!(v("1_000"), Value::Int(1000));
    assert_eq!(v("yes"), Value::String("yes".into()));
    assert_eq!(v("on"), Value::String("on".into()));
}

// ## The key registry

#[test]
fn registry_counts_per_release() {
    let counts: Vec<usize> = ["1.27", "1.28", "1.29", "1.30", "1.31"]
        .iter()
        .map(|v| Registry::for_version(Some(v)).unwrap().len())
        .collect();
    assert_eq!(counts, [484, 508, 514, 576, 616]);
}

#[test]
fn keys_come_and_go_between_releases() {
    let f = check_source(
        "t",
        "history.cacheMaxSize:\n- value: 1\n",
        &registry(),
        &Options::default(),
    )
    .1;
    assert!(f[0].hint.as_deref().unwrap().contains("removed in v1.29"));
    let f = check_source(
        "t",
        "system.enableNexus:\n- value: true\n",
        &registry(),
        &Options::default(),
    )
    .1;
    assert_eq!(f[0].code, Code::UnknownKey);
    assert!(
        f[0].hint.as_deref().unwrap().contains("removed in v1.31"),
        "{:?}",
        f[0].hint
    );
    // history.enableChasm went from global to namespace precedence in v1.30.
    let text = "history.enableChasm:\n- value: true\n  constraints: {namespace: a}\n";
    assert!(codes(text).is_empty());
    assert_eq!(
        codes_for(&Registry::for_version(Some("1.29")).unwrap(), text),
        [Code::NeverMatches]
    );
}
