//! The one reference model, in CSL vocabulary.
//!
//! Every reader fills it and every writer reads it. Variables use the CSL 1.0.2
//! names (`container-title`, `publisher-place`, `DOI`, …) so that CSL-JSON is a
//! plain serialisation and the formatter needs no second mapping. Maps are
//! `BTreeMap`s so that every output is deterministic.

use crate::date::Date;
use crate::name::Name;
use std::collections::BTreeMap;

/// One bibliographic reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reference {
    /// The CSL item type (`article-journal`, `book`, …).
    pub item_type: &'static str,
    /// The RIS `TY` code as read (upper case), so that RIS output keeps e.g. `EJOUR`.
    pub ris_type: String,
    /// A citation-key hint (RIS `ID`), used by writers when it is a usable key.
    pub id: Option<String>,
    /// Ordinary and number variables (`title`, `volume`, `page`, …).
    pub fields: BTreeMap<&'static str, String>,
    /// Name variables (`author`, `editor`, …), each in input order.
    pub names: BTreeMap<&'static str, Vec<Name>>,
    /// Date variables (`issued`, `accessed`, …).
    pub dates: BTreeMap<&'static str, Date>,
    /// Keywords, in input order (CSL `keyword`, written comma-separated).
    pub keywords: Vec<String>,
    /// Input lines that map to no variable, kept verbatim so nothing is lost:
    /// RIS writes them back, CSL-JSON puts them under `custom`, BibTeX in fields.
    pub extra: Vec<Extra>,
    /// 1-based line of the record's first tag in the input (0 when not from RIS).
    pub line: u32,
}

/// A tag that maps to no variable of its type, or a second value where the
/// variable holds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// The RIS tag (`AD`, `N2`, `Y3`, a vendor tag …).
    pub tag: String,
    /// The value as read.
    pub value: String,
}

impl Reference {
    /// An empty reference of a CSL type.
    pub fn new(item_type: &'static str) -> Self {
        Reference {
            item_type,
            ..Default::default()
        }
    }

    /// The value of an ordinary variable, if set and non-empty.
    pub fn get(&self, var: &str) -> Option<&str> {
        self.fields
            .get(var)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Names of a role (empty slice when none).
    pub fn names(&self, role: &str) -> &[Name] {
        self.names.get(role).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The `issued` date, if any.
    pub fn issued(&self) -> Option<&Date> {
        self.dates.get("issued")
    }

    /// The year of publication, if known.
    pub fn year(&self) -> Option<i32> {
        self.issued().and_then(Date::year)
    }

    /// Authors, or else the first name list a citation would use in their place.
    pub fn primary_names(&self) -> &[Name] {
        for role in ["author", "editor", "composer", "director", "translator"] {
            let n = self.names(role);
            if !n.is_empty() {
                return n;
            }
        }
        &[]
    }
}
