//! The styles and locales this process knows: built in, in the style pack, or
//! added at run time, each parsed once and kept for the life of the process
//! (parsing a style takes longer than formatting a page of references with it).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use hayagriva::citationberg::{Locale, LocaleCode, LocaleFile};

use super::style::{check_well_formed, describe_de, parse_any, read_style_file, Parsed, Style};
use super::{CiteError, CiteErrorKind};
use crate::styles::Index;

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
                xml: include_str!(concat!("../../styles/", $file)),
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

const LOCALE_FIRST: &[(&str, &str)] = &[(
    "en-US",
    include_str!("../../styles/locales/locales-en-US.xml"),
)];

#[cfg(feature = "bundled-styles")]
const LOCALE_MORE: &[(&str, &str)] = &[
    (
        "en-GB",
        include_str!("../../styles/locales/locales-en-GB.xml"),
    ),
    (
        "de-DE",
        include_str!("../../styles/locales/locales-de-DE.xml"),
    ),
    (
        "fr-FR",
        include_str!("../../styles/locales/locales-fr-FR.xml"),
    ),
    (
        "es-ES",
        include_str!("../../styles/locales/locales-es-ES.xml"),
    ),
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
pub(super) fn style_id_of(name: &str) -> String {
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
    locale_for(style, locale).map(|(code, _)| code)
}

/// The locale code to format `style` in and the locale files hayagriva gets:
/// `locale`, or when it is empty the style's default (whose lack of a file is
/// no error, see [`locale_set`]).
pub(super) fn locale_for(
    style: &Style,
    locale: &str,
) -> Result<(String, Arc<Vec<Locale>>), CiteError> {
    let explicit = !locale.trim().is_empty();
    let asked = if explicit {
        locale
    } else {
        style.default_locale().unwrap_or("en-US")
    };
    locale_set(asked, explicit)
}

impl Style {
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
}
