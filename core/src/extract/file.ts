// Extraction from one top-level item of a parsed file (the extraction unit, cached by
// core/src/extract/incremental.ts): #defines, includes, struct klp_* tables, C functions,
// globals, module_param and the MODULE_* / module_init / module_exit macros; and, on
// demand, the body facts of one function. Never a whole-tree walk.
import type { SyntaxNode, Tree } from '../cparse/parser';
import type { DocumentStep } from '../cparse/document';
import type {
  BranchCondition, CallSite, CFunction, CParam, FieldInit, IncludeRef, KlpArray, KlpCallbackRefs, KlpFunc, KlpObject, KlpPatch,
  KlpState, MacroDef, MacroUse, ModuleParam, Range, ShadowCall, ShadowOp, StateCall, Value,
} from '../model';
import { LineIndex } from '../text';
import type { SourceText } from '../pieceText';
import { evalMacroText, evalNode, expandMacros, macroString, ValueScope } from './values';

/** A parsed file as extraction needs it. */
export interface ParsedSource {
  path: string;
  /** The whole text (for an edited document, built on first use: prefer `source` for slices). */
  text: string;
  /** The same text as pieces (CDocument): slices without building the whole string. */
  source?: SourceText;
  tree: Tree;
  lines?: LineIndex;
  /** An edited document (CDocument): its version and what changed since an earlier one. */
  version?: number;
  changesSince?(version: number): DocumentStep[] | undefined;
}

/** A global variable (the initializer as text: items keep no tree nodes). */
export interface GlobalFact {
  name: string;
  type: string;
  isStatic: boolean;
  /** An `extern` declaration: the variable is defined elsewhere. */
  isExtern?: boolean;
  file: string;
  range: Range;
  initText?: string;
}

/**
 * What one top-level item contributes to the model. `macro` and `paramName` need no
 * other item (the scope: read first); the rest may use the scope's values.
 */
export interface ItemFacts {
  macro?: MacroDef;
  /** The variable of a module_param* (scope: values that name it are parameters). */
  paramName?: string;
  include?: IncludeRef;
  functions?: CFunction[];
  /** A function definition: whether its body mentions `klp_` (livepatch API users get body facts). */
  mentionsKlp?: boolean;
  globals?: GlobalFact[];
  patches?: KlpPatch[];
  funcArrays?: KlpArray<KlpFunc>[];
  objArrays?: KlpArray<KlpObject>[];
  stateArrays?: KlpArray<KlpState>[];
  params?: ModuleParam[];
  macroUses?: (MacroUse & { name: string })[];
  /**
   * Syntax errors the extractor read around (a name written `__stringify(X) "suffix"`, which
   * the C grammar cannot parse before preprocessing): not reported as unreadable.
   */
  recovered?: Range[];
}

/** The body facts of one function definition (filled on demand). */
export interface BodyFacts {
  calls: CallSite[];
  returns: { value?: Value; range: Range }[];
  finalReturn?: Value;
  globalWrites: { name: string; range: Range }[];
  staticLocals: { name: string; range: Range; isConst?: boolean }[];
  shadowCalls: ShadowCall[];
  stateCalls: StateCall[];
  /** Assignments `VAR.FIELD = value;` (klp_patch fields set at run time). */
  fieldAssignments: { variable: string; field: string; value: Value; range: Range; inFunction: string }[];
  /** `klp_enable_patch(&VAR)` calls. */
  enableCalls: { variable: string; range: Range; inFunction: string; resultReturned: boolean }[];
}

const KLP_STRUCTS = new Set(['klp_patch', 'klp_func', 'klp_object', 'klp_state']);
const SHADOW_OPS: Record<string, ShadowOp> = {
  klp_shadow_alloc: 'alloc', klp_shadow_get: 'get', klp_shadow_get_or_alloc: 'get_or_alloc',
  klp_shadow_free: 'free', klp_shadow_free_all: 'free_all',
};
const ATTRIBUTE_WORD = /\b(__\w+|notrace|noinline\w*|asmlinkage|noinstr|inline)\b/g;

/** Node types whose named children are top-level items (half-typed code, #if blocks, extern "C"). */
export const CONTAINER_TYPES = new Set(['ERROR', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'linkage_specification', 'declaration_list']);
/** How deep containers are looked through. */
export const CONTAINER_DEPTH = 8;
/** Top-level item types that can contribute facts (the others are skipped unread). */
export const ITEM_TYPES = new Set(['preproc_def', 'preproc_function_def', 'preproc_include', 'function_definition', 'declaration', 'expression_statement']);

