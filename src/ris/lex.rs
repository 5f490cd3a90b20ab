//! Stage one of reading RIS: text → records of tagged lines, losslessly, with positions.
//!
//! A tag line is two characters (a letter, then a letter or digit), one or more
//! spaces, a dash, then a space and the value or nothing (RIS 2011, "Tag format").
//! Everything is kept: every (tag, value, span), duplicates included, in input order.
//! Meaning is assigned later by [`crate::ris::read`] through the tag table.
//!
//! Repairs done here, each reported as a diagnostic:
//! - lines before the first `TY` (export headers) are skipped;
//! - a missing `ER` is closed by the next `TY` or the end of input;
//! - lowercase tags are accepted;
//! - **collapsed records**: text pasted from a web page often has every newline
//!   turned into a space (`TY - JOUR TI - … ER -`). When a `TY` line carries more
//!   than its type code, the record is read in collapsed mode and its lines are
//!   split at ` XX - ` where `XX` is a *known* RIS tag, so that "T-cell", "IL - 2"
//!   or "1 - 14" inside a value are never cut.

use crate::diag::{DiagKind, Diagnostic, Position};
use crate::ris::table::is_known_tag;
pub use crate::ris::tag::Tag;
use crate::text::shorten;
use std::borrow::Cow;
use std::ops::Range;

/// One tagged value with continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField<'a> {
    /// The tag, upper case.
    pub tag: Tag,
    /// The value, trimmed; continuation lines joined with `\n`.
    pub value: Cow<'a, str>,
    /// 1-based line of the tag.
    pub line: u32,
    /// 1-based column (in characters) of the tag.
    pub column: u32,
    /// Byte span in the decoded text from the tag to the end of the value.
    pub span: Range<usize>,
}

/// The tagged lines between a `TY` and its `ER`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRecord<'a> {
    /// Every field, `TY` first when present, `ER` excluded.
    pub fields: Vec<RawField<'a>>,
    /// 1-based line where the record starts.
    pub line: u32,
    /// Byte offset in the decoded text where the record starts (its first tag).
    pub start: usize,
    /// True when the record ended with an `ER` line (false when repaired).
    pub closed: bool,
}

impl RawRecord<'_> {
    /// The `TY` value, if the record has one.
    pub fn ty(&self) -> Option<&str> {
        self.fields
            .first()
            .filter(|f| f.tag.0 == *b"TY")
            .map(|f| f.value.as_ref())
    }
}

/// Splits a whole RIS text into records. Positions count from line 1 and byte 0.
pub fn lex<'a>(text: &'a str, diags: &mut Vec<Diagnostic>) -> Vec<RawRecord<'a>> {
    Lexer::new().lex(text, true, diags).records
}

/// What the lexer carries from one piece of an input to the next: a piece
/// always ends between records with nothing pending, so this is all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    /// Number of the next line.
    line: u32,
    /// Byte offset of the next byte in the whole decoded input.
    base: usize,
    /// A record was seen before (text outside records is then not a header).
    seen_record: bool,
    /// The lowercase-tag warning was given already (once per input).
    warned_lowercase: bool,
}

/// The records one piece of text completed, and how much of it they used.
#[derive(Debug, Default)]
pub struct Lexed<'a> {
    /// The records, in input order.
    pub records: Vec<RawRecord<'a>>,
    /// Bytes of the piece used: up to the start of its last `TY` line that
    /// opens a record (the rest may go on in the next piece, and lines after
    /// an `ER` may still join that record), or all of it at the end of the
    /// input.
    pub consumed: usize,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer::new()
    }
}

impl Lexer {
    /// A lexer at the start of an input.
    pub fn new() -> Self {
        Lexer {
            line: 1,
            base: 0,
            seen_record: false,
            warned_lowercase: false,
        }
    }

    /// Lexes `text`, which goes on where the last call's `consumed` ended.
    /// Unless `last`, only what ends at a point between records with nothing
    /// pending is used (its records returned, its diagnostics kept in
    /// `diags`); the caller passes the rest again with the text after it, so
    /// that any cut gives what one pass gives. With `last`, open records are
    /// closed and everything is used.
    pub fn lex<'a>(&mut self, text: &'a str, last: bool, diags: &mut Vec<Diagnostic>) -> Lexed<'a> {
        let before = diags.len();
        let mut pass = Pass::new(*self);
        let clean = pass.run(text, diags);
        if last {
            pass.finish(diags);
            *self = pass.state;
            return Lexed {
                records: pass.records,
                consumed: text.len(),
            };
        }
        let Some(cp) = clean else {
            diags.truncate(before);
            return Lexed::default();
        };
        let mut records = pass.records;
        records.truncate(cp.records);
        diags.truncate(cp.diagnostics);
        let consumed = cp.state.base - self.base;
        *self = cp.state;
        Lexed { records, consumed }
    }
}

