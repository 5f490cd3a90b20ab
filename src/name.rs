//! Personal and organisational names, and how RIS writes them.
//!
//! RIS 2011 (all types, AU/A1–A4): "Lastname, Firstname, Suffix"; exporters also
//! write `Firstname Lastname` (IEEE Xplore: `K. He`), several names on one line
//! separated by `;`, and organisations. An organisation must stay one literal
//! name: splitting "World Health Organization" into a given and a family name
//! makes styles print "Organization, W. H.".

use crate::text::collapse_ws;
use std::borrow::Cow;

/// A name in CSL form. A literal name (organisation, single word) has only `literal`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Name {
    /// Family name without particles.
    pub family: String,
    /// Given names or initials.
    pub given: String,
    /// `Jr.`, `III` …
    pub suffix: String,
    /// A particle kept with the family name when sorting and inverting (`van der` Waals).
    pub non_dropping_particle: String,
    /// A particle after the given name in inverted form (Beethoven, Ludwig `van`).
    pub dropping_particle: String,
    /// The whole name, not to be split (organisations).
    pub literal: String,
}

// Not `v`/`vi`: after a comma they are initials or given names (`Smith, V`).
const SUFFIXES: &[&str] = &[
    "jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd", "jnr", "snr", "esq", "esq.",
];

/// Lowercase words that are name particles when they lead a family name.
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le", "du", "des", "dos",
    "das", "do", "ter", "ten", "zu", "zum", "zur", "y", "e", "al", "el", "bin", "ibn", "af", "av",
    "st.", "vander", "d'", "l'",
];

/// Words that mark an organisation when a name has no comma.
const ORG_WORDS: &[&str] = &[
    "organization",
    "organisation",
    "institute",
    "institut",
    "university",
    "universität",
    "université",
    "universidad",
    "association",
    "society",
    "group",
    "consortium",
    "committee",
    "council",
    "agency",
    "department",
    "ministry",
    "center",
    "centre",
    "foundation",
    "corporation",
    "company",
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "llc",
    "gmbh",
    "office",
    "bureau",
    "commission",
    "board",
    "network",
    "collaboration",
    "team",
    "project",
    "laboratory",
    "laboratories",
    "service",
    "services",
    "federation",
    "union",
    "academy",
    "trust",
    "college",
    "school",
    "hospital",
    "authority",
    "administration",
    "program",
    "programme",
    "initiative",
    "alliance",
    "coalition",
    "taskforce",
    "force",
    "investigators",
    "registry",
    "panel",
    "working",
    "press",
    "publishing",
    "publishers",
    "museum",
    "library",
    "archives",
    "bank",
    "fund",
    "nations",
    "government",
    "parliament",
    "congress",
    "senate",
    "court",
    "party",
    "industries",
    "systems",
    "technologies",
    "health",
    "research",
    "national",
    "international",
    "world",
    "european",
    "american",
    "and",
    "&",
    "of",
    "for",
    "the",
];

impl Name {
    /// A literal (organisation) name.
    pub fn literal(s: &str) -> Name {
        Name {
            literal: s.trim().to_string(),
            ..Default::default()
        }
    }

    /// True when this is a literal name.
    pub fn is_literal(&self) -> bool {
        !self.literal.is_empty()
    }

    /// Family name with its non-dropping particle (`van der Waals`).
    pub fn full_family(&self) -> String {
        self.family_text().into_owned()
    }

    /// Given name with its dropping particle (`Ludwig van`).
    pub fn full_given(&self) -> String {
        self.given_text().into_owned()
    }

