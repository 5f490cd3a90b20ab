//! The tag table: which CSL variable each RIS tag fills, per reference type.
//!
//! One table drives both directions: [`crate::ris::read`] looks up (type, tag) →
//! target, and [`crate::write::ris`] looks up (type, target) → tag, so a RIS → RIS
//! round trip writes each value back under the tag it came from. Rows are tried in
//! order; the first whose type list contains the record's `TY` (or that applies to
//! all types) wins, so type-specific rows come before general ones.
//!
//! The meanings are those of the 2011 RIS specification sheets (RefMan, "RIS Format
//! Specifications", one sheet per type; copied in `shared/corpus/ris-spec-2011`).
//! Where real exporters disagree with the sheets, the row says so in its `note`,
//! and `docs/MAPPING.md` lists every such departure.

use crate::ris::tag::{slot, Tag};

/// What a tag's value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary or number CSL variable; a second value goes to extras.
    Text,
    /// A CSL variable where repeated tags are joined (notes).
    Joined,
    /// A CSL name variable; one name per tag, or several separated by `;`.
    Name,
    /// A CSL date variable.
    Date,
    /// The first page (`SP`), or a whole range.
    PageStart,
    /// The last page (`EP`).
    PageEnd,
    /// `KW`: one keyword per tag (or several separated by `;` / newlines).
    Keyword,
    /// `DO`: a DOI, cleaned of `https://doi.org/` and `doi:`.
    Doi,
    /// `SN`: ISSN and/or ISBN told apart by pattern; the variable is the type's default.
    Serial,
    /// `UR` and friends: the first URL is `URL`, others are kept as extras.
    Url,
    /// `ID`: a citation-key hint.
    Id,
    /// A journal/secondary title: fills `var` only when it is still empty, so an
    /// empty or later `T2` never erases `JO`.
    Container,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The RIS tag.
    pub tag: &'static str,
    /// The `TY` codes this row applies to; empty = every type.
    pub types: &'static [&'static str],
    /// The CSL variable (for names, the role; for dates, the date variable).
    pub var: &'static str,
    /// How the value is read.
    pub kind: Kind,
    /// The meaning in the 2011 specification for these types (documentation, and checked
    /// against the sheets by a test).
    pub meaning: &'static str,
    /// False for rows only read, never written (aliases such as `A1`, `JF`, `Y1`),
    /// so the writer uses the canonical tag.
    pub write: bool,
}

const fn row(
    tag: &'static str,
    types: &'static [&'static str],
    var: &'static str,
    kind: Kind,
    meaning: &'static str,
) -> Row {
    Row {
        tag,
        types,
        var,
        kind,
        meaning,
        write: true,
    }
}

const fn alias(
    tag: &'static str,
    types: &'static [&'static str],
    var: &'static str,
    kind: Kind,
    meaning: &'static str,
) -> Row {
    Row {
        write: false,
        ..row(tag, types, var, kind, meaning)
    }
}

use Kind::*;

// Type groups (RIS 2011 type codes plus variants seen in the wild).
const JOURNAL: &[&str] = &["JOUR", "ABST", "INPR", "JFULL", "EJOUR"];
const PERIODICAL: &[&str] = &["JOUR", "ABST", "INPR", "JFULL", "EJOUR", "MGZN", "NEWS"];
const CONFERENCE: &[&str] = &["CONF", "CPAPER"];
const REPORT: &[&str] = &["RPRT", "GOVDOC"];
const NUMBER_PAGES: &[&str] = &["BOOK", "EBOOK", "EDBOOK", "CLSWK", "THES"];

