// textDocument/references for system-state ids and shadow-variable ids across the series:
// every klp_state entry, klp_get_state/klp_get_prev_state call and klp_shadow_* call with
// the same id in the patches of the series (the id's #define when declarations are asked).
import type { Location, ReferenceParams } from 'vscode-languageserver/node';
import type { ModuleModel } from '../../core/src/model';
import { type ServerContext, seriesModels, toLocation, wordAt } from './context';
import { targetAt } from './navigate';
import { uriToPath } from './uris';

type IdKind = 'state' | 'shadow';

interface IdQuery {
  id?: number;
  /** The macro name the id is written with, if any. */
  text?: string;
  kinds: Set<IdKind>;
}

function queryAt(model: ModuleModel, path: string, p: ReferenceParams, word?: string): IdQuery | undefined {
  const t = targetAt(model, path, p.position, word);
  if (t?.kind === 'state-id') return { id: t.state.id, text: t.state.idText, kinds: new Set(['state']) };
  if (t?.kind === 'state-call-id') return { id: t.call.id, text: t.call.idText, kinds: new Set(['state']) };
  if (t?.kind === 'shadow-id') return { id: t.call.id, text: t.call.idText, kinds: new Set(['shadow']) };
  // A macro used as an id (on its #define or any use of it).
  const macro = word ? model.macros[word] : undefined;
  if (!macro) return undefined;
  const kinds = new Set<IdKind>();
  if (model.stateArrays.some((a) => a.entries.some((s) => s.idText === word)) || model.stateCalls.some((c) => c.idText === word)) kinds.add('state');
  if (model.shadowCalls.some((c) => c.idText === word)) kinds.add('shadow');
  if (!kinds.size) return undefined;
  const v = macro.value;
  return { id: v?.kind === 'number' ? v.value : undefined, text: word, kinds };
}

function matches(q: IdQuery, id: number | undefined, text: string | undefined): boolean {
  if (q.id !== undefined && id !== undefined) return q.id === id;
  return !!q.text && q.text === text;
}

export function references(ctx: ServerContext, p: ReferenceParams): Location[] | null {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return null;
  const word = wordAt(ctx, path, p.position)?.word;
  for (const { module, model } of ctx.analyzer.modelsOf(path)) {
    const q = queryAt(model, path, p, word);
    if (!q) continue;
    const out: Location[] = [];
    const seen = new Set<string>();
    const add = (file: string, range: Location['range']) => {
      const k = `${file}:${range.start.line}:${range.start.character}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push(toLocation(ctx, file, range));
    };
    for (const s of seriesModels(ctx, module.key)) {
      const m = s.model;
      if (q.kinds.has('state')) {
        for (const a of m.stateArrays) for (const st of a.entries) if (st.idRange && matches(q, st.id, st.idText)) add(st.file, st.idRange);
        for (const c of m.stateCalls) if (matches(q, c.id, c.idText)) add(c.file, c.idRange);
      }
      if (q.kinds.has('shadow')) for (const c of m.shadowCalls) if (matches(q, c.id, c.idText)) add(c.file, c.idRange);
      if (p.context.includeDeclaration) {
        const names = new Set<string>();
        for (const a of m.stateArrays) for (const st of a.entries) if (q.kinds.has('state') && st.idText && matches(q, st.id, st.idText)) names.add(st.idText);
        const calls = [...(q.kinds.has('state') ? m.stateCalls : []), ...(q.kinds.has('shadow') ? m.shadowCalls : [])];
        for (const c of calls) if (matches(q, c.id, c.idText)) names.add(c.idText);
        if (q.text) names.add(q.text);
        for (const n of names) {
          const def = m.macros[n];
          if (def) add(def.file, def.nameRange);
        }
      }
    }
    return out;
  }
  return null;
}
