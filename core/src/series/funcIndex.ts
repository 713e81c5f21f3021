// A patch summary's functions by (object, name, sympos). Every step of a series reads them
// (n(n+1)/2 steps for n patches), so they are made once per summary, in WeakMaps: the
// language server keeps summaries across runs. Pure.
import type { PatchedFunc, PatchSummary } from './summary';

export const funcKey = (object: string, name: string, sympos: number) => `${object}\u0000${name}\u0000${sympos}`;

const keysCache = new WeakMap<PatchSummary, string[]>();

/** The key of each of P's funcs (by index). */
export function funcKeys(p: PatchSummary): string[] {
  let keys = keysCache.get(p);
  if (!keys) keysCache.set(p, (keys = p.funcs.map((f) => funcKey(f.object, f.oldName, f.sympos))));
  return keys;
}

const byKeyCache = new WeakMap<PatchSummary, Map<string, PatchedFunc>>();

/** P's funcs by key; the first one when a key repeats (as a search of `funcs` finds). */
export function funcsByKey(p: PatchSummary): Map<string, PatchedFunc> {
  let byKey = byKeyCache.get(p);
  if (!byKey) {
    byKey = new Map();
    const keys = funcKeys(p);
    for (let i = 0; i < keys.length; i++) if (!byKey.has(keys[i])) byKey.set(keys[i], p.funcs[i]);
    byKeyCache.set(p, byKey);
  }
  return byKey;
}
