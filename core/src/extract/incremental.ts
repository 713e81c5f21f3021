// Incremental extraction: a module's model rebuilt after an edit by re-extracting only the
// top-level items (declarations, functions, #defines, macro calls) whose text changed.
//
// How to use it (the language server): keep one IncrementalModuleExtractor per module and
// call `update(name, files)` with the module's current parsed files (CDocument.asParsed()
// for open documents) after every change; it returns a new ModuleModel equal to what
// extractModuleFromParsed would return for the same files, in a fraction of the time.
// `dispose()` (or dropping it) frees the caches. One-shot extraction (CLI, disk index) is
// the same code with an empty cache.
//
// Cache: per file, top-level item text -> facts. An item whose text is unchanged keeps its
// facts; if it moved (lines inserted above), its ranges are shifted, not re-extracted.
// Facts read values through the macros and module parameters of the whole module, so a
// change to those (a #define or module_param edited) empties the cache. Cached strings are
// copied out of the file text so that old texts of a long editing session are not kept.
// Body facts are computed for the functions an analysis can ask about only, and cached too.
import type { SyntaxNode, Tree } from '../cparse/parser';
import type { CFunction, KlpFunc, KlpPatch, MacroDef, MacroUse, ModuleModel, Position, Range, Unreadable } from '../model';
import { PLACEHOLDER_RE } from '../cparse/parser';
import { copyString, LineIndex } from '../text';
import type { SourceText } from '../pieceText';
import { CONTAINER_DEPTH, CONTAINER_TYPES, extractBody, extractItem, ITEM_TYPES } from './file';
import type { BodyFacts, FuncEntryReuse, GlobalFact, ItemFacts, ParsedSource } from './file';
import type { DocumentStep } from '../cparse/document';
import { evalMacroText, ValueScope } from './values';
import { normalize } from './paths';
import type { Value } from '../model';

/** A cached top-level item: its facts as extracted when it started at `start`. */
interface Entry {
  type: string;
  start: Position;
  facts: ItemFacts;
  /** ERROR nodes in the item (itself included), in tree order; at most MAX_ERRORS. */
  errors: Range[];
  /**
   * What the extractor could not read in the item: its ERROR nodes except those it read
   * around (ItemFacts.recovered), and the places of MISSING tokens (`int x = ;`).
   */
  unreadable: Range[];
  /** Body facts of a function definition, once asked for. */
  body: BodyFacts | undefined;
  /** Which facts it has (K_* bits): the per-update passes test these, not the facts' varied shapes. */
  kinds: number;
  /**
   * The macro and parameter names its facts looked up (ValueScope.reads); undefined: none.
   * An entry of a kin file (KinFile) is taken only where the scope answers these alike.
   */
  reads?: string[];
  /** The same, of the body facts (when read). */
  bodyReads?: string[];
  /** Entries of the klp_func tables it holds, as read (one-shot extraction: a kin file's). */
  funcEntries?: FuncRecord[];
}

/** A klp_func table entry as read, for a later version of the file (FuncEntryReuse). */
interface FuncRecord {
  text: string;
  start: Position;
  entry: KlpFunc;
  /** The item it is part of (whose lookups it shares). */
  owner: Entry;
}

const K_FUNCTIONS = 1;
const K_DEFINITION = 2;
const K_GLOBALS = 4;
const K_TABLES = 8;
const K_PARAMS = 16;
const K_INCLUDE = 32;
const K_MACRO_USES = 64;
const K_SCOPE = 128;

/** Whether an entry is part of the module's scope (a macro or a module parameter). */
const inScope = (e: Entry) => (e.kinds & K_SCOPE) !== 0;

function kindsOf(type: string, f: ItemFacts): number {
  let k = 0;
  if (f.functions) k |= K_FUNCTIONS;
  if (type === 'function_definition' && f.functions?.length && !f.functions[0].isPrototype) k |= K_DEFINITION;
  if (f.globals) k |= K_GLOBALS;
  if (f.patches || f.funcArrays || f.objArrays || f.stateArrays) k |= K_TABLES;
  if (f.params) k |= K_PARAMS;
  if (f.include) k |= K_INCLUDE;
  if (f.macroUses) k |= K_MACRO_USES;
  if (f.macro || f.paramName !== undefined) k |= K_SCOPE;
  return k;
}

/** A cache entry (always the same shape). */
function makeEntry(type: string, start: Position, facts: ItemFacts, errors: Range[], unreadable: Range[], body?: BodyFacts): Entry {
  // Every field written here, those set later too: one hidden class, no property store added later.
  return { type, start, facts, errors, unreadable, body, kinds: kindsOf(type, facts), reads: undefined, bodyReads: undefined, funcEntries: undefined };
}

/** An item of the current tree. `node` only when it was read from the tree this update. */
interface Item {
  entry: Entry | undefined;
  startIndex: number;
  endIndex: number;
  node: SyntaxNode | undefined;
  /** An entry of the kin file with the same text, taken by fill() if the scope agrees. */
  kin?: Entry;
}

/**
 * A file another module's extraction read (a kin file: another version of the same source,
 * as in a cumulative series, whose copies differ in a few places). Its entries stand for the
 * items of the new file with the same text, moved to their place, with the path replaced,
 * where the new module's scope answers their macro and parameter lookups alike. Made by
 * IncrementalModuleExtractor.kinOf(); see ExtractionSession (./session.ts).
 */
export interface KinFile {
  path: string;
  state: FileState;
  scope: ValueScope;
  /** Its klp_func table entries by text (made when first asked). */
  funcs?: Map<string, FuncRecord[]>;
  /**
   * Where the file taking from it is the same text (set by ExtractionSession from its line
   * diff): the offset here of new text [s, e) when it lies in an unchanged stretch, and
   * whether text [s, e) here lies in one. Items there are matched by offset, not by text.
   */
  unchanged?: { here(s: number, e: number): number | undefined; kept(s: number, e: number): boolean };
  /** What lookupsAgree() found for the scope of the file taking from it. */
  agree?: { scope: ValueScope; names: Map<string, boolean>; lists: WeakMap<string[], boolean> };
}

/** An ERROR node that holds items (half-typed code). */
interface ErrorMark {
  startIndex: number;
  endIndex: number;
  range: Range;
}

interface FileState {
  /** The text (a document's pieces: compared by identity, sliced, never built whole). */
  text: SourceText;
  tree: Tree;
  /** The document version the state was read from (edited documents only). */
  version?: number;
  /** Every named top-level node (through containers), in source order. */
  items: Item[];
  marks: ErrorMark[];
  /** What the update that made this state changed (undefined: read whole, not describable). */
  delta?: Delta;
}

/** The items an update replaced in a file: the patch assembleChanged() applies to the last model. */
interface Delta {
  /** Entries of the items that were replaced, in source order. */
  removed: Entry[];
  /** The items read in their place (entries filled by fill()), in source order. */
  added: Item[];
  /** Whether the ERROR marks are the previous ones, unmoved. */
  sameMarks: boolean;
  /** Whether the old or new text of the replaced items holds `@@` (a placeholder: unreadable). */
  placeholder: boolean;
}

const NO_DELTA: Delta = { removed: [], added: [], sameMarks: true, placeholder: false };

interface Span {
  s: number;
  e: number;
}

/** What the last update did (the benchmark prints it). */
export interface ExtractStats {
  items: number;
  reused: number;
  moved: number;
  /**
   * Items moved by whole lines whose positions were shifted in place (documents only: their
   * facts belong to this extractor and its models alone). Unlike moved items (copied with new
   * positions), they leave the last model valid: it can still be patched (assembleChanged).
   */
  shifted: number;
  extracted: number;
  bodies: number;
  scopeChanged: boolean;
  /** Items whose entry was taken from a kin file (KinFile). */
  kin: number;
  /**
   * Items the model assembly walked: every item of the module when it is assembled whole,
   * none when the last model was patched (an edit inside function bodies; see assembleChanged).
   */
  assembled: number;
  /** Milliseconds: walking the top-level items, extracting the missing ones, assembling the model. */
  ms: { walk: number; extract: number; assemble: number };
}

const newStats = (): ExtractStats => ({ items: 0, reused: 0, moved: 0, shifted: 0, extracted: 0, bodies: 0, scopeChanged: false, kin: 0, assembled: 0, ms: { walk: 0, extract: 0, assemble: 0 } });