/// One run of the lexer over a piece of text.
#[derive(Debug)]
struct Pass<'a> {
    state: Lexer,
    records: Vec<RawRecord<'a>>,
    current: Option<RawRecord<'a>>,
    collapsed: bool,
    junk: Option<(u32, usize, u32)>, // first line, its byte offset, count
    /// The last point between records with nothing pending.
    clean: Option<CleanPoint>,
    /// The last record was closed by its `ER`, and no `TY` came since.
    after_er: bool,
    /// The open record began with a tag after an `ER`: it is a record
    /// without `TY` if an `ER` closes it, else its lines belong to the record
    /// before (see [`Pass::field`]).
    stray: Option<Stray>,
}

/// Where tagged lines after an `ER` began.
#[derive(Debug, Clone, Copy)]
struct Stray {
    pos: Position,
    tag: Tag,
    /// Where the diagnostic for a record without `TY` goes, if it is one.
    diag_at: usize,
}

/// The last point of a pass between records with nothing pending.
#[derive(Debug, Clone, Copy)]
struct CleanPoint {
    /// The state there (its `base` is the offset just after the line end).
    state: Lexer,
    /// Records completed up to this point.
    records: usize,
    /// Diagnostics pushed up to this point (length of the caller's vector).
    diagnostics: usize,
}

/// Where a tag was found in a line.
struct TagHit {
    tag: Tag,
    lowercase: bool,
    /// Byte offset of the tag in the line.
    start: usize,
    /// Byte offset where the value starts.
    value_start: usize,
}

impl<'a> Pass<'a> {
    fn new(state: Lexer) -> Self {
        Pass {
            state,
            records: Vec::new(),
            current: None,
            collapsed: false,
            junk: None,
            clean: None,
            after_er: false,
            stray: None,
        }
    }

