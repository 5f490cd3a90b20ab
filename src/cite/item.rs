//! citris's references as hayagriva items, directly: the typed counterpart of
//! writing a reference as CSL-JSON ([`crate::csl_json::write_item`]) and
//! reading that back through the sanitiser, with the same result (the test
//! below holds the two side by side), without the text and the JSON tree in
//! between.

use std::collections::BTreeMap;

use hayagriva::citationberg::json::{DateValue, Item, NameValue, Value as CslValue};

use super::sanitize::{self, NameParts, Ymd, DATE_VARIABLES, NAME_VARIABLES};
use crate::date::Date;
use crate::model::Reference;
use crate::name::Name;

/// The `id` a reference's item gets: its key, unless a field named `id`
/// overrides it as it would in its CSL-JSON.
pub(super) fn reference_id(r: &Reference, key: &str) -> Option<String> {
    Some(r.get("id").unwrap_or(key))
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// What a reference holds under one variable name.
enum Var<'a> {
    Text(&'a str),
    Names(&'a [Name]),
    Date(&'a Date),
}

/// `r` as the item hayagriva formats, with the id `id` and only the variables
/// `keep` accepts (see [`sanitize::sanitize`], which this agrees with).
pub(super) fn from_reference(r: &Reference, id: String, keep: impl Fn(&str) -> bool) -> Item {
    let keywords = r.keywords.join(", ");
    // In CSL-JSON's order, where a later variable of the same name replaces
    // an earlier one: the type, then by name fields, names, dates, keywords.
    let mut vars: Vec<(&str, u8, Var<'_>)> = Vec::new();
    vars.extend(
        r.fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, 0, Var::Text(v))),
    );
    vars.extend(
        r.names
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, 1, Var::Names(v))),
    );
    vars.extend(r.dates.iter().map(|(k, d)| (*k, 2, Var::Date(d))));
    if !r.keywords.is_empty() {
        vars.push(("keyword", 3, Var::Text(&keywords)));
    }
    vars.sort_by_key(|&(k, kind, _)| (k, kind));
    let short_title = r.get("container-title-short").is_some();

    let mut out = BTreeMap::new();
    let typ = std::iter::once(("type", Var::Text(r.item_type)));
    for (key, var) in typ.chain(vars.into_iter().map(|(k, _, v)| (k, v))) {
        if key == "id" {
            continue;
        }
        if key == "journalAbbreviation" {
            // Zotero's older name for `container-title-short`.
            if let (Var::Text(s), false) = (var, short_title) {
                if let Some(s) = sanitize::text(s, false) {
                    if keep("container-title-short") {
                        out.insert("container-title-short".into(), CslValue::String(s));
                    }
                }
            }
            continue;
        }
        if !keep(key) {
            continue;
        }
        match variable(key, var) {
            Some(v) => out.insert(key.to_string(), v),
            None => out.remove(key),
        };
    }
    out.insert("id".into(), CslValue::String(id));
    Item(out)
}

/// One variable, cleaned as the sanitiser cleans its CSL-JSON; a variable
/// whose kind does not fit its name is dropped, as there.
fn variable(key: &str, var: Var<'_>) -> Option<CslValue> {
    let is_names = NAME_VARIABLES.contains(&key);
    let is_date = DATE_VARIABLES.contains(&key);
    match var {
        // A name or date given as text (no reader makes one): the
        // sanitiser's reading of a JSON string.
        Var::Text(s) if is_names || is_date => {
            sanitize::variable(key, &serde_json::Value::String(s.to_string()))
        }
        Var::Text(s) => sanitize::field_text(key, s).map(CslValue::String),
        Var::Names(names) if is_names => {
            let names: Vec<NameValue> = names.iter().filter_map(name).collect();
            (!names.is_empty()).then_some(CslValue::Names(names))
        }
        Var::Date(d) if is_date => date(d).map(CslValue::Date),
        Var::Names(_) | Var::Date(_) => None,
    }
}

fn name(n: &Name) -> Option<NameValue> {
    let part = |s: &str| sanitize::name_part(s);
    sanitize::name(if n.is_literal() {
        NameParts {
            literal: part(&n.literal),
            family: None,
            given: None,
            non_dropping_particle: None,
            dropping_particle: None,
            suffix: None,
            comma_suffix: None,
        }
    } else {
        NameParts {
            literal: None,
            family: part(&n.family),
            given: part(&n.given),
            non_dropping_particle: part(&n.non_dropping_particle),
            dropping_particle: part(&n.dropping_particle),
            suffix: part(&n.suffix),
            comma_suffix: None,
        }
    })
}

fn date(d: &Date) -> Option<DateValue> {
    // 0 is an unknown part; a day counts only with its month.
    let ymd = |p: &[i32; 3]| -> Ymd {
        let month = (p[1] != 0).then_some(i64::from(p[1]));
        let day = month.and((p[2] != 0).then_some(i64::from(p[2])));
        (i64::from(p[0]), month, day)
    };
    let start = match d.parts.first() {
        Some(p) => Some(ymd(p)),
        None => sanitize::parse_raw_date(&d.literal),
    };
    sanitize::date(
        start,
        d.parts.get(1).map(ymd),
        d.season.map(i64::from),
        false,
        Some(&d.literal),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reference of the golden fixtures becomes the item its CSL-JSON
    /// becomes through the sanitiser.
    #[test]
    fn references_become_the_items_their_csl_json_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().into_owned();
            if !name.ends_with(".ris") || name.ends_with(".out.ris") {
                continue;
            }
            let parsed = crate::parse_bytes(&std::fs::read(&path).unwrap());
            let keys = crate::keys::assign_keys(&parsed.references);
            for (r, key) in parsed.references.iter().zip(&keys) {
                let json = crate::csl_json::item_value(r, key);
                let map = json.as_object().unwrap();
                let id = sanitize::item_id(map).unwrap();
                assert_eq!(reference_id(r, key).as_deref(), Some(id.as_str()));
                let expected = sanitize::sanitize(map, id.clone(), |_| true);
                assert_eq!(from_reference(r, id, |_| true), expected, "{name}: {key}");
                count += 1;
            }
        }
        assert!(count > 50, "only {count} references");
    }
}
