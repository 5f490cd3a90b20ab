//! Golden tests: every `tests/fixtures/<behaviour>.ris` is read and written in every
//! format; the outputs must equal the files beside it:
//! `.bib` (BibTeX), `.biblatex.bib`, `.csl.json`, `.out.ris` (normalised RIS) and
//! `.diag` (the diagnostics, one per line).
//!
//! Run with `UPDATE_GOLDEN=1 cargo test --test it golden::` to rewrite them after an
//! intended change, then review the diff.

use citris::{Format, Options};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".ris") && !n.ends_with(".out.ris")
        })
        .collect();
    v.sort();
    v
}

fn golden_path(input: &Path, ext: &str) -> PathBuf {
    let stem = input.file_name().unwrap().to_string_lossy();
    let stem = stem.trim_end_matches(".ris");
    input.with_file_name(format!("{stem}.{ext}"))
}

/// Compares (or rewrites) one golden file; returns a description of a mismatch.
fn check(path: &Path, actual: &str, update: bool) -> Option<String> {
    if update {
        std::fs::write(path, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.lines().count().min(actual.lines().count()));
            Some(format!(
                "{}: differs at line {}\n  expected: {:?}\n  actual:   {:?}",
                path.display(),
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>")
            ))
        }
        Err(_) => Some(format!(
            "{}: missing (run UPDATE_GOLDEN=1 cargo test --test it golden::)",
            path.display()
        )),
    }
}

#[test]
fn fixtures_match_goldens() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(files.len() >= 20, "fixtures missing: {}", files.len());
    for input in &files {
        let bytes = std::fs::read(input).unwrap();
        let parsed = citris::parse_bytes(&bytes);
        let opts = Options::default();
        let outputs = [
            ("bib", Format::Bibtex),
            ("biblatex.bib", Format::Biblatex),
            ("csl.json", Format::CslJson),
            ("out.ris", Format::Ris),
        ];
        for (ext, format) in outputs {
            if parsed.references.is_empty() {
                continue;
            }
            let out = citris::write_string(&parsed.references, format, &opts);
            failures.extend(check(&golden_path(input, ext), &out, update));
        }
        let mut diag = format!(
            "encoding: {}\nrecords: {}\n",
            parsed.encoding,
            parsed.references.len()
        );
        for d in &parsed.diagnostics {
            writeln!(diag, "{d}").unwrap();
        }
        failures.extend(check(&golden_path(input, "diag"), &diag, update));
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The seed: the same citation pasted collapsed onto one line and downloaded as a
/// normal file must give exactly the same record.
#[test]
fn collapsed_paste_equals_multiline_download() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let a = citris::parse_bytes(&std::fs::read(dir.join("collapsed-paste.ris")).unwrap());
    let b = citris::parse_bytes(&std::fs::read(dir.join("seed-multiline.ris")).unwrap());
    assert_eq!(a.references.len(), 1);
    let mut ra = a.references[0].clone();
    let mut rb = b.references[0].clone();
    ra.line = 0;
    rb.line = 0;
    assert_eq!(ra, rb);
    let r = &ra;
    let authors: Vec<String> = r.names("author").iter().map(|n| n.family.clone()).collect();
    assert_eq!(
        authors,
        [
            "Rezaei",
            "Esmaeili Gouvarchin Ghaleh",
            "Farzanehpour",
            "Dorostkar",
            "Ranjbar",
            "Bolandian",
            "Mirzaei Nodooshan",
            "Ghorbani Alvanegh"
        ]
    );
    let abs = r.get("abstract").unwrap();
    assert!(abs.starts_with("Chimeric antigen receptor (CAR) T-cell therapy"));
    assert!(
        abs.ends_with("shed a little light on the future perspectives."),
        "{abs}"
    );
    assert_eq!(r.dates["issued"].parts, vec![[2021, 6, 22]]);
    assert_eq!(r.dates["accessed"].parts, vec![[2021, 6, 22]]);
    assert_eq!(r.get("page"), Some("1-14"));
    assert_eq!(r.get("DOI"), Some("10.1038/s41417-021-00359-9"));
    assert_eq!(r.get("ISSN"), Some("1476-5500"));
    assert_eq!(
        r.get("URL"),
        Some("https://www.nature.com/articles/s41417-021-00359-9")
    );
    assert_eq!(r.get("language"), Some("en"));
    assert_eq!(
        r.get("title-short"),
        Some("Combination therapy with CAR T cells and oncolytic viruses")
    );
    assert_eq!(r.get("container-title-short"), Some("Cancer Gene Ther"));
    assert_eq!(r.get("container-title"), Some("Cancer Gene Therapy"));
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
}
