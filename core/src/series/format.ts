// The outputs of `klp-studio series`: a plain-text table per step (no colours or box
// drawing, so it reads the same in a CI log; prose wrapped at 100 columns, table rows as
// wide as their cells) and JSON. A step of a module written for the proposed
// state-callbacks API (semantics §12) is told in the proposal's terms: no state versions,
// refusals by block_disable, shadow variables tied to is_shadow states. Pure.
import type { KlpState, Location } from '../model';
import type { FunctionStep, LostEffect, SeriesReport, ShadowChange, ShadowStep, StateChange, StateStep, StepAnalysis } from './analyze';
import { shadowKey } from './summary';
import { patchStates } from '../rules/stateApi';

export type ShowPath = (file: string) => string;

const FUNCTION_LABEL: Record<FunctionStep, string> = {
  new: 'new',
  changed: 're-patched',
  kept: 'unchanged',
  'reverted-by-nop': 'reverted (NOP)',
  stacked: 'stacked',
};

const STATE_LABEL: Record<StateStep, string> = {
  introduced: 'introduced',
  carried: 'carried',
  upgraded: 'upgraded',
  dropped: 'DROPPED',
  downgraded: 'DOWNGRADED',
  untouched: 'left to older',
};

const SHADOW_LABEL: Record<ShadowStep, string> = {
  introduced: 'introduced',
  carried: 'carried',
  freed: 'freed',
  leaked: 'LEAKED',
  'left-to-older': 'left to older',
};

/** `1 step`, `2 steps`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function table(rows: string[][], indent = '    '): string[] {
  if (!rows.length) return [];
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { if (i < r.length - 1) widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => (indent + r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ')).trimEnd());
}

function at(loc: Location | undefined, show: ShowPath): string {
  return loc ? `${show(loc.file)}:${loc.range.start.line + 1}` : '';
}

function kindText(s: StepAnalysis): string {
  return s.replace ? 'cumulative' : 'non-cumulative';
}

/** What the formatter needs to know about the modules of the series. */
interface Ctx {
  show: ShowPath;
  /** Modules written for the proposed state-callbacks API. */
  proposal: Set<string>;
  /** The klp_state entries of each module, by id. */
  states: Map<string, Map<number, KlpState>>;
}

function context(report: SeriesReport, show: ShowPath): Ctx {
  const proposal = new Set(report.patches.filter((p) => p.model.apiLevel === 'state-callbacks').map((p) => p.module));
  const states = new Map<string, Map<number, KlpState>>();
  for (const p of report.patches) {
    const byId = new Map<number, KlpState>();
    for (const st of patchStates(p.model)) if (st.id !== undefined && !byId.has(st.id)) byId.set(st.id, st);
    states.set(p.module, byId);
  }
  return { show, proposal, states };
}

/** Whether the kernel judges step S by the proposal's rules (as the analysis does: any module of it written for the proposal). */
function underProposal(s: StepAnalysis, ctx: Ctx): boolean {
  return ctx.proposal.has(s.patch) || s.over.some((m) => ctx.proposal.has(m));
}

function stateOf(ctx: Ctx, module: string | undefined, id: number): KlpState | undefined {
  return module === undefined ? undefined : ctx.states.get(module)?.get(id);
}

/** A state or shadow id as the tables write it: decimal when small, else hex (like the kernel's ids in the sources). */
export function idNumber(id: number): string {
  return id > 255 ? `0x${id.toString(16)}` : String(id);
}

function verdict(s: StepAnalysis, ctx: Ctx): string {
  if (s.accepted) return 'accepted';
  const proposal = underProposal(s, ctx);
  const why = s.states.filter((x) => !x.compatible).map((x) => proposal
    // §12: versions play no part; a cumulative patch is refused only for dropping a block_disable state.
    ? `drops state ${x.idText}, installed by ${x.prevModule} with .block_disable`
    : x.status === 'dropped'
      ? `drops state ${x.idText}, installed by ${x.prevModule}`
      : `state ${x.idText} version ${x.version} < ${x.prevVersion} in ${x.prevModule}`);
  return `REFUSED by the kernel: ${why.join('; ')}`;
}

