use std::any::Any;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry as HmEntry;
use std::collections::{HashMap, HashSet};
use std::fmt::{Debug, Write};
use std::hash::Hash;
use std::num::{NonZeroI16, NonZeroUsize};
use std::sync::Arc;
use std::{mem, vec};

use citationberg::taxonomy::{
    DateVariable, Locator, NameVariable, NumberOrPageVariable, NumberVariable, OtherTerm,
    PageVariable, StandardVariable, Term, Variable,
};
use citationberg::{
    Affixes, BaseLanguage, Citation, CitationFormat, Collapse, CslMacro,
    DisambiguationRule, Display, GrammarGender, IndependentStyle, InheritableNameOptions,
    Layout, LayoutRenderingElement, Locale, LocaleCode, Names, SecondFieldAlign,
    StyleCategory, StyleClass, SubsequentAuthorSubstituteRule, TermForm, ToAffixes,
    ToFormatting, taxonomy as csl_taxonomy,
};
use citationberg::{DateForm, LongShortForm, OrdinalLookup, TextCase};
use indexmap::IndexSet;

use crate::csl::elem::{NonEmptyStack, simplify_children};
use crate::csl::rendering::RenderCsl;
use crate::csl::rendering::names::{DisambiguatedNameForm, NameDisambiguationProperties};
use crate::csl::taxonomy::NumberOrPageVariableResult;
use crate::lang::CaseFolder;
use crate::types::{ChunkKind, ChunkedString, Date, MaybeTyped, Person, StringChunk};

use self::elem::last_text_mut_child;
pub use self::elem::{
    BufWriteFormat, Elem, ElemChild, ElemChildren, ElemMeta, Formatted, Formatting,
};
#[cfg(feature = "csl-json")]
pub use self::taxonomy::IndexedItem;
pub use self::par::set_render_threads;
pub use self::sort::{set_collation, CollationFn};
use self::taxonomy::{EntryLike, NumberVariableResult, PageVariableResult};

#[cfg(feature = "archive")]
pub mod archive;
mod citation_label;
mod elem;
mod rendering;
mod par;
mod rich;
mod sort;
mod taxonomy;

/// This struct formats a set of citations according to a style.
#[derive(Debug)]
pub struct BibliographyDriver<'a, T: EntryLike> {
    /// The citations we have seen so far.
    citations: Vec<CitationRequest<'a, T>>,
    /// Offset to apply to the citation number (for numeric styles).
    citation_number_offset: usize,
}

impl<T: EntryLike> Default for BibliographyDriver<'_, T> {
    fn default() -> Self {
        Self { citations: Vec::new(), citation_number_offset: 0 }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct SpeculativeItemRender<'a, T: EntryLike> {
    rendered: ElemChildren,
    /// citris patch 29: the properties `rendered` was made with (no purpose,
    /// no collapse verdict), so that the final render can be skipped when
    /// they did not change.
    rendered_with: Option<CiteProperties<'a>>,
    entry: &'a T,
    cite_props: CiteProperties<'a>,
    checked_disambiguate: bool,
    first_name: Option<NameDisambiguationProperties>,
    delim_override: Option<&'a str>,
    group_idx: Option<usize>,
    locator: Option<SpecificLocator<'a>>,
    hidden: bool,
    locale: Option<LocaleCode>,
    purpose: Option<CitePurpose>,
    collapse_verdict: Option<CollapseVerdict>,
    /// citris patch 32: the cite's prefix and suffix.
    affixes: (Option<&'a str>, Option<&'a str>),
}

#[derive(Debug, PartialEq)]
struct SpeculativeCiteRender<'a, 'b, T: EntryLike> {
    items: Vec<SpeculativeItemRender<'a, T>>,
    request: &'b CitationRequest<'a, T>,
}

impl<'a, T: EntryLike> BibliographyDriver<'a, T> {
    /// Create a new bibliography driver.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a citation number offset to the driver.
    ///
    /// This is used when determining the number of numeric styles. When a
    /// citation would usually be numbered `[1]` and this is set to `2`, it
    /// would be numbered as `[3]`.
    ///
    /// This is primarily useful when managing multiple bibliographies.
    pub fn with_citation_number_offset(mut self, offset: usize) -> Self {
        self.citation_number_offset = offset;
        self
    }

    /// Create a new citation with the given items.
    pub fn citation(&mut self, mut req: CitationRequest<'a, T>) {
        for (i, item) in req.items.iter_mut().enumerate() {
            item.initial_idx = i;
        }
        self.citations.push(req);
    }
}

/// Implementations for finishing the bibliography.
impl<T: EntryLike + Hash + PartialEq + Eq + Debug + Sync> BibliographyDriver<'_, T> {
    /// Render the bibliography.
    pub fn finish(mut self, request: BibliographyRequest<'_>) -> Rendered {
        // 1.  Assign citation numbers by bibliography ordering or by citation
        //     order and render them a first time without their locators.
        let bib_style = request.style();

        // Only remember each entry once, even if it is cited multiple times.
        let mut entry_set = IndexSet::new();
        for req in self.citations.iter() {
            for item in req.items.iter() {
                entry_set.insert(item.entry);
            }
        }

        let mut entries: Vec<_> =
            entry_set.into_iter().map(CitationItem::with_entry).collect();
        bib_style.sort(
            &mut entries,
            bib_style.csl.bibliography.as_ref().and_then(|b| b.sort.as_ref()),
            request.locale.as_ref(),
            |_| 0,
        );
        // Entries by address (citations hold the same references), so that
        // numbering an item is not a scan with deep comparisons (quadratic in the
        // number of entries); an equal item at another address falls back to it.
        let entry_index: HashMap<*const T, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entry as *const T, i))
            .collect();
        let citation_number = |item: &T| {
            self.citation_number_offset
                + entry_index.get(&(item as *const T)).copied().unwrap_or_else(|| {
                    entries.iter().position(|e| e.entry == item).expect("entry not found")
                })
        };

        for citation in &mut self.citations {
            let style = citation.style();
            style.sort(
                &mut citation.items,
                style.csl.citation.sort.as_ref(),
                citation.locale.as_ref(),
                citation_number,
            );
        }

        // The properties of each cite follow from the cites before it; the
        // renders do not (citris patch 25: they run on every core).
        let mut seen: HashSet<*const T> = HashSet::new();
        let mut last_cite: Option<&CitationItem<T>> = None;
        let mut todo: Vec<(usize, usize, CiteProperties)> = Vec::new();
        for (c, citation) in self.citations.iter().enumerate() {
            let style = citation.style();
            let earlier = &self.citations[..c];
            for (i, item) in citation.items.iter().enumerate() {
                let entry = &item.entry;

                let is_near_note = citation.note_number.is_some_and(|_| {
                    earlier
                        .iter()
                        .rev()
                        .take(style.csl.citation.near_note_distance as usize)
                        .any(|cite| {
                            cite.note_number.is_some()
                                && cite.items.iter().any(|item| std::ptr::eq(item.entry, *entry))
                        })
                });

                let first_note_number = citation.note_number.map(|n| {
                    earlier
                        .iter()
                        .find_map(|cite| {
                            cite.note_number.filter(|_| {
                                cite.items.iter().any(|item| std::ptr::eq(item.entry, *entry))
                            })
                        })
                        .unwrap_or(n)
                });

                let cite_props = CiteProperties {
                    certain: CertainCiteProperties {
                        note_number: citation.note_number,
                        first_note_number,
                        is_near_note,
                        is_first: seen.insert(*entry),
                        initial_idx: item.initial_idx,
                        leads_citation: i == 0,
                    },
                    speculative: SpeculativeCiteProperties::speculate(
                        None,
                        citation_number(entry),
                        IbidState::with_last(item, last_cite),
                    ),
                };
                todo.push((c, i, cite_props));
                last_cite = Some(item);
            }
        }

        let citations = &self.citations;
        let mut rendered = par::map(&todo, |(c, i, cite_props)| {
            let citation = &citations[*c];
            let item = &citation.items[*i];
            let style = citation.style();
            let ctx = style.do_citation(
                item.entry,
                cite_props.clone(),
                item.locale.as_ref(),
                citation.locale.as_ref(),
                item.purpose,
                None,
                (None, None),
            );
            let rendered_with = cite_props.clone();
            let mut cite_props = cite_props.clone();
            // Copy the identifier usage from the context. Assume it does
            // not change throughout disambiguation.
            cite_props.speculative.identifier_usage = ctx.instance.identifier_usage.take();
            let checked_disambiguate = ctx.writing.checked_disambiguate;
            let first_name = ctx.writing.first_name.clone();
            (cite_props, checked_disambiguate, first_name, ctx.flush(), rendered_with)
        })
        .into_iter();

        let mut res: Vec<SpeculativeCiteRender<T>> = Vec::with_capacity(citations.len());
        for citation in citations.iter() {
            let mut renders: Vec<SpeculativeItemRender<'_, T>> =
                Vec::with_capacity(citation.items.len());
            for item in citation.items.iter() {
                let (cite_props, checked_disambiguate, first_name, rendered, rendered_with) =
                    rendered.next().expect("one render per cite");
                renders.push(SpeculativeItemRender {
                    rendered_with: item.purpose.is_none().then_some(rendered_with),
                    entry: item.entry,
                    cite_props,
                    checked_disambiguate,
                    first_name,
                    delim_override: None,
                    group_idx: None,
                    locator: item.locator.clone(),
                    rendered,
                    hidden: item.hidden,
                    locale: item.locale.clone(),
                    purpose: item.purpose,
                    collapse_verdict: None,
                    affixes: (item.prefix, item.suffix),
                });
            }

            res.push(SpeculativeCiteRender { items: renders, request: citation });
        }

        // 2.  Disambiguate the citations.
        //
        // If we have set the disambiguation state for an item, we need to set
        // the same state for all entries referencing that item.
        //
        // citris patch 7: every ambiguous group goes through the methods on
        // its own (before, once one group had been name-disambiguated, no
        // other group was tried with `cs:choose` or year suffixes in that
        // round), a method counts as tried only if it changed a state, and
        // the rounds go on while anything changes (at most one round per
        // method and name, bounded below) instead of stopping after three.
        let max_rounds = 3 + res
            .iter()
            .flat_map(|c| c.items.iter())
            .map(|i| get_names(&i.rendered).len())
            .max()
            .unwrap_or(0)
            .min(64);
        for _ in 0..max_rounds {
            let ambiguous = find_ambiguous_sets(&res);
            if ambiguous.is_empty() {
                break;
            }

            let current: HashMap<*const T, &DisambiguateState> = res
                .iter()
                .flat_map(|c| c.items.iter())
                .map(|i| (i.entry as *const T, &i.cite_props.speculative.disambiguation))
                .collect();
            let mut rerender: HashMap<*const T, DisambiguateState> = HashMap::new();
            let mark = |map: &mut HashMap<*const T, DisambiguateState>,
                        entry: &T,
                        state: DisambiguateState| {
                if current.get(&(entry as *const T)).is_some_and(|s| **s == state) {
                    // Nothing new: not a change.
                    return;
                }
                map.entry(entry)
                    .and_modify(|e| *e = e.clone().max(state.clone()))
                    .or_insert(state);
            };

            for group in ambiguous.iter() {
                let mut marks: HashMap<*const T, DisambiguateState> = HashMap::new();

                // 2a. Name Disambiguation loop
                disambiguate_names(&res, group, |entry, state| {
                    mark(&mut marks, entry, state)
                });

                // Do not try other methods if the previous method succeeded.
                // 2b. Disambiguate by allowing `cs:choose` disambiguation.
                if marks.is_empty() {
                    disambiguate_with_choose(&res, group, |entry, state| {
                        mark(&mut marks, entry, state)
                    });
                }

                // 2c. Disambiguate by year-suffix.
                if marks.is_empty() {
                    disambiguate_year_suffix(&res, group, |entry, state| {
                        mark(&mut marks, entry, state)
                    });
                }

                for (entry, state) in marks {
                    rerender
                        .entry(entry)
                        .and_modify(|e| *e = e.clone().max(state.clone()))
                        .or_insert(state);
                }
            }

            if rerender.is_empty() {
                break;
            }

            let mut todo = Vec::new();
            for (c, cite) in res.iter_mut().enumerate() {
                for (i, item) in cite.items.iter_mut().enumerate() {
                    if let Some(state) = rerender.get(&(item.entry as _)) {
                        item.cite_props.speculative.disambiguation = state.clone();
                        todo.push((c, i));
                    }
                }
            }
            // citris patch 25: on every core.
            let rendered = par::map(&todo, |&(c, i)| {
                do_rerender(&res[c].request.style(), &res[c].items[i], res[c].request, false)
            });
            for ((c, i), r) in todo.into_iter().zip(rendered) {
                let item = &mut res[c].items[i];
                item.rendered = r;
                item.rendered_with = (item.purpose.is_none() && item.collapse_verdict.is_none())
                    .then(|| item.cite_props.clone());
            }
        }

        // 3. Group adjacent citations.
        //
        // citris patch 35: cites whose names render the same (the output,
        // not the full name lists behind an "et al.") are moved next to the
        // first cite with those names, keeping the order otherwise; the
        // groups are numbered in order and each later member of a group is
        // preceded by the cite-group delimiter (CSL 1.0.2 "Cite Grouping";
        // when only `collapse` activates grouping by year, citeproc-js's
        // default: ", " in in-text styles, the layout delimiter in note
        // styles). The
        // old loop numbered a late member with the latest group's number,
        // put the group delimiter before each group's first cite and lost
        // track of positions after moving a cite.
        for cite in res.iter_mut() {
            let citation = &cite.request.style.citation;
            let Some(delim) = citation.cite_group_delimiter.as_deref().or(match citation
                .collapse
            {
                Some(Collapse::Year | Collapse::YearSuffix | Collapse::YearSuffixRanged)
                    if cite.request.style.settings.class == StyleClass::InText =>
                {
                    Some(", ")
                }
                Some(Collapse::Year | Collapse::YearSuffix | Collapse::YearSuffixRanged) => {
                    citation.layout.delimiter.as_deref()
                }
                Some(Collapse::CitationNumber) => citation.layout.delimiter.as_deref(),
                None => None,
            }) else {
                continue;
            };

            let mut groups: Vec<(Option<String>, Vec<SpeculativeItemRender<'_, T>>)> =
                Vec::new();
            for item in std::mem::take(&mut cite.items) {
                // Cites without names share the empty key, as in citeproc-js.
                let key = Some(
                    item.rendered
                        .find_names()
                        .map(|e| format!("{:?}", e.children))
                        .unwrap_or_default(),
                );
                match key
                    .as_ref()
                    .and_then(|k| groups.iter_mut().find(|(g, _)| g.as_ref() == Some(k)))
                {
                    Some((_, members)) => members.push(item),
                    None => groups.push((key, vec![item])),
                }
            }
            let mut number = 0;
            for (key, members) in groups {
                if key.is_some() {
                    number += 1;
                }
                for (k, mut item) in members.into_iter().enumerate() {
                    item.group_idx = key.is_some().then_some(number);
                    item.delim_override = (k > 0).then_some(delim);
                    cite.items.push(item);
                }
            }
        }

        // 4. Render citations with locator.
        // 4a. Make final calls on all [`SpeculativeCiteProperties`].
        //     - Re-check for ibid.
        for i in 0..res.len() {
            for j in 0..res[i].items.len() {
                // TODO filter is not hidden
                let last = if j == 0 && i == 0 {
                    None
                } else if j == 0 {
                    res[i - 1].items.last()
                } else {
                    Some(&res[i].items[j - 1])
                }
                .map(|l| CitationItem::with_locator(l.entry, l.locator.clone()));

                res[i].items[j].cite_props.speculative.ibid = IbidState::with_last(
                    &CitationItem::with_locator(
                        res[i].items[j].entry,
                        res[i].items[j].locator.clone(),
                    ),
                    last.as_ref(),
                );

                //     - Add final locator
                res[i].items[j].cite_props.speculative.locator =
                    res[i].items[j].locator.clone();
            }
        }

        //     - Determine final citation number if bibliography does not sort.
        if bib_style
            .csl
            .bibliography
            .as_ref()
            .and_then(|b| b.sort.as_ref())
            .is_none()
        {
            let mut seen: HashMap<*const T, usize> = HashMap::new();
            let mut start = self.citation_number_offset;
            for cite in res.iter_mut() {
                for item in cite.items.iter_mut() {
                    item.cite_props.speculative.citation_number =
                        *seen.entry(item.entry as _).or_insert_with(|| {
                            let num = start;
                            start += 1;
                            num
                        });
                }
            }
        }

        // Rerender.
        let mut final_citations: Vec<RenderedCitation> = Vec::new();
        for cite in res.iter_mut() {
            // 5. Collapse grouped citations.
            if cite.request.items.iter().all(|c| c.purpose.is_none()) {
                collapse_items(cite);
            }
        }
        // citris patch 25: each citation's final render on every core.
        // citris patch 29: not again when nothing it depends on changed
        // since the last render (rendering is a function of the entry, the
        // properties, the locales, the purpose and the collapse verdict).
        let finals: Vec<Vec<Option<ElemChildren>>> = par::map(&res, |cite| {
            let style_ctx = cite.request.style();
            cite.items
                .iter()
                .map(|item| {
                    let unchanged = item.purpose.is_none()
                        && item.collapse_verdict.is_none()
                        && item.affixes == (None, None)
                        && item.rendered_with.as_ref() == Some(&item.cite_props);
                    (!unchanged).then(|| last_purpose_render(&style_ctx, item, cite.request))
                })
                .collect()
        });
        for (cite, rendered) in res.iter_mut().zip(finals) {
            for (item, rendered) in cite.items.iter_mut().zip(rendered) {
                if let Some(rendered) = rendered {
                    item.rendered = rendered;
                }
            }

            // 6. Add affixes.
            let formatting = Formatting::default()
                .apply(cite.request.style.citation.layout.to_formatting());

            final_citations.push(RenderedCitation {
                note_number: cite.request.note_number,
                citation: if cite.items.iter().all(|i| i.hidden) {
                    ElemChildren::new()
                } else {
                    let mut elem_children: Vec<ElemChild> = Vec::new();

                    if let Some(prefix) = cite.request.prefix() {
                        elem_children.push(ElemChild::Text(Formatted {
                            text: prefix.to_string(),
                            formatting,
                        }));
                    }

                    for (i, item) in cite.items.iter().enumerate() {
                        // citris patch 35: a collapsed cite with nothing to
                        // print (a cite without a date after its author's
                        // others) is left out with its delimiter.
                        if item.hidden
                            || (item.collapse_verdict.is_some() && !item.rendered.has_content())
                        {
                            continue;
                        }

                        // citris patch 32: no delimiter before a cite whose
                        // prefix begins with punctuation (`, and `, `. He said`),
                        // as in citeproc-js.
                        let prefix_punct = item
                            .affixes
                            .0
                            .is_some_and(|p| p.starts_with([',', '.', ';', ':', '!', '?']));
                        if i != 0
                            && !prefix_punct
                            && let Some(delim) = cite
                                .items
                                .get(i)
                                .and_then(|i: &SpeculativeItemRender<T>| i.delim_override)
                                .or(cite
                                    .request
                                    .style
                                    .citation
                                    .layout
                                    .delimiter
                                    .as_deref())
                        {
                            elem_children.push(ElemChild::Text(Formatted {
                                text: delim.to_string(),
                                formatting,
                            }));
                        }

                        elem_children.push(ElemChild::Elem(Elem {
                            children: item.rendered.clone(),
                            display: None,
                            meta: Some(ElemMeta::Entry(
                                item.cite_props.certain.initial_idx,
                            )),
                        }));
                    }

                    if let Some(suffix) = cite.request.suffix() {
                        // citris patch 64: into the quotes before it.
                        let suffix = suffix_into_quotes(
                            &cite.request.style(),
                            &mut elem_children,
                            suffix,
                        );
                        let print = !suffix.is_empty()
                            && (!suffix.starts_with(['.', ',', ';', ':', '!', '?'])
                                || last_text_mut_child(&mut elem_children)
                                    .is_none_or(|t| !t.text.ends_with(suffix)));
                        if print {
                            elem_children.push(
                                Formatted { text: suffix.to_string(), formatting }.into(),
                            );
                        }
                    }

                    simplify_children(ElemChildren(elem_children))
                },
            })
        }

        let bib_render = if let Some(bibliography) = &request.style.bibliography {
            let mut items = Vec::new();
            // The first cited item of each entry, by address (see `entry_index`).
            let mut first_cited: HashMap<*const T, &SpeculativeItemRender<'_, T>> =
                HashMap::new();
            for item in res.iter().flat_map(|cite| cite.items.iter()) {
                first_cited.entry(item.entry as *const T).or_insert(item);
            }
            let cited: Vec<(&T, &SpeculativeItemRender<'_, T>)> = entries
                .iter()
                .map(|entry| {
                    let cited_item = first_cited
                        .get(&(entry.entry as *const T))
                        .copied()
                        .or_else(|| {
                            res.iter()
                                .flat_map(|cite| cite.items.iter())
                                .find(|item| item.entry == entry.entry)
                        })
                        .unwrap();
                    (entry.entry, cited_item)
                })
                .collect();
            // citris patch 25: the entries are rendered on every core.
            items.extend(par::map(&cited, |&(entry, cited_item)| {
                (
                    simplify_children(
                        bib_style
                            .bibliography(
                                entry,
                                CiteProperties {
                                    certain: cited_item.cite_props.certain,
                                    speculative: cited_item
                                        .cite_props
                                        .speculative
                                        .for_bibliography(),
                                },
                                cited_item.locale.as_ref(),
                                request.locale.as_ref(),
                            )
                            .unwrap(),
                    ),
                    entry.key().to_string(),
                )
            }));

            substitute_subsequent_authors(
                bibliography.subsequent_author_substitute.as_ref(),
                bibliography.subsequent_author_substitute_rule,
                &mut items,
            );

            Some(RenderedBibliography {
                hanging_indent: bibliography.hanging_indent,
                second_field_align: bibliography.second_field_align,
                line_spacing: bibliography.line_spacing,
                entry_spacing: bibliography.entry_spacing,
                items: items
                    .into_iter()
                    .map(|(mut i, key)| {
                        if bibliography.second_field_align.is_some() {
                            BibliographyItem::new(key, i.remove_any_meta(), i)
                        } else {
                            BibliographyItem::new(key, None, i)
                        }
                    })
                    .collect(),
            })
        } else {
            None
        };

        Rendered {
            bibliography: bib_render,
            citations: final_citations,
        }
    }
}

