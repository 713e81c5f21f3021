// `klp-studio verify`, host side: runs one scenario on a real kernel. Plans the scenario,
// gets the kernel (cached), builds its modules and the guest loader (cached by content),
// packs an initramfs (busybox, klpctl, the modules, the generated /init), boots QEMU and
// turns the captured log into the transcript. The CLI and the editor command call
// runOnRealKernel().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planScenario, type VerifyPlan } from '../../core/src/verify/plan';
import { GUEST_KLPCTL, GUEST_MODULE_DIR, initScript } from '../../core/src/verify/initScript';
import { realTranscript, type RealRun } from '../../core/src/verify/transcript';
import { buildKlpctl, buildModule, ModuleBuildFailed, type BuiltModule } from './build';
import { cpioArchive, type CpioEntry } from './cpio';
import { checkHostTools, VerifyEnvError, which } from './env';
import { customKernel, debianKernel, type DebianKernelName, type KernelArtifacts, type Progress } from './kernel';
import { boot } from './qemu';
import { pvhKernel } from './pvh';

/** The scenario itself is not usable (exit status 2). */
export class VerifyInputError extends Error {}

/** Modules the scenario loads do not compile against the kernel: findings, the scenario is not run (exit status 1). */
export class ModulesDoNotBuild extends Error {
  constructor(readonly kernel: KernelArtifacts, readonly failures: ModuleBuildFailed[]) {
    super(`${failures.map((f) => f.module).join(', ')} ${failures.length === 1 ? 'does' : 'do'} not build against ${kernel.release}`);
  }
}

export interface VerifyOptions {
  scenarioPath: string;
  /** Extra module search folders (the scenario's own folder is always searched first). */
  searchDirs: string[];
  /** Which Debian kernel to fetch and boot (default debian-12), unless kernelImage is given. */
  kernel?: DebianKernelName;
  kernelImage?: string;
  kernelBuild?: string;
  smp?: number;
  accel?: string;
  /** Whole-VM limit in seconds (default: generous, from the scenario's length and sleeps). */
  timeoutS?: number;
  settleMs?: number;
  /** Keep the run folder (initramfs, logs) instead of deleting it. */
  keep?: boolean;
  signal?: AbortSignal;
  progress?: Progress;
}

export interface VerifyTimings {
  prepareMs: number;
  bootMs?: number;
  vmMs: number;
  totalMs: number;
}

export interface VerifyRun {
  plan: VerifyPlan;
  kernel: KernelArtifacts;
  modules: BuiltModule[];
  real: RealRun;
  timings: VerifyTimings;
  /** The kept run folder (with --keep). */
  runDir?: string;
  console: string;
}

