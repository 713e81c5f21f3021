// Timeline layout (webview/src/layout.ts): what the view draws for hand-written runs (NOP
// revert, stalled task, signal, force, skipped callback, state handover, leaked shadow id,
// reverse, failed pre_patch) and, for every scenario of the repository run through the real
// simulator, the structural invariants (every event on a step, intervals inside the axis, one
// transition at a time).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layoutTimeline, Item, Lane, TimelineModel } from '../../webview/src/layout';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { reverseRun, upgradeRun } from './fixtures';
import { repositoryScenarios } from './scenarios';

const ROOT = path.resolve(__dirname, '../..');

function lane(m: TimelineModel, id: string): Lane {
  const l = m.lanes.find((x) => x.id === id);
  assert.ok(l, `lane ${id} exists (have: ${m.lanes.map((x) => x.id).join(', ')})`);
  return l;
}

function at(l: Lane, slot: number): Item | undefined {
  return l.items.find((it) => !it.marker && it.start <= slot && it.end > slot);
}

function slotOfCommand(m: TimelineModel, text: string): number {
  const c = m.commands.find((x) => x.text === text);
  assert.ok(c, `command ${text}`);
  return c.start;
}

describe('timeline layout: hand-written upgrade run', () => {
  const m = layoutTimeline(upgradeRun());

  it('gives every event a step, in order', () => {
    assert.equal(m.slotOfSeq.length, upgradeRun().events.length);
    for (let i = 1; i < m.slotOfSeq.length; i++) assert.ok(m.slotOfSeq[i] >= m.slotOfSeq[i - 1], `event ${i} not before event ${i - 1}`);
    const seen = m.slots.flatMap((s) => s.seqs).sort((a, b) => a - b);
    assert.deepEqual(seen, m.slotOfSeq.map((_, i) => i));
  });

  it('merges quiet retries into one step and keeps the signal on its own', () => {
    const quiet = m.slots.find((s) => s.time === 2);
    assert.ok(quiet);
    assert.equal(quiet.timeEnd, 14, 'tries 2..14 change nothing and share a step');
    assert.match(quiet.label, /tries 2–14: kworker\/1:2, sshd still behind/);
    const sig = lane(m, 'patch:lp_net_v2').items.find((i) => i.kind === 'signal');
    assert.ok(sig);
    assert.equal(m.slots[sig.start].time, 15);
    assert.ok(sig.detail.includes('livepatch: signaling remaining tasks'), 'the kernel message is in the details');
  });

  it('shows the NOP: migrated tasks run the original, the others still v1, then the original for all', () => {
    const fn = lane(m, 'fn:vmlinux:proc_net_show:0');
    const during = at(fn, slotOfCommand(m, 'sleep 16'));
    assert.ok(during?.impl && during.behindImpl);
    assert.deepEqual(during.impl, { kind: 'nop', patch: 'lp_net_v2' });
    assert.deepEqual(during.behindImpl, { kind: 'replacement', patch: 'lp_net_v1', newFunc: 'proc_net_show_v1' });
    const after = at(fn, slotOfCommand(m, 'rmmod lp_net_v1'));
    assert.deepEqual(after?.impl, { kind: 'original' });
    assert.equal(after?.behindImpl, undefined);
  });

  it('names the stalled kthread and the function it sleeps in, and counts migrated tasks', () => {
    const fn = lane(m, 'fn:vmlinux:tcp_sendmsg:0');
    const it = at(fn, slotOfCommand(m, 'sleep 16'));
    assert.ok(it?.phases && it.phases.length >= 3, 'progress changes split the transition into phases');
    const counts = it.phases.map((p) => `${p.progress.switched}/${p.progress.total}`);
    assert.deepEqual([counts[0], counts[counts.length - 1]], ['0/2', '2/2']);
    assert.ok(counts.includes('1/2'), `sshd switches first at the signal (${counts.join(' ')})`);
    const stalled = it.phases.find((p) => p.progress.behind.some((b) => b.task === 'kworker/1:2' && b.reason === 'sleeping-on' && b.function === 'tcp_sendmsg'));
    assert.ok(stalled, 'kworker/1:2 is behind, sleeping on tcp_sendmsg');
    assert.ok(stalled.detail.some((d) => d.includes('kworker/1:2') && d.includes('(this function)')));
    const task = lane(m, 'task:kworker/1:2');
    const blocked = task.items.find((i) => i.kind === 'blocked');
    assert.ok(blocked && (blocked.count ?? 0) >= 10, 'the repeated blocks merge into one marker');
  });

  it('marks force, pins the replaced patch as forced and reports the failed rmmod', () => {
    const v2 = lane(m, 'patch:lp_net_v2');
    const force = v2.items.find((i) => i.kind === 'force');
    assert.ok(force);
    assert.ok(force.detail.some((d) => d.includes('lp_net_v1')));
    const v1 = lane(m, 'patch:lp_net_v1');
    const last = v1.items.filter((i) => !i.marker).pop();
    assert.equal(last?.kind, 'patch-replaced');
    assert.equal(last?.forced, true);
    const fail = v1.items.find((i) => i.kind === 'failure');
    assert.ok(fail);
    assert.equal(fail.label, 'EBUSY');
    assert.ok(fail.detail.includes('rmmod: ERROR: Module lp_net_v1 is in use'));
    assert.ok(m.commands.find((c) => c.text === 'rmmod lp_net_v1')?.failed);
  });

  it('shows the replaced patch\'s callbacks as skipped, on the object they belong to', () => {
    const cb = lane(m, 'cb:lp_net_v1:vmlinux');
    const skipped = cb.items.filter((i) => i.kind === 'callback-skipped');
    assert.deepEqual(skipped.map((i) => i.title.split(' ')[0]), ['pre_unpatch', 'post_unpatch']);
    assert.ok(skipped.every((i) => i.detail.some((d) => /replaced/.test(d))));
    const ran = lane(m, 'cb:lp_net_v2:netfoo').items.filter((i) => i.kind === 'callback');
    assert.ok(ran.some((i) => i.detail.some((d) => d.includes('MODULE_STATE_LIVE'))), 'the target module state is shown');
  });

  it('hands state 1 over from v1 to v2 and leaks shadow id 7', () => {
    const st = lane(m, 'state:1');
    const owned = st.items.filter((i) => i.kind === 'state-owned').map((i) => i.label);
    assert.deepEqual(owned, ['v1 · lp_net_v1', 'v2 · lp_net_v2']);
    assert.ok(st.items.some((i) => i.kind === 'handover' && i.detail[0].includes('lp_net_v1') && i.detail[0].includes('lp_net_v2')));
    const sh = lane(m, 'shadow:7');
    assert.ok(sh.items.some((i) => i.kind === 'shadow-leaked'), 'no live patch uses id 7 after v1 is replaced');
    assert.ok(!lane(m, 'shadow:8').items.some((i) => i.kind === 'shadow-leaked'));
  });

  it('keeps the stack order on the patch lanes', () => {
    const v2 = lane(m, 'patch:lp_net_v2');
    assert.equal(at(v2, slotOfCommand(m, 'sleep 16'))?.stackOrder, 2);
    assert.equal(at(v2, slotOfCommand(m, 'rmmod lp_net_v1'))?.stackOrder, 1);
  });
});

