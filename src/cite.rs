//! Formatted citations: CSL-JSON items → hayagriva → text, HTML and Markdown.
//!
//! Formatting goes through [hayagriva]'s `BibliographyDriver`, which is a CSL
//! 1.0.2 processor; this module does not interpret CSL itself. What it does:
//!
//! * finds styles and locales by name ([`Style::named`]): every style of the
//!   CSL repository, dependent ones through their parent. The styles come from,
//!   in this order, those added at run time ([`add_style`], what the page does
//!   with the files it fetches), the ones built in (APA and en-US always; with
//!   the `bundled-styles` feature nine more styles and four more locales), and
//!   with the `style-pack` feature all 2,851 independent styles and 63 locales
//!   (`styles/pack.bin`, see [`crate::stylepack`]). Each is parsed once per
//!   process and cached;
//! * parses a user's `.csl` file, resolving a dependent style to its parent,
//!   and reports malformed XML with line and column;
//! * hands items to hayagriva in a shape it cannot choke on ([`sanitize`]):
//!   hayagriva panics on date ranges and on out-of-range date parts, and
//!   rejects a whole item when one field has an unexpected JSON type;
//! * writes the rendered elements as plain text, escaped HTML and Markdown,
//!   printing the citation-number label of numeric styles itself.
//!
//! Every known difference from citeproc-js, the reference processor, is listed
//! with its cause in `tests/conformance/DIFFERENCES.md`.

use crate::diag::Position;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::{
    FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleCode, LocaleFile,
    TextDecoration, VerticalAlign,
};
use hayagriva::IndexedItem;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, Formatted, Formatting,
};
use serde_json::{Map, Value};

use crate::styles::Index;

// ---------------------------------------------------------------- built-in styles

/// A style built into citris.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledStyle {
    /// citris's name for it (`apa`, `mla`, …): its repository id, or a short
    /// name that stands for it.
    pub name: &'static str,
    /// Its id in the CSL styles repository (`modern-language-association`).
    pub id: &'static str,
    /// Human-readable title, as in the style's `<title>`.
    pub title: &'static str,
}

struct BundledData {
    style: BundledStyle,
    xml: &'static str,
}

macro_rules! bundled {
    ($konst:ident: $( $name:literal, $id:literal, $title:literal, $file:literal; )*) => {
        const $konst: &[BundledData] = &[
            $( BundledData {
                style: BundledStyle { name: $name, id: $id, title: $title },
                xml: include_str!(concat!("../styles/", $file)),
            }, )*
        ];
    };
}

// The default style: what the page formats with before anything is fetched.
bundled! { BUNDLED_FIRST:
    "apa", "apa", "APA Style 7th edition", "apa.csl";
}

#[cfg(feature = "bundled-styles")]
bundled! { BUNDLED_MORE:
    "mla", "modern-language-association", "MLA Handbook 9th edition (in-text citations)", "mla.csl";
    "chicago-author-date", "chicago-author-date", "Chicago Manual of Style 18th edition (author-date)", "chicago-author-date.csl";
    "chicago-notes-bibliography", "chicago-notes-bibliography", "Chicago Manual of Style 18th edition (notes and bibliography)", "chicago-notes-bibliography.csl";
    "ieee", "ieee", "IEEE Reference Guide version 11.29.2023", "ieee.csl";
    "vancouver", "nlm-citation-sequence", "NLM/Vancouver: Citing Medicine 2nd edition (citation-sequence)", "vancouver.csl";
    "harvard", "harvard-cite-them-right", "Cite Them Right 12th edition (author-date/Harvard)", "harvard.csl";
    "nature", "nature", "Nature", "nature.csl";
    "ama", "american-medical-association", "AMA Manual of Style 11th edition", "ama.csl";
    "acs", "american-chemical-society", "ACS Guide 2022 revision", "acs.csl";
}
#[cfg(not(feature = "bundled-styles"))]
const BUNDLED_MORE: &[BundledData] = &[];

fn bundled_data() -> impl Iterator<Item = &'static BundledData> {
    BUNDLED_FIRST.iter().chain(BUNDLED_MORE)
}

const LOCALE_FIRST: &[(&str, &str)] =
    &[("en-US", include_str!("../styles/locales/locales-en-US.xml"))];

#[cfg(feature = "bundled-styles")]
const LOCALE_MORE: &[(&str, &str)] = &[
    ("en-GB", include_str!("../styles/locales/locales-en-GB.xml")),
    ("de-DE", include_str!("../styles/locales/locales-de-DE.xml")),
    ("fr-FR", include_str!("../styles/locales/locales-fr-FR.xml")),
    ("es-ES", include_str!("../styles/locales/locales-es-ES.xml")),
];
#[cfg(not(feature = "bundled-styles"))]
const LOCALE_MORE: &[(&str, &str)] = &[];

fn bundled_locale_xml(code: &str) -> Option<&'static str> {
    LOCALE_FIRST
        .iter()
        .chain(LOCALE_MORE)
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, xml)| *xml)
}

/// The styles built into citris, in the order the CLI lists them.
pub fn bundled_styles() -> &'static [BundledStyle] {
    static LIST: OnceLock<Vec<BundledStyle>> = OnceLock::new();
    LIST.get_or_init(|| bundled_data().map(|d| d.style).collect())
}

/// The locales built into citris (`en-US` first; it is the fallback).
pub fn bundled_locales() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        LOCALE_FIRST
            .iter()
            .chain(LOCALE_MORE)
            .map(|(c, _)| *c)
            .collect()
    })
}

// ---------------------------------------------------------------- errors

/// What went wrong, for code that acts on it (the page fetches a missing style
/// or locale and tries again; the CLI prints suggestions).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CiteErrorKind {
    /// No style has this name; the nearest ids, best first.
    UnknownStyle {
        /// Ids to suggest.
        suggestions: Vec<String>,
    },
    /// The style is known but its file is not loaded here: add it with
    /// [`add_style`] (the page fetches `styles/ID.csl`).
    NeedsStyle {
        /// The independent style to add.
        id: String,
    },
    /// The locale exists but is not loaded here: add it with [`add_locale`].
    NeedsLocale {
        /// The locale file's code (`de-DE`).
        code: String,
    },
    /// The name is not built in and no style index is loaded to look it up:
    /// load one with [`crate::styles::set_index`].
    NeedsIndex,
    /// No locale has this code.
    UnknownLocale,
    /// The style is not valid CSL, or uses what the formatter cannot do.
    BadStyle,
    /// The locale file is not valid.
    BadLocale,
    /// An item cannot be read.
    BadItem,
    /// The formatter failed.
    Engine,
}

impl CiteErrorKind {
    /// A stable code for the kind (`unknown-style`, `needs-style`, …).
    pub fn code(&self) -> &'static str {
        match self {
            CiteErrorKind::UnknownStyle { .. } => "unknown-style",
            CiteErrorKind::NeedsStyle { .. } => "needs-style",
            CiteErrorKind::NeedsLocale { .. } => "needs-locale",
            CiteErrorKind::NeedsIndex => "needs-index",
            CiteErrorKind::UnknownLocale => "unknown-locale",
            CiteErrorKind::BadStyle => "bad-style",
            CiteErrorKind::BadLocale => "bad-locale",
            CiteErrorKind::BadItem => "bad-item",
            CiteErrorKind::Engine => "engine-failed",
        }
    }
}

/// An error a user can act on: which style, locale or XML position is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteError {
    kind: CiteErrorKind,
    message: String,
    position: Option<Position>,
}

impl CiteError {
    fn new(kind: CiteErrorKind, message: impl Into<String>) -> Self {
        CiteError {
            kind,
            message: message.into(),
            position: None,
        }
    }

    /// What kind of error this is.
    pub fn kind(&self) -> &CiteErrorKind {
        &self.kind
    }

    /// The message without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where an XML error is in a `.csl` or locale file (byte offset, 1-based
    /// line and column), as input diagnostics give it.
    pub fn position(&self) -> Option<Position> {
        self.position
    }
}

impl fmt::Display for CiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "line {}, column {}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CiteError {}

// ---------------------------------------------------------------- registry

/// A parsed independent style with what formatting needs of it.
#[derive(Debug, Clone)]
struct Parsed {
    inner: Arc<IndependentStyle>,
    /// The variables the style can print or test (see [`style_variables`]).
    variables: Arc<Vec<String>>,
    title: String,
}

/// A dependent style added at run time: its parent, locale and title.
#[derive(Debug, Clone)]
struct AddedDependent {
    parent: String,
    default_locale: Option<String>,
    title: String,
}

