//! Reference → BibTeX or BibLaTeX (one writer, a dialect switch).
//!
//! Entry types and fields follow the BibTeX documentation ("BibTeXing", 1988, §3)
//! and the biblatex manual (§2.1 entry types, §2.2 fields). Every value is written
//! in braces with LaTeX specials escaped, so that no value can end an entry early
//! or start another: `{`/`}` become `\{`/`\}`, `@` is harmless inside braces.

use crate::model::Reference;
use crate::name::Name;
use std::fmt::{self, Write};

/// Which BibTeX flavour to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Classic BibTeX (`journal`, `year`/`month`, `address`, `school`).
    Bibtex,
    /// BibLaTeX (`journaltitle`, ISO `date`, `location`, `urldate`, `online`, `thesis` + `type`).
    Biblatex,
}

/// Options shared by the BibTeX writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BibOptions {
    /// Write non-ASCII letters as LaTeX accent commands (`{\"u}`) instead of UTF-8.
    pub latex_accents: bool,
}

/// The entry type for a reference (BibTeX: "BibTeXing" §3.1; BibLaTeX: manual §2.1.1).
pub fn entry_type(r: &Reference, dialect: Dialect) -> &'static str {
    let bl = dialect == Dialect::Biblatex;
    match (r.item_type, bl) {
        (
            "article-journal" | "article-magazine" | "article-newspaper" | "article" | "review"
            | "review-book",
            _,
        ) => "article",
        ("book" | "classic", _) => "book",
        ("chapter", false)
            if r.names("editor").is_empty() && r.get("container-title").is_none() =>
        {
            "inbook"
        }
        ("chapter", _) => "incollection",
        ("entry-dictionary" | "entry-encyclopedia" | "entry", true) => "inreference",
        ("entry-dictionary" | "entry-encyclopedia" | "entry", false) => "incollection",
        ("paper-conference", _) => "inproceedings",
        ("thesis", true) => "thesis",
        ("thesis", false) if is_masters(r) => "mastersthesis",
        ("thesis", false) => "phdthesis",
        ("report", true) => "report",
        ("report" | "standard", false) => "techreport",
        ("manuscript", _) => "unpublished",
        ("pamphlet", _) => "booklet",
        ("periodical", true) => "periodical",
        ("webpage" | "post-weblog" | "post", true) => "online",
        ("dataset", true) => "dataset",
        ("software", true) => "software",
        ("patent", true) => "patent",
        ("standard", true) => "standard",
        _ => "misc",
    }
}

fn is_masters(r: &Reference) -> bool {
    let g = r.get("genre").unwrap_or("").to_lowercase();
    g.contains("master")
        || g.starts_with("m.")
        || g.starts_with("ma ")
        || g == "ma"
        || g.contains("msc")
        || g.contains("m.sc")
}

struct Entry<'a, W: Write> {
    out: &'a mut W,
    opts: BibOptions,
    out_fields: usize,
}

