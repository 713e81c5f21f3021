// The workspace scan: one streaming walk over the folders that decides, from bytes, which
// files are worth parsing (prefilter.ts), and turns those into modules. Cost follows
// livepatch content, not tree size: a file without the livepatch marker costs one read and
// leaves only its path behind (for the search of originals, originals.ts) and, when it
// has local includes, their names (a file that includes a livepatch source is one too).
// Kbuild files are read only in the folders of candidate files.
//
// A module's identity is its main file's path (`key`): two `livepatch.c` in cve-a/ and
// cve-b/ are two modules, both named `livepatch` (the kernel knows a module by that name).
// The walk skips what ignore.ts says (.gitignore, VCS and build output) and is resumable
// (`step`), so the language server can report progress and stop it between steps.
import type { FileHost } from '../host';
import { moduleNameOf, normalize } from '../extract/paths';
import { isBuildOutput, isIgnored, parseGitignore, SKIPPED_DIRS, type IgnoreRule } from './ignore';
import { localIncludes, mentionsLivepatch, textBytes } from './prefilter';

export const SERIES_FILE = 'klp.series';

/** A module found in the workspace. */
export interface DiscoveredModule {
  /** Its identity: the normalised path of its main file. */
  key: string;
  /** The module name the kernel sees (file or Kbuild name, `-` turned into `_`). */
  name: string;
  /** Sources: main file (or the parts of a Kbuild multi-file module) first, then followed local includes. */
  files: string[];
  via: 'kbuild' | 'file';
}

export interface WorkspaceScan {
  /** Modules with at least one file that mentions the livepatch API, sorted by key. */
  modules: DiscoveredModule[];
  /** C sources and headers read but not part of those modules (searched for originals only). */
  others: string[];
  /** klp.series files found, sorted. */
  seriesFiles: string[];
  stats: ScanStats;
}

export interface ScanStats {
  dirs: number;
  files: number;
  bytes: number;
  /** Files whose bytes carry the livepatch marker. */
  marked: number;
  /** Files and folders left out by .gitignore rules or as build output. */
  ignored: number;
}

const C_FILE = /\.[ch]$/;
/**
 * Ignore files, in the order their rules apply. Like ripgrep, `.gitignore` counts only
 * inside a git work tree (git itself ignores it elsewhere: Debian's kernel source package
 * ships a `.gitignore` that ignores its whole top level); `.ignore` counts everywhere.
 */
const IGNORE_FILES = ['.gitignore', '.ignore'];
const KBUILD_FILES = ['Kbuild', 'Makefile'];

export function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

/** Bytes of a file through the host (its byte reader when it has one). */
export function readBytes(host: FileHost, path: string): Uint8Array | undefined {
  if (host.readBytes) return host.readBytes(path);
  const text = host.readFile(path);
  return text === undefined ? undefined : textBytes(text);
}

/** A resumable walk over ROOTS with the prefilter; `result()` turns what it found into modules. */
export class WorkspaceScanner {
  private readonly stack: { dir: string; rules: IgnoreRule[]; git: boolean }[] = [];
  private readonly visited = new Set<string>();
  private readonly marked = new Set<string>();
  /** Local includes of unmarked files (resolved paths), for the include closure. */
  private readonly includes = new Map<string, string[]>();
  private readonly unmarked: string[] = [];
  private readonly series: string[] = [];
  private pendingFiles: string[] = [];
  readonly stats: ScanStats = { dirs: 0, files: 0, bytes: 0, marked: 0, ignored: 0 };

  constructor(roots: string[], private readonly host: FileHost, private readonly options: { gitignore?: boolean } = {}) {
    for (const r of [...roots].reverse()) {
      const dir = normalize(r) || '.';
      this.stack.push({ dir, rules: [], git: options.gitignore ?? inGitRepository(dir, host) });
    }
  }

