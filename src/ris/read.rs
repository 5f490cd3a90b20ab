//! Stage two of reading RIS: records of tagged lines → [`Reference`]s, driven by the
//! tag table. Every input (tag, value) pair ends up in a variable, in
//! [`Reference::extra`] (kept verbatim), or is subsumed by an equal or fuller value
//! (a duplicated `PY`, a `DA` that only repeats the year) — never dropped unseen.

use crate::date::Date;
use crate::diag::{DiagKind, Diagnostic, Position};
use crate::model::{Extra, Reference};
use crate::name;
use crate::ris::lex::{RawField, RawRecord};
use crate::ris::table::{self, Kind};
use crate::text::{self, shorten};

/// Maps one raw record to a reference, adding diagnostics.
pub fn read_record(rec: &RawRecord<'_>, diags: &mut Vec<Diagnostic>) -> Reference {
    let raw_ty = rec.ty().map(|t| t.trim().to_ascii_uppercase());
    let (ris_type, lookup_ty, item_type) = match raw_ty {
        Some(t) => match table::csl_type(&t) {
            Some(c) => {
                let canonical = table::canonical_type(&t).to_string();
                (t, canonical, c)
            }
            None => {
                let msg = if t.is_empty() {
                    "record has an empty TY; read as a generic document (GEN), all its data kept"
                        .to_string()
                } else {
                    format!(
                        "unknown reference type '{t}'; read as a generic document (GEN), all its data kept"
                    )
                };
                diags.push(Diagnostic::new(
                    Position::at(rec.start, rec.line, 1),
                    DiagKind::UnknownType,
                    msg,
                ));
                // An unknown code is kept as written (not upper-cased: `Ca  - ` inside
                // it would turn into a tag separator when written and read again).
                let keep = if t.is_empty() {
                    "GEN"
                } else {
                    rec.ty().unwrap_or("").trim()
                };
                (keep.to_string(), "GEN".to_string(), "document")
            }
        },
        None => ("GEN".to_string(), "GEN".to_string(), "document"),
    };
    let mut r = Reference::new(item_type);
    r.ris_type = ris_type;
    r.line = rec.line;
    let ty = lookup_ty.as_str();
    let rows = table::TypeRows::of(ty);

    let mut sp: Option<&RawField> = None;
    let mut ep: Option<&RawField> = None;
    let mut dates: Vec<(&'static str, &RawField)> = Vec::new();
    // Sized once: most fields of a record are single-valued text.
    let mut containers: Vec<(&'static table::Row, &RawField)> =
        Vec::with_capacity(rec.fields.len());

    let skip = usize::from(rec.ty().is_some());
    // The fields from `i` on with the same tag as field `i`: room for a list the
    // first time it gets a value, not grown one tag at a time.
    let same_tag_from = |i: usize| {
        rec.fields[i..]
            .iter()
            .filter(|g| g.tag == rec.fields[i].tag)
            .count()
    };
    for (i, f) in rec.fields.iter().enumerate().skip(skip) {
        let raw = f.value.trim();
        let tag = f.tag.as_str();
        let row = rows.get(tag);
        // Continuation lines arrive joined by newlines: one item per line for keywords,
        // notes and links; wrapped text for everything else.
        let flat_value;
        let value = if raw.contains('\n')
            && !matches!(
                row.map(|r| r.kind),
                Some(Kind::Keyword | Kind::Joined | Kind::Url)
            ) {
            flat_value = raw.replace('\n', " ");
            flat_value.as_str()
        } else {
            raw
        };
        if value.is_empty() {
            continue;
        }
        let Some(row) = row else {
            let msg = unmapped_msg(tag, &r.ris_type);
            extra(&mut r, f, diags, DiagKind::UnknownTagKept, msg);
            continue;
        };
        match row.kind {
            // Single-valued text is resolved after the record, by table order (below).
            Kind::Text => containers.push((row, f)),
            // Alternative names for the same thing (JO beside T2, M1 beside IS) are
            // resolved after the record, by table order, not input order.
            Kind::Container => containers.push((row, f)),
            Kind::Joined => {
                let v = r.fields.entry(row.var).or_default();
                if !v.is_empty() {
                    v.push('\n');
                }
                v.push_str(value);
            }
            Kind::Name => {
                let names = r.names.entry(row.var).or_default();
                if names.is_empty() {
                    names.reserve(same_tag_from(i));
                }
                let before = names.len();
                name::parse_list_into(value, names);
                if names.len() == before {
                    if before == 0 {
                        r.names.remove(row.var);
                    }
                    extra(
                        &mut r,
                        f,
                        diags,
                        DiagKind::UnreadableKept,
                        format!("{tag}: no name could be read; value kept"),
                    );
                }
            }
            Kind::Date => dates.push((row.var, f)),
            Kind::PageStart | Kind::PageEnd => {
                let slot = if row.kind == Kind::PageStart {
                    &mut sp
                } else {
                    &mut ep
                };
                match slot {
                    None => *slot = Some(f),
                    // A second value is kept even when it repeats the first: dropping
                    // it would let a kept extra vanish on a RIS round trip (`SP 11-16`,
                    // `SP 11` is written back as `SP 11`, `EP 16`, `SP 11`).
                    Some(_) => extra(
                        &mut r,
                        f,
                        diags,
                        DiagKind::RepeatKept,
                        format!("second {tag}; the first is used, this one kept"),
                    ),
                }
            }
            Kind::Keyword => {
                if r.keywords.is_empty() {
                    r.keywords.reserve(same_tag_from(i));
                }
                for k in value
                    .split([';', '\n'])
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                {
                    if !r.keywords.iter().any(|e| e == k) {
                        r.keywords.push(k.to_string());
                    }
                }
            }
            Kind::Doi => match clean_doi(value) {
                Some(doi) => {
                    let rest = value[value.find(&doi).map_or(0, |i| i + doi.len())..].trim();
                    let rest = rest.trim_start_matches(['.', ',', ';']).trim();
                    if !rest.is_empty() {
                        diags.push(Diagnostic::new(
                            pos(f),
                            DiagKind::DoiTrailingText,
                            format!(
                                "{tag}: text after the DOI is not part of it: '{}'",
                                shorten(rest, 50)
                            ),
                        ));
                    }
                    set_text(&mut r, "DOI", &doi, f, diags)
                }
                None => extra(
                    &mut r,
                    f,
                    diags,
                    DiagKind::UnreadableKept,
                    format!("{tag}: '{}' is not a DOI; value kept", shorten(value, 50)),
                ),
            },
            Kind::Serial => {
                if !read_serial(&mut r, row.var, value) {
                    containers.push((row, f));
                }
            }
            Kind::Url => {
                for url in value.split('\n').map(str::trim).filter(|u| !u.is_empty()) {
                    if r.get("URL").is_none() {
                        r.fields.insert("URL", url.to_string());
                    } else if r.get("URL") != Some(url) {
                        r.extra.push(Extra {
                            tag: tag.to_string(),
                            value: url.to_string(),
                        });
                    }
                }
            }
            Kind::Id => {
                if r.id.is_none() {
                    r.id = Some(value.to_string());
                } else {
                    extra(
                        &mut r,
                        f,
                        diags,
                        DiagKind::RepeatKept,
                        "second ID; the first is used, this one kept".into(),
                    );
                }
            }
        }
    }

    // Each candidate sets at most one variable; pages and a DOI found in notes
    // may add two more.
    r.fields.reserve(containers.len() + 2);
    read_containers(&mut r, containers, diags);
    // When dates disagree, the 2011 tag wins over the old one: DA (full date) over
    // PY (year) over Y1 (deprecated), whatever their order in the record.
    dates.sort_by_key(|(_, f)| match f.tag.as_str() {
        "DA" => 0,
        "PY" => 1,
        _ => 2,
    });
    read_dates(&mut r, &dates, diags);
    read_pages(&mut r, ty, sp, ep);
    if r.get("DOI").is_none() {
        find_doi(&mut r, rows, rec);
    }
    read_labelled_notes(&mut r, ty, rec);
    // Only an abbreviated name (J2/JA) for a type that has a container: use it as the
    // container too, so that styles print a journal (Zotero does the same).
    if r.get("container-title").is_none()
        && rows
            .get("T2")
            .is_some_and(|row| row.var == "container-title")
    {
        if let Some(short) = r.get("container-title-short").map(str::to_string) {
            r.fields.insert("container-title", short);
        }
    }
    r
}

fn unmapped_msg(tag: &str, ty: &str) -> String {
    format!(
        "{tag} has no CSL variable for type {ty}; kept (RIS output, CSL-JSON custom, BibTeX field)"
    )
}

/// Where a field is.
fn pos(f: &RawField<'_>) -> Position {
    Position::at(f.span.start, f.line, f.column)
}

/// Keeps a value that has no place in the model as an extra, and says so.
fn extra(
    r: &mut Reference,
    f: &RawField<'_>,
    diags: &mut Vec<Diagnostic>,
    kind: DiagKind,
    msg: String,
) {
    diags.push(Diagnostic::new(pos(f), kind, msg));
    r.extra.push(Extra {
        tag: f.tag.to_string(),
        value: f.value.trim().replace('\n', " "),
    });
}

/// Single-valued variables, placed in table order so that a record reads the same
/// whatever the order of its tags (and the same again after the writer, which uses
/// the first row of the table for each variable).
///
/// Journal and series names arrive under several tags (`T2`, `JF`, `JO`, `BT`, `J2`,
/// `JA`) whose use differs between exporters: AIP and Zotero put the abbreviation in
/// `JO`, RIS 2011 the full name. The row earliest in the table wins an empty variable;
/// a different, shorter second name becomes the abbreviation when none was given; any
/// other value is kept as an extra.
fn read_containers(
    r: &mut Reference,
    mut cands: Vec<(&'static table::Row, &RawField<'_>)>,
    diags: &mut Vec<Diagnostic>,
) {
    // Canonical tags before old-spec aliases, then table order: the same preference
    // the writer has (`table::tag_for`).
    let rank = |row: &table::Row| (!row.write, table::position(row));
    cands.sort_by_key(|(row, _)| rank(row));
    // First every value claims its own variable, then the leftovers are placed, so
    // that the result does not depend on which tags happen to come first.
    let mut leftovers = Vec::new();
    for (row, f) in cands {
        // Runs of blanks and line breaks inside a value are layout (wrapping, aligned
        // exports), not content: one space each.
        let value = text::collapse_ws(&f.value);
        match r.fields.get(row.var) {
            None => {
                r.fields.insert(row.var, value.into_owned());
            }
            Some(old) if *old == *value => {}
            Some(_) => leftovers.push((row, f, value)),
        }
    }
    for (row, f, value) in leftovers {
        if row.kind != Kind::Container {
            let msg = format!(
                "{} repeats {} with a different value; the first is used, this one kept",
                f.tag, row.var
            );
            extra(r, f, diags, DiagKind::ConflictKept, msg);
            continue;
        }
        let shorter = r
            .get(row.var)
            .is_some_and(|old| value.chars().count() < old.chars().count());
        if r.get("container-title-short") == Some(&*value) {
            continue;
        }
        if row.var == "container-title" && shorter && r.get("container-title-short").is_none() {
            r.fields.insert("container-title-short", value.into_owned());
        } else {
            let msg = format!("{} differs from the {} already read; kept", f.tag, row.var);
            extra(r, f, diags, DiagKind::AlternativeKept, msg);
        }
    }
}

fn set_text(
    r: &mut Reference,
    var: &'static str,
    value: &str,
    f: &RawField<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    match r.fields.get(var) {
        None => {
            r.fields.insert(var, value.to_string());
        }
        Some(old) if old == value => {}
        Some(_) => extra(
            r,
            f,
            diags,
            DiagKind::ConflictKept,
            format!(
                "{} repeats {var} with a different value; the first is used, this one kept",
                f.tag
            ),
        ),
    }
}

/// `SN` may hold several ISSNs/ISBNs (`1476-5500 (Electronic) 0929-1903 (Linking)`).
/// Each one found by pattern goes to ISSN or ISBN with the qualifier that follows it;
/// a value with neither goes to the type's default variable (report number, patent
/// number …).
/// Returns false when the value is for the default variable (placed by the caller).
fn read_serial(r: &mut Reference, default_var: &'static str, value: &str) -> bool {
    // (variable, identifier with its qualifier)
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for tok in value.split(|c: char| c.is_whitespace() || c == ';' || c == ',') {
        if tok.is_empty() {
            continue;
        }
        let t = tok.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let digits = t
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
            .count();
        let only = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == 'X' || c == 'x');
        let var = match (only, digits) {
            (true, 8) if t.len() <= 9 => Some("ISSN"),
            (true, 10 | 13) => Some("ISBN"),
            _ => None,
        };
        match (var, found.last_mut()) {
            (Some(v), _) => found.push((v, t.to_string())),
            // Qualifiers such as `(Electronic)` or `pbk.` stay with their identifier;
            // labels such as `ISSN:` before the first one are dropped.
            (None, Some((_, last))) => {
                last.push(' ');
                last.push_str(tok);
            }
            (None, None) => {
                let label = tok
                    .trim_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_ascii_uppercase();
                if !matches!(
                    label.as_str(),
                    "ISSN" | "ISBN" | "EISSN" | "PISSN" | "E-ISSN" | "P-ISSN"
                ) {
                    found.push(("", tok.to_string()));
                }
            }
        }
    }
    let is_id_var = default_var == "ISSN" || default_var == "ISBN";
    if !is_id_var || found.is_empty() || found.iter().any(|(v, _)| v.is_empty()) {
        return false;
    }
    for (var, v) in found {
        let v = v.trim_end_matches([',', ';']);
        let e = r.fields.entry(var).or_default();
        if e.split(", ").any(|x| x == v) {
            continue;
        }
        if !e.is_empty() {
            e.push_str(", ");
        }
        e.push_str(v);
    }
    true
}

/// ProCite (and some library catalogues) export fields that have no RIS tag as notes
/// `N1  - Label: value`. Known labels fill their variable when it is still empty;
/// the note itself is kept.
const NOTE_LABELS: &[(&str, &str)] = &[
    ("Language", "language"),
    ("Place of Publication", "publisher-place"),
    ("Publisher Name", "publisher"),
    ("Proceedings Title", "container-title"),
    ("ISBN", "ISBN"),
    ("ISSN", "ISSN"),
    ("Series Title", "collection-title"),
    ("Series Volume ID", "collection-number"),
    ("Issue ID", "issue"),
    ("Volume ID", "volume"),
    ("Edition", "edition"),
    ("Author, Monographic", "editor"),
];

fn read_labelled_notes(r: &mut Reference, ty: &str, rec: &RawRecord<'_>) {
    // Line by line: ProCite writes one label per N1, and the RIS writer writes each
    // line of a note as its own N1, so a label on a continuation line counts too.
    let lines = rec
        .fields
        .iter()
        .filter(|f| f.tag.0 == *b"N1")
        .flat_map(|f| f.value.split('\n'));
    for line in lines {
        let Some((label, value)) = line.split_once(": ") else {
            continue;
        };
        let value = value.trim();
        let Some((_, var)) = NOTE_LABELS.iter().find(|(l, _)| *l == label.trim()) else {
            continue;
        };
        // Only variables this type can hold under a tag, so that RIS output keeps them.
        if table::tag_for(ty, var).is_none() {
            continue;
        }
        if value.is_empty() {
            continue;
        }
        if *var == "editor" {
            if r.names(var).is_empty() {
                r.names.insert(var, name::parse_list(value));
            }
        } else if r.get(var).is_none() {
            // As if read from its own tag (`read_containers` collapses blanks).
            r.fields.insert(var, text::collapse_ws(value).into_owned());
        }
    }
}

/// Strips `https://doi.org/`, `doi:`, `DOI ` and the like; `None` when no `10.` prefix.
pub fn clean_doi(value: &str) -> Option<String> {
    let v = value.trim();
    let start = v.find("10.")?;
    // A DOI has no blanks; trailing sentence punctuation is not part of it.
    let doi = v[start..].split_whitespace().next()?;
    let doi = doi.trim_end_matches(['.', ',', ';']);
    if doi.len() < 7 || !doi.contains('/') {
        return None;
    }
    Some(doi.to_string())
}

/// `DO` absent: a DOI in `M3`, `N1`, `L3` or a URL tag (some exporters put it there).
fn find_doi(r: &mut Reference, rows: table::TypeRows<'_>, rec: &RawRecord<'_>) {
    for f in &rec.fields {
        let tag = f.tag.as_str();
        if !(matches!(tag, "M3" | "N1" | "L3" | "DI")
            || rows.get(tag).map(|r| r.kind) == Some(Kind::Url))
        {
            continue;
        }
        // Line by line: the RIS writer writes each line of a note or a link list as
        // its own tag, and the same DOI must be found when that is read again.
        for v in f.value.split('\n') {
            let Some(i) = v.find("10.") else { continue };
            let prefix_ok = i == 0
                || v[..i].ends_with("doi.org/")
                || v[..i].to_ascii_lowercase().ends_with("doi:")
                || v[..i].to_ascii_lowercase().ends_with("doi: ")
                || v[..i].ends_with(' ');
            if !prefix_ok {
                continue;
            }
            let cand = &v[i..];
            let end = cand
                .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
                .unwrap_or(cand.len());
            if let Some(doi) = clean_doi(&cand[..end]) {
                let reg = doi.split('/').next().unwrap_or("");
                if reg.len() >= 7 && reg[3..].bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    r.fields.insert("DOI", doi);
                    return;
                }
            }
        }
    }
}

