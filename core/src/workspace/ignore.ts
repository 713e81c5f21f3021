// Which paths a workspace walk leaves out: `.gitignore` files (the usual subset of their
// syntax: `#` comments, `!` negation, a leading or inner `/` anchoring to the file's folder,
// a trailing `/` for folders, `*`, `?`, `**` and `[...]`), plus what is never a livepatch
// source: version-control, dependency and editor folders, and kernel build output
// (`*.mod.c`, `.tmp_versions`, `klp-tmp/`). Pure: the walk hands in the texts it read.

export interface IgnoreRule {
  /** The folder of the .gitignore the rule comes from (paths are matched relative to it). */
  base: string;
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** Folders never walked: VCS metadata, dependencies, the build output of kbuild and klp-build. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.tmp_versions', 'klp-tmp']);

/** Files that are generated build output, never sources (modpost's `NAME.mod.c`). */
export function isBuildOutput(name: string): boolean {
  return name.endsWith('.mod.c');
}

function globToRegExp(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` any folders, `/**` everything below, `**` alone anything.
        if (glob[i + 2] === '/') { re += '(?:.*/)?'; i += 2; } else { re += '.*'; i += 1; }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[i + 1].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

/** The rules of one .gitignore in folder BASE. Lines that cannot be read are skipped. */
export function parseGitignore(base: string, text: string): IgnoreRule[] {
  const out: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    let negate = false;
    if (line.startsWith('!')) { negate = true; line = line.slice(1); }
    let dirOnly = false;
    if (line.endsWith('/')) { dirOnly = true; line = line.slice(0, -1); }
    if (!line) continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    try {
      const re = new RegExp(anchored ? `^${globToRegExp(line)}$` : `(?:^|/)${globToRegExp(line)}$`);
      out.push({ base, re, negate, dirOnly });
    } catch {
      // an unreadable pattern matches nothing
    }
  }
  return out;
}

/** Whether PATH (a file or folder below the rules' bases) is ignored: the last matching rule decides. */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const r of rules) {
    if (r.dirOnly && !isDirectory) continue;
    const prefix = r.base.endsWith('/') ? r.base : r.base + '/';
    if (!path.startsWith(prefix)) continue;
    if (r.re.test(path.slice(prefix.length))) ignored = !r.negate;
  }
  return ignored;
}
