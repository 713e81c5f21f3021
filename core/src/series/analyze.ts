// The per-step analysis of a series: what installing patch N does on a machine where the
// earlier patches were installed in order (and, for users who skip versions, on a machine
// that stopped at each earlier one; and the downgrade path, N-1 loaded over N).
// Functions: new / changed (re-patched) / kept (same implementation) / reverted-by-nop /
// stacked; states: introduced / carried / upgraded / dropped / downgraded / untouched, by
// the kernel's exact compatibility rule (semantics §7); callbacks of replaced patches that
// never run, and whether the new patch takes over what they do; shadow variable ids.
// Pure: models in, a SeriesReport out.
import type { CallbackKind, Location, ModuleModel } from '../model';
import type { SeriesSpec } from './seriesFile';
import type { LineIndex } from '../text';
import { Effect, PatchState, PatchSummary, shadowKey, summarizePatch } from './summary';
import { patchStates } from '../rules/stateApi';
import { funcKeys } from './funcIndex';

export type FunctionStep = 'new' | 'changed' | 'kept' | 'reverted-by-nop' | 'stacked';
export type StateStep = 'introduced' | 'carried' | 'upgraded' | 'dropped' | 'downgraded' | 'untouched';
export type ShadowStep = 'introduced' | 'carried' | 'freed' | 'leaked' | 'left-to-older';

export interface FunctionChange {
  /** `vmlinux` or a module name. */
  object: string;
  name: string;
  sympos: number;
  status: FunctionStep;
  /** The installed patch whose version this step re-patches, keeps, reverts or stacks on. */
  from?: string;
  /** The klp_func entry in the new patch (absent for a NOP revert). */
  loc?: Location;
  /** The klp_func entry in `from`. */
  prevLoc?: Location;
  /** False when a body could not be compared (then `changed` is assumed). */
  compared?: boolean;
}

export interface StateChange {
  id: number;
  idText: string;
  status: StateStep;
  /** Version in the new patch (absent: not carried). */
  version?: number;
  /** Highest version among the installed patches, and the patch that has it. */
  prevVersion?: number;
  prevModule?: string;
  /** The kernel's klp_is_state_compatible() for this id. */
  compatible: boolean;
  loc?: Location;
  prevLoc?: Location;
}

export interface LostEffect {
  effect: Effect;
  /** Where the new patch does the same thing (absent: it does not). */
  takenOverAt?: Location;
  /** Why the effect needs no taking over (e.g. a write to the old module's own variable). */
  moot?: string;
}

/** A pre_unpatch/post_unpatch callback of a replaced patch: it will never run. */
export interface LostCallback {
  module: string;
  object: string;
  kind: CallbackKind;
  fn: string;
  loc: Location;
  effects: LostEffect[];
}

export interface ShadowChange {
  /** Numeric id when known. */
  id?: number;
  idText: string;
  status: ShadowStep;
  /** Installed patches that allocate it. */
  allocatedBy: string[];
  /** Allocation sites in the installed patches. */
  prevAllocs: Location[];
  /** Allocation / free sites in the new patch. */
  allocs: Location[];
  frees: Location[];
  /** The id is freed (only) by callbacks of replaced patches that never run. */
  freedOnlyByLostCallbacks: boolean;
}

export type StepKind = 'install' | 'upgrade' | 'skip' | 'downgrade';

export interface StepAnalysis {
  kind: StepKind;
  /** The patch being installed. */
  patch: string;
  /** The patches installed before it, in stack order (bottom first). */
  over: string[];
  replace: boolean;
  /** Whether klp_enable_patch() passes the state compatibility check (semantics §7). */
  accepted: boolean;
  functions: FunctionChange[];
  states: StateChange[];
  lostCallbacks: LostCallback[];
  shadows: ShadowChange[];
}

