// The page's elements, and el(), which builds DOM with text as text: `text`
// becomes textContent, never markup (the page's safety rule; see safe-html.js).

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

export const els = {
  input: $('input'), dropzone: $('dropzone'), files: $('files'), filelist: $('filelist'),
  style: $('style'), styleList: $('style-list'), styleStatus: $('style-status'),
  cslfile: $('cslfile'), styleError: $('style-error'), locale: $('locale'), keys: $('keys'), latex: $('latex'),
  offlineAll: $('offline-all'), offlineCancel: $('offline-cancel'), offlineStatus: $('offline-status'), offlineProgress: $('offline-progress'),
  diagnostics: $('diagnostics'), diagCount: $('diag-count'), diagEmpty: $('diag-empty'), notice: $('notice'),
  refs: $('refs'), refsEmpty: $('refs-empty'), more: $('more'), formatError: $('format-error'),
  code: $('code-text'), codeNote: $('code-note'), panelRefs: $('panel-refs'), panelCode: $('panel-code'),
  tabs: $('tabs'), copy: $('copy'), download: $('download'), toast: $('toast'), summary: $('summary'), engine: $('engine'),
  bigfile: $('bigfile'), bigName: $('bigfile-name'), progress: $('progress'), progressLabel: $('progress-label'),
  cancel: $('cancel'), bigClose: $('bigfile-close'), example: $('example'), clear: $('clear'),
};
