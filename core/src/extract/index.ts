// Entry point of C extraction: the sources of one module in, its ModuleModel out.
//
// Two passes over the top-level declarations of every file: the first collects #defines
// and module parameter names (values in one file may use macros of another), the second
// extracts tables, functions and calls with values resolved against them. Extraction
// never throws; what does not parse is simply not in the model.
import type { MacroDef, ModuleModel, SourceText } from '../model';
import { parsePrepared, prepareSource } from '../cparse/parser';
import { LineIndex } from '../text';
import { evalMacroText, ValueScope } from './values';
import { extractFile, FileFacts, fillBodyFacts, ParsedSource, scanFileScope } from './file';
import type { CFunction } from '../model';
import type { SyntaxNode } from '../cparse/parser';

export type { ParsedSource } from './file';

/** Kernel module name of a source or .ko path: basename without extension, `-` -> `_`. */
export function moduleNameOf(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.(c|ko|o|h)$/, '').replace(/-/g, '_');
}

/**
 * Extracts the model of one module from its sources (main file first, then the other
 * files of a multi-file module and the local headers it includes). Requires
 * `initParser()` to have resolved.
 */
export function extractModule(name: string, sources: SourceText[]): ModuleModel {
  const parsed: ParsedSource[] = [];
  try {
    for (const s of sources) {
      const tree = parsePrepared(prepareSource(s.text).text);
      if (tree) parsed.push({ path: s.path, text: s.text, tree, lines: new LineIndex(s.text) });
    }
    return extractModuleFromParsed(name, parsed);
  } finally {
    for (const p of parsed) p.tree.delete();
  }
}

/** Same as extractModule, from trees the caller owns (the language server's documents). */
export function extractModuleFromParsed(name: string, files: ParsedSource[]): ModuleModel {
  const model: ModuleModel = {
    name, files: files.map((f) => f.path), patches: [], funcArrays: [], objArrays: [], stateArrays: [],
    functions: {}, macros: {}, params: [], shadowCalls: [], stateCalls: [], includes: [], moduleInfo: [],
    globals: {}, isLivepatch: false, apiLevel: 'upstream', syntaxErrors: [],
  };
  try {
    const macros: Record<string, MacroDef> = {};
    const params = new Set<string>();
    for (const f of files) {
      const s = scanFileScope(f);
      for (const m of s.macros) macros[m.name] ??= m;
      for (const p of s.paramNames) params.add(p);
    }
    const scope: ValueScope = { macros, params };
    for (const m of Object.values(macros)) if (!m.params) m.value = evalMacroText(m.body, scope);
    model.macros = macros;

    const all: FileFacts[] = files.map((f) => extractFile(f, scope));
    fillRelevantBodies(files, all, scope);
    for (const facts of all) {
      model.patches.push(...facts.patches);
      model.funcArrays.push(...facts.funcArrays);
      model.objArrays.push(...facts.objArrays);
      model.stateArrays.push(...facts.stateArrays);
      model.params.push(...facts.params);
      model.shadowCalls.push(...facts.shadowCalls);
      model.stateCalls.push(...facts.stateCalls);
      model.includes.push(...facts.includes);
      model.syntaxErrors.push(...facts.syntaxErrors);
      for (const fn of facts.functions) {
        const prev = model.functions[fn.name];
        if (!prev || (prev.isPrototype && !fn.isPrototype)) model.functions[fn.name] = fn;
      }
      for (const g of facts.globals) {
        if (!model.globals[g.name] || g.init) model.globals[g.name] = { name: g.name, type: g.type, isStatic: g.isStatic, file: g.file, range: g.range };
      }
      for (const u of facts.macroUses) {
        const use = { file: u.file, range: u.range, args: u.args };
        if (u.name === 'MODULE_INFO') model.moduleInfo.push(use);
        else if (u.name === 'MODULE_LICENSE') model.license ??= use;
        else if (u.name === 'module_init' || u.name === 'late_initcall' || u.name === 'device_initcall') model.moduleInit ??= use;
        else if (u.name === 'module_exit') model.moduleExit ??= use;
      }
    }

    // Module parameters: initial values from the variables' initializers.
    for (const p of model.params) {
      for (const facts of all) {
        const g = facts.globals.find((x) => x.name === p.name && x.init);
        if (g?.init) p.initial = evalMacroText(files.find((f) => f.path === g.file)!.text.slice(g.init.startIndex, g.init.endIndex), { macros, params: new Set() });
      }
    }

    // Patches: attach klp_enable_patch() calls and run-time field assignments to the
    // definition (a forward declaration and the definition share the name).
    const byName = new Map<string, ModuleModel['patches'][number]>();
    for (const p of model.patches) if (!p.declarationOnly || !byName.has(p.name)) byName.set(p.name, p);
    for (const facts of all) {
      for (const c of facts.enableCalls) byName.get(c.variable)?.enableCalls.push({ range: c.range, inFunction: c.inFunction, resultReturned: c.resultReturned });
      for (const a of facts.fieldAssignments) {
        const p = byName.get(a.variable);
        if (p && a.field === 'replace') p.replace.assignments.push({ value: a.value, range: a.range, inFunction: a.inFunction });
      }
    }
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
  } catch {
    // Never throw: keep whatever was extracted before the unexpected shape.
  }
  return model;
}

/**
 * Body facts are extracted for the functions an analysis can ask about (see
 * CFunction.hasBodyFacts), not for every helper of a 50,000-line extracted source.
 */
function fillRelevantBodies(files: ParsedSource[], all: FileFacts[], scope: ValueScope): void {
  const where = new Map<string, { fn: CFunction; body: SyntaxNode; src: ParsedSource; facts: FileFacts }[]>();
  all.forEach((facts, i) => {
    for (const [fn, body] of facts.bodies) {
      const list = where.get(fn.name) ?? [];
      list.push({ fn, body, src: files[i], facts });
      where.set(fn.name, list);
    }
  });
  const queue: string[] = [];
  const want = (name: string | undefined) => { if (name && where.has(name)) queue.push(name); };
  // Functions that use the livepatch API (shadow variables, states, klp_enable_patch).
  for (const [name, defs] of where) {
    if (defs.some((d) => { const i = d.src.text.indexOf('klp_', d.body.startIndex); return i >= 0 && i < d.body.endIndex; })) want(name);
  }
  for (const facts of all) {
    for (const a of facts.objArrays) for (const o of a.entries) for (const k of ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch'] as const) want(o.callbacks[k]);
    for (const a of facts.stateArrays) for (const st of a.entries) for (const k of ['pre_patch', 'post_patch', 'pre_unpatch', 'post_unpatch', 'shadow_dtor'] as const) want(st.callbacks[k]);
    for (const a of facts.funcArrays) for (const f of a.entries) want(f.newFunc);
    for (const u of facts.macroUses) if (/^(module_init|module_exit|late_initcall|device_initcall)$/.test(u.name)) want(u.args[0]);
  }
  const done = new Set<string>();
  while (queue.length) {
    const name = queue.pop()!;
    if (done.has(name)) continue;
    done.add(name);
    for (const d of where.get(name) ?? []) {
      const before = d.facts.shadowCalls.length;
      fillBodyFacts(d.fn, d.body, d.src, scope, d.facts);
      for (const c of d.fn.calls) want(c.callee);
      for (const sc of d.facts.shadowCalls.slice(before)) { want(sc.ctor); want(sc.dtor); }
    }
  }
}

/** Normalises `a/./b/../c` path segments (no file system access). */
export function normalize(p: string): string {
  const out: string[] = [];
  const abs = p.startsWith('/');
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}
