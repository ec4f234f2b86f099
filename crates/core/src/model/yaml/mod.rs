//! A YAML loader that keeps source positions and reads scalars the way
//! Temporal's parser (gopkg.in/yaml.v3, decoding into `any`) does.
//!
//! Generic YAML libraries resolve plain scalars by YAML 1.1 or strict 1.2 rules
//! and forget both the scalar style and the position. We need all three: `0777`
//! is 511 and `1_000` is 1000 for Temporal, `yes` is a string, `"10"` and `10`
//! differ, and every finding must name its line and column.

mod decode;
mod encoding;
mod events;
mod scalar;
mod tree;

use std::fmt;

pub use decode::Shape;
pub use encoding::{decode_bytes, EncodingError};
pub use events::ScalarStyle;
pub(crate) use scalar::days_in;
use scalar::resolve_scalar;
pub use scalar::{plain_reads_as_string, resolve_plain};
pub use tree::MAX_DEPTH;

/// A 1-based line and column in a source text. `line == 0` means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// The line, from 1 (0: no position).
    pub line: u32,
    /// The column, from 1.
    pub col: u32,
}

impl Pos {
    /// Line and column, counted from 1 (line 0: no position).
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
    /// Whether it points anywhere (a value made in code has no position).
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One YAML node with its position.
#[derive(Debug)]
pub struct Node {
    /// What it holds.
    pub kind: NodeKind,
    /// Where it starts.
    pub pos: Pos,
}

impl Node {
    /// The node's kind, moved out (a `Node` cannot be taken apart by a
    /// pattern: it tears down its children itself).
    pub fn into_kind(mut self) -> NodeKind {
        std::mem::replace(&mut self.kind, NodeKind::Null)
    }

    fn is_collection(&self) -> bool {
        matches!(self.kind, NodeKind::Seq(_) | NodeKind::Map(_))
    }
}

impl Drop for Node {
    /// Without recursion: a document may nest as deep as yaml.v3 allows,
    /// deeper than a thread's stack holds frames of the default drop.
    fn drop(&mut self) {
        let mut stack: Vec<Node> = match &mut self.kind {
            NodeKind::Seq(items) if items.iter().any(Node::is_collection) => std::mem::take(items),
            NodeKind::Map(pairs) if pairs.iter().any(|(k, v)| k.is_collection() || v.is_collection()) => {
                std::mem::take(pairs).into_iter().flat_map(|(k, v)| [k, v]).collect()
            }
            _ => return,
        };
        while let Some(mut node) = stack.pop() {
            match &mut node.kind {
                NodeKind::Seq(items) => stack.append(items),
                NodeKind::Map(pairs) => stack.extend(std::mem::take(pairs).into_iter().flat_map(|(k, v)| [k, v])),
                _ => {}
            }
        }
    }
}

/// What a node holds, as yaml.v3 decodes it into an `any`.
#[derive(Debug)]
pub enum NodeKind {
    /// `null`, `~` or nothing.
    Null,
    /// A bool (`true`, `false`, YAML 1.1's other spellings).
    Bool(bool),
    /// An int that fits an `int64`.
    Int(i64),
    /// An integer beyond `i64` (yaml.v3's `uint64`).
    Uint(u64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A plain scalar yaml.v3 reads as a timestamp (Go's `time.Time`), as
    /// written.
    Time(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, its pairs in document order.
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// How Temporal's messages name this kind of YAML value.
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a bool",
            NodeKind::Int(_) => "an int",
            NodeKind::Uint(_) => "an int",
            NodeKind::Float(_) => "a float",
            NodeKind::Time(_) => "a timestamp",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a map",
        }
    }
}

/// Why a text is not a YAML document Temporal would read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("YAML syntax error: {message}")]
    /// The text is not YAML yaml.v3 reads.
    Syntax {
        /// Where.
        pos: Pos,
        /// What yaml.v3 would say.
        message: String,
    },
    #[error("mapping key {key:?} is defined twice (first at line {first})", first = first.line)]
    /// A mapping key appears twice.
    DuplicateKey {
        /// The key.
        key: String,
        /// Where it is defined again.
        pos: Pos,
        /// Where it is defined first.
        first: Pos,
    },
    /// Beyond a limit of yaml.v3 (nesting depth, alias expansion).
    #[error("{message}")]
    Limit {
        /// Where.
        pos: Pos,
        /// Which limit, and yaml.v3's words.
        message: String,
    },
}

impl LoadError {
    /// Where the node starts.
    pub fn pos(&self) -> Pos {
        match self {
            LoadError::Syntax { pos, .. } | LoadError::DuplicateKey { pos, .. } | LoadError::Limit { pos, .. } => *pos,
        }
    }
}

/// Parse the first YAML document of `text` into `any`. `Ok(None)` for an
/// empty text (only comments or whitespace), which Temporal reads as an
/// empty config.
pub fn load(text: &str) -> Result<Option<Node>, LoadError> {
    load_as(text, Shape::Any)
}

/// Parse `text` as one YAML document that Temporal decodes into `shape`:
/// nothing it never looks at is expanded, and yaml.v3's limits (nesting,
/// alias expansion) apply. A second document is an error: for tcfg's own
/// inputs (its config file, a value on the command line) it is a mistake.
pub fn load_as(text: &str, shape: Shape) -> Result<Option<Node>, LoadError> {
    let first = load_first(text, shape)?;
    if let Some(rest) = first.rest {
        return Err(LoadError::Syntax {
            pos: rest.pos,
            message: "a second YAML document (after `---`): put everything in one document".into(),
        });
    }
    Ok(first.root)
}

/// The first document of a text, as Temporal reads a dynamic config file.
#[derive(Debug)]
pub struct FirstDocument {
    /// `None` when the document is empty (only comments or whitespace).
    pub root: Option<Node>,
    /// What follows the first document, which Temporal never reads.
    pub rest: Option<Rest>,
}

/// Documents after the first one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rest {
    /// Where the second document starts.
    pub pos: Pos,
    /// Whether anything but comments, blank lines and document markers
    /// follows: what would be lost.
    pub has_content: bool,
}

