// citris page: UI only. The wasm core lives in worker.js.
//
// Safety rule: text that comes from the input reaches the DOM through
// textContent only. The one exception is the formatted reference HTML made by
// the core from escaped text; even that is parsed into an inert document and
// rebuilt from an allow-list of elements (see appendSafeHtml), so that no
// attribute, script or non-http(s) link can come through.

import { StylePicker, rememberStyle } from './picker.js';
import { StyleSearch } from './style-search.js';
import { setupOffline } from './offline.js';

const $ = (id) => document.getElementById(id);

const BIG_BYTES = 2 * 1024 * 1024; // files above this (in total) are streamed, not shown in the text box
const CHUNK_BYTES = 1024 * 1024;
const PAGE = 50; // references shown at a time
const BATCH = 5; // references built per task (each task also lays them out)
const SHOW_CHARS = 100 * 1024; // longest conversion shown in full in the code panel
const MAX_DIAG_SHOWN = 300;
const TYPE_DELAY = 250; // ms of quiet typing before converting
const RENDER_TIMEOUT = 60_000; // a render that takes longer is stopped (the worker restarts)
const STYLE_TIMEOUT = 15_000; // the same for checking a loaded .csl file

const FORMAT_LABEL = { bibtex: 'BibTeX', biblatex: 'BibLaTeX', 'csl-json': 'CSL-JSON', ris: 'RIS' };
const FILE_BASE = { bibtex: 'references', biblatex: 'references-biblatex', 'csl-json': 'references', ris: 'references' };

/** The order of fields in the details view; others follow alphabetically, the abstract last. */
const FIELD_ORDER = ['type', 'title', 'title-short', 'author', 'editor', 'translator', 'container-title', 'container-title-short',
  'collection-title', 'issued', 'volume', 'issue', 'page', 'edition', 'publisher', 'publisher-place', 'genre', 'DOI', 'ISSN', 'ISBN',
  'URL', 'accessed', 'language', 'keyword', 'note'];

const TYPE_LABEL = {
  'article-journal': 'Journal article', 'article-magazine': 'Magazine article', 'article-newspaper': 'Newspaper article',
  article: 'Article', book: 'Book', chapter: 'Book chapter', 'paper-conference': 'Conference paper', report: 'Report',
  thesis: 'Thesis', webpage: 'Web page', 'post-weblog': 'Blog post', post: 'Post', dataset: 'Dataset', software: 'Software',
  patent: 'Patent', manuscript: 'Manuscript', document: 'Document', map: 'Map', motion_picture: 'Film', broadcast: 'Broadcast',
  song: 'Audio recording', graphic: 'Image', bill: 'Bill', legislation: 'Legislation', legal_case: 'Legal case',
  hearing: 'Hearing', 'entry-encyclopedia': 'Encyclopedia entry', 'entry-dictionary': 'Dictionary entry', entry: 'Entry',
  interview: 'Interview', speech: 'Presentation', pamphlet: 'Pamphlet', standard: 'Standard', review: 'Review',
  'review-book': 'Book review', classic: 'Classic', collection: 'Collection', event: 'Event', figure: 'Figure',
  performance: 'Performance', periodical: 'Periodical', regulation: 'Regulation', treaty: 'Treaty',
  personal_communication: 'Personal communication',
};

// The citation this project started from, as pasted from a web page (one line).
const SEED = "TY - JOUR TI - Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy AU - Rezaei, Ramazan AU - Esmaeili Gouvarchin Ghaleh, Hadi AU - Farzanehpour, Mahdieh AU - Dorostkar, Ruhollah AU - Ranjbar, Reza AU - Bolandian, Masoumeh AU - Mirzaei Nodooshan, Majid AU - Ghorbani Alvanegh, Akbar T2 - Cancer Gene Therapy AB - Chimeric antigen receptor (CAR) T-cell therapy is an encouraging and fast-growing platform used for the treatment of various types of tumors in human body. Despite the recent success of CAR T-cell therapy in hematologic malignancies, especially in B-cell lymphoma and acute lymphoblastic leukemia, the application of this treatment approach in solid tumors faced several obstacles resulted from the heterogeneous expression of antigens as well as the induction of immunosuppressive tumor microenvironment. Oncolytic virotherapy (OV) is a new cancer treatment modality by the use of competent or genetically engineered viruses to replicate in tumor cells selectively. OVs represent potential candidates to synergize the current setbacks of CAR T-cell application in solid tumors and then and overcome them. As well, the application of OVs gives researches the ability to engineer the virus with payloads in the way that it selectively deliver a specific therapeutic agents in tumor milieu to reinforce the cytotoxic activity of CAR T cells. Herein, we made a comprehensive review on the outcomes resulted from the combination of CAR T-cell immunotherapy and oncolytic virotherapy for the treatment of solid cancers. In the current study, we also provided brief details on some challenges that remained in this field and attempted to shed a little light on the future perspectives. DA - 2021/06/22/ PY - 2021 DO - 10.1038/s41417-021-00359-9 DP - www.nature.com SP - 1 EP - 14 J2 - Cancer Gene Ther LA - en SN - 1476-5500 ST - Combination therapy with CAR T cells and oncolytic viruses UR - https://www.nature.com/articles/s41417-021-00359-9 Y2 - 2021/06/22/16:18:59 ER -";

// ---------------------------------------------------------------- worker

class Engine {
  constructor(onCrash) {
    this.onCrash = onCrash;
    this.pending = new Map();
    this.nextId = 1;
    this.start();
  }

  start() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'citris' });
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.failAll(new Error(ev.message || 'The converter stopped unexpectedly.'));
    };
  }

  receive(msg) {
    if (msg.event) { if (this.onEvent) this.onEvent(msg); return; }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.progress) { if (p.onProgress) p.onProgress(msg.progress); return; }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      const err = new Error(msg.error);
      err.fatal = msg.fatal;
      p.reject(err);
      if (msg.fatal) this.restart('fatal');
    }
  }

  /**
   * Runs a command in the worker. With `timeout` (ms), a command that takes longer
   * (a hostile style, say) ends the worker, which is then started afresh.
   */
  call(cmd, args = {}, onProgress = null, timeout = 0) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      let timer = 0;
      const done = (fn) => (v) => { clearTimeout(timer); fn(v); };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), onProgress });
      this.worker.postMessage({ id, cmd, ...args });
      if (timeout) {
        timer = setTimeout(() => {
          const p = this.pending.get(id);
          if (!p) return;
          this.pending.delete(id);
          const err = new Error(`it took longer than ${Math.round(timeout / 1000)} s, so it was stopped`);
          err.timeout = true;
          p.reject(err);
          this.restart('timeout');
        }, timeout);
      }
    });
  }

  failAll(err) {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  /** Ends whatever the worker is doing (Cancel), and starts a fresh one. */
  restart(reason = 'cancel') {
    this.worker.terminate();
    const err = new Error('cancelled');
    err.cancelled = true;
    this.failAll(err);
    this.start();
    if (this.onCrash) this.onCrash(reason);
  }
}

