// Loads tree-sitter (web-tree-sitter + the C grammar wasm) once per process and parses C.
//
// Kernel sources are full of attribute macros (`__init`, `notrace`, `__printf(1, 2)` ...)
// and preprocessor conditionals inside initializers, both of which derail the C grammar.
// `prepareSource` blanks them with spaces of the same length, so every offset, line and
// column in the tree is still an offset, line and column of the user's file.
import { Parser, Language, Tree, Edit } from 'web-tree-sitter';
import * as path from 'node:path';
import * as fs from 'node:fs';

export { Tree, Edit };
export type { Node as SyntaxNode } from 'web-tree-sitter';

let language: Language | undefined;
let initPromise: Promise<void> | undefined;

/** Where the wasm files are: beside the bundle, or in node_modules when run from sources. */
function locate(file: string): string {
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', file), path.join(__dirname, '..', 'dist', file)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const pkg = file === 'tree-sitter-c.wasm' ? 'tree-sitter-c/tree-sitter-c.wasm' : 'web-tree-sitter/web-tree-sitter.wasm';
  return require.resolve(pkg);
}

/** Loads the parser and the C grammar. Safe to call many times; resolves once. */
export function initParser(): Promise<void> {
  if (!initPromise) {
    initPromise = (async () => {
      await Parser.init({ locateFile: (name: string) => locate(name) });
      // The bytes, not the path: given a path, web-tree-sitter reads it through a dynamic
      // import(), which a script compiled from a V8 code cache cannot run (server/src/codeCache.ts).
      language = await Language.load(fs.readFileSync(locate('tree-sitter-c.wasm')));
    })();
  }
  return initPromise;
}

export function isParserReady(): boolean {
  return language !== undefined;
}

/** A new parser for the C grammar. `initParser()` must have resolved. */
export function newParser(): Parser {
  if (!language) throw new Error('initParser() has not completed');
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

let shared: Parser | undefined;

/**
 * Parses (already prepared) C text, or what an input callback returns from an offset on (a
 * piece of the text, empty at its end). With `oldTree` (edited to match the text) the parse is
 * incremental. Returns null only when `shouldStop` aborts the parse.
 */
export function parsePrepared(text: string | ((index: number) => string), oldTree?: Tree | null, shouldStop?: () => boolean): Tree | null {
  shared ??= newParser();
  const options = shouldStop ? { progressCallback: () => shouldStop() } : undefined;
  return shared.parse(text, oldTree ?? null, options as never);
}

/** Kernel attribute macros that take no arguments and only annotate a declaration. */
export const KERNEL_ATTRIBUTES = [
  '__init', '__exit', '__initdata', '__exitdata', '__initconst', '__ref', '__refdata', '__read_mostly',
  '__ro_after_init', '__always_unused', '__maybe_unused', '__used', '__user', '__kernel', '__iomem',
  '__percpu', '__rcu', '__force', '__must_check', '__cold', '__hot', '__weak', '__pure', '__noreturn',
  '__visible', '__latent_entropy', '__randomize_layout', '__packed', '__cacheline_aligned',
  '____cacheline_aligned', '____cacheline_aligned_in_smp', '__cacheline_aligned_in_smp', 'notrace',
  'noinline', 'noinline_for_stack', '__always_inline', '__flatten', 'asmlinkage', '__sched', '__kprobes',
  'nokprobe_inline', '__noclone', '__nocfi', '__noinstr', 'noinstr', '__acquires', '__releases',
  '__must_hold', '__attribute_const__', '__malloc', '__net_init', '__net_exit', '__devinit', '__devexit',
  '__meminit', '__cpuinit', 'fastcall', '__fastcall', '__lockfunc', '__irq_entry', '__softirq_entry',
  '__section', '__aligned', '__printf', '__scanf', '__alias', '__nonstring', '__counted_by', '__cleanup',
  '__no_sanitize_address', '__no_kcsan', '__ksym', '__bpf_kfunc',
];

/** Attributes that take a parenthesised argument list (`__printf(1, 2)`). */
const WITH_ARGS = new Set(['__section', '__aligned', '__printf', '__scanf', '__alias', '__counted_by', '__cleanup', '__acquires', '__releases', '__must_hold']);

const ATTR_RE = new RegExp(`\\b(${KERNEL_ATTRIBUTES.join('|')})\\b`, 'g');
const DIRECTIVE_RE = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif|elifdef|elifndef)\b/;

/** A blanked attribute occurrence: where it was and which one (the extractor reports them). */
export interface BlankedAttribute {
  name: string;
  offset: number;
  length: number;
}

export interface PreparedSource {
  /** Same length as the input; attributes and conditional directives replaced by spaces. */
  text: string;
  attributes: BlankedAttribute[];
}

/**
 * A rewrite of [from, to): blanked (spaces, line breaks kept) or replaced by `text` of the
 * same length. prepareSource records them in the order it finds them and applies them at
 * the end in one pass (splitting a file into an array of characters cost more than its parse).
 */
export interface Rewrite {
  from: number;
  to: number;
  text?: string;
}

function blanked(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[^\r\n]/g, ' ') : ' '.repeat(s.length);
}