describe('timeline layout: reverse and a failing pre_patch', () => {
  const m = layoutTimeline(reverseRun());

  it('marks the reversal and flips the task lanes back', () => {
    const p = lane(m, 'patch:lp_fix');
    assert.ok(p.items.some((i) => i.kind === 'reverse'));
    const kinds = p.items.filter((i) => !i.marker).map((i) => i.kind);
    assert.deepEqual(kinds, ['patch-loading', 'patch-patching', 'patch-enabled', 'patch-unpatching', 'patch-patching', 'patch-enabled']);
    const spinner = lane(m, 'task:spinner');
    assert.ok(spinner.items.some((i) => i.kind === 'blocked' && /running on another CPU/.test(i.title)));
  });

  it('shows the failed enable: warning, cancel, skipped post_unpatch, failure with errno', () => {
    const p = lane(m, 'patch:lp_bad');
    const kinds = p.items.map((i) => i.kind);
    for (const k of ['warning', 'cancel', 'failure', 'patch-failed'] as const) assert.ok(kinds.includes(k), `${k} in ${kinds.join(',')}`);
    const fail = p.items.find((i) => i.kind === 'failure')!;
    assert.equal(fail.label, 'ENODEV');
    assert.ok(fail.detail.includes("livepatch: pre-patch callback failed for object 'vmlinux'"));
    const cb = lane(m, 'cb:lp_bad:vmlinux').items;
    assert.ok(cb.some((i) => i.kind === 'callback-skipped' && i.detail.some((d) => /pre_patch failed/.test(d))));
    assert.ok(cb.some((i) => i.kind === 'callback' && i.detail.includes('returned -19')));
  });
});

