// The workspace index: the modules of the workspace folders that can be livepatches (the
// core's scan, core/src/workspace/scan.ts: a byte-level prefilter decides which files are
// parsed at all), which file belongs to which module, where the `klp.series` files are, and
// the C files read but not parsed (searched for the originals of replaced functions only).
// A module's identity is its main file (`key`): modules of one name in different folders
// are different modules. Built with work-done progress, in steps that yield to the
// connection and stop when cancelled; then kept current from didChangeWatchedFiles: a
// created, deleted or renamed source, a changed Kbuild/Makefile or klp.series, or a file
// that starts mentioning klp_patch re-scans; a changed source only marks its modules for
// re-analysis (done by the analysis queue).
import type { FileHost } from '../../core/src/host';
import { normalize } from '../../core/src/extract';
import { mentionsLivepatch } from '../../core/src/workspace/prefilter';
import { moduleOfFile, readBytes, SERIES_FILE, WorkspaceScanner, type ScanStats } from '../../core/src/workspace/scan';

export { SERIES_FILE };

/** One module of the index. The key is its main file (module names repeat across folders). */
export interface IndexedModule {
  key: string;
  name: string;
  /** Sources, main file first, then parts and followed local headers. */
  files: string[];
  /** The workspace folder it was found in ('' for a module outside every folder). */
  root: string;
}

/** True for a file whose change can change which modules exist or what they consist of. */
export function isStructural(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'Kbuild' || base === 'Makefile' || base === SERIES_FILE || base === '.gitignore' || base === '.ignore';
}

/** Progress of a scan: files read so far, and where. */
export type ScanProgress = (root: string, files: number, stats: ScanStats) => void;

export class WorkspaceIndex {
  roots: string[] = [];
  private modules = new Map<string, IndexedModule>();
  private byFile = new Map<string, Set<string>>();
  private seriesFiles: string[] = [];
  private unparsed: string[] = [];
  /** What the last complete scan read. */
  stats: ScanStats = { dirs: 0, files: 0, bytes: 0, marked: 0, ignored: 0 };

  constructor(private readonly host: FileHost) {}

  setRoots(roots: string[]): void {
    this.roots = [...new Set(roots.map(normalize))];
  }

  /**
   * Scans every root again, yielding to the event loop between steps. Returns the keys of
   * modules that appeared, disappeared or changed their file list, or undefined when
   * CANCELLED said stop (the index is then left as it was).
   */
  async rebuild(onProgress?: ScanProgress, cancelled: () => boolean = () => false): Promise<Set<string> | undefined> {
    const modules = new Map<string, IndexedModule>();
    const series: string[] = [];
    const others: string[] = [];
    const stats: ScanStats = { dirs: 0, files: 0, bytes: 0, marked: 0, ignored: 0 };
    for (const root of this.roots) {
      const scanner = new WorkspaceScanner([root], this.host);
      for (;;) {
        const done = scanner.step(256);
        onProgress?.(root, stats.files + scanner.stats.files, scanner.stats);
        if (done) break;
        await new Promise((r) => setImmediate(r));
        if (cancelled()) return undefined;
      }
      const scan = scanner.result();
      for (const m of scan.modules) if (!modules.has(m.key)) modules.set(m.key, { key: m.key, name: m.name, files: m.files, root });
      series.push(...scan.seriesFiles);
      others.push(...scan.others);
      for (const k of Object.keys(stats) as (keyof ScanStats)[]) stats[k] += scan.stats[k];
    }
    const before = this.modules;
    this.modules = new Map();
    this.byFile = new Map();
    for (const m of modules.values()) this.add(m);
    // Modules of files outside the folders (opened in the editor) stay.
    for (const m of before.values()) if (!m.root && !this.modules.has(m.key)) this.add(m);
    this.seriesFiles = [...new Set(series)];
    const inModules = new Set(this.byFile.keys());
    this.unparsed = others.filter((f) => !inModules.has(f));
    this.stats = stats;
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

  /** The module named NAME closest to NEAR (same folder, then the longest common prefix). */
  byName(name: string, near?: string): IndexedModule | undefined {
    const want = name.replace(/\.(c|ko|o)$/, '').replace(/-/g, '_');
    const all = this.all().filter((m) => m.name === want);
    if (near) {
      const score = (m: IndexedModule) => commonPrefix(m.key, near);
      all.sort((a, b) => score(b) - score(a));
    }
    return all[0];
  }

  /** Modules of the index holding a file (none for a file the index does not know). */
  indexedModulesOf(path: string): IndexedModule[] {
    const keys = this.byFile.get(path);
    return keys ? [...keys].map((k) => this.modules.get(k)!).filter(Boolean) : [];
  }

  /**
   * Modules a file belongs to; a C source the index does not hold (one that mentions no
   * klp_patch, or outside the folders) gets the module it would have: its Kbuild
   * multi-file module, else its own.
   */
  modulesOf(path: string): IndexedModule[] {
    const known = this.indexedModulesOf(path);
    if (known.length) return known;
    if (!/\.c$/.test(path)) return [];
    const found = moduleOfFile(path, this.host);
    const m: IndexedModule = found
      ? { key: found.key, name: found.name, files: found.files.map(normalize), root: '' }
      : { key: path, name: path.slice(path.lastIndexOf('/') + 1).replace(/\.c$/, '').replace(/-/g, '_'), files: [path], root: '' };
    if (this.modules.has(m.key)) return [this.modules.get(m.key)!];
    this.add(m);
    return [m];
  }

  /**
   * Whether a changed file changes which modules exist: a C file the index does not hold
   * that now mentions klp_patch or klp_enable_patch.
   */
  becameCandidate(path: string): boolean {
    if (!/\.[ch]$/.test(path) || this.byFile.has(path) || !this.rootOf(path)) return false;
    const bytes = readBytes(this.host, path);
    return !!bytes && mentionsLivepatch(bytes);
  }

  /** `klp.series` files found in the workspace. */
  series(): string[] {
    return [...this.seriesFiles];
  }

  /** C files read by the scan and not part of any module (searched for originals). */
  others(): readonly string[] {
    return this.unparsed;
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
