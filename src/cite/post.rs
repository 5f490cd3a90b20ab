//! Passes over hayagriva's rendered output that bring it to what
//! citeproc-js prints. Each works on the text leaves of the rendered tree, so
//! text, HTML and Markdown get the same fix.

use hayagriva::citationberg::Locale;
use hayagriva::{ElemChild, ElemChildren, Formatted};

use super::render::render_children;
use super::Output;

/// What citeproc-js prints for a citation whose item the style prints
/// nothing for (no author and no date in an author-date style).
const NO_PRINTED_FORM: &str = "[CSL STYLE ERROR: reference with no printed form.]";

/// A citation that is only its layout's affixes (`()`) says so instead, in
/// citeproc-js's words (Zotero and Mendeley show the same): an empty `()`
/// in a text is easily missed, the message is not. (Outside the fork: CSL
/// asks for no message; it is what Zotero's processor shows, not rendering.)
pub(super) fn mark_empty_citation(
    children: &mut ElemChildren,
    layout: &hayagriva::citationberg::Layout,
) {
    let prefix = layout.prefix.as_deref().unwrap_or_default();
    let suffix = layout.suffix.as_deref().unwrap_or_default();
    let text = render_children(children, Output::Text);
    if text.trim() != format!("{prefix}{suffix}").trim() {
        return;
    }
    let formatting = children
        .0
        .iter()
        .find_map(|c| match c {
            ElemChild::Text(t) => Some(t.formatting),
            _ => None,
        })
        .unwrap_or_default();
    *children = ElemChildren(vec![ElemChild::Text(Formatted {
        text: format!("{prefix}{NO_PRINTED_FORM}{suffix}"),
        formatting,
    })]);
}

/// Merge the punctuation that meets where hayagriva joins pieces, as
/// citeproc-js does when it joins affixes and delimiters, and which hayagriva
/// 0.10.1 leaves in place:
///
/// * a delimiter before an element that rendered nothing: `(2019,)` → `(2019)`,
///   `BGS,.` → `BGS.`, `2013 ;83` → `2013;83`;
/// * doubled punctuation: `Cows..”` → `Cows.”`, `False?.` → `False?`,
///   `Engineering:.` → `Engineering:`;
/// * doubled spaces.
///
/// Works on the text leaves of the rendered tree (links are left alone), so
/// text, HTML and Markdown get the same fix. A pass can leave a pair for the
/// next (`record, , 7`: the space goes, then the doubled comma), so passes
/// repeat until nothing changes. (Outside the fork for now: in hayagriva it
/// belongs in every join of affixes and delimiters, where patches 14, 68, 70
/// and 77 fixed single cases; this catches the rest across element bounds.)
pub(super) fn fix_punctuation(children: &mut ElemChildren) {
    for _ in 0..4 {
        if !fix_punctuation_pass(children) {
            break;
        }
    }
}

/// One pass of [`fix_punctuation`]; whether it changed anything.
fn fix_punctuation_pass(children: &mut ElemChildren) -> bool {
    let mut leaves = Vec::new();
    collect_leaves(children, &mut leaves);
    // A link is a barrier no rule reaches across.
    let chars = leaf_chars(&leaves, '\u{0}');
    let mut keep = vec![true; chars.len()];
    let next_kept = |keep: &[bool], from: usize| (from..chars.len()).find(|&j| keep[j]);
    let prev_kept = |keep: &[bool], from: usize| (0..from).rev().find(|&j| keep[j]);
    let mut changed = false;
    for i in 0..chars.len() {
        let c = chars[i].1;
        let next = next_kept(&keep, i + 1).map(|j| chars[j].1);
        let prev = prev_kept(&keep, i).map(|j| chars[j].1);
        let drop = match c {
            // A comma left before closing punctuation. (A title ending in
            // `:` or `;` keeps it, and the period after it goes.)
            ',' => matches!(next, Some('.' | ')' | ']' | ',' | ';')),
            ';' | ':' => matches!(next, Some(')' | ']' | ',' | ';')),
            // `..` but not an ellipsis; `?.`, `!.`, `:.` and `;.`.
            '.' => {
                matches!(prev, Some('?' | '!' | ':' | ';'))
                    || (prev == Some('.')
                        && next != Some('.')
                        && prev_kept(&keep, i)
                            .and_then(|j| prev_kept(&keep, j))
                            .map(|j| chars[j].1)
                            != Some('.'))
            }
            // A space before closing punctuation, or a doubled space.
            ' ' => matches!(next, Some(';' | ',' | ' ')) || prev.is_none(),
            _ => false,
        };
        if drop && chars[i].0 != usize::MAX {
            keep[i] = false;
            changed = true;
        }
    }
    if !changed {
        return false;
    }
    rewrite_leaves(leaves, &chars, |k, text| {
        if keep[k] {
            text.push(chars[k].1);
        }
    });
    true
}

