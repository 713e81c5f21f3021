// Rules comparing a replacement function (new_func) with what it replaces (KLP010–KLP013):
// how it is declared, and, where the original's source is in the workspace
// (RuleContext.lookupFunction), its parameter count and whether it can be patched at all.
import type { CFunction, ModuleModel } from '../model';
import { funcUses, plural, removeWordEdit, Reporter, where } from './context';

export function replacementRules(m: ModuleModel, out: Reporter): void {
  const reported010 = new Set<string>();
  const reported013 = new Set<string>();
  for (const { entry, object } of funcUses(m)) {
    const fn = entry.newFunc ? m.functions[entry.newFunc] : undefined;
    const refRange = entry.newFuncRange ?? entry.range;

    if (fn && !fn.isPrototype) {
      // KLP010: `inline` (kernel: implies notrace) or notrace.
      if (out.on('KLP010') && !reported010.has(fn.name)) {
        const notrace = fn.attributes.includes('notrace');
        const plainInline = fn.isInline && !fn.attributes.includes('__always_inline') && !fn.attributes.includes('noinline');
        if (notrace || plainInline) {
          reported010.add(fn.name);
          const word = notrace ? 'notrace' : 'inline';
          const edit = removeWordEdit(out.ctx, fn.file, fn.range.start, fn.nameRange.start, word);
          out.add('KLP010', fn.file, fn.nameRange,
            `replacement function '${fn.name}' is declared ${notrace ? 'notrace' : "'inline' (which the kernel defines to imply notrace)"}: the function tracer and kprobes cannot see it, so the patched code cannot be traced or probed in production. (Livepatching itself is not affected: later patches hook the original function's entry, not the replacement.) Remove '${notrace ? 'notrace' : 'inline'}' unless that is intended.`,
            { related: [{ file: entry.file, range: refRange, message: `used as new_func for '${entry.oldName ?? '?'}'` }],
              fixes: edit ? [{ title: `Remove '${word}'`, edits: [edit], preferred: true }] : undefined });
        }
      }
      // KLP013: not static (a replacement used by a table in another file has to be global).
      if (out.on('KLP013') && !fn.isStatic && fn.file === entry.file && !reported013.has(fn.name)) {
        reported013.add(fn.name);
        out.add('KLP013', fn.file, fn.nameRange,
          `replacement function '${fn.name}' is not static: a global symbol can clash with a kernel symbol of the same name. Make it static.`,
          { fixes: [{ title: `Make '${fn.name}' static`, edits: [{ file: fn.file, range: { start: fn.range.start, end: fn.range.start }, newText: 'static ' }], preferred: true }] });
      }
    }

    if (!entry.oldName) continue;
    const originals = out.ctx.lookupFunction(entry.oldName).filter((o) => o !== fn && !(fn && o.file === fn.file && o.name === fn.name));
    if (!originals.length) continue;
    const defs = originals.filter((o) => !o.isPrototype);
    const known = defs.length ? defs : originals;

    // KLP011: parameter count.
    if (out.on('KLP011') && fn && !fn.variadic && !known.some((o) => o.variadic)) {
      const counts = new Set(known.map((o) => o.params.length));
      if (!counts.has(fn.params.length)) {
        const o = known[0];
        out.add('KLP011', entry.file, refRange,
          `'${fn.name}' takes ${plural(fn.params.length, 'parameter')} but '${entry.oldName}' (${where(o.file, o.nameRange)}) takes ${o.params.length}: the replacement is called with the original's arguments and would read them wrongly. Give '${fn.name}' the original's exact signature.`,
          { related: [
            { file: o.file, range: o.nameRange, message: `original: ${signature(o)}` },
            { file: fn.file, range: fn.nameRange, message: `replacement: ${signature(fn)}` },
          ] });
      }
    }

    // KLP012: the original cannot be patched.
    if (out.on('KLP012')) {
      // Only when every candidate agrees: same-named static functions elsewhere must not count.
      const verdicts = known.map((o) => ({ o, why: unpatchable(o) }));
      const bad = verdicts.every((x) => x.why) ? verdicts[0] : undefined;
      if (bad) {
        out.add('KLP012', entry.file, entry.oldNameRange ?? entry.range,
          `'${entry.oldName}' (${where(bad.o.file, bad.o.nameRange)}${object?.name ? `, module '${object.name}'` : ''}) is ${bad.why!.what}: ${bad.why!.effect}. Patch its callers instead.`,
          { related: [{ file: bad.o.file, range: bad.o.nameRange, message: `'${entry.oldName}' is ${bad.why!.what}` }] });
      }
    }
  }
}

function unpatchable(o: CFunction): { what: string; effect: string } | undefined {
  if (o.attributes.includes('__init')) return { what: 'marked __init', effect: 'its code is freed once boot (or the module\'s init) is over, so there is nothing left to patch' };
  if (o.attributes.includes('__exit')) return { what: 'marked __exit', effect: 'exit code runs once at unload (and is discarded from built-in code), so patching it has no useful effect' };
  if (o.attributes.includes('notrace')) return { what: 'marked notrace', effect: 'it has no ftrace location, so klp_enable_patch() cannot redirect it' };
  if (o.isInline && !o.attributes.includes('noinline') && !o.isPrototype) return { what: "declared 'inline' (which implies notrace)", effect: 'it is usually inlined into its callers, so redirecting the symbol changes nothing for them' };
  return undefined;
}

/**
 * What KLP011 and KLP012 read of an original found by RuleContext.lookupFunction: two lookups
 * whose results have the same keys give the same findings (the language server checks a
 * livepatch again when the originals it looked up change).
 */
export function originalKey(f: CFunction): string {
  return JSON.stringify([f.file, f.name, f.nameRange, f.isPrototype, f.variadic, f.isInline, f.attributes, f.returnType, f.params]);
}

function signature(f: CFunction): string {
  const ps = f.params.map((p) => (p.name ? `${p.type} ${p.name}`.replace(/\* /g, '*') : p.type));
  if (f.variadic) ps.push('...');
  return `${f.returnType} ${f.name}(${ps.join(', ') || 'void'})`;
}
