// The Copy and Download buttons: the references (HTML) or the conversion of the open tab.

import { el, els } from './dom.js';
import { state } from './state.js';
import { toast } from './toast.js';
import { clipboardHtml } from './safe-html.js';
import { writeClipboard } from './clipboard.js';
import { entriesPlainText, allEntriesHtml } from './references-text.js';
import { ensureOutput } from './code-view.js';

const FILE_BASE = { bibtex: 'references', biblatex: 'references-biblatex', 'csl-json': 'references', ris: 'references' };

function fileInfo(fmt) {
  // The core names its formats (formats()); the page asks after init.
  const f = state.formats[fmt];
  return { name: `${FILE_BASE[fmt]}.${f.extension}`, mime: f.mime };
}

function styleSlug() {
  return state.style.id || 'style';
}

function referencesDocument() {
  const nodes = [...els.refs.querySelectorAll('.ref-text')];
  const body = state.result.entries && state.result.entries.length > state.shown
    ? null : clipboardHtml(nodes);
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>References</title>\n</head>\n<body>\n${body ?? allEntriesHtml()}\n</body>\n</html>\n`;
}

export async function download() {
  if (!state.result || !state.result.items.length) { toast('Nothing to download yet.'); return; }
  let blob;
  let name;
  if (state.tab === 'refs') {
    blob = new Blob([referencesDocument()], { type: 'text/html;charset=utf-8' });
    name = `references-${styleSlug()}.html`;
  } else {
    const out = await ensureOutput(state.tab);
    if (!out) return;
    const info = fileInfo(state.tab);
    blob = out.blob || new Blob([out.output], { type: info.mime });
    name = info.name;
  }
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  toast(`Saved ${name}`);
}

export async function copy() {
  if (!state.result || !state.result.items.length) { toast('Nothing to copy yet.'); return; }
  if (state.tab === 'refs') {
    const nodes = [...els.refs.querySelectorAll('.ref-text')];
    const complete = !(state.result.entries && state.result.entries.length > nodes.length);
    await writeClipboard({ text: entriesPlainText(), html: complete ? clipboardHtml(nodes) : allEntriesHtml() });
    return;
  }
  const later = ensureOutput(state.tab).then((out) => {
    if (!out) throw new Error('the conversion is not ready');
    return out.blob ? { blob: out.blob } : { text: out.output };
  });
  await writeClipboard({ later });
}
