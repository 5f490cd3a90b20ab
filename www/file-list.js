// The list of files under the drop zone.

import { el, els } from './dom.js';
import { plural } from './counts.js';
import { state } from './state.js';

export function renderFileList() {
  els.filelist.replaceChildren(...state.files.map((f) => {
    const bits = [f.name];
    if (f.bad) bits.push('not RIS');
    else {
      bits.push(plural(f.count, 'reference'));
      if (f.encoding && !/^utf-8$/i.test(f.encoding)) bits.push(f.encoding);
    }
    return el('li', { class: f.bad ? 'bad' : '', text: bits.join(' · ') });
  }));
}

/** The text box no longer holds the dropped files' text. */
export function forgetFiles() {
  state.files = [];
  state.fileNotes = [];
  renderFileList();
}