/// The table. Order matters: the first matching row wins.
#[rustfmt::skip]
pub static TABLE: &[Row] = &[
    // --- Names -------------------------------------------------------------------
    row("AU", &["EDBOOK"], "editor", Name, "Editor"),
    row("AU", &["MPCT", "ADVS", "VIDEO"], "director", Name, "Director"),
    row("AU", &["MUSIC", "SOUND"], "composer", Name, "Composer (SOUND: Author; a recording's author is its composer, as Zotero reads it)"),
    row("AU", &[], "author", Name, "Author"),
    row("A2", &["BOOK", "CLSWK", "COMP", "EDBOOK", "MAP", "MULTI", "RPRT", "UNPB", "ELEC", "WEB"], "collection-editor", Name, "Series Editor"),
    row("A2", &["ADVS", "SLIDE", "SOUND", "VIDEO"], "performer", Name, "Performers"),
    row("A2", &["PCOMM", "ICOMM"], "recipient", Name, "Recipient"),
    row("A2", &["BILL", "UNBILL"], "author", Name, "Sponsor (CSL has no sponsor; a bill's sponsor stands as its author)"),
    row("A2", &["CASE"], "container-title", Text, "Reporter (the law report series, not a person)"),
    row("A2", &["DATA"], "producer", Name, "Producer"),
    row("A2", &["MPCT"], "series-creator", Name, "Series Director"),
    row("A2", &["PAT", "LEGAL", "CTLG", "PAMP", "CHART", "EQUA", "FIGURE", "GOVDOC"], "contributor", Name, "Issuing Organization / Institution / Name of File / Department"),
    row("A2", &[], "editor", Name, "Editor / Secondary Author"),
    row("A3", &["THES"], "contributor", Name, "Advisor"),
    row("A3", &["BOOK"], "editor", Name, "Editor"),
    row("A3", &["MPCT"], "producer", Name, "Producer"),
    row("A3", &["BLOG"], "illustrator", Name, "Illustrator"),
    row("A3", &["RPRT", "CASE", "PAT", "GEN"], "contributor", Name, "Publisher / Higher Court / International Author / Tertiary Author"),
    row("A3", &[], "collection-editor", Name, "Series Editor"),
    row("A4", &["MPCT"], "performer", Name, "Performers"),
    row("A4", &["MUSIC"], "producer", Name, "Producer"),
    row("A4", &["DATA"], "contributor", Name, "Funding Agency (CSL has no funder)"),
    row("A4", &["CONF", "CASE", "GEN", "RPRT", "SER"], "contributor", Name, "Sponsor / Counsel / Subsidiary Author / Department / Volume Editor"),
    row("A4", &[], "translator", Name, "Translator"),
    row("ED", &[], "editor", Name, "Editor (old spec)"),
    // --- Titles ------------------------------------------------------------------
    row("TI", &[], "title", Text, "Title"),
    alias("CT", &[], "title", Text, "Title of unpublished reference (old spec)"),
    row("ST", &[], "title-short", Text, "Short Title"),
    row("TT", &[], "original-title", Text, "Translated Title"),
    row("T2", &["BOOK", "CTLG", "CLSWK", "COMP", "MAP", "RPRT", "UNPB", "SER", "EDBOOK", "EBOOK"], "collection-title", Container, "Series Title / Secondary Title"),
    row("C3", CONFERENCE, "container-title", Container, "Proceedings Title"),
    row("T2", CONFERENCE, "container-title", Container, "Conference Name (the container when there is no C3, as IEEE Xplore exports it)"),
    row("T2", &["THES"], "department", Container, "Academic Department"),
    row("T2", &["HEAR"], "section", Container, "Committee"),
    row("T2", &[], "container-title", Container, "Journal / Book Title / Periodical / Secondary Title"),
    row("JO", &[], "container-title", Container, "Periodical name, full (old spec; Zotero and EndNote export)"),
    alias("JF", &[], "container-title", Container, "Periodical name, full (old spec)"),
    alias("BT", &["CHAP", "ECHAP", "CONF", "CPAPER"], "container-title", Container, "Book title (old spec)"),
    alias("BT", &[], "title", Container, "Title (old spec, whole books)"),
    row("J2", &[], "container-title-short", Container, "Alternate Journal / Abbreviation"),
    alias("JA", &[], "container-title-short", Container, "Periodical name, standard abbreviation (old spec)"),
    alias("J1", &[], "container-title-short", Container, "Periodical name, user abbreviation 1 (old spec)"),
    row("T3", &["CONF", "CPAPER"], "collection-title", Text, "Series Title"),
    row("T3", &["EJOUR"], "container-title", Container, "Website Title"),
    row("T3", &["BILL", "UNBILL", "HEAR", "PAT", "STAT", "STAND", "LEGAL", "CASE", "UNPB", "BLOG"], "authority", Text, "Legislative Body / Decision / Paper Number / Department"),
    row("T3", &[], "collection-title", Text, "Series Title / Tertiary Title"),
    // --- Dates -------------------------------------------------------------------
    row("PY", &[], "issued", Date, "Year"),
    row("DA", &["AGGR", "EJOUR", "EBOOK", "ECHAP", "DBASE", "MULTI"], "accessed", Date, "Date Accessed"),
    row("DA", &[], "issued", Date, "Date / Last Update Date / Date Decided / Date Enacted / Date Released"),
    alias("Y1", &[], "issued", Date, "Primary Date (old spec)"),
    row("Y2", &["STAT"], "original-date", Date, "Date Enacted"),
    row("Y2", &[], "accessed", Date, "Access Date"),
    row("ET", &["ABST", "INPR", "JFULL", "JOUR"], "available-date", Date, "Epub Date"),
    row("ET", &["AGGR", "DBASE"], "available-date", Date, "Date Published"),
    // --- Container numbers -------------------------------------------------------
    row("VL", &["THES"], "genre", Text, "Degree"),
    row("VL", &["COMP"], "version", Text, "Edition"),
    row("VL", &["PAMP", "LEGAL", "STAND", "PAT"], "number", Text, "Number / Rule Number / Patent Version Number"),
    row("VL", &[], "volume", Text, "Volume"),
    row("IS", &["CHAP"], "number-of-volumes", Text, "Number of Volumes"),
    row("IS", &[], "issue", Text, "Issue"),
    alias("CP", &[], "issue", Text, "Issue (old spec)"),
    row("NV", &["CASE", "CTLG", "DATA", "EJOUR", "MANSCPT", "PCOMM", "ICOMM", "STAT"], "number", Text, "Reporter Abbreviation / Catalog / Study / Document Number"),
    row("NV", &["RPRT"], "collection-number", Text, "Series Volume"),
    row("NV", &["EBOOK"], "version", Text, "Version"),
    row("NV", &[], "number-of-volumes", Text, "Number of Volumes"),
    row("SP", NUMBER_PAGES, "number-of-pages", PageStart, "Number of Pages (a range is read as pages)"),
    row("SP", &[], "page", PageStart, "Pages / Start Page"),
    row("EP", &[], "page", PageEnd, "End Page"),
    row("SE", &["CHAP", "SER"], "chapter-number", Text, "Chapter"),
    row("SE", &["GEN", "GOVDOC", "MUSIC", "NEWS", "STAT", "LEGAL", "STAND", "BILL", "UNBILL"], "section", Text, "Section"),
    row("SV", &[], "collection-number", Text, "Series Volume"),
    row("M1", &["BOOK", "CTLG", "CLSWK", "EDBOOK", "PAMP", "SER"], "collection-number", Text, "Series Volume"),
    row("M1", &["CONF", "EJOUR", "GOVDOC", "MGZN"], "issue", Text, "Issue"),
    row("M1", &["JOUR", "ABST", "INPR", "JFULL"], "issue", Container, "(not on the journal sheet; EndNote writes the issue here)"),
    row("M1", &["ECHAP"], "chapter-number", Text, "Chapter"),
    row("M1", &["ADVS", "SLIDE", "SOUND", "VIDEO", "CHART", "DICT", "EQUA", "FIGURE", "GEN", "UNPB", "BILL", "UNBILL", "HEAR", "RPRT", "THES", "STAT", "PAT", "AGGR", "ANCIENT", "MANSCPT", "PCOMM", "ICOMM"], "number", Text, "Number / Bill / Document / Application / Public Law Number"),
    row("M1", &["GRANT"], "status", Text, "Status"),
    row("M3", &["THES", "RPRT", "PAT", "MAP", "COMP", "PCOMM", "ICOMM", "MANSCPT", "UNPB", "GEN"], "genre", Text, "Type of Work / Thesis Type / Patent Type"),
    row("M3", &["ADVS", "SLIDE", "SOUND", "VIDEO", "MPCT", "MUSIC", "BLOG", "EBOOK", "ELEC", "WEB", "MULTI"], "medium", Text, "Medium / Type of Medium"),
    // --- Identifiers -------------------------------------------------------------
    row("DO", &[], "DOI", Doi, "DOI"),
    row("SN", REPORT, "number", Serial, "Report Number"),
    row("SN", &["DBASE", "PAT", "LEGAL", "STAND"], "number", Serial, "Report / Patent / Document Number"),
    row("SN", PERIODICAL, "ISSN", Serial, "ISSN"),
    row("SN", &["DATA"], "ISSN", Serial, "ISSN"),
    row("SN", &[], "ISBN", Serial, "ISBN (or ISSN by pattern)"),
    row("AN", &[], "archive_location", Text, "Accession Number"),
    row("CN", &[], "call-number", Text, "Call Number"),
    row("C2", JOURNAL, "PMCID", Text, "PMCID"),
    row("C3", &["EJOUR"], "PMCID", Text, "PMCID"),
    row("C7", JOURNAL, "number", Text, "Article Number"),
    row("ID", &[], "id", Id, "Reference ID (citation-key hint)"),
    // --- Publication -------------------------------------------------------------
    row("PB", &[], "publisher", Text, "Publisher / University / Institution / Court / Assignee"),
    alias("I2", &[], "publisher", Text, "Publisher (BibTeX-converted exports)"),
    row("CY", CONFERENCE, "event-place", Text, "Conference Location"),
    row("CY", &[], "publisher-place", Text, "City / Place Published"),
    alias("PP", &[], "publisher-place", Text, "Place of Publication (old spec)"),
    row("C1", CONFERENCE, "publisher-place", Text, "Place Published"),
    row("ET", &["ANCIENT", "ART", "ADVS", "SLIDE", "SOUND", "VIDEO", "BLOG", "BOOK", "CHAP", "CTLG", "CLSWK", "CONF", "DICT", "EDBOOK", "EJOUR", "EBOOK", "ECHAP", "ENCYC", "MPCT", "GEN", "GOVDOC", "LEGAL", "MGZN", "MAP", "MUSIC", "NEWS", "PAMP", "RPRT", "SER", "ELEC", "WEB"], "edition", Text, "Edition"),
    row("ET", &["CHART", "COMP", "DATA", "EQUA", "FIGURE"], "version", Text, "Version"),
    row("LA", &[], "language", Text, "Language"),
    row("DB", &[], "archive", Text, "Name of Database"),
    row("DP", &[], "source", Text, "Database Provider"),
    row("OP", &["ANCIENT", "BOOK", "CHAP", "CTLG", "CLSWK", "DICT", "EDBOOK", "EBOOK", "ECHAP", "ENCYC", "GEN", "ABST", "INPR", "JFULL", "JOUR", "MGZN", "MUSIC", "PAMP", "SER"], "original-title", Text, "Original Publication"),
    row("RI", &["STAT"], "number", Text, "Article Number"),
    row("OP", &["PAT"], "issue", Text, "Priority Numbers (no CSL variable; Zotero's CSL mapping uses issue)"),
    row("RI", &[], "reviewed-title", Text, "Reviewed Item"),
    row("C1", &["MAP"], "scale", Text, "Scale"),
    row("C1", &["NEWS"], "section", Text, "Column"),
    row("C2", &["NEWS"], "issue", Text, "Issue"),
    row("C3", &["ART", "ADVS", "SLIDE", "SOUND", "VIDEO", "MAP"], "dimensions", Text, "Size/Length"),
    row("C5", &["STAT"], "publisher", Text, "Publisher"),
    row("C6", &["PAT"], "status", Text, "Legal Status"),
    row("C6", &["RPRT"], "issue", Text, "Issue"),
    // --- Content -----------------------------------------------------------------
    row("AB", &[], "abstract", Text, "Abstract"),
    alias("N2", &[], "abstract", Text, "Abstract (old spec)"),
    row("N1", &[], "note", Joined, "Notes"),
    row("RN", &[], "annote", Joined, "Research Notes"),
    row("KW", &[], "keyword", Keyword, "Keywords"),
    row("UR", &[], "URL", Url, "URL"),
    alias("LK", &[], "URL", Url, "Website Link (old spec)"),
    row("L4", &["HEAR"], "URL", Url, "URL"),
];

