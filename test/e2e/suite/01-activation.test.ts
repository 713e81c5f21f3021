// The extension loads in a real VS Code extension host, activates cheaply, registers its
// commands and languages, and starts the language server process.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, wsUri } from './helpers';

describe('activation', () => {
  it('runs in the real code-server extension host', () => {
    // Facts of this host, not of a mock: VS Code 1.100.x, served remotely to a web workbench.
    assert.match(vscode.version, /^1\.100\./);
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), 'our extension is installed as a development extension');
  });

  it('activates on the workspace (klp.series / C files) without any command, quickly', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // workspaceContains:**/klp.series activates it on its own; give the host a moment.
    const t0 = Date.now();
    while (!ext.isActive && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ext.isActive, 'activated by the workspace, not by a test calling activate()');
    const a = await api();
    console.log(`      activate() took ${a.activationMs} ms`);
    assert.ok(a.activationMs < 500, `activate() returned in ${a.activationMs} ms (budget 500 ms: it must not wait for the server)`);
  });

  it('starts the language server as a separate process', async () => {
    const a = await api();
    const pid = a.serverPid();
    assert.ok(pid && pid !== process.pid, 'a server pid that is not the extension host');
    process.kill(pid, 0); // throws when no such process
    assert.ok(a.client.isRunning());
    // With the server's Node flags (common/src/serverFlags.ts): what the benchmarks measure.
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv.includes('--max-semi-space-size=2') && argv.some((x) => /^--v8-pool-size=[1-4]$/.test(x)), argv.join(' '));
  });

  it('registers the commands of the "Livepatch" category', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of ['klpStudio.simulateScenario', 'klpStudio.simulateEnable', 'klpStudio.simulateDisable', 'klpStudio.simulateUpgrade', 'klpStudio.showSeriesOverview', 'klpStudio.restartServer']) {
      assert.ok(all.has(c), `command ${c} is registered`);
    }
  });

  it('registers the .klpsim scenario language and the klp.series language', async () => {
    const langs = await vscode.languages.getLanguages();
    assert.ok(langs.includes('klpsim') && langs.includes('klpseries') && langs.includes('klpsim-transcript'));
    const scenario = await vscode.workspace.openTextDocument(wsUri('upgrade.klpsim'));
    assert.equal(scenario.languageId, 'klpsim');
    const series = await vscode.workspace.openTextDocument(wsUri('klp.series'));
    assert.equal(series.languageId, 'klpseries');
  });

  it('comments a scenario line with "#" (language configuration)', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'klpsim', content: 'insmod a.ko\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('editor.action.commentLine');
    assert.equal(doc.lineAt(0).text, '# insmod a.ko');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
