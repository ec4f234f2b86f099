//! JSON output as typed messages, serialised straight from the values they
//! carry: a value may nest as deep as YAML allows, deeper than a
//! `serde_json::Value` tree can be built and dropped on a thread's stack.

use serde::Serialize;
use tcfg_core::changes::plan::{Action, ItemChange, Plan};
use tcfg_core::model::serialize::canonical_order;
use tcfg_core::temporal::resolve::{Resolution, Source};
use tcfg_core::{ConstrainedValue, Constraints, Value};

/// A key's items, in canonical order.
pub struct Items<'a>(pub &'a [ConstrainedValue]);

impl Serialize for Items<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(canonical_order(self.0))
    }
}

/// Where an effective value comes from.
#[derive(Serialize)]
#[serde(tag = "kind")]
pub enum SourceJson<'a> {
    #[serde(rename = "item")]
    Item {
        constraints: &'a Constraints,
        etcd_key: Option<&'a str>,
    },
    #[serde(rename = "builtin-default")]
    BuiltinDefault { constraints: &'a Constraints },
    #[serde(rename = "default")]
    Default,
}

impl<'a> SourceJson<'a> {
    pub fn of(r: &'a Resolution, items: &'a [ConstrainedValue], etcd_key: Option<&'a str>) -> Self {
        match &r.source {
            Source::Item { index } => SourceJson::Item {
                constraints: &items[*index].constraints,
                etcd_key,
            },
            Source::BuiltinDefault { constraints } => SourceJson::BuiltinDefault { constraints },
            Source::RegisteredDefault => SourceJson::Default,
        }
    }
}

/// The machine-readable plan (`format_version` 1; fields are only added).
#[derive(Serialize)]
pub struct PlanJson<'a> {
    format_version: u32,
    prefix: String,
    revision: i64,
    changes: Vec<KeyChangeJson<'a>>,
    summary: Summary,
    /// What the change itself does wrong (`partition-order`, `large-change`).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [tcfg_core::model::finding::Finding],
}

#[derive(Serialize)]
struct KeyChangeJson<'a> {
    key: &'a str,
    action: Action,
    etcd_key: String,
    stored_as: Vec<StoredAs<'a>>,
    items: Vec<ItemChangeJson<'a>>,
    /// The servers apply the change only when they restart.
    restart: bool,
    /// What Temporal's lookups return before and after, per scope (left
    /// out for keys the release does not register).
    #[serde(skip_serializing_if = "Option::is_none")]
    effect: Option<Vec<ScopeEffectJson>>,
}

/// One scope's value before and after a change.
#[derive(Serialize)]
struct ScopeEffectJson {
    /// The constraints an item names; null for every other scope.
    scope: Option<Constraints>,
    before: Value,
    before_from: &'static str,
    after: Value,
    after_from: &'static str,
    changes: bool,
    /// The scope keeps its value because it has an item of its own.
    own_item: bool,
}

/// `item`, `builtin-default` or `default`.
fn from(r: &Resolution) -> &'static str {
    match r.source {
        Source::Item { .. } => "item",
        Source::BuiltinDefault { .. } => "builtin-default",
        Source::RegisteredDefault => "default",
    }
}

#[derive(Serialize)]
struct StoredAs<'a> {
    etcd_key: &'a str,
    mod_revision: i64,
}

#[derive(Serialize)]
struct ItemChangeJson<'a> {
    change: &'static str,
    constraints: &'a Constraints,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<&'a Value>,
}

#[derive(Serialize)]
struct Summary {
    create: usize,
    update: usize,
    delete: usize,
    unchanged: usize,
}

