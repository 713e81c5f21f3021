// The model of livepatch modules, as extracted from C sources.
//
// This is the vocabulary of the whole product: the rules, the series analysis, the
// simulator, the language server and the CLI all read these types. They are plain data
// (JSON-serialisable apart from the Maps noted below) so that they can be cached,
// compared and sent over the wire. Nothing here imports vscode or the LSP library.

/** A position in a file: 0-based line, 0-based UTF-16 code unit (as in LSP). */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range [start, end). */
export interface Range {
  start: Position;
  end: Position;
}

/** A range in a named file. `file` is the path the source was loaded from. */
export interface Location {
  file: string;
  range: Range;
}

/** One C source (or header) as given to the extractor. */
export interface SourceText {
  path: string;
  text: string;
}

/**
 * A value as it appears in an initializer, an assignment or a `return`, resolved as far
 * as the extractor can: numbers and strings through object-like `#define`s, booleans,
 * module parameters (whose value is only known at load time) and everything else as text.
 */
export type Value =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'bool'; value: boolean; text: string }
  | { kind: 'null'; text: string }
  /** A module parameter: its value comes from the insmod line or sysfs. */
  | { kind: 'param'; name: string; text: string }
  /** An identifier that is not a parameter (a function, a variable, THIS_MODULE ...). */
  | { kind: 'ident'; name: string; text: string }
  /** `&name` */
  | { kind: 'address'; name: string; text: string }
  /** Anything the extractor does not evaluate. */
  | { kind: 'expr'; text: string };

/** `.field = value` inside a designated initializer. */
export interface FieldInit {
  field: string;
  value: Value;
  /** The whole `.field = value`. */
  range: Range;
  valueRange: Range;
}

/** Common to every extracted definition. */
export interface Defined {
  /** File the definition is in. */
  file: string;
  /** The whole definition (or entry). */
  range: Range;
}

/**
 * A conditional-compilation branch an entry is written in (`#if` inside an initializer:
 * both branches are read). Two entries under the same `#if` (same `at`) in different
 * branches never exist together.
 */
export interface BranchCondition {
  /** Where the `#if`/`#ifdef` line starts. */
  at: Position;
  /** 0 for the `#if` branch, 1 for the first `#elif`/`#else`, ... */
  branch: number;
  /** The directive line of the branch (`#if LINUX_VERSION_CODE < ...`, `#else`). */
  text: string;
  /** Where that directive line starts. */
  directive: Position;
}

/** Whether two entries are in different branches of one `#if` (never compiled together). */
export function exclusiveBranches(a: BranchCondition[] | undefined, b: BranchCondition[] | undefined): boolean {
  if (!a || !b) return false;
  return a.some((x) => b.some((y) => y.at.line === x.at.line && y.at.character === x.at.character && y.branch !== x.branch));
}

// ---------------------------------------------------------------------------------------
// struct klp_* tables

export interface KlpFunc extends Defined {
  /** The `#if` branches the entry is written in, innermost last (absent: unconditional). */
  conditions?: BranchCondition[];
  /**
   * `old_name`; undefined when absent. A name the extractor cannot evaluate (a macro it
   * cannot expand) is its source text, with `oldNameUnresolved` set.
   */
  oldName?: string;
  oldNameUnresolved?: boolean;
  oldNameRange?: Range;
  /** Name of the `new_func` C function; undefined when absent or not a plain name. */
  newFunc?: string;
  newFuncRange?: Range;
  /** `old_sympos`; 0 when absent. */
  oldSympos: number;
  fields: FieldInit[];
}

/** Names of the C functions set as `.callbacks = { ... }` of an object (or of a state, §12). */
export interface KlpCallbackRefs {
  pre_patch?: string;
  post_patch?: string;
  pre_unpatch?: string;
  post_unpatch?: string;
  /** Proposed API only (state callbacks). */
  shadow_dtor?: string;
  /** Where each name is written. */
  ranges: Partial<Record<CallbackKind | 'shadow_dtor', Range>>;
  /** The `.callbacks = {...}` initializer, if present. */
  range?: Range;
}

export type CallbackKind = 'pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch';
export const CALLBACK_KINDS: readonly CallbackKind[] = ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch'];

export interface KlpObject extends Defined {
  /** The `#if` branches the entry is written in, innermost last (absent: unconditional). */
  conditions?: BranchCondition[];
  /** Target module name; null for vmlinux (name absent or NULL). Unevaluated: the source text, `nameUnresolved` set. */
  name: string | null;
  nameUnresolved?: boolean;
  nameRange?: Range;
  /** Name of the `klp_func` array in `.funcs`; undefined when absent. */
  funcsRef?: string;
  funcsRange?: Range;
  callbacks: KlpCallbackRefs;
  fields: FieldInit[];
}

