// `klp-studio simulate --series DIR [--from N] [--to M] [--print-scenario]` (the command
// in-process, bad usage reported as main reports it): on the example series and every test series, the generated
// upgrade runs each patch over the previous one, and each step's simulated insmod fails
// exactly when the series analysis says the kernel refuses it, leaving the patches the
// analysis lists. Also the step range, the printed scenario (which, run as a file, gives
// the same transcript), a folder without klp.series (no series: nothing runs, exit 1, unless
// --infer, whose note says the order is inferred), the kernel profile, and every error.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../cli/src/commands/simulate';
import { UsageError } from '../../cli/src/io';
import { initParser } from '../../core/src/cparse/parser';
import { checkSeries, seriesScenario } from '../../core/src/series';
import { nodeHost } from '../../common/src/nodeHost';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/series');
const SERIES_DIRS = [path.join(ROOT, 'examples'), ...fs.readdirSync(FIXTURES).sort().map((d) => path.join(FIXTURES, d))];

async function cli(args: string[], cwd = ROOT) {
  let out = '';
  let err = '';
  if (args.includes('--help')) return { code: 0, out: command.usage, err };
  try {
    const code = await command.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd, isTTY: false });
    return { code, out, err };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, out, err: err + `klp-studio simulate: ${e.message}\n` };
  }
}

/** The transcript cut into commands with the lines each printed. */
function steps(transcript: string): { command: string; lines: string[] }[] {
  const out: { command: string; lines: string[] }[] = [];
  for (const l of transcript.replace(/\n$/, '').split('\n')) {
    if (l.startsWith('% ')) out.push({ command: l.slice(2), lines: [] });
    else out[out.length - 1].lines.push(l);
  }
  return out;
}

