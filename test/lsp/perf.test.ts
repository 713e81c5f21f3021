// What keeps the language server fast, checked by counting work rather than timing it (the
// timings are `npm run bench`, docs/PERFORMANCE.md): an edit in a large open module
// re-extracts only the item it touched; a burst of changes is analysed for its final text,
// not once per change; an edit in one patch of a series recomputes only the series steps
// that involve that patch, and none when it does not touch what the series reads. The real
// server over stdio; counters from klp/analysisStats.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalysisStats } from '../../common/src/protocol';
import { generateLargeSource, generateSeries } from '../../bench/generate';
import { find, LspClient } from './harness';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'klp-perf-'));
}

const stats = (c: LspClient) => c.request<AnalysisStats>('klp/analysisStats', undefined);

describe('language server: incremental work (counted, not timed)', function () {
  this.timeout(120000);

  describe('a 10,000-line module', () => {
    let dir: string;
    let c: LspClient;
    let file: string;

    before(async () => {
      dir = tmp();
      file = path.join(dir, 'lp_big.c');
      fs.writeFileSync(file, generateLargeSource(10000));
      c = await LspClient.start({ root: dir });
      await c.indexed(60000);
      await c.open(file);
      await c.waitDiagnostics(file, (_, p) => p.version === 1, 'first diagnostics', 60000);
    });

    after(async () => {
      assert.equal(await c.stop(), 0);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('an edit inside a body re-extracts that item only and keeps the others', async () => {
      const at = find(c.text(file), 'c->counters[0] += v * ', 120).end;
      const v = await c.edit(file, { start: at, end: at }, '7');
      await c.waitDiagnostics(file, (_, p) => p.version === v, 'diagnostics of the edit');
      const s = (await stats(c)).lastRun;
      assert.equal(s.incremental, 1, JSON.stringify(s));
      assert.equal(s.oneShot, 0, JSON.stringify(s));
      assert.ok(s.items > 1000, JSON.stringify(s));
      assert.ok(s.extracted <= 1, JSON.stringify(s));
      assert.ok(s.reused >= s.items - 1, JSON.stringify(s));
      // The model is patched for the edited function, not assembled from every item again.
      assert.equal(s.assembled, 0, JSON.stringify(s));
      assert.equal(s.series, 0, 'no series: nothing to re-analyse');
    });

    it('a new line moves the items below instead of re-extracting them; diagnostics stay right', async () => {
      // Break the klp_func table's terminator: KLP003 appears; lines are inserted above first.
      const top = { line: 12, character: 0 };
      let v = await c.edit(file, { start: top, end: top }, '\n\n');
      await c.waitDiagnostics(file, (_, p) => p.version === v);
      const s = (await stats(c)).lastRun;
      assert.ok(s.shifted > 1000 && s.extracted <= 2, JSON.stringify(s));
      // Items moved by whole lines are shifted in place: the model is patched, not assembled whole.
      assert.equal(s.assembled, 0, JSON.stringify(s));
      const term = find(c.text(file), '\t{ }\n};\n\nstatic struct klp_object');
      v = await c.edit(file, { start: term.start, end: { line: term.start.line, character: 4 } }, '');
      const ds = await c.waitDiagnostics(file, (_, p) => p.version === v);
      const klp003 = ds.find((d) => d.code === 'KLP003');
      assert.ok(klp003, ds.map((d) => d.code).join());
      // On the table, at its moved lines.
      const lines = c.text(file).split('\n');
      const table = lines.findIndex((l) => l.startsWith('static struct klp_func big_funcs[]'));
      const end = lines.indexOf('};', table);
      assert.ok(klp003.range.start.line >= table && klp003.range.start.line <= end, `KLP003 at line ${klp003.range.start.line}, table ${table}-${end}`);
    });

    it('a burst of changes is analysed for its final text, not once per change', async () => {
      const before = (await stats(c)).runs;
      const at = find(c.text(file), 'c->counters[0] += v * ', 60).end;
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 60; i++) {
        writes.push(c.edit(file, { start: at, end: at }, '1'));
        writes.push(c.edit(file, { start: at, end: { line: at.line, character: at.character + 1 } }, ''));
      }
      const versions = await Promise.all(writes);
      const last = versions[versions.length - 1];
      await c.waitDiagnostics(file, (_, p) => p.version === last, 'diagnostics of the last change');
      const runs = (await stats(c)).runs - before;
      assert.ok(runs >= 1 && runs < versions.length / 2, `${runs} analysis runs for ${versions.length} changes`);
    });
  });

  describe('a 6-patch series', () => {
    let dir: string;
    let c: LspClient;
    let third: string;

    before(async () => {
      dir = tmp();
      for (const [name, text] of generateSeries(6, 300, 6)) fs.writeFileSync(path.join(dir, name), text);
      third = path.join(dir, 'lp_003.c');
      c = await LspClient.start({ root: dir });
      await c.indexed(60000);
      const first = (await stats(c)).lastRun;
      assert.ok(first.stepsComputed > 6, JSON.stringify(first));
      await c.open(third);
      await c.waitDiagnostics(third, (_, p) => p.version === 1);
    });

    after(async () => {
      assert.equal(await c.stop(), 0);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('an edit the series does not read re-analyses one module and no series step', async () => {
      const at = find(c.text(third), 'c->counters[0] += v * ').end;
      const v = await c.edit(third, { start: at, end: at }, '5');
      await c.waitDiagnostics(third, (_, p) => p.version === v);
      const s = (await stats(c)).lastRun;
      assert.equal(s.modules, 1, JSON.stringify(s));
      assert.equal(s.seriesChanged, 0, JSON.stringify(s));
      assert.equal(s.series, 0, JSON.stringify(s));
    });

    it('an edit to a replacement body recomputes only the steps that involve that patch', async () => {
      // big_fn_3 is patched by lp_003 and lp_004 with the same body; lp_003's now differs.
      const body = find(c.text(third), 'seq_printf(m, "%d\\n", 3);');
      const v = await c.edit(third, { start: body.end, end: body.end }, ' /* */ seq_printf(m, "again");');
      await c.waitDiagnostics(third, (_, p) => p.version === v);
      const s = (await stats(c)).lastRun;
      assert.equal(s.modules, 1, JSON.stringify(s));
      assert.equal(s.series, 1, JSON.stringify(s));
      assert.equal(s.summaries, 1, 'only the edited patch is summarised again');
      // Steps with lp_003 as the new or an installed patch: its upgrade, its skips from
      // lp_001, lp_004 over it, lp_005/lp_006 skipping from it, and both downgrades: 7 of them.
      assert.equal(s.stepsComputed, 7, JSON.stringify(s));
      assert.ok(s.stepsReused > 0, JSON.stringify(s));
      // lp_004's step now re-patches big_fn_3 over lp_003's changed version.
      const fourth = path.join(dir, 'lp_004.c');
      await c.waitDiagnostics(fourth, (ds) => ds.some((d) => d.code === 'KLP021' && /big_fn_3\b.*re-patched by lp_004/.test(String(d.message))), 'KLP021 re-patched on lp_004');
    });
  });
});
