// The references of the result as plain text and HTML, for Copy and Download
// (all of them, not only those on screen) and where formatting is unavailable.

import { state } from './state.js';
import { appendSafeHtml, clipboardHtml } from './safe-html.js';

/** A plain reference from the CSL-JSON item, used when formatting is unavailable. */
export function fallbackText(item) {
  const names = (item.author || item.editor || []).map((n) => n.literal || [n.family, n.given && `${n.given[0]}.`].filter(Boolean).join(', '));
  const year = item.issued && item.issued['date-parts'] ? item.issued['date-parts'][0][0] : 'n.d.';
  return [names.join(', '), `(${year}).`, item.title ? `${item.title}.` : '', item['container-title'] ? `${item['container-title']}.` : ''].filter(Boolean).join(' ');
}

export function entriesPlainText() {
  const r = state.result;
  if (r.entries && r.entries.length) return r.entries.map((e) => e.text).join('\n');
  return r.items.map(fallbackText).join('\n');
}

export function allEntriesHtml() {
  const nodes = state.result.entries.map((e) => { const d = document.createElement('div'); appendSafeHtml(d, e.html || ''); return d; });
  return clipboardHtml(nodes);
}
