//! BibTeX that cannot break its container, checked with a second, independent
//! parser: Python's bibtexparser 2 (the biblatex crate is the first, in
//! tests/it/properties.rs and tests/it/fuzz_regressions.rs). Every fixture, the whole
//! shared corpus and a set of hostile values (unbalanced braces, `@comment{`,
//! backslashes, `%`, quotes, a fake entry) are written as BibTeX and BibLaTeX; the
//! parser must find exactly citris's entries, with citris's keys, no failed block,
//! and hostile titles must come back whole.
//!
//! `./build.sh test` installs bibtexparser into `target/pylib` and sets
//! `CITRIS_REQUIRE_PY=1`, so there the check always runs; a plain `cargo test`
//! without it says it skipped.

use crate::common;

use citris::{Format, Options};
use std::path::PathBuf;
use std::process::Command;

const HOSTILE: &[&str] = &[
    "Unbalanced { brace",
    "Closing } brace first",
    "}} @article{injected, title={pwned}} {{",
    "@comment{ swallowed",
    "Ends with a backslash \\",
    "Backslash \\} brace",
    "Percent % comment sign",
    "Quotes \" inside \" title",
    "Hash # and tilde ~ and caret ^ and & ampersand",
    "@string{x = \"y\"}",
    "Nested {{{ deep } braces",
    "\\end{document}",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inputs() -> Vec<String> {
    let mut out = Vec::new();
    let files = common::fixture_and_corpus_files();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        out.push(citris::decode::decode(&bytes).text.into_owned());
    }
    let mut hostile = String::new();
    for (i, h) in HOSTILE.iter().enumerate() {
        hostile.push_str(&format!(
            "TY  - JOUR\nAU  - {h}, Ann\nTI  - {h}\nT2  - {h}\nPY  - 20{i:02}\nN1  - {h}\nER  - \n\n"
        ));
    }
    out.push(hostile);
    out
}

fn python() -> Option<PathBuf> {
    let pylib = root().join("target/pylib");
    let ok = Command::new("python3")
        .env("PYTHONPATH", &pylib)
        .args([
            "-c",
            "import bibtexparser; assert bibtexparser.__version__.startswith('2')",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(pylib);
    }
    assert!(
        std::env::var_os("CITRIS_REQUIRE_PY").is_none(),
        "bibtexparser 2 is not importable from {} (./build.sh test installs it)",
        pylib.display()
    );
    eprintln!("SKIPPED: bibtexparser 2 is not installed (./build.sh test installs it)");
    None
}

#[test]
fn bibtexparser_reads_exactly_our_entries() {
    let Some(pylib) = python() else { return };
    let dir = root().join("target/bibtexparser-check");
    std::fs::create_dir_all(&dir).unwrap();
    let inputs = inputs();
    // (file, expected keys, hostile titles to find whole)
    let mut cases: Vec<(PathBuf, Vec<String>, bool)> = Vec::new();
    for (i, text) in inputs.iter().enumerate() {
        let refs = citris::parse_str(text).references;
        let keys = citris::keys::assign_keys(&refs);
        for format in [Format::Bibtex, Format::Biblatex] {
            for latex_accents in [false, true] {
                let opts = Options {
                    latex_accents,
                    ..Default::default()
                };
                let bib = citris::write_string(&refs, format, &opts);
                let path = dir.join(format!("{i}-{}-{latex_accents}.bib", format.name()));
                std::fs::write(&path, &bib).unwrap();
                let hostile = i + 1 == inputs.len() && !latex_accents;
                cases.push((path, keys.clone(), hostile));
            }
        }
    }
    let out = Command::new("python3")
        .env("PYTHONPATH", &pylib)
        .arg(root().join("tests/bibtexparser_check.py"))
        .args(cases.iter().map(|c| &c.0))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len());
    let mut checked = 0;
    for ((path, keys, hostile), line) in cases.iter().zip(lines) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let got: Vec<&str> = v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(got, *keys, "{}", path.display());
        assert_eq!(
            v["failed"].as_array().unwrap().len(),
            0,
            "{}: {}",
            path.display(),
            v["failed"]
        );
        assert_eq!(v["comments"], 0, "{}", path.display());
        checked += keys.len();
        if *hostile {
            // Each hostile title comes back with all its words (braces and escapes
            // are BibTeX's business).
            let fields = v["fields"].as_array().unwrap();
            assert_eq!(fields.len(), HOSTILE.len());
            for (h, f) in HOSTILE.iter().zip(fields) {
                let title = f["title"].as_str().unwrap();
                for w in h
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                {
                    assert!(title.contains(w), "{h:?} came back as {title:?}");
                }
            }
        }
    }
    assert!(checked > 1500, "{checked} entries checked");
}
