// The custom part of the KLP Studio language protocol: requests beyond standard LSP and the
// names of the client commands the server's code lenses invoke. Declared once here; the
// language server (server/) handles these, the VS Code client (client/) sends them, and
// docs/lsp-extensions.md documents them for other editors.
//
// Only vscode-languageserver-protocol types (and plain data from the pure core) are used, so
// both sides can import this file.
import { RequestType } from 'vscode-languageserver-protocol';
import type { SimEvent } from '../../core/src/sim/events';

// ---------------------------------------------------------------------------------------
// Shared shapes

/** A 0-based LSP range (kept local so that this file needs no other import). */
export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A range in a document named by URI. */
export interface WireLocation {
  uri: string;
  range: WireRange;
}

/** One livepatch module of the workspace, as the quick picks and the overview show it. */
export interface WorkspaceModule {
  /** Kernel module name (`-` turned into `_`), also the sysfs directory of its patch. */
  name: string;
  /** URI of the module's main source file. */
  uri: string;
  /** URIs of every source of the module (main file first). */
  files: string[];
  /** True when a klp_patch is passed to klp_enable_patch() (a livepatch, not a target module). */
  isLivepatch: boolean;
  /** The `.replace` initializer: true/false, or undefined when set at run time or unknown. */
  replace?: boolean;
  /** Where `struct klp_patch NAME = {...}` is written. */
  patch?: WireLocation;
  /** The series this module belongs to, if any. */
  series?: { name: string; uri?: string; index: number };
}

// ---------------------------------------------------------------------------------------
// klp/simulate

/** What to simulate: a scenario (a .klpsim document) or an action on workspace modules. */
export type SimulateTarget =
  /** Run a scenario: the open document's text wins over the file on disk; `text` wins over both. */
  | { kind: 'scenario'; uri: string; text?: string }
  /** `insmod` the livepatch module (after loading the target modules its objects name). */
  | { kind: 'enable'; module: string }
  /** Enable, then `echo 0 > .../enabled` and `rmmod`. */
  | { kind: 'disable'; module: string }
  /** Enable `from`, then load `module` on top of it (a cumulative upgrade when it replaces). */
  | { kind: 'upgrade'; module: string; from: string };

export interface SimulateParams {
  target: SimulateTarget;
  /** Keep pr_debug lines (initializing/completing/...) in the transcript; default true. */
  debug?: boolean;
  /** The kernel version profile simulated (`klp-studio simulate --kernel`); default 'latest'. */
  kernel?: 'latest' | '6.1' | '6.12' | '7.2';
  /** The livepatch API simulated (`klp-studio simulate --kernel-api`); default 'auto' (what the modules use). */
  kernelApi?: 'auto' | 'upstream' | 'state-callbacks';
}

export type SimulateResult =
  | {
      ok: true;
      /** The scenario that was run (generated for enable/disable/upgrade). */
      scenario: string;
      /** The transcript, one line per entry, exactly as `klp-studio simulate` prints it. */
      transcript: string[];
      /** Structured events (core/src/sim/events.ts, docs/EVENTS.md): the timeline's input. */
      events: SimEvent[];
      /** Exit status `klp-studio simulate` would return. */
      exitStatus: number;
      /** URIs (or names) of the scenario and modules, for titles. */
      title: string;
    }
  | {
      ok: false;
      /** Scenario parse errors or unresolvable modules; one message per problem. */
      errors: { message: string; line?: number; uri?: string }[];
    };

/**
 * `klp/simulate`: runs the transition simulator on a scenario or on a generated one
 * (enable, disable or upgrade of workspace modules), with unsaved editor contents.
 * Deterministic; never writes files.
 */
export namespace SimulateRequest {
  export const method = 'klp/simulate' as const;
  export const type = new RequestType<SimulateParams, SimulateResult, void>(method);
}

// ---------------------------------------------------------------------------------------
// klp/seriesOverview

/** What a patch of the series does to one function patched anywhere in the series. */
export type FunctionStep = 'new' | 'changed' | 'kept' | 'reverted-by-nop' | 'absent' | 'stacked';

export interface SeriesOverviewParams {
  /** A document of the series (a module source or the klp.series file); absent = first series. */
  uri?: string;
}

export interface SeriesOverview {
  /** Series name (the folder of klp.series, or of the inferred series). */
  name: string;
  /** URI of klp.series, when the order comes from one. */
  uri?: string;
  /** How the order was found. */
  source: 'klp.series' | 'inferred';
  /** Patches in series order. */
  patches: WorkspaceModule[];
  /** Per function (object + old_name): what each patch (same order as `patches`) does. */
  functions: { object: string; function: string; steps: FunctionStep[] }[];
  /** Per state id: the version each patch carries (null: not carried). */
  states: { id: number; versions: (number | null)[] }[];
  /** Series findings, as in the Problems panel: code, message, where. */
  findings: { code: string; severity: string; message: string; location: WireLocation }[];
}

