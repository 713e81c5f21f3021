// Entry point of the VS Code extension (dist/client.js). Activation is cheap: it registers the
// commands and views and starts the language server (dist/server.js over stdio) without waiting
// for it; commands wait for the server when they need it. Activated by C files, .klpsim files,
// a klp.series in the workspace, or one of the commands (package.json "activationEvents").
// Owns klpStudio.restartServer; the other commands live in the feature files.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient, type ServerHandle } from './languageClient';
import { Simulator } from './simulate';
import { SeriesOverviewView } from './seriesOverview';
import { SeriesStatusBar } from './statusBar';
import { TRANSCRIPT_SCHEME, TranscriptView } from './transcriptView';
// ---- feature modules of other owners: one import each ----
import { registerTimeline } from './timeline';
import { registerVerify } from './verify';

export const RESTART_SERVER = 'klpStudio.restartServer';

/** What `activate` returns: used by the e2e suite and open to other extensions. */
export interface KlpStudioApi {
  client: LanguageClient;
  /** Resolves once the server has started (rejects if it cannot start). */
  ready(): Promise<LanguageClient>;
  serverPid(): number | undefined;
  crashCount(): number;
  simulator: Simulator;
  /** Milliseconds `activate` took (the cheap-activation budget is checked by the e2e suite). */
  activationMs: number;
}

let handle: ServerHandle | undefined;

export function activate(context: vscode.ExtensionContext): KlpStudioApi {
  const t0 = Date.now();
  const output = vscode.window.createOutputChannel('KLP Studio', { log: true });
  context.subscriptions.push(output);

  const status = new SeriesStatusBar(() => handle?.client);
  handle = createLanguageClient(context, output, () => void status.update());
  const { client } = handle;

  let starting: Promise<LanguageClient> | undefined;
  const start = (): Promise<LanguageClient> =>
    (starting = client.start().then(
      () => client,
      (err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        output.appendLine(`[start] ${msg}`);
        void vscode.window.showErrorMessage(`KLP Studio: the language server did not start: ${msg}`, 'Show Log').then((p) => p && output.show(true));
        throw err;
      },
    ));
  const ready = (): Promise<LanguageClient> => (client.isRunning() ? Promise.resolve(client) : (starting ?? start()));
  void start().then(() => status.update(), () => undefined);

  const transcripts = new TranscriptView();
  const simulator = new Simulator(ready, transcripts);
  simulator.register(context);
  new SeriesOverviewView(ready).register(context);

  context.subscriptions.push(
    transcripts,
    status,
    vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, transcripts),
    vscode.window.onDidChangeActiveTextEditor((e) => void status.update(e)),
    // A publication for the active file means an analysis finished: its series may be known now.
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) status.updateSoon();
    }),
    vscode.commands.registerCommand(RESTART_SERVER, async () => {
      const h = handle!;
      h.policy.expectingStop = true;
      try {
        if (h.client.isRunning()) await h.client.stop();
      } finally {
        h.policy.expectingStop = false;
      }
      h.policy.reset();
      await start();
      output.appendLine(`[restart] server restarted on request (pid ${h.serverPid()})`);
      void status.update();
    }),
  );

  // ---- feature modules of other owners: one call each ----
  registerTimeline(context, client);
  registerVerify(context);

  const api: KlpStudioApi = {
    client,
    ready,
    serverPid: () => handle?.serverPid(),
    crashCount: () => handle?.policy.crashCount ?? 0,
    simulator,
    activationMs: 0,
  };
  api.activationMs = Date.now() - t0;
  return api;
}

export async function deactivate(): Promise<void> {
  const h = handle;
  handle = undefined;
  if (h?.client.isRunning()) {
    h.policy.expectingStop = true;
    await h.client.stop();
  }
}
