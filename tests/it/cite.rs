//! Formatting tests: the seed reference, every bundled style, user styles,
//! hostile input, escaping, and conformance with citeproc-js's golden files.
#![cfg(feature = "cite")]

use citris::cite::{bundled_locales, bundled_styles, format, Entry, Style};
use serde_json::{json, Value};

fn seed() -> Value {
    json!({"id":"rezaei2021combination","type":"article-journal","title":"Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy","author":[{"family":"Rezaei","given":"Ramazan"},{"family":"Esmaeili Gouvarchin Ghaleh","given":"Hadi"},{"family":"Farzanehpour","given":"Mahdieh"},{"family":"Dorostkar","given":"Ruhollah"},{"family":"Ranjbar","given":"Reza"},{"family":"Bolandian","given":"Masoumeh"},{"family":"Mirzaei Nodooshan","given":"Majid"},{"family":"Ghorbani Alvanegh","given":"Akbar"}],"container-title":"Cancer Gene Therapy","container-title-short":"Cancer Gene Ther","issued":{"date-parts":[[2021,6,22]]},"accessed":{"date-parts":[[2021,6,22]]},"page":"1-14","DOI":"10.1038/s41417-021-00359-9","ISSN":"1476-5500","URL":"https://www.nature.com/articles/s41417-021-00359-9","language":"en","title-short":"Combination therapy with CAR T cells and oncolytic viruses","source":"www.nature.com","abstract":"Chimeric antigen receptor ..."})
}

/// Fails, showing the whole text, when `text` does not contain `part`.
#[track_caller]
fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in: {text}");
}

/// One item in a style named as `citris format --style` takes it (a built-in
/// style, or any style of the CSL repository through the style pack).
fn one(style: &str, item: Value) -> Entry {
    let style = Style::named(style).unwrap();
    let mut entries = format(&[item], &style, "en-US").unwrap();
    assert_eq!(entries.len(), 1);
    entries.remove(0)
}

#[test]
fn seed_in_apa_matches_citeproc_js() {
    let e = one("apa", seed());
    assert_eq!(
        e.text,
        "Rezaei, R., Esmaeili Gouvarchin Ghaleh, H., Farzanehpour, M., Dorostkar, R., Ranjbar, R., Bolandian, M., Mirzaei Nodooshan, M., & Ghorbani Alvanegh, A. (2021). Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Therapy, 1–14. https://doi.org/10.1038/s41417-021-00359-9"
    );
    assert_eq!(e.citation, "(Rezaei et al., 2021)");
    assert_eq!(e.id, "rezaei2021combination");
}

#[test]
fn every_bundled_style_renders_the_seed() {
    for s in bundled_styles() {
        for locale in bundled_locales() {
            let style = Style::bundled(s.name).unwrap();
            let entries = format(&[seed()], &style, locale).unwrap();
            assert_eq!(entries.len(), 1, "{}", s.name);
            assert!(
                entries[0].text.contains("Rezaei"),
                "{} {locale}: {}",
                s.name,
                entries[0].text
            );
            assert!(!entries[0].citation.is_empty(), "{} {locale}", s.name);
            eprintln!(
                "{:20} {locale} {}\n    {}",
                s.name, entries[0].citation, entries[0].text
            );
        }
    }
}

#[test]
fn numeric_styles_print_their_label() {
    let ieee = one("ieee", seed());
    assert!(
        ieee.text.starts_with("[1] R. Rezaei et al., "),
        "{}",
        ieee.text
    );
    assert_eq!(ieee.citation, "[1]");
    assert!(ieee.html.starts_with("[1] R. Rezaei"), "{}", ieee.html);
    let vancouver = one("vancouver", seed());
    assert!(
        vancouver
            .text
            .starts_with("1. Rezaei R, Esmaeili Gouvarchin Ghaleh H"),
        "{}",
        vancouver.text
    );
}

#[test]
fn html_escapes_input_and_links_only_web_urls() {
    let item = json!({"id":"x","type":"webpage","title":"<script>alert(1)</script> & \"quotes\"",
        "author":[{"family":"<b>Evil</b>","given":"Eve"}],
        "container-title":"Site <img src=x onerror=alert(1)>",
        "URL":"javascript:alert(1)","issued":{"date-parts":[[2020]]}});
    for style in bundled_styles() {
        let e = one(style.name, item.clone());
        assert!(!e.html.contains("<script"), "{}: {}", style.name, e.html);
        assert!(!e.html.contains("<img"), "{}: {}", style.name, e.html);
        assert!(
            !e.html.contains("href=\"javascript"),
            "{}: {}",
            style.name,
            e.html
        );
        assert!(!e.html.contains("<b>Evil"), "{}: {}", style.name, e.html);
    }
    let e = one("apa", seed());
    assert!(e.html.contains("<i>Cancer Gene Therapy</i>"), "{}", e.html);
    assert!(
        e.html
            .contains("<a href=\"https://doi.org/10.1038/s41417-021-00359-9\">"),
        "{}",
        e.html
    );
    assert!(
        e.markdown.contains("*Cancer Gene Therapy*"),
        "{}",
        e.markdown
    );
    assert!(
        e.markdown
            .contains("](https://doi.org/10.1038/s41417-021-00359-9)"),
        "{}",
        e.markdown
    );
}

#[test]
fn markdown_escapes_its_own_syntax() {
    let item = json!({"id":"m","type":"book","title":"Stars *and* [brackets]_","author":[{"family":"Doe","given":"J."}],"issued":{"date-parts":[[2001]]}});
    let e = one("apa", item);
    assert!(
        e.markdown.contains(r"\*and\* \[brackets\]\_"),
        "{}",
        e.markdown
    );
}

#[test]
fn odd_items_never_panic() {
    let odd = vec![
        json!({}),
        json!({"id": 7, "type": "book"}),
        json!({"id":"a","type":"no-such-type","title":"T"}),
        json!({"id":"b","type":"article-journal","issued":{"date-parts":[[2019,12],[2020,1]]}}),
        json!({"id":"c","type":"book","issued":{"date-parts":[[2019,0,0]]}}),
        json!({"id":"d","type":"book","issued":{"date-parts":[[2019,13,40]]}}),
        json!({"id":"e","type":"book","issued":{"date-parts":[[]]}}),
        json!({"id":"f","type":"book","issued":{"date-parts":[]}}),
        json!({"id":"g","type":"book","issued":{"date-parts":[["x","y"]]}}),
        json!({"id":"h","type":"book","issued":{"date-parts":[[99999999]]}}),
        json!({"id":"i","type":"book","issued":{"raw":"not a date"}}),
        json!({"id":"j","type":"book","issued":{"literal":"Spring 2000"}}),
        json!({"id":"k","type":"book","issued":"2001-02-03"}),
        json!({"id":"l","type":"book","issued":2001}),
        json!({"id":"m","type":"book","issued":{"date-parts":[[-500]]}}),
        json!({"id":"n","type":"book","issued":{"date-parts":[[0]]}}),
        json!({"id":"o","type":"book","page":1.5,"volume":true,"issue":null,"number":[1,2],"edition":{"a":1}}),
        json!({"id":"p","type":"book","page":18446744073709551615u64,"volume":-3}),
        json!({"id":"q","type":"book","author":"Just A String"}),
        json!({"id":"r","type":"book","author":[1, null, true, {"family": 3}, {"given": "Plato"}, {}]}),
        json!({"id":"s","type":"book","author":{"family":"Single","given":"Object"}}),
        json!({"id":"t","type":"book","title":"", "author":[{"family":"","given":""}]}),
        json!({"id":"u","type":"book","title":"x".repeat(10_000)}),
        json!({"id":"v","type":"book","issued":{"date-parts":[[2020,2,30]]},"accessed":{"season":"7"}}),
        json!({"id":"w","type":"book","page":"iv-xii","volume":"s2-42","issue":"Suppl. 1"}),
        json!({"id":"x","type":"book","title":"<i>Italic</i> and <sc>caps</sc> and <span class=\"nocase\">iPhone</span>"}),
        json!({"id":"a","type":"book","title":"Duplicate id"}),
    ];
    for style in bundled_styles() {
        let s = Style::bundled(style.name).unwrap();
        for locale in bundled_locales() {
            let entries =
                format(&odd, &s, locale).unwrap_or_else(|e| panic!("{} {locale}: {e}", style.name));
            let mut ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), entries.len(), "{}: ids are unique", style.name);
        }
    }
    // One by one too: a broken item must not take the others down.
    let apa = Style::bundled("apa").unwrap();
    for item in &odd {
        format(std::slice::from_ref(item), &apa, "en-US").unwrap();
    }
}

/// References format as their CSL-JSON does: every golden fixture in every
/// bundled style, through `format_references` and through `format`.
#[test]
fn references_format_as_their_csl_json() {
    use citris::keys::KeyStyle;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut refs = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().into_owned();
        if name.ends_with(".ris") && !name.ends_with(".out.ris") {
            refs.extend(citris::parse_bytes(&std::fs::read(&path).unwrap()).references);
        }
    }
    for keys in [KeyStyle::AuthorYearTitle, KeyStyle::AuthorYear] {
        let items = citris::csl_json::items_with(&refs, keys);
        for s in bundled_styles() {
            let style = Style::bundled(s.name).unwrap();
            let direct = citris::cite::format_references(&refs, keys, &style, "").unwrap();
            assert_eq!(direct, format(&items, &style, "").unwrap(), "{}", s.name);
        }
    }
}

#[test]
fn items_that_are_not_objects_are_an_error() {
    let apa = Style::bundled("apa").unwrap();
    let err = format(&[json!("text")], &apa, "en-US").unwrap_err();
    assert!(
        err.to_string().contains("item 1 is not a JSON object"),
        "{err}"
    );
}

#[test]
fn rich_text_tags_are_not_printed_and_bc_years_read_as_in_csl_json() {
    let e = one(
        "apa",
        json!({"id":"x","type":"book","title":"<i>Homo sapiens</i> in <sc>Europe</sc>","issued":{"date-parts":[[2013]]},"original-date":{"date-parts":[[-430]]},"author":[{"family":"Herodotus"}]}),
    );
    assert_has(&e.text, "Homo sapiens in Europe");
    assert_has(&e.text, "430 B.C.E.");
}

#[test]
fn unknown_style_and_locale_are_clear_errors() {
    let err = Style::bundled("harvard-old").unwrap_err().to_string();
    assert!(
        err.contains("unknown style 'harvard-old'") && err.contains("apa"),
        "{err}"
    );
    let apa = Style::bundled("apa").unwrap();
    let err = format(&[seed()], &apa, "xx-YY").unwrap_err();
    assert_eq!(err.kind(), &citris::cite::CiteErrorKind::UnknownLocale);
    let err = err.to_string();
    assert!(
        err.contains("locale 'xx-YY' is not available") && err.contains("en-GB"),
        "{err}"
    );
    // Language-only codes and underscores resolve to a bundled locale.
    let chicago = Style::bundled("chicago-author-date").unwrap();
    let de = format(&[seed()], &chicago, "de").unwrap();
    assert_eq!(de[0].citation, "(Rezaei u.\u{a0}a. 2021)");
    assert!(!format(&[seed()], &apa, "en_gb").unwrap().is_empty());
    // An empty locale means the style's default, or en-US.
    assert_eq!(
        format(&[seed()], &apa, "").unwrap()[0].citation,
        "(Rezaei et al., 2021)"
    );
}

