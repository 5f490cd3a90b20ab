//! The CSL processor test suite (`../shared/csl-test-suite/humans/*.txt`)
//! against hayagriva's `BibliographyDriver`, as a ratchet.
//!
//! Each test file holds sections `>>===== NAME =====>>` … `<<===== NAME =====<<`
//! (the number of `=` varies): MODE, CSL, INPUT, RESULT and optionally
//! CITATION-ITEMS, CITATIONS, BIBENTRIES, BIBSECTION, ABBREVIATIONS, OPTIONS.
//! The files are read in place. A test is run the way citeproc-js's test
//! runner (citeproc-test-runner, `lib/sys.js`) runs it:
//!
//! * without CITATION-ITEMS or CITATIONS, one citation of every input item
//!   (in the bibliography's order, as citeproc-js's registry holds them);
//! * CITATION-ITEMS: one citation per entry, one per line (citeproc-js makes
//!   each on its own, `makeCitationCluster`, with the positions and
//!   `near-note` flags the test gives; hayagriva computes positions itself
//!   from the order of the citations, and its API takes none: the test's are
//!   not passed);
//! * CITATIONS: the document is built citation by citation
//!   (`processCitationCluster`) and printed as `>>[i] text` for the
//!   citations the last step changed and `..[i] text` for the others;
//! * bibliography mode: the bibliography of the cited items, as citeproc-js's
//!   HTML (`<div class="csl-bib-body">`, `<div class="csl-entry">`, …).
//!
//! The list of passing tests is `tests/csl-suite/passing.txt`: the test fails
//! when a listed test no longer passes; `CSL_SUITE_UPDATE=1` rewrites it.
//! `CSL_SUITE_FILTER=substring` runs only matching tests and prints their
//! differences (`CSL_SUITE_VERBOSE=1` prints the differences of every
//! failure). The last line printed is `csl test-suite: N of 845 passed`.
//!
//! This file is also compiled against crates.io's hayagriva (to measure the
//! unpatched engine with the same runner); what needs the API of citris's
//! patched hayagriva is behind `#[cfg(not(csl_suite_upstream))]`.
#![cfg(feature = "cite")]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use hayagriva::citationberg::json::Item;
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    Display, FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleFile, Style,
    TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    Formatting, LocatorPayload, Rendered, SpecificLocator,
};
use serde_json::Value;

/// The suite, resolved next to the checkout (`/work/shared/csl-test-suite`).
fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/csl-test-suite/humans")
}

fn ratchet_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/csl-suite/passing.txt")
}

/// The locales: the CSL locales repository when `./build.sh csl-data` has
/// fetched it into `target/csl/locales` (citeproc-js runs the suite with all
/// of them), else the five citris bundles in `styles/locales`.
fn load_locales() -> (Vec<Locale>, bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let full = root.join("target/csl/locales");
    let (dir, complete) = if full.join("locales-en-US.xml").is_file() {
        (full, true)
    } else {
        (root.join("styles/locales"), false)
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "xml"));
    files.sort();
    let locales = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|xml| LocaleFile::from_xml(&xml).ok())
        .map(Locale::from)
        .collect();
    (locales, complete)
}

// ---------------------------------------------------------------------------
// Test files

/// The sections of a test file by name.
fn parse_sections(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.strip_prefix('\u{feff}').unwrap_or(text).lines();
    while let Some(line) = lines.next() {
        let Some(name) = section_name(line, ">>", "=>>") else {
            continue;
        };
        let mut body = Vec::new();
        loop {
            let Some(line) = lines.next() else {
                return Err(format!("section {name} is not closed"));
            };
            if let Some(end) = section_name(line, "<<", "=<<") {
                if end != name {
                    return Err(format!("section {name} closed as {end}"));
                }
                break;
            }
            body.push(line);
        }
        out.insert(name, body.join("\n"));
    }
    Ok(out)
}

/// `>>===== NAME =====>>` → `NAME`.
fn section_name(line: &str, open: &str, close: &str) -> Option<String> {
    let inner = line.trim_end().strip_prefix(open)?.strip_suffix(close)?;
    let name = inner.trim_matches('=').trim();
    (inner.starts_with('=')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '-' || c == '_'))
    .then(|| name.to_string())
}

