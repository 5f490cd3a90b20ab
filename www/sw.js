// citris service worker: makes the page work offline after the first visit.
//
// Only same-origin GET requests are handled; anything else goes to the
// network untouched (the page makes no other request anyway). Strategy:
// network first (so a new deployment is picked up at once), falling back to
// the cache when offline or when the network is slower than NETWORK_WAIT.
// build.sh writes pkg/sw-assets.js (every file of www/ and a hash of them
// all): its files are cached on install and its hash names the cache. The
// browser checks imported scripts for changes too, so a new build installs a
// new cache and the old one is deleted.
//
// Styles and locales (styles/*.csl, styles/locales/*) are not part of the page:
// each is cached the first time it is used (or all at once, with "keep every
// style for offline use"), cache first, in a cache of their own named by the
// style index's hash, so that they survive new builds of the page and go only
// when the styles themselves change.
try {
  importScripts('pkg/sw-assets.js');
} catch { /* not built: the list below and runtime caching */ }

const SHELL = [
  './',
  'index.html',
  'style.css',
  // The page's modules (app.js is the entry).
  'app.js',
  'big-files.js',
  'clipboard.js',
  'code-view.js',
  'copy-download.js',
  'counts.js',
  'custom-style.js',
  'diagnostics-view.js',
  'dom.js',
  'engine.js',
  'fields-view.js',
  'file-list.js',
  'files.js',
  'references-text.js',
  'references-view.js',
  'safe-html.js',
  'state.js',
  'style-choice.js',
  'style-index.js',
  'summary.js',
  'tabs.js',
  'text-mode.js',
  'toast.js',
  'worker.js',
  'icon.svg',
  'manifest.webmanifest',
  'picker.js',
  'style-search.js',
  'search-worker.js',
  'style-loader.js',
  'offline.js',
  'pkg/citris.js',
  'pkg/citris_bg.wasm',
  'styles/index.json',
];
const PREFIX = 'citris-';
const STYLES_PREFIX = 'citris-styles-';
const isAppCache = (n) => n.startsWith(PREFIX) && !n.startsWith(STYLES_PREFIX);
const NETWORK_WAIT = 4000;

const scope = new URL(self.registration ? self.registration.scope : './', self.location.href);
const abs = (p) => new URL(p, scope).href;

async function manifest() {
  const built = self.CITRIS_ASSETS;
  if (built && Array.isArray(built.files) && typeof built.version === 'string') return built;
  try {
    const res = await fetch(abs('pkg/asset-manifest.json'), { cache: 'no-store' });
    if (res.ok) {
      const m = await res.json();
      if (Array.isArray(m.files) && typeof m.version === 'string') return m;
    }
  } catch { /* offline or not built: use the built-in list */ }
  return { version: 'dev', files: SHELL };
}

function stylesCacheName(m) {
  return STYLES_PREFIX + (m.styles || 'dev');
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const m = await manifest();
    const cache = await caches.open(PREFIX + m.version);
    const files = [...new Set(['./', ...m.files])];
    // Each file on its own, so that one missing optional file does not stop the others.
    await Promise.all(files.map(async (f) => {
      try {
        const res = await fetch(abs(f), { cache: 'no-cache' });
        if (res.ok) await cache.put(abs(f), res);
      } catch { /* cached later, on first use */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const m = await manifest();
    const keep = PREFIX + m.version;
    const names = await caches.keys();
    const current = names.includes(keep) ? keep : null;
    if (current) {
      await Promise.all(names.filter((n) => isAppCache(n) && n !== current).map((n) => caches.delete(n)));
    }
    // Styles of an older style index.
    const styles = stylesCacheName(m);
    await Promise.all(names.filter((n) => n.startsWith(STYLES_PREFIX) && n !== styles).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function currentCache() {
  const names = (await caches.keys()).filter(isAppCache);
  return caches.open(names.length ? names[names.length - 1] : `${PREFIX}dev`);
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}

async function fromNetworkOrCache(request) {
  const cache = await currentCache();
  const key = request.mode === 'navigate' ? abs('./') : request.url;
  const cached = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
  const network = fetch(request).then(async (res) => {
    if (res && res.ok && res.type === 'basic') {
      try { await cache.put(key, res.clone()); } catch { /* quota: serve anyway */ }
    }
    return res;
  });
  if (!cached) return network;
  // Offline or slow: the cached copy.
  const res = await Promise.race([network.catch(() => null), timeout(NETWORK_WAIT)]);
  return res || cached;
}

/** A style or locale file: from its cache, else fetched once and kept. */
async function fromStylesCache(request) {
  const cache = await caches.open(stylesCacheName(await manifest()));
  const hit = await cache.match(request.url);
  if (hit) return hit;
  const res = await fetch(request);
  if (res && res.ok && res.type === 'basic') {
    try { await cache.put(request.url, res.clone()); } catch { /* quota: serve anyway */ }
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (!url.href.startsWith(scope.href)) return;
  if (req.headers.has('range')) return;
  if (url.pathname.endsWith('/pkg/asset-manifest.json')) return;
  const rel = url.href.slice(scope.href.length).split(/[?#]/)[0];
  if (rel.startsWith('styles/') && rel !== 'styles/index.json') {
    event.respondWith(fromStylesCache(req));
    return;
  }
  event.respondWith(fromNetworkOrCache(req));
});