export class IncrementalModuleExtractor {
  private files = new Map<string, FileState>();
  private scopeKey: string | undefined;
  /** Values of the object-like macros, valid while the scope key is unchanged. */
  private macroValues = new Map<string, Value>();
  /** Copy cached strings out of file texts (off for one-shot extraction). */
  private readonly detach: boolean;
  /**
   * The last model and the functions whose body facts it holds (what an analysis can ask
   * about): an update that only replaced function definitions outside that set patches it.
   */
  private last: { model: ModuleModel; files: string; withBodies: Set<string>; gathered: Gathered } | undefined;
  /** The last scope (scopeOf) and its files: kept while no macro or parameter item is replaced. */
  private lastScope: { files: string; macros: Record<string, MacroDef>; params: Set<string>; key: string } | undefined;
  stats: ExtractStats = newStats();
  /** collectChanged()'s columns (starts, ends, dirty flags), reused from update to update. */
  private scratch = { S: new Float64Array(0), E: new Float64Array(0), D: new Uint8Array(0) };

  constructor(options: { oneShot?: boolean } = {}) {
    this.detach = !options.oneShot;
  }

  /** Frees the caches (the trees belong to the caller). */
  dispose(): void {
    this.files.clear();
    this.last = undefined;
    this.lastScope = undefined;
    this.scopeKey = undefined;
    this.macroValues.clear();
  }

  /**
   * The model of the module made of FILES (main file first). Never throws. KIN: for files
   * this extractor has not read, a kin file (by the new file's path) whose entries may stand
   * for items of the same text.
   */
  update(name: string, files: ParsedSource[], kin?: Map<string, KinFile>): ModuleModel {
    const model: ModuleModel = {
      name, files: files.map((f) => f.path), patches: [], funcArrays: [], objArrays: [], stateArrays: [],
      functions: {}, macros: {}, params: [], shadowCalls: [], stateCalls: [], includes: [], moduleInfo: [],
      globals: {}, isLivepatch: false, apiLevel: 'upstream', syntaxErrors: [], unreadable: [], runtimeEnables: [],
    };
    this.stats = newStats();
    const t0 = performance.now();
    try {
      for (const f of files) f.lines ??= new LineIndex(f.text);
      let states = files.map((f) => this.collect(f, kin?.get(f.path)));
      const paths = files.map((f) => f.path).join('\n');
      // The scope is made of the macro and parameter items only (extracted in collect()), with
      // their positions: unchanged when the update replaced none of them and moved nothing.
      const kept = this.lastScope?.files === paths && !this.stats.moved && states.every((s) => s.delta && !s.delta.removed.some(inScope) && !s.delta.added.some((it) => it.entry && inScope(it.entry)));
      let { macros, params, key } = kept ? this.lastScope! : scopeOf(states);
      if (key !== this.scopeKey) {
        // Values may read any macro or parameter: nothing cached is known to be right.
        if (this.scopeKey !== undefined) {
          this.stats = { ...newStats(), scopeChanged: true };
          this.files.clear();
          this.last = undefined;
          states = files.map((f) => this.collect(f));
          ({ macros, params } = scopeOf(states));
        }
        this.scopeKey = key;
        this.macroValues.clear();
      }
      this.lastScope = { files: paths, macros, params, key };
      const scope: ValueScope = { macros, params };
      for (const m of Object.values(macros)) {
        if (m.params) continue;
        let v = this.macroValues.get(m.name);
        if (!v) {
          v = evalMacroText(m.body, scope);
          this.macroValues.set(m.name, v);
        }
        m.value = v;
      }
      const t1 = performance.now();
      files.forEach((f, i) => this.fill(f, states[i], scope, kin?.get(f.path)));
      files.forEach((f, i) => this.files.set(f.path, states[i]));
      for (const p of [...this.files.keys()]) if (!files.some((f) => f.path === p)) this.files.delete(p);
      const t2 = performance.now();
      if (!this.assembleChanged(model, files, states, scope)) this.assemble(model, files, states, scope);
      this.stats.ms = { walk: t1 - t0, extract: t2 - t1, assemble: performance.now() - t2 };
    } catch {
      // Never throw: keep whatever was assembled before the unexpected shape. The caches may
      // be half updated: the next update starts afresh.
      this.files.clear();
      this.scopeKey = undefined;
      this.last = undefined;
      this.lastScope = undefined;
    }
    return model;
  }

  /** The file's items, reusing cached entries; macro and param items are extracted now. */
  private collect(src: ParsedSource, kin?: KinFile): FileState {
    const prev = this.files.get(src.path);
    if (prev && prev.text === textOf(src) && prev.tree === src.tree) {
      this.stats.items += prev.items.length;
      this.stats.reused += prev.items.length;
      prev.delta = NO_DELTA;
      return prev;
    }
    if (prev && prev.version !== undefined && src.changesSince) {
      const steps = src.changesSince(prev.version);
      const state = steps && this.collectChanged(src, prev, steps);
      if (state) return state;
    }
    return this.collectAll(src, prev, prev ? undefined : kin);
  }

  /**
   * What another module's extraction may take from this one's file PATH (see KinFile), after
   * an update: undefined when it was not read whole.
   */
  kinOf(path: string): KinFile | undefined {
    const state = this.files.get(path);
    if (!state || !this.lastScope || state.items.some((it) => !it.entry)) return undefined;
    return { path, state, scope: { macros: this.lastScope.macros, params: this.lastScope.params } };
  }

