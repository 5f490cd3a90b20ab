// The wasm package (www/pkg) used from Node, as docs/js-api.md shows it: every
// CSL style by name through the style index and style-loader.js, with a fetcher
// that reads www/styles from disk; the error codes; sorting with Node's
// Intl.Collator (the browser build has no ICU4X of its own). No browser here.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { ROOT, SEED } from './helpers.mjs';

const WWW = path.join(ROOT, 'www');
let citris;
let ensureStyle;
const read = (p) => readFile(path.join(WWW, 'styles', p), 'utf8');

before(async () => {
  citris = await import(pathToFileURL(path.join(WWW, 'pkg', 'citris.js')).href);
  await citris.default({ module_or_path: await readFile(path.join(WWW, 'pkg', 'citris_bg.wasm')) });
  ({ ensureStyle } = await import(pathToFileURL(path.join(WWW, 'style-loader.js')).href));
});

test('a journal style by name: its parent and locale are fetched as the core asks', async () => {
  const asked = [];
  const fetcher = (p) => { asked.push(p); return read(p); };
  const ready = await ensureStyle(citris, { style: 'cancer-gene-therapy' }, fetcher);
  assert.deepEqual(ready, { id: 'cancer-gene-therapy', title: 'Cancer Gene Therapy', locale: 'en-GB' });
  assert.deepEqual(asked, ['index.json', 'nature-publishing-group-vancouver.csl', 'locales/locales-en-GB.xml']);
  const { entries } = citris.format(SEED, { style: 'cancer-gene-therapy' });
  assert.equal(entries[0].text, '1 Rezaei R, Esmaeili Gouvarchin Ghaleh H, Farzanehpour M, Dorostkar R, Ranjbar R, Bolandian M et al. Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Ther 2021; : 1–14.');
  // Nothing more is fetched for it the second time.
  await ensureStyle(citris, { style: 'cancer-gene-therapy' }, fetcher);
  assert.equal(asked.length, 3);
});

test('errors carry a code: unknown styles name the nearest ids, missing files are asked for', async () => {
  let err = null;
  try { citris.prepareStyle({ style: 'elsevier-harvad' }); } catch (e) { err = e; }
  assert.equal(err.code, 'unknown-style');
  assert.deepEqual(err.suggestions.slice(0, 1), ['elsevier-harvard']);
  err = null;
  try { citris.prepareStyle({ style: 'elsevier-vancouver' }); } catch (e) { err = e; }
  assert.equal(err.code, 'needs-style');
  assert.equal(err.id, 'elsevier-vancouver');
  err = null;
  try { citris.prepareStyle({ style: 'apa', locale: 'xx-YY' }); } catch (e) { err = e; }
  assert.equal(err.code, 'unknown-locale');
  // A broken file is named by the loader.
  await assert.rejects(ensureStyle(citris, { style: 'ieee' }, async (p) => (p.endsWith('.csl') ? '<style><info>' : read(p))),
    /styles\/ieee\.csl: .*not well-formed/);
});

test('the style search finds titles, ISSNs and fields', () => {
  assert.equal(citris.searchStyles('0929-1903').results[0].id, 'cancer-gene-therapy');
  assert.equal(citris.searchStyles('Cancer Gene Therapy').results[0].id, 'cancer-gene-therapy');
  const med = citris.searchStyles('medicine', 5);
  assert.equal(med.results.length, 5);
  assert.ok(med.total > 1000, `${med.total}`);
  assert.equal(citris.styleFiles().length, 2851 + 63);
});

test('sorting collates with Intl.Collator (accents and case do not decide, numbers by value)', async () => {
  const ris = ['Zeta, Zoe', 'Émile, Anne', 'adams, Bo', 'Adler, Cy']
    .map((a, i) => `TY  - BOOK\nAU  - ${a}\nTI  - Book ${i}\nPY  - 2000\nER  - \n`).join('');
  const { entries } = citris.format(ris, { style: 'apa' });
  assert.deepEqual(entries.map((e) => e.text.split(',')[0]), ['adams', 'Adler', 'Émile', 'Zeta']);
});