export interface KlpState extends Defined {
  /** The `#if` branches the entry is written in, innermost last (absent: unconditional). */
  conditions?: BranchCondition[];
  /** Resolved id (through #define); undefined when it cannot be evaluated. */
  id?: number;
  idText?: string;
  idRange?: Range;
  /** `version`; 0 when absent. */
  version: number;
  versionRange?: Range;
  /** Proposed API (§12): state callbacks, `is_shadow`, `block_disable`. */
  callbacks: KlpCallbackRefs;
  isShadow?: boolean;
  blockDisable?: boolean;
  fields: FieldInit[];
}

/**
 * A `struct klp_func|klp_object|klp_state NAME[] = { ..., { } };` array, or a compound
 * literal `(struct klp_func[]){ ... }` written as a field's value.
 */
export interface KlpArray<T> extends Defined {
  kind: 'funcs' | 'objs' | 'states';
  /** The C variable name; for a compound literal, where it is written (`objs[0].funcs`, `patch.objs`). */
  name: string;
  nameRange: Range;
  entries: T[];
  /** True when the last entry is the all-zero terminator `{ }`. */
  terminated: boolean;
  /** Range of the terminator entry, when present. */
  terminatorRange?: Range;
  /** Where a fix would insert a terminator (just before the closing brace). */
  closeBraceRange: Range;
  /** `name[N]`: the declared length, when it evaluates (entries past the initializer are all-zero). */
  declaredLength?: number;
  /**
   * An empty entry before the last one: the kernel's walk stops there, so the entries after
   * it are never seen (they are not in `entries`; `ignoredEntries` counts them).
   */
  earlyTerminator?: { range: Range; ignoredEntries: number };
}

/** How a `klp_patch` field gets its value: the initializer and run-time assignments. */
export interface FieldBinding {
  /** Value in the static initializer, if any. */
  initial?: FieldInit;
  /** `patch.field = value;` statements in the init function before klp_enable_patch(). */
  assignments: { value: Value; range: Range; inFunction: string }[];
}

export interface KlpPatch extends Defined {
  /** The C variable name (`patch`). */
  name: string;
  nameRange: Range;
  /** True for a `static struct klp_patch patch;` forward declaration without initializer. */
  declarationOnly: boolean;
  mod?: Value;
  objsRef?: string;
  statesRef?: string;
  replace: FieldBinding;
  fields: FieldInit[];
  /** `klp_enable_patch(&name)` calls. */
  enableCalls: { range: Range; inFunction: string; resultReturned: boolean }[];
  /**
   * For a patch declared without initializer (`static struct klp_patch patch;`, or a
   * pointer to a kzalloc'ed one) and filled in at run time: the `.mod`/`.objs`/`.states`
   * assignments read from the code (`patch.objs = objs;`, `patch->objs = objs;`).
   */
  runtimeFields?: { field: string; value: Value; range: Range; inFunction: string }[];
}

// ---------------------------------------------------------------------------------------
// C functions, macros, parameters, shadow variables

export interface CallSite {
  callee: string;
  /** Argument source texts. */
  args: string[];
  argRanges: Range[];
  range: Range;
}

export interface CParam {
  type: string;
  name?: string;
}

export interface CFunction extends Defined {
  name: string;
  nameRange: Range;
  bodyRange?: Range;
  /** Only a prototype (no body). */
  isPrototype: boolean;
  returnType: string;
  params: CParam[];
  /** Variadic `...` */
  variadic: boolean;
  isStatic: boolean;
  isInline: boolean;
  /** Kernel attribute macros written on the definition (`__init`, `notrace`, `noinline`, ...). */
  attributes: string[];
  /**
   * Whether the body facts below were extracted. They are, for every function an analysis
   * can ask about: callbacks, replacement functions, shadow constructors/destructors,
   * module init/exit, functions that call klp_* APIs, and what those call (transitively).
   */
  hasBodyFacts: boolean;
  /** Calls made in the body, in source order. */
  calls: CallSite[];
  /** The value of the `return` that ends the body (what the function returns when nothing fails). */
  finalReturn?: Value;
  /** All `return` values in the body, in order. */
  returns: { value?: Value; range: Range }[];
  /** Global variables assigned in the body (`x = ...`, `x++`, `*p = ...` not included). */
  globalWrites: { name: string; range: Range }[];
  /** `static` local variables declared in the body. */
  staticLocals: { name: string; range: Range; isConst?: boolean }[];
}