/** The facts of one top-level item (a node of ITEM_TYPES). */
/**
 * Entries of klp_func tables read before, by their text (./session.ts: a table that changed
 * between two versions of a file mostly holds the same entries). `take` returns one moved to
 * START_INDEX, or undefined; `read` is told of each entry read now.
 */
export interface FuncEntryReuse {
  take(text: string, startIndex: number): KlpFunc | undefined;
  read?(text: string, startIndex: number, entry: KlpFunc): void;
}

export function extractItem(n: SyntaxNode, src: ParsedSource, scope: ValueScope, funcReuse?: FuncEntryReuse): ItemFacts {
  const lines = (src.lines ??= new LineIndex(src.text));
  const text = src.source ?? src.text;
  const R = (x: SyntaxNode): Range => lines.range(x.startIndex, x.endIndex);
  const T = (x: SyntaxNode): string => text.slice(x.startIndex, x.endIndex);
  const facts: ItemFacts = {};

  const fieldInits = (list: SyntaxNode): FieldInit[] => {
    const out: FieldInit[] = [];
    for (const c of list.namedChildren) {
      if (c?.type !== 'initializer_pair') continue;
      const designators = c.childrenForFieldName('designator');
      const d = designators[0];
      const value = c.childForFieldName('value');
      if (!d || !value || d.type !== 'field_designator') continue;
      const field = d.namedChild(0)?.text ?? d.text.replace(/^\./, '');
      const errors = c.hasError ? c.children.filter((x): x is SyntaxNode => !!x && x.type === 'ERROR' && x.startIndex > d.endIndex) : [];
      if (errors.length) {
        // `.old_name = __stringify(PREFIX) "name"`: the grammar cannot parse a macro call
        // next to a string; read the value's whole text through the macros instead.
        const eq = c.children.find((x) => x?.type === '=');
        const start = eq ? eq.endIndex : errors[0].startIndex;
        const raw = text.slice(start, c.endIndex).trim();
        const name = macroString(raw, scope);
        if (name !== undefined) {
          const from = start + (text.slice(start, c.endIndex).length - text.slice(start, c.endIndex).trimStart().length);
          out.push({ field, value: { kind: 'string', value: name, text: raw }, range: R(c), valueRange: lines.range(from, from + raw.length) });
          for (const e of errors) (facts.recovered ??= []).push(R(e));
          continue;
        }
      }
      out.push({ field, value: evalNode(value, text, scope), range: R(c), valueRange: R(value) });
    }
    return out;
  };
  /** The value node of `.FIELD = value` in an initializer list. */
  const valueNodeOf = (list: SyntaxNode, field: string): SyntaxNode | undefined => {
    for (const c of list.namedChildren) {
      if (c?.type !== 'initializer_pair') continue;
      const d = c.childrenForFieldName('designator')[0];
      if (d?.type === 'field_designator' && (d.namedChild(0)?.text ?? '') === field) return c.childForFieldName('value') ?? undefined;
    }
    return undefined;
  };
  /**
   * `.FIELD = (struct klp_func[]){ ... }`: a compound-literal array, read like a named one.
   * Its name says where it is written (`objs[0].funcs`); the entry refers to it by that name.
   */
  const compoundArray = <E>(kind: 'funcs' | 'objs' | 'states', list: SyntaxNode, field: string, owner: string, entry: (l: SyntaxNode, owner: string) => E): KlpArray<E> | undefined => {
    const v = valueNodeOf(list, field);
    if (v?.type !== 'compound_literal_expression') return undefined;
    const type = v.childForFieldName('type');
    const init = v.childForFieldName('value');
    const struct = type?.childForFieldName('type');
    const want = kind === 'funcs' ? 'klp_func' : kind === 'objs' ? 'klp_object' : 'klp_state';
    if (!type || !init || init.type !== 'initializer_list' || struct?.type !== 'struct_specifier' || struct.childForFieldName('name')?.text !== want) return undefined;
    const sizeNode = type.descendantsOfType('abstract_array_declarator')[0]?.childForFieldName('size') ?? undefined;
    return klpArray(kind, R(v), `${owner}.${field}`, R(type), init, entry, sizeNode);
  };
  const callbacksOf = (fields: FieldInit[], list: SyntaxNode | undefined): KlpCallbackRefs => {
    const refs: KlpCallbackRefs = { ranges: {} };
    const cb = fields.find((f) => f.field === 'callbacks');
    if (!cb || !list) return refs;
    refs.range = cb.range;
    const inner = list.namedChildren.find((c) => c?.type === 'initializer_pair' && c.childrenForFieldName('designator')[0]?.namedChild(0)?.text === 'callbacks')?.childForFieldName('value');
    if (!inner || inner.type !== 'initializer_list') return refs;
    for (const f of fieldInits(inner)) {
      if (f.field === 'pre_patch' || f.field === 'post_patch' || f.field === 'pre_unpatch' || f.field === 'post_unpatch' || f.field === 'shadow_dtor') {
        const name = f.value.kind === 'ident' ? f.value.name : f.value.kind === 'address' ? f.value.name : undefined;
        if (name) { refs[f.field] = name; refs.ranges[f.field] = f.valueRange; }
      }
    }
    return refs;
  };
  const get = (fields: FieldInit[], name: string) => fields.find((f) => f.field === name);
  const refName = (v: Value | undefined) => (v?.kind === 'ident' || v?.kind === 'address' ? v.name : undefined);

  const klpArray = <E>(kind: 'funcs' | 'objs' | 'states', declRange: Range, name: string, nameRange: Range, list: SyntaxNode, entry: (l: SyntaxNode, owner: string) => E, size: SyntaxNode | null | undefined): KlpArray<E> => {
    const entries: E[] = [];
    let terminated = false;
    let terminatorRange: Range | undefined;
    let earlyTerminator: KlpArray<E>['earlyTerminator'];
    const items = list.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment');
    const directives = directivesIn(text, list.startIndex, list.endIndex);
    items.forEach((item, i) => {
      if (item.type !== 'initializer_list') return;
      // `{}`, `{ 0 }` or only comments: the terminator. (The node API only where the text
      // holds a comment: this runs for every entry of every table.)
      const t = T(item);
      const hasComment = t.includes('/*') || t.includes('//');
      const empty = item.namedChildCount === 0 || /^\{\s*(0\s*)?\}$/.test(hasComment ? t.replace(/\/\*[\s\S]*?\*\//g, '') : t)
        || (hasComment && item.namedChildren.every((c) => !c || c.type === 'comment'));
      if (earlyTerminator) {
        // The kernel stops at the first empty entry: what follows is never seen.
        if (!empty) earlyTerminator.ignoredEntries++;
        else if (i === items.length - 1) { terminated = true; terminatorRange = R(item); }
        return;
      }
      if (empty) {
        terminated = true;
        terminatorRange = R(item);
        if (i < items.length - 1) earlyTerminator = { range: R(item), ignoredEntries: 0 };
        return;
      }
      let e: E;
      if (kind === 'funcs' && funcReuse) {
        const taken = funcReuse.take(t, item.startIndex) as E | undefined;
        e = taken ?? entry(item, `${name}[${entries.length}]`);
        if (!taken) funcReuse.read?.(t, item.startIndex, e as KlpFunc);
        // (The conditions are the context's, set below on a copy: what was recorded is never changed.)
        if (directives.length) e = { ...e };
      } else e = entry(item, `${name}[${entries.length}]`);
      if (directives.length) {
        const conditions = branchesAt(directives, item.startIndex, lines);
        if (conditions.length) (e as { conditions?: BranchCondition[] }).conditions = conditions;
      }
      entries.push(e);
    });
    // `name[N]` with fewer initializers: the rest is zero, so the array is terminated.
    let declaredLength: number | undefined;
    if (size) {
      const v = evalNode(size, text, scope);
      if (v.kind === 'number' && Number.isSafeInteger(v.value) && v.value >= 0) declaredLength = v.value;
    }
    if (!terminated && declaredLength !== undefined && declaredLength > items.length) terminated = true;
    if (earlyTerminator && !earlyTerminator.ignoredEntries) earlyTerminator = undefined;
    const close = list.lastChild;
    const closeRange = close && close.type === '}' ? R(close) : lines.range(list.endIndex, list.endIndex);
    const out: KlpArray<E> = { kind, file: src.path, range: declRange, name, nameRange, entries, terminated, terminatorRange, closeBraceRange: closeRange };
    if (declaredLength !== undefined) out.declaredLength = declaredLength;
    if (earlyTerminator) out.earlyTerminator = earlyTerminator;
    return out;
  };

  const funcEntry = (l: SyntaxNode): KlpFunc => {
    const fields = fieldInits(l);
    const on = get(fields, 'old_name');
    const nf = get(fields, 'new_func');
    const sp = get(fields, 'old_sympos');
    const f: KlpFunc = {
      file: src.path, range: R(l), fields,
      oldName: on?.value.kind === 'string' ? on.value.value : undefined, oldNameRange: on?.valueRange,
      newFunc: refName(nf?.value), newFuncRange: nf?.valueRange,
      oldSympos: sp?.value.kind === 'number' ? sp.value.value : 0,
    };
    // A name the extractor cannot evaluate keeps its source text (it still names the
    // function in the series analysis), marked as unresolved.
    if (on && on.value.kind !== 'string' && on.value.kind !== 'null') { f.oldName = on.value.text; f.oldNameUnresolved = true; }
    // `.new_func = KLP_SYSCALL_SYM(klp_newuname)`: a function named through a macro.
    if (nf && !f.newFunc && nf.value.kind === 'expr' && /^\w+\s*\(/.test(nf.value.text)) {
      const name = expandMacros(nf.value.text, scope);
      if (name && /^[A-Za-z_]\w*$/.test(name)) f.newFunc = name;
    }
    return f;
  };
  const objEntry = (l: SyntaxNode, owner: string): KlpObject => {
    const fields = fieldInits(l);
    const nm = get(fields, 'name');
    const fu = get(fields, 'funcs');
    const lit = compoundArray('funcs', l, 'funcs', owner, funcEntry);
    if (lit) push('funcArrays', lit);
    const o: KlpObject = {
      file: src.path, range: R(l), fields,
      name: nm?.value.kind === 'string' ? nm.value.value : nm && nm.value.kind !== 'null' ? nm.value.text : null,
      nameRange: nm?.valueRange, funcsRef: lit ? lit.name : refName(fu?.value), funcsRange: fu?.valueRange,
      callbacks: callbacksOf(fields, l),
    };
    if (nm && nm.value.kind !== 'string' && nm.value.kind !== 'null') o.nameUnresolved = true;
    return o;
  };
  const stateEntry = (l: SyntaxNode): KlpState => {
    const fields = fieldInits(l);
    const id = get(fields, 'id');
    const ver = get(fields, 'version');
    const sh = get(fields, 'is_shadow');
    const bd = get(fields, 'block_disable');
    const boolOf = (f?: FieldInit) => (f ? (f.value.kind === 'bool' ? f.value.value : f.value.kind === 'number' ? f.value.value !== 0 : true) : undefined);
    return {
      file: src.path, range: R(l), fields,
      id: id?.value.kind === 'number' ? id.value.value : undefined, idText: id?.value.text, idRange: id?.valueRange,
      version: ver?.value.kind === 'number' ? ver.value.value : 0, versionRange: ver?.valueRange,
      callbacks: callbacksOf(fields, l), isShadow: boolOf(sh), blockDisable: boolOf(bd),
    };
  };

  const push = <K extends keyof ItemFacts>(key: K, v: NonNullable<ItemFacts[K]> extends (infer E)[] ? E : never) => {
    ((facts[key] ??= [] as never) as unknown[]).push(v);
  };

  function topLevelMacroCall(call: SyntaxNode, stmt: SyntaxNode) {
    const fn = call.childForFieldName('function')?.text ?? '';
    const argNodes = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is SyntaxNode => !!a && a.type !== 'comment');
    const args = argNodes.map((a) => (a.type === 'string_literal' ? T(a).slice(1, -1) : T(a)));
    if (fn === 'module_param' || fn === 'module_param_named' || fn === 'module_param_unsafe') {
      const named = fn === 'module_param_named';
      const all = call.childForFieldName('arguments')?.namedChildren ?? [];
      const v = named ? all[1] : all[0];
      if (v) facts.paramName = v.text;
      push('params', { file: src.path, range: R(stmt), name: args[0] ?? '', type: args[named ? 2 : 1] ?? '', perm: args[named ? 3 : 2] ?? '' });
      return;
    }
    if (/^(MODULE_\w+|module_init|module_exit|late_initcall|device_initcall)$/.test(fn)) {
      push('macroUses', { file: src.path, range: R(stmt), args, name: fn });
    }
  }

  function extractDeclaration(decl: SyntaxNode) {
    const type = decl.childForFieldName('type');
    const isStatic = decl.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
    const isExtern = decl.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'extern');
    const structName = type?.type === 'struct_specifier' ? type.childForFieldName('name')?.text : undefined;
    for (const d of decl.childrenForFieldName('declarator')) {
      if (!d) continue;
      // Prototype: `int foo(int);`
      let inner: SyntaxNode | null = d;
      while (inner && (inner.type === 'pointer_declarator' || inner.type === 'attributed_declarator')) inner = inner.childForFieldName('declarator') ?? inner.namedChild(0);
      if (inner?.type === 'function_declarator') {
        const f = extractFunction(decl, src, lines, inner);
        if (f) push('functions', f);
        continue;
      }
      const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const declarator = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      let nameNode: SyntaxNode | null | undefined = declarator;
      while (nameNode && nameNode.type !== 'identifier') nameNode = nameNode.childForFieldName('declarator') ?? nameNode.namedChild(0);
      if (!nameNode) continue;
      const g: GlobalFact = { name: nameNode.text, type: type ? T(type) : '', isStatic, file: src.path, range: R(decl), initText: init ? T(init) : undefined };
      if (isExtern) g.isExtern = true;
      push('globals', g);
      if (!structName || !KLP_STRUCTS.has(structName)) continue;
      const size = nameNode.parent?.type === 'array_declarator' ? nameNode.parent.childForFieldName('size') : undefined;
      if (structName === 'klp_patch') {
        const list = init?.type === 'initializer_list' ? init : undefined;
        const fields = list ? fieldInits(list) : [];
        const objs = list && compoundArray('objs', list, 'objs', nameNode.text, objEntry);
        const states = list && compoundArray('states', list, 'states', nameNode.text, stateEntry);
        if (objs) push('objArrays', objs);
        if (states) push('stateArrays', states);
        push('patches', {
          file: src.path, range: R(decl), name: nameNode.text, nameRange: R(nameNode), declarationOnly: !init, fields,
          mod: get(fields, 'mod')?.value, objsRef: objs ? objs.name : refName(get(fields, 'objs')?.value), statesRef: states ? states.name : refName(get(fields, 'states')?.value),
          replace: { initial: get(fields, 'replace'), assignments: [] }, enableCalls: [],
        });
      } else if (init?.type === 'initializer_list' && size !== undefined) {
        // (`size` is null for `name[]`, undefined for a scalar: a scalar klp_object is the
        // split-module proposal's form, not an array.)
        if (structName === 'klp_func') push('funcArrays', klpArray('funcs', R(decl), nameNode.text, R(nameNode), init, funcEntry, size));
        else if (structName === 'klp_object') push('objArrays', klpArray('objs', R(decl), nameNode.text, R(nameNode), init, objEntry, size));
        else if (structName === 'klp_state') push('stateArrays', klpArray('states', R(decl), nameNode.text, R(nameNode), init, stateEntry, size));
      }
    }
  }

  switch (n.type) {
    case 'preproc_def':
    case 'preproc_function_def': {
      const name = n.childForFieldName('name');
      if (!name) break;
      const valueNode = n.childForFieldName('value');
      const body = valueNode ? text.slice(valueNode.startIndex, valueNode.endIndex).replace(/\\\r?\n/g, ' ').trim() : '';
      const paramsNode = n.childForFieldName('parameters');
      facts.macro = {
        file: src.path, range: R(n), name: name.text, body,
        params: paramsNode ? paramsNode.namedChildren.map((p) => p?.text ?? '') : undefined,
        nameRange: R(name),
      };
      break;
    }
    case 'preproc_include': {
      const p = n.childForFieldName('path');
      if (p?.type === 'string_literal') facts.include = { file: src.path, range: R(n), spec: T(p).slice(1, -1) };
      break;
    }
    case 'function_definition': {
      const f = extractFunction(n, src, lines);
      if (f) {
        facts.functions = [f];
        const b = n.childForFieldName('body');
        if (b) facts.mentionsKlp = text.slice(b.startIndex, b.endIndex).includes('klp_');
      }
      break;
    }
    case 'declaration':
      extractDeclaration(n);
      break;
    case 'expression_statement': {
      const call = n.namedChild(0);
      if (call?.type === 'call_expression') topLevelMacroCall(call, n);
      break;
    }
    default:
      break;
  }
  return facts;
}

/** A conditional directive line inside an initializer (the parser sees it blanked). */
interface Directive {
  offset: number;
  kind: 'if' | 'else' | 'endif';
  text: string;
}

const DIRECTIVE_LINE = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif|elifdef|elifndef)\b.*$/gm;

