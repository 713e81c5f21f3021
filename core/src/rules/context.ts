// What the single-module rules share: the RuleContext the caller passes (workspace facts,
// severity settings), the Reporter that turns a rule's verdict into a Finding, and cheap
// navigation over the model (which object a replacement belongs to, what a callback can
// reach). Everything here reads the model only: no tree walks, no I/O.
import type { Fix, Finding, RelatedInfo, Severity, TextEdit } from '../findings';
import type { BranchCondition, CallSite, CFunction, FieldInit, KlpArray, KlpFunc, KlpObject, KlpPatch, ModuleModel, Position, Range } from '../model';
import { findArray } from '../model';
import { ruleInfo } from './catalogue';

export interface RuleContext {
  /**
   * Prototypes and definitions of a function, by name, across the workspace (the module
   * being checked included). Used to compare a replacement with the original (KLP011,
   * KLP012). Return [] when unknown.
   */
  lookupFunction(name: string): CFunction[];
  /** Severity per code from the settings; 'off' silences a rule. */
  severity?: Partial<Record<string, Severity | 'off'>>;
  /**
   * The text of a file of the module, when the caller has it at hand. Only used to shape
   * fixes (indentation, an existing trailing comma); fixes are still offered without it.
   */
  sourceText?(file: string): string | undefined;
  /**
   * The kernel API level (`--kernel-api`, setting klpStudio.kernelApi): 'auto' (default) =
   * what each module's source uses; see ./stateApi.ts (semantics §12).
   */
  kernelApi?: 'auto' | 'upstream' | 'state-callbacks';
  /**
   * Whether this module is expected to be cumulative: it is in a declared series, or its
   * folder holds cumulative patches (`cumulativeExpected()` in ./cumulative.ts computes it
   * from the modules loaded with it). Unknown or false: a patch that does not replace is a
   * demo, a test or a patch meant to stack, and KLP020/KLP054 stay quiet about it.
   */
  cumulativeExpected?: boolean;
  /** Told when a rule family throws on an unexpected model shape (tests assert it never is). */
  onRuleError?(family: string, error: unknown): void;
}

/** Collects findings, applying the severity settings. */
export class Reporter {
  readonly findings: Finding[] = [];
  constructor(readonly ctx: RuleContext) {}

  /** Whether a rule is enabled at all (rules skip their work when not). */
  on(code: string): boolean {
    return this.ctx.severity?.[code] !== 'off';
  }

  add(code: string, file: string, range: Range, message: string, extra?: { related?: RelatedInfo[]; fixes?: Fix[]; tags?: Finding['tags']; severity?: Severity }): void {
    const set = this.ctx.severity?.[code];
    if (set === 'off') return;
    // extra.severity: a rule's weaker verdict when it cannot be sure (settings still win).
    const severity = set ?? extra?.severity ?? ruleInfo(code)?.severity ?? 'warning';
    const f: Finding = { code, severity, message, file, range };
    if (extra?.related?.length) f.related = extra.related;
    if (extra?.fixes?.length) f.fixes = extra.fixes;
    if (extra?.tags?.length) f.tags = extra.tags;
    this.findings.push(f);
  }
}

// ---------------------------------------------------------------------------------------
// Model navigation

/** Patches with an initializer (forward declarations are not patches of their own). */
export function definedPatches(m: ModuleModel): KlpPatch[] {
  return m.patches.filter((p) => !p.declarationOnly);
}

/** Whether the module is a livepatch (it defines or enables a klp_patch). */
export function isLivepatchModule(m: ModuleModel): boolean {
  return m.isLivepatch || definedPatches(m).length > 0 || m.runtimeEnables.length > 0;
}

/** A klp_func entry with the array and the object it belongs to (when an object names the array). */
export interface FuncUse {
  entry: KlpFunc;
  array: KlpArray<KlpFunc>;
  object?: KlpObject;
}

