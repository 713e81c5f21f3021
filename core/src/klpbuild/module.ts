// The livepatch module klp-build makes of a source patch, as the ModuleModel every other
// part of KLP Studio reads (series analysis, simulator, timeline): `livepatch-<name>`, one
// klp_object per object the patch changes (NULL name for vmlinux), one klp_func per changed
// function (klp-build's new functions ride along in the module and are not klp_funcs), the
// KLP_*_CALLBACK callbacks of each object, `replace = true` unless --no-replace, and no
// states (scripts/livepatch/init.c builds the klp_patch without any). Locations point at
// the `.patch` lines. Pure.
import type { CFunction, KlpArray, KlpFunc, KlpObject, KlpPatch, ModuleModel, Range } from '../model';
import type { CallbackKind } from '../model';
import { klpBuildModuleName, patchRange, type PatchAnalysis } from './analyze';

const lineRange = (line: number, len = 0): Range => ({ start: { line: Math.max(0, line), character: 0 }, end: { line: Math.max(0, line), character: len } });

export interface PatchModuleOptions {
  /** Module name (klp-build's `-o`); default `livepatch-<patch name>`. */
  name?: string;
  /** `--no-replace` gives false; klp-build's default is true. */
  replace?: boolean;
}

/** The livepatch module klp-build would build from A. */
export function patchModuleModel(a: PatchAnalysis, options: PatchModuleOptions = {}): ModuleModel {
  const file = a.patch;
  const name = (options.name ?? klpBuildModuleName(a.patch)).replace(/-/g, '_');
  const replace = options.replace ?? true;
  const lines = a.text.split('\n');
  const lr = (l: number) => lineRange(l, (lines[l] ?? '').replace(/\r$/, '').length);
  const first = lr(0);

  const functions: Record<string, CFunction> = {};
  const byObject = new Map<string, { funcs: KlpFunc[]; callbacks: Partial<Record<CallbackKind, { fn: string; line: number }>>; line: number }>();
  const objectOf = (o: string, line: number) => {
    let e = byObject.get(o);
    if (!e) byObject.set(o, (e = { funcs: [], callbacks: {}, line }));
    return e;
  };
  for (const f of a.functions) {
    if (f.status === 'removed' || f.object === undefined) continue;
    const pf = a.files.find((x) => x.diff.path === f.file);
    const at = (r: Range) => (pf?.applied ? patchRange(pf.applied, r, f.patchLine) : lr(f.patchLine));
    const src = f.after;
    const loc = lr(f.patchLine);
    if (src) {
      functions[f.name] = {
        ...src,
        file,
        range: loc,
        nameRange: loc,
        bodyRange: undefined,
        calls: src.calls.map((c) => ({ ...c, range: at(c.range), argRanges: c.argRanges.map(at) })),
        returns: src.returns.map((r) => ({ ...r, range: at(r.range) })),
        globalWrites: src.globalWrites.map((g) => ({ ...g, range: at(g.range) })),
        staticLocals: src.staticLocals.map((s) => ({ ...s, range: at(s.range) })),
        bodyFingerprint: f.fingerprint,
      };
    }
    if (f.status !== 'changed') continue;
    const entry: KlpFunc = { file, range: loc, oldName: f.name, oldNameRange: loc, newFunc: f.name, newFuncRange: loc, oldSympos: 0, fields: [] };
    objectOf(f.object, f.patchLine).funcs.push(entry);
  }
  for (const c of a.callbacks) {
    const e = objectOf(c.object, c.patchLine);
    if (!e.callbacks[c.kind]) e.callbacks[c.kind] = { fn: c.fn, line: c.patchLine };
  }

  const funcArrays: KlpArray<KlpFunc>[] = [];
  const entries: KlpObject[] = [];
  // vmlinux first, then modules by name: the order init.c's objects come in does not matter to the kernel.
  const names = [...byObject.keys()].sort((x, y) => (x === 'vmlinux' ? -1 : y === 'vmlinux' ? 1 : x < y ? -1 : x > y ? 1 : 0));
  for (const o of names) {
    const e = byObject.get(o)!;
    const funcsName = `funcs_${o}`;
    funcArrays.push({ kind: 'funcs', name: funcsName, nameRange: lr(e.line), entries: e.funcs, terminated: true, closeBraceRange: lr(e.line), file, range: lr(e.line) });
    const refs: KlpObject['callbacks'] = { ranges: {} };
    for (const [k, v] of Object.entries(e.callbacks) as [CallbackKind, { fn: string; line: number }][]) {
      refs[k] = v.fn;
      refs.ranges[k] = lr(v.line);
    }
    entries.push({ file, range: lr(e.line), name: o === 'vmlinux' ? null : o, funcsRef: funcsName, callbacks: refs, fields: [] });
  }
  const objArrays: KlpArray<KlpObject>[] = [{ kind: 'objs', name: 'objs', nameRange: first, entries, terminated: true, closeBraceRange: first, file, range: first }];
  const replaceText = replace ? 'true' : 'false';
  const patch: KlpPatch = {
    file, range: first, name: 'patch', nameRange: first, declarationOnly: false,
    mod: { kind: 'ident', name: 'THIS_MODULE', text: 'THIS_MODULE' },
    objsRef: 'objs',
    replace: { initial: { field: 'replace', value: { kind: 'bool', value: replace, text: replaceText }, range: first, valueRange: first }, assignments: [] },
    fields: [],
    enableCalls: [{ range: first, inFunction: 'livepatch_init', resultReturned: true }],
  };
  return {
    name,
    files: [file],
    patches: [patch],
    funcArrays,
    objArrays,
    stateArrays: [],
    functions,
    macros: {},
    params: [],
    shadowCalls: a.shadowCalls,
    stateCalls: [],
    includes: [],
    moduleInfo: [{ file, range: first, args: ['livepatch', '"Y"'] }],
    license: { file, range: first, args: ['"GPL"'] },
    globals: {},
    isLivepatch: true,
    apiLevel: 'upstream',
    syntaxErrors: [],
    unreadable: [],
    // init.c's klp_enable_patch() is modelled by the patch above, not as a run-time enable.
    runtimeEnables: [],
  };
}
