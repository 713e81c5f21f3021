#!/usr/bin/env node
// `npm run test:e2e`: the extension in a real VS Code (code-server 1.100.3, installed by
// scripts/e2e-setup.sh, which runs first when code-server is missing). Four steps, each failing
// the run on its own:
//   0. grammar: the .klpsim/transcript grammars tokenized by VS Code's own TextMate engine;
//   1. suite: the mocha suite test/e2e/suite/** INSIDE the extension host, launched by
//      @vscode/test-electron's runTests() with vscodeExecutablePath = test/e2e/code-shim.js;
//   2. vsix:  scripts/vsix.mjs packages the .vsix (vsce, staged) and code-server installs it;
//   3. ui:    the installed .vsix driven through the workbench in headless Chromium
//      (test/e2e/ui/workbench.ui.js): Problems panel, Simulate, the timeline and its resize,
//      the rendered series overview, Verify (spawning the packaged CLI; on the real kernel
//      when verify/setup.sh fetched it), the extension's page, the crash policy; screenshots
//      in .run/shots.
// Each step gets a fresh copy of examples/ under test/e2e/.run/ (gitignored).
// Options: --only grammar|suite|vsix|ui (repeatable), --no-build. Env: KLP_E2E_DIR, KLP_E2E_GREP.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { packageVsix } from './vsix.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = join(root, 'test/e2e/.run');
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1]] : []));
const want = (step) => only.length === 0 || only.includes(step);
const t0 = Date.now();
const log = (m) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** A fresh copy of the examples: tests apply quick fixes and must never touch the repository. */
function freshWorkspace(name) {
  const ws = join(run, name);
  rmSync(ws, { recursive: true, force: true });
  cpSync(join(root, 'examples'), ws, { recursive: true });
  return ws;
}

async function bundleSuite() {
  const out = join(run, 'suite');
  rmSync(out, { recursive: true, force: true });
  const dir = join(root, 'test/e2e/suite');
  const entries = readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(dir, f));
  await esbuild.build({
    entryPoints: entries, outdir: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning', absWorkingDir: root,
  });
  return join(out, 'index.js');
}

async function suite() {
  const testsIndex = await bundleSuite();
  const ws = freshWorkspace('ws-suite');
  const profile = join(run, 'profile-suite');
  rmSync(profile, { recursive: true, force: true });
  mkdirSync(profile, { recursive: true });
  const { runTests } = require('@vscode/test-electron');
  log(`suite: runTests() in code-server on ${ws}`);
  await runTests({
    vscodeExecutablePath: join(root, 'test/e2e/code-shim.js'),
    extensionDevelopmentPath: root,
    extensionTestsPath: testsIndex,
    // an empty extensions dir: other extensions' diagnostics must not satisfy our waits
    launchArgs: [ws, `--user-data-dir=${join(profile, 'user')}`, `--extensions-dir=${join(profile, 'ext')}`],
    extensionTestsEnv: { KLP_E2E_GREP: process.env.KLP_E2E_GREP ?? '' },
  });
}

function vsix() {
  log('vsix: scripts/vsix.mjs (vsce package of the staged extension)');
  const out = packageVsix(join(run, 'klp-studio.vsix'));
  const { prepareProfile, installVsix } = require(join(root, 'test/e2e/lib/codeServer.js'));
  const dir = join(run, 'profile-vsix');
  rmSync(dir, { recursive: true, force: true });
  const profile = prepareProfile(dir);
  const said = installVsix(out, { dir, ...profile });
  const installed = readdirSync(profile.extDir).filter((n) => n.startsWith('klp-studio.klp-studio-'));
  // every file the installed extension loads or spawns: the CLI runs Verify, which compiles
  // the guest loader; the page shows the icon and the user README's pictures
  const missing = installed.length ? ['dist/client.js', 'dist/server.js', 'dist/server-bundle.js', 'dist/cli.js', 'dist/webview.js', 'dist/tree-sitter-c.wasm',
    'dist/web-tree-sitter.wasm', 'verify/guest/klpctl.c', 'media/icon.png', 'media/timeline.png', 'readme.md', 'changelog.md']
    .filter((f) => !existsSync(join(profile.extDir, installed[0], f))) : ['the extension'];
  if (missing.length) {
    throw new Error(`the .vsix did not install a usable extension into ${profile.extDir} (missing ${missing.join(', ')}):\n${said}`);
  }
  log(`vsix: installed ${installed[0]} (${said.trim().split('\n').pop()})`);
  return { dir, profile };
}

function ui(installed) {
  const ws = freshWorkspace('ws-ui');
  // A scenario small enough to boot in QEMU within the UI test (the examples fail to build on
  // purpose: their deliberate mistakes include a callback of the wrong type).
  const shared = join(root, 'test/conformance/shared');
  mkdirSync(join(ws, 'verify-tiny'), { recursive: true });
  cpSync(join(shared, 'basic-patching/scenario.klpsim'), join(ws, 'verify-tiny/basic.klpsim'));
  cpSync(join(shared, 'modules/test_klp_livepatch.c'), join(ws, 'verify-tiny/test_klp_livepatch.c'));
  log('ui: workbench in headless Chromium');
  const r = spawnSync(process.execPath, [join(root, 'test/e2e/ui/workbench.ui.js')], {
    stdio: 'inherit',
    env: { ...process.env, KLP_UI_WS: ws, KLP_UI_PROFILE: installed.dir, KLP_UI_SHOTS: join(run, 'shots') },
  });
  if (r.status !== 0) throw new Error(`ui test failed (exit ${r.status})`);
}

function ensureCodeServer() {
  const { codeServerBin } = require(join(root, 'test/e2e/lib/codeServer.js'));
  try {
    codeServerBin();
  } catch {
    log('code-server missing: scripts/e2e-setup.sh');
    execFileSync(join(root, 'scripts/e2e-setup.sh'), { stdio: 'inherit' });
  }
}

function grammar() {
  log('grammar: TextMate scopes with vscode-textmate + oniguruma');
  execFileSync(process.execPath, [join(root, 'test/e2e/grammar.test.js')], { stdio: 'inherit' });
}

// Steps that are not mocha suites count as one test each in npm test's closing line.
const steps = { passed: 0, failed: 0 };
async function counted(fn) {
  try { const r = await fn(); steps.passed++; return r; } catch (e) { steps.failed++; throw e; }
}

try {
  mkdirSync(run, { recursive: true });
  ensureCodeServer();
  if (!args.includes('--no-build')) {
    log('build');
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  if (want('grammar')) await counted(grammar);
  if (want('suite')) await suite();
  let installed;
  if (want('vsix') || want('ui')) installed = await counted(vsix);
  if (want('ui')) await counted(() => ui(installed));
  log('PASS');
  console.log(`e2e steps: ${steps.passed} passed, ${steps.failed} failed`);
} catch (e) {
  log(`FAIL: ${e && e.message ? e.message : e}`);
  console.log(`e2e steps: ${steps.passed} passed, ${steps.failed} failed`);
  process.exit(1);
}