    /// Reads all lines of `text` (LF, CRLF and CR line ends, mixed); returns
    /// the last clean point: the start of a `TY` line with no record open.
    /// Not after an `ER`, because the lines after it may still belong to
    /// that record.
    fn run(&mut self, text: &'a str, diags: &mut Vec<Diagnostic>) -> Option<CleanPoint> {
        let bytes = text.as_bytes();
        let base = self.state.base;
        let mut start = 0;
        while start < bytes.len() {
            let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
                Some(i) => {
                    let e = start + i;
                    if bytes[e] == b'\r' && bytes.get(e + 1) == Some(&b'\n') {
                        (e, e + 2)
                    } else {
                        (e, e + 1)
                    }
                }
                None => (bytes.len(), bytes.len()),
            };
            self.line_in(&text[start..end], base + start, diags);
            self.state.line += 1;
            start = next;
        }
        self.state.base = base + bytes.len();
        self.clean
    }

    /// Closes what is open at the end of the input.
    fn finish(&mut self, diags: &mut Vec<Diagnostic>) {
        self.flush_junk(diags);
        if self.stray.is_some() {
            self.attach_stray(diags);
        }
        if let Some(rec) = self.current.take() {
            diags.push(Diagnostic::new(
                Position::at(rec.start, rec.line, 1),
                DiagKind::MissingEr,
                "record has no ER line at the end of the input; it was closed and kept",
            ));
            self.records.push(rec);
        }
    }

    fn line_in(&mut self, line: &'a str, offset: usize, diags: &mut Vec<Diagnostic>) {
        let trimmed_end = line.trim_end();
        if trimmed_end.trim_start().is_empty() {
            return;
        }
        match find_tag_at_start(trimmed_end) {
            Some(hit) => {
                if hit.tag.0 == *b"TY" && self.stray.is_some() {
                    self.attach_stray(diags);
                }
                if hit.tag.0 == *b"TY" && self.current.is_none() && !self.collapsed {
                    // Between records: a piece can end here (text skipped
                    // before is reported first, as the TY would).
                    self.flush_junk(diags);
                    self.clean = Some(CleanPoint {
                        state: Lexer {
                            base: offset,
                            ..self.state
                        },
                        records: self.records.len(),
                        diagnostics: diags.len(),
                    });
                }
                if hit.lowercase && !self.state.warned_lowercase {
                    self.state.warned_lowercase = true;
                    diags.push(Diagnostic::new(
                        Position::at(
                            offset + hit.start,
                            self.state.line,
                            col_of(trimmed_end, hit.start),
                        ),
                        DiagKind::LowercaseTag,
                        format!(
                            "lowercase tag '{}' read as '{}' (RIS tags are upper case)",
                            &trimmed_end[hit.start..hit.start + 2],
                            hit.tag
                        ),
                    ));
                }
                if hit.tag.0 == *b"TY" {
                    let v = trimmed_end[hit.value_start..].trim_start();
                    self.collapsed =
                        v.split_whitespace().nth(1).is_some() && next_sep(v, 0).is_some();
                }
                if self.collapsed {
                    self.split_collapsed(trimmed_end, offset, Some(hit), diags);
                } else {
                    let value = trimmed_end[hit.value_start..].trim_start();
                    let vstart = trimmed_end.len() - value.len();
                    self.field(
                        hit.tag,
                        value,
                        col_of(trimmed_end, hit.start),
                        offset + hit.start..offset + vstart + value.len(),
                        diags,
                    );
                }
            }
            None => {
                if self.collapsed && self.current.is_some() {
                    self.split_collapsed(trimmed_end, offset, None, diags);
                } else {
                    self.continuation(trimmed_end, offset);
                }
            }
        }
    }

    /// Splits a collapsed line at ` XX - ` (known tags only) into fields.
    fn split_collapsed(
        &mut self,
        line: &'a str,
        offset: usize,
        first: Option<TagHit>,
        diags: &mut Vec<Diagnostic>,
    ) {
        // (tag, tag start, value start) of each piece; the text before the first
        // separator continues the previous field when the line has no leading tag.
        let mut pieces: Vec<(Option<Tag>, usize, usize)> = Vec::new();
        let mut pos = match &first {
            Some(h) => {
                pieces.push((Some(h.tag), h.start, h.value_start));
                h.value_start
            }
            None => {
                pieces.push((None, 0, 0));
                0
            }
        };
        while let Some((tag, tstart, vstart)) = next_sep(line, pos) {
            pieces.push((Some(tag), tstart, vstart));
            pos = vstart;
        }
        // Columns counted incrementally: one pass over the line.
        let mut col = 1u32;
        let mut col_at = 0usize;
        for i in 0..pieces.len() {
            let (tag, tstart, vstart) = pieces[i];
            let vend = pieces.get(i + 1).map(|p| p.1).unwrap_or(line.len());
            let value = line[vstart..vend].trim();
            col += line[col_at..tstart].chars().count() as u32;
            col_at = tstart;
            let vs = if value.is_empty() {
                vstart
            } else {
                vstart + (line[vstart..vend].len() - line[vstart..vend].trim_start().len())
            };
            match tag {
                Some(t) => {
                    if t.0 == *b"TY" {
                        // A TY inside a collapsed line starts another collapsed record.
                        self.collapsed = true;
                    }
                    self.field(
                        t,
                        value,
                        col,
                        offset + tstart..offset + vs + value.len(),
                        diags,
                    );
                }
                None => {
                    if !value.is_empty() {
                        self.continuation(value, offset + vs);
                    }
                }
            }
        }
    }

    fn field(
        &mut self,
        tag: Tag,
        value: &'a str,
        column: u32,
        span: Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = span.start;
        match &tag.0 {
            b"TY" => {
                // Only blank lines between two TYs make them one record (see below).
                let adjacent = self.junk.is_none();
                if self.stray.is_some() {
                    self.attach_stray(diags);
                }
                self.flush_junk(diags);
                self.after_er = false;
                if let Some(rec) = self.current.take() {
                    if rec.fields.len() == 1 && rec.ty().is_some() && adjacent {
                        // `TY  - BOOK` directly followed by another TY: one record with
                        // two type lines, not an empty record. The later TY wins.
                        diags.push(Diagnostic::new(
                            Position::at(rec.start, rec.line, 1),
                            DiagKind::DuplicateTy,
                            format!(
                                "TY '{}' is followed by another TY on line {} with no fields between; it was ignored",
                                shorten(rec.ty().unwrap_or(""), 60),
                                self.state.line
                            ),
                        ));
                    } else {
                        diags.push(Diagnostic::new(
                            Position::at(rec.start, rec.line, 1),
                            DiagKind::MissingEr,
                            format!(
                                "record has no ER line; it was closed before the TY on line {} and kept",
                                self.state.line
                            ),
                        ));
                        self.records.push(rec);
                    }
                }
                self.state.seen_record = true;
                // Room for a typical record's fields at once, not grown from one.
                let mut fields = Vec::with_capacity(24);
                fields.push(RawField {
                    tag,
                    value: Cow::Borrowed(value),
                    line: self.state.line,
                    column,
                    span,
                });
                self.current = Some(RawRecord {
                    fields,
                    line: self.state.line,
                    start: at,
                    closed: false,
                });
            }
            b"ER" => {
                self.flush_junk(diags);
                if let Some(st) = self.stray.take() {
                    // Closed by an ER: a record whose TY is missing.
                    diags.insert(st.diag_at, Self::outside_record(st.pos, st.tag));
                }
                match self.current.take() {
                    Some(mut rec) => {
                        rec.closed = true;
                        self.after_er = true;
                        if !value.is_empty() {
                            diags.push(Diagnostic::new(
                                Position::at(at, self.state.line, column),
                                DiagKind::TextAfterEr,
                                format!("text after ER ignored: '{}'", shorten(value, 60)),
                            ));
                        }
                        self.records.push(rec);
                    }
                    None => diags.push(Diagnostic::new(
                        Position::at(at, self.state.line, column),
                        DiagKind::StrayEr,
                        "ER without a record before it (no TY since the last ER); ignored",
                    )),
                }
                self.collapsed = false;
            }
            _ => {
                self.flush_junk(diags);
                if self.current.is_none() {
                    let pos = Position::at(at, self.state.line, column);
                    if self.after_er {
                        // Undecided until the next TY or ER (RIS 2011: a record
                        // is TY … ER; what follows an ER belongs to none).
                        self.stray = Some(Stray {
                            pos,
                            tag,
                            diag_at: diags.len(),
                        });
                    } else {
                        diags.push(Self::outside_record(pos, tag));
                    }
                    self.state.seen_record = true;
                    self.current = Some(RawRecord {
                        fields: Vec::new(),
                        line: self.state.line,
                        start: at,
                        closed: false,
                    });
                }
                if let Some(rec) = self.current.as_mut() {
                    rec.fields.push(RawField {
                        tag,
                        value: Cow::Borrowed(value),
                        line: self.state.line,
                        column,
                        span,
                    });
                }
            }
        }
    }

    fn outside_record(pos: Position, tag: Tag) -> Diagnostic {
        Diagnostic::new(
            pos,
            DiagKind::TagOutsideRecord,
            format!(
                "tag {tag} outside a record (no TY before it); a record of type GEN was started here"
            ),
        )
    }

    /// Tagged lines between an `ER` and the next `TY` (Ovid writes `NL  - …`
    /// there) start no record: their fields join the record before, which the
    /// diagnostic names, so that nothing is lost and no empty record appears.
    fn attach_stray(&mut self, diags: &mut Vec<Diagnostic>) {
        let (Some(st), Some(rec)) = (self.stray.take(), self.current.take()) else {
            return;
        };
        let Some(prev) = self.records.last_mut() else {
            // Not reached: a stray record follows a record closed in this pass.
            self.records.push(rec);
            return;
        };
        let n = rec.fields.len();
        let mut tags: Vec<String> = Vec::new();
        for f in &rec.fields {
            let t = f.tag.to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let lines = if n == 1 { "line" } else { "lines" };
        diags.push(Diagnostic::new(
            st.pos,
            DiagKind::TagsAfterEr,
            format!(
                "{n} tagged {lines} ({}) after the ER of the record on line {} and before the next TY belong to no record; kept with that record",
                tags.join(", "),
                prev.line
            ),
        ));
        prev.fields.extend(rec.fields);
    }

    fn continuation(&mut self, text: &'a str, offset: usize) {
        let text = text.trim();
        // After an ER, untagged lines ("Link to the Ovid Full Text …", a
        // record number) are skipped text, not the end of a stray tag's value.
        let field = match self.stray {
            Some(_) => None,
            None => self.current.as_mut().and_then(|r| r.fields.last_mut()),
        };
        match field {
            Some(f) if f.tag.0 != *b"TY" => {
                if f.value.is_empty() {
                    f.value = Cow::Borrowed(text);
                } else {
                    // A newline, not a space: keywords and notes are one per line;
                    // the mapping stage flattens ordinary text.
                    let v = f.value.to_mut();
                    v.push('\n');
                    v.push_str(text);
                }
                f.span.end = offset + text.len();
            }
            _ => match &mut self.junk {
                Some((_, _, n)) => *n += 1,
                None => self.junk = Some((self.state.line, offset, 1)),
            },
        }
    }

    fn flush_junk(&mut self, diags: &mut Vec<Diagnostic>) {
        if let Some((line, byte, n)) = self.junk.take() {
            let lines = if n == 1 { "line" } else { "lines" };
            let (kind, msg) = if self.state.seen_record {
                (
                    DiagKind::TextSkipped { lines: n },
                    format!("skipped {n} {lines} of text outside any record"),
                )
            } else {
                (
                    DiagKind::HeaderSkipped { lines: n },
                    format!("skipped {n} {lines} of text before the first TY (an export header?)"),
                )
            };
            diags.push(Diagnostic::new(Position::at(byte, line, 1), kind, msg));
        }
    }
}

