// Rules of the proposed state-callbacks API (semantics §12; KLP070–KLP078, docs/RULES.md,
// docs/STATE-CALLBACKS.md). They apply when a module uses the proposal (ModuleModel.apiLevel,
// detected from `klp_state` entries with `.callbacks`, `.is_shadow` or `.block_disable`) or
// when the level is forced (`klp-studio check|series --kernel-api`, setting
// klpStudio.kernelApi → RuleContext.kernelApi). Module rules: KLP070 object callbacks next
// to state callbacks, KLP072 is_shadow variables also freed by hand, KLP073 shadow_dtor
// without is_shadow, KLP074 pre_unpatch of a block_disable state, KLP075 `.version` under the
// proposal, KLP078 proposal fields under the upstream level. Series rules (from a
// SeriesReport): KLP071 a cumulative patch drops a block_disable state, KLP077 callbacks of
// a carried-over state that the upgrade does not run. Under the proposal the upstream
// findings that contradict it are dropped (stateApiAdjust): KLP031/KLP033/KLP044 on object
// callbacks, KLP051/KLP054 for is_shadow ids, KLP042/KLP043 (version-based compatibility).
import type { Finding, RelatedInfo } from '../findings';
import type { KlpState, ModuleModel, Range } from '../model';
import { CALLBACK_KINDS, findArray } from '../model';
import { calleeRange, callAt, definedPatches, reachable, Reporter } from './context';
import type { SeriesReport } from '../series/analyze';

export type KernelApiOption = 'auto' | 'upstream' | 'state-callbacks';

/** The level the rules apply to a module: the option when forced, else what the source uses. */
export function effectiveApiLevel(m: ModuleModel, option: KernelApiOption | undefined): 'upstream' | 'state-callbacks' {
  return option === 'upstream' || option === 'state-callbacks' ? option : m.apiLevel;
}

