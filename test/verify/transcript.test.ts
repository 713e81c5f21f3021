// verify, pure parts: the guest output captured from real 6.1 runs under QEMU
// (test/verify/fixtures/<case>/guest-output.log, recorded with `klp-studio verify --keep`)
// turned into transcripts (golden: transcript.txt beside it, UPDATE=1 regenerates), the
// kernel-line filter, the tools' error wording, truncated captures.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planScenario } from '../../core/src/verify/plan';
import { commandOutput, keepKernelLine, realTranscript, strerror, transcriptText } from '../../core/src/verify/transcript';

const fixtures = path.join(__dirname, 'fixtures');
const conformance = path.join(__dirname, '..', 'conformance', 'shared');

describe('verify: captured kernel logs -> transcript (golden)', () => {
  const cases = fs.readdirSync(fixtures).filter((c) => fs.existsSync(path.join(fixtures, c, 'guest-output.log'))).sort();
  it('has recorded fixtures', () => assert.ok(cases.length >= 5, `only ${cases.length} fixtures`));
  for (const c of cases) {
    it(c, () => {
      const dir = path.join(fixtures, c);
      const plan = planScenario(fs.readFileSync(path.join(dir, 'scenario.klpsim'), 'utf8'));
      const run = realTranscript(plan, fs.readFileSync(path.join(dir, 'guest-output.log'), 'utf8'));
      assert.ok(run.complete, 'the capture holds the whole kernel log');
      assert.strictEqual(run.steps.length, plan.commands.length);
      assert.ok(run.steps.every((s) => s.result !== undefined), 'every command reported a result');
      const text = transcriptText(run.lines);
      const golden = path.join(dir, 'transcript.txt');
      if (process.env.UPDATE || !fs.existsSync(golden)) fs.writeFileSync(golden, text);
      assert.strictEqual(text, fs.readFileSync(golden, 'utf8'));
      // A shared conformance case: the real kernel printed exactly the expected transcript.
      const expected = path.join(conformance, c, 'expected.txt');
      if (fs.existsSync(expected)) assert.strictEqual(text, fs.readFileSync(expected, 'utf8'));
    });
  }
});

describe('verify: kernel line filter', () => {
  it('keeps livepatch core lines and callback lines in the contract format', () => {
    assert.ok(keepKernelLine("livepatch: enabling patch 'lp'"));
    assert.ok(keepKernelLine('livepatch: signaling remaining tasks'));
    assert.ok(keepKernelLine('lp: pre_patch_callback: vmlinux'));
    assert.ok(keepKernelLine('lp: post_unpatch_callback: target_mod -> [MODULE_STATE_GOING] Going away'));
  });
  it('keeps the module loader\'s parameter messages (6.1 quotes `like this\')', () => {
    assert.ok(keepKernelLine("lp_a: unknown parameter 'bogus' ignored"));
    assert.ok(keepKernelLine("lp_a: `maybe' invalid for parameter `replace'"));
  });
  it('drops module loader lines, per-task debug lines and what modules print themselves', () => {
    assert.ok(!keepKernelLine('lp: loading out-of-tree module taints kernel.'));
    assert.ok(!keepKernelLine('lp: tainting kernel with TAINT_LIVEPATCH'));
    assert.ok(!keepKernelLine('lp: module verification failed: signature and/or required key missing - tainting kernel'));
    assert.ok(!keepKernelLine('livepatch: klp_try_switch_task: klpv_sleeper:86 is sleeping on function klpv_sleeper_wait'));
    assert.ok(!keepKernelLine('test_klp_callbacks_mod: callbacks_mod_init'));
    assert.ok(!keepKernelLine('klpverify: step 3'));
  });
});

describe('verify: what commands print, in the tools\' wording', () => {
  const plan = planScenario([
    'insmod mods/lp-a.ko', 'modprobe lp_b', 'rmmod lp-a', 'echo 1 > /sys/kernel/livepatch/lp_a/enabled',
    'cat /sys/kernel/livepatch/lp_a/replace', 'sysctl -w kernel.ftrace_enabled=0', 'ls /sys/kernel/livepatch',
  ].join('\n'));
  const out = (i: number, result: number | 'notloaded' | 'inuse', failedAt?: string, output: string[] = []) =>
    commandOutput({ command: plan.commands[i], result, failedAt, output });
  it('failing loads name the path as written (insmod) or the name (modprobe)', () => {
    assert.deepStrictEqual(out(0, 19), ['insmod: ERROR: could not insert module mods/lp-a.ko: No such device']);
    assert.deepStrictEqual(out(1, 16), ["modprobe: ERROR: could not insert 'lp_b': Device or resource busy"]);
  });
  it('rmmod refusals use the kernel module name', () => {
    assert.deepStrictEqual(out(2, 'notloaded'), ['rmmod: ERROR: Module lp_a is not currently loaded']);
    assert.deepStrictEqual(out(2, 'inuse'), ['rmmod: ERROR: Module lp_a is in use']);
  });
  it('echo: a write error, or the missing path', () => {
    assert.deepStrictEqual(out(3, 22), ['echo: write error: Invalid argument']);
    assert.deepStrictEqual(out(3, 2, 'open'), ['/sys/kernel/livepatch/lp_a/enabled: No such file or directory']);
  });
  it('cat, sysctl and ls', () => {
    assert.deepStrictEqual(out(4, 2), ['/sys/kernel/livepatch/lp_a/replace: No such file or directory']);
    assert.deepStrictEqual(out(4, 0, undefined, ['1']), ['1']);
    assert.deepStrictEqual(out(5, 16), ['sysctl: setting key "kernel.ftrace_enabled": Device or resource busy']);
    assert.deepStrictEqual(out(6, 0), []);
  });
  it('strerror covers the errnos of the contract', () => {
    for (const [n, t] of [[22, 'Invalid argument'], [16, 'Device or resource busy'], [19, 'No such device'], [12, 'Cannot allocate memory'], [2, 'No such file or directory'], [17, 'File exists']] as const) {
      assert.strictEqual(strerror(n), t);
    }
  });
});

describe('verify: incomplete captures', () => {
  it('a capture cut off mid-run keeps what was reported and is not complete', () => {
    const dir = path.join(fixtures, 'basic-patching');
    const plan = planScenario(fs.readFileSync(path.join(dir, 'scenario.klpsim'), 'utf8'));
    const full = fs.readFileSync(path.join(dir, 'guest-output.log'), 'utf8');
    const cut = full.slice(0, full.indexOf('S 1'));
    const run = realTranscript(plan, cut);
    assert.strictEqual(run.complete, false);
    assert.strictEqual(run.steps[0].result, 0);
    assert.strictEqual(run.steps[1].result, undefined);
    assert.deepStrictEqual(run.lines, plan.commands.map((c) => `% ${c.text}`), 'no kernel log: only the command lines');
  });
  it('tolerates carriage returns from the serial line', () => {
    const dir = path.join(fixtures, 'pre-patch-callback-fails');
    const plan = planScenario(fs.readFileSync(path.join(dir, 'scenario.klpsim'), 'utf8'));
    const text = fs.readFileSync(path.join(dir, 'guest-output.log'), 'utf8');
    assert.deepStrictEqual(realTranscript(plan, text.replace(/\n/g, '\r\n')).lines, realTranscript(plan, text).lines);
  });
});
