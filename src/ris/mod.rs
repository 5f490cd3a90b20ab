//! RIS: the tags ([`tag`]), the lexer ([`lex`]), the tag table ([`table`]), the mapping to the model
//! ([`read`]) and the pipeline that drives them from bytes ([`reader`]). The
//! writer, [`crate::write::ris`], runs the same table in reverse.

pub mod lex;
pub mod read;
pub mod reader;
pub mod table;
pub mod tag;

pub use reader::Reader;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::model::Reference;

    /// Everything pushed as text in pieces of `piece` bytes (cut at character
    /// boundaries), lexed in batches of `batch`.
    fn read_in(text: &str, piece: usize, batch: usize) -> (Vec<Reference>, Vec<Diagnostic>) {
        let mut r = Reader::new();
        r.batch = batch.max(1);
        let mut out = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let mut end = start.saturating_add(piece.max(1)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            r.push_str(&text[start..end], &mut out);
            start = end;
        }
        r.finish(&mut out);
        (out, r.take_diagnostics())
    }

    /// Lexing and mapping in batches, from pieces of any size, gives what one
    /// pass gives, wherever the batches and pieces end: LF, CRLF and CR line ends, collapsed records, records without
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
                if i % 13 == 0 {
                    // Tagged lines after an ER (Ovid): they join this record.
                    text.push_str(&format!(
                        "NL  - Journal {i}{nl}Link to the full text{nl}{i}.{nl}"
                    ));
                }
            }
        }
        let mut one_diags = Vec::new();
        let records = lex::lex(&text, &mut one_diags);
        let one: Vec<Reference> = records
            .iter()
            .map(|r| read::read_record(r, &mut one_diags))
            .collect();
        assert!(one.len() > 50, "{}", one.len());
        for batch in [0, 1, 7, 30, 100, 333, 1000, usize::MAX] {
            for piece in [1, 13, 100, 4096, usize::MAX] {
                let (refs, d) = read_in(&text, piece, batch);
                assert_eq!(refs, one, "batch {batch}, piece {piece}");
                assert_eq!(d, one_diags, "batch {batch}, piece {piece}");
            }
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
        let (par, par_diags) = read_in(&text, usize::MAX, usize::MAX);
        assert_eq!(par.len(), 9000);
        assert_eq!(par, seq);
        assert!(seq_diags.len() > 9000);
        lex_diags.extend(seq_diags);
        assert_eq!(par_diags, lex_diags);
    }
}
