// The single-module diagnostic rules (docs/RULES.md): runs every rule family on one
// ModuleModel and returns the findings in output order. Used by `klp-studio check` and the
// language server on every edit, so rules read the model only (no tree walks, no I/O).
import type { Finding } from '../findings';
import { sortFindings } from '../findings';
import type { ModuleModel } from '../model';
import { callbackRules } from './callbacks';
import { Reporter, RuleContext } from './context';
import { cumulativeRules } from './cumulative';
import { pitfallRules } from './pitfalls';
import { replacementRules } from './replacements';
import { shadowRules } from './shadow';
import { stateApiAdjust, stateApiRules } from './stateApi';
import { stateRules } from './states';
import { runtimeRules } from './runtime';
import { structureRules } from './structure';
import { ABSENCE_RULES, readCompletely, unreadableRules } from './unreadable';

export { RULES, ruleInfo } from './catalogue';
export type { RuleInfo } from './catalogue';
export type { RuleContext } from './context';

const FAMILIES: ((m: ModuleModel, out: Reporter) => void)[] = [
  structureRules, replacementRules, cumulativeRules, callbackRules, stateRules, shadowRules, pitfallRules, stateApiRules, unreadableRules, runtimeRules,
];

/** A context with no workspace facts (no other modules, default severities). */
export const EMPTY_CONTEXT: RuleContext = { lookupFunction: () => [] };

/**
 * Runs the single-module rules. Never throws: a rule that meets a model shape it does not
 * expect is skipped (the others still report), as half-typed code yields odd models.
 */
export function runModuleRules(model: ModuleModel, ctx: RuleContext = EMPTY_CONTEXT): Finding[] {
  const out = new Reporter(ctx);
  for (const family of FAMILIES) {
    try {
      family(model, out);
    } catch (e) {
      // keep what the other rules found
      ctx.onRuleError?.(family.name, e);
    }
  }
  // Part of the module could not be read: no claim that something is missing from all of it.
  const found = readCompletely(model) ? out.findings : out.findings.filter((f) => !ABSENCE_RULES.includes(f.code));
  return sortFindings(stateApiAdjust(model, found, ctx.kernelApi));
}
