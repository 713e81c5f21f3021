#!/usr/bin/env node
// Our stand-in for a VS Code executable, given to @vscode/test-electron's
// runTests({ vscodeExecutablePath }). No desktop VS Code can be downloaded offline, but
// code-server is a real VS Code (1.100.3) whose Node extension host runs the extension and
// its mocha suite. This shim takes the command line runTests passes (--extensionDevelopmentPath=,
// --extensionTestsPath=, --user-data-dir=, --extensions-dir=, a folder), starts code-server,
// opens the workbench in headless Chromium with the same paths as a `payload` query (how the
// browser workbench receives them), prints the extension host's console, and exits with the
// suite's exit code (the workbench calls window.codeAutomationExit). On failure it saves a
// screenshot and code-server's log under KLP_E2E_ARTIFACTS (default test/e2e/.run/).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { NOISE, prepareProfile, startCodeServer, launchChromium, remoteUri } = require('./lib/codeServer');

function parseArgs(argv) {
  const o = { dev: [], tests: undefined, udd: undefined, extDir: undefined, folder: undefined };
  for (const a of argv) {
    const eq = a.indexOf('=');
    const k = eq < 0 ? a : a.slice(0, eq), v = eq < 0 ? '' : a.slice(eq + 1);
    if (k === '--extensionDevelopmentPath') o.dev.push(path.resolve(v));
    else if (k === '--extensionTestsPath') o.tests = path.resolve(v);
    else if (k === '--user-data-dir') o.udd = path.resolve(v);
    else if (k === '--extensions-dir') o.extDir = path.resolve(v);
    else if (!a.startsWith('-')) o.folder = path.resolve(a);
    // other desktop flags (--no-sandbox, --disable-updates, --skip-welcome, ...) mean nothing here
  }
  return o;
}

(async () => {
  const o = parseArgs(process.argv.slice(2));
  const artifacts = path.resolve(process.env.KLP_E2E_ARTIFACTS || path.join(__dirname, '.run'));
  fs.mkdirSync(artifacts, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-shim-'));
  const profile = prepareProfile(dir);
  const udd = o.udd || profile.udd, extDir = o.extDir || profile.extDir;
  if (o.udd) prepareProfile(path.dirname(o.udd)); // quiet settings in the given profile too
  fs.mkdirSync(extDir, { recursive: true });

  const cs = await startCodeServer({ dir, udd, extDir });
  const cleanup = () => { cs.stop(); fs.rmSync(dir, { recursive: true, force: true }); };
  process.on('exit', () => cs.stop());
  process.on('SIGINT', () => { cleanup(); process.exit(130); });

  const payload = [...o.dev.map((d) => ['extensionDevelopmentPath', remoteUri(cs.origin, d)])];
  if (o.tests) payload.push(['extensionTestsPath', remoteUri(cs.origin, o.tests)]);
  const where = o.folder ? `folder=${encodeURIComponent(o.folder)}` : 'ew=true';
  const url = `${cs.origin}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const { browser, context } = await launchChromium();
  const page = await context.newPage();
  let finish;
  const finished = new Promise((r) => (finish = r));
  await page.exposeFunction('codeAutomationLog', () => {});
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  page.on('console', async (m) => {
    let args;
    try { args = await Promise.all(m.args().map((a) => a.jsonValue())); } catch { args = [m.text()]; }
    // workbench log lines look like ['%cINFO', 'color: ...', fmt, ...rest]
    if (typeof args[0] === 'string' && args[0].startsWith('%c')) args = args.slice(2);
    const line = util.format(...args);
    if (process.env.KLP_E2E_ALL_CONSOLE || !NOISE.test(line)) process.stdout.write(line + '\n');
  });
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));

  const timeoutMs = Number(process.env.KLP_E2E_TIMEOUT_MS || 300000);
  const timer = setTimeout(() => finish('timeout'), timeoutMs);
  await page.goto(url);
  const code = await finished;
  clearTimeout(timer);
  if (code !== 0) {
    await page.screenshot({ path: path.join(artifacts, 'suite-failure.png') }).catch(() => {});
    fs.writeFileSync(path.join(artifacts, 'code-server.log'), cs.log());
    process.stderr.write(`code-shim: suite exit ${code}; screenshot and code-server log in ${artifacts}\n`);
  }
  await browser.close();
  cleanup();
  process.exit(code === 0 ? 0 : 1);
})().catch((e) => {
  console.error('code-shim:', e && e.stack ? e.stack : e);
  process.exit(2);
});
