//! The document model: key -> list of constrained values, each item with the
//! source positions its findings point at. [`crate::model::parse`] reads it.

use crate::model::constraints::Constraints;
use crate::model::finding::Finding;
use crate::model::key::Key;
use crate::model::value::Value;
use crate::model::yaml::Pos;

/// Where an item was read from. Ignored by equality: two documents that mean
/// the same are equal wherever they were read from.
#[derive(Clone, Copy, Debug, Default)]
pub struct ItemPos {
    /// The item itself (its `-`).
    pub item: Pos,
    /// Its `value`.
    pub value: Pos,
    /// Its `constraints`.
    pub constraints: Pos,
    /// Spellings only some releases read: a historyTaskType given by name
    /// (the names grow release by release), and a chasmTaskType constraint
    /// of any value (v1.31 and later).
    pub history_task_name: Option<Pos>,
    /// Where a `chasmTaskType` constraint is given (see above).
    pub chasm_task_type: Option<Pos>,
}

impl PartialEq for ItemPos {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One item of a key: a value and the scope it applies to.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstrainedValue {
    /// The value, as Temporal decodes it.
    pub value: Value,
    /// The scope: which lookups read it.
    pub constraints: Constraints,
    /// Where it was read from (ignored by equality).
    pub pos: ItemPos,
}

impl ConstrainedValue {
    /// An item of `value` for the scope `constraints`.
    pub fn new(value: Value, constraints: Constraints) -> Self {
        ConstrainedValue {
            value,
            constraints,
            pos: ItemPos::default(),
        }
    }
}

impl serde::Serialize for ConstrainedValue {
    /// `{"value": ..., "constraints": {...}}`, constraints left out when none.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value)?;
        if !self.constraints.is_empty() {
            m.serialize_entry("constraints", &self.constraints)?;
        }
        m.end()
    }
}

/// One key of a document with its items, in file order.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key, as written.
    pub key: Key,
    /// Its items, in file order.
    pub items: Vec<ConstrainedValue>,
    /// Where the key is written.
    pub key_pos: Pos,
}

impl PartialEq for Entry {
    /// The exact spelling counts: rewriting a key's case is a change to store.
    fn eq(&self, other: &Self) -> bool {
        self.key.as_str() == other.key.as_str() && self.items == other.items
    }
}

/// A dynamic config document. Entries keep file order, and may hold two
/// spellings of one key (reported as `case-duplicate-key`).
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The file name, `<stdin>`, or an etcd key, used in findings.
    pub origin: String,
    /// Its keys, in file order.
    pub entries: Vec<Entry>,
}

impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Document {
    /// An empty document read from `origin` (a path, `-` for stdin, or a label).
    pub fn new(origin: impl Into<String>) -> Self {
        Document {
            origin: origin.into(),
            entries: Vec::new(),
        }
    }

    /// The first entry for a key, in any spelling.
    pub fn get(&self, key: &Key) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.key == key)
    }

    /// Add `key` with `items` (after the entries already there).
    pub fn insert(&mut self, key: Key, items: Vec<ConstrainedValue>) {
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => e.items = items,
            None => self.entries.push(Entry {
                key,
                items,
                key_pos: Pos::default(),
            }),
        }
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A parse result: the document as Temporal would read it (items Temporal
/// would reject left out) and every finding made while reading.
#[derive(Clone, Debug)]
pub struct Parsed<T> {
    /// What was read.
    pub value: T,
    /// Every problem found while reading, in order.
    pub findings: Vec<Finding>,
}

impl<T> Parsed<T> {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.level == crate::model::finding::Level::Error)
    }
}
