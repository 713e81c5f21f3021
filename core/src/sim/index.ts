// The simulator's public API (used by `klp-studio simulate`, the language server, the
// timeline view and `verify`):
//
//   runScenario(scenario, modules, options?) -> { transcript, events, exitStatus }
//     scenario: a parsed `.klpsim` (parseScenario in ../scenario/parse);
//     modules:  module name -> ModuleModel | SimModuleSpec (a Map, a record or a function);
//               a name with nothing is a plain target module without sources;
//     options:  { debug?: boolean }  (false = `--no-debug`: pr_debug lines dropped),
//               { kernel?: 'latest' | '6.1' | '6.12' | '7.2' }  (the kernel version profile, ./kernelProfile.ts).
//     transcript: the lines of the text transcript (join with '\n' and add a final '\n');
//     events: the structured run (schema in ./events.ts, docs/EVENTS.md).
//
//   simulateFile(file, text, searchDirs, host, options?) -> SimulateResult
//     parses the scenario, finds and extracts every module it loads (through the FileHost,
//     in the scenario's folder and the search dirs), then runs it. Requires initParser().
//     Errors are FILE:LINE: error: ... lines with exitStatus 2 (bad scenario) or 1 (a
//     livepatch the scenario needs has no sources).
//
// Everything is deterministic and does no I/O of its own.
import type { FileHost } from '../host';
import type { ModuleModel } from '../model';
import { formatScenarioError, parseScenario, type Scenario } from '../scenario/parse';
import { findModuleSources, loadModule } from '../workspace/modules';
import { Machine } from './engine';
import type { SimEvent } from './events';
import { transcriptOf } from './events';
import { specFromModel, type SimModuleSpec } from './spec';
import { chooseKernelApi, upstreamLevelNote, type KernelApiLevel } from './stateCallbacks';

export type { SimEvent, SimRunDocument } from './events';
export { SIM_EVENTS_SCHEMA_VERSION, transcriptOf } from './events';
export type { SimModuleSpec } from './spec';
export { specFromModel } from './spec';
export { parseScenario, formatScenarioError } from '../scenario/parse';
export type { Scenario } from '../scenario/parse';
export { Machine } from './engine';
export { chooseKernelApi, stateCallbackLine, type KernelApiLevel } from './stateCallbacks';
export { DEFAULT_KERNEL_PROFILE, isKernelProfileName, KERNEL_FACTS, KERNEL_PROFILES, kernelProfile, LATEST_MEASURED, MEASURED_KERNELS, profileForKernelVersion, type KernelProfileName, type MeasuredKernel } from './kernelProfile';
import type { KernelProfileName } from './kernelProfile';

export interface SimOptions {
  /** Print pr_debug lines (default true; `--no-debug` sets false). */
  debug?: boolean;
  /**
   * The kernel API simulated: 'upstream', 'state-callbacks' (semantics §12) or 'auto'
   * (default: state-callbacks iff a module the scenario loads uses state callbacks).
   */
  kernelApi?: 'auto' | KernelApiLevel;
  /** The kernel version profile simulated (default 'latest'). */
  kernel?: KernelProfileName;
  /** Event budget of the run (default MAX_EVENTS of ./engine.ts); beyond it the run stops, exit status 2. */
  maxEvents?: number;
}

export interface SimResult {
  transcript: string[];
  events: SimEvent[];
  exitStatus: number;
}

export type ModuleInput = ModuleModel | SimModuleSpec;
export type ModuleSource =
  | ReadonlyMap<string, ModuleInput | undefined>
  | Readonly<Record<string, ModuleInput | undefined>>
  | ((name: string) => ModuleInput | undefined);

function isSpec(x: ModuleInput): x is SimModuleSpec {
  return (x as SimModuleSpec).hasSources !== undefined && (x as ModuleModel).patches === undefined;
}

