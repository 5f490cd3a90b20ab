// Writing to the clipboard: formatted and plain text where the browser can.

import { toast } from './toast.js';

/**
 * Puts text (and HTML, for formatted references) on the clipboard. `later`, a
 * promise of {text} or {blob}, lets the clipboard write start within the click
 * (the user gesture) while the worker still produces the data.
 */
export async function writeClipboard({ text, html, blob, later }) {
  try {
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      const data = {};
      if (html) data['text/html'] = new Blob([html], { type: 'text/html' });
      data['text/plain'] = later
        ? later.then((v) => (v.blob ? new Blob([v.blob], { type: 'text/plain' }) : new Blob([v.text], { type: 'text/plain' })))
        : blob || new Blob([text], { type: 'text/plain' });
      await navigator.clipboard.write([new ClipboardItem(data)]);
    } else {
      const v = later ? await later : { text, blob };
      await navigator.clipboard.writeText(v.text ?? await v.blob.text());
    }
    toast(html ? 'Copied (formatted and plain text)' : 'Copied');
  } catch (e) {
    toast(`Could not copy: ${e.message}`);
  }
}