export interface SeriesStep {
  /** 0-based position of the patch in the series. */
  index: number;
  patch: string;
  /** What the step installs over: the patches left by the steps before, in order. */
  main: StepAnalysis;
  /** The same patch installed where the machine stopped at an earlier version (version skipping). */
  skips: StepAnalysis[];
  /** The previous patch loaded over this one (rolling back). */
  downgrade?: StepAnalysis;
  /** Installed patches after this step (unchanged when the kernel refuses the patch). */
  installedAfter: string[];
}

export interface ShadowConflict {
  id: number;
  kind: 'size' | 'name';
  module: string;
  text: string;
  loc: Location;
  otherModule: string;
  otherText: string;
  otherLoc: Location;
}

export interface SeriesReport {
  /** The series name: its folder's base name. */
  name: string;
  dir: string;
  /** klp.series path; undefined when the order was inferred. */
  file?: string;
  inferred: boolean;
  /** The livepatch modules of the series, in series order. */
  patches: PatchSummary[];
  steps: SeriesStep[];
  shadowConflicts: ShadowConflict[];
  /** Problems with the series (bad lines, modules not found, not a livepatch). */
  problems: { file?: string; line?: number; range?: Location['range']; message: string }[];
}

function shadowKeyOf(id: number, idText: string): string {
  return shadowKey(Number.isNaN(id) ? undefined : id, idText);
}

function isAlloc(op: string): boolean {
  return op === 'alloc' || op === 'get_or_alloc';
}

type Best = Map<number, { s: PatchState; module: string }>;
/** The states when only P is installed (the common case: cumulative series). */
const bestCache = new WeakMap<PatchSummary, Best>();

/** The highest version of each state id among INSTALLED, and the patch that has it (the last one on a tie). */
function bestStates(installed: PatchSummary[]): Best {
  const cached = installed.length === 1 ? bestCache.get(installed[0]) : undefined;
  if (cached) return cached;
  const best: Best = new Map();
  for (const o of installed) {
    for (const s of o.states) {
      const b = best.get(s.id);
      if (!b || s.version >= b.s.version) best.set(s.id, { s, module: o.module });
    }
  }
  if (installed.length === 1) bestCache.set(installed[0], best);
  return best;
}

const usesStateCallbacks = (p: PatchSummary) => p.model.apiLevel === 'state-callbacks';
const usesShadows = (p: PatchSummary) => p.shadows.length > 0;
const moduleOf = (p: PatchSummary) => p.module;
const isCompatible = (s: StateChange) => s.compatible;
const byId = (a: StateChange, b: StateChange) => a.id - b.id;

/** Whether one of INSTALLED marks state ID block_disable (the proposed state-callbacks API). */
function blocksDisable(installed: PatchSummary[], id: number): boolean {
  return installed.some((o) => patchStates(o.model).some((s) => s.id === id && s.blockDisable));
}

function stateOf(p: PatchSummary, id: number): PatchState | undefined {
  for (let k = 0; k < p.states.length; k++) if (p.states[k].id === id) return p.states[k];
  return undefined;
}

// The functions below run once per step (n(n+1)/2 of them for n patches), the first time
// in code not yet optimised (the language server runs them once per index): their loops
// are indexed or forEach (for-of makes an iterator and a result per item there), their
// callbacks made once, and their results whole literals (V8 takes microseconds to make an
// object from a spread of another one plus fields).

