// The deterministic livepatch machine behind `klp-studio simulate`: modules and their
// reference counts and states, klp_enable_patch() and its checks, the patch list,
// func_stacks with NOPs for atomic replace, callbacks, the per-task consistency model with
// retries, signals, reverse and force, sysfs and the ftrace_enabled sysctl. It follows
// docs/SEMANTICS.md (section numbers in comments refer to it);
// choices where that document is silent are in docs/FIDELITY.md. Virtual time, no I/O.
import type {
  CallbackName, CallbackSkip, FuncImpl, ModuleState, PatchLifecycle, SimEvent, SourceRef, TaskPatchState, TransitionTarget,
} from './events';
import type { SimCallbackSpec, SimModuleSpec, SimPatchSpec, SimParamSpec, ValueBinding } from './spec';
import type { ParamArg, ScenarioCommand, ScenarioDirective } from '../scenario/parse';
import { blockDisableMessage, StateCallbacks, type KernelApiLevel } from './stateCallbacks';
import { kernelProfile, type KernelProfile, type KernelProfileName } from './kernelProfile';

// ---------------------------------------------------------------------------------------
// errno

export const ERRNO = { EPERM: 1, ENOENT: 2, EIO: 5, ENOMEM: 12, EACCES: 13, EBUSY: 16, EEXIST: 17, ENODEV: 19, EISDIR: 21, EINVAL: 22, ERANGE: 34 } as const;
const STRERROR: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 5: 'Input/output error', 12: 'Cannot allocate memory',
  13: 'Permission denied', 16: 'Device or resource busy', 17: 'File exists', 19: 'No such device', 21: 'Is a directory',
  22: 'Invalid argument', 34: 'Numerical result out of range',
};
/** strerror text of a (positive or negative) errno. */
export function strerror(errno: number): string {
  const e = Math.abs(errno);
  return STRERROR[e] ?? `Unknown error ${e}`;
}
function errnoName(errno: number): string {
  const e = Math.abs(errno);
  return (Object.entries(ERRNO).find(([, v]) => v === e)?.[0]) ?? `E${e}`;
}

/** kstrtobool: 1/0, y/n, t/f (any case), on/off. */
export function kstrtobool(s: string): boolean | undefined {
  const c = s[0];
  if (c && 'yYtT1'.includes(c)) return true;
  if (c && 'nNfF0'.includes(c)) return false;
  if (c === 'o' || c === 'O') {
    if (s[1] === 'n' || s[1] === 'N') return true;
    if (s[1] === 'f' || s[1] === 'F') return false;
  }
  return undefined;
}

/** kstrtoll-style integer parse (base 0: 0x.., 0.., decimal; optional sign; one trailing newline). */
export function parseKernelInt(s: string): number | undefined {
  const t = s.endsWith('\n') ? s.slice(0, -1) : s;
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) return undefined;
  const body = m[2];
  const v = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -v : v;
}

const INT_RANGES: Record<string, [number, number]> = {
  byte: [0, 255], short: [-32768, 32767], ushort: [0, 65535], int: [-2147483648, 2147483647], uint: [0, 4294967295],
  hexint: [0, 4294967295], long: [-(2 ** 63), 2 ** 63 - 1], ulong: [0, 2 ** 64 - 1], ullong: [0, 2 ** 64 - 1],
};

/** Parses a parameter value as the kernel's param_set_* would; returns the sysfs text or an errno. */
export function parseParamValue(type: string, value: string | undefined): { ok: true; text: string } | { ok: false; errno: number } {
  const t = type.trim();
  if (t === 'bool' || t === 'invbool') {
    if (value === undefined || value === '') return { ok: true, text: t === 'invbool' ? 'N' : 'Y' };
    const b = kstrtobool(value);
    if (b === undefined) return { ok: false, errno: -ERRNO.EINVAL };
    return { ok: true, text: (t === 'invbool' ? !b : b) ? 'Y' : 'N' };
  }
  if (t === 'charp') return { ok: true, text: (value ?? '').replace(/\n$/, '') };
  const range = INT_RANGES[t];
  if (!range) return { ok: true, text: (value ?? '').replace(/\n$/, '') };
  if (value === undefined) return { ok: false, errno: -ERRNO.EINVAL };
  const n = parseKernelInt(value);
  if (n === undefined) return { ok: false, errno: -ERRNO.EINVAL };
  if (n < range[0] || n > range[1]) return { ok: false, errno: -ERRNO.ERANGE };
  return { ok: true, text: t === 'hexint' ? '0x' + n.toString(16) : String(n) };
}

function paramNumber(text: string): number {
  if (text === 'Y') return 1;
  if (text === 'N') return 0;
  const n = parseKernelInt(text);
  return n ?? 0;
}

const MODULE_STATE_TEXT: Record<ModuleState, string> = {
  LIVE: '[MODULE_STATE_LIVE] Normal state',
  COMING: '[MODULE_STATE_COMING] Full formed, running module_init',
  GOING: '[MODULE_STATE_GOING] Going away',
  UNFORMED: '[MODULE_STATE_UNFORMED] Still setting it up',
  UNLOADED: '[MODULE_STATE_GOING] Going away',
};

const SIGNALS_TIMEOUT = 15;
const MODULE_NAME_LEN = 56;
const KSYM_NAME_LEN = 512;

// ---------------------------------------------------------------------------------------
// machine state

interface ModInst {
  name: string;
  spec: SimModuleSpec;
  state: ModuleState;
  /** References held by the livepatch core (1 while its patch is in the list or forced). */
  refcount: number;
  /** klp_alive: set by klp_module_coming, cleared by klp_module_going. */
  alive: boolean;
  params: Map<string, string>;
}

interface FuncInst {
  obj: ObjInst;
  patch: PatchInst;
  oldName: string;
  sympos: number;
  newFunc?: string;
  nop: boolean;
  patched: boolean;
  transition: boolean;
  sources?: SourceRef[];
}

interface ObjInst {
  /** null = vmlinux */
  name: string | null;
  dynamic: boolean;
  funcs: FuncInst[];
  callbacks: Partial<Record<CallbackName, SimCallbackSpec>>;
  patched: boolean;
  postUnpatchEnabled: boolean;
  /** The target module while it is loaded and alive (obj->mod). */
  mod?: ModInst;
  sources?: SourceRef[];
}

interface PatchInst {
  name: string;
  mod: ModInst;
  spec: SimPatchSpec;
  replace: boolean;
  enabled: boolean;
  forced: boolean;
  objs: ObjInst[];
  states: { id: number; version: number }[];
}

interface FuncStack {
  key: string;
  object: string;
  function: string;
  sympos: number;
  /** Newest first. */
  entries: FuncInst[];
}

interface TaskInst {
  name: string;
  pid: number;
  kthread: boolean;
  runningOnCpu: boolean;
  stack: string[];
  state: TaskPatchState;
}

interface Transition {
  patch: PatchInst;
  target: TransitionTarget;
  /** klp_signals_cnt: tries since the last start (reset by start and reverse). */
  counter: number;
  /** Cancelled enable (klp_cancel_transition): the caller reports the patch as failed. */
  cancelled?: boolean;
}

