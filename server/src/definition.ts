// textDocument/definition: from an old_name string to the original function (when its
// source is in the workspace), from new_func and callback names to their C functions,
// from state and shadow ids to their #define, and from any identifier to a #define or a
// function of the module.
import type { DefinitionParams, Location } from 'vscode-languageserver/node';
import type { CFunction, ModuleModel } from '../../core/src/model';
import { type ServerContext, toLocation, wordAt } from './context';
import { targetAt } from './navigate';
import { uriToPath } from './uris';

function functionLocation(ctx: ServerContext, fn: CFunction): Location {
  return toLocation(ctx, fn.file, fn.nameRange);
}

/** Definitions of a function named NAME outside module KEY (the original of a patched function). */
function originals(ctx: ServerContext, key: string, name: string): CFunction[] {
  const all = ctx.analyzer.functions(name).filter((fn) => !ctx.index.indexedModulesOf(fn.file).some((m) => m.key === key));
  const defs = all.filter((f) => !f.isPrototype);
  return defs.length ? defs : all;
}

function macroLocation(ctx: ServerContext, model: ModuleModel, name: string | undefined): Location[] {
  const m = name ? model.macros[name] : undefined;
  return m ? [toLocation(ctx, m.file, m.nameRange)] : [];
}

export function definition(ctx: ServerContext, p: DefinitionParams): Location[] | null {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return null;
  const w = wordAt(ctx, path, p.position);
  for (const { module, model } of ctx.analyzer.modelsOf(path)) {
    const t = targetAt(model, path, p.position, w?.word);
    if (t?.kind === 'old_name' && t.func.oldName) {
      const found = originals(ctx, module.key, t.func.oldName);
      if (found.length) return found.map((f) => functionLocation(ctx, f));
      continue;
    }
    if (t?.kind === 'new_func' || (t?.kind === 'callback' && t.name)) {
      const name = t.kind === 'new_func' ? t.name : t.name!;
      const fn = model.functions[name];
      if (fn) return [functionLocation(ctx, fn)];
    }
    if (t?.kind === 'state-id') {
      const locs = macroLocation(ctx, model, t.state.idText);
      if (locs.length) return locs;
    }
    if (t?.kind === 'shadow-id' || t?.kind === 'state-call-id') {
      const locs = macroLocation(ctx, model, t.call.idText);
      if (locs.length) return locs;
    }
    if (t?.kind === 'field' && t.init.value.kind === 'address') {
      // `.objs = objs` is an ident; `&x` an address: both name a variable of the module.
      const name = t.init.value.name;
      const array = [...model.funcArrays, ...model.objArrays, ...model.stateArrays].find((a) => a.name === name);
      if (array) return [toLocation(ctx, array.file, array.nameRange)];
    }
    if (t?.kind === 'field' && t.init.value.kind === 'ident') {
      const name = t.init.value.name;
      const array = [...model.funcArrays, ...model.objArrays, ...model.stateArrays].find((a) => a.name === name);
      if (array) return [toLocation(ctx, array.file, array.nameRange)];
      const fn = model.functions[name];
      if (fn) return [functionLocation(ctx, fn)];
      const locs = macroLocation(ctx, model, name);
      if (locs.length) return locs;
    }
    if (w) {
      const locs = macroLocation(ctx, model, w.word);
      if (locs.length) return locs;
      const fn = model.functions[w.word];
      if (fn && !(fn.file === path && fn.nameRange.start.line === p.position.line)) return [functionLocation(ctx, fn)];
      const array = [...model.funcArrays, ...model.objArrays, ...model.stateArrays].find((a) => a.name === w.word);
      if (array) return [toLocation(ctx, array.file, array.nameRange)];
      const patch = model.patches.find((x) => x.name === w.word && !x.declarationOnly);
      if (patch) return [toLocation(ctx, patch.file, patch.nameRange)];
    }
  }
  return null;
}
