// citris worker: owns the wasm module so that the page never freezes.
//
// Protocol: the page posts {id, cmd, ...args}; the worker answers
// {id, ok: true, result} or {id, ok: false, error, fatal}, and may post
// {id, progress} before the answer of a long command. Input reaches the core
// as bytes (files) or as the text of the paste area, never as text guessed
// by the browser from bytes: the core detects the encoding.

import { ensureStyle } from './style-loader.js';

let citris = null;
let ready = null;

const PREVIEW_BYTES = 512 * 1024;
const HEAD_CHARS = 16 * 1024;
const PREVIEW_RECORDS = 50;
const MAX_DIAGNOSTICS = 500;

async function loadModule(path) {
  const mod = await import(path);
  await mod.default();
  return mod;
}

/**
 * Loads the core with the formatter (pkg/citris.js, about 0.8 MB gzip with APA
 * and en-US built in; other styles and locales are fetched when used). It is
 * the only module the page loads before the first formatted reference: the
 * small module without the formatter (pkg/lite) would only add to that.
 */
function load() {
  if (!ready) {
    ready = (async () => {
      try {
        citris = await loadModule('./pkg/citris.js');
      } catch (e) {
        ready = null;
        throw new Error(`The converter module (pkg/citris.js) could not be loaded: ${errorMessage(e)}. Was it built with ./build.sh?`);
      }
      return citris;
    })();
  }
  return ready;
}

/** Options for the core, without empty values (the core's defaults apply). */
function clean(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj || {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) out[k] = v;
  }
  return out;
}

function errorMessage(e) {
  if (e == null) return 'Unknown error';
  if (typeof e === 'string') return e;
  if (e.message) return e.message;
  try { return JSON.stringify(e); } catch { return String(e); }
}

function safe(fn, fallback) {
  try { return fn(); } catch { return fallback; }
}

/** The page always names a style (state.js); without one the core's default (APA) applies. */
function formatOptions(opts) {
  const o = clean({ locale: opts.locale });
  if (opts.styleXml) o.styleXml = opts.styleXml;
  else if (opts.style) o.style = opts.style;
  return o;
}

function convertOptions(opts, to) {
  return clean({ to, latexAccents: !!opts.latexAccents, keys: opts.keys });
}

/**
 * Fetches what the style and locale of `opts` need (styles/…) into the core.
 * Returns null when they are ready (or the formatter is still loading), else
 * the message of what is wrong, naming the style.
 */
async function prepare(opts) {
  if (!citris) return null;
  try {
    await ensureStyle(citris, formatOptions(opts));
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

/** The paste area's text, read once per edit: tab switches convert it without parsing again. */
let pasted = null;

/** A text read once, by the core; the previous document of the same use is freed. */
function documentOf(text, opts, previous = null) {
  if (previous) safe(() => previous.free());
  return new citris.Document(text, clean({ keys: opts.keys }));
}

/** Format (+ one conversion) of a document: what the page shows after an edit. */
function render(doc, opts, to, styleProblem = null, parseMs = 0) {
  const t1 = performance.now();
  const items = doc.items;
  let entries = null;
  let formatError = null;
  if (items.length > 0) {
    if (styleProblem) {
      formatError = styleProblem;
    } else {
      try {
        entries = doc.format(formatOptions(opts)).entries;
      } catch (e) {
        formatError = errorMessage(e);
      }
    }
  }
  const t2 = performance.now();
  const outputs = {};
  if (to && items.length > 0) outputs[to] = convertOne(doc, opts, to);
  const t3 = performance.now();
  return {
    items,
    diagnostics: doc.diagnostics,
    encoding: doc.encoding,
    entries,
    formatError,
    outputs,
    timings: { parse: parseMs, format: t2 - t1, convert: t3 - t2 },
  };
}

function convertOne(doc, opts, to) {
  const r = doc.convert(convertOptions(opts, to));
  return { output: r.output, count: r.count };
}

/** Reads dropped files as bytes, lets the core pick the encoding, and returns their text. */
async function decodeFiles(files) {
  const out = [];
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let r;
    try {
      // Decoded once, by the core, which also says how it read it.
      r = citris.readFile(bytes);
    } catch (e) {
      out.push({ name: file.name, size: file.size, encoding: null, count: 0, text: null, diagnostics: [{ line: 1, column: 1, byte: null, severity: 'error', code: 'unreadable-input', message: errorMessage(e) }] });
      continue;
    }
    out.push({
      name: file.name,
      size: file.size,
      encoding: r.encoding,
      count: r.count,
      text: r.count > 0 ? r.text : null,
      diagnostics: r.diagnostics,
    });
  }
  return out;
}

/** Drops an incomplete UTF-8 sequence at the end of a slice (bytes of other encodings are left alone). */
function trimPartialUtf8(bytes) {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len > back ? bytes.subarray(0, n - back) : bytes;
  }
  return bytes;
}

/** The first references of a big file, formatted, for the preview. */
async function preview(file, opts) {
  let slice = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
  const whole = file.size <= PREVIEW_BYTES;
  // A cut inside a UTF-8 character would look like Windows-1252 to the core.
  if (!whole) slice = trimPartialUtf8(slice);
  let probe = citris.readFile(slice);
  // A UTF-16 slice cut inside a code unit: read again without its last byte.
  if (probe.encoding.toLowerCase().startsWith('utf-16') && slice.length % 2) probe = citris.readFile(slice.subarray(0, slice.length - 1));
  let text = probe.text;
  if (!whole) {
    // Cut after the last complete record so that no half record is shown.
    const re = /^[ \t]*ER[ \t]*-[^\r\n]*$/gm;
    let last = -1;
    let m;
    while ((m = re.exec(text)) !== null) last = m.index + m[0].length;
    if (last > 0) text = text.slice(0, last);
  }
  // Only the first records: the page shows a preview, and a smaller answer is cheaper to receive.
  const ends = /^[ \t]*ER[ \t]*-[^\r\n]*$/gm;
  for (let i = 0, m; (m = ends.exec(text)) !== null;) {
    if (++i === PREVIEW_RECORDS) { if (m.index + m[0].length < text.length) { text = text.slice(0, m.index + m[0].length); } break; }
  }
  const problem = await prepare(opts);
  const t0 = performance.now();
  const doc = documentOf(text, opts);
  let r;
  try {
    r = render(doc, opts, null, problem, performance.now() - t0);
  } finally {
    safe(() => doc.free());
  }
  r.encoding = probe.encoding;
  r.partial = !whole;
  return r;
}

