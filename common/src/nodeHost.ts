// A FileHost over Node's fs, shared by the adapters (CLI, language server); the pure core
// only ever sees the FileHost interface. Only regular files are read: a FIFO or a device
// named like a source (`x.c -> /dev/zero`) in a workspace reads as missing, never blocks or
// streams for ever.
import * as fs from 'node:fs';
import type { FileHost } from '../../core/src/host';

/** Opened without blocking (a FIFO would wait for a writer), then checked to be a regular file. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

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
  readDir(p) {
    try {
      return fs.readdirSync(p, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch {
      return undefined;
    }
  },
};
