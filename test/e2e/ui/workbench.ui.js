// The installed .vsix driven through VS Code's real workbench UI (code-server in headless
// Debian Chromium, playwright-core): the Problems panel lists our KLP diagnostics, the status
// bar names the series, "Livepatch: Simulate Scenario" from the command palette shows the
// transcript, the quick picks choose an upgrade, "Livepatch: Show Timeline" opens the timeline
// webview, and a killed server is restarted with a notification. Screenshots of each step go
// to KLP_UI_SHOTS. Run by scripts/e2e.mjs (step "ui"), which installs the .vsix into
// KLP_UI_PROFILE and copies the examples to KLP_UI_WS.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startCodeServer, launchChromium } = require('../lib/codeServer');

const WS = process.env.KLP_UI_WS;
const PROFILE = process.env.KLP_UI_PROFILE;
const SHOTS = process.env.KLP_UI_SHOTS || path.join(__dirname, '..', '.run', 'shots');
if (!WS || !PROFILE) throw new Error('KLP_UI_WS and KLP_UI_PROFILE are set by scripts/e2e.mjs');

const t0 = Date.now();
const step = (m) => console.log(`[ui +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function palette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10000 });
  await input.fill('>' + title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

async function pick(page, label) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
}

async function openFromExplorer(page, name) {
  const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await item.waitFor({ timeout: 30000 });
  await item.click();
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 15000 });
}

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const cs = await startCodeServer({ dir: PROFILE, udd: path.join(PROFILE, 'user'), extDir: path.join(PROFILE, 'ext') });
  const { browser, context } = await launchChromium();
  const page = await context.newPage();
  let ok = false;
  try {
    await page.goto(`${cs.origin}/?folder=${encodeURIComponent(WS)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    step('workbench loaded');

    // 1. A C file of the series: squiggles, then the Problems panel lists KLP findings.
    await openFromExplorer(page, 'lp_acme_v3.c');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'KLP003' }).first();
    await row.waitFor({ timeout: 30000 });
    const rowText = (await row.innerText()).replace(/\s+/g, ' ');
    if (!/klp-studio/.test(rowText)) throw new Error(`Problems row does not name the source: ${rowText}`);
    step(`Problems panel: ${rowText.slice(0, 160)}`);
    await page.screenshot({ path: path.join(SHOTS, '01-problems-panel.png') });

    // 2. The status bar names the series and the patch's place in it.
    const status = page.locator('.statusbar-item', { hasText: '3/3' }).first();
    await status.waitFor({ timeout: 20000 });
    step(`status bar: ${(await status.innerText()).trim()}`);

    // 3. Palette: simulate the scenario of the active editor; the transcript opens beside it.
    await openFromExplorer(page, 'upgrade.klpsim');
    await palette(page, 'Livepatch: Simulate Scenario');
    await page.locator('.tabs-container .tab', { hasText: 'upgrade.klpsim.transcript' }).first().waitFor({ timeout: 30000 });
    const transcript = page.locator('.editor-group-container.active .view-lines').first();
    await page.waitForFunction((el) => el && /% insmod lp_acme_v1\.ko/.test((el.textContent || '').replace(/\u00a0/g, ' ')), await transcript.elementHandle(), { timeout: 20000 });
    step('transcript editor shows "% insmod lp_acme_v1.ko"');
    await page.screenshot({ path: path.join(SHOTS, '02-transcript.png') });

    // 4. Palette + quick picks: upgrade a patch chosen from the workspace's livepatches; the
    //    second pick offers the series predecessor first.
    await palette(page, 'Livepatch: Simulate Upgrading a Patch');
    await pick(page, 'lp_acme_v2');
    const first = page.locator('.quick-input-list .monaco-list-row').first();
    await page.waitForFunction(() => /from which/.test(document.querySelector('.quick-input-widget')?.textContent || ''), null, { timeout: 10000 });
    const firstText = (await first.innerText()).replace(/\s+/g, ' ');
    if (!firstText.includes('lp_acme_v1')) throw new Error(`the predecessor lp_acme_v1 is not offered first: ${firstText}`);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'upgrade_lp_acme_v1_to_lp_acme_v2.transcript' }).first().waitFor({ timeout: 30000 });
    step('quick picks: upgrade lp_acme_v1 -> lp_acme_v2 transcript opened');
    await page.screenshot({ path: path.join(SHOTS, '03-upgrade-quickpick.png') });

    // 5. Palette: the timeline webview of the active scenario.
    await openFromExplorer(page, 'upgrade.klpsim');
    await palette(page, 'Livepatch: Show Timeline');
    const inner = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    const body = inner.locator('body');
    await body.waitFor({ timeout: 30000 });
    await page.waitForTimeout(500);
    const text = (await body.innerText()).replace(/\s+/g, ' ');
    if (!/lp_acme_v1/.test(text)) throw new Error(`the timeline webview does not show lp_acme_v1: ${text.slice(0, 300)}`);
    step(`timeline webview: ${text.slice(0, 120)}`);
    await page.screenshot({ path: path.join(SHOTS, '04-timeline.png') });

    // 6. Crash policy: kill the installed extension's server process (found by its exact path
    //    in this run's profile) and the user is told that it was restarted.
    const serverJs = path.join(PROFILE, 'ext');
    const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        return cmd.some((a) => a.startsWith(serverJs) && a.endsWith('dist/server.js'));
      } catch { return false; }
    });
    if (pids.length !== 1) throw new Error(`expected one server process of this profile, found ${pids.length}`);
    process.kill(Number(pids[0]), 'SIGKILL');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'stopped unexpectedly and was restarted' }).first();
    await toast.waitFor({ timeout: 20000 });
    step(`crash: killed server ${pids[0]}; notification: ${(await toast.innerText()).replace(/\s+/g, ' ').slice(0, 120)}`);
    await page.screenshot({ path: path.join(SHOTS, '05-crash-notification.png') });
    ok = true;
  } catch (e) {
    console.error('[ui] FAILED:', e && e.message ? e.message : e);
    await page.screenshot({ path: path.join(SHOTS, '99-failure.png') }).catch(() => {});
    fs.writeFileSync(path.join(SHOTS, 'code-server.log'), cs.log());
  } finally {
    await browser.close();
    cs.stop();
  }
  step(ok ? `PASS (screenshots in ${SHOTS})` : 'FAIL');
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
