//! The command-line tool, driven as a user would: the built binary, real files in a
//! temporary directory, standard input, exit codes and standard error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_citris");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh directory for one test (removed when dropped).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "citris-cli-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            name
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with `args` and `stdin` (closed when `None`).
fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run citris");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A process that exits without reading (usage errors) closes the pipe early.
        let _ = pipe.write_all(input);
        drop(pipe);
    }
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 on stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        stderr(o)
    )
}

const ONE: &str = "TY  - JOUR\nTI  - A title\nAU  - Doe, Jane\nPY  - 2021\nER  - \n";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Diagnostics lines of the form `FILE:LINE:COLUMN: SEVERITY: MESSAGE`, parsed.
fn diagnostics(err: &str) -> Vec<(String, u32, u32, String, String)> {
    err.lines()
        .filter_map(|l| {
            // The file name may itself hold colons (not in these tests); split from the
            // right of the position fields by looking for ": warning: " etc.
            let (head, rest) = ["error", "warning", "info"].iter().find_map(|sev| {
                l.find(&format!(": {sev}: ")).map(|i| {
                    (
                        &l[..i],
                        (sev.to_string(), l[i + sev.len() + 4..].to_string()),
                    )
                })
            })?;
            let mut it = head.rsplitn(3, ':');
            let col = it.next()?.parse().ok()?;
            let line = it.next()?.parse().ok()?;
            let file = it.next()?.to_string();
            Some((file, line, col, rest.0, rest.1))
        })
        .collect()
}

// ------------------------------------------------------------------------------------
// Success paths
// ------------------------------------------------------------------------------------

