// Cancelling the workspace index from the client (window/workDoneProgress/cancel), as a user
// does with the Cancel button of VS Code's "Indexing livepatch modules" notification on a
// large tree: the scan stops, the server says so, the index keeps what it had (nothing is
// reported from a half-read tree), the server keeps answering, and the next structural
// change indexes the workspace in full.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uri } from './harness';

const FIXTURE = path.join(__dirname, 'fixtures/series');

interface Progress {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; cancellable?: boolean };
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
