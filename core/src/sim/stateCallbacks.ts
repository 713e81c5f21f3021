// The proposed kernel API of semantics §12 ("states, callbacks and shadow variables working
// together"), as a second API level of the simulator (`simulate --kernel-api
// state-callbacks`, setting `klpStudio.kernelApi`). The engine (./engine.ts) calls this at
// the points §12 names: enable (after "initializing patching transition"), completion
// (patched / unpatched, including cancel and reverse), disable, the compatibility check and
// `echo 0 > enabled`. Everything here follows §12's text; where §12 is silent the choice
// is written in docs/FIDELITY.md ("The proposed API") and, at run time, in a note event.
//
// Rules, in §12's words:
// - a state is introduced / removed by a patch iff no other patch in klp_patches has its id
//   (is_state_in_other_patches); only then do its callbacks run;
// - enable: the new patch's pre_patch for its states, then (replace) the replaced patches'
//   pre_unpatch for theirs; a failing pre_patch fails the enable and the rollback runs
//   post_unpatch only for the states whose pre_patch succeeded;
// - completion PATCHED: (replace) replaced patches' post_unpatch, then the patch's post_patch;
//   completion UNPATCHED: (replace) replaced patches' post_patch again if their pre_unpatch
//   ran, then the patch's own post_unpatch;
// - disable: pre_unpatch before the transition, post_unpatch at completion;
// - is_shadow: after a state's post_unpatch, klp_shadow_free_all(id, shadow_dtor);
// - block_disable: `echo 0 > enabled` refused; a cumulative patch must carry it.
import type { CallbackName, SimEvent, SourceRef } from './events';
import type { SimCallbackSpec, SimPatchSpec, SimStateSpec, ValueBinding } from './spec';

export type KernelApiLevel = 'upstream' | 'state-callbacks';

/** What this module needs to know of a patch instance in the engine. */
export interface StatePatchRef {
  name: string;
  replace: boolean;
  spec: SimPatchSpec;
}

type EventInput = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 'seq' | 'time' | 'command' | 'scenarioLine'> : never) : never;

/** The engine's side: events, the patch list and how a callback's return value is read. */
export interface StateHost<P extends StatePatchRef> {
  emit(e: EventInput): void;
  /** klp_patches in stack order (the transition patch included). */
  patches(): readonly P[];
  /** Value a callback returns when it runs (module parameters are read at that moment). */
  evalReturn(b: ValueBinding, p: P): number;
}

/**
 * The transcript line of a state callback, `<patch module>: <callback function>: state <id>`
 * (ids above 0xffff in hex, as the timeline shows them): a convention of the simulator, like
 * the object callbacks' lines of the selftest modules (docs/FIDELITY.md).
 */
export function stateCallbackLine(patch: string, cFunction: string, id: number): string {
  return `${patch}: ${cFunction}: state ${id > 0xffff ? '0x' + id.toString(16) : id}`;
}

/** The proposal's message for `echo 0 > enabled` on a patch with a block_disable state. */
export function blockDisableMessage(patch: string): string {
  return `The livepatch '${patch}' does not support disable`;
}

export class StateCallbacks<P extends StatePatchRef> {
  /** state->callbacks.pre_patch_succeeded, per patch instance and state entry. */
  private readonly succeeded = new WeakMap<P, Set<SimStateSpec>>();
  /** klp_states_pre_unpatch_replaced_called: the replaced patches' pre_unpatch ran in this transition. */
  private preUnpatchReplacedCalled = false;

  constructor(private readonly host: StateHost<P>) {}

  private flags(p: P): Set<SimStateSpec> {
    let s = this.succeeded.get(p);
    if (!s) { s = new Set(); this.succeeded.set(p, s); }
    return s;
  }

  /**
   * The patches P replaces: every patch before it in klp_patches (§6; the kernel's
   * klp_unpatch_replaced_patches stops at the new patch). Patches stacked above P later
   * (non-replace) are not replaced by it.
   */
  private replacedBy(p: P): P[] {
    const list = this.host.patches();
    const i = list.indexOf(p);
    return i < 0 ? [] : list.slice(0, i) as P[];
  }

