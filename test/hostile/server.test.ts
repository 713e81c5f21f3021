// The language server (dist/server.js over stdio) on hostile input: a workspace holding
// every hostile file of ./inputs.ts (FIFO, /dev/zero, binary, deep nesting, cycles, a file
// over the size limit), open documents that grow over klpStudio.analysis.maxFileSizeKB
// and shrink back, binary text typed into an editor, and files that vanish while the
// server indexes them. Invariants: the index completes, requests answer, the server never
// crashes nor logs a failure, a file over the limit gets one KLPSIZE diagnostic instead of
// analysis, and the diagnostics of deleted files are withdrawn.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, positionAt, SERVER, uri } from '../lsp/harness';
import { bigSource, bytes, EXAMPLE, hostileWorkspace, ROOT } from './inputs';

const ANSWER_MS = 15000;

async function answers<T>(p: Promise<T>, what: string, ms = ANSWER_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function messageText(m: string | { value: string }): string {
  return typeof m === 'string' ? m : m.value;
}

function alive(c: LspClient): void {
  assert.equal(c.proc.exitCode, null, `the server exited:\n${c.stderr}`);
  assert.deepEqual(c.logs.filter((l) => /\bfailed\b/.test(l)), []);
}

describe('hostile input: the language server', function () {
  this.timeout(180000);

  before(function () {
    if (!fs.existsSync(SERVER)) this.skip();
  });

  describe('a hostile workspace', () => {
    let ws: ReturnType<typeof hostileWorkspace>;
    let c: LspClient;
    before(async () => {
      ws = hostileWorkspace();
      c = await LspClient.start({ root: ws.dir });
      await c.indexed(90000);
    });
    after(async () => {
      await c?.stop();
      if (ws) fs.rmSync(ws.dir, { recursive: true, force: true });
    });

    it('indexes it, analyses the real modules, and says which file is too large', async () => {
      const huge = path.join(ws.dir, 'huge.c');
      const d = await c.waitDiagnostics(huge, (ds) => ds.some((x) => x.code === 'KLPSIZE'), 'the size diagnostic', 30000);
      assert.equal(d.length, 1, 'only the size diagnostic: no analysis');
      assert.equal(d[0].severity, 3);
      assert.match(messageText(d[0].message), /^not analysed: this file \(\d+ KiB\) is larger than klpStudio\.analysis\.maxFileSizeKB \(2048 KiB\)$/);
      assert.ok(c.logs.some((l) => l.includes('huge.c: not analysed')), 'the log says so too');
      await c.waitDiagnostics(path.join(ws.dir, 'lp_acme_v1.c'), (ds) => ds.some((x) => x.code === 'KLP030'), 'rule diagnostics of a real module', 30000);
      await c.waitDiagnostics(path.join(ws.dir, 'deep_casts.c'), (ds) => ds.some((x) => x.code === 'KLP030'), 'diagnostics of the deep-casts module', 30000);
      for (const s of ws.special) assert.equal(c.diagnosticsOf(path.join(ws.dir, s)).length, 0, `${s} was read`);
      alive(c);
    });

    it('answers requests on every hostile file', async () => {
      for (const f of ['deep_nesting.c', 'deep_casts.c', 'recursive_macros.c', 'include_cycle.c', 'binary.c', 'nul_bytes.c', 'latin1.c', 'utf16.c', 'huge.c', 'empty.c', ...ws.special]) {
        const td = { textDocument: { uri: uri(path.join(ws.dir, f)) } };
        const pos = { line: 3, character: 2 };
        await answers(c.request('textDocument/hover', { ...td, position: pos }), `hover in ${f}`);
        await answers(c.request('textDocument/definition', { ...td, position: pos }), `definition in ${f}`);
        await answers(c.request('textDocument/documentSymbol', td), `symbols of ${f}`);
        await answers(c.request('textDocument/codeLens', td), `code lenses of ${f}`);
      }
      await answers(c.request('workspace/symbol', { query: 'acme' }), 'workspace symbols');
      await answers(c.request('klp/seriesOverview', {}), 'series overview');
      alive(c);
    });

    it('binary text and NUL bytes typed into an open document', async () => {
      const f = path.join(ws.dir, 'lp_acme_v2.c');
      await c.open(f);
      let v = 1;
      for (const junk of [bytes(5000, 3).toString('latin1'), '\0\0\0', bytes(3000, 9).toString('utf8'), '\ud800', '😀\r\n\u2028']) {
        const text = c.text(f);
        const at = positionAt(text, Math.floor(text.length / 2));
        v = await c.edit(f, { start: at, end: at }, junk);
        await answers(c.request('textDocument/hover', { textDocument: { uri: uri(f) }, position: at }), 'hover after junk');
      }
      await c.waitDiagnostics(f, (_, p) => p.version === v, 'diagnostics of the last version', 30000);
      await c.close(f);
      alive(c);
    });
  });

  describe('the size limit on open documents (klpStudio.analysis.maxFileSizeKB)', () => {
    let dir: string;
    let c: LspClient;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-hostile-size-'));
      for (const f of ['lp_acme_v1.c', 'acme_cache.c', 'acme_cache.h']) fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(dir, f));
      c = await LspClient.start({ root: dir, settings: { analysis: { maxFileSizeKB: 64 } } });
      await c.indexed(30000);
    });
    after(async () => {
      await c?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a document that grows over the limit is no longer analysed and says so; shrinking brings the analysis back', async () => {
      const f = path.join(dir, 'lp_acme_v1.c');
      await c.open(f);
      await c.waitDiagnostics(f, (ds, p) => p.version === 1 && ds.some((d) => d.code === 'KLP030'), 'analysis under the limit');
      // Paste 100 KiB of functions at the end.
      const end = positionAt(c.text(f), c.text(f).length);
      const grown = await c.edit(f, { start: end, end }, bigSource(100).slice(EXAMPLE.length));
      const over = await c.waitDiagnostics(f, (ds, p) => p.version === grown && ds.some((d) => d.code === 'KLPSIZE'), 'the size diagnostic');
      assert.equal(over.length, 1);
      assert.match(messageText(over[0].message), /larger than klpStudio\.analysis\.maxFileSizeKB \(64 KiB\)/);
      // Typing while over the limit: answered, still not analysed.
      const v2 = await c.edit(f, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// more\n');
      await c.waitDiagnostics(f, (ds, p) => p.version === v2 && ds.length === 1 && ds[0].code === 'KLPSIZE', 'still over');
      await answers(c.request('textDocument/documentSymbol', { textDocument: { uri: uri(f) } }), 'symbols over the limit');
      // Undo both edits: back under the limit, analysed again.
      const text = c.text(f);
      const back = await c.edit(f, { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, EXAMPLE);
      await c.waitDiagnostics(f, (ds, p) => p.version === back && ds.some((d) => d.code === 'KLP030') && !ds.some((d) => d.code === 'KLPSIZE'), 'analysis again');
      alive(c);
    });

    it('a file on disk over the limit (not open) gets the diagnostic; the setting can lift it', async () => {
      const big = path.join(dir, 'big_module.c');
      fs.writeFileSync(big, bigSource(80));
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(big), type: 1 }] });
      await c.waitDiagnostics(big, (ds) => ds.length === 1 && ds[0].code === 'KLPSIZE', 'size diagnostic of a disk file', 30000);
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { klpStudio: { analysis: { maxFileSizeKB: 0 } } } });
      await c.waitDiagnostics(big, (ds) => ds.some((d) => d.code === 'KLP030') && !ds.some((d) => d.code === 'KLPSIZE'), 'analysis once the limit is lifted', 60000);
      alive(c);
    });
  });

  it('files that vanish while the server indexes them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-hostile-vanish-'));
    const files: string[] = [];
    for (let i = 0; i < 300; i++) {
      const f = path.join(dir, `lp_vanish_${i}.c`);
      fs.writeFileSync(f, EXAMPLE.replace(/lp_acme_v1/g, `lp_vanish_${i}`));
      files.push(f);
    }
    fs.writeFileSync(path.join(dir, 'Kbuild'), files.map((f) => `obj-m += ${path.basename(f, '.c')}.o\n`).join(''));
    const c = await LspClient.start({ root: dir });
    try {
      // Delete every other file (and the Kbuild) while the first index runs, then tell the server.
      for (let i = 0; i < files.length; i += 2) fs.rmSync(files[i]);
      fs.rmSync(path.join(dir, 'Kbuild'));
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [...files.filter((_, i) => i % 2 === 0), path.join(dir, 'Kbuild')].map((f) => ({ uri: uri(f), type: 3 })),
      });
      await c.until(() => c.logs.filter((l) => l.startsWith('indexed ')).length >= 2 && c.logs[c.logs.length - 1], 'the re-index after the deletions', 120000);
      const deleted = files.filter((_, i) => i % 2 === 0);
      const kept = files.filter((_, i) => i % 2 === 1);
      await c.until(() => kept.every((f) => c.diagnosticsOf(f).some((d) => d.code === 'KLP030')), 'diagnostics of the remaining modules', 60000);
      await c.until(() => deleted.every((f) => c.diagnosticsOf(f).length === 0), 'diagnostics of deleted files withdrawn', 60000);
      const mods = await answers(c.request<{ modules?: unknown[] } | unknown[]>('klp/modules', {}), 'klp/modules');
      const list = (Array.isArray(mods) ? mods : (mods as { modules?: unknown[] }).modules ?? []) as { name?: string }[];
      assert.equal(list.filter((m) => /lp_vanish_/.test(JSON.stringify(m))).length, kept.length, 'the index holds exactly the remaining modules');
      alive(c);
    } finally {
      await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