/** Runs a parsed scenario. A scenario with parse errors is not run (exitStatus 2). */
export function runScenario(scenario: Scenario, modules: ModuleSource, options: SimOptions = {}): SimResult {
  if (scenario.errors.length) return { transcript: [], events: [], exitStatus: 2 };
  const lookup = typeof modules === 'function' ? modules : modules instanceof Map ? (n: string) => modules.get(n) : (n: string) => (modules as Record<string, ModuleInput | undefined>)[n];
  const cache = new Map<string, SimModuleSpec | undefined>();
  const resolve = (name: string) => {
    if (!cache.has(name)) {
      const m = lookup(name);
      cache.set(name, m === undefined ? undefined : isSpec(m) ? m : specFromModel(m));
    }
    return cache.get(name);
  };
  const loaded = [...modulesLoaded(scenario).keys()].map((name) => ({ name, apiLevel: resolve(name)?.apiLevel }));
  const api = chooseKernelApi(options.kernelApi, loaded);
  const machine = new Machine({ resolve, kernelApi: api.level, kernelApiChoice: api, kernel: options.kernel });
  if (options.maxEvents !== undefined) machine.maxEvents = options.maxEvents;
  if (api.level === 'upstream' && api.modules.length) machine.note(upstreamLevelNote(api.modules));
  scenario.steps.forEach((s, i) => {
    if (s.type === 'command') machine.runCommand(i, s.line, s.text, s.command);
    else machine.runDirective(i, s.line, s.text, s.directive);
  });
  machine.finish();
  // A run that outgrew the simulator's event budget (engine MAX_EVENTS) ends with status 2.
  return { transcript: transcriptOf(machine.events, options.debug ?? true), events: machine.events, exitStatus: machine.stopped ? 2 : 0 };
}

/** Modules a scenario loads (insmod/modprobe), with the line of their first load. */
export function modulesLoaded(scenario: Scenario): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of scenario.steps) {
    if (s.type === 'command' && (s.command.verb === 'insmod' || s.command.verb === 'modprobe') && !out.has(s.command.module)) out.set(s.command.module, s.line);
  }
  return out;
}

export interface SimulateResult extends SimResult {
  /** `FILE:LINE: error: ...` lines (exitStatus 1 or 2). */
  errors: string[];
  scenario: Scenario;
}

function dirOf(p: string): string {
  const i = p.replace(/\\/g, '/').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** Parses, resolves the modules and runs a scenario file (see the top of this file). */
export function simulateFile(file: string, text: string, searchDirs: string[], host: FileHost, options: SimOptions = {}): SimulateResult {
  const scenario = parseScenario(file, text);
  if (scenario.errors.length) {
    return { transcript: [], events: [], exitStatus: 2, errors: scenario.errors.map((e) => formatScenarioError(file, e)), scenario };
  }
  const dirs = [dirOf(file), ...searchDirs.filter((d) => d !== dirOf(file))];
  const models = new Map<string, ModuleModel | undefined>();
  const errors: string[] = [];
  // A module whose patch directory the scenario uses is needed as a livepatch: it must have sources.
  const livepatchNames = new Set<string>();
  for (const s of scenario.steps) {
    if (s.type !== 'command') continue;
    const c = s.command;
    const path = c.verb === 'echo' || c.verb === 'cat' ? c.path : undefined;
    const m = path && /^\/sys\/kernel\/livepatch\/([^/]+)/.exec(path);
    if (m) livepatchNames.add(m[1]);
  }
  for (const [name, line] of modulesLoaded(scenario)) {
    const r = loadModule(name, dirs, host);
    if (r.ok) { models.set(name, r.model); continue; }
    models.set(name, undefined);
    if (livepatchNames.has(name)) {
      const looked = findModuleSources(name, dirs, host);
      const where = (looked.ok ? [] : looked.looked).join(', ');
      errors.push(`${file}:${line}: error: module '${name}' is used as a livepatch but has no sources (looked for a Kbuild/Makefile 'obj-m += ${name}.o' and ${name}.c or a file named like it in: ${where || dirs.join(', ')})`);
    }
  }
  if (errors.length) return { transcript: [], events: [], exitStatus: 1, errors, scenario };
  const r = runScenario(scenario, models, options);
  return { ...r, errors: [], scenario };
}