/** `klp/seriesOverview`: the series of a document (or the first of the workspace); null when none. */
export namespace SeriesOverviewRequest {
  export const method = 'klp/seriesOverview' as const;
  export const type = new RequestType<SeriesOverviewParams, SeriesOverview | null, void>(method);
}

// ---------------------------------------------------------------------------------------
// klp/modules

export interface ModulesParams {
  /** Only livepatch modules (default true). */
  livepatchOnly?: boolean;
}

/** `klp/modules`: the modules of the workspace index (quick picks, status bar). */
export namespace ModulesRequest {
  export const method = 'klp/modules' as const;
  export const type = new RequestType<ModulesParams, WorkspaceModule[], void>(method);
}

// ---------------------------------------------------------------------------------------
// klp/fileInfo

export interface FileInfoParams {
  uri: string;
}

export interface FileInfo {
  /** The module the file belongs to (a header may belong to several: the first). */
  module?: WorkspaceModule;
  /** The series of that module. */
  series?: { name: string; uri?: string; index: number; count: number };
}

/** `klp/fileInfo`: which module and series a document belongs to (the status bar item). */
export namespace FileInfoRequest {
  export const method = 'klp/fileInfo' as const;
  export const type = new RequestType<FileInfoParams, FileInfo, void>(method);
}

// ---------------------------------------------------------------------------------------
// klp/analysisStats

/** What the server's last analysis run did (server/src/analysis.ts RunStats). */
export interface AnalysisStats {
  /** Analysis runs since the server started. */
  runs: number;
  lastRun: {
    modules: number;
    incremental: number;
    oneShot: number;
    /**
     * Of the one-shot extractions (files not open): files parsed from the tree of a similar
     * file read before in the run, and items whose facts came from it (core/src/extract/session.ts).
     */
    kinTrees: number;
    kinItems: number;
    /** Top-level items of the incrementally extracted modules, and how many were extracted again / reused / moved. */
    items: number;
    extracted: number;
    reused: number;
    /** Moved items copied with new positions, and items moved by whole lines whose positions were shifted in place (a line break above them). */
    moved: number;
    shifted: number;
    /** Items the model assembly walked (0 when the last model was patched: an edit inside function bodies). */
    assembled: number;
    seriesChanged: number;
    series: number;
    summaries: number;
    stepsComputed: number;
    stepsReused: number;
    published: number;
    ms: number;
  };
  /**
   * How much of the workspace index is analysed: its modules, those with a current analysis,
   * and those a cancelled index put off (server/src/cancelAnalysis.ts).
   */
  coverage?: { modules: number; analysed: number; deferred: number };
  /** The server's process.memoryUsage(), MB. */
  memory?: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** The V8 code cache of dist/server-bundle.js in this process (server/src/codeCache.ts); absent when not loaded through it. */
  codeCache?: CodeCacheState;
}

/**
 * What happened to the server bundle's V8 code cache: `off` (disabled or nowhere to keep it),
 * `absent` (none yet: compiled from source, written once warm), `rejected` (refused by V8:
 * compiled from source, rewritten), `used`, `failed` (loaded by plain require).
 */
export type CodeCacheState = 'off' | 'absent' | 'rejected' | 'used' | 'failed';

/** `klp/analysisStats`: counters of the last analysis run (benchmarks and tests; no parameters). */
export namespace AnalysisStatsRequest {
  export const method = 'klp/analysisStats' as const;
  export const type = new RequestType<void, AnalysisStats, void>(method);
}

// ---------------------------------------------------------------------------------------
// Client commands invoked by code lenses. The client implements them (a third-party editor
// may ignore them or map them to `klp/simulate`). Each takes one argument object.

/** Arguments of every code-lens command. */
export interface LensCommandArgs {
  /** The livepatch module the lens is on. */
  module: string;
  /** URI of the document with the `struct klp_patch`. */
  uri: string;
  /** For upgrade: the previous patch of the series. */
  from?: string;
}

export namespace ClientCommands {
  /** "Simulate enable": runs SimulateRequest { kind: 'enable' } and shows the transcript/timeline. */
  export const simulateEnable = 'klpStudio.simulateEnable';
  /** "Simulate upgrade from <previous>": SimulateRequest { kind: 'upgrade', from }. */
  export const simulateUpgrade = 'klpStudio.simulateUpgrade';
  /** "Show timeline": the timeline webview of the enable run. */
  export const showTimeline = 'klpStudio.showTimeline';
}
