// The migration aid of the proposed state-callbacks API (semantics §12): what a series
// means under the proposal, for `klp-studio series DIR --kernel-api state-callbacks` (a
// section after the tables, and `stateCallbacks` in the JSON), and for series written for
// the proposal. Answers come from the simulator, not from a second model of §12: the
// series' upgrade path (targets, each patch loaded over the previous ones, then every
// installed patch disabled, top first) runs once per API level, and per step we report
// what each level does — which object callbacks run today and stop running under the
// proposal, which state callbacks run, which steps each level refuses. For a series
// written for today's API a third run answers "which shadow variables would be freed
// automatically": every patch that uses a shadow id gets a state of that id with
// `is_shadow` (a conversion the author would make), and the simulator says when each id's
// variables would be freed. Pure (models in, data and text out).
import type { Location, ModuleModel } from '../model';
import { parseScenario } from '../scenario/parse';
import { runScenario, specFromModel, type SimEvent } from '../sim';
import type { SimModuleSpec, SimStateSpec } from '../sim/spec';
import type { SeriesReport } from './analyze';
import type { ShowPath } from './format';
import { wrap } from './format';

export type ApiLevelName = 'upstream' | 'state-callbacks';

/** One scenario command of the path: a patch loaded (a step) or disabled at the end. */
export interface ProposalStep {
  action: 'insmod' | 'disable';
  patch: string;
  /** Per level: the kernel took it (insmod / echo 0 succeeded), refused it, or (disable) the patch is not installed there. */
  result: Record<ApiLevelName, 'ok' | 'refused' | 'absent'>;
  /** Object callbacks that run at this step today (`patch object kind fn`); none does under the proposal. */
  objectCallbacks: string[];
  /** Object callbacks of replaced patches that never run today (replaced without callbacks). */
  replacedCallbacks: string[];
  /** State callbacks that run under the proposal (`patch: fn (state N, kind)`). */
  stateCallbacks: string[];
  /** Shadow ids whose variables the proposal frees at this step (is_shadow states). */
  shadowFreed: string[];
  /** Kernel lines that differ (refusals), per level. */
  refusals: Partial<Record<ApiLevelName, string>>;
}

/** A shadow id of the series and what is_shadow would do with it. */
export interface ShadowProposal {
  id: number;
  idText: string;
  /** Patches whose code allocates, reads or frees it. */
  usedBy: string[];
  /** klp_shadow_free_all() sites today (they would become redundant: KLP072). */
  freedAllBy: Location[];
  /** A klp_state of that id already exists in these patches. */
  stateIn: string[];
  /** When the variables would be freed with an is_shadow state in every patch that uses the id. */
  freedAt: string[];
}

export interface ProposalView {
  /** What the series is written for (any module with state callbacks ⇒ the proposal). */
  writtenFor: ApiLevelName;
  steps: ProposalStep[];
  /** Series written for today's API: the shadow ids and when is_shadow would free them. */
  shadows: ShadowProposal[];
  /** Notes of the simulator under the proposal (what §12 leaves open, object callbacks dropped). */
  notes: string[];
}

interface Path {
  text: string;
  /** Scenario command index -> step index (targets are not steps). */
  stepOf: Map<number, number>;
  steps: { action: 'insmod' | 'disable'; patch: string }[];
}

function buildPath(report: SeriesReport, disable: string[]): Path {
  const targets = [...new Set(report.patches.flatMap((p) => p.funcs.map((f) => f.object).concat(p.callbacks.map((c) => c.object))))].filter((o) => o !== 'vmlinux').sort();
  const lines: string[] = [];
  const stepOf = new Map<number, number>();
  const steps: Path['steps'] = [];
  for (const t of targets) lines.push(`insmod ${t}.ko`);
  for (const p of report.patches) {
    stepOf.set(lines.length, steps.length);
    steps.push({ action: 'insmod', patch: p.module });
    lines.push(`insmod ${p.module}.ko`);
  }
  for (const p of disable) {
    stepOf.set(lines.length, steps.length);
    steps.push({ action: 'disable', patch: p });
    lines.push(`echo 0 > /sys/kernel/livepatch/${p}/enabled`);
  }
  return { text: lines.join('\n') + '\n', stepOf, steps };
}

function run(path: Path, modules: Map<string, ModuleModel | SimModuleSpec>, level: ApiLevelName): SimEvent[] {
  const scenario = parseScenario('series-path.klpsim', path.text);
  return runScenario(scenario, (n) => modules.get(n), { kernelApi: level }).events;
}

/** The patches listed at the end of a run, top first. */
function listedAtEnd(events: SimEvent[]): string[] {
  const last = [...events].reverse().find((e) => e.kind === 'patch-list');
  return last && last.kind === 'patch-list' ? [...last.patches].reverse() : [];
}

