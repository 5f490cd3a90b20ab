//! The index of every CSL style: what `citris styles` lists and searches, what the
//! page's style picker searches, and how a style name resolves to the file that
//! formats it.
//!
//! The index comes from the CSL styles repository (10,844 styles: 2,851 independent
//! ones that hold formatting rules, 7,993 dependent ones that name an independent
//! parent and may set a default locale; CSL 1.0.2, "Independent and dependent
//! styles"). `tools/stylepack.py` writes it as `www/styles/index.json` for the page
//! and into `styles/pack.bin` for the CLI; its format is described there. This
//! module only reads it: [`Index::from_json`], then [`Index::get`] for a name,
//! [`Index::search`] for the picker and `citris styles QUERY`, and
//! [`Index::suggest`] for a name that is not there.

use std::fmt;

/// How a style cites, from its `<category citation-format="…"/>` (CSL 1.0.2,
/// "Info": one of five values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitationFormat {
    /// (Doe 2021)
    AuthorDate,
    /// [1]
    Numeric,
    /// Footnotes.
    Note,
    /// [Doe21]
    Label,
    /// (Doe)
    Author,
}

impl CitationFormat {
    const ALL: [CitationFormat; 5] = [
        CitationFormat::AuthorDate,
        CitationFormat::Numeric,
        CitationFormat::Note,
        CitationFormat::Label,
        CitationFormat::Author,
    ];

    /// The name CSL gives it (`author-date`, `numeric`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CitationFormat::AuthorDate => "author-date",
            CitationFormat::Numeric => "numeric",
            CitationFormat::Note => "note",
            CitationFormat::Label => "label",
            CitationFormat::Author => "author",
        }
    }
}

impl fmt::Display for CitationFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One style of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleInfo {
    /// The repository id: the last part of `<id>`, and the file name without `.csl`.
    pub id: String,
    /// `<title>`.
    pub title: String,
    /// `<title-short>`, or empty.
    pub title_short: String,
    /// `<issn>` values (`0929-1903`).
    pub issn: Vec<String>,
    /// `<eissn>` values.
    pub eissn: Vec<String>,
    /// `<category field="…"/>` values (`medicine`, `biology`).
    pub fields: Vec<String>,
    /// `<category citation-format="…"/>`; a dependent style without one has its parent's.
    pub format: CitationFormat,
    /// The `default-locale` attribute, or empty.
    pub default_locale: String,
    /// For a dependent style, the id of its `independent-parent`; empty otherwise.
    pub parent: String,
    /// Size of the minified independent style file (0 for a dependent style).
    pub bytes: u64,
}

impl StyleInfo {
    /// Whether the style only names a parent (CSL 1.0.2 "dependent style").
    pub fn is_dependent(&self) -> bool {
        !self.parent.is_empty()
    }

    /// The independent style that holds the formatting rules: the parent, or itself.
    pub fn formatting_id(&self) -> &str {
        if self.parent.is_empty() {
            &self.id
        } else {
            &self.parent
        }
    }
}

/// A CSL locale file of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleInfo {
    /// `en-US`, `de-DE`, `la`.
    pub code: String,
    /// The language's name in itself (`Deutsch (Deutschland)`).
    pub native_name: String,
    /// The language's name in English.
    pub english_name: String,
    /// Size of the minified file.
    pub bytes: u64,
}

/// Why an index could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexError(String);

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the style index is not valid: {}", self.0)
    }
}

impl std::error::Error for IndexError {}

/// Per style, the folded text the search compares against (see [`fold`]).
#[derive(Debug, Clone)]
struct Keys {
    title: String,
    short: String,
    /// ISSNs without hyphens, upper case `X`.
    issns: Vec<String>,
    /// Field bits, as in the file.
    fields: u64,
    /// The title's length in characters (shorter titles rank first).
    title_len: usize,
    /// Every word of the title, short title and id (its hyphens as spaces),
    /// each after a space: a query word starts a word where ` word` occurs.
    words: String,
}

