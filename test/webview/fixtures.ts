// Hand-written simulator runs for the timeline tests, following core/src/sim/events.ts and
// docs/EVENTS.md. They model the kernel behaviour of docs/SEMANTICS.md
// for an upgrade with a NOP, a stalled kthread, a signal, a force, a skipped callback, a state
// handover and a leaked shadow id; plus a reversed transition and a failed pre_patch.
import type { FuncImpl, SimEvent, SourceRef } from '../../core/src/sim/events';
import type { TimelineInput } from '../../webview/src/layout';

type Fields<K extends SimEvent['kind']> = Omit<Extract<SimEvent, { kind: K }>, 'seq' | 'time' | 'command' | 'scenarioLine' | 'kind'> & Partial<Pick<SimEvent, 'time'>>;

class Run {
  readonly events: SimEvent[] = [];
  time = 0;
  private cmd = -1;
  private line = 0;

  command(text: string, scenarioLine: number): this {
    this.cmd++;
    this.line = scenarioLine;
    const verb = text.split(/\s+/)[0];
    return this.ev('command', { text, verb, line: `% ${text}`, sources: [src('scenario', 'scenario.klpsim', scenarioLine - 1)] });
  }

  directive(text: string, scenarioLine: number): this {
    this.line = scenarioLine;
    return this.ev('directive', { text });
  }

  ev<K extends SimEvent['kind']>(kind: K, fields: Fields<K>): this {
    const { time, ...rest } = fields as Fields<K> & { time?: number };
    if (time !== undefined) this.time = time;
    this.events.push({ seq: this.events.length, time: this.time, command: this.cmd, scenarioLine: this.line, kind, ...rest } as unknown as SimEvent);
    return this;
  }

  log(message: string, line: string, extra: { patch?: string; object?: string; module?: string; debug?: boolean } = {}): this {
    return this.ev('log', { message, line: `livepatch: ${line}`, ...extra });
  }
}

export function src(role: SourceRef['role'], file: string, line: number): SourceRef {
  return { role, file, range: { start: { line, character: 0 }, end: { line, character: 10 } } };
}

const impl = (patch: string, newFunc?: string): FuncImpl => ({ patch, newFunc, nop: newFunc === undefined });

export interface UpgradeNames {
  v1: string;
  v2: string;
  target: string;
  fnA: string; // patched by both (the kthread sleeps in v1's replacement)
  fnB: string; // patched by v1 only: v2 reverts it with a NOP
  fnC: string; // in the target module, patched by both
  kworker: string;
  user: string;
}

export const DEFAULT_NAMES: UpgradeNames = {
  v1: 'lp_net_v1',
  v2: 'lp_net_v2',
  target: 'netfoo',
  fnA: 'tcp_sendmsg',
  fnB: 'proc_net_show',
  fnC: 'netfoo_rx',
  kworker: 'kworker/1:2',
  user: 'sshd',
};

/**
 * Upgrade v1 -> v2 (cumulative, replace) while a kthread sleeps in v1's tcp_sendmsg and a
 * user task sleeps in v1's proc_net_show: a signal switches the user task, force switches
 * the kthread, v1 is replaced (its callbacks skipped, forced: rmmod fails with EBUSY).
 */