impl<W: Write> Entry<'_, W> {
    /// Opens `name = {`, counting the field.
    fn open(&mut self, name: &str) -> fmt::Result {
        self.out_fields += 1;
        self.out.write_str(",\n  ")?;
        self.out.write_str(name)?;
        self.out.write_str(" = {")
    }

    fn escaped(&mut self, name: &str, value: &str, protect_case: bool) -> fmt::Result {
        let value = value.trim();
        if value.is_empty() {
            return Ok(());
        }
        self.open(name)?;
        escape(value, self.opts.latex_accents, protect_case, self.out)?;
        self.out.write_char('}')
    }

    fn field(&mut self, name: &str, value: &str) -> fmt::Result {
        self.escaped(name, value, false)
    }

    fn title(&mut self, name: &str, value: &str) -> fmt::Result {
        self.escaped(name, value, true)
    }

    /// `url` and `doi` are verbatim fields in biblatex and for the `url` package:
    /// escaping `&` or `%` there would put a backslash into the link. Only what could
    /// break the entry is percent-encoded (braces, backslash, whitespace).
    fn verbatim(&mut self, name: &str, value: &str) -> fmt::Result {
        if value.trim().is_empty() {
            return Ok(());
        }
        self.open(name)?;
        for c in value.trim().chars() {
            match c {
                '{' => self.out.write_str("%7B")?,
                '}' => self.out.write_str("%7D")?,
                '\\' => self.out.write_str("%5C")?,
                c if c.is_whitespace() => self.out.write_str("%20")?,
                c => self.out.write_char(c)?,
            }
        }
        self.out.write_char('}')
    }

    fn raw(&mut self, name: &str, value: &str) -> fmt::Result {
        self.out_fields += 1;
        write!(self.out, ",\n  {name} = {value}")
    }

    fn names(&mut self, name: &str, names: &[Name]) -> fmt::Result {
        if names.is_empty() {
            return Ok(());
        }
        self.out_fields += 1;
        self.out.write_str(",\n  ")?;
        self.out.write_str(name)?;
        self.out.write_str(" = {")?;
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                self.out.write_str(" and ")?;
            }
            if n.is_literal() {
                // Braces keep an organisation one name: BibTeX would split it at spaces.
                self.out.write_char('{')?;
                escape(&n.literal, self.opts.latex_accents, false, self.out)?;
                self.out.write_char('}')?;
                continue;
            }
            let fam = n.family_text();
            let given = n.given_text();
            // Braces keep a family name one unit where BibTeX would split it: at " and ",
            // at a comma, or at spaces when no given name follows ("A ß" alone would
            // read as given "A", family "ß").
            let lone = given.is_empty() && n.suffix.is_empty() && fam.contains(char::is_whitespace);
            self.name_part(&fam, lone)?;
            for part in [n.suffix.as_str(), &given] {
                if part.is_empty() {
                    continue;
                }
                self.out.write_str(", ")?;
                self.name_part(part, false)?;
            }
        }
        self.out.write_char('}')
    }

    /// One part of a name, in braces when BibTeX would split it (at `and` or
    /// a comma) or when `brace` says so.
    fn name_part(&mut self, part: &str, brace: bool) -> fmt::Result {
        if brace || splits_names(part) || part.contains(',') {
            // What `escape_name` gives for the part in braces, without the copy.
            self.out.write_char('{')?;
            escape(part, self.opts.latex_accents, false, self.out)?;
            self.out.write_char('}')
        } else {
            escape_name(part, self.opts.latex_accents, self.out)
        }
    }
}

/// BibTeX separates names at the word `and` wherever it stands, in any case.
fn splits_names(s: &str) -> bool {
    s.split_whitespace().any(|w| w.eq_ignore_ascii_case("and"))
}

fn escape_name(s: &str, accents: bool, out: &mut impl Write) -> fmt::Result {
    // Braces we added ourselves (for "and" inside a family name) stay braces.
    if let Some(inner) = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        out.write_char('{')?;
        escape(inner, accents, false, out)?;
        return out.write_char('}');
    }
    escape(s, accents, false, out)
}