  /** Reads every top-level item of the tree (a new file, or an edit the journal cannot describe). */
  private collectAll(src: ParsedSource, prev: FileState | undefined, kin?: KinFile): FileState {
    const reuse = kin ? new Reuse(kin.state, kin.state.items, kin) : new Reuse(prev, prev?.items ?? []);
    reuse.clean = !src.tree.rootNode.hasError;
    const items: Item[] = [];
    const marks: ErrorMark[] = [];
    const cursor = src.tree.walk();
    const visit = (depth: number) => {
      if (!cursor.gotoFirstChild()) return;
      do {
        if (!cursor.nodeIsNamed) continue;
        const type = cursor.nodeType;
        if (depth < CONTAINER_DEPTH && CONTAINER_TYPES.has(type)) {
          if (type === 'ERROR') marks.push({ startIndex: cursor.startIndex, endIndex: cursor.endIndex, range: src.lines!.range(cursor.startIndex, cursor.endIndex) });
          visit(depth + 1);
          continue;
        }
        items.push(this.itemAt(src, type, cursor.startIndex, cursor.endIndex, () => cursor.currentNode, reuse));
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    };
    try {
      visit(0);
    } finally {
      cursor.delete();
    }
    this.stats.items += items.length;
    return { text: textOf(src), tree: src.tree, version: src.version, items, marks };
  }

  /**
   * Maps the previous items through the journal's edits, keeps those no edit or changed span
   * touches, and reads the tree only where something changed. Undefined: not describable.
   */
  private collectChanged(src: ParsedSource, prev: FileState, steps: DocumentStep[]): FileState | undefined {
    for (const step of steps) if (!step.changed) return undefined;
    // Offsets of the previous items, mapped through the edits (typed arrays: a 50,000-line
    // file has thousands of items, and this runs on every keystroke). Items are in source
    // order and do not overlap, so both columns stay sorted.
    const olds = prev.items;
    const n = olds.length;
    // (Reused buffers: three arrays of the item count per keystroke were garbage that lived
    // long enough to be promoted.)
    if (this.scratch.S.length < n) {
      const size = Math.ceil(n * 1.25) + 16;
      this.scratch = { S: new Float64Array(size), E: new Float64Array(size), D: new Uint8Array(size) };
    }
    const { S, E, D } = this.scratch;
    D.fill(0, 0, n);
    for (let i = 0; i < n; i++) {
      S[i] = olds[i].startIndex;
      E[i] = olds[i].endIndex;
    }
    /** Index of the first item whose end is at or after OFFSET. */
    const firstEndingAt = (offset: number) => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (E[mid] < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const oldMarks = prev.marks.map((m) => ({ mark: m, s: m.startIndex, e: m.endIndex, dirty: false }));
    const spans: Span[] = [];
    let firstEdit = Infinity;
    // Edits that neither insert nor remove a line break move nothing off the lines they are
    // on: items starting on other lines keep their positions (no position check for them).
    let sameLines = true;
    const editedLines = new Set<number>();
    for (const step of steps) {
      for (const ed of step.edits) {
        firstEdit = Math.min(firstEdit, ed.start);
        if (ed.line === undefined || ed.newlines) sameLines = false;
        else editedLines.add(ed.line);
        const delta = ed.newEnd - ed.oldEnd;
        const lo = (p: number) => (p < ed.start ? p : p >= ed.oldEnd ? p + delta : ed.start);
        const hi = (p: number) => (p <= ed.start ? p : p >= ed.oldEnd ? p + delta : ed.newEnd);
        for (let i = firstEndingAt(ed.start); i < n; i++) {
          if (S[i] <= ed.oldEnd) D[i] = 1;
          S[i] = lo(S[i]);
          E[i] = hi(E[i]);
        }
        for (const x of oldMarks) {
          if (x.e < ed.start) continue;
          if (x.s <= ed.oldEnd) x.dirty = true;
          x.s = lo(x.s);
          x.e = hi(x.e);
        }
        for (const sp of spans) { sp.s = lo(sp.s); sp.e = hi(sp.e); }
        spans.push({ s: ed.start, e: ed.newEnd });
      }
      for (const r of step.changed!) {
        spans.push({ s: r.start, e: r.end });
        for (let i = firstEndingAt(r.start); i < n && S[i] <= r.end; i++) D[i] = 1;
        for (const x of oldMarks) if (x.e >= r.start && x.s <= r.end) x.dirty = true;
      }
    }
    for (let i = 0; i < n; i++) if (D[i]) spans.push({ s: S[i], e: E[i] });
    /** Kept (not dirty) items touching the (merged, sorted) spans. */
    const keptTouching = (sps: Span[]) => {
      const out: Span[] = [];
      for (const sp of sps) for (let i = firstEndingAt(sp.s); i < n && S[i] <= sp.e; i++) if (!D[i]) out.push({ s: S[i], e: E[i] });
      return out;
    };

    // Read the tree over the dirty spans, widened until no item straddles their borders.
    let dirty = mergeSpans(spans);
    let found: Found;
    for (;;) {
      found = walkSpans(src.tree, dirty);
      const wider = mergeSpans([...dirty, ...found.items.map((x) => ({ s: x.startIndex, e: x.endIndex })), ...keptTouching(dirty)]);
      if (sameSpans(wider, dirty)) break;
      dirty = wider;
    }
    // Items touching the final spans are replaced too.
    for (const sp of dirty) for (let i = firstEndingAt(sp.s); i < n && S[i] <= sp.e; i++) D[i] = 1;

    const lines = src.lines!;
    const replaced: Item[] = [];
    for (let i = 0; i < n; i++) if (D[i]) replaced.push(olds[i]);
    const reuse = new Reuse(prev, replaced);
    const fresh = found.items.map((x) => this.itemAt(src, x.type, x.startIndex, x.endIndex, () => x, reuse));
    // The new items go where the replaced ones were when they are as many and in the same
    // places among the kept ones (an edit inside an item): the previous array is updated in
    // place, not copied (it is not used again, see below).
    let inPlace = fresh.length === replaced.length;
    for (let i = 0, j = 0, d = 0; inPlace && i < n; i++) {
      if (D[i]) { d++; continue; }
      while (j < fresh.length && fresh[j].startIndex < S[i]) j++;
      inPlace = j === d;
    }
    const items: Item[] = inPlace ? olds : [];
    let j = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (D[i]) {
        if (inPlace) items[k++] = fresh[j++];
        continue;
      }
      const s = S[i];
      if (!inPlace) while (j < fresh.length && fresh[j].startIndex < s) items.push(fresh[j++]);
      const item = olds[i];
      let entry = item.entry;
      // After the first edit the item may have moved (checked in O(1): no position search
      // unless it did).
      if (entry && s >= firstEdit && !(sameLines && !editedLines.has(entry.start.line)) && !isAt(lines, entry.start, s)) {
        const to = lines.positionAt(s);
        if (this.detach && to.character === entry.start.character) {
          // Whole lines above it came or went (a line break typed or deleted): its positions
          // are shifted where they are, and the model that shares them stays valid.
          shiftEntry(entry, to.line - entry.start.line);
          this.stats.shifted++;
        } else {
          entry = moveEntry(entry, to);
          this.stats.moved++;
        }
      } else this.stats.reused++;
      // The previous state is not used again: its items are updated in place (and drop any
      // node of the previous, deleted tree). update() forgets every state if it fails.
      item.entry = entry;
      item.startIndex = s;
      item.endIndex = E[i];
      item.node = undefined;
      if (inPlace) items[k++] = item;
      else items.push(item);
    }
    if (!inPlace) while (j < fresh.length) items.push(fresh[j++]);

    const marks: ErrorMark[] = [];
    // Kept marks by span (counted: an ERROR may nest in an ERROR of the same span).
    const kept_ = new Map<string, number>();
    for (const m of oldMarks) {
      if (m.dirty || touches(dirty, m.s, m.e)) continue;
      // tree-sitter's changed ranges can miss an error recovery that changed: check the node.
      if (!errorAt(src.tree, m.s, m.e)) continue;
      // Unmoved offsets after an edit may still be on other lines (a character became a newline).
      marks.push(m.e < firstEdit ? m.mark : { startIndex: m.s, endIndex: m.e, range: lines.range(m.s, m.e) });
      const k = `${m.s}:${m.e}`;
      kept_.set(k, (kept_.get(k) ?? 0) + 1);
    }
    const seenNodes = new Set<number>();
    for (const x of found.marks) {
      if (seenNodes.has(x.id)) continue;
      seenNodes.add(x.id);
      const k = `${x.startIndex}:${x.endIndex}`;
      const c = kept_.get(k);
      if (c) { kept_.set(k, c - 1); continue; }
      marks.push({ startIndex: x.startIndex, endIndex: x.endIndex, range: lines.range(x.startIndex, x.endIndex) });
    }
    marks.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    this.stats.items += items.length;
    const sameMarks = marks.length === prev.marks.length && marks.every((m, i) => m === prev.marks[i]);
    const text = textOf(src);
    const placeholder = replaced.some((it) => prev.text.slice(it.startIndex, it.endIndex).includes('@@'))
      || fresh.some((it) => text.slice(it.startIndex, it.endIndex).includes('@@'));
    const removed: Entry[] = [];
    for (const it of replaced) if (it.entry) removed.push(it.entry);
    const delta: Delta | undefined = removed.length < replaced.length ? undefined : { removed, added: fresh, sameMarks, placeholder };
    return { text, tree: src.tree, version: src.version, items, marks, delta };
  }

  /** The item at [startIndex, endIndex): a cached entry with the same text, or extracted from its node. */
  private itemAt(src: ParsedSource, type: string, startIndex: number, endIndex: number, node: () => SyntaxNode, reuse: Reuse): Item {
    const lines = src.lines!;
    let old = reuse.kin?.unchanged ? reuse.takeKin(textOf(src), startIndex, endIndex) : reuse.take(textOf(src).slice(startIndex, endIndex));
    // Same text is not always the same tree where syntax errors are involved (recovery
    // depends on the context): items with errors, before or now, are read again.
    if (old && (old.type !== type || old.errors.length || old.unreadable.length || (!reuse.clean && node().hasError))) old = undefined;
    const item: Item = { entry: undefined, startIndex, endIndex, node: undefined };
    if (old && reuse.kin) {
      // Another file's entry: items that need no scope are taken now, the others when the
      // scope is known (fill()).
      if (SCOPED_TYPES.has(type)) item.kin = old;
      else {
        item.entry = moveEntry(old, lines.positionAt(startIndex), { from: reuse.kin.path, to: src.path }, false);
        this.stats.kin++;
      }
    } else if (old) {
      const start = lines.positionAt(startIndex);
      if (start.line === old.start.line && start.character === old.start.character) {
        item.entry = old;
        this.stats.reused++;
      } else if (this.detach && start.character === old.start.character) {
        // The same text, whole lines away (see collectChanged): shifted in place.
        shiftEntry(old, start.line - old.start.line);
        item.entry = old;
        this.stats.shifted++;
      } else {
        item.entry = moveEntry(old, start);
        this.stats.moved++;
      }
    } else {
      item.node = node();
      // Items that need no scope are read now (they make the scope).
      if (!SCOPED_TYPES.has(type)) item.entry = this.newEntry(item.node, src, EMPTY_SCOPE);
    }
    return item;
  }

  /** Extracts the items collect() left without facts (they need the module's scope). */
  private fill(src: ParsedSource, state: FileState, scope: ValueScope, kin?: KinFile): void {
    const agree = kin && lookupsAgree(kin, scope);
    for (const it of state.items) {
      if (it.entry) continue;
      if (it.kin && agree && agree(it.kin.reads)) {
        const withBody = !!it.kin.body && agree(it.kin.bodyReads);
        it.entry = moveEntry(it.kin, src.lines!.positionAt(it.startIndex), { from: kin.path, to: src.path }, withBody);
        this.stats.kin++;
      } else it.entry = this.newEntry(it.node ?? nodeOf(state.tree, it), src, scope, kin);
      it.kin = undefined;
    }
  }

  private newEntry(node: SyntaxNode, src: ParsedSource, scope: ValueScope, kin?: KinFile): Entry {
    const lines = src.lines!;
    const type = node.type;
    const errors: Range[] = [];
    if (node.hasError) {
      for (const e of node.descendantsOfType('ERROR')) {
        if (e) errors.push(lines.range(e.startIndex, e.endIndex));
        if (errors.length >= MAX_ERRORS) break;
      }
    }
    const found = node.hasError ? errorRanges(node, lines) : [];
    if (!ITEM_TYPES.has(type)) return makeEntry(type, lines.positionAt(node.startIndex), {}, errors, found);
    this.stats.extracted++;
    const reads = scope === EMPTY_SCOPE ? undefined : new Set<string>();
    // One-shot extraction records the klp_func entries it reads (a later version of the file
    // may take them) and takes those of the kin file where the text and lookups agree.
    const records: FuncRecord[] = [];
    let funcReuse: FuncEntryReuse | undefined;
    if (!this.detach && reads && type === 'declaration') {
      const entry = { } as Entry;
      const record = (text: string, startIndex: number, e: KlpFunc) => records.push({ text, start: lines.positionAt(startIndex), entry: e, owner: entry });
      const agree = kin && lookupsAgree(kin, scope);
      const owners = new Set<Entry>();
      funcReuse = {
        read: record,
        take: (text, startIndex) => {
          const r = agree && kinFuncs(kin).get(text)?.find((x) => agree(x.owner.reads));
          if (!r) return undefined;
          const e = moveFact(r.entry, r.start, lines.positionAt(startIndex), kin!.path, src.path);
          if (!owners.has(r.owner)) {
            owners.add(r.owner);
            for (const n of r.owner.reads ?? []) reads.add(n);
          }
          record(text, startIndex, e);
          this.stats.kin++;
          return e;
        },
      };
      const facts = extractItem(node, src, { macros: scope.macros, params: scope.params, reads }, funcReuse);
      const unreadable = facts.recovered ? found.filter((r) => !facts.recovered!.some((x) => sameRange(x, r))) : found;
      Object.assign(entry, makeEntry(type, lines.positionAt(node.startIndex), facts, errors, unreadable));
      if (reads.size) entry.reads = [...reads];
      if (records.length) entry.funcEntries = records;
      return entry;
    }
    const facts = extractItem(node, src, reads ? { macros: scope.macros, params: scope.params, reads } : scope);
    // Errors the extractor read around are not unreadable.
    const unreadable = facts.recovered ? found.filter((r) => !facts.recovered!.some((x) => sameRange(x, r))) : found;
    const entry = makeEntry(type, lines.positionAt(node.startIndex), this.detach ? copyDeep(facts) : facts, errors, unreadable);
    if (reads?.size) entry.reads = [...reads];
    return entry;
  }

  private bodyOf(entry: Entry, item: Item, src: ParsedSource, state: FileState, scope: ValueScope): BodyFacts | undefined {
    if (entry.body) return entry.body;
    const fn = entry.facts.functions?.[0];
    const node = item.node ?? nodeOf(state.tree, item);
    const body = node.childForFieldName('body');
    if (!fn || !body) return undefined;
    this.stats.bodies++;
    const reads = new Set<string>();
    const facts = extractBody(fn, body, src, { macros: scope.macros, params: scope.params, reads });
    entry.body = this.detach ? copyDeep(facts) : facts;
    entry.bodyReads = reads.size ? [...reads] : undefined;
    return entry.body;
  }

  /** The model from the items' facts, in file and source order (as a fresh extraction). */
  private assemble(model: ModuleModel, files: ParsedSource[], states: FileState[], scope: ValueScope): void {
    const g = gather(files, states);
    for (const state of states) this.stats.assembled += state.items.length;
    this.build(model, files, states, scope, g);
  }

  /**
   * The model from what gather() found and the body facts of the functions an analysis can
   * ask about. PATCH: the last model, whose function table, globals, syntax errors and
   * unreadable regions are kept (the table updated in place for the names in PATCH.names).
   */
  private build(model: ModuleModel, files: ParsedSource[], states: FileState[], scope: ValueScope, g: Gathered, patch?: { last: ModuleModel; names: Set<string> }): void {
    const { macros } = scope;
    const { perFile, where, macroMarkStarts } = g;
    model.macros = macros;
    const calls = perFile.map(() => ({
      shadowCalls: [] as BodyFacts['shadowCalls'], stateCalls: [] as BodyFacts['stateCalls'],
      enableCalls: [] as BodyFacts['enableCalls'], fieldAssignments: [] as BodyFacts['fieldAssignments'],
    }));

    // Body facts for the functions an analysis can ask about (see CFunction.hasBodyFacts).
    const queue: string[] = [];
    const want = (n: string | undefined) => { if (n && where.has(n)) queue.push(n); };
    for (const [n, defs] of where) if (defs.some((d) => d.entry.facts.mentionsKlp)) want(n);
    for (const acc of perFile) {
      for (const a of acc.objArrays) for (const o of a.entries) for (const k of ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch'] as const) want(o.callbacks[k]);
      for (const a of acc.stateArrays) for (const st of a.entries) for (const k of ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch', 'shadow_dtor'] as const) want(st.callbacks[k]);
      for (const a of acc.funcArrays) for (const x of a.entries) want(x.newFunc);
      for (const u of acc.macroUses) if (/^(module_init|module_exit|late_initcall|device_initcall)$/.test(u.name)) want(u.args[0]);
    }
    const withBody = new Map<CFunction, CFunction>();
    const done = new Set<string>();
    while (queue.length) {
      const n = queue.pop()!;
      if (done.has(n)) continue;
      done.add(n);
      for (const d of where.get(n) ?? []) {
        const b = this.bodyOf(d.entry, d.item, files[d.file], states[d.file], scope);
        if (!b) continue;
        const sig = d.entry.facts.functions![0];
        // The same signature and body facts give the same object as in the last model.
        let made = withBodyCache.get(sig);
        if (made?.body !== b) {
          const full: CFunction = { ...sig, calls: b.calls, returns: b.returns, globalWrites: b.globalWrites, staticLocals: b.staticLocals, hasBodyFacts: true };
          if (b.finalReturn) full.finalReturn = b.finalReturn;
          withBodyCache.set(sig, (made = { body: b, full }));
        }
        withBody.set(sig, made.full);
        const out = calls[d.file];
        out.shadowCalls.push(...b.shadowCalls);
        out.stateCalls.push(...b.stateCalls);
        out.enableCalls.push(...b.enableCalls);
        out.fieldAssignments.push(...b.fieldAssignments);
        for (const c of b.calls) want(c.callee);
        for (const sc of b.shadowCalls) { want(sc.ctor); want(sc.dtor); }
      }
    }

    // Calls in source order (bodies were read in the order the analysis asked for them).
    const bySource = (a: { range: Range }, b: { range: Range }) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
    for (const acc of calls) {
      acc.shadowCalls.sort(bySource);
      acc.stateCalls.sort(bySource);
    }
    if (patch) {
      // Only the named functions can have changed: each takes its winning declaration (the
      // first definition, with its body facts, else the first prototype, as below).
      const table = patch.last.functions;
      for (const n of [...patch.names, ...done, ...(this.last?.withBodies ?? [])]) {
        const defs = where.get(n);
        if (defs?.length) {
          const sig = defs[0].entry.facts.functions![0];
          table[n] = withBody.get(sig) ?? sig;
        } else {
          let best: CFunction | undefined;
          for (const acc of perFile) for (const fn of acc.functions) if (fn.name === n && (!best || (best.isPrototype && !fn.isPrototype))) best = fn;
          if (best) table[n] = best;
        }
      }
      model.functions = table;
      model.globals = patch.last.globals;
      model.syntaxErrors = patch.last.syntaxErrors;
      // (The same regions; the text of their lines may have changed beside them.)
      model.unreadable = patch.last.unreadable.map((u) => {
        if (u.kind !== 'syntax') return u;
        const lines = files.find((f) => f.path === u.file)?.lines;
        const text = lines ? unreadableText(lines, u.range) : u.text;
        return text === u.text ? u : { ...u, text };
      });
    }
    perFile.forEach((acc, i) => {
      for (const p of acc.patches) model.patches.push({ ...p, replace: { ...p.replace, assignments: [] }, enableCalls: [] });
      model.funcArrays.push(...acc.funcArrays);
      model.objArrays.push(...acc.objArrays);
      model.stateArrays.push(...acc.stateArrays);
      for (const p of acc.params) model.params.push({ ...p });
      model.shadowCalls.push(...calls[i].shadowCalls);
      model.stateCalls.push(...calls[i].stateCalls);
      for (const inc of acc.includes) model.includes.push({ ...inc });
      if (!patch) {
        model.syntaxErrors.push(...syntaxErrorsOf(states[i]).map((range) => ({ file: files[i].path, range })));
        const read = macroMarkStarts[i];
        const inRead = (r: Range) => read.some((x) => !isBefore(r.start, x.start) && !isBefore(x.end, r.end));
        model.unreadable.push(...unreadableOf(files[i], unreadableRangesOf(states[i]).filter((r) => !inRead(r))));
        for (const sig of acc.functions) {
          const fn = withBody.get(sig) ?? sig;
          const prev = model.functions[fn.name];
          if (!prev || (prev.isPrototype && !fn.isPrototype)) model.functions[fn.name] = fn;
        }
        for (const g of acc.globals) {
          if (!model.globals[g.name] || g.initText !== undefined) model.globals[g.name] = modelGlobal(g);
        }
      }
      for (const u of acc.macroUses) {
        const kind = MODULE_MACROS[u.name];
        if (!kind) continue;
        const use = { file: u.file, range: u.range, args: u.args };
        if (kind === 'info') model.moduleInfo.push(use);
        else if (kind === 'license') model.license ??= use;
        else if (kind === 'init') model.moduleInit ??= use;
        else model.moduleExit ??= use;
      }
    });

    // Module parameters: initial values from the variables' initializers.
    for (const p of model.params) {
      for (const acc of perFile) {
        const g = acc.globals.find((x) => x.name === p.name && x.initText !== undefined);
        if (g) p.initial = evalMacroText(g.initText!, { macros, params: new Set() });
      }
    }

    // Patches: attach klp_enable_patch() calls and run-time field assignments to the
    // definition (a forward declaration and the definition share the name).
    const byName = new Map<string, ModuleModel['patches'][number]>();
    for (const p of model.patches) if (!p.declarationOnly || !byName.has(p.name)) byName.set(p.name, p);
    calls.forEach((out, i) => {
      for (const c of out.enableCalls) {
        const p = byName.get(c.variable);
        if (p) p.enableCalls.push({ range: c.range, inFunction: c.inFunction, resultReturned: c.resultReturned });
        else model.runtimeEnables.push({ file: files[i].path, range: c.range, inFunction: c.inFunction, argText: c.variable });
      }
      for (const a of out.fieldAssignments) {
        const p = byName.get(a.variable);
        if (!p) continue;
        if (a.field === 'replace') p.replace.assignments.push({ value: a.value, range: a.range, inFunction: a.inFunction });
        // A patch declared without initializer and filled in at run time: what is assigned.
        if (p.declarationOnly && (a.field === 'objs' || a.field === 'states' || a.field === 'mod')) {
          (p.runtimeFields ??= []).push({ field: a.field, value: a.value, range: a.range, inFunction: a.inFunction });
          const ref = a.value.kind === 'ident' || a.value.kind === 'address' ? a.value.name : undefined;
          if (a.field === 'objs' && ref && !p.objsRef) p.objsRef = ref;
          if (a.field === 'states' && ref && !p.statesRef) p.statesRef = ref;
        }
      }
    });
    model.isLivepatch = model.patches.some((p) => p.enableCalls.length > 0);
    model.apiLevel = model.stateArrays.some((a) => a.entries.some((s) => s.fields.some((f) => f.field === 'callbacks' || f.field === 'is_shadow' || f.field === 'block_disable')))
      ? 'state-callbacks'
      : 'upstream';

    // Includes: resolved when the included file is one of the module's sources.
    for (const inc of model.includes) {
      const dir = inc.file.replace(/[^/\\]*$/, '');
      const want = normalize(dir + inc.spec);
      inc.resolved = files.find((f) => normalize(f.path) === want)?.path;
    }
    this.last = { model, files: model.files.join('\n'), withBodies: done, gathered: g };
  }

  /**
   * The model for this update built from the last one, when the update only replaced
   * function definitions or prototypes by ones of the same names (an edit inside a body or
   * a signature, the common keystroke) and items without facts, moving nothing: what the
   * items contribute (gather()) is patched for the replaced functions instead of read from
   * every item again, the function table is updated in place for those names and the
   * functions with body facts, and the globals, syntax errors and unreadable regions are the
   * last model's. No item is visited but the replaced ones. Undefined when the whole model
   * must be assembled.
   *
   * The last model's `functions` table is shared with the new one and updated in place:
   * callers use the newest model (the language server replaces the previous one).
   */
  private assembleChanged(model: ModuleModel, files: ParsedSource[], states: FileState[], scope: ValueScope): boolean {
    const last = this.last;
    if (!last || this.stats.moved || last.files !== files.map((f) => f.path).join('\n')) return false;
    const swaps: { file: number; old: Entry; now: Entry; item: Item }[] = [];
    for (let file = 0; file < states.length; file++) {
      const d = states[file].delta;
      if (!d || !d.sameMarks || d.placeholder || d.removed.length !== d.added.length) return false;
      // (An entry handed from one replaced item to another, same text elsewhere: assembled whole.)
      const removed = new Set(d.removed);
      for (let i = 0; i < d.removed.length; i++) {
        const old = d.removed[i];
        const item = d.added[i];
        const now = item.entry;
        if (!now || now.type !== old.type || now.kinds !== old.kinds || (old.kinds & ~(K_FUNCTIONS | K_DEFINITION))) return false;
        if (old.errors.length || old.unreadable.length || now.errors.length || now.unreadable.length) return false;
        if (now !== old && removed.has(now)) return false;
        if (!(old.kinds & K_FUNCTIONS)) continue;
        const a = old.facts.functions!;
        const b = now.facts.functions!;
        if (a.length !== b.length) return false;
        for (let k = 0; k < a.length; k++) if (a[k].name !== b[k].name || a[k].isPrototype !== b[k].isPrototype) return false;
        swaps.push({ file, old, now, item });
      }
    }
    // What the items contribute, patched: the replaced declarations take their places.
    const g = last.gathered;
    const names = new Set<string>();
    for (const { file, old, now, item } of swaps) {
      const list = g.perFile[file].functions;
      const a = old.facts.functions!;
      const b = now.facts.functions!;
      for (let k = 0; k < a.length && old !== now; k++) {
        const at = list.indexOf(a[k]);
        if (at < 0) return false;
        list[at] = b[k];
        names.add(b[k].name);
      }
      // The definition's item is the new one (even with the same entry: its node is looked up by the item's offsets).
      if (old.kinds & K_DEFINITION) {
        const def = g.where.get(a[0].name)?.find((x) => x.entry === old);
        if (!def) return false;
        def.entry = now;
        def.item = item;
      }
    }
    this.build(model, files, states, scope, g, { last: last.model, names });
    return true;
  }
}

/** A definition of a function: its entry, its item and its file (index). */
interface Def { entry: Entry; item: Item; file: number }

/** What one file's items contribute to the model, by kind, in source order. */
interface FileFacts {
  functions: CFunction[];
  globals: GlobalFact[];
  patches: KlpPatch[];
  funcArrays: ModuleModel['funcArrays'];
  objArrays: ModuleModel['objArrays'];
  stateArrays: ModuleModel['stateArrays'];
  params: ModuleModel['params'];
  includes: ModuleModel['includes'];
  macroUses: NonNullable<ItemFacts['macroUses']>;
}

/** What the items of every file contribute (gather()): kept with the last model, patched by assembleChanged(). */
interface Gathered {
  perFile: FileFacts[];
  /** The definitions of each function name, in file and source order. */
  where: Map<string, Def[]>;
  /** Per file: the ERROR regions read as module macro lines. */
  macroMarkStarts: Range[][];
}

/** One pass over the items: what each file contributes, by kind, in source order. */
function gather(files: ParsedSource[], states: FileState[]): Gathered {
  const where = new Map<string, Def[]>();
  const perFile = states.map((state, file) => {
    const acc: FileFacts = {
      functions: [], globals: [], patches: [], funcArrays: [], objArrays: [], stateArrays: [], params: [], includes: [], macroUses: [],
    };
    for (const item of state.items) {
      const entry = item.entry!;
      const k = entry.kinds;
      if (!k) continue;
      const f = entry.facts;
      if (k & K_FUNCTIONS) {
        const fns = f.functions!;
        if (fns.length === 1) acc.functions.push(fns[0]);
        else for (const fn of fns) acc.functions.push(fn);
        if (k & K_DEFINITION) {
          const name = fns[0].name;
          const list = where.get(name);
          if (list) list.push({ entry, item, file });
          else where.set(name, [{ entry, item, file }]);
        }
      }
      if (k & K_GLOBALS) for (const g of f.globals!) acc.globals.push(g);
      if (k & K_TABLES) {
        if (f.patches) for (const p of f.patches) acc.patches.push(p);
        if (f.funcArrays) for (const x of f.funcArrays) acc.funcArrays.push(x);
        if (f.objArrays) for (const x of f.objArrays) acc.objArrays.push(x);
        if (f.stateArrays) for (const x of f.stateArrays) acc.stateArrays.push(x);
      }
      if (k & K_PARAMS) for (const x of f.params!) acc.params.push(x);
      if (k & K_INCLUDE) acc.includes.push(f.include!);
      if (k & K_MACRO_USES) for (const x of f.macroUses!) acc.macroUses.push(x);
    }
    return acc;
  });

  // `module_init(fn)` written without its semicolon (it expands to declarations that need
  // none): the grammar makes an ERROR of such lines; they are read as the macro calls they are.
  const macroMarkStarts = states.map((state, i) => {
    const spans: Range[] = [];
    for (const mk of state.marks) {
      if (!macroLinesOnly(textOf(files[i]).slice(mk.startIndex, mk.endIndex))) continue;
      for (const u of macroUsesIn(files[i], mk)) perFile[i].macroUses.push(u);
      spans.push(mk.range);
    }
    return spans;
  });
  return { perFile, where, macroMarkStarts };
}

const EMPTY_SCOPE: ValueScope = { macros: {}, params: new Set() };

/** The module-level macro calls the model records, by name. */
const MODULE_MACROS: Record<string, 'info' | 'license' | 'init' | 'exit' | undefined> = Object.assign(Object.create(null), {
  MODULE_INFO: 'info', MODULE_LICENSE: 'license', module_init: 'init', late_initcall: 'init', device_initcall: 'init', module_exit: 'exit',
});

/** A function with its body facts, per signature (cached: an unchanged function gives the same object from update to update). */
const withBodyCache = new WeakMap<CFunction, { body: BodyFacts; full: CFunction }>();

/** The model's view of a global (cached per fact: an unchanged item gives the same object, as its functions do). */
const globalsCache = new WeakMap<GlobalFact, ModuleModel['globals'][string]>();
function modelGlobal(g: GlobalFact): ModuleModel['globals'][string] {
  let m = globalsCache.get(g);
  if (!m) globalsCache.set(g, (m = { name: g.name, type: g.type, isStatic: g.isStatic, file: g.file, range: g.range, ...(g.isExtern ? { isExtern: true } : {}) }));
  return m;
}
/** Item types whose facts read values (macros, parameters): extracted once the scope is known. */
const SCOPED_TYPES = new Set(['declaration', 'function_definition']);
/** The kernel keeps the first 20 syntax errors per file, so does the model. */
const MAX_ERRORS = 20;

/** Syntax errors of a file in tree order: ERROR containers and the items' own errors. */
function syntaxErrorsOf(state: FileState): Range[] {
  const out: Range[] = [];
  let m = 0;
  for (let i = 0; i <= state.items.length && out.length < MAX_ERRORS; i++) {
    const item = state.items[i];
    while (m < state.marks.length && (!item || state.marks[m].startIndex <= item.startIndex)) out.push(state.marks[m++].range);
    const e = item?.entry?.errors;
    if (e) for (const r of e) out.push(r);
  }
  return out.slice(0, MAX_ERRORS);
}

/** ERROR and MISSING nodes under NODE (not inside an ERROR), in tree order; at most MAX_ERRORS. */
function errorRanges(node: SyntaxNode, lines: LineIndex): Range[] {
  const out: Range[] = [];
  const cursor = node.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend && cursor.gotoFirstChild()) { /* down */ } else if (cursor.gotoNextSibling()) { /* across */ } else {
        let up = false;
        while (cursor.gotoParent()) {
          if (cursor.currentNode.id === node.id) break;
          if (cursor.gotoNextSibling()) { up = true; break; }
        }
        if (!up) break;
      }
      const n = cursor.currentNode;
      descend = true;
      if (n.type === 'ERROR' || n.isMissing) {
        // A MISSING token has no width: report the position where it is missing.
        out.push(lines.range(n.startIndex, n.isMissing ? n.startIndex : n.endIndex));
        descend = false;
        if (out.length >= MAX_ERRORS) break;
      } else if (!n.hasError) descend = false;
    }
  } finally {
    cursor.delete();
  }
  if (node.type === 'ERROR' && !out.length) out.push(lines.range(node.startIndex, node.endIndex));
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

const MODULE_MACRO_LINE = /^(module_init|module_exit|late_initcall|device_initcall|MODULE_[A-Z_]+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*;?$/;

/** Whether TEXT is only module macro calls, one per line (possibly without semicolons). */
function macroLinesOnly(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 && lines.length <= 50 && lines.every((l) => MODULE_MACRO_LINE.test(l));
}

/** The module macro calls of an ERROR region made only of them. */
function macroUsesIn(src: ParsedSource, mark: ErrorMark): (MacroUse & { name: string })[] {
  const out: (MacroUse & { name: string })[] = [];
  let offset = mark.startIndex;
  for (const raw of textOf(src).slice(mark.startIndex, mark.endIndex).split('\n')) {
    const lead = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const m = MODULE_MACRO_LINE.exec(line);
    if (m) {
      const args = m[2].split(',').map((a) => a.trim()).map((a) => (/^".*"$/.test(a) ? a.slice(1, -1) : a));
      out.push({ file: src.path, range: src.lines!.range(offset + lead, offset + lead + line.length), args, name: m[1] });
    }
    offset += raw.length + 1;
  }
  return out;
}

/** What readers of a file's text slice: its pieces when it has them (no whole-text copy). */
function textOf(src: ParsedSource): SourceText {
  return src.source ?? src.text;
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Longest text shown for an unreadable region. */
const UNREADABLE_TEXT = 60;

/** What an unreadable region shows: its first line, trimmed and cut. */
function unreadableText(lines: LineIndex, r: Range): string {
  const t = lines.lineText(r.start.line).trim();
  return t.length > UNREADABLE_TEXT ? t.slice(0, UNREADABLE_TEXT) + '…' : t;
}

/** What could not be read in a file: its syntax errors and its template placeholders, in source order. */
function unreadableOf(src: ParsedSource, errors: Range[]): Unreadable[] {
  const lines = src.lines!;
  const out: Unreadable[] = errors.map((range) => ({ file: src.path, range, kind: 'syntax' as const, text: unreadableText(lines, range) }));
  // (Placeholders are rare: the whole text is built only when the file has one.)
  if (textOf(src).includes('@@')) {
    const re = new RegExp(PLACEHOLDER_RE.source, 'g');
    for (let m = re.exec(src.text); m && out.length < 2 * MAX_ERRORS; m = re.exec(src.text)) {
      out.push({ file: src.path, range: lines.range(m.index, m.index + m[0].length), kind: 'placeholder', text: m[0] });
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** What could not be read in a file, in tree order: ERROR containers and the items' own unreadable ranges. */
function unreadableRangesOf(state: FileState): Range[] {
  const out: Range[] = [];
  let m = 0;
  for (let i = 0; i <= state.items.length && out.length < MAX_ERRORS; i++) {
    const item = state.items[i];
    while (m < state.marks.length && (!item || state.marks[m].startIndex <= item.startIndex)) out.push(state.marks[m++].range);
    const e = item?.entry?.unreadable;
    if (e) for (const r of e) out.push(r);
  }
  return out.slice(0, MAX_ERRORS);
}

/** Cached entries of replaced items, by text (an item whose text did not change keeps its facts). */
class Reuse {
  private byKey: Map<string, Entry[]> | undefined;

  /** Whether the new tree has no syntax error at all (no item needs asking). */
  clean = false;

  /** KIN: the entries are another file's (KinFile). */
  constructor(private readonly prev: FileState | undefined, private readonly items: Item[], readonly kin?: KinFile) {}

  take(key: string): Entry | undefined {
    if (!this.prev || !this.items.length) return undefined;
    this.byKey ??= this.byText(() => true);
    return this.byKey.get(key)?.shift();
  }

  private byStart: Map<number, Item> | undefined;

  /**
   * take() for a kin file whose unchanged stretches are known (KinFile.unchanged): an item
   * there is the kin item at the same text's offset, its text compared as a check (the diff
   * was of prepared lines); elsewhere, by text among the kin items outside those stretches.
   */
  takeKin(text: SourceText, s: number, e: number): Entry | undefined {
    const kin = this.kin!;
    const unchanged = kin.unchanged!;
    const prevText = this.prev!.text;
    const at = unchanged.here(s, e);
    if (at !== undefined) {
      if (!this.byStart) {
        this.byStart = new Map();
        for (const it of this.items) if (it.entry) this.byStart.set(it.startIndex, it);
      }
      const it = this.byStart.get(at);
      if (!it || it.endIndex - it.startIndex !== e - s || prevText.slice(at, at + e - s) !== text.slice(s, e)) return undefined;
      this.byStart.delete(at);
      return it.entry;
    }
    this.byKey ??= this.byText((it) => !unchanged.kept(it.startIndex, it.endIndex));
    return this.byKey.get(text.slice(s, e))?.shift();
  }

  /** The entries of the items WANTED picks, by their text (in source order per text). */
  private byText(wanted: (it: Item) => boolean): Map<string, Entry[]> {
    const out = new Map<string, Entry[]>();
    for (const it of this.items) {
      if (!it.entry || !wanted(it)) continue;
      const k = this.prev!.text.slice(it.startIndex, it.endIndex);
      const list = out.get(k);
      if (list) list.push(it.entry);
      else out.set(k, [it.entry]);
    }
    return out;
  }
}

function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.map((x) => ({ s: x.s, e: x.e })).sort((a, b) => a.s - b.s);
  const out: Span[] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x.s <= last.e) last.e = Math.max(last.e, x.e);
    else out.push(x);
  }
  return out;
}

function sameSpans(a: Span[], b: Span[]): boolean {
  return a.length === b.length && a.every((x, i) => x.s === b[i].s && x.e === b[i].e);
}

/** Whether [s, e] touches one of the (merged, sorted) spans. */
function touches(spans: Span[], s: number, e: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].e < s) lo = mid + 1;
    else if (spans[mid].s > e) hi = mid - 1;
    else return true;
  }
  return false;
}

