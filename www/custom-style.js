// A .csl file of the user's, checked by the worker before it is used.

import { els } from './dom.js';
import { engine } from './engine.js';
import { state, options } from './state.js';
import { toast } from './toast.js';
import { STYLE_TIMEOUT, picker, writeUrl, showStyleError, restyle } from './style-choice.js';

export async function loadCsl(file) {
  els.styleError.hidden = true;
  if (file.size > 4 * 1024 * 1024) { showStyleError(`${file.name} is too large to be a CSL style.`); return; }
  const xml = await file.text();
  try {
    await engine.call('checkStyle', { opts: { ...options(), styleXml: xml } }, null, STYLE_TIMEOUT);
  } catch (e) {
    if (!e.cancelled) showStyleError(`${file.name} cannot be used: ${e.message}`);
    return;
  }
  state.custom = { xml, name: file.name.replace(/\.(csl|xml)$/i, '') };
  state.style = { id: 'custom', title: `Custom: ${state.custom.name}`, format: '', parent: '' };
  picker.set(state.style);
  writeUrl();
  toast(`Using the style ${file.name}`);
  restyle();
}
