// The count beside the tabs, and whether Copy and Download can be used.

import { els } from './dom.js';
import { plural } from './counts.js';
import { state } from './state.js';

export function renderSummary() {
  const r = state.result;
  const ready = state.mode === 'big' || !!(r && r.items.length);
  els.copy.disabled = !ready;
  els.download.disabled = !ready;
  if (!r) { els.summary.textContent = ''; return; }
  const n = state.mode === 'big' && state.big && state.big.count != null ? state.big.count : r.items.length;
  const parts = [plural(n, 'reference')];
  if (r.encoding && !/^utf-8$/i.test(r.encoding)) parts.push(r.encoding);
  els.summary.textContent = `· ${parts.join(' · ')}`;
}
