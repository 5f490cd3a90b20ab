//! Property tests for the reader and the writers.
//!
//! Deterministic: a fixed ChaCha seed and no failure persistence, so a CI run and a
//! local run see the same cases (to search harder, raise `cases` in `config()` locally;
//! up to 3000 cases per property were run while writing this file).

use citris::model::Reference;
use citris::ris::table::{KNOWN_TAGS, TABLE, TYPES};
use citris::ris::Reader;
use citris::{Format, Options};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{RngAlgorithm, RngSeed};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x00c1_7415),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------

/// Arbitrary bytes, and bytes assembled from RIS-shaped fragments and nasty bytes
/// (NUL, BOMs, lone CR, truncated UTF-8, UTF-16 byte pairs).
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let fragments: Vec<&'static [u8]> = vec![
        b"TY  - ",
        b"TY - ",
        b"JOUR",
        b"BOOK",
        b"ER  - ",
        b" ER -",
        b"AU  - ",
        b"TI  - ",
        b"PY  - ",
        b"DA  - ",
        b"SP  - ",
        b"EP  - ",
        b"KW  - ",
        b"UR  - ",
        b"DO  - ",
        b"ID  - ",
        b"ty  - ",
        b" - ",
        b"-",
        b"2021/06/22/",
        b"Doe, Jane",
        b"10.1000/x",
        b"\r",
        b"\n",
        b"\r\n",
        b"\0",
        b"\t",
        b" ",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"\xC3",
        b"\xA9",
        b"\xE9",
        b"\x96",
        b"\xF0\x9F",
        b"@article{",
        b"{",
        b"}",
        b"%",
        b"\\",
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        proptest::collection::vec(
            prop_oneof![
                4 => select(fragments).prop_map(|f| f.to_vec()),
                1 => any::<u8>().prop_map(|b| vec![b]),
            ],
            0..120
        )
        .prop_map(|v| v.concat()),
    ]
}

/// Tags of the table (the 2011 tags that map somewhere), without TY/ER.
fn table_tags() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = TABLE
        .iter()
        .map(|r| r.tag)
        .filter(|t| *t != "TY" && *t != "ER")
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Known tags outside the table (vendor and unmapped 2011 tags).
fn other_known_tags() -> Vec<&'static str> {
    let table = table_tags();
    KNOWN_TAGS
        .iter()
        .copied()
        .filter(|t| *t != "TY" && *t != "ER" && !table.contains(t))
        .collect()
}

const UNKNOWN_TAGS: &[&str] = &["ZZ", "X9", "QA", "B7", "ZT"];

fn tag(unknown: bool) -> BoxedStrategy<String> {
    let t = select(table_tags()).prop_map(str::to_string);
    let k = select(other_known_tags()).prop_map(str::to_string);
    if unknown {
        prop_oneof![
            8 => t,
            2 => k,
            1 => select(UNKNOWN_TAGS).prop_map(str::to_string),
        ]
        .boxed()
    } else {
        prop_oneof![8 => t, 2 => k].boxed()
    }
}

