// Series analysis end to end: `klp-studio series` on the example series and on the test
// series under test/fixtures/series (golden files; UPDATE=1 regenerates them), the rule
// each series is written to trigger (and its near misses), a folder without klp.series
// (no series unless --infer), and the agreement with the
// simulator: a step has a series error (KLP042/KLP043) iff the simulated insmod fails.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { initParser } from '../../core/src/cparse/parser';
import { nodeHost } from '../../common/src/nodeHost';
import { checkSeries, seriesScenario, SeriesReport } from '../../core/src/series';
import type { Finding } from '../../core/src/findings';
import { simulateFile } from '../../core/src/sim';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/series');
const GOLDEN = path.join(__dirname, 'golden');
const CASES = fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory()).sort();
const SERIES_DIRS = [path.join(ROOT, 'examples'), ...CASES.map((c) => path.join(FIXTURES, c))];

/** The built CLI (npm test builds it first), run as a user runs it. */
async function cli(args: string[]): Promise<{ status: number | null; out: string; err: string }> {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE || !fs.existsSync(file)) {
    fs.writeFileSync(file, actual);
    if (!process.env.UPDATE) assert.fail(`golden file ${name} was missing and has been written; check it and rerun`);
    return;
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `output differs from golden ${name} (UPDATE=1 regenerates)`);
}

function analyze(dir: string): { report: SeriesReport; findings: Finding[] } {
  return checkSeries(dir, nodeHost);
}

const codes = (fs_: Finding[], file?: string) => fs_.filter((f) => !file || path.basename(f.file) === file).map((f) => f.code).sort();

