// The JSON event schema of one simulator run (`klp-studio simulate --format json`, the
// timeline webview, the language server and `verify` read it). Documented in docs/EVENTS.md.
//
// A run is a flat, ordered list of events. Every event carries its virtual time, the index
// of the scenario command that caused it and, when it prints something, the exact
// transcript line. Everything else is typed per kind. The schema only grows: new kinds
// and new optional fields may be added; existing fields keep their meaning.
import type { Range } from '../model';

/** Version of this schema; bumped only for incompatible changes. */
export const SIM_EVENTS_SCHEMA_VERSION = 1;

/** Where a definition involved in an event is written (a C source, or the scenario). */
export interface SourceRef {
  /** What the range shows. */
  role:
    | 'patch' // the `struct klp_patch` definition
    | 'object' // one `klp_object` entry
    | 'func' // one `klp_func` entry
    | 'new_func' // the C function named by `.new_func`
    | 'callback' // the C function a callback calls
    | 'state' // one `klp_state` entry
    | 'param' // a `module_param` declaration
    | 'replace' // where `.replace` gets its value (initializer or assignment)
    | 'scenario'; // the scenario line
  file: string;
  range: Range;
}

/** Kernel module states (`enum module_state`) plus UNLOADED (the module is gone). */
export type ModuleState = 'UNFORMED' | 'COMING' | 'LIVE' | 'GOING' | 'UNLOADED';

/** Per-task patch state (`task->patch_state`). */
export type TaskPatchState = 'idle' | 'unpatched' | 'patched';

/** Transition target (`klp_target_state`). */
export type TransitionTarget = 'patched' | 'unpatched';

/**
 * A patch as seen from user space (§3.7 of the semantics):
 * patching / unpatching = in transition; enabled = enabled and idle;
 * freed = gone from sysfs after unpatching (or a failed enable); replaced = freed because a
 * cumulative patch took over.
 */
export type PatchLifecycle = 'patching' | 'enabled' | 'unpatching' | 'freed' | 'replaced' | 'failed';

export type CallbackName = 'pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch';

/** Why a callback that could have run did not (no line is printed for these). */
export type CallbackSkip =
  | 'absent' // the object has no such callback
  | 'not-loaded' // the object's module is not loaded
  | 'replaced' // the patch was replaced by a cumulative patch: its callbacks never run
  | 'pre-patch-failed' // post_unpatch after a failed (or never run) pre_patch
  | 'transition-patch'; // post_patch on module load / pre_unpatch on unload of the transition patch

/** One function implementation on a func_stack. */
export interface FuncImpl {
  /** Patch (livepatch module name) that provides it. */
  patch: string;
  /** C name of the replacement; undefined for a NOP (runs the original code). */
  newFunc?: string;
  nop: boolean;
}

/** Identifies a patched function: object + old_name + old_sympos. */
export interface FuncKey {
  object: string; // 'vmlinux' or a module name
  function: string; // old_name
  sympos: number;
}

/** Fields every event has. */
export interface SimEventBase {
  /** 0-based position in the run. */
  seq: number;
  /** Virtual time in seconds (commands take no time; each retry adds one second). */
  time: number;
  /** 0-based index of the scenario command that caused it; -1 before the first command. */
  command: number;
  /** 1-based scenario line of that command (0 when none). */
  scenarioLine: number;
  /** The transcript line this event prints, if any (without the newline). */
  line?: string;
  /** True when `line` is a pr_debug line (dropped by `--no-debug`). */
  debug?: boolean;
  /** Definitions involved. */
  sources?: SourceRef[];
}

/** A scenario command starts (prints `% command`). */
export interface CommandEvent extends SimEventBase {
  kind: 'command';
  text: string;
  /** The verb: insmod, modprobe, rmmod, echo, cat, ls, sysctl, sleep. */
  verb: string;
}

/** A `#@` directive took effect (prints nothing). */
export interface DirectiveEvent extends SimEventBase {
  kind: 'directive';
  text: string;
}

/**
 * A kernel log line (`livepatch: ...`). `message` names the format (e.g. 'enabling',
 * 'init-transition', 'starting', 'completing', 'complete', 'canceling', 'reversing',
 * 'signaling', 'forcing', 'pre-patch-failed', 'enable-failed', 'applying-to-module',
 * 'reverting-on-unload', 'refusing-module', 'not-compatible', 'not-livepatch', 'ftrace-register-failed',
 * 'patch-object-failed', 'apply-to-module-failed', 'no-reliable-stacktrace').
 */
export interface LogEvent extends SimEventBase {
  kind: 'log';
  message: string;
  patch?: string;
  object?: string;
  module?: string;
  line: string;
}

/** What a command itself prints (cat/ls values, sysctl echo, user-space error messages). */
export interface OutputEvent extends SimEventBase {
  kind: 'output';
  line: string;
  /** True for an error message of the command (insmod/rmmod/echo/sysctl failure, missing path). */
  error: boolean;
}

