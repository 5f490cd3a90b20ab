#!/usr/bin/env node
// Conformance check of citris's formatting against citeproc-js.
//
//   cd tests/conformance && npm ci        # installs citeproc (citeproc-js)
//   node conformance.js                   # golden files + comparison report
//   node conformance.js --collect         # also rebuild corpus.json first
//   node conformance.js --bench 10000     # time citeproc-js on 10,000 refs (APA)
//
// What it does:
// 1. (--collect) gathers CSL-JSON items into corpus.json: items.json (written
//    by hand for this check), the CSL-JSON of ../shared/corpus/citation-js,
//    and, when a citris binary is given with CITRIS=path, the CSL-JSON citris
//    makes from tests/fixtures/*.ris and the MIT-licensed RIS corpora
//    (citation-js, jabref, rispy; zotero/ is AGPL and left out).
// 2. renders every item of corpus.json with citeproc-js in each bundled style
//    (the same ../../styles/*.csl and locale files citris embeds), cited one
//    by one in corpus order exactly as citris::cite::format does, and writes
//    golden/<style>.json: the bibliography in the style's order, each entry
//    with its in-text citation, as plain text.
// 3. runs `cargo test --test cite conformance -- --nocapture`, which formats
//    the same items with citris, prints the match rate per style and the
//    differing entries side by side, and fails below the ratchet (ratchet.json).

"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync, spawnSync } = require("child_process");
const CSL = require("citeproc");

const HERE = __dirname;
const ROOT = path.resolve(HERE, "..", "..");
const STYLES = path.join(ROOT, "styles");
const SHARED = path.resolve(ROOT, "..", "shared", "corpus");
const LOCALE = "en-US";
const STYLE_NAMES = [
  "apa", "mla", "chicago-author-date", "chicago-notes-bibliography", "ieee",
  "vancouver", "harvard", "nature", "ama", "acs",
];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function walk(dir, pred, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------- corpus
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function collect() {
  const items = [];
  const seen = new Set();
  // The shared corpus repeats some records (the same test item in two
  // citation-js suites); a bibliography holding one work twice is a data
  // error, and the two processors disambiguate it differently (DIFFERENCES.md).
  const contents = new Set();
  const add = (item, source) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) return;
    const { id: _ignored, ...rest } = item;
    const key = canonical(rest);
    if (contents.has(key)) return;
    contents.add(key);
    let id = String(item.id ?? `item-${items.length + 1}`);
    const base = `${source}:${id}`;
    id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    items.push({ ...item, id });
  };
  for (const item of readJson(path.join(HERE, "items.json"))) add(item, "items");
  for (const file of walk(path.join(SHARED, "citation-js"), (p) => p.endsWith(".csl.json"))) {
    const data = readJson(file);
    const rel = path.relative(SHARED, file).replace(/\.csl\.json$/, "");
    for (const item of Array.isArray(data) ? data : [data]) add(item, rel);
  }
  const citris = process.env.CITRIS;
  if (citris) {
    const ris = [
      ...walk(path.join(ROOT, "tests", "fixtures"), (p) => p.endsWith(".ris") && !p.endsWith(".out.ris")),
      ...["citation-js", "jabref", "rispy"].flatMap((d) =>
        walk(path.join(SHARED, d), (p) => p.endsWith(".ris"))),
    ];
    for (const file of ris) {
      const r = spawnSync(citris, ["convert", "--to", "csl-json", file], { encoding: "utf8" });
      if (r.status !== 0 && !r.stdout) continue;
      let data;
      try { data = JSON.parse(r.stdout); } catch { continue; }
      const rel = file.startsWith(SHARED)
        ? path.relative(SHARED, file)
        : path.relative(ROOT, file);
      for (const item of Array.isArray(data) ? data : [data]) add(item, rel.replace(/\.ris$/, ""));
    }
  }
  // Abstracts and notes are never printed by these styles; dropping them keeps
  // the committed corpus small.
  for (const item of items) { delete item.abstract; }
  fs.writeFileSync(path.join(HERE, "corpus.json"), JSON.stringify(items, null, 1) + "\n");
  const types = new Set(items.map((i) => i.type));
  console.log(`corpus.json: ${items.length} items, ${types.size} types (${[...types].sort().join(", ")})`);
}

// ---------------------------------------------------------------- citeproc-js
function engine(styleName, items) {
  const byId = items instanceof Map ? items : new Map(items.map((i) => [String(i.id), i]));
  const sys = {
    retrieveLocale: (lang) => {
      const f = path.join(STYLES, "locales", `locales-${lang}.xml`);
      return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : false;
    },
    retrieveItem: (id) => byId.get(String(id)),
  };
  const xml = fs.readFileSync(path.join(STYLES, `${styleName}.csl`), "utf8");
  const e = new CSL.Engine(sys, xml, LOCALE, true);
  e.setOutputFormat("text");
  return e;
}

