//! The browser binding: a few `#[wasm_bindgen]` functions over the same core the CLI
//! uses. Inputs are bytes (so decoding follows the core's rules) or text; results
//! are plain JS objects; errors become JS `Error`s with the message.

use crate::keys::KeyStyle;
use crate::{Diagnostic, Format, Options, Parsed, Writer};
use js_sys::{Error, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type Severity = 'info' | 'warning' | 'error';
/** `byte`: offset in the decoded text (null: the whole input); `code`: stable kind (`missing-er`, `unknown-tag-kept`, `encoding-windows-1252`, …). */
export interface Diagnostic { line: number; column: number; byte: number | null; severity: Severity; code: string; message: string }
export interface ParseResult { items: Record<string, unknown>[]; diagnostics: Diagnostic[]; encoding: string }
export type KeyForm = 'authoryear-title' | 'authoryear';
export interface ConvertOptions { to: 'bibtex' | 'biblatex' | 'csl-json' | 'ris'; latexAccents?: boolean; keys?: KeyForm }
export interface ConvertResult { output: string; count: number; diagnostics: Diagnostic[] }
export interface FormatInfo { name: string; extension: string; mime: string }
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "cite")]
    hayagriva::set_collation(Some(js_collate));
}

/// Sort keys compared with the browser's `Intl.Collator`, with the options
/// citeproc-js uses (`sensitivity: "base"`, `ignorePunctuation`, `numeric`),
/// instead of ICU4X, whose collation data would be a third of the module.
/// One collator per locale; an unusable locale tag falls back to en-US, and
/// a host without `Intl` to code point order.
#[cfg(feature = "cite")]
fn js_collate(locale: &str, a: &str, b: &str) -> std::cmp::Ordering {
    use js_sys::{Array, Function, Object, Reflect};
    use std::cell::RefCell;
    thread_local! {
        static COLLATORS: RefCell<Vec<(String, Option<Function>)>> = const { RefCell::new(Vec::new()) };
    }
    fn make(tag: &str) -> Option<Function> {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let ctor: Function = Reflect::get(&intl, &"Collator".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let opts = Object::new();
        for (k, v) in [
            ("usage", JsValue::from_str("sort")),
            ("sensitivity", JsValue::from_str("base")),
            ("ignorePunctuation", JsValue::TRUE),
            ("numeric", JsValue::TRUE),
        ] {
            Reflect::set(&opts, &k.into(), &v).ok()?;
        }
        let collator = Reflect::construct(&ctor, &Array::of2(&tag.into(), &opts)).ok()?;
        Reflect::get(&collator, &"compare".into())
            .ok()?
            .dyn_into()
            .ok()
    }
    let f = COLLATORS.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((_, f)) = c.iter().find(|(l, _)| l == locale) {
            return f.clone();
        }
        let f = make(locale).or_else(|| make("en-US"));
        c.push((locale.to_string(), f.clone()));
        f
    });
    let Some(f) = f else { return a.cmp(b) };
    match f
        .call2(&JsValue::NULL, &JsValue::from_str(a), &JsValue::from_str(b))
        .ok()
        .and_then(|v| v.as_f64())
    {
        Some(r) if r < 0.0 => std::cmp::Ordering::Less,
        Some(r) if r > 0.0 => std::cmp::Ordering::Greater,
        Some(_) => std::cmp::Ordering::Equal,
        None => a.cmp(b),
    }
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::new(&e.to_string()).into())
}

/// Reads the input: a `Uint8Array` (decoded by the core: BOM, UTF-16,
/// Windows-1252) or a string; with the decoded text when `keep_text`.
fn read_input(input: &JsValue, keep_text: bool) -> Result<(Parsed, Option<String>), JsValue> {
    if let Some(s) = input.as_string() {
        let p = crate::parse_str(&s);
        return Ok((p, keep_text.then_some(s)));
    }
    if input.is_instance_of::<Uint8Array>() {
        let bytes = Uint8Array::from(input.clone()).to_vec();
        let (p, text) = crate::parse_bytes_with_text(&bytes);
        return Ok((p, keep_text.then(|| text.into_owned())));
    }
    Err(Error::new("input must be a string or a Uint8Array").into())
}