const hex = (id: number) => (id > 0xffff ? `0x${id.toString(16)}` : String(id));

/** The ids a module's code uses as shadow ids, with the destructor its free_all calls pass. */
function shadowIds(m: ModuleModel): Map<number, { idText: string; dtor?: string }> {
  const out = new Map<number, { idText: string; dtor?: string }>();
  for (const c of m.shadowCalls) {
    if (c.id === undefined) continue;
    const prev = out.get(c.id);
    out.set(c.id, { idText: prev?.idText ?? c.idText.trim(), dtor: prev?.dtor ?? (c.op === 'free_all' && c.dtor && c.dtor !== 'NULL' ? c.dtor : undefined) });
  }
  return out;
}

/** The conversion simulated for "freed automatically": an is_shadow state per shadow id used. */
function withShadowStates(m: ModuleModel): SimModuleSpec {
  const spec = specFromModel(m);
  if (!spec.patch) return spec;
  const states: SimStateSpec[] = spec.patch.states.map((s) => ({ ...s }));
  for (const [id, u] of shadowIds(m)) {
    const s = states.find((x) => x.id === id);
    if (s) { s.isShadow = true; if (u.dtor && !s.shadowDtor) s.shadowDtor = u.dtor; continue; }
    states.push({ id, version: 0, isShadow: true, callbacks: {}, ...(u.dtor ? { shadowDtor: u.dtor } : {}) });
  }
  return { ...spec, patch: { ...spec.patch, states } };
}

/** What the series means under the proposed API, step by step (see the top of this file). */
export function proposalView(report: SeriesReport): ProposalView {
  const models = new Map<string, ModuleModel | SimModuleSpec>(report.patches.map((p) => [p.module, p.model]));
  const writtenFor: ApiLevelName = report.patches.some((p) => p.model.apiLevel === 'state-callbacks') ? 'state-callbacks' : 'upstream';
  // First pass: which patches are installed at the end under each level; then disable them.
  const probe = buildPath(report, []);
  const end = { upstream: listedAtEnd(run(probe, models, 'upstream')), 'state-callbacks': listedAtEnd(run(probe, models, 'state-callbacks')) };
  // A series written for the proposal does not build for today's kernel: only its own level counts.
  const disable = writtenFor === 'state-callbacks' ? end['state-callbacks'] : [...new Set([...end['state-callbacks'], ...end.upstream])];
  const path = buildPath(report, disable);
  const ev = { upstream: run(path, models, 'upstream'), 'state-callbacks': run(path, models, 'state-callbacks') };

  const steps: ProposalStep[] = path.steps.map((s) => ({
    ...s, result: { upstream: 'ok', 'state-callbacks': 'ok' }, objectCallbacks: [], replacedCallbacks: [], stateCallbacks: [], shadowFreed: [], refusals: {},
  }));
  const notes: string[] = [];
  for (const level of ['upstream', 'state-callbacks'] as const) {
    for (const e of ev[level]) {
      const i = path.stepOf.get(e.command);
      if (e.kind === 'note' && level === 'state-callbacks' && !notes.includes(e.message) && !/has no sources/.test(e.message)) notes.push(e.message);
      if (i === undefined) continue;
      const st = steps[i];
      if (e.kind === 'failure') {
        st.result[level] = 'refused';
      } else if (e.kind === 'sysfs' && e.op === 'write' && e.result !== 0) {
        st.result[level] = end[level].includes(st.patch) ? 'refused' : 'absent';
      } else if (e.kind === 'log' && (e.message === 'not-compatible' || e.message === 'disable-blocked')) {
        st.refusals[level] = e.line;
      } else if (level === 'upstream' && e.kind === 'callback') {
        const label = `${e.patch} ${e.object} ${e.callback} ${e.cFunction ?? ''}`.trim();
        if (!e.skipped) st.objectCallbacks.push(label);
        else if (e.skipped === 'replaced') st.replacedCallbacks.push(label);
      } else if (level === 'state-callbacks' && e.kind === 'state-callback' && !e.skipped) {
        st.stateCallbacks.push(`${e.patch}: ${e.cFunction} (state ${hex(e.state)}, ${e.callback}${e.role === 'replaced' ? ', as a replaced patch' : ''})`);
      } else if (level === 'state-callbacks' && e.kind === 'shadow-lifetime' && e.change === 'freed') {
        st.shadowFreed.push(`${hex(e.id)} (${e.patch}'s state${e.dtor ? `, dtor ${e.dtor}` : ''})`);
      }
    }
  }

  const shadows: ShadowProposal[] = [];
  if (writtenFor === 'upstream') {
    const converted = new Map<string, ModuleModel | SimModuleSpec>(report.patches.map((p) => [p.module, withShadowStates(p.model)]));
    const conv = run(path, converted, 'state-callbacks');
    const ids = new Map<number, ShadowProposal>();
    for (const p of report.patches) {
      for (const [id, u] of shadowIds(p.model)) {
        let s = ids.get(id);
        if (!s) { s = { id, idText: u.idText, usedBy: [], freedAllBy: [], stateIn: [], freedAt: [] }; ids.set(id, s); }
        s.usedBy.push(p.module);
        for (const c of p.model.shadowCalls) if (c.op === 'free_all' && c.id === id) s.freedAllBy.push({ file: c.file, range: c.range });
        if (p.states.some((x) => x.id === id)) s.stateIn.push(p.module);
      }
    }
    for (const e of conv) {
      if (e.kind !== 'shadow-lifetime' || e.change !== 'freed') continue;
      const i = path.stepOf.get(e.command);
      const s = ids.get(e.id);
      if (!s || i === undefined) continue;
      const st = path.steps[i];
      s.freedAt.push(st.action === 'insmod' ? `when ${st.patch} is loaded (step ${i + 1}: it does not use the id; ${e.patch}'s state goes away)` : `when ${st.patch} is disabled`);
    }
    shadows.push(...[...ids.values()].sort((a, b) => a.id - b.id));
  }
  return { writtenFor, steps, shadows, notes };
}