const WORDS: &[&str] = &[
    "and",
    "van",
    "der",
    "de",
    "la",
    "von",
    "T-cell",
    "IL",
    "2",
    "1-14",
    "-",
    "–",
    "et",
    "al.",
    "Jr.",
    "III",
    "Müller,",
    "Doe,",
    "Jane",
    "J.",
    "{Org}",
    "Inc.",
    "University",
    "of",
    "The",
    "10.1000/xyz",
    "doi:10.1000/abc",
    "https://ex.org/a?b=1&c=2",
    "2021",
    "2021/06/22/",
    "1999//",
    "e1001",
    "0028-0836",
    "978-3-16-148410-0",
    "Ærø",
    "Ødegård",
    "naïve",
    "café",
    "iPhone",
    "DNA",
    "@",
    "%",
    "&",
    "\\",
    "{",
    "}",
    ";",
    ",",
    "~",
    "^",
    "$",
    "#",
    "_",
    "\"",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(WORDS).prop_map(str::to_string),
        3 => "[a-zA-Z0-9éüøßÉÇ,;{}%&\\\\@-]{1,8}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(word(), 1..6).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
struct Rec {
    ty: String,
    fields: Vec<(String, String)>,
}

fn ris_type() -> impl Strategy<Value = String> {
    let types: Vec<&'static str> = TYPES.iter().map(|(t, _)| *t).collect();
    select(types).prop_map(str::to_string)
}

fn rec(unknown_tags: bool) -> impl Strategy<Value = Rec> {
    (
        ris_type(),
        proptest::collection::vec((tag(unknown_tags), value()), 0..10),
    )
        .prop_map(|(ty, fields)| Rec { ty, fields })
}

fn recs(unknown_tags: bool) -> impl Strategy<Value = Vec<Rec>> {
    proptest::collection::vec(rec(unknown_tags), 1..4)
}

/// Multi-line RIS with the given line end.
fn render(recs: &[Rec], nl: &str) -> String {
    let mut s = String::new();
    for r in recs {
        s.push_str(&format!("TY  - {}{nl}", r.ty));
        for (t, v) in &r.fields {
            s.push_str(&format!("{t}  - {v}{nl}"));
        }
        s.push_str(&format!("ER  - {nl}{nl}"));
    }
    s
}

/// The same records with every newline turned into a space (a paste from a web page).
fn render_collapsed(recs: &[Rec]) -> String {
    let mut parts = Vec::new();
    for r in recs {
        parts.push(format!("TY - {}", r.ty));
        for (t, v) in &r.fields {
            parts.push(format!("{t} - {v}"));
        }
        parts.push("ER -".to_string());
    }
    parts.join(" ")
}

/// True when a value could pose as a ` XX - ` separator in a collapsed line (the
/// documented ambiguity): any free-standing dash.
fn separator_free(v: &str) -> bool {
    !(v == "-" || v.contains(" - ") || v.ends_with(" -") || v.starts_with("- "))
}

fn without_lines(mut refs: Vec<Reference>) -> Vec<Reference> {
    for r in &mut refs {
        r.line = 0;
    }
    refs
}

fn stream(bytes: &[u8], sizes: &[usize]) -> Vec<Reference> {
    let mut s = Reader::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while pos < bytes.len() {
        let n = sizes[i % sizes.len()].max(1);
        let end = (pos + n).min(bytes.len());
        s.push(&bytes[pos..end], &mut out);
        pos = end;
        i += 1;
    }
    s.finish(&mut out);
    out
}

// ---------------------------------------------------------------------------------
// Helpers for comparing BibTeX text
// ---------------------------------------------------------------------------------

/// Canonical text for comparing what citris meant with what a BibTeX parser read:
/// LaTeX escapes resolved, braces and backslashes dropped, whitespace collapsed.
fn canon(s: &str) -> String {
    let s = s
        .replace("\\textbackslash{}", "\\")
        .replace("\\textbackslash", "\\")
        .replace("\\textasciitilde{}", "~")
        .replace("\\textasciitilde", "~")
        .replace("\\textasciicircum{}", "^")
        .replace("\\textasciicircum", "^");
    // LaTeX ligatures: `--` is an en dash, `---` an em dash, to a BibTeX parser too.
    let s = s.replace("---", "—").replace("--", "–");
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, '{' | '}' | '\\'))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Letters without their diacritics (precomposed or combining), for comparing text
/// that went through LaTeX accent commands.
fn fold_accents(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match citris::keys::fold(c) {
            Some(f) if !c.is_ascii() => out.push_str(&f),
            _ => out.push(c),
        }
    }
    out
}

fn parse_refs(text: &str) -> Vec<Reference> {
    citris::parse_str(text).references
}