/** A module changed state. Refcount counts the livepatch core's reference (and forced pins). */
export interface ModuleStateEvent extends SimEventBase {
  kind: 'module-state';
  module: string;
  state: ModuleState;
  /** True for a livepatch module (has a klp_patch passed to klp_enable_patch). */
  livepatch: boolean;
  refcount: number;
  /** Module parameters and their current values (after parsing the insmod line). */
  params?: Record<string, string>;
}

/** A patch changed lifecycle state; also carries what sysfs shows for it now. */
export interface PatchStateEvent extends SimEventBase {
  kind: 'patch-state';
  patch: string;
  state: PatchLifecycle;
  enabled: boolean;
  transition: boolean;
  replace: boolean;
  /** 1-based position in klp_patches; 0 when not in the list. */
  stackOrder: number;
  /** The patch was forced at some point (its module can never be removed). */
  forced: boolean;
  /** Objects and whether each is patched now. */
  objects: { name: string; loaded: boolean; patched: boolean }[];
  /** System states this patch carries. */
  states: { id: number; version: number }[];
  /** Shadow variable ids the patch's code allocates / frees / reads (static facts). */
  shadow?: { alloc: number[]; free: number[]; get: number[] };
}

/** The ordered klp_patches list changed (stack order = index + 1). */
export interface PatchListEvent extends SimEventBase {
  kind: 'patch-list';
  patches: string[];
}

/**
 * A func_stack changed (push, pop, NOP added or discarded, transition flag set/cleared).
 * `stack` is newest first. The implementation tasks run: a patched (migrated) task runs
 * `stack[0]`; while `transition` is true an unpatched task runs `stack[1]` (or the original
 * when the stack has one entry). A NOP or an empty stack means the original code.
 */
export interface FuncStackEvent extends SimEventBase {
  kind: 'func-stack';
  object: string;
  function: string;
  sympos: number;
  stack: FuncImpl[];
  transition: boolean;
  /** What changed: push | pop | nop-added | nop-discarded | transition. */
  change: 'push' | 'pop' | 'nop-added' | 'nop-discarded' | 'transition';
  patch: string;
}

/** A transition starts, reverses, completes or is cancelled. */
export interface TransitionEvent extends SimEventBase {
  kind: 'transition';
  patch: string;
  phase: 'init' | 'start' | 'reverse' | 'complete' | 'cancel';
  target: TransitionTarget;
}

/** A declared task was created, changed (leaves/sleeps-in) or exited. */
export interface TaskEvent extends SimEventBase {
  kind: 'task';
  task: string;
  pid: number;
  change: 'declared' | 'changed' | 'exited';
  kthread: boolean;
  runningOnCpu: boolean;
  stack: string[];
  patchState: TaskPatchState;
}

/** A task switched to the transition's target state. */
export interface TaskSwitchEvent extends SimEventBase {
  kind: 'task-switch';
  task: string;
  pid: number;
  /** Undeclared tasks (all the rest + idle tasks) are reported as one task named '*'. */
  from: TaskPatchState;
  to: TaskPatchState;
  reason: 'stack-check' | 'user-return' | 'signal' | 'force' | 'exited' | 'idle' | 'reverse' | 'complete';
  patch: string;
}

/** A task stayed behind at a check (the kernel's own debug line is suppressed in transcripts). */
export interface TaskBlockedEvent extends SimEventBase {
  kind: 'task-blocked';
  task: string;
  pid: number;
  reason: 'running' | 'unreliable-stack' | 'sleeping-on';
  /** For sleeping-on: the old_name of the function whose forbidden range the stack holds. */
  function?: string;
  /** The stack entry that is in the forbidden range. */
  stackEntry?: string;
  patch: string;
}

/** One try of klp_try_complete_transition. */
export interface RetryEvent extends SimEventBase {
  kind: 'retry';
  patch: string;
  /** 0 for the first, synchronous try. */
  attempt: number;
  remaining: string[];
  done: boolean;
}

/** Remaining tasks were signalled (attempt 15, 30, ...). */
export interface SignalEvent extends SimEventBase {
  kind: 'signal';
  patch: string;
  attempt: number;
  tasks: string[];
}

/** `echo 1 > force` took effect. */
export interface ForceEvent extends SimEventBase {
  kind: 'force';
  patch: string;
  target: TransitionTarget;
  tasks: string[];
  /** Patches marked forced (their modules can never be removed). */
  forcedPatches: string[];
}

/** A callback invocation, or a callback that the rules skip. */
export interface CallbackEvent extends SimEventBase {
  kind: 'callback';
  patch: string;
  object: string;
  callback: CallbackName;
  /** The C function (undefined when absent). */
  cFunction?: string;
  /** State of the object's module at the call ('LIVE' for vmlinux). */
  moduleState?: ModuleState;
  /** pre_patch only: the value it returned. */
  returned?: number;
  /** Set when it did not run. */
  skipped?: CallbackSkip;
}

