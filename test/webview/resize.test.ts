// The timeline lays out to its panel's width and again whenever that width changes, in the
// webview protocol VS Code uses (data by message, state saved and restored): in headless
// Chromium, a run shown at half a screen's width is redrawn wider when the viewport is
// widened (the drawing ends near the right edge instead of leaving it empty), narrower when
// it shrinks, and a refresh of the run (a second data message, as after a save) or a reload
// from the saved state does not pin the fitted zoom. A zoom the user chose is kept across a
// resize. Screenshots before and after go to test/webview/.screenshots/.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launch, rendererScript, ROOT, SHOT_DIR, writeExport, type Chromium } from './browser';
import { reverseRun } from './fixtures';
import { initParser } from '../../core/src/cparse/parser';
import { simulateFile } from '../../core/src/sim';
import { nodeHost } from '../../common/src/nodeHost';
import { timelineDocument } from '../../core/src/timeline/document';
import type { TimelineInput } from '../../core/src/timeline/input';

const haveBrowser = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(ROOT, 'dist/webview.js'));
const REQUIRED = !!(process.env.CI || process.env.KLP_REQUIRE_CLIENTS);

function examplesUpgrade(): TimelineInput {
  const file = path.join(ROOT, 'examples/upgrade.klpsim');
  const r = simulateFile(file, fs.readFileSync(file, 'utf8'), [], nodeHost);
  assert.deepEqual(r.errors, []);
  return { title: 'examples/upgrade.klpsim', scenario: 'examples/upgrade.klpsim', events: r.events, exitStatus: r.exitStatus };
}

/** The webview page as VS Code hosts it: acquireVsCodeApi with a state kept across reloads. */
async function webview(c: Chromium, width: number): Promise<Page & { errors: string[] }> {
  const nonce = crypto.randomBytes(18).toString('base64');
  const file = path.join(path.dirname(writeExport(reverseRun(), 'unused')), 'webview.html');
  fs.writeFileSync(file, timelineDocument({ title: 'webview', nonce, script: { inline: rendererScript() } }));
  const page = await c.page({ width, height: 760 });
  await page.addInitScript(() => {
    const w = window as unknown as { acquireVsCodeApi: () => unknown };
    const key = 'klp-webview-state';
    w.acquireVsCodeApi = () => ({
      postMessage: () => undefined,
      getState: () => JSON.parse(sessionStorage.getItem(key) ?? 'null'),
      setState: (s: unknown) => sessionStorage.setItem(key, JSON.stringify(s)),
    });
  });
  await page.goto(`file://${file}`);
  return page;
}

async function send(page: Page, input: TimelineInput): Promise<void> {
  await page.evaluate((data) => window.postMessage({ type: 'data', input: data }, '*'), input as unknown as Record<string, unknown>);
  await page.waitForSelector('.tl-row');
}

interface Geometry { main: number; track: number; right: number; zoom: number }

/** The widths that matter: the scroll area, one lane's track, where the drawing ends. */
async function geometry(page: Page): Promise<Geometry> {
  return page.evaluate(() => {
    const main = document.querySelector('.tl-main') as HTMLElement;
    const track = document.querySelector('.tl-row .tl-track') as HTMLElement;
    const items = Array.from(document.querySelectorAll('.tl-row .tl-track > *')).map((e) => e.getBoundingClientRect().right);
    const view = (window as unknown as { klpTimeline: { currentZoom(): number } }).klpTimeline;
    return { main: main.clientWidth, track: track.getBoundingClientRect().width, right: Math.max(...items), zoom: view.currentZoom() };
  });
}

/** Resizes the viewport and waits until the timeline has laid out again. */
async function resize(page: Page, width: number, before: Geometry): Promise<Geometry> {
  await page.setViewportSize({ width, height: 760 });
  await page.waitForFunction((z) => (window as unknown as { klpTimeline: { currentZoom(): number } }).klpTimeline.currentZoom() !== z, before.zoom, { timeout: 5000 });
  await page.waitForTimeout(150);
  return geometry(page);
}

(haveBrowser || REQUIRED ? describe : describe.skip)('timeline: laid out to the panel width, and again on resize', function () {
  this.timeout(60000);
  let c: Chromium;
  before(async () => {
    assert.ok(haveBrowser, `${CHROMIUM} and dist/webview.js (npm run build) are needed`);
    await initParser();
    c = await launch();
  });
  after(async () => { await c?.close(); });

  it('widening the viewport widens the drawing to the new width; narrowing narrows it', async () => {
    const page = await webview(c, 700);
    await send(page, examplesUpgrade());
    const half = await geometry(page);
    // fitted: the drawing ends within the last 10% of the scroll area, with no horizontal scroll
    assert.ok(half.right > half.main * 0.9 && half.right <= half.main + 2, `at 700px the drawing ends at ${half.right} of ${half.main}`);
    fs.mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SHOT_DIR, 'resize-700.png') });

    const wide = await resize(page, 1400, half);
    assert.ok(wide.track > half.track * 1.5, `the track did not widen: ${half.track} -> ${wide.track}`);
    assert.ok(wide.right > wide.main * 0.9 && wide.right <= wide.main + 2, `at 1400px the drawing ends at ${wide.right} of ${wide.main} (the right side left empty)`);
    await page.screenshot({ path: path.join(SHOT_DIR, 'resize-1400.png') });

    const narrow = await resize(page, 900, wide);
    assert.ok(narrow.track < wide.track, `the track did not narrow: ${wide.track} -> ${narrow.track}`);
    assert.ok(narrow.right <= narrow.main + 2, 'narrowed: no part of the drawing beyond the scroll area');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  it('a refreshed run and a reload from the saved state still follow the width (the fitted zoom is not pinned)', async () => {
    const page = await webview(c, 700);
    await send(page, examplesUpgrade());
    await send(page, examplesUpgrade()); // the extension re-sends the run after a save
    const first = await geometry(page);
    const wide = await resize(page, 1400, first);
    assert.ok(wide.track > first.track * 1.5, `after a refresh the resize did not re-lay out: ${first.track} -> ${wide.track}`);
    await page.reload();
    await page.waitForSelector('.tl-row');
    const restored = await geometry(page);
    const back = await resize(page, 700, restored);
    assert.ok(back.track < restored.track * 0.7, `after a reload the resize did not re-lay out: ${restored.track} -> ${back.track}`);
    await page.close();
  });

  it('a short run fills a wide panel; a zoom the user chose is kept across a resize', async () => {
    const page = await webview(c, 1400);
    await send(page, reverseRun());
    const g = await geometry(page);
    assert.ok(g.right > g.main * 0.9, `a short run leaves the right side empty: drawing ends at ${g.right} of ${g.main}`);
    await page.click('[data-act="zoom-in"]');
    const chosen = (await geometry(page)).zoom;
    await page.setViewportSize({ width: 800, height: 760 });
    await page.waitForTimeout(400);
    assert.equal((await geometry(page)).zoom, chosen, 'the chosen zoom changed on resize');
    await page.click('[data-act="zoom-fit"]');
    const fitted = await geometry(page);
    assert.ok(fitted.right <= fitted.main + 2 && fitted.right > fitted.main * 0.9, `Fit: drawing ends at ${fitted.right} of ${fitted.main}`);
    await page.close();
  });
});