/** The conditional directives in TEXT[from, to), in order. */
function directivesIn(text: SourceText, from: number, to: number): Directive[] {
  const slice = text.slice(from, to);
  if (!slice.includes('#')) return [];
  const out: Directive[] = [];
  DIRECTIVE_LINE.lastIndex = 0;
  for (let m = DIRECTIVE_LINE.exec(slice); m; m = DIRECTIVE_LINE.exec(slice)) {
    const word = m[1];
    const kind = word.startsWith('if') ? 'if' : word === 'endif' ? 'endif' : 'else';
    const line = m[0].trim();
    out.push({ offset: from + m.index + (m[0].length - m[0].trimStart().length), kind, text: line.length > 80 ? line.slice(0, 80) + '…' : line });
  }
  return out;
}

/** The branches open at OFFSET (innermost last). */
function branchesAt(directives: Directive[], offset: number, lines: LineIndex): BranchCondition[] {
  const stack: BranchCondition[] = [];
  for (const d of directives) {
    if (d.offset >= offset) break;
    if (d.kind === 'if') {
      const at = lines.positionAt(d.offset);
      stack.push({ at, branch: 0, text: d.text, directive: at });
    } else if (d.kind === 'else' && stack.length) {
      const top = stack[stack.length - 1];
      stack[stack.length - 1] = { ...top, branch: top.branch + 1, text: d.text, directive: lines.positionAt(d.offset) };
    } else if (d.kind === 'endif') stack.pop();
  }
  return stack;
}

