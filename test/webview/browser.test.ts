// The timeline in a real browser: exported HTML files (and the webview protocol) rendered in
// headless Debian Chromium with playwright-core. Checks the DOM for specific events (NOP
// revert, stalled task, skipped callback, forced transition, failures), hover cards, keyboard
// stepping with visible focus, the filter and zoom, hostile names rendered as text with no
// script run, and the CSP refusing inline script. Screenshots of the main states go to
// test/webview/.screenshots/ (gitignored).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { CHROMIUM, launch, rendererScript, ROOT, SHOT_DIR, writeExport, type Chromium } from './browser';
import { HOSTILE_NAMES, reverseRun, upgradeRun } from './fixtures';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { timelineDocument } from '../../core/src/timeline/document';
import type { TimelineInput } from '../../core/src/timeline/input';

const haveBrowser = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(ROOT, 'dist/webview.js'));
/** In CI (or with KLP_REQUIRE_CLIENTS) a missing browser or bundle fails instead of skipping. */
const REQUIRED = !!(process.env.CI || process.env.KLP_REQUIRE_CLIENTS);

async function open(c: Chromium, input: TimelineInput, name: string, opts: { colorScheme?: 'light' | 'dark'; hash?: string } = {}): Promise<Page & { errors: string[] }> {
  const page = await c.page({ colorScheme: opts.colorScheme });
  await page.goto(`file://${writeExport(input, name)}${opts.hash ?? ''}`);
  await page.waitForSelector('.tl-row');
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOT_DIR, `${name}.png`) });
}

function examplesUpgrade(): TimelineInput {
  const file = path.join(ROOT, 'examples/upgrade.klpsim');
  const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost);
  assert.deepEqual(r.errors, []);
  const base = ROOT + '/';
  const events = r.events.map((e) => (e.sources ? { ...e, sources: e.sources.map((s) => ({ ...s, file: s.file.replace(base, '') })) } : e));
  return { title: 'examples/upgrade.klpsim', scenario: 'examples/upgrade.klpsim', events, exitStatus: r.exitStatus };
}

