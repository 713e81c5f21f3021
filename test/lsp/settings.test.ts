// Settings changed while the real language server runs (workspace/didChangeConfiguration, as
// VS Code sends it): klpStudio.kernelApi and klpStudio.rules.severity must reach the series
// findings at once, not only module rules (series findings used to refresh on the next edit).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import type { AnalysisStats } from '../../common/src/protocol';
import { copyTree, LspClient, ROOT } from './harness';

const codes = (ds: Diagnostic[]) => [...new Set(ds.map((d) => String(d.code)))].sort();
const has = (ds: Diagnostic[], code: string) => ds.some((d) => String(d.code) === code);

describe('settings changed live (workspace/didChangeConfiguration)', function () {
  this.timeout(30000);
  let dir: string | undefined;
  let c: LspClient | undefined;

  afterEach(async () => {
    if (c) assert.equal(await c.stop(), 0, c.stderr);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    c = dir = undefined;
  });

  const configure = (settings: unknown) => c!.conn.sendNotification('workspace/didChangeConfiguration', { settings: { klpStudio: settings } });

  it('klpStudio.kernelApi: module rules and series findings follow without an edit, both ways', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) this.skip();
    dir = copyTree(path.join(ROOT, 'examples/state-callbacks'), 'klp-settings-');
    const v4 = path.join(dir, 'lp_acme_sc_v4.c');
    c = await LspClient.start({ root: dir });
    await c.indexed();
    await c.open(v4);
    // auto = the proposal: KLP071 (series: a cumulative patch must carry a block_disable state).
    let d = await c.waitDiagnostics(v4, (ds) => has(ds, 'KLP071'), 'KLP071 under auto');
    assert.ok(!has(d, 'KLP042') && !has(d, 'KLP078'), codes(d).join());

    await configure({ kernelApi: 'upstream' });
    // upstream: KLP078 (module rule) and KLP042 (series: a dropped state), KLP071 gone.
    d = await c.waitDiagnostics(v4, (ds) => has(ds, 'KLP078') && has(ds, 'KLP042') && !has(ds, 'KLP071'), 'KLP078 + KLP042 under upstream', 5000);

    await configure({ kernelApi: 'state-callbacks' });
    d = await c.waitDiagnostics(v4, (ds) => has(ds, 'KLP071') && !has(ds, 'KLP042') && !has(ds, 'KLP078'), 'KLP071 again under state-callbacks', 5000);
    assert.ok(has(d, 'KLP021'), codes(d).join());
  });

  it('a change of a setting the analysis does not read (simulate.*) re-analyses nothing; one it reads does', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) this.skip();
    dir = copyTree(path.join(__dirname, 'fixtures/series'), 'klp-settings-');
    const two = path.join(dir, 'lp_two.c');
    c = await LspClient.start({ root: dir });
    await c.indexed();
    await c.open(two);
    await c.waitDiagnostics(two, (ds) => has(ds, 'KLP042'), 'KLP042');
    const runs = async () => (await c!.request<AnalysisStats>('klp/analysisStats', null)).runs;
    const settle = () => new Promise((r) => setTimeout(r, 400));
    await settle();
    const before = await runs();
    await configure({ simulate: { debug: false, kernel: '6.1' }, kernelApi: 'auto', rules: { severity: {} } });
    await settle();
    assert.equal(await runs(), before, 'no analysis run for simulate.* (kernelApi auto and no severities, as before)');
    await configure({ simulate: { debug: false, kernel: '6.1' }, kernelApi: 'upstream', rules: { severity: {} } });
    await settle();
    assert.ok((await runs()) > before, 'kernelApi changed: a run');
  });

  it('klpStudio.rules.severity applies to series findings at once', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) this.skip();
    dir = copyTree(path.join(__dirname, 'fixtures/series'), 'klp-settings-');
    const two = path.join(dir, 'lp_two.c');
    c = await LspClient.start({ root: dir });
    await c.indexed();
    await c.open(two);
    const d = await c.waitDiagnostics(two, (ds) => has(ds, 'KLP042') && has(ds, 'KLP003'), 'KLP042 (series) and KLP003 (module)');
    assert.notEqual(d.find((x) => x.code === 'KLP042')!.severity, 4);
    await configure({ rules: { severity: { KLP042: 'hint' } } });
    await c.waitDiagnostics(two, (ds) => ds.find((x) => x.code === 'KLP042')?.severity === 4, 'KLP042 as a hint', 5000);
    await configure({ rules: { severity: { KLP042: 'off' } } });
    const off = await c.waitDiagnostics(two, (ds) => !has(ds, 'KLP042'), 'KLP042 off', 5000);
    assert.ok(has(off, 'KLP003'), codes(off).join());
  });
});
