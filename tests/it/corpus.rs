//! The shared real-world corpus (`../shared/corpus`: JabRef, citation-js, rispy and
//! Zotero test files): every file is read without panic, its records are counted,
//! and where another tool's expected output exists we compare field by field.
//! Every place where we differ is listed below with the reason ours is kept.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        p.is_dir(),
        "the shared corpus is expected at {} (CI lays shared/ beside the clone)",
        p.display()
    );
    p
}

fn ris_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            ris_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "ris") {
            out.push(p);
        }
    }
}

/// Records per file. Notable counts: `RisImporterTest1.ris` has nine TY lines in a
/// row before one record (the extra TYs are reported, not turned into empty
/// references); `example_wos.ris` is Web of Science's own format, not RIS (named in
/// the error); `RisImporterCorrupted.ris` has no TY and is read as one GEN record.
const COUNTS: &[(&str, usize)] = &[
    ("citation-js/input/3+_values.ris", 1),
    ("citation-js/input/EndNote-style_delimiters.ris", 2),
    ("citation-js/input/ISSN_ISBN_ISBN.ris", 1),
    ("citation-js/input/ISSN_ISBN_ISSN.ris", 1),
    (
        "citation-js/input/citation-js_citation-js_issues_213-2.ris",
        1,
    ),
    (
        "citation-js/input/citation-js_citation-js_issues_213-3.ris",
        1,
    ),
    (
        "citation-js/input/citation-js_citation-js_issues_213.ris",
        1,
    ),
    (
        "citation-js/input/citation-js_citation-js_pull_248-1.ris",
        1,
    ),
    (
        "citation-js/input/citation-js_citation-js_pull_248-2.ris",
        1,
    ),
    ("citation-js/input/larsgw_citation.js_issues_214.ris", 1),
    ("citation-js/input/larsgw_citation.js_issues_215.ris", 1),
    ("citation-js/input/literal_name.ris", 1),
    ("citation-js/input/name_with_suffix.ris", 1),
    ("citation-js/input/old_spec.ris", 1),
    ("citation-js/input/only_family_name.ris", 1),
    ("citation-js/output/simple.expected.ris", 1),
    ("jabref/RisImporterCorrupted.ris", 1),
    ("jabref/RisImporterTest1.ris", 3),
    ("jabref/RisImporterTest3.ris", 1),
    ("jabref/RisImporterTest4a.ris", 1),
    ("jabref/RisImporterTest4b.ris", 1),
    ("jabref/RisImporterTest4c.ris", 1),
    ("jabref/RisImporterTest5a.ris", 1),
    ("jabref/RisImporterTest5b.ris", 1),
    ("jabref/RisImporterTest6.ris", 1),
    ("jabref/RisImporterTest7.ris", 1),
    ("jabref/RisImporterTest8_date.ris", 1),
    ("jabref/RisImporterTest9.ris", 1),
    ("jabref/RisImporterTestDOI.ris", 1),
    ("jabref/RisImporterTestDate1.1.ris", 1),
    ("jabref/RisImporterTestDate1.2.ris", 1),
    ("jabref/RisImporterTestDoiAndJournalTitle.ris", 1),
    ("jabref/RisImporterTestScience.ris", 1),
    ("jabref/RisImporterTestScopus.ris", 1),
    ("jabref/RisImporterTestWithEmptyER.ris", 1),
    // litstudy's IEEE Xplore export (its test asserts 25 documents) and
    // pandoc's RIS case (3 CSL items expected), added to the shared corpus.
    ("litstudy/example.ris", 25),
    ("pandoc/7894.ris", 3),
    ("rispy/example_basic.ris", 1),
    ("rispy/example_bom.ris", 1),
    ("rispy/example_custom_list_tags.ris", 1),
    ("rispy/example_empty_tag.ris", 1),
    ("rispy/example_extraneous_data.ris", 2),
    ("rispy/example_full.ris", 2),
    ("rispy/example_full_without_whitespace.ris", 2),
    ("rispy/example_full_write.ris", 2),
    ("rispy/example_multi_unknown_tags.ris", 1),
    ("rispy/example_multiline.ris", 3),
    ("rispy/example_single_unknown_tag.ris", 1),
    ("rispy/example_starting_newlines.ris", 1),
    ("rispy/example_urls.ris", 4),
    ("rispy/example_utf_chars.ris", 1),
    ("rispy/example_wos.ris", 0),
    ("zotero/testcase_00.ris", 1),
    ("zotero/testcase_01.ris", 1),
    ("zotero/testcase_02.ris", 48),
    ("zotero/testcase_03.ris", 1),
    ("zotero/testcase_04.ris", 39),
    ("zotero/testcase_05.ris", 1),
    ("zotero/testcase_06.ris", 1),
    ("zotero/testcase_07.ris", 1),
    ("zotero/testcase_08.ris", 1),
    ("zotero/testcase_09.ris", 2),
    ("zotero/testcase_10.ris", 1),
    ("zotero/testcase_11.ris", 1),
];

