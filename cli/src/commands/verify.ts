// `klp-studio verify SCENARIO`: runs a `.klpsim` scenario on a real Linux kernel (Debian
// 12's 6.1 or Debian 13's 6.12 under QEMU, or --kernel-image/--kernel-build) and on the
// simulator, prints both transcripts and their unified diff; the simulator runs the kernel
// version profile of the kernel booted (core/src/sim/kernelProfile.ts). Exit 0 when they
// agree, 1 when they differ, 2 for bad usage or a malformed scenario, 3 when this machine
// cannot run the check (with what is missing and how to install it), 130 when cancelled.
// A progress line on the terminal; Ctrl-C cancels and cleans up. The host side lives in
// verify/src, the pure parts in core/src/verify.
import * as path from 'node:path';
import type { Command } from '../main';
import { choice, flag, option, parseArgs, readInputFile, UsageError, type CliIO } from '../io';
import { initParser } from '../../../core/src/cparse/parser';
import { simulateFile, type KernelProfileName } from '../../../core/src/sim';
import { compareTranscripts, simulatorProfileFor, type Comparison } from '../../../core/src/verify/compare';
import { transcriptText } from '../../../core/src/verify/transcript';
import { nodeHost } from '../../../common/src/nodeHost';
import { VerifyCancelled, VerifyEnvError } from '../../../verify/src/env';
import { DEBIAN_KERNELS, expectedVersionOf } from '../../../verify/src/kernel';
import { ModulesDoNotBuild, runOnRealKernel, VerifyInputError, type VerifyRun } from '../../../verify/src/run';

const USAGE = `usage: klp-studio verify SCENARIO [--path DIR]... [--diff | --no-diff]
                  [--format text|json] [OPTIONS]

Runs the scenario on a real kernel under QEMU and on the simulator (with its
profile of the kernel booted: 6.1 for Debian 12, 6.12 for Debian 13), and
prints the real transcript, the simulated one and a unified diff (simulator ->
real kernel).
Modules are looked up as 'simulate' does (the scenario's folder, then every
--path DIR), built with Kbuild against the kernel's headers and cached with the
kernel in ~/.cache/klp-studio/verify (or $KLP_STUDIO_CACHE). '#@' directives are
simulator-only: they are not enacted (docs/VERIFY.md).

  --path DIR            another folder with module sources (repeatable)
  --diff                diff with the simulator (the default)
  --no-diff             only run the real kernel and print its transcript
  --format text|json    output format (default text)
options:
  --kernel debian-12    Debian 12's kernel (6.1), fetched with apt-get
                        download (the default)
  --kernel debian-13    Debian 13's kernel series (6.12) from
                        bookworm-backports, fetched through a private apt
                        configuration in the cache (with pahole if it is not
                        installed)
  --kernel-image FILE   boot this bzImage instead, with
  --kernel-build DIR    its build tree (both or neither)
  --smp N               guest CPUs (default 1: transitions finish inside each
                        command)
  --accel tcg|kvm       QEMU accelerator (default tcg; nested KVM is often
                        broken)
  --timeout S           stop the VM after S seconds (default: from the
                        scenario's length)
  --keep                keep the run folder (initramfs, init script, logs) and
                        print it
  --progress            progress as 'verify: progress: ...' lines on stderr
                        (for editors; on a terminal a progress line is shown)
exit status: 0 the transcripts agree (or --no-diff), 1 they differ or a module
the scenario loads does not compile (the compiler's errors), 2 bad usage
or scenario, 3 this machine cannot run the check (missing tools, no network,
a build that fails outside the module's sources, VM timeout: stderr says what
is missing), 130 cancelled`;

const OPTIONS = {
  valued: ['--path', '--format', '--timeout', '--kernel', '--kernel-image', '--kernel-build', '--smp', '--accel'],
  switches: ['--keep', '--no-diff', '--diff', '--progress'],
};

interface JsonReport {
  schema: 'klp-studio/verify';
  version: 1;
  scenario: string;
  kernel: { profile: string; release: string; version: string };
  agree: boolean | null;
  real: { transcript: string[]; tainted?: number; steps: { line: number; command: string; result: string | number | null; kernel: string[]; settled: number | 'stalled' | 'timeout' | 'none' | null }[] };
  simulated: { transcript: string[]; kernel: KernelProfileName } | null;
  diff: string;
  notes: string[];
  directives: { line: number; text: string }[];
  modules: { name: string; cached: boolean; fromSources: boolean }[];
  timings: VerifyRun['timings'];
  runDir?: string;
}

