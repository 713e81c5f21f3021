// Cancelling the workspace index from the client (window/workDoneProgress/cancel), as a user
// does with the Cancel button of VS Code's "Indexing livepatch modules" notification on a
// large tree: the scan stops, the server says so, the index keeps what it had (nothing is
// reported from a half-read tree), the server keeps answering, and the next structural
// change indexes the workspace in full. Cancelling after the scan, while the modules are
// analysed (server/src/cancelAnalysis.ts), stops that analysis: what is left is put off,
// nothing half-done is shown, and it is analysed when opened or at the next index; a folder
// without klp.series whose analysis had begun is finished (its modules read each other).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateLargeSource, generateSeries } from '../../bench/generate';
import type { AnalysisStats } from '../../common/src/protocol';
import { LspClient, uri } from './harness';
import { checkJson, editorByFile } from './parity';

const FIXTURE = path.join(__dirname, 'fixtures/series');

interface Progress {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; cancellable?: boolean };
}

/**
 * Cancels the index once its scan is done and the analysis under way, as a user would;
 * returns the progress begin and the server's log line about the cancel.
 */
async function cancelWhileAnalysing(client: LspClient): Promise<{ begin: Progress; line: string }> {
  const progress = () => client.progress as Progress[];
  const begin = await client.until(() => progress().find((p) => p.value.kind === 'begin'), 'progress begin');
  await client.until(() => progress().some((p) => p.token === begin.token && p.value.kind === 'report' && (p.value.message ?? '').startsWith('analysing')), 'the analysis phase', 30000);
  await client.conn.sendNotification('window/workDoneProgress/cancel', { token: begin.token });
  const line = await client.until(() => client.logs.find((l) => l.startsWith('indexing cancelled while analysing')), 'the cancellation', 30000);
  return { begin, line };
}