// ---------------------------------------------------------------- state

/** The default style, built into the formatter. */
const DEFAULT_STYLE = { id: 'apa', title: 'APA Style 7th edition', format: 'author-date', parent: '' };

const state = {
  builtIn: [], // styles built into the formatter module ({name, id, title})
  formats: {},
  tab: 'refs',
  mode: 'text', // 'text' | 'big'
  seq: 0, // render sequence number; stale answers are dropped
  result: null, // last render result (text mode) or preview (big mode)
  outputs: {}, // format -> {output, count} (text mode) or {blob, head, count, size} (big mode)
  shown: PAGE,
  fileNotes: [], // diagnostics about dropped files that are not in the text box
  files: [], // [{name, encoding, count, bad}]
  custom: null, // {xml, name}
  style: DEFAULT_STYLE, // the style in use: an entry of the style index, or {id: 'custom', title}
  big: null, // {files, total, running, job}
};

const els = {
  input: $('input'), dropzone: $('dropzone'), files: $('files'), filelist: $('filelist'),
  style: $('style'), styleList: $('style-list'), styleStatus: $('style-status'),
  cslfile: $('cslfile'), styleError: $('style-error'), locale: $('locale'), keys: $('keys'), latex: $('latex'),
  offlineAll: $('offline-all'), offlineCancel: $('offline-cancel'), offlineStatus: $('offline-status'), offlineProgress: $('offline-progress'),
  diagnostics: $('diagnostics'), diagCount: $('diag-count'), diagEmpty: $('diag-empty'), notice: $('notice'),
  refs: $('refs'), refsEmpty: $('refs-empty'), more: $('more'), formatError: $('format-error'),
  code: $('code-text'), codeNote: $('code-note'), panelRefs: $('panel-refs'), panelCode: $('panel-code'),
  tabs: $('tabs'), copy: $('copy'), download: $('download'), toast: $('toast'), summary: $('summary'), engine: $('engine'),
  bigfile: $('bigfile'), bigName: $('bigfile-name'), progress: $('progress'), progressLabel: $('progress-label'),
  cancel: $('cancel'), bigClose: $('bigfile-close'), example: $('example'), clear: $('clear'),
};

const engine = new Engine((reason) => initEngine(reason));
// The formatter arrives after the converter (pkg/lite first): render again with it.
engine.onEvent = (msg) => {
  if (msg.event === 'formatter') initEngine('formatter');
  else if (msg.event === 'formatter-failed') {
    els.formatError.hidden = false;
    els.formatError.className = 'notice warn';
    els.formatError.setAttribute('role', 'alert');
    els.formatError.textContent = `The citation styles could not be loaded: ${msg.error}`;
  }
};

// ---------------------------------------------------------------- helpers

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

/** 12345 → "12,345" (not toLocaleString: its first call costs ~100 ms of ICU start-up). */
function num(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n, one, many = `${one}s`) {
  return `${num(n)} ${n === 1 ? one : many}`;
}

function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let toastTimer = 0;
function toast(msg) {
  els.toast.textContent = msg;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.textContent = ''; }, 3500);
}

function options() {
  const o = { locale: els.locale.value, keys: els.keys.value, latexAccents: els.latex.checked };
  if (state.style.id === 'custom' && state.custom) o.styleXml = state.custom.xml;
  else o.style = state.style.id || 'apa';
  return o;
}

/** A URL that may become a link: http(s) only. */
function safeHref(value) {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!/^https?:\/\//i.test(v)) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch { return null; }
}

function doiHref(doi) {
  if (typeof doi !== 'string') return null;
  const d = doi.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  if (!/^10\.\d{4,9}\/\S+$/.test(d)) return null;
  return `https://doi.org/${d.split('/').map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/')}`;
}

function externalLink(href, text) {
  return el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank', referrerpolicy: 'no-referrer', text });
}

// ---------------------------------------------------------------- safe HTML

const ALLOWED = { I: 'i', EM: 'i', B: 'b', STRONG: 'b', U: 'u', SUP: 'sup', SUB: 'sub', SPAN: 'span', DIV: 'span', A: 'a', BR: 'br', SMALL: 'span' };
const DROP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'IMG', 'VIDEO', 'AUDIO', 'LINK', 'META', 'NOSCRIPT', 'TITLE', 'HEAD', 'FORM', 'INPUT', 'TEXTAREA', 'SELECT', 'BUTTON']);
const KEEP_CLASS = new Set(['csl-entry', 'csl-left-margin', 'csl-right-inline', 'csl-block', 'csl-indent']);

/**
 * Appends the core's entry HTML to `parent`, rebuilt from an allow-list:
 * italics, bold, small caps, super/subscript, underline and http(s) links.
 * Parsing happens in an inert document (no scripts, no loads).
 */
