//! Temporal's rules: which keys each release registers, how a value is
//! typed and converted, which item a lookup takes, what Temporal rejects,
//! and what changes from one release to the next.

pub mod registry;
pub mod resolve;
pub mod rolling;
pub mod typed;
pub mod upgrade;
pub mod validate;
