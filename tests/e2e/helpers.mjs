// Shared set-up for the browser tests: the static server, Chromium, and
// recorders for requests, dialogs and page errors.
//
// build.sh starts the server and passes CITRIS_URL; when the tests are run on
// their own (`node --test tests/e2e/`), each file starts its own server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const FIXTURES = path.join(HERE, 'fixtures');
export const ARTIFACTS = path.join(HERE, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--disable-default-apps', '--disable-domain-reliability', '--no-pings',
];

export function fixture(name, encoding) {
  return readFileSync(path.join(FIXTURES, name), encoding);
}

/** The seed: the collapsed Nature citation of the core issue, one line. */
export const SEED = fixture('seed-collapsed.ris', 'utf8');

/** The APA reference that the formatting issue gives for the seed (citeproc-js). */
export const SEED_APA = 'Rezaei, R., Esmaeili Gouvarchin Ghaleh, H., Farzanehpour, M., Dorostkar, R., Ranjbar, R., Bolandian, M., Mirzaei Nodooshan, M., & Ghorbani Alvanegh, A. (2021). Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy. Cancer Gene Therapy, 1–14. https://doi.org/10.1038/s41417-021-00359-9';

async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

async function waitPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

/** Starts the static server when build.sh has not. Returns {url, stop}. */
export async function server() {
  if (process.env.CITRIS_URL) return { url: process.env.CITRIS_URL.replace(/\/?$/, '/'), stop: async () => {} };
  const port = await freePort();
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(ROOT, 'www')], { stdio: 'ignore' });
  await waitPort(port);
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => { child.kill(); await once(child, 'exit').catch(() => {}); },
  };
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh context and page with recorders: every request URL (page, workers,
 * service worker), every dialog (dismissed), page errors and console errors.
 */
export async function openPage(browser, base, opts = {}) {
  const context = await browser.newContext({
    viewport: opts.viewport || { width: 1280, height: 900 },
    deviceScaleFactor: opts.deviceScaleFactor || 1,
    colorScheme: opts.colorScheme || 'light',
    acceptDownloads: true,
    serviceWorkers: 'allow',
    ...(opts.context || {}),
  });
  const rec = { requests: [], dialogs: [], errors: [], console: [] };
  context.on('request', (r) => rec.requests.push(r.url()));
  context.on('serviceworker', (w) => w.on('console', () => {}));
  const page = await context.newPage();
  page.on('dialog', (d) => { rec.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => rec.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') rec.console.push(m.text()); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') rec.console.push(`worker: ${m.text()}`); }));
  if (opts.initScript) await context.addInitScript(opts.initScript);
  await page.goto(base);
  await waitReady(page);
  return { context, page, rec };
}

export async function waitReady(page) {
  await page.waitForSelector('#engine.ready', { timeout: 60_000 });
}

/** Every request went to the test server (or stayed inside the page: blob:, data:). */
export function assertLocal(assert, rec) {
  const outside = rec.requests.filter((u) => {
    if (/^(blob|data|about|chrome-extension):/.test(u)) return false;
    try { return new URL(u).hostname !== '127.0.0.1'; } catch { return true; }
  });
  assert.deepEqual(outside, [], `requests left 127.0.0.1: ${outside.join(', ')}`);
}

export function assertClean(assert, rec) {
  assert.deepEqual(rec.dialogs, [], 'no dialog may open');
  assert.deepEqual(rec.errors, [], 'no uncaught page error');
  assertLocal(assert, rec);
}

/** Types into the paste area (fires `input`, like a paste or typing). */
export async function setInput(page, text) {
  await page.locator('#input').fill(text);
}

export async function refTexts(page) {
  return page.$$eval('#refs .ref .ref-text', (ns) => ns.map((n) => n.textContent.replace(/\s+/g, ' ').trim()));
}

/** Waits until the references list shows `n` references. */
export async function waitRefs(page, n, timeout = 30_000) {
  await page.waitForFunction((k) => document.querySelectorAll('#refs .ref').length === k, n, { timeout });
}

export async function selectTab(page, name) {
  await page.click(`[role="tab"][data-format="${name}"]`);
}

/** The text of the code panel once it holds a conversion. */
export async function codeText(page) {
  await page.waitForFunction(() => document.getElementById('code-text').textContent.length > 0, null, { timeout: 30_000 });
  return page.$eval('#code-text', (n) => n.textContent);
}

export const normalize = (s) => s.replace(/\s+/g, ' ').trim();

/**
 * Chooses a style in the picker as a user does: types `query` into the
 * "Citation style" box, waits for the results (the first one `id`, when given)
 * and presses Enter. Resolves once the page uses the style (`id`).
 */
export async function chooseStyle(page, query, id) {
  await page.click('#style');
  await page.fill('#style', query);
  await page.waitForFunction((want) => {
    const list = document.getElementById('style-list');
    const first = list.querySelector('[role="option"]');
    return !list.hidden && first && (!want || first.dataset.id === want);
  }, id, { timeout: 30_000 });
  await page.keyboard.press('Enter');
  if (id) await page.waitForFunction((want) => document.getElementById('style').dataset.styleId === want, id, { timeout: 60_000 });
}

/** The id of the style in use ('custom' for a loaded .csl file). */
export function styleInUse(page) {
  return page.$eval('#style', (e) => e.dataset.styleId);
}

/** Waits until the first reference's text differs from `before`, and returns it. */
export async function waitNewRef(page, before, timeout = 60_000) {
  await page.waitForFunction((b) => {
    const t = document.querySelector('#refs .ref-text');
    return t && t.textContent.replace(/\s+/g, ' ').trim() !== b;
  }, before, { timeout });
  return (await refTexts(page))[0];
}
