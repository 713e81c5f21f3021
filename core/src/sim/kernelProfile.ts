// Kernel version profiles of the simulator (`klp-studio simulate --kernel latest|6.1`, the
// setting klpStudio.simulate.kernel, and `verify --diff`, which simulates the profile of
// the kernel it boots). 'latest' is the newest upstream behaviour (the default; what the
// conformance transcripts show); '6.1' is what Debian 12's kernel does, as measured on
// 6.1.0-56-amd64 (6.1.192) under QEMU: see docs/FIDELITY.md, "Kernel profiles".
// Only what a user can see differs: sysfs files and the wording of a few kernel lines;
// the livepatch core's rules are the same in both. Pure data.

export type KernelProfileName = 'latest' | '6.1';
export const KERNEL_PROFILES: readonly KernelProfileName[] = ['latest', '6.1'];
export const DEFAULT_KERNEL_PROFILE: KernelProfileName = 'latest';

export interface KernelProfile {
  name: KernelProfileName;
  /** One line for help texts and settings. */
  description: string;
  /** `/sys/kernel/livepatch/<patch>/replace` (newer kernels, about 6.13; not in 6.1). */
  replaceFile: boolean;
  /** `/sys/kernel/livepatch/<patch>/stack_order` (newer kernels, about 6.13; not in 6.1). */
  stackOrderFile: boolean;
  /** `/sys/kernel/livepatch/<patch>/<object>/patched` (present in 6.1.192 as measured, and newer). */
  objectPatchedFile: boolean;
  /** kernel/params.c's message for a value a parameter does not accept. */
  invalidParamLine(module: string, value: string, param: string): string;
}

const PROFILES: Record<KernelProfileName, KernelProfile> = {
  latest: {
    name: 'latest',
    description: 'the newest upstream kernel (replace and stack_order sysfs files)',
    replaceFile: true,
    stackOrderFile: true,
    objectPatchedFile: true,
    invalidParamLine: (m, v, p) => `${m}: '${v}' invalid for parameter '${p}'`,
  },
  '6.1': {
    name: '6.1',
    description: "Debian 12's 6.1 kernel (no replace or stack_order sysfs files; 6.1's parameter messages)",
    replaceFile: false,
    stackOrderFile: false,
    objectPatchedFile: true,
    // 6.1 quotes with a backtick and an apostrophe.
    invalidParamLine: (m, v, p) => `${m}: \`${v}' invalid for parameter \`${p}'`,
  },
};

export function kernelProfile(name: KernelProfileName = DEFAULT_KERNEL_PROFILE): KernelProfile {
  return PROFILES[name];
}

export function isKernelProfileName(s: string): s is KernelProfileName {
  return (KERNEL_PROFILES as readonly string[]).includes(s);
}

/**
 * The profile that models a kernel of VERSION (`6.1.192`, `6.1.0-56-amd64`, `6.15`): '6.1'
 * below 6.13 (the kernels without the `replace`/`stack_order` files), 'latest' from 6.13
 * on and for anything unparsable. `exact` is true only where the profile was made for
 * that version (6.1, measured; 6.13 and newer, the semantics document): otherwise it is
 * the nearest profile, and the caller should say so.
 */
export function profileForKernelVersion(version: string): { profile: KernelProfileName; exact: boolean } {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return { profile: DEFAULT_KERNEL_PROFILE, exact: false };
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v < 6013) return { profile: '6.1', exact: v === 6001 };
  return { profile: 'latest', exact: true };
}
