// `klp-studio verify`: compares the real kernel's transcript with the simulator's for the
// same scenario: normalises what the kernel version cannot show, lists the `#@`
// directives a real kernel does not enact, and makes the unified diff. Pure.
import { unifiedDiff } from './diff';
import { dropCallbackLines, normalizeForKernel, silentCallbackModules } from './normalize';
import type { VerifyPlan } from './plan';

export interface Comparison {
  agree: boolean;
  /** `--- simulator` / `+++ real kernel` diff; empty when they agree. */
  diff: string;
  /** Transcripts as compared (after normalisation). */
  real: string[];
  simulated: string[];
  notes: string[];
}

export function compareTranscripts(plan: VerifyPlan, kernelVersion: string, kernelRelease: string, real: string[], simulated: string[]): Comparison {
  const silent = silentCallbackModules(real, simulated);
  const n = normalizeForKernel(plan, kernelVersion, real, dropCallbackLines(simulated, silent), false);
  const notes = [...n.notes];
  if (silent.length) {
    notes.push(`${silent.join(', ')} printed no callback line on the real kernel (its callbacks do not print the transcript's line): the simulator's callback lines for it are not compared`);
  }
  if (plan.directives.length) {
    notes.push(`${plan.directives.length} #@ directive(s) are simulator-only and were not enacted on the real kernel (lines ${plan.directives.map((d) => d.line).join(', ')}): differences that follow from them are expected`);
  }
  const d = unifiedDiff(n.simulated, n.real, 'simulator', `real kernel ${kernelRelease}`);
  return { agree: d.equal, diff: d.text, real: n.real, simulated: n.simulated, notes };
}