let inertDoc = null;
function appendSafeHtml(parent, html) {
  // One inert document (no browsing context: nothing in it runs or loads), reused.
  if (!inertDoc) inertDoc = document.implementation.createHTMLDocument('');
  const doc = inertDoc;
  doc.body.innerHTML = html;
  const walk = (src, dst) => {
    for (const node of src.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) { dst.append(node.data); continue; }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const name = node.tagName.toUpperCase();
      if (DROP.has(name)) continue;
      const tag = ALLOWED[name];
      if (!tag) { walk(node, dst); continue; }
      let out;
      if (tag === 'a') {
        const href = safeHref(node.getAttribute('href') || '');
        out = href ? el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank', referrerpolicy: 'no-referrer' }) : el('span');
      } else {
        out = document.createElement(tag);
      }
      const classes = [...node.classList].filter((c) => KEEP_CLASS.has(c));
      // Inline styles (blocked by our CSP anyway) become classes or elements.
      const style = (node.getAttribute('style') || '').toLowerCase().replace(/\s+/g, '');
      if (style.includes('font-variant:small-caps')) classes.push('sc');
      if (style.includes('text-decoration:underline')) classes.push('ul');
      if (style.includes('text-decoration:overline')) classes.push('ov');
      if (style.includes('font-style:normal') || style.includes('font-weight:normal')) classes.push('nb');
      if (classes.length) out.className = classes.join(' ');
      let inner = out;
      const wrap = (t) => { const w = document.createElement(t); inner.append(w); inner = w; };
      if (style.includes('font-style:italic') || style.includes('font-style:oblique')) wrap('i');
      if (style.includes('font-weight:bold') || style.includes('font-weight:700')) wrap('b');
      if (style.includes('vertical-align:super')) wrap('sup');
      if (style.includes('vertical-align:sub')) wrap('sub');
      if (tag !== 'br') walk(node, inner);
      dst.append(out);
    }
  };
  walk(doc.body, parent);
}

/** HTML for the clipboard (Word, Google Docs), from our own cleaned nodes. */
function clipboardHtml(nodes) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const ser = (n) => {
    if (n.nodeType === Node.TEXT_NODE) return esc(n.data);
    if (n.nodeType !== Node.ELEMENT_NODE) return '';
    const kids = [...n.childNodes].map(ser).join('');
    const t = n.tagName.toLowerCase();
    if (t === 'br') return '<br>';
    if (t === 'a') return `<a href="${esc(n.getAttribute('href') || '')}">${kids}</a>`;
    if (['i', 'b', 'u', 'sup', 'sub'].includes(t)) return `<${t}>${kids}</${t}>`;
    const css = [];
    if (n.classList.contains('sc')) css.push('font-variant:small-caps');
    if (n.classList.contains('ul')) css.push('text-decoration:underline');
    if (n.classList.contains('nb')) css.push('font-style:normal');
    return css.length ? `<span style="${css.join(';')}">${kids}</span>` : kids;
  };
  return nodes.map((n) => `<p style="margin:0 0 0.5em 0;padding-left:2em;text-indent:-2em">${[...n.childNodes].map(ser).join('')}</p>`).join('\n');
}

// ---------------------------------------------------------------- engine start

async function initEngine(reason = '') {
  try {
    const info = await engine.call('init');
    state.builtIn = info.styles || [];
    state.formats = {};
    for (const f of info.formats || []) state.formats[f.name] = f;
    els.engine.textContent = 'Ready: converting locally';
    els.engine.className = 'engine ready';
    // After a timeout the same input would time out again: wait for the next edit.
    if (state.mode === 'text' && reason !== 'timeout' && reason !== 'fatal') scheduleRender(0);
    else if (state.mode === 'big' && reason === 'formatter') restyle();
  } catch (e) {
    if (e.cancelled) return;
    els.engine.textContent = `The converter could not start: ${e.message}`;
    els.engine.className = 'engine failed';
  }
}

// ---------------------------------------------------------------- styles

const search = new StyleSearch();

const picker = new StylePicker({
  input: els.style,
  list: els.styleList,
  status: els.styleStatus,
  search: (q) => search.search(q, 50),
  // Without the index (not built, or never loaded and now offline): the built-in styles.
  fallback: () => (state.builtIn.length ? state.builtIn : [DEFAULT_STYLE]).map((s) => ({ id: s.id, title: s.title, format: s.format || '', parent: '' })),
  onChoose: (entry) => chooseStyle(entry),
});

let styleMark = 0;

/**
 * Switches to `entry` once the worker has fetched and checked it; a style that
 * cannot be used leaves the previous one in place, with a message naming both.
 */
async function chooseStyle(entry) {
  els.styleError.hidden = true;
  if (entry.id === state.style.id) { picker.set(state.style); return; }
  const prev = state.style;
  const t0 = performance.now();
  try {
    const opts = { ...options(), style: entry.id };
    delete opts.styleXml;
    const ready = await engine.call('useStyle', { opts }, null, STYLE_TIMEOUT);
    state.style = { ...entry, title: entry.title || ready.title };
  } catch (e) {
    if (e.cancelled && !e.timeout) return;
    picker.set(prev);
    showStyleError(`The style “${entry.title || entry.id}” cannot be used: ${e.message}. ${prev.title} is still in use.`);
    return;
  }
  picker.set(state.style);
  rememberStyle(state.style);
  writeUrl();
  styleMark = t0;
  toast(`Style: ${state.style.title}`);
  restyle();
}

/** The style and language go into the address, so that a link opens the page the same way. */
function writeUrl() {
  const url = new URL(location.href);
  if (state.style.id && state.style.id !== 'custom' && state.style.id !== DEFAULT_STYLE.id) url.searchParams.set('style', state.style.id);
  else url.searchParams.delete('style');
  if (els.locale.value) url.searchParams.set('lang', els.locale.value);
  else url.searchParams.delete('lang');
  if (url.href !== location.href) history.replaceState(null, '', url.href);
}

/** The style and language of a link (`?style=cancer-gene-therapy&lang=en-GB`). */
async function readUrl() {
  const params = new URL(location.href).searchParams;
  const lang = (params.get('lang') || '').trim();
  if (lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) {
    if (![...els.locale.options].some((o) => o.value === lang)) els.locale.append(el('option', { value: lang, text: lang }));
    els.locale.value = lang;
  }
  const id = (params.get('style') || '').trim();
  if (!id || id === DEFAULT_STYLE.id) return;
  let entry = { id, title: id, format: '', parent: '' };
  try { entry = (await search.info(id)) || entry; } catch { /* no index: the worker still finds it by id */ }
  await chooseStyle(entry);
}

/** All 63 CSL locales in the language list, once the index is there. */
async function fillLocales() {
  let list;
  try { list = await search.locales(); } catch { return; }
  const keep = els.locale.value;
  const opts = [el('option', { value: '', text: 'Style default' })];
  for (const l of [...list].sort((a, b) => a.englishName.localeCompare(b.englishName))) {
    const label = l.nativeName && l.nativeName !== l.englishName ? `${l.englishName} · ${l.nativeName}` : l.englishName;
    opts.push(el('option', { value: l.code, text: `${label} (${l.code})` }));
  }
  els.locale.replaceChildren(...opts);
  els.locale.value = keep;
  if (els.locale.value !== keep) { els.locale.append(el('option', { value: keep, text: keep })); els.locale.value = keep; }
}

