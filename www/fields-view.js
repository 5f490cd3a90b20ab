// A record's fields (the "Fields" details under a reference), as text and safe links.

import { el } from './dom.js';
import { safeHref, doiHref, externalLink } from './safe-html.js';

/** The order of fields in the details view; others follow alphabetically, the abstract last. */
const FIELD_ORDER = ['type', 'title', 'title-short', 'author', 'editor', 'translator', 'container-title', 'container-title-short',
  'collection-title', 'issued', 'volume', 'issue', 'page', 'edition', 'publisher', 'publisher-place', 'genre', 'DOI', 'ISSN', 'ISBN',
  'URL', 'accessed', 'language', 'keyword', 'note'];

function describeValue(v) {
  if (v == null) return '';
  if (Array.isArray(v)) {
    if (v.every((x) => x && typeof x === 'object' && ('family' in x || 'given' in x || 'literal' in x))) {
      return v.map((n) => n.literal || [n['non-dropping-particle'], n.family].filter(Boolean).join(' ') + (n.given ? `, ${[n.given, n['dropping-particle']].filter(Boolean).join(' ')}` : '') + (n.suffix ? `, ${n.suffix}` : '')).join('; ');
    }
    return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  }
  if (typeof v === 'object') {
    if (v['date-parts']) {
      const ds = v['date-parts'].map((p) => p.map((x, i) => (i === 0 ? String(x) : String(x).padStart(2, '0'))).join('-')).join(' – ');
      return v.season ? `${ds} (${v.season})` : ds;
    }
    if (v.literal) return String(v.literal);
    if (v.raw) return String(v.raw);
    return JSON.stringify(v, null, 1);
  }
  return String(v);
}

/** The fields of a record, built when the details are first opened. */
export function fieldsView(item) {
  const details = el('details', { class: 'fields' }, el('summary', { text: 'Fields' }));
  details.addEventListener('toggle', () => {
    if (!details.open || details.querySelector('dl')) return;
    const dl = el('dl');
    const rank = (k) => { const i = FIELD_ORDER.indexOf(k); return i < 0 ? (k === 'abstract' ? 1e6 : k === 'custom' ? 1e6 + 1 : 1e5) : i; };
    const keys = Object.keys(item).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) {
      const v = item[k];
      if (k === '_line' || k === 'id') continue;
      const dd = el('dd');
      const text = describeValue(v);
      let href = null;
      if (k === 'URL') href = safeHref(text);
      else if (k === 'DOI') href = doiHref(text);
      if (href) dd.append(externalLink(href, text)); else dd.textContent = text;
      dl.append(el('dt', { text: k }), dd);
    }
    details.append(dl);
  });
  return details;
}
