//! Dates as RIS exporters write them, and as CSL wants them.
//!
//! RIS 2011: `PY` is "YYYY", `DA`/`Y1`/`Y2` are "YYYY/MM/DD/other info" with any part
//! possibly empty (`2021///`, `2019/03/15/Spring`). Exporters also write ISO dates,
//! `June 2016`, `27-30 June 2016`, `Spring 2019`, `May 17, 2019`.

/// A date or a date range (CSL `date-parts` with one or two parts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Date {
    /// One part, or two for a range. Each is `[year, month, day]` with 0 for unknown.
    pub parts: Vec<[i32; 3]>,
    /// CSL season 1–4 (spring, summer, autumn, winter) when given instead of a month.
    pub season: Option<u8>,
    /// The RIS "other info" part (a time, a note) kept for the RIS round trip.
    pub other: String,
    /// The text as written, when it could not be read as a date.
    pub literal: String,
}

/// The English month names, the one list every reader and writer uses: dates
/// in words (`June 2016`), RIS words for ranges, BibTeX's month macros (their
/// first three letters, "BibTeXing" §4: `jan` … `dec`).
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// BibTeX's macro for month `m` (1–12).
pub(crate) fn month_macro(m: usize) -> &'static str {
    &MONTHS[m - 1][..3]
}

/// The month's name with a capital (`June`), for month `m` (1–12).
fn month_name(m: usize) -> String {
    let name = MONTHS[m - 1];
    name[..1].to_ascii_uppercase() + &name[1..]
}

impl Date {
    /// A date from a year alone.
    pub fn year_only(y: i32) -> Date {
        Date {
            parts: vec![[y, 0, 0]],
            ..Default::default()
        }
    }

    /// The (first) year, if known.
    pub fn year(&self) -> Option<i32> {
        self.parts.first().map(|p| p[0]).filter(|y| *y != 0)
    }

    /// How many of year, month, day the first part has.
    pub fn precision(&self) -> usize {
        match self.parts.first() {
            None => 0,
            Some(p) if p[1] == 0 => 1,
            Some(p) if p[2] == 0 => 2,
            Some(_) => 3,
        }
    }

    /// True when this date holds only an unreadable literal.
    pub fn is_literal(&self) -> bool {
        self.parts.is_empty() && !self.literal.is_empty()
    }

    /// Same year and, where both have them, same month and day.
    pub fn consistent_with(&self, other: &Date) -> bool {
        match (self.parts.first(), other.parts.first()) {
            (Some(a), Some(b)) => {
                a[0] == b[0]
                    && (a[1] == 0 || b[1] == 0 || a[1] == b[1])
                    && (a[2] == 0 || b[2] == 0 || a[2] == b[2])
            }
            _ => false,
        }
    }

    /// ISO 8601 form (`2021-06-22`, `2021-06`, `2021`, ranges with `/`), as BibLaTeX's `date` wants.
    pub fn to_iso(&self) -> Option<String> {
        if self.parts.is_empty() {
            return None;
        }
        let one = |p: &[i32; 3]| {
            let mut s = format!("{:04}", p[0]);
            if p[1] > 0 {
                s.push_str(&format!("-{:02}", p[1]));
                if p[2] > 0 {
                    s.push_str(&format!("-{:02}", p[2]));
                }
            }
            s
        };
        let mut s = one(&self.parts[0]);
        if let Some(end) = self.parts.get(1) {
            s.push('/');
            s.push_str(&one(end));
        }
        Some(s)
    }

    /// RIS form `YYYY/MM/DD/other` (RIS 2011 "DA"), or the literal.
    pub fn to_ris(&self) -> String {
        let Some(p) = self.parts.first() else {
            return self.literal.clone();
        };
        let f = |v: i32| {
            if v > 0 {
                format!("{v:02}")
            } else {
                String::new()
            }
        };
        let other = if !self.other.is_empty() {
            self.other.clone()
        } else {
            match self.season {
                Some(s) => ["", "Spring", "Summer", "Autumn", "Winter"][s as usize].to_string(),
                None => String::new(),
            }
        };
        format!("{:04}/{}/{}/{}", p[0], f(p[1]), f(p[2]), other)
    }

