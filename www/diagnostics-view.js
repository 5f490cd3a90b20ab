// The diagnostics panel and the notice above the references (no record, a failure).

import { el, els } from './dom.js';
import { num } from './counts.js';
import { state } from './state.js';

const MAX_DIAG_SHOWN = 300;

export function showFailure(e) {
  els.notice.hidden = false;
  els.notice.replaceChildren(el('strong', { text: 'The conversion failed.' }), el('span', { text: e.message }));
}

/** The message shown when the input holds no record: the core names what it looks like. */
function noRecordNotice(diags) {
  const errors = diags.filter((d) => d.severity === 'error');
  const main = errors[0] || diags[0];
  const msg = main ? main.message : 'No RIS record was found. An RIS record starts with a line like "TY  - JOUR" and ends with "ER  - ".';
  return [el('strong', { text: 'This does not look like RIS.' }), el('span', { text: msg })];
}

export function renderDiagnostics(diags, itemCount) {
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
export function selectLine(line) {
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
