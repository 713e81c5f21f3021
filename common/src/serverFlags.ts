// The Node.js flags the language server process runs with, wherever it is started: by the
// VS Code client (client/src/languageClient.ts), by `klp-studio lsp` for other editors
// (cli/src/commands/lsp.ts) and by the benchmarks (bench/lsp.ts). One place, so that what is
// measured is what users run. The numbers behind both flags are in docs/PERFORMANCE.md.
import * as os from 'node:os';

/** Node's own default for V8's background thread pool. */
const NODE_DEFAULT_POOL = 4;

/**
 * How many background threads V8 gets: one fewer than the cores, at least one, at most Node's
 * default. Node starts four whatever the machine. On two cores those threads (optimising
 * compilers, wasm tier-up, parallel garbage collection) took the main thread's core from it:
 * the 100-module workspace index took a fifth longer, and the server's start a tenth.
 */
export function v8PoolSize(cores: number = availableCores()): number {
  return Math.max(1, Math.min(NODE_DEFAULT_POOL, Math.floor(cores) - 1));
}

/**
 * The flags, before the script on the command line. A 2 MB young generation (V8's own grows to
 * 16 MB per semi-space) keeps about 30 MB less resident for a 50,000-line source at a small
 * cost per edit. Electron (desktop VS Code's `ELECTRON_RUN_AS_NODE`) accepts both; it runs V8
 * on its own thread pool and ignores the pool size.
 */
export function serverNodeFlags(cores?: number): string[] {
  return ['--max-semi-space-size=2', `--v8-pool-size=${v8PoolSize(cores)}`];
}

function availableCores(): number {
  // (os.availableParallelism: Node 18.14 and later; older runtimes count CPUs.)
  const f = (os as { availableParallelism?: () => number }).availableParallelism;
  return typeof f === 'function' ? f() : os.cpus().length || 1;
}