/// One cite of a citation (an element of CITATION-ITEMS or of a citation's
/// `citationItems`).
#[derive(Debug, Clone)]
struct Cite {
    id: String,
    locator: Option<String>,
    label: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    suppress_author: bool,
    author_only: bool,
}

fn json_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn json_bool(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "1",
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        _ => false,
    }
}

fn parse_cite(v: &Value) -> Result<Cite, String> {
    let o = v.as_object().ok_or("a cite is not an object")?;
    Ok(Cite {
        id: o.get("id").and_then(json_str).ok_or("a cite without id")?,
        locator: o.get("locator").and_then(json_str),
        label: o.get("label").and_then(json_str),
        prefix: o.get("prefix").and_then(json_str),
        suffix: o.get("suffix").and_then(json_str),
        suppress_author: json_bool(o.get("suppress-author")),
        author_only: json_bool(o.get("author-only")),
    })
}

fn parse_cites(v: &Value) -> Result<Vec<Cite>, String> {
    v.as_array()
        .ok_or("cites are not a list")?
        .iter()
        .map(parse_cite)
        .collect()
}

/// One step of a CITATIONS section: `[citation, citationsPre, citationsPost]`.
#[derive(Debug)]
struct Step {
    id: String,
    note: usize,
    cites: Vec<Cite>,
    pre: Vec<(String, usize)>,
    post: Vec<(String, usize)>,
}

