// Simulator benchmark (not a timed test): a series of cumulative patches, each replacing
// the previous one, over many declared tasks and patched functions, with stalled
// transitions, signals (sleep past retry 15) and force. Prints events per second and how
// the run time grows with tasks x functions. Run: node -r esbuild-register bench/sim.ts
// (options: --tasks N --funcs N --patches N --grid --transcript). `scaling()` is the
// growth-exponent figure of `npm run bench` (bench/main.ts). Numbers go to docs/PERFORMANCE.md.
import { runScenario } from '../core/src/sim';
import { parseScenario } from '../core/src/scenario/parse';
import type { SimModuleSpec } from '../core/src/sim/spec';

export interface Size { tasks: number; funcs: number; patches: number }

/** Patch i patches every function except a window of 5% that moves along the series (NOPs). */
function patchSpec(i: number, funcs: number): SimModuleSpec {
  const win = Math.max(1, Math.floor(funcs / 20));
  const start = (i * 37) % funcs;
  const names: string[] = [];
  for (let j = 0; j < funcs; j++) if ((j - start + funcs) % funcs >= win) names.push(`fn_${j}`);
  return {
    name: `lp_${i}`, hasSources: true, livepatchMarker: true, params: [], notes: [],
    patch: {
      valid: true, replace: { kind: 'const', value: 1 }, states: [{ id: 1, version: i }],
      shadow: { alloc: [], free: [], get: [] },
      objs: [{
        name: null,
        funcs: names.map((n) => ({ oldName: n, newFunc: `lp_${i}_${n}`, hasNewFunc: true, sympos: 0 })),
        callbacks: {
          pre_patch: { cFunction: 'pre_patch', returns: { kind: 'const', value: 0 } },
          post_patch: { cFunction: 'post_patch', returns: { kind: 'const', value: 0 } },
          pre_unpatch: { cFunction: 'pre_unpatch', returns: { kind: 'const', value: 0 } },
          post_unpatch: { cFunction: 'post_unpatch', returns: { kind: 'const', value: 0 } },
        },
      }],
    },
  };
}

/** The scenario: background tasks, then per patch a few blockers, signals and force or leave. */
function scenarioText(s: Size): string {
  const lines: string[] = [];
  const blockers = Math.min(40, Math.floor(s.tasks / 10));
  for (let t = 0; t < s.tasks - blockers; t++) lines.push(`#@ task bg${t}${t % 3 ? ' kthread' : ''} sleeps-in schedule,fn_idle_${t % 97}`);
  const win = Math.max(1, Math.floor(s.funcs / 20));
  for (let i = 1; i <= s.patches; i++) {
    // Blockers sleep in code the new patch replaces: the previous patch's version (or the
    // original for the first patch), outside the window the previous patch left to NOPs.
    const prevStart = ((i - 1) * 37) % s.funcs;
    const held: string[] = [];
    for (let b = 0; b < blockers; b++) {
      const j = (prevStart + win + b * 7) % s.funcs;
      const fn = i === 1 ? `fn_${j}` : `lp_${i - 1}_fn_${j}`;
      held.push(fn);
      lines.push(`#@ task blk${b}${b % 2 ? ' kthread' : ''} sleeps-in ${fn}`);
    }
    lines.push(`insmod lp_${i}.ko`);
    lines.push(`cat /sys/kernel/livepatch/lp_${i}/transition`);
    lines.push('sleep 16'); // signals at retry 15: user-task blockers switch
    if (i % 2 === 0) lines.push(`echo 1 > /sys/kernel/livepatch/lp_${i}/force`);
    else {
      for (let b = 0; b < blockers; b++) lines.push(`#@ task blk${b} leaves ${held[b]}`);
      lines.push('sleep 1');
    }
    for (let b = 0; b < blockers; b++) if (i % 2 === 0) lines.push(`#@ task blk${b} leaves ${held[b]}`);
    if (i > 1) lines.push(`rmmod lp_${i - 1}`);
  }
  lines.push('ls /sys/kernel/livepatch');
  return lines.join('\n') + '\n';
}

