// `klp-studio verify`: the one normalisation of the comparison, for what is not a kernel
// behaviour at all. A callback invocation is visible on a kernel only if the module's
// callback prints the contract's line; a livepatch module that printed no such line in the
// whole real run is taken to be silent, and its callback lines are left out of the
// simulator's transcript for the comparison (with a note). Kernel-version differences
// (sysfs files, message wording) are not normalised: the simulator runs the kernel
// version profile of the kernel it is compared with (core/src/sim/kernelProfile.ts). Pure.
import { CALLBACK_LINE } from './transcript';

/** Patch modules with callback lines in SIMULATED but none at all in REAL. */
export function silentCallbackModules(real: string[], simulated: string[]): string[] {
  const owner = (l: string) => (CALLBACK_LINE.test(l) ? l.slice(0, l.indexOf(':')) : undefined);
  const printed = new Set(real.map(owner).filter((m): m is string => m !== undefined));
  const expected = new Set(simulated.map(owner).filter((m): m is string => m !== undefined));
  return [...expected].filter((m) => !printed.has(m)).sort();
}

/** Drops the callback lines of SILENT modules (their callbacks print nothing on a kernel). */
export function dropCallbackLines(lines: string[], silent: string[]): string[] {
  if (!silent.length) return lines;
  return lines.filter((l) => !(CALLBACK_LINE.test(l) && silent.includes(l.slice(0, l.indexOf(':')))));
}