describe('timeline layout: every scenario of the repository through the real simulator', () => {
  before(() => initParser());
  const scenarios = repositoryScenarios();

  it('finds the examples and the simulator cases', () => {
    assert.ok(scenarios.some((s) => s.file.endsWith('examples/upgrade.klpsim')));
    assert.ok(scenarios.length >= 20, `${scenarios.length} scenarios`);
  });

  it('lays out each run: every event on a step, intervals inside the axis, one transition at a time', () => {
    let laidOut = 0;
    for (const s of scenarios) {
      const r = simulateFile(s.file, fs.readFileSync(s.file, 'utf8'), s.dirs, nodeHost);
      if (r.errors.length) continue; // scenario error cases
      const m = layoutTimeline({ title: s.file, events: r.events });
      laidOut++;
      const name = path.relative(ROOT, s.file);
      assert.equal(m.slotOfSeq.length, r.events.length, name);
      assert.ok(m.slotOfSeq.every((x, i) => x >= 0 && x < m.slots.length && (i === 0 || x >= m.slotOfSeq[i - 1])), `${name}: steps in order`);
      for (const it of m.items) {
        assert.ok(it.start >= 0 && it.end <= m.slots.length && it.start < it.end, `${name}: item ${it.kind} ${it.start}-${it.end}`);
        for (const ph of it.phases ?? []) assert.ok(ph.start >= it.start && ph.end <= it.end && ph.start < ph.end, `${name}: phase inside its interval`);
      }
      // At any step, at most one patch lane is in a transition state.
      for (let slot = 0; slot < m.slots.length; slot++) {
        const moving = m.lanes.filter((l) => l.section === 'patches' && !l.child).map((l) => at(l, slot)).filter((i) => i && (i.kind === 'patch-patching' || i.kind === 'patch-unpatching'));
        assert.ok(moving.length <= 1, `${name}: step ${slot} has ${moving.length} patches in transition`);
      }
      // Each command's band starts at its own step.
      for (const c of m.commands) assert.equal(m.slots[c.start].seqs.some((q) => r.events[q].kind === 'command'), true, `${name}: command band`);
    }
    assert.ok(laidOut >= 20, `${laidOut} runs laid out`);
  });

  const run = (name: string) => {
    const s = scenarios.find((x) => x.file.includes(`/${name}/`));
    assert.ok(s, name);
    const r = simulateFile(s.file, fs.readFileSync(s.file, 'utf8'), s.dirs, nodeHost);
    assert.deepEqual(r.errors, [], name);
    return { r, m: layoutTimeline({ title: name, events: r.events }) };
  };

  it('real runs: force pins the replaced patch, the NOP, the replaced patch\'s callbacks skipped', () => {
    const { m } = run('s3-6-force-replace-pins-replaced');
    assert.ok(m.items.some((i) => i.kind === 'force'));
    assert.ok(m.items.some((i) => i.impl?.kind === 'nop' && i.behindImpl?.kind === 'replacement'), 'a NOP on top while others run the older patch');
    const skipped = m.items.filter((i) => i.kind === 'callback-skipped');
    assert.ok(skipped.length && skipped.every((i) => !i.detail.some((d) => /no such callback/.test(d))), 'absent callbacks are not drawn');
    assert.ok(skipped.some((i) => i.detail.some((d) => /replaced by a cumulative patch/.test(d))));
    assert.ok(m.lanes.some((l) => l.section === 'patches' && !l.child && l.items.some((i) => i.forced)));
  });

  it('real runs: signals at try 15 and a reversed transition', () => {
    const sig = run('s3-2-signals-every-15').m;
    const signal = sig.items.find((i) => i.kind === 'signal');
    assert.ok(signal);
    assert.equal(sig.slots[signal.start].time, 15);
    const rev = run('stall-reverse').m;
    assert.ok(rev.items.some((i) => i.kind === 'reverse'));
  });

  it('reads the examples upgrade: v2 stalls on the worker, then v1 is replaced and v3 is refused', () => {
    const file = path.join(ROOT, 'examples/upgrade.klpsim');
    const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost);
    assert.deepEqual(r.errors, []);
    const m = layoutTimeline({ title: 'upgrade', events: r.events });
    const shrink = m.lanes.find((l) => l.section === 'functions' && l.label === 'acme_cache_shrink');
    assert.ok(shrink);
    const stalled = shrink.items.flatMap((i) => i.phases ?? []).find((p) => p.progress.behind.some((b) => b.function === 'acme_cache_shrink'));
    assert.ok(stalled, 'the worker sleeps in acme_cache_shrink while v2 is patching');
    const v1 = m.lanes.find((l) => l.id === 'patch:lp_acme_v1')!;
    assert.ok(v1.items.some((i) => i.kind === 'patch-replaced'));
    const v3 = m.lanes.find((l) => l.id === 'patch:lp_acme_v3')!;
    assert.ok(v3.items.some((i) => i.kind === 'failure' && i.label === 'EINVAL'));
    assert.ok(v3.items.some((i) => i.kind === 'warning' && /not compatible/.test(i.title)));
  });
});

describe('timeline layout: size', () => {
  it('lays out 8,000 events (60 upgrades back to back) well within a second', () => {
    const base = upgradeRun().events.filter((e) => e.kind !== 'end');
    const events = [];
    for (let r = 0; r < 60; r++) for (const e of base) events.push({ ...e, seq: events.length, command: e.command + r * 8, time: e.time + r * 20 });
    const t0 = performance.now();
    const m = layoutTimeline({ title: 'big', events: events as typeof base });
    const ms = performance.now() - t0;
    assert.equal(m.slotOfSeq.length, events.length);
    assert.equal(m.commands.length, 60 * 7);
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
  });
});
