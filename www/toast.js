// The short message under the buttons ("Copied", "Style: …"), cleared after a while.

import { els } from './dom.js';

let toastTimer = 0;
export function toast(msg) {
  els.toast.textContent = msg;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.textContent = ''; }, 3500);
}