    /// [`Name::full_family`], borrowed when it is one part (nearly always):
    /// the writers ask for it for every name.
    pub(crate) fn family_text(&self) -> Cow<'_, str> {
        if self.is_literal() {
            return Cow::Borrowed(&self.literal);
        }
        join_nonempty(&self.non_dropping_particle, &self.family)
    }

    /// [`Name::full_given`], borrowed when it is one part.
    pub(crate) fn given_text(&self) -> Cow<'_, str> {
        join_nonempty(&self.given, &self.dropping_particle)
    }

    /// The name as RIS writes it: `Family, Given, Suffix`, or the literal.
    pub fn to_ris(&self) -> String {
        if self.is_literal() {
            // Braces keep a literal whole when it would read back as a person.
            return if Name::parse(&self.literal) == *self {
                self.literal.clone()
            } else {
                format!("{{{}}}", self.literal)
            };
        }
        let mut s = self.full_family();
        let given = self.full_given();
        if !given.is_empty() || !self.suffix.is_empty() {
            s.push_str(", ");
            s.push_str(&given);
        }
        if !self.suffix.is_empty() {
            s.push_str(", ");
            s.push_str(&self.suffix);
        }
        // A family name alone that would read back as something else (several words
        // read as a person or an institution): a trailing comma says "family only".
        if given.is_empty() && self.suffix.is_empty() && Name::parse(&s) != *self {
            s.push(',');
        }
        s
    }

    /// Parses one RIS name. `Family, Given[, Suffix]` when there is a comma;
    /// otherwise organisations stay literal and `Given Family` is split at the
    /// family name (with its particles).
    pub fn parse(raw: &str) -> Name {
        let raw = raw.trim();
        let s = collapse_ws(raw.trim_end_matches(',').trim());
        if s.is_empty() {
            return Name::default();
        }
        if let Some(lit) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            return Name::literal(lit);
        }
        if !s.contains(',') && raw.ends_with(',') {
            // `Family,`: a family name with no given name.
            let (ndp, family) = split_leading_particles(&s);
            return Name {
                family: family.to_string(),
                non_dropping_particle: ndp.to_string(),
                ..Default::default()
            };
        }
        if s.contains(',') {
            // The parts between commas, without collecting them (one name per call).
            let mut parts = s.split(',').map(str::trim);
            let family_part = parts.next().unwrap_or("");
            let (given, suffix) = match (parts.next(), parts.next()) {
                (None, _) => ("", String::new()),
                (Some(p1), None) => {
                    if is_suffix(p1) {
                        ("", p1.to_string())
                    } else {
                        (p1, String::new())
                    }
                }
                (Some(p1), Some(p2)) => {
                    // "Family, Jr., Given" (BibTeX order) or "Family, Given, Suffix" (RIS order).
                    if is_suffix(p1) && !is_suffix(p2) {
                        (p2, p1.to_string())
                    } else {
                        let mut rest = p2.to_string();
                        for p in parts {
                            rest.push_str(", ");
                            rest.push_str(p);
                        }
                        (p1, rest)
                    }
                }
            };
            if family_part.is_empty() {
                return Name::literal(&s);
            }
            if given.is_empty() && suffix.is_empty() && looks_like_org(family_part) {
                return Name::literal(family_part);
            }
            let (ndp, family) = split_leading_particles(family_part);
            let (given, dp) = split_trailing_particles(given);
            return Name {
                family: family.to_string(),
                given: given.to_string(),
                suffix,
                non_dropping_particle: ndp.to_string(),
                dropping_particle: dp.to_string(),
                literal: String::new(),
            };
        }
        let words: Vec<&str> = s.split(' ').collect();
        // A suffix cannot open a name ("Jr. Smith"): keep such text whole.
        if looks_like_org(&s) || (words.len() > 1 && is_suffix(words[0])) {
            return Name::literal(&s);
        }
        if words.len() == 1 {
            // `Plato`, `Homerus`: a family name alone (as citation.js reads it).
            return Name {
                family: s.into_owned(),
                ..Default::default()
            };
        }
        // `He K` / `Smith JM` (MEDLINE and Vancouver style): family first, initials last.
        let n_init = words.iter().rev().take_while(|w| is_initials(w)).count();
        if n_init > 0 && n_init < words.len() && !is_initials(words[0]) {
            let fam = words[..words.len() - n_init].join(" ");
            let (ndp, family) = split_leading_particles(&fam);
            return Name {
                family: family.to_string(),
                given: words[words.len() - n_init..].join(" "),
                non_dropping_particle: ndp.to_string(),
                ..Default::default()
            };
        }
        // Given Family, with an optional suffix at the end and particles before the family.
        let mut end = words.len();
        let mut suffix = String::new();
        if end > 2 && is_suffix(words[end - 1]) {
            suffix = words[end - 1].to_string();
            end -= 1;
        }
        // The family name starts at the first lowercase particle after the first word,
        // else it is the last word.
        let particle_at = (1..end - 1).find(|&i| is_particle(words[i]));
        // `Catarina Barata`, `Kaiming He`: exporters (IEEE Xplore, CRC Press) write
        // people this way, so a short run of capitalised words is a person. An
        // organisation is caught above by its words; a leading article
        // (`De Vlinderstichting`, `The Lancet`) or five words or more without a
        // particle mark an institution too.
        let article =
            ARTICLES.contains(&words[0].to_lowercase().as_str()) && !is_initials(words[0]);
        if article
            || (particle_at.is_none() && end > 4)
            || !words[..end].iter().all(|w| looks_like_name_word(w))
        {
            return Name::literal(&s);
        }
        let start = particle_at.unwrap_or(end - 1);
        let given = words[..start].join(" ");
        let fam_words = &words[start..end];
        let np = fam_words
            .iter()
            .take_while(|w| is_particle(w))
            .count()
            .min(fam_words.len() - 1);
        Name {
            family: fam_words[np..].join(" "),
            given,
            suffix,
            non_dropping_particle: fam_words[..np].join(" "),
            dropping_particle: String::new(),
            literal: String::new(),
        }
    }
}

