// The server's one door into the core analyses: the single-module rules (core/src/rules)
// and the series analysis (core/src/series). Keeps the rest of the server independent of
// how the core spells them, and applies the severity settings to series findings too.
import type { Finding, Severity } from '../../core/src/findings';
import type { FileHost } from '../../core/src/host';
import type { CFunction, ModuleModel } from '../../core/src/model';
import { normalize } from '../../core/src/extract';
import { runModuleRules } from '../../core/src/rules';
import { analyzeSeries, type SeriesReport, type StepMemo } from '../../core/src/series/analyze';
import { summarizePatch, type PatchSummary } from '../../core/src/series/summary';
import type { LineIndex } from '../../core/src/text';
import { seriesFindings } from '../../core/src/series/findings';
import { stateApiSeriesAdjust, type KernelApiOption } from '../../core/src/rules/stateApi';
import { readSeriesSpec, type SeriesSpec } from '../../core/src/series/seriesFile';
import { seriesProblemFindings } from '../../core/src/series/load';
import { dirname } from '../../core/src/workspace/modules';
import type { WorkspaceIndex } from './workspace';

export interface ModuleCheckContext {
  functions(name: string): CFunction[];
  severity: Record<string, Severity | 'off'>;
  /** `klpStudio.kernelApi` (rules of the proposed state-callbacks API, core/src/rules/stateApi.ts). */
  kernelApi?: KernelApiOption;
  sourceText?(file: string): string | undefined;
  log?(message: string): void;
  /** RuleContext.cumulativeExpected (core/src/rules/cumulative.ts): quiets KLP020/KLP054 outside series. */
  cumulativeExpected?: boolean;
}

/** Findings of the single-module rules for one module. Never throws. */
export function moduleFindings(model: ModuleModel, ctx: ModuleCheckContext): Finding[] {
  try {
    return runModuleRules(model, {
      lookupFunction: (name) => ctx.functions(name),
      severity: ctx.severity,
      ...(ctx.kernelApi ? { kernelApi: ctx.kernelApi } : {}),
      sourceText: ctx.sourceText,
      cumulativeExpected: ctx.cumulativeExpected,
      onRuleError: (family, e) => ctx.log?.(`rule family ${family} failed on ${model.name}: ${e instanceof Error ? e.stack : String(e)}`),
    });
  } catch (e) {
    ctx.log?.(`rules failed on ${model.name}: ${e instanceof Error ? e.stack : String(e)}`);
    return [];
  }
}

/** A series: its order (index keys, oldest first) and where the order comes from. */
export interface SeriesInfo {
  name: string;
  /** The klp.series file the order comes from. */
  file?: string;
  source: 'klp.series';
  /** Index keys of the modules in series order. */
  modules: string[];
  spec: SeriesSpec;
}

export interface SeriesState {
  info: SeriesInfo;
  findings: Finding[];
  report?: SeriesReport;
}

/**
 * Series of the workspace: one per folder with a klp.series file (core/src/series reads
 * it). A folder of livepatch modules without one is no series (as in `klp-studio check`):
 * its modules are checked one by one, and codeActions.ts offers to create the file.
 */
export function seriesOfModules(index: WorkspaceIndex, host: FileHost): SeriesInfo[] {
  const out: SeriesInfo[] = [];
  const keyOf = (files: string[], name: string, near: string) =>
    (files.length ? index.modulesOf(normalize(files[0]))[0] : undefined)?.key ?? index.byName(name, near)?.key;
  for (const file of index.series()) {
    const dir = dirname(file);
    const spec = readSeriesSpec(dir, host);
    const modules = spec.entries.map((e) => keyOf(e.files, e.name, file)).filter((k): k is string => !!k);
    out.push({ name: dir.slice(dir.lastIndexOf('/') + 1) || dir, file, source: 'klp.series', modules, spec });
  }
  return out;
}

function applySeverity(findings: Finding[], severity: Record<string, Severity | 'off'>): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const s = severity[f.code];
    if (s === 'off') continue;
    out.push(s ? { ...f, severity: s } : f);
  }
  return out;
}

/** What a livepatch module brings to a series (core/src/series/summary). */
export function summarize(model: ModuleModel, readText: (file: string) => string | undefined, linesOf?: (file: string) => LineIndex | undefined): PatchSummary {
  return summarizePatch(model, readText, linesOf);
}

/**
 * Everything of a module the series analysis and its findings read: the patch summary
 * (tables, states, callbacks and their effects, shadow calls, replacement body
 * fingerprints, with their positions), plus the few model facts the findings look up. Two
 * equal fingerprints give equal series results, so an edit that leaves it unchanged needs
 * no series run.
 */
export function seriesFingerprint(model: ModuleModel, summary: PatchSummary): string {
  const { model: _m, ...rest } = summary;
  void _m;
  const globalsWritten = summary.callbacks.flatMap((c) => c.effects.filter((e) => e.kind === 'global-write').map((e) => [e.key, !!model.globals[e.key]]));
  const stateMacros = summary.states.map((s) => !!model.macros[s.idText]);
  const objs = model.objArrays.map((a) => a.entries.map((o) => [o.name, o.file, o.range, o.nameRange]));
  return JSON.stringify([model.name, model.isLivepatch, rest, globalsWritten, stateMacros, objs]);
}

/** Runs the series analysis on each series with the current models. Never throws. */
export function analyseSeries(
  series: SeriesInfo[],
  modelOf: (key: string) => ModuleModel | undefined,
  options: {
    readText?: (file: string) => string | undefined;
    severity: Record<string, Severity | 'off'>;
    kernelApi?: KernelApiOption;
    log?(m: string): void;
    /** Summaries kept by the caller (per model), and the step memo of the series (one series at a time). */
    summarize?: (m: ModuleModel) => PatchSummary;
    memo?: StepMemo;
  },
): SeriesState[] {
  return series.map((info) => {
    try {
      const models = new Map<string, ModuleModel>();
      for (const k of info.modules) {
        const m = modelOf(k);
        if (m) models.set(m.name, m);
      }
      const report = analyzeSeries(info.spec, models, { readText: options.readText, summarize: options.summarize, memo: options.memo });
      const findings = stateApiSeriesAdjust(report, seriesFindings(report), options.kernelApi);
      // Problems of the klp.series file itself are shown on it (as `check` reports them).
      findings.push(...seriesProblemFindings(report));
      return { info, findings: applySeverity(findings, options.severity), report };
    } catch (e) {
      options.log?.(`series analysis of ${info.name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { info, findings: [] };
    }
  });
}
