// Kernel version profiles of the simulator (core/src/sim/kernelProfile.ts, `simulate
// --kernel latest|6.1`): over every conformance case, 6.1 differs from the default only
// where 6.1 differs from the newest kernel (the replace/stack_order sysfs files, the
// quoting of parameter errors), and the default is the newest behaviour. The real 6.1
// kernel's own transcripts are compared in test/verify (profile.test.ts, real-kernel.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { profileForKernelVersion, simulateFile, type KernelProfileName } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { command } from '../../cli/src/commands/simulate';

const conformance = path.join(__dirname, '..', 'conformance');
const dirs: { cases: string; modules: string }[] = [
  { cases: path.join(conformance, 'shared'), modules: path.join(conformance, 'shared', 'modules') },
  { cases: path.join(conformance, 'cases'), modules: path.join(conformance, 'cases', 'modules') },
];

function allCases(): { name: string; file: string; modules: string }[] {
  const out: { name: string; file: string; modules: string }[] = [];
  for (const d of dirs) {
    for (const c of fs.readdirSync(d.cases).sort()) {
      const file = path.join(d.cases, c, 'scenario.klpsim');
      if (fs.existsSync(file)) out.push({ name: c, file, modules: d.modules });
    }
  }
  return out;
}

function run(file: string, modules: string, kernel?: KernelProfileName): string[] {
  return simulateFile(file, fs.readFileSync(file, 'utf8'), [modules], nodeHost, kernel ? { kernel } : {}).transcript;
}

/** Whether a transcript line may differ between the profiles: output of a replace/stack_order access, or a parameter error. */
function mayDiffer(line: string, command: string | undefined): boolean {
  if (command && /^% (cat|echo .*>) \/sys\/kernel\/livepatch\/[^/]+\/(replace|stack_order)$/.test(command)) return true;
  return / invalid for parameter /.test(line);
}

async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await command.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd, isTTY: false });
  return { code, out, err };
}

describe('simulator kernel profiles (--kernel latest|6.1)', () => {
  before(() => initParser());

  it('the default is the newest kernel: no option and --kernel latest give the same transcripts', () => {
    for (const c of allCases()) assert.deepEqual(run(c.file, c.modules, 'latest'), run(c.file, c.modules), c.name);
  });

  it('6.1 differs from latest only where the kernels differ (replace/stack_order files, parameter error quoting)', () => {
    let differing = 0;
    const kinds = new Set<string>();
    for (const c of allCases()) {
      const latest = run(c.file, c.modules, 'latest');
      const old = run(c.file, c.modules, '6.1');
      assert.equal(old.length, latest.length, `${c.name}: the profiles print the same number of lines`);
      let command: string | undefined;
      for (let i = 0; i < old.length; i++) {
        if (latest[i].startsWith('% ')) { assert.equal(old[i], latest[i]); command = latest[i]; continue; }
        if (old[i] === latest[i]) continue;
        assert.ok(mayDiffer(latest[i], command), `${c.name}: unexpected difference under ${command}:\n  latest: ${latest[i]}\n  6.1:    ${old[i]}`);
        differing++;
        if (/invalid for parameter/.test(old[i])) {
          assert.match(old[i], /^\S+: `[^']*' invalid for parameter `[^']+'$/);
          kinds.add('param');
        } else {
          assert.match(old[i], /^\/sys\/kernel\/livepatch\/[^/]+\/(replace|stack_order): No such file or directory$/);
          kinds.add('sysfs');
        }
      }
    }
    assert.ok(differing > 0, 'some conformance case reads a file 6.1 lacks');
    assert.deepEqual([...kinds].sort(), ['param', 'sysfs']);
  });

  it('6.1 keeps the per-object patched file, and writes to the files it lacks fail on opening', async () => {
    const dir = path.join(conformance, 'shared');
    const fs2 = path.join(dir, 'profile.klpsim');
    const text = 'insmod test_modules/test_klp_livepatch.ko\ncat /sys/kernel/livepatch/test_klp_livepatch/vmlinux/patched\necho 1 > /sys/kernel/livepatch/test_klp_livepatch/replace\ncat /sys/kernel/livepatch/test_klp_livepatch/stack_order\n';
    const tail = (k: KernelProfileName) => simulateFile(fs2, text, [path.join(dir, 'modules')], nodeHost, { kernel: k, debug: false }).transcript.slice(-6);
    assert.deepEqual(tail('6.1'), [
      '% cat /sys/kernel/livepatch/test_klp_livepatch/vmlinux/patched', '1',
      '% echo 1 > /sys/kernel/livepatch/test_klp_livepatch/replace', '/sys/kernel/livepatch/test_klp_livepatch/replace: No such file or directory',
      '% cat /sys/kernel/livepatch/test_klp_livepatch/stack_order', '/sys/kernel/livepatch/test_klp_livepatch/stack_order: No such file or directory',
    ]);
    assert.deepEqual(tail('latest'), [
      '% cat /sys/kernel/livepatch/test_klp_livepatch/vmlinux/patched', '1',
      '% echo 1 > /sys/kernel/livepatch/test_klp_livepatch/replace', '/sys/kernel/livepatch/test_klp_livepatch/replace: Permission denied',
      '% cat /sys/kernel/livepatch/test_klp_livepatch/stack_order', '1',
    ]);
  });

  it('kernel versions map to profiles: 6.1 exactly, older than 6.13 nearest 6.1, 6.13 on latest', () => {
    assert.deepEqual(profileForKernelVersion('6.1.0-56-amd64'), { profile: '6.1', exact: true });
    assert.deepEqual(profileForKernelVersion('6.6.12'), { profile: '6.1', exact: false });
    assert.deepEqual(profileForKernelVersion('6.13'), { profile: 'latest', exact: true });
    assert.deepEqual(profileForKernelVersion('7.0.1'), { profile: 'latest', exact: true });
    assert.deepEqual(profileForKernelVersion('custom'), { profile: 'latest', exact: false });
  });

  it('klp-studio simulate --kernel: 6.1 and latest accepted, anything else is bad usage; JSON names a non-default profile', async () => {
    const dir = path.join(conformance, 'cases');
    const args = ['module-params-insmod-line/scenario.klpsim', '--path', 'modules'];
    const old = await cli([...args, '--kernel', '6.1'], dir);
    assert.equal(old.code, 0, old.err);
    assert.match(old.out, /^lp_a: `maybe' invalid for parameter `replace'$/m);
    assert.match(old.out, /^\/sys\/kernel\/livepatch\/lp_a\/replace: No such file or directory$/m);
    const latest = await cli([...args, '--kernel=latest'], dir);
    assert.equal(latest.out, fs.readFileSync(path.join(dir, 'module-params-insmod-line', 'expected.txt'), 'utf8'));
    const bad = await cli([...args, '--kernel', '5.10'], dir).catch((e: Error) => ({ code: -1, out: '', err: e.message }));
    assert.match(bad.err, /--kernel must be one of latest, 6\.1 \(got '5\.10'\)/);
    const json = JSON.parse((await cli([...args, '--kernel', '6.1', '--format', 'json'], dir)).out);
    assert.equal(json.kernel, '6.1');
    assert.equal(JSON.parse((await cli([...args, '--format', 'json'], dir)).out).kernel, undefined);
    assert.match(command.usage, /--kernel latest\|6\.1/);
  });
});
