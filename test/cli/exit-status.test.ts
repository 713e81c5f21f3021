// The exit statuses README's "The command line" section promises, each produced by a real run
// of the built CLI: 0 success, 1 findings or a failure, 2 bad usage or an unusable input (a
// binary file given as a scenario among them: one line of error, not its bytes echoed back),
// 3 for verify on a machine that cannot run it. The README paragraph must name every status
// these runs produce, so the two cannot drift apart.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { klp, requireBuild, ROOT, tmpdir } from './run';

const cases = path.join(ROOT, 'test/conformance/cases');

describe('klp-studio: exit statuses as README states them', function () {
  this.timeout(180000);
  let dir: string;
  let binary: string;
  before(() => {
    requireBuild();
    dir = tmpdir('klp-exit-');
    // 64 KiB of an ELF executable: NUL bytes, long runs without a newline, stray quotes.
    binary = path.join(dir, 'program.klpsim');
    fs.writeFileSync(binary, fs.readFileSync(process.execPath).subarray(0, 65536));
    fs.writeFileSync(path.join(dir, 'typo.klpsim'), 'insmod lp.ko\nreboot\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const paragraph = /Exit status, for every command:[^]*?\n\n/.exec(readme)?.[0] ?? '';

  it('README has the exit status paragraph, naming 0, 1, 2, 3, 130 and 70', () => {
    assert.ok(paragraph, 'README lost its "Exit status, for every command:" paragraph');
    for (const s of ['0 success', '1 findings or a failure', '2 bad usage or an unusable input', 'exits 3', '130', '70']) {
      assert.ok(paragraph.includes(s), `README's exit status paragraph does not say "${s}":\n${paragraph}`);
    }
  });

  it('0: a clean run of each command', () => {
    assert.equal(klp(['simulate', 'examples/upgrade.klpsim']).status, 0);
    assert.equal(klp(['--version']).status, 0);
    assert.equal(klp(['check', 'test/conformance/shared/modules', '--no-series']).status, 0);
  });

  it('1: findings from check, a step the kernel refuses or no series for series, a livepatch without sources for simulate', () => {
    assert.equal(klp(['check', 'examples']).status, 1);
    // lp_acme_v3 drops a state lp_acme_v2 installs: the kernel refuses that upgrade step.
    const refused = klp(['series', 'examples']);
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /the kernel refuses to load it/);
    assert.equal(klp(['series', dir]).status, 1);
    const unsourced = klp(['simulate', path.join(cases, 'missing-livepatch-sources/scenario.klpsim'), '--path', path.join(cases, 'modules')]);
    assert.equal(unsourced.status, 1, unsourced.stderr);
    assert.match(unsourced.stderr, /has no sources/);
  });

  it('2: a binary file given as a scenario is one line of error, for every command that reads one', () => {
    for (const cmd of ['simulate', 'timeline', 'verify']) {
      const r = klp([cmd, binary, ...(cmd === 'timeline' ? ['-o', path.join(dir, 'out.html')] : [])]);
      assert.equal(r.status, 2, `${cmd}: ${r.stderr.slice(0, 300)}`);
      assert.equal(r.stderr, `klp-studio ${cmd}: ${binary}: a binary file, not text\n`);
      assert.equal(r.stdout, '');
    }
    assert.ok(!fs.existsSync(path.join(dir, 'out.html')), 'timeline wrote its output for a binary input');
  });

  it('2: bad usage, a missing file, a malformed scenario', () => {
    assert.equal(klp(['simulate']).status, 2);
    assert.equal(klp(['check', '--no-such-option']).status, 2);
    assert.equal(klp(['simulate', path.join(dir, 'missing.klpsim')]).status, 2);
    const typo = klp(['simulate', path.join(dir, 'typo.klpsim')]);
    assert.equal(typo.status, 2);
    assert.equal(typo.stderr.trimEnd().split('\n').length, 1, typo.stderr);
  });

  it('3: verify on a machine without its tools', () => {
    const r = klp(['verify', path.join(ROOT, 'test/conformance/shared/basic-patching/scenario.klpsim'), '--path', path.join(ROOT, 'test/conformance/shared/modules')], ROOT, undefined, { PATH: '/nonexistent-klp-test' });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /apt-get install/);
  });
});
