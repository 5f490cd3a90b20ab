//! The tag table against its sources: the 2011 RIS specification sheets and Zotero's
//! importer tests (`../shared`).

use citris::ris::table::{TABLE, TYPES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn shared() -> &'static Path {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared"));
    assert!(p.is_dir(), "shared/ is expected beside the repository");
    p
}

/// (type code, tag) pairs the 2011 sheets define.
fn spec_pairs() -> BTreeSet<(String, String)> {
    let text =
        std::fs::read_to_string(shared().join("corpus/ris-spec-2011/prop_summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for (tag, meanings) in v.as_object().unwrap() {
        for types in meanings.as_object().unwrap().values() {
            for t in types.as_array().unwrap() {
                let code = t
                    .as_str()
                    .unwrap()
                    .rsplit(" - ")
                    .next()
                    .unwrap()
                    .to_string();
                out.insert((code, tag.clone()));
            }
        }
    }
    out
}

/// Every type-specific row names tags that the sheet of each of its types defines,
/// except the departures below (each documented in docs/MAPPING.md).
#[test]
fn type_specific_rows_follow_the_2011_sheets() {
    let spec = spec_pairs();
    // Type codes that are not 2011 codes (variants), and tags outside the sheets.
    let variants = ["WEB", "UNPD", "GRNT"];
    let departures: BTreeSet<(&str, &str)> = [
        // M1 on journals: not on the sheet; EndNote writes the issue there.
        ("JOUR", "M1"),
        ("ABST", "M1"),
        ("INPR", "M1"),
        ("JFULL", "M1"),
        // SOUND: the sheet gives AU = Author; a recording's author is its composer.
        // (AU is on the SOUND sheet, so no departure is needed for the tag itself.)
        // BT (old spec) for chapters and conference papers.
        ("CHAP", "BT"),
        ("ECHAP", "BT"),
        ("CONF", "BT"),
        ("CPAPER", "BT"),
        // CPAPER is the conference-paper twin of CONF: exporters give it CONF's
        // proceedings title (C3) and series (T3).
        ("CPAPER", "C3"),
        ("CPAPER", "T3"),
    ]
    .into_iter()
    .collect();
    let mut unexpected = Vec::new();
    for row in TABLE {
        for ty in row.types {
            if variants.contains(ty) {
                continue;
            }
            let pair = (ty.to_string(), row.tag.to_string());
            if !spec.contains(&pair) && !departures.contains(&(ty, row.tag)) {
                unexpected.push(format!("{} {} ({})", ty, row.tag, row.var));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "rows for tags the sheet of that type lacks:\n{}",
        unexpected.join("\n")
    );
}

/// Every 2011 type code has a CSL type.
#[test]
fn every_2011_type_has_a_csl_type() {
    let text = std::fs::read_to_string(shared().join("corpus/ris-spec-2011/types.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ours: BTreeMap<&str, &str> = TYPES.iter().copied().collect();
    for code in v["RIS"].as_object().unwrap().keys() {
        assert!(
            ours.contains_key(code.as_str()),
            "no CSL type for TY {code}"
        );
    }
}

/// Fidelity against Zotero's importer tests, measured by the shared scorer (Python).
/// The floor is what we measured; docs/MAPPING.md lists each remaining difference and
/// why ours is kept. Raise it when a change gains facts.
#[test]
fn zotero_fidelity_does_not_drop() {
    let score = shared().join("tools/zotero_score.py");
    let bin = env!("CARGO_BIN_EXE_citris");
    let out = std::process::Command::new("python3")
        .arg(&score)
        .arg("--cmd")
        .arg(format!("{bin} convert --quiet --to csl-json {{file}}"))
        .output()
        .expect("python3 runs the Zotero scorer");
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or("");
    // "zotero cases: F/T facts, I/N items fully right"
    let facts: Vec<u32> = last
        .split_once(": ")
        .and_then(|(_, r)| r.split_whitespace().next())
        .map(|f| f.split('/').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    assert_eq!(facts.len(), 2, "unexpected scorer output: {text}");
    assert_eq!(facts[1], 996);
    assert!(
        facts[0] >= 923,
        "Zotero fidelity dropped to {}/996:\n{text}",
        facts[0]
    );
}
