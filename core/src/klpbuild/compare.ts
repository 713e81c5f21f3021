// Before/after comparison of one patched C file: the functions (definitions read by the C
// parser, core/src/extract), struct/union definitions and global variables of the original
// and of the patched text, and which of them the patch changes, adds or removes, each
// placed on a line of the `.patch` file. Also the hunk-only reading used when there is no
// kernel tree (approximate: hunk headers are diff's guess and a hunk that starts at a
// function's first line names no function). Pure; needs initParser().
import type { CFunction, ModuleModel, Range } from '../model';
import { extractModule } from '../extract';
import { fingerprintText } from '../series/summary';
import { LineIndex } from '../text';
import type { AppliedFile } from './apply';
import type { FileDiff, Hunk } from './diff';

export type ChangeStatus = 'changed' | 'new' | 'removed';

export interface FunctionChange {
  name: string;
  status: ChangeStatus;
  /** 0-based patch line of the first changed line in (or of) the function. */
  patchLine: number;
  /** Every patch line that changes the function. */
  patchLines: number[];
  /** The function in the patched text (absent when removed) and in the original (absent when new). */
  after?: CFunction;
  before?: CFunction;
  /** Fingerprint of the patched definition (comments and white space dropped). */
  fingerprint?: string;
  /** Read from the hunks only (no original file): the extent of the function is a guess. */
  approximate?: boolean;
}

export interface TypeChange {
  kind: 'struct' | 'union';
  name: string;
  status: ChangeStatus;
  patchLine: number;
}

export interface GlobalChange {
  name: string;
  status: ChangeStatus;
  patchLine: number;
  isStatic: boolean;
}

export interface FileComparison {
  functions: FunctionChange[];
  types: TypeChange[];
  globals: GlobalChange[];
  /** Changed lines outside any function, type or global (macros, includes, comments...), by patch line. */
  otherLines: number[];
  beforeModel?: ModuleModel;
  afterModel?: ModuleModel;
  beforeText?: string;
  afterText?: string;
}

function textOf(li: LineIndex, r: Range): string {
  return li.text.slice(li.offsetAt(r.start), li.offsetAt(r.end));
}

/** Struct/union definitions written the kernel way: `struct NAME {` ... `};` at column 0. */
export function typeDefinitions(text: string): Map<string, { kind: 'struct' | 'union'; start: number; end: number; body: string }> {
  const out = new Map<string, { kind: 'struct' | 'union'; start: number; end: number; body: string }>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:typedef\s+)?(struct|union)\s+(\w+)\s*\{/.exec(lines[i]);
    if (!m) continue;
    let j = i;
    while (j < lines.length && !/^\}/.test(lines[j])) j++;
    if (j >= lines.length) continue;
    out.set(`${m[1]} ${m[2]}`, { kind: m[1] as 'struct' | 'union', start: i, end: j, body: fingerprintText(lines.slice(i, j + 1).join('\n')) });
    i = j;
  }
  return out;
}

function modelOf(path: string, text: string | undefined): ModuleModel | undefined {
  return text === undefined ? undefined : extractModule('patched', [{ path, text }]);
}

