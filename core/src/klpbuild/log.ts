// klp-build's own answer, when it has run: the object diff log it keeps in the kernel tree
// (`klp-tmp/4-diff/diff.log`, written by `objtool klp diff`: `<obj>.o: changed function: F`,
// `<obj>.o: new function: F`, warnings such as `no correlation: S`, errors such as
// `changed data: S`). The log belongs to the last build; it is used for a patch only when
// klp-tmp holds that build's copy of it (`NNNN-fixed-<patch file name>`). Where it and the
// source-level reading disagree, the log wins and each disagreement is said (KLP113). Pure.
import type { FileHost } from '../host';

export const DIFF_LOG = 'klp-tmp/4-diff/diff.log';

export interface DiffLogEntry {
  /** `vmlinux` or the module name. */
  object: string;
  kind: 'changed' | 'new' | 'no-correlation' | 'changed-data';
  /** The symbol as printed (with a compiler suffix such as `.isra.0` when it has one). */
  symbol: string;
  /** The C name: the symbol without compiler suffixes. */
  name: string;
  /** 0-based line in the log. */
  line: number;
}

/** `vmlinux.o` -> vmlinux; `drivers/net/dummy.o` -> dummy. */
export function objectOfLogName(obj: string): string {
  const base = obj.replace(/\.(o|ko)$/, '').split('/').pop() ?? obj;
  return base === 'vmlinux' ? 'vmlinux' : base.replace(/-/g, '_');
}

/** The C name of a compiler-made symbol: `f.isra.0`, `f.constprop.1`, `f.cold`, `f.part.0` -> `f`. */
export function cName(symbol: string): string {
  return symbol.replace(/\.(isra|constprop|part|cold|lto_priv|llvm)(\.\d+)*$/g, '').replace(/\.(isra|constprop|part|cold|lto_priv|llvm)(\.\d+)*/g, '');
}

/** Reads a diff.log text. Lines it does not know are skipped (the log also holds build noise). */
export function parseDiffLog(text: string): DiffLogEntry[] {
  const out: DiffLogEntry[] = [];
  text.split('\n').forEach((raw, line) => {
    const l = raw.replace(/\r$/, '').replace(/\x1b\[[0-9;]*m/g, '');
    const m = /^(\S+\.o): (?:(?:warning|error): objtool: )?(changed function|new function|no correlation|changed data): (\S+)\s*$/.exec(l);
    if (!m) return;
    const kind = m[2] === 'changed function' ? 'changed' : m[2] === 'new function' ? 'new' : m[2] === 'no correlation' ? 'no-correlation' : 'changed-data';
    out.push({ object: objectOfLogName(m[1]), kind, symbol: m[3], name: cName(m[3]), line });
  });
  return out;
}

/** The diff log of TREE when it belongs to a build of PATCHNAME (a file name), else undefined. */
export function readDiffLog(tree: string, patchName: string, host: FileHost): { path: string; entries: DiffLogEntry[] } | undefined {
  const tmp = `${tree}/klp-tmp`;
  const entries = host.readDir(tmp);
  if (!entries) return undefined;
  const ours = entries.some((e) => !e.isDirectory && /^\d{4}-fixed-/.test(e.name) && e.name.replace(/^\d{4}-fixed-/, '') === patchName);
  if (!ours) return undefined;
  const path = `${tree}/${DIFF_LOG}`;
  const text = host.readFile(path);
  return text === undefined ? undefined : { path, entries: parseDiffLog(text) };
}
