// `klp-studio verify` exit statuses that need no VM: bad usage and malformed scenarios (2),
// a machine without the tools (3, naming what is missing and how to install it).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command as verify } from '../../cli/src/commands/verify';
import { UsageError } from '../../cli/src/io';

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
    for (const o of ['--path DIR', '--format text|json', '--keep', '--timeout S', '--kernel-image FILE', '--no-diff', 'exit status']) assert.ok(verify.usage.includes(o), o);
  });
});
