// "Keep every style for offline use": fetches every style and locale file of
// styles/ once, with progress, so that the service worker (sw.js) keeps them
// and any style works without a network. Styles used are kept anyway; this is
// for users who want all of them before going offline. Also: registering sw.js.

import { num } from './counts.js';

const DONE_KEY = 'citris.offlineStyles';
const PARALLEL = 8;

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Wires the button. `files()` resolves to [{path, bytes}] (the style index's
 * files); the status element says what they weigh and how far it got.
 */
export function setupOffline({ button, cancel, status, progress, files }) {
  let job = null;
  let list = null;
  const base = new URL('./styles/', import.meta.url);

  const describe = async () => {
    try {
      list = list || await files();
    } catch (e) {
      status.textContent = `The list of styles is not available: ${e.message}`;
      return null;
    }
    const total = list.reduce((s, f) => s + f.bytes, 0);
    const key = `${list.length}:${total}`;
    if (localStorage.getItem(DONE_KEY) === key) {
      status.textContent = `Every style and locale (${num(list.length)} files, ${mb(total)}) is kept in this browser for offline use.`;
    } else {
      status.textContent = `Stores ${num(list.length)} files (${mb(total)}) in this browser. Styles you use are kept anyway.`;
    }
    return { total, key };
  };

  const run = async () => {
    const info = await describe();
    if (!info) return;
    if (!('serviceWorker' in navigator) || !navigator.serviceWorker.controller) {
      status.textContent = 'Offline storage needs the page’s service worker, which is not active yet: reload the page once and try again.';
      return;
    }
    // Ask the browser not to evict what is about to be stored (it may say no).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    const me = { stop: false };
    job = me;
    button.hidden = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.max = info.total;
    progress.value = 0;
    let done = 0;
    let bytes = 0;
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (!me.stop && next < list.length) {
        const f = list[next++];
        try {
          const res = await fetch(new URL(f.path, base));
          if (!res.ok) throw new Error(String(res.status));
          await res.arrayBuffer();
        } catch { failed++; }
        done++;
        bytes += f.bytes;
        progress.value = bytes;
        status.textContent = `Keeping styles for offline use: ${num(done)} of ${num(list.length)} files (${mb(bytes)} of ${mb(info.total)})…`;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    job = null;
    button.hidden = false;
    cancel.hidden = true;
    progress.hidden = true;
    if (me.stop) {
      status.textContent = `Stopped after ${num(done)} of ${num(list.length)} files; what was fetched stays available offline.`;
    } else if (failed) {
      status.textContent = `${num(failed)} of ${num(list.length)} files could not be fetched (offline?); try again to complete the set.`;
    } else {
      try { localStorage.setItem(DONE_KEY, info.key); } catch { /* not remembered */ }
      status.textContent = `Every style and locale (${num(list.length)} files, ${mb(info.total)}) is now kept in this browser for offline use.`;
    }
  };

  button.addEventListener('click', () => { if (!job) run(); });
  cancel.addEventListener('click', () => { if (job) job.stop = true; });
  return { describe };
}

// The service worker (sw.js) installs after the first formatted references,
// or after a few seconds: its install fetches the rest of the page (the style
// index among it), which the first references do not need and must not wait for.
let swRegistered = false;
export function registerServiceWorker() {
  if (swRegistered || !('serviceWorker' in navigator) || location.protocol === 'file:') return;
  swRegistered = true;
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}
