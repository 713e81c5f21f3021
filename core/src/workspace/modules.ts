// Finding a module's sources through a FileHost: a Kbuild/Makefile `obj-m += NAME.o` with
// `NAME-y`/`NAME-objs` lists names a multi-file module; otherwise NAME.c (or a file whose
// name normalises to NAME). Local `#include "..."` files are followed, cycles included.
import type { FileHost } from '../host';
import type { ModuleModel, SourceText } from '../model';
import { extractModule, moduleNameOf, normalize } from '../extract';

export type ModuleLookup =
  | { ok: true; name: string; files: string[]; via: 'kbuild' | 'file' }
  | { ok: false; name: string; error: string; looked: string[] };

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);
const MAX_FILES = 20000;

export function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

/** Every file under DIR (recursively), skipping VCS, build and dependency folders. */
export function walk(dir: string, host: FileHost, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const stack = [dir];
  const seen = new Set<string>();
  while (stack.length && out.length < MAX_FILES) {
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
    return { name: moduleNameOf(o), kbuild: path, parts: parts?.map((p) => join(dir, p.replace(/\.o$/, '.c'))) };
  });
}

function kbuildModules(dirs: string[], host: FileHost): KbuildModule[] {
  const out: KbuildModule[] = [];
  for (const d of dirs) {
    for (const f of walk(d, host, (n) => n === 'Kbuild' || n === 'Makefile')) {
      const text = host.readFile(f);
      if (text) out.push(...parseKbuild(f, text));
    }
  }
  return out;
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

/** Locates the sources of module NAME in the search directories (recursively). */
export function findModuleSources(name: string, searchDirs: string[], host: FileHost): ModuleLookup {
  const want = moduleNameOf(name);
  const looked: string[] = [];
  for (const k of kbuildModules(searchDirs, host)) {
    if (k.name !== want) continue;
    const mainFile = join(dirname(k.kbuild), `${want}.c`);
    const parts = k.parts ?? [mainFile];
    const present = parts.filter((p) => host.readFile(p) !== undefined);
    looked.push(...parts);
    if (present.length) return { ok: true, name: want, files: followIncludes(present, host), via: 'kbuild' };
  }
  for (const d of searchDirs) {
    const candidates = walk(d, host, (n) => n.endsWith('.c') && moduleNameOf(n) === want);
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
 * Every module whose sources are in DIR (recursively; skips node_modules and .git): the
 * Kbuild-defined ones, then every other `.c` file that is not part of a composite module.
 */
export function discoverModules(dir: string, host: FileHost): { name: string; files: string[] }[] {
  const out: { name: string; files: string[] }[] = [];
  const claimed = new Set<string>();
  const names = new Set<string>();
  for (const k of kbuildModules([dir], host)) {
    if (names.has(k.name)) continue;
    const parts = (k.parts ?? [join(dirname(k.kbuild), `${k.name}.c`)]).filter((p) => host.readFile(p) !== undefined);
    if (!parts.length) continue;
    parts.forEach((p) => claimed.add(normalize(p)));
    const files = followIncludes(parts, host);
    if (!files.length) continue; // the parts vanished since they were read
    names.add(k.name);
    out.push({ name: k.name, files });
  }
  for (const f of walk(dir, host, (n) => n.endsWith('.c'))) {
    const nf = normalize(f);
    if (claimed.has(nf)) continue;
    const name = moduleNameOf(f);
    if (names.has(name)) continue;
    // A name that cannot be read (a FIFO, a device, a file gone since the walk) is no module.
    const files = followIncludes([nf], host);
    if (!files.length) continue;
    names.add(name);
    out.push({ name, files });
  }
  return out;
}
