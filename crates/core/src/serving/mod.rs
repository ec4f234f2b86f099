//! Config served to its readers: the watch/cache client a service embeds,
//! a whole prefix prepared as `tcfg dump` shows it, and the file a stock
//! Temporal server reads (`render`, written by `file`).

pub mod compact;
pub mod dump;
pub mod file;
pub mod fleet;
pub mod render;
pub mod renderer;
pub mod status;
pub mod watch;
