// Large files (and huge pastes): never in the text box. The first references
// come as a preview; the worker streams the whole file into a Blob per format,
// with progress and Cancel. code-view.js and this call each other (see there).

import { el, els } from './dom.js';
import { bytes, plural } from './counts.js';
import { engine } from './engine.js';
import { PAGE, state, options } from './state.js';
import { renderRefs } from './references-view.js';
import { renderDiagnostics, showFailure } from './diagnostics-view.js';
import { renderSummary } from './summary.js';
import { FORMAT_LABEL, showCode } from './code-view.js';

export const BIG_BYTES = 2 * 1024 * 1024; // files above this (in total) are streamed, not shown in the text box
const CHUNK_BYTES = 1024 * 1024;

export function startBig(files) {
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
export function streamBig(fmt) {
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

export function refreshBig() {
  // New options: conversions made with the old ones are dropped, the visible one is redone.
  if (!state.big) return;
  state.big.version++;
  state.outputs = {};
  if (state.tab !== 'refs') showCode();
}