#[test]
fn bundled_styles_have_titles_and_parse() {
    assert_eq!(bundled_styles().len(), 10);
    for s in bundled_styles() {
        let style = Style::bundled(s.name).unwrap();
        assert_eq!(style.title(), s.title);
        assert_eq!(
            Style::bundled(&s.name.to_uppercase()).unwrap().title(),
            s.title
        );
    }
    for l in ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"] {
        assert!(bundled_locales().contains(&l));
    }
}

const USER_STYLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
  <info><title>Test style</title><id>http://example.org/test</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")"><names variable="author"><name form="short" et-al-min="3" et-al-use-first="1"/></names></layout></citation>
  <bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>
</style>"#;

#[test]
fn user_style_renders() {
    let style = Style::from_xml(USER_STYLE).unwrap();
    assert_eq!(style.title(), "Test style");
    let e = &format(&[seed()], &style, "en-US").unwrap()[0];
    assert_eq!(
        e.text,
        "TESTSTYLE Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy (2021)"
    );
    assert_eq!(e.citation, "(Rezaei et al.)");
}

/// Items are trimmed to the variables a style names before they are read (for
/// speed); a style that prints an abstract, or tests a variable in a
/// condition, still sees it.
#[test]
fn a_user_style_sees_every_variable_it_names() {
    let xml = USER_STYLE.replace(
        r#"<text variable="title"/>"#,
        r#"<text variable="title"/><text variable="abstract" prefix=" ABSTRACT "/><choose><if variable="source"><text value=" HAS-SOURCE"/></if></choose><choose><if is-numeric="edition"><text value=" NUMERIC-EDITION"/></if></choose>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let mut item = seed();
    item["edition"] = json!("2");
    let e = &format(&[item], &style, "en-US").unwrap()[0];
    assert_has(&e.text, " ABSTRACT Chimeric antigen receptor");
    assert_has(&e.text, " HAS-SOURCE");
    assert_has(&e.text, " NUMERIC-EDITION");
    // APA never prints the abstract.
    assert!(!one("apa", seed()).text.contains("Chimeric"));
}

#[test]
fn invalid_xml_reports_line_and_column() {
    let broken = "<?xml version=\"1.0\"?>\n<style xmlns=\"http://purl.org/net/xbiblio/csl\" class=\"in-text\" version=\"1.0\">\n  <info><title>Broken</title>\n  <citation><layout><text variable=\"title\"></citation>\n</style>\n";
    let err = Style::from_xml(broken).unwrap_err();
    let pos = err.position().expect("a position");
    assert_eq!(pos.line, 4, "{err}");
    assert!(pos.column > 1, "{err}");
    // The byte offset is on that line too, as input diagnostics give it.
    let byte = pos.byte.expect("a byte offset");
    assert_eq!(broken[..byte].matches('\n').count(), 3, "{err}");
    assert!(err.to_string().starts_with("line 4, column "), "{err}");
    assert!(err.to_string().contains("not well-formed"), "{err}");

    for bad in ["", "not xml at all", "<style>", "<?xml version=\"1.0\"?>"] {
        assert!(Style::from_xml(bad).is_err(), "{bad:?}");
    }
    // Well-formed, but not CSL.
    let err = Style::from_xml("<html><body/></html>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a valid CSL style"), "{err}");
}

#[test]
fn hostile_styles_fail_cleanly() {
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE style [\n<!ENTITY lol0 \"lol\">\n{}]>\n{}",
        (1..10)
            .map(|i| format!(
                "<!ENTITY lol{i} \"{}\">\n",
                format!("&lol{};", i - 1).repeat(10)
            ))
            .collect::<String>(),
        USER_STYLE.replace("<title>Test style</title>", "<title>&lol9;</title>")
    );
    let t = std::time::Instant::now();
    let r = Style::from_xml(&laughs);
    assert!(t.elapsed().as_secs() < 2);
    if let Ok(style) = r {
        assert!(style.title().len() < 1000);
    }
    let xxe = USER_STYLE
        .replace(
            "<style ",
            "<!DOCTYPE style [<!ENTITY local SYSTEM \"file:///etc/passwd\">]>\n<style ",
        )
        .replace("value=\"TESTSTYLE \"", "value=\"&local;\"");
    if let Ok(style) = Style::from_xml(&xxe) {
        let e = &format(&[seed()], &style, "en-US").unwrap()[0];
        assert!(!e.text.contains("root:"), "{}", e.text);
    }
}

#[test]
fn dependent_styles_resolve_to_a_bundled_parent() {
    let dependent = |parent: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="de-DE">
  <info><title>Some Journal</title><id>http://www.zotero.org/styles/some-journal</id>
    <link href="http://www.zotero.org/styles/some-journal" rel="self"/>
    <link href="{parent}" rel="independent-parent"/>
    <category citation-format="numeric"/><updated>2026-01-01T00:00:00+00:00</updated></info>
</style>"#
        )
    };
    let style = Style::from_xml(&dependent("http://www.zotero.org/styles/vancouver")).unwrap();
    assert_eq!(style.title(), "Some Journal");
    let e = &format(&[seed()], &style, "en-US").unwrap()[0];
    assert!(e.text.starts_with("1. Rezaei R"), "{}", e.text);
    // The dependent style's default locale applies when none is asked for.
    let e = &format(&[seed()], &style, "").unwrap()[0];
    assert!(
        e.text.contains("u. a.") || e.text.contains("Juni"),
        "{}",
        e.text
    );

    let style = Style::from_xml(&dependent("https://www.zotero.org/styles/apa/")).unwrap();
    assert_eq!(
        format(&[seed()], &style, "en-US").unwrap()[0].citation,
        "(Rezaei et al., 2021)"
    );

    // Any parent of the CSL repository (through the style pack).
    let style =
        Style::from_xml(&dependent("http://www.zotero.org/styles/elsevier-harvard")).unwrap();
    assert_eq!(style.title(), "Some Journal");
    assert_eq!(style.default_locale(), Some("de-DE"));
    assert_has(
        &format(&[seed()], &style, "en-US").unwrap()[0].text,
        "Rezaei, R., ",
    );

    let err =
        Style::from_xml(&dependent("http://www.zotero.org/styles/no-such-parent")).unwrap_err();
    assert!(
        matches!(err.kind(), citris::cite::CiteErrorKind::UnknownStyle { .. }),
        "{err:?}"
    );
    let err = err.to_string();
    assert!(
        err.contains("http://www.zotero.org/styles/no-such-parent"),
        "{err}"
    );
    assert!(err.contains("dependent style"), "{err}");
}

#[test]
fn author_date_disambiguation_and_order() {
    let items = vec![
        json!({"id":"b","type":"article-journal","title":"Working memory and language: An overview","author":[{"family":"Baddeley","given":"Alan"}],"issued":{"date-parts":[[2003]]}}),
        json!({"id":"a","type":"article-journal","title":"Another paper","author":[{"family":"Aaron","given":"Zed"}],"issued":{"date-parts":[[2010]]}}),
        json!({"id":"c","type":"article-journal","title":"Working memory: Looking back","author":[{"family":"Baddeley","given":"Alan"}],"issued":{"date-parts":[[2003]]}}),
    ];
    let apa = Style::bundled("apa").unwrap();
    let entries = format(&items, &apa, "en-US").unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids[0], "a");
    let cites: Vec<&str> = entries.iter().map(|e| e.citation.as_str()).collect();
    assert!(
        cites.contains(&"(Baddeley, 2003a)") && cites.contains(&"(Baddeley, 2003b)"),
        "{cites:?}"
    );
    // Numeric styles number in citation (input) order.
    let ieee = Style::bundled("ieee").unwrap();
    let entries = format(&items, &ieee, "en-US").unwrap();
    let cites: Vec<&str> = entries.iter().map(|e| e.citation.as_str()).collect();
    assert_eq!(cites, ["[1]", "[2]", "[3]"]);
    assert_eq!(entries[0].id, "b");
}

fn cites_by_id(style: &str, items: &[Value]) -> std::collections::HashMap<String, Entry> {
    let style = Style::named(style).unwrap();
    format(items, &style, "en-US")
        .unwrap()
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect()
}

fn by(family: &str, given: &str) -> Value {
    json!([{"family": family, "given": given}])
}

/// hayagriva patch 7: year suffixes follow the bibliography (APA sorts by the
/// full date; citris cites by name, year and title), and a group of identical
/// cites gets them even when another group was told apart by given names.
#[test]
fn year_suffixes_follow_the_bibliography_in_every_ambiguous_group() {
    let items = vec![
        json!({"id":"later","type":"webpage","title":"A later post","author":by("Dates","Dora"),"issued":{"date-parts":[[2019,5,1]]}}),
        json!({"id":"earlier","type":"webpage","title":"B earlier post","author":by("Dates","Dora"),"issued":{"date-parts":[[2019,1,1]]}}),
        json!({"id":"js","type":"book","title":"One","author":by("Smith","John"),"issued":{"date-parts":[[2000]]}}),
        json!({"id":"ks","type":"book","title":"Two","author":by("Smith","Kate"),"issued":{"date-parts":[[2000]]}}),
        json!({"id":"n1","type":"article-journal","title":"First article","DOI":"10.1000/1"}),
        json!({"id":"n2","type":"article-journal","title":"Second article","DOI":"10.1000/2"}),
    ];
    let apa = cites_by_id("apa", &items);
    assert_eq!(apa["earlier"].citation, "(Dates, 2019a)");
    assert_eq!(apa["later"].citation, "(Dates, 2019b)");
    assert_eq!(apa["js"].citation, "(J. Smith, 2000)");
    assert_eq!(apa["ks"].citation, "(K. Smith, 2000)");
    let harvard = cites_by_id("harvard", &items);
    assert_eq!(harvard["n1"].citation, "(no date a)");
    assert_eq!(harvard["n2"].citation, "(no date b)");
    assert!(
        harvard["n1"].text.starts_with("(No date a)"),
        "{}",
        harvard["n1"].text
    );
}

/// hayagriva patch 7: `disambiguate="true"` holds for every cite of an
/// ambiguous set, the first one too (MLA adds the title to each).
#[test]
fn mla_adds_the_title_to_every_ambiguous_cite() {
    let items = vec![
        json!({"id":"a","type":"chapter","title":"Memory and forgetting","author":by("Baddeley","Alan"),"container-title":"Essays","issued":{"date-parts":[[2004]]}}),
        json!({"id":"b","type":"book","title":"Your memory","author":by("Baddeley","Alan"),"issued":{"date-parts":[[1982]]}}),
    ];
    let mla = cites_by_id("mla", &items);
    assert_eq!(mla["a"].citation, "(Baddeley, “Memory and Forgetting”)");
    assert_eq!(mla["b"].citation, "(Baddeley, Your Memory)");
}

