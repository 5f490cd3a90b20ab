//! Citation keys: ASCII-only, `rezaei2021combination`, unique within one output.

use crate::model::Reference;
use std::collections::{HashMap, HashSet};

/// Words skipped when picking the title word of a key.
const STOP: &[&str] = &[
    "a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "at", "by", "from", "is",
    "are", "as", "or", "into", "towards", "toward", "über", "der", "die", "das", "le", "la", "les",
    "el", "los", "un", "une",
];

/// A key per reference, in order: the `ID` tag when it is a usable key (starts with a
/// letter; letters, digits and `_:.-` only), else family name + year + first title
/// word. Duplicates get `a`, `b`, … appended (the first keeps the bare key).
pub fn assign_keys(refs: &[Reference]) -> Vec<String> {
    assign_keys_with(refs, KeyStyle::default())
}

/// [`assign_keys`] with a key form.
pub fn assign_keys_with(refs: &[Reference], style: KeyStyle) -> Vec<String> {
    let mut k = Keys::new(style);
    refs.iter().map(|r| k.key(r)).collect()
}

/// The form of generated keys (an `ID` tag that is a usable key always wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyStyle {
    /// `rezaei2021combination`: family name, year, first title word (Zotero's form).
    #[default]
    AuthorYearTitle,
    /// `rezaei2021`: family name and year (natbib/JabRef's form); duplicates get `a`, `b`.
    AuthorYear,
}

impl KeyStyle {
    /// Parses `authoryear-title` / `authoryear` (empty = default).
    pub fn from_name(s: &str) -> Option<KeyStyle> {
        match s {
            "" | "authoryeartitle" | "authoryear-title" | "author-year-title" => {
                Some(KeyStyle::AuthorYearTitle)
            }
            "authoryear" | "author-year" => Some(KeyStyle::AuthorYear),
            _ => None,
        }
    }
}