    /// Words for what the `YYYY/MM/DD` form cannot hold: ranges (`27-30 June 2016`,
    /// `June-July 2016`) and literals. [`Date::parse`] reads these back.
    pub fn to_ris_words(&self) -> String {
        let (Some(a), b) = (self.parts.first(), self.parts.get(1)) else {
            return self.literal.clone();
        };
        let part = |p: &[i32; 3], with_year: bool| {
            let mut s = String::new();
            if p[2] > 0 {
                s.push_str(&format!("{} ", p[2]));
            }
            if p[1] > 0 {
                s.push_str(&month_name(p[1] as usize));
            }
            if with_year {
                s.push_str(&format!(" {:04}", p[0]));
            }
            s.trim().to_string()
        };
        match b {
            None => part(a, true),
            Some(b) if b[0] == a[0] && b[1] == a[1] && a[2] > 0 && b[2] > 0 => {
                format!(
                    "{}-{} {} {:04}",
                    a[2],
                    b[2],
                    month_name(a[1].max(1) as usize),
                    a[0]
                )
            }
            Some(b) if b[0] == a[0] => format!("{}-{} {:04}", part(a, false), part(b, false), a[0]),
            Some(b) if a[1] == 0 && b[1] == 0 => format!("{:04} - {:04}", a[0], b[0]),
            Some(_) => part(a, true),
        }
    }

    /// Reads a date in any shape listed in the module docs. `None` when no year is found.
    pub fn parse(raw: &str) -> Option<Date> {
        let s = raw.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(d) = parse_ris_slashes(s) {
            return Some(d);
        }
        parse_words(s)
    }
}

