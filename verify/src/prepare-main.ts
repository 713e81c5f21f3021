// Entry point for verify/setup.sh: fetches Debian 12's kernel into the verify cache ahead
// of the first `klp-studio verify` (prints where it is).
import { debianKernel } from './kernel';

debianKernel((m) => process.stderr.write(`verify: ${m}\n`)).then(
  (k) => { process.stdout.write(`verify: kernel ${k.release} ready: ${k.vmlinuz}\n`); },
  (e) => { process.stderr.write(`verify: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 3; },
);
