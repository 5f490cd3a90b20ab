// The style in use: chosen in the picker or named by the address, checked by
// the worker before it replaces the previous one.

import { el, els } from './dom.js';
import { engine } from './engine.js';
import { DEFAULT_STYLE, state, marks, options } from './state.js';
import { toast } from './toast.js';
import { StylePicker, rememberStyle } from './picker.js';
import { search } from './style-index.js';
import { renderRefs } from './references-view.js';
import { scheduleRender } from './text-mode.js';

export const STYLE_TIMEOUT = 15_000; // a style check that takes longer is stopped (the worker restarts)

export const picker = new StylePicker({
  input: els.style,
  list: els.styleList,
  status: els.styleStatus,
  search: (q) => search.search(q, 50),
  // Without the index (not built, or never loaded and now offline): the built-in styles.
  fallback: () => (state.builtIn.length ? state.builtIn : [DEFAULT_STYLE]).map((s) => ({ id: s.id, title: s.title, format: s.format || '', parent: '' })),
  onChoose: (entry) => chooseStyle(entry),
});

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
  marks.style = t0;
  toast(`Style: ${state.style.title}`);
  restyle();
}

/** The style and language go into the address, so that a link opens the page the same way. */
export function writeUrl() {
  const url = new URL(location.href);
  if (state.style.id && state.style.id !== 'custom' && state.style.id !== DEFAULT_STYLE.id) url.searchParams.set('style', state.style.id);
  else url.searchParams.delete('style');
  if (els.locale.value) url.searchParams.set('lang', els.locale.value);
  else url.searchParams.delete('lang');
  if (url.href !== location.href) history.replaceState(null, '', url.href);
}

/** The style and language of a link (`?style=cancer-gene-therapy&lang=en-GB`). */
export async function readUrl() {
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

export function showStyleError(msg) {
  els.styleError.hidden = false;
  els.styleError.textContent = msg;
}

export function restyle() {
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
