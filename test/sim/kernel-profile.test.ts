// Kernel version profiles of the simulator (core/src/sim/kernelProfile.ts, `simulate --kernel
// latest|6.1|6.12|7.2`): one golden transcript per profile for each scenario that touches a
// kernel fact (test/sim/kernel-profiles/<case>.<kernel>.txt, from the verify cases in
// test/verify/cases; UPDATE=1 regenerates); each fact of KERNEL_FACTS that differs between
// kernels makes those transcripts differ exactly there; over every conformance case the
// profiles differ only where a fact does; `latest` is the newest measured kernel. The real
// kernels' own transcripts are compared in test/verify (profile.test.ts, real-kernel.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../../core/src/cparse/parser';
import { KERNEL_FACTS, KERNEL_PROFILES, kernelProfile, LATEST_MEASURED, MEASURED_KERNELS, profileForKernelVersion, simulateFile, type KernelProfileName, type MeasuredKernel } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { command } from '../../cli/src/commands/simulate';

const root = path.join(__dirname, '..', '..');
const conformance = path.join(root, 'test', 'conformance');
const verifyCases = path.join(root, 'test', 'verify', 'cases');
const goldenDir = path.join(__dirname, 'kernel-profiles');
const searchDirs = [path.join(conformance, 'shared', 'modules'), path.join(verifyCases, 'modules'), path.join(conformance, 'cases', 'modules')];

/** The verify cases that show kernel facts, and the facts each one shows. */
const FACT_CASES: Record<string, (keyof typeof KERNEL_FACTS)[]> = {
  'profile-6.1-files': ['replaceFile', 'stackOrderFile', 'objectPatchedFile', 'paramErrorQuoting'],
  'replace-and-reads': ['replaceFile', 'stackOrderFile'],
  'duplicate-func': ['duplicateFuncErrno'],
  'sympos-zero-one': ['symposZeroIsOne'],
};

function conformanceCases(): { name: string; file: string; modules: string }[] {
  const out: { name: string; file: string; modules: string }[] = [];
  for (const d of ['shared', 'cases']) {
    for (const c of fs.readdirSync(path.join(conformance, d)).sort()) {
      const file = path.join(conformance, d, c, 'scenario.klpsim');
      if (fs.existsSync(file)) out.push({ name: c, file, modules: path.join(conformance, d, 'modules') });
    }
  }
  return out;
}

/** The transcript (the errors, for a conformance case that checks them). */
function run(file: string, dirs: string[], kernel?: KernelProfileName): string[] {
  const r = simulateFile(file, fs.readFileSync(file, 'utf8'), dirs, nodeHost, kernel ? { kernel } : {});
  return r.errors.length ? r.errors : r.transcript;
}

/** Whether a transcript line may differ between profiles: under a replace/stack_order access, a parameter error or an insmod's errno. */
function mayDiffer(command: string | undefined): boolean {
  return !!command && (/^% (cat|echo .*>) \/sys\/kernel\/livepatch\/[^/]+\/(replace|stack_order)$/.test(command) || /^% insmod /.test(command));
}

async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await command.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd, isTTY: false });
  return { code, out, err };
}

