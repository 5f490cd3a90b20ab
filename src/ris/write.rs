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
        ty
    } else {
        "GEN"
    };
    line(out, "TY", ty)?;
    if let Some(id) = &r.id {
        line(out, "ID", id)?;
    }
    let mut done_vars: Vec<&str> = Vec::new();
    for row in TABLE {
        if !row.write || done_vars.contains(&row.var) {
            continue;
        }
        let Some(w) = table::tag_for(lookup_ty, row.var) else {
            continue;
        };
        if !std::ptr::eq(w, row) {
            continue;
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
                        write_issued(d, out)?;
                    } else {
                        line(out, row.tag, &d.to_ris())?;
                    }
                }
            }
            Kind::PageStart | Kind::PageEnd => {
                if row.var == "page" {
                    if let Some(p) = r.get("page") {
                        write_pages(p, out)?;
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

/// `PY` with the year, plus `DA` when the date says more than the year (RIS 2011).
fn write_issued(d: &crate::date::Date, out: &mut impl Write) -> fmt::Result {
    match d.year() {
        Some(y)
            if d.parts.len() == 1
                && d.precision() == 1
                && d.season.is_none()
                && d.other.is_empty() =>
        {
            line(out, "PY", &format!("{y:04}"))
        }
        Some(y) if d.parts.len() == 1 => {
            line(out, "PY", &format!("{y:04}"))?;
            line(out, "DA", &d.to_ris())
        }
        _ => {
            // Ranges and literals: RIS has no range syntax; keep the words.
            line(out, "PY", &d.to_ris_words())
        }
    }
}

/// `1-14` → `SP 1`, `EP 14`; anything else (`e1001`, `1–14`, `3, 5-7`) whole in `SP`.
fn write_pages(p: &str, out: &mut impl Write) -> fmt::Result {
    let mut it = p.split('-');
    if let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) {
        if !a.trim().is_empty() && !b.trim().is_empty() && a.trim() != b.trim() {
            line(out, "SP", a.trim())?;
            return line(out, "EP", b.trim());
        }
    }
    line(out, "SP", p)
}
