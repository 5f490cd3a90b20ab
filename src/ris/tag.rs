//! RIS tags: two characters, a letter and then a letter or digit (RIS 2011,
//! "Tag format"), and their slots in per-tag tables. The lexer makes them and
//! the tag table ([`crate::ris::table`]) indexes by them; neither needs the
//! other for that.

/// A two-letter RIS tag, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub [u8; 2]);

impl Tag {
    /// The tag as text.
    pub fn as_str(&self) -> &str {
        // Called for every field, several times: upper-case letters and digits
        // (all the lexer stores) come from a table, without UTF-8 validation.
        let pos = |b: u8| match b {
            b'A'..=b'Z' => Some(usize::from(b - b'A')),
            b'0'..=b'9' => Some(26 + usize::from(b - b'0')),
            _ => None,
        };
        match (pos(self.0[0]), pos(self.0[1])) {
            (Some(a), Some(b)) => {
                let i = 2 * (a * 36 + b);
                &TAG_TEXT[i..i + 2]
            }
            _ => std::str::from_utf8(&self.0).unwrap_or("??"),
        }
    }
}

/// Every two-character tag of `A`–`Z` and `0`–`9`, in order (`AA`, `AB`, …, `99`).
static TAG_TEXT: &str = {
    const BYTES: [u8; 36 * 36 * 2] = {
        let mut t = [0u8; 36 * 36 * 2];
        let mut i = 0;
        while i < 36 * 36 {
            t[2 * i] = ALNUM[i / 36];
            t[2 * i + 1] = ALNUM[i % 36];
            i += 1;
        }
        t
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => panic!("ASCII"),
    }
};

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Tag {
    /// The tag of a slot (see [`slot`]).
    pub fn from_slot(i: usize) -> Tag {
        Tag([b'A' + (i / 36) as u8, ALNUM[i % 36]])
    }
}

/// Letters, then digits: the characters of tags, in slot order.
const ALNUM: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Slot of a two-character tag (letter, then letter or digit) in per-tag tables.
pub fn slot(tag: &str) -> Option<usize> {
    let b = tag.as_bytes();
    if b.len() != 2 || !b[0].is_ascii_uppercase() {
        return None;
    }
    let second = match b[1] {
        c @ b'A'..=b'Z' => (c - b'A') as usize,
        c @ b'0'..=b'9' => 26 + (c - b'0') as usize,
        _ => return None,
    };
    Some((b[0] - b'A') as usize * 36 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every slot names one tag and that tag has that slot; tags that start
    /// with a digit or are not two characters have none.
    #[test]
    fn slots_and_tags_agree() {
        for i in 0..26 * 36 {
            let tag = Tag::from_slot(i);
            assert_eq!(slot(tag.as_str()), Some(i), "{tag}");
        }
        assert_eq!(Tag(*b"T2").as_str(), "T2");
        for bad in ["2T", "T", "TYX", "ty", "T-"] {
            assert_eq!(slot(bad), None, "{bad}");
        }
    }
}