  /** Reads up to BUDGET files (and the folders it takes to find them). True when the walk is done. */
  step(budget = 200): boolean {
    let read = 0;
    while (read < budget) {
      const f = this.pendingFiles.pop();
      if (f !== undefined) {
        this.readOne(f);
        read++;
        continue;
      }
      const next = this.stack.pop();
      if (!next) return true;
      this.enter(next.dir, next.rules, next.git);
    }
    return this.pendingFiles.length === 0 && this.stack.length === 0;
  }

  private enter(dir: string, inherited: IgnoreRule[], git: boolean): void {
    if (this.visited.has(dir)) return;
    this.visited.add(dir);
    const entries = this.host.readDir(dir);
    if (!entries) return;
    this.stats.dirs++;
    let rules = inherited;
    for (const name of git ? IGNORE_FILES : IGNORE_FILES.slice(1)) {
      if (!entries.some((e) => e.name === name && !e.isDirectory)) continue;
      const text = this.host.readFile(join(dir, name));
      if (text) rules = [...rules, ...parseGitignore(dir, text)];
    }
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: { dir: string; rules: IgnoreRule[]; git: boolean }[] = [];
    const files: string[] = [];
    for (const e of sorted) {
      const p = join(dir, e.name);
      if (e.isDirectory) {
        if (SKIPPED_DIRS.has(e.name) || e.name.startsWith('.')) continue;
        if (rules.length && isIgnored(rules, p, true)) { this.stats.ignored++; continue; }
        subdirs.push({ dir: p, rules, git });
      } else if (e.name === SERIES_FILE) {
        this.series.push(p);
      } else if (C_FILE.test(e.name)) {
        if (isBuildOutput(e.name) || (rules.length && isIgnored(rules, p, false))) { this.stats.ignored++; continue; }
        files.push(p);
      }
    }
    // Files are read in name order, then the subfolders in name order (a stack: reversed).
    this.pendingFiles.push(...files.reverse());
    this.stack.push(...subdirs.reverse());
  }

  private readOne(path: string): void {
    const bytes = readBytes(this.host, path);
    if (!bytes) return;
    this.stats.files++;
    this.stats.bytes += bytes.length;
    if (mentionsLivepatch(bytes)) {
      this.marked.add(path);
      this.stats.marked++;
      return;
    }
    this.unmarked.push(path);
    const inc = localIncludes(bytes);
    if (inc.length) this.includes.set(path, inc.map((i) => normalize(join(dirname(path), i))));
  }

