// `npm test`: the whole test suite, runnable on a fresh machine. Installs npm packages when
// node_modules is missing, builds, type-checks, runs the mocha suites (unit, golden, CLI,
// simulator conformance, series, language server over stdio + Neovim + Emacs, webview in
// Chromium, the real kernel under QEMU), then the extension tests in a real VS Code extension
// host (code-server) and the packaged .vsix, installing their tools first when they are absent.
// `--quick` runs only the mocha suites. Exit status: non-zero when any part fails.
//
// The last line of the output is the sum over every tier, alone on its line, for CI:
//   N passed, N failed[, N skipped]
// Each tier's counts are read from what it prints (mocha's "N passing / N failing / N pending",
// the e2e driver's "e2e steps: N passed, N failed"); build and typecheck count as one test each
// (installing npm packages counts only when it fails);
// a tier that fails without printing counts (a crash) counts as one failure.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const results = [];

/** Counts a tier printed, summed over every report in its output (the e2e driver runs mocha twice). */
export function countsIn(text) {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const sum = (re) => [...plain.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const passed = sum(/^\s*(\d+) passing\b/gm) + sum(/^e2e steps: (\d+) passed/gm);
  const failed = sum(/^\s*(\d+) failing\b/gm) + sum(/^e2e steps: \d+ passed, (\d+) failed/gm);
  const skipped = sum(/^\s*(\d+) pending\b/gm);
  return { passed, failed, skipped, reported: passed + failed + skipped > 0 };
}

function step(name, cmd, args, { counted = true, tally = true } = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => { process.stdout.write(d); out += d; });
    child.stderr.on('data', (d) => { process.stderr.write(d); out += d; });
    child.on('error', (e) => { out += `\n${e.message}\n`; });
    child.on('close', (code) => {
      const ok = code === 0;
      const c = counted ? countsIn(out) : { passed: 0, failed: 0, skipped: 0, reported: false };
      if (!tally) { c.passed = 0; c.failed = ok ? 0 : 1; }
      else if (!c.reported) { if (ok) c.passed = 1; else c.failed = 1; }
      else if (!ok && c.failed === 0) c.failed = 1;
      results.push({ name, ok, seconds: Math.round((Date.now() - t0) / 1000), ...c });
      resolve(ok);
    });
  });
}

async function main() {
  if (!existsSync(join(root, 'node_modules/.package-lock.json'))) await step('install npm packages', 'npm', ['ci', '--no-audit', '--no-fund'], { counted: false, tally: false });
  if (!(await step('build', 'npm', ['run', '-s', 'build'], { counted: false }))) return finish();
  await step('typecheck', 'npm', ['run', '-s', 'typecheck'], { counted: false });
  await step('mocha suites', 'npx', ['mocha']);
  if (!quick) {
    if (existsSync(join(root, 'scripts/e2e.mjs'))) await step('VS Code extension host (code-server) and the packaged .vsix', 'node', ['scripts/e2e.mjs']);
  }
  finish();
}

function finish() {
  process.stdout.write('\n=== summary\n');
  for (const r of results) {
    const counts = `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
    process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.seconds}s): ${counts}\n`);
  }
  const total = (k) => results.reduce((n, r) => n + r[k], 0);
  const skipped = total('skipped');
  process.stdout.write(`${total('passed')} passed, ${total('failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