/**
 * Modules the scenario loads do not compile against the kernel (with its own Kbuild's
 * flags): the compiler's errors are the findings, as gcc-style lines with the user's paths
 * (JSON: `build`, with an empty real transcript); the scenario is not run. Exit 1.
 */
function reportBuildFailures(io: CliIO, e: ModulesDoNotBuild, o: { format: 'text' | 'json'; given: string; simulated?: string[]; simKernel: KernelProfileName }): number {
  const rel = (f: string) => (path.relative(io.cwd, f).startsWith('..') ? f : path.relative(io.cwd, f));
  const lines = e.failures.flatMap((f) => f.diagnostics.map((d) => `${rel(d.file)}:${d.line}:${d.column}: ${d.severity}: ${d.message}`));
  const note = `${e.message} with the flags of the kernel's own Kbuild: the scenario was not run (fix the module, or verify with a scenario that does not load it)`;
  if (o.format === 'json') {
    const report = {
      schema: 'klp-studio/verify', version: 1, scenario: o.given,
      kernel: { profile: e.kernel.profile, release: e.kernel.release, version: e.kernel.version },
      agree: false,
      real: { transcript: [] as string[], steps: [] as unknown[] },
      simulated: o.simulated ? { transcript: o.simulated, kernel: o.simKernel } : null,
      diff: '', notes: [note, ...lines], directives: [], modules: [],
      build: e.failures.map((f) => ({ module: f.module, release: f.release, diagnostics: f.diagnostics.map((d) => ({ ...d, file: rel(d.file) })) })),
      timings: { prepareMs: 0, vmMs: 0, totalMs: 0 },
    };
    io.out(JSON.stringify(report, null, 1) + '\n');
  } else {
    io.out(`== does not build against ${e.kernel.release} (the kernel's own Kbuild flags, nothing added): ${e.failures.map((f) => f.module).join(', ')}\n`);
    io.out(lines.join('\n') + '\n');
  }
  io.err(`klp-studio verify: ${note}\n`);
  return 1;
}

/** Whether to diff with the simulator: --diff (the default) or --no-diff, the last one given wins. */
export function wantsDiff(argv: string[]): boolean {
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return own.lastIndexOf('--no-diff') < own.lastIndexOf('--diff') || !own.includes('--no-diff');
}

function progressLine(io: CliIO, lines: boolean): (m: string) => void {
  if (lines) return (m) => io.err(`verify: progress: ${m}\n`);
  if (!io.isTTY) return () => {};
  return (m) => io.err(`\r\x1b[Kverify: ${m.length > 100 ? m.slice(0, 97) + '...' : m}`);
}

