//! Reference → RIS, by the tag table in reverse: each variable is written under the
//! tag the reader maps back to the same variable for this type, so that
//! parse → write → parse gives the same references.

use crate::model::Reference;
use crate::ris::table::{self, Kind, TABLE};
use std::fmt::{self, Write};

fn line(out: &mut impl Write, tag: &str, value: &str) -> fmt::Result {
    // RIS has no escape for line breaks: a value never spans lines here, so no line of
    // a value can pose as a tag.
    out.write_str(tag)?;
    out.write_str("  - ")?;
    let mut first = true;
    for part in value.split(['\n', '\r']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !first {
            out.write_char(' ')?;
        }
        out.write_str(part)?;
        first = false;
    }
    out.write_char('\n')
}

/// Writes one record: `TY` first, mapped variables in table order, kept extras, `ER`.
pub fn write_record(r: &Reference, out: &mut impl Write) -> fmt::Result {
    let ty = if r.ris_type.is_empty() {
        table::ris_type_for(r.item_type)
    } else {
        r.ris_type.as_str()
    };
    let lookup_ty = if table::csl_type(ty).is_some() {
        table::canonical_type(ty)
    } else {
        "GEN"
    };
    line(out, "TY", ty)?;
    if let Some(id) = &r.id {
        line(out, "ID", id)?;
    }
    let mut done_vars: Vec<&str> = Vec::new();
    for row in TABLE {
        if done_vars.contains(&row.var) {
            continue;
        }
        // The row the writer uses for this variable and type (see `tag_for`).
        match table::tag_for(lookup_ty, row.var) {
            Some(w) if std::ptr::eq(w, row) => {}
            _ => continue,
        }
        done_vars.push(row.var);
        match row.kind {
            Kind::Name => {
                for n in r.names(row.var) {
                    line(out, row.tag, &n.to_ris())?;
                }
            }
            Kind::Date => {
                if let Some(d) = r.dates.get(row.var) {
                    if row.var == "issued" {
                        let extra_da = r.extra.iter().any(|e| e.tag == "DA");
                        write_issued(d, lookup_ty, extra_da, out)?;
                    } else if d.parts.len() == 1 {
                        line(out, row.tag, &d.to_ris())?;
                    } else {
                        line(out, row.tag, &d.to_ris_words())?;
                    }
                }
            }
            Kind::PageStart | Kind::PageEnd => {
                if row.var == "page" {
                    if let Some(p) = r.get("page") {
                        let extra = r.extra.iter().any(|e| e.tag == "SP" || e.tag == "EP");
                        write_pages(p, lookup_ty, extra, out)?;
                    }
                } else if let Some(v) = r.get(row.var) {
                    line(out, row.tag, v)?;
                }
            }
            Kind::Keyword => {
                for k in &r.keywords {
                    line(out, row.tag, k)?;
                }
            }
            Kind::Joined => {
                if let Some(v) = r.get(row.var) {
                    for part in v.split('\n').filter(|p| !p.trim().is_empty()) {
                        line(out, row.tag, part)?;
                    }
                }
            }
            Kind::Serial => {
                // ISSN and ISBN both go to SN; the reader tells them apart by pattern.
                let vars: &[&str] = if matches!(row.var, "ISSN" | "ISBN") {
                    &["ISSN", "ISBN"]
                } else {
                    std::slice::from_ref(&row.var)
                };
                for var in vars {
                    if let Some(v) = r.get(var) {
                        line(out, row.tag, v)?;
                    }
                    done_vars.push(var);
                }
            }
            Kind::Id => {}
            _ => {
                if let Some(v) = r.get(row.var) {
                    line(out, row.tag, v)?;
                }
            }
        }
    }
    for e in &r.extra {
        line(out, &e.tag, &e.value)?;
    }
    out.write_str("ER  - \n")
}

/// `PY` with the year, plus `DA` with the full date where `DA` means the publication
/// date for this type (RIS 2011). Where `DA` means something else (EJOUR: Date
/// Accessed), the full date goes into `PY`, which the reader accepts in any shape.
/// Ranges and unreadable dates are written as words under the same tag, so that
/// `DA`'s priority over `PY` on reading cannot swap them with a kept extra; for
/// the same reason a bare year goes into `DA` (`2009///`) when a disagreeing `DA`
/// was kept as an extra (the first of two `DA`s wins).
fn write_issued(
    d: &crate::date::Date,
    ty: &str,
    extra_da: bool,
    out: &mut impl Write,
) -> fmt::Result {
    let da_is_issued = table::lookup(ty, "DA").is_some_and(|row| row.var == "issued");
    let full_tag = if da_is_issued { "DA" } else { "PY" };
    match d.year() {
        Some(_) if da_is_issued && extra_da && d.parts.len() == 1 => line(out, "DA", &d.to_ris()),
        Some(y)
            if d.parts.len() == 1
                && d.precision() == 1
                && d.season.is_none()
                && d.other.is_empty() =>
        {
            line(out, "PY", &format!("{y:04}"))
        }
        Some(y) if d.parts.len() == 1 => {
            if da_is_issued {
                line(out, "PY", &format!("{y:04}"))?;
            }
            line(out, full_tag, &d.to_ris())
        }
        _ => line(out, full_tag, &d.to_ris_words()),
    }
}

/// `1-14` → `SP 1`, `EP 14`; anything else (`e1001`, `1–14`, `1 -14`) as it is. A single
/// page goes into `EP` where `SP` means the number of pages (books, theses).
///
/// With a kept second `SP` or `EP` among the extras (written after), anything but an
/// exact range goes into both `SP` and `EP` (equal start and end read as one value),
/// so that an extra cannot pair up with it when read again.
fn write_pages(p: &str, ty: &str, extra: bool, out: &mut impl Write) -> fmt::Result {
    if let Some((a, b)) = p.split_once('-') {
        let exact = !a.is_empty() && !b.is_empty() && !b.contains('-') && a != b;
        if exact && a.trim() == a && b.trim() == b {
            line(out, "SP", a)?;
            return line(out, "EP", b);
        }
    }
    if extra {
        line(out, "SP", p)?;
        return line(out, "EP", p);
    }
    let sp_is_page = table::lookup(ty, "SP").is_some_and(|row| row.var == "page");
    if sp_is_page || p.contains('-') {
        line(out, "SP", p)
    } else {
        line(out, "EP", p)
    }
}
