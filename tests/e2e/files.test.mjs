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

// Hostile and broken files (issue 6): each gives a message or references, never a
// frozen or broken page. Generated here, byte-exact.
const HOSTILE = {
  'empty.ris': Buffer.alloc(0),
  'spaces.ris': Buffer.from(' \n\t\r\n   \n'),
  'only-er.ris': Buffer.from('ER  - \nER  - \nER  - \n'),
  'image.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]),
  'archive.zip': Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 1)]),
  'nul.ris': Buffer.from('TY  - JOUR\nTI  - A\0B\0C\nER  - \n\0\0\0'),
  'mixed.ris': Buffer.concat([Buffer.from('TY  - JOUR\nTI  - caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from(' ok ✓\nER  - \n')]),
  'surrogate.ris': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('TY  - JOUR\nTI  - x', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('y\nER  - \n', 'utf16le')]),
  'pubmed.nbib': Buffer.from('PMID- 12345678\nOWN - NLM\nTI  - A PubMed record\nAU  - Doe J\n'),
  'endnote.enw': Buffer.from('%0 Journal Article\n%A Doe, Jane\n%T An EndNote record\n%D 2020\n'),
  'items.json': Buffer.from('[{"id": "x", "type": "book", "title": "CSL-JSON"}]'),
  'rtl.ris': Buffer.from('TY  - JOUR\nTI  - \u202Egnp.exe\u200B\u200F עברית العربية\nAU  - \u200Bال, زید\nER  - \n'),
};

test('hostile and broken files give a message and the page stays usable', async () => {
  const { page, rec, context } = await openPage(browser, srv.url);
  for (const [name, bytes] of Object.entries(HOSTILE)) {
    await page.evaluate(({ n, b }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], n));
      document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, { n: name, b: [...bytes] });
    await page.waitForFunction((n) => [...document.querySelectorAll('#filelist li')].some((li) => li.textContent.startsWith(n)), name);
    await page.waitForFunction(() => !document.getElementById('notice').hidden || document.querySelectorAll('#refs .ref').length > 0, null, { timeout: 15_000 });
    const state = await page.evaluate(() => ({
      notice: document.getElementById('notice').hidden ? '' : document.getElementById('notice').textContent,
      refs: document.querySelectorAll('#refs .ref').length,
    }));
    assert.ok(state.notice.length > 20 || state.refs > 0, `${name}: a message or references (${JSON.stringify(state)})`);
  }
  // Still usable afterwards.
  await page.fill('#input', 'TY  - JOUR\nTI  - Still working\nAU  - Doe, Jane\nPY  - 2020\nER  - \n');
  await waitRefs(page, 1);
  await context.close();
  assertClean(assert, rec);
});
