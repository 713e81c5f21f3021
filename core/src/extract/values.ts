// Evaluating the values written in initializers, assignments and returns: numbers, strings,
// booleans, NULL, errno constants, object-like #defines (also simple arithmetic on them) and
// module parameters. What cannot be evaluated stays as text: a Value never throws.
import type { SyntaxNode } from '../cparse/parser';
import type { MacroDef, Value } from '../model';
import type { SourceText } from '../pieceText';

/** errno values of the Linux x86 ABI (facts; used to evaluate `return -ENODEV;`). */
export const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, EFBIG: 27, ENOSPC: 28,
  ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36,
  ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61, ETIME: 62, EOVERFLOW: 75,
  EOPNOTSUPP: 95, ENOTSUPP: 524, ETIMEDOUT: 110, EALREADY: 114, EINPROGRESS: 115, ECANCELED: 125,
};

export interface ValueScope {
  macros: Record<string, MacroDef>;
  params: Set<string>;
  /**
   * Names looked up as macros or parameters, when the caller records them (found or not):
   * the facts read through this scope are the same in any scope that answers these alike.
   */
  reads?: Set<string>;
}

/** Parses a C integer literal (decimal, hex, octal, binary; U/L suffixes). */
export function parseIntLiteral(text: string): number | undefined {
  const t = text.trim().replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[bB][01]+$/.test(t)) return parseInt(t.slice(2), 2);
  if (/^0[0-7]+$/.test(t)) return parseInt(t.slice(1), 8);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return undefined;
}

/** Decodes the common escapes of a C string literal body. */
function unescape(body: string): string {
  return body.replace(/\\(n|t|r|0|\\|"|')/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" })[c] ?? c);
}

/**
 * Evaluates macro replacement text (object-like macros): numbers, strings, other macros,
 * errno names, parentheses, unary minus/~ and the binary operators + - * / % << >> | & ^.
 */
