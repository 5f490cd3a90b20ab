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
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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

    fn measure(name: &str, items: &[Value], report: bool) -> Rates {
        let golden = read_json(&dir().join(format!("golden/{name}.json")));
        let expected: Vec<(String, String, String)> = golden["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                (s("id"), s("text"), s("citation"))
            })
            .collect();
        let style = Style::bundled(name).unwrap();
        let ours = format(items, &style, "en-US").unwrap();
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
            let want = expected.iter().find(|(i, _, _)| i == id).map_or("", |e| e.1.as_str());
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
            let got = ours_by_id.get(id.as_str()).map_or("", |e| e.citation.as_str());
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
                "\n=== {name}: bibliography {same}/{} identical ({:.1}%), citations {cite_same}/{} ({:.1}%), order {}",
                ids.len(),
                rates.bibliography * 100.0,
                expected.len(),
                rates.citation * 100.0,
                if rates.order { "same" } else { "DIFFERENT" }
            );
            for (id, want, got) in &diffs {
                println!("--- {id}\n citeproc-js: {want}\n citris:      {got}\n{}", caret(want, got));
            }
            for (id, want, got) in &cite_diffs {
                println!("--- cite {id}\n citeproc-js: {want}\n citris:      {got}\n{}", caret(want, got));
            }
        }
        rates
    }

    /// Fails when a style's match rate drops below the one recorded in
    /// tests/conformance/ratchet.json. `CONFORMANCE_REPORT=1` prints every
    /// difference; `CONFORMANCE_UPDATE=1` records the measured rates.
    #[test]
    fn conformance_with_citeproc_js() {
        let items: Vec<Value> =
            read_json(&dir().join("corpus.json")).as_array().unwrap().clone();
        let report = std::env::var_os("CONFORMANCE_REPORT").is_some();
        let ratchet_path = dir().join("ratchet.json");
        let ratchet = read_json(&ratchet_path);
        let mut measured = BTreeMap::new();
        let mut failures = Vec::new();
        let mut summary = String::new();
        for s in bundled_styles() {
            let r = measure(s.name, &items, report);
            summary.push_str(&format!(
                "{:20} bibliography {:5.1}%  citations {:5.1}%  order {}\n",
                s.name,
                r.bibliography * 100.0,
                r.citation * 100.0,
                if r.order { "same" } else { "different" }
            ));
            for (what, rate) in [("bibliography", r.bibliography), ("citation", r.citation)] {
                let floor = ratchet[s.name][what].as_f64().unwrap_or(0.0);
                if rate + 1e-9 < floor {
                    failures.push(format!(
                        "{} {what}: {:.1}% < ratchet {:.1}%",
                        s.name,
                        rate * 100.0,
                        floor * 100.0
                    ));
                }
            }
            measured.insert(
                s.name.to_string(),
                json!({
                    "bibliography": (r.bibliography * 1000.0).floor() / 1000.0,
                    "citation": (r.citation * 1000.0).floor() / 1000.0,
                }),
            );
        }
        println!("\nconformance with citeproc-js over {} items (en-US):\n{summary}", items.len());
        if std::env::var_os("CONFORMANCE_UPDATE").is_some() {
            std::fs::write(
                &ratchet_path,
                serde_json::to_string_pretty(&measured).unwrap() + "\n",
            )
            .unwrap();
        }
        assert!(failures.is_empty(), "conformance dropped:\n{}", failures.join("\n"));
    }
}