interface Found {
  items: SyntaxNode[];
  marks: SyntaxNode[];
}

/** The top-level items (and ERROR containers) of TREE touching the spans, in source order. */
function walkSpans(tree: Tree, spans: Span[]): Found {
  const found: Found = { items: [], marks: [] };
  const seen = new Set<string>();
  const visit = (parent: SyntaxNode, depth: number, sp: Span) => {
    for (let n = parent.firstChildForIndex(Math.max(0, sp.s - 1)); n && n.startIndex <= sp.e; n = n.nextSibling) {
      if (!n.isNamed) continue;
      if (depth < CONTAINER_DEPTH && CONTAINER_TYPES.has(n.type)) {
        if (n.type === 'ERROR') found.marks.push(n);
        visit(n, depth + 1, sp);
      } else if (!seen.has(`${n.startIndex}:${n.endIndex}`)) {
        seen.add(`${n.startIndex}:${n.endIndex}`);
        found.items.push(n);
      }
    }
  };
  const root = tree.rootNode;
  for (const sp of spans) visit(root, 0, sp);
  found.items.sort((a, b) => a.startIndex - b.startIndex);
  return found;
}

/**
 * The module's macros (first definition wins) and parameter names, and a key that changes
 * whenever they do. The macros are fresh objects (their values are filled per update).
 */
