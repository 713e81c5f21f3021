// The originals of replaced functions: where a livepatch's `klp_func.old_name` is defined
// (or declared) in the workspace, so KLP011/KLP012 can compare the replacement with it.
// The files the scan did not parse are searched by bytes for the wanted names; only a file
// that mentions one is parsed, and only the functions of those names are kept.
import type { FileHost } from '../host';
import type { CFunction, ModuleModel } from '../model';
import { extractModule, moduleNameOf } from '../extract';
import { isLivepatchModule } from '../rules/context';
import { mentionsWord, wordSearch, type WordSearch } from './prefilter';
import { readBytes } from './scan';

/** The functions livepatch modules replace (their `old_name`s), the names worth looking up. */
export function replacedNames(models: Iterable<ModuleModel>): Set<string> {
  const out = new Set<string>();
  for (const m of models) {
    if (!isLivepatchModule(m)) continue;
    for (const a of m.funcArrays) for (const e of a.entries) if (e.oldName && /^\w+$/.test(e.oldName)) out.add(e.oldName);
  }
  return out;
}

/** Definitions and prototypes of NAMES in one file (parsed only when its bytes mention a name). */
export function originalsInFile(file: string, names: Iterable<string | WordSearch>, host: FileHost, maxBytes = 0): CFunction[] {
  const bytes = maxBytes > 0 && host.readBytes ? host.readBytes(file, maxBytes) : readBytes(host, file);
  if (!bytes || (maxBytes > 0 && bytes.length > maxBytes)) return [];
  const hits = [...names].map((n) => (typeof n === 'string' ? wordSearch(n) : n)).filter((w) => mentionsWord(bytes, w));
  if (!hits.length) return [];
  const text = host.readFile(file);
  if (!text) return [];
  const model = extractModule(moduleNameOf(file), [{ path: file, text }]);
  return hits.map((w) => model.functions[UTF8.decode(w.name)]).filter((f): f is CFunction => !!f);
}

const UTF8 = new TextDecoder();

/**
 * Definitions and prototypes of NAMES across FILES, by name. Files larger than MAXBYTES
 * (the analysis size limit; 0 for none) are not read: they would not be parsed either.
 * Requires initParser().
 */
export function findOriginals(names: Iterable<string>, files: Iterable<string>, host: FileHost, maxBytes = 0): Map<string, CFunction[]> {
  const wanted = [...names].map(wordSearch);
  const out = new Map<string, CFunction[]>();
  if (!wanted.length) return out;
  for (const f of files) addFunctions(out, originalsInFile(f, wanted, host, maxBytes));
  return out;
}

/** Adds functions to an index by name. */
export function addFunctions(index: Map<string, CFunction[]>, fns: Iterable<CFunction>): void {
  for (const fn of fns) {
    const list = index.get(fn.name);
    if (list) list.push(fn);
    else index.set(fn.name, [fn]);
  }
}

/** Functions in a stable order (file, then position), so every adapter cites the same one first. */
export function sortFunctions(list: CFunction[]): CFunction[] {
  return list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character));
}