/// Styles and locales parsed so far, and those added at run time.
#[derive(Default)]
struct Registry {
    styles: HashMap<String, Parsed>,
    dependents: HashMap<String, AddedDependent>,
    added_locales: HashMap<String, String>,
    locales: HashMap<String, Locale>,
    /// The locale list handed to hayagriva, by the code asked for.
    sets: HashMap<String, (String, Arc<Vec<Locale>>)>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// `http://www.zotero.org/styles/APA/` or `apa.csl` → `apa`.
fn style_id_of(name: &str) -> String {
    let n = name.trim().trim_end_matches('/');
    let n = n.rsplit('/').next().unwrap_or(n);
    n.strip_suffix(".csl").unwrap_or(n).to_ascii_lowercase()
}

/// The XML of an independent style that is not added at run time: built in,
/// or in the pack.
fn style_xml(id: &str) -> Option<Result<Cow<'static, str>, CiteError>> {
    if let Some(d) = bundled_data().find(|d| d.style.id == id) {
        return Some(Ok(Cow::Borrowed(d.xml)));
    }
    #[cfg(feature = "style-pack")]
    if let Ok(pack) = crate::stylepack::embedded() {
        if let Some(xml) = pack.style_xml(id) {
            return Some(
                xml.map(Cow::Owned)
                    .map_err(|e| CiteError::new(CiteErrorKind::BadStyle, e)),
            );
        }
    }
    None
}

/// An independent style by repository id, parsed once.
fn parsed_style(id: &str) -> Result<Parsed, CiteError> {
    if let Some(p) = registry().styles.get(id) {
        return Ok(p.clone());
    }
    let xml = style_xml(id).ok_or_else(|| {
        CiteError::new(
            CiteErrorKind::NeedsStyle { id: id.to_string() },
            format!("the style '{id}' is not loaded (its file is styles/{id}.csl)"),
        )
    })??;
    let parsed = match parse_any(&xml)
        .map_err(|e| CiteError::new(CiteErrorKind::BadStyle, format!("the style '{id}' cannot be used: {e}")))?
    {
        Some(p) => p,
        None => {
            return Err(CiteError::new(
                CiteErrorKind::BadStyle,
                format!("the style '{id}' is a dependent style, not the independent one its dependents name"),
            ))
        }
    };
    registry().styles.insert(id.to_string(), parsed.clone());
    Ok(parsed)
}

