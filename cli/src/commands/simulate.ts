// `klp-studio simulate FILE [--path DIR]... [--kernel latest|6.1|6.12|7.2] [--no-debug] [--format text|json]`:
// runs a `.klpsim` scenario through the transition simulator (core/src/sim) and prints the
// transcript (byte for byte as docs/SCENARIOS.md specifies) or the JSON events.
// `--series DIR [--from N] [--to M] [--print-scenario] [--infer]` runs the series' generated
// upgrade scenario instead (../simulateSeries.ts).
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, flag, option, parseArgs, readInputFile, UsageError } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { DEFAULT_KERNEL_PROFILE, KERNEL_PROFILES, simulateFile, type SimulateResult } from '../../../core/src/sim';
import { SIM_EVENTS_SCHEMA_VERSION, type SimRunDocument } from '../../../core/src/sim/events';
import { nodeHost } from '../../../common/src/nodeHost';
import { GENERATED_NAME, runSeriesUpgrade } from '../simulateSeries';
import { kernelTreeOption } from '../kernelTree';

const USAGE = `usage: klp-studio simulate FILE [--path DIR]... [--kernel latest|6.1|6.12|7.2]
                  [--kernel-api LEVEL] [--no-debug] [--format text|json]
       klp-studio simulate --series DIR [--from N] [--to M] [--print-scenario]
                  [--kernel-tree DIR] [--infer] [the options above]

Runs a .klpsim scenario (docs/SIMULATOR.md) on the simulated kernel and prints
what the kernel would log. Modules are looked up in the scenario's folder
(recursively) and in every --path DIR; a module loaded without sources (a typo
in its name?) is a plain module, said on stderr as a FILE:LINE: note: line.

  --path DIR           another folder with module sources (repeatable)
  --kernel K           the kernel simulated, one of the measured kernels:
                       6.1 (Debian 12: no replace or stack_order sysfs
                       files), 6.12 (Debian 13: replace, no stack_order),
                       7.2 (both files; a duplicate function fails with
                       EBUSY; old_sympos 0 = 1), or latest (the default:
                       the newest measured kernel, 7.2); 'klp-studio
                       --version' lists them, docs/FIDELITY.md the facts
  --kernel-api LEVEL   the livepatch API: upstream, state-callbacks (the
                       proposal of semantics §12, docs/STATE-CALLBACKS.md) or
                       auto (default: state-callbacks iff a loaded module
                       uses it)
  --no-debug           leave out pr_debug lines (a kernel without dynamic
                       debug)
  --format text|json   the transcript (default) or the run as JSON events
                       (docs/EVENTS.md)
  --series DIR         instead of FILE: the upgrade path of the series in DIR
                       (its klp.series): the target modules, then each patch
                       loaded over the previous one. A DIR without klp.series
                       is no series: its livepatch modules are named as the
                       klp.series to write, and the exit status is 1
  --from N, --to M     only the steps N..M (1-based positions or module names)
  --print-scenario     print the generated scenario instead of running it
  --kernel-tree DIR    with --series: the kernel tree its .patch lines apply
                       to (docs/KLP-BUILD.md)
  --infer              with --series, when DIR has no klp.series: simulate its
                       livepatch modules in natural name order (a preview; a
                       note on stderr says the order is inferred)
exit status: 0 when the scenario ran (whatever the kernel answered), 1 when a
livepatch it needs has no sources, the series has problems or DIR has no
klp.series (without --infer), 2 for a malformed
scenario, a missing FILE, bad usage, or a run beyond the simulator's limits
(sleep N at most 3600; 2.5 million events)`;

/** The simulator's note on a module it found no sources for (core/src/sim/engine.ts). */
const NO_SOURCES = /^module '[^']+' has no sources\b/;

const OPTIONS = { valued: ['--path', '--format', '--kernel', '--kernel-api', '--series', '--from', '--to', '--kernel-tree'], switches: ['--no-debug', '--print-scenario', '--infer'] };

export const command: Command = {
  summary: 'run a .klpsim scenario or a series\' upgrade on the simulated kernel',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const args = parseArgs(argv, OPTIONS.valued, OPTIONS.switches);
    const format = choice(args, '--format', ['text', 'json'] as const, 'text');
    const kernel = choice(args, '--kernel', KERNEL_PROFILES, DEFAULT_KERNEL_PROFILE);
    const series = option(args, '--series');
    const dirs = (args.flags.get('--path') ?? []).map((d) => path.resolve(io.cwd, d));
    const debug = !flag(args, '--no-debug');
    const kernelApi = choice(args, '--kernel-api', ['auto', 'upstream', 'state-callbacks'] as const, 'auto');
    const options = { debug, ...(kernel !== DEFAULT_KERNEL_PROFILE ? { kernel } : {}), ...(kernelApi !== 'auto' ? { kernelApi } : {}) };

    let r: SimulateResult;
    let given: string;
    if (series !== undefined) {
      if (args.positionals.length) throw new UsageError('--series DIR takes no scenario FILE');
      await initParser();
      const o = runSeriesUpgrade({ given: series, from: option(args, '--from'), to: option(args, '--to'), searchDirs: dirs, printScenario: flag(args, '--print-scenario'), infer: flag(args, '--infer'), options, trees: kernelTreeOption(io, args) }, io);
      if (o.kind === 'failed') return o.status;
      if (o.kind === 'printed') { io.out(o.text); return 0; }
      r = o.result;
      given = o.scenarioName;
    } else {
      for (const f of ['--from', '--to', '--print-scenario', '--kernel-tree', '--infer']) if (flag(args, f)) throw new UsageError(`${f} goes with --series DIR`);
      if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'exactly one scenario file expected' : 'missing scenario FILE (or --series DIR)');
      given = args.positionals[0];
      const { file, text } = readInputFile(io, given, `give a .klpsim scenario, or --series ${given} for the upgrade path of its series`);
      await initParser();
      r = simulateFile(file, text, dirs, nodeHost, options);
      if (r.errors.length) {
        // Report with the paths as the user gave them (relative to the current directory).
        const rel = (e: string) => (e.startsWith(file + ':') ? given + e.slice(file.length) : e).split(io.cwd.replace(/\/$/, '') + '/').join('');
        io.err(r.errors.map(rel).join('\n') + '\n');
        return r.exitStatus;
      }
    }
    if (format === 'json') {
      const doc: SimRunDocument & { kernel?: string } = {
        schema: 'klp-studio/sim-events', version: SIM_EVENTS_SCHEMA_VERSION, scenario: given, debug,
        ...(kernel !== DEFAULT_KERNEL_PROFILE ? { kernel } : {}),
        exitStatus: r.exitStatus, events: debug ? r.events : r.events.filter((e) => !e.debug),
      };
      io.out(JSON.stringify(doc, null, 1) + '\n');
    } else {
      io.out(r.transcript.length ? r.transcript.join('\n') + '\n' : '');
      // The transcript is what the kernel prints. A module loaded without sources (often a
      // typo in its name) prints nothing there: that note of the run goes to stderr. The
      // other notes (the simulator's assumptions) are in the JSON events.
      const where = series !== undefined ? `${series.replace(/\/$/, '')}/${GENERATED_NAME}` : given;
      for (const e of r.events) {
        if (e.kind === 'note' && NO_SOURCES.test(e.message)) io.err(`${where}${e.scenarioLine !== undefined ? `:${e.scenarioLine}` : ''}: note: ${e.message}\n`);
      }
    }
    return r.exitStatus;
  },
};
