//! Small text helpers shared by the readers and their diagnostics.

use std::borrow::Cow;

/// `s` cut to `max` characters, with `…` when something was cut: values
/// quoted in diagnostics.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Runs of whitespace (line breaks included) as single spaces, trimmed: the
/// same result as `split_whitespace` joined by spaces.
///
/// This runs on every text value of every record, and nearly all values are
/// already collapsed, so a first pass only checks (borrowing the value when it
/// is) and the copying pass runs for the rest.
pub(crate) fn collapse_ws(s: &str) -> Cow<'_, str> {
    if is_collapsed(s.as_bytes()) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(collapse_copy(s))
    }
}

/// No blank at either end, no two blanks in a row, no blank but U+0020.
///
/// Only the bytes that can start a blank are looked at closely: ASCII controls
/// and the UTF-8 lead bytes of Unicode's `White_Space` characters (U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000);
/// continuation bytes (0x80–0xBF) never equal a lead byte.
fn is_collapsed(b: &[u8]) -> bool {
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    let mut i = 0;
    // 32 bytes at a time, tested without branches (vector compares) for
    // exactly what `bytes_collapsed` rejects: a control blank, the bytes of a
    // Unicode blank, two spaces in a row. The window runs three bytes past the
    // block so that a character or a pair starting in it is seen whole.
    while let Some(w) = b.get(i..i + 35) {
        let mut bad = false;
        for j in 0..32 {
            let (c, n1, n2) = (w[j], w[j + 1], w[j + 2]);
            bad |= (c.wrapping_sub(b'\t') < 5)
                | ((c == b' ') & (n1 == b' '))
                | ((c == 0xC2) & ((n1 == 0x85) | (n1 == 0xA0)))
                | ((c == 0xE1) & (n1 == 0x9A) & (n2 == 0x80))
                | ((c == 0xE2)
                    & (((n1 == 0x80)
                        & ((n2 <= 0x8A) | (n2 == 0xA8) | (n2 == 0xA9) | (n2 == 0xAF)))
                        | ((n1 == 0x81) & (n2 == 0x9F))))
                | ((c == 0xE3) & (n1 == 0x80) & (n2 == 0x80));
        }
        if bad || (prev_space && w[0] == b' ') {
            return false;
        }
        prev_space = w[31] == b' ';
        i += 32;
    }
    bytes_collapsed(b, i, b.len(), &mut prev_space)
}

/// [`is_collapsed`] for `b[from..to]`, one byte at a time (a character may run on
/// past `to`: its lead byte decides, and continuation bytes never match a lead).
fn bytes_collapsed(b: &[u8], from: usize, to: usize, prev_space: &mut bool) -> bool {
    for i in from..to {
        let c = b[i];
        if c == b' ' {
            if *prev_space {
                return false;
            }
            *prev_space = true;
            continue;
        }
        *prev_space = false;
        match c {
            b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => return false,
            0xC2 if matches!(b.get(i + 1), Some(0x85 | 0xA0)) => return false,
            0xE1 if b.get(i + 1..i + 3) == Some(&[0x9A, 0x80]) => return false,
            0xE2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) => return false,
                (Some(0x81), Some(0x9F)) => return false,
                _ => {}
            },
            0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => return false,
            _ => {}
        }
    }
    true
}

/// The copying pass of [`collapse_ws`]: runs of non-blanks copied whole, only
/// non-ASCII bytes decoded.
fn collapse_copy(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut run: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let (blank, len) = if b[i] < 0x80 {
            (
                matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
                1,
            )
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if blank {
            if let Some(start) = run.take() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
            }
        } else if run.is_none() {
            run = Some(i);
        }
        i += len;
    }
    if let Some(start) = run {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..]);
    }
    out
}

/// The first index at or after `from` whose byte is `hit`, or `b.len()`.
///
/// The writers look for the few bytes that need escaping in long values
/// (abstracts) that nearly never have one: 32 bytes are tested at a time
/// without branching (the compiler turns that into vector compares), and only
/// the block with a hit is searched byte by byte.
#[inline(always)]
pub(crate) fn find_byte(b: &[u8], from: usize, hit: impl Fn(u8) -> bool) -> usize {
    let mut i = from;
    while let Some(block) = b.get(i..i + 32) {
        if block.iter().fold(false, |any, &c| any | hit(c)) {
            break;
        }
        i += 32;
    }
    i + b[i..].iter().position(|&c| hit(c)).unwrap_or(b.len() - i)
}

