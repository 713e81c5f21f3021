// A cumulative series written as klp-build source patches (test/fixtures/klpbuild/series:
// v1, v2, v3 against Debian's linux-source-6.1, fetched at test time and cached): the
// series analysis, `klp-studio series` and `simulate --series` give the answers they give
// for hand-written modules. Step 2 reverts version_proc_show (a NOP), re-patches
// cmdline_proc_show with a new body and patches dummy_xmit in the dummy module, adding the
// new function dummy_drop_empty there; step 3 keeps both bodies, patches dummy_get_stats64
// (which reads a shadow variable) and adds a post-patch callback on the dummy object.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { analyzeSeries, checkSeries, loadSeries, modelProvider } from '../../core/src/series';
import { patchAnalysisOf, withKernelTree } from '../../core/src/klpbuild/series';
import { nodeHost } from '../../common/src/nodeHost';
import { linuxSourceTree, SourceUnavailable } from '../lib/debianSource';
import { klp, requireBuild, ROOT } from '../cli/run';

const SERIES = path.join(ROOT, 'test/fixtures/klpbuild/series');

describe('klp-build series of source patches (linux-source-6.1)', function () {
  this.timeout(600000);
  let tree = '';
  before(async function () {
    try {
      tree = linuxSourceTree('6.1');
    } catch (e) {
      if (e instanceof SourceUnavailable) this.skip();
      throw e;
    }
    await initParser();
  });

  const statuses = (withTree: boolean) => {
    const provide = withKernelTree(modelProvider(nodeHost), nodeHost, withTree ? { kernelTree: tree } : {});
    const { spec, models } = loadSeries(SERIES, nodeHost, provide);
    const report = analyzeSeries(spec, models);
    return { report, steps: report.steps.map((s) => s.main.functions.map((f) => `${f.object}:${f.name}:${f.status}`).sort()) };
  };

  it('names the modules as klp-build does and makes them cumulative', () => {
    const { report } = statuses(true);
    assert.deepEqual(report.patches.map((p) => [p.module, p.replace]), [['livepatch_v1', true], ['livepatch_v2', true], ['livepatch_v3', true]]);
    assert.deepEqual(report.problems, []);
  });

  it('step by step: new, re-patched with a new body, reverted by a NOP, kept; module objects from Kbuild', () => {
    const { report, steps } = statuses(true);
    assert.deepEqual(steps, [
      ['vmlinux:cmdline_proc_show:new', 'vmlinux:version_proc_show:new'],
      ['dummy:dummy_xmit:new', 'vmlinux:cmdline_proc_show:changed', 'vmlinux:version_proc_show:reverted-by-nop'],
      ['dummy:dummy_get_stats64:new', 'dummy:dummy_xmit:kept', 'vmlinux:cmdline_proc_show:kept'],
    ]);
    // The function v2 adds in the module rides along: it is not a klp_func.
    const v2 = patchAnalysisOf(report.patches[1].model)!;
    assert.deepEqual(v2.functions.filter((f) => f.status === 'new').map((f) => `${f.object}:${f.name}`), ['dummy:dummy_drop_empty']);
    const v3 = report.patches[2];
    assert.deepEqual(v3.callbacks.map((c) => `${c.object}:${c.kind}:${c.fn}`), ['dummy:post_patch:dummy_klp_post_patch']);
    assert.deepEqual(v3.shadows.map((s) => `${s.op}:${s.idText}:${s.inFunction}`), ['get:DUMMY_SV_DROPS:dummy_get_stats64']);
  });

  it('without a kernel tree: the same steps from the hunks, bodies not compared', () => {
    const { steps } = statuses(false);
    assert.deepEqual(steps[1], ['vmlinux:cmdline_proc_show:changed', 'vmlinux:dummy_xmit:new', 'vmlinux:version_proc_show:reverted-by-nop']);
    assert.deepEqual(steps[2], ['vmlinux:cmdline_proc_show:changed', 'vmlinux:dummy_get_stats64:new', 'vmlinux:dummy_xmit:changed']);
  });

  it('klp-studio series and simulate --series with --kernel-tree', () => {
    requireBuild();
    const s = klp(['series', 'test/fixtures/klpbuild/series', '--kernel-tree', tree]);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /vmlinux {2}version_proc_show {2}reverted \(NOP\)/);
    assert.match(s.stdout, /dummy {4}dummy_xmit {9}unchanged {2}same body as livepatch_v2/);
    const sim = klp(['simulate', '--series', 'test/fixtures/klpbuild/series', '--kernel-tree', tree]);
    assert.equal(sim.status, 0, sim.stderr);
    const lines = sim.stdout.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('% ')), ['% insmod dummy.ko', '% insmod livepatch_v1.ko', '% ls /sys/kernel/livepatch', '% insmod livepatch_v2.ko', '% ls /sys/kernel/livepatch', '% insmod livepatch_v3.ko', '% ls /sys/kernel/livepatch']);
    assert.ok(lines.includes("livepatch: 'livepatch_v3': patching complete"));
    assert.ok(lines.includes('livepatch_v3: dummy_klp_post_patch: dummy -> [MODULE_STATE_LIVE] Normal state'), sim.stdout);
    assert.equal(lines[lines.length - 2], 'livepatch_v3');
    const chk = klp(['check', 'test/fixtures/klpbuild/series', '--kernel-tree', tree, '--format', 'json']);
    assert.equal(chk.status, 0, chk.stderr);
    const found = JSON.parse(chk.stdout) as { file: string; line: number; code: string; message: string }[];
    assert.ok(found.some((f) => f.file === 'test/fixtures/klpbuild/series/v2.patch' && f.code === 'KLP021' && /^version_proc_show: reverted/.test(f.message)), chk.stdout);
    assert.match(chk.stderr, /v2\.patch: livepatch_v2 \(kernel tree [^)]*\): dummy: dummy_drop_empty \(new\), dummy: dummy_xmit \(changed\), vmlinux: cmdline_proc_show \(changed\)/);
    const bad = klp(['series', 'test/fixtures/klpbuild/series', '--kernel-tree', SERIES]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not a kernel tree/);
  });

  it('KLP114: a callback that redoes an earlier patch\'s setup (trigger) and one on another object (near miss)', () => {
    const run = (name: string) => {
      const { report, findings } = checkSeries(path.join(ROOT, 'test/fixtures/klpbuild', name), nodeHost, withKernelTree(modelProvider(nodeHost), nodeHost, { kernelTree: tree }));
      assert.deepEqual(report.problems, []);
      return findings.filter((f) => f.code === 'KLP114').map((f) => `${path.basename(f.file)}:${f.range.start.line + 1} ${f.severity} ${f.related?.map((r) => `${path.basename(r.file)}:${r.range.start.line + 1}`).join(',')}`);
    };
    assert.deepEqual(run('klp114-trigger'), ['s2.patch:15 warning s1.patch:11']);
    assert.deepEqual(run('klp114-near-miss'), []);
  });

  it('a scenario may insmod livepatch_<name>.ko built from <name>.patch: simulate and timeline', () => {
    requireBuild();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-kbuild-sim-'));
    try {
      for (const f of ['v1.patch', 'v2.patch']) fs.copyFileSync(path.join(SERIES, f), path.join(dir, f));
      fs.writeFileSync(path.join(dir, 'up.klpsim'), 'insmod livepatch_v1.ko\ninsmod livepatch_v2.ko\ncat /sys/kernel/livepatch/livepatch_v2/enabled\nls /sys/kernel/livepatch\n');
      const sim = klp(['simulate', 'up.klpsim', '--format', 'json'], dir);
      assert.equal(sim.status, 0, sim.stderr);
      const events = (JSON.parse(sim.stdout) as { events: { kind: string; func?: string; message?: string }[] }).events;
      const text = JSON.stringify(events);
      // No tree: read from the hunks (approximate), and still the revert of version_proc_show by a NOP.
      assert.match(text, /version_proc_show/);
      assert.ok(!/has no sources/.test(text.replace(/dummy/g, '')), 'the livepatches have their models');
      const html = path.join(dir, 't.html');
      const t = klp(['timeline', 'up.klpsim', '-o', html], dir);
      assert.equal(t.status, 0, t.stderr);
      assert.match(fs.readFileSync(html, 'utf8'), /livepatch_v2/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
