//! Bytes to text: BOM sniffing, UTF-16, and Windows-1252 for files that are not UTF-8.
//!
//! RIS has no declared encoding. Exporters write UTF-8 (with or without BOM),
//! EndNote on Windows writes UTF-16 with a BOM or Windows-1252. We decode with
//! `encoding_rs` (the WHATWG decoders browsers use), so `0x96` becomes an en dash
//! as in Windows-1252, not a C1 control character as in ISO-8859-1.

use crate::diag::{DiagKind, Diagnostic, Position};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::borrow::Cow;

/// How much of the input decides its encoding and whether it is RIS at all:
/// the whole-input reader and the stream look at the same first 4 KiB, so they
/// decide the same.
pub const SNIFF_BYTES: usize = 4096;

/// The first [`SNIFF_BYTES`] of `bytes`.
pub(crate) fn head_bytes(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(SNIFF_BYTES)]
}

/// The first [`SNIFF_BYTES`] of `text`, cut at a character boundary.
pub(crate) fn head_str(text: &str) -> &str {
    let mut end = text.len().min(SNIFF_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The decoded text and what was done to get it.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without BOM; borrowed when the input was already plain UTF-8.
    pub text: Cow<'a, str>,
    /// The encoding name, as WHATWG spells it (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `windows-1252`).
    pub encoding: &'static str,
    /// Info about the encoding when it was not plain UTF-8, and warnings for replaced bytes.
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes `bytes`: a BOM wins; else UTF-16 without BOM when NULs fill one byte
/// parity of the first 4 KiB (as some Windows tools write); else valid UTF-8; else
/// Windows-1252. Only the first 4 KiB and the first non-ASCII character decide, so
/// that the streaming reader ([`crate::stream`]) decides the same.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    let mut diagnostics = Vec::new();
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = if enc == UTF_8 {
            match std::str::from_utf8(body) {
                Ok(s) => (Cow::Borrowed(s), false),
                Err(_) => {
                    let (t, _) = UTF_8.decode_without_bom_handling(body);
                    (Cow::Owned(t.into_owned()), true)
                }
            }
        } else {
            let (t, errors) = enc.decode_without_bom_handling(body);
            (Cow::Owned(t.into_owned()), errors)
        };
        let what = if enc == UTF_8 {
            "UTF-8 with a byte-order mark".to_string()
        } else {
            format!("{} (byte-order mark)", enc.name())
        };
        diagnostics.push(Diagnostic::new(
            Position::WHOLE,
            DiagKind::Encoding(enc.name()),
            format!("input decoded as {what}"),
        ));
        if had_errors {
            diagnostics.push(replaced_warning(enc.name()));
        }
        return Decoded {
            text,
            encoding: enc.name(),
            diagnostics,
        };
    }
    // UTF-16 without a BOM before UTF-8: ASCII text in UTF-16 is also valid UTF-8
    // (NULs are legal), and would be read as text with a NUL after every letter.
    if let Some(enc) = sniff_utf16(bytes) {
        let (t, errors) = enc.decode_without_bom_handling(bytes);
        diagnostics.push(Diagnostic::new(
            Position::WHOLE,
            DiagKind::Encoding(enc.name()),
            format!(
                "input decoded as {} (no byte-order mark; detected from NUL bytes)",
                enc.name()
            ),
        ));
        if errors {
            diagnostics.push(replaced_warning(enc.name()));
        }
        return Decoded {
            text: Cow::Owned(t.into_owned()),
            encoding: enc.name(),
            diagnostics,
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(s),
            encoding: UTF_8.name(),
            diagnostics,
        };
    }
    // Not UTF-8. The first non-ASCII character decides: when it is well-formed UTF-8
    // the file is UTF-8 with damage further on (decoding it as 1252 would garble every
    // accent); when it is not, the file is Windows-1252. Deciding by the first one,
    // not by counting over the whole file, lets the streaming reader
    // (`crate::stream`) make the same choice chunk by chunk.
    if first_non_ascii_is_utf8(bytes) {
        let (t, _) = UTF_8.decode_without_bom_handling(bytes);
        diagnostics.push(replaced_warning("UTF-8"));
        return Decoded {
            text: Cow::Owned(t.into_owned()),
            encoding: UTF_8.name(),
            diagnostics,
        };
    }
    let (t, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    diagnostics.push(windows_1252_info());
    Decoded {
        text: Cow::Owned(t.into_owned()),
        encoding: WINDOWS_1252.name(),
        diagnostics,
    }
}

/// The input was not UTF-8 and is read as Windows-1252 (also said by the
/// streaming reader, [`crate::stream`]).
pub(crate) fn windows_1252_info() -> Diagnostic {
    Diagnostic::new(
        Position::WHOLE,
        DiagKind::Encoding(WINDOWS_1252.name()),
        "input is not valid UTF-8; decoded as Windows-1252",
    )
}

/// Bytes not valid in `enc` were replaced (also said by the streaming reader).
pub(crate) fn replaced_warning(enc: &str) -> Diagnostic {
    Diagnostic::new(
        Position::WHOLE,
        DiagKind::BytesReplaced,
        format!(
            "input has byte sequences that are not valid {enc}; they were replaced with U+FFFD"
        ),
    )
}

/// UTF-16 without a BOM: at least 8 bytes, and NULs in one parity far more often than the other.
pub(crate) fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let n = bytes.len().min(SNIFF_BYTES) & !1;
    if n < 8 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes[..n].chunks_exact(2) {
        even += (pair[0] == 0) as usize;
        odd += (pair[1] == 0) as usize;
    }
    let half = n / 2;
    if odd * 10 >= half * 7 && even * 10 < half {
        Some(UTF_16LE)
    } else if even * 10 >= half * 7 && odd * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// True when the first byte ≥ 0x80 starts a well-formed UTF-8 sequence.
pub fn first_non_ascii_is_utf8(bytes: &[u8]) -> bool {
    let Some(i) = bytes.iter().position(|b| *b >= 0x80) else {
        return true;
    };
    let tail = &bytes[i..bytes.len().min(i + 4)];
    match std::str::from_utf8(tail) {
        Ok(_) => true,
        Err(e) => e.valid_up_to() > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_en_dash() {
        let d = decode(b"SP  - 1\x9614 caf\xe9");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.text,
            "SP  - 1\u{2014}14 caf\u{e9}".replace('\u{2014}', "\u{2013}")
        );
    }

    #[test]
    fn utf16le_without_bom_ascii_only() {
        // Also valid UTF-8 (NULs are legal): UTF-16 must be recognised first.
        let b: Vec<u8> = "TY  - JOUR\r\nTI  - x\r\nER  - \r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = decode(&b);
        assert_eq!(d.encoding, "UTF-16LE");
        assert!(d.text.starts_with("TY  - JOUR\r\n"));
    }

    #[test]
    fn utf16le_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "TY  - JOUR\r\nTI  - Ærø\r\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&b);
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text, "TY  - JOUR\r\nTI  - Ærø\r\n");
    }

    #[test]
    fn utf8_bom_stripped_and_reported() {
        let d = decode("\u{feff}TY  - JOUR".as_bytes());
        assert_eq!(d.text, "TY  - JOUR");
        assert_eq!(d.diagnostics.len(), 1);
    }

    #[test]
    fn plain_utf8_is_borrowed_and_silent() {
        let d = decode("TY  - JOUR\nTI  - Müller".as_bytes());
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let mut b = "TI  - Müller Ødegård Žižek café".as_bytes().to_vec();
        b.push(0xFF);
        let d = decode(&b);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("Ødegård"));
    }
}
