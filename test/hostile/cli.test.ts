// The built CLI (dist/cli.js) on a hostile workspace (./inputs.ts): a FIFO and /dev/zero
// named like sources, a file over the size limit, binary, NUL and non-UTF-8 files, deep
// nesting, recursive macros, include cycles, a symlink loop, and a klp.series that names
// itself. Every command ends in bounded time without a stack trace; the real modules
// beside the hostile files are still checked; the size limit is said on stderr.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, hostileWorkspace } from './inputs';

const RUN_MS = 90000;

function cli(args: string[], cwd: string): { status: number | null; out: string; err: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: RUN_MS, maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

function noCrash(r: ReturnType<typeof cli>, what: string): void {
  assert.notEqual(r.status, null, `${what} did not end within ${RUN_MS} ms`);
  assert.ok(!/^\s+at .+:\d+:\d+\)?$/m.test(r.err), `${what} printed a stack trace:\n${r.err.slice(0, 2000)}`);
  assert.ok(!/internal error|TypeError|RangeError|Maximum call stack/.test(r.err + r.out), `${what}: ${r.err.slice(0, 500)}`);
}

describe('hostile workspace: the CLI', function () {
  this.timeout(4 * RUN_MS);
  let ws: ReturnType<typeof hostileWorkspace>;

  before(function () {
    if (!fs.existsSync(CLI)) this.skip();
    ws = hostileWorkspace();
  });
  after(() => ws && fs.rmSync(ws.dir, { recursive: true, force: true }));

  it('check: ends, says which file is over --max-file-size, still checks the real modules', () => {
    const r = cli(['check', '.', '--format', 'json'], ws.dir);
    noCrash(r, 'check');
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.err}`);
    assert.match(r.err, /klp-studio check: huge\.c: not analysed: this file \(\d+ KiB\) is larger than --max-file-size \(2048 KiB\)/);
    const findings = JSON.parse(r.out) as { file: string; code: string }[] | { findings: { file: string; code: string }[] };
    const list = Array.isArray(findings) ? findings : findings.findings;
    const files = new Set(list.map((f) => path.basename(f.file)));
    for (const f of ['lp_acme_v1.c', 'deep_nesting.c', 'deep_casts.c', 'include_cycle.c']) assert.ok(files.has(f), `no finding for ${f} (files: ${[...files].join(', ')})`);
    assert.ok(!files.has('huge.c'), 'huge.c was analysed');
    for (const s of ws.special) assert.ok(!files.has(s), `${s} was read`);
  });

  it('check --max-file-size: 0 lifts the limit, a small limit skips more, a bad value is a usage error', () => {
    const small = cli(['check', 'lp_acme_v1.c', 'lp_acme_v2.c', '--max-file-size', '1'], ws.dir);
    noCrash(small, 'check --max-file-size 1');
    assert.equal(small.status, 0, 'nothing analysed, nothing reported');
    assert.equal(small.out.trim(), '');
    for (const f of ['lp_acme_v1.c', 'lp_acme_v2.c']) assert.match(small.err, new RegExp(`check: ${f.replace('.', '\\.')}: not analysed: this file \\(\\d+ KiB\\) is larger than --max-file-size \\(1 KiB\\)`));
    const none = cli(['check', 'huge.c', '--max-file-size', '0'], ws.dir);
    noCrash(none, 'check --max-file-size 0');
    assert.doesNotMatch(none.err, /not analysed/);
    assert.match(none.out, /huge\.c:\d+:\d+: /);
    const bad = cli(['check', '--max-file-size', 'lots'], ws.dir);
    assert.equal(bad.status, 2);
    assert.match(bad.err, /--max-file-size must be a number of KiB/);
  });

  it('check on a FIFO or a device named like a source, named on the command line', function () {
    if (!ws.special.length) this.skip();
    for (const s of ws.special) {
      const r = cli(['check', s], ws.dir);
      noCrash(r, `check ${s}`);
      assert.equal(r.status, 0, r.err);
    }
  });

  it('series: a klp.series naming itself, a module twice and a 100,000-character name', () => {
    const r = cli(['series', '.'], ws.dir);
    noCrash(r, 'series');
    assert.ok(r.status === 0 || r.status === 1);
    assert.match(r.out, /klp\.series:1: .*'klp\.series'/);
    assert.match(r.out, /klp\.series:3: 'lp_acme_v1' is already in the series \(line 2\)/);
    assert.match(r.out, /step \d+: lp_acme_v2 over lp_acme_v1/);
  });

  it('simulate: modules looked up through the hostile folder; a binary scenario is one line of error', () => {
    fs.writeFileSync(path.join(ws.dir, 'run.klpsim'), 'insmod acme_cache.ko\ninsmod lp_acme_v1.ko\ninsmod lp_acme_v2.ko\ncat /sys/kernel/livepatch/lp_acme_v2/enabled\n');
    const r = cli(['simulate', 'run.klpsim'], ws.dir);
    noCrash(r, 'simulate');
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /% cat \/sys\/kernel\/livepatch\/lp_acme_v2\/enabled\n1\n/);
    fs.copyFileSync(path.join(ws.dir, 'binary.c'), path.join(ws.dir, 'binary.klpsim'));
    const b = cli(['simulate', 'binary.klpsim'], ws.dir);
    noCrash(b, 'simulate binary');
    assert.equal(b.status, 2);
    assert.equal(b.err, 'klp-studio simulate: binary.klpsim: a binary file, not text\n');
  });
});