let searchWarm = false;
function warmSearch() {
  if (searchWarm) return;
  searchWarm = true;
  search.ready().then(() => { fillLocales(); offline.describe(); }, () => { searchWarm = false; });
}

const offline = setupOffline({
  button: els.offlineAll, cancel: els.offlineCancel, status: els.offlineStatus, progress: els.offlineProgress,
  files: () => search.files(),
});

// ---------------------------------------------------------------- text mode

let renderTimer = 0;
let renderBusy = false;
let renderAgain = false;
let inputMark = 0;

function scheduleRender(delay = TYPE_DELAY) {
  clearTimeout(renderTimer);
  renderTimer = setTimeout(runRender, delay);
}

async function runRender() {
  if (state.mode !== 'text') return;
  if (renderBusy) { renderAgain = true; return; }
  renderBusy = true;
  const seq = ++state.seq;
  const text = els.input.value;
  const to = state.tab === 'refs' ? null : state.tab;
  try {
    if (!text.trim()) {
      showResult(null);
    } else {
      const r = await engine.call('render', { text, opts: options(), to }, null, RENDER_TIMEOUT);
      if (seq === state.seq && state.mode === 'text') {
        state.outputs = r.outputs || {};
        showResult(r);
        if (styleMark) {
          // From choosing a style to its references on screen.
          performance.measure('citris:style-switch', { start: styleMark, end: performance.now() });
          styleMark = 0;
        }
        if (r.entries && r.entries.length) {
          if (!performance.getEntriesByName('citris:first-reference').length) performance.mark('citris:first-reference');
          registerServiceWorker();
          warmSearch();
        }
        if (inputMark) {
          // From the paste (or the first keystroke) to the formatted references on screen.
          performance.measure('citris:paste-to-render', { start: inputMark, end: performance.now() });
          inputMark = 0;
        }
      }
    }
  } catch (e) {
    if (!e.cancelled) showFailure(e);
  } finally {
    renderBusy = false;
    if (renderAgain) { renderAgain = false; runRender(); }
  }
}

function showFailure(e) {
  els.notice.hidden = false;
  els.notice.replaceChildren(el('strong', { text: 'The conversion failed.' }), el('span', { text: e.message }));
}

function showResult(r) {
  state.result = r;
  state.shown = PAGE;
  if (!r) state.outputs = {};
  renderDiagnostics(r ? r.diagnostics : [], r ? r.items.length : 0);
  renderRefs();
  renderSummary();
  if (state.tab !== 'refs') showCode();
  document.body.dataset.state = r ? (r.items.length ? 'converted' : 'empty') : 'idle';
}

function renderSummary() {
  const r = state.result;
  const ready = state.mode === 'big' || !!(r && r.items.length);
  els.copy.disabled = !ready;
  els.download.disabled = !ready;
  if (!r) { els.summary.textContent = ''; return; }
  const n = state.mode === 'big' && state.big && state.big.count != null ? state.big.count : r.items.length;
  const parts = [plural(n, 'reference')];
  if (r.encoding && !/^utf-8$/i.test(r.encoding)) parts.push(r.encoding);
  els.summary.textContent = `· ${parts.join(' · ')}`;
}

/** The message shown when the input holds no record: the core names what it looks like. */
function noRecordNotice(diags) {
  const errors = diags.filter((d) => d.severity === 'error');
  const main = errors[0] || diags[0];
  const msg = main ? main.message : 'No RIS record was found. An RIS record starts with a line like "TY  - JOUR" and ends with "ER  - ".';
  return [el('strong', { text: 'This does not look like RIS.' }), el('span', { text: msg })];
}

function renderDiagnostics(diags, itemCount) {
  const list = [...state.fileNotes, ...(diags || [])];
  els.diagnostics.replaceChildren();
  const hasInput = state.mode === 'big' || els.input.value.trim().length > 0 || state.fileNotes.length > 0;
  if (hasInput && itemCount === 0 && !(state.mode === 'big' && state.big && state.big.running)) {
    els.notice.hidden = false;
    els.notice.className = 'notice';
    els.notice.replaceChildren(...noRecordNotice(list));
  } else {
    els.notice.hidden = true;
    els.notice.replaceChildren();
  }
  const total = (state.mode === 'big' && state.big && state.big.diagnosticsTotal) || list.length;
  els.diagCount.textContent = total ? `(${num(total)})` : '';
  els.diagEmpty.hidden = list.length > 0;
  els.diagEmpty.textContent = hasInput ? 'No problems found.' : 'Warnings about the input appear here, with their line numbers.';
  const frag = document.createDocumentFragment();
  for (const d of list.slice(0, MAX_DIAG_SHOWN)) {
    const sev = ['error', 'warning', 'info'].includes(d.severity) ? d.severity : 'info';
    const where = d.file ? `${d.file}${d.line > 0 ? `:${d.line}` : ''}` : d.line > 0 ? `Line ${d.line}${d.column > 1 ? `:${d.column}` : ''}` : 'Input';
    const canJump = state.mode === 'text' && !d.file && d.line > 0;
    const body = [el('span', { class: 'where', text: where }), el('span', { class: 'msg' }, el('span', { class: 'sev', text: sev }), d.message)];
    const item = canJump
      ? el('button', { type: 'button', class: `diag ${sev}`, title: 'Select this line in the input', onclick: () => selectLine(d.line) }, ...body)
      : el('div', { class: `diag ${sev}` }, ...body);
    frag.append(el('li', {}, item));
  }
  if (total > MAX_DIAG_SHOWN) frag.append(el('li', { class: 'muted small', text: `… and ${num(total - Math.min(list.length, MAX_DIAG_SHOWN))} more.` }));
  els.diagnostics.append(frag);
}

/** Selects a whole line of the text box (1-based) and scrolls it into view. */
function selectLine(line) {
  const text = els.input.value;
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  els.input.focus();
  els.input.setSelectionRange(start, end);
  const lh = parseFloat(getComputedStyle(els.input).lineHeight) || 20;
  els.input.scrollTop = Math.max(0, (line - 3) * lh);
}

