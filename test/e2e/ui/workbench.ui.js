// The installed .vsix driven through VS Code's real workbench UI (code-server in headless
// Debian Chromium, playwright-core): the Problems panel lists our KLP diagnostics, the status
// bar names the series, "Livepatch: Simulate Scenario" from the command palette shows the
// transcript, the quick picks choose an upgrade, "Livepatch: Show Timeline" opens the timeline
// webview, which re-lays out when its editor group is maximized, "Show Series Overview" is
// rendered and its links open files at their line, "Verify Scenario on a Real Kernel" runs the
// packaged CLI (for real when the kernel cache is there), the extension's page shows the icon
// and the user README with its picture, and a killed server is restarted
// with a notification. Screenshots of each step go to KLP_UI_SHOTS. Run by scripts/e2e.mjs
// (step "ui"), which installs the .vsix into KLP_UI_PROFILE and copies the examples to
// KLP_UI_WS, with a tiny real-kernel case in KLP_UI_WS/verify-tiny.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startCodeServer, launchChromium } = require('../lib/codeServer');

const WS = process.env.KLP_UI_WS;
const PROFILE = process.env.KLP_UI_PROFILE;
const SHOTS = process.env.KLP_UI_SHOTS || path.join(__dirname, '..', '.run', 'shots');
if (!WS || !PROFILE) throw new Error('KLP_UI_WS and KLP_UI_PROFILE are set by scripts/e2e.mjs');

/** Whether this machine can run Verify for real: QEMU, gcc, make on PATH and the kernel fetched by verify/setup.sh. */
const REAL_KERNEL = (() => {
  const onPath = (p) => (process.env.PATH || '').split(':').some((d) => d && fs.existsSync(path.join(d, p)));
  const missing = ['qemu-system-x86_64', 'gcc', 'make'].filter((p) => !onPath(p));
  if (missing.length) return { ok: false, why: missing.join(', ') };
  const cache = process.env.KLP_STUDIO_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache'), 'klp-studio', 'verify');
  if (!fs.existsSync(path.join(cache, 'kernel', 'debian-12', 'current'))) return { ok: false, why: `the kernel cache (${cache}; verify/setup.sh)` };
  return { ok: true, why: '' };
})();

