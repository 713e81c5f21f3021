// Patches built at run time (KLP082): a `static struct klp_patch patch;` or a pointer to a
// kzalloc'ed patch filled in by the init function (kpatch's patch hook, klp-build's
// init.c), or klp_enable_patch() of a local pointer. What the code assigns is read where it
// can be (`patch->replace = true`, `patch.objs = objs`); the checks that need the static
// tables cannot run, and one note per module says which, instead of silence.
import type { ModuleModel, Value } from '../model';
import { Reporter } from './context';

const show = (v: Value) => (v.kind === 'bool' && v.text.trim() !== String(v.value) ? `${v.text.trim()} (${v.value})` : v.text.trim());

export function runtimeRules(m: ModuleModel, out: Reporter): void {
  if (!out.on('KLP082')) return;
  const defined = new Set(m.patches.filter((p) => !p.declarationOnly).map((p) => p.name));
  const built = m.patches.filter((p) => p.declarationOnly && p.enableCalls.length && !defined.has(p.name));
  const skipped = 'the checks of its fields (KLP001), of the non-cumulative patch (KLP020) and the series analysis of what it patches';
  const instead = 'Check the tables the code is generated from (kpatch-build or klp-build input), or write the patch as static tables to have them checked.';
  const p = built[0];
  if (p) {
    const fields = p.runtimeFields ?? [];
    const read: string[] = [];
    const replaces = [...new Set(p.replace.assignments.map((a) => show(a.value)))];
    if (replaces.length) read.push(`.replace = ${replaces.join(' or ')}${replaces.length > 1 ? ' (by branch or path)' : ''}`);
    for (const f of fields) read.push(`.${f.field} = ${show(f.value)}`);
    const objsKnown = p.objsRef && m.objArrays.some((a) => a.name === p.objsRef);
    out.add('KLP082', p.file, p.nameRange,
      `klp_patch '${p.name}' is filled in at run time by '${p.enableCalls[0].inFunction}'` +
      (read.length ? ` (read from the code: ${read.join(', ')})` : '') +
      `: ${objsKnown ? `its objects are the static array '${p.objsRef}', which is checked; ` : 'its objects and functions are built by code, so they are not known here; '}` +
      `${skipped} could not run. ${instead}`);
    return;
  }
  const e = m.runtimeEnables[0];
  if (e) {
    out.add('KLP082', e.file, e.range,
      `klp_enable_patch(${e.argText}) in '${e.inFunction}' enables a klp_patch built at run time (no static klp_patch of this module): its objects and functions are not known here, so the table checks (KLP001-KLP006), the non-cumulative check (KLP020) and the series analysis of what it patches could not run. ${instead}`);
  }
}