/** Every klp_func entry of the module, with its object. */
export function funcUses(m: ModuleModel): FuncUse[] {
  const objectOf = new Map<string, KlpObject>();
  for (const a of m.objArrays) for (const o of a.entries) if (o.funcsRef && !objectOf.has(o.funcsRef)) objectOf.set(o.funcsRef, o);
  const out: FuncUse[] = [];
  for (const array of m.funcArrays) for (const entry of array.entries) out.push({ entry, array, object: objectOf.get(array.name) });
  return out;
}

/** Replacement functions (new_func) defined in the module, each with its klp_func uses. */
export function replacementFunctions(m: ModuleModel): { fn: CFunction; uses: FuncUse[] }[] {
  const by = new Map<string, { fn: CFunction; uses: FuncUse[] }>();
  for (const u of funcUses(m)) {
    const fn = u.entry.newFunc ? m.functions[u.entry.newFunc] : undefined;
    if (!fn || fn.isPrototype) continue;
    const e = by.get(fn.name);
    if (e) e.uses.push(u);
    else by.set(fn.name, { fn, uses: [u] });
  }
  return [...by.values()];
}

/** The functions with calls (those with body facts), in the function table's order, per table. */
const callingCache = new WeakMap<ModuleModel['functions'], CFunction[]>();

/**
 * The module's functions that make calls (only functions with body facts have any), in the
 * order of the function table. Kept per table: enumerating a 50,000-line module's table on
 * every keystroke costs milliseconds. The table is shared between a model and the next one
 * when the extractor patches it for an edit (core/src/extract/incremental.ts,
 * assembleChanged), which only swaps functions without body facts, whose call lists are
 * empty before and after: this list stays right.
 */
export function callingFunctions(m: ModuleModel): CFunction[] {
  let list = callingCache.get(m.functions);
  if (!list) {
    list = [];
    for (const name in m.functions) if (m.functions[name].calls.length) list.push(m.functions[name]);
    callingCache.set(m.functions, list);
  }
  return list;
}

/** Human name of an object: its module name, or vmlinux. */
export function objectLabel(o: KlpObject | undefined): string {
  return o?.name ?? 'vmlinux';
}

/** The objects array of a patch. */
export function patchObjects(m: ModuleModel, p: KlpPatch): KlpArray<KlpObject> | undefined {
  return findArray(m.objArrays, p.objsRef);
}

/**
 * Names of the functions reachable from ROOTS through calls to functions defined in the
 * module (ROOTS included), bounded so that a pathological call graph stays cheap.
 */
export function reachable(m: ModuleModel, roots: (string | undefined)[], limit = 500): Set<string> {
  const seen = new Set<string>();
  const queue = roots.filter((r): r is string => !!r && !!m.functions[r]);
  while (queue.length && seen.size < limit) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const c of m.functions[name]?.calls ?? []) if (m.functions[c.callee] && !seen.has(c.callee)) queue.push(c.callee);
  }
  return seen;
}

/** Calls made by the functions in NAMES. */
export function callsOf(m: ModuleModel, names: Iterable<string>): { fn: CFunction; call: CallSite }[] {
  const out: { fn: CFunction; call: CallSite }[] = [];
  for (const n of names) {
    const fn = m.functions[n];
    if (fn) for (const call of fn.calls) out.push({ fn, call });
  }
  return out;
}

/** The call site of FN at RANGE (shadow and state calls are also in fn.calls). */
export function callAt(fn: CFunction | undefined, range: Range): CallSite | undefined {
  return fn?.calls.find((c) => samePos(c.range.start, range.start) && samePos(c.range.end, range.end));
}

/** Range of a call's callee name (the call starts with it). */
export function calleeRange(call: CallSite): Range {
  const s = call.range.start;
  return { start: s, end: { line: s.line, character: s.character + call.callee.length } };
}