/// Create a new citation with the given items. Bibliography-wide disambiguation
/// and some other features will not be applied.
pub fn standalone_citation<T: EntryLike + Sync>(
    mut req: CitationRequest<'_, T>,
) -> ElemChildren {
    let style = req.style();
    style.sort(
        &mut req.items,
        style.csl.citation.sort.as_ref(),
        req.locale.as_ref(),
        |_| 0,
    );
    let mut res = vec![];
    let mut all_hidden = true;
    for item in req.items {
        if item.hidden {
            continue;
        } else {
            all_hidden = false;
        }

        res.push(if let Some(CitePurpose::Year) = item.purpose {
            date_replacement(
                &style,
                item.entry,
                &CiteProperties::for_sorting(item.locator, 0),
                req.locale.as_ref(),
                item.locale.as_ref(),
            )
        } else {
            style.citation(
                item.entry,
                CiteProperties::for_sorting(item.locator, 0),
                item.locale.as_ref(),
                req.locale.as_ref(),
                item.purpose,
                None,
                (item.prefix, item.suffix),
            )
        });
    }

    let non_empty: Vec<_> = res.into_iter().filter(|c| c.has_content()).collect();

    let formatting =
        Formatting::default().apply(style.csl.citation.layout.to_formatting());

    if !non_empty.is_empty() && !all_hidden {
        let mut res = if let Some(prefix) = style.csl.citation.layout.prefix.as_ref() {
            ElemChildren(vec![Formatted { text: prefix.clone(), formatting }.into()])
        } else {
            ElemChildren::new()
        };

        for (i, elem_children) in non_empty.into_iter().enumerate() {
            let first = i == 0;
            if !first {
                res.0.push(
                    Formatted {
                        text: style
                            .csl
                            .citation
                            .layout
                            .delimiter
                            .as_deref()
                            .unwrap_or(Citation::DEFAULT_CITE_GROUP_DELIMITER)
                            .to_string(),
                        formatting,
                    }
                    .into(),
                );
            }

            res.0.extend(elem_children.0)
        }

        if let Some(suffix) = style.csl.citation.layout.suffix.as_ref() {
            let print = res.last_text().is_none_or(|t| !t.text.ends_with(suffix));
            if print {
                res.0.push(Formatted { text: suffix.clone(), formatting }.into());
            }
        }

        simplify_children(res)
    } else {
        ElemChildren::new()
    }
}

/// citris patch 64: the citation layout's suffix is added after the cites
/// are rendered, so it did not move into the quotes of a title that ends the
/// citation (Chicago shortened notes: `“A Record”.`). Where the locale puts
/// punctuation in quotes, a leading `.` or `,` of the suffix goes before the
/// closing quote, as it does for affixes inside the layout, and a period is
/// dropped after the `.`, `?` or `!` the quotes already end with (citeproc-js:
/// `“A Record.”`). Returns what is left of the suffix.
fn suffix_into_quotes<'s>(
    style: &StyleContext<'_>,
    children: &mut [ElemChild],
    suffix: &'s str,
) -> &'s str {
    let Some(punct) = suffix.chars().next().filter(|c| matches!(c, '.' | ',')) else {
        return suffix;
    };
    if !style.punctuation_in_quotes() {
        return suffix;
    }
    let Some(last) = last_text_mut_child(children) else { return suffix };
    for quote in [OtherTerm::CloseQuote, OtherTerm::CloseInnerQuote] {
        let Some(mark) = style
            .lookup_locale(|l| l.term(Term::Other(quote), TermForm::default()))
            .and_then(|t| t.single())
            .filter(|m| !m.is_empty())
        else {
            continue;
        };
        if let Some(head) = last.text.strip_suffix(mark) {
            let merged = punct == '.' && head.ends_with(['.', '?', '!']);
            let at = head.len();
            if !merged {
                last.text.insert(at, punct);
            }
            return &suffix[punct.len_utf8()..];
        }
    }
    suffix
}

/// `affixes`: with the cite's prefix and suffix (the final render; they play
/// no part in disambiguation, citris patch 32).
fn do_rerender<T: EntryLike>(
    ctx: &StyleContext<'_>,
    item: &SpeculativeItemRender<T>,
    request: &CitationRequest<'_, T>,
    affixes: bool,
) -> ElemChildren {
    ctx.citation(
        item.entry,
        item.cite_props.clone(),
        item.locale.as_ref(),
        request.locale.as_ref(),
        item.purpose,
        item.collapse_verdict,
        if affixes { item.affixes } else { (None, None) },
    )
}

fn date_replacement<T: EntryLike>(
    ctx: &StyleContext<'_>,
    entry: &T,
    cite_props: &CiteProperties,
    term_locale: Option<&LocaleCode>,
    locale: Option<&LocaleCode>,
) -> ElemChildren {
    let date = entry
        .resolve_date_variable(DateVariable::Issued)
        .or_else(|| entry.resolve_date_variable(DateVariable::EventDate))
        .or_else(|| entry.resolve_date_variable(DateVariable::Submitted))
        .or_else(|| entry.resolve_date_variable(DateVariable::OriginalDate));

    ElemChildren(vec![ElemChild::Text(Formatted {
        text: if let Some(date) = date {
            let mut s = String::with_capacity(4);
            let c = ctx.ctx(entry, cite_props.clone(), locale, term_locale, false);
            let ad = c
                .term(Term::Other(OtherTerm::Ad), TermForm::default(), false)
                .unwrap_or(" AD");
            let bc = c
                .term(Term::Other(OtherTerm::Bc), TermForm::default(), false)
                .unwrap_or(" BC");
            write_year(date.year, false, &mut s, ad, bc).unwrap();
            s
        } else if let Some(no_date) = ctx
            .ctx(entry, cite_props.clone(), locale, term_locale, false)
            .term(Term::Other(OtherTerm::NoDate), TermForm::default(), false)
        {
            no_date.to_string()
        } else {
            "n.d.".to_string()
        },
        formatting: Formatting::default(),
    })])
}

pub fn write_year<W: std::fmt::Write>(
    year: i32,
    short: bool,
    w: &mut W,
    ad: &str,
    bc: &str,
) -> std::fmt::Result {
    if short && year >= 1000 {
        return write!(w, "{:02}", year % 100);
    }

    write!(
        w,
        "{}{}",
        if year > 0 { year } else { year.abs() + 1 },
        if year < 1000 {
            if year <= 0 {
                bc
            } else {
                // AD is used as a postfix, see
                // https://docs.citationstyles.org/en/stable/specification.html?#ad-and-bc
                ad
            }
        } else {
            ""
        }
    )
}

fn last_purpose_render<T: EntryLike + Debug>(
    ctx: &StyleContext<'_>,
    item: &SpeculativeItemRender<T>,
    request: &CitationRequest<'_, T>,
) -> ElemChildren {
    if let Some(CitePurpose::Year) = item.purpose {
        date_replacement(
            ctx,
            item.entry,
            &item.cite_props,
            request.locale.as_ref(),
            item.locale.as_ref(),
        )
    } else {
        do_rerender(ctx, item, request, true)
    }
}

type AmbiguousGroup = Vec<(usize, usize)>;

/// Get all names in `children`.
///
/// **NOTE**: These not just the rendered names, but all names where the corresponding variable occurs.
fn get_names(children: &ElemChildren) -> Vec<Person> {
    fn helper(children: &ElemChildren, persons: &mut Vec<Person>) {
        for c in &children.0 {
            if let ElemChild::Elem(e) = c {
                if let Some(ElemMeta::Names(ns)) = &e.meta {
                    persons.extend(ns.iter().flat_map(|(ps, _)| ps).cloned());
                }
                helper(&e.children, persons);
            }
        }
    }
    let mut res = vec![];
    helper(children, &mut res);
    res
}

#[derive(Debug)]
/// A state used for disambiguation.
struct DisambData<'a, T: EntryLike + Debug> {
    /// The citation index of the item.
    cite_id: usize,
    /// The item index.
    item_id: usize,
    /// Names occurring in this citation item.
    names: Vec<Person>,
    /// The related speculative render
    item: &'a SpeculativeItemRender<'a, T>,
}

impl<'a, T: EntryLike + Debug> PartialEq for DisambData<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.cite_id == other.cite_id && self.item_id == other.item_id
    }
}

impl<'a, T: EntryLike + Debug> Eq for DisambData<'a, T> {}

/// Returns true iff the item `x` is fully disambiguated w.r.t. `xs` where the first `et_al_min` are added and the `rule` is applied.
fn is_disambiguated<T: EntryLike + Debug>(
    et_al_min: usize,
    xs: &[DisambData<T>],
    x: &DisambData<T>,
    rule: Option<DisambiguationRule>,
) -> bool {
    fn name_parts<'a>(
        names: impl Iterator<Item = &'a Person>,
        rule: Option<DisambiguationRule>,
    ) -> Vec<Person> {
        match rule {
            Some(DisambiguationRule::AllNames | DisambiguationRule::ByCite) => {
                names.cloned().collect()
            }
            Some(DisambiguationRule::AllNamesWithInitials) => names
                .cloned()
                .map(|n| {
                    let mut given = String::new();
                    n.initials(&mut given, None, false).unwrap();
                    Person { given_name: Some(given), ..n }
                })
                .collect(),
            Some(DisambiguationRule::PrimaryName) => names
                .cloned()
                .enumerate()
                .map(|(i, n)| if i == 0 { n } else { Person { given_name: None, ..n } })
                .collect(),
            Some(DisambiguationRule::PrimaryNameWithInitials) => names
                .cloned()
                .enumerate()
                .map(|(i, n)| {
                    if i == 0 {
                        let mut given = String::new();
                        n.initials(&mut given, None, false).unwrap();
                        Person { given_name: Some(given), ..n }
                    } else {
                        Person { given_name: None, ..n }
                    }
                })
                .collect(),
            None => names.map(|n| Person { given_name: None, ..n.clone() }).collect(),
        }
    }

    let disamb_name =
        |x: &DisambData<T>| name_parts(x.names.iter().take(et_al_min), rule);

    let disamb_x = disamb_name(x);
    xs.iter().all(|y| x == y || disamb_name(y) != disamb_x)
}

/// Adds a given name (potentially only the initial) to the name `x` if it disambiguates w.r.t. `xs`.
///
/// **Note**: This is only used to disambiguate a citation. Disambiguation of names needs to be handled differently.
fn disamb_cite_add_given_name(
    x: &Person,
    xs: &[&Person],
    form: &mut DisambiguatedNameForm,
) -> bool {
    if form == &DisambiguatedNameForm::Count {
        // Cannot disambiguate
        return false;
    }
    if form == &DisambiguatedNameForm::LongFull {
        // Cannot expand full name
        return false;
    }
    let mut changed = false;
    for p in xs {
        if &x == p || x.name != p.name {
            continue;
        }
        let mut xi = String::new();
        x.initials(&mut xi, None, false).unwrap();
        let mut pi = String::new();
        p.initials(&mut pi, None, false).unwrap();

        if xi == pi {
            *form = DisambiguatedNameForm::LongFull;
            return true;
        }
        if form != &DisambiguatedNameForm::LongInitialized {
            *form = DisambiguatedNameForm::LongInitialized;
            changed = true;
        }
    }
    changed
}

/// Progressively transform names to disambiguate them.
fn disambiguate_names<F, T>(
    renders: &[SpeculativeCiteRender<'_, '_, T>],
    group: &AmbiguousGroup,
    mut mark: F,
) where
    T: EntryLike + Eq + Hash + Debug,
    F: FnMut(&T, DisambiguateState),
{
    let group = group
        .iter()
        .map(|(cite_id, item_id)| {
            let cite_id = *cite_id;
            let item_id = *item_id;
            let item = &renders[cite_id].items[item_id];
            DisambData {
                cite_id,
                item_id,
                names: get_names(&item.rendered),
                item,
            }
        })
        .collect::<Vec<_>>();

    // How many names can we add at most? If we are not allowed to add names, it is only one.
    let max_names = if renders[0].request.style.citation.disambiguate_add_names {
        group.iter().map(|d| d.names.len()).max().unwrap_or_default()
    } else {
        1
    };

    // Tracks changes to the disambiguation state
    let mut changed_states = HashMap::new();
    // Tracks already disambiguated items
    let mut disambiguated = HashSet::new();

    // Successively add names
    for i in 1..=max_names {
        let disamb_len = disambiguated.len();
        if disamb_len == group.len() {
            // Already fully disambiguated
            break;
        }
        for d in &group {
            if disambiguated.contains(&(d.cite_id, d.item_id)) {
                // Already done
                continue;
            }
            let style = renders[d.cite_id].request.style;
            // We only apply the rule if we are allowed to.
            let rule = match (
                style.citation.disambiguate_add_givenname,
                style.citation.givenname_disambiguation_rule,
            ) {
                (true, r) => Some(r),
                _ => None,
            };

            if !d.item.cite_props.speculative.disambiguation.may_disambiguate_names() {
                continue;
            }

            if is_disambiguated(i, &group, d, rule) {
                // Adding a name would disambiguate, so lets add it
                disambiguated.insert((d.cite_id, d.item_id));

                // Add given names. "by-cite" expands the name just added;
                // citris patch 12: the primary-name rules expand the first
                // name and the all-names rules every shown name (before, only
                // "by-cite" was handled and APA's `(Smith, 2000)` stayed
                // ambiguous where citeproc-js prints `(J. Smith, 2000)`);
                // the "-with-initials" rules stop at initials.
                let (expand, initials_only): (std::ops::Range<usize>, bool) = match rule {
                    Some(DisambiguationRule::ByCite) => (i - 1..i, false),
                    Some(DisambiguationRule::PrimaryName) => (0..1, false),
                    Some(DisambiguationRule::PrimaryNameWithInitials) => (0..1, true),
                    Some(DisambiguationRule::AllNames) => (0..i, false),
                    Some(DisambiguationRule::AllNamesWithInitials) => (0..i, true),
                    None => (0..0, false),
                };
                if !expand.is_empty() {
                    let name_props_slot =
                        if let Some(DisambiguateState::NameDisambiguation(ndp)) =
                            changed_states.get(&(d.cite_id, d.item_id))
                        {
                            Some(ndp)
                        } else if let DisambiguateState::NameDisambiguation(n) =
                            &d.item.cite_props.speculative.disambiguation
                        {
                            Some(n)
                        } else {
                            d.item.first_name.as_ref()
                        };
                    if let Some(props) = name_props_slot {
                        let mut props = props.clone();
                        let others = group
                            .iter()
                            .filter(|i| i.cite_id != d.cite_id || i.item_id != d.item_id)
                            .flat_map(|i| &i.names)
                            .collect::<Vec<_>>();
                        let mut changed = false;
                        for k in expand {
                            // citris patch 6: an item may have fewer name lists
                            // than the group's longest (index out of bounds
                            // before).
                            if let (Some(form), Some(names)) =
                                (props.get_form_mut(k), d.names.get(k))
                            {
                                let before = *form;
                                // Try to add a given name
                                if disamb_cite_add_given_name(names, &others, form) {
                                    if initials_only
                                        && *form == DisambiguatedNameForm::LongFull
                                    {
                                        *form = DisambiguatedNameForm::LongInitialized;
                                    }
                                    changed |= *form != before;
                                }
                            }
                        }
                        if changed {
                            changed_states.insert(
                                (d.cite_id, d.item_id),
                                DisambiguateState::NameDisambiguation(props),
                            );
                            disambiguated.insert((d.cite_id, d.item_id));
                        }
                    }
                }
            }
        }
        if disambiguated.len() > disamb_len {
            for d in &group {
                let name_props_slot =
                    if let Some(DisambiguateState::NameDisambiguation(ndp)) =
                        changed_states.get(&(d.cite_id, d.item_id))
                    {
                        Some(ndp)
                    } else if let DisambiguateState::NameDisambiguation(n) =
                        &d.item.cite_props.speculative.disambiguation
                    {
                        Some(n)
                    } else {
                        d.item.first_name.as_ref()
                    };
                if let Some(state) = name_props_slot {
                    let mut state = state.clone();
                    state.add_name(i);
                    changed_states.insert(
                        (d.cite_id, d.item_id),
                        DisambiguateState::NameDisambiguation(state),
                    );
                }
            }
        }
    }

    // Mark all changed states
    for ((cite_id, item_id), s) in changed_states.into_iter() {
        let entry = renders[cite_id].items[item_id].entry;
        mark(entry, s)
    }
}

/// Mark qualifying entries for disambiguation with `cs:choose`.
fn disambiguate_with_choose<F, T>(
    renders: &[SpeculativeCiteRender<'_, '_, T>],
    group: &AmbiguousGroup,
    mut mark: F,
) where
    T: EntryLike,
    F: FnMut(&T, DisambiguateState),
{
    if group.iter().any(|&(cite_idx, item_idx)| {
        renders[cite_idx].items[item_idx].checked_disambiguate
            && renders[cite_idx].items[item_idx]
                .cite_props
                .speculative
                .disambiguation
                .may_disambiguate_with_choose()
    }) {
        // citris patch 7: the condition is true for every cite of the
        // ambiguous set, the first one too (CSL 1.0.2 "Disambiguation", step
        // 3; citeproc-js renders `(Baddeley, “Memory and Forgetting”)` for
        // each of the works; hayagriva left the first one out).
        for &(cite_idx, item_idx) in group.iter() {
            let item = &renders[cite_idx].items[item_idx];
            if item.checked_disambiguate {
                mark(item.entry, DisambiguateState::Choose);
            }
        }
    }
}

/// Mark qualifying entries for disambiguation with year suffixes.
fn disambiguate_year_suffix<F, T>(
    renders: &[SpeculativeCiteRender<'_, '_, T>],
    group: &AmbiguousGroup,
    mut mark: F,
) where
    T: EntryLike + PartialEq,
    F: FnMut(&T, DisambiguateState),
{
    // citris patch 7: suffixes are given whether or not some cite renders a
    // date (hayagriva required one somewhere in the document): Harvard's
    // undated items print `(no date a)` through an explicit `year-suffix`.
    if group.iter().any(|&(cite_idx, item_idx)| {
        renders[cite_idx].request.style.citation.disambiguate_add_year_suffix
            && renders[cite_idx].items[item_idx]
                .cite_props
                .speculative
                .disambiguation
                .may_disambiguate_with_year_suffix()
    }) {
        let mut entries = Vec::new();
        for &(cite_idx, item_idx) in group.iter() {
            let item = &renders[cite_idx].items[item_idx];
            if item
                .cite_props
                .speculative
                .disambiguation
                .may_disambiguate_with_year_suffix()
                && !entries.iter().any(|(_, e)| *e == item.entry)
            {
                entries.push((item.cite_props.speculative.citation_number, item.entry));
            }
        }
        // citris patch 7: suffixes follow the order of the bibliography (CSL
        // 1.0.2, `disambiguate-add-year-suffix`), not the order of citation.
        // The citation number is the entry's place in the sorted bibliography
        // (or the order of first citation when it is not sorted).
        entries.sort_by_key(|(n, _)| *n);
        let entries = entries.into_iter().map(|(_, e)| e);

        // Assign year suffixes.
        for (i, entry) in entries.into_iter().enumerate() {
            mark(entry, DisambiguateState::YearSuffix(i as u8));
        }
    }
}

