// Entry point of dist/server.js, the file the VS Code client (and any editor) starts: a few
// lines that load the language server itself (dist/server-bundle.js, built from ./server.ts)
// through the V8 code cache (./codeCache.ts) and start it on the transport of the command
// line. Once the first workspace index and its diagnostics are done, the bytecode compiled by
// then is saved for the next start. This file must stay small and import nothing heavy: it is
// compiled from source at every start.
import * as path from 'node:path';
import { codeCacheDir, loadWithCodeCache } from './codeCache';
import type { startServer as StartServer } from './server';

/** After the first index, how long the server stays idle before the cache is written. */
const SAVE_DELAY_MS = 1000;

const bundle = loadWithCodeCache(path.join(__dirname, 'server-bundle.js'), codeCacheDir());
const start = bundle.exports.startServer as typeof StartServer;
start(undefined, {
  codeCache: bundle.state,
  onWarm: () => {
    setTimeout(() => bundle.save(), SAVE_DELAY_MS).unref();
  },
});
