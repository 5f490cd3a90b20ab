//! Rich text in CSL-JSON string values (citris patch 31).
//!
//! CSL-JSON strings may carry a small HTML-like markup (the CSL-JSON schema's
//! "rich text": `<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>`,
//! `<span style="font-variant:small-caps;">`, `<span class="nocase">`,
//! `<span class="nodecor">`) and quotation marks, which citeproc-js renders
//! as formatting and (straight ones) as the locale's quotes, flipping both
//! with their surroundings ("flip-flop": `<i>` inside italics is upright,
//! quotes inside quotes are inner quotes). A straight apostrophe becomes `’`. Markup that
//! is not closed is printed as written. The rules follow citeproc-js's
//! `CSL.Util.FlipFlopper`.

use std::borrow::Cow;

/// A kind of markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    Italic,
    Bold,
    /// `<sc>` or a small-caps `<span>`.
    SmallCaps,
    Sup,
    Sub,
    /// `<span class="nocase">`: no text case applies inside.
    NoCase,
    /// `<span class="nodecor">`: no formatting inside.
    NoDecor,
    /// Straight quotation marks, printed as the locale's quotes: inside
    /// other quotes as the other kind (outer or inner), else as the form
    /// given here (`true`: outer); the kind that comes first is the outer
    /// form.
    Quote(bool),
    /// Curly quotation marks (`true`: `“”`, `false`: `‘’`), printed as
    /// written, not as the locale's: only inside quotes that open with the
    /// same mark they flip to the other kind. citeproc-js 1.4.61 prints the
    /// title `The ‘No jab’ policy` so in de-DE, and `“The ‘No Jab’ Policy.”`
    /// for `The “No jab” policy` in quotes in en-US (`„The “No jab” policy“`
    /// in de-DE).
    Curly(bool),
}

/// A piece of rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'s> {
    Text(Cow<'s, str>),
    Open(Markup),
    Close(Markup),
}

/// The quotation marks, by how they pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteKind {
    StraightDouble,
    StraightSingle,
    CurlyDouble,
    CurlySingle,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    Open(Markup),
    Close(Markup),
    CloseSpan,
    OpenQuote(QuoteKind),
    CloseQuote(QuoteKind),
}

impl Tag {
    /// Whether this closer closes `opener`: `</span>` closes every kind a
    /// `<span>` opens, quotes close their own kind.
    fn closes(self, opener: Tag) -> bool {
        match (opener, self) {
            (Tag::Open(a), Tag::Close(b)) => a == b,
            (Tag::Open(m), Tag::CloseSpan) => {
                matches!(m, Markup::SmallCaps | Markup::NoCase | Markup::NoDecor)
            }
            // A straight quote may also be closed by its curly closer (text
            // whose closing quotes and apostrophes were made typographic
            // already: `'single’`).
            (Tag::OpenQuote(a), Tag::CloseQuote(b)) => {
                a == b
                    || (a, b) == (QuoteKind::StraightSingle, QuoteKind::CurlySingle)
                    || (a, b) == (QuoteKind::StraightDouble, QuoteKind::CurlyDouble)
            }
            _ => false,
        }
    }
}

const TAGS: &[(&str, Tag)] = &[
    ("<i>", Tag::Open(Markup::Italic)),
    ("</i>", Tag::Close(Markup::Italic)),
    ("<b>", Tag::Open(Markup::Bold)),
    ("</b>", Tag::Close(Markup::Bold)),
    ("<sc>", Tag::Open(Markup::SmallCaps)),
    ("</sc>", Tag::Close(Markup::SmallCaps)),
    ("<sup>", Tag::Open(Markup::Sup)),
    ("</sup>", Tag::Close(Markup::Sup)),
    ("<sub>", Tag::Open(Markup::Sub)),
    ("</sub>", Tag::Close(Markup::Sub)),
    ("<span style=\"font-variant:small-caps;\">", Tag::Open(Markup::SmallCaps)),
    ("<span style=\"font-variant: small-caps;\">", Tag::Open(Markup::SmallCaps)),
    ("<span class=\"nocase\">", Tag::Open(Markup::NoCase)),
    ("<span class=\"nodecor\">", Tag::Open(Markup::NoDecor)),
    ("</span>", Tag::CloseSpan),
];