/// The characters of the text leaves in order, each with its leaf's index; a
/// link or markup leaf (`None`) is one `barrier` character with index
/// `usize::MAX`.
fn leaf_chars(leaves: &[Option<&mut String>], barrier: char) -> Vec<(usize, char)> {
    let mut chars = Vec::new();
    for (i, leaf) in leaves.iter().enumerate() {
        match leaf {
            Some(text) => chars.extend(text.chars().map(|c| (i, c))),
            None => chars.push((usize::MAX, barrier)),
        }
    }
    chars
}

/// Writes the leaves again from [`leaf_chars`]: `emit(k, text)` appends what
/// the `k`th character becomes to its leaf's new text.
fn rewrite_leaves(
    leaves: Vec<Option<&mut String>>,
    chars: &[(usize, char)],
    mut emit: impl FnMut(usize, &mut String),
) {
    let mut rebuilt: Vec<String> = vec![String::new(); leaves.len()];
    for (k, &(leaf, _)) in chars.iter().enumerate() {
        if leaf != usize::MAX {
            emit(k, &mut rebuilt[leaf]);
        }
    }
    for (leaf, text) in leaves.into_iter().zip(rebuilt) {
        if let Some(leaf) = leaf {
            *leaf = text;
        }
    }
}

/// The quotation marks of a locale (CSL terms `open-quote` … `close-inner-quote`).
#[derive(Clone, Copy)]
pub(super) struct QuoteMarks {
    outer: (char, char),
    inner: (char, char),
    /// `punctuation-in-quote`: a period or comma after a closing quote goes
    /// inside it (en-US).
    punctuation_inside: bool,
}

impl QuoteMarks {
    pub(super) fn of(code: &str, locales: &[Locale]) -> QuoteMarks {
        use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
        use hayagriva::citationberg::TermForm;
        let locale = locales
            .iter()
            .find(|l| l.lang.as_ref().is_some_and(|c| c.0 == code));
        let mark = |term: OtherTerm, default: char| {
            locale
                .and_then(|l| l.term(Term::Other(term), TermForm::Long))
                .and_then(|t| t.single())
                .and_then(|t| t.trim().chars().next())
                .unwrap_or(default)
        };
        QuoteMarks {
            outer: (
                mark(OtherTerm::OpenQuote, '\u{201C}'),
                mark(OtherTerm::CloseQuote, '\u{201D}'),
            ),
            inner: (
                mark(OtherTerm::OpenInnerQuote, '\u{2018}'),
                mark(OtherTerm::CloseInnerQuote, '\u{2019}'),
            ),
            punctuation_inside: locale
                .and_then(|l| l.style_options.as_ref())
                .and_then(|o| o.punctuation_in_quote)
                .unwrap_or(false),
        }
    }
}

