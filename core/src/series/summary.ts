// What one livepatch module brings to a series, read from its ModuleModel: the functions
// it patches (with a fingerprint of each replacement's body), its states, its callbacks and
// what they do (allocations, frees, shadow frees, global writes, found from the model's
// CFunction facts), its shadow variable calls, and whether it replaces (`.replace`).
// Pure; used by analyze.ts.
import type { CallbackKind, CFunction, Location, ModuleModel, Range, ShadowOp, Value } from '../model';
import { CALLBACK_KINDS, findArray, mainPatch } from '../model';
import { copyString, LineIndex } from '../text';

export interface PatchedFunc {
  /** `vmlinux` or the target module's name. */
  object: string;
  oldName: string;
  /** The name could not be evaluated (a macro): `oldName` is its source text. */
  unresolved?: boolean;
  sympos: number;
  newFunc?: string;
  /** The replacement's body with comments and white space removed (undefined: not found). */
  fingerprint?: string;
  /** The klp_func entry. */
  loc: Location;
}

export interface PatchState {
  id: number;
  idText: string;
  version: number;
  loc: Location;
}

export type EffectKind = 'alloc' | 'free' | 'shadow-free' | 'global-write';

/** Something a callback does that outlives it. */
export interface Effect {
  kind: EffectKind;
  /** Source text, e.g. `kfree(state->data)`, `klp_shadow_free_all(SV_X)`, `console_loglevel = ...`. */
  text: string;
  /** What it is about: the freed argument, the shadow id, the global's name, the allocator. */
  key: string;
  loc: Location;
  /** The C function the effect is written in, when it is a helper the callback calls. */
  via?: string;
}

export interface CallbackUse {
  object: string;
  kind: CallbackKind;
  fn: string;
  /** The C function's definition (or the `.callbacks` entry when the function is not found). */
  loc: Location;
  effects: Effect[];
}

export interface ShadowUse {
  id: number;
  idText: string;
  op: ShadowOp;
  sizeText?: string;
  inFunction?: string;
  loc: Location;
}

export interface PatchSummary {
  module: string;
  model: ModuleModel;
  /** Where `struct klp_patch NAME = {...}` is written (the module's main file otherwise). */
  loc: Location;
  /** Where a missing state would go: the `.states` field, else the patch definition. */
  statesLoc: Location;
  replace: boolean;
  /** How `.replace` was found: 'initializer' | 'assignment' | 'parameter default' | 'absent' | 'unknown'. */
  replaceHow: string;
  funcs: PatchedFunc[];
  states: PatchState[];
  /** The states array (for fixes that add an entry). */
  statesArray?: { closeBraceRange: Range; file: string; terminatorRange?: Range };
  callbacks: CallbackUse[];
  shadows: ShadowUse[];
  /** Every free / shadow free / global write anywhere in the module (what "takes over" means). */
  allEffects: Effect[];
}

const ALLOC = /^(kmalloc|kzalloc|kcalloc|kmalloc_array|kvmalloc|kvzalloc|kvcalloc|kvmalloc_array|vmalloc|vzalloc|kmemdup|kstrdup|kstrndup|kmem_cache_alloc|kmem_cache_zalloc|alloc_percpu|__alloc_percpu|__get_free_pages|get_zeroed_page|alloc_pages|devm_kzalloc|devm_kmalloc)$/;
const FREE = /^(kfree|kvfree|vfree|kfree_rcu|kvfree_rcu|kfree_sensitive|kzfree|kmem_cache_free|free_percpu|free_pages|free_page|__free_pages)$/;

/** Comments removed, white space collapsed: two bodies that differ only in layout are equal. */
export function fingerprintText(body: string): string {
  // The bodies of a series repeat from patch to patch (cumulative patches carry them on).
  let fp = fingerprints.get(body);
  if (fp === undefined) {
    fp = normalizeBody(body);
    if (fingerprintChars + body.length > FINGERPRINT_CHARS_KEPT) {
      fingerprints.clear();
      fingerprintChars = 0;
    }
    fingerprints.set(copyString(body), fp); // (a slice would keep the file text alive)
    fingerprintChars += body.length;
  }
  return fp;
}

/** Fingerprints of recent bodies, bounded by the characters of the bodies (cleared when full). */
const fingerprints = new Map<string, string>();
let fingerprintChars = 0;
const FINGERPRINT_CHARS_KEPT = 2_000_000;

