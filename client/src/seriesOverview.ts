// Command klpStudio.showSeriesOverview: asks the server for the series of the active document
// (`klp/seriesOverview`) and shows it as a Markdown document (scheme `klp-overview`): the
// patches in order, what each does to every function (new, changed, reverted by a NOP...),
// state versions, and the series findings with links to where they are.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SeriesOverviewRequest, type FunctionStep, type SeriesOverview } from '../../common/src/protocol';

export const SHOW_SERIES_OVERVIEW = 'klpStudio.showSeriesOverview';
export const OVERVIEW_SCHEME = 'klp-overview';

const STEP_TEXT: Record<FunctionStep, string> = {
  new: 'new',
  changed: 'changed',
  kept: 'kept',
  'reverted-by-nop': 'reverted (NOP)',
  absent: '–',
  stacked: 'stacked',
};

/** Markdown for an overview; pure, so that it can be read back by tests. */
export function renderOverview(o: SeriesOverview): string {
  const rel = (uri: string) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines: string[] = [];
  lines.push(`# Series ${o.name}`, '');
  lines.push(o.source === 'klp.series' && o.uri ? `Order from [klp.series](${o.uri}).` : 'Order inferred (no klp.series file).', '');
  lines.push('## Patches', '', '| # | module | replace | source |', '|---|---|---|---|');
  o.patches.forEach((p, i) => {
    lines.push(`| ${i + 1} | \`${p.name}\` | ${p.replace === undefined ? '?' : p.replace ? 'yes' : '**no**'} | [${cell(rel(p.uri))}](${p.uri}) |`);
  });
  if (o.functions.length) {
    lines.push('', '## Functions', '', `| object | function | ${o.patches.map((p) => '`' + p.name + '`').join(' | ')} |`, `|---|---|${o.patches.map(() => '---').join('|')}|`);
    for (const f of o.functions) lines.push(`| ${cell(f.object)} | \`${cell(f.function)}\` | ${f.steps.map((s) => STEP_TEXT[s] ?? s).join(' | ')} |`);
  }
  if (o.states.length) {
    lines.push('', '## States', '', `| id | ${o.patches.map((p) => '`' + p.name + '`').join(' | ')} |`, `|---|${o.patches.map(() => '---').join('|')}|`);
    for (const s of o.states) lines.push(`| ${s.id} | ${s.versions.map((v) => (v === null ? '–' : `v${v}`)).join(' | ')} |`);
  }
  lines.push('', `## Findings (${o.findings.length})`, '');
  if (!o.findings.length) lines.push('None.');
  for (const f of o.findings) {
    const loc = `${rel(f.location.uri)}:${f.location.range.start.line + 1}`;
    lines.push(`- **${f.code}** (${f.severity}) ${f.message} — [${cell(loc)}](${f.location.uri}#L${f.location.range.start.line + 1})`);
  }
  return lines.join('\n') + '\n';
}

export class SeriesOverviewView implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly ready: () => Promise<LanguageClient>) {}

  register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(OVERVIEW_SCHEME, this),
      vscode.commands.registerCommand(SHOW_SERIES_OVERVIEW, (uri?: vscode.Uri) => this.show(uri)),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows the overview of `uri`'s series (default: the active editor's); returns the Markdown document. */
  async show(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const client = await this.ready();
    const of = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    const overview = await client.sendRequest(SeriesOverviewRequest.type, { uri: of?.scheme === 'file' ? of.toString() : undefined });
    if (!overview) {
      void vscode.window.showInformationMessage('KLP Studio: no livepatch series here (no klp.series file and no livepatch modules to order).');
      return undefined;
    }
    const doc = vscode.Uri.from({ scheme: OVERVIEW_SCHEME, path: `/${overview.name.replace(/[\\/:*?"<>|\s]+/g, '_')}-overview.md` });
    this.contents.set(doc.toString(), renderOverview(overview));
    this.changed.fire(doc);
    const text = await vscode.workspace.openTextDocument(doc);
    await vscode.window.showTextDocument(text, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    // The rendered preview where the built-in Markdown extension is present; the source stays open either way.
    if ((await vscode.commands.getCommands(true)).includes('markdown.showPreview')) {
      await vscode.commands.executeCommand('markdown.showPreview', doc);
    }
    return text;
  }
}
