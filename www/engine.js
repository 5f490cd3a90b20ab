// The page's side of worker.js, which owns the wasm core: commands go out as
// {id, cmd, ...args}; answers come back by id as promises (docs/js-api.md,
// "The page's worker protocol"). Progress messages come between.

class Engine {
  constructor(onCrash = null) {
    this.onCrash = onCrash;
    this.pending = new Map();
    this.nextId = 1;
    this.start();
  }

  start() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'citris' });
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.failAll(new Error(ev.message || 'The converter stopped unexpectedly.'));
    };
  }

  receive(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.progress) { if (p.onProgress) p.onProgress(msg.progress); return; }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      const err = new Error(msg.error);
      err.fatal = msg.fatal;
      p.reject(err);
      if (msg.fatal) this.restart('fatal');
    }
  }

  /**
   * Runs a command in the worker. With `timeout` (ms), a command that takes longer
   * (a hostile style, say) ends the worker, which is then started afresh.
   */
  call(cmd, args = {}, onProgress = null, timeout = 0) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      let timer = 0;
      const done = (fn) => (v) => { clearTimeout(timer); fn(v); };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), onProgress });
      this.worker.postMessage({ id, cmd, ...args });
      if (timeout) {
        timer = setTimeout(() => {
          const p = this.pending.get(id);
          if (!p) return;
          this.pending.delete(id);
          const err = new Error(`it took longer than ${Math.round(timeout / 1000)} s, so it was stopped`);
          err.timeout = true;
          p.reject(err);
          this.restart('timeout');
        }, timeout);
      }
    });
  }

  failAll(err) {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }

  /** Ends whatever the worker is doing (Cancel), and starts a fresh one. */
  restart(reason = 'cancel') {
    this.worker.terminate();
    const err = new Error('cancelled');
    err.cancelled = true;
    this.failAll(err);
    this.start();
    if (this.onCrash) this.onCrash(reason);
  }
}

/** The one worker of the page; app.js sets onCrash. */
export const engine = new Engine();