describe('klp-studio simulate --series', () => {
  before(() => initParser());

  for (const dir of SERIES_DIRS) {
    it(`${path.relative(ROOT, dir)}: each step over the previous one, refused exactly where the analysis says`, async () => {
      const { report } = checkSeries(dir, nodeHost);
      const r = await cli(['--series', path.relative(ROOT, dir), '--no-debug', ...(report.inferred ? ['--infer'] : [])]);
      assert.equal(r.code, 0, r.err);
      const s = steps(r.out);
      const patchSteps = s.filter((x) => report.patches.some((p) => x.command === `insmod ${p.module}.ko`));
      assert.deepEqual(patchSteps.map((x) => x.command), report.patches.map((p) => `insmod ${p.module}.ko`), 'every patch of the series, in order');
      report.steps.forEach((step, i) => {
        const failed = patchSteps[i].lines.some((l) => l.startsWith('insmod: ERROR'));
        assert.equal(failed, !step.main.accepted, `step ${i + 1} (${step.patch}): insmod failed ${failed}, analysis accepted ${step.main.accepted}\n${r.out}`);
        const ls = s[s.indexOf(patchSteps[i]) + 1];
        assert.equal(ls.command, 'ls /sys/kernel/livepatch');
        assert.deepEqual(ls.lines.join(' ').split(' ').filter(Boolean), [...step.installedAfter].sort(), `patches left after step ${i + 1}`);
      });
      assert.equal(r.err.includes('order inferred'), report.inferred);
    });
  }

  it('the example series: its transcript (golden; UPDATE=1 regenerates)', async () => {
    const r = await cli(['--series', 'examples']);
    const golden = path.join(__dirname, 'golden', 'simulate-series-examples.txt');
    if (process.env.UPDATE || !fs.existsSync(golden)) fs.writeFileSync(golden, r.out);
    assert.equal(r.out, fs.readFileSync(golden, 'utf8'));
    assert.match(r.out, /^livepatch: Livepatch patch \(lp_acme_v3\) is not compatible with the already installed livepatches\.$/m);
  });

  it('--from/--to take positions or module names', async () => {
    const insmods = (out: string) => steps(out).map((x) => x.command).filter((c) => c.startsWith('insmod'));
    assert.deepEqual(insmods((await cli(['--series', 'examples', '--from', '2', '--to', 'lp_acme_v3'])).out), ['insmod acme_cache.ko', 'insmod lp_acme_v2.ko', 'insmod lp_acme_v3.ko']);
    assert.deepEqual(insmods((await cli(['--series', 'examples', '--from=lp-acme-v2', '--to=2'])).out), ['insmod acme_cache.ko', 'insmod lp_acme_v2.ko']);
    assert.deepEqual(insmods((await cli(['--series', 'examples', '--to', '1'])).out), ['insmod acme_cache.ko', 'insmod lp_acme_v1.ko']);
  });

  it('--print-scenario prints the generated scenario; run as a file it gives the same transcript', async () => {
    const printed = await cli(['--series', 'examples', '--from', '1', '--to', '3', '--print-scenario']);
    assert.equal(printed.code, 0);
    const gen = seriesScenario(checkSeries(path.join(ROOT, 'examples'), nodeHost).report, 1, 3);
    assert.ok(gen.ok);
    assert.equal(printed.out, gen.text);
    assert.match(printed.out, /^# Upgrade path of the series examples/);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-series-'));
    try {
      fs.writeFileSync(path.join(tmp, 'upgrade.klpsim'), printed.out);
      const asFile = await cli([path.join(tmp, 'upgrade.klpsim'), '--path', 'examples']);
      assert.equal(asFile.code, 0, asFile.err);
      assert.equal(asFile.out, (await cli(['--series', 'examples'])).out);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a folder without klp.series is not simulated: exit 1, its modules named as the klp.series to write', async () => {
    for (const extra of [[], ['--format', 'json'], ['--print-scenario']]) {
      const r = await cli(['--series', 'test/fixtures/series/inferred', ...extra]);
      assert.equal(r.code, 1, `${extra.join(' ')}: ${r.err}`);
      assert.equal(r.out, '', 'nothing simulated or printed');
      assert.match(r.err, /^klp-studio simulate: --series test\/fixtures\/series\/inferred: no klp\.series in test\/fixtures\/series\/inferred: /);
      assert.ok(r.err.includes(`\n    printf '%s\\n' lp_v1 lp_v2 lp_v10 > test/fixtures/series/inferred/klp.series\n`), r.err);
      assert.ok(r.err.includes('klp-studio simulate --series test/fixtures/series/inferred --infer\n'), r.err);
      assert.doesNotMatch(r.err, /order inferred/);
    }
    // Run from inside the folder, the line to copy writes ./klp.series.
    const here = await cli(['--series', '.'], path.join(FIXTURES, 'inferred'));
    assert.equal(here.code, 1);
    assert.match(here.err, /no klp\.series in the current folder: .*\n.*\n {4}printf '%s\\n' lp_v1 lp_v2 lp_v10 > klp\.series\n/);
    // --infer goes with --series only.
    const alone = await cli(['examples/upgrade.klpsim', '--infer']);
    assert.equal(alone.code, 2);
    assert.match(alone.err, /--infer goes with --series DIR/);
  });

  it('--infer: the inferred series says so on stderr; --kernel and --format json apply', async () => {
    const r = await cli(['--series', 'test/fixtures/series/inferred', '--infer', '--kernel', '6.1', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /series inferred has no klp\.series: order inferred from module names \(lp_v1, lp_v2, lp_v10\); write a klp\.series to pin it/);
    const doc = JSON.parse(r.out);
    assert.equal(doc.scenario, '--series test/fixtures/series/inferred');
    assert.equal(doc.kernel, '6.1');
    assert.deepEqual(doc.events.filter((e: { kind: string }) => e.kind === 'command').map((e: { text: string }) => e.text).filter((t: string) => t.startsWith('insmod')), ['insmod lp_v1.ko', 'insmod lp_v2.ko', 'insmod lp_v10.ko']);
  });

  it('bad usage and broken series are reported with their exit status', async () => {
    const bad = async (args: string[], status: number, re: RegExp) => {
      const r = await cli(args);
      assert.equal(r.code, status, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, re);
      assert.equal(r.out, '');
    };
    await bad(['--series', 'examples', '--from', '9'], 2, /--from: no step 9 \(the series has 3\)/);
    await bad(['--series', 'examples', '--to', 'lp_acme_v9'], 2, /--to: 'lp_acme_v9' is not in the series \(lp_acme_v1, lp_acme_v2, lp_acme_v3\)/);
    await bad(['--series', 'examples', '--from', '3', '--to', '1'], 2, /--from lp_acme_v3 comes after --to lp_acme_v1/);
    await bad(['--series', 'no/such/dir'], 2, /--series no\/such\/dir: No such file or directory/);
    await bad(['--series', 'examples/klp.series'], 2, /--series examples\/klp\.series: Not a directory \(give the folder of the series\)/);
    await bad(['--series', 'examples', 'examples/upgrade.klpsim'], 2, /--series DIR takes no scenario FILE/);
    await bad(['examples/upgrade.klpsim', '--from', '2'], 2, /--from goes with --series DIR/);
    await bad(['examples/upgrade.klpsim', '--print-scenario'], 2, /--print-scenario goes with --series DIR/);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-series-'));
    try {
      fs.copyFileSync(path.join(FIXTURES, 'clean', 'lp_v1.c'), path.join(tmp, 'lp_v1.c'));
      fs.writeFileSync(path.join(tmp, 'klp.series'), 'lp_v1\nlp_missing\n');
      const r = await cli(['--series', tmp]);
      assert.equal(r.code, 1);
      assert.match(r.err, /klp\.series:2: error: .*lp_missing/);
      assert.match(r.err, /has problems \(see 'klp-studio series .*'\): not simulated/);
      assert.equal(r.out, '');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the help text documents the options', async () => {
    const r = await cli(['--help']);
    for (const o of ['--series DIR', '--from N', '--to M', '--print-scenario', '--kernel latest|6.1']) assert.ok(r.out.includes(o), o);
  });
});
