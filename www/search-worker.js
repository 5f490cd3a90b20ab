// citris style search: a module worker of its own, so that searching the
// 10,844 styles answers at once even while the main worker formats. It loads
// the same core as the page's worker (pkg/citris.js, from the browser's cache
// by then) and styles/index.json, and answers with the core's own search (the
// same as `citris styles QUERY`).
//
// Protocol: {id, cmd, ...} → {id, ok: true, result} | {id, ok: false, error}.
//   search {q, limit}  → {results, total, ms}
//   locales            → [{code, nativeName, englishName, bytes}]
//   files              → [{path, bytes}] (what "keep every style offline" fetches)
//   info {name}        → the entry of one style, or null

let ready = null;

async function load() {
  const mod = await import('./pkg/citris.js');
  await mod.default();
  const res = await fetch(new URL('./styles/index.json', import.meta.url));
  if (!res.ok) throw new Error(`the style index (styles/index.json) could not be loaded (HTTP ${res.status})`);
  const loaded = mod.loadStyleIndex(await res.text());
  return { mod, loaded };
}

function answer(cmd, msg, { mod }) {
  switch (cmd) {
    case 'search': {
      const t0 = performance.now();
      const r = mod.searchStyles(String(msg.q || ''), msg.limit || 50);
      return { ...r, ms: performance.now() - t0 };
    }
    case 'locales': return mod.styleLocales();
    case 'files': return mod.styleFiles();
    case 'info': return mod.styleInfo(String(msg.name || ''));
    case 'init': return null;
    default: throw new Error(`unknown command ${cmd}`);
  }
}

self.onmessage = async ({ data }) => {
  const { id, cmd } = data;
  let env;
  try {
    if (!ready) ready = load();
    env = await ready;
  } catch (e) {
    // Tried again on the next message: the network may be back.
    ready = null;
    postMessage({ id, ok: false, error: (e && e.message) || String(e) });
    return;
  }
  try {
    postMessage({ id, ok: true, result: cmd === 'init' ? env.loaded : answer(cmd, data, env) });
  } catch (e) {
    postMessage({ id, ok: false, error: (e && e.message) || String(e) });
  }
};
