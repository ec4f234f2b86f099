//! The decode phase: a tree into nodes with aliases expanded and merge keys
//! applied, as yaml.v3 decodes into the types Temporal gives it, with the
//! same guard against alias expansion (billion laughs): a document whose
//! decoding is mostly expansion is refused, by yaml.v3's own rule.

use std::collections::HashSet;

use super::events::ScalarStyle;
use super::tree::{Id, RawKind, Tree};
use super::{resolve_scalar, KeyId, LoadError, Node, NodeKind, Pos};

/// What a node is decoded into, which decides what is decoded at all:
/// Temporal decodes a file into `map[string][]struct{Constraints
/// map[string]any; Value any}`, so fields other than those two are never
/// looked at (nor expanded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `any`.
    Any,
    /// A file: key names to lists of items.
    Document,
    /// One key's list of items.
    Items,
    /// One item.
    Item,
    /// A string: map keys of the shapes above (a scalar's text as written).
    Key,
}

/// yaml.v3's `allowedAliasRatio`: the share of decoding that may come from
/// alias expansion, 99 % for small documents down to 10 % for large ones.
fn allowed_alias_ratio(decodes: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decodes <= LOW {
        0.99
    } else if decodes >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decodes - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

pub(super) struct Decoder<'t> {
    tree: &'t Tree,
    decodes: u64,
    aliased: u64,
    alias_depth: u32,
    /// Where the outermost alias being expanded is used.
    alias_use: Pos,
    /// Alias nodes being expanded (an anchor that contains itself).
    expanding: HashSet<Id>,
}