/// hayagriva patch 10: inside `cs:substitute`, a `cs:choose` branch gives its
/// first element that renders, not all of them (Chicago printed the editor and
/// the collection editor run together).
#[test]
fn a_choose_inside_substitute_stops_at_the_first_names() {
    let items = vec![
        json!({"id":"ed","type":"book","title":"A edited book","editor":by("Author","Ann"),
        "collection-editor":by("Second","Sid"),"collection-title":"Series","volume":"7","issued":{"date-parts":[[2000]]}}),
    ];
    let chicago = cites_by_id("chicago-author-date", &items);
    assert!(
        chicago["ed"]
            .text
            .starts_with("Author, Ann, ed. 2000. A Edited Book."),
        "{}",
        chicago["ed"].text
    );
    assert_eq!(chicago["ed"].citation, "(Author 2000)");
}

/// hayagriva patch 9: the subsequent-author substitute compares the names,
/// whichever variable they come from (citeproc-js: `———, dir.` after a work
/// the same person wrote). Patch 8: quotation marks do not count in sort
/// keys, so the book sorts among the articles by its title.
#[test]
fn chicago_substitutes_the_same_names_and_sorts_titles_without_quotes() {
    let items = vec![
        json!({"id":"film","type":"motion_picture","title":"C film","director":by("Author","Ann"),"issued":{"date-parts":[[2000]]}}),
        json!({"id":"article","type":"article-journal","title":"A article","author":by("Author","Ann"),"container-title":"Journal","issued":{"date-parts":[[2000]]}}),
        json!({"id":"book","type":"book","title":"B book","author":by("Author","Ann"),"issued":{"date-parts":[[2000]]}}),
    ];
    // The 17th edition: CMOS 18 repeats names instead of the 3-em dash.
    let style = Style::named("chicago-author-date-17th-edition").unwrap();
    let entries = format(&items, &style, "en-US").unwrap();
    let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Author, Ann. 2000a. “A Article.” Journal, 2000.",
            "———. 2000b. B Book.",
            "———, dir. 2000c. C Film.",
        ]
    );
}

/// hayagriva patch 11: an empty macro sort key sorts last (CSL "Sorting";
/// citeproc-js), so the suffixes of these two undated, unauthored items come
/// out as citeproc-js gives them.
#[test]
fn empty_sort_keys_go_last() {
    let items = vec![
        json!({"id":"doc","type":"document","container-title":"kmptnd","publisher":"kmptnv"}),
        json!({"id":"thesis","type":"thesis","genre":"doi: whatever","publisher":"kmptvf"}),
    ];
    let chicago = cites_by_id("chicago-author-date", &items);
    assert_eq!(chicago["doc"].citation, "(n.d.-a)");
    assert_eq!(chicago["thesis"].citation, "(n.d.-b)");
}

/// hayagriva patch 13: sort keys are compared as citeproc-js compares them:
/// numbers by value, case and punctuation ignored.
#[test]
fn sort_keys_compare_numbers_by_value() {
    let items = vec![
        json!({"id":"ten","type":"article-journal","title":"Date shape 10: spring","author":by("Dates","Dora"),"issued":{"date-parts":[[2019]]}}),
        json!({"id":"five","type":"article-journal","title":"Date shape 5: march","author":by("Dates","Dora"),"issued":{"date-parts":[[2019]]}}),
    ];
    let apa = cites_by_id("apa", &items);
    assert_eq!(apa["five"].citation, "(Dates, 2019a)");
    assert_eq!(apa["ten"].citation, "(Dates, 2019b)");
}

/// hayagriva patch 14: punctuation moves into the quotes before it from a
/// prefix too, through nested groups, but not from a `cs:text value` (IEEE's
/// `<text value=","/>`), as citeproc-js does.
#[test]
fn punctuation_moves_into_quotes_from_affixes_not_from_text_values() {
    let items = vec![
        json!({"id":"formica","type":"software","title":"Formica","author":by("Willighagen","Lars"),"DOI":"10.5281/zenodo.10037162","issued":{"date-parts":[[2023]]}}),
        json!({"id":"news","type":"article-newspaper","title":"Markets rally on rate cut hopes","container-title":"Financial Times","issued":{"date-parts":[[2023,12,14]]}}),
        json!({"id":"doi","type":"article-journal","title":"DOI as a URL","DOI":"10.1000/xyz123"}),
    ];
    let harvard = cites_by_id("harvard", &items);
    assert_eq!(
        harvard["formica"].text,
        "Willighagen, L. (2023) “Formica.” Available at: https://doi.org/10.5281/zenodo.10037162."
    );
    assert_eq!(
        harvard["news"].text,
        "Financial Times (2023) “Markets rally on rate cut hopes,” 14 December."
    );
    let ieee = cites_by_id("ieee", &items);
    assert!(
        ieee["doi"]
            .text
            .ends_with("“DOI as a URL”, doi: 10.1000/xyz123."),
        "{}",
        ieee["doi"].text
    );
}

/// hayagriva patch 15: a number with affixes on a range (`s2-42`,
/// `TR-2021-07`) or a prefix ending in a space (`HSG 95`) is text: printed as
/// written, without a "No." label.
#[test]
fn affixed_numbers_are_printed_as_written() {
    let items = vec![
        json!({"id":"tr","type":"report","title":"Deep learning","author":by("Borisov","Vadim"),"genre":"Technical report","number":"TR-2021-07","publisher":"University","issued":{"date-parts":[[2021]]}}),
        json!({"id":"hsg","type":"report","title":"Lasers","author":[{"literal":"Health and Safety Executive"}],"number":"HSG 95","publisher":"HSE Books","issued":{"date-parts":[[2001]]}}),
        json!({"id":"turing","type":"article-journal","title":"On computable numbers","author":by("Turing","Alan"),"container-title":"Proceedings","volume":"s2-42","issue":"1","page":"230-265","issued":{"date-parts":[[1937]]}}),
    ];
    let chicago = cites_by_id("chicago-author-date", &items);
    assert_has(&chicago["tr"].text, "Technical Report TR-2021-07.");
    assert_has(&chicago["hsg"].text, "Lasers. HSG 95.");
    let apa = cites_by_id("apa", &items);
    assert_has(&apa["turing"].text, "Proceedings, s2-42(1), 230–265.");
}

/// hayagriva patch 17: a lower-case part after a hyphen in a given name is
/// dropped from initials ending in a period (`Ji-woo` → `J.`), kept without
/// (Vancouver `J woo`), as citeproc-js does.
#[test]
fn lower_case_hyphenated_given_names_initialise_as_citeproc_js() {
    let items = vec![
        json!({"id":"kim","type":"article-journal","title":"Item","author":by("Kim","Ji-woo"),"container-title":"Journal","issued":{"date-parts":[[2012]]}}),
    ];
    assert!(cites_by_id("apa", &items)["kim"]
        .text
        .starts_with("Kim, J. (2012)."));
    assert!(cites_by_id("vancouver", &items)["kim"]
        .text
        .starts_with("1. Kim J woo. Item."));
}

/// hayagriva patch 18: a `variable` condition is true for a variable the item
/// has even after it was printed through `cs:substitute` (Chicago's locator
/// of a signed dictionary entry is not `s.v. “Title”`).
#[test]
fn variable_conditions_see_substituted_variables() {
    let items = vec![
        json!({"id":"dict","type":"entry-dictionary","title":"A dict record","author":by("Author","Ann"),"container-title":"Dictionary","issued":{"date-parts":[[2000]]}}),
    ];
    let chicago = cites_by_id("chicago-author-date", &items);
    assert_eq!(chicago["dict"].citation, "(Author 2000)");
}

/// hayagriva patch 19: title case leaves a Greek letter that starts a word.
#[test]
fn title_case_keeps_greek_letters() {
    let items = vec![
        json!({"id":"g","type":"article-journal","title":"Release of ibuprofen in β-cyclodextrin and ω transformation","author":by("Salustio","P."),"container-title":"J","issued":{"date-parts":[[2012]]}}),
    ];
    let chicago = cites_by_id("chicago-author-date", &items);
    assert_has(
        &chicago["g"].text,
        "“Release of Ibuprofen in β-Cyclodextrin and ω Transformation.”",
    );
}

/// hayagriva patch 20: a group whose names are all empty is suppressed with
/// its terms (Harvard: no lone `in` before a proceedings title without
/// editors; with editors it stays).
#[test]
fn a_group_with_empty_names_is_suppressed() {
    let items = vec![
        json!({"id":"no-eds","type":"paper-conference","title":"A conference paper","author":by("Speaker","Sue"),"container-title":"Proceedings of Things","publisher":"ACM","page":"5-9","issued":{"date-parts":[[2019]]}}),
        json!({"id":"eds","type":"chapter","title":"Memory","author":by("Baddeley","Alan"),"editor":by("Eysenck","Michael W."),"container-title":"Essays","issued":{"date-parts":[[2004]]}}),
    ];
    let harvard = cites_by_id("harvard", &items);
    assert_has(
        &harvard["no-eds"].text,
        "“A conference paper,” Proceedings of Things.",
    );
    assert_has(
        &harvard["eds"].text,
        "“Memory,” in M.W. Eysenck (ed.) Essays.",
    );
}

/// hayagriva patch 21: pages that are not plain page numbers take the plural
/// label when they hold a range, and keep a hyphen that is not between
/// numbers (citeproc-js: `pp. ii–xv`, `pp. 3573-3587.e29`).
#[test]
fn odd_page_ranges_are_plural_and_keep_their_hyphen() {
    let items = vec![
        json!({"id":"roman","type":"article-journal","title":"Pages 7","page":"ii-xv","DOI":"10.1/7"}),
        json!({"id":"cell","type":"article-journal","title":"Pages 2","page":"3573-3587.e29","DOI":"10.1/2"}),
    ];
    let harvard = cites_by_id("harvard", &items);
    assert_has(&harvard["roman"].text, "“Pages 7,” pp. ii–xv.");
    assert_has(&harvard["cell"].text, "“Pages 2,” pp. 3573-3587.e29.");
}

// ---------------------------------------------------------------------------
// Conformance with citeproc-js (golden files from tests/conformance/).

mod conformance {
    use super::*;
    use std::collections::{BTreeMap, HashMap};
    use std::path::{Path, PathBuf};

    fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
    }

    fn read_json(path: &Path) -> Value {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Where the first difference is, to print under the two lines.
    fn caret(a: &str, b: &str) -> String {
        let n = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        format!("{}^", " ".repeat(n + 13))
    }

    #[derive(Debug, Default, Clone, Copy)]
    struct Rates {
        bibliography: f64,
        citation: f64,
        order: bool,
    }

    fn measure(name: &str, style: &Style, locale: &str, items: &[Value], report: bool) -> Rates {
        let golden = read_json(&dir().join(format!("golden/{name}.json")));
        assert_eq!(
            golden["locale"].as_str(),
            Some(locale),
            "golden/{name}.json was rendered in another locale"
        );
        let expected: Vec<(String, String, String)> = golden["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                (s("id"), s("text"), s("citation"))
            })
            .collect();
        // One bibliography per source file, as conformance.js renders them.
        let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
        for item in items {
            let id = item["id"].as_str().unwrap_or_default();
            let source = id.rsplit_once(':').map_or("", |(s, _)| s).to_string();
            match groups.iter_mut().find(|(s, _)| *s == source) {
                Some((_, g)) => g.push(item.clone()),
                None => groups.push((source, vec![item.clone()])),
            }
        }
        let ours: Vec<Entry> = groups
            .iter()
            .flat_map(|(_, g)| format(g, style, locale).unwrap())
            .collect();
        let ours_by_id: HashMap<&str, &Entry> = ours.iter().map(|e| (e.id.as_str(), e)).collect();

        // Bibliography: every entry either processor prints counts.
        let mut ids: Vec<&str> = expected.iter().map(|(id, _, _)| id.as_str()).collect();
        for e in &ours {
            if !expected.iter().any(|(id, _, _)| *id == e.id) && !e.text.is_empty() {
                ids.push(&e.id);
            }
        }
        let mut same = 0;
        let mut diffs = Vec::new();
        for id in &ids {
            let want = expected
                .iter()
                .find(|(i, _, _)| i == id)
                .map_or("", |e| e.1.as_str());
            let got = ours_by_id.get(id).map_or("", |e| e.text.as_str());
            if want == got {
                same += 1;
            } else {
                diffs.push((id.to_string(), want.to_string(), got.to_string()));
            }
        }
        // Citations: of the items citeproc-js lists.
        let mut cite_same = 0;
        let mut cite_diffs = Vec::new();
        for (id, _, want) in &expected {
            let got = ours_by_id
                .get(id.as_str())
                .map_or("", |e| e.citation.as_str());
            if want == got {
                cite_same += 1;
            } else {
                cite_diffs.push((id.clone(), want.clone(), got.to_string()));
            }
        }
        let order_expected: Vec<&str> = expected.iter().map(|e| e.0.as_str()).collect();
        let order_ours: Vec<&str> = ours
            .iter()
            .map(|e| e.id.as_str())
            .filter(|id| order_expected.contains(id))
            .collect();
        let rates = Rates {
            bibliography: same as f64 / ids.len().max(1) as f64,
            citation: cite_same as f64 / expected.len().max(1) as f64,
            order: order_expected == order_ours,
        };
        if report {
            println!(
                "\n=== {name} ({locale}): bibliography {same}/{} identical ({:.1}%), citations {cite_same}/{} ({:.1}%), order {}",
                ids.len(),
                rates.bibliography * 100.0,
                expected.len(),
                rates.citation * 100.0,
                if rates.order { "same" } else { "DIFFERENT" }
            );
            for (id, want, got) in &diffs {
                println!(
                    "--- {id}\n citeproc-js: {want}\n citris:      {got}\n{}",
                    caret(want, got)
                );
            }
            for (id, want, got) in &cite_diffs {
                println!(
                    "--- cite {id}\n citeproc-js: {want}\n citris:      {got}\n{}",
                    caret(want, got)
                );
            }
        }
        rates
    }

    /// The CSL repository's styles and locales (`./build.sh csl-data`).
    fn csl_data() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/csl")
    }

    /// The 50 most-used parents as conformance.js computes them: the
    /// `rel="independent-parent"` links of the dependent styles, ranked by
    /// count (descending), ties by id.
    fn rank_parents(dependent: &Path) -> Vec<(String, u64)> {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for entry in std::fs::read_dir(dependent).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "csl") {
                continue;
            }
            let xml = std::fs::read_to_string(&path).unwrap();
            for link in xml.split("<link").skip(1) {
                let link = &link[..link.find('>').unwrap_or(link.len())];
                if !link.contains(r#"rel="independent-parent""#) {
                    continue;
                }
                let Some(href) = link.split(r#"href=""#).nth(1) else {
                    continue;
                };
                let href = href[..href.find('"').unwrap_or(href.len())].trim_end_matches('/');
                let id = href.rsplit('/').next().unwrap_or(href);
                *counts.entry(id.to_string()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(50);
        ranked
    }

    /// Fails when a style's match rate drops below the one recorded in
    /// tests/conformance/ratchet.json. `CONFORMANCE_REPORT=1` prints every
    /// difference; `CONFORMANCE_UPDATE=1` records the measured rates.
    ///
    /// The styles: the ten bundled ones (en-US), then the 50 most-used parents
    /// of the CSL repository listed in parents.json, read from target/csl
    /// (skipped, with a message, when it is missing, unless
    /// `CITRIS_REQUIRE_STYLES=1`), each in its locale (the style's
    /// default-locale if citris bundles it, else en-US). Parents that are
    /// bundled styles are measured once, as the bundled style.
    #[test]
    fn conformance_with_citeproc_js() {
        let items: Vec<Value> = read_json(&dir().join("corpus.json"))
            .as_array()
            .unwrap()
            .clone();
        let report = std::env::var_os("CONFORMANCE_REPORT").is_some();
        let ratchet_path = dir().join("ratchet.json");
        let ratchet = read_json(&ratchet_path);
        let mut measured: BTreeMap<String, Value> = ratchet
            .as_object()
            .map(|m| m.clone().into_iter().collect())
            .unwrap_or_default();
        let mut failures = Vec::new();
        let mut summary = String::new();

        let mut styles: Vec<(String, Style, String)> = bundled_styles()
            .iter()
            .map(|s| {
                (
                    s.name.to_string(),
                    Style::bundled(s.name).unwrap(),
                    "en-US".into(),
                )
            })
            .collect();
        let parents = read_json(&dir().join("parents.json"));
        let parents = parents["parents"].as_array().unwrap();
        assert_eq!(parents.len(), 50, "parents.json lists 50 parents");
        let data = csl_data();
        if data.join("styles/dependent").is_dir() {
            let ranked = rank_parents(&data.join("styles/dependent"));
            let listed: Vec<(String, u64)> = parents
                .iter()
                .map(|p| {
                    (
                        p["id"].as_str().unwrap().to_string(),
                        p["dependents"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                ranked, listed,
                "parents.json is not the 50 most-used parents of target/csl: run node conformance.js"
            );
            for p in parents.iter().filter(|p| p["bundled"].is_null()) {
                let id = p["id"].as_str().unwrap();
                let path = data.join(format!("styles/{id}.csl"));
                let xml = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let style = Style::from_xml(&xml).unwrap_or_else(|e| panic!("{id}: {e}"));
                styles.push((id.to_string(), style, p["locale"].as_str().unwrap().into()));
            }
        } else if std::env::var_os("CITRIS_REQUIRE_STYLES").is_some_and(|v| v == "1") {
            panic!(
                "{} is missing and CITRIS_REQUIRE_STYLES=1: run ./build.sh csl-data",
                data.display()
            );
        } else {
            println!(
                "conformance: target/csl is missing (./build.sh csl-data); the 50 most-used \
                 parent styles were skipped, only the {} bundled styles are compared",
                bundled_styles().len()
            );
        }

        for (name, style, locale) in &styles {
            let r = measure(name, style, locale, &items, report);
            summary.push_str(&format!(
                "{name:55} {locale}  bibliography {:5.1}%  citations {:5.1}%  order {}\n",
                r.bibliography * 100.0,
                r.citation * 100.0,
                if r.order { "same" } else { "different" }
            ));
            for (what, rate) in [("bibliography", r.bibliography), ("citation", r.citation)] {
                let floor = ratchet[name.as_str()][what].as_f64().unwrap_or(0.0);
                if rate + 1e-9 < floor {
                    failures.push(format!(
                        "{name} {what}: {:.1}% < ratchet {:.1}%",
                        rate * 100.0,
                        floor * 100.0
                    ));
                }
            }
            measured.insert(
                name.clone(),
                json!({
                    "bibliography": (r.bibliography * 1000.0).floor() / 1000.0,
                    "citation": (r.citation * 1000.0).floor() / 1000.0,
                }),
            );
        }
        println!(
            "\nconformance with citeproc-js over {} items, {} styles:\n{summary}",
            items.len(),
            styles.len()
        );
        if std::env::var_os("CONFORMANCE_UPDATE").is_some() {
            std::fs::write(
                &ratchet_path,
                serde_json::to_string_pretty(&measured).unwrap() + "\n",
            )
            .unwrap();
        }
        assert!(
            failures.is_empty(),
            "conformance dropped:\n{}",
            failures.join("\n")
        );
    }
}

/// hayagriva patch 16: date ranges are rendered (the end was dropped), the
/// parts both dates share once: as citeproc-js prints them.
#[test]
fn date_ranges_render_both_ends() {
    let items = vec![
        json!({"id":"months","type":"article-journal","title":"A","author":by("Dates","Dana"),"container-title":"J","issued":{"date-parts":[[2019,6],[2019,7]]}}),
        json!({"id":"years","type":"article-journal","title":"B","author":by("Lind","Sven"),"container-title":"J","issued":{"date-parts":[[2019,12],[2020,1]]}}),
        json!({"id":"days","type":"article-journal","title":"D","author":by("Dd","Lee"),"container-title":"J","issued":{"date-parts":[[2016,6,27],[2016,6,30]]}}),
    ];
    // The 17th edition gives the year with a date range in the container.
    let chicago = cites_by_id("chicago-author-date-17th-edition", &items);
    assert!(
        chicago["months"].text.ends_with("J, June–July 2019."),
        "{}",
        chicago["months"].text
    );
    assert_eq!(chicago["years"].citation, "(Lind 2019–2020)");
    assert!(
        chicago["years"]
            .text
            .ends_with("J, December 2019–January 2020."),
        "{}",
        chicago["years"].text
    );
    assert!(
        chicago["days"].text.ends_with("J, June 27–30, 2016."),
        "{}",
        chicago["days"].text
    );
    let vancouver = cites_by_id("vancouver", &items);
    assert!(
        vancouver["days"].text.ends_with("J. 2016 Jun 27–30."),
        "{}",
        vancouver["days"].text
    );
}

/// hayagriva patch 22 and `sanitize`: a season is kept and printed where the
/// style prints months ("Summer 2013" in MLA, IEEE, Chicago notes), and not
/// where it asks for the year only (APA `(2013)`, not `(Summer/2013)`), as
/// citeproc-js does. Before, citris dropped seasons everywhere.
#[test]
fn seasons_print_where_the_style_prints_months() {
    let item = json!({"id":"s","type":"article-journal","title":"Reading in the digital age","author":by("Baron","Naomi S."),"container-title":"Library Quarterly","volume":"83","issue":"2","page":"101-120","issued":{"date-parts":[[2013]],"season":2}});
    let apa = one("apa", item.clone());
    assert_has(&apa.text, "(2013)");
    assert!(!apa.text.contains("Summer"), "{}", apa.text);
    for style in ["mla", "ieee", "chicago-notes-bibliography-17th-edition"] {
        let e = one(style, item.clone());
        assert!(e.text.contains("Summer 2013"), "{style}: {}", e.text);
    }
    let e = one("ieee", item);
    assert!(e.text.ends_with("pp. 101–120, Summer 2013."), "{}", e.text);
    // A season given by name, as citation.js writes it.
    let named = json!({"id":"n","type":"article-journal","title":"T","issued":{"date-parts":[[2022]],"season":"Fall"}});
    let e = one("mla", named);
    assert_has(&e.text, "Autumn 2022");
}

/// An item with no title: citeproc-js leaves the punctuation of the missing
/// parts behind (IEEE `[1] J. Doe, .`, ACS `Doe, J. .`; counted as differences
/// in tests/conformance/DIFFERENCES.md); citris ends the entry cleanly, which
/// is what a reader wants, so this is where citris deliberately differs.
#[test]
fn items_without_title_end_cleanly() {
    let item =
        json!({"id":"d","type":"article-journal","author":[{"family":"Doe","given":"Jane"}]});
    for style in ["ieee", "acs", "mla", "apa", "vancouver"] {
        let e = one(style, item.clone());
        assert!(
            !e.text.contains(", .") && !e.text.contains(" ."),
            "{style}: {}",
            e.text
        );
        assert!(!e.text.contains(".."), "{style}: {}", e.text);
        assert!(e.text.contains("Doe"), "{style}: {}", e.text);
    }
    assert_eq!(one("ieee", item).text, "[1] J. Doe.");
}

/// An item with nothing a numeric style prints is its number alone, as in
/// citeproc-js: `(1)`, not `(1) .` (ACS's layout suffix with nothing before
/// it), in every output.
#[test]
fn an_empty_numbered_entry_is_its_number() {
    let item = json!({"id": "e", "type": "dataset", "ISBN": "978-1234567890"});
    let e = one("acs", item.clone());
    assert_eq!(e.text, "(1)");
    assert_eq!(e.html, "(1)");
    assert_eq!(e.markdown, "(1)");
    assert_eq!(one("ieee", item.clone()).text, "[1]");
    assert_eq!(one("nature", item).text, "1.");
}

/// 1,500 references (the conformance corpus, cycled, over five years so that
/// many are ambiguous and get year suffixes or more names), formatted in an
/// author-date, a numeric and a note style.
fn many_formatted() -> Vec<Vec<[String; 5]>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/corpus.json");
    let base: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let items: Vec<Value> = (0..1500)
        .map(|i| {
            let mut item = base[i % base.len()].clone();
            item["id"] = json!(format!("many-{i}"));
            item["issued"] = json!({"date-parts": [[2000 + (i % 5)]]});
            item
        })
        .collect();
    ["apa", "ieee", "chicago-notes-bibliography"]
        .iter()
        .map(|s| {
            let entries = format(&items, &Style::bundled(s).unwrap(), "en-US").unwrap();
            entries
                .into_iter()
                .map(|e| [e.id, e.text, e.html, e.markdown, e.citation])
                .collect()
        })
        .collect()
}

/// Natively, formatting runs on every core (items read, sort keys, citations,
/// disambiguation renders, entries written; vendored hayagriva patch 25): the
/// output must be the same as on one thread. This test runs itself again with
/// `CITRIS_THREADS=1` and compares.
#[test]
fn formatting_on_every_core_gives_what_one_thread_gives() {
    if let Ok(path) = std::env::var("CITRIS_TEST_DUMP") {
        std::fs::write(path, serde_json::to_string(&many_formatted()).unwrap()).unwrap();
        return;
    }
    let here = many_formatted();
    let dump = std::env::temp_dir().join(format!("citris-one-thread-{}.json", std::process::id()));
    // The test's name in this binary: its module path without the crate's.
    let name = concat!(
        module_path!(),
        "::formatting_on_every_core_gives_what_one_thread_gives"
    );
    let name = name.split_once("::").map_or(name, |(_, n)| n);
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1"])
        .env("CITRIS_THREADS", "1")
        .env("CITRIS_TEST_DUMP", &dump)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let one: Vec<Vec<[String; 5]>> =
        serde_json::from_str(&std::fs::read_to_string(&dump).unwrap()).unwrap();
    let _ = std::fs::remove_file(&dump);
    assert_eq!(here.len(), one.len());
    for (a, b) in here.iter().zip(&one) {
        assert_eq!(a.len(), 1500);
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x, y);
        }
    }
    // The corpus is ambiguous enough to exercise disambiguation.
    assert!(
        here[0].iter().any(|e| e[4].contains("2001a")),
        "{:?}",
        here[0][0]
    );
}

