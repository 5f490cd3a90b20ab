// Safety rule: text that comes from the input reaches the DOM through
// textContent only. The one exception is the formatted reference HTML made by
// the core from escaped text; even that is parsed into an inert document and
// rebuilt from an allow-list of elements (see appendSafeHtml), so that no
// attribute, script or non-http(s) link can come through. The way out (Copy,
// Download) is built from those rebuilt nodes, escaped again.

import { el } from './dom.js';

/** A URL that may become a link: http(s) only. */
export function safeHref(value) {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!/^https?:\/\//i.test(v)) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch { return null; }
}

export function doiHref(doi) {
  if (typeof doi !== 'string') return null;
  const d = doi.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '');
  if (!/^10\.\d{4,9}\/\S+$/.test(d)) return null;
  return `https://doi.org/${d.split('/').map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/')}`;
}

export function externalLink(href, text) {
  return el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank', referrerpolicy: 'no-referrer', text });
}

const ALLOWED = { I: 'i', EM: 'i', B: 'b', STRONG: 'b', U: 'u', SUP: 'sup', SUB: 'sub', SPAN: 'span', DIV: 'span', A: 'a', BR: 'br', SMALL: 'span' };
const DROP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'IMG', 'VIDEO', 'AUDIO', 'LINK', 'META', 'NOSCRIPT', 'TITLE', 'HEAD', 'FORM', 'INPUT', 'TEXTAREA', 'SELECT', 'BUTTON']);
const KEEP_CLASS = new Set(['csl-entry', 'csl-left-margin', 'csl-right-inline', 'csl-block', 'csl-indent']);

/**
 * Appends the core's entry HTML to `parent`, rebuilt from an allow-list:
 * italics, bold, small caps, super/subscript, underline and http(s) links.
 * Parsing happens in an inert document (no scripts, no loads).
 */
let inertDoc = null;
export function appendSafeHtml(parent, html) {
  // One inert document (no browsing context: nothing in it runs or loads), reused.
  if (!inertDoc) inertDoc = document.implementation.createHTMLDocument('');
  const doc = inertDoc;
  doc.body.innerHTML = html;
  const walk = (src, dst) => {
    for (const node of src.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) { dst.append(node.data); continue; }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const name = node.tagName.toUpperCase();
      if (DROP.has(name)) continue;
      const tag = ALLOWED[name];
      if (!tag) { walk(node, dst); continue; }
      let out;
      if (tag === 'a') {
        const href = safeHref(node.getAttribute('href') || '');
        out = href ? el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank', referrerpolicy: 'no-referrer' }) : el('span');
      } else {
        out = document.createElement(tag);
      }
      const classes = [...node.classList].filter((c) => KEEP_CLASS.has(c));
      // Inline styles (blocked by our CSP anyway) become classes or elements.
      const style = (node.getAttribute('style') || '').toLowerCase().replace(/\s+/g, '');
      if (style.includes('font-variant:small-caps')) classes.push('sc');
      if (style.includes('text-decoration:underline')) classes.push('ul');
      if (style.includes('text-decoration:overline')) classes.push('ov');
      if (style.includes('font-style:normal') || style.includes('font-weight:normal')) classes.push('nb');
      if (classes.length) out.className = classes.join(' ');
      let inner = out;
      const wrap = (t) => { const w = document.createElement(t); inner.append(w); inner = w; };
      if (style.includes('font-style:italic') || style.includes('font-style:oblique')) wrap('i');
      if (style.includes('font-weight:bold') || style.includes('font-weight:700')) wrap('b');
      if (style.includes('vertical-align:super')) wrap('sup');
      if (style.includes('vertical-align:sub')) wrap('sub');
      if (tag !== 'br') walk(node, inner);
      dst.append(out);
    }
  };
  walk(doc.body, parent);
}

/** HTML for the clipboard (Word, Google Docs), from our own cleaned nodes. */
export function clipboardHtml(nodes) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const ser = (n) => {
    if (n.nodeType === Node.TEXT_NODE) return esc(n.data);
    if (n.nodeType !== Node.ELEMENT_NODE) return '';
    const kids = [...n.childNodes].map(ser).join('');
    const t = n.tagName.toLowerCase();
    if (t === 'br') return '<br>';
    if (t === 'a') return `<a href="${esc(n.getAttribute('href') || '')}">${kids}</a>`;
    if (['i', 'b', 'u', 'sup', 'sub'].includes(t)) return `<${t}>${kids}</${t}>`;
    const css = [];
    if (n.classList.contains('sc')) css.push('font-variant:small-caps');
    if (n.classList.contains('ul')) css.push('text-decoration:underline');
    if (n.classList.contains('nb')) css.push('font-style:normal');
    return css.length ? `<span style="${css.join(';')}">${kids}</span>` : kids;
  };
  return nodes.map((n) => `<p style="margin:0 0 0.5em 0;padding-left:2em;text-indent:-2em">${[...n.childNodes].map(ser).join('')}</p>`).join('\n');
}
