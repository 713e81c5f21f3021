// The analysis queue: which modules (and series) must be re-analysed, and doing it.
//
// An edit marks the module(s) of the edited file pending and starts a run at once when none
// is running (no debounce: a single keystroke is answered in the next turn of the event
// loop), unless more changes have already been read from the client (pendingChanges.ts):
// then the last of them starts it, so a burst is analysed once, for its final text. Edits
// that arrive while a run is in progress only add to the pending set, which the running loop
// picks up. The queue is a set (one entry per module, never a list of edits); a run checks
// between modules whether newer edits arrived and starts over with what is pending (stale
// work stops). Requests (hover, definition...) first bring the module they look at up to
// date, synchronously.
//
// A module with an open document is extracted by its own IncrementalModuleExtractor from
// the documents' incrementally parsed trees, so an edit re-extracts only the top-level items
// it changed; the extractor is dropped when the module's documents change identity (opened,
// closed, re-read from disk) or the module leaves the index. Modules only on disk are
// extracted one-shot. After extraction, the module's series fingerprint (its patch summary:
// everything the series analysis reads, positions included) is compared with the previous
// one; only when it changed are the series containing the module re-analysed, and then
// with the unchanged modules' summaries and step analyses reused (StepMemo), so only the
// steps that involve the edited patch are recomputed. Only files whose findings changed
// (plus the edited module's files) are published again.
//
// Cancelling the index while it analyses (./cancelAnalysis.ts) puts off the pending modules
// nobody is looking at (defer()): they are not analysed, not forgotten, and a series with
// such a member is not analysed from the others (it keeps what it showed) until they are.
import { cumulativeExpected, moduleIsCumulative } from '../../core/src/rules/cumulative';
import { dirname } from '../../core/src/workspace/scan';
import { CDocument } from '../../core/src/cparse/document';
import { IncrementalModuleExtractor, ParsedSource } from '../../core/src/extract';
import { ExtractionSession } from '../../core/src/extract/session';
import type { ExtractStats } from '../../core/src/extract/incremental';
import type { Finding } from '../../core/src/findings';
import type { FileHost } from '../../core/src/host';
import type { CFunction, ModuleModel } from '../../core/src/model';
import { StepMemo } from '../../core/src/series/analyze';
import type { PatchSummary } from '../../core/src/series/summary';
import type { LineIndex } from '../../core/src/text';
import { readSources } from '../../core/src/workspace/modules';
import { addFunctions, originalsInFile, replacedNames, sortFunctions } from '../../core/src/workspace/originals';
import { wordSearch } from '../../core/src/workspace/prefilter';
import { isLivepatchModule } from '../../core/src/rules/context';
import { originalKey } from '../../core/src/rules/replacements';
import type { AnalysisStats } from '../../common/src/protocol';
import type { DocumentStore } from './documents';
import { analyseSeries, moduleFindings, seriesFingerprint, seriesOfModules, summarize, type SeriesInfo, type SeriesState } from './coreAnalysis';
import type { IndexedModule, WorkspaceIndex } from './workspace';

export interface AnalysisSettings {
  /** Per rule code: a severity, or 'off' to silence it. */
  ruleSeverity: Record<string, Finding['severity'] | 'off'>;
  /** `klpStudio.kernelApi`: auto (default), upstream or state-callbacks. */
  kernelApi?: 'auto' | 'upstream' | 'state-callbacks';
}

/** What a run changed: the files whose diagnostics must be published again. */
export type PublishFn = (files: Set<string>) => void;

/** What the last run did (the benchmark and the tests read it through klp/analysisStats). */
export type RunStats = AnalysisStats['lastRun'];

/** Longest wait, without progress, for changes said to be on their way (pendingChanges.ts). */
const FALLBACK_MS = 50;

const emptyStats = (): RunStats => ({
  modules: 0, incremental: 0, oneShot: 0, kinTrees: 0, kinItems: 0, items: 0, extracted: 0, reused: 0, moved: 0, shifted: 0, assembled: 0,
  seriesChanged: 0, series: 0, summaries: 0, stepsComputed: 0, stepsReused: 0, published: 0, ms: 0,
});

interface ExtractorState {
  extractor: IncrementalModuleExtractor;
  /** The documents it read last time, per file (a different document means a fresh start). */
  docs: (CDocument | undefined)[];
}