// ---------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Any bytes: the reader and every writer return (no panic), for the whole input
    /// and for the stream.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in nasty_bytes(), size in 1usize..64) {
        let parsed = citris::parse_bytes(&bytes);
        for f in Format::ALL {
            let _ = citris::write_string(&parsed.references, f, &Options::default());
            let _ = citris::write_string(
                &parsed.references,
                f,
                &Options { latex_accents: true, ..Default::default() },
            );
        }
        let _ = stream(&bytes, &[size]);
        if parsed.references.is_empty() {
            prop_assert!(parsed
                .diagnostics
                .iter()
                .any(|d| d.severity == citris::Severity::Error));
        }
    }

    /// Every diagnostic's byte offset lies in the text, on a character
    /// boundary, and on the line the diagnostic names (lines end at LF, CRLF
    /// or a lone CR, as the lexer counts them): a page or editor can jump to it.
    #[test]
    fn diagnostic_positions_agree(bytes in nasty_bytes()) {
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for d in citris::parse_str(text).diagnostics {
            let Some(b) = d.pos.byte else {
                prop_assert_eq!(d.pos.line, 0, "{:?}", d);
                continue;
            };
            prop_assert!(b <= text.len() && text.is_char_boundary(b), "{:?}", d);
            let before = &text.as_bytes()[..b];
            let ends = before
                .iter()
                .enumerate()
                .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && before.get(i + 1) != Some(&b'\n')))
                .count();
            prop_assert_eq!(ends as u32 + 1, d.pos.line, "{:?}", d);
        }
    }

    /// parse → write RIS → parse gives the same references (line numbers aside).
    #[test]
    fn ris_round_trip(rs in recs(true)) {
        let text = render(&rs, "\n");
        let first = without_lines(parse_refs(&text));
        prop_assert_eq!(first.len(), rs.len());
        let ris = citris::write_string(&first, Format::Ris, &Options::default());
        let second = without_lines(parse_refs(&ris));
        prop_assert_eq!(&first, &second, "input:\n{}\nwritten:\n{}", text, ris);
        // And writing again is a fixed point.
        let ris2 = citris::write_string(&second, Format::Ris, &Options::default());
        prop_assert_eq!(ris, ris2);
    }

    /// A record pasted with every newline turned into a space reads the same as the
    /// multi-line record.
    #[test]
    fn collapsed_equals_multiline(
        rs in recs(false).prop_filter("values that could pose as a tag separator", |rs| {
            rs.iter().all(|r| r.fields.iter().all(|(_, v)| separator_free(v)))
        })
    ) {
        let multi = render(&rs, "\n");
        let one = render_collapsed(&rs);
        let a = without_lines(parse_refs(&multi));
        let b = without_lines(parse_refs(&one));
        prop_assert_eq!(a, b, "multi-line:\n{}\ncollapsed:\n{}", multi, one);
    }

    /// Pushing the bytes in random chunks gives the references of the whole input,
    /// line numbers included.
    #[test]
    fn stream_equals_whole(
        rs in recs(true),
        nl in select(vec!["\n", "\r\n", "\r"]),
        bom in any::<bool>(),
        sizes in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(render(&rs, nl).as_bytes());
        let whole = citris::parse_bytes(&bytes).references;
        let chunked = stream(&bytes, &sizes);
        prop_assert_eq!(whole, chunked, "input: {:?}", String::from_utf8_lossy(&bytes));
    }

    /// The same after an ASCII export header, so that the encoding is settled on the
    /// first chunk and the incremental UTF-8 path (sequences split across chunks,
    /// records split across batches) is what gets exercised.
    #[test]
    fn stream_equals_whole_after_header(
        rs in recs(true),
        nl in select(vec!["\n", "\r\n", "\r"]),
        sizes in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"Provider: citris tests\nDatabase: none\nContent: text/plain\n\n");
        bytes.extend_from_slice(render(&rs, nl).as_bytes());
        let whole = citris::parse_bytes(&bytes).references;
        let chunked = stream(&bytes, &sizes);
        prop_assert_eq!(whole, chunked, "input: {:?}", String::from_utf8_lossy(&bytes));
    }

    /// The same for RIS-shaped junk: encodings, stray bytes, lone CRs.
    #[test]
    fn stream_equals_whole_on_junk(
        bytes in nasty_bytes(),
        sizes in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let whole = citris::parse_bytes(&bytes).references;
        let chunked = stream(&bytes, &sizes);
        prop_assert_eq!(whole, chunked, "input: {:?}", bytes);
    }

    /// Every BibTeX/BibLaTeX entry re-parses with the `biblatex` crate with its key,
    /// title and author family names.
    #[test]
    fn bibtex_reparses(rs in recs(true), latex_accents in any::<bool>()) {
        let refs = parse_refs(&render(&rs, "\n"));
        let keys = citris::keys::assign_keys(&refs);
        for f in [Format::Bibtex, Format::Biblatex] {
            let opts = Options { latex_accents, ..Default::default() };
            let bib = citris::write_string(&refs, f, &opts);
            let parsed = biblatex::Bibliography::parse(&bib);
            prop_assert!(parsed.is_ok(), "{:?}: {:?}\n{}", f, parsed.err(), bib);
            let parsed = parsed.unwrap();
            prop_assert_eq!(parsed.len(), refs.len(), "{:?}\n{}", f, bib);
            let got: Vec<String> = parsed.iter().map(|e| e.key.clone()).collect();
            prop_assert_eq!(&got, &keys, "{:?}\n{}", f, bib);
            // With LaTeX accents the parser hands back a base letter and a combining
            // mark (`i` + U+0308) where citris had `ï`: compare without diacritics.
            let canon = |s: &str| if latex_accents { fold_accents(&canon(s)) } else { canon(s) };
            for (e, r) in parsed.iter().zip(&refs) {
                use biblatex::ChunksExt;
                let title = e
                    .get("title")
                    .map(|c| canon(&c.format_verbatim()))
                    .filter(|t| !t.is_empty());
                let want = r.get("title").map(canon).filter(|t| !t.is_empty());
                prop_assert_eq!(title, want, "{:?} title\n{}", f, bib);
                let authors: Vec<&citris::name::Name> = ["author", "composer", "director"]
                    .iter()
                    .map(|role| r.names(role))
                    .find(|n| !n.is_empty())
                    .map(|n| n.iter().collect())
                    .unwrap_or_default();
                if authors.is_empty() {
                    continue;
                }
                let people = e.author();
                prop_assert!(people.is_ok(), "{:?} author: {:?}\n{}", f, people.err(), bib);
                let people = people.unwrap();
                // The biblatex crate reads any name holding `=` as biblatex's extended
                // name format (`family=Doe, given=Jane`), even inside braces where
                // biber would not; such names are not compared.
                let skip = |n: &citris::name::Name| n.to_ris().contains('=');
                prop_assert_eq!(people.len(), authors.len(), "{:?} authors\n{}", f, bib);
                let got: Vec<String> = people
                    .iter()
                    .zip(&authors)
                    .filter(|(_, n)| !skip(n))
                    .map(|(p, _)| canon(&format!("{} {}", p.prefix, p.name)))
                    .collect();
                let want: Vec<String> = authors
                    .iter()
                    .filter(|n| !skip(n))
                    .map(|n| {
                        if n.is_literal() {
                            canon(&n.literal)
                        } else {
                            canon(&n.full_family())
                        }
                    })
                    .collect();
                prop_assert_eq!(got, want, "{:?} authors {:?}\n{}", f, authors, bib);
            }
        }
    }

    /// CSL-JSON is an array of objects with unique `id`s equal to the BibTeX keys.
    #[test]
    fn csl_json_ids_are_bibtex_keys(rs in recs(true)) {
        let refs = parse_refs(&render(&rs, "\n"));
        let json = citris::write_string(&refs, Format::CslJson, &Options::default());
        let v: serde_json::Value = match serde_json::from_str(&json) {
            Ok(v) => v,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{json}"))),
        };
        let items = v.as_array().expect("a JSON array");
        prop_assert_eq!(items.len(), refs.len());
        let ids: Vec<String> = items
            .iter()
            .map(|i| {
                i.as_object()
                    .and_then(|o| o.get("id"))
                    .and_then(|id| id.as_str())
                    .expect("an object with a string id")
                    .to_string()
            })
            .collect();
        let mut uniq = ids.clone();
        uniq.sort();
        uniq.dedup();
        prop_assert_eq!(uniq.len(), ids.len(), "duplicate ids {:?}", ids);
        let bib = citris::write_string(&refs, Format::Bibtex, &Options::default());
        let keys: Vec<String> = biblatex::Bibliography::parse(&bib)
            .map(|b| b.iter().map(|e| e.key.clone()).collect())
            .unwrap_or_else(|_| citris::keys::assign_keys(&refs));
        prop_assert_eq!(ids, keys);
    }
}