export interface MachineOptions {
  /** Resolves a module name to its spec; undefined = no sources (a plain target module). */
  resolve: (name: string) => SimModuleSpec | undefined;
  /** The kernel API simulated (default upstream); 'state-callbacks' = semantics §12, ./stateCallbacks.ts. */
  kernelApi?: KernelApiLevel;
  /** For the `api-level` event: how the level was chosen and which modules use the proposed API. */
  kernelApiChoice?: { chosenBy: 'option' | 'detected'; modules: string[] };
  /** The kernel version profile (default 'latest'; ./kernelProfile.ts). */
  kernel?: KernelProfileName;
}

/**
 * Most events one run may produce. A hostile scenario (hours of sleep with thousands of
 * blocked tasks) would otherwise keep the CLI or the server busy and growing for ever; a
 * run that reaches it stops with an error line (docs/RELIABILITY.md). Real scenarios emit
 * < 10^4 events; the largest benchmark of docs/PERFORMANCE.md, 1.65 million.
 */
export const MAX_EVENTS = 2_500_000;

type EventInput = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 'seq' | 'time' | 'command' | 'scenarioLine'> : never) : never;

const objName = (o: { name: string | null }) => o.name ?? 'vmlinux';
const stackKey = (object: string, fn: string, sympos: number) => `${object}\u0000${fn}\u0000${sympos || 1}`;

/** The simulated kernel. Feed it commands and directives; read `events`. */
export class Machine {
  time = 0;
  readonly events: SimEvent[] = [];
  /** The event budget of this run (MAX_EVENTS; tests lower it). */
  maxEvents = MAX_EVENTS;
  /** Set when the run outgrew maxEvents: the rest of the scenario is not run. */
  stopped = false;
  private command = -1;
  private scenarioLine = 0;
  readonly modules = new Map<string, ModInst>();
  /** klp_patches, in stack order. */
  readonly patches: PatchInst[] = [];
  readonly stacks = new Map<string, FuncStack>();
  transition: Transition | undefined;
  readonly tasks: TaskInst[] = [];
  private readonly taskByName = new Map<string, TaskInst>();
  /** Bumped whenever a func_stack changes (the forbidden map of a try depends on them). */
  private stacksVersion = 0;
  private forbiddenCache: { tr: Transition; target: TransitionTarget; version: number; map: Map<string, { func: string; order: number }> } | undefined;
  reliableStacktrace = true;
  ftraceEnabled = 1;
  private nextPid = 1000;
  private stateOwners = new Map<number, { owner: string; version: number }>();
  /** Set under the proposed API level (§12). */
  private readonly stateApi: StateCallbacks<PatchInst> | undefined;
  /** What the simulated kernel version shows (sysfs files, message wording). */
  readonly profile: KernelProfile;

  constructor(private readonly opts: MachineOptions) {
    this.profile = kernelProfile(opts.kernel);
    if (opts.kernelApi === 'state-callbacks') {
      this.stateApi = new StateCallbacks<PatchInst>({ emit: (e) => this.emit(e), patches: () => this.patches, evalReturn: (b, p) => this.evalBinding(b, p.mod) });
      this.emit({ kind: 'api-level', level: 'state-callbacks', chosenBy: opts.kernelApiChoice?.chosenBy ?? 'option', modules: opts.kernelApiChoice?.modules ?? [] });
    }
  }

  // -------------------------------------------------------------------------------------
  // events

  private emit(e: EventInput): void {
    if (this.stopped && e.kind !== 'end') return;
    if (this.events.length >= this.maxEvents && e.kind !== 'end') {
      this.stopped = true;
      e = { kind: 'output', line: `klp-studio: simulation stopped: more than ${this.maxEvents} events by ${this.time} s of virtual time (a limit of the simulator)`, error: true };
    }
    this.events.push({ ...e, seq: this.events.length, time: this.time, command: this.command, scenarioLine: this.scenarioLine } as SimEvent);
  }

  private log(message: string, text: string, extra: { patch?: string; object?: string; module?: string; debug?: boolean; sources?: SourceRef[] } = {}): void {
    const { debug, ...rest } = extra;
    this.emit({ kind: 'log', message, line: `livepatch: ${text}`, ...(debug ? { debug: true } : {}), ...rest });
  }

  private out(line: string, error = false): void {
    this.emit({ kind: 'output', line, error });
  }

  private fail(op: string, errno: number, extra: { patch?: string; module?: string } = {}): void {
    this.emit({ kind: 'failure', op, errno: -Math.abs(errno), errnoName: errnoName(errno), ...extra });
  }

  private moduleEvent(m: ModInst): void {
    this.emit({
      kind: 'module-state', module: m.name, state: m.state, livepatch: !!m.spec.patch, refcount: m.refcount,
      ...(m.params.size ? { params: Object.fromEntries(m.params) } : {}),
    });
  }

  private patchEvent(p: PatchInst, state: PatchLifecycle): void {
    const inList = this.patches.indexOf(p);
    this.emit({
      kind: 'patch-state', patch: p.name, state, enabled: p.enabled, transition: this.transition?.patch === p,
      replace: p.replace, stackOrder: inList + 1, forced: p.forced,
      objects: p.objs.map((o) => ({ name: objName(o), loaded: this.loaded(o), patched: o.patched })),
      states: p.states.map((s) => ({ ...s })), shadow: p.spec.shadow, sources: p.spec.sources,
    });
  }

  private listEvent(): void {
    this.emit({ kind: 'patch-list', patches: this.patches.map((p) => p.name) });
    // Ownership of system states: the newest patch in the list carrying each id.
    const now = new Map<number, { owner: string; version: number }>();
    for (const p of this.patches) for (const s of p.states) now.set(s.id, { owner: p.name, version: s.version });
    for (const [id, o] of now) {
      const before = this.stateOwners.get(id);
      if (!before) this.emit({ kind: 'system-state', id, version: o.version, owner: o.owner, change: 'introduced' });
      else if (before.owner !== o.owner || before.version !== o.version) this.emit({ kind: 'system-state', id, version: o.version, owner: o.owner, change: 'taken-over' });
    }
    for (const [id, b] of this.stateOwners) if (!now.has(id)) this.emit({ kind: 'system-state', id, version: b.version, change: 'dropped' });
    this.stateOwners = now;
  }

  private stackEvent(s: FuncStack, change: 'push' | 'pop' | 'nop-added' | 'nop-discarded' | 'transition', f: FuncInst): void {
    const stack: FuncImpl[] = s.entries.map((e) => ({ patch: e.patch.name, ...(e.nop ? {} : { newFunc: e.newFunc }), nop: e.nop }));
    this.emit({
      kind: 'func-stack', object: s.object, function: s.function, sympos: s.sympos, stack,
      transition: s.entries[0]?.transition ?? false, change, patch: f.patch.name, sources: f.sources,
    });
  }

  private taskEvent(t: TaskInst, change: 'declared' | 'changed' | 'exited'): void {
    this.emit({ kind: 'task', task: t.name, pid: t.pid, change, kthread: t.kthread, runningOnCpu: t.runningOnCpu, stack: [...t.stack], patchState: t.state });
  }

  // -------------------------------------------------------------------------------------
  // entry points

