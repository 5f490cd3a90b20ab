// What the page shows and with which options, shared by its views.

import { els } from './dom.js';

export const PAGE = 50; // references shown at a time

/** The default style, built into the formatter. */
export const DEFAULT_STYLE = { id: 'apa', title: 'APA Style 7th edition', format: 'author-date', parent: '' };

export const state = {
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

/** Start times for the performance measures (citris:paste-to-render, citris:style-switch); 0 when none is running. */
export const marks = { input: 0, style: 0 };

/** The options of a command to the worker, from the controls and the style in use. */
export function options() {
  const o = { locale: els.locale.value, keys: els.keys.value, latexAccents: els.latex.checked };
  if (state.style.id === 'custom' && state.custom) o.styleXml = state.custom.xml;
  else o.style = state.style.id || DEFAULT_STYLE.id;
  return o;
}