/** The kernel's klp_is_state_compatible over every installed state (semantics §7). */
export function stateChanges(patch: PatchSummary, installed: PatchSummary[]): StateChange[] {
  const out: StateChange[] = [];
  const best = bestStates(installed);
  // Modules written for the proposed state-callbacks API (semantics §12) follow its rule:
  // versions play no part; a cumulative patch must carry the installed block_disable states.
  const proposal = usesStateCallbacks(patch) || installed.some(usesStateCallbacks);
  best.forEach(({ s: old, module }, id) => {
    const mine = stateOf(patch, id);
    const idText = mine?.idText ?? old.idText;
    if (!mine) {
      const status: StateStep = patch.replace ? 'dropped' : 'untouched';
      const compatible = proposal ? !(patch.replace && blocksDisable(installed, id)) : !patch.replace;
      out.push({ id, idText, prevVersion: old.version, prevModule: module, prevLoc: old.loc, status, compatible });
    } else {
      const status: StateStep = mine.version < old.version ? 'downgraded' : mine.version === old.version ? 'carried' : 'upgraded';
      const compatible = proposal || mine.version >= old.version;
      out.push({ id, idText, prevVersion: old.version, prevModule: module, prevLoc: old.loc, status, version: mine.version, compatible, loc: mine.loc });
    }
  });
  for (let k = 0; k < patch.states.length; k++) {
    const s = patch.states[k];
    if (!best.has(s.id)) out.push({ id: s.id, idText: s.idText, status: 'introduced', version: s.version, compatible: true, loc: s.loc });
  }
  return out.sort(byId);
}

type Top = Map<string, { p: PatchSummary; f: PatchSummary['funcs'][number] }>;
/** The patch on top of each function when only P is installed (the common case: cumulative series). */
const topCache = new WeakMap<PatchSummary, Top>();

/** The installed version of each function: the last of INSTALLED that patches it. */
function topOf(installed: PatchSummary[]): Top {
  const cached = installed.length === 1 ? topCache.get(installed[0]) : undefined;
  if (cached) return cached;
  const top: Top = new Map();
  for (const o of installed) {
    const keys = funcKeys(o);
    o.funcs.forEach((f, i) => top.set(keys[i], { p: o, f }));
  }
  if (installed.length === 1) topCache.set(installed[0], top);
  return top;
}

function functionChanges(patch: PatchSummary, installed: PatchSummary[]): FunctionChange[] {
  const top = topOf(installed);
  const keys = funcKeys(patch);
  const out: FunctionChange[] = [];
  const mine = new Set<string>();
  for (let i = 0; i < patch.funcs.length; i++) {
    const f = patch.funcs[i];
    const key = keys[i];
    if (mine.has(key)) continue;
    mine.add(key);
    const prev = top.get(key);
    if (!prev) { out.push({ object: f.object, name: f.oldName, sympos: f.sympos, loc: f.loc, status: 'new' }); continue; }
    const compared = f.fingerprint !== undefined && prev.f.fingerprint !== undefined;
    const status: FunctionStep = !patch.replace ? 'stacked' : compared && f.fingerprint === prev.f.fingerprint ? 'kept' : 'changed';
    out.push({ object: f.object, name: f.oldName, sympos: f.sympos, loc: f.loc, status, from: prev.p.module, prevLoc: prev.f.loc, compared });
  }
  if (patch.replace) {
    top.forEach((prev, key) => {
      if (!mine.has(key)) out.push({ object: prev.f.object, name: prev.f.oldName, sympos: prev.f.sympos, status: 'reverted-by-nop', from: prev.p.module, prevLoc: prev.f.loc });
    });
  }
  return out;
}

/** Whether the new patch does what a never-run callback effect would have done. */
function takenOver(e: Effect, patch: PatchSummary): Location | undefined {
  const same = patch.allEffects.find((x) => {
    if (x.kind !== e.kind) return false;
    if (x.key === e.key) return true;
    // State data is reached through different variables (`state->data`, `prev->data`).
    return e.kind === 'free' && /->data$/.test(e.key) && /->data$/.test(x.key);
  });
  return same?.loc;
}