/// Whether the string may hold markup (else it is printed as it is).
pub(crate) fn may_have_markup(s: &str) -> bool {
    s.contains(['<', '"', '\'', '“', '”', '‘', '’'])
}

/// The tag a quotation mark at byte `i` of `s` is, if any (`None`: an
/// apostrophe or text).
fn quote_tag(s: &str, i: usize, c: char) -> Option<Tag> {
    let prev = s[..i].chars().next_back();
    let next = s[i + c.len_utf8()..].chars().next();
    // citeproc-js looks at the string with a space before it.
    let after_space = prev.is_none_or(|p| p.is_whitespace() || p == '(');
    let next_is_space = next.is_none_or(char::is_whitespace);
    match c {
        '"' if after_space => Some(Tag::OpenQuote(QuoteKind::StraightDouble)),
        '"' => Some(Tag::CloseQuote(QuoteKind::StraightDouble)),
        // ` 'x` opens, ` ' ` is an apostrophe.
        '\'' if after_space => {
            (!next_is_space).then_some(Tag::OpenQuote(QuoteKind::StraightSingle))
        }
        // `x'` followed by a space or one of `,.?:;` closes, else (`You're`)
        // it is an apostrophe.
        '\'' => (next_is_space || next.is_some_and(|n| ",.?:;".contains(n)))
            .then_some(Tag::CloseQuote(QuoteKind::StraightSingle)),
        '“' => Some(Tag::OpenQuote(QuoteKind::CurlyDouble)),
        '”' => Some(Tag::CloseQuote(QuoteKind::CurlyDouble)),
        '‘' => Some(Tag::OpenQuote(QuoteKind::CurlySingle)),
        // `’` between letters is an apostrophe.
        '’' if prev.is_some_and(char::is_alphanumeric)
            && next.is_some_and(char::is_alphanumeric) =>
        {
            None
        }
        '’' => Some(Tag::CloseQuote(QuoteKind::CurlySingle)),
        _ => None,
    }
}

