// The kernel `klp-studio verify` boots: one of Debian's stock kernels (--kernel debian-12:
// 6.1 from the machine's own bookworm lists; debian-13: 6.12 from bookworm-backports, read
// through a private apt configuration (./apt.ts); image, headers and kbuild fetched with
// `apt-get download`, unpacked with `dpkg -x` into the cache, never installed into /boot),
// or a kernel the user names (--kernel-image FILE --kernel-build DIR). Also the host tools a
// kernel's Kbuild needs beyond gcc and make: pahole for 6.12 (fetched as a .deb and run from
// the cache when it is not installed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateAptOptions, privateListsPresent, shownAptArgs, type DebianSuite } from './apt';
import { cacheRoot, exec, VerifyEnvError, which, writeFileAtomic } from './env';

export interface KernelArtifacts {
  /** Where it came from ('debian-12', 'debian-13' or 'custom'). */
  profile: string;
  /** `uname -r` of the kernel, e.g. 6.1.0-56-amd64. */
  release: string;
  /** Upstream version prefix, e.g. 6.1 (the simulator profile to compare with). */
  version: string;
  vmlinuz: string;
  /** The Kbuild tree for `make -C HDR M=DIR`. */
  headers: string;
  /** Extra PATH entries and library folders the module build needs (a pahole run from the cache). */
  buildEnv?: { path: string[]; libraryPath: string[] };
}

export type Progress = (message: string) => void;

/** `6.1.0-56-amd64` -> `6.1`. */
export function upstreamVersion(release: string): string {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? `${m[1]}.${m[2]}` : release;
}

function readText(p: string): string | undefined {
  try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; }
}

/** A user-supplied kernel: image + a build tree (headers) it was built with. */
export function customKernel(image: string, buildDir: string): KernelArtifacts {
  if (!fs.existsSync(image)) throw new VerifyEnvError(`--kernel-image: ${image} does not exist`);
  if (!fs.existsSync(path.join(buildDir, 'Makefile'))) throw new VerifyEnvError(`--kernel-build: ${buildDir} has no Makefile (give the kernel's build tree or headers directory)`);
  const release = (readText(path.join(buildDir, 'include/config/kernel.release')) ?? '').trim();
  if (!release) throw new VerifyEnvError(`--kernel-build: ${buildDir}/include/config/kernel.release is missing (the tree was not prepared)`);
  return { profile: 'custom', release, version: upstreamVersion(release), vmlinuz: path.resolve(image), headers: path.resolve(buildDir) };
}

/** The Debian kernels verify can fetch (`--kernel NAME`). */
export type DebianKernelName = 'debian-12' | 'debian-13';
export const DEBIAN_KERNELS: readonly DebianKernelName[] = ['debian-12', 'debian-13'];

interface DebianKernelSource {
  /** What the user reads. */
  title: string;
  /** The suite read through a private apt configuration; undefined: the machine's own lists (Debian 12). */
  suite?: DebianSuite;
  /** The image package for RELEASE (the unsigned one where the signed image is a separate package). */
  imagePackage(release: string): string;
  /** Whether its Kbuild runs pahole (linux-kbuild depends on it). */
  needsPahole: boolean;
  /** The profile the simulator is expected to use (checked against the booted version). */
  expectedVersion: string;
}

const SOURCES: Record<DebianKernelName, DebianKernelSource> = {
  'debian-12': { title: "Debian 12's kernel", imagePackage: (r) => `linux-image-${r}`, needsPahole: false, expectedVersion: '6.1' },
  'debian-13': { title: "Debian 13's kernel series (6.12, from bookworm-backports)", suite: 'bookworm-backports', imagePackage: (r) => `linux-image-${r}-unsigned`, needsPahole: true, expectedVersion: '6.12' },
};

/** The simulator profile version a named Debian kernel is expected to boot (before it is fetched). */
export function expectedVersionOf(name: DebianKernelName): string {
  return SOURCES[name].expectedVersion;
}

function debianDir(name: DebianKernelName): string {
  return path.join(cacheRoot(), 'kernel', name);
}