/// Quotation marks inside field values as citeproc-js prints them: a pair of
/// straight quotes (`"hygiene hypothesis"`, `'single'`) becomes the locale's
/// quotes, and any pair takes the outer or the inner form by how deeply it is
/// nested, counting the style's own quotes: in IEEE's quoted titles
/// `“Rock ‘quoted’ brain,”`, in APA's plain ones `Rock “quoted” brain`. A
/// quote without its partner (`12" vinyl`, `the '90s`, `students’`) is left as
/// it is. After a pair that was straight, a period or comma moves inside the
/// closing quote where the locale says so (en-US), as it does after the
/// style's own quotes, except at the very end of an entry. (Outside the fork
/// for now: in hayagriva this is the rich-text parser's `Markup::Curly` of
/// patch 85 extended to straight quotes, a change to its grammar.)
pub(super) fn localize_quotes(children: &mut ElemChildren, q: QuoteMarks) {
    let mut leaves = Vec::new();
    collect_leaves(children, &mut leaves);
    let chars = leaf_chars(&leaves, ' ');
    if !chars
        .iter()
        .any(|&(_, c)| matches!(c, '"' | '\'') || c == q.outer.0 || c == q.inner.0)
    {
        return;
    }
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let opens_after = |prev: Option<char>| {
        prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(p))
            || prev == Some(q.outer.0)
            || prev == Some(q.inner.0)
    };
    let closes_before = |next: Option<char>| {
        next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}\u{2014}\u{2013}-/".contains(n))
            || next == Some(q.outer.1)
            || next == Some(q.inner.1)
            || next == Some('"')
            || next == Some('\'')
    };
    // Open quotes: (index, double or outer form, was straight, enclosing open).
    let mut stack: Vec<(usize, bool, bool, Option<usize>)> = Vec::new();
    // Pairs: (open, close, double or outer form, was straight, enclosing open).
    let mut pairs: Vec<(usize, usize, bool, bool, Option<usize>)> = Vec::new();
    for (i, &(leaf, c)) in chars.iter().enumerate() {
        if leaf == usize::MAX {
            continue;
        }
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let top = stack.last().map(|&(_, double, _, _)| double);
        // A straight quote closes only a straight one (`12" vinyl` inside a
        // quoted title is not the title's end).
        let top_straight = stack.last().is_some_and(|&(_, _, straight, _)| straight);
        let parent = stack.last().map(|&(open, ..)| open);
        let followed = next.is_some_and(|n| !n.is_whitespace());
        let after_word = prev.is_some_and(|p| !p.is_whitespace());
        let mut close = |stack: &mut Vec<(usize, bool, bool, Option<usize>)>| {
            let (open, double, straight, parent) = stack.pop().unwrap();
            pairs.push((open, i, double, straight, parent));
        };
        if c == '"' {
            if top == Some(true) && top_straight && after_word && closes_before(next) {
                close(&mut stack);
            } else if opens_after(prev) && followed {
                stack.push((i, true, true, parent));
            }
        } else if c == '\'' {
            if top == Some(false) && top_straight && after_word && closes_before(next) {
                close(&mut stack);
            } else if opens_after(prev) && next.is_some_and(char::is_alphanumeric) {
                stack.push((i, false, true, parent));
            }
        } else if c == q.outer.0 && c != q.outer.1 {
            stack.push((i, true, false, parent));
        } else if c == q.inner.0 && c != q.inner.1 && opens_after(prev) && followed {
            stack.push((i, false, false, parent));
        } else if c == q.outer.1 && stack.iter().any(|&(_, double, ..)| double) {
            // Unambiguously a closing quote: quotes opened after its partner
            // and never closed (`the '90s`) were apostrophes.
            while stack.last().is_some_and(|&(_, double, ..)| !double) {
                stack.pop();
            }
            close(&mut stack);
        } else if c == q.inner.1 && top == Some(false) && closes_before(next) {
            close(&mut stack);
        }
    }
    if pairs.is_empty() {
        return;
    }
    // Outermost first: a pair inside another takes the other form (the
    // flip-flop of citeproc-js); an outermost pair keeps the form it was
    // written in, and a straight one takes the outer form.
    pairs.sort_unstable_by_key(|p| p.0);
    let mut outer_form: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    // What each character becomes: a character moved in front of it (the
    // punctuation that goes inside a closing quote) and itself, or `None`
    // when it moved.
    let mut out: Vec<(Option<char>, Option<char>)> =
        chars.iter().map(|&(_, c)| (None, Some(c))).collect();
    let mut changed = false;
    for &(open, close, double, straight, parent) in &pairs {
        let outer = match parent.and_then(|p| outer_form.get(&p)) {
            Some(&parent_outer) => !parent_outer,
            None => straight || double,
        };
        outer_form.insert(open, outer);
        let (o, c) = if outer { q.outer } else { q.inner };
        changed |= chars[open].1 != o || chars[close].1 != c;
        out[open].1 = Some(o);
        out[close].1 = Some(c);
        // Not the entry's last character: citeproc-js moves that one in some
        // styles (APA) and not in others (IEEE); outside is never wrong.
        if straight && q.punctuation_inside && close + 2 < chars.len() {
            if let Some(p @ ('.' | ',')) = at(close + 1) {
                if chars[close + 1].0 != usize::MAX {
                    out[close].0 = Some(p);
                    out[close + 1].1 = None;
                    changed = true;
                }
            }
        }
    }
    if !changed {
        return;
    }
    rewrite_leaves(leaves, &chars, |k, text| {
        text.extend(out[k].0.into_iter().chain(out[k].1))
    });
}