// Entries as citris prints them: the numeric label, one space, the rest, on
// one line.
function bibliography(e) {
  const [meta, entries] = e.makeBibliography();
  // Items that render nothing have no string in `entries`; citeproc-js lists
  // some of them in bibliography_errors, not all. Find them by rendering each
  // item alone (same registry, so disambiguation is unchanged).
  const single = (id) => {
    const [, one] = e.makeBibliography({ select: [{ field: "id", value: id }] });
    return one.join("").trim();
  };
  let ids = meta.entry_ids;
  if (ids.length !== entries.length) ids = ids.filter((group) => single(group[0]) !== "");
  if (ids.length !== entries.length) throw new Error("citeproc-js: entry ids and strings differ in number");
  return ids.map((group, i) => ({
    id: String(group[0]),
    text: entries[i].replace(/\s*\n\s*/g, " ").trim(),
  }));
}

// One engine per style (building one parses the style and locales: slow),
// reset for each group.
const engines = new Map();
const registry = new Map();
function render(styleName, items) {
  for (const i of items) registry.set(String(i.id), i);
  if (!engines.has(styleName)) engines.set(styleName, engine(styleName, registry));
  const e = engines.get(styleName);
  e.restoreProcessorState([]);
  const ids = items.map((i) => String(i.id));
  e.updateItems(ids);
  const citations = new Map();
  const isNote = e.opt.xclass === "note";
  let pre = [];
  items.forEach((item, index) => {
    const citation = {
      citationID: `c${index + 1}`,
      citationItems: [{ id: String(item.id) }],
      properties: { noteIndex: isNote ? index + 1 : 0 },
    };
    const [, out] = e.processCitationCluster(citation, pre, []);
    pre = pre.concat([[citation.citationID, isNote ? index + 1 : 0]]);
    for (const [pos, text] of out) citations.set(pos, text);
  });
  const entries = bibliography(e).map((entry) => {
    const index = ids.indexOf(entry.id);
    return { ...entry, citation: String(citations.get(index) ?? "").trim() };
  });
  return entries;
}

// Items are grouped by source file (the id up to the last ':'), and each group
// is one bibliography, as a user formats one file: cross-file duplicates and
// disambiguation between unrelated files would measure nothing real.
function groups(items) {
  const map = new Map();
  for (const item of items) {
    const key = String(item.id).replace(/:[^:]*$/, "");
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(item);
  }
  return [...map.values()];
}

function golden() {
  const items = readJson(path.join(HERE, "corpus.json"));
  fs.mkdirSync(path.join(HERE, "golden"), { recursive: true });
  for (const name of STYLE_NAMES) {
    const entries = groups(items).flatMap((group) => render(name, group));
    const doc = {
      style: name,
      locale: LOCALE,
      processor: `citeproc-js ${CSL.PROCESSOR_VERSION}`,
      entries,
    };
    fs.writeFileSync(path.join(HERE, "golden", `${name}.json`), JSON.stringify(doc, null, 1) + "\n");
    console.log(`golden/${name}.json: ${entries.length} entries`);
  }
}

// ---------------------------------------------------------------- benchmark
// The same 10,000 references benches/format.rs formats: corpus items cycled
// with distinct ids and years.
function benchItems(n) {
  const base = readJson(path.join(HERE, "corpus.json"));
  const out = [];
  for (let i = 0; i < n; i++) {
    const item = JSON.parse(JSON.stringify(base[i % base.length]));
    item.id = `bench-${i}`;
    item.issued = { "date-parts": [[1900 + (i % 120), 1 + (i % 12)]] };
    out.push(item);
  }
  return out;
}

function bench(n) {
  const items = benchItems(n);
  const t0 = process.hrtime.bigint();
  const e = engine("apa", items);
  e.updateItems(items.map((i) => i.id));
  const [, entries] = e.makeBibliography();
  const t1 = process.hrtime.bigint();
  console.log(`citeproc-js ${CSL.PROCESSOR_VERSION}: ${entries.length} references in APA (bibliography) in ${(Number(t1 - t0) / 1e9).toFixed(3)} s`);
}

// ---------------------------------------------------------------- main
const args = process.argv.slice(2);
if (args[0] === "--bench") {
  bench(Number(args[1] || 10000));
} else {
  if (args.includes("--collect")) collect();
  golden();
  if (!args.includes("--no-compare")) {
    try {
      execFileSync("cargo", ["test", "--test", "cite", "conformance", "--", "--nocapture"], {
        cwd: ROOT, stdio: "inherit", env: { ...process.env, CONFORMANCE_REPORT: "1" },
      });
    } catch (err) {
      process.exitCode = 1;
    }
  }
}
