// Helpers of the C-source fuzzers: the fixture modules, mutation arbitraries (deletions,
// insertions of C tokens, random bytes, swaps) and the checks every extracted model must
// pass whatever its input (serialisable, every range inside the text).
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ModuleModel } from '../../core/src/model';
import { LineIndex } from '../../core/src/text';

export const ROOT = path.resolve(__dirname, '../..');

/** Every C fixture of the repository: the conformance modules, the examples, the LSP fixture. */
export function cFixtures(): { path: string; text: string }[] {
  const dirs = ['test/conformance/shared/modules', 'examples', 'test/lsp/fixtures/series'];
  const out: { path: string; text: string }[] = [];
  for (const d of dirs) {
    for (const f of fs.readdirSync(path.join(ROOT, d)).sort()) {
      if (/\.[ch]$/.test(f)) out.push({ path: path.join(ROOT, d, f), text: fs.readFileSync(path.join(ROOT, d, f), 'utf8') });
    }
  }
  return out;
}

/** C fragments an author types (and half-types) in a livepatch. */
export const C_TOKENS = [
  '{', '}', '(', ')', '[', ']', ';', ',', '=', '.', '&', '*', '#', '"', "'", '/*', '*/', '//', '\\', '\n', ' ',
  'static', 'struct', 'klp_func', 'klp_object', 'klp_patch', 'klp_state', '.old_name = "', '.new_func = ',
  '.funcs = ', '.objs = ', '.states = ', '.replace = true', '.callbacks = {', '.pre_patch = ', '.id = ', '.version = ',
  'klp_enable_patch(&patch)', 'klp_shadow_alloc(', 'klp_shadow_get(', 'klp_get_state(', 'module_init(', 'module_param(',
  '#define X ', '#ifdef CONFIG_X\n', '#endif\n', '#include "', '__init', 'notrace', '__printf(1, 2)', 'return ', 'NULL',
  '0x10', '-1', 'int', 'void', '...', '/* unterminated', '"unterminated', 'ü', '日本', '😀', '\u0000', '\r\n', '\t',
];

export type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; len: number; text: string }
  | { kind: 'duplicate'; at: number; len: number; to: number };

/** Inserted text: C tokens, arbitrary unicode, or raw bytes read as latin-1. */
export const insertion: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...C_TOKENS), { minLength: 1, maxLength: 8 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** One mutation; positions are fractions of the text length, resolved by applyMutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertion }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }), text: insertion }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 300 }), to: fc.nat() }),
);

export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  const at = n ? m.at % (n + 1) : 0;
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(Math.min(n, at + m.len));
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(Math.min(n, at + m.len));
    case 'duplicate': {
      const piece = text.slice(at, at + m.len);
      const to = n ? m.to % (n + 1) : 0;
      return text.slice(0, to) + piece + text.slice(to);
    }
  }
}

/** Whether X looks like a Range ({start:{line,character}, end:{...}}). */
function isRange(x: unknown): x is { start: { line: number; character: number }; end: { line: number; character: number } } {
  const r = x as { start?: { line?: unknown }; end?: { line?: unknown } } | null;
  return !!r && typeof r === 'object' && typeof r.start?.line === 'number' && typeof r.end?.line === 'number';
}

/**
 * Problems with a model extracted from TEXTS (path -> text): it must survive JSON, and
 * every range must be ordered and inside the file it belongs to. Returns messages.
 */
export function modelProblems(model: ModuleModel, texts: Map<string, string>): string[] {
  const problems: string[] = [];
  try {
    JSON.stringify(model);
  } catch (e) {
    problems.push(`not serialisable: ${String(e)}`);
  }
  const lines = new Map<string, string[]>();
  for (const [p, t] of texts) lines.set(p, t.split('\n'));
  const walk = (x: unknown, file: string | undefined, where: string, depth: number): void => {
    if (!x || typeof x !== 'object' || depth > 40) return;
    const f = typeof (x as { file?: unknown }).file === 'string' ? (x as { file: string }).file : file;
    if (isRange(x) && f && lines.has(f)) {
      const ls = lines.get(f)!;
      const { start, end } = x;
      const ok = (p: { line: number; character: number }) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < ls.length && p.character >= 0 && p.character <= ls[p.line].length;
      if (!ok(start) || !ok(end)) problems.push(`${where}: range ${JSON.stringify(x)} outside ${path.basename(f)} (${ls.length} lines)`);
      else if (start.line > end.line || (start.line === end.line && start.character > end.character)) problems.push(`${where}: range ${JSON.stringify(x)} ends before it starts`);
      return;
    }
    for (const [k, v] of Object.entries(x)) walk(v, f, `${where}.${k}`, depth + 1);
  };
  walk(model, undefined, 'model', 0);
  return problems.slice(0, 5);
}

/** The one LSP-style change (range + text) that turns A into B (common prefix and suffix kept). */
export function singleChange(a: string, b: string): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const lines = new LineIndex(a);
  return { range: { start: lines.positionAt(p), end: lines.positionAt(a.length - s) }, text: b.slice(p, b.length - s) };
}