/// Writes one entry with the given key.
pub fn write_entry(
    r: &Reference,
    key: &str,
    dialect: Dialect,
    opts: BibOptions,
    out: &mut impl Write,
) -> fmt::Result {
    let bl = dialect == Dialect::Biblatex;
    let ty = entry_type(r, dialect);
    write!(out, "@{ty}{{{key}")?;
    let mut e = Entry {
        out,
        opts,
        out_fields: 0,
    };
    let t = r.item_type;

    // Names
    e.names("author", bibtex_authors(r))?;
    e.names("editor", r.names("editor"))?;
    if bl {
        e.names("translator", r.names("translator"))?;
    }
    // Titles
    e.title("title", r.get("title").unwrap_or(""))?;
    if let Some(st) = r.get("title-short") {
        e.field("shorttitle", st)?;
    }
    let container = r.get("container-title").unwrap_or("");
    match ty {
        "article" => {
            e.field(if bl { "journaltitle" } else { "journal" }, container)?;
            if bl {
                e.field("shortjournal", r.get("container-title-short").unwrap_or(""))?;
            }
        }
        "incollection" | "inproceedings" | "inbook" | "inreference" => {
            e.field("booktitle", container)?
        }
        "online" | "misc" if !container.is_empty() => {
            if bl {
                e.field("organization", container)?
            } else {
                e.field("howpublished", container)?
            }
        }
        _ => {
            if !container.is_empty() && !matches!(t, "book" | "thesis" | "report") {
                e.field(if bl { "journaltitle" } else { "journal" }, container)?;
            }
        }
    }
    if bl {
        e.field("eventtitle", r.get("event-title").unwrap_or(""))?;
        e.field("venue", r.get("event-place").unwrap_or(""))?;
    }
    e.field("series", r.get("collection-title").unwrap_or(""))?;
    // Numbers
    e.field("volume", r.get("volume").unwrap_or(""))?;
    let number = r.get("issue").or_else(|| r.get("number")).unwrap_or("");
    e.field("number", number)?;
    if let Some(p) = r.get("page") {
        e.field("pages", &pages(p))?;
    }
    if let Some(np) = r.get("number-of-pages") {
        e.field("pagetotal", np)?;
    }
    e.field("edition", r.get("edition").unwrap_or(""))?;
    e.field("chapter", r.get("chapter-number").unwrap_or(""))?;
    // Dates
    if let Some(d) = r.issued() {
        if bl {
            match d.to_iso() {
                Some(iso) => e.field("date", &iso)?,
                None => e.field("date", &d.literal)?,
            }
        } else if let Some(y) = d.year() {
            e.field("year", &format!("{y:04}"))?;
            let m = d.parts[0][1];
            if (1..=12).contains(&m) {
                e.raw("month", crate::date::month_macro(m as usize))?;
            }
        } else {
            e.field("year", &d.literal)?;
        }
    }
    if let Some(a) = r.dates.get("accessed").and_then(|d| d.to_iso()) {
        e.field("urldate", &a)?;
    }
    // Publication
    let publisher = r.get("publisher").unwrap_or("");
    match (ty, bl) {
        ("phdthesis" | "mastersthesis", false) => e.field("school", publisher)?,
        ("thesis", true) => e.field("institution", publisher)?,
        ("techreport", _) | ("report", true) => e.field("institution", publisher)?,
        _ => e.field("publisher", publisher)?,
    }
    e.field(
        if bl { "location" } else { "address" },
        r.get("publisher-place").unwrap_or(""),
    )?;
    if bl && ty == "thesis" {
        let kind = if is_masters(r) {
            "mathesis"
        } else {
            "phdthesis"
        };
        e.field("type", r.get("genre").map(|_| kind).unwrap_or("phdthesis"))?;
    } else if let Some(g) = r.get("genre") {
        e.field("type", g)?;
    }
    // Identifiers and links
    e.verbatim("doi", r.get("DOI").unwrap_or(""))?;
    e.field("issn", r.get("ISSN").unwrap_or(""))?;
    e.field("isbn", r.get("ISBN").unwrap_or(""))?;
    e.verbatim("url", r.get("URL").unwrap_or(""))?;
    e.field("language", r.get("language").unwrap_or(""))?;
    e.field("abstract", r.get("abstract").unwrap_or(""))?;
    if !r.keywords.is_empty() {
        e.field("keywords", &r.keywords.join(", "))?;
    }
    e.field("note", r.get("note").unwrap_or(""))?;
    // Everything else that has a value, so nothing read is lost: CSL variable names
    // as field names (BibTeX ignores fields it does not know).
    const DONE: &[&str] = &[
        "title",
        "title-short",
        "container-title",
        "collection-title",
        "volume",
        "issue",
        "number",
        "page",
        "number-of-pages",
        "edition",
        "chapter-number",
        "publisher",
        "publisher-place",
        "genre",
        "DOI",
        "ISSN",
        "ISBN",
        "URL",
        "language",
        "abstract",
        "note",
        "event-title",
        "event-place",
    ];
    for (k, v) in &r.fields {
        if DONE.contains(k) || (bl && *k == "container-title-short") {
            continue;
        }
        if *k == "number" && r.get("issue").is_some() {
            e.field("eid", v)?;
            continue;
        }
        if k.bytes().any(|b| b.is_ascii_uppercase()) {
            e.field(&k.to_ascii_lowercase(), v)?;
        } else {
            e.field(k, v)?;
        }
    }
    for (role, names) in &r.names {
        if matches!(*role, "author" | "editor") || (bl && *role == "translator") {
            continue;
        }
        if std::ptr::eq(names.as_slice(), bibtex_authors(r)) {
            continue;
        }
        e.names(role, names)?;
    }
    for (var, d) in &r.dates {
        if matches!(*var, "issued" | "accessed") {
            continue;
        }
        e.field(var, &d.to_iso().unwrap_or_else(|| d.literal.clone()))?;
    }
    // A field name may appear once per entry (BibTeX ignores a repeated field with a
    // warning; bibtexparser rejects the entry): a repeated tag is numbered, `ris-t1`,
    // `ris-t1-2`, …
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for x in &r.extra {
        let tag = x.tag.to_ascii_lowercase();
        let n = seen.entry(tag.clone()).or_default();
        *n += 1;
        let n = *n;
        if n == 1 {
            e.field(&format!("ris-{tag}"), &x.value)?;
        } else {
            e.field(&format!("ris-{tag}-{n}"), &x.value)?;
        }
    }
    if e.out_fields == 0 {
        // `@article{key}` is valid BibTeX but not biblatex/biber input: keep the comma.
        e.out.write_char(',')?;
    }
    e.out.write_str("\n}\n")
}

