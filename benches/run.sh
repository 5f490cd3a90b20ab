#!/usr/bin/env bash
# citris benchmark, one command from a fresh checkout:
#
#     benches/run.sh                      # all sizes (1k, 10k, 100k), writes benches/RESULTS.md
#     benches/run.sh --sizes 1k,10k       # quicker
#     benches/run.sh --tools citris,citation.js --runs 5
#
# 1. installs what is missing, from the package registries only:
#      - Debian: bibutils (ris2xml, xml2bib) and GNU time      (apt-get, as root)
#      - npm:    citation.js, pinned by benches/package-lock.json, into benches/peers/npm (npm ci)
#      - PyPI:   pypandoc-binary (its bundled pandoc) and rispy, pinned by
#                benches/requirements.txt, into the venv benches/peers/venv
# 2. builds citris: `cargo build --release` (skip with CITRIS_BENCH_NO_BUILD=1)
#    and the page's wasm package `./build.sh build` -> www/pkg (skip with
#    CITRIS_BENCH_NO_WASM=1); if that yields no www/pkg, a plain
#    `wasm-bindgen --target nodejs` package into benches/data/pkg-node
# 3. runs benches/run.py with the arguments given here (generates the corpora
#    into benches/data/ if missing, checks every tool on 50 records, times
#    them, prints the table and writes it to benches/RESULTS.md).
#
# Installs run under `nice`. Nothing is downloaded from outside the registries.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
peers="$here/peers"
mkdir -p "$peers" "$here/data"

log() { printf '== %s\n' "$*" >&2; }

# --- Debian: bibutils, GNU time -------------------------------------------------
need_apt=()
command -v ris2xml >/dev/null 2>&1 && command -v xml2bib >/dev/null 2>&1 || need_apt+=(bibutils)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "apt-get install ${need_apt[*]}"
    nice apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive nice apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    log "missing Debian packages ${need_apt[*]} (run as root, or: sudo apt-get install -y ${need_apt[*]})"
  fi
fi

# --- npm: citation.js ------------------------------------------------------------
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s "$here/package-lock.json" "$peers/npm/package-lock.json" \
     || [ ! -d "$peers/npm/node_modules/@citation-js/core" ]; then
    log "npm ci (citation.js) into benches/peers/npm"
    mkdir -p "$peers/npm"
    cp "$here/package.json" "$here/package-lock.json" "$peers/npm/"
    (cd "$peers/npm" && nice npm ci --no-audit --no-fund --loglevel=error)
  fi
else
  log "npm not found: citation.js will be skipped"
fi

# --- PyPI: pandoc (pypandoc-binary), rispy ----------------------------------------
if [ ! -x "$peers/venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$peers/venv/.requirements.txt"; then
  log "pip install -r benches/requirements.txt into benches/peers/venv"
  python3 -m venv "$peers/venv"
  nice "$peers/venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$peers/venv/.requirements.txt"
fi

# --- citris: native and wasm -----------------------------------------------------
if [ "${CITRIS_BENCH_NO_BUILD:-0}" != 1 ]; then
  log "cargo build --release"
  (cd "$root" && cargo build --release --quiet) || log "cargo build failed: citris native will be skipped if no binary is left"
fi
if [ "${CITRIS_BENCH_NO_BUILD:-0}" != 1 ] && [ "${CITRIS_BENCH_NO_WASM:-0}" != 1 ]; then
  # the page's own build (www/pkg, --target web, wasm-opt'd): what users run
  if [ -x "$root/build.sh" ]; then
    log "./build.sh build (www/pkg)"
    (cd "$root" && ./build.sh build) || log "./build.sh build failed"
  fi
  # fallback: a plain --target nodejs package of the wasm build
  if [ ! -s "$root/www/pkg/citris_bg.wasm" ] && command -v wasm-bindgen >/dev/null 2>&1 \
     && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    log "cargo build --release --lib --target wasm32-unknown-unknown; wasm-bindgen --target nodejs"
    if (cd "$root" && cargo build --release --quiet --lib --target wasm32-unknown-unknown); then
      wasm="$root/target/wasm32-unknown-unknown/release/citris.wasm"
      if [ -f "$wasm" ] && wasm-bindgen --target nodejs --out-dir "$here/data/pkg-node" "$wasm"; then
        # wasm-bindgen writes no package.json; the driver reads "main" from one
        if [ ! -f "$here/data/pkg-node/package.json" ]; then
          printf '{"name":"citris","main":"citris.js"}\n' > "$here/data/pkg-node/package.json"
        fi
      else
        log "wasm-bindgen failed: citris wasm will be skipped"
      fi
    else
      log "wasm build failed: citris wasm will be skipped"
    fi
  fi
fi

cd "$root"
cmdline="benches/run.sh $*"
for v in CITRIS_BENCH_NO_WASM CITRIS_BENCH_NO_BUILD; do
  if [ -n "${!v:-}" ]; then cmdline="$v=${!v} $cmdline"; fi
done
exec python3 "$here/run.py" --command "$cmdline" "$@"