/** Breaks TEXT at spaces so that no line exceeds WIDTH; continuation lines get INDENT. */
export function wrap(text: string, width = 100, indent = '    '): string[] {
  const lead = /^\s*/.exec(text)![0];
  const words = text.slice(lead.length).split(' ');
  const out: string[] = [];
  let line = lead;
  for (const w of words) {
    const sep = line.trim() ? ' ' : '';
    if (line.trim() && line.length + sep.length + w.length > width) {
      out.push(line);
      line = indent + w;
    } else line += sep + w;
  }
  out.push(line);
  return out;
}

function functionRows(s: StepAnalysis): string[][] {
  return s.functions.map((f) => {
    const note = f.status === 'new' ? '' : f.status === 'reverted-by-nop' ? `${f.from}'s version removed, original code runs`
      : f.status === 'kept' ? `same body as ${f.from}` : f.status === 'stacked' ? `on top of ${f.from}'s version` : `replaces ${f.from}'s version${f.compared === false ? ' (not compared)' : ''}`;
    return [f.object, f.name + (f.sympos ? `,${f.sympos}` : ''), FUNCTION_LABEL[f.status], note];
  });
}

function stateRows(s: StepAnalysis, ctx: Ctx): string[][] {
  const proposal = underProposal(s, ctx);
  return s.states.map((x) => {
    const name = `${x.idText} (id ${idNumber(x.id)})`;
    if (!proposal) {
      const v = x.status === 'introduced' ? `v${x.version}`
        : x.status === 'dropped' || x.status === 'untouched' ? `v${x.prevVersion} in ${x.prevModule} -> none`
        : `v${x.prevVersion} -> v${x.version}`;
      return [name, STATE_LABEL[x.status], v, x.compatible ? '' : 'incompatible'];
    }
    return [name, ...proposalStateCells(s, x, ctx)];
  });
}

/** A state row under the proposal (§12): callbacks run only for states introduced or removed; versions are ignored. */
function proposalStateCells(s: StepAnalysis, x: StateChange, ctx: Ctx): string[] {
  const mine = stateOf(ctx, s.patch, x.id);
  const prev = stateOf(ctx, x.prevModule, x.id);
  const flags = (st: KlpState | undefined) => [st?.isShadow ? 'is_shadow' : '', st?.blockDisable ? 'block_disable' : ''].filter(Boolean);
  const kinds = (st: KlpState | undefined, which: ('pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch')[]) => which.filter((k) => st?.callbacks[k]);
  switch (x.status) {
    case 'introduced': {
      const run = kinds(mine, ['pre_patch', 'post_patch']);
      return ['introduced', [...flags(mine), run.length ? `${s.patch}'s ${run.join('/')} ${run.length > 1 ? 'run' : 'runs'}` : ''].filter(Boolean).join('; '), ''];
    }
    case 'dropped': {
      if (!x.compatible) return ['DROPPED', `${x.prevModule} has it with .block_disable`, 'incompatible'];
      const run = kinds(prev, ['pre_unpatch', 'post_unpatch']);
      const what = [run.length ? `${x.prevModule}'s ${run.join('/')} ${run.length > 1 ? 'run' : 'runs'}` : `was in ${x.prevModule}`, prev?.isShadow ? 'its shadow variables are freed' : ''];
      return ['removed', what.filter(Boolean).join('; '), ''];
    }
    case 'untouched':
      return ['left to older', `in ${x.prevModule}`, ''];
    default: {
      // carried, upgraded, downgraded: all "carried over" under the proposal (versions ignored).
      const versions = x.version !== x.prevVersion ? `; versions ignored (v${x.prevVersion} -> v${x.version})` : '';
      return ['carried', `no callbacks run${flags(mine).length ? `; ${flags(mine).join(', ')}` : ''}${versions}`, ''];
    }
  }
}