export function upgradeRun(n: UpgradeNames = DEFAULT_NAMES): TimelineInput {
  const r = new Run();
  const f1 = `${n.v1}/${n.v1}.c`;
  const f2 = `${n.v2}/${n.v2}.c`;
  const objs = (v: 'v1' | 'v2', patched: boolean, targetLoaded = true) => [
    { name: 'vmlinux', loaded: true, patched },
    { name: n.target, loaded: targetLoaded, patched: patched && targetLoaded },
  ];
  const s1 = { alloc: [7], free: [], get: [7] };
  const s2 = { alloc: [8], free: [8], get: [8] };

  // 1: the target module
  r.command(`insmod ${n.target}.ko`, 2)
    .ev('module-state', { module: n.target, state: 'COMING', livepatch: false, refcount: 0 })
    .ev('module-state', { module: n.target, state: 'LIVE', livepatch: false, refcount: 0 });

  // 2: v1
  r.command(`insmod ${n.v1}.ko`, 3)
    .ev('module-state', { module: n.v1, state: 'COMING', livepatch: true, refcount: 0, sources: [src('patch', f1, 40)] })
    .log('enabling', `enabling patch '${n.v1}'`, { patch: n.v1 })
    .ev('transition', { patch: n.v1, phase: 'init', target: 'patched' })
    .log('init-transition', `'${n.v1}': initializing patching transition`, { patch: n.v1, debug: true })
    .ev('patch-state', { patch: n.v1, state: 'patching', enabled: true, transition: true, replace: false, stackOrder: 1, forced: false, objects: objs('v1', false), states: [{ id: 1, version: 1 }], shadow: s1, sources: [src('patch', f1, 40)] })
    .ev('patch-list', { patches: [n.v1] })
    .ev('system-state', { id: 1, version: 1, owner: n.v1, change: 'introduced', sources: [src('state', f1, 30)] })
    .ev('callback', { patch: n.v1, object: 'vmlinux', callback: 'pre_patch', cFunction: 'v1_pre_patch', moduleState: 'LIVE', returned: 0, line: `${n.v1}: v1_pre_patch: vmlinux`, sources: [src('callback', f1, 12)] })
    .ev('func-stack', { object: 'vmlinux', function: n.fnA, sympos: 0, stack: [impl(n.v1, `${n.fnA}_v1`)], transition: true, change: 'push', patch: n.v1, sources: [src('func', f1, 22), src('new_func', f1, 5)] })
    .ev('func-stack', { object: 'vmlinux', function: n.fnB, sympos: 0, stack: [impl(n.v1, `${n.fnB}_v1`)], transition: true, change: 'push', patch: n.v1, sources: [src('func', f1, 23)] })
    .ev('callback', { patch: n.v1, object: n.target, callback: 'pre_patch', cFunction: 'v1_pre_patch', moduleState: 'LIVE', returned: 0, line: `${n.v1}: v1_pre_patch: ${n.target} -> [MODULE_STATE_LIVE] Normal state`, sources: [src('callback', f1, 12)] })
    .ev('func-stack', { object: n.target, function: n.fnC, sympos: 0, stack: [impl(n.v1, `${n.fnC}_v1`)], transition: true, change: 'push', patch: n.v1, sources: [src('func', f1, 26)] })
    .log('starting', `'${n.v1}': starting patching transition`, { patch: n.v1 })
    .ev('transition', { patch: n.v1, phase: 'start', target: 'patched' })
    .ev('task-switch', { task: '*', pid: 0, from: 'unpatched', to: 'patched', reason: 'idle', patch: n.v1 })
    .ev('retry', { patch: n.v1, attempt: 0, remaining: [], done: true })
    .log('completing', `'${n.v1}': completing patching transition`, { patch: n.v1, debug: true });
  for (const [o, f] of [['vmlinux', n.fnA], ['vmlinux', n.fnB], [n.target, n.fnC]]) {
    r.ev('func-stack', { object: o, function: f, sympos: 0, stack: [impl(n.v1, `${f}_v1`)], transition: false, change: 'transition', patch: n.v1 });
  }
  r.ev('transition', { patch: n.v1, phase: 'complete', target: 'patched' })
    .ev('callback', { patch: n.v1, object: 'vmlinux', callback: 'post_patch', cFunction: 'v1_post_patch', moduleState: 'LIVE', line: `${n.v1}: v1_post_patch: vmlinux`, sources: [src('callback', f1, 14)] })
    .ev('callback', { patch: n.v1, object: n.target, callback: 'post_patch', cFunction: 'v1_post_patch', moduleState: 'LIVE', line: `${n.v1}: v1_post_patch: ${n.target} -> [MODULE_STATE_LIVE] Normal state`, sources: [src('callback', f1, 14)] })
    .log('complete', `'${n.v1}': patching complete`, { patch: n.v1 })
    .ev('patch-state', { patch: n.v1, state: 'enabled', enabled: true, transition: false, replace: false, stackOrder: 1, forced: false, objects: objs('v1', true), states: [{ id: 1, version: 1 }], shadow: s1, sources: [src('patch', f1, 40)] })
    .ev('module-state', { module: n.v1, state: 'LIVE', livepatch: true, refcount: 1 });

  // tasks
  r.directive(`task ${n.kworker} pid=211 kthread sleeps-in ${n.fnA}_v1`, 4)
    .ev('task', { task: n.kworker, pid: 211, change: 'declared', kthread: true, runningOnCpu: false, stack: [`${n.fnA}_v1`], patchState: 'idle' });
  r.directive(`task ${n.user} pid=840 sleeps-in ${n.fnB}_v1`, 5)
    .ev('task', { task: n.user, pid: 840, change: 'declared', kthread: false, runningOnCpu: false, stack: [`${n.fnB}_v1`], patchState: 'idle' });

  // 3: v2 (replace) stalls
  r.command(`insmod ${n.v2}.ko`, 6)
    .ev('module-state', { module: n.v2, state: 'COMING', livepatch: true, refcount: 0, sources: [src('patch', f2, 44)] })
    .log('enabling', `enabling patch '${n.v2}'`, { patch: n.v2 })
    .ev('transition', { patch: n.v2, phase: 'init', target: 'patched' })
    .log('init-transition', `'${n.v2}': initializing patching transition`, { patch: n.v2, debug: true })
    .ev('patch-state', { patch: n.v2, state: 'patching', enabled: true, transition: true, replace: true, stackOrder: 2, forced: false, objects: objs('v2', false), states: [{ id: 1, version: 2 }], shadow: s2, sources: [src('patch', f2, 44)] })
    .ev('patch-list', { patches: [n.v1, n.v2] })
    .ev('system-state', { id: 1, version: 2, owner: n.v2, change: 'taken-over', sources: [src('state', f2, 31)] })
    .ev('callback', { patch: n.v2, object: 'vmlinux', callback: 'pre_patch', cFunction: 'v2_pre_patch', moduleState: 'LIVE', returned: 0, line: `${n.v2}: v2_pre_patch: vmlinux`, sources: [src('callback', f2, 12)] })
    .ev('func-stack', { object: 'vmlinux', function: n.fnA, sympos: 0, stack: [impl(n.v2, `${n.fnA}_v2`), impl(n.v1, `${n.fnA}_v1`)], transition: true, change: 'push', patch: n.v2, sources: [src('func', f2, 22), src('new_func', f2, 5)] })
    .ev('func-stack', { object: 'vmlinux', function: n.fnB, sympos: 0, stack: [impl(n.v2), impl(n.v1, `${n.fnB}_v1`)], transition: true, change: 'nop-added', patch: n.v2 })
    .ev('callback', { patch: n.v2, object: n.target, callback: 'pre_patch', cFunction: 'v2_pre_patch', moduleState: 'LIVE', returned: 0, line: `${n.v2}: v2_pre_patch: ${n.target} -> [MODULE_STATE_LIVE] Normal state`, sources: [src('callback', f2, 12)] })
    .ev('func-stack', { object: n.target, function: n.fnC, sympos: 0, stack: [impl(n.v2, `${n.fnC}_v2`), impl(n.v1, `${n.fnC}_v1`)], transition: true, change: 'push', patch: n.v2, sources: [src('func', f2, 26)] })
    .log('starting', `'${n.v2}': starting patching transition`, { patch: n.v2 })
    .ev('transition', { patch: n.v2, phase: 'start', target: 'patched' })
    .ev('task-switch', { task: '*', pid: 0, from: 'unpatched', to: 'patched', reason: 'idle', patch: n.v2 })
    .ev('task-blocked', { task: n.kworker, pid: 211, reason: 'sleeping-on', function: n.fnA, stackEntry: `${n.fnA}_v1`, patch: n.v2 })
    .ev('task-blocked', { task: n.user, pid: 840, reason: 'sleeping-on', function: n.fnB, stackEntry: `${n.fnB}_v1`, patch: n.v2 })
    .ev('retry', { patch: n.v2, attempt: 0, remaining: [n.kworker, n.user], done: false });
  r.time = 1;
  r.ev('task-blocked', { task: n.kworker, pid: 211, reason: 'sleeping-on', function: n.fnA, stackEntry: `${n.fnA}_v1`, patch: n.v2 })
    .ev('task-blocked', { task: n.user, pid: 840, reason: 'sleeping-on', function: n.fnB, stackEntry: `${n.fnB}_v1`, patch: n.v2 })
    .ev('retry', { patch: n.v2, attempt: 1, remaining: [n.kworker, n.user], done: false });

  // 4: cat transition
  r.command(`cat /sys/kernel/livepatch/${n.v2}/transition`, 7)
    .ev('sysfs', { op: 'read', path: `/sys/kernel/livepatch/${n.v2}/transition`, value: '1', result: 0 })
    .ev('output', { line: '1', error: false });

  // 5: sleep 16: tries 2..17, signal at 15
  r.command('sleep 16', 8);
  for (let a = 2; a <= 17; a++) {
    r.time = a;
    if (a === 15) {
      r.log('signaling', 'signaling remaining tasks')
        .ev('signal', { patch: n.v2, attempt: 15, tasks: [n.kworker, n.user] })
        .ev('task-switch', { task: n.user, pid: 840, from: 'unpatched', to: 'patched', reason: 'signal', patch: n.v2 });
    }
    r.ev('task-blocked', { task: n.kworker, pid: 211, reason: 'sleeping-on', function: n.fnA, stackEntry: `${n.fnA}_v1`, patch: n.v2 });
    if (a < 15) r.ev('task-blocked', { task: n.user, pid: 840, reason: 'sleeping-on', function: n.fnB, stackEntry: `${n.fnB}_v1`, patch: n.v2 });
    r.ev('retry', { patch: n.v2, attempt: a, remaining: a < 15 ? [n.kworker, n.user] : [n.kworker], done: false });
  }

  // 6: force
  r.command(`echo 1 > /sys/kernel/livepatch/${n.v2}/force`, 9)
    .ev('sysfs', { op: 'write', path: `/sys/kernel/livepatch/${n.v2}/force`, value: '1', result: 0 })
    .log('forcing', 'forcing remaining tasks to the patched state', { patch: n.v2 })
    .ev('force', { patch: n.v2, target: 'patched', tasks: [n.kworker], forcedPatches: [n.v1], line: undefined })
    .ev('task-switch', { task: n.kworker, pid: 211, from: 'unpatched', to: 'patched', reason: 'force', patch: n.v2 });
  r.time = 18;
  r.ev('retry', { patch: n.v2, attempt: 18, remaining: [], done: true })
    .log('completing', `'${n.v2}': completing patching transition`, { patch: n.v2, debug: true })
    .ev('func-stack', { object: 'vmlinux', function: n.fnA, sympos: 0, stack: [impl(n.v2, `${n.fnA}_v2`)], transition: true, change: 'pop', patch: n.v1 })
    .ev('func-stack', { object: 'vmlinux', function: n.fnB, sympos: 0, stack: [impl(n.v2)], transition: true, change: 'pop', patch: n.v1 })
    .ev('func-stack', { object: n.target, function: n.fnC, sympos: 0, stack: [impl(n.v2, `${n.fnC}_v2`)], transition: true, change: 'pop', patch: n.v1 })
    .ev('func-stack', { object: 'vmlinux', function: n.fnB, sympos: 0, stack: [], transition: false, change: 'nop-discarded', patch: n.v2 });
  for (const [o, f] of [['vmlinux', n.fnA], [n.target, n.fnC]]) {
    r.ev('func-stack', { object: o, function: f, sympos: 0, stack: [impl(n.v2, `${f}_v2`)], transition: false, change: 'transition', patch: n.v2 });
  }
  r.ev('transition', { patch: n.v2, phase: 'complete', target: 'patched' })
    .ev('callback', { patch: n.v2, object: 'vmlinux', callback: 'post_patch', cFunction: 'v2_post_patch', moduleState: 'LIVE', line: `${n.v2}: v2_post_patch: vmlinux`, sources: [src('callback', f2, 14)] })
    .ev('callback', { patch: n.v2, object: n.target, callback: 'post_patch', cFunction: 'v2_post_patch', moduleState: 'LIVE', line: `${n.v2}: v2_post_patch: ${n.target} -> [MODULE_STATE_LIVE] Normal state`, sources: [src('callback', f2, 14)] })
    .ev('callback', { patch: n.v1, object: 'vmlinux', callback: 'pre_unpatch', cFunction: 'v1_pre_unpatch', skipped: 'replaced', sources: [src('callback', f1, 16)] })
    .ev('callback', { patch: n.v1, object: 'vmlinux', callback: 'post_unpatch', cFunction: 'v1_post_unpatch', skipped: 'replaced', sources: [src('callback', f1, 18)] })
    .log('complete', `'${n.v2}': patching complete`, { patch: n.v2 })
    .ev('patch-state', { patch: n.v1, state: 'replaced', enabled: false, transition: false, replace: false, stackOrder: 0, forced: true, objects: objs('v1', false), states: [{ id: 1, version: 1 }], shadow: s1 })
    .ev('patch-list', { patches: [n.v2] })
    .ev('patch-state', { patch: n.v2, state: 'enabled', enabled: true, transition: false, replace: true, stackOrder: 1, forced: false, objects: objs('v2', true), states: [{ id: 1, version: 2 }], shadow: s2, sources: [src('patch', f2, 44)] })
    .ev('module-state', { module: n.v2, state: 'LIVE', livepatch: true, refcount: 1 });

  // 7: rmmod v1 fails: it was forced
  r.command(`rmmod ${n.v1}`, 10)
    .ev('failure', { op: 'rmmod', errno: -16, errnoName: 'EBUSY', module: n.v1 })
    .ev('output', { line: `rmmod: ERROR: Module ${n.v1} is in use`, error: true });

  r.ev('end', { patches: [n.v2], modules: [{ name: n.target, state: 'LIVE', refcount: 0, forced: false }, { name: n.v1, state: 'LIVE', refcount: 1, forced: true }, { name: n.v2, state: 'LIVE', refcount: 1, forced: false }] });
  return { title: 'examples/upgrade.klpsim', scenario: 'upgrade.klpsim', events: r.events, exitStatus: 0 };
}