/// Keys stay unique however many references share a base key (the suffixes go on
/// past `z`), and an `ID` that looks like a generated key does not collide.
#[test]
fn keys_unique_with_colliding_ids() {
    let mut text = String::new();
    for i in 0..60 {
        if i % 7 == 0 {
            text.push_str("TY  - JOUR\nID  - doe2021titlea\nER  - \n");
        }
        text.push_str("TY  - JOUR\nAU  - Doe, Jane\nPY  - 2021\nTI  - Title\nER  - \n");
    }
    let refs = parse_refs(&text);
    let keys = citris::keys::assign_keys(&refs);
    let mut uniq = keys.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), keys.len(), "{keys:?}");
}

/// The seed record: collapsed paste and the multi-line export read the same.
#[test]
fn seed_collapsed_equals_multiline() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let collapsed = std::fs::read(dir.join("collapsed-paste.ris")).unwrap();
    let multi = std::fs::read(dir.join("seed-multiline.ris")).unwrap();
    let a = without_lines(citris::parse_bytes(&collapsed).references);
    let b = without_lines(citris::parse_bytes(&multi).references);
    assert_eq!(a.len(), 1);
    assert_eq!(a, b);
}

// ---------------------------------------------------------------------------------
// Minimal cases found by the properties above, kept as plain tests so that each
// names its bug.
// ---------------------------------------------------------------------------------