/// A date given only as text (CSL-JSON `literal`, what citris makes of `PY  -
/// in press`) is printed as written, as citeproc-js prints it, not as "n.d."
/// (hayagriva patch 26); a literal that reads as a date is a date.
#[test]
fn literal_dates_print_as_written() {
    let item = |id: &str, issued: Value| {
        json!({"id": id, "type": "article-journal", "title": "A title",
               "author": [{"family": "Dates", "given": "Dana"}], "issued": issued})
    };
    let e = one("apa", item("press", json!({"literal": "in press"})));
    assert_eq!(e.text, "Dates, D. (in press). A title.");
    assert_eq!(e.citation, "(Dates, in press)");
    let mut journal = item("press", json!({"literal": "forthcoming"}));
    journal["container-title"] = json!("Journal");
    let e = one("chicago-author-date", journal);
    // As citeproc-js prints it (the style repeats a date that has no year).
    assert_eq!(
        e.text,
        "Dates, Dana. forthcoming. “A Title.” Journal, forthcoming."
    );
    assert_eq!(e.citation, "(Dates forthcoming)");
    // No date at all is still "n.d.".
    let e = one("apa", item("none", json!({"literal": "  "})));
    assert_eq!(e.citation, "(Dates, n.d.)");
    // A literal that is a date is read as one.
    let e = one("apa", item("year", json!({"literal": "2019"})));
    assert_eq!(e.citation, "(Dates, 2019)");
    // Two works of the same author, one in press and one undated, are told
    // apart by their dates, so no "n.d.-a" / "n.d.-b" suffixes.
    let style = Style::bundled("apa").unwrap();
    let entries = format(
        &[
            item("a", json!({"literal": "in press"})),
            item("b", json!({"literal": "n.d."})),
        ],
        &style,
        "en-US",
    )
    .unwrap();
    let cites: Vec<&str> = entries.iter().map(|e| e.citation.as_str()).collect();
    assert!(cites.contains(&"(Dates, in press)"), "{cites:?}");
    assert!(cites.contains(&"(Dates, n.d.)"), "{cites:?}");
}

/// Quotation marks in titles as citeproc-js prints them: a straight pair
/// takes the locale's quotes, a pair inside the style's quotes takes the
/// inner form (and a curly pair flips), an unpaired quote stays as written.
#[test]
fn quotes_in_titles_are_localised_and_nested() {
    let item = |title: &str| {
        json!({"id": "q", "type": "article-journal", "title": title,
               "author": [{"family": "Doe", "given": "Ann"}], "container-title": "Journal",
               "issued": {"date-parts": [[2019]]}})
    };
    let title = "The \"hygiene hypothesis\" and 12\" records";
    // APA: titles unquoted, so the pair takes the outer quotes.
    assert_has(
        &one("apa", item(title)).text,
        "The “hygiene hypothesis” and 12\" records.",
    );
    // IEEE quotes titles: the pair inside is inner; the unpaired inch mark
    // does not end the title.
    assert_has(
        &one("ieee", item(title)).text,
        "“The ‘hygiene hypothesis’ and 12\" records,”",
    );
    // A curly pair inside the style's quotes flips; outside it is kept.
    assert_has(
        &one("ieee", item("Rock “curly” brain")).text,
        "“Rock ‘curly’ brain,”",
    );
    assert_has(
        &one("apa", item("The ‘No jab, No school’ policy")).text,
        "The ‘No jab, No school’ policy.",
    );
    // Straight single quotes pair too; a lone one is an apostrophe, printed
    // typographic as citeproc-js does (hayagriva patch 31; the CSL test
    // suite's flipflop_StartingApostrophe: `ETFA ’09`).
    assert_has(
        &one("ieee", item("The 'single' case of the '90s")).text,
        "“The ‘single’ case of the ’90s,”",
    );
    // British English: outer ‘ ’, inner “ ”, punctuation outside.
    let style = Style::bundled("ieee").unwrap();
    let gb = format(&[item(title)], &style, "en-GB").unwrap();
    assert_has(&gb[0].text, "‘The “hygiene hypothesis” and 12\" records’,");
    // HTML escapes what is left straight.
    assert_has(&one("ieee", item(title)).html, "12&quot; records");
}

/// Without `page-range-format` a page range is printed as written (CSL 1.0.2,
/// Appendix V), as citeproc-js does: IEEE `pp. 377–86`, not `377–386`
/// (hayagriva patch 27). A style that sets it still reformats.
#[test]
fn page_ranges_keep_their_form_unless_the_style_says() {
    let item = json!({"id": "p", "type": "article-journal", "title": "T",
                      "author": [{"family": "Doe", "given": "Ann"}],
                      "container-title": "J", "page": "377-86",
                      "issued": {"date-parts": [[2009]]}});
    assert_has(&one("ieee", item.clone()).text, "pp. 377–86,");
    // APA asks for expanded ranges.
    assert_has(&one("apa", item.clone()).text, "377–386");
    // Vancouver asks for minimal ones.
    assert_has(&one("vancouver", item).text, "377–86");
}

/// Number ranges and page ranges hayagriva cannot read as numbers take the
/// locale's `page-range-delimiter`, as in citeproc-js: AMA sets a hyphen
/// (`;19-20:11-16`, `ii-xv`), the others keep the en dash (hayagriva patch 28).
#[test]
fn ranges_take_the_styles_range_delimiter() {
    let item = json!({"id": "h", "type": "article-journal", "title": "The gneiss sphinx",
                      "author": [{"family": "Habachi", "given": "Labib"}],
                      "container-title": "Metropolitan Museum Journal", "volume": "19-20",
                      "page": "11-16", "issued": {"date-parts": [[1984]]}});
    assert_has(&one("ama", item.clone()).text, "1984;19-20:11-16.");
    assert_has(&one("apa", item.clone()).text, "19–20, 11–16.");
    assert_has(&one("vancouver", item).text, "1984;19–20:11–6.");
    let roman = json!({"id": "r", "type": "book", "title": "Pages", "page": "ii-xv"});
    assert_has(&one("ama", roman.clone()).text, "ii-xv");
    assert_has(&one("nature", roman).text, "ii–xv");
}

