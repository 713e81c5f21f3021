#!/usr/bin/env node
// `npm run demo`: opens the example series in a real VS Code in the browser. Installs the npm
// packages and code-server (scripts/e2e-setup.sh) if needed, builds the extension, packages it as a .vsix
// and installs that into a demo profile, starts code-server on 127.0.0.1 with examples/ open,
// and prints the URL. Ctrl+C stops it.
//   --port N    listen on N (default 8765, or a free port when 8765 is taken); env KLP_DEMO_PORT
//   --folder D  open D instead of examples/
//   --check     instead of waiting, open the URL in headless Chromium, check that the Problems
//               panel shows a KLP diagnostic, save a screenshot, stop and exit 0/1
// The demo profile (settings, installed extension) lives in $KLP_E2E_DIR/demo.
import { packageVsix } from './vsix.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cs = require(join(root, 'test/e2e/lib/codeServer.js'));
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const check = argv.includes('--check');
const folder = resolve(opt('--folder') ?? join(root, 'examples'));

const portFree = (port) => new Promise((r) => { const s = createServer(); s.once('error', () => r(false)); s.listen(port, '127.0.0.1', () => s.close(() => r(true))); });

// 0. the project's own packages, on a fresh clone
if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  console.log('demo: installing the npm packages (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// 1. code-server
try {
  cs.codeServerBin();
} catch {
  console.log('demo: code-server is not installed yet; running scripts/e2e-setup.sh (a minute or two, once)');
  const r = spawnSync(join(root, 'scripts/e2e-setup.sh'), { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// 2. build, package, install into the demo profile
const dir = join(cs.E2E_DIR, 'demo');
mkdirSync(dir, { recursive: true });
const profile = cs.prepareProfile(dir);
console.log('demo: building and packaging the extension');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
const vsix = packageVsix(join(dir, 'klp-studio.vsix'), { quiet: true });
cs.installVsix(vsix, { dir, ...profile });

// 3. start code-server with the folder open
let port = Number(opt('--port') ?? process.env.KLP_DEMO_PORT ?? 8765);
if (!(await portFree(port))) port = await cs.freePort();
const server = await cs.startCodeServer({ dir, ...profile, port });
const url = `${server.origin}/?folder=${encodeURIComponent(folder)}`;
const stop = () => server.stop();
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

if (!check) {
  console.log(`\nKLP Studio demo: VS Code 1.100.3 (code-server) with the extension installed and ${folder} open:\n\n    ${url}\n\nOpen a lp_acme_*.c file for live diagnostics; Ctrl+C stops the server.\n`);
  server.child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const shots = join(root, 'test/e2e/.run/shots');
  mkdirSync(shots, { recursive: true });
  const { browser, context } = await cs.launchChromium();
  const page = await context.newPage();
  let ok = false;
  try {
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'KLP0' }).first();
    await row.waitFor({ timeout: 60000 });
    console.log(`demo --check: Problems panel: ${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 140)}`);
    await page.screenshot({ path: join(shots, 'demo.png') });
    ok = true;
  } catch (e) {
    console.error(`demo --check: FAILED: ${e.message}`);
    await page.screenshot({ path: join(shots, 'demo-failure.png') }).catch(() => {});
  }
  await browser.close();
  console.log(`demo --check: ${ok ? 'PASS' : 'FAIL'} (${url})`);
  process.exit(ok ? 0 : 1);
}