describe('klp-studio series (golden)', () => {
  before(() => initParser());

  for (const dir of SERIES_DIRS) {
    const name = path.relative(ROOT, dir).replace(/[/]/g, '_');
    it(`text output of ${path.relative(ROOT, dir)}`, async () => {
      // A folder without klp.series is a series only when asked (--infer); see the next test.
      const r = await cli(['series', path.relative(ROOT, dir), ...(fs.existsSync(path.join(dir, 'klp.series')) ? [] : ['--infer'])]);
      assert.equal(r.err, '');
      golden(`${name}.txt`, r.out);
      const { report, findings } = analyze(dir);
      const refused = report.steps.some((s) => !s.main.accepted) || findings.some((f) => f.severity === 'error');
      assert.equal(r.status, refused ? 1 : 0);
    });
  }

  it('a folder without klp.series is no series: exit 1, its modules named as the klp.series to write; that line gives the --infer order', async () => {
    const rel = 'test/fixtures/series/inferred';
    const r = await cli(['series', rel]);
    assert.equal(r.status, 1);
    assert.equal(r.out, '', 'no guessed order is analysed');
    assert.match(r.err, /^klp-studio series: no klp\.series in test\/fixtures\/series\/inferred or below it: /);
    const write = /^ {4}(printf '%s\\n' .*)$/m.exec(r.err);
    assert.ok(write, r.err);
    assert.equal(write[1], `printf '%s\\n' lp_v1 lp_v2 lp_v10 > ${rel}/klp.series`);
    assert.ok(r.err.includes(`klp-studio series --infer ${rel}\n`), r.err);
    assert.equal(r.err.trimEnd().split('\n').length, 4, 'one message');
    const json = await cli(['series', rel, '--format', 'json']);
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.out), []);
    assert.equal(json.err, r.err);
    // The line the message offers for a copy (a name the shell must quote), run by a shell as
    // printed, writes the klp.series that pins the order --infer previews.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-noseries-'));
    try {
      const copy = path.join(tmp, "it's a series");
      fs.cpSync(path.join(ROOT, rel), copy, { recursive: true });
      const offered = /^ {4}(printf .*)$/m.exec((await cli(['series', copy])).err);
      assert.ok(offered);
      const sh = spawnSync('sh', ['-c', offered[1]], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(sh.status, 0, sh.stderr);
      assert.equal(fs.readFileSync(path.join(copy, 'klp.series'), 'utf8'), 'lp_v1\nlp_v2\nlp_v10\n');
      const pinned = await cli(['series', copy]);
      const inferred = await cli(['series', '--infer', rel]);
      assert.equal(pinned.status, inferred.status);
      const order = (out: string) => out.split('\n')[0].split(': ')[1];
      assert.equal(order(pinned.out), 'lp_v1 -> lp_v2 -> lp_v10');
      assert.equal(order(pinned.out), order(inferred.out), 'same order');
      assert.match(pinned.out, /^ {2}order from .*klp\.series$/m);
      const steps = (out: string) => out.split('\n').filter((l) => /^step \d+: /.test(l));
      assert.deepEqual(steps(pinned.out), steps(inferred.out));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('JSON output of the example series: steps, locations as file/line/column, findings', async () => {
    const r = await cli(['series', 'examples', '--format', 'json']);
    const parsed = JSON.parse(r.out) as any[];
    assert.equal(parsed.length, 1);
    const s = parsed[0];
    assert.deepEqual(s.patches.map((p: any) => p.module), ['lp_acme_v1', 'lp_acme_v2', 'lp_acme_v3']);
    assert.equal(s.steps[2].main.accepted, false);
    assert.ok(s.patches[0].loc.file.endsWith('lp_acme_v1.c') && s.patches[0].loc.line > 0);
    assert.equal(s.patches[0].model, undefined, 'models are not dumped');
    assert.ok(s.findings.some((f: any) => f.code === 'KLP042' && f.file.endsWith('lp_acme_v3.c')));
    golden('examples.json', r.out);
  });

  it('bad usage exits 2 with a message', async () => {
    const r = await cli(['series', 'no/such/dir']);
    assert.equal(r.status, 2);
    assert.match(r.err, /No such file or directory/);
    const r2 = await cli(['series', 'examples', '--format', 'xml']);
    assert.equal(r2.status, 2);
    assert.match(r2.err, /--format must be one of text, json/);
  });

  it('a folder without klp.series but with series below it analyzes each of them', async () => {
    const r = await cli(['series', 'test/fixtures/series']);
    for (const c of CASES.filter((c) => c !== 'inferred')) assert.ok(r.out.includes(`series ${c}: `), `series ${c} is listed`);
    assert.ok(!r.out.includes('series inferred:'), 'a folder without klp.series below a root is not a series');
    assert.equal(r.status, 1);
  });
});

describe('series rules on the test series', () => {
  before(() => initParser());

  it('the example series: KLP042 and KLP032 on lp_acme_v3 naming lp_acme_v2; the downgrade to v1 is refused', () => {
    const { report, findings } = analyze(path.join(ROOT, 'examples'));
    const drop = findings.find((f) => f.code === 'KLP042')!;
    assert.equal(path.basename(drop.file), 'lp_acme_v3.c');
    assert.match(drop.message, /lp_acme_v2/);
    assert.equal(path.basename(drop.related![0].file), 'lp_acme_v2.c');
    const lost = findings.find((f) => f.code === 'KLP032')!;
    assert.equal(path.basename(lost.file), 'lp_acme_v3.c');
    assert.match(lost.message, /acme_post_unpatch/);
    assert.equal(report.steps[1].downgrade?.accepted, false);
    assert.equal(report.steps[1].main.lostCallbacks[0].effects.every((e) => e.takenOverAt), true, 'v2 takes over all of v1 cleanup');
    assert.deepEqual(report.steps[2].main.functions.filter((f) => f.status === 'reverted-by-nop').map((f) => f.name), ['version_proc_show']);
  });

  it('clean: three cumulative steps, no error or warning; unchanged bodies are told from re-patched ones', () => {
    const { report, findings } = analyze(path.join(FIXTURES, 'clean'));
    assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
    assert.ok(report.steps.every((s) => s.main.accepted));
    const st = (i: number, n: string) => report.steps[i].main.functions.find((f) => f.name === n)?.status;
    assert.equal(st(1, 'cmdline_proc_show'), 'kept');
    assert.equal(st(2, 'cmdline_proc_show'), 'changed');
    assert.equal(st(2, 'meminfo_proc_show'), 'kept');
    assert.deepEqual(report.steps[1].main.states.map((s) => s.status), ['upgraded']);
    assert.deepEqual(report.steps[2].main.states.map((s) => s.status), ['carried']);
  });

  it('dropped state: KLP042 on the later patch, with a related note on the earlier one', () => {
    const { findings } = analyze(path.join(FIXTURES, 'dropped-state'));
    assert.deepEqual(codes(findings.filter((f) => f.severity === 'error')), ['KLP042']);
    assert.equal(codes(findings, 'lp_a.c').length, 0);
    const f = findings.find((x) => x.code === 'KLP042')!;
    assert.equal(path.basename(f.file), 'lp_b.c');
    assert.equal(path.basename(f.related![0].file), 'lp_a.c');
  });

  it('lower version in a cumulative patch: KLP042 at the state entry', () => {
    const { findings } = analyze(path.join(FIXTURES, 'lower-version'));
    const f = findings.find((x) => x.code === 'KLP042')!;
    assert.equal(path.basename(f.file), 'lp_b.c');
    assert.match(f.message, /version 2, lower than version 3 in lp_a/);
  });

  it('non-cumulative: no mention of a state is fine (near miss), a lower version is KLP043', () => {
    const { report, findings } = analyze(path.join(FIXTURES, 'nonreplace-lower'));
    assert.equal(report.steps[1].main.accepted, true);
    assert.deepEqual(report.steps[1].main.states.map((s) => s.status), ['untouched']);
    assert.deepEqual(codes(findings.filter((f) => f.severity === 'error')), ['KLP043']);
    assert.equal(path.basename(findings.find((f) => f.code === 'KLP043')!.file), 'lp_hotfix.c');
    assert.ok(!findings.some((f) => f.code === 'KLP042'));
  });

  it('revert: NOP reverts are KLP021 notes; a patch that only drops fixes is KLP022', () => {
    const { findings } = analyze(path.join(FIXTURES, 'revert'));
    const reverts = findings.filter((f) => f.code === 'KLP021' && /reverted to the original code/.test(f.message));
    assert.deepEqual(reverts.map((f) => path.basename(f.file)), ['lp_v2.c', 'lp_v3.c']);
    assert.deepEqual(findings.filter((f) => f.code === 'KLP022').map((f) => path.basename(f.file)), ['lp_v3.c']);
  });

  it('rollback: going back to an older implementation is KLP022 on that function', () => {
    const { findings } = analyze(path.join(FIXTURES, 'rollback'));
    const f = findings.filter((x) => x.code === 'KLP022');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /cmdline_proc_show: lp_v3 goes back to lp_v1's implementation/);
  });

  it('lost cleanup: the replaced patch\'s pre_unpatch and post_unpatch never run: KLP032 on the new patch', () => {
    const { report, findings } = analyze(path.join(FIXTURES, 'lost-cleanup'));
    const lost = findings.filter((f) => f.code === 'KLP032');
    assert.equal(lost.length, 2);
    assert.ok(lost.every((f) => path.basename(f.file) === 'lp_v2.c'));
    assert.ok(lost.some((f) => /writes sysctl_overcommit_ratio/.test(f.message)));
    assert.ok(lost.some((f) => /kfree\(saved_limits\)/.test(f.message) && /klp_shadow_free_all\(SV_TRACK\)/.test(f.message)));
    // The shadow leak is reported once, by KLP032, not again by KLP051.
    assert.ok(!findings.some((f) => f.code === 'KLP051'));
    assert.equal(report.steps[1].main.shadows[0].status, 'leaked');
  });

  it('stacked: a non-cumulative patch over a cumulative one is KLP024 on the shared function only', () => {
    const { report, findings } = analyze(path.join(FIXTURES, 'stacked'));
    const f = findings.filter((x) => x.code === 'KLP024');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /^cmdline_proc_show is already patched by lp_cumulative/);
    assert.deepEqual(report.steps[1].installedAfter, ['lp_cumulative', 'lp_quickfix']);
    assert.deepEqual(report.steps[2].main.over, ['lp_cumulative', 'lp_quickfix']);
    assert.equal(report.steps[2].main.functions.find((x) => x.name === 'cmdline_proc_show')?.from, 'lp_quickfix');
  });

  it('shadows: a leak across the upgrade (KLP051), one id with two sizes and two names (KLP052)', () => {
    const { findings } = analyze(path.join(FIXTURES, 'shadows'));
    const leak = findings.filter((f) => f.code === 'KLP051');
    assert.equal(leak.length, 1);
    assert.match(leak[0].message, /SV_TAG allocated by lp_v1 is neither used nor freed by lp_v2/);
    const conflicts = findings.filter((f) => f.code === 'KLP052');
    assert.equal(conflicts.length, 2);
    assert.ok(conflicts.some((f) => /id 16 is allocated here with size sizeof\(struct owner_info_v2\)/.test(f.message)));
    assert.ok(conflicts.some((f) => /id 17 is SV_CHECKED here but SV_STAMP in lp_v1/.test(f.message)));
  });

  it('inferred order: natural order of names, target modules left out', () => {
    const { report } = analyze(path.join(FIXTURES, 'inferred'));
    assert.equal(report.inferred, true);
    assert.deepEqual(report.patches.map((p) => p.module), ['lp_v1', 'lp_v2', 'lp_v10']);
  });

  it('replace from a module parameter: its default decides (stacking, not a dropped state)', () => {
    const { report, findings } = analyze(path.join(FIXTURES, 'param-replace'));
    assert.equal(report.patches[1].replace, false);
    assert.match(report.patches[1].replaceHow, /parameter default/);
    assert.ok(!findings.some((f) => f.severity === 'error'));
    assert.ok(findings.some((f) => f.code === 'KLP024'));
  });
});

/** Per insmod line of a transcript, whether it failed. */
function insmodResults(transcript: string[]): { module: string; failed: boolean }[] {
  const out: { module: string; failed: boolean }[] = [];
  for (const line of transcript) {
    const m = /^% insmod (?:.*\/)?([^/\s]+)\.ko/.exec(line);
    if (m) out.push({ module: m[1], failed: false });
    else if (/^insmod: ERROR/.test(line) && out.length) out[out.length - 1].failed = true;
  }
  return out;
}

describe('series analysis agrees with the simulator', () => {
  before(() => initParser());

  for (const dir of SERIES_DIRS) {
    it(`${path.relative(ROOT, dir)}: a step has a series error iff its simulated insmod fails`, () => {
      const { report, findings } = analyze(dir);
      const scenario = report.patches.map((p) => `insmod ${p.module}.ko`).join('\n') + '\n';
      const sim = simulateFile(path.join(dir, 'series-upgrade.klpsim'), scenario, [dir], nodeHost, { debug: false });
      assert.deepEqual(sim.errors, []);
      const results = insmodResults(sim.transcript);
      assert.equal(results.length, report.steps.length);
      report.steps.forEach((step, i) => {
        const p = report.patches[i];
        const seriesError = findings.some((f) => (f.code === 'KLP042' || f.code === 'KLP043') && p.model.files.includes(f.file));
        assert.equal(results[i].module, step.patch);
        assert.equal(seriesError, results[i].failed, `step ${i + 1} (${step.patch}): series error ${seriesError}, simulated insmod failed ${results[i].failed}\n${sim.transcript.join('\n')}`);
        assert.equal(step.main.accepted, !results[i].failed);
      });
    });
  }

  it('the generated upgrade scenario (simulate --series) loads targets, then each patch; runs as analyzed', () => {
    const dir = path.join(ROOT, 'examples');
    const { report } = analyze(dir);
    const gen = seriesScenario(report);
    assert.ok(gen.ok);
    const lines = gen.text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(lines.filter((l) => l.startsWith('insmod')), ['insmod acme_cache.ko', 'insmod lp_acme_v1.ko', 'insmod lp_acme_v2.ko', 'insmod lp_acme_v3.ko']);
    const sim = simulateFile(path.join(dir, 'series.klpsim'), gen.text, [dir], nodeHost, { debug: false });
    assert.deepEqual(sim.errors, []);
    const results = insmodResults(sim.transcript).slice(1);
    assert.deepEqual(results.map((r) => r.failed), report.steps.map((s) => !s.main.accepted));
    assert.ok(sim.transcript.includes('lp_acme_v1: acme_pre_patch: acme_cache -> [MODULE_STATE_LIVE] Normal state'), 'callbacks of the target object run');
    const part = seriesScenario(report, 2, 'lp_acme_v3');
    assert.ok(part.ok && !part.text.includes('lp_acme_v1') && part.text.includes('insmod lp_acme_v2.ko'));
    const bad = seriesScenario(report, 'lp_acme_v9');
    assert.ok(!bad.ok && /'lp_acme_v9' is not in the series/.test(bad.error));
    const backwards = seriesScenario(report, 3, 1);
    assert.ok(!backwards.ok && /comes after/.test(backwards.error));
  });

  for (const dir of SERIES_DIRS) {
    it(`${path.relative(ROOT, dir)}: every downgrade verdict matches a simulated rollback`, () => {
      const { report } = analyze(dir);
      for (const step of report.steps) {
        if (!step.downgrade) continue;
        const lines = [...step.installedAfter.map((m) => `insmod ${m}.ko`), `insmod ${step.downgrade.patch}.ko`];
        const sim = simulateFile(path.join(dir, 'series-downgrade.klpsim'), lines.join('\n') + '\n', [dir], nodeHost, { debug: false });
        const results = insmodResults(sim.transcript);
        assert.equal(results[results.length - 1].failed, !step.downgrade.accepted, `downgrade ${step.downgrade.patch} over ${step.installedAfter.join('+')}\n${sim.transcript.join('\n')}`);
      }
    });
  }
});
