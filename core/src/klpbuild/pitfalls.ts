// The source-level pitfalls of a klp-build patch (KLP100–KLP113), found before a build that
// takes tens of minutes: what klp-build refuses, what a livepatch cannot change (struct
// layouts, global data), what the compiler may do to the patch (inlining a one-caller
// static function, __init code), hidden state (static locals), __LINE__ shifts, header
// changes, klp_state needs init.c cannot meet, duplicate callbacks. Findings are on the
// `.patch` file's lines. Pure.
import type { Finding, Severity } from '../findings';
import type { Range } from '../model';
import type { PatchAnalysis, PatchedFile } from './analyze';

/** Macros whose expansion uses __LINE__ (or __FILE__/__LINE__ pairs). */
const LINE_MACRO = /\b(WARN_ON_ONCE|WARN_ON|WARN_ONCE|WARN|BUG_ON|BUG|__LINE__|might_sleep|might_resched|cant_sleep)\s*\(|\b__LINE__\b/;

export function patchFindings(a: PatchAnalysis, severityOf: (code: string) => Severity): Finding[] {
  const lines = a.text.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = (line: number): Range => {
    const l = Math.max(0, Math.min(line, Math.max(0, lines.length - 1)));
    return { start: { line: l, character: 0 }, end: { line: l, character: (lines[l] ?? '').length } };
  };
  const out: Finding[] = [];
  const add = (code: string, line: number, message: string, severity?: Severity) => out.push({ code, severity: severity ?? severityOf(code), message, file: a.patch, range: at(line) });

  for (const p of a.problems) {
    if (p.severity === 'error') add('KLP100', p.line, p.message);
    else add('KLP101', p.line, p.message);
  }
  if (a.approximate && a.files.length) {
    add('KLP112', 0, 'no kernel tree (a folder with Makefile, Kconfig and kernel/ above this patch, or --kernel-tree DIR): the functions are read from the hunks only and are approximate; objects are not known (vmlinux assumed)');
  }

  for (const f of a.files) {
    if (f.unsupported) add('KLP102', f.diff.headerLine, `klp-build refuses patches to ${f.unsupported}: ${f.diff.path} cannot be livepatched with klp-build`);
    fileFindings(f, add);
  }

  for (const s of a.stateCalls) {
    add('KLP110', s.patchLine, `${s.fn}() in '${s.inFunction}': klp-build's livepatch module (scripts/livepatch/init.c) declares no klp_state, so it returns NULL; a state that must be carried from patch to patch cannot be expressed in a klp-build series`);
  }

  const seen = new Map<string, number>();
  for (const c of a.callbacks) {
    const key = `${c.object}\u0000${c.kind}`;
    const prev = seen.get(key);
    if (prev === undefined) { seen.set(key, c.patchLine); continue; }
    add('KLP111', c.patchLine, `a second ${c.kind} callback for ${c.object} ('${c.fn}'; the first is on line ${prev + 1}): each object has one callback of each kind, and the second KLP_${c.kind.toUpperCase()}_CALLBACK() does not link`);
  }

  if (a.log) {
    for (const d of a.log.disagreements) add('KLP113', d.patchLine, d.message);
  }
  return out;
}

type Add = (code: string, line: number, message: string, severity?: Severity) => void;

function fileFindings(f: PatchedFile, add: Add): void {
  const c = f.comparison;
  const path = f.diff.path;
  const firstLine = (l: number) => (l >= 0 ? l : f.diff.headerLine);

  // KLP103: a struct or union whose definition changes.
  for (const t of c.types) {
    if (t.status !== 'changed') continue;
    add('KLP103', firstLine(t.patchLine), `${t.kind} ${t.name} changes layout: objects that already exist keep the old layout, and code the livepatch does not replace still uses it. Keep the ${t.kind} as it is and attach the new data with a shadow variable (klp_shadow_alloc/klp_shadow_get)`);
  }

  // KLP104: changed global data.
  for (const g of c.globals) {
    if (g.status !== 'changed') continue;
    add('KLP104', firstLine(g.patchLine), `global data '${g.name}' changes (its type or initializer): a livepatch replaces functions, not data, and objtool's klp diff stops with "changed data: ${g.name}"; keep the variable and change the code that uses it (or add a shadow variable)`);
  }

  const after = c.afterModel;
  const text = c.afterText;
  for (const fn of c.functions) {
    if (fn.status !== 'changed' || !fn.after) continue;
    const line = firstLine(fn.patchLine);
    const attrs = fn.after.attributes;
    // KLP106: __init/__exit code.
    const initAttr = attrs.find((x) => /^__(init|exit)$/.test(x)) ?? (/\b__(init|exit)\b/.test(fn.after.returnType) ? '__init' : undefined);
    if (initAttr) {
      add('KLP106', line, `'${fn.name}' is ${initAttr} code: it ${initAttr === '__init' ? 'has run at boot (or module load) and its memory is freed' : 'runs only when the object is unloaded or was discarded'}, so patching it has no effect on a running system; change what it set up instead (a callback can redo it)`);
    }
    // KLP105: a static function with one caller may be inlined into it.
    if (text && after && fn.after.isStatic && !attrs.some((x) => /noinline/.test(x)) && !initAttr) {
      const caller = singleCaller(fn.name, text, after.functions);
      if (caller) {
        add('KLP105', line, `static '${fn.name}' has one caller, '${caller}': the compiler may inline it there, and klp-build then replaces '${caller}' as a whole (its diff log names '${caller}' as the changed function). Expect that (a task sleeping in '${caller}' delays the transition), or make '${fn.name}' noinline in the original code`);
      }
    }
    // KLP107: a static local added or changed in a patched function.
    for (const pl of fn.patchLines) {
      const hl = f.diff.hunks.flatMap((h) => h.lines).find((l) => l.patchLine === pl);
      if (!hl || hl.kind !== '+') continue;
      const m = /^\s+static\s+(?!inline\b)(?:const\s+)?[\w\s*]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:=|;)/.exec(hl.text);
      if (!m) continue;
      // Declared in the original function too: klp-build correlates it with the original variable.
      const beforeBody = fn.before && c.beforeText ? c.beforeText.split('\n').slice(fn.before.range.start.line, fn.before.range.end.line + 1).join('\n') : '';
      const existed = new RegExp(`\\bstatic\\b[^;]*\\b${m[1]}\\b`).test(beforeBody);
      add('KLP107', pl, existed
        ? `static local '${m[1]}' of '${fn.name}' is changed: klp-build makes the livepatch use the original variable, which keeps its current value; a new initializer never takes effect`
        : `new static local '${m[1]}' in '${fn.name}': it is a new variable of the livepatch module and starts at its initializer when the patch loads, whatever the original code did before; use a shadow variable if it must survive a cumulative replace`);
    }
  }

  // KLP108: a change group that ends a hunk shifts __LINE__ for the rest of the file.
  if (f.applied && text && after) {
    let delta = 0;
    for (const ah of f.applied.hunks) {
      const h = ah.hunk;
      delta += h.newCount - h.oldCount;
      const last = h.lines[h.lines.length - 1];
      if (!last || last.kind === ' ' || delta === 0) continue;
      const endAfter = ah.newAt + h.newCount;
      const changed = new Set(c.functions.map((x) => x.name));
      const shifted = Object.values(after.functions).filter((g) => !g.isPrototype && g.bodyRange && g.range.start.line >= endAfter && !changed.has(g.name)
        && LINE_MACRO.test(text.split('\n').slice(g.range.start.line, g.range.end.line + 1).join('\n')));
      if (!shifted.length) continue;
      const names = shifted.map((g) => `'${g.name}'`);
      add('KLP108', last.patchLine, `this hunk ends with a change and no context line, so klp-build's fix-patch-lines cannot put a #line after it: every line below moves by ${delta}, and ${names.slice(0, 4).join(', ')}${names.length > 4 ? ` and ${names.length - 4} more` : ''} use${shifted.length === 1 ? 's' : ''} __LINE__ (WARN_ON, BUG_ON, ...), so their code changes and they are patched too. Regenerate the patch with context (diff -u)`);
    }
  }

  // KLP109: a header change reaches every file that includes it.
  if (f.isHeader) {
    const inl = c.functions.filter((x) => x.status !== 'new' && x.after?.isInline || x.before?.isInline);
    const macroLines = f.diff.hunks.flatMap((h) => h.lines).filter((l) => l.kind !== ' ' && /^\s*#\s*define\b/.test(l.text));
    const what = [...inl.map((x) => `inline function '${x.name}'`), ...macroLines.slice(0, 3).map((l) => `macro '${/#\s*define\s+(\w+)/.exec(l.text)?.[1] ?? '?'}'`)];
    const line = inl[0]?.patchLine ?? macroLines[0]?.patchLine;
    if (what.length && line !== undefined && line >= 0) {
      add('KLP109', line, `${path} is a header: changing ${what.join(', ')} changes every function that uses it in every file that includes ${path.split('/').pop()}, and klp-build patches all of them (see its diff log). Prefer changing the callers you mean, or a new function`);
    }
  }
}

/** The one function that calls NAME, when NAME is referenced exactly once besides its definition and prototypes. */
function singleCaller(name: string, text: string, functions: Record<string, { name: string; range: Range; isPrototype: boolean }>): string | undefined {
  const lines = text.split('\n');
  const re = new RegExp(`\\b${name}\\b`, 'g');
  const refs: { line: number; call: boolean }[] = [];
  const def = functions[name];
  lines.forEach((l, i) => {
    const code = l.replace(/\/\/.*$/, '');
    for (const m of code.matchAll(re)) {
      if (def && i === def.range.start.line) continue;
      if (def && !def.isPrototype && i > def.range.start.line && i <= def.range.end.line && /^\w/.test(l)) continue;
      if (/^\s*(static\s+)?[\w\s*]+\b\w+\s*\([^)]*\)\s*;/.test(l) && /\(/.test(code.slice((m.index ?? 0) + name.length).trimStart()[0] ?? '') && !/^\s+/.test(l)) continue; // a prototype
      refs.push({ line: i, call: /^\s*\(/.test(code.slice((m.index ?? 0) + name.length)) });
    }
  });
  if (refs.length !== 1 || !refs[0].call) return undefined;
  const r = refs[0].line;
  const caller = Object.values(functions).find((g) => !g.isPrototype && g.name !== name && g.range.start.line <= r && r <= g.range.end.line);
  return caller?.name;
}