/// Return a vector that contains every group of mutually ambiguous items with
/// cite and item index.
fn find_ambiguous_sets<T: EntryLike + PartialEq>(
    cites: &[SpeculativeCiteRender<'_, '_, T>],
) -> Vec<AmbiguousGroup> {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum PotentialDisambiguation {
        /// Two usizes for an item that produced this string.
        Single((usize, usize)),
        /// There were multiple matches. This is the index in the result vector.
        Match(usize),
    }

    let mut map: HashMap<String, PotentialDisambiguation> = HashMap::new();
    let mut res: Vec<Vec<(usize, usize)>> = Vec::new();

    for (i, cite) in cites.iter().enumerate() {
        for (j, item) in cite.items.iter().enumerate() {
            if !item
                .cite_props
                .speculative
                .disambiguation
                .may_disambiguate_with_year_suffix()
            {
                // There is nothing we can do.
                continue;
            }

            let buf = format!("{}", item.rendered);
            match map.entry(buf) {
                HmEntry::Occupied(entry) => match *entry.get() {
                    PotentialDisambiguation::Single(pos) => {
                        *entry.into_mut() = PotentialDisambiguation::Match(res.len());
                        res.push(vec![pos, (i, j)]);
                    }
                    PotentialDisambiguation::Match(idx) => {
                        res[idx].push((i, j));
                    }
                },
                HmEntry::Vacant(vacant) => {
                    vacant.insert(PotentialDisambiguation::Single((i, j)));
                }
            }
        }
    }

    // Only return items if not every item points to the same entry.
    res.into_iter()
        .filter(|e| {
            let Some(first_entry) =
                e.first().map(|(cite, item)| cites[*cite].items[*item].entry)
            else {
                return false;
            };

            e.iter()
                .any(|(cite, item)| cites[*cite].items[*item].entry != first_entry)
        })
        .collect()
}

fn collapse_items<'a, T: EntryLike>(cite: &mut SpeculativeCiteRender<'a, '_, T>) {
    let style = &cite.request.style;

    let after_collapse_delim = style
        .citation
        .after_collapse_delimiter
        .as_deref()
        .or(style.citation.layout.delimiter.as_deref());


    match style.citation.collapse {
        Some(Collapse::CitationNumber) => {
            // Option with the start and end of the range.
            let mut range_start: Option<(usize, usize)> = None;
            let mut just_collapsed = false;

            let end_range = |items: &mut [SpeculativeItemRender<'a, T>],
                             range_start: &mut Option<(usize, usize)>,
                             just_collapsed: &mut bool| {
                let use_after_collapse_delim = *just_collapsed;
                *just_collapsed = false;

                if let &mut Some((start, end)) = range_start {
                    // If the previous citation range was collapsed, use the
                    // after-collapse delimiter before the next item.
                    if use_after_collapse_delim {
                        items[start].delim_override = after_collapse_delim;
                    }

                    // There should be at least three items in the range to
                    // collapse.
                    if start + 1 < end {
                        items[end].delim_override = Some("–");

                        for item in &mut items[start + 1..end] {
                            item.hidden = true;
                        }

                        *just_collapsed = true;
                    }
                }

                *range_start = None;
            };

            for i in 0..cite.items.len() {
                let citation_number = {
                    // Item must be borrowed in this block only because it
                    // cannot be mutably borrowed below otherwise.
                    let item = &cite.items[i];
                    if item.hidden
                        || item.rendered.find_meta(&ElemMeta::CitationNumber).is_none()
                    {
                        end_range(&mut cite.items, &mut range_start, &mut just_collapsed);
                        continue;
                    }

                    item.cite_props.speculative.citation_number
                };

                let prev_citation_number = match range_start {
                    Some((_, end)) => {
                        Some(cite.items[end].cite_props.speculative.citation_number)
                    }
                    None => None,
                };

                match (range_start, prev_citation_number) {
                    (Some((start, end)), Some(prev_citation_number))
                        if end + 1 == i
                            && prev_citation_number + 1 == citation_number =>
                    {
                        // Extend the range.
                        range_start = Some((start, i));
                    }
                    _ => {
                        end_range(&mut cite.items, &mut range_start, &mut just_collapsed);
                        range_start = Some((i, i));
                    }
                }
            }

            end_range(&mut cite.items, &mut range_start, &mut just_collapsed);
        }
        Some(
            c @ (Collapse::Year | Collapse::YearSuffix | Collapse::YearSuffixRanged),
        ) => {
            // citris patch 35 (CSL 1.0.2 "Citation Collapsing"): in a group
            // of two or more cites, the later ones print only their date
            // (after the cite-group delimiter; after a cite with a locator the
            // after-collapse delimiter, as citeproc-js does); with `year-suffix*`, a
            // cite of the same year as the one before it prints only its year
            // suffix (after the year-suffix delimiter, default the cite-group
            // delimiter if given, else the layout delimiter), and `year-suffix-ranged` joins runs of three or more
            // consecutive suffixes with an en dash; the cite after a collapsed
            // group follows the after-collapse delimiter. Before, a suffix
            // was collapsed whenever it was not `a` (whatever came before it)
            // and ranges were not made.
            let layout_delim = style.citation.layout.delimiter.as_deref();
            let suffix_delim = style
                .citation
                .year_suffix_delimiter
                .as_deref()
                .or(style.citation.cite_group_delimiter.as_deref())
                .or(layout_delim);
            let year = |item: &SpeculativeItemRender<'a, T>| {
                item.entry.resolve_date_variable(DateVariable::Issued).map(|d| d.year)
            };
            let suffix = |item: &SpeculativeItemRender<'a, T>| match item
                .cite_props
                .speculative
                .disambiguation
            {
                DisambiguateState::YearSuffix(s) => Some(s),
                _ => None,
            };
            let items = &mut cite.items;
            let mut i = 0;
            while i < items.len() {
                let Some(group) = items[i].group_idx else {
                    i += 1;
                    continue;
                };
                let mut end = i + 1;
                while end < items.len() && items[end].group_idx == Some(group) {
                    end += 1;
                }
                if end - i < 2 {
                    i = end;
                    continue;
                }
                for k in i + 1..end {
                    items[k].collapse_verdict = Some(CollapseVerdict::First);
                    if items[k - 1].locator.is_some() {
                        items[k].delim_override = after_collapse_delim;
                    } else if c != Collapse::Year
                        && suffix(&items[k]).is_some()
                        && suffix(&items[k - 1]).is_some()
                        && year(&items[k]) == year(&items[k - 1])
                    {
                        items[k].collapse_verdict = Some(CollapseVerdict::YearSuffix);
                        items[k].delim_override = suffix_delim;
                    }
                }
                if c == Collapse::YearSuffixRanged {
                    // Runs: a cite, then cites printing only the next suffixes.
                    let mut start = i;
                    while start < end {
                        let mut last = start;
                        while last + 1 < end
                            && items[last + 1].collapse_verdict
                                == Some(CollapseVerdict::YearSuffix)
                            && suffix(&items[last + 1])
                                == suffix(&items[last]).map(|s| s.wrapping_add(1))
                        {
                            last += 1;
                        }
                        if last >= start + 2 {
                            for item in &mut items[start + 1..last] {
                                item.hidden = true;
                            }
                            items[last].delim_override = Some("–");
                        }
                        start = last + 1;
                    }
                }
                if end < items.len() {
                    items[end].delim_override = after_collapse_delim;
                }
                i = end;
            }
        }
        None => {}
    }
}

fn substitute_subsequent_authors(
    subs: Option<&String>,
    mut rule: SubsequentAuthorSubstituteRule,
    items: &mut [(ElemChildren, String)],
) {
    if let Some(subs) = subs {
        let subs = Formatting::default().add_text(subs.clone());

        fn replace_all(names: &mut Elem, is_empty: bool, subs: &Formatted) {
            let old_children = std::mem::replace(
                &mut names.children,
                ElemChildren(vec![ElemChild::Text(subs.clone())]),
            );
            if !is_empty {
                // citris patch 80: the whole name list goes, with the
                // delimiters and `and` between the names (CSL 1.0.2
                // "complete-all": "including punctuation and terms like
                // et-al and and"); what comes before the first name or after
                // the last (a label: `———, editor.`) stays. Only the names
                // were taken out: MLA printed `———, and .` for two authors.
                fn has_name(c: &ElemChild) -> bool {
                    match c {
                        ElemChild::Elem(e) => {
                            matches!(e.meta, Some(ElemMeta::Name(_, _)))
                                || e.children.0.iter().any(has_name)
                        }
                        _ => false,
                    }
                }
                // Drops the names and all between them, at the level where
                // they are siblings.
                fn strip_names(children: Vec<ElemChild>) -> Vec<ElemChild> {
                    let first = children.iter().position(has_name);
                    let last = children.iter().rposition(has_name);
                    let (Some(first), Some(last)) = (first, last) else {
                        return children;
                    };
                    let mut out = Vec::with_capacity(children.len());
                    for (i, child) in children.into_iter().enumerate() {
                        if i < first || i > last {
                            out.push(child);
                        } else if first == last
                            && let ElemChild::Elem(mut e) = child
                            && !matches!(e.meta, Some(ElemMeta::Name(_, _)))
                        {
                            e.children.0 = strip_names(e.children.0);
                            out.push(ElemChild::Elem(e));
                        }
                    }
                    out
                }
                names.children.0.extend(strip_names(old_children.0));
            }
        }

        fn replace_name(e: Elem, subs: &Formatted) -> (ElemChild, bool) {
            if matches!(e.meta, Some(ElemMeta::Name(_, _))) {
                return (
                    ElemChild::Elem(Elem {
                        children: ElemChildren(vec![ElemChild::Text(subs.clone())]),
                        display: e.display,
                        meta: e.meta,
                    }),
                    true,
                );
            }

            let len = e.children.0.len();
            let mut iter = e.children.0.into_iter();
            let mut children = Vec::with_capacity(len);
            let mut changed = false;
            for c in iter.by_ref() {
                match c {
                    ElemChild::Elem(ec) => {
                        let (nc, ch) = replace_name(ec, subs);
                        children.push(nc);
                        if ch {
                            changed = true;
                            break;
                        }
                    }
                    _ => children.push(c),
                }
            }
            children.extend(iter);
            (
                ElemChild::Elem(Elem {
                    display: e.display,
                    meta: e.meta,
                    children: ElemChildren(children),
                }),
                changed,
            )
        }

        fn replace_each(names: &mut Elem, subs: &Formatted) {
            let old_children = std::mem::replace(
                &mut names.children,
                ElemChildren(vec![ElemChild::Text(subs.clone())]),
            );
            for child in old_children.0 {
                match child {
                    ElemChild::Elem(e) => {
                        names.children.0.push(replace_name(e, subs).0);
                    }
                    _ => names.children.0.push(child),
                }
            }
        }

        fn get_names(elem: &Elem, names: &mut Vec<Elem>) {
            if matches!(elem.meta, Some(ElemMeta::Name(_, _))) {
                names.push(elem.clone());
            } else {
                for c in &elem.children.0 {
                    if let ElemChild::Elem(e) = c {
                        get_names(e, names);
                    }
                }
            }
        }

        fn replace_first_n(mut num: usize, names: &mut Elem, subs: &Formatted) {
            let old_children = std::mem::replace(
                &mut names.children,
                ElemChildren(vec![ElemChild::Text(subs.clone())]),
            );
            for child in old_children.0.into_iter() {
                if num == 0 {
                    break;
                }
                match child {
                    ElemChild::Elem(e) => {
                        let (c, changed) = replace_name(e, subs);
                        names.children.0.push(c);
                        if changed {
                            num -= 1;
                        }
                    }
                    _ => names.children.0.push(child),
                }
            }
        }

        fn num_of_matches(ns1: &[Elem], ns2: &[Elem]) -> usize {
            ns1.iter().zip(ns2.iter()).take_while(|(a, b)| same_name(a, b)).count()
        }

        // citris patch 9: a name is the same name whichever variable it
        // came from (citeproc-js compares the rendered names: `Author, Ann,
        // editor.` is followed by `———.` for a work she wrote). The meta of
        // a name element records the variable (and the index), so names
        // are compared by what they render.
        fn same_name(a: &Elem, b: &Elem) -> bool {
            a.children == b.children && a.display == b.display
        }
        fn same_names(a: &[Elem], b: &[Elem]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_name(a, b))
        }

        let mut last_names = None;

        for item in items.iter_mut() {
            let ec = &mut item.0;
            let Some(names_elem) = ec.find_names() else {
                continue;
            };
            let mut xnames = Vec::new();
            get_names(names_elem, &mut xnames);
            let (lnames_elem, lnames) = if let Some(ns) = &last_names {
                ns
            } else {
                // No previous name; nothing to replace. Save and skip
                last_names = Some((names_elem.clone(), xnames));
                continue;
            };
            if xnames.is_empty() {
                rule = SubsequentAuthorSubstituteRule::CompleteAll;
            }
            match rule {
                SubsequentAuthorSubstituteRule::CompleteAll => {
                    if same_names(lnames, &xnames)
                        && (!xnames.is_empty() || names_elem == lnames_elem)
                    {
                        let names = ec.find_names_mut().unwrap();
                        replace_all(names, xnames.is_empty(), &subs);
                    } else {
                        last_names = Some((names_elem.clone(), xnames.clone()));
                    }
                }
                SubsequentAuthorSubstituteRule::CompleteEach => {
                    if same_names(lnames, &xnames) {
                        let names = ec.find_names_mut().unwrap();
                        replace_each(names, &subs);
                    } else {
                        last_names = Some((names_elem.clone(), xnames.clone()));
                    }
                }
                SubsequentAuthorSubstituteRule::PartialEach => {
                    let nom = num_of_matches(&xnames, lnames);
                    if nom > 0 {
                        let names = ec.find_names_mut().unwrap();
                        replace_first_n(nom, names, &subs);
                    } else {
                        last_names = Some((names_elem.clone(), xnames.clone()));
                    }
                }
                SubsequentAuthorSubstituteRule::PartialFirst => {
                    let nom = num_of_matches(&xnames, lnames);
                    if nom > 0 {
                        let names = ec.find_names_mut().unwrap();
                        replace_first_n(1, names, &subs);
                    } else {
                        last_names = Some((names_elem.clone(), xnames.clone()));
                    }
                }
            }
        }
    }
}

/// What we have decided for rerendering this item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum CollapseVerdict {
    /// Only the first date should be printed.
    First,
    /// Only the year suffix should be printed.
    YearSuffix,
}

/// The result of [`BibliographyDriver::finish`].
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The bibliography items.
    pub bibliography: Option<RenderedBibliography>,
    /// The citation items.
    pub citations: Vec<RenderedCitation>,
}

/// A fully rendered bibliography.
#[derive(Debug, Clone)]
pub struct RenderedBibliography {
    /// Render the bibliography in a hanging indent.
    pub hanging_indent: bool,
    /// When set, the second field is aligned.
    pub second_field_align: Option<SecondFieldAlign>,
    /// The line spacing within the bibliography as a multiple of regular line
    /// spacing.
    pub line_spacing: NonZeroI16,
    /// Extra space between entries as a multiple of line height.
    pub entry_spacing: i16,
    /// The bibliography items. The first item may be some if
    /// `second_field_align` is set. Then, it is the first field that must be
    /// treated specially.
    pub items: Vec<BibliographyItem>,
}

/// A fully rendered bibliography item.
#[derive(Debug, Clone)]
pub struct BibliographyItem {
    /// The item's key as specified in the bibliography.
    pub key: String,
    /// The item's first field. Only available when required by the
    /// `second-field-align` CSL property.
    pub first_field: Option<ElemChild>,
    /// The rendered item.
    pub content: ElemChildren,
}

impl BibliographyItem {
    fn new(key: String, first_field: Option<ElemChild>, content: ElemChildren) -> Self {
        Self { key, first_field, content }
    }
}

/// A fully rendered citation.
#[derive(Debug, Clone)]
pub struct RenderedCitation {
    /// The footnote number for this citation.
    pub note_number: Option<usize>,
    /// The citation.
    pub citation: ElemChildren,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sorting {
    Variable,
    Macro,
}

/// A context that contains all information related to rendering a single entry.
#[derive(Debug, Clone, PartialEq)]
struct InstanceContext<'a, T: EntryLike> {
    // Entry-dependent data.
    /// The current entry.
    pub entry: &'a T,
    /// The position of this citation in the list of citations.
    pub cite_props: CiteProperties<'a>,
    /// Whether we are sorting or formatting right now and if we are sorting with a variable or macro sort key.
    pub sorting: Option<Sorting>,
    /// The locale for the content in the entry.
    pub locale: Option<&'a LocaleCode>,
    /// The locale for the terms.
    pub term_locale: Option<&'a LocaleCode>,
    /// Whether this citation should respect a special form.
    pub kind: Option<SpecialForm>,
    /// Which labels were written.
    pub identifier_usage: RefCell<IdentifierUsage>,
}

impl<'a, T: EntryLike> InstanceContext<'a, T> {
    fn new(
        entry: &'a T,
        cite_props: CiteProperties<'a>,
        sorting: Option<Sorting>,
        locale: Option<&'a LocaleCode>,
        term_locale: Option<&'a LocaleCode>,
        kind: Option<SpecialForm>,
    ) -> Self {
        Self {
            entry,
            sorting,
            locale,
            term_locale,
            kind,
            identifier_usage: RefCell::new(cite_props.speculative.identifier_usage),
            cite_props,
        }
    }

    fn variable_sort_instance(item: &CitationItem<'a, T>, idx: usize) -> Self {
        Self::new(
            item.entry,
            CiteProperties::for_sorting(item.locator.clone(), idx),
            Some(Sorting::Variable),
            None,
            None,
            None,
        )
    }
}

/// A context that contains information about the style we are using to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StyleContext<'a> {
    // Settings from the style.
    /// The settings of the style.
    pub csl: &'a IndependentStyle,
    /// A list of locales defined in their respective locale file.
    locale_files: &'a [Locale],
    /// Which locale we're using.
    locale_override: Option<LocaleCode>,
}

impl<'a> StyleContext<'a> {
    fn new(
        style: &'a IndependentStyle,
        locale: Option<LocaleCode>,
        locale_files: &'a [Locale],
    ) -> Self {
        Self { csl: style, locale_files, locale_override: locale }
    }

