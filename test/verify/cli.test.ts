// `klp-studio verify` exit statuses that need no VM: bad usage and malformed scenarios (2),
// a machine without the tools (3, naming what is missing and how to install it), a module
// that does not compile with the kernel's own Kbuild flags (1: the compiler's errors as
// findings, with the user's paths; needs the cached kernel headers, skipped otherwise).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command as verify } from '../../cli/src/commands/verify';
import { UsageError } from '../../cli/src/io';
import { compilerDiagnostics } from '../../verify/src/build';
import { realKernelAvailable } from '../../verify/src/run';

const shared = path.join(__dirname, '..', 'conformance', 'shared');

async function run(args: string[], cwd = shared): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => { out += t; }, err: (t: string) => { err += t; }, cwd, isTTY: false };
  // As cli/src/main.ts does: a UsageError is exit status 2.
  try {
    return { code: await verify.run(args, io), out, err };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, out, err: err + e.message };
  }
}

describe('klp-studio verify: usage and environment errors', () => {
  it('bad usage exits 2', async () => {
    assert.strictEqual((await run([])).code, 2);
    assert.strictEqual((await run(['a.klpsim', 'b.klpsim'])).code, 2);
    assert.strictEqual((await run(['basic-patching/scenario.klpsim', '--format', 'xml'])).code, 2);
    assert.strictEqual((await run(['basic-patching/scenario.klpsim', '--kernel-image', 'bzImage'])).code, 2);
    const missing = await run(['nope.klpsim']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /nope\.klpsim: No such file or directory/);
  });
  it('a malformed scenario exits 2 with the simulator\'s error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-verify-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.klpsim'), 'insmod lp.ko\nreboot\n');
      const r = await run(['bad.klpsim'], dir);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, /bad\.klpsim:2: error/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('without QEMU, gcc and make on PATH: exit 3 naming each tool and its package', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-klp-test';
    try {
      const r = await run(['basic-patching/scenario.klpsim', '--path', 'modules']);
      assert.strictEqual(r.code, 3);
      assert.match(r.err, /qemu-system-x86_64 \(package qemu-system-x86/);
      assert.match(r.err, /gcc \(package gcc/);
      assert.match(r.err, /apt-get install/);
      assert.strictEqual(r.out, '');
    } finally {
      process.env.PATH = saved;
    }
  });
  it('the usage text describes the options and exit statuses', () => {
    for (const o of ['--path DIR', '--format text|json', '--keep', '--timeout S', '--kernel-image FILE', '--kernel debian-13', '--no-diff', 'exit status']) assert.ok(verify.usage.includes(o), o);
  });
  it('--kernel takes debian-12 and debian-13 only', async () => {
    const r = await run(['basic-patching/scenario.klpsim', '--kernel', 'debian-11']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /--kernel must be one of debian-12, debian-13/);
  });
  it('compiler messages about the module\'s own files become findings; others do not', () => {
    const src = path.join(shared, 'modules', 'x.c');
    const d = compilerDiagnostics([
      `${src}:10:5: error: 'y' undeclared (first use in this function)`,
      '/usr/src/linux-headers-6.1/include/linux/kernel.h:3:1: warning: something',
      `${src}:12:1: warning: no return statement`,
      'make[2]: *** [x.o] Error 1',
    ], [src]);
    assert.deepStrictEqual(d.map((x) => [x.line, x.column, x.severity]), [[10, 5, 'error'], [12, 1, 'warning']]);
  });
  it('examples/upgrade.klpsim: lp_acme_v1 does not compile with Kbuild\'s own flags: exit 1, the error as a finding, the scenario not run', async function () {
    this.timeout(10 * 60_000);
    const avail = realKernelAvailable();
    const headers = path.join(process.env.KLP_STUDIO_CACHE ?? path.join(os.homedir(), '.cache', 'klp-studio', 'verify'), 'kernel', 'debian-12', 'current');
    if (!avail.ok || !fs.existsSync(headers)) this.skip();
    const root = path.join(__dirname, '..', '..');
    const r = await run(['examples/upgrade.klpsim'], root);
    assert.strictEqual(r.code, 1, r.err);
    assert.match(r.out, /^== does not build against 6\.1\.\S+ \(the kernel's own Kbuild flags, nothing added\): lp_acme_v1$/m);
    assert.match(r.out, /^examples\/lp_acme_v1\.c:104:\d+: error: .*incompatible-pointer-types/m);
    assert.doesNotMatch(r.out, /lp_acme_v2|acme_cache\.c/, 'the other modules build (v2 calls an export of acme_cache)');
    assert.match(r.err, /the scenario was not run/);
    const j = await run(['examples/upgrade.klpsim', '--format', 'json'], root);
    const report = JSON.parse(j.out);
    assert.strictEqual(report.agree, false);
    assert.deepStrictEqual(report.build.map((b: { module: string }) => b.module), ['lp_acme_v1']);
    assert.strictEqual(report.build[0].diagnostics[0].file, 'examples/lp_acme_v1.c');
  });
});
