// The style picker: an ARIA combobox (WAI-ARIA APG "editable combobox with
// list autocomplete") over the index of every CSL style.
//
// Type to search titles, short titles, ISSNs and fields; ArrowDown/ArrowUp move
// through the results, Enter chooses (the first result when none is active),
// Escape closes the list and puts the current style back. With an empty box the
// list shows the styles used recently and the ten common ones. Choosing calls
// `onChoose(entry)`; the page shows the style only once it is usable
// (`set(entry)`), so a style that fails leaves the previous one in place.
//
// Text from the index reaches the DOM through textContent only.

import { el } from './dom.js';
import { num } from './counts.js';

const RECENT_KEY = 'citris.recentStyles';
const RECENT_MAX = 6;
const FORMAT_LABEL = { 'author-date': 'author-date', numeric: 'numeric', note: 'notes', label: 'label', author: 'author' };

/** The styles chosen lately, newest first (kept in this browser only). */
export function recentStyles() {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    return Array.isArray(v) ? v.filter((e) => e && typeof e.id === 'string' && typeof e.title === 'string') : [];
  } catch { return []; }
}

export function rememberStyle(entry) {
  if (!entry || !entry.id || entry.id === 'custom') return;
  const keep = { id: entry.id, title: entry.title, format: entry.format || '', parent: entry.parent || '', parentTitle: entry.parentTitle || '' };
  const list = [keep, ...recentStyles().filter((e) => e.id !== entry.id)].slice(0, RECENT_MAX);
  try { localStorage.setItem(RECENT_KEY, JSON.stringify(list)); } catch { /* storage full or off: not kept */ }
}