    fn ctx<'b, T: EntryLike>(
        &'b self,
        entry: &'b T,
        cite_props: CiteProperties<'a>,
        locale: Option<&'b LocaleCode>,
        term_locale: Option<&'b LocaleCode>,
        bibliography: bool,
    ) -> Context<'b, T> {
        Context {
            instance: InstanceContext::new(
                entry,
                cite_props,
                None,
                locale,
                term_locale,
                None,
            ),
            style: self,
            writing: WritingContext::new(self.csl.settings.options.clone()),
            bibliography,
        }
    }

    fn macro_sorting_ctx<'b, T: EntryLike>(
        &'b self,
        item: &'b CitationItem<'b, T>,
        idx: usize,
        locale: Option<&'b LocaleCode>,
        term_locale: Option<&'b LocaleCode>,
        bibliography: bool,
    ) -> Context<'b, T> {
        Context {
            instance: InstanceContext::new(
                item.entry,
                CiteProperties::for_sorting(item.locator.clone(), idx),
                Some(Sorting::Macro),
                locale,
                term_locale,
                None,
            ),
            style: self,
            writing: WritingContext::new(self.csl.settings.options.clone()),
            bibliography,
        }
    }

    /// Render the given item within a citation.
    fn citation<T: EntryLike>(
        &self,
        entry: &T,
        props: CiteProperties<'a>,
        locale: Option<&LocaleCode>,
        term_locale: Option<&LocaleCode>,
        kind: Option<CitePurpose>,
        collapse_verdict: Option<CollapseVerdict>,
        affixes: (Option<&str>, Option<&str>),
    ) -> ElemChildren {
        let ctx = self.do_citation(
            entry,
            props,
            locale,
            term_locale,
            kind,
            collapse_verdict,
            affixes,
        );
        ctx.flush()
    }

    /// Render the given item within a bibliography.
    fn bibliography<T: EntryLike>(
        &self,
        entry: &T,
        props: CiteProperties<'a>,
        locale: Option<&LocaleCode>,
        term_locale: Option<&LocaleCode>,
    ) -> Option<ElemChildren> {
        self.do_bibliography(entry, props, locale, term_locale)
            .map(|ctx| ctx.flush())
    }

    /// Render the given item within a citation.
    fn do_citation<'b, T: EntryLike>(
        &'b self,
        entry: &'b T,
        props: CiteProperties<'a>,
        locale: Option<&'b LocaleCode>,
        term_locale: Option<&'b LocaleCode>,
        kind: Option<CitePurpose>,
        collapse_verdict: Option<CollapseVerdict>,
        (prefix, suffix): (Option<&str>, Option<&str>),
    ) -> Context<'b, T> {
        let mut ctx = self.ctx(entry, props, locale, term_locale, false);
        // citris patch 34: a term that begins the first cite is capitalised,
        // and one that begins a later cite when the cites are delimited like
        // sentences (`. `).
        let ends_sentence = |s: &str| s.trim_end().ends_with(['.', '!', '?']);
        ctx.writing.term_predecessor = !(ctx.instance.cite_props.certain.leads_citation
            || self.csl.citation.layout.delimiter.as_deref().is_some_and(ends_sentence));
        // citris patch 32: the cite's prefix, as rich text.
        if let Some(prefix) = prefix {
            ctx.push_rich(&StringChunk::normal(prefix.to_string()).into(), false);
            // A term after a prefix that ends a sentence of more than one
            // word is capitalised (`Caps after. Ibid.`, not `See ibid.` or
            // `Nocapsafter. ibid.`), as citeproc-js does.
            ctx.writing.term_predecessor =
                !(ends_sentence(prefix) && prefix.split_whitespace().count() > 1);
        }

        let do_regular = |ctx: &mut Context<'b, T>| {
            let reset = if ctx.instance.kind.is_none() {
                match collapse_verdict {
                    Some(CollapseVerdict::First) => {
                        ctx.set_special_form(Some(SpecialForm::OnlyFirstDate));
                        true
                    }
                    Some(CollapseVerdict::YearSuffix) => {
                        ctx.set_special_form(Some(SpecialForm::OnlyYearSuffix));
                        true
                    }
                    None => false,
                }
            } else {
                false
            };

            ctx.writing.push_name_options(&self.csl.citation.name_options);
            self.csl.citation.layout.render(ctx);
            ctx.writing.pop_name_options();

            if reset {
                ctx.set_special_form(None);
            }
        };

        let do_author = |ctx: &mut Context<'b, T>| {
            let author_var = Variable::Name(
                if entry.resolve_name_variable(NameVariable::Author).is_empty()
                    && !entry.resolve_name_variable(NameVariable::Editor).is_empty()
                {
                    NameVariable::Editor
                } else {
                    NameVariable::Author
                },
            );

            if self.csl.citation.layout.will_render(ctx, author_var) {
                // Render name from citation.
                ctx.set_special_form(Some(SpecialForm::VarOnly(author_var)));
                do_regular(ctx);
            } else {
                let mut needs_bibliography = true;

                // Render name from citation with ibid forced to Different.
                if ctx.instance.cite_props.speculative.ibid != IbidState::Different {
                    let prev_ibid = ctx.instance.cite_props.speculative.ibid;
                    ctx.instance.cite_props.speculative.ibid = IbidState::Different;
                    if self.csl.citation.layout.will_render(ctx, author_var) {
                        ctx.set_special_form(Some(SpecialForm::VarOnly(author_var)));
                        do_regular(ctx);
                        needs_bibliography = false;
                    }
                    ctx.instance.cite_props.speculative.ibid = prev_ibid;
                }

                if needs_bibliography {
                    // Render name from bibliography.
                    ctx.set_special_form(Some(SpecialForm::VarOnly(author_var)));
                    let needs_synthesis =
                        if let Some(bibliography) = &self.csl.bibliography {
                            if bibliography.layout.will_render(ctx, author_var) {
                                ctx.writing.push_name_options(&bibliography.name_options);
                                bibliography.layout.render(ctx);
                                ctx.writing.pop_name_options();
                                false
                            } else {
                                true
                            }
                        } else {
                            true
                        };

                    if needs_synthesis {
                        // We build our own name and render it with the citation's
                        // properties.
                        let layout = Layout::new(
                            vec![LayoutRenderingElement::Names(Names::with_variables(
                                vec![NameVariable::Author],
                            ))],
                            self.csl.citation.layout.to_formatting(),
                            None,
                            None,
                        );
                        ctx.writing.push_name_options(&self.csl.citation.name_options);
                        layout.render(ctx);
                        ctx.writing.pop_name_options();
                    }
                }
            }
            ctx.set_special_form(None);
        };

        match (kind, self.csl.bibliography.as_ref()) {
            (Some(CitePurpose::Author), _) => {
                do_author(&mut ctx);
            }
            (Some(CitePurpose::Full), Some(bib)) => {
                ctx.writing.push_name_options(&bib.name_options);
                bib.layout.render(&mut ctx);
                ctx.writing.pop_name_options();

                if bib.second_field_align.is_some()
                    && let Some(mut t) =
                        ctx.writing.elem_stack.first_mut().remove_any_meta()
                {
                    if let ElemChild::Text(t) = &mut t {
                        t.text.push(' ');
                    } else if let ElemChild::Elem(e) = &mut t
                        && let Some(t) = e.children.last_text_mut()
                    {
                        t.text.push(' ');
                    }

                    ctx.writing.elem_stack.first_mut().0.insert(0, t);
                }
            }
            (Some(CitePurpose::Prose), _) => {
                do_author(&mut ctx);
                if !self
                    .csl
                    .citation
                    .layout
                    .prefix
                    .as_ref()
                    .is_some_and(|f| f.chars().next().is_some_and(char::is_whitespace))
                {
                    ctx.ensure_space();
                }

                if self.csl.info.category.iter().any(|c| {
                    matches!(
                        c,
                        StyleCategory::CitationFormat {
                            format: CitationFormat::Label | CitationFormat::Numeric
                        }
                    )
                }) {
                    // Print the label.
                    if let Some(prefix) = self.csl.citation.layout.prefix.as_ref() {
                        ctx.push_str(prefix);
                    }
                    do_regular(&mut ctx);
                    if let Some(suffix) = self.csl.citation.layout.suffix.as_ref() {
                        ctx.push_str(suffix);
                    }
                } else {
                    // Print the citation surrounded by parentheses and suppress
                    // the author.
                    ctx.push_str(
                        self.csl.citation.layout.prefix.as_deref().unwrap_or("("),
                    );
                    ctx.set_special_form(Some(SpecialForm::SuppressAuthor));
                    do_regular(&mut ctx);
                    ctx.set_special_form(None);
                    ctx.push_str(
                        self.csl.citation.layout.suffix.as_deref().unwrap_or(")"),
                    );
                }
            }
            (Some(CitePurpose::Year) | Some(CitePurpose::Full) | None, _) => {
                do_regular(&mut ctx);
            }
        }
        // citris patch 32: the cite's suffix; its leading punctuation may move
        // into quotes the cite ends with.
        if let Some(suffix) = suffix {
            ctx.push_rich(&StringChunk::normal(suffix.to_string()).into(), true);
        }
        ctx
    }

    /// Render the given item within a bibliography.
    fn do_bibliography<'b, T: EntryLike>(
        &'b self,
        entry: &'b T,
        props: CiteProperties<'a>,
        locale: Option<&'b LocaleCode>,
        term_locale: Option<&'b LocaleCode>,
    ) -> Option<Context<'b, T>> {
        let mut ctx = self.ctx(entry, props, locale, term_locale, true);
        ctx.writing
            .push_name_options(&self.csl.bibliography.as_ref()?.name_options);

        let layout = &self.csl.bibliography.as_ref()?.layout;
        let affixes = layout.to_affixes();

        let affix_loc = ctx.apply_prefix(&affixes);
        layout.render(&mut ctx);
        // citris patch 73: the layout's period is not printed after an
        // entry that ends with one inside closing quotes (en-GB `‘Ends
        // n.d.’`, not `‘Ends n.d.’.`), as citeproc-js does; `?’.` stays.
        if affixes.suffix.as_deref().is_some_and(|s| s.starts_with('.'))
            && ctx.ends_with_period_in_quotes()
        {
            let mut affixes = affixes.clone();
            affixes.suffix = affixes.suffix.map(|s| s[1..].to_string());
            ctx.apply_suffix(&affixes, affix_loc);
        } else {
            ctx.apply_suffix(&affixes, affix_loc);
        }

        Some(ctx)
    }

    /// Return the locale to use for this style.
    fn locale(&self) -> LocaleCode {
        self.locale_override
            .clone()
            .or_else(|| self.csl.default_locale.clone())
            .unwrap_or_else(LocaleCode::en_us)
    }
}

/// A citation request. A citation can contain references to multiple items.
#[derive(Debug, PartialEq)]
pub struct CitationRequest<'a, T: EntryLike> {
    /// The items to format.
    pub items: Vec<CitationItem<'a, T>>,
    /// Which style to use for the citation.
    style: &'a IndependentStyle,
    /// The requested locale for the style's terms.
    ///
    /// This is also the place to store a locale override from a dependent
    /// style.
    pub locale: Option<LocaleCode>,
    /// The files used to retrieve locale settings and terms if the style does
    /// not define all necessary items.
    pub locale_files: &'a [Locale],
    /// The number to use for `first-reference-note-number`.
    ///
    /// `near-note` will always test false if this is none for the referenced
    /// note.
    note_number: Option<usize>,
}

impl<'a, T: EntryLike> CitationRequest<'a, T> {
    /// Create a new citation request.
    pub fn new(
        items: Vec<CitationItem<'a, T>>,
        style: &'a IndependentStyle,
        locale: Option<LocaleCode>,
        locale_files: &'a [Locale],
        note_number: Option<usize>,
    ) -> Self {
        Self {
            items,
            style,
            locale,
            locale_files,
            note_number: note_number.filter(|_| style.settings.class == StyleClass::Note),
        }
    }

    /// Create a new citation request without a note number.
    pub fn from_items(
        items: Vec<CitationItem<'a, T>>,
        style: &'a IndependentStyle,
        locale_files: &'a [Locale],
    ) -> Self {
        Self::new(items, style, None, locale_files, None)
    }

    fn style(&self) -> StyleContext<'a> {
        StyleContext::new(self.style, self.locale.clone(), self.locale_files)
    }

    fn shall_affix(&self) -> bool {
        self.items.iter().all(|p| p.purpose.is_none())
    }

    fn prefix(&self) -> Option<&'a str> {
        self.style
            .citation
            .layout
            .prefix
            .as_deref()
            .filter(|_| self.shall_affix())
    }

    fn suffix(&self) -> Option<&'a str> {
        self.style
            .citation
            .layout
            .suffix
            .as_deref()
            .filter(|_| self.shall_affix())
    }
}

/// A request to render a bibliography. Use with [`BibliographyDriver::finish`].
#[derive(Debug, PartialEq)]
pub struct BibliographyRequest<'a> {
    /// Which style to use for the bibliography. Some styles do not have a
    /// bibliography, in which case the field of the [`Rendered`] will be
    /// `None`.
    pub style: &'a IndependentStyle,
    /// The requested locale for the style's terms.
    ///
    /// This is also the place to store a locale override from a dependent
    /// style.
    pub locale: Option<LocaleCode>,
    /// The files used to retrieve locale settings and terms if the style does
    /// not define all necessary items.
    pub locale_files: &'a [Locale],
}

impl<'a> BibliographyRequest<'a> {
    /// Create a new bibliography request.
    pub fn new(
        style: &'a IndependentStyle,
        locale: Option<LocaleCode>,
        locale_files: &'a [Locale],
    ) -> Self {
        Self { style, locale, locale_files }
    }

    fn style(&self) -> StyleContext<'a> {
        StyleContext::new(self.style, self.locale.clone(), self.locale_files)
    }
}

/// A reference to an [`crate::Entry`] within a [`CitationRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct CitationItem<'a, T: EntryLike> {
    /// The entry to format.
    pub entry: &'a T,
    /// The locator that specifies where in the entry the item is found.
    pub locator: Option<SpecificLocator<'a>>,
    /// A locale code that overrides the assumed locale of the entry. If this is
    /// none, this will default to [`CitationRequest::locale`] and then
    /// [`citationberg::IndependentStyle::default_locale`].
    pub locale: Option<LocaleCode>,
    /// Whether this item will be included in the output.
    pub hidden: bool,
    /// Format the item in a special way.
    pub purpose: Option<CitePurpose>,
    /// Text printed before the item, inside the citation (a cite prefix such
    /// as `see `; CSL-JSON rich text, citris patch 32).
    pub prefix: Option<&'a str>,
    /// Text printed after the item, inside the citation (a cite suffix, CSL-JSON
    /// rich text, citris patch 32).
    pub suffix: Option<&'a str>,
    /// The initial index of this item in the list of items.
    initial_idx: usize,
}

impl<'a, T: EntryLike> CitationItem<'a, T> {
    /// Create a new citation item for the given entry.
    pub fn with_entry(entry: &'a T) -> Self {
        Self {
            entry,
            locator: None,
            locale: None,
            hidden: false,
            purpose: None,
            prefix: None,
            suffix: None,
            initial_idx: 0,
        }
    }

    /// Create a new citation item with a locator for the given entry.
    pub fn with_locator(entry: &'a T, locator: Option<SpecificLocator<'a>>) -> Self {
        Self {
            entry,
            locator,
            locale: None,
            hidden: false,
            purpose: None,
            prefix: None,
            suffix: None,
            initial_idx: 0,
        }
    }

    /// Create a new citation with all fields set.
    pub fn new(
        entry: &'a T,
        locator: Option<SpecificLocator<'a>>,
        locale: Option<LocaleCode>,
        hidden: bool,
        purpose: Option<CitePurpose>,
    ) -> Self {
        Self {
            entry,
            locator,
            locale,
            hidden,
            purpose,
            prefix: None,
            suffix: None,
            initial_idx: 0,
        }
    }

    /// Set the text printed before and after this item inside the citation
    /// (the cite's prefix and suffix; CSL-JSON rich text).
    pub fn with_affixes(mut self, prefix: Option<&'a str>, suffix: Option<&'a str>) -> Self {
        self.prefix = prefix;
        self.suffix = suffix;
        self
    }

    /// Change the `kind` of this item.
    pub fn kind(mut self, purpose: CitePurpose) -> Self {
        self.purpose = Some(purpose);
        self
    }
}

impl<'a> StyleContext<'a> {
    /// Retrieve a macro.
    fn get_macro(&self, name: &str) -> Option<&'a CslMacro> {
        self.csl.macros.iter().find(|m| m.name == name)
    }

    /// Get the locale for the given language in the style.
    fn lookup_locale<F, R>(&self, mut f: F) -> Option<R>
    where
        F: FnMut(&'a Locale) -> Option<R>,
    {
        let mut lookup = |file: &'a [Locale], lang: Option<&LocaleCode>| {
            #[allow(clippy::redundant_closure)]
            file.iter().find(|l| l.lang.as_ref() == lang).and_then(|l| f(l))
        };

        let locale = self.locale();
        let en_us = LocaleCode::en_us();

        for (i, resource) in [self.csl.locale.as_slice(), self.locale_files]
            .into_iter()
            .enumerate()
        {
            let fallback = if i == 0 {
                locale.parse_base().and_then(|base| match base {
                    BaseLanguage::Iso639_1(lang) => {
                        Some(LocaleCode(String::from_utf8(lang.to_vec()).ok()?))
                    }
                    BaseLanguage::Iana(lang) => Some(LocaleCode(lang)),
                    _ => None,
                })
            } else {
                locale.fallback()
            };

            if let Some(output) = lookup(resource, Some(&locale)) {
                return Some(output);
            }

            if fallback.is_some()
                && let Some(output) = lookup(resource, fallback.as_ref())
            {
                return Some(output);
            }

            if i == 0 {
                if let Some(output) = lookup(resource, None) {
                    return Some(output);
                }
            } else if let Some(output) = lookup(resource, Some(&en_us)) {
                return Some(output);
            }
        }

        None
    }

    /// Check whether to do punctuation in quotes.
    fn punctuation_in_quotes(&self) -> bool {
        self.lookup_locale(|f| f.style_options?.punctuation_in_quote)
            .unwrap_or_default()
    }
}

/// This struct contains all information needed to render a single entry. It
/// contains buffers and is mutable.
#[derive(Debug, Clone)]
pub(crate) struct WritingContext {
    // Dynamic settings that change while rendering.
    /// Whether to watch out for punctuation that should be pulled inside the
    /// preceding quoted content.
    pull_punctuation: bool,
    /// Prefixes whose punctuation moved into the quotes before them: the
    /// depth of the element the prefix opened and the punctuation moved.
    pulled_prefixes: Vec<(usize, String)>,
    /// citris patch 63: the last thing written was a delimiter.
    after_delimiter: bool,
    /// Whether we should be using inner quotes.
    inner_quotes: bool,
    /// Whether to strip periods.
    strip_periods: bool,
    /// Whether to add queried variables to the suppression list.
    suppress_queried_variables: bool,
    /// Suppressed variables that must not be rendered.
    suppressed_variables: RefCell<Vec<Variable>>,
    /// Whether this render has checked for `disambiguate` in `cs:choose`.
    checked_disambiguate: bool,
    /// citris patch 23: bumped whenever a variable is added to
    /// `suppressed_variables`, so [`InfoMemo`] knows its answers are stale.
    suppress_generation: std::cell::Cell<u64>,
    /// citris patch 23: answers of `will_have_info` for this render.
    info_memo: RefCell<InfoMemo>,
    /// Check whether this is the first date.
    first_date: bool,
    /// citris patch 34: whether the cite or entry has output before the
    /// current element (affixes aside): a term with none before it is
    /// capitalised (citeproc-js's `term_predecessor`).
    term_predecessor: bool,
    /// The disambiguation-relevant properties of the first `cs:name` element.
    /// This is `None` if no `cs:name` elements were rendered.
    first_name: Option<NameDisambiguationProperties>,

    // Inheritable settings.
    /// A stack of formatting. Always contains the format of the root layout
    /// element at the bottom. Each element with a formatting may push and, if
    /// it did push, must remove. Its formatting shall apply for it and its
    /// children.
    format_stack: NonEmptyStack<Formatting>,
    /// Text cases.
    cases: NonEmptyStack<Option<TextCase>>,
    /// Inheritable name options.
    name_options: NonEmptyStack<InheritableNameOptions>,
    /// Delimiters from ancestor delimiting elements (e.g., `cs:group`).
    /// To be applied within `cs:choose`, but not another delimiting element or a macro.
    delimiters: NonEmptyStack<Option<String>>,

    // Buffers.
    /// The buffer we're writing to. If block-level or formatting changes, we
    /// flush the buffer to the last [`Elem`] in the elem stack.
    buf: CaseFolder,
    /// A list of in-progress subtrees. Elements that are to be nested are
    /// pushed and then either popped or inserted at the end of their ancestor.
    elem_stack: NonEmptyStack<ElemChildren>,
}

impl Default for WritingContext {
    fn default() -> Self {
        Self {
            pull_punctuation: false,
            pulled_prefixes: Vec::new(),
            after_delimiter: false,
            inner_quotes: false,
            strip_periods: false,
            suppress_queried_variables: false,
            suppressed_variables: RefCell::new(Vec::new()),
            checked_disambiguate: false,
            suppress_generation: std::cell::Cell::new(0),
            info_memo: RefCell::new(InfoMemo::default()),
            first_date: true,
            term_predecessor: false,
            first_name: None,
            format_stack: NonEmptyStack::default(),
            cases: NonEmptyStack::default(),
            name_options: NonEmptyStack::default(),
            delimiters: NonEmptyStack::default(),
            buf: CaseFolder::default(),
            elem_stack: NonEmptyStack::default(),
        }
    }
}

impl WritingContext {
    fn new(options: InheritableNameOptions) -> Self {
        Self {
            name_options: NonEmptyStack::new(options),
            ..Self::default()
        }
    }

    /// Retrieve the current formatting.
    fn formatting(&self) -> &Formatting {
        self.format_stack.last()
    }

    /// Push a format on top of the stack if it is not empty.
    fn push_format(&mut self, format: citationberg::Formatting) -> FormatIdx {
        if format.is_empty() {
            return FormatIdx(self.format_stack.len());
        }

        self.save_to_block();
        let pos = self.format_stack.len();
        self.format_stack.push(self.formatting().apply(format));
        FormatIdx(pos)
    }

    /// Pop a format from the stack if it is not empty.
    fn pop_format(&mut self, pos: FormatIdx) {
        if pos.0 == self.format_stack.len() {
            return;
        }

        self.save_to_block();
        self.format_stack.drain(pos.0).for_each(drop);
    }

    /// Saves the current buffer to the last element in the finished list. This
    /// must happen if [`Display`] or formatting changes, as well as when we're
    /// done with an element.
    fn save_to_block(&mut self) {
        if self.buf.is_empty() {
            return;
        }

        let format = *self.formatting();

        // Append to last child if formats match.
        if let Some(child) = self.elem_stack.last_mut().0.last_mut()
            && let ElemChild::Text(child) = child
            && format == child.formatting
        {
            child.text.push_str(&mem::take(&mut self.buf).finish());
            return;
        }

        let formatted = format.add_text(mem::take(&mut self.buf).finish());
        self.elem_stack.last_mut().0.push(ElemChild::Text(formatted))
    }

    /// Like [`Self::save_to_block`], but the text case goes on across the
    /// break (citris patch 31: formatting from rich text inside one value).
    fn save_to_block_continuing(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let format = *self.formatting();
        let text = self.buf.take_continuing();
        if let Some(ElemChild::Text(child)) = self.elem_stack.last_mut().0.last_mut()
            && format == child.formatting
        {
            child.text.push_str(&text);
            return;
        }
        self.elem_stack.last_mut().0.push(ElemChild::Text(format.add_text(text)))
    }

    /// Push a formatting from rich text (citris patch 31).
    fn push_inline_format(&mut self, format: Formatting) -> FormatIdx {
        self.save_to_block_continuing();
        let pos = self.format_stack.len();
        self.format_stack.push(format);
        FormatIdx(pos)
    }

    /// Pop a formatting from rich text (citris patch 31).
    fn pop_inline_format(&mut self, pos: FormatIdx) {
        self.save_to_block_continuing();
        self.format_stack.drain(pos.0).for_each(drop);
    }

    /// Add another subtree to the children element. This must be done to
    /// include a new element or to check that the subtree is empty.
    fn push_elem(&mut self, format: citationberg::Formatting) -> DisplayLoc {
        self.save_to_block();
        let pos = self.elem_stack.len();
        self.elem_stack.push(ElemChildren::new());
        DisplayLoc::new(pos, self.push_format(format))
    }

    /// Remove the last subtree and discard it.
    ///
    /// Will panic if the location does not match.
    fn discard_elem(&mut self, loc: DisplayLoc) {
        if self.elem_stack.len().get() != loc.0.get() + 1 {
            panic!("stack location does not match");
        }
        assert_eq!(
            self.elem_stack.len().get(),
            loc.0.get() + 1,
            "stack location does not match"
        );
        self.pop_format(loc.1);

        self.save_to_block();
        self.elem_stack.drain(loc.0).for_each(drop);
    }