/** Streams files through StreamConverter in slices; the output comes back as a Blob. */
async function stream(id, files, opts, to, chunkSize) {
  const total = files.reduce((s, f) => s + f.size, 0);
  const formats = safe(() => citris.formats(), []);
  const fmt = formats.find((f) => f.name === to) || {};
  const mime = fmt.mime || 'text/plain';
  const t0 = performance.now();
  let read = 0;
  let records = 0;
  const diagnostics = [];
  let diagnosticsTotal = 0;
  let count = 0;
  let lastPost = 0;
  // The output goes into a Blob part by part, so that no giant string has to stay alive.
  let blob = new Blob([], { type: mime });
  let head = '';
  const addOutput = (part) => {
    if (!part) return;
    if (head.length < HEAD_CHARS) head += part.slice(0, HEAD_CHARS - head.length);
    blob = new Blob([blob, part], { type: mime });
  };
  // One converter for every file: one output (one CSL-JSON array), one set of
  // citation keys, as the CLI writes several files.
  const conv = new citris.StreamConverter(convertOptions(opts, to));
  const takeDiagnostics = (r, file) => {
    for (const d of r.diagnostics || []) {
      diagnosticsTotal += 1;
      if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(files.length > 1 ? { ...d, file: file.name } : d);
    }
  };
  try {
    for (const [i, file] of files.entries()) {
      let done = 0;
      for (let off = 0; off < file.size; off += chunkSize) {
        const chunk = new Uint8Array(await file.slice(off, Math.min(file.size, off + chunkSize)).arrayBuffer());
        done = conv.push(chunk);
        // The output written so far leaves wasm memory at once.
        addOutput(conv.takeOutput());
        read += chunk.length;
        const now = performance.now();
        if (now - lastPost > 50 || read === total) {
          lastPost = now;
          postMessage({ id, progress: { read, total, records: records + done, file: file.name } });
        }
      }
      const r = i + 1 < files.length ? conv.nextInput() : conv.finish();
      count += r.count;
      records += r.count;
      // finish() returns the rest of the output; after nextInput() it is still in the converter.
      addOutput(r.output ?? conv.takeOutput());
      takeDiagnostics(r, file);
      postMessage({ id, progress: { read, total, records, file: file.name } });
    }
    if (files.length === 0) addOutput(conv.finish().output);
  } finally {
    safe(() => conv.free());
  }
  return { blob, size: blob.size, head, count, diagnostics, diagnosticsTotal, elapsedMs: performance.now() - t0, to };
}

const SAMPLE = 'TY  - JOUR\nAU  - Doe, Jane\nTI  - A test of the style\nT2  - Journal of Tests\nPY  - 2020\nVL  - 1\nSP  - 1\nEP  - 2\nER  - \n';

async function handle(msg) {
  const { id, cmd } = msg;
  await load();
  switch (cmd) {
    case 'init': {
      // The page and the wasm ship together: no feature probes.
      return {
        styles: safe(() => citris.styles(), []),
        formats: safe(() => citris.formats(), []),
      };
    }
    case 'render': {
      const problem = await prepare(msg.opts);
      const t0 = performance.now();
      pasted = documentOf(msg.text, msg.opts, pasted);
      return render(pasted, msg.opts, msg.to, problem, performance.now() - t0);
    }
    case 'useStyle': {
      // A style the user picked: fetched and checked before the page switches to it.
      const core = await load();
      const ready = await ensureStyle(core, formatOptions(msg.opts));
      core.format(SAMPLE, formatOptions(msg.opts));
      return ready;
    }
    case 'convert':
      if (!pasted) pasted = documentOf('', msg.opts);
      return convertOne(pasted, msg.opts, msg.to);
    case 'decodeFiles':
      return decodeFiles(msg.files);
    case 'checkStyle': {
      const core = await load();
      await ensureStyle(core, formatOptions(msg.opts));
      const f = core.format(SAMPLE, formatOptions(msg.opts));
      const text = f.entries && f.entries[0] ? f.entries[0].text : '';
      return { sample: text };
    }
    case 'preview':
      return preview(msg.file, msg.opts);
    case 'stream':
      return stream(id, msg.files, msg.opts, msg.to, msg.chunkSize || 1024 * 1024);
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

// Commands run one after another, in the order they arrive.
let queue = Promise.resolve();
self.onmessage = (ev) => {
  const msg = ev.data;
  queue = queue.then(async () => {
    try {
      const result = await handle(msg);
      postMessage({ id: msg.id, ok: true, result });
      // Parse the default style and locale once now, so that the first paste renders at once.
      if (msg.cmd === 'init') safe(() => citris.format(SAMPLE, { style: 'apa' }));
    } catch (e) {
      const fatal = e instanceof WebAssembly.RuntimeError || (e && e.name === 'RuntimeError');
      postMessage({ id: msg.id, ok: false, error: errorMessage(e), fatal });
    }
  });
};