  /** Runs one scenario command: prints `% text`, executes it, then lets the system settle. */
  runCommand(index: number, line: number, text: string, c: ScenarioCommand): void {
    if (this.stopped) return;
    this.command = index;
    this.scenarioLine = line;
    this.emit({ kind: 'command', text, verb: c.verb, line: `% ${text}` });
    switch (c.verb) {
      case 'insmod': this.loadModule(c.module, c.params, { insmod: c.path }); break;
      case 'modprobe': this.loadModule(c.module, c.params, {}); break;
      case 'rmmod': this.rmmod(c.module); break;
      case 'echo': this.write(c.path, c.value); break;
      case 'cat': this.read(c.path); break;
      case 'ls': this.ls(); break;
      case 'sysctl': this.sysctl(c.key, c.value); break;
      case 'sleep': this.sleep(c.seconds); break;
    }
    this.settle();
  }

  /** Applies a `#@` directive (prints nothing). */
  runDirective(index: number, line: number, text: string, d: ScenarioDirective): void {
    if (this.stopped) return;
    this.command = index;
    this.scenarioLine = line;
    this.emit({ kind: 'directive', text });
    switch (d.kind) {
      case 'kernel':
        this.reliableStacktrace = d.reliableStacktrace;
        break;
      case 'task': {
        let t = this.taskByName.get(d.task);
        const isNew = !t;
        if (!t) {
          t = { name: d.task, pid: d.pid ?? this.nextPid++, kthread: d.kthread, runningOnCpu: false, stack: [], state: 'idle' };
          // A task we learn about during a transition has not been switched yet.
          if (this.transition) t.state = this.transition.target === 'patched' ? 'unpatched' : 'patched';
          this.tasks.push(t);
          this.taskByName.set(t.name, t);
        }
        if (d.pid !== undefined) t.pid = d.pid;
        if (d.kthread) t.kthread = true;
        if (d.runningOnCpu) t.runningOnCpu = true;
        for (const f of d.sleepsIn) if (!t.stack.includes(f)) t.stack.push(f);
        this.taskEvent(t, isNew ? 'declared' : 'changed');
        break;
      }
      case 'task-leaves': {
        const t = this.taskByName.get(d.task);
        if (t) { t.stack = t.stack.filter((f) => f !== d.func); this.taskEvent(t, 'changed'); }
        break;
      }
      case 'task-exits': {
        const t = this.taskByName.get(d.task);
        if (t) {
          this.tasks.splice(this.tasks.indexOf(t), 1);
          this.taskByName.delete(t.name);
          this.taskEvent(t, 'exited');
        }
        break;
      }
    }
  }

  /** The final summary event. */
  finish(): void {
    this.command = -1;
    this.scenarioLine = 0;
    this.emit({
      kind: 'end', patches: this.patches.map((p) => p.name), ...(this.transition ? { transition: this.transition.patch.name } : {}),
      modules: [...this.modules.values()].map((m) => ({ name: m.name, state: m.state, refcount: m.refcount, forced: this.isPinned(m) })),
    });
  }

  note(message: string): void {
    this.emit({ kind: 'note', message });
  }

  private isPinned(m: ModInst): boolean {
    return m.refcount > 0 && !this.patches.some((p) => p.mod === m);
  }

  // -------------------------------------------------------------------------------------
  // helpers over the state

  private loaded(o: ObjInst): boolean {
    return o.name === null || o.mod !== undefined;
  }

  private evalBinding(b: ValueBinding, m: ModInst): number {
    if (b.kind === 'const') return b.value;
    if (b.kind === 'param') return paramNumber(m.params.get(b.name) ?? '0');
    return 0;
  }

  // -------------------------------------------------------------------------------------
  // modules (§1.7, §4 module coming/going)

  private loadModule(name: string, args: ParamArg[], how: { insmod?: string }): void {
    const userFail = (errno: number) => {
      this.fail(how.insmod !== undefined ? 'insmod' : 'modprobe', errno, { module: name });
      if (how.insmod !== undefined) this.out(`insmod: ERROR: could not insert module ${how.insmod}: ${strerror(errno)}`, true);
      else this.out(`modprobe: ERROR: could not insert '${name}': ${strerror(errno)}`, true);
    };
    if (this.modules.has(name)) {
      if (how.insmod !== undefined) userFail(-ERRNO.EEXIST);
      return;
    }
    const spec = this.opts.resolve(name) ?? { name, hasSources: false, livepatchMarker: false, params: [], notes: [] };
    const m: ModInst = { name, spec, state: 'UNFORMED', refcount: 0, alive: false, params: new Map() };
    for (const p of spec.params) m.params.set(p.name, p.initial);
    this.modules.set(name, m);
    this.moduleEvent(m);
    const unload = (errno: number) => {
      m.state = 'UNLOADED';
      this.modules.delete(name);
      this.moduleEvent(m);
      userFail(errno);
    };
    // Parameters (parse_args): unknown ones are ignored with a warning; bad values fail.
    for (const a of args) {
      const ps = spec.params.find((p) => p.name === a.name);
      if (!ps) {
        if (spec.hasSources) this.emit({ kind: 'log', message: 'unknown-parameter', module: name, line: `${name}: unknown parameter '${a.name}' ignored` });
        else m.params.set(a.name, a.value ?? '');
        continue;
      }
      const v = parseParamValue(ps.type, a.value);
      if (!v.ok) {
        this.emit({ kind: 'log', message: 'invalid-parameter', module: name, line: this.profile.invalidParamLine(name, a.value ?? '', a.name) });
        return unload(v.errno);
      }
      m.params.set(a.name, v.text);
      this.emit({ kind: 'param', module: name, param: a.name, value: v.text, sources: ps.sources });
    }
    m.state = 'COMING';
    this.moduleEvent(m);
    const ret = this.moduleComing(m);
    if (ret) return unload(ret);
    if (spec.patch) {
      const r = this.enablePatch(m, spec.patch);
      if (r) {
        // do_init_module failure: GOING, klp_module_going, freed.
        m.state = 'GOING';
        this.moduleEvent(m);
        this.moduleGoing(m);
        return unload(r);
      }
    }
    m.state = 'LIVE';
    this.moduleEvent(m);
    for (const n of spec.notes) this.note(`${name}: ${n}`);
    if (!spec.hasSources) this.note(`module '${name}' has no sources: loaded as a plain target module`);
  }

  private rmmod(name: string): void {
    const m = this.modules.get(name);
    if (!m) {
      this.fail('rmmod', -ERRNO.ENOENT, { module: name });
      this.out(`rmmod: ERROR: Module ${name} is not currently loaded`, true);
      return;
    }
    if (m.refcount > 0) {
      this.fail('rmmod', -ERRNO.EBUSY, { module: name });
      this.out(`rmmod: ERROR: Module ${name} is in use`, true);
      return;
    }
    m.state = 'GOING';
    this.moduleEvent(m);
    this.moduleGoing(m);
    m.state = 'UNLOADED';
    this.modules.delete(name);
    this.moduleEvent(m);
  }

