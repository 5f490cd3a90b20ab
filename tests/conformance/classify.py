#!/usr/bin/env python3
"""Sort the differences in a conformance report by likely cause.

    CONFORMANCE_REPORT=1 cargo test --release --test it cite::conformance -- --nocapture > tests/conformance/report.txt
    python3 tests/conformance/classify.py tests/conformance/report.txt        # per style
    python3 tests/conformance/classify.py tests/conformance/report.txt -t     # totals per cause
    python3 tests/conformance/classify.py tests/conformance/report.txt -v     # and the unrecognised ones

The rules are heuristics over the two strings (DIFFERENCES.md says what each
cause is and whose it is); whatever they do not recognise is "other".
"""
import collections
import re
import sys

# Punctuation citeproc-js leaves where a part printed nothing, and citris
# merges (`Doe, .`, `Homerus. .`, `record, , 7`, `2000. , S`, `Anon:, n`).
DANGLING = re.compile(r"[,.;:] [,.;:]|[,:;][,;]|[.;:] ?\.$|;\.|\w \.$|\w \.[ ,]|:,| , |\. ,")


def window(a, b):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return a[i:len(a) - j], b[i:len(b) - j], i


def cause(style, cite, ident, js, us):
    wa, wb, at = window(js, us)
    near_js = js[max(0, at - 3):at + len(wa) + 3]
    near_us = us[max(0, at - 3):at + len(wb) + 3]
    if "barata2015robust" in ident:
        return "jabref record: given name `Me` and a run of spaces in the title"
    if "literal_date.input" in ident:
        return "old citation.js date array (`issued: [{literal}]`): citris reads it"
    if js.lower() == us.lower():
        if re.search(r"\(?n\.d\.", js) and re.search(r"\(?N\.d\.", us):
            return "citeproc-js keeps `(n.d.)` lower case after an empty volume (Elsevier with titles)"
        return "title case (`Citationstyles.Org`, `arXiv`, `Under_score {braces}`)"
    if "\u202f" in wa:
        return "citeproc-js narrow no-break space before `:`"
    if re.search(r"\(\d{4}\)\([a-z]{1,2}\)", js) and re.search(r"\(\d{4}[a-z]{1,2}\)", us):
        return "year suffix inside the year part's affixes: citeproc-js `(2000)(a)`"
    if re.fullmatch(r"\[?\(?\d+[.)\]]?", js.strip()) and re.fullmatch(r"\[?\(?\d+[)\]]?", us.strip()):
        return "empty numbered entry: citeproc-js keeps the label's period"
    if "Nos." in js + us or "nos." in js + us or "vols." in js:
        return "affixed numbers (`Nos. SAND2016-1234`)"
    if "2020Jan" in js or "–(20" in js or "– (20" in js or re.search(r"\d–(Accessed: |viewed )\d", js):
        return "citeproc-js date range quirks (`2019 Dec–2020Jan`, `(2019–(2020))`)"
    if re.search(r"\.Com\b|\.Org\b|WebsterCom|stylesOrg", js):
        return "title case (`Citationstyles.Org`, `arXiv`, `Under_score {braces}`)"
    if "  " in js and "  " not in us and js.replace("  ", " ") == us:
        return "citeproc-js doubled space"
    if re.search(r"[\])\d]\.? \. ", near_us) or re.search(r"\. ; :", js) or re.search(r"\d \. ", us):
        return "citeproc-js dangling punctuation after empty parts"
    if "”:" in js and ":”" in us:
        return "citeproc-js moves a title's final `:` out of the quotes"
    if "———, editor" in us and "Author, Ann, editor" in js:
        return "MLA: citeproc-js does not substitute `———` after another role"
    if "eds.Rives" in js:
        return "citeproc-js drops a name prefix before one-part names"
    if ";:" in near_js and ";" in near_us and ";:" not in near_us:
        return "citeproc-js keeps `;:` after a year suffix"
    if DANGLING.search(near_js) and not DANGLING.search(near_us):
        return "citeproc-js dangling punctuation after empty parts"
    if wa.endswith(".") and wb == "" and js.endswith(";.") or ";." in near_js:
        return "citeproc-js dangling punctuation after empty parts"
    if wa.strip() in (".", ",", ":", ";") and wb == "":
        return "citeproc-js dangling punctuation after empty parts"
    if "thesis ." in js or re.search(r" \.$", js):
        return "citeproc-js dangling punctuation after empty parts"
    if re.search(r"Doe,? John,? Doe,? Jane", js):
        return "given names expanded in the bibliography (two `Doe, J.` in one list)"
    if "Performed by" in us:
        return "`performed by` with no name"
    if "Engineering:" in js:
        return "citeproc-js keeps `:,` after a title ending in `:`"
    return "other"


def main(path):
    text = open(path, encoding="utf-8").read()
    per_style = collections.OrderedDict()
    others = []
    for section in re.split(r"^=== ", text, flags=re.M)[1:]:
        style = section.split(":")[0].split(" (")[0]
        counts = per_style.setdefault(style, collections.Counter())
        for m in re.finditer(r"^--- (cite )?(.+)\n citeproc-js: (.*)\n citris:      (.*)\n", section, re.M):
            c = cause(style, bool(m.group(1)), m.group(2), m.group(3), m.group(4))
            counts[c] += 1
            if c == "other":
                others.append((style, bool(m.group(1)), m.group(2), m.group(3), m.group(4)))
    if "-t" in sys.argv:
        total = collections.Counter()
        styles = collections.defaultdict(set)
        for style, counts in per_style.items():
            total.update(counts)
            for c in counts:
                styles[c].add(style)
        for c, n in total.most_common():
            print(f"{n:5}  {c}  ({len(styles[c])} styles)")
        print(f"{sum(total.values()):5}  in all")
    else:
        for style, counts in per_style.items():
            if counts:
                print(f"{style}: " + ", ".join(f"{c} {n}" for c, n in counts.most_common()))
    if "-v" in sys.argv:
        for style, cite, ident, js, us in others:
            wa, wb, at = window(js, us)
            print(f"{style} {'cite' if cite else 'bib'} {ident}\n   js: …{js[max(0, at - 30):at + len(wa) + 10]}\n   us: …{us[max(0, at - 30):at + len(wb) + 10]}")


if __name__ == "__main__":
    main(sys.argv[1])
