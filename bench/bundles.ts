// Bundle benchmark (not a timed test): sizes of dist/client.js, server.js (the loader),
// server-bundle.js (the language server), webview.js and
// cli.js (raw and gzip), what makes up the client bundle (esbuild metafile, by package), and
// the cost of loading the client bundle, which is what VS Code pays at activation before
// `activate` runs (measured in a fresh Node process with `vscode` stubbed; the e2e suite
// measures `activate` itself in a real VS Code). Used by bench/main.ts.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '..');

export interface BundleResult {
  sizes: { file: string; bytes: number; gzip: number }[];
  /** Top inputs of the client bundle by package, bytes in the output. */
  clientParts: { name: string; bytes: number }[];
  /** Whether the client bundle holds tree-sitter or the core parser (it must not). */
  clientHasParser: boolean;
  /** Median ms to load dist/client.js in a fresh process (require only). */
  clientLoadMs: number;
  /** Same for dist/server.js's module evaluation without starting (for comparison). */
  nodeStartMs: number;
}

export async function bundles(runs = 5): Promise<BundleResult> {
  const sizes = ['client.js', 'server.js', 'server-bundle.js', 'webview.js', 'cli.js'].filter((f) => fs.existsSync(path.join(ROOT, 'dist', f))).map((f) => {
    const buf = fs.readFileSync(path.join(ROOT, 'dist', f));
    return { file: `dist/${f}`, bytes: buf.length, gzip: zlib.gzipSync(buf).length };
  });
  const meta = await esbuild.build({
    entryPoints: [path.join(ROOT, 'client/src/extension.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT,
    alias: { 'web-tree-sitter': path.join(ROOT, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
  });
  const out = Object.values(meta.metafile!.outputs)[0];
  const byPkg = new Map<string, number>();
  for (const [input, v] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = m ? m[1] : input.split('/').slice(0, 2).join('/');
    byPkg.set(name, (byPkg.get(name) ?? 0) + v.bytesInOutput);
  }
  const clientParts = [...byPkg].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 6);
  const client = fs.readFileSync(path.join(ROOT, 'dist/client.js'), 'utf8');
  const clientHasParser = /tree_sitter_parse_callback|web-tree-sitter|prepareSource/.test(client);
  // A fresh process per sample: stub `vscode`, time require('dist/client.js').
  // The stub: every name the bundle reads from `vscode` is a callable, constructible proxy.
  const names = [...new Set([...client.matchAll(/\b\w*(?:vscode|code)(?:_?\d+)?\.([A-Za-z_]\w*)/g)].map((m) => m[1]))];
  const probe = `
    const Module = require('module');
    const deep = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : deep), apply: () => deep, construct: () => deep });
    const stub = {};
    for (const n of ${JSON.stringify(names)}) stub[n] = deep;
    const load = Module._load;
    Module._load = function (req, ...rest) { return req === 'vscode' ? stub : load.call(this, req, ...rest); };
    const t0 = performance.now();
    require(process.argv[1]);
    process.stdout.write(String(performance.now() - t0));`;
  const empty = `const t0 = performance.now(); process.stdout.write(String(performance.now() - t0));`;
  const sample = (code: string, arg: string) => Number(execFileSync(process.execPath, ['-e', code, arg], { encoding: 'utf8' }));
  const loads: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < runs; i++) {
    loads.push(sample(probe, path.join(ROOT, 'dist/client.js')));
    const t0 = performance.now();
    sample(empty, '');
    starts.push(performance.now() - t0);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { sizes, clientParts, clientHasParser, clientLoadMs: med(loads), nodeStartMs: med(starts) };
}
