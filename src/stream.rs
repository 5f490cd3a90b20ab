//! Reading a large input in chunks: bytes go in as they arrive (the browser reads a
//! `File` in slices), complete records come out, so memory stays near the size of
//! the input plus the output and progress can be reported by bytes read.
//!
//! Batches end where the lexer last stood between records with nothing pending (after
//! an `ER`); the text after it is read again with the next chunk.

use crate::decode::{self, SNIFF_BYTES};
use crate::diag::{DiagKind, Diagnostic};
use crate::model::Reference;
use crate::ris::{
    lex::{Lexer, Resume},
    read::read_record,
};
use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};

/// Incremental RIS reader.
#[derive(Default)]
pub struct StreamReader {
    /// Undecoded bytes: before the encoding is known, or an incomplete UTF-8 sequence.
    pending: Vec<u8>,
    /// Set once the encoding is known (BOM or UTF-16 sniffed); `None` while UTF-8.
    decoder: Option<Decoder>,
    encoding_known: bool,
    saw_multibyte: bool,
    /// Decoded text not yet lexed (it starts at a record boundary).
    text: String,
    /// Lexer state at the start of `text`.
    resume: Resume,
    records: usize,
    encoding: &'static str,
    diagnostics: Vec<Diagnostic>,
    bytes_in: usize,
    first_bytes: Vec<u8>,
    /// Whether the head was checked for another format, and what was found.
    checked: bool,
    foreign: Option<Diagnostic>,
    /// Replaced bytes were reported (once per input).
    warned_replaced: bool,
}

impl std::fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamReader")
            .field("line", &self.resume.line)
            .field("records", &self.records)
            .finish()
    }
}

impl StreamReader {
    /// A reader at the start of an input.
    pub fn new() -> Self {
        StreamReader {
            resume: Resume {
                line: 1,
                base: 0,
                seen_record: false,
                warned_lowercase: false,
            },
            encoding: "UTF-8",
            ..Default::default()
        }
    }

    /// The encoding in use.
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// Records read so far.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Diagnostics so far (drained).
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// Feeds bytes; calls `each` for every reference completed by them.
    pub fn push(&mut self, chunk: &[u8], each: &mut dyn FnMut(Reference)) {
        self.bytes_in += chunk.len();
        if self.first_bytes.len() < SNIFF_BYTES {
            let n = (SNIFF_BYTES - self.first_bytes.len()).min(chunk.len());
            self.first_bytes.extend_from_slice(&chunk[..n]);
        }
        self.decode_chunk(chunk, false);
        // Nothing is emitted before the first 4 KiB tell whether this is RIS at all
        // (the same look `crate::parse_bytes` takes).
        if !self.checked {
            if self.first_bytes.len() < SNIFF_BYTES {
                return;
            }
            self.check_head();
        }
        if self.foreign.is_some() {
            self.text.clear();
            return;
        }
        self.drain(false, each);
    }

    fn check_head(&mut self) {
        self.checked = true;
        self.foreign = crate::foreign(&self.first_bytes, decode::head_str(&self.text));
    }

    /// Ends the input; calls `each` for the remaining references.
    pub fn finish(&mut self, each: &mut dyn FnMut(Reference)) {
        self.decode_chunk(&[], true);
        if !self.checked {
            self.check_head();
        }
        if let Some(d) = self.foreign.take() {
            self.text.clear();
            self.diagnostics.push(d);
            return;
        }
        self.drain(true, each);
        if self.records == 0 {
            let text = String::from_utf8_lossy(&self.first_bytes).into_owned();
            let d = crate::no_records(&self.first_bytes, &text);
            self.diagnostics.push(d);
        }
    }

    fn decode_chunk(&mut self, chunk: &[u8], last: bool) {
        if !self.encoding_known {
            self.pending.extend_from_slice(chunk);
            // The whole-input decoder looks at the first 4 KiB: so does the stream.
            if self.pending.len() < SNIFF_BYTES && !last {
                return;
            }
            self.encoding_known = true;
            let bytes = std::mem::take(&mut self.pending);
            let mut sniff = decode::head_bytes(&bytes);
            // A UTF-8 sequence cut by the chunk boundary is not an encoding error.
            if let Err(e) = std::str::from_utf8(sniff) {
                if e.error_len().is_none() && e.valid_up_to() > 0 {
                    sniff = &sniff[..e.valid_up_to()];
                }
            }
            let head = decode::head_bytes(&bytes);
            let bom = Encoding::for_bom(head).map(|(e, _)| e);
            if bom.is_some() || decode::sniff_utf16(head).is_some() {
                // The same 4 KiB decide as in `decode::decode`.
                let probe = decode::decode(head);
                let enc = Encoding::for_label(probe.encoding.as_bytes()).unwrap_or(UTF_8);
                self.encoding = enc.name();
                self.diagnostics.extend(
                    probe
                        .diagnostics
                        .into_iter()
                        .filter(|d| matches!(d.kind, DiagKind::Encoding(_))),
                );
                // new_decoder_with_bom_removal strips a BOM of its own encoding.
                self.decoder = Some(enc.new_decoder_with_bom_removal());
            } else if decode::decode(sniff).encoding == "windows-1252"
                && std::str::from_utf8(&bytes).is_err()
            {
                self.switch_to_1252();
            }
            self.decode_chunk_known(&bytes, last);
            return;
        }
        self.decode_chunk_known(chunk, last);
    }

