// verify on real kernels (differential test): every conformance case a real kernel can
// express runs in QEMU on Debian 12's 6.1 AND on Debian 13's 6.12 (from bookworm-backports;
// `klp-studio verify --kernel debian-12|debian-13` in-process) and its real transcript must
// equal the simulator's transcript exactly, the simulator running the profile of the booted
// kernel's version (--kernel 6.1 / 6.12; nothing version-specific is masked). Cases: the
// shared examples (whose real transcript must also equal expected.txt) and this suite's own
// (test/verify/cases: stalls, force, reverse, sysfs errors, kernel facts...); with
// KLP_STUDIO_VERIFY_ALL=1 also the simulator's conformance cases without `#@` directives
// (about 25 more boots per kernel). KLP_STUDIO_VERIFY_KERNELS=debian-12 (a comma list)
// chooses the kernels. Runs when the tooling is installed (verify/setup.sh; CI does it; a
// missing kernel is fetched first); otherwise skipped, unless KLP_STUDIO_REQUIRE_REAL_KERNEL=1
// makes that a failure. Two VMs run at a time (-smp 1 each).
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command as verify } from '../../cli/src/commands/verify';
import { DEBIAN_KERNELS, debianKernel, type DebianKernelName } from '../../verify/src/kernel';
import { realKernelAvailable } from '../../verify/src/run';

const root = path.join(__dirname, '..', '..');
const shared = path.join(root, 'test', 'conformance', 'shared');
const simCases = path.join(root, 'test', 'conformance', 'cases');
const own = path.join(__dirname, 'cases');

/** Simulator conformance cases a real kernel cannot express, and why. */
const NOT_EXPRESSIBLE: Record<string, string> = {
  'missing-livepatch-sources': 'its livepatch has no sources on purpose: nothing to build',
  'sysfs-sympos-dirs': "it patches vmlinux functions that Debian's 6.1 does not have (the simulator does not know the kernel's symbols)",
};

/**
 * Cases where the kernel and the simulator are known to differ (docs/VERIFY.md); the test
 * checks they still do. None: the one found (6.1's quoting of parameter errors, case
 * module-params-insmod-line) is modelled by the simulator's 6.1 profile (docs/FIDELITY.md).
 */
const KNOWN_DISAGREEMENTS: Record<string, RegExp> = {};

interface Case { name: string; scenario: string; paths: string[]; expected?: string }

function folders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'scenario.klpsim')))
    .map((d) => d.name)
    .sort();
}

function allCases(): Case[] {
  const out: Case[] = [];
  for (const c of folders(shared)) {
    out.push({ name: `shared/${c}`, scenario: path.join(shared, c, 'scenario.klpsim'), paths: [path.join(shared, 'modules')], expected: path.join(shared, c, 'expected.txt') });
  }
  for (const c of folders(own)) {
    out.push({ name: `own/${c}`, scenario: path.join(own, c, 'scenario.klpsim'), paths: [path.join(shared, 'modules'), path.join(own, 'modules'), path.join(simCases, 'modules')] });
  }
  for (const c of process.env.KLP_STUDIO_VERIFY_ALL === '1' ? folders(simCases) : []) {
    const scenario = path.join(simCases, c, 'scenario.klpsim');
    if (/^#@/m.test(fs.readFileSync(scenario, 'utf8')) || NOT_EXPRESSIBLE[c]) continue;
    out.push({ name: `sim/${c}`, scenario, paths: [path.join(simCases, 'modules')] });
  }
  return out;
}

interface Outcome { code: number; out: string; err: string; report?: { agree: boolean | null; diff: string; kernel: { release: string; version: string }; simulated: { kernel: string } | null; real: { transcript: string[] }; timings: { totalMs: number; vmMs: number; bootMs?: number } } }

async function runVerify(c: Case, kernel: DebianKernelName): Promise<Outcome> {
  let out = '';
  let err = '';
  const args = [c.scenario, ...c.paths.flatMap((p) => ['--path', p]), '--kernel', kernel, '--format', 'json', '--timeout', '240'];
  const code = await verify.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: root, isTTY: false });
  let report: Outcome['report'];
  try { report = JSON.parse(out); } catch { /* err says why */ }
  return { code, out, err, report };
}

/** Runs JOBS with at most LIMIT at a time. */
async function pool<T, R>(items: T[], limit: number, job: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  }));
  return results;
}

/** The kernels to run: KLP_STUDIO_VERIFY_KERNELS (comma list) or all of them. */
function kernels(): DebianKernelName[] {
  const want = (process.env.KLP_STUDIO_VERIFY_KERNELS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  return want.length ? DEBIAN_KERNELS.filter((k) => want.includes(k)) : [...DEBIAN_KERNELS];
}

/** The simulator profile each Debian kernel must be compared with. */
const PROFILE_OF: Record<DebianKernelName, string> = { 'debian-12': '6.1', 'debian-13': '6.12' };

for (const kernel of kernels()) {
  describe(`verify: real ${kernel} kernel (${PROFILE_OF[kernel]}) under QEMU agrees with the simulator`, function () {
    this.timeout(20 * 60_000);
    const cases = allCases();
    const outcomes = new Map<string, Outcome>();

    before(async function () {
      const avail = realKernelAvailable();
      if (!avail.ok) {
        if (process.env.KLP_STUDIO_REQUIRE_REAL_KERNEL === '1') throw new Error(`the real-kernel tooling is missing: ${avail.why}`);
        console.log(`      (skipped: ${avail.why.split('\n')[0]} — run verify/setup.sh)`);
        this.skip();
      }
      await debianKernel(() => {}, undefined, kernel);
      const t0 = Date.now();
      const results = await pool(cases, 2, (c) => runVerify(c, kernel));
      cases.forEach((c, i) => outcomes.set(c.name, results[i]));
      const vm = results.map((r) => r.report?.timings.vmMs ?? 0);
      console.log(`      ${kernel}: ${cases.length} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s (VM time per case ${(Math.min(...vm) / 1000).toFixed(1)}-${(Math.max(...vm) / 1000).toFixed(1)} s)`);
    });

    it('covers the shared examples, its own cases and the simulator\'s', () => {
      assert.ok(cases.filter((c) => c.name.startsWith('shared/')).length >= 5);
      assert.ok(cases.filter((c) => c.name.startsWith('own/')).length >= 10);
    });

    for (const c of cases) {
      const base = c.name.split('/')[1];
      it(c.name, () => {
        const o = outcomes.get(c.name)!;
        assert.ok(o.report, `verify did not report (exit ${o.code}): ${o.err}`);
        assert.equal(o.report.kernel.version, PROFILE_OF[kernel], `booted ${o.report.kernel.release}`);
        assert.equal(o.report.simulated?.kernel, PROFILE_OF[kernel], 'the simulator ran the profile of the booted kernel');
        const known = KNOWN_DISAGREEMENTS[base];
        if (known) {
          assert.strictEqual(o.code, 1, `expected the known disagreement; exit ${o.code}\n${o.err}`);
          assert.match(o.report.diff, known, 'the known disagreement changed: update KNOWN_DISAGREEMENTS and docs/VERIFY.md');
          return;
        }
        assert.strictEqual(o.report.diff, '', `real kernel and simulator differ:\n${o.report.diff}`);
        assert.strictEqual(o.code, 0, o.err);
        if (c.expected) assert.strictEqual(o.report.real.transcript.join('\n') + '\n', fs.readFileSync(c.expected, 'utf8'));
      });
    }
  });
}
