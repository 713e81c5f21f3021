// Diagnostics of the editor and of `klp-studio check --format json` as comparable lines, file
// by file (relative paths): the tests that hold the editor to the CLI compare these.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { CLI, type LspClient } from './harness';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

/** A comparable line per diagnostic: position, severity, code, message, related notes. */
function fromLsp(root: string, d: Diagnostic): string {
  const rel = (d.relatedInformation ?? []).map((r) => `${path.relative(root, new URL(r.location.uri).pathname)}:${r.location.range.start.line + 1}:${r.location.range.start.character + 1} ${r.message}`);
  return `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${SEVERITY[d.severity ?? 0]} ${d.code} ${d.message}${rel.map((r) => `\n  ${r}`).join('')}`;
}

interface JsonRow { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string; related?: { file: string; line: number; column: number; message: string }[] }

function fromCheck(r: JsonRow): string {
  const rel = (r.related ?? []).map((x) => `${x.file}:${x.line}:${x.column} ${x.message}`);
  return `${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.severity} ${r.code} ${r.message}${rel.map((x) => `\n  ${x}`).join('')}`;
}

export function checkJson(root: string): { byFile: Map<string, string[]>; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], { cwd: root, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const byFile = new Map<string, string[]>();
  for (const row of JSON.parse(r.stdout) as JsonRow[]) byFile.set(row.file, [...(byFile.get(row.file) ?? []), fromCheck(row)]);
  for (const list of byFile.values()) list.sort();
  return { byFile, status: r.status };
}

export function editorByFile(c: LspClient, root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [u, p] of c.diagnostics) {
    if (!p.diagnostics.length) continue;
    out.set(path.relative(root, new URL(u).pathname), p.diagnostics.map((d) => fromLsp(root, d)).sort());
  }
  return out;
}