/** Waits for the end of the server's first analysis run (the one a cancel stopped). */
async function firstRunEnded(client: LspClient): Promise<void> {
  for (let t = Date.now(); (await client.request<AnalysisStats>('klp/analysisStats', undefined)).runs < 1; ) {
    assert.ok(Date.now() - t < 60000, 'the cancelled analysis run ends');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cancelling the workspace index (LSP work-done progress)', function () {
  this.timeout(120000);
  let dir: string;
  let c: LspClient | undefined;

  before(() => {
    // A tree large enough that its scan takes seconds: 24,000 small C files that are not
    // livepatches, and one series (from the fixtures) in a folder of its own.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-cancel-'));
    for (let d = 0; d < 40; d++) {
      const sub = path.join(dir, 'drivers', `d${d}`);
      fs.mkdirSync(sub, { recursive: true });
      for (let i = 0; i < 600; i++) fs.writeFileSync(path.join(sub, `f${i}.c`), `static int f_${d}_${i}(int x)\n{\n\treturn x + ${i};\n}\n`);
    }
    fs.cpSync(FIXTURE, path.join(dir, 'livepatch'), { recursive: true });
  });

  after(async () => {
    if (c) await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops the scan, keeps the index as it was, and indexes again on the next change', async () => {
    c = await LspClient.start({ root: dir });
    const client = c;
    const progress = () => client.progress as Progress[];
    const begin = await client.until(() => progress().find((p) => p.value.kind === 'begin'), 'progress begin');
    assert.equal(begin.value.title, 'Indexing livepatch modules');
    assert.equal(begin.value.cancellable, true, 'the index can be cancelled');
    // Cancel once the scan is under way (it has reported files read), as a user would.
    await client.until(() => progress().some((p) => p.token === begin.token && p.value.kind === 'report' && /files read/.test(p.value.message ?? '')), 'a progress report');
    await client.conn.sendNotification('window/workDoneProgress/cancel', { token: begin.token });

    await client.until(() => client.logs.find((l) => l.startsWith('indexing cancelled')), 'the cancellation', 30000);
    await client.until(() => progress().some((p) => p.token === begin.token && p.value.kind === 'end'), 'progress end');
    assert.ok(!client.logs.some((l) => l.startsWith('indexed ')), `no index was completed: ${client.logs.join('\n')}`);
    const two = path.join(dir, 'livepatch/lp_two.c');
    assert.equal(client.diagnostics.get(uri(two)), undefined, 'nothing is reported from a half-read tree');

    // The server still answers, and an opened file is analysed on its own.
    const symbols = await client.conn.sendRequest('workspace/symbol', { query: 'f_0_1' });
    assert.ok(Array.isArray(symbols));
    await client.open(two, fs.readFileSync(two, 'utf8'));
    await client.waitDiagnostics(two, (ds) => ds.some((d) => d.code === 'KLP003'), 'diagnostics of the opened file');
    await client.close(two);

    // A structural change (a new livepatch source) indexes the whole workspace again.
    const added = path.join(dir, 'livepatch/extra.c');
    fs.writeFileSync(added, '#include <linux/livepatch.h>\nstatic struct klp_patch extra_patch;\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 1 }] });
    const log = await client.indexed(60000);
    assert.match(log, /^indexed \d+ modules/);
    const one = path.join(dir, 'livepatch/lp_one.c');
    await client.until(() => client.diagnostics.get(uri(one)), 'diagnostics of a module that is not open, after the full index', 30000);
  });
});

describe('cancelling the workspace index while it analyses (LSP work-done progress)', function () {
  this.timeout(120000);
  let dir: string;
  let c: LspClient | undefined;

  before(() => {
    // A workspace whose analysis takes seconds: a cumulative series of 100 patches of 2,000
    // lines each (bench/generate.ts) with its klp.series, and after it (modules are analysed
    // in key order) the fixture series, whose lp_two.c has findings of its own.
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'klp-cancel-analysis-')));
    fs.mkdirSync(path.join(dir, 'a-series'));
    for (const [name, text] of generateSeries(100, 2000)) fs.writeFileSync(path.join(dir, 'a-series', name), text);
    fs.cpSync(FIXTURE, path.join(dir, 'b-series'), { recursive: true });
  });

  after(async () => {
    if (c) await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops the analysis, publishes nothing half-done, and analyses the rest when opened or at the next index', async () => {
    c = await LspClient.start({ root: dir });
    const client = c;
    const progress = () => client.progress as Progress[];
    const stats = () => client.request<AnalysisStats>('klp/analysisStats', undefined);
    const { begin, line } = await cancelWhileAnalysing(client);
    await client.until(() => progress().some((p) => p.token === begin.token && p.value.kind === 'end'), 'progress end', 5000);
    const [, done, total] = /: (\d+) of (\d+) modules analysed; the other \d+ are analysed when/.exec(line) ?? [];
    assert.ok(done !== undefined, `the log line says how far the analysis got: ${line}`);
    assert.equal(Number(total), 102, 'the index found every module (the scan was not what was cancelled)');
    assert.ok(Number(done) < Number(total), line);
    assert.ok(!client.logs.some((l) => l.startsWith('indexed ')), `the index is not said to be complete: ${client.logs.join('\n')}`);

    // The server answers, and fewer modules were analysed than exist.
    const after = await stats();
    assert.ok(after.coverage, 'klp/analysisStats reports the coverage');
    assert.equal(after.coverage.modules, 102);
    assert.ok(after.coverage.deferred > 0 && after.coverage.analysed + after.coverage.deferred <= after.coverage.modules, JSON.stringify(after.coverage));
    const symbols = await client.conn.sendRequest('workspace/symbol', { query: 'livepatch_big_fn_1' });
    assert.ok(Array.isArray(symbols));

    // Nothing half-done was published: what the editor shows is what check shows, file by
    // file (the series is held back while some of its patches are not analysed; here every
    // finding of a-series is a series finding).
    const cli = checkJson(dir).byFile;
    const last = path.join(dir, 'a-series/lp_100.c');
    const two = path.join(dir, 'b-series/lp_two.c');
    // Wait for the end of the analysis run that was under way (it publishes once, at its end;
    // it was the first run of the server).
    await firstRunEnded(client);
    for (const [file, list] of editorByFile(client, dir)) assert.deepEqual(list, cli.get(file), `${file}: partial or stale diagnostics`);
    assert.equal(client.diagnostics.get(uri(last)), undefined, 'lp_100.c was not analysed');
    assert.equal(client.diagnostics.get(uri(two)), undefined, 'lp_two.c was not analysed');

    // Opening a file that was not analysed gives its diagnostics: its module and, the user
    // looking at it, the rest of its series (its findings are series findings).
    await client.open(last);
    const want = cli.get('a-series/lp_100.c');
    assert.ok(want?.some((l) => / KLP021 /.test(l)), 'check reports series findings on lp_100.c');
    await client.until(() => JSON.stringify(editorByFile(client, dir).get('a-series/lp_100.c')) === JSON.stringify(want), 'the diagnostics of the opened file, as check gives them', 60000);
    await client.close(last);
    // b-series was not opened: still put off, still nothing shown.
    const opened = await stats();
    assert.ok(opened.coverage && opened.coverage.deferred > 0, JSON.stringify(opened.coverage));
    assert.equal(client.diagnostics.get(uri(two)), undefined, 'lp_two.c is still not analysed');

    // A structural change (klp.series edited) re-indexes and analyses the rest: the editor
    // ends where check is.
    const series = path.join(dir, 'b-series/klp.series');
    fs.appendFileSync(series, '# touched\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(series), type: 2 }] });
    assert.match(await client.indexed(60000), /^indexed 102 modules/);
    const full = await stats();
    assert.deepEqual(full.coverage, { modules: 102, analysed: 102, deferred: 0 });
    const cliAfter = checkJson(dir).byFile;
    await client.until(() => editorByFile(client, dir).size >= cliAfter.size, 'every file with findings', 30000);
    const editor = editorByFile(client, dir);
    assert.deepEqual([...editor.keys()].sort(), [...cliAfter.keys()].sort());
    for (const [file, list] of cliAfter) assert.deepEqual(editor.get(file), list, file);
  });
});