/// Every tag any exporter is known to write, for telling tags from text in
/// collapsed lines and single-space tag lines (RIS 2011 tag list, old-spec tags,
/// and common vendor tags such as Web of Science's `H1`, `U1`–`U5`).
pub static KNOWN_TAGS: &[&str] = &[
    "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "BT", "C1", "C2", "C3", "C4", "C5", "C6", "C7",
    "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DO", "DP", "ED", "EP", "ER", "ET", "H1", "H2",
    "I2", "ID", "IS", "J1", "J2", "JA", "JF", "JO", "KW", "L1", "L2", "L3", "L4", "LA", "LB", "LK",
    "M1", "M2", "M3", "N1", "N2", "NV", "OP", "PB", "PP", "PY", "RI", "RN", "RP", "SE", "SN", "SP",
    "ST", "SV", "T1", "T2", "T3", "TA", "TI", "TT", "TY", "U1", "U2", "U3", "U4", "U5", "UR", "VL",
    "VO", "Y1", "Y2", "Y3",
];

/// Per tag: whether it is known, and the indices of its rows in table order. Built
/// once; the reader looks up every line of every record here.
struct Index {
    known: Vec<bool>,
    rows: Vec<Vec<u16>>,
}

fn index() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut known = vec![false; 26 * 36];
        for t in KNOWN_TAGS {
            if let Some(i) = slot(t) {
                known[i] = true;
            }
        }
        let mut rows = vec![Vec::new(); 26 * 36];
        for (n, r) in TABLE.iter().enumerate() {
            if let Some(i) = slot(r.tag) {
                rows[i].push(n as u16);
            }
        }
        Index { known, rows }
    })
}