/** Builds a CFunction's signature from a definition (or a prototype's function_declarator). */
function extractFunction(def: SyntaxNode, src: ParsedSource, lines: LineIndex, protoDeclarator?: SyntaxNode): CFunction | undefined {
  const text = src.source ?? src.text;
  const R = (n: SyntaxNode): Range => lines.range(n.startIndex, n.endIndex);
  const T = (n: SyntaxNode): string => text.slice(n.startIndex, n.endIndex);
  let fd: SyntaxNode | null | undefined = protoDeclarator ?? def.childForFieldName('declarator');
  let stars = '';
  while (fd && fd.type !== 'function_declarator') {
    if (fd.type === 'pointer_declarator') stars += '*';
    fd = fd.childForFieldName('declarator') ?? fd.namedChild(0);
  }
  if (!fd) return undefined;
  const nameNode = fd.childForFieldName('declarator');
  if (!nameNode || nameNode.type !== 'identifier') return undefined;
  const name = nameNode.text;
  const type = def.childForFieldName('type');
  const returnType = ((type ? T(type) : 'int') + (stars ? ' ' + stars : '')).trim();
  const params: CParam[] = [];
  let variadic = false;
  for (const p of fd.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'variadic_parameter') { variadic = true; continue; }
    if (p.type !== 'parameter_declaration') continue;
    const ptype = p.childForFieldName('type');
    let pd: SyntaxNode | null | undefined = p.childForFieldName('declarator');
    let pstars = '';
    while (pd && pd.type !== 'identifier') { if (pd.type === 'pointer_declarator') pstars += '*'; pd = pd.childForFieldName('declarator') ?? pd.namedChild(0); }
    const typeText = ((ptype ? T(ptype) : '') + (pstars ? ' ' + pstars : '')).trim();
    if (typeText === 'void' && !pd) continue;
    params.push({ type: typeText, name: pd?.text });
  }
  const head = text.slice(def.startIndex, nameNode.startIndex);
  const attributes = [...new Set([...head.matchAll(ATTRIBUTE_WORD)].map((m) => m[1]).filter((a) => a !== 'inline'))];
  const isStatic = /\bstatic\b/.test(head);
  const isInline = /\binline\b/.test(head);
  const body = protoDeclarator ? null : def.childForFieldName('body');
  const fn: CFunction = {
    file: src.path, range: R(def), name, nameRange: R(nameNode), bodyRange: body ? R(body) : undefined,
    isPrototype: !body, returnType, params, variadic, isStatic, isInline, attributes,
    calls: [], returns: [], globalWrites: [], staticLocals: [], hasBodyFacts: false,
  };
  return fn;
}

