// What the cursor is on, in livepatch terms: a field of a klp_* initializer, an old_name,
// a new_func or callback name, a state or shadow id, or a plain identifier. Hover,
// definition and references all start here; it reads the model only (no tree walks).
import type {
  CallbackKind, FieldInit, KlpCallbackRefs, KlpFunc, KlpObject, KlpPatch, KlpState, ModuleModel, Position, Range, ShadowCall, StateCall,
} from '../../core/src/model';
import { findArray } from '../../core/src/model';
import { rangeContains } from '../../core/src/text';

export type StructName = 'klp_patch' | 'klp_object' | 'klp_func' | 'klp_state' | 'klp_callbacks';
export type CallbackSlot = CallbackKind | 'shadow_dtor';

export type Target =
  | { kind: 'old_name'; func: KlpFunc; object?: KlpObject }
  | { kind: 'new_func'; func: KlpFunc; name: string }
  | { kind: 'callback'; slot: CallbackSlot; name?: string; object?: KlpObject; state?: KlpState; range: Range }
  | { kind: 'state-id'; state: KlpState }
  | { kind: 'shadow-id'; call: ShadowCall }
  | { kind: 'state-call-id'; call: StateCall }
  | { kind: 'field'; struct: StructName; field: string; init: FieldInit; owner: KlpPatch | KlpObject | KlpFunc | KlpState }
  | { kind: 'patch'; patch: KlpPatch };

const CALLBACK_SLOTS: CallbackSlot[] = ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch', 'shadow_dtor'];

function inRange(r: Range | undefined, p: Position): r is Range {
  return !!r && rangeContains(r, p);
}

/** The object whose `.funcs` names the array holding FUNC. */
export function objectOfFunc(model: ModuleModel, func: KlpFunc): KlpObject | undefined {
  const array = model.funcArrays.find((a) => a.entries.includes(func));
  if (!array) return undefined;
  for (const a of model.objArrays) for (const o of a.entries) if (o.funcsRef === array.name) return o;
  return undefined;
}

function callbackAt(refs: KlpCallbackRefs, pos: Position, word: string | undefined): { slot: CallbackSlot; range: Range; name?: string } | undefined {
  for (const slot of CALLBACK_SLOTS) {
    const r = refs.ranges[slot];
    if (inRange(r, pos)) return { slot, range: r, name: refs[slot] };
  }
  // On the `.pre_patch` designator itself.
  if (refs.range && inRange(refs.range, pos) && word && (CALLBACK_SLOTS as string[]).includes(word)) {
    const slot = word as CallbackSlot;
    return { slot, range: refs.ranges[slot] ?? refs.range, name: refs[slot] };
  }
  return undefined;
}

/** What is at POS in FILE of MODEL (most specific first). WORD is the identifier under the cursor. */
export function targetAt(model: ModuleModel, file: string, pos: Position, word?: string): Target | undefined {
  for (const a of model.funcArrays) {
    if (a.file !== file || !inRange(a.range, pos)) continue;
    for (const f of a.entries) {
      if (inRange(f.oldNameRange, pos)) return { kind: 'old_name', func: f, object: objectOfFunc(model, f) };
      if (f.newFunc && inRange(f.newFuncRange, pos)) return { kind: 'new_func', func: f, name: f.newFunc };
      const init = f.fields.find((x) => inRange(x.range, pos));
      if (init) return { kind: 'field', struct: 'klp_func', field: init.field, init, owner: f };
    }
  }
  for (const a of model.objArrays) {
    if (a.file !== file || !inRange(a.range, pos)) continue;
    for (const o of a.entries) {
      const cb = callbackAt(o.callbacks, pos, word);
      if (cb) return { kind: 'callback', slot: cb.slot, name: cb.name, object: o, range: cb.range };
      const init = o.fields.find((x) => inRange(x.range, pos));
      if (init) return { kind: 'field', struct: 'klp_object', field: init.field, init, owner: o };
    }
  }
  for (const a of model.stateArrays) {
    if (a.file !== file || !inRange(a.range, pos)) continue;
    for (const s of a.entries) {
      if (inRange(s.idRange, pos)) return { kind: 'state-id', state: s };
      const cb = callbackAt(s.callbacks, pos, word);
      if (cb) return { kind: 'callback', slot: cb.slot, name: cb.name, state: s, range: cb.range };
      const init = s.fields.find((x) => inRange(x.range, pos));
      if (init) return { kind: 'field', struct: 'klp_state', field: init.field, init, owner: s };
    }
  }
  for (const p of model.patches) {
    if (p.file !== file) continue;
    if (inRange(p.nameRange, pos)) return { kind: 'patch', patch: p };
    const init = p.fields.find((x) => inRange(x.range, pos));
    if (init) return { kind: 'field', struct: 'klp_patch', field: init.field, init, owner: p };
  }
  for (const c of model.shadowCalls) if (c.file === file && inRange(c.idRange, pos)) return { kind: 'shadow-id', call: c };
  for (const c of model.stateCalls) if (c.file === file && inRange(c.idRange, pos)) return { kind: 'state-call-id', call: c };
  return undefined;
}

/** The patch whose objects include OBJECT (or the first patch). */
export function patchOfObject(model: ModuleModel, object: KlpObject | undefined): KlpPatch | undefined {
  if (object) {
    const array = model.objArrays.find((a) => a.entries.includes(object));
    const p = array && model.patches.find((x) => !x.declarationOnly && x.objsRef === array.name);
    if (p) return p;
  }
  return model.patches.find((p) => !p.declarationOnly);
}

/** The (object, old_name, sympos) keys a module patches, with the entry. */
export function patchedFunctions(model: ModuleModel): { object: string; name: string; sympos: number; func: KlpFunc }[] {
  const out: { object: string; name: string; sympos: number; func: KlpFunc }[] = [];
  for (const p of model.patches) {
    if (p.declarationOnly) continue;
    for (const o of findArray(model.objArrays, p.objsRef)?.entries ?? []) {
      for (const f of findArray(model.funcArrays, o.funcsRef)?.entries ?? []) {
        if (f.oldName) out.push({ object: o.name ?? 'vmlinux', name: f.oldName, sympos: f.oldSympos <= 1 ? 0 : f.oldSympos, func: f });
      }
    }
  }
  return out;
}

/** States a module's patches carry. */
export function carriedStates(model: ModuleModel): KlpState[] {
  const out: KlpState[] = [];
  for (const p of model.patches) {
    if (p.declarationOnly) continue;
    out.push(...(findArray(model.stateArrays, p.statesRef)?.entries ?? []));
  }
  return out;
}

/** Whether a module's patch replaces (`.replace = true`); undefined when only known at run time. */
export function replaces(model: ModuleModel): boolean | undefined {
  const p = model.patches.find((x) => !x.declarationOnly && x.enableCalls.length) ?? model.patches.find((x) => !x.declarationOnly);
  if (!p) return undefined;
  if (p.replace.assignments.length) {
    const v = p.replace.assignments[p.replace.assignments.length - 1].value;
    return v.kind === 'bool' ? v.value : v.kind === 'number' ? v.value !== 0 : undefined;
  }
  const v = p.replace.initial?.value;
  if (!v) return false;
  return v.kind === 'bool' ? v.value : v.kind === 'number' ? v.value !== 0 : undefined;
}