/// True for tags in [`KNOWN_TAGS`].
pub fn is_known_tag(tag: &str) -> bool {
    slot(tag).is_some_and(|i| index().known[i])
}

/// Position of a row of [`TABLE`] (its priority: lower comes first).
pub fn position(row: &Row) -> usize {
    (row as *const Row as usize - TABLE.as_ptr() as usize) / std::mem::size_of::<Row>()
}

/// Old-spec tags read exactly like their 2011 successor, type-specific rows included
/// (RIS 2011 keeps them "for compatibility": A1 = AU, T1 = TI).
pub static ALIASES: &[(&str, &str)] = &[("A1", "AU"), ("T1", "TI")];

/// The 2011 tag an old-spec alias stands for (or the tag itself).
pub fn canonical(tag: &str) -> &str {
    ALIASES
        .iter()
        .find(|(a, _)| *a == tag)
        .map(|(_, c)| *c)
        .unwrap_or(tag)
}

/// The first row for (`ty`, `tag`), from the per-type tables of [`TypeRows`].
pub fn lookup(ty: &str, tag: &str) -> Option<&'static Row> {
    TypeRows::of(ty).get(tag)
}

/// [`lookup`] row by row: what the per-type tables are built from, and the
/// answer for a type code that has no table.
fn scan(ty: &str, tag: &str) -> Option<&'static Row> {
    let i = slot(canonical(tag))?;
    index().rows[i]
        .iter()
        .map(|&n| &TABLE[n as usize])
        .find(|r| r.types.is_empty() || r.types.contains(&ty))
}

