// The migration aid and the series rules of the proposed state-callbacks API (semantics
// §12): `klp-studio series DIR --kernel-api state-callbacks` on the upstream example series
// (what it would mean under the proposal) and on examples/state-callbacks (the same series
// converted to state callbacks), `check --kernel-api`, and the series rules KLP071/KLP077.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { checkSeries } from '../../core/src/series';
import { proposalView } from '../../core/src/series/stateApiView';
import { nodeHost } from '../../common/src/nodeHost';
import { command as series } from '../../cli/src/commands/series';

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