#[test]
fn every_corpus_file_reads_with_the_expected_record_count() {
    let root = corpus();
    let mut files = Vec::new();
    ris_files(&root, &mut files);
    files.sort();
    let mut got = BTreeMap::new();
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let parsed = citris::parse_bytes(&std::fs::read(f).unwrap());
        // Every writer runs on it too.
        for format in citris::Format::ALL {
            let out = citris::write_string(&parsed.references, format, &Default::default());
            assert!(parsed.references.is_empty() || !out.is_empty());
        }
        if parsed.references.is_empty() {
            assert!(
                parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == citris::Severity::Error),
                "{rel}: no records and no error"
            );
        }
        got.insert(rel, parsed.references.len());
    }
    let expected: BTreeMap<String, usize> =
        COUNTS.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(got, expected);
}

#[test]
fn wos_file_is_named_in_the_error() {
    let p = citris::parse_bytes(&std::fs::read(corpus().join("rispy/example_wos.ris")).unwrap());
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.kind == citris::DiagKind::NotRis && d.message.contains("Web of Science")));
}

/// Every difference must be one listed (by prefix), and every listed one must still
/// occur: a fixed difference should leave the list, a new one should be explained.
fn assert_differences(tool: &str, diffs: &[String], expected: &[&str]) {
    let unexplained: Vec<&String> = diffs
        .iter()
        .filter(|d| !expected.iter().any(|e| d.starts_with(e)))
        .collect();
    assert!(
        unexplained.is_empty(),
        "new differences from {tool}:\n{unexplained:#?}"
    );
    for e in expected {
        assert!(
            diffs.iter().any(|d| d.starts_with(e)),
            "a listed difference from {tool} went away: {e}\n{diffs:#?}"
        );
    }
}

/// The files of `dir` with extension `ext`, sorted.
fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn csl(path: &Path) -> Vec<Value> {
    let p = citris::parse_bytes(&std::fs::read(path).unwrap());
    citris::csl_json::items(&p.references)
}

/// Field-by-field differences from citation-js's expected CSL-JSON (the fields it
/// sets; `id` excluded).
fn citation_js_differences() -> Vec<String> {
    let dir = corpus().join("citation-js/input");
    let mut out = Vec::new();
    let names = files_with(&dir, "ris");
    for ris in names {
        let stem = ris.file_stem().unwrap().to_string_lossy().to_string();
        let exp: Vec<Value> = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{stem}.expected.csl.json"))).unwrap(),
        )
        .unwrap();
        let got = csl(&ris);
        assert_eq!(exp.len(), got.len(), "{stem}");
        for (e, g) in exp.iter().zip(&got) {
            for (k, v) in e.as_object().unwrap() {
                if k == "id" {
                    continue;
                }
                let gv = g.get(k).cloned().unwrap_or(Value::Null);
                if &gv != v {
                    out.push(format!("{stem} {k}: {v} -> {gv}"));
                }
            }
        }
    }
    out
}

#[test]
fn citation_js_expectations_match_except_where_ours_is_better() {
    let diffs = citation_js_differences();
    let expected = [
        // An ISO date is a date: citation.js keeps it raw; structured parts let styles format it.
        r#"citation-js_citation-js_issues_213-3 issued: {"raw":"2023-10-24"} -> {"date-parts":[[2023,10,24]]}"#,
        // `DB` is the name of the database: citation.js puts it in `source`; we keep it in
        // `archive` as Zotero does, so a Zotero RIS export round-trips (DP goes to `source`).
        r#"citation-js_citation-js_pull_248-1 source: "OEB" -> null"#,
        // `Journ` is read as JOUR too; citation.js and we agree on the type. Keywords are
        // joined with ", " (CSL `keyword` is a string); citation.js joins with ",".
        "citation-js_citation-js_pull_248-2 keyword:",
    ];
    assert_differences("citation.js", &diffs, &expected);
}

