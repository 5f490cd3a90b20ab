// The formatted references: built a few at a time, a page of them at once.

import { el, els } from './dom.js';
import { num, plural } from './counts.js';
import { PAGE, state } from './state.js';
import { appendSafeHtml, clipboardHtml } from './safe-html.js';
import { writeClipboard } from './clipboard.js';
import { fallbackText } from './references-text.js';
import { fieldsView } from './fields-view.js';
import { selectLine } from './diagnostics-view.js';

const BATCH = 5; // references built per task (each task also lays them out)

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

/** "Show N more": the next page of references. */
export function showMore() {
  if (!refsView) return;
  const from = els.refs.querySelectorAll(':scope > .ref').length;
  state.shown = from + PAGE;
  appendRefs(from, Math.min(refsView.entries.length, state.shown));
}

/** The warning above the references (a style that cannot format them, or no formatter at all). */
export function showFormatError(text) {
  els.formatError.hidden = false;
  els.formatError.className = 'notice warn';
  els.formatError.setAttribute('role', 'alert');
  els.formatError.textContent = text;
}

export function renderRefs() {
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
    showFormatError(`These references could not be formatted in this style: ${r.formatError}`);
  }
  const entries = r.entries && r.entries.length ? r.entries : r.items.map((it) => ({ id: it.id, text: fallbackText(it), html: null, citation: '' }));
  refsView = { entries, byId };
  appendRefs(0, Math.min(entries.length, state.shown));
  if (state.mode === 'big' && r.partial && state.big) {
    const note = el('li', { class: 'note muted small', text: `Preview of the first ${plural(entries.length, 'reference')} of the file. The conversion tabs and Download cover the whole file.` });
    els.refs.append(note);
  }
}
