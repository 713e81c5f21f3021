// The workspace index: every module under the workspace folders (Kbuild-defined and plain
// `.c` modules, with the headers they include), which file belongs to which module, and
// where the `klp.series` files are. Built once with work-done progress, then kept current
// from workspace/didChangeWatchedFiles: a created, deleted or renamed source, a changed
// Kbuild/Makefile or klp.series re-discovers the folder's modules; a changed source only
// marks its modules for re-analysis (done by the analysis queue).
import type { FileHost } from '../../core/src/host';
import { moduleNameOf, normalize } from '../../core/src/extract';
import { discoverModules, dirname, walk } from '../../core/src/workspace/modules';

/** One module of the index. The key is its main file (module names repeat across series folders). */
export interface IndexedModule {
  key: string;
  name: string;
  /** Sources, main file first, then parts and followed local headers. */
  files: string[];
  /** The workspace folder it was found in ('' for a module outside every folder). */
  root: string;
}

export const SERIES_FILE = 'klp.series';

/** True for a file whose change can change which modules exist or what they consist of. */
export function isStructural(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'Kbuild' || base === 'Makefile' || base === SERIES_FILE;
}

export class WorkspaceIndex {
  roots: string[] = [];
  private modules = new Map<string, IndexedModule>();
  private byFile = new Map<string, Set<string>>();
  private seriesFiles: string[] = [];

  constructor(private readonly host: FileHost) {}

  setRoots(roots: string[]): void {
    this.roots = [...new Set(roots.map(normalize))];
  }

  /**
   * (Re)discovers the modules of every root. `onRoot` reports progress per folder. Returns
   * the keys of modules that appeared, disappeared or changed their file list.
   */
  rebuild(onRoot?: (root: string, i: number, n: number) => void): Set<string> {
    const before = this.modules;
    this.modules = new Map();
    this.byFile = new Map();
    this.seriesFiles = [];
    this.roots.forEach((root, i) => {
      onRoot?.(root, i, this.roots.length);
      for (const m of discoverModules(root, this.host)) {
        const files = m.files.map(normalize);
        this.add({ key: files[0], name: m.name, files, root });
      }
      this.seriesFiles.push(...walk(root, this.host, (n) => n === SERIES_FILE).map(normalize));
    });
    const changed = new Set<string>();
    for (const [k, m] of this.modules) {
      const old = before.get(k);
      if (!old || old.files.join('\n') !== m.files.join('\n') || old.name !== m.name) changed.add(k);
    }
    for (const k of before.keys()) if (!this.modules.has(k)) changed.add(k);
    return changed;
  }

  private add(m: IndexedModule): void {
    if (this.modules.has(m.key)) return;
    this.modules.set(m.key, m);
    for (const f of m.files) {
      let s = this.byFile.get(f);
      if (!s) this.byFile.set(f, (s = new Set()));
      s.add(m.key);
    }
  }

  all(): IndexedModule[] {
    return [...this.modules.values()];
  }

  get(key: string): IndexedModule | undefined {
    return this.modules.get(key);
  }

  byName(name: string, near?: string): IndexedModule | undefined {
    const want = moduleNameOf(name);
    const all = this.all().filter((m) => m.name === want);
    if (near) {
      // Prefer the module closest to NEAR (same folder, then the longest common prefix).
      const score = (m: IndexedModule) => commonPrefix(m.key, near);
      all.sort((a, b) => score(b) - score(a));
    }
    return all[0];
  }

  /** Modules a file belongs to; a file outside the index gets an ad-hoc module of its folder. */
  modulesOf(path: string): IndexedModule[] {
    const keys = this.byFile.get(path);
    if (keys?.size) return [...keys].map((k) => this.modules.get(k)!).filter(Boolean);
    if (!/\.c$/.test(path)) return [];
    // Not indexed (outside the folders, or created since): discover its folder, else itself.
    const dir = dirname(path);
    const found = discoverModules(dir, this.host).find((m) => m.files.map(normalize).includes(path));
    const m: IndexedModule = found
      ? { key: normalize(found.files[0]), name: found.name, files: found.files.map(normalize), root: '' }
      : { key: path, name: moduleNameOf(path), files: [path], root: '' };
    this.add(m);
    return [m];
  }

  /** `klp.series` files found in the workspace. */
  series(): string[] {
    return [...this.seriesFiles];
  }

  /** The root a path is under (longest match). */
  rootOf(path: string): string | undefined {
    return this.roots.filter((r) => path === r || path.startsWith(r.endsWith('/') ? r : r + '/')).sort((a, b) => b.length - a.length)[0];
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