/// Every style and locale, with what search needs.
#[derive(Debug, Clone)]
pub struct Index {
    styles: Vec<StyleInfo>,
    keys: Vec<Keys>,
    fields: Vec<String>,
    locales: Vec<LocaleInfo>,
    aliases: Vec<(String, String)>,
    common: Vec<String>,
    primary_dialects: Vec<(String, String)>,
    source: String,
    total_style_bytes: u64,
    total_locale_bytes: u64,
}

/// One row of `styles` in index.json.
type Row = (
    String,
    String,
    String,
    String,
    String,
    u64,
    usize,
    String,
    String,
    u64,
);

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawIndex {
    #[serde(default)]
    source: String,
    formats: Vec<String>,
    fields: Vec<String>,
    styles: Vec<Row>,
    locales: Vec<(String, String, String, u64)>,
    #[serde(default)]
    aliases: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    common: Vec<String>,
    #[serde(default)]
    primary_dialects: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    totals: RawTotals,
}

#[derive(serde::Deserialize, Default)]
struct RawTotals {
    #[serde(default)]
    styles: u64,
    #[serde(default)]
    locales: u64,
}

fn split_list(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

impl Index {
    /// Reads `index.json` as `tools/stylepack.py` writes it.
    pub fn from_json(text: &str) -> Result<Index, IndexError> {
        let raw: RawIndex = serde_json::from_str(text).map_err(|e| IndexError(e.to_string()))?;
        let formats: Vec<CitationFormat> = raw
            .formats
            .iter()
            .map(|f| {
                CitationFormat::ALL
                    .into_iter()
                    .find(|c| c.as_str() == f)
                    .ok_or_else(|| IndexError(format!("unknown citation format '{f}'")))
            })
            .collect::<Result<_, _>>()?;
        let mut styles = Vec::with_capacity(raw.styles.len());
        for (id, title, short, issn, eissn, bits, format, locale, parent, bytes) in raw.styles {
            let format = *formats
                .get(format)
                .ok_or_else(|| IndexError(format!("{id}: format {format} out of range")))?;
            let fields = raw
                .fields
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && bits & (1u64 << i) != 0)
                .map(|(_, f)| f.clone())
                .collect();
            styles.push(StyleInfo {
                id,
                title,
                title_short: short,
                issn: split_list(&issn),
                eissn: split_list(&eissn),
                fields,
                format,
                default_locale: locale,
                parent,
                bytes,
            });
        }
        styles.sort_by(|a, b| a.id.cmp(&b.id));
        for w in styles.windows(2) {
            if w[0].id == w[1].id {
                return Err(IndexError(format!("the id {} is there twice", w[0].id)));
            }
        }
        let keys = styles
            .iter()
            .map(|s| {
                let mut bits = 0u64;
                for f in &s.fields {
                    if let Some(i) = raw.fields.iter().position(|x| x == f) {
                        bits |= 1 << i;
                    }
                }
                let (title, short, id_words) = (fold(&s.title), fold(&s.title_short), fold(&s.id));
                Keys {
                    title_len: s.title.chars().count(),
                    words: format!(" {title} {short} {id_words}"),
                    title,
                    short,
                    issns: s.issn.iter().chain(&s.eissn).map(|i| issn_key(i)).collect(),
                    fields: bits,
                }
            })
            .collect();
        let mut index = Index {
            styles,
            keys,
            fields: raw.fields,
            locales: raw
                .locales
                .into_iter()
                .map(|(code, native_name, english_name, bytes)| LocaleInfo {
                    code,
                    native_name,
                    english_name,
                    bytes,
                })
                .collect(),
            aliases: raw.aliases.into_iter().collect(),
            common: raw.common,
            primary_dialects: raw.primary_dialects.into_iter().collect(),
            source: raw.source,
            total_style_bytes: raw.totals.styles,
            total_locale_bytes: raw.totals.locales,
        };
        index.locales.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(index)
    }

    /// Every style, sorted by id.
    pub fn styles(&self) -> &[StyleInfo] {
        &self.styles
    }

    /// Every locale, sorted by code.
    pub fn locales(&self) -> &[LocaleInfo] {
        &self.locales
    }

    /// The styles shown before anything is typed (citris's ten bundled styles).
    pub fn common(&self) -> impl Iterator<Item = &StyleInfo> {
        self.common.iter().filter_map(|id| self.by_id(id))
    }

    /// citris's own short names (`mla`) and the ids they stand for.
    pub fn aliases(&self) -> &[(String, String)] {
        &self.aliases
    }

    /// Where the styles and locales come from, with their licence.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Bytes of every independent style file, and of every locale file.
    pub fn total_bytes(&self) -> (u64, u64) {
        (self.total_style_bytes, self.total_locale_bytes)
    }

    fn by_id(&self, id: &str) -> Option<&StyleInfo> {
        self.styles
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.styles[i])
    }

    /// A style by repository id or citris short name, ignoring case and a
    /// `http://www.zotero.org/styles/` prefix or `.csl` suffix.
    pub fn get(&self, name: &str) -> Option<&StyleInfo> {
        let id = normalize_name(name);
        if let Some(s) = self.by_id(&id) {
            return Some(s);
        }
        let (_, target) = self.aliases.iter().find(|(a, _)| *a == id)?;
        self.by_id(target)
    }

    /// The locale file for a code: the code itself (`de-AT`), else its language's
    /// primary dialect (`de` → `de-DE`, as CSL 1.0.2 "Locale Fallback" asks).
    pub fn locale(&self, code: &str) -> Option<&LocaleInfo> {
        let code = code.trim().replace('_', "-");
        let find = |c: &str| self.locales.iter().find(|l| l.code.eq_ignore_ascii_case(c));
        if let Some(l) = find(&code) {
            return Some(l);
        }
        let lang = code.split('-').next()?.to_ascii_lowercase();
        let primary = self.primary_dialects.iter().find(|(l, _)| *l == lang);
        // CSL's locales.json names `sr-RS`, which no file holds since the
        // split into scripts: then the first file of that language
        // (`sr-Cyrl-RS`, the script of the former `sr-RS`).
        primary.and_then(|(_, d)| find(d)).or_else(|| {
            self.locales.iter().find(|l| {
                l.code
                    .split('-')
                    .next()
                    .is_some_and(|x| x.eq_ignore_ascii_case(&lang))
            })
        })
    }

    /// Every file the page serves for the index, relative to `styles/`, with its
    /// size: each independent style (`ID.csl`), then each locale
    /// (`locales/locales-CODE.xml`). What "keep every style for offline use"
    /// fetches.
    pub fn files(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .styles
            .iter()
            .filter(|s| !s.is_dependent())
            .map(|s| (format!("{}.csl", s.id), s.bytes))
            .collect();
        out.extend(
            self.locales
                .iter()
                .map(|l| (format!("locales/locales-{}.xml", l.code), l.bytes)),
        );
        out
    }

    /// The names of fields (`medicine`) that styles have.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Styles matching `query`, best first, at most `limit`.
    ///
    /// A query matches on the title, the short title, the id, an ISSN or eISSN
    /// (with or without its hyphen) and the fields. Ranking: an exact title, short
    /// title, id or ISSN first, then titles that start with the query, then
    /// styles whose words start with every query word, then those where the
    /// remaining words name a field (`cancer medicine`). Within a rank: the common
    /// styles, then shorter titles, then alphabetical. Case and accents are
    /// ignored. An empty query gives the common styles.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&StyleInfo> {
        self.search_with_total(query, limit).0
    }

    /// [`Index::search`], and how many styles match in all.
    pub fn search_with_total(&self, query: &str, limit: usize) -> (Vec<&StyleInfo>, usize) {
        let q = fold(query);
        if q.is_empty() {
            let common: Vec<&StyleInfo> = self.common().collect();
            let total = common.len();
            return (common.into_iter().take(limit).collect(), total);
        }
        let words: Vec<&str> = q.split(' ').collect();
        let issn = issn_key(query.trim());
        let is_issn = issn.len() == 8
            && issn[..7].bytes().all(|b| b.is_ascii_digit())
            && matches!(issn.as_bytes()[7], b'0'..=b'9' | b'X');
        // A query word equal to a field name (or its plural-less start) selects the field.
        let field_bits: Vec<u64> = words
            .iter()
            .map(|w| {
                self.fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        let f = fold(f);
                        f == *w || (w.len() >= 4 && f.starts_with(w))
                    })
                    .fold(0u64, |acc, (i, _)| acc | (1 << i))
            })
            .collect();
        let id_query = q.replace(' ', "-");
        // ` word` found in `Keys::words` (SIMD substring search, built once a query).
        let spaced: Vec<String> = words.iter().map(|w| format!(" {w}")).collect();
        let finders: Vec<memchr::memmem::Finder<'_>> = spaced
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
            .collect();
        let mut hits: Vec<(u8, usize)> = Vec::with_capacity(256);
        for (i, k) in self.keys.iter().enumerate() {
            let s = &self.styles[i];
            let rank = if (is_issn && k.issns.contains(&issn))
                || k.title == q
                || (!k.short.is_empty() && k.short == q)
                || s.id == id_query
                || self
                    .aliases
                    .iter()
                    .any(|(a, t)| *a == id_query && *t == s.id)
            {
                0
            } else if k.title.starts_with(&q) || (!k.short.is_empty() && k.short.starts_with(&q)) {
                1
            } else {
                let mut all_words = true;
                let mut any_field = false;
                for (finder, bits) in finders.iter().zip(&field_bits) {
                    if finder.find(k.words.as_bytes()).is_some() {
                        continue;
                    }
                    if k.fields & bits != 0 {
                        any_field = true;
                        continue;
                    }
                    all_words = false;
                    break;
                }
                if !all_words {
                    continue;
                }
                if any_field {
                    3
                } else {
                    2
                }
            };
            hits.push((rank, i));
        }
        // Sort keys computed once per hit (a title's length in characters is
        // not free, and a short query matches thousands of styles); only the
        // best `limit` are sorted in full.
        let total = hits.len();
        let mut keyed: Vec<(u8, bool, usize, usize)> = hits
            .into_iter()
            .map(|(rank, i)| {
                let not_common = !self.common.iter().any(|c| *c == self.styles[i].id);
                (rank, not_common, self.keys[i].title_len, i)
            })
            .collect();
        let order = |a: &(u8, bool, usize, usize), b: &(u8, bool, usize, usize)| {
            (a.0, a.1, a.2)
                .cmp(&(b.0, b.1, b.2))
                .then_with(|| self.keys[a.3].title.cmp(&self.keys[b.3].title))
                .then_with(|| self.styles[a.3].id.cmp(&self.styles[b.3].id))
        };
        if limit < keyed.len() {
            keyed.select_nth_unstable_by(limit, order);
            keyed.truncate(limit);
        }
        keyed.sort_unstable_by(order);
        (
            keyed.into_iter().map(|k| &self.styles[k.3]).collect(),
            total,
        )
    }

    /// The styles nearest to a name that is not in the index, for "did you mean":
    /// ids and short names within a small edit distance, else the best search hits.
    pub fn suggest(&self, name: &str, limit: usize) -> Vec<&StyleInfo> {
        let id = normalize_name(name);
        if id.is_empty() {
            return Vec::new();
        }
        let max = (id.chars().count() / 4).clamp(1, 4);
        let mut near: Vec<(usize, &StyleInfo)> = Vec::new();
        for s in &self.styles {
            if let Some(d) = bounded_distance(&id, &s.id, max) {
                near.push((d, s));
            }
        }
        for (alias, target) in &self.aliases {
            if let (Some(d), Some(s)) = (bounded_distance(&id, alias, max), self.by_id(target)) {
                near.push((d, s));
            }
        }
        near.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        near.dedup_by(|a, b| a.1.id == b.1.id);
        if !near.is_empty() {
            return near.into_iter().take(limit).map(|(_, s)| s).collect();
        }
        self.search(&id.replace('-', " "), limit)
    }
}

