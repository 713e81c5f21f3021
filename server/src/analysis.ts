// The analysis queue: which modules (and series) must be re-analysed, and doing it.
//
// An edit marks the module(s) of the edited file pending; a run extracts each pending
// module from the documents' incrementally parsed trees (open documents) or disk, runs the
// rules, then re-analyses the series that contain a changed module, and reports the files
// whose findings may have changed. The queue is a set (one entry per module, never a list
// of edits), so a burst of edits cannot grow it; a run checks between modules whether newer
// edits arrived and then stops, leaving the rest to the run those edits scheduled. Requests
// (hover, definition...) first bring the module they look at up to date, synchronously.
import { CDocument } from '../../core/src/cparse/document';
import { extractModule, extractModuleFromParsed, ParsedSource } from '../../core/src/extract';
import type { Finding } from '../../core/src/findings';
import type { FileHost } from '../../core/src/host';
import type { CFunction, ModuleModel } from '../../core/src/model';
import { readSources } from '../../core/src/workspace/modules';
import type { DocumentStore } from './documents';
import { moduleFindings, SeriesState, analyseSeries, seriesOfModules, SeriesInfo } from './coreAnalysis';
import type { IndexedModule, WorkspaceIndex } from './workspace';

export interface AnalysisSettings {
  /** Per rule code: a severity, or 'off' to silence it. */
  ruleSeverity: Record<string, Finding['severity'] | 'off'>;
}

/** What a run changed: the files whose diagnostics must be published again. */
export type PublishFn = (files: Set<string>) => void;

const BURST_MS = 100;

export class Analyzer {
  private readonly models = new Map<string, ModuleModel>();
  private readonly findings = new Map<string, Finding[]>();
  private readonly pending = new Set<string>();
  /** Parsed disk files of modules that also have an open document (multi-file modules, headers). */
  private readonly diskDocs = new Map<string, CDocument>();
  private series: SeriesState[] = [];
  private seriesDirty = true;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Bumped by every schedule(): a run that sees it change stops (its work is stale). */
  private generation = 0;
  private lastEditAt = 0;
  /** Files analysed by a request whose publication waits for the series run. */
  private readonly unpublished = new Set<string>();
  private lastRunMs = 0;
  settings: AnalysisSettings = { ruleSeverity: {} };
  /** Files published at least once (so that emptied ones are cleared). */
  readonly published = new Set<string>();
  /** Timings of the last run (for the log and the tests). */
  lastRun = { modules: 0, ms: 0 };

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly docs: DocumentStore,
    private readonly host: FileHost,
    private readonly publish: PublishFn,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  // ------------------------------------------------------------------ scheduling