  /** is_state_in_other_patches: another patch in klp_patches carries the id. */
  inOtherPatches(p: P, id: number): boolean {
    return this.host.patches().some((o) => o !== p && o.spec.states.some((s) => s.id === id));
  }

  private call(p: P, s: SimStateSpec, which: CallbackName, role: 'own' | 'replaced', extra: { returned?: number } = {}): void {
    const cb = s.callbacks?.[which] as SimCallbackSpec;
    this.host.emit({
      kind: 'state-callback', patch: p.name, state: s.id, callback: which, cFunction: cb.cFunction, role, ...extra,
      line: stateCallbackLine(p.name, cb.cFunction, s.id), sources: cbSources(cb, s),
    });
  }

  private skip(p: P, s: SimStateSpec, which: CallbackName, role: 'own' | 'replaced', why: 'in-other-patches' | 'pre-patch-not-succeeded'): void {
    const cb = s.callbacks?.[which];
    if (!cb) return;
    this.host.emit({ kind: 'state-callback', patch: p.name, state: s.id, callback: which, cFunction: cb.cFunction, role, skipped: why, sources: cbSources(cb, s) });
  }

  // -------------------------------------------------------------------------------------
  // the per-patch walks (klp_states_pre_patch / post_patch / pre_unpatch / post_unpatch)

  /** klp_states_pre_patch: returns the first non-zero pre_patch result (the enable fails). */
  prePatch(p: P): number {
    for (const s of p.spec.states) {
      if (this.inOtherPatches(p, s.id)) this.skip(p, s, 'pre_patch', 'own', 'in-other-patches');
      else {
        const cb = s.callbacks?.pre_patch;
        if (cb) {
          const ret = this.host.evalReturn(cb.returns, p);
          this.call(p, s, 'pre_patch', 'own', { returned: ret });
          if (ret) {
            this.host.emit({
              kind: 'note',
              message: `§12 is silent on a log line for a failing state pre_patch: none printed for ${p.name} state ${s.id} (returned ${ret}); the enable fails with that value`,
            });
            return ret;
          }
        }
        if (s.isShadow) this.host.emit({ kind: 'shadow-lifetime', id: s.id, patch: p.name, change: 'bound', ...(s.shadowDtor ? { dtor: s.shadowDtor } : {}), sources: s.sources });
      }
      this.flags(p).add(s);
    }
    return 0;
  }

  private postPatch(p: P, role: 'own' | 'replaced'): void {
    for (const s of p.spec.states) {
      if (this.inOtherPatches(p, s.id)) { this.skip(p, s, 'post_patch', role, 'in-other-patches'); continue; }
      if (s.callbacks?.post_patch) this.call(p, s, 'post_patch', role);
    }
  }

  private preUnpatch(p: P, role: 'own' | 'replaced'): void {
    for (const s of p.spec.states) {
      if (this.inOtherPatches(p, s.id)) { this.skip(p, s, 'pre_unpatch', role, 'in-other-patches'); continue; }
      if (s.callbacks?.pre_unpatch) this.call(p, s, 'pre_unpatch', role);
    }
  }

  private postUnpatch(p: P, role: 'own' | 'replaced'): void {
    const ok = this.flags(p);
    for (const s of p.spec.states) {
      if (this.inOtherPatches(p, s.id)) { this.skip(p, s, 'post_unpatch', role, 'in-other-patches'); continue; }
      if (!ok.has(s)) { this.skip(p, s, 'post_unpatch', role, 'pre-patch-not-succeeded'); continue; }
      if (s.callbacks?.post_unpatch) this.call(p, s, 'post_unpatch', role);
      if (s.isShadow) this.host.emit({ kind: 'shadow-lifetime', id: s.id, patch: p.name, change: 'freed', ...(s.shadowDtor ? { dtor: s.shadowDtor } : {}), sources: s.sources });
      ok.delete(s);
    }
  }

  // -------------------------------------------------------------------------------------
  // the engine's hook points

