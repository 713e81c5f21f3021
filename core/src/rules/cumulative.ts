// Single-module part of the cumulative-patch rules: KLP020 (a patch that is not
// cumulative). The series rules (KLP021, KLP022, KLP024) need the series order and live
// with the series analysis.
import type { ModuleModel } from '../model';
import { addFieldEdit, definedPatches, Reporter } from './context';

export function cumulativeRules(m: ModuleModel, out: Reporter): void {
  if (!out.on('KLP020')) return;
  for (const p of definedPatches(m)) {
    const r = p.replace;
    // Set at run time (a module parameter, an expression): the author decides at load time.
    if (r.assignments.length) continue;
    // An explicit `.replace = false` is a deliberate non-cumulative patch.
    if (r.initial) continue;
    const edit = addFieldEdit(out.ctx, p.file, p.fields, '.replace = true');
    out.add('KLP020', p.file, p.nameRange,
      `klp_patch '${p.name}' is not cumulative (no .replace = true): it stacks on earlier patches instead of replacing them, so every released patch must stay loaded. Set .replace = true, or write .replace = false to state that this patch is meant to stack.`,
      { fixes: edit ? [{ title: 'Add .replace = true', edits: [edit], preferred: true }] : undefined });
  }
}