#[derive(Serialize)]
struct ParseOut<'a> {
    items: Vec<serde_json::Value>,
    diagnostics: &'a [Diagnostic],
    encoding: &'a str,
}

/// Options of a call, read once with serde: `undefined` and `null` are the
/// defaults; an unknown field is ignored, a wrong value is an error.
fn options<T: serde::de::DeserializeOwned + Default>(options: JsValue) -> Result<T, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(options).map_err(|e| Error::new(&e.to_string()).into())
}

/// The `keys` option of every call (`authoryear-title`, the default, or
/// `authoryear`), read with the call's other options.
fn de_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KeyStyle, D::Error> {
    use serde::Deserialize;
    match Option::<String>::deserialize(d)? {
        None => Ok(KeyStyle::default()),
        Some(s) => KeyStyle::from_name(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown key form '{s}' (expected authoryear-title or authoryear)"
            ))
        }),
    }
}

#[derive(serde::Deserialize, Default)]
struct ParseOpts {
    #[serde(default, deserialize_with = "de_keys")]
    keys: KeyStyle,
}

/// `parse(input, {keys}) → {items, diagnostics, encoding}`: CSL-JSON items (with
/// `_line`, the line of the record in the input) and every diagnostic.
#[wasm_bindgen(skip_typescript)]
pub fn parse(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let doc = Document::read(&input, options, false)?;
    to_js(&ParseOut {
        items: doc.item_values(),
        diagnostics: &doc.parsed.diagnostics,
        encoding: doc.parsed.encoding,
    })
}

/// An input read once: the page keeps one per state of the paste area and
/// asks it for items, conversions and formatted references, so that one
/// keystroke parses once (as ruff_wasm's `Workspace` keeps a document).
#[wasm_bindgen]
pub struct Document {
    parsed: Parsed,
    text: Option<String>,
    keys: KeyStyle,
}

impl Document {
    fn read(input: &JsValue, options: JsValue, keep_text: bool) -> Result<Document, JsValue> {
        let keys = self::options::<ParseOpts>(options)?.keys;
        let (parsed, text) = read_input(input, keep_text)?;
        Ok(Document { parsed, text, keys })
    }

    /// The CSL-JSON items, each with `_line`, the line of its record.
    fn item_values(&self) -> Vec<serde_json::Value> {
        let refs = &self.parsed.references;
        let mut items = crate::csl_json::items_with(refs, self.keys);
        for (item, r) in items.iter_mut().zip(refs) {
            if let Some(o) = item.as_object_mut() {
                o.insert("_line".into(), r.line.into());
            }
        }
        items
    }

    fn converted(&self, options: JsValue) -> Result<ConvertOut<'_>, JsValue> {
        let (format, opts) = convert_opts(options)?;
        Ok(ConvertOut {
            output: crate::write_string(&self.parsed.references, format, &opts),
            count: self.parsed.references.len(),
            diagnostics: &self.parsed.diagnostics,
        })
    }
}

