// What every feature handler receives: the open documents, the workspace index, the
// analysis (models, findings, series) and helpers to turn core locations into LSP ones.
import type { Location } from 'vscode-languageserver/node';
import type { FileHost } from '../../core/src/host';
import type { ModuleModel, Position, Range } from '../../core/src/model';
import { LineIndex } from '../../core/src/text';
import type { Analyzer } from './analysis';
import type { DocumentStore } from './documents';
import type { UriBook } from './uris';
import type { IndexedModule, WorkspaceIndex } from './workspace';

export interface ServerContext {
  docs: DocumentStore;
  index: WorkspaceIndex;
  analyzer: Analyzer;
  /** Open documents over the disk. */
  host: FileHost;
  uris: UriBook;
  log(message: string): void;
}

export function toLocation(ctx: ServerContext, file: string, range: Range): Location {
  return { uri: ctx.uris.uriOf(file), range };
}

/** Text of a file as the server sees it (open document, else disk). */
export function textOf(ctx: ServerContext, path: string): string | undefined {
  return ctx.host.readFile(path);
}

export function linesOf(ctx: ServerContext, path: string): LineIndex | undefined {
  const doc = ctx.docs.get(path);
  if (doc) return ctx.docs.linesOf(doc);
  const text = ctx.host.readFile(path);
  return text === undefined ? undefined : new LineIndex(text);
}

/** The C identifier (or number) under a position, with its range. */
export function wordAt(ctx: ServerContext, path: string, pos: Position): { word: string; range: Range } | undefined {
  const lines = linesOf(ctx, path);
  if (!lines || pos.line >= lines.lineCount) return undefined;
  const line = lines.lineText(pos.line);
  let s = Math.min(pos.character, line.length);
  let e = s;
  while (s > 0 && /\w/.test(line[s - 1])) s--;
  while (e < line.length && /\w/.test(line[e])) e++;
  if (s === e) return undefined;
  return { word: line.slice(s, e), range: { start: { line: pos.line, character: s }, end: { line: pos.line, character: e } } };
}

/** Modules (with fresh models) of a file. */
export function modelsAt(ctx: ServerContext, path: string): { module: IndexedModule; model: ModuleModel }[] {
  return ctx.analyzer.modelsOf(path);
}

/**
 * The modules of the series that contains KEY (oldest first), with their models; a
 * module in no series is a series of its own.
 */
export function seriesModels(ctx: ServerContext, key: string): { key: string; name: string; model: ModuleModel }[] {
  const s = ctx.analyzer.seriesOf(key);
  const keys = s ? s.series.info.modules : [key];
  const out: { key: string; name: string; model: ModuleModel }[] = [];
  for (const k of keys) {
    const m = ctx.index.get(k);
    const model = m && ctx.analyzer.model(k);
    if (m && model) out.push({ key: k, name: m.name, model });
  }
  return out;
}
