//! The checks of an item's constraints: names some releases do not know,
//! numbers no lookup asks for, sets no lookup reads, and sets given twice.

use std::collections::HashMap;

use super::Validator;
use crate::model::constraints::{ConstraintField, Constraints};
use crate::model::document::ConstrainedValue;
use crate::model::finding::{Code, Remedy};
use crate::temporal::registry::{KeyDef, Precedence};

impl Validator<'_> {
    pub(super) fn chasm_constraint(&mut self, name: &str, items: &[ConstrainedValue]) {
        if self.registry.knows_chasm_constraint() {
            return;
        }
        for pos in items.iter().filter_map(|i| i.pos.chasm_task_type) {
            let msg = format!(
                "the chasmTaskType constraint is new in Temporal v1.31; {} rejects the whole file",
                self.registry.version
            );
            let f = self.push(Code::UnknownConstraint, pos, name, msg);
            f.hint = Some("remove it, or validate against the release you run".into());
            f.remedy = Some(Remedy::Release(None));
        }
    }

    /// History task type names grow release by release; a name the release
    /// does not know rejects the whole file (its number never does).
    pub(super) fn history_task_names(&mut self, name: &str, items: &[ConstrainedValue]) {
        for item in items {
            let (Some(pos), Some(t)) = (item.pos.history_task_name, item.constraints.history_task_type) else {
                continue;
            };
            if self.registry.knows_history_task_name(t) {
                continue;
            }
            let msg = format!(
                "historyTaskType {t} is new in Temporal v1.{}; {} does not know the name and rejects the whole file",
                t.since().unwrap_or_default(),
                self.registry.version
            );
            let hint = format!(
                "remove the item (no {} server runs such tasks), or validate against the release you run",
                self.registry.version
            );
            let f = self.push(Code::BadEnum, pos, name, msg);
            f.hint = Some(hint);
            f.remedy = Some(Remedy::Release(None));
        }
    }

    /// Numbers Temporal takes unchecked that no lookup ever asks for: the
    /// server asks with the task types and shard IDs it has.
    pub(super) fn dead_constraints(&mut self, name: &str, items: &[ConstrainedValue]) {
        for item in items {
            let c = &item.constraints;
            let mut dead = Vec::new();
            // A name the release does not know is refused (bad-enum) above.
            if let Some(t) = c.history_task_type.filter(|_| item.pos.history_task_name.is_none()) {
                if t.name().is_none() {
                    dead.push(format!(
                        "historyTaskType {} is no history task type (the numbers of retired ones are never reused)",
                        t.0
                    ));
                } else if !self.registry.knows_history_task_name(t) {
                    dead.push(format!(
                        "historyTaskType {} ({t}) is new in Temporal v1.{}: a {} server has no such tasks",
                        t.0,
                        t.since().unwrap_or_default(),
                        self.registry.version
                    ));
                }
            }
            if let Some(t) = c.task_type.filter(|t| !(1..=3).contains(&t.0)) {
                dead.push(format!(
                    "taskType {} is no task queue type (1 Workflow, 2 Activity, 3 Nexus)",
                    t.0
                ));
            }
            if let Some(s) = c.shard_id.filter(|s| *s < 0) {
                dead.push(format!("shardId {s} is no shard (shards are numbered from 1)"));
            }
            for why in dead {
                self.push(
                    Code::DeadConstraint,
                    item.pos.constraints,
                    name,
                    format!("{why}: Temporal loads the item silently and no lookup ever selects it"),
                )
                .hint = Some("remove the item, or give the constraint a value the server uses".into());
            }
        }
    }

    pub(super) fn never_matches(&mut self, name: &str, def: &KeyDef, item: &ConstrainedValue) {
        let fields = item.constraints.fields();
        let levels = def.precedence.levels();
        if levels.contains(&fields) {
            return;
        }
        let shown: Vec<String> = levels.iter().map(|l| l.to_string()).collect();
        let hint = match def.precedence {
            Precedence::Global => format!(
                "{} is a global setting: it takes no constraints, so remove them",
                def.name
            ),
            Precedence::TaskQueue if fields.contains(ConstraintField::TaskType) => {
                "taskType counts only together with namespace and taskQueueName: {namespace, taskQueueName, taskType}"
                    .into()
            }
            _ => {
                let extra: Vec<&str> = fields
                    .iter()
                    .filter(|f| !def.precedence.fields().contains(*f))
                    .map(|f| f.name())
                    .collect();
                if extra.is_empty() {
                    format!(
                        "the lookups of a {} setting try only {}",
                        def.precedence,
                        shown.join(", ")
                    )
                } else {
                    format!(
                        "a {} setting never looks at {}; its lookups try {}",
                        def.precedence,
                        extra.join(", "),
                        shown.join(", ")
                    )
                }
            }
        };
        let msg = format!(
            "an item constrained by {fields} can never match: {} is a {} setting",
            def.name, def.precedence
        );
        let pos = if item.pos.constraints.is_known() {
            item.pos.constraints
        } else {
            item.pos.item
        };
        self.push(Code::NeverMatches, pos, name, msg).hint = Some(hint);
    }

    pub(super) fn duplicate_constraints(&mut self, name: &str, items: &[ConstrainedValue]) {
        // Most keys have a few items: a scan costs less than building an
        // index. Long lists get one, so the check stays linear.
        let mut index: Option<HashMap<&Constraints, &ConstrainedValue, foldhash::fast::RandomState>> =
            (items.len() > 16).then(|| HashMap::with_capacity_and_hasher(items.len(), Default::default()));
        for (i, item) in items.iter().enumerate() {
            let first = match index.as_mut() {
                Some(index) => match index.get(&item.constraints) {
                    Some(first) => Some(*first),
                    None => {
                        index.insert(&item.constraints, item);
                        None
                    }
                },
                None => items[..i].iter().find(|o| o.constraints == item.constraints),
            };
            if let Some(first) = first {
                let msg = format!(
                    "two items with the constraints {} (the other at line {}): Temporal uses the first and ignores this one",
                    item.constraints, first.pos.item.line
                );
                self.push(Code::DuplicateConstraints, item.pos.item, name, msg).hint =
                    Some("remove one of them, or make their constraints differ".into());
            }
        }
    }
}