(haveBrowser || REQUIRED ? describe : describe.skip)('timeline in headless Chromium', function () {
  this.timeout(60000);
  let c: Chromium;
  before(async () => {
    assert.ok(haveBrowser, `${CHROMIUM} (apt-get install chromium fonts-liberation) and dist/webview.js (npm run build) are needed`);
    await initParser();
    c = await launch();
  });
  after(async () => { await c?.close(); });

  it('draws the examples upgrade: lanes, the worker stalling v2 in acme_cache_shrink, v1 replaced, v3 refused', async () => {
    const page = await open(c, examplesUpgrade(), 'examples-upgrade');
    const lanes = await page.$$eval('.tl-row', (rows) => rows.map((r) => r.getAttribute('data-lane')));
    for (const id of ['patch:lp_acme_v1', 'patch:lp_acme_v2', 'patch:lp_acme_v3', 'task:kworker/u8:3']) assert.ok(lanes.includes(id), `${id} in ${lanes.join(', ')}`);
    assert.ok(lanes.some((l) => l?.startsWith('fn:') && l.includes(':acme_cache_shrink:')));
    const sleeper = await page.$eval('.tl-row[data-lane*=":acme_cache_shrink:"] .ph.sleeper', (el) => el.textContent ?? '');
    assert.match(sleeper, /behind: ‖ kworker\/u8:3/);
    assert.equal(await page.locator('.tl-row[data-lane="patch:lp_acme_v1"] .k-patch-replaced').count(), 1);
    assert.equal(await page.locator('.tl-row[data-lane="patch:lp_acme_v3"] .tl-mk.k-failure').count(), 1);
    const sections = await page.$$eval('.tl-section-title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(sections.slice(0, 3), ['Livepatches', 'Patched functions', 'Tasks']);
    assert.deepEqual(page.errors, []);
    // Step to the stalled moment (the `cat .../transition` right after insmod v2) and keep a picture.
    await page.click('.tl-cmd:has-text("cat /sys/kernel/livepatch/lp_acme_v2/transition")');
    assert.match(await page.textContent('.d-cmd') ?? '', /cat \/sys\/kernel\/livepatch\/lp_acme_v2\/transition/);
    await shot(page, 'examples-upgrade-stalled');
    await page.close();
  });

  it('shows the NOP, the skipped callbacks, signal and force as distinct markers', async () => {
    const page = await open(c, upgradeRun(), 'upgrade-fixture');
    const nop = page.locator('.tl-row[data-lane="fn:vmlinux:proc_net_show:0"] .band.new.impl-nop');
    assert.ok((await nop.count()) >= 1);
    assert.match(await nop.first().textContent() ?? '', /original · NOP lp_net_v2/);
    const skipped = page.locator('.tl-row[data-lane="cb:lp_net_v1:vmlinux"] .tl-mk.k-callback-skipped');
    assert.equal(await skipped.count(), 2);
    const v2 = page.locator('.tl-row[data-lane="patch:lp_net_v2"]');
    assert.equal(await v2.locator('.tl-mk.k-signal').count(), 1);
    assert.equal(await v2.locator('.tl-mk.k-force').count(), 1);
    assert.equal(await page.locator('.tl-row[data-lane="patch:lp_net_v1"] .tl-iv.forced .tag-forced').count(), 2);
    // Hover a skipped callback: the card says why it did not run.
    await skipped.first().hover();
    const tip = page.locator('.tl-tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent() ?? '', /pre_unpatch \(skipped\).*replaced by a cumulative patch/);
    await shot(page, 'hover-skipped-callback');
    await page.close();
  });

  it('hover card on the stalled function names the task and where it sleeps', async () => {
    const page = await open(c, upgradeRun(), 'upgrade-hover');
    await page.click('[data-act="zoom-in"]');
    await page.click('[data-act="zoom-in"]');
    const ph = page.locator('.tl-row[data-lane="fn:vmlinux:tcp_sendmsg:0"] .ph.sleeper').first();
    await ph.scrollIntoViewIfNeeded();
    await ph.hover();
    const tip = page.locator('.tl-tooltip');
    await tip.waitFor({ state: 'visible' });
    const text = await tip.textContent() ?? '';
    assert.match(text, /migrated tasks run: tcp_sendmsg_v2 \(lp_net_v2\)/);
    assert.match(text, /tasks not yet migrated run: tcp_sendmsg_v1 \(lp_net_v1\)/);
    assert.match(text, /behind: kworker\/1:2 — sleeping on tcp_sendmsg \(this function\)/);
    await shot(page, 'hover-stalled-function');
    // Clicking an item selects its step (and, in the export, says where the definition is).
    await ph.click();
    assert.match(await page.textContent('.tl-status') ?? '', /defined at lp_net_v2\/lp_net_v2\.c:\d+/);
    await page.close();
  });

  it('steps through events with the keyboard, with visible focus and the transcript in sync', async () => {
    const input = upgradeRun();
    const page = await open(c, input, 'keyboard');
    const total = await page.$$eval('.tl-tick', (t) => t.length);
    await page.keyboard.press('Tab'); // toolbar buttons come first; tab until the timeline has focus
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.classList.contains('tl-main'))); i++) await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('tl-main')), 'the timeline is reachable with Tab');
    const ring = await page.$eval('.tl-main', (el) => getComputedStyle(el).boxShadow);
    assert.notEqual(ring, 'none', 'focus is visible');
    await page.keyboard.press('Home');
    assert.equal(await page.textContent('.tl-pos'), `1 / ${total}`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.textContent('.tl-pos'), `3 / ${total}`);
    assert.equal(await page.getAttribute('.tl-main', 'aria-activedescendant'), 'tl-step-2');
    await page.keyboard.press('Shift+ArrowRight'); // next command: insmod lp_net_v2? no — the second command
    assert.match(await page.textContent('.d-cmd') ?? '', /% insmod lp_net_v2\.ko/);
    assert.equal((await page.textContent('.t-line.current'))?.trim(), '% insmod lp_net_v2.ko');
    await page.keyboard.press('End');
    assert.equal(await page.textContent('.tl-pos'), `${total} / ${total}`);
    assert.match(await page.textContent('.tl-details') ?? '', /rmmod failed: EBUSY/);
    assert.match(await page.textContent('.tl-sr') ?? '', new RegExp(`Step ${total} of ${total}`));
    assert.equal(new URL(page.url()).hash, `#step=${total}`, 'the step is kept in the URL');
    await page.keyboard.press('Shift+ArrowLeft');
    assert.match(await page.textContent('.d-cmd') ?? '', /% rmmod lp_net_v1/);
    await shot(page, 'keyboard-focus');
    // The step in the URL survives a reload.
    await page.reload();
    await page.waitForSelector('.tl-row');
    assert.match(await page.textContent('.d-cmd') ?? '', /% rmmod lp_net_v1/);
    await page.close();
  });

  it('filters by function name and by patch, and zooms', async () => {
    const page = await open(c, upgradeRun(), 'filter');
    const rows = () => page.$$eval('.tl-row', (r) => r.map((x) => x.getAttribute('data-lane')));
    const all = await rows();
    await page.keyboard.press('/');
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('tl-filter')));
    await page.keyboard.type('tcp_send');
    // The function's row, and the task whose stack holds its replacement.
    assert.deepEqual(await rows(), ['fn:vmlinux:tcp_sendmsg:0', 'task:kworker/1:2']);
    await shot(page, 'filter-function');
    await page.keyboard.press('Escape');
    assert.deepEqual(await rows(), all);
    await page.click('.tl-chip:has-text("lp_net_v1")');
    const without = await rows();
    assert.ok(!without.includes('patch:lp_net_v1') && !without.includes('cb:lp_net_v1:vmlinux'));
    assert.ok(without.includes('patch:lp_net_v2') && without.includes('fn:vmlinux:tcp_sendmsg:0'), 'lanes shared with other patches stay');
    assert.equal(await page.getAttribute('.tl-chip:has-text("lp_net_v1")', 'aria-pressed'), 'false');
    await page.click('.tl-chip:has-text("lp_net_v1")');
    // Zoom: the grid widens, Fit brings it back within the window.
    const width = () => page.$eval('.tl-grid', (g) => g.getBoundingClientRect().width);
    const w0 = await width();
    await page.click('[data-act="zoom-in"]');
    const w1 = await width();
    assert.ok(w1 > w0 * 1.3, `zoom in: ${w0} -> ${w1}`);
    await page.focus('.tl-main');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.ok((await width()) < w1);
    await page.keyboard.press('0');
    assert.ok((await width()) <= 1280, 'fit to width');
    await page.close();
  });

  it('renders hostile names as text and runs none of them', async () => {
    const input = upgradeRun(HOSTILE_NAMES);
    input.title = '<img src=x onerror="window.__pwned=7">';
    const page = await open(c, input, 'hostile');
    // Exercise every path that shows names: hover everything, click a few, step through all.
    const items = page.locator('[data-item]');
    const n = await items.count();
    for (let i = 0; i < n; i += 7) await items.nth(i).hover({ force: true }).catch(() => undefined);
    await page.focus('.tl-main');
    for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowRight');
    await page.click('.tl-label.has-src >> nth=0').catch(() => undefined);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'no injected code ran');
    assert.equal(await page.locator('img, svg, iframe, script:not([nonce]):not([type="application/json"])').count(), 0, 'no element came from a name');
    const labels = await page.$$eval('.tl-label .name', (els) => els.map((e) => e.textContent));
    for (const name of [HOSTILE_NAMES.v1, HOSTILE_NAMES.v2, HOSTILE_NAMES.fnA, HOSTILE_NAMES.fnB, HOSTILE_NAMES.fnC, HOSTILE_NAMES.kworker, HOSTILE_NAMES.user]) {
      assert.ok(labels.includes(name), `${name} shown as text`);
    }
    assert.equal(await page.textContent('.tl-title'), input.title);
    assert.equal(await page.title(), `${input.title} — KLP Studio timeline`);
    assert.deepEqual(page.errors, []);
    await shot(page, 'hostile-names');
    await page.close();
  });

  it('the CSP refuses inline script and handlers that were not given the nonce', async () => {
    const file = writeExport(reverseRun(), 'csp');
    const html = fs.readFileSync(file, 'utf8').replace('<body>', '<body><img src="data:," onerror="window.__pwned=1"><script>window.__inline=1</script>');
    fs.writeFileSync(file, html);
    const page = await c.page();
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(`file://${file}`);
    await page.waitForSelector('.tl-row');
    assert.equal(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline), undefined);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.ok(violations.some((v) => /inline script/i.test(v)), violations.join('\n'));
    assert.ok(violations.some((v) => /inline event handler|script-src-attr|inline script/i.test(v)));
    // The nonce'd renderer itself ran: the reverse and the failure are drawn.
    assert.equal(await page.locator('.tl-mk.k-reverse').count(), 1);
    assert.equal(await page.locator('.tl-mk.k-failure').count(), 1);
    await shot(page, 'reverse-and-failure');
    await page.close();
  });

  it('follows the colour scheme (light and dark) and stays readable at 1280x800', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(c, examplesUpgrade(), `theme-${scheme}`, { colorScheme: scheme });
      const bg = await page.$eval('body', (b) => getComputedStyle(b).backgroundColor);
      assert.equal(bg, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(20, 22, 27)');
      // Nothing of the toolbar overflows at 1280 px, and the bottom panels are on screen.
      const overflow = await page.$eval('.tl-toolbar', (t) => t.scrollWidth - t.clientWidth);
      assert.ok(overflow <= 0, `toolbar overflows by ${overflow}px`);
      const box = await page.$eval('.tl-bottom', (b) => b.getBoundingClientRect().bottom);
      assert.ok(box <= 800);
      await shot(page, `examples-upgrade-${scheme}`);
      await page.close();
    }
  });

  it('speaks the webview protocol: data by message, state kept, clicks posted back', async () => {
    const nonce = crypto.randomBytes(18).toString('base64');
    const html = timelineDocument({ title: 'webview', nonce, script: { inline: rendererScript() } });
    const file = path.join(path.dirname(writeExport(reverseRun(), 'unused')), 'webview.html');
    fs.writeFileSync(file, html);
    const page = await c.page();
    await page.addInitScript(() => {
      const w = window as unknown as { __posted: unknown[]; acquireVsCodeApi: () => unknown };
      w.__posted = [];
      const key = 'klp-webview-state';
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.__posted.push(m),
        getState: () => JSON.parse(sessionStorage.getItem(key) ?? 'null'),
        setState: (s: unknown) => sessionStorage.setItem(key, JSON.stringify(s)),
      });
    });
    await page.goto(`file://${file}`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [{ type: 'ready' }]);
    const input = upgradeRun();
    await page.evaluate((data) => window.postMessage({ type: 'data', input: data }, '*'), input as unknown as Record<string, unknown>);
    await page.waitForSelector('.tl-row');
    assert.equal(await page.locator('.tl-export').count(), 1, 'the webview offers Export HTML');
    await page.click('.tl-row[data-lane="patch:lp_net_v2"] .tl-label');
    await page.click('.tl-export');
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; source?: { role: string; file: string } }[] }).__posted);
    assert.deepEqual(posted.slice(1).map((m) => m.type), ['open', 'export']);
    assert.deepEqual({ role: posted[1].source?.role, file: posted[1].source?.file }, { role: 'patch', file: 'lp_net_v2/lp_net_v2.c' });
    await page.focus('.tl-main');
    await page.keyboard.press('End');
    // Hidden and shown again (a reload with the saved state): same run, same step, before any message.
    await page.reload();
    await page.waitForSelector('.tl-row');
    const total = await page.$$eval('.tl-tick', (t) => t.length);
    assert.equal(await page.textContent('.tl-pos'), `${total} / ${total}`);
    await page.close();
  });
});
