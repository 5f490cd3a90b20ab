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
export interface Diagnostic { line: number; column: number; severity: Severity; message: string }
export interface ParseResult { items: Record<string, unknown>[]; diagnostics: Diagnostic[]; encoding: string }
export type KeyForm = 'authoryear-title' | 'authoryear';
export interface ConvertOptions { to: 'bibtex' | 'biblatex' | 'csl-json' | 'ris'; latexAccents?: boolean; keys?: KeyForm }
export interface ConvertResult { output: string; count: number; diagnostics: Diagnostic[] }
export interface FormatInfo { name: string; extension: string; mime: string }
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::new(&e.to_string()).into())
}

/// Reads the input: a `Uint8Array` (decoded by the core: BOM, UTF-16, Windows-1252) or a string.
pub(crate) fn read_input(input: &JsValue) -> Result<Parsed, JsValue> {
    if let Some(s) = input.as_string() {
        return Ok(crate::parse_str(&s));
    }
    if input.is_instance_of::<Uint8Array>() {
        let bytes = Uint8Array::from(input.clone()).to_vec();
        return Ok(crate::parse_bytes(&bytes));
    }
    Err(Error::new("input must be a string or a Uint8Array").into())
}

#[derive(Serialize)]
struct ParseOut<'a> {
    items: Vec<serde_json::Value>,
    diagnostics: &'a [Diagnostic],
    encoding: &'a str,
}

/// The `keys` option of every call (`authoryear-title`, the default, or `authoryear`).
pub(crate) fn key_style(options: &JsValue) -> Result<KeyStyle, JsValue> {
    if !options.is_object() {
        return Ok(KeyStyle::default());
    }
    let v = js_sys::Reflect::get(options, &JsValue::from_str("keys")).unwrap_or(JsValue::UNDEFINED);
    match v.as_string() {
        None => Ok(KeyStyle::default()),
        Some(s) => KeyStyle::from_name(&s).ok_or_else(|| {
            Error::new(&format!(
                "unknown key form '{s}' (expected authoryear-title or authoryear)"
            ))
            .into()
        }),
    }
}

/// `parse(input, {keys}) → {items, diagnostics, encoding}`: CSL-JSON items (with
/// `_line`, the line of the record in the input) and every diagnostic.
#[wasm_bindgen(skip_typescript)]
pub fn parse(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let keys = key_style(&options)?;
    let p = read_input(&input)?;
    let mut items = crate::csl_json::items_with(&p.references, keys);
    for (item, r) in items.iter_mut().zip(&p.references) {
        if let Some(o) = item.as_object_mut() {
            o.insert("_line".into(), r.line.into());
        }
    }
    to_js(&ParseOut {
        items,
        diagnostics: &p.diagnostics,
        encoding: p.encoding,
    })
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConvertOpts {
    to: String,
    #[serde(default)]
    latex_accents: bool,
}

fn convert_opts(options: JsValue) -> Result<(Format, Options), JsValue> {
    let keys = key_style(&options)?;
    let o: ConvertOpts = serde_wasm_bindgen::from_value(options)
        .map_err(|e| Error::new(&format!("bad options: {e}")))?;
    let f = Format::from_name(&o.to).ok_or_else(|| {
        Error::new(&format!(
            "unknown format '{}' (expected bibtex, biblatex, csl-json or ris)",
            o.to
        ))
    })?;
    Ok((
        f,
        Options {
            latex_accents: o.latex_accents,
            keys,
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
    let (format, opts) = convert_opts(options)?;
    let p = read_input(&input)?;
    let output = crate::write_string(&p.references, format, &opts);
    to_js(&ConvertOut {
        output,
        count: p.references.len(),
        diagnostics: &p.diagnostics,
    })
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

/// Converts a large input fed in chunks: `push(chunk)` returns the number of records
/// completed so far; `finish()` returns `{output, count, diagnostics}`.
#[wasm_bindgen]
pub struct StreamConverter {
    reader: crate::stream::StreamReader,
    writer: Writer,
    output: String,
}

#[wasm_bindgen]
impl StreamConverter {
    /// `new StreamConverter({to, latexAccents})`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<StreamConverter, JsValue> {
        let (format, opts) = convert_opts(options)?;
        Ok(StreamConverter {
            reader: crate::stream::StreamReader::new(),
            writer: Writer::new(format, opts),
            output: String::new(),
        })
    }

    /// Feeds a chunk of bytes; returns the records completed so far.
    pub fn push(&mut self, chunk: &[u8]) -> usize {
        let (w, out) = (&mut self.writer, &mut self.output);
        self.reader.push(chunk, &mut |r| {
            let _ = w.record(&r, out);
        });
        self.reader.records()
    }

    /// Hands over the output written so far and forgets it, so that a caller building
    /// a Blob piece by piece keeps only one copy of a large conversion.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.output)
    }

    /// Ends the input and returns `{output, count, diagnostics}`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let (w, out) = (&mut self.writer, &mut self.output);
        self.reader.finish(&mut |r| {
            let _ = w.record(&r, out);
        });
        let _ = self.writer.finish(&mut self.output);
        let diagnostics = self.reader.take_diagnostics();
        to_js(&ConvertOut {
            output: std::mem::take(&mut self.output),
            count: self.reader.records(),
            diagnostics: &diagnostics,
        })
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_FUNCS: &'static str = r#"
export function parse(input: Uint8Array | string, options?: { keys?: KeyForm }): ParseResult;
export function convert(input: Uint8Array | string, options: ConvertOptions): ConvertResult;
export function formats(): FormatInfo[];
"#;

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
export interface StyleInfo { name: string; title: string }
export function format(input: Uint8Array | string, options?: FormatOptions): FormatResult;
export function styles(): StyleInfo[];
"#;

    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct FormatOpts {
        style: Option<String>,
        style_xml: Option<String>,
        #[serde(default)]
        locale: String,
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
            let style =
                std::rc::Rc::new(Style::from_xml(xml).map_err(|e| Error::new(&e.to_string()))?);
            USER_STYLE.with(|c| *c.borrow_mut() = Some((xml.to_string(), style.clone())));
            return Ok(style);
        }
        let name = o.style.as_deref().unwrap_or("apa");
        Style::bundled(name)
            .map(std::rc::Rc::new)
            .map_err(|e| Error::new(&e.to_string()).into())
    }

    /// `format(input, {style, styleXml, locale}) → {entries, diagnostics}`; throws an
    /// `Error` with the message for a bad style.
    #[wasm_bindgen(skip_typescript)]
    pub fn format(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let keys = key_style(&options)?;
        let o: FormatOpts = if options.is_undefined() || options.is_null() {
            FormatOpts::default()
        } else {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| Error::new(&format!("bad options: {e}")))?
        };
        let style = style_for(&o)?;
        let p = read_input(&input)?;
        let items = crate::csl_json::items_with(&p.references, keys);
        let entries =
            cite::format(&items, &style, &o.locale).map_err(|e| Error::new(&e.to_string()))?;
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
            diagnostics: &p.diagnostics,
        })
    }

    /// `styles() → [{name, title}]`: the bundled styles.
    #[wasm_bindgen(skip_typescript)]
    pub fn styles() -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct S {
            name: &'static str,
            title: &'static str,
        }
        let v: Vec<S> = cite::bundled_styles()
            .iter()
            .map(|b| S {
                name: b.name,
                title: b.title,
            })
            .collect();
        to_js(&v)
    }
}