/** The cached Debian kernel NAME, if a previous run fetched it (no network needed then). */
export function cachedDebianKernel(name: DebianKernelName = 'debian-12'): KernelArtifacts | undefined {
  const base = debianDir(name);
  const release = readText(path.join(base, 'current'))?.trim();
  if (!release) return undefined;
  const dir = path.join(base, release);
  if (!fs.existsSync(path.join(dir, 'ready'))) return undefined;
  return artifactsIn(name, dir, release);
}

function artifactsIn(name: DebianKernelName, dir: string, release: string): KernelArtifacts {
  const art: KernelArtifacts = {
    profile: name,
    release,
    version: upstreamVersion(release),
    vmlinuz: path.join(dir, 'root', 'boot', `vmlinuz-${release}`),
    headers: path.join(dir, 'root', 'usr', 'src', `linux-headers-${release}`),
  };
  const pahole = readText(path.join(dir, 'pahole'))?.trim();
  if (pahole) art.buildEnv = JSON.parse(pahole);
  return art;
}

/** apt-get/apt-cache with the options of SUITE's private configuration (none: the machine's own). */
class Apt {
  readonly opts: string[];
  constructor(readonly suite: DebianSuite | undefined) {
    this.opts = suite ? privateAptOptions(path.join(cacheRoot(), 'apt', suite), suite) : [];
  }
  private dir(): string { return path.join(cacheRoot(), 'apt', this.suite ?? ''); }
  async ready(progress: Progress, signal?: AbortSignal): Promise<void> {
    if (!this.suite || privateListsPresent(this.dir())) return;
    progress(`fetching the ${this.suite} package lists (private apt configuration in ${this.dir()})`);
    const r = await exec('apt-get', [...this.opts, 'update', '-qq'], { signal, timeoutMs: 15 * 60_000 });
    if (r.code !== 0 || !privateListsPresent(this.dir())) throw new VerifyEnvError(`apt-get update for ${this.suite} failed (is deb.debian.org reachable?):\n${(r.stderr || r.stdout).trim()}`);
  }
  async depends(pkg: string, prefix: string, signal?: AbortSignal): Promise<string | undefined> {
    const r = await exec('apt-cache', [...this.opts, 'depends', pkg], { signal, timeoutMs: 60_000 });
    if (r.code !== 0) return undefined;
    const m = new RegExp(`Depends: (${prefix.replace(/[.+]/g, '\\$&')}[^\\s]+)`).exec(r.stdout);
    return m?.[1];
  }
  async download(pkgs: string[], cwd: string, signal?: AbortSignal): Promise<void> {
    const args = [...this.opts, 'download', ...pkgs];
    const dl = await exec('apt-get', args, { cwd, signal, timeoutMs: 15 * 60_000 });
    if (dl.code !== 0) throw new VerifyEnvError(`apt-get ${shownAptArgs(args)}${this.suite ? ` (${this.suite})` : ''} failed (is the Debian mirror reachable?):\n${(dl.stderr || dl.stdout).trim()}`);
  }
}

async function unpack(debs: string, root: string, progress: Progress, signal?: AbortSignal): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb')).sort()) {
    progress(`unpacking ${deb}`);
    const x = await exec('dpkg', ['-x', path.join(debs, deb), root], { signal, timeoutMs: 10 * 60_000 });
    if (x.code !== 0) throw new VerifyEnvError(`dpkg -x ${deb} failed:\n${x.stderr.trim()}`);
  }
}

/**
 * pahole for Kbuilds that run it: the installed one, else Debian 12's pahole package and the
 * libraries it needs beyond a build machine's (libbpf1, libdw1) fetched into the cache and
 * run from there (with their library folder).
 */
async function paholeEnv(progress: Progress, signal?: AbortSignal): Promise<KernelArtifacts['buildEnv'] | undefined> {
  if (which('pahole')) return undefined;
  const dir = path.join(cacheRoot(), 'tools', 'pahole');
  const bin = path.join(dir, 'root', 'usr', 'bin');
  const env = { path: [bin], libraryPath: [path.join(dir, 'root', 'usr', 'lib', 'x86_64-linux-gnu')] };
  if (fs.existsSync(path.join(dir, 'ready'))) return env;
  progress('pahole is not installed: fetching Debian 12\'s pahole package into the cache');
  fs.rmSync(dir, { recursive: true, force: true });
  const debs = path.join(dir, 'debs');
  fs.mkdirSync(debs, { recursive: true });
  await new Apt('bookworm').ready(progress, signal);
  await new Apt('bookworm').download(['pahole', 'libbpf1', 'libdw1'], debs, signal);
  await unpack(debs, path.join(dir, 'root'), progress, signal);
  const check = await exec(path.join(bin, 'pahole'), ['--version'], { signal, timeoutMs: 60_000, env: { ...process.env, LD_LIBRARY_PATH: env.libraryPath.join(':') } });
  if (check.code !== 0) throw new VerifyEnvError(`pahole fetched from Debian 12 does not run here (install it: sudo apt-get install pahole):\n${check.stderr.trim()}`);
  fs.rmSync(debs, { recursive: true, force: true });
  writeFileAtomic(path.join(dir, 'ready'), `${check.stdout.trim()}\n`);
  return env;
}

