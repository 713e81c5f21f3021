// The only way the core reaches files: an interface the caller implements (Node's fs in
// the CLI, open documents + disk in the server, an in-memory map in tests). The core itself
// does no I/O.
export interface FileHost {
  /** File text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /**
   * File bytes, or undefined (optional: the workspace prefilter reads files it will most
   * likely not parse as bytes, without decoding them; without it, readFile is used). With
   * MAXBYTES, a larger file is not read: undefined. The bytes are valid until the next
   * readBytes call (a host may reuse one buffer).
   */
  readBytes?(path: string, maxBytes?: number): Uint8Array | undefined;
  /** Entries of a directory (names only), or undefined when it is not a directory. */
  readDir(path: string): { name: string; isDirectory: boolean }[] | undefined;
}

/** A FileHost over an in-memory map of path -> text (directories are implied by paths). */
export function memoryHost(files: Record<string, string>): FileHost {
  const norm = (p: string) => p.replace(/\/+$/, '');
  return {
    readFile: (p) => files[p],
    readDir: (dir) => {
      const d = norm(dir) + '/';
      const seen = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(d)) continue;
        const rest = f.slice(d.length);
        const slash = rest.indexOf('/');
        if (slash < 0) seen.set(rest, false);
        else seen.set(rest.slice(0, slash), true);
      }
      return seen.size ? [...seen].map(([name, isDirectory]) => ({ name, isDirectory })) : undefined;
    },
  };
}
