// Single-module part of the cumulative-patch rules: KLP020 (a patch that is not
// cumulative). The series rules (KLP021, KLP022, KLP024) need the series order and live
// with the series analysis.
//
// KLP020 is said only where cumulative patches are the rule: the module is in a declared
// series, or its folder holds cumulative patches (RuleContext.cumulativeExpected, computed
// by cumulativeExpected() below from the modules loaded together). Demos, selftests,
// one-off hotfixes and patches designed to stack are left alone.
import type { KlpPatch, ModuleModel } from '../model';
import { addFieldEdit, definedPatches, Reporter } from './context';

export function cumulativeRules(m: ModuleModel, out: Reporter): void {
  if (!out.on('KLP020') || !out.ctx.cumulativeExpected) return;
  for (const p of definedPatches(m)) {
    const r = p.replace;
    // Set at run time (a module parameter, an expression): the author decides at load time.
    if (r.assignments.length) continue;
    // An explicit `.replace = false` is a deliberate non-cumulative patch.
    if (r.initial) continue;
    const edit = addFieldEdit(out.ctx, p.file, p.fields, '.replace = true');
    out.add('KLP020', p.file, p.nameRange,
      `klp_patch '${p.name}' is not cumulative (no .replace = true), but the patches it is released with are: it stacks on earlier patches instead of replacing them, so every released patch must stay loaded. Set .replace = true, or write .replace = false to state that this patch is meant to stack.`,
      { fixes: edit ? [{ title: 'Add .replace = true', edits: [edit], preferred: true }] : undefined });
  }
}

/** Whether a patch replaces the ones before it (`.replace = true`, or set at run time). */
export function isCumulativePatch(p: KlpPatch): boolean {
  const v = p.replace.initial?.value;
  if (v && ((v.kind === 'bool' && v.value) || (v.kind === 'number' && v.value !== 0))) return true;
  return p.replace.assignments.some((a) => (a.value.kind === 'bool' && a.value.value) || (a.value.kind === 'number' && a.value.value !== 0));
}

/** Whether any patch of the module is cumulative. */
export function moduleIsCumulative(m: ModuleModel): boolean {
  return definedPatches(m).some(isCumulativePatch);
}

/**
 * RuleContext.cumulativeExpected for module M among MODULES (loaded together): true when
 * M's folder declares a series (`inDeclaredSeries`, e.g. it holds a klp.series) or most of
 * the other livepatches of the same folder are cumulative. Small on purpose: what counts
 * as a series is decided by the caller.
 */
export function cumulativeExpected(m: ModuleModel, modules: readonly ModuleModel[], inDeclaredSeries: (dir: string) => boolean): boolean {
  const dir = folderOf(m.files[0] ?? '');
  if (inDeclaredSeries(dir)) return true;
  // Most of the other livepatches of the folder are cumulative: a release folder where this
  // one is the odd one out (a folder of demos or selftests that mixes both is not).
  const others = modules.filter((o) => o !== m && folderOf(o.files[0] ?? '') === dir && definedPatches(o).length > 0);
  const cumulative = others.filter(moduleIsCumulative).length;
  return cumulative > 0 && cumulative * 2 > others.length;
}

function folderOf(file: string): string {
  const i = file.replace(/\\/g, '/').lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i) || '/';
}
