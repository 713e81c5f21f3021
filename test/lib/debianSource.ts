// Real sources other people wrote, for corpus and kernel-tree tests: Debian's packages, fetched
// at test time with `apt-get download` and unpacked into a cache (never into the repository,
// never installed). Suites other than the machine's own (bookworm-backports, unstable) are read
// through a private apt configuration under the cache, so the system's apt setup is untouched.
//
//   linuxSourceTree('6.1')   Debian 12's linux-source-6.1, unpacked: the path of the tree root
//   linuxSourceTree('6.12')  linux-source-6.12 from bookworm-backports
//   debianPackage(name, suite)  the path of a downloaded .deb
//
// Cache: $KLP_STUDIO_CACHE or ~/.cache/klp-studio, subfolder `sources/`. A second call is a
// stat. Set KLP_TEST_OFFLINE=1 to make the fetchers throw SourceUnavailable at once (callers
// skip with the reason); otherwise a failed fetch throws with apt's words.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { privateAptOptions, type DebianSuite } from '../../verify/src/apt';

export class SourceUnavailable extends Error {}

export const cacheRoot = (): string => join(process.env.KLP_STUDIO_CACHE || join(homedir(), '.cache', 'klp-studio'), 'sources');

/** apt options that point apt at a private sources list and state under the cache (verify/src/apt.ts). */
function aptOptions(suite: string): string[] {
  return privateAptOptions(join(cacheRoot(), 'apt', suite), suite as DebianSuite);
}

function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e: any) {
    throw new SourceUnavailable(`${cmd} ${args.filter((a) => !a.startsWith('Dir::') && a !== '-o').join(' ')} failed: ${String(e.stderr || e.message).trim().slice(0, 600)}`);
  }
}

/** Downloads the newest `name` of `suite` (once) and returns the .deb's path. */
export function debianPackage(name: string, suite = 'bookworm'): string {
  if (process.env.KLP_TEST_OFFLINE) throw new SourceUnavailable(`KLP_TEST_OFFLINE is set: ${name} (${suite}) not fetched`);
  const dir = join(cacheRoot(), 'debs', suite);
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (have) return join(dir, have);
  const opts = aptOptions(suite);
  const lists = join(cacheRoot(), 'apt', suite, 'lists');
  if (!readdirSync(lists).some((f) => f.endsWith('_Packages') || f.endsWith('_Packages.lz4') || f.includes('Packages'))) run('apt-get', [...opts, 'update', '-qq']);
  run('apt-get', [...opts, 'download', '-qq', name], dir);
  const got = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (!got) throw new SourceUnavailable(`apt-get download ${name} (${suite}) left no .deb in ${dir}`);
  return join(dir, got);
}

const SOURCE_SUITE: Record<string, string> = { '6.1': 'bookworm', '6.12': 'bookworm-backports' };

/** The root of Debian's linux-source-`version` tree, unpacked once into the cache. */
export function linuxSourceTree(version: '6.1' | '6.12'): string {
  const tree = join(cacheRoot(), `linux-source-${version}`);
  if (existsSync(join(tree, 'Makefile')) && existsSync(join(tree, 'kernel/livepatch'))) return tree;
  const deb = debianPackage(`linux-source-${version}`, SOURCE_SUITE[version]);
  const tmp = `${tree}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('dpkg', ['-x', deb, tmp]);
  const usrSrc = join(tmp, 'usr/src');
  const tarball = readdirSync(usrSrc).find((f) => /^linux-source-.*\.tar\.(xz|bz2|gz)$/.test(f));
  if (!tarball) throw new SourceUnavailable(`${deb} holds no linux-source tarball`);
  run('tar', ['-xf', join(usrSrc, tarball), '-C', tmp]);
  const top = readdirSync(tmp).find((f) => f.startsWith('linux-source-'));
  if (!top) throw new SourceUnavailable(`the tarball in ${deb} has no linux-source-* folder`);
  rmSync(tree, { recursive: true, force: true });
  renameSync(join(tmp, top), tree);
  rmSync(tmp, { recursive: true, force: true });
  return tree;
}
