//! Temporal's rules: which keys each release registers, how a value is
//! typed and converted, which item a lookup takes, and what Temporal rejects.

pub mod registry;
pub mod resolve;
pub mod typed;
pub mod validate;
