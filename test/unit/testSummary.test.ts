// npm test's closing line (scripts/test.mjs): the counts read from each tier's output.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');

function countsIn(text: string): { passed: number; failed: number; skipped: number; reported: boolean } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const m = await import(${JSON.stringify(path.join(ROOT, 'scripts/test.mjs'))}); process.stdout.write(JSON.stringify(m.countsIn(process.env.TEXT)));`],
  { encoding: 'utf8', env: { ...process.env, TEXT: text } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('npm test closing line: counts per tier', () => {
  it('sums every mocha report and the e2e driver\'s steps', () => {
    const out = '  577 passing (2m)\n  1 pending\n  2 failing\n\x1b[32m  35 passing\x1b[0m (15s)\ne2e steps: 3 passed, 1 failed\n';
    assert.deepEqual(countsIn(out), { passed: 615, failed: 3, skipped: 1, reported: true });
  });
  it('a tier that printed no counts is not reported (counted as one test by the runner)', () => {
    assert.deepEqual(countsIn('Error: cannot find module\n'), { passed: 0, failed: 0, skipped: 0, reported: false });
  });
  it('counts only whole report lines, not a test title that mentions "passing"', () => {
    assert.equal(countsIn('    ✔ 3 passing tasks switch at once\n  4 passing (1s)\n').passed, 4);
  });
});