/// The index set with [`set_index`] (the page loads `styles/index.json`).
fn registered() -> &'static std::sync::Mutex<Option<std::sync::Arc<Index>>> {
    static SET: std::sync::OnceLock<std::sync::Mutex<Option<std::sync::Arc<Index>>>> =
        std::sync::OnceLock::new();
    SET.get_or_init(Default::default)
}

/// Makes `index` the one that names resolve against (replacing one set before).
pub fn set_index(index: Index) {
    *registered().lock().unwrap_or_else(|e| e.into_inner()) = Some(std::sync::Arc::new(index));
}

/// The index that names resolve against: the one set with [`set_index`], else,
/// with the `style-pack` feature, the pack's, else none.
pub fn current() -> Option<std::sync::Arc<Index>> {
    if let Some(ix) = registered()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
    {
        return Some(ix);
    }
    #[cfg(feature = "style-pack")]
    if let Ok(pack) = crate::stylepack::embedded() {
        return Some(pack.index_arc());
    }
    None
}

/// `http://www.zotero.org/styles/APA.csl` → `apa`.
fn normalize_name(name: &str) -> String {
    let n = name.trim().trim_end_matches('/');
    let n = n.rsplit('/').next().unwrap_or(n);
    let n = n.strip_suffix(".csl").unwrap_or(n);
    n.to_ascii_lowercase()
}

