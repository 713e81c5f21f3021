// Adapter from the extractor's ModuleModel to the simulator's compact module spec: the
// patch (objects, funcs, callbacks with their return bindings, states, the `replace`
// binding) and the module parameters. The simulator never reads C; everything it knows
// about a module comes through this spec (tests and the benchmark build specs directly).
import type { FieldInit, KlpCallbackRefs, ModuleModel, Range, Value } from '../model';
import { findArray, mainPatch } from '../model';
import type { CallbackName, SourceRef } from './events';

/** How a run-time value is obtained: a constant, or a module parameter read when needed. */
export type ValueBinding =
  | { kind: 'const'; value: number }
  | { kind: 'param'; name: string }
  /** Not evaluated by the extractor: treated as 0 / false (noted in the events). */
  | { kind: 'unknown'; text: string };

export interface SimCallbackSpec {
  /** C function name printed in the callback line. */
  cFunction: string;
  /** What it returns (pre_patch only matters). */
  returns: ValueBinding;
  sources?: SourceRef[];
}

export interface SimFuncSpec {
  /** undefined when `.old_name` is absent (klp_init_func: -EINVAL). */
  oldName?: string;
  /** C name of `.new_func`; undefined when absent (-EINVAL). */
  newFunc?: string;
  /** True when `.new_func` is written but not as a plain name (still non-NULL). */
  hasNewFunc: boolean;
  sympos: number;
  sources?: SourceRef[];
}

export interface SimObjectSpec {
  /** null = vmlinux. */
  name: string | null;
  /** null when `.funcs` is absent (klp_enable_patch: -EINVAL). */
  funcs: SimFuncSpec[] | null;
  callbacks: Partial<Record<CallbackName, SimCallbackSpec>>;
  sources?: SourceRef[];
}

export interface SimStateSpec {
  id: number;
  version: number;
  sources?: SourceRef[];
  /** Proposed API (§12, see ./stateCallbacks.ts): per-state callbacks and flags. */
  callbacks?: Partial<Record<CallbackName, SimCallbackSpec>>;
  shadowDtor?: string;
  isShadow?: boolean;
  blockDisable?: boolean;
}

export interface SimPatchSpec {
  /** False when `.mod` or `.objs` is missing (klp_enable_patch: -EINVAL, no message). */
  valid: boolean;
  objs: SimObjectSpec[];
  states: SimStateSpec[];
  /** Value of `.replace` when klp_enable_patch() runs. */
  replace: ValueBinding;
  /** Shadow variable ids the module's code uses (static facts, for the timeline). */
  shadow: { alloc: number[]; free: number[]; get: number[] };
  sources?: SourceRef[];
}

export interface SimParamSpec {
  name: string;
  /** C type given to module_param (int, uint, bool, charp ...). */
  type: string;
  /** Initial value as the sysfs file would show it. */
  initial: string;
  /** The sysfs file exists (perm != 0) / is writable. */
  readable: boolean;
  writable: boolean;
  sources?: SourceRef[];
}

export interface SimModuleSpec {
  name: string;
  /** Has sources. A module without sources is a plain target module with unknown parameters. */
  hasSources: boolean;
  /** The klp_patch passed to klp_enable_patch() in init; undefined for a plain module. */
  patch?: SimPatchSpec;
  /** MODULE_INFO(livepatch, "Y"). */
  livepatchMarker: boolean;
  params: SimParamSpec[];
  /** Notes about what could not be understood (unknown bindings ...). */
  notes: string[];
  /** The API level the sources use (ModuleModel.apiLevel); undefined = upstream. */
  apiLevel?: 'upstream' | 'state-callbacks';
}

/** A plain target module without sources. */
export function plainModuleSpec(name: string): SimModuleSpec {
  return { name, hasSources: false, livepatchMarker: false, params: [], notes: [] };
}

const ref = (role: SourceRef['role'], file: string, range: Range | undefined): SourceRef[] => (range ? [{ role, file, range }] : []);

function bindingOf(v: Value | undefined, params: Set<string>): ValueBinding {
  if (!v) return { kind: 'const', value: 0 };
  switch (v.kind) {
    case 'number': return { kind: 'const', value: v.value };
    case 'bool': return { kind: 'const', value: v.value ? 1 : 0 };
    case 'null': return { kind: 'const', value: 0 };
    case 'param': return { kind: 'param', name: v.name };
    case 'ident': return params.has(v.name) ? { kind: 'param', name: v.name } : { kind: 'unknown', text: v.text };
    default: return { kind: 'unknown', text: v.text };
  }
}

/** Initial text of a parameter as sysfs shows it (bool: Y/N; numbers: decimal; charp: text or (null)). */
function paramInitial(type: string, v: Value | undefined): string {
  const t = type.trim();
  if (t === 'bool' || t === 'invbool') {
    const on = v ? (v.kind === 'bool' ? v.value : v.kind === 'number' ? v.value !== 0 : false) : false;
    return (t === 'invbool' ? !on : on) ? 'Y' : 'N';
  }
  if (t === 'charp') return v?.kind === 'string' ? v.value : '(null)';
  if (v?.kind === 'number') return String(v.value);
  if (v?.kind === 'bool') return v.value ? '1' : '0';
  return '0';
}

/** Decodes a module_param perm: octal literal or S_I* macros. */
export function permBits(perm: string): number {
  const p = perm.trim();
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^\d+$/.test(p)) return parseInt(p, 10);
  const bits: Record<string, number> = {
    S_IRUSR: 0o400, S_IWUSR: 0o200, S_IXUSR: 0o100, S_IRGRP: 0o40, S_IWGRP: 0o20, S_IROTH: 0o4, S_IWOTH: 0o2,
    S_IRUGO: 0o444, S_IWUGO: 0o222, S_IRWXU: 0o700, S_IRWXUGO: 0o777,
  };
  let n = 0;
  for (const tok of p.split(/[|\s()]+/).filter(Boolean)) {
    if (bits[tok] !== undefined) n |= bits[tok];
    else if (/^0[0-7]*$/.test(tok)) n |= parseInt(tok, 8);
  }
  return n;
}