    /// citris patch 61: the length of the text written into the current
    /// element so far (its first text child and the buffer), in bytes.
    fn pending_len(&mut self) -> usize {
        self.save_to_block();
        match self.elem_stack.last().0.first() {
            Some(ElemChild::Text(t)) => t.text.len(),
            _ => 0,
        }
    }

    fn has_content_since(&mut self, loc: &(DisplayLoc, usize)) -> bool {
        self.save_to_block();
        let children = self.elem_stack.last();
        let has_content = match children.0.first() {
            Some(ElemChild::Text(t)) if loc.1 < t.text.len() => {
                t.text[loc.1..].chars().any(|c| !c.is_whitespace())
            }
            Some(ElemChild::Text(_)) => false,
            Some(ElemChild::Elem(e)) => e.has_content(),
            Some(
                ElemChild::Markup(_)
                | ElemChild::Link { .. }
                | ElemChild::Transparent { .. },
            ) => true,
            None => false,
        };

        has_content || children.0.iter().skip(1).any(ElemChild::has_content)
    }

    /// Apply a prefix, but return a tuple that allows us to undo it if it
    /// wasn't followed by anything.
    fn apply_prefix(&mut self, affixes: &Affixes) -> (DisplayLoc, usize) {
        let pos = self.push_elem(citationberg::Formatting::default());
        if let Some(prefix) = &affixes.prefix {
            self.buf.push_str(prefix);
        };

        (pos, affixes.prefix.as_ref().map(|p| p.len()).unwrap_or_default())
    }

    /// Nest the last subtree into its ancestor. If the `display` argument is
    /// some, a new element child will be created there. Otherwise, we will
    /// append the children of the last subtree to the children of its ancestor.
    fn commit_elem(
        &mut self,
        loc: DisplayLoc,
        display: Option<Display>,
        meta: Option<ElemMeta>,
    ) {
        assert_eq!(
            self.elem_stack.len().get(),
            loc.0.get() + 1,
            "stack location does not match"
        );
        self.pop_format(loc.1);

        self.save_to_block();
        let children = self.elem_stack.pop().unwrap();

        if display.is_some() || meta.is_some() {
            self.elem_stack
                .last_mut()
                .0
                .push(Elem { children, display, meta }.into());
        } else {
            self.elem_stack.last_mut().0.extend(children.0);
        }
    }

    /// Push an item on the name options stack.
    pub fn push_name_options(&mut self, options: &InheritableNameOptions) {
        self.name_options.push(self.name_options.last().apply(options));
    }

    /// Pop an item from the name options stack.
    pub fn pop_name_options(&mut self) {
        self.name_options.pop();
    }

    /// Ensure that the buffer is either empty or the last character is a space.
    pub fn ensure_space(&mut self) {
        if !self.buf.is_empty() {
            if !self.buf.ends_with(' ') && !self.buf.ends_with('\u{a0}') {
                self.buf.push(' ');
            }
        } else if let Some(l) = self.elem_stack.last_mut().last_text_mut()
            && !l.text.ends_with(' ')
            && !l.text.ends_with('\u{a0}')
        {
            l.text.push(' ');
        }
    }

    /// Folds all remaining elements into the first element and returns it.
    fn flush(mut self) -> ElemChildren {
        self.save_to_block();

        assert_eq!(
            self.format_stack.len().get(),
            1,
            "formatting stack is not one but {}",
            self.format_stack.len()
        );

        self.elem_stack.finish()
    }

    /// Set whether to strip periods.
    fn may_strip_periods(&mut self, strip: bool) {
        self.strip_periods = strip;
    }

    /// Stop stripping periods.
    fn stop_stripping_periods(&mut self) {
        self.strip_periods = false;
    }

    /// Start suppressing the queried variables.
    fn start_suppressing_queried_variables(&mut self) {
        self.suppress_queried_variables = true;
    }

    /// Stop suppressing the queried variables.
    fn stop_suppressing_queried_variables(&mut self) {
        self.suppress_queried_variables = false;
    }

    /// Set the case of the next text.
    fn push_case(&mut self, case: Option<TextCase>) -> CaseIdx {
        let idx = self.cases.len();
        self.cases.push(case);
        CaseIdx(idx)
    }

    /// Clear the case of the next text.
    fn pop_case(&mut self, idx: CaseIdx) {
        if idx.0 == self.cases.len() {
            return;
        }

        self.cases.drain(idx.0).for_each(drop);
    }
    /// Reconfigures the case folder's case to the current
    fn reconfigure(&mut self) {
        self.buf
            .reconfigure((*self.cases.last()).map(Into::into).unwrap_or_default());
    }

    /// Set the delimiter of the children of a [`citationberg::Group`] or
    /// [`citationberg::Layout`]. It is inherited by [`citationberg::Choose`]
    /// for its children as well.
    fn push_delimiter(&mut self, delimiter: Option<String>) -> DelimiterIdx {
        let idx = self.delimiters.len();
        self.delimiters.push(delimiter);
        DelimiterIdx(idx)
    }
    /// Clear the delimiter after a [`citationberg::Group`] or
    /// [`citationberg::Layout`].
    fn pop_delimiter(&mut self, idx: DelimiterIdx) {
        if idx.0 == self.delimiters.len() {
            return;
        }

        self.delimiters.drain(idx.0).for_each(drop);
    }

    /// Push a new suppressed variable if we are suppressing queried variables.
    fn maybe_suppress(&self, variable: Variable) {
        if self.suppress_queried_variables {
            self.suppressed_variables.borrow_mut().push(variable);
            self.suppress_generation.set(self.suppress_generation.get() + 1);
        }
    }

    fn prepare_variable_query<V>(&self, variable: V) -> Option<Variable>
    where
        V: Into<Variable>,
    {
        let general: Variable = variable.into();
        if self.suppressed_variables.borrow().contains(&general) {
            return None;
        }

        self.maybe_suppress(general);
        Some(general)
    }

    /// Return the sum of the lengths of strings in the finished elements. This
    /// may not monotonically increase.
    fn len(&self) -> usize {
        self.buf.len()
            + self
                .elem_stack
                .iter()
                .flat_map(|e| e.0.iter().map(ElemChild::str_len))
                .sum::<usize>()
    }

    /// Write the [`NameDisambiguationProperties`] that the first `cs:name`
    /// element used. Do not change if this is not the first `cs:name` element.
    /// Returns whether this was the first `cs:name` element.
    fn first_name_properties<F>(&mut self, f: F) -> bool
    where
        F: FnOnce() -> NameDisambiguationProperties,
    {
        if self.first_name.is_none() {
            self.first_name = Some(f());
            true
        } else {
            false
        }
    }
}

pub(crate) struct Context<'a, T: EntryLike> {
    instance: InstanceContext<'a, T>,
    style: &'a StyleContext<'a>,
    writing: WritingContext,
    bibliography: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct CiteProperties<'a> {
    pub certain: CertainCiteProperties,
    pub speculative: SpeculativeCiteProperties<'a>,
}

impl<'a> CiteProperties<'a> {
    fn for_sorting(locator: Option<SpecificLocator<'a>>, citation_number: usize) -> Self {
        Self {
            certain: CertainCiteProperties::new(),
            speculative: SpeculativeCiteProperties::speculate(
                locator,
                citation_number,
                IbidState::Different,
            ),
        }
    }
}

/// Item properties that can be determined before the first render of a
/// citation or bibliography entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct CertainCiteProperties {
    /// The number of the footnote this citation appears in.
    ///
    /// We can determine this because it depends on citation order only. May be
    /// none if the current style is in-text.
    pub note_number: Option<usize>,
    /// The number of the first footnote this citation appears in.
    pub first_note_number: Option<usize>,
    /// Whether the item is within `near-note-distance` to the previous citation
    /// of the same item.
    pub is_near_note: bool,
    /// Whether this citation is the first citation of the entry.
    ///
    /// Only depends on insertion order. The entry cannot be switched with
    /// itself during cite grouping.
    pub is_first: bool,
    /// The index of the item in the original citation request.
    pub initial_idx: usize,
    /// Whether the cite comes first in its citation (after sorting; cite
    /// grouping never moves the first cite). citris patch 34.
    pub leads_citation: bool,
}

impl CertainCiteProperties {
    fn new() -> Self {
        Self::default()
    }
}

/// Item properties that can only be determined after one or multiple renders.
/// These require validation.
#[derive(Debug, Clone, PartialEq)]
struct SpeculativeCiteProperties<'a> {
    /// Locator with its type.
    ///
    /// This will be none during the first render because it would interfere
    /// with disambiguation otherwise.
    pub locator: Option<SpecificLocator<'a>>,
    /// The position the item appears at in the bibliography.
    ///
    /// We can determine this using bibliography sort and cite order once we
    /// have seen all cites.
    pub citation_number: usize,
    /// Whether this citation is exactly the same as the previous citation.
    ///
    /// Although cite ordering is well-defined, grouping occurs only after the
    /// first render and can change the order.
    pub ibid: IbidState,
    /// Whether this citation is a disambiguation.
    ///
    /// Is always false for the first set of renders. Only the rendered entries
    /// allow us to determine if we need to disambiguate.
    pub disambiguation: DisambiguateState,
    /// Whether this citation includes an identifier.
    pub identifier_usage: IdentifierUsage,
}

impl<'a> SpeculativeCiteProperties<'a> {
    /// We can guess about the [`IbidState`] under the assumption that neither
    /// this item nor its predecessors will be subject to cite grouping.
    fn speculate(
        locator: Option<SpecificLocator<'a>>,
        citation_number: usize,
        ibid: IbidState,
    ) -> Self {
        Self {
            locator,
            citation_number,
            ibid,
            disambiguation: DisambiguateState::default(),
            identifier_usage: IdentifierUsage::default(),
        }
    }

    /// Get the speculative cite properties for a bibliography entry.
    fn for_bibliography(&self) -> Self {
        Self {
            locator: None,
            citation_number: self.citation_number,
            ibid: self.ibid,
            disambiguation: self.disambiguation.clone(),
            identifier_usage: self.identifier_usage,
        }
    }
}

/// Which type of citation label was used when this entry was cited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum IdentifierUsage {
    /// No label was used.
    #[default]
    None,
    /// Only the alphanumeric citation label was used.
    OnlyCitationLabel,
    /// Only the citation number was used.
    OnlyCitationNumber,
    /// Both the alphanumeric citation label and the citation number were used.
    Mixed,
}

impl IdentifierUsage {
    /// Return the identifier usage given that a label was used.
    fn label(self) -> Self {
        match self {
            Self::None | Self::OnlyCitationLabel => Self::OnlyCitationLabel,
            Self::OnlyCitationNumber | Self::Mixed => Self::Mixed,
        }
    }

    /// Return the identifier usage given that a number was used.
    fn number(self) -> Self {
        match self {
            Self::None | Self::OnlyCitationNumber => Self::OnlyCitationNumber,
            Self::OnlyCitationLabel | Self::Mixed => Self::Mixed,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum DisambiguateState {
    #[default]
    None,
    NameDisambiguation(NameDisambiguationProperties),
    Choose,
    YearSuffix(u8),
}

impl DisambiguateState {
    /// Name disambiguation can be iterated upon, so we can stay here.
    fn may_disambiguate_names(&self) -> bool {
        matches!(self, Self::None | Self::NameDisambiguation(_))
    }

    /// We can only disambiguate with choose once.
    fn may_disambiguate_with_choose(&self) -> bool {
        matches!(self, Self::None | Self::NameDisambiguation(_))
    }

    /// We can only disambiguate with year suffix once.
    fn may_disambiguate_with_year_suffix(&self) -> bool {
        matches!(self, Self::None | Self::NameDisambiguation(_) | Self::Choose)
    }

    /// Return the more advanced disambiguation state between the two.
    fn max(self, other: Self) -> Self {
        match (self, other) {
            (Self::None, other) => other,
            (self_, Self::None) => self_,
            (Self::NameDisambiguation(a), Self::NameDisambiguation(b)) => {
                Self::NameDisambiguation(a.max(b))
            }
            (Self::NameDisambiguation(_), other) => other,
            (self_, Self::NameDisambiguation(_)) => self_,
            (Self::Choose, other) => other,
            (self_, Self::Choose) => self_,
            (Self::YearSuffix(a), Self::YearSuffix(b)) => Self::YearSuffix(a.max(b)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IbidState {
    /// The previous cite referenced another entry, or this cite has no locator
    /// when the previous one did.
    Different,
    /// The previous cite referenced the same entry, but with a different
    /// locator.
    IbidWithLocator,
    /// The previous cite referenced the same entry with the same locator.
    Ibid,
}

impl IbidState {
    fn with_last<T>(this: &CitationItem<T>, last: Option<&CitationItem<T>>) -> Self
    where
        T: EntryLike + PartialEq,
    {
        if let Some(last) = last {
            if last.entry == this.entry && !last.hidden {
                if last.locator == this.locator {
                    IbidState::Ibid
                } else if this.locator.is_none() {
                    // Per CSL spec: "Preceding cite does have a locator: (...)
                    // If the current cite lacks a locator its only position is
                    // 'subsequent'."
                    IbidState::Different
                } else {
                    // - Both have locators, but they differ
                    // - Previous one has no locator, this one does
                    IbidState::IbidWithLocator
                }
            } else {
                IbidState::Different
            }
        } else {
            IbidState::Different
        }
    }
}

/// This struct allows to add context to where the information in a cite is
/// found in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecificLocator<'a>(pub Locator, pub LocatorPayload<'a>);

/// The type of content a `cs:text` element should yield for a locator.
#[derive(Debug, Clone, PartialEq)]
pub enum LocatorPayload<'a> {
    /// Just print the string.
    Str(&'a str),
    /// An element with the original index of the locator will be yielded. The
    /// consumer can then recognize this and replace it with their own content.
    Transparent(TransparentLocator),
}

/// Wraps an object that is used to determine whether two locators are the same.
#[derive(Clone)]
pub struct TransparentLocator(Arc<dyn TransparentLocatorPayload>);

impl TransparentLocator {
    /// Creates a new [`TransparentLocator`] which wraps the given payload.
    ///
    /// citris patch 25: the payload is `Send + Sync`, so that renders can run
    /// on several threads.
    pub fn new<T: PartialEq + Send + Sync + 'static>(payload: T) -> Self {
        Self(Arc::new(payload))
    }
}

impl std::fmt::Debug for TransparentLocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TransparentLocator").finish_non_exhaustive()
    }
}

impl PartialEq for TransparentLocator {
    fn eq(&self, other: &Self) -> bool {
        TransparentLocatorPayload::dyn_eq(self.0.as_ref(), other.0.as_ref())
    }
}

trait TransparentLocatorPayload: Any + Send + Sync {
    fn dyn_eq(&self, other: &dyn TransparentLocatorPayload) -> bool;
}

impl<T: PartialEq + Send + Sync + 'static> TransparentLocatorPayload for T {
    fn dyn_eq(&self, other: &dyn TransparentLocatorPayload) -> bool {
        Some(self) == (other as &dyn Any).downcast_ref::<Self>()
    }
}

impl<'a, T: EntryLike> Context<'a, T> {
    /// Push a format on top of the stack if it is not empty.
    fn push_format(&mut self, format: citationberg::Formatting) -> FormatIdx {
        self.writing.push_format(format)
    }

    /// Pop a format from the stack if it is not empty.
    fn pop_format(&mut self, pos: FormatIdx) {
        self.writing.pop_format(pos)
    }

    /// Add another subtree to the children element. This must be done to
    /// include a new element or to check that the subtree is empty.
    fn push_elem(&mut self, format: citationberg::Formatting) -> DisplayLoc {
        self.writing.push_elem(format)
    }

    /// Remove the last subtree and discard it.
    ///
    /// Will panic if the location does not match.
    fn discard_elem(&mut self, loc: DisplayLoc) {
        let depth = loc.0.get();
        let pulled = self
            .writing
            .pulled_prefixes
            .iter()
            .position(|(d, _)| *d == depth)
            .map(|i| self.writing.pulled_prefixes.remove(i));
        self.writing.discard_elem(loc);
        if let Some((_, moved)) = pulled {
            self.unpull_punctuation(&moved);
        }
    }

    /// Nest the last subtree into its ancestor. If the `display` argument is
    /// some, a new element child will be created there. Otherwise, we will
    /// append the children of the last subtree to the children of its ancestor.
    fn commit_elem(
        &mut self,
        loc: DisplayLoc,
        display: Option<Display>,
        meta: Option<ElemMeta>,
    ) {
        let depth = loc.0.get();
        self.writing.pulled_prefixes.retain(|(d, _)| *d < depth);
        self.writing.commit_elem(loc, display, meta)
    }

    /// Ensure that the buffer is either empty or the last character is a space.
    pub fn ensure_space(&mut self) {
        self.writing.ensure_space()
    }

    /// Add the appropriate opening quotation marks.
    fn push_quotes(&mut self) {
        // citris patch 8: sort keys are compared without quotation marks, as
        // citeproc-js does (`“A Chapter.”` sorted before every unquoted
        // title: the collator puts punctuation before letters).
        if self.instance.sorting.is_some() {
            self.writing.inner_quotes = !self.writing.inner_quotes;
            return;
        }
        let mark = self.term(
            if self.writing.inner_quotes {
                OtherTerm::OpenInnerQuote
            } else {
                OtherTerm::OpenQuote
            }
            .into(),
            TermForm::default(),
            false,
        );

        if let Some(mark) = mark {
            self.push_str(mark);
        }

        self.writing.inner_quotes = !self.writing.inner_quotes;
    }

    /// Add the appropriate closing quotation marks.
    fn pop_quotes(&mut self) {
        self.writing.inner_quotes = !self.writing.inner_quotes;
        if self.instance.sorting.is_some() {
            return;
        }

        let mark = self.term(
            if self.writing.inner_quotes {
                OtherTerm::CloseInnerQuote
            } else {
                OtherTerm::CloseQuote
            }
            .into(),
            TermForm::default(),
            false,
        );

        if let Some(mark) = mark {
            self.push_str(mark);
        }
    }

    /// Pull punctuation into a quote if applicable
    fn do_pull_punctuation<'s>(&mut self, mut s: &'s str) -> &'s str {
        if self.writing.pull_punctuation && s.starts_with(['.', ',', ';', '!', '?']) {
            let close_quote =
                self.term(OtherTerm::CloseQuote.into(), TermForm::default(), false);
            let close_inner_quote =
                self.term(OtherTerm::CloseInnerQuote.into(), TermForm::default(), false);

            let mut used_buf = false;
            let buf = if self.writing.buf.is_empty() {
                self.writing
                    .elem_stack
                    .last_mut_predicate(|p| !p.is_empty())
                    .and_then(|p| p.0.last_mut())
                    .and_then(get_last_text)
                    .unwrap_or_else(|| {
                        used_buf = true;
                        self.writing.buf.as_string_mut()
                    })
            } else {
                used_buf = true;
                self.writing.buf.as_string_mut()
            };

            for quote in [close_quote, close_inner_quote].iter().flatten() {
                // Check if buf ends with a close quote.
                // If it does, replace it with the punctuation.
                if let Some(head) = buf.strip_suffix(quote) {
                    buf.truncate(head.len());

                    let punctuation = s.chars().next().unwrap();
                    s = &s[punctuation.len_utf8()..];
                    buf.push(punctuation);
                    buf.push_str(quote);

                    if used_buf {
                        self.writing.buf.mark_changed();
                    }

                    break;
                }
            }
        }

        s
    }

    /// Add a string to the buffer.
    fn push_str(&mut self, s: &str) {
        // citris patch 14: an empty string changes nothing; it used to end
        // the moving of punctuation into the quotes before it, so an empty
        // element between a quoted title and the next delimiter or affix
        // left `“Formica”. Available` (citeproc-js: `“Formica.” Available`).
        if s.is_empty() {
            return;
        }
        let s = self.drop_period_after_quoted_period(s);
        let s = self.do_pull_punctuation(s);

        self.writing.reconfigure();

        fn last_buffer(ctx: &mut WritingContext) -> Option<&mut String> {
            let last = ctx
                .elem_stack
                .last_mut_predicate(|s| !s.is_empty())
                .and_then(|e| e.last_text_mut());
            if !ctx.buf.is_empty() {
                Some(ctx.buf.as_string_mut())
            } else if let Some(last) = last {
                Some(&mut last.text)
            } else {
                None
            }
        }

        let ends_with_space = last_buffer(&mut self.writing)
            .is_some_and(|s| s.chars().next_back().is_some_and(|c| c.is_whitespace()));

        // Punctuation eats spaces. Whitespace should be trimmed.
        if ends_with_space
            && s.chars().next().is_some_and(|c| {
                c.is_whitespace() || c == '.' || c == ',' || c == ']' || c == ')'
            })
            && let Some(buf) = last_buffer(&mut self.writing)
        {
            buf.truncate(buf.trim_end().len());
        }

        // citris patch 40: punctuation that meets punctuation is merged as
        // citeproc-js merges it (`ed.` + `.)` → `ed.)`, `Why?` + `. ` →
        // `Why? `, `colon:` + `!` → `colon!`).
        let mut s = s;
        if let Some(first) = s.chars().next().filter(|c| ".:;!?,".contains(*c)) {
            let in_buf = !self.writing.buf.is_empty();
            // After names (which the subsequent-author-substitute may
            // replace), the mark is kept and a doubled one is taken from the
            // names instead: `Jr.` + `.` → `Jr` + `.`, so `———.` keeps it.
            let after_names = !in_buf
                && self
                    .writing
                    .elem_stack
                    .last_mut_predicate(|s| !s.is_empty())
                    .is_some_and(|c| ends_in_names(c));
            if let Some(buf) = last_buffer(&mut self.writing)
                && let Some(prev) = buf.chars().next_back()
            {
                let merge = match merge_punctuation(prev, first) {
                    PunctuationMerge::First if after_names && prev == first => {
                        PunctuationMerge::Second
                    }
                    merge => merge,
                };
                match merge {
                    PunctuationMerge::Both => {}
                    PunctuationMerge::First => s = &s[first.len_utf8()..],
                    PunctuationMerge::Second => {
                        buf.pop();
                        if in_buf {
                            self.writing.buf.mark_changed();
                        }
                    }
                }
            }
        }

        // Do not print duplicate affixes. (citris patch 84: outside sort
        // keys digits are text, not affixes: a page `1-14` after the
        // citation number `1` took the number away, RSC printed `1–14.`.
        // Sort keys keep the old rule, which their order depends on.)
        if s.chars().all(|c| {
            !c.is_alphabetic() && (self.instance.sorting.is_some() || !c.is_numeric())
        }) {
            let trimmed = s.trim_end();
            if let Some(last) = last_buffer(&mut self.writing)
                && let Some(strip) = last.strip_suffix(trimmed)
            {
                last.truncate(strip.len());
            }
        }

        if self.writing.strip_periods {
            // citris patch 76: as citeproc-js strips periods
            // (`replace(/\.([^a-z]|$)/g, "$1")`): a period goes unless a
            // lower-case letter follows it, and the character after a
            // removed period is not looked at again (`A.B. c.d.` → `AB c.d`,
            // `Merriam-Webster.com` stays). Every period but the second of
            // a pair went before (`Webstercom`).
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '.' && !chars.peek().is_some_and(|n| n.is_ascii_lowercase()) {
                    if let Some(n) = chars.next() {
                        self.writing.buf.push(n);
                    }
                    continue;
                }
                self.writing.buf.push(c);
            }
        } else {
            self.writing.buf.push_str(s);
        }

        self.writing.pull_punctuation = false;
        self.writing.term_predecessor = true;
        self.writing.after_delimiter = false;
    }

