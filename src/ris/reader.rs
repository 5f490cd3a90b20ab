//! The RIS pipeline: bytes → [`Decoder`] → text → [`Lexer`] → tagged records →
//! [`read_record`] → [`Reference`]s, pushed in pieces of any size, as
//! csv-core reads. A whole input is "push everything, finish"
//! ([`Reader::read`]); a large file read in slices (the CLI, the page's
//! `File`) keeps in memory only what has not made a record yet.

use super::lex::{Lexer, RawRecord};
use super::read::read_record;
use crate::decode::{self, Decoder, SNIFF_BYTES};
use crate::detect;
use crate::diag::Diagnostic;
use crate::model::Reference;
use crate::Parsed;
use std::borrow::Cow;

/// Text lexed at once before its records are mapped and their raw form freed,
/// so that a large library never holds every raw record at once.
const BATCH_BYTES: usize = 4 << 20;

/// Incremental RIS reader: push bytes (or decoded text), get references.
///
/// The result, references and diagnostics, does not depend on where the
/// pieces are cut. Diagnostics come in the order: decoding, lexing, mapping,
/// then the one that says nothing was read.
#[derive(Debug)]
pub struct Reader {
    decoder: Decoder,
    /// Decoded text not yet lexed: it starts where the lexer stopped, between
    /// records.
    text: String,
    lexer: Lexer,
    /// The first [`SNIFF_BYTES`] of the input, to tell whether it is RIS.
    head: Vec<u8>,
    /// The head decoded, once it has been checked: the text that names the
    /// format when no record is found (the bytes of UTF-16 would not).
    head_text: Option<String>,
    /// Set when the head shows another format: nothing is read as RIS.
    foreign: Option<Diagnostic>,
    /// Some text that is not white space was seen (else the input is "empty").
    saw_text: bool,
    /// `text` holds no point between records up to this length: it is not
    /// lexed again before it has grown past it (an input without `ER` lines
    /// would otherwise be lexed again with every piece).
    retry_at: usize,
    records: usize,
    /// Text lexed at once ([`BATCH_BYTES`]; smaller in tests).
    pub(super) batch: usize,
    lex_diags: Vec<Diagnostic>,
    map_diags: Vec<Diagnostic>,
    end_diag: Option<Diagnostic>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    /// A reader at the start of an input.
    pub fn new() -> Self {
        Reader {
            decoder: Decoder::new(),
            text: String::new(),
            lexer: Lexer::new(),
            head: Vec::new(),
            head_text: None,
            foreign: None,
            saw_text: false,
            retry_at: 0,
            records: 0,
            batch: BATCH_BYTES,
            lex_diags: Vec::new(),
            map_diags: Vec::new(),
            end_diag: None,
        }
    }

    /// Reads a whole input; also returns its decoded text (borrowed when the
    /// input was plain UTF-8), for a caller that shows it.
    pub fn read(bytes: &[u8]) -> (Parsed, Cow<'_, str>) {
        let decoded = decode::decode(bytes);
        let mut r = Reader::new();
        r.head = decode::head_bytes(bytes).to_vec();
        let mut references = Vec::new();
        r.push_decoded(&decoded.text, &mut references);
        r.finish_decoded(&mut references);
        let mut diagnostics = decoded.diagnostics;
        diagnostics.extend(r.take_diagnostics());
        let parsed = Parsed {
            references,
            diagnostics,
            encoding: decoded.encoding,
        };
        (parsed, decoded.text)
    }

    /// Reads a whole input that is already text.
    pub fn read_str(text: &str) -> Parsed {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut r = Reader::new();
        let mut references = Vec::new();
        r.push_str(text, &mut references);
        r.finish(&mut references);
        Parsed {
            references,
            diagnostics: r.take_diagnostics(),
            encoding: "UTF-8",
        }
    }

