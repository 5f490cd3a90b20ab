// A generated 20 MB file (CITRIS_BIG_MB to change) converts in the worker, in chunks, with progress, a
// preview of the first references, a Blob download, and a page that never
// freezes (main-thread tasks are written to artifacts/big-metrics.json; one of
// 2 s or more fails). Cancel stops the worker.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ARTIFACTS, assertClean, launch, openPage, selectTab, server, waitRefs,
} from './helpers.mjs';

// CITRIS_BIG_MB=230 runs the same checks on a 100,000-record library (see
// benches/README.md); the default keeps `./build.sh test` short.
const BIG_MB = Number(process.env.CITRIS_BIG_MB || 20);
const TARGET = BIG_MB * 1024 * 1024;
const BIG = path.join(ARTIFACTS, `big-${BIG_MB}mb.ris`);

/** Deterministic realistic records (~2.3 KB each, abstracts, non-ASCII names). */
function generate(file, target) {
  let seed = 42;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const families = ['Müller', 'García', 'Nguyen', 'Smith', 'Østergaard', 'Kowalski', 'Rossi', 'Dubois', 'Tanaka', 'Papadopoulos', 'van der Berg', 'Öztürk'];
  const givens = ['Anna', 'José', 'Li', 'John', 'Søren', 'Zofia', 'Marco', 'Élodie', 'Hiro', 'Eleni', 'Pieter', 'Ayşe'];
  const words = 'cell therapy immune response protein network model analysis learning climate ocean soil health policy data graph quantum energy'.split(' ');
  const types = ['JOUR', 'JOUR', 'JOUR', 'BOOK', 'CHAP', 'CONF', 'RPRT', 'THES'];
  const fd = openSync(file, 'w');
  let size = 0;
  let n = 0;
  while (size < target) {
    n++;
    const lines = [`TY  - ${pick(types)}`];
    const authors = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < authors; i++) lines.push(`AU  - ${pick(families)}, ${pick(givens)}`);
    const title = Array.from({ length: 8 }, () => pick(words)).join(' ');
    lines.push(`TI  - Record ${n}: ${title}`);
    lines.push(`T2  - Journal of ${pick(words)} ${pick(words)}`);
    const abs = Array.from({ length: 260 }, () => pick(words)).join(' ');
    lines.push(`AB  - ${abs}.`);
    const year = 1990 + Math.floor(rnd() * 35);
    lines.push(`PY  - ${year}`);
    lines.push(`DA  - ${year}/0${1 + Math.floor(rnd() * 9)}/1${Math.floor(rnd() * 9)}/`);
    lines.push(`VL  - ${1 + Math.floor(rnd() * 80)}`, `IS  - ${1 + Math.floor(rnd() * 12)}`);
    lines.push(`SP  - ${100 + n % 900}`, `EP  - ${110 + n % 900}`);
    lines.push(`DO  - 10.1234/test.${n}`, `UR  - https://example.org/r/${n}`, `SN  - 1234-567${n % 10}`);
    for (let k = 0; k < 3; k++) lines.push(`KW  - ${pick(words)}`);
    lines.push('ER  - ', '', '');
    const buf = Buffer.from(lines.join('\n'), 'utf8');
    writeSync(fd, buf);
    size += buf.length;
  }
  closeSync(fd);
  return n;
}

/** Resident memory of the Chromium processes under `rootPid` (this test process), in bytes (Linux /proc). */
function treeRss(rootPid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  let total = 0;
  let renderer = 0;
  const walk = (pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number((status.match(/VmRSS:\s+(\d+)/) || [0, 0])[1]) * 1024;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/chrom/i.test(cmd)) total += rss;
      if (cmd.includes('--type=renderer')) renderer = Math.max(renderer, rss);
    } catch { /* gone */ }
    for (const k of kids.get(pid) || []) walk(k);
  };
  walk(rootPid);
  return { total, renderer };
}

let srv;
let browser;
let records;
before(async () => {
  records = generate(BIG, TARGET);
  srv = await server();
  browser = await launch();
});
after(async () => { await browser?.close(); await srv?.stop(); });

