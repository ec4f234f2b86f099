//! A key's items in a compact byte encoding, for caches that hold a whole
//! prefix in memory. A parsed [`ConstrainedValue`] takes 200 bytes before its
//! strings (eight optional constraint fields, source positions); encoded, an
//! item with an int value and one namespace constraint takes about a dozen.
//! Resolution reads the encoding in place, decoding only the value it returns.
//!
//! Layout, per item: a byte with the set constraint fields (bit = field order),
//! each set field's value in field order (strings as length + bytes, enums and
//! shard ids as zigzag varints), then the value (a tag byte, then its payload).

use std::collections::BTreeMap;

use prost::encoding::encode_varint;

use crate::model::constraints::{ConstraintField, ConstraintsRef, FieldSet, HistoryTaskType, TaskQueueType};
use crate::model::document::ConstrainedValue;
use crate::model::value::Value;
use crate::temporal::registry::KeyDef;
use crate::temporal::resolve::{resolve_with, Resolution};
use crate::Constraints;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STRING: u8 = 5;
const LIST: u8 = 6;
const MAP: u8 = 7;
const UINT: u8 = 8;
const TIME: u8 = 9;

/// Encoded items. Equal encodings mean equal items (maps are ordered).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct CompactItems(Box<[u8]>);

impl std::fmt::Debug for CompactItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.decode()).finish()
    }
}

impl CompactItems {
    /// `items` in the cache's encoding.
    pub fn encode(items: &[ConstrainedValue]) -> CompactItems {
        let mut out = Vec::with_capacity(items.len() * 16);
        for item in items {
            encode_constraints(&mut out, &item.constraints.view());
            encode_value(&mut out, &item.value);
        }
        CompactItems(out.into_boxed_slice())
    }

    /// The items again (without source positions).
    pub fn decode(&self) -> Vec<ConstrainedValue> {
        let mut r = Reader(&self.0);
        let mut items = Vec::new();
        while !r.0.is_empty() {
            let Some((c, v)) = r.constraints().and_then(|c| Some((c, r.value()?))) else {
                break;
            };
            items.push(ConstrainedValue::new(v, c.to_owned()));
        }
        items
    }

    /// Encoded size in bytes.
    pub fn byte_len(&self) -> usize {
        self.0.len()
    }

    /// Whether it holds no item.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// [`crate::temporal::resolve::resolve_items`] on the encoding.
    pub fn resolve(&self, def: &KeyDef, scope: &Constraints) -> Resolution {
        resolve_with(def, scope, |scope, level| self.find(scope, level))
    }

    fn find(&self, scope: &ConstraintsRef<'_>, level: FieldSet) -> Option<(usize, Value)> {
        let mut r = Reader(&self.0);
        let mut index = 0;
        while !r.0.is_empty() {
            let c = r.constraints()?;
            if c.equals_projection(scope, level) {
                return Some((index, r.value()?));
            }
            r.skip_value()?;
            index += 1;
        }
        None
    }
}

