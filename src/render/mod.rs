//! Output formats shared by the commands.

pub mod json;
