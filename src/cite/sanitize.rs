//! CSL-JSON from outside (a page's or a test's items) made into hayagriva
//! items it cannot choke on: hayagriva panics on date ranges and on
//! out-of-range date parts, and rejects a whole item when one field has an
//! unexpected JSON type. The pieces that clean text, names and dates are
//! shared with the adapter of citris's own references ([`super::item`]), so
//! both give hayagriva the same item.

use std::collections::BTreeMap;

use hayagriva::citationberg::json::{
    DateValue, Item, LiteralName, NameItem, NameValue, Value as CslValue, VecDate, VecDateRange,
};
use serde_json::{Map, Value};

/// CSL 1.0.2 name variables.
pub(super) const NAME_VARIABLES: &[&str] = &[
    "author",
    "chair",
    "collection-editor",
    "compiler",
    "composer",
    "container-author",
    "contributor",
    "curator",
    "director",
    "editor",
    "editor-translator",
    "editorial-director",
    "executive-producer",
    "guest",
    "host",
    "illustrator",
    "interviewer",
    "narrator",
    "organizer",
    "original-author",
    "performer",
    "producer",
    "recipient",
    "reviewed-author",
    "script-writer",
    "series-creator",
    "translator",
];

/// CSL 1.0.2 date variables.
pub(super) const DATE_VARIABLES: &[&str] = &[
    "accessed",
    "available-date",
    "event-date",
    "issued",
    "original-date",
    "submitted",
];

/// Variables printed exactly as given (identifiers, links, codes).
const VERBATIM_VARIABLES: &[&str] = &[
    "URL",
    "DOI",
    "ISBN",
    "ISSN",
    "PMID",
    "PMCID",
    "type",
    "language",
    "citation-key",
    "id",
];

/// citeproc-js prints a straight apostrophe after a letter or digit as a
/// typographic one (`County's` → `County’s`); hayagriva prints it as given.
/// (Outside the fork: it is a rule of the input, not of CSL rendering.)
fn typographic_apostrophes(s: &str) -> String {
    if !s.contains('\'') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c == '\'' && prev.is_some_and(char::is_alphanumeric) {
            out.push('\u{2019}');
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// The `id` of a CSL-JSON item, a string or a number.
pub(super) fn item_id(map: &Map<String, Value>) -> Option<String> {
    match map.get("id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One CSL-JSON item as the hayagriva item it reads without failing or
/// panicking, with the id `id`:
///
/// * names: objects with string parts (a bare string becomes a literal name);
/// * dates: date parts with a valid month and day, and the end of a range as
///   a second date if it is valid and differs (rendered by the patched
///   hayagriva, patch 16); `raw` dates and numeric `literal` dates are parsed
///   (their first date), months 13–16 become seasons;
/// * other variables: strings and integers; other numbers become strings;
///   `null`, booleans, arrays and objects are dropped;
/// * citeproc-js's rich-text tags in strings (`<i>`, `<b>`, `<sc>`, `<sup>`,
///   `<sub>`, `<span class="nocase">`) are removed: hayagriva would print them
///   as literal text;
/// * only the variables `keep` accepts are kept (named as in the output:
///   `journalAbbreviation` is `container-title-short`).
pub(super) fn sanitize(map: &Map<String, Value>, id: String, keep: impl Fn(&str) -> bool) -> Item {
    let mut out = BTreeMap::new();
    for (key, value) in map {
        if key == "id" {
            continue;
        }
        // Zotero's older name for `container-title-short`.
        if key == "journalAbbreviation" {
            if keep("container-title-short") && !map.contains_key("container-title-short") {
                if let Some(v) = scalar(value, false) {
                    out.insert("container-title-short".into(), v);
                }
            }
            continue;
        }
        if !keep(key) {
            continue;
        }
        if let Some(v) = variable(key, value) {
            out.insert(key.clone(), v);
        }
    }
    out.insert("id".into(), CslValue::String(id));
    Item(out)
}

/// One variable of a CSL-JSON item, cleaned by its kind (name, date or other).
pub(super) fn variable(key: &str, value: &Value) -> Option<CslValue> {
    if NAME_VARIABLES.contains(&key) {
        sanitize_names(value).map(CslValue::Names)
    } else if DATE_VARIABLES.contains(&key) {
        sanitize_date(value).map(CslValue::Date)
    } else {
        scalar(value, !VERBATIM_VARIABLES.contains(&key))
    }
}

/// A string or number; strings with typographic apostrophes if `typographic`.
fn scalar(value: &Value, typographic: bool) -> Option<CslValue> {
    match value {
        Value::String(s) => text(s, typographic).map(CslValue::String),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => CslValue::Number(i),
            None => CslValue::String(n.to_string()),
        }),
        _ => None,
    }
}

/// The text of a variable that is neither names nor a date; `None` if blank.
pub(super) fn text(s: &str, typographic: bool) -> Option<String> {
    let s = strip_rich_text(s);
    if s.trim().is_empty() {
        return None;
    }
    Some(if typographic {
        typographic_apostrophes(&s)
    } else {
        s
    })
}

/// The text of a variable as hayagriva gets it (see [`text`]).
pub(super) fn field_text(key: &str, s: &str) -> Option<String> {
    text(s, !VERBATIM_VARIABLES.contains(&key))
}

fn strip_rich_text(s: &str) -> String {
    if !s.contains('<') {
        return s.to_string();
    }
    const TAGS: &[&str] = &[
        "<i>",
        "</i>",
        "<b>",
        "</b>",
        "<sc>",
        "</sc>",
        "<sup>",
        "</sup>",
        "<sub>",
        "</sub>",
        "<span class=\"nocase\">",
        "<span style=\"font-variant:small-caps;\">",
        "<span style=\"font-variant: small-caps;\">",
        "</span>",
    ];
    let mut out = s.to_string();
    for tag in TAGS {
        out = out.replace(tag, "");
    }
    out
}

fn sanitize_names(value: &Value) -> Option<Vec<NameValue>> {
    let list: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![value],
        Value::String(_) => vec![value],
        _ => return None,
    };
    let names: Vec<NameValue> = list.into_iter().filter_map(sanitize_name).collect();
    (!names.is_empty()).then_some(names)
}

fn sanitize_name(value: &Value) -> Option<NameValue> {
    let part = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => name_part(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(NameValue::Literal(LiteralName {
            literal: typographic_apostrophes(s.trim()),
        })),
        Value::Object(o) => {
            let comma_suffix = match o.get("comma-suffix") {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::String(s)) if s == "true" => Some(true),
                Some(Value::Number(n)) if n.as_u64() == Some(1) => Some(true),
                _ => None,
            };
            name(NameParts {
                literal: part(o.get("literal")),
                family: part(o.get("family")),
                given: part(o.get("given")),
                non_dropping_particle: part(o.get("non-dropping-particle")),
                dropping_particle: part(o.get("dropping-particle")),
                suffix: part(o.get("suffix")),
                comma_suffix,
            })
        }
        _ => None,
    }
}

