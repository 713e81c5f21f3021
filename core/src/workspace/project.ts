// A set of modules loaded together (what `check` sees): the modules the workspace scan
// found under the given folders (./scan.ts: only those whose sources mention the livepatch
// API are parsed), the module of each given file, and an index of C functions — the
// parsed modules' and the originals of replaced functions found elsewhere
// (./originals.ts) — so rules can compare a replacement with the original function.
import type { FileHost } from '../host';
import type { CFunction, ModuleModel } from '../model';
import { moduleNameOf, normalize } from '../extract';
import { ExtractionSession } from '../extract/session';
import { readSources } from './modules';
import { addFunctions, findOriginals, replacedNames, sortFunctions } from './originals';
import { moduleOfFile, WorkspaceScanner, type DiscoveredModule, type ScanStats } from './scan';

export interface Project {
  modules: ModuleModel[];
  /** The identity (main file) of each module, in the order of `modules`. */
  keys: string[];
  /** Function definitions and prototypes by name, across all modules and the originals found. */
  functions: Map<string, CFunction[]>;
  /** klp.series files under the folders. */
  seriesFiles: string[];
  stats: ScanStats;
}

export function indexFunctions(modules: ModuleModel[]): Map<string, CFunction[]> {
  const index = new Map<string, CFunction[]>();
  for (const m of modules) addFunctions(index, Object.values(m.functions));
  return index;
}

/**
 * Loads the modules of PATHS: a folder contributes every livepatch-candidate module under
 * it; a file, the module it belongs to (a composite module found through Kbuild, else its
 * own). Requires initParser(). `onProgress` is told how far loading is (for a terminal
 * progress line); files over MAXFILEBYTES (0: no limit) are not searched for originals.
 */
export function loadProject(paths: { path: string; isDirectory: boolean }[], host: FileHost, onProgress?: (done: number, total: number, name: string) => void, maxFileBytes = 0, onScan?: (filesRead: number) => void): Project {
  const dirs = paths.filter((p) => p.isDirectory).map((p) => p.path);
  const scanner = new WorkspaceScanner(dirs, host);
  while (!scanner.step(2000)) onScan?.(scanner.stats.files);
  const scan = scanner.result();
  const wanted: DiscoveredModule[] = [];
  const seen = new Set<string>();
  const add = (m: DiscoveredModule) => {
    if (seen.has(m.key)) return;
    seen.add(m.key);
    wanted.push(m);
  };
  for (const p of paths) {
    if (p.isDirectory) continue;
    const f = normalize(p.path);
    add(moduleOfFile(f, host) ?? { key: f, name: moduleNameOf(f), files: [f], via: 'file' });
  }
  scan.modules.forEach(add);
  const modules: ModuleModel[] = [];
  // Versions of one source (a series) start from each other: see ExtractionSession.
  const session = new ExtractionSession();
  try {
    wanted.forEach((w, i) => {
      onProgress?.(i, wanted.length, w.name);
      modules.push(session.extract(w.name, readSources(w.files, host)));
    });
  } finally {
    session.dispose();
  }
  onProgress?.(wanted.length, wanted.length, '');
  const functions = indexFunctions(modules);
  const parsed = new Set(wanted.flatMap((w) => w.files));
  const originals = findOriginals(replacedNames(modules), scan.others.filter((f) => !parsed.has(f)), host, maxFileBytes);
  for (const list of originals.values()) addFunctions(functions, list);
  for (const list of functions.values()) sortFunctions(list);
  return { modules, keys: wanted.map((w) => w.key), functions, seriesFiles: scan.seriesFiles, stats: scan.stats };
}
