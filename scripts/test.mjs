// `npm test`: the whole test suite, runnable on a fresh machine. Installs npm packages when
// node_modules is missing, builds, type-checks, runs the mocha suites (unit, golden, CLI,
// simulator conformance, series, language server over stdio + Neovim + Emacs, webview in
// Chromium), then the extension tests in a real VS Code extension host (code-server) and
// the real-kernel verification (QEMU), installing their tools first when they are absent.
// `--quick` runs only the mocha suites. Exit status: non-zero when any part fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const results = [];

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...opts.env } });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: Math.round((Date.now() - t0) / 1000) });
  return ok;
}

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) step('install npm packages', 'npm', ['ci', '--no-audit', '--no-fund']);
if (!step('build', 'npm', ['run', '-s', 'build'])) finish();
step('typecheck', 'npm', ['run', '-s', 'typecheck']);
step('mocha suites', 'npx', ['mocha']);
if (!quick) {
  if (existsSync(join(root, 'scripts/e2e.mjs'))) step('VS Code extension host (code-server)', 'node', ['scripts/e2e.mjs']);
  if (existsSync(join(root, 'verify/test.mjs'))) step('real kernel (QEMU)', 'node', ['verify/test.mjs']);
}
finish();

function finish() {
  process.stdout.write('\n=== summary\n');
  for (const r of results) process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.seconds}s)\n`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}
