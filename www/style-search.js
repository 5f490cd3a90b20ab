// The page's side of search-worker.js: started on first use, answers as promises.

export class StyleSearch {
  constructor() {
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  start() {
    if (this.worker) return;
    this.worker = new Worker(new URL('./search-worker.js', import.meta.url), { type: 'module', name: 'citris-search' });
    this.worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
    };
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      const all = [...this.pending.values()];
      this.pending.clear();
      this.worker.terminate();
      this.worker = null; // started afresh on the next call
      for (const p of all) p.reject(new Error(ev.message || 'the style search stopped'));
    };
  }

  call(cmd, args = {}) {
    this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, ...args });
    });
  }

  /** Loads the index; resolves to {styles, locales, styleBytes, localeBytes}. */
  ready() { return this.call('init'); }

  /** {results, total, ms}: the best `limit` matches of `q`. */
  search(q, limit = 50) { return this.call('search', { q, limit }); }

  locales() { return this.call('locales'); }

  files() { return this.call('files'); }

  /** One style's entry by id or short name, or null. */
  info(name) { return this.call('info', { name }); }
}
