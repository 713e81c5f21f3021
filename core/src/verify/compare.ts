// `klp-studio verify`: compares the real kernel's transcript with the simulator's for the
// same scenario, the simulator running the kernel version profile of that kernel
// (simulatorProfileFor): lists the `#@` directives a real kernel does not enact, drops the
// callback lines of modules whose callbacks print nothing (./normalize.ts, the only
// normalisation), and makes the unified diff. Pure.
import { unifiedDiff } from './diff';
import { dropCallbackLines, silentCallbackModules } from './normalize';
import type { VerifyPlan } from './plan';
import { profileForKernelVersion, type KernelProfileName } from '../sim/kernelProfile';

export interface Comparison {
  agree: boolean;
  /** `--- simulator` / `+++ real kernel` diff; empty when they agree. */
  diff: string;
  /** Transcripts as compared. */
  real: string[];
  simulated: string[];
  notes: string[];
}

/** The simulator's kernel profile for a real kernel of VERSION (`6.12`), with a note when it is only the nearest measured one. */
export function simulatorProfileFor(version: string): { profile: KernelProfileName; note?: string } {
  const p = profileForKernelVersion(version);
  if (p.exact) return { profile: p.profile };
  return { profile: p.profile, note: `the simulator has no profile measured on kernel ${version}: it ran the nearest measured one, ${p.profile} (differences in sysfs files, message wording or errno may be the kernel version's; docs/FIDELITY.md lists the facts)` };
}

export interface CompareContext {
  /** The kernel's release, for the diff header (`6.1.0-56-amd64`). */
  release: string;
  /** The simulator profile the simulated transcript was made with, and its note. */
  profile: { profile: KernelProfileName; note?: string };
}

export function compareTranscripts(plan: VerifyPlan, ctx: CompareContext, real: string[], simulated: string[]): Comparison {
  const silent = silentCallbackModules(real, simulated);
  const sim = dropCallbackLines(simulated, silent);
  const notes: string[] = [];
  if (ctx.profile.note) notes.push(ctx.profile.note);
  if (silent.length) {
    notes.push(`${silent.join(', ')} printed no callback line on the real kernel (its callbacks do not print the transcript's line): the simulator's callback lines for it are not compared`);
  }
  if (plan.directives.length) {
    notes.push(`${plan.directives.length} #@ directive(s) are simulator-only and were not enacted on the real kernel (lines ${plan.directives.map((d) => d.line).join(', ')}): differences that follow from them are expected`);
  }
  const d = unifiedDiff(sim, real, `simulator (--kernel ${ctx.profile.profile})`, `real kernel ${ctx.release}`);
  return { agree: d.equal, diff: d.text, real, simulated: sim, notes };
}