describe('simulator kernel profiles (--kernel latest|6.1|6.12|7.2)', () => {
  before(() => initParser());

  describe('golden transcripts per profile of the cases that show kernel facts', () => {
    for (const c of Object.keys(FACT_CASES)) {
      for (const k of MEASURED_KERNELS) {
        it(`${c} on ${k}`, () => {
          const got = run(path.join(verifyCases, c, 'scenario.klpsim'), searchDirs, k).join('\n') + '\n';
          assert.doesNotMatch(got, /: error: /);
          const file = path.join(goldenDir, `${c}.${k}.txt`);
          if (process.env.UPDATE === '1') { fs.mkdirSync(goldenDir, { recursive: true }); fs.writeFileSync(file, got); }
          assert.equal(got, fs.readFileSync(file, 'utf8'));
        });
      }
    }
  });

  it('every fact that differs between kernels makes its cases differ between those kernels, and only those', () => {
    for (const [fact, row] of Object.entries(KERNEL_FACTS) as [keyof typeof KERNEL_FACTS, { values: Record<MeasuredKernel, unknown> }][]) {
      const cases = Object.entries(FACT_CASES).filter(([, fs]) => fs.includes(fact)).map(([c]) => c);
      if (fact === 'vmlinuxModuleBuilds') continue; // a build fact: only a note (next test)
      assert.ok(cases.length, `no case shows ${fact}`);
      for (const [i, a] of MEASURED_KERNELS.entries()) {
        for (const b of MEASURED_KERNELS.slice(i + 1)) {
          const transcripts = cases.map((c) => [run(path.join(verifyCases, c, 'scenario.klpsim'), searchDirs, a), run(path.join(verifyCases, c, 'scenario.klpsim'), searchDirs, b)]);
          // Only the facts of a case can make it differ: when none of them differs between a and b, neither does the case.
          for (let i = 0; i < cases.length; i++) {
            const differs = FACT_CASES[cases[i]].some((f) => JSON.stringify(KERNEL_FACTS[f].values[a]) !== JSON.stringify(KERNEL_FACTS[f].values[b]));
            assert.equal(JSON.stringify(transcripts[i][0]) !== JSON.stringify(transcripts[i][1]), differs, `${cases[i]}: ${a} vs ${b}`);
          }
          if (JSON.stringify(row.values[a]) !== JSON.stringify(row.values[b])) {
            assert.ok(transcripts.some(([x, y]) => JSON.stringify(x) !== JSON.stringify(y)), `${fact} differs between ${a} and ${b}, no case shows it`);
          }
        }
      }
    }
  });

  it('no measured kernel prints straight quotes around a rejected parameter value', () => {
    for (const k of KERNEL_PROFILES) {
      const t = run(path.join(verifyCases, 'profile-6.1-files', 'scenario.klpsim'), searchDirs, k);
      const lines = t.filter((l) => / invalid for parameter /.test(l));
      assert.equal(lines.length, 2, k);
      for (const l of lines) assert.match(l, /^test_klp_callbacks_demo: `[^']*' invalid for parameter `pre_patch_ret'$/);
    }
  });

  it('a module named vmlinux: refused on every profile; 7.2 adds a note that it does not build there', () => {
    const file = path.join(conformance, 'cases', 's4-module-named-vmlinux', 'scenario.klpsim');
    const text = fs.readFileSync(file, 'utf8');
    const notes = (k: KernelProfileName) => simulateFile(file, text, [], nodeHost, { kernel: k }).events.filter((e) => e.kind === 'note' && /vmlinux does not build/.test(e.message));
    assert.equal(notes('7.2').length, 1);
    assert.equal(notes('6.12').length, 0);
    assert.deepEqual(run(file, [], '6.1'), run(file, [], '7.2'));
  });

  it('latest is the newest measured kernel; no option is latest', () => {
    assert.equal(LATEST_MEASURED, MEASURED_KERNELS[MEASURED_KERNELS.length - 1]);
    assert.equal(kernelProfile('latest').kernel, '7.2');
    for (const c of conformanceCases()) {
      const latest = run(c.file, [c.modules], 'latest');
      assert.deepEqual(run(c.file, [c.modules]), latest, c.name);
      assert.deepEqual(run(c.file, [c.modules], LATEST_MEASURED), latest, c.name);
    }
  });

  it('over every conformance case, the measured profiles differ only under a command a fact touches', () => {
    const kinds = new Set<string>();
    for (const c of conformanceCases()) {
      const byKernel = MEASURED_KERNELS.map((k) => run(c.file, [c.modules], k));
      for (const t of byKernel.slice(1)) {
        assert.equal(t.length, byKernel[0].length, `${c.name}: the profiles print the same number of lines`);
        let cmd: string | undefined;
        for (let i = 0; i < t.length; i++) {
          if (t[i].startsWith('% ')) { assert.equal(t[i], byKernel[0][i]); cmd = t[i]; continue; }
          if (t[i] === byKernel[0][i]) continue;
          assert.ok(mayDiffer(cmd), `${c.name}: unexpected difference under ${cmd}: ${byKernel[0][i]} / ${t[i]}`);
          kinds.add(/^insmod:/.test(t[i]) ? 'errno' : 'sysfs');
        }
      }
    }
    assert.deepEqual([...kinds].sort(), ['errno', 'sysfs']);
  });

  it('kernel versions map to profiles: the measured ones exactly, others to the newest measured one not newer', () => {
    assert.deepEqual(profileForKernelVersion('6.1.0-56-amd64'), { profile: '6.1', exact: true });
    assert.deepEqual(profileForKernelVersion('6.12.95+deb12-amd64'), { profile: '6.12', exact: true });
    assert.deepEqual(profileForKernelVersion('7.2.13-amd64'), { profile: '7.2', exact: true });
    assert.deepEqual(profileForKernelVersion('6.6.12'), { profile: '6.1', exact: false });
    assert.deepEqual(profileForKernelVersion('6.14'), { profile: '6.12', exact: false });
    assert.deepEqual(profileForKernelVersion('7.3.1'), { profile: '7.2', exact: false });
    assert.deepEqual(profileForKernelVersion('5.10.0'), { profile: '6.1', exact: false });
    assert.deepEqual(profileForKernelVersion('custom'), { profile: '7.2', exact: false });
  });

  it('every fact names how it was established, and every profile is a column of the table', () => {
    for (const [fact, row] of Object.entries(KERNEL_FACTS)) {
      assert.ok(row.how.length > 20 && row.what.length > 10, fact);
      assert.deepEqual(Object.keys(row.values).sort(), [...MEASURED_KERNELS].sort(), fact);
    }
    for (const k of MEASURED_KERNELS) {
      const p = kernelProfile(k);
      assert.equal(p.replaceFile, KERNEL_FACTS.replaceFile.values[k]);
      assert.equal(p.stackOrderFile, KERNEL_FACTS.stackOrderFile.values[k]);
      assert.equal(p.duplicateFuncErrno, KERNEL_FACTS.duplicateFuncErrno.values[k]);
      assert.equal(p.symposZeroIsOne, KERNEL_FACTS.symposZeroIsOne.values[k]);
    }
  });

  it('klp-studio simulate --kernel: each profile accepted, anything else is bad usage; JSON names a non-default profile', async () => {
    const dir = path.join(conformance, 'cases');
    const args = ['module-params-insmod-line/scenario.klpsim', '--path', 'modules'];
    const old = await cli([...args, '--kernel', '6.1'], dir);
    assert.equal(old.code, 0, old.err);
    assert.match(old.out, /^lp_a: `maybe' invalid for parameter `replace'$/m);
    assert.match(old.out, /^\/sys\/kernel\/livepatch\/lp_a\/replace: No such file or directory$/m);
    const mid = await cli([...args, '--kernel', '6.12'], dir);
    assert.doesNotMatch(mid.out, /replace: No such file or directory/);
    const latest = await cli([...args, '--kernel=latest'], dir);
    assert.equal(latest.out, fs.readFileSync(path.join(dir, 'module-params-insmod-line', 'expected.txt'), 'utf8'));
    assert.equal((await cli([...args, '--kernel', '7.2'], dir)).out, latest.out);
    const bad = await cli([...args, '--kernel', '5.10'], dir).catch((e: Error) => ({ code: -1, out: '', err: e.message }));
    assert.match(bad.err, /--kernel must be one of latest, 6\.1, 6\.12, 7\.2 \(got '5\.10'\)/);
    const json = JSON.parse((await cli([...args, '--kernel', '6.12', '--format', 'json'], dir)).out);
    assert.equal(json.kernel, '6.12');
    assert.equal(JSON.parse((await cli([...args, '--format', 'json'], dir)).out).kernel, undefined);
    assert.match(command.usage, /--kernel latest\|6\.1\|6\.12\|7\.2/);
  });
});
