//! The model: keys, values, constraints and documents as Temporal's file
//! holds them, their YAML parsing and the canonical text tcfg writes.

pub mod constraints;
pub mod document;
pub mod duration;
pub mod finding;
pub mod key;
pub mod parse;
pub mod serialize;
pub(crate) mod stack;
pub mod suggest;
pub mod value;
pub mod yaml;
