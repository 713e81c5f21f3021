// The size limit of analysed files, shared by the language server (setting
// `klpStudio.analysis.maxFileSizeKB`) and `klp-studio check --max-file-size KB`: a file
// larger than the limit is read as empty (so it contributes nothing and costs nothing) and
// remembered, so that the adapter can say so (an information diagnostic on the file, a line
// on stderr). 0 means no limit.
import * as fs from 'node:fs';
import type { FileHost } from '../../core/src/host';

/** Default limit in KiB (a 2 MiB C file takes seconds to parse and check). */
export const DEFAULT_MAX_FILE_KB = 2048;

/** Size in bytes of a regular file, or undefined. */
export function fileSize(path: string): number | undefined {
  try {
    const st = fs.statSync(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export class FileSizeLimit {
  /** The limit in bytes (0: none). */
  maxBytes: number;
  /** Files over the limit, with their size in bytes. */
  readonly skipped = new Map<string, number>();
  /** Called when a file goes over the limit or comes back under it. */
  onChange: ((path: string) => void) | undefined;

  constructor(maxKB = DEFAULT_MAX_FILE_KB) {
    this.maxBytes = toBytes(maxKB);
  }

  setMaxKB(kb: unknown): void {
    this.maxBytes = toBytes(kb);
  }

  get maxKB(): number {
    return Math.round(this.maxBytes / 1024);
  }

  /** Whether PATH, of SIZE bytes (or UTF-16 units), is over the limit; records the answer. */
  over(path: string, size: number): boolean {
    const over = this.maxBytes > 0 && size > this.maxBytes;
    const was = this.skipped.has(path);
    if (over) this.skipped.set(path, size);
    else this.skipped.delete(path);
    if (over !== was) this.onChange?.(path);
    return over;
  }

  /** A FileHost over INNER where files over the limit read as empty. */
  wrap(inner: FileHost, sizeOf: (path: string) => number | undefined = fileSize): FileHost {
    return {
      readFile: (p) => {
        const size = sizeOf(p);
        if (size !== undefined && this.over(p, size)) return '';
        return inner.readFile(p);
      },
      // Bytes are read by the workspace prefilter, which never parses what it reads: no limit.
      ...(inner.readBytes ? { readBytes: (p: string, max?: number) => inner.readBytes!(p, max) } : {}),
      readDir: (p) => inner.readDir(p),
    };
  }

  /** Why PATH is not analysed, or undefined when it is. */
  message(path: string, setting: string): string | undefined {
    const size = this.skipped.get(path);
    if (size === undefined) return undefined;
    return `not analysed: this file (${Math.ceil(size / 1024)} KiB) is larger than ${setting} (${this.maxKB} KiB)`;
  }
}

function toBytes(kb: unknown): number {
  const n = typeof kb === 'number' ? kb : typeof kb === 'string' ? Number(kb) : NaN;
  if (!Number.isFinite(n)) return DEFAULT_MAX_FILE_KB * 1024;
  return n <= 0 ? 0 : Math.round(n * 1024);
}
