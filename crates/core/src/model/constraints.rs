//! Constraints: the scope an item of a key applies to.

use std::fmt;

/// The eight constraint fields Temporal knows, in Temporal's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConstraintField {
    /// `namespace`
    Namespace,
    /// `namespaceId`
    NamespaceId,
    /// `taskQueueName`
    TaskQueueName,
    /// `taskType` (the task queue type)
    TaskType,
    /// `historyTaskType`
    HistoryTaskType,
    /// `shardId`
    ShardId,
    /// `destination`
    Destination,
    /// `chasmTaskType`
    ChasmTaskType,
}

impl ConstraintField {
    /// Every constraint field.
    pub const ALL: [ConstraintField; 8] = [
        ConstraintField::Namespace,
        ConstraintField::NamespaceId,
        ConstraintField::TaskQueueName,
        ConstraintField::TaskType,
        ConstraintField::HistoryTaskType,
        ConstraintField::ShardId,
        ConstraintField::Destination,
        ConstraintField::ChasmTaskType,
    ];

    /// The name written in dynamic config files.
    pub fn name(self) -> &'static str {
        match self {
            ConstraintField::Namespace => "namespace",
            ConstraintField::NamespaceId => "namespaceId",
            ConstraintField::TaskQueueName => "taskQueueName",
            ConstraintField::TaskType => "taskType",
            ConstraintField::HistoryTaskType => "historyTaskType",
            ConstraintField::ShardId => "shardId",
            ConstraintField::Destination => "destination",
            ConstraintField::ChasmTaskType => "chasmTaskType",
        }
    }

    /// Constraint names are matched as Temporal matches them: its loader
    /// switches on Go's `strings.ToLower` of the name, so `tasKQueueName`
    /// with the Kelvin sign and `shardİd` name constraints, and `ſhardId`
    /// (long s, which Go lowercases to itself) does not.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.is_ascii() {
            return Self::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name));
        }
        let folded = crate::model::key::fold(name);
        Self::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(&folded))
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for ConstraintField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of constraint fields: the shape of a constraint set, as used by the
/// precedence levels (`{namespace, taskQueueName}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldSet(u8);

impl FieldSet {
    /// No field.
    pub const EMPTY: FieldSet = FieldSet(0);

    /// The set of `fields`.
    pub const fn of(fields: &[ConstraintField]) -> FieldSet {
        let mut bits = 0u8;
        let mut i = 0;
        while i < fields.len() {
            bits |= 1 << (fields[i] as u8);
            i += 1;
        }
        FieldSet(bits)
    }

    /// Whether `f` is in the set.
    pub fn contains(self, f: ConstraintField) -> bool {
        self.0 & f.bit() != 0
    }

    /// Add `f`.
    pub fn insert(&mut self, f: ConstraintField) {
        self.0 |= f.bit();
    }

    /// How many fields it holds.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether it holds no field.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// One bit per field, in Temporal's field order.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Its fields, in [`ConstraintField::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ConstraintField> {
        ConstraintField::ALL.into_iter().filter(move |f| self.contains(*f))
    }
}

impl fmt::Display for FieldSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.iter().map(|x| x.name()).collect();
        write!(f, "{{{}}}", names.join(", "))
    }
}

/// A task queue type (`taskType` constraint): Temporal's `TaskQueueType` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskQueueType(pub i32);

const TASK_QUEUE_TYPES: [(&str, &str, i32); 3] = [
    ("Workflow", "TASK_QUEUE_TYPE_WORKFLOW", 1),
    ("Activity", "TASK_QUEUE_TYPE_ACTIVITY", 2),
    ("Nexus", "TASK_QUEUE_TYPE_NEXUS", 3),
];

impl TaskQueueType {
    /// Parse a name as Temporal does (case-sensitive short or proto name).
    pub fn from_name(name: &str) -> Option<Self> {
        TASK_QUEUE_TYPES
            .iter()
            .find(|(short, long, _)| *short == name || *long == name)
            .map(|(_, _, n)| TaskQueueType(*n))
    }

    /// Every name Temporal accepts, for suggestions.
    pub fn names() -> impl Iterator<Item = &'static str> {
        TASK_QUEUE_TYPES.iter().map(|(s, _, _)| *s)
    }

    /// The name Temporal gives it (`None`: the unspecified value).
    pub fn name(self) -> Option<&'static str> {
        TASK_QUEUE_TYPES
            .iter()
            .find(|(_, _, n)| *n == self.0)
            .map(|(s, _, _)| *s)
    }
}

