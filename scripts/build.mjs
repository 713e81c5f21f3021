// Bundles the CLI, the language server, the VS Code client and the timeline webview with
// esbuild, and places the tree-sitter wasm files beside the bundles. Type checking is
// separate (`npm run typecheck`). `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM build crashes in Parser.init once bundled as CJS: use its CJS build.
const alias = { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') };
const common = { bundle: true, sourcemap: true, logLevel: 'warning', alias, absWorkingDir: root };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
// The server side (server bundle, CLI) takes common/src/protocol.ts's
// vscode-languageserver-protocol from vscode-languageserver's own dependency: npm hoists the
// client's newer copy to the top, and a second copy (with its own vscode-jsonrpc) would add
// 300 KB to the server bundle and its initialisation to every start.
const languageServer = join(root, 'node_modules/vscode-languageserver');
const serverProtocol = {
  name: 'server-protocol',
  setup(build) {
    build.onResolve({ filter: /^vscode-languageserver-protocol(\/.*)?$/ }, (args) =>
      args.resolveDir.startsWith(languageServer) ? undefined : build.resolve(args.path, { kind: args.kind, resolveDir: languageServer }));
  },
};
const serverSide = { ...node, plugins: [serverProtocol] };

const builds = [
  { ...serverSide, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // dist/server.js is a small loader (server/src/main.ts) that runs the server bundle through
  // a V8 code cache (a script compiled from a cache cannot run a dynamic import()).
  { ...node, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { ...serverSide, entryPoints: ['server/src/server.ts'], outfile: 'dist/server-bundle.js' },
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, platform: 'browser', format: 'iife', target: 'es2020', entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js' },
].filter((b) => existsSync(join(root, b.entryPoints[0])));

copyFileSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
copyFileSync(join(root, 'node_modules/tree-sitter-c/tree-sitter-c.wasm'), join(dist, 'tree-sitter-c.wasm'));

if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  finishServerBundle(join(dist, 'server-bundle.js'));
}

/**
 * Makes the server bundle pure ASCII, so that its loader decodes it as Latin-1 and V8 holds it
 * as a one-byte string, and ends it with the SHA-1 of its text, which names its V8 code cache
 * (server/src/codeCache.ts: BUNDLE_HASH_MARK, cacheKey). esbuild already escapes every
 * non-ASCII character of the code (its default charset is ASCII): those left are in comments
 * (`§` of docs/SEMANTICS.md references), each UTF-16 unit replaced by `?` so that columns stay.
 */
function finishServerBundle(file) {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8').replace(/[^\x00-\x7f]/g, '?');
  const body = text.endsWith('\n') ? text : `${text}\n`;
  writeFileSync(file, `${body}// klp-studio bundle sha1: ${createHash('sha1').update(body).digest('hex')}\n`);
}
