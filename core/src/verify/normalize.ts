// `klp-studio verify`: what a real run cannot show. (1) A callback invocation is visible on
// a kernel only if the module's callback prints the contract's line; a livepatch module
// that printed no such line in the whole real run is taken to be silent, and its callback
// lines are left out of the simulator's transcript for the comparison (with a note).
// (2) Kernel versions: Debian 12's 6.1 has no
// `replace` and `stack_order` sysfs files (added around 6.13; the per-object `patched`
// file exists in 6.1.192), so a `cat` of them fails there while the newest-kernel
// simulator prints a value. When the simulator could not be asked for that kernel's
// behaviour, both transcripts get the same placeholder for those outputs, and a note says
// so. Pure.
import type { VerifyPlan } from './plan';
import { CALLBACK_LINE } from './transcript';

/** sysfs files a kernel version lacks, by `major.minor`. */
export function missingSysfsFiles(version: string): string[] {
  const [maj, min] = version.split('.').map(Number);
  if (!Number.isFinite(maj)) return [];
  const v = maj * 1000 + (min || 0);
  return v < 6013 ? ['replace', 'stack_order'] : [];
}

export interface Normalized {
  real: string[];
  simulated: string[];
  notes: string[];
}

/** Commands whose output the kernel version cannot produce: `cat .../P/replace` etc. */
export function unshowableCommands(plan: VerifyPlan, version: string): Map<string, string> {
  const missing = missingSysfsFiles(version);
  const out = new Map<string, string>();
  for (const c of plan.commands) {
    if (c.guest.op !== 'read') continue;
    const m = /^\/sys\/kernel\/livepatch\/[^/]+\/([^/]+)$/.exec(c.guest.path);
    if (m && missing.includes(m[1])) out.set(c.text, m[1]);
  }
  return out;
}

/** Replaces the output of every `% cat` of a missing file (up to the next `%` line) by a placeholder. */
function mask(lines: string[], unshowable: Map<string, string>, version: string): string[] {
  const out: string[] = [];
  let masking = false;
  for (const l of lines) {
    if (l.startsWith('% ')) {
      masking = unshowable.has(l.slice(2));
      out.push(l);
      if (masking) out.push(`[not comparable: ${unshowable.get(l.slice(2))} does not exist on ${version}]`);
      continue;
    }
    if (!masking) out.push(l);
  }
  return out;
}

/**
 * Normalises both transcripts for comparison on kernel VERSION. `simulatedForVersion` is
 * true when the simulator already modelled that version (then nothing is masked).
 */
export function normalizeForKernel(plan: VerifyPlan, version: string, real: string[], simulated: string[], simulatedForVersion: boolean): Normalized {
  const unshowable = simulatedForVersion ? new Map<string, string>() : unshowableCommands(plan, version);
  if (!unshowable.size) return { real, simulated, notes: [] };
  const files = [...new Set(unshowable.values())].join(', ');
  return {
    real: mask(real, unshowable, version),
    simulated: mask(simulated, unshowable, version),
    notes: [`${version} has no ${files} sysfs file: the output of ${unshowable.size} command(s) reading it is not compared`],
  };
}

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
