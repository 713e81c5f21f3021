// Timeline layout: turns a simulator run (core/src/sim/events.ts) into what the timeline draws —
// an axis of steps, command bands, and lanes (patches, callbacks, functions, tasks, system
// states, shadow ids, target modules) holding intervals and markers. Pure data, no DOM: the
// renderer (render.ts) only positions what this computes, and test/webview tests it directly.
import type {
  FuncImpl,
  SimEvent,
  SourceRef,
  TaskPatchState,
  TransitionTarget,
} from '../../core/src/sim/events';

import type { TimelineInput } from '../../core/src/timeline/input';
import { STATE_CALLBACK_SKIP_TEXT, stateApiItem, stateManagedShadowIds } from './stateApiLayout';

export type { TimelineInput };

/** One step of the horizontal axis: one event, or several that belong together. */
export interface Slot {
  index: number;
  /** Events (by seq) shown at this step, in order. */
  seqs: number[];
  time: number;
  /** Last virtual time covered (quiet retries merge into one step). */
  timeEnd: number;
  command: number;
  /** One line saying what happens at this step. */
  label: string;
}

export interface CommandBand {
  index: number;
  text: string;
  verb: string;
  scenarioLine: number;
  start: number;
  /** Exclusive end slot. */
  end: number;
  failed: boolean;
  sources: SourceRef[];
}

/** Which implementation of a function a group of tasks runs. */
export interface ImplView {
  kind: 'original' | 'replacement' | 'nop';
  patch?: string;
  newFunc?: string;
}

/** A task that has not reached the transition's target state, and why. */
export interface BehindTask {
  task: string;
  reason?: 'running' | 'unreliable-stack' | 'sleeping-on';
  function?: string;
  stackEntry?: string;
}

/** Migration progress of a transition, as shown on the functions it changes. */
export interface Progress {
  patch: string;
  target: TransitionTarget;
  /** Declared tasks (the '*' group of undeclared tasks is not counted). */
  total: number;
  switched: number;
  behind: BehindTask[];
  /** The undeclared tasks ('*') have not switched yet. */
  othersBehind: boolean;
}

/** A stretch of a function's transition interval with the same migration progress. */
export interface Phase {
  start: number;
  end: number;
  progress: Progress;
  /** Hover lines: the tasks behind and why. */
  detail: string[];
}

export type ItemKind =
  // intervals
  | 'patch-loading' | 'patch-patching' | 'patch-enabled' | 'patch-unpatching' | 'patch-freed' | 'patch-replaced' | 'patch-failed'
  | 'impl' | 'task-old' | 'task-new' | 'module' | 'state-owned' | 'shadow-live' | 'shadow-leaked'
  // markers
  | 'callback' | 'callback-skipped' | 'signal' | 'force' | 'reverse' | 'cancel' | 'failure' | 'warning' | 'error'
  | 'note' | 'retry' | 'switch' | 'blocked' | 'task-change' | 'exited' | 'introduced' | 'handover' | 'dropped'
  | 'shadow-introduced' | 'shadow-freed' | 'shadow-leaked-mark' | 'module-apply' | 'unloaded';

/** An interval (start < end) or a marker (at `start`, `end` = start + 1) on a lane. */
export interface Item {
  id: number;
  lane: string;
  kind: ItemKind;
  marker: boolean;
  start: number;
  end: number;
  /** Short text drawn on the item (may be truncated). */
  label: string;
  /** Heading of the hover card. */
  title: string;
  /** Further lines of the hover card. */
  detail: string[];
  /** Patch whose colour the item takes (undefined: neutral). */
  patch?: string;
  /** The event that made the item. */
  seq: number;
  sources: SourceRef[];
  forced?: boolean;
  stackOrder?: number;
  /** Function rows: what migrated tasks run, and during a transition what the others run. */
  impl?: ImplView;
  behindImpl?: ImplView;
  /** Function rows in transition: migration progress, one phase per change. */
  phases?: Phase[];
  /** Repetitions merged into this marker (quiet retries, repeated blocks). */
  count?: number;
}

export type SectionId = 'system' | 'patches' | 'functions' | 'tasks' | 'states' | 'shadow' | 'modules';

export const SECTION_TITLES: Record<SectionId, string> = {
  system: 'Commands & kernel',
  patches: 'Livepatches',
  functions: 'Patched functions',
  tasks: 'Tasks',
  states: 'System states',
  shadow: 'Shadow variables',
  modules: 'Target modules',
};

export interface Lane {
  id: string;
  section: SectionId;
  label: string;
  sub?: string;
  /** Sub-lane (drawn indented under its parent, e.g. callbacks under their patch). */
  child?: boolean;
  /** Patches the lane belongs to (for the patch filter). */
  patches: string[];
  /** Function name (for the function filter). */
  func?: string;
  sources: SourceRef[];
  items: Item[];
}

export interface TranscriptLine {
  seq: number;
  slot: number;
  line: string;
  debug: boolean;
  error: boolean;
  kind: SimEvent['kind'];
}

export interface TimelineModel {
  title: string;
  scenario?: string;
  slots: Slot[];
  commands: CommandBand[];
  lanes: Lane[];
  /** Patches in order of appearance; the index picks the colour. */
  patches: string[];
  transcript: TranscriptLine[];
  /** Slot of each event, by seq. */
  slotOfSeq: number[];
  /** Items by id. */
  items: Item[];
  errors: string[];
}

// ---------------------------------------------------------------------------------------
// Steps (slots)

/** Events that never get a step of their own: they belong to the step before them. */
const ATTACHED = new Set<SimEvent['kind']>(['patch-list', 'sysfs', 'param', 'end', 'directive', 'output', 'note', 'sysctl', 'api-level']);

/** Adjacent events with the same key share a step (e.g. the functions one patch pushes). */
function groupKey(e: SimEvent): string | undefined {
  switch (e.kind) {
    case 'func-stack': return `fs|${e.change}|${e.patch}|${e.transition}`;
    case 'task-switch': return `ts|${e.patch}|${e.reason}`;
    case 'task-blocked': return `tb|${e.patch}`;
    case 'module-state': return `ms|${e.module}`;
    case 'task': return `tk|${e.change}`;
    case 'system-state': return `ss|${e.change}`;
    default: return undefined;
  }
}