/// hayagriva patch 100: a group's delimiter goes between children that printed
/// something. A `<date>` asking for the month of a year-only date has its
/// variable but prints nothing; Chicago 18th's volume group then left `7 : 1–2`
/// (citeproc-js: `7: 1–2`).
#[test]
fn no_delimiter_before_a_child_that_printed_nothing() {
    let style = Style::from_xml(
        r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Delimiters</title><id>delimiters</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>
    <group delimiter=": ">
      <group delimiter=" ">
        <text variable="volume"/>
        <group delimiter=", " prefix="(" suffix=")">
          <date variable="issued"><date-part name="month"/></date>
        </group>
      </group>
      <text variable="page"/>
    </group>
  </layout></bibliography>
</style>"#,
    )
    .unwrap();
    let item = |date: Value| json!({"id":"a","type":"article-journal","title":"T","volume":"7","page":"1-2","issued":date});
    let e = &format(&[item(json!({"date-parts":[[2000]]}))], &style, "en-US").unwrap()[0];
    assert_eq!(e.text, "7: 1–2");
    // With a month the group prints, and both delimiters are there.
    let e = &format(&[item(json!({"date-parts":[[2000, 5]]}))], &style, "en-US").unwrap()[0];
    assert_eq!(e.text, "7 (May): 1–2");
}

/// A user's report: Chicago author-date ended a webpage's quoted title with
/// two periods (`“The RIS File Format.”. https://…`). The group delimiter
/// before an element that then printed nothing had moved its period into the
/// quotes; hayagriva patch 61 takes such a delimiter back.
#[test]
fn a_quoted_title_before_an_empty_element_ends_with_one_period() {
    let e = one(
        "chicago-author-date",
        json!({"id": "ris", "type": "webpage", "title": "The RIS File Format",
               "container-title": "Research Information Systems",
               "issued": {"date-parts": [[2021]]}, "URL": "https://example.org/ris"}),
    );
    assert_eq!(
        e.text,
        "Research Information Systems. 2021. “The RIS File Format.” https://example.org/ris."
    );
    let e = one(
        "chicago-author-date",
        json!({"id": "memo", "type": "document", "title": "Style guide for internal memos",
               "author": [{"literal": "Acme Corporation"}], "issued": {"date-parts": [[2019]]}}),
    );
    assert_eq!(
        e.text,
        "Acme Corporation. 2019. “Style Guide for Internal Memos.”"
    );
}

/// A style of the CSL repository (`./build.sh csl-data`), or `None` when
/// target/csl is missing (a failure with `CITRIS_REQUIRE_STYLES=1`).
fn csl_repo_style(id: &str) -> Option<Style> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/csl/styles")
        .join(format!("{id}.csl"));
    match std::fs::read_to_string(&path) {
        Ok(xml) => Some(Style::from_xml(&xml).unwrap_or_else(|e| panic!("{id}: {e}"))),
        Err(_) if std::env::var_os("CITRIS_REQUIRE_STYLES").is_some_and(|v| v == "1") => {
            panic!("{} is missing and CITRIS_REQUIRE_STYLES=1", path.display())
        }
        Err(_) => {
            println!(
                "{} is missing (./build.sh csl-data): skipped",
                path.display()
            );
            None
        }
    }
}

fn one_in(style: &Style, item: Value) -> Entry {
    let mut entries = format(&[item], style, "en-US").unwrap();
    assert_eq!(entries.len(), 1);
    entries.remove(0)
}

/// A user's report: Vancouver-family styles printed `King ML Jr.` where
/// citeproc-js prints `King ML Jr`: the suffix's abbreviation takes the
/// style's `initialize-with` (hayagriva patch 62), `""` there, `". "` in APA,
/// which keeps `Jr.`; `III` is never changed.
#[test]
fn name_suffixes_follow_initialize_with() {
    let item = json!({"id": "jr", "type": "article-journal", "title": "Letter from Birmingham jail",
        "author": [{"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                   {"family": "Gates", "given": "William Henry", "suffix": "III"}],
        "container-title": "Atlantic Monthly", "issued": {"date-parts": [[1963]]},
        "volume": "212", "page": "78-88"});
    assert_eq!(
        one("vancouver", item.clone()).text,
        "1. King ML Jr, Gates WH III. Letter from Birmingham jail. Atlantic Monthly. 1963;212:78–88."
    );
    assert_has(&one("ama", item.clone()).text, "King ML Jr, Gates WH III.");
    assert_has(
        &one("apa", item.clone()).text,
        "King, M. L., Jr., & Gates, W. H., III. (1963).",
    );
    if let Some(style) = csl_repo_style("springer-vancouver-brackets") {
        assert_has(&one_in(&style, item).text, "King ML Jr, Gates WH III.");
    }
}

/// A user's report: springer-vancouver-brackets (472 journals) printed
/// `2021;:1–14` for an article without volume or issue, where citeproc-js
/// prints `2021;1–14`: the date group's suffix `;` and the page's prefix `:`
/// meet, and citeproc-js merges a prefix's punctuation into the suffix before
/// it (hayagriva patch 63). After a delimiter it does not (BioMed Central's
/// group delimiter `;` keeps `2021;:1–14` in both processors).
#[test]
fn a_prefix_merges_with_the_punctuation_before_it() {
    let item = json!({"id": "a", "type": "article-journal", "title": "Combination therapy",
        "author": [{"family": "Rezaei", "given": "Ramazan"}],
        "container-title": "Cancer Gene Therapy", "issued": {"date-parts": [[2021]]},
        "page": "1-14"});
    let mut with_volume = item.clone();
    with_volume["volume"] = json!("12");
    if let Some(style) = csl_repo_style("springer-vancouver-brackets") {
        assert_eq!(
            one_in(&style, item.clone()).text,
            "1. Rezaei R. Combination therapy. Cancer Gene Therapy. 2021;1–14."
        );
        assert_eq!(
            one_in(&style, with_volume.clone()).text,
            "1. Rezaei R. Combination therapy. Cancer Gene Therapy. 2021;12:1–14."
        );
    }
    // The same structure in a user style (no target/csl needed).
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout suffix="."><group><group suffix=";"><date variable="issued"><date-part name="year"/></date></group><text variable="volume"/><text variable="page" prefix=":"/></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    assert_eq!(one_in(&style, item).text, "2021;1–14.");
    assert_eq!(one_in(&style, with_volume).text, "2021;12:1–14.");
}

/// hayagriva patch 64: the citation layout's suffix goes into the quotes of
/// a title that ends the citation where the locale says so (Chicago
/// shortened notes printed `Doe, “A Record”.`; citeproc-js `Doe, “A
/// Record.”`), and stays outside where it does not (en-GB).
#[test]
fn the_citation_suffix_moves_into_quotes() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>Notes test</title><id>http://example.org/notes</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout suffix="."><group delimiter=", "><names variable="author"><name form="short"/></names><text variable="title" quotes="true"/></group></layout></citation>
</style>"#;
    let style = Style::from_xml(xml).unwrap();
    let item = json!({"id": "a", "type": "report", "title": "A record",
        "author": [{"family": "Doe", "given": "Jane"}]});
    let cite =
        |locale: &str, item: Value| format(&[item], &style, locale).unwrap()[0].citation.clone();
    assert_eq!(cite("en-US", item.clone()), "Doe, “A record.”");
    assert_eq!(cite("en-GB", item.clone()), "Doe, ‘A record’.");
    let mut asks = item;
    asks["title"] = json!("Why?");
    assert_eq!(cite("en-US", asks), "Doe, “Why?”");
}

/// hayagriva patch 65: an item without the names a `<key variable="author">`
/// sorts by goes last (CSL 1.0.2 "Sorting": empty keys last), as in
/// citeproc-js; it came first, and took the first year suffix with it
/// (Springer basic author-date's edited book `Author A (ed) (2000a)`).
#[test]
fn an_empty_name_key_sorts_last() {
    let xml = USER_STYLE.replace(
        "<bibliography><layout>",
        r#"<bibliography><sort><key variable="author"/></sort><layout>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let items = [
        json!({"id": "anon", "type": "book", "title": "Anonymous", "issued": {"date-parts": [[2001]]}}),
        json!({"id": "zed", "type": "book", "title": "Zed's", "author": [{"family": "Zed", "given": "Z."}], "issued": {"date-parts": [[2000]]}}),
    ];
    let ids: Vec<String> = format(&items, &style, "en-US")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["zed", "anon"]);
}

/// Items the style's sort keys leave tied keep their input order, and the
/// year suffixes follow it, as in citeproc-js (Springer basic author-date
/// sorts by author only: `Baddeley 2003a` is the first work given). citris
/// presorted author-date citations by name, year and title, which swapped
/// them.
#[test]
fn tied_items_keep_their_input_order() {
    let xml = USER_STYLE
        .replace(
            "<citation>",
            r#"<citation disambiguate-add-year-suffix="true">"#,
        )
        .replace(
            "<bibliography><layout>",
            r#"<bibliography><sort><key variable="author"/></sort><layout>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let item = |id: &str, title: &str| {
        json!({"id": id, "type": "article-journal", "title": title,
               "author": [{"family": "Baddeley", "given": "Alan"}],
               "issued": {"date-parts": [[2003]]}})
    };
    let entries = format(
        &[
            item("a", "Working memory: looking back and looking forward"),
            item("b", "Working memory and language: an overview"),
        ],
        &style,
        "en-US",
    )
    .unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_has(&entries[0].text, "(2003a)");
    assert_has(&entries[1].text, "(2003b)");
}

/// A citation of an item the style prints nothing for (here: no author in a
/// style that cites by author) is citeproc-js's message inside the layout's
/// affixes, as Zotero and Mendeley show it, not an easily missed `()`.
#[test]
fn a_citation_with_no_printed_form_says_so() {
    let style = Style::from_xml(USER_STYLE).unwrap();
    let e = &format(
        &[json!({"id": "x", "type": "book", "title": "Anonymous"})],
        &style,
        "en-US",
    )
    .unwrap()[0];
    assert_eq!(
        e.citation,
        "([CSL STYLE ERROR: reference with no printed form.])"
    );
    assert_has(&e.text, "Anonymous");
    // An item that prints is not touched.
    assert_eq!(
        format(&[seed()], &style, "en-US").unwrap()[0].citation,
        "(Rezaei et al.)"
    );
}

/// hayagriva patch 66: in a sort key a count of no names is `0`, as
/// citeproc-js writes it there, so a work without authors sorts before
/// those with one by Pensoft's `authorcount` key (an empty key sorted it
/// last and gave it the last year suffix).
#[test]
fn a_name_count_sort_key_counts_no_names_as_zero() {
    let xml = USER_STYLE
        .replace(
            "<citation>",
            r#"<macro name="count"><names variable="author"><name form="count"/></names></macro><citation>"#,
        )
        .replace(
            "<bibliography><layout>",
            r#"<bibliography><sort><key macro="count"/><key variable="title"/></sort><layout>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let items = [
        json!({"id": "one", "type": "book", "title": "Aardvarks", "author": [{"family": "Doe", "given": "J."}]}),
        json!({"id": "none", "type": "book", "title": "Zebras", "editor": [{"family": "Doe", "given": "J."}]}),
    ];
    let ids: Vec<String> = format(&items, &style, "en-US")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["none", "one"]);
}