/// Parses an independent style (`Some`) or recognises a dependent one (`None`).
fn parse_any(xml: &str) -> Result<Option<Parsed>, String> {
    match parse_style(xml) {
        Ok((hayagriva::citationberg::Style::Independent(inner), patched)) => {
            Ok(Some(Parsed::of(inner, &patched)))
        }
        Ok((hayagriva::citationberg::Style::Dependent(_), _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A style's XML, with citris's gap fixes (see [`patch_style`]), parsed.
fn parse_style(xml: &str) -> Result<(hayagriva::citationberg::Style, Cow<'_, str>), String> {
    let patched = patch_style(xml);
    let style = hayagriva::citationberg::Style::from_xml(&patched).map_err(|e| describe_de(&e))?;
    Ok((style, patched))
}

/// The text of a user's or the page's `.csl` file, parsed: malformed XML is
/// an error with its place, a file that is no CSL style one that says so.
fn read_style_file(xml: &str) -> Result<(hayagriva::citationberg::Style, Cow<'_, str>), CiteError> {
    check_well_formed(xml, CiteErrorKind::BadStyle, "style")?;
    parse_style(xml).map_err(|e| {
        CiteError::new(
            CiteErrorKind::BadStyle,
            format!("not a valid CSL style: {e}"),
        )
    })
}

impl Parsed {
    fn of(inner: IndependentStyle, patched: &str) -> Parsed {
        Parsed {
            title: inner.info.title.value.clone(),
            variables: Arc::new(style_variables(patched)),
            inner: Arc::new(inner),
        }
    }
}

/// What [`add_style`] added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedStyle {
    /// The style's repository id (the last part of its `<id>`).
    pub id: String,
    /// Its `<title>`.
    pub title: String,
    /// For a dependent style, its parent's id.
    pub parent: Option<String>,
    /// Its `default-locale`.
    pub default_locale: Option<String>,
}

/// Adds a style from the text of its `.csl` file, so that [`Style::named`]
/// finds it by its id (replacing one of the same id). A dependent style may
/// be added before its parent.
pub fn add_style(xml: &str) -> Result<AddedStyle, CiteError> {
    let (style, patched) = read_style_file(xml)?;
    match style {
        hayagriva::citationberg::Style::Independent(inner) => {
            let id = style_id_of(&inner.info.id);
            let parsed = Parsed::of(inner, &patched);
            let added = AddedStyle {
                id: id.clone(),
                title: parsed.title.clone(),
                parent: None,
                default_locale: parsed.inner.default_locale.as_ref().map(|l| l.0.clone()),
            };
            let mut reg = registry();
            reg.dependents.remove(&id);
            reg.styles.insert(id, parsed);
            Ok(added)
        }
        hayagriva::citationberg::Style::Dependent(dep) => {
            let id = style_id_of(&dep.info.id);
            let parent = style_id_of(&dep.parent_link.href);
            let added = AddedDependent {
                parent: parent.clone(),
                default_locale: dep.default_locale.map(|l| l.0),
                title: dep.info.title.value.clone(),
            };
            let out = AddedStyle {
                id: id.clone(),
                title: added.title.clone(),
                parent: Some(parent),
                default_locale: added.default_locale.clone(),
            };
            registry().dependents.insert(id, added);
            Ok(out)
        }
    }
}

/// Adds a locale from the text of its `locales-xx-XX.xml` file; returns its code.
pub fn add_locale(xml: &str) -> Result<String, CiteError> {
    check_well_formed(xml, CiteErrorKind::BadLocale, "locale file")?;
    let file = LocaleFile::from_xml(xml).map_err(|e| {
        CiteError::new(
            CiteErrorKind::BadLocale,
            format!("not a valid CSL locale file: {}", describe_de(&e)),
        )
    })?;
    let code = file.lang.0.clone();
    let mut reg = registry();
    reg.added_locales.insert(code.clone(), xml.to_string());
    reg.locales.insert(code.clone(), Locale::from(file));
    reg.sets.clear();
    Ok(code)
}

/// The index used to resolve names: the one set with
/// [`crate::styles::set_index`], else the pack's.
fn index() -> Option<Arc<Index>> {
    crate::styles::current()
}

/// The error for a style name that resolves nowhere.
fn unknown_style(name: &str, index: Option<&Index>) -> CiteError {
    let Some(index) = index else {
        if cfg!(target_arch = "wasm32") {
            return CiteError::new(
                CiteErrorKind::NeedsIndex,
                format!("the style '{name}' needs the style index to be found"),
            );
        }
        let names: Vec<&str> = bundled_styles().iter().map(|s| s.name).collect();
        return CiteError::new(
            CiteErrorKind::UnknownStyle {
                suggestions: Vec::new(),
            },
            format!(
                "unknown style '{name}'; this build of citris has these styles: {} \
                 (or give a .csl file)",
                names.join(", ")
            ),
        );
    };
    let near: Vec<String> = index
        .suggest(name, 5)
        .into_iter()
        .map(|s| s.id.clone())
        .collect();
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    CiteError::new(
        CiteErrorKind::UnknownStyle { suggestions: near },
        format!(
            "unknown style '{name}'{hint} ('citris styles QUERY' searches all {} styles)",
            index.styles().len()
        ),
    )
}

// ---------------------------------------------------------------- styles

/// A parsed CSL style, cheap to clone (the parsed form is shared).
#[derive(Debug, Clone)]
pub struct Style {
    inner: Arc<IndependentStyle>,
    /// The variables the style can print or test (see [`style_variables`]).
    variables: Arc<Vec<String>>,
    /// The style's own id (a dependent style's, not its parent's); empty for
    /// a style read from a file without one.
    id: String,
    title: String,
    /// A dependent style's own default locale, which overrides its parent's.
    default_locale: Option<String>,
}

impl Style {
    fn of(parsed: Parsed, id: &str, title: String, default_locale: Option<String>) -> Style {
        Style {
            inner: parsed.inner,
            variables: parsed.variables,
            id: id.to_string(),
            title,
            default_locale,
        }
    }

    /// A style by name: a repository id, dependent or independent
    /// (`elsevier-harvard`, `cancer-gene-therapy`), one of citris's short names
    /// (`mla`, see [`bundled_styles`]), or a style id URL. Case and a `.csl`
    /// suffix are ignored. A dependent style formats with its parent's rules,
    /// under its own title and default locale (CSL 1.0.2, "Dependent styles").
    pub fn named(name: &str) -> Result<Style, CiteError> {
        let wanted = style_id_of(name);
        let wanted = bundled_data()
            .find(|d| d.style.name == wanted)
            .map_or(wanted, |d| d.style.id.to_string());
        let added = registry().dependents.get(&wanted).cloned();
        if let Some(dep) = added {
            let parent = parsed_style(&dep.parent)?;
            return Ok(Style::of(parent, &wanted, dep.title, dep.default_locale));
        }
        if registry().styles.contains_key(&wanted) || style_xml(&wanted).is_some() {
            let p = parsed_style(&wanted)?;
            let title = bundled_data()
                .find(|d| d.style.id == wanted)
                .map_or_else(|| p.title.clone(), |d| d.style.title.to_string());
            return Ok(Style::of(p, &wanted, title, None));
        }
        let index = index();
        if let Some(info) = index.as_deref().and_then(|ix| ix.get(&wanted)) {
            let p = parsed_style(info.formatting_id())?;
            let locale = Some(info.default_locale.clone()).filter(|l| !l.is_empty());
            return Ok(Style::of(p, &info.id, info.title.clone(), locale));
        }
        Err(unknown_style(name.trim(), index.as_deref()))
    }

    /// A built-in style by its name or id (see [`bundled_styles`]).
    pub fn bundled(name: &str) -> Result<Style, CiteError> {
        let wanted = style_id_of(name);
        let data = bundled_data()
            .find(|d| d.style.name == wanted || d.style.id == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = bundled_styles().iter().map(|s| s.name).collect();
                CiteError::new(
                    CiteErrorKind::UnknownStyle {
                        suggestions: Vec::new(),
                    },
                    format!(
                        "unknown style '{name}'; built-in styles are: {}",
                        names.join(", ")
                    ),
                )
            })?;
        let p = parsed_style(data.style.id)?;
        Ok(Style::of(
            p,
            data.style.id,
            data.style.title.to_string(),
            None,
        ))
    }

    /// A style from the text of a `.csl` file (CSL 1.0.2).
    ///
    /// A dependent style is resolved to its parent (see [`Style::named`]); the
    /// error names the parent when it cannot be found. Malformed XML gives an
    /// error with line and column.
    pub fn from_xml(xml: &str) -> Result<Style, CiteError> {
        let (style, patched) = read_style_file(xml)?;
        match style {
            hayagriva::citationberg::Style::Independent(inner) => {
                let id = style_id_of(&inner.info.id);
                let p = Parsed::of(inner, &patched);
                Ok(Style::of(p.clone(), &id, p.title, None))
            }
            hayagriva::citationberg::Style::Dependent(dep) => {
                let parent = style_id_of(&dep.parent_link.href);
                let title = dep.info.title.value.clone();
                let resolved = Style::named(&parent).map_err(|e| {
                    let why = match e.kind() {
                        CiteErrorKind::UnknownStyle { .. } => {
                            "is not a style citris knows".to_string()
                        }
                        _ => format!("cannot be used: {}", e.message()),
                    };
                    CiteError::new(
                        e.kind().clone(),
                        format!(
                            "'{title}' is a dependent style; its parent style {} {why}. \
                             Use the parent's .csl file instead",
                            dep.parent_link.href.trim()
                        ),
                    )
                })?;
                Ok(Style {
                    id: style_id_of(&dep.info.id),
                    title,
                    default_locale: dep.default_locale.map(|l| l.0),
                    ..resolved
                })
            }
        }
    }

    /// The style's title (a dependent style's own title, not its parent's).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The style's id (a dependent style's own id).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The locale the style formats in when none is asked for: a dependent
    /// style's own, else its parent's, else none (en-US).
    pub fn default_locale(&self) -> Option<&str> {
        self.default_locale
            .as_deref()
            .or_else(|| self.inner.default_locale.as_ref().map(|l| l.0.as_str()))
    }
}

fn describe_de(e: &hayagriva::citationberg::XmlDeError) -> String {
    match &e.path {
        Some(path) if !path.to_string().is_empty() && path.to_string() != "." => {
            format!("{} (in `{path}`)", e.source)
        }
        _ => e.source.to_string(),
    }
}

/// Every variable a style names (`variable`, `is-numeric` and
/// `is-uncertain-date` attributes: what it prints, sorts by or tests), plus
/// what the formatter reads whatever the style: `id`, `type`, `language`
/// (title case applies to English items only), the short forms of titles and
/// `page` (for `page-first`). A variable outside this set cannot change the
/// output, so items are trimmed to it before they are read: an abstract is
/// not cleaned, copied and indexed for APA, which never prints it.
fn style_variables(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut names: Vec<String> = [
        "id",
        "type",
        "language",
        "title-short",
        "container-title-short",
        "page",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for attr in e.attributes().flatten() {
                    if matches!(
                        attr.key.as_ref(),
                        b"variable" | b"is-numeric" | b"is-uncertain-date"
                    ) {
                        if let Ok(value) = attr.unescape_value() {
                            names.extend(value.split_whitespace().map(str::to_string));
                        }
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Work around hayagriva gaps in a style before parsing it (see
/// tests/conformance/DIFFERENCES.md):
///
/// * a `<names>` element with children but no `<name>` child renders nothing
///   in hayagriva 0.10.1 (CSL says a missing `<name>` means the default one;
///   NLM/Vancouver writes `<names variable="author"><label prefix=", "/>`):
///   insert `<name/>` as its first child;
/// * `<text variable="container-title" form="short"/>` prints the long title
///   in hayagriva 0.10.1 (its CSL-JSON reader knows `title-short` only);
///   citeproc-js prints `container-title-short` when the item has one: make
///   that a `<choose>` between the two;
/// * a shorthand `<names variable="editor"/>` nested in a `<choose>` inside
///   `<substitute>` loses the parent's `<name>`, `<et-al>` and `<label>` in
///   hayagriva 0.10.1 (it inherits them only for direct children; Chicago
///   substitutes editors that way): copy them in;
/// * `<label variable="page" plural="never"/>` prints "pp." for a range in
///   hayagriva 0.10.1 (NLM/Vancouver asks for "p. 17–40"): make it the term
///   itself with a fixed number, `<text term="page" plural="false"/>`, under
///   `<if variable="page">`.
fn patch_style(xml: &str) -> std::borrow::Cow<'_, str> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    // (position after the <names> start tag, has a <name> child, depth)
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut depth_of_names: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut inserts = Vec::new();
    // The enclosing <names> elements: their depth, the raw <name>, <et-al>
    // and <label> children, where an open <name> started, and the depth of
    // their open <substitute>.
    struct NamesCtx {
        depth: usize,
        children: Vec<String>,
        name_start: Option<usize>,
        substitute: Option<usize>,
    }
    let mut names_ctx: Vec<NamesCtx> = Vec::new();
    // (start, end, replacement) of whole tags.
    let mut replaces: Vec<(usize, usize, String)> = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match event {
            Event::Start(e) => {
                depth += 1;
                let local = e.local_name();
                if let Some(ctx) = names_ctx.last_mut() {
                    if ctx.depth + 1 == depth {
                        match local.as_ref() {
                            b"name" => ctx.name_start = Some(before),
                            b"substitute" => ctx.substitute = Some(depth),
                            _ => {}
                        }
                    }
                }
                if local.as_ref() == b"names" {
                    names_ctx.push(NamesCtx {
                        depth,
                        children: Vec::new(),
                        name_start: None,
                        substitute: None,
                    });
                }
                if local.as_ref() == b"name" && depth_of_names.last() == Some(&(depth - 1)) {
                    if let Some(top) = stack.last_mut() {
                        top.1 = true;
                    }
                }
                if local.as_ref() == b"names" {
                    stack.push((pos, false));
                    depth_of_names.push(depth);
                }
            }
            Event::Empty(e) => {
                let local = e.local_name();
                if let (Some(ctx), Some(tag)) = (names_ctx.last_mut(), xml.get(before..pos)) {
                    let direct = ctx.depth == depth;
                    if direct && matches!(local.as_ref(), b"name" | b"et-al" | b"label") {
                        ctx.children.push(tag.to_string());
                    }
                    if local.as_ref() == b"names"
                        && ctx.substitute.is_some_and(|sub| depth > sub)
                        && !ctx.children.is_empty()
                    {
                        let open = tag.trim_end_matches("/>").trim_end();
                        replaces.push((
                            before,
                            pos,
                            format!("{open}>{}</names>", ctx.children.concat()),
                        ));
                    }
                }
                if e.local_name().as_ref() == b"name" && depth_of_names.last() == Some(&depth) {
                    if let Some(top) = stack.last_mut() {
                        top.1 = true;
                    }
                }
                if e.local_name().as_ref() == b"label" {
                    let attr = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    let plural = attr(b"plural");
                    let fixed = match plural.as_deref() {
                        Some("never") => Some("false"),
                        Some("always") => Some("true"),
                        _ => None,
                    };
                    if let (Some(fixed), Some(variable), Some(tag)) =
                        (fixed, attr(b"variable"), xml.get(before..pos))
                    {
                        let simple = variable
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b == b'-');
                        if simple && variable != "locator" {
                            let text = tag
                                .replacen("<label", "<text", 1)
                                .replace(
                                    &format!("variable=\"{variable}\""),
                                    &format!("term=\"{variable}\""),
                                )
                                .replace(
                                    &format!("variable='{variable}'"),
                                    &format!("term=\"{variable}\""),
                                )
                                .replace(
                                    &format!(
                                        "plural=\"{}\"",
                                        plural.as_deref().unwrap_or_default()
                                    ),
                                    &format!("plural=\"{fixed}\""),
                                )
                                .replace(
                                    &format!("plural='{}'", plural.as_deref().unwrap_or_default()),
                                    &format!("plural=\"{fixed}\""),
                                );
                            replaces.push((
                                before,
                                pos,
                                format!("<choose><if variable=\"{variable}\">{text}</if></choose>"),
                            ));
                        }
                    }
                }
                if e.local_name().as_ref() == b"text" {
                    let attr = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| a.value.into_owned())
                    };
                    if attr(b"variable").as_deref() == Some(b"container-title".as_slice())
                        && attr(b"form").as_deref() == Some(b"short".as_slice())
                    {
                        if let Some(tag) = xml.get(before..pos) {
                            let short = tag
                                .replace("form=\"short\"", "")
                                .replace("form='short'", "")
                                .replacen("container-title", "container-title-short", 1);
                            replaces.push((
                                before,
                                pos,
                                format!(
                                    "<choose><if variable=\"container-title-short\">{short}</if>\
                                     <else>{tag}</else></choose>"
                                ),
                            ));
                        }
                    }
                }
            }
            Event::End(e) => {
                if let Some(ctx) = names_ctx.last_mut() {
                    let local = e.local_name();
                    if local.as_ref() == b"name" && ctx.depth + 1 == depth {
                        if let Some(start) = ctx.name_start.take() {
                            if let Some(raw) = xml.get(start..pos) {
                                ctx.children.push(raw.to_string());
                            }
                        }
                    }
                    if local.as_ref() == b"substitute" && ctx.substitute == Some(depth) {
                        ctx.substitute = None;
                    }
                    if local.as_ref() == b"names" && ctx.depth == depth {
                        names_ctx.pop();
                    }
                }
                if e.local_name().as_ref() == b"names" && depth_of_names.last() == Some(&depth) {
                    depth_of_names.pop();
                    if let Some((at, has_name)) = stack.pop() {
                        if !has_name {
                            inserts.push(at);
                        }
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    if inserts.is_empty() && replaces.is_empty() {
        return std::borrow::Cow::Borrowed(xml);
    }
    replaces.extend(
        inserts
            .into_iter()
            .map(|at| (at, at, "<name/>".to_string())),
    );
    replaces.sort_by_key(|r| (r.0, r.1));
    let mut out = String::with_capacity(xml.len() + replaces.len() * 64);
    let mut last = 0;
    for (start, end, text) in replaces {
        if start < last
            || end > xml.len()
            || !xml.is_char_boundary(start)
            || !xml.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&xml[last..start]);
        out.push_str(&text);
        last = end;
    }
    out.push_str(&xml[last..]);
    std::borrow::Cow::Owned(out)
}

/// Check that `xml` is well-formed, reporting the first error with its line
/// and column (citationberg's own errors carry no position).
fn check_well_formed(xml: &str, kind: CiteErrorKind, what: &str) -> Result<(), CiteError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut saw_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => {
                depth += 1;
                saw_root = true;
            }
            Ok(Event::Empty(_)) => saw_root = true,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, column) = line_column(xml, offset);
                return Err(CiteError {
                    kind: kind.clone(),
                    message: format!("the {what} is not well-formed XML: {e}"),
                    position: Some(Position::at(offset, line as u32, column as u32)),
                });
            }
        }
    }
    if depth > 0 {
        let (line, column) = line_column(xml, xml.len());
        return Err(CiteError {
            kind: kind.clone(),
            message: format!("the {what} is not well-formed XML: an element is not closed"),
            position: Some(Position::at(xml.len(), line as u32, column as u32)),
        });
    }
    if !saw_root {
        return Err(CiteError::new(
            kind.clone(),
            format!("the {what} is empty: no XML element"),
        ));
    }
    Ok(())
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Output format of [`Entry`] fields, for callers that pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Plain text.
    Text,
    /// HTML with every piece of input text escaped.
    Html,
    /// Markdown (italics, bold and links; small caps are dropped).
    Markdown,
}

/// One formatted reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The item's `id` (made unique: a repeated or missing id gets a suffix).
    pub id: String,
    /// Bibliography entry as plain text.
    pub text: String,
    /// Bibliography entry as HTML.
    pub html: String,
    /// Bibliography entry as Markdown.
    pub markdown: String,
    /// In-text citation (or note, for note styles) as plain text.
    pub citation: String,
}

