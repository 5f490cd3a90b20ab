//! Diagnostics are values: collected while reading, never printed here.
//!
//! Every problem carries the 1-based line and column of the input where it was
//! found, so the CLI can print `FILE:LINE:COLUMN: warning: …` and the page can
//! select the offending line.

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// One problem found in the input, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line in the decoded input text (0 when the problem concerns the whole input).
    pub line: u32,
    /// 1-based column in characters (0 when not tied to a column).
    pub column: u32,
    /// How serious it is.
    pub severity: Severity,
    /// A sentence a user can act on.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `line`:`column`.
    pub fn new(line: u32, column: u32, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            line,
            column,
            severity,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.severity, self.message
        )
    }
}
