// The text box: converted as you type (after a pause), stale answers dropped.

import { els } from './dom.js';
import { engine } from './engine.js';
import { PAGE, state, marks, options } from './state.js';
import { renderRefs } from './references-view.js';
import { renderDiagnostics, showFailure } from './diagnostics-view.js';
import { renderSummary } from './summary.js';
import { showCode } from './code-view.js';
import { forgetFiles } from './file-list.js';
import { warmSearch } from './style-index.js';
import { registerServiceWorker } from './offline.js';

export const TYPE_DELAY = 250; // ms of quiet typing before converting
const RENDER_TIMEOUT = 60_000; // a render that takes longer is stopped (the worker restarts)

let renderTimer = 0;
let renderBusy = false;
let renderAgain = false;

export function scheduleRender(delay = TYPE_DELAY) {
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
        if (marks.style) {
          // From choosing a style to its references on screen.
          performance.measure('citris:style-switch', { start: marks.style, end: performance.now() });
          marks.style = 0;
        }
        if (r.entries && r.entries.length) {
          if (!performance.getEntriesByName('citris:first-reference').length) performance.mark('citris:first-reference');
          registerServiceWorker();
          warmSearch();
        }
        if (marks.input) {
          // From the paste (or the first keystroke) to the formatted references on screen.
          performance.measure('citris:paste-to-render', { start: marks.input, end: performance.now() });
          marks.input = 0;
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

export function showResult(r) {
  state.result = r;
  state.shown = PAGE;
  if (!r) state.outputs = {};
  renderDiagnostics(r ? r.diagnostics : [], r ? r.items.length : 0);
  renderRefs();
  renderSummary();
  if (state.tab !== 'refs') showCode();
  document.body.dataset.state = r ? (r.items.length ? 'converted' : 'empty') : 'idle';
}

/** Back from a big file to the text box. */
export function leaveBig() {
  if (state.mode !== 'big') return;
  state.mode = 'text';
  state.big = null;
  state.outputs = {};
  state.result = null;
  forgetFiles();
  els.bigfile.hidden = true;
  els.input.hidden = false;
  state.seq++;
  showResult(null);
  scheduleRender(0);
}
