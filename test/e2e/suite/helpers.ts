// Shared helpers of the in-host suite: the extension's API, the test workspace, polling for
// what the language server publishes (it answers asynchronously, so tests wait with a bound).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KlpStudioApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'klp-studio.klp-studio';

/** The workspace folder the run opened (a fresh copy of examples/ made by scripts/e2e.mjs). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens a workspace folder');
  return folder.uri.fsPath;
}

export function wsUri(...rel: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), ...rel));
}

export async function api(): Promise<KlpStudioApi> {
  const ext = vscode.extensions.getExtension<KlpStudioApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded in the host`);
  const exports = ext.isActive ? ext.exports : await ext.activate();
  await exports.ready();
  return exports;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return String(typeof c === 'object' && c !== null ? c.value : c);
}

/** Diagnostics of a document once at least one has `code` (our server's, not some other source's). */
export function diagnosticsWith(uri: vscode.Uri, code: string, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`a ${code} diagnostic on ${path.basename(uri.fsPath)}`, () => {
    const diags = vscode.languages.getDiagnostics(uri);
    return diags.some((d) => codeOf(d) === code) ? diags : undefined;
  }, timeoutMs);
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Position of the first occurrence of `needle` in a document (plus `delta` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" occurs in ${path.basename(doc.uri.fsPath)}`);
  return doc.positionAt(at + delta);
}

/** `klp-studio simulate [FLAGS] SCENARIO` of the installed extension's CLI bundle: the transcript lines. */
export function cliSimulate(scenario: string, flags: string[] = []): string[] {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
  let out: string;
  try {
    out = execFileSync(process.execPath, [cli, 'simulate', ...flags, scenario], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // a refused load exits non-zero but still prints the transcript
  }
  return out.replace(/\n$/, '').split('\n');
}

/** The codes of a document's diagnostics from our server. */
export function codesOf(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'klp-studio').map(codeOf);
}