function describeValue(v) {
  if (v == null) return '';
  if (Array.isArray(v)) {
    if (v.every((x) => x && typeof x === 'object' && ('family' in x || 'given' in x || 'literal' in x))) {
      return v.map((n) => n.literal || [n['non-dropping-particle'], n.family].filter(Boolean).join(' ') + (n.given ? `, ${[n.given, n['dropping-particle']].filter(Boolean).join(' ')}` : '') + (n.suffix ? `, ${n.suffix}` : '')).join('; ');
    }
    return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  }
  if (typeof v === 'object') {
    if (v['date-parts']) {
      const ds = v['date-parts'].map((p) => p.map((x, i) => (i === 0 ? String(x) : String(x).padStart(2, '0'))).join('-')).join(' – ');
      return v.season ? `${ds} (${v.season})` : ds;
    }
    if (v.literal) return String(v.literal);
    if (v.raw) return String(v.raw);
    return JSON.stringify(v, null, 1);
  }
  return String(v);
}

/** The fields of a record, built when the details are first opened. */
function fieldsView(item) {
  const details = el('details', { class: 'fields' }, el('summary', { text: 'Fields' }));
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('dl')) return;
    const dl = el('dl');
    const rank = (k) => { const i = FIELD_ORDER.indexOf(k); return i < 0 ? (k === 'abstract' ? 1e6 : k === 'custom' ? 1e6 + 1 : 1e5) : i; };
    const keys = Object.keys(item).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) {
      const v = item[k];
      if (k === '_line' || k === 'id') continue;
      const dd = el('dd');
      const text = describeValue(v);
      let href = null;
      if (k === 'URL') href = safeHref(text);
      else if (k === 'DOI') href = doiHref(text);
      if (href) dd.append(externalLink(href, text)); else dd.textContent = text;
      dl.append(el('dt', { text: k }), dd);
    }
    details.append(dl);
  });
  return details;
}

/** A plain reference from the CSL-JSON item, used when formatting is unavailable. */
function fallbackText(item) {
  const names = (item.author || item.editor || []).map((n) => n.literal || [n.family, n.given && `${n.given[0]}.`].filter(Boolean).join(', '));
  const year = item.issued && item.issued['date-parts'] ? item.issued['date-parts'][0][0] : 'n.d.';
  return [names.join(', '), `(${year}).`, item.title ? `${item.title}.` : '', item['container-title'] ? `${item['container-title']}.` : ''].filter(Boolean).join(' ');
}

function copyButton(label, getData) {
  return el('button', {
    type: 'button', class: 'linkish', text: label,
    onclick: async () => { await writeClipboard(await getData()); },
  });
}

function refItem(entry, item) {
  const text = el('div', { class: 'ref-text' });
  if (entry.html) appendSafeHtml(text, entry.html); else text.textContent = entry.text;
  const meta = el('div', { class: 'ref-meta' },
    el('span', { class: 'badge', text: TYPE_LABEL[item.type] || (item.type ? item.type.replace(/[-_]/g, ' ') : 'Reference') }),
    el('span', { class: 'ref-key', text: entry.id }));
  if (state.mode === 'text' && item._line) {
    meta.append(el('button', { type: 'button', class: 'linkish', text: `line ${item._line}`, title: 'Show this record in the input', onclick: () => selectLine(item._line) }));
  }
  const row = el('div', { class: 'cite-row' });
  if (entry.citation) {
    row.append(el('span', { class: 'cite-label', text: 'In text:' }), el('span', { class: 'cite', text: entry.citation }),
      copyButton('Copy citation', () => ({ text: entry.citation })));
  }
  row.append(copyButton('Copy reference', () => ({ text: entry.text, html: clipboardHtml([text]) })));
  return el('li', { class: 'ref', 'data-id': entry.id }, meta, text, row, fieldsView(item));
}

let refsToken = 0;
let refsView = null;

/** Adds references [from, to) of the current view, in small batches (one task each) so that no task blocks the page. */
function appendRefs(from, to) {
  const token = ++refsToken;
  const { entries, byId } = refsView;
  // The first batch is small: its task also carries the layout of whatever else changed.
  const batch = (i, n) => {
    if (token !== refsToken) return;
    const frag = document.createDocumentFragment();
    for (const entry of entries.slice(i, Math.min(to, i + n))) frag.append(refItem(entry, byId.get(entry.id) || {}));
    els.refs.insertBefore(frag, els.refs.querySelector(':scope > .note'));
    if (i + n < to) setTimeout(() => batch(i + n, BATCH), 0);
  };
  batch(from, 2);
  const rest = entries.length - to;
  els.more.hidden = rest <= 0;
  if (rest > 0) els.more.textContent = `Show ${Math.min(rest, PAGE)} more (${num(rest)} not shown)`;
}

function renderRefs() {
  const t0 = performance.now();
  try { renderRefsNow(); } finally { performance.measure('citris:render-refs', { start: t0, end: performance.now() }); }
}

function renderRefsNow() {
  const r = state.result;
  els.refs.replaceChildren();
  els.formatError.hidden = true;
  refsToken++;
  refsView = null;
  if (!r || !r.items.length) {
    els.refsEmpty.hidden = false;
    els.more.hidden = true;
    return;
  }
  els.refsEmpty.hidden = true;
  const byId = new Map(r.items.map((it) => [it.id, it]));
  if (r.formatError) {
    els.formatError.hidden = false;
    els.formatError.className = 'notice warn';
    els.formatError.setAttribute('role', 'alert');
    els.formatError.textContent = `These references could not be formatted in this style: ${r.formatError}`;
  }
  const entries = r.entries && r.entries.length ? r.entries : r.items.map((it) => ({ id: it.id, text: fallbackText(it), html: null, citation: '' }));
  refsView = { entries, byId };
  appendRefs(0, Math.min(entries.length, state.shown));
  if (state.mode === 'big' && r.partial && state.big) {
    const note = el('li', { class: 'note muted small', text: `Preview of the first ${plural(entries.length, 'reference')} of the file. The conversion tabs and Download cover the whole file.` });
    els.refs.append(note);
  }
}

// ---------------------------------------------------------------- tabs and output

function selectTab(name, focus = false) {
  state.tab = name;
  for (const t of els.tabs.querySelectorAll('[role="tab"]')) {
    const on = t.dataset.format === name;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    if (on && focus) t.focus();
  }
  els.panelRefs.hidden = name !== 'refs';
  $('latex-field').hidden = !(name === 'bibtex' || name === 'biblatex');
  els.panelCode.hidden = name === 'refs';
  if (name !== 'refs') {
    els.panelCode.setAttribute('aria-labelledby', `tab-${name}`);
    showCode();
  }
}

