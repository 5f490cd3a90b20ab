// citris page: UI only. The wasm core lives in worker.js. This is the entry:
// it starts the engine and wires the controls to the modules that do the work.

import { el, els } from './dom.js';
import { appendSafeHtml } from './safe-html.js';
import { engine } from './engine.js';
import { state, marks } from './state.js';
import { toast } from './toast.js';
import { showMore } from './references-view.js';
import { forgetFiles } from './file-list.js';
import { selectTab, setupTabs } from './tabs.js';
import { copy, download } from './copy-download.js';
import { BIG_BYTES, startBig, refreshBig } from './big-files.js';
import { TYPE_DELAY, scheduleRender, showResult, leaveBig } from './text-mode.js';
import { warmSearch } from './style-index.js';
import { picker, writeUrl, readUrl, restyle } from './style-choice.js';
import { loadCsl } from './custom-style.js';
import { setupFiles } from './files.js';
import { registerServiceWorker } from './offline.js';

// The citation this project started from, as pasted from a web page (one line).
const SEED = "TY - JOUR TI - Combination therapy with CAR T cells and oncolytic viruses: a new era in cancer immunotherapy AU - Rezaei, Ramazan AU - Esmaeili Gouvarchin Ghaleh, Hadi AU - Farzanehpour, Mahdieh AU - Dorostkar, Ruhollah AU - Ranjbar, Reza AU - Bolandian, Masoumeh AU - Mirzaei Nodooshan, Majid AU - Ghorbani Alvanegh, Akbar T2 - Cancer Gene Therapy AB - Chimeric antigen receptor (CAR) T-cell therapy is an encouraging and fast-growing platform used for the treatment of various types of tumors in human body. Despite the recent success of CAR T-cell therapy in hematologic malignancies, especially in B-cell lymphoma and acute lymphoblastic leukemia, the application of this treatment approach in solid tumors faced several obstacles resulted from the heterogeneous expression of antigens as well as the induction of immunosuppressive tumor microenvironment. Oncolytic virotherapy (OV) is a new cancer treatment modality by the use of competent or genetically engineered viruses to replicate in tumor cells selectively. OVs represent potential candidates to synergize the current setbacks of CAR T-cell application in solid tumors and then and overcome them. As well, the application of OVs gives researches the ability to engineer the virus with payloads in the way that it selectively deliver a specific therapeutic agents in tumor milieu to reinforce the cytotoxic activity of CAR T cells. Herein, we made a comprehensive review on the outcomes resulted from the combination of CAR T-cell immunotherapy and oncolytic virotherapy for the treatment of solid cancers. In the current study, we also provided brief details on some challenges that remained in this field and attempted to shed a little light on the future perspectives. DA - 2021/06/22/ PY - 2021 DO - 10.1038/s41417-021-00359-9 DP - www.nature.com SP - 1 EP - 14 J2 - Cancer Gene Ther LA - en SN - 1476-5500 ST - Combination therapy with CAR T cells and oncolytic viruses UR - https://www.nature.com/articles/s41417-021-00359-9 Y2 - 2021/06/22/16:18:59 ER -";

async function initEngine(reason = '') {
  try {
    const info = await engine.call('init');
    state.builtIn = info.styles || [];
    state.formats = {};
    for (const f of info.formats || []) state.formats[f.name] = f;
    els.engine.textContent = 'Ready: converting locally';
    els.engine.className = 'engine ready';
    // After a timeout the same input would time out again: wait for the next edit.
    if (state.mode === 'text' && reason !== 'timeout' && reason !== 'fatal') scheduleRender(0);
  } catch (e) {
    if (e.cancelled) return;
    els.engine.textContent = `The converter could not start: ${e.message}`;
    els.engine.className = 'engine failed';
  }
}

// A new worker (after Cancel, a timeout or a crash) starts afresh.
engine.onCrash = (reason) => initEngine(reason);

function cancelBig() {
  engine.restart(); // ends the worker at once, wherever it is
  const name = state.big ? state.big.files.map((f) => f.name).join(', ') : '';
  leaveBig();
  toast(`Cancelled${name ? `: ${name}` : ''}`);
  els.input.focus();
}

els.input.addEventListener('input', () => {
  if (els.input.value.length > BIG_BYTES) {
    // A huge paste is converted like a big file: streamed, with a preview.
    const file = new File([els.input.value], 'pasted text', { type: 'text/plain' });
    els.input.value = '';
    startBig([file]);
    return;
  }
  if (!marks.input) marks.input = performance.now();
  state.seq++; // answers for older text are stale from now on
  if (state.files.length) forgetFiles();
  scheduleRender(els.input.dataset.pasted ? 0 : TYPE_DELAY);
  delete els.input.dataset.pasted;
});
els.input.addEventListener('paste', () => { els.input.dataset.pasted = '1'; marks.input = performance.now(); });

setupFiles();
els.cslfile.addEventListener('change', () => { const f = els.cslfile.files[0]; els.cslfile.value = ''; if (f) loadCsl(f); });

els.locale.addEventListener('change', () => { writeUrl(); restyle(); });
// Keys and LaTeX accents change the conversions, not the references.
const reconvert = () => { state.outputs = {}; if (state.mode === 'big') { refreshBig(); } else scheduleRender(0); };
els.keys.addEventListener('change', reconvert);
els.latex.addEventListener('change', reconvert);

setupTabs();

els.more.addEventListener('click', showMore);
els.copy.addEventListener('click', copy);
els.download.addEventListener('click', download);
els.cancel.addEventListener('click', cancelBig);
els.bigClose.addEventListener('click', () => { leaveBig(); els.input.focus(); });
els.example.addEventListener('click', () => {
  leaveBig();
  els.input.value = SEED;
  forgetFiles();
  marks.input = performance.now();
  state.seq++;
  scheduleRender(0);
});
els.clear.addEventListener('click', () => {
  leaveBig();
  els.input.value = '';
  forgetFiles();
  state.seq++;
  showResult(null);
  els.input.focus();
});

document.querySelector('.skip').addEventListener('click', (ev) => { ev.preventDefault(); els.input.focus(); });

picker.set(state.style);
els.style.addEventListener('focus', warmSearch);
selectTab('refs');
showResult(null);
initEngine();
readUrl();
// The style index (for the picker and the language list) loads after the first
// formatted references, or when the picker is used, or when the page is idle:
// it is not needed for the first references.
setTimeout(warmSearch, 4000);

// The first layout of reference text (serif, italics, non-Latin letters, code) makes the
// browser look up fonts, which can block the page for a few hundred milliseconds on a
// busy machine. Do it once after the first paint, not in the middle of a conversion.
function warmFonts() {
  const probe = el('div', { class: 'ref-text font-warmup', 'aria-hidden': 'true' });
  appendSafeHtml(probe, 'Müller, J., Øster, Å., &amp; Ayşe, Ž. (2021). Über <i>Zeitschrift für Ärzte</i>, <b>1</b>–14. <span style="font-variant:small-caps">Łódź</span> <a href="https://example.org/">https://doi.org/10.1/x</a>');
  probe.append(el('code', { text: '@article{müller2021, title = {Ærø}}' }));
  els.panelRefs.append(probe);
  void probe.offsetHeight; // lay it out now
  probe.remove();
}
requestAnimationFrame(() => setTimeout(warmFonts, 0)); // right after the first paint

// The service worker (offline use) installs after the first formatted references
// (text-mode.js), or after a few seconds: see offline.js.
setTimeout(registerServiceWorker, 5000);
