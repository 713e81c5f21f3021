// The simulation commands: a scenario from the editor, the code-lens commands, errors, and the
// series overview. The transcript VS Code shows must equal what the CLI prints for the same
// files (same core, two adapters).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SimulationRun } from '../../../client/src/simulate';
import { api, cliSimulate, open, workspaceDir, wsUri } from './helpers';

const TRANSCRIPT_HEADER = /^## /;

describe('simulation commands', () => {
  before(async () => {
    await api();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Simulate Scenario runs the active .klpsim and shows the same transcript as the CLI', async () => {
    const scenario = wsUri('upgrade.klpsim');
    await open(scenario);
    const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario');
    assert.ok(run?.result.ok, `simulation ok: ${JSON.stringify(run?.result).slice(0, 400)}`);
    const shown = run.document!;
    assert.equal(shown.uri.scheme, 'klp-transcript');
    assert.equal(shown.languageId, 'klpsim-transcript');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document === shown), 'the transcript is visible');
    const lines = shown.getText().replace(/\n$/, '').split('\n').filter((l) => !TRANSCRIPT_HEADER.test(l));
    assert.deepEqual(lines, cliSimulate(scenario.fsPath));
    assert.ok(lines.includes('% insmod lp_acme_v1.ko'));
    assert.ok(lines.some((l) => l.startsWith('livepatch: ')), 'kernel log lines');
  });

  it('uses the unsaved editor text of the scenario', async () => {
    const editor = await open(wsUri('upgrade.klpsim'));
    await editor.edit((b) => b.insert(new vscode.Position(editor.document.lineCount, 0), '\nls /sys/kernel/livepatch\n'));
    const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario');
    assert.ok(run?.result.ok);
    const transcript = run.result.ok ? run.result.transcript : [];
    assert.equal(transcript.filter((l) => l === '% ls /sys/kernel/livepatch').length, 4, 'the appended command ran (3 in the file + 1 unsaved)');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('the "Simulate upgrade from" lens command upgrades the previous patch of the series', async () => {
    const v2 = wsUri('lp_acme_v2.c');
    await open(v2);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', v2);
    const lens = lenses.find((l) => l.command?.title === 'Simulate upgrade from lp_acme_v1');
    assert.ok(lens?.command, 'the upgrade lens');
    const run = await vscode.commands.executeCommand<SimulationRun>(lens.command.command, ...(lens.command.arguments ?? []));
    assert.ok(run?.result.ok, JSON.stringify(run?.result).slice(0, 400));
    assert.deepEqual(run.target, { kind: 'upgrade', module: 'lp_acme_v2', from: 'lp_acme_v1' });
    const text = run.document!.getText();
    const v1 = text.indexOf('% insmod lp_acme_v1.ko'), v2at = text.indexOf('% insmod lp_acme_v2.ko');
    assert.ok(v1 >= 0 && v2at > v1, `v1 then v2 is loaded:\n${text}`);
    assert.match(text.slice(v2at), /livepatch: /);
  });

  it('the "Simulate enable" lens command enables one patch', async () => {
    const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateEnable', { module: 'lp_acme_v1', uri: wsUri('lp_acme_v1.c').toString() });
    assert.ok(run?.result.ok);
    assert.ok(run.result.ok && run.result.transcript.includes('% insmod lp_acme_v1.ko'));
  });

  it('Simulate Disabling a Patch enables, disables and unloads it', async () => {
    const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateDisable', { module: 'lp_acme_v2', uri: wsUri('lp_acme_v2.c').toString() });
    assert.ok(run?.result.ok, JSON.stringify(run?.result).slice(0, 400));
    const lines = run.result.ok ? run.result.transcript : [];
    const at = ['% insmod lp_acme_v2.ko', '% echo 0 > /sys/kernel/livepatch/lp_acme_v2/enabled', '% rmmod lp_acme_v2'].map((c) => lines.indexOf(c));
    assert.ok(at.every((i) => i >= 0) && at[0] < at[1] && at[1] < at[2], `enable, disable, rmmod in order:\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /unpatching/.test(l)), 'an unpatching transition is logged');
  });

  it('drops the pr_debug lines when klpStudio.simulate.debug is off, as `--no-debug` does', async () => {
    const config = vscode.workspace.getConfiguration('klpStudio');
    const scenario = wsUri('upgrade.klpsim');
    await config.update('simulate.debug', false, vscode.ConfigurationTarget.Workspace);
    try {
      const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', scenario);
      assert.ok(run?.result.ok);
      const lines = run.result.ok ? run.result.transcript : [];
      assert.ok(!lines.some((l) => /initializing (patching|unpatching) transition/.test(l)), 'no "initializing" pr_debug line');
      assert.deepEqual(lines, cliSimulate(scenario.fsPath, ['--no-debug']));
      const withDebug = cliSimulate(scenario.fsPath);
      assert.ok(withDebug.length > lines.length, 'the debug transcript is longer');
    } finally {
      await config.update('simulate.debug', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('reports a broken scenario with its line instead of a transcript', async () => {
    const bad = path.join(workspaceDir(), 'broken.klpsim');
    fs.writeFileSync(bad, 'insmod lp_acme_v1.ko\nfrobnicate now\n');
    try {
      const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', vscode.Uri.file(bad));
      assert.ok(run && !run.result.ok, 'not ok');
      assert.ok(!run.result.ok && run.result.errors.some((e) => e.line === 2 || /frobnicate/.test(e.message)), JSON.stringify(run.result));
    } finally {
      fs.rmSync(bad);
    }
  });

  it('Show Series Overview lists the patches in order with the series findings', async () => {
    await open(wsUri('lp_acme_v2.c'));
    const shown = await vscode.commands.executeCommand<{ title: string; html: string }>('klpStudio.showSeriesOverview');
    assert.ok(shown, 'an overview panel');
    const html = shown.html;
    // rendered: no Markdown source and no raw URI in what the user reads
    const text = html.replace(/<script[^]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
    assert.doesNotMatch(text, /file:\/\/|\]\(|\|---/, 'no raw links or Markdown in the rendered text');
    assert.match(html, /<a href="#" class="src" data-uri="file:\/\/[^"]*lp_acme_v3\.c" data-line="\d+"/, 'links carry the file to open');
    const at = ['lp_acme_v1', 'lp_acme_v2', 'lp_acme_v3'].map((p) => html.indexOf('<code>' + p + '</code>'));
    assert.ok(at.every((i) => i >= 0) && at[0] < at[1] && at[1] < at[2], `patches in series order:\n${text}`);
    assert.match(text, /KLP042/, 'the dropped-state finding is listed');
    assert.match(shown.title, /^Series \S/);
    assert.match(text, /reverted \(NOP\)/, 'version_proc_show is reverted by a NOP in v3');
  });
});
