// The exported HTML document (core/src/timeline/document.ts): strict CSP with a nonce, no
// remote resources or inline handlers, user-derived names escaped, embedded JSON and script
// that cannot close their <script> element; and `klp-studio timeline` writing it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeHtml, jsonForScript, scriptText, timelineCsp, timelineDocument } from '../../core/src/timeline/document';
import { spawnSync } from 'node:child_process';
import { command as timelineCommand } from '../../cli/src/commands/timeline';
import { command as simulateCommand } from '../../cli/src/commands/simulate';
import { UsageError, type CliIO } from '../../cli/src/io';
import { HOSTILE_NAMES, upgradeRun } from './fixtures';

const NONCE = 'AbCdEfGhIjKlMnOpQrStUv12';
const ROOT = path.resolve(__dirname, '../..');

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd, isTTY: false };
  const cmd = args[0] === 'timeline' ? timelineCommand : simulateCommand;
  try {
    return { code: await cmd.run(args.slice(1), io), out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: err + e.message + '\n' };
    throw e;
  }
}

describe('timeline HTML document', () => {
  it('has a strict CSP: nothing by default, script and style only with the nonce', () => {
    const csp = timelineCsp(NONCE);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${NONCE}'(;|$)`));
    assert.match(csp, new RegExp(`style-src 'nonce-${NONCE}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.match(timelineCsp(NONCE, 'https://file+.vscode-resource.vscode-cdn.net'), /script-src 'nonce-[^']+' https:\/\/file\+\.vscode-resource/);
  });

  it('escapes hostile names everywhere and keeps the embedded run intact', () => {
    const input = upgradeRun(HOSTILE_NAMES);
    input.title = '</title><script>alert(1)</script>';
    const html = timelineDocument({ title: input.title, nonce: NONCE, script: { inline: 'console.log("</script><script>alert(2)</script>")' }, data: input });
    // Only our two script elements, both with the nonce (or inert JSON); the renderer's own
    // text cannot close its element (a bare "<script>" inside script data is inert).
    assert.ok(html.includes('console.log("<\\/script><script>alert(2)<\\/script>")'));
    const outside = html.replace(/<script nonce="[^"]+">[\s\S]*?<\/script>/, '<script nonce="' + NONCE + '"></script>');
    const scripts = [...outside.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    assert.deepEqual(scripts, ['<script type="application/json" id="klp-timeline-data">', `<script nonce="${NONCE}">`]);
    assert.equal((html.match(/<\/script>/gi) ?? []).length, 2);
    assert.doesNotMatch(html, /<img|<svg|<iframe/i, 'no markup from names survives');
    const markup = outside.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    assert.doesNotMatch(markup, /onerror=|onload=|onmouseover=/i);
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; — KLP Studio timeline<\/title>/);
    const json = /<script type="application\/json" id="klp-timeline-data">([\s\S]*?)<\/script>/.exec(html)![1];
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(input)), 'the run round-trips through the document');
    assert.doesNotMatch(markup, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//i, 'no remote resources');
  });

  it('refuses a weak nonce and escapes the helpers\' special characters', () => {
    assert.throws(() => timelineDocument({ title: 't', nonce: 'short', script: { inline: '' } }));
    assert.throws(() => timelineDocument({ title: 't', nonce: 'a"b onerror=x aaaaaaaaaaaaaaa', script: { inline: '' } }));
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(jsonForScript({ s: '</script><!--\u2028' }), '{"s":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
    assert.equal(scriptText('a("</SCRIPT>")<!--'), 'a("<\\/SCRIPT>")<\\!--');
  });
});

describe('klp-studio timeline', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'klp-tl-cli-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes one self-contained file for the examples upgrade', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/webview.js'))) this.skip();
    const out = path.join(tmp, 'upgrade.html');
    const r = await cli(['timeline', 'examples/upgrade.klpsim', '-o', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^wrote .*upgrade\.html \(\d+ events, \d+ KiB\)\n$/);
    const html = fs.readFileSync(out, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    const json = JSON.parse(/id="klp-timeline-data">([\s\S]*?)<\/script>/.exec(html)![1]);
    assert.equal(json.title, 'examples/upgrade.klpsim');
    assert.ok(json.events.some((e: { kind: string; patch?: string; state?: string }) => e.kind === 'patch-state' && e.patch === 'lp_acme_v1' && e.state === 'replaced'));
    assert.ok(json.events.every((e: { sources?: { file: string }[] }) => (e.sources ?? []).every((s) => !s.file.startsWith('/'))), 'source paths are relative to the current directory');
  });

  it('accepts the JSON of simulate --format json, and --no-debug drops debug lines', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist/webview.js'))) this.skip();
    const sim = await cli(['simulate', 'examples/upgrade.klpsim', '--format', 'json']);
    assert.equal(sim.code, 0);
    const jsonFile = path.join(tmp, 'run.json');
    fs.writeFileSync(jsonFile, sim.out);
    const r = await cli(['timeline', jsonFile, '--no-debug', '-o', '-']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(/id="klp-timeline-data">([\s\S]*?)<\/script>/.exec(r.out)![1]);
    assert.ok(json.events.length > 10);
    assert.ok(json.events.every((e: { debug?: boolean }) => !e.debug));
  });

  it('runs as the built CLI (dist/cli.js)', function () {
    const bin = path.join(ROOT, 'dist/cli.js');
    if (!fs.existsSync(bin)) this.skip();
    const out = path.join(tmp, 'built.html');
    const r = spawnSync(process.execPath, [bin, 'timeline', 'examples/upgrade.klpsim', '-o', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.statSync(out).size > 50_000, 'renderer and run are inlined');
    const help = spawnSync(process.execPath, [bin, 'timeline', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /^usage: klp-studio timeline SCENARIO/);
  });

  it('reports bad usage, missing files and scenario errors without writing anything', async () => {
    const noOut = await cli(['timeline', 'examples/upgrade.klpsim']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.err, /missing -o FILE\.html/);
    const missing = await cli(['timeline', 'nope.klpsim', '-o', path.join(tmp, 'x.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.klpsim: No such file or directory/);
    const bad = path.join(tmp, 'bad.klpsim');
    fs.writeFileSync(bad, 'frobnicate everything\n');
    const r = await cli(['timeline', bad, '-o', path.join(tmp, 'bad.html')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.klpsim:1: error/);
    assert.equal(fs.existsSync(path.join(tmp, 'bad.html')), false);
    assert.equal(fs.existsSync(path.join(tmp, 'x.html')), false);
  });
});