    /// citris patch 61: the last text before a delimiter about to be
    /// pushed, and whether punctuation would move into quotes, so that
    /// [`Self::restore_before_delimiter`] can take the delimiter back.
    fn snapshot_before_delimiter(&mut self) -> DelimiterUndo {
        self.writing.save_to_block();
        let text = self
            .writing
            .elem_stack
            .last_mut_predicate(|p| !p.is_empty())
            .and_then(|p| p.last_text_mut())
            .map(|t| t.text.clone());
        DelimiterUndo {
            text,
            pull_punctuation: self.writing.pull_punctuation,
            after_delimiter: self.writing.after_delimiter,
        }
    }

    /// citris patch 61: undo a delimiter's effect on the text before it
    /// (after its element was discarded).
    fn restore_before_delimiter(&mut self, undo: DelimiterUndo) {
        self.writing.save_to_block();
        if let Some(text) = undo.text
            && let Some(last) = self
                .writing
                .elem_stack
                .last_mut_predicate(|p| !p.is_empty())
                .and_then(|p| p.last_text_mut())
        {
            last.text = text;
        }
        self.writing.pull_punctuation = undo.pull_punctuation;
        self.writing.after_delimiter = undo.after_delimiter;
    }

    /// citris patch 68: a period that would follow closing quotes which
    /// already end with `.`, `?` or `!` is dropped where the locale puts
    /// punctuation in quotes: it would move inside and merge with that mark
    /// (citeproc-js: `“Citation Style Language.” 2020`, where the title's
    /// suffix `.` was moved in and the group delimiter `. ` follows).
    ///
    /// citris patch 70: likewise a comma after quotes that end with a comma
    /// (Frontiers' `“A chapter,”, in`: the title's suffix `,` moved in, then
    /// the delimiter `, `); after `.”` citeproc-js keeps `.,”`, so does this.
    fn drop_period_after_quoted_period<'s>(&mut self, s: &'s str) -> &'s str {
        let Some(mark) = s.chars().next().filter(|c| matches!(c, '.' | ',')) else {
            return s;
        };
        if s[1..].starts_with(mark) {
            return s;
        }
        // The cheap test first: the text must end with a mark and one more
        // character that is not a letter, digit or space.
        let ends = |t: &str| {
            let mut cs = t.chars().rev();
            let (Some(q), Some(p)) = (cs.next(), cs.next()) else { return false };
            !q.is_alphanumeric()
                && !q.is_whitespace()
                && if mark == '.' { matches!(p, '.' | '?' | '!') } else { p == ',' }
        };
        let cheap = if !self.writing.buf.is_empty() {
            ends(self.writing.buf.as_string_mut())
        } else {
            self.writing
                .elem_stack
                .last_mut_predicate(|p| !p.is_empty())
                .and_then(|p| p.last_text_mut())
                .is_some_and(|t| ends(&t.text))
        };
        if !cheap || !self.style.punctuation_in_quotes() {
            return s;
        }
        let quotes = [OtherTerm::CloseQuote, OtherTerm::CloseInnerQuote]
            .map(|t| self.term(t.into(), TermForm::default(), false));
        let last = if !self.writing.buf.is_empty() {
            Some(self.writing.buf.as_string_mut().as_str())
        } else {
            self.writing
                .elem_stack
                .last_mut_predicate(|p| !p.is_empty())
                .and_then(|p| p.last_text_mut())
                .map(|t| t.text.as_str())
        };
        let Some(last) = last else { return s };
        let ends_with_period_in_quotes = quotes.iter().flatten().any(|q| {
            !q.is_empty()
                && last.strip_suffix(q).is_some_and(|head| {
                    if mark == '.' { head.ends_with(['.', '?', '!']) } else { head.ends_with(',') }
                })
        });
        if ends_with_period_in_quotes { &s[1..] } else { s }
    }

    /// citris patch 73: whether the text so far ends with a period inside
    /// closing quotes.
    fn ends_with_period_in_quotes(&mut self) -> bool {
        let quotes = [OtherTerm::CloseQuote, OtherTerm::CloseInnerQuote]
            .map(|t| self.term(t.into(), TermForm::default(), false));
        self.writing.save_to_block();
        let Some(last) = self
            .writing
            .elem_stack
            .last_mut_predicate(|p| !p.is_empty())
            .and_then(|p| p.last_text_mut())
        else {
            return false;
        };
        quotes.iter().flatten().any(|q| {
            !q.is_empty() && last.text.strip_suffix(q).is_some_and(|h| h.ends_with('.'))
        })
    }

    /// citris patch 63: the last character written so far (the buffer, else
    /// the last text of the innermost element that has any).
    fn last_char_written(&mut self) -> Option<char> {
        if !self.writing.buf.is_empty() {
            return self.writing.buf.as_string_mut().chars().next_back();
        }
        self.writing
            .elem_stack
            .last_mut_predicate(|p| !p.is_empty())
            .and_then(|p| p.last_text_mut())
            .and_then(|t| t.text.chars().next_back())
    }

    /// citris patch 63: a prefix's leading punctuation merges with the
    /// punctuation that ends the text before it, as citeproc-js merges a
    /// sibling's prefix into the suffix before it (`leftward`, then its
    /// `LtoR_MAP`): a prefix starting with `.` or `:` after `;`, `:`, `!` or
    /// `?` loses that character (`2021;` + `:1–14` → `2021;1–14`). Not
    /// after a delimiter (citeproc-js keeps BioMed Central's `2021;:1–14`,
    /// where `;` is the group's delimiter), and pairs citeproc-js keeps
    /// (`.,`, `,:`, `:;` …) are kept.
    fn merge_punctuation<'s>(&mut self, s: &'s str) -> &'s str {
        if self.writing.after_delimiter {
            return s;
        }
        let Some(next) = s.chars().next() else { return s };
        if !matches!(next, '.' | ':') {
            return s;
        }
        let merges = match self.last_char_written() {
            Some(';') => true,
            Some(':' | '!' | '?') => next == '.' || next == ':',
            _ => false,
        };
        // `:` after `:` is a duplicate affix, handled in `push_str`.
        if merges && !(next == ':' && self.last_char_written() == Some(':')) {
            &s[next.len_utf8()..]
        } else {
            s
        }
    }

    /// Push a term (`cs:text term`): capitalised when nothing comes before
    /// it in the cite or entry, except in the citations of an in-text style
    /// (citris patch 34, citeproc-js's `term_predecessor`: `Ibid.` at the
    /// start of a note).
    pub(crate) fn push_term(&mut self, term: &str) {
        let capitalize = !self.writing.term_predecessor
            && (self.bibliography || self.style.csl.settings.class != StyleClass::InText);
        let mut chars = term.chars();
        match chars.next() {
            Some(first) if capitalize && first.is_lowercase() => {
                let capitalized: String = first.to_uppercase().chain(chars).collect();
                self.push_str(&capitalized)
            }
            _ => self.push_str(term),
        }
    }

    /// Push a chunked string to the buffer.
    pub fn push_chunked(&mut self, chunked: &ChunkedString) {
        if self.instance.entry.rich_text()
            && chunked.0.iter().any(|c| {
                c.kind == ChunkKind::Normal && rich::may_have_markup(&c.value)
            })
        {
            return self.push_rich(chunked, false);
        }
        for chunk in &chunked.0 {
            match chunk.kind {
                ChunkKind::Normal => self.push_str(&chunk.value),
                ChunkKind::Verbatim => {
                    self.writing.buf.push_verbatim(&chunk.value);
                    self.writing.pull_punctuation = false;
                    self.writing.term_predecessor = true;
                }
                ChunkKind::Math => {
                    self.writing.buf.prevent_trimming();
                    self.writing.save_to_block();
                    self.writing
                        .elem_stack
                        .last_mut()
                        .0
                        .push(ElemChild::Markup(chunk.value.clone()));
                    self.writing.reconfigure();
                    self.writing.buf.prevent_trimming();
                }
            }
        }
    }

    /// Push a string value with CSL-JSON rich text: its markup becomes
    /// formatting flipped against the formatting around it, its quotes the
    /// locale's (inner quotes inside quotes), text in `nocase` spans (and in
    /// small caps, superscript and subscript) keeps its case (citris patch
    /// 31, see [`rich`]).
    ///
    /// `pull`: the first text may move punctuation into quotes before it (as
    /// an affix does).
    fn push_rich(&mut self, chunked: &ChunkedString, mut pull: bool) {
        use citationberg::{FontStyle, FontVariant, FontWeight, VerticalAlign};
        use rich::{Markup, Piece};

        // Open markup: its kind, the formatting it pushed, and for quotes
        // whether they are inner quotes and the quote state before them.
        let mut open: Vec<(Markup, Option<FormatIdx>, bool, bool)> = Vec::new();
        let mut verbatim = 0usize;
        let mut ends_in_quote = false;
        let keeps_case =
            |m: Markup| matches!(m, Markup::NoCase | Markup::SmallCaps | Markup::Sup | Markup::Sub);
        for chunk in &chunked.0 {
            if chunk.kind != ChunkKind::Normal {
                self.push_chunked(&ChunkedString(vec![chunk.clone()]));
                ends_in_quote = false;
                continue;
            }
            for piece in rich::parse(&chunk.value) {
                ends_in_quote = false;
                let first = std::mem::take(&mut pull);
                match piece {
                    Piece::Text(t) if verbatim > 0 => {
                        self.writing.reconfigure();
                        self.writing.buf.push_verbatim(&t);
                        self.writing.pull_punctuation = false;
                        self.writing.term_predecessor = true;
                    }
                    Piece::Text(t) => {
                        if !first {
                            self.writing.pull_punctuation = false;
                        }
                        self.push_str(&t);
                    }
                    Piece::Open(Markup::Quote(outer_form)) => {
                        self.writing.pull_punctuation = false;
                        // Inside quotes, the other kind; else the form given.
                        let enclosing = open
                            .iter()
                            .rev()
                            .find(|(m, ..)| matches!(m, Markup::Quote(_) | Markup::Curly(_)))
                            // Curly quotes printed double count as outer.
                            .map(|(m, _, inner, _)| match m {
                                Markup::Curly(_) => !*inner,
                                _ => *inner,
                            })
                            .or(self.writing.inner_quotes.then_some(false));
                        let inner = match enclosing {
                            Some(enclosing_inner) => !enclosing_inner,
                            None => !outer_form,
                        };
                        let before = self.writing.inner_quotes;
                        self.push_quote_mark(inner, true);
                        self.writing.inner_quotes = !inner;
                        open.push((Markup::Quote(outer_form), None, inner, before));
                    }
                    Piece::Open(Markup::Curly(double)) => {
                        self.writing.pull_punctuation = false;
                        // The mark the enclosing quotes opened with.
                        let enclosing = match open
                            .iter()
                            .rev()
                            .find(|(m, ..)| matches!(m, Markup::Quote(_) | Markup::Curly(_)))
                        {
                            Some((Markup::Curly(_), _, d, _)) => {
                                Some(if *d { "“" } else { "‘" }.to_string())
                            }
                            Some((_, _, inner, _)) => self.quote_mark(*inner, true),
                            None if self.writing.inner_quotes => self.quote_mark(false, true),
                            None => None,
                        };
                        let own = if double { "“" } else { "‘" };
                        let printed = double != (enclosing.as_deref() == Some(own));
                        let before = self.writing.inner_quotes;
                        if self.instance.sorting.is_none() {
                            self.push_str(if printed { "“" } else { "‘" });
                        }
                        self.writing.inner_quotes = printed;
                        open.push((Markup::Curly(double), None, printed, before));
                    }
                    Piece::Open(m) => {
                        let mut f = *self.writing.formatting();
                        match m {
                            Markup::Italic => {
                                f.font_style = if f.font_style == FontStyle::Italic {
                                    FontStyle::Normal
                                } else {
                                    FontStyle::Italic
                                }
                            }
                            Markup::Bold => {
                                f.font_weight = if f.font_weight == FontWeight::Bold {
                                    FontWeight::Normal
                                } else {
                                    FontWeight::Bold
                                }
                            }
                            Markup::SmallCaps => {
                                f.font_variant = if f.font_variant == FontVariant::SmallCaps
                                {
                                    FontVariant::Normal
                                } else {
                                    FontVariant::SmallCaps
                                }
                            }
                            Markup::Sup => f.vertical_align = VerticalAlign::Sup,
                            Markup::Sub => f.vertical_align = VerticalAlign::Sub,
                            Markup::NoDecor => {
                                f = Formatting {
                                    vertical_align: f.vertical_align,
                                    ..Formatting::default()
                                }
                            }
                            Markup::NoCase | Markup::Quote(_) | Markup::Curly(_) => {}
                        }
                        if keeps_case(m) {
                            verbatim += 1;
                        }
                        let idx = (m != Markup::NoCase)
                            .then(|| self.writing.push_inline_format(f));
                        open.push((m, idx, false, false));
                    }
                    Piece::Close(_) => {
                        if let Some(entry) = open.pop() {
                            ends_in_quote =
                                matches!(entry.0, Markup::Quote(_) | Markup::Curly(_));
                            self.close_rich(entry, &mut verbatim, keeps_case);
                        }
                    }
                }
            }
        }
        // The parser matches every pair, so nothing is left open; should it
        // be, it is closed here and the formatting stack stays balanced.
        while let Some(entry) = open.pop() {
            self.close_rich(entry, &mut verbatim, keeps_case);
        }
        if ends_in_quote {
            self.may_pull_punctuation();
        }
    }

    /// Close a piece of rich text markup opened in [`Self::push_rich`].
    fn close_rich(
        &mut self,
        (m, idx, inner, before): (rich::Markup, Option<FormatIdx>, bool, bool),
        verbatim: &mut usize,
        keeps_case: impl Fn(rich::Markup) -> bool,
    ) {
        if let rich::Markup::Quote(_) = m {
            self.push_quote_mark(inner, false);
            self.writing.inner_quotes = before;
        }
        // For curly quotes `inner` holds whether they were printed double.
        if let rich::Markup::Curly(_) = m {
            if self.instance.sorting.is_none() {
                self.push_str(if inner { "”" } else { "’" });
            }
            self.writing.inner_quotes = before;
        }
        if keeps_case(m) {
            *verbatim -= 1;
        }
        if let Some(idx) = idx {
            self.writing.pop_inline_format(idx);
        }
    }

    /// Push the locale's opening or closing (inner) quotation mark; nothing
    /// in sort keys (citris patch 8).
    fn push_quote_mark(&mut self, inner: bool, open: bool) {
        if self.instance.sorting.is_some() {
            return;
        }
        if let Some(mark) = self.quote_mark(inner, open) {
            self.push_str(&mark);
        }
    }

    /// The locale's opening or closing (inner) quotation mark.
    fn quote_mark(&self, inner: bool, open: bool) -> Option<String> {
        let term = match (inner, open) {
            (false, true) => OtherTerm::OpenQuote,
            (false, false) => OtherTerm::CloseQuote,
            (true, true) => OtherTerm::OpenInnerQuote,
            (true, false) => OtherTerm::CloseInnerQuote,
        };
        self.term(term.into(), TermForm::default(), false).map(str::to_string)
    }

    /// Push a link into the buffer.
    pub fn push_link(&mut self, chunked: &ChunkedString, url: String) {
        self.writing.term_predecessor = true;
        let format = *self.writing.formatting();
        self.writing.save_to_block();
        self.writing
            .elem_stack
            .last_mut()
            .0
            .push(ElemChild::Link { text: format.add_text(chunked.to_string()), url })
    }

    /// Push a transparent element child into the buffer.
    pub fn push_transparent(&mut self, idx: usize) {
        self.writing.term_predecessor = true;
        let format = *self.writing.formatting();
        self.writing.save_to_block();
        self.writing
            .elem_stack
            .last_mut()
            .0
            .push(ElemChild::Transparent { cite_idx: idx, format })
    }

    /// Folds all remaining elements into the first element and returns it.
    fn flush(self) -> ElemChildren {
        self.writing.flush()
    }

    /// Get a term from the style.
    fn term(&self, mut term: Term, form: TermForm, plural: bool) -> Option<&'a str> {
        if term == Term::NumberVariable(csl_taxonomy::NumberVariable::Locator)
            && let Some(locator) = &self.instance.cite_props.speculative.locator
        {
            term = locator.0.into();
        }

        let mut form = Some(form);
        while let Some(current_form) = form {
            if let Some(localization) = self.style.lookup_locale(|l| {
                let term = l.term(term, current_form)?;
                Some(if plural { term.multiple() } else { term.single() })
            }) {
                return localization;
            }

            form = current_form.fallback();
        }

        None
    }

    /// Get the gender of a term.
    fn gender(&self, term: Term) -> Option<GrammarGender> {
        if let Some(localization) =
            self.style.lookup_locale(|l| l.term(term, TermForm::default()))
        {
            localization.gender
        } else {
            None
        }
    }

    /// Get a localized date format.
    fn localized_date(&self, form: DateForm) -> Option<&'a citationberg::Date> {
        self.style
            .lookup_locale(|l| l.date.iter().find(|d| d.form == Some(form)))
    }

    /// Get the ordinal lookup object.
    fn ordinal_lookup(&self) -> OrdinalLookup<'a> {
        self.style
            .lookup_locale(|l| l.ordinals())
            .unwrap_or_else(OrdinalLookup::empty)
    }

    /// Pull the next punctuation character into the preceding quoted content
    /// if appropriate for the locale.
    fn may_pull_punctuation(&mut self) {
        self.writing.pull_punctuation |= self.style.punctuation_in_quotes();
    }

    /// Set whether to strip periods.
    fn may_strip_periods(&mut self, strip: bool) {
        self.writing.may_strip_periods(strip)
    }

    /// Stop stripping periods.
    fn stop_stripping_periods(&mut self) {
        self.writing.stop_stripping_periods()
    }

    /// Set the case of the next text.
    fn push_case(&mut self, case: Option<TextCase>) -> CaseIdx {
        if case.is_none_or(|c| c.is_language_independent())
            || self
                .instance
                .entry
                .is_english()
                .or_else(|| self.instance.locale.map(LocaleCode::is_english))
                .or_else(|| self.instance.term_locale.map(LocaleCode::is_english))
                .or_else(|| {
                    self.style.csl.default_locale.as_ref().map(LocaleCode::is_english)
                })
                .unwrap_or(true)
        {
            self.writing.push_case(case)
        } else {
            self.writing.push_case(None)
        }
    }

    /// Clear the case of the next text.
    fn pop_case(&mut self, idx: CaseIdx) {
        self.writing.pop_case(idx)
    }

    /// Resolve a number variable.
    ///
    /// Honors suppressions.
    fn resolve_number_variable(
        &self,
        variable: NumberVariable,
    ) -> Option<NumberVariableResult<'a>> {
        // Replace the citation label with citation number if necessary.
        if variable == NumberVariable::CitationNumber {
            if self.bibliography {
                if matches!(
                    *self.instance.identifier_usage.borrow(),
                    IdentifierUsage::OnlyCitationLabel
                ) {
                    return self
                        .instance
                        .resolve_standard_variable(
                            LongShortForm::default(),
                            StandardVariable::CitationLabel,
                        )
                        .map(|c| {
                            NumberVariableResult::Regular(MaybeTyped::String(
                                c.to_string(),
                            ))
                        });
                }
            } else {
                *self.instance.identifier_usage.borrow_mut() =
                    self.instance.identifier_usage.take().number();
            }
        }

        self.writing.prepare_variable_query(variable)?;

        self.instance.resolve_number_variable(variable)
    }

    fn resolve_page_variable(
        &self,
        variable: PageVariable,
    ) -> Option<PageVariableResult> {
        self.writing.prepare_variable_query(variable)?;
        self.instance.resolve_page_variable(variable)
    }

    fn resolve_number_or_page_variable(
        &self,
        variable: NumberOrPageVariable,
    ) -> Option<NumberOrPageVariableResult<'a>> {
        match variable {
            NumberOrPageVariable::Page(p) => {
                self.resolve_page_variable(p).map(NumberOrPageVariableResult::Page)
            }
            NumberOrPageVariable::Number(n) => self
                .resolve_number_variable(n)
                .map(NumberOrPageVariableResult::Number),
        }
    }

    /// Resolve a name variable.
    ///
    /// Honors suppressions.
    fn resolve_standard_variable(
        &self,
        form: LongShortForm,
        variable: csl_taxonomy::StandardVariable,
    ) -> Option<Cow<'a, ChunkedString>> {
        // Replace the citation label with citation number if necessary.
        if variable == StandardVariable::CitationLabel {
            if self.bibliography {
                if matches!(
                    *self.instance.identifier_usage.borrow(),
                    IdentifierUsage::OnlyCitationNumber
                ) {
                    return self
                        .instance
                        .resolve_number_variable(NumberVariable::CitationNumber)
                        .map(|n| match n {
                            NumberVariableResult::Regular(n) => {
                                Cow::Owned(ChunkedString::from(n.to_string()))
                            }
                            NumberVariableResult::Transparent(_) => {
                                panic!("unexpected transparent")
                            }
                        });
                }
            } else {
                *self.instance.identifier_usage.borrow_mut() =
                    self.instance.identifier_usage.take().label();
            }
        }

        self.writing.prepare_variable_query(variable)?;

        self.instance.resolve_standard_variable(form, variable)
    }

    /// Resolve a date variable.
    ///
    /// Honors suppressions.
    fn resolve_date_variable(
        &self,
        variable: csl_taxonomy::DateVariable,
    ) -> Option<Cow<'a, Date>> {
        self.writing.prepare_variable_query(variable)?;

        self.instance.entry.resolve_date_variable(variable)
    }

    /// A date given only as text (citris patch 26). Honors suppressions.
    fn resolve_date_literal(
        &self,
        variable: csl_taxonomy::DateVariable,
    ) -> Option<Cow<'a, str>> {
        if self.writing.suppressed_variables.borrow().contains(&variable.into()) {
            return None;
        }
        self.instance.entry.resolve_date_literal(variable)
    }

    /// Resolve the end of a date range (citris patch 16).
    fn resolve_date_range_end(
        &self,
        variable: csl_taxonomy::DateVariable,
    ) -> Option<Cow<'a, Date>> {
        self.instance.entry.resolve_date_range_end(variable)
    }

    /// Resolve a name variable.
    ///
    /// Honors suppressions.
    fn resolve_name_variable(
        &self,
        variable: csl_taxonomy::NameVariable,
    ) -> Vec<Cow<'a, Person>> {
        if self.writing.prepare_variable_query(variable).is_none() {
            return Vec::new();
        }

        self.instance.entry.resolve_name_variable(variable)
    }

    /// Apply a prefix, but return a tuple that allows us to undo it if it
    /// wasn't followed by anything.
    fn apply_prefix(&mut self, affixes: &Affixes) -> (DisplayLoc, usize) {
        // citris patch 14: a prefix that starts with punctuation moves into
        // the quotes it follows, as a delimiter or suffix does (citeproc-js:
        // `“Formica.” Available at:`, where `. ` is the prefix of the access
        // macro). Prefixes were written to the buffer directly. Should the
        // element stay empty, `discard_elem` puts the punctuation back.
        if self.writing.pull_punctuation
            && let Some(prefix) = affixes.prefix.as_deref()
            && prefix.starts_with(['.', ',', ';', '!', '?'])
        {
            let rest = self.do_pull_punctuation(prefix);
            if rest.len() < prefix.len() {
                let moved = prefix[..prefix.len() - rest.len()].to_string();
                self.writing.pull_punctuation = false;
                let pos = self.writing.push_elem(citationberg::Formatting::default());
                self.writing.buf.push_str(rest);
                let depth = pos.0.get();
                self.writing.pulled_prefixes.retain(|(d, _)| *d < depth);
                self.writing.pulled_prefixes.push((depth, moved));
                return (pos, rest.len());
            }
        }
        // citris patch 63: a prefix's leading punctuation merges with the
        // punctuation before it (see `merge_punctuation`); patch 68: a
        // period after quotes that end with one goes.
        if let Some(prefix) = affixes.prefix.as_deref().filter(|p| !p.is_empty()) {
            let rest = self.drop_period_after_quoted_period(prefix);
            let rest = self.merge_punctuation(rest);
            self.writing.after_delimiter = false;
            if rest.len() < prefix.len() {
                let merged = Affixes { prefix: Some(rest.to_string()), suffix: None };
                return self.writing.apply_prefix(&merged);
            }
        }
        self.writing.apply_prefix(affixes)
    }

    /// Take back punctuation a prefix moved into quotes (see `apply_prefix`).
    fn unpull_punctuation(&mut self, moved: &str) {
        let quotes: Vec<String> = [OtherTerm::CloseQuote, OtherTerm::CloseInnerQuote]
            .into_iter()
            .filter_map(|t| self.term(t.into(), TermForm::default(), false))
            .map(str::to_string)
            .collect();
        let buf = if !self.writing.buf.is_empty() {
            Some(self.writing.buf.as_string_mut())
        } else {
            self.writing
                .elem_stack
                .last_mut_predicate(|p| !p.is_empty())
                .and_then(|p| p.0.last_mut())
                .and_then(get_last_text)
        };
        if let Some(buf) = buf {
            for quote in &quotes {
                if let Some(head) = buf.strip_suffix(quote.as_str())
                    && let Some(head) = head.strip_suffix(moved)
                {
                    buf.truncate(head.len());
                    buf.push_str(quote);
                    break;
                }
            }
        }
        self.writing.pull_punctuation = true;
    }

    /// Apply a suffix, but only if the location was followed by something.
    /// Delete any prefix if not.
    fn apply_suffix(&mut self, affixes: &Affixes, loc: (DisplayLoc, usize)) {
        if !self.writing.has_content_since(&loc) {
            self.discard_elem(loc.0);
        } else {
            if let Some(suffix) = &affixes.suffix {
                // citris patch 77: only punctuation is not doubled
                // (citeproc-js merges a suffix that repeats the last
                // character only for `.,;:!?`): MLA's `(Wiley))` lost its
                // closing parenthesis.
                let do_suffix = if !suffix.starts_with(['.', ',', ';', ':', '!', '?']) {
                    true
                } else if !self.writing.buf.is_empty() {
                    !self.writing.buf.as_string_mut().ends_with(suffix.as_str())
                } else if let Some(l) = self.writing.elem_stack.last_mut().last_text() {
                    !l.text.ends_with(suffix)
                } else {
                    true
                };

                if do_suffix {
                    self.push_str(suffix);
                }
            }
            self.commit_elem(loc.0, None, None);
        }
    }

    /// Test whether this entry should disambiguate via `cs:choose`.
    fn should_disambiguate(&mut self) -> bool {
        self.writing.checked_disambiguate = true;
        self.instance.cite_props.speculative.disambiguation == DisambiguateState::Choose
    }

    /// Check whether this is the first date and set the first date flag.
    fn is_first_date(&mut self) -> bool {
        let res = self.writing.first_date;
        self.writing.first_date = false;
        res
    }

    /// Check whether this is the first date.
    fn peek_is_first_date(&self) -> bool {
        self.writing.first_date
    }

    /// Checks that neither the bibliography nor the citation layout render the
    /// year suffix.
    fn renders_year_suffix_implicitly(&mut self) -> bool {
        !self
            .style
            .csl
            .citation
            .layout
            .will_render(self, StandardVariable::YearSuffix.into())
            && !self.style.csl.bibliography.as_ref().is_some_and(|b| {
                b.layout.will_render(self, StandardVariable::YearSuffix.into())
            })
    }

    /// Set the [`SpecialForm`]
    fn set_special_form(&mut self, form: Option<SpecialForm>) {
        self.instance.kind = form;
    }
}

