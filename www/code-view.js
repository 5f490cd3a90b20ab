// The conversion tabs' panel (BibTeX, BibLaTeX, CSL-JSON, RIS), and the
// conversions themselves: asked of the worker once per format and kept.
// With big-files.js this is a cycle (showing a big file's format streams it,
// and a finished stream shows it): they call each other only at run time.

import { els } from './dom.js';
import { bytes, plural } from './counts.js';
import { engine } from './engine.js';
import { state, options } from './state.js';
import { streamBig } from './big-files.js';

const SHOW_CHARS = 100 * 1024; // longest conversion shown in full in the code panel

export const FORMAT_LABEL = { bibtex: 'BibTeX', biblatex: 'BibLaTeX', 'csl-json': 'CSL-JSON', ris: 'RIS' };

export async function ensureOutput(fmt) {
  if (state.outputs[fmt]) return state.outputs[fmt];
  if (state.mode === 'big') return streamBig(fmt);
  if (!state.result || !state.result.items.length) return null;
  const seq = state.seq;
  const r = await engine.call('convert', { opts: options(), to: fmt });
  if (seq !== state.seq) return null;
  state.outputs[fmt] = r;
  return r;
}

export async function showCode() {
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
