// Start-up of the real language server through its V8 code cache (server/src/codeCache.ts,
// server/src/main.ts): dist/server.js is a small loader and the server is dist/server-bundle.js
// (both in the .vsix); a first start writes the cache once warm, a second start runs the
// bundle from it (the start-up target of docs/PERFORMANCE.md (b) depends on it) and answers
// the same; a damaged cache, a folder that cannot be written and the cache turned off all
// still give a working server. klp/analysisStats reports what the cache did. The bundle is
// ASCII and holds one copy of the LSP protocol library (both cut its start-up cost).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import type { AnalysisStats } from '../../common/src/protocol';
import { BUNDLE_HASH_MARK, cacheKey, codeCacheDir, lazyBuiltinsRequire } from '../../server/src/codeCache';
import { copyTree, LspClient, ROOT } from './harness';

const FIXTURE = path.join(__dirname, 'fixtures/series');
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`).sort();
const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.cache')) : []);

/** Starts the server with the cache in CACHE, opens lp_two.c; its diagnostics and the cache state. */
async function startOnce(root: string, cache: string, keep = false): Promise<{ c: LspClient; diagnostics: string[]; state: string | undefined }> {
  const c = await LspClient.start({ root, env: { KLP_STUDIO_CODE_CACHE: cache } });
  const file = path.join(root, 'lp_two.c');
  await c.open(file);
  const ds = await c.waitDiagnostics(file, (d, p) => p.version === 1 && d.length > 0, 'first diagnostics', 20000);
  const stats = await c.request<AnalysisStats>('klp/analysisStats', undefined);
  if (!keep) assert.equal(await c.stop(), 0, `server exit status (stderr: ${c.stderr})`);
  return { c, diagnostics: summary(ds), state: stats.codeCache };
}

/** Waits until the folder holds a cache file other than BESIDES (the server writes it once warm). */
async function waitCacheWritten(c: LspClient, dir: string, test: (file: string) => boolean): Promise<string> {
  return c.until(() => cacheFiles(dir).map((n) => path.join(dir, n)).find(test), 'the code cache file', 20000);
}

describe('server start-up through the V8 code cache (dist/server.js -> dist/server-bundle.js)', function () {
  this.timeout(90000);
  let root: string;
  let tmp: string;

  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/server-bundle.js'))) this.skip();
    root = copyTree(FIXTURE, 'klp-codecache-ws-');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-codecache-'));
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('dist/server.js is a small loader and the .vsix ships the server bundle beside it', async () => {
    const loader = fs.readFileSync(path.join(ROOT, 'dist/server.js'), 'utf8');
    assert.ok(loader.length < 32 * 1024, `dist/server.js is ${loader.length} bytes: it must not hold the server`);
    assert.ok(!/createConnection|web-tree-sitter/.test(loader), 'the loader bundles neither the LSP library nor tree-sitter');
    assert.match(loader, /server-bundle\.js/);
    const bundle = fs.readFileSync(path.join(ROOT, 'dist/server-bundle.js'), 'utf8');
    assert.match(bundle, /function startServer\(/);
    assert.ok(/^[\x00-\x7f]*$/.test(bundle), 'the bundle is ASCII (decoded as Latin-1, a one-byte string in V8)');
    // Its last line is the SHA-1 of the text above it, which names its cache.
    const at = bundle.lastIndexOf(BUNDLE_HASH_MARK);
    assert.ok(at > 0 && bundle.slice(at).trim().length === BUNDLE_HASH_MARK.length + 40, 'the bundle ends with its content hash');
    assert.equal(bundle.slice(at + BUNDLE_HASH_MARK.length).trim(), createHash('sha1').update(bundle.slice(0, at)).digest('hex'));
    assert.match(cacheKey(path.join(ROOT, 'dist/server-bundle.js'), bundle), new RegExp(`^${bundle.slice(at + BUNDLE_HASH_MARK.length, at + BUNDLE_HASH_MARK.length + 16)}-`));
    // One copy of the protocol library: scripts/build.mjs resolves common/src/protocol.ts's import to vscode-languageserver's own.
    assert.equal(bundle.match(/^\/\/ node_modules\/.*vscode-languageserver-protocol\/lib\/common\/api\.js$/gm)?.length, 1, 'copies of vscode-languageserver-protocol in the server bundle');
    // A real dynamic import, not one esbuild-register would turn into require().
    const vsix = await (new Function('u', 'return import(u)') as (u: string) => Promise<{ VSIX_CONTENTS: [string, string][] }>)(pathToFileURL(path.join(ROOT, 'scripts/vsix.mjs')).href);
    const shipped = vsix.VSIX_CONTENTS.map(([, to]) => to);
    for (const f of ['dist/server.js', 'dist/server-bundle.js', 'dist/tree-sitter-c.wasm', 'dist/web-tree-sitter.wasm']) assert.ok(shipped.includes(f), `${f} is in the .vsix`);
  });

  it('writes the cache once warm, and a second start runs from it with the same answers', async () => {
    const dir = path.join(tmp, 'cache');
    const first = await startOnce(root, dir, true);
    assert.equal(first.state, 'absent');
    assert.ok(first.diagnostics.length > 0);
    const written = await waitCacheWritten(first.c, dir, () => true);
    assert.equal(await first.c.stop(), 0);
    assert.ok(fs.statSync(written).size > 100 * 1024, 'the cache holds the bytecode of the warm server');
    assert.equal((fs.statSync(dir).mode & 0o777).toString(8), '700', 'the cache folder is private');

    const second = await startOnce(root, dir);
    assert.equal(second.state, 'used', 'the second start ran the bundle from the cache');
    assert.deepEqual(second.diagnostics, first.diagnostics);
    assert.deepEqual(cacheFiles(dir), [path.basename(written)], 'a used cache is not rewritten');
  });

  it('a damaged cache is refused by V8, the server answers the same and rewrites it', async () => {
    const dir = path.join(tmp, 'cache');
    const [name] = cacheFiles(dir);
    assert.ok(name, 'the previous test left a cache');
    const file = path.join(dir, name);
    const reference = (await startOnce(root, dir)).diagnostics;
    const garbage = Buffer.alloc(fs.statSync(file).size, 0x5a);
    fs.writeFileSync(file, garbage);
    const damaged = await startOnce(root, dir, true);
    assert.equal(damaged.state, 'rejected');
    assert.deepEqual(damaged.diagnostics, reference);
    await waitCacheWritten(damaged.c, dir, (f) => f === file && !fs.readFileSync(f).equals(garbage));
    assert.equal(await damaged.c.stop(), 0);
    assert.equal((await startOnce(root, dir)).state, 'used');
  });

  it('works without a cache: turned off, or a folder that cannot be created', async () => {
    const off = await startOnce(root, 'off');
    assert.equal(off.state, 'off');
    const blocker = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the cache folder would go');
    const blocked = await startOnce(root, path.join(blocker, 'cache'), true);
    assert.equal(blocked.state, 'absent');
    assert.deepEqual(blocked.diagnostics, off.diagnostics);
    // The server goes on after its failed attempt to write (it tries 1 s after the index).
    await blocked.c.indexed();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok((await blocked.c.request<AnalysisStats>('klp/analysisStats', undefined)).runs > 0);
    assert.equal(await blocked.c.stop(), 0, blocked.c.stderr);
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'a file where the cache folder would go');
  });

  it('does not load the Node built-ins the server does not use over stdio (crypto, child_process)', async () => {
    // A preload that records, when the server exits, which built-in modules it had loaded.
    const out = path.join(tmp, 'builtins.json');
    const preload = path.join(tmp, 'builtins.cjs');
    fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
    const c = await LspClient.start({ root, env: { KLP_STUDIO_CODE_CACHE: 'off', NODE_OPTIONS: `--require ${preload}` } });
    const file = path.join(root, 'lp_two.c');
    await c.open(file);
    await c.waitDiagnostics(file, (d, p) => p.version === 1 && d.length > 0, 'first diagnostics', 20000);
    await c.indexed();
    const hover = await c.request('textDocument/hover', { textDocument: { uri: pathToFileURL(file).href }, position: { line: 0, character: 0 } });
    assert.notEqual(hover, undefined);
    assert.equal(await c.stop(), 0, c.stderr);
    const loaded = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
    assert.ok(loaded.includes('NativeModule fs'), 'the list names built-in modules');
    for (const m of ['crypto', 'child_process']) assert.ok(!loaded.includes(`NativeModule ${m}`), `${m} was loaded`);
  });

  it('the stand-ins of deferred built-ins behave as the modules once used', () => {
    const req = lazyBuiltinsRequire(require);
    const crypto = req('node:crypto') as typeof import('node:crypto');
    assert.equal(crypto.createHash('sha1').update('x').digest('hex'), createHash('sha1').update('x').digest('hex'));
    assert.ok('randomBytes' in crypto);
    assert.ok(Object.keys(req('child_process') as object).includes('spawn'));
    assert.equal(req('path'), require('path'), 'other modules are the real ones');
    assert.equal(req.resolve('node:path'), 'node:path');
  });

  it('keeps the cache in KLP Studio\'s cache folder unless told otherwise', () => {
    assert.equal(codeCacheDir({ HOME: '/home/u', KLP_STUDIO_CODE_CACHE: 'off' }), undefined);
    assert.equal(codeCacheDir({ KLP_STUDIO_CODE_CACHE: '/x/cc' }), '/x/cc');
    assert.equal(codeCacheDir({ KLP_STUDIO_CACHE: '/x/klp' }), '/x/klp/code-cache');
    assert.equal(codeCacheDir({}), path.join(os.homedir(), '.cache', 'klp-studio', 'code-cache'));
  });
});
