//! Parse any bytes, write BibTeX and BibLaTeX (with and without LaTeX accents):
//! the output re-parses with the `biblatex` crate into exactly one entry per
//! reference, with citris's keys (no value can close an entry early or inject one).
#![no_main]
use citris::{Format, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((flags, bytes)) = data.split_first() else { return };
    let refs = citris::parse_bytes(bytes).references;
    let keys = citris::keys::assign_keys(&refs);
    let format = if flags & 1 == 0 { Format::Bibtex } else { Format::Biblatex };
    let opts = Options { latex_accents: flags & 2 != 0, ..Default::default() };
    let bib = citris::write_string(&refs, format, &opts);
    let parsed = biblatex::Bibliography::parse(&bib)
        .unwrap_or_else(|e| panic!("{format:?} does not parse: {e:?}\n{bib}"));
    let got: Vec<String> = parsed.iter().map(|e| e.key.clone()).collect();
    assert_eq!(got, keys, "{format:?} entries\n{bib}");
});
