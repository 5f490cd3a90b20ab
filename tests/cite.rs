//! Formatting tests: the seed reference, every bundled style, user styles,
//! hostile input, escaping, and conformance with citeproc-js's golden files.
#![cfg(feature = "cite")]

use citris::cite::{bundled_locales, bundled_styles, format, Entry, Style};
use serde_json::{json, Value};

fn seed() -> Value {
    json!({"id":"rezaei2021combination","type":"article-journal","title":"Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy","author":[{"family":"Rezaei","given":"Ramazan"},{"family":"Esmaeili Gouvarchin Ghaleh","given":"Hadi"},{"family":"Farzanehpour","given":"Mahdieh"},{"family":"Dorostkar","given":"Ruhollah"},{"family":"Ranjbar","given":"Reza"},{"family":"Bolandian","given":"Masoumeh"},{"family":"Mirzaei Nodooshan","given":"Majid"},{"family":"Ghorbani Alvanegh","given":"Akbar"}],"container-title":"Cancer Gene Therapy","container-title-short":"Cancer Gene Ther","issued":{"date-parts":[[2021,6,22]]},"accessed":{"date-parts":[[2021,6,22]]},"page":"1-14","DOI":"10.1038/s41417-021-00359-9","ISSN":"1476-5500","URL":"https://www.nature.com/articles/s41417-021-00359-9","language":"en","title-short":"Combination therapy with CAR T cells and oncolytic viruses","source":"www.nature.com","abstract":"Chimeric antigen receptor ..."})
}

fn one(style: &str, item: Value) -> Entry {
    let style = Style::bundled(style).unwrap();
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
            assert!(entries[0].text.contains("Rezaei"), "{} {locale}: {}", s.name, entries[0].text);
            assert!(!entries[0].citation.is_empty(), "{} {locale}", s.name);
            eprintln!("{:20} {locale} {}\n    {}", s.name, entries[0].citation, entries[0].text);
        }
    }
}