/** TEXT with the rewrites applied (later ones win where they overlap, as recorded). */
export function applyRewrites(text: string, rewrites: Rewrite[]): string {
  if (!rewrites.length) return text;
  const sorted = rewrites.slice().sort((a, b) => a.from - b.from);
  let disjoint = true;
  for (let i = 1; i < sorted.length && disjoint; i++) disjoint = sorted[i].from >= sorted[i - 1].to;
  if (disjoint) {
    const parts: string[] = [];
    let at = 0;
    for (const r of sorted) {
      parts.push(text.slice(at, r.from), r.text ?? blanked(text.slice(r.from, r.to)));
      at = r.to;
    }
    parts.push(text.slice(at));
    return parts.join('');
  }
  // Overlapping rewrites (an attribute inside a directive line): character by character, in order.
  const chars = text.split('');
  for (const r of rewrites) {
    for (let i = r.from; i < r.to; i++) {
      if (r.text !== undefined) chars[i] = r.text[i - r.from];
      else if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
    }
  }
  return chars.join('');
}

/**
 * Blanks kernel attribute macros and conditional-compilation directive lines (keeping both
 * branches of an `#ifdef`, which is what an author wants analysed). Never changes length.
 */
export function prepareSource(text: string): PreparedSource {
  const attributes: BlankedAttribute[] = [];
  const rewrites: Rewrite[] = [];

  // Conditional directives (with their continuation lines).
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // The first character after the indentation must be `#` (most lines are indented code:
    // no slice of them).
    let first = lineStart;
    while (first < lineEnd && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (text.charCodeAt(first) === 35 /* # */) {
      const line = text.slice(lineStart, lineEnd);
      if (DIRECTIVE_RE.test(line)) {
        let end = lineEnd;
        // (A backslash on the file's last line continues nowhere: it used to loop for ever.)
        while (end < text.length && (text[end - 1] === '\\' || (text[end - 1] === '\r' && text[end - 2] === '\\'))) {
          const next = text.indexOf('\n', end + 1);
          end = next < 0 ? text.length : next;
        }
        rewrites.push({ from: lineStart, to: end });
        lineEnd = end;
      }
    }
    lineStart = lineEnd + 1;
  }

  // Attribute macros (skipping those inside strings and comments is not worth the cost:
  // a blanked word inside a comment or string changes nothing the extractor reads, except
  // string values, which the extractor reads from the original text).
  ATTR_RE.lastIndex = 0;
  for (let m = ATTR_RE.exec(text); m; m = ATTR_RE.exec(text)) {
    const name = m[1];
    let end = m.index + name.length;
    if (WITH_ARGS.has(name)) {
      let j = end;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === '(') {
        // The arguments, on the attribute's line only: an unbalanced `__printf(` being typed
        // blanks just its name, never the lines below (CDocument re-prepares edited lines alone).
        let depth = 0;
        for (; j < text.length; j++) {
          if (text[j] === '(') depth++;
          else if (text[j] === ')' && --depth === 0) { j++; break; }
          else if (text[j] === '\n') break;
        }
        if (depth === 0) end = j;
      }
    }
    rewrites.push({ from: m.index, to: end });
    attributes.push({ name, offset: m.index, length: end - m.index });
  }
  // Iterator macros used as loops (`list_for_each_entry(pos, head, member) { ... }`): the
  // grammar sees a call followed by a block, a syntax error in most kernel code. The name
  // becomes `while` (same length, padded): `while (pos, head, member) { ... }` is a loop
  // over a comma expression, and the calls in the body stay where they are. Only where a
  // statement starts, judged on the name's own line (edited lines are prepared alone).
  if (text.includes('for_each')) {
    FOR_EACH_RE.lastIndex = 0;
    for (let m = FOR_EACH_RE.exec(text); m; m = FOR_EACH_RE.exec(text)) {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const before = text.slice(lineStart, m.index).trimEnd();
      if (before.startsWith('#')) continue;
      if (before !== '' && !/([;{})]|\belse|\bdo)$/.test(before)) continue;
      rewrites.push({ from: m.index, to: m.index + m[1].length, text: 'while' + ' '.repeat(m[1].length - 5) });
    }
  }
  // Generator template placeholders (`@@KLP_PATCHES_OBJS@@`, filled in by a script before
  // the build): blanked so the code around them parses; the extractor reports each one.
  if (text.includes('@@')) {
    PLACEHOLDER_RE.lastIndex = 0;
    for (let m = PLACEHOLDER_RE.exec(text); m; m = PLACEHOLDER_RE.exec(text)) rewrites.push({ from: m.index, to: m.index + m[0].length });
  }
  return { text: applyRewrites(text, rewrites), attributes };
}

/** An iterator macro called where a statement starts (checked by the caller). */
const FOR_EACH_RE = /\b([A-Za-z_]\w*for_each\w*)[ \t]*\(/g;

/** A template placeholder of a livepatch generator (SUSE's kernel-livepatch: `@@NAME@@`). */
export const PLACEHOLDER_RE = /@@[A-Za-z_]\w*@@/g;