  /** Marks modules pending and arranges a run (immediately for an isolated edit, a little later in a burst). */
  schedule(keys: Iterable<string>, fromEdit = false): void {
    let any = false;
    for (const k of keys) {
      this.pending.add(k);
      any = true;
    }
    if (!any) return;
    this.generation++;
    const now = Date.now();
    const burst = fromEdit && now - this.lastEditAt < BURST_MS;
    if (fromEdit) this.lastEditAt = now;
    const delay = burst ? Math.min(BURST_MS, Math.max(1, this.lastRunMs)) : 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delay);
  }

  /** Every module of the index, e.g. after indexing or a settings change. */
  scheduleAll(): void {
    this.seriesDirty = true;
    this.schedule(this.index.all().map((m) => m.key));
  }

  markSeriesDirty(): void {
    this.seriesDirty = true;
  }

  /** A file changed on disk: drop its cached parse; its modules become pending unless the editor owns it. */
  diskChanged(path: string): void {
    this.diskDocs.get(path)?.dispose();
    this.diskDocs.delete(path);
    if (this.docs.get(path)) return; // unsaved editor contents win over the disk
    this.schedule(this.index.modulesOf(path).map((m) => m.key));
  }

  /** Forgets modules that left the index. */
  forget(key: string): void {
    this.models.delete(key);
    const old = this.findings.get(key);
    this.findings.delete(key);
    this.pending.delete(key);
    if (old) this.publish(new Set(old.map((f) => f.file)));
  }

  isIdle(): boolean {
    return !this.running && !this.timer && this.pending.size === 0;
  }

  private async run(): Promise<void> {
    if (this.running) return; // the running loop picks up what is pending
    this.running = true;
    const started = Date.now();
    const touched = new Set<string>(this.unpublished);
    this.unpublished.clear();
    let count = 0;
    try {
      while (this.pending.size) {
        const gen = this.generation;
        // Modules with open documents first: that is what the user is looking at.
        const keys = [...this.pending].sort((a, b) => Number(this.hasOpenFile(b)) - Number(this.hasOpenFile(a)));
        for (const key of keys) {
          if (!this.pending.has(key)) continue;
          this.analyse(key, touched);
          count++;
          // Yield to the connection now and then; newer edits make the rest stale.
          if (count % 8 === 0 || this.generation !== gen) {
            await new Promise((r) => setImmediate(r));
            if (this.generation !== gen) break;
          }
        }
      }
      if (this.seriesDirty) this.analyseSeries(touched);
    } catch (e) {
      this.log(`analysis failed: ${e instanceof Error ? e.stack : String(e)}`);
    } finally {
      this.running = false;
      this.lastRunMs = Date.now() - started;
      this.lastRun = { modules: count, ms: this.lastRunMs };
    }
    if (touched.size) this.publish(touched);
    if (this.pending.size && !this.timer) this.schedule([]);
  }

  private hasOpenFile(key: string): boolean {
    return this.index.get(key)?.files.some((f) => this.docs.get(f)) ?? false;
  }

  // ------------------------------------------------------------------ analysing

  /** Extracts and checks one module now; records the files whose findings may change. */
  private analyse(key: string, touched: Set<string>): void {
    this.pending.delete(key);
    const m = this.index.get(key);
    if (!m) return;
    const model = this.extract(m);
    const previous = this.models.get(key);
    this.models.set(key, model);
    const found = moduleFindings(model, { functions: (n) => this.functions(n), severity: this.settings.ruleSeverity, sourceText: (f) => this.host.readFile(f), log: this.log });
    const old = this.findings.get(key) ?? [];
    this.findings.set(key, found);
    for (const f of old) touched.add(f.file);
    for (const f of found) touched.add(f.file);
    for (const f of m.files) if (this.published.has(f) || this.docs.get(f)) touched.add(f);
    if (!previous || seriesRelevantChange(previous, model)) this.seriesDirty = true;
  }

  private extract(m: IndexedModule): ModuleModel {
    const open = m.files.some((f) => this.docs.get(f)?.c);
    if (!open) return extractModule(m.name, readSources(m.files, this.host));
    const parsed: ParsedSource[] = [];
    for (const f of m.files) {
      const doc = this.docs.get(f);
      let p = doc?.c?.asParsed();
      if (!p && !doc) {
        let disk = this.diskDocs.get(f);
        if (!disk) {
          const text = this.host.readFile(f);
          if (text === undefined) continue;
          disk = new CDocument(f, text);
          this.diskDocs.set(f, disk);
        }
        p = disk.asParsed();
      }
      if (p) parsed.push(p);
    }
    return extractModuleFromParsed(m.name, parsed);
  }

  private analyseSeries(touched: Set<string>): void {
    this.seriesDirty = false;
    const before = this.series;
    const infos = seriesOfModules(this.index, this.host, (k) => this.models.get(k)?.isLivepatch ?? false);
    this.series = analyseSeries(infos, (key) => this.models.get(key), { readText: (f) => this.host.readFile(f), severity: this.settings.ruleSeverity, log: this.log });
    for (const s of [...before, ...this.series]) for (const f of s.findings) touched.add(f.file);
  }

  /** Releases parses of disk files no open document needs any more. */
  closeDocument(path: string): void {
    const keep = new Set<string>();
    for (const d of this.docs.all()) for (const m of this.index.modulesOf(d.path)) m.files.forEach((f) => keep.add(f));
    for (const [p, doc] of this.diskDocs) {
      if (!keep.has(p)) {
        doc.dispose();
        this.diskDocs.delete(p);
      }
    }
    void path;
  }

  // ------------------------------------------------------------------ queries

  /** The up-to-date model of a module (analysing it now if an edit is pending). */
  model(key: string): ModuleModel | undefined {
    if (this.pending.has(key) || !this.models.has(key)) {
      const touched = new Set<string>();
      this.analyse(key, touched);
      if (!this.seriesDirty) {
        if (touched.size) this.publish(touched);
      } else {
        // Publish together with the series findings (never stale series findings with a new version).
        for (const f of touched) this.unpublished.add(f);
        if (!this.timer && !this.running) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.run();
          }, 0);
        }
      }
    }
    return this.models.get(key);
  }

  /** Up-to-date models of the modules a file belongs to. */
  modelsOf(path: string): { module: IndexedModule; model: ModuleModel }[] {
    const out: { module: IndexedModule; model: ModuleModel }[] = [];
    for (const m of this.index.modulesOf(path)) {
      const model = this.model(m.key);
      if (model) out.push({ module: m, model });
    }
    return out;
  }

  /** Models analysed so far (without forcing pending work). */
  knownModels(): { key: string; model: ModuleModel }[] {
    return [...this.models].map(([key, model]) => ({ key, model }));
  }

  /** C function definitions/prototypes with this name across the workspace. */
  functions(name: string): CFunction[] {
    const out: CFunction[] = [];
    for (const model of this.models.values()) {
      const f = model.functions[name];
      if (f) out.push(f);
    }
    return out;
  }

  /** Findings to show for a file: its modules' and every series finding in it. */
  findingsFor(path: string): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<string>();
    const add = (f: Finding) => {
      const k = `${f.code}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(f);
      }
    };
    for (const m of this.index.modulesOf(path)) for (const f of this.findings.get(m.key) ?? []) if (f.file === path) add(f);
    for (const s of this.series) for (const f of s.findings) if (f.file === path) add(f);
    return out;
  }

  /** Series analysed so far. */
  allSeries(): SeriesState[] {
    return this.series;
  }

  /** The series containing a module key. */
  seriesOf(key: string): { series: SeriesState; index: number } | undefined {
    for (const s of this.series) {
      const i = s.info.modules.indexOf(key);
      if (i >= 0) return { series: s, index: i };
    }
    return undefined;
  }

  seriesInfos(): SeriesInfo[] {
    return this.series.map((s) => s.info);
  }
}

/** Only what the series analysis reads: patches, tables, states, callbacks, shadow ids. */
function seriesRelevantChange(a: ModuleModel, b: ModuleModel): boolean {
  const pick = (m: ModuleModel) =>
    JSON.stringify([
      m.isLivepatch,
      m.patches.map((p) => [p.name, p.replace.initial?.value, p.replace.assignments.map((x) => x.value), p.objsRef, p.statesRef]),
      m.objArrays.map((a) => a.entries.map((o) => [o.name, o.funcsRef, o.callbacks.pre_patch, o.callbacks.post_patch, o.callbacks.pre_unpatch, o.callbacks.post_unpatch])),
      m.funcArrays.map((a) => [a.name, a.entries.map((f) => [f.oldName, f.newFunc, f.oldSympos])]),
      m.stateArrays.map((a) => a.entries.map((s) => [s.id, s.version])),
      m.shadowCalls.map((c) => [c.op, c.id, c.idText, c.inFunction, c.sizeText]),
      Object.values(m.functions).filter((f) => f.calls.length || f.globalWrites.length).map((f) => [f.name, f.calls.map((c) => c.callee), f.globalWrites.map((g) => g.name)]),
    ]);
  return pick(a) !== pick(b);
}
