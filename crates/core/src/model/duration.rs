//! Go and Temporal duration syntax.
//!
//! Temporal reads duration settings with `timestamp.ParseDurationDefaultSeconds`:
//! Go's `time.ParseDuration`, plus a `d` unit of exactly 24h, plus unitless
//! non-negative numbers meaning seconds.

/// Nanoseconds, as Go's `time.Duration`.
pub type Nanos = i64;

/// Parse like Go's `time.ParseDuration`.
pub fn parse_go(s: &str) -> Result<Nanos, String> {
    let invalid = || format!("invalid duration {s:?}");
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
        neg = bytes[i] == b'-';
        i += 1;
    }
    if &s[i..] == "0" {
        return Ok(0);
    }
    if i == bytes.len() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while i < bytes.len() {
        let start = i;
        let mut int_part: u128 = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            int_part = int_part
                .checked_mul(10)
                .and_then(|v| v.checked_add(u128::from(bytes[i] - b'0')))
                .ok_or_else(invalid)?;
            i += 1;
        }
        let had_int = i > start;
        let mut frac: u128 = 0;
        let mut scale: u128 = 1;
        let mut had_frac = false;
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let fs = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                // Digits beyond nanosecond precision cannot change the result.
                if scale < 1_000_000_000_000_000_000 {
                    frac = frac * 10 + u128::from(bytes[i] - b'0');
                    scale *= 10;
                }
                i += 1;
            }
            had_frac = i > fs;
        }
        if !had_int && !had_frac {
            return Err(invalid());
        }
        let us = i;
        while i < bytes.len() && !(bytes[i] == b'.' || bytes[i].is_ascii_digit()) {
            i += 1;
        }
        let unit: u128 = match &s[us..i] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("missing unit in duration {s:?}")),
            other => return Err(format!("unknown unit {other:?} in duration {s:?}")),
        };
        let v = int_part
            .checked_mul(unit)
            .and_then(|v| v.checked_add(frac * unit / scale))
            .ok_or_else(invalid)?;
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > (i64::MAX as u128) + u128::from(neg) {
            return Err(invalid());
        }
    }
    Ok(if neg {
        (total as i128).wrapping_neg() as i64
    } else {
        total as i64
    })
}

fn is_unitless_number(s: &str) -> bool {
    // Go: ^(\d+(\.\d*)?|(\.\d+))$
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('.') {
        None => !s.is_empty() && digits(s),
        Some((int, frac)) => digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()),
    }
}

/// Replace each `<number>d` with its length in hours, as Temporal's
/// `ParseDuration` does (leftmost, non-overlapping matches of
/// `(\d+(\.\d*)?|(\.\d+))d`).
fn expand_days(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if let Some(end) = match_number(b, i) {
            if end < b.len() && b[end] == b'd' {
                if let Ok(v) = s[i..end].parse::<f64>() {
                    out.push_str(&s[copied..i]);
                    out.push_str(&format!("{:.6}h", 24.0 * v));
                    i = end + 1;
                    copied = i;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&s[copied..]);
    out
}

fn match_number(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        return Some(i);
    }
    if i < b.len() && b[i] == b'.' {
        let fs = i + 1;
        let mut j = fs;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > fs {
            return Some(j);
        }
    }
    None
}

/// Parse a duration string as Temporal's `ParseDurationDefaultSeconds` does.
pub fn parse_temporal(s: &str) -> Result<Nanos, String> {
    let mut text = s.to_string();
    if is_unitless_number(&text) {
        text.push('s');
    }
    let expanded = expand_days(&text);
    parse_go(&expanded).map_err(|_| {
        format!("invalid duration {s:?}: expected a Go duration such as \"10s\", \"1m30s\", \"1.5h\" or \"2d\", or a number of seconds")
    })
}

/// Whole seconds to a duration as Temporal converts an int
/// (`time.Duration(i) * time.Second`): past about 292 years it wraps.
pub fn from_int_seconds(secs: i64) -> Nanos {
    secs.wrapping_mul(1_000_000_000)
}

/// Seconds from a float to a duration as Temporal converts one
/// (`time.Duration(f * float64(time.Second))`, see [`go_float_to_int`]).
pub fn from_float_seconds(secs: f64) -> Nanos {
    go_float_to_int(secs * 1e9)
}

/// Go's conversion of a float to int64 on amd64 servers: toward zero, and
/// the smallest int64 when out of range or NaN (arm64 saturates instead;
/// either way the value is not the one written, which validation says).
pub fn go_float_to_int(f: f64) -> i64 {
    if f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64 {
        f as i64
    } else {
        i64::MIN
    }
}

/// Format like Go's `time.Duration.String` (`1h0m0s`, `1.5s`, `100ms`).
pub fn format_go(d: Nanos) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut s = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("\u{b5}s", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        s.push_str(&frac_string(u, div));
        s.push_str(unit);
    } else {
        let h = u / 3_600_000_000_000;
        let rem = u % 3_600_000_000_000;
        let m = rem / 60_000_000_000;
        let secs = rem % 60_000_000_000;
        if h > 0 {
            s.push_str(&format!("{h}h{m}m"));
        } else if m > 0 {
            s.push_str(&format!("{m}m"));
        }
        s.push_str(&frac_string(secs, 1_000_000_000));
        s.push('s');
    }
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

fn frac_string(v: u64, div: u64) -> String {
    let whole = v / div;
    let frac = v % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.ilog10() as usize;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go("10s"), Ok(10 * S));
        assert_eq!(parse_go("1m30s"), Ok(90 * S));
        assert_eq!(parse_go("1.5h"), Ok(5400 * S));
        assert_eq!(parse_go("-5s"), Ok(-5 * S));
        assert_eq!(parse_go("+5s"), Ok(5 * S));
        assert_eq!(parse_go("0"), Ok(0));
        assert_eq!(parse_go("300ms"), Ok(300_000_000));
        assert_eq!(parse_go("1us"), Ok(1_000));
        assert_eq!(parse_go("1\u{b5}s"), Ok(1_000));
        assert_eq!(parse_go(".5s"), Ok(S / 2));
        assert_eq!(parse_go("5.s"), Ok(5 * S));
        assert!(parse_go("").is_err());
        assert!(parse_go("10").is_err());
        assert!(parse_go("1d").is_err());
        assert!(parse_go("s").is_err());
        assert!(parse_go("10x").is_err());
        assert!(parse_go("3000000h").is_err());
    }

    #[test]
    fn temporal_durations() {
        assert_eq!(parse_temporal("1d12h"), Ok(36 * 3600 * S));
        assert_eq!(parse_temporal("1.5d"), Ok(36 * 3600 * S));
        assert_eq!(parse_temporal("30"), Ok(30 * S));
        assert_eq!(parse_temporal("1.5"), Ok(S + S / 2));
        assert_eq!(parse_temporal(".5"), Ok(S / 2));
        assert_eq!(parse_temporal("-5s"), Ok(-5 * S));
        assert!(parse_temporal("-5").is_err());
        assert!(parse_temporal("ten seconds").is_err());
        assert!(parse_temporal("").is_err());
        assert!(parse_temporal(".").is_err());
    }

    #[test]
    fn go_formatting() {
        assert_eq!(format_go(0), "0s");
        assert_eq!(format_go(60 * S), "1m0s");
        assert_eq!(format_go(3600 * S), "1h0m0s");
        assert_eq!(format_go(S + S / 2), "1.5s");
        assert_eq!(format_go(100_000_000), "100ms");
        assert_eq!(format_go(-90 * S), "-1m30s");
        assert_eq!(format_go(8760 * 3600 * S), "8760h0m0s");
    }
}