/// The names BibTeX's `author` gets: authors, or the role that stands in for
/// them (a film's director, a score's composer); editors keep their own
/// `editor` field, so they are not in this list as they are in
/// [`Reference::primary_names`].
fn bibtex_authors(r: &Reference) -> &[Name] {
    r.first_names_of(&["author", "composer", "director"])
}

/// `1-14` → `1--14` (BibTeX page ranges use an en dash, written `--`).
fn pages(p: &str) -> String {
    let p = p.replace('\u{2013}', "-");
    let mut out = String::with_capacity(p.len() + 1);
    let mut prev_dash = false;
    for c in p.chars() {
        if c == '-' {
            if !prev_dash {
                out.push_str("--");
            }
            prev_dash = true;
        } else {
            prev_dash = false;
            out.push(c);
        }
    }
    out.replace(" -- ", "--")
}

/// Escapes LaTeX specials. In titles, words with capitals after their first letter
/// (acronyms, `iPhone`) and capitalised words after the first are wrapped in braces
/// so that BibTeX styles that change case keep them.
///
/// BibTeX counts every brace, escaped or not, to find where a value ends. When the
/// braces of a value do not balance, they are written as `\textbraceleft{}` and
/// `\textbraceright{}`, so that no value can close its entry early.
pub fn escape(s: &str, accents: bool, protect_case: bool, out: &mut impl Write) -> fmt::Result {
    // Most values (abstracts above all) need nothing: write them in one piece.
    if !protect_case && crate::text::find_byte(s.as_bytes(), 0, |b| special(b, accents)) == s.len()
    {
        return out.write_str(s);
    }
    let balanced = braces_balance(s);
    if !protect_case {
        return escape_text(s, accents, balanced, out);
    }
    let mut first_word = true;
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.write_char(' ')?;
        }
        let protect = needs_protection(word, first_word);
        if !word.is_empty() {
            first_word = false;
        }
        if protect {
            out.write_char('{')?;
        }
        escape_text(word, accents, balanced, out)?;
        if protect {
            out.write_char('}')?;
        }
    }
    Ok(())
}