/** Builds the simulator's spec of one module from its extracted model. */
export function specFromModel(m: ModuleModel): SimModuleSpec {
  const notes: string[] = [];
  const paramNames = new Set(m.params.map((p) => p.name));
  const params: SimParamSpec[] = m.params.map((p) => {
    const bits = permBits(p.perm);
    return {
      name: p.name, type: p.type, initial: paramInitial(p.type, p.initial),
      readable: bits !== 0, writable: (bits & 0o222) !== 0, sources: ref('param', p.file, p.range),
    };
  });
  const livepatchMarker = m.moduleInfo.some((u) => u.args.length >= 2 && u.args[0].trim() === 'livepatch' && /^"?Y"?$/.test(u.args[1].trim()));
  const spec: SimModuleSpec = { name: m.name, hasSources: true, livepatchMarker, params, notes, ...(m.apiLevel === 'state-callbacks' ? { apiLevel: m.apiLevel } : {}) };
  if (!m.isLivepatch) return spec;
  const p = mainPatch(m);
  if (!p) return spec;

  const cb = (refs: KlpCallbackRefs, file: string): SimObjectSpec['callbacks'] => {
    const out: SimObjectSpec['callbacks'] = {};
    for (const k of ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch'] as const) {
      const name = refs[k];
      if (!name) continue;
      const fn = m.functions[name];
      const returns = k === 'pre_patch' ? bindingOf(fn?.finalReturn, paramNames) : { kind: 'const' as const, value: 0 };
      if (k === 'pre_patch' && returns.kind === 'unknown') notes.push(`${name}() returns '${returns.text}', which is not evaluated: taken as 0`);
      out[k] = { cFunction: name, returns, sources: [...ref('callback', file, refs.ranges[k]), ...(fn ? ref('callback', fn.file, fn.nameRange) : [])] };
    }
    return out;
  };

  const objArr = findArray(m.objArrays, p.objsRef);
  if (p.objsRef && !objArr) notes.push(`klp_object array '${p.objsRef}' not found in the sources`);
  const objs: SimObjectSpec[] = (objArr?.entries ?? []).map((o) => {
    const fa = findArray(m.funcArrays, o.funcsRef);
    if (o.funcsRef && !fa) notes.push(`klp_func array '${o.funcsRef}' not found in the sources`);
    const funcs: SimFuncSpec[] | null = !o.funcsRef ? null : (fa?.entries ?? []).map((f) => {
      const fn = f.newFunc ? m.functions[f.newFunc] : undefined;
      return {
        oldName: f.oldName, newFunc: f.newFunc, hasNewFunc: f.newFunc !== undefined || f.fields.some((x) => x.field === 'new_func' && x.value.kind !== 'null'),
        sympos: f.oldSympos,
        sources: [...ref('func', f.file, f.range), ...(fn ? ref('new_func', fn.file, fn.nameRange) : [])],
      };
    });
    return { name: o.name, funcs, callbacks: cb(o.callbacks, o.file), sources: ref('object', o.file, o.range) };
  });
  const stArr = findArray(m.stateArrays, p.statesRef);
  const states: SimStateSpec[] = [];
  for (const s of stArr?.entries ?? []) {
    if (s.id === undefined) { notes.push(`klp_state id '${s.idText ?? '?'}' is not evaluated: state left out`); continue; }
    if (s.id === 0) break; // id 0 ends the array for the kernel
    const st: SimStateSpec = { id: s.id, version: s.version, sources: ref('state', s.file, s.range) };
    if (s.callbacks.range || s.isShadow !== undefined || s.blockDisable !== undefined) {
      st.callbacks = cb(s.callbacks, s.file);
      if (s.callbacks.shadow_dtor) st.shadowDtor = s.callbacks.shadow_dtor;
      if (s.isShadow) st.isShadow = true;
      if (s.blockDisable) st.blockDisable = true;
    }
    states.push(st);
  }
  // `.replace`: the last assignment before klp_enable_patch() in init, else the initializer.
  let replaceValue: Value | undefined = p.replace.initial?.value;
  let replaceRange: FieldInit['range'] | undefined = p.replace.initial?.range;
  let replaceFile = p.file;
  const enableFn = p.enableCalls[0]?.inFunction;
  for (const a of p.replace.assignments) {
    if (enableFn && a.inFunction !== enableFn) continue;
    if (p.enableCalls[0] && comparePos(a.range.start, p.enableCalls[0].range.start) > 0) continue;
    replaceValue = a.value;
    replaceRange = a.range;
    replaceFile = m.functions[a.inFunction]?.file ?? p.file;
  }
  const replace = bindingOf(replaceValue, paramNames);
  if (replace.kind === 'unknown') notes.push(`.replace = '${replace.text}' is not evaluated: taken as false`);
  const ids = (op: string[]) => [...new Set(m.shadowCalls.filter((c) => op.includes(c.op) && c.id !== undefined).map((c) => c.id!))].sort((a, b) => a - b);
  spec.patch = {
    valid: p.mod !== undefined && p.mod.kind !== 'null' && p.objsRef !== undefined,
    objs, states, replace,
    shadow: { alloc: ids(['alloc', 'get_or_alloc']), free: ids(['free', 'free_all']), get: ids(['get']) },
    sources: [...ref('patch', p.file, p.range), ...ref('replace', replaceFile, replaceRange)],
  };
  return spec;
}

function comparePos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}
