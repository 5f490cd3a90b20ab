#!/bin/sh
# Runs fuzz targets one after another, SECONDS each (default 600), seeding first.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Findings land in tests/fuzz/artifacts/<target>/; a fixed one is copied to
# tests/fuzz/regressions/, which `cargo test --test it fuzz_regressions::` checks.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-parse bibtex csl_json ris format}
"$here/seed.sh"
for t in $targets; do
  start=$(date +%s)
  cargo +nightly fuzz run --fuzz-dir tests/fuzz -O "$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    > "$here/artifacts/$t.log" 2>&1
  rc=$?
  runs=$(grep -a -o "#[0-9]*: cov: [0-9]* .*crash: [0-9/]*" "$here/artifacts/$t.log" | tail -1)
  found=$(find "$here/artifacts/$t" -type f 2>/dev/null | wc -l)
  echo "$t: exit $rc, $(( $(date +%s) - start )) s, $found findings in artifacts/$t/; last status: ${runs:-none}"
done