impl fmt::Display for TaskQueueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A history task type (`historyTaskType` constraint): the server's `TaskType`
/// enum. Any int is accepted unchecked, as Temporal does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HistoryTaskType(pub i32);

/// Short name, proto name suffix, number (Temporal v1.31.2).
/// The oldest release tcfg knows (v1.27).
const OLDEST_RELEASE_MINOR: u32 = 27;

/// Short name, proto name, number, and the minor release that introduced
/// it (27: in every release tcfg knows).
const HISTORY_TASK_TYPES: [(&str, &str, i32, u32); 31] = [
    ("ReplicationHistory", "REPLICATION_HISTORY", 1, 27),
    ("ReplicationSyncActivity", "REPLICATION_SYNC_ACTIVITY", 2, 27),
    ("TransferWorkflowTask", "TRANSFER_WORKFLOW_TASK", 3, 27),
    ("TransferActivityTask", "TRANSFER_ACTIVITY_TASK", 4, 27),
    ("TransferCloseExecution", "TRANSFER_CLOSE_EXECUTION", 5, 27),
    ("TransferCancelExecution", "TRANSFER_CANCEL_EXECUTION", 6, 27),
    ("TransferStartChildExecution", "TRANSFER_START_CHILD_EXECUTION", 7, 27),
    ("TransferSignalExecution", "TRANSFER_SIGNAL_EXECUTION", 8, 27),
    ("TransferResetWorkflow", "TRANSFER_RESET_WORKFLOW", 10, 27),
    ("WorkflowTaskTimeout", "WORKFLOW_TASK_TIMEOUT", 12, 27),
    ("ActivityTimeout", "ACTIVITY_TIMEOUT", 13, 27),
    ("UserTimer", "USER_TIMER", 14, 27),
    ("WorkflowRunTimeout", "WORKFLOW_RUN_TIMEOUT", 15, 27),
    ("DeleteHistoryEvent", "DELETE_HISTORY_EVENT", 16, 27),
    ("ActivityRetryTimer", "ACTIVITY_RETRY_TIMER", 17, 27),
    ("WorkflowBackoffTimer", "WORKFLOW_BACKOFF_TIMER", 18, 27),
    ("VisibilityStartExecution", "VISIBILITY_START_EXECUTION", 19, 27),
    ("VisibilityUpsertExecution", "VISIBILITY_UPSERT_EXECUTION", 20, 27),
    ("VisibilityCloseExecution", "VISIBILITY_CLOSE_EXECUTION", 21, 27),
    ("VisibilityDeleteExecution", "VISIBILITY_DELETE_EXECUTION", 22, 27),
    ("TransferDeleteExecution", "TRANSFER_DELETE_EXECUTION", 24, 27),
    (
        "ReplicationSyncWorkflowState",
        "REPLICATION_SYNC_WORKFLOW_STATE",
        25,
        27,
    ),
    ("ArchivalArchiveExecution", "ARCHIVAL_ARCHIVE_EXECUTION", 26, 27),
    ("StateMachineOutbound", "STATE_MACHINE_OUTBOUND", 27, 27),
    ("StateMachineTimer", "STATE_MACHINE_TIMER", 28, 27),
    ("WorkflowExecutionTimeout", "WORKFLOW_EXECUTION_TIMEOUT", 29, 27),
    ("ReplicationSyncHsm", "REPLICATION_SYNC_HSM", 30, 27),
    (
        "ReplicationSyncVersionedTransition",
        "REPLICATION_SYNC_VERSIONED_TRANSITION",
        31,
        27,
    ),
    ("ChasmPure", "CHASM_PURE", 32, 28),
    ("Chasm", "CHASM", 33, 28),
    ("ReplicationDeleteExecution", "REPLICATION_DELETE_EXECUTION", 34, 31),
];

impl HistoryTaskType {
    /// The value Temporal gives `name` (`None`: not a name it knows).
    pub fn from_name(name: &str) -> Option<Self> {
        let proto = name.strip_prefix("TASK_TYPE_");
        HISTORY_TASK_TYPES
            .iter()
            .find(|(short, long, _, _)| *short == name || Some(*long) == proto)
            .map(|(_, _, n, _)| HistoryTaskType(*n))
    }

