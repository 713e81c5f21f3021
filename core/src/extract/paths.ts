// Module names and path normalisation used by extraction, the workspace and the server
// (pure string work: the core does no file system access).

/** Kernel module name of a source or .ko path: basename without extension, `-` -> `_`. */
export function moduleNameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.(c|ko|o|h)$/, '').replace(/-/g, '_');
}

/** Normalises `a/./b/../c` path segments (no file system access). */
export function normalize(p: string): string {
  const out: string[] = [];
  const abs = p.startsWith('/');
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}
