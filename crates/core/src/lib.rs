//! tcfg-core: Temporal's dynamic config, exactly as Temporal reads it.
//!
//! The model ([`Key`], [`Constraints`], [`ConstrainedValue`], [`Document`]),
//! its YAML/JSON parsing with source positions, the key [`Registry`] of each
//! Temporal release, validation ([`validate`]), precedence resolution
//! ([`resolve`]) and the canonical serialisation ([`serialize`]).

pub mod constraints;
pub mod document;
pub mod duration;
pub mod finding;
pub mod key;
pub mod registry;
pub mod resolve;
pub mod serialize;
pub mod typed;
pub mod validate;
pub mod value;
pub mod yaml;

pub use constraints::{ConstraintField, Constraints, FieldSet, HistoryTaskType, TaskQueueType};
pub use document::{parse_document, parse_items, ConstrainedValue, Document, Entry, Parsed};
pub use finding::{Code, Finding, Level};
pub use key::Key;
pub use registry::{KeyDef, Precedence, Registry, RegistryError, ValueType};
pub use resolve::{resolve, Resolution, ResolveError, Source};
pub use validate::{validate, Options};
pub use value::Value;
