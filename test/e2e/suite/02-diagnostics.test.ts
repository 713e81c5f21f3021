// Diagnostics from our language server reach VS Code's Problems model: rule codes, source,
// related information pointing at the other patch of a series finding, and the severity
// setting (`klpStudio.rules.severity`) applied live.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, codeOf, diagnosticsWith, open, waitFor, wsUri } from './helpers';

describe('diagnostics', () => {
  before(async () => {
    await api();
  });

  it('reports the deliberate mistakes of the example series with KLP codes', async () => {
    const v3 = wsUri('lp_acme_v3.c');
    await open(v3);
    const diags = await diagnosticsWith(v3, 'KLP003');
    const ours = diags.filter((d) => d.source === 'klp-studio');
    assert.ok(ours.length >= 2, `several klp-studio diagnostics on lp_acme_v3.c, got ${ours.map(codeOf)}`);
    for (const d of ours) assert.match(codeOf(d), /^KLP\d{3}$/);
    const terminator = ours.find((d) => codeOf(d) === 'KLP003')!;
    assert.equal(terminator.severity, vscode.DiagnosticSeverity.Error);
    const doc = await vscode.workspace.openTextDocument(v3);
    assert.match(doc.getText(terminator.range), /\w+/, 'the range covers the array');
  });

  it('points a series finding at the earlier patch (related information)', async () => {
    const v3 = wsUri('lp_acme_v3.c');
    const diags = await diagnosticsWith(v3, 'KLP042');
    const dropped = diags.find((d) => codeOf(d) === 'KLP042')!;
    assert.ok(dropped.relatedInformation?.length, 'KLP042 has related information');
    const files = dropped.relatedInformation!.map((r) => path.basename(r.location.uri.fsPath));
    assert.ok(files.includes('lp_acme_v2.c'), `related information names lp_acme_v2.c, got ${files}`);
  });

  it('publishes diagnostics for files not opened (workspace analysis)', async () => {
    const v1 = wsUri('lp_acme_v1.c');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === v1.toString()), 'lp_acme_v1.c is not open');
    await diagnosticsWith(v1, 'KLP030');
  });

  describe('klpStudio.rules.severity', () => {
    const config = () => vscode.workspace.getConfiguration('klpStudio');
    after(async () => {
      await config().update('rules.severity', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('changes a rule\'s severity and turns a rule off, without a restart', async () => {
      const v3 = wsUri('lp_acme_v3.c');
      await diagnosticsWith(v3, 'KLP003');
      await config().update('rules.severity', { KLP003: 'warning' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('KLP003 as a warning', () => vscode.languages.getDiagnostics(v3).find((d) => codeOf(d) === 'KLP003' && d.severity === vscode.DiagnosticSeverity.Warning));
      await config().update('rules.severity', { KLP003: 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('KLP003 gone while KLP042 stays', () => {
        const codes = vscode.languages.getDiagnostics(v3).map(codeOf);
        return !codes.includes('KLP003') && codes.includes('KLP042');
      });
      await config().update('rules.severity', undefined, vscode.ConfigurationTarget.Workspace);
      const back = await diagnosticsWith(v3, 'KLP003');
      assert.equal(back.find((d) => codeOf(d) === 'KLP003')!.severity, vscode.DiagnosticSeverity.Error);
    });
  });
});
