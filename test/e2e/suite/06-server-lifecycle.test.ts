// The crash policy: a killed server is restarted and diagnostics come back; the restart
// command starts a fresh process; klpStudio.maxFileSizeKB keeps big buffers off the wire.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, diagnosticsWith, open, positionOf, waitFor, wsUri } from './helpers';

describe('server lifecycle', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('restarts a crashed server (crash policy) and analyses again', async () => {
    const a = await api();
    const pid = a.serverPid()!;
    const crashes = a.crashCount();
    process.kill(pid, 'SIGKILL');
    const newPid = await waitFor('a new server process', () => (a.serverPid() !== pid && a.client.isRunning() ? a.serverPid() : undefined), 30_000);
    assert.notEqual(newPid, pid);
    assert.equal(a.crashCount(), crashes + 1);
    // The new server analyses edits again: break the v2 terminator in the buffer and see KLP003.
    const uri = wsUri('lp_acme_v2.c');
    const editor = await open(uri);
    const end = positionOf(editor.document, '{ }\n};');
    await editor.edit((b) => b.delete(new vscode.Range(end, end.translate(0, 3))));
    await diagnosticsWith(uri, 'KLP003');
  });

  it('"Restart Language Server" starts a fresh process that is not counted as a crash', async () => {
    const a = await api();
    const pid = a.serverPid();
    const crashes = a.crashCount();
    await vscode.commands.executeCommand('klpStudio.restartServer');
    assert.ok(a.client.isRunning());
    assert.notEqual(a.serverPid(), pid);
    assert.equal(a.crashCount(), crashes);
    await diagnosticsWith(wsUri('lp_acme_v3.c'), 'KLP042');
  });

  it('does not send buffers larger than klpStudio.maxFileSizeKB', async () => {
    const config = vscode.workspace.getConfiguration('klpStudio');
    await config.update('maxFileSizeKB', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const uri = wsUri('lp_acme_v3.c');
      const editor = await open(uri);
      assert.ok(editor.document.getText().length > 1024);
      const diag = (await diagnosticsWith(uri, 'KLP003')).find((d) => codeOf(d) === 'KLP003')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, 'quickfix');
      const fix = actions.find((x) => /terminator/.test(x.title));
      assert.ok(fix?.edit);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      // The same edit made the diagnostic go away in the quick-fix test; here the server never sees it.
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok(editor.document.isDirty, 'still an unsaved edit');
      assert.ok(vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'KLP003'), 'the unsent edit was not analysed');
    } finally {
      await config.update('maxFileSizeKB', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