fn parse_steps(v: &Value) -> Result<Vec<Step>, String> {
    let placed = |v: &Value| -> Result<Vec<(String, usize)>, String> {
        v.as_array()
            .ok_or("citationsPre/Post is not a list")?
            .iter()
            .map(|p| {
                let id = p
                    .get(0)
                    .and_then(json_str)
                    .ok_or("a placed citation without id")?;
                let note = p.get(1).and_then(Value::as_u64).unwrap_or(0) as usize;
                Ok((id, note))
            })
            .collect()
    };
    v.as_array()
        .ok_or("CITATIONS is not a list")?
        .iter()
        .map(|step| {
            let citation = step.get(0).ok_or("a step without citation")?;
            Ok(Step {
                id: citation
                    .get("citationID")
                    .and_then(json_str)
                    .ok_or("a citation without citationID")?,
                note: citation
                    .pointer("/properties/noteIndex")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize,
                cites: parse_cites(
                    citation
                        .get("citationItems")
                        .ok_or("a citation without items")?,
                )?,
                pre: step.get(1).map(placed).transpose()?.unwrap_or_default(),
                post: step.get(2).map(placed).transpose()?.unwrap_or_default(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Outcomes

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Pass,
    /// Not run, with the reason.
    Skip(String),
    /// Run and failed: the cause, and what was expected and produced.
    Fail {
        cause: String,
        detail: String,
    },
}

fn fail(cause: &str, detail: impl Into<String>) -> Outcome {
    Outcome::Fail {
        cause: cause.to_string(),
        detail: detail.into(),
    }
}

/// What a test needs that the runner does not feed to the engine (and so
/// cannot pass as the suite means it): the first reason, if any.
fn unsupported(sections: &BTreeMap<String, String>, mode: &str) -> Option<String> {
    match mode {
        "citation" | "bibliography" => {}
        other => return Some(format!("MODE {other}")),
    }
    for name in [
        "ABBREVIATIONS",
        "BIBSECTION",
        "OPTIONS",
        "INPUT2",
        "LANGPARAMS",
        "MULTIAFFIX",
    ] {
        if sections.contains_key(name) {
            return Some(format!("section {name}"));
        }
    }
    None
}

/// Runs one test file.
fn run_test(text: &str, locales: &[Locale], complete_locales: bool) -> Outcome {
    let sections = match parse_sections(text) {
        Ok(s) => s,
        Err(e) => return fail("test file", e),
    };
    let get = |name: &str| sections.get(name).map(String::as_str);
    let (Some(mode), Some(csl), Some(input), Some(expected)) =
        (get("MODE"), get("CSL"), get("INPUT"), get("RESULT"))
    else {
        return fail("test file", "a required section is missing");
    };
    let mode = mode.trim();
    if let Some(reason) = unsupported(&sections, mode) {
        return Outcome::Skip(reason);
    }

    let style = match Style::from_xml(csl) {
        Ok(Style::Independent(s)) => s,
        Ok(_) => return Outcome::Skip("dependent style".into()),
        Err(e) => return fail("style does not parse", e.to_string()),
    };
    if !complete_locales {
        if let Some(code) = &style.default_locale {
            let base = code.0.split('-').next().unwrap_or_default();
            let known = locales
                .iter()
                .filter_map(|l| l.lang.as_ref())
                .any(|l| l.0.split('-').next() == Some(base));
            if !known && base.len() == 2 {
                return Outcome::Skip(
                    "locale not among the five bundled (./build.sh csl-data fetches all)".into(),
                );
            }
        }
    }
    let mut items: Vec<Item> = match serde_json::from_str(input) {
        Ok(items) => items,
        Err(e) => return fail("input does not parse", e.to_string()),
    };
    // citeproc-js's runner files an item without an id under `undefined`.
    for item in &mut items {
        item.0
            .entry("id".to_string())
            .or_insert_with(|| hayagriva::citationberg::json::Value::String("undefined".into()));
    }

    let json = |name: &str| -> Result<Option<Value>, String> {
        get(name)
            .map(|s| serde_json::from_str::<Value>(s).map_err(|e| format!("{name}: {e}")))
            .transpose()
    };
    let plan = (|| -> Result<Plan, String> {
        if let Some(steps) = json("CITATIONS")? {
            return Ok(Plan::Steps(parse_steps(&steps)?));
        }
        if let Some(cites) = json("CITATION-ITEMS")? {
            let cites = cites
                .as_array()
                .ok_or("CITATION-ITEMS is not a list")?
                .iter()
                .map(parse_cites)
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Plan::Clusters(cites));
        }
        let ids: Vec<String> = match json("BIBENTRIES")? {
            // Each entry is a set of items given to the registry in turn; the
            // last one is what the registry holds at the end.
            Some(Value::Array(sets)) => sets
                .last()
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(json_str).collect())
                .unwrap_or_default(),
            Some(_) => return Err("BIBENTRIES is not a list".into()),
            None => items
                .iter()
                .filter_map(|i| i.id().map(|s| s.into_owned()))
                .collect(),
        };
        Ok(Plan::All(ids))
    })();
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return fail("test file", e),
    };
    let cites: Vec<&Cite> = match &plan {
        Plan::All(_) => Vec::new(),
        Plan::Clusters(c) => c.iter().flatten().collect(),
        Plan::Steps(s) => s.iter().flat_map(|s| &s.cites).collect(),
    };
    // hayagriva's API has no suppress-author cite.
    if cites.iter().any(|c| c.suppress_author) {
        return Outcome::Skip("suppress-author cites".into());
    }

    let by_id: HashMap<String, &Item> = items
        .iter()
        .filter_map(|i| Some((i.id()?.into_owned(), i)))
        .collect();
    let run = Run {
        style: &style,
        locales,
        by_id: &by_id,
    };
    let result = panic::catch_unwind(AssertUnwindSafe(|| run.output(mode, &plan)));
    let actual = match result {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return fail("runner", e),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "?".into());
            return fail("panic", msg);
        }
    };
    if canonical(&actual) == canonical(expected) {
        Outcome::Pass
    } else {
        fail(
            "output differs",
            format!("expected:\n{expected}\n  got:\n{actual}"),
        )
    }
}

/// How the test cites its items.
enum Plan {
    /// One citation of these items (no CITATION-ITEMS nor CITATIONS).
    All(Vec<String>),
    /// CITATION-ITEMS.
    Clusters(Vec<Vec<Cite>>),
    /// CITATIONS.
    Steps(Vec<Step>),
}

struct Run<'a> {
    style: &'a IndependentStyle,
    locales: &'a [Locale],
    by_id: &'a HashMap<String, &'a Item>,
}

