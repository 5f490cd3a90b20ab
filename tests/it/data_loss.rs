//! No data loss, counted: over every fixture and the whole shared corpus, each
//! (tag, value) pair the lexer reads is either mapped (its words come back in the
//! RIS that citris writes for that record), preserved verbatim (an `Extra`, written
//! back as its own tag), or reported (a diagnostic on its line). Every other
//! non-blank input line (headers, junk between records) is reported too.
//! The count of unaccounted pairs and lines must be zero.

use crate::common;
use citris::ris::{lex, read};
use citris::DiagKind;
use std::collections::{BTreeSet, HashSet};

use std::path::Path;

/// Lower-case alphanumeric words: what a reader could not drop without the user
/// losing information. Punctuation and spacing are normalised by design.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            // `06` and `6` are the same date part.
            let w = w.trim_start_matches('0');
            if w.is_empty() {
                "0".to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect()
}

/// Words the reader turns into structure on purpose (each documented where it
/// happens): month and season names become date parts, a DOI's resolver prefix
/// is dropped (`clean_doi`), a leading zero of a date part is not kept.
fn normalised_away(w: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m));
    // A zero date part (`2001/00/00/`) means "unknown" in RIS (2011 spec, PY).
    month || matches!(w, "https" | "http" | "doi" | "org" | "dx" | "0")
}

/// The lines of `text` as the lexer numbers them: CRLF, LF and a lone CR each
/// end a line (IEEE Xplore's RIS export puts a lone CR before some `TY`).
fn lexer_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\r', '\n']) {
            Some(i) => {
                out.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

#[derive(Default)]
struct Count {
    pairs: usize,
    mapped: usize,
    preserved: usize,
    reported: usize,
    lines: usize,
    unaccounted: Vec<String>,
}

fn account(path: &Path, c: &mut Count) {
    let bytes = std::fs::read(path).unwrap();
    let decoded = citris::decode::decode(&bytes);
    let text = &decoded.text;
    let mut diags = decoded.diagnostics.clone();
    // A file in another format (Web of Science, NBIB, …) is refused as a whole,
    // with an error naming it: every line of it is reported.
    if let Some(d) = citris::detect::foreign(&bytes, text) {
        c.lines += lexer_lines(text)
            .iter()
            .filter(|l| !l.trim().is_empty())
            .count();
        assert!(
            d.kind == DiagKind::NotRis && d.message.contains("looks like"),
            "{}: {}",
            path.display(),
            d.message
        );
        return;
    }
    let records = lex::lex(text, &mut diags);
    let refs: Vec<_> = records
        .iter()
        .map(|r| read::read_record(r, &mut diags))
        .collect();
    let mut reported: HashSet<u32> = diags.iter().map(|d| d.pos.line).collect();
    // "skipped N lines of text …" at line L reports the N non-blank lines from L.
    let lines: Vec<&str> = lexer_lines(text);
    for d in &diags {
        let (DiagKind::HeaderSkipped { lines: n } | DiagKind::TextSkipped { lines: n }) = d.kind
        else {
            continue;
        };
        let n = n as usize;
        let from = d.pos.line as usize;
        let block = (from..=lines.len()).filter(|&l| !lines[l - 1].trim().is_empty());
        reported.extend(block.take(n).map(|l| l as u32));
    }
    let whole_input_error = diags
        .iter()
        .any(|d| d.pos.line == 0 && d.severity == citris::Severity::Error);
    let mut covered: BTreeSet<u32> = BTreeSet::new();
    for (rec, r) in records.iter().zip(&refs) {
        let mut ris = String::new();
        citris::write::ris::write_record(r, &mut ris).unwrap();
        let out: HashSet<String> = words(&ris).into_iter().collect();
        for f in &rec.fields {
            let n = f.value.matches('\n').count() as u32;
            covered.extend(f.line..=f.line + n);
            c.pairs += 1;
            let tag = f.tag.as_str();
            if r.extra.iter().any(|e| e.tag == tag && e.value == f.value) {
                c.preserved += 1;
            } else if words(&f.value)
                .iter()
                .all(|w| out.contains(w) || normalised_away(w))
            {
                c.mapped += 1;
            } else if reported.contains(&f.line) {
                c.reported += 1;
            } else {
                let missing: Vec<String> = words(&f.value)
                    .into_iter()
                    .filter(|w| !out.contains(w) && !normalised_away(w))
                    .collect();
                c.unaccounted.push(format!(
                    "{}:{}: {tag}  - {:?} (missing {missing:?})",
                    path.display(),
                    f.line,
                    f.value
                ));
            }
        }
        // The ER line closing the record.
        if rec.closed {
            if let Some(last) = rec.fields.last() {
                let end = last.line + last.value.matches('\n').count() as u32;
                covered.insert(end + 1);
            }
        }
    }
    for (i, line) in lexer_lines(text).into_iter().enumerate() {
        let n = i as u32 + 1;
        if line.trim().is_empty() || covered.contains(&n) {
            continue;
        }
        let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        // `ER  -` lines are structure, not data.
        let er = t.get(..2).is_some_and(|h| h.eq_ignore_ascii_case("ER"));
        if er && t[2..].trim_start().starts_with('-') {
            continue;
        }
        c.lines += 1;
        if !(reported.contains(&n) || whole_input_error) {
            c.unaccounted
                .push(format!("{}:{n}: line {t:?}", path.display()));
        }
    }
}

#[test]
fn every_pair_is_mapped_preserved_or_reported() {
    let mut c = Count::default();
    let files = common::fixture_and_corpus_files();
    for p in &files {
        account(p, &mut c);
    }
    println!(
        "{} files, {} pairs: {} mapped, {} preserved, {} reported; {} other lines; {} unaccounted",
        files.len(),
        c.pairs,
        c.mapped,
        c.preserved,
        c.reported,
        c.lines,
        c.unaccounted.len()
    );
    assert!(files.len() > 80, "fixtures and corpus found");
    assert!(c.pairs > 2000);
    assert!(
        c.unaccounted.is_empty(),
        "{} unaccounted:\n{}",
        c.unaccounted.len(),
        c.unaccounted.join("\n")
    );
}
