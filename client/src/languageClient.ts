// Creates the language client: spawns dist/server.js over stdio (our own spawn, so the process
// id is known for the crash policy and its tests) and the document selector. The server reads
// its settings itself (`klpStudio.rules.severity`, `kernelApi`, `analysis.maxFileSizeKB`:
// initializationOptions, workspace/configuration, didChangeConfiguration) and registers its
// own file watchers, so neither is done here. Every open document is synchronised: a buffer
// over `klpStudio.analysis.maxFileSizeKB` is kept by the server as text, neither parsed nor
// analysed, with a KLPSIZE information diagnostic (server/src/sizeLimit.ts).
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { LanguageClient, type LanguageClientOptions } from 'vscode-languageclient/node';
import { serverNodeFlags } from '../../common/src/serverFlags';
import { CrashPolicy } from './crashPolicy';
import { SECTION } from './settings';

export const CLIENT_ID = 'klpStudio';
export const CLIENT_NAME = 'KLP Studio Language Server';

/** The documents the server analyses: C sources and headers, scenarios, series files, klp-build source patches. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'untitled', language: 'c' },
  { language: 'klpsim' },
  { scheme: 'file', language: 'klpseries' },
  { scheme: 'file', language: 'diff' },
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
    // (Node's flags for the server: a small young generation, V8 threads sized to the machine.)
    child = spawn(process.execPath, [...serverNodeFlags(), serverModule, '--stdio', `--clientProcessId=${process.pid}`], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => output.append(d.toString()));
    child.on('exit', (code, signal) => output.appendLine(`[server] process ${child?.pid} exited (${signal ?? code})`));
    return child;
  };

  const policy = new CrashPolicy(output, onCrash);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // didChangeConfiguration carries the `klpStudio` section whenever a setting changes.
    synchronize: { configurationSection: SECTION },
    outputChannel: output,
    errorHandler: policy,
    initializationOptions: () => ({ settings: vscode.workspace.getConfiguration(SECTION) }),
  };

  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return {
    client,
    policy,
    serverPid: () => child?.pid,
  };
}