test('diagnostics carry a stable code and a byte offset; options are read once, bad ones named', () => {
  const text = 'Provider: X\nTY  - JOUR\nTI  - A\nZZ  - odd\n';
  const { diagnostics } = citris.parse(text);
  const byCode = Object.fromEntries(diagnostics.map((d) => [d.code, d]));
  assert.deepEqual(Object.keys(byCode).sort(), ['header-skipped', 'missing-er', 'unknown-tag-kept']);
  assert.equal(text.slice(byCode['unknown-tag-kept'].byte).split('\n')[0], 'ZZ  - odd');
  assert.equal(byCode['unknown-tag-kept'].line, 4);
  const whole = citris.parse(new Uint8Array([0x54, 0x59, 0x20, 0x20, 0x2d, 0x20, 0x4a, 0x4f, 0x55, 0x52, 0x0a, 0x54, 0x49, 0x20, 0x20, 0x2d, 0x20, 0xe9, 0x0a])).diagnostics
    .find((d) => d.code === 'encoding-windows-1252');
  assert.equal(whole.byte, null);
  // keys with the other options, in every call; an unknown value is an error that says so.
  const id = (o) => citris.parse(SEED, o).items[0].id;
  assert.ok(id({ keys: 'authoryear' }).length < id(undefined).length);
  assert.equal(citris.convert(SEED, { to: 'bibtex', keys: 'authoryear' }).output.split('\n')[0], `@article{${id({ keys: 'authoryear' })},`);
  assert.throws(() => citris.convert(SEED, { to: 'bibtex', keys: 'year' }), /unknown key form 'year'/);
  assert.throws(() => citris.format(SEED, { keys: 'year' }), /unknown key form 'year'/);
  assert.throws(() => citris.convert(SEED, { to: 'docx' }), /unknown format 'docx'/);
});

test('StreamConverter: several inputs make one output with one set of keys', () => {
  const bytes = new TextEncoder().encode(SEED);
  const run = (to) => {
    const conv = new citris.StreamConverter({ to });
    let out = '';
    conv.push(bytes.subarray(0, 100));
    conv.push(bytes.subarray(100));
    const first = conv.nextInput();
    out += conv.takeOutput();
    conv.push(bytes);
    const last = conv.finish();
    out += last.output;
    conv.free();
    assert.equal(first.count, 1);
    assert.equal(last.count, 1);
    return out;
  };
  // The same record in two files: two keys, as the CLI writes them.
  const keys = [...run('bibtex').matchAll(/^@\w+\{([^,]+),/gm)].map((m) => m[1]);
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1]);
  const items = JSON.parse(run('csl-json'));
  assert.equal(items.length, 2);
  assert.notEqual(items[0].id, items[1].id);
});

test('readFile decodes a file once: its text, record count and encoding', () => {
  // Windows-1252: 0xE9 is é, 0x96 an en dash.
  const bytes = new Uint8Array([...new TextEncoder().encode('TY  - JOUR\nTI  - Caf'), 0xe9, 0x20, 0x96, 0x20, ...new TextEncoder().encode('x\nER  - \n')]);
  const r = citris.readFile(bytes);
  assert.equal(r.encoding, 'windows-1252');
  assert.equal(r.count, 1);
  assert.equal(r.text, 'TY  - JOUR\nTI  - Café – x\nER  - \n');
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['encoding-windows-1252']);
  // Not RIS: no records, an error that names the format, and the text still there.
  const bib = citris.readFile(new TextEncoder().encode('@article{a, title={T}}\n'));
  assert.equal(bib.count, 0);
  assert.equal(bib.diagnostics[0].code, 'not-ris');
});

test('a Document reads its input once and answers as the functions do', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode(SEED + '\n'), ...new TextEncoder().encode('TY  - BOOK\nTI  - Caf'), 0xe9, ...new TextEncoder().encode('\nER  - \n')]);
  const doc = new citris.Document(bytes, { keys: 'authoryear' });
  try {
    assert.equal(doc.encoding, 'windows-1252');
    assert.ok(doc.text.endsWith('TI  - Café\nER  - \n'));
    assert.equal(doc.count, citris.parse(bytes).items.length);
    assert.deepEqual(doc.items, citris.parse(bytes, { keys: 'authoryear' }).items);
    assert.deepEqual(doc.diagnostics, citris.parse(bytes).diagnostics);
    assert.deepEqual(doc.convert({ to: 'ris' }), citris.convert(bytes, { to: 'ris' }));
    // The document's keys are the ids of its formatted entries (APA sorts them).
    const f = doc.format({ style: 'apa' });
    assert.deepEqual(f, citris.format(bytes, { style: 'apa', keys: 'authoryear' }));
    assert.deepEqual(f.entries.map((e) => e.id).sort(), doc.items.map((i) => i.id).sort());
    assert.throws(() => doc.convert({ to: 'docx' }), /unknown format 'docx'/);
  } finally {
    doc.free();
  }
  assert.throws(() => new citris.Document(42), /string or a Uint8Array/);
});
