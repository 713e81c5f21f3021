// Finding a module's sources by its name through a FileHost (a klp.series line, `simulate`,
// `verify`): a Kbuild/Makefile `obj-m += NAME.o` with `NAME-y`/`NAME-objs` lists names a
// multi-file module; otherwise NAME.c (or a file whose name normalises to NAME). Local
// `#include "..."` files are followed, cycles included. Scanning a whole workspace is
// ./scan.ts.
import type { FileHost } from '../host';
import type { ModuleModel, SourceText } from '../model';
import { extractModule, moduleNameOf } from '../extract';
import { dirname, followIncludes, join, parseKbuild, scanWorkspace, type KbuildModule } from './scan';

export { dirname, followIncludes, join, parseKbuild, type KbuildModule } from './scan';

export type ModuleLookup =
  | { ok: true; name: string; files: string[]; via: 'kbuild' | 'file' }
  | { ok: false; name: string; error: string; looked: string[] };

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.tmp_versions', 'klp-tmp']);
const MAX_FILES = 20000;

/** Every file under DIR (recursively), skipping VCS, build and dependency folders. */
export function walk(dir: string, host: FileHost, accept: (name: string) => boolean, max = MAX_FILES): string[] {
  const out: string[] = [];
  const stack = [dir];
  const seen = new Set<string>();
  while (stack.length && out.length < max) {
    const d = stack.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    const entries = host.readDir(d);
    if (!entries) continue;
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of sorted) {
      if (e.isDirectory) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) subdirs.push(join(d, e.name));
      } else if (accept(e.name)) out.push(join(d, e.name));
    }
    stack.push(...subdirs.reverse());
  }
  return out;
}

/**
 * What several lookups in the same folders share (the lines of one klp.series): the Kbuild
 * modules and the C files found under each folder, walked once instead of once per name.
 */
export interface LookupMemo {
  kbuild: Map<string, KbuildModule[]>;
  cFiles: Map<string, string[]>;
}

export function newLookupMemo(): LookupMemo {
  return { kbuild: new Map(), cFiles: new Map() };
}

function kbuildModules(dirs: string[], host: FileHost, memo?: LookupMemo): KbuildModule[] {
  const key = dirs.join('\n');
  const known = memo?.kbuild.get(key);
  if (known) return known;
  const out: KbuildModule[] = [];
  memo?.kbuild.set(key, out);
  for (const d of dirs) {
    for (const f of walk(d, host, (n) => n === 'Kbuild' || n === 'Makefile')) {
      const text = host.readFile(f);
      if (text) out.push(...parseKbuild(f, text));
    }
  }
  return out;
}

/** Locates the sources of module NAME in the search directories (recursively). */
export function findModuleSources(name: string, searchDirs: string[], host: FileHost, memo?: LookupMemo): ModuleLookup {
  const want = moduleNameOf(name);
  const looked: string[] = [];
  for (const k of kbuildModules(searchDirs, host, memo)) {
    if (k.name !== want) continue;
    const mainFile = join(dirname(k.kbuild), `${want}.c`);
    const parts = k.parts ?? [mainFile];
    const present = parts.filter((p) => host.readFile(p) !== undefined);
    looked.push(...parts);
    if (present.length) return { ok: true, name: want, files: followIncludes(present, host), via: 'kbuild' };
  }
  for (const d of searchDirs) {
    let candidates: string[];
    if (memo) {
      let all = memo.cFiles.get(d);
      if (!all) memo.cFiles.set(d, (all = walk(d, host, (n) => n.endsWith('.c'), MAX_FILES * 10)));
      candidates = all.filter((f) => moduleNameOf(f.slice(f.lastIndexOf('/') + 1)) === want).slice(0, MAX_FILES);
    } else candidates = walk(d, host, (n) => n.endsWith('.c') && moduleNameOf(n) === want);
    looked.push(join(d, `**/${want}.c`));
    if (candidates.length) {
      // The shallowest match wins (a module's own folder before nested copies).
      candidates.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
      return { ok: true, name: want, files: followIncludes([candidates[0]], host), via: 'file' };
    }
  }
  const kb = looked.length ? '' : '';
  return { ok: false, name: want, error: `no sources found for module '${want}'${kb}`, looked };
}

/** Reads the files of a lookup into SourceTexts (missing files are skipped). */
export function readSources(files: string[], host: FileHost): SourceText[] {
  const out: SourceText[] = [];
  for (const f of files) {
    const text = host.readFile(f);
    if (text !== undefined) out.push({ path: f, text });
  }
  return out;
}

/** Finds and extracts a module (sources + followed local includes). Requires initParser(). */
export function loadModule(name: string, searchDirs: string[], host: FileHost): { ok: true; model: ModuleModel } | { ok: false; error: string; looked: string[] } {
  const found = findModuleSources(name, searchDirs, host);
  if (!found.ok) return found;
  return { ok: true, model: extractModule(found.name, readSources(found.files, host)) };
}

/**
 * The livepatch modules under DIR: every module with a source that mentions the livepatch
 * API (./scan.ts), by path; two modules of the same name in different folders are both here.
 */
export function discoverModules(dir: string, host: FileHost): { key: string; name: string; files: string[] }[] {
  return scanWorkspace([dir], host).modules;
}
