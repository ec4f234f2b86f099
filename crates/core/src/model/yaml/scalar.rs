//! What a scalar is, as yaml.v3's `resolve` decides it (decoding into
//! `any`): its plain-scalar rules, its tags, and Go's number and timestamp
//! parsers behind them (`strconv.ParseInt`/`ParseUint`/`ParseFloat`,
//! `time.Parse` with yaml.v3's four layouts).

use super::events::ScalarStyle;
use super::NodeKind;

const LONG_TAG: &str = "tag:yaml.org,2002:";

/// A tag as yaml.v3 shortens it: `tag:yaml.org,2002:int` is `!!int`.
pub(super) fn short_tag(tag: &str) -> std::borrow::Cow<'_, str> {
    match tag.strip_prefix(LONG_TAG) {
        Some(rest) => format!("!!{rest}").into(),
        None => tag.into(),
    }
}

/// A scalar as yaml.v3 decodes it into `any`; `Err` with yaml.v3's own
/// words where it refuses the document (a tag the text does not fit).
pub(super) fn resolve_scalar(value: String, style: ScalarStyle, tag: Option<&str>) -> Result<NodeKind, String> {
    // No tag, or the non-specific `!`: quoted and block scalars are strings,
    // plain ones resolved by their text.
    let tag = match tag {
        None | Some("!") => {
            return Ok(if style == ScalarStyle::Plain {
                match resolve_plain(&value) {
                    NodeKind::Str(_) => NodeKind::Str(value),
                    other => other,
                }
            } else {
                NodeKind::Str(value)
            });
        }
        Some(t) => short_tag(t),
    };
    match tag.as_ref() {
        "!!str" => Ok(NodeKind::Str(value)),
        "!!binary" => decode_base64(&value)
            .map(|b| NodeKind::Str(String::from_utf8_lossy(&b).into_owned()))
            .ok_or_else(|| "!!binary value contains invalid base64 data".to_string()),
        t @ ("!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp") => {
            let resolved = resolve_text(&value, t == "!!timestamp");
            let got = tag_of(&resolved);
            if got == t {
                return Ok(resolved);
            }
            match (t, resolved) {
                // An int read as a float: yaml.v3 converts it.
                ("!!float", NodeKind::Int(i)) => Ok(NodeKind::Float(i as f64)),
                ("!!float", NodeKind::Uint(u)) => Ok(NodeKind::Float(u as f64)),
                _ => Err(format!("cannot decode {got} `{value}` as a {t}")),
            }
        }
        // A tag yaml.v3 does not resolve (local tags such as `!custom`,
        // `!!merge`, `!!map` on a scalar): the text, as a string.
        _ => Ok(NodeKind::Str(value)),
    }
}

fn tag_of(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Null => "!!null",
        NodeKind::Bool(_) => "!!bool",
        NodeKind::Int(_) | NodeKind::Uint(_) => "!!int",
        NodeKind::Float(_) => "!!float",
        NodeKind::Time(_) => "!!timestamp",
        NodeKind::Str(_) | NodeKind::Seq(_) | NodeKind::Map(_) => "!!str",
    }
}

/// An untagged plain scalar, as yaml.v3 resolves it.
pub fn resolve_plain(s: &str) -> NodeKind {
    resolve_text(s, true)
}

/// yaml.v3's `resolve` of a text, the tag aside; timestamps only when the
/// scalar is plain and untagged, or tagged `!!timestamp`.
fn resolve_text(s: &str, timestamps: bool) -> NodeKind {
    if let Some(kind) = special(s) {
        return kind;
    }
    match s.as_bytes().first() {
        // Hint '.': maybe a float such as `.5`.
        Some(b'.') => match go_parse_float(s) {
            Some(f) => NodeKind::Float(f),
            None => NodeKind::Str(s.to_string()),
        },
        // Hints 'D' and 'S': an int, a float or a timestamp.
        Some(b) if b.is_ascii_digit() || *b == b'+' || *b == b'-' => {
            if timestamps && is_timestamp(s) {
                return NodeKind::Time(s.to_string());
            }
            let plain: std::borrow::Cow<str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(i) = go_parse_int(&plain) {
                return NodeKind::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return NodeKind::Uint(u);
            }
            if is_yaml_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return NodeKind::Float(f);
                }
            }
            // `0b`/`0o` forms ParseInt already covers, but for `-0b`/`-0o`
            // with digits ParseInt refused: nothing new to read.
            NodeKind::Str(s.to_string())
        }
        _ => NodeKind::Str(s.to_string()),
    }
}