/**
 * Longest argument text kept for a call site. Nested calls (`f(f(f(...)))`) would otherwise
 * store every argument's full text, quadratic in the nesting: 40 kB of hostile source made
 * a 150 MB model. No rule reads more than the start of an argument.
 */
export const MAX_ARG_TEXT = 256;

function capText(s: string): string {
  return s.length > MAX_ARG_TEXT ? s.slice(0, MAX_ARG_TEXT) + '…' : s;
}

/**
 * The body facts of a function: calls (and the shadow-variable, state and klp_enable_patch
 * calls among them), returns, global writes, static locals. Done on demand: only for the
 * functions an analysis can ask about.
 */
export function extractBody(fn: CFunction, body: SyntaxNode, src: ParsedSource, scope: ValueScope): BodyFacts {
  const facts: BodyFacts = {
    calls: [], returns: [], globalWrites: [], staticLocals: [], shadowCalls: [], stateCalls: [], fieldAssignments: [], enableCalls: [],
  };
  const text = src.source ?? src.text;
  const lines = (src.lines ??= new LineIndex(src.text));
  const R = (n: SyntaxNode): Range => lines.range(n.startIndex, n.endIndex);
  const T = (n: SyntaxNode): string => text.slice(n.startIndex, n.endIndex);
  const name = fn.name;
  const params = fn.params;
  const byType = new Map<string, SyntaxNode[]>();
  for (const n of body.descendantsOfType(['declaration', 'call_expression', 'return_statement', 'assignment_expression', 'update_expression'])) {
    if (!n) continue;
    const list = byType.get(n.type);
    if (list) list.push(n);
    else byType.set(n.type, [n]);
  }
  const of = (t: string) => byType.get(t) ?? [];

  // Locals: parameters and declarations in the body (a write to anything else is a global write).
  const locals = new Set(params.map((p) => p.name).filter((x): x is string => !!x));
  for (const d of of('declaration')) {
    if (!d) continue;
    const isStaticLocal = d.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
    const isConst = isStaticLocal && d.namedChildren.some((c) => c?.type === 'type_qualifier' && c.text === 'const');
    for (const dd of d.childrenForFieldName('declarator')) {
      let id: SyntaxNode | null | undefined = dd;
      while (id && id.type !== 'identifier') id = id.childForFieldName('declarator') ?? id.namedChild(0);
      if (!id) continue;
      locals.add(id.text);
      if (isStaticLocal) facts.staticLocals.push(isConst ? { name: id.text, range: R(dd), isConst } : { name: id.text, range: R(dd) });
    }
  }

  for (const c of of('call_expression')) {
    if (!c) continue;
    const callee = c.childForFieldName('function');
    if (!callee || callee.type !== 'identifier') continue;
    const argNodes = (c.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is SyntaxNode => !!a && a.type !== 'comment');
    const call: CallSite = { callee: callee.text, args: argNodes.map((a) => capText(T(a))), argRanges: argNodes.map(R), range: R(c) };
    facts.calls.push(call);
    const op = SHADOW_OPS[call.callee];
    if (op) {
      const idNode = argNodes[op === 'free_all' ? 0 : 1];
      if (idNode) {
        const idVal = evalNode(idNode, text, scope);
        const sc: ShadowCall = {
          file: src.path, range: R(c), op, id: idVal.kind === 'number' ? idVal.value : undefined, idText: T(idNode), idRange: R(idNode),
          idIsLiteral: idNode.type === 'number_literal', inFunction: name,
        };
        if (op === 'alloc' || op === 'get_or_alloc') {
          sc.sizeText = argNodes[2] ? T(argNodes[2]) : undefined;
          sc.gfpText = argNodes[3] ? T(argNodes[3]) : undefined;
          sc.ctor = argNodes[4] && argNodes[4].text !== 'NULL' ? T(argNodes[4]) : undefined;
          sc.resultChecked = allocChecked(c, body, text);
        }
        if (op === 'free') sc.dtor = argNodes[2] && argNodes[2].text !== 'NULL' ? T(argNodes[2]) : undefined;
        if (op === 'free_all') sc.dtor = argNodes[1] && argNodes[1].text !== 'NULL' ? T(argNodes[1]) : undefined;
        facts.shadowCalls.push(sc);
      }
    } else if (call.callee === 'klp_get_state' || call.callee === 'klp_get_prev_state') {
      const idNode = argNodes[call.callee === 'klp_get_state' ? 1 : 0];
      if (idNode) {
        const idVal = evalNode(idNode, text, scope);
        facts.stateCalls.push({ file: src.path, range: R(c), fn: call.callee, id: idVal.kind === 'number' ? idVal.value : undefined, idText: T(idNode), idRange: R(idNode), inFunction: name });
      }
    } else if (call.callee === 'klp_enable_patch') {
      const a = argNodes[0];
      const variable = a?.type === 'pointer_expression' ? a.childForFieldName('argument')?.text : a?.text;
      if (variable) facts.enableCalls.push({ variable, range: R(c), inFunction: name, resultReturned: resultReturned(c, body) });
    }
  }

  for (const r of of('return_statement')) {
    if (!r) continue;
    const v = r.namedChild(0);
    facts.returns.push({ value: v && v.type !== 'comment' ? evalNode(v, text, scope) : undefined, range: R(r) });
  }
  const stmts = body.namedChildren.filter((s) => s && s.type !== 'comment');
  const last = stmts[stmts.length - 1];
  if (last?.type === 'return_statement') {
    const v = last.namedChild(0);
    if (v) facts.finalReturn = evalNode(v, text, scope);
  }

  const baseOf = (lhs: SyntaxNode): { base: SyntaxNode; field?: string } | undefined => {
    let n: SyntaxNode | null = lhs;
    let field: string | undefined;
    while (n) {
      if (n.type === 'identifier') return { base: n, field };
      if (n.type === 'field_expression') {
        if (n.child(1)?.type === '->') return undefined; // writes through a pointer: not a global write we can name
        field = n.childForFieldName('field')?.text;
        n = n.childForFieldName('argument');
      } else if (n.type === 'subscript_expression') n = n.childForFieldName('argument');
      else if (n.type === 'parenthesized_expression') n = n.namedChild(0);
      else return undefined;
    }
    return undefined;
  };
  const writes = [...of('assignment_expression'), ...of('update_expression')];
  for (const w of writes) {
    if (!w) continue;
    const lhs = w.type === 'assignment_expression' ? w.childForFieldName('left') : w.childForFieldName('argument');
    if (!lhs) continue;
    // `patch->replace = true;` through a (global) pointer: a klp_patch field set at run time.
    if (w.type === 'assignment_expression' && lhs.type === 'field_expression' && lhs.child(1)?.type === '->') {
      const arg = lhs.childForFieldName('argument');
      const field = lhs.childForFieldName('field')?.text;
      const right = w.childForFieldName('right');
      if (arg?.type === 'identifier' && field && right && !locals.has(arg.text)) {
        facts.fieldAssignments.push({ variable: arg.text, field, value: evalNode(right, text, scope), range: R(w), inFunction: name });
      }
      continue;
    }
    const b = baseOf(lhs);
    if (!b || locals.has(b.base.text)) continue;
    facts.globalWrites.push({ name: b.base.text, range: R(w) });
    if (w.type === 'assignment_expression' && lhs.type === 'field_expression' && b.field && lhs.childForFieldName('argument')?.type === 'identifier') {
      const right = w.childForFieldName('right');
      if (right) facts.fieldAssignments.push({ variable: b.base.text, field: b.field, value: evalNode(right, text, scope), range: R(w), inFunction: name });
    }
  }
  facts.globalWrites.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return facts;
}

