// A quick fix offered by the server applies in the editor, and the analysis of the edited
// (unsaved) buffer drops the diagnostic: incremental sync end to end.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, diagnosticsWith, open, waitFor, wsUri } from './helpers';

describe('quick fixes', () => {
  before(async () => {
    await api();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('adds the missing "{ }" terminator of a klp_func array (KLP003)', async () => {
    const uri = wsUri('lp_acme_v3.c');
    const editor = await open(uri);
    const diag = (await diagnosticsWith(uri, 'KLP003')).find((d) => codeOf(d) === 'KLP003')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    // (the API command's CodeActions do not carry their diagnostics back: match the rule's title)
    const fix = actions.find((a) => /terminator/.test(a.title));
    assert.ok(fix, `a quick fix for KLP003 among ${actions.map((a) => a.title)}`);
    assert.equal(fix.kind?.value, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit, 'the fix carries a workspace edit');
    const before = editor.document.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const after = editor.document.getText();
    assert.notEqual(after, before);
    // The array named by the diagnostic now ends with an empty entry.
    const arrayStart = editor.document.offsetAt(diag.range.start);
    const arrayText = after.slice(arrayStart, after.indexOf('};', arrayStart));
    assert.match(arrayText, /\{\s*\}\s*,?\s*$/, `array ends with { }: ${arrayText.slice(-80)}`);
    await waitFor('KLP003 to disappear after the fix', () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'KLP003'));
    assert.ok(editor.document.isDirty, 'the fix is an unsaved edit: nothing was written to disk');
  });
});
