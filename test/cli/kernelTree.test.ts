// `klp-studio check .` at the root of a real kernel tree (Debian's linux-source-6.1, fetched
// once into the cache by test/lib/debianSource.ts, never committed): it finds every
// livepatch of the tree — the four of samples/livepatch and the seven of the selftests'
// modules in lib/livepatch (test_klp_state3.c is a livepatch only through its
// `#include "test_klp_state2.c"`) — reports nothing outside them (the livepatch core in
// kernel/livepatch uses the API without being a livepatch), and, in a folder of per-CVE
// copies, reports both modules named `livepatch`.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linuxSourceTree, SourceUnavailable } from '../lib/debianSource';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** The livepatches of linux-source-6.1, counted by hand from its tree. */
const LIVEPATCHES = [
  'samples/livepatch/livepatch-sample.c',
  'samples/livepatch/livepatch-shadow-fix1.c',
  'samples/livepatch/livepatch-shadow-fix2.c',
  'samples/livepatch/livepatch-callbacks-demo.c',
  'lib/livepatch/test_klp_atomic_replace.c',
  'lib/livepatch/test_klp_callbacks_demo.c',
  'lib/livepatch/test_klp_callbacks_demo2.c',
  'lib/livepatch/test_klp_livepatch.c',
  'lib/livepatch/test_klp_state.c',
  'lib/livepatch/test_klp_state2.c',
  'lib/livepatch/test_klp_state3.c',
];

function check(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return r;
}

/** The file of each finding line (`FILE:LINE:COL: severity: ... [CODE]`), related notes apart. */
function findingFiles(stdout: string): { findings: string[]; notes: string[] } {
  const findings: string[] = [];
  const notes: string[] = [];
  for (const l of stdout.split('\n')) {
    const m = /^(.+?):\d+:\d+: (?:error|warning|note): /.exec(l);
    if (m) (/ \[KLP[\w-]+\]$/.test(l) ? findings : notes).push(m[1]);
  }
  return { findings, notes };
}

describe('check at the root of a kernel tree (linux-source-6.1)', function () {
  this.timeout(15 * 60 * 1000); // the first run downloads and unpacks the package
  let tree: string;

  before(function () {
    try {
      tree = linuxSourceTree('6.1');
    } catch (e) {
      if (e instanceof SourceUnavailable) this.skip();
      throw e;
    }
  });

  it('finds all 11 livepatches and reports nothing outside livepatch modules', function () {
    this.timeout(5 * 60 * 1000);
    for (const f of LIVEPATCHES) assert.ok(fs.existsSync(path.join(tree, f)), f);
    const r = check(tree, '.');
    const summary = /(\d+) modules? \((\d+) livepatch(?:es)?\)/.exec(r.stderr);
    assert.ok(summary, r.stderr);
    assert.equal(Number(summary[2]), LIVEPATCHES.length, r.stderr);
    const { findings } = findingFiles(r.stdout);
    assert.ok(findings.length > 0, 'the samples have findings');
    const allowed = new Set(LIVEPATCHES);
    for (const f of findings) assert.ok(allowed.has(f), `a finding outside the livepatch modules: ${f}`);
    assert.ok(!findings.some((f) => f.startsWith('kernel/')), 'nothing on the livepatch core');
  });

  it('two modules named livepatch in per-CVE folders are both checked and reported', function () {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-kernel-cve-'));
    try {
      for (const [dir, from] of [['cve-a', 'samples/livepatch/livepatch-sample.c'], ['cve-b', 'lib/livepatch/test_klp_livepatch.c']]) {
        fs.mkdirSync(path.join(ws, dir));
        // Each copy broken the same way (no `.mod`: KLP001), so each must be reported.
        const text = fs.readFileSync(path.join(tree, from), 'utf8');
        assert.match(text, /\.mod = THIS_MODULE,/);
        fs.writeFileSync(path.join(ws, dir, 'livepatch.c'), text.replace(/\.mod = THIS_MODULE,/, ''));
      }
      const r = check(ws, '.');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /2 modules \(2 livepatches\)/);
      const klp001 = r.stdout.split('\n').filter((l) => / \[KLP001\]$/.test(l)).map((l) => l.split(':')[0]);
      assert.deepEqual(klp001.sort(), ['cve-a/livepatch.c', 'cve-b/livepatch.c'], r.stdout);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