const LONGTASKS = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__progress = [];
  document.addEventListener('DOMContentLoaded', () => {
    const p = document.getElementById('progress');
    new MutationObserver(() => window.__progress.push(Number(p.value))).observe(p, { attributes: true, attributeFilter: ['value'] });
    new MutationObserver(() => {
      if (document.body.dataset.state === 'converted' && !window.__convertedAt) window.__convertedAt = performance.now();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  });
};

test(`a ${BIG_MB} MB file converts with progress and the page never freezes`, async () => {
  const size = statSync(BIG).size;
  const { page, rec, context } = await openPage(browser, srv.url, { initScript: LONGTASKS });
  const pid = process.pid;
  const baseline = treeRss(pid);
  let peak = { total: 0, renderer: 0 };
  const sampler = setInterval(() => {
    if (!pid) return;
    const m = treeRss(pid);
    peak = { total: Math.max(peak.total, m.total), renderer: Math.max(peak.renderer, m.renderer) };
  }, 100);
  const start = await page.evaluate(() => performance.now());
  const t0 = Date.now();
  await page.setInputFiles('#files', BIG);
  await page.waitForSelector('#bigfile:not([hidden])');
  // The preview shows the first references at once.
  await page.waitForFunction(() => document.querySelectorAll('#refs .ref').length > 0, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.state === 'converted', null, { timeout: 300_000 });
  const wall = Date.now() - t0;
  clearInterval(sampler);
  const label = await page.textContent('#progress-label');
  assert.match(label, new RegExp(`Converted ${records.toLocaleString('en')} references to BibTeX`));
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.filter((v) => v > 0 && v < TARGET).length >= 2, `progress was shown along the way: ${progress.length} updates`);
  assert.equal(await page.$eval('#progress', (p) => p.value === p.max), true);
  const refsShown = await page.$$eval('#refs .ref', (n) => n.length);
  assert.ok(refsShown > 0 && refsShown <= 50, `a preview, not all ${records}: ${refsShown}`);

  // The BibTeX tab shows the beginning; the download is the whole output (a Blob).
  await selectTab(page, 'bibtex');
  await page.waitForSelector('#code-text[data-format="bibtex"]');
  const head = await page.textContent('#code-text');
  assert.ok(head.length <= 64 * 1024 && head.startsWith('@'), 'a preview of the output');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(dl.suggestedFilename(), 'references.bib');
  const bib = readFileSync(await dl.path(), 'utf8');
  assert.equal((bib.match(/^@\w+\{/gm) || []).length, records);
  assert.ok(bib.startsWith(head));

  // The tasks while the file converts (from the pick to "converted"), as the issue asks; the later ones are recorded too.
  const { during, afterwards } = await page.evaluate((s) => ({
    during: window.__longtasks.filter((t) => t.start + t.duration >= s && t.start <= window.__convertedAt),
    afterwards: window.__longtasks.filter((t) => t.start > window.__convertedAt),
  }), start);
  const longtasks = during;
  const worst = Math.max(0, ...during.map((t) => t.duration));
  const elapsed = Number((label.match(/in ([\d.]+) s/) || [0, 'NaN'])[1]);
  writeFileSync(path.join(ARTIFACTS, BIG_MB === 20 ? 'big-metrics.json' : `big-metrics-${BIG_MB}mb.json`), JSON.stringify({
    bytes: size, records, workerSeconds: elapsed, wallMsFromPickToDone: wall,
    peakChromiumRssBytes: peak.total, peakRendererRssBytes: peak.renderer,
    baselineChromiumRssBytes: baseline.total, baselineRendererRssBytes: baseline.renderer,
    longtasks, worstLongtaskMs: worst, longtasksAfterConversion: afterwards, testStart: start,
    measures: await page.evaluate(() => performance.getEntriesByType('measure').map((m) => ({ name: m.name, start: m.startTime, duration: m.duration }))),
  }, null, 2));
  // Not a speed test (the figure is in big-metrics.json; the benchmark reports it):
  // a freeze check with a wide margin, so that a loaded machine does not fail it.
  // The conversion runs in the worker; a main-thread task of seconds would mean it
  // did not.
  assert.ok(worst < 2000, `the page froze: a main-thread task took ${worst} ms during the conversion: ${JSON.stringify(longtasks)}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'big-file.png'), fullPage: true });
  await context.close();
  assertClean(assert, rec);
});

test('Cancel stops a big conversion and the page stays usable', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  await page.setInputFiles('#files', BIG);
  await page.waitForSelector('#bigfile:not([hidden])');
  await page.click('#cancel');
  await page.waitForSelector('#bigfile', { state: 'hidden' });
  assert.equal(await page.isVisible('#input'), true);
  await page.waitForSelector('#engine.ready');
  await page.fill('#input', 'TY  - JOUR\nTI  - After cancel\nAU  - Doe, Jane\nPY  - 2020\nER  - \n');
  await waitRefs(page, 1);
  await context.close();
  assertClean(assert, rec);
});

test('a huge paste is converted like a big file', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  const text = readFileSync(BIG, 'utf8').slice(0, 3 * 1024 * 1024);
  const n = (text.match(/^ER {2}- $/gm) || []).length;
  await page.$eval('#input', (t, v) => { t.value = v; t.dispatchEvent(new Event('input', { bubbles: true })); }, text);
  await page.waitForSelector('#bigfile:not([hidden])');
  await page.waitForFunction(() => document.body.dataset.state === 'converted', null, { timeout: 120_000 });
  // The cut may leave a last record without ER: the core repairs it and keeps it.
  assert.match(await page.textContent('#progress-label'), new RegExp(`Converted (${n.toLocaleString('en')}|${(n + 1).toLocaleString('en')}) references`));
  await page.click('#bigfile-close');
  assert.equal(await page.inputValue('#input'), '');
  await context.close();
  assertClean(assert, rec);
});

test('switching tabs during a big conversion queues the next format', async () => {
  const small = path.join(ARTIFACTS, 'big-3mb.ris');
  const n = generate(small, 3 * 1024 * 1024);
  const { page, rec, context } = await openPage(browser, srv.url);
  await page.setInputFiles('#files', small);
  await page.waitForSelector('#bigfile:not([hidden])');
  await selectTab(page, 'csl-json'); // while BibTeX streams
  await page.waitForSelector('#code-text[data-format="csl-json"]', { timeout: 120_000 });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(dl.suggestedFilename(), 'references.json');
  const items = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  assert.equal(items.length, n);
  await selectTab(page, 'bibtex');
  await page.waitForSelector('#code-text[data-format="bibtex"]');
  assert.ok((await page.textContent('#code-text')).startsWith('@'));
  await context.close();
  assertClean(assert, rec);
});
