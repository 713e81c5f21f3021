// The tables of `klp-studio series` (core/src/series/format.ts) say what the kernel really
// does: under the proposed state-callbacks API (semantics §12) no state version appears
// and a refused step names the block_disable state it drops; under today's API a refused
// step names each state it drops or downgrades; and `series --kernel-api state-callbacks` on
// a series written for today's API says whose verdicts its tables give. Expectations come
// from the series analysis and the modules' own klp_state entries, not a copy of the output.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { checkSeries, formatSeriesText } from '../../core/src/series';
import { patchStates } from '../../core/src/rules/stateApi';
import { nodeHost } from '../../common/src/nodeHost';
import { klp, requireBuild } from './run';

const ROOT = path.resolve(__dirname, '../..');

/** The block of lines of step N (1-based) in the text output. */
function stepBlock(text: string, n: number): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`step ${n}: `));
  assert.ok(start >= 0, `no step ${n} in\n${text}`);
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('step ') || /^\d+ step\(s\)/.test(l)));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** Wrapped lines joined back (continuation lines are indented by four spaces). */
const unwrap = (lines: string[]) => lines.join('\n').replace(/\n {4}(?=\S)/g, ' ');

describe('klp-studio series: the tables under each API level', () => {
  before(() => { requireBuild(); return initParser(); });

  it('a series written for the proposal: no state versions, refusals name the block_disable state', () => {
    const { report } = checkSeries(path.join(ROOT, 'examples/state-callbacks'), nodeHost);
    assert.ok(report.patches.every((p) => p.model.apiLevel === 'state-callbacks'));
    const text = formatSeriesText(report);
    assert.doesNotMatch(text, /has version|\bv\d+ -> v\d+|\bv0\b/, 'versions play no part in the proposal');
    let refusals = 0;
    for (const step of report.steps) {
      const block = unwrap(stepBlock(text, step.index + 1));
      for (const x of step.main.states.filter((s) => !s.compatible)) {
        refusals++;
        const st = patchStates(report.patches.find((p) => p.module === x.prevModule)!.model).find((s) => s.id === x.id);
        assert.ok(st?.blockDisable, `${x.idText} is refused only for .block_disable`);
        assert.ok(block.includes(`REFUSED by the kernel: drops state ${x.idText}, installed by ${x.prevModule} with .block_disable`), block);
      }
      // Every is_shadow state the step removes: its shadow variables are said to be freed, not leaked.
      for (const x of step.main.states.filter((s) => s.status === 'dropped' && s.compatible)) {
        const st = patchStates(report.patches.find((p) => p.module === x.prevModule)!.model).find((s) => s.id === x.id);
        if (!st?.isShadow) continue;
        const row = stepBlock(text, step.index + 1).find((l) => l.trim().startsWith(`${x.idText} (`) && !l.includes('(id '));
        assert.ok(row && /\bfreed\b/.test(row) && !/LEAKED/.test(row), `shadow row of ${x.idText}: ${row}`);
      }
    }
    assert.ok(refusals > 0, 'the example has a refused step');
  });

  it('a series written for today\'s API: a refused step names each state it drops, with the patch that installs it', () => {
    const { report } = checkSeries(path.join(ROOT, 'examples'), nodeHost);
    const text = formatSeriesText(report);
    let refusals = 0;
    for (const step of report.steps) {
      const block = unwrap(stepBlock(text, step.index + 1));
      for (const x of step.main.states.filter((s) => !s.compatible)) {
        refusals++;
        const why = x.status === 'dropped' ? `drops state ${x.idText}, installed by ${x.prevModule}` : `state ${x.idText} version ${x.version} < ${x.prevVersion} in ${x.prevModule}`;
        assert.ok(block.includes(`REFUSED by the kernel: ${why}`), block);
        assert.doesNotMatch(block, /block_disable/);
      }
    }
    assert.ok(refusals > 0, 'the example has a refused step');
  });

  it('series --kernel-api state-callbacks on a series written for today\'s API says whose verdicts the tables give', () => {
    const r = klp(['series', 'examples', '--kernel-api', 'state-callbacks']);
    const head = r.stdout.split('\n\n')[0];
    assert.match(head, /the tables are today's kernel API, which the series is written for; its run under the\n {2}proposed state-callbacks API \(--kernel-api\) follows them/);
    assert.doesNotMatch(klp(['series', 'examples']).stdout, /the tables are today's/);
    assert.doesNotMatch(klp(['series', 'examples/state-callbacks', '--kernel-api', 'state-callbacks']).stdout, /the tables are today's/);
  });

  it('a downgrade names the functions a NOP reverts right after their count', () => {
    const { report } = checkSeries(path.join(ROOT, 'examples/state-callbacks'), nodeHost);
    const text = unwrap(formatSeriesText(report).split('\n'));
    const d = report.steps.map((s) => s.downgrade).find((x) => x?.accepted && x.functions.some((f) => f.status === 'reverted-by-nop'));
    assert.ok(d, 'the example has an accepted downgrade with NOP reverts');
    const names = d.functions.filter((f) => f.status === 'reverted-by-nop').map((f) => f.name);
    assert.ok(text.includes(`${names.length} reverted (NOP): ${names.join(', ')} back to original code`), text);
  });

  it('prose lines fit 100 columns', () => {
    for (const dir of ['examples', 'examples/state-callbacks']) {
      const text = formatSeriesText(checkSeries(path.join(ROOT, dir), nodeHost).report);
      // Table rows (four spaces, then aligned cells) are as wide as their cells; everything else wraps.
      const prose = text.split('\n').filter((l) => !/^ {4,}\S.*\S {2,}\S/.test(l));
      for (const l of prose) assert.ok(l.length <= 100, `${l.length} columns: ${l}`);
    }
  });
});