/// The words yaml.v3's resolve table maps.
fn special(s: &str) -> Option<NodeKind> {
    Some(match s {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => NodeKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => NodeKind::Float(f64::NAN),
        _ => return None,
    })
}

/// Whether [`resolve_plain`] reads `s` as a string, without building it.
pub fn plain_reads_as_string(s: &str) -> bool {
    if special(s).is_some() {
        return false;
    }
    match s.as_bytes().first() {
        Some(b) if b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.') => {
            matches!(resolve_plain(s), NodeKind::Str(_))
        }
        _ => true,
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b`, a leading `0`
/// for octal, else decimal; no sign.
fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (radix, digits) = if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => (16, &s[2..]),
            b'o' | b'O' => (8, &s[2..]),
            b'b' | b'B' => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body)?;
    if neg {
        (magnitude <= i64::MAX as u64 + 1).then(|| (magnitude as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal texts: out of range is an
/// error there (`1e400`), never infinity.
fn go_parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let body = b.strip_prefix(b"+").or_else(|| b.strip_prefix(b"-")).unwrap_or(b);
    // Rust also reads `inf`, `nan` and `infinity`, which only the words
    // above make floats here.
    if body.first().is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// yaml.v3: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// yaml.v3's `parseTimestamp`: four digits and a `-`, then one of Go's
/// layouts `2006-1-2T15:4:5.999999999Z07:00` (or with `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`, as `time.Parse` reads them.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    [Layout::T(b'T'), Layout::T(b't'), Layout::Space, Layout::Date]
        .into_iter()
        .any(|l| parse_time(b, l))
}

#[derive(Clone, Copy)]
enum Layout {
    /// `2006-1-2<sep>15:4:5.999999999Z07:00`
    T(u8),
    /// `2006-1-2 15:4:5.999999999`
    Space,
    /// `2006-1-2`
    Date,
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(s: &mut &[u8]) -> Option<u32> {
    let d = |i: usize| s.get(i).filter(|c| c.is_ascii_digit()).map(|c| u32::from(c - b'0'));
    let first = d(0)?;
    match d(1) {
        Some(second) => {
            *s = &s[2..];
            Some(first * 10 + second)
        }
        None => {
            *s = &s[1..];
            Some(first)
        }
    }
}

fn literal(s: &mut &[u8], c: u8) -> Option<()> {
    let (&first, rest) = s.split_first()?;
    (first == c).then(|| *s = rest)
}

fn parse_time(b: &[u8], layout: Layout) -> bool {
    (|| {
        let year: u32 = std::str::from_utf8(&b[..4]).ok()?.parse().ok()?;
        let mut s = &b[5..];
        let month = getnum(&mut s)?;
        literal(&mut s, b'-')?;
        let day = getnum(&mut s)?;
        if let Layout::T(_) | Layout::Space = layout {
            literal(
                &mut s,
                match layout {
                    Layout::T(c) => c,
                    _ => b' ',
                },
            )?;
            let hour = getnum(&mut s)?;
            literal(&mut s, b':')?;
            let minute = getnum(&mut s)?;
            literal(&mut s, b':')?;
            let second = getnum(&mut s)?;
            if hour >= 24 || minute >= 60 || second >= 60 {
                return None;
            }
            // Fractional seconds, optional, after `.` or `,`.
            if s.len() >= 2 && matches!(s[0], b'.' | b',') && s[1].is_ascii_digit() {
                let n = 1 + s[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                s = &s[n..];
            }
            if let Layout::T(_) = layout {
                if literal(&mut s, b'Z').is_none() {
                    // ±hh:mm
                    if s.len() < 6 || s[3] != b':' || !matches!(s[0], b'+' | b'-') {
                        return None;
                    }
                    let two = |x: &[u8]| {
                        (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                            .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
                    };
                    let (hh, mm) = (two(&s[1..3])?, two(&s[4..6])?);
                    if hh > 24 || mm > 60 {
                        return None;
                    }
                    s = &s[6..];
                }
            }
        }
        if !s.is_empty() || !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
            return None;
        }
        Some(())
    })()
    .is_some()
}

pub(crate) fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    // Go's decoder skips newlines.
    let text: Vec<u8> = s.bytes().filter(|c| !matches!(c, b'\n' | b'\r')).collect();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (n, chunk) in text.chunks(4).enumerate() {
        let last = n + 1 == text.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &chunk[..4 - pad] {
            acc = acc << 6 | val(c)?;
        }
        acc <<= 6 * pad as u32;
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> String {
        format!("{:?}", resolve_plain(s))
    }

    #[test]
    fn numbers_as_go_parses_them() {
        assert_eq!(kind("18446744073709551615"), "Uint(18446744073709551615)");
        assert_eq!(kind("0xFFFFFFFFFFFFFFFF"), "Uint(18446744073709551615)");
        assert_eq!(kind("-9223372036854775808"), "Int(-9223372036854775808)");
        assert_eq!(kind("18446744073709551616"), "Float(1.8446744073709552e19)");
        assert_eq!(kind("+18446744073709551615"), "Float(1.8446744073709552e19)");
        assert_eq!(kind("1e400"), "Str(\"1e400\")");
        assert_eq!(kind(".1e400"), "Str(\".1e400\")");
        assert_eq!(kind("1e-400"), "Float(0.0)");
        assert_eq!(kind("0_7"), "Int(7)");
        assert_eq!(kind("09"), "Float(9.0)");
        assert_eq!(kind("-0b11"), "Int(-3)");
        assert_eq!(kind(".iNf"), "Str(\".iNf\")");
        assert_eq!(kind("inf"), "Str(\"inf\")");
        assert_eq!(kind("+.5"), "Float(0.5)");
    }

    #[test]
    fn timestamps_as_yaml_v3_finds_them() {
        for t in [
            "2024-01-01",
            "2001-1-2",
            "2001-12-14T21:59:43Z",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-12-14 21:59:43",
            "1999-1-1T1:2:3Z",
            "2024-02-29",
        ] {
            assert!(matches!(resolve_plain(t), NodeKind::Time(_)), "{t}");
        }
        for s in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "12345-01-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01x",
            "2001-12-14 21:59:43.10 -5",
        ] {
            assert!(!matches!(resolve_plain(s), NodeKind::Time(_)), "{s}");
        }
        // Quoted, it is a string; tagged, a timestamp again.
        assert!(matches!(
            resolve_scalar("2024-01-01".into(), ScalarStyle::DoubleQuoted, None),
            Ok(NodeKind::Str(_))
        ));
        assert!(matches!(
            resolve_scalar(
                "2024-01-01".into(),
                ScalarStyle::DoubleQuoted,
                Some("tag:yaml.org,2002:timestamp")
            ),
            Ok(NodeKind::Time(_))
        ));
    }

    #[test]
    fn tags_as_yaml_v3_reads_them() {
        let tagged = |t: &str, v: &str| resolve_scalar(v.into(), ScalarStyle::Plain, Some(t)).map(|k| format!("{k:?}"));
        assert_eq!(tagged("tag:yaml.org,2002:float", "5").unwrap(), "Float(5.0)");
        assert_eq!(tagged("tag:yaml.org,2002:str", "5").unwrap(), "Str(\"5\")");
        assert_eq!(tagged("tag:yaml.org,2002:binary", "aGk=").unwrap(), "Str(\"hi\")");
        assert_eq!(tagged("!custom", "100").unwrap(), "Str(\"100\")");
        assert_eq!(tagged("!", "5").unwrap(), "Int(5)");
        assert_eq!(
            tagged("tag:yaml.org,2002:int", "1.5").unwrap_err(),
            "cannot decode !!float `1.5` as a !!int"
        );
        assert!(tagged("tag:yaml.org,2002:bool", "yes").is_err());
        assert!(tagged("tag:yaml.org,2002:null", "x").is_err());
        assert!(tagged("tag:yaml.org,2002:binary", "!!").is_err());
    }
}
