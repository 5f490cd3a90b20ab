//! Parse any bytes, write RIS, read it again: the same references (line numbers
//! aside), and writing again gives the same text. No written value may start a
//! fake tag line.
#![no_main]
use citris::{Format, Options, Reference};
use libfuzzer_sys::fuzz_target;

fn without_lines(mut refs: Vec<Reference>) -> Vec<Reference> {
    for r in &mut refs {
        r.line = 0;
    }
    refs
}

fuzz_target!(|data: &[u8]| {
    let first = without_lines(citris::parse_bytes(data).references);
    let ris = citris::write_string(&first, Format::Ris, &Options::default());
    let again = citris::parse_str(&ris);
    let second = without_lines(again.references);
    assert_eq!(first, second, "round trip differs\nwritten:\n{ris}");
    let ris2 = citris::write_string(&second, Format::Ris, &Options::default());
    assert_eq!(ris, ris2, "writing is not a fixed point");
});