/** A klp_state owned by the patches in the list changed hands. */
export interface SystemStateEvent extends SimEventBase {
  kind: 'system-state';
  id: number;
  version: number;
  /** The newest patch in klp_patches carrying the id; undefined when no patch carries it. */
  owner?: string;
  change: 'introduced' | 'taken-over' | 'dropped';
}

/**
 * Proposed API (semantics §12, `--kernel-api state-callbacks`): a state callback ran, or a
 * present one did not run. `role` is 'own' for the transition patch's states and 'replaced'
 * for the states of a patch the transition patch replaces (which it does not carry).
 */
export interface StateCallbackEvent extends SimEventBase {
  kind: 'state-callback';
  patch: string;
  /** The klp_state id. */
  state: number;
  callback: CallbackName;
  cFunction: string;
  role: 'own' | 'replaced';
  /** pre_patch only: the value it returned. */
  returned?: number;
  /**
   * Set when it did not run: another patch in the list carries the state (carried over, no
   * callbacks), or post_unpatch of a state whose pre_patch never succeeded (rollback).
   */
  skipped?: 'in-other-patches' | 'pre-patch-not-succeeded';
}

/**
 * Proposed API (§12): the shadow variables `<*, id>` of a state with `is_shadow`. 'bound':
 * the state was introduced, its shadow variables now live as long as it does; 'freed': the
 * state went away and `klp_shadow_free_all(id, shadow_dtor)` ran (no log line; the simulator
 * does not know how many variables exist, so `dtor` calls are not counted).
 */
export interface ShadowLifetimeEvent extends SimEventBase {
  kind: 'shadow-lifetime';
  id: number;
  patch: string;
  change: 'bound' | 'freed';
  /** `callbacks.shadow_dtor`, when set. */
  dtor?: string;
}

/** The run simulates the proposed kernel API (§12); emitted first, only for that level. */
export interface ApiLevelEvent extends SimEventBase {
  kind: 'api-level';
  level: 'state-callbacks';
  /** 'option' = `--kernel-api` / the setting; 'detected' = a loaded module uses state callbacks. */
  chosenBy: 'option' | 'detected';
  /** Modules whose sources use the proposed API. */
  modules: string[];
}

/** A sysfs / procfs file was read or written. */
export interface SysfsEvent extends SimEventBase {
  kind: 'sysfs';
  op: 'read' | 'write';
  path: string;
  value?: string;
  /** 0 on success, else the negative errno. */
  result: number;
}

/** A module parameter changed (insmod line or sysfs write). */
export interface ParamEvent extends SimEventBase {
  kind: 'param';
  module: string;
  param: string;
  value: string;
}

/** `kernel.ftrace_enabled` changed or a change was refused. */
export interface SysctlEvent extends SimEventBase {
  kind: 'sysctl';
  key: string;
  value: string;
  result: number;
}

/** A user-visible operation failed (insmod/rmmod/echo/sysctl) with an errno. */
export interface FailureEvent extends SimEventBase {
  kind: 'failure';
  /** What failed: insmod, modprobe, rmmod, echo, cat, sysctl, enable, module-load. */
  op: string;
  errno: number;
  /** Symbolic name, e.g. 'EBUSY'. */
  errnoName: string;
  patch?: string;
  module?: string;
}

/** A diagnostic about the scenario or the modules that does not stop the run. */
export interface NoteEvent extends SimEventBase {
  kind: 'note';
  message: string;
}

/** The last event: summary of the final state. */
export interface EndEvent extends SimEventBase {
  kind: 'end';
  patches: string[];
  transition?: string;
  modules: { name: string; state: ModuleState; refcount: number; forced: boolean }[];
}

export type SimEvent =
  | CommandEvent
  | DirectiveEvent
  | LogEvent
  | OutputEvent
  | ModuleStateEvent
  | PatchStateEvent
  | PatchListEvent
  | FuncStackEvent
  | TransitionEvent
  | TaskEvent
  | TaskSwitchEvent
  | TaskBlockedEvent
  | RetryEvent
  | SignalEvent
  | ForceEvent
  | CallbackEvent
  | SystemStateEvent
  | StateCallbackEvent
  | ShadowLifetimeEvent
  | ApiLevelEvent
  | SysfsEvent
  | ParamEvent
  | SysctlEvent
  | FailureEvent
  | NoteEvent
  | EndEvent;

export type SimEventKind = SimEvent['kind'];

/** The document `klp-studio simulate --format json` prints. */
export interface SimRunDocument {
  schema: 'klp-studio/sim-events';
  version: number;
  /** The scenario file as given. */
  scenario: string;
  /** Options that change the output. */
  debug: boolean;
  exitStatus: number;
  events: SimEvent[];
}

/** Transcript lines of a list of events (the text format is exactly this, one per line). */
export function transcriptOf(events: readonly SimEvent[], debug = true): string[] {
  const out: string[] = [];
  for (const e of events) if (e.line !== undefined && (debug || !e.debug)) out.push(e.line);
  return out;
}