interface SeriesEntry {
  /** The model the fingerprint was computed from. */
  model: ModuleModel;
  /** Made when first compared (most modules are never edited: an index makes none). */
  fingerprint?: string;
}

export class Analyzer {
  private readonly models = new Map<string, ModuleModel>();
  private readonly findings = new Map<string, Finding[]>();
  private readonly pending = new Set<string>();
  /** Parsed disk files of modules that also have an open document (multi-file modules, headers). */
  private readonly diskDocs = new Map<string, CDocument>();
  /** Incremental extractors of modules with open documents. */
  private readonly extractors = new Map<string, ExtractorState>();
  /** Series fingerprints per module key, and patch summaries per model (reused while unchanged). */
  private readonly fingerprints = new Map<string, SeriesEntry>();
  private readonly summaries = new WeakMap<ModuleModel, PatchSummary>();
  /** RuleContext.cumulativeExpected each module was last checked with (KLP020 reads it). */
  private readonly cumulativeUsed = new Map<string, boolean>();
  /** Step analyses per series (klp.series path or folder). */
  private readonly memos = new Map<string, StepMemo>();
  private series: SeriesState[] = [];
  /** The modules (keys) whose models define or declare each function name (functions(): no scan of every model). */
  private readonly definers = new Map<string, Set<string>>();
  /**
   * Per module: the function table and names it was entered in `definers` with. A new model
   * with the same table (the incremental extractor patched it in place for an edit inside
   * function bodies: same names) leaves the index as it is, so a keystroke costs nothing here.
   */
  private readonly defined = new Map<string, { functions: ModuleModel['functions']; names: string[] }>();
  /** Folders known to hold a klp.series or not, during one run (declaresSeries). */
  private readonly declaredSeries = new Map<string, boolean>();
  /** The set of series (or their membership) must be recomputed. */
  private membershipDirty = true;
  /** Modules whose series fingerprint changed since the last series run. */
  private readonly seriesChanged = new Set<string>();
  /** Every series must be re-analysed: a setting its findings read changed (kernelApi, severities). */
  private seriesStale = false;
  /**
   * Originals of replaced functions found in files that are not modules (klp_func
   * old_names; core/src/workspace/originals.ts), the names already searched for, and the
   * names still to search with how far the search is.
   */
  private originals = new Map<string, CFunction[]>();
  private readonly searched = new Set<string>();
  /**
   * What each module's rules looked up in the workspace (RuleContext.lookupFunction: the
   * originals of its klp_func old_names), and per name the modules that looked it up: when
   * another module's functions of that name change, the lookup is made again and the
   * modules whose answer changed are checked again (recheckLookups), so that the editor ends
   * where `check`, which extracts every module before checking any, is.
   */
  private readonly lookedUp = new Map<string, Map<string, CFunction[]>>();
  private readonly lookers = new Map<string, Set<string>>();
  /**
   * The last extract() shifted positions in place (a line break above items of an open
   * document): the last model's positions changed with the new one's, so nothing may be
   * compared with it (its series fingerprint, the originals others looked up in it).
   */
  private shiftedInPlace = false;
  private search: { names: string[]; next: number } | undefined;
  private timer: NodeJS.Immediate | undefined;
  private fallback: NodeJS.Timeout | undefined;
  private running = false;
  /** Bumped by every schedule(): a run that sees it change starts over (its work is stale). */
  private generation = 0;
  /** Files analysed by a request whose publication waits for the series run. */
  private readonly unpublished = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  /**
   * Modules whose analysis a cancelled index put off (defer()). They are analysed again when
   * scheduled (a file opened or changed, the next index) or asked for (model()).
   */
  private readonly deferred = new Set<string>();
  /** Series (seriesId) not analysed because a member was put off: analysed in full once none is. */
  private readonly heldSeries = new Set<string>();
  private current = emptyStats();
  settings: AnalysisSettings = { ruleSeverity: {} };
  /** The analysis size limit in bytes (0: none): larger files are not searched for originals. */
  maxFileBytes: () => number = () => 0;
  /** Files published at least once (so that emptied ones are cleared). */
  readonly published = new Set<string>();
  /** What the last run did. */
  lastRun: RunStats = emptyStats();
  /** One-shot extraction of the files that are not open, for the length of a run. */
  private session: ExtractionSession | undefined;
  /** Runs so far. */
  runs = 0;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly docs: DocumentStore,
    private readonly host: FileHost,
    private readonly publish: PublishFn,
    private readonly log: (msg: string) => void = () => undefined,
    /** Changes read from the client but not handled yet (pendingChanges.ts), and its reset. */
    private readonly incoming: { pending: number; resync(): void } = { pending: 0, resync: () => undefined },
  ) {}

  // ------------------------------------------------------------------ scheduling

  /**
   * Marks modules pending. When no run is in progress one starts in the next turn of the
   * event loop; otherwise the running loop picks them up. (`fromEdit` is kept for callers:
   * edits and other changes are scheduled alike.)
   */
  schedule(keys: Iterable<string>, fromEdit = false): void {
    void fromEdit;
    let any = false;
    for (const k of keys) {
      this.pending.add(k);
      any = true;
    }
    if (!any) return;
    this.declaredSeries.clear();
    this.generation++;
    this.kick();
  }

  private kick(): void {
    if (this.running || this.timer) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      // More changes already read from the client: the handler of the last one kicks again
      // (a burst is analysed once, at its end). Should the count be wrong, a fallback runs
      // the analysis when no change was handled for FALLBACK_MS.
      if (this.incoming.pending > 0) {
        if (this.fallback) clearTimeout(this.fallback);
        this.fallback = setTimeout(() => {
          this.fallback = undefined;
          this.incoming.resync();
          this.kick();
        }, FALLBACK_MS);
        return;
      }
      if (this.fallback) clearTimeout(this.fallback);
      this.fallback = undefined;
      void this.run();
    });
  }

  /**
   * The user cancelled the index while it was analysing: the pending modules are put off,
   * except those with an open document (the user is looking at them) and those of a folder
   * without klp.series that holds analysed livepatches (their KLP020 reads the folder's other
   * livepatches: leaving some out would publish it from half the folder). Returns the keys
   * put off.
   */
  defer(): Set<string> {
    const analysedDirs = new Set<string>();
    for (const [k, m] of this.models) if (!this.pending.has(k) && !this.deferred.has(k) && isLivepatchModule(m)) analysedDirs.add(dirname(k));
    const out = new Set<string>();
    for (const k of this.pending) {
      if (this.hasOpenFile(k)) continue;
      const dir = dirname(k);
      if (analysedDirs.has(dir) && !this.declaresSeries(dir)) continue;
      out.add(k);
    }
    for (const k of out) {
      this.pending.delete(k);
      this.deferred.add(k);
    }
    return out;
  }

  /** The modules a cancel put off (the next index schedules them: they are not forgotten). */
  deferredKeys(): string[] {
    return [...this.deferred];
  }

  /** How much of the index is analysed (klp/analysisStats). */
  coverage(): { modules: number; analysed: number; deferred: number } {
    const all = this.index.all();
    const analysed = all.filter((m) => this.models.has(m.key) && !this.pending.has(m.key) && !this.deferred.has(m.key)).length;
    return { modules: all.length, analysed, deferred: all.filter((m) => this.deferred.has(m.key)).length };
  }

  /** Every module of the index, e.g. after indexing or a settings change. */
  scheduleAll(): void {
    this.membershipDirty = true;
    this.seriesStale = true;
    this.schedule(this.index.all().map((m) => m.key));
  }

  /** The series must be recomputed (klp.series or the index changed). */
  markSeriesDirty(): void {
    this.membershipDirty = true;
    this.declaredSeries.clear();
    this.kick();
  }

  /** A file changed on disk: drop its cached parse; its modules become pending unless the editor owns it. */
  diskChanged(path: string): void {
    this.diskDocs.get(path)?.dispose();
    this.diskDocs.delete(path);
    if (this.docs.get(path)) return; // unsaved editor contents win over the disk
    const modules = this.index.indexedModulesOf(path);
    if (!modules.length && this.index.rootOf(path)) this.otherChanged(path);
    this.schedule(modules.map((m) => m.key));
  }

  /** Forgets modules that left the index. */
  forget(key: string): void {
    const model = this.models.get(key);
    this.unsetModel(key);
    this.setLookups(key, new Map());
    this.recheckLookups(key, model, undefined);
    this.cumulativeUsed.delete(key);
    const old = this.findings.get(key);
    this.findings.delete(key);
    this.pending.delete(key);
    this.deferred.delete(key);
    this.dropExtractor(key);
    if (this.fingerprints.delete(key)) this.markSeriesDirty();
    if (old) this.publish(new Set(old.map((f) => f.file)));
  }

  isIdle(): boolean {
    return !this.running && !this.timer && this.pending.size === 0 && !this.seriesPending() && !this.searchPending();
  }

  /** Whether some replaced function's original has not been looked for yet. */
  private searchPending(): boolean {
    if (this.search) return true;
    for (const n of replacedNames(this.models.values())) if (!this.searched.has(n)) return true;
    return false;
  }

  /** The files that are not modules changed (a rescan): every original is looked for again. */
  othersChanged(): void {
    this.originals = new Map();
    this.searched.clear();
    this.search = undefined;
    this.kick();
  }

  /**
   * Searches the files that are not modules for the originals of replaced functions not
   * looked for yet, yielding now and then; modules replacing a function whose original
   * turned up are analysed again.
   */
  private async searchOriginals(): Promise<void> {
    if (!this.search) {
      const names = [...replacedNames(this.models.values())].filter((n) => !this.searched.has(n));
      if (!names.length) return;
      this.search = { names, next: 0 };
    }
    const job = this.search;
    const words = job.names.map(wordSearch);
    const files = this.index.others();
    const found = new Map<string, CFunction[]>();
    while (job.next < files.length) {
      const end = Math.min(files.length, job.next + 256);
      for (; job.next < end; job.next++) addFunctions(found, originalsInFile(files[job.next], words, this.host, this.maxFileBytes()));
      await new Promise((r) => setImmediate(r));
      if (this.search !== job) return; // restarted (rescan)
    }
    this.search = undefined;
    for (const n of job.names) this.searched.add(n);
    if (!found.size) return;
    for (const [name, list] of found) addFunctions(this.originals, list.filter((f) => !(this.originals.get(name) ?? []).includes(f)));
    for (const [key, model] of this.models) {
      if (model.funcArrays.some((a) => a.entries.some((e) => e.oldName && found.has(e.oldName)))) this.pending.add(key);
    }
    this.generation++;
  }

  /** A file that is no module changed on disk: its originals are read again. */
  private otherChanged(path: string): void {
    let dropped = false;
    for (const [name, list] of this.originals) {
      const kept = list.filter((f) => f.file !== path);
      if (kept.length !== list.length) { this.originals.set(name, kept); dropped = true; }
    }
    const fresh = this.searched.size ? originalsInFile(path, [...this.searched], this.host, this.maxFileBytes()) : [];
    addFunctions(this.originals, fresh);
    if (!dropped && !fresh.length) return;
    const names = new Set(fresh.map((f) => f.name));
    for (const [key, model] of this.models) {
      if (model.funcArrays.some((a) => a.entries.some((e) => e.oldName && (names.has(e.oldName) || dropped)))) this.pending.add(key);
    }
    this.generation++;
    this.kick();
  }

  /** Resolves when the queue is empty (at once when it is). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
    });
  }

  private seriesPending(): boolean {
    return this.membershipDirty || this.seriesChanged.size > 0;
  }

  private async run(): Promise<void> {
    if (this.running) return; // the running loop picks up what is pending
    this.running = true;
    const started = performance.now();
    this.current = emptyStats();
    this.declaredSeries.clear();
    const touched = new Set<string>(this.unpublished);
    this.unpublished.clear();
    let count = 0;
    try {
      for (;;) {
        while (this.pending.size) {
          const gen = this.generation;
          // Modules with open documents first: that is what the user is looking at.
          const keys = [...this.pending].sort((a, b) => Number(this.hasOpenFile(b)) - Number(this.hasOpenFile(a)));
          for (const key of keys) {
            if (!this.pending.has(key)) continue;
            this.analyse(key, touched);
            count++;
            // Yield to the connection now and then; newer edits make the rest stale.
            if (count % 8 === 0) {
              await new Promise((r) => setImmediate(r));
              if (this.generation !== gen) break;
            }
          }
        }
        if (this.searchPending()) await this.searchOriginals();
        if (this.pending.size) continue;
        if (this.seriesPending()) this.analyseSeries(touched);
        if (!this.pending.size) break;
      }
    } catch (e) {
      this.log(`analysis failed: ${e instanceof Error ? e.stack : String(e)}`);
    } finally {
      this.running = false;
      if (this.session) {
        this.current.kinTrees = this.session.stats.treesReused;
        this.current.kinItems = this.session.stats.itemsReused;
        // (Its trees are kept for the next file of this run only.)
        this.session.dispose();
        this.session = undefined;
      }
      this.current.ms = performance.now() - started;
      this.current.published = touched.size;
      this.lastRun = this.current;
      this.runs++;
    }
    if (touched.size) this.publish(touched);
    // Old trees are deleted once the diagnostics are out (off the edit's critical path).
    setImmediate(() => {
      for (const d of this.docs.all()) d.c?.releaseRetired();
    });
    if (this.pending.size || this.seriesPending() || this.searchPending()) this.kick();
    else if (!this.timer) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Records what module KEY looked up (see `lookedUp`). */
  private setLookups(key: string, lookups: Map<string, CFunction[]>): void {
    const old = this.lookedUp.get(key);
    // The same answers as last time (every keystroke): the old record stays, and the new one
    // dies young (kept, one per keystroke, it was old-generation garbage: RSS grew over edits).
    if (old && old.size === lookups.size) {
      let same = true;
      for (const [n, r] of lookups) {
        const o = old.get(n);
        if (!o || !sameOriginals(o, r)) { same = false; break; }
      }
      if (same) return;
    }
    for (const n of old?.keys() ?? []) {
      const users = this.lookers.get(n);
      users?.delete(key);
      if (users && !users.size) this.lookers.delete(n);
    }
    if (!lookups.size) {
      this.lookedUp.delete(key);
      return;
    }
    this.lookedUp.set(key, lookups);
    for (const n of lookups.keys()) {
      let users = this.lookers.get(n);
      if (!users) this.lookers.set(n, (users = new Set()));
      users.add(key);
    }
  }

  /**
   * Module KEY's functions went from BEFORE's to NOW's (either may be absent): the modules
   * that looked up a name it defines (or defined) and would now get another answer are
   * analysed again.
   */
  private recheckLookups(key: string, before: ModuleModel | undefined, now: ModuleModel | undefined, shifted = false): void {
    let added = false;
    for (const [name, users] of this.lookers) {
      if (!before?.functions[name] && !now?.functions[name]) continue;
      let answer: CFunction[] | undefined;
      for (const u of users) {
        if (u === key || this.pending.has(u)) continue;
        const seen = this.lookedUp.get(u)?.get(name);
        answer ??= this.functions(name);
        // (Shifted in place, the function is the same object at a new line: not comparable.)
        if (seen && !shifted && sameOriginals(seen, answer)) continue;
        this.pending.add(u);
        added = true;
      }
    }
    if (added) this.kick();
  }

  /** Records the model of a module (and which names it defines: functions()). */
  private setModel(key: string, model: ModuleModel): void {
    this.models.set(key, model);
    if (this.defined.get(key)?.functions === model.functions) return;
    this.unsetNames(key);
    const names = Object.keys(model.functions);
    this.defined.set(key, { functions: model.functions, names });
    for (const name of names) {
      let set = this.definers.get(name);
      if (!set) this.definers.set(name, (set = new Set()));
      set.add(key);
    }
  }

  private unsetModel(key: string): void {
    this.models.delete(key);
    this.unsetNames(key);
  }

  private unsetNames(key: string): void {
    const old = this.defined.get(key);
    if (!old) return;
    this.defined.delete(key);
    for (const name of old.names) {
      const set = this.definers.get(name);
      set?.delete(key);
      if (set && !set.size) this.definers.delete(name);
    }
  }

  /** Whether DIR holds a klp.series (read once per folder and run: KLP020's context). */
  private declaresSeries(dir: string): boolean {
    let known = this.declaredSeries.get(dir);
    if (known === undefined) {
      known = this.host.readFile(`${dir}/klp.series`) !== undefined;
      this.declaredSeries.set(dir, known);
    }
    return known;
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
    // A module a cancel put off is back: the series it holds up are looked at again.
    if (this.deferred.delete(key)) this.membershipDirty = true;
    // The previous model is let go before extracting (a 50,000-line model and the text it
    // was sliced from can be collected while the new one is built).
    const previous = this.models.get(key);
    const wasLivepatch = previous?.isLivepatch;
    // (Its names stay in `definers` until setModel(): unchanged after most edits.)
    this.models.delete(key);
    const model = this.extract(m);
    this.setModel(key, model);
    this.current.modules++;
    // Rules about a livepatch apply to livepatch modules only (as in `klp-studio check`).
    const inDeclaredSeries = (dir: string) => this.declaresSeries(dir);
    const cumulative = cumulativeExpected(model, [...this.models.values()], inDeclaredSeries);
    const lookups = new Map<string, CFunction[]>();
    const lookup = (n: string) => {
      const r = this.functions(n);
      lookups.set(n, r);
      return r;
    };
    const found = isLivepatchModule(model)
      ? moduleFindings(model, { functions: lookup, severity: this.settings.ruleSeverity, kernelApi: this.settings.kernelApi, sourceText: (f) => this.textOf(f), log: this.log, cumulativeExpected: cumulative })
      : [];
    const shifted = this.shiftedInPlace;
    this.setLookups(key, lookups);
    this.recheckLookups(key, previous, model, shifted);
    const old = this.findings.get(key) ?? [];
    this.findings.set(key, found);
    for (const f of old) touched.add(f.file);
    for (const f of found) touched.add(f.file);
    for (const f of m.files) if (this.published.has(f) || this.docs.get(f)) touched.add(f);
    if (wasLivepatch !== model.isLivepatch) this.membershipDirty = true;
    // KLP020 of the other livepatches of the folder reads whether this one is cumulative
    // (cumulativeExpected): when that is new or changed, they are checked again, so the
    // editor ends where `check`, which sees every module at once, is.
    this.cumulativeUsed.set(key, cumulative);
    if (!previous || isLivepatchModule(previous) !== isLivepatchModule(model) || moduleIsCumulative(previous) !== moduleIsCumulative(model)) {
      const dir = dirname(key);
      const all = [...this.models.values()];
      let added = false;
      for (const [k, other] of this.models) {
        if (k === key || dirname(k) !== dir || !isLivepatchModule(other) || this.pending.has(k)) continue;
        if (cumulativeExpected(other, all, inDeclaredSeries) === this.cumulativeUsed.get(k)) continue;
        this.pending.add(k);
        added = true;
      }
      if (added) { this.generation++; this.kick(); }
    }
    this.checkSeriesFingerprint(key, model, shifted);
  }

  /**
   * Cheap change detection before a series run: the module's patch summary (what the
   * series analysis reads) is compared with the previous one. Unchanged: the old summary
   * stays in use, so the series' step analyses stay valid.
   */
  private checkSeriesFingerprint(key: string, model: ModuleModel, shifted = false): void {
    if (!model.isLivepatch) {
      if (this.fingerprints.delete(key)) this.seriesChanged.add(key);
      return;
    }
    // A module in no series yet needs no summary until one appears (then it is made lazily).
    if (!this.membershipDirty && !this.inSeries(key)) {
      this.fingerprints.delete(key);
      return;
    }
    // The summary now, while the text extraction read is at hand (the series analysis reads it).
    this.summarize(model);
    const now: SeriesEntry = { model };
    // (A fingerprint of the last model not made yet would be made from positions the
    // update shifted in place: the module counts as changed.)
    const before = this.fingerprints.get(key);
    if (before && !(shifted && before.fingerprint === undefined) && this.fingerprintOf(before) === this.fingerprintOf(now)) {
      const kept = this.summaries.get(before.model);
      if (kept) this.summaries.set(model, kept);
    } else this.seriesChanged.add(key);
    this.fingerprints.set(key, now);
  }

  private fingerprintOf(e: SeriesEntry): string {
    return (e.fingerprint ??= seriesFingerprint(e.model, this.summarize(e.model)));
  }

  /** The patch summary of a model (computed once per model object). */
  private summarize(model: ModuleModel): PatchSummary {
    let s = this.summaries.get(model);
    if (!s) {
      s = summarize(model, (f) => this.textOf(f), (f) => this.linesOf(f));
      this.current.summaries++;
      this.summaries.set(model, s);
    }
    return s;
  }

  /**
   * Line index of an open document (kept current by the document), of a file kept from disk,
   * or of a file of the module just extracted in this run (what extraction read, not read again).
   */
  private linesOf(path: string): LineIndex | undefined {
    const doc = this.docs.get(path);
    if (doc?.c) return doc.c.lines;
    return this.diskDocs.get(path)?.lines ?? (doc ? undefined : this.session?.lastLines.get(path));
  }

  /** The text of PATH: of the module just extracted when it is one of its files, else read. */
  private textOf(path: string): string | undefined {
    const just = this.docs.get(path) ? undefined : this.session?.lastLines.get(path)?.text;
    return typeof just === 'string' ? just : this.host.readFile(path);
  }

  private inSeries(key: string): boolean {
    return this.series.some((s) => s.info.modules.includes(key));
  }

  private extract(m: IndexedModule): ModuleModel {
    this.shiftedInPlace = false;
    const open = m.files.some((f) => this.docs.get(f)?.c);
    if (!open) {
      this.dropExtractor(m.key);
      this.current.oneShot++;
      // Versions of one source (a series) start from each other: see ExtractionSession.
      return (this.session ??= new ExtractionSession()).extract(m.name, readSources(m.files, this.host));
    }
    const parsed: ParsedSource[] = [];
    const used: (CDocument | undefined)[] = [];
    for (const f of m.files) {
      const doc = this.docs.get(f);
      let cdoc = doc?.c;
      if (!cdoc && !doc) {
        cdoc = this.diskDocs.get(f);
        if (!cdoc) {
          const text = this.host.readFile(f);
          if (text !== undefined) {
            cdoc = new CDocument(f, text);
            this.diskDocs.set(f, cdoc);
          }
        }
      }
      used.push(cdoc);
      const p = cdoc?.asParsed();
      if (p) parsed.push(p);
    }
    let state = this.extractors.get(m.key);
    if (state && (state.docs.length !== used.length || state.docs.some((d, i) => d !== used[i]))) {
      state.extractor.dispose();
      state = undefined;
    }
    if (!state) {
      state = { extractor: new IncrementalModuleExtractor(), docs: used };
      this.extractors.set(m.key, state);
    }
    const model = state.extractor.update(m.name, parsed);
    this.addExtractStats(state.extractor.stats);
    this.shiftedInPlace = state.extractor.stats.shifted > 0;
    return model;
  }

  private addExtractStats(s: ExtractStats): void {
    const c = this.current;
    c.incremental++;
    c.items += s.items;
    c.extracted += s.extracted;
    c.reused += s.reused;
    c.moved += s.moved;
    c.shifted += s.shifted;
    c.assembled += s.assembled;
  }

  private dropExtractor(key: string): void {
    this.extractors.get(key)?.extractor.dispose();
    this.extractors.delete(key);
  }

  /** Re-analyses the series whose membership or members changed; records the files whose series findings changed. */
  private analyseSeries(touched: Set<string>): void {
    const before = this.series;
    const changed = new Set(this.seriesChanged);
    this.current.seriesChanged = changed.size;
    this.seriesChanged.clear();
    const all = this.seriesStale;
    this.seriesStale = false;
    let infos: SeriesInfo[];
    let redo: (info: SeriesInfo) => boolean;
    if (this.membershipDirty) {
      this.membershipDirty = false;
      infos = seriesOfModules(this.index, this.host);
      const same = new Map(before.map((s) => [seriesId(s.info), s]));
      // A series whose order and members did not change keeps its state unless a member changed.
      redo = (info) => {
        const old = same.get(seriesId(info));
        return !old || old.info.modules.join('\n') !== info.modules.join('\n') || info.modules.some((k) => changed.has(k))
          || JSON.stringify(old.info.spec) !== JSON.stringify(info.spec);
      };
    } else {
      infos = before.map((s) => s.info);
      redo = (info) => info.modules.some((k) => changed.has(k));
    }
    const old = new Map(before.map((s) => [seriesId(s.info), s]));
    const next: SeriesState[] = [];
    for (const info of infos) {
      const id = seriesId(info);
      const prev = old.get(id);
      // A member put off by a cancel (defer()): no analysis from the other members (that
      // would publish half a series as if it were whole); what was shown stays. When one of
      // its files is open, the user is looking at the series' findings: its members are
      // analysed now (the loop of run() picks them up).
      const putOff = info.modules.filter((k) => this.deferred.has(k));
      if (putOff.length) {
        if (info.modules.some((k) => this.hasOpenFile(k))) this.schedule(putOff);
        this.heldSeries.add(id);
        if (prev) next.push(prev);
        continue;
      }
      const held = this.heldSeries.delete(id);
      if (prev && !all && !held && !redo(info)) {
        next.push(prev.info === info ? prev : { ...prev, info });
        continue;
      }
      let memo = this.memos.get(id);
      if (!memo) this.memos.set(id, (memo = new StepMemo()));
      const [state] = analyseSeries([info], (key) => this.models.get(key), {
        readText: (f) => this.host.readFile(f),
        host: this.host,
        severity: this.settings.ruleSeverity,
        kernelApi: this.settings.kernelApi,
        log: this.log,
        summarize: (m) => this.summarize(m),
        memo,
      });
      this.current.series++;
      this.current.stepsComputed += memo.computed;
      this.current.stepsReused += memo.reused;
      next.push(state);
    }
    for (const id of [...this.heldSeries]) if (!infos.some((i) => seriesId(i) === id)) this.heldSeries.delete(id);
    const ids = new Set([...next.map((s) => seriesId(s.info)), ...this.heldSeries]);
    for (const id of this.memos.keys()) if (!ids.has(id)) this.memos.delete(id);
    this.series = next;
    // Publish only the files whose series findings changed.
    for (const f of changedFiles(before, next)) touched.add(f);
    // Fingerprints are kept for modules of some series only (others get theirs when they join one).
    const members = new Set(next.flatMap((s) => s.info.modules));
    for (const k of [...this.fingerprints.keys()]) if (!members.has(k)) this.fingerprints.delete(k);
    for (const k of members) {
      const model = this.models.get(k);
      if (model?.isLivepatch && !this.fingerprints.has(k)) {
        this.summarize(model);
        this.fingerprints.set(k, { model });
      }
    }
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
    if (this.pending.has(key) || this.deferred.has(key) || !this.models.has(key)) {
      const touched = new Set<string>();
      this.analyse(key, touched);
      if (!this.seriesPending()) {
        if (touched.size) this.publish(touched);
      } else {
        // Publish together with the series findings (never stale series findings with a new version).
        for (const f of touched) this.unpublished.add(f);
        this.kick();
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
    for (const key of this.definers.get(name) ?? []) {
      const f = this.models.get(key)?.functions[name];
      if (f) out.push(f);
    }
    // An original read from the disk of a file that is now a module of its own (opened in
    // the editor) is that module's: its model, of the editor's text, wins.
    for (const f of this.originals.get(name) ?? []) if (!this.index.indexedModulesOf(f.file).some((m) => this.models.has(m.key))) out.push(f);
    return sortFunctions(out);
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

/** A series' identity across runs: its klp.series file. */
function seriesId(info: SeriesInfo): string {
  return info.file ?? info.spec.dir;
}

/** Files whose series findings differ between two sets of series states. */
function changedFiles(before: SeriesState[], after: SeriesState[]): Set<string> {
  const byFile = (states: SeriesState[]) => {
    const m = new Map<string, string[]>();
    for (const s of states) {
      for (const f of s.findings) {
        let list = m.get(f.file);
        if (!list) m.set(f.file, (list = []));
        list.push(JSON.stringify(f));
      }
    }
    return m;
  };
  const a = byFile(before);
  const b = byFile(after);
  const out = new Set<string>();
  for (const [file, list] of a) if (list.join('\n') !== (b.get(file) ?? []).join('\n')) out.add(file);
  for (const file of b.keys()) if (!a.has(file)) out.add(file);
  return out;
}

/** Whether two answers of a function lookup give the same findings (originalKey). */
function sameOriginals(a: readonly CFunction[], b: readonly CFunction[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i] || originalKey(f) === originalKey(b[i]));
}