    /// Every name Temporal accepts, for suggestions.
    pub fn names() -> impl Iterator<Item = &'static str> {
        HISTORY_TASK_TYPES.iter().map(|(s, _, _, _)| *s)
    }

    /// The name Temporal gives it (`None`: the unspecified value).
    pub fn name(self) -> Option<&'static str> {
        HISTORY_TASK_TYPES
            .iter()
            .find(|(_, _, n, _)| *n == self.0)
            .map(|(s, _, _, _)| *s)
    }

    /// The minor release (`28` for v1.28) whose servers first read this
    /// type's name; `None` for a number with no name.
    pub fn since(self) -> Option<u32> {
        HISTORY_TASK_TYPES
            .iter()
            .find(|(_, _, n, _)| *n == self.0)
            .map(|(_, _, _, since)| *since)
    }

    /// How a file every release reads writes it: the name where every
    /// release knows it, else the number (which any release accepts).
    pub fn portable(self) -> String {
        match (self.name(), self.since()) {
            (Some(name), Some(since)) if since <= OLDEST_RELEASE_MINOR => name.to_string(),
            _ => self.0.to_string(),
        }
    }
}

impl fmt::Display for HistoryTaskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The constraint set of one item. Zero values (`""`, `0`) are stored as
/// `None`: Temporal cannot tell them from "unset".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Constraints {
    /// `namespace`: a namespace name.
    pub namespace: Option<String>,
    /// `namespaceId`: a namespace ID.
    pub namespace_id: Option<String>,
    /// `taskQueueName`.
    pub task_queue_name: Option<String>,
    /// `taskType`: the task queue type (workflow, activity, nexus).
    pub task_type: Option<TaskQueueType>,
    /// `historyTaskType`.
    pub history_task_type: Option<HistoryTaskType>,
    /// `shardId`: a history shard.
    pub shard_id: Option<i32>,
    /// `destination`: a callback or Nexus destination.
    pub destination: Option<String>,
    /// `chasmTaskType`.
    pub chasm_task_type: Option<String>,
}

impl Constraints {
    /// The set fields as a map value (shard ids as ints, the rest as their
    /// names), for reports written like values.
    pub fn to_value(&self) -> crate::model::value::Value {
        use crate::model::value::Value;
        Value::Map(
            self.iter()
                .map(|(f, v)| {
                    let v = match v {
                        ConstraintValue::ShardId(n) => Value::Int(i64::from(n)),
                        other => Value::String(other.to_string()),
                    };
                    (f.name().to_string(), v)
                })
                .collect(),
        )
    }
}

impl serde::Serialize for Constraints {
    /// A map of the set fields by Temporal's names: shard ids as numbers,
    /// the rest as their names.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (field, value) in self.iter() {
            match value {
                ConstraintValue::ShardId(n) => m.serialize_entry(field.name(), &n)?,
                other => m.serialize_entry(field.name(), &other.to_string())?,
            }
        }
        m.end()
    }
}

/// A constraint value, for code that walks the fields generically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintValue {
    /// A name (namespace, task queue, destination, ...).
    Str(String),
    /// A task queue type.
    TaskType(TaskQueueType),
    /// A history task type.
    HistoryTaskType(HistoryTaskType),
    /// A shard number.
    ShardId(i32),
}

impl fmt::Display for ConstraintValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstraintValue::Str(s) => f.write_str(s),
            ConstraintValue::TaskType(t) => t.fmt(f),
            ConstraintValue::HistoryTaskType(t) => t.fmt(f),
            ConstraintValue::ShardId(n) => n.fmt(f),
        }
    }
}

