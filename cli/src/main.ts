// `klp-studio`: the one command-line entry point. Each subcommand lives in its own file
// under commands/ and exports `run(argv, io) => exit status`.
import { CliIO, UsageError } from './io';
import { VERSION } from '../../core/src/version';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check')).command,
  simulate: async () => (await import('./commands/simulate')).command,
  series: async () => (await import('./commands/series')).command,
  timeline: async () => (await import('./commands/timeline')).command,
  verify: async () => (await import('./commands/verify')).command,
  lsp: async () => (await import('./commands/lsp')).command,
};

async function help(io: CliIO): Promise<void> {
  const lines = ['usage: klp-studio <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const c = await load().catch(() => undefined);
    if (c) lines.push(`  ${name.padEnd(10)}${c.summary}`);
  }
  lines.push('', "Run 'klp-studio <command> --help' for a command's options.");
  io.out(lines.join('\n') + '\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.out(`klp-studio ${VERSION}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`klp-studio: unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`klp-studio ${name}: ${e.message}\n${command.usage.split('\n')[0]}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  const io: CliIO = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    isTTY: Boolean(process.stderr.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`klp-studio: internal error: ${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 3; },
  );
}
