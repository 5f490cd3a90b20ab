//! Diagnostics are values: collected while reading, never printed here.
//!
//! Every problem has a [`Position`] in the decoded input (byte offset, 1-based
//! line and column), a [`DiagKind`] with a stable code (`missing-er`,
//! `unknown-tag-kept`, `encoding-windows-1252`, …) that code and scripts test
//! instead of the message, a severity that follows from the kind, and a
//! message for people. The CLI prints `FILE:LINE:COLUMN: warning: …` (or JSON
//! lines with `--message-format json`), the page selects the line.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something the user may want to know (the encoding used, a repaired detail).
    Info,
    /// Data was kept but interpreted, repaired or could not be mapped.
    Warning,
    /// Nothing usable could be read from (part of) the input.
    Error,
}

impl Severity {
    /// The lowercase word used in CLI output and in the JS API.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the decoded input text a diagnostic points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Byte offset in the decoded (UTF-8) text; `None` for the whole input.
    pub byte: Option<usize>,
    /// 1-based line (0 for the whole input).
    pub line: u32,
    /// 1-based column in characters (0 when not tied to a column).
    pub column: u32,
}

impl Position {
    /// The whole input (an encoding, an empty file).
    pub const WHOLE: Position = Position {
        byte: None,
        line: 0,
        column: 0,
    };

    /// A point in the text.
    pub fn at(byte: usize, line: u32, column: u32) -> Self {
        Position {
            byte: Some(byte),
            line,
            column,
        }
    }
}

/// What a diagnostic is about. Each kind has a stable [`code`](DiagKind::code)
/// and a fixed [`severity`](DiagKind::severity); new kinds come with new
/// formats, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagKind {
    /// The input was decoded as this encoding (WHATWG name), not as plain UTF-8.
    Encoding(&'static str),
    /// Bytes that are not valid in the encoding were replaced with U+FFFD.
    BytesReplaced,
    /// The input is empty.
    EmptyInput,
    /// The input is in another format (BibTeX, PubMed, …), named in the message.
    NotRis,
    /// No RIS record was found.
    NoRecords,
    /// A `TY` that no table knows (or an empty one): read as `GEN`, data kept.
    UnknownType,
    /// A record without `ER`: closed where the next `TY` or the input ends.
    MissingEr,
    /// A `TY` followed directly by another `TY`: the first was ignored.
    DuplicateTy,
    /// Text after `ER  - ` on its line, ignored.
    TextAfterEr,
    /// An `ER` with no record open.
    StrayEr,
    /// A tag before any `TY`: a `GEN` record was started.
    TagOutsideRecord,
    /// Tagged lines between an `ER` and the next `TY` (a database's
    /// annotations, as Ovid writes): kept with the record before.
    TagsAfterEr,
    /// A lower-case tag (`ty  - `) read as upper case.
    LowercaseTag,
    /// Lines of text before the first `TY` (an export header), skipped: this
    /// many non-blank lines from the diagnostic's line on.
    HeaderSkipped {
        /// Non-blank lines skipped.
        lines: u32,
    },
    /// Lines of text between records, skipped (as many as `lines`).
    TextSkipped {
        /// Non-blank lines skipped.
        lines: u32,
    },
    /// A tag with no CSL variable for the record's type: kept as an extra.
    UnknownTagKept,
    /// A value that could not be read as its kind (a name, a DOI, a date): kept.
    UnreadableKept,
    /// A second value for a single-valued tag: the first is used, this one kept.
    RepeatKept,
    /// A second value that contradicts the first: the first is used, this one kept.
    ConflictKept,
    /// Another name for a container already named (a journal under two tags): kept.
    AlternativeKept,
    /// Text after a DOI that is not part of it.
    DoiTrailingText,
    /// A date in a form citris cannot read: kept as written (a literal date).
    DateKeptAsWritten,
}

