// The transition timeline in VS Code: commands klpStudio.showTimeline ("Livepatch: Show
// Timeline"; code lenses pass { module, uri, from? }, the explorer passes a .klpsim Uri, the
// palette uses the active .klpsim or a pick) and klpStudio.exportTimeline ("Livepatch: Export
// Timeline as HTML"). One webview panel (viewType klpStudio.timeline) draws the run the
// language server's klp/simulate returns (settings klpStudio.simulate.kernel, kernelApi),
// re-runs it when sources, the scenario or those settings change,
// survives restarts through a WebviewPanelSerializer, and opens definitions on click.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { SimulateRequest, type LensCommandArgs, type SimulateTarget } from '../../../common/src/protocol';
import type { SourceRef } from '../../../core/src/sim/events';
import { timelineDocument } from '../../../core/src/timeline/document';
import type { TimelineInput } from '../../../core/src/timeline/input';
import { kernelApi, simulateKernel } from '../settings';

export const TimelineCommands = {
  show: 'klpStudio.showTimeline',
  export: 'klpStudio.exportTimeline',
} as const;

export const TIMELINE_VIEW_TYPE = 'klpStudio.timeline';

/** What the panel shows: a simulate target and its title (kept in the webview state). */
interface TimelineTarget {
  target: SimulateTarget;
  title: string;
}

/** Messages from the webview (webview/src/main.ts). */
type FromWebview = { type: 'ready' } | { type: 'open'; source: SourceRef } | { type: 'export' } | { type: string };

/** Files whose change can change a run. */
function affectsRuns(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'c' || doc.languageId === 'klpsim' || /\.(c|h|klpsim)$|(^|[\\/])(Kbuild|Makefile|klp\.series)$/.test(doc.fileName);
}

async function whenRunning(client: LanguageClient): Promise<LanguageClient> {
  if (client.isRunning()) return client;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error('the language server is not running')); }, 30000);
    const sub = client.onDidChangeState((e) => {
      if (e.newState === State.Running) { clearTimeout(timer); sub.dispose(); resolve(client); }
    });
  });
}

class TimelinePanel {
  private input: TimelineInput | undefined;
  private stale = false;
  private running: vscode.CancellationTokenSource | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private what: TimelineTarget,
    private readonly host: TimelineHost,
  ) {
    const dist = vscode.Uri.joinPath(host.context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.title = `Timeline: ${what.title}`;
    const nonce = crypto.randomBytes(18).toString('base64');
    panel.webview.html = timelineDocument({
      title: what.title,
      nonce,
      script: { src: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString() },
      cspSource: panel.webview.cspSource,
    });
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => { if (panel.visible && this.stale) void this.refresh(); }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get target(): TimelineTarget {
    return this.what;
  }

  show(what: TimelineTarget): void {
    this.what = what;
    this.panel.title = `Timeline: ${what.title}`;
    this.panel.reveal(undefined, false);
    void this.refresh();
  }

  /** Sources or the scenario changed: re-run now if visible, else when shown again. */
  changed(): void {
    if (this.panel.visible) void this.refresh();
    else this.stale = true;
  }

  async refresh(): Promise<void> {
    this.stale = false;
    this.running?.cancel();
    const cts = (this.running = new vscode.CancellationTokenSource());
    void this.panel.webview.postMessage({ type: 'busy', text: 'simulating…' });
    const input = await this.host.simulate(this.what, cts.token);
    if (cts.token.isCancellationRequested || !input) return;
    this.input = input;
    void this.panel.webview.postMessage({ type: 'data', input, context: this.what });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    if (m.type === 'ready') {
      await this.refresh();
    } else if (m.type === 'open' && 'source' in m) {
      await openSource(m.source);
    } else if (m.type === 'export') {
      await this.host.exportHtml(this.input, this.what);
    }
  }

  dispose(): void {
    this.running?.cancel();
    for (const s of this.subs.splice(0)) s.dispose();
    this.host.forget(this);
  }
}

/** Opens a definition named by a run's SourceRef (absolute path, file URI or workspace-relative). */
async function openSource(ref: SourceRef): Promise<void> {
  if (!ref || typeof ref.file !== 'string' || !ref.range) return;
  let uri: vscode.Uri | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref.file)) uri = vscode.Uri.parse(ref.file);
  else if (path.isAbsolute(ref.file)) uri = vscode.Uri.file(ref.file);
  else {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const u = vscode.Uri.joinPath(f.uri, ref.file);
      try { await vscode.workspace.fs.stat(u); uri = u; break; } catch { /* next folder */ }
    }
  }
  if (!uri) {
    void vscode.window.showWarningMessage(`KLP Studio: cannot find ${ref.file}`);
    return;
  }
  const r = ref.range;
  const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  await vscode.window.showTextDocument(uri, { selection: range, viewColumn: vscode.ViewColumn.One, preserveFocus: false });
}