#[wasm_bindgen]
impl Document {
    /// `new Document(input, {keys})`: reads a `Uint8Array` (decoded by the
    /// core) or a string.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ keys?: KeyForm }")] options: JsValue,
    ) -> Result<Document, JsValue> {
        Document::read(&input, options, true)
    }

    /// CSL-JSON items, with `_line`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown>[]")]
    pub fn items(&self) -> Result<JsValue, JsValue> {
        to_js(&self.item_values())
    }

    /// Every diagnostic of reading, in input order.
    #[wasm_bindgen(getter, unchecked_return_type = "Diagnostic[]")]
    pub fn diagnostics(&self) -> Result<JsValue, JsValue> {
        to_js(&self.parsed.diagnostics)
    }

    /// The encoding the input was read as.
    #[wasm_bindgen(getter)]
    pub fn encoding(&self) -> String {
        self.parsed.encoding.to_string()
    }

    /// The decoded text.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        self.text.clone().unwrap_or_default()
    }

    /// The number of references read.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.parsed.references.len()
    }

    /// `convert({to, latexAccents, keys}) → {output, count, diagnostics}`.
    #[wasm_bindgen(unchecked_return_type = "ConvertResult")]
    pub fn convert(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConvertOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.converted(options)?)
    }
}

#[derive(Serialize)]
struct ReadOut<'a> {
    text: &'a str,
    count: usize,
    diagnostics: &'a [Diagnostic],
    encoding: &'a str,
}

/// `readFile(bytes) → {text, count, diagnostics, encoding}`: a dropped file
/// decoded once (BOM, UTF-16, Windows-1252) and read, with the text to show
/// and the number of records.
#[wasm_bindgen(js_name = readFile, skip_typescript)]
pub fn read_file(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let (p, text) = crate::parse_bytes_with_text(bytes);
    to_js(&ReadOut {
        text: &text,
        count: p.references.len(),
        diagnostics: &p.diagnostics,
        encoding: p.encoding,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ConvertOpts {
    #[serde(default)]
    to: String,
    #[serde(default)]
    latex_accents: bool,
    #[serde(default, deserialize_with = "de_keys")]
    keys: KeyStyle,
}

fn convert_opts(options: JsValue) -> Result<(Format, Options), JsValue> {
    let o: ConvertOpts = self::options(options)?;
    let f = Format::parse_name(&o.to).map_err(|e| Error::new(&e))?;
    Ok((
        f,
        Options {
            latex_accents: o.latex_accents,
            keys: o.keys,
        },
    ))
}

#[derive(Serialize)]
struct ConvertOut<'a> {
    output: String,
    count: usize,
    diagnostics: &'a [Diagnostic],
}

/// `convert(input, {to, latexAccents}) → {output, count, diagnostics}`.
#[wasm_bindgen(skip_typescript)]
pub fn convert(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let doc = Document::read(&input, JsValue::UNDEFINED, false)?;
    to_js(&doc.converted(options)?)
}

#[derive(Serialize)]
struct FormatInfo {
    name: &'static str,
    extension: &'static str,
    mime: &'static str,
}

/// `formats() → [{name, extension, mime}]`.
#[wasm_bindgen(skip_typescript)]
pub fn formats() -> Result<JsValue, JsValue> {
    let v: Vec<FormatInfo> = Format::ALL
        .iter()
        .map(|f| FormatInfo {
            name: f.name(),
            extension: f.extension(),
            mime: f.mime(),
        })
        .collect();
    to_js(&v)
}

/// Converts large inputs fed in chunks: `push(chunk)` returns the number of
/// records of the current input completed so far; `nextInput()` ends one input
/// and starts the next into the same output (one CSL-JSON array, one set of
/// citation keys, as the CLI writes several files) and returns its `{count,
/// diagnostics}`; `finish()` ends the last input and the output and returns
/// `{output, count, diagnostics}`, `count` and `diagnostics` of that input.
#[wasm_bindgen]
pub struct StreamConverter {
    reader: crate::ris::Reader,
    writer: Writer,
    output: String,
    /// References of the current piece, written and cleared after each.
    batch: Vec<crate::Reference>,
}

#[wasm_bindgen]
impl StreamConverter {
    /// `new StreamConverter({to, latexAccents})`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<StreamConverter, JsValue> {
        let (format, opts) = convert_opts(options)?;
        Ok(StreamConverter {
            reader: crate::ris::Reader::new(),
            writer: Writer::new(format, opts),
            output: String::new(),
            batch: Vec::new(),
        })
    }

    /// Feeds a chunk of bytes; returns the records completed so far.
    pub fn push(&mut self, chunk: &[u8]) -> usize {
        self.reader.push(chunk, &mut self.batch);
        self.write_batch();
        self.reader.records()
    }

    /// Hands over the output written so far and forgets it, so that a caller building
    /// a Blob piece by piece keeps only one copy of a large conversion.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.output)
    }

    /// Ends the current input (its last records are written) and starts the
    /// next one into the same output; returns `{count, diagnostics}` of the
    /// input that ended.
    #[wasm_bindgen(js_name = nextInput)]
    pub fn next_input(&mut self) -> Result<JsValue, JsValue> {
        let (count, diagnostics) = self.end_input();
        self.reader = crate::ris::Reader::new();
        to_js(&InputOut {
            count,
            diagnostics: &diagnostics,
        })
    }

    /// Ends the last input and the output; returns `{output, count,
    /// diagnostics}` (`count` and `diagnostics` of the last input).
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let (count, diagnostics) = self.end_input();
        let _ = self.writer.finish(&mut self.output);
        to_js(&ConvertOut {
            output: std::mem::take(&mut self.output),
            count,
            diagnostics: &diagnostics,
        })
    }
}

