// textDocument/codeAction: every fix a rule offers on a finding, as a quick fix with a
// workspace edit (preferred fixes marked). The finding is found again by code and range,
// so clients that drop `Diagnostic.data` still get the fixes. In a folder holding two or
// more livepatch modules and no klp.series, also "Create klp.series from these modules"
// (a source action): the folder is no series until the user says in which order — the
// file is created in natural name order, to be edited, never inferred silently.
import {
  CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix } from '../../core/src/findings';
import { isLivepatchModule } from '../../core/src/rules/context';
import { naturalCompare, SERIES_FILE } from '../../core/src/series/seriesFile';
import { dirname, join } from '../../core/src/workspace/scan';
import type { Range } from '../../core/src/model';
import { comparePositions } from '../../core/src/text';
import { type ServerContext } from './context';
import { SOURCE, toDiagnostic } from './diagnostics';
import { uriToPath } from './uris';

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

export function fixToAction(ctx: ServerContext, fix: Fix, diagnostic: Diagnostic): CodeAction {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of fix.edits) (changes[ctx.uris.uriOf(e.file)] ??= []).push({ range: e.range, newText: e.newText });
  const edit: WorkspaceEdit = { changes };
  const action = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  if (fix.preferred) action.isPreferred = true;
  return action;
}

export function codeActions(ctx: ServerContext, p: CodeActionParams): CodeAction[] {
  const path = uriToPath(p.textDocument.uri);
  if (!path) return [];
  const wants = (kind: string) => !p.context.only || p.context.only.some((k) => kind === k || kind.startsWith(k + '.'));
  const series = wants(CREATE_SERIES_KIND) ? createSeriesAction(ctx, path) : undefined;
  if (!wants(CodeActionKind.QuickFix)) return series ? [series] : [];
  ctx.analyzer.modelsOf(path); // bring the file's modules up to date first
  const findings = ctx.analyzer.findingsFor(path).filter((f) => f.fixes?.length);
  const out: CodeAction[] = [];
  const ours = p.context.diagnostics.filter((d) => d.source === SOURCE);
  const pairs: { finding: Finding; diagnostic: Diagnostic }[] = [];
  if (ours.length) {
    for (const d of ours) {
      const f = findings.find((x) => x.code === d.code && sameRange(x.range, d.range) && x.message === (typeof d.message === 'string' ? d.message : d.message.value).split('\n')[0])
        ?? findings.find((x) => x.code === d.code && sameRange(x.range, d.range));
      if (f) pairs.push({ finding: f, diagnostic: d });
    }
  } else {
    for (const f of findings) if (overlaps(f.range, p.range)) pairs.push({ finding: f, diagnostic: toDiagnostic(f, ctx.uris) });
  }
  for (const { finding, diagnostic } of pairs) for (const fix of finding.fixes ?? []) out.push(fixToAction(ctx, fix, diagnostic));
  if (series) out.push(series);
  return out;
}

/** The kind of the "Create klp.series" action (a source action: it is no fix of a finding). */
export const CREATE_SERIES_KIND = `${CodeActionKind.Source}.createKlpSeries`;

/**
 * "Create klp.series from these modules" for a livepatch source whose folder holds two or
 * more livepatch modules (main file directly in it) and no klp.series: the file lists
 * them in natural name order (`lp_v2` before `lp_v10`), for the user to check and edit.
 */
export function createSeriesAction(ctx: ServerContext, path: string): CodeAction | undefined {
  const own = ctx.analyzer.modelsOf(path).filter(({ model }) => isLivepatchModule(model));
  if (!own.length) return undefined;
  const dir = dirname(own[0].module.key);
  const file = join(dir, SERIES_FILE);
  if (ctx.index.series().includes(file) || ctx.host.readFile(file) !== undefined) return undefined;
  const members: { name: string; key: string }[] = [];
  for (const m of ctx.index.all()) {
    if (dirname(m.key) !== dir) continue;
    const model = ctx.analyzer.model(m.key);
    if (model && isLivepatchModule(model)) members.push({ name: m.name, key: m.key });
  }
  if (members.length < 2) return undefined;
  members.sort((a, b) => naturalCompare(a.name, b.name) || (a.key < b.key ? -1 : 1));
  // A name two modules share is written as the source path (the kernel sees one name; docs/SERIES.md).
  const shared = new Set(members.filter((m, i) => members.findIndex((x) => x.name === m.name) !== i).map((m) => m.name));
  const lines = members.map((m) => (shared.has(m.name) ? m.key.slice(dir.length + 1) : m.name));
  const text = `# Cumulative livepatch series, oldest first (docs/SERIES.md).\n# Created in name order: check the order before relying on it.\n${lines.join('\n')}\n`;
  const uri = ctx.uris.uriOf(file);
  const edit: WorkspaceEdit = {
    documentChanges: [
      { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: true } },
      { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
    ],
  };
  return CodeAction.create(`Create ${SERIES_FILE} from these modules (${members.map((m) => m.name).join(', ')})`, edit, CREATE_SERIES_KIND);
}