function lostCallbacks(patch: PatchSummary, installed: PatchSummary[]): LostCallback[] {
  if (!patch.replace) return [];
  const out: LostCallback[] = [];
  for (let i = 0; i < installed.length; i++) {
    const r = installed[i];
    for (let k = 0; k < r.callbacks.length; k++) {
      const cb = r.callbacks[k];
      if (cb.kind !== 'pre_unpatch' && cb.kind !== 'post_unpatch') continue;
      const effects: LostEffect[] = cb.effects.map((effect) => {
        if (effect.kind === 'global-write' && r.model.globals[effect.key]) {
          return { effect, moot: `${effect.key} is ${r.module}'s own variable` };
        }
        return { effect, takenOverAt: takenOver(effect, patch) };
      });
      out.push({ module: r.module, object: cb.object, kind: cb.kind, fn: cb.fn, loc: cb.loc, effects });
    }
  }
  return out;
}

function shadowChanges(patch: PatchSummary, installed: PatchSummary[], lost: LostCallback[]): ShadowChange[] {
  if (!usesShadows(patch) && !installed.some(usesShadows)) return []; // most steps
  const byKey = new Map<string, ShadowChange>();
  const get = (id: number, idText: string) => {
    const k = shadowKeyOf(id, idText);
    let c = byKey.get(k);
    if (!c) {
      c = { id: Number.isNaN(id) ? undefined : id, idText, status: 'introduced', allocatedBy: [], prevAllocs: [], allocs: [], frees: [], freedOnlyByLostCallbacks: false };
      byKey.set(k, c);
    }
    return c;
  };
  for (const o of installed) {
    for (const s of o.shadows) {
      if (!isAlloc(s.op)) continue;
      const c = get(s.id, s.idText);
      if (!c.allocatedBy.includes(o.module)) c.allocatedBy.push(o.module);
      c.prevAllocs.push(s.loc);
    }
  }
  for (const s of patch.shadows) {
    if (isAlloc(s.op)) get(s.id, s.idText).allocs.push(s.loc);
    else if (s.op === 'free' || s.op === 'free_all') {
      const k = shadowKeyOf(s.id, s.idText);
      if (byKey.has(k) || patch.shadows.some((x) => isAlloc(x.op) && shadowKeyOf(x.id, x.idText) === k)) get(s.id, s.idText).frees.push(s.loc);
    }
  }
  const lostFrees = new Set(lost.flatMap((l) => l.effects.filter((e) => e.effect.kind === 'shadow-free').map((e) => e.effect.key)));
  for (const [k, c] of byKey) {
    const prev = c.allocatedBy.length > 0;
    if (c.allocs.length) c.status = prev ? 'carried' : 'introduced';
    else if (!prev) c.status = 'freed';
    else if (!patch.replace) c.status = 'left-to-older';
    else c.status = c.frees.length ? 'freed' : 'leaked';
    c.freedOnlyByLostCallbacks = lostFrees.has(k);
  }
  return [...byKey.values()].sort((a, b) => (a.id ?? 0) - (b.id ?? 0) || (a.idText < b.idText ? -1 : 1));
}

/** What a skip step's function changes are computed from, until first read. */
const pendingFunctions = new WeakMap<StepAnalysis, { patch: PatchSummary; installed: PatchSummary[] }>();

/** The getter of a skip step's `functions`: computes them, then keeps them as a plain value. */
function lazyFunctions(this: StepAnalysis): FunctionChange[] {
  const { patch, installed } = pendingFunctions.get(this)!;
  pendingFunctions.delete(this);
  const functions = functionChanges(patch, installed);
  Object.defineProperty(this, 'functions', { value: functions, enumerable: true, writable: true, configurable: true });
  return functions;
}

