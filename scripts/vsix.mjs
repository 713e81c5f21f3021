#!/usr/bin/env node
// Packages the VS Code extension (.vsix) from a staging folder that holds exactly what the
// installed extension uses. The repository's package.json is three things at once — the
// extension manifest, the npm package of the CLI (its `files` list: dist/cli.js, the wasm
// files, the guest loader's source) and the npm workspace root — and vsce refuses a `files`
// list beside a .vscodeignore, so the .vsix is not packaged from the repository root:
//   dist/{client,server,server-bundle,cli,webview}.js + the wasm files (cli.js: Verify spawns it),
//   verify/guest/klpctl.c (Verify compiles it), syntaxes/, extension/media/ (icon, pictures),
//   the user README (extension/README.md, not the developers' README.md; its pictures
//   embedded as data: URLs, the only images the extension page's policy loads besides https),
//   CHANGELOG.md, LICENSE, and the manifest without its npm-only fields.
// `node scripts/vsix.mjs [-o FILE]` (default klp-studio-VERSION.vsix); run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the .vsix holds, from the repository (source path → path in the package). */
export const VSIX_CONTENTS = [
  ['dist/client.js', 'dist/client.js'],
  ['dist/server.js', 'dist/server.js'],
  ['dist/server-bundle.js', 'dist/server-bundle.js'],
  ['dist/cli.js', 'dist/cli.js'],
  ['dist/webview.js', 'dist/webview.js'],
  ['dist/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm'],
  ['dist/tree-sitter-c.wasm', 'dist/tree-sitter-c.wasm'],
  ['verify/guest/klpctl.c', 'verify/guest/klpctl.c'],
  ['syntaxes', 'syntaxes'],
  ['extension/media', 'media'],
  ['extension/README.md', 'README.md'],
  ['CHANGELOG.md', 'CHANGELOG.md'],
  ['LICENSE', 'LICENSE'],
];

/** Fields of package.json that describe the npm package and the workspace, not the extension. */
const NPM_ONLY = ['files', 'workspaces', 'scripts', 'devDependencies', 'bin'];

/**
 * VS Code's extension page renders the README under a policy that loads images only from
 * https: and data: URLs, and does not resolve relative paths against the installed
 * extension. There is no public host for this extension's pictures, so each relative PNG or
 * JPEG image of the packaged README is embedded as a data: URL (the repository's copy keeps
 * the readable relative link). SVG is never embedded: vsce and the page refuse it.
 */
export function inlineReadmeImages(readme, base) {
  const types = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };
  const text = readFileSync(readme, 'utf8').replace(/(!\[[^\]]*\]\()([^)\s]+)(\))/g, (all, open, link, close) => {
    const ext = /\.([a-z]+)$/i.exec(link)?.[1]?.toLowerCase();
    if (/^[a-z]+:/i.test(link) || !ext || !types[ext]) return all;
    const data = readFileSync(join(base, link)).toString('base64');
    return `${open}data:${types[ext]};base64,${data}${close}`;
  });
  writeFileSync(readme, text);
}

/** Stages the extension and runs `vsce package` on it; returns the .vsix path. */
export function packageVsix(out, { quiet = false } = {}) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  out = resolve(out ?? join(root, `${manifest.name}-${manifest.version}.vsix`));
  const stage = mkdtempSync(join(tmpdir(), 'klp-vsix-'));
  try {
    for (const [from, to] of VSIX_CONTENTS) {
      if (!existsSync(join(root, from))) throw new Error(`${from} is missing${from.startsWith('dist/') ? ': run `npm run build` first' : ''}`);
      mkdirSync(dirname(join(stage, to)), { recursive: true });
      cpSync(join(root, from), join(stage, to), { recursive: true });
    }
    inlineReadmeImages(join(stage, 'README.md'), join(stage));
    for (const k of NPM_ONLY) delete manifest[k];
    manifest.icon = 'media/icon.png';
    writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(out, { force: true });
    // No repository URL exists to rewrite the README's relative image links against: they
    // stay relative and resolve inside the installed extension (media/ is packaged).
    execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links',
      '--allow-missing-repository', '-o', out], { cwd: stage, stdio: quiet ? 'ignore' : 'inherit' });
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const o = args.indexOf('-o');
  console.log(packageVsix(o >= 0 ? args[o + 1] : undefined));
}
