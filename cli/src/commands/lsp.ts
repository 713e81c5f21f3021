// `klp-studio lsp --stdio`: runs the language server in this process over stdin/stdout
// (the same server as dist/server.js), for Neovim, Emacs, Helix and other LSP clients.
// The server wants Node flags of its own (common/src/serverFlags.ts) that only a command line
// sets: started without them, this process runs the server in a child that has them, on the
// same stdin/stdout, and ends as the child does.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from '../main';
import { parseArgs, flag, UsageError } from '../io';
import { serverNodeFlags } from '../../../common/src/serverFlags';

/** Set in the child: it runs the server itself (and never starts another). */
const CHILD_ENV = 'KLP_STUDIO_LSP_CHILD';

export const command: Command = {
  summary: 'the language server (LSP over stdio) for any editor',
  usage: [
    'usage: klp-studio lsp --stdio',
    '',
    'Runs the KLP Studio language server, speaking LSP on stdin/stdout until the',
    'client disconnects: diagnostics, hover, definition, references, symbols, quick',
    'fixes, code lenses and the klp/* requests (docs/LSP.md). Logs go to the client',
    '(window/logMessage). Editor setups: docs/LSP.md.',
    '',
    '  --stdio   speak LSP on stdin/stdout (the only transport; required)',
    'exit status: 0 at the end of the session, 2 for bad usage',
  ].join('\n'),
  options: { valued: [], switches: ['--stdio'] },
  async run(argv) {
    const args = parseArgs(argv, [], ['--stdio']);
    if (!flag(args, '--stdio')) throw new UsageError('pass --stdio (the language server speaks LSP on stdin/stdout only)');
    if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    const relaunched = await inChildWithServerFlags();
    if (relaunched !== undefined) return relaunched;
    const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
    const { startServer } = await import('../../../server/src/server');
    const connection = startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    // Resolve only when the client goes away, so main() does not set an exit code early.
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};

/**
 * Runs this same command in a child with the server's Node flags, stdio inherited, and
 * resolves with its exit status; signals that end a session are passed on. Undefined (run the
 * server here) when this is that child, when Node was given a thread pool size by the user, or
 * when no child could be started.
 */
function inChildWithServerFlags(): Promise<number | undefined> {
  if (process.env[CHILD_ENV] || process.execArgv.some((a) => a.startsWith('--v8-pool-size'))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...serverNodeFlags(), ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [CHILD_ENV]: '1' },
    });
    const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
    const pass = (s: NodeJS.Signals) => child.kill(s);
    for (const s of signals) process.on(s, pass);
    let started = false;
    child.once('spawn', () => (started = true));
    child.once('error', () => {
      for (const s of signals) process.off(s, pass);
      if (!started) resolve(undefined);
    });
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, pass);
      resolve(code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0));
    });
  });
}