    /// The encoding in use.
    pub fn encoding(&self) -> &'static str {
        self.decoder.encoding()
    }

    /// Records read so far.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Diagnostics so far (drained), in the order given in [`Reader`].
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let mut d = self.decoder.take_diagnostics();
        d.append(&mut self.lex_diags);
        d.append(&mut self.map_diags);
        d.extend(self.end_diag.take());
        d
    }

    /// Feeds bytes; appends the references they complete to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Reference>) {
        self.note_head(bytes);
        self.decoder.push(bytes, &mut self.text);
        self.drain(false, out);
    }

    /// Feeds decoded text (the input is then UTF-8 text, not bytes).
    pub fn push_str(&mut self, text: &str, out: &mut Vec<Reference>) {
        self.note_head(text.as_bytes());
        self.push_decoded(text, out);
    }

    /// Ends the input; appends the remaining references to `out`.
    pub fn finish(&mut self, out: &mut Vec<Reference>) {
        self.decoder.finish(&mut self.text);
        self.finish_decoded(out);
    }

    fn note_head(&mut self, bytes: &[u8]) {
        let n = SNIFF_BYTES.saturating_sub(self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..n]);
    }

    /// Text that continues the decoded input: lexed in place when nothing is
    /// buffered (a whole input is not copied), else after what is.
    fn push_decoded(&mut self, text: &str, out: &mut Vec<Reference>) {
        if self.text.is_empty() {
            let used = self.feed(text, false, out);
            self.text.push_str(&text[used..]);
        } else {
            self.text.push_str(text);
            self.drain(false, out);
        }
    }

    fn finish_decoded(&mut self, out: &mut Vec<Reference>) {
        self.drain(true, out);
        self.end_diag = match self.foreign.take() {
            Some(d) => Some(d),
            None if self.records == 0 => {
                let head = self.head_text.as_deref().unwrap_or_default();
                Some(detect::no_records(&self.head, head, !self.saw_text))
            }
            None => None,
        };
    }

    fn drain(&mut self, last: bool, out: &mut Vec<Reference>) {
        let mut text = std::mem::take(&mut self.text);
        let used = self.feed(&text, last, out);
        text.drain(..used);
        self.text = text;
    }

    /// Lexes and maps what of `text` (which starts where the lexer stopped)
    /// ends between records, everything when `last`; returns the bytes used.
    fn feed(&mut self, text: &str, last: bool, out: &mut Vec<Reference>) -> usize {
        if self.head_text.is_none() {
            // Nothing is read before the head tells whether this is RIS at all.
            if self.head.len() < SNIFF_BYTES && !last {
                return 0;
            }
            self.head_text = Some(decode::head_str(text).to_string());
            self.foreign = detect::foreign(&self.head, text);
        }
        if self.foreign.is_some() {
            return text.len();
        }
        if !self.saw_text {
            self.saw_text = !text.trim().is_empty();
        }
        if !last && text.len() < self.retry_at {
            return 0;
        }
        let (mut start, mut size) = (0, self.batch);
        self.retry_at = 0;
        while start < text.len() {
            let end = batch_end(text.as_bytes(), start, size);
            let fin = last && end == text.len();
            let lexed = self.lexer.lex(&text[start..end], fin, &mut self.lex_diags);
            self.map(&lexed.records, out);
            if lexed.consumed == 0 && !fin {
                if end == text.len() {
                    // No point between records yet: wait for twice as much text.
                    self.retry_at = 2 * (text.len() - start);
                    break;
                }
                // A record longer than a batch: take more text at once.
                size = size.saturating_mul(2);
                continue;
            }
            start += lexed.consumed;
            size = self.batch;
        }
        start
    }

    /// Maps lexed records to references, in order.
    ///
    /// Records are independent, so natively a large batch is mapped on every
    /// core (in contiguous slices whose results are concatenated: the same
    /// references and diagnostics, in the same order, as one thread gives).
    /// The browser build has one thread.
    fn map(&mut self, records: &[RawRecord<'_>], out: &mut Vec<Reference>) {
        self.records += records.len();
        let parts = crate::par::map_parts(records, |_, slice| {
            let mut d = Vec::new();
            let refs: Vec<Reference> = slice.iter().map(|rec| read_record(rec, &mut d)).collect();
            (refs, d)
        });
        out.reserve(records.len());
        for (refs, mut d) in parts {
            out.extend(refs);
            self.map_diags.append(&mut d);
        }
    }
}

/// Where a batch starting at `start` ends: just after the first line end at or
/// past `start + size` (a CRLF whole), or the end of the text.
fn batch_end(bytes: &[u8], start: usize, size: usize) -> usize {
    let from = start.saturating_add(size);
    if from >= bytes.len() {
        return bytes.len();
    }
    match memchr::memchr2(b'\n', b'\r', &bytes[from..]) {
        Some(i) => {
            let e = from + i;
            if bytes[e] == b'\r' && bytes.get(e + 1) == Some(&b'\n') {
                e + 2
            } else {
                e + 1
            }
        }
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_in_chunks(bytes: &[u8], size: usize) -> (Vec<Reference>, Reader) {
        let mut r = Reader::new();
        let mut out = Vec::new();
        for c in bytes.chunks(size) {
            r.push(c, &mut out);
        }
        r.finish(&mut out);
        (out, r)
    }

    #[test]
    fn chunked_equals_whole() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!("TY  - JOUR\r\nTI  - Título {i}\r\nAU  - Müller, Jörg\r\nPY  - 2020\r\nER  - \r\n\r\n"));
        }
        let whole = Reader::read(text.as_bytes()).0;
        for size in [1, 3, 7, 64, 1000] {
            let (refs, mut r) = read_in_chunks(text.as_bytes(), size);
            assert_eq!(refs, whole.references, "chunk size {size}");
            assert_eq!(r.take_diagnostics(), whole.diagnostics, "chunk size {size}");
        }
    }

    #[test]
    fn windows_1252_detected_late() {
        let mut bytes = Vec::new();
        for _ in 0..100 {
            bytes.extend_from_slice(b"TY  - JOUR\nTI  - plain\nER  - \n");
        }
        bytes.extend_from_slice(b"TY  - JOUR\nTI  - caf\xe9 1\x962\nER  - \n");
        let (refs, r) = read_in_chunks(&bytes, 100);
        assert_eq!(refs.len(), 101);
        assert_eq!(refs[100].get("title"), Some("café 1–2"));
        assert_eq!(r.encoding(), "windows-1252");
    }

    #[test]
    fn utf16_chunks() {
        let mut b = vec![0xFF, 0xFE];
        for u in "TY  - BOOK\r\nTI  - Ærø\r\nER  - \r\nTY  - BOOK\r\nTI  - Ødegård\r\nER  - \r\n"
            .encode_utf16()
        {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let (refs, _) = read_in_chunks(&b, 5);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].get("title"), Some("Ødegård"));
    }

    /// A file without `ER` lines has no point between records: every record
    /// stays open until the next `TY`, and the text waits. It is still read
    /// whole and the same, in pieces of any size.
    #[test]
    fn input_without_er_lines_reads_the_same_in_pieces() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("TY  - JOUR\nTI  - Title {i}\nPY  - 2001\n"));
        }
        let whole = Reader::read(text.as_bytes()).0;
        assert_eq!(whole.references.len(), 300);
        for size in [1, 100, 5000] {
            let (refs, mut r) = read_in_chunks(text.as_bytes(), size);
            assert_eq!(refs, whole.references, "chunk size {size}");
            assert_eq!(r.take_diagnostics(), whole.diagnostics, "chunk size {size}");
        }
    }
}