/// What pushing a delimiter changed before it (citris patch 61).
struct DelimiterUndo {
    text: Option<String>,
    pull_punctuation: bool,
    after_delimiter: bool,
}

#[must_use = "format stack must be popped"]
struct FormatIdx(NonZeroUsize);

#[must_use = "element stack must be popped"]
struct DisplayLoc(NonZeroUsize, FormatIdx);

impl DisplayLoc {
    fn new(pos: NonZeroUsize, format_idx: FormatIdx) -> Self {
        Self(pos, format_idx)
    }
}

#[must_use = "case stack must be popped"]
struct CaseIdx(NonZeroUsize);

#[must_use = "delimiter stack must be popped"]
struct DelimiterIdx(NonZeroUsize);

impl<T: EntryLike> Write for Context<'_, T> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// citris patch 23: what `will_have_info` of an element depends on besides
/// the element, the entry and the citation properties (which are fixed for a
/// [`Context`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InfoMemoState {
    suppress_generation: u64,
    kind: Option<SpecialForm>,
    ibid: IbidState,
    identifier_usage: IdentifierUsage,
    first_date: bool,
}

/// citris patch 23: memoised answers of `will_have_info`, keyed by the address
/// of the style element.
///
/// Every group, macro call and `cs:choose` asks `will_have_info` of its
/// children before rendering them, and each child asks again of its own
/// children, so one render walked a style's deeper macros once per level of
/// nesting: three quarters of the time to format APA. The answers are valid
/// while [`InfoMemoState`] stays the same; the memo empties when it changes.
#[derive(Debug, Clone, Default)]
struct InfoMemo {
    state: Option<InfoMemoState>,
    answers: HashMap<usize, (bool, UsageInfo), std::hash::BuildHasherDefault<PtrHasher>>,
}

/// Hashes an address (the only key of [`InfoMemo`]): a multiply, no SipHash.
#[derive(Clone, Default)]
struct PtrHasher(u64);

impl std::hash::Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

impl<T: EntryLike> Context<'_, T> {
    fn info_memo_state(&self) -> InfoMemoState {
        InfoMemoState {
            suppress_generation: self.writing.suppress_generation.get(),
            kind: self.instance.kind,
            ibid: self.instance.cite_props.speculative.ibid,
            identifier_usage: *self.instance.identifier_usage.borrow(),
            first_date: self.writing.first_date,
        }
    }

    /// `will_have_info` of the element at `key`, from the memo or by
    /// `compute`. Not memoised while queried variables are being suppressed
    /// (inside `cs:substitute`), where a lookup changes what is suppressed.
    fn memo_info(
        &mut self,
        key: usize,
        compute: impl FnOnce(&mut Self) -> (bool, UsageInfo),
    ) -> (bool, UsageInfo) {
        if self.writing.suppress_queried_variables {
            return compute(self);
        }
        let state = self.info_memo_state();
        {
            let mut memo = self.writing.info_memo.borrow_mut();
            if memo.state != Some(state) {
                memo.state = Some(state);
                memo.answers.clear();
            } else if let Some(&answer) = memo.answers.get(&key) {
                return answer;
            }
        }
        let answer = compute(self);
        // Store only what was computed in the state it is valid for (a lookup
        // of the citation number, for one, records that it was used).
        if self.info_memo_state() == state {
            let mut memo = self.writing.info_memo.borrow_mut();
            if memo.state == Some(state) {
                if memo.answers.capacity() == 0 {
                    memo.answers.reserve(160);
                }
                memo.answers.insert(key, answer);
            }
        }
        answer
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct UsageInfo {
    has_vars: bool,
    has_non_empty_vars: bool,
    has_used_macros: bool,
    has_non_empty_group: bool,
}

impl UsageInfo {
    /// Merge usage info with the info of a child.
    fn merge_child(self, child: Self) -> Self {
        Self {
            has_vars: self.has_vars || child.has_vars,
            has_non_empty_vars: self.has_non_empty_vars || child.has_non_empty_vars,
            has_used_macros: self.has_used_macros || child.has_used_macros,
            has_non_empty_group: self.has_non_empty_group || child.has_non_empty_group,
        }
    }

    /// Whether a group with this usage info should be rendered.
    fn should_render_group(&self) -> bool {
        !self.has_vars
            || (self.has_non_empty_vars
                || self.has_used_macros
                || self.has_non_empty_group)
    }
}

/// Describes the bracket preference of a citation style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Brackets {
    /// "(...)" Parentheses.
    Round,
    /// "[...]" Brackets.
    Square,
    /// No brackets.
    None,
}

impl Brackets {
    /// Get the according left bracket.
    pub fn left(&self) -> Option<char> {
        match self {
            Brackets::Round => Some('('),
            Brackets::Square => Some('['),
            Brackets::None => None,
        }
    }

    /// Get the according right bracket.
    pub fn right(&self) -> Option<char> {
        match self {
            Brackets::Round => Some(')'),
            Brackets::Square => Some(']'),
            Brackets::None => None,
        }
    }
}

/// Whether the last text of `children` is inside a `cs:names` element.
fn ends_in_names(children: &ElemChildren) -> bool {
    match children.0.last() {
        Some(ElemChild::Elem(e)) => {
            matches!(e.meta, Some(ElemMeta::Names(_))) || ends_in_names(&e.children)
        }
        _ => false,
    }
}

/// What is left when two punctuation marks meet (citris patch 40).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PunctuationMerge {
    /// Both are printed (`period.:`).
    Both,
    /// Only the first (`ed..` → `ed.`, `Why?.` → `Why?`).
    First,
    /// Only the second (`colon:!` → `colon!`).
    Second,
}

/// How citeproc-js merges the punctuation mark `next` printed right after
/// `prev`: the same mark once; a period or colon after `;`, `!` or `?` (and a
/// period after a colon) is dropped; `!` or `?` replaces a colon or
/// semicolon; other pairs stay (the CSL test suite's
/// `punctuation_FullMonty*` tables).
fn merge_punctuation(prev: char, next: char) -> PunctuationMerge {
    match (prev, next) {
        _ if prev == next => PunctuationMerge::First,
        (';' | '!' | '?', '.' | ':') | (':', '.') => PunctuationMerge::First,
        (':' | ';', '!' | '?') => PunctuationMerge::Second,
        _ => PunctuationMerge::Both,
    }
}

/// For what purpose to generate a citation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CitePurpose {
    /// The citation will only contain the name of the author.
    Author,
    /// The citation will only contain the year. Year Affixes will not be
    /// included.
    Year,
    /// The citation will equate to the bibliography entry of the item.
    Full,
    /// The citation will be well-suited for inclusion in prose.
    Prose,
}

/// A special citation form to use for the [`CitationItem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SpecialForm {
    /// Only output the author.
    VarOnly(Variable),
    /// Only print the first date.
    OnlyFirstDate,
    /// Only print the year suffix.
    OnlyYearSuffix,
    /// Output everything but the author.
    SuppressAuthor,
}

