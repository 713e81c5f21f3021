// A set of modules loaded together (what `check` and the series analysis see): every
// module under the given paths, and an index of C functions across all of them, so rules
// can compare a replacement with the original function when its source is present.
import type { FileHost } from '../host';
import type { CFunction, ModuleModel } from '../model';
import { extractModule, moduleNameOf, normalize } from '../extract';
import { discoverModules, dirname, readSources } from './modules';

export interface Project {
  modules: ModuleModel[];
  /** Function definitions and prototypes by name, across all modules. */
  functions: Map<string, CFunction[]>;
}

export function indexFunctions(modules: ModuleModel[]): Map<string, CFunction[]> {
  const index = new Map<string, CFunction[]>();
  for (const m of modules) {
    for (const f of Object.values(m.functions)) {
      const list = index.get(f.name);
      if (list) list.push(f);
      else index.set(f.name, [f]);
    }
  }
  return index;
}

/**
 * Loads the modules of PATHS: a folder contributes every module under it; a file, the
 * module it belongs to (a composite module found through Kbuild, else its own). Requires
 * initParser(). `onProgress` is told how far loading is (for a terminal progress line).
 */
export function loadProject(paths: { path: string; isDirectory: boolean }[], host: FileHost, onProgress?: (done: number, total: number, name: string) => void): Project {
  const wanted: { name: string; files: string[] }[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const candidates = p.isDirectory ? discoverModules(p.path, host) : discoverModules(dirname(p.path), host).filter((m) => m.files.map(normalize).includes(normalize(p.path)));
    if (!p.isDirectory && candidates.length === 0) candidates.push({ name: moduleNameOf(p.path), files: [p.path] });
    for (const c of candidates) {
      const key = c.files[0];
      if (seen.has(key)) continue;
      seen.add(key);
      wanted.push(c);
    }
  }
  const modules: ModuleModel[] = [];
  wanted.forEach((w, i) => {
    onProgress?.(i, wanted.length, w.name);
    modules.push(extractModule(w.name, readSources(w.files, host)));
  });
  onProgress?.(wanted.length, wanted.length, '');
  return { modules, functions: indexFunctions(modules) };
}