  /** __klp_enable_patch, after klp_init_transition: own pre_patch, then the replaced patches' pre_unpatch. */
  enable(p: P): number {
    const ret = this.prePatch(p);
    if (ret) return ret;
    if (p.replace) {
      this.noteSharedDrops(p);
      for (const old of this.replacedBy(p)) this.preUnpatch(old, 'replaced');
      this.preUnpatchReplacedCalled = true;
    }
    return 0;
  }

  /** klp_complete_transition, after the replaced patches are unpatched (replace, target patched). */
  replacedUnpatched(p: P): void {
    for (const old of this.replacedBy(p)) this.postUnpatch(old, 'replaced');
    this.preUnpatchReplacedCalled = false;
  }

  /** klp_complete_transition, after every task is idle again. */
  completed(p: P, target: 'patched' | 'unpatched'): void {
    if (target === 'patched') { this.postPatch(p, 'own'); return; }
    // Re-enable the states that should have been replaced (cancel or reverse of a replace).
    if (p.replace && this.preUnpatchReplacedCalled) {
      for (const old of this.replacedBy(p)) this.postPatch(old, 'replaced');
      this.preUnpatchReplacedCalled = false;
    }
    this.postUnpatch(p, 'own');
  }

  /** __klp_disable_patch, after klp_init_transition. */
  disable(p: P): void {
    this.preUnpatch(p, 'own');
  }

  /** `block_disable` (a): a state of the patch refuses `echo 0 > enabled`. */
  blocksDisable(p: P): boolean {
    return p.spec.states.some((s) => s.blockDisable);
  }

  /**
   * klp_is_patch_compatible under the proposal (`block_disable` (b)): a non-replace patch is
   * always compatible; a replace patch is not iff an installed state with block_disable is
   * missing from it. Versions play no part (the proposal removes them).
   */
  isCompatible(states: readonly SimStateSpec[], replace: boolean): { ok: boolean; blocking?: { patch: string; id: number } } {
    if (!replace) return { ok: true };
    for (const old of this.host.patches()) {
      for (const s of old.spec.states) {
        if (s.blockDisable && !states.some((n) => n.id === s.id)) return { ok: false, blocking: { patch: old.name, id: s.id } };
      }
    }
    return { ok: true };
  }

  /** A literal reading of "not in other patches" when several replaced patches share a dropped state. */
  private noteSharedDrops(p: P): void {
    const count = new Map<number, string[]>();
    for (const old of this.replacedBy(p)) {
      for (const id of new Set(old.spec.states.map((s) => s.id))) {
        if (p.spec.states.some((s) => s.id === id)) continue;
        count.set(id, [...(count.get(id) ?? []), old.name]);
      }
    }
    for (const [id, owners] of count) {
      if (owners.length < 2) continue;
      this.host.emit({
        kind: 'note',
        message: `state ${id} is dropped by ${p.name} but carried by several replaced patches (${owners.join(', ')}): each is "in other patches" (§12), so none of their callbacks run and is_shadow frees nothing; §12 says no more`,
      });
    }
  }
}

function cbSources(cb: SimCallbackSpec, s: SimStateSpec): SourceRef[] | undefined {
  const out = [...(cb.sources ?? []), ...(s.sources ?? [])];
  return out.length ? out : undefined;
}

/** Which level a run uses: the option when given, else 'state-callbacks' iff a module's sources use it. */
export function chooseKernelApi(option: 'auto' | KernelApiLevel | undefined, moduleLevels: { name: string; apiLevel?: KernelApiLevel }[]): { level: KernelApiLevel; chosenBy: 'option' | 'detected'; modules: string[] } {
  const modules = moduleLevels.filter((m) => m.apiLevel === 'state-callbacks').map((m) => m.name);
  if (option && option !== 'auto') return { level: option, chosenBy: 'option', modules };
  return { level: modules.length ? 'state-callbacks' : 'upstream', chosenBy: 'detected', modules };
}

/** The note of a run forced to the upstream level although some modules use the proposed API. */
export function upstreamLevelNote(modules: string[]): string {
  return `${modules.join(', ')} use${modules.length > 1 ? '' : 's'} the proposed state-callbacks API (semantics §12), but the run simulates the upstream API: state callbacks, is_shadow and block_disable are ignored (upstream struct klp_state has no such fields: the module would not build)`;
}
