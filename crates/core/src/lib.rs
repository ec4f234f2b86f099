//! tcfg-core: Temporal's dynamic config, exactly as Temporal reads it.
//!
//! The model ([`Key`], [`Constraints`], [`ConstrainedValue`], [`Document`]),
//! its YAML/JSON parsing with source positions, the key [`Registry`] of each
//! Temporal release, validation ([`validate`]), precedence resolution
//! ([`resolve`]) and the canonical serialisation ([`serialize`]).
//!
//! ```
//! use tcfg_core::validate::{check_source, Options};
//! use tcfg_core::{resolve, Constraints, Key, Registry, Source, Value};
//!
//! let registry = Registry::for_version(Some("1.31")).unwrap();
//! let text = "frontend.namespaceRPS:\n  - value: 4000\n    constraints: {namespace: payments}\n  - value: 1200\n";
//! let (doc, findings) = check_source("prod.yaml", text, &registry, &Options::default());
//! assert!(findings.is_empty());
//!
//! let scope = Constraints { namespace: Some("payments".into()), ..Default::default() };
//! let r = resolve(&doc, &registry, &Key::new("frontend.namespaceRPS"), &scope).unwrap();
//! assert_eq!(r.value, Value::Int(4000));
//! assert_eq!(r.source, Source::Item { index: 0 });
//! ```

pub mod batch;
pub mod compact;
pub mod constraints;
pub mod document;
pub mod duration;
pub mod edit;
pub mod finding;
pub mod key;
pub mod plan;
pub mod registry;
pub mod resolve;
pub mod serialize;
mod stack;
pub mod store;
pub mod typed;
pub mod validate;
pub mod value;
pub mod watch;
pub mod yaml;

pub use constraints::{ConstraintField, Constraints, FieldSet, HistoryTaskType, TaskQueueType};
pub use document::{parse_document, parse_items, ConstrainedValue, Document, Entry, Parsed};
pub use finding::{Code, Finding, Level};
pub use key::Key;
pub use registry::{KeyDef, Precedence, Registry, RegistryError, ValueType};
pub use resolve::{resolve, Resolution, ResolveError, Source};
pub use validate::{validate, Options};
pub use value::Value;
