// Series analysis: cumulative upgrades checked before they reach a machine. Owns
// `klp-studio series` (through cli/src/commands/series.ts) and the series rules of
// `check` and the language server (KLP021, KLP022, KLP024, KLP032, KLP042, KLP043, and the
// series parts of KLP051/KLP052). Pure: files come through a FileHost.
//
// API (docs/SERIES.md has the details):
//   findSeriesDirs(root, host): string[]
//       every folder under ROOT holding a klp.series (one series per folder).
//   loadSeries(dir, host, provide?): { spec, models }
//       the series of DIR: klp.series lines in order, or, without one, the livepatch
//       modules directly in DIR in natural name order (spec.inferred = true; say so to the
//       user). `provide` supplies models (default: extract through HOST; pass
//       modelProvider(host, modelsYouHave) to reuse yours). Requires initParser().
//   analyzeSeries(spec, models, { readText }?): SeriesReport
//       per step (patch N over what the earlier steps left installed): functions, states
//       (kernel compatibility rule), never-run callbacks of replaced patches and what they
//       leave undone, shadow ids; plus version-skip steps and the downgrade path. Pass
//       readText (e.g. host.readFile) so re-patched vs unchanged bodies can be told apart.
//   seriesFindings(report): Finding[]
//       the series rules, on the patch where the user acts, `related` naming the other.
//   checkSeries(dir, host, provide?): { report, findings }
//       the three above in one call.
//   seriesFindingsForDirs(dirs, host, known?) / seriesFindingsForFiles(klpSeriesFiles, ...)
//       what `klp-studio check PATH...` adds: the findings of every klp.series folder under
//       the checked folders, and the problems of each klp.series as errors on their lines
//       (seriesProblemFindings; the editor shows the same). A folder without klp.series is
//       not a series: a folder of unrelated modules is not checked as one.
//   formatSeriesText(report, show?) / seriesToJson(report, show?)
//       the `klp-studio series` outputs.
//   seriesScenario(report, from?, to?)
//       the `.klpsim` text of the upgrade path (for `klp-studio simulate --series`).
//   seriesOverview(report)
//       the per-function / per-state matrix of the klp/seriesOverview request.
import type { FileHost } from '../host';
import type { Finding } from '../findings';
import type { ModuleModel } from '../model';
import { analyzeSeries, SeriesReport } from './analyze';
import { seriesFindings } from './findings';
import { loadSeries, modelProvider, ModelProvider, seriesProblemFindings } from './load';
import { findSeriesDirs, SERIES_FILE } from './seriesFile';
import { dirname } from '../workspace/scan';
import { stateApiSeriesAdjust, type KernelApiOption } from '../rules/stateApi';
import { klpBuildSeriesFindings } from '../klpbuild/seriesRules';

export * from './seriesFile';
export * from './summary';
export * from './analyze';
export * from './findings';
export * from './load';
export * from './format';
export * from './overview';
export * from './scenario';

/** Series options: the kernel API level (`--kernel-api`; 'auto' = what the modules use; ../rules/stateApi.ts). */
export interface SeriesCheckOptions {
  kernelApi?: KernelApiOption;
}

/** Loads, analyzes and checks the series of DIR. */
export function checkSeries(dir: string, host: FileHost, provide: ModelProvider = modelProvider(host), options: SeriesCheckOptions = {}): { report: SeriesReport; findings: Finding[] } {
  const { spec, models } = loadSeries(dir, host, provide);
  const report = analyzeSeries(spec, models, { readText: (f) => host.readFile(f) });
  return { report, findings: [...stateApiSeriesAdjust(report, seriesFindings(report), options.kernelApi), ...klpBuildSeriesFindings(report)] };
}

/**
 * Series findings for `klp-studio check DIRS`: every folder with a klp.series under DIRS
 * (KNOWN models are reused when their main file matches), with the problems of each
 * klp.series file (a missing module, a bad line) as errors on their lines.
 */
export function seriesFindingsForDirs(dirs: string[], host: FileHost, known: ModuleModel[] = [], options: SeriesCheckOptions = {}): Finding[] {
  return seriesFindingsForFiles(dirs.flatMap((d) => findSeriesDirs(d, host).map((s) => `${s}/${SERIES_FILE}`)), host, known, options);
}

/** Series findings (problems of the file included) of the given klp.series files. */
export function seriesFindingsForFiles(files: string[], host: FileHost, known: ModuleModel[] = [], options: SeriesCheckOptions = {}): Finding[] {
  const provide = modelProvider(host, known);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of files) {
    const d = dirname(f);
    if (seen.has(d)) continue;
    seen.add(d);
    const { report, findings } = checkSeries(d, host, provide, options);
    out.push(...findings, ...seriesProblemFindings(report));
  }
  return out;
}