/// The rows of one record type, resolved for every tag in advance: the reader
/// asks for every line of every record, and comparing type codes row by row was
/// a tenth of reading. A record keeps its `TypeRows` for all its lines.
#[derive(Clone, Copy)]
pub struct TypeRows<'a> {
    ty: &'a str,
    /// Per tag slot: the row index plus one, 0 for none (`None` for a type code
    /// that is not in [`TYPES`]: looked up row by row).
    rows: Option<&'static [u16]>,
}

impl<'a> TypeRows<'a> {
    /// The rows of a (canonical) type code.
    pub fn of(ty: &'a str) -> TypeRows<'a> {
        /// Type code → row index plus one per tag slot, sorted by code.
        type ByType = Vec<(&'static str, Box<[u16]>)>;
        static BY_TYPE: std::sync::OnceLock<ByType> = std::sync::OnceLock::new();
        let all = BY_TYPE.get_or_init(|| {
            let mut codes: Vec<&'static str> =
                TYPES.iter().map(|(r, _)| canonical_type(r)).collect();
            codes.push("GEN");
            codes.sort_unstable();
            codes.dedup();
            codes
                .into_iter()
                .map(|code| {
                    let rows = (0..26 * 36)
                        .map(|i| {
                            let tag = Tag::from_slot(i);
                            scan(code, tag.as_str()).map_or(0, |r| position(r) as u16 + 1)
                        })
                        .collect();
                    (code, rows)
                })
                .collect()
        });
        match all.binary_search_by(|(c, _)| (*c).cmp(ty)) {
            Ok(i) => TypeRows {
                ty,
                rows: Some(&all[i].1),
            },
            Err(_) => TypeRows { ty, rows: None },
        }
    }

    /// The first row for `tag` in this type.
    pub fn get(&self, tag: &str) -> Option<&'static Row> {
        match self.rows {
            Some(rows) => {
                let n = rows[slot(tag)?];
                (n > 0).then(|| &TABLE[usize::from(n - 1)])
            }
            None => scan(self.ty, tag),
        }
    }
}

/// The row whose tag the writer uses for variable `var` in a record of type `ty`: the
/// first row of that type whose target is `var` and which the reader maps back to
/// `var` (so the round trip is exact).
pub fn tag_for(ty: &str, var: &str) -> Option<&'static Row> {
    let round_trips = |r: &&'static Row| {
        r.var == var
            && (r.types.is_empty() || r.types.contains(&ty))
            && lookup(ty, r.tag).map(|b| std::ptr::eq(b, *r)) == Some(true)
    };
    // Canonical tags first; an old-spec alias only when no 2011 tag of this type
    // reads back as `var` (CHAP: `IS` is Number of Volumes, so the issue goes to `CP`).
    TABLE
        .iter()
        .filter(|r| r.write)
        .find(round_trips)
        .or_else(|| TABLE.iter().find(round_trips))
}

