// `klp-studio simulate FILE [--path DIR]... [--no-debug] [--format text|json]`: runs a
// `.klpsim` scenario through the transition simulator (core/src/sim) and prints the
// transcript (byte for byte as scenario-format.md specifies) or the JSON events.
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, flag, parseArgs, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { simulateFile } from '../../../core/src/sim';
import { SIM_EVENTS_SCHEMA_VERSION, type SimRunDocument } from '../../../core/src/sim/events';
import { nodeHost } from '../../../common/src/nodeHost';

const USAGE = `usage: klp-studio simulate FILE [--path DIR]... [--no-debug] [--format text|json]

Runs a .klpsim scenario on the simulated kernel and prints what the kernel would log.
Modules are looked up in the scenario's folder (recursively) and in every --path DIR.

  --path DIR            another folder to look for module sources in (repeatable)
  --no-debug            leave out pr_debug lines (as a kernel without dynamic debug)
  --format text|json    the transcript (default) or the run as JSON events (docs/EVENTS.md)
exit status: 0 when the scenario ran, 1 when a livepatch it needs has no sources,
2 for a malformed scenario or bad usage`;

export const command: Command = {
  summary: 'run a .klpsim scenario on the simulated kernel (transcript or JSON events)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, ['--path', '--format'], ['--no-debug']);
    const format = choice(args, '--format', ['text', 'json'] as const, 'text');
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'exactly one scenario file expected' : 'missing scenario FILE');
    const given = args.positionals[0];
    const file = path.resolve(io.cwd, given);
    const text = nodeHost.readFile(file);
    if (text === undefined) {
      io.err(`klp-studio simulate: ${given}: No such file or directory\n`);
      return 2;
    }
    const dirs = (args.flags.get('--path') ?? []).map((d) => path.resolve(io.cwd, d));
    await initParser();
    const debug = !flag(args, '--no-debug');
    const r = simulateFile(file, text, dirs, nodeHost, { debug });
    if (r.errors.length) {
      // Report with the path as the user gave it.
      // Report with the paths as the user gave them (relative to the current directory).
      const rel = (e: string) => (e.startsWith(file + ':') ? given + e.slice(file.length) : e).split(io.cwd.replace(/\/$/, '') + '/').join('');
      io.err(r.errors.map(rel).join('\n') + '\n');
      return r.exitStatus;
    }
    if (format === 'json') {
      const doc: SimRunDocument = { schema: 'klp-studio/sim-events', version: SIM_EVENTS_SCHEMA_VERSION, scenario: given, debug, exitStatus: r.exitStatus, events: debug ? r.events : r.events.filter((e) => !e.debug) };
      io.out(JSON.stringify(doc, null, 1) + '\n');
    } else {
      io.out(r.transcript.length ? r.transcript.join('\n') + '\n' : '');
    }
    return r.exitStatus;
  },
};