describe('cancelling the analysis in a folder of livepatches without klp.series', function () {
  this.timeout(120000);
  let dir: string;
  let c: LspClient | undefined;

  before(() => {
    // First in key order, a folder of 100 cumulative livepatches and one that is not (KLP020
    // reads the folder's other modules), without klp.series; then the fixture series.
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'klp-cancel-folder-')));
    fs.mkdirSync(path.join(dir, 'a-hotfixes'));
    for (const [name, text] of generateSeries(100, 2000)) if (name.endsWith('.c')) fs.writeFileSync(path.join(dir, 'a-hotfixes', name), text);
    fs.writeFileSync(path.join(dir, 'a-hotfixes/lp_zzz.c'), generateLargeSource(2000, 'lp_zzz').replace('\t.replace = true,\n', ''));
    fs.cpSync(FIXTURE, path.join(dir, 'b-series'), { recursive: true });
  });

  after(async () => {
    if (c) await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a folder it started (its modules read each other), puts off the rest, and shows what check shows', async () => {
    c = await LspClient.start({ root: dir });
    const client = c;
    const stats = () => client.request<AnalysisStats>('klp/analysisStats', undefined);
    const { line } = await cancelWhileAnalysing(client);
    await firstRunEnded(client);
    // The folder without klp.series was under way: none of it is put off; the series after it is.
    const cov = (await stats()).coverage!;
    assert.ok(cov.modules > 101, JSON.stringify(cov));
    assert.deepEqual(cov, { modules: cov.modules, analysed: 101, deferred: cov.modules - 101 }, line);
    // Every file of the folder: exactly check's findings (KLP020 on the odd one included).
    const cli = checkJson(dir).byFile;
    assert.ok(cli.get('a-hotfixes/lp_zzz.c')?.some((l) => / KLP020 /.test(l)), 'check: the non-cumulative patch among cumulative ones');
    const editor = editorByFile(client, dir);
    for (const [file, list] of cli) if (file.startsWith('a-hotfixes/')) assert.deepEqual(editor.get(file), list, file);
    for (const file of editor.keys()) assert.ok(file.startsWith('a-hotfixes/'), `${file}: put off, nothing shown`);
  });
});