impl<'t> Decoder<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Decoder {
            tree,
            decodes: 0,
            aliased: 0,
            alias_depth: 0,
            alias_use: Pos::default(),
            expanding: HashSet::new(),
        }
    }

    fn count(&mut self, pos: Pos) -> Result<(), LoadError> {
        self.decodes += 1;
        if self.alias_depth > 0 {
            self.aliased += 1;
        }
        if self.aliased > 100
            && self.decodes > 1000
            && self.aliased as f64 / self.decodes as f64 > allowed_alias_ratio(self.decodes)
        {
            return Err(LoadError::Limit {
                pos: if self.alias_depth > 0 { self.alias_use } else { pos },
                message: "the document expands aliases excessively (most of it is copies of anchors), which Temporal's YAML parser (yaml.v3) refuses".into(),
            });
        }
        Ok(())
    }

    /// Decode node `id` into `shape`; `None` where yaml.v3 leaves the
    /// target unset (a null map key into a string).
    pub fn decode(&mut self, id: Id, shape: Shape) -> Result<Option<Node>, LoadError> {
        crate::model::stack::deep(|| self.decode_here(id, shape))
    }

    fn decode_here(&mut self, id: Id, shape: Shape) -> Result<Option<Node>, LoadError> {
        let raw = self.tree.node(id);
        self.count(raw.pos)?;
        match &raw.kind {
            RawKind::Alias { target, anchor } => {
                let target = *target;
                self.enter_alias(id, anchor, raw.pos)?;
                let node = self.decode(target, shape);
                self.leave_alias(id);
                // Findings point at the alias, where the value is used.
                Ok(node?.map(|mut n| {
                    n.pos = raw.pos;
                    n
                }))
            }
            RawKind::Scalar { value, style, tag } => {
                let kind = resolve_scalar(value.clone(), *style, tag.as_deref())
                    .map_err(|message| LoadError::Syntax { pos: raw.pos, message })?;
                let binary = tag
                    .as_deref()
                    .is_some_and(|t| super::scalar::short_tag(t) == "!!binary");
                Ok(match (shape, kind) {
                    (Shape::Key, NodeKind::Null) => None,
                    // `!!binary` into a string is its decoded text
                    // (yaml.v3's `scalar`), so `? !!binary dmFsdWU=` is `value`.
                    (Shape::Key, kind @ NodeKind::Str(_)) if binary => Some(kind),
                    // A string target takes the scalar's text as written.
                    (Shape::Key, _) => Some(NodeKind::Str(value.clone())),
                    (_, kind) => Some(kind),
                }
                .map(|kind| Node { kind, pos: raw.pos }))
            }
            RawKind::Seq(items) => {
                let element = match shape {
                    Shape::Any | Shape::Key => Shape::Any,
                    Shape::Items => Shape::Item,
                    // A list where a map belongs: reported, not decoded.
                    Shape::Document | Shape::Item => return Ok(Some(shallow(NodeKind::Seq(Vec::new()), raw.pos))),
                };
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    if let Some(n) = self.decode(item, element)? {
                        out.push(n);
                    }
                }
                Ok(Some(Node {
                    kind: NodeKind::Seq(out),
                    pos: raw.pos,
                }))
            }
            RawKind::Map(_) => {
                if shape == Shape::Items {
                    return Ok(Some(shallow(NodeKind::Map(Vec::new()), raw.pos)));
                }
                let mut out = Vec::new();
                self.mapping(id, shape, &mut out, None, None)?;
                Ok(Some(Node {
                    kind: NodeKind::Map(out),
                    pos: raw.pos,
                }))
            }
        }
    }

    fn enter_alias(&mut self, id: Id, anchor: &str, pos: Pos) -> Result<(), LoadError> {
        if !self.expanding.insert(id) {
            return Err(LoadError::Syntax {
                pos,
                message: format!("anchor '{anchor}' value contains itself"),
            });
        }
        if self.alias_depth == 0 {
            self.alias_use = pos;
        }
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self, id: Id) {
        self.alias_depth -= 1;
        self.expanding.remove(&id);
    }

    /// yaml.v3's `mapping` and `mappingStruct`: the pairs of mapping `id`
    /// into `out`, skipping keys a merge already has (`merged`), then its
    /// own merge key's pairs. A merged mapping's keys are decoded as the
    /// keys of the map it merges into (`keys`).
    fn mapping(
        &mut self,
        id: Id,
        shape: Shape,
        out: &mut Vec<(Node, Node)>,
        mut merged: Option<HashSet<KeyId>>,
        keys: Option<Shape>,
    ) -> Result<Option<HashSet<KeyId>>, LoadError> {
        let tree = self.tree;
        let RawKind::Map(children) = &tree.node(id).kind else {
            unreachable!("called on mappings only");
        };
        check_duplicates(tree, children)?;
        let (key_shape, value_shape) = match shape {
            Shape::Document => (Shape::Key, Some(Shape::Items)),
            Shape::Item => (Shape::Key, None),
            // Into `any`, a mapping whose own keys are all strings or merges
            // becomes a `map[string]any`: the keys it merges in are text too
            // (`{<<: {1: 2}}` is `{"1": 2}`); any other is `map[any]any`.
            _ => (
                keys.unwrap_or(if is_string_map(tree, children) {
                    Shape::Key
                } else {
                    Shape::Any
                }),
                Some(Shape::Any),
            ),
        };
        let mut merge_value = None;
        for pair in children.chunks_exact(2) {
            let (k, v) = (pair[0], pair[1]);
            if is_merge(tree, k) {
                merge_value = Some(v);
                continue;
            }
            let Some(key) = self.decode(k, key_shape)? else {
                continue;
            };
            if let (Some(m), Some(id)) = (merged.as_mut(), key.kind.identity()) {
                if !m.insert(id) {
                    continue;
                }
            }
            let value_shape = value_shape.or(match &key.kind {
                // The two fields of an item; Temporal never decodes others.
                NodeKind::Str(s) if s == "value" || s == "constraints" => Some(Shape::Any),
                _ => None,
            });
            let value = match value_shape {
                Some(s) => match self.decode(v, s)? {
                    Some(n) => n,
                    None => continue,
                },
                None => Node {
                    kind: NodeKind::Null,
                    pos: tree.node(v).pos,
                },
            };
            out.push((key, value));
        }
        if let Some(m) = merge_value {
            merged = Some(self.merge(children, m, shape, key_shape, out, merged)?);
        }
        Ok(merged)
    }

    /// yaml.v3's `merge`: the pairs of the mapping(s) named by a merge key,
    /// for keys the mapping does not set itself.
    fn merge(
        &mut self,
        parent: &[Id],
        m: Id,
        shape: Shape,
        keys: Shape,
        out: &mut Vec<(Node, Node)>,
        merged: Option<HashSet<KeyId>>,
    ) -> Result<HashSet<KeyId>, LoadError> {
        let mut merged = match merged {
            Some(m) => m,
            None => {
                let mut set = HashSet::new();
                for &k in parent.iter().step_by(2) {
                    if let Some(id) = self.decode(k, Shape::Any)?.and_then(|n| n.kind.identity()) {
                        set.insert(id);
                    }
                }
                set
            }
        };
        let tree = self.tree;
        let raw = tree.node(m);
        let want_map = || LoadError::Syntax {
            pos: raw.pos,
            message: "map merge requires map or sequence of maps as the value".into(),
        };
        let sources: Vec<Id> = match &raw.kind {
            RawKind::Map(_) | RawKind::Alias { .. } => vec![m],
            RawKind::Seq(items) => items.clone(),
            RawKind::Scalar { .. } => return Err(want_map()),
        };
        for source in sources {
            merged = self.merge_one(source, shape, keys, out, merged, &want_map)?;
        }
        Ok(merged)
    }

    fn merge_one(
        &mut self,
        source: Id,
        shape: Shape,
        keys: Shape,
        out: &mut Vec<(Node, Node)>,
        merged: HashSet<KeyId>,
        want_map: &dyn Fn() -> LoadError,
    ) -> Result<HashSet<KeyId>, LoadError> {
        let tree = self.tree;
        let raw = tree.node(source);
        match &raw.kind {
            RawKind::Map(_) => {
                self.count(raw.pos)?;
                Ok(self
                    .mapping(source, shape, out, Some(merged), Some(keys))?
                    .unwrap_or_default())
            }
            RawKind::Alias { target, anchor } if matches!(tree.node(*target).kind, RawKind::Map(_)) => {
                let target = *target;
                self.count(raw.pos)?;
                self.enter_alias(source, anchor, raw.pos)?;
                let done = self.count(tree.node(target).pos).and_then(|()| {
                    crate::model::stack::deep(|| self.mapping(target, shape, out, Some(merged), Some(keys)))
                });
                self.leave_alias(source);
                Ok(done?.unwrap_or_default())
            }
            _ => Err(want_map()),
        }
    }
}