impl StreamConverter {
    /// Writes the current input's last records; its count and diagnostics.
    fn end_input(&mut self) -> (usize, Vec<Diagnostic>) {
        self.reader.finish(&mut self.batch);
        self.write_batch();
        (self.reader.records(), self.reader.take_diagnostics())
    }

    fn write_batch(&mut self) {
        self.writer.records(&self.batch, &mut self.output);
        self.batch.clear();
    }
}

#[derive(Serialize)]
struct InputOut<'a> {
    count: usize,
    diagnostics: &'a [Diagnostic],
}

#[wasm_bindgen(typescript_custom_section)]
const TS_FUNCS: &'static str = r#"
export function parse(input: Uint8Array | string, options?: { keys?: KeyForm }): ParseResult;
export function convert(input: Uint8Array | string, options: ConvertOptions): ConvertResult;
export function formats(): FormatInfo[];
/** A dropped file, decoded once and read: its text, records and diagnostics. */
export function readFile(bytes: Uint8Array): { text: string; count: number; diagnostics: Diagnostic[]; encoding: string };
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_INDEX: &'static str = r#"
export type CitationFormat = 'author-date' | 'numeric' | 'note' | 'label' | 'author';
export interface StyleEntry {
  id: string; title: string; titleShort: string; format: CitationFormat;
  /** The parent's id for a dependent style, else "". */
  parent: string; parentTitle: string;
  /** The default locale, or "". */
  locale: string;
  issn: string[]; eissn: string[]; fields: string[];
  /** Size of the style file (the parent's, for a dependent style). */
  bytes: number;
}
export interface LocaleEntry { code: string; nativeName: string; englishName: string; bytes: number }
export function loadStyleIndex(json: string): { styles: number; locales: number; styleBytes: number; localeBytes: number };
/** The best matches, best first, at most `limit` (default 50), and how many match in all. */
export function searchStyles(query: string, limit?: number): { results: StyleEntry[]; total: number };
/** Every file of styles/ the index names (independent styles, locales), with its size. */
export function styleFiles(): { path: string; bytes: number }[];
export function styleInfo(name: string): StyleEntry | null;
export function styleLocales(): LocaleEntry[];
"#;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StyleEntry<'a> {
    id: &'a str,
    title: &'a str,
    title_short: &'a str,
    format: &'static str,
    parent: &'a str,
    parent_title: &'a str,
    locale: &'a str,
    issn: &'a [String],
    eissn: &'a [String],
    fields: &'a [String],
    bytes: u64,
}

