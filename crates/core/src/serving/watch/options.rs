//! Tuning of the watch client.

use std::time::Duration;

/// Tuning of the client.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// First wait after a failure; doubles up to `backoff_max`, with jitter.
    pub backoff_min: Duration,
    /// The longest wait between attempts.
    pub backoff_max: Duration,
    /// A stream that delivers nothing (not even a progress answer) for twice
    /// this long is taken for dead and replaced: a frozen member sends no
    /// error, it just stops.
    pub liveness: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(30),
            liveness: Duration::from_secs(2),
        }
    }
}