  /** klp_module_coming: applies every listed patch that has an object for this module. */
  private moduleComing(m: ModInst): number {
    if (m.name === 'vmlinux') {
      if (!this.profile.vmlinuxModuleBuilds) this.note(`a module named vmlinux does not build for kernel ${this.profile.kernel} (its Kbuild refuses the name); simulated as older kernels answer`);
      this.log('invalid-module-name', 'vmlinux.ko: invalid module name', { module: m.name });
      return -ERRNO.EINVAL;
    }
    m.alive = true;
    for (const p of [...this.patches]) {
      const obj = p.objs.find((o) => o.name === m.name);
      if (!obj) continue;
      obj.mod = m;
      this.log('applying-to-module', `applying patch '${p.name}' to loading module '${m.name}'`, { patch: p.name, module: m.name, object: m.name });
      const ret = this.prePatch(p, obj);
      let err = ret;
      if (ret) {
        this.log('pre-patch-failed', `pre-patch callback failed for object '${m.name}'`, { patch: p.name, object: m.name });
      } else {
        err = this.patchObject(obj);
        if (err) {
          this.log('apply-to-module-failed', `failed to apply patch '${p.name}' to module '${m.name}' (${err})`, { patch: p.name, module: m.name });
          this.postUnpatch(p, obj);
        } else if (p !== this.transition?.patch) {
          this.callback(p, obj, 'post_patch');
        } else {
          this.skipped(p, obj, 'post_patch', 'transition-patch');
        }
      }
      if (err) {
        this.log('refusing-module', `patch '${p.name}' failed for module '${m.name}', refusing to load module '${m.name}'`, { patch: p.name, module: m.name });
        m.alive = false;
        obj.mod = undefined;
        this.cleanupModulePatches(m, p);
        return err;
      }
      this.patchEvent(p, this.lifecycle(p));
    }
    return 0;
  }

  /** klp_module_going. */
  private moduleGoing(m: ModInst): void {
    m.alive = false;
    this.cleanupModulePatches(m, undefined);
  }

  /** klp_cleanup_module_patches_limited: reverts patches (up to LIMIT) applied to a module. */
  private cleanupModulePatches(m: ModInst, limit: PatchInst | undefined): void {
    for (const p of [...this.patches]) {
      if (p === limit) break;
      const obj = p.objs.find((o) => o.name === m.name);
      if (!obj || !obj.mod) continue;
      if (p !== this.transition?.patch) this.callback(p, obj, 'pre_unpatch');
      else this.skipped(p, obj, 'pre_unpatch', 'transition-patch');
      this.log('reverting-on-unload', `reverting patch '${p.name}' on unloading module '${m.name}'`, { patch: p.name, module: m.name, object: m.name });
      this.unpatchObject(obj, false);
      this.postUnpatch(p, obj);
      obj.mod = undefined;
      this.patchEvent(p, this.lifecycle(p));
    }
  }

  private lifecycle(p: PatchInst): PatchLifecycle {
    if (this.transition?.patch === p) return this.transition.target === 'patched' ? 'patching' : 'unpatching';
    return p.enabled ? 'enabled' : 'freed';
  }

  // -------------------------------------------------------------------------------------
  // callbacks (§4)

  private callbackLine(p: PatchInst, o: ObjInst, cb: SimCallbackSpec): string {
    return o.name === null ? `${p.name}: ${cb.cFunction}: vmlinux` : `${p.name}: ${cb.cFunction}: ${o.name} -> ${MODULE_STATE_TEXT[o.mod?.state ?? 'LIVE']}`;
  }

  /** Calls a callback (post_patch / pre_unpatch) if present. */
  private callback(p: PatchInst, o: ObjInst, which: CallbackName): void {
    const cb = o.callbacks[which];
    if (!cb) { this.skipped(p, o, which, 'absent'); return; }
    this.emit({
      kind: 'callback', patch: p.name, object: objName(o), callback: which, cFunction: cb.cFunction,
      moduleState: o.name === null ? 'LIVE' : o.mod?.state, line: this.callbackLine(p, o, cb), sources: cb.sources,
    });
  }

  private skipped(p: PatchInst, o: ObjInst, which: CallbackName, why: CallbackSkip): void {
    const cb = o.callbacks[which];
    if (!cb && why !== 'absent') return;
    this.emit({ kind: 'callback', patch: p.name, object: objName(o), callback: which, ...(cb ? { cFunction: cb.cFunction, sources: cb.sources } : {}), skipped: why });
  }

  /** klp_pre_patch_callback: sets post_unpatch_enabled from the result. */
  private prePatch(p: PatchInst, o: ObjInst): number {
    const cb = o.callbacks.pre_patch;
    let ret = 0;
    if (cb) {
      ret = this.evalBinding(cb.returns, p.mod);
      this.emit({
        kind: 'callback', patch: p.name, object: objName(o), callback: 'pre_patch', cFunction: cb.cFunction,
        moduleState: o.name === null ? 'LIVE' : o.mod?.state, returned: ret, line: this.callbackLine(p, o, cb), sources: cb.sources,
      });
    }
    o.postUnpatchEnabled = ret === 0;
    return ret;
  }

  /** klp_post_unpatch_callback: only after a successful pre_patch; clears the flag. */
  private postUnpatch(p: PatchInst, o: ObjInst): void {
    if (o.callbacks.post_unpatch && o.postUnpatchEnabled) this.callback(p, o, 'post_unpatch');
    else this.skipped(p, o, 'post_unpatch', o.callbacks.post_unpatch ? 'pre-patch-failed' : 'absent');
    o.postUnpatchEnabled = false;
  }

  // -------------------------------------------------------------------------------------
  // func_stacks (§5.1)

  private patchObject(o: ObjInst): number {
    for (const f of o.funcs) {
      const key = stackKey(objName(o), f.oldName, f.sympos);
      let s = this.stacks.get(key);
      if (!s || !s.entries.length) {
        // First func on this function: registers the ftrace handler.
        if (!this.ftraceEnabled) {
          this.log('ftrace-register-failed', `failed to register ftrace handler for function '${f.oldName}' (-16)`, { patch: f.patch.name, object: objName(o) });
          this.unpatchObject(o, false);
          return -ERRNO.EBUSY;
        }
        s = { key, object: objName(o), function: f.oldName, sympos: f.sympos || 1, entries: [] };
        this.stacks.set(key, s);
      }
      s.entries.unshift(f);
      f.patched = true;
      this.stacksVersion++;
      this.stackEvent(s, f.nop ? 'nop-added' : 'push', f);
    }
    o.patched = true;
    this.stacksVersion++;
    return 0;
  }

  private unpatchFunc(f: FuncInst): void {
    const s = this.stacks.get(stackKey(objName(f.obj), f.oldName, f.sympos));
    f.patched = false;
    if (!s) return;
    const i = s.entries.indexOf(f);
    if (i >= 0) s.entries.splice(i, 1);
    this.stacksVersion++;
    this.stackEvent(s, f.nop ? 'nop-discarded' : 'pop', f);
    if (!s.entries.length) this.stacks.delete(s.key);
  }