fn ris_round_trips(text: &str) {
    let first = without_lines(parse_refs(text));
    let ris = citris::write_string(&first, Format::Ris, &Options::default());
    let second = without_lines(parse_refs(&ris));
    assert_eq!(first, second, "input:\n{text}\nwritten:\n{ris}");
}

/// `EP` alone holding a spaced range: the writer splits it into SP/EP and the spaces
/// are lost (`1 -14` → `1-14`).
#[test]
fn round_trip_page_range_in_ep_only() {
    ris_round_trips("TY  - JOUR\nEP  - 1 -14\nER  - \n");
}

/// A thesis page from `EP` is written as `SP`, which a thesis reads as its number of pages.
#[test]
fn round_trip_thesis_page_from_ep() {
    ris_round_trips("TY  - THES\nEP  - 12\nER  - \n");
}

/// A DOI-looking `LK` is not taken as the DOI, but once written as `UR` it is.
#[test]
fn round_trip_doi_in_lk() {
    ris_round_trips("TY  - JOUR\nLK  - 10.1000/xyz\nER  - \n");
}

/// A date range in `Y2` (accessed) loses its end when written.
#[test]
fn round_trip_accessed_range() {
    ris_round_trips("TY  - JOUR\nY2  - 2019-2020\nER  - \n");
}

/// `Smith V` is family + initial; written as `Smith, V` it is read back with `V` as a
/// suffix (the fifth).
#[test]
fn round_trip_initial_v() {
    ris_round_trips("TY  - JOUR\nAU  - Smith V\nER  - \n");
}

/// A braced (literal) name is written bare and read back as a person.
#[test]
fn round_trip_braced_literal_name() {
    ris_round_trips("TY  - JOUR\nAU  - {Jane Doe}\nER  - \n");
}

/// The old `CP` (issue) in a chapter: the issue has no writable tag for CHAP and is
/// dropped from the RIS output.
#[test]
fn round_trip_chapter_cp_issue() {
    ris_round_trips("TY  - CHAP\nCP  - 3\nER  - \n");
}

/// Two unreadable `DA`s: the first becomes the date and is written as `PY`, the second
/// is kept as `DA` — and on reading again `DA` wins, so the two swap.
#[test]
fn round_trip_two_literal_dates() {
    ris_round_trips("TY  - JOUR\nDA  - in press\nDA  - forthcoming\nER  - \n");
}

/// A full publication date of a type whose `DA` means "accessed" is written as `DA`.
#[test]
fn round_trip_full_date_of_type_where_da_is_accessed() {
    ris_round_trips("TY  - EJOUR\nPY  - 2021/06/22/\nER  - \n");
}

/// A record without any field becomes `@article{key\n}`, which the biblatex crate
/// rejects (it wants a comma after the key).
#[test]
fn empty_record_bibtex_parses() {
    let refs = parse_refs("TY  - JOUR\nER  - \n");
    for f in [Format::Bibtex, Format::Biblatex] {
        let bib = citris::write_string(&refs, f, &Options::default());
        assert!(biblatex::Bibliography::parse(&bib).is_ok(), "{f:?}:\n{bib}");
    }
}

/// A chunk that ends inside the first multi-byte character: the stream decides the
/// encoding on that chunk and takes the file for Windows-1252.
#[test]
fn stream_first_chunk_ends_inside_a_character() {
    let bytes = "TY  - JOUR\nTI  - é\nER  - \n".as_bytes();
    assert_eq!(stream(bytes, &[18]), citris::parse_bytes(bytes).references);
}

/// UTF-8 with one broken byte after a single accented letter: the whole-input reader
/// counts (1 valid sequence, 1 broken → Windows-1252), the stream decides on the
/// first multi-byte sequence it saw (UTF-8 with U+FFFD).
#[test]
fn stream_and_whole_agree_on_damaged_utf8() {
    let bytes = b"TY  - JOUR\nTI  - \xc3\xa9\nAU  - \x80\nER  - \n";
    assert_eq!(stream(bytes, &[1]), citris::parse_bytes(bytes).references);
}
