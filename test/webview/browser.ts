// Headless Debian Chromium for the timeline tests (playwright-core driving /usr/bin/chromium,
// fresh profile per launch, nothing fetched from the network).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { timelineDocument } from '../../core/src/timeline/document';
import type { TimelineInput } from '../../core/src/timeline/input';

export const CHROMIUM = process.env.KLP_CHROMIUM ?? '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '../..');
/** Screenshots of the main states (gitignored): look at them. */
export const SHOT_DIR = path.join(ROOT, 'test/webview/.screenshots');

export interface Chromium {
  context: BrowserContext;
  /** A page at 1280x800 in the given colour scheme; page errors are collected in `errors`. */
  page(opts?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

export async function launch(): Promise<Chromium> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async page(opts = {}) {
      const page = (await context.newPage()) as Page & { errors: string[] };
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      await page.setViewportSize({ width: opts.width ?? 1280, height: opts.height ?? 800 });
      await page.emulateMedia({ colorScheme: opts.colorScheme ?? 'dark' });
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The bundled renderer (run `npm run build` first). */
export function rendererScript(): string {
  const p = path.join(ROOT, 'dist/webview.js');
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run npm run build`);
  return fs.readFileSync(p, 'utf8');
}

/** Writes an exported timeline for `input` to a temp file and returns its path. */
export function writeExport(input: TimelineInput, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-timeline-'));
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, timelineDocument({ title: input.title, nonce: crypto.randomBytes(18).toString('base64'), script: { inline: rendererScript() }, data: input }));
  return file;
}