/// Recursively iterates over `child`. If we reach text, we return a mutable
/// reference to its content. If we reach an element with one child, we
/// recursively call the funtion with this child. Otherwise, we return [None].
fn get_last_text(child: &mut ElemChild) -> Option<&mut String> {
    match child {
        ElemChild::Text(formatted) => Some(&mut formatted.text),
        // citris patch 14: the last text of an element is that of its last
        // child, however many it has (only an element with one child was
        // looked into, so a quoted title at the end of a group kept the
        // punctuation that followed the group outside: `“Formica”.`).
        ElemChild::Elem(Elem { children, .. }) => {
            children.0.last_mut().and_then(get_last_text)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    use citationberg::LocaleFile;

    use super::*;
    use crate::{
        io::from_yaml_str,
        types::{Numeric, NumericValue},
    };

    #[test]
    fn test_csl() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
        let en_locale =
            fs::read_to_string(workspace.join("tests/data/locales-en-US.xml")).unwrap();
        let en_locale = LocaleFile::from_xml(&en_locale).unwrap();

        let yaml = fs::read_to_string(workspace.join("tests/data/basic.yml")).unwrap();
        let bib = from_yaml_str(&yaml).unwrap();
        let en_locale = [en_locale.into()];

        for style_thing in fs::read_dir(workspace.join("styles/")).unwrap().take(100) {
            let thing = style_thing.unwrap();
            if thing.file_type().unwrap().is_dir() {
                continue;
            }

            let path = thing.path();
            let extension = path.extension();
            if let Some(extension) = extension {
                if extension.to_str() != Some("csl") {
                    continue;
                }
            } else {
                continue;
            }

            println!("testing {path:?}");
            let style = fs::read_to_string(path).unwrap();
            let style = IndependentStyle::from_xml(&style).unwrap();
            let mut driver = BibliographyDriver::new();

            for n in (0..bib.len()).step_by(2) {
                let items = vec![
                    CitationItem::with_entry(bib.nth(n).unwrap()),
                    CitationItem::with_entry(bib.nth(n + 1).unwrap()),
                ];
                driver.citation(CitationRequest::new(
                    items, &style, None, &en_locale, None,
                ));
            }

            driver.finish(BibliographyRequest {
                style: &style,
                locale: None,
                locale_files: &en_locale,
            });

            // for cite in finished.citations {
            //     println!("{}", cite.citation.to_string(BufWriteFormat::Plain))
            // }

            // if let Some(bib) = finished.bibliography {
            //     for (prefix, item) in bib.items {
            //         if let Some(prefix) = prefix {
            //             print!("{} ", prefix.to_string(BufWriteFormat::Plain))
            //         }
            //         println!("{}", item.to_string(BufWriteFormat::Html))
            //     }
            // }
        }
    }

    #[test]
    fn test_chapter_field() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
        let yaml = fs::read_to_string(workspace.join("tests/data/basic.yml")).unwrap();
        let bib = from_yaml_str(&yaml).unwrap();
        let book = bib.get("lamb").unwrap();
        assert_eq!(book.chapter().unwrap(), &MaybeTyped::Typed(Numeric::new(20)));
        assert_eq!(book.volume().unwrap(), &MaybeTyped::Typed(Numeric::new(10)));
        assert_eq!(book.keyed_serial_number("serial"), None);
        assert_eq!(book.resolve_number_variable(NumberVariable::Number), None);

        let book = bib.get("snail").unwrap();
        assert_eq!(
            book.chapter().unwrap(),
            &MaybeTyped::Typed(Numeric {
                value: NumericValue::Number(2),
                prefix: None,
                suffix: Some(Box::new("A".into()))
            })
        );
        assert_eq!(
            book.volume().unwrap(),
            &MaybeTyped::Typed(Numeric {
                value: NumericValue::Number(4),
                prefix: None,
                suffix: Some(Box::new("B".into()))
            })
        );
        assert_eq!(book.keyed_serial_number("serial"), None);
        assert_eq!(book.resolve_number_variable(NumberVariable::Number), None);

        let chapter = bib.get("lamb-chapter").unwrap();
        assert_eq!(chapter.chapter().unwrap(), &MaybeTyped::Typed(Numeric::new(3)));
        assert_eq!(chapter.keyed_serial_number("serial"), None);
        assert_eq!(
            chapter.resolve_number_variable(NumberVariable::Number),
            Some(MaybeTyped::Typed(Cow::Borrowed(&Numeric::new(3))))
        );
        assert_eq!(chapter.volume(), None);
        assert_eq!(
            chapter.parents().first().unwrap().volume().unwrap(),
            &MaybeTyped::Typed(Numeric::new(10))
        );

        let chapter = bib.get("snail-chapter").unwrap();
        assert_eq!(chapter.chapter(), None);
        assert_eq!(chapter.keyed_serial_number("serial").unwrap(), "3");

        assert_eq!(chapter.volume(), None);
        assert_eq!(
            chapter.parents().first().unwrap().volume().unwrap(),
            &MaybeTyped::Typed(Numeric {
                value: NumericValue::Number(4),
                prefix: None,
                suffix: Some(Box::new("B".into()))
            })
        );
    }

    #[test]
    fn low_year_test() {
        let yield_year = |year, short| {
            let mut s = String::new();
            write_year(year, short, &mut s, "AD", "BC").unwrap();
            s
        };

        assert_eq!(yield_year(2021, false), "2021");
        assert_eq!(yield_year(2021, true), "21");
        assert_eq!(yield_year(0, false), "1BC");
        assert_eq!(yield_year(-1, false), "2BC");
        assert_eq!(yield_year(1, false), "1AD");
        assert_eq!(yield_year(0, true), "1BC");
        assert_eq!(yield_year(-1, true), "2BC");
        assert_eq!(yield_year(1, true), "1AD");
    }

    #[test]
    fn test_transparent_locator_ibid() {
        let test_data = r#"
            katalog:
                type: Book
                title: "Book"
                author: "Surname, Name"
                location: Warsaw
                date: 1971
            katalog2:
                type: Book
                title: "Book2"
                author: "Surname, Name"
                location: Warsaw
                date: 1971
        "#;
        let test_style = r#"<?xml version="1.0" encoding="utf-8"?>
        <style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0" demote-non-dropping-particle="sort-only">
           <info>
              <title>Citing style</title>
              <id>http://www.example.com/</id>
           </info>

           <citation>
              <layout prefix="" suffix="." delimiter="; ">
                 <choose>
                    <if position="first">
                      <text value="first" />
                    </if>
                    <else-if position="ibid-with-locator">
                      <text value="ibid-with-locator" />
                    </else-if>
                    <else-if position="ibid">
                       <text value="ibid" />
                    </else-if>
                    <else-if position="subsequent">
                      <text value="subsequent" />
                    </else-if>
                    <else>
                      <text value="other" />
                    </else>
                 </choose>
              </layout>
           </citation>
          <bibliography>
            <sort>
              <key macro="contributors-biblio"/>
            </sort>
            <layout suffix=".">
              <group delimiter=", ">
                <group delimiter=", ">
                  <text macro="locators-chapter"/>
                </group>
              </group>
            </layout>
          </bibliography>
        </style>"#;

        let library = from_yaml_str(test_data).unwrap();
        let style = citationberg::Style::from_xml(test_style).unwrap();
        let citationberg::Style::Independent(style) = style else { unreachable!() };

        let mut driver = BibliographyDriver::new();
        let citations = [
            ("katalog", Some([2, 3]), "first."),
            ("katalog", Some([2, 3]), "ibid."),
            ("katalog", Some([2, 3]), "ibid."),
            ("katalog", Some([2, 4]), "ibid-with-locator."),
            ("katalog", None, "subsequent."),
            ("katalog", Some([2, 3]), "ibid-with-locator."),
            ("katalog", Some([2, 3]), "ibid."),
            ("katalog2", Some([2, 3]), "first."),
        ];

        for (entry, supplement, _) in citations {
            let entry = library.get(entry).unwrap();
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_locator(
                    entry,
                    supplement.map(|s| {
                        SpecificLocator(
                            Locator::Supplement,
                            LocatorPayload::Transparent(TransparentLocator(Arc::new(s))),
                        )
                    }),
                )],
                &style,
                None,
                &[],
                None,
            ));
        }

        let finished = driver.finish(BibliographyRequest {
            style: &style,
            locale: None,
            locale_files: &[],
        });

        for (citation, (_, _, expected_value)) in finished.citations.iter().zip(citations)
        {
            let mut s = String::new();
            citation.citation.write_buf(&mut s, BufWriteFormat::Plain).unwrap();
            assert_eq!(s, expected_value);
        }
    }

    #[test]
    #[cfg(feature = "archive")]
    fn test_alphanumeric_disambiguation() {
        let bibtex = r#"@article{chenTransMorphTransformerUnsupervised2021,
        title = {{{TransMorph}}: {{Transformer}} for Unsupervised Medical Image Registration},
        author = {Chen, Junyu and Frey, Eric C. and He, Yufan and Segars, William P. and Li, Ye and Du, Yong},
        date = {2021},
        }

        @article{chenViTVNetVisionTransformer2021,
        title = {{{ViT-V-Net}}: {{Vision Transformer}} for {{Unsupervised Volumetric Medical Image Registration}}},
        author = {Chen, Junyu and He, Yufan and Frey, Eric C. and Li, Ye and Du, Yong},
        date = {2021},
        }"#;

        let library = crate::io::from_biblatex_str(bibtex).unwrap();
        let alphanumeric = archive::ArchivedStyle::Alphanumeric.get();
        let citationberg::Style::Independent(alphanumeric) = alphanumeric else {
            unreachable!()
        };

        let mut driver = BibliographyDriver::new();
        for entry in library.iter() {
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(entry)],
                &alphanumeric,
                None,
                &[],
                None,
            ));
        }

        let finished = driver.finish(BibliographyRequest {
            style: &alphanumeric,
            locale: None,
            locale_files: &[],
        });

        let mut c1 = String::new();
        let mut c2 = String::new();

        finished.citations[0]
            .citation
            .write_buf(&mut c1, BufWriteFormat::Plain)
            .unwrap();
        finished.citations[1]
            .citation
            .write_buf(&mut c2, BufWriteFormat::Plain)
            .unwrap();

        assert_eq!(c1, "[Che+21a]");
        assert_eq!(c2, "[Che+21b]");
    }

    #[test]
    #[cfg(feature = "archive")]
    /// See https://github.com/typst/hayagriva/issues/243
    fn issue_243() {
        let bibtex = r#"@book{downs57,
            title = {An Economic Theory of Democracy},
            author = {Downs, Anthony},
            date = {1957},
            edition = {1},
            publisher = {Harper \& Row},
            location = {New York},
            langid = {english}
            }

            @book{brady_collier10,
            title = {Rethinking Social Inquiry. Diverse Tools, Shared Standards},
            editor = {Brady, Henry E. and Collier, David},
            date = {2010},
            edition = {2},
            publisher = {Rowman \& Littlefield Publishers},
            location = {Maryland}
            }"#;

        let library = crate::io::from_biblatex_str(bibtex).unwrap();
        let apa = archive::ArchivedStyle::AmericanPsychologicalAssociation.get();
        let citationberg::Style::Independent(apa) = apa else { unreachable!() };

        let locales = archive::locales();

        let mut driver = BibliographyDriver::new();
        for entry in library.iter() {
            driver.citation(CitationRequest::new(
                vec![CitationItem::new(
                    entry,
                    None,
                    Some(LocaleCode::en_us()),
                    false,
                    Some(CitePurpose::Prose),
                )],
                &apa,
                Some(LocaleCode::en_us()),
                &locales,
                None,
            ));
        }

        let finished = driver.finish(BibliographyRequest {
            style: &apa,
            locale: Some(LocaleCode::en_us()),
            locale_files: &locales,
        });

        let mut c1 = String::new();
        let mut c2 = String::new();

        finished.citations[0]
            .citation
            .write_buf(&mut c1, BufWriteFormat::Plain)
            .unwrap();
        finished.citations[1]
            .citation
            .write_buf(&mut c2, BufWriteFormat::Plain)
            .unwrap();

        assert_eq!(c1, "Downs (1957)");
        assert_eq!(c2, "Brady & Collier (2010)");
    }
    #[test]
    #[cfg(feature = "archive")]
    /// See https://github.com/typst/hayagriva/issues/48
    fn issue_48() {
        let bibtex = r#"@article{chenTransMorphTransformerUnsupervised2021,
        title = {{{TransMorph}}: {{Transformer}} for Unsupervised Medical Image Registration},
        author = {Chen, Junyu and Frey, Eric C. and He, Yufan and Segars, William P. and Li, Ye and Du, Yong},
        date = {2021},
        }

        @article{chenViTVNetVisionTransformer2021,
        title = {{{ViT-V-Net}}: {{Vision Transformer}} for {{Unsupervised Volumetric Medical Image Registration}}},
        author = {Chen, Junyu and He, Yufan and Frey, Eric C. and Li, Ye and Du, Yong},
        date = {2021},
        }"#;

        let library = crate::io::from_biblatex_str(bibtex).unwrap();
        let alphanumeric = archive::ArchivedStyle::Alphanumeric.get();
        let citationberg::Style::Independent(alphanumeric) = alphanumeric else {
            unreachable!()
        };

        let mut driver = BibliographyDriver::new();

        let locator = SpecificLocator(Locator::Custom, LocatorPayload::Str("12"));
        for entry in library.iter() {
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_locator(entry, Some(locator.clone()))],
                &alphanumeric,
                None,
                &[],
                None,
            ));
        }

        driver.citation(CitationRequest::new(
            vec![CitationItem::with_locator(library.iter().next().unwrap(), None)],
            &alphanumeric,
            None,
            &[],
            None,
        ));

        let finished = driver.finish(BibliographyRequest {
            style: &alphanumeric,
            locale: None,
            locale_files: &[],
        });

        let mut c1 = String::new();
        let mut c2 = String::new();
        let mut c3 = String::new();

        finished.citations[0]
            .citation
            .write_buf(&mut c1, BufWriteFormat::Plain)
            .unwrap();
        finished.citations[1]
            .citation
            .write_buf(&mut c2, BufWriteFormat::Plain)
            .unwrap();
        finished.citations[2]
            .citation
            .write_buf(&mut c3, BufWriteFormat::Plain)
            .unwrap();

        assert_eq!(c1, "[Che+21a, 12]");
        assert_eq!(c2, "[Che+21b, 12]");
        assert_eq!(c3, "[Che+21a]");
    }

    #[test]
    #[cfg(feature = "archive")]
    fn ibid_handling_with_deutsche_sprache_csl() {
        let bibtex = r#"@book{ITEM,
            title = {A},
            type = {book},
            }"#;

        let library = crate::io::from_biblatex_str(bibtex).unwrap();
        let style = archive::ArchivedStyle::DeutscheSprache.get();
        let citationberg::Style::Independent(style) = style else { unreachable!() };

        let mut driver = BibliographyDriver::new();
        let entry = library.iter().next().unwrap();

        for locator in ["33", "33", "34"] {
            driver.citation(CitationRequest::new(
                vec![CitationItem::new(
                    entry,
                    Some(SpecificLocator(Locator::Page, LocatorPayload::Str(locator))),
                    None,
                    false,
                    Some(CitePurpose::Prose),
                )],
                &style,
                None,
                &[],
                None,
            ));
        }

        let finished = driver.finish(BibliographyRequest {
            style: &style,
            locale: None,
            locale_files: &[],
        });

        let actual = finished
            .citations
            .iter()
            .map(|c| {
                let mut s = String::new();
                c.citation.write_buf(&mut s, BufWriteFormat::Plain).unwrap();
                s
            })
            .collect::<Vec<_>>();

        assert_eq!(actual, ["(33)", "()", "(34)"]);
    }

    /// citris: render CSL-JSON books (id, title) cited as given (id, prefix,
    /// suffix per cite) in a style; each citation as text with `_…_` around
    /// italics.
    #[cfg(feature = "csl-json")]
    fn render_json_cites(
        style: &str,
        items: &[(&str, &str)],
        citations: &[&[(&str, Option<&str>, Option<&str>)]],
    ) -> Vec<String> {
        use citationberg::json::Value;
        let items: Vec<citationberg::json::Item> = items
            .iter()
            .map(|(id, title)| {
                citationberg::json::Item(
                    [("id", *id), ("type", "book"), ("title", *title)]
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                        .collect(),
                )
            })
            .collect();
        render_items_cites(style, &items, citations)
    }

    /// citris: render CSL-JSON items (a JSON list, read with serde_yaml)
    /// cited as given, like [`render_json_cites`].
    #[cfg(feature = "csl-json")]
    fn render_json_items(
        style: &str,
        items: &str,
        citations: &[&[(&str, Option<&str>, Option<&str>)]],
    ) -> Vec<String> {
        let items: Vec<citationberg::json::Item> = serde_yaml::from_str(items).unwrap();
        render_items_cites(style, &items, citations)
    }

    #[cfg(feature = "csl-json")]
    fn render_items_cites(
        style: &str,
        items: &[citationberg::json::Item],
        citations: &[&[(&str, Option<&str>, Option<&str>)]],
    ) -> Vec<String> {
        let style = citationberg::Style::from_xml(style).unwrap();
        let citationberg::Style::Independent(style) = style else { unreachable!() };
        let mut driver = BibliographyDriver::new();
        for cites in citations {
            let cites = cites
                .iter()
                .map(|(id, prefix, suffix)| {
                    let entry =
                        items.iter().find(|i| i.id().as_deref() == Some(*id)).unwrap();
                    CitationItem::with_entry(entry).with_affixes(*prefix, *suffix)
                })
                .collect();
            driver.citation(CitationRequest::from_items(cites, &style, &[]));
        }
        let finished =
            driver.finish(BibliographyRequest { style: &style, locale: None, locale_files: &[] });
        fn write(children: &ElemChildren, out: &mut String) {
            for child in &children.0 {
                match child {
                    ElemChild::Text(t)
                        if t.formatting.font_style == citationberg::FontStyle::Italic =>
                    {
                        out.push('_');
                        out.push_str(&t.text);
                        out.push('_');
                    }
                    ElemChild::Text(t) => out.push_str(&t.text),
                    ElemChild::Elem(e) => write(&e.children, out),
                    _ => {}
                }
            }
        }
        finished
            .citations
            .iter()
            .map(|c| {
                let mut s = String::new();
                write(&c.citation, &mut s);
                s
            })
            .collect()
    }

    #[cfg(feature = "csl-json")]
    const QUOTES_LOCALE: &str = r#"<locale>
        <style-options punctuation-in-quote="true"/><terms>
        <term name="open-quote">“</term><term name="close-quote">”</term>
        <term name="open-inner-quote">‘</term><term name="close-inner-quote">’</term>
        </terms></locale>"#;

    #[test]
    #[cfg(feature = "csl-json")]
    fn rich_text_becomes_formatting_and_quotes() {
        // citris patch 31.
        let style = format!(
            r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
            <info><title>T</title><id>t</id></info>{QUOTES_LOCALE}
            <citation><layout delimiter="; ">
              <text variable="title" font-style="italic" text-case="title"/>
            </layout></citation></style>"#
        );
        let items = [
            ("a", r#"my <i>amazing</i> "quoted 'inner' one""#),
            ("b", r#"the <span class="nocase">iPod</span> of l'Égypte</i>"#),
        ];
        assert_eq!(
            render_json_cites(&style, &items, &[&[("a", None, None)], &[("b", None, None)]]),
            [
                "_My _Amazing_ “Quoted ‘Inner’ One”_",
                "_The iPod of l’Égypte</i>_",
            ]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn cite_affixes_surround_the_cite() {
        // citris patch 32.
        let style = format!(
            r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
            <info><title>T</title><id>t</id></info>{QUOTES_LOCALE}
            <citation><layout prefix="(" suffix=")" delimiter="; ">
              <text variable="title" quotes="true"/>
            </layout></citation></style>"#
        );
        let items = [("a", "One"), ("b", "Two")];
        assert_eq!(
            render_json_cites(
                &style,
                &items,
                &[
                    &[("a", Some("<i>see</i> "), Some(", p. 3"))],
                    &[("a", None, None), ("b", Some(", and "), Some(". Done"))],
                ]
            ),
            ["(_see_ “One,” p. 3)", "(“One”, and “Two.” Done)"]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn layout_delimiter_is_not_used_inside_a_cite() {
        // citris patch 33.
        let style = r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
            <info><title>T</title><id>t</id></info>
            <citation><layout delimiter="; ">
              <choose><if type="book">
                <text variable="title"/><text value="!"/>
              </if></choose>
            </layout></citation></style>"#;
        let items = [("a", "One"), ("b", "Two")];
        assert_eq!(
            render_json_cites(style, &items, &[&[("a", None, None), ("b", None, None)]]),
            ["One!; Two!"]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn a_term_that_begins_a_note_is_capitalised() {
        // citris patch 34.
        let style = |class: &str| {
            format!(
                r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="{class}" version="1.0">
            <info><title>T</title><id>t</id></info>
            <locale><terms><term name="ibid">ibid.</term></terms></locale>
            <citation><layout delimiter="; ">
              <choose><if position="first"><text variable="title"/></if>
              <else><text term="ibid"/></else></choose>
            </layout></citation></style>"#
            )
        };
        let items = [("a", "One")];
        let cites: &[&[(&str, Option<&str>, Option<&str>)]] = &[
            &[("a", None, None)],
            &[("a", None, None)],
            &[("a", Some("See "), None)],
            &[("a", Some("As said before. "), None)],
        ];
        assert_eq!(
            render_json_cites(&style("note"), &items, cites),
            ["One", "Ibid.", "See ibid.", "As said before. Ibid."]
        );
        assert_eq!(
            render_json_cites(&style("in-text"), &items, cites),
            ["One", "ibid.", "See ibid.", "As said before. ibid."]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn cites_of_one_author_group_and_collapse() {
        // citris patch 35.
        let style = |collapse: &str| {
            format!(
                r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
            <info><title>T</title><id>t</id></info>
            <locale><terms><term name="et-al">et al.</term></terms></locale>
            <citation et-al-min="3" et-al-use-first="1" disambiguate-add-year-suffix="true"
                collapse="{collapse}">
            <layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">
              <names variable="author"><name form="short"/></names>
              <date variable="issued"><date-part name="year"/></date>
            </group></layout></citation></style>"#
            )
        };
        let person = |family: &str| format!(r#"{{"family": "{family}", "given": "A"}}"#);
        let item = |id: &str, authors: &[&str], year: i32| {
            let authors: Vec<String> = authors.iter().map(|a| person(a)).collect();
            format!(
                r#"{{"id": "{id}", "type": "book", "title": "{id}", "author": [{}],
                "issued": {{"date-parts": [[{year}]]}}}}"#,
                authors.join(", ")
            )
        };
        let items = format!(
            "[{}]",
            [
                item("a", &["Smith"], 2000),
                item("j", &["Jones"], 2000),
                item("b", &["Smith"], 2000),
                item("c", &["Smith"], 2000),
                item("d", &["Smith"], 2001),
                // "Roe et al." twice: grouped by what is printed, not by the
                // names behind "et al.".
                item("r1", &["Roe", "Doe", "Poe"], 1990),
                item("r2", &["Roe", "Zoe", "Moe"], 1991),
            ]
            .join(", ")
        );
        let cites: &[&[(&str, Option<&str>, Option<&str>)]] = &[&[
            ("a", None, None),
            ("j", None, None),
            ("b", None, None),
            ("c", None, None),
            ("d", None, None),
            ("r1", None, None),
            ("r2", None, None),
        ]];
        assert_eq!(
            render_json_items(&style("year"), &items, cites),
            ["(Smith 2000a, 2000b, 2000c, 2001; Jones 2000; Roe et al. 1990, 1991)"]
        );
        assert_eq!(
            render_json_items(&style("year-suffix-ranged"), &items, cites),
            ["(Smith 2000a–c, 2001; Jones 2000; Roe et al. 1990, 1991)"]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn apostrophes_in_names_are_typographic() {
        // citris patch 36.
        let style = r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
            <info><title>T</title><id>t</id></info>
            <citation><layout><names variable="author"><name/></names></layout></citation>
            </style>"#;
        let items = r#"[{"id": "a", "type": "book",
            "author": [{"family": "D'Arcus", "given": "Shun'ichi"}]}]"#;
        assert_eq!(
            render_json_items(style, items, &[&[("a", None, None)]]),
            ["Shun’ichi D’Arcus"]
        );
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn names_labels_and_delimiters_follow_their_attributes() {
        // citris patch 37.
        let style = r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
                names-delimiter=" and also ">
            <info><title>T</title><id>t</id></info>
            <locale><terms>
              <term name="editor" form="short"><single>ed.</single><multiple>eds.</multiple></term>
            </terms></locale>
            <citation><layout>
              <names variable="author editor">
                <name form="short" suffix=" "/>
                <label form="short" plural="always" prefix="(" suffix=")" font-style="italic"/>
              </names>
            </layout></citation></style>"#;
        let items = r#"[{"id": "a", "type": "book",
            "author": [{"family": "Doe", "given": "A"}],
            "editor": [{"family": "Roe", "given": "B"}]}]"#;
        // The label's plural "always" and its affixes outside its italics;
        // the name's suffix; the inherited names-delimiter. (The author term
        // is not in the locale: no label for it.)
        assert_eq!(
            render_json_items(style, items, &[&[("a", None, None)]]),
            ["Doe and also Roe (_eds._)"]
        );
    }

    #[test]
    fn punctuation_marks_merge_as_in_citeproc_js() {
        // citris patch 40.
        use PunctuationMerge::*;
        for (prev, next, merge) in [
            ('.', '.', First),
            ('?', '.', First),
            ('!', ':', First),
            (':', '.', First),
            (';', '?', Second),
            (':', '!', Second),
            ('.', ':', Both),
            (',', '.', Both),
            ('.', ',', Both),
            ('?', '!', Both),
        ] {
            assert_eq!(merge_punctuation(prev, next), merge, "{prev}{next}");
        }
    }

    #[test]
    #[cfg(feature = "csl-json")]
    fn a_label_period_is_not_doubled() {
        // citris patch 40.
        let style = r#"<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
            <info><title>T</title><id>t</id></info>
            <locale><terms><term name="editor" form="short">ed.</term></terms></locale>
            <citation><layout><names variable="editor"><name/>
              <label form="short" prefix=" (" suffix=".)"/></names>
            <text variable="title" prefix=", " suffix="."/></layout></citation></style>"#;
        let items = r#"[{"id": "a", "type": "book", "title": "Why?",
            "editor": [{"family": "Roe", "given": "Jo"}]}]"#;
        assert_eq!(
            render_json_items(style, items, &[&[("a", None, None)]]),
            ["Jo Roe (ed.), Why?"]
        );
    }
}
