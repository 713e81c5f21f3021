// Starting and stopping code-server (the real VS Code used by the e2e tests and `npm run demo`)
// and headless Chromium. Shared by test/e2e/code-shim.js, test/e2e/ui/workbench.ui.js and
// scripts/demo.mjs. code-server is installed by scripts/e2e-setup.sh into KLP_E2E_DIR
// (default ~/.cache/klp-studio-e2e); KLP_CODE_SERVER overrides the executable.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const E2E_DIR = process.env.KLP_E2E_DIR || path.join(os.homedir(), '.cache', 'klp-studio-e2e');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Workbench settings that keep a test run quiet and offline. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  // VS Code for the Web saves after a delay by default; tests assert that fixes stay unsaved edits.
  'files.autoSave': 'off',
};

/** Harmless noise of an offline code-server (gallery lookups, missing vsda, ...). */
const NOISE = /ENOTFOUND|ERR_NAME_NOT_RESOLVED|Failed to load resource|sandbox|service worker|socket|connection token|builtin extensions cache|ChatSessionStore|Overwriting extension|web worker extension host|vsda|open-vsx|marketplace|Extension host .* (started|exited)|\[Extension Host\] Extension host terminating|Ignoring the error while validating workspace folder/i;

function codeServerBin() {
  const bin = process.env.KLP_CODE_SERVER || path.join(E2E_DIR, 'cs', 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}: run scripts/e2e-setup.sh first (or set KLP_E2E_DIR / KLP_CODE_SERVER)`);
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Prepares a user-data dir with quiet settings (merged with `settings`) and an extensions dir. */
function prepareProfile(dir, settings = {}) {
  const udd = path.join(dir, 'user'), extDir = path.join(dir, 'ext');
  fs.mkdirSync(path.join(udd, 'User'), { recursive: true });
  fs.mkdirSync(extDir, { recursive: true });
  const file = path.join(udd, 'User', 'settings.json');
  let existing = {};
  try { existing = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* fresh profile */ }
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...existing, ...settings }, null, 2));
  return { udd, extDir };
}

/**
 * Starts code-server on 127.0.0.1 (a free port unless given) in its own process group, waits for
 * /healthz and returns { origin, port, child, log(), stop() }.
 */
async function startCodeServer({ dir, udd, extDir, port, env = {}, folder, stdio = 'pipe' }) {
  port = port || (await freePort());
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', udd, '--extensions-dir', extDir];
  if (folder) args.push(folder);
  const child = spawn(codeServerBin(), args, {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_DATA_HOME: path.join(dir, 'xdg-data'), ...env },
    stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : ['ignore', stdio, stdio],
    detached: true,
  });
  let log = '';
  if (stdio === 'pipe') {
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
  }
  const origin = `http://127.0.0.1:${port}`;
  const stop = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } };
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 300; i++) {
    if (exited) throw new Error(`code-server exited at start:\n${log}`);
    try { if ((await fetch(origin + '/healthz')).ok) return { origin, port, child, log: () => log, stop }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`code-server did not answer on ${origin}/healthz within 30 s:\n${log}`);
}

/** Installs a .vsix into an extensions dir with code-server's CLI (offline). */
function installVsix(vsix, { dir, udd, extDir }) {
  return execFileSync(codeServerBin(), ['--user-data-dir', udd, '--extensions-dir', extDir, '--install-extension', vsix, '--force'], {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_DATA_HOME: path.join(dir, 'xdg-data') },
    encoding: 'utf8',
  });
}

/** Headless Debian Chromium through playwright-core (no browser download). */
async function launchChromium(viewport = { width: 1400, height: 900 }) {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport });
  return { browser, context };
}

/** `vscode-remote://host:port/abs/path`: how the browser workbench names a server-side path. */
function remoteUri(origin, absPath) {
  return `vscode-remote://${new URL(origin).host}${absPath.split(path.sep).join('/')}`;
}

module.exports = { E2E_DIR, NOISE, codeServerBin, freePort, prepareProfile, startCodeServer, installVsix, launchChromium, remoteUri };