async function ensureOutput(fmt) {
  if (state.outputs[fmt]) return state.outputs[fmt];
  if (state.mode === 'big') return streamBig(fmt);
  if (!state.result || !state.result.items.length) return null;
  const seq = state.seq;
  const r = await engine.call('convert', { opts: options(), to: fmt });
  if (seq !== state.seq) return null;
  state.outputs[fmt] = r;
  return r;
}

async function showCode() {
  const fmt = state.tab;
  if (fmt === 'refs') return;
  const has = state.result && state.result.items.length;
  els.code.dataset.format = '';
  if (!has && state.mode !== 'big') {
    els.code.textContent = '';
    els.codeNote.hidden = false;
    els.codeNote.textContent = `The ${FORMAT_LABEL[fmt]} conversion appears here.`;
    return;
  }
  let out;
  try {
    out = await ensureOutput(fmt);
  } catch (e) {
    if (e.cancelled) return;
    els.code.textContent = '';
    els.codeNote.hidden = false;
    els.codeNote.textContent = `The conversion failed: ${e.message}`;
    return;
  }
  if (!out || state.tab !== fmt) return;
  els.code.dataset.format = fmt;
  if (out.blob) {
    els.code.textContent = out.head;
    els.codeNote.hidden = out.size <= out.head.length;
    els.code.dataset.format = fmt;
    els.codeNote.textContent = `Showing the beginning of ${bytes(out.size)} (${plural(out.count, 'reference')}). Download or Copy take the whole file.`;
  } else if (out.output.length > SHOW_CHARS) {
    // A long text in one <pre> takes long to lay out: show the start; Copy and Download take all.
    els.code.textContent = out.output.slice(0, SHOW_CHARS);
    els.codeNote.hidden = false;
    els.codeNote.textContent = `Showing the beginning of ${bytes(new Blob([out.output]).size)} (${plural(out.count, 'reference')}). Download or Copy take the whole output.`;
  } else {
    els.code.textContent = out.output;
    els.codeNote.hidden = true;
  }
}

function fileInfo(fmt) {
  // The core names its formats (formats()); the page asks after init.
  const f = state.formats[fmt];
  return { name: `${FILE_BASE[fmt]}.${f.extension}`, mime: f.mime };
}

function styleSlug() {
  return state.style.id || 'style';
}

function referencesDocument() {
  const nodes = [...els.refs.querySelectorAll('.ref-text')];
  const body = state.result.entries && state.result.entries.length > state.shown
    ? null : clipboardHtml(nodes);
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>References</title>\n</head>\n<body>\n${body ?? allEntriesHtml()}\n</body>\n</html>\n`;
}

function allEntriesHtml() {
  const nodes = state.result.entries.map((e) => { const d = document.createElement('div'); appendSafeHtml(d, e.html || ''); return d; });
  return clipboardHtml(nodes);
}

function entriesPlainText() {
  const r = state.result;
  if (r.entries && r.entries.length) return r.entries.map((e) => e.text).join('\n');
  return r.items.map(fallbackText).join('\n');
}

async function download() {
  if (!state.result || !state.result.items.length) { toast('Nothing to download yet.'); return; }
  let blob;
  let name;
  if (state.tab === 'refs') {
    blob = new Blob([referencesDocument()], { type: 'text/html;charset=utf-8' });
    name = `references-${styleSlug()}.html`;
  } else {
    const out = await ensureOutput(state.tab);
    if (!out) return;
    const info = fileInfo(state.tab);
    blob = out.blob || new Blob([out.output], { type: info.mime });
    name = info.name;
  }
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  toast(`Saved ${name}`);
}

/**
 * Puts text (and HTML, for formatted references) on the clipboard. `later`, a
 * promise of {text} or {blob}, lets the clipboard write start within the click
 * (the user gesture) while the worker still produces the data.
 */
async function writeClipboard({ text, html, blob, later }) {
  try {
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      const data = {};
      if (html) data['text/html'] = new Blob([html], { type: 'text/html' });
      data['text/plain'] = later
        ? later.then((v) => (v.blob ? new Blob([v.blob], { type: 'text/plain' }) : new Blob([v.text], { type: 'text/plain' })))
        : blob || new Blob([text], { type: 'text/plain' });
      await navigator.clipboard.write([new ClipboardItem(data)]);
    } else {
      const v = later ? await later : { text, blob };
      await navigator.clipboard.writeText(v.text ?? await v.blob.text());
    }
    toast(html ? 'Copied (formatted and plain text)' : 'Copied');
  } catch (e) {
    toast(`Could not copy: ${e.message}`);
  }
}

async function copy() {
  if (!state.result || !state.result.items.length) { toast('Nothing to copy yet.'); return; }
  if (state.tab === 'refs') {
    const nodes = [...els.refs.querySelectorAll('.ref-text')];
    const complete = !(state.result.entries && state.result.entries.length > nodes.length);
    await writeClipboard({ text: entriesPlainText(), html: complete ? clipboardHtml(nodes) : allEntriesHtml() });
    return;
  }
  const later = ensureOutput(state.tab).then((out) => {
    if (!out) throw new Error('the conversion is not ready');
    return out.blob ? { blob: out.blob } : { text: out.output };
  });
  await writeClipboard({ later });
}

// ---------------------------------------------------------------- files

async function takeFiles(list) {
  const files = [...list].filter((f) => f && f.size >= 0);
  if (!files.length) return;
  const total = files.reduce((s, f) => s + f.size, 0);
  if (total > BIG_BYTES) { startBig(files); return; }
  leaveBig();
  let decoded;
  try {
    decoded = await engine.call('decodeFiles', { files });
  } catch (e) {
    if (!e.cancelled) showFailure(e);
    return;
  }
  const texts = [];
  state.fileNotes = [];
  state.files = [];
  for (const d of decoded) {
    state.files.push({ name: d.name, encoding: d.encoding, count: d.count, bad: d.count === 0 });
    if (d.text != null) {
      texts.push(d.text.replace(/\s+$/, ''));
      // What the core said about the file as a whole (its encoding, say): its lines are renumbered in the text box.
      for (const x of d.diagnostics.filter((x) => !(x.line > 0))) state.fileNotes.push({ ...x, file: d.name, line: 0, column: 0 });
    } else {
      const errs = d.diagnostics.filter((x) => x.severity === 'error');
      const first = errs[0] || d.diagnostics[0];
      state.fileNotes.push({ file: d.name, line: 0, column: 0, byte: null, severity: 'error', code: first ? first.code : 'no-records', message: first ? first.message : 'No RIS record found in this file.' });
    }
  }
  els.input.value = texts.length ? `${texts.join('\n\n')}\n` : '';
  renderFileList();
  scheduleRender(0);
}

function renderFileList() {
  els.filelist.replaceChildren(...state.files.map((f) => {
    const bits = [f.name];
    if (f.bad) bits.push('not RIS');
    else {
      bits.push(plural(f.count, 'reference'));
      if (f.encoding && !/^utf-8$/i.test(f.encoding)) bits.push(f.encoding);
    }
    return el('li', { class: f.bad ? 'bad' : '', text: bits.join(' · ') });
  }));
}

// ---------------------------------------------------------------- big files

function startBig(files) {
  state.mode = 'big';
  state.seq++;
  state.big = { files, total: files.reduce((s, f) => s + f.size, 0), running: false, count: null, diagnosticsTotal: 0, version: 0, jobs: {}, last: null };
  state.outputs = {};
  state.fileNotes = [];
  state.files = files.map((f) => ({ name: f.name, count: 0, encoding: null }));
  els.filelist.replaceChildren(...files.map((f) => el('li', { text: `${f.name} · ${bytes(f.size)}` })));
  els.input.hidden = true;
  els.bigfile.hidden = false;
  els.bigName.textContent = files.length === 1 ? `${files[0].name} (${bytes(files[0].size)})` : `${files.length} files (${bytes(state.big.total)})`;
  els.bigClose.hidden = true;
  document.body.dataset.state = 'big';
  // The preview (first references) comes at once; the conversion streams.
  engine.call('preview', { file: files[0], opts: options() }).then((r) => {
    if (state.mode !== 'big' || state.big.files !== files) return;
    state.result = r;
    state.shown = PAGE;
    renderRefs();
    renderSummary();
    if (!state.big.running) renderDiagnostics(state.big.diagnostics || r.diagnostics, state.big.count ?? r.items.length);
  }).catch((e) => { if (!e.cancelled) showFailure(e); });
  const fmt = state.tab === 'refs' ? 'bibtex' : state.tab;
  streamBig(fmt).catch(() => {});
}

/**
 * The whole big file in format `fmt`, streamed by the worker (a Blob). One
 * stream at a time: a request for another format waits for the running one.
 * Answers for older options (LaTeX accents, keys) are not kept.
 */
function streamBig(fmt) {
  const big = state.big;
  if (state.outputs[fmt]) return Promise.resolve(state.outputs[fmt]);
  const key = `${fmt}#${big.version}`;
  if (big.jobs[key]) return big.jobs[key];
  const job = (big.last || Promise.resolve()).catch(() => {}).then(() => runStream(big, fmt, big.version));
  big.jobs[key] = job;
  big.last = job;
  return job;
}