/** Reads and plans a scenario; problems are input errors. */
export function loadPlan(scenarioPath: string): VerifyPlan {
  let text: string;
  try {
    text = fs.readFileSync(scenarioPath, 'utf8');
  } catch (e) {
    throw new VerifyInputError(`cannot read scenario ${scenarioPath}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const plan = planScenario(text);
  if (plan.problems.length) {
    throw new VerifyInputError(plan.problems.map((p) => `${scenarioPath}:${p.line}: ${p.text}: ${p.message}`).join('\n'));
  }
  return plan;
}

/** A VM limit that covers slow machines: boot, the sleeps, and settling for each command. */
export function defaultTimeoutS(plan: VerifyPlan, settleMs: number): number {
  return Math.ceil(90 + plan.sleepSeconds * 1.5 + plan.commands.length * (settleMs / 1000 + 3));
}

function initramfs(busybox: string, klpctl: string, modules: BuiltModule[], init: string): Buffer {
  const dirs = ['bin', 'dev', 'proc', 'sys', 'tmp', 'lib', GUEST_MODULE_DIR.slice(1)];
  const entries: CpioEntry[] = dirs.map((d) => ({ path: d, type: 'dir', perm: 0o755 }));
  entries.push(
    { path: 'dev/console', type: 'chardev', perm: 0o600, rdev: [5, 1] },
    { path: 'bin/busybox', type: 'file', perm: 0o755, data: fs.readFileSync(busybox) },
    { path: GUEST_KLPCTL.slice(1), type: 'file', perm: 0o755, data: fs.readFileSync(klpctl) },
    { path: 'init', type: 'file', perm: 0o755, data: Buffer.from(init) },
  );
  for (const m of modules) entries.push({ path: `${GUEST_MODULE_DIR.slice(1)}/${m.name}.ko`, type: 'file', perm: 0o644, data: fs.readFileSync(m.ko) });
  return cpioArchive(entries);
}

export async function runOnRealKernel(o: VerifyOptions): Promise<VerifyRun> {
  const t0 = Date.now();
  const progress: Progress = o.progress ?? (() => {});
  const plan = loadPlan(o.scenarioPath);
  const tools = checkHostTools();
  const accel = o.accel ?? 'tcg';
  if (accel === 'kvm' && !fs.existsSync('/dev/kvm')) throw new VerifyEnvError('--accel kvm: /dev/kvm does not exist');
  if (o.kernelImage || o.kernelBuild) {
    if (!o.kernelImage || !o.kernelBuild) throw new VerifyInputError('--kernel-image and --kernel-build go together');
  }
  const kernel = o.kernelImage ? customKernel(o.kernelImage, o.kernelBuild!) : await debianKernel(progress, o.signal, o.kernel ?? 'debian-12');
  const searchDirs = [path.dirname(path.resolve(o.scenarioPath)), ...o.searchDirs.map((d) => path.resolve(d))];
  const modules: BuiltModule[] = [];
  const failed: ModuleBuildFailed[] = [];
  for (const name of plan.modules) {
    try {
      const symvers = modules.map((m) => m.symvers).filter((f): f is string => !!f);
      modules.push(await buildModule(name, searchDirs, kernel, progress, o.signal, symvers));
    } catch (e) {
      if (!(e instanceof ModuleBuildFailed)) throw e;
      failed.push(e);
    }
  }
  if (failed.length) throw new ModulesDoNotBuild(kernel, failed);
  const klpctl = await buildKlpctl(progress, o.signal);
  const settleMs = o.settleMs ?? 3000;
  // Debian's kernel: boot its uncompressed PVH image when it can be made (saves the xz decompression).
  const bootImage = kernel.profile.startsWith('debian-') ? (await pvhKernel(kernel.vmlinuz, path.join(path.dirname(kernel.vmlinuz), 'vmlinux-pvh'))) ?? kernel.vmlinuz : kernel.vmlinuz;
  const init = initScript(plan, { settleMs });

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-verify-'));
  try {
    const initrd = path.join(runDir, 'initramfs.cpio');
    fs.writeFileSync(initrd, initramfs(tools.busybox, klpctl, modules, init));
    fs.writeFileSync(path.join(runDir, 'init'), init);
    const resultsFile = path.join(runDir, 'results.log');
    const prepareMs = Date.now() - t0;
    progress(`booting ${kernel.release} (QEMU ${accel}, -smp ${o.smp ?? 1})`);
    const timeoutS = o.timeoutS ?? defaultTimeoutS(plan, settleMs);
    const vm = await boot({
      qemu: tools.qemu, vmlinuz: bootImage, initrd, resultsFile, smp: o.smp ?? 1, memoryMb: 512, accel,
      timeoutMs: timeoutS * 1000, signal: o.signal,
      onStep: (i, n) => progress(`[${i + 1}/${n}] ${plan.commands[i]?.text ?? ''}`),
    });
    fs.writeFileSync(path.join(runDir, 'console.log'), vm.console);
    const real = realTranscript(plan, fs.readFileSync(resultsFile, 'utf8'));
    if (!real.complete) throw new VerifyEnvError(`the guest did not report its kernel log (see ${o.keep ? runDir : 'the run folder; rerun with --keep'})`);
    return {
      plan, kernel, modules, real, console: vm.console,
      timings: { prepareMs, bootMs: vm.bootMs, vmMs: vm.wallMs, totalMs: Date.now() - t0 },
      runDir: o.keep ? runDir : undefined,
    };
  } finally {
    if (!o.keep) fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/** Whether this machine can run verify at all (for tests that skip otherwise). */
export function realKernelAvailable(): { ok: true } | { ok: false; why: string } {
  try {
    checkHostTools();
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  if (!which('apt-get') && !process.env.KLP_STUDIO_KERNEL_IMAGE) return { ok: false, why: 'no apt-get' };
  return { ok: true };
}
