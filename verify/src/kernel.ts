// The kernel `klp-studio verify` boots: Debian 12's stock kernel (image, headers and kbuild
// fetched with `apt-get download`, unpacked with `dpkg -x` into the cache, never installed
// into /boot), or a kernel the user names (--kernel-image FILE --kernel-build DIR).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot, exec, VerifyEnvError, which, writeFileAtomic } from './env';

export interface KernelArtifacts {
  /** Profile name ('debian-12' or 'custom'). */
  profile: string;
  /** `uname -r` of the kernel, e.g. 6.1.0-56-amd64. */
  release: string;
  /** Upstream version prefix, e.g. 6.1 (the simulator profile to compare with). */
  version: string;
  vmlinuz: string;
  /** The Kbuild tree for `make -C HDR M=DIR`. */
  headers: string;
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

function debianDir(): string {
  return path.join(cacheRoot(), 'kernel', 'debian-12');
}

/** The cached Debian 12 kernel, if a previous run fetched it (no network needed then). */
export function cachedDebianKernel(): KernelArtifacts | undefined {
  const base = debianDir();
  const release = readText(path.join(base, 'current'))?.trim();
  if (!release) return undefined;
  const dir = path.join(base, release);
  if (!fs.existsSync(path.join(dir, 'ready'))) return undefined;
  return artifactsIn(dir, release);
}

function artifactsIn(dir: string, release: string): KernelArtifacts {
  return {
    profile: 'debian-12',
    release,
    version: upstreamVersion(release),
    vmlinuz: path.join(dir, 'root', 'boot', `vmlinuz-${release}`),
    headers: path.join(dir, 'root', 'usr', 'src', `linux-headers-${release}`),
  };
}

async function aptDepends(pkg: string, prefix: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await exec('apt-cache', ['depends', pkg], { signal, timeoutMs: 60_000 });
  if (r.code !== 0) return undefined;
  const m = new RegExp(`Depends: (${prefix}[^\\s]+)`).exec(r.stdout);
  return m?.[1];
}

/**
 * Debian 12's kernel, fetched into the cache on first use (about 80 MB of .debs; the
 * in-tree modules are deleted after unpacking: they are not needed).
 */
export async function debianKernel(progress: Progress, signal?: AbortSignal): Promise<KernelArtifacts> {
  const cached = cachedDebianKernel();
  if (cached) return cached;
  if (!which('apt-get') || !which('apt-cache') || !which('dpkg')) {
    throw new VerifyEnvError('fetching the Debian 12 kernel needs apt-get, apt-cache and dpkg (a Debian 12 machine), or give --kernel-image FILE --kernel-build DIR');
  }
  progress('looking up the Debian 12 kernel package');
  const imagePkg = await aptDepends('linux-image-amd64', 'linux-image-', signal);
  if (!imagePkg) {
    throw new VerifyEnvError("apt-cache does not know linux-image-amd64: this is not a Debian machine or its package lists are missing (run 'sudo apt-get update', or verify/setup.sh)");
  }
  const release = imagePkg.slice('linux-image-'.length);
  const abi = release.replace(/-amd64$/, '');
  const kbuildPkg = await aptDepends(`linux-headers-${release}`, 'linux-kbuild-', signal);
  if (!kbuildPkg) throw new VerifyEnvError(`apt-cache does not know linux-headers-${release} (run 'sudo apt-get update')`);
  const pkgs = [imagePkg, `linux-headers-${release}`, `linux-headers-${abi}-common`, kbuildPkg];

  const dir = path.join(debianDir(), release);
  fs.rmSync(dir, { recursive: true, force: true });
  const debs = path.join(dir, 'debs');
  fs.mkdirSync(debs, { recursive: true });
  progress(`downloading ${pkgs.join(', ')}`);
  const dl = await exec('apt-get', ['download', ...pkgs], { cwd: debs, signal, timeoutMs: 15 * 60_000 });
  if (dl.code !== 0) {
    throw new VerifyEnvError(`apt-get download failed (is the Debian mirror reachable?):\n${(dl.stderr || dl.stdout).trim()}`);
  }
  const root = path.join(dir, 'root');
  fs.mkdirSync(root, { recursive: true });
  for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb')).sort()) {
    progress(`unpacking ${deb}`);
    const x = await exec('dpkg', ['-x', path.join(debs, deb), root], { signal, timeoutMs: 10 * 60_000 });
    if (x.code !== 0) throw new VerifyEnvError(`dpkg -x ${deb} failed:\n${x.stderr.trim()}`);
  }
  // In-tree modules (about 390 MB) are never loaded by verify.
  fs.rmSync(path.join(root, 'lib', 'modules', release, 'kernel'), { recursive: true, force: true });
  fs.rmSync(debs, { recursive: true, force: true });
  const art = artifactsIn(dir, release);
  // The arch headers' Makefile includes the common one by an absolute /usr/src path.
  const mk = path.join(art.headers, 'Makefile');
  const text = readText(mk);
  if (text === undefined || !fs.existsSync(art.vmlinuz)) throw new VerifyEnvError(`the kernel packages did not contain ${mk} and ${art.vmlinuz}`);
  fs.writeFileSync(mk, text.replace(/^include \/usr\/src\//m, `include ${path.join(root, 'usr', 'src')}/`));
  writeFileAtomic(path.join(dir, 'ready'), `${pkgs.join('\n')}\n`);
  writeFileAtomic(path.join(debianDir(), 'current'), `${release}\n`);
  return art;
}
