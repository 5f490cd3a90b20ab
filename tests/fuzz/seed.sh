#!/bin/sh
# Seeds the fuzz corpora (tests/fuzz/corpus/<target>/, not committed) with the
# fixtures, the shared corpus and the regression inputs in tests/fuzz/regressions/.
# Targets that read a first "choice" byte get it prepended (0..3 and a style index).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for t in parse bibtex csl_json ris format; do mkdir -p "$here/corpus/$t"; done
i=0
for f in "$root"/tests/fixtures/*.ris $(find "$root/../shared/corpus" -name '*.ris' -o -name '*.txt' -o -name '*.nbib' | sort) "$here"/regressions/*; do
  [ -f "$f" ] || continue
  [ "$(wc -c < "$f")" -le 65536 ] || continue
  i=$((i + 1))
  b=$(printf '\\%03o' $((i % 64)))
  cp "$f" "$here/corpus/csl_json/seed$i"
  cp "$f" "$here/corpus/ris/seed$i"
  { printf "$b"; cat "$f"; } > "$here/corpus/parse/seed$i"
  { printf "$b"; cat "$f"; } > "$here/corpus/bibtex/seed$i"
  { printf "$b"; cat "$f"; } > "$here/corpus/format/seed$i"
done
echo "seeded $i inputs per target"
