// `klp-studio`: the one command-line entry point. Each subcommand lives in its own file
// under commands/ and exports `run(argv, io) => exit status`; this file owns the top-level
// help (`--help`, `help [COMMAND]`, `help scenario`: ./scenarioHelp.ts), `--version`, and how
// bad usage is reported.
import { CliIO, InputError, UsageError } from './io';
import { scenarioHelpText } from './scenarioHelp';
import { VERSION } from '../../core/src/version';
import { KERNEL_PROFILES, kernelProfileSummary } from '../../core/src/sim/kernelProfile';
import { SIM_EVENTS_SCHEMA_VERSION } from '../../core/src/sim/events';

export interface Command {
  /** One line for the command list (at most 68 characters, so the list fits 80 columns). */
  summary: string;
  /** The `--help` text: synopsis lines first (`usage: ...`), then what it does and its options. */
  usage: string;
  /** Every option the command accepts: those that take a value, and the switches. */
  options: { valued: string[]; switches: string[] };
  run(argv: string[], io: CliIO): Promise<number>;
}

/** The subcommands, in the order of the help and of README's table. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check')).command,
  series: async () => (await import('./commands/series')).command,
  simulate: async () => (await import('./commands/simulate')).command,
  timeline: async () => (await import('./commands/timeline')).command,
  verify: async () => (await import('./commands/verify')).command,
  lsp: async () => (await import('./commands/lsp')).command,
};

/** Exit status for a crash (sysexits' EX_SOFTWARE): distinct from every status a command documents. */
export const INTERNAL_ERROR_STATUS = 70;

async function helpText(): Promise<string> {
  const lines = [
    'usage: klp-studio COMMAND [OPTIONS] [ARGS]',
    '       klp-studio help [COMMAND]',
    '       klp-studio help scenario   (the .klpsim scenario language)',
    '       klp-studio --version',
    '',
    'Checks, analyses and simulates Linux kernel cumulative livepatches.',
    '',
    'commands:',
  ];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${(await load()).summary}`);
  lines.push(
    '',
    'options:',
    '  -h, --help     this help; after a command, the command\'s own options',
    '  -V, --version  the version, and the kernels and formats it knows',
    '',
    'exit status: 0 success; 1 findings (check, series), a refused step or a failed',
    'run (see each command); 2 bad usage or unusable input; verify also 3 (this',
    'machine cannot run it) and 130 (cancelled);',
    `${INTERNAL_ERROR_STATUS} an internal error (please report it, with the stack trace printed).`,
    '',
    "Run 'klp-studio help COMMAND' for a command's options.",
  );
  return lines.join('\n') + '\n';
}

function versionText(): string {
  return [
    `klp-studio ${VERSION}`,
    `kernel profiles (simulate --kernel): ${KERNEL_PROFILES.join(', ')}`,
    ...kernelProfileSummary(),
    'kernel API levels (--kernel-api): upstream, state-callbacks, auto',
    `formats: sim-events v${SIM_EVENTS_SCHEMA_VERSION} (simulate --format json), verify v1, SARIF 2.1.0`,
    `node ${process.version}`,
  ].join('\n') + '\n';
}

/** The closest command name to a mistyped one (edit distance at most 2, or a prefix), if any. */
export function closestCommand(name: string): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  };
  const names = Object.keys(COMMANDS);
  const lower = name.toLowerCase();
  const prefixed = names.filter((n) => lower.length >= 2 && n.startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  const scored = names.map((n) => ({ n, d: dist(lower, n) })).filter((x) => x.d <= 2).sort((a, b) => a.d - b.d);
  return scored[0]?.n;
}

function unknownCommand(name: string, io: CliIO): number {
  const option = name.startsWith('-');
  const guess = option ? undefined : closestCommand(name);
  io.err(`klp-studio: ${option ? `unknown option '${name}' (before a command: -h, --help, -V, --version)` : `unknown command '${name}'`}${guess ? `; did you mean '${guess}'?` : ''}\n`
    + `commands: ${Object.keys(COMMANDS).join(', ')}\nRun 'klp-studio --help' for more.\n`);
  return 2;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // Nothing asked: the help, on stderr (stdout stays clean for pipes), as bad usage.
    io.err(await helpText());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.out(await helpText());
    return 0;
  }
  if (name === 'help') {
    if (!rest.length) { io.out(await helpText()); return 0; }
    if (rest.length === 1 && rest[0] === 'scenario') { io.out(scenarioHelpText()); return 0; }
    const load = COMMANDS[rest[0]];
    if (!load || rest.length > 1) return rest.length > 1 ? usageTrouble(io, 'help takes one COMMAND') : unknownCommand(rest[0], io);
    io.out((await load()).usage.trimEnd() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(versionText());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) return unknownCommand(name, io);
  const command = await load();
  const ownArgs = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    io.out(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`klp-studio ${name}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`klp-studio ${name}: ${e.message}\nRun 'klp-studio ${name} --help' for its usage.\n`);
      return 2;
    }
    throw e;
  }
}

function usageTrouble(io: CliIO, message: string): number {
  io.err(`klp-studio: ${message}\nRun 'klp-studio --help' for the commands.\n`);
  return 2;
}

if (require.main === module) {
  const io: CliIO = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    isTTY: Boolean(process.stderr.isTTY),
  };
  // A reader that goes away (`klp-studio series | head`) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (e) => {
      process.stderr.write(`klp-studio: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = INTERNAL_ERROR_STATUS;
    },
  );
}