fn shallow(kind: NodeKind, pos: Pos) -> Node {
    Node { kind, pos }
}

/// yaml.v3's `isStringMap`: every key of the mapping is, by yaml.v3's
/// `ShortTag`, a string or a merge.
fn is_string_map(tree: &Tree, children: &[Id]) -> bool {
    children.iter().step_by(2).all(|&k| is_string_or_merge(tree, k))
}

/// A key's `ShortTag` is `!!str` or `!!merge`: an explicit tag says so
/// (`!` is none); else a quoted or block scalar is a string, a plain `<<` a
/// merge, and other plain scalars resolve as they read. An alias has its
/// anchor's tag (an anchor is never an alias); a collection key is neither
/// (an explicit `!!str` on one is not modelled).
fn is_string_or_merge(tree: &Tree, id: Id) -> bool {
    match &tree.node(id).kind {
        RawKind::Alias { target, .. } => is_string_or_merge(tree, *target),
        RawKind::Scalar { value, style, tag } => match tag.as_deref() {
            Some(t) if t != "!" => matches!(&*super::scalar::short_tag(t), "!!str" | "!!merge"),
            _ if *style != ScalarStyle::Plain => true,
            _ if value == "<<" => true,
            _ => matches!(
                resolve_scalar(value.clone(), ScalarStyle::Plain, None),
                Ok(NodeKind::Str(_))
            ),
        },
        RawKind::Seq(_) | RawKind::Map(_) => false,
    }
}

/// yaml.v3's `isMerge`: a plain `<<` (or one tagged `!!merge`).
fn is_merge(tree: &Tree, id: Id) -> bool {
    matches!(&tree.node(id).kind, RawKind::Scalar { value, style, tag }
    if value == "<<" && match tag.as_deref() {
        None | Some("!") => *style == ScalarStyle::Plain,
        Some(t) => t == "tag:yaml.org,2002:merge",
    })
}

/// yaml.v3 refuses a mapping in which two keys are the same kind of node
/// with the same text (`a` and `"a"`, `1` and `"1"`; not `0x10` and `16`).
fn check_duplicates(tree: &Tree, children: &[Id]) -> Result<(), LoadError> {
    if children.len() <= 2 {
        return Ok(());
    }
    let mut seen: std::collections::HashMap<(u8, &str), Pos> =
        std::collections::HashMap::with_capacity(children.len() / 2);
    for &k in children.iter().step_by(2) {
        let raw = tree.node(k);
        let (kind, text) = match &raw.kind {
            RawKind::Scalar { value, .. } => (0, value.as_str()),
            RawKind::Alias { anchor, .. } => (1, anchor.as_str()),
            RawKind::Seq(_) => (2, ""),
            RawKind::Map(_) => (3, ""),
        };
        if let Some(first) = seen.insert((kind, text), raw.pos) {
            return Err(LoadError::DuplicateKey {
                key: text.to_string(),
                pos: raw.pos,
                first,
            });
        }
    }
    Ok(())
}