class TimelineHost implements vscode.WebviewPanelSerializer {
  private panel: TimelinePanel | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(readonly context: vscode.ExtensionContext, private readonly client: LanguageClient | undefined) {}

  register(): void {
    const c = this.context;
    c.subscriptions.push(
      vscode.commands.registerCommand(TimelineCommands.show, (arg?: LensCommandArgs | vscode.Uri) => this.showCommand(arg)),
      vscode.commands.registerCommand(TimelineCommands.export, (arg?: LensCommandArgs | vscode.Uri) => this.exportCommand(arg)),
      vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, this),
      vscode.workspace.onDidSaveTextDocument((d) => { if (affectsRuns(d)) this.schedule(); }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Unsaved edits of the scenario itself are simulated too (the server reads open documents).
        if (e.contentChanges.length && e.document.languageId === 'klpsim' && this.panel?.target.target.kind === 'scenario' && this.panel.target.target.uri === e.document.uri.toString()) this.schedule();
      }),
      // The simulated kernel or API level changed: the run is another one.
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('klpStudio.simulate.kernel') || e.affectsConfiguration('klpStudio.kernelApi')) this.schedule(); }),
      { dispose: () => { if (this.debounce) clearTimeout(this.debounce); this.panel?.panel.dispose(); } },
    );
  }

  private schedule(): void {
    if (!this.panel) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.panel?.changed(), 400);
  }

  forget(p: TimelinePanel): void {
    if (this.panel === p) this.panel = undefined;
  }

  /** Restores a panel after a restart from the webview state (which holds the target). */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = state as { context?: TimelineTarget } | undefined;
    const what = saved?.context && typeof saved.context === 'object' && saved.context.target ? saved.context : undefined;
    if (!what) {
      panel.dispose();
      return;
    }
    this.panel?.panel.dispose();
    this.panel = new TimelinePanel(panel, what, this);
  }

  /** The target of a command argument, the active .klpsim editor, or a pick. */
  private async chooseTarget(arg?: LensCommandArgs | vscode.Uri): Promise<TimelineTarget | undefined> {
    if (arg instanceof vscode.Uri) return { target: { kind: 'scenario', uri: arg.toString() }, title: vscode.workspace.asRelativePath(arg) };
    if (arg && typeof arg === 'object' && typeof (arg as LensCommandArgs).module === 'string') {
      const a = arg as LensCommandArgs;
      return a.from
        ? { target: { kind: 'upgrade', module: a.module, from: a.from }, title: `upgrade ${a.from} → ${a.module}` }
        : { target: { kind: 'enable', module: a.module }, title: `enable ${a.module}` };
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active?.languageId === 'klpsim') return { target: { kind: 'scenario', uri: active.uri.toString() }, title: vscode.workspace.asRelativePath(active.uri) };
    if (this.panel) return this.panel.target;
    const files = await vscode.workspace.findFiles('**/*.klpsim', '**/node_modules/**', 200);
    if (!files.length) {
      void vscode.window.showWarningMessage('KLP Studio: no .klpsim scenario in the workspace. Open or create one to see its timeline.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })).sort((a, b) => a.label.localeCompare(b.label)),
      { title: 'Show Timeline', placeHolder: 'Choose a .klpsim scenario' },
    );
    return pick ? { target: { kind: 'scenario', uri: pick.uri.toString() }, title: pick.label } : undefined;
  }

  async showCommand(arg?: LensCommandArgs | vscode.Uri): Promise<void> {
    const what = await this.chooseTarget(arg);
    if (!what) return;
    if (this.panel) {
      this.panel.show(what);
      return;
    }
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, `Timeline: ${what.title}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist')] });
    this.panel = new TimelinePanel(panel, what, this);
  }

  async exportCommand(arg?: LensCommandArgs | vscode.Uri): Promise<void> {
    const fromPanel = !arg && this.panel ? this.panel.target : undefined;
    const what = fromPanel ?? (await this.chooseTarget(arg));
    if (!what) return;
    const input = await this.simulate(what);
    if (input) await this.exportHtml(input, what);
  }

  /** Runs klp/simulate for a target; errors become the run's `errors` (the view shows them). */
  async simulate(what: TimelineTarget, token?: vscode.CancellationToken): Promise<TimelineInput | undefined> {
    if (!this.client) {
      return { title: what.title, events: [], errors: ['The KLP Studio language server is not available.'] };
    }
    const target: SimulateTarget = what.target.kind === 'scenario'
      ? { ...what.target, text: vscode.workspace.textDocuments.find((d) => d.uri.toString() === (what.target as { uri: string }).uri)?.getText() }
      : what.target;
    try {
      const client = await whenRunning(this.client);
      const api = kernelApi(); // klpStudio.kernelApi: the same level as transcripts and diagnostics
      const r = await client.sendRequest(SimulateRequest.type, { target, debug: true, kernel: simulateKernel(target.kind === 'scenario' ? vscode.Uri.parse(target.uri) : undefined), ...(api !== 'auto' ? { kernelApi: api } : {}) }, token);
      if (!r.ok) return { title: what.title, events: [], errors: r.errors.map((e) => `${e.uri ? `${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}${e.line !== undefined ? `:${e.line}` : ''}: ` : ''}${e.message}`) };
      return { title: what.title, scenario: r.scenario, events: r.events, exitStatus: r.exitStatus };
    } catch (e) {
      if (token?.isCancellationRequested) return undefined;
      return { title: what.title, events: [], errors: [e instanceof Error ? e.message : String(e)] };
    }
  }

  /** Writes the standalone HTML file where the user says (the only file this feature writes). */
  async exportHtml(input: TimelineInput | undefined, what: TimelineTarget): Promise<void> {
    if (!input || !input.events.length) {
      void vscode.window.showWarningMessage('KLP Studio: there is no run to export yet.');
      return;
    }
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${what.title.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'timeline'}.timeline.html`;
    const dest = await vscode.window.showSaveDialog({ title: 'Export Timeline as HTML', defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined, filters: { HTML: ['html'] } });
    if (!dest) return;
    const script = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js'));
    // Paths relative to the workspace read better in a report.
    const rel = (f: string) => (path.isAbsolute(f) ? vscode.workspace.asRelativePath(vscode.Uri.file(f)) : f);
    const events = input.events.map((e) => (e.sources ? { ...e, sources: e.sources.map((s) => ({ ...s, file: rel(s.file) })) } : e));
    const html = timelineDocument({ title: input.title, nonce: crypto.randomBytes(18).toString('base64'), script: { inline: Buffer.from(script).toString('utf8') }, data: { ...input, events } });
    await vscode.workspace.fs.writeFile(dest, Buffer.from(html, 'utf8'));
    const open = await vscode.window.showInformationMessage(`KLP Studio: timeline written to ${vscode.workspace.asRelativePath(dest)}`, 'Reveal');
    if (open) await vscode.commands.executeCommand('revealFileInOS', dest);
  }
}

/** Registers the timeline commands, the panel serializer and the change watchers. */
export function registerTimeline(context: vscode.ExtensionContext, client: LanguageClient | undefined): void {
  new TimelineHost(context, client).register();
}