function normalizeBody(body: string): string {
  return body
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{}();,=*&|<>+\-![\]]) ?/g, '$1')
    .trim();
}

function valueAsBool(v: Value, m: ModuleModel): { value: boolean; how?: string } | undefined {
  switch (v.kind) {
    case 'bool': return { value: v.value };
    case 'number': return { value: v.value !== 0 };
    case 'null': return { value: false };
    case 'param': {
      const p = m.params.find((x) => x.name === v.name);
      const init = p?.initial ? valueAsBool(p.initial, m) : { value: false };
      return init ? { value: init.value, how: `parameter default (${v.name}=${init.value ? 'Y' : 'N'}; insmod ${v.name}=... changes it)` } : undefined;
    }
    case 'ident':
      if (v.name === 'true') return { value: true };
      if (v.name === 'false') return { value: false };
      return undefined;
    default: return undefined;
  }
}

function objectName(name: string | null): string {
  return name ?? 'vmlinux';
}

/** Free/alloc/shadow-free/global-write effects of FN and of the module's functions it calls. */
export function effectsOf(fnName: string, m: ModuleModel, depth = 4): Effect[] {
  const out: Effect[] = [];
  const seen = new Set<string>();
  const visit = (name: string, level: number, via?: string) => {
    if (seen.has(name) || level > depth) return;
    seen.add(name);
    const fn: CFunction | undefined = m.functions[name];
    if (!fn || fn.isPrototype) return;
    for (const c of fn.calls) {
      const text = `${c.callee}(${c.args.join(', ')})`;
      const loc = { file: fn.file, range: c.range };
      if (ALLOC.test(c.callee)) out.push({ kind: 'alloc', text, key: c.callee, loc, via });
      else if (FREE.test(c.callee)) out.push({ kind: 'free', text, key: normArg(c.args[0] ?? ''), loc, via });
      else if (m.functions[c.callee] && !m.functions[c.callee].isPrototype) visit(c.callee, level + 1, via ?? c.callee);
    }
    for (const s of m.shadowCalls) {
      if (s.inFunction !== name || (s.op !== 'free' && s.op !== 'free_all')) continue;
      out.push({ kind: 'shadow-free', text: `klp_shadow_${s.op}(${s.idText})`, key: shadowKey(s.id, s.idText), loc: { file: s.file, range: s.range }, via });
    }
    for (const g of fn.globalWrites) {
      out.push({ kind: 'global-write', text: `${g.name} = ...`, key: g.name, loc: { file: fn.file, range: g.range }, via });
    }
  };
  visit(fnName, 0);
  return out;
}

export function shadowKey(id: number | undefined, idText: string): string {
  return id !== undefined ? `#${id}` : idText.replace(/\s+/g, '');
}

function normArg(a: string): string {
  return a.replace(/\s+/g, '').replace(/^\((.*)\)$/, '$1');
}

/**
 * The summary of a livepatch module. READTEXT gives file texts (for body fingerprints);
 * LINESOF, when given, their line indexes (a caller that has them saves rebuilding one).
 */
