// Files dropped on the page or picked: small ones are decoded by the core into
// the text box, large ones (in total) are streamed (big-files.js).

import { els } from './dom.js';
import { engine } from './engine.js';
import { state } from './state.js';
import { showFailure } from './diagnostics-view.js';
import { renderFileList } from './file-list.js';
import { BIG_BYTES, startBig } from './big-files.js';
import { scheduleRender, leaveBig } from './text-mode.js';

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

/** The file picker and dropping files anywhere on the page. */
export function setupFiles() {
  els.files.addEventListener('change', () => { takeFiles(els.files.files); els.files.value = ''; });
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
}