const list = (xs: string[]) => (xs.length ? xs.join('; ') : '-');

/** The `klp-studio series --kernel-api state-callbacks` section. */
export function formatProposalView(v: ProposalView, show: ShowPath = (f) => f): string {
  const L: string[] = [];
  L.push('under the proposed state-callbacks API (semantics §12, not merged; docs/STATE-CALLBACKS.md):');
  L.push(v.writtenFor === 'upstream'
    ? '  the series is written for today\'s API: per-object callbacks do not exist in the proposal, so none of them runs'
    : '  the series is written for the proposal (state callbacks; it does not build for today\'s kernel)');
  L.push('  (path: each patch loaded over the previous ones, then every installed patch disabled, top first)');
  v.steps.forEach((s, i) => {
    const what = s.action === 'insmod' ? `step ${i + 1}: insmod ${s.patch}` : `then: echo 0 > ${s.patch}/enabled`;
    const verdict = (l: ApiLevelName) => (s.result[l] === 'ok' ? (s.action === 'insmod' ? 'accepted' : 'disabled') : s.result[l] === 'absent' ? 'not installed' : 'REFUSED');
    const same = s.result.upstream === s.result['state-callbacks'];
    if (v.writtenFor === 'state-callbacks') {
      L.push(`  ${what}: ${verdict('state-callbacks')}`);
      if (s.refusals['state-callbacks']) L.push(`    ${s.refusals['state-callbacks']}`);
    } else {
      L.push(`  ${what}: ${same ? `${verdict('state-callbacks')} under both` : `today ${verdict('upstream')}, under the proposal ${verdict('state-callbacks')}`}`);
      if (s.refusals['state-callbacks']) L.push(`    proposal: ${s.refusals['state-callbacks']}`);
      if (s.refusals.upstream && !same) L.push(`    today: ${s.refusals.upstream}`);
    }
    if (v.writtenFor === 'upstream') {
      if (s.objectCallbacks.length) L.push(...wrap(`    object callbacks that stop running: ${list(s.objectCallbacks)}`, 100, '      '));
      if (s.replacedCallbacks.length) L.push(...wrap(`    callbacks of replaced patches that never run today: ${list(s.replacedCallbacks)}`, 100, '      '));
    }
    if (s.stateCallbacks.length) L.push(...wrap(`    state callbacks that run: ${list(s.stateCallbacks)}`, 100, '      '));
    if (s.shadowFreed.length) L.push(...wrap(`    shadow variables freed (is_shadow): ${list(s.shadowFreed)}`, 100, '      '));
  });
  if (v.shadows.length) {
    L.push('  shadow variables, if each patch that uses an id declared a state of that id with .is_shadow = true (simulated):');
    for (const s of v.shadows) {
      L.push(...wrap(`    ${s.idText}${s.idText !== String(s.id) ? ` (${hex(s.id)})` : ''}: used by ${s.usedBy.join(', ')}; ` +
        `freed automatically ${s.freedAt.length ? s.freedAt.join(', then ') : 'never on this path'}` +
        (s.freedAllBy.length ? `; the klp_shadow_free_all() calls at ${s.freedAllBy.map((l) => `${show(l.file)}:${l.range.start.line + 1}`).join(', ')} would become redundant (KLP072)` : '; nothing frees them by hand today') +
        (s.stateIn.length ? `; a state of that id already exists in ${s.stateIn.join(', ')}` : ''), 100, '      '));
    }
  }
  if (v.notes.length) {
    L.push('  notes of the simulator under the proposal:');
    for (const n of v.notes) L.push(...wrap(`    ${n}`, 100, '      '));
  }
  return L.join('\n') + '\n';
}