function assignSlots(events: readonly SimEvent[]): { slots: Slot[]; slotOfSeq: number[] } {
  const slots: Slot[] = [];
  const slotOfSeq: number[] = [];
  // The task-blocked events of one try belong with its retry event (before or after it).
  const retryOf = new Map<number, number>();
  for (let i = 0; i < events.length; i++) {
    if (events[i].kind !== 'task-blocked') continue;
    let j = i;
    while (j < events.length && events[j].kind === 'task-blocked') j++;
    if (j < events.length && events[j].kind === 'retry') retryOf.set(i, j);
    else {
      let k = i;
      while (k >= 0 && events[k].kind === 'task-blocked') k--;
      if (k >= 0 && events[k].kind === 'retry') retryOf.set(i, k);
    }
  }
  let prev: SimEvent | undefined;
  // A try that changes nothing since the previous try of the same transition joins its step.
  let lastRetry: { slot: number; key: string } | undefined;
  let quiet = false; // nothing but tries since lastRetry
  const retrySlot = new Map<number, number>();
  const push = (e: SimEvent): number => {
    slots.push({ index: slots.length, seqs: [], time: e.time, timeEnd: e.time, command: e.command, label: '' });
    return slots.length - 1;
  };
  const slotForRetry = (r: number): number => {
    let slot = retrySlot.get(r);
    if (slot !== undefined) return slot;
    const e = events[r] as Extract<SimEvent, { kind: 'retry' }>;
    const key = `${e.patch}|${e.remaining.join(',')}|${e.done}`;
    slot = lastRetry && quiet && lastRetry.key === key && !e.done ? lastRetry.slot : push(e);
    lastRetry = { slot, key };
    quiet = true;
    retrySlot.set(r, slot);
    return slot;
  };
  // Narrative kernel lines share a step with the event they announce ("starting patching
  // transition" with the transition's start), which keeps the axis about state changes.
  let joinNext = false;
  const canJoin = (e: SimEvent, n: SimEvent | undefined) =>
    n !== undefined && n.command === e.command && n.kind !== 'command' && !ATTACHED.has(n.kind) && n.kind !== 'retry' && n.kind !== 'task-blocked';
  events.forEach((e, i) => {
    let slot: number;
    if (e.kind === 'log' && !WARNING_MESSAGES.has(e.message)) {
      slot = joinNext ? slots.length - 1 : push(e);
      joinNext = canJoin(e, events[i + 1]);
      quiet = false;
    } else if (joinNext && !ATTACHED.has(e.kind)) {
      joinNext = false;
      slot = slots.length - 1;
      quiet = false;
    } else if (e.kind === 'retry') {
      slot = slotForRetry(i);
    } else if (e.kind === 'task-blocked' && retryOf.has(i)) {
      slot = slotForRetry(retryOf.get(i)!);
    } else if (ATTACHED.has(e.kind) && slots.length > 0 && (e.kind !== 'output' || prev?.command === e.command)) {
      slot = slots.length - 1;
    } else {
      const key = groupKey(e);
      if (key !== undefined && prev !== undefined && groupKey(prev) === key && prev.command === e.command && prev.time === e.time && slotOfSeq[i - 1] === slots.length - 1) {
        slot = slots.length - 1;
      } else {
        slot = push(e);
      }
      quiet = false;
    }
    const s = slots[slot];
    s.seqs.push(i);
    if (e.time > s.timeEnd) s.timeEnd = e.time;
    slotOfSeq[i] = slot;
    prev = e;
  });
  for (const s of slots) s.label = slotLabel(s.seqs.map((q) => events[q]));
  return { slots, slotOfSeq };
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function slotLabel(evs: SimEvent[]): string {
  const retries = evs.filter((e): e is Extract<SimEvent, { kind: 'retry' }> => e.kind === 'retry');
  if (retries.length) {
    const first = retries[0];
    const last = retries[retries.length - 1];
    if (retries.length === 1) return describe(first);
    const who = first.remaining.map((r) => (r === '*' ? 'other tasks' : r)).join(', ');
    return `tries ${first.attempt}–${last.attempt}: ${who} still behind`;
  }
  const main = evs.find((e) => !ATTACHED.has(e.kind)) ?? evs[0];
  if (!main) return '';
  if (main.kind === 'log') return main.line;
  const same = evs.filter((e) => e.kind === main.kind);
  if (main.kind === 'func-stack' && same.length > 1) {
    const verb = { push: 'pushed', pop: 'popped', 'nop-added': 'NOPs added', 'nop-discarded': 'NOPs discarded', transition: main.transition ? 'in transition' : 'transition cleared' }[main.change];
    return `${plural(same.length, 'function')}: ${verb} (${main.patch})`;
  }
  if (main.kind === 'task-switch' && same.length > 1) return `${plural(same.length, 'task')} switched to ${main.to} (${main.reason})`;
  return describe(main);
}

// ---------------------------------------------------------------------------------------
// Words

const CALLBACK_SKIP_TEXT: Record<string, string> = {
  absent: 'not run: the object has no such callback',
  'not-loaded': "not run: the object's module is not loaded",
  replaced: 'not run: the patch was replaced by a cumulative patch (replaced patches get no callbacks)',
  'pre-patch-failed': 'not run: pre_patch failed or never ran',
  'transition-patch': 'not run: the patch is the transition patch',
};

const BLOCK_TEXT: Record<string, string> = {
  running: 'is running on another CPU',
  'unreliable-stack': 'has an unreliable stack',
  'sleeping-on': 'is sleeping on',
};

export function implText(v: ImplView | undefined): string {
  if (!v || v.kind === 'original') return 'original code';
  if (v.kind === 'nop') return `original code (NOP of ${v.patch})`;
  return `${v.newFunc ?? '?'} (${v.patch})`;
}

/** One line describing an event (used for step labels, the details panel and announcements). */
export function describe(e: SimEvent): string {
  switch (e.kind) {
    case 'command': return `% ${e.text}`;
    case 'directive': return `#@ ${e.text}`;
    case 'log': return e.line;
    case 'output': return e.line;
    case 'module-state': return `module ${e.module} → ${e.state}${e.livepatch ? ' (livepatch)' : ''}, refcount ${e.refcount}`;
    case 'patch-state': return `patch ${e.patch} → ${e.state}${e.stackOrder ? `, stack_order ${e.stackOrder}` : ''}${e.forced ? ', forced' : ''}`;
    case 'patch-list': return `klp_patches: ${e.patches.length ? e.patches.join(', ') : '(empty)'}`;
    case 'func-stack': {
      const top = e.stack[0];
      const what = { push: 'pushed', pop: 'popped', 'nop-added': 'NOP added', 'nop-discarded': 'NOP discarded', transition: e.transition ? 'transition set' : 'transition cleared' }[e.change];
      return `${e.function}: ${what} by ${e.patch}; top: ${top ? implText(implOf(top)) : 'original code'}`;
    }
    case 'transition': return `${e.patch}: transition ${e.phase} (target ${e.target})`;
    case 'task': return `task ${e.task} ${e.change}${e.stack.length ? `, stack: ${e.stack.join(' ← ')}` : ''}${e.runningOnCpu ? ', running on a CPU' : ''}`;
    case 'task-switch': return `${e.task === '*' ? 'other tasks' : e.task} switched ${e.from} → ${e.to} (${e.reason})`;
    case 'task-blocked': return `${e.task} ${BLOCK_TEXT[e.reason] ?? e.reason}${e.function ? ` ${e.function}` : ''}${e.stackEntry && e.stackEntry !== e.function ? ` (stack: ${e.stackEntry})` : ''}`;
    case 'retry': return e.done ? `try ${e.attempt}: all tasks switched` : `try ${e.attempt}: ${plural(e.remaining.length, 'task')} behind (${e.remaining.join(', ')})`;
    case 'signal': return `try ${e.attempt}: signalled ${e.tasks.join(', ') || 'remaining tasks'}`;
    case 'force': return `forced ${e.tasks.join(', ') || 'remaining tasks'} to ${e.target}${e.forcedPatches.length ? `; forced: ${e.forcedPatches.join(', ')}` : ''}`;
    case 'callback': return e.skipped
      ? `${e.callback} of ${e.patch} for ${e.object} ${CALLBACK_SKIP_TEXT[e.skipped] ?? 'not run'}`
      : (e.line ?? `${e.patch}: ${e.cFunction ?? e.callback}: ${e.object}`);
    case 'system-state': return `state ${e.id} v${e.version} ${e.change}${e.owner ? ` (owner ${e.owner})` : ''}`;
    case 'state-callback': return e.skipped
      ? `${e.callback} of ${e.patch} for state ${idText(e.state)} not run: ${STATE_CALLBACK_SKIP_TEXT[e.skipped] ?? e.skipped}`
      : (e.line ?? `${e.patch}: ${e.cFunction}: state ${idText(e.state)}`);
    case 'shadow-lifetime': return `shadow id ${idText(e.id)} ${e.change === 'bound' ? 'bound to' : 'freed with'} ${e.patch}'s state${e.dtor ? ` (dtor ${e.dtor})` : ''}`;
    case 'api-level': return `simulating the proposed state-callbacks API (${e.chosenBy === 'option' ? 'chosen' : 'detected'})`;
    case 'sysfs': return `${e.op} ${e.path}${e.value !== undefined ? ` = ${e.value}` : ''}${e.result ? ` (error ${e.result})` : ''}`;
    case 'param': return `${e.module}.${e.param} = ${e.value}`;
    case 'sysctl': return `${e.key} = ${e.value}${e.result ? ` (refused: ${e.result})` : ''}`;
    case 'failure': return `${e.op} failed: ${e.errnoName} (${e.errno})${e.patch ? ` [${e.patch}]` : e.module ? ` [${e.module}]` : ''}`;
    case 'note': return e.message;
    case 'end': return `end: ${e.patches.length ? e.patches.join(', ') : 'no patches'}${e.transition ? `, ${e.transition} in transition` : ''}`;
    default: {
      const unknown = e as { kind?: string };
      return `(${String(unknown.kind)})`;
    }
  }
}

export function implOf(f: FuncImpl | undefined): ImplView {
  if (!f) return { kind: 'original' };
  if (f.nop) return { kind: 'nop', patch: f.patch };
  return { kind: 'replacement', patch: f.patch, newFunc: f.newFunc };
}

function implLabel(v: ImplView): string {
  if (v.kind === 'original') return 'original';
  if (v.kind === 'nop') return `original (NOP ${v.patch})`;
  return `${v.newFunc ?? '?'} · ${v.patch}`;
}

// ---------------------------------------------------------------------------------------
// Lanes

/** Ids as authors write them: large ones are usually hex constants (e.g. four ASCII letters). */
function idText(id: number): string {
  return id > 0xffff ? `0x${id.toString(16)}` : String(id);
}

/** Kernel log messages that are warnings or errors (drawn as markers). */
const WARNING_MESSAGES = new Set([
  'pre-patch-failed', 'enable-failed', 'refusing-module', 'not-compatible', 'not-livepatch',
  'ftrace-register-failed', 'patch-object-failed', 'apply-to-module-failed', 'no-reliable-stacktrace',
]);

const PATCH_STATES = new Set(['patching', 'enabled', 'unpatching', 'freed', 'replaced', 'failed']);

function refs(e: SimEvent, ...roles: SourceRef['role'][]): SourceRef[] {
  const all = e.sources ?? [];
  if (!roles.length) return all;
  const picked = roles.flatMap((r) => all.filter((s) => s.role === r));
  return picked.length ? [...picked, ...all.filter((s) => !picked.includes(s))] : all;
}

interface TransitionState {
  patch: string;
  target: TransitionTarget;
  switched: Set<string>;
  behind: Map<string, BehindTask>;
  othersSwitched: boolean;
}

class Builder {
  readonly lanes = new Map<string, Lane>();
  readonly items: Item[] = [];
  private open = new Map<string, Item>();
  readonly patches: string[] = [];

  constructor(private slotCount: number) {}

  lane(id: string, init: () => Omit<Lane, 'id' | 'items' | 'sources' | 'patches'> & { patches?: string[] }): Lane {
    let l = this.lanes.get(id);
    if (!l) {
      const v = init();
      l = { id, items: [], sources: [], patches: v.patches ?? [], ...v } as Lane;
      l.patches = v.patches ?? [];
      this.lanes.set(id, l);
    }
    return l;
  }

  addSources(l: Lane, srcs: SourceRef[]): void {
    for (const s of srcs) if (!l.sources.some((x) => x.role === s.role && x.file === s.file && x.range.start.line === s.range.start.line)) l.sources.push(s);
  }

  notePatch(p: string | undefined): void {
    if (p && !this.patches.includes(p)) this.patches.push(p);
  }

  private newItem(l: Lane, fields: Omit<Item, 'id' | 'lane'>): Item {
    const it: Item = { id: this.items.length, lane: l.id, ...fields };
    this.items.push(it);
    l.items.push(it);
    if (it.patch && !l.patches.includes(it.patch)) l.patches.push(it.patch);
    return it;
  }

  /** Ends the lane's open interval at `slot` (dropping it when empty). */
  close(laneId: string, slot: number): Item | undefined {
    const it = this.open.get(laneId);
    if (!it) return undefined;
    this.open.delete(laneId);
    it.end = Math.max(slot, it.start + 1);
    if (it.phases?.length) it.phases[it.phases.length - 1].end = it.end;
    return it;
  }

  current(laneId: string): Item | undefined {
    return this.open.get(laneId);
  }

  /** Opens an interval on a lane at `slot`, ending the previous one there. */
  interval(l: Lane, slot: number, fields: Omit<Item, 'id' | 'lane' | 'marker' | 'start' | 'end'>): Item {
    const prev = this.open.get(l.id);
    if (prev && prev.start === slot) {
      // Replaced within the same step: the newer state wins (same item, new contents).
      for (const k of ['forced', 'stackOrder', 'impl', 'behindImpl', 'phases', 'patch', 'count'] as const) delete prev[k];
      Object.assign(prev, fields);
      if (prev.patch && !l.patches.includes(prev.patch)) l.patches.push(prev.patch);
      return prev;
    } else if (prev) {
      this.close(l.id, slot);
    }
    const it = this.newItem(l, { ...fields, marker: false, start: slot, end: this.slotCount });
    this.open.set(l.id, it);
    return it;
  }

  marker(l: Lane, slot: number, fields: Omit<Item, 'id' | 'lane' | 'marker' | 'start' | 'end'>): Item {
    return this.newItem(l, { ...fields, marker: true, start: slot, end: slot + 1 });
  }

  finish(): void {
    for (const id of [...this.open.keys()]) this.close(id, this.slotCount);
  }
}

/** Builds the whole timeline model from a run. Never throws on well-typed input. */
export function layoutTimeline(input: TimelineInput): TimelineModel {
  const events = input.events;
  const { slots, slotOfSeq } = assignSlots(events);
  const b = new Builder(slots.length);
  // Events of each command (failures gather the kernel's and the command's messages from them).
  const byCommand = new Map<number, SimEvent[]>();
  for (const e of events) {
    const list = byCommand.get(e.command);
    if (list) list.push(e); else byCommand.set(e.command, [e]);
  }
  const ofCommand = (c: number) => byCommand.get(c) ?? [];
  const commands: CommandBand[] = [];
  const transcript: TranscriptLine[] = [];

  const sys = () => b.lane('system', () => ({ section: 'system', label: 'kernel & shell', sub: 'errors, notes' }));
  const patchLane = (p: string) => {
    b.notePatch(p);
    return b.lane(`patch:${p}`, () => ({ section: 'patches', label: p, patches: [p] }));
  };
  const cbLane = (p: string, obj: string) => {
    patchLane(p);
    return b.lane(`cb:${p}:${obj}`, () => ({ section: 'patches', label: obj, sub: 'callbacks', child: true, patches: [p] }));
  };
  const fnLaneId = (o: string, f: string, s: number) => `fn:${o}:${f}:${s}`;
  const taskLane = (t: string) => b.lane(`task:${t}`, () => ({ section: 'tasks', label: t === '*' ? 'all other tasks' : t, sub: t === '*' ? 'undeclared and idle tasks' : undefined }));
  const moduleLane = (m: string) => b.lane(`module:${m}`, () => ({ section: 'modules', label: m, sub: 'target module' }));

  const livepatchModules = new Set<string>();
  const patchSeen = new Set<string>(); // patches that have had a patch-state
  const patchInfo = new Map<string, { replace: boolean; forced: boolean; stackOrder: number; state?: string; shadow?: { alloc: number[]; free: number[]; get: number[] } }>();
  const fnLanesByName = new Map<string, Set<string>>();
  const inTransition = new Set<string>(); // function lanes whose open interval is split
  const tasks = new Map<string, { state: TaskPatchState; exited: boolean }>();
  let trans: TransitionState | undefined;
  let lastRetryItem: Item | undefined;
  const lastBlocked = new Map<string, Item>(); // task -> its last blocked marker (merges repeats)
  const shadowState = new Map<number, 'live' | 'leaked' | 'freed'>();
  // Proposed state-callbacks API (semantics §12): ids whose lifetime an is_shadow state decides (./stateApiLayout.ts).
  const managedShadow = stateManagedShadowIds(input.events);
  const failedCommands = new Set<number>();
  let curCommand: CommandBand | undefined;

  const progress = (): Progress | undefined => {
    if (!trans) return undefined;
    const declared = [...tasks.entries()].filter(([n, t]) => n !== '*' && !t.exited);
    const behind: BehindTask[] = declared
      .filter(([n]) => !trans!.switched.has(n))
      .map(([n]) => trans!.behind.get(n) ?? { task: n });
    return {
      patch: trans.patch,
      target: trans.target,
      total: declared.length,
      switched: declared.length - behind.length,
      behind,
      othersBehind: !trans.othersSwitched,
    };
  };

  const progressLabel = (p: Progress | undefined): string => {
    if (!p) return '';
    if (p.total === 0) return p.othersBehind ? 'tasks migrating' : 'all tasks migrated';
    return `${p.switched}/${p.total} tasks new`;
  };

  const phaseDetail = (l: Lane, p: Progress): string[] => {
    const out = [`transition of ${p.patch} (target ${p.target}): ${progressLabel(p)}`];
    for (const t of p.behind) {
      const why = t.reason === 'sleeping-on' ? `sleeping on ${t.function ?? '?'}${t.function === l.func ? ' (this function)' : ''}` : t.reason ? BLOCK_TEXT[t.reason] : 'not switched yet';
      out.push(`behind: ${t.task} — ${why}`);
    }
    if (p.othersBehind) out.push('other (undeclared) tasks have not all switched yet');
    return out;
  };

  /** Migration progress changed: a new phase on every function lane in transition. */
  const progressChanged = (laneId: string, slot: number) => {
    const cur = b.current(laneId);
    const p = progress();
    if (!cur || !cur.phases || !p) return;
    const l = b.lanes.get(laneId)!;
    const last = cur.phases[cur.phases.length - 1];
    // Only what this row shows starts a new phase: the counts, and who is behind (and whether here).
    const key = (x: Progress) => `${x.switched}/${x.total}|${x.othersBehind}|${x.behind.map((t) => `${t.task}${t.reason === 'sleeping-on' && t.function === l.func ? '*' : ''}`).join(',')}`;
    // The first try tells why a task is behind; its stack was the same since the start: no new phase.
    const names = (x: Progress) => `${x.switched}/${x.total}|${x.othersBehind}|${x.behind.map((t) => t.task).join(',')}`;
    const learnedWhy = last && names(last.progress) === names(p) && last.progress.behind.every((t) => t.reason === undefined);
    if (last && (learnedWhy || key(last.progress) === key(p))) {
      last.progress = p;
      last.detail = phaseDetail(l, p);
      return;
    }
    if (last && last.start === slot) {
      last.progress = p;
      last.detail = phaseDetail(l, p);
    } else {
      if (last) last.end = slot;
      cur.phases.push({ start: slot, end: slot + 1, progress: p, detail: phaseDetail(l, p) });
    }
  };
  const reopenFunction = progressChanged;

  const functionFields = (l: Lane, impl: ImplView, behindImpl: ImplView | undefined, slot: number) => {
    const p = behindImpl ? progress() : undefined;
    const detail: string[] = behindImpl
      ? [`migrated tasks run: ${implText(impl)}`, `tasks not yet migrated run: ${implText(behindImpl)}`]
      : [`all tasks run: ${implText(impl)}`];
    const label = behindImpl ? `${implLabel(impl)} ⇐ ${implLabel(behindImpl)}` : implLabel(impl);
    return {
      kind: 'impl' as const,
      label,
      title: `${l.label}${l.sub ? ` (${l.sub})` : ''}`,
      detail,
      patch: impl.kind === 'original' ? undefined : impl.patch,
      impl,
      behindImpl,
      phases: p ? [{ start: slot, end: slot + 1, progress: p, detail: phaseDetail(l, p) }] : undefined,
    };
  };

  const updateShadow = (slot: number, seq: number, actor: string) => {
    // Shadow ids from the static facts of the patches in the list: alive while a live patch uses them.
    const alive = [...patchInfo.entries()].filter(([, v]) => v.state === 'patching' || v.state === 'enabled' || v.state === 'unpatching');
    const ids = new Set<number>();
    for (const [, v] of patchInfo) for (const id of [...(v.shadow?.alloc ?? []), ...(v.shadow?.free ?? []), ...(v.shadow?.get ?? [])]) ids.add(id);
    for (const id of [...ids].sort((x, y) => x - y)) {
      if (managedShadow.has(id)) continue;
      const l = b.lane(`shadow:${id}`, () => ({ section: 'shadow', label: `shadow id ${idText(id)}` }));
      const state = shadowState.get(id);
      const allocators = alive.filter(([, v]) => v.shadow?.alloc.includes(id)).map(([n]) => n);
      const users = alive.filter(([, v]) => v.shadow && (v.shadow.alloc.includes(id) || v.shadow.free.includes(id) || v.shadow.get.includes(id))).map(([n]) => n);
      const leaver = patchInfo.get(actor);
      if (state !== 'live' && allocators.length) {
        shadowState.set(id, 'live');
        b.interval(l, slot, { kind: 'shadow-live', label: `in use · ${users.join(', ')}`, title: `shadow id ${idText(id)}`, detail: [`allocated by ${allocators.join(', ')}`, `used by ${users.join(', ')}`], patch: allocators[0], seq, sources: [] });
        b.marker(l, slot, { kind: 'shadow-introduced', label: 'new', title: `shadow id ${idText(id)} introduced`, detail: [`${allocators.join(', ')} allocate${allocators.length === 1 ? 's' : ''} it`], patch: allocators[0], seq, sources: [] });
      } else if (state === 'live' && !users.length) {
        const freedByLeaver = leaver?.state === 'freed' && leaver.shadow?.free.includes(id);
        if (freedByLeaver) {
          shadowState.set(id, 'freed');
          b.close(l.id, slot);
          b.marker(l, slot, { kind: 'shadow-freed', label: 'freed', title: `shadow id ${idText(id)} freed`, detail: [`${actor} frees it when it is disabled`], patch: actor, seq, sources: [] });
        } else {
          shadowState.set(id, 'leaked');
          b.interval(l, slot, { kind: 'shadow-leaked', label: 'leaked', title: `shadow id ${idText(id)} leaked`, detail: [`no live patch uses it after ${actor} ${leaver?.state ?? 'left'}`, leaver?.state === 'replaced' ? 'replaced patches run no callbacks, so their cleanup never runs' : 'nothing frees the variables still attached'], seq, sources: [] });
          b.marker(l, slot, { kind: 'shadow-leaked-mark', label: 'leak', title: `shadow id ${idText(id)} leaked`, detail: [`after ${actor} ${leaver?.state ?? 'left'}, no live patch allocates, reads or frees it`], seq, sources: [] });
        }
      } else if (state === 'leaked' && users.length) {
        shadowState.set(id, 'live');
        b.interval(l, slot, { kind: 'shadow-live', label: `in use · ${users.join(', ')}`, title: `shadow id ${idText(id)}`, detail: [`used again by ${users.join(', ')}`], patch: users[0], seq, sources: [] });
      } else if (state === 'live') {
        const cur = b.current(l.id);
        const label = `in use · ${users.join(', ')}`;
        if (cur && cur.label !== label) b.interval(l, slot, { kind: 'shadow-live', label, title: `shadow id ${idText(id)}`, detail: [`used by ${users.join(', ')}`, allocators.length ? `allocated by ${allocators.join(', ')}` : 'no live patch allocates it any more'], patch: users[0], seq, sources: [] });
      }
    }
  };

  const patchInterval = (p: string, slot: number, seq: number, srcs: SourceRef[]) => {
    const info = patchInfo.get(p)!;
    const st = info.state ?? 'loading';
    const l = patchLane(p);
    const gone = st === 'freed' || st === 'replaced' || st === 'failed';
    const label = `${st}${!gone && info.stackOrder ? ` · #${info.stackOrder}` : ''}`;
    const detail = [
      `state: ${st}`,
      `stack_order: ${info.stackOrder || '—'}`,
      `replace: ${info.replace ? 'yes (cumulative)' : 'no'}`,
    ];
    if (info.forced) detail.push('forced: its module can never be removed');
    if (gone) detail.push(st === 'replaced' ? 'gone from sysfs: a cumulative patch took over (no callbacks ran)' : st === 'failed' ? 'enabling failed' : 'gone from sysfs; the module is still loaded');
    return b.interval(l, slot, { kind: `patch-${st}` as ItemKind, label, title: p, detail, patch: p, seq, sources: srcs, forced: info.forced, stackOrder: info.stackOrder });
  };

  events.forEach((e, seq) => {
    const slot = slotOfSeq[seq];
    if (e.line !== undefined) {
      transcript.push({ seq, slot, line: e.line, debug: Boolean(e.debug), error: (e.kind === 'output' && e.error) || (e.kind === 'log' && WARNING_MESSAGES.has(e.message)), kind: e.kind });
    }
    switch (e.kind) {
      case 'command': {
        if (curCommand) curCommand.end = slot;
        curCommand = { index: e.command, text: e.text, verb: e.verb, scenarioLine: e.scenarioLine, start: slot, end: slots.length, failed: false, sources: refs(e, 'scenario') };
        commands.push(curCommand);
        break;
      }
      case 'module-state': {
        if (e.livepatch) {
          livepatchModules.add(e.module);
          const l = patchLane(e.module);
          b.addSources(l, refs(e, 'patch'));
          if (!patchInfo.has(e.module)) patchInfo.set(e.module, { replace: false, forced: false, stackOrder: 0 });
          const info = patchInfo.get(e.module)!;
          if (e.state === 'UNLOADED') {
            b.close(l.id, slot);
            b.marker(l, slot, { kind: 'unloaded', label: 'unloaded', title: `module ${e.module} unloaded`, detail: [e.line ?? 'rmmod'], patch: e.module, seq, sources: refs(e) });
            info.state = undefined;
          } else if (!patchSeen.has(e.module) && (e.state === 'UNFORMED' || e.state === 'COMING') && !b.current(l.id)) {
            b.interval(l, slot, { kind: 'patch-loading', label: 'loading', title: e.module, detail: [`module ${e.state}`, 'klp_enable_patch() has not registered the patch yet'], patch: e.module, seq, sources: refs(e) });
          }
        } else {
          const l = moduleLane(e.module);
          if (e.state === 'UNLOADED') {
            b.close(l.id, slot);
            b.marker(l, slot, { kind: 'unloaded', label: 'unloaded', title: `module ${e.module} unloaded`, detail: [], seq, sources: refs(e) });
          } else {
            const params = e.params && Object.keys(e.params).length ? [`params: ${Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(' ')}`] : [];
            b.interval(l, slot, { kind: 'module', label: e.state, title: `module ${e.module}`, detail: [`state: ${e.state}`, `refcount: ${e.refcount}`, ...params], seq, sources: refs(e) });
          }
        }
        break;
      }
      case 'patch-state': {
        if (!PATCH_STATES.has(e.state)) break;
        patchSeen.add(e.patch);
        const info = patchInfo.get(e.patch) ?? { replace: false, forced: false, stackOrder: 0 };
        patchInfo.set(e.patch, info);
        const wasForced = info.forced;
        Object.assign(info, { replace: e.replace, forced: e.forced || wasForced, stackOrder: e.stackOrder, state: e.state, shadow: e.shadow ?? info.shadow });
        const l = patchLane(e.patch);
        b.addSources(l, refs(e, 'patch'));
        const open = b.current(l.id);
        // The transition's init already opened this state (before the stack order was known).
        const same = open && open.kind === `patch-${e.state}` && (open.stackOrder === info.stackOrder || !open.stackOrder) && Boolean(open.forced) === info.forced;
        const it = same ? open : patchInterval(e.patch, slot, seq, refs(e, 'patch'));
        if (same) {
          it.stackOrder = info.stackOrder;
          it.label = `${e.state}${info.stackOrder ? ` · #${info.stackOrder}` : ''}`;
          it.detail = it.detail.filter((d) => !/^(objects|system states|shadow ids|stack_order)/.test(d));
          it.detail.splice(1, 0, `stack_order: ${info.stackOrder || '—'}`);
        }
        const objs = e.objects.map((o) => `${o.name}: ${o.patched ? 'patched' : o.loaded ? 'loaded, not patched' : 'not loaded'}`);
        if (objs.length) it.detail.push(`objects — ${objs.join('; ')}`);
        if (e.states.length) it.detail.push(`system states: ${e.states.map((s) => `${s.id} v${s.version}`).join(', ')}`);
        if (e.shadow) {
          const parts = (['alloc', 'get', 'free'] as const).filter((k) => e.shadow![k].length).map((k) => `${k} ${e.shadow![k].join(',')}`);
          if (parts.length) it.detail.push(`shadow ids: ${parts.join('; ')}`);
        }
        l.sub = `${e.replace ? 'replace' : 'stacking'}${e.states.length ? ` · states ${e.states.map((s) => `${s.id}v${s.version}`).join(' ')}` : ''}`;
        updateShadow(slot, seq, e.patch);
        break;
      }
      case 'patch-list': {
        e.patches.forEach((p, i) => {
          const info = patchInfo.get(p);
          if (info && info.stackOrder !== i + 1 && info.state) {
            info.stackOrder = i + 1;
            patchInterval(p, slot, seq, b.current(`patch:${p}`)?.sources ?? []);
          }
        });
        break;
      }
      case 'func-stack': {
        const id = fnLaneId(e.object, e.function, e.sympos);
        const l = b.lane(id, () => ({ section: 'functions', label: e.function, sub: e.object + (e.sympos > 1 ? `, sympos ${e.sympos}` : ''), func: e.function }));
        if (!fnLanesByName.has(e.function)) fnLanesByName.set(e.function, new Set());
        fnLanesByName.get(e.function)!.add(id);
        b.addSources(l, refs(e, 'func', 'new_func'));
        for (const f of e.stack) if (!l.patches.includes(f.patch)) l.patches.push(f.patch);
        if (!l.patches.includes(e.patch)) l.patches.push(e.patch);
        const impl = implOf(e.stack[0]);
        const behindImpl = e.transition ? implOf(e.stack[1]) : undefined;
        const it = b.interval(l, slot, { ...functionFields(l, impl, behindImpl, slot), seq, sources: refs(e, 'new_func', 'func') });
        it.detail.push(`func_stack (newest first): ${e.stack.length ? e.stack.map((f) => (f.nop ? `NOP(${f.patch})` : `${f.newFunc ?? '?'}(${f.patch})`)).join(', ') : 'empty'}`);
        if (behindImpl) inTransition.add(id); else inTransition.delete(id);
        break;
      }
      case 'transition': {
        const l = patchLane(e.patch);
        if (e.phase === 'init') {
          trans = { patch: e.patch, target: e.target, switched: new Set(), behind: new Map(), othersSwitched: true };
          // The patch is in transition from here (its patch-state may follow a little later).
          const info = patchInfo.get(e.patch);
          const st = e.target === 'patched' ? 'patching' : 'unpatching';
          if (info && info.state !== st) { info.state = st; patchSeen.add(e.patch); patchInterval(e.patch, slot, seq, b.current(l.id)?.sources ?? refs(e, 'patch')); }
          const initial: TaskPatchState = e.target === 'patched' ? 'unpatched' : 'patched';
          for (const [name, t] of tasks) if (!t.exited) { t.state = initial; openTask(name, slot, seq); }
        } else if (e.phase === 'reverse' && trans) {
          trans.target = e.target;
          trans.switched = new Set([...tasks.entries()].filter(([, t]) => t.state === e.target).map(([n]) => n));
          trans.behind.clear();
          trans.othersSwitched = true;
          for (const [name, t] of tasks) if (!t.exited) openTask(name, slot, seq);
          b.marker(l, slot, { kind: 'reverse', label: 'reverse', title: `${e.patch}: transition reversed`, detail: [`now ${e.target === 'patched' ? 'patching' : 'unpatching'}`, 'no callbacks run at a reversal; tasks that never switched are already in the new target state'], patch: e.patch, seq, sources: refs(e, 'patch') });
          for (const id of inTransition) reopenFunction(id, slot);
        } else if (e.phase === 'cancel') {
          b.marker(l, slot, { kind: 'cancel', label: 'cancel', title: `${e.patch}: transition cancelled`, detail: ['enabling failed; going back to unpatched'], patch: e.patch, seq, sources: refs(e, 'patch') });
        }
        if (e.phase === 'complete' || e.phase === 'cancel') {
          trans = undefined;
          for (const [name, t] of tasks) {
            t.state = 'idle';
            b.close(`task:${name}`, slot);
          }
        }
        break;
      }
      case 'task': {
        const l = taskLane(e.task);
        let t = tasks.get(e.task);
        if (!t) { t = { state: e.patchState, exited: false }; tasks.set(e.task, t); }
        const where = e.runningOnCpu ? 'running on a CPU' : e.stack.length ? `sleeps in ${e.stack.join(', ')}` : 'no kernel stack of note';
        if (e.change === 'declared') {
          l.sub = `${e.kthread ? 'kthread' : 'task'} · pid ${e.pid} · ${where}`;
          t.state = e.patchState;
          t.exited = false;
          if (trans) openTask(e.task, slot, seq);
        } else if (e.change === 'changed') {
          b.marker(l, slot, { kind: 'task-change', label: 'changed', title: `${e.task} changed`, detail: [where], seq, sources: refs(e, 'scenario') });
          l.sub = `${e.kthread ? 'kthread' : 'task'} · pid ${e.pid} · ${where}`;
        } else {
          t.exited = true;
          b.close(l.id, slot);
          b.marker(l, slot, { kind: 'exited', label: 'exited', title: `${e.task} exited`, detail: [], seq, sources: refs(e, 'scenario') });
          if (trans) { trans.behind.delete(e.task); for (const id of inTransition) reopenFunction(id, slot); }
        }
        break;
      }
      case 'task-switch': {
        let t = tasks.get(e.task);
        if (!t) { t = { state: e.from, exited: false }; tasks.set(e.task, t); }
        t.state = e.to;
        const l = taskLane(e.task);
        if (trans) {
          if (e.task === '*') trans.othersSwitched = e.to === trans.target;
          else if (e.to === trans.target) { trans.switched.add(e.task); trans.behind.delete(e.task); } else trans.switched.delete(e.task);
        }
        openTask(e.task, slot, seq, e.reason);
        lastBlocked.delete(e.task);
        if (e.reason === 'signal' || e.reason === 'force' || e.reason === 'exited' || e.reason === 'user-return') {
          b.marker(l, slot, { kind: 'switch', label: e.reason, title: `${e.task === '*' ? 'other tasks' : e.task} switched to ${e.to}`, detail: [`by ${e.reason}`, `transition of ${e.patch}`], patch: e.patch, seq, sources: [] });
        }
        for (const id of inTransition) reopenFunction(id, slot);
        break;
      }
      case 'task-blocked': {
        const l = taskLane(e.task);
        const prev = lastBlocked.get(e.task);
        const text = describe(e);
        if (prev && prev.title === text) {
          prev.count = (prev.count ?? 1) + 1;
          prev.detail[prev.detail.length - 1] = `seen at ${prev.count} tries`;
        } else {
          const it = b.marker(l, slot, { kind: 'blocked', label: e.reason === 'sleeping-on' ? `‖ ${e.function ?? ''}` : e.reason, title: text, detail: [`blocks the transition of ${e.patch}`, 'seen at 1 try'], patch: e.patch, seq, sources: [], count: 1 });
          lastBlocked.set(e.task, it);
        }
        if (trans) {
          const before = JSON.stringify(trans.behind.get(e.task));
          const bt: BehindTask = { task: e.task, reason: e.reason, function: e.function, stackEntry: e.stackEntry };
          if (before !== JSON.stringify(bt)) {
            trans.behind.set(e.task, bt);
            for (const id of inTransition) reopenFunction(id, slot);
          }
        }
        break;
      }
      case 'retry': {
        const l = patchLane(e.patch);
        // Undeclared and idle tasks switch at their next chance; a try reports them as '*' when not.
        if (trans && trans.othersSwitched === e.remaining.includes('*')) {
          trans.othersSwitched = !e.remaining.includes('*');
          for (const id of inTransition) reopenFunction(id, slot);
        }
        if (lastRetryItem && slotOfSeq[lastRetryItem.seq] === slot && lastRetryItem.lane === l.id) {
          lastRetryItem.count = (lastRetryItem.count ?? 1) + 1;
          lastRetryItem.title = `tries ${(events[lastRetryItem.seq] as { attempt: number }).attempt}–${e.attempt}: nothing changed`;
        } else {
          lastRetryItem = b.marker(l, slot, { kind: 'retry', label: '', title: describe(e), detail: e.remaining.length ? [`still behind: ${e.remaining.map((r) => (r === '*' ? 'other tasks' : r)).join(', ')}`] : ['every task reached the target state'], patch: e.patch, seq, sources: [], count: 1 });
        }
        break;
      }
      case 'signal': {
        const l = patchLane(e.patch);
        const msg = events.slice(Math.max(0, seq - 3), seq + 3).find((x) => x.kind === 'log' && x.message === 'signaling');
        b.marker(l, slot, { kind: 'signal', label: 'signal', title: `${e.patch}: signalled remaining tasks (try ${e.attempt})`, detail: [...(msg?.line ? [msg.line] : []), `tasks: ${e.tasks.join(', ') || '—'}`, 'user tasks return to user space and switch; kthreads are woken but keep their stack'], patch: e.patch, seq, sources: [] });
        break;
      }
      case 'force': {
        const l = patchLane(e.patch);
        b.marker(l, slot, { kind: 'force', label: 'force', title: `${e.patch}: forced to ${e.target}`, detail: [...(e.line ? [e.line] : []), `tasks switched regardless of their stacks: ${e.tasks.join(', ') || '—'}`, e.forcedPatches.length ? `forced (modules can never be removed): ${e.forcedPatches.join(', ')}` : ''].filter(Boolean), patch: e.patch, seq, sources: [] });
        for (const p of e.forcedPatches) {
          const info = patchInfo.get(p);
          if (info && !info.forced) { info.forced = true; if (info.state) patchInterval(p, slot, seq, b.current(`patch:${p}`)?.sources ?? []); }
        }
        break;
      }
      case 'callback': {
        // An object without such a callback is the common case, not news: no marker (the step still lists it).
        if (e.skipped === 'absent') break;
        const l = cbLane(e.patch, e.object);
        b.addSources(l, refs(e, 'object'));
        const short = e.callback.replace('_patch', '').replace('_unpatch', '');
        const detail: string[] = [];
        if (e.line) detail.push(e.line);
        detail.push(`callback: ${e.callback}${e.cFunction ? ` → ${e.cFunction}()` : ''}`);
        detail.push(`object: ${e.object}${e.moduleState ? ` (module ${e.moduleState})` : ''}`);
        if (e.returned !== undefined) detail.push(`returned ${e.returned}`);
        if (e.skipped) detail.push(CALLBACK_SKIP_TEXT[e.skipped] ?? 'not run');
        b.marker(l, slot, {
          kind: e.skipped ? 'callback-skipped' : 'callback',
          label: `${short}${e.callback.endsWith('unpatch') ? '·u' : ''}`,
          title: `${e.callback}${e.skipped ? ' (skipped)' : ''} — ${e.patch} / ${e.object}`,
          detail, patch: e.patch, seq, sources: refs(e, 'callback'),
        });
        if (e.returned !== undefined && e.returned !== 0) failedCommands.add(e.command);
        break;
      }
      case 'state-callback':
      case 'shadow-lifetime':
        stateApiItem(e, slot, seq, { builder: b, patchLane, refs, failedCommands });
        break;
      case 'system-state': {
        const l = b.lane(`state:${e.id}`, () => ({ section: 'states', label: `state ${idText(e.id)}` }));
        b.addSources(l, refs(e, 'state'));
        const prev = b.current(l.id);
        if (e.owner) {
          b.notePatch(e.owner);
          b.interval(l, slot, { kind: 'state-owned', label: `v${e.version} · ${e.owner}`, title: `state ${e.id}`, detail: [`version ${e.version}`, `owner: ${e.owner} (the newest patch in the list carrying it)`], patch: e.owner, seq, sources: refs(e, 'state') });
        } else {
          b.close(l.id, slot);
        }
        const kind = e.change === 'introduced' ? 'introduced' : e.change === 'taken-over' ? 'handover' : 'dropped';
        const detail = e.change === 'taken-over' && prev
          ? [`from ${prev.patch ?? '?'} (${prev.label.split(' · ')[0]}) to ${e.owner ?? '?'} (v${e.version})`]
          : e.change === 'dropped' ? ['no patch in the list carries it any more'] : [`${e.owner ?? '?'} introduces v${e.version}`];
        b.marker(l, slot, { kind, label: kind === 'handover' ? '⇄' : kind === 'introduced' ? '+' : '−', title: `state ${e.id}: ${e.change}`, detail, patch: e.owner, seq, sources: refs(e, 'state') });
        break;
      }
      case 'failure': {
        failedCommands.add(e.command);
        const lid = e.patch && b.lanes.has(`patch:${e.patch}`) ? `patch:${e.patch}` : e.module && b.lanes.has(`patch:${e.module}`) ? `patch:${e.module}` : e.module && b.lanes.has(`module:${e.module}`) ? `module:${e.module}` : undefined;
        const l = lid ? b.lanes.get(lid)! : sys();
        const kernel = ofCommand(e.command).filter((x) => x.kind === 'log' && WARNING_MESSAGES.has(x.message)).map((x) => x.line!);
        const out = ofCommand(e.command).filter((x) => x.kind === 'output' && x.error).map((x) => x.line!);
        b.marker(l, slot, { kind: 'failure', label: e.errnoName, title: describe(e), detail: [...kernel, ...out], patch: e.patch ?? (e.module && livepatchModules.has(e.module) ? e.module : undefined), seq, sources: refs(e) });
        break;
      }
      case 'log': {
        if (WARNING_MESSAGES.has(e.message)) {
          const p = e.patch;
          const l = p ? patchLane(p) : sys();
          b.marker(l, slot, { kind: 'warning', label: '!', title: e.line, detail: [`kernel message: ${e.message}`, ...(e.object ? [`object: ${e.object}`] : []), ...(e.module ? [`module: ${e.module}`] : [])], patch: p, seq, sources: refs(e) });
        } else if ((e.message === 'applying-to-module' || e.message === 'reverting-on-unload') && e.patch) {
          b.marker(patchLane(e.patch), slot, { kind: 'module-apply', label: e.message === 'applying-to-module' ? '↘' : '↖', title: e.line, detail: [e.message === 'applying-to-module' ? 'a target module loads while the patch is active' : 'a target module unloads while the patch is active'], patch: e.patch, seq, sources: refs(e) });
        }
        break;
      }
      case 'output': {
        if (e.error) {
          failedCommands.add(e.command);
          const hasFailure = ofCommand(e.command).some((x) => x.kind === 'failure');
          if (!hasFailure) b.marker(sys(), slot, { kind: 'error', label: 'error', title: e.line, detail: ['the command failed'], seq, sources: [] });
        }
        break;
      }
      case 'note': {
        b.marker(sys(), slot, { kind: 'note', label: 'i', title: e.message, detail: [], seq, sources: refs(e) });
        break;
      }
      default:
        break;
    }
  });

  function openTask(name: string, slot: number, seq: number, reason?: string): void {
    const t = tasks.get(name);
    if (!t || !trans) return;
    const l = taskLane(name);
    const onTarget = t.state === trans.target;
    const runs = onTarget ? (trans.target === 'patched' ? 'new code' : 'code before the patch') : trans.target === 'patched' ? 'old code' : 'patched code';
    b.interval(l, slot, {
      kind: onTarget ? 'task-new' : 'task-old',
      label: onTarget ? `${t.state}${reason ? ` (${reason})` : ''}` : `${t.state} — behind`,
      title: `${name === '*' ? 'other tasks' : name}: ${t.state}`,
      detail: [`transition of ${trans.patch} to ${trans.target}`, onTarget ? `reached the target state; runs the ${runs}` : `not switched yet; runs the ${runs}`],
      patch: trans.patch,
      seq,
      sources: [],
    });
  }

  if (curCommand) curCommand.end = slots.length;
  for (const c of commands) c.failed = failedCommands.has(c.index);
  b.finish();

  // Lane order: sections, then (within patches) each patch followed by its callback lanes.
  const order: SectionId[] = ['system', 'patches', 'functions', 'tasks', 'states', 'shadow', 'modules'];
  const all = [...b.lanes.values()];
  const lanes: Lane[] = [];
  for (const sec of order) {
    const inSec = all.filter((l) => l.section === sec);
    if (sec === 'patches') {
      for (const p of b.patches) {
        const main = inSec.find((l) => l.id === `patch:${p}`);
        if (main) lanes.push(main);
        lanes.push(...inSec.filter((l) => l.child && l.patches[0] === p));
      }
    } else if (sec === 'functions') {
      lanes.push(...inSec.sort((x, y) => (x.sub ?? '').localeCompare(y.sub ?? '') || 0));
    } else {
      lanes.push(...inSec);
    }
  }
  for (const l of lanes) l.items.sort((x, y) => x.start - y.start || Number(x.marker) - Number(y.marker));

  return {
    title: input.title,
    scenario: input.scenario,
    slots,
    commands,
    lanes,
    patches: b.patches,
    transcript,
    slotOfSeq,
    items: b.items,
    errors: input.errors ?? [],
  };
}

/** Items that begin at a step. */
export function itemsAtSlot(model: TimelineModel, slot: number): Item[] {
  return model.items.filter((it) => it.start === slot);
}