fn style_entry<'a>(
    ix: &'a crate::styles::Index,
    s: &'a crate::styles::StyleInfo,
) -> StyleEntry<'a> {
    let parent = (!s.parent.is_empty()).then(|| ix.get(&s.parent)).flatten();
    StyleEntry {
        id: &s.id,
        title: &s.title,
        title_short: &s.title_short,
        format: s.format.as_str(),
        parent: &s.parent,
        parent_title: parent.map_or("", |p| p.title.as_str()),
        locale: &s.default_locale,
        issn: &s.issn,
        eissn: &s.eissn,
        fields: &s.fields,
        bytes: parent.map_or(s.bytes, |p| p.bytes),
    }
}

fn current_index() -> Result<std::sync::Arc<crate::styles::Index>, JsValue> {
    crate::styles::current().ok_or_else(|| {
        let e = Error::new("no style index is loaded (call loadStyleIndex with styles/index.json)");
        let _ = js_sys::Reflect::set(&e, &"code".into(), &"needs-index".into());
        e.into()
    })
}

/// `loadStyleIndex(json)`: the style index (`styles/index.json`) that names,
/// searches and dependent styles resolve against.
#[wasm_bindgen(js_name = loadStyleIndex, skip_typescript)]
pub fn load_style_index(json: &str) -> Result<JsValue, JsValue> {
    let ix = crate::styles::Index::from_json(json).map_err(|e| Error::new(&e.to_string()))?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Loaded {
        styles: usize,
        locales: usize,
        style_bytes: u64,
        locale_bytes: u64,
    }
    let (style_bytes, locale_bytes) = ix.total_bytes();
    let out = Loaded {
        styles: ix.styles().len(),
        locales: ix.locales().len(),
        style_bytes,
        locale_bytes,
    };
    crate::styles::set_index(ix);
    to_js(&out)
}

/// `searchStyles(query, limit = 50) → {results, total}`: the best matches, best
/// first (see `Index::search`), and the number of matches.
#[wasm_bindgen(js_name = searchStyles, skip_typescript)]
pub fn search_styles(query: &str, limit: Option<u32>) -> Result<JsValue, JsValue> {
    let ix = current_index()?;
    let (hits, total) = ix.search_with_total(query, limit.unwrap_or(50) as usize);
    #[derive(Serialize)]
    struct Found<'a> {
        results: Vec<StyleEntry<'a>>,
        total: usize,
    }
    to_js(&Found {
        total,
        results: hits.into_iter().map(|s| style_entry(&ix, s)).collect(),
    })
}

/// `styleFiles() → [{path, bytes}]`: what the page fetches to keep every style.
#[wasm_bindgen(js_name = styleFiles, skip_typescript)]
pub fn style_files() -> Result<JsValue, JsValue> {
    let ix = current_index()?;
    #[derive(Serialize)]
    struct F {
        path: String,
        bytes: u64,
    }
    let v: Vec<F> = ix
        .files()
        .into_iter()
        .map(|(path, bytes)| F { path, bytes })
        .collect();
    to_js(&v)
}

/// `styleInfo(name)`: one style by id or short name, or `null`.
#[wasm_bindgen(js_name = styleInfo, skip_typescript)]
pub fn style_info(name: &str) -> Result<JsValue, JsValue> {
    let ix = current_index()?;
    match ix.get(name) {
        Some(s) => to_js(&style_entry(&ix, s)),
        None => Ok(JsValue::NULL),
    }
}

/// `styleLocales()`: every locale of the index.
#[wasm_bindgen(js_name = styleLocales, skip_typescript)]
pub fn style_locales() -> Result<JsValue, JsValue> {
    let ix = current_index()?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct L<'a> {
        code: &'a str,
        native_name: &'a str,
        english_name: &'a str,
        bytes: u64,
    }
    let v: Vec<L> = ix
        .locales()
        .iter()
        .map(|l| L {
            code: &l.code,
            native_name: &l.native_name,
            english_name: &l.english_name,
            bytes: l.bytes,
        })
        .collect();
    to_js(&v)
}