fn put_int(out: &mut Vec<u8>, n: i64) {
    encode_varint(((n << 1) ^ (n >> 63)) as u64, out);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    encode_varint(s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn encode_constraints(out: &mut Vec<u8>, c: &ConstraintsRef<'_>) {
    out.push(c.fields().bits());
    for s in [c.namespace, c.namespace_id, c.task_queue_name].into_iter().flatten() {
        put_str(out, s);
    }
    for n in [c.task_type.map(|t| t.0), c.history_task_type.map(|t| t.0), c.shard_id]
        .into_iter()
        .flatten()
    {
        put_int(out, n.into());
    }
    for s in [c.destination, c.chasm_task_type].into_iter().flatten() {
        put_str(out, s);
    }
}

fn encode_value(out: &mut Vec<u8>, v: &Value) {
    crate::model::stack::deep(|| match v {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Int(n) => {
            out.push(INT);
            put_int(out, *n);
        }
        Value::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            put_str(out, s);
        }
        Value::Uint(u) => {
            out.push(UINT);
            encode_varint(*u, out);
        }
        Value::Time(t) => {
            out.push(TIME);
            put_str(out, t);
        }
        Value::List(items) => {
            out.push(LIST);
            encode_varint(items.len() as u64, out);
            for i in items {
                encode_value(out, i);
            }
        }
        Value::Map(m) => {
            out.push(MAP);
            encode_varint(m.len() as u64, out);
            for (k, v) in m {
                put_str(out, k);
                encode_value(out, v);
            }
        }
    })
}

/// Reads what this module wrote; `None` on anything else (never a panic).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn int(&mut self) -> Option<i64> {
        let n = self.varint()?;
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }

    fn small_int(&mut self) -> Option<i32> {
        i32::try_from(self.int()?).ok()
    }

    fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        if len > self.0.len() {
            return None;
        }
        let (b, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(b)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.bytes(len)?).ok()
    }

    fn constraints(&mut self) -> Option<ConstraintsRef<'a>> {
        let fields = self.byte()?;
        let has = |f: ConstraintField| fields & (1 << f as u8) != 0;
        let mut c = ConstraintsRef::default();
        use ConstraintField as F;
        if has(F::Namespace) {
            c.namespace = Some(self.str()?);
        }
        if has(F::NamespaceId) {
            c.namespace_id = Some(self.str()?);
        }
        if has(F::TaskQueueName) {
            c.task_queue_name = Some(self.str()?);
        }
        if has(F::TaskType) {
            c.task_type = Some(TaskQueueType(self.small_int()?));
        }
        if has(F::HistoryTaskType) {
            c.history_task_type = Some(HistoryTaskType(self.small_int()?));
        }
        if has(F::ShardId) {
            c.shard_id = Some(self.small_int()?);
        }
        if has(F::Destination) {
            c.destination = Some(self.str()?);
        }
        if has(F::ChasmTaskType) {
            c.chasm_task_type = Some(self.str()?);
        }
        Some(c)
    }

    fn value(&mut self) -> Option<Value> {
        crate::model::stack::deep(|| self.value_here())
    }

    fn value_here(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => Value::Int(self.int()?),
            FLOAT => Value::Float(f64::from_bits(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))),
            STRING => Value::String(self.str()?.to_string()),
            UINT => Value::Uint(self.varint()?),
            TIME => Value::Time(self.str()?.to_string()),
            LIST => {
                let n = self.varint()?;
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(self.value()?);
                }
                Value::List(items)
            }
            MAP => {
                let n = self.varint()?;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.str()?.to_string();
                    m.insert(k, self.value()?);
                }
                Value::Map(m)
            }
            _ => return None,
        })
    }

    fn skip_value(&mut self) -> Option<()> {
        crate::model::stack::deep(|| self.skip_value_here())
    }

    fn skip_value_here(&mut self) -> Option<()> {
        match self.byte()? {
            NULL | FALSE | TRUE => {}
            INT => {
                self.varint()?;
            }
            FLOAT => {
                self.bytes(8)?;
            }
            STRING | TIME => {
                self.str()?;
            }
            UINT => {
                self.varint()?;
            }
            LIST => {
                for _ in 0..self.varint()? {
                    self.skip_value()?;
                }
            }
            MAP => {
                for _ in 0..self.varint()? {
                    self.str()?;
                    self.skip_value()?;
                }
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse::parse_items;
    use crate::temporal::registry::Registry;
    use crate::temporal::resolve::resolve_items;

    fn items(text: &str) -> Vec<ConstrainedValue> {
        let p = parse_items("t", "k", text);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        p.value
    }

    #[test]
    fn round_trips_every_kind_of_value_and_constraint() {
        let original = items(concat!(
            "- value: 1\n",
            "- value: -9223372036854775808\n  constraints: {namespace: ns, namespaceId: id, taskQueueName: q, taskType: Activity}\n",
            "- value: 2.5\n  constraints: {historyTaskType: UserTimer, shardId: -7, destination: d, chasmTaskType: c}\n",
            "- value: [true, false, null, \"é\", {b: 1, a: [1.0e300]}]\n  constraints: {shardId: 2147483647}\n",
            "- value: {}\n- value: []\n- value: ''\n",
        ));
        let c = CompactItems::encode(&original);
        assert_eq!(c.decode(), original);
        assert_eq!(CompactItems::encode(&c.decode()), c);
        assert!(CompactItems::encode(&[]).is_empty());
    }

    #[test]
    fn resolves_like_the_parsed_items() {
        let registry = Registry::for_version(None).unwrap();
        let def = registry.get("matching.numTaskqueueReadPartitions").unwrap();
        let list = items(concat!(
            "- value: 1\n",
            "- value: x\n  constraints: {namespace: ns}\n",
            "- value: 3\n  constraints: {taskQueueName: q}\n",
            "- value: 4\n  constraints: {namespace: ns, taskQueueName: q}\n",
            "- value: 5\n  constraints: {namespace: ns, taskQueueName: q, taskType: Activity}\n",
        ));
        let c = CompactItems::encode(&list);
        let scope = |ns: &str, q: &str, t: &str| Constraints {
            namespace: Some(ns.into()).filter(|s: &String| !s.is_empty()),
            task_queue_name: Some(q.into()).filter(|s: &String| !s.is_empty()),
            task_type: TaskQueueType::from_name(t),
            ..Default::default()
        };
        for s in [
            scope("ns", "q", "Activity"),
            scope("ns", "/_sys/q/3", "Activity"),
            scope("ns", "q", "Workflow"),
            scope("other", "q", ""),
            scope("ns", "other", ""),
            scope("", "", ""),
        ] {
            assert_eq!(c.resolve(def, &s), resolve_items(&list, def, &s), "{s}");
        }
    }

    #[test]
    fn garbage_decodes_to_nothing_rather_than_panicking() {
        for bytes in [
            &[0xffu8][..],
            &[0, 9],
            &[1, 200],
            &[0, INT, 0x80],
            &[0, STRING, 5, b'a'],
            &[0, FLOAT, 1],
        ] {
            let c = CompactItems(bytes.into());
            assert!(c.decode().is_empty(), "{bytes:?}");
        }
    }
}
