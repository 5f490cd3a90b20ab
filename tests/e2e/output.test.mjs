// Downloads, the clipboard, and user-supplied .csl styles.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  FIXTURES, SEED, SEED_APA, assertClean, chooseStyle, codeText, launch, normalize, openPage, refTexts, selectTab, server, setInput, styleInUse, waitRefs,
} from './helpers.mjs';

let srv;
let browser;
let page;
let rec;
let context;
before(async () => {
  srv = await server();
  browser = await launch();
  ({ page, rec, context } = await openPage(browser, srv.url));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(srv.url).origin });
  await setInput(page, SEED);
  await waitRefs(page, 1);
});

/** The formatted APA reference of the seed is on the page. */
async function waitApa() {
  await page.waitForFunction((t) => document.querySelector('#refs .ref-text')?.textContent.replace(/\s+/g, ' ').trim() === t, SEED_APA);
}
after(async () => { await context?.close(); await browser?.close(); await srv?.stop(); });

async function download() {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: readFileSync(file, 'utf8') };
}

describe('downloads', () => {
  test('BibTeX: references.bib with the entry', async () => {
    await selectTab(page, 'bibtex');
    await page.waitForSelector('#code-text[data-format="bibtex"]');
    const shown = await codeText(page);
    const { name, text } = await download();
    assert.equal(name, 'references.bib');
    assert.equal(text, shown);
    assert.match(text, /^@article\{rezaei2021combination,/m);
  });

  test('BibLaTeX: references-biblatex.bib', async () => {
    await selectTab(page, 'biblatex');
    await page.waitForSelector('#code-text[data-format="biblatex"]');
    const shown = await codeText(page);
    const { name, text } = await download();
    assert.equal(name, 'references-biblatex.bib');
    assert.equal(text, shown);
    assert.match(text, /date = \{2021-06-22\}/);
  });

  test('CSL-JSON: references.json, valid JSON', async () => {
    await selectTab(page, 'csl-json');
    await page.waitForSelector('#code-text[data-format="csl-json"]');
    const { name, text } = await download();
    assert.equal(name, 'references.json');
    const items = JSON.parse(text);
    assert.equal(items[0].title, 'Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy');
    assert.ok(!('_line' in items[0]), 'no page-internal field in the download');
  });

  test('RIS: references.ris', async () => {
    await selectTab(page, 'ris');
    await page.waitForSelector('#code-text[data-format="ris"]');
    const { name, text } = await download();
    assert.equal(name, 'references.ris');
    assert.match(text, /^TY {2}- JOUR\r?\n/);
    assert.match(text, /^DO {2}- 10\.1038\/s41417-021-00359-9$/m);
  });

  test('References: an HTML file with the formatted entry', async () => {
    await selectTab(page, 'refs');
    await waitApa();
    const { name, text } = await download();
    assert.equal(name, 'references-apa.html');
    assert.match(text, /^<!doctype html>/);
    assert.match(text, /<i>Cancer Gene Therapy<\/i>/);
    assert.ok(normalize(text.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&')).includes(SEED_APA));
  });
});

describe('clipboard', () => {
  test('Copy puts the references as HTML and as plain text', async () => {
    await selectTab(page, 'refs');
    await waitApa();
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.click('#copy');
    await page.waitForFunction(() => /Copied/.test(document.getElementById('toast').textContent));
    const clip = await page.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const out = {};
      for (const t of items[0].types) out[t] = await (await items[0].getType(t)).text();
      return out;
    });
    assert.equal(clip['text/plain'], SEED_APA);
    assert.match(clip['text/html'], /<i>Cancer Gene Therapy<\/i>/);
    assert.ok(!/<script|on\w+=/i.test(clip['text/html']));
  });

  test('Copy on a conversion tab puts its text', async () => {
    await selectTab(page, 'bibtex');
    await page.waitForSelector('#code-text[data-format="bibtex"]');
    const shown = await codeText(page);
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.click('#copy');
    await page.waitForFunction(() => /Copied/.test(document.getElementById('toast').textContent));
    const text = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(text, shown);
    await selectTab(page, 'refs');
  });

  test('Copy citation copies the in-text citation', async () => {
    // The previous test's "Copied" toast may still show: clear it, or the wait
    // below passes before this copy has happened (a race seen on a loaded machine).
    await page.evaluate(() => { document.getElementById('toast').textContent = ''; });
    await page.click('#refs .ref button:has-text("Copy citation")');
    await page.waitForFunction(() => /Copied/.test(document.getElementById('toast').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '(Rezaei et al., 2021)');
  });
});

describe('styles from a .csl file', () => {
  test('loading a valid .csl file renders with it', async () => {
    await waitApa();
    await page.setInputFiles('#cslfile', path.join(FIXTURES, 'test-style.csl'));
    await page.waitForFunction(() => document.querySelector('#refs .ref-text')?.textContent.includes('TESTSTYLE'));
    assert.equal(await styleInUse(page), 'custom');
    const [text] = await refTexts(page);
    assert.equal(text, 'TESTSTYLE Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy (2021)');
    assert.equal(await page.$eval('#style-error', (e) => e.hidden), true);
  });

  test('a broken .csl file shows an error and keeps the current style', async () => {
    await page.setInputFiles('#cslfile', path.join(FIXTURES, 'broken-style.csl'));
    await page.waitForSelector('#style-error:not([hidden])');
    const msg = await page.textContent('#style-error');
    assert.match(msg, /broken-style\.csl cannot be used/);
    assert.ok(msg.length > 'broken-style.csl cannot be used: '.length + 5, `a reason is given: ${msg}`);
    assert.equal(await styleInUse(page), 'custom');
    assert.ok((await refTexts(page))[0].startsWith('TESTSTYLE'));
    // Back to a bundled style.
    await chooseStyle(page, 'apa', 'apa');
    await page.waitForFunction((t) => document.querySelector('#refs .ref-text')?.textContent.replace(/\s+/g, ' ').trim() === t, SEED_APA);
    assert.equal(await page.$eval('#style-error', (e) => e.hidden), true);
  });

  for (const [file, what] of [['xxe-style.csl', 'external entities'], ['laughs-style.csl', 'an entity bomb']]) {
    test(`a .csl file with ${what} neither fetches, reads files nor freezes`, async () => {
      await chooseStyle(page, 'apa', 'apa');
      await page.setInputFiles('#cslfile', path.join(FIXTURES, file));
      // Either a clear error, or the style is used without the entities' content.
      await page.waitForFunction(() => !document.getElementById('style-error').hidden || document.getElementById('style').dataset.styleId === 'custom', null, { timeout: 30_000 });
      const refs = (await refTexts(page)).join(' ');
      assert.ok(!/root:|lollollol/.test(refs), `no entity content: ${refs.slice(0, 200)}`);
      // The page still answers at once.
      assert.equal(await page.evaluate(() => 1 + 1), 2);
      await chooseStyle(page, 'apa', 'apa');
      await waitApa();
    });
  }

  test('no dialog, no error, no request outside 127.0.0.1', () => {
    assertClean(assert, rec);
  });
});