async function runStream(big, fmt, version) {
  if (state.big !== big) return null;
  if (state.outputs[fmt] && version === big.version) return state.outputs[fmt];
  big.running = true;
  els.cancel.hidden = false;
  els.bigClose.hidden = true;
  els.progress.value = 0;
  els.progress.max = big.total || 1;
  els.progressLabel.textContent = `Converting to ${FORMAT_LABEL[fmt]}…`;
  document.body.dataset.state = 'streaming';
  const onProgress = (p) => {
    els.progress.value = p.read;
    els.progressLabel.textContent = `Converting to ${FORMAT_LABEL[fmt]}: ${bytes(p.read)} of ${bytes(p.total)} · ${plural(p.records, 'reference')}`;
  };
  let r;
  try {
    r = await engine.call('stream', { files: big.files, opts: options(), to: fmt, chunkSize: CHUNK_BYTES }, onProgress);
  } catch (e) {
    big.running = false;
    if (state.big === big && !e.cancelled) {
      els.progressLabel.textContent = `The conversion failed: ${e.message}`;
      els.cancel.hidden = true;
      els.bigClose.hidden = false;
    }
    throw e;
  }
  if (state.big !== big) return null;
  big.running = false;
  big.count = r.count;
  big.diagnostics = r.diagnostics;
  big.diagnosticsTotal = r.diagnosticsTotal;
  if (version === big.version) state.outputs[fmt] = r;
  els.progress.value = els.progress.max;
  els.progressLabel.textContent = `Converted ${plural(r.count, 'reference')} to ${FORMAT_LABEL[fmt]} in ${(r.elapsedMs / 1000).toFixed(1)} s (${bytes(r.size)}).`;
  els.cancel.hidden = true;
  els.bigClose.hidden = false;
  document.body.dataset.state = 'converted';
  renderDiagnostics(r.diagnostics, r.count);
  renderSummary();
  if (state.tab === fmt && version === big.version) showCode();
  return r;
}

function cancelBig() {
  engine.restart(); // ends the worker at once, wherever it is
  const name = state.big ? state.big.files.map((f) => f.name).join(', ') : '';
  leaveBig();
  toast(`Cancelled${name ? `: ${name}` : ''}`);
  els.input.focus();
}

function leaveBig() {
  if (state.mode !== 'big') return;
  state.mode = 'text';
  state.big = null;
  state.outputs = {};
  state.result = null;
  state.files = [];
  state.fileNotes = [];
  renderFileList();
  els.bigfile.hidden = true;
  els.input.hidden = false;
  state.seq++;
  showResult(null);
  scheduleRender(0);
}

// ---------------------------------------------------------------- custom styles

async function loadCsl(file) {
  els.styleError.hidden = true;
  if (file.size > 4 * 1024 * 1024) { showStyleError(`${file.name} is too large to be a CSL style.`); return; }
  const xml = await file.text();
  try {
    await engine.call('checkStyle', { opts: { ...options(), styleXml: xml } }, null, STYLE_TIMEOUT);
  } catch (e) {
    if (!e.cancelled) showStyleError(`${file.name} cannot be used: ${e.message}`);
    return;
  }
  state.custom = { xml, name: file.name.replace(/\.(csl|xml)$/i, '') };
  state.style = { id: 'custom', title: `Custom: ${state.custom.name}`, format: '', parent: '' };
  picker.set(state.style);
  writeUrl();
  toast(`Using the style ${file.name}`);
  restyle();
}