/// Splits a string into text and matched markup. Tags and quotes without a
/// partner stay text; straight apostrophes become `’`.
pub(crate) fn parse(s: &str) -> Vec<Piece<'_>> {
    // Tokens: text spans (byte ranges) and tags.
    enum Tok {
        Text(usize, usize),
        Tag(Tag, usize, usize),
    }
    let mut toks = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap();
        let found = match c {
            '<' => TAGS.iter().find(|(t, _)| rest.starts_with(t)).map(|(t, tag)| (*tag, t.len())),
            '"' | '\'' | '“' | '”' | '‘' | '’' => quote_tag(s, i, c).map(|t| (t, c.len_utf8())),
            _ => None,
        };
        match found {
            Some((tag, len)) => {
                if text_start < i {
                    toks.push(Tok::Text(text_start, i));
                }
                toks.push(Tok::Tag(tag, i, i + len));
                i += len;
                text_start = i;
            }
            None => i += c.len_utf8(),
        }
    }
    if text_start < s.len() {
        toks.push(Tok::Text(text_start, s.len()));
    }

    // Match openers and closers, properly nested: a closer closes the
    // innermost opener it fits (the openers inside it were not closed: they
    // are text); a closer without an opener and an opener without a closer
    // are text.
    let mut matched: Vec<Option<Piece<'static>>> = vec![None; toks.len()];
    let mut stack: Vec<(usize, Tag)> = Vec::new();
    let mut outer_straight: Option<QuoteKind> = None;
    for (k, tok) in toks.iter().enumerate() {
        let Tok::Tag(tag, ..) = tok else { continue };
        match tag {
            Tag::Open(_) | Tag::OpenQuote(_) => stack.push((k, *tag)),
            closer => {
                let Some(at) = stack.iter().rposition(|(_, o)| closer.closes(*o)) else {
                    continue;
                };
                let (opener, tag) = stack[at];
                stack.truncate(at);
                let m = match tag {
                    Tag::Open(m) => m,
                    Tag::OpenQuote(QuoteKind::CurlyDouble) => Markup::Curly(true),
                    Tag::OpenQuote(QuoteKind::CurlySingle) => Markup::Curly(false),
                    Tag::OpenQuote(straight) => {
                        Markup::Quote(straight == *outer_straight.get_or_insert(straight))
                    }
                    _ => unreachable!("only openers are stacked"),
                };
                matched[opener] = Some(Piece::Open(m));
                matched[k] = Some(Piece::Close(m));
            }
        }
    }
    // Straight quotes take their form from the first pair in the text, not
    // the first to close: fix up pairs decided before it was known.
    if let Some(first) = toks.iter().enumerate().find_map(|(k, t)| match (t, &matched[k]) {
        (Tok::Tag(Tag::OpenQuote(q @ (QuoteKind::StraightDouble | QuoteKind::StraightSingle)), ..), Some(_)) => Some(*q),
        _ => None,
    }) {
        for (k, tok) in toks.iter().enumerate() {
            if let (Tok::Tag(Tag::OpenQuote(q) | Tag::CloseQuote(q), ..), Some(Piece::Open(m) | Piece::Close(m))) = (tok, &mut matched[k]) {
                if matches!(q, QuoteKind::StraightDouble | QuoteKind::StraightSingle) {
                    *m = Markup::Quote(*q == first);
                }
            }
        }
    }

    let mut out: Vec<Piece> = Vec::new();
    for (k, tok) in toks.iter().enumerate() {
        let text = match (tok, matched[k].take()) {
            (Tok::Tag(..), Some(piece)) => {
                out.push(piece);
                continue;
            }
            (Tok::Text(a, b) | Tok::Tag(_, a, b), _) => &s[*a..*b],
        };
        let text: Cow<str> =
            if text.contains('\'') { text.replace('\'', "’").into() } else { text.into() };
        match out.last_mut() {
            Some(Piece::Text(last)) => last.to_mut().push_str(&text),
            _ => out.push(Piece::Text(text)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        parse(s)
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Open(m) => format!("[{m:?}"),
                Piece::Close(m) => format!("{m:?}]"),
            })
            .collect()
    }

    #[test]
    fn rich_text_markup_and_quotes() {
        assert_eq!(show("One <i>Two</i> Three"), "One [ItalicTwoItalic] Three");
        assert_eq!(show("One <i>Two <i>x</i> y</i>"), "One [ItalicTwo [ItalicxItalic] yItalic]");
        assert_eq!(show("One TwoF</i> Three"), "One TwoF</i> Three");
        assert_eq!(
            show("'Nobody Knows You're a Dog': As"),
            "[Quote(true)Nobody Knows You’re a DogQuote(true)]: As"
        );
        assert_eq!(show("ETFA '09)"), "ETFA ’09)");
        assert_eq!(
            show("It is (\"<i>My</i>\") now"),
            "It is ([Quote(true)[ItalicMyItalic]Quote(true)]) now"
        );
        assert_eq!(show("a <span class=\"nocase\">B</span> c"), "a [NoCaseBNoCase] c");
        // Curly quotes are their own kind, printed as written (citris patch 85).
        assert_eq!(show("My “Amazing” Title"), "My [Curly(true)AmazingCurly(true)] Title");
        assert_eq!(show("of ‘No jab’ policy"), "of [Curly(false)No jabCurly(false)] policy");
        assert_eq!(
            show("\"a 'b' c\" 'd'"),
            "[Quote(true)a [Quote(false)bQuote(false)] cQuote(true)] [Quote(false)dQuote(false)]"
        );
        assert_eq!(show("l'Égypte, Plato’s"), "l’Égypte, Plato’s");
        assert_eq!(
            show("The 'single' case of the '90s"),
            "The [Quote(true)singleQuote(true)] case of the ’90s"
        );
        assert_eq!(show("The 'single’ case"), "The [Quote(true)singleQuote(true)] case");
    }
}