impl DiagKind {
    /// The stable code of this kind, for `--message-format json`, the JS API
    /// and tests.
    pub fn code(self) -> &'static str {
        match self {
            DiagKind::Encoding(enc) => match enc {
                "UTF-8" => "encoding-utf-8-bom",
                "UTF-16LE" => "encoding-utf-16le",
                "UTF-16BE" => "encoding-utf-16be",
                "windows-1252" => "encoding-windows-1252",
                _ => "encoding-other",
            },
            DiagKind::BytesReplaced => "bytes-replaced",
            DiagKind::EmptyInput => "empty-input",
            DiagKind::NotRis => "not-ris",
            DiagKind::NoRecords => "no-records",
            DiagKind::UnknownType => "unknown-type",
            DiagKind::MissingEr => "missing-er",
            DiagKind::DuplicateTy => "duplicate-ty",
            DiagKind::TextAfterEr => "text-after-er",
            DiagKind::StrayEr => "stray-er",
            DiagKind::TagOutsideRecord => "tag-outside-record",
            DiagKind::TagsAfterEr => "tags-after-er",
            DiagKind::LowercaseTag => "lowercase-tag",
            DiagKind::HeaderSkipped { .. } => "header-skipped",
            DiagKind::TextSkipped { .. } => "text-skipped",
            DiagKind::UnknownTagKept => "unknown-tag-kept",
            DiagKind::UnreadableKept => "unreadable-kept",
            DiagKind::RepeatKept => "repeat-kept",
            DiagKind::ConflictKept => "conflict-kept",
            DiagKind::AlternativeKept => "alternative-kept",
            DiagKind::DoiTrailingText => "doi-trailing-text",
            DiagKind::DateKeptAsWritten => "date-kept-as-written",
        }
    }

    /// How serious a diagnostic of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            DiagKind::Encoding(_)
            | DiagKind::HeaderSkipped { .. }
            | DiagKind::UnknownTagKept
            | DiagKind::UnreadableKept
            | DiagKind::RepeatKept
            | DiagKind::AlternativeKept => Severity::Info,
            DiagKind::EmptyInput | DiagKind::NotRis | DiagKind::NoRecords => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it is.
    pub pos: Position,
    /// How serious it is (follows from `kind`).
    pub severity: Severity,
    /// What it is.
    pub kind: DiagKind,
    /// A sentence a user can act on.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `kind` at `pos`.
    pub fn new(pos: Position, kind: DiagKind, message: impl Into<String>) -> Self {
        Diagnostic {
            pos,
            severity: kind.severity(),
            kind,
            message: message.into(),
        }
    }

    /// The stable code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.pos.line, self.pos.column, self.severity, self.message
        )
    }
}

/// Flat, as the JS API and `--message-format json` give it:
/// `{"line", "column", "byte", "severity", "code", "message"}`.
impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Diagnostic", 6)?;
        st.serialize_field("line", &self.pos.line)?;
        st.serialize_field("column", &self.pos.column)?;
        st.serialize_field("byte", &self.pos.byte)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are what scripts match on: distinct, kebab-case, never empty.
    #[test]
    fn codes_are_distinct_and_stable() {
        let kinds = [
            DiagKind::Encoding("UTF-8"),
            DiagKind::Encoding("UTF-16LE"),
            DiagKind::Encoding("UTF-16BE"),
            DiagKind::Encoding("windows-1252"),
            DiagKind::BytesReplaced,
            DiagKind::EmptyInput,
            DiagKind::NotRis,
            DiagKind::NoRecords,
            DiagKind::UnknownType,
            DiagKind::MissingEr,
            DiagKind::DuplicateTy,
            DiagKind::TextAfterEr,
            DiagKind::StrayEr,
            DiagKind::TagOutsideRecord,
            DiagKind::TagsAfterEr,
            DiagKind::LowercaseTag,
            DiagKind::HeaderSkipped { lines: 1 },
            DiagKind::TextSkipped { lines: 1 },
            DiagKind::UnknownTagKept,
            DiagKind::UnreadableKept,
            DiagKind::RepeatKept,
            DiagKind::ConflictKept,
            DiagKind::AlternativeKept,
            DiagKind::DoiTrailingText,
            DiagKind::DateKeptAsWritten,
        ];
        let codes: std::collections::HashSet<_> = kinds.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), kinds.len());
        for c in codes {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{c}"
            );
        }
        assert_eq!(
            DiagKind::Encoding("windows-1252").code(),
            "encoding-windows-1252"
        );
        assert_eq!(DiagKind::ConflictKept.severity(), Severity::Warning);
        assert_eq!(DiagKind::NotRis.severity(), Severity::Error);
    }
}
