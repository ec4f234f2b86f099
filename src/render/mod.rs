//! Output formats shared by the commands.

pub mod github;
pub mod json;
pub mod markdown;
pub mod table;