fn col_of(line: &str, byte: usize) -> u32 {
    line[..byte].chars().count() as u32 + 1
}

/// A tag at the start of a (right-trimmed) line: leading blanks allowed for known
/// tags; with a single space before the dash only known tags count, so that a
/// wrapped line starting "IL - 2 …" stays a continuation.
fn find_tag_at_start(line: &str) -> Option<TagHit> {
    let b = line.as_bytes();
    let lead = b.iter().take_while(|c| **c == b' ' || **c == b'\t').count();
    let rest = &b[lead..];
    if rest.len() < 3 {
        return None;
    }
    let (c0, c1) = (rest[0], rest[1]);
    if !c0.is_ascii_alphabetic() || !c1.is_ascii_alphanumeric() {
        return None;
    }
    let mut i = 2;
    while i < rest.len() && rest[i] == b' ' {
        i += 1;
    }
    let spaces = i - 2;
    if spaces == 0 || i >= rest.len() || rest[i] != b'-' {
        return None;
    }
    if i + 1 < rest.len() && rest[i + 1] != b' ' && rest[i + 1] != b'\t' {
        return None;
    }
    let tag = Tag([c0.to_ascii_uppercase(), c1.to_ascii_uppercase()]);
    let lowercase = c0.is_ascii_lowercase() || c1.is_ascii_lowercase();
    let known = is_known_tag(tag.as_str());
    if (lowercase || spaces == 1 || lead > 0) && !known {
        return None;
    }
    if lowercase && spaces > 2 {
        return None;
    }
    Some(TagHit {
        tag,
        lowercase,
        start: lead,
        value_start: lead + (i + 1).min(rest.len()),
    })
}