function scopeOf(states: FileState[]): { macros: Record<string, MacroDef>; params: Set<string>; key: string } {
  const macros: Record<string, MacroDef> = {};
  const params = new Set<string>();
  const parts: string[] = [];
  for (const s of states) {
    for (const it of s.items) {
      if (!it.entry || !(it.entry.kinds & K_SCOPE)) continue;
      const f = it.entry.facts;
      if (f.macro && !macros[f.macro.name]) {
        const { value: _value, ...m } = f.macro;
        void _value;
        macros[m.name] = m;
        parts.push(m.name, m.params ? m.params.join(',') : '\u0003', m.body);
      }
      if (f.paramName !== undefined) params.add(f.paramName);
    }
  }
  parts.push('\u0004', ...[...params].sort());
  return { macros, params, key: parts.join('\u0001') };
}

/** A column past the end of any line, kept within V8's small integers. */
const END_OF_LINE = 0x3fffffff;

/** Whether position P of LINES is offset S (P's column within its line). */
function isAt(lines: LineIndex, p: Position, s: number): boolean {
  const lineStart = lines.offsetAt({ line: p.line, character: 0 });
  // The end of the line as a small integer: one double here would make V8 box the column of
  // every position object in the process (the literal shares their hidden class).
  return lineStart + p.character === s && s <= lines.offsetAt({ line: p.line, character: END_OF_LINE });
}

