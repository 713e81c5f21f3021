// The KLP Studio language server (bundled to dist/server-bundle.js, which dist/server.js loads
// through the V8 code cache: ./main.ts; also `klp-studio lsp --stdio`).
// Wires the connection to one file per feature: documents (incremental sync), workspace
// index + file watching, the analysis queue and diagnostics, hover, definition, references,
// symbols, code actions, code lenses and the custom klp/* requests (common/src/protocol.ts).
// Settings read: `klpStudio.rules.severity` (rule code -> error|warning|information|hint|off),
// `klpStudio.kernelApi` (auto|upstream|state-callbacks: the rules of the proposed API).
import {
  createConnection, DidChangeWatchedFilesNotification, FileChangeType, ProposedFeatures, TextDocumentSyncKind,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { initParser } from '../../core/src/cparse/parser';
import type { Severity } from '../../core/src/findings';
import { nodeHost } from '../../common/src/nodeHost';
import { FileSizeLimit } from '../../common/src/sizeLimit';
import { maxKBFromSettings, sizeFindings } from './sizeLimit';
import { AnalysisStatsRequest, FileInfoRequest, ModulesRequest, SeriesOverviewRequest, SimulateRequest, type CodeCacheState } from '../../common/src/protocol';
import { Analyzer } from './analysis';
import { analyseUnlessCancelled } from './cancelAnalysis';
import { countPendingChanges, pendingChanges } from './pendingChanges';
import { codeActions, CREATE_SERIES_KIND } from './codeActions';
import { codeLenses } from './codeLens';
import type { ServerContext } from './context';
import { definition } from './definition';
import { DiagnosticsPublisher } from './diagnostics';
import { DocumentStore } from './documents';
import { hover } from './hover';
import { references } from './references';
import { isScenario, scenarioCompletion, scenarioFindings, scenarioHover } from './scenario';
import { isSourcePatch, PatchDocuments } from './patchFiles';
import type { Finding } from '../../core/src/findings';
import { fileInfo, listModules, seriesOverview, simulate } from './requests';
import { documentSymbols, workspaceSymbols } from './symbols';
import { UriBook, uriToPath } from './uris';
import { isStructural, WorkspaceIndex } from './workspace';

export const SETTINGS_SECTION = 'klpStudio';

/** `klpStudio.rules.severity` values, normalised to the core's severities. */
/** Quiet time after the last edit before documents are settled (see armSettle). */
const SETTLE_MS = 750;

export function parseSeverities(raw: unknown): Record<string, Severity | 'off'> {
  const out: Record<string, Severity | 'off'> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [code, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = typeof value === 'string' ? value.toLowerCase() : '';
    const norm = v === 'information' ? 'info' : v;
    if (['error', 'warning', 'info', 'hint', 'off'].includes(norm)) out[code.toUpperCase()] = norm as Severity | 'off';
  }
  return out;
}

/** `klpStudio.kernelApi`: the livepatch API the rules assume (auto when unset or unknown). */
function kernelApiFromSettings(settings: unknown): 'auto' | 'upstream' | 'state-callbacks' {
  const v = (settings as { kernelApi?: unknown } | undefined)?.kernelApi;
  return v === 'upstream' || v === 'state-callbacks' ? v : 'auto';
}

function severitiesFromSettings(settings: unknown): Record<string, Severity | 'off'> {
  const s = settings as { rules?: { severity?: unknown }; 'rules.severity'?: unknown } | undefined;
  return parseSeverities(s?.rules?.severity ?? s?.['rules.severity']);
}

/** Wraps a handler: a failure is logged and answered with FALLBACK, never a crash. */
function safe<P, R>(ctx: { log(m: string): void }, name: string, fallback: R, fn: (p: P) => R): (p: P) => R {
  return (p: P) => {
    try {
      return fn(p);
    } catch (e) {
      ctx.log(`${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return fallback;
    }
  };
}

/** How the server was started (server/src/main.ts loads it through the V8 code cache). */
export interface StartOptions {
  /** What the code cache did, reported by klp/analysisStats. */
  codeCache?: CodeCacheState;
  /** Called once, when the first workspace index and the analyses it scheduled are done. */
  onWarm?: () => void;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all), options: StartOptions = {}): Connection {
  const uris = new UriBook();
  // Files over klpStudio.analysis.maxFileSizeKB read as empty and say so (./sizeLimit.ts).
  const sizeLimit = new FileSizeLimit();
  const docs = new DocumentStore(uris, sizeLimit);
  const host = docs.overlay(sizeLimit.wrap(nodeHost));
  const index = new WorkspaceIndex(host);
  const log = (m: string) => connection.console.log(m);
  countPendingChanges();
  let analyzer!: Analyzer;
  /** Parse errors of open .klpsim documents. */
  const scenarioErrors = new Map<string, Finding[]>();
  const patchDocs = new PatchDocuments(host, () => index.roots);
  const publisher = new DiagnosticsPublisher(connection, uris, (p) => scenarioErrors.get(p) ?? patchDocs.withSeries(p, () => analyzer.findingsFor(p)) ?? sizeFindings(sizeLimit, p) ?? analyzer.findingsFor(p), (p) => docs.get(p)?.version);
  const sizeChanged = new Set<string>();
  sizeLimit.onChange = (p) => {
    const m = sizeLimit.message(p, 'klpStudio.analysis.maxFileSizeKB');
    if (m) log(`${p}: ${m}`);
    if (!sizeChanged.size) setImmediate(() => {
      const files = [...sizeChanged];
      sizeChanged.clear();
      publisher.publish(files);
    });
    sizeChanged.add(p);
  };
  analyzer = new Analyzer(index, docs, host, (files) => {
    for (const f of files) analyzer.published.add(f);
    publisher.publish(files);
  }, log, pendingChanges);
  analyzer.maxFileBytes = () => sizeLimit.maxBytes;
  const ctx: ServerContext = { docs, index, analyzer, host, uris, log };

  let caps: InitializeParams['capabilities'] = {};
  let initOptions: unknown;
  let indexed: Promise<void> = Promise.resolve();
  let indexStarted = false;

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    caps = params.capabilities;
    initOptions = params.initializationOptions;
    publisher.supportsRelated = caps.textDocument?.publishDiagnostics?.relatedInformation ?? false;
    const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    const rootUri = params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? undefined;
    if (!roots.length && rootUri) roots.push(rootUri);
    index.setRoots(roots);
    // initializationOptions: { klpStudio: {...} }, { settings: { klpStudio: {...} } } or the section itself.
    const io = initOptions as { settings?: Record<string, unknown>; klpStudio?: unknown } | undefined;
    applySettings(io?.settings?.[SETTINGS_SECTION] ?? io?.[SETTINGS_SECTION] ?? io?.settings ?? io);
    await initParser();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: { label: 'Livepatch' },
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', CREATE_SERIES_KIND] },
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: [' ', '/', '@'] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'klp-studio', version: '0.1.0' },
    };
  });

  /** Rule severities and the analysis size limit from the settings section. */
  function applySettings(s: unknown): boolean {
    const severity = severitiesFromSettings(s);
    const kernelApi = kernelApiFromSettings(s);
    // Whether a setting the findings read changed (a change of simulate.* or trace.* re-analyses nothing).
    const changed = JSON.stringify(severity) !== JSON.stringify(analyzer.settings.ruleSeverity) || kernelApi !== (analyzer.settings.kernelApi ?? 'auto');
    analyzer.settings.ruleSeverity = severity;
    analyzer.settings.kernelApi = kernelApi;
    const kb = maxKBFromSettings(s);
    if (kb === undefined || sizeLimit.maxBytes === new FileSizeLimit(kb).maxBytes) return changed;
    sizeLimit.setMaxKB(kb);
    for (const d of docs.reapplyLimit()) analyzer.schedule(index.modulesOf(d.path).map((m) => m.key));
    // Skipped headers were not followed: rediscover the modules.
    if (indexStarted) structuralChange();
    return true;
  }

  /** Asks the client for the settings (workspace/configuration); whether any that matter changed. */
  async function loadSettings(): Promise<boolean> {
    if (!caps.workspace?.configuration) return false;
    try {
      const s = await connection.workspace.getConfiguration(SETTINGS_SECTION);
      return applySettings(s);
    } catch {
      // The client may not answer configuration requests: keep what we have.
      return false;
    }
  }

  /**
   * Indexes the workspace folders with work-done progress, then analyses every module that
   * appeared or changed (and those a cancelled index put off). Cancellable: during the scan
   * the index then stays as it was; during the analysis the rest is put off
   * (./cancelAnalysis.ts).
   */
  let scanGeneration = 0;
  async function reindex(title: string): Promise<void> {
    const generation = ++scanGeneration;
    let progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined;
    let userCancelled = false;
    let onCancel!: () => void;
    const cancelled = new Promise<void>((r) => (onCancel = r));
    if (caps.window?.workDoneProgress) {
      try {
        progress = await connection.window.createWorkDoneProgress();
        progress.begin(title, 0, 'reading sources', true);
        progress.token.onCancellationRequested(() => {
          userCancelled = true;
          onCancel();
        });
      } catch {
        progress = undefined;
      }
    }
    const started = Date.now();
    let lastReport = 0;
    const changed = await index.rebuild((root, files) => {
      const now = Date.now();
      if (now - lastReport < 100) return;
      lastReport = now;
      progress?.report(`${files} files read in ${root}`);
    }, () => userCancelled || generation !== scanGeneration);
    if (!changed) {
      progress?.done();
      log(userCancelled ? 'indexing cancelled: the index keeps what it had' : 'indexing superseded by a newer one');
      return;
    }
    for (const key of changed) if (!index.get(key)) analyzer.forget(key);
    analyzer.markSeriesDirty();
    analyzer.othersChanged();
    const scheduled = new Set([...changed].filter((k) => index.get(k)));
    // What an earlier cancel put off is analysed now (it was not forgotten).
    for (const k of analyzer.deferredKeys()) if (index.get(k)) scheduled.add(k);
    // Modules of open documents are always current.
    for (const d of docs.all()) for (const m of index.modulesOf(d.path)) scheduled.add(m.key);
    analyzer.schedule(scheduled);
    progress?.report(`analysing ${index.all().length} modules`);
    const outcome = await analyseUnlessCancelled(analyzer, scheduled, cancelled);
    progress?.done();
    if (outcome.cancelled) {
      log(outcome.message);
      return;
    }
    const st = index.stats;
    log(`indexed ${index.all().length} modules (${st.marked} of ${st.files} files mention klp_patch) in ${index.roots.length} folder(s) in ${Date.now() - started} ms`);
  }

  connection.onInitialized(async () => {
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{c,h}' }, { globPattern: '**/{Kbuild,Makefile,klp.series}' }],
      });
    }
    if (caps.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        const roots = index.roots.filter((r) => !removed.has(r));
        for (const f of e.added) {
          const p = uriToPath(f.uri);
          if (p) roots.push(p);
        }
        index.setRoots(roots);
        indexed = reindex('Indexing livepatch modules');
      });
    }
    await loadSettings();
    indexStarted = true;
    indexed = reindex('Indexing livepatch modules');
    if (options.onWarm) void indexed.then(options.onWarm, () => undefined);
  });

  connection.onDidChangeConfiguration(async (p) => {
    const s = (p.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
    // Every module and series again, only when a setting they read changed.
    if (s ? applySettings(s) : await loadSettings()) analyzer.scheduleAll();
  });

  // Documents: parse on every change (incremental), analyse through the queue.
  connection.onDidOpenTextDocument(safe(ctx, 'didOpen', undefined, (p) => docs.open(p)));
  connection.onDidChangeTextDocument(safe(ctx, 'didChange', undefined, (p) => {
    pendingChanges.onHandled();
    docs.change(p);
  }));
  connection.onDidCloseTextDocument(safe(ctx, 'didClose', undefined, (p) => docs.close(p)));
  docs.onDidChange((doc, event) => {
    if (isSourcePatch(doc.path)) {
      // A klp-build source patch (./patchFiles.ts): read against the kernel tree, findings on its lines.
      if (event === 'close') patchDocs.close(doc.path);
      else patchDocs.update(doc.path, docs.textOf(doc));
      publisher.publish([doc.path]);
      return;
    }
    if (isScenario(doc.path)) {
      if (event === 'close') scenarioErrors.delete(doc.path);
      else scenarioErrors.set(doc.path, scenarioFindings(doc.path, docs.textOf(doc)));
      publisher.publish([doc.path]);
      return;
    }
    if (isStructural(doc.path)) {
      if (event !== 'open') structuralChange();
      return;
    }
    const modules = index.modulesOf(doc.path).map((m) => m.key);
    if (event === 'change') armSettle();
    if (event === 'close') {
      // The disk version counts again (it may differ from what the editor had).
      analyzer.closeDocument(doc.path);
      analyzer.schedule(modules);
      publisher.publish([doc.path]);
    } else analyzer.schedule(modules, event === 'change');
  });

  // Idle settling (CDocument.settle): once the edits stop and the queue is empty, documents
  // whose incremental tree has syntax errors are parsed from scratch once, so that the
  // editor ends up showing what `klp-studio check` reports for the same text.
  let settleTimer: NodeJS.Timeout | undefined;
  function armSettle(): void {
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      if (!analyzer.isIdle() || pendingChanges.pending > 0) return armSettle();
      for (const doc of docs.all()) {
        if (doc.c?.settle()) analyzer.schedule(index.modulesOf(doc.path).map((m) => m.key));
      }
    }, SETTLE_MS);
  }

  let structuralTimer: NodeJS.Timeout | undefined;
  function structuralChange(): void {
    if (structuralTimer) clearTimeout(structuralTimer);
    structuralTimer = setTimeout(() => {
      structuralTimer = undefined;
      indexed = indexed.then(() => reindex('Re-indexing livepatch modules'));
    }, 50);
  }

  connection.onDidChangeWatchedFiles(safe(ctx, 'didChangeWatchedFiles', undefined, (p) => {
    let structural = false;
    for (const ch of p.changes) {
      const path = uriToPath(ch.uri);
      if (!path) continue;
      if (isStructural(path) || ch.type !== FileChangeType.Changed || index.becameCandidate(path)) structural = true;
      analyzer.diskChanged(path);
    }
    if (structural) structuralChange();
  }));

  const isScenarioUri = (u: string) => isScenario(uriToPath(u) ?? '');
  connection.onHover(safe(ctx, 'hover', null, (p) => (isScenarioUri(p.textDocument.uri) ? scenarioHover(ctx, p) : isSourcePatch(uriToPath(p.textDocument.uri) ?? '') ? patchDocs.hover(p) : hover(ctx, p))));
  connection.onCompletion(safe(ctx, 'completion', [], (p) => (isScenarioUri(p.textDocument.uri) ? scenarioCompletion(ctx, p) : [])));
  connection.onDefinition(safe(ctx, 'definition', null, (p) => definition(ctx, p)));
  connection.onReferences(safe(ctx, 'references', null, (p) => references(ctx, p)));
  connection.onDocumentSymbol(safe(ctx, 'documentSymbol', [], (p) => documentSymbols(ctx, p)));
  connection.onWorkspaceSymbol(safe(ctx, 'workspaceSymbol', [], (p) => workspaceSymbols(ctx, p)));
  connection.onCodeAction(safe(ctx, 'codeAction', [], (p) => codeActions(ctx, p)));
  connection.onCodeLens(safe(ctx, 'codeLens', [], (p) => codeLenses(ctx, p)));

  // Custom requests wait for the first index so that they see every module.
  connection.onRequest(ModulesRequest.method, async (p: Parameters<typeof listModules>[1]) => {
    await indexed;
    return safe(ctx, ModulesRequest.method, [], (q: typeof p) => listModules(ctx, q))(p);
  });
  connection.onRequest(FileInfoRequest.method, async (p: Parameters<typeof fileInfo>[1]) => {
    await indexed;
    return safe(ctx, FileInfoRequest.method, {}, (q: typeof p) => fileInfo(ctx, q))(p);
  });
  connection.onRequest(SeriesOverviewRequest.method, async (p: Parameters<typeof seriesOverview>[1]) => {
    await indexed;
    return safe(ctx, SeriesOverviewRequest.method, null, (q: typeof p) => seriesOverview(ctx, q))(p ?? {});
  });
  connection.onRequest(SimulateRequest.method, async (p: Parameters<typeof simulate>[1]) => {
    await indexed;
    try {
      return simulate(ctx, p);
    } catch (e) {
      log(`simulate failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { ok: false, errors: [{ message: `internal error: ${e instanceof Error ? e.message : String(e)}` }] };
    }
  });

  connection.onRequest(AnalysisStatsRequest.method, () => {
    const mb = (x: number) => Math.round((x / 2 ** 20) * 10) / 10;
    const m = process.memoryUsage();
    const memory = { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
    return { runs: analyzer.runs, lastRun: analyzer.lastRun, coverage: analyzer.coverage(), memory, ...(options.codeCache ? { codeCache: options.codeCache } : {}) };
  });

  connection.onShutdown(() => {
    for (const d of docs.all()) d.c?.dispose();
  });

  connection.listen();
  return connection;
}

// Started directly (`node dist/server-bundle.js`, or server.ts from sources): listen on the
// transport given on the command line (--stdio, --node-ipc, --socket=N). dist/server.js
// (./main.ts) and the CLI's `lsp` call startServer themselves.
if (require.main === module && /server(-bundle)?\.[jt]s$/.test(require.main.filename)) startServer();
