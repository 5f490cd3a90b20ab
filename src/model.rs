//! The one reference model, in CSL vocabulary.
//!
//! Every reader fills it and every writer reads it. Variables use the CSL 1.0.2
//! names (`container-title`, `publisher-place`, `DOI`, …) so that CSL-JSON is a
//! plain serialisation and the formatter needs no second mapping. Variables
//! are kept in [`VarMap`]s, sorted by name, so that every output is
//! deterministic.

use crate::date::Date;
use crate::name::Name;

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
    pub fields: VarMap<String>,
    /// Name variables (`author`, `editor`, …), each in input order.
    pub names: VarMap<Vec<Name>>,
    /// Date variables (`issued`, `accessed`, …).
    pub dates: VarMap<Date>,
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

    /// Authors, or else the first name list a citation would use in their place
    /// (CSL 1.0.2 "Substitute", as the common styles order it).
    pub fn primary_names(&self) -> &[Name] {
        self.first_names_of(&["author", "editor", "composer", "director", "translator"])
    }

    /// The first of `roles` that has names.
    pub fn first_names_of(&self, roles: &[&str]) -> &[Name] {
        roles
            .iter()
            .map(|role| self.names(role))
            .find(|n| !n.is_empty())
            .unwrap_or(&[])
    }
}

/// Variables of one kind, sorted by name: what a `BTreeMap<&'static str, V>`
/// gives (same order, same methods), in one small vector.
///
/// A record has a handful of variables; a `BTreeMap` allocates a node for eleven
/// on the first insert (about 450 bytes for strings): a million two-field
/// records took 997 MB to read with them, 715 MB with this. Lookups are binary
/// searches over a few entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarMap<V>(Vec<(&'static str, V)>);

impl<V> Default for VarMap<V> {
    fn default() -> Self {
        VarMap::new()
    }
}

impl<V> VarMap<V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        VarMap(Vec::new())
    }

    /// Room for `n` more variables: the reader knows about how many a record
    /// sets, and a map grown one at a time is copied at each doubling.
    pub fn reserve(&mut self, n: usize) {
        self.0.reserve(n)
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0
            .binary_search_by(|(k, _)| cmp_short(k.as_bytes(), key.as_bytes()))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value of `key`, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        match self.find(key) {
            Ok(i) => Some(&mut self.0[i].1),
            Err(_) => None,
        }
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`, returning the value it replaces.
    pub fn insert(&mut self, key: &'static str, value: V) -> Option<V> {
        match self.find(key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// The slot of `key`, to fill when empty.
    pub fn entry(&mut self, key: &'static str) -> Entry<'_, V> {
        Entry { map: self, key }
    }

    /// Number of variables set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no variable is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(name, value)` pairs in name order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&&'static str, &V)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &&'static str> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// Values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }
}

/// `a.cmp(b)` (the order of `str`), compared here byte by byte: names are a few
/// bytes long, and the writers look up dozens per record, where a call to
/// `memcmp` for each comparison was a tenth of writing BibTeX.
#[inline]
fn cmp_short(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// A slot of a [`VarMap`] (see [`VarMap::entry`]).
pub struct Entry<'m, V> {
    map: &'m mut VarMap<V>,
    key: &'static str,
}

impl<'m, V> Entry<'m, V> {
    /// The value, set to `V::default()` first when missing.
    pub fn or_default(self) -> &'m mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// The value, set to `make()` first when missing.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'m mut V {
        let i = match self.map.find(self.key) {
            Ok(i) => i,
            Err(i) => {
                self.map.0.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.0[i].1
    }
}

impl<V> std::ops::Index<&str> for VarMap<V> {
    type Output = V;
    /// The value of a variable that must be set (panics otherwise, as `BTreeMap` does).
    fn index(&self, key: &str) -> &V {
        self.get(key).expect("variable not set")
    }
}

impl<'m, V> IntoIterator for &'m VarMap<V> {
    type Item = (&'m &'static str, &'m V);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (&'static str, V)>,
        fn(&'m (&'static str, V)) -> (&'m &'static str, &'m V),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::VarMap;
    use std::collections::BTreeMap;

    /// Same answers and the same order as the `BTreeMap` it replaces.
    #[test]
    fn behaves_as_a_btreemap() {
        let ops: &[(&'static str, Option<u32>)] = &[
            ("title", Some(1)),
            ("DOI", Some(2)),
            ("volume", Some(3)),
            ("title", Some(4)),
            ("DOI", None),
            ("page", Some(5)),
            ("container-title", Some(6)),
            ("missing", None),
            ("URL", Some(7)),
        ];
        let mut v = VarMap::new();
        let mut b = BTreeMap::new();
        for &(k, op) in ops {
            match op {
                Some(x) => assert_eq!(v.insert(k, x), b.insert(k, x)),
                None => assert_eq!(v.remove(k), b.remove(k)),
            }
            assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
            assert_eq!(v.len(), b.len());
        }
        *v.entry("issue").or_default() += 9;
        *b.entry("issue").or_default() += 9;
        *v.entry("title").or_default() += 1;
        *b.entry("title").or_default() += 1;
        assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(v.get("title"), Some(&5));
        assert_eq!(v["page"], 5);
        assert!(v.contains_key("URL") && !v.contains_key("url"));
        assert_eq!(v.get_mut("nope"), None);
    }
}
