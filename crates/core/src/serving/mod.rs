//! Config served to its readers: the watch/cache client a service embeds,
//! a whole prefix prepared as `tcfg dump` shows it, and the file a stock
//! Temporal server reads (`render`, written by `file`), and the leadership
//! of the processes that end incident overrides (`expirer`).

pub mod compact;
pub mod dump;
pub mod expirer;
pub mod file;
pub mod fleet;
pub mod render;
pub mod renderer;
pub mod status;
pub mod watch;
