// Creates the language client: spawns dist/server.js over stdio (our own spawn, so the process
// id is known for the crash policy and its tests), the document selector, and the middleware
// for `klpStudio.maxFileSizeKB` (buffers above it are not synchronised with the server). The server reads
// `klpStudio.rules.severity` itself (workspace/configuration) and registers its own file
// watchers, so neither is done here.
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, LanguageClient, type LanguageClientOptions, type Middleware } from 'vscode-languageclient/node';
import { CrashPolicy } from './crashPolicy';
import { maxFileSize, SECTION } from './settings';

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
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, onCrash: (restarting: boolean) => void): ServerHandle {
  const serverModule = context.asAbsolutePath('dist/server.js');
  let child: ChildProcess | undefined;

  // Spawned by us rather than through `TransportKind.stdio` so that the pid is ours to report.
  // ELECTRON_RUN_AS_NODE makes a desktop VS Code's Electron binary behave as Node.
  const serverOptions = async (): Promise<ChildProcess> => {
    // A 2 MB young generation (V8's default grows to 16 MB per semi-space): about 30 MB less
    // resident memory for a 50,000-line source at a small cost per edit (docs/PERFORMANCE.md).
    child = spawn(process.execPath, ['--max-semi-space-size=2', serverModule, '--stdio', `--clientProcessId=${process.pid}`], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.append(d.toString()));
    child.on('exit', (code, signal) => output.appendLine(`[server] process ${child?.pid} exited (${signal ?? code})`));
    return child;
  };

  // Documents above klpStudio.maxFileSizeKB are not synchronised: the server sees the file as
  // closed (it analyses the saved file from disk) until the buffer shrinks below the limit.
  const skipped = new Set<string>();
  let warnedSize = false;
  const sizeOf = (doc: vscode.TextDocument) => doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end); // no full-text copy per keystroke
  const overLimit = (doc: vscode.TextDocument): boolean => {
    const limit = maxFileSize(doc.uri);
    return limit > 0 && sizeOf(doc) > limit;
  };
  const noteSkipped = (doc: vscode.TextDocument) => {
    skipped.add(doc.uri.toString());
    output.appendLine(`[size] ${doc.uri.fsPath || doc.uri.toString()} is larger than klpStudio.maxFileSizeKB: its unsaved edits are not analysed`);
    if (!warnedSize) {
      warnedSize = true;
      void vscode.window.showInformationMessage(`KLP Studio: ${vscode.workspace.asRelativePath(doc.uri)} is larger than the "klpStudio.maxFileSizeKB" setting: only its saved version is analysed.`);
    }
  };
  let client!: LanguageClient;
  const textDocumentItem = (doc: vscode.TextDocument) => ({ uri: client.code2ProtocolConverter.asUri(doc.uri), languageId: doc.languageId, version: doc.version, text: doc.getText() });

  const middleware: Middleware = {
    didOpen(doc, next) {
      if (!overLimit(doc)) return next(doc);
      noteSkipped(doc);
      return Promise.resolve();
    },
    async didChange(event, next) {
      const doc = event.document;
      const key = doc.uri.toString();
      const over = overLimit(doc);
      if (skipped.has(key)) {
        if (over) return;
        skipped.delete(key); // back under the limit: the server gets the whole buffer again
        await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: textDocumentItem(doc) });
        return;
      }
      if (!over) return next(event);
      noteSkipped(doc); // grew past the limit: the server falls back to the file on disk
      await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri) } });
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
    // didChangeConfiguration carries the `klpStudio` section whenever a setting changes.
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    errorHandler: policy,
    middleware,
    initializationOptions: () => ({ settings: vscode.workspace.getConfiguration(SECTION) }),
  };

  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return {
    client,
    policy,
    serverPid: () => child?.pid,
  };
}
