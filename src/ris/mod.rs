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
    records
        .iter()
        .map(|rec| read::read_record(rec, diags))
        .collect()
}