/** Compares the original and patched texts of one file. */
export function compareFile(path: string, original: string | undefined, applied: AppliedFile): FileComparison {
  const beforeModel = modelOf(path, original);
  const afterModel = modelOf(path, applied.after);
  const bli = original !== undefined ? new LineIndex(original) : undefined;
  const ali = applied.after !== undefined ? new LineIndex(applied.after) : undefined;
  const changedAfter = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let l = from; l <= to && l < applied.added.length; l++) if (applied.added[l]) out.push(applied.afterToPatch[l]);
    return out;
  };
  const removedBefore = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let l = from; l <= to; l++) { const p = applied.removed.get(l); if (p !== undefined) out.push(p); }
    return out;
  };
  const claimed = new Set<number>();
  const claim = (lines: number[]) => { for (const l of lines) claimed.add(l); return lines; };

  const functions: FunctionChange[] = [];
  const defs = (m: ModuleModel | undefined) => new Map(Object.values(m?.functions ?? {}).filter((f) => !f.isPrototype && f.bodyRange).map((f) => [f.name, f]));
  const bf = defs(beforeModel);
  const af = defs(afterModel);
  for (const [name, a] of af) {
    const b = bf.get(name);
    const fp = fingerprintText(textOf(ali!, a.range));
    const lines = claim([...changedAfter(a.range.start.line, a.range.end.line), ...(b ? removedBefore(b.range.start.line, b.range.end.line) : [])].sort((x, y) => x - y));
    if (!b) { functions.push({ name, status: 'new', patchLine: lines[0] ?? -1, patchLines: lines, after: a, fingerprint: fp }); continue; }
    if (fingerprintText(textOf(bli!, b.range)) === fp) continue;
    functions.push({ name, status: 'changed', patchLine: lines[0] ?? -1, patchLines: lines, after: a, before: b, fingerprint: fp });
  }
  for (const [name, b] of bf) {
    if (af.has(name)) continue;
    const lines = claim(removedBefore(b.range.start.line, b.range.end.line));
    functions.push({ name, status: 'removed', patchLine: lines[0] ?? -1, patchLines: lines, before: b });
  }

  const types: TypeChange[] = [];
  const bt = original !== undefined ? typeDefinitions(original) : new Map();
  const at = applied.after !== undefined ? typeDefinitions(applied.after) : new Map();
  for (const [key, a] of at) {
    const b = bt.get(key);
    if (b && b.body === a.body) continue;
    const lines = claim([...changedAfter(a.start, a.end), ...(b ? removedBefore(b.start, b.end) : [])].sort((x, y) => x - y));
    types.push({ kind: a.kind, name: key.split(' ')[1], status: b ? 'changed' : 'new', patchLine: lines[0] ?? -1 });
  }
  for (const [key, b] of bt) {
    if (at.has(key)) continue;
    const lines = claim(removedBefore(b.start, b.end));
    types.push({ kind: b.kind, name: key.split(' ')[1], status: 'removed', patchLine: lines[0] ?? -1 });
  }

  const globals: GlobalChange[] = [];
  const bg = beforeModel?.globals ?? {};
  const ag = afterModel?.globals ?? {};
  for (const [name, a] of Object.entries(ag)) {
    const b = bg[name];
    if (b && fingerprintText(textOf(bli!, b.range)) === fingerprintText(textOf(ali!, a.range))) continue;
    const lines = claim([...changedAfter(a.range.start.line, a.range.end.line), ...(b ? removedBefore(b.range.start.line, b.range.end.line) : [])].sort((x, y) => x - y));
    if (!lines.length) continue;
    globals.push({ name, status: b ? 'changed' : 'new', patchLine: lines[0], isStatic: a.isStatic });
  }
  for (const [name, b] of Object.entries(bg)) {
    if (ag[name]) continue;
    const lines = claim(removedBefore(b.range.start.line, b.range.end.line));
    if (lines.length) globals.push({ name, status: 'removed', patchLine: lines[0], isStatic: b.isStatic });
  }

  const otherLines: number[] = [];
  for (let l = 0; l < applied.added.length; l++) if (applied.added[l] && !claimed.has(applied.afterToPatch[l])) otherLines.push(applied.afterToPatch[l]);
  for (const p of applied.removed.values()) if (!claimed.has(p)) otherLines.push(p);
  otherLines.sort((x, y) => x - y);
  return { functions, types, globals, otherLines, beforeModel, afterModel, beforeText: original, afterText: applied.after };
}

/** A line that starts a function definition at column 0 (kernel style), with the name. */
const DEF_START = /^(?!(?:if|for|while|switch|return|else|do|case|typedef|struct|union|enum)\b)[A-Za-z_][\w\s*,]*?\b([A-Za-z_]\w*)\s*\([^;]*$/;

/**
 * Without the original file: the functions a file's hunks change, read from the hunks only.
 * A changed line belongs to the nearest function start above it inside the hunk, else to the
 * function the hunk header names (diff -p's guess); lines with neither are left unnamed.
 */
export function compareHunksOnly(file: FileDiff): FileComparison {
  const byName = new Map<string, FunctionChange>();
  const otherLines: number[] = [];
  for (const h of file.hunks) {
    let current = sectionFunction(h);
    let currentIsNew = false;
    for (const l of h.lines) {
      const m = l.text.length && !/^\s/.test(l.text) ? DEF_START.exec(l.text) : null;
      if (m && l.kind !== '-') { current = m[1]; currentIsNew = l.kind === '+'; }
      // A context `}` at column 0 ends the function (kernel style); later changes are outside it.
      if (l.kind === ' ') { if (/^\}/.test(l.text)) current = undefined; continue; }
      if (!current) { otherLines.push(l.patchLine); continue; }
      let f = byName.get(current);
      if (!f) byName.set(current, (f = { name: current, status: currentIsNew ? 'new' : 'changed', patchLine: l.patchLine, patchLines: [], approximate: true }));
      f.patchLines.push(l.patchLine);
      if (/^\}/.test(l.text) && l.kind !== '-') { current = undefined; currentIsNew = false; }
    }
  }
  return { functions: [...byName.values()], types: [], globals: [], otherLines };
}

/** The function diff -p named in the hunk header, when the header looks like one. */
export function sectionFunction(h: Hunk): string | undefined {
  const m = DEF_START.exec(h.section);
  return m ? m[1] : undefined;
}
