// Idle settling: after edits that leave syntax errors, tree-sitter's incremental tree may
// differ from a parse of the same text from scratch (what `klp-studio check` sees). When the
// edits stop, the server parses such documents from scratch once and analyses them again
// if the tree differs; an error-free document is never re-parsed. The real server over
// stdio; analysis runs counted through klp/analysisStats.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalysisStats } from '../../common/src/protocol';
import { LineIndex } from '../../core/src/text';
import { LspClient } from './harness';

const SAMPLE = fs.readFileSync(path.resolve(__dirname, '../conformance/shared/modules/test_klp_callbacks_demo.c'), 'utf8');
const stats = (c: LspClient) => c.request<AnalysisStats>('klp/analysisStats', undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('language server: settling a tree after edits with syntax errors', function () {
  this.timeout(60000);
  let dir: string;
  let c: LspClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-settle-'));
    fs.writeFileSync(path.join(dir, 'lp_hist.c'), SAMPLE + '\n#define EXTRA 3\nstatic int later(void) { return EXTRA; }\n');
    fs.writeFileSync(path.join(dir, 'lp_clean.c'), SAMPLE);
    c = await LspClient.start({ root: dir });
    await c.indexed(30000);
  });

  after(async () => {
    assert.equal(await c.stop(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-parses from scratch and analyses again once the edits stop, when the incremental tree differs', async () => {
    const file = path.join(dir, 'lp_hist.c');
    await c.open(file);
    await c.waitDiagnostics(file, (_, p) => p.version === 1);
    // The history of test/unit/document.test.ts (settle): two deletions.
    let version = 1;
    for (const [start, end] of [[0, 35], [757, 792]]) {
      const lines = new LineIndex(c.text(file));
      version = await c.edit(file, lines.range(start, end), '');
    }
    await c.waitDiagnostics(file, (_, p) => p.version === version);
    const before = (await stats(c)).runs;
    let runs = before;
    for (let i = 0; i < 50 && runs === before; i++) {
      await sleep(100);
      runs = (await stats(c)).runs;
    }
    assert.ok(runs > before, `an analysis run after the edits stopped (runs ${before} -> ${runs})`);
    const s = await stats(c);
    assert.equal(s.lastRun.modules, 1);
    // Settled once: no further run while nothing changes.
    await sleep(1500);
    assert.equal((await stats(c)).runs, runs);
  });

  it('never re-parses an error-free document', async () => {
    const file = path.join(dir, 'lp_clean.c');
    await c.open(file);
    await c.waitDiagnostics(file, (_, p) => p.version === 1);
    const lines = new LineIndex(c.text(file));
    const at = c.text(file).indexOf('return pre_patch_ret;');
    const version = await c.edit(file, lines.range(at, at), '/* x */ ');
    await c.waitDiagnostics(file, (_, p) => p.version === version);
    const before = (await stats(c)).runs;
    await sleep(1500);
    assert.equal((await stats(c)).runs, before);
  });
});
