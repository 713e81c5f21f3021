// A FileHost over Node's fs, shared by the adapters (CLI, language server); the pure core
// only ever sees the FileHost interface.
import * as fs from 'node:fs';
import type { FileHost } from '../../core/src/host';

export const nodeHost: FileHost = {
  readFile(p) {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
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
