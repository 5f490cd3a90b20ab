// The tabs (References and the formats): click, and the arrow keys, Home and End.

import { $, els } from './dom.js';
import { state } from './state.js';
import { showCode } from './code-view.js';

export function selectTab(name, focus = false) {
  state.tab = name;
  for (const t of els.tabs.querySelectorAll('[role="tab"]')) {
    const on = t.dataset.format === name;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    if (on && focus) t.focus();
  }
  els.panelRefs.hidden = name !== 'refs';
  $('latex-field').hidden = !(name === 'bibtex' || name === 'biblatex');
  els.panelCode.hidden = name === 'refs';
  if (name !== 'refs') {
    els.panelCode.setAttribute('aria-labelledby', `tab-${name}`);
    showCode();
  }
}

export function setupTabs() {
  els.tabs.addEventListener('click', (ev) => {
    const t = ev.target.closest('[role="tab"]');
    if (t) selectTab(t.dataset.format);
  });
  els.tabs.addEventListener('keydown', (ev) => {
    const tabs = [...els.tabs.querySelectorAll('[role="tab"]')];
    const i = tabs.findIndex((t) => t.dataset.format === state.tab);
    let j = -1;
    if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = tabs.length - 1;
    if (j >= 0) { ev.preventDefault(); selectTab(tabs[j].dataset.format, true); }
  });
}
