// Every CSL style in the page: the style picker (an ARIA combobox over the
// 10,844 styles of the index), fetching one style and its locale on demand,
// links that carry the style and language, styles that cannot be used, offline
// use of the styles used (and of all of them, on request), and the figures the
// issue asks for: the bytes loaded before the first formatted reference, the
// time a search takes per keystroke, the time a style switch takes for 1,000
// references. Times are recorded in artifacts/style-metrics.json, not asserted.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, ROOT, SEED, assertClean, chooseStyle, launch, normalize, openPage, refTexts, server, setInput, styleInUse,
  waitNewRef, waitRefs,
} from './helpers.mjs';

/** citeproc-js 2.4.63 for the seed in cancer-gene-therapy (nature-publishing-group-vancouver, en-GB); tests/it/styles.rs has the same. */
const SEED_CGT = '1 Rezaei R, Esmaeili Gouvarchin Ghaleh H, Farzanehpour M, Dorostkar R, Ranjbar R, Bolandian M et al. Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Ther 2021; : 1–14.';

const metrics = {};
const saveMetrics = () => writeFileSync(path.join(ARTIFACTS, 'style-metrics.json'), JSON.stringify(metrics, null, 2));

let srv;
let browser;
before(async () => { srv = await server(); browser = await launch(); });
after(async () => { saveMetrics(); await browser?.close(); await srv?.stop(); });

