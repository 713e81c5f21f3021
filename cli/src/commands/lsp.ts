// `klp-studio lsp --stdio`: runs the language server in this process over stdin/stdout
// (the same server as dist/server.js), for Neovim, Emacs, Helix and other LSP clients.
import type { Command } from '../main';
import { parseArgs, flag, UsageError } from '../io';

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
    const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
    const { startServer } = await import('../../../server/src/server');
    const connection = startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    // Resolve only when the client goes away, so main() does not set an exit code early.
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
