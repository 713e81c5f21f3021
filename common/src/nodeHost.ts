// A FileHost over Node's fs, shared by the adapters (CLI, language server); the pure core
// only ever sees the FileHost interface. Only regular files are read: a FIFO or a device
// named like a source (`x.c -> /dev/zero`) in a workspace reads as missing, never blocks or
// streams for ever.
import * as fs from 'node:fs';
import type { FileHost } from '../../core/src/host';

/** Opened without blocking (a FIFO would wait for a writer), then checked to be a regular file. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

let shared = Buffer.allocUnsafe(1 << 20);

export const nodeHost: FileHost = {
  readFile(p) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, OPEN_FLAGS);
      if (!fs.fstatSync(fd).isFile()) return undefined;
      return fs.readFileSync(fd, 'utf8');
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  readBytes(p, maxBytes) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, OPEN_FLAGS);
      const st = fs.fstatSync(fd);
      if (!st.isFile() || (maxBytes && st.size > maxBytes)) return undefined;
      // One buffer reused for every read (the prefilter looks at a file's bytes once and lets
      // them go): no allocation and no garbage per file.
      if (st.size + 1 > shared.length) shared = Buffer.allocUnsafe(Math.max(st.size + 1, shared.length * 2));
      let n = 0;
      for (;;) {
        const got = fs.readSync(fd, shared, n, shared.length - n, null);
        if (got <= 0) break;
        n += got;
        if (n === shared.length) shared = Buffer.concat([shared, Buffer.allocUnsafe(shared.length)]);
      }
      return shared.subarray(0, n);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  readDir(p) {
    try {
      return fs.readdirSync(p, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch {
      return undefined;
    }
  },
};
