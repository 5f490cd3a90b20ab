#!/usr/bin/env node
// citris wasm driver for the benchmark: runs the wasm build under Node.
//
//   node benches/drivers/citris_wasm.mjs PKG_DIR <bibtex|biblatex|csl-json|ris> FILE
//
// PKG_DIR is a wasm-bindgen package: either `--target nodejs` (CommonJS) or
// `--target web` (ES module, www/pkg; initialised here with initSync from the
// .wasm bytes).  The driver calls the package's `convert(bytes, {to})` and
// writes the result to stdout.  It reports on stderr the time spent inside
// `convert` alone (`bench-inner-ms: N`), without Node start-up and wasm
// instantiation, so that the benchmark can compare it with native.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [pkgDir, to, file] = process.argv.slice(2);
if (!pkgDir || !to || !file) {
  console.error('usage: citris_wasm.mjs PKG_DIR <bibtex|biblatex|csl-json|ris> FILE');
  process.exit(2);
}
const manifestPath = path.join(pkgDir, 'package.json');
const manifest = fs.existsSync(manifestPath)
  ? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
  : {}; // wasm-bindgen alone writes no package.json
const mainFile = manifest.main || manifest.module || 'citris.js';
const mainPath = path.resolve(pkgDir, mainFile);

let mod;
if (manifest.type === 'module' || fs.readFileSync(mainPath, 'utf8').includes('export function initSync')) {
  mod = await import(pathToFileURL(mainPath).href);
  if (typeof mod.initSync === 'function') {
    const wasmFile = fs.readdirSync(pkgDir).find((f) => f.endsWith('_bg.wasm'));
    mod.initSync({ module: fs.readFileSync(path.join(pkgDir, wasmFile)) });
  }
} else {
  mod = createRequire(import.meta.url)(mainPath);
}
if (typeof mod.convert !== 'function') {
  console.error(`citris wasm package ${pkgDir} exports no convert(); exports: ${Object.keys(mod).join(', ')}`);
  process.exit(3);
}

const bytes = fs.readFileSync(file);
const t0 = performance.now();
let result = mod.convert(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { to });
const t1 = performance.now();
// The result may be a string or an object such as {output, diagnostics}.
let out = result;
if (out && typeof out === 'object' && !(out instanceof Uint8Array)) {
  out = out.output ?? out.text ?? out.result ?? JSON.stringify(out);
}
if (typeof result?.free === 'function') result.free();
process.stderr.write(`bench-inner-ms: ${(t1 - t0).toFixed(1)}\n`);
if (out instanceof Uint8Array) fs.writeSync(1, out);
else fs.writeSync(1, String(out));
