// A klp-build source patch read as a livepatch: the diff parsed, applied in memory to the
// files of the kernel tree it touches, the functions before and after compared with the C
// parser, each function given its object (vmlinux or a module, from the Kbuild Makefiles),
// callbacks (KLP_*_CALLBACK) and shadow-variable calls of the patched code collected.
// Without a kernel tree, the hunks alone are read and the result is marked approximate.
// Pure: files through the FileHost; needs initParser().
import type { FileHost } from '../host';
import type { Range, ShadowCall } from '../model';
import type { CallbackKind } from '../model';
import { applyFileDiff, type AppliedFile } from './apply';
import { compareFile, compareHunksOnly, type FileComparison, type FunctionChange } from './compare';
import { parseUnifiedDiff, type FileDiff, type ParsedDiff } from './diff';
import { enclosingKernelTree, objectOfFile, type ObjectAttribution } from './kbuild';
import { readDiffLog, type DiffLogEntry } from './log';

/** What klp-build refuses to patch (scripts/livepatch/klp-build, check_unsupported_patches). */
export function unsupportedByKlpBuild(path: string): string | undefined {
  if (/^lib\//.test(path)) return 'files under lib/';
  if (/(^|\/)vdso\//.test(path)) return 'vDSO sources (*/vdso/*)';
  if (/(^|\/)realmode\/rm\//.test(path)) return 'real-mode sources (*/realmode/rm/*)';
  if (/\.S$/.test(path)) return 'assembly (*.S)';
  return undefined;
}

export interface PatchedFile {
  diff: FileDiff;
  /** Absolute path in the kernel tree (undefined without a tree). */
  treePath?: string;
  /** Whether the file exists in the tree before the patch. */
  existed?: boolean;
  /** The object it is built into (C sources only; a header belongs to every includer). */
  object?: ObjectAttribution;
  applied?: AppliedFile;
  comparison: FileComparison;
  /** Why klp-build refuses the file. */
  unsupported?: string;
  isHeader: boolean;
  isC: boolean;
}

export interface PatchFunction extends FunctionChange {
  /** `vmlinux` or the module name; undefined for a header's function. */
  object?: string;
  file: string;
}

export interface PatchCallback {
  object: string;
  kind: CallbackKind;
  fn: string;
  /** 0-based patch line of the KLP_*_CALLBACK line. */
  patchLine: number;
}

export interface PatchProblem {
  line: number;
  message: string;
  /** `error` stops klp-build; `warning` is worth a look. */
  severity: 'error' | 'warning';
}

export interface PatchAnalysis {
  /** The patch file. */
  patch: string;
  text: string;
  diff: ParsedDiff;
  /** The kernel tree the patch was applied to; undefined: hunks only (approximate). */
  tree?: string;
  approximate: boolean;
  files: PatchedFile[];
  /** Changed, new and removed functions, in patch order. */
  functions: PatchFunction[];
  callbacks: PatchCallback[];
  /** Shadow-variable calls of the patched functions, with patch positions. */
  shadowCalls: ShadowCall[];
  /** klp_get_state()/klp_get_prev_state() calls in the patched code (patch lines). */
  stateCalls: { fn: string; inFunction: string; patchLine: number }[];
  /** Problems of the patch itself: malformed diff, hunks that do not apply. */
  problems: PatchProblem[];
  /** klp-build's diff log of a build of this patch, when the tree has one: it decides the functions. */
  log?: { path: string; entries: DiffLogEntry[]; disagreements: { patchLine: number; message: string }[] };
}

export interface PatchOptions {
  /** The kernel tree (`--kernel-tree`); default: the tree enclosing the patch. Null: none (hunks only). */
  kernelTree?: string | null;
  /** The tree to use when none encloses the patch (the CLI: the one enclosing the working directory). */
  fallbackTree?: string;
}

const CALLBACK = /^\s*KLP_(PRE|POST)_(UN)?PATCH_CALLBACK\s*\(\s*([A-Za-z_]\w*)\s*\)/;

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** Reads the patch at PATCH (its text through HOST, or TEXT when given: an editor buffer). */
export function analyzePatch(patch: string, host: FileHost, options: PatchOptions = {}, text?: string): PatchAnalysis {
  const body = text ?? host.readFile(patch) ?? '';
  const diff = parseUnifiedDiff(body);
  const tree = options.kernelTree === null ? undefined : options.kernelTree ?? enclosingKernelTree(dirOf(patch), host) ?? options.fallbackTree;
  const problems: PatchProblem[] = diff.problems.map((p) => ({ line: p.line, message: p.message, severity: 'warning' }));
  if (!diff.files.length && !diff.problems.length) problems.push({ line: 0, message: 'no file diff in this patch (no ---/+++ header)', severity: 'error' });
  const files: PatchedFile[] = [];
  const functions: PatchFunction[] = [];
  const callbacks: PatchCallback[] = [];
  const shadowCalls: ShadowCall[] = [];
  const stateCalls: PatchAnalysis['stateCalls'] = [];

  for (const fd of diff.files) {
    const isHeader = /\.h$/.test(fd.path);
    const isC = /\.c$/.test(fd.path);
    const pf: PatchedFile = { diff: fd, isHeader, isC, unsupported: unsupportedByKlpBuild(fd.oldPath ?? '') ?? unsupportedByKlpBuild(fd.path), comparison: { functions: [], types: [], globals: [], otherLines: [] } };
    files.push(pf);
    if (fd.binary) { problems.push({ line: fd.headerLine, message: `${fd.path}: no textual change (binary, mode or rename only)`, severity: 'warning' }); continue; }
    if (!isHeader && !isC) continue;
    // Like GNU patch, never follow a name out of the tree ('..' components or an absolute path).
    if ([fd.oldPath, fd.newPath].some((x) => x !== undefined && (x.startsWith('/') || x.split('/').includes('..')))) {
      problems.push({ line: fd.headerLine, message: `${fd.path}: a path that leaves the kernel tree ('..' or absolute): not read`, severity: 'error' });
      continue;
    }
    if (tree) {
      pf.treePath = `${tree}/${fd.oldPath ?? fd.path}`;
      const original = fd.oldPath !== undefined ? host.readFile(`${tree}/${fd.oldPath}`) : undefined;
      pf.existed = original !== undefined;
      if (fd.oldPath !== undefined && original === undefined) {
        problems.push({ line: fd.headerLine, message: `${fd.oldPath} is not in the kernel tree ${tree}: read from the hunks only`, severity: 'error' });
        pf.comparison = compareHunksOnly(fd);
      } else {
        const applied = applyFileDiff(fd, original);
        pf.applied = applied;
        for (const f of applied.failed) problems.push({ line: f.hunk.headerLine, message: `${fd.path}: ${f.message}`, severity: 'error' });
        for (const h of applied.hunks) if (h.offset) problems.push({ line: h.hunk.headerLine, message: `${fd.path}: hunk applies ${Math.abs(h.offset)} line${Math.abs(h.offset) === 1 ? '' : 's'} ${h.offset > 0 ? 'below' : 'above'} where it says (klp-build warns: applied with offset)`, severity: 'warning' });
        pf.comparison = compareFile(`${tree}/${fd.path}`, original, applied);
      }
      if (isC) pf.object = objectOfFile(tree, fd.path, host);
    } else {
      pf.comparison = compareHunksOnly(fd);
      if (isC) pf.object = { object: 'vmlinux', how: 'no kernel tree: object not known (vmlinux assumed)', found: false };
    }
    const object = pf.object?.object;
    for (const f of pf.comparison.functions) functions.push({ ...f, object: isC ? object : undefined, file: fd.path });
    // Callbacks are declared at file scope on added lines (include/linux/livepatch_helpers.h).
    for (const h of fd.hunks) for (const l of h.lines) {
      if (l.kind !== '+') continue;
      const m = CALLBACK.exec(l.text);
      if (m && isC) callbacks.push({ object: object ?? 'vmlinux', kind: `${m[1].toLowerCase()}_${m[2] ? 'un' : ''}patch` as CallbackKind, fn: m[3], patchLine: l.patchLine });
    }
    // Shadow and state calls of the changed and new functions, placed on the patch.
    const after = pf.comparison.afterModel;
    const touched = new Set(pf.comparison.functions.filter((f) => f.status !== 'removed').map((f) => f.name));
    if (after && pf.applied) {
      const at = (r: Range, fallback: number): Range => patchRange(pf.applied!, r, fallback);
      for (const s of after.shadowCalls) {
        if (!s.inFunction || !touched.has(s.inFunction)) continue;
        const fl = pf.comparison.functions.find((f) => f.name === s.inFunction)!.patchLine;
        shadowCalls.push({ ...s, file: patch, range: at(s.range, fl), idRange: at(s.idRange, fl) });
      }
      for (const s of after.stateCalls) {
        if (!s.inFunction || !touched.has(s.inFunction)) continue;
        const fl = pf.comparison.functions.find((f) => f.name === s.inFunction)!.patchLine;
        stateCalls.push({ fn: s.fn, inFunction: s.inFunction, patchLine: at(s.range, fl).start.line });
      }
    }
  }
  const result: PatchAnalysis = { patch, text: body, diff, tree, approximate: !tree, files, functions, callbacks, shadowCalls, stateCalls, problems };
  const log = tree ? readDiffLog(tree, patch.split('/').pop() ?? patch, host) : undefined;
  if (log) preferLog(result, log.path, log.entries);
  return result;
}

/**
 * Makes klp-build's diff log decide which functions the patch changes and adds, keeping the
 * source-level facts (patch lines, bodies) of those both agree on; every disagreement is said.
 */
function preferLog(a: PatchAnalysis, path: string, entries: DiffLogEntry[]): void {
  const disagreements: { patchLine: number; message: string }[] = [];
  const logLine = (e: DiffLogEntry) => `klp-tmp/4-diff/diff.log:${e.line + 1}`;
  const key = (o: string | undefined, n: string) => `${o}\u0000${n}`;
  const source = new Map(a.functions.filter((f) => f.status !== 'removed').map((f) => [key(f.object, f.name), f]));
  const fromLog = new Set<string>();
  const functions: PatchFunction[] = [];
  for (const e of entries) {
    if (e.kind === 'no-correlation') { disagreements.push({ patchLine: 0, message: `klp-build could not match '${e.symbol}' of ${e.object} between the original and patched builds (${logLine(e)}): check the livepatch's behaviour around it` }); continue; }
    if (e.kind === 'changed-data') { disagreements.push({ patchLine: 0, message: `klp-build stopped: data '${e.symbol}' of ${e.object} changes (${logLine(e)})` }); continue; }
    const k = key(e.object, e.name);
    if (fromLog.has(k)) continue;
    fromLog.add(k);
    const s = source.get(k);
    const status = e.kind === 'changed' ? 'changed' : 'new';
    if (s) { functions.push({ ...s, status }); continue; }
    const line = a.functions.find((f) => f.object === e.object)?.patchLine ?? 0;
    functions.push({ name: e.name, status, object: e.object, file: '', patchLine: -1, patchLines: [] });
    disagreements.push({ patchLine: Math.max(0, line), message: `klp-build's diff log names ${e.object}:${e.name} as a ${e.kind} function (${logLine(e)}), which the patch's source does not ${e.kind === 'new' ? 'add' : 'change'}: the compiler inlined changed code into it, or a header or macro change reached it; the log is what the module contains` });
  }
  for (const [k, f] of source) {
    if (fromLog.has(k)) continue;
    disagreements.push({ patchLine: Math.max(0, f.patchLine), message: `'${f.name}' (${f.object ?? 'header'}) is ${f.status} in the source but klp-build's diff log does not list it: the compiler produced the same code, or inlined it into a function the log names; it is not in the module` });
  }
  a.functions = functions;
  a.log = { path, entries, disagreements };
}

/** A range of the patched text as a range of the patch (one column right of the +/space). */
export function patchRange(applied: AppliedFile, r: Range, fallbackLine: number): Range {
  const s = applied.afterToPatch[r.start.line];
  const e = applied.afterToPatch[r.end.line];
  if (s === undefined || s < 0) return { start: { line: Math.max(0, fallbackLine), character: 0 }, end: { line: Math.max(0, fallbackLine), character: 0 } };
  const end = e !== undefined && e >= s && r.end.line === r.start.line ? { line: e, character: r.end.character + 1 } : { line: s, character: r.start.character + 1 };
  return { start: { line: s, character: r.start.character + 1 }, end: end.line === s && end.character < r.start.character + 1 ? { line: s, character: r.start.character + 1 } : end };
}

/** klp-build's module name for patch file(s): `livepatch-<name>` (kernel name with `_`). */
export function klpBuildModuleName(patch: string): string {
  const base = patch.split('/').pop() ?? patch;
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  return `livepatch-${stem}`.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 55).replace(/-/g, '_');
}

/** A path names a source patch (`.patch` or `.diff`). */
export function isSourcePatch(path: string | undefined): boolean {
  return !!path && /\.(patch|diff)$/.test(path);
}