  /** The modules, series files and unparsed files found so far (call when `step` returned true). */
  result(): WorkspaceScan {
    // Files that include (directly or through other local includes) a marked file count as marked.
    const reach = new Set(this.marked);
    for (let grew = true; grew;) {
      grew = false;
      for (const [f, inc] of this.includes) {
        if (!reach.has(f) && inc.some((i) => reach.has(i))) {
          reach.add(f);
          grew = true;
        }
      }
    }
    const modules = new Map<string, DiscoveredModule>();
    const kbuild = new KbuildCache(this.host);
    for (const f of [...reach].filter((p) => p.endsWith('.c')).sort()) {
      const m = moduleOfFile(f, this.host, kbuild);
      if (m && !modules.has(m.key)) modules.set(m.key, m);
    }
    const inModules = new Set<string>();
    for (const m of modules.values()) for (const f of m.files) inModules.add(f);
    const others = [...this.unmarked, ...[...this.marked].filter((f) => f.endsWith('.h'))].filter((f) => !inModules.has(f)).sort();
    return {
      modules: [...modules.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      others,
      seriesFiles: [...this.series].map(normalize).sort(),
      stats: { ...this.stats },
    };
  }
}

/** Whether DIR is inside a git work tree (it or a folder above it holds `.git`). */
export function inGitRepository(dir: string, host: FileHost): boolean {
  let d = dir;
  for (let i = 0; i < 64; i++) {
    if (host.readDir(d)?.some((e) => e.name === '.git')) return true;
    const up = dirname(d);
    if (up === d || up === '.') return false;
    d = up;
  }
  return false;
}

/** Runs a scan to the end. */
export function scanWorkspace(roots: string[], host: FileHost, options: { gitignore?: boolean } = {}): WorkspaceScan {
  const s = new WorkspaceScanner(roots, host, options);
  while (!s.step(10000));
  return s.result();
}

// ------------------------------------------------------------------ Kbuild

/** A module defined by a Kbuild or Makefile. */
export interface KbuildModule {
  name: string;
  /** The Kbuild file that defines it. */
  kbuild: string;
  /** Object files of a composite module (`NAME-y`/`NAME-objs`), as .c paths. */
  parts?: string[];
}

/** Parses `obj-m += a.o b.o` and `NAME-y := x.o y.o` / `NAME-objs` lines of one Kbuild file. */
export function parseKbuild(path: string, text: string): KbuildModule[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const objs: string[] = [];
  const composite = new Map<string, string[]>();
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    let m = /^obj-(?:m|y|\$\([A-Z0-9_]+\))\s*[:+]?=\s*(.*)$/.exec(line);
    if (m) { objs.push(...m[1].split(/\s+/).filter((o) => o.endsWith('.o')).map((o) => o.slice(0, -2))); continue; }
    m = /^([A-Za-z0-9_-]+)-(?:y|objs|\$\([A-Z0-9_]+\))\s*[:+]?=\s*(.*)$/.exec(line);
    if (m && m[1] !== 'obj' && m[1] !== 'ccflags' && m[1] !== 'subdir') {
      composite.set(m[1], [...(composite.get(m[1]) ?? []), ...m[2].split(/\s+/).filter((o) => o.endsWith('.o'))]);
    }
  }
  const dir = dirname(path);
  return objs.map((o) => {
    const parts = composite.get(o);
    return { name: moduleNameOf(o), kbuild: path, parts: parts?.map((p) => normalize(join(dir, p.replace(/\.o$/, '.c')))) };
  });
}

/** The Kbuild modules of each folder, read once. */
export class KbuildCache {
  private readonly byDir = new Map<string, KbuildModule[]>();
  constructor(private readonly host: FileHost) {}

  of(dir: string): KbuildModule[] {
    let list = this.byDir.get(dir);
    if (!list) {
      list = [];
      for (const k of KBUILD_FILES) {
        const p = join(dir, k);
        const text = this.host.readFile(p);
        if (text) list.push(...parseKbuild(p, text));
      }
      this.byDir.set(dir, list);
    }
    return list;
  }
}

/** How many folders up a Kbuild file may list a part of a multi-file module (`NAME-y += sub/x.o`). */
const KBUILD_LEVELS = 3;

/**
 * The module a C source belongs to: the Kbuild multi-file module that lists it as a part
 * (in its folder or up to two folders up), else the module of the file itself.
 */
export function moduleOfFile(file: string, host: FileHost, kbuild = new KbuildCache(host)): DiscoveredModule | undefined {
  const f = normalize(file);
  let dir = dirname(f);
  for (let level = 0; level < KBUILD_LEVELS; level++) {
    for (const k of kbuild.of(dir)) {
      if (!k.parts?.includes(f)) continue;
      const present = k.parts.filter((p) => host.readFile(p) !== undefined);
      const files = followIncludes(present, host);
      if (files.length) return { key: files[0], name: k.name, files, via: 'kbuild' };
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const files = followIncludes([f], host);
  return files.length ? { key: f, name: moduleNameOf(f), files, via: 'file' } : undefined;
}

/** Local headers included by FILES (recursively; each file once, so cycles end). */
export function followIncludes(files: string[], host: FileHost): string[] {
  const result: string[] = [];
  const seen = new Set<string>();
  const queue = [...files];
  while (queue.length) {
    const f = normalize(queue.shift()!);
    if (seen.has(f)) continue;
    seen.add(f);
    const text = host.readFile(f);
    if (text === undefined) continue;
    result.push(f);
    for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]+"([^"\n]+)"/gm)) {
      queue.push(normalize(join(dirname(f), m[1])));
    }
  }
  return result;
}
