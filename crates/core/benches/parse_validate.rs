//! Parse + validate a 10,000-key document (goal: under 50 ms).
//!
//! Temporal registers about 600 keys, so a 10,000-key document needs a
//! registry to match: a generated one in the `--schema` format, with every
//! type and precedence. A second case validates every real v1.31 key with
//! several scoped items each, and a third 10,000 unknown keys (the
//! did-you-mean search over all names is the costly part there).

use criterion::{criterion_group, criterion_main, Criterion};

// The allocator the tcfg binary ships with, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tcfg_core::temporal::validate::{check_source, Options};
use tcfg_core::Registry;

const PRECEDENCES: [(&str, &str); 4] = [
    ("global", ""),
    ("namespace", "\n    constraints:\n      namespace: ns-{i}"),
    (
        "taskQueue",
        "\n    constraints:\n      namespace: ns-{i}\n      taskQueueName: tq-{i}\n      taskType: Activity",
    ),
    ("shardId", "\n    constraints:\n      shardId: {i}"),
];
const TYPES: [(&str, &str); 5] = [
    ("int", "{i}"),
    ("float", "{i}.5"),
    ("bool", "true"),
    ("duration", "{i}s"),
    ("string", "value-{i}"),
];

fn generated(n: usize) -> (Registry, String) {
    let mut tsv = String::from("key\ttype\tprecedence\tdefault\tconstrained_defaults\n");
    let mut doc = String::new();
    for i in 0..n {
        let (ty, value) = TYPES[i % TYPES.len()];
        let (prec, constraints) = PRECEDENCES[(i / TYPES.len()) % PRECEDENCES.len()];
        let key = format!("service{}.setting{i}", i % 7);
        // No default: the registry checks a default against its type.
        tsv.push_str(&format!("{key}\t{ty}\t{prec}\t\t\n"));
        doc.push_str(&format!(
            "{key}:\n  - value: {}{}\n",
            value.replace("{i}", &i.to_string()),
            constraints.replace("{i}", &(i + 1).to_string())
        ));
        if i % 3 == 0 && prec != "global" {
            doc.push_str(&format!("  - value: {}\n", value.replace("{i}", &i.to_string())));
        }
    }
    (Registry::from_tsv("bench.tsv", &tsv).unwrap(), doc)
}

fn real_keys() -> (Registry, String) {
    let r = Registry::for_version(None).unwrap();
    let mut doc = String::new();
    for (i, k) in r.keys().iter().enumerate() {
        let value = match k.value_type {
            tcfg_core::ValueType::Bool => "true".to_string(),
            tcfg_core::ValueType::Int => i.to_string(),
            tcfg_core::ValueType::Float => format!("{i}.5"),
            tcfg_core::ValueType::Duration => format!("{i}s"),
            tcfg_core::ValueType::String => format!("s{i}"),
            tcfg_core::ValueType::Map => "{a: 1}".to_string(),
            tcfg_core::ValueType::Typed(_) => "{}".to_string(),
        };
        doc.push_str(&format!("{}:\n", k.name));
        for level in k.precedence.levels() {
            doc.push_str(&format!("  - value: {value}\n"));
            if !level.is_empty() {
                doc.push_str("    constraints:\n");
                for f in level.iter() {
                    let v = match f {
                        tcfg_core::ConstraintField::TaskType => "Workflow".to_string(),
                        tcfg_core::ConstraintField::HistoryTaskType => "UserTimer".to_string(),
                        tcfg_core::ConstraintField::ShardId => "3".to_string(),
                        _ => format!("x{i}"),
                    };
                    doc.push_str(&format!("      {}: {v}\n", f.name()));
                }
            }
        }
    }
    (r, doc)
}

fn unknown_keys(n: usize) -> (Registry, String) {
    let mut doc = String::new();
    for i in 0..n {
        doc.push_str(&format!("custom.feature{i}.enabled:\n  - value: true\n"));
    }
    (Registry::for_version(None).unwrap(), doc)
}

fn bench(c: &mut Criterion) {
    let opts = Options::default();
    let (reg, doc) = generated(10_000);
    let (_, findings) = check_source("bench.yaml", &doc, &reg, &opts);
    assert!(findings.is_empty(), "{:?}", &findings[..findings.len().min(3)]);
    c.bench_function("parse+validate 10k keys (generated registry)", |b| {
        b.iter(|| check_source("bench.yaml", &doc, &reg, &opts))
    });

    let (reg, doc) = real_keys();
    c.bench_function("parse+validate every v1.31 key at every level", |b| {
        b.iter(|| check_source("bench.yaml", &doc, &reg, &opts))
    });

    let (reg, doc) = unknown_keys(10_000);
    let allow = Options {
        allow_unknown_keys: true,
        ..Default::default()
    };
    c.bench_function("parse+validate 10k unknown keys (did-you-mean)", |b| {
        b.iter(|| check_source("bench.yaml", &doc, &reg, &allow))
    });
}

fn stored_values(c: &mut Criterion) {
    // What `dump` parses: 10,000 small stored lists, one parse each.
    let values: Vec<String> = (0..10_000)
        .map(|i| format!("- value: {i}\n  constraints:\n    namespace: ns{i}\n- value: 5\n"))
        .collect();
    c.bench_function("parse 10k stored values", |b| {
        b.iter(|| {
            values
                .iter()
                .map(|v| tcfg_core::parse_items("k", "custom.setting", v).value.len())
                .sum::<usize>()
        })
    });
}

fn one_key_many_items(c: &mut Criterion) {
    // One key's long list (and both partition keys, which are compared
    // scope by scope): the time must grow linearly with the items.
    let registry = Registry::for_version(None).unwrap();
    let opts = Options::default();
    let mut group = c.benchmark_group("validate one key's items");
    group.sample_size(10);
    for n in [10_000, 40_000, 160_000] {
        let mut doc = String::new();
        for key in [
            "frontend.namespaceRPS",
            "matching.numTaskqueueReadPartitions",
            "matching.numTaskqueueWritePartitions",
        ] {
            doc.push_str(&format!("{key}:\n"));
            for i in 0..n {
                doc.push_str(&format!(
                    "  - value: {}\n    constraints: {{namespace: ns{i}}}\n",
                    i % 7 + 1
                ));
            }
        }
        group.throughput(criterion::Throughput::Elements(3 * n as u64));
        group.bench_function(format!("{n} items x 3 keys"), |b| {
            b.iter(|| check_source("bench.yaml", &doc, &registry, &opts))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, stored_values, one_key_many_items
}
criterion_main!(benches);
