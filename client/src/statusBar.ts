// The status bar item naming the livepatch series (and position in it) of the active file,
// from the server's `klp/fileInfo`; clicking it runs klpStudio.showSeriesOverview. Hidden for
// files outside any livepatch module.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FileInfoRequest } from '../../common/src/protocol';
import { SHOW_SERIES_OVERVIEW } from './seriesOverview';

export class SeriesStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('klpStudio.series', vscode.StatusBarAlignment.Left, 50);
  private seq = 0;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = 'KLP Studio: livepatch series';
    this.item.command = SHOW_SERIES_OVERVIEW;
  }

  /** Refreshes for the active editor; `update` is cheap and safe to call on every editor change. */
  async update(editor = vscode.window.activeTextEditor): Promise<void> {
    const seq = ++this.seq;
    const client = this.client();
    const doc = editor?.document;
    if (!client?.isRunning() || !doc || (doc.languageId !== 'c' && doc.languageId !== 'klpsim') || doc.uri.scheme !== 'file') {
      this.item.hide();
      return;
    }
    try {
      const info = await client.sendRequest(FileInfoRequest.type, { uri: doc.uri.toString() });
      if (seq !== this.seq) return; // a newer editor change won
      if (info.series) {
        this.item.text = `$(layers) ${info.series.name} ${info.series.index + 1}/${info.series.count}`;
        this.item.tooltip = `Livepatch ${info.module?.name ?? ''}: patch ${info.series.index + 1} of ${info.series.count} in series ${info.series.name}. Click for the series overview.`;
        this.item.show();
      } else if (info.module?.isLivepatch) {
        this.item.text = `$(layers) ${info.module.name}`;
        this.item.tooltip = `Livepatch ${info.module.name} (not part of a series)`;
        this.item.show();
      } else {
        this.item.hide();
      }
    } catch {
      if (seq === this.seq) this.item.hide();
    }
  }

  private timer: NodeJS.Timeout | undefined;
  /** Debounced update, for bursts of diagnostics publications. */
  updateSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), 150);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}
