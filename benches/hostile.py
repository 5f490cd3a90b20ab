#!/usr/bin/env python3
"""Hostile-input table: each input of issue 6, what `citris check` tells the user,
and how long it takes (wall time, peak RSS). Writes benches/HOSTILE.md.

    cargo build --release && python3 benches/hostile.py [--citris target/release/citris]

Inputs are generated here (deterministic) into a temporary directory. The same
cases are asserted (messages, no panic) by tests/it/hostile.rs; this script only
measures them.
"""
import argparse
import os
import resource
import subprocess
import tempfile
import time


def utf16_lone_surrogate():
    b = b"\xff\xfe" + "TY  - JOUR\r\nTI  - x".encode("utf-16-le")
    b += (0xD800).to_bytes(2, "little") + "y\r\nER  - \r\n".encode("utf-16-le")
    return b


def cases():
    tiny = b"TY  - JOUR\nTI  - a\nER  - \n"
    many_authors = b"TY  - JOUR\n" + b"".join(b"AU  - Author%d, A.\n" % i for i in range(10_000)) + b"ER  - \n"
    repeated = b"TY  - JOUR\n" + b"KW  - same\n" * 100_000 + b"ER  - \n"
    repeated_unknown = b"TY  - JOUR\n" + b"".join(b"ZZ  - v%d\n" % i for i in range(100_000)) + b"ER  - \n"
    return [
        ("empty input", b""),
        ("only whitespace", b" \n\t\r\n  "),
        ("only ER lines", b"ER  - \nER  - \n"),
        ("PNG bytes", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4),
        ("PDF bytes", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("ZIP bytes", b"PK\x03\x04\x14\0\0\0\x08\0" + bytes(range(256)) * 4),
        ("NUL bytes", b"\0" * 4096),
        ("invalid UTF-8 mixed with valid", b"TY  - JOUR\nTI  - M\xc3\xbcller \xff end\nER  - \n"),
        ("UTF-16 with a lone surrogate", utf16_lone_surrogate()),
        ("right-to-left and zero-width characters", "TY  - JOUR\nTI  - \u202eعنوان\u200b\nER  - \n".encode()),
        ("10 MB single line (not RIS)", b"word " * 2_000_000),
        ("10 MB collapsed record on one line", b"TY - JOUR TI - t AB - " + b"abc " * 2_500_000 + b"ER -"),
        ("value of 5 MB", b"TY  - JOUR\nAB  - " + b"x" * 5_000_000 + b"\nER  - \n"),
        ("1,000,000 tiny records (28 MB)", tiny * 1_000_000),
        ("record with 10,000 authors", many_authors),
        ("KW repeated 100,000 times", repeated),
        ("unknown tag repeated 100,000 times", repeated_unknown),
        ("BibTeX file", b"@article{key,\n  title={T},\n  author={Doe, Jane}\n}\n"),
        ("PubMed NBIB file", b"PMID- 123\nOWN - NLM\nSTAT- MEDLINE\nTI  - A title\nAU  - Doe J\n"),
        ("EndNote tagged (%A) file", b"%0 Journal Article\n%A Doe, Jane\n%T A title\n%D 2020\n"),
        ("CSL-JSON file", b'[{"id": "a", "type": "book", "title": "T"}]'),
        ("Web of Science file", b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Doe, J\nER\nEF\n"),
    ]


def run(citris, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    p = subprocess.run([citris, "check", path], capture_output=True, timeout=300)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = (p.stderr + p.stdout).decode("utf-8", "replace").strip().splitlines()
    # The first error, else the summary line.
    msg = next((l for l in out if ": error:" in l), None) or (out[-1] if out else "")
    msg = msg.split(": error: ", 1)[-1]
    summary = out[-1] if out else ""
    warn = next((l for l in out if ": warning:" in l or ": info:" in l), None)
    if warn:
        summary += "; " + warn.split(": ", 2)[-1]
    return p.returncode, msg, summary, dt, max(rss, before)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--citris", default="target/release/citris")
    ap.add_argument("--out", default="benches/HOSTILE.md")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for i, (name, data) in enumerate(cases()):
            path = os.path.join(d, f"case{i}.ris")
            with open(path, "wb") as f:
                f.write(data)
            rc, msg, summary, dt, _ = run(a.citris, path)
            if len(msg) > 110:
                msg = msg[:107] + "…"
            rows.append((name, len(data), rc, msg if rc else summary, dt))
            print(f"{name}: exit {rc}, {dt:.3f} s: {msg if rc else summary}")
    with open(a.out, "w") as f:
        f.write("# Hostile and broken input: what the user is told, and how long it takes\n\n")
        f.write("Written by `python3 benches/hostile.py` (`citris check FILE`, release build, "
                "this machine: 2 cores). Exit 1 = no record read (the message is the error); "
                "exit 0 = records read (the summary line; warnings are listed above it). "
                "The same inputs are asserted by `tests/it/hostile.rs`; the page shows the same "
                "messages (`tests/e2e/`).\n\n")
        f.write("| input | bytes | exit | message | time |\n| --- | ---: | ---: | --- | ---: |\n")
        for name, size, rc, msg, dt in rows:
            msg = msg.replace("|", "\\|")
            f.write(f"| {name} | {size:,} | {rc} | {msg} | {dt:.3f} s |\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
