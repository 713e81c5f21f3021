// Kernel version profiles of the simulator (`klp-studio simulate --kernel 6.1|6.12|7.2|latest`,
// the setting klpStudio.simulate.kernel, and `verify --diff`, which simulates the profile of
// the kernel it boots). A profile is one column of KERNEL_FACTS, the table of what a user can
// see differently between kernel versions (sysfs files, the wording of a line, an errno, how
// functions are matched); each row says from which version a behaviour is there and how that
// was established (measured on Debian's real kernels under QEMU with `klp-studio verify`, or
// an upstream change). The livepatch core's rules (checks, transitions, callbacks, NOPs,
// states, force, reverse) agreed line for line on all three kernels, so they are shared.
// `latest` is the newest measured kernel. docs/FIDELITY.md, "Kernel profiles", shows the
// table. Pure data.

/** The measured kernels, oldest first. */
export type MeasuredKernel = '6.1' | '6.12' | '7.2';
export const MEASURED_KERNELS: readonly MeasuredKernel[] = ['6.1', '6.12', '7.2'];
/** `latest` names the newest measured kernel. */
export const LATEST_MEASURED: MeasuredKernel = '7.2';

export type KernelProfileName = 'latest' | MeasuredKernel;
export const KERNEL_PROFILES: readonly KernelProfileName[] = ['latest', ...MEASURED_KERNELS];
export const DEFAULT_KERNEL_PROFILE: KernelProfileName = 'latest';

/** The Debian packages each measured kernel came from (docs/FIDELITY.md). */
export const MEASURED_PACKAGES: Record<MeasuredKernel, string> = {
  '6.1': "Debian 12 linux-image-6.1.0-56-amd64 6.1.192-2 (and 6.1.0-57, 6.1.192-3)",
  '6.12': 'bookworm-backports linux-image-6.12.95+deb12-amd64-unsigned 6.12.95-1~bpo12+1 (Debian 13\'s kernel series)',
  '7.2': 'Debian unstable linux-image-7.2.13 (7.2.13-1)',
};

/** How a fact was established. */
const QEMU = 'measured with klp-studio verify under QEMU on';
const ALL_THREE = `${QEMU} 6.1.192, 6.12.95 and 7.2.13`;

export interface KernelFact<T> {
  /** What the fact is about, for the docs and --version. */
  what: string;
  /** The value on each measured kernel. */
  values: Record<MeasuredKernel, T>;
  /** The upstream version that introduced the newer behaviour, when known. */
  upstream?: string;
  /** How the values were established. */
  how: string;
}

export type ParamQuoting = 'backtick-apostrophe' | 'straight';

/** The table of kernel facts the profiles are made of. */
export const KERNEL_FACTS = {
  replaceFile: {
    what: '`/sys/kernel/livepatch/<patch>/replace` exists (reads 0/1; read-only)',
    values: { '6.1': false, '6.12': true, '7.2': true },
    upstream: '6.11',
    how: `${ALL_THREE}: cat and echo (6.1: No such file or directory; 6.12, 7.2: a value, and Permission denied for a write)`,
  } as KernelFact<boolean>,
  stackOrderFile: {
    what: '`/sys/kernel/livepatch/<patch>/stack_order` exists (1-based position; read-only)',
    values: { '6.1': false, '6.12': false, '7.2': true },
    upstream: '6.14',
    how: `${ALL_THREE}: cat and echo (6.1 and 6.12: No such file or directory)`,
  } as KernelFact<boolean>,
  objectPatchedFile: {
    what: '`/sys/kernel/livepatch/<patch>/<object>/patched` exists',
    values: { '6.1': true, '6.12': true, '7.2': true },
    how: `${ALL_THREE}: cat, for vmlinux and for a module object before and after its module goes (6.1, 6.12)`,
  } as KernelFact<boolean>,
  paramErrorQuoting: {
    what: 'a module parameter value the parameter rejects is logged as <module>: `<value>\' invalid for parameter `<param>\'',
    values: { '6.1': 'backtick-apostrophe', '6.12': 'backtick-apostrophe', '7.2': 'backtick-apostrophe' },
    how: `${ALL_THREE}: insmod lp_a.ko replace=maybe (no kernel printed straight quotes)`,
  } as KernelFact<ParamQuoting>,
  duplicateFuncErrno: {
    what: 'insmod of a patch with the same `<old_name>,<sympos>` twice in one object fails with',
    values: { '6.1': 'EEXIST', '6.12': 'EEXIST', '7.2': 'EBUSY' },
    how: `${ALL_THREE}: insmod of a patch whose object lists one function with old_sympos 0 and 1 (File exists; 7.2: Device or resource busy)`,
  } as KernelFact<'EEXIST' | 'EBUSY'>,
  symposZeroIsOne: {
    what: '`old_sympos` 0 and 1 name the same function when functions are matched (the NOPs of an atomic replace)',
    values: { '6.1': true, '6.12': true, '7.2': true },
    upstream: '6.19, backported to the stable 6.1 and 6.12 series',
    how: `${QEMU} 6.1.192 (case sympos-zero-one: a replace patch naming with old_sympos 1 the function an older patch named with 0 gets no NOP and goes through) and 6.12.95; Debian's 6.1.192 and 6.12.95 sources match 0 and 1 in klp_find_func`,
  } as KernelFact<boolean>,
  vmlinuxModuleBuilds: {
    what: 'an out-of-tree module named `vmlinux` builds (so `insmod vmlinux.ko` can be tried)',
    values: { '6.1': true, '6.12': true, '7.2': false },
    how: `${QEMU} 6.1.192 and 7.2.13: Kbuild of 7.2 refuses to build it; the simulator still answers 'invalid module name' (with a note on 7.2)`,
  } as KernelFact<boolean>,
} as const;

