//! Output formats shared by the commands.

pub mod json;
pub mod table;