/// hayagriva patch 67: `<if type="book report">` (no `match`, so "all")
/// holds for a book: the types of one attribute are one test, as in
/// citeproc-js (an item has one type; AOSIS Harvard printed books without
/// edition and publisher).
#[test]
fn a_list_of_types_matches_any_of_them() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/>"#,
        r#"<bibliography><layout><choose><if type="book report"><text value="BOOK OR REPORT "/></if><else><text value="OTHER "/></else></choose><text value="TESTSTYLE "/>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let text = |t: &str| {
        format(
            &[json!({"id": "x", "type": t, "title": "T"})],
            &style,
            "en-US",
        )
        .unwrap()[0]
            .text
            .clone()
    };
    assert_eq!(text("book"), "BOOK OR REPORT TESTSTYLE T");
    assert_eq!(text("report"), "BOOK OR REPORT TESTSTYLE T");
    assert_eq!(text("article-journal"), "OTHER TESTSTYLE T");
}

/// hayagriva patch 68: a period after closing quotes that already hold one
/// goes (ASCE printed a work without author as `“Citation Style
/// Language.”. 2020.`: the title's suffix had moved into the quotes, then
/// the group delimiter `. ` followed); without punctuation in quotes
/// (en-GB) a title's own `?` keeps the period after the quotes.
#[test]
fn no_period_after_a_quoted_period() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout suffix="."><group delimiter=". "><text variable="title" quotes="true" suffix="."/><date variable="issued"><date-part name="year"/></date></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "w", "type": "webpage", "title": "Citation Style Language",
        "issued": {"date-parts": [[2020]]}});
    let text = |item: Value, locale: &str| format(&[item], &style, locale).unwrap()[0].text.clone();
    assert_eq!(
        text(item.clone(), "en-US"),
        "“Citation Style Language.” 2020."
    );
    let mut asks = item;
    asks["title"] = json!("Why?");
    assert_eq!(text(asks.clone(), "en-US"), "“Why?” 2020.");
    assert_eq!(text(asks, "en-GB"), "‘Why?’. 2020.");
}

/// hayagriva patch 69: `cs:name`'s own affixes are printed (Frontiers puts
/// the space between the editor label and the names there: `ed. S.
/// Second`, printed `ed.S. Second`).
#[test]
fn name_affixes_are_printed() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/>"#,
        r#"<bibliography><layout><names variable="editor" suffix=" "><label form="short"/><name initialize-with=". " prefix=" " suffix="!"/></names>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let e = &format(
        &[json!({"id": "x", "type": "book", "title": "T", "editor": [{"family": "Second", "given": "Sid"}]})],
        &style,
        "en-US",
    )
    .unwrap()[0];
    assert_eq!(e.text, "ed. S. Second! T");
}

/// hayagriva patch 70: a comma after closing quotes that already end with a
/// comma goes (Frontiers printed `“A chapter,”, in The Edited Book`).
#[test]
fn no_comma_after_a_quoted_comma() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout><group delimiter=", "><text variable="title" quotes="true" suffix=","/><text variable="container-title" prefix="in "/></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "c", "type": "chapter", "title": "A chapter",
        "container-title": "The Edited Book"});
    assert_eq!(
        format(&[item], &style, "en-US").unwrap()[0].text,
        "“A chapter,” in The Edited Book"
    );
}

/// hayagriva patch 71: a date range sorts by its start and then its end, so
/// it does not tie with its start year (Elsevier Harvard's descending year
/// key puts `Jun–Jul 2019` before `2019`, as citeproc-js does).
#[test]
fn a_date_range_sorts_after_its_start() {
    let xml = USER_STYLE
        .replace(
            "<citation>",
            r#"<macro name="year"><date variable="issued"><date-part name="year"/></date></macro><citation>"#,
        )
        .replace(
            "<bibliography><layout>",
            r#"<bibliography><sort><key macro="year" sort="descending"/></sort><layout>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let items = [
        json!({"id": "year", "type": "book", "title": "Year", "issued": {"date-parts": [[2019]]}}),
        json!({"id": "range", "type": "book", "title": "Range", "issued": {"date-parts": [[2019, 6], [2019, 7]]}}),
    ];
    let ids: Vec<String> = format(&items, &style, "en-US")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["range", "year"]);
}

/// hayagriva patch 72: a names label's `plural` attribute is obeyed
/// (Future Medicine's `plural="never"` prints `Hey AJG (Ed.)` after three
/// editors; `always` gives the plural for one).
#[test]
fn a_names_label_obeys_plural() {
    let style_with = |plural: &str| {
        Style::from_xml(&USER_STYLE.replace(
            r#"<bibliography><layout><text value="TESTSTYLE "/>"#,
            &format!(r#"<bibliography><layout><names variable="editor" suffix=" "><name/><label form="short" plural="{plural}" prefix=" (" suffix=")"/></names>"#),
        ))
        .unwrap()
    };
    let editors = |n: usize| {
        let names: Vec<Value> = (0..n)
            .map(|i| json!({"family": format!("E{i}"), "given": "A."}))
            .collect();
        json!({"id": "x", "type": "book", "title": "T", "editor": names})
    };
    assert_has(
        &format(&[editors(3)], &style_with("never"), "en-US").unwrap()[0].text,
        "(ed.)",
    );
    assert_has(
        &format(&[editors(1)], &style_with("always"), "en-US").unwrap()[0].text,
        "(eds.)",
    );
    assert_has(
        &format(&[editors(3)], &style_with("contextual"), "en-US").unwrap()[0].text,
        "(eds.)",
    );
}

/// A numbered entry whose text opens with "n.d." capitalises it after the
/// number as an unnumbered entry does at its start (`[1] N.d.`, `1. (N.d.)`;
/// citeproc-js in Elsevier Vancouver, Springer social psychology (brackets)
/// and IET). citeproc-js itself keeps `[1] (n.d.)` in Elsevier with titles,
/// where an empty `volume` is rendered before the term (a quirk, not
/// copied: DIFFERENCES.md).
#[test]
fn no_date_opening_a_numbered_entry_is_capitalised() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography second-field-align="flush"><layout suffix="."><text variable="citation-number" prefix="[" suffix="]"/><group delimiter=" "><choose><if variable="issued"><date variable="issued"><date-part name="year"/></date></if><else><text term="no date" form="short" prefix="(" suffix=")"/></else></choose><text variable="title"/></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let e = &format(
        &[json!({"id": "x", "type": "book", "title": "Undated"})],
        &style,
        "en-US",
    )
    .unwrap()[0];
    assert_eq!(e.text, "[1] (N.d.) Undated.");
}

/// A group's suffix `,`, an empty group's prefix ` ` and the next prefix
/// `, ` meet (Copernicus, when there is no container title): citris prints
/// one comma, `Formica, 7, 1–2.` (citeproc-js prints `Formica, , 7`; it
/// was `Formica,, 7`: the punctuation pass repeats until nothing changes).
#[test]
fn punctuation_left_by_empty_groups_merges_fully() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout suffix="."><group delimiter=", " suffix="," prefix=" "><text variable="title"/></group><group prefix=" "><text variable="container-title"/><group prefix=", " delimiter=", "><text variable="volume"/><text variable="page"/></group></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "a", "type": "book", "title": "Formica", "volume": "7", "page": "1-2"});
    assert_eq!(
        format(&[item], &style, "en-US").unwrap()[0].text,
        "Formica, 7, 1–2."
    );
}

/// hayagriva patch 73: the layout's period is left out after an entry that
/// ends with a period inside closing quotes, also where punctuation stays
/// outside quotes (en-GB `‘Like cats and cows.’`, not `…cows.’.`); a `?`
/// or `!` there keeps it, as in citeproc-js.
#[test]
fn the_layout_period_is_not_doubled_after_quotes() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout suffix="."><text variable="title" quotes="true"/></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let text = |title: &str| {
        format(
            &[json!({"id": "t", "type": "chapter", "title": title})],
            &style,
            "en-GB",
        )
        .unwrap()[0]
            .text
            .clone()
    };
    assert_eq!(text("Like cats and cows."), "‘Like cats and cows.’");
    assert_eq!(text("Why?"), "‘Why?’.");
    assert_eq!(text("Plain"), "‘Plain’.");
}

/// hayagriva patch 74: a lower-case part after a hyphen in a given name is
/// not an initial also with `initialize-with=""` (Springer and Elsevier
/// Vancouver, BMJ …: `Kim J`, printed `Kim J- woo`), unless the style sets
/// `initialize-with-hyphen="false"`, which citeproc-js reads as a space
/// (Vancouver: `Kim J woo`).
#[test]
fn lower_case_hyphen_parts_are_not_initials_without_periods() {
    let item = json!({"id": "k", "type": "article-journal", "title": "T",
        "author": [{"family": "Kim", "given": "Ji-woo"}, {"family": "Sartre", "given": "Jean-Paul"}]});
    if let Some(style) = csl_repo_style("springer-vancouver-brackets") {
        assert_has(&one_in(&style, item.clone()).text, "Kim J, Sartre J-P.");
    }
    assert_has(&one("vancouver", item).text, "Kim J woo, Sartre JP.");
}

/// hayagriva patch 75: a given name that does not start with a letter is
/// printed whole, not made an initial (citeproc-js: `Brace {Unbalanced`,
/// citris printed `Brace {U.`).
#[test]
fn a_given_name_not_starting_with_a_letter_is_not_initialised() {
    let item = json!({"id": "b", "type": "article-journal", "title": "T",
        "author": [{"family": "Brace", "given": "{Unbalanced"}, {"family": "Doe", "given": "Jane"}]});
    assert_has(
        &one("vancouver", item.clone()).text,
        "Brace {Unbalanced, Doe J.",
    );
    assert_has(&one("apa", item).text, "Brace, {Unbalanced, & Doe, J.");
}

/// hayagriva patch 76: `strip-periods` removes a period unless a lower-case
/// letter follows, as citeproc-js does (`Merriam-Webster.com` keeps its dot,
/// `A.B. c.d.` → `AB c.d`); every period went before (`Merriam-Webstercom`).
#[test]
fn strip_periods_keeps_a_period_before_lower_case() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography><layout><group delimiter=" | "><text variable="container-title" strip-periods="true"/><text variable="title" strip-periods="true"/></group></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "s", "type": "entry-dictionary", "title": "A.B. c.d.",
        "container-title": "Merriam-Webster.com Dictionary"});
    assert_eq!(
        format(&[item], &style, "en-US").unwrap()[0].text,
        "Merriam-Webster.com Dictionary | AB c.d"
    );
}