/// The text leaves of `children` in order; `None` for a link or markup, which
/// no punctuation rule reaches across.
fn collect_leaves<'a>(children: &'a mut ElemChildren, out: &mut Vec<Option<&'a mut String>>) {
    for child in &mut children.0 {
        match child {
            ElemChild::Text(t) => out.push(Some(&mut t.text)),
            ElemChild::Elem(e) => collect_leaves(&mut e.children, out),
            ElemChild::Link { .. } | ElemChild::Markup(_) | ElemChild::Transparent { .. } => {
                out.push(None)
            }
        }
    }
}

/// citeproc-js capitalises a term that opens a bibliography entry or a note: an
/// item without author and title starts "N.d." (Harvard's "No date"), not "n.d."
/// (in-text citations keep `(n.d.)`). hayagriva leaves it lower case. Only
/// the "no date" terms are touched: a title that starts in lower case
/// (`iPhone`) stays as it is. Leading markup (`(`, `[`, HTML tags, Markdown
/// emphasis) is skipped. (Outside the fork: citris prints the citation-number
/// label itself, and the term after it is capitalised too, so this runs on
/// the written entry.)
pub(super) fn capitalize_leading_term(s: &str) -> String {
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'*' | b'_' => i += 1,
            b'<' => match s[i..].find('>') {
                Some(end) => i += end + 1,
                None => break,
            },
            _ => break,
        }
    }
    let rest = &s[i..];
    // en-US/en-GB "n.d." and "no date"; fr "s. d.", es "s. f.". (de "o. J." is
    // capitalised already.)
    let term = ["n.d.", "no date", "s. d.", "s. f.", "s.d.", "s.f."]
        .iter()
        .any(|t| rest.starts_with(t));
    if !term {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..i]);
    let mut chars = rest.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
    }
    out.push_str(chars.as_str());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_no_date_term_is_capitalised_as_citeproc_js_does() {
        assert_eq!(
            capitalize_leading_term("n.d.-a. In Kmptnd."),
            "N.d.-a. In Kmptnd."
        );
        assert_eq!(capitalize_leading_term("<i>n.d.</i> x"), "<i>N.d.</i> x");
        assert_eq!(
            capitalize_leading_term("(no date) Title"),
            "(No date) Title"
        );
        // Anything else is left alone, titles in lower case included.
        assert_eq!(
            capitalize_leading_term("iPhone review. n.d."),
            "iPhone review. n.d."
        );
        assert_eq!(capitalize_leading_term("nd. x"), "nd. x");
        assert_eq!(capitalize_leading_term("<b"), "<b");
    }
}
