//! citris: a lossless RIS reader and citation converter.
//!
//! Data flows one way: bytes → [`decode`] → [`ris::lex`] (tagged lines with spans)
//! → [`ris::read`] (one tag table) → [`Reference`] → writers ([`bibtex`],
//! [`csl_json`], [`write::ris`], side by side in [`write`]). [`ris::Reader`] drives the reading stages
//! from bytes pushed in pieces; [`detect`] says what an input is when it is
//! not RIS. The CLI and the browser are thin shells over [`parse_bytes`] (or
//! [`ris::Reader`]) and [`write`].
//!
//! ```
//! let text = "TY - JOUR TI - A title AU - Doe, Jane PY - 2021 ER -";
//! let parsed = citris::parse_str(text);
//! assert_eq!(parsed.references.len(), 1);
//! let mut bib = String::new();
//! citris::write(&parsed.references, citris::Format::Bibtex, &Default::default(), &mut bib).unwrap();
//! assert!(bib.starts_with("@article{doe2021title,"));
//! ```
#![deny(missing_docs)]

#[cfg(feature = "cite")]
pub mod cite;
pub mod date;
pub mod decode;
pub mod detect;
pub mod diag;
pub mod keys;
pub mod model;
pub mod name;
mod par;
pub mod ris;
#[cfg(feature = "style-pack")]
pub mod stylepack;
pub mod styles;
pub(crate) mod text;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod write;

pub use diag::{DiagKind, Diagnostic, Position, Severity};
pub use model::Reference;
pub use write::{bibtex, csl_json};

use std::fmt;

/// The result of reading an input.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The references, in input order.
    pub references: Vec<Reference>,
    /// Everything worth telling the user, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// The encoding the bytes were read as.
    pub encoding: &'static str,
}

/// Reads RIS from bytes in any supported encoding.
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    ris::Reader::read(bytes).0
}

/// [`parse_bytes`], and the decoded text it read: for a caller that shows the
/// text (the page's input box), so that the bytes are decoded once.
pub fn parse_bytes_with_text(bytes: &[u8]) -> (Parsed, std::borrow::Cow<'_, str>) {
    ris::Reader::read(bytes)
}

/// Reads RIS from text.
pub fn parse_str(text: &str) -> Parsed {
    ris::Reader::read_str(text)
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// BibTeX.
    Bibtex,
    /// BibLaTeX.
    Biblatex,
    /// CSL-JSON (array of items).
    CslJson,
    /// Normalised RIS.
    Ris,
}

impl Format {
    /// All formats, in menu order.
    pub const ALL: [Format; 4] = [
        Format::Bibtex,
        Format::Biblatex,
        Format::CslJson,
        Format::Ris,
    ];

    /// Parses a CLI/JS format name (`bibtex`, `biblatex`, `csl-json`, `ris`).
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "bibtex" | "bib" => Some(Format::Bibtex),
            "biblatex" => Some(Format::Biblatex),
            "csl-json" | "csljson" | "json" | "csl" => Some(Format::CslJson),
            "ris" => Some(Format::Ris),
            _ => None,
        }
    }

    /// [`Format::from_name`], or the message for a name that is none: it
    /// lists every format, so that the CLI and the JS API say the same.
    pub fn parse_name(s: &str) -> Result<Format, String> {
        Format::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!(
                "unknown format '{s}' (expected {} or {last})",
                rest.join(", ")
            )
        })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Bibtex => "bibtex",
            Format::Biblatex => "biblatex",
            Format::CslJson => "csl-json",
            Format::Ris => "ris",
        }
    }

    /// File-name extension for downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Bibtex | Format::Biblatex => "bib",
            Format::CslJson => "json",
            Format::Ris => "ris",
        }
    }

    /// MIME type for downloads.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Bibtex | Format::Biblatex => "application/x-bibtex",
            Format::CslJson => "application/vnd.citationstyles.csl+json",
            Format::Ris => "application/x-research-info-systems",
        }
    }
}

/// Options for the writers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// BibTeX/BibLaTeX: write accented letters as LaTeX commands instead of UTF-8.
    pub latex_accents: bool,
    /// The form of generated citation keys (BibTeX keys and CSL-JSON ids).
    pub keys: keys::KeyStyle,
}

/// Writes references one at a time, with unique keys across everything written
/// (the same code serves whole inputs and streams).
#[derive(Debug)]
pub struct Writer {
    format: Format,
    opts: Options,
    keys: keys::Keys,
    count: usize,
}

impl Writer {
    /// A writer for `format`.
    pub fn new(format: Format, opts: Options) -> Self {
        Writer {
            format,
            opts,
            keys: keys::Keys::new(opts.keys),
            count: 0,
        }
    }

    /// How many references were written.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes one reference.
    pub fn record(&mut self, r: &Reference, out: &mut impl fmt::Write) -> fmt::Result {
        let first = self.count == 0;
        self.count += 1;
        let key = self.key(r);
        Self::entry(self.format, self.opts, r, &key, first, out)
    }