/** Whether `klp_enable_patch(...)`'s result reaches a `return` of the function. */
function resultReturned(call: SyntaxNode, body: SyntaxNode): boolean {
  const parent = call.parent;
  if (!parent) return false;
  if (parent.type === 'return_statement') return true;
  let variable: string | undefined;
  if (parent.type === 'assignment_expression') variable = parent.childForFieldName('left')?.text;
  else if (parent.type === 'init_declarator') variable = parent.childForFieldName('declarator')?.text;
  if (!variable) return false;
  return body.descendantsOfType('return_statement').some((r) => !!r && r.startIndex > call.endIndex && new RegExp(`\\b${variable}\\b`).test(r.text));
}

/** Whether the result of a shadow allocation is compared with NULL before use. */
function allocChecked(call: SyntaxNode, body: SyntaxNode, text: SourceText): boolean {
  let p = call.parent;
  while (p && p.type === 'cast_expression') p = p.parent;
  if (!p) return false;
  if (p.type === 'unary_expression' || p.type === 'parenthesized_expression' || p.type === 'binary_expression' || p.type === 'if_statement') return true;
  let variable: string | undefined;
  if (p.type === 'assignment_expression') variable = p.childForFieldName('left')?.text;
  else if (p.type === 'init_declarator') {
    let d: SyntaxNode | null = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? d.namedChild(0);
    variable = d?.text;
  } else if (p.type === 'return_statement') return true; // the caller checks
  if (!variable) return false;
  const after = text.slice(call.endIndex, body.endIndex);
  const v = variable.replace(/[^\w]/g, '\\$&');
  // `!v`, `v == NULL`, `if (v)`, `likely(v)`, `v ? ... : ...`, `v && ...`, `IS_ERR_OR_NULL(v)`, `WARN_ON(!v)`,
  // or `return v;` (a wrapper: its callers check what it returns).
  return new RegExp(`(\\breturn\\s*\\(?\\s*${v}\\s*\\)?\\s*;|!\\s*${v}\\b|\\b${v}\\s*[!=]=\\s*NULL|NULL\\s*[!=]=\\s*${v}\\b|if\\s*\\(\\s*${v}\\s*\\)|\\blikely\\(\\s*${v}\\s*\\)|(^|[^\\w.>*])${v}\\s*(\\?|&&)|IS_ERR_OR_NULL\\(\\s*${v}\\s*\\)|WARN_ON\\(\\s*!\\s*${v})`).test(after);
}

export { evalMacroText };
