// textDocument/codeAction: every fix a rule offers on a finding, as a quick fix with a
// workspace edit (preferred fixes marked). The finding is found again by code and range,
// so clients that drop `Diagnostic.data` still get the fixes.
import {
  CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix } from '../../core/src/findings';
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
  if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || k.startsWith(CodeActionKind.QuickFix + '.') || k === 'quickfix')) return [];
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
  return out;
}