/// Hands out unique keys one reference at a time (for streaming output). A hash set
/// and a per-base counter keep it linear for 100,000-record libraries.
#[derive(Debug, Default)]
pub struct Keys {
    style: KeyStyle,
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl Keys {
    /// A key generator of a form.
    pub fn new(style: KeyStyle) -> Keys {
        Keys {
            style,
            ..Default::default()
        }
    }

    /// The key for the next reference.
    pub fn key(&mut self, r: &Reference) -> String {
        self.unique(base_key_with(r, self.style))
    }

    /// The form of the keys made.
    pub fn style(&self) -> KeyStyle {
        self.style
    }

    /// `base` (from [`base_key_with`] in this generator's form) made unique
    /// among the keys given so far, and taken.
    pub fn unique(&mut self, base: String) -> String {
        let key = if self.used.contains(&base) {
            let n = self.next_suffix.entry(base.clone()).or_insert(0);
            loop {
                let cand = format!("{base}{}", suffix(*n));
                *n += 1;
                if !self.used.contains(&cand) {
                    break cand;
                }
            }
        } else {
            base
        };
        self.used.insert(key.clone());
        key
    }
}

/// `a`…`z`, then `aa`, `ab`, …
fn suffix(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn usable_id(id: &str) -> bool {
    let id = id.trim();
    !id.is_empty()
        && id.len() <= 64
        && id.as_bytes()[0].is_ascii_alphabetic()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
}

/// The key before de-duplication, in the default form.
pub fn base_key(r: &Reference) -> String {
    base_key_with(r, KeyStyle::default())
}

/// The key before de-duplication.
pub fn base_key_with(r: &Reference, style: KeyStyle) -> String {
    if let Some(id) = r.id.as_deref().filter(|i| usable_id(i)) {
        return id.trim().to_string();
    }
    // Built in place: this runs for every reference written.
    let mut key = String::with_capacity(32);
    if let Some(n) = r.primary_names().first() {
        let fam = if n.is_literal() {
            &n.literal
        } else {
            &n.family
        };
        push_ascii_word(&mut key, fam.split_whitespace().next().unwrap_or(""));
    }
    if key.is_empty() {
        key.push_str("anon");
    }
    match r.year() {
        Some(y) => {
            use std::fmt::Write;
            let _ = write!(key, "{y}");
        }
        None => key.push_str("nd"),
    }
    if style == KeyStyle::AuthorYear {
        return key;
    }
    if let Some(t) = r.get("title") {
        let base = key.len();
        for w in t.split_whitespace() {
            push_ascii_word(&mut key, w);
            if key.len() > base && !STOP.contains(&&key[base..]) {
                break;
            }
            key.truncate(base);
        }
    }
    key
}

/// Lowercase ASCII letters and digits of a word, accents folded (`Müller` → `muller`).
pub fn ascii_word(w: &str) -> String {
    let mut out = String::new();
    push_ascii_word(&mut out, w);
    out
}

/// [`ascii_word`] appended to `out`, without a string per word or letter.
fn push_ascii_word(out: &mut String, w: &str) {
    for c in w.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else {
            match folded(c) {
                Some(Folded::Str(f)) => out.extend(f.chars().map(|c| c.to_ascii_lowercase())),
                Some(Folded::Char(f)) => out.push(f.to_ascii_lowercase()),
                None => {}
            }
        }
    }
}

/// ASCII for Latin letters with diacritics (Latin-1 Supplement and Latin Extended-A).
pub fn fold(c: char) -> Option<String> {
    folded(c).map(|f| match f {
        Folded::Str(s) => s.to_string(),
        Folded::Char(c) => c.to_string(),
    })
}

/// What [`fold`] gives, not yet copied into a string.
enum Folded {
    Str(&'static str),
    Char(char),
}

fn folded(c: char) -> Option<Folded> {
    const L1: &str = "AAAAAAACEEEEIIIIDNOOOOO×OUUUUYÞsaaaaaaaceeeeiiiidnooooo÷ouuuuyþy";
    const EXT_A: &str = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    let cp = c as u32;
    let s = match c {
        'ß' => "ss",
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'Ø' => "O",
        'ø' => "o",
        'Đ' => "D",
        'đ' => "d",
        'Ł' => "L",
        'ł' => "l",
        'Þ' => "Th",
        'þ' => "th",
        'ı' => "i",
        _ => {
            let from = |table: &str, base: u32| {
                table
                    .chars()
                    .nth((cp - base) as usize)
                    .filter(|ch| ch.is_ascii_alphabetic())
                    .map(Folded::Char)
            };
            return match cp {
                0xC0..=0xFF => from(L1, 0xC0),
                0x100..=0x17F => from(EXT_A, 0x100),
                _ => None,
            };
        }
    };
    Some(Folded::Str(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::name::Name;

    fn r(family: &str, year: i32, title: &str) -> Reference {
        let mut r = Reference::new("book");
        r.names.insert("author", vec![Name::parse(family)]);
        r.dates.insert("issued", Date::year_only(year));
        r.fields.insert("title", title.into());
        r
    }

    #[test]
    fn seed_key() {
        let k = base_key(&r(
            "Rezaei, Ramazan",
            2021,
            "Combination therapy with CAR T cells",
        ));
        assert_eq!(k, "rezaei2021combination");
    }

    #[test]
    fn accents_folded_and_duplicates_suffixed() {
        let refs = vec![
            r("Müller, Jörg", 2020, "The Übung"),
            r("Müller, Jörg", 2020, "The Übung"),
            r("Müller, Jörg", 2020, "The Übung"),
        ];
        assert_eq!(
            assign_keys(&refs),
            vec!["muller2020ubung", "muller2020ubunga", "muller2020ubungb"]
        );
    }

    #[test]
    fn author_year_form() {
        let refs = vec![
            r("Rezaei, R.", 2021, "Combination"),
            r("Rezaei, R.", 2021, "Other"),
        ];
        assert_eq!(
            assign_keys_with(&refs, KeyStyle::AuthorYear),
            vec!["rezaei2021", "rezaei2021a"]
        );
    }

    #[test]
    fn suffixes_go_past_z() {
        assert_eq!(suffix(0), "a");
        assert_eq!(suffix(25), "z");
        assert_eq!(suffix(26), "aa");
    }
}