/** Installing PATCH on a machine where INSTALLED are the active patches (stack order). */
export function analyzeStep(kind: StepKind, patch: PatchSummary, installed: PatchSummary[]): StepAnalysis {
  const states = stateChanges(patch, installed);
  const lost = lostCallbacks(patch, installed);
  const over = installed.map(moduleOf);
  const accepted = states.every(isCompatible);
  const shadows = shadowChanges(patch, installed, lost);
  if (kind !== 'skip') {
    return { kind, patch: patch.module, over, replace: patch.replace, accepted, functions: functionChanges(patch, installed), states, lostCallbacks: lost, shadows };
  }
  // A series of n patches has n(n+1)/2 version-skip steps; no finding reads their function
  // changes (only the reports that show a skip do): computed when first read. One getter for
  // all, defined before the fields that follow it (same key order as the other steps): the
  // steps then share their hidden classes, where a getter per step, or one redefining a
  // field, gives each step its own (slow to make, slow to read).
  const step = { kind, patch: patch.module, over, replace: patch.replace, accepted } as StepAnalysis;
  Object.defineProperty(step, 'functions', { get: lazyFunctions, enumerable: true, configurable: true });
  step.states = states;
  step.lostCallbacks = lost;
  step.shadows = shadows;
  pendingFunctions.set(step, { patch, installed });
  return step;
}

/** What the active patches are after PATCH is installed over INSTALLED (if accepted). */
function after(installed: PatchSummary[], patch: PatchSummary, accepted: boolean): PatchSummary[] {
  if (!accepted) return installed;
  return patch.replace ? [patch] : [...installed, patch];
}