impl Constraints {
    /// Whether it constrains nothing: the global item.
    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }

    /// Which fields are set.
    pub fn fields(&self) -> FieldSet {
        self.view().fields()
    }

    /// The value of `field`, if set.
    pub fn get(&self, field: ConstraintField) -> Option<ConstraintValue> {
        use ConstraintValue as V;
        match field {
            ConstraintField::Namespace => self.namespace.clone().map(V::Str),
            ConstraintField::NamespaceId => self.namespace_id.clone().map(V::Str),
            ConstraintField::TaskQueueName => self.task_queue_name.clone().map(V::Str),
            ConstraintField::TaskType => self.task_type.map(V::TaskType),
            ConstraintField::HistoryTaskType => self.history_task_type.map(V::HistoryTaskType),
            ConstraintField::ShardId => self.shard_id.map(V::ShardId),
            ConstraintField::Destination => self.destination.clone().map(V::Str),
            ConstraintField::ChasmTaskType => self.chasm_task_type.clone().map(V::Str),
        }
    }

    /// Set a field; a zero value clears it, as in Temporal.
    pub fn set(&mut self, field: ConstraintField, value: Option<ConstraintValue>) {
        use ConstraintValue as V;
        let s = |v: Option<ConstraintValue>| match v {
            Some(V::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        match field {
            ConstraintField::Namespace => self.namespace = s(value),
            ConstraintField::NamespaceId => self.namespace_id = s(value),
            ConstraintField::TaskQueueName => self.task_queue_name = s(value),
            ConstraintField::Destination => self.destination = s(value),
            ConstraintField::ChasmTaskType => self.chasm_task_type = s(value),
            ConstraintField::TaskType => {
                self.task_type = match value {
                    Some(V::TaskType(t)) if t.0 != 0 => Some(t),
                    _ => None,
                }
            }
            ConstraintField::HistoryTaskType => {
                self.history_task_type = match value {
                    Some(V::HistoryTaskType(t)) if t.0 != 0 => Some(t),
                    _ => None,
                }
            }
            ConstraintField::ShardId => {
                self.shard_id = match value {
                    Some(V::ShardId(n)) if n != 0 => Some(n),
                    _ => None,
                }
            }
        }
    }

    /// The set fields with their values, in Temporal's field order.
    pub fn iter(&self) -> impl Iterator<Item = (ConstraintField, ConstraintValue)> + '_ {
        ConstraintField::ALL
            .into_iter()
            .filter_map(move |f| self.get(f).map(|v| (f, v)))
    }

    /// Keep only the given fields (a scope projected onto a precedence level).
    pub fn project(&self, fields: FieldSet) -> Constraints {
        let mut out = Constraints::default();
        for (f, v) in self.iter() {
            if fields.contains(f) {
                out.set(f, Some(v));
            }
        }
        out
    }
}

/// A borrowed view of a constraint set, for matching without allocating
/// (resolution runs on every lookup of an embedding service).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConstraintsRef<'a> {
    /// `namespace`: a namespace name.
    pub namespace: Option<&'a str>,
    /// `namespaceId`: a namespace ID.
    pub namespace_id: Option<&'a str>,
    /// `taskQueueName`.
    pub task_queue_name: Option<&'a str>,
    /// `taskType`: the task queue type (workflow, activity, nexus).
    pub task_type: Option<TaskQueueType>,
    /// `historyTaskType`.
    pub history_task_type: Option<HistoryTaskType>,
    /// `shardId`: a history shard.
    pub shard_id: Option<i32>,
    /// `destination`: a callback or Nexus destination.
    pub destination: Option<&'a str>,
    /// `chasmTaskType`.
    pub chasm_task_type: Option<&'a str>,
}

impl Constraints {
    /// A borrowed view, for lookups without copying the strings.
    pub fn view(&self) -> ConstraintsRef<'_> {
        ConstraintsRef {
            namespace: self.namespace.as_deref(),
            namespace_id: self.namespace_id.as_deref(),
            task_queue_name: self.task_queue_name.as_deref(),
            task_type: self.task_type,
            history_task_type: self.history_task_type,
            shard_id: self.shard_id,
            destination: self.destination.as_deref(),
            chasm_task_type: self.chasm_task_type.as_deref(),
        }
    }
}