const styleRequests = (rec) => rec.requests.filter((u) => new URL(u).pathname.includes('/styles/')).map((u) => new URL(u).pathname.replace(/^.*\/styles\//, ''));

/** Types `q` into the picker and waits for its results (the list says which query it shows). */
async function openList(page, q, { none = false } = {}) {
  await page.click('#style');
  await page.fill('#style', q);
  await page.waitForFunction(([query, empty]) => {
    const list = document.getElementById('style-list');
    return list.dataset.query === query && (empty || (!list.hidden && list.querySelector('[role="option"]')));
  }, [q, none], { timeout: 30_000 });
}

const optionIds = (page) => page.$$eval('#style-list [role="option"]', (os) => os.map((o) => o.dataset.id));

describe('the style picker', () => {
  let page;
  let rec;
  let context;
  before(async () => {
    ({ page, rec, context } = await openPage(browser, srv.url));
  });
  after(async () => { await context.close(); });

  test('loads less than 1 MB (gzip) before the first formatted reference', async () => {
    // A fresh page: every request (page, workers) that started before the page
    // marked its first formatted reference, sized as a server's gzip -9 would send it.
    const context2 = await browser.newContext({ serviceWorkers: 'allow' });
    const started = [];
    context2.on('request', (r) => started.push({ url: r.url(), at: Date.now() }));
    const fresh = await context2.newPage();
    const errors = [];
    fresh.on('pageerror', (e) => errors.push(String(e)));
    await fresh.goto(srv.url);
    await fresh.waitForSelector('#engine.ready', { timeout: 60_000 });
    await setInput(fresh, SEED);
    await fresh.waitForFunction(() => performance.getEntriesByName('citris:first-reference').length > 0, null, { timeout: 60_000 });
    const firstAt = await fresh.evaluate(() => performance.timeOrigin + performance.getEntriesByName('citris:first-reference')[0].startTime);
    const files = [...new Set(started.filter((r) => r.at <= firstAt).map((r) => new URL(r.url).pathname.replace(/^\//, '') || 'index.html'))];
    const sizes = files.map((f) => {
      const body = readFileSync(path.join(ROOT, 'www', f));
      return { file: f, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
    });
    const total = sizes.reduce((s, f) => s + f.gzip, 0);
    metrics.firstReference = { gzipTotal: total, files: sizes };
    saveMetrics();
    assert.ok(files.includes('pkg/citris_bg.wasm'), `${files}`);
    assert.ok(!files.some((f) => f.startsWith('styles/')), `no style file before the first reference: ${files}`);
    assert.ok(!files.some((f) => f.startsWith('pkg/lite/')), `the small module is not loaded: ${files}`);
    assert.ok(total <= 1_000_000, `${total} B gzip before the first formatted reference: ${JSON.stringify(sizes)}`);
    assert.deepEqual(errors, []);
    await context2.close();
  });

  test('is a combobox with a listbox, labelled "Citation style"', async () => {
    const attrs = await page.$eval('#style', (e) => ({
      role: e.getAttribute('role'), expanded: e.getAttribute('aria-expanded'), controls: e.getAttribute('aria-controls'),
      autocomplete: e.getAttribute('aria-autocomplete'), label: e.labels[0]?.textContent,
    }));
    assert.deepEqual(attrs, { role: 'combobox', expanded: 'false', controls: 'style-list', autocomplete: 'list', label: 'Citation style' });
    assert.equal(await page.getAttribute('#style-list', 'role'), 'listbox');
    assert.equal(await styleInUse(page), 'apa');
  });

  test('typing "Cancer Gene Therapy" and Enter formats the seed in that journal’s style', async () => {
    await setInput(page, SEED);
    await waitRefs(page, 1);
    const apa = (await refTexts(page))[0];
    const before = styleRequests(rec).length;
    await page.click('#style');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Cancer Gene Therapy');
    await page.waitForFunction(() => document.querySelector('#style-list [role="option"]')?.dataset.id === 'cancer-gene-therapy');
    await page.keyboard.press('Enter');
    const text = await waitNewRef(page, apa);
    assert.equal(text, SEED_CGT);
    assert.equal(normalize(await page.textContent('#refs .cite')), '1');
    assert.equal(await styleInUse(page), 'cancer-gene-therapy');
    assert.equal(await page.inputValue('#style'), 'Cancer Gene Therapy');
    // Only the parent's file and the journal's locale (en-GB) were fetched, from this origin.
    // (With the service worker, its own fetch of a file is a second request: count files.)
    const fetched = [...new Set(styleRequests(rec).slice(before))];
    assert.ok(fetched.includes('nature-publishing-group-vancouver.csl'), `${fetched}`);
    assert.ok(fetched.includes('locales/locales-en-GB.xml'), `${fetched}`);
    assert.deepEqual(fetched.filter((f) => f.endsWith('.csl') || f.startsWith('locales/')).sort(),
      ['locales/locales-en-GB.xml', 'nature-publishing-group-vancouver.csl']);
    // The link keeps the style.
    assert.equal(new URL(page.url()).searchParams.get('style'), 'cancer-gene-therapy');
  });

  test('arrow keys move through the results, Escape closes and keeps the style', async () => {
    await openList(page, 'elsevier harvard');
    const ids = await optionIds(page);
    assert.ok(ids.length >= 2, `${ids}`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = await page.$eval('#style', (e) => e.getAttribute('aria-activedescendant'));
    assert.equal(await page.$eval(`#${active}`, (o) => [o.dataset.id, o.getAttribute('aria-selected')].join()), `${ids[1]},true`);
    assert.equal(await page.getAttribute('#style', 'aria-expanded'), 'true');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.$eval('#style', (e) => document.getElementById(e.getAttribute('aria-activedescendant')).dataset.id), ids[0]);
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute('#style', 'aria-expanded'), 'false');
    assert.equal(await page.isHidden('#style-list'), true);
    assert.equal(await page.inputValue('#style'), 'Cancer Gene Therapy');
    assert.equal(await styleInUse(page), 'cancer-gene-therapy');
    // Enter on the active (second) result chooses that one.
    await openList(page, 'elsevier harvard');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.getElementById('style').dataset.styleId === id, ids[1], { timeout: 60_000 });
  });

  test('the empty box shows the styles used recently, then the common ones', async () => {
    await openList(page, '');
    const ids = await optionIds(page);
    const metas = await page.$$eval('#style-list .opt-meta', (ms) => ms.map((m) => m.textContent));
    assert.ok(ids.indexOf('cancer-gene-therapy') >= 0 && ids.indexOf('cancer-gene-therapy') < 3, `${ids}`);
    assert.match(metas[ids.indexOf('cancer-gene-therapy')], /used recently/);
    for (const id of ['apa', 'modern-language-association', 'ieee', 'nature']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    await page.keyboard.press('Escape');
  });

  test('each result shows its format, and a dependent style its parent', async () => {
    await openList(page, 'Gene Therapy');
    const rows = await page.$$eval('#style-list [role="option"]', (os) => os.map((o) => [o.dataset.id, o.querySelector('.opt-meta').textContent]));
    const cgt = rows.find(([id]) => id === 'cancer-gene-therapy');
    assert.ok(cgt, `${rows}`);
    assert.match(cgt[1], /^numeric · uses Nature Publishing Group/);
    await openList(page, 'Chicago Manual of Style 18th edition (author-date)');
    const chicago = await page.$eval('#style-list [role="option"]', (o) => [o.dataset.id, o.querySelector('.opt-meta').textContent]);
    assert.deepEqual(chicago, ['chicago-author-date', 'author-date']);
    await page.keyboard.press('Escape');
  });

  test('matches ISSNs with or without the hyphen, short titles and fields', async () => {
    const inUse = await page.inputValue('#style');
    for (const q of ['0929-1903', '09291903', '1476-5500']) {
      await openList(page, q);
      assert.equal((await optionIds(page))[0], 'cancer-gene-therapy', q);
    }
    await openList(page, 'medicine');
    assert.match(await page.textContent('#style-status'), /^[\d,]+ styles match; the best 50 are shown\./);
    await openList(page, 'zzzzqqqq', { none: true });
    assert.match(await page.textContent('#style-status'), /No style matches “zzzzqqqq”/);
    assert.equal(await page.isHidden('#style-list'), true);
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('#style'), inUse);
  });

  test('a search answers per keystroke (figures in artifacts/style-metrics.json)', async () => {
    await page.evaluate(() => performance.clearMeasures('citris:style-search'));
    await page.click('#style');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    let n = 0;
    for (const ch of 'journal of clinical medicine') {
      await page.keyboard.type(ch);
      n += 1;
      // One keystroke at a time: its answer is on screen before the next.
      await page.waitForFunction((k) => performance.getEntriesByName('citris:style-search').length >= k, n);
    }
    await page.waitForTimeout(200);
    const entries = await page.evaluate(() => performance.getEntriesByName('citris:style-search').map((e) => [e.duration, e.detail?.search ?? null]));
    const ms = entries.map((e) => e[0]).sort((a, b) => a - b);
    const core = entries.map((e) => e[1]).filter((x) => x != null).sort((a, b) => a - b);
    const q = (a, f) => a[Math.min(a.length - 1, Math.floor(a.length * f))];
    metrics.searchPerKeystroke = {
      keystrokes: ms.length,
      keystrokeToResultsMs: { median: q(ms, 0.5), p90: q(ms, 0.9), max: q(ms, 1) },
      coreSearchMs: { median: q(core, 0.5), p90: q(core, 0.9), max: q(core, 1) },
    };
    saveMetrics();
    assert.ok(ms.length >= 10);
    await page.keyboard.press('Escape');
  });

  test('no dialog, no error, no request outside 127.0.0.1', () => {
    assertClean(assert, rec);
  });
});

describe('links, bad styles, offline', () => {
  test('a link with ?style= and &lang= opens the page in that style and language', async () => {
    const { page, rec, context } = await openPage(browser, `${srv.url}?style=elsevier-harvard&lang=de-DE`);
    await page.waitForFunction(() => document.getElementById('style').dataset.styleId === 'elsevier-harvard', null, { timeout: 60_000 });
    assert.equal(await page.inputValue('#locale'), 'de-DE');
    assert.match(await page.inputValue('#style'), /^Elsevier/);
    await setInput(page, SEED);
    await waitRefs(page, 1);
    await page.waitForFunction(() => /Rezaei, R\., .*u\. a\.|Rezaei, R\., Esmaeili/.test(document.querySelector('#refs .ref-text')?.textContent || ''));
    assert.match(normalize(await page.textContent('#refs .cite')), /Rezaei .*2021/);
    assert.ok(styleRequests(rec).includes('locales/locales-de-DE.xml'), `${styleRequests(rec)}`);
    // The user's data never goes into the address.
    assert.ok(!page.url().includes('Rezaei'), page.url());
    await context.close();
    assertClean(assert, rec);
  });

  test('a style that cannot be used names the style and the problem, and the previous one stays', async () => {
    // No service worker here, so that the routes below see every request.
    const { page, rec, context } = await openPage(browser, srv.url, { context: { serviceWorkers: 'block' } });
    // A damaged file on the server, and a parent that is missing.
    await context.route('**/styles/ieee.csl', (route) => route.fulfill({ status: 200, contentType: 'application/xml', body: '<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl"><info>' }));
    await context.route('**/styles/nature-publishing-group-vancouver.csl', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await setInput(page, SEED);
    await waitRefs(page, 1);
    const apa = (await refTexts(page))[0];
    await chooseStyle(page, 'ieee');
    await page.waitForSelector('#style-error:not([hidden])', { timeout: 60_000 });
    let msg = await page.textContent('#style-error');
    assert.match(msg, /“IEEE Reference Guide version 11\.29\.2023” cannot be used: styles\/ieee\.csl: (line \d+, column \d+: )?the style is not well-formed XML/);
    assert.match(msg, /APA Style 7th edition is still in use/);
    assert.equal(await styleInUse(page), 'apa');
    assert.equal(await page.inputValue('#style'), 'APA Style 7th edition');
    assert.equal((await refTexts(page))[0], apa);
    await chooseStyle(page, 'Cancer Gene Therapy');
    await page.waitForFunction(() => /Cancer Gene Therapy/.test(document.getElementById('style-error').textContent), null, { timeout: 60_000 });
    msg = await page.textContent('#style-error');
    assert.match(msg, /nature-publishing-group-vancouver\.csl is not on this site \(HTTP 404\)/);
    assert.equal(await styleInUse(page), 'apa');
    // The worker is still there: a good style still works.
    await chooseStyle(page, 'nature', 'nature');
    await waitNewRef(page, apa);
    await context.close();
    assertClean(assert, rec);
  });

  test('a style used once works offline after a reload', async () => {
    const { page, rec, context } = await openPage(browser, srv.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
    await setInput(page, SEED);
    await waitRefs(page, 1);
    await chooseStyle(page, 'Cancer Gene Therapy', 'cancer-gene-therapy');
    await page.waitForFunction((t) => document.querySelector('#refs .ref-text')?.textContent.replace(/\s+/g, ' ').trim() === t, SEED_CGT, { timeout: 60_000 });
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#engine.ready', { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('style').dataset.styleId === 'cancer-gene-therapy', null, { timeout: 60_000 });
    await setInput(page, SEED);
    await waitRefs(page, 1);
    await page.waitForFunction((t) => document.querySelector('#refs .ref-text')?.textContent.replace(/\s+/g, ' ').trim() === t, SEED_CGT, { timeout: 60_000 });
    // A style never used is not there offline: a clear message, the style stays.
    await chooseStyle(page, 'zoological journal of the linnean society');
    await page.waitForSelector('#style-error:not([hidden])', { timeout: 60_000 });
    assert.match(await page.textContent('#style-error'), /offline/);
    assert.equal(await styleInUse(page), 'cancer-gene-therapy');
    await context.setOffline(false);
    await context.close();
    assert.deepEqual(rec.errors, []);
  });

  test('"keep every style for offline use" fetches them all with progress, then any style works offline', async () => {
    const { page, rec, context } = await openPage(browser, srv.url);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
    await setInput(page, SEED);
    await waitRefs(page, 1);
    await page.waitForFunction(() => /Stores [\d,]+ files \([\d.]+ MB\)/.test(document.getElementById('offline-status').textContent), null, { timeout: 30_000 });
    const offer = await page.textContent('#offline-status');
    const t0 = Date.now();
    await page.click('#offline-all');
    await page.waitForFunction(() => !document.getElementById('offline-progress').hidden || /now kept/.test(document.getElementById('offline-status').textContent));
    await page.waitForFunction(() => /now kept in this browser/.test(document.getElementById('offline-status').textContent), null, { timeout: 300_000 });
    metrics.keepEveryStyle = { offer, done: await page.textContent('#offline-status'), seconds: (Date.now() - t0) / 1000 };
    saveMetrics();
    await context.setOffline(true);
    await chooseStyle(page, 'zoological journal of the linnean society');
    await page.waitForFunction(() => document.getElementById('style').dataset.styleId !== 'apa' || !document.getElementById('style-error').hidden, null, { timeout: 60_000 });
    assert.equal(await page.$eval('#style-error', (e) => e.hidden), true, await page.textContent('#style-error'));
    await context.setOffline(false);
    await context.close();
    assert.deepEqual(rec.errors, []);
  });

  test('switching the style re-renders 1,000 references (figure in artifacts/style-metrics.json)', async () => {
    const { page, rec, context } = await openPage(browser, srv.url);
    const records = [];
    for (let i = 0; i < 1000; i++) {
      records.push(`TY  - JOUR\nAU  - Author${i % 97}, Ann\nAU  - Second${i % 13}, Bo\nTI  - Study number ${i} of the effect\nT2  - Journal of Tests ${i % 7}\nPY  - ${1990 + (i % 30)}\nVL  - ${i % 40}\nIS  - ${i % 4}\nSP  - ${i}\nEP  - ${i + 9}\nDO  - 10.1000/test.${i}\nER  - \n`);
    }
    // A paste of 1,000 records (fill() types it, which takes too long for a test).
    await page.$eval('#input', (el, t) => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }, records.join(''));
    await page.waitForFunction(() => document.querySelectorAll('#refs .ref').length >= 50, null, { timeout: 120_000 });
    const runs = [];
    for (const [q, id] of [['ieee', 'ieee'], ['Chicago Manual of Style 18th edition (author-date)', 'chicago-author-date'], ['apa', 'apa'], ['elsevier-harvard', 'elsevier-harvard']]) {
      await page.evaluate(() => performance.clearMeasures('citris:style-switch'));
      await chooseStyle(page, q, id);
      await page.waitForFunction(() => performance.getEntriesByName('citris:style-switch').length > 0, null, { timeout: 120_000 });
      runs.push({ style: id, ms: await page.evaluate(() => performance.getEntriesByName('citris:style-switch')[0].duration) });
    }
    metrics.styleSwitch1000 = runs;
    saveMetrics();
    assert.match(await page.textContent('#summary'), /1,000 references/);
    await context.close();
    assertClean(assert, rec);
  });
});
