// Entry of the timeline renderer (bundled to dist/webview.js). Two hosts:
// - VS Code webview: the run arrives by postMessage from client/src/timeline/panel.ts; the
//   view state is kept with the webview state API (survives hiding and restarts); clicks on
//   definitions are posted back as `open` messages.
// - Exported HTML file: the run is embedded as JSON in <script type="application/json"
//   id="klp-timeline-data">; the current step is kept in the URL fragment (#step=N).
import type { SourceRef } from '../../core/src/sim/events';
import type { TimelineInput } from '../../core/src/timeline/input';
import { TimelineView, ViewState } from './render';

/** Messages the webview posts to the extension. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'open'; source: SourceRef }
  | { type: 'export' }
  | { type: 'state'; state: ViewState };

/** Messages the extension posts to the webview. */
export type HostToWebview =
  /** `context` is kept in the webview state for the extension (what to re-run after a restart). */
  | { type: 'data'; input: TimelineInput; context?: unknown }
  | { type: 'busy'; text: string };

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface Saved {
  input?: TimelineInput;
  view?: ViewState;
  context?: unknown;
}

function start(): void {
  const root = document.getElementById('klp-timeline');
  if (!root) return;
  const embedded = document.getElementById('klp-timeline-data');
  if (embedded) {
    startExport(root, embedded.textContent ?? '{}');
  } else if (typeof acquireVsCodeApi === 'function') {
    startWebview(root, acquireVsCodeApi());
  }
}

function startExport(root: HTMLElement, json: string): void {
  let input: TimelineInput;
  try {
    input = JSON.parse(json) as TimelineInput;
  } catch {
    input = { title: 'timeline', events: [], errors: ['the embedded run could not be read'] };
  }
  const status = document.createElement('div');
  status.className = 'tl-status';
  status.setAttribute('role', 'status');
  const view = new TimelineView(root, {
    mode: 'export',
    openSource(ref) {
      status.textContent = `${ref.role} is defined at ${ref.file}:${ref.range.start.line + 1}:${ref.range.start.character + 1}`;
      status.classList.add('show');
      window.setTimeout(() => status.classList.remove('show'), 4000);
    },
    saveState(s) {
      const hash = `#step=${s.slot + 1}`;
      if (location.hash !== hash) history.replaceState(null, '', hash);
    },
  });
  root.appendChild(status);
  const m = /step=(\d+)/.exec(location.hash);
  view.setInput(input, m ? { slot: Number(m[1]) - 1 } : undefined);
  (window as unknown as { klpTimeline: TimelineView }).klpTimeline = view;
}

function startWebview(root: HTMLElement, vscode: VsCodeApi): void {
  const saved = (vscode.getState() ?? {}) as Saved;
  let current: TimelineInput | undefined = saved.input;
  let context: unknown = saved.context;
  const view = new TimelineView(root, {
    mode: 'vscode',
    openSource(ref) { vscode.postMessage({ type: 'open', source: ref }); },
    saveState(s) { vscode.setState({ input: current, view: s, context } satisfies Saved); },
    exportHtml() { vscode.postMessage({ type: 'export' }); },
  });
  const busy = document.createElement('div');
  busy.className = 'tl-busy';
  busy.setAttribute('role', 'status');
  root.appendChild(busy);
  if (current) view.setInput(current, saved.view);
  window.addEventListener('message', (ev: MessageEvent) => {
    const msg = ev.data as HostToWebview;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'data') {
      const keep = current ? view.viewState() : saved.view;
      current = msg.input;
      if (msg.context !== undefined) context = msg.context;
      busy.textContent = '';
      busy.classList.remove('show');
      view.setInput(msg.input, keep);
    } else if (msg.type === 'busy') {
      busy.textContent = msg.text;
      busy.classList.toggle('show', Boolean(msg.text));
    }
  });
  vscode.postMessage({ type: 'ready' });
  (window as unknown as { klpTimeline: TimelineView }).klpTimeline = view;
}

start();