export interface KernelProfile {
  /** The name given (`latest` stays `latest`). */
  name: KernelProfileName;
  /** The measured kernel the profile is (`latest` -> the newest one). */
  kernel: MeasuredKernel;
  /** One line for help texts and settings. */
  description: string;
  replaceFile: boolean;
  stackOrderFile: boolean;
  objectPatchedFile: boolean;
  /** errno (positive) of a duplicate `<old_name>,<sympos>` in one object. */
  duplicateFuncErrno: 'EEXIST' | 'EBUSY';
  /** Whether old_sympos 0 and 1 match each other (NOPs, duplicates). */
  symposZeroIsOne: boolean;
  vmlinuxModuleBuilds: boolean;
  /** kernel/params.c's message for a value a parameter does not accept. */
  invalidParamLine(module: string, value: string, param: string): string;
}

function describe(k: MeasuredKernel): string {
  const f = KERNEL_FACTS;
  const who = k === '6.1' ? 'Debian 12, 6.1.192' : k === '6.12' ? 'Debian 13, 6.12.95' : 'Debian sid, 7.2.13';
  const has = (b: boolean, what: string) => (b ? what : `no ${what}`);
  return `${who}: ${has(f.replaceFile.values[k], 'replace')}, ${has(f.stackOrderFile.values[k], 'stack_order')}; dup func ${f.duplicateFuncErrno.values[k]}`;
}

function profileOf(k: MeasuredKernel, name: KernelProfileName): KernelProfile {
  const f = KERNEL_FACTS;
  const quoting = f.paramErrorQuoting.values[k];
  return {
    name, kernel: k,
    description: name === 'latest' ? `the newest measured kernel, ${k}` : describe(k),
    replaceFile: f.replaceFile.values[k],
    stackOrderFile: f.stackOrderFile.values[k],
    objectPatchedFile: f.objectPatchedFile.values[k],
    duplicateFuncErrno: f.duplicateFuncErrno.values[k],
    symposZeroIsOne: f.symposZeroIsOne.values[k],
    vmlinuxModuleBuilds: f.vmlinuxModuleBuilds.values[k],
    invalidParamLine: quoting === 'straight'
      ? (m, v, p) => `${m}: '${v}' invalid for parameter '${p}'`
      : (m, v, p) => `${m}: \`${v}' invalid for parameter \`${p}'`,
  };
}

export function kernelProfile(name: KernelProfileName = DEFAULT_KERNEL_PROFILE): KernelProfile {
  return profileOf(name === 'latest' ? LATEST_MEASURED : name, name);
}

export function isKernelProfileName(s: string): s is KernelProfileName {
  return (KERNEL_PROFILES as readonly string[]).includes(s);
}

/** `6.1.0-56-amd64` -> [6, 1]; undefined when it does not start with a version. */
function majorMinor(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const key = (v: [number, number]) => v[0] * 1000 + v[1];

/**
 * The profile that models a kernel of VERSION (`6.12.95+deb12-amd64`, `7.2.13`): the
 * measured kernel of the same major.minor (`exact`), else the newest measured kernel not
 * newer than VERSION (the oldest for older versions; `latest` for anything unparsable),
 * with `exact` false: the caller should say it is only the nearest.
 */
export function profileForKernelVersion(version: string): { profile: MeasuredKernel; exact: boolean } {
  const v = majorMinor(version);
  if (!v) return { profile: LATEST_MEASURED, exact: false };
  const measured = MEASURED_KERNELS.map((k) => ({ k, v: key(majorMinor(k)!) }));
  const same = measured.find((m) => m.v === key(v));
  if (same) return { profile: same.k, exact: true };
  const below = measured.filter((m) => m.v < key(v));
  return { profile: (below.length ? below[below.length - 1] : measured[0]).k, exact: false };
}

/** Lines for `klp-studio --version`: each profile and what it is. */
export function kernelProfileSummary(): string[] {
  return KERNEL_PROFILES.map((n) => `  ${n.padEnd(7)} ${kernelProfile(n).description}`);
}