/// hayagriva patch 77: a suffix that repeats the text's last character is
/// dropped only when it is punctuation: MLA cites a work titled `DOI in M3
/// (Wiley)` as `(DOI in M3 (Wiley))`, not `(DOI in M3 (Wiley)`.
#[test]
fn a_closing_parenthesis_suffix_is_not_swallowed() {
    let item = json!({"id": "w", "type": "article-journal", "title": "DOI in M3 (Wiley)"});
    assert_eq!(one("mla", item).citation, "(DOI in M3 (Wiley))");
}

/// hayagriva patch 78: `<names variable="translator editor">` renders the
/// translators first, in the attribute's order (Springer social psychology:
/// `(A. W. Wood, Trans., P. Guyer, Ed.)`); the editors always came first.
#[test]
fn names_variables_render_in_the_order_given() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/>"#,
        r#"<bibliography><layout><names variable="translator editor" delimiter="; " suffix=" "><name initialize-with=". "/><label form="short" prefix=", "/></names>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "k", "type": "book", "title": "Critique",
        "editor": [{"family": "Guyer", "given": "Paul"}], "translator": [{"family": "Wood", "given": "Allen W."}]});
    assert_eq!(
        format(&[item], &style, "en-US").unwrap()[0].text,
        "A. W. Wood, trans.; P. Guyer, ed. Critique"
    );
}

/// hayagriva patch 79: a literal date stands in for the year and takes the
/// year part's affixes (Springer mathphys: `(in press)`, printed `in press`).
#[test]
fn a_literal_date_takes_the_year_parts_affixes() {
    let xml = USER_STYLE.replace(
        r#"<date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>"#,
        r#"<date variable="issued" prefix=" "><date-part name="year" prefix="(" suffix=")"/></date>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "p", "type": "article-journal", "title": "Soon", "issued": {"literal": "in press"}});
    assert_eq!(
        format(&[item], &style, "en-US").unwrap()[0].text,
        "TESTSTYLE Soon (in press)"
    );
}

/// hayagriva patch 80: `subsequent-author-substitute` (complete-all)
/// replaces the whole name list, `and` and delimiters included, and keeps a
/// label after it: MLA printed `———, and . Title` for a second work by the
/// same two authors.
#[test]
fn the_subsequent_author_dash_replaces_the_whole_list() {
    let work = |id: &str, title: &str| {
        json!({"id": id, "type": "book", "title": title,
               "author": [{"family": "Author", "given": "Ann"}, {"family": "Second", "given": "Sid"}],
               "issued": {"date-parts": [[2000]]}})
    };
    let style = Style::bundled("mla").unwrap();
    let entries = format(
        &[work("a", "First book"), work("b", "Second book")],
        &style,
        "en-US",
    )
    .unwrap();
    assert_eq!(
        entries[0].text,
        "Author, Ann, and Sid Second. First Book. 2000."
    );
    assert_eq!(entries[1].text, "———. Second Book. 2000.");
}

/// hayagriva patch 81: `page-first` of a page value that is not numbers
/// (`3573-3587.e29`, `ii-xv`) is the text before the first hyphen, as in
/// citeproc-js; it was empty (Thomson Reuters printed no pinpoint).
#[test]
fn page_first_of_odd_pages() {
    let xml = USER_STYLE.replace(
        r#"<text value="TESTSTYLE "/>"#,
        r#"<text variable="page-first" suffix=" "/>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let text = |page: &str| {
        format(
            &[json!({"id": "p", "type": "article-journal", "title": "T", "page": page})],
            &style,
            "en-US",
        )
        .unwrap()[0]
            .text
            .clone()
    };
    assert_eq!(text("3573-3587.e29"), "3573 T");
    assert_eq!(text("ii-xv"), "ii T");
    assert_eq!(text("12-19"), "12 T");
}

/// hayagriva patch 82: the year suffix follows the first *year* rendered: a
/// date of month and day printed before the year (Springer Vancouver
/// author-date's bills) no longer takes the suffix's turn and loses it.
#[test]
fn the_year_suffix_follows_the_first_year() {
    let xml = USER_STYLE
        .replace("<citation>", r#"<citation disambiguate-add-year-suffix="true">"#)
        .replace(
            r#"<date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>"#,
            r#"<date variable="issued" prefix=" " delimiter=" "><date-part name="month" form="short"/><date-part name="day"/></date><date variable="issued" prefix=", "><date-part name="year"/></date>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let bill = |id: &str, day: u32| {
        json!({"id": id, "type": "bill", "title": format!("Bill {id}"),
               "author": [{"family": "Congress", "given": "U. S."}],
               "issued": {"date-parts": [[2000, 12, day]]}})
    };
    let entries = format(&[bill("a", 14), bill("b", 15)], &style, "en-US").unwrap();
    assert_eq!(entries[0].text, "TESTSTYLE Bill a Dec. 14, 2000a");
    assert_eq!(entries[1].text, "TESTSTYLE Bill b Dec. 15, 2000b");
}

/// hayagriva patch 83: sort keys compare word by word, as citeproc-js's do
/// (it joins the words with a separator that sorts before letters): ACM
/// lists `He, Kaiming` before `Health and Safety Executive`; the collator,
/// which ignores spaces, put `healthandsafety` before `hekaiming`.
#[test]
fn sort_keys_compare_word_by_word() {
    let xml = USER_STYLE
        .replace(
            "<citation>",
            r#"<macro name="author"><names variable="author"><name name-as-sort-order="all"/></names></macro><citation>"#,
        )
        .replace(
            "<bibliography><layout>",
            r#"<bibliography><sort><key macro="author"/></sort><layout>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let items = [
        json!({"id": "hse", "type": "report", "title": "Lasers", "author": [{"literal": "Health and Safety Executive"}]}),
        json!({"id": "he", "type": "paper-conference", "title": "Residual learning", "author": [{"family": "He", "given": "Kaiming"}]}),
    ];
    let ids: Vec<String> = format(&items, &style, "en-US")
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["he", "hse"]);
}

/// hayagriva patch 84: text that starts with the digits the text before it
/// ends with is printed whole: RSC's entry for pages `1-14` after the number
/// `1` printed `1–14.` (the "duplicate affix" rule took the `1` away).
#[test]
fn digits_are_not_a_duplicate_affix() {
    let xml = USER_STYLE.replace(
        r#"<bibliography><layout><text value="TESTSTYLE "/><text variable="title"/><date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date></layout></bibliography>"#,
        r#"<bibliography second-field-align="flush"><layout suffix="."><text variable="citation-number"/><text variable="page"/></layout></bibliography>"#,
    );
    let style = Style::from_xml(&xml).unwrap();
    let item = json!({"id": "p", "type": "article-journal", "title": "Pages 1", "page": "1-14"});
    assert_eq!(format(&[item], &style, "en-US").unwrap()[0].text, "1 1–14.");
}

/// A deliberate difference: the implicit year suffix is appended to the
/// year, inside the year part's affixes (`(2000a)`; CSL 1.0.2
/// "Disambiguation"), where citeproc-js prints `(2000)(a)` (Springer mathphys
/// author-date; tests/conformance/DIFFERENCES.md).
#[test]
fn the_year_suffix_goes_inside_the_years_parentheses() {
    let xml = USER_STYLE
        .replace("<citation>", r#"<citation disambiguate-add-year-suffix="true">"#)
        .replace(
            r#"<date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>"#,
            r#"<date variable="issued" prefix=" "><date-part name="year" prefix="(" suffix=")"/></date>"#,
        );
    let style = Style::from_xml(&xml).unwrap();
    let work = |id: &str| {
        json!({"id": id, "type": "book", "title": format!("Work {id}"),
               "author": [{"family": "Baddeley", "given": "Alan"}], "issued": {"date-parts": [[2003]]}})
    };
    let entries = format(&[work("a"), work("b")], &style, "en-US").unwrap();
    assert_eq!(entries[0].text, "TESTSTYLE Work a (2003a)");
    assert_eq!(entries[1].text, "TESTSTYLE Work b (2003b)");
    if let Some(style) = csl_repo_style("royal-society-of-chemistry") {
        // Another deliberate one: RSC leaves `, .` after an author whose
        // work has nothing else to print; citris ends the entry cleanly.
        let item = json!({"id": "d", "type": "article-journal", "title": "Date shape",
            "author": [{"family": "Dates", "given": "Dana"}]});
        assert_eq!(
            format(&[item], &style, "en-GB").unwrap()[0].text,
            "1 D. Dates."
        );
    }
}

/// Curly quotes in a title are printed as written, straight ones as the
/// locale's quotes; curly quotes flip only inside quotes that open with the
/// same mark (hayagriva patch 85). The table is citeproc-js 1.4.61's output in
/// Chicago author-date (German and English), for a quoted article title and
/// an unquoted book title. The conformance corpus's BMC record
/// (`The introduction of ‘No jab, No school’ policy`) printed `‚No jab‘` in
/// German and `“No jab”` in British styles before.
#[test]
fn curly_quotes_in_titles_print_as_written() {
    let style = Style::named("chicago-author-date").unwrap();
    let cases = [
        (
            "The “No jab” policy",
            "de-DE",
            "article-journal",
            "„The “No jab” policy“. J.",
        ),
        (
            "The “No jab” policy",
            "de-DE",
            "book",
            "The “No jab” policy. In J.",
        ),
        (
            "The “No jab” policy",
            "en-US",
            "article-journal",
            "“The ‘No Jab’ Policy.” J.",
        ),
        (
            "The ‘No jab’ policy",
            "de-DE",
            "article-journal",
            "„The ‘No jab’ policy“. J.",
        ),
        (
            "The ‘No jab’ policy",
            "de-DE",
            "book",
            "The ‘No jab’ policy. In J.",
        ),
        (
            "The ‘No jab’ policy",
            "en-US",
            "article-journal",
            "“The ‘No Jab’ Policy.” J.",
        ),
        (
            "The 'No jab' policy",
            "de-DE",
            "article-journal",
            "„The ‚No jab‘ policy“. J.",
        ),
        (
            "The 'No jab' policy",
            "de-DE",
            "book",
            "The „No jab“ policy. In J.",
        ),
        (
            "The \"No jab\" policy",
            "de-DE",
            "book",
            "The „No jab“ policy. In J.",
        ),
        (
            "The \"No jab\" policy",
            "en-US",
            "article-journal",
            "“The ‘No Jab’ Policy.” J.",
        ),
    ];
    for (title, locale, ty, want) in cases {
        let item = json!({"id": "a", "type": ty, "title": title, "container-title": "J",
                          "author": [{"family": "Doe", "given": "J"}],
                          "issued": {"date-parts": [[2000]]}});
        let e = &format(&[item], &style, locale).unwrap()[0];
        assert_eq!(
            e.text,
            format!("Doe, J. 2000. {want}"),
            "{title} in {locale} as {ty}"
        );
    }
}
