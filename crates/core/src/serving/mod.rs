//! Config served to its readers: the watch/cache client a service embeds,
//! and a whole prefix prepared as `tcfg dump` shows it.

pub mod compact;
pub mod dump;
pub mod watch;