/// RIS type → CSL type. RIS 2011 types, their common variants, and the CSL type
/// Zotero's importer gives them (the strongest second opinion).
pub static TYPES: &[(&str, &str)] = &[
    ("ABST", "article-journal"),
    ("ADVS", "motion_picture"),
    ("AGGR", "dataset"),
    ("ANCIENT", "classic"),
    ("ART", "graphic"),
    ("BILL", "bill"),
    ("BLOG", "post-weblog"),
    ("BOOK", "book"),
    ("CASE", "legal_case"),
    ("CHAP", "chapter"),
    ("CHART", "figure"),
    ("CLSWK", "classic"),
    ("COMP", "software"),
    ("CONF", "paper-conference"),
    ("CPAPER", "paper-conference"),
    ("CTLG", "collection"),
    ("DATA", "dataset"),
    ("DBASE", "dataset"),
    ("DICT", "entry-dictionary"),
    ("EBOOK", "book"),
    ("ECHAP", "chapter"),
    ("EDBOOK", "book"),
    ("EJOUR", "article-journal"),
    ("ELEC", "webpage"),
    ("ENCYC", "entry-encyclopedia"),
    ("EQUA", "document"),
    ("FIGURE", "figure"),
    ("GEN", "document"),
    ("GOVDOC", "report"),
    ("GRANT", "document"),
    ("GRNT", "document"),
    ("HEAR", "hearing"),
    ("ICOMM", "personal_communication"),
    ("INPR", "article-journal"),
    ("JFULL", "periodical"),
    ("JOUR", "article-journal"),
    ("LEGAL", "regulation"),
    ("MANSCPT", "manuscript"),
    ("MAP", "map"),
    ("MGZN", "article-magazine"),
    ("MPCT", "motion_picture"),
    ("MULTI", "motion_picture"),
    ("MUSIC", "song"),
    ("NEWS", "article-newspaper"),
    ("PAMP", "pamphlet"),
    ("PAT", "patent"),
    ("PCOMM", "personal_communication"),
    ("RPRT", "report"),
    ("SER", "book"),
    ("SLIDE", "speech"),
    ("SOUND", "song"),
    ("STAND", "standard"),
    ("STAT", "legislation"),
    ("THES", "thesis"),
    ("UNBILL", "bill"),
    ("UNPB", "manuscript"),
    ("UNPD", "manuscript"),
    ("VIDEO", "motion_picture"),
    ("WEB", "webpage"),
];

