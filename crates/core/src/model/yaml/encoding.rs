//! The text encodings yaml.v3 reads: UTF-8, and UTF-16 when the text starts
//! with its byte-order mark. Anything else Temporal rejects; UTF-32 is named
//! because yaml.v3 takes its byte-order mark for UTF-16's and then fails on
//! a NUL, a message that would not lead an operator to the cause.

use std::borrow::Cow;

/// Why bytes are not a text yaml.v3 reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    #[error("not UTF-8 text: byte {byte:#04x} at line {line}, column {col} is not UTF-8 (a UTF-16 file needs its byte-order mark); Temporal rejects the whole file")]
    /// A byte that is not UTF-8.
    NotUtf8 {
        /// The byte.
        byte: u8,
        /// Its line, from 1.
        line: u32,
        /// Its column, from 1.
        col: u32,
    },
    #[error(
        "UTF-32 text ({0} byte-order mark): yaml.v3 reads only UTF-8 and UTF-16, so Temporal rejects the whole file"
    )]
    /// UTF-32 text, which yaml.v3 does not read.
    Utf32(&'static str),
    #[error("not valid UTF-16 text (it starts with a UTF-16 byte-order mark): {0}; Temporal rejects the whole file")]
    /// UTF-16 text that does not decode.
    BadUtf16(&'static str),
}

/// The text of `bytes`, transcoded to UTF-8 when it is UTF-16 with a
/// byte-order mark (yaml.v3 reads those). A UTF-8 byte-order mark is kept:
/// the parser skips it, as yaml.v3 does.
pub fn decode_bytes(bytes: &[u8]) -> Result<Cow<'_, str>, EncodingError> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Err(EncodingError::Utf32("little-endian")),
        [0, 0, 0xFE, 0xFF, ..] => return Err(EncodingError::Utf32("big-endian")),
        _ => {}
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    if let Some((rest, unit)) = utf16 {
        if rest.len() % 2 == 1 {
            return Err(EncodingError::BadUtf16("it ends in the middle of a character"));
        }
        let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        // The mark goes along, as in a UTF-8 text: the parser skips it as
        // yaml.v3 skips the encoding's mark, so a U+FEFF after it is the
        // second one at the start, not the first (yaml.v3 reads
        // `FF FE FF FE …` as a mark and then a U+FEFF character).
        return std::iter::once(Ok('\u{feff}'))
            .chain(char::decode_utf16(units))
            .collect::<Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| EncodingError::BadUtf16("it holds an unpaired surrogate"));
    }
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() as u32 + 1;
        EncodingError::NotUtf8 {
            byte: bytes[e.valid_up_to()],
            line,
            col,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "frontend.rps:\n  - value: 5 # é 𝄞\n";

    #[test]
    fn utf32_is_named_as_such() {
        let le: Vec<u8> = [0xFF, 0xFE, 0, 0]
            .into_iter()
            .chain(TEXT.chars().flat_map(|c| (c as u32).to_le_bytes()))
            .collect();
        let be: Vec<u8> = [0, 0, 0xFE, 0xFF]
            .into_iter()
            .chain(TEXT.chars().flat_map(|c| (c as u32).to_be_bytes()))
            .collect();
        assert_eq!(decode_bytes(&le), Err(EncodingError::Utf32("little-endian")));
        assert_eq!(decode_bytes(&be), Err(EncodingError::Utf32("big-endian")));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_in_either_order() {
        let units: Vec<u16> = TEXT.encode_utf16().collect();
        let mut le = vec![0xFF, 0xFE];
        le.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(units.iter().flat_map(|u| u.to_be_bytes()));
        // The mark is kept, as in UTF-8, for the parser to skip.
        let marked = format!("\u{feff}{TEXT}");
        assert_eq!(decode_bytes(&le).unwrap(), marked);
        assert_eq!(decode_bytes(&be).unwrap(), marked);
        // A U+FEFF after the mark is a character, as yaml.v3 reads it.
        assert_eq!(
            decode_bytes(&[0xFF, 0xFE, 0xFF, 0xFE, b'\n', 0]).unwrap(),
            "\u{feff}\u{feff}\n"
        );
        assert!(matches!(
            decode_bytes(&le[..le.len() - 1]),
            Err(EncodingError::BadUtf16(_))
        ));
        assert!(matches!(
            decode_bytes(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]),
            Err(EncodingError::BadUtf16(_))
        ));
    }

    #[test]
    fn utf8_is_borrowed_and_a_bad_byte_is_located() {
        assert!(matches!(decode_bytes(TEXT.as_bytes()).unwrap(), Cow::Borrowed(_)));
        let bad = b"a: 1\nbb: \xE9t\xE9\n";
        assert_eq!(
            decode_bytes(bad).unwrap_err(),
            EncodingError::NotUtf8 {
                byte: 0xE9,
                line: 2,
                col: 5
            }
        );
    }
}
