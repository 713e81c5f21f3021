// Property tests of the simulator (fast-check): any sequence of valid commands and
// directives leaves the model consistent — at most one transition at a time, every
// function's active implementation is the top of its func_stack and belongs to the
// newest listed patch that patches it, NOPs exist only during a transition, modules pinned
// by a forced transition never unload — and runs are deterministic.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Machine } from '../../core/src/sim/engine';
import { parseScenario } from '../../core/src/scenario/parse';
import type { SimEvent } from '../../core/src/sim/events';
import { moduleSet } from './specs';

const LIVEPATCHES = ['p1', 'p2', 'p3', 'p4'];
const MODULES = [...LIVEPATCHES, 'moda', 'modb'];
const FUNCS = ['f1', 'f2', 'f3', 'ma1', 'ma2', 'mb1', 'p1_f1', 'p1_f2', 'p2_f2', 'p3_f1', 'p4_ma1', 'p1_ma1', 'schedule'];
const TASKS = ['t1', 't2', 't3'];

const line: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...MODULES), fc.constantFrom('', ' pre_ret=-19', ' replace=1', ' pre_ret=0 replace=0')).map(([m, p]) => `insmod ${m}.ko${p}`) },
  { weight: 1, arbitrary: fc.constantFrom(...MODULES).map((m) => `modprobe ${m}`) },
  { weight: 3, arbitrary: fc.constantFrom(...MODULES).map((m) => `rmmod ${m}`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('0', '1'), fc.constantFrom(...LIVEPATCHES)).map(([v, p]) => `echo ${v} > /sys/kernel/livepatch/${p}/enabled`) },
  { weight: 1, arbitrary: fc.constantFrom(...LIVEPATCHES).map((p) => `echo 1 > /sys/kernel/livepatch/${p}/force`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LIVEPATCHES), fc.constantFrom('transition', 'enabled', 'stack_order', 'vmlinux/patched')).map(([p, a]) => `cat /sys/kernel/livepatch/${p}/${a}`) },
  { weight: 1, arbitrary: fc.constantFrom(...LIVEPATCHES).map((p) => `echo -19 > /sys/module/${p}/parameters/pre_ret`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 32 }).map((n) => `sleep ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('0', '1').map((v) => `sysctl -w kernel.ftrace_enabled=${v}`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...TASKS), fc.boolean(), fc.subarray(FUNCS, { minLength: 1, maxLength: 3 })).map(([t, k, fs]) => `#@ task ${t}${k ? ' kthread' : ''} sleeps-in ${fs.join(',')}`) },
  { weight: 1, arbitrary: fc.constantFrom(...TASKS).map((t) => `#@ task ${t} running-on-cpu`) },
  { weight: 2, arbitrary: fc.constantFrom(...TASKS).map((t) => `#@ task ${t} exits`) },
  { weight: 1, arbitrary: fc.constantFrom('y', 'n').map((v) => `#@ kernel reliable_stacktrace=${v}`) },
  { weight: 1, arbitrary: fc.constant('ls /sys/kernel/livepatch') },
);

/** Keeps only valid lines: `exits` of a task not declared at that point is dropped. */
function validScript(lines: string[]): string {
  const declared = new Set<string>();
  const out: string[] = [];
  for (const l of lines) {
    const m = /^#@ task (\S+) (.*)$/.exec(l);
    if (m && m[2] === 'exits') {
      if (!declared.has(m[1])) continue;
      declared.delete(m[1]);
    } else if (m) declared.add(m[1]);
    out.push(l);
  }
  return out.join('\n') + '\n';
}

function run(text: string, check?: (m: Machine, step: number) => void): SimEvent[] {
  const sc = parseScenario('prop.klpsim', text);
  assert.deepEqual(sc.errors, []);
  const specs = moduleSet();
  const m = new Machine({ resolve: (n) => specs.get(n) });
  sc.steps.forEach((s, i) => {
    if (s.type === 'command') m.runCommand(i, s.line, s.text, s.command);
    else m.runDirective(i, s.line, s.text, s.directive);
    check?.(m, i);
  });
  m.finish();
  return m.events;
}

describe('simulator properties', () => {
  it('any valid command sequence keeps the model consistent', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        const pinned = new Set<string>();
        const lifecycle = new Map<string, string>();
        let seen = 0;
        run(validScript(lines), (m, step) => {
          const bad = m.checkInvariants();
          assert.deepEqual(bad, [], `step ${step}: ${bad.join('; ')}`);
          // At most one transition, as seen from the patch-state events.
          for (; seen < m.events.length; seen++) {
            const e = m.events[seen];
            if (e.kind === 'patch-state') lifecycle.set(e.patch, e.state);
          }
          const inTransition = [...lifecycle.values()].filter((s) => s === 'patching' || s === 'unpatching').length;
          assert.ok(inTransition <= 1, `step ${step}: ${inTransition} patches in transition`);
          assert.equal(inTransition, m.transition ? 1 : 0, `step ${step}: events and machine disagree about the transition`);
          // Active implementation = top of the stack = newest listed patch patching the function.
          for (const s of m.stacks.values()) {
            const top = s.entries[0];
            assert.deepEqual(m.activeImpl(s.object, s.function, s.sympos)?.patch, top.patch.name);
            const newest = [...m.patches].reverse().find((p) => p.objs.some((o) => (o.name ?? 'vmlinux') === s.object && o.funcs.some((f) => f.patched && f.oldName === s.function)));
            assert.equal(top.patch, newest, `step ${step}: top of ${s.function} is not the newest patch patching it`);
            if (!m.transition) assert.ok(!top.nop, `step ${step}: NOP on ${s.function} outside a transition`);
          }
          // Modules pinned by a forced transition never unload.
          for (const n of m.pinnedModules()) pinned.add(n);
          for (const n of pinned) assert.ok(m.modules.has(n), `step ${step}: forced module ${n} was unloaded`);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('runs are deterministic', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        const text = validScript(lines);
        assert.deepEqual(run(text), run(text));
      }),
      { numRuns: 100 },
    );
  });

  it('event seq numbers are dense and time never goes back', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        const ev = run(validScript(lines));
        ev.forEach((e, i) => {
          assert.equal(e.seq, i);
          if (i) assert.ok(e.time >= ev[i - 1].time);
        });
        assert.equal(ev[ev.length - 1].kind, 'end');
      }),
      { numRuns: 100 },
    );
  });
});
