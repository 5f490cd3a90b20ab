"""Reads .bib files with Python's bibtexparser 2 and prints, for each, what it
found as one JSON line: the entry keys in order, each entry's fields, and any
block it could not parse. Called once by tests/it/bibtexparser.rs with every file
(PYTHONPATH points at target/pylib, which `./build.sh test` fills from PyPI)."""
import json
import sys

import bibtexparser

for path in sys.argv[1:]:
    lib = bibtexparser.parse_file(path)
    print(json.dumps({
        "version": bibtexparser.__version__,
        "keys": [e.key for e in lib.entries],
        "fields": [{f.key: f.value for f in e.fields} for e in lib.entries],
        "failed": [b.raw[:200] for b in lib.failed_blocks],
        "comments": len(lib.comments),
    }))
