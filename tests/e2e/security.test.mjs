// Hostile input renders as text; no request leaves 127.0.0.1; the CSP blocks
// inline script; the page works offline after the first visit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, SEED, SEED_APA, assertClean, chooseStyle, codeText, fixture, launch, openPage, refTexts, selectTab, server, setInput, waitReady, waitRefs,
} from './helpers.mjs';

let srv;
let browser;
before(async () => { srv = await server(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

/** Elements and links that only input could have put into the page. */
async function foreignMarkup(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const n of document.querySelectorAll('main img, main script, main iframe, main svg, main style, main object, main embed, main [onerror], main [onload], main [onmouseover]')) bad.push(n.outerHTML.slice(0, 80));
    for (const a of document.querySelectorAll('a[href]')) {
      const p = new URL(a.href, location.href).protocol;
      if (!['http:', 'https:'].includes(p)) bad.push(`link ${a.getAttribute('href')}`);
    }
    return bad;
  });
}

test('XSS payloads in every field render as text', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  const xss = fixture('xss.ris', 'utf8');
  await setInput(page, xss);
  await waitRefs(page, 1);
  await page.click('#refs .fields summary');
    await page.waitForSelector('#refs .fields dl');
  const [text] = await refTexts(page);
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), `payload shown as text: ${text}`);
  const details = await page.textContent('#refs .fields');
  assert.ok(details.includes('javascript:alert(5)'), 'the URL is shown, as text');
  assert.ok(details.includes('<script>alert(2)</script>'));
  assert.deepEqual(await foreignMarkup(page), []);
  for (const fmt of ['bibtex', 'biblatex', 'csl-json', 'ris']) {
    await selectTab(page, fmt);
    await page.waitForSelector(`#code-text[data-format="${fmt}"]`);
    assert.ok((await codeText(page)).includes('onerror=alert(1)'));
    assert.deepEqual(await foreignMarkup(page), []);
  }
  await selectTab(page, 'refs');
  // Every style renders it as text as well.
  for (const s of ['apa', 'modern-language-association', 'chicago-author-date', 'chicago-notes-bibliography', 'ieee',
    'nlm-citation-sequence', 'harvard-cite-them-right', 'nature', 'american-medical-association', 'american-chemical-society',
    'cancer-gene-therapy']) {
    await chooseStyle(page, s, s);
    await page.waitForFunction(() => document.querySelector('#refs .ref-text'));
    assert.deepEqual(await foreignMarkup(page), [], `style ${s}`);
  }
  // Hover and click everything in the reference: nothing runs.
  for (const n of await page.$$('#refs .ref-text *')) await n.hover().catch(() => {});
  await page.waitForTimeout(100);
  await context.close();
  assertClean(assert, rec);
});

test('the Content-Security-Policy blocks inline script', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  const violations = await page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => { seen.push(e.violatedDirective); resolve(seen); });
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    setTimeout(() => resolve(seen), 1000);
  }));
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
  assert.ok(violations.some((v) => v.startsWith('script-src')), `violations: ${violations}`);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.equal(csp, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'");
  await context.close();
  assertClean(assert, rec);
});

test('offline after the first visit: a reload still converts', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  // The service worker is installed and controls the page.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
  // The cache is named after the build (pkg/sw-assets.js), so that a new build replaces it.
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'www/pkg/asset-manifest.json'), 'utf8'));
  assert.deepEqual(await page.evaluate(() => caches.keys()), [`citris-${version}`]);
  const cached = await page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) out.push(new URL(r.url).pathname);
    return out;
  });
  // Every module of the page (app.js and what it imports), not only the entry.
  const modules = readdirSync(path.join(ROOT, 'www')).filter((f) => f.endsWith('.js') && f !== 'sw.js').map((f) => `/${f}`);
  assert.ok(modules.includes('/app.js') && modules.includes('/worker.js'), `${modules}`);
  for (const f of ['/', '/index.html', ...modules, '/style.css', '/pkg/citris.js', '/pkg/citris_bg.wasm']) {
    assert.ok(cached.includes(f), `${f} cached (${cached.join(', ')})`);
  }
  await context.setOffline(true);
  await page.reload();
  await waitReady(page);
  await setInput(page, SEED);
  await waitRefs(page, 1);
  await page.waitForFunction(() => document.querySelector('#refs .ref-text')?.textContent.includes('(2021)'));
  assert.equal((await refTexts(page))[0], SEED_APA);
  // A second tab, offline from the start.
  const p2 = await context.newPage();
  await p2.goto(srv.url);
  await waitReady(p2);
  await context.setOffline(false);
  await context.close();
  assertClean(assert, rec);
});

test('sw.js, when not built, still caches every module of the page', () => {
  // Its own list (SHELL) is the fallback to pkg/sw-assets.js, which build.sh writes from www/.
  const sw = readFileSync(path.join(ROOT, 'www/sw.js'), 'utf8');
  const from = sw.indexOf('const SHELL = [');
  const shell = sw.slice(from, sw.indexOf('];', from));
  for (const f of readdirSync(path.join(ROOT, 'www')).filter((n) => n.endsWith('.js') && n !== 'sw.js')) {
    assert.ok(shell.includes(`'${f}'`), `${f} in sw.js's SHELL`);
  }
});

test('works under a project path (/citris/), as on GitHub Pages', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'citris-pages-'));
  symlinkSync(path.join(ROOT, 'www'), path.join(dir, 'citris'));
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port: p } = s.address(); s.close(() => resolve(p)); });
  });
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await new Promise((r) => { const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    const { page, rec, context } = await openPage(browser, `http://127.0.0.1:${port}/citris/`);
    await setInput(page, SEED);
    await waitRefs(page, 1);
    const paths = rec.requests.map((u) => new URL(u).pathname);
    assert.ok(paths.every((p) => p.startsWith('/citris/')), `every request stays under /citris/: ${paths.join(', ')}`);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope), `http://127.0.0.1:${port}/citris/`);
    await context.close();
    assertClean(assert, rec);
  } finally {
    child.kill();
    await once(child, 'exit').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

test('index.html preloads every module the page imports, so that none waits for the one before it', () => {
  const www = path.join(ROOT, 'www');
  const html = readFileSync(path.join(www, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([\w-]+\.js)">/g)].map((m) => m[1]));
  const seen = new Set();
  const todo = ['app.js'];
  while (todo.length) {
    const f = todo.shift();
    if (seen.has(f)) continue;
    seen.add(f);
    const src = readFileSync(path.join(www, f), 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*\(?\s*['"]\.\/([\w-]+\.js)['"]/g)) todo.push(m[1]);
  }
  assert.deepEqual([...seen].sort(), [...preloaded].sort());
});
