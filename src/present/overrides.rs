//! Incident overrides as `tcfg overrides` lists them, and the time left.

use std::io::Write;
use std::time::{Duration, SystemTime};

use tcfg_core::changes::overrides::{Active, Standing};

use super::table::{new_table, write_table};

/// The time until `ends` as an operator reads it (`1h12m`, `40s`), or how
/// long ago it passed (`overdue by 3m`).
pub fn left(ends: SystemTime, now: SystemTime) -> String {
    match ends.duration_since(now) {
        Ok(d) => short(d),
        Err(e) => format!("overdue by {}", short(e.duration())),
    }
}

/// A duration to the minute (to the second under ten minutes).
fn short(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{sec}s"),
        (0, m) if m < 10 => format!("{m}m{sec}s"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// The value an override set, as a listing shows it: with what its item
/// holds now when someone changed it since.
pub fn value_shown(set: String, superseded: Option<&str>) -> String {
    match superseded {
        Some(now) => format!("{set} (superseded: now {now})"),
        None => set,
    }
}

/// The overrides in force (each with where it stands), a row each.
pub fn write_table_of(out: &mut impl Write, active: &[(Active, Standing)], now: SystemTime) -> std::io::Result<()> {
    let mut table = new_table();
    table.set_header([
        "REVISION", "KEY", "SCOPE", "VALUE", "RESTORES", "ENDS IN", "AUTHOR", "MESSAGE",
    ]);
    for (a, standing) in active {
        let ends = a.ends_at().map_or_else(|| a.entry.ends.clone(), |t| left(t, now));
        table.add_row([
            a.revision.to_string(),
            a.entry.key.clone(),
            a.entry.scope.clone(),
            value_shown(a.set_text(), standing.changed_to()),
            a.restore_text(),
            ends,
            a.entry.author.short(),
            a.entry.message.clone(),
        ]);
    }
    write_table(out, &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_as_an_operator_says_it() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(left(now + Duration::from_secs(4320), now), "1h12m");
        assert_eq!(left(now + Duration::from_secs(125), now), "2m5s");
        assert_eq!(left(now + Duration::from_secs(1800), now), "30m");
        assert_eq!(left(now + Duration::from_secs(9), now), "9s");
        assert_eq!(left(now - Duration::from_secs(180), now), "overdue by 3m0s");
    }
}
