// `klp-studio simulate --series DIR [--from N] [--to M] [--print-scenario]`: the upgrade
// path of a livepatch series as a scenario (core/src/series/scenario.ts: the target
// modules, then each patch loaded over the previous one, `ls` after each), run on the
// simulator like any `.klpsim` (or only printed, to be saved and edited). N and M are
// 1-based series positions or module names. The series is DIR's klp.series; without one DIR
// is no series and nothing runs (../noSeries.ts names the klp.series to write), unless
// --infer asks for its livepatch modules in natural name order, which a note on stderr names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIO } from './io';
import { inputFolder, showPath, UsageError } from './io';
import { checkSeries, modelProvider, seriesScenario, SERIES_FILE } from '../../core/src/series';
import { parseScenario, runScenario, simulateFile, type SimOptions, type SimulateResult } from '../../core/src/sim';
import type { ModuleModel } from '../../core/src/model';
import { loadModule } from '../../core/src/workspace/modules';
import { patchAnalysisOf, patchModelNotes, withKernelTree, type PatchSeriesOptions } from '../../core/src/klpbuild/series';
import { nodeHost } from '../../common/src/nodeHost';
import { folderName, noSeriesMessage, shellWord, unorderedModules } from './noSeries';

export interface SeriesRunRequest {
  /** DIR as the user gave it. */
  given: string;
  from?: string;
  to?: string;
  searchDirs: string[];
  printScenario: boolean;
  /** `--infer`: without a klp.series, simulate DIR's livepatch modules in natural name order. */
  infer?: boolean;
  options: SimOptions;
  /** Where the series' .patch lines apply (`--kernel-tree`; ./kernelTree.ts). */
  trees?: PatchSeriesOptions;
}

export type SeriesRunOutcome =
  | { kind: 'printed'; text: string }
  | { kind: 'ran'; scenarioName: string; scenarioText: string; result: SimulateResult }
  | { kind: 'failed'; status: number };

/** Name the generated scenario goes by in messages (it is never written). */
export const GENERATED_NAME = 'upgrade.klpsim (generated)';

/** Generates the series' upgrade scenario and (unless printScenario) simulates it. Requires initParser(). */
export function runSeriesUpgrade(req: SeriesRunRequest, io: CliIO): SeriesRunOutcome {
  const dir = inputFolder(io, req.given, 'give the folder of the series', '--series ');
  const provide = withKernelTree(modelProvider(nodeHost), nodeHost, req.trees);
  const show = (f: string) => showPath(io, f);
  if (!req.infer && !fs.existsSync(path.join(dir, SERIES_FILE))) {
    // No klp.series: no guessed order is simulated (one meaning of series, issue 16).
    const modules = unorderedModules(dir, provide);
    if (modules.length) {
      io.err(noSeriesMessage(`klp-studio simulate: --series ${req.given}: `, dir, show(dir), folderName(show(dir)), modules, `klp-studio simulate --series ${shellWord(show(dir))} --infer`));
      return { kind: 'failed', status: 1 };
    }
  }
  const { report } = checkSeries(dir, nodeHost, provide);
  if (!report.patches.length && !report.problems.length) {
    io.err(`klp-studio simulate: --series ${req.given}: no ${SERIES_FILE} and no livepatch module in it: nothing to simulate\n`);
    return { kind: 'failed', status: 1 };
  }
  for (const n of patchModelNotes(report.patches.map((p) => p.model), show)) io.err(`${n}\n`);
  if (report.problems.length) {
    for (const p of report.problems) {
      const where = p.file ? `${show(p.file)}${p.line !== undefined ? `:${p.line + 1}` : ''}` : show(dir);
      io.err(`${where}: error: ${p.message}\n`);
    }
    io.err(`klp-studio simulate: series ${report.name} has problems (see 'klp-studio series ${req.given}'): not simulated\n`);
    return { kind: 'failed', status: 1 };
  }
  if (report.inferred) {
    io.err(`klp-studio simulate: note: series ${report.name} has no ${SERIES_FILE}: order inferred from module names (${report.patches.map((p) => p.module).join(', ')}); write a ${SERIES_FILE} to pin it\n`);
  }
  const ref = (s: string | undefined) => (s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : s);
  const gen = seriesScenario(report, ref(req.from), ref(req.to));
  if (!gen.ok) throw new UsageError(gen.error);
  if (req.printScenario) return { kind: 'printed', text: gen.text };
  // The series' own folder first, then every folder its modules' sources are in, then --path.
  const dirs = [...new Set([dir, ...report.patches.map((p) => path.dirname(path.resolve(io.cwd, p.model.files[0] ?? dir))), ...req.searchDirs])];
  const virtual = path.join(dir, GENERATED_NAME);
  // Modules built by klp-build from source patches have no C sources: the series' models are used.
  const fromPatches = new Map(report.patches.filter((p) => patchAnalysisOf(p.model)).map((p) => [p.module, p.model]));
  const result = fromPatches.size ? simulateWithModels(virtual, gen.text, dirs.slice(1), fromPatches, req.options) : simulateFile(virtual, gen.text, dirs.slice(1), nodeHost, req.options);
  if (result.errors.length) {
    io.err(result.errors.map((e) => (e.startsWith(virtual + ':') ? `${show(dir)}/${GENERATED_NAME}${e.slice(virtual.length)}` : e)).join('\n') + '\n');
    return { kind: 'failed', status: result.exitStatus };
  }
  return { kind: 'ran', scenarioName: `--series ${req.given}`, scenarioText: gen.text, result };
}

/** simulateFile with MODELS (by module name) before the modules found in DIRS. */
function simulateWithModels(file: string, text: string, dirs: string[], models: Map<string, ModuleModel>, options: SimOptions): SimulateResult {
  const scenario = parseScenario(file, text);
  const all = [path.dirname(file), ...dirs];
  const lookup = (name: string) => {
    const m = models.get(name);
    if (m) return m;
    const r = loadModule(name, all, nodeHost);
    return r.ok ? r.model : undefined;
  };
  return { ...runScenario(scenario, lookup, options), errors: [], scenario };
}