/// `YYYY`, `YYYY/MM/DD/other`, `YYYY-MM-DD`, `YYYY/MM`, trailing slashes.
fn parse_ris_slashes(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 4 && b[4].is_ascii_digit() {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let rest = &s[4..];
    if rest.is_empty() {
        return Some(Date::year_only(year));
    }
    let sep = rest.as_bytes()[0];
    if sep != b'/' && sep != b'-' {
        return None;
    }
    let fields: Vec<&str> = rest[1..].splitn(3, sep as char).collect();
    let num = |f: Option<&&str>, max: i32| -> Option<i32> {
        match f.map(|x| x.trim()) {
            None | Some("") => Some(0),
            Some(x) if x.len() <= 2 && x.bytes().all(|c| c.is_ascii_digit()) => {
                let v: i32 = x.parse().ok()?;
                (v <= max).then_some(v)
            }
            _ => None,
        }
    };
    let mut season = None;
    let month = match num(fields.first(), 12) {
        Some(m) => m,
        None => {
            // `2019/Spring`
            season = fields.first().and_then(|f| season_of(f));
            season?;
            0
        }
    };
    let day = if season.is_some() {
        0
    } else {
        num(fields.get(1), 31)?
    };
    let other = if season.is_some() {
        String::new()
    } else {
        fields
            .get(2)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut d = Date {
        parts: vec![[year, month, if month == 0 { 0 } else { day }]],
        ..Default::default()
    };
    if sep == b'-' && !other.is_empty() {
        // `2019-05-17T10:00` style: keep the time as other info.
        d.other = other;
    } else if let Some(se) = season_of(&other).filter(|_| month == 0) {
        d.season = Some(se);
    } else {
        d.other = other;
    }
    if season.is_some() {
        d.season = season;
    }
    Some(d)
}

/// A season's English name (`Fall` too) as its CSL number 1–4.
pub(crate) fn season_of(s: &str) -> Option<u8> {
    match s.trim().to_lowercase().as_str() {
        "spring" => Some(1),
        "summer" => Some(2),
        "autumn" | "fall" => Some(3),
        "winter" => Some(4),
        _ => None,
    }
}

fn month_of(s: &str) -> Option<i32> {
    let w = s.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| w.starts_with(&m[..3]))?;
    // "march" / "mar" / "sept" are fine; reject words that merely start like a month ("marine").
    let full = MONTHS[i];
    (full.starts_with(&w) || w == "sept").then_some(i as i32 + 1)
}

/// Dates written with words: `June 2016`, `27-30 June 2016`, `Spring 2019`,
/// `May 17, 2019`, `17 May 2019`, `2019 May 17`, `Jun-Jul 2019`.
fn parse_words(s: &str) -> Option<Date> {
    let cleaned: String = s
        .chars()
        .map(|c| if c == ',' || c == '.' { ' ' } else { c })
        .collect();
    let tokens: Vec<&str> = cleaned
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|t| !t.is_empty())
        .collect();
    let mut year = None;
    let mut year2 = None;
    let mut months: Vec<i32> = Vec::new();
    let mut days: Vec<i32> = Vec::new();
    let mut season = None;
    for t in &tokens {
        // Ranges inside a token: `27-30`, `Jun-Jul`, `27–30`.
        for piece in t.split(['-', '\u{2013}']) {
            if piece.is_empty() {
                continue;
            }
            if piece.len() == 4 && piece.bytes().all(|b| b.is_ascii_digit()) {
                if year.is_none() {
                    year = piece.parse().ok();
                } else if year2.is_none() {
                    // `1984 - 1985`: a range of years.
                    year2 = piece.parse().ok();
                } else {
                    return None;
                }
            } else if piece.len() <= 2 && piece.bytes().all(|b| b.is_ascii_digit()) {
                let v: i32 = piece.parse().ok()?;
                if (1..=31).contains(&v) {
                    days.push(v);
                } else {
                    return None;
                }
            } else if let Some(m) = month_of(piece) {
                months.push(m);
            } else if let Some(se) = season_of(piece) {
                season = Some(se);
            } else {
                let ord = piece.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                if !ord.is_empty() && ord.len() <= 2 && ord.bytes().all(|b| b.is_ascii_digit()) {
                    days.push(ord.parse().ok()?);
                } else {
                    return None;
                }
            }
        }
    }
    let year = year?;
    if let Some(y2) = year2 {
        if !months.is_empty() || !days.is_empty() || y2 <= year {
            return None;
        }
        return Some(Date {
            parts: vec![[year, 0, 0], [y2, 0, 0]],
            ..Default::default()
        });
    }
    if days.len() > 2 || months.len() > 2 || (!days.is_empty() && months.is_empty()) {
        return None;
    }
    let m0 = months.first().copied().unwrap_or(0);
    let d0 = days.first().copied().unwrap_or(0);
    let mut parts = vec![[year, m0, d0]];
    if months.len() == 2 || days.len() == 2 {
        let m1 = months.get(1).copied().unwrap_or(m0);
        let d1 = days.get(1).copied().unwrap_or(0);
        parts.push([year, m1, d1]);
    }
    Some(Date {
        parts,
        season: if m0 == 0 { season } else { None },
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<[i32; 3]> {
        Date::parse(s).unwrap_or_else(|| panic!("{s}")).parts
    }

    #[test]
    fn ris_shapes() {
        assert_eq!(p("2021"), vec![[2021, 0, 0]]);
        assert_eq!(p("2021///"), vec![[2021, 0, 0]]);
        assert_eq!(p("2021/06/22"), vec![[2021, 6, 22]]);
        assert_eq!(p("2021/06/22/"), vec![[2021, 6, 22]]);
        assert_eq!(p("2019-05-17"), vec![[2019, 5, 17]]);
        let d = Date::parse("2019/03/15/Spring").unwrap();
        assert_eq!(d.parts, vec![[2019, 3, 15]]);
        assert_eq!(d.to_ris(), "2019/03/15/Spring");
        let y2 = Date::parse("2021/06/22/16:18:59").unwrap();
        assert_eq!(y2.parts, vec![[2021, 6, 22]]);
        assert_eq!(y2.other, "16:18:59");
        let s = Date::parse("2019///Spring").unwrap();
        assert_eq!((s.parts[0], s.season), ([2019, 0, 0], Some(1)));
    }

    #[test]
    fn word_shapes() {
        assert_eq!(p("June 2016"), vec![[2016, 6, 0]]);
        assert_eq!(p("27-30 June 2016"), vec![[2016, 6, 27], [2016, 6, 30]]);
        assert_eq!(p("May 17, 2019"), vec![[2019, 5, 17]]);
        assert_eq!(p("17 May 2019"), vec![[2019, 5, 17]]);
        assert_eq!(p("Jun-Jul 2019"), vec![[2019, 6, 0], [2019, 7, 0]]);
        assert_eq!(p("1984 - 1985"), vec![[1984, 0, 0], [1985, 0, 0]]);
        let s = Date::parse("Spring 2019").unwrap();
        assert_eq!(s.season, Some(1));
    }

    #[test]
    fn unreadable() {
        assert!(Date::parse("in press").is_none());
        assert!(Date::parse("n.d.").is_none());
        assert!(Date::parse("2019/13/01").is_none());
    }
}