/** Whether TREE has an ERROR node spanning exactly [s, e). */
function errorAt(tree: Tree, s: number, e: number): boolean {
  let n: SyntaxNode | null = tree.rootNode.descendantForIndex(s, Math.max(s, e - 1));
  while (n && n.startIndex >= s && n.endIndex <= e) {
    if (n.type === 'ERROR' && n.startIndex === s && n.endIndex === e) return true;
    n = n.parent;
  }
  return false;
}

/** The node of an item in TREE (items kept from an earlier update hold no node). */
function nodeOf(tree: Tree, item: Item): SyntaxNode {
  let n: SyntaxNode | null = tree.rootNode.descendantForIndex(item.startIndex, Math.max(item.startIndex, item.endIndex - 1));
  while (n && !(n.startIndex === item.startIndex && n.endIndex === item.endIndex && SCOPED_TYPES.has(n.type))) n = n.parent;
  if (!n) throw new Error('item not found in its tree');
  return n;
}

/** Maps a position of text read at FROM to the same text now at TO (columns shift on its first line only). */
function mover(from: Position, to: Position): (p: Position) => Position {
  const dLine = to.line - from.line;
  const dChar = to.character - from.character;
  const firstLine = from.line;
  // A position that does not move is shared, not copied (positions are never written after extraction).
  if (dLine === 0) return (p) => (p.line === firstLine && dChar !== 0 ? { line: p.line, character: p.character + dChar } : p);
  return (p) => ({ line: p.line + dLine, character: p.line === firstLine ? p.character + dChar : p.character });
}

