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

/// Decodes a whole input: [`Decoder`]'s rule, with the common case (plain
/// UTF-8, or UTF-8 after its BOM) borrowed instead of copied.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    let sniff = Sniffed::of(head_bytes(bytes));
    if let Sniffed::Utf8 { bom } = sniff {
        if let Ok(text) = std::str::from_utf8(&bytes[bom..]) {
            return Decoded {
                text: Cow::Borrowed(text),
                encoding: UTF_8.name(),
                diagnostics: sniff.diagnostic().into_iter().collect(),
            };
        }
    }
    let mut d = Decoder::new();
    let mut text = String::new();
    d.push(bytes, &mut text);
    d.finish(&mut text);
    Decoded {
        text: Cow::Owned(text),
        encoding: d.encoding(),
        diagnostics: d.take_diagnostics(),
    }
}

/// What the first [`SNIFF_BYTES`] say about the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    /// A byte-order mark of UTF-16 (its length is stripped by the decoder).
    Bom(&'static Encoding),
    /// UTF-16 without a BOM, told by its NUL bytes.
    Utf16(&'static Encoding),
    /// UTF-8 so far (after a UTF-8 BOM of `bom` bytes): the first non-ASCII
    /// character decides later whether it stays UTF-8 or is Windows-1252.
    Utf8 { bom: usize },
}

impl Sniffed {
    /// A BOM wins; else UTF-16 without BOM when NULs fill one byte parity of
    /// the head; else UTF-8 until proven otherwise. UTF-16 comes before UTF-8
    /// because ASCII text in UTF-16 is also valid UTF-8 (NULs are legal).
    fn of(head: &[u8]) -> Sniffed {
        match Encoding::for_bom(head) {
            Some((enc, len)) if enc == UTF_8 => Sniffed::Utf8 { bom: len },
            Some((enc, _)) => Sniffed::Bom(enc),
            None => match sniff_utf16(head) {
                Some(enc) => Sniffed::Utf16(enc),
                None => Sniffed::Utf8 { bom: 0 },
            },
        }
    }

    /// The info diagnostic that names the encoding, when it is not plain UTF-8.
    fn diagnostic(self) -> Option<Diagnostic> {
        let (enc, msg) = match self {
            Sniffed::Utf8 { bom: 0 } => return None,
            Sniffed::Utf8 { .. } => (
                UTF_8,
                "input decoded as UTF-8 with a byte-order mark".to_string(),
            ),
            Sniffed::Bom(enc) => (
                enc,
                format!("input decoded as {} (byte-order mark)", enc.name()),
            ),
            Sniffed::Utf16(enc) => (
                enc,
                format!(
                    "input decoded as {} (no byte-order mark; detected from NUL bytes)",
                    enc.name()
                ),
            ),
        };
        Some(Diagnostic::new(
            Position::WHOLE,
            DiagKind::Encoding(enc.name()),
            msg,
        ))
    }
}

/// Bytes to text, pushed in pieces of any size (a file read in slices, a
/// `File` in the browser), with one rule for the encoding:
///
/// - the first [`SNIFF_BYTES`] decide between a byte-order mark, UTF-16
///   without one (NULs in one byte parity, as some Windows tools write) and
///   UTF-8;
/// - for UTF-8, the first non-ASCII character decides: when it is well-formed
///   the file is UTF-8 with damage further on (reading it as Windows-1252
///   would garble every accent), else the file is Windows-1252. Deciding by
///   the first one, not by counting over the whole file, lets a stream decide
///   without looking ahead.
///
/// A whole input is "push everything, finish" ([`decode`]).
pub struct Decoder {
    state: State,
    /// Bytes before the encoding is known, or an incomplete UTF-8 sequence.
    pending: Vec<u8>,
    encoding: &'static Encoding,
    /// The input is UTF-8 for sure: it had a UTF-8 BOM, or validated UTF-8
    /// held a non-ASCII character.
    utf8_sure: bool,
    /// Replaced bytes were reported (once per input).
    warned_replaced: bool,
    diagnostics: Vec<Diagnostic>,
}

enum State {
    /// Waiting for [`SNIFF_BYTES`] (or the end) before deciding.
    Sniffing,
    /// Validating UTF-8; a BOM of `bom` bytes is still to be skipped.
    Utf8 { bom: usize },
    /// Decoding with `encoding_rs` (UTF-16, Windows-1252, damaged UTF-8).
    Decoding(encoding_rs::Decoder),
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("encoding", &self.encoding.name())
            .finish()
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder at the start of an input.
    pub fn new() -> Self {
        Decoder {
            state: State::Sniffing,
            pending: Vec::new(),
            encoding: UTF_8,
            utf8_sure: false,
            warned_replaced: false,
            diagnostics: Vec::new(),
        }
    }

    /// The encoding in use (WHATWG name); `UTF-8` until something else is known.
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// What decoding said so far (drained): the encoding when it is not plain
    /// UTF-8, replaced bytes.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// Decodes `bytes`, appending the text to `out`. Text may lag behind the
    /// bytes: nothing comes out before the first [`SNIFF_BYTES`], and an
    /// incomplete UTF-8 sequence waits for its end.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) {
        self.decode(bytes, false, out);
    }

    /// Ends the input: decodes what is left into `out` (an incomplete
    /// sequence at the end becomes U+FFFD).
    pub fn finish(&mut self, out: &mut String) {
        self.decode(&[], true, out);
    }

    fn decode(&mut self, bytes: &[u8], last: bool, out: &mut String) {
        if !matches!(self.state, State::Sniffing) {
            return self.decode_known(bytes, last, out);
        }
        // A piece that holds the whole head (a whole input) decides in place,
        // without being copied.
        if self.pending.is_empty() && (bytes.len() >= SNIFF_BYTES || last) {
            self.decide(Sniffed::of(head_bytes(bytes)));
            return self.decode_known(bytes, last, out);
        }
        self.pending.extend_from_slice(bytes);
        if self.pending.len() < SNIFF_BYTES && !last {
            return;
        }
        self.decide(Sniffed::of(head_bytes(&self.pending)));
        let head = std::mem::take(&mut self.pending);
        self.decode_known(&head, last, out)
    }

    fn decide(&mut self, sniff: Sniffed) {
        self.diagnostics.extend(sniff.diagnostic());
        self.state = match sniff {
            Sniffed::Utf8 { bom } => {
                self.utf8_sure = bom > 0;
                State::Utf8 { bom }
            }
            // `with_bom_removal` strips the BOM of its own encoding.
            Sniffed::Bom(enc) => self.start(enc, enc.new_decoder_with_bom_removal()),
            Sniffed::Utf16(enc) => self.start(enc, enc.new_decoder_without_bom_handling()),
        };
    }

    fn start(&mut self, enc: &'static Encoding, d: encoding_rs::Decoder) -> State {
        self.encoding = enc;
        State::Decoding(d)
    }

    fn decode_known(&mut self, bytes: &[u8], last: bool, out: &mut String) {
        let bom = match &mut self.state {
            State::Decoding(dec) => {
                let need = dec
                    .max_utf8_buffer_length(bytes.len())
                    .unwrap_or(bytes.len() * 3 + 16);
                out.reserve(need);
                let (_, _, errors) = dec.decode_to_string(bytes, out, last);
                if errors {
                    self.replaced();
                }
                return;
            }
            State::Utf8 { bom } => std::mem::take(bom),
            State::Sniffing => unreachable!("decided before"),
        };
        // Validate in place; only an incomplete sequence at the end is kept back.
        let joined;
        let bytes = if self.pending.is_empty() {
            bytes
        } else {
            self.pending.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.pending);
            &joined[..]
        };
        let bytes = &bytes[bom.min(bytes.len())..];
        let (good, rest) = match std::str::from_utf8(bytes) {
            Ok(s) => (s, &[][..]),
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                // Validated above: the prefix is UTF-8.
                (std::str::from_utf8(good).unwrap_or_default(), rest)
            }
        };
        self.utf8_sure |= !good.is_ascii();
        out.push_str(good);
        if rest.is_empty() {
            return;
        }
        if !last && std::str::from_utf8(rest).is_err_and(|e| e.error_len().is_none()) {
            // A sequence cut by the end of this piece: wait for the rest.
            self.pending = rest.to_vec();
            return;
        }
        // A byte that is not UTF-8. With only ASCII before it (and no UTF-8
        // BOM), the file is Windows-1252, which agrees with ASCII; after a BOM
        // or a UTF-8 character it is damage, replaced.
        self.state = if self.utf8_sure {
            self.replaced();
            State::Decoding(UTF_8.new_decoder_without_bom_handling())
        } else {
            self.diagnostics.push(Diagnostic::new(
                Position::WHOLE,
                DiagKind::Encoding(WINDOWS_1252.name()),
                "input is not valid UTF-8; decoded as Windows-1252",
            ));
            self.start(
                WINDOWS_1252,
                WINDOWS_1252.new_decoder_without_bom_handling(),
            )
        };
        self.decode_known(rest, last, out);
    }

    /// Bytes not valid in the encoding were replaced: said once per input.
    fn replaced(&mut self) {
        if !std::mem::replace(&mut self.warned_replaced, true) {
            let enc = self.encoding.name();
            self.diagnostics.push(Diagnostic::new(
                Position::WHOLE,
                DiagKind::BytesReplaced,
                format!(
                    "input has byte sequences that are not valid {enc}; they were replaced with U+FFFD"
                ),
            ));
        }
    }
}

