// Finding a module's sources: Kbuild/Makefile `obj-m += NAME.o` with `NAME-y`/`NAME-objs`
// lists, else NAME.c (or a file whose name normalises to NAME); following local includes.
// (Being written: the signatures below are the contract.)
import type { FileHost } from '../host';
import type { ModuleModel } from '../model';

export type ModuleLookup =
  | { ok: true; name: string; files: string[]; via: 'kbuild' | 'file' }
  | { ok: false; name: string; error: string; looked: string[] };

/** Locates the sources of module NAME in the search directories (recursively). */
export function findModuleSources(name: string, searchDirs: string[], host: FileHost): ModuleLookup {
  return { ok: false, name, error: `no sources found for module '${name}'`, looked: searchDirs };
}

/** Finds and extracts a module (sources + followed local includes). */
export function loadModule(name: string, searchDirs: string[], host: FileHost): { ok: true; model: ModuleModel } | { ok: false; error: string; looked: string[] } {
  const found = findModuleSources(name, searchDirs, host);
  if (!found.ok) return found;
  return { ok: false, error: 'not implemented yet', looked: [] };
}

/** Every module whose sources are in DIR (recursively; skips node_modules and .git). */
export function discoverModules(dir: string, host: FileHost): { name: string; files: string[] }[] {
  return [];
}