export function evalMacroText(text: string, scope: ValueScope, depth = 0): Value {
  const raw = text.trim();
  const expr: Value = { kind: 'expr', text: raw };
  if (depth > 16 || raw.length === 0 || raw.length > 200) return expr;
  const str = /^"((?:[^"\\]|\\.)*)"(\s*"((?:[^"\\]|\\.)*)")*$/.exec(raw);
  if (str) {
    const parts = [...raw.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescape(m[1]));
    return { kind: 'string', value: parts.join(''), text: raw };
  }
  if (raw === 'true' || raw === 'false') return { kind: 'bool', value: raw === 'true', text: raw };
  if (raw === 'NULL' || raw === '((void *)0)') return { kind: 'null', text: raw };
  const n = evalArithmetic(raw, scope, depth);
  return n === undefined ? expr : { kind: 'number', value: n, text: raw };
}

function evalArithmetic(text: string, scope: ValueScope, depth: number): number | undefined {
  const tokens = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|<<|>>|[-+*/%|&^~()]|\S/g);
  if (!tokens) return undefined;
  let i = 0;
  const peek = () => tokens[i];
  const atom = (): number | undefined => {
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if (t === '(') {
      // Skip casts such as (unsigned long) or (u32).
      if (/^[A-Za-z_]\w*$/.test(tokens[i] ?? '') && /^(unsigned|signed|long|int|short|char|u8|u16|u32|u64|s8|s16|s32|s64|size_t|ulong)$/.test(tokens[i])) {
        while (i < tokens.length && tokens[i] !== ')') i++;
        i++;
        return unary();
      }
      const v = or();
      if (tokens[i++] !== ')') return undefined;
      return v;
    }
    const lit = parseIntLiteral(t);
    if (lit !== undefined) return lit;
    if (/^[A-Za-z_]\w*$/.test(t)) {
      if (t in ERRNO) return ERRNO[t];
      scope.reads?.add(t);
      const m = scope.macros[t];
      if (m && !m.params) {
        const v = m.value ?? evalMacroText(m.body, scope, depth + 1);
        if (v.kind === 'number') return v.value;
        if (v.kind === 'bool') return v.value ? 1 : 0;
      }
      if (t === 'BIT' && tokens[i] === '(') {
        i++;
        const v = or();
        if (tokens[i++] !== ')' || v === undefined) return undefined;
        return 2 ** v;
      }
    }
    return undefined;
  };
  const unary = (): number | undefined => {
    const t = peek();
    if (t === '-') { i++; const v = unary(); return v === undefined ? undefined : -v; }
    if (t === '+') { i++; return unary(); }
    if (t === '~') { i++; const v = unary(); return v === undefined ? undefined : ~v; }
    return atom();
  };
  const bin = (next: () => number | undefined, ops: string[], apply: (op: string, a: number, b: number) => number) => (): number | undefined => {
    let a = next();
    while (a !== undefined && ops.includes(peek() ?? '')) {
      const op = tokens[i++];
      const b = next();
      if (b === undefined) return undefined;
      a = apply(op, a, b);
    }
    return a;
  };
  const mul = bin(unary, ['*', '/', '%'], (op, a, b) => (op === '*' ? a * b : b === 0 ? NaN : op === '/' ? Math.trunc(a / b) : a % b));
  const add = bin(mul, ['+', '-'], (op, a, b) => (op === '+' ? a + b : a - b));
  const shift = bin(add, ['<<', '>>'], (op, a, b) => (op === '<<' ? a * 2 ** b : Math.floor(a / 2 ** b)));
  const and = bin(shift, ['&'], (_, a, b) => Number(BigInt(a) & BigInt(b)));
  const xor = bin(and, ['^'], (_, a, b) => Number(BigInt(a) ^ BigInt(b)));
  const or = bin(xor, ['|'], (_, a, b) => Number(BigInt(a) | BigInt(b)));
  try {
    const v = or();
    return i === tokens.length && v !== undefined && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Evaluates an expression node of the tree, with `text` read from the original source. */
export function evalNode(node: SyntaxNode, original: SourceText, scope: ValueScope): Value {
  // Parentheses and casts are unwrapped in a loop, never by recursion: `(int)(int)...1`
  // ten thousand deep would overflow the stack and lose the whole module's model.
  for (;;) {
    const inner = node.type === 'parenthesized_expression' ? node.namedChild(0) : node.type === 'cast_expression' ? node.childForFieldName('value') : null;
    if (!inner) break;
    node = inner;
  }
  const text = original.slice(node.startIndex, node.endIndex);
  switch (node.type) {
    case 'number_literal': {
      const n = parseIntLiteral(text);
      return n === undefined ? { kind: 'expr', text } : { kind: 'number', value: n, text };
    }
    case 'string_literal':
    case 'concatenated_string': {
      const v = evalMacroText(text, scope);
      if (v.kind === 'string') return v;
      const name = macroString(text, scope);
      return name !== undefined ? { kind: 'string', value: name, text } : { kind: 'expr', text };
    }
    case 'true':
    case 'false':
      return { kind: 'bool', value: node.type === 'true', text };
    case 'null':
      return { kind: 'null', text };
    case 'parenthesized_expression':
    case 'cast_expression':
      return { kind: 'expr', text }; // empty: `()`, or a cast without a value
    case 'identifier': {
      if (text === 'NULL') return { kind: 'null', text };
      scope.reads?.add(text);
      if (scope.params.has(text)) return { kind: 'param', name: text, text };
      const m = scope.macros[text];
      if (m && !m.params) {
        const v = m.value ?? evalMacroText(m.body, scope);
        if (v.kind !== 'expr') return { ...v, text } as Value;
      }
      if (text in ERRNO) return { kind: 'number', value: ERRNO[text], text };
      return { kind: 'ident', name: text, text };
    }
    case 'pointer_expression': {
      const arg = node.childForFieldName('argument');
      if (text.trimStart().startsWith('&') && arg?.type === 'identifier') return { kind: 'address', name: arg.text, text };
      return { kind: 'expr', text };
    }
    default: {
      const v = evalMacroText(text, scope);
      if (v.kind === 'number' || v.kind === 'string') return v;
      if (node.type === 'call_expression') {
        const name = macroString(text, scope);
        if (name !== undefined) return { kind: 'string', value: name, text };
      }
      return { kind: 'expr', text };
    }
  }
}

/** A string made by macros (`__stringify(x)`, a function-like #define), else undefined. */
export function macroString(text: string, scope: ValueScope): string | undefined {
  if (text.length > MAX_EXPANSION) return undefined;
  const names = text.match(/[A-Za-z_]\w*/g) ?? [];
  if (scope.reads) for (const n of names) scope.reads.add(n);
  if (!names.some((n) => n === '__stringify' || (Object.prototype.hasOwnProperty.call(scope.macros, n) && scope.macros[n].params))) return undefined;
  const expanded = expandMacros(text, scope);
  if (expanded === undefined) return undefined;
  const v = evalMacroText(expanded, scope);
  return v.kind === 'string' ? v.value : undefined;
}

/** Longest text the macro expander produces (generated names are short; hostile input is not). */
const MAX_EXPANSION = 2000;
const PP_TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_]\w*|\d\w*|##|#|\s+|./g;

/**
 * Expands the macros of TEXT as the preprocessor would for a name: object-like and
 * function-like `#define`s of the module (`#x` stringizes, `##` pastes), and the kernel's
 * `__stringify(x)` (its argument expanded first). Returns undefined when nothing was
 * expanded or the text cannot be expanded (unbalanced, too deep, too long): the caller
 * keeps the source text. Never throws.
 */
export function expandMacros(text: string, scope: ValueScope): string | undefined {
  if (text.length > MAX_EXPANSION) return undefined;
  let changed = false;
  const expand = (src: string, disabled: Set<string>, depth: number): string | undefined => {
    if (depth > 16) return undefined;
    const toks = src.match(PP_TOKEN) ?? [];
    let out = '';
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (!/^[A-Za-z_]\w*$/.test(t) || disabled.has(t)) { out += t; continue; }
      scope.reads?.add(t);
      const m = Object.prototype.hasOwnProperty.call(scope.macros, t) ? scope.macros[t] : undefined;
      const isStringify = t === '__stringify' && !m;
      if (!m && !isStringify) { out += t; continue; }
      if (m && !m.params) {
        const body = expand(m.body, new Set([...disabled, t]), depth + 1);
        if (body === undefined) return undefined;
        out += body;
        changed = true;
        continue;
      }
      // Function-like: needs `(` next (blanks allowed), else it is a plain name.
      let j = i + 1;
      while (j < toks.length && /^\s+$/.test(toks[j])) j++;
      if (toks[j] !== '(') { out += t; continue; }
      const args: string[] = [];
      let depthP = 0;
      let cur = '';
      let k = j + 1;
      for (; k < toks.length; k++) {
        const a = toks[k];
        if (a === '(') depthP++;
        else if (a === ')') { if (depthP === 0) break; depthP--; }
        else if (a === ',' && depthP === 0) { args.push(cur.trim()); cur = ''; continue; }
        cur += a;
      }
      if (k >= toks.length) return undefined; // unbalanced
      args.push(cur.trim());
      i = k;
      changed = true;
      if (isStringify) {
        const inner = expand(args.join(', '), disabled, depth + 1);
        if (inner === undefined) return undefined;
        out += JSON.stringify(inner.replace(/\s+/g, ' ').trim());
        continue;
      }
      const params = m!.params!;
      const variadic = params.length && /\.\.\.$/.test(params[params.length - 1]);
      const names = params.map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '')));
      const argOf = (name: string): string | undefined => {
        const idx = names.indexOf(name);
        if (idx < 0) return undefined;
        if (variadic && idx === names.length - 1) return args.slice(idx).join(', ');
        return args[idx] ?? '';
      };
      // Substitution: `#p` stringizes the raw argument, `a ## b` pastes raw arguments,
      // any other parameter is replaced by its expanded argument; then the result is rescanned.
      const body = m!.body.match(PP_TOKEN) ?? [];
      let sub = '';
      for (let b = 0; b < body.length; b++) {
        const bt = body[b];
        if (bt === '#') {
          let n = b + 1;
          while (n < body.length && /^\s+$/.test(body[n])) n++;
          const raw = argOf(body[n] ?? '');
          if (raw !== undefined) { sub += JSON.stringify(raw.replace(/\s+/g, ' ')); b = n; continue; }
          sub += bt;
          continue;
        }
        if (bt === '##') { sub = sub.replace(/\s+$/, ''); let n = b + 1; while (n < body.length && /^\s+$/.test(body[n])) n++; const raw = argOf(body[n] ?? ''); sub += raw ?? body[n] ?? ''; b = n; continue; }
        let n = b + 1;
        while (n < body.length && /^\s+$/.test(body[n])) n++;
        const raw = argOf(bt);
        if (raw === undefined) { sub += bt; continue; }
        if (body[n] === '##') { sub += raw; continue; }
        const e = expand(raw, disabled, depth + 1);
        if (e === undefined) return undefined;
        sub += e;
      }
      const again = expand(sub, new Set([...disabled, t]), depth + 1);
      if (again === undefined) return undefined;
      out += again;
      if (out.length > MAX_EXPANSION) return undefined;
    }
    return out;
  };
  try {
    const r = expand(text, new Set(), 0);
    return changed && r !== undefined ? r.trim() : undefined;
  } catch {
    return undefined;
  }
}