/// The next ` XX - ` separator at or after `from` whose tag is a known upper-case tag:
/// returns (tag, tag start, value start).
fn next_sep(line: &str, from: usize) -> Option<(Tag, usize, usize)> {
    let b = line.as_bytes();
    let mut i = from;
    while let Some(j) = memchr::memchr(b'-', &b[i..]) {
        let dash = i + j;
        i = dash + 1;
        // After the dash: end of line or a blank.
        if dash + 1 < b.len() && b[dash + 1] != b' ' && b[dash + 1] != b'\t' {
            continue;
        }
        // Before the dash: one or two spaces, the tag, then a blank before the tag.
        let mut k = dash;
        let mut spaces = 0;
        while k > 0 && b[k - 1] == b' ' && spaces < 3 {
            k -= 1;
            spaces += 1;
        }
        if spaces == 0 || spaces > 2 || k < 3 {
            continue;
        }
        let (c0, c1) = (b[k - 2], b[k - 1]);
        if !(c0.is_ascii_uppercase() && (c1.is_ascii_uppercase() || c1.is_ascii_digit())) {
            continue;
        }
        if !(b[k - 3] == b' ' || b[k - 3] == b'\t') || k - 2 < from {
            continue;
        }
        let tag = Tag([c0, c1]);
        if !is_known_tag(tag.as_str()) {
            continue;
        }
        let vstart = (dash + 2).min(b.len());
        return Some((tag, k - 2, vstart));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_text_for_every_tag() {
        for a in (b'A'..=b'Z').chain(b'0'..=b'9') {
            for b in (b'A'..=b'Z').chain(b'0'..=b'9') {
                let want = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(Tag([a, b]).as_str(), want);
            }
        }
        assert_eq!(Tag(*b"a1").as_str(), "a1");
        assert_eq!(Tag([0xff, b'A']).as_str(), "??");
    }

    fn tags(recs: &[RawRecord]) -> Vec<Vec<(String, String)>> {
        recs.iter()
            .map(|r| {
                r.fields
                    .iter()
                    .map(|f| (f.tag.to_string(), f.value.to_string()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn normal_record_with_crlf_and_continuation() {
        let mut d = Vec::new();
        let r = lex(
            "TY  - JOUR\r\nTI  - A long\r\n  title\r\n\r\nER  - \r\n",
            &mut d,
        );
        assert_eq!(
            tags(&r),
            vec![vec![
                ("TY".into(), "JOUR".into()),
                ("TI".into(), "A long\ntitle".into())
            ]]
        );
        assert!(r[0].closed);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn collapsed_keeps_inner_dashes() {
        let mut d = Vec::new();
        let r = lex(
            "TY - JOUR TI - T-cell and IL - 2 AU - Doe, J SP - 1 - 14 EP - 20 ER -",
            &mut d,
        );
        assert_eq!(
            tags(&r)[0],
            vec![
                ("TY".into(), "JOUR".into()),
                ("TI".into(), "T-cell and IL - 2".into()),
                ("AU".into(), "Doe, J".into()),
                ("SP".into(), "1 - 14".into()),
                ("EP".into(), "20".into()),
            ]
        );
        assert!(r[0].closed);
        // Spans point at the text of each tag.
        let text = "TY - JOUR TI - T-cell and IL - 2 AU - Doe, J SP - 1 - 14 EP - 20 ER -";
        let au = &r[0].fields[2];
        assert_eq!(&text[au.span.clone()], "AU - Doe, J");
        assert_eq!(au.column, 34);
    }

    #[test]
    fn two_collapsed_records_on_one_line() {
        let mut d = Vec::new();
        let r = lex("TY - JOUR TI - One ER - TY - BOOK TI - Two ER -", &mut d);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].fields[1].value, "Two");
    }

    #[test]
    fn missing_er_and_header() {
        let mut d = Vec::new();
        let r = lex(
            "Provider: X\nTY  - JOUR\nTI  - A\nTY  - BOOK\nTI  - B\n",
            &mut d,
        );
        assert_eq!(r.len(), 2);
        assert_eq!(d.len(), 3, "{d:?}");
        // Each at the line and byte where what it is about starts.
        let got: Vec<_> = d.iter().map(|d| (d.kind, d.pos.line, d.pos.byte)).collect();
        assert_eq!(
            got,
            [
                (DiagKind::HeaderSkipped { lines: 1 }, 1, Some(0)),
                (DiagKind::MissingEr, 2, Some(12)),
                (DiagKind::MissingEr, 4, Some(31)),
            ]
        );
    }

    #[test]
    fn single_space_unknown_tag_is_continuation() {
        let mut d = Vec::new();
        let r = lex("TY  - JOUR\nAB  - levels of\nIL - 2 rose\nER  -\n", &mut d);
        assert_eq!(r[0].fields[1].value, "levels of\nIL - 2 rose");
    }

    /// Ovid writes `NL  - …`, a link line and a record number after each
    /// `ER`: no record starts there; the tagged line joins the record before
    /// (reported), the other lines are skipped text (reported). Tagged lines
    /// that an `ER` closes are a record whose `TY` was lost, as before.
    #[test]
    fn lines_after_er_start_no_record() {
        let text = "TY  - JOUR\nTI  - One\nER  - \nNL  - Clin Psychol Psychother\nLink to the Ovid Full Text\n2.\nTY  - JOUR\nTI  - Two\nER  - \nAU  - Lost, T.\nER  - \n";
        let mut diags = Vec::new();
        let recs = lex(text, &mut diags);
        assert_eq!(recs.len(), 3);
        let nl: Vec<_> = recs[0]
            .fields
            .iter()
            .filter(|f| f.tag.0 == *b"NL")
            .collect();
        assert_eq!(nl.len(), 1);
        assert_eq!(nl[0].value, "Clin Psychol Psychother");
        assert_eq!(nl[0].line, 4);
        assert_eq!(recs[2].ty(), None);
        let kinds: Vec<_> = diags.iter().map(|d| (d.pos.line, d.kind)).collect();
        assert_eq!(
            kinds,
            [
                (4, DiagKind::TagsAfterEr),
                (5, DiagKind::TextSkipped { lines: 2 }),
                (10, DiagKind::TagOutsideRecord),
            ]
        );
    }
}