impl Entry {
    /// The bibliography entry in the given output format.
    pub fn get(&self, output: Output) -> &str {
        match output {
            Output::Text => &self.text,
            Output::Html => &self.html,
            Output::Markdown => &self.markdown,
        }
    }
}

// ---------------------------------------------------------------- locales

/// The XML of a locale that is not added at run time: built in, or in the pack.
fn locale_xml(code: &str) -> Option<Result<Cow<'static, str>, CiteError>> {
    if let Some(xml) = bundled_locale_xml(code) {
        return Some(Ok(Cow::Borrowed(xml)));
    }
    #[cfg(feature = "style-pack")]
    if let Ok(pack) = crate::stylepack::embedded() {
        if let Some(xml) = pack.locale_xml(code) {
            return Some(
                xml.map(Cow::Owned)
                    .map_err(|e| CiteError::new(CiteErrorKind::BadLocale, e)),
            );
        }
    }
    None
}

/// Every locale code this process formats in without adding one: the built-in
/// ones, those added with [`add_locale`], and with the `style-pack` feature
/// all 63 CSL locales.
pub fn available_locales() -> Vec<String> {
    let mut v: Vec<String> = bundled_locales().iter().map(|s| s.to_string()).collect();
    v.extend(registry().added_locales.keys().cloned());
    #[cfg(feature = "style-pack")]
    if let Ok(pack) = crate::stylepack::embedded() {
        v.extend(pack.index().locales().iter().map(|l| l.code.clone()));
    }
    v.sort();
    v.dedup();
    v
}

/// The code of the locale file for exactly this code (any case), if there is one here.
fn locale_file_code(code: &str) -> Option<String> {
    if let Some(c) = registry()
        .added_locales
        .keys()
        .find(|c| c.eq_ignore_ascii_case(code))
    {
        return Some(c.clone());
    }
    if let Some(c) = bundled_locales()
        .iter()
        .find(|c| c.eq_ignore_ascii_case(code))
    {
        return Some(c.to_string());
    }
    #[cfg(feature = "style-pack")]
    if let Ok(pack) = crate::stylepack::embedded() {
        if let Some(l) = pack
            .index()
            .locales()
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code))
        {
            return Some(l.code.clone());
        }
    }
    None
}

fn needs_locale(code: &str) -> CiteError {
    CiteError::new(
        CiteErrorKind::NeedsLocale {
            code: code.to_string(),
        },
        format!(
            "the locale '{code}' is not loaded (its file is styles/locales/locales-{code}.xml)"
        ),
    )
}

/// A locale file by its exact code, parsed once.
fn parsed_locale(code: &str) -> Result<Locale, CiteError> {
    if let Some(l) = registry().locales.get(code) {
        return Ok(l.clone());
    }
    let xml = locale_xml(code).ok_or_else(|| needs_locale(code))??;
    let file = LocaleFile::from_xml(&xml).map_err(|e| {
        CiteError::new(
            CiteErrorKind::BadLocale,
            format!("the locale '{code}' cannot be used: {}", describe_de(&e)),
        )
    })?;
    let locale = Locale::from(file);
    registry().locales.insert(code.to_string(), locale.clone());
    Ok(locale)
}

/// The locale to format in, and the locale files hayagriva gets for it.
///
/// CSL 1.0.2 "Locale Fallback": terms come from the style's own `<locale>`
/// blocks, then from the locale file of the code, else of the language's
/// primary dialect (`de` → `de-DE`), then from en-US; so hayagriva gets that
/// file and en-US. A code asked for (`explicit`) that has no file is an
/// error; a style's default locale that has none falls back to en-US.
fn locale_set(asked: &str, explicit: bool) -> Result<(String, Arc<Vec<Locale>>), CiteError> {
    let asked = asked.trim().replace('_', "-");
    if let Some(hit) = registry().sets.get(&asked) {
        return Ok(hit.clone());
    }
    let index = index();
    // The language's primary dialect: citationberg's table, else the index's
    // (CSL's locales.json, which also knows `id` → `id-ID`, `cy` → `cy-GB`;
    // citationberg's `sr-RS` has no file since the split into scripts).
    let dialects: Vec<String> = LocaleCode(asked.clone())
        .fallback()
        .map(|c| c.0)
        .into_iter()
        .chain(
            index
                .as_deref()
                .and_then(|ix| ix.locale(&asked))
                .map(|l| l.code.clone()),
        )
        .collect();
    // Known to the index but not loaded here (the page fetches it): asked for
    // before falling back, so that en-GB is not formatted with en-US terms.
    let needed = |code: &str| {
        index
            .as_deref()
            .and_then(|ix| {
                ix.locales()
                    .iter()
                    .find(|l| l.code.eq_ignore_ascii_case(code))
            })
            .map(|l| needs_locale(&l.code))
    };
    let code = if let Some(f) = locale_file_code(&asked) {
        f
    } else if let Some(e) = needed(&asked) {
        return Err(e);
    } else if let Some(f) = dialects.iter().find_map(|d| locale_file_code(d)) {
        f
    } else if let Some(e) = dialects.iter().find_map(|d| needed(d)) {
        return Err(e);
    } else if explicit {
        return Err(CiteError::new(
            CiteErrorKind::UnknownLocale,
            format!(
                "locale '{asked}' is not available; available: {}",
                available_locales().join(", ")
            ),
        ));
    } else {
        "en-US".to_string()
    };
    let mut set = vec![parsed_locale(&code)?];
    if code != "en-US" {
        set.push(parsed_locale("en-US")?);
    }
    let entry = (code, Arc::new(set));
    registry().sets.insert(asked, entry.clone());
    Ok(entry)
}