#[cfg(test)]
mod find_byte_tests {
    /// The same answer as a plain search, wherever the byte falls.
    #[test]
    fn agrees_with_position() {
        let base: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
        for at in 0..=base.len() {
            let mut v = base.clone();
            if at < v.len() {
                v[at] = b'"';
            }
            for from in [0, 1, 31, 32, 33, at.min(v.len())] {
                let from = from.min(v.len());
                let want = v[from..]
                    .iter()
                    .position(|&c| c == b'"')
                    .map_or(v.len(), |p| p + from);
                assert_eq!(
                    super::find_byte(&v, from, |c| c == b'"'),
                    want,
                    "{at} {from}"
                );
            }
        }
    }
}

#[cfg(test)]
mod collapse_tests {
    use super::collapse_ws;

    #[test]
    fn collapse_ws_fast_and_general_paths_agree() {
        for s in [
            "plain words",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "line\nbreak",
            "vt\u{b}x",
            "nbsp\u{a0}x",
            "em\u{2003}space",
            "Müller  x",
            "",
            " ",
            "a",
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_ws(s), want, "{s:?}");
        }
    }

    /// Two spaces in a row are found wherever they fall: inside an eight-byte
    /// step, across two, after a non-ASCII step.
    #[test]
    fn double_spaces_everywhere() {
        let base = "abcdefghijklmnopqrstuvwxyzé0123456789";
        for at in 1..base.len() {
            if !base.is_char_boundary(at) {
                continue;
            }
            let s = format!("{}  {}", &base[..at], &base[at..]);
            assert_eq!(
                collapse_ws(&s),
                format!("{} {}", &base[..at], &base[at..]),
                "{at}"
            );
            let one = format!("{} {}", &base[..at], &base[at..]);
            assert!(
                matches!(collapse_ws(&one), std::borrow::Cow::Borrowed(_)),
                "{at}"
            );
        }
    }

    /// `collapse_ws(s)` is `split_whitespace` joined by spaces, and borrowed
    /// exactly when that equals `s` (`c` is the character under test).
    fn same_as_split_whitespace(s: &str, c: char) {
        let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(collapse_ws(s), want, "U+{:04X} in {s:?}", c as u32);
        assert_eq!(
            matches!(collapse_ws(s), std::borrow::Cow::Borrowed(_)),
            want == s,
            "U+{:04X} in {s:?}",
            c as u32
        );
    }

    /// In values long enough for the 32-byte blocks: every blank and every
    /// double space is seen wherever it falls (inside a block, across two,
    /// in the tail), and non-blank multi-byte characters are let through.
    #[test]
    fn blocks_see_every_blank() {
        let base: String = "abc\u{2013}defgh\u{e9}ijklmnopqrstuvwxyz 0123456789"
            .repeat(3)
            .chars()
            .collect();
        let blanks = (0..0x3100u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        for c in blanks.chain(["\u{2013}", "\u{2028}"].iter().flat_map(|s| s.chars())) {
            for at in (1..base.len()).filter(|&at| base.is_char_boundary(at)) {
                for s in [
                    format!("{}{c}{}", &base[..at], &base[at..]),
                    format!("{} {c}{}", &base[..at], &base[at..]),
                ] {
                    same_as_split_whitespace(&s, c);
                }
            }
        }
    }

    /// The check agrees with `char::is_whitespace` for every character, alone,
    /// doubled, at either end and between letters.
    #[test]
    fn every_blank_is_seen() {
        // Positions 0–17 of a longer value too (values this short are checked
        // byte by byte; `blocks_see_every_blank` covers the 32-byte blocks).
        let long = "abcdefghijklmnopq";
        for c in (0..0x3100u32).filter_map(char::from_u32) {
            let mut cases = vec![
                format!("a{c}b"),
                format!("{c}ab"),
                format!("ab{c}"),
                format!("a {c}b"),
                format!("a{c} b"),
                format!("{c}"),
            ];
            for at in 0..=long.len() {
                cases.push(format!("{}{c}{}", &long[..at], &long[at..]));
                cases.push(format!("{} {c}{}", &long[..at], &long[at..]));
            }
            for s in cases {
                same_as_split_whitespace(&s, c);
            }
        }
    }
}