function showStyleError(msg) {
  els.styleError.hidden = false;
  els.styleError.textContent = msg;
}

function restyle() {
  if (state.mode === 'big') {
    if (!state.big) return;
    engine.call('preview', { file: state.big.files[0], opts: options() }).then((r) => {
      if (state.mode !== 'big') return;
      state.result = r;
      renderRefs();
    }).catch(() => {});
  } else {
    scheduleRender(0);
  }
}

// ---------------------------------------------------------------- wiring

els.input.addEventListener('input', () => {
  if (els.input.value.length > BIG_BYTES) {
    // A huge paste is converted like a big file: streamed, with a preview.
    const file = new File([els.input.value], 'pasted text', { type: 'text/plain' });
    els.input.value = '';
    startBig([file]);
    return;
  }
  if (!inputMark) inputMark = performance.now();
  state.seq++; // answers for older text are stale from now on
  if (state.files.length) { state.files = []; state.fileNotes = []; renderFileList(); }
  scheduleRender(els.input.dataset.pasted ? 0 : TYPE_DELAY);
  delete els.input.dataset.pasted;
});
els.input.addEventListener('paste', () => { els.input.dataset.pasted = '1'; inputMark = performance.now(); });

els.files.addEventListener('change', () => { takeFiles(els.files.files); els.files.value = ''; });
els.cslfile.addEventListener('change', () => { const f = els.cslfile.files[0]; els.cslfile.value = ''; if (f) loadCsl(f); });

let dragDepth = 0;
const hasFiles = (ev) => ev.dataTransfer && [...(ev.dataTransfer.types || [])].includes('Files');
document.addEventListener('dragenter', (ev) => { if (!hasFiles(ev)) return; ev.preventDefault(); dragDepth++; els.dropzone.classList.add('dragging'); });
document.addEventListener('dragleave', () => { dragDepth = Math.max(0, dragDepth - 1); if (!dragDepth) els.dropzone.classList.remove('dragging'); });
document.addEventListener('dragover', (ev) => { if (hasFiles(ev)) { ev.preventDefault(); ev.dataTransfer.dropEffect = 'copy'; } });
document.addEventListener('drop', (ev) => {
  dragDepth = 0;
  els.dropzone.classList.remove('dragging');
  if (!hasFiles(ev)) return;
  ev.preventDefault();
  takeFiles(ev.dataTransfer.files);
});

els.locale.addEventListener('change', () => { writeUrl(); restyle(); });
els.keys.addEventListener('change', () => { state.outputs = {}; if (state.mode === 'big') { refreshBig(); } else scheduleRender(0); });
els.latex.addEventListener('change', () => { state.outputs = {}; if (state.mode === 'big') { refreshBig(); } else scheduleRender(0); });

function refreshBig() {
  // New options: conversions made with the old ones are dropped, the visible one is redone.
  if (!state.big) return;
  state.big.version++;
  state.outputs = {};
  if (state.tab !== 'refs') showCode();
}

els.tabs.addEventListener('click', (ev) => {
  const t = ev.target.closest('[role="tab"]');
  if (t) selectTab(t.dataset.format);
});
els.tabs.addEventListener('keydown', (ev) => {
  const tabs = [...els.tabs.querySelectorAll('[role="tab"]')];
  const i = tabs.findIndex((t) => t.dataset.format === state.tab);
  let j = -1;
  if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
  else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
  else if (ev.key === 'Home') j = 0;
  else if (ev.key === 'End') j = tabs.length - 1;
  if (j >= 0) { ev.preventDefault(); selectTab(tabs[j].dataset.format, true); }
});

els.more.addEventListener('click', () => {
  if (!refsView) return;
  const from = els.refs.querySelectorAll(':scope > .ref').length;
  state.shown = from + PAGE;
  appendRefs(from, Math.min(refsView.entries.length, state.shown));
});
els.copy.addEventListener('click', copy);
els.download.addEventListener('click', download);
els.cancel.addEventListener('click', cancelBig);
els.bigClose.addEventListener('click', () => { leaveBig(); els.input.focus(); });
els.example.addEventListener('click', () => {
  leaveBig();
  els.input.value = SEED;
  state.files = []; state.fileNotes = []; renderFileList();
  inputMark = performance.now();
  state.seq++;
  scheduleRender(0);
});
els.clear.addEventListener('click', () => {
  leaveBig();
  els.input.value = '';
  state.files = []; state.fileNotes = []; renderFileList();
  state.seq++;
  showResult(null);
  els.input.focus();
});

document.querySelector('.skip').addEventListener('click', (ev) => { ev.preventDefault(); els.input.focus(); });

picker.set(state.style);
els.style.addEventListener('focus', warmSearch);
selectTab('refs');
showResult(null);
initEngine();
readUrl();
// The style index (for the picker and the language list) loads after the first
// formatted references, or when the picker is used, or when the page is idle:
// it is not needed for the first references.
setTimeout(warmSearch, 4000);

// The first layout of reference text (serif, italics, non-Latin letters, code) makes the
// browser look up fonts, which can block the page for a few hundred milliseconds on a
// busy machine. Do it once after the first paint, not in the middle of a conversion.
function warmFonts() {
  const probe = el('div', { class: 'ref-text font-warmup', 'aria-hidden': 'true' });
  appendSafeHtml(probe, 'Müller, J., Øster, Å., &amp; Ayşe, Ž. (2021). Über <i>Zeitschrift für Ärzte</i>, <b>1</b>–14. <span style="font-variant:small-caps">Łódź</span> <a href="https://example.org/">https://doi.org/10.1/x</a>');
  probe.append(el('code', { text: '@article{müller2021, title = {Ærø}}' }));
  els.panelRefs.append(probe);
  void probe.offsetHeight; // lay it out now
  probe.remove();
}
requestAnimationFrame(() => setTimeout(warmFonts, 0)); // right after the first paint

// The service worker (offline use) installs after the first formatted references,
// or after a few seconds: its install fetches the rest of the page (the style
// index among it), which the first references do not need and must not wait for.
let swRegistered = false;
function registerServiceWorker() {
  if (swRegistered || !('serviceWorker' in navigator) || location.protocol === 'file:') return;
  swRegistered = true;
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}
setTimeout(registerServiceWorker, 5000);
