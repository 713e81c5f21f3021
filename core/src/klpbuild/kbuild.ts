// Which object a kernel source file is built into, read from the tree's Kbuild Makefiles the
// way klp-build's objects come out of the build: `obj-y += x.o` is vmlinux,
// `obj-$(CONFIG_X) += m.o` / `obj-m` is module m (vmlinux when the tree's .config says
// CONFIG_X=y, or when Kconfig declares X as bool), `m-y := a.o sub/b.o` makes a.o part of m.
// Also finds the kernel tree that encloses a path. Pure: files through the FileHost.
import type { FileHost } from '../host';

/** A kernel tree: a folder with a Makefile, a Kconfig and kernel/. */
export function isKernelTree(dir: string, host: FileHost): boolean {
  const d = dir.replace(/\/+$/, '') || '/';
  const j = (n: string) => (d === '/' ? `/${n}` : `${d}/${n}`);
  return host.readFile(j('Makefile')) !== undefined && host.readFile(j('Kconfig')) !== undefined && host.readDir(j('kernel')) !== undefined;
}

/** The nearest folder at or above PATH (a file or a folder) that is a kernel tree. */
export function enclosingKernelTree(path: string, host: FileHost): string | undefined {
  let d = path.replace(/\/+$/, '') || '/';
  for (let k = 0; k < 64; k++) {
    if (isKernelTree(d, host)) return d;
    if (d === '/' || d === '.') return undefined;
    const i = d.lastIndexOf('/');
    d = i < 0 ? '.' : i === 0 ? '/' : d.slice(0, i);
  }
  return undefined;
}

export interface ObjectAttribution {
  /** `vmlinux` or the module name (`-` as `_`). */
  object: string;
  /** How it was found, for hovers and notes: the Makefile line, or why vmlinux is assumed. */
  how: string;
  /** The Kconfig symbol that decides, when the object is a module only if it is =m. */
  config?: string;
  /** False when the Makefiles do not mention the file (vmlinux assumed). */
  found: boolean;
}

interface KbuildLine { lhs: string; list: string[]; text: string; line: number }

function kbuildLines(text: string): KbuildLine[] {
  const out: KbuildLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let l = raw[i].replace(/#.*$/, '');
    while (/\\\s*$/.test(l) && i + 1 < raw.length) l = l.replace(/\\\s*$/, ' ') + raw[++i].replace(/#.*$/, '');
    const m = /^\s*([A-Za-z0-9_.$()-]+)\s*[:+]?=\s*(.*)$/.exec(l);
    if (m) out.push({ lhs: m[1], list: m[2].trim().split(/\s+/).filter(Boolean), text: raw[start].trim(), line: start });
  }
  return out;
}

function readConfig(tree: string, host: FileHost): Map<string, string> | undefined {
  const t = host.readFile(`${tree}/.config`);
  if (t === undefined) return undefined;
  const m = new Map<string, string>();
  for (const l of t.split('\n')) {
    const x = /^(CONFIG_\w+)=(.*)$/.exec(l);
    if (x) m.set(x[1], x[2]);
  }
  return m;
}

/** 'bool' | 'tristate' from the Kconfig files of DIR and its parents (first declaration found). */
function kconfigType(tree: string, dir: string, symbol: string, host: FileHost): string | undefined {
  const re = new RegExp(`^\\s*(?:menu)?config\\s+${symbol.replace(/^CONFIG_/, '')}\\s*$`);
  let d = dir;
  for (let k = 0; k < 8; k++) {
    for (const name of ['Kconfig', 'Kconfig.debug']) {
      const text = host.readFile(`${tree}/${d ? d + '/' : ''}${name}`);
      if (!text) continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!re.test(lines[i])) continue;
        for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
          const t = /^\s*(bool|tristate|def_bool|def_tristate)\b/.exec(lines[j]);
          if (t) return t[1].replace('def_', '');
        }
      }
    }
    if (!d) break;
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
  }
  return undefined;
}

/** The object FILE (a path relative to TREE, `.c`) is built into. */
export function objectOfFile(tree: string, file: string, host: FileHost): ObjectAttribution {
  const slash = file.lastIndexOf('/');
  let dir = slash >= 0 ? file.slice(0, slash) : '';
  let rel = (slash >= 0 ? file.slice(slash + 1) : file).replace(/\.[cS]$/, '.o');
  const config = readConfig(tree, host);
  // A composite part found in DIR: resolve the composite's own object in the same folder.
  for (let depth = 0; depth < 12; depth++) {
    const lines: KbuildLine[] = [];
    let where = '';
    for (const name of ['Kbuild', 'Makefile']) {
      const text = host.readFile(`${tree}/${dir ? dir + '/' : ''}${name}`);
      if (text !== undefined) { lines.push(...kbuildLines(text)); where = where || `${dir ? dir + '/' : ''}${name}`; }
    }
    for (let guard = 0; guard < 4; guard++) {
      const hit = lines.find((l) => l.list.includes(rel));
      if (!hit) break;
      const obj = /^obj-(y|m|\$\((CONFIG_\w+)\))$/.exec(hit.lhs);
      const name = rel.replace(/\.o$/, '').split('/').pop()!.replace(/-/g, '_');
      if (obj) {
        const how = `${where}:${hit.line + 1}: ${hit.text}`;
        if (obj[1] === 'y') return { object: 'vmlinux', how, found: true };
        if (obj[1] === 'm') return { object: name, how, found: true };
        const sym = obj[2];
        const v = config?.get(sym);
        if (v === 'y') return { object: 'vmlinux', how: `${how} (${sym}=y in .config)`, found: true };
        if (v === 'm') return { object: name, how: `${how} (${sym}=m in .config)`, found: true, config: sym };
        if (kconfigType(tree, dir, sym, host) === 'bool') return { object: 'vmlinux', how: `${how} (${sym} is a bool option: built in)`, found: true };
        return { object: name, how: `${how} (a module when ${sym}=m, vmlinux when =y${config ? '' : '; no .config in the tree'})`, found: true, config: sym };
      }
      const comp = /^([A-Za-z0-9_-]+)-(y|objs|\$\((CONFIG_\w+)\))$/.exec(hit.lhs);
      if (comp && comp[1] !== 'lib' && comp[1] !== 'extra' && comp[1] !== 'always') {
        rel = `${comp[1]}.o`;
        continue;
      }
      if (/^lib-/.test(hit.lhs)) return { object: 'vmlinux', how: `${where}:${hit.line + 1}: ${hit.text} (lib-y: linked into vmlinux)`, found: true };
      break;
    }
    if (!dir) break;
    const up = dir.lastIndexOf('/');
    rel = `${up >= 0 ? dir.slice(up + 1) : dir}/${rel}`;
    dir = up >= 0 ? dir.slice(0, up) : '';
  }
  return { object: 'vmlinux', how: `no Kbuild line names ${file.replace(/\.[cS]$/, '.o')}: vmlinux assumed`, found: false };
}
