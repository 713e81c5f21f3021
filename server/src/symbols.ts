// textDocument/documentSymbol (outline, breadcrumbs): the patch, its object/func/state
// tables with their entries, and the callback and replacement functions; and
// workspace/symbol: the livepatches of the workspace by module name.
import {
  DocumentSymbol, SymbolInformation, SymbolKind, type DocumentSymbolParams, type WorkspaceSymbolParams,
} from 'vscode-languageserver/node';
import type { ModuleModel, Range } from '../../core/src/model';
import { CALLBACK_KINDS } from '../../core/src/model';
import { type ServerContext } from './context';
import { replaces } from './navigate';
import { uriToPath } from './uris';

function sym(name: string, detail: string, kind: SymbolKind, range: Range, selection: Range, children?: DocumentSymbol[]): DocumentSymbol {
  return DocumentSymbol.create(name || '?', detail, kind, range, selection, children);
}

export function documentSymbolsOf(model: ModuleModel, path: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const rep = replaces(model);
  for (const p of model.patches) {
    if (p.file !== path || p.declarationOnly) continue;
    out.push(sym(p.name, `klp_patch${rep ? ', replace' : ''}`, SymbolKind.Struct, p.range, p.nameRange));
  }
  for (const a of model.objArrays) {
    if (a.file !== path) continue;
    const children = a.entries.map((o) => {
      const cbs = CALLBACK_KINDS.filter((k) => o.callbacks[k]).map((k) =>
        sym(`${k}: ${o.callbacks[k]}`, 'callback', SymbolKind.Event, o.callbacks.ranges[k] ?? o.range, o.callbacks.ranges[k] ?? o.range));
      return sym(o.name ?? 'vmlinux', `klp_object${o.funcsRef ? ` → ${o.funcsRef}` : ''}`, SymbolKind.Module, o.range, o.nameRange ?? o.range, cbs);
    });
    out.push(sym(a.name, 'klp_object[]', SymbolKind.Array, a.range, a.nameRange, children));
  }
  for (const a of model.funcArrays) {
    if (a.file !== path) continue;
    const children = a.entries.map((f) =>
      sym(f.oldName ?? '?', `klp_func → ${f.newFunc ?? '?'}${f.oldSympos ? ` (sympos ${f.oldSympos})` : ''}`, SymbolKind.Function, f.range, f.oldNameRange ?? f.range));
    out.push(sym(a.name, 'klp_func[]', SymbolKind.Array, a.range, a.nameRange, children));
  }
  for (const a of model.stateArrays) {
    if (a.file !== path) continue;
    const children = a.entries.map((s) =>
      sym(`state ${s.idText ?? s.id ?? '?'}`, `klp_state id ${s.id ?? '?'}, version ${s.version}`, SymbolKind.Constant, s.range, s.idRange ?? s.range));
    out.push(sym(a.name, 'klp_state[]', SymbolKind.Array, a.range, a.nameRange, children));
  }
  // Functions with a livepatch role: callbacks and replacements.
  const roles = new Map<string, string[]>();
  const role = (name: string | undefined, what: string) => {
    if (name) roles.set(name, [...(roles.get(name) ?? []), what]);
  };
  for (const a of model.objArrays) for (const o of a.entries) for (const k of CALLBACK_KINDS) role(o.callbacks[k], `${k} callback (${o.name ?? 'vmlinux'})`);
  for (const a of model.stateArrays) for (const s of a.entries) for (const k of CALLBACK_KINDS) role(s.callbacks[k], `${k} callback (state ${s.id ?? '?'})`);
  for (const a of model.funcArrays) for (const f of a.entries) role(f.newFunc, `replaces ${f.oldName ?? '?'}`);
  for (const [name, what] of roles) {
    const fn = model.functions[name];
    if (!fn || fn.file !== path || fn.isPrototype) continue;
    out.push(sym(name, what.join('; '), SymbolKind.Function, fn.range, fn.nameRange));
  }
  out.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  return out;
}

export function documentSymbols(ctx: ServerContext, p: DocumentSymbolParams): DocumentSymbol[] {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return [];
  const first = ctx.analyzer.modelsOf(path)[0];
  return first ? documentSymbolsOf(first.model, path) : [];
}

export function workspaceSymbols(ctx: ServerContext, p: WorkspaceSymbolParams): SymbolInformation[] {
  const q = p.query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const { key, model } of ctx.analyzer.knownModels()) {
    if (!isSubsequence(q, model.name.toLowerCase())) continue;
    const patch = model.patches.find((x) => !x.declarationOnly && x.enableCalls.length) ?? model.patches.find((x) => !x.declarationOnly);
    if (!patch) continue;
    const series = ctx.analyzer.seriesOf(key);
    out.push(SymbolInformation.create(model.name, SymbolKind.Package, patch.nameRange, ctx.uris.uriOf(patch.file), series ? `series ${series.series.info.name} #${series.index + 1}` : 'livepatch'));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Fuzzy match as editors do it: the query's characters appear in order. */
function isSubsequence(q: string, s: string): boolean {
  let i = 0;
  for (const ch of s) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}
