//! Hostile and broken input: each case gives a clear message (or the records it
//! holds) and never a panic. Sizes are real (10 MB lines, a million records); how
//! long they take is measured by the benchmark, not asserted here.

use citris::{Format, Severity};

fn all_outputs(bytes: &[u8]) -> citris::Parsed {
    let p = citris::parse_bytes(bytes);
    for f in Format::ALL {
        let _ = citris::write_string(&p.references, f, &Default::default());
    }
    p
}

fn error_message(p: &citris::Parsed) -> String {
    p.diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .unwrap_or_default()
}

#[test]
fn inputs_without_records_say_what_they_are() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", "the input is empty"),
        ("whitespace", b" \n\t\r\n  ", "the input is empty"),
        ("only ER lines", b"ER  - \nER  - \n", "no RIS record found"),
        ("PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG image"),
        ("PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        ("ZIP", b"PK\x03\x04\x14\0\0\0\x08\0", "ZIP archive"),
        ("NUL bytes", b"\0\0\0\0\0\0\0\0\0\0\0\0", "binary file"),
        ("BibTeX", b"@article{key,\n title={T}\n}\n", "BibTeX"),
        (
            "PubMed NBIB",
            b"PMID- 123\nOWN - NLM\nTI  - A title\n",
            "PubMed",
        ),
        (
            "EndNote tagged",
            b"%0 Journal Article\n%A Doe, Jane\n%T A title\n",
            "EndNote tagged",
        ),
        (
            "CSL-JSON",
            b"[{\"id\": \"a\", \"type\": \"book\"}]",
            "CSL-JSON",
        ),
        (
            "CSL style",
            b"<?xml version=\"1.0\"?><style xmlns=\"http://purl.org/net/xbiblio/csl\">",
            "CSL style",
        ),
    ];
    for (name, bytes, expect) in cases {
        let p = all_outputs(bytes);
        assert!(p.references.is_empty(), "{name}");
        let msg = error_message(&p);
        assert!(msg.contains(expect), "{name}: {msg:?}");
    }
}

#[test]
fn damaged_text_is_read_and_reported() {
    // Invalid UTF-8 after valid UTF-8: read as UTF-8, the bad byte replaced and reported.
    let p = all_outputs(b"TY  - JOUR\nTI  - M\xc3\xbcller \xff end\nER  - \n");
    assert_eq!(p.references[0].get("title"), Some("Müller \u{fffd} end"));
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.kind == citris::DiagKind::BytesReplaced && d.message.contains("U+FFFD")));
    // UTF-16 with a lone surrogate.
    let mut b = vec![0xFF, 0xFE];
    for u in "TY  - JOUR\r\nTI  - x".encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b.extend_from_slice(&0xD800u16.to_le_bytes());
    for u in "y\r\nER  - \r\n".encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    let p = all_outputs(&b);
    assert_eq!(p.references[0].get("title"), Some("x\u{fffd}y"));
    // Right-to-left and zero-width characters are kept as they are.
    let p = all_outputs("TY  - JOUR\nTI  - \u{202e}عنوان\u{200b}\nER  - \n".as_bytes());
    assert_eq!(p.references[0].get("title"), Some("\u{202e}عنوان\u{200b}"));
}

#[test]
fn huge_inputs_are_read_whole() {
    // A 10 MB line of text that is not RIS.
    let line = "word ".repeat(2_000_000);
    let p = all_outputs(line.as_bytes());
    assert!(error_message(&p).contains("no RIS record"));
    // A record with a 5 MB value and one collapsed onto a 10 MB line.
    let big = "x".repeat(5_000_000);
    let p = all_outputs(format!("TY  - JOUR\nAB  - {big}\nER  - \n").as_bytes());
    assert_eq!(
        p.references[0].get("abstract").map(str::len),
        Some(5_000_000)
    );
    let collapsed = format!("TY - JOUR TI - t AB - {} ER -", "abc ".repeat(2_500_000));
    let p = all_outputs(collapsed.as_bytes());
    assert_eq!(p.references.len(), 1);
    // 10,000 authors, and one tag repeated 100,000 times.
    let mut s = String::from("TY  - JOUR\n");
    for i in 0..10_000 {
        s.push_str(&format!("AU  - Author{i}, A.\n"));
    }
    for _ in 0..100_000 {
        s.push_str("KW  - same\n");
    }
    s.push_str("ER  - \n");
    let p = all_outputs(s.as_bytes());
    assert_eq!(p.references[0].names("author").len(), 10_000);
    assert_eq!(p.references[0].keywords, ["same"]);
    // An unknown tag repeated 100,000 times: every value kept, each BibTeX field
    // name distinct (numbered), in linear time.
    let mut s = String::from("TY  - JOUR\n");
    for i in 0..100_000 {
        s.push_str(&format!("ZZ  - v{i}\n"));
    }
    s.push_str("ER  - \n");
    let p = all_outputs(s.as_bytes());
    assert_eq!(p.references[0].extra.len(), 100_000);
    let bib = citris::write_string(&p.references, Format::Bibtex, &Default::default());
    assert!(bib.contains("ris-zz-100000 = {v99999}"));
    // A million tiny records, keys unique.
    let tiny = "TY  - JOUR\nTI  - a\nER  - \n".repeat(1_000_000);
    let p = citris::parse_bytes(tiny.as_bytes());
    assert_eq!(p.references.len(), 1_000_000);
    let keys = citris::keys::assign_keys(&p.references);
    let unique: std::collections::HashSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), 1_000_000);
}

/// `parse_bytes_with_text` reads exactly what `parse_bytes` reads and hands
/// back the decoded text (the page shows it without decoding the file again):
/// for UTF-8 with a BOM, UTF-16LE and Windows-1252.
#[test]
fn the_text_read_is_the_text_shown() {
    let plain = "TY  - JOUR\nTI  - Café – x\nER  - \n";
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend_from_slice(plain.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(plain.encode_utf16().flat_map(u16::to_le_bytes));
    let mut cp1252 = b"TY  - JOUR\nTI  - Caf\xe9 \x96 x\nER  - \n".to_vec();
    for bytes in [utf8_bom, utf16, std::mem::take(&mut cp1252)] {
        let (p, text) = citris::parse_bytes_with_text(&bytes);
        assert_eq!(text, plain);
        let q = citris::parse_bytes(&bytes);
        assert_eq!(p.references, q.references);
        assert_eq!(p.diagnostics, q.diagnostics);
        assert_eq!(p.references[0].get("title"), Some("Café – x"));
    }
}
