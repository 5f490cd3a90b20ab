#!/usr/bin/env python3
"""Sort the differences in a conformance report by likely cause.

    CONFORMANCE_REPORT=1 cargo test --test cite conformance -- --nocapture > tests/conformance/report.txt
    python3 tests/conformance/classify.py tests/conformance/report.txt

The rules are heuristics over the two strings (see DIFFERENCES.md for what
each cause is); whatever they do not recognise is listed as "other".
"""
import collections
import re
import sys

SEASONS = ("Spring", "Summer", "Autumn", "Fall", "Winter")


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
    if js.lower() == us.lower():
        if re.match(r"^\(?N\.d\.", js) or "(N.d" in js or "(No date" in js:
            return "citeproc-js capitalises a leading term"
        return "hayagriva title case"
    if re.search(r"\bin press\b", js) and "in press" not in us[at:] or re.search(r"n\.d\.-[a-z]|no date [a-z]\b", us) and not re.search(r"n\.d\.-[a-z]|no date [a-z]\b", js):
        return "literal dates not printed (citationberg)"
    if any(s in js and s not in us for s in SEASONS):
        return "season not printed"
    if re.search(r"\d{4}[a-z]{1,2}\b|———", wa + wb) or re.search(r"\d{4}[a-z]{1,2}[).,]", js + us) and cite:
        return "hayagriva disambiguation (year suffix, ———)"
    if "Nos." in us or "nos." in us or re.search(r"\d-\d", wa) and re.search(r"\d–\d", wb):
        return "hayagriva numbers with hyphens read as ranges"
    if "–" in wa and not wb.strip("–"):
        return "hayagriva drops the end of date ranges"
    if re.search(r"(\d{4}|[A-Z][a-z]+\.?)–", wa) or (wa.startswith("–") and wb == ""):
        return "hayagriva drops the end of date ranges"
    if re.search(r"[.-][a-z]+", wb) and re.search(r"^[A-Z]\.", wa + " ") is None and "-" in wb and "." in (wb + us[at - 2:at]):
        return "hayagriva initials of hyphenated given names"
    if '"' in wb and ("“" in wa or "‘" in wa):
        return "hayagriva: straight inner quotes not localised"
    if cite and re.search(r"\b[A-Z]\. ", wb) and not re.search(r"\b[A-Z]\. ", wa):
        return "hayagriva disambiguation (given names added)"
    if cite and wa.startswith((", ", ", “")) and wb in ("", ")"):
        return "hayagriva disambiguation (title not added)"
    return "other"


def main(path):
    text = open(path, encoding="utf-8").read()
    per_style = collections.OrderedDict()
    others = []
    for section in re.split(r"^=== ", text, flags=re.M)[1:]:
        style = section.split(":")[0]
        counts = per_style.setdefault(style, collections.Counter())
        for m in re.finditer(r"^--- (cite )?(.+)\n citeproc-js: (.*)\n citris:      (.*)\n", section, re.M):
            c = cause(style, bool(m.group(1)), m.group(2), m.group(3), m.group(4))
            counts[c] += 1
            if c == "other":
                others.append((style, bool(m.group(1)), m.group(2), m.group(3), m.group(4)))
    causes = sorted({c for counts in per_style.values() for c in counts})
    for style, counts in per_style.items():
        print(f"{style}: " + ", ".join(f"{c} {n}" for c, n in counts.most_common()))
    if "-v" in sys.argv:
        for style, cite, ident, js, us in others:
            wa, wb, at = window(js, us)
            print(f"{style} {'cite' if cite else 'bib'} {ident}\n   js: …{js[max(0, at - 30):at + len(wa) + 10]}\n   us: …{us[max(0, at - 30):at + len(wb) + 10]}")


if __name__ == "__main__":
    main(sys.argv[1])