/// The locale `format` would use for `style` and `locale` (empty: the style's
/// default), or the error it would give (`NeedsLocale` names a file to add).
pub fn resolved_locale(style: &Style, locale: &str) -> Result<String, CiteError> {
    let explicit = !locale.trim().is_empty();
    let asked = if explicit {
        locale
    } else {
        style.default_locale().unwrap_or("en-US")
    };
    locale_set(asked, explicit).map(|(code, _)| code)
}

/// Format CSL-JSON items in a style and locale.
///
/// Returns one entry per item, in the style's bibliography order, each with
/// its in-text citation (the items are cited one by one, in input order, so
/// numeric styles number them in that order). `locale` may be empty to use
/// the style's default locale, or en-US. Items that are not objects are an
/// error; odd fields inside an item are dropped or repaired, never a panic.
pub fn format(items: &[Value], style: &Style, locale: &str) -> Result<Vec<Entry>, CiteError> {
    let explicit = !locale.trim().is_empty();
    let asked = if explicit {
        locale
    } else {
        style.default_locale().unwrap_or("en-US")
    };
    let (locale, locales) = locale_set(asked, explicit)?;
    // hayagriva renders on as many threads as citris reads with
    // (`CITRIS_THREADS`); the setting is citris's, not the library's.
    #[cfg(not(target_arch = "wasm32"))]
    {
        static THREADS: std::sync::Once = std::sync::Once::new();
        THREADS.call_once(|| hayagriva::set_render_threads(crate::par::threads()));
    }

    // Ids first, in order (a repeated id gets a suffix); then each item is
    // read on its own, on every core.
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(items.len());
    for (index, value) in items.iter().enumerate() {
        let Value::Object(map) = value else {
            return Err(CiteError::new(CiteErrorKind::BadItem, format!(
                "item {} is not a JSON object (CSL-JSON items are objects with \"id\" and \"type\")",
                index + 1
            )));
        };
        let mut id = item_id(map).unwrap_or_else(|| format!("item-{}", index + 1));
        if !seen.insert(id.clone()) {
            let mut n = 2;
            while !seen.insert(format!("{id}-{n}")) {
                n += 1;
            }
            id = format!("{id}-{n}");
        }
        ids.push((map, id));
    }
    let read = crate::par::map_parts(&ids, |start, part| {
        part.iter()
            .enumerate()
            .map(|(k, (map, id))| {
                let mut item = sanitize_for(map, |k| {
                    style
                        .variables
                        .binary_search_by(|v| v.as_str().cmp(k))
                        .is_ok()
                });
                item.insert("id".into(), Value::String(id.clone()));
                let item: Item = serde_json::from_value(Value::Object(item)).map_err(|e| {
                    CiteError::new(
                        CiteErrorKind::BadItem,
                        format!("item {} ('{id}') could not be read: {e}", start + k + 1),
                    )
                })?;
                Ok((id.clone(), IndexedItem::new(item)))
            })
            .collect::<Result<Vec<_>, CiteError>>()
    });
    let mut prepared = Vec::with_capacity(items.len());
    for part in read {
        prepared.extend(part?);
    }

    render(&prepared, style, &locale, &locales)
}

#[cfg(not(target_arch = "wasm32"))]
fn render(
    prepared: &[(String, IndexedItem)],
    style: &Style,
    locale: &str,
    locales: &[Locale],
) -> Result<Vec<Entry>, CiteError> {
    // Last line of defence: hayagriva is not ours, and a panic inside it must
    // not take the CLI or a server down. (On wasm panics abort; there the
    // sanitizer and the tests are the defence.)
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render_inner(prepared, style, locale, locales)
    }))
    .unwrap_or_else(|_| {
        Err(CiteError::new(
            CiteErrorKind::Engine,
            "the formatter failed on one of these items (a bug in citris or hayagriva); \
                 try formatting them one by one to find it",
        ))
    })
}

#[cfg(target_arch = "wasm32")]
fn render(
    prepared: &[(String, IndexedItem)],
    style: &Style,
    locale: &str,
    locales: &[Locale],
) -> Result<Vec<Entry>, CiteError> {
    render_inner(prepared, style, locale, locales)
}

