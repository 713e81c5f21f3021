// The outputs of `klp-studio series`: a plain-text table per step (fits an 80-column
// terminal, no colours or box drawing, so it reads the same in a CI log) and JSON. Pure.
import type { Location } from '../model';
import type { FunctionStep, SeriesReport, ShadowStep, StateStep, StepAnalysis } from './analyze';

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

function verdict(s: StepAnalysis): string {
  if (s.accepted) return 'accepted';
  const why = s.states.filter((x) => !x.compatible).map((x) => x.status === 'dropped'
    ? `drops state ${x.idText} (${x.prevModule} has version ${x.prevVersion})`
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

function stateRows(s: StepAnalysis): string[][] {
  return s.states.map((x) => {
    const v = x.status === 'introduced' ? `v${x.version}`
      : x.status === 'dropped' || x.status === 'untouched' ? `v${x.prevVersion} in ${x.prevModule} -> none`
      : `v${x.prevVersion} -> v${x.version}`;
    return [`${x.idText} (id ${x.id})`, STATE_LABEL[x.status], v, x.compatible ? '' : 'incompatible'];
  });
}

function shadowRows(s: StepAnalysis): string[][] {
  return s.shadows.map((x) => {
    const note = x.status === 'leaked'
      ? (x.freedOnlyByLostCallbacks ? `only ${x.allocatedBy.join(', ')}'s never-run callbacks freed it` : `allocated by ${x.allocatedBy.join(', ')}, freed by nobody now`)
      : x.status === 'carried' ? `also allocated by ${x.allocatedBy.join(', ')}`
      : x.status === 'introduced' ? (x.frees.length ? 'allocated and freed here' : 'allocated, never freed here')
      : x.status === 'freed' ? `freed (allocated by ${x.allocatedBy.join(', ') || 'nobody'})` : `still used by ${x.allocatedBy.join(', ')}`;
    const num = x.id === undefined ? '' : x.id > 255 ? `0x${x.id.toString(16)}` : String(x.id);
    return [x.idText + (num && num !== x.idText.toLowerCase() && String(x.id) !== x.idText ? ` (${num})` : ''), SHADOW_LABEL[x.status], note];
  });
}

function callbackLines(s: StepAnalysis, show: ShowPath): string[] {
  const out: string[] = [];
  for (const cb of s.lostCallbacks) {
    out.push(`    ${cb.module} ${cb.kind} ${cb.fn}() (${cb.object})${cb.effects.length ? '' : ': does nothing that outlives it'}`);
    out.push(...table(cb.effects.map((e) => [e.effect.text + (e.effect.via ? ` via ${e.effect.via}()` : ''), e.moot ? `no need: ${e.moot}` : e.takenOverAt ? `taken over at ${at(e.takenOverAt, show)}` : 'NOT TAKEN OVER']), '      '));
  }
  return out;
}

function summaryCounts(s: StepAnalysis): string {
  const count = (st: FunctionStep) => s.functions.filter((f) => f.status === st).length;
  const parts = (['new', 'changed', 'kept', 'reverted-by-nop', 'stacked'] as FunctionStep[]).filter((k) => count(k)).map((k) => `${count(k)} ${FUNCTION_LABEL[k]}`);
  const lost = s.lostCallbacks.flatMap((c) => c.effects).filter((e) => !e.takenOverAt && !e.moot).length;
  return [parts.join(', ') || 'no functions', lost ? `${lost} cleanup(s) of never-run callbacks not taken over` : ''].filter(Boolean).join('; ');
}

/** The `klp-studio series` text output of REPORT. */
export function formatSeriesText(report: SeriesReport, show: ShowPath = (f) => f): string {
  const L: string[] = [];
  const order = report.patches.map((p) => p.module).join(' -> ') || '(no livepatch modules)';
  L.push(`series ${report.name}: ${order}`);
  L.push(...wrap(report.inferred
    ? `  order inferred from module names (natural order) in ${show(report.dir)}; write ${show(report.dir)}/klp.series to pin it`
    : `  order from ${show(report.file!)}`));
  for (const p of report.problems) L.push(...wrap(`  error: ${p.file && p.line !== undefined ? `${show(p.file)}:${p.line + 1}: ` : ''}${p.message}`));

  for (const step of report.steps) {
    const m = step.main;
    const p = report.patches[step.index];
    L.push('');
    const over = m.over.length ? `over ${m.over.join(' + ')}` : 'on a machine without livepatches';
    const how = p.replaceHow === 'initializer' || p.replaceHow === 'absent' ? '' : `, replace from ${p.replaceHow}`;
    L.push(`step ${step.index + 1}: ${m.patch} ${over} (${kindText(m)}${how})`);
    L.push(...wrap(`  ${verdict(m)}`));
    if (m.functions.length) { L.push('  functions'); L.push(...table(functionRows(m))); }
    if (m.states.length) { L.push('  system states'); L.push(...table(stateRows(m))); }
    if (m.lostCallbacks.length) { L.push(...wrap(`  callbacks that never run (${m.over.join(', ')} replaced without unpatching)`)); L.push(...callbackLines(m, show)); }
    if (m.shadows.length) { L.push('  shadow variables'); L.push(...table(shadowRows(m))); }
    for (const s of step.skips) {
      L.push(...wrap(`  version skip, ${s.patch} over ${s.over.join(' + ')}: ${verdict(s)}; ${summaryCounts(s)}`));
    }
    if (!step.downgrade && step.index > 0 && m.accepted && !m.replace) {
      L.push(...wrap(`  downgrade: disable ${m.patch} (echo 0 > /sys/kernel/livepatch/${m.patch}/enabled); ${m.over.join(' + ')} stay installed`));
    }
    if (step.downgrade) {
      const d = step.downgrade;
      const undo = d.functions.filter((f) => f.status === 'reverted-by-nop').map((f) => f.name);
      L.push(...wrap(`  downgrade, ${d.patch} over ${d.over.join(' + ')}: ${verdict(d)}${d.accepted ? `; ${summaryCounts(d)}${undo.length ? ` (${undo.join(', ')} back to original code)` : ''}` : `; to roll back, disable ${d.over[d.over.length - 1]} first`}`));
    }
  }
  const refused = report.steps.filter((s) => !s.main.accepted).length;
  L.push('');
  L.push(`${report.steps.length} step(s), ${refused ? `${refused} refused by the kernel` : 'all accepted by the kernel'}`);
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