const t0 = Date.now();
const step = (m) => console.log(`[ui +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function palette(page, title) {
  const input = page.locator('.quick-input-widget input');
  // A webview that has just been revealed or resized can take the focus (and the key) back
  // while the palette opens: then focus the workbench (the side bar's title) and try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ timeout: 4000 });
      await input.fill('>' + title, { timeout: 4000 });
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
      await page.locator('.part.sidebar .composite.title').first().click();
    }
  }
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

/** The frame (a webview's inner document) that has an element matching SELECTOR. */
async function frameWith(page, selector, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try { if (await f.evaluate((sel) => !!document.querySelector(sel), selector)) return f; } catch { /* detached or not ready */ }
    }
    if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** The timeline's scroll area, one lane's track and where its drawing ends, in CSS pixels. */
function timelineGeometry(frame) {
  return frame.evaluate(() => {
    const main = document.querySelector('.tl-main');
    const track = document.querySelector('.tl-row .tl-track');
    const right = Math.max(...Array.from(document.querySelectorAll('.tl-row .tl-track > *')).map((e) => e.getBoundingClientRect().right));
    return { main: main.clientWidth, track: track.getBoundingClientRect().width, right };
  });
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

    // 5. Palette: the timeline webview of the active scenario, beside the scenario in a
    //    workbench without the earlier editors and the panel (as a user starts it).
    await palette(page, 'View: Close All Editor Groups');
    await palette(page, 'View: Hide Panel');
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

    // 5b. The timeline follows its panel's width: maximizing its editor group re-lays it out
    //     wider (the renderer's ResizeObserver), and back.
    const tl = await frameWith(page, '.tl-main .tl-row');
    const before = await timelineGeometry(tl);
    await page.locator('.tabs-container .tab', { hasText: 'Timeline:' }).first().click();
    await palette(page, 'View: Toggle Maximize Editor Group');
    await tl.waitForFunction((w) => document.querySelector('.tl-main').clientWidth > w * 1.4, before.main, { timeout: 15000 });
    await page.waitForTimeout(400);
    const after = await timelineGeometry(tl);
    if (!(after.track > before.track * 1.4)) throw new Error(`the timeline did not widen with its panel: track ${before.track} -> ${after.track} px (panel ${before.main} -> ${after.main})`);
    if (after.right < after.main * 0.9) throw new Error(`the widened timeline leaves the right side empty: drawing ends at ${after.right} of ${after.main} px`);
    step(`timeline resized: panel ${before.main} -> ${after.main} px, track ${Math.round(before.track)} -> ${Math.round(after.track)} px`);
    await page.screenshot({ path: path.join(SHOTS, '06-timeline-resized.png') });
    await palette(page, 'View: Toggle Maximize Editor Group');

    // 5c. The series overview, rendered (no Markdown source, no raw URI), and a link opens the
    //     file at the line it names.
    await palette(page, 'View: Close All Editor Groups');
    await openFromExplorer(page, 'lp_acme_v2.c');
    await palette(page, 'Livepatch: Show Series Overview');
    const ov = await frameWith(page, 'a.src');
    await page.locator('.tabs-container .tab', { hasText: 'Series ' }).first().click();
    await palette(page, 'View: Toggle Maximize Editor Group');
    await page.waitForTimeout(500);
    const ovText = await ov.evaluate(() => document.body.innerText);
    for (const want of ['lp_acme_v1', 'lp_acme_v2', 'lp_acme_v3', 'KLP042', 'reverted (NOP)']) {
      if (!ovText.includes(want)) throw new Error(`the series overview does not show ${want}: ${ovText.slice(0, 400)}`);
    }
    if (/file:\/\/|\]\(|\|---/.test(ovText)) throw new Error(`the series overview shows raw links or Markdown: ${ovText.slice(0, 400)}`);
    if (await ov.evaluate(() => document.querySelectorAll('table').length) < 2) throw new Error('the series overview has no rendered tables');
    step(`series overview rendered: ${ovText.replace(/\s+/g, ' ').slice(0, 120)}`);
    await page.screenshot({ path: path.join(SHOTS, '07-series-overview.png') });
    await palette(page, 'View: Toggle Maximize Editor Group');
    const target = await ov.evaluate(() => {
      const a = [...document.querySelectorAll('ul.findings a.src')].find((x) => /lp_acme_v3\.c:\d+$/.test(x.textContent));
      if (!a) return undefined;
      a.click();
      return a.textContent;
    });
    if (!target) throw new Error('no finding link to lp_acme_v3.c in the overview');
    const line = target.split(':').pop();
    await page.locator('.tabs-container .tab.active', { hasText: 'lp_acme_v3.c' }).first().waitFor({ timeout: 15000 });
    await page.locator('.statusbar-item', { hasText: `Ln ${line},` }).first().waitFor({ timeout: 10000 });
    step(`overview link ${target} opened lp_acme_v3.c at line ${line}`);

    // 5d. Verify from the installed extension: it spawns the packaged dist/cli.js, which builds
    //     the modules and boots Debian 12's kernel in QEMU. With the tools and the kernel cache
    //     (verify/setup.sh) a tiny scenario must run for real and agree with the simulator;
    //     without them, the tool's own "cannot run here" message must come back — never a
    //     missing file of the package (`Cannot find module`, the guest loader's source).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'verify-tiny' }).first().click();
    await openFromExplorer(page, 'basic.klpsim');
    await palette(page, 'Livepatch: Verify Scenario on a Real Kernel');
    const verdict = page.locator('.notifications-toasts .notification-toast', { hasText: /KLP Studio: (basic\.klpsim: the real kernel|verify could not run)/ }).first();
    await verdict.waitFor({ timeout: 300000 });
    const said = (await verdict.innerText()).replace(/\s+/g, ' ');
    await page.screenshot({ path: path.join(SHOTS, '08-verify.png') });
    if (/Cannot find module|klpctl\.c is missing|ENOENT/.test(said)) throw new Error(`Verify did not find a file of the installed extension: ${said}`);
    if (REAL_KERNEL.ok) {
      if (!/the real kernel agrees with the simulator/.test(said)) throw new Error(`Verify on the real kernel did not agree with the simulator: ${said}`);
      await page.locator('.tabs-container .tab', { hasText: /basic\.klpsim: simulator ↔ real kernel 6\.1/ }).first().waitFor({ timeout: 15000 });
      step(`verify on the real kernel: ${said.slice(0, 160)}`);
    } else {
      if (!/verify could not run: klp-studio verify: /.test(said)) throw new Error(`Verify without ${REAL_KERNEL.why} did not say why it cannot run: ${said}`);
      step(`verify without ${REAL_KERNEL.why}: ${said.slice(0, 200)}`);
    }

    // 5e. The extension's page (Extensions view → KLP Studio): the icon and the user README
    //     with its picture, loaded under the page's security policy (a refused image has no
    //     natural size), and the changelog is packaged.
    await palette(page, 'View: Close All Editor Groups');
    await page.keyboard.press('Control+Shift+X');
    const entry = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'KLP Studio' }).first();
    await entry.waitFor({ timeout: 30000 });
    await entry.click();
    await page.locator('.extension-editor .header .name', { hasText: 'KLP Studio' }).first().waitFor({ timeout: 20000 });
    const icon = page.locator('.extension-editor .header .icon').first();
    await page.waitForFunction((el) => el && el.complete && el.naturalWidth >= 64, await icon.elementHandle(), { timeout: 15000 });
    const readme = await frameWith(page, 'img[alt^="The timeline"]');
    // The page loads images lazily: bring the picture into view, then it must load (the
    // page's policy admits https: and data: images only; scripts/vsix.mjs embeds it).
    await readme.evaluate(() => document.querySelector('img[alt^="The timeline"]').scrollIntoView());
    try {
      await readme.waitForFunction(() => {
        const img = document.querySelector('img[alt^="The timeline"]');
        return img && img.complete && img.naturalWidth > 0;
      }, null, { timeout: 15000 });
    } catch {
      const img = await readme.evaluate(() => { const i = document.querySelector('img[alt^="The timeline"]'); return { src: i.src, complete: i.complete, width: i.naturalWidth, csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content }; });
      throw new Error(`the README's picture did not load on the extension page: ${JSON.stringify(img)}`);
    }
    await readme.evaluate(() => window.scrollTo(0, 0));
    const readmeText = await readme.evaluate(() => document.body.innerText);
    for (const want of ['What it does', 'Commands', 'Settings', 'klpStudio.kernelApi']) {
      if (!readmeText.includes(want)) throw new Error(`the extension page's README lacks "${want}": ${readmeText.slice(0, 300)}`);
    }
    if (/## Development|npm run typecheck/.test(readmeText)) throw new Error('the extension page shows the developers\' README');
    step('extension page: icon and the user README with its picture loaded');
    await page.screenshot({ path: path.join(SHOTS, '09-extension-page.png') });

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
