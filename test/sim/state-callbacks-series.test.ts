// The migration aid and the series rules of the proposed state-callbacks API (semantics
// §12): `klp-studio series DIR --kernel-api state-callbacks` on the upstream example series
// (what it would mean under the proposal) and on examples/state-callbacks (the same series
// converted to state callbacks), `check --kernel-api`, and the series rules KLP071/KLP077.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { checkSeries } from '../../core/src/series';
import { proposalView } from '../../core/src/series/stateApiView';
import { simulateFile } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { command as series } from '../../cli/src/commands/series';
import { command as check } from '../../cli/src/commands/check';

const ROOT = path.resolve(__dirname, '../..');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await series.run(args, { out: (t) => { out += t; }, err: (t) => { out += t; }, cwd: ROOT, isTTY: false });
  return { code, out };
}

describe('state callbacks (§12): migration aid on the upstream example series', () => {
  before(() => initParser());

  it('per step: the object callbacks that stop running, the refusal that goes away, is_shadow frees', () => {
    const { report } = checkSeries(path.join(ROOT, 'examples'), nodeHost);
    const v = proposalView(report);
    assert.equal(v.writtenFor, 'upstream');
    const step = (p: string) => v.steps.find((s) => s.action === 'insmod' && s.patch === p)!;
    // Today every object callback of the series runs at its step; under the proposal none does.
    assert.deepEqual(step('lp_acme_v1').objectCallbacks, ['lp_acme_v1 acme_cache pre_patch acme_pre_patch']);
    assert.deepEqual(step('lp_acme_v2').replacedCallbacks, ['lp_acme_v1 acme_cache post_unpatch acme_post_unpatch']);
    assert.ok(v.steps.every((s) => s.stateCallbacks.length === 0), 'no state callbacks in an upstream series');
    // v3 drops the state: refused by §7 today, accepted by the proposal (no block_disable).
    assert.deepEqual(step('lp_acme_v3').result, { upstream: 'refused', 'state-callbacks': 'ok' });
    // is_shadow per shadow id: HITS goes with v3 (which no longer uses it), BIRTH when v3 is disabled.
    const hits = v.shadows.find((s) => s.idText === 'SV_ACME_HITS')!;
    const birth = v.shadows.find((s) => s.idText === 'SV_ACME_BIRTH')!;
    assert.deepEqual(hits.usedBy, ['lp_acme_v1', 'lp_acme_v2']);
    assert.equal(hits.freedAt.length, 1);
    assert.match(hits.freedAt[0], /when lp_acme_v3 is loaded \(step 3/);
    assert.equal(hits.freedAllBy.length, 2, 'the two klp_shadow_free_all() of v1 and v2');
    assert.deepEqual(birth.freedAt, ['when lp_acme_v3 is disabled']);
    assert.equal(birth.freedAllBy.length, 0);
  });

  it('series --kernel-api state-callbacks adds the section; upstream (and auto here) does not', async () => {
    const on = await cli(['examples', '--kernel-api', 'state-callbacks']);
    assert.match(on.out, /^under the proposed state-callbacks API/m);
    assert.match(on.out, /step 3: insmod lp_acme_v3: today REFUSED, under the proposal accepted/);
    assert.match(on.out, /object callbacks that stop running: lp_acme_v1 acme_cache pre_patch acme_pre_patch/);
    assert.doesNotMatch(on.out, /\[KLP042\]/, 'the version rule of §7 is not the proposal\'s');
    const off = await cli(['examples']);
    assert.doesNotMatch(off.out, /under the proposed state-callbacks API/);
    assert.match(off.out, /\[KLP042\]/);
    assert.equal((await cli(['examples', '--kernel-api', 'upstream'])).out, off.out);
    const json = JSON.parse((await cli(['examples', '--kernel-api', 'state-callbacks', '--format', 'json'])).out);
    assert.equal(json[0].stateCallbacks.writtenFor, 'upstream');
    assert.equal(json[0].stateCallbacks.shadows.length, 2);
    assert.equal(JSON.parse((await cli(['examples', '--format', 'json'])).out)[0].stateCallbacks, undefined);
  });
});

describe('state callbacks (§12): the acme series converted to state callbacks (examples/state-callbacks)', () => {
  before(() => initParser());
  const dir = path.join(ROOT, 'examples', 'state-callbacks');

  it('simulates the upgrade with the proposal\'s semantics, unlike the upstream series', () => {
    const run = (file: string, kernelApi?: 'upstream') => simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost, kernelApi ? { kernelApi } : {});
    const conv = run(path.join(dir, 'upgrade.klpsim'));
    assert.deepEqual(conv.errors, []);
    const t = conv.transcript;
    const at = (cmd: string) => t.indexOf(`% ${cmd}`);
    const between = (a: string, b: string) => t.slice(at(a), at(b));
    // v2 carries both states of v1 over: no state callback runs for them.
    assert.deepEqual(between('insmod lp_acme_sc_v2.ko', 'cat /sys/kernel/livepatch/lp_acme_sc_v2/transition').filter((l) => /: state /.test(l)), []);
    // v3 is accepted (drops a state without block_disable) and introduces the permanent state.
    assert.ok(between('insmod lp_acme_sc_v3.ko', 'rmmod lp_acme_sc_v2').includes('lp_acme_sc_v3: evict_order_pre_patch: state 0x61636d10'));
    assert.ok(t.includes("livepatch: The livepatch 'lp_acme_sc_v3' does not support disable"));
    assert.ok(t.includes('livepatch: Livepatch patch (lp_acme_sc_v4) is not compatible with the already installed livepatches.'));
    assert.equal(t[t.length - 1], 'lp_acme_sc_v3');
    // SV_ACME_HITS (dropped by v3) is freed at v3's completion, from v2's state.
    const freed = conv.events.filter((e) => e.kind === 'shadow-lifetime' && e.change === 'freed');
    assert.deepEqual(freed.map((e) => e.kind === 'shadow-lifetime' && [e.id.toString(16), e.patch]), [['61636d01', 'lp_acme_sc_v2']]);
    // The upstream series on the same path: v3 refused (it drops a state), nothing is freed by the kernel.
    const up = run(path.join(ROOT, 'examples', 'upgrade.klpsim'));
    assert.ok(up.transcript.includes('livepatch: Livepatch patch (lp_acme_v3) is not compatible with the already installed livepatches.'));
    assert.equal(up.events.filter((e) => e.kind === 'shadow-lifetime' || e.kind === 'state-callback').length, 0);
    // Forced to today's API the converted modules lose their state semantics (and v3 is refused by §7).
    const forced = run(path.join(dir, 'upgrade.klpsim'), 'upstream');
    assert.ok(forced.transcript.includes('livepatch: Livepatch patch (lp_acme_sc_v3) is not compatible with the already installed livepatches.'));
    assert.ok(!forced.transcript.some((l) => /: state /.test(l)));
  });

  it('the rollback: reversing v2 frees what v2 introduced, disabling v1 runs its callback and frees its ids', () => {
    const file = path.join(dir, 'rollback.klpsim');
    const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost);
    const life = r.events.filter((e) => e.kind === 'shadow-lifetime').map((e) => e.kind === 'shadow-lifetime' && `${e.change} ${e.id.toString(16)} ${e.patch} line ${e.scenarioLine}`);
    assert.deepEqual(life, [
      'bound 61636d00 lp_acme_sc_v1 line 6', 'bound 61636d01 lp_acme_sc_v1 line 6',
      'bound 61636d02 lp_acme_sc_v2 line 8', 'freed 61636d02 lp_acme_sc_v2 line 9',
      'freed 61636d00 lp_acme_sc_v1 line 14', 'freed 61636d01 lp_acme_sc_v1 line 14',
    ]);
    assert.ok(r.transcript.includes('lp_acme_sc_v1: stats_post_unpatch: state 0x61636d00'));
  });

  it('check reports the deliberate mistakes (KLP070-KLP077) and none of the upstream rules the proposal contradicts', async () => {
    let out = '';
    const code = await check.run(['examples/state-callbacks', '--format', 'json'], { out: (t) => { out += t; }, err: () => {}, cwd: ROOT, isTTY: false });
    assert.equal(code, 1, 'KLP071 is an error');
    const findings = JSON.parse(out) as { code: string; file: string }[];
    const codes = [...new Set(findings.map((f) => f.code))].filter((c) => c !== 'KLP021').sort();
    assert.deepEqual(codes, ['KLP070', 'KLP071', 'KLP072', 'KLP074', 'KLP077']);
    const where = (c: string) => findings.filter((f) => f.code === c).map((f) => path.basename(f.file));
    assert.deepEqual(where('KLP070'), ['lp_acme_sc_v2.c']);
    assert.deepEqual(where('KLP071'), ['lp_acme_sc_v4.c']);
    assert.deepEqual(where('KLP077'), ['lp_acme_sc_v2.c']);
    // Forced to today's API: the proposal's fields are build errors, and §7 refuses v3 again.
    let up = '';
    await check.run(['examples/state-callbacks', '--format', 'json', '--kernel-api', 'upstream'], { out: (t) => { up += t; }, err: () => {}, cwd: ROOT, isTTY: false });
    const upCodes = new Set((JSON.parse(up) as { code: string }[]).map((f) => f.code));
    assert.ok(upCodes.has('KLP078') && !upCodes.has('KLP070') && !upCodes.has('KLP071'));
  });

  it('series: the tables follow the proposal\'s compatibility rule; the section runs the proposal', async () => {
    const { report } = checkSeries(dir, nodeHost);
    assert.deepEqual(report.steps.map((s) => s.main.accepted), [true, true, true, false]);
    const v = proposalView(report);
    assert.equal(v.writtenFor, 'state-callbacks');
    assert.deepEqual(v.steps.map((s) => `${s.action} ${s.patch} ${s.result['state-callbacks']}`), [
      'insmod lp_acme_sc_v1 ok', 'insmod lp_acme_sc_v2 ok', 'insmod lp_acme_sc_v3 ok', 'insmod lp_acme_sc_v4 refused', 'disable lp_acme_sc_v3 refused',
    ]);
    const r = await cli(['examples/state-callbacks']);
    assert.equal(r.code, 1, 'a step is refused');
    assert.match(r.out, /step 4: insmod lp_acme_sc_v4: REFUSED/);
    assert.match(r.out, /\[KLP071\]/);
  });
});