function shadowRows(s: StepAnalysis, ctx: Ctx): string[][] {
  const proposal = underProposal(s, ctx);
  return s.shadows.map((x) => {
    const tied = proposal ? isShadowFate(s, x, ctx) : undefined;
    const note = x.status === 'leaked'
      ? (x.freedOnlyByLostCallbacks ? `only ${x.allocatedBy.join(', ')}'s never-run callbacks freed it` : `allocated by ${x.allocatedBy.join(', ')}, freed by nobody now`)
      : x.status === 'carried' ? `also allocated by ${x.allocatedBy.join(', ')}`
      : x.status === 'introduced' ? (x.frees.length ? 'allocated and freed here' : 'allocated, never freed here')
      : x.status === 'freed' ? `freed (allocated by ${x.allocatedBy.join(', ') || 'nobody'})` : `still used by ${x.allocatedBy.join(', ')}`;
    const num = x.id === undefined ? '' : x.id > 255 ? `0x${x.id.toString(16)}` : String(x.id);
    return [x.idText + (num && num !== x.idText.toLowerCase() && String(x.id) !== x.idText ? ` (${num})` : ''), tied?.label ?? SHADOW_LABEL[x.status], tied?.note ?? note];
  });
}

/**
 * Under the proposal, the shadow variables of an id with an is_shadow state live as long as
 * the state: kept while the new patch carries it, freed by the kernel when the step removes
 * it. Undefined when no is_shadow state of that id is involved (the analysis' label stands).
 */
function isShadowFate(s: StepAnalysis, x: ShadowChange, ctx: Ctx): { label: 'introduced' | 'carried' | 'freed'; owner: string; note: string } | undefined {
  if (x.id === undefined) return undefined;
  const mine = stateOf(ctx, s.patch, x.id);
  if (mine?.isShadow) return { label: x.status === 'introduced' ? 'introduced' : 'carried', owner: s.patch, note: `tied to ${s.patch}'s is_shadow state` };
  const owner = [...s.over].reverse().find((m) => stateOf(ctx, m, x.id!)?.isShadow);
  if (!owner || mine || !s.replace) return undefined;
  return { label: 'freed', owner, note: `by the kernel, with ${owner}'s is_shadow state` };
}

/** What becomes of one effect of a never-run callback: taken over, not needed, or NOT TAKEN OVER. */
function effectFate(s: StepAnalysis, e: LostEffect, ctx: Ctx): string {
  if (e.moot) return `no need: ${e.moot}`;
  if (e.takenOverAt) return `taken over at ${at(e.takenOverAt, ctx.show)}`;
  if (e.effect.kind === 'shadow-free' && underProposal(s, ctx)) {
    // §12: the shadow variables of an is_shadow state go with the state, not with a callback.
    const x = s.shadows.find((sh) => shadowKey(sh.id, sh.idText) === e.effect.key);
    const fate = x && isShadowFate(s, x, ctx);
    if (fate) return `no need: ${fate.label === 'freed' ? 'freed' : 'kept'} with ${fate.owner}'s is_shadow state`;
  }
  return 'NOT TAKEN OVER';
}

function callbackLines(s: StepAnalysis, ctx: Ctx): string[] {
  const out: string[] = [];
  for (const cb of s.lostCallbacks) {
    out.push(`    ${cb.module} ${cb.kind} ${cb.fn}() (${cb.object})${cb.effects.length ? '' : ': does nothing that outlives it'}`);
    out.push(...table(cb.effects.map((e) => [e.effect.text + (e.effect.via ? ` via ${e.effect.via}()` : ''), effectFate(s, e, ctx)]), '      '));
  }
  return out;
}

/** One line of counts; the functions a NOP reverts are named when WITH_REVERTED. */
function summaryCounts(s: StepAnalysis, ctx: Ctx, withReverted = false): string {
  const count = (st: FunctionStep) => s.functions.filter((f) => f.status === st).length;
  const reverted = s.functions.filter((f) => f.status === 'reverted-by-nop').map((f) => f.name);
  const parts = (['new', 'changed', 'kept', 'reverted-by-nop', 'stacked'] as FunctionStep[]).filter((k) => count(k)).map((k) => `${count(k)} ${FUNCTION_LABEL[k]}`
    + (k === 'reverted-by-nop' && withReverted ? `: ${reverted.join(', ')} back to original code` : ''));
  const lost = s.lostCallbacks.flatMap((c) => c.effects).filter((e) => effectFate(s, e, ctx) === 'NOT TAKEN OVER').length;
  return [parts.join(', ') || 'no functions', lost ? `${plural(lost, 'cleanup')} of never-run callbacks not taken over` : ''].filter(Boolean).join('; ');
}

