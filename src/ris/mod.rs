//! RIS: the tags ([`tag`]), the lexer ([`lex`]), the tag table ([`table`]), the mapping to the model
//! ([`read`]) and the writer ([`write`]), which runs the same table in reverse.

pub mod lex;
pub mod read;
pub mod table;
pub mod tag;
pub mod write;

use crate::diag::Diagnostic;
use crate::model::Reference;

/// Bytes of text lexed before the records read so far are mapped and freed.
const BATCH_BYTES: usize = 4 << 20;

/// Reads RIS text into references (lex, then map each record).
///
/// The text is lexed in batches of about 4 MiB that end at a line end, and the
/// records completed by each batch are mapped (and their raw form freed) before
/// the next, so a large library never holds every raw record at once. The
/// result, diagnostics included and in the same order (lexing ones first), is
/// what lexing the whole text and then mapping it gives.
pub fn parse_text(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Reference> {
    parse_batched(text, diags, BATCH_BYTES)
}

fn parse_batched(text: &str, diags: &mut Vec<Diagnostic>, batch: usize) -> Vec<Reference> {
    let mut lx = lex::Lexer::new(1, 0);
    let mut map_diags = Vec::new();
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = batch_end(text.as_bytes(), start, batch);
        lx.run(&text[start..end], diags);
        out.extend(read_records(&lx.take_records(), &mut map_diags));
        start = end;
    }
    out.extend(read_records(&lx.finish(diags), &mut map_diags));
    diags.append(&mut map_diags);
    out
}

/// Where a batch starting at `start` ends: just after the first line end at or
/// past `start + batch` (a CRLF whole), or the end of the text.
fn batch_end(bytes: &[u8], start: usize, batch: usize) -> usize {
    let from = start.saturating_add(batch);
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

/// Maps lexed records to references, in order, diagnostics in record order.
///
/// Records are independent, so natively a large input is mapped on every core
/// (in contiguous slices whose results are concatenated: the same references and
/// diagnostics, in the same order, as one thread gives). The browser build has
/// one thread.
pub fn read_records(records: &[lex::RawRecord<'_>], diags: &mut Vec<Diagnostic>) -> Vec<Reference> {
    let parts = crate::par::map_parts(records, |_, slice| {
        let mut d = Vec::new();
        let refs: Vec<Reference> = slice
            .iter()
            .map(|rec| read::read_record(rec, &mut d))
            .collect();
        (refs, d)
    });
    let mut out = Vec::with_capacity(records.len());
    for (refs, d) in parts {
        out.extend(refs);
        diags.extend(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lexing and mapping in batches gives what one pass gives, wherever the
    /// batches end: LF, CRLF and CR line ends, collapsed records, records without
    /// ER, junk between records, a record cut by a batch end.
    #[test]
    fn batches_equal_one_pass() {
        let mut text = String::from("Exported by X\r\n\r\n");
        for i in 0..60 {
            let nl = ["\n", "\r\n", "\r"][i % 3];
            if i % 5 == 0 {
                text.push_str(&format!(
                    "TY - JOUR TI - Collapsed {i} AU - Doe, J. PY - 2001 ER - {nl}"
                ));
            } else {
                for l in [
                    format!("TY  - {}", ["JOUR", "BOOK", "NOPE"][i % 3]),
                    format!("TI  - Title {i}"),
                    "      wrapped on".to_string(),
                    format!("AU  - Roe{i}, A."),
                    format!("ZZ  - vendor {i}"),
                ] {
                    text.push_str(&l);
                    text.push_str(nl);
                }
                if i % 7 != 0 {
                    text.push_str("ER  - ");
                    text.push_str(nl);
                }
                if i % 11 == 0 {
                    text.push_str("stray line");
                    text.push_str(nl);
                }
            }
        }
        let mut one_diags = Vec::new();
        let records = lex::lex(&text, &mut one_diags);
        let one = read_records(&records, &mut one_diags);
        assert!(one.len() > 50, "{}", one.len());
        for batch in [0, 1, 7, 30, 100, 333, 1000, usize::MAX] {
            let mut d = Vec::new();
            let refs = parse_batched(&text, &mut d, batch);
            assert_eq!(refs, one, "batch {batch}");
            assert_eq!(d, one_diags, "batch {batch}");
        }
    }

    /// The parallel mapping gives exactly what one thread gives: references and
    /// diagnostics, in order.
    #[test]
    fn parallel_mapping_equals_sequential() {
        let mut text = String::new();
        for i in 0..9000 {
            text.push_str(&format!(
                "TY  - {}\nAU  - Doe{i}, J.\nTI  - Title {i}\nPY  - {}\nZZ  - vendor {i}\nSP  - {i}\nSP  - {}\nER  - \n",
                ["JOUR", "BOOK", "CHAP", "NOPE"][i % 4],
                if i % 7 == 0 { "not a date".to_string() } else { (1900 + i % 120).to_string() },
                i + 1
            ));
        }
        let mut lex_diags = Vec::new();
        let records = lex::lex(&text, &mut lex_diags);
        let mut seq_diags = Vec::new();
        let seq: Vec<Reference> = records
            .iter()
            .map(|r| read::read_record(r, &mut seq_diags))
            .collect();
        let mut par_diags = Vec::new();
        let par = read_records(&records, &mut par_diags);
        assert_eq!(par.len(), 9000);
        assert_eq!(par, seq);
        assert!(seq_diags.len() > 9000);
        assert_eq!(par_diags, seq_diags);
    }
}
