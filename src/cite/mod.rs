//! Formatted citations: references or CSL-JSON items → hayagriva → text,
//! HTML and Markdown.
//!
//! Formatting goes through [hayagriva]'s `BibliographyDriver`, which is a CSL
//! 1.0.2 processor; this module does not interpret CSL itself. What it does:
//!
//! * finds styles and locales by name ([`Style::named`], in `registry`): every
//!   style of the CSL repository, dependent ones through their parent. The
//!   styles come from, in this order, those added at run time ([`add_style`],
//!   what the page does with the files it fetches), the ones built in (APA and
//!   en-US always; with the `bundled-styles` feature nine more styles and four
//!   more locales), and with the `style-pack` feature all 2,851 independent
//!   styles and 63 locales (`styles/pack.bin`, see [`crate::stylepack`]). Each
//!   is parsed once per process and cached;
//! * parses a user's `.csl` file, resolving a dependent style to its parent,
//!   and reports malformed XML with line and column (`style`);
//! * hands references to hayagriva as typed items (`item`), and CSL-JSON
//!   from outside in a shape it cannot choke on (`sanitize`);
//! * brings hayagriva's output closer to citeproc-js's (`post`) and writes
//!   it as plain text, escaped HTML and Markdown (`render`), printing the
//!   citation-number label of numeric styles itself.
//!
//! Every known difference from citeproc-js, the reference processor, is listed
//! with its cause in `tests/conformance/DIFFERENCES.md`.

mod item;
mod post;
mod registry;
mod render;
mod sanitize;
mod style;

use std::collections::{HashMap, HashSet};
use std::fmt;

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::{IndependentStyle, Locale, LocaleCode};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, IndexedItem,
};
use serde_json::Value;

use crate::diag::Position;
use crate::keys::{assign_keys_with, KeyStyle};
use crate::model::Reference;
use post::{
    capitalize_leading_term, fix_punctuation, localize_quotes, mark_empty_citation, QuoteMarks,
};
pub use registry::{
    add_locale, add_style, available_locales, bundled_locales, bundled_styles, resolved_locale,
    AddedStyle, BundledStyle,
};
use render::{render_child_string, render_children, tidy};
pub use style::Style;

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

/// Format CSL-JSON items in a style and locale.
///
/// Returns one entry per item, in the style's bibliography order, each with
/// its in-text citation (the items are cited one by one, in input order, so
/// numeric styles number them in that order). `locale` may be empty to use
/// the style's default locale, or en-US. Items that are not objects are an
/// error; odd fields inside an item are dropped or repaired, never a panic.
pub fn format(items: &[Value], style: &Style, locale: &str) -> Result<Vec<Entry>, CiteError> {
    let (locale, locales) = registry::locale_for(style, locale)?;
    let mut maps = Vec::with_capacity(items.len());
    for (index, value) in items.iter().enumerate() {
        let Value::Object(map) = value else {
            return Err(CiteError::new(CiteErrorKind::BadItem, format!(
                "item {} is not a JSON object (CSL-JSON items are objects with \"id\" and \"type\")",
                index + 1
            )));
        };
        maps.push(map);
    }
    let ids = unique_ids(maps.iter().map(|m| sanitize::item_id(m)));
    let prepared = prepare(&maps, ids, |map, id| {
        sanitize::sanitize(map, id, |k| style.prints(k))
    });
    render(&prepared, style, &locale, &locales)
}

/// Format references in a style and locale, as [`format`] formats their
/// CSL-JSON (with ids made by `keys`), without writing it.
pub fn format_references(
    refs: &[Reference],
    keys: KeyStyle,
    style: &Style,
    locale: &str,
) -> Result<Vec<Entry>, CiteError> {
    let (locale, locales) = registry::locale_for(style, locale)?;
    let keys = assign_keys_with(refs, keys);
    let ids = unique_ids(
        refs.iter()
            .zip(&keys)
            .map(|(r, k)| item::reference_id(r, k)),
    );
    let refs: Vec<&Reference> = refs.iter().collect();
    let prepared = prepare(&refs, ids, |r, id| {
        item::from_reference(r, id, |k| style.prints(k))
    });
    render(&prepared, style, &locale, &locales)
}

/// The ids of the items in order: a missing one is `item-N`, a repeated one
/// gets a suffix (`-2`, `-3`, …), so that each entry can be found by its id.
fn unique_ids(ids: impl Iterator<Item = Option<String>>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.enumerate()
        .map(|(index, id)| {
            let id = id.unwrap_or_else(|| format!("item-{}", index + 1));
            if seen.insert(id.clone()) {
                return id;
            }
            let mut n = 2;
            while !seen.insert(format!("{id}-{n}")) {
                n += 1;
            }
            format!("{id}-{n}")
        })
        .collect()
}

/// Each input made an item by `read`, with its id, on every core.
fn prepare<T: Sync>(
    inputs: &[T],
    ids: Vec<String>,
    read: impl Fn(&T, String) -> Item + Sync,
) -> Vec<(String, IndexedItem)> {
    // hayagriva renders on as many threads as citris reads with
    // (`CITRIS_THREADS`); the setting is citris's, not the library's.
    #[cfg(not(target_arch = "wasm32"))]
    {
        static THREADS: std::sync::Once = std::sync::Once::new();
        THREADS.call_once(|| hayagriva::set_render_threads(crate::par::threads()));
    }
    let pairs: Vec<(&T, String)> = inputs.iter().zip(ids).collect();
    crate::par::map_parts(&pairs, |_, part| {
        part.iter()
            .map(|(input, id)| (id.clone(), IndexedItem::new(read(input, id.clone()))))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

fn render(
    prepared: &[(String, IndexedItem)],
    style: &Style,
    locale: &str,
    locales: &[Locale],
) -> Result<Vec<Entry>, CiteError> {
    // On wasm panics abort; there the sanitizer and the tests are the defence.
    if cfg!(target_arch = "wasm32") {
        return render_inner(prepared, style, locale, locales);
    }
    // Last line of defence: hayagriva is not ours, and a panic inside it must
    // not take the CLI or a server down.
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