/** The `klp-studio series` text output of REPORT. */
export function formatSeriesText(report: SeriesReport, show: ShowPath = (f) => f): string {
  const ctx = context(report, show);
  const L: string[] = [];
  const order = report.patches.map((p) => p.module).join(' -> ') || '(no livepatch modules)';
  L.push(`series ${report.name}: ${order}`);
  const here = show(report.dir);
  L.push(...wrap(report.inferred
    ? (here === '.' ? '  order inferred from module names (natural order) in this folder; write klp.series here to pin it'
      : `  order inferred from module names (natural order) in ${here}; write ${here}/klp.series to pin it`)
    : `  order from ${show(report.file!)}`));
  for (const p of report.problems) L.push(...wrap(`  error: ${p.file && p.line !== undefined ? `${show(p.file)}:${p.line + 1}: ` : ''}${p.message}`));

  for (const step of report.steps) {
    const m = step.main;
    const p = report.patches[step.index];
    L.push('');
    const over = m.over.length ? `over ${m.over.join(' + ')}` : 'on a machine without livepatches';
    const how = p.replaceHow === 'initializer' || p.replaceHow === 'absent' ? '' : `, replace from ${p.replaceHow}`;
    L.push(`step ${step.index + 1}: ${m.patch} ${over} (${kindText(m)}${how})`);
    L.push(...wrap(`  ${verdict(m, ctx)}`));
    if (m.functions.length) { L.push('  functions'); L.push(...table(functionRows(m))); }
    if (m.states.length) { L.push('  system states'); L.push(...table(stateRows(m, ctx))); }
    if (m.lostCallbacks.length) { L.push(...wrap(`  callbacks that never run (${m.over.join(', ')} replaced without unpatching)`)); L.push(...callbackLines(m, ctx)); }
    if (m.shadows.length) { L.push('  shadow variables'); L.push(...table(shadowRows(m, ctx))); }
    for (const s of step.skips) {
      L.push(...wrap(`  version skip, ${s.patch} over ${s.over.join(' + ')}: ${verdict(s, ctx)}; ${summaryCounts(s, ctx)}`));
    }
    if (!step.downgrade && step.index > 0 && m.accepted && !m.replace) {
      L.push(...wrap(`  downgrade: disable ${m.patch} (echo 0 > /sys/kernel/livepatch/${m.patch}/enabled); ${m.over.join(' + ')} stay installed`));
    }
    if (step.downgrade) {
      const d = step.downgrade;
      L.push(...wrap(`  downgrade, ${d.patch} over ${d.over.join(' + ')}: ${verdict(d, ctx)}${d.accepted ? `; ${summaryCounts(d, ctx, true)}` : `; to roll back, disable ${d.over[d.over.length - 1]} first`}`));
    }
  }
  const refused = report.steps.filter((s) => !s.main.accepted).length;
  L.push('');
  L.push(`${plural(report.steps.length, 'step')}, ${refused ? `${refused} refused by the kernel` : 'all accepted by the kernel'}`);
  return L.join('\n') + '\n';
}

/** The `--format json` object: the report with locations as {file, line, column} (1-based) and no raw models. */
export function seriesToJson(report: SeriesReport, show: ShowPath = (f) => f): unknown {
  const top = { ...report, dir: show(report.dir), file: report.file && show(report.file), problems: report.problems.map((p) => ({ ...p, file: p.file && show(p.file) })) };
  return JSON.parse(JSON.stringify(top, (key, value) => {
    if (key === 'model' || key === 'allEffects' || key === 'statesArray' || key === 'fingerprint') return undefined;
    if (value && typeof value === 'object' && typeof value.file === 'string' && value.range && value.range.start && Object.keys(value).length === 2) {
      return { file: show(value.file), line: value.range.start.line + 1, column: value.range.start.character + 1 };
    }
    return value;
  }));
}
