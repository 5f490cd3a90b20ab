//! Reference → CSL-JSON (the CSL 1.0.2 input schema, `csl-data.json`).
//!
//! Written straight to the output (no intermediate JSON tree), in a fixed order:
//! `id`, `type`, then variables sorted by name, so output is deterministic.
//! Values kept verbatim from the input go under `custom.ris` (tag → values).

use crate::date::Date;
use crate::keys::{assign_keys_with, KeyStyle};
use crate::model::Reference;
use crate::name::Name;
use std::fmt::{self, Write};

/// One item as a `serde_json::Value` (for the formatter and the JS API).
pub fn item_value(r: &Reference, key: &str) -> serde_json::Value {
    let mut s = String::new();
    // Writing to a String cannot fail, and our JSON is always valid.
    let _ = write_item(r, key, &mut s);
    serde_json::from_str(&s).unwrap_or(serde_json::Value::Null)
}

/// All items as values, with keys from [`crate::keys::assign_keys`].
pub fn items(refs: &[Reference]) -> Vec<serde_json::Value> {
    items_with(refs, KeyStyle::default())
}

/// [`items`] with a key form.
pub fn items_with(refs: &[Reference], style: KeyStyle) -> Vec<serde_json::Value> {
    let keys = assign_keys_with(refs, style);
    let pairs: Vec<(&Reference, &String)> = refs.iter().zip(&keys).collect();
    // On every core natively (`crate::par`); in order either way.
    crate::par::map_parts(&pairs, |_, part| {
        part.iter()
            .map(|(r, k)| item_value(r, k))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

struct Obj<'a, W: Write> {
    out: &'a mut W,
    first: bool,
}

impl<W: Write> Obj<'_, W> {
    fn key(&mut self, k: &str) -> fmt::Result {
        if !self.first {
            self.out.write_str(", ")?;
        }
        self.first = false;
        string(k, self.out)?;
        self.out.write_str(": ")
    }
    fn str(&mut self, k: &str, v: &str) -> fmt::Result {
        self.key(k)?;
        string(v, self.out)
    }
}

/// Writes one CSL item object.
pub fn write_item(r: &Reference, key: &str, out: &mut impl Write) -> fmt::Result {
    out.write_char('{')?;
    let mut o = Obj { out, first: true };
    o.str("id", key)?;
    o.str("type", r.item_type)?;
    // The three kinds of variables (and `keyword`) in name order, for a stable,
    // readable layout: each map is sorted already, so they are merged as they
    // are, with no list to sort and no lookups (on a tie the earlier kind first).
    let (mut fields, mut names, mut dates) = (
        r.fields.iter().peekable(),
        r.names.iter().peekable(),
        r.dates.iter().peekable(),
    );
    let mut keyword = !r.keywords.is_empty();
    loop {
        let mut next: Option<(&str, u8)> = fields.peek().map(|(k, _)| (**k, 0));
        for (k, kind) in [
            names.peek().map(|(k, _)| **k),
            dates.peek().map(|(k, _)| **k),
            keyword.then_some("keyword"),
        ]
        .into_iter()
        .zip(1u8..)
        {
            if let Some(k) = k {
                if next.is_none_or(|(n, _)| k < n) {
                    next = Some((k, kind));
                }
            }
        }
        let Some((var, kind)) = next else { break };
        match kind {
            0 => {
                let v = fields.next().map_or("", |(_, v)| v.as_str());
                if !v.is_empty() {
                    o.str(var, v)?;
                }
            }
            1 => {
                let names = names.next().map_or(&[][..], |(_, n)| n.as_slice());
                if names.is_empty() {
                    continue;
                }
                o.key(var)?;
                o.out.write_char('[')?;
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        o.out.write_str(", ")?;
                    }
                    name(n, o.out)?;
                }
                o.out.write_char(']')?;
            }
            2 => {
                if let Some((_, d)) = dates.next() {
                    o.key(var)?;
                    date(d, o.out)?;
                }
            }
            _ => {
                keyword = false;
                o.str("keyword", &r.keywords.join(", "))?;
            }
        }
    }
    if !r.extra.is_empty() {
        // custom.ris: {"AD": ["…", "…"], …} in first-seen tag order.
        o.key("custom")?;
        o.out.write_str("{\"ris\": {")?;
        let mut tags: Vec<&str> = Vec::new();
        for e in &r.extra {
            if !tags.contains(&e.tag.as_str()) {
                tags.push(&e.tag);
            }
        }
        for (i, t) in tags.iter().enumerate() {
            if i > 0 {
                o.out.write_str(", ")?;
            }
            string(t, o.out)?;
            o.out.write_str(": [")?;
            for (j, e) in r.extra.iter().filter(|e| e.tag == *t).enumerate() {
                if j > 0 {
                    o.out.write_str(", ")?;
                }
                string(&e.value, o.out)?;
            }
            o.out.write_char(']')?;
        }
        o.out.write_str("}}")?;
    }
    o.out.write_char('}')
}

fn name(n: &Name, out: &mut impl Write) -> fmt::Result {
    out.write_char('{')?;
    let mut o = Obj { out, first: true };
    if n.is_literal() {
        o.str("literal", &n.literal)?;
    } else {
        for (k, v) in [
            ("family", &n.family),
            ("given", &n.given),
            ("suffix", &n.suffix),
            ("non-dropping-particle", &n.non_dropping_particle),
            ("dropping-particle", &n.dropping_particle),
        ] {
            if !v.is_empty() {
                o.str(k, v)?;
            }
        }
    }
    o.out.write_char('}')
}

fn date(d: &Date, out: &mut impl Write) -> fmt::Result {
    out.write_char('{')?;
    let mut o = Obj { out, first: true };
    if !d.parts.is_empty() {
        o.key("date-parts")?;
        o.out.write_char('[')?;
        for (i, p) in d.parts.iter().enumerate() {
            if i > 0 {
                o.out.write_str(", ")?;
            }
            let n = if p[1] == 0 {
                1
            } else if p[2] == 0 {
                2
            } else {
                3
            };
            write!(o.out, "[{}", p[0])?;
            for x in &p[1..n] {
                write!(o.out, ", {x}")?;
            }
            o.out.write_char(']')?;
        }
        o.out.write_char(']')?;
    }
    if let Some(s) = d.season {
        o.key("season")?;
        write!(o.out, "{s}")?;
    }
    if !d.literal.is_empty() {
        o.str("literal", &d.literal)?;
    }
    o.out.write_char('}')
}

/// A JSON string with the escapes RFC 8259 requires (and `</` kept harmless for HTML).
pub fn string(s: &str, out: &mut impl Write) -> fmt::Result {
    out.write_char('"')?;
    let b = s.as_bytes();
    let mut start = 0;
    loop {
        // Most values have nothing to escape: found in blocks, written whole.
        let i = crate::text::find_byte(b, start, |c| {
            (c < 0x20) | (c == b'"') | (c == b'\\') | (c == 0x7f)
        });
        out.write_str(&s[start..i])?;
        let Some(&c) = b.get(i) else { break };
        match c {
            b'"' => out.write_str("\\\"")?,
            b'\\' => out.write_str("\\\\")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            b'\t' => out.write_str("\\t")?,
            _ => write!(out, "\\u{c:04x}")?,
        }
        start = i + 1;
    }
    out.write_char('"')
}
