#!/usr/bin/env node
// citation.js driver for the citris benchmark.
//   node benches/drivers/citationjs.js bibtex FILE   -> BibTeX on stdout
//   node benches/drivers/citationjs.js csl-json FILE -> CSL-JSON on stdout
//   node benches/drivers/citationjs.js apa FILE      -> APA bibliography (text) on stdout
// The packages are resolved from benches/peers/npm (installed by benches/run.sh
// from benches/package.json + package-lock.json).
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const peers = process.env.CITRIS_BENCH_PEERS || path.join(__dirname, '..', 'peers');
const req = createRequire(path.join(peers, 'npm', 'package.json'));
const { Cite } = req('@citation-js/core');
req('@citation-js/plugin-ris');
req('@citation-js/plugin-bibtex');
req('@citation-js/plugin-csl');

const [op, file] = process.argv.slice(2);
if (!op || !file) {
  console.error('usage: citationjs.js <bibtex|csl-json|apa> FILE');
  process.exit(2);
}
const t0 = performance.now();
const text = fs.readFileSync(file, 'utf8');
const cite = new Cite(text);
let out;
if (op === 'bibtex') out = cite.format('bibtex');
else if (op === 'csl-json') out = JSON.stringify(cite.data);
else if (op === 'apa') out = cite.format('bibliography', { format: 'text', template: 'apa', lang: 'en-US' });
else { console.error('unknown op ' + op); process.exit(2); }
const t1 = performance.now();
process.stderr.write(`citation.js: ${cite.data.length} records\n`);
// time from reading the file to the formatted output, without Node start-up
// and module loading
process.stderr.write(`bench-inner-ms: ${(t1 - t0).toFixed(1)}\n`);
fs.writeSync(1, out);