/// Type codes seen in the wild that stand for a 2011 code (library catalogues write
/// `Journ`, `Chap`; some tools write whole words).
pub static TYPE_ALIASES: &[(&str, &str)] = &[
    ("JOURN", "JOUR"),
    ("JOURNAL", "JOUR"),
    ("ARTICLE", "JOUR"),
    ("CHAPTER", "CHAP"),
    ("THESIS", "THES"),
    ("REPORT", "RPRT"),
    ("PATENT", "PAT"),
    ("CONFERENCE", "CONF"),
];

/// The 2011 code a type code stands for (itself when it is one).
pub fn canonical_type(ris: &str) -> &str {
    TYPE_ALIASES
        .iter()
        .find(|(a, _)| *a == ris)
        .map(|(_, c)| *c)
        .unwrap_or(ris)
}

/// The CSL type of a RIS type code, if known.
pub fn csl_type(ris: &str) -> Option<&'static str> {
    let ris = canonical_type(ris);
    TYPES.iter().find(|(r, _)| *r == ris).map(|(_, c)| *c)
}

/// The RIS type to write for a CSL type (when the reference did not come from RIS).
pub fn ris_type_for(csl: &str) -> &'static str {
    match csl {
        "article" | "article-journal" | "review" => "JOUR",
        "periodical" => "SER",
        "dataset" => "DATA",
        "post" => "ICOMM",
        "speech" => "SLIDE",
        "interview" | "event" | "performance" | "treaty" | "document" => "GEN",
        "legislation" => "STAT",
        "regulation" => "LEGAL",
        "review-book" => "BOOK",
        "classic" => "CLSWK",
        "collection" => "CTLG",
        _ => TYPES
            .iter()
            .find(|(_, c)| *c == csl)
            .map(|(r, _)| *r)
            .unwrap_or("GEN"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-type tables answer as the row-by-row scan, for every type and tag.
    #[test]
    fn type_rows_equal_scan() {
        let mut codes: Vec<&str> = TYPES.iter().map(|(r, _)| *r).collect();
        codes.extend(["GEN", "NOPE", ""]);
        for code in codes {
            let ty = canonical_type(code);
            let rows = TypeRows::of(ty);
            for i in 0..26 * 36 {
                let tag = Tag::from_slot(i);
                let a = rows.get(tag.as_str()).map(position);
                let b = scan(ty, tag.as_str()).map(position);
                assert_eq!(a, b, "{ty} {tag}");
            }
            assert!(rows.get("a1").is_none() && rows.get("").is_none());
        }
    }

    #[test]
    fn known_tags_are_unique_well_formed_and_indexed() {
        let mut v = KNOWN_TAGS.to_vec();
        v.sort();
        v.dedup();
        assert_eq!(v.len(), KNOWN_TAGS.len(), "duplicate known tag");
        for t in KNOWN_TAGS {
            assert!(slot(t).is_some() && is_known_tag(t), "{t}");
        }
    }

    #[test]
    fn position_is_the_index() {
        for (n, r) in TABLE.iter().enumerate() {
            assert_eq!(position(r), n);
        }
        assert!(
            is_known_tag("TY") && is_known_tag("C8") && !is_known_tag("XY") && !is_known_tag("ty")
        );
    }

    #[test]
    fn every_table_tag_is_known() {
        for r in TABLE {
            assert!(is_known_tag(r.tag), "{}", r.tag);
        }
    }

    #[test]
    fn type_specific_rows_win() {
        assert_eq!(lookup("JOUR", "T2").unwrap().var, "container-title");
        assert_eq!(lookup("BOOK", "T2").unwrap().var, "collection-title");
        assert_eq!(lookup("THES", "PB").unwrap().var, "publisher");
        assert_eq!(lookup("BOOK", "A3").unwrap().var, "editor");
        assert_eq!(lookup("CHAP", "A3").unwrap().var, "collection-editor");
    }

    #[test]
    fn writer_tag_maps_back_to_same_variable() {
        for (ty, _) in TYPES {
            for r in TABLE {
                if let Some(w) = tag_for(ty, r.var) {
                    assert_eq!(lookup(ty, w.tag).unwrap().var, r.var, "{ty} {}", r.var);
                }
            }
        }
    }
}