/// `0929-1903` → `09291903`; `1234-567x` → `1234567X`.
fn issn_key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}'..='\u{2013}'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Lower case, accents off the common Latin letters, `&` as `and`, every run of
/// other punctuation and space as one space: `Zeitschrift für Physik` and
/// `zeitschrift fur physik` compare equal, and so do `Taylor & Francis` and
/// `taylor and francis`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    let push_word = |out: &mut String, c: char, space: &mut bool| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        out.push(c);
        *space = false;
    };
    for c in s.chars() {
        if c == '&' {
            for a in "and".chars() {
                push_word(&mut out, a, &mut space);
            }
            space = true;
            continue;
        }
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                push_word(&mut out, base_letter(l), &mut space);
            }
        } else if c == '\'' || c == '\u{2019}' {
            // "Children's" is one word.
        } else {
            space = true;
        }
    }
    out
}

/// The letter without its accent, for the Latin letters journal titles use.
fn base_letter(c: char) -> char {
    const MAP: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("ďđ", 'd'),
        ("èéêëēĕėęě", 'e'),
        ("ĝğġģ", 'g'),
        ("ĥħ", 'h'),
        ("ìíîïĩīĭįı", 'i'),
        ("ĵ", 'j'),
        ("ķ", 'k'),
        ("ĺļľŀł", 'l'),
        ("ñńņňŉ", 'n'),
        ("òóôõöøōŏő", 'o'),
        ("ŕŗř", 'r'),
        ("śŝşšș", 's'),
        ("ţťŧț", 't'),
        ("ùúûüũūŭůűų", 'u'),
        ("ŵ", 'w'),
        ("ýÿŷ", 'y'),
        ("źżž", 'z'),
    ];
    if c.is_ascii() {
        return c;
    }
    MAP.iter()
        .find(|(set, _)| set.contains(c))
        .map_or(c, |&(_, b)| b)
}

