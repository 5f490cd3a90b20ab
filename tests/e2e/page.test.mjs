// The paste area, the formatted reference of the seed, the conversion tabs,
// style switching, diagnostics, non-RIS input, keyboard use and screenshots.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, SEED, SEED_APA, assertClean, chooseStyle, codeText, launch, normalize, openPage, refTexts, selectTab, server, setInput, waitNewRef,
  waitRefs,
} from './helpers.mjs';

let srv;
let browser;
before(async () => { srv = await server(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

describe('the seed paste', () => {
  let page;
  let rec;
  let context;
  before(async () => {
    ({ page, rec, context } = await openPage(browser, srv.url));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(srv.url).origin });
  });
  after(async () => { await context.close(); });

  test('shows the APA reference of the formatting issue', async () => {
    // A real paste (Ctrl+V) of the one-line seed.
    await page.evaluate((t) => navigator.clipboard.writeText(t), SEED);
    await page.focus('#input');
    await page.keyboard.press('Control+V');
    assert.equal(await page.inputValue('#input'), SEED);
    await waitRefs(page, 1);
    await page.waitForFunction(() => performance.getEntriesByName('citris:paste-to-render').length > 0);
    const timing = await page.evaluate(() => performance.getEntriesByName('citris:paste-to-render').map((e) => e.duration));
    writeFileSync(path.join(ARTIFACTS, 'seed-timing.json'), JSON.stringify({ pasteToRenderMs: timing }, null, 2));
    await page.waitForFunction(() => document.querySelector('#refs .ref-text')?.textContent.includes('(2021)'));
    const [text] = await refTexts(page);
    assert.equal(text, SEED_APA);
    // Italics survive: the journal title is in <i>.
    const italic = await page.$$eval('#refs .ref-text i', (ns) => ns.map((n) => n.textContent));
    assert.ok(italic.some((t) => t.includes('Cancer Gene Therapy')), `italic parts: ${italic}`);
    // The in-text citation and the type.
    assert.equal(normalize(await page.textContent('#refs .cite')), '(Rezaei et al., 2021)');
    assert.equal(await page.textContent('#refs .badge'), 'Journal article');
  });

  test('the details view lists the fields', async () => {
    await page.click('#refs .fields summary');
    await page.waitForSelector('#refs .fields dl');
    const fields = await page.$$eval('#refs .fields dt', (ns) => ns.map((n) => n.textContent));
    for (const f of ['title', 'author', 'DOI', 'URL', 'issued', 'container-title']) assert.ok(fields.includes(f), `${f} in ${fields}`);
    const doi = await page.$eval('#refs .fields a[href*="doi.org"]', (a) => a.href);
    assert.equal(doi, 'https://doi.org/10.1038/s41417-021-00359-9');
    const authors = await page.$$eval('#refs .fields dt', (ns) => ns.find((n) => n.textContent === 'author').nextElementSibling.textContent);
    assert.equal(authors.split('; ').length, 8);
  });

  test('the BibTeX tab shows the entry', async () => {
    await selectTab(page, 'bibtex');
    await page.waitForSelector('#code-text[data-format="bibtex"]');
    const bib = await codeText(page);
    assert.match(bib, /@article\{rezaei2021combination,/);
    assert.match(bib, /title = \{\{?Combination therapy with CAR T cells/);
    assert.match(bib, /doi = \{10\.1038\/s41417-021-00359-9\}/);
    assert.match(bib, /pages = \{1--14\}/);
    assert.match(bib, /Ghorbani Alvanegh, Akbar/);
  });

  test('the other tabs show BibLaTeX, CSL-JSON and RIS', async () => {
    await selectTab(page, 'biblatex');
    await page.waitForSelector('#code-text[data-format="biblatex"]');
    assert.match(await codeText(page), /journaltitle = \{Cancer Gene Therapy\}/);
    await selectTab(page, 'csl-json');
    await page.waitForSelector('#code-text[data-format="csl-json"]');
    const items = JSON.parse(await codeText(page));
    assert.equal(items.length, 1);
    assert.equal(items[0].id, 'rezaei2021combination');
    assert.equal(items[0].author.length, 8);
    assert.equal(items[0].DOI, '10.1038/s41417-021-00359-9');
    await selectTab(page, 'ris');
    await page.waitForSelector('#code-text[data-format="ris"]');
    const ris = await codeText(page);
    assert.match(ris, /^TY {2}- JOUR/m);
    assert.equal((ris.match(/^AU {2}- /gm) || []).length, 8);
    assert.match(ris, /^ER {2}- ?$/m);
    await selectTab(page, 'refs');
  });

  test('switching the style re-renders', async () => {
    const before = (await refTexts(page))[0];
    // The empty box lists the ten common styles.
    await page.click('#style');
    await page.fill('#style', '');
    await page.waitForSelector('#style-list:not([hidden]) [role="option"]');
    const common = await page.$$eval('#style-list [role="option"]', (os) => os.map((o) => o.dataset.id));
    for (const s of ['apa', 'modern-language-association', 'chicago-author-date', 'chicago-notes-bibliography', 'ieee',
      'nlm-citation-sequence', 'harvard-cite-them-right', 'nature', 'american-medical-association', 'american-chemical-society']) {
      assert.ok(common.includes(s), `common style ${s} in ${common}`);
    }
    await page.keyboard.press('Escape');
    await chooseStyle(page, 'MLA Handbook', 'modern-language-association');
    const mla = await waitNewRef(page, before);
    assert.match(mla, /^Rezaei, Ramazan, et al\./);
    await chooseStyle(page, 'ieee', 'ieee');
    const ieee = await waitNewRef(page, mla);
    assert.match(ieee, /R\. Rezaei/);
    assert.match(normalize(await page.textContent('#refs .cite')), /^\[1\]$/);
    await chooseStyle(page, 'apa', 'apa');
    await page.waitForFunction((b) => document.querySelector('#refs .ref-text')?.textContent.replace(/\s+/g, ' ').trim() === b, SEED_APA);
  });

  test('no dialog, no error, no request outside 127.0.0.1', () => {
    assertClean(assert, rec);
  });
});

describe('messages', () => {
  let page;
  let rec;
  let context;
  before(async () => {
    ({ page, rec, context } = await openPage(browser, srv.url));
  });
  after(async () => { await context.close(); });

  test('a diagnostic names its line, and clicking it selects that line', async () => {
    const text = 'Provider: Some Database\nContent: text/plain\n\nTY  - JOUR\nTI  - A record without an end\nAU  - Doe, Jane\nPY  - 2020\n';
    await setInput(page, text);
    await waitRefs(page, 1);
    await page.waitForSelector('#diagnostics button.diag');
    const lines = await page.$$eval('#diagnostics button.diag .where', (ns) => ns.map((n) => n.textContent));
    assert.ok(lines.length >= 1, 'at least one diagnostic (skipped header, missing ER)');
    for (const l of lines) assert.match(l, /^Line \d+/);
    const button = page.locator('#diagnostics button.diag').first();
    const line = Number((await button.locator('.where').textContent()).match(/^Line (\d+)/)[1]);
    await button.click();
    const sel = await page.$eval('#input', (t) => ({ s: t.selectionStart, e: t.selectionEnd, v: t.value, focused: document.activeElement === t }));
    assert.ok(sel.focused, 'the text box has the focus');
    assert.equal(sel.v.slice(sel.s, sel.e), text.split('\n')[line - 1]);
  });

  test('input that is not RIS says what it looks like', async () => {
    await setInput(page, '@article{doe2020,\n  title = {A BibTeX entry},\n  author = {Doe, Jane},\n  year = {2020}\n}\n');
    await page.waitForSelector('#notice:not([hidden])');
    const notice = await page.textContent('#notice');
    assert.match(notice, /not look like RIS/);
    assert.match(notice, /BibTeX/i);
    assert.equal(await page.$$eval('#refs .ref', (n) => n.length), 0);
  });

  test('clearing the input empties the output', async () => {
    await page.click('#clear');
    await page.waitForSelector('#refs-empty:not([hidden])');
    assert.equal(await page.$eval('#notice', (n) => n.hidden), true);
    assertClean(assert, rec);
  });
});

describe('keyboard and screen readers', () => {
  test('tabs move with the arrow keys; controls have labels', async () => {
    const { page, rec, context } = await openPage(browser, srv.url);
    // The skip link is the first stop of the Tab key and leads to the paste area.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'files'); // the control after the paste area
    await setInput(page, SEED);
    await waitRefs(page, 1);
    await page.focus('#tab-refs');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-bibtex');
    assert.equal(await page.getAttribute('#tab-bibtex', 'aria-selected'), 'true');
    assert.equal(await page.$eval('#panel-code', (p) => p.hidden), false);
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-ris');
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-refs');
    // Every form control has an accessible name.
    const unnamed = await page.$$eval('input, select, textarea, button', (ns) => ns
      .filter((n) => !(n.labels && n.labels.length) && !n.getAttribute('aria-label') && !n.getAttribute('aria-labelledby') && !n.textContent.trim())
      .map((n) => n.id || n.outerHTML.slice(0, 60)));
    assert.deepEqual(unnamed, []);
    await context.close();
    assertClean(assert, rec);
  });
});

describe('screenshots', () => {
  const shots = [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['phone', { colorScheme: 'light', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 }],
    ['phone-dark', { colorScheme: 'dark', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 }],
  ];
  for (const [name, opts] of shots) {
    test(`${name}`, async () => {
      const { page, rec, context } = await openPage(browser, srv.url, opts);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-empty.png`), fullPage: true });
      await setInput(page, SEED);
      await waitRefs(page, 1);
      await page.click('#refs .fields summary');
    await page.waitForSelector('#refs .fields dl');
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
      if (name === 'phone') {
        // Nothing is wider than the screen.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page overflows the phone width by ${overflow}px`);
      }
      await context.close();
      assertClean(assert, rec);
    });
  }
});