export const command: Command = {
  summary: 'run a scenario on a real kernel (QEMU), diffed with the simulator',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const args = parseArgs(argv, OPTIONS.valued, OPTIONS.switches);
    const format = choice(args, '--format', ['text', 'json'] as const, 'text');
    const kernelName = choice(args, '--kernel', DEBIAN_KERNELS, 'debian-12');
    const accel = choice(args, '--accel', ['tcg', 'kvm'] as const, 'tcg');
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? `one SCENARIO expected (got ${args.positionals.map((p) => `'${p}'`).join(', ')})` : 'missing SCENARIO');
    const num = (name: string, min: number): number | undefined => {
      const v = option(args, name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} needs a number >= ${min} (got '${v}')`);
      return n;
    };
    const timeoutS = num('--timeout', 1);
    const smp = num('--smp', 1);
    const image = option(args, '--kernel-image');
    const build = option(args, '--kernel-build');
    if (Boolean(image) !== Boolean(build)) throw new UsageError('--kernel-image and --kernel-build go together');
    const given = args.positionals[0];
    const { file, text } = readInputFile(io, given, 'give a .klpsim scenario');
    const dirs = (args.flags.get('--path') ?? []).map((d) => path.resolve(io.cwd, d));
    const withSim = wantsDiff(argv);

    // The simulator first: it validates the scenario (and is instant). It runs the profile
    // of the kernel asked for; once the booted kernel's version is known, again if that differs.
    let simulated: string[] | undefined;
    let simKernel: KernelProfileName = simulatorProfileFor(image ? 'custom' : expectedVersionOf(kernelName)).profile;
    const simulate = (kernel: KernelProfileName) => simulateFile(file, text, dirs, nodeHost, { debug: true, kernel });
    if (withSim) {
      await initParser();
      const sim = simulate(simKernel);
      if (sim.errors.length) {
        io.err(sim.errors.map((e) => (e.startsWith(file + ':') ? given + e.slice(file.length) : e)).join('\n') + '\n');
        return sim.exitStatus === 1 ? 3 : 2;
      }
      simulated = sim.transcript;
    }

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const lineProgress = flag(args, '--progress');
    const progress = progressLine(io, lineProgress);
    let run: VerifyRun;
    try {
      run = await runOnRealKernel({
        scenarioPath: file, searchDirs: dirs, kernel: kernelName, kernelImage: image && path.resolve(io.cwd, image), kernelBuild: build && path.resolve(io.cwd, build),
        smp, accel, timeoutS, keep: flag(args, '--keep'), signal: controller.signal, progress,
      });
    } catch (e) {
      if (io.isTTY && !lineProgress) io.err('\r\x1b[K');
      if (e instanceof VerifyCancelled) { io.err('klp-studio verify: cancelled\n'); return 130; }
      if (e instanceof VerifyInputError) { io.err(`klp-studio verify: ${e.message}\n`); return 2; }
      if (e instanceof ModulesDoNotBuild) return reportBuildFailures(io, e, { format, given, simulated, simKernel });
      if (e instanceof VerifyEnvError) { io.err(`klp-studio verify: ${e.message}\n`); return 3; }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    if (io.isTTY && !lineProgress) io.err('\r\x1b[K');

    const profile = simulatorProfileFor(run.kernel.version);
    if (simulated && profile.profile !== simKernel) {
      simKernel = profile.profile;
      simulated = simulate(simKernel).transcript;
    }
    const cmp: Comparison | undefined = simulated ? compareTranscripts(run.plan, { release: run.kernel.release, profile }, run.real.lines, simulated) : undefined;
    const notes = cmp?.notes ?? [];
    if (!cmp && run.plan.directives.length) notes.push(`${run.plan.directives.length === 1 ? '1 #@ directive was' : `${run.plan.directives.length} #@ directives were`} not enacted on the real kernel`);
    for (const s of run.real.steps) if (s.settled === 'timeout') notes.push(`line ${s.command.line}: a transition was still pending when the next command ran (no retry of it was seen within 3 s)`);
    const stand = run.modules.filter((m) => !m.fromSources).map((m) => m.name);
    if (stand.length) notes.push(`no sources for ${stand.join(', ')}: loaded an empty stand-in module of that name`);

    if (format === 'json') {
      const report: JsonReport = {
        schema: 'klp-studio/verify', version: 1, scenario: given,
        kernel: { profile: run.kernel.profile, release: run.kernel.release, version: run.kernel.version },
        agree: cmp ? cmp.agree : null,
        real: {
          transcript: run.real.lines, tainted: run.real.tainted,
          steps: run.real.steps.map((s) => ({ line: s.command.line, command: s.command.text, result: s.result ?? null, kernel: s.kernel, settled: s.settled ?? null })),
        },
        simulated: simulated ? { transcript: simulated, kernel: simKernel } : null,
        diff: cmp?.diff ?? '', notes, directives: run.plan.directives,
        modules: run.modules.map((m) => ({ name: m.name, cached: m.cached, fromSources: m.fromSources })),
        timings: run.timings, runDir: run.runDir,
      };
      io.out(JSON.stringify(report, null, 1) + '\n');
    } else {
      io.out(`== real kernel ${run.kernel.release} (QEMU ${accel}, ${smp ?? 1} CPU): ${given}\n`);
      io.out(transcriptText(run.real.lines));
      if (cmp && simulated) {
        io.out(`== simulator (--kernel ${simKernel}): ${given}\n`);
        io.out(transcriptText(simulated));
        io.out(cmp.agree ? '== no differences\n' : `== differences (simulator -> real kernel)\n${cmp.diff}`);
      }
      for (const n of notes) io.err(`klp-studio verify: note: ${n}\n`);
      if (run.runDir) io.err(`klp-studio verify: run folder kept: ${run.runDir}\n`);
      const t = run.timings;
      io.err(`klp-studio verify: ${(t.totalMs / 1000).toFixed(1)} s (prepare ${(t.prepareMs / 1000).toFixed(1)} s, VM ${(t.vmMs / 1000).toFixed(1)} s${t.bootMs !== undefined ? `, boot ${(t.bootMs / 1000).toFixed(1)} s` : ''})\n`);
    }
    return cmp && !cmp.agree ? 1 : 0;
  },
};
