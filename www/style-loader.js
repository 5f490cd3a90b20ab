// Makes a style and its locale usable by the core, fetching what it lacks from
// this site's styles/ folder (never from another origin):
//   styles/index.json                 the index that names resolve against,
//   styles/ID.csl                     an independent style (a dependent one uses its parent's),
//   styles/locales/locales-CODE.xml   a locale.
// The core says what it lacks with an error code (needs-index, needs-style with
// `id`, needs-locale with `locale`); this adds it and asks again, until the core
// lacks nothing. The service worker keeps what was fetched, so a style used
// once works offline.

const BASE = new URL('./styles/', import.meta.url);

/** An error whose message names the style or file and what is wrong. */
function loadError(message, code) {
  const e = new Error(message);
  e.code = code;
  return e;
}

async function fetchText(path) {
  let res;
  try {
    res = await fetch(new URL(path, BASE), { credentials: 'same-origin' });
  } catch {
    throw loadError(`styles/${path} could not be fetched: the page is offline and this file was not kept for offline use`, 'offline');
  }
  if (!res.ok) throw loadError(`styles/${path} is not on this site (HTTP ${res.status})`, 'missing-file');
  return res.text();
}

/**
 * Prepares `opts` ({style, styleXml, locale}) in the core `citris`: returns
 * what `prepareStyle` returns ({id, title, locale}) or throws an Error with a
 * message naming the style and the problem (and the core's `code`).
 */
export async function ensureStyle(citris, opts, fetcher = fetchText) {
  const seen = new Set();
  for (let round = 0; round < 8; round++) {
    try {
      return citris.prepareStyle(opts);
    } catch (e) {
      const code = e && e.code;
      const need = code === 'needs-style' ? `style:${e.id}` : code === 'needs-locale' ? `locale:${e.locale}` : code;
      if (!['needs-index', 'needs-style', 'needs-locale'].includes(code)) throw e;
      // The same thing asked for twice: what was fetched is not what it claims to be.
      if (seen.has(need)) throw loadError(`${e.message}, and the file fetched for it did not provide it`, 'bad-file');
      seen.add(need);
      const path = code === 'needs-index' ? 'index.json' : code === 'needs-style' ? `${e.id}.csl` : `locales/locales-${e.locale}.xml`;
      const text = await fetcher(path);
      try {
        if (code === 'needs-index') citris.loadStyleIndex(text);
        else if (code === 'needs-style') citris.addStyle(text);
        else citris.addLocale(text);
      } catch (bad) {
        throw loadError(`styles/${path}: ${bad && bad.message ? bad.message : bad}`, (bad && bad.code) || 'bad-file');
      }
    }
  }
  throw loadError('the style needs more files than expected', 'bad-file');
}
