// Entry point for verify/setup.sh: fetches Debian's kernels into the verify cache ahead of
// the first `klp-studio verify` (prints where they are). Arguments: the kernels to fetch
// (debian-12, debian-13; default debian-12).
import { DEBIAN_KERNELS, debianKernel, type DebianKernelName } from './kernel';

async function main(names: string[]): Promise<void> {
  for (const name of names.length ? names : ['debian-12']) {
    if (!(DEBIAN_KERNELS as readonly string[]).includes(name)) throw new Error(`unknown kernel '${name}' (one of ${DEBIAN_KERNELS.join(', ')})`);
    const k = await debianKernel((m) => process.stderr.write(`verify: ${m}\n`), undefined, name as DebianKernelName);
    process.stdout.write(`verify: kernel ${k.release} ready: ${k.vmlinuz}\n`);
  }
}

main(process.argv.slice(2)).catch((e) => { process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 3; });