export interface MacroDef extends Defined {
  name: string;
  /** Replacement text, trimmed. */
  body: string;
  /** For function-like macros, the parameter names. */
  params?: string[];
  /** Evaluated value for object-like macros whose body is a number, string or simple expression. */
  value?: Value;
  nameRange: Range;
}

export interface ModuleParam extends Defined {
  name: string;
  type: string;
  perm: string;
  /** The C variable's initial value, if it has one (default 0/false/NULL otherwise). */
  initial?: Value;
}

export type ShadowOp = 'alloc' | 'get' | 'get_or_alloc' | 'free' | 'free_all';

export interface ShadowCall extends Defined {
  op: ShadowOp;
  /** Resolved id (through #define) when it can be evaluated. */
  id?: number;
  idText: string;
  idRange: Range;
  /** True when the id is written as a bare number literal. */
  idIsLiteral: boolean;
  /** Size argument text (alloc/get_or_alloc). */
  sizeText?: string;
  ctor?: string;
  dtor?: string;
  gfpText?: string;
  /** C function the call is in. */
  inFunction?: string;
  /** For alloc calls: whether the result is checked against NULL. */
  resultChecked?: boolean;
}

export interface StateCall extends Defined {
  fn: 'klp_get_state' | 'klp_get_prev_state';
  id?: number;
  idText: string;
  idRange: Range;
  inFunction?: string;
}

export interface IncludeRef extends Defined {
  /** As written between the quotes. */
  spec: string;
  /** Resolved path, when found. */
  resolved?: string;
}

/** A `MODULE_INFO(k, "v")`, `MODULE_LICENSE("...")`, `module_init(fn)`... */
export interface MacroUse extends Defined {
  args: string[];
}

/** Everything extracted from one livepatch or target module (all its files). */
export interface ModuleModel {
  /** Kernel module name (`-` turned into `_`). */
  name: string;
  /** Source files that make up the module, main file first (includes followed). */
  files: string[];
  patches: KlpPatch[];
  funcArrays: KlpArray<KlpFunc>[];
  objArrays: KlpArray<KlpObject>[];
  stateArrays: KlpArray<KlpState>[];
  /** C functions by name (definitions win over prototypes). */
  functions: Record<string, CFunction>;
  macros: Record<string, MacroDef>;
  params: ModuleParam[];
  shadowCalls: ShadowCall[];
  stateCalls: StateCall[];
  includes: IncludeRef[];
  moduleInfo: MacroUse[];
  license?: MacroUse;
  moduleInit?: MacroUse;
  moduleExit?: MacroUse;
  /** Global variable definitions by name (non-function file-scope declarations). */
  globals: Record<string, Defined & { name: string; type: string; isStatic: boolean; isExtern?: boolean }>;
  /** True when a klp_patch is passed to klp_enable_patch() (the module is a livepatch). */
  isLivepatch: boolean;
  /** Which livepatch API level the source uses (§12 of the semantics document). */
  apiLevel: 'upstream' | 'state-callbacks';
  /** Files that failed to parse cleanly, with the ranges of syntax errors (first few). */
  syntaxErrors: Location[];
  /**
   * What the extractor could not read: syntax errors (the ones it could not read around)
   * and generator template placeholders (`@@NAME@@`), each with the text that is there.
   * Rules do not judge a table that holds one (core/src/rules/unreadable.ts says so instead).
   */
  unreadable: Unreadable[];
  /**
   * `klp_enable_patch(X)` calls whose X is no klp_patch variable of the module (a local
   * pointer to a patch built at run time, as kpatch's and klp-build's init code do).
   */
  runtimeEnables: (Location & { inFunction: string; argText: string })[];
}

export interface Unreadable extends Location {
  kind: 'syntax' | 'placeholder';
  /** The text there (its first line, shortened). */
  text: string;
}

/** Convenience accessors over a module model. */
export function findArray<T>(arrays: KlpArray<T>[], name: string | undefined): KlpArray<T> | undefined {
  if (!name) return undefined;
  return arrays.find((a) => a.name === name);
}

/** The patch of a module that is enabled (passed to klp_enable_patch), else the first one. */
export function mainPatch(m: ModuleModel): KlpPatch | undefined {
  const defined = m.patches.filter((p) => !p.declarationOnly);
  return defined.find((p) => p.enableCalls.length > 0) ?? defined[0] ?? m.patches.find((p) => p.enableCalls.length > 0);
}
