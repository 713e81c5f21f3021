// The timeline under the proposed state-callbacks API (semantics §12): the converted example
// series run through the real simulator and laid out (webview/src/layout.ts with
// ./stateApiLayout.ts): state-callback markers on per-patch, per-state lanes; shadow lanes
// whose lifetime the is_shadow states decide; the exported HTML document carries them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { layoutTimeline, type TimelineModel } from '../../webview/src/layout';

const ROOT = path.resolve(__dirname, '../..');

function run(file: string, kernelApi?: 'upstream'): TimelineModel {
  const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost, kernelApi ? { kernelApi } : {});
  assert.deepEqual(r.errors, []);
  return layoutTimeline({ title: path.basename(file), events: r.events, scenario: file });
}

const slotOf = (m: TimelineModel, text: string) => m.commands.find((c) => c.text === text)!;

describe('state callbacks (§12): timeline', () => {
  before(() => initParser());

  it('draws state callbacks under their patch, run and not run', () => {
    const m = run(path.join(ROOT, 'examples/state-callbacks/upgrade.klpsim'));
    const v1 = m.lanes.find((l) => l.id === `scb:lp_acme_sc_v1:${0x61636d00}`)!;
    assert.ok(v1, m.lanes.map((l) => l.id).join(', '));
    assert.equal(v1.sub, 'state callbacks');
    const ran = v1.items.filter((i) => i.marker && i.kind === 'callback');
    assert.deepEqual(ran.map((i) => i.title), ['pre_patch — lp_acme_sc_v1 / state 0x61636d00']);
    const band = slotOf(m, 'insmod lp_acme_sc_v1.ko');
    assert.ok(ran[0].start >= band.start && ran[0].start < band.end, 'the marker is inside the command that ran it');
    // v2 carries the state: its present callbacks are drawn as not run, with the reason.
    const v2 = m.lanes.find((l) => l.id === `scb:lp_acme_sc_v2:${0x61636d00}`)!;
    const skipped = v2.items.filter((i) => i.kind === 'callback-skipped');
    assert.ok(skipped.length >= 2);
    assert.ok(skipped.every((i) => i.detail.some((d) => /carried over: no callbacks/.test(d))));
    // The lane comes right after its patch lane.
    const order = m.lanes.map((l) => l.id);
    assert.ok(order.indexOf(v1.id) > order.indexOf('patch:lp_acme_sc_v1') && order.indexOf(v1.id) < order.indexOf('patch:lp_acme_sc_v2'));
  });

  it('shadow lanes follow the is_shadow states: bound at introduction, freed with the state', () => {
    const m = run(path.join(ROOT, 'examples/state-callbacks/upgrade.klpsim'));
    const hits = m.lanes.find((l) => l.id === `shadow:${0x61636d01}`)!;
    assert.equal(hits.sub, 'is_shadow state');
    const live = hits.items.filter((i) => !i.marker);
    assert.equal(live.length, 1);
    const bound = slotOf(m, 'insmod lp_acme_sc_v1.ko');
    const freedAt = slotOf(m, 'insmod lp_acme_sc_v3.ko');
    assert.ok(live[0].start >= bound.start && live[0].start < bound.end);
    assert.ok(live[0].end > freedAt.start && live[0].end <= freedAt.end, 'freed during the v3 command');
    assert.deepEqual(hits.items.filter((i) => i.marker).map((i) => i.kind), ['shadow-introduced', 'shadow-freed']);
    assert.ok(!hits.items.some((i) => i.kind === 'shadow-leaked'), 'no leak heuristics for state-managed ids');
    // BIRTH: bound by v2, still live at the end (v3 cannot be disabled).
    const birth = m.lanes.find((l) => l.id === `shadow:${0x61636d02}`)!;
    assert.equal(birth.items.filter((i) => !i.marker).at(-1)!.end, m.slots.length);
  });

  it('the same scenario under the upstream API has no state lanes', () => {
    const m = run(path.join(ROOT, 'examples/state-callbacks/upgrade.klpsim'), 'upstream');
    assert.ok(!m.lanes.some((l) => l.id.startsWith('scb:')));
    assert.ok(!m.lanes.some((l) => l.sub === 'is_shadow state'));
  });

  it('every event of the proposal runs gets a step (the rollback too)', () => {
    for (const f of ['examples/state-callbacks/upgrade.klpsim', 'examples/state-callbacks/rollback.klpsim']) {
      const file = path.join(ROOT, f);
      const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost);
      const m = layoutTimeline({ title: f, events: r.events });
      assert.equal(m.slotOfSeq.length, r.events.length);
      for (const l of m.lanes) for (const i of l.items) assert.ok(i.start >= 0 && i.end <= m.slots.length && i.end > i.start, `${l.id} item inside the axis`);
    }
  });
});
