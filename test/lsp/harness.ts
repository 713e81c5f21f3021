// Drives the REAL language server (dist/server.js, or `klp-studio lsp --stdio`) over stdio
// with vscode-languageserver-protocol's JSON-RPC client, as an editor would: initialize,
// open/change documents with incremental edits, wait for published diagnostics, send
// requests. Used by every test in test/lsp.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  type Diagnostic, type PublishDiagnosticsParams, type InitializeResult, type ClientCapabilities, type Range,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '../..');
/** The built server; KLP_BENCH_SERVER names another build (A/B comparisons of two versions in one run). */
export const SERVER = process.env.KLP_BENCH_SERVER || path.join(ROOT, 'dist/server.js');
export const CLI = path.join(ROOT, 'dist/cli.js');

export function uri(p: string): string {
  return pathToFileURL(p).href;
}

/** A fresh copy of a folder in a temp dir (tests never touch the repository's files). */
export function copyTree(from: string, prefix = 'klp-lsp-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(from, dir, { recursive: true });
  return dir;
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  window: { workDoneProgress: true },
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, configuration: true, workspaceFolders: true },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, versionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    synchronization: { didSave: false },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
  },
};

export interface StartOptions {
  root: string;
  /** Run `node dist/cli.js lsp --stdio` instead of dist/server.js. */
  viaCli?: boolean;
  capabilities?: ClientCapabilities;
  /** Answer for workspace/configuration (section klpStudio). */
  settings?: unknown;
  initializationOptions?: unknown;
  /** Environment variables of the server process, over this process's. */
  env?: Record<string, string>;
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly progress: unknown[] = [];
  readonly registrations: unknown[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();
  initializeResult!: InitializeResult;

  private constructor(readonly proc: ChildProcess, readonly conn: ProtocolConnection) {}

  static async start(o: StartOptions): Promise<LspClient> {
    const args = o.viaCli ? [CLI, 'lsp', '--stdio'] : [SERVER, '--stdio'];
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: o.root, env: o.env ? { ...process.env, ...o.env } : undefined });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const c = new LspClient(proc, conn);
    proc.stderr!.on('data', (d) => (c.stderr += d));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      c.diagnostics.set(p.uri, p);
      c.wake();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      c.logs.push(p.message);
      c.wake();
    });
    conn.onNotification('$/progress', (p: unknown) => {
      c.progress.push(p);
      c.wake();
    });
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('client/registerCapability', (p: { registrations: unknown[] }) => {
      c.registrations.push(...p.registrations);
      return null;
    });
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => o.settings ?? {}));
    conn.listen();
    c.initializeResult = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(o.root),
      workspaceFolders: [{ uri: uri(o.root), name: path.basename(o.root) }],
      capabilities: o.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: o.initializationOptions,
    });
    await conn.sendNotification('initialized', {});
    return c;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when PRED holds (re-checked at every notification), or rejects after MS. */
  async until<T>(pred: () => T | undefined | false, what: string, ms = 10000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}\nlogs:\n${this.logs.join('\n')}\nstderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits for the first workspace index to finish (the server logs it). */
  indexed(ms = 15000): Promise<string> {
    return this.until(() => this.logs.find((l) => l.startsWith('indexed ')), 'the workspace index', ms);
  }

  diagnosticsOf(file: string): Diagnostic[] {
    return this.diagnostics.get(uri(file))?.diagnostics ?? [];
  }

  /** Waits for a publication for FILE that satisfies PRED. */
  waitDiagnostics(file: string, pred: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean, what = 'diagnostics', ms = 10000): Promise<Diagnostic[]> {
    return this.until(() => {
      const p = this.diagnostics.get(uri(file));
      return p && pred(p.diagnostics, p) ? p.diagnostics : undefined;
    }, `${what} for ${path.basename(file)}`, ms);
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8'), languageId = 'c'): Promise<void> {
    this.versions.set(file, 1);
    this.texts.set(file, text);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId, version: 1, text } });
  }

  text(file: string): string {
    return this.texts.get(file) ?? '';
  }

  /** Sends one incremental change (range replaced by TEXT) and tracks the document text. */
  async edit(file: string, range: Range, newText: string): Promise<number> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    const old = this.texts.get(file) ?? '';
    this.texts.set(file, applyEdit(old, range, newText));
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri(file), version },
      contentChanges: [{ range, text: newText }],
    });
    return version;
  }

  async close(file: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uri(file) } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => {
      if (this.proc.exitCode !== null) r(this.proc.exitCode);
      else this.proc.on('exit', (code) => r(code));
    });
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    const code = await exited;
    clearTimeout(t);
    this.conn.dispose();
    return code;
  }
}

/** Offsets of a text <-> LSP positions (UTF-16). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let i = 0; i < pos.line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + pos.character;
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function applyEdit(text: string, range: Range, newText: string): string {
  return text.slice(0, offsetAt(text, range.start)) + newText + text.slice(offsetAt(text, range.end));
}

/** The range of the Nth occurrence (0-based) of NEEDLE in TEXT, optionally a sub-part of it. */
export function find(text: string, needle: string, nth = 0): Range {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${nth}) not found`);
  }
  return { start: positionAt(text, at), end: positionAt(text, at + needle.length) };
}