/// A byte that LaTeX or BibTeX reads as more than itself (or a line break),
/// or with `accents` one of a non-ASCII character: comparisons, not a table,
/// so that blocks of bytes are tested at once ([`crate::text::find_byte`]).
#[inline(always)]
fn special(b: u8, accents: bool) -> bool {
    // `|`, not `matches!` or `||`: no branches (a `match` became a jump table).
    (b == b'\\')
        | (b == b'{')
        | (b == b'}')
        | (b == b'&')
        | (b == b'%')
        | (b == b'$')
        | (b == b'#')
        | (b == b'_')
        | (b == b'~')
        | (b == b'^')
        | (b == b'\n')
        | (b == b'\r')
        | (accents & (b >= 0x80))
}

/// [`escape`] without case protection: runs of plain text are written whole.
fn escape_text(s: &str, accents: bool, balanced: bool, out: &mut impl Write) -> fmt::Result {
    let b = s.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    loop {
        i = crate::text::find_byte(b, i, |c| special(c, accents));
        let Some(&byte) = b.get(i) else { break };
        out.write_str(&s[plain_from..i])?;
        if byte >= 0x80 {
            let c = s[i..].chars().next().unwrap_or('\u{fffd}');
            match latex_accent(c) {
                Some(l) => out.write_str(&l)?,
                None => out.write_char(c)?,
            }
            i += c.len_utf8();
        } else {
            match byte {
                b'\\' => out.write_str("\\textbackslash{}")?,
                b'{' if balanced => out.write_str("\\{")?,
                b'}' if balanced => out.write_str("\\}")?,
                b'{' => out.write_str("\\textbraceleft{}")?,
                b'}' => out.write_str("\\textbraceright{}")?,
                b'~' => out.write_str("\\textasciitilde{}")?,
                b'^' => out.write_str("\\textasciicircum{}")?,
                b'\n' | b'\r' => out.write_char(' ')?,
                // & % $ # _
                c => {
                    out.write_char('\\')?;
                    out.write_char(char::from(c))?;
                }
            }
            i += 1;
        }
        plain_from = i;
    }
    out.write_str(&s[plain_from..])
}

/// True when `{` and `}` pair up in order (depth never negative, zero at the end).
fn braces_balance(s: &str) -> bool {
    let mut depth = 0i64;
    for b in s.bytes() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Acronyms and words with inner capitals (`DNA`, `iPhone`, `V-Ti`) and single
/// capital letters after the first word (`CAR T cells`). Title-case words are left
/// alone: bracing every capitalised word makes unreadable files, and the styles that
/// recase titles are a minority.
fn needs_protection(word: &str, first: bool) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(c0) = letters.next() else {
        return false;
    };
    let mut more = false;
    for c in letters {
        if c.is_uppercase() {
            return true;
        }
        more = true;
    }
    !more && c0.is_uppercase() && !first
}

