//! tcfg-core: Temporal's dynamic config, exactly as Temporal reads it.
//!
//! Its layers, each using only the ones listed before it:
//! - [`model`]: keys, values, constraints, the [`Document`], its YAML
//!   parsing with source positions, and the canonical serialisation;
//! - [`temporal`]: Temporal's rules: the key [`Registry`] of each release,
//!   typed values, precedence resolution ([`resolve`]) and validation;
//! - [`store`]: etcd access;
//! - [`changes`]: edits, plans, reviews, and the one way to write them
//!   ([`changes::commit`]: fitted into transactions, each with its record);
//! - [`serving`]: the watch/cache client and the whole-prefix views.
//!
//! ```
//! use tcfg_core::temporal::validate::{check_source, Options};
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

#![warn(missing_docs)]

pub mod changes;
pub mod model;
pub mod serving;
pub mod store;
pub mod temporal;

pub use model::constraints::{ConstraintField, Constraints, FieldSet, HistoryTaskType, TaskQueueType};
pub use model::document::{ConstrainedValue, Document, Entry, Parsed};
pub use model::finding::{Code, Finding, Level};
pub use model::key::Key;
pub use model::parse::{parse_document, parse_items};
pub use model::value::Value;
pub use temporal::registry::{KeyDef, Precedence, Registry, RegistryError, ValueType};
pub use temporal::resolve::{resolve, Resolution, ResolveError, Source};
pub use temporal::validate::{validate, Options};