fn render_inner(
    prepared: &[(String, IndexedItem)],
    style: &Style,
    locale: &str,
    locales: &[Locale],
) -> Result<Vec<Entry>, CiteError> {
    let code = LocaleCode(locale.to_string());
    let csl = &*style.inner;
    let is_note = csl.settings.class == hayagriva::citationberg::StyleClass::Note;

    // The order in which items are cited: input order, or for styles that
    // sort their bibliography by name, date and title, roughly that order.
    let order = citation_order(prepared, csl);
    let mut driver: BibliographyDriver<'_, IndexedItem> = BibliographyDriver::new();
    for (k, &index) in order.iter().enumerate() {
        driver.citation(CitationRequest::new(
            vec![CitationItem::with_entry(&prepared[index].1)],
            csl,
            Some(code.clone()),
            locales,
            is_note.then_some(k + 1),
        ));
    }
    let mut rendered = driver.finish(BibliographyRequest::new(csl, Some(code), locales));
    let quotes = QuoteMarks::of(locale, locales);
    crate::par::for_each_mut(&mut rendered.citations, |c| {
        localize_quotes(&mut c.citation, quotes);
        fix_punctuation(&mut c.citation);
        mark_empty_citation(&mut c.citation, &csl.citation.layout);
    });
    if let Some(bib) = &mut rendered.bibliography {
        crate::par::for_each_mut(&mut bib.items, |item| {
            localize_quotes(&mut item.content, quotes);
            fix_punctuation(&mut item.content);
        });
    }

    // Citation texts by item index.
    let mut citations = vec![String::new(); prepared.len()];
    for (k, c) in rendered.citations.iter().enumerate() {
        if let Some(&index) = order.get(k) {
            let text = render_children(&c.citation, Output::Text);
            // A note starts like a sentence; an in-text citation `(n.d.)` does not.
            citations[index] = if is_note {
                capitalize_leading_term(&text)
            } else {
                text
            };
        }
    }
    let by_id: HashMap<&str, usize> = prepared
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();

    let layout_suffix = csl
        .bibliography
        .as_ref()
        .and_then(|b| b.layout.suffix.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut entries = Vec::with_capacity(prepared.len());
    match rendered.bibliography {
        Some(bib) => {
            // Written out on every core.
            let parts = crate::par::map_parts(&bib.items, |_, part| {
                part.iter()
                    .filter_map(|item| {
                        let &index = by_id.get(item.key.as_str())?;
                        let label = |out| {
                            item.first_field
                                .as_ref()
                                .map(|f| render_child_string(f, out))
                                .filter(|s| !s.trim().is_empty())
                        };
                        let join = |out| {
                            let body = render_children(&item.content, out);
                            match label(out) {
                                // Only the layout's suffix after the number:
                                // an item with nothing to print is its number
                                // alone (`(1)`, not `(1) .`), as in citeproc-js.
                                Some(l) if layout_suffix.is_some_and(|s| s == body.trim()) => {
                                    l.trim_end().to_string()
                                }
                                // The entry after the number starts like
                                // one without (`1. (N.d.)`, as citeproc-js).
                                Some(l) => format!(
                                    "{} {}",
                                    l.trim_end(),
                                    capitalize_leading_term(body.trim_start())
                                ),
                                None => body,
                            }
                        };
                        Some(Entry {
                            id: prepared[index].0.clone(),
                            text: capitalize_leading_term(&tidy(&join(Output::Text))),
                            html: capitalize_leading_term(join(Output::Html).trim()),
                            markdown: capitalize_leading_term(join(Output::Markdown).trim()),
                            citation: citations.get(index).cloned().unwrap_or_default(),
                        })
                    })
                    .collect::<Vec<Entry>>()
            });
            entries.extend(parts.into_iter().flatten());
        }
        None => {
            // A style without <bibliography> (some note styles): the entry is
            // the citation itself.
            for (k, c) in rendered.citations.iter().enumerate() {
                let Some(&index) = order.get(k) else { break };
                let id = &prepared[index].0;
                entries.push(Entry {
                    id: id.clone(),
                    text: tidy(&render_children(&c.citation, Output::Text)),
                    html: render_children(&c.citation, Output::Html)
                        .trim()
                        .to_string(),
                    markdown: render_children(&c.citation, Output::Markdown)
                        .trim()
                        .to_string(),
                    citation: citations[index].clone(),
                });
            }
        }
    }
    Ok(entries)
}

/// What citeproc-js prints for a citation whose item the style prints
/// nothing for (no author and no date in an author-date style).
const NO_PRINTED_FORM: &str = "[CSL STYLE ERROR: reference with no printed form.]";

/// A citation that is only its layout's affixes (`()`) says so instead, in
/// citeproc-js's words (Zotero and Mendeley show the same): an empty `()`
/// in a text is easily missed, the message is not.
fn mark_empty_citation(children: &mut ElemChildren, layout: &hayagriva::citationberg::Layout) {
    let prefix = layout.prefix.as_deref().unwrap_or_default();
    let suffix = layout.suffix.as_deref().unwrap_or_default();
    let text = render_children(children, Output::Text);
    if text.trim() != format!("{prefix}{suffix}").trim() {
        return;
    }
    let formatting = children
        .0
        .iter()
        .find_map(|c| match c {
            ElemChild::Text(t) => Some(t.formatting),
            _ => None,
        })
        .unwrap_or_default();
    *children = ElemChildren(vec![ElemChild::Text(Formatted {
        text: format!("{prefix}{NO_PRINTED_FORM}{suffix}"),
        formatting,
    })]);
}

/// The order to cite items in: input order, as citeproc-js is given them.
///
/// (Author-date styles that sort by name, date and title once got their
/// items presorted by first name, year and title, for speed when hayagriva
/// rendered sort keys in every comparison and gave year suffixes in citation
/// order; hayagriva patches 1 and 7 made that unneeded, and the presort
/// decided the order of items the style's keys leave tied, where citeproc-js
/// keeps the input order: Springer's `Baddeley 2003a/b` swapped.)
fn citation_order(prepared: &[(String, IndexedItem)], _csl: &IndependentStyle) -> Vec<usize> {
    (0..prepared.len()).collect()
}

/// Merge the punctuation that meets where hayagriva joins pieces, as
/// citeproc-js does when it joins affixes and delimiters, and which hayagriva
/// 0.10.1 leaves in place:
///
/// * a delimiter before an element that rendered nothing: `(2019,)` → `(2019)`,
///   `BGS,.` → `BGS.`, `2013 ;83` → `2013;83`;
/// * doubled punctuation: `Cows..”` → `Cows.”`, `False?.` → `False?`,
///   `Engineering:.` → `Engineering:`;
/// * doubled spaces.
///
/// Works on the text leaves of the rendered tree (links are left alone), so
/// text, HTML and Markdown get the same fix. A pass can leave a pair for the
/// next (`record, , 7`: the space goes, then the doubled comma), so passes
/// repeat until nothing changes.
fn fix_punctuation(children: &mut ElemChildren) {
    for _ in 0..4 {
        if !fix_punctuation_pass(children) {
            break;
        }
    }
}

/// One pass of [`fix_punctuation`]; whether it changed anything.
fn fix_punctuation_pass(children: &mut ElemChildren) -> bool {
    let mut leaves = Vec::new();
    collect_leaves(children, &mut leaves);
    // A link is a barrier no rule reaches across.
    let chars = leaf_chars(&leaves, '\u{0}');
    let mut keep = vec![true; chars.len()];
    let next_kept = |keep: &[bool], from: usize| (from..chars.len()).find(|&j| keep[j]);
    let prev_kept = |keep: &[bool], from: usize| (0..from).rev().find(|&j| keep[j]);
    let mut changed = false;
    for i in 0..chars.len() {
        let c = chars[i].1;
        let next = next_kept(&keep, i + 1).map(|j| chars[j].1);
        let prev = prev_kept(&keep, i).map(|j| chars[j].1);
        let drop = match c {
            // A comma left before closing punctuation. (A title ending in
            // `:` or `;` keeps it, and the period after it goes.)
            ',' => matches!(next, Some('.' | ')' | ']' | ',' | ';')),
            ';' | ':' => matches!(next, Some(')' | ']' | ',' | ';')),
            // `..` but not an ellipsis; `?.`, `!.`, `:.` and `;.`.
            '.' => {
                matches!(prev, Some('?' | '!' | ':' | ';'))
                    || (prev == Some('.')
                        && next != Some('.')
                        && prev_kept(&keep, i)
                            .and_then(|j| prev_kept(&keep, j))
                            .map(|j| chars[j].1)
                            != Some('.'))
            }
            // A space before closing punctuation, or a doubled space.
            ' ' => matches!(next, Some(';' | ',' | ' ')) || prev.is_none(),
            _ => false,
        };
        if drop && chars[i].0 != usize::MAX {
            keep[i] = false;
            changed = true;
        }
    }
    if !changed {
        return false;
    }
    rewrite_leaves(leaves, &chars, |k, text| {
        if keep[k] {
            text.push(chars[k].1);
        }
    });
    true
}

/// The characters of the text leaves in order, each with its leaf's index; a
/// link or markup leaf (`None`) is one `barrier` character with index
/// `usize::MAX`.
fn leaf_chars(leaves: &[Option<&mut String>], barrier: char) -> Vec<(usize, char)> {
    let mut chars = Vec::new();
    for (i, leaf) in leaves.iter().enumerate() {
        match leaf {
            Some(text) => chars.extend(text.chars().map(|c| (i, c))),
            None => chars.push((usize::MAX, barrier)),
        }
    }
    chars
}

/// Writes the leaves again from [`leaf_chars`]: `emit(k, text)` appends what
/// the `k`th character becomes to its leaf's new text.
fn rewrite_leaves(
    leaves: Vec<Option<&mut String>>,
    chars: &[(usize, char)],
    mut emit: impl FnMut(usize, &mut String),
) {
    let mut rebuilt: Vec<String> = vec![String::new(); leaves.len()];
    for (k, &(leaf, _)) in chars.iter().enumerate() {
        if leaf != usize::MAX {
            emit(k, &mut rebuilt[leaf]);
        }
    }
    for (leaf, text) in leaves.into_iter().zip(rebuilt) {
        if let Some(leaf) = leaf {
            *leaf = text;
        }
    }
}

/// The quotation marks of a locale (CSL terms `open-quote` … `close-inner-quote`).
#[derive(Clone, Copy)]
struct QuoteMarks {
    outer: (char, char),
    inner: (char, char),
    /// `punctuation-in-quote`: a period or comma after a closing quote goes
    /// inside it (en-US).
    punctuation_inside: bool,
}

impl QuoteMarks {
    fn of(code: &str, locales: &[Locale]) -> QuoteMarks {
        use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
        use hayagriva::citationberg::TermForm;
        let locale = locales
            .iter()
            .find(|l| l.lang.as_ref().is_some_and(|c| c.0 == code));
        let mark = |term: OtherTerm, default: char| {
            locale
                .and_then(|l| l.term(Term::Other(term), TermForm::Long))
                .and_then(|t| t.single())
                .and_then(|t| t.trim().chars().next())
                .unwrap_or(default)
        };
        QuoteMarks {
            outer: (
                mark(OtherTerm::OpenQuote, '\u{201C}'),
                mark(OtherTerm::CloseQuote, '\u{201D}'),
            ),
            inner: (
                mark(OtherTerm::OpenInnerQuote, '\u{2018}'),
                mark(OtherTerm::CloseInnerQuote, '\u{2019}'),
            ),
            punctuation_inside: locale
                .and_then(|l| l.style_options.as_ref())
                .and_then(|o| o.punctuation_in_quote)
                .unwrap_or(false),
        }
    }
}

/// Quotation marks inside field values as citeproc-js prints them: a pair of
/// straight quotes (`"hygiene hypothesis"`, `'single'`) becomes the locale's
/// quotes, and any pair takes the outer or the inner form by how deeply it is
/// nested, counting the style's own quotes: in IEEE's quoted titles
/// `“Rock ‘quoted’ brain,”`, in APA's plain ones `Rock “quoted” brain`. A
/// quote without its partner (`12" vinyl`, `the '90s`, `students’`) is left as
/// it is. After a pair that was straight, a period or comma moves inside the
/// closing quote where the locale says so (en-US), as it does after the
/// style's own quotes, except at the very end of an entry.
fn localize_quotes(children: &mut ElemChildren, q: QuoteMarks) {
    let mut leaves = Vec::new();
    collect_leaves(children, &mut leaves);
    let chars = leaf_chars(&leaves, ' ');
    if !chars
        .iter()
        .any(|&(_, c)| matches!(c, '"' | '\'') || c == q.outer.0 || c == q.inner.0)
    {
        return;
    }
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let opens_after = |prev: Option<char>| {
        prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p))
            || prev == Some(q.outer.0)
            || prev == Some(q.inner.0)
    };
    let closes_before = |next: Option<char>| {
        next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}\u{2014}\u{2013}-/".contains(n))
            || next == Some(q.outer.1)
            || next == Some(q.inner.1)
            || next == Some('"')
            || next == Some('\'')
    };
    // Open quotes: (index, double or outer form, was straight, enclosing open).
    let mut stack: Vec<(usize, bool, bool, Option<usize>)> = Vec::new();
    // Pairs: (open, close, double or outer form, was straight, enclosing open).
    let mut pairs: Vec<(usize, usize, bool, bool, Option<usize>)> = Vec::new();
    for (i, &(leaf, c)) in chars.iter().enumerate() {
        if leaf == usize::MAX {
            continue;
        }
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let top = stack.last().map(|&(_, double, _, _)| double);
        // A straight quote closes only a straight one (`12" vinyl` inside a
        // quoted title is not the title's end).
        let top_straight = stack.last().is_some_and(|&(_, _, straight, _)| straight);
        let parent = stack.last().map(|&(open, ..)| open);
        let followed = next.is_some_and(|n| !n.is_whitespace());
        let after_word = prev.is_some_and(|p| !p.is_whitespace());
        let mut close = |stack: &mut Vec<(usize, bool, bool, Option<usize>)>| {
            let (open, double, straight, parent) = stack.pop().unwrap();
            pairs.push((open, i, double, straight, parent));
        };
        if c == '"' {
            if top == Some(true) && top_straight && after_word && closes_before(next) {
                close(&mut stack);
            } else if opens_after(prev) && followed {
                stack.push((i, true, true, parent));
            }
        } else if c == '\'' {
            if top == Some(false) && top_straight && after_word && closes_before(next) {
                close(&mut stack);
            } else if opens_after(prev) && next.is_some_and(char::is_alphanumeric) {
                stack.push((i, false, true, parent));
            }
        } else if c == q.outer.0 && c != q.outer.1 {
            stack.push((i, true, false, parent));
        } else if c == q.inner.0 && c != q.inner.1 && opens_after(prev) && followed {
            stack.push((i, false, false, parent));
        } else if c == q.outer.1 && stack.iter().any(|&(_, double, ..)| double) {
            // Unambiguously a closing quote: quotes opened after its partner
            // and never closed (`the '90s`) were apostrophes.
            while stack.last().is_some_and(|&(_, double, ..)| !double) {
                stack.pop();
            }
            close(&mut stack);
        } else if c == q.inner.1 && top == Some(false) && closes_before(next) {
            close(&mut stack);
        }
    }
    if pairs.is_empty() {
        return;
    }
    // Outermost first: a pair inside another takes the other form (the
    // flip-flop of citeproc-js); an outermost pair keeps the form it was
    // written in, and a straight one takes the outer form.
    pairs.sort_unstable_by_key(|p| p.0);
    let mut outer_form: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    // What each character becomes: a character moved in front of it (the
    // punctuation that goes inside a closing quote) and itself, or `None`
    // when it moved.
    let mut out: Vec<(Option<char>, Option<char>)> =
        chars.iter().map(|&(_, c)| (None, Some(c))).collect();
    let mut changed = false;
    for &(open, close, double, straight, parent) in &pairs {
        let outer = match parent.and_then(|p| outer_form.get(&p)) {
            Some(&parent_outer) => !parent_outer,
            None => straight || double,
        };
        outer_form.insert(open, outer);
        let (o, c) = if outer { q.outer } else { q.inner };
        changed |= chars[open].1 != o || chars[close].1 != c;
        out[open].1 = Some(o);
        out[close].1 = Some(c);
        // Not the entry's last character: citeproc-js moves that one in some
        // styles (APA) and not in others (IEEE); outside is never wrong.
        if straight && q.punctuation_inside && close + 2 < chars.len() {
            if let Some(p @ ('.' | ',')) = at(close + 1) {
                if chars[close + 1].0 != usize::MAX {
                    out[close].0 = Some(p);
                    out[close + 1].1 = None;
                    changed = true;
                }
            }
        }
    }
    if !changed {
        return;
    }
    rewrite_leaves(leaves, &chars, |k, text| {
        text.extend(out[k].0.into_iter().chain(out[k].1))
    });
}