/// LaTeX for common accented letters (`é` → `{\'e}`).
pub fn latex_accent(c: char) -> Option<String> {
    let special = match c {
        'ß' => Some("{\\ss}"),
        'æ' => Some("{\\ae}"),
        'Æ' => Some("{\\AE}"),
        'œ' => Some("{\\oe}"),
        'Œ' => Some("{\\OE}"),
        'ø' => Some("{\\o}"),
        'Ø' => Some("{\\O}"),
        'å' => Some("{\\aa}"),
        'Å' => Some("{\\AA}"),
        'ł' => Some("{\\l}"),
        'Ł' => Some("{\\L}"),
        'ı' => Some("{\\i}"),
        '\u{2013}' => Some("--"),
        '\u{2014}' => Some("---"),
        _ => None,
    };
    if let Some(s) = special {
        return Some(s.to_string());
    }
    // Decompose by table: base letter + accent command.
    const TABLE: &[(char, char, char)] = &[
        // (char, accent, base)
        ('à', '`', 'a'),
        ('á', '\'', 'a'),
        ('â', '^', 'a'),
        ('ã', '~', 'a'),
        ('ä', '"', 'a'),
        ('À', '`', 'A'),
        ('Á', '\'', 'A'),
        ('Â', '^', 'A'),
        ('Ã', '~', 'A'),
        ('Ä', '"', 'A'),
        ('è', '`', 'e'),
        ('é', '\'', 'e'),
        ('ê', '^', 'e'),
        ('ë', '"', 'e'),
        ('È', '`', 'E'),
        ('É', '\'', 'E'),
        ('Ê', '^', 'E'),
        ('Ë', '"', 'E'),
        ('ì', '`', 'i'),
        ('í', '\'', 'i'),
        ('î', '^', 'i'),
        ('ï', '"', 'i'),
        ('Ì', '`', 'I'),
        ('Í', '\'', 'I'),
        ('Î', '^', 'I'),
        ('Ï', '"', 'I'),
        ('ò', '`', 'o'),
        ('ó', '\'', 'o'),
        ('ô', '^', 'o'),
        ('õ', '~', 'o'),
        ('ö', '"', 'o'),
        ('Ò', '`', 'O'),
        ('Ó', '\'', 'O'),
        ('Ô', '^', 'O'),
        ('Õ', '~', 'O'),
        ('Ö', '"', 'O'),
        ('ù', '`', 'u'),
        ('ú', '\'', 'u'),
        ('û', '^', 'u'),
        ('ü', '"', 'u'),
        ('Ù', '`', 'U'),
        ('Ú', '\'', 'U'),
        ('Û', '^', 'U'),
        ('Ü', '"', 'U'),
        ('ý', '\'', 'y'),
        ('ÿ', '"', 'y'),
        ('Ý', '\'', 'Y'),
        ('ñ', '~', 'n'),
        ('Ñ', '~', 'N'),
        ('ç', 'c', 'c'),
        ('Ç', 'c', 'C'),
        ('ć', '\'', 'c'),
        ('Ć', '\'', 'C'),
        ('č', 'v', 'c'),
        ('Č', 'v', 'C'),
        ('ś', '\'', 's'),
        ('Ś', '\'', 'S'),
        ('š', 'v', 's'),
        ('Š', 'v', 'S'),
        ('ž', 'v', 'z'),
        ('Ž', 'v', 'Z'),
        ('ź', '\'', 'z'),
        ('Ź', '\'', 'Z'),
        ('ż', '.', 'z'),
        ('Ż', '.', 'Z'),
        ('ř', 'v', 'r'),
        ('Ř', 'v', 'R'),
        ('ě', 'v', 'e'),
        ('Ě', 'v', 'E'),
        ('ň', 'v', 'n'),
        ('Ň', 'v', 'N'),
        ('ń', '\'', 'n'),
        ('Ń', '\'', 'N'),
        ('ő', 'H', 'o'),
        ('Ő', 'H', 'O'),
        ('ű', 'H', 'u'),
        ('Ű', 'H', 'U'),
        ('ą', 'k', 'a'),
        ('Ą', 'k', 'A'),
        ('ę', 'k', 'e'),
        ('Ę', 'k', 'E'),
        ('ğ', 'u', 'g'),
        ('Ğ', 'u', 'G'),
        ('ş', 'c', 's'),
        ('Ş', 'c', 'S'),
        ('ţ', 'c', 't'),
        ('ď', 'v', 'd'),
        ('ť', 'v', 't'),
        ('ā', '=', 'a'),
        ('ē', '=', 'e'),
        ('ī', '=', 'i'),
        ('ō', '=', 'o'),
        ('ū', '=', 'u'),
        ('İ', '.', 'I'),
        ('ů', 'r', 'u'),
        ('Ů', 'r', 'U'),
    ];
    TABLE
        .iter()
        .find(|(ch, _, _)| *ch == c)
        .map(|(_, acc, base)| {
            let base = if *base == 'i' && *acc != 'c' {
                "\\i".to_string()
            } else {
                base.to_string()
            };
            if acc.is_ascii_alphabetic() {
                format!("{{\\{acc} {base}}}")
            } else {
                format!("{{\\{acc}{base}}}")
            }
        })
}
