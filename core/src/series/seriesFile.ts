// The series of a folder: its `klp.series` file (one livepatch module name or source path
// per line, oldest first, `#` comments), or, without one, the livepatch modules of the
// folder in natural name order (`lp_v2` before `lp_v10`). Pure: files come through FileHost.
// Owns the `klp.series` format (docs/SERIES.md).
import type { FileHost } from '../host';
import type { Range } from '../model';
import { moduleNameOf, normalize } from '../extract';
import { isSourcePatch, resolvePatchSpec } from '../klpbuild/series';
import { discoverModules, dirname, findModuleSources, followIncludes, join, newLookupMemo, walk, type LookupMemo } from '../workspace/modules';
import { moduleOfFile } from '../workspace/scan';

export const SERIES_FILE = 'klp.series';

/** One line of a series: a livepatch module and where its sources are. */
export interface SeriesEntry {
  /** Kernel module name (`-` turned into `_`). */
  name: string;
  /** As written in klp.series (or the main source path when inferred). */
  spec: string;
  /** 0-based line in klp.series and the range of the spec on it (absent when inferred). */
  line?: number;
  range?: Range;
  /** The module's sources (main file first, local includes followed); empty when not found. */
  files: string[];
  /** Why the sources could not be found. */
  error?: string;
}

export interface SeriesSpec {
  /** The folder the series belongs to (its name is the series name). */
  dir: string;
  /** Path of klp.series; undefined when the order was inferred. */
  file?: string;
  /** True when there is no klp.series and the order is the natural order of the names. */
  inferred: boolean;
  entries: SeriesEntry[];
  /** Problems with the series itself (bad lines, missing modules, duplicates), by line. */
  problems: { line?: number; range?: Range; message: string }[];
}

/** A folder path in the form the module lookup uses ('.' stays '.'). */
export function normDir(dir: string): string {
  return normalize(dir) || (dir.startsWith('/') ? '/' : '.');
}

/** Natural order: digit runs compare as numbers (`lp_v2` < `lp_v10`), the rest as text. */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      if (x.length !== y.length) return x.length - y.length; // `v01` after `v1`
      continue;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** The lines of a klp.series text: module specs with their line and range. */
export function parseSeriesText(text: string): { spec: string; line: number; range: Range }[] {
  const out: { spec: string; line: number; range: Range }[] = [];
  text.split(/\r?\n/).forEach((raw, line) => {
    const hash = raw.indexOf('#');
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    const spec = body.trim();
    if (!spec) return;
    const start = body.indexOf(spec);
    out.push({ spec, line, range: { start: { line, character: start }, end: { line, character: start + spec.length } } });
  });
  return out;
}

/** A spec names a source path when it has a slash or a `.c` suffix; otherwise a module. */
function isPathSpec(spec: string): boolean {
  return spec.includes('/') || /\.c$/.test(spec);
}

/** Resolves one spec of DIR's klp.series to a module name and its sources. */
function resolveSpec(spec: string, dir: string, host: FileHost, memo: LookupMemo): Omit<SeriesEntry, 'spec'> {
  if (isSourcePatch(spec)) return resolvePatchSpec(spec, dir, host); // a klp-build source patch (../klpbuild)
  if (/\s/.test(spec)) return { name: spec, files: [], error: `'${spec}' is not a module name or a source path (one per line)` };
  if (isPathSpec(spec)) {
    const path = normalize(spec.startsWith('/') ? spec : join(dir, spec));
    const name = moduleNameOf(path);
    if (host.readFile(path) === undefined) return { name, files: [], error: `no such source file: ${spec}` };
    // A part of a Kbuild multi-file module stands for the whole module.
    const owner = moduleOfFile(path, host);
    if (owner && owner.files.length && normalize(owner.files[0]) !== path && owner.name !== name) {
      return { name: owner.name, files: owner.files };
    }
    return { name, files: followIncludes([path], host) };
  }
  const name = moduleNameOf(spec.replace(/\.ko$/, ''));
  const found = findModuleSources(name, [dir], host, memo);
  if (!found.ok) return { name, files: [], error: `${found.error} in ${dir}` };
  return { name: found.name, files: found.files };
}

/**
 * The series of DIR. With a klp.series file, its lines in order; without one, CANDIDATES
 * (the livepatch modules whose main source is directly in DIR, as the caller determined
 * after extraction) in natural name order, marked `inferred`.
 */
export function readSeriesSpec(dir: string, host: FileHost, candidates?: { name: string; files: string[] }[]): SeriesSpec {
  const d = normDir(dir);
  const file = join(d, SERIES_FILE);
  const text = host.readFile(file);
  if (text === undefined) {
    const list = [...(candidates ?? [])].sort((a, b) => naturalCompare(a.name, b.name));
    return { dir: d, inferred: true, entries: list.map((c) => ({ name: c.name, spec: c.files[0] ?? c.name, files: c.files })), problems: [] };
  }
  const spec: SeriesSpec = { dir: d, file, inferred: false, entries: [], problems: [] };
  const seen = new Map<string, SeriesEntry>();
  const memo = newLookupMemo();
  for (const l of parseSeriesText(text)) {
    const r = resolveSpec(l.spec, d, host, memo);
    const entry: SeriesEntry = { ...r, spec: l.spec, line: l.line, range: l.range };
    if (r.error) spec.problems.push({ line: l.line, range: l.range, message: r.error });
    const prev = seen.get(entry.name);
    if (prev !== undefined) {
      const samePlace = !prev.files.length || !entry.files.length || normalize(prev.files[0]) === normalize(entry.files[0]);
      // Two sources of one name: the kernel knows a module by its name only, so while one is
      // loaded the other cannot be (insmod fails with "File exists").
      const message = samePlace
        ? `'${entry.name}' is already in the series (line ${(prev.line ?? 0) + 1}); each module may appear once`
        : `'${entry.spec}' builds a module named '${entry.name}', like '${prev.spec}' (line ${(prev.line ?? 0) + 1}): the kernel knows a module by its name only, so the two cannot be loaded together; give each patch its own module name`;
      spec.problems.push({ line: l.line, range: l.range, message });
      continue;
    }
    seen.set(entry.name, entry);
    spec.entries.push(entry);
  }
  if (!spec.entries.length && !spec.problems.length) spec.problems.push({ message: `${file} names no module` });
  return spec;
}

/** Modules whose main source file is directly in DIR (the candidates of an inferred series). */
export function modulesDirectlyIn(dir: string, host: FileHost): { name: string; files: string[] }[] {
  const d = normDir(dir);
  return discoverModules(d, host).filter((m) => m.files.length && normDir(dirname(m.files[0])) === d);
}

/** Every folder under ROOT (ROOT included) that holds a klp.series file, sorted. */
export function findSeriesDirs(root: string, host: FileHost): string[] {
  const r = normDir(root);
  return walk(r, host, (n) => n === SERIES_FILE).map((f) => normDir(dirname(f))).sort();
}
