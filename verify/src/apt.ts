// Debian packages from a suite other than the machine's own (bookworm-backports for the 6.12
// kernel, unstable for 7.x), read through a private apt configuration under a cache folder:
// its own sources list, package lists and archive cache, so the system's apt setup is never
// touched and no root is needed. Used by verify's kernel fetch (./kernel.ts) and by the
// tests' source fetcher (test/lib/debianSource.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';

export type DebianSuite = 'bookworm' | 'bookworm-backports' | 'unstable';

export const SUITE_SOURCES: Record<DebianSuite, string> = {
  bookworm: 'deb http://deb.debian.org/debian bookworm main',
  'bookworm-backports': 'deb http://deb.debian.org/debian bookworm-backports main',
  unstable: 'deb http://deb.debian.org/debian unstable main',
};

/**
 * apt options that point apt-get/apt-cache at a private sources list and state in
 * DIR (created): `DIR/etc/sources.list` names only SUITE. The dpkg status is an empty
 * file, so what the machine has installed does not change what apt-cache reports.
 */
export function privateAptOptions(dir: string, suite: DebianSuite): string[] {
  for (const d of ['lists/partial', 'cache/archives/partial', 'etc/preferences.d', 'etc/sources.list.d']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const list = path.join(dir, 'etc/sources.list');
  if (!fs.existsSync(list) || fs.readFileSync(list, 'utf8') !== `${SUITE_SOURCES[suite]}\n`) fs.writeFileSync(list, `${SUITE_SOURCES[suite]}\n`);
  return [
    '-o', `Dir::Etc::SourceList=${list}`,
    '-o', `Dir::Etc::SourceParts=${path.join(dir, 'etc/sources.list.d')}`,
    '-o', `Dir::Etc::PreferencesParts=${path.join(dir, 'etc/preferences.d')}`,
    '-o', `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
    '-o', 'APT::Sandbox::User=root',
    '-o', 'Debug::NoLocking=1',
  ];
}

/** Whether the private lists in DIR have been fetched (an `apt-get update` with the options above). */
export function privateListsPresent(dir: string): boolean {
  try {
    return fs.readdirSync(path.join(dir, 'lists')).some((f) => f.includes('Packages'));
  } catch {
    return false;
  }
}

/** An apt command line without its -o option pairs, for messages. */
export function shownAptArgs(args: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-o') { i++; continue; }
    out.push(args[i]);
  }
  return out.join(' ');
}