export function summarizePatch(m: ModuleModel, readText?: (file: string) => string | undefined, linesOf?: (file: string) => LineIndex | undefined): PatchSummary {
  const p = mainPatch(m);
  const mainFile = m.files[0] ?? m.name;
  const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const loc: Location = p ? { file: p.file, range: p.nameRange } : { file: mainFile, range: zero };
  const statesField = p?.fields.find((f) => f.field === 'states');
  const statesLoc: Location = statesField && p ? { file: p.file, range: statesField.range } : loc;

  let replace = false;
  let replaceHow = 'absent';
  if (p) {
    const last = p.replace.assignments[p.replace.assignments.length - 1];
    const v = last?.value ?? p.replace.initial?.value;
    if (v) {
      const b = valueAsBool(v, m);
      if (b) { replace = b.value; replaceHow = b.how ?? (last ? 'assignment' : 'initializer'); }
      else replaceHow = `unknown (${v.text})`;
    }
  }

  const texts = new Map<string, LineIndex | undefined>();
  const bodyOf = (fn: CFunction | undefined): string | undefined => {
    if (fn?.bodyFingerprint !== undefined) return fn.bodyFingerprint; // rebuilt from a source patch (../klpbuild)
    if (!fn?.bodyRange || !(readText || linesOf)) return undefined;
    if (!texts.has(fn.file)) {
      let li = linesOf?.(fn.file);
      if (!li) { const t = readText?.(fn.file); li = t === undefined ? undefined : new LineIndex(t); }
      texts.set(fn.file, li);
    }
    const li = texts.get(fn.file);
    if (!li) return undefined;
    return fingerprintText(li.text.slice(li.offsetAt(fn.bodyRange.start), li.offsetAt(fn.bodyRange.end)));
  };

  const funcs: PatchedFunc[] = [];
  const callbacks: CallbackUse[] = [];
  const objs = p ? findArray(m.objArrays, p.objsRef) : undefined;
  for (const o of objs?.entries ?? []) {
    const object = objectName(o.name);
    for (const f of findArray(m.funcArrays, o.funcsRef)?.entries ?? []) {
      if (!f.oldName) continue;
      const fn = f.newFunc ? m.functions[f.newFunc] : undefined;
      const { oldName, oldSympos: sympos, newFunc } = f;
      const fingerprint = bodyOf(fn);
      const loc = { file: f.file, range: f.range };
      // Two literals, not a spread of an optional field: spreads are slow to build in V8.
      funcs.push(f.oldNameUnresolved ? { object, oldName, unresolved: true, sympos, newFunc, fingerprint, loc } : { object, oldName, sympos, newFunc, fingerprint, loc });
    }
    for (const kind of CALLBACK_KINDS) {
      const fnName = o.callbacks[kind];
      if (!fnName) continue;
      const fn = m.functions[fnName];
      const where = fn && !fn.isPrototype ? { file: fn.file, range: fn.nameRange } : { file: o.file, range: o.callbacks.ranges[kind] ?? o.range };
      callbacks.push({ object, kind, fn: fnName, loc: where, effects: effectsOf(fnName, m) });
    }
  }

  const states: PatchState[] = [];
  const statesArr = p ? findArray(m.stateArrays, p.statesRef) : undefined;
  for (const s of statesArr?.entries ?? []) {
    if (s.id === undefined || s.id === 0) continue;
    if (states.some((x) => x.id === s.id)) continue; // klp_get_state() finds the first only
    states.push({ id: s.id, idText: s.idText ?? String(s.id), version: s.version, loc: { file: s.file, range: s.range } });
  }

  const shadows: ShadowUse[] = m.shadowCalls
    .filter((s) => s.id !== undefined || s.idText)
    .map((s) => ({ id: s.id ?? NaN, idText: s.idText, op: s.op, sizeText: s.sizeText, inFunction: s.inFunction, loc: { file: s.file, range: s.range } }));

  // Every function of the module, once per module, mostly before this code is optimised:
  // indexed loops (for-of makes an iterator and a result per item there).
  const allEffects: Effect[] = [];
  const fns = Object.values(m.functions);
  for (let i = 0; i < fns.length; i++) {
    const fn = fns[i];
    if (fn.isPrototype) continue;
    for (let k = 0; k < fn.calls.length; k++) {
      const c = fn.calls[k];
      if (FREE.test(c.callee)) allEffects.push({ kind: 'free', text: `${c.callee}(${c.args.join(', ')})`, key: normArg(c.args[0] ?? ''), loc: { file: fn.file, range: c.range } });
      else if (ALLOC.test(c.callee)) allEffects.push({ kind: 'alloc', text: `${c.callee}(${c.args.join(', ')})`, key: c.callee, loc: { file: fn.file, range: c.range } });
    }
    for (let k = 0; k < fn.globalWrites.length; k++) {
      const g = fn.globalWrites[k];
      allEffects.push({ kind: 'global-write', text: `${g.name} = ...`, key: g.name, loc: { file: fn.file, range: g.range } });
    }
  }
  for (const s of m.shadowCalls) {
    if (s.op === 'free' || s.op === 'free_all') allEffects.push({ kind: 'shadow-free', text: `klp_shadow_${s.op}(${s.idText})`, key: shadowKey(s.id, s.idText), loc: { file: s.file, range: s.range } });
  }

  return {
    module: m.name, model: m, loc, statesLoc, replace, replaceHow, funcs, states,
    statesArray: statesArr ? { file: statesArr.file, closeBraceRange: statesArr.closeBraceRange, terminatorRange: statesArr.terminatorRange } : undefined,
    callbacks, shadows, allEffects,
  };
}