/// Levenshtein distance of `a` and `b` when it is at most `max`.
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        Index::from_json(
            r#"{"formats":["author-date","numeric","note","label","author"],
            "fields":["biology","generic-base","medicine"],
            "styles":[
              ["apa","American Psychological Association 7th edition","APA","","",2,0,"en-US","",100],
              ["nature-publishing-group-vancouver","Nature Publishing Group - Vancouver","","","",1,1,"","",50],
              ["cancer-gene-therapy","Cancer Gene Therapy","","0929-1903","1476-5500",5,1,"en-GB","nature-publishing-group-vancouver",0],
              ["cancer-cell","Cancer Cell","","","",1,0,"","nature-publishing-group-vancouver",0],
              ["gene-therapy","Gene Therapy","","","",1,1,"","nature-publishing-group-vancouver",0],
              ["zeitschrift-fur-medizinische-physik","Zeitschrift für Medizinische Physik","","","",4,1,"de-DE","apa",0],
              ["journal-of-cancer-research","Journal of Cancer Research & Therapy","","","",4,1,"","apa",0]
            ],
            "locales":[["en-US","English (US)","English (US)",10],["de-DE","Deutsch","German",9]],
            "aliases":{"psych":"apa"},"common":["apa"],"primaryDialects":{"de":"de-DE","en":"en-US"}}"#,
        )
        .unwrap()
    }

    fn ids(v: Vec<&StyleInfo>) -> Vec<&str> {
        v.into_iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn exact_title_then_prefix_then_words() {
        let ix = index();
        assert_eq!(
            ids(ix.search("Cancer Gene Therapy", 10)),
            ["cancer-gene-therapy"]
        );
        // "gene therapy": the exact title first, then the title that has both words.
        assert_eq!(
            ids(ix.search("gene therapy", 10)),
            ["gene-therapy", "cancer-gene-therapy"]
        );
        // Prefix before word matches; shorter titles first within a rank.
        assert_eq!(
            ids(ix.search("cancer", 10)),
            [
                "cancer-cell",
                "cancer-gene-therapy",
                "journal-of-cancer-research"
            ]
        );
    }

    #[test]
    fn issn_with_or_without_hyphen_and_accents_and_ampersand() {
        let ix = index();
        assert_eq!(ids(ix.search("0929-1903", 5)), ["cancer-gene-therapy"]);
        assert_eq!(ids(ix.search("14765500", 5)), ["cancer-gene-therapy"]);
        assert_eq!(
            ids(ix.search("zeitschrift fur", 5)),
            ["zeitschrift-fur-medizinische-physik"]
        );
        assert_eq!(
            ids(ix.search("research and therapy", 5)),
            ["journal-of-cancer-research"]
        );
    }

    #[test]
    fn fields_match_after_words() {
        let ix = index();
        // "medicine" is no title word: the styles of that field.
        assert_eq!(
            ids(ix.search("medicine", 10)),
            [
                "cancer-gene-therapy",
                "zeitschrift-fur-medizinische-physik",
                "journal-of-cancer-research"
            ]
        );
        assert_eq!(
            ids(ix.search("cancer medicine", 10)),
            ["cancer-gene-therapy", "journal-of-cancer-research"]
        );
    }

    #[test]
    fn names_resolve_and_suggest() {
        let ix = index();
        assert_eq!(ix.get("APA").unwrap().id, "apa");
        assert_eq!(ix.get("psych").unwrap().id, "apa");
        assert_eq!(
            ix.get("http://www.zotero.org/styles/cancer-gene-therapy")
                .unwrap()
                .formatting_id(),
            "nature-publishing-group-vancouver"
        );
        assert!(ix.get("cancer-gene").is_none());
        assert_eq!(
            ids(ix.suggest("cancer-gene-therap", 3)),
            ["cancer-gene-therapy"]
        );
        assert_eq!(ids(ix.suggest("gene-therapie", 3))[0], "gene-therapy");
        // Nothing near: the search for its words.
        assert_eq!(
            ids(ix.suggest("physik", 3)),
            ["zeitschrift-fur-medizinische-physik"]
        );
        assert_eq!(ids(ix.search("", 5)), ["apa"]);
    }

    #[test]
    fn locales_fall_back_to_the_primary_dialect() {
        let ix = index();
        assert_eq!(ix.locale("de").unwrap().code, "de-DE");
        assert_eq!(ix.locale("de_AT").unwrap().code, "de-DE");
        assert_eq!(ix.locale("EN-us").unwrap().code, "en-US");
        assert!(ix.locale("xx").is_none());
    }

    #[test]
    fn bad_index_is_an_error() {
        assert!(Index::from_json("{}").is_err());
        assert!(Index::from_json("[1,2]").is_err());
    }

    #[test]
    fn fold_and_distance() {
        assert_eq!(
            fold("  Über-Größe: Ärzte & Co. "),
            "uber große arzte and co"
        );
        assert_eq!(fold("Children's Health"), "childrens health");
        assert_eq!(bounded_distance("apa", "apa", 1), Some(0));
        assert_eq!(bounded_distance("ieee", "iee", 1), Some(1));
        assert_eq!(bounded_distance("nature", "cell", 2), None);
    }
}