export function samePos(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

export function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function where(file: string, range: Range): string {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? file;
  return `${base}:${range.start.line + 1}`;
}

/**
 * ` (only when compiled with '#if X', line N)` for an entry written inside `#if` branches
 * (both branches are read, so a finding may hold in one of them only), else ''.
 */
export function branchNote(conditions: BranchCondition[] | undefined): string {
  if (!conditions?.length) return '';
  const c = conditions[conditions.length - 1];
  return ` (only when compiled with '${c.text}', line ${c.directive.line + 1})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------
// Fix helpers

/** Leading whitespace of LINE in FILE, when the caller gave us the text. */
export function indentOf(ctx: RuleContext, file: string, line: number): string | undefined {
  const text = ctx.sourceText?.(file);
  if (text === undefined) return undefined;
  let start = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  return /^[ \t]*/.exec(text.slice(start, start + 200))![0];
}

/** Offset in FILE's text of POS, when the caller gave us the text. */
function offsetOf(ctx: RuleContext, file: string, pos: Position): { text: string; offset: number } | undefined {
  const text = ctx.sourceText?.(file);
  if (text === undefined) return undefined;
  let off = 0;
  for (let i = 0; i < pos.line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return undefined;
    off = nl + 1;
  }
  return { text, offset: off + pos.character };
}

/**
 * An edit adding `FIELD_TEXT` (e.g. `.replace = true`) to a designated initializer whose
 * fields are FIELDS: after the last field on a line of its own when the layout is one field
 * per line, else before the first field. Undefined for an empty initializer.
 */
export function addFieldEdit(ctx: RuleContext, file: string, fields: FieldInit[], fieldText: string): TextEdit | undefined {
  if (!fields.length) return undefined;
  const first = fields[0];
  const last = fields[fields.length - 1];
  const multiLine = last.range.start.line > first.range.start.line || fields.length === 1;
  const indent = indentOf(ctx, file, last.range.start.line);
  const ownLine = indent !== undefined && indent.length === last.range.start.character;
  if (multiLine && ownLine) {
    // After the comma that follows the last field, if there is one on the same line.
    const at = offsetOf(ctx, file, last.range.end);
    const comma = at ? /^[ \t]*,/.exec(at.text.slice(at.offset, at.offset + 200)) : null;
    if (comma) {
      const p = { line: last.range.end.line, character: last.range.end.character + comma[0].length };
      return { file, range: { start: p, end: p }, newText: `\n${indent}${fieldText},` };
    }
    return { file, range: { start: last.range.end, end: last.range.end }, newText: `,\n${indent}${fieldText},` };
  }
  return { file, range: { start: first.range.start, end: first.range.start }, newText: `${fieldText}, ` };
}

/**
 * An edit deleting the keyword WORD (and the blanks after it) written between FROM and TO,
 * e.g. `inline` in a function's head. Undefined without the text or when WORD is not there.
 */
export function removeWordEdit(ctx: RuleContext, file: string, from: Position, to: Position, word: string): TextEdit | undefined {
  const a = offsetOf(ctx, file, from);
  const b = offsetOf(ctx, file, to);
  if (!a || !b || b.offset <= a.offset) return undefined;
  const head = a.text.slice(a.offset, b.offset);
  const m = new RegExp(`\\b${word}\\b[ \\t]*`).exec(head);
  if (!m) return undefined;
  const start = positionAfter(a.text, a.offset, from, m.index);
  const end = positionAfter(a.text, a.offset, from, m.index + m[0].length);
  return { file, range: { start, end }, newText: '' };
}

/** The position DELTA characters after FROM (whose offset is BASE) in TEXT. */
function positionAfter(text: string, base: number, from: Position, delta: number): Position {
  let line = from.line;
  let character = from.character;
  for (let i = base; i < base + delta; i++) {
    if (text.charCodeAt(i) === 10) { line++; character = 0; } else character++;
  }
  return { line, character };
}

/** An edit inserting whole lines before LINE (0-based); at the end of the file when LINE is past it. */
export function insertLinesEdit(file: string, line: number, lines: string): TextEdit {
  const p = { line, character: 0 };
  return { file, range: { start: p, end: p }, newText: lines };
}