#[test]
fn converts_a_file() {
    let o = run(
        &[
            "convert",
            "--to",
            "bibtex",
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert!(out.starts_with("@article{rezaei2021combination,"), "{out}");
    assert_eq!(out.matches("\n@").count() + 1, 1, "one entry: {out}");
    assert!(out.contains("Rezaei, Ramazan"), "{out}");
    assert!(out.contains("10.1038/s41417-021-00359-9"), "{out}");
}

#[test]
fn every_format_from_a_file() {
    for (to, start) in [
        ("bibtex", "@article{"),
        ("biblatex", "@article{"),
        ("csl-json", "["),
        ("ris", "TY  - JOUR"),
    ] {
        let o = run(
            &["convert", "--to", to, s(&fixture("collapsed-paste.ris"))],
            None,
        );
        assert_eq!(code(&o), 0, "{to}: {}", show(&o));
        assert!(stdout(&o).starts_with(start), "{to}: {}", show(&o));
    }
    let o = run(
        &[
            "convert",
            "--to",
            "csl-json",
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["id"], "rezaei2021combination");
}

#[test]
fn reads_stdin_with_dash_and_without_file() {
    let seed = std::fs::read(fixture("collapsed-paste.ris")).unwrap();
    let from_file = run(
        &[
            "convert",
            "--to",
            "bibtex",
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    let dash = run(&["convert", "--to", "bibtex", "-"], Some(&seed));
    let none = run(&["convert", "--to", "bibtex"], Some(&seed));
    for o in [&dash, &none] {
        assert_eq!(code(o), 0, "{}", show(o));
        assert_eq!(stdout(o), stdout(&from_file));
    }
}

#[test]
fn stdin_diagnostics_are_named_stdin() {
    let o = run(
        &["convert", "--to", "ris"],
        Some(b"TY  - JOUR\nTI  - No end\n"),
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let d = diagnostics(&stderr(&o));
    assert!(
        d.iter()
            .any(|(f, l, _, sev, _)| f == "<stdin>" && *l == 1 && sev == "warning"),
        "{}",
        show(&o)
    );
}

// ------------------------------------------------------------------------------------
// Failure paths and exit codes
// ------------------------------------------------------------------------------------

#[test]
fn empty_input_exits_1() {
    let t = TempDir::new("empty");
    let empty = t.file("empty.ris", b"");
    let o = run(&["convert", "--to", "bibtex", s(&empty)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    assert!(stderr(&o).contains("error"), "{}", show(&o));
    // Standard input, blank only.
    let o = run(&["convert", "--to", "bibtex"], Some(b"  \n\r\n"));
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
}

#[test]
fn bibtex_given_by_mistake_exits_1_and_says_so() {
    let t = TempDir::new("bib");
    let bib = t.file(
        "refs.bib",
        b"@article{doe2021,\n  title = {A title},\n  author = {Doe, Jane},\n  year = {2021}\n}\n",
    );
    let o = run(&["convert", "--to", "csl-json", s(&bib)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains("BibTeX"), "{err}");
    assert!(err.contains(s(&bib)), "the message names the file: {err}");
}

#[test]
fn missing_file_exits_1() {
    let t = TempDir::new("missing");
    let missing = t.path("nope.ris");
    let o = run(&["convert", "--to", "bibtex", s(&missing)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    let err = stderr(&o);
    assert!(err.contains(s(&missing)) && err.contains("error"), "{err}");
}

#[test]
fn missing_file_among_good_ones_still_exits_1() {
    let t = TempDir::new("missing2");
    let good = t.file("good.ris", ONE.as_bytes());
    let missing = t.path("nope.ris");
    let o = run(&["convert", "--to", "bibtex", s(&good), s(&missing)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stderr(&o).contains(s(&missing)), "{}", show(&o));
}

#[test]
fn usage_errors_exit_2() {
    let t = TempDir::new("usage");
    let good = t.file("good.ris", ONE.as_bytes());
    let cases: &[&[&str]] = &[
        &["convert", s(&good)],
        &["convert", "--to", "docx", s(&good)],
        &["convert", "--to", "bibtex", "--frobnicate", s(&good)],
        &["convert", "--to"],
        &["frobnicate", s(&good)],
        &[],
    ];
    for args in cases {
        let o = run(args, Some(ONE.as_bytes()));
        assert_eq!(code(&o), 2, "{args:?}: {}", show(&o));
        assert!(o.stdout.is_empty(), "{args:?}: {}", show(&o));
        assert!(
            !o.stderr.is_empty(),
            "{args:?}: usage errors explain themselves"
        );
    }
    let o = run(&["convert", "--to", "docx", s(&good)], None);
    assert!(stderr(&o).contains("docx"), "{}", show(&o));
    let o = run(
        &["convert", "--to", "bibtex", "--frobnicate", s(&good)],
        None,
    );
    assert!(stderr(&o).contains("--frobnicate"), "{}", show(&o));
}

#[test]
fn help_and_version_exit_0() {
    for a in ["--help", "-h"] {
        let o = run(&[a], None);
        assert_eq!(code(&o), 0, "{}", show(&o));
        assert!(stdout(&o).contains("--to"), "{}", show(&o));
    }
    let o = run(&["--version"], None);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("citris "), "{}", show(&o));
}

// ------------------------------------------------------------------------------------
// Diagnostics
// ------------------------------------------------------------------------------------

#[test]
fn warnings_have_file_line_column() {
    let t = TempDir::new("diag");
    let f = t.file(
        "noend.ris",
        b"TY  - JOUR\nTI  - First\nER  - \n\nTY  - BOOK\nTI  - No end\n",
    );
    let o = run(&["convert", "--to", "bibtex", s(&f)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let err = stderr(&o);
    let d = diagnostics(&err);
    assert!(
        d.iter().any(|(file, line, col, sev, msg)| file == s(&f)
            && *line == 5
            && *col >= 1
            && sev == "warning"
            && msg.contains("ER")),
        "expected {}:5:COL: warning about the missing ER, got:\n{err}",
        s(&f)
    );
    // Every line on stderr is a diagnostic in that form.
    for l in err.lines() {
        assert_eq!(
            diagnostics(l).len(),
            1,
            "not FILE:LINE:COLUMN: SEVERITY: MESSAGE: {l}"
        );
    }
    // Both records converted.
    assert_eq!(stdout(&o).matches('@').count(), 2, "{}", show(&o));
}

#[test]
fn warning_column_points_at_the_tag() {
    let t = TempDir::new("col");
    // Text after an indented ER: the warning points at the ER tag (column 3).
    let f = t.file("after.ris", b"TY  - JOUR\nTI  - T\n  ER  - trailing\n");
    let o = run(&["convert", "--to", "ris", s(&f)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let d = diagnostics(&stderr(&o));
    assert!(
        d.iter()
            .any(|(_, l, c, sev, _)| *l == 3 && *c == 3 && sev == "warning"),
        "{}",
        show(&o)
    );
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let t = TempDir::new("quiet");
    let noend = t.file("noend.ris", b"TY  - JOUR\nTI  - No end\n");
    let o = run(&["convert", "--to", "bibtex", "--quiet", s(&noend)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(o.stderr.is_empty(), "{}", show(&o));
    assert!(stdout(&o).starts_with('@'), "{}", show(&o));
    let o = run(&["convert", "--to", "bibtex", "-q", s(&noend)], None);
    assert!(o.stderr.is_empty(), "{}", show(&o));

    let empty = t.file("empty.ris", b"");
    let o = run(&["convert", "--to", "bibtex", "--quiet", s(&empty)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stderr(&o).contains("error"), "{}", show(&o));
    let missing = t.path("missing.ris");
    let o = run(&["convert", "--to", "bibtex", "--quiet", s(&missing)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stderr(&o).contains("error"), "{}", show(&o));
}

// ------------------------------------------------------------------------------------
// Output and several inputs
// ------------------------------------------------------------------------------------

#[test]
fn output_file_written_and_stdout_silent() {
    let t = TempDir::new("out");
    let out = t.path("out.bib");
    let o = run(
        &[
            "convert",
            "--to",
            "bibtex",
            "-o",
            s(&out),
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    let written = std::fs::read_to_string(&out).unwrap();
    let to_stdout = run(
        &[
            "convert",
            "--to",
            "bibtex",
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    assert_eq!(written, stdout(&to_stdout));

    // --output=FILE form.
    let out2 = t.path("out2.json");
    let arg = format!("--output={}", s(&out2));
    let o = run(
        &[
            "convert",
            "--to=csl-json",
            &arg,
            s(&fixture("collapsed-paste.ris")),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(o.stdout.is_empty(), "{}", show(&o));
    assert!(std::fs::read_to_string(&out2).unwrap().starts_with('['));
}

#[test]
fn output_file_not_written_when_nothing_read() {
    let t = TempDir::new("outempty");
    let out = t.path("out.bib");
    let empty = t.file("empty.ris", b"");
    let o = run(
        &["convert", "--to", "bibtex", "-o", s(&out), s(&empty)],
        None,
    );
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(
        !out.exists(),
        "an input without records must not leave an output file"
    );
}

#[test]
fn several_files_keys_unique_across_them() {
    let t = TempDir::new("multi");
    let a = t.file("a.ris", ONE.as_bytes());
    let b = t.file("b.ris", format!("{ONE}\n{ONE}").as_bytes());
    let seed = fixture("collapsed-paste.ris");
    let o = run(
        &[
            "convert",
            "--to",
            "bibtex",
            s(&a),
            s(&b),
            s(&seed),
            s(&seed),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    let keys: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with('@'))
        .map(|l| &l[l.find('{').unwrap() + 1..l.len() - 1])
        .collect();
    assert_eq!(keys.len(), 5, "{out}");
    let mut uniq = keys.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), keys.len(), "duplicate keys: {keys:?}");
    assert_eq!(keys[0], "doe2021title");
    assert_eq!(keys[3], "rezaei2021combination");

    // CSL-JSON ids across files: the same keys.
    let o = run(
        &[
            "convert",
            "--to",
            "csl-json",
            s(&a),
            s(&b),
            s(&seed),
            s(&seed),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON array");
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, keys);
}

#[test]
fn ris_round_trip_through_cli_is_stable() {
    let t = TempDir::new("ris");
    let messy = t.file(
        "messy.ris",
        "Provider: somewhere\r\n\r\nTY  - JOUR\r\nT1  - Über T-cell & IL - 2\r\n  wrapped line\r\nA1  - van der Waals, J. D.\r\nAU  - World Health Organization\r\nKW  - one; two\r\nSP  - 1-14\r\nY1  - 2021/06/22/\r\nZZ  - vendor tag\r\nER  - \r\nTY  - BOOK\r\nTI  - Second\r\n"
            .as_bytes(),
    );
    let once = run(&["convert", "--to", "ris", "-q", s(&messy)], None);
    assert_eq!(code(&once), 0, "{}", show(&once));
    let first = t.file("first.ris", &once.stdout);
    let twice = run(&["convert", "--to", "ris", s(&first)], None);
    assert_eq!(code(&twice), 0, "{}", show(&twice));
    assert_eq!(stdout(&twice), stdout(&once));
    // Normalised output reads back without a single warning.
    assert!(twice.stderr.is_empty(), "{}", show(&twice));

    let seed = fixture("collapsed-paste.ris");
    let a = run(&["convert", "--to", "ris", s(&seed)], None);
    let b = run(&["convert", "--to", "ris"], Some(&a.stdout));
    assert_eq!(stdout(&a), stdout(&b));
    // The collapsed paste becomes the multi-line export.
    let multi = run(
        &["convert", "--to", "ris", s(&fixture("seed-multiline.ris"))],
        None,
    );
    assert_eq!(stdout(&a), stdout(&multi));
}

#[test]
fn check_prints_record_count() {
    let t = TempDir::new("check");
    let three = t.file("three.ris", format!("{ONE}{ONE}{ONE}").as_bytes());
    let o = run(&["check", s(&three)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        o.stdout.is_empty() || !stdout(&o).contains("TY"),
        "check writes no output"
    );
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("3 records"), "{}", show(&o));

    let o = run(&["check", s(&fixture("collapsed-paste.ris"))], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("1 record"), "{}", show(&o));
    assert!(!all.contains("1 records"), "{}", show(&o));

    let o = run(&["check"], Some(ONE.as_bytes()));
    assert_eq!(code(&o), 0, "{}", show(&o));
    let o = run(&["check"], Some(b""));
    assert_eq!(code(&o), 1, "{}", show(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("0 records"), "{}", show(&o));
}

#[test]
fn diagnostics_name_the_file_they_come_from() {
    let t = TempDir::new("diagfiles");
    let a = t.file("a.ris", ONE.as_bytes());
    let b = t.file("b.ris", b"\n\nTY  - JOUR\nTI  - No end\n");
    let o = run(&["convert", "--to", "bibtex", s(&a), s(&b)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let d = diagnostics(&stderr(&o));
    assert!(
        d.iter()
            .any(|(f, l, _, sev, _)| f == s(&b) && *l == 3 && sev == "warning"),
        "{}",
        show(&o)
    );
    assert!(d.iter().all(|(f, ..)| f != s(&a)), "{}", show(&o));
}

#[test]
fn other_encodings_come_out_as_utf8() {
    let t = TempDir::new("enc");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "TY  - JOUR\r\nTI  - Café Ødegård\r\nER  - \r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let f16 = t.file("utf16.ris", &utf16);
    let f1252 = t.file(
        "cp1252.ris",
        b"TY  - JOUR\r\nTI  - Caf\xe9 \xd8deg\xe5rd\r\nER  - \r\n",
    );
    for f in [&f16, &f1252] {
        let o = run(&["convert", "--to", "ris", s(f)], None);
        assert_eq!(code(&o), 0, "{}", show(&o));
        assert!(stdout(&o).contains("TI  - Café Ødegård\n"), "{}", show(&o));
    }
}

/// `format` prints the bibliography, one entry per line; the seed in APA reads as
/// citeproc-js renders it.
#[test]
fn format_prints_the_seed_in_apa() {
    let seed = fixture("collapsed-paste.ris");
    let o = run(&["format", "--style", "apa", s(&seed)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        "Rezaei, R., Esmaeili Gouvarchin Ghaleh, H., Farzanehpour, M., Dorostkar, R., Ranjbar, R., Bolandian, M., Mirzaei Nodooshan, M., & Ghorbani Alvanegh, A. (2021). Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Therapy, 1–14. https://doi.org/10.1038/s41417-021-00359-9"
    );
    let html = run(&["format", "--output", "html", s(&seed)], None);
    assert!(
        stdout(&html).contains("<i>Cancer Gene Therapy</i>"),
        "{}",
        show(&html)
    );
    let many = run(
        &[
            "format",
            "--style",
            "ieee",
            s(&fixture("reference-types.ris")),
        ],
        None,
    );
    assert_eq!(stdout(&many).lines().count(), 9, "{}", show(&many));
    assert!(stdout(&many).starts_with("[1] "));
}

#[test]
fn format_style_errors_are_clear() {
    let seed = fixture("collapsed-paste.ris");
    let o = run(&["format", "--style", "no-such-style", s(&seed)], None);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        stderr(&o).contains("unknown style 'no-such-style'"),
        "{}",
        show(&o)
    );
    // A misspelt id: exit 2 and the nearest ids.
    let o = run(&["format", "--style", "elsevier-harvad", s(&seed)], None);
    assert_eq!(code(&o), 2, "{}", show(&o));
    assert!(
        stderr(&o).contains("did you mean elsevier-harvard"),
        "{}",
        show(&o)
    );
    assert!(stdout(&o).is_empty());
    let dir = TempDir::new("style");
    let bad = dir.file(
        "broken.csl",
        b"<?xml version=\"1.0\"?>\n<style xmlns=\"http://purl.org/net/xbiblio/csl\">\n  <info>\n</style>\n",
    );
    let o = run(&["format", "--style", s(&bad), s(&seed)], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    let err = stderr(&o);
    assert!(err.starts_with(&format!("{}:", s(&bad))), "{err}");
    assert!(err.contains("error:"), "{err}");
}

/// `citris styles`: every style of the CSL repository, one a line, id first,
/// then the format and the title; counts and locales on standard error.
#[test]
fn styles_lists_every_style_id_first() {
    let o = run(&["styles"], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 10_844);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "sorted by id");
    for id in [
        "apa",
        "modern-language-association",
        "chicago-author-date",
        "chicago-notes-bibliography",
        "ieee",
        "nlm-citation-sequence",
        "harvard-cite-them-right",
        "nature",
        "american-medical-association",
        "american-chemical-society",
        "elsevier-harvard",
        "cancer-gene-therapy",
    ] {
        assert!(ids.contains(&id), "{id} missing");
    }
    let line = out
        .lines()
        .find(|l| l.starts_with("cancer-gene-therapy "))
        .unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[1], "numeric");
    assert_eq!(cols[2..].join(" "), "Cancer Gene Therapy");
    assert!(stderr(&o).contains("10844 styles"), "{}", stderr(&o));
    assert!(stderr(&o).contains("pt-BR"), "{}", stderr(&o));
}

/// `citris styles QUERY` searches titles, ISSNs (with or without the hyphen)
/// and fields, best first; nothing found is exit 1.
#[test]
fn styles_searches_by_title_issn_and_field() {
    for q in [
        &["Cancer", "Gene", "Therapy"][..],
        &["0929-1903"],
        &["09291903"],
    ] {
        let mut args = vec!["styles"];
        args.extend_from_slice(q);
        let o = run(&args, None);
        assert_eq!(code(&o), 0, "{}", show(&o));
        assert!(
            stdout(&o).starts_with("cancer-gene-therapy "),
            "{q:?}: {}",
            show(&o)
        );
    }
    let o = run(&["styles", "medicine"], None);
    assert!(stdout(&o).lines().count() > 1000, "{}", show(&o));
    let o = run(&["styles", "qqqqzzzz"], None);
    assert_eq!(code(&o), 1, "{}", show(&o));
    assert!(stderr(&o).contains("no style matches"), "{}", show(&o));
}

/// `--style` takes any repository id: a dependent journal style formats with
/// its parent's rules (the seed's own journal, Cancer Gene Therapy).
#[test]
fn format_takes_any_repository_style() {
    let seed = fixture("collapsed-paste.ris");
    let o = run(
        &["format", "--style", "cancer-gene-therapy", s(&seed)],
        None,
    );
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(
        stdout(&o).starts_with("1 Rezaei R, Esmaeili Gouvarchin Ghaleh H"),
        "{}",
        show(&o)
    );
    let o = run(&["format", "--style", "elsevier-harvard", s(&seed)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    assert!(stdout(&o).starts_with("Rezaei, R., "), "{}", show(&o));
    let o = run(
        &["format", "--style", "apa", "--locale", "de", s(&seed)],
        None,
    );
    assert!(stdout(&o).contains("Rezaei, R., Esmaeili"), "{}", show(&o));
}

#[test]
fn key_form_option() {
    let seed = fixture("collapsed-paste.ris");
    let o = run(
        &[
            "convert",
            "--to",
            "bibtex",
            "--keys",
            "authoryear",
            s(&seed),
        ],
        None,
    );
    assert!(
        stdout(&o).starts_with("@article{rezaei2021,"),
        "{}",
        show(&o)
    );
    let o = run(
        &[
            "convert",
            "--to",
            "csl-json",
            "--keys",
            "authoryear",
            s(&seed),
        ],
        None,
    );
    assert!(
        stdout(&o).contains("\"id\": \"rezaei2021\""),
        "{}",
        show(&o)
    );
    let o = run(
        &["convert", "--to", "bibtex", "--keys", "nonsense", s(&seed)],
        None,
    );
    assert_eq!(code(&o), 2, "{}", show(&o));
}

/// A library larger than one write slice (4,096 references) is written in pieces
/// as it is converted: the file, standard output and the library function give
/// the same text, keys unique across the pieces.
#[test]
fn large_library_written_in_slices_is_whole() {
    let dir = TempDir::new("large");
    let mut text = String::new();
    for i in 0..20_000 {
        // Same author and year everywhere: every key after the first needs a suffix.
        text.push_str(&format!(
            "TY  - JOUR\nAU  - Doe, Jane\nPY  - 2020\nTI  - Paper {i}\nER  - \n"
        ));
    }
    let input = dir.file("big.ris", text.as_bytes());
    for to in ["bibtex", "csl-json", "ris"] {
        let out = dir.path(&format!("big.{to}"));
        let o = run(&["convert", "--to", to, "-o", s(&out), s(&input)], None);
        assert_eq!(code(&o), 0, "{}", show(&o));
        let file = std::fs::read_to_string(&out).unwrap();
        let o = run(&["convert", "--to", to, s(&input)], None);
        assert_eq!(stdout(&o), file, "{to}: stdout and file differ");
        let format = match to {
            "bibtex" => citris::Format::Bibtex,
            "csl-json" => citris::Format::CslJson,
            _ => citris::Format::Ris,
        };
        let refs = citris::parse_str(&text).references;
        let want = citris::write_string(&refs, format, &citris::Options::default());
        assert_eq!(file, want, "{to}: CLI and library differ");
    }
    let bib = std::fs::read_to_string(dir.path("big.bibtex")).unwrap();
    let keys: std::collections::BTreeSet<&str> = bib
        .lines()
        .filter_map(|l| l.strip_prefix("@article{"))
        .map(|k| k.trim_end_matches(','))
        .collect();
    assert_eq!(keys.len(), 20_000);
}

/// A reader that stops early (`citris convert … | head`) ends the run quietly.
#[test]
fn closed_pipe_is_not_an_error() {
    let mut text = String::new();
    for i in 0..30_000 {
        text.push_str(&format!("TY  - JOUR\nTI  - Paper {i}\nER  - \n"));
    }
    let dir = TempDir::new("pipe");
    let input = dir.file("big.ris", text.as_bytes());
    let mut child = Command::new(BIN)
        .args(["convert", "--to", "bibtex", s(&input)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close our end of the pipe.
    let mut first = [0u8; 16];
    let mut so = child.stdout.take().unwrap();
    std::io::Read::read_exact(&mut so, &mut first).unwrap();
    drop(so);
    let o = child.wait_with_output().unwrap();
    assert!(first.starts_with(b"@article{"));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

/// `-o` naming an input that comes later (`a.ris b.ris -o b.ris`): every input
/// is read before the output replaces it, so nothing of `b.ris` is lost.
#[test]
fn output_over_a_later_input_loses_nothing() {
    let dir = TempDir::new("inplace");
    let a = dir.file("a.ris", b"TY  - JOUR\nTI  - First\nER  - \n");
    let b = dir.file("b.ris", b"TY  - BOOK\nTI  - Second\nER  - \n");
    let o = run(&["convert", "--to", "ris", "-o", s(&b), s(&a), s(&b)], None);
    assert_eq!(code(&o), 0, "{}", show(&o));
    let out = std::fs::read_to_string(&b).unwrap();
    assert!(out.contains("First") && out.contains("Second"), "{out}");
}

/// `--message-format json`: one JSON object a line on standard error, in
/// cargo's manner, with the stable code and the byte offset of what it is
/// about; `check` ends with the record count. A script can act on the code
/// and jump to the byte without parsing messages.
#[test]
fn message_format_json_gives_codes_and_positions() {
    let input = "Provider: X\nTY  - JOUR\nTI  - A\nZZ  - odd\nTY  - BOOK\nTI  - B\nER  - \n";
    let o = run(
        &["check", "--message-format", "json", "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(code(&o), 0);
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stderr.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let (count, diags) = lines.split_last().unwrap();
    assert_eq!(count, &serde_json::json!({"records": 2}));
    let got: Vec<(&str, u64, u64, &str)> = diags
        .iter()
        .map(|d| {
            assert_eq!(d["file"], "<stdin>");
            assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()));
            (
                d["code"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["byte"].as_u64().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("header-skipped", 1, 0, "info"),
            ("missing-er", 2, 12, "warning"),
            ("unknown-tag-kept", 4, 31, "info"),
        ]
    );
    assert!(input[31..].starts_with("ZZ  - odd"));
    // The keys in cargo's order, file first.
    let first = String::from_utf8(o.stderr).unwrap();
    assert!(first.starts_with("{\"file\":\"<stdin>\",\"line\":1,\"column\":1,\"byte\":0,"));
    // --quiet keeps errors only; an unknown format is a usage error.
    let o = run(
        &["check", "--message-format=json", "-q", "/no/such/file.ris"],
        None,
    );
    let err = String::from_utf8(o.stderr).unwrap();
    let first: serde_json::Value = serde_json::from_str(err.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "unreadable-input");
    assert_eq!(first["byte"], serde_json::Value::Null);
    let o = run(
        &["check", "--message-format", "xml", "-"],
        Some(b"TY  - JOUR\nER  - \n"),
    );
    assert_eq!(code(&o), 2);
    // A .csl file that is not XML: its error is a JSON line too, with its code and place.
    let dir = std::env::temp_dir().join(format!("citris-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csl");
    std::fs::write(&bad, "<style\n  <info>").unwrap();
    let o = run(
        &[
            "format",
            "--message-format",
            "json",
            "--style",
            s(&bad),
            "-",
        ],
        Some(b"TY  - JOUR\nER  - \n"),
    );
    assert_eq!(code(&o), 1);
    let err: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    assert_eq!(err["code"], "bad-style");
    assert_eq!(err["severity"], "error");
    assert!(err["line"].as_u64().is_some_and(|l| l >= 1), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