impl<'a> Run<'a> {
    fn output(&self, mode: &str, plan: &Plan) -> Result<String, String> {
        let bibliography = mode == "bibliography";
        match plan {
            Plan::All(ids) => {
                let cite = |ids: &[String]| -> Vec<Vec<Cite>> {
                    vec![ids.iter().map(|id| plain_cite(id)).collect()]
                };
                let mut rendered = self.render(&cite(ids), &[])?;
                // citeproc-js cites the items in the order its registry
                // holds them: the bibliography's, when it sorts.
                let bib_sorts = self
                    .style
                    .bibliography
                    .as_ref()
                    .is_some_and(|b| b.sort.is_some());
                if bib_sorts && !bibliography {
                    if let Some(bib) = &rendered.bibliography {
                        let order: Vec<String> = bib.items.iter().map(|i| i.key.clone()).collect();
                        if order.len() == ids.len() && order != *ids {
                            rendered = self.render(&cite(&order), &[])?;
                        }
                    }
                }
                Ok(if bibliography {
                    bibliography_html(&rendered)
                } else {
                    citations_html(&rendered).join("\n")
                })
            }
            Plan::Clusters(clusters) => {
                let rendered = self.render(clusters, &[])?;
                Ok(if bibliography {
                    bibliography_html(&rendered)
                } else {
                    citations_html(&rendered).join("\n")
                })
            }
            Plan::Steps(steps) => {
                let mut contents: HashMap<&str, &[Cite]> = HashMap::new();
                let mut previous: HashMap<String, String> = HashMap::new();
                let mut last: Option<(Vec<String>, Vec<String>, Rendered)> = None;
                for (k, step) in steps.iter().enumerate() {
                    contents.insert(step.id.as_str(), &step.cites);
                    let doc: Vec<(String, usize)> = step
                        .pre
                        .iter()
                        .cloned()
                        .chain(std::iter::once((step.id.clone(), step.note)))
                        .chain(step.post.iter().cloned())
                        .collect();
                    // Only the last two states are printed; the others are
                    // not rendered (each state is rendered from scratch).
                    if k + 2 < steps.len() {
                        continue;
                    }
                    let mut clusters = Vec::new();
                    let mut notes = Vec::new();
                    let mut ids = Vec::new();
                    for (id, note) in &doc {
                        let cites = contents
                            .get(id.as_str())
                            .ok_or(format!("unknown citation {id}"))?;
                        clusters.push(cites.to_vec());
                        notes.push(*note);
                        ids.push(id.clone());
                    }
                    let rendered = self.render(&clusters, &notes)?;
                    let texts = citations_html(&rendered);
                    if k + 1 < steps.len() {
                        previous = ids.into_iter().zip(texts).collect();
                    } else {
                        last = Some((ids, texts, rendered));
                    }
                }
                let Some((ids, texts, rendered)) = last else {
                    return Ok(String::new());
                };
                if bibliography {
                    return Ok(bibliography_html(&rendered));
                }
                let changed_by = &steps[steps.len() - 1].id;
                let lines: Vec<String> = ids
                    .iter()
                    .zip(texts)
                    .enumerate()
                    .map(|(i, (id, text))| {
                        let same = id != changed_by && previous.get(id) == Some(&text);
                        format!("{}[{i}] {text}", if same { ".." } else { ">>" })
                    })
                    .collect();
                Ok(lines.join("\n"))
            }
        }
    }

    /// Renders citations (with their note numbers, 0 for none).
    fn render(&self, clusters: &[Vec<Cite>], notes: &[usize]) -> Result<Rendered, String> {
        let mut driver: BibliographyDriver<'_, Item> = BibliographyDriver::new();
        for (c, cites) in clusters.iter().enumerate() {
            let mut items = Vec::new();
            for cite in cites {
                let entry = self
                    .by_id
                    .get(&cite.id)
                    .copied()
                    .ok_or_else(|| format!("cite of unknown item {}", cite.id))?;
                items.push(self.item(entry, cite)?);
            }
            let note = notes.get(c).copied().filter(|&n| n > 0);
            driver.citation(CitationRequest::new(
                items,
                self.style,
                None,
                self.locales,
                note,
            ));
        }
        Ok(driver.finish(BibliographyRequest::new(self.style, None, self.locales)))
    }