    /// Writes many references to a string: the same text as [`Writer::record`] for
    /// each, but natively a large batch is written on every core (keys are given
    /// in order first, so they stay unique and the same; the pieces are joined in
    /// order). The browser build has one thread.
    pub fn records(&mut self, refs: &[Reference], out: &mut String) {
        let first = self.count;
        // Keys in order first, so they stay unique and the same: the base keys of
        // a large batch on every core, then made unique in order.
        let keys: Vec<String> = if self.format == Format::Ris {
            vec![String::new(); refs.len()]
        } else {
            let style = self.keys.style();
            par::map_parts(refs, |_, rs| {
                rs.iter()
                    .map(|r| keys::base_key_with(r, style))
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .map(|b| self.keys.unique(b))
            .collect()
        };
        self.count += refs.len();
        let (format, opts) = (self.format, self.opts);
        // Room for the text up front: growing a string of many megabytes by
        // doubling copied it again and again (17 % of a parse-and-write profile
        // of benches/core.rs).
        let size = |rs: &[Reference]| rs.iter().map(output_size_hint).sum::<usize>();
        let parts = par::map_slices(refs, |start, rs| {
            let mut o = String::with_capacity(size(rs));
            for (j, (r, k)) in rs.iter().zip(&keys[start..]).enumerate() {
                // Writing into a String cannot fail.
                let _ = Self::entry(format, opts, r, k, first + start + j == 0, &mut o);
            }
            o
        });
        match parts {
            Some(parts) => parts.iter().for_each(|p| out.push_str(p)),
            None => {
                out.reserve(size(refs));
                for (j, (r, k)) in refs.iter().zip(&keys).enumerate() {
                    let _ = Self::entry(format, opts, r, k, first + j == 0, out);
                }
            }
        }
    }

    /// The citation key of the next reference (RIS has none; see also the
    /// batch form in [`Writer::records`]).
    fn key(&mut self, r: &Reference) -> String {
        match self.format {
            Format::Ris => String::new(),
            _ => self.keys.key(r),
        }
    }

    fn entry(
        format: Format,
        opts: Options,
        r: &Reference,
        key: &str,
        first: bool,
        out: &mut impl fmt::Write,
    ) -> fmt::Result {
        match format {
            Format::Bibtex | Format::Biblatex => {
                if !first {
                    out.write_char('\n')?;
                }
                let dialect = if format == Format::Bibtex {
                    bibtex::Dialect::Bibtex
                } else {
                    bibtex::Dialect::Biblatex
                };
                let opts = bibtex::BibOptions {
                    latex_accents: opts.latex_accents,
                };
                bibtex::write_entry(r, key, dialect, opts, out)
            }
            Format::CslJson => {
                out.write_str(if first { "[\n  " } else { ",\n  " })?;
                csl_json::write_item(r, key, out)
            }
            Format::Ris => {
                if !first {
                    out.write_char('\n')?;
                }
                write::ris::write_record(r, out)
            }
        }
    }

    /// Closes the output (the CSL-JSON array).
    pub fn finish(&mut self, out: &mut impl fmt::Write) -> fmt::Result {
        if self.format == Format::CslJson {
            out.write_str(if self.count == 0 { "[]\n" } else { "\n]\n" })?;
        }
        Ok(())
    }
}

/// About as many bytes as one reference takes in any output format: its text
/// plus room for field names and punctuation.
fn output_size_hint(r: &Reference) -> usize {
    let fields: usize = r.fields.values().map(|v| v.len() + 24).sum();
    let names: usize = r
        .names
        .values()
        .flatten()
        .map(|n| n.family.len() + n.given.len() + n.literal.len() + 16)
        .sum();
    let extra: usize = r.extra.iter().map(|e| e.value.len() + 24).sum();
    let keywords: usize = r.keywords.iter().map(|k| k.len() + 2).sum();
    128 + fields + names + extra + keywords + 48 * r.dates.len()
}

/// Writes references in a format.
pub fn write(
    refs: &[Reference],
    format: Format,
    opts: &Options,
    out: &mut impl fmt::Write,
) -> fmt::Result {
    let mut w = Writer::new(format, *opts);
    for r in refs {
        w.record(r, out)?;
    }
    w.finish(out)
}

/// Writes references to a new string.
pub fn write_string(refs: &[Reference], format: Format, opts: &Options) -> String {
    let mut s = String::new();
    let mut w = Writer::new(format, *opts);
    // On every core natively (the same text as `write`); fmt::Write for String
    // never fails.
    w.records(refs, &mut s);
    let _ = w.finish(&mut s);
    s
}

#[cfg(test)]
mod writer_tests {
    use super::*;

    /// Writing a large batch on several threads gives the same text as writing
    /// record by record, for every format, across batches (keys stay unique).
    #[test]
    fn parallel_batches_equal_one_by_one() {
        let mut text = String::new();
        for i in 0..6000 {
            // Many colliding keys (same author, year, title word).
            text.push_str(&format!(
                "TY  - JOUR\nAU  - Doe, J.\nTI  - Same title {}\nPY  - 2020\nER  - \n",
                i % 3
            ));
        }
        let refs = parse_str(&text).references;
        for f in Format::ALL {
            let opts = Options::default();
            let mut one = Writer::new(f, opts);
            let mut a = String::new();
            for r in refs.iter().chain(&refs) {
                one.record(r, &mut a).unwrap();
            }
            one.finish(&mut a).unwrap();
            let mut many = Writer::new(f, opts);
            let mut b = String::new();
            many.records(&refs, &mut b);
            many.records(&refs, &mut b);
            many.finish(&mut b).unwrap();
            assert_eq!(many.count(), 12_000);
            assert!(a == b, "{f:?} differs");
        }
    }
}
