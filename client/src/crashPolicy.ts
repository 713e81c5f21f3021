// The language server's crash/restart policy: when the server process dies the client restarts
// it, up to MAX_RESTARTS times in WINDOW_MS, and tells the user each time; past the limit it
// stays stopped and offers "Restart Server" (command klpStudio.restartServer) and the log.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, type ErrorHandler, type CloseHandlerResult, type ErrorHandlerResult } from 'vscode-languageclient/node';

export const MAX_RESTARTS = 3;
export const WINDOW_MS = 3 * 60 * 1000;

export class CrashPolicy implements ErrorHandler {
  private crashes: number[] = [];
  /** Total crashes seen since activation (tests and the status bar read it). */
  crashCount = 0;
  /** Set while the user (or the extension) stops the server on purpose: not a crash. */
  expectingStop = false;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly onCrash: (restarting: boolean) => void,
  ) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // A broken pipe or a bad message: a few are survivable, many mean the stream is gone.
    return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    if (this.expectingStop) return { action: CloseAction.DoNotRestart, handled: true };
    const now = Date.now();
    this.crashCount++;
    this.crashes = this.crashes.filter((t) => now - t < WINDOW_MS);
    this.crashes.push(now);
    const restarting = this.crashes.length <= MAX_RESTARTS;
    this.output.appendLine(`[crash] the language server exited unexpectedly (${this.crashes.length} in the last 3 minutes); ${restarting ? 'restarting' : 'not restarting'}`);
    this.onCrash(restarting);
    if (restarting) {
      void vscode.window.showWarningMessage(`KLP Studio: the language server stopped unexpectedly and was restarted (${this.crashes.length}/${MAX_RESTARTS} in 3 minutes).`, 'Show Log').then((pick) => {
        if (pick) this.output.show(true);
      });
      return { action: CloseAction.Restart, handled: true };
    }
    void vscode.window
      .showErrorMessage(`KLP Studio: the language server crashed ${this.crashes.length} times in 3 minutes and was not restarted. Diagnostics are off until you restart it.`, 'Restart Server', 'Show Log')
      .then((pick) => {
        if (pick === 'Restart Server') void vscode.commands.executeCommand('klpStudio.restartServer');
        else if (pick) this.output.show(true);
      });
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** A manual restart starts a fresh budget. */
  reset(): void {
    this.crashes = [];
  }
}