function conflicts(patches: PatchSummary[]): ShadowConflict[] {
  const out: ShadowConflict[] = [];
  const firstName = new Map<number, { module: string; text: string; loc: Location }>();
  const firstSize = new Map<number, { module: string; text: string; loc: Location }>();
  const concrete = (t?: string) => t !== undefined && !/^sizeof\s*\(?\s*\*/.test(t.trim());
  const norm = (t: string) => t.replace(/\s+/g, '');
  for (const p of patches) {
    const reported = new Set<string>();
    for (const s of p.shadows) {
      if (Number.isNaN(s.id)) continue;
      const name = firstName.get(s.id);
      const literal = /^(0x[0-9a-f]+|\d+)[ul]*$/i.test(s.idText.trim());
      if (!name) { if (!literal) firstName.set(s.id, { module: p.module, text: s.idText, loc: s.loc }); }
      else if (!literal && name.module !== p.module && name.text !== s.idText && !reported.has(`n${s.id}`)) {
        reported.add(`n${s.id}`);
        out.push({ id: s.id, kind: 'name', module: p.module, text: s.idText, loc: s.loc, otherModule: name.module, otherText: name.text, otherLoc: name.loc });
      }
      if (!isAlloc(s.op) || !s.sizeText || reported.has(`n${s.id}`)) continue;
      const size = firstSize.get(s.id);
      if (!size) { firstSize.set(s.id, { module: p.module, text: s.sizeText, loc: s.loc }); continue; }
      if (size.module === p.module || norm(size.text) === norm(s.sizeText) || reported.has(`s${s.id}`)) continue;
      if (!concrete(size.text) || !concrete(s.sizeText)) continue;
      reported.add(`s${s.id}`);
      out.push({ id: s.id, kind: 'size', module: p.module, text: s.sizeText, loc: s.loc, otherModule: size.module, otherText: size.text, otherLoc: size.loc });
    }
  }
  return out;
}

export interface AnalyzeOptions {
  /** File texts, to compare replacement function bodies (re-patched vs kept). */
  readText?: (file: string) => string | undefined;
  /** Line indexes of files, when the caller has them (saves building one per file). */
  linesOf?: (file: string) => LineIndex | undefined;
  /** The summary of a model, when the caller keeps them (e.g. one per model, across runs). */
  summarize?: (m: ModuleModel) => PatchSummary;
  /** Step analyses of the previous run of the same series, reused when unchanged. */
  memo?: StepMemo;
}

/**
 * Remembers the step analyses of a series between runs (the language server keeps one per
 * series): a step is the same patch summary installed over the same summaries, so when
 * summaries are reused for unchanged modules, an edit to one patch recomputes only the steps
 * that involve it. Entries not used by the last run are dropped.
 */
export class StepMemo {
  private ids = new WeakMap<PatchSummary, number>();
  private nextId = 1;
  private current = new Map<string, StepAnalysis>();
  private previous = new Map<string, StepAnalysis>();
  /** Steps computed and reused by the last run. */
  computed = 0;
  reused = 0;

  begin(): void {
    this.previous = this.current;
    this.current = new Map();
    this.computed = 0;
    this.reused = 0;
  }

  step(kind: StepKind, patch: PatchSummary, installed: PatchSummary[]): StepAnalysis {
    let key = `${kind}:${this.id(patch)}`;
    for (let i = 0; i < installed.length; i++) key += `,${this.id(installed[i])}`;
    let s = this.current.get(key) ?? this.previous.get(key);
    if (s) this.reused++;
    else {
      s = analyzeStep(kind, patch, installed);
      this.computed++;
    }
    this.current.set(key, s);
    return s;
  }

  private id(p: PatchSummary): number {
    let id = this.ids.get(p);
    if (id === undefined) this.ids.set(p, (id = this.nextId++));
    return id;
  }
}

/**
 * Analyzes SPEC with the models of its modules (by module name). Entries without a model,
 * or whose model is not a livepatch, are reported as problems and left out of the steps.
 */
export function analyzeSeries(spec: SeriesSpec, models: Map<string, ModuleModel> | ModuleModel[], options: AnalyzeOptions = {}): SeriesReport {
  const byName = models instanceof Map ? models : new Map(models.map((m) => [m.name, m]));
  const problems: SeriesReport['problems'] = spec.problems.map((p) => ({ file: spec.file, line: p.line, range: p.range, message: p.message }));
  const patches: PatchSummary[] = [];
  for (const e of spec.entries) {
    if (e.error) continue; // already a problem of the spec
    const m = byName.get(e.name);
    if (!m) { problems.push({ file: spec.file, line: e.line, range: e.range, message: `module '${e.name}' was not loaded` }); continue; }
    if (!m.isLivepatch) {
      problems.push({ file: spec.file, line: e.line, range: e.range, message: `'${e.name}' is not a livepatch module (no klp_patch passed to klp_enable_patch()); left out of the series` });
      continue;
    }
    patches.push(options.summarize ? options.summarize(m) : summarizePatch(m, options.readText, options.linesOf));
  }

  const memo = options.memo;
  memo?.begin();
  const stepOf = (kind: StepKind, p: PatchSummary, over: PatchSummary[]) => (memo ? memo.step(kind, p, over) : analyzeStep(kind, p, over));
  const steps: SeriesStep[] = [];
  const installedAfter: PatchSummary[][] = [];
  // The module names of each installedAfter, joined once (skips over the same patches are one skip).
  const afterKeys: string[] = [];
  let installed: PatchSummary[] = [];
  patches.forEach((p, i) => {
    const main = stepOf(i === 0 ? 'install' : 'upgrade', p, installed);
    const skips: StepAnalysis[] = [];
    const seen = new Set([i === 0 ? '' : afterKeys[i - 1]]);
    for (let j = i - 2; j >= 0; j--) {
      const over = installedAfter[j];
      const key = afterKeys[j];
      if (seen.has(key) || !over.length) continue;
      seen.add(key);
      skips.push(stepOf('skip', p, over));
    }
    const next = after(installed, p, main.accepted);
    // Rolling back a non-cumulative patch means disabling it: the previous one is still installed.
    const downgrade = i > 0 && main.accepted && !next.includes(patches[i - 1]) ? stepOf('downgrade', patches[i - 1], next) : undefined;
    const modules = next.map((x) => x.module);
    steps.push({ index: i, patch: p.module, main, skips, downgrade, installedAfter: modules });
    installedAfter.push(next);
    afterKeys.push(modules.join(','));
    installed = next;
  });

  const base = spec.dir.replace(/\/+$/, '').split('/').pop() || spec.dir;
  return { name: base === '.' ? 'series' : base, dir: spec.dir, file: spec.file, inferred: spec.inferred, patches, steps, shadowConflicts: conflicts(patches), problems };
}
