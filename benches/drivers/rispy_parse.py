"""rispy driver for the citris benchmark: parse only (no conversion).

    benches/peers/venv/bin/python benches/drivers/rispy_parse.py FILE

Reads FILE with rispy.load and prints the number of records on stdout.
"""
import sys

import rispy

with open(sys.argv[1], encoding="utf-8") as f:
    entries = rispy.load(f)
print(len(entries))
