// The style index (in its own worker): the picker's search, the language list,
// and what "Keep every style for offline use" fetches.

import { el, els } from './dom.js';
import { StyleSearch } from './style-search.js';
import { setupOffline } from './offline.js';

export const search = new StyleSearch();

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
export function warmSearch() {
  if (searchWarm) return;
  searchWarm = true;
  search.ready().then(() => { fillLocales(); offline.describe(); }, () => { searchWarm = false; });
}

const offline = setupOffline({
  button: els.offlineAll, cancel: els.offlineCancel, status: els.offlineStatus, progress: els.offlineProgress,
  files: () => search.files(),
});
