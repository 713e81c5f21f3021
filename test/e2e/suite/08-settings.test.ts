// The klpStudio.* settings in the real VS Code, changed while the server runs (as a user does
// in the Settings editor): kernelApi (module rules, series findings and the simulator switch
// API level at once), simulate.kernel (the 6.1 profile's sysfs), analysis.maxFileSizeKB (an
// unsaved buffer crosses the limit both ways), and the declarations in package.json.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SimulationRun } from '../../../client/src/simulate';
import { api, cliSimulate, codeOf, codesOf, diagnosticsWith, EXTENSION_ID, open, waitFor, workspaceDir, wsUri } from './helpers';

const config = () => vscode.workspace.getConfiguration('klpStudio');
const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Workspace);
const TRANSCRIPT_HEADER = /^## /;
const transcriptOf = (run: SimulationRun | undefined) => (run?.result.ok ? run.result.transcript : []);

describe('settings', () => {
  before(async () => {
    await api();
  });
  after(async () => {
    for (const k of ['kernelApi', 'simulate.kernel', 'analysis.maxFileSizeKB']) await set(k, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('klpStudio.kernelApi switches the rules, the series findings and the simulator, without an edit', async () => {
    // examples/state-callbacks uses the proposed API: under auto, v4's dropped block_disable
    // state is KLP071 (series); under upstream it is KLP042 (series) and the proposal's
    // fields are KLP078 (module rule).
    const v4 = wsUri('state-callbacks', 'lp_acme_sc_v4.c');
    const scenario = wsUri('state-callbacks', 'upgrade.klpsim');
    await open(v4);
    await diagnosticsWith(v4, 'KLP071');
    assert.ok(!codesOf(v4).includes('KLP078'), codesOf(v4).join());
    const auto = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', scenario);
    assert.ok(transcriptOf(auto).includes("livepatch: The livepatch 'lp_acme_sc_v3' does not support disable"), transcriptOf(auto).join('\n'));

    await set('kernelApi', 'upstream');
    await waitFor('KLP078 and KLP042 instead of KLP071 on lp_acme_sc_v4.c', () => {
      const codes = codesOf(v4);
      return codes.includes('KLP078') && codes.includes('KLP042') && !codes.includes('KLP071');
    }, 10_000);
    const up = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', scenario);
    const lines = transcriptOf(up);
    assert.deepEqual(lines, cliSimulate(scenario.fsPath, ['--kernel-api', 'upstream']));
    assert.ok(lines.includes('livepatch: Livepatch patch (lp_acme_sc_v3) is not compatible with the already installed livepatches.'), lines.join('\n'));
    assert.ok(!lines.some((l) => /does not support disable/.test(l)));

    await set('kernelApi', undefined);
    await waitFor('KLP071 back, KLP078 and KLP042 gone', () => {
      const codes = codesOf(v4);
      return codes.includes('KLP071') && !codes.includes('KLP078') && !codes.includes('KLP042');
    }, 10_000);
  });

  it('klpStudio.simulate.kernel 6.1: no replace file in sysfs, as `--kernel 6.1` prints', async () => {
    const file = path.join(workspaceDir(), 'sysfs.klpsim');
    fs.writeFileSync(file, 'insmod acme_cache.ko\ninsmod lp_acme_v1.ko\ncat /sys/kernel/livepatch/lp_acme_v1/replace\n');
    const scenario = vscode.Uri.file(file);
    const replaceLine = (lines: string[]) => lines[lines.indexOf('% cat /sys/kernel/livepatch/lp_acme_v1/replace') + 1];
    try {
      const latest = transcriptOf(await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', scenario));
      assert.equal(replaceLine(latest), '1');
      await set('simulate.kernel', '6.1');
      const run = await vscode.commands.executeCommand<SimulationRun>('klpStudio.simulateScenario', scenario);
      const old = transcriptOf(run);
      assert.match(replaceLine(old), /replace: No such file or directory$/);
      assert.deepEqual(old, cliSimulate(file, ['--kernel', '6.1']));
      assert.ok(run?.document?.getText().split('\n').filter((l) => !TRANSCRIPT_HEADER.test(l)).some((l) => /No such file or directory/.test(l)), 'the transcript shown says so');
    } finally {
      await set('simulate.kernel', undefined);
      fs.rmSync(file, { force: true });
    }
  });

  it('klpStudio.analysis.maxFileSizeKB: an unsaved buffer over it gets KLPSIZE instead of rules, and back', async () => {
    const v2 = wsUri('lp_acme_v2.c');
    const editor = await open(v2);
    const size = editor.document.getText().length;
    // Module rules (KLP051) and series findings (KLP021) of the saved file.
    const analysed = () => { const c = codesOf(v2); return !c.includes('KLPSIZE') && c.includes('KLP051') && c.includes('KLP021'); };
    await waitFor('module and series findings on lp_acme_v2.c', analysed);
    // A limit just above the file: the saved file is analysed, 2 KiB more in the buffer is not.
    const kb = Math.ceil(size / 1024) + 1;
    await set('analysis.maxFileSizeKB', kb);
    try {
      const grown = `/* ${'x'.repeat(2048)} */\n`;
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), grown));
      const over = await waitFor('only KLPSIZE on the grown buffer', () => {
        const ds = vscode.languages.getDiagnostics(v2).filter((d) => d.source === 'klp-studio');
        return ds.length === 1 && codeOf(ds[0]) === 'KLPSIZE' ? ds[0] : undefined;
      }, 10_000);
      assert.equal(over.severity, vscode.DiagnosticSeverity.Information);
      assert.match(over.message, new RegExp(`larger than klpStudio\\.analysis\\.maxFileSizeKB \\(${kb} KiB\\)`));
      await editor.edit((b) => b.delete(new vscode.Range(new vscode.Position(0, 0), editor.document.positionAt(grown.length))));
      await waitFor('the rules again once the buffer is back under the limit', analysed, 10_000);
    } finally {
      await set('analysis.maxFileSizeKB', undefined);
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('declares every klpStudio.* setting with a scope and a description; VS Code knows their defaults', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { configuration: { properties: Record<string, { scope?: string; markdownDescription?: string; default?: unknown }> } } };
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), ['klpStudio.analysis.maxFileSizeKB', 'klpStudio.kernelApi', 'klpStudio.rules.severity', 'klpStudio.simulate.debug', 'klpStudio.simulate.kernel', 'klpStudio.trace.server']);
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope === 'window' || p.scope === 'resource', `${key} has a scope`);
      assert.ok((p.markdownDescription ?? '').length > 40, `${key} has a markdownDescription`);
      assert.deepEqual(config().inspect(key.slice('klpStudio.'.length))?.defaultValue, p.default, `${key}'s default`);
    }
  });
});
