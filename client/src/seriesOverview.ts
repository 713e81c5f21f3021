// Command klpStudio.showSeriesOverview: asks the server for the series of the active document
// (`klp/seriesOverview`) and shows it rendered in a webview panel (viewType
// klpStudio.seriesOverview): the patches in order, what each does to every function (new,
// changed, reverted by a NOP...), state versions, and the series findings. Every file named
// is a link that opens it in the editor at the line (the webview posts { type: 'open' }); no
// raw URI is ever shown. One panel, reused and re-rendered by each run of the command.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SeriesOverviewRequest, type FunctionStep, type SeriesOverview } from '../../common/src/protocol';

export const SHOW_SERIES_OVERVIEW = 'klpStudio.showSeriesOverview';
export const OVERVIEW_VIEW_TYPE = 'klpStudio.seriesOverview';

const STEP_TEXT: Record<FunctionStep, string> = {
  new: 'new',
  changed: 'changed',
  kept: 'kept',
  'reverted-by-nop': 'reverted (NOP)',
  absent: '–',
  stacked: 'stacked',
};

/** What the command returns (the e2e suite reads it): the panel's title and its HTML. */
export interface ShownOverview {
  title: string;
  html: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The overview's HTML body; pure, so that tests can read it. `rel` names a file as the user
 * sees it (workspace-relative). Links carry the URI and 0-based line in data attributes.
 */
export function renderOverviewBody(o: SeriesOverview, rel: (uri: string) => string): string {
  const link = (uri: string, text: string, line = 0) => `<a href="#" class="src" data-uri="${esc(uri)}" data-line="${line}" title="Open ${esc(rel(uri))}">${esc(text)}</a>`;
  const code = (s: string) => `<code>${esc(s)}</code>`;
  const out: string[] = [];
  out.push(`<h1>Series ${esc(o.name)}</h1>`);
  out.push(`<p>${o.source === 'klp.series' && o.uri ? `Order from ${link(o.uri, rel(o.uri))}.` : 'Order inferred from the module names (no klp.series file).'}</p>`);
  out.push('<h2>Patches</h2>', '<table><thead><tr><th>#</th><th>module</th><th>replace</th><th>source</th></tr></thead><tbody>');
  o.patches.forEach((p, i) => {
    const replace = p.replace === undefined ? '?' : p.replace ? 'yes' : '<strong>no</strong>';
    out.push(`<tr><td>${i + 1}</td><td>${code(p.name)}</td><td>${replace}</td><td>${link(p.uri, rel(p.uri))}</td></tr>`);
  });
  out.push('</tbody></table>');
  const patchHeads = o.patches.map((p) => `<th>${code(p.name)}</th>`).join('');
  if (o.functions.length) {
    out.push('<h2>Functions</h2>', `<table><thead><tr><th>object</th><th>function</th>${patchHeads}</tr></thead><tbody>`);
    for (const f of o.functions) {
      const cells = f.steps.map((s) => `<td class="step step-${esc(s)}">${esc(STEP_TEXT[s] ?? s)}</td>`).join('');
      out.push(`<tr><td>${esc(f.object)}</td><td>${code(f.function)}</td>${cells}</tr>`);
    }
    out.push('</tbody></table>');
  }
  if (o.states.length) {
    out.push('<h2>States</h2>', `<table><thead><tr><th>id</th>${patchHeads}</tr></thead><tbody>`);
    for (const s of o.states) out.push(`<tr><td>${s.id}</td>${s.versions.map((v) => `<td>${v === null ? '–' : `v${v}`}</td>`).join('')}</tr>`);
    out.push('</tbody></table>');
  }
  out.push(`<h2>Findings (${o.findings.length})</h2>`);
  if (!o.findings.length) out.push('<p>None.</p>');
  else {
    out.push('<ul class="findings">');
    for (const f of o.findings) {
      const line = f.location.range.start.line;
      out.push(`<li><span class="sev sev-${esc(f.severity)}">${esc(f.code)}</span> ${esc(f.message)} — ${link(f.location.uri, `${rel(f.location.uri)}:${line + 1}`, line)}</li>`);
    }
    out.push('</ul>');
  }
  return out.join('\n');
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 16px; line-height: 1.45; }
h1 { font-size: 1.5em; margin: 0.8em 0 0.4em; } h2 { font-size: 1.2em; margin: 1.2em 0 0.4em; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
table { border-collapse: collapse; margin: 0.3em 0; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: var(--vscode-editorWidget-background, transparent); font-weight: 600; }
code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
a.src { color: var(--vscode-textLink-foreground); text-decoration: none; cursor: pointer; }
a.src:hover { text-decoration: underline; color: var(--vscode-textLink-activeForeground); }
td.step-new { color: var(--vscode-charts-green, #3a3); } td.step-changed { color: var(--vscode-charts-blue, #38c); }
td.step-reverted-by-nop { color: var(--vscode-charts-orange, #d83); font-weight: 600; }
ul.findings { padding-left: 1.2em; } ul.findings li { margin: 0.35em 0; }
.sev { font-family: var(--vscode-editor-font-family); font-weight: 600; padding: 0 4px; border-radius: 3px; }
.sev-error { background: var(--vscode-inputValidation-errorBackground, #a334); }
.sev-warning { background: var(--vscode-inputValidation-warningBackground, #a834); }
.sev-info, .sev-information, .sev-hint { background: var(--vscode-inputValidation-infoBackground, #38a4); }`;

function page(title: string, body: string, nonce: string, cspSource: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style nonce="${nonce}">${STYLE}</style></head><body>
${body}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a.src') : null;
  if (!a) return;
  e.preventDefault();
  vscode.postMessage({ type: 'open', uri: a.dataset.uri, line: Number(a.dataset.line) || 0 });
});
</script></body></html>`;
}

export class SeriesOverviewView {
  private panel: vscode.WebviewPanel | undefined;
  /** The files the shown overview links to: the only ones its webview may ask to open. */
  private linked = new Set<string>();

  constructor(private readonly ready: () => Promise<LanguageClient>) {}

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.commands.registerCommand(SHOW_SERIES_OVERVIEW, (uri?: vscode.Uri) => this.show(uri)),
      { dispose: () => this.panel?.dispose() },
    );
  }

  /** Shows the overview of `uri`'s series (default: the active editor's). */
  async show(uri?: vscode.Uri): Promise<ShownOverview | undefined> {
    const client = await this.ready();
    const of = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    const overview = await client.sendRequest(SeriesOverviewRequest.type, { uri: of?.scheme === 'file' ? of.toString() : undefined });
    if (!overview) {
      void vscode.window.showInformationMessage('KLP Studio: no livepatch series here (no klp.series file and no livepatch modules to order).');
      return undefined;
    }
    const title = `Series ${overview.name}`;
    this.linked = new Set([...(overview.uri ? [overview.uri] : []), ...overview.patches.map((p) => p.uri), ...overview.findings.map((f) => f.location.uri)]);
    const panel = this.panel ?? this.createPanel();
    panel.title = title;
    const body = renderOverviewBody(overview, (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u)));
    const html = page(title, body, crypto.randomBytes(18).toString('base64'), panel.webview.cspSource);
    panel.webview.html = html;
    panel.reveal(vscode.ViewColumn.Beside, false);
    return { title, html };
  }

  private createPanel(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(OVERVIEW_VIEW_TYPE, 'Series', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
    panel.webview.onDidReceiveMessage(async (m: { type?: string; uri?: string; line?: number }) => {
      if (m.type !== 'open' || typeof m.uri !== 'string' || !this.linked.has(m.uri)) return;
      const line = Math.max(0, Number(m.line) || 0);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
      // The overview stays beside; the file opens in the first group, at the line.
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0), preview: false });
    });
    panel.onDidDispose(() => { this.panel = undefined; });
    this.panel = panel;
    return panel;
  }
}