/// One part of a name, cleaned as text is; `None` if blank.
pub(super) fn name_part(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(typographic_apostrophes(&strip_rich_text(s)))
}

/// The parts of a name, each cleaned with [`name_part`].
pub(super) struct NameParts {
    pub(super) literal: Option<String>,
    pub(super) family: Option<String>,
    pub(super) given: Option<String>,
    pub(super) non_dropping_particle: Option<String>,
    pub(super) dropping_particle: Option<String>,
    pub(super) suffix: Option<String>,
    pub(super) comma_suffix: Option<bool>,
}

/// A name as hayagriva reads it: a literal one, or one with a family name.
pub(super) fn name(p: NameParts) -> Option<NameValue> {
    if let Some(literal) = p.literal {
        return Some(NameValue::Literal(LiteralName { literal }));
    }
    // A name with only a given name ("Plato" in some exports): hayagriva
    // needs a family name.
    let (family, given) = match (p.family, p.given) {
        (Some(f), g) => (f, g),
        (None, Some(g)) => (g, None),
        (None, None) => return None,
    };
    Some(NameValue::Item(NameItem {
        family,
        given,
        non_dropping_particle: p.non_dropping_particle,
        dropping_particle: p.dropping_particle,
        suffix: p.suffix,
        comma_suffix: p.comma_suffix,
    }))
}

/// One date as (year, month, day), validated.
pub(super) type Ymd = (i64, Option<i64>, Option<i64>);

fn sanitize_date(value: &Value) -> Option<DateValue> {
    let (parts, season, circa) = match value {
        Value::Object(o) => {
            let mut parts = o.get("date-parts").and_then(first_date_part);
            if parts.is_none() {
                parts = o
                    .get("raw")
                    .and_then(Value::as_str)
                    .and_then(parse_raw_date);
            }
            if parts.is_none() {
                parts = o
                    .get("literal")
                    .and_then(Value::as_str)
                    .and_then(parse_raw_date);
            }
            let season = match o.get("season") {
                Some(Value::Number(n)) => n.as_i64(),
                // CSL-JSON writers also give the season's name (citation.js:
                // `"season": "Summer"`).
                Some(Value::String(s)) => s
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .or_else(|| crate::date::season_of(s).map(i64::from)),
                _ => None,
            };
            let circa = match o.get("circa") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true" || s == "1",
                Some(Value::Number(n)) => n.as_i64() == Some(1),
                _ => false,
            };
            (parts, season, circa)
        }
        Value::String(s) => (parse_raw_date(s), None, false),
        Value::Number(n) => (n.as_i64().map(|y| (y, None, None)), None, false),
        Value::Array(_) => (first_date_part(value), None, false),
        _ => (None, None, false),
    };
    let (end, literal) = match value {
        Value::Object(o) => (
            o.get("date-parts").and_then(second_date_part),
            o.get("literal").and_then(Value::as_str),
        ),
        _ => (None, None),
    };
    date(parts, end, season, circa, literal)
}