/** Names an attacker could put in C sources: markup, quotes, script, entities. */
export const HOSTILE_NAMES: UpgradeNames = {
  v1: 'lp_<img src=x onerror=alert(1)>',
  v2: 'lp_"><script>window.__pwned=1</script>',
  target: "mod'><svg onload=window.__pwned=2>",
  fnA: '<img src=x onerror="window.__pwned=3">',
  fnB: '&lt;b&gt;entity&amp;',
  fnC: '</script><script>window.__pwned=4</script>',
  kworker: '<iframe src=javascript:window.__pwned=5>',
  user: 'u"onmouseover="window.__pwned=6',
};

/** Enable a patch, disable it while a task is behind, then reverse the transition; a pre_patch that fails. */
export function reverseRun(): TimelineInput {
  const r = new Run();
  const p = 'lp_fix';
  r.command('insmod lp_fix.ko', 1)
    .ev('module-state', { module: p, state: 'COMING', livepatch: true, refcount: 0 })
    .log('enabling', `enabling patch '${p}'`, { patch: p })
    .ev('transition', { patch: p, phase: 'init', target: 'patched' })
    .ev('patch-state', { patch: p, state: 'patching', enabled: true, transition: true, replace: true, stackOrder: 1, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: false }], states: [] })
    .ev('func-stack', { object: 'vmlinux', function: 'do_sys_open', sympos: 0, stack: [impl(p, 'fixed_open')], transition: true, change: 'push', patch: p })
    .log('starting', `'${p}': starting patching transition`, { patch: p })
    .ev('transition', { patch: p, phase: 'start', target: 'patched' })
    .ev('task-switch', { task: '*', pid: 0, from: 'unpatched', to: 'patched', reason: 'idle', patch: p })
    .ev('retry', { patch: p, attempt: 0, remaining: [], done: true })
    .ev('func-stack', { object: 'vmlinux', function: 'do_sys_open', sympos: 0, stack: [impl(p, 'fixed_open')], transition: false, change: 'transition', patch: p })
    .ev('transition', { patch: p, phase: 'complete', target: 'patched' })
    .log('complete', `'${p}': patching complete`, { patch: p })
    .ev('patch-state', { patch: p, state: 'enabled', enabled: true, transition: false, replace: true, stackOrder: 1, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: true }], states: [] })
    .ev('module-state', { module: p, state: 'LIVE', livepatch: true, refcount: 1 });
  r.directive('task spinner running-on-cpu', 2)
    .ev('task', { task: 'spinner', pid: 99, change: 'declared', kthread: false, runningOnCpu: true, stack: [], patchState: 'idle' });
  r.command(`echo 0 > /sys/kernel/livepatch/${p}/enabled`, 3)
    .ev('transition', { patch: p, phase: 'init', target: 'unpatched' })
    .ev('patch-state', { patch: p, state: 'unpatching', enabled: false, transition: true, replace: true, stackOrder: 1, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: true }], states: [] })
    .ev('func-stack', { object: 'vmlinux', function: 'do_sys_open', sympos: 0, stack: [impl(p, 'fixed_open')], transition: true, change: 'transition', patch: p })
    .log('starting', `'${p}': starting unpatching transition`, { patch: p })
    .ev('transition', { patch: p, phase: 'start', target: 'unpatched' })
    .ev('task-switch', { task: '*', pid: 0, from: 'patched', to: 'unpatched', reason: 'idle', patch: p })
    .ev('task-blocked', { task: 'spinner', pid: 99, reason: 'running', patch: p })
    .ev('retry', { patch: p, attempt: 0, remaining: ['spinner'], done: false });
  r.command(`echo 1 > /sys/kernel/livepatch/${p}/enabled`, 4)
    .log('reversing', `'${p}': reversing transition from unpatching to patching`, { patch: p, debug: true })
    .ev('transition', { patch: p, phase: 'reverse', target: 'patched' })
    .ev('patch-state', { patch: p, state: 'patching', enabled: true, transition: true, replace: true, stackOrder: 1, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: true }], states: [] })
    .log('starting', `'${p}': starting patching transition`, { patch: p })
    .ev('task-switch', { task: '*', pid: 0, from: 'unpatched', to: 'patched', reason: 'idle', patch: p })
    .ev('retry', { patch: p, attempt: 0, remaining: [], done: true })
    .ev('func-stack', { object: 'vmlinux', function: 'do_sys_open', sympos: 0, stack: [impl(p, 'fixed_open')], transition: false, change: 'transition', patch: p })
    .ev('transition', { patch: p, phase: 'complete', target: 'patched' })
    .log('complete', `'${p}': patching complete`, { patch: p })
    .ev('patch-state', { patch: p, state: 'enabled', enabled: true, transition: false, replace: true, stackOrder: 1, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: true }], states: [] });
  // A second patch whose pre_patch fails: enabling is cancelled and insmod fails.
  const q = 'lp_bad';
  r.command('insmod lp_bad.ko', 5)
    .ev('module-state', { module: q, state: 'COMING', livepatch: true, refcount: 0 })
    .log('enabling', `enabling patch '${q}'`, { patch: q })
    .ev('transition', { patch: q, phase: 'init', target: 'patched' })
    .ev('patch-state', { patch: q, state: 'patching', enabled: false, transition: true, replace: false, stackOrder: 2, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: false }], states: [] })
    .ev('callback', { patch: q, object: 'vmlinux', callback: 'pre_patch', cFunction: 'bad_pre', moduleState: 'LIVE', returned: -19, line: `${q}: bad_pre: vmlinux` })
    .log('pre-patch-failed', "pre-patch callback failed for object 'vmlinux'", { patch: q, object: 'vmlinux' })
    .log('enable-failed', `failed to enable patch '${q}'`, { patch: q })
    .ev('transition', { patch: q, phase: 'cancel', target: 'unpatched' })
    .ev('callback', { patch: q, object: 'vmlinux', callback: 'post_unpatch', cFunction: 'bad_post_unpatch', skipped: 'pre-patch-failed' })
    .ev('transition', { patch: q, phase: 'complete', target: 'unpatched' })
    .ev('patch-state', { patch: q, state: 'failed', enabled: false, transition: false, replace: false, stackOrder: 0, forced: false, objects: [{ name: 'vmlinux', loaded: true, patched: false }], states: [] })
    .ev('failure', { op: 'insmod', errno: -19, errnoName: 'ENODEV', patch: q, module: q })
    .ev('module-state', { module: q, state: 'UNLOADED', livepatch: true, refcount: 0 })
    .ev('output', { line: 'insmod: ERROR: could not insert module lp_bad.ko: No such device', error: true });
  r.ev('end', { patches: [p], modules: [] });
  return { title: 'reverse.klpsim', events: r.events };
}