#[cfg(feature = "cite")]
mod cite_bindings {
    use super::*;
    use crate::cite::{self, Style};
    use std::cell::RefCell;

    #[wasm_bindgen(typescript_custom_section)]
    const TS_CITE: &'static str = r#"
export interface FormatOptions { style?: string; styleXml?: string; locale?: string; keys?: KeyForm }
export interface FormattedEntry { id: string; text: string; html: string; citation: string }
export interface FormatResult { entries: FormattedEntry[]; diagnostics: Diagnostic[] }
export interface StyleInfo { name: string; id: string; title: string }
export interface AddedStyle { id: string; title: string; parent: string | null; defaultLocale: string | null }
/** Errors of format, prepareStyle, addStyle and addLocale carry `code` ('unknown-style', 'needs-style',
 *  'needs-locale', 'needs-index', 'unknown-locale', 'bad-style', 'bad-locale', 'bad-item', 'engine-failed'),
 *  `id` (needs-style), `locale` (needs-locale) and `suggestions` (unknown-style). */
export function format(input: Uint8Array | string, options?: FormatOptions): FormatResult;
export function prepareStyle(options?: { style?: string; styleXml?: string; locale?: string }): { id: string; title: string; locale: string };
export function addStyle(xml: string): AddedStyle;
export function addLocale(xml: string): string;
export function styles(): StyleInfo[];
"#;

    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct FormatOpts {
        style: Option<String>,
        style_xml: Option<String>,
        #[serde(default)]
        locale: String,
        #[serde(default, deserialize_with = "super::de_keys")]
        keys: KeyStyle,
    }