/**
 * Debian's kernel NAME, fetched into the cache on first use (about 80-100 MB of .debs;
 * the in-tree modules are deleted after unpacking: they are not needed).
 */
export async function debianKernel(progress: Progress, signal?: AbortSignal, name: DebianKernelName = 'debian-12'): Promise<KernelArtifacts> {
  const src = SOURCES[name];
  const cached = cachedDebianKernel(name);
  if (cached) return cached;
  if (!which('apt-get') || !which('apt-cache') || !which('dpkg')) {
    throw new VerifyEnvError(`fetching ${src.title} needs apt-get, apt-cache and dpkg (a Debian machine), or give --kernel-image FILE --kernel-build DIR`);
  }
  const apt = new Apt(src.suite);
  await apt.ready(progress, signal);
  progress(`looking up ${src.title}`);
  const metaDep = await apt.depends('linux-image-amd64', 'linux-image-', signal);
  if (!metaDep) {
    throw new VerifyEnvError(src.suite
      ? `apt-cache does not know linux-image-amd64 in ${src.suite} (the private package lists under ${path.join(cacheRoot(), 'apt', src.suite)} may be stale: delete that folder and retry)`
      : "apt-cache does not know linux-image-amd64: this is not a Debian machine or its package lists are missing (run 'sudo apt-get update', or verify/setup.sh)");
  }
  const release = metaDep.slice('linux-image-'.length).replace(/-unsigned$/, '');
  const abi = release.replace(/-amd64$/, '');
  const kbuildPkg = await apt.depends(`linux-headers-${release}`, 'linux-kbuild-', signal);
  if (!kbuildPkg) throw new VerifyEnvError(`apt-cache does not know linux-headers-${release}${src.suite ? ` in ${src.suite}` : " (run 'sudo apt-get update')"}`);
  const pkgs = [src.imagePackage(release), `linux-headers-${release}`, `linux-headers-${abi}-common`, kbuildPkg];

  const dir = path.join(debianDir(name), release);
  fs.rmSync(dir, { recursive: true, force: true });
  const debs = path.join(dir, 'debs');
  fs.mkdirSync(debs, { recursive: true });
  progress(`downloading ${pkgs.join(', ')}`);
  await apt.download(pkgs, debs, signal);
  const root = path.join(dir, 'root');
  await unpack(debs, root, progress, signal);
  // In-tree modules (about 390 MB) are never loaded by verify.
  fs.rmSync(path.join(root, 'lib', 'modules', release, 'kernel'), { recursive: true, force: true });
  fs.rmSync(debs, { recursive: true, force: true });
  const art = artifactsIn(name, dir, release);
  // The arch headers' Makefile includes the common one by an absolute /usr/src path.
  const mk = path.join(art.headers, 'Makefile');
  const text = readText(mk);
  if (text === undefined || !fs.existsSync(art.vmlinuz)) throw new VerifyEnvError(`the kernel packages did not contain ${mk} and ${art.vmlinuz}`);
  fs.writeFileSync(mk, text.replace(/^include \/usr\/src\//m, `include ${path.join(root, 'usr', 'src')}/`));
  if (src.needsPahole) {
    const env = await paholeEnv(progress, signal);
    if (env) { writeFileAtomic(path.join(dir, 'pahole'), JSON.stringify(env)); art.buildEnv = env; }
  }
  writeFileAtomic(path.join(dir, 'ready'), `${pkgs.join('\n')}\n`);
  writeFileAtomic(path.join(debianDir(name), 'current'), `${release}\n`);
  return art;
}