impl<'a> PlanJson<'a> {
    /// With each change's effect per scope.
    pub fn with_effects(mut self, plan: &Plan, registry: &tcfg_core::Registry) -> Self {
        for (json, change) in self.changes.iter_mut().zip(&plan.changes) {
            json.effect = tcfg_core::changes::effect::effect(change, registry).map(|e| {
                e.scopes
                    .into_iter()
                    .map(|s| ScopeEffectJson {
                        changes: s.changes(),
                        before_from: from(&s.before),
                        after_from: from(&s.after),
                        scope: s.scope,
                        before: s.before.value,
                        after: s.after.value,
                        own_item: s.own_item,
                    })
                    .collect()
            });
        }
        self
    }

    /// With the findings about the change.
    pub fn with_findings(self, findings: &'a [tcfg_core::model::finding::Finding]) -> Self {
        PlanJson { findings, ..self }
    }

    pub fn of(plan: &'a Plan) -> Self {
        PlanJson {
            findings: &[],
            format_version: 1,
            prefix: plan.prefix.to_string(),
            revision: plan.revision,
            changes: plan
                .changes
                .iter()
                .map(|c| KeyChangeJson {
                    effect: None,
                    restart: c.restart,
                    key: &c.name,
                    action: c.action,
                    etcd_key: plan.prefix.key_path(&c.name),
                    stored_as: c
                        .stored
                        .iter()
                        .map(|s| StoredAs {
                            etcd_key: &s.etcd_key,
                            mod_revision: s.mod_revision,
                        })
                        .collect(),
                    items: c
                        .items
                        .iter()
                        .map(|i| match i {
                            ItemChange::Added(a) => ItemChangeJson {
                                change: "added",
                                constraints: &a.constraints,
                                old: None,
                                new: Some(&a.value),
                            },
                            ItemChange::Removed(r) => ItemChangeJson {
                                change: "removed",
                                constraints: &r.constraints,
                                old: Some(&r.value),
                                new: None,
                            },
                            ItemChange::Changed { constraints, old, new } => ItemChangeJson {
                                change: "changed",
                                constraints,
                                old: Some(old),
                                new: Some(new),
                            },
                        })
                        .collect(),
                })
                .collect(),
            summary: Summary {
                create: plan.count(Action::Create),
                update: plan.count(Action::Update),
                delete: plan.count(Action::Delete),
                unchanged: plan.unchanged,
            },
        }
    }
}

/// One JSON value on one line, for streams (`watch -o json`).
pub fn line(out: &mut impl std::io::Write, v: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// One JSON document, pretty-printed: indented down to a few levels, and
/// on one line below (indenting every level makes deep values quadratic).
pub fn pretty(out: &mut impl std::io::Write, v: &impl Serialize) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Shallow::default());
    v.serialize(&mut ser)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The same report as YAML (`-o yaml`): the fields and their order of
/// `-o json`, for readers who prefer it.
pub fn yaml(out: &mut impl std::io::Write, v: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_yaml::to_string(v)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// How many levels [`pretty`] indents.
const INDENTED_LEVELS: usize = 12;

/// serde_json's pretty formatter, compact past [`INDENTED_LEVELS`].
#[derive(Default)]
struct Shallow {
    depth: usize,
    has_value: bool,
}

impl Shallow {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W, depth: usize) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + std::io::Write>(&mut self, w: &mut W, open: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + std::io::Write>(&mut self, w: &mut W, close: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.depth < INDENTED_LEVELS {
            self.newline(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn element<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= INDENTED_LEVELS {
            self.newline(w, self.depth)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Shallow {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.element(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.element(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.depth <= INDENTED_LEVELS { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_is_serde_json_pretty_for_shallow_values() {
        let v = serde_json::json!({"a": [1, {"b": []}, {}], "c": {"d": null}, "e": []});
        let mut out = Vec::new();
        pretty(&mut out, &v).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&v).unwrap() + "\n"
        );
    }

    #[test]
    fn deep_values_stay_linear() {
        let mut v = tcfg_core::Value::Int(1);
        for _ in 0..5_000 {
            v = tcfg_core::Value::List(vec![v]);
        }
        let mut out = Vec::new();
        pretty(&mut out, &v).unwrap();
        assert!(out.len() < 20_000, "{} bytes", out.len());
    }
}