export class StylePicker {
  /**
   * @param {{input: HTMLInputElement, list: HTMLElement, status: HTMLElement,
   *   search: (q: string) => Promise<{results: object[], total: number}>,
   *   fallback: () => object[], onChoose: (entry: object) => void}} opts
   */
  constructor({ input, list, status, search, fallback, onChoose }) {
    Object.assign(this, { input, list, status, searchFn: search, fallback, onChoose });
    this.current = null;
    this.results = [];
    this.active = -1;
    this.seq = 0;
    this.input.setAttribute('role', 'combobox');
    this.input.setAttribute('aria-autocomplete', 'list');
    this.input.setAttribute('aria-expanded', 'false');
    this.input.setAttribute('aria-controls', list.id);
    this.list.setAttribute('role', 'listbox');
    this.input.addEventListener('input', () => this.query(this.input.value, performance.now()));
    this.input.addEventListener('keydown', (ev) => this.key(ev));
    this.input.addEventListener('focus', () => this.input.select());
    this.input.addEventListener('click', () => { if (!this.isOpen()) this.query(this.typed(), performance.now()); });
    this.input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== this.input) this.close(true); }, 0));
    // Clicking a result must not take the focus from the box first.
    this.list.addEventListener('mousedown', (ev) => ev.preventDefault());
    this.list.addEventListener('click', (ev) => {
      const li = ev.target.closest('[role="option"]');
      if (li) this.choose(this.results[Number(li.dataset.index)]);
    });
  }

  /** Shows `entry` as the style in use. */
  set(entry) {
    this.current = entry;
    this.input.value = entry ? entry.title : '';
    this.input.dataset.styleId = entry ? entry.id : '';
  }

  isOpen() { return this.input.getAttribute('aria-expanded') === 'true'; }

  /** What the user typed: nothing while the box still shows the current style. */
  typed() {
    return this.current && this.input.value === this.current.title ? '' : this.input.value;
  }

  async query(q, started) {
    const seq = ++this.seq;
    let found;
    try {
      found = q.trim() ? await this.searchFn(q) : await this.emptyList();
    } catch (e) {
      if (seq !== this.seq) return;
      // No index (not built, or offline before it was ever loaded): the built-in styles.
      const list = this.fallback().filter((s) => !q.trim() || s.title.toLowerCase().includes(q.trim().toLowerCase()));
      found = { results: list, total: list.length, error: e.message };
    }
    if (seq !== this.seq) return; // a newer keystroke is on its way
    this.show(q, found);
    // Keystroke to results on screen; `detail.search` is the core's own search time (ms).
    if (started) performance.measure('citris:style-search', { start: started, end: performance.now(), detail: { search: found.ms } });
  }

  async emptyList() {
    const { results } = await this.searchFn('');
    const recent = recentStyles();
    const ids = new Set(recent.map((e) => e.id));
    const list = [...recent.map((e) => ({ ...e, recent: true })), ...results.filter((e) => !ids.has(e.id))];
    return { results: list, total: list.length, empty: true };
  }

  show(q, found) {
    this.results = found.results || [];
    this.active = -1;
    this.list.replaceChildren();
    const frag = document.createDocumentFragment();
    this.results.forEach((s, i) => {
      const meta = [FORMAT_LABEL[s.format] || s.format];
      if (s.parent) meta.push(`uses ${s.parentTitle || s.parent}`);
      if (s.recent) meta.push('used recently');
      const li = el('li', { role: 'option', id: `${this.list.id}-${i}`, 'aria-selected': 'false', class: 'opt', 'data-index': String(i), 'data-id': s.id },
        el('span', { class: 'opt-title', text: s.title }),
        el('span', { class: 'opt-meta', text: meta.filter(Boolean).join(' · ') }));
      frag.append(li);
    });
    this.list.append(frag);
    this.list.hidden = this.results.length === 0;
    this.list.dataset.query = q;
    this.input.setAttribute('aria-expanded', String(this.results.length > 0));
    this.input.removeAttribute('aria-activedescendant');
    let msg;
    if (found.empty) msg = `${this.results.length} styles: recently used and common ones. Type a journal, publisher, ISSN or field to search all.`;
    else if (!this.results.length) msg = `No style matches “${q.trim()}”.`;
    else if (found.total > this.results.length) msg = `${num(found.total)} styles match; the best ${this.results.length} are shown.`;
    else msg = `${found.total} ${found.total === 1 ? 'style matches' : 'styles match'}.`;
    if (found.error) msg += ` (Only the built-in styles: ${found.error}.)`;
    this.status.textContent = msg;
    this.status.hidden = false;
  }

  move(to) {
    if (!this.results.length) return;
    const n = Math.max(-1, Math.min(this.results.length - 1, to));
    const old = this.list.children[this.active];
    if (old) old.setAttribute('aria-selected', 'false');
    this.active = n;
    const li = this.list.children[n];
    if (li) {
      li.setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  key(ev) {
    const open = this.isOpen();
    switch (ev.key) {
      case 'ArrowDown':
        ev.preventDefault();
        if (!open || ev.altKey) { this.query(this.typed(), performance.now()); return; }
        this.move(this.active + 1);
        break;
      case 'ArrowUp':
        if (!open) return;
        ev.preventDefault();
        this.move(this.active - 1);
        break;
      case 'PageDown':
        if (open) { ev.preventDefault(); this.move(this.active + 10); }
        break;
      case 'PageUp':
        if (open) { ev.preventDefault(); this.move(this.active - 10); }
        break;
      case 'Enter': {
        if (!open) return;
        ev.preventDefault();
        const pick = this.results[this.active >= 0 ? this.active : 0];
        if (pick) this.choose(pick);
        break;
      }
      case 'Escape':
        if (open || (this.current && this.input.value !== this.current.title)) {
          ev.preventDefault();
          this.close(true);
        }
        break;
      case 'Tab':
        this.close(true);
        break;
      default:
    }
  }

  /** Closes the list; with `restore`, the box shows the current style again. */
  close(restore) {
    this.seq++;
    this.list.hidden = true;
    this.status.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
    if (restore && this.current) this.input.value = this.current.title;
  }

  choose(entry) {
    if (!entry) return;
    this.close(false);
    this.input.value = entry.title;
    this.onChoose(entry);
  }
}