    fn item(&self, entry: &'a Item, cite: &'a Cite) -> Result<CitationItem<'a, Item>, String> {
        let locator = match &cite.locator {
            Some(loc) => {
                let label = cite.label.as_deref().unwrap_or("page");
                let label = Locator::from_str(label)
                    .map_err(|_| format!("unknown locator label {label}"))?;
                Some(SpecificLocator(label, LocatorPayload::Str(loc)))
            }
            None => None,
        };
        // An author-only cite is hayagriva's author purpose.
        let purpose = cite.author_only.then_some(CitePurpose::Author);
        let item = CitationItem::new(entry, locator, None, false, purpose);
        // The cite's prefix and suffix (citris's hayagriva, patch 32).
        #[cfg(not(csl_suite_upstream))]
        let item = item.with_affixes(cite.prefix.as_deref(), cite.suffix.as_deref());
        Ok(item)
    }
}

fn plain_cite(id: &str) -> Cite {
    Cite {
        id: id.to_string(),
        locator: None,
        label: None,
        prefix: None,
        suffix: None,
        suppress_author: false,
        author_only: false,
    }
}

// ---------------------------------------------------------------------------
// HTML as citeproc-js writes it

fn citations_html(rendered: &Rendered) -> Vec<String> {
    rendered
        .citations
        .iter()
        .map(|c| {
            let mut s = String::new();
            write_children(&c.citation.0, &mut s);
            s
        })
        .collect()
}

fn bibliography_html(rendered: &Rendered) -> String {
    let mut s = String::from("<div class=\"csl-bib-body\">\n");
    if let Some(bib) = &rendered.bibliography {
        for item in &bib.items {
            s.push_str("  <div class=\"csl-entry\">");
            match &item.first_field {
                Some(first) => {
                    s.push_str("<div class=\"csl-left-margin\">");
                    write_child(first, &mut s, true);
                    s.push_str("</div><div class=\"csl-right-inline\">");
                    write_children(&item.content.0, &mut s);
                    s.push_str("</div>");
                }
                None => write_children(&item.content.0, &mut s),
            }
            s.push_str("</div>\n");
        }
    }
    s.push_str("</div>");
    s
}

fn write_children(children: &[ElemChild], out: &mut String) {
    for child in children {
        write_child(child, out, false);
    }
}

/// `bare`: the element's own display is dropped (the first field of a
/// `second-field-align` entry, which the caller wraps).
fn write_child(child: &ElemChild, out: &mut String, bare: bool) {
    match child {
        ElemChild::Text(t) => write_text(&t.text, &t.formatting, out),
        ElemChild::Markup(m) => out.push_str(m),
        ElemChild::Link { text, .. } => write_text(&text.text, &text.formatting, out),
        ElemChild::Transparent { .. } => {}
        ElemChild::Elem(e) => {
            let class = match e.display {
                _ if bare => None,
                Some(Display::Block) => Some("csl-block"),
                Some(Display::LeftMargin) => Some("csl-left-margin"),
                Some(Display::RightInline) => Some("csl-right-inline"),
                Some(Display::Indent) => Some("csl-indent"),
                None => None,
            };
            if let Some(class) = class {
                let _ = write!(out, "<div class=\"{class}\">");
            }
            write_children(&e.children.0, out);
            if class.is_some() {
                out.push_str("</div>");
            }
        }
    }
}

/// A text leaf with its formatting, escaped as citeproc-js escapes.
fn write_text(text: &str, f: &Formatting, out: &mut String) {
    if text.is_empty() {
        return;
    }
    let tags = format_tags(f);
    for (open, _) in &tags {
        out.push_str(open);
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            c => out.push(c),
        }
    }
    for (_, close) in tags.iter().rev() {
        out.push_str(close);
    }
}

