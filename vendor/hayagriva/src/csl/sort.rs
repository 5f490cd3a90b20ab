use std::cmp::Ordering;

use citationberg::taxonomy::Variable;
use citationberg::{
    DemoteNonDroppingParticle, InheritableNameOptions, LocaleCode, LongShortForm, Sort,
    SortDirection, SortKey,
};
#[cfg(feature = "icu-collation")]
use icu_collator::Collator;
#[cfg(feature = "icu-collation")]
use icu_collator::options::{AlternateHandling, CollatorOptions, Strength};
#[cfg(feature = "icu-collation")]
use icu_collator::preferences::CollationNumericOrdering;
#[cfg(feature = "icu-collation")]
use icu_collator::CollatorPreferences;
#[cfg(feature = "icu-collation")]
use icu_locale::Locale as IcuLocale;

use crate::csl::BufWriteFormat;
use crate::csl::rendering::RenderCsl;

use super::taxonomy::EntryLike;
use super::{CitationItem, InstanceContext, StyleContext};

trait CollationOrd: Ord {
    fn collation_cmp(&self, other: &Self, locale: LocaleCode) -> Ordering;
}

/// Compares two sort keys in a locale (a BCP 47 tag such as `en-US`).
///
/// CSL 1.0.2, "Sorting": keys are compared with the locale's collation. With
/// the `icu-collation` feature (on by default) hayagriva does this with ICU4X;
/// [`set_collation`] replaces it, for example with the host's own collator in a
/// browser, where ICU4X's data would weigh more than the rest of the engine.
pub type CollationFn = fn(locale: &str, a: &str, b: &str) -> Ordering;

static COLLATION: std::sync::RwLock<Option<CollationFn>> = std::sync::RwLock::new(None);

/// Sets the comparison that sorting uses, for every thread (`None`: the default,
/// ICU4X with the `icu-collation` feature, else plain code point order).
pub fn set_collation(f: Option<CollationFn>) {
    *COLLATION.write().unwrap_or_else(|e| e.into_inner()) = f;
}

