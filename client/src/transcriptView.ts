// Shows simulation results: a read-only virtual document per run title (scheme `klp-transcript`,
// language `klpsim-transcript`, highlighted by syntaxes/klpsim-transcript.tmLanguage.json) and
// a copy in the "KLP Studio Simulator" output channel. Re-running the same title updates the
// same document instead of piling up tabs, and transcripts share one editor column.
import * as vscode from 'vscode';

export const TRANSCRIPT_SCHEME = 'klp-transcript';

export class TranscriptView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly channel = vscode.window.createOutputChannel('KLP Studio Simulator');

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Publishes a transcript under `title` and opens it beside the active editor. */
  async show(title: string, header: string[], transcript: string[]): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: '/' + title.replace(/[\\/:*?"<>|\s]+/g, '_') + '.transcript' });
    const text = [...header.map((h) => `## ${h}`), ...transcript].join('\n') + '\n';
    this.contents.set(uri.toString(), text);
    // An open document of an earlier run reloads asynchronously after the event: wait for it
    // (bounded), so that the document returned is this run's.
    const updated = new Promise<void>((resolve) => {
      const done = () => {
        sub.dispose();
        clearTimeout(timer);
        resolve();
      };
      const sub = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.toString() === uri.toString() && e.document.getText() === text) done(); });
      const timer = setTimeout(done, 2000);
    });
    this.changed.fire(uri);
    this.channel.appendLine(`===== ${title} =====`);
    for (const line of transcript) this.channel.appendLine(line);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.getText() !== text) await updated;
    if (doc.languageId !== 'klpsim-transcript') await vscode.languages.setTextDocumentLanguage(doc, 'klpsim-transcript');
    // Reuse the column of a transcript already on screen rather than opening one more column per run.
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === TRANSCRIPT_SCHEME)?.viewColumn ?? vscode.ViewColumn.Beside;
    return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false, preserveFocus: false });
  }

  dispose(): void {
    this.changed.dispose();
    this.channel.dispose();
  }
}
