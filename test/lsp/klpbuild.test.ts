// klp-build source patches in the real language server (dist/server.js over stdio): an open
// `.patch` document (language `diff`) gets its KLP1nn findings on its lines, the same as
// `klp-studio check` prints; an edit re-reads it; hovering a hunk names the functions it
// changes and their object. The kernel tree is a small copy of real files of Debian's
// linux-source-6.1 (fetched at test time) in a temporary workspace, so nothing large is indexed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient, ROOT, uri } from './harness';
import { linuxSourceTree, SourceUnavailable } from '../lib/debianSource';
import { klp } from '../cli/run';

const FILES = ['Makefile', 'Kconfig', 'kernel/Makefile', 'fs/proc/Makefile', 'fs/proc/cmdline.c', 'drivers/net/Makefile', 'drivers/net/Kconfig', 'drivers/net/dummy.c'];

describe('language server: klp-build patches', function () {
  this.timeout(60000);
  let dir = '';
  let c: LspClient;
  before(async function () {
    let tree: string;
    try {
      tree = linuxSourceTree('6.1');
    } catch (e) {
      if (e instanceof SourceUnavailable) this.skip();
      throw e;
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-lsp-kbuild-'));
    for (const f of FILES) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(tree, f), path.join(dir, f));
    }
    fs.mkdirSync(path.join(dir, 'patches'));
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/klpbuild/series/v3.patch'), path.join(dir, 'patches/v3.patch'));
    fs.copyFileSync(path.join(ROOT, 'test/golden/klpbuild/cases/KLP106/trigger.patch'), path.join(dir, 'patches/init.patch'));
    fs.mkdirSync(path.join(dir, 'series'));
    for (const f of ['klp.series', 'v1.patch', 'v2.patch', 'v3.patch']) fs.copyFileSync(path.join(ROOT, 'test/fixtures/klpbuild/series', f), path.join(dir, 'series', f));
    c = await LspClient.start({ root: dir });
  });
  after(async () => {
    await c?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the findings check prints, re-reads on edit, clears on close', async () => {
    const file = path.join(dir, 'patches/init.patch');
    await c.open(file, fs.readFileSync(file, 'utf8'), 'diff');
    const ds = await c.waitDiagnostics(file, (d) => d.length > 0, 'KLP106 on the patch');
    const cli = klp(['check', 'patches/init.patch', '--format', 'json'], dir);
    const json = JSON.parse(cli.stdout) as { line: number; code: string; message: string }[];
    assert.deepEqual(ds.map((d) => [d.range.start.line + 1, d.code, d.message]), json.map((f) => [f.line, f.code, f.message]));
    assert.deepEqual(json.map((f) => f.code), ['KLP106']);
    // Replace the patch with one that changes a function run after boot: the finding goes.
    const near = fs.readFileSync(path.join(ROOT, 'test/golden/klpbuild/cases/KLP106/near-miss.patch'), 'utf8');
    const old = c.text(file);
    const lines = old.split('\n');
    const v = await c.edit(file, { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, near);
    await c.waitDiagnostics(file, (d, p) => p.version === v && d.length === 0, 'no finding after the edit');
    assert.equal(fs.readFileSync(file, 'utf8'), old, 'the disk is untouched');
    await c.close(file);
  });

  it('hover on a hunk: the functions it changes and their object from Kbuild', async () => {
    const file = path.join(dir, 'patches/v3.patch');
    const text = fs.readFileSync(file, 'utf8');
    await c.open(file, text, 'diff');
    await c.waitDiagnostics(file, () => true, 'v3 read');
    const line = text.split('\n').findIndex((l) => l.includes('drops = klp_shadow_get'));
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line, character: 3 } });
    const value = h ? (h.contents as MarkupContent).value : '';
    assert.match(value, /\*\*livepatch_v3\*\*/);
    assert.match(value, /object \*\*dummy\*\* — drivers\/net\/Makefile:12: obj-\$\(CONFIG_DUMMY\) \+= dummy\.o/);
    assert.match(value, /`dummy_get_stats64` — patched/);
    assert.match(value, /`dummy_klp_post_patch` — new function/);
    const cmd = text.split('\n').findIndex((l) => l.includes('seq_printf(m, "%s klp=v2'));
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: cmd, character: 1 } });
    assert.match(h2 ? (h2.contents as MarkupContent).value : '', /object \*\*vmlinux\*\*[\s\S]*`cmdline_proc_show` — patched/);
    const none = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 0, character: 1 } });
    assert.equal(none, null);
  });

  it('a klp.series of patches: the series findings on the patches, as check gives them, and no error on klp.series', async () => {
    const series = path.join(dir, 'series/klp.series');
    const v2 = path.join(dir, 'series/v2.patch');
    await c.open(series, fs.readFileSync(series, 'utf8'), 'klpseries');
    await c.open(v2, fs.readFileSync(v2, 'utf8'), 'diff');
    const cli = JSON.parse(klp(['check', 'series', '--format', 'json'], dir).stdout) as { file: string; line: number; code: string; message: string }[];
    const expected = cli.filter((f) => f.file === 'series/v2.patch').map((f) => [f.line, f.code, f.message]);
    assert.ok(expected.some((e) => /version_proc_show: reverted/.test(String(e[2]))), JSON.stringify(cli));
    // Published for the open document (its version), with the series findings.
    const ds = await c.waitDiagnostics(v2, (d, p) => p.version !== undefined && d.length >= expected.length, 'series findings on the open v2.patch');
    assert.deepEqual(ds.map((d) => [d.range.start.line + 1, d.code, d.message]).sort(), expected.sort());
    const sd = c.diagnostics.get(uri(series))?.diagnostics ?? [];
    assert.deepEqual(sd.filter((d) => d.severity === 1), [], 'no error on klp.series');
  });
});
