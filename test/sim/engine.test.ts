// Unit tests of the simulator engine with module specs built in code, of the spec adapter
// on real C fixtures, and of the scenario parser. What the events say is checked against
// the rules of the semantics document (section numbers in the test names).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario, simulateFile } from '../../core/src/sim';
import { parseScenario, formatScenarioError } from '../../core/src/scenario/parse';
import type { SimEvent } from '../../core/src/sim/events';
import { specFromModel } from '../../core/src/sim/spec';
import { kstrtobool, parseParamValue } from '../../core/src/sim/engine';
import { initParser } from '../../core/src/cparse/parser';
import { loadModule } from '../../core/src/workspace/modules';
import { memoryHost } from '../../core/src/host';
import { livepatch, moduleSet, plain } from './specs';
import { command } from '../../cli/src/commands/simulate';

function sim(text: string, modules = moduleSet(), debug = true) {
  const sc = parseScenario('t.klpsim', text);
  assert.deepEqual(sc.errors, []);
  return runScenario(sc, modules, { debug });
}
const of = <K extends SimEvent['kind']>(ev: SimEvent[], kind: K) => ev.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind);

describe('simulator engine', () => {
  it('§3.1/§5.1: enabling pushes every function of loaded objects; the transition events frame it', () => {
    const r = sim('insmod p1.ko\n');
    const stacks = of(r.events, 'func-stack');
    assert.deepEqual(stacks.map((s) => [s.function, s.change, s.stack.map((x) => x.newFunc)]), [
      ['f1', 'push', ['p1_f1']], ['f2', 'push', ['p1_f2']],
      ['f1', 'transition', ['p1_f1']], ['f2', 'transition', ['p1_f2']],
    ]);
    assert.equal(stacks[0].transition, true);
    assert.equal(stacks[3].transition, false);
    assert.deepEqual(of(r.events, 'transition').map((t) => t.phase), ['init', 'start', 'complete']);
    assert.deepEqual(of(r.events, 'patch-state').map((p) => p.state), ['patching', 'enabled']);
    const skipped = of(r.events, 'callback').filter((c) => c.skipped);
    assert.deepEqual(skipped.map((c) => [c.object, c.callback, c.skipped]), [['moda', 'pre_patch', 'not-loaded'], ['moda', 'post_patch', 'not-loaded']]);
  });

  it('§6: a cumulative patch puts NOPs on top during the transition and discards them at completion', () => {
    const r = sim('insmod p1.ko\n#@ task w kthread sleeps-in p1_f1\ninsmod p2.ko\nsleep 3\n#@ task w exits\nsleep 1\n');
    const f1 = of(r.events, 'func-stack').filter((s) => s.function === 'f1');
    const nop = f1.find((s) => s.change === 'nop-added')!;
    assert.deepEqual(nop.stack, [{ patch: 'p2', nop: true }, { patch: 'p1', newFunc: 'p1_f1', nop: false }]);
    assert.equal(nop.transition, true);
    // The task sleeping in p1's f1 blocks on the NOP (forbidden = the next-older entry).
    const blocked = of(r.events, 'task-blocked');
    assert.ok(blocked.length >= 2);
    assert.deepEqual([blocked[0].reason, blocked[0].function, blocked[0].stackEntry], ['sleeping-on', 'f1', 'p1_f1']);
    const after = f1.filter((s) => s.seq > nop.seq).map((s) => s.change);
    assert.deepEqual(after, ['pop', 'nop-discarded']);
    assert.equal(f1[f1.length - 1].stack.length, 0);
    // Replaced patches get no callbacks (§4), reported as skipped.
    const p1cb = of(r.events, 'callback').filter((c) => c.patch === 'p1' && c.skipped === 'replaced');
    assert.deepEqual(p1cb.map((c) => `${c.object}:${c.callback}`), ['vmlinux:pre_unpatch', 'vmlinux:post_unpatch', 'moda:pre_unpatch', 'moda:post_unpatch']);
    assert.deepEqual(of(r.events, 'patch-state').filter((p) => p.patch === 'p1').map((p) => p.state), ['patching', 'enabled', 'replaced']);
    // System state 1 taken over by p2 (version 2).
    assert.deepEqual(of(r.events, 'system-state').map((s) => [s.id, s.version, s.owner, s.change]), [[1, 1, 'p1', 'introduced'], [1, 2, 'p2', 'taken-over']]);
    // Completed at the retry after the exit, 4 virtual seconds after the start.
    const done = of(r.events, 'transition').filter((t) => t.phase === 'complete').pop()!;
    assert.equal(done.time, 4);
  });

  it('§5.3: signals at retry 15 switch user tasks, not kthreads; the notice appears once', () => {
    const r = sim('#@ task u sleeps-in f1\n#@ task k kthread sleeps-in f1\ninsmod p3.ko\nsleep 40\n');
    const sig = of(r.events, 'signal');
    assert.deepEqual(sig.map((s) => [s.attempt, s.time, s.tasks]), [[15, 15, ['u', 'k']], [30, 30, ['k']]]);
    assert.equal(r.transcript.filter((l) => l === 'livepatch: signaling remaining tasks').length, 1);
    const sw = of(r.events, 'task-switch');
    assert.deepEqual(sw.map((s) => [s.task, s.reason]), [['u', 'signal']]);
  });

  it('§3.6: force switches the remaining tasks and marks the replaced patches forced', () => {
    const r = sim('insmod p1.ko\n#@ task k kthread sleeps-in p1_f2\ninsmod p2.ko\necho 1 > /sys/kernel/livepatch/p2/force\nrmmod p1\n');
    const f = of(r.events, 'force')[0];
    assert.deepEqual([f.tasks, f.forcedPatches, f.target], [['k'], ['p1'], 'patched']);
    assert.ok(r.transcript.includes('rmmod: ERROR: Module p1 is in use'));
    const end = of(r.events, 'end')[0];
    assert.deepEqual(end.modules.find((m) => m.name === 'p1'), { name: 'p1', state: 'LIVE', refcount: 1, forced: true });
  });

  it('--no-debug drops exactly the pr_debug lines', () => {
    const text = '#@ task k kthread sleeps-in f1\ninsmod p3.ko\necho 0 > /sys/kernel/livepatch/p3/enabled\n';
    const full = sim(text).transcript;
    const quiet = sim(text, moduleSet(), false).transcript;
    assert.deepEqual(quiet, full.filter((l) => !/': (initializing|completing|canceling|reversing) /.test(l)));
    assert.ok(full.length > quiet.length);
  });

  it('§4: pre_patch results come from module parameters at call time', () => {
    const r = sim('insmod p1.ko pre_ret=-19\ninsmod p1.ko\n');
    assert.ok(r.transcript.includes('insmod: ERROR: could not insert module p1.ko: No such device'));
    const pre = of(r.events, 'callback').filter((c) => c.callback === 'pre_patch' && !c.skipped);
    assert.deepEqual(pre.map((c) => c.returned), [-19, 0]);
  });

  it('every event with a line is in the transcript, in order', () => {
    const r = sim('insmod moda.ko\ninsmod p1.ko\nrmmod moda\nls /sys/kernel/livepatch\n');
    assert.deepEqual(r.transcript, r.events.filter((e) => e.line !== undefined).map((e) => e.line));
    assert.ok(r.transcript.includes("livepatch: reverting patch 'p1' on unloading module 'moda'"));
  });

  it('a plain module without sources is a target module', () => {
    const r = sim('insmod nosrc.ko foo=1\nrmmod nosrc\n', new Map([['p1', livepatch('p1', [[null, ['f']]])], ['x', plain('x')]]));
    assert.deepEqual(r.transcript, ['% insmod nosrc.ko foo=1', '% rmmod nosrc']);
    assert.ok(of(r.events, 'note').some((n) => n.message.includes("'nosrc' has no sources")));
  });
});

describe('value parsing', () => {
  it('kstrtobool accepts 1/0, y/n, t/f, on/off by their first characters only', () => {
    assert.deepEqual(['1', 'y', 'Yes', 'T', 'on', 'ON'].map(kstrtobool), [true, true, true, true, true, true]);
    assert.deepEqual(['0', 'n', 'F', 'off', 'oF'].map(kstrtobool), [false, false, false, false, false]);
    assert.deepEqual(['', '2', 'o', 'ok', 'maybe'].map(kstrtobool), [undefined, undefined, undefined, undefined, undefined]);
  });
  it('module parameters parse like param_set_*', () => {
    assert.deepEqual(parseParamValue('int', '-0x10'), { ok: true, text: '-16' });
    assert.deepEqual(parseParamValue('int', '99999999999'), { ok: false, errno: -34 });
    assert.deepEqual(parseParamValue('bool', undefined), { ok: true, text: 'Y' });
    assert.deepEqual(parseParamValue('uint', '12abc'), { ok: false, errno: -22 });
  });
});

describe('scenario parser', () => {
  it('drops comments and surrounding space from the echoed command', () => {
    const sc = parseScenario('s', '  insmod a/lp-v2.ko   replace=1   # cumulative\n# note\n\n#@ task kworker/1:2 pid=7 kthread sleeps-in a,b\n');
    assert.deepEqual(sc.errors, []);
    assert.equal(sc.steps[0].text, 'insmod a/lp-v2.ko   replace=1');
    assert.deepEqual(sc.steps[0].type === 'command' && sc.steps[0].command, { verb: 'insmod', path: 'a/lp-v2.ko', module: 'lp_v2', params: [{ name: 'replace', value: '1' }] });
    assert.deepEqual(sc.steps[1].type === 'directive' && sc.steps[1].directive, { kind: 'task', task: 'kworker/1:2', pid: 7, kthread: true, sleepsIn: ['a', 'b'], runningOnCpu: false });
  });
  it('reports FILE:LINE: error: WHAT (expected ...) for every bad line', () => {
    const sc = parseScenario('x.klpsim', 'insmod ok.ko\nfrobnicate\n#@ task t leaves f\n');
    assert.deepEqual(sc.errors.map((e) => formatScenarioError('x.klpsim', e)), [
      "x.klpsim:2: error: unknown command 'frobnicate' (expected insmod, modprobe, rmmod, echo, cat, ls, sysctl or sleep)",
      "x.klpsim:3: error: unknown task 't' (expected a task declared earlier with '#@ task t ...')",
    ]);
    assert.equal(runScenario(sc, new Map()).exitStatus, 2);
  });
});

describe('spec adapter and simulateFile on C sources', () => {
  before(async () => { await initParser(); });
  const modules = path.join(__dirname, '../conformance/shared/modules');
  const host = memoryHost(Object.fromEntries(fs.readdirSync(modules).map((f) => [`/m/${f}`, fs.readFileSync(path.join(modules, f), 'utf8')])));

  it('binds replace and pre_patch results to module parameters', () => {
    const demo2 = loadModule('test_klp_callbacks_demo2', ['/m'], host);
    assert.ok(demo2.ok);
    assert.deepEqual(specFromModel(demo2.model).patch?.replace, { kind: 'param', name: 'replace' });
    const demo = loadModule('test_klp_callbacks_demo', ['/m'], host);
    assert.ok(demo.ok);
    const spec = specFromModel(demo.model);
    assert.deepEqual(spec.patch?.objs.map((o) => [o.name, o.funcs?.map((f) => f.newFunc), o.callbacks.pre_patch?.returns]), [
      [null, [], { kind: 'param', name: 'pre_patch_ret' }],
      ['test_klp_callbacks_mod', [], { kind: 'param', name: 'pre_patch_ret' }],
      ['test_klp_callbacks_busy', ['patched_work_func'], { kind: 'param', name: 'pre_patch_ret' }],
    ]);
    assert.equal(spec.livepatchMarker, true);
    const state2 = loadModule('test_klp_state2', ['/m'], host);
    assert.ok(state2.ok);
    assert.deepEqual(specFromModel(state2.model).patch?.states.map((s) => [s.id, s.version]), [[1, 2]]);
  });

  it('simulateFile finds modules through the FileHost and carries source ranges in events', () => {
    const r = simulateFile('/s/x.klpsim', 'insmod test_klp_livepatch.ko\n', ['/m'], host);
    assert.equal(r.exitStatus, 0);
    const push = r.events.find((e) => e.kind === 'func-stack')!;
    assert.ok(push.sources?.some((s) => s.role === 'func' && s.file === '/m/test_klp_livepatch.c'));
    assert.ok(push.sources?.some((s) => s.role === 'new_func'));
  });
});

describe('klp-studio simulate --format json', () => {
  before(async () => { await initParser(); });
  it('prints the run document: schema, events whose lines are the transcript', async () => {
    const dir = path.join(__dirname, '../conformance/shared');
    const capture = async (args: string[]) => {
      let out = '';
      const code = await command.run(args, { out: (t) => { out += t; }, err: (t) => { out += t; }, cwd: dir, isTTY: false });
      return { code, out };
    };
    const json = await capture(['callbacks-target-loaded-first/scenario.klpsim', '--path', 'modules', '--format', 'json']);
    const text = await capture(['callbacks-target-loaded-first/scenario.klpsim', '--path', 'modules']);
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.out);
    assert.equal(doc.schema, 'klp-studio/sim-events');
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.events.filter((e: SimEvent) => e.line !== undefined).map((e: SimEvent) => e.line).join('\n') + '\n', text.out);
    const cb = doc.events.find((e: SimEvent) => e.kind === 'callback' && e.object === 'test_klp_callbacks_mod');
    assert.equal(cb.moduleState, 'LIVE');
    assert.ok(cb.sources.some((s: { role: string }) => s.role === 'callback'));
    const quiet = JSON.parse((await capture(['callbacks-target-loaded-first/scenario.klpsim', '--path', 'modules', '--format', 'json', '--no-debug'])).out);
    assert.ok(quiet.events.every((e: SimEvent) => !e.debug));
    assert.ok(quiet.events.length < doc.events.length);
  });

  it('a cancelled enable is reported once, as failed', () => {
    const r = sim('insmod p1.ko pre_ret=-1\n');
    assert.deepEqual(of(r.events, 'patch-state').map((p) => p.state), ['failed']);
    assert.deepEqual(of(r.events, 'transition').map((t) => t.phase), ['init', 'cancel', 'complete']);
  });
});