/// The text leaves of `children` in order; `None` for a link or markup, which
/// no punctuation rule reaches across.
fn collect_leaves<'a>(children: &'a mut ElemChildren, out: &mut Vec<Option<&'a mut String>>) {
    for child in &mut children.0 {
        match child {
            ElemChild::Text(t) => out.push(Some(&mut t.text)),
            ElemChild::Elem(e) => collect_leaves(&mut e.children, out),
            ElemChild::Link { .. } | ElemChild::Markup(_) | ElemChild::Transparent { .. } => {
                out.push(None)
            }
        }
    }
}

/// Plain text on one line: block elements become spaces.
/// citeproc-js capitalises a term that opens a bibliography entry or a note: an
/// item without author and title starts "N.d." (Harvard's "No date"), not "n.d."
/// (in-text citations keep `(n.d.)`). hayagriva leaves it lower case. Only the "no date" terms are touched:
/// a title that starts in lower case (`iPhone`) stays as it is. Leading markup
/// (`(`, `[`, HTML tags, Markdown emphasis) is skipped.
fn capitalize_leading_term(s: &str) -> String {
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'*' | b'_' => i += 1,
            b'<' => match s[i..].find('>') {
                Some(end) => i += end + 1,
                None => break,
            },
            _ => break,
        }
    }
    let rest = &s[i..];
    // en-US/en-GB "n.d." and "no date"; fr "s. d.", es "s. f.". (de "o. J." is
    // capitalised already.)
    let term = ["n.d.", "no date", "s. d.", "s. f.", "s.d.", "s.f."]
        .iter()
        .any(|t| rest.starts_with(t));
    if !term {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..i]);
    let mut chars = rest.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
    }
    out.push_str(chars.as_str());
    out
}

fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').filter(|l| !l.trim().is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line.trim());
    }
    out
}

fn render_children(children: &ElemChildren, out: Output) -> String {
    let mut buf = String::new();
    for child in &children.0 {
        write_child(&mut buf, child, out);
    }
    buf
}

fn render_child_string(child: &ElemChild, out: Output) -> String {
    let mut buf = String::new();
    write_child(&mut buf, child, out);
    buf
}

fn write_child(buf: &mut String, child: &ElemChild, out: Output) {
    match child {
        ElemChild::Text(t) => write_formatted(buf, t, out),
        ElemChild::Elem(e) => {
            let block = out != Output::Html
                && matches!(e.display, Some(hayagriva::citationberg::Display::Block));
            if block {
                buf.push('\n');
            }
            for c in &e.children.0 {
                write_child(buf, c, out);
            }
            if block {
                buf.push('\n');
            }
        }
        ElemChild::Markup(m) => write_formatted(
            buf,
            &Formatted {
                text: m.clone(),
                formatting: Formatting::default(),
            },
            out,
        ),
        ElemChild::Link { text, url } => match out {
            Output::Html if is_safe_url(url) => {
                buf.push_str("<a href=\"");
                escape_html(buf, url);
                buf.push_str("\">");
                write_formatted(buf, text, out);
                buf.push_str("</a>");
            }
            Output::Markdown if is_safe_url(url) => {
                let mut inner = String::new();
                write_formatted(&mut inner, text, out);
                buf.push('[');
                buf.push_str(&inner);
                buf.push_str("](");
                buf.push_str(
                    &url.replace('(', "%28")
                        .replace(')', "%29")
                        .replace(' ', "%20"),
                );
                buf.push(')');
            }
            _ => write_formatted(buf, text, out),
        },
        ElemChild::Transparent { .. } => {}
    }
}

/// Only web links and DOIs become links; anything else (`javascript:`, `data:`)
/// is printed as text.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn write_formatted(buf: &mut String, t: &Formatted, out: Output) {
    if t.text.is_empty() {
        return;
    }
    let f = &t.formatting;
    match out {
        Output::Text => buf.push_str(&t.text),
        Output::Html => {
            let mut close: Vec<&str> = Vec::new();
            if f.font_style == FontStyle::Italic {
                buf.push_str("<i>");
                close.push("</i>");
            }
            if f.font_weight == FontWeight::Bold {
                buf.push_str("<b>");
                close.push("</b>");
            }
            if f.font_variant == FontVariant::SmallCaps {
                buf.push_str("<span style=\"font-variant:small-caps;\">");
                close.push("</span>");
            }
            if f.text_decoration == TextDecoration::Underline {
                buf.push_str("<u>");
                close.push("</u>");
            }
            match f.vertical_align {
                VerticalAlign::Sup => {
                    buf.push_str("<sup>");
                    close.push("</sup>");
                }
                VerticalAlign::Sub => {
                    buf.push_str("<sub>");
                    close.push("</sub>");
                }
                _ => {}
            }
            escape_html(buf, &t.text);
            for c in close.iter().rev() {
                buf.push_str(c);
            }
        }
        Output::Markdown => {
            let (lead, core, trail) = split_ws(&t.text);
            buf.push_str(lead);
            let mut marks = "";
            if f.font_weight == FontWeight::Bold && f.font_style == FontStyle::Italic {
                marks = "***";
            } else if f.font_weight == FontWeight::Bold {
                marks = "**";
            } else if f.font_style == FontStyle::Italic {
                marks = "*";
            }
            if !core.is_empty() {
                buf.push_str(marks);
                escape_markdown(buf, core);
                buf.push_str(marks);
            }
            buf.push_str(trail);
        }
    }
}

/// Markdown emphasis must not start or end with a space.
fn split_ws(s: &str) -> (&str, &str, &str) {
    let trimmed_start = s.trim_start();
    let lead = &s[..s.len() - trimmed_start.len()];
    let core = trimmed_start.trim_end();
    let trail = &trimmed_start[core.len()..];
    (lead, core, trail)
}

