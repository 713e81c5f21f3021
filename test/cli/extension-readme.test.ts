// The extension's user README (extension/README.md, the page the .vsix shows) cannot drift
// from the manifest: its settings table lists every contributed setting with its default and
// nothing else, its commands table every command title of the "Livepatch" category, and its
// pictures are PNG or JPEG files that exist (the page refuses SVG; scripts/vsix.mjs embeds them).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './run';

describe('extension/README.md: the user README of the packaged extension', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'extension/README.md'), 'utf8');
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  it('lists every contributed setting with its default, and no other', () => {
    const props: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;
    const rows = [...readme.matchAll(/^\| `(klpStudio\.[\w.]+)` \| `([^`]*)` \|/gm)].map((m) => ({ key: m[1], def: m[2] }));
    assert.deepEqual(rows.map((r) => r.key).sort(), Object.keys(props).sort());
    for (const r of rows) assert.equal(r.def, JSON.stringify(props[r.key].default).replace(/^"|"$/g, ''), `default of ${r.key}`);
  });

  it('lists every command by its title', () => {
    const titles: string[] = manifest.contributes.commands.map((c: { title: string }) => c.title);
    const rows = [...readme.matchAll(/^\| ([A-Z][^|`]*?) \| [^|]+ \|$/gm)].map((m) => m[1].trim()).filter((t) => !/^(command|setting)$/.test(t));
    assert.deepEqual([...rows].sort(), [...titles].sort());
  });

  it('has pictures the extension page can show: PNG or JPEG files that exist, no SVG, no raw HTML images', () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 1, 'a picture');
    for (const i of images) {
      assert.match(i, /\.(png|jpe?g)$/i, i);
      assert.ok(fs.existsSync(path.join(ROOT, 'extension', i)), `${i} is missing`);
    }
    assert.doesNotMatch(readme, /<img|<svg/i);
    assert.equal(manifest.icon, undefined, 'the icon is set by scripts/vsix.mjs in the staged manifest');
    const icon = fs.readFileSync(path.join(ROOT, 'extension/media/icon.png'));
    assert.equal(icon.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is 128x128');
  });
});