impl ConstraintsRef<'_> {
    /// Which fields are set.
    pub fn fields(&self) -> FieldSet {
        let mut set = FieldSet::EMPTY;
        let present = [
            self.namespace.is_some(),
            self.namespace_id.is_some(),
            self.task_queue_name.is_some(),
            self.task_type.is_some(),
            self.history_task_type.is_some(),
            self.shard_id.is_some(),
            self.destination.is_some(),
            self.chasm_task_type.is_some(),
        ];
        for (f, p) in ConstraintField::ALL.into_iter().zip(present) {
            if p {
                set.insert(f);
            }
        }
        set
    }

    /// Equal to `scope` projected onto `level` (what `scope.project(level) ==
    /// self` says, without building the projection).
    pub fn equals_projection(&self, scope: &ConstraintsRef<'_>, level: FieldSet) -> bool {
        fn want<T: Copy>(level: FieldSet, f: ConstraintField, v: Option<T>) -> Option<T> {
            if level.contains(f) {
                v
            } else {
                None
            }
        }
        use ConstraintField as F;
        self.namespace == want(level, F::Namespace, scope.namespace)
            && self.namespace_id == want(level, F::NamespaceId, scope.namespace_id)
            && self.task_queue_name == want(level, F::TaskQueueName, scope.task_queue_name)
            && self.task_type == want(level, F::TaskType, scope.task_type)
            && self.history_task_type == want(level, F::HistoryTaskType, scope.history_task_type)
            && self.shard_id == want(level, F::ShardId, scope.shard_id)
            && self.destination == want(level, F::Destination, scope.destination)
            && self.chasm_task_type == want(level, F::ChasmTaskType, scope.chasm_task_type)
    }

    /// The scope projected onto `level`, owned: what
    /// [`ConstraintsRef::equals_projection`] compares an item's constraints with.
    pub fn project_owned(&self, level: FieldSet) -> Constraints {
        use ConstraintField as F;
        let keep = |f: F, v: Option<&str>| v.filter(|_| level.contains(f)).map(str::to_string);
        Constraints {
            namespace: keep(F::Namespace, self.namespace),
            namespace_id: keep(F::NamespaceId, self.namespace_id),
            task_queue_name: keep(F::TaskQueueName, self.task_queue_name),
            task_type: self.task_type.filter(|_| level.contains(F::TaskType)),
            history_task_type: self.history_task_type.filter(|_| level.contains(F::HistoryTaskType)),
            shard_id: self.shard_id.filter(|_| level.contains(F::ShardId)),
            destination: keep(F::Destination, self.destination),
            chasm_task_type: keep(F::ChasmTaskType, self.chasm_task_type),
        }
    }

    /// The constraints this view shows, owned.
    pub fn to_owned(&self) -> Constraints {
        Constraints {
            namespace: self.namespace.map(str::to_string),
            namespace_id: self.namespace_id.map(str::to_string),
            task_queue_name: self.task_queue_name.map(str::to_string),
            task_type: self.task_type,
            history_task_type: self.history_task_type,
            shard_id: self.shard_id,
            destination: self.destination.map(str::to_string),
            chasm_task_type: self.chasm_task_type.map(str::to_string),
        }
    }
}

impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        write!(f, "{{{}}}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_are_case_insensitive() {
        assert_eq!(
            ConstraintField::from_name("TaskQueueName"),
            Some(ConstraintField::TaskQueueName)
        );
        assert_eq!(ConstraintField::from_name("SHARDID"), Some(ConstraintField::ShardId));
        assert_eq!(
            ConstraintField::from_name("chasmtasktype"),
            Some(ConstraintField::ChasmTaskType)
        );
        assert_eq!(ConstraintField::from_name("taskqueue"), None);
        // Go's strings.ToLower, as Temporal's loader applies it (checked
        // with Temporal v1.31.2's own loader).
        assert_eq!(
            ConstraintField::from_name("tas\u{212A}QueueName"),
            Some(ConstraintField::TaskQueueName)
        );
        assert_eq!(
            ConstraintField::from_name("shard\u{130}d"),
            Some(ConstraintField::ShardId)
        );
        assert_eq!(ConstraintField::from_name("\u{17F}hardId"), None);
        assert_eq!(ConstraintField::from_name("shard\u{131}d"), None);
    }

    #[test]
    fn enum_names_are_case_sensitive() {
        assert_eq!(TaskQueueType::from_name("Workflow"), Some(TaskQueueType(1)));
        assert_eq!(
            TaskQueueType::from_name("TASK_QUEUE_TYPE_NEXUS"),
            Some(TaskQueueType(3))
        );
        assert_eq!(TaskQueueType::from_name("workflow"), None);
        assert_eq!(
            HistoryTaskType::from_name("ActivityRetryTimer"),
            Some(HistoryTaskType(17))
        );
        assert_eq!(
            HistoryTaskType::from_name("TASK_TYPE_USER_TIMER"),
            Some(HistoryTaskType(14))
        );
        assert_eq!(HistoryTaskType::from_name("usertimer"), None);
        assert_eq!(HistoryTaskType(4).to_string(), "TransferActivityTask");
        assert_eq!(HistoryTaskType(99).to_string(), "99");
    }

    #[test]
    fn zero_values_mean_unset() {
        let mut c = Constraints::default();
        c.set(ConstraintField::ShardId, Some(ConstraintValue::ShardId(0)));
        c.set(ConstraintField::Namespace, Some(ConstraintValue::Str(String::new())));
        assert!(c.is_empty());
        c.set(ConstraintField::Namespace, Some(ConstraintValue::Str("ns".into())));
        assert_eq!(c.fields(), FieldSet::of(&[ConstraintField::Namespace]));
        assert_eq!(c.to_string(), "{namespace: ns}");
    }
}
