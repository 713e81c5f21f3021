// The crash policy: a killed server is restarted and diagnostics come back; the restart
// command starts a fresh process.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, diagnosticsWith, open, positionOf, waitFor, wsUri } from './helpers';

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
});