/// Parse the first document of `text` as yaml.v3's `Unmarshal` does: it
/// stops at the start of a second document and never reads the rest, even
/// when the rest is not valid YAML.
pub fn load_first(text: &str, shape: Shape) -> Result<FirstDocument, LoadError> {
    let tree = tree::parse(text.as_bytes())?;
    let rest = tree.next_document.map(|pos| Rest {
        pos,
        has_content: text.lines().skip(pos.line.saturating_sub(1) as usize).any(|line| {
            let line = line.trim();
            let after_marker = line
                .strip_prefix("---")
                .or_else(|| line.strip_prefix("..."))
                .map(str::trim);
            let l = after_marker.unwrap_or(line);
            !(l.is_empty() || l.starts_with('#'))
        }),
    });
    let root = match tree.root {
        Some(root) => decode::Decoder::new(&tree).decode(root, shape)?,
        None => None,
    };
    Ok(FirstDocument { root, rest })
}

#[derive(PartialEq, Eq, Hash, Clone, Debug)]
pub(crate) enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Time(String),
    Float(u64),
    Str(String),
}

impl NodeKind {
    /// What a map key means, for duplicate and merge checks; `None` for a
    /// collection.
    pub(crate) fn identity(&self) -> Option<KeyId> {
        Some(match self {
            NodeKind::Null => KeyId::Null,
            NodeKind::Bool(b) => KeyId::Bool(*b),
            NodeKind::Int(i) => KeyId::Int(*i),
            NodeKind::Uint(u) => KeyId::Uint(*u),
            NodeKind::Time(t) => KeyId::Time(t.clone()),
            NodeKind::Float(f) => KeyId::Float(f.to_bits()),
            NodeKind::Str(s) => KeyId::Str(s.clone()),
            NodeKind::Seq(_) | NodeKind::Map(_) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> NodeKind {
        match load(&format!("k: {text}\n")).unwrap().unwrap().into_kind() {
            NodeKind::Map(mut pairs) => pairs.remove(0).1.into_kind(),
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn scalars_resolve_like_yaml_v3() {
        assert!(matches!(scalar("0777"), NodeKind::Int(511)));
        assert!(matches!(scalar("0o17"), NodeKind::Int(15)));
        assert!(matches!(scalar("0x1F"), NodeKind::Int(31)));
        assert!(matches!(scalar("0b101"), NodeKind::Int(5)));
        assert!(matches!(scalar("1_000"), NodeKind::Int(1000)));
        assert!(matches!(scalar("-42"), NodeKind::Int(-42)));
        assert!(matches!(scalar("+7"), NodeKind::Int(7)));
        assert!(matches!(scalar("09"), NodeKind::Float(f) if f == 9.0));
        assert!(matches!(scalar("255.0"), NodeKind::Float(f) if f == 255.0));
        assert!(matches!(scalar("1e3"), NodeKind::Float(f) if f == 1000.0));
        assert!(matches!(scalar(".5"), NodeKind::Float(f) if f == 0.5));
        assert!(matches!(scalar(".inf"), NodeKind::Float(f) if f.is_infinite()));
        assert!(matches!(scalar("yes"), NodeKind::Str(s) if s == "yes"));
        assert!(matches!(scalar("on"), NodeKind::Str(s) if s == "on"));
        assert!(matches!(scalar("True"), NodeKind::Bool(true)));
        assert!(matches!(scalar("FALSE"), NodeKind::Bool(false)));
        assert!(matches!(scalar("~"), NodeKind::Null));
        assert!(matches!(scalar(""), NodeKind::Null));
        assert!(matches!(scalar("\"10\""), NodeKind::Str(s) if s == "10"));
        assert!(matches!(scalar("'true'"), NodeKind::Str(s) if s == "true"));
        assert!(matches!(scalar("10s"), NodeKind::Str(s) if s == "10s"));
        assert!(matches!(scalar("2001-12-14"), NodeKind::Time(s) if s == "2001-12-14"));
        assert!(matches!(scalar("!!str 12"), NodeKind::Str(s) if s == "12"));
        assert!(matches!(scalar("9223372036854775807"), NodeKind::Int(i64::MAX)));
        assert!(matches!(scalar("-9223372036854775808"), NodeKind::Int(i64::MIN)));
    }

    #[test]
    fn positions_are_one_based() {
        let root = load("a:\n  - value: 1\n").unwrap().unwrap();
        let NodeKind::Map(pairs) = root.into_kind() else {
            panic!()
        };
        assert_eq!(pairs[0].0.pos, Pos::new(1, 1));
        let NodeKind::Seq(items) = &pairs[0].1.kind else {
            panic!()
        };
        assert_eq!(items[0].pos, Pos::new(2, 5));
    }

    #[test]
    fn duplicate_keys_are_errors_with_both_positions() {
        let err = load("a: 1\nb: 2\n\"a\": 3\n").unwrap_err();
        assert_eq!(
            err,
            LoadError::DuplicateKey {
                key: "a".into(),
                pos: Pos::new(3, 1),
                first: Pos::new(1, 1)
            }
        );
        // yaml.v3 compares keys as written: `1` and `"1"` are the same key,
        // `0x10` and `16` are not.
        assert!(load("1: a\n\"1\": b\n").is_err());
        assert!(load("0x10: a\n16: b\n").is_ok());
    }

    #[test]
    fn duplicates_are_found_in_large_mappings_too() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\n");
        let err = load(&text).unwrap_err();
        assert_eq!(
            err,
            LoadError::DuplicateKey {
                key: "k3".into(),
                pos: Pos::new(41, 1),
                first: Pos::new(4, 1)
            }
        );
        text.push_str("k39: again\n");
        assert!(load(&text).is_err());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = load("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(err, LoadError::Syntax { pos, .. } if pos.line >= 1));
        assert!(load("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn empty_text_is_no_document() {
        assert!(load("").unwrap().is_none());
        assert!(load("# only a comment\n").unwrap().is_none());
    }

    #[test]
    fn anchors_and_merge_keys() {
        let root = load("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
            .unwrap()
            .unwrap();
        let NodeKind::Map(pairs) = root.into_kind() else {
            panic!()
        };
        let NodeKind::Map(other) = &pairs[1].1.kind else {
            panic!()
        };
        let get = |k: &str| {
            other
                .iter()
                .find(|(key, _)| matches!(&key.kind, NodeKind::Str(s) if s == k))
                .map(|(_, v)| v.kind.identity())
        };
        assert_eq!(get("x"), Some(Some(KeyId::Int(1))));
        assert_eq!(get("y"), Some(Some(KeyId::Int(3))));
    }
}
