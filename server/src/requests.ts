// The custom requests of common/src/protocol.ts: klp/modules (quick picks), klp/fileInfo
// (status bar), klp/seriesOverview (the series table) and klp/simulate (scenarios and the
// generated enable/disable/upgrade runs, with unsaved editor contents).
import type {
  FileInfo, FileInfoParams, FunctionStep, ModulesParams, SeriesOverview, SeriesOverviewParams, SimulateParams,
  SimulateResult, WorkspaceModule,
} from '../../common/src/protocol';
import type { ModuleModel } from '../../core/src/model';
import { type ServerContext } from './context';
import { carriedStates, patchedFunctions, replaces } from './navigate';
import { runSimulation } from './simulate';
import type { SeriesState } from './coreAnalysis';
import { uriToPath } from './uris';
import type { IndexedModule } from './workspace';

export function describeModule(ctx: ServerContext, m: IndexedModule, model: ModuleModel | undefined): WorkspaceModule {
  const patch = model?.patches.find((p) => !p.declarationOnly && p.enableCalls.length) ?? model?.patches.find((p) => !p.declarationOnly);
  const out: WorkspaceModule = {
    name: m.name,
    uri: ctx.uris.uriOf(m.files[0]),
    files: m.files.map((f) => ctx.uris.uriOf(f)),
    isLivepatch: model?.isLivepatch ?? false,
  };
  const rep = model ? replaces(model) : undefined;
  if (rep !== undefined && patch) out.replace = rep;
  if (patch) out.patch = { uri: ctx.uris.uriOf(patch.file), range: patch.nameRange };
  const s = ctx.analyzer.seriesOf(m.key);
  if (s) out.series = { name: s.series.info.name, uri: s.series.info.file ? ctx.uris.uriOf(s.series.info.file) : undefined, index: s.index };
  return out;
}

export function listModules(ctx: ServerContext, p: ModulesParams | undefined): WorkspaceModule[] {
  const livepatchOnly = p?.livepatchOnly ?? true;
  const out: WorkspaceModule[] = [];
  for (const m of ctx.index.all()) {
    const model = ctx.analyzer.model(m.key);
    if (livepatchOnly && !model?.isLivepatch) continue;
    out.push(describeModule(ctx, m, model));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.uri < b.uri ? -1 : 1));
}

export function fileInfo(ctx: ServerContext, p: FileInfoParams): FileInfo {
  const path = uriToPath(p.uri);
  if (!path) return {};
  const m = ctx.index.modulesOf(path)[0];
  if (!m) return {};
  const out: FileInfo = { module: describeModule(ctx, m, ctx.analyzer.model(m.key)) };
  const s = ctx.analyzer.seriesOf(m.key);
  if (s) out.series = { name: s.series.info.name, uri: s.series.info.file ? ctx.uris.uriOf(s.series.info.file) : undefined, index: s.index, count: s.series.info.modules.length };
  return out;
}

/** The series a document belongs to: a module of it, or its klp.series file. */
function seriesForUri(ctx: ServerContext, uri: string | undefined): SeriesState | undefined {
  const all = ctx.analyzer.allSeries();
  if (!uri) return all[0];
  const path = uriToPath(uri);
  if (!path) return undefined;
  const byFile = all.find((s) => s.info.file === path);
  if (byFile) return byFile;
  for (const m of ctx.index.modulesOf(path)) {
    const s = ctx.analyzer.seriesOf(m.key);
    if (s) return s.series;
  }
  return undefined;
}

export function seriesOverview(ctx: ServerContext, p: SeriesOverviewParams): SeriesOverview | null {
  const s = seriesForUri(ctx, p.uri);
  if (!s) return null;
  const entries = s.info.modules.map((k) => ({ m: ctx.index.get(k)!, model: ctx.analyzer.model(k) })).filter((e) => e.m);
  const patches = entries.map((e) => describeModule(ctx, e.m, e.model));

  // Functions: what each step does to every function patched anywhere in the series.
  const keys = new Map<string, { object: string; function: string }>();
  const perPatch = entries.map((e) => {
    const set = new Map<string, string | undefined>();
    for (const f of e.model ? patchedFunctions(e.model) : []) {
      const k = `${f.object}\0${f.name}\0${f.sympos}`;
      keys.set(k, { object: f.object, function: f.name });
      set.set(k, f.func.newFunc);
    }
    return { set, replace: e.model ? replaces(e.model) : undefined };
  });
  const functions = [...keys].map(([k, fn]) => {
    let active: string | undefined; // new_func of the implementation running after the previous step
    let activeSet = false;
    const steps: FunctionStep[] = perPatch.map(({ set, replace }) => {
      if (set.has(k)) {
        const nf = set.get(k);
        const step: FunctionStep = !activeSet ? 'new' : nf === active ? 'kept' : 'changed';
        active = nf;
        activeSet = true;
        return step;
      }
      if (activeSet && replace) {
        activeSet = false;
        active = undefined;
        return 'reverted-by-nop';
      }
      return activeSet ? 'stacked' : 'absent';
    });
    return { ...fn, steps };
  }).sort((a, b) => (a.object + a.function < b.object + b.function ? -1 : 1));

  const ids = new Set<number>();
  const carried = entries.map((e) => {
    const map = new Map<number, number>();
    for (const st of e.model ? carriedStates(e.model) : []) if (st.id !== undefined) { map.set(st.id, st.version); ids.add(st.id); }
    return map;
  });
  const states = [...ids].sort((a, b) => a - b).map((id) => ({ id, versions: carried.map((m) => m.get(id) ?? null) }));

  const findings = s.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, location: { uri: ctx.uris.uriOf(f.file), range: f.range } }));
  return { name: s.info.name, uri: s.info.file ? ctx.uris.uriOf(s.info.file) : undefined, source: s.info.source, patches, functions, states, findings };
}

export function simulate(ctx: ServerContext, p: SimulateParams): SimulateResult {
  return runSimulation(ctx, p);
}