export function run(s: Size): { parseMs: number; runMs: number; events: number; lines: number; transcript: string[] } {
  const modules = new Map<string, SimModuleSpec>();
  for (let i = 1; i <= s.patches; i++) modules.set(`lp_${i}`, patchSpec(i, s.funcs));
  const text = scenarioText(s);
  let t0 = performance.now();
  const sc = parseScenario('bench.klpsim', text);
  const parseMs = performance.now() - t0;
  if (sc.errors.length) throw new Error(sc.errors[0].message);
  // CPU time of this process (user + system): steadier than wall time on a shared machine.
  const c0 = process.cpuUsage();
  const r = runScenario(sc, modules);
  const c1 = process.cpuUsage(c0);
  const runMs = (c1.user + c1.system) / 1000;
  return { parseMs, runMs, events: r.events.length, lines: r.transcript.length, transcript: r.transcript };
}

/**
 * Scaling in tasks x functions for bench/main.ts: CPU ms (best of RUNS) of a 4x4 grid corner
 * set, and the growth exponents: log(T(4x) / T(x)) / log 4 along tasks, along functions and
 * along both at once (1 = linear).
 */
export function scaling(patches = 20, runs = 3, base = { tasks: 2000, funcs: 250 }): {
  cells: { tasks: number; funcs: number; ms: number; events: number }[];
  tasks: number; funcs: number; both: number;
} {
  run({ tasks: 500, funcs: 100, patches: 5 }); // warm-up
  const cell = (tasks: number, funcs: number) => {
    const xs = Array.from({ length: runs }, () => run({ tasks, funcs, patches }));
    const best = xs.reduce((a, b) => (a.runMs <= b.runMs ? a : b));
    return { tasks, funcs, ms: best.runMs, events: best.events };
  };
  const a = cell(base.tasks, base.funcs);
  const t = cell(base.tasks * 4, base.funcs);
  const f = cell(base.tasks, base.funcs * 4);
  const b = cell(base.tasks * 4, base.funcs * 4);
  const exp = (x: number, y: number) => Math.log(y / x) / Math.log(4);
  return { cells: [a, t, f, b], tasks: exp(a.ms, t.ms), funcs: exp(a.ms, f.ms), both: exp(a.ms, b.ms) };
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? parseInt(process.argv[i + 1], 10) : dflt;
}

function main(): void {
  const size = { tasks: arg('--tasks', 10000), funcs: arg('--funcs', 2000), patches: arg('--patches', 50) };
  run({ tasks: 500, funcs: 100, patches: 5 }); // warm-up
  const r = run(size);
  console.log(`simulate: ${size.tasks} tasks, ${size.funcs} functions, ${size.patches} cumulative patches (stalls, signals, force)`);
  console.log(`  parse ${r.parseMs.toFixed(0)} ms, run ${r.runMs.toFixed(0)} ms CPU, ${r.events} events (${Math.round(r.events / (r.runMs / 1000))} events/s), ${r.lines} transcript lines`);
  if (process.argv.includes('--transcript')) console.log(r.transcript.join('\n'));
  if (process.argv.includes('--grid')) {
    console.log('\n| tasks \\ functions | ' + [250, 1000, 2000, 4000].join(' | ') + ' |');
    console.log('|---|---|---|---|---|');
    for (const tasks of [1000, 5000, 10000, 20000]) {
      const cells = [250, 1000, 2000, 4000].map((funcs) => {
        // Best of three: the machine may be shared.
        const xs = [0, 1, 2].map(() => run({ tasks, funcs, patches: size.patches }));
        const best = xs.reduce((a, b) => (a.runMs <= b.runMs ? a : b));
        return `${best.runMs.toFixed(0)} ms (${(best.events / 1000).toFixed(0)}k ev)`;
      });
      console.log(`| ${tasks} | ${cells.join(' | ')} |`);
    }
  }
}

if (require.main === module) main();