/**
 * A copy of ENTRY for an item now starting at START: positions moved. PATH: the entry is a
 * kin file's (KinFile), its path replaced. WITH_BODY false: its body facts are left to be read
 * again when asked for (a kin entry whose body lookups the new scope answers otherwise).
 */
function moveEntry(e: Entry, start: Position, path?: { from: string; to: string }, withBody = true): Entry {
  const move = mover(e.start, start);
  const range = (r: Range): Range => {
    const start = move(r.start);
    const end = move(r.end);
    return start === r.start && end === r.end ? r : { start, end };
  };
  const relink = path && path.from !== path.to ? path : undefined;
  const f = e.facts;
  let facts: ItemFacts = f;
  const fn = signatureOnly(f);
  if (fn === null) facts = f;
  else if (fn && (!relink || fn.file === relink.from)) {
    // The common case: a function definition or prototype (signature only; body facts are separate).
    facts = { ...f, functions: [{ ...fn, file: relink ? relink.to : fn.file, range: range(fn.range), nameRange: range(fn.nameRange), bodyRange: fn.bodyRange && range(fn.bodyRange) }] };
  } else if (f.globals && factCount(f) === 1 && (!relink || f.globals.every((g) => g.file === relink.from))) {
    facts = { globals: f.globals.map((g) => ({ ...g, file: relink ? relink.to : g.file, range: range(g.range) })) };
  } else facts = copyDeep(f, false, move, relink);
  const body = withBody && e.body ? copyDeep(e.body, false, move, relink) : undefined;
  const out: Entry = {
    type: e.type, start, facts, errors: e.errors.length ? e.errors.map(range) : e.errors, unreadable: e.unreadable.length ? e.unreadable.map(range) : e.unreadable,
    body, kinds: e.kinds, reads: e.reads, bodyReads: body ? e.bodyReads : undefined, funcEntries: undefined,
  };
  if (e.funcEntries) out.funcEntries = e.funcEntries.map((r) => ({ text: r.text, start: move(r.start), entry: copyDeep(r.entry, false, move, relink), owner: out }));
  return out;
}