/// Splits a name line that holds several names separated by `;` (RIS 2011 allows one
/// name per tag; exporters such as Mendeley and some library catalogues pack several).
pub fn parse_list(raw: &str) -> Vec<Name> {
    let mut names = Vec::new();
    parse_list_into(raw, &mut names);
    names
}

/// [`parse_list`] appended to `names`: the reader adds each tag's names to its
/// role's list, without a vector per tag.
pub(crate) fn parse_list_into(raw: &str, names: &mut Vec<Name>) {
    names.extend(
        raw.split(';')
            .map(Name::parse)
            .filter(|n| *n != Name::default()),
    );
}

/// `K`, `K.`, `JM`, `J.M.`, `J.-P.`: upper-case letters, at most three, with dots or hyphens.
fn is_initials(w: &str) -> bool {
    let (mut letters, mut upper) = (0, true);
    for c in w.chars().filter(|c| *c != '.' && *c != '-') {
        letters += 1;
        upper &= c.is_uppercase();
    }
    letters != 0
        && letters <= 3
        && upper
        && (letters == 1 || w.contains('.') || !w.chars().any(|c| c == '-'))
        && !(letters > 1 && !w.contains('.') && is_suffix(w))
}

/// Words that open an institution's name, never a person's (`De Vlinderstichting`).
const ARTICLES: &[&str] = &[
    "the", "de", "het", "la", "le", "les", "el", "los", "las", "der", "die", "das", "il", "lo",
];

/// A word that can be part of a personal name: starts with a letter, upper case
/// unless it is a particle, no digits.
fn looks_like_name_word(w: &str) -> bool {
    let Some(c0) = w.chars().next() else {
        return false;
    };
    (c0.is_uppercase() || is_particle(w) || w.starts_with("d'") || w.starts_with("O'"))
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '\u{2019}'))
}

fn is_suffix(s: &str) -> bool {
    // The list is lower-case ASCII: what `to_ascii_lowercase` and `==` give, without a copy.
    SUFFIXES.iter().any(|x| x.eq_ignore_ascii_case(s))
}

fn is_particle(w: &str) -> bool {
    let first = w.chars().next().unwrap_or('A');
    first.is_lowercase() && PARTICLES.contains(&w.to_lowercase().as_str())
        || (w.len() > 2 && (w.starts_with("d'") || w.starts_with("l'")))
}

fn split_leading_particles(family: &str) -> (&str, &str) {
    let mut idx = 0;
    let mut rest = family;
    loop {
        match rest.find(' ') {
            Some(sp) if is_particle(&rest[..sp]) => {
                idx += sp + 1;
                rest = &rest[sp + 1..];
            }
            _ => break,
        }
    }
    if idx == 0 {
        ("", family)
    } else {
        (family[..idx].trim_end(), &family[idx..])
    }
}

fn split_trailing_particles(given: &str) -> (&str, &str) {
    let mut end = given.len();
    while let Some(sp) = given[..end].rfind(' ') {
        if is_particle(&given[sp + 1..end]) {
            end = sp;
        } else {
            break;
        }
    }
    if end == given.len() || end == 0 {
        (given, "")
    } else {
        (&given[..end], given[end..].trim_start())
    }
}