fn escape_html(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            '\'' => buf.push_str("&#39;"),
            c => buf.push(c),
        }
    }
}

fn escape_markdown(buf: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '#' | '|'
        ) {
            buf.push('\\');
        }
        buf.push(c);
    }
}

// ---------------------------------------------------------------------------
// Handing items to hayagriva.

/// CSL 1.0.2 name variables.
const NAME_VARIABLES: &[&str] = &[
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
const DATE_VARIABLES: &[&str] = &[
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

fn item_id(map: &Map<String, Value>) -> Option<String> {
    match map.get("id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Rewrite one CSL-JSON item into the subset hayagriva reads without failing
/// or panicking:
///
/// * names: objects with string parts (a bare string becomes a literal name);
/// * dates: `{"date-parts": [[y, m, d]]}` with a valid month and day, and the
///   end of a range as a second date if it is valid and differs (rendered by
///   the patched hayagriva, patch 16); `raw` dates and numeric `literal` dates
///   are parsed (their first date), months 13–16 become seasons;
/// * other variables: strings and integers; other numbers become strings;
///   `null`, booleans, arrays and objects are dropped;
/// * citeproc-js's rich-text tags in strings (`<i>`, `<b>`, `<sc>`, `<sup>`,
///   `<sub>`, `<span class="nocase">`) are removed: hayagriva would print them
///   as literal text;
/// * only the variables `keep` accepts are kept (named as in the output:
///   `journalAbbreviation` is `container-title-short`).
fn sanitize_for(map: &Map<String, Value>, keep: impl Fn(&str) -> bool) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in map {
        if key == "id" {
            continue;
        }
        // Zotero's older name for `container-title-short`.
        if key == "journalAbbreviation" {
            if keep("container-title-short") && !map.contains_key("container-title-short") {
                if let Some(v) = sanitize_scalar(value) {
                    out.insert("container-title-short".into(), v);
                }
            }
            continue;
        }
        if !keep(key) {
            continue;
        }
        if NAME_VARIABLES.contains(&key.as_str()) {
            if let Some(names) = sanitize_names(value) {
                out.insert(key.clone(), names);
            }
        } else if DATE_VARIABLES.contains(&key.as_str()) {
            if let Some(date) = sanitize_date(value) {
                out.insert(key.clone(), date);
            }
        } else if let Some(v) = sanitize_scalar(value) {
            let v = match v {
                Value::String(s) if !VERBATIM_VARIABLES.contains(&key.as_str()) => {
                    Value::String(typographic_apostrophes(&s))
                }
                v => v,
            };
            out.insert(key.clone(), v);
        }
    }
    out
}

fn sanitize_scalar(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => {
            let s = strip_rich_text(s);
            (!s.trim().is_empty()).then_some(Value::String(s))
        }
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => Value::from(i),
            None => Value::String(n.to_string()),
        }),
        _ => None,
    }
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

fn sanitize_names(value: &Value) -> Option<Value> {
    let list: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![value],
        Value::String(_) => vec![value],
        _ => return None,
    };
    let names: Vec<Value> = list.into_iter().filter_map(sanitize_name).collect();
    (!names.is_empty()).then_some(Value::Array(names))
}

fn sanitize_name(value: &Value) -> Option<Value> {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) if !s.trim().is_empty() => {
                Some(typographic_apostrophes(&strip_rich_text(s.trim())))
            }
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    match value {
        Value::String(s) if !s.trim().is_empty() => {
            Some(serde_json::json!({ "literal": typographic_apostrophes(s.trim()) }))
        }
        Value::Object(o) => {
            if let Some(literal) = text(o.get("literal")) {
                return Some(serde_json::json!({ "literal": literal }));
            }
            let family = text(o.get("family"));
            let given = text(o.get("given"));
            if family.is_none() && given.is_none() {
                return None;
            }
            let mut name = Map::new();
            match (family, given) {
                (Some(f), g) => {
                    name.insert("family".into(), Value::String(f));
                    if let Some(g) = g {
                        name.insert("given".into(), Value::String(g));
                    }
                }
                // A name with only a given name ("Plato" in some exports):
                // hayagriva needs a family name.
                (None, Some(g)) => {
                    name.insert("family".into(), Value::String(g));
                }
                (None, None) => return None,
            }
            for key in ["non-dropping-particle", "dropping-particle", "suffix"] {
                if let Some(v) = text(o.get(key)) {
                    name.insert(key.into(), Value::String(v));
                }
            }
            match o.get("comma-suffix") {
                Some(Value::Bool(b)) => {
                    name.insert("comma-suffix".into(), Value::Bool(*b));
                }
                Some(Value::String(s)) if s == "true" => {
                    name.insert("comma-suffix".into(), Value::Bool(true));
                }
                Some(Value::Number(n)) if n.as_u64() == Some(1) => {
                    name.insert("comma-suffix".into(), Value::Bool(true));
                }
                _ => {}
            }
            Some(Value::Object(name))
        }
        _ => None,
    }
}

/// One date as (year, month, day), validated.
type Ymd = (i64, Option<i64>, Option<i64>);

fn sanitize_date(value: &Value) -> Option<Value> {
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
            }
            .filter(|s| (1..=4).contains(s));
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
    let Some((date, season_in_month)) = parts.and_then(date_parts) else {
        // A date given only as text ("in press", "forthcoming"): printed as
        // written (hayagriva patch 26), as citeproc-js prints CSL-JSON's
        // `literal`, instead of "n.d.".
        let literal = match value {
            Value::Object(o) => o.get("literal").and_then(Value::as_str),
            _ => None,
        }
        .map(str::trim)
        .filter(|l| !l.is_empty())?;
        let mut out = Map::new();
        out.insert("date-parts".into(), Value::Array(Vec::new()));
        out.insert("literal".into(), Value::String(literal.to_string()));
        return Some(Value::Object(out));
    };
    let season = season.or(season_in_month);
    // The end of a range (`[[2019, 12], [2020, 1]]`), if it is a valid date
    // other than the start: hayagriva renders ranges (patch 16).
    let end = match value {
        Value::Object(o) => o.get("date-parts").and_then(second_date_part),
        _ => None,
    }
    .and_then(date_parts)
    .map(|(end, _)| end)
    .filter(|end| *end != date);
    let mut out = Map::new();
    let mut all = vec![Value::Array(date)];
    all.extend(end.map(Value::Array));
    out.insert("date-parts".into(), Value::Array(all));
    // A season is kept: where the style asks for the year only it is not
    // printed (hayagriva patch 22), where it prints months it is ("Summer
    // 2013"), as citeproc-js does.
    if let Some(season) = season {
        out.insert("season".into(), Value::from(season));
    }
    if circa {
        out.insert("circa".into(), Value::Bool(true));
    }
    Some(Value::Object(out))
}

/// A valid date as CSL-JSON date parts for hayagriva, and a season given as
/// a month (13–16, 21–24).
fn date_parts((year, month, day): Ymd) -> Option<(Vec<Value>, Option<i64>)> {
    if !(-9999..=9999).contains(&year) || year == 0 {
        return None;
    }
    // CSL-JSON counts years before the common era as negative numbers
    // (-430 is 430 BC), hayagriva astronomically (-430 is 431 BC).
    let year = if year < 0 { year + 1 } else { year };
    let mut season = None;
    let mut date = vec![Value::from(year)];
    match month {
        Some(m @ 1..=12) => {
            date.push(Value::from(m));
            if let Some(d @ 1..=31) = day {
                date.push(Value::from(d));
            }
        }
        Some(m @ 13..=16) => season = Some(m - 12),
        Some(m @ 21..=24) => season = Some(m - 20),
        _ => {}
    }
    Some((date, season))
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
fn parse_raw_date(s: &str) -> Option<Ymd> {
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
    fn a_leading_no_date_term_is_capitalised_as_citeproc_js_does() {
        assert_eq!(
            capitalize_leading_term("n.d.-a. In Kmptnd."),
            "N.d.-a. In Kmptnd."
        );
        assert_eq!(capitalize_leading_term("<i>n.d.</i> x"), "<i>N.d.</i> x");
        assert_eq!(
            capitalize_leading_term("(no date) Title"),
            "(No date) Title"
        );
        // Anything else is left alone, titles in lower case included.
        assert_eq!(
            capitalize_leading_term("iPhone review. n.d."),
            "iPhone review. n.d."
        );
        assert_eq!(capitalize_leading_term("nd. x"), "nd. x");
        assert_eq!(capitalize_leading_term("<b"), "<b");
    }

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("", 0), (1, 1));
    }

    #[test]
    fn raw_dates() {
        assert_eq!(
            parse_raw_date("2021-06-22"),
            Some((2021, Some(6), Some(22)))
        );
        assert_eq!(parse_raw_date("2021/2022"), Some((2021, None, None)));
        assert_eq!(parse_raw_date("n.d."), None);
    }

    #[test]
    fn markdown_emphasis_hugs_words() {
        assert_eq!(split_ws(" a b "), (" ", "a b", " "));
    }
}