    fn switch_to_1252(&mut self) {
        self.encoding = WINDOWS_1252.name();
        self.decoder = Some(WINDOWS_1252.new_decoder_without_bom_handling());
        self.diagnostics.push(decode::windows_1252_info());
    }

    fn decode_chunk_known(&mut self, chunk: &[u8], last: bool) {
        if let Some(dec) = self.decoder.as_mut() {
            let need = dec
                .max_utf8_buffer_length(chunk.len())
                .unwrap_or(chunk.len() * 3 + 16);
            self.text.reserve(need);
            let (_, _, errors) = dec.decode_to_string(chunk, &mut self.text, last);
            if errors {
                self.replaced_warning();
            }
            return;
        }
        // UTF-8: validate; keep an incomplete trailing sequence for the next chunk.
        self.pending.extend_from_slice(chunk);
        let bytes = std::mem::take(&mut self.pending);
        match std::str::from_utf8(&bytes) {
            Ok(s) => {
                self.saw_multibyte |= !s.is_ascii();
                let s = if self.text.is_empty() && self.bytes_in == bytes.len() {
                    s.strip_prefix('\u{feff}').unwrap_or(s)
                } else {
                    s
                };
                self.text.push_str(s);
            }
            Err(e) if e.error_len().is_none() && !last => {
                let good = e.valid_up_to();
                let s = std::str::from_utf8(&bytes[..good]).unwrap_or("");
                self.saw_multibyte |= !s.is_ascii();
                self.text.push_str(s);
                self.pending = bytes[good..].to_vec();
            }
            Err(e) => {
                let good = e.valid_up_to();
                let s = std::str::from_utf8(&bytes[..good]).unwrap_or("");
                self.saw_multibyte |= !s.is_ascii();
                self.text.push_str(s);
                let rest = &bytes[good..];
                if !self.saw_multibyte {
                    // Only ASCII so far: the file is Windows-1252, which agrees with ASCII.
                    self.switch_to_1252();
                } else {
                    self.replaced_warning();
                    self.decoder = Some(UTF_8.new_decoder_without_bom_handling());
                }
                self.decode_chunk_known(rest, last);
            }
        }
    }

    fn replaced_warning(&mut self) {
        if !std::mem::replace(&mut self.warned_replaced, true) {
            self.diagnostics
                .push(decode::replaced_warning(self.encoding));
        }
    }

    fn drain(&mut self, last: bool, each: &mut dyn FnMut(Reference)) {
        let text = std::mem::take(&mut self.text);
        let mut lx = Lexer::resume(self.resume);
        let diags_before = self.diagnostics.len();
        lx.run(&text, &mut self.diagnostics);
        if last {
            for rec in &lx.finish(&mut self.diagnostics) {
                self.records += 1;
                each(read_record(rec, &mut self.diagnostics));
            }
            return;
        }
        // Keep what the lexer completed up to its last clean point (after an ER, nothing
        // pending); the rest is read again with the next chunk, so the result is the
        // same as reading the whole input at once. Without ERs no clean point comes:
        // the text waits (memory grows; correctness does not change).
        let Some(cp) = lx.clean_point() else {
            self.diagnostics.truncate(diags_before);
            self.text = text;
            return;
        };
        let mut recs = lx.into_records();
        recs.truncate(cp.records);
        self.diagnostics.truncate(cp.diagnostics);
        for rec in &recs {
            self.records += 1;
            each(read_record(rec, &mut self.diagnostics));
        }
        drop(recs);
        let cut = cp.offset - self.resume.base;
        self.resume = cp.resume;
        self.text = text[cut..].to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_in_chunks(bytes: &[u8], size: usize) -> (Vec<Reference>, StreamReader) {
        let mut s = StreamReader::new();
        let mut out = Vec::new();
        for c in bytes.chunks(size) {
            s.push(c, &mut |r| out.push(r));
        }
        s.finish(&mut |r| out.push(r));
        (out, s)
    }

    #[test]
    fn chunked_equals_whole() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!("TY  - JOUR\r\nTI  - Título {i}\r\nAU  - Müller, Jörg\r\nPY  - 2020\r\nER  - \r\n\r\n"));
        }
        let whole = crate::parse_bytes(text.as_bytes()).references;
        for size in [1, 3, 7, 64, 1000] {
            let (refs, _) = read_in_chunks(text.as_bytes(), size);
            assert_eq!(refs, whole, "chunk size {size}");
        }
    }

    #[test]
    fn windows_1252_detected_late() {
        let mut bytes = Vec::new();
        for _ in 0..100 {
            bytes.extend_from_slice(b"TY  - JOUR\nTI  - plain\nER  - \n");
        }
        bytes.extend_from_slice(b"TY  - JOUR\nTI  - caf\xe9 1\x962\nER  - \n");
        let (refs, s) = read_in_chunks(&bytes, 100);
        assert_eq!(refs.len(), 101);
        assert_eq!(refs[100].get("title"), Some("café 1–2"));
        assert_eq!(s.encoding(), "windows-1252");
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
}
