// The .klpsim language end to end: an unsaved scenario buffer gets parse errors as
// diagnostics (with the line), completion offers commands and the workspace's module names,
// hover explains a command.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, codeOf, open, waitFor, workspaceDir } from './helpers';

describe('.klpsim scenario language', () => {
  const file = () => path.join(workspaceDir(), 'scratch.klpsim');
  before(async () => {
    await api();
    fs.writeFileSync(file(), 'insmod acme_cache.ko\n');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file(), { force: true });
  });

  it('reports an unknown command of the unsaved buffer on its line, and clears it when fixed', async () => {
    const editor = await open(vscode.Uri.file(file()));
    assert.equal(editor.document.languageId, 'klpsim');
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'frobnicate lp_acme_v1\n'));
    const diag = await waitFor('a scenario parse error', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.range.start.line === 1));
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diag.message, /frobnicate|unknown command/);
    assert.ok(codeOf(diag).length > 0, 'the diagnostic has a code');
    await editor.edit((b) => b.replace(editor.document.lineAt(1).range, 'rmmod acme_cache'));
    await waitFor('the parse error to go away', () => vscode.languages.getDiagnostics(editor.document.uri).length === 0);
  });

  it('completes commands and the livepatch modules of the workspace', async () => {
    const editor = await open(vscode.Uri.file(file()));
    await editor.edit((b) => b.insert(new vscode.Position(editor.document.lineCount, 0), 'insmod lp_'));
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, end);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const m of ['lp_acme_v1', 'lp_acme_v2', 'lp_acme_v3']) assert.ok(labels.some((l) => l.startsWith(m)), `${m} offered among ${labels.slice(0, 20)}`);
    const start = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(0, 0));
    const commands = start.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const c of ['insmod', 'rmmod', 'echo']) assert.ok(commands.some((l) => l.startsWith(c)), `${c} offered at the start of a line among ${commands.slice(0, 20)}`);
  });

  it('explains a command on hover', async () => {
    const editor = await open(vscode.Uri.file(file()));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /insmod|load/i);
  });
});