#[cfg(feature = "icu-collation")]
thread_local! {
    /// Collators by locale: building one is far dearer than a comparison.
    static COLLATORS: std::cell::RefCell<Vec<(String, Option<icu_collator::CollatorBorrowed<'static>>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl CollationOrd for str {
    fn collation_cmp(&self, other: &Self, locale: LocaleCode) -> Ordering {
        let custom = *COLLATION.read().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = custom {
            return f(&locale.0, self, other);
        }
        icu_cmp(self, other, &locale)
    }
}

#[cfg(not(feature = "icu-collation"))]
fn icu_cmp(a: &str, b: &str, _locale: &LocaleCode) -> Ordering {
    a.cmp(b)
}

#[cfg(feature = "icu-collation")]
fn icu_cmp(a: &str, b: &str, locale: &LocaleCode) -> Ordering {
    COLLATORS.with(|c| {
        let mut c = c.borrow_mut();
        let i = match c.iter().position(|(l, _)| *l == locale.0) {
            Some(i) => i,
            None => {
                // citris patch 13: compare as citeproc-js does
                // (`getSortCompare`: `sensitivity: "base"`,
                // `ignorePunctuation: true`, `numeric: true`), so
                // `Date shape 5` sorts before `Date shape 10` and
                // punctuation and case do not decide the order.
                let collator = locale.0.parse::<IcuLocale>().ok().map(|l| {
                    let mut options = CollatorOptions::default();
                    options.strength = Some(Strength::Primary);
                    options.alternate_handling = Some(AlternateHandling::Shifted);
                    let mut prefs = CollatorPreferences::from(l);
                    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
                    Collator::try_new(prefs, options).unwrap()
                });
                c.push((locale.0.clone(), collator));
                c.len() - 1
            }
        };
        match &c[i].1 {
            Some(collator) => collator.compare(a, b),
            None => a.cmp(b),
        }
    })
}

impl<T: CollationOrd> CollationOrd for Option<T> {
    fn collation_cmp(&self, other: &Self, locale: LocaleCode) -> Ordering {
        match (self, other) {
            (Some(a), Some(b)) => a.collation_cmp(b, locale),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        }
    }
}

impl CollationOrd for String {
    fn collation_cmp(&self, other: &Self, locale: LocaleCode) -> Ordering {
        CollationOrd::collation_cmp(self as &str, other, locale)
    }
}

/// Compare two rendered macro sort keys.
///
/// citris patch 11: a macro that renders nothing is an empty key, and empty
/// keys go last in ascending and descending order alike (CSL 1.0.2 "Sorting";
/// citeproc-js). Before, the empty string was compared as a string and came
/// first, so an item with no title sorted before every titled one.
fn macro_key_cmp(
    a: &Option<String>,
    b: &Option<String>,
    key: &SortKey,
    locale: LocaleCode,
) -> Ordering {
    let a = a.as_deref().filter(|s| !s.is_empty());
    let b = b.as_deref().filter(|s| !s.is_empty());
    match (a, b) {
        (Some(a), Some(b)) => {
            let o = a.collation_cmp(b, locale);
            if key.sort_direction() == SortDirection::Descending { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// citris patch 83: words of a sort key compare one by one, as in
/// citeproc-js, which joins them with a separator that sorts before any
/// letter (`|`; the collator ignores spaces and punctuation, not symbols)
/// and ends the key with it: `he kaiming` sorts before `health and safety`
/// (`he|` < `hea`), where the collator alone compared `hekaiming` with
/// `healthandsafety`.
fn word_separated(key: &str) -> String {
    if key.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(key.len() + 1);
    for c in key.chars() {
        out.push(if c == ' ' { '|' } else { c });
    }
    out.push('|');
    out
}

impl StyleContext<'_> {
    /// Retrieve the ordering of two entries according to the given sort key.
    fn cmp_entries<T: EntryLike>(
        &self,
        a: &CitationItem<T>,
        a_idx: usize,
        b: &CitationItem<T>,
        b_idx: usize,
        key: &SortKey,
        term_locale: Option<&LocaleCode>,
    ) -> Ordering {
        let (ordering, empty_value) = match key {
            SortKey::Variable { variable: Variable::Standard(s), .. } => {
                let a = InstanceContext::variable_sort_instance(a, a_idx)
                    .resolve_standard_variable(LongShortForm::default(), *s)
                    .map(|s| word_separated(&s.to_string().to_lowercase()));
                let b = InstanceContext::variable_sort_instance(b, b_idx)
                    .resolve_standard_variable(LongShortForm::default(), *s)
                    .map(|s| word_separated(&s.to_string().to_lowercase()));

                (a.collation_cmp(&b, self.locale()), a.is_none() || b.is_none())
            }
            SortKey::Variable { variable: Variable::Date(d), .. } => {
                let a = a.entry.resolve_date_variable(*d);
                let b = b.entry.resolve_date_variable(*d);

                match (a, b) {
                    (Some(a), Some(b)) => (a.csl_cmp(&b), false),
                    (Some(_), None) => (Ordering::Greater, true),
                    (None, Some(_)) => (Ordering::Less, true),
                    (None, None) => (Ordering::Equal, true),
                }
            }
            SortKey::Variable { variable: Variable::Name(n), .. } => {
                let a = a.entry.resolve_name_variable(*n);
                let b = b.entry.resolve_name_variable(*n);

                // citris patch 65: an empty name list is an empty key and
                // goes last in either direction (CSL 1.0.2 "Sorting"); it
                // was shorter than any other list, so it came first.
                match (a.is_empty(), b.is_empty()) {
                    (true, true) => return Ordering::Equal,
                    (true, false) => return Ordering::Greater,
                    (false, true) => return Ordering::Less,
                    (false, false) => {}
                }

                for (a_pers, b_pers) in a.iter().zip(b.iter()) {
                    let ord = a_pers.csl_cmp(
                        b_pers,
                        LongShortForm::Long,
                        self.csl.settings.demote_non_dropping_particle
                            != DemoteNonDroppingParticle::Never,
                    );
                    if ord != Ordering::Equal {
                        return ord;
                    }
                }

                (
                    if a.len() < b.len() {
                        Ordering::Less
                    } else if a.len() > b.len() {
                        Ordering::Greater
                    } else {
                        Ordering::Equal
                    },
                    false,
                )
            }
            SortKey::Variable { variable: Variable::Number(n), .. } => {
                let a = InstanceContext::variable_sort_instance(a, a_idx)
                    .resolve_number_variable(*n);
                let b = InstanceContext::variable_sort_instance(b, b_idx)
                    .resolve_number_variable(*n);

                match (a, b) {
                    (Some(a), Some(b)) => (a.csl_cmp(&b), false),
                    (Some(_), None) => (Ordering::Greater, true),
                    (None, Some(_)) => (Ordering::Less, true),
                    (None, None) => (Ordering::Equal, true),
                }
            }
            SortKey::Variable { variable: Variable::Page(pv), .. } => {
                let a = InstanceContext::variable_sort_instance(a, a_idx)
                    .resolve_page_variable(*pv);
                let b = InstanceContext::variable_sort_instance(b, b_idx)
                    .resolve_page_variable(*pv);

                match (a, b) {
                    (Some(a), Some(b)) => (a.csl_cmp(&b), false),
                    (Some(_), None) => (Ordering::Greater, true),
                    (None, Some(_)) => (Ordering::Less, true),
                    (None, None) => (Ordering::Equal, true),
                }
            }
            SortKey::MacroName { .. } => {
                let a_rendered = self.render_sort_macro(a, a_idx, key, term_locale);
                let b_rendered = self.render_sort_macro(b, b_idx, key, term_locale);
                return macro_key_cmp(&a_rendered, &b_rendered, key, self.locale());
            }
        };

        // Per CSL 1.0.2 spec (https://docs.citationstyles.org/en/v1.0.2/specification.html):
        // Entries with empty values are always displayed at the end, even with reversed order.
        // So we always reverse the order if either entry is empty.
        if empty_value || key.sort_direction() == SortDirection::Descending {
            ordering.reverse()
        } else {
            ordering
        }
    }

    /// The text of a macro sort key for one item (lower case), as compared.
    fn render_sort_macro<T: EntryLike>(
        &self,
        entry: &CitationItem<T>,
        idx: usize,
        key: &SortKey,
        term_locale: Option<&LocaleCode>,
    ) -> Option<String> {
        let SortKey::MacroName { name, names_min, names_use_first, names_use_last, .. } =
            key
        else {
            return None;
        };
        let mut ctx =
            self.macro_sorting_ctx(entry, idx, entry.locale.as_ref(), term_locale, false);
        ctx.writing.name_options.push(InheritableNameOptions {
            et_al_min: *names_min,
            et_al_subsequent_min: *names_min,
            et_al_use_first: *names_use_first,
            et_al_subsequent_use_first: *names_use_first,
            et_al_use_last: *names_use_last,
            ..Default::default()
        });

        self.get_macro(name).map(|m| {
            for child in &m.children {
                child.render(&mut ctx)
            }
            let text = ctx.flush().0.into_iter().fold(String::new(), |mut s, f| {
                f.write_buf(&mut s, BufWriteFormat::Plain).unwrap();
                s.to_lowercase()
            });
            word_separated(&text)
        })
    }

    /// Sorts the given citation items by the style's sort keys.
    pub fn sort<T: EntryLike + Sync>(
        &self,
        cites: &mut [CitationItem<T>],
        sort: Option<&Sort>,
        term_locale: Option<&LocaleCode>,
        citation_number: impl Fn(&T) -> usize,
    ) {
        let Some(sort) = sort else { return };
        // Nothing to order (a citation of one item): its keys would be
        // rendered for nothing.
        if cites.len() < 2 {
            return;
        }
        // Macro keys are rendered once per item, not once per comparison (a sort
        // makes O(n log n) comparisons; rendering dominates formatting otherwise).
        let numbers: Vec<usize> = cites.iter().map(|c| citation_number(c.entry)).collect();
        // citris patch 25: on every core.
        let indexed: Vec<(&CitationItem<T>, usize)> =
            cites.iter().zip(numbers.iter().copied()).collect();
        let macros: Vec<Vec<Option<String>>> = super::par::map(&indexed, |&(c, n)| {
            sort.keys
                .iter()
                .map(|k| match k {
                    SortKey::MacroName { .. } => self.render_sort_macro(c, n, k, term_locale),
                    _ => None,
                })
                .collect()
        });
        let mut order: Vec<usize> = (0..cites.len()).collect();
        // Stable, like the sort of the items themselves.
        order.sort_by(|&i, &j| {
            for (k, key) in sort.keys.iter().enumerate() {
                let ordering = match key {
                    SortKey::MacroName { .. } => {
                        macro_key_cmp(&macros[i][k], &macros[j][k], key, self.locale())
                    }
                    _ => self.cmp_entries(
                        &cites[i], numbers[i], &cites[j], numbers[j], key, term_locale,
                    ),
                };
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            Ordering::Equal
        });
        // Put the items in that order (cycle by cycle, no clones).
        let mut done = vec![false; order.len()];
        for start in 0..order.len() {
            if done[start] {
                continue;
            }
            let mut cur = start;
            loop {
                done[cur] = true;
                let next = order[cur];
                if done[next] {
                    break;
                }
                cites.swap(cur, next);
                cur = next;
            }
        }
    }
}

#[cfg(test)]
mod collation_tests {
    use super::*;

    fn reversed(_locale: &str, a: &str, b: &str) -> Ordering {
        b.cmp(a)
    }

    #[test]
    fn set_collation_replaces_the_comparison() {
        let en = LocaleCode("en-US".into());
        assert_eq!("a".collation_cmp("b", en.clone()), Ordering::Less);
        set_collation(Some(reversed));
        assert_eq!("a".collation_cmp("b", en.clone()), Ordering::Greater);
        set_collation(None);
        assert_eq!("a".collation_cmp("b", en), Ordering::Less);
    }
}