/** How many kinds of facts F holds. */
function factCount(f: ItemFacts): number {
  let n = 0;
  for (const k in f) if (f[k as keyof ItemFacts] !== undefined) n++;
  return n;
}

/**
 * The facts of the commonest item, a function definition or prototype whose body facts are
 * kept apart: its one signature (whose positions are its range, name and body ranges).
 * Null: facts with nothing in them; undefined: any other facts.
 */
function signatureOnly(f: ItemFacts): CFunction | null | undefined {
  const only = factCount(f);
  if (only === 0) return null;
  const fns = f.functions;
  return fns && fns.length === 1 && !fns[0].calls.length && only <= 2 && (only === 1 || f.mentionsKlp !== undefined) ? fns[0] : undefined;
}

/**
 * Shifts every position of entry E (its facts, body facts, errors and records) by D_LINE
 * lines, in place. A position reachable twice (a range shared by two facts) is shifted once:
 * the positions are first marked (line -> -line - 1) as they are found, then shifted.
 * Positions are otherwise never written after extraction; this is for the entries of a
 * document's extractor, which share them with nothing but that extractor's models.
 */
function shiftEntry(e: Entry, dLine: number): void {
  const found: Position[] = [];
  const mark = (p: Position) => {
    if (p.line < 0) return;
    p.line = -p.line - 1;
    found.push(p);
  };
  const range = (r: Range | undefined) => {
    if (!r) return;
    mark(r.start);
    mark(r.end);
  };
  try {
    mark(e.start);
    const sig = signatureOnly(e.facts);
    if (sig) {
      range(sig.range);
      range(sig.nameRange);
      range(sig.bodyRange);
    } else if (sig === undefined) positionsIn(e.facts, mark);
    if (e.body) positionsIn(e.body, mark);
    for (const r of e.errors) range(r);
    for (const r of e.unreadable) range(r);
    for (const r of e.funcEntries ?? []) {
      mark(r.start);
      positionsIn(r.entry, mark);
    }
  } finally {
    for (const p of found) p.line = -p.line - 1 + dLine;
  }
}

/** Calls VISIT for every position ({line, character}) in plain extracted facts V. */
function positionsIn(v: unknown, visit: (p: Position) => void): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) positionsIn(x, visit);
    return;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.line === 'number' && typeof o.character === 'number') {
    visit(o as unknown as Position);
    return;
  }
  for (const k in o) positionsIn(o[k], visit);
}

/** The klp_func entries of a kin file by text. */
function kinFuncs(kin: KinFile): Map<string, FuncRecord[]> {
  if (!kin.funcs) {
    kin.funcs = new Map();
    for (const it of kin.state.items) {
      for (const r of it.entry?.funcEntries ?? []) {
        const list = kin.funcs.get(r.text);
        if (list) list.push(r);
        else kin.funcs.set(r.text, [r]);
      }
    }
  }
  return kin.funcs;
}

/** A copy of fact F read at FROM_START in file FROM, for the same text at START in file TO. */
function moveFact<T>(f: T, fromStart: Position, start: Position, from: string, to: string): T {
  return copyDeep(f, false, mover(fromStart, start), from === to ? undefined : { from, to });
}

/**
 * Whether the scope of KIN's module and SCOPE answer lookups of a list of names alike
 * (sameReads), remembered per name and per list: the items of a file share most names, and
 * an entry's list is shared by its moved copies.
 */
function lookupsAgree(kin: KinFile, scope: ValueScope): (names: string[] | undefined) => boolean {
  let memo = kin.agree;
  if (!memo || memo.scope !== scope) memo = kin.agree = { scope, names: new Map(), lists: new WeakMap() };
  const { names: byName, lists } = memo;
  return (names) => {
    if (!names) return true;
    let r = lists.get(names);
    if (r === undefined) {
      r = true;
      for (const n of names) {
        let same = byName.get(n);
        if (same === undefined) byName.set(n, (same = sameLookup(n, kin.scope, scope)));
        if (!same) { r = false; break; }
      }
      lists.set(names, r);
    }
    return r;
  };
}

/** Whether scopes A and B answer the lookups of NAMES alike (the same macro text and value, parameter or not). */
function sameReads(names: string[] | undefined, a: ValueScope, b: ValueScope): boolean {
  if (!names) return true;
  for (const n of names) if (!sameLookup(n, a, b)) return false;
  return true;
}

/** Whether scopes A and B answer a lookup of NAME alike. */
function sameLookup(n: string, a: ValueScope, b: ValueScope): boolean {
  if (a.params.has(n) !== b.params.has(n)) return false;
  const x = a.macros[n];
  const y = b.macros[n];
  if (x === y) return true;
  if (!x || !y || typeof x !== 'object' || typeof y !== 'object') return false;
  if (x.body !== y.body || (x.params?.join(',') ?? '\u0003') !== (y.params?.join(',') ?? '\u0003')) return false;
  return !!x.params || sameValue(x.value, y.value);
}

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A deep copy of plain extracted facts: strings copied out of the file text (STRINGS),
 * positions ({line, character}) passed through MOVE.
 */
function copyDeep<T>(v: T, strings = true, move?: (p: Position) => Position, path?: { from: string; to: string }): T {
  if (typeof v === 'string') return (path && v === path.from ? path.to : strings ? copyString(v) : v) as T;
  if (typeof v !== 'object' || v === null) return v;
  if (!strings) return shareDeep(v, move, path);
  if (Array.isArray(v)) return v.map((x) => copyDeep(x, strings, move, path)) as T;
  const o = v as Record<string, unknown>;
  if (typeof o.line === 'number' && typeof o.character === 'number') {
    return (move ? move(o as unknown as Position) : { line: o.line, character: o.character }) as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in o) out[k] = copyDeep(o[k], strings, move, path);
  return out as T;
}

/**
 * copyDeep without copying strings: what nothing in changes (no position moved, no path
 * replaced) is shared rather than copied, so that the facts of an item that moved carry
 * little new (a kin file's item: its positions and paths only).
 */
function shareDeep<T>(v: T, move?: (p: Position) => Position, path?: { from: string; to: string }): T {
  if (typeof v === 'string') return (path && v === path.from ? path.to : v) as T;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const c = shareDeep(v[i], move, path);
      if (out) out.push(c);
      else if (c !== v[i]) { out = v.slice(0, i); out.push(c); }
    }
    return (out ?? v) as T;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.line === 'number' && typeof o.character === 'number') return (move ? move(o as unknown as Position) : o) as T;
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const c = shareDeep(o[k], move, path);
    if (out) out[k] = c;
    else if (c !== o[k]) {
      out = {};
      for (const j in o) {
        if (j === k) break;
        out[j] = o[j];
      }
      out[k] = c;
    }
  }
  return (out ?? o) as T;
}