/// A date as hayagriva reads it: `start` (to `end`, for a range) if valid,
/// else the `literal` text, else none.
pub(super) fn date(
    start: Option<Ymd>,
    end: Option<Ymd>,
    season: Option<i64>,
    circa: bool,
    literal: Option<&str>,
) -> Option<DateValue> {
    let Some((start, season_in_month)) = start.and_then(date_parts) else {
        // A date given only as text ("in press", "forthcoming"): printed as
        // written (hayagriva patch 26), as citeproc-js prints CSL-JSON's
        // `literal`, instead of "n.d.".
        let literal = literal.map(str::trim).filter(|l| !l.is_empty())?;
        return Some(DateValue::DateParts {
            date_parts: VecDateRange(Vec::new()),
            literal: Some(literal.to_string()),
            season: None,
            circa: false,
        });
    };
    // A season is kept: where the style asks for the year only it is not
    // printed (hayagriva patch 22), where it prints months it is ("Summer
    // 2013"), as citeproc-js does.
    let season = season.filter(|s| (1..=4).contains(s)).or(season_in_month);
    // The end of a range (`[[2019, 12], [2020, 1]]`), if it is a valid date
    // other than the start: hayagriva renders ranges (patch 16).
    let end = end
        .and_then(date_parts)
        .map(|(end, _)| end)
        .filter(|end| *end != start);
    Some(DateValue::DateParts {
        date_parts: VecDateRange(std::iter::once(start).chain(end).collect()),
        literal: None,
        season: season.map(|s| s.to_string()),
        circa,
    })
}

/// A valid date as hayagriva's date parts, and a season given as a month
/// (13–16, 21–24).
fn date_parts((year, month, day): Ymd) -> Option<(VecDate, Option<i64>)> {
    if !(-9999..=9999).contains(&year) || year == 0 {
        return None;
    }
    // CSL-JSON counts years before the common era as negative numbers
    // (-430 is 430 BC), hayagriva astronomically (-430 is 431 BC).
    let year = if year < 0 { year + 1 } else { year };
    let mut season = None;
    // In range: the year is checked above, months and days here.
    let mut date = vec![year as i16];
    match month {
        Some(m @ 1..=12) => {
            date.push(m as i16);
            if let Some(d @ 1..=31) = day {
                date.push(d as i16);
            }
        }
        Some(m @ 13..=16) => season = Some(m - 12),
        Some(m @ 21..=24) => season = Some(m - 20),
        _ => {}
    }
    Some((VecDate(date), season))
}

/// The second date of a `date-parts` array: the end of a range.
fn second_date_part(value: &Value) -> Option<Ymd> {
    let second = value.as_array()?.get(1)?;
    if !second.is_array() {
        return None;
    }
    first_date_part(&Value::Array(vec![second.clone()]))
}

/// The first date of a `date-parts` array (`[[2021, 6, 22], [2021, 7]]`).
fn first_date_part(value: &Value) -> Option<Ymd> {
    let outer = value.as_array()?;
    let first = match outer.first()? {
        Value::Array(a) => a.clone(),
        // `"date-parts": [2021, 6]`, a common mistake.
        _ => outer.clone(),
    };
    let num = |v: Option<&Value>| -> Option<i64> {
        match v? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        }
    };
    let year = num(first.first())?;
    let month = num(first.get(1));
    let day = month.and(num(first.get(2)));
    Some((year, month, day))
}

/// `2021`, `2021-06`, `2021-06-22`, `2021/2022` (first date kept), `2021-06-22T10:00:00Z`.
pub(super) fn parse_raw_date(s: &str) -> Option<Ymd> {
    let s = s.trim();
    let s = s.split('/').next()?.trim();
    let s = s.split('T').next()?.trim();
    let mut parts = s.split('-');
    let year_str = parts.next()?.trim();
    if year_str.is_empty() || year_str.len() > 4 || !year_str.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = year_str.parse::<i64>().ok()?;
    let month = parts.next().and_then(|m| m.trim().parse::<i64>().ok());
    let day = month.and(parts.next().and_then(|d| d.trim().parse::<i64>().ok()));
    Some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_dates() {
        assert_eq!(
            parse_raw_date("2021-06-22"),
            Some((2021, Some(6), Some(22)))
        );
        assert_eq!(parse_raw_date("2021/2022"), Some((2021, None, None)));
        assert_eq!(parse_raw_date("n.d."), None);
    }
}