/// An organisation: a known institutional word among several words, or an
/// ampersand / digit (people's names have none).
pub fn looks_like_org(s: &str) -> bool {
    let words: Vec<String> = s.split_whitespace().map(|w| w.to_lowercase()).collect();
    if words.len() < 2 {
        return false;
    }
    if s.contains(['&', '/', '@']) || s.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    let strong = words.iter().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        ORG_WORDS.contains(&w)
            && !matches!(w, "and" | "of" | "for" | "the" | "&" | "world" | "national")
    });
    strong
        || words.len() >= 4
            && words
                .iter()
                .any(|w| matches!(w.as_str(), "of" | "for" | "the"))
}

/// `a b`, or the one of them that is not empty (borrowed).
fn join_nonempty<'a>(a: &'a str, b: &'a str) -> Cow<'a, str> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => Cow::Borrowed(b),
        (false, true) => Cow::Borrowed(a),
        (false, false) => Cow::Owned(format!("{a} {b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fg(n: &Name) -> (String, String) {
        (n.full_family(), n.full_given())
    }

    #[test]
    fn comma_form() {
        let n = Name::parse("Esmaeili Gouvarchin Ghaleh, Hadi");
        assert_eq!(n.family, "Esmaeili Gouvarchin Ghaleh");
        assert_eq!(n.given, "Hadi");
    }

    #[test]
    fn suffix_both_orders() {
        let a = Name::parse("King, Martin Luther, Jr.");
        assert_eq!(
            (a.family.as_str(), a.given.as_str(), a.suffix.as_str()),
            ("King", "Martin Luther", "Jr.")
        );
        let b = Name::parse("Gates, III, William H.");
        assert_eq!((b.given.as_str(), b.suffix.as_str()), ("William H.", "III"));
    }

    #[test]
    fn given_family_without_comma() {
        let n = Name::parse("K. He");
        assert_eq!(fg(&n), ("He".into(), "K.".into()));
        let n = Name::parse("Johannes Diderik van der Waals");
        assert!(!n.is_literal());
        assert_eq!(n.non_dropping_particle, "van der");
        assert_eq!(n.family, "Waals");
        assert_eq!(n.given, "Johannes Diderik");
    }

    #[test]
    fn family_then_initials_without_comma() {
        assert_eq!(fg(&Name::parse("He K")), ("He".into(), "K".into()));
        assert_eq!(fg(&Name::parse("Smith JM")), ("Smith".into(), "JM".into()));
        assert_eq!(
            fg(&Name::parse("J. M. Smith")),
            ("Smith".into(), "J. M.".into())
        );
        assert_eq!(
            fg(&Name::parse("J.-P. Sartre")),
            ("Sartre".into(), "J.-P.".into())
        );
        assert_eq!(
            fg(&Name::parse("Kaiming He")),
            ("He".into(), "Kaiming".into())
        );
        assert_eq!(
            fg(&Name::parse("Catarina Barata")),
            ("Barata".into(), "Catarina".into())
        );
        // A leading article marks an institution.
        assert_eq!(
            Name::parse("De Vlinderstichting").literal,
            "De Vlinderstichting"
        );
        assert_eq!(
            Name::parse("The Cochrane Collaboration").literal,
            "The Cochrane Collaboration"
        );
    }

    #[test]
    fn particles_in_comma_form() {
        let n = Name::parse("de la Cruz, Juan");
        assert_eq!(
            (n.non_dropping_particle.as_str(), n.family.as_str()),
            ("de la", "Cruz")
        );
        let n = Name::parse("Beethoven, Ludwig van");
        assert_eq!(
            (n.given.as_str(), n.dropping_particle.as_str()),
            ("Ludwig", "van")
        );
        assert_eq!(n.to_ris(), "Beethoven, Ludwig van");
    }

    #[test]
    fn organisations_stay_whole() {
        assert_eq!(
            Name::parse("World Health Organization").literal,
            "World Health Organization"
        );
        assert_eq!(Name::parse("UNESCO").family, "UNESCO");
        assert_eq!(Name::parse("{UNESCO}").literal, "UNESCO");
        assert_eq!(Name::literal("UNESCO").to_ris(), "{UNESCO}");
        assert_eq!(Name::parse("{Smith and Sons}").literal, "Smith and Sons");
        assert!(Name::parse("Ana de Souza").literal.is_empty());
        assert_eq!(Name::parse("Ana de Souza").family, "Souza");
    }

    #[test]
    fn several_names_on_one_line() {
        let v = parse_list("Smith, John; Doe, Jane");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].family, "Doe");
    }
}
