// Dropped and picked files: bytes go to the core, which detects UTF-16,
// Windows-1252 and CRLF; accents must come out right.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  FIXTURES, assertClean, codeText, fixture, launch, openPage, refTexts, selectTab, server, waitRefs,
} from './helpers.mjs';

let srv;
let browser;
before(async () => { srv = await server(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const FILES = ['utf16le-bom.ris', 'windows-1252.ris', 'crlf-utf8.ris'];
const EXPECT = [
  'Müller', 'Straße', 'Über die Zukunft der Bibliotheken – eine Studie', 'Zeitschrift für Bibliothekswesen',
  'Gómez', 'Lefèvre', 'Café culture – a naïve history', 'Éditions Peña',
  'Dvořák', 'Łukasiewicz', 'Ścieżki nauki', 'Ørsted', 'Électromagnétisme à Ærø',
];

/** Drops files on the drop zone the way a browser does: a DataTransfer of File objects. */
async function drop(page, names) {
  const files = names.map((name) => ({ name, bytes: [...fixture(name)] }));
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: '' }));
    const zone = document.getElementById('dropzone');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, files);
}

async function checkAccents(page) {
  await waitRefs(page, 4);
  const all = (await refTexts(page)).join('\n');
  const input = await page.inputValue('#input');
  for (const s of EXPECT) {
    assert.ok(all.includes(s) || input.includes(s), `"${s}" in the references`);
    assert.ok(input.includes(s), `"${s}" in the decoded input`);
  }
  assert.ok(!all.includes('\uFFFD') && !input.includes('\uFFFD'), 'no replacement character');
  assert.match(await page.textContent('#summary'), /4 references/);
  const chips = await page.$$eval('#filelist li', (ns) => ns.map((n) => n.textContent));
  assert.equal(chips.length, 3);
  assert.match(chips.find((c) => c.startsWith('utf16le-bom.ris')), /1 reference · UTF-16LE/i);
  assert.match(chips.find((c) => c.startsWith('windows-1252.ris')), /1 reference · windows-1252/i);
  assert.match(chips.find((c) => c.startsWith('crlf-utf8.ris')), /2 references$/);
}

test('dropping UTF-16, Windows-1252 and CRLF files at once', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  await drop(page, FILES);
  await checkAccents(page);

  // BibTeX keeps UTF-8 by default; the option writes LaTeX accents.
  await selectTab(page, 'bibtex');
  await page.waitForSelector('#code-text[data-format="bibtex"]');
  let bib = await codeText(page);
  assert.ok(bib.includes('Müller'), 'UTF-8 BibTeX');
  assert.equal((bib.match(/^@\w+\{/gm) || []).length, 4);
  await page.check('#latex');
  await page.waitForFunction(() => !document.getElementById('code-text').textContent.includes('Müller') && document.getElementById('code-text').dataset.format === 'bibtex');
  bib = await codeText(page);
  assert.match(bib, /\\"\{?u\}?ller|\{\\"u\}ller/);
  assert.ok(!/[üéöä]/.test(bib), 'no UTF-8 accent left with LaTeX accents on');
  await page.uncheck('#latex');

  // Editing the decoded text converts again, like a paste.
  await page.fill('#input', `${await page.inputValue('#input')}\nTY  - JOUR\nTI  - Added by hand\nER  - \n`);
  await waitRefs(page, 5);
  await context.close();
  assertClean(assert, rec);
});

test('the file picker takes several files too', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  await page.setInputFiles('#files', FILES.map((f) => path.join(FIXTURES, f)));
  await checkAccents(page);
  await context.close();
  assertClean(assert, rec);
});

test('a PDF and a BibTeX file among RIS files are named in the messages', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  await drop(page, ['crlf-utf8.ris', 'paper.pdf', 'not-ris.bib']);
  await waitRefs(page, 2);
  const diags = await page.$$eval('#diagnostics li', (ns) => ns.map((n) => n.textContent));
  const pdf = diags.find((d) => d.includes('paper.pdf'));
  const bib = diags.find((d) => d.includes('not-ris.bib'));
  assert.ok(pdf && /pdf/i.test(pdf.replace('paper.pdf', '')), `PDF named: ${diags}`);
  assert.ok(bib && /bibtex/i.test(bib), `BibTeX named: ${diags}`);
  const chips = await page.$$eval('#filelist li.bad', (ns) => ns.map((n) => n.textContent));
  assert.equal(chips.length, 2);

  // Only the PDF: the page says it is not RIS and stays usable.
  await drop(page, ['paper.pdf']);
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice'), /PDF/);
  await drop(page, ['windows-1252.ris']);
  await waitRefs(page, 1);
  assert.match((await refTexts(page))[0], /Café culture – a naïve history/);
  await context.close();
  assertClean(assert, rec);
});
