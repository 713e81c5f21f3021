// Loading a series: its spec (klp.series or the inferred order) and the models of its
// modules, extracted through the FileHost or taken from the caller (the language server
// passes the models of open documents). Requires initParser() when models are extracted.
import type { FileHost } from '../host';
import type { ModuleModel } from '../model';
import type { Finding } from '../findings';
import type { SeriesReport } from './analyze';
import { extractModule, normalize } from '../extract';
import { readSources } from '../workspace/modules';
import { patchModelFor } from '../klpbuild/series';
import { modulesDirectlyIn, normDir, readSeriesSpec, SeriesSpec, SERIES_FILE } from './seriesFile';
import { join } from '../workspace/modules';

export interface LoadedSeries {
  spec: SeriesSpec;
  /** The models of the series' modules, by module name. */
  models: Map<string, ModuleModel>;
}

/** A source of module models: given a module's name and files, its model. */
export type ModelProvider = (name: string, files: string[]) => ModuleModel;

/** Extracts through HOST; a provider over already-extracted models reuses those whose main file matches. */
export function modelProvider(host: FileHost, known: ModuleModel[] = []): ModelProvider {
  const byMain = new Map(known.filter((m) => m.files.length).map((m) => [normalize(m.files[0]), m]));
  const cache = new Map<string, ModuleModel>();
  return (name, files) => {
    const main = normalize(files[0] ?? '');
    const k = byMain.get(main);
    if (k && k.name === name) return k;
    const key = `${name}\u0000${main}`;
    let m = cache.get(key);
    if (!m) { m = patchModelFor(name, files, host) ?? extractModule(name, readSources(files, host)); cache.set(key, m); }
    return m;
  };
}

/**
 * The series of DIR: klp.series when present, else the livepatch modules whose main source
 * is directly in DIR, in natural name order (spec.inferred is then true).
 */
export function loadSeries(dir: string, host: FileHost, provide: ModelProvider = modelProvider(host)): LoadedSeries {
  const d = normDir(dir);
  const models = new Map<string, ModuleModel>();
  const hasFile = host.readFile(join(d, SERIES_FILE)) !== undefined;
  let candidates: { name: string; files: string[] }[] | undefined;
  if (!hasFile) {
    candidates = [];
    for (const c of modulesDirectlyIn(d, host)) {
      const m = provide(c.name, c.files);
      if (m.isLivepatch) { candidates.push(c); models.set(c.name, m); }
    }
  }
  const spec = readSeriesSpec(d, host, candidates);
  for (const e of spec.entries) {
    if (!e.error && e.files.length && !models.has(e.name)) models.set(e.name, provide(e.name, e.files));
  }
  return { spec, models };
}

/**
 * The problems of a series' klp.series file (a line naming no module, a missing source,
 * a module listed twice, two modules of one name, a module that is not a livepatch) as
 * error findings on their lines: `check` and the editor report them alike.
 */
export function seriesProblemFindings(report: SeriesReport): Finding[] {
  const out: Finding[] = [];
  for (const p of report.problems) {
    if (!p.file) continue;
    const range = p.range ?? { start: { line: p.line ?? 0, character: 0 }, end: { line: p.line ?? 0, character: 0 } };
    out.push({ code: SERIES_PROBLEM, severity: 'error', message: p.message, file: p.file, range });
  }
  return out;
}

/** The code of a klp.series problem. */
export const SERIES_PROBLEM = 'KLP-SERIES';
