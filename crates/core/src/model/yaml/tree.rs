//! The parse phase: events into a tree of nodes where an alias points at
//! its anchor's node and nothing is expanded yet, as yaml.v3's parser
//! builds it, within yaml.v3's nesting limits.

use std::collections::HashMap;

use super::events::{Event, Parser, ScalarStyle};
use super::{LoadError, Pos};

/// yaml.v3's `max_flow_level` and `max_indents`: deeper flow collections,
/// or more nested block indentation levels, reject the document.
pub const MAX_DEPTH: usize = 10_000;

pub(super) type Id = u32;

pub(super) struct Raw {
    pub pos: Pos,
    pub kind: RawKind,
}

pub(super) enum RawKind {
    Scalar {
        value: String,
        style: ScalarStyle,
        tag: Option<String>,
    },
    /// Items of a sequence; keys and values, alternating, of a mapping.
    Seq(Vec<Id>),
    Map(Vec<Id>),
    Alias {
        target: Id,
        anchor: String,
    },
}

/// The first document of a text, as nodes.
pub(super) struct Tree {
    pub nodes: Vec<Raw>,
    pub root: Option<Id>,
    /// Where a second document starts, if the text has one.
    pub next_document: Option<Pos>,
}

impl Tree {
    pub fn node(&self, id: Id) -> &Raw {
        &self.nodes[id as usize]
    }
}

struct Open {
    id: Id,
    /// A block collection that pushed an indentation level (yaml.v3's
    /// scanner counts these, not block collections: a sequence written at
    /// its parent key's column adds none).
    indents: bool,
    flow: bool,
    col: u32,
}

pub(super) fn parse(text: &[u8]) -> Result<Tree, LoadError> {
    let mut parser = Parser::new(text);
    let mut nodes: Vec<Raw> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut anchors: HashMap<String, Id> = HashMap::new();
    let (mut flow_level, mut indents) = (0usize, 0usize);
    let mut root = None;
    let mut documents = 0;
    let mut ended = false;
    loop {
        let (event, pos) = match parser.next_event() {
            Ok(e) => e,
            // yaml.v3 stops at the end of the first document: what follows
            // is never parsed, even when it is not valid YAML.
            Err(e) if ended => {
                return Ok(Tree {
                    nodes,
                    root,
                    next_document: Some(e.pos),
                })
            }
            Err(e) => {
                return Err(LoadError::Syntax {
                    pos: e.pos,
                    message: e.message,
                })
            }
        };
        let id = Id::try_from(nodes.len()).map_err(|_| LoadError::Limit {
            pos,
            message: "the document has more nodes than tcfg can hold".into(),
        })?;
        let (kind, anchor, opens) = match event {
            Event::StreamStart => continue,
            Event::DocumentEnd => {
                ended = true;
                continue;
            }
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Ok(Tree {
                        nodes,
                        root,
                        next_document: Some(pos),
                    });
                }
                continue;
            }
            Event::Scalar {
                anchor,
                tag,
                value,
                style,
            } => (RawKind::Scalar { value, style, tag }, anchor, None),
            Event::Alias { anchor } => match anchors.get(&anchor) {
                Some(&target) => (RawKind::Alias { target, anchor }, None, None),
                None => {
                    return Err(LoadError::Syntax {
                        pos,
                        message: format!("unknown anchor '{anchor}' referenced"),
                    })
                }
            },
            Event::SequenceStart { anchor, flow, .. } => (RawKind::Seq(Vec::new()), anchor, Some(flow)),
            Event::MappingStart { anchor, flow, .. } => (RawKind::Map(Vec::new()), anchor, Some(flow)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(o) = open.pop() {
                    flow_level -= usize::from(o.flow);
                    indents -= usize::from(o.indents);
                }
                continue;
            }
        };
        nodes.push(Raw { pos, kind });
        // Registered before its content: an alias inside refers to it
        // (and its expansion then contains itself, which the decoder refuses).
        if let Some(a) = anchor {
            anchors.insert(a, id);
        }
        match open.last() {
            None => root = Some(id),
            Some(parent) => match &mut nodes[parent.id as usize].kind {
                RawKind::Seq(items) | RawKind::Map(items) => items.push(id),
                _ => unreachable!("only collections are open"),
            },
        }
        if let Some(flow) = opens {
            let indents_here = !flow && open.iter().rev().find(|o| !o.flow).is_none_or(|o| pos.col > o.col);
            flow_level += usize::from(flow);
            indents += usize::from(indents_here);
            if flow_level > MAX_DEPTH || indents > MAX_DEPTH {
                return Err(LoadError::Limit {
                    pos,
                    message:
                        "collections nest deeper than 10,000 levels, the most Temporal's YAML parser (yaml.v3) accepts"
                            .into(),
                });
            }
            open.push(Open {
                id,
                indents: indents_here,
                flow,
                col: pos.col,
            });
        }
    }
    Ok(Tree {
        nodes,
        root,
        next_document: None,
    })
}
