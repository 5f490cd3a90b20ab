//! RIS: the lexer ([`lex`]), the tag table ([`table`]), the mapping to the model
//! ([`read`]) and the writer ([`write`]), which runs the same table in reverse.

pub mod lex;
pub mod read;
pub mod table;
pub mod write;

use crate::diag::Diagnostic;
use crate::model::Reference;

/// Reads RIS text into references (lex, then map each record).
pub fn parse_text(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Reference> {
    let records = lex::lex(text, diags);
    read_records(&records, diags)
}

/// Maps lexed records to references, in order, diagnostics in record order.
///
/// Records are independent, so natively a large input is mapped on every core
/// (in contiguous slices whose results are concatenated: the same references and
/// diagnostics, in the same order, as one thread gives). The browser build has
/// one thread.
pub fn read_records(records: &[lex::RawRecord<'_>], diags: &mut Vec<Diagnostic>) -> Vec<Reference> {
    let parts = crate::par::map_slices(records, |_, slice| {
        let mut d = Vec::new();
        let refs: Vec<Reference> = slice
            .iter()
            .map(|rec| read::read_record(rec, &mut d))
            .collect();
        (refs, d)
    });
    let Some(parts) = parts else {
        return records
            .iter()
            .map(|rec| read::read_record(rec, diags))
            .collect();
    };
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
