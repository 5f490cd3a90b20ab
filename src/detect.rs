//! Is this RIS, and if not, what is it? Naming the format of a file that is
//! not RIS makes the message help: "this looks like a BibTeX file" beats "no
//! records found". Only the head of the input (the first
//! [`SNIFF_BYTES`](crate::decode::SNIFF_BYTES)) is looked at, so that a stream
//! decides as the whole input does, before it has read more.

use crate::decode::{head_bytes, head_str};
use crate::diag::{DiagKind, Diagnostic, Position};

/// An input in another tagged format (PubMed NBIB shares `TI  - `, `AU  - `
/// with RIS) and without a single `TY` in its head is not read as RIS: its
/// lines would become bogus records. `bytes` and `text` are the input's raw
/// bytes and its decoded text (or their heads).
pub fn foreign(bytes: &[u8], text: &str) -> Option<Diagnostic> {
    let head = head_str(text);
    not_ris(head_bytes(bytes), head)?;
    let has_ty = head.contains("TY  -") || head.contains("TY -") || head.contains("ty  -");
    (!has_ty).then(|| no_records(bytes, text, head.trim().is_empty()))
}

/// The error for an input without records, naming its format when it is
/// recognisable; `empty` when the input holds nothing but white space.
pub fn no_records(bytes: &[u8], text: &str, empty: bool) -> Diagnostic {
    let (kind, msg) = if empty {
        (
            DiagKind::EmptyInput,
            "the input is empty: paste or drop a RIS file (lines like 'TY  - JOUR' … 'ER  - ')"
                .to_string(),
        )
    } else if let Some(what) = not_ris(head_bytes(bytes), head_str(text)) {
        (
            DiagKind::NotRis,
            format!("no RIS record found: this looks like {what}"),
        )
    } else {
        (
            DiagKind::NoRecords,
            "no RIS record found: RIS records start with a 'TY  - ' line and end with 'ER  - '"
                .to_string(),
        )
    };
    Diagnostic::new(Position::WHOLE, kind, msg)
}

/// A description of the input's format when it is recognisably not RIS.
pub fn not_ris(bytes: &[u8], text: &str) -> Option<&'static str> {
    let magic: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a ZIP archive (or a Word/Excel document)"),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"\xD0\xCF\x11\xE0", "an old Microsoft Office document"),
        (b"RIFF", "a RIFF media file"),
        (b"\x7FELF", "a program (ELF binary)"),
    ];
    for (m, what) in magic {
        if bytes.starts_with(m) {
            return Some(what);
        }
    }
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let head = head_str(t);
    if t.starts_with('@') && head.contains('{') {
        return Some("a BibTeX file (entries start with @type{); citris reads RIS, convert from BibTeX elsewhere");
    }
    if (t.starts_with('[') || t.starts_with('{')) && head.contains("\"type\"") {
        return Some("a CSL-JSON file");
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Some("a JSON file");
    }
    if t.starts_with('<') {
        if head.contains("<style")
            && (head.contains("citationstyles.org") || head.contains("xbiblio/csl"))
        {
            return Some("a CSL style file (load it as a style, not as references)");
        }
        if head.contains("<html")
            || head.contains("<!DOCTYPE html")
            || head.contains("<!doctype html")
        {
            return Some("an HTML page");
        }
        if head.contains("<xml") && head.contains("<records") {
            return Some("an EndNote XML file");
        }
        return Some("an XML file");
    }
    let lines: Vec<&str> = head.lines().take(40).collect();
    if lines.iter().any(|l| l.starts_with("PMID- ")) {
        return Some("a PubMed/MEDLINE (NBIB) file: its tags are four characters (PMID- , TI  - ); export RIS from PubMed instead");
    }
    if lines
        .iter()
        .filter(|l| l.len() > 2 && l.starts_with('%') && l.as_bytes()[2] == b' ')
        .count()
        >= 2
    {
        return Some("an EndNote tagged file (%A, %T …); export RIS from EndNote instead");
    }
    if lines.iter().any(|l| l.starts_with("FN "))
        && lines
            .iter()
            .any(|l| l.starts_with("VR ") || l.starts_with("PT "))
    {
        return Some("a Web of Science tagged file (FN/PT … ER without dashes); export RIS from Web of Science instead");
    }
    let ctrl = bytes
        .iter()
        .take(crate::decode::SNIFF_BYTES)
        .filter(|b| **b < 0x09 || (**b > 0x0d && **b < 0x20))
        .count();
    if ctrl * 20 > bytes.len().min(crate::decode::SNIFF_BYTES) {
        return Some("a binary file");
    }
    None
}