fn format_tags(f: &Formatting) -> Vec<(&'static str, &'static str)> {
    let mut tags = Vec::new();
    if f.font_style == FontStyle::Italic {
        tags.push(("<i>", "</i>"));
    }
    match f.font_weight {
        FontWeight::Bold => tags.push(("<b>", "</b>")),
        FontWeight::Light => tags.push(("<span style=\"font-weight:light;\">", "</span>")),
        FontWeight::Normal => {}
    }
    if f.font_variant == FontVariant::SmallCaps {
        tags.push(("<span style=\"font-variant:small-caps;\">", "</span>"));
    }
    if f.text_decoration == TextDecoration::Underline {
        tags.push(("<span style=\"text-decoration:underline;\">", "</span>"));
    }
    match f.vertical_align {
        VerticalAlign::Sup => tags.push(("<sup>", "</sup>")),
        VerticalAlign::Sub => tags.push(("<sub>", "</sub>")),
        VerticalAlign::None | VerticalAlign::Baseline => {}
    }
    tags
}

// ---------------------------------------------------------------------------
// Comparison
//
// Both outputs, citeproc-js's and ours, are brought into one canonical form
// before they are compared. What the canonical form drops is not the engine's
// concern but how HTML is written:
//
// * inline formatting is reduced to runs of text with the formatting in effect
//   (so `<i>a</i><i>b</i>` equals `<i>ab</i>`, `<b><i>x</i></b>` equals
//   `<i><b>x</b></i>`, and `<i>a <span style="font-style:normal;">b</span></i>`
//   equals `<i>a </i>b`: the same text looks the same);
// * whitespace next to a `<div>` tag, and at the start and end, is dropped
//   (citeproc-js's indentation and newlines between its `div`s, which HTML
//   does not show);
// * the entities citeproc-js writes (`&#38;`, `&#60;`, `&#62;`) are read as
//   the characters.
//
// Tags and styles the canonical form does not know stay as text.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Look {
    italic: u8,
    weight: u8,
    small_caps: bool,
    underline: bool,
    valign: u8,
}

#[derive(Debug, PartialEq)]
enum Token {
    Text(String, Look),
    Div(String),
    EndDiv,
}

fn canonical(html: &str) -> String {
    let mut tokens: Vec<Token> = Vec::new();
    let mut stack: Vec<Option<Look>> = Vec::new();
    let mut look = Look::default();
    let mut text = String::new();
    let flush = |text: &mut String, look: Look, tokens: &mut Vec<Token>| {
        if text.is_empty() {
            return;
        }
        let t = decode_entities(text);
        text.clear();
        if let Some(Token::Text(prev, l)) = tokens.last_mut() {
            if *l == look {
                prev.push_str(&t);
                return;
            }
        }
        tokens.push(Token::Text(t, look));
    };
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            break;
        };
        let tag = &after[1..gt];
        let next = &after[gt + 1..];
        let lower = tag.to_ascii_lowercase();
        if let Some(class) = lower
            .strip_prefix("div class=\"")
            .and_then(|c| c.strip_suffix('"'))
        {
            flush(&mut text, look, &mut tokens);
            tokens.push(Token::Div(class.to_string()));
        } else if lower == "/div" {
            flush(&mut text, look, &mut tokens);
            tokens.push(Token::EndDiv);
        } else if let Some(new) = open_tag(&lower, look) {
            flush(&mut text, look, &mut tokens);
            stack.push(Some(look));
            look = new;
        } else if matches!(lower.as_str(), "/i" | "/b" | "/sup" | "/sub" | "/span")
            && stack.last().is_some_and(Option::is_some)
        {
            flush(&mut text, look, &mut tokens);
            look = stack.pop().flatten().unwrap_or_default();
        } else {
            // Unknown: literal text (an unknown `<span>` closes as text too).
            if lower.starts_with("span") {
                stack.push(None);
            } else if lower == "/span" {
                stack.pop();
            }
            text.push_str(&after[..gt + 1]);
        }
        rest = next;
    }
    text.push_str(rest);
    flush(&mut text, look, &mut tokens);

    // Whitespace next to div tags and at both ends.
    let n = tokens.len();
    for i in 0..n {
        let before_div = i + 1 == n || !matches!(tokens[i + 1], Token::Text(..));
        let after_div = i == 0 || !matches!(tokens[i - 1], Token::Text(..));
        if let Token::Text(t, _) = &mut tokens[i] {
            if after_div {
                *t = t.trim_start().to_string();
            }
            if before_div {
                *t = t.trim_end().to_string();
            }
        }
    }
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Text(t, _) if t.is_empty() => {}
            Token::Text(t, l) => {
                let mut close = Vec::new();
                for (on, open, end) in [
                    (l.italic == 1, "<i>", "</i>"),
                    (l.italic == 2, "<oblique>", "</oblique>"),
                    (l.weight == 1, "<b>", "</b>"),
                    (l.weight == 2, "<light>", "</light>"),
                    (l.small_caps, "<sc>", "</sc>"),
                    (l.underline, "<u>", "</u>"),
                    (l.valign == 1, "<sup>", "</sup>"),
                    (l.valign == 2, "<sub>", "</sub>"),
                ] {
                    if on {
                        out.push_str(open);
                        close.push(end);
                    }
                }
                out.push_str(&t);
                for end in close.into_iter().rev() {
                    out.push_str(end);
                }
            }
            Token::Div(class) => {
                let _ = write!(out, "<div class=\"{class}\">");
            }
            Token::EndDiv => out.push_str("</div>"),
        }
    }
    out
}