/// `field = {value}` lines of a BibTeX file, per entry (JabRef writes one field a line).
fn bib_fields(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('@') {
            out.push(BTreeMap::new());
            continue;
        }
        let Some((k, v)) = line.trim().split_once(" = ") else {
            continue;
        };
        let v = v.trim_end_matches(',');
        let v = v
            .strip_prefix('{')
            .and_then(|x| x.strip_suffix('}'))
            .unwrap_or(v);
        if let Some(e) = out.last_mut() {
            e.insert(k.to_lowercase(), v.replace(['{', '}'], ""));
        }
    }
    out
}

/// JabRef's importer expectations (`jabref/*.bib`) against our BibTeX, on the fields
/// both write: title, year, volume, pages, doi, journal.
fn jabref_differences() -> Vec<String> {
    let dir = corpus().join("jabref");
    let names = files_with(&dir, "bib");
    let mut out = Vec::new();
    for bib in names {
        let stem = bib.file_stem().unwrap().to_string_lossy().to_string();
        let exp = bib_fields(&std::fs::read_to_string(&bib).unwrap());
        let p = citris::parse_bytes(&std::fs::read(dir.join(format!("{stem}.ris"))).unwrap());
        let got = bib_fields(&citris::write_string(
            &p.references,
            citris::Format::Bibtex,
            &Default::default(),
        ));
        for (e, g) in exp.iter().zip(&got) {
            for k in ["title", "year", "volume", "pages", "doi", "journal"] {
                let (Some(ev), gv) = (e.get(k), g.get(k)) else {
                    continue;
                };
                let norm = |s: &str| s.replace("--", "-").replace('\\', "");
                if Some(norm(ev)) != gv.map(|s| norm(s)) {
                    out.push(format!("{stem} {k}: {ev:?} -> {gv:?}"));
                }
            }
        }
    }
    out
}

#[test]
fn jabref_expectations_match_except_where_ours_is_better() {
    let diffs = jabref_differences();
    let expected = [
        // Nine TY lines then one record: JabRef keeps an invented title suffix from
        // fields it concatenates; we keep the TI as written and a T2 (Empirical Software
        // Engineering) as the container of the last TY (CONF: booktitle, not journal).
        "RisImporterTest1 title:",
        "RisImporterTest1 journal:",
        // JabRef puts T2 of a CHAP into `journal`; a chapter's T2 is the book title
        // (RIS 2011, Book Section: T2 = Book Title), written as `booktitle`.
        "RisImporterTest3 journal:",
        // JabRef prefers JO (here the abbreviation "J. Chem. Phys.") over T2 (the full
        // name); we keep T2 as the journal and JO as the abbreviation (docs/MAPPING.md).
        "RisImporterTest8_date journal:",
        "RisImporterTestDate1.1 journal:",
        "RisImporterTestDate1.2 journal:",
        // Non-ASCII stays UTF-8 by default (`--latex-accents` writes `---`); JabRef
        // writes the em dash as `--`.
        "RisImporterTest6 title:",
        // A patent has no journal; JabRef turns its JO into one.
        "RisImporterTestDoiAndJournalTitle journal:",
    ];
    assert_differences("JabRef", &diffs, &expected);
}

/// litstudy's facts about a real IEEE Xplore RIS export (`litstudy/
/// example.expected.json`): 25 records although some lines end in a lone CR,
/// and the first record's title, year, six keywords, abstract and both authors
/// (IEEE lists "G. Kalbe" twice; litstudy counts two authors, and so does citris).
#[test]
fn litstudy_ieee_export_expectations_match() {
    let p = citris::parse_bytes(&std::fs::read(corpus().join("litstudy/example.ris")).unwrap());
    assert_eq!(p.references.len(), 25);
    let items = citris::csl_json::items(&p.references);
    let first = &items[0];
    assert_eq!(
        first["title"],
        "The European Approach to the Exascale Challenge"
    );
    assert_eq!(first["issued"]["date-parts"][0][0], 2019);
    let keywords: Vec<&str> = first["keyword"].as_str().unwrap().split(", ").collect();
    assert_eq!(keywords.len(), 6);
    assert!(keywords.contains(&"Ecosystems"));
    assert_eq!(first["abstract"].as_str().unwrap().chars().count(), 990);
    let authors = first["author"].as_array().unwrap();
    assert_eq!(authors.len(), 2);
    assert_eq!(authors[0]["family"], "Kalbe");
    assert_eq!(authors[0]["given"], "G.");
}