fn read_dates(
    r: &mut Reference,
    dates: &[(&'static str, &RawField<'_>)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut unreadable: Vec<(&'static str, &RawField<'_>)> = Vec::new();
    for &(var, f) in dates {
        // Wrapped dates are one line, as the RIS writer writes them back.
        let value = &text::collapse_ws(&f.value);
        match Date::parse(value) {
            Some(d) => match r.dates.get(var) {
                None => {
                    r.dates.insert(var, d);
                }
                Some(old) if old.consistent_with(&d) => {
                    // Keep the fuller of two consistent dates; the other adds nothing.
                    if d.precision() > old.precision()
                        || (d.precision() == old.precision() && old.other.is_empty() && !d.other.is_empty())
                        || (old.season.is_none() && d.season.is_some())
                    {
                        let mut d = d;
                        if d.season.is_none() && d.precision() == 1 {
                            d.season = old.season;
                        }
                        r.dates.insert(var, d);
                    }
                }
                Some(_) => extra(
                    r,
                    f,
                    diags,
                    DiagKind::ConflictKept,
                    format!(
                        "{} '{}' disagrees with the {var} date already read; that one is used, this one kept",
                        f.tag,
                        shorten(value, 50)
                    ),
                ),
            },
            None => unreadable.push((var, f)),
        }
    }
    for (var, f) in unreadable {
        let value = &text::collapse_ws(&f.value);
        if r.dates.contains_key(var) {
            extra(
                r,
                f,
                diags,
                DiagKind::UnreadableKept,
                format!("{} '{}' is not a date; kept", f.tag, shorten(value, 50)),
            );
        } else {
            diags.push(Diagnostic::new(
                pos(f),
                DiagKind::DateKeptAsWritten,
                format!(
                    "{} '{}' is not a date citris can read; kept as written",
                    f.tag,
                    shorten(value, 50)
                ),
            ));
            r.dates.insert(
                var,
                Date {
                    literal: value.to_string(),
                    ..Default::default()
                },
            );
        }
    }
}

/// `1 - 14` → `1-14` (collapsed pastes and some exporters space the hyphen).
fn tidy_range(s: &str) -> std::borrow::Cow<'_, str> {
    match s.split_once(" - ") {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() && !b.contains(" - ") => {
            std::borrow::Cow::Owned(format!("{}-{}", a.trim(), b.trim()))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

fn read_pages(r: &mut Reference, ty: &str, sp: Option<&RawField<'_>>, ep: Option<&RawField<'_>>) {
    // Wrapped page values are one line, as everywhere else.
    let sp = sp
        .map(|f| tidy_range(&text::collapse_ws(&f.value)).into_owned())
        .filter(|s| !s.is_empty());
    let ep = ep
        .map(|f| tidy_range(&text::collapse_ws(&f.value)).into_owned())
        .filter(|s| !s.is_empty());
    let (sp, ep) = (sp.as_deref(), ep.as_deref());
    let sp_var = table::lookup(ty, "SP").map(|r| r.var).unwrap_or("page");
    match (sp, ep) {
        (Some(s), Some(e)) if s == e => {
            r.fields.insert("page", s.to_string());
        }
        (Some(s), Some(e)) => {
            // `SP` may already hold the range (`3573-3587`); then `EP` only repeats its end.
            let s_end = s.rsplit(['-', '\u{2013}']).next().unwrap_or(s).trim();
            if s.contains(['-', '\u{2013}']) && s_end == e {
                r.fields.insert("page", s.to_string());
            } else {
                r.fields.insert("page", format!("{s}-{e}"));
            }
        }
        (Some(s), None) => {
            let var = if sp_var == "number-of-pages" && s.contains(['-', '\u{2013}']) {
                "page"
            } else {
                sp_var
            };
            r.fields.insert(var, s.to_string());
        }
        (None, Some(e)) => {
            r.fields.insert("page", e.to_string());
        }
        (None, None) => {}
    }
}
