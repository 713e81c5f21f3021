#!/usr/bin/env node
// Rasterises the extension's icon (extension/media/icon.svg, drawn for this project) to the
// 128x128 PNG the .vsix needs (vsce refuses SVG icons), with the Debian Chromium the webview
// tests use. Run after editing the SVG; the PNG is committed beside it.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = require('playwright-core');
const svg = readFileSync(join(root, 'extension/media/icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: join(root, 'extension/media/icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
