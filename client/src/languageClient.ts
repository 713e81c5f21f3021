// Creates the language client: spawns dist/server.js over stdio (our own spawn, so the process
// id is known for the crash policy and its tests), the document selector, file watching, and
// the middleware that applies the settings `klpStudio.rules.severity` (per-rule severity or
// off) and `klpStudio.maxFileSizeKB` (files above it are not sent to the server).
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { LanguageClient, type LanguageClientOptions, type Middleware } from 'vscode-languageclient/node';
import { CrashPolicy } from './crashPolicy';
import { applySeverityOverrides, maxFileSize, severityOverrides, SECTION } from './settings';

export const CLIENT_ID = 'klpStudio';
export const CLIENT_NAME = 'KLP Studio Language Server';

/** The documents the server analyses: C sources and headers, scenarios, series files. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'untitled', language: 'c' },
  { language: 'klpsim' },
  { scheme: 'file', language: 'klpseries' },
];

export interface ServerHandle {
  client: LanguageClient;
  policy: CrashPolicy;
  /** Pid of the running server process (undefined before the first start). */
  serverPid(): number | undefined;
  /** Re-applies `klpStudio.rules.severity` to the diagnostics already shown. */
  reapplySeverities(): void;
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, onCrash: (restarting: boolean) => void): ServerHandle {
  const serverModule = context.asAbsolutePath('dist/server.js');
  let child: ChildProcess | undefined;

  // Spawned by us rather than through `TransportKind.stdio` so that the pid is ours to report.
  // ELECTRON_RUN_AS_NODE makes a desktop VS Code's Electron binary behave as Node.
  const serverOptions = async (): Promise<ChildProcess> => {
    child = spawn(process.execPath, [serverModule, '--stdio', `--clientProcessId=${process.pid}`], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.append(d.toString()));
    child.on('exit', (code, signal) => output.appendLine(`[server] process ${child?.pid} exited (${signal ?? code})`));
    return child;
  };

  // Raw severities from the server, so that a settings change can be re-applied without a round trip.
  const rawSeverity = new WeakMap<vscode.Diagnostic, vscode.DiagnosticSeverity>();
  const rawByUri = new Map<string, vscode.Diagnostic[]>();
  const remember = (uri: vscode.Uri, diags: vscode.Diagnostic[]) => {
    for (const d of diags) if (!rawSeverity.has(d)) rawSeverity.set(d, d.severity);
    if (diags.length) rawByUri.set(uri.toString(), diags);
    else rawByUri.delete(uri.toString());
  };

  const skipped = new Set<string>();
  let warnedSize = false;
  const tooLarge = (doc: vscode.TextDocument): boolean => {
    const limit = maxFileSize(doc.uri);
    if (!limit || doc.getText().length <= limit) return false;
    skipped.add(doc.uri.toString());
    output.appendLine(`[size] ${doc.uri.fsPath || doc.uri.toString()} is larger than klpStudio.maxFileSizeKB: not analysed`);
    if (!warnedSize) {
      warnedSize = true;
      void vscode.window.showInformationMessage(`KLP Studio: ${vscode.workspace.asRelativePath(doc.uri)} is larger than the "klpStudio.maxFileSizeKB" setting and is not analysed.`);
    }
    return true;
  };

  const middleware: Middleware = {
    handleDiagnostics(uri, diagnostics, next) {
      remember(uri, diagnostics);
      next(uri, applySeverityOverrides(diagnostics, severityOverrides(uri)));
    },
    async provideDiagnostics(document, previousResultId, token, next) {
      const report = await next(document, previousResultId, token);
      if (report && report.kind === 'full') {
        const uri = document instanceof vscode.Uri ? document : document.uri;
        report.items = applySeverityOverrides(report.items, severityOverrides(uri));
      }
      return report;
    },
    didOpen(doc, next) {
      return tooLarge(doc) ? Promise.resolve() : next(doc);
    },
    didChange(event, next) {
      return skipped.has(event.document.uri.toString()) ? Promise.resolve() : next(event);
    },
    didSave(doc, next) {
      return skipped.has(doc.uri.toString()) ? Promise.resolve() : next(doc);
    },
    didClose(doc, next) {
      if (skipped.delete(doc.uri.toString())) return Promise.resolve();
      return next(doc);
    },
  };

  const policy = new CrashPolicy(output, onCrash);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      configurationSection: SECTION,
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.c,*.h,Kbuild,Makefile,klp.series,*.klpsim}'),
    },
    outputChannel: output,
    errorHandler: policy,
    middleware,
    initializationOptions: { client: 'vscode', maxFileSize: maxFileSize() },
  };

  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return {
    client,
    policy,
    serverPid: () => child?.pid,
    reapplySeverities() {
      for (const [key, diags] of rawByUri) {
        const uri = vscode.Uri.parse(key);
        for (const d of diags) d.severity = rawSeverity.get(d) ?? d.severity;
        client.diagnostics?.set(uri, applySeverityOverrides(diags, severityOverrides(uri)));
      }
    },
  };
}