  /** __klp_unpatch_object */
  private unpatchObject(o: ObjInst, nopsOnly: boolean): void {
    for (const f of o.funcs) {
      if (nopsOnly && !f.nop) continue;
      if (f.patched) this.unpatchFunc(f);
    }
    if (o.dynamic || !nopsOnly) o.patched = false;
    this.stacksVersion++;
  }

  private unpatchObjects(p: PatchInst, nopsOnly: boolean): void {
    for (const o of p.objs) if (o.patched) this.unpatchObject(o, nopsOnly);
  }

  private setTransitionFlags(p: PatchInst, on: boolean): void {
    for (const o of p.objs) {
      for (const f of o.funcs) {
        if (f.transition === on) continue;
        f.transition = on;
        if (f.patched) {
          const s = this.stacks.get(stackKey(objName(o), f.oldName, f.sympos));
          if (s && s.entries[0] === f) this.stackEvent(s, 'transition', f);
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // klp_enable_patch (§2, §3.1)

  private isCompatible(states: { id: number; version: number }[], replace: boolean): boolean {
    for (const old of this.patches) {
      for (const os of old.states) {
        const ns = states.find((s) => s.id === os.id);
        if (!ns) { if (replace) return false; continue; }
        if (ns.version < os.version) return false;
      }
    }
    return true;
  }

  private enablePatch(m: ModInst, spec: SimPatchSpec): number {
    if (!spec.valid) return -ERRNO.EINVAL;
    if (spec.objs.some((o) => o.funcs === null)) return -ERRNO.EINVAL;
    if (!m.spec.livepatchMarker) {
      this.log('not-livepatch', `module ${m.name} is not marked as a livepatch module`, { module: m.name });
      return -ERRNO.EINVAL;
    }
    if (!this.reliableStacktrace) {
      this.log('no-reliable-stacktrace', "This architecture doesn't have support for the livepatch consistency model.", { module: m.name });
      this.log('no-reliable-stacktrace', 'The livepatch transition may never complete.', { module: m.name });
    }
    const replace = this.evalBinding(spec.replace, m) !== 0;
    const states: { id: number; version: number }[] = [];
    for (const s of spec.states) if (!states.some((x) => x.id === s.id)) states.push({ id: s.id, version: s.version });
    // klp_get_state returns the first entry with an id: later duplicates are invisible.
    const compatible = this.stateApi ? this.stateApi.isCompatible(spec.states, replace).ok : this.isCompatible(spec.states.filter((s, i) => spec.states.findIndex((x) => x.id === s.id) === i), replace);
    if (!compatible) {
      this.log('not-compatible', `Livepatch patch (${m.name}) is not compatible with the already installed livepatches.`, { patch: m.name, sources: spec.sources });
      return -ERRNO.EINVAL;
    }
    m.refcount++; // try_module_get
    const p: PatchInst = { name: m.name, mod: m, spec, replace, enabled: false, forced: false, objs: [], states };
    for (const os of spec.objs) {
      const o: ObjInst = { name: os.name, dynamic: false, funcs: [], callbacks: this.stateApi ? {} : os.callbacks, patched: false, postUnpatchEnabled: false, sources: os.sources };
      const dropped = Object.values(os.callbacks).map((c) => c.cFunction);
      if (this.stateApi && dropped.length) this.note(`${m.name}: object callbacks (${dropped.join(', ')}) do not exist in the proposed API (§12): never called`);
      for (const fs of os.funcs ?? []) {
        o.funcs.push({ obj: o, patch: p, oldName: fs.oldName ?? '', sympos: fs.sympos, newFunc: fs.newFunc, nop: false, patched: false, transition: false, sources: fs.sources });
      }
      p.objs.push(o);
    }
    const bad = (): number => {
      m.refcount--;
      this.patchEvent(p, 'failed');
      return -ERRNO.EINVAL;
    };
    if (replace) this.addNops(p);
    const objDirs = new Set<string>();
    for (let i = 0; i < p.objs.length; i++) {
      const o = p.objs[i];
      const osrc = o.dynamic ? undefined : spec.objs[i];
      if (o.name !== null && o.name.length >= MODULE_NAME_LEN) return bad();
      if (objDirs.has(objName(o))) { m.refcount--; this.patchEvent(p, 'failed'); return -ERRNO.EEXIST; }
      objDirs.add(objName(o));
      const dirs = new Set<string>();
      for (let j = 0; j < o.funcs.length; j++) {
        const f = o.funcs[j];
        const fsrc = osrc?.funcs?.[j];
        if (!f.nop && (!fsrc || fsrc.oldName === undefined)) return bad();
        if (!f.nop && !fsrc?.hasNewFunc) return bad();
        if (f.oldName.length >= KSYM_NAME_LEN) return bad();
        const dir = `${f.oldName},${f.sympos || 1}`;
        // The same sysfs directory twice: kobject_add's EEXIST; 7.2 refuses it with EBUSY (kernel facts).
        if (dirs.has(dir)) { m.refcount--; this.patchEvent(p, 'failed'); return -ERRNO[this.profile.duplicateFuncErrno]; }
        dirs.add(dir);
      }
      // klp_find_object_module: bound only to a live (klp_alive) module.
      if (o.name !== null) {
        const tm = this.modules.get(o.name);
        if (tm && tm.alive) o.mod = tm;
      }
    }
    this.patches.push(p);
    this.listEvent();
    const ret = this.startEnable(p);
    if (ret) {
      // klp_free_patch_start + finish: off the list, module reference dropped.
      this.patches.splice(this.patches.indexOf(p), 1);
      this.listEvent();
      if (!p.forced) m.refcount--;
      this.patchEvent(p, 'failed');
      return ret;
    }
    return 0;
  }

  /** klp_add_nops: a NOP for every function an older listed patch changes and P does not. */
  private addNops(p: PatchInst): void {
    const zeroIsOne = this.profile.symposZeroIsOne;
    const funcKey = (f: { oldName: string; sympos: number }) => `${f.oldName}\u0000${zeroIsOne ? f.sympos || 1 : f.sympos}`;
    const have = new Map<ObjInst, Set<string>>();
    const keysOf = (o: ObjInst) => {
      let k = have.get(o);
      if (!k) { k = new Set(o.funcs.map((f) => funcKey(f))); have.set(o, k); }
      return k;
    };
    for (const old of this.patches) {
      for (const oo of old.objs) {
        let o = p.objs.find((x) => x.name === oo.name);
        if (!o) {
          o = { name: oo.name, dynamic: true, funcs: [], callbacks: {}, patched: false, postUnpatchEnabled: false };
          p.objs.push(o);
        }
        const keys = keysOf(o);
        for (const of of oo.funcs) {
          // Same old_name and old_sympos (klp_find_func; 0 and 1 the same since 6.19).
          const k = funcKey(of);
          if (keys.has(k)) continue;
          keys.add(k);
          o.funcs.push({ obj: o, patch: p, oldName: of.oldName, sympos: of.sympos, newFunc: undefined, nop: true, patched: false, transition: false, sources: of.sources });
        }
      }
    }
  }

  /** __klp_enable_patch */
  private startEnable(p: PatchInst): number {
    if (this.transition) return -ERRNO.EBUSY;
    this.log('enabling', `enabling patch '${p.name}'`, { patch: p.name, sources: p.spec.sources });
    this.initTransition(p, 'patched');
    const stateRet = this.stateApi?.enable(p) ?? 0;
    if (stateRet) {
      this.log('enable-failed', `failed to enable patch '${p.name}'`, { patch: p.name });
      this.cancelTransition();
      return stateRet;
    }
    for (const o of p.objs) {
      if (!this.loaded(o)) {
        for (const k of ['pre_patch'] as const) this.skipped(p, o, k, 'not-loaded');
        continue;
      }
      let ret = this.prePatch(p, o);
      if (ret) {
        this.log('pre-patch-failed', `pre-patch callback failed for object '${objName(o)}'`, { patch: p.name, object: objName(o) });
      } else {
        ret = this.patchObject(o);
        if (ret) this.log('patch-object-failed', `failed to patch object '${objName(o)}'`, { patch: p.name, object: objName(o) });
      }
      if (ret) {
        this.log('enable-failed', `failed to enable patch '${p.name}'`, { patch: p.name });
        this.cancelTransition();
        return ret;
      }
    }
    this.startTransition();
    p.enabled = true;
    this.patchEvent(p, 'patching');
    this.tryComplete();
    return 0;
  }

  // -------------------------------------------------------------------------------------
  // transitions (§3.2–§3.6, §5)

  private initTransition(p: PatchInst, target: TransitionTarget): void {
    this.transition = { patch: p, target, counter: 0 };
    this.log('init-transition', `'${p.name}': initializing ${target === 'patched' ? 'patching' : 'unpatching'} transition`, { patch: p.name, debug: true });
    this.emit({ kind: 'transition', patch: p.name, phase: 'init', target });
    const initial: TaskPatchState = target === 'patched' ? 'unpatched' : 'patched';
    for (const t of this.tasks) t.state = initial;
    this.setTransitionFlags(p, true);
  }

  private startTransition(): void {
    const tr = this.transition!;
    this.log('starting', `'${tr.patch.name}': starting ${tr.target === 'patched' ? 'patching' : 'unpatching'} transition`, { patch: tr.patch.name });
    this.emit({ kind: 'transition', patch: tr.patch.name, phase: 'start', target: tr.target });
    tr.counter = 0;
  }

  private cancelTransition(): void {
    const tr = this.transition!;
    this.log('canceling', `'${tr.patch.name}': canceling patching transition, going to unpatch`, { patch: tr.patch.name, debug: true });
    tr.target = 'unpatched';
    tr.cancelled = true;
    this.emit({ kind: 'transition', patch: tr.patch.name, phase: 'cancel', target: 'unpatched' });
    this.completeTransition();
  }

  /**
   * What tasks may not be executing at a check (§5.2), as stack entry name -> the blocking
   * func's old_name and its position (the kernel reports the first func, in object and func
   * order, whose range holds any stack entry). Computed once per try, not once per task.
   */
  private forbidden(tr: Transition): Map<string, { func: string; order: number }> {
    const c = this.forbiddenCache;
    if (c && c.tr === tr && c.target === tr.target && c.version === this.stacksVersion) return c.map;
    const out = new Map<string, { func: string; order: number }>();
    let order = 0;
    for (const o of tr.patch.objs) {
      if (!o.patched) continue;
      for (const f of o.funcs) {
        let name: string;
        if (tr.target === 'unpatched') name = f.nop ? f.oldName : f.newFunc ?? f.oldName;
        else {
          const s = this.stacks.get(stackKey(objName(o), f.oldName, f.sympos));
          const i = s ? s.entries.indexOf(f) : -1;
          const prev = s && i >= 0 ? s.entries[i + 1] : undefined;
          name = !prev || prev.nop ? f.oldName : prev.newFunc ?? f.oldName;
        }
        if (!out.has(name)) out.set(name, { func: f.oldName, order });
        order++;
      }
    }
    this.forbiddenCache = { tr, target: tr.target, version: this.stacksVersion, map: out };
    return out;
  }

  /** klp_try_switch_task without side effects: why the task cannot switch, or undefined. */
  private blockReason(t: TaskInst, forbidden: Map<string, { func: string; order: number }>): { reason: 'running' | 'unreliable-stack' | 'sleeping-on'; func?: string; entry?: string } | undefined {
    if (!this.reliableStacktrace) return { reason: 'unreliable-stack' };
    if (t.runningOnCpu) return { reason: 'running' };
    let hit: { func: string; order: number; entry: string } | undefined;
    for (const entry of t.stack) {
      const f = forbidden.get(entry);
      if (f && (!hit || f.order < hit.order)) hit = { ...f, entry };
    }
    return hit ? { reason: 'sleeping-on', func: hit.func, entry: hit.entry } : undefined;
  }

  private remaining(tr: Transition): TaskInst[] {
    return this.tasks.filter((t) => t.state !== tr.target);
  }

  private switchTask(t: TaskInst, tr: Transition, reason: 'stack-check' | 'signal' | 'force'): void {
    const from = t.state;
    t.state = tr.target;
    this.emit({ kind: 'task-switch', task: t.name, pid: t.pid, from, to: tr.target, reason, patch: tr.patch.name });
  }

  /** klp_try_complete_transition: one try. */
  private tryComplete(): boolean {
    const tr = this.transition!;
    const attempt = tr.counter;
    const forbidden = this.forbidden(tr);
    for (const t of this.remaining(tr)) {
      const why = this.blockReason(t, forbidden);
      if (!why) this.switchTask(t, tr, 'stack-check');
      else this.emit({ kind: 'task-blocked', task: t.name, pid: t.pid, reason: why.reason, ...(why.func ? { function: why.func, stackEntry: why.entry } : {}), patch: tr.patch.name });
    }
    const left = this.remaining(tr);
    if (left.length) {
      this.emit({ kind: 'retry', patch: tr.patch.name, attempt, remaining: left.map((t) => t.name), done: false });
      if (attempt > 0 && attempt % SIGNALS_TIMEOUT === 0) this.sendSignals(tr, attempt, left);
      tr.counter++;
      return false;
    }
    this.emit({ kind: 'retry', patch: tr.patch.name, attempt, remaining: [], done: true });
    const p = tr.patch;
    this.completeTransition();
    if (!p.enabled) this.freePatch(p, 'freed');
    else if (p.replace) for (const old of this.patches.filter((x) => x !== p)) this.freePatch(old, 'replaced');
    return true;
  }

  private sendSignals(tr: Transition, attempt: number, left: TaskInst[]): void {
    if (attempt === SIGNALS_TIMEOUT) this.log('signaling', 'signaling remaining tasks', { patch: tr.patch.name });
    this.emit({ kind: 'signal', patch: tr.patch.name, attempt, tasks: left.map((t) => t.name) });
    // User tasks get a fake signal and switch on their way back to user space; kthreads
    // are only woken and keep their stacks.
    for (const t of left) if (!t.kthread) this.switchTask(t, tr, 'signal');
  }

  /** klp_complete_transition (§3.3). */
  private completeTransition(): void {
    const tr = this.transition!;
    const p = tr.patch;
    const dir = tr.target === 'patched' ? 'patching' : 'unpatching';
    this.log('completing', `'${p.name}': completing ${dir} transition`, { patch: p.name, debug: true });
    if (p.replace && tr.target === 'patched') {
      // klp_unpatch_replaced_patches: no callbacks of the replaced patches.
      for (const old of this.patches) {
        if (old === p) break;
        old.enabled = false;
        this.unpatchObjects(old, false);
        for (const o of old.objs) for (const k of ['pre_unpatch', 'post_unpatch'] as const) if (o.callbacks[k]) this.skipped(old, o, k, 'replaced');
      }
      // klp_discard_nops
      this.unpatchObjects(p, true);
      p.objs = p.objs.filter((o) => !o.dynamic);
      for (const o of p.objs) o.funcs = o.funcs.filter((f) => !f.nop);
      this.stateApi?.replacedUnpatched(p);
    }
    if (tr.target === 'unpatched') this.unpatchObjects(p, false);
    this.setTransitionFlags(p, false);
    for (const t of this.tasks) t.state = 'idle';
    this.stateApi?.completed(p, tr.target);
    for (const o of p.objs) {
      if (!this.loaded(o)) {
        const k = tr.target === 'patched' ? 'post_patch' : 'post_unpatch';
        this.skipped(p, o, k, 'not-loaded');
        continue;
      }
      if (tr.target === 'patched') this.callback(p, o, 'post_patch');
      else this.postUnpatch(p, o);
    }
    this.log('complete', `'${p.name}': ${dir} complete`, { patch: p.name });
    this.emit({ kind: 'transition', patch: p.name, phase: 'complete', target: tr.target });
    this.transition = undefined;
    if (!tr.cancelled) this.patchEvent(p, p.enabled ? 'enabled' : 'freed');
  }

  /** klp_free_patch_async: off the list, sysfs gone, module reference dropped unless forced. */
  private freePatch(p: PatchInst, how: 'freed' | 'replaced'): void {
    const i = this.patches.indexOf(p);
    if (i < 0) return;
    this.patches.splice(i, 1);
    if (!p.forced) p.mod.refcount--;
    this.listEvent();
    this.patchEvent(p, how);
    this.moduleEvent(p.mod);
  }

  /** __klp_disable_patch (§3.4). */
  private disablePatch(p: PatchInst): number {
    if (!p.enabled) return -ERRNO.EINVAL;
    if (this.transition) return -ERRNO.EBUSY;
    this.initTransition(p, 'unpatched');
    this.stateApi?.disable(p);
    for (const o of p.objs) {
      if (o.patched) this.callback(p, o, 'pre_unpatch');
      else this.skipped(p, o, 'pre_unpatch', 'not-loaded');
    }
    this.startTransition();
    p.enabled = false;
    this.patchEvent(p, 'unpatching');
    this.tryComplete();
    return 0;
  }

  /** klp_reverse_transition (§3.5). */
  private reverse(): void {
    const tr = this.transition!;
    this.log('reversing', `'${tr.patch.name}': reversing transition from ${tr.target === 'patched' ? 'patching to unpatching' : 'unpatching to patching'}`, { patch: tr.patch.name, debug: true });
    tr.patch.enabled = !tr.patch.enabled;
    tr.target = tr.target === 'patched' ? 'unpatched' : 'patched';
    this.emit({ kind: 'transition', patch: tr.patch.name, phase: 'reverse', target: tr.target });
    this.startTransition();
    this.patchEvent(tr.patch, tr.target === 'patched' ? 'patching' : 'unpatching');
  }

  /** klp_force_transition (§3.6). */
  private force(): void {
    const tr = this.transition!;
    this.log('forcing', 'forcing remaining tasks to the patched state', { patch: tr.patch.name });
    const left = this.remaining(tr);
    for (const t of left) this.switchTask(t, tr, 'force');
    const forced: PatchInst[] = [];
    if (tr.target === 'unpatched') forced.push(tr.patch);
    else if (tr.patch.replace) forced.push(...this.patches.filter((p) => p !== tr.patch));
    for (const p of forced) p.forced = true;
    this.emit({ kind: 'force', patch: tr.patch.name, target: tr.target, tasks: left.map((t) => t.name), forcedPatches: forced.map((p) => p.name) });
    for (const p of forced) this.patchEvent(p, this.lifecycle(p));
  }

  /** Whether the next retry would change anything (a switch, a completion, a signal that switches). */
  private retryWouldChange(tr: Transition): boolean {
    const left = this.remaining(tr);
    if (!left.length) return true;
    const forbidden = this.forbidden(tr);
    if (left.some((t) => !this.blockReason(t, forbidden))) return true;
    return tr.counter > 0 && tr.counter % SIGNALS_TIMEOUT === 0 && left.some((t) => !t.kthread);
  }

  /** After each command: retries while they make progress (docs/SCENARIOS.md, settling). */
  private settle(): void {
    while (this.transition && !this.stopped && this.retryWouldChange(this.transition)) {
      this.time++;
      this.tryComplete();
    }
  }

  private sleep(n: number): void {
    for (let i = 0; i < n && !this.stopped; i++) {
      this.time++;
      if (this.transition) this.tryComplete();
    }
  }

  // -------------------------------------------------------------------------------------
  // sysfs (§9), module parameters, sysctl

  private findPatch(name: string): PatchInst | undefined {
    return this.patches.find((p) => p.name === name);
  }

  private missing(path: string): void {
    this.out(`${path}: No such file or directory`, true);
  }

  private read(path: string): void {
    const v = this.readValue(path);
    if (typeof v === 'string') {
      this.emit({ kind: 'sysfs', op: 'read', path, value: v, result: 0 });
      this.out(v);
    } else {
      this.emit({ kind: 'sysfs', op: 'read', path, result: v });
      this.out(`${path}: ${strerror(v)}`, true);
    }
  }

  /** Value of a sysfs file, or a negative errno. */
  private readValue(path: string): string | number {
    const mp = /^\/sys\/module\/([^/]+)\/parameters\/([^/]+)$/.exec(path);
    if (mp) {
      const m = this.modules.get(mp[1]);
      const ps = m?.spec.params.find((p) => p.name === mp[2]);
      if (!m || m.state === 'UNFORMED' || !ps || !ps.readable) return -ERRNO.ENOENT;
      return m.params.get(ps.name) ?? ps.initial;
    }
    const parts = path.replace(/^\/sys\/kernel\/livepatch\/?/, '').replace(/\/+$/, '').split('/');
    const p = this.findPatch(parts[0]);
    if (!p) return -ERRNO.ENOENT;
    if (parts.length === 1) return -ERRNO.EISDIR;
    if (parts.length === 2) {
      switch (parts[1]) {
        case 'enabled': return p.enabled ? '1' : '0';
        case 'transition': return this.transition?.patch === p ? '1' : '0';
        case 'replace': if (this.profile.replaceFile) return p.replace ? '1' : '0'; break;
        case 'stack_order': if (this.profile.stackOrderFile) return String(this.patches.indexOf(p) + 1); break;
        case 'force': return -ERRNO.EACCES;
      }
      return p.objs.some((o) => objName(o) === parts[1]) ? -ERRNO.EISDIR : -ERRNO.ENOENT;
    }
    const o = p.objs.find((x) => objName(x) === parts[1]);
    if (!o) return -ERRNO.ENOENT;
    if (parts[2] === 'patched' && this.profile.objectPatchedFile) return o.patched ? '1' : '0';
    return o.funcs.some((f) => `${f.oldName},${f.sympos || 1}` === parts[2]) ? -ERRNO.EISDIR : -ERRNO.ENOENT;
  }

  private write(path: string, value: string): void {
    const r = this.writeValue(path, value);
    this.emit({ kind: 'sysfs', op: 'write', path, value, result: r.errno });
    if (!r.errno) return;
    if (r.open) { this.out(`${path}: ${strerror(r.errno)}`, true); return; }
    this.fail('echo', r.errno, {});
    this.out(`echo: write error: ${strerror(r.errno)}`, true);
  }

  /** A write; `open` marks errors of opening the file (missing, read-only) rather than of the write. */
  private writeValue(path: string, value: string): { errno: number; open?: boolean } {
    const mp = /^\/sys\/module\/([^/]+)\/parameters\/([^/]+)$/.exec(path);
    if (mp) {
      const m = this.modules.get(mp[1]);
      const ps: SimParamSpec | undefined = m?.spec.params.find((p) => p.name === mp[2]);
      if (!m || !ps || !ps.readable) return { errno: -ERRNO.ENOENT, open: true };
      if (!ps.writable) return { errno: -ERRNO.EACCES, open: true };
      const v = parseParamValue(ps.type, value + '\n');
      if (!v.ok) return { errno: v.errno };
      m.params.set(ps.name, v.text);
      this.emit({ kind: 'param', module: m.name, param: ps.name, value: v.text, sources: ps.sources });
      return { errno: 0 };
    }
    const parts = path.replace(/^\/sys\/kernel\/livepatch\/?/, '').replace(/\/+$/, '').split('/');
    const p = this.findPatch(parts[0]);
    if (!p) return { errno: -ERRNO.ENOENT, open: true };
    if (parts.length === 2 && parts[1] === 'enabled') return { errno: this.writeEnabled(p, value) };
    if (parts.length === 2 && parts[1] === 'force') return { errno: this.writeForce(p, value) };
    const r = this.readValue(path);
    if (typeof r === 'string') return { errno: -ERRNO.EACCES, open: true };
    return { errno: r, open: true };
  }

  private writeEnabled(p: PatchInst, value: string): number {
    const v = kstrtobool(value);
    if (v === undefined) return -ERRNO.EINVAL;
    if (p.enabled === v) return -ERRNO.EINVAL;
    if (!v && this.stateApi?.blocksDisable(p)) {
      this.emit({ kind: 'log', message: 'disable-blocked', patch: p.name, line: `livepatch: ${blockDisableMessage(p.name)}` });
      if (this.transition?.patch === p) this.note(`§12 does not say whether block_disable also refuses reversing ${p.name}'s patching transition: refused, as "echo 0 > enabled fails" reads`);
      return -ERRNO.EINVAL;
    }
    if (this.transition?.patch === p) { this.reverse(); return 0; }
    if (!v) return this.disablePatch(p);
    return -ERRNO.EINVAL;
  }

  private writeForce(p: PatchInst, value: string): number {
    const v = kstrtobool(value);
    if (v === undefined) return -ERRNO.EINVAL;
    if (!v) return 0;
    if (this.transition?.patch !== p) return -ERRNO.EINVAL;
    this.force();
    return 0;
  }

  private ls(): void {
    const names = this.patches.map((p) => p.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.emit({ kind: 'sysfs', op: 'read', path: '/sys/kernel/livepatch', value: names.join(' '), result: 0 });
    if (names.length) this.out(names.join(' '));
  }

  private sysctl(key: string, value: string | undefined): void {
    if (value === undefined) {
      this.out(`${key} = ${this.ftraceEnabled}`);
      return;
    }
    const n = parseKernelInt(value);
    let errno = 0;
    if (n === undefined || n < -2147483648 || n > 2147483647) errno = -ERRNO.EINVAL;
    else if (!!n !== !!this.ftraceEnabled && !n && this.stacks.size > 0) errno = -ERRNO.EBUSY; // PERMANENT ftrace ops registered
    this.emit({ kind: 'sysctl', key, value, result: errno });
    if (errno) {
      this.fail('sysctl', errno, {});
      this.out(`sysctl: setting key "${key}": ${strerror(errno)}`, true);
      return;
    }
    this.ftraceEnabled = n!;
    this.out(`${key} = ${value}`);
  }

  // -------------------------------------------------------------------------------------
  // invariants (property tests)

  /** Checks the model's invariants; returns the violations (empty when consistent). */
  checkInvariants(): string[] {
    const bad: string[] = [];
    if (this.transition && !this.patches.includes(this.transition.patch)) bad.push('transition patch not in the list');
    for (const s of this.stacks.values()) {
      if (!s.entries.length) bad.push(`empty func_stack ${s.key}`);
      for (const f of s.entries) {
        if (!f.patched) bad.push(`unpatched func on stack ${s.key}`);
        if (!this.patches.includes(f.patch)) bad.push(`func of a patch not in the list on ${s.key}`);
      }
      // Stack order: newer patches above older ones.
      const order = s.entries.map((f) => this.patches.indexOf(f.patch));
      for (let i = 1; i < order.length; i++) if (order[i - 1] < order[i]) bad.push(`func_stack ${s.key} not in stack order`);
    }
    for (const p of this.patches) {
      if (!this.modules.has(p.name)) bad.push(`patch ${p.name} listed but module unloaded`);
      for (const o of p.objs) {
        for (const f of o.funcs) {
          const s = this.stacks.get(stackKey(objName(o), f.oldName, f.sympos));
          if (f.patched !== !!s?.entries.includes(f)) bad.push(`func ${f.oldName} of ${p.name}: patched flag and stack disagree`);
        }
        if (o.patched && !this.loaded(o)) bad.push(`object ${objName(o)} of ${p.name} patched but not loaded`);
        if (!this.transition || this.transition.patch !== p) {
          if (o.funcs.some((f) => f.transition)) bad.push(`func of ${p.name} in transition outside a transition`);
          if (o.funcs.some((f) => f.nop)) bad.push(`nop of ${p.name} outside a transition`);
        }
      }
    }
    if (!this.transition && this.tasks.some((t) => t.state !== 'idle')) bad.push('task not idle outside a transition');
    for (const m of this.modules.values()) if (m.refcount < 0) bad.push(`module ${m.name} refcount < 0`);
    return bad;
  }

  /** Implementation a migrated (patched) task runs for a function: top of its stack. */
  activeImpl(object: string, fn: string, sympos = 1): FuncImpl | undefined {
    const s = this.stacks.get(stackKey(object, fn, sympos));
    const f = s?.entries[0];
    return f ? { patch: f.patch.name, ...(f.nop ? {} : { newFunc: f.newFunc }), nop: f.nop } : undefined;
  }

  /** Modules that can never be removed (a forced patch kept the reference). */
  pinnedModules(): string[] {
    return [...this.modules.values()].filter((m) => this.isPinned(m)).map((m) => m.name);
  }
}