/// The formatting after an opening tag, or `None` for a tag that is not
/// inline formatting.
fn open_tag(tag: &str, mut look: Look) -> Option<Look> {
    match tag {
        "i" | "em" => look.italic = 1,
        "b" | "strong" => look.weight = 1,
        "sup" => look.valign = 1,
        "sub" => look.valign = 2,
        _ => {
            let style = tag.strip_prefix("span style=\"")?.strip_suffix('"')?;
            for decl in style.split(';').map(str::trim).filter(|d| !d.is_empty()) {
                let (prop, value) = decl.split_once(':')?;
                match (prop.trim(), value.trim()) {
                    ("font-style", "italic") => look.italic = 1,
                    ("font-style", "oblique") => look.italic = 2,
                    ("font-style", "normal") => look.italic = 0,
                    ("font-weight", "bold") => look.weight = 1,
                    ("font-weight", "light" | "lighter") => look.weight = 2,
                    ("font-weight", "normal") => look.weight = 0,
                    ("font-variant", "small-caps") => look.small_caps = true,
                    ("font-variant", "normal") => look.small_caps = false,
                    ("text-decoration", "underline") => look.underline = true,
                    ("text-decoration", "none") => look.underline = false,
                    ("vertical-align", "sup" | "super") => look.valign = 1,
                    ("vertical-align", "sub") => look.valign = 2,
                    ("vertical-align", "baseline") => look.valign = 0,
                    _ => return None,
                }
            }
        }
    }
    Some(look)
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&#38;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ---------------------------------------------------------------------------
// The test

#[test]
fn csl_test_suite() {
    let dir = suite_dir();
    if !dir.is_dir() {
        let msg = format!("csl test-suite: {} is missing", dir.display());
        if std::env::var("CITRIS_REQUIRE_STYLES").is_ok_and(|v| v == "1") {
            panic!("{msg} (CITRIS_REQUIRE_STYLES=1)");
        }
        println!("{msg}; skipped");
        return;
    }
    let filter = std::env::var("CSL_SUITE_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let verbose = filter.is_some() || std::env::var("CSL_SUITE_VERBOSE").is_ok_and(|v| v == "1");
    let update = std::env::var("CSL_SUITE_UPDATE").is_ok_and(|v| v == "1");

    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the suite directory is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    files.sort();
    let total = files.len();
    if let Some(f) = &filter {
        files.retain(|(name, _)| name.contains(f.as_str()));
    }

    let (locales, complete_locales) = load_locales();

    // Panics are caught and counted; their messages are not printed.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Outcome)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((name, path)) = files.get(i) else {
                    break;
                };
                let outcome = match std::fs::read_to_string(path) {
                    Ok(text) => run_test(&text, &locales, complete_locales),
                    Err(e) => fail("test file", e.to_string()),
                };
                results.lock().unwrap().push((name.clone(), outcome));
            });
        }
    });
    panic::set_hook(hook);
    let mut results = results.into_inner().unwrap();
    results.sort();

    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed: BTreeMap<String, usize> = BTreeMap::new();
    let mut passing: Vec<&str> = Vec::new();
    for (name, outcome) in &results {
        match outcome {
            Outcome::Pass => passing.push(name),
            Outcome::Skip(reason) => *skipped.entry(reason.clone()).or_default() += 1,
            Outcome::Fail { cause, detail } => {
                *failed.entry(cause.clone()).or_default() += 1;
                if verbose {
                    println!("FAIL {name} ({cause})\n  {detail}\n");
                }
            }
        }
    }

    // The ratchet.
    let listed_text = std::fs::read_to_string(ratchet_path()).unwrap_or_default();
    let listed: Vec<&str> = listed_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let passing_set: HashSet<&str> = passing.iter().copied().collect();
    let outcome_of: HashMap<&str, &Outcome> =
        results.iter().map(|(n, o)| (n.as_str(), o)).collect();
    let mut regressed = Vec::new();
    let mut unavailable = 0;
    for name in &listed {
        match outcome_of.get(name) {
            _ if passing_set.contains(name) => {}
            // Not run (filtered out), or skipped for want of the locales.
            None => {}
            Some(Outcome::Skip(reason)) if reason.starts_with("locale ") => unavailable += 1,
            Some(_) => regressed.push(*name),
        }
    }
    let listed_set: HashSet<&str> = listed.iter().copied().collect();
    let new: Vec<&str> = passing
        .iter()
        .copied()
        .filter(|n| !listed_set.contains(n))
        .collect();

    if update && filter.is_none() {
        let path = ratchet_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text = passing.join("\n");
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        println!(
            "csl test-suite: wrote {} names to {}",
            passing.len(),
            path.display()
        );
    } else if !new.is_empty() {
        let shown = new.iter().take(20).copied().collect::<Vec<_>>().join(" ");
        println!(
            "csl test-suite: {} tests pass that tests/csl-suite/passing.txt does not list \
             (CSL_SUITE_UPDATE=1 adds them): {shown}{}",
            new.len(),
            if new.len() > 20 { " …" } else { "" }
        );
    }
    if unavailable > 0 {
        println!("csl test-suite: {unavailable} listed tests not run for want of locales");
    }
    let counts = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("csl test-suite: failed by cause: {}", counts(&failed));
    let skipped_total: usize = skipped.values().sum();
    if skipped.is_empty() {
        println!("csl test-suite: skipped none");
    } else {
        println!(
            "csl test-suite: skipped {skipped_total}: {}",
            counts(&skipped)
        );
    }
    println!("csl test-suite: {} of {} passed", passing.len(), total);
    if !update {
        assert!(
            regressed.is_empty(),
            "{} tests listed in tests/csl-suite/passing.txt no longer pass: {}",
            regressed.len(),
            regressed.join(" ")
        );
    }
}

#[test]
fn canonical_form_ignores_how_html_is_written() {
    assert_eq!(canonical("<i>a</i><i>b</i>"), canonical("<i>ab</i>"));
    assert_eq!(canonical("<b><i>x</i></b>"), canonical("<i><b>x</b></i>"));
    assert_eq!(
        canonical("<i>a <span style=\"font-style:normal;\">b</span></i>"),
        canonical("<i>a </i>b")
    );
    assert_eq!(
        canonical(
            "<div class=\"csl-bib-body\">\n  <div class=\"csl-entry\">A &#38; B</div>\n</div>"
        ),
        canonical("<div class=\"csl-bib-body\"><div class=\"csl-entry\">A &#38; B</div></div>")
    );
    assert_ne!(canonical("<i>a</i>b"), canonical("ab"));
    assert_ne!(canonical("a  b"), canonical("a b"));
    assert_eq!(
        canonical("x <span style=\"baseline\">y</span>"),
        "x <span style=\"baseline\">y</span>"
    );
}