/** The states of the module's patches (the arrays their `.states` point at), up to an id 0. */
export function patchStates(m: ModuleModel): KlpState[] {
  const out: KlpState[] = [];
  for (const p of definedPatches(m)) {
    for (const s of findArray(m.stateArrays, p.statesRef)?.entries ?? []) {
      if (s.id === 0) break;
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

const fieldRange = (s: KlpState, field: string): Range | undefined => s.fields.find((f) => f.field === field)?.range;
const designator = (r: Range, text: string): Range => ({ start: r.start, end: { line: r.start.line, character: r.start.character + text.length } });
const idNumber = (id: number) => (id > 0xffff ? `0x${id.toString(16)}` : String(id));
const idLabel = (s: KlpState) => (s.idText && s.id !== undefined && idNumber(s.id) !== s.idText.trim() && String(s.id) !== s.idText.trim() ? `${s.idText.trim()} (${idNumber(s.id)})` : s.idText?.trim() ?? (s.id !== undefined ? idNumber(s.id) : '?'));
const sameStateId = (s: KlpState, id: number | undefined, idText: string) => (s.id !== undefined && id !== undefined ? s.id === id : !!s.idText && s.idText.trim() === idText.trim());

export function stateApiRules(m: ModuleModel, out: Reporter): void {
  const option = out.ctx.kernelApi;
  // KLP078: the proposal's fields checked against the upstream API.
  if (option === 'upstream') {
    if (!out.on('KLP078') || m.apiLevel !== 'state-callbacks') return;
    for (const a of m.stateArrays) {
      for (const s of a.entries) {
        for (const f of s.fields) {
          if (f.field !== 'callbacks' && f.field !== 'is_shadow' && f.field !== 'block_disable') continue;
          out.add('KLP078', s.file, designator(f.range, `.${f.field}`),
            `struct klp_state has no member '${f.field}' in the upstream kernel API: the module does not build there. '.${f.field}' belongs to the proposed state-callbacks API (semantics §12, not merged); check with --kernel-api state-callbacks, or keep the upstream form (object callbacks, shadow variables freed by hand).`);
        }
      }
    }
    return;
  }
  if (effectiveApiLevel(m, option) !== 'state-callbacks') return;
  const forced = option === 'state-callbacks' && m.apiLevel !== 'state-callbacks';
  const states = patchStates(m);

  // KLP070: per-object callbacks, which the proposal removes.
  if (out.on('KLP070')) {
    for (const a of m.objArrays) {
      for (const o of a.entries) {
        const kinds = CALLBACK_KINDS.filter((k) => o.callbacks[k]);
        if (!kinds.length || !o.callbacks.range) continue;
        const obj = o.name ?? 'vmlinux';
        out.add('KLP070', o.file, designator(o.callbacks.range, '.callbacks'),
          `${forced ? 'under --kernel-api state-callbacks' : 'next to state callbacks'}, these object callbacks of '${obj}' (${kinds.map((k) => `${k} ${o.callbacks[k]}`).join(', ')}) never run: the proposed API (semantics §12) removes per-object callbacks` +
          `${o.name ? `, so nothing runs when '${o.name}' loads or unloads either` : ''}. Move their work to the callbacks of a klp_state (they run when the state is introduced or removed)${o.name ? ', or to a module notifier' : ''}.`);
      }
    }
  }

  // KLP072: shadow variables of an is_shadow state also freed by hand.
  if (out.on('KLP072')) {
    const exitFns = m.moduleExit?.args[0] ? reachable(m, [m.moduleExit.args[0].trim()]) : new Set<string>();
    for (const c of m.shadowCalls) {
      if (c.op !== 'free_all') continue;
      const s = states.find((x) => x.isShadow && sameStateId(x, c.id, c.idText));
      if (!s) continue;
      const site = callAt(c.inFunction ? m.functions[c.inFunction] : undefined, c.range);
      const sh = fieldRange(s, 'is_shadow') ?? s.range;
      const inExit = !!c.inFunction && exitFns.has(c.inFunction);
      const dtor = s.callbacks.shadow_dtor;
      out.add('KLP072', c.file, site ? calleeRange(site) : c.range,
        `state ${idLabel(s)} has .is_shadow: under the proposed API (semantics §12) its shadow variables <*, ${c.idText.trim()}> are freed automatically (klp_shadow_free_all with ${dtor ? `the shadow_dtor '${dtor}'` : 'no destructor: .callbacks.shadow_dtor is not set'}) after the state's post_unpatch, when the state is removed, and kept when a cumulative patch carries it over. ` +
          (inExit
            ? `This klp_shadow_free_all() runs at rmmod (module_exit), which also comes after a cumulative patch that carries the state has replaced this one: it frees variables the new patch still uses.`
            : `This klp_shadow_free_all()${c.inFunction ? ` in '${c.inFunction}'` : ''} frees them by hand as well.`) +
          ` Remove it${c.dtor && c.dtor !== dtor ? ` and set .callbacks.shadow_dtor = ${c.dtor}` : ''}.`,
        { related: [{ file: s.file, range: sh, message: `state ${idLabel(s)} ties its shadow variables to its lifetime` }] });
    }
  }

  for (const s of states) {
    // KLP073: a shadow destructor nobody calls.
    if (out.on('KLP073') && s.callbacks.shadow_dtor && !s.isShadow && s.callbacks.ranges.shadow_dtor) {
      out.add('KLP073', s.file, s.callbacks.ranges.shadow_dtor,
        `shadow_dtor '${s.callbacks.shadow_dtor}' of state ${idLabel(s)} is never called: the proposal (semantics §12) frees a state's shadow variables with it only when the state has .is_shadow = true. Set .is_shadow = true, or remove the destructor.`);
    }
    // KLP074: pre_unpatch of a block_disable state.
    if (out.on('KLP074') && s.blockDisable && s.callbacks.pre_unpatch && s.callbacks.ranges.pre_unpatch) {
      out.add('KLP074', s.file, s.callbacks.ranges.pre_unpatch,
        `pre_unpatch '${s.callbacks.pre_unpatch}' of state ${idLabel(s)} never runs: the state has .block_disable, so under the proposal (semantics §12) the patch cannot be disabled and every cumulative patch must carry the state (carried states run no callbacks).${s.callbacks.post_unpatch ? ` Its post_unpatch runs only when enabling this patch fails after the state's pre_patch succeeded.` : ''}`);
    }
    // KLP075: versions play no part in the proposal's compatibility check.
    if (out.on('KLP075') && s.versionRange && s.version !== 0) {
      const r = fieldRange(s, 'version') ?? s.versionRange;
      out.add('KLP075', s.file, designator(r, '.version'),
        `.version of state ${idLabel(s)} plays no part under the proposed API: its compatibility check (semantics §12) accepts every non-cumulative patch and refuses a cumulative one only when it drops a state with .block_disable. Use .block_disable = true for a state that must never go away.`);
    }
  }
}

/** The ids of the module's is_shadow states (under the proposal). */
function shadowStateIds(m: ModuleModel): { ids: Set<number>; texts: Set<string> } {
  const ids = new Set<number>();
  const texts = new Set<string>();
  for (const s of patchStates(m)) {
    if (!s.isShadow) continue;
    if (s.id !== undefined) ids.add(s.id);
    if (s.idText) texts.add(s.idText.trim());
  }
  return { ids, texts };
}

/**
 * The upstream module findings that the proposal contradicts, dropped for a module under
 * the state-callbacks level: KLP051 (never freed) and KLP054 (freed in module_exit) for the
 * shadow ids of is_shadow states (freed automatically; KLP072 covers frees by hand).
 */
export function stateApiAdjust(m: ModuleModel, findings: Finding[], option: KernelApiOption | undefined): Finding[] {
  try {
    return adjust(m, findings, option);
  } catch {
    return findings; // an unexpected model shape: keep what the rules found
  }
}

function adjust(m: ModuleModel, findings: Finding[], option: KernelApiOption | undefined): Finding[] {
  if (effectiveApiLevel(m, option) !== 'state-callbacks') return findings;
  // Object callbacks never run under the proposal (KLP070 says so): what KLP031, KLP033 and
  // KLP044 say about them does not apply.
  const objCallbacks = m.objArrays.flatMap((a) => a.entries.filter((o) => o.callbacks.range).map((o) => ({ file: o.file, range: o.callbacks.range! })));
  findings = findings.filter((f) => !((f.code === 'KLP031' || f.code === 'KLP033' || f.code === 'KLP044') && objCallbacks.some((o) => o.file === f.file && contains(o.range, f.range))));
  const { ids, texts } = shadowStateIds(m);
  if (!ids.size && !texts.size) return findings;
  const covered = (file: string, range: Range) => {
    const c = m.shadowCalls.find((x) => x.file === file && (contains(x.range, range) || contains(x.idRange, range)));
    return !!c && ((c.id !== undefined && ids.has(c.id)) || texts.has(c.idText.trim()));
  };
  return findings.filter((f) => !((f.code === 'KLP051' || f.code === 'KLP054') && covered(f.file, f.range)));
}

function contains(outer: Range, inner: Range): boolean {
  const le = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

// ---------------------------------------------------------------------------------------
// series rules (KLP071, KLP077)

/** Whether a series is checked under the proposal: forced, or one of its modules uses it. */
export function seriesApiLevel(report: SeriesReport, option: KernelApiOption | undefined): 'upstream' | 'state-callbacks' {
  if (option === 'upstream' || option === 'state-callbacks') return option;
  return report.patches.some((p) => p.model.apiLevel === 'state-callbacks') ? 'state-callbacks' : 'upstream';
}

/**
 * The proposal's klp_is_patch_compatible (semantics §12, block_disable (b)) for PATCH over
 * INSTALLED: the first installed block_disable state a cumulative patch does not carry.
 */
export function blockingState(installed: ModuleModel[], patch: ModuleModel, replace: boolean): { module: string; state: KlpState } | undefined {
  if (!replace) return undefined;
  const mine = patchStates(patch);
  for (const old of installed) {
    for (const s of patchStates(old)) {
      if (s.blockDisable && !mine.some((x) => sameStateId(x, s.id, s.idText ?? ''))) return { module: old.name, state: s };
    }
  }
  return undefined;
}

/**
 * Series findings under the proposal, on the upgrade path (each patch loaded over what the
 * earlier ones left, with the proposal's compatibility rule): KLP071 and KLP077.
 */
export function stateApiSeriesFindings(report: SeriesReport): Finding[] {
  const out: Finding[] = [];
  let installed: typeof report.patches = [];
  for (const p of report.patches) {
    const models = installed.map((x) => x.model);
    const block = blockingState(models, p.model, p.replace);
    if (block) {
      const rel: RelatedInfo[] = [{ file: block.state.file, range: fieldRange(block.state, 'block_disable') ?? block.state.range, message: `${block.module} installs state ${idLabel(block.state)} with .block_disable` }];
      out.push({
        code: 'KLP071', severity: 'error', file: p.statesLoc.file, range: p.statesLoc.range, related: rel,
        message: `${p.module} is cumulative but does not carry state ${idLabel(block.state)}, which ${block.module} installs with .block_disable: under the proposed API (semantics §12) the kernel refuses to load it ("Livepatch patch (${p.module}) is not compatible with the already installed livepatches.", Invalid argument). Carry the state (a state that blocks disabling can never be dropped).`,
      });
      continue; // refused: the installed patches stay
    }
    // KLP077: callbacks of a carried-over state that the installed patch's entry does not have.
    for (const s of patchStates(p.model)) {
      const from = installed.find((x) => patchStates(x.model).some((o) => sameStateId(o, s.id, s.idText ?? '')));
      if (!from) continue;
      const prev = patchStates(from.model).find((o) => sameStateId(o, s.id, s.idText ?? ''))!;
      const kinds = (['pre_patch', 'post_patch'] as const).filter((k) => s.callbacks[k] && s.callbacks[k] !== prev.callbacks[k]);
      if (!kinds.length) continue;
      const r = s.callbacks.ranges[kinds[0]] ?? s.range;
      const cbs = kinds.map((k) => `${k} ${s.callbacks[k]}`).join(' and ');
      out.push({
        code: 'KLP077', severity: 'info', file: s.file, range: r,
        related: [{ file: prev.file, range: prev.range, message: `${from.module} already has state ${idLabel(s)}${kinds.some((k) => prev.callbacks[k]) ? ` (${kinds.filter((k) => prev.callbacks[k]).map((k) => `${k} ${prev.callbacks[k]}`).join(', ')})` : ''}` }],
        message: `when ${p.module} is loaded over ${from.module}, state ${idLabel(s)} is carried over, so ${p.module}'s ${cbs} ${kinds.length > 1 ? 'do' : 'does'} not run: under the proposed API (semantics §12) a state's callbacks run only when it is introduced or removed. ${kinds.length > 1 ? 'They run' : 'It runs'} only where no installed patch has the state (a fresh install of ${p.module}); do the upgrade's work in the replacement code, or give the new behaviour a state id of its own.`,
      });
    }
    installed = p.replace ? [p] : [...installed, p];
  }
  return out;
}

/**
 * Under the proposal, the upstream series findings it contradicts are dropped: KLP042/KLP043
 * (§7's version rule; KLP071 is the proposal's), KLP032 (object callbacks of replaced
 * patches: under the proposal none ever runs, KLP070), and KLP051 for the shadow ids of
 * is_shadow states (freed when the state goes away, kept while a successor carries it).
 */
export function stateApiSeriesAdjust(report: SeriesReport, findings: Finding[], option: KernelApiOption | undefined): Finding[] {
  if (seriesApiLevel(report, option) !== 'state-callbacks') return findings;
  const shadowStateIds = new Set(report.patches.flatMap((p) => patchStates(p.model).filter((s) => s.isShadow && s.id !== undefined).map((s) => s.id!)));
  const isShadowLeak = (f: Finding) => f.code === 'KLP051' && (f.related ?? []).some((r) => report.patches.some((p) => p.model.shadowCalls.some((c) => c.id !== undefined && shadowStateIds.has(c.id) && c.file === r.file && contains(c.range, r.range))));
  const kept = findings.filter((f) => f.code !== 'KLP042' && f.code !== 'KLP043' && f.code !== 'KLP032' && !isShadowLeak(f));
  return [...kept, ...stateApiSeriesFindings(report)];
}
