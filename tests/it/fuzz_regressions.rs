//! The inputs the fuzzers (`tests/fuzz/`) found, each a fixed bug, checked here with
//! the same properties the fuzz targets assert, deterministically and on stable Rust:
//! no panic; stream = whole input; BibTeX and BibLaTeX re-parse with one entry per
//! reference; CSL-JSON is valid JSON; RIS → RIS gives the same references and is a
//! fixed point; every bundled style formats every reference.

use citris::{Format, Options, Reference};
use std::path::Path;

fn inputs() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let p = e.path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

fn without_lines(mut refs: Vec<Reference>) -> Vec<Reference> {
    for r in &mut refs {
        r.line = 0;
    }
    refs
}

#[test]
fn stream_equals_whole() {
    for (name, bytes) in inputs() {
        let whole = citris::parse_bytes(&bytes).references;
        for size in (1..=61).chain([4096, 4097]) {
            let mut s = citris::ris::Reader::new();
            let mut got = Vec::new();
            for chunk in bytes.chunks(size) {
                s.push(chunk, &mut got);
            }
            s.finish(&mut got);
            assert_eq!(got, whole, "{name}, chunks of {size}");
        }
    }
}

#[test]
fn ris_round_trip_is_exact() {
    for (name, bytes) in inputs() {
        let first = without_lines(citris::parse_bytes(&bytes).references);
        let ris = citris::write_string(&first, Format::Ris, &Options::default());
        let second = without_lines(citris::parse_str(&ris).references);
        assert_eq!(first, second, "{name}: written\n{ris}");
        let again = citris::write_string(&second, Format::Ris, &Options::default());
        assert_eq!(ris, again, "{name}: not a fixed point");
    }
}

#[test]
fn bibtex_reparses_and_json_is_valid() {
    for (name, bytes) in inputs() {
        let refs = citris::parse_bytes(&bytes).references;
        let keys = citris::keys::assign_keys(&refs);
        for f in [Format::Bibtex, Format::Biblatex] {
            for latex_accents in [false, true] {
                let opts = Options {
                    latex_accents,
                    ..Default::default()
                };
                let bib = citris::write_string(&refs, f, &opts);
                let parsed = biblatex::Bibliography::parse(&bib)
                    .unwrap_or_else(|e| panic!("{name} {f:?}: {e:?}\n{bib}"));
                let got: Vec<String> = parsed.iter().map(|e| e.key.clone()).collect();
                assert_eq!(got, keys, "{name} {f:?}");
            }
        }
        let json = citris::write_string(&refs, Format::CslJson, &Options::default());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v.as_array().unwrap().len(), refs.len(), "{name}");
    }
}

#[cfg(feature = "cite")]
#[test]
fn every_bundled_style_formats_them() {
    for (name, bytes) in inputs() {
        let refs = citris::parse_bytes(&bytes).references;
        if refs.is_empty() {
            continue;
        }
        let items = citris::csl_json::items(&refs);
        for s in citris::cite::bundled_styles() {
            let style = citris::cite::Style::bundled(s.name).unwrap();
            let entries = citris::cite::format(&items, &style, "en-US")
                .unwrap_or_else(|e| panic!("{name} {}: {}", s.name, e.message()));
            assert_eq!(entries.len(), refs.len(), "{name} {}", s.name);
        }
    }
}