/// UTF-16 without a BOM: at least 8 bytes, and NULs in one parity far more often than the other.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
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

    /// A UTF-8 BOM settles the encoding: damage after it is replaced, the
    /// file is not read as Windows-1252.
    #[test]
    fn utf8_bom_then_damage_stays_utf8() {
        let d = decode(b"\xEF\xBB\xBFTI  - caf\xe9");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "TI  - caf\u{fffd}");
        let codes: Vec<_> = d.diagnostics.iter().map(|d| d.kind.code()).collect();
        assert_eq!(codes, ["encoding-utf-8-bom", "bytes-replaced"]);
    }

    /// Pushing the bytes one at a time decodes as the whole input does, for
    /// every rule: BOMs, UTF-16 without BOM, late Windows-1252, damaged UTF-8.
    #[test]
    fn pushed_byte_by_byte_equals_whole() {
        let utf16: Vec<u8> = "TY  - JOUR\r\nTI  - Ærø\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let mut late_1252 = b"TI  - plain\n".repeat(400);
        late_1252.extend_from_slice(b"TI  - caf\xe9\n");
        let inputs: [&[u8]; 6] = [
            b"TY  - JOUR\nTI  - M\xc3\xbcller",
            b"\xEF\xBB\xBFTY  - JOUR",
            b"\xFF\xFET\0Y\0",
            &utf16,
            &late_1252,
            b"TI  - M\xc3\xbcller \xff \xc3",
        ];
        for input in inputs {
            let whole = decode(input);
            let mut d = Decoder::new();
            let mut text = String::new();
            for b in input.chunks(1) {
                d.push(b, &mut text);
            }
            d.finish(&mut text);
            assert_eq!(text, whole.text, "{input:?}");
            assert_eq!(d.encoding(), whole.encoding, "{input:?}");
            assert_eq!(d.take_diagnostics(), whole.diagnostics, "{input:?}");
        }
    }
}