    #[derive(Serialize)]
    struct EntryOut<'a> {
        id: &'a str,
        text: &'a str,
        html: &'a str,
        citation: &'a str,
    }

    #[derive(Serialize)]
    struct FormatOut<'a> {
        entries: Vec<EntryOut<'a>>,
        diagnostics: &'a [Diagnostic],
    }

    thread_local! {
        /// The last user style, parsed once: re-rendering on every keystroke must not
        /// re-parse a large .csl file.
        static USER_STYLE: RefCell<Option<(String, std::rc::Rc<Style>)>> = const { RefCell::new(None) };
    }

    /// A JS `Error` with the message and, as properties, what code needs to act on it.
    fn js_error(e: &cite::CiteError) -> JsValue {
        let err = Error::new(&e.to_string());
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
        };
        set("code", e.kind().code().into());
        match e.kind() {
            cite::CiteErrorKind::NeedsStyle { id } => set("id", id.as_str().into()),
            cite::CiteErrorKind::NeedsLocale { code } => set("locale", code.as_str().into()),
            cite::CiteErrorKind::UnknownStyle { suggestions } => {
                let arr = js_sys::Array::new();
                for s in suggestions {
                    arr.push(&s.as_str().into());
                }
                set("suggestions", arr.into());
            }
            _ => {}
        }
        err.into()
    }

    fn style_for(o: &FormatOpts) -> Result<std::rc::Rc<Style>, JsValue> {
        if let Some(xml) = o.style_xml.as_deref().filter(|x| !x.trim().is_empty()) {
            let hit = USER_STYLE.with(|c| {
                c.borrow()
                    .as_ref()
                    .filter(|(k, _)| k == xml)
                    .map(|(_, s)| s.clone())
            });
            if let Some(s) = hit {
                return Ok(s);
            }
            let style = std::rc::Rc::new(Style::from_xml(xml).map_err(|e| js_error(&e))?);
            USER_STYLE.with(|c| *c.borrow_mut() = Some((xml.to_string(), style.clone())));
            return Ok(style);
        }
        let name = o.style.as_deref().unwrap_or("apa");
        Style::named(name)
            .map(std::rc::Rc::new)
            .map_err(|e| js_error(&e))
    }

    /// `format(input, {style, styleXml, locale}) → {entries, diagnostics}`; throws an
    /// `Error` with the message (and `code`) for a bad or missing style or locale.
    #[wasm_bindgen(skip_typescript)]
    pub fn format(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let o = super::options::<FormatOpts>(options)?;
        let doc = Document {
            keys: o.keys,
            ..Document::read(&input, JsValue::UNDEFINED, false)?
        };
        doc.formatted(&o)
    }

    impl Document {
        fn formatted(&self, o: &FormatOpts) -> Result<JsValue, JsValue> {
            let style = style_for(o)?;
            let entries =
                cite::format_references(&self.parsed.references, o.keys, &style, &o.locale)
                    .map_err(|e| js_error(&e))?;
            to_js(&FormatOut {
                entries: entries
                    .iter()
                    .map(|e| EntryOut {
                        id: &e.id,
                        text: &e.text,
                        html: &e.html,
                        citation: &e.citation,
                    })
                    .collect(),
                diagnostics: &self.parsed.diagnostics,
            })
        }
    }

    #[wasm_bindgen]
    impl Document {
        /// `format({style, styleXml, locale}) → {entries, diagnostics}`, as the
        /// function `format` does, with the document's `keys`.
        #[wasm_bindgen(js_name = format, unchecked_return_type = "FormatResult")]
        pub fn format_doc(
            &self,
            #[wasm_bindgen(unchecked_optional_param_type = "FormatOptions")] options: JsValue,
        ) -> Result<JsValue, JsValue> {
            let o = FormatOpts {
                keys: self.keys,
                ..super::options::<FormatOpts>(options)?
            };
            self.formatted(&o)
        }
    }

    /// `prepareStyle({style, styleXml, locale}) → {id, title, locale}`: makes sure the
    /// style and locale can format, by formatting nothing. Throws what `format` would
    /// (`needs-style`, `needs-locale`, `needs-index` name what to add first).
    #[wasm_bindgen(js_name = prepareStyle, skip_typescript)]
    pub fn prepare_style(options: JsValue) -> Result<JsValue, JsValue> {
        let o = super::options::<FormatOpts>(options)?;
        let style = style_for(&o)?;
        let locale = cite::resolved_locale(&style, &o.locale).map_err(|e| js_error(&e))?;
        #[derive(Serialize)]
        struct Prepared<'a> {
            id: &'a str,
            title: &'a str,
            locale: String,
        }
        to_js(&Prepared {
            id: style.id(),
            title: style.title(),
            locale,
        })
    }

    /// `addStyle(xml) → {id, title, parent, defaultLocale}`: a style that `format`
    /// then finds by its id.
    #[wasm_bindgen(js_name = addStyle, skip_typescript)]
    pub fn add_style(xml: &str) -> Result<JsValue, JsValue> {
        let a = cite::add_style(xml).map_err(|e| js_error(&e))?;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            id: &'a str,
            title: &'a str,
            parent: Option<&'a str>,
            default_locale: Option<&'a str>,
        }
        to_js(&Out {
            id: &a.id,
            title: &a.title,
            parent: a.parent.as_deref(),
            default_locale: a.default_locale.as_deref(),
        })
    }

    /// `addLocale(xml) → code`: a locale that `format` then uses.
    #[wasm_bindgen(js_name = addLocale, skip_typescript)]
    pub fn add_locale(xml: &str) -> Result<String, JsValue> {
        cite::add_locale(xml).map_err(|e| js_error(&e))
    }

    /// `styles() → [{name, id, title}]`: the styles built into this module.
    #[wasm_bindgen(skip_typescript)]
    pub fn styles() -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct S {
            name: &'static str,
            id: &'static str,
            title: &'static str,
        }
        let v: Vec<S> = cite::bundled_styles()
            .iter()
            .map(|b| S {
                name: b.name,
                id: b.id,
                title: b.title,
            })
            .collect();
        to_js(&v)
    }
}
